package templates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestStreamingURL(t *testing.T) {
	tests := []struct {
		base, token, want string
	}{
		{"https://misskey.io", "abc", "wss://misskey.io/streaming?i=abc"},
		{"misskey.io", "", "wss://misskey.io/streaming"},
		{"http://127.0.0.1:3000/", "", "ws://127.0.0.1:3000/streaming"},
		{"https://example.com/prefix/", "t+/=k n", "wss://example.com/prefix/streaming?i=t%2B%2F%3Dk+n"},
	}
	for _, tt := range tests {
		var opts []Option
		if tt.token != "" {
			opts = append(opts, WithToken(tt.token))
		}
		if got := NewClient(tt.base, opts...).streamingURL(); got != tt.want {
			t.Errorf("streamingURL(%q) = %q, want %q", tt.base, got, tt.want)
		}
	}
}

func TestStreamHandshake(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)
	if got := sess.req.URL.Query().Get("i"); got != streamTestToken {
		t.Errorf("token in the query = %q, want %q", got, streamTestToken)
	}
	if got := sess.req.Header.Get("User-Agent"); got != "stream-test/1" {
		t.Errorf("User-Agent = %q", got)
	}
	// Printing the stream, a connection or an event never shows the token.
	c, _ := s.Main()
	sess.expectConnect(t)
	sess.sendEvent(t, c.ID(), "notification", 1)
	ev := streamRecv(t, s.Events())
	for _, text := range []string{
		fmt.Sprintf("%v %+v %#v %s", s, s, s, s),
		fmt.Sprintf("%v %+v %#v", ev, ev, ev),
		fmt.Sprintf("%v %+v %#v", c, c, c),
	} {
		if strings.Contains(text, streamTestToken) || strings.Contains(text, url.QueryEscape(streamTestToken)) {
			t.Errorf("token printed: %s", text)
		}
	}
	if got := fmt.Sprint(s); got != "misskey.Stream{"+f.URL()+"/streaming}" {
		t.Errorf("String() = %q", got)
	}
	if got := fmt.Sprint(c); got != "misskey.Connection{main "+c.ID()+"}" {
		t.Errorf("String() = %q", got)
	}
	s.Close()

	// No token: no i parameter.
	s2, err := NewClient(f.URL()).Stream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	sess2 := f.accept(t)
	if _, ok := sess2.req.URL.Query()["i"]; ok || sess2.req.URL.RawQuery != "" {
		t.Errorf("anonymous stream sent query %q", sess2.req.URL.RawQuery)
	}
}

