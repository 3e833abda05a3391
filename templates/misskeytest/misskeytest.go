// Package misskeytest is a fake Misskey server for the tests of programs
// that use the generated client: bots, services, tools. It speaks the API of
// the document the client was generated from, REST and streaming, over
// httptest, so that misskey.NewClient(srv.URL, …) talks to it unchanged.
//
//	srv := misskeytest.NewServer(t)
//	alice := srv.AddUser("alice")
//	c := misskey.NewClient(srv.URL, misskey.WithToken(alice.Token))
//
// Every call goes through what a real server does first: the token is
// checked (AUTHENTICATION_FAILED), endpoints that need a credential refuse
// calls without one (CREDENTIAL_REQUIRED), app tokens need the endpoint's
// permission (PERMISSION_DENIED), rate limits you set answer 429, and the
// parameters are validated against the endpoint's request schema with
// Misskey's rules (INVALID_PARAM, with the same param and reason). An
// endpoint the document does not list gets the 404 of a real server.
//
// A call that passes is answered by, in this order: the handler you set
// with Handle<Endpoint> (typed) or SetHandler (raw JSON); else the
// server's own small Misskey (users, notes, timelines, replies, renotes,
// reactions, following, notifications, drive files, MiAuth), which also
// sends the matching streaming events; else an error that names the
// endpoint and the method to handle it with.
//
// The server records every call (Calls, WaitCalls), pushes any event to
// connected streams (Emit), drops every stream to exercise reconnection
// (DropStreams), limits the rate of an endpoint (SetRateLimit) and approves
// MiAuth sessions (ApproveMiAuth). Wait, WaitConnected and WaitCaptured let a
// test wait for what a program under test does in its own goroutines.
//
// A test of a bot that answers mentions:
//
//	srv := misskeytest.NewServer(t)
//	bot, alice := srv.AddUser("bot", misskeytest.AsBot()), srv.AddUser("alice")
//	go runBot(ctx, srv.Client(bot))
//	if err := srv.WaitConnected(ctx, bot.ID, "main"); err != nil { … }
//	note, err := srv.Client(alice).NotesCreate(ctx, &misskey.NotesCreateRequest{Text: misskey.Value("@bot hi")})
//	calls, err := srv.WaitCalls(ctx, "notes/create", 2) // alice's note, the bot's reply
//	reply := calls[1].Request.(*misskey.NotesCreateRequest)
//
// What the server does not do: federation, remote users, custom emoji,
// channels, lists, antennas, roles, moderation, and most of the 400
// endpoints; give those a handler. Its answers follow Misskey 2026.3 and
// are passed through the client's types, so they have the shape of the
// document the client was generated from.
package misskeytest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// Server is a fake Misskey server. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, such as "http://127.0.0.1:41234":
	// pass it to misskey.NewClient.
	URL string

	hs      *httptest.Server
	defs    map[string]*endpointDef
	conform func(kind string, data []byte) []byte
	logf    func(format string, args ...any)
	wg      sync.WaitGroup // stream goroutines

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change (Wait)
	closed   bool
	handlers map[string]handler
	calls    []Call
	limits   map[string]*rateLimit
	streams  map[*streamConn]bool
	miauth   map[string]*miauthSession
	st       *state
}

// Option configures a Server.
type Option func(*Server)

// WithLogf makes the server report what a test may want to know (an
// endpoint nobody handles, a stream frame it could not read) with logf.
// NewServer uses t.Logf.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(s *Server) { s.logf = logf }
}

// New starts a server. Call Close when done; NewServer does that for you.
func New(opts ...Option) *Server {
	return newServer(endpointDefs, conformEntity, opts...)
}

// NewServer starts a server that is closed when the test ends, and logs to
// t.Logf.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := New(append([]Option{WithLogf(t.Logf)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

func newServer(defs []endpointDef, conform func(string, []byte) []byte, opts ...Option) *Server {
	s := &Server{
		defs:     make(map[string]*endpointDef, len(defs)),
		conform:  conform,
		changed:  make(chan struct{}),
		handlers: map[string]handler{},
		limits:   map[string]*rateLimit{},
		streams:  map[*streamConn]bool{},
		miauth:   map[string]*miauthSession{},
		st:       newState(),
	}
	for i := range defs {
		d := defs[i] // a copy: tests may change it
		s.defs[d.name] = &d
	}
	for _, o := range opts {
		o(s)
	}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.hs.URL
	s.st.baseURL = s.URL
	return s
}

// Close drops every stream, waits for the server's goroutines and shuts the
// server down. It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for c := range s.streams {
		c.drop()
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.wg.Wait()
	s.hs.Close()
}

// Client returns a client of the server that calls as u.
func (s *Server) Client(u User, opts ...misskey.Option) *misskey.Client {
	return misskey.NewClient(s.URL, append([]misskey.Option{misskey.WithToken(u.Token)}, opts...)...)
}

func (s *Server) log(format string, args ...any) {
	if s.logf != nil {
		s.logf("misskeytest: "+format, args...)
	}
}

// notifyLocked wakes every Wait. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Wait blocks until cond returns true or ctx ends. cond is called at once
// and again after every change of the server's state (a call, a stream
// frame, a new note …); it may call the server's methods (but not its API
// over HTTP, which is itself a change and would make Wait spin). Give ctx a
// deadline: a condition that never holds waits until ctx ends.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// A Call is one API call the server received: every call to an endpoint the
// document lists or a handler answers, refused ones included (see Status
// and Err).
type Call struct {
	// Endpoint is the endpoint's name, such as "notes/create".
	Endpoint string
	// UserID is the id of the caller, "" when the call had no valid token.
	UserID string
	// Body is the parameters as sent, as a JSON object without the token
	// ("i"); a multipart call's text fields, cast as Misskey casts them.
	Body json.RawMessage
	// Request is Body decoded into the endpoint's request type, such as
	// *misskey.NotesCreateRequest, or nil when the endpoint takes no
	// parameters or the call did not get as far as validation. Its file
	// fields read the uploaded files.
	Request any
	// Files are the files of a multipart call.
	Files []UploadedFile
	// Status is the HTTP status the server answered.
	Status int
	// Err is the error the server answered, nil for a 2xx.
	Err *misskey.APIError
	// Time is when the call was received.
	Time time.Time
}

