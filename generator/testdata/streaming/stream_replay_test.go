package misskey

// This file is added to a package generated from a real server's document by
// generator/stream_recordings_test.go; it is not part of misskey-gen.
//
// It plays every recorded streaming session of that server against a fake
// /streaming endpoint, the client doing what the recorded client did through
// the typed API (typed channel helpers, typed client messages), and then
// sends one sample body of every event of every channel. For each frame it
// writes what the application got: kind, channel, event type, the Go type of
// Value, the body, the Value re-encoded with json.Marshal and the event's
// Mismatches; the outer test compares the re-encoded Value with the body.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/coder/websocket"
)

type srConfig struct {
	Dir     string                     `json:"dir"`
	Out     string                     `json:"out"`
	Samples map[string]json.RawMessage `json:"samples"` // "channel:event" → body
}

type srFrame struct {
	Source    string `json:"source"` // "file:line" or "sample"
	Frame     string `json:"frame"`  // the frame's type
	Channel   string `json:"channel"`
	Event     string `json:"event"`
	Delivered bool   `json:"delivered"`
	Kind      string `json:"kind"`
	GotEvent  string `json:"gotEvent"`
	RightConn bool   `json:"rightConn"`
	BodyKept  bool   `json:"bodyKept"`
	GoType    string `json:"goType"`
	Err       string `json:"err,omitempty"`
	IDKept    bool   `json:"idKept"` // the body's "id" (or the id string) is in the value
	HasID     bool   `json:"hasId"`
	// Body is the body the frame carried, Value the event's Value
	// re-encoded with json.Marshal (when it has one).
	Body       json.RawMessage `json:"body,omitempty"`
	Value      json.RawMessage `json:"value,omitempty"`
	Mismatches []srMismatch    `json:"mismatches,omitempty"` // StreamEvent.Mismatches
	BodyNull   bool            `json:"bodyNull"`             // the event carries no data
	Problem    string          `json:"problem,omitempty"`
}

// srMismatch is one of StreamEvent.Mismatches.
type srMismatch struct {
	Path  string          `json:"path"`
	Want  string          `json:"want"`
	Value json.RawMessage `json:"value"`
}

type srMessage struct {
	Source string `json:"source"`
	Type   string `json:"type"`
	Sent   string `json:"sent"`
	OK     bool   `json:"ok"`
}

type srOut struct {
	Frames   []srFrame   `json:"frames"`
	Messages []srMessage `json:"messages"`
	Unknown  bool        `json:"unknownDeliveredRaw"`
}

func TestStreamReplay(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "stream.json"))
	if err != nil {
		t.Skipf("no testdata/stream.json: this test is run by generator/stream_recordings_test.go (%v)", err)
	}
	var cfg srConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	conns := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		c.SetReadLimit(16 << 20)
		conns <- c
		<-r.Context().Done()
	}))
	defer srv.Close()

	var out srOut
	files, _ := filepath.Glob(filepath.Join(cfg.Dir, "streaming", "*.jsonl"))
	sort.Strings(files)
	for _, f := range files {
		srSession(t, srv.URL, conns, f, &out)
	}
	srSamples(t, srv.URL, conns, cfg.Samples, &out)
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg.Out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

type srLine struct {
	Dir   string          `json:"dir"`
	Frame json.RawMessage `json:"frame"`
}

type srEnvelope struct {
	Type string          `json:"type"`
	Body json.RawMessage `json:"body"`
}

type srInner struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Channel string          `json:"channel"`
	Params  json.RawMessage `json:"params"`
	Body    json.RawMessage `json:"body"`
}

// srOpen opens a stream to the fake server and returns it with the server's
// side of the socket.
func srOpen(t *testing.T, url string, conns chan *websocket.Conn) (*Stream, *websocket.Conn) {
	s, err := NewClient(url, WithToken("<TOKEN>")).Stream(context.Background(), WithoutReconnect(), WithHeartbeat(0))
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	select {
	case c := <-conns:
		return s, c
	case <-time.After(10 * time.Second):
		t.Fatal("the client did not connect")
		return nil, nil
	}
}

