package templates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var miauthUUIDv4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewMiAuthSessionIsUniqueUUIDv4(t *testing.T) {
	seen := map[string]bool{}
	var ones, zeros [16]int // per byte: how often each byte is not constant
	for i := 0; i < 2000; i++ {
		s, err := NewMiAuthSession()
		if err != nil {
			t.Fatal(err)
		}
		if !miauthUUIDv4.MatchString(s.ID) {
			t.Fatalf("session id %q is not a canonical UUID v4", s.ID)
		}
		if seen[s.ID] {
			t.Fatalf("session id %q repeated after %d ids", s.ID, i)
		}
		seen[s.ID] = true
		if s.String() != s.ID {
			t.Fatalf("String() = %q, want %q", s.String(), s.ID)
		}
		hexDigits := strings.ReplaceAll(s.ID, "-", "")
		for j := 0; j < 16; j++ {
			var b byte
			fmt.Sscanf(hexDigits[2*j:2*j+2], "%02x", &b)
			if b&1 == 1 {
				ones[j]++
			} else {
				zeros[j]++
			}
		}
	}
	// Every byte, the version and variant bytes included, keeps random low
	// bits: a generator that zeroes or fixes bytes fails here.
	for j := range ones {
		if ones[j] < 800 || zeros[j] < 800 {
			t.Errorf("byte %d: low bit set %d times in 2000 ids; not random", j, ones[j])
		}
	}
}