// Every typed helper sends the channel name and params Misskey expects.
func TestStreamChannelParams(t *testing.T) {
	s := newStream(context.Background(), NewClient("https://example.com"), defaultStreamConfig())
	defer s.cancel(nil)
	yes, no := Value(true), Value(false)
	tests := []struct {
		connect func() (*Connection, error)
		channel string
		params  string
	}{
		{func() (*Connection, error) { return s.Main() }, "main", `{}`},
		{func() (*Connection, error) { return s.HomeTimeline(HomeTimelineParams{}) }, "homeTimeline", `{}`},
		{func() (*Connection, error) {
			return s.HomeTimeline(HomeTimelineParams{WithRenotes: no, WithFiles: yes})
		}, "homeTimeline", `{"withRenotes":false,"withFiles":true}`},
		{func() (*Connection, error) {
			return s.LocalTimeline(LocalTimelineParams{WithRenotes: yes, WithReplies: no, WithFiles: no})
		}, "localTimeline", `{"withRenotes":true,"withReplies":false,"withFiles":false}`},
		{func() (*Connection, error) { return s.LocalTimeline(LocalTimelineParams{WithReplies: yes}) }, "localTimeline", `{"withReplies":true}`},
		{func() (*Connection, error) { return s.HybridTimeline(HybridTimelineParams{WithFiles: yes}) }, "hybridTimeline", `{"withFiles":true}`},
		{func() (*Connection, error) { return s.GlobalTimeline(GlobalTimelineParams{WithRenotes: no}) }, "globalTimeline", `{"withRenotes":false}`},
		{func() (*Connection, error) { return s.UserList(UserListParams{ListID: "L1"}) }, "userList", `{"listId":"L1"}`},
		{func() (*Connection, error) {
			return s.UserList(UserListParams{ListID: "L1", WithFiles: no, WithRenotes: yes})
		}, "userList", `{"listId":"L1","withRenotes":true,"withFiles":false}`},
		{func() (*Connection, error) {
			return s.Hashtag(HashtagParams{Q: [][]string{{"misskey"}, {"go", "lang"}}})
		}, "hashtag", `{"q":[["misskey"],["go","lang"]]}`},
		{func() (*Connection, error) { return s.Hashtag(HashtagParams{}) }, "hashtag", `{"q":[]}`},
		{func() (*Connection, error) { return s.RoleTimeline("R1") }, "roleTimeline", `{"roleId":"R1"}`},
		{func() (*Connection, error) { return s.Antenna("A1") }, "antenna", `{"antennaId":"A1"}`},
		{func() (*Connection, error) { return s.ChannelTimeline("C1") }, "channel", `{"channelId":"C1"}`},
		{func() (*Connection, error) { return s.Drive() }, "drive", `{}`},
		{func() (*Connection, error) { return s.Admin() }, "admin", `{}`},
		{func() (*Connection, error) { return statsConn(s.ServerStats()) }, "serverStats", `{}`},
		{func() (*Connection, error) { return statsConn(s.QueueStats()) }, "queueStats", `{}`},
		{func() (*Connection, error) { return gameConn(s.ReversiGame("G1")) }, "reversiGame", `{"gameId":"G1"}`},
		{func() (*Connection, error) { return s.Reversi() }, "reversi", `{}`},
		{func() (*Connection, error) { return chatConn(s.ChatUser("U1")) }, "chatUser", `{"otherId":"U1"}`},
		{func() (*Connection, error) { return chatConn(s.ChatRoom("R2")) }, "chatRoom", `{"roomId":"R2"}`},
		{func() (*Connection, error) { return s.Connect("custom", json.RawMessage(`{"x":1}`)) }, "custom", `{"x":1}`},
		{func() (*Connection, error) { return s.Connect("custom", (*HomeTimelineParams)(nil)) }, "custom", `{}`},
	}
	ids := map[string]bool{}
	for _, tt := range tests {
		c, err := tt.connect()
		if err != nil {
			t.Fatalf("%s: %v", tt.channel, err)
		}
		want := fmt.Sprintf(`{"type":"connect","body":{"channel":%q,"id":%q,"params":%s,"pong":true}}`, tt.channel, c.ID(), tt.params)
		if string(c.connect) != want {
			t.Errorf("connect frame\n got %s\nwant %s", c.connect, want)
		}
		if c.Channel() != tt.channel {
			t.Errorf("Channel() = %q, want %q", c.Channel(), tt.channel)
		}
		if ids[c.ID()] {
			t.Errorf("connection id %q used twice", c.ID())
		}
		ids[c.ID()] = true
	}
	if _, err := s.Connect("bad", func() {}); err == nil {
		t.Error("Connect with params that cannot be encoded: no error")
	}
}

// Several channels on one socket, each event with its channel, type, body
// and decoded value.
func TestStreamSubscribeAndReceive(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)

	main, err := s.Main()
	if err != nil {
		t.Fatal(err)
	}
	home, _ := s.HomeTimeline(HomeTimelineParams{WithRenotes: Value(false)})
	tag, _ := s.Hashtag(HashtagParams{Q: [][]string{{"misskey"}, {"golang"}}})
	ant, _ := s.Antenna("atyp02uzugj80049")

	want := []struct {
		c       *Connection
		channel string
		params  string
	}{
		{main, "main", `{}`},
		{home, "homeTimeline", `{"withRenotes":false}`},
		{tag, "hashtag", `{"q":[["misskey"],["golang"]]}`},
		{ant, "antenna", `{"antennaId":"atyp02uzugj80049"}`},
	}
	for _, w := range want {
		got := sess.expectConnect(t)
		if got.Channel != w.channel || got.ID != w.c.ID() || string(got.Params) != w.params {
			t.Errorf("connect = %+v (params %s), want %s id %s params %s", got, got.Params, w.channel, w.c.ID(), w.params)
		}
	}

	sess.send(t, "connected", map[string]string{"id": home.ID()})
	ev := streamRecv(t, s.Events())
	if ev.Kind != EventConnected || ev.Channel != "homeTimeline" || ev.ConnectionID != home.ID() || ev.Connection != home || ev.Type != "connected" {
		t.Errorf("connected event = %+v", ev)
	}

	events := []struct {
		c    *Connection
		typ  string
		body string
	}{
		{main, "notification", `{"id":"n1","type":"follow","userId":"u1"}`},
		{home, "note", `{"id":"note1","text":"hello"}`},
		{tag, "note", `{"id":"note2","text":"#misskey","tags":["misskey"]}`},
		{ant, "note", `{"id":"note3","text":"antenna"}`},
		{main, "readAllNotifications", `null`},
		{main, "unreadMention", `"note9"`},
	}
	for _, e := range events {
		sess.sendRaw(t, fmt.Sprintf(`{"type":"channel","body":{"id":%q,"type":%q,"body":%s}}`, e.c.ID(), e.typ, e.body))
	}
	for _, e := range events {
		ev := streamRecv(t, s.Events())
		if ev.Kind != EventChannel || ev.Connection != e.c || ev.Channel != e.c.Channel() || ev.ConnectionID != e.c.ID() || string(ev.Type) != e.typ {
			t.Errorf("event = %v %s/%s on %s, want channel %s/%s on %s", ev.Kind, ev.Channel, ev.Type, ev.ConnectionID, e.c.Channel(), e.typ, e.c.ID())
		}
		if string(ev.Body) != e.body {
			t.Errorf("body = %s, want %s", ev.Body, e.body)
		}
		wantValue := &streamDecoded{Channel: e.c.Channel(), Event: e.typ, Body: e.body}
		if !reflect.DeepEqual(ev.Value, wantValue) || ev.Err != nil {
			t.Errorf("value = %#v, %v; want %#v", ev.Value, ev.Err, wantValue)
		}
	}
}

