package templates

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// Adapters from the typed connections to *Connection, for tables of
// connections.

func statsConn(c *StatsConnection, err error) (*Connection, error) {
	if err != nil {
		return nil, err
	}
	return c.Connection, nil
}

func gameConn(c *ReversiGameConnection, err error) (*Connection, error) {
	if err != nil {
		return nil, err
	}
	return c.Connection, nil
}

func chatConn(c *ChatConnection, err error) (*Connection, error) {
	if err != nil {
		return nil, err
	}
	return c.Connection, nil
}

// Every message a client sends to a channel, through its typed method,
// reaches the server as Misskey's channel code reads it.
func TestStreamClientMessages(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)
	ctx := context.Background()

	server, err := s.ServerStats()
	if err != nil {
		t.Fatal(err)
	}
	queue, err := s.QueueStats()
	if err != nil {
		t.Fatal(err)
	}
	game, err := s.ReversiGame("G1")
	if err != nil {
		t.Fatal(err)
	}
	chatUser, err := s.ChatUser("U1")
	if err != nil {
		t.Fatal(err)
	}
	chatRoom, err := s.ChatRoom("R1")
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		sess.expectConnect(t)
	}

	type message struct {
		name string
		send func() error
		conn *Connection
		typ  string
		body string // JSON; "" checks only that an id and a length came
	}
	for _, m := range []message{
		{"serverStats requestLog", func() error { return server.RequestLog(ctx, 30) }, server.Connection, "requestLog", ""},
		{"queueStats requestLog", func() error { return queue.RequestLog(ctx, 5) }, queue.Connection, "requestLog", ""},
		{"putStone", func() error { return game.PutStone(ctx, 27, "m1") }, game.Connection, "putStone", `{"pos":27,"id":"m1"}`},
		{"ready", func() error { return game.Ready(ctx, true) }, game.Connection, "ready", `true`},
		{"not ready", func() error { return game.Ready(ctx, false) }, game.Connection, "ready", `false`},
		{"cancel", func() error { return game.Cancel(ctx) }, game.Connection, "cancel", `{}`},
		{"updateSettings", func() error { return game.UpdateSettings(ctx, ReversiSettingIsLlotheo, true) }, game.Connection, "updateSettings", `{"key":"isLlotheo","value":true}`},
		{"updateSettings map", func() error {
			return game.UpdateSettings(ctx, ReversiSettingMap, []string{"--", "bw"})
		}, game.Connection, "updateSettings", `{"key":"map","value":["--","bw"]}`},
		{"claimTimeIsUp", func() error { return game.ClaimTimeIsUp(ctx) }, game.Connection, "claimTimeIsUp", `{}`},
		{"chatUser read", func() error { return chatUser.Read(ctx, "M1") }, chatUser.Connection, "read", `{"id":"M1"}`},
		{"chatRoom read", func() error { return chatRoom.Read(ctx, "") }, chatRoom.Connection, "read", `{}`},
	} {
		if err := m.send(); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		fr := sess.next(t)
		var ch struct {
			ID   string          `json:"id"`
			Type string          `json:"type"`
			Body json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(fr.Body, &ch); err != nil || fr.Type != "ch" || ch.ID != m.conn.ID() || ch.Type != m.typ {
			t.Errorf("%s: sent %s, want a %q message to connection %s", m.name, fr.raw, m.typ, m.conn.ID())
			continue
		}
		if m.body != "" {
			if !streamJSONEqual(t, ch.Body, []byte(m.body)) {
				t.Errorf("%s: body %s, want %s", m.name, ch.Body, m.body)
			}
			continue
		}
		var rl struct {
			ID     string `json:"id"`
			Length int    `json:"length"`
		}
		if err := json.Unmarshal(ch.Body, &rl); err != nil || rl.ID == "" || rl.Length == 0 {
			t.Errorf("%s: body %s, want an id and a length", m.name, ch.Body)
		}
	}

	// Two log requests carry different ids (the server keys its answer by
	// them), and length 0 leaves the length to the server.
	_ = server.RequestLog(ctx, 0)
	_ = server.RequestLog(ctx, 0)
	a, b := sess.next(t), sess.next(t)
	if string(a.Body) == string(b.Body) || strings.Contains(string(a.Body), "length") {
		t.Errorf("log requests %s and %s", a.Body, b.Body)
	}

	// A done context sends nothing.
	done, cancel := context.WithCancel(ctx)
	cancel()
	for name, send := range map[string]func() error{
		"putStone":       func() error { return game.PutStone(done, 1, "x") },
		"ready":          func() error { return game.Ready(done, true) },
		"cancel":         func() error { return game.Cancel(done) },
		"updateSettings": func() error { return game.UpdateSettings(done, ReversiSettingBW, "random") },
		"claimTimeIsUp":  func() error { return game.ClaimTimeIsUp(done) },
		"requestLog":     func() error { return queue.RequestLog(done, 1) },
		"read":           func() error { return chatUser.Read(done, "M1") },
	} {
		if err := send(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a done context: %v", name, err)
		}
	}
	sess.noFrame(t, 30*time.Millisecond)

	// After the stream is closed, messages fail.
	s.Close()
	if err := game.Ready(ctx, true); !errors.Is(err, ErrStreamClosed) {
		t.Errorf("Ready after Close: %v", err)
	}
}
