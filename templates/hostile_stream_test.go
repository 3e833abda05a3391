package templates

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The WebSocket half of the hostile corpus (see hostile_test.go): each case
// is a server that misbehaves during or after the streaming handshake, with
// the README line it proves. They are Go rather than data: what makes them
// hostile is timing (a server that stops reading, ignores the close frame,
// floods) as much as bytes.

// hostileStreamCase is one misbehaving streaming server and what the client
// must do about it.
type hostileStreamCase struct {
	name   string
	proves string
	run    func(t *testing.T)
}

var hostileStreamCases = []hostileStreamCase{
	{
		name:   "dial-error-token-forms",
		proves: "The access token never appears in an error: a streaming dial error names no form of it (raw, query- or path-escaped, quoted, or cut short), at any level of its chain, whatever the server answers or redirects to (issue 12, item 7).",
		run:    testStreamDialTokenForms,
	},
	{
		name:   "dial-error-terminal-escapes",
		proves: "Server text in an error has its control characters escaped: a refused handshake's body is quoted escaped in the StreamDialError.",
		run:    testStreamDialEscapes,
	},
	{
		name:   "dial-redirect",
		proves: "A redirect is never taken as the endpoint's answer: the streaming handshake does not follow one by default, and a socket that a caller's client reached through one is closed and reported.",
		run:    testStreamDialRedirect,
	},
	{
		name:   "server-stops-reading",
		proves: "No streaming method waits for the server: Connect, the channel helpers, SubNote, UnsubNote, Send and Connection.Close return at once when the server has stopped reading, and the stream drops and redials such a socket (issue 12, item 9).",
		run:    testStreamServerStopsReading,
	},
	{
		name:   "close-frame-ignored",
		proves: "Stream.Close returns within StreamCloseTimeout (1 s) when the server ignores the close frame, and leaves no goroutine behind (issue 12, item 9).",
		run:    testStreamCloseIgnored,
	},
	{
		name:   "flood-then-close",
		proves: "Stream.Close returns within StreamCloseTimeout while the server floods the socket with frames and ignores the close frame.",
		run:    testStreamFloodClose,
	},
	{
		name:   "gigantic-frame",
		proves: "A WebSocket message larger than WithMaxResponseBytes drops the socket, which is dialed again; it is never read whole.",
		run:    testStreamGiganticFrame,
	},
	{
		name:   "frames-terminal-escapes",
		proves: "Server text in an error has its control characters escaped: a stream frame's error event quotes its bytes escaped.",
		run:    testStreamFrameEscapes,
	},
}

func TestHostileStream(t *testing.T) {
	for _, tc := range hostileStreamCases {
		if tc.proves == "" {
			t.Fatalf("%s: no proves", tc.name)
		}
		t.Run(tc.name, tc.run)
	}
}

// assertNoTokenAnywhere walks the whole chain of err, following both kinds
// of Unwrap, and fails when any text of it holds any form of token or a run
// of 8 bytes that starts one.
func assertNoTokenAnywhere(t *testing.T, err error, token string) {
	t.Helper()
	forms := hostileTokenForms(token)
	forms = append(forms, url.QueryEscape(url.QueryEscape(token)))
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		if e == nil || depth > 32 {
			return
		}
		for _, text := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			for _, f := range forms {
				if strings.Contains(text, f[:min(len(f), 8)]) {
					t.Errorf("error (level %d, %T) holds the token, or its start, as %q: %s", depth, e, f[:min(len(f), 8)], text)
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
}

// dialOnce opens a stream and expects it to fail.
func dialOnce(t *testing.T, base string, opts ...Option) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := NewClient(base, opts...).Stream(ctx, WithoutReconnect())
	if err == nil {
		s.Close()
		t.Fatal("Stream succeeded")
	}
	return err
}

func testStreamDialTokenForms(t *testing.T) {
	tok := hostileToken
	// A listener that is closed: following a redirect there fails in the
	// dial, with the redirect's URL in a *url.Error.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		follow  bool
	}{
		{"401 echoing every form", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			raw := r.URL.Query().Get("i")
			fmt.Fprintf(w, "bad %s %s %s %q", raw, r.URL.RawQuery, url.PathEscape(raw), raw)
		}, false},
		{"redirect with the query-escaped token", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", dead+"/steal?i="+url.QueryEscape(r.URL.Query().Get("i")))
			w.WriteHeader(http.StatusFound)
		}, false},
		{"redirect followed to a dead port", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", dead+"/steal?i="+url.QueryEscape(r.URL.Query().Get("i")))
			w.WriteHeader(http.StatusFound)
		}, true},
		{"redirect with the path-escaped token, followed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", dead+"/"+url.PathEscape(r.URL.Query().Get("i")))
			w.WriteHeader(http.StatusFound)
		}, true},
		{"bad Location with the decoded token", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "http://bad host/?i="+r.URL.Query().Get("i"))
			w.WriteHeader(http.StatusFound)
		}, false},
		{"bad Location with the decoded token, followed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "http://bad host/?i="+r.URL.Query().Get("i"))
			w.WriteHeader(http.StatusFound)
		}, true},
		{"Location with the decoded token cut at its '#', followed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", dead+"/?i="+strings.ReplaceAll(r.URL.Query().Get("i"), "%", ""))
			w.WriteHeader(http.StatusFound)
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			opts := []Option{WithToken(tok)}
			if tc.follow {
				opts = append(opts, WithHTTPClient(&http.Client{}))
			}
			err := dialOnce(t, srv.URL, opts...)
			var de *StreamDialError
			if !errors.As(err, &de) {
				t.Fatalf("%T is not a *StreamDialError: %v", err, err)
			}
			assertNoTokenAnywhere(t, err, tok)
			assertTerminalSafe(t, "err.Error()", err.Error())
		})
	}
}

