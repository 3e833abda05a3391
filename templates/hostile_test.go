package templates

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// The hostile corpus: answers a server can give that must neither crash the
// client, nor stall it past its context, nor make it report another
// server's data, nor leak the token, nor let the server's bytes drive a
// terminal. Each case of testdata/hostile/http is one answer to one call,
// with the README line it proves; TestHostileHTTP serves it and checks the
// expectations of the case and, for every case, these invariants:
//
//   - the call returns within the case's bound (5 s unless it says);
//   - no form of the token (as it is, JSON-, query- or path-escaped) is in
//     the error's text, %+v or %#v, at any level of its chain;
//   - the error's text and the server's texts an *APIError or *DecodeError
//     keeps have no control character, bidirectional-text control or
//     invalid UTF-8.
//
// The cases that need more than one answer (two clients sharing the read
// buffer pool, a redirect to another host) are Go tests below, and the
// WebSocket cases are in hostile_stream_test.go.

// hostileToken is full of characters that JSON, URL queries and paths
// escape, so that every form of it differs.
const hostileToken = `t0k"en\+/=&?%#é secret`

type hostileCase struct {
	// Proves is the README line the case proves.
	Proves string `json:"proves"`
	Answer struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		// Raw: Parts are the whole HTTP answer (status line, headers,
		// body), written on the bare connection.
		Raw   bool          `json:"raw"`
		Parts []hostilePart `json:"parts"`
		// Endless repeats the last part until the client goes away.
		Endless bool `json:"endless"`
		// GzipZeros makes the body gzip members of that many zero bytes
		// each (one member, or endless ones), with Content-Encoding: gzip.
		GzipZeros int `json:"gzipZeros"`
	} `json:"answer"`
	Client struct {
		NoToken          bool  `json:"noToken"`
		MaxResponseBytes int64 `json:"maxResponseBytes"`
		TimeoutMS        int   `json:"timeoutMs"`
		FollowRedirects  bool  `json:"followRedirects"`
	} `json:"client"`
	Expect struct {
		// Error is "api" (*APIError), "decode" (*DecodeError),
		// "too-large" (ErrResponseTooLarge), "transport" (anything else) or
		// "none".
		Error        string   `json:"error"`
		Status       int      `json:"status"`
		Message      *string  `json:"message"`
		Code         *string  `json:"code"`
		Kind         *string  `json:"kind"`
		Location     *string  `json:"location"`
		Info         *string  `json:"info"` // must mean the same JSON
		BodyContains []string `json:"bodyContains"`
		Contains     []string `json:"contains"`    // in err.Error()
		NotContains  []string `json:"notContains"` // in err.Error(), %+v, %#v
		Deadline     bool     `json:"deadline"`    // errors.Is(err, context.DeadlineExceeded)
		WithinMS     int      `json:"withinMs"`
	} `json:"expect"`
}

type hostilePart struct {
	Text    string `json:"text"`
	Hex     string `json:"hex"`
	Repeat  int    `json:"repeat"`
	DelayMS int    `json:"delayMs"` // before each repetition
}

// hostileExpand replaces the placeholders of a case's texts.
func hostileExpand(s, server string) string {
	tj, _ := json.Marshal(hostileToken)
	return strings.NewReplacer(
		"{{TOKEN}}", hostileToken,
		"{{TOKEN_JSON}}", string(tj[1:len(tj)-1]),
		"{{TOKEN_QUERY}}", url.QueryEscape(hostileToken),
		"{{TOKEN_PATH}}", url.PathEscape(hostileToken),
		"{{SERVER}}", server,
	).Replace(s)
}

func (p hostilePart) bytes(server string) []byte {
	if p.Hex != "" {
		b, err := hex.DecodeString(strings.ReplaceAll(p.Hex, " ", ""))
		if err != nil {
			panic(err)
		}
		return b
	}
	return []byte(hostileExpand(p.Text, server))
}

var (
	gzipMu      sync.Mutex
	gzipMembers = map[int][]byte{}
)

