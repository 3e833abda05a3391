package misskeytest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// tnote is the part of a packed note the tests read.
type tnote struct {
	ID             string         `json:"id"`
	UserID         string         `json:"userId"`
	User           tuser          `json:"user"`
	Text           *string        `json:"text"`
	Visibility     string         `json:"visibility"`
	ReplyID        *string        `json:"replyId"`
	RenoteID       *string        `json:"renoteId"`
	Reply          *tnote         `json:"reply"`
	Renote         *tnote         `json:"renote"`
	Mentions       []string       `json:"mentions"`
	Tags           []string       `json:"tags"`
	Reactions      map[string]int `json:"reactions"`
	ReactionCount  int            `json:"reactionCount"`
	RepliesCount   int            `json:"repliesCount"`
	RenoteCount    int            `json:"renoteCount"`
	MyReaction     *string        `json:"myReaction"`
	IsHidden       bool           `json:"isHidden"`
	FileIDs        []string       `json:"fileIds"`
	VisibleUserIDs []string       `json:"visibleUserIds"`
	Poll           *struct {
		Choices []struct {
			Text    string `json:"text"`
			Votes   int    `json:"votes"`
			IsVoted bool   `json:"isVoted"`
		} `json:"choices"`
	} `json:"poll"`
}

type tuser struct {
	ID             string  `json:"id"`
	Username       string  `json:"username"`
	Name           *string `json:"name"`
	IsBot          bool    `json:"isBot"`
	FollowersCount int     `json:"followersCount"`
	FollowingCount int     `json:"followingCount"`
	NotesCount     int     `json:"notesCount"`
	IsFollowing    *bool   `json:"isFollowing"`
	IsAdmin        *bool   `json:"isAdmin"`
}

type tnotification struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	UserID   string `json:"userId"`
	Note     *tnote `json:"note"`
	Reaction string `json:"reaction"`
	IsRead   bool   `json:"isRead"`
}

// actor is a user with a client of the server.
type actor struct {
	User
	c   *misskey.Client
	t   *testing.T
	ctx context.Context
}

func newActor(t *testing.T, srv *Server, name string, opts ...UserOption) *actor {
	u := srv.AddUser(name, opts...)
	return &actor{User: u, c: srv.Client(u), t: t, ctx: testCtx(t)}
}

// call calls an endpoint and fails the test on error.
func (a *actor) call(endpoint string, req any, resp any) {
	a.t.Helper()
	if err := a.c.Call(a.ctx, endpoint, req, resp); err != nil {
		a.t.Fatalf("%s %s: %v", a.Username, endpoint, err)
	}
}

// post creates a note and returns it.
func (a *actor) post(req map[string]any) tnote {
	a.t.Helper()
	var out struct {
		CreatedNote tnote `json:"createdNote"`
	}
	a.call("notes/create", req, &out)
	return out.CreatedNote
}

func (a *actor) notes(endpoint string, req map[string]any) []tnote {
	a.t.Helper()
	var out []tnote
	a.call(endpoint, req, &out)
	return out
}

func ids(ns []tnote) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

func texts(ns []tnote) []string {
	out := []string{}
	for _, n := range ns {
		if n.Text != nil {
			out = append(out, *n.Text)
		} else {
			out = append(out, "<nil>")
		}
	}
	return out
}

