package misskeytest_test

// This file is not generated: it tests the generated misskeytest package
// against the generated client of testdata/openapi.json, the way a user's
// tests use them.

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/generated"
	"github.com/misskey-gen/misskey-gen/generated/misskeytest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestTypedHandlers answers endpoints with typed handlers and checks what
// the client gets: values, documented errors, and 204s.
func TestTypedHandlers(t *testing.T) {
	srv := misskeytest.NewServer(t)
	ctx := testCtx(t)
	alice := srv.AddUser("alice")
	c := misskey.NewClient(srv.URL, misskey.WithToken(alice.Token), misskey.WithStrictDecoding())

	srv.HandleNotesShow(func(ctx context.Context, req *misskey.NotesShowRequest) (*misskey.Note, error) {
		if req.NoteID == "gone" {
			return nil, misskey.ErrNotesShowNoSuchNote
		}
		text := "note " + req.NoteID + " for " + misskeytest.CallerID(ctx)
		return &misskey.Note{ID: req.NoteID, Text: &text, Visibility: misskey.NoteVisibilityPublic, Reactions: map[string]int64{}}, nil
	})
	n, err := c.NotesShow(ctx, &misskey.NotesShowRequest{NoteID: "abc"})
	if err != nil || n.ID != "abc" || *n.Text != "note abc for "+alice.ID {
		t.Fatalf("NotesShow: %+v, %v", n, err)
	}
	_, err = c.NotesShow(ctx, &misskey.NotesShowRequest{NoteID: "gone"})
	var apiErr *misskey.APIError
	if !errors.Is(err, misskey.ErrNotesShowNoSuchNote) || !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Errorf("documented error: %v", err)
	}

	// Endpoints without a request or a response.
	srv.HandleClipsList(func(ctx context.Context) ([]misskey.Clip, error) {
		return []misskey.Clip{{ID: "c1", Name: "clip"}}, nil
	})
	if clips, err := c.ClipsList(ctx); err != nil || len(clips) != 1 || clips[0].Name != "clip" {
		t.Errorf("ClipsList: %+v, %v", clips, err)
	}
	var vote *misskey.NotesPollsVoteRequest
	srv.HandleNotesPollsVote(func(ctx context.Context, req *misskey.NotesPollsVoteRequest) error {
		vote = req
		return nil
	})
	if err := c.NotesPollsVote(ctx, &misskey.NotesPollsVoteRequest{NoteID: "n1", Choice: 2}); err != nil || vote == nil || vote.NoteID != "n1" || vote.Choice != 2 {
		t.Errorf("NotesPollsVote: %+v, %v", vote, err)
	}

	// Rate limited, then answered by the server's own Misskey.
	srv.HandleNotesShow(nil)
	srv.SetRateLimit("notes/show", 1, time.Minute)
	if _, err := c.NotesShow(ctx, &misskey.NotesShowRequest{NoteID: "abc"}); !errors.Is(err, misskey.ErrNotesShowNoSuchNote) {
		t.Errorf("the server's own notes/show: %v", err)
	}
	_, err = c.NotesShow(ctx, &misskey.NotesShowRequest{NoteID: "abc"})
	if !errors.Is(err, misskey.ErrRateLimitExceeded) || !errors.As(err, &apiErr) || apiErr.RetryAfter <= 0 {
		t.Errorf("rate limit: %v", err)
	}

	// An endpoint nothing answers names the handler to write.
	if _, err := c.Meta(ctx, &misskey.MetaRequest{}); !errors.Is(err, misskeytest.ErrUnhandled) || !strings.Contains(err.Error(), "HandleMeta") {
		t.Errorf("unhandled: %v", err)
	}
}