// srConnect opens the connection through the typed helper of its channel.
func srConnect(s *Stream, channel string, params json.RawMessage) (*Connection, any, error) {
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	var ids struct {
		RoleID, AntennaID, ChannelID, GameID, OtherID, RoomID, ListID string
	}
	_ = json.Unmarshal(params, &ids)
	dec := func(v any) error { return json.Unmarshal(params, v) }
	switch channel {
	case "main":
		c, err := s.Main()
		return c, nil, err
	case "homeTimeline":
		var p HomeTimelineParams
		if err := dec(&p); err != nil {
			return nil, nil, err
		}
		c, err := s.HomeTimeline(p)
		return c, nil, err
	case "localTimeline":
		var p LocalTimelineParams
		if err := dec(&p); err != nil {
			return nil, nil, err
		}
		c, err := s.LocalTimeline(p)
		return c, nil, err
	case "hybridTimeline":
		var p HybridTimelineParams
		if err := dec(&p); err != nil {
			return nil, nil, err
		}
		c, err := s.HybridTimeline(p)
		return c, nil, err
	case "globalTimeline":
		var p GlobalTimelineParams
		if err := dec(&p); err != nil {
			return nil, nil, err
		}
		c, err := s.GlobalTimeline(p)
		return c, nil, err
	case "userList":
		var p UserListParams
		if err := dec(&p); err != nil {
			return nil, nil, err
		}
		c, err := s.UserList(p)
		return c, nil, err
	case "hashtag":
		var p HashtagParams
		if err := dec(&p); err != nil {
			return nil, nil, err
		}
		c, err := s.Hashtag(p)
		return c, nil, err
	case "roleTimeline":
		c, err := s.RoleTimeline(ids.RoleID)
		return c, nil, err
	case "antenna":
		c, err := s.Antenna(ids.AntennaID)
		return c, nil, err
	case "channel":
		c, err := s.ChannelTimeline(ids.ChannelID)
		return c, nil, err
	case "drive":
		c, err := s.Drive()
		return c, nil, err
	case "admin":
		c, err := s.Admin()
		return c, nil, err
	case "reversi":
		c, err := s.Reversi()
		return c, nil, err
	case "serverStats", "queueStats":
		open := s.ServerStats
		if channel == "queueStats" {
			open = s.QueueStats
		}
		c, err := open()
		if err != nil {
			return nil, nil, err
		}
		return c.Connection, c, nil
	case "reversiGame":
		c, err := s.ReversiGame(ids.GameID)
		if err != nil {
			return nil, nil, err
		}
		return c.Connection, c, nil
	case "chatUser", "chatRoom":
		open := func() (*ChatConnection, error) { return s.ChatUser(ids.OtherID) }
		if channel == "chatRoom" {
			open = func() (*ChatConnection, error) { return s.ChatRoom(ids.RoomID) }
		}
		c, err := open()
		if err != nil {
			return nil, nil, err
		}
		return c.Connection, c, nil
	}
	return nil, nil, fmt.Errorf("no typed helper for channel %q", channel)
}

// srReadClient reads the next frame the client sent, skipping "h".
func srReadClient(ctx context.Context, c *websocket.Conn) (srEnvelope, srInner, []byte, error) {
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return srEnvelope{}, srInner{}, nil, err
		}
		if string(data) == "h" {
			continue
		}
		var env srEnvelope
		var in srInner
		err = json.Unmarshal(data, &env)
		if err == nil {
			_ = json.Unmarshal(env.Body, &in)
		}
		return env, in, data, err
	}
}

