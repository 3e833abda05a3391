package main

import (
	"context"
	"io"
	"log"
	"testing"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/generated"
	"github.com/misskey-gen/misskey-gen/generated/misskeytest"
)

// TestBot runs the bot against misskeytest, the fake server generated with
// the client: a mention is reacted to and answered, a reply and a quote too,
// a plain renote is left alone, a follower is followed back.
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
	// byBot waits for the bot's n-th call of endpoint and returns it.
	byBot := func(endpoint string, n int) misskeytest.Call {
		t.Helper()
		var calls []misskeytest.Call
		err := srv.Wait(ctx, func() bool {
			calls = calls[:0]
			for _, call := range srv.Calls(endpoint) {
				if call.UserID == botUser.ID {
					calls = append(calls, call)
				}
			}
			return len(calls) >= n
		})
		if err != nil {
			t.Fatalf("waiting for the bot's call %d of %s: %v", n, endpoint, err)
		}
		return calls[n-1]
	}
	// The bot's n-th answer.
	answer := func(n int) *misskey.NotesCreateRequest {
		t.Helper()
		return byBot("notes/create", n).Request.(*misskey.NotesCreateRequest)
	}
	got := answer(1)
	if id, _ := got.ReplyID.Get(); id != mention.ID || got.Text.Or("") != "@alice pong" || got.Visibility == nil || *got.Visibility != misskey.NoteVisibilityHome {
		t.Fatalf("answer to the mention: %+v", got)
	}
	if r := byBot("notes/reactions/create", 1).Request.(*misskey.NotesReactionsCreateRequest); r.NoteID != mention.ID || r.Reaction != "👍" {
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

	// A plain renote of the bot's note is not answered, a quote is; the
	// follow after them is followed back (the events arrive in order, so by
	// then both renotes were seen).
	post(&misskey.NotesCreateRequest{RenoteID: misskey.Value(botNoteID)})
	quote := post(&misskey.NotesCreateRequest{RenoteID: misskey.Value(botNoteID), Text: misskey.Value("look at this")})
	if got := answer(3); got.ReplyID.Or("") != quote.ID {
		t.Errorf("answer to the quote: %+v", got)
	}
	if _, err := c.FollowingCreate(ctx, &misskey.FollowingCreateRequest{UserID: botUser.ID}); err != nil {
		t.Fatal(err)
	}
	if r := byBot("following/create", 1).Request.(*misskey.FollowingCreateRequest); r.UserID != alice.ID {
		t.Errorf("follow back: %+v", r)
	}
	var answers int
	for _, call := range srv.Calls("notes/create") {
		if call.UserID == botUser.ID {
			answers++
		}
	}
	if answers != 3 {
		t.Errorf("the bot posted %d notes, want 3 (none for the plain renote)", answers)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