// UploadedFile is a file part of a multipart call.
type UploadedFile struct {
	Field string // form field, "file" for drive/files/create
	Name  string // file name the client gave
	Data  []byte
}

// Calls returns the calls of an endpoint received so far, in order; every
// call when endpoint is "".
func (s *Server) Calls(endpoint string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if endpoint == "" || c.Endpoint == endpoint {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until the server has received at least n calls of the
// endpoint (of any endpoint when it is ""), and returns them all. A call is
// recorded before it is answered.
func (s *Server) WaitCalls(ctx context.Context, endpoint string, n int) ([]Call, error) {
	var got []Call
	err := s.Wait(ctx, func() bool {
		got = s.Calls(endpoint)
		return len(got) >= n
	})
	if err != nil {
		return got, errors.Join(errors.New("misskeytest: waiting for "+itoa(n)+" calls of "+endpointLabel(endpoint)+", got "+itoa(len(got))), err)
	}
	return got, nil
}

func endpointLabel(e string) string {
	if e == "" {
		return "any endpoint"
	}
	return e
}

// A handler answers an endpoint instead of the server's own Misskey.
type handler func(ctx context.Context, req any, body json.RawMessage) (any, error)

// ErrFallThrough, returned by a handler, makes the server answer the call as
// if no handler were set: with its own Misskey, or the unhandled-endpoint
// error. A handler can so act on some calls only (fail the first, record
// what it wants) and leave the rest to the server.
var ErrFallThrough = errors.New("misskeytest: fall through to the default answer")

// SetHandler answers endpoint with h, which gets the parameters as sent,
// without the token. The typed Handle<Endpoint> methods do the same with the
// parameters decoded into the endpoint's request type. A handler runs after
// the checks a real server makes (token, rate limit, credential,
// permission, parameters), so it sees only calls the real server would
// answer, and CallerID tells it who called.
//
// What h returns is sent as Misskey sends it:
//   - a value: encoded with encoding/json (a json.RawMessage as it is) with
//     200 OK; nil, a nil pointer or JSON null answers 204 No Content;
//   - a *misskey.APIError, such as a generated misskey.Err… value: Misskey's
//     error body {"error":{"message","code","id","kind","info"}} with its
//     StatusCode (by Kind when 0: 400 client, 403 permission, else 500) and,
//     when RetryAfter is set, a Retry-After header;
//   - ErrFallThrough: the call is answered as if h were not set;
//   - any other error: 500 INTERNAL_ERROR with the error's text in info.
//
// Calls run concurrently, so h may be called from several goroutines at
// once. SetHandler also works for endpoints the API document does not list
// (a fork's additions, called with Client.Call); those skip the credential
// and parameter checks. A nil h removes the handler.
func (s *Server) SetHandler(endpoint string, h func(ctx context.Context, body json.RawMessage) (any, error)) {
	if h == nil {
		s.setHandler(endpoint, nil)
		return
	}
	s.setHandler(endpoint, func(ctx context.Context, _ any, body json.RawMessage) (any, error) { return h(ctx, body) })
}

// setHandler is what the generated Handle<Endpoint> methods call.
func (s *Server) setHandler(endpoint string, h handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.handlers, endpoint)
		return
	}
	s.handlers[endpoint] = h
}

type callerKey struct{}

// CallerID returns, inside a handler, the id of the user who made the call,
// or "" for a call without a valid token.
func CallerID(ctx context.Context) string {
	id, _ := ctx.Value(callerKey{}).(string)
	return id
}

// rateLimit is a per-user fixed window.
type rateLimit struct {
	max    int
	per    time.Duration
	window map[string]*rateWindow // by user id ("" for calls without a token)
}

type rateWindow struct {
	start time.Time
	count int
}

// SetRateLimit limits endpoint to max calls per caller in every period per,
// as Misskey's limiter does: a call over the limit gets 429
// RATE_LIMIT_EXCEEDED with Retry-After (whole seconds until the window ends)
// and the limiter state in info. max <= 0 removes the limit.
func (s *Server) SetRateLimit(endpoint string, max int, per time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if max <= 0 || per <= 0 {
		delete(s.limits, endpoint)
		return
	}
	s.limits[endpoint] = &rateLimit{max: max, per: per, window: map[string]*rateWindow{}}
}

// limitLocked counts a call and returns the 429 to answer, or nil.
func (s *Server) limitLocked(endpoint, userID string, now time.Time) (*misskey.APIError, time.Duration) {
	l := s.limits[endpoint]
	if l == nil {
		return nil, 0
	}
	w := l.window[userID]
	if w == nil || now.Sub(w.start) >= l.per {
		w = &rateWindow{start: now}
		l.window[userID] = w
	}
	if w.count < l.max {
		w.count++
		return nil, 0
	}
	reset := w.start.Add(l.per)
	info, _ := json.Marshal(map[string]any{
		"remaining": 0,
		"reset":     reset.Unix(),
		"resetMs":   reset.UnixMilli(),
		"total":     l.max,
	})
	e := *misskey.ErrRateLimitExceeded
	e.Endpoint = ""
	e.Info = info
	return &e, reset.Sub(now)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