// With the decoder of the package (the stub: no types), events keep their raw
// JSON and Value is nil.
func TestStreamDefaultDecoder(t *testing.T) {
	f := newFakeStreamServer(t)
	s, err := NewClient(f.URL()).Stream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sess := f.accept(t)
	c, _ := s.GlobalTimeline(GlobalTimelineParams{})
	sess.expectConnect(t)
	sess.sendEvent(t, c.ID(), "note", map[string]string{"id": "x"})
	ev := streamRecv(t, s.Events())
	if ev.Kind != EventChannel || ev.Value != nil || ev.Err != nil || string(ev.Body) != `{"id":"x"}` {
		t.Errorf("event = %+v", ev)
	}
}

func TestStreamNoteCapture(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)

	s.SubNote("n1")
	sess.expectID(t, "subNote", "n1")
	s.SubNote("n1") // counted, not sent again
	s.UnsubNote("n1")
	s.UnsubNote("never") // not captured: nothing to send
	sess.noFrame(t, 50*time.Millisecond)

	frames := []string{
		`{"type":"noteUpdated","body":{"id":"n1","type":"reacted","body":{"reaction":"👍","emoji":null,"userId":"u1"}}}`,
		`{"type":"noteUpdated","body":{"id":"n1","type":"reacted","body":{"reaction":":blobcat@.:","emoji":{"name":"blobcat@.","url":"http://x/files/b"},"userId":"u2"}}}`,
		`{"type":"noteUpdated","body":{"id":"n1","type":"unreacted","body":{"reaction":"👍","userId":"u1"}}}`,
		`{"type":"noteUpdated","body":{"id":"n1","type":"pollVoted","body":{"choice":2,"userId":"u3"}}}`,
		`{"type":"noteUpdated","body":{"id":"n1","type":"deleted","body":{"deletedAt":"2026-11-24T20:15:21.636Z"}}}`,
	}
	want := []any{
		&NoteReacted{Reaction: "👍", UserID: "u1"},
		&NoteReacted{Reaction: ":blobcat@.:", Emoji: &ReactionEmoji{Name: "blobcat@.", URL: "http://x/files/b"}, UserID: "u2"},
		&NoteUnreacted{Reaction: "👍", UserID: "u1"},
		&NotePollVoted{Choice: 2, UserID: "u3"},
		&NoteDeleted{DeletedAt: time.Date(2026, 11, 24, 20, 15, 21, 636e6, time.UTC)},
	}
	for _, fr := range frames {
		sess.sendRaw(t, fr)
	}
	for i, w := range want {
		ev := streamRecv(t, s.Events())
		if ev.Kind != EventNoteUpdated || ev.NoteID != "n1" || ev.Err != nil || ev.Connection != nil {
			t.Errorf("event %d = %+v", i, ev)
		}
		if !reflect.DeepEqual(ev.Value, w) {
			t.Errorf("event %d value = %#v, want %#v", i, ev.Value, w)
		}
	}

	s.UnsubNote("n1")
	sess.expectID(t, "unsubNote", "n1")
}