func srSession(t *testing.T, url string, conns chan *websocket.Conn, path string, out *srOut) {
	file := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []srLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l srLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		lines = append(lines, l)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, ws := srOpen(t, url, conns)
	defer s.Close()
	defer ws.CloseNow()

	conns2 := map[string]*Connection{}
	typed := map[string]any{}
	closed := map[string]bool{}
	for i, l := range lines {
		src := fmt.Sprintf("%s:%d", file, i+1)
		var env srEnvelope
		var in srInner
		if err := json.Unmarshal(l.Frame, &env); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		_ = json.Unmarshal(env.Body, &in)
		if l.Dir == "out" {
			want := ""
			switch env.Type {
			case "connect":
				c, tc, err := srConnect(s, in.Channel, in.Params)
				if err != nil {
					t.Fatalf("%s: connect %s: %v", src, in.Channel, err)
				}
				conns2[in.ID], typed[in.ID] = c, tc
				want = "connect " + c.ID()
			case "disconnect":
				c := conns2[in.ID]
				c.Close()
				closed[in.ID] = true
				want = "disconnect " + c.ID()
			case "subNote", "s", "sr":
				_ = s.SubNote(in.ID)
				want = "subNote " + in.ID
			case "unsubNote", "un":
				_ = s.UnsubNote(in.ID)
				want = "unsubNote " + in.ID
			case "ch", "channel":
				c := conns2[in.ID]
				var err error
				switch tc := typed[in.ID].(type) {
				case *StatsConnection:
					var b struct{ Length int }
					_ = json.Unmarshal(in.Body, &b)
					err = tc.RequestLog(ctx, b.Length)
				case *ChatConnection:
					var b struct{ ID string }
					_ = json.Unmarshal(in.Body, &b)
					err = tc.Read(ctx, b.ID)
				default:
					t.Fatalf("%s: message %q to %s has no typed method here", src, in.Type, c.Channel())
				}
				if err != nil {
					t.Fatalf("%s: %v", src, err)
				}
				want = "ch " + c.ID()
			default:
				t.Fatalf("%s: recorded client frame %q not replayed", src, env.Type)
			}
			genv, gin, raw, err := srReadClient(ctx, ws)
			if err != nil {
				t.Fatalf("%s: reading the client's frame: %v", src, err)
			}
			if got := genv.Type + " " + gin.ID; got != want {
				t.Errorf("%s: client sent %s, want %s", src, raw, want)
			}
			if env.Type == "ch" {
				// The typed method sends what the recorded client sent:
				// same message type; the same length (requestLog) or read
				// body.
				ok := gin.Type == in.Type
				if in.Type == "requestLog" {
					var a, b struct{ Length int }
					_ = json.Unmarshal(gin.Body, &a)
					_ = json.Unmarshal(in.Body, &b)
					ok = ok && a.Length == b.Length
				} else {
					ok = ok && srJSONEqual(gin.Body, in.Body)
				}
				out.Messages = append(out.Messages, srMessage{Source: src, Type: in.Type, Sent: string(raw), OK: ok})
			}
			continue
		}

		fr := srFrame{Source: src, Frame: env.Type}
		send := []byte(l.Frame)
		var c *Connection
		expected := true
		switch env.Type {
		case "channel", "connected":
			c = conns2[in.ID]
			if c == nil {
				t.Fatalf("%s: frame for unknown connection %q", src, in.ID)
			}
			fr.Channel, fr.Event = c.Channel(), in.Type
			if env.Type == "connected" {
				fr.Event = "connected"
			}
			expected = !closed[in.ID]
			var m map[string]json.RawMessage
			_ = json.Unmarshal(env.Body, &m)
			m["id"] = srVerbatim(c.ID())
			send = srVerbatim(map[string]json.RawMessage{"type": srVerbatim(env.Type), "body": srVerbatim(m)})
		case "noteUpdated":
			fr.Event = in.Type
		default:
			fr.Event = env.Type
		}
		if err := ws.Write(ctx, websocket.MessageText, send); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if !expected {
			continue
		}
		body := in.Body
		if env.Type != "channel" && env.Type != "noteUpdated" {
			body = env.Body
		}
		srReceive(s.Events(), c, body, &fr)
		out.Frames = append(out.Frames, fr)
	}
	// An unknown frame type arrives raw.
	ws.Write(ctx, websocket.MessageText, []byte(`{"type":"misskeyGenUnknown","body":{"x":1}}`))
	select {
	case ev := <-s.Events():
		out.Unknown = out.Unknown || (ev.Kind == EventUnknown && ev.Type == "misskeyGenUnknown" && string(ev.Body) == `{"x":1}` && ev.Value == nil)
	case <-time.After(10 * time.Second):
	}
}