// TestListFormHandler: users/show goes to the list handler whenever the
// request has userIds, even an empty list, as Misskey answers a list then
// (`if (ps.userIds)`), and to the single one otherwise.
func TestListFormHandler(t *testing.T) {
	srv := misskeytest.NewServer(t)
	ctx := testCtx(t)
	c := srv.Client(srv.AddUser("alice"))
	var got []string
	srv.HandleUsersShow(func(ctx context.Context, req *misskey.UsersShowRequest) (*misskey.UserDetailed, error) {
		got = append(got, "one")
		return &misskey.UserDetailed{ID: *req.UserID, Username: "bob"}, nil
	}, func(ctx context.Context, req *misskey.UsersShowRequest) ([]misskey.UserDetailed, error) {
		got = append(got, "many")
		out := []misskey.UserDetailed{}
		for _, id := range req.UserIDs {
			out = append(out, misskey.UserDetailed{ID: id, Username: "bob"})
		}
		return out, nil
	})
	if u, err := c.UsersShow(ctx, &misskey.UsersShowRequest{UserID: misskey.Ptr("u1")}); err != nil || u.ID != "u1" {
		t.Errorf("UsersShow: %+v, %v", u, err)
	}
	if us, err := c.UsersShowMany(ctx, &misskey.UsersShowRequest{UserIDs: []string{"u1", "u2"}}); err != nil || len(us) != 2 {
		t.Errorf("UsersShowMany: %+v, %v", us, err)
	}
	if us, err := c.UsersShowMany(ctx, &misskey.UsersShowRequest{UserIDs: []string{}}); err != nil || us == nil || len(us) != 0 {
		t.Errorf("UsersShowMany with no ids: %+v, %v", us, err)
	}
	if want := []string{"one", "many", "many"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("handlers called: %q, want %q", got, want)
	}
}

// TestValidation checks calls against the document's request schemas.
func TestValidation(t *testing.T) {
	srv := misskeytest.NewServer(t)
	ctx := testCtx(t)
	c := srv.Client(srv.AddUser("alice"))
	_, err := c.UsersNotes(ctx, &misskey.UsersNotesRequest{UserID: "x", Limit: misskey.Ptr[int64](1000)})
	var apiErr *misskey.APIError
	if !errors.Is(err, misskey.ErrInvalidParam) || !errors.As(err, &apiErr) {
		t.Fatalf("limit 1000: %v", err)
	}
	if string(apiErr.Info) != `{"param":"#/properties/limit/maximum","reason":"must be <= 100"}` {
		t.Errorf("info %s", apiErr.Info)
	}
	_, err = c.NotesCreate(ctx, &misskey.NotesCreateRequest{Text: misskey.Value("x"), Visibility: misskey.Ptr(misskey.NoteVisibility("bogus"))})
	if !errors.Is(err, misskey.ErrInvalidParam) || !strings.Contains(err.Error(), "INVALID_PARAM") {
		t.Errorf("bad visibility: %v", err)
	}
	if _, err := c.NotesCreate(ctx, &misskey.NotesCreateRequest{}); !errors.Is(err, misskey.ErrInvalidParam) {
		t.Errorf("empty note: %v", err)
	}
	if _, err := misskey.NewClient(srv.URL).NotesTimeline(ctx, &misskey.NotesTimelineRequest{}); !errors.Is(err, misskey.ErrCredentialRequired) {
		t.Errorf("no token: %v", err)
	}
}

