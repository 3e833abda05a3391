package misskeytest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// streamOf opens a stream of the actor's client.
func streamOf(t *testing.T, a *actor) *misskey.Stream {
	t.Helper()
	s, err := a.c.Stream(a.ctx, misskey.WithReconnectBackoff(10*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// next returns the next event that is not a "connected" acknowledgement.
func next(t *testing.T, s *misskey.Stream) misskey.StreamEvent {
	t.Helper()
	timer := time.NewTimer(5 * time.Second)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("stream ended: %v", s.Err())
			}
			if ev.Kind == misskey.EventConnected {
				continue
			}
			return ev
		case <-timer.C:
			t.Fatal("no event within 5 s")
		}
	}
}

// expectNone fails when an event other than "connected" arrives soon.
func expectNone(t *testing.T, s *misskey.Stream) {
	t.Helper()
	timer := time.NewTimer(100 * time.Millisecond)
	defer timer.Stop()
	for {
		select {
		case ev := <-s.Events():
			if ev.Kind != misskey.EventConnected {
				t.Errorf("unexpected event %v %s %s", ev.Kind, ev.Type, ev.Body)
			}
		case <-timer.C:
			return
		}
	}
}

func connect(t *testing.T, srv *Server, s *misskey.Stream, a *actor, channel string, params any) *misskey.Connection {
	t.Helper()
	c, err := s.Connect(channel, params)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitConnected(a.ctx, a.ID, channel); err != nil {
		t.Fatal(err)
	}
	return c
}

func bodyNote(t *testing.T, ev misskey.StreamEvent) tnote {
	t.Helper()
	var n tnote
	if err := json.Unmarshal(ev.Body, &n); err != nil {
		t.Fatalf("%s body: %v", ev.Type, err)
	}
	return n
}