// gzipZeros returns one gzip member holding n zero bytes. Go's gzip reader
// reads concatenated members as one stream, so repeating it makes an
// endless bomb.
func gzipZeros(n int) []byte {
	gzipMu.Lock()
	defer gzipMu.Unlock()
	if b, ok := gzipMembers[n]; ok {
		return b
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(make([]byte, n))
	zw.Close()
	gzipMembers[n] = buf.Bytes()
	return gzipMembers[n]
}

// serveHostile writes the case's answer.
func serveHostile(tc *hostileCase, server string, w http.ResponseWriter, r *http.Request) {
	a := &tc.Answer
	write := func(out func([]byte) error) {
		for i, p := range a.Parts {
			n := max(p.Repeat, 1)
			for j := 0; j < n || (a.Endless && i == len(a.Parts)-1); j++ {
				if p.DelayMS > 0 {
					select {
					case <-time.After(time.Duration(p.DelayMS) * time.Millisecond):
					case <-r.Context().Done():
						return
					}
				}
				if out(p.bytes(server)) != nil || r.Context().Err() != nil {
					return
				}
			}
		}
	}
	if a.Raw {
		conn, bw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		write(func(b []byte) error {
			if _, err := bw.Write(b); err != nil {
				return err
			}
			return bw.Flush()
		})
		return
	}
	for k, v := range a.Headers {
		w.Header()[k] = []string{hostileExpand(v, server)}
	}
	if a.GzipZeros > 0 {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(a.Status)
		member := gzipZeros(a.GzipZeros)
		for first := true; first || a.Endless; first = false {
			if _, err := w.Write(member); err != nil || r.Context().Err() != nil {
				return
			}
		}
		return
	}
	w.WriteHeader(a.Status)
	rc := http.NewResponseController(w)
	write(func(b []byte) error {
		if _, err := w.Write(b); err != nil {
			return err
		}
		return rc.Flush()
	})
}

func TestHostileHTTP(t *testing.T) {
	files, err := filepath.Glob("testdata/hostile/http/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var tc hostileCase
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&tc); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if tc.Proves == "" {
				t.Fatalf("%s: no \"proves\"", file)
			}
			runHostileHTTP(t, &tc)
		})
	}
}