func testStreamDialEscapes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("down \x1b]0;pwned\x07\x1b[2J\u009b6n \xff"))
	}))
	defer srv.Close()
	err := dialOnce(t, srv.URL, WithToken("plaintoken1234567890"))
	var de *StreamDialError
	if !errors.As(err, &de) || de.StatusCode != 503 {
		t.Fatalf("err = %v, want a 503 StreamDialError", err)
	}
	assertTerminalSafe(t, "err.Error()", err.Error())
	if want := `down \x1b]0;pwned\x07\x1b[2J\u009b6n \xff`; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to contain %q", err, want)
	}
}

func testStreamDialRedirect(t *testing.T) {
	// Another server that speaks WebSocket: a redirect followed to it would
	// give a working socket to the wrong server.
	other := newFakeStreamServer(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL()+"/streaming", http.StatusFound)
	}))
	defer api.Close()
	for _, follow := range []bool{false, true} {
		opts := []Option{WithToken("plaintoken1234567890")}
		if follow {
			opts = append(opts, WithHTTPClient(&http.Client{}))
		}
		err := dialOnce(t, api.URL, opts...)
		var de *StreamDialError
		if !errors.As(err, &de) || de.StatusCode != http.StatusFound || !strings.Contains(err.Error(), "redirected to "+other.URL()+"/streaming") {
			t.Errorf("follow=%v: err = %v, want a 302 StreamDialError naming where it went", follow, err)
		}
	}
}

// stoppedStreamServer accepts sockets and never reads from them, so the
// client's frames fill the TCP buffers and nothing answers a close frame.
// flood, when set, is written to each socket as fast as it goes.
type stoppedStreamServer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	accepted int
	done     chan struct{}
	wg       sync.WaitGroup
}

func newStoppedStreamServer(t *testing.T, flood []byte) *stoppedStreamServer {
	f := &stoppedStreamServer{done: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.wg.Add(1)
		defer f.wg.Done()
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		f.mu.Lock()
		f.accepted++
		f.mu.Unlock()
		if flood != nil {
			for {
				ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
				err := conn.Write(ctx, websocket.MessageText, flood)
				cancel()
				select {
				case <-f.done:
					return
				default:
				}
				if err != nil && !errors.Is(err, context.DeadlineExceeded) {
					return
				}
			}
		}
		<-f.done
	}))
	t.Cleanup(func() {
		close(f.done)
		f.srv.CloseClientConnections()
		f.srv.Close()
		f.wg.Wait()
	})
	return f
}

func (f *stoppedStreamServer) sockets() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.accepted
}

// timed fails when fn takes longer than limit.
func timed(t *testing.T, what string, limit time.Duration, fn func() error) error {
	t.Helper()
	start := time.Now()
	err := fn()
	if took := time.Since(start); took > limit {
		t.Errorf("%s took %v, more than %v", what, took, limit)
	}
	return err
}

func testStreamServerStopsReading(t *testing.T) {
	f := newStoppedStreamServer(t, nil)
	c := NewClient(f.srv.URL, WithToken("plaintoken1234567890"))
	s, err := c.Stream(context.Background(), WithReconnectBackoff(10*time.Millisecond, 20*time.Millisecond), WithHeartbeat(0))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Far below the 10 s a write waits for a server that does not read,
	// and above what encoding a big frame costs on a loaded machine with
	// the race detector.
	const quick = time.Second
	stats := timedConnect(t, s, quick)
	big := map[string]string{"pad": strings.Repeat("x", 256<<10)}
	// 24 MiB: more than the socket buffers hold, so a Send that wrote to
	// the socket itself would block.
	disconnected := 0
	for i := 0; i < 96; i++ {
		err := timed(t, "Send", quick, func() error { return stats.Send("requestLog", big) })
		switch {
		case err == nil:
		case errors.Is(err, ErrStreamDisconnected):
			disconnected++
		default:
			t.Fatalf("Send: %v", err)
		}
	}
	if disconnected == 0 {
		t.Error("the server stopped reading 24 MiB ago and Send never said the socket was dropped")
	}
	timedConnect(t, s, quick)
	timed(t, "SubNote", quick, func() error { return s.SubNote("n1") })
	timed(t, "UnsubNote", quick, func() error { return s.UnsubNote("n1") })
	timed(t, "Stream.Send", quick, func() error { _ = s.Send("x", big); return nil })
	timed(t, "Connection.Close", quick, stats.Close)
	timed(t, "Stream.Close", StreamCloseTimeout+time.Second, s.Close)
	if f.sockets() < 2 {
		t.Errorf("the stream dialed %d socket(s); a socket the server stopped reading must be replaced", f.sockets())
	}
}

