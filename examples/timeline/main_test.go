package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/generated"
	"github.com/misskey-gen/misskey-gen/generated/misskeytest"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitOutput waits until the program has printed want.
func waitOutput(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the output lacks %q:\n%s", want, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRun follows the local timeline of a misskeytest server: bob posts, the
// program prints the note and captures it, bob's reaction shows up; then the
// server drops the stream, the program reconnects, and the deletion of the
// captured note still arrives.
func TestRun(t *testing.T) {
	srv := misskeytest.NewServer(t)
	alice, bob := srv.AddUser("alice"), srv.AddUser("bob")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, &out, srv.URL, alice.Token, "local") }()
	if err := srv.WaitConnected(ctx, alice.ID, "localTimeline"); err != nil {
		t.Fatal(err)
	}

	c := srv.Client(bob)
	created, err := c.NotesCreate(ctx, &misskey.NotesCreateRequest{Text: misskey.Value("hello  world")})
	if err != nil {
		t.Fatal(err)
	}
	note := created.CreatedNote.ID
	waitOutput(t, &out, "@bob: hello world")
	if err := srv.WaitCaptured(ctx, note); err != nil {
		t.Fatal(err)
	}
	if err := c.NotesReactionsCreate(ctx, &misskey.NotesReactionsCreateRequest{NoteID: note, Reaction: "👍"}); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, &out, bob.ID+" reacted 👍 to "+note)

	srv.DropStreams()
	waitOutput(t, &out, "-- disconnected")
	waitOutput(t, &out, "-- reconnected")
	if err := srv.WaitCaptured(ctx, note); err != nil {
		t.Fatal(err)
	}
	if err := c.NotesDelete(ctx, &misskey.NotesDeleteRequest{NoteID: note}); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, &out, note+" was deleted")

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
