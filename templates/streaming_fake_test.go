package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// An in-process fake of Misskey's /streaming endpoint. Each accepted socket
// is a fakeStreamSession the test drives: it reads the frames the client sent and
// sends frames of its choosing.

const streamTestTimeout = 5 * time.Second

type fakeStreamServer struct {
	t        testing.TB
	srv      *httptest.Server
	sessions chan *fakeStreamSession
	shutdown chan struct{}
	wg       sync.WaitGroup

	mu       sync.Mutex
	all      []*fakeStreamSession
	requests []*http.Request // handshake requests, refused ones included
	// refuse, when set, may answer a handshake instead of accepting it.
	refuse func(w http.ResponseWriter, r *http.Request) bool
}

type fakeStreamSession struct {
	conn    *websocket.Conn
	req     *http.Request
	frames  chan []byte // text frames from the client, except "h"
	hearts  atomic.Int64
	stalled chan struct{} // closed: stop reading (no more pongs)
	stallMu sync.Once
	ended   chan struct{} // the handler returned
	readErr error         // why it returned; read after ended
}

func newFakeStreamServer(t testing.TB) *fakeStreamServer {
	t.Helper()
	f := &fakeStreamServer{
		t:        t,
		sessions: make(chan *fakeStreamSession, 16),
		shutdown: make(chan struct{}),
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.handle))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeStreamServer) URL() string { return f.srv.URL }

func (f *fakeStreamServer) setRefuse(fn func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	f.refuse = fn
	f.mu.Unlock()
}

func (f *fakeStreamServer) handle(w http.ResponseWriter, r *http.Request) {
	f.wg.Add(1)
	defer f.wg.Done()
	f.mu.Lock()
	f.requests = append(f.requests, r.Clone(context.Background()))
	refuse := f.refuse
	f.mu.Unlock()
	if r.URL.Path != "/streaming" {
		http.NotFound(w, r)
		return
	}
	if refuse != nil && refuse(w, r) {
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	conn.SetReadLimit(-1)
	sess := &fakeStreamSession{
		conn:    conn,
		req:     r,
		frames:  make(chan []byte, 1024),
		stalled: make(chan struct{}),
		ended:   make(chan struct{}),
	}
	f.mu.Lock()
	f.all = append(f.all, sess)
	f.mu.Unlock()
	defer close(sess.ended)
	select {
	case f.sessions <- sess:
	case <-f.shutdown:
		conn.CloseNow()
		return
	}
	for {
		select {
		case <-sess.stalled:
			<-f.shutdown
			conn.CloseNow()
			sess.readErr = errors.New("stalled")
			return
		default:
		}
		typ, data, err := conn.Read(context.Background())
		if err != nil {
			sess.readErr = err
			conn.CloseNow()
			return
		}
		if typ == websocket.MessageText && string(data) == "h" {
			sess.hearts.Add(1)
			continue
		}
		sess.frames <- data
	}
}

// Close ends every session and waits for the handlers to return.
func (f *fakeStreamServer) Close() {
	select {
	case <-f.shutdown:
		return
	default:
	}
	close(f.shutdown)
	// No new handler starts after this, and every handler that started has
	// called f.wg.Add (it is its first statement).
	f.srv.Close()
	f.mu.Lock()
	for _, s := range f.all {
		s.conn.CloseNow()
	}
	f.mu.Unlock()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		f.t.Errorf("fake streaming server: handlers did not return")
	}
}

// accept returns the next socket the client opened.
func (f *fakeStreamServer) accept(t testing.TB) *fakeStreamSession {
	t.Helper()
	select {
	case s := <-f.sessions:
		return s
	case <-time.After(streamTestTimeout):
		t.Fatalf("fake server: no connection within %v", streamTestTimeout)
		return nil
	}
}

func (f *fakeStreamServer) handshakes() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.requests...)
}

type fakeStreamFrame struct {
	Type string          `json:"type"`
	Body json.RawMessage `json:"body"`
	raw  []byte
}

// next returns the next frame the client sent.
func (s *fakeStreamSession) next(t testing.TB) fakeStreamFrame {
	t.Helper()
	select {
	case data := <-s.frames:
		var fr fakeStreamFrame
		if err := json.Unmarshal(data, &fr); err != nil {
			t.Fatalf("client sent a frame that is not JSON: %q", data)
		}
		fr.raw = data
		return fr
	case <-time.After(streamTestTimeout):
		t.Fatalf("fake server: no frame from the client within %v", streamTestTimeout)
		return fakeStreamFrame{}
	}
}

// noFrame checks that the client sends nothing for a while.
func (s *fakeStreamSession) noFrame(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case data := <-s.frames:
		t.Fatalf("unexpected frame from the client: %s", data)
	case <-time.After(d):
	}
}

type fakeStreamConnect struct {
	Channel string          `json:"channel"`
	ID      string          `json:"id"`
	Params  json.RawMessage `json:"params"`
	Pong    bool            `json:"pong"`
}

// expectConnect reads a connect frame.
func (s *fakeStreamSession) expectConnect(t testing.TB) fakeStreamConnect {
	t.Helper()
	fr := s.next(t)
	if fr.Type != "connect" {
		t.Fatalf("client sent %s, want connect", fr.raw)
	}
	var c fakeStreamConnect
	if err := json.Unmarshal(fr.Body, &c); err != nil {
		t.Fatal(err)
	}
	if c.ID == "" || !c.Pong {
		t.Fatalf("connect frame without id or pong: %s", fr.raw)
	}
	return c
}

