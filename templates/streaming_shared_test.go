package templates

import (
	"errors"
	"testing"
	"time"
)

// Shared connections behave as misskey-js's useChannel: one server-side
// connection per channel and parameters, each subscriber with its own
// events; closing one leaves the others; a reconnect restores the server-side
// connection once.
func TestStreamShared(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)

	a, err := s.Main(Shared())
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Main(Shared())
	if err != nil {
		t.Fatal(err)
	}
	c := sess.expectConnect(t)
	if c.Channel != "main" || c.ID != a.ID() || b.ID() != a.ID() {
		t.Fatalf("connect %+v; ids %s, %s", c, a.ID(), b.ID())
	}
	// Same channel and parameters in another key order: shared too; other
	// parameters, or no Shared: a connection of their own.
	h1, _ := s.HomeTimeline(HomeTimelineParams{WithRenotes: Value(false), WithFiles: Value(true)}, Shared())
	h2, _ := s.Connect("homeTimeline", map[string]any{"withFiles": true, "withRenotes": false}, Shared())
	h3, _ := s.HomeTimeline(HomeTimelineParams{WithRenotes: Value(true)}, Shared())
	plain, _ := s.Main()
	if h1.ID() != h2.ID() || h3.ID() == h1.ID() || plain.ID() == a.ID() {
		t.Fatalf("ids: h1 %s h2 %s h3 %s plain %s a %s", h1.ID(), h2.ID(), h3.ID(), plain.ID(), a.ID())
	}
	for _, want := range []string{h1.ID(), h3.ID(), plain.ID()} {
		if got := sess.expectConnect(t); got.ID != want {
			t.Fatalf("connect %s, want %s", got.ID, want)
		}
	}
	sess.noFrame(t, 20*time.Millisecond)

	// Every subscriber gets every event, as its own; Stream.Events gets
	// none of them.
	sess.send(t, "connected", map[string]string{"id": a.ID()})
	sess.sendEvent(t, a.ID(), "notification", map[string]int{"n": 1})
	for _, sub := range []*Connection{a, b} {
		if ev := streamRecv(t, sub.Events()); ev.Kind != EventConnected || ev.Connection != sub {
			t.Errorf("%s: got %+v, want EventConnected", sub, ev)
		}
		ev := streamRecv(t, sub.Events())
		if ev.Kind != EventChannel || ev.Connection != sub || ev.Type != EventTypeNotification || string(ev.Body) != `{"n":1}` || ev.ConnectionID != a.ID() || ev.Channel != "main" {
			t.Errorf("%s: got %+v", sub, ev)
		}
		if ev.Value == nil {
			t.Errorf("%s: event not decoded", sub)
		}
	}
	if a.Events() == b.Events() {
		t.Error("subscribers share an event channel")
	}
	streamNoEvent(t, s.Events(), 20*time.Millisecond)

	// A subscriber that joins after the server's acknowledgement gets one of
	// its own, then the events.
	late, _ := s.Main(Shared())
	if ev := streamRecv(t, late.Events()); ev.Kind != EventConnected || ev.Connection != late || ev.ConnectionID != a.ID() || ev.Type != EventTypeConnected {
		t.Errorf("late subscriber: got %+v, want EventConnected", ev)
	}
	sess.noFrame(t, 20*time.Millisecond) // no second connect
	late.Close()
	if _, ok := <-late.Events(); ok {
		t.Error("events of a closed subscriber still open")
	}

	// Closing one leaves the others; the server is not told.
	b.Close()
	b.Close() // twice is harmless
	select {
	case <-b.Done():
	default:
		t.Error("Done of a closed subscriber still open")
	}
	sess.sendEvent(t, a.ID(), "mention", map[string]int{"n": 2})
	if ev := streamRecv(t, a.Events()); ev.Type != EventTypeMention {
		t.Errorf("after closing b: a got %+v", ev)
	}
	streamWaitClosed(t, b.Events())
	sess.noFrame(t, 20*time.Millisecond)

	// A reconnect restores each server-side connection once, and every
	// subscriber hears of it.
	sess.drop()
	streamRecv(t, s.Events()) // EventDisconnected
	for _, sub := range []*Connection{a, h1, h2} {
		if ev := streamRecv(t, sub.Events()); ev.Kind != EventDisconnected || ev.Connection != sub {
			t.Errorf("%s: got %+v, want EventDisconnected", sub, ev)
		}
	}
	sess = f.accept(t)
	seen := map[string]int{}
	for range 3 { // main (shared), homeTimeline ×2 distinct, main (plain): 4 connections
		seen[sess.expectConnect(t).ID]++
	}
	seen[sess.expectConnect(t).ID]++
	sess.noFrame(t, 20*time.Millisecond)
	for _, id := range []string{a.ID(), h1.ID(), h3.ID(), plain.ID()} {
		if seen[id] != 1 {
			t.Errorf("connection %s restored %d times, want once: %v", id, seen[id], seen)
		}
	}
	streamRecv(t, s.Events()) // EventReconnected
	for _, sub := range []*Connection{a, h1, h2} {
		if ev := streamRecv(t, sub.Events()); ev.Kind != EventReconnected || ev.Connection != sub {
			t.Errorf("%s: got %+v, want EventReconnected", sub, ev)
		}
	}
	sess.sendEvent(t, h1.ID(), "note", map[string]int{"n": 3})
	for _, sub := range []*Connection{h1, h2} {
		if ev := streamRecv(t, sub.Events()); ev.Type != EventTypeNote || ev.Connection != sub {
			t.Errorf("%s after reconnect: got %+v", sub, ev)
		}
	}

	// Messages go to the shared connection.
	stats1, _ := s.ServerStats(Shared())
	stats2, _ := s.ServerStats(Shared())
	sess.expectConnect(t)
	if err := stats2.Send("requestLog", map[string]any{"id": "x", "length": 1}); err != nil {
		t.Fatal(err)
	}
	if fr := sess.next(t); fr.Type != "ch" || !streamJSONEqual(t, fr.Body, []byte(`{"id":"`+stats1.ID()+`","type":"requestLog","body":{"id":"x","length":1}}`)) {
		t.Errorf("sent %s", fr.raw)
	}

	// The last subscriber to leave disconnects; the next Shared connect
	// opens a new server-side connection.
	h1.Close()
	sess.noFrame(t, 20*time.Millisecond)
	h2.Close()
	sess.expectID(t, "disconnect", h2.ID())
	again, _ := s.HomeTimeline(HomeTimelineParams{WithRenotes: Value(false), WithFiles: Value(true)}, Shared())
	if got := sess.expectConnect(t); got.ID != again.ID() || again.ID() == h1.ID() {
		t.Errorf("reopened as %s (connect %s), closed one was %s", again.ID(), got.ID, h1.ID())
	}
	sess.sendEvent(t, h1.ID(), "note", map[string]int{"old": 1}) // for the closed one: dropped
	sess.sendEvent(t, again.ID(), "note", map[string]int{"n": 4})
	if ev := streamRecv(t, again.Events()); string(ev.Body) != `{"n":4}` {
		t.Errorf("reopened: got %+v", ev)
	}

	// The end of the stream closes every subscriber's channel.
	s.Close()
	for _, sub := range []*Connection{a, again, stats1.Connection, stats2.Connection} {
		streamWaitClosed(t, sub.Events())
		select {
		case <-sub.Done():
		case <-time.After(streamTestTimeout):
			t.Errorf("%s: Done not closed", sub)
		}
	}
	if _, err := s.Main(Shared()); !errors.Is(err, ErrStreamClosed) {
		t.Errorf("Shared connect after Close: %v", err)
	}
	f.Close()
	checkNoStreamGoroutines(t)
}

// A slow subscriber holds back the others (as one slow SeparateEvents
// channel holds back the stream), but closing it frees them.
func TestStreamSharedSlowSubscriber(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f, WithEventBuffer(1))
	sess := f.accept(t)
	fast, _ := s.Main(Shared())
	slow, _ := s.Main(Shared())
	sess.expectConnect(t)
	for i := range 3 {
		sess.sendEvent(t, fast.ID(), "notification", map[string]int{"i": i})
	}
	if ev := streamRecv(t, fast.Events()); string(ev.Body) != `{"i":0}` {
		t.Fatalf("got %+v", ev)
	}
	slow.Close()
	for i := 1; i < 3; i++ {
		if ev := streamRecv(t, fast.Events()); string(ev.Body) != `{"i":`+string(rune('0'+i))+`}` {
			t.Fatalf("got %+v", ev)
		}
	}
}

func TestStreamSharedBadParams(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	f.accept(t)
	if _, err := s.Connect("main", func() {}, Shared()); err == nil {
		t.Error("params that cannot be encoded: no error")
	}
}