// timedConnect opens a serverStats connection within limit.
func timedConnect(t *testing.T, s *Stream, limit time.Duration) *Connection {
	t.Helper()
	var c *Connection
	if err := timed(t, "Connect", limit, func() (err error) { c, err = s.Connect("serverStats", nil); return err }); err != nil {
		t.Fatal(err)
	}
	return c
}

func testStreamCloseIgnored(t *testing.T) {
	f := newStoppedStreamServer(t, nil)
	s, err := NewClient(f.srv.URL).Stream(context.Background(), WithHeartbeat(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Main(); err != nil {
		t.Fatal(err)
	}
	timed(t, "Close", StreamCloseTimeout+500*time.Millisecond, s.Close)
	select {
	case <-s.Done():
	default:
		t.Fatal("Close returned before the stream was done")
	}
	// Cancelling the context is the other way to end a stream.
	ctx, cancel := context.WithCancel(context.Background())
	s, err = NewClient(f.srv.URL).Stream(ctx, WithHeartbeat(0))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cancel()
	select {
	case <-s.Done():
		if took := time.Since(start); took > StreamCloseTimeout+500*time.Millisecond {
			t.Errorf("the stream took %v to end after its context", took)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end after its context")
	}
	f.srv.CloseClientConnections()
	checkNoStreamGoroutines(t)
}

func testStreamFloodClose(t *testing.T) {
	f := newStoppedStreamServer(t, []byte(`{"type":"emojiAdded","body":{"emoji":{"name":"`+strings.Repeat("x", 4096)+`"}}}`))
	s, err := NewClient(f.srv.URL).Stream(context.Background(), WithHeartbeat(0), withStreamDecoder(streamTestDecode))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		streamRecv(t, s.Events())
	}
	timed(t, "Close", StreamCloseTimeout+500*time.Millisecond, s.Close)
}

func testStreamGiganticFrame(t *testing.T) {
	f := newFakeStreamServer(t)
	c := NewClient(f.URL(), WithMaxResponseBytes(64<<10))
	s, err := c.Stream(context.Background(), withStreamDecoder(streamTestDecode), WithReconnectBackoff(5*time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sess := f.accept(t)
	sess.sendRawRefused(`{"type":"emojiAdded","body":"` + strings.Repeat("x", 1<<20) + `"}`)
	ev := streamRecv(t, s.Events())
	if ev.Kind != EventDisconnected || !strings.Contains(fmt.Sprint(ev.Err), "read limited at") {
		t.Fatalf("event %v (%v), want EventDisconnected for the read limit", ev.Kind, ev.Err)
	}
	f.accept(t) // dialed again
	if ev := streamRecv(t, s.Events()); ev.Kind != EventReconnected {
		t.Fatalf("event %v, want EventReconnected", ev.Kind)
	}
}

func testStreamFrameEscapes(t *testing.T) {
	f := newFakeStreamServer(t)
	s := openTestStream(t, f)
	sess := f.accept(t)
	for _, frame := range []string{
		"{\"type\":[\"\x1b]0;pwned\x07\x1b[2J\"]}",
		"{\"type\":\"x\x1b[2J\"}",
		"{\"type\":\"noteUpdated\",\"body\":{\"id\":\"n\",\"type\":[\"\u009b6n\x7f\"]}}",
	} {
		sess.sendRaw(t, frame)
		ev := streamRecv(t, s.Events())
		if ev.Err == nil {
			t.Errorf("frame %q: no error", frame)
			continue
		}
		assertTerminalSafe(t, "ev.Err", ev.Err.Error())
	}
}

// TestRedactCutToken: a token cut short (a URL that lost the token's tail at
// a '#') is removed from 8 bytes on.
func TestRedactCutToken(t *testing.T) {
	tok := "abcdefgh#ijkl"
	for in, want := range map[string]string{
		"x abcdefgh#ijkl y":            "x <redacted> y",
		"Get \"http://h/?i=abcdefgh\"": "Get \"http://h/?i=<redacted>\"",
		"abcdefg":                      "abcdefg",
		"?i=abcdefgh%23ijkl&x":         "?i=<redacted>&x",
		"?i=abcdefgh%23ij":             "?i=<redacted>",
	} {
		if got := redact(in, tok); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}