func TestStreamEvents(t *testing.T) {
	srv := NewServer(t)
	alice := newActor(t, srv, "alice")
	bob := newActor(t, srv, "bob")
	carol := newActor(t, srv, "carol")

	s := streamOf(t, alice)
	home := connect(t, srv, s, alice, "homeTimeline", nil)
	local := connect(t, srv, s, alice, "localTimeline", map[string]any{"withRenotes": false})
	main := connect(t, srv, s, alice, "main", nil)

	// A follow: alice's main gets "follow"; bob's would get "followed".
	alice.call("following/create", map[string]any{"userId": bob.ID}, nil)
	ev := next(t, s)
	if ev.Connection != main || ev.Type != "follow" || !strings.Contains(string(ev.Body), `"username":"bob"`) {
		t.Fatalf("follow event: %v %s %s", ev.Channel, ev.Type, ev.Body)
	}

	// bob's public note reaches both timelines, home first (connection order).
	n1 := bob.post(map[string]any{"text": "public from bob"})
	for _, want := range []*misskey.Connection{home, local} {
		ev = next(t, s)
		if ev.Connection != want || ev.Type != "note" || bodyNote(t, ev).ID != n1.ID {
			t.Fatalf("note event on %s: %s %s", ev.Channel, ev.Type, ev.Body)
		}
	}
	// carol's public note: local only (alice does not follow carol).
	n2 := carol.post(map[string]any{"text": "public from carol"})
	if ev = next(t, s); ev.Connection != local || bodyNote(t, ev).ID != n2.ID {
		t.Fatalf("carol's note: %s %s", ev.Channel, ev.Body)
	}
	// A pure renote by carol: not on local (withRenotes: false), but alice is
	// told on main and notified.
	alice1 := alice.post(map[string]any{"text": "alice writes"})
	for range 2 { // home, local
		if ev = next(t, s); bodyNote(t, ev).ID != alice1.ID {
			t.Fatalf("alice's own note: %s %s", ev.Channel, ev.Body)
		}
	}
	rn := carol.post(map[string]any{"renoteId": alice1.ID})
	ev = next(t, s)
	if ev.Connection != main || ev.Type != "renote" || bodyNote(t, ev).ID != rn.ID {
		t.Fatalf("renote event: %s %s %s", ev.Channel, ev.Type, ev.Body)
	}
	ev = next(t, s)
	var notif tnotification
	_ = json.Unmarshal(ev.Body, &notif)
	if ev.Type != "notification" || notif.Type != "renote" || notif.UserID != carol.ID {
		t.Fatalf("renote notification: %s %s", ev.Type, ev.Body)
	}
	// A mention: main "mention" then the notification.
	m := carol.post(map[string]any{"text": "hey @alice", "visibility": "specified"})
	ev = next(t, s)
	if ev.Type != "mention" || bodyNote(t, ev).ID != m.ID {
		t.Fatalf("mention: %s %s", ev.Type, ev.Body)
	}
	if ev = next(t, s); ev.Type != "notification" || !strings.Contains(string(ev.Body), `"type":"mention"`) {
		t.Fatalf("mention notification: %s %s", ev.Type, ev.Body)
	}
	// A specified note for someone else reaches nobody here.
	carol.post(map[string]any{"text": "for bob only", "visibility": "specified", "visibleUserIds": []string{bob.ID}})
	expectNone(t, s)

	// Note capture.
	if err := s.SubNote(n1.ID); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitCaptured(alice.ctx, n1.ID); err != nil {
		t.Fatal(err)
	}
	carol.call("notes/reactions/create", map[string]any{"noteId": n1.ID, "reaction": "👍"}, nil)
	ev = next(t, s)
	if r, ok := ev.Value.(*misskey.NoteReacted); ev.Kind != misskey.EventNoteUpdated || ev.NoteID != n1.ID || !ok || r.Reaction != "👍" || r.UserID != carol.ID {
		t.Fatalf("reacted: %v %s %#v", ev.Kind, ev.Body, ev.Value)
	}
	carol.call("notes/reactions/delete", map[string]any{"noteId": n1.ID}, nil)
	if ev = next(t, s); ev.Type != "unreacted" {
		t.Fatalf("unreacted: %s %s", ev.Type, ev.Body)
	}
	bob.call("notes/delete", map[string]any{"noteId": n1.ID}, nil)
	if ev = next(t, s); ev.Type != "deleted" {
		t.Fatalf("deleted: %s %s", ev.Type, ev.Body)
	} else if d, ok := ev.Value.(*misskey.NoteDeleted); !ok || time.Since(d.DeletedAt) > time.Minute {
		t.Errorf("deleted value %#v", ev.Value)
	}

	// A disconnected channel gets nothing more.
	if err := local.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(alice.ctx, func() bool { return !srv.Connected(alice.ID, "localTimeline") }); err != nil {
		t.Fatal(err)
	}
	carol.post(map[string]any{"text": "nobody listens"})
	expectNone(t, s)
}

func TestStreamEmit(t *testing.T) {
	srv := NewServer(t)
	alice := newActor(t, srv, "alice")
	bob := newActor(t, srv, "bob")
	sa, sb := streamOf(t, alice), streamOf(t, bob)
	connect(t, srv, sa, alice, "main", nil)
	connect(t, srv, sb, bob, "main", nil)
	if err := sa.SubNote("n1"); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitCaptured(alice.ctx, "n1"); err != nil {
		t.Fatal(err)
	}

	if n := srv.Emit(ChannelEvent("main", "notification", map[string]any{"id": "x", "type": "app", "body": "hi"}).To(bob.ID)); n != 1 {
		t.Errorf("to bob: %d frames", n)
	}
	if ev := next(t, sb); ev.Kind != misskey.EventChannel || ev.Type != "notification" || !strings.Contains(string(ev.Body), `"type":"app"`) {
		t.Errorf("bob got %v %s %s", ev.Kind, ev.Type, ev.Body)
	}
	expectNone(t, sa)

	if n := srv.Emit(NoteUpdate("n1", "pollVoted", misskey.NotePollVoted{Choice: 2, UserID: bob.ID})); n != 1 {
		t.Errorf("note update: %d frames", n)
	}
	if ev := next(t, sa); ev.Kind != misskey.EventNoteUpdated || ev.Value.(*misskey.NotePollVoted).Choice != 2 {
		t.Errorf("alice got %v %s", ev.Kind, ev.Body)
	}
	if n := srv.Emit(Broadcast("emojiAdded", map[string]any{"emoji": map[string]any{"name": "blob"}})); n != 2 {
		t.Errorf("broadcast: %d frames", n)
	}
	for _, s := range []*misskey.Stream{sa, sb} {
		if ev := next(t, s); ev.Kind != misskey.EventBroadcast || ev.Type != "emojiAdded" {
			t.Errorf("broadcast: %v %s", ev.Kind, ev.Type)
		}
	}
	srv.Emit(RawFrame([]byte("not json")).To(alice.ID))
	if ev := next(t, sa); ev.Err == nil {
		t.Errorf("raw frame: %+v", ev)
	}
	if n := srv.Emit(ChannelEvent("homeTimeline", "note", nil)); n != 0 {
		t.Errorf("no connection to homeTimeline, yet %d frames", n)
	}
}