func TestMiAuthURL(t *testing.T) {
	const session = "7d1a3c4e-0b6f-4a8e-9c2d-5e6f7a8b9c0d"
	tests := []struct {
		name    string
		base    string
		opts    MiAuthOptions
		prefix  string            // the URL before '?'
		raw     []string          // substrings of the raw query
		values  map[string]string // decoded query; absent keys must be absent
		noQuery bool
	}{
		{
			name:    "no options",
			base:    "misskey.example",
			prefix:  "https://misskey.example/miauth/" + session,
			noQuery: true,
		},
		{
			name: "everything",
			base: "https://misskey.example/",
			opts: MiAuthOptions{
				Name:        "My App & Co. — テスト 1+1=2 #1 100%",
				IconURL:     "https://example.com/icon.png?size=64&v=2",
				CallbackURL: "https://example.com/cb?state=a b&next=/home#frag",
				Permissions: []Permission{"read:account", "write:notes", "write:drive"},
			},
			prefix: "https://misskey.example/miauth/" + session,
			raw: []string{
				"name=My%20App%20%26%20Co.%20%E2%80%94%20%E3%83%86%E3%82%B9%E3%83%88%201%2B1%3D2%20%231%20100%25",
				"&icon=https://example.com/icon.png%3Fsize%3D64%26v%3D2",
				"&callback=https://example.com/cb%3Fstate%3Da%20b%26next%3D/home%23frag",
				"&permission=read:account,write:notes,write:drive",
			},
			values: map[string]string{
				"name":       "My App & Co. — テスト 1+1=2 #1 100%",
				"icon":       "https://example.com/icon.png?size=64&v=2",
				"callback":   "https://example.com/cb?state=a b&next=/home#frag",
				"permission": "read:account,write:notes,write:drive",
			},
		},
		{
			name:   "only permissions, empty ones dropped, under a path prefix",
			base:   "http://127.0.0.1:3000/prefix/",
			opts:   MiAuthOptions{Permissions: []Permission{"", "read:account", ""}},
			prefix: "http://127.0.0.1:3000/prefix/miauth/" + session,
			raw:    []string{"permission=read:account"},
			values: map[string]string{"permission": "read:account"},
		},
		{
			name:   "name only",
			base:   "https://misskey.example",
			opts:   MiAuthOptions{Name: "bot"},
			prefix: "https://misskey.example/miauth/" + session,
			raw:    []string{"name=bot"},
			values: map[string]string{"name": "bot"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewClient(tt.base, WithToken("SECRET-TOKEN")).MiAuthURL(session, tt.opts)
			if strings.Contains(got, "SECRET-TOKEN") {
				t.Fatalf("URL carries the client's token: %s", got)
			}
			before, rawQuery, hasQuery := strings.Cut(got, "?")
			if before != tt.prefix {
				t.Errorf("URL %s\nstarts %q, want %q", got, before, tt.prefix)
			}
			if tt.noQuery {
				if hasQuery {
					t.Errorf("URL %s has a query; want none", got)
				}
				return
			}
			for _, r := range tt.raw {
				if !strings.Contains(rawQuery, r) {
					t.Errorf("raw query\n%s\nlacks\n%s", rawQuery, r)
				}
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query() // decodes like the browser's URLSearchParams
			for _, key := range []string{"name", "icon", "callback", "permission"} {
				want, ok := tt.values[key]
				if !ok {
					if q.Has(key) {
						t.Errorf("query has %s=%q; want it absent", key, q.Get(key))
					}
					continue
				}
				if len(q[key]) != 1 || q.Get(key) != want {
					t.Errorf("%s = %q, want %q", key, q[key], want)
				}
			}
			// Also decodable with decodeURIComponent semantics ('+' is not
			// a space there): no value may depend on '+' meaning space.
			for _, pair := range strings.Split(rawQuery, "&") {
				k, v, _ := strings.Cut(pair, "=")
				dec, err := url.PathUnescape(v)
				if err != nil {
					t.Fatalf("%s: %v", k, err)
				}
				if dec != tt.values[k] {
					t.Errorf("%s decodes with decodeURIComponent to %q, want %q", k, dec, tt.values[k])
				}
			}
		})
	}
}

func TestMiAuthURLEscapesSession(t *testing.T) {
	got := NewClient("https://misskey.example").MiAuthURL("a/b?c#d", MiAuthOptions{Name: "x"})
	want := "https://misskey.example/miauth/a%2Fb%3Fc%23d?name=x"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// fakeMiAuth is a Misskey server's MiAuth check route: a session is pending
// until approveAfter checks of it, then its token is handed out once.
type fakeMiAuth struct {
	t            *testing.T
	approveAfter int // checks answered {"ok":false} before approval
	token        string

	mu     sync.Mutex
	checks map[string]int
	given  map[string]bool
	status []int // see newFakeMiAuth
}

// newFakeMiAuth starts the fake. statuses[i], when not 0, answers the i-th
// check (of any session) with that HTTP status and a Misskey error instead.
func newFakeMiAuth(t *testing.T, approveAfter int, token string, statuses ...int) (*fakeMiAuth, *httptest.Server) {
	f := &fakeMiAuth{t: t, approveAfter: approveAfter, token: token, checks: map[string]int{}, given: map[string]bool{}, status: statuses}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

var miauthCheckPath = regexp.MustCompile(`^/api/miauth/([^/]+)/check$`)

func (f *fakeMiAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := miauthCheckPath.FindStringSubmatch(r.URL.Path)
	if r.Method != http.MethodPost || m == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"message":"Unknown API endpoint.","code":"UNKNOWN_API_ENDPOINT","id":"2ca3b769-540a-4f08-9dd5-b5a825b6d0f1","kind":"client"}}`)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("Content-Type %q, want application/json", ct)
	}
	if a := r.Header.Get("Authorization"); a != "" {
		f.t.Errorf("check sent Authorization %q; it needs no token", a)
	}
	if ua := r.Header.Get("User-Agent"); ua == "" || strings.HasPrefix(ua, "Go-http-client") {
		f.t.Errorf("User-Agent %q", ua)
	}
	body, _ := io.ReadAll(r.Body)
	if string(body) != "{}" {
		f.t.Errorf("body %q, want {}", body)
	}
	session := m[1]
	f.mu.Lock()
	f.checks[session]++
	n := f.checks[session]
	var status int
	if len(f.status) > 0 {
		status, f.status = f.status[0], f.status[1:]
	}
	ok := !f.given[session] && n > f.approveAfter && status == 0
	if ok {
		f.given[session] = true
	}
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch {
	case status >= 500 || status == http.StatusTooManyRequests:
		w.WriteHeader(status)
		io.WriteString(w, `{"error":{"message":"Internal error occurred.","code":"INTERNAL_ERROR","id":"5d37dbcb-891e-41ca-a3d6-e690c97775ac","kind":"server"}}`)
	case status != 0:
		w.WriteHeader(status)
		io.WriteString(w, `{"error":{"message":"Invalid param.","code":"INVALID_PARAM","id":"3d81ceae-475f-4600-b2a8-2bc116157532","kind":"client"}}`)
	case ok:
		fmt.Fprintf(w, `{"ok":true,"token":%q,"user":{"id":"9xyz","username":"alice","host":null,"name":"Alice"}}`, f.token)
	default:
		io.WriteString(w, `{"ok":false}`)
	}
}

func (f *fakeMiAuth) count(session string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.checks[session]
}

func TestMiAuthCheck(t *testing.T) {
	const token = "TOKEN-abcdef0123456789"
	f, srv := newFakeMiAuth(t, 1, token)
	c := NewClient(srv.URL, WithToken("THE-CLIENTS-OWN-TOKEN"), WithBearerAuth())
	s, err := NewMiAuthSession()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	res, err := c.MiAuthCheck(ctx, s.ID)
	if !errors.Is(err, ErrMiAuthPending) || res != nil {
		t.Fatalf("before approval: %v, %v; want ErrMiAuthPending", res, err)
	}

	res, err = c.MiAuthCheck(ctx, s.ID)
	if err != nil {
		t.Fatalf("after approval: %v", err)
	}
	if res.Token != token {
		t.Errorf("token %q, want %q", res.Token, token)
	}
	var user struct {
		ID       string  `json:"id"`
		Username string  `json:"username"`
		Host     *string `json:"host"`
	}
	if err := res.DecodeUser(&user); err != nil {
		t.Fatal(err)
	}
	if user.ID != "9xyz" || user.Username != "alice" || user.Host != nil {
		t.Errorf("user %+v", user)
	}

	// The server hands the token out once.
	if _, err := c.MiAuthCheck(ctx, s.ID); !errors.Is(err, ErrMiAuthPending) {
		t.Errorf("second check after approval: %v; want ErrMiAuthPending", err)
	}
	if n := f.count(s.ID); n != 3 {
		t.Errorf("server saw %d checks, want 3", n)
	}

	// Printing a result does not print the token.
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{res, *res} {
			if out := fmt.Sprintf(format, v); strings.Contains(out, token) {
				t.Errorf("Sprintf(%q) shows the token: %s", format, out)
			}
		}
	}
}

func TestMiAuthCheckErrors(t *testing.T) {
	const secret = "SECRET-TOKEN-VALUE"
	const session = "0c9f1f6e-8d5b-4a57-b9b6-0a3f3e2d1c4b"
	tests := []struct {
		name   string
		status int
		body   string
		want   string // substring of the error
	}{
		{"not found", 404, `{"error":{"message":"Unknown API endpoint.","code":"UNKNOWN_API_ENDPOINT","id":"x","kind":"client"}}`, "HTTP 404 UNKNOWN_API_ENDPOINT: Unknown API endpoint."},
		{"html error", 502, `<html>bad gateway</html>`, "HTTP 502"},
		{"truncated", 200, `{"ok":true,"token":"` + secret + `","user":{`, "malformed response"},
		{"wrong type", 200, `{"ok":true,"token":["` + secret + `"]}`, "malformed response"},
		{"approved without token", 200, `{"ok":true}`, "sent no token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			_, err := NewClient(srv.URL).MiAuthCheck(context.Background(), session)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrMiAuthPending) {
				t.Errorf("%v matches ErrMiAuthPending", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}

	t.Run("empty session", func(t *testing.T) {
		if _, err := NewClient("https://misskey.example").MiAuthCheck(context.Background(), ""); err == nil {
			t.Error("no error")
		}
	})

	t.Run("too large", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"ok":true,"token":"%s","user":{"name":"%s"}}`, secret, strings.Repeat("x", 200))
		}))
		defer srv.Close()
		_, err := NewClient(srv.URL, WithMaxResponseBytes(100)).MiAuthCheck(context.Background(), session)
		if err == nil || !strings.Contains(err.Error(), "larger than 100 bytes") {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("network error hides the session", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		base := srv.URL
		srv.Close()
		_, err := NewClient(base).MiAuthCheck(context.Background(), session)
		if err == nil {
			t.Fatal("no error")
		}
		if strings.Contains(err.Error(), session) {
			t.Errorf("error shows the session id: %v", err)
		}
		var ue *url.Error
		if !errors.As(err, &ue) {
			t.Errorf("error %v does not wrap *url.Error", err)
		}
	})
}

