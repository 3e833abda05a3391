package templates

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// Replays the streaming sessions recorded from real Misskey servers
// (../../shared/recordings/<server>/streaming/*.jsonl): the client does what
// the recorded client did, the fake server checks the frames it gets and
// answers with the recorded server frames, connection ids rewritten to the
// ones the client chose, and every one of them must reach the application
// with the right kind, channel and type.

// streamRecordingsDir returns the recordings folder, or skips the test.
func streamRecordingsDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "recordings")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("recordings of real servers not found at %s (they live outside the module): %v", dir, err)
	}
	return dir
}

type streamRecordedLine struct {
	Dir   string          `json:"dir"`
	T     int64           `json:"t"`
	Frame json.RawMessage `json:"frame"`
}

func readStreamRecording(t testing.TB, path string) []streamRecordedLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []streamRecordedLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l streamRecordedLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// streamRecordedSessions lists server/scenario → file.
func streamRecordedSessions(t testing.TB) map[string]string {
	dir := streamRecordingsDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*", "streaming", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no streaming recordings under %s", dir)
	}
	out := map[string]string{}
	for _, f := range files {
		server := filepath.Base(filepath.Dir(filepath.Dir(f)))
		out[server+"/"+strings.TrimSuffix(filepath.Base(f), ".jsonl")] = f
	}
	return out
}

// streamConnectLike opens the connection the recorded client opened, through the
// typed helper of the channel, so that the helpers are checked against real
// frames.
func streamConnectLike(t testing.TB, s *Stream, channel string, params json.RawMessage) *Connection {
	t.Helper()
	var (
		c   *Connection
		err error
	)
	decode := func(v any) {
		t.Helper()
		if err := json.Unmarshal(params, v); err != nil {
			t.Fatalf("params of %s: %v", channel, err)
		}
	}
	var ids struct {
		RoleID, AntennaID, ChannelID, GameID, OtherID, RoomID string
	}
	decode(&ids)
	switch channel {
	case "main":
		c, err = s.Main()
	case "homeTimeline":
		var p HomeTimelineParams
		decode(&p)
		c, err = s.HomeTimeline(p)
	case "localTimeline":
		var p LocalTimelineParams
		decode(&p)
		c, err = s.LocalTimeline(p)
	case "hybridTimeline":
		var p HybridTimelineParams
		decode(&p)
		c, err = s.HybridTimeline(p)
	case "globalTimeline":
		var p GlobalTimelineParams
		decode(&p)
		c, err = s.GlobalTimeline(p)
	case "userList":
		var p UserListParams
		decode(&p)
		c, err = s.UserList(p)
	case "hashtag":
		var p HashtagParams
		decode(&p)
		c, err = s.Hashtag(p)
	case "roleTimeline":
		c, err = s.RoleTimeline(ids.RoleID)
	case "antenna":
		c, err = s.Antenna(ids.AntennaID)
	case "channel":
		c, err = s.ChannelTimeline(ids.ChannelID)
	case "drive":
		c, err = s.Drive()
	case "admin":
		c, err = s.Admin()
	case "serverStats":
		c, err = statsConn(s.ServerStats())
	case "queueStats":
		c, err = statsConn(s.QueueStats())
	case "chatUser":
		c, err = chatConn(s.ChatUser(ids.OtherID))
	case "chatRoom":
		c, err = chatConn(s.ChatRoom(ids.RoomID))
	case "reversiGame":
		c, err = gameConn(s.ReversiGame(ids.GameID))
	case "reversi":
		c, err = s.Reversi()
	default:
		c, err = s.Connect(channel, params)
	}
	if err != nil {
		t.Fatalf("connect %s: %v", channel, err)
	}
	return c
}

func TestStreamRecordedSessions(t *testing.T) {
	sessions := streamRecordedSessions(t)
	names := make([]string, 0, len(sessions))
	for n := range sessions {
		names = append(names, n)
	}
	sort.Strings(names)
	f := newFakeStreamServer(t)
	total := 0
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			total += replayStreamRecording(t, f, readStreamRecording(t, sessions[name]))
		})
	}
	t.Logf("%d recorded server frames delivered from %d sessions", total, len(names))
}