func TestStreamConnectionClose(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)
	home, _ := s.HomeTimeline(HomeTimelineParams{})
	main, _ := s.Main()
	own, _ := s.LocalTimeline(LocalTimelineParams{}, SeparateEvents())
	for range 3 {
		sess.expectConnect(t)
	}
	if main.Events() != nil {
		t.Error("Events of a connection without SeparateEvents is not nil")
	}

	if err := home.Close(); err != nil {
		t.Fatal(err)
	}
	sess.expectID(t, "disconnect", home.ID())
	home.Close() // again: nothing sent
	select {
	case <-home.Done():
	default:
		t.Error("Done not closed after Close")
	}

	// The server may still send events of the closed connection: dropped.
	sess.sendEvent(t, home.ID(), "note", map[string]string{"id": "late"})
	sess.sendEvent(t, main.ID(), "notification", map[string]string{"id": "n"})
	ev := streamRecv(t, s.Events())
	if ev.Connection != main || ev.Type != "notification" {
		t.Errorf("got %+v, want the main notification", ev)
	}
	if err := home.Send("x", nil); !errors.Is(err, ErrStreamClosed) {
		t.Errorf("Send on a closed connection: %v", err)
	}

	// A connection with its own channel: events go there; Close closes it.
	sess.sendEvent(t, own.ID(), "note", map[string]string{"id": "own"})
	ev = streamRecv(t, own.Events())
	if ev.Connection != own || ev.Channel != "localTimeline" || string(ev.Body) != `{"id":"own"}` {
		t.Errorf("own event = %+v", ev)
	}
	own.Close()
	sess.expectID(t, "disconnect", own.ID())
	streamWaitClosed(t, own.Events())
	streamNoEvent(t, s.Events(), 20*time.Millisecond)
	sess.noFrame(t, 20*time.Millisecond)
}

func TestStreamSend(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)
	stats, _ := s.ServerStats()
	sess.expectConnect(t)

	if err := stats.Send("requestLog", map[string]any{"id": "log1", "length": 2}); err != nil {
		t.Fatal(err)
	}
	fr := sess.next(t)
	want := fmt.Sprintf(`{"type":"ch","body":{"id":%q,"type":"requestLog","body":{"id":"log1","length":2}}}`, stats.ID())
	if string(fr.raw) != want {
		t.Errorf("sent %s, want %s", fr.raw, want)
	}
	if err := s.Send("readNotification", map[string]string{"id": "n1"}); err != nil {
		t.Fatal(err)
	}
	if fr := sess.next(t); string(fr.raw) != `{"type":"readNotification","body":{"id":"n1"}}` {
		t.Errorf("sent %s", fr.raw)
	}
	if err := stats.Send("bad", func() {}); err == nil {
		t.Error("Send with a body that cannot be encoded: no error")
	}
}

// Frames the client does not know, frames it cannot read and bodies the
// decoder rejects all reach the application, and the stream goes on.
func TestStreamUnknownAndMalformedFrames(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)
	c, _ := s.Main()
	cf := sess.expectConnect(t)
	id := cf.ID

	type want struct {
		kind    EventKind
		typ     string
		body    string
		value   any
		wantErr bool
	}
	tests := []struct {
		frame string
		want  want
	}{
		{`not json`, want{kind: EventUnknown, wantErr: true}},
		{`[1,2]`, want{kind: EventUnknown, wantErr: true}},
		{`{"body":{}}`, want{kind: EventUnknown, body: `{}`, wantErr: true}},
		{`{"type":42,"body":{}}`, want{kind: EventUnknown, body: `{}`, wantErr: true}},
		{`{"type":"somethingNew","body":{"x":1}}`, want{kind: EventUnknown, typ: "somethingNew", body: `{"x":1}`,
			value: &streamDecoded{Event: "somethingNew", Body: `{"x":1}`}}},
		{`{"type":"emojiAdded","body":{"emoji":{"name":"blobfox"}}}`, want{kind: EventBroadcast, typ: "emojiAdded", body: `{"emoji":{"name":"blobfox"}}`,
			value: &streamDecoded{Event: "emojiAdded", Body: `{"emoji":{"name":"blobfox"}}`}}},
		{`{"type":"channel","body":"oops"}`, want{kind: EventUnknown, typ: "channel", body: `"oops"`, wantErr: true}},
		{`{"type":"channel","body":{"id":"` + id + `","type":"brandNewEvent","body":[1,2]}}`, want{kind: EventChannel, typ: "brandNewEvent", body: `[1,2]`,
			value: &streamDecoded{Channel: "main", Event: "brandNewEvent", Body: `[1,2]`}}},
		{`{"type":"channel","body":{"id":"` + id + `","type":"decodeError","body":{}}}`, want{kind: EventChannel, typ: "decodeError", body: `{}`, wantErr: true}},
		{`{"type":"channel","body":{"id":"` + id + `","type":"noBody"}}`, want{kind: EventChannel, typ: "noBody",
			value: &streamDecoded{Channel: "main", Event: "noBody"}}},
		{`{"type":"noteUpdated","body":{"id":"n","type":"reacted","body":{"reaction":5}}}`, want{kind: EventNoteUpdated, typ: "reacted", body: `{"reaction":5}`, wantErr: true}},
		{`{"type":"noteUpdated","body":{"id":"n","type":"updated","body":{"text":"x"}}}`, want{kind: EventNoteUpdated, typ: "updated", body: `{"text":"x"}`}},
		{` { "body" : { "body" : 1 , "type" : "x\u0079z", "id" : "` + id + `" } , "ty\u0070e" : "channel" } `, want{kind: EventChannel, typ: "xyz", body: `1`,
			value: &streamDecoded{Channel: "main", Event: "xyz", Body: `1`}}},
	}
	for _, tt := range tests {
		sess.sendRaw(t, tt.frame)
	}
	for _, tt := range tests {
		ev := streamRecv(t, s.Events())
		w := tt.want
		if ev.Kind != w.kind || string(ev.Type) != w.typ || string(ev.Body) != w.body || (ev.Err != nil) != w.wantErr || !reflect.DeepEqual(ev.Value, w.value) {
			t.Errorf("frame %s\n got kind %v type %q body %s value %#v err %v\nwant kind %v type %q body %s value %#v err %v",
				tt.frame, ev.Kind, ev.Type, ev.Body, ev.Value, ev.Err, w.kind, w.typ, w.body, w.value, w.wantErr)
		}
		if string(ev.Raw) != tt.frame {
			t.Errorf("Raw = %q, want %q", ev.Raw, tt.frame)
		}
	}

	// Still alive.
	sess.sendEvent(t, c.ID(), "notification", map[string]string{"id": "after"})
	if ev := streamRecv(t, s.Events()); ev.Kind != EventChannel || ev.Type != "notification" {
		t.Errorf("after the bad frames: %+v", ev)
	}
}