func TestMiAuthCheckEscapesSession(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		io.WriteString(w, `{"ok":false}`)
	}))
	defer srv.Close()
	_, err := NewClient(srv.URL+"/sub/").MiAuthCheck(context.Background(), "a/b?c")
	if !errors.Is(err, ErrMiAuthPending) {
		t.Fatal(err)
	}
	if want := "/sub/api/miauth/a%2Fb%3Fc/check"; got != want {
		t.Errorf("path %s, want %s", got, want)
	}
}

func TestMiAuthWait(t *testing.T) {
	const token = "TOKEN-wait"

	t.Run("approved after three polls", func(t *testing.T) {
		f, srv := newFakeMiAuth(t, 3, token)
		s, _ := NewMiAuthSession()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := NewClient(srv.URL).MiAuthWait(ctx, s.ID, 5*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if res.Token != token {
			t.Errorf("token %q", res.Token)
		}
		if n := f.count(s.ID); n != 4 {
			t.Errorf("%d checks, want 4 (3 pending, 1 approved)", n)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		f, srv := newFakeMiAuth(t, 1<<30, token)
		s, _ := NewMiAuthSession()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := NewClient(srv.URL).MiAuthWait(ctx, s.ID, 10*time.Millisecond)
		if !errors.Is(err, ErrMiAuthPending) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v; want ErrMiAuthPending and DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("returned after %v", d)
		}
		if n := f.count(s.ID); n < 1 {
			t.Errorf("%d checks", n)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		_, srv := newFakeMiAuth(t, 1<<30, token)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(30*time.Millisecond, cancel)
		_, err := NewClient(srv.URL).MiAuthWait(ctx, "s", time.Hour)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("first check fails: no waiting", func(t *testing.T) {
		f, srv := newFakeMiAuth(t, 0, token, 503)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := NewClient(srv.URL).MiAuthWait(ctx, "s", time.Millisecond)
		if err == nil || errors.Is(err, ErrMiAuthPending) || !strings.Contains(err.Error(), "HTTP 503") {
			t.Fatalf("err = %v", err)
		}
		if n := f.count("s"); n != 1 {
			t.Errorf("%d checks, want 1", n)
		}
	})

	t.Run("server missing MiAuth", func(t *testing.T) {
		_, srv := newFakeMiAuth(t, 0, token)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := NewClient(srv.URL+"/elsewhere/x").MiAuthWait(ctx, "s", time.Millisecond)
		if err == nil || !strings.Contains(err.Error(), "UNKNOWN_API_ENDPOINT") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("transient failures later are retried", func(t *testing.T) {
		// check 1: pending; checks 2, 3: 503 and 429; check 4: approved.
		f, srv := newFakeMiAuth(t, 1, token, 0, 503, 429)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := NewClient(srv.URL).MiAuthWait(ctx, "s", time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if res.Token != token {
			t.Errorf("token %q", res.Token)
		}
		if n := f.count("s"); n != 4 {
			t.Errorf("%d checks, want 4", n)
		}
	})

	t.Run("permanent failure later ends the wait", func(t *testing.T) {
		f, srv := newFakeMiAuth(t, 1<<30, token, 0, 0, 400)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := NewClient(srv.URL).MiAuthWait(ctx, "s", time.Millisecond)
		if err == nil || !strings.Contains(err.Error(), "HTTP 400 INVALID_PARAM") || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if n := f.count("s"); n != 3 {
			t.Errorf("%d checks, want 3", n)
		}
	})

	t.Run("deadline after transient failure keeps it", func(t *testing.T) {
		var calls int
		var mu sync.Mutex
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			calls++
			n := calls
			mu.Unlock()
			if n == 1 {
				io.WriteString(w, `{"ok":false}`)
				return
			}
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := NewClient(srv.URL).MiAuthWait(ctx, "s", 5*time.Millisecond)
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrMiAuthPending) || !strings.Contains(err.Error(), "HTTP 503") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestMiAuthResultDecodeUserWithoutUser(t *testing.T) {
	r := &MiAuthResult{Token: "t"}
	var v map[string]any
	if err := r.DecodeUser(&v); err == nil {
		t.Error("no error for a result without user")
	}
	r.User = json.RawMessage(`{"id":1}`)
	var s struct{ ID string }
	if err := r.DecodeUser(&s); err == nil {
		t.Error("no error for a mistyped user")
	}
}