func eq(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

func apiCode(err error) string {
	var e *misskey.APIError
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestUsers(t *testing.T) {
	srv := NewServer(t)
	alice := newActor(t, srv, "alice", WithName("Alice"), AsCat(), AsAdmin())
	bob := newActor(t, srv, "bob", AsBot())

	var me tuser
	alice.call("i", nil, &me)
	if me.ID != alice.ID || me.Username != "alice" || me.Name == nil || *me.Name != "Alice" || me.IsAdmin == nil || !*me.IsAdmin {
		t.Errorf("i: %+v", me)
	}
	var other tuser
	alice.call("users/show", map[string]any{"username": "BOB"}, &other)
	if other.ID != bob.ID || !other.IsBot || other.IsFollowing == nil || *other.IsFollowing || other.IsAdmin != nil {
		t.Errorf("users/show by username: %+v", other)
	}
	var list []tuser
	alice.call("users/show", map[string]any{"userIds": []string{bob.ID, "nobody", alice.ID}}, &list)
	if len(list) != 2 || list[0].ID != bob.ID || list[1].ID != alice.ID {
		t.Errorf("users/show by ids: %+v", list)
	}
	if err := alice.c.Call(alice.ctx, "users/show", map[string]any{"userId": "nobody"}, nil); apiCode(err) != "NO_SUCH_USER" {
		t.Errorf("no such user: %v", err)
	}
}

func TestNotesAndTimelines(t *testing.T) {
	srv := NewServer(t)
	alice := newActor(t, srv, "alice")
	bob := newActor(t, srv, "bob")
	carol := newActor(t, srv, "carol")
	alice.call("following/create", map[string]any{"userId": bob.ID}, nil)

	b1 := bob.post(map[string]any{"text": "hello #Go from bob"})
	if b1.UserID != bob.ID || b1.User.Username != "bob" || b1.Visibility != "public" || !slices.Equal(b1.Tags, []string{"go"}) {
		t.Errorf("created %+v", b1)
	}
	c1 := carol.post(map[string]any{"text": "carol, public"})
	bob.post(map[string]any{"text": "bob, home only", "visibility": "home"})
	carol.post(map[string]any{"text": "carol, followers only", "visibility": "followers"})
	reply := alice.post(map[string]any{"text": "nice", "replyId": b1.ID})
	if reply.Reply == nil || reply.Reply.ID != b1.ID || *reply.ReplyID != b1.ID {
		t.Errorf("reply %+v", reply)
	}
	renote := alice.post(map[string]any{"renoteId": c1.ID})
	if renote.Renote == nil || renote.Renote.ID != c1.ID || renote.Text != nil {
		t.Errorf("renote %+v", renote)
	}
	quote := carol.post(map[string]any{"text": "quoting", "renoteId": b1.ID})

	eq(t, "alice's home timeline", texts(alice.notes("notes/timeline", nil)),
		[]string{"<nil>", "nice", "bob, home only", "hello #Go from bob"})
	eq(t, "local timeline", texts(alice.notes("notes/local-timeline", nil)),
		[]string{"quoting", "<nil>", "nice", "carol, public", "hello #Go from bob"})
	eq(t, "local timeline without renotes", texts(alice.notes("notes/local-timeline", map[string]any{"withRenotes": false})),
		[]string{"quoting", "nice", "carol, public", "hello #Go from bob"})
	eq(t, "hybrid timeline", texts(alice.notes("notes/hybrid-timeline", map[string]any{"limit": 3})),
		[]string{"quoting", "<nil>", "nice"})
	eq(t, "global timeline, anonymous", texts(bob.notes("notes/global-timeline", nil)),
		[]string{"quoting", "<nil>", "nice", "carol, public", "hello #Go from bob"})
	eq(t, "bob's notes", texts(alice.notes("users/notes", map[string]any{"userId": bob.ID})),
		[]string{"bob, home only", "hello #Go from bob"})
	eq(t, "carol's notes seen by bob", texts(bob.notes("users/notes", map[string]any{"userId": carol.ID})),
		[]string{"quoting", "carol, public"})
	eq(t, "replies", ids(bob.notes("notes/replies", map[string]any{"noteId": b1.ID})), []string{reply.ID})
	eq(t, "renotes", ids(bob.notes("notes/renotes", map[string]any{"noteId": c1.ID})), []string{renote.ID})
	eq(t, "children", ids(bob.notes("notes/children", map[string]any{"noteId": b1.ID})), []string{quote.ID, reply.ID})

	// Paging.
	all := alice.notes("notes/local-timeline", nil)
	older := alice.notes("notes/local-timeline", map[string]any{"untilId": all[1].ID, "limit": 2})
	eq(t, "untilId", ids(older), ids(all[2:4]))
	newer := alice.notes("notes/local-timeline", map[string]any{"sinceId": all[3].ID, "limit": 2})
	eq(t, "sinceId", ids(newer), ids(all[1:3]))

	var shown tnote
	bob.call("notes/show", map[string]any{"noteId": b1.ID}, &shown)
	if shown.RepliesCount != 1 || shown.RenoteCount != 1 {
		t.Errorf("counts of %+v", shown)
	}
	// A followers-only note is hidden from others.
	var followersOnly tnote
	fo := carol.notes("users/notes", map[string]any{"userId": carol.ID})[1]
	bob.call("notes/show", map[string]any{"noteId": fo.ID}, &followersOnly)
	if !followersOnly.IsHidden || followersOnly.Text != nil {
		t.Errorf("followers-only note seen by a stranger: %+v", followersOnly)
	}

	// Errors.
	for _, tc := range []struct {
		req  map[string]any
		code string
	}{
		{map[string]any{"text": "x", "replyId": "nope"}, "NO_SUCH_REPLY_TARGET"},
		{map[string]any{"renoteId": "nope"}, "NO_SUCH_RENOTE_TARGET"},
		{map[string]any{"renoteId": renote.ID}, "CANNOT_RENOTE_TO_A_PURE_RENOTE"},
		{map[string]any{"text": "x", "replyId": renote.ID}, "CANNOT_REPLY_TO_A_PURE_RENOTE"},
		{map[string]any{"text": "x", "fileIds": []string{"nope"}}, "NO_SUCH_FILE"},
		{map[string]any{"text": "x", "channelId": "nope"}, "NO_SUCH_CHANNEL"},
	} {
		err := bob.c.Call(bob.ctx, "notes/create", tc.req, nil)
		if apiCode(err) != tc.code {
			t.Errorf("%v: %v, want %s", tc.req, err, tc.code)
		}
	}
	// The documented error is sent with its id.
	err := bob.c.Call(bob.ctx, "notes/create", map[string]any{"text": "x", "replyId": "nope"}, nil)
	if !errors.Is(err, &misskey.APIError{ID: "749ee0f6-d3da-459a-bf02-282e2da4292c"}) {
		t.Errorf("documented error without its id: %v", err)
	}

	// Deleting.
	if err := bob.c.Call(bob.ctx, "notes/delete", map[string]any{"noteId": c1.ID}, nil); apiCode(err) != "ACCESS_DENIED" {
		t.Errorf("deleting another's note: %v", err)
	}
	carol.call("notes/delete", map[string]any{"noteId": c1.ID}, nil)
	if err := bob.c.Call(bob.ctx, "notes/show", map[string]any{"noteId": c1.ID}, nil); apiCode(err) != "NO_SUCH_NOTE" {
		t.Errorf("deleted note: %v", err)
	}
	if err := bob.c.Call(bob.ctx, "notes/show", map[string]any{"noteId": renote.ID}, nil); apiCode(err) != "NO_SUCH_NOTE" {
		t.Errorf("a pure renote of a deleted note stays: %v", err)
	}
}

func TestMentionsAndSpecified(t *testing.T) {
	srv := NewServer(t)
	alice := newActor(t, srv, "alice")
	bob := newActor(t, srv, "bob")
	carol := newActor(t, srv, "carol")
	n := alice.post(map[string]any{"text": "hi @bob and @nobody and @bob@elsewhere.example", "visibility": "specified"})
	if !slices.Equal(n.Mentions, []string{bob.ID}) || !slices.Equal(n.VisibleUserIDs, []string{bob.ID}) {
		t.Errorf("mentions %q visible %q", n.Mentions, n.VisibleUserIDs)
	}
	eq(t, "bob's mentions", ids(bob.notes("notes/mentions", nil)), []string{n.ID})
	var seen tnote
	carol.call("notes/show", map[string]any{"noteId": n.ID}, &seen)
	if !seen.IsHidden {
		t.Error("carol reads a note for bob")
	}
	if len(carol.notes("notes/mentions", nil)) != 0 {
		t.Error("carol is mentioned")
	}
}

func TestReactionsAndNotifications(t *testing.T) {
	srv := NewServer(t)
	alice := newActor(t, srv, "alice")
	bob := newActor(t, srv, "bob")
	n := alice.post(map[string]any{"text": "react to this", "poll": map[string]any{"choices": []string{"a", "b"}}})

	bob.call("notes/reactions/create", map[string]any{"noteId": n.ID, "reaction": "👍"}, nil)
	if err := bob.c.Call(bob.ctx, "notes/reactions/create", map[string]any{"noteId": n.ID, "reaction": "🎉"}, nil); apiCode(err) != "ALREADY_REACTED" {
		t.Errorf("second reaction: %v", err)
	}
	alice.call("notes/reactions/create", map[string]any{"noteId": n.ID, "reaction": ":blobcat:"}, nil)
	var shown tnote
	bob.call("notes/show", map[string]any{"noteId": n.ID}, &shown)
	if shown.ReactionCount != 2 || shown.Reactions["👍"] != 1 || shown.Reactions[":blobcat@.:"] != 1 || shown.MyReaction == nil || *shown.MyReaction != "👍" {
		t.Errorf("reactions %+v", shown)
	}
	var rs []struct {
		User tuser  `json:"user"`
		Type string `json:"type"`
	}
	bob.call("notes/reactions", map[string]any{"noteId": n.ID}, &rs)
	if len(rs) != 2 || rs[0].User.ID != alice.ID || rs[1].Type != "👍" {
		t.Errorf("notes/reactions %+v", rs)
	}
	bob.call("notes/reactions/delete", map[string]any{"noteId": n.ID}, nil)
	if err := bob.c.Call(bob.ctx, "notes/reactions/delete", map[string]any{"noteId": n.ID}, nil); apiCode(err) != "NOT_REACTED" {
		t.Errorf("deleting no reaction: %v", err)
	}

	bob.call("notes/polls/vote", map[string]any{"noteId": n.ID, "choice": 1}, nil)
	if err := bob.c.Call(bob.ctx, "notes/polls/vote", map[string]any{"noteId": n.ID, "choice": 0}, nil); apiCode(err) != "ALREADY_VOTED" {
		t.Errorf("second vote: %v", err)
	}
	bob.call("notes/show", map[string]any{"noteId": n.ID}, &shown)
	if shown.Poll == nil || shown.Poll.Choices[1].Votes != 1 || !shown.Poll.Choices[1].IsVoted {
		t.Errorf("poll %+v", shown.Poll)
	}

	bob.call("following/create", map[string]any{"userId": alice.ID}, nil)
	bob.post(map[string]any{"text": "@alice hello", "replyId": n.ID})
	bob.post(map[string]any{"text": "also @alice"})
	bob.post(map[string]any{"renoteId": n.ID})
	bob.post(map[string]any{"text": "quote", "renoteId": n.ID})
	alice.post(map[string]any{"text": "@alice talking to myself"})

	var ns []tnotification
	alice.call("i/notifications", map[string]any{"markAsRead": false}, &ns)
	var types []string
	for _, x := range ns {
		types = append(types, x.Type)
		if x.UserID != bob.ID || x.IsRead {
			t.Errorf("notification %+v", x)
		}
	}
	// Newest first; the reply that mentions alice notifies once, as a reply.
	eq(t, "notifications", types, []string{"quote", "renote", "mention", "reply", "follow", "reaction"})
	if ns[5].Reaction != "👍" || ns[5].Note == nil || ns[5].Note.ID != n.ID {
		t.Errorf("reaction notification %+v", ns[5])
	}
	alice.call("i/notifications", map[string]any{"includeTypes": []string{"reply", "mention"}}, &ns)
	if len(ns) != 2 {
		t.Errorf("includeTypes: %+v", ns)
	}
	var me struct {
		UnreadNotificationsCount int `json:"unreadNotificationsCount"`
	}
	alice.call("i", nil, &me)
	if me.UnreadNotificationsCount != 4 {
		t.Errorf("%d unread", me.UnreadNotificationsCount)
	}
	alice.call("notifications/mark-all-as-read", nil, nil)
	alice.call("i", nil, &me)
	if me.UnreadNotificationsCount != 0 {
		t.Errorf("%d unread after marking all read", me.UnreadNotificationsCount)
	}
}

func TestFollowing(t *testing.T) {
	srv := NewServer(t)
	alice := newActor(t, srv, "alice")
	bob := newActor(t, srv, "bob")
	var followee tuser
	alice.call("following/create", map[string]any{"userId": bob.ID}, &followee)
	if followee.ID != bob.ID {
		t.Errorf("following/create answered %+v", followee)
	}
	for req, code := range map[string]string{bob.ID: "ALREADY_FOLLOWING", alice.ID: "FOLLOWEE_IS_YOURSELF", "nobody": "NO_SUCH_USER"} {
		if err := alice.c.Call(alice.ctx, "following/create", map[string]any{"userId": req}, nil); apiCode(err) != code {
			t.Errorf("follow %s: %v, want %s", req, err, code)
		}
	}
	var following []struct {
		FolloweeID string `json:"followeeId"`
		Followee   tuser  `json:"followee"`
	}
	bob.call("users/following", map[string]any{"userId": alice.ID}, &following)
	if len(following) != 1 || following[0].Followee.ID != bob.ID || following[0].Followee.FollowersCount != 1 {
		t.Errorf("users/following %+v", following)
	}
	var followers []struct {
		Follower tuser `json:"follower"`
	}
	bob.call("users/followers", map[string]any{"username": "bob"}, &followers)
	if len(followers) != 1 || followers[0].Follower.ID != alice.ID {
		t.Errorf("users/followers %+v", followers)
	}
	alice.call("following/delete", map[string]any{"userId": bob.ID}, nil)
	if err := alice.c.Call(alice.ctx, "following/delete", map[string]any{"userId": bob.ID}, nil); apiCode(err) != "NOT_FOLLOWING" {
		t.Errorf("unfollow twice: %v", err)
	}
}

func TestDrive(t *testing.T) {
	srv := NewServer(t)
	alice := newActor(t, srv, "alice")
	bob := newActor(t, srv, "bob")
	ct, body := multipartBody(t, map[string]string{"i": alice.Token, "name": "renamed.txt"}, "some text")
	status, _, out := post(t, srv.URL+"/api/drive/files/create", ct, body)
	if status != 200 {
		t.Fatalf("upload %d %s", status, out)
	}
	var f struct{ ID, Name string }
	_ = json.Unmarshal([]byte(out), &f)
	if f.Name != "renamed.txt" {
		t.Errorf("name %q", f.Name)
	}
	var files []struct{ ID string }
	alice.call("drive/files", nil, &files)
	if len(files) != 1 || files[0].ID != f.ID {
		t.Errorf("drive/files %+v", files)
	}
	if err := bob.c.Call(bob.ctx, "drive/files/show", map[string]any{"fileId": f.ID}, nil); apiCode(err) != "ACCESS_DENIED" {
		t.Errorf("another's file: %v", err)
	}
	n := alice.post(map[string]any{"fileIds": []string{f.ID}})
	if !slices.Equal(n.FileIDs, []string{f.ID}) {
		t.Errorf("note with a file %+v", n)
	}
	if err := bob.c.Call(bob.ctx, "notes/create", map[string]any{"fileIds": []string{f.ID}}, nil); apiCode(err) != "NO_SUCH_FILE" {
		t.Errorf("attaching another's file: %v", err)
	}
	alice.call("drive/files/delete", map[string]any{"fileId": f.ID}, nil)
	if err := alice.c.Call(alice.ctx, "drive/files/show", map[string]any{"fileId": f.ID}, nil); apiCode(err) != "NO_SUCH_FILE" {
		t.Errorf("deleted file: %v", err)
	}
}

func TestPing(t *testing.T) {
	srv := NewServer(t)
	var out struct{ Pong int64 }
	if err := misskey.NewClient(srv.URL).Call(testCtx(t), "ping", nil, &out); err != nil || out.Pong == 0 {
		t.Errorf("ping: %+v %v", out, err)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("URL %s", srv.URL)
	}
}