func runHostileHTTP(t *testing.T, tc *hostileCase) {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveHostile(tc, srv.URL, w, r)
	}))
	defer srv.Close()
	exp := func(s string) string { return hostileExpand(s, srv.URL) }

	var opts []Option
	if !tc.Client.NoToken {
		opts = append(opts, WithToken(hostileToken))
	}
	if tc.Client.MaxResponseBytes > 0 {
		opts = append(opts, WithMaxResponseBytes(tc.Client.MaxResponseBytes))
	}
	if tc.Client.FollowRedirects {
		opts = append(opts, WithHTTPClient(&http.Client{}))
	}
	ctx := context.Background()
	if tc.Client.TimeoutMS > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(tc.Client.TimeoutMS)*time.Millisecond)
		defer cancel()
	}
	within := 5 * time.Second
	if tc.Expect.WithinMS > 0 {
		within = time.Duration(tc.Expect.WithinMS) * time.Millisecond
	}

	c := NewClient(srv.URL, opts...)
	var out json.RawMessage
	start := time.Now()
	err := c.call(ctx, "notes/show", map[string]string{"noteId": "x"}, &out)
	if took := time.Since(start); took > within {
		t.Errorf("the call took %v, more than %v", took, within)
	}

	checkHostileError(t, err)
	e := &tc.Expect
	var apiErr *APIError
	var decErr *DecodeError
	switch e.Error {
	case "none":
		if err != nil {
			t.Fatalf("err = %v, want none", err)
		}
		return
	case "api":
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %v (%T), want an *APIError", err, err)
		}
		if e.Status != 0 && apiErr.StatusCode != e.Status {
			t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, e.Status)
		}
	case "decode":
		if !errors.As(err, &decErr) {
			t.Fatalf("err = %v (%T), want a *DecodeError", err, err)
		}
	case "too-large":
		if !errors.Is(err, ErrResponseTooLarge) {
			t.Fatalf("err = %v, want ErrResponseTooLarge", err)
		}
	case "transport":
		var te *transportError
		if !errors.As(err, &te) {
			t.Fatalf("err = %v (%T), want a transport error", err, err)
		}
	default:
		t.Fatalf("unknown expected error %q", e.Error)
	}
	text := err.Error()
	for _, s := range e.Contains {
		if !strings.Contains(text, exp(s)) {
			t.Errorf("error %q does not contain %q", text, exp(s))
		}
	}
	for _, s := range e.NotContains {
		for _, form := range []string{text, fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(form, exp(s)) {
				t.Errorf("error %q contains %q", form, exp(s))
			}
		}
	}
	if e.Deadline && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded in its chain", err)
	}
	if apiErr != nil {
		check := func(field, got string, want *string) {
			if want != nil && got != exp(*want) {
				t.Errorf("%s = %q, want %q", field, got, exp(*want))
			}
		}
		check("Message", apiErr.Message, e.Message)
		check("Code", apiErr.Code, e.Code)
		check("Kind", apiErr.Kind, e.Kind)
		check("Location", apiErr.Location, e.Location)
		for _, s := range e.BodyContains {
			if !strings.Contains(string(apiErr.Body), exp(s)) {
				t.Errorf("Body %q does not contain %q", apiErr.Body, exp(s))
			}
		}
		if e.Info != nil {
			var got, want any
			if err := json.Unmarshal(apiErr.Info, &got); err != nil {
				t.Fatalf("Info %q is not JSON: %v", apiErr.Info, err)
			}
			if err := json.Unmarshal([]byte(*e.Info), &want); err != nil {
				t.Fatalf("expected Info: %v", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Info means %v, want %v", got, want)
			}
		}
	}
}

// tokenForms of the hostile token, as a test sees them.
func hostileTokenForms(token string) []string {
	tj, _ := json.Marshal(token)
	q := strconv.Quote(token)
	return []string{token, string(tj[1 : len(tj)-1]), q[1 : len(q)-1], url.QueryEscape(token), url.PathEscape(token)}
}

// checkHostileError checks the invariants every error of the corpus keeps:
// no token in any form at any level, no raw control character.
func checkHostileError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	forms := hostileTokenForms(hostileToken)
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		if e == nil || depth > 32 {
			return
		}
		for _, text := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			for _, f := range forms {
				if strings.Contains(text, f) {
					t.Errorf("error (level %d, %T) contains the token as %q: %s", depth, e, f, text)
				}
			}
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, k := range u.Unwrap() {
				walk(k, depth+1)
			}
		}
	}
	walk(err, 0)
	assertTerminalSafe(t, "err.Error()", err.Error())
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		for name, v := range map[string]string{"Code": apiErr.Code, "ID": apiErr.ID, "Message": apiErr.Message, "Kind": apiErr.Kind, "Body": string(apiErr.Body), "Location": apiErr.Location, "Info": string(apiErr.Info)} {
			assertTerminalSafe(t, "APIError."+name, v)
		}
	}
	var decErr *DecodeError
	if errors.As(err, &decErr) {
		assertTerminalSafe(t, "DecodeError.Snippet", decErr.Snippet)
	}
}

// assertTerminalSafe fails when s has a control character, a
// bidirectional-text control or invalid UTF-8.
func assertTerminalSafe(t *testing.T, what, s string) {
	t.Helper()
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				t.Errorf("%s has invalid UTF-8 at %d: %q", what, i, s)
				return
			}
		}
		if needsEscape(r) {
			t.Errorf("%s has %U at %d: %q", what, r, i, s)
			return
		}
	}
}