// The server drops the socket: the client dials again and restores every
// open connection (same ids, same params) and every captured note.
func TestStreamReconnectRestoresSubscriptions(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)

	home, _ := s.HomeTimeline(HomeTimelineParams{WithRenotes: Value(false)})
	main, _ := s.Main()
	gone, _ := s.Antenna("ant1")
	tag, _ := s.Hashtag(HashtagParams{Q: [][]string{{"misskey"}}})
	own, _ := s.Drive(SeparateEvents())
	first := map[string]fakeStreamConnect{}
	for range 5 {
		c := sess.expectConnect(t)
		first[c.ID] = c
	}
	s.SubNote("note2")
	s.SubNote("note1")
	s.SubNote("note3")
	s.UnsubNote("note3")
	sess.expectID(t, "subNote", "note2")
	sess.expectID(t, "subNote", "note1")
	sess.expectID(t, "subNote", "note3")
	sess.expectID(t, "unsubNote", "note3")
	gone.Close()
	sess.expectID(t, "disconnect", gone.ID())

	for round := range 2 {
		sess.drop()
		ev := streamRecv(t, s.Events())
		if ev.Kind != EventDisconnected || ev.Err == nil {
			t.Fatalf("round %d: got %+v, want EventDisconnected with an error", round, ev)
		}
		if ev := streamRecv(t, own.Events()); ev.Kind != EventDisconnected || ev.Connection != own {
			t.Errorf("round %d: own channel got %+v, want EventDisconnected", round, ev)
		}
		sess = f.accept(t)
		for _, c := range []*Connection{home, main, tag, own} {
			got := sess.expectConnect(t)
			want := first[c.ID()]
			if got.ID != c.ID() || got.Channel != want.Channel || string(got.Params) != string(want.Params) {
				t.Errorf("round %d: restored %+v (params %s), want %+v (params %s)", round, got, got.Params, want, want.Params)
			}
		}
		sess.expectID(t, "subNote", "note1")
		sess.expectID(t, "subNote", "note2")
		if ev := streamRecv(t, s.Events()); ev.Kind != EventReconnected {
			t.Fatalf("round %d: got %+v, want EventReconnected", round, ev)
		}
		if ev := streamRecv(t, own.Events()); ev.Kind != EventReconnected {
			t.Errorf("round %d: own channel got %+v, want EventReconnected", round, ev)
		}
		sess.noFrame(t, 20*time.Millisecond)

		sess.sendEvent(t, home.ID(), "note", map[string]int{"round": round})
		ev = streamRecv(t, s.Events())
		if ev.Kind != EventChannel || ev.Connection != home || string(ev.Body) != fmt.Sprintf(`{"round":%d}`, round) {
			t.Errorf("round %d: event after reconnect = %+v", round, ev)
		}
		sess.sendEvent(t, own.ID(), "fileCreated", map[string]int{"round": round})
		if ev := streamRecv(t, own.Events()); ev.Kind != EventChannel || ev.Type != "fileCreated" {
			t.Errorf("round %d: own event after reconnect = %+v", round, ev)
		}
	}

	// Connect while the socket is down: sent once the new one is up.
	sess.drop()
	if ev := streamRecv(t, s.Events()); ev.Kind != EventDisconnected {
		t.Fatalf("got %+v", ev)
	}
	f.setRefuse(func(w http.ResponseWriter, r *http.Request) bool {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return true
	})
	streamRecv(t, own.Events()) // its EventDisconnected
	later, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	if err := later.Send("x", 1); !errors.Is(err, ErrStreamDisconnected) {
		t.Errorf("Send while disconnected: %v, want ErrStreamDisconnected", err)
	}
	f.setRefuse(nil)
	sess = f.accept(t)
	for _, c := range []*Connection{home, main, tag, own, later} {
		if got := sess.expectConnect(t); got.ID != c.ID() {
			t.Errorf("restored %s, want %s", got.ID, c.ID())
		}
	}
}

