package misskey

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkStreamNoteEvents decodes timeline note frames into *Note the way
// a stream delivers them (envelope, connection lookup, typed body), against
// decoding the same frames with plain encoding/json into plain structs with
// Note's fields (prevNote). The frames are the recorded ones from ../shared/recordings, with
// the connection id rewritten, or one synthetic frame when they are absent.
func BenchmarkStreamNoteEvents(b *testing.B) {
	frames := noteFrames(b)
	size := 0
	for _, f := range frames {
		size += len(f)
	}
	b.Run("stream", func(b *testing.B) {
		s := newStream(context.Background(), NewClient("https://misskey.example"), defaultStreamConfig())
		defer s.cancel(nil)
		if _, err := s.HomeTimeline(HomeTimelineParams{}); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(size / len(frames)))
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			ev, _, ok := s.handleFrame(frames[i%len(frames)])
			if n, isNote := ev.Value.(*Note); !ok || !isNote || n.ID == "" {
				b.Fatalf("%+v", ev)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
	b.Run("encoding-json", func(b *testing.B) {
		// Plain structs (decode_bench_test.go's prevNote): encoding/json
		// by reflection, dropping what they do not declare.
		type frame struct {
			Type string `json:"type"`
			Body struct {
				ID   string   `json:"id"`
				Type string   `json:"type"`
				Body prevNote `json:"body"`
			} `json:"body"`
		}
		b.SetBytes(int64(size / len(frames)))
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var f frame
			if err := json.Unmarshal(frames[i%len(frames)], &f); err != nil || f.Body.Body.ID == "" {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
}

func noteFrames(b *testing.B) [][]byte {
	var frames [][]byte
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "recordings", "*", "streaming", "*Timeline.jsonl"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			var l struct {
				Dir   string `json:"dir"`
				Frame struct {
					Type string `json:"type"`
					Body struct {
						ID   string          `json:"id"`
						Type string          `json:"type"`
						Body json.RawMessage `json:"body"`
					} `json:"body"`
				} `json:"frame"`
			}
			if json.Unmarshal(line, &l) != nil || l.Dir != "in" || l.Frame.Type != "channel" || l.Frame.Body.Type != "note" {
				continue
			}
			frames = append(frames, []byte(`{"type":"channel","body":{"id":"1","type":"note","body":`+string(l.Frame.Body.Body)+`}}`))
		}
	}
	if len(frames) == 0 {
		frames = append(frames, []byte(strings.TrimSpace(`{"type":"channel","body":{"id":"1","type":"note","body":{"id":"n1","createdAt":"2026-01-02T03:04:05.678Z","userId":"u1","user":{"id":"u1","username":"alice","host":null,"name":"Alice","avatarUrl":null,"isBot":false,"isCat":false,"emojis":{},"onlineStatus":"online"},"text":"hello","cw":null,"visibility":"public","reactionAcceptance":null,"renoteCount":0,"repliesCount":0,"reactionCount":0,"reactions":{},"reactionEmojis":{},"fileIds":[],"files":[],"replyId":null,"renoteId":null}}}`)))
	}
	return frames
}