func TestStreamReconnect(t *testing.T) {
	srv := NewServer(t)
	alice := newActor(t, srv, "alice")
	bob := newActor(t, srv, "bob")
	s := streamOf(t, alice)
	connect(t, srv, s, alice, "localTimeline", nil)
	if err := s.SubNote("n1"); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitCaptured(alice.ctx, "n1"); err != nil {
		t.Fatal(err)
	}
	if n := srv.DropStreams(); n != 1 {
		t.Fatalf("dropped %d streams", n)
	}
	if ev := next(t, s); ev.Kind != misskey.EventDisconnected {
		t.Fatalf("after the drop: %v", ev.Kind)
	}
	if ev := next(t, s); ev.Kind != misskey.EventReconnected {
		t.Fatalf("then: %v", ev.Kind)
	}
	// The client connected again and captured the note again.
	if err := srv.WaitConnected(alice.ctx, alice.ID, "localTimeline"); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitCaptured(alice.ctx, "n1"); err != nil {
		t.Fatal(err)
	}
	n := bob.post(map[string]any{"text": "after the reconnect"})
	if ev := next(t, s); bodyNote(t, ev).ID != n.ID {
		t.Errorf("after the reconnect: %s", ev.Body)
	}
	if srv.Streams() != 1 {
		t.Errorf("%d streams", srv.Streams())
	}
}

func TestStreamAuth(t *testing.T) {
	srv := NewServer(t)
	ctx := testCtx(t)
	_, err := misskey.NewClient(srv.URL, misskey.WithToken("nope")).Stream(ctx)
	var de *misskey.StreamDialError
	if !errors.As(err, &de) || de.StatusCode != http.StatusUnauthorized || strings.Contains(err.Error(), "nope") {
		t.Fatalf("bad token: %v", err)
	}
	// Without a token, main is refused silently and public timelines work.
	anon, err := misskey.NewClient(srv.URL).Stream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer anon.Close()
	if _, err := anon.Connect("main", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := anon.Connect("globalTimeline", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := anon.Connect("hashtag", map[string]any{"q": [][]string{{"misskey", "go"}, {"gopher"}}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitConnected(ctx, "", "globalTimeline"); err != nil {
		t.Fatal(err)
	}
	if srv.Connected("", "main") {
		t.Error("an anonymous stream connected to main")
	}
	bob := newActor(t, srv, "bob")
	n := bob.post(map[string]any{"text": "for everyone"})
	if ev := next(t, anon); ev.Channel != "globalTimeline" || bodyNote(t, ev).ID != n.ID {
		t.Errorf("anonymous global timeline: %s %s", ev.Channel, ev.Body)
	}
	if err := srv.WaitConnected(ctx, "", "hashtag"); err != nil {
		t.Fatal(err)
	}
	bob.post(map[string]any{"text": "only #go"})
	next(t, anon) // global timeline
	tagged := bob.post(map[string]any{"text": "#Misskey in #Go"})
	for range 2 {
		if ev := next(t, anon); bodyNote(t, ev).ID != tagged.ID {
			t.Errorf("tagged note: %s %s", ev.Channel, ev.Body)
		} else if ev.Channel == "hashtag" {
			return
		}
	}
	t.Error("the hashtag channel did not get #misskey #go")
}

// TestStreamCloseEndsClients checks that closing the server with streams
// open returns and ends its goroutines.
func TestStreamCloseEndsClients(t *testing.T) {
	srv := New()
	u := srv.AddUser("alice")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := srv.Client(u).Stream(ctx, misskey.WithoutReconnect())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Main(); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitConnected(ctx, u.ID, "main"); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the client's stream did not end")
	}
}
