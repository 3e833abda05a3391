package authcmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testDoc is a small API document in Misskey's style, with the variants a
// fork could write.
const testDoc = `{
 "openapi": "3.1.0",
 "paths": {
  "/notes/create": {"post": {"description": "Create a note.\n\n**Credential required**: *Yes* / **Permission**: *write:notes*", "security": [{"bearerAuth": []}]}},
  "/i": {"post": {"description": "No description provided.\n\n**Credential required**: *Yes* / **Permission**: *read:account*", "security": [{"bearerAuth": []}]}},
  "/meta": {
   "get": {"description": "No description provided.\n\n**Credential required**: *No*"},
   "post": {"description": "No description provided.\n\n**Credential required**: *No*"},
   "parameters": []
  },
  "/i/registry/get": {"post": {"description": "**Internal Endpoint**: internal.\n**Credential required**: *Yes*", "security": [{"bearerAuth": []}]}},
  "/users/lists/list": {"post": {"description": "**Credential required**: *No* / **Permission**: *read:account*"}},
  "/fork/multi": {"post": {"description": "**Credential required**: *Yes* / **Permission**: *write:b*, *read:a*"}},
  "/fork/multi-inline": {"post": {"description": "**Credential required**: *Yes* / **Permission**: *read:c, write:d*"}},
  "/fork/scoped": {"post": {"security": [{"oauth": ["write:e"]}]}},
  "/fork/optional": {"post": {"security": [{}, {"bearerAuth": []}]}},
  "/fork/x": {"post": {"description": "**Credential required**: *Yes*", "x-permission": "write:f"}},
  "/fork/twins": {
   "get": {"description": "**Credential required**: *No*"},
   "post": {"description": "**Credential required**: *Yes* / **Permission**: *read:g*"}
  }
 }
}`

func TestParseEndpointAuth(t *testing.T) {
	table, err := parseEndpointAuth([]byte(testDoc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]endpointAuth{
		"notes/create":      {"notes/create", true, []string{"write:notes"}},
		"i":                 {"i", true, []string{"read:account"}},
		"meta":              {"meta", false, nil},
		"i/registry/get":    {"i/registry/get", true, nil},
		"users/lists/list":  {"users/lists/list", false, []string{"read:account"}},
		"fork/multi":        {"fork/multi", true, []string{"read:a", "write:b"}},
		"fork/multi-inline": {"fork/multi-inline", true, []string{"read:c", "write:d"}},
		"fork/scoped":       {"fork/scoped", true, []string{"write:e"}},
		"fork/optional":     {"fork/optional", false, nil},
		"fork/x":            {"fork/x", true, []string{"write:f"}},
		"fork/twins":        {"fork/twins", true, []string{"read:g"}},
	}
	if !reflect.DeepEqual(table, want) {
		for k, w := range want {
			if g := table[k]; !reflect.DeepEqual(g, w) {
				t.Errorf("%s: got %+v, want %+v", k, g, w)
			}
		}
		for k := range table {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected %s", k)
			}
		}
	}

	perms, unknown, noPerm := permissionsForEndpoints(table, []string{"notes/create", "/i", "/api/fork/multi", "meta", "i/registry/get", "nope", "i"})
	if w := []string{"read:a", "read:account", "write:b", "write:notes"}; !reflect.DeepEqual(perms, w) {
		t.Errorf("perms %q, want %q", perms, w)
	}
	if w := []string{"nope"}; !reflect.DeepEqual(unknown, w) {
		t.Errorf("unknown %q, want %q", unknown, w)
	}
	if w := []string{"i/registry/get"}; !reflect.DeepEqual(noPerm, w) {
		t.Errorf("noPermission %q, want %q", noPerm, w)
	}
}

func TestParseEndpointAuthErrors(t *testing.T) {
	for _, doc := range []string{``, `[]`, `{"openapi":"3.1.0"}`, `{"paths":{"/a":{"post":"x"}}}`, `{"paths":{"/a":{"post":{"description":5}}}}`} {
		if _, err := parseEndpointAuth([]byte(doc)); err == nil {
			t.Errorf("%q: no error", doc)
		}
	}
}

