package main

import (
	"context"
	"io"
	"log"
	"slices"
	"testing"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/generated"
	"github.com/misskey-gen/misskey-gen/generated/misskeytest"
)

// TestBot runs the bot against misskeytest, the fake server generated with
// the client: a mention is reacted to and answered, a reply too, a plain
// renote is left alone, a follower is followed back.
func TestBot(t *testing.T) {
	srv := misskeytest.NewServer(t)
	botUser := srv.AddUser("bot", misskeytest.AsBot())
	alice := srv.AddUser("alice")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()

	b := &Bot{Client: srv.Client(botUser), Log: log.New(io.Discard, "", 0)}
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	if err := srv.WaitConnected(ctx, botUser.ID, "main"); err != nil {
		t.Fatal(err)
	}
	c := srv.Client(alice)

	// A mention: a reaction and a reply, as privately as it was sent.
	post := func(req *misskey.NotesCreateRequest) *misskey.Note {
		t.Helper()
		res, err := c.NotesCreate(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return &res.CreatedNote
	}
	mention := post(&misskey.NotesCreateRequest{Text: misskey.Value("@bot ping"), Visibility: misskey.Ptr(misskey.NoteVisibilityHome)})
	// The bot's answer to the n-th note alice posts (calls alternate:
	// alice's note, then the bot's reply).
	answer := func(n int) *misskey.NotesCreateRequest {
		t.Helper()
		calls, err := srv.WaitCalls(ctx, "notes/create", 2*n)
		if err != nil {
			t.Fatal(err)
		}
		call := calls[2*n-1]
		if call.UserID != botUser.ID || call.Status != 200 {
			t.Fatalf("call %d: %+v", 2*n-1, call)
		}
		return call.Request.(*misskey.NotesCreateRequest)
	}
	got := answer(1)
	if id, _ := got.ReplyID.Get(); id != mention.ID || got.Text.Or("") != "@alice pong" || got.Visibility == nil || *got.Visibility != misskey.NoteVisibilityHome {
		t.Fatalf("answer to the mention: %+v", got)
	}
	reactions, err := srv.WaitCalls(ctx, "notes/reactions/create", 1)
	if err != nil {
		t.Fatal(err)
	}
	if r := reactions[0].Request.(*misskey.NotesReactionsCreateRequest); r.NoteID != mention.ID || r.Reaction != "👍" || reactions[0].UserID != botUser.ID {
		t.Errorf("reaction: %+v", r)
	}

	// A reply to the bot's note is answered too.
	// (A call is recorded before it is answered: wait for the note.)
	var botNoteID string
	for botNoteID == "" {
		botNotes, err := c.UsersNotes(ctx, &misskey.UsersNotesRequest{UserID: botUser.ID, WithReplies: misskey.Ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if len(botNotes) > 0 {
			botNoteID = botNotes[0].ID
		}
		time.Sleep(5 * time.Millisecond)
	}
	reply := post(&misskey.NotesCreateRequest{Text: misskey.Value("nice"), ReplyID: misskey.Value(botNoteID)})
	if got := answer(2); got.ReplyID.Or("") != reply.ID || got.Text.Or("") != "@alice thanks for the note!" {
		t.Errorf("answer to the reply: %+v", got)
	}

	// A plain renote of the bot's note is not answered; the follow after
	// it is followed back (the events arrive in order, so by then the
	// renote was seen and skipped).
	post(&misskey.NotesCreateRequest{RenoteID: misskey.Value(botNoteID)})
	if _, err := c.FollowingCreate(ctx, &misskey.FollowingCreateRequest{UserID: botUser.ID}); err != nil {
		t.Fatal(err)
	}
	follows, err := srv.WaitCalls(ctx, "following/create", 2)
	if err != nil {
		t.Fatal(err)
	}
	if r := follows[1].Request.(*misskey.FollowingCreateRequest); follows[1].UserID != botUser.ID || r.UserID != alice.ID {
		t.Errorf("follow back: %+v by %s", r, follows[1].UserID)
	}
	var authors []string
	for _, call := range srv.Calls("notes/create") {
		authors = append(authors, call.UserID)
	}
	if want := []string{alice.ID, botUser.ID, alice.ID, botUser.ID, alice.ID}; !slices.Equal(authors, want) {
		t.Errorf("notes by %v, want %v (no answer to the renote)", authors, want)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