// expectID reads a frame of type typ whose body is {"id": id}.
func (s *fakeStreamSession) expectID(t testing.TB, typ, id string) {
	t.Helper()
	fr := s.next(t)
	var b struct{ ID string }
	_ = json.Unmarshal(fr.Body, &b)
	if fr.Type != typ || b.ID != id {
		t.Fatalf("client sent %s, want %s {id:%q}", fr.raw, typ, id)
	}
}

func (s *fakeStreamSession) sendRaw(t testing.TB, frame string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), streamTestTimeout)
	defer cancel()
	if err := s.conn.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		t.Fatalf("fake server: write: %v", err)
	}
}

// sendRawRefused writes a frame the client is meant to refuse before it has
// read it all: the client may drop the connection while the frame is still
// being written, so a failed write is what the test expects, not a fault.
func (s *fakeStreamSession) sendRawRefused(frame string) {
	ctx, cancel := context.WithTimeout(context.Background(), streamTestTimeout)
	defer cancel()
	_ = s.conn.Write(ctx, websocket.MessageText, []byte(frame))
}

func (s *fakeStreamSession) send(t testing.TB, typ string, body any) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"type": typ, "body": body})
	if err != nil {
		t.Fatal(err)
	}
	s.sendRaw(t, string(b))
}

// sendEvent sends a channel event for the connection id.
func (s *fakeStreamSession) sendEvent(t testing.TB, id, typ string, body any) {
	t.Helper()
	s.send(t, "channel", map[string]any{"id": id, "type": typ, "body": body})
}

// drop closes the socket without a close frame, as a network failure would.
func (s *fakeStreamSession) drop() { s.conn.CloseNow() }

// stall stops reading the socket, so pings go unanswered.
func (s *fakeStreamSession) stall() { s.stallMu.Do(func() { close(s.stalled) }) }

// waitEnded waits for the handler of the session to return.
func (s *fakeStreamSession) waitEnded(t testing.TB) error {
	t.Helper()
	select {
	case <-s.ended:
		return s.readErr
	case <-time.After(streamTestTimeout):
		t.Fatalf("fake server: session still open")
		return nil
	}
}

// Client side.

type streamDecoded struct {
	Channel, Event, Body string
}

// streamTestDecode stands in for the generated decodeStreamEvent: it records what
// it was called with, and fails for the event type "decodeError".
func streamTestDecode(channel, event string, body json.RawMessage, strict bool) (any, []Mismatch, error) {
	if event == "decodeError" {
		return nil, nil, errors.New("test decoder refuses")
	}
	return &streamDecoded{Channel: channel, Event: event, Body: string(body)}, nil, nil
}

func withStreamDecoder(fn func(channel, event string, body json.RawMessage, strict bool) (any, []Mismatch, error)) StreamOption {
	return func(c *streamConfig) { c.decode, c.decodeChecksJSON = fn, false }
}

const streamTestToken = "tok3n+/=secret"

// openTestStream opens a stream to f with a token, the test decoder and
// short reconnect delays; it is closed when the test ends.
func openTestStream(t testing.TB, f *fakeStreamServer, opts ...StreamOption) *Stream {
	t.Helper()
	c := NewClient(f.URL(), WithToken(streamTestToken), WithUserAgent("stream-test/1"))
	all := append([]StreamOption{
		withStreamDecoder(streamTestDecode),
		WithReconnectBackoff(5*time.Millisecond, 20*time.Millisecond),
	}, opts...)
	s, err := c.Stream(context.Background(), all...)
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// streamRecv returns the next event of ch.
func streamRecv(t testing.TB, ch <-chan StreamEvent) StreamEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatalf("event channel closed")
		}
		return ev
	case <-time.After(streamTestTimeout):
		t.Fatalf("no event within %v", streamTestTimeout)
		return StreamEvent{}
	}
}

// streamNoEvent checks that ch delivers nothing for a while.
func streamNoEvent(t testing.TB, ch <-chan StreamEvent, d time.Duration) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if ok {
			t.Fatalf("unexpected event: %+v", ev)
		}
		t.Fatalf("event channel closed")
	case <-time.After(d):
	}
}

// streamWaitClosed waits for ch to be closed, discarding events.
func streamWaitClosed(t testing.TB, ch <-chan StreamEvent) {
	t.Helper()
	deadline := time.After(streamTestTimeout)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("event channel not closed within %v", streamTestTimeout)
		}
	}
}

func streamJSONEqual(t testing.TB, got, want []byte) bool {
	t.Helper()
	var g, w bytes.Buffer
	if err := json.Compact(&g, got); err != nil {
		t.Fatalf("not JSON: %q", got)
	}
	if err := json.Compact(&w, want); err != nil {
		t.Fatalf("not JSON: %q", want)
	}
	var gv, wv any
	_ = json.Unmarshal(g.Bytes(), &gv)
	_ = json.Unmarshal(w.Bytes(), &wv)
	gb, _ := json.Marshal(gv)
	wb, _ := json.Marshal(wv)
	return bytes.Equal(gb, wb)
}

// Goroutine leaks.

// streamGoroutines returns the stacks of the goroutines that belong to a
// Stream or to a WebSocket.
func streamGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "templates.(*Stream)") ||
			strings.Contains(g, "templates.(*Connection)") ||
			strings.Contains(g, "templates.(*sharedChannel)") ||
			strings.Contains(g, "github.com/coder/websocket.") {
			out = append(out, g)
		}
	}
	return out
}

// checkNoStreamGoroutines fails if goroutines of a stream or a WebSocket are
// still running after a grace period. The fake server must be closed first.
func checkNoStreamGoroutines(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(streamTestTimeout)
	for {
		left := streamGoroutines()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutine(s) left behind:\n\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