func TestPermissionsFromDescription(t *testing.T) {
	tests := map[string][]string{
		"No description provided.\n\n**Credential required**: *Yes* / **Permission**: *write:notes*":         {"write:notes"},
		"**Credential required**: *Yes* / **Permission**: *write:admin:abuse-report:notification-recipient*": {"write:admin:abuse-report:notification-recipient"},
		"**Credential required**: *Yes* / **Permission**: *read:a*, *write:b*":                               {"read:a", "write:b"},
		"**Credential required**: *Yes* / **Permissions**: *read:a, write:b*":                                {"read:a", "write:b"},
		"**Credential required**: *Yes*": nil,
		"**Credential required**: *No*\n\nA *Permission* word in *italics* is not a permission.":                           nil,
		"**Credential required**: *Yes* / **Permission**: *read:x*\nNext line with *emphasis* is not a permission either.": {"read:x"},
	}
	for desc, want := range tests {
		if got := permissionsFromDescription(desc); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, want %q", desc, got, want)
		}
	}
}

// fakeServer is a Misskey server with /api.json and MiAuth: every session
// is approved on its 4th check (after 3 pending ones).
type fakeServer struct {
	t            *testing.T
	doc          string // served at /api.json; 404 when empty
	approveAfter int
	token        string

	mu       sync.Mutex
	checks   map[string]int
	docFetch int
}