// TestPooledBufferNeverLeaks is issue 12's item 3. Client A reads 200 bodies
// full of a marker; client B gets error pages that made describeBody read
// past the answer into the pooled buffer's capacity (a Latin-1 page whose
// lower-case form is longer than it). No byte of A's bodies may ever appear
// in B's errors. The clients alternate on one goroutine and on two, so that
// they share sync.Pool's buffers.
func TestPooledBufferNeverLeaks(t *testing.T) {
	const marker = '~' // in A's bodies only
	private := `{"text":"` + strings.Repeat("~ALICE-PRIVATE-DM~", 200) + `"}`
	srvA := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(private))
	}))
	defer srvA.Close()
	// B's page: short, non-UTF-8 before and inside the title, unterminated
	// in the first 1024 bytes, uppercase tags.
	pages := [][]byte{
		append(append([]byte("<HTML><TITLE>"), bytes.Repeat([]byte{0xe9}, 40)...), "</TITLE>"...),
		append(append([]byte("<html>"), bytes.Repeat([]byte{0xe9}, 40)...), "<title>x</title>"...),
		append([]byte("<html><title>"), bytes.Repeat([]byte{0xc3}, 30)...),
		append(bytes.Repeat([]byte{0xe9}, 1030), "<title>late</title>"...),
	}
	var round int
	var mu sync.Mutex
	srvB := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		page := pages[round%len(pages)]
		round++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(page)
	}))
	defer srvB.Close()
	a, b := NewClient(srvA.URL, WithToken("a")), NewClient(srvB.URL, WithToken("b"))
	ctx := context.Background()
	checkB := func() error {
		err := b.call(ctx, "notes/show", nil, nil)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
			return fmt.Errorf("B: err = %v, want a 503 APIError", err)
		}
		for _, s := range []string{err.Error(), apiErr.Message, string(apiErr.Body)} {
			if strings.ContainsRune(s, marker) || strings.Contains(s, "ALICE") {
				return fmt.Errorf("B's error holds A's data: %q", s)
			}
		}
		return nil
	}
	callA := func() error {
		var out json.RawMessage
		if err := a.call(ctx, "notes/show", nil, &out); err != nil {
			return fmt.Errorf("A: %v", err)
		}
		if !bytes.Contains(out, []byte("ALICE")) {
			return fmt.Errorf("A got %q", out)
		}
		return nil
	}
	for i := 0; i < 200; i++ {
		if err := callA(); err != nil {
			t.Fatal(err)
		}
		if err := checkB(); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, f := range []func() error{callA, checkB} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if err := f(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestReadPooledClips checks the root cause of item 3 where it stands: what
// readPooled returns has no capacity beyond the answer, while the pool keeps
// the whole buffer.
func TestReadPooledClips(t *testing.T) {
	buf := make([]byte, 0, 4096)
	buf = append(buf, bytes.Repeat([]byte("SECRET"), 100)...)
	bp := &buf
	data, err := readPooled(bp, strings.NewReader("short"), 1<<20, -1)
	if err != nil || string(data) != "short" {
		t.Fatalf("readPooled = %q, %v", data, err)
	}
	if cap(data) != len(data) {
		t.Errorf("cap(data) = %d, len %d: the rest of the pooled buffer is reachable", cap(data), len(data))
	}
	if cap(*bp) != 4096 {
		t.Errorf("the pool keeps a buffer of capacity %d, want 4096", cap(*bp))
	}
	data, err = readPooled(bp, strings.NewReader(strings.Repeat("x", 100)), 10, -1)
	if err != errTooLarge || len(data) != 10 || cap(data) != 10 {
		t.Errorf("over the limit: len %d cap %d, %v", len(data), cap(data), err)
	}
}

// TestDescribeBodyAnyBytes: describeBody never panics and never reads past
// the body, whatever bytes the body holds.
func TestDescribeBodyAnyBytes(t *testing.T) {
	var bodies [][]byte
	for _, b := range []byte{0xe9, 0xc3, 0xff, 0xe2, 'A', 0x1b} {
		for _, n := range []int{1, 39, 40, 41, 1000, 1030} {
			bodies = append(bodies,
				append(append([]byte("<html>"), bytes.Repeat([]byte{b}, n)...), "<title>t</title>"...),
				append(append([]byte("<html><title>"), bytes.Repeat([]byte{b}, n)...), "</title>"...),
				append(append([]byte("<HTML><TITLE>"), bytes.Repeat([]byte{b}, n)...), "</TiTlE>"...),
			)
		}
	}
	for _, body := range bodies {
		// The body sits at the start of a larger buffer, as in the pool.
		buf := make([]byte, len(body), len(body)+2048)
		copy(buf, body)
		for i := len(body); i < cap(buf); i++ {
			buf = append(buf, '~')
		}
		buf = buf[:len(body)]
		msg := describeBody(buf, "text/html; charset=iso-8859-1", "")
		if strings.Contains(msg, "~") {
			t.Fatalf("describeBody read past the body: %q", msg)
		}
		assertTerminalSafe(t, "message", msg)
	}
	got := describeBody(append(append([]byte("<html><head>"), bytes.Repeat([]byte{0xe9}, 40)...), "<title>Bad Gateway \xe9t\xe9</title>"...), "text/html; charset=iso-8859-1", "")
	if want := `HTML page instead of a Misskey error: "Bad Gateway \xe9t\xe9"`; got != want {
		t.Errorf("describeBody = %q, want %q", got, want)
	}
}

// TestEscapeControls pins the escapes.
func TestEscapeControls(t *testing.T) {
	for in, want := range map[string]string{
		"plain, with \\ and é and 🎉": "plain, with \\ and é and 🎉",
		"\x1b]0;pwned\x07":           `\x1b]0;pwned\x07`,
		"a\nb\tc\rd":                 `a\nb\tc\rd`,
		"\u009b2J\u202eevil\x7f":     `\u009b2J\u202eevil\x7f`,
		"bad \xe9 byte":              `bad \xe9 byte`,
	} {
		if got := escapeControls(in); got != want {
			t.Errorf("escapeControls(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRedirectToAnotherHost is issue 12's item 6: a 302/303 to another host
// whose GET answers 200 must not make the call succeed with that server's
// data, with the default client or with the caller's own, and the caller's
// *http.Client is left as it was.
func TestRedirectToAnotherHost(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"evil","text":"from another server"}`))
	}))
	defer other.Close()
	var redirects int
	var mu sync.Mutex
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		redirects++
		mu.Unlock()
		// A Location that also carries the token, in its query-escaped form.
		loc := other.URL + "/steal?i=" + url.QueryEscape(hostileToken)
		status := http.StatusFound
		if strings.Contains(r.URL.Path, "see-other") {
			status = http.StatusSeeOther
		}
		http.Redirect(w, r, loc, status)
	}))
	defer api.Close()
	wantLoc := other.URL + "/steal?i=<redacted>"

	callers := &http.Client{Timeout: 5 * time.Second} // follows redirects
	before := *callers
	for _, tc := range []struct {
		name     string
		opts     []Option
		endpoint string
		status   int
		followed bool
	}{
		{"default client, 302", nil, "notes/show", 302, false},
		{"default client, 303", nil, "see-other/notes/show", 303, false},
		{"caller's client, 302", []Option{WithHTTPClient(callers)}, "notes/show", 302, true},
		{"caller's client, 303", []Option{WithHTTPClient(callers)}, "see-other/notes/show", 303, true},
		{"http.DefaultClient", []Option{WithHTTPClient(http.DefaultClient)}, "notes/show", 302, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewClient(api.URL, append(tc.opts, WithToken(hostileToken))...)
			var note json.RawMessage
			p := presence{target: jsonTarget(&note, decRaw)}
			err := c.call(context.Background(), tc.endpoint, map[string]string{"noteId": "x"}, &p)
			if err == nil || p.got || note != nil {
				t.Fatalf("err = %v, note = %+v: the other server's answer was taken", err, note)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || apiErr.Location != wantLoc {
				t.Fatalf("err = %v, want a %d APIError with Location %s", err, tc.status, wantLoc)
			}
			if tc.followed != strings.Contains(err.Error(), "the HTTP client followed it to GET "+wantLoc+", which answered 200") {
				t.Errorf("err = %v: followed = %v", err, tc.followed)
			}
			if !strings.Contains(err.Error(), "check the base URL") {
				t.Errorf("err = %v gives no advice", err)
			}
			checkHostileError(t, err)
		})
	}
	if callers.CheckRedirect != nil || callers.Timeout != before.Timeout || callers.Transport != before.Transport || callers.Jar != before.Jar {
		t.Errorf("the caller's *http.Client was modified: %+v", callers)
	}
}

// TestSameTarget: a redirect chain that ends with the call itself (a POST
// to the endpoint's URL, which a caller's client can make of a 307 when the
// body can be replayed) is the endpoint's answer; anything else is not.
func TestSameTarget(t *testing.T) {
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			http.Redirect(w, r, r.URL.Path, http.StatusTemporaryRedirect)
			return
		}
		w.Write([]byte(`{"id":"ok"}`))
	}))
	defer srv.Close()
	c := NewClient(srv.URL)
	hreq, _ := http.NewRequest(http.MethodPost, c.endpointURL("notes/show"), strings.NewReader("{}"))
	resp, err := http.DefaultClient.Do(hreq) // follows a 307: GetBody is set
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.Response == nil || !sameTarget(resp.Request, hreq) {
		t.Errorf("a 307 back to the endpoint is not the call: %v %v", resp.Request.Method, resp.Request.URL)
	}
	other, _ := http.NewRequest(http.MethodGet, c.endpointURL("notes/show"), nil)
	if sameTarget(other, hreq) {
		t.Error("a GET of the endpoint's URL is taken as the call")
	}
	other, _ = http.NewRequest(http.MethodPost, c.endpointURL("notes/show")+"/x", nil)
	if sameTarget(other, hreq) {
		t.Error("a POST to another URL is taken as the call")
	}
}

// TestRedirectLocationForms: the token is removed from a Location in each
// of its URL forms, absolute or relative.
func TestRedirectLocationForms(t *testing.T) {
	for _, loc := range []string{
		"https://evil.example/?i=" + url.QueryEscape(hostileToken),
		"https://evil.example/" + url.PathEscape(hostileToken),
		"/relative?i=" + url.QueryEscape(hostileToken),
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusMovedPermanently)
		}))
		err := NewClient(srv.URL, WithToken(hostileToken)).call(context.Background(), "i", nil, nil)
		srv.Close()
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 301 || !strings.Contains(apiErr.Location, "<redacted>") {
			t.Errorf("Location %s: err = %v", loc, err)
		}
		checkHostileError(t, err)
	}
}

// TestMiAuthCheckRedirect: a token reached through a redirect would be
// another server's; MiAuthCheck refuses it, and keeps the session id out of
// the error.
func TestMiAuthCheckRedirect(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"ok":true,"token":"evil-token","user":{"username":"mallory"}}`))
	}))
	defer other.Close()
	const session = "0b6f1c8e-7a41-4d3c-9e55-2f8b1a9c7d10"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer api.Close()
	for _, opts := range [][]Option{nil, {WithHTTPClient(&http.Client{})}} {
		res, err := NewClient(api.URL, opts...).MiAuthCheck(context.Background(), session)
		if err == nil || res != nil {
			t.Fatalf("MiAuthCheck = %+v, %v: the other server's token was taken", res, err)
		}
		if !strings.Contains(err.Error(), "HTTP 302") || !strings.Contains(err.Error(), "redirected to "+other.URL+"/api/miauth/…/check") {
			t.Errorf("err = %v", err)
		}
		if strings.Contains(err.Error(), session) {
			t.Errorf("err = %v shows the session id", err)
		}
	}
}