// TestServerMisskey uses the server's own Misskey through the typed client,
// decoding strictly, and the calls it recorded.
func TestServerMisskey(t *testing.T) {
	srv := misskeytest.NewServer(t)
	ctx := testCtx(t)
	aliceU, bobU := srv.AddUser("alice", misskeytest.WithName("Alice")), srv.AddUser("bob", misskeytest.AsBot())
	alice := srv.Client(aliceU, misskey.WithStrictDecoding())
	bob := srv.Client(bobU, misskey.WithStrictDecoding())

	if _, err := alice.FollowingCreate(ctx, &misskey.FollowingCreateRequest{UserID: bobU.ID}); err != nil {
		t.Fatal(err)
	}
	created, err := bob.NotesCreate(ctx, &misskey.NotesCreateRequest{Text: misskey.Value("hello @alice")})
	if err != nil {
		t.Fatal(err)
	}
	note := created.CreatedNote
	if note.User.Username != "bob" || note.User.IsBot == nil || !*note.User.IsBot || note.Visibility != misskey.NoteVisibilityPublic || len(note.Mentions) != 1 {
		t.Errorf("created %+v", note)
	}
	tl, err := alice.NotesTimeline(ctx, &misskey.NotesTimelineRequest{})
	if err != nil || len(tl) != 1 || tl[0].ID != note.ID {
		t.Fatalf("home timeline: %+v, %v", tl, err)
	}
	if err := alice.NotesReactionsCreate(ctx, &misskey.NotesReactionsCreateRequest{NoteID: note.ID, Reaction: "👍"}); err != nil {
		t.Fatal(err)
	}
	shown, err := bob.NotesShow(ctx, &misskey.NotesShowRequest{NoteID: note.ID})
	if err != nil || shown.Reactions["👍"] != 1 || shown.ReactionCount != 1 {
		t.Errorf("after the reaction: %+v, %v", shown, err)
	}
	ns, err := bob.INotifications(ctx, &misskey.INotificationsRequest{})
	if err != nil || len(ns) != 2 || ns[0].Type != misskey.NotificationTypeReaction || ns[1].Type != misskey.NotificationTypeFollow {
		t.Fatalf("notifications: %+v, %v", ns, err)
	}
	if ns[0].User == nil || ns[0].User.Username != "alice" || ns[0].Note == nil || ns[0].Note.ID != note.ID || ns[0].Reaction == nil || *ns[0].Reaction != "👍" {
		t.Errorf("reaction notification %+v", ns[0])
	}
	me, err := alice.I(ctx)
	if err != nil || me.ID != aliceU.ID || me.Name == nil || *me.Name != "Alice" || me.FollowingCount != 1 {
		t.Errorf("i: %+v, %v", me, err)
	}
	if err := bob.NotesDelete(ctx, &misskey.NotesDeleteRequest{NoteID: note.ID}); err != nil {
		t.Fatal(err)
	}
	if err := alice.NotesDelete(ctx, &misskey.NotesDeleteRequest{NoteID: note.ID}); !errors.Is(err, misskey.ErrNotesDeleteNoSuchNote) {
		t.Errorf("deleting again: %v", err)
	}

	calls := srv.Calls("notes/create")
	if len(calls) != 1 || calls[0].UserID != bobU.ID {
		t.Fatalf("calls %+v", calls)
	}
	if req, ok := calls[0].Request.(*misskey.NotesCreateRequest); !ok || req.Text != misskey.Value("hello @alice") {
		t.Errorf("recorded request %#v", calls[0].Request)
	}
}