// srReceive waits for the event of a frame sent and fills fr.
func srReceive(events <-chan StreamEvent, c *Connection, body json.RawMessage, fr *srFrame) {
	var ev StreamEvent
	select {
	case ev = <-events:
	case <-time.After(10 * time.Second):
		fr.Problem = "not delivered within 10 s"
		return
	}
	fr.Delivered = true
	fr.Kind = ev.Kind.String()
	fr.GotEvent = string(ev.Type)
	fr.RightConn = c == nil || (ev.Connection == c && ev.Channel == c.Channel() && ev.ConnectionID == c.ID())
	fr.BodyKept = fr.Frame == "connected" || bytes.Equal(ev.Body, body)
	fr.BodyNull = len(bytes.TrimSpace(body)) == 0 || string(bytes.TrimSpace(body)) == "null"
	if ev.Err != nil {
		fr.Err = ev.Err.Error()
	}
	fr.Body = append(json.RawMessage(nil), body...)
	for _, m := range ev.Mismatches {
		fr.Mismatches = append(fr.Mismatches, srMismatch{Path: m.Path, Want: m.Want, Value: m.Value})
	}
	if ev.Value == nil {
		return
	}
	fr.GoType = fmt.Sprintf("%T", ev.Value)
	v, err := json.Marshal(ev.Value)
	if err != nil {
		fr.Problem = "re-encoding the value: " + err.Error()
		return
	}
	fr.Value = v
	var got, want any
	_ = json.Unmarshal(v, &got)
	_ = json.Unmarshal(body, &want)
	switch w := want.(type) {
	case string:
		fr.HasID, fr.IDKept = true, got == w
	case map[string]any:
		if id, ok := w["id"]; ok {
			g, _ := got.(map[string]any)
			fr.HasID, fr.IDKept = true, g != nil && reflect.DeepEqual(g["id"], id)
		}
	}
}

// srSamples sends one sample body of every event of every channel, each on
// a connection opened through the channel's typed helper, and broadcasts at
// top level.
func srSamples(t *testing.T, url string, conns chan *websocket.Conn, samples map[string]json.RawMessage, out *srOut) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, ws := srOpen(t, url, conns)
	defer s.Close()
	defer ws.CloseNow()
	open := map[string]*Connection{}
	keys := make([]string, 0, len(samples))
	for k := range samples {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		channel, event, _ := cutColon(key)
		body := samples[key]
		fr := srFrame{Source: "sample", Channel: channel, Event: event}
		var send []byte
		var c *Connection
		if channel == "" {
			fr.Frame = event
			send = srVerbatim(map[string]json.RawMessage{"type": srVerbatim(event), "body": body})
		} else {
			fr.Frame = "channel"
			if c = open[channel]; c == nil {
				var err error
				c, _, err = srConnect(s, channel, json.RawMessage(`{"roleId":"r","antennaId":"a","channelId":"c","gameId":"g","otherId":"o","roomId":"m","listId":"l","q":[["x"]]}`))
				if err != nil {
					t.Fatalf("sample %s: %v", key, err)
				}
				open[channel] = c
				if _, _, _, err := srReadClient(ctx, ws); err != nil {
					t.Fatalf("sample %s: %v", key, err)
				}
			}
			send = srVerbatim(map[string]json.RawMessage{"type": srVerbatim("channel"), "body": srVerbatim(map[string]json.RawMessage{
				"id": srVerbatim(c.ID()), "type": srVerbatim(event), "body": body,
			})})
		}
		if err := ws.Write(ctx, websocket.MessageText, send); err != nil {
			t.Fatalf("sample %s: %v", key, err)
		}
		srReceive(s.Events(), c, body, &fr)
		out.Frames = append(out.Frames, fr)
	}
}

func cutColon(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return "", s, false
}

func srJSONEqual(a, b json.RawMessage) bool {
	var x, y any
	if len(a) == 0 {
		a = json.RawMessage("{}")
	}
	if len(b) == 0 {
		b = json.RawMessage("{}")
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// srVerbatim encodes v without escaping <, > and &.
func srVerbatim(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