// Handshakes refused with 5xx are retried with backoff; 401 ends the stream.
func TestStreamReconnectRetriesAndGivesUp(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)
	c, _ := s.Main()
	sess.expectConnect(t)

	var mu sync.Mutex
	refused := 0
	f.setRefuse(func(w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		if refused < 3 {
			refused++
			http.Error(w, "starting up", http.StatusBadGateway)
			return true
		}
		return false
	})
	sess.drop()
	if ev := streamRecv(t, s.Events()); ev.Kind != EventDisconnected {
		t.Fatalf("got %+v", ev)
	}
	sess = f.accept(t)
	if got := sess.expectConnect(t); got.ID != c.ID() {
		t.Errorf("restored %+v", got)
	}
	if ev := streamRecv(t, s.Events()); ev.Kind != EventReconnected {
		t.Fatalf("got %+v", ev)
	}
	mu.Lock()
	if refused != 3 {
		t.Errorf("%d refused handshakes, want 3", refused)
	}
	mu.Unlock()

	// The token is revoked: 401 is final.
	f.setRefuse(func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "bad token "+r.URL.String())
		return true
	})
	sess.drop()
	if ev := streamRecv(t, s.Events()); ev.Kind != EventDisconnected {
		t.Fatalf("got %+v", ev)
	}
	streamWaitClosed(t, s.Events())
	<-s.Done()
	var de *StreamDialError
	if err := s.Err(); !errors.As(err, &de) || de.StatusCode != http.StatusUnauthorized {
		t.Fatalf("Err() = %v, want a *StreamDialError with status 401", err)
	}
	assertStreamNoToken(t, s.Err(), streamTestToken)
	if _, err := s.Main(); !errors.Is(err, ErrStreamClosed) {
		t.Errorf("Connect after the end: %v", err)
	}
}

func TestStreamWithoutReconnect(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f, WithoutReconnect())
	sess := f.accept(t)
	c, _ := s.Main(SeparateEvents())
	sess.expectConnect(t)
	sess.drop()
	streamWaitClosed(t, s.Events())
	streamWaitClosed(t, c.Events())
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "connection lost") {
		t.Errorf("Err() = %v, want the lost connection", err)
	}
	if len(f.handshakes()) != 1 {
		t.Errorf("%d handshakes, want 1", len(f.handshakes()))
	}
}

func TestStreamHeartbeat(t *testing.T) {
	f := newFakeStreamServer(t)
	openTestStream(t, f, WithHeartbeat(10*time.Millisecond))
	sess := f.accept(t)
	deadline := time.Now().Add(streamTestTimeout)
	for sess.hearts.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d heartbeats, want 3", sess.hearts.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A server that stops answering pings is treated as gone.
func TestStreamDeadServerDetected(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f, WithHeartbeat(30*time.Millisecond))
	sess := f.accept(t)
	c, _ := s.Main()
	sess.expectConnect(t)
	sess.stall()
	ev := streamRecv(t, s.Events())
	if ev.Kind != EventDisconnected || ev.Err == nil || !strings.Contains(ev.Err.Error(), "ping") {
		t.Fatalf("got %+v, want EventDisconnected for an unanswered ping", ev)
	}
	sess = f.accept(t)
	if got := sess.expectConnect(t); got.ID != c.ID() {
		t.Errorf("restored %+v", got)
	}
	if ev := streamRecv(t, s.Events()); ev.Kind != EventReconnected {
		t.Fatalf("got %+v", ev)
	}
}

