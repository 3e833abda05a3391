package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// parseStreamEnvelope must agree with encoding/json on every valid JSON
// object, and refuse everything else.
func FuzzStreamEnvelope(f *testing.F) {
	seeds := []string{
		`{"type":"channel","body":{"id":"1","type":"note","body":{"id":"x","text":"a\"b}"}}}`,
		`{"type":"noteUpdated","body":{"id":"n","type":"reacted","body":{"reaction":"👍","emoji":null}}}`,
		`{"type":"emojiAdded","body":{"emoji":{"name":"blob"}}}`,
		`{"type":"channel","body":{"id":"main","type":"readAllNotifications","body":null}}`,
		` { "ty\u0070e" : "x" , "body" : [ 1 , { "a" : "]" } ] , "id" : -1.5e3 } `,
		`{"type":"a","type":"b","body":1,"body":true}`,
		`{}`, `[]`, `"str"`, `null`, `{"a":{}}`, `{"body":"\\"}`, `{"id":"\\\"}"}`,
		"{\"type\":\"\xff\"}", // invalid UTF-8 becomes U+FFFD, as in encoding/json
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// Real frames, when the recordings are there.
	if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "recordings", "2024.10.1", "streaming", "main.jsonl")); err == nil {
		for _, line := range bytes.Split(b, []byte("\n")) {
			var l streamRecordedLine
			if json.Unmarshal(line, &l) == nil {
				f.Add([]byte(l.Frame))
			}
		}
	}
	// handleFrame parses frames without validating them first: it must never
	// panic, and a frame it cannot use must come out as an error event.
	s := newStream(context.Background(), NewClient("https://misskey.example"), defaultStreamConfig())
	defer s.cancel(nil)
	if _, err := s.HomeTimeline(HomeTimelineParams{}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if ev, _, ok := s.handleFrame(data); ok && !json.Valid(data) && ev.Err == nil && ev.Value == nil {
			t.Fatalf("%q: an invalid frame came out as a clean event %+v", data, ev)
		}
		if !json.Valid(data) {
			return
		}
		got, err := parseStreamEnvelope(data)
		var m map[string]json.RawMessage
		if jerr := json.Unmarshal(data, &m); jerr != nil || m == nil {
			if err == nil && m == nil && jerr == nil {
				t.Fatalf("parsed %q (null) as an object", data)
			}
			if jerr != nil && err == nil {
				t.Fatalf("parsed %q, encoding/json: %v", data, jerr)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		for _, k := range []struct {
			name string
			got  []byte
		}{{"id", got.id}, {"type", got.typ}, {"body", got.body}} {
			want, ok := m[k.name]
			if !ok {
				// encoding/json matches names case-insensitively into
				// structs, but exactly into maps, as the stream does.
				if k.got != nil {
					t.Fatalf("%q: %s = %q, encoding/json has none", data, k.name, k.got)
				}
				continue
			}
			if !bytes.Equal(k.got, want) {
				t.Fatalf("%q: %s = %q, encoding/json %q", data, k.name, k.got, want)
			}
		}
		if got.typ != nil {
			var want string
			if json.Unmarshal(got.typ, &want) == nil {
				if s, err := streamString(got.typ); err != nil || s != want {
					t.Fatalf("streamString(%s) = %q, %v; want %q", got.typ, s, err, want)
				}
			}
		}
	})
}

// Decoding of recorded-looking note frames: the stream's frame handling (JSON
// validation, envelope scan, connection lookup, event assembly; the decoder
// is the stub, so no entity decoding) against encoding/json decoding the
// same frames into the same shape (frame type, connection id, event type,
// raw body).
func BenchmarkStreamDecode(b *testing.B) {
	frames := benchmarkNoteFrames(b)
	size := 0
	for _, f := range frames {
		size += len(f)
	}
	avg := int64(size / len(frames))

	b.Run("stream", func(b *testing.B) {
		s := newStream(context.Background(), NewClient("https://example.com"), defaultStreamConfig())
		defer s.cancel(nil)
		c, _ := s.HomeTimeline(HomeTimelineParams{})
		if c.ID() != "1" {
			b.Fatalf("connection id %q", c.ID())
		}
		b.SetBytes(avg)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			ev, _, ok := s.handleFrame(frames[i%len(frames)])
			if !ok || ev.Kind != EventChannel || ev.Err != nil {
				b.Fatalf("%+v", ev)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
	b.Run("encoding-json", func(b *testing.B) {
		type shape struct {
			Type string `json:"type"`
			Body struct {
				ID   string          `json:"id"`
				Type string          `json:"type"`
				Body json.RawMessage `json:"body"`
			} `json:"body"`
		}
		b.SetBytes(avg)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var v shape
			if err := json.Unmarshal(frames[i%len(frames)], &v); err != nil || v.Body.Type != "note" {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
}

// benchmarkNoteFrames returns the recorded timeline note frames with the
// connection id "1", or a synthetic one when the recordings are absent.
func benchmarkNoteFrames(b *testing.B) [][]byte {
	var frames [][]byte
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "recordings", "*", "streaming", "*Timeline.jsonl"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			var l streamRecordedLine
			if json.Unmarshal(line, &l) != nil || l.Dir != "in" {
				continue
			}
			var fr struct {
				Type string `json:"type"`
				Body struct {
					Type string          `json:"type"`
					Body json.RawMessage `json:"body"`
				} `json:"body"`
			}
			if json.Unmarshal(l.Frame, &fr) != nil || fr.Type != "channel" || fr.Body.Type != "note" {
				continue
			}
			frames = append(frames, []byte(`{"type":"channel","body":{"id":"1","type":"note","body":`+string(fr.Body.Body)+`}}`))
		}
	}
	if len(frames) == 0 {
		b.Log("recordings absent: using a synthetic note frame")
		frames = append(frames, []byte(`{"type":"channel","body":{"id":"1","type":"note","body":{"id":"atyp7324ugj800an","createdAt":"2026-11-24T20:14:59.644Z","userId":"atyp016yugj80006","user":{"id":"atyp016yugj80006","name":"Alice Liddell","username":"alice","host":null,"avatarUrl":"http://127.0.0.1:3000/identicon/alice@127.0.0.1:3000","avatarBlurhash":null,"avatarDecorations":[],"isBot":false,"isCat":true,"emojis":{},"onlineStatus":"online","badgeRoles":[]},"text":"streamed note \"quoted\" 日本語 #misskey","cw":null,"visibility":"public","localOnly":false,"reactionAcceptance":null,"renoteCount":0,"repliesCount":0,"reactionCount":0,"reactions":{},"reactionEmojis":{},"tags":["misskey"],"fileIds":[],"files":[],"replyId":null,"renoteId":null}}}`))
	}
	return frames
}