// TestUpload sends a file with the typed multipart method.
func TestUpload(t *testing.T) {
	srv := misskeytest.NewServer(t)
	ctx := testCtx(t)
	u := srv.AddUser("alice")
	c := srv.Client(u, misskey.WithStrictDecoding())
	f, err := c.DriveFilesCreate(ctx, &misskey.DriveFilesCreateRequest{
		File:        misskey.NamedReader("cat.txt", strings.NewReader("meow")),
		IsSensitive: misskey.Ptr(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "cat.txt" || f.Size != 4 || !f.IsSensitive || f.Type != "text/plain" {
		t.Errorf("file %+v", f)
	}
	resp, err := http.Get(f.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "meow" {
		t.Errorf("served %q", body)
	}
	calls := srv.Calls("drive/files/create")
	req, ok := calls[0].Request.(*misskey.DriveFilesCreateRequest)
	if !ok || req.File == nil {
		t.Fatalf("recorded %#v", calls[0].Request)
	}
	if b, _ := io.ReadAll(req.File); string(b) != "meow" || req.IsSensitive == nil || !*req.IsSensitive {
		t.Errorf("recorded file %q, isSensitive %v", b, req.IsSensitive)
	}

	// A typed handler gets the file too.
	srv.HandleDriveFilesCreate(func(ctx context.Context, req *misskey.DriveFilesCreateRequest) (*misskey.DriveFile, error) {
		b, _ := io.ReadAll(req.File)
		name := ""
		if n, ok := req.File.(interface{ Name() string }); ok {
			name = n.Name()
		}
		return &misskey.DriveFile{ID: "f1", Name: name + ":" + string(b)}, nil
	})
	f, err = c.DriveFilesCreate(ctx, &misskey.DriveFilesCreateRequest{File: misskey.NamedReader("dog.txt", strings.NewReader("woof"))})
	if err != nil || f.Name != "dog.txt:woof" {
		t.Errorf("handled upload: %+v, %v", f, err)
	}
}

// TestStream follows a timeline and the main channel with typed events.
func TestStream(t *testing.T) {
	srv := misskeytest.NewServer(t)
	ctx := testCtx(t)
	aliceU, bobU := srv.AddUser("alice"), srv.AddUser("bob")
	alice, bob := srv.Client(aliceU), srv.Client(bobU)
	stream, err := alice.Stream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if _, err := stream.LocalTimeline(misskey.LocalTimelineParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Main(); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitConnected(ctx, aliceU.ID, "main"); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitConnected(ctx, aliceU.ID, "localTimeline"); err != nil {
		t.Fatal(err)
	}
	created, err := bob.NotesCreate(ctx, &misskey.NotesCreateRequest{Text: misskey.Value("hi @alice")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"localTimeline/note": true, "main/mention": true, "main/notification": true}
	for len(want) > 0 {
		var ev misskey.StreamEvent
		select {
		case ev = <-stream.Events():
		case <-ctx.Done():
			t.Fatalf("still waiting for %v", want)
		}
		if ev.Kind != misskey.EventChannel {
			continue
		}
		key := ev.Channel + "/" + string(ev.Type)
		delete(want, key)
		switch v := ev.Value.(type) {
		case *misskey.Note:
			if v.ID != created.CreatedNote.ID || v.User.Username != "bob" {
				t.Errorf("%s: %+v", key, v)
			}
		case *misskey.StreamMention:
			if v.ID != created.CreatedNote.ID || v.User.Username != "bob" {
				t.Errorf("%s: %+v", key, v)
			}
		case *misskey.Notification:
			if v.Type != misskey.NotificationTypeMention || v.Note == nil || v.Note.ID != created.CreatedNote.ID {
				t.Errorf("%s: %+v", key, v)
			}
		default:
			t.Errorf("%s: value %T (%v)", key, ev.Value, ev.Err)
		}
	}

	// Emit a typed event.
	text := "pushed"
	srv.Emit(misskeytest.ChannelEvent("localTimeline", "note", &misskey.Note{ID: "pushed", Text: &text}))
	for ev := range stream.Events() {
		if n, ok := ev.Value.(*misskey.Note); ok && n.ID == "pushed" && *n.Text == "pushed" {
			break
		}
	}
}

// TestMiAuth gets a token the way an app does.
func TestMiAuth(t *testing.T) {
	srv := misskeytest.NewServer(t)
	ctx := testCtx(t)
	alice := srv.AddUser("alice")
	app := misskey.NewClient(srv.URL)
	sess, err := misskey.NewMiAuthSession()
	if err != nil {
		t.Fatal(err)
	}
	perms, _ := misskey.PermissionsFor("i")
	resp, err := http.Get(app.MiAuthURL(sess.ID, misskey.MiAuthOptions{Name: "bot", Permissions: perms}))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	srv.ApproveMiAuth(sess.ID, alice)
	res, err := app.MiAuthWait(ctx, sess.ID, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	c := misskey.NewClient(srv.URL, misskey.WithToken(res.Token))
	if me, err := c.I(ctx); err != nil || me.ID != alice.ID {
		t.Errorf("i: %v", err)
	}
	if _, err := c.NotesCreate(ctx, &misskey.NotesCreateRequest{Text: misskey.Value("x")}); !errors.Is(err, misskey.ErrPermissionDenied) {
		t.Errorf("without write:notes: %v", err)
	}
	var raw json.RawMessage
	if err := c.Call(ctx, "i", nil, &raw); err != nil || !strings.Contains(string(raw), `"username":"alice"`) {
		t.Errorf("Call: %s %v", raw, err)
	}
}