func startFake(t *testing.T, f *fakeServer) *httptest.Server {
	f.t = t
	f.checks = map[string]int{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv
}

var checkRE = regexp.MustCompile(`^/api/miauth/([0-9a-f-]{36})/check$`)

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/api.json" && r.Method == http.MethodGet {
		f.docFetch++
		if f.doc == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, f.doc)
		return
	}
	m := checkRE.FindStringSubmatch(r.URL.Path)
	if m == nil || r.Method != http.MethodPost {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"message":"Unknown API endpoint.","code":"UNKNOWN_API_ENDPOINT","id":"2ca3b769-540a-4f08-9dd5-b5a825b6d0f1","kind":"client"}}`)
		return
	}
	f.checks[m[1]]++
	if f.checks[m[1]] > f.approveAfter {
		fmt.Fprintf(w, `{"ok":true,"token":%q,"user":{"id":"a1","username":"alice","host":null}}`, f.token)
		return
	}
	io.WriteString(w, `{"ok":false}`)
}

func (f *fakeServer) sessions() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.checks {
		out[k] = v
	}
	return out
}

func run(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

var miauthURLRE = regexp.MustCompile(`(http://\S+)/miauth/([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\?(\S+)`)

func TestRunEndToEnd(t *testing.T) {
	const token = "k0TOKENtoken0123456789"
	f := &fakeServer{doc: testDoc, approveAfter: 3, token: token}
	srv := startFake(t, f)

	code, stdout, stderr := run(t, context.Background(),
		"-server", srv.URL, "-name", "Test bot & co", "-endpoints", "notes/create,i",
		"-callback", "https://example.com/cb?x=1&y=2", "-interval", "5ms", "-timeout", "10s")
	if code != ExitOK {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	if stdout != token+"\n" {
		t.Errorf("stdout %q, want exactly the token and a newline", stdout)
	}
	if strings.Contains(stderr, token) {
		t.Errorf("stderr shows the token:\n%s", stderr)
	}
	m := miauthURLRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no MiAuth URL on stderr:\n%s", stderr)
	}
	if m[1] != srv.URL {
		t.Errorf("URL on %s, want %s", m[1], srv.URL)
	}
	q, err := url.ParseQuery(m[3])
	if err != nil {
		t.Fatal(err)
	}
	wantQ := url.Values{
		"name":       {"Test bot & co"},
		"callback":   {"https://example.com/cb?x=1&y=2"},
		"permission": {"read:account,write:notes"},
	}
	if !reflect.DeepEqual(q, wantQ) {
		t.Errorf("query %v, want %v", q, wantQ)
	}
	if got := f.sessions(); len(got) != 1 || got[m[2]] != 4 {
		t.Errorf("checks %v, want 4 of session %s", got, m[2])
	}
	if f.docFetch != 1 {
		t.Errorf("api.json fetched %d times", f.docFetch)
	}
	for _, want := range []string{"Approved by @alice.", "Waiting up to 10s"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestRunSpecFileAndPermissions(t *testing.T) {
	const token = "tok2"
	f := &fakeServer{approveAfter: 0, token: token} // no /api.json
	srv := startFake(t, f)
	spec := filepath.Join(t.TempDir(), "api.json")
	if err := os.WriteFile(spec, []byte(testDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, context.Background(),
		"-server", srv.URL, "-name", "n", "-spec", spec,
		"-endpoints", "/api/fork/multi,i/registry/get", "-permission", "write:notes,read:nothing",
		"-icon", "https://example.com/i.png", "-interval", "5ms")
	if code != ExitOK {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	if stdout != token+"\n" {
		t.Errorf("stdout %q", stdout)
	}
	if f.docFetch != 0 {
		t.Errorf("fetched api.json although -spec was given")
	}
	m := miauthURLRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no URL:\n%s", stderr)
	}
	q, _ := url.ParseQuery(m[3])
	if got, want := q.Get("permission"), "read:a,read:nothing,write:b,write:notes"; got != want {
		t.Errorf("permission %q, want %q", got, want)
	}
	if got := q.Get("icon"); got != "https://example.com/i.png" {
		t.Errorf("icon %q", got)
	}
	for _, want := range []string{
		`warning: i/registry/get requires a token but the document names no permission`,
		`warning: no endpoint of the document needs permission "read:nothing"`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestRunTimeout(t *testing.T) {
	f := &fakeServer{approveAfter: 1 << 30}
	srv := startFake(t, f)
	start := time.Now()
	code, stdout, stderr := run(t, context.Background(),
		"-server", srv.URL, "-name", "n", "-permission", "read:account", "-interval", "10ms", "-timeout", "100ms")
	if code != ExitTimeout {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", code, ExitTimeout, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, "not approved within 100ms") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if n := len(f.sessions()); n != 1 {
		t.Errorf("%d sessions checked", n)
	}
}

func TestRunInterrupted(t *testing.T) {
	f := &fakeServer{approveAfter: 1 << 30}
	srv := startFake(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	code, stdout, stderr := run(t, ctx, "-server", srv.URL, "-name", "n", "-permission", "read:account", "-interval", "10ms")
	if code != ExitFailure || stdout != "" || !strings.Contains(stderr, "interrupted") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}

func TestRunFailures(t *testing.T) {
	f := &fakeServer{doc: testDoc, approveAfter: 0, token: "t"}
	srv := startFake(t, f)
	noDoc := startFake(t, &fakeServer{approveAfter: 0, token: "t"})
	missing := filepath.Join(t.TempDir(), "missing.json")
	badDoc := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(badDoc, []byte(`{"paths":`), 0o644)

	tests := []struct {
		name string
		args []string
		code int
		want string // substring of stderr
	}{
		{"help", []string{"-h"}, ExitOK, "usage: misskey-gen auth"},
		{"no flags", nil, ExitUsage, "-server is required"},
		{"no name", []string{"-server", srv.URL, "-permission", "read:account"}, ExitUsage, "-name is required"},
		{"no permissions", []string{"-server", srv.URL, "-name", "n"}, ExitUsage, "give -permission or -endpoints"},
		{"unknown flag", []string{"-server", srv.URL, "-name", "n", "-perm", "x"}, ExitUsage, "flag provided but not defined"},
		{"bad duration", []string{"-server", srv.URL, "-name", "n", "-permission", "p", "-timeout", "5"}, ExitUsage, "invalid value"},
		{"zero timeout", []string{"-server", srv.URL, "-name", "n", "-permission", "p", "-timeout", "0s"}, ExitUsage, "-timeout must be positive"},
		{"negative interval", []string{"-server", srv.URL, "-name", "n", "-permission", "p", "-interval", "-1s"}, ExitUsage, "-interval must be positive"},
		{"argument", []string{"-server", srv.URL, "-name", "n", "-permission", "p", "extra"}, ExitUsage, `unexpected argument "extra"`},
		{"space in permission", []string{"-server", srv.URL, "-name", "n", "-permission", "read:account,write notes"}, ExitUsage, `"write notes" contains a space`},
		{"unknown endpoint", []string{"-server", srv.URL, "-name", "n", "-endpoints", "notes/create,notes/nope,x"}, ExitUsage, `lists no endpoint "notes/nope", "x"`},
		{"endpoints without permission", []string{"-server", srv.URL, "-name", "n", "-endpoints", "meta"}, ExitUsage, "need no permission"},
		{"no api.json", []string{"-server", noDoc.URL, "-name", "n", "-endpoints", "i"}, ExitFailure, "404"},
		{"missing spec file", []string{"-server", srv.URL, "-name", "n", "-endpoints", "i", "-spec", missing}, ExitFailure, "missing.json"},
		{"bad spec file", []string{"-server", srv.URL, "-name", "n", "-endpoints", "i", "-spec", badDoc}, ExitFailure, "not an OpenAPI document"},
		{"server without MiAuth", []string{"-server", srv.URL + "/elsewhere", "-name", "n", "-permission", "read:account"}, ExitFailure, "UNKNOWN_API_ENDPOINT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, context.Background(), tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
		})
	}
}