// replayStreamRecording plays one recorded session and returns the number of
// server frames delivered.
func replayStreamRecording(t *testing.T, f *fakeStreamServer, lines []streamRecordedLine) int {
	s := openTestStream(t, f)
	defer s.Close()
	sess := f.accept(t)

	conns := map[string]*Connection{} // recorded connection id → connection
	delivered := 0
	for i, l := range lines {
		var fr struct {
			Type string          `json:"type"`
			Body json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(l.Frame, &fr); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		var body struct {
			ID      string          `json:"id"`
			Type    string          `json:"type"`
			Channel string          `json:"channel"`
			Params  json.RawMessage `json:"params"`
			Body    json.RawMessage `json:"body"`
		}
		_ = json.Unmarshal(fr.Body, &body) // not every body is an object

		if l.Dir == "out" {
			switch fr.Type {
			case "connect":
				c := streamConnectLike(t, s, body.Channel, body.Params)
				conns[body.ID] = c
				got := sess.expectConnect(t)
				if got.ID != c.ID() || got.Channel != body.Channel || !streamJSONEqual(t, got.Params, body.Params) {
					t.Errorf("line %d: client sent connect %s %s %s, recorded %s", i+1, got.Channel, got.ID, got.Params, l.Frame)
				}
			case "disconnect":
				c := conns[body.ID]
				c.Close()
				sess.expectID(t, "disconnect", c.ID())
			case "subNote", "s":
				s.SubNote(body.ID)
				sess.expectID(t, "subNote", body.ID)
			case "unsubNote", "un":
				s.UnsubNote(body.ID)
				sess.expectID(t, "unsubNote", body.ID)
			case "ch", "channel":
				c := conns[body.ID]
				var msg any
				_ = json.Unmarshal(body.Body, &msg)
				if err := c.Send(body.Type, msg); err != nil {
					t.Fatal(err)
				}
				got := sess.next(t)
				var gb struct {
					ID   string          `json:"id"`
					Type string          `json:"type"`
					Body json.RawMessage `json:"body"`
				}
				json.Unmarshal(got.Body, &gb)
				if got.Type != "ch" || gb.ID != c.ID() || gb.Type != body.Type || !streamJSONEqual(t, gb.Body, body.Body) {
					t.Errorf("line %d: client sent %s, recorded %s", i+1, got.raw, l.Frame)
				}
			default:
				t.Fatalf("line %d: recorded client frame %s not replayed", i+1, fr.Type)
			}
			continue
		}

		// A server frame: rewrite the connection id and send it.
		var c *Connection
		out := l.Frame
		if fr.Type == "channel" || fr.Type == "connected" {
			c = conns[body.ID]
			if c == nil {
				t.Fatalf("line %d: frame for unknown connection %q", i+1, body.ID)
			}
			var m map[string]json.RawMessage
			json.Unmarshal(fr.Body, &m)
			m["id"] = streamMarshalVerbatim(t, c.ID())
			out = streamMarshalVerbatim(t, map[string]json.RawMessage{"type": streamMarshalVerbatim(t, fr.Type), "body": streamMarshalVerbatim(t, m)})
		}
		sess.sendRaw(t, string(out))

		ev := streamRecv(t, s.Events())
		delivered++
		if !bytes.Equal(ev.Raw, out) {
			t.Errorf("line %d: Raw differs from the frame sent", i+1)
		}
		if ev.Err != nil {
			t.Errorf("line %d: %v", i+1, ev.Err)
		}
		switch fr.Type {
		case "connected":
			if ev.Kind != EventConnected || ev.Connection != c || ev.Channel != c.Channel() || ev.ConnectionID != c.ID() {
				t.Errorf("line %d: got %v %s/%s, want connected on %s", i+1, ev.Kind, ev.Channel, ev.ConnectionID, c.Channel())
			}
		case "channel":
			if ev.Kind != EventChannel || ev.Connection != c || ev.Channel != c.Channel() || ev.ConnectionID != c.ID() || string(ev.Type) != body.Type {
				t.Errorf("line %d: got %v %s/%s on %s, want channel %s/%s", i+1, ev.Kind, ev.Channel, ev.Type, ev.ConnectionID, c.Channel(), body.Type)
			}
			if !bytes.Equal(ev.Body, body.Body) {
				t.Errorf("line %d: body differs from the recorded one", i+1)
			}
			want := &streamDecoded{Channel: c.Channel(), Event: body.Type, Body: string(body.Body)}
			if !reflect.DeepEqual(ev.Value, want) {
				t.Errorf("line %d: decoder called as (%+v), want (%s, %s)", i+1, ev.Value, want.Channel, want.Event)
			}
		case "noteUpdated":
			if ev.Kind != EventNoteUpdated || ev.NoteID != body.ID || string(ev.Type) != body.Type || !bytes.Equal(ev.Body, body.Body) {
				t.Errorf("line %d: got %v %s/%s, want noteUpdated %s/%s", i+1, ev.Kind, ev.NoteID, ev.Type, body.ID, body.Type)
			}
			checkStreamNoteUpdate(t, ev, body.Body)
		default:
			want := EventUnknown
			if streamBroadcasts[fr.Type] {
				want = EventBroadcast
			}
			if ev.Kind != want || string(ev.Type) != fr.Type || !bytes.Equal(ev.Body, fr.Body) {
				t.Errorf("line %d: got %v %s, want %v %s", i+1, ev.Kind, ev.Type, want, fr.Type)
			}
			if v := ev.Value.(*streamDecoded); v.Channel != "" || v.Event != fr.Type {
				t.Errorf("line %d: decoder called as (%q, %q), want (\"\", %q)", i+1, v.Channel, v.Event, fr.Type)
			}
		}
	}
	streamNoEvent(t, s.Events(), 10*time.Millisecond)
	return delivered
}

// checkStreamNoteUpdate checks the typed value of a recorded note update
// against a generic decoding of its body.
func checkStreamNoteUpdate(t *testing.T, ev StreamEvent, body json.RawMessage) {
	t.Helper()
	var m map[string]any
	json.Unmarshal(body, &m)
	str := func(k string) string { s, _ := m[k].(string); return s }
	switch v := ev.Value.(type) {
	case *NoteReacted:
		ok := v.Reaction == str("reaction") && v.UserID == str("userId") && v.Reaction != ""
		if e, _ := m["emoji"].(map[string]any); e != nil {
			ok = ok && v.Emoji != nil && v.Emoji.Name == e["name"] && v.Emoji.URL == e["url"] && v.Emoji.URL != ""
		} else {
			ok = ok && v.Emoji == nil
		}
		if !ok || ev.Type != "reacted" {
			t.Errorf("%s: %#v from %s", ev.Type, v, body)
		}
	case *NoteUnreacted:
		if ev.Type != "unreacted" || v.Reaction != str("reaction") || v.UserID != str("userId") || v.UserID == "" {
			t.Errorf("%s: %#v from %s", ev.Type, v, body)
		}
	case *NotePollVoted:
		if ev.Type != "pollVoted" || float64(v.Choice) != m["choice"] || v.UserID != str("userId") || v.UserID == "" {
			t.Errorf("%s: %#v from %s", ev.Type, v, body)
		}
	case *NoteDeleted:
		if ev.Type != "deleted" || v.DeletedAt.IsZero() || v.DeletedAt.UTC().Format("2006-01-02T15:04:05.000Z") != str("deletedAt") {
			t.Errorf("%s: %#v from %s", ev.Type, v, body)
		}
	default:
		t.Errorf("note update %q decoded to %T", ev.Type, ev.Value)
	}
}

// streamMarshalVerbatim encodes v without escaping <, > and &, so that recorded
// bodies keep their bytes.
func streamMarshalVerbatim(t testing.TB, v any) json.RawMessage {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