// An application that is slow to take events is not mistaken for a dead
// server, and nothing is lost.
func TestStreamSlowConsumer(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f, WithHeartbeat(10*time.Millisecond), WithEventBuffer(0))
	sess := f.accept(t)
	c, _ := s.Main()
	sess.expectConnect(t)
	for i := range 20 {
		sess.sendEvent(t, c.ID(), "notification", i)
	}
	time.Sleep(200 * time.Millisecond) // many heartbeats while nobody reads
	for i := range 20 {
		ev := streamRecv(t, s.Events())
		if ev.Kind != EventChannel || string(ev.Body) != fmt.Sprint(i) {
			t.Fatalf("event %d = %v %s", i, ev.Kind, ev.Body)
		}
	}
	if n := len(f.handshakes()); n != 1 {
		t.Errorf("%d handshakes, want 1 (no reconnect)", n)
	}
}

func TestStreamContextCancel(t *testing.T) {
	f := newFakeStreamServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	c := NewClient(f.URL(), WithToken(streamTestToken))
	s, err := c.Stream(ctx, WithHeartbeat(5*time.Millisecond), withStreamDecoder(streamTestDecode))
	if err != nil {
		t.Fatal(err)
	}
	sess := f.accept(t)
	own, _ := s.HomeTimeline(HomeTimelineParams{}, SeparateEvents())
	s.Main()
	sess.expectConnect(t)
	sess.expectConnect(t)
	sess.sendEvent(t, own.ID(), "note", 1) // waits in own.Events: nobody reads

	cancel()
	streamWaitClosed(t, s.Events())
	streamWaitClosed(t, own.Events())
	<-s.Done()
	if err := s.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err() = %v, want context.Canceled", err)
	}
	// The client said goodbye with a close frame.
	if err := sess.waitEnded(t); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("server saw %v, want a normal closure", err)
	}
	if _, err := s.Main(); !errors.Is(err, ErrStreamClosed) {
		t.Errorf("Connect after cancel: %v", err)
	}
	if err := s.SubNote("x"); !errors.Is(err, ErrStreamClosed) {
		t.Errorf("SubNote after cancel: %v", err)
	}
	if err := s.Send("x", nil); !errors.Is(err, ErrStreamClosed) {
		t.Errorf("Send after cancel: %v", err)
	}
	s.Close()
	f.Close()
	checkNoStreamGoroutines(t)
}

func TestStreamClose(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f, WithEventBuffer(0))
	sess := f.accept(t)
	c, _ := s.Main()
	sess.expectConnect(t)
	for i := range 3 {
		sess.sendEvent(t, c.ID(), "notification", i) // nobody reads: the reader blocks
	}
	time.Sleep(20 * time.Millisecond)

	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(streamTestTimeout):
		t.Fatal("Close blocked")
	}
	streamWaitClosed(t, s.Events())
	if err := s.Err(); err != nil {
		t.Errorf("Err() after Close = %v, want nil", err)
	}
	s.Close() // again
	c.Close() // after the end
	if err := sess.waitEnded(t); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("server saw %v, want a normal closure", err)
	}
	f.Close()
	checkNoStreamGoroutines(t)
}

// Close from the goroutine that reads the events, while a reconnect is under
// way, and during a reconnect's backoff.
func TestStreamCloseWhileReconnecting(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f, WithReconnectBackoff(time.Hour, time.Hour))
	sess := f.accept(t)
	sess.drop()
	for ev := range s.Events() {
		if ev.Kind == EventDisconnected {
			s.Close()
		}
	}
	if err := s.Err(); err != nil {
		t.Errorf("Err() = %v", err)
	}
	f.Close()
	checkNoStreamGoroutines(t)
}

func assertStreamNoToken(t testing.TB, err error, token string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	forms := []string{token, url.QueryEscape(token), url.PathEscape(token)}
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, text := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			for _, f := range forms {
				if strings.Contains(text, f) {
					t.Errorf("error text contains the token (%q): %s", f, text)
				}
			}
		}
	}
}

