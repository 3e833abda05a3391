package bot

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"example.com/mybot/misskey"
	"example.com/mybot/misskey/misskeytest"
)

func TestBot(t *testing.T) {
	srv := misskeytest.NewServer(t)
	bot := srv.AddUser("bot", misskeytest.AsBot())
	alice := srv.AddUser("alice")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()

	// The first reply fails as a busy server's would; the bot must go on.
	var failed atomic.Bool
	srv.HandleNotesCreate(func(ctx context.Context, req *misskey.NotesCreateRequest) (*misskey.NotesCreateResponse, error) {
		if misskeytest.CallerID(ctx) == bot.ID && failed.CompareAndSwap(false, true) {
			return nil, misskey.ErrInternalError
		}
		return nil, misskeytest.ErrFallThrough // the fake server's own notes/create
	})

	done := make(chan error, 1)
	go func() { done <- Run(ctx, srv.Client(bot)) }()
	if err := srv.WaitConnected(ctx, bot.ID, "main"); err != nil {
		t.Fatal(err)
	}

	c := srv.Client(alice)
	ping := func(text string) string {
		t.Helper()
		res, err := c.NotesCreate(ctx, &misskey.NotesCreateRequest{Text: misskey.Value(text)})
		if err != nil {
			t.Fatal(err)
		}
		return res.CreatedNote.ID
	}
	replies := func(noteID string) []misskey.Note {
		t.Helper()
		notes, err := c.NotesReplies(ctx, &misskey.NotesRepliesRequest{NoteID: noteID})
		if err != nil {
			t.Fatal(err)
		}
		return notes
	}

	first := ping("@bot ping")   // the reply fails
	ping("@bot how are you?")    // not a ping: no reply
	second := ping("@bot ping!") // answered
	// Calls are recorded before they are answered: alice's three, the bot's two.
	calls, err := srv.WaitCalls(ctx, "notes/create", 5)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, call := range calls {
		if call.UserID == bot.ID {
			statuses = append(statuses, call.Status)
		}
	}
	if !slices.Equal(statuses, []int{500, 200}) {
		t.Errorf("the bot's replies were answered %v", statuses)
	}
	if got := replies(first); len(got) != 0 {
		t.Errorf("a failed reply was stored: %+v", got)
	}
	if got := replies(second); len(got) != 1 || *got[0].Text != "pong" || got[0].UserID != bot.ID {
		t.Errorf("replies to the second ping: %+v", got)
	}

	// The bot survives a dropped stream: its client reconnects.
	srv.DropStreams()
	if err := srv.WaitConnected(ctx, bot.ID, "main"); err != nil {
		t.Fatal(err)
	}
	third := ping("@bot ping again")
	if _, err := srv.WaitCalls(ctx, "notes/create", 7); err != nil {
		t.Fatal(err)
	}
	if got := replies(third); len(got) != 1 {
		t.Errorf("replies after the reconnect: %+v", got)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
