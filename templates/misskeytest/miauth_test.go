package misskeytest

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// TestMiAuth walks an app through MiAuth: it opens the URL, the test
// approves, MiAuthWait gets the token once, and the token carries what the
// app asked for.
func TestMiAuth(t *testing.T) {
	srv := NewServer(t)
	ctx := testCtx(t)
	alice := srv.AddUser("alice")
	app := misskey.NewClient(srv.URL)
	sess, err := misskey.NewMiAuthSession()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.MiAuthCheck(ctx, sess.ID); !errors.Is(err, misskey.ErrMiAuthPending) {
		t.Fatalf("before approval: %v", err)
	}
	u := app.MiAuthURL(sess.ID, misskey.MiAuthOptions{Name: "My bot", Permissions: []misskey.Permission{"read:account"}})
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := srv.MiAuthPermissions(sess.ID); !slices.Equal(got, []misskey.Permission{"read:account"}) {
		t.Errorf("asked for %q", got)
	}

	type result struct {
		res *misskey.MiAuthResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := app.MiAuthWait(ctx, sess.ID, 10*time.Millisecond)
		done <- result{res, err}
	}()
	time.Sleep(30 * time.Millisecond) // the app polls a few times
	tok := srv.ApproveMiAuth(sess.ID, alice)
	r := <-done
	if r.err != nil || r.res.Token != tok {
		t.Fatalf("MiAuthWait: %v", r.err)
	}
	var me struct{ ID string }
	if err := r.res.DecodeUser(&me); err != nil || me.ID != alice.ID {
		t.Errorf("user %+v %v", me, err)
	}
	if _, err := app.MiAuthCheck(ctx, sess.ID); !errors.Is(err, misskey.ErrMiAuthPending) {
		t.Errorf("the token was handed out twice: %v", err)
	}
	c := misskey.NewClient(srv.URL, misskey.WithToken(tok))
	if err := c.Call(ctx, "i", nil, &me); err != nil || me.ID != alice.ID {
		t.Errorf("i with the MiAuth token: %v", err)
	}
	if err := c.Call(ctx, "notes/create", map[string]any{"text": "x"}, nil); !errors.Is(err, misskey.ErrPermissionDenied) {
		t.Errorf("beyond the permissions asked for: %v", err)
	}
}

// TestMiAuthGenToken approves a session the way the web client does, with
// miauth/gen-token, and with explicit permissions.
func TestMiAuthGenToken(t *testing.T) {
	srv := NewServer(t)
	ctx := testCtx(t)
	alice := srv.AddUser("alice")
	var out struct{ Token string }
	err := srv.Client(alice).Call(ctx, "miauth/gen-token", map[string]any{"session": "s1", "name": "App", "permission": []string{"write:notes"}}, &out)
	if err != nil || out.Token == "" {
		t.Fatalf("gen-token: %v", err)
	}
	res, err := misskey.NewClient(srv.URL).MiAuthCheck(ctx, "s1")
	if err != nil || res.Token != out.Token {
		t.Fatalf("check: %v", err)
	}
	c := misskey.NewClient(srv.URL, misskey.WithToken(res.Token))
	if err := c.Call(ctx, "notes/create", map[string]any{"text": "x"}, nil); err != nil {
		t.Errorf("permitted: %v", err)
	}
	if err := c.Call(ctx, "i", nil, nil); !errors.Is(err, misskey.ErrPermissionDenied) {
		t.Errorf("not permitted: %v", err)
	}

	tok := srv.ApproveMiAuth("s2", alice, "read:account")
	res, err = misskey.NewClient(srv.URL).MiAuthCheck(ctx, "s2")
	if err != nil || res.Token != tok {
		t.Fatalf("check s2: %v", err)
	}
	full := srv.ApproveMiAuth("s3", alice)
	if err := misskey.NewClient(srv.URL, misskey.WithToken(full)).Call(ctx, "notes/create", map[string]any{"text": "y"}, nil); err != nil {
		t.Errorf("a session approved without permissions has them all: %v", err)
	}
}