// The token is part of the streaming URL, never of an error.
func TestStreamDialErrorRedactsToken(t *testing.T) {
	tokens := []string{streamTestToken, "plaintoken1234567890"}

	// Nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + l.Addr().String()
	l.Close()

	// Refuses, with the request URL in the body.
	refuse := func(status int) *fakeStreamServer {
		f := newFakeStreamServer(t)
		f.setRefuse(func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(status)
			fmt.Fprintf(w, "no: %s %s", r.URL.String(), r.URL.Query().Get("i"))
			return true
		})
		return f
	}
	unauthorized := refuse(http.StatusUnauthorized)
	unavailable := refuse(http.StatusServiceUnavailable)

	// Never answers.
	release := make(chan struct{})
	hang := newFakeStreamServer(t)
	hang.setRefuse(func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	})
	defer close(release)

	for _, tok := range tokens {
		for _, tc := range []struct {
			name    string
			url     string
			status  int
			timeout time.Duration
			client  *http.Client
		}{
			{"refused", closedURL, 0, 0, nil},
			{"401", unauthorized.URL(), 401, 0, nil},
			{"503", unavailable.URL(), 503, 0, nil},
			{"ctx-timeout", hang.URL(), 0, 50 * time.Millisecond, nil},
			{"client-timeout", hang.URL(), 0, 0, &http.Client{Timeout: 50 * time.Millisecond}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				opts := []Option{WithToken(tok)}
				if tc.client != nil {
					opts = append(opts, WithHTTPClient(tc.client))
				}
				ctx := context.Background()
				if tc.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.timeout)
					defer cancel()
				}
				s, err := NewClient(tc.url, opts...).Stream(ctx)
				if err == nil {
					s.Close()
					t.Fatal("Stream succeeded")
				}
				assertStreamNoToken(t, err, tok)
				var de *StreamDialError
				if !errors.As(err, &de) {
					t.Fatalf("%T is not a *StreamDialError: %v", err, err)
				}
				if de.StatusCode != tc.status {
					t.Errorf("StatusCode = %d, want %d (%v)", de.StatusCode, tc.status, err)
				}
				if tc.status != 0 && de.RetryAfter != 7*time.Second {
					t.Errorf("RetryAfter = %v", de.RetryAfter)
				}
				if tc.timeout > 0 && !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%v does not wrap context.DeadlineExceeded", err)
				}
				if !strings.HasPrefix(err.Error(), "misskey: stream: dial: ") {
					t.Errorf("error text %q", err)
				}
			})
		}
	}
}

func TestStreamBackoff(t *testing.T) {
	cfg := defaultStreamConfig()
	WithReconnectBackoff(100*time.Millisecond, time.Second)(&cfg)
	for n, want := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		want *= time.Millisecond
		for range 50 {
			if d := cfg.backoff(n); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", n, d, want/2, want)
			}
		}
	}
	if d := cfg.backoff(1 << 20); d > time.Second {
		t.Errorf("backoff(huge) = %v", d)
	}
	// Bad values keep the defaults.
	cfg = defaultStreamConfig()
	WithReconnectBackoff(0, time.Second)(&cfg)
	WithReconnectBackoff(time.Second, time.Millisecond)(&cfg)
	if cfg.minBackoff != DefaultStreamMinBackoff || cfg.maxBackoff != DefaultStreamMaxBackoff {
		t.Errorf("backoff %v..%v", cfg.minBackoff, cfg.maxBackoff)
	}
}

// Connections, messages and note subscriptions from many goroutines while
// events flow and the socket drops.
func TestStreamConcurrentUse(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f, WithHeartbeat(5*time.Millisecond))

	// The server echoes every connect with a connected frame and an event.
	var serverWG sync.WaitGroup
	serverDone := make(chan struct{})
	serve := func(sess *fakeStreamSession) {
		defer serverWG.Done()
		for {
			select {
			case data := <-sess.frames:
				var fr fakeStreamFrame
				json.Unmarshal(data, &fr)
				if fr.Type == "connect" {
					var c fakeStreamConnect
					json.Unmarshal(fr.Body, &c)
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					sess.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"connected","body":{"id":"`+c.ID+`"}}`))
					sess.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"channel","body":{"id":"`+c.ID+`","type":"note","body":{}}}`))
					cancel()
				}
			case <-sess.ended:
				return
			case <-serverDone:
				return
			}
		}
	}
	go func() {
		for {
			select {
			case sess := <-f.sessions:
				serverWG.Add(1)
				go serve(sess)
			case <-serverDone:
				return
			}
		}
	}()

	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for range s.Events() {
		}
	}()

	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				var c *Connection
				var err error
				if i%3 == 0 {
					c, err = s.Main(SeparateEvents())
				} else {
					c, err = s.HomeTimeline(HomeTimelineParams{})
				}
				if err != nil {
					t.Error(err)
					return
				}
				note := fmt.Sprintf("note%d-%d", g, i%4)
				s.SubNote(note)
				c.Send("ping", i)
				if c.Events() != nil {
					go func() {
						for range c.Events() {
						}
					}()
				}
				if i%2 == 0 {
					c.Close()
				}
				s.UnsubNote(note)
			}
		}()
	}
	for range 3 {
		time.Sleep(10 * time.Millisecond)
		f.mu.Lock()
		last := f.all[len(f.all)-1]
		f.mu.Unlock()
		last.drop()
	}
	wg.Wait()
	s.Close()
	<-drained
	close(serverDone)
	serverWG.Wait()

	s.mu.Lock()
	n := len(s.conns)
	s.mu.Unlock()
	if n != 0 {
		t.Errorf("%d connections left after Close", n)
	}
	f.Close()
	checkNoStreamGoroutines(t)
}
