package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Streaming API.
//
// A Stream is one WebSocket to the server's /streaming endpoint. Over it the
// client opens connections to channels (Stream.Connect and the typed helpers
// such as Stream.HomeTimeline), captures notes (Stream.SubNote) and receives
// every event, in the order the server sent it, on Stream.Events.
//
// When the socket drops, the stream dials again with exponential backoff and
// jitter, and sends every open connection (with the same ids) and every note
// subscription again: the server forgets them with the socket. The gap is
// reported in-band by an EventDisconnected and an EventReconnected event;
// events the server produced in between are lost, so an application that
// needs them fetches them over the REST API after EventReconnected.
//
// Only Client.Stream waits for the network, within its context. The other
// calls queue their frames for the stream's writer and return at once,
// whatever the server does, and Close returns within StreamCloseTimeout. A
// server that stops reading, or stops answering pings, is treated as gone.

// ErrStreamClosed is returned by the methods of a Stream, or of one of its
// connections, after the stream or the connection was closed.
var ErrStreamClosed = errors.New("misskey: stream closed")

// ErrStreamDisconnected is returned by Stream.Send and Connection.Send when
// the socket is down and the stream is dialing again, or when the server has
// stopped reading what the client sends, which drops the socket. Such
// messages are not kept: they would make no sense to the new socket.
var ErrStreamDisconnected = errors.New("misskey: stream disconnected, reconnecting")

// Defaults of the StreamOptions.
const (
	DefaultStreamMinBackoff  = time.Second
	DefaultStreamMaxBackoff  = 30 * time.Second
	DefaultStreamHeartbeat   = 60 * time.Second
	DefaultStreamEventBuffer = 64
)

// StreamCloseTimeout bounds Stream.Close, and the end of a stream whose
// context is done: frames still queued are written and the close frame is
// sent, and when the server has not answered it within this time the socket
// is dropped without its answer.
const StreamCloseTimeout = time.Second

const (
	streamDialTimeout  = 30 * time.Second // one handshake
	streamWriteTimeout = 10 * time.Second // one frame
	streamMaxPingWait  = 30 * time.Second // pong deadline, at most
	// streamMaxMissedPings unanswered pings in a row end a connection.
	streamMaxMissedPings = 2
	// streamMaxQueued is how many bytes of frames may wait for the server to
	// read them; more means the server stopped reading, and the socket is
	// dropped (the reconnect restores every connection and note).
	streamMaxQueued = 1 << 20
)

// StreamOption configures a Stream.
type StreamOption func(*streamConfig)

type streamConfig struct {
	reconnect  bool
	minBackoff time.Duration
	maxBackoff time.Duration
	heartbeat  time.Duration
	buffer     int
	// decode turns the body of an event into a typed value, with the values
	// that did not fit their types (strict: an error instead). It is
	// decodeStreamEvent, the function the generator writes from the API
	// document; tests replace it.
	decode func(channel, event string, body json.RawMessage, strict bool) (any, []Mismatch, error)
	// decodeChecksJSON: decode fails on a body that is not one JSON value
	// whenever it returns a value, as decodeStreamEvent does; it lets
	// channel frames skip a scan (streaming_fastpath.go).
	decodeChecksJSON bool
}

func defaultStreamConfig() streamConfig {
	return streamConfig{
		reconnect:  true,
		minBackoff: DefaultStreamMinBackoff,
		maxBackoff: DefaultStreamMaxBackoff,
		heartbeat:  DefaultStreamHeartbeat,
		buffer:     DefaultStreamEventBuffer,
		decode:     decodeStreamEvent,

		decodeChecksJSON: true,
	}
}

// WithReconnectBackoff sets the delays between reconnection attempts: the
// first attempt waits about min, each failed attempt doubles the delay up to
// max, and every delay is randomised between half and all of its value. A
// non-positive min or a max below min keeps the defaults
// (DefaultStreamMinBackoff, DefaultStreamMaxBackoff).
func WithReconnectBackoff(min, max time.Duration) StreamOption {
	return func(c *streamConfig) {
		if min > 0 && max >= min {
			c.minBackoff, c.maxBackoff = min, max
		}
	}
}

// WithoutReconnect makes the stream end when its socket drops, instead of
// dialing again. Stream.Err then reports why the socket dropped.
func WithoutReconnect() StreamOption {
	return func(c *streamConfig) { c.reconnect = false }
}

// WithHeartbeat sets how often the stream sends the keep-alive text frame "h"
// (as the official client does, for proxies that close idle sockets) and
// checks with a WebSocket ping that the server still answers; a socket whose
// server stays silent for the ping deadline (the interval, at most 30 s) is
// treated as dropped. d <= 0 turns both off. The default is
// DefaultStreamHeartbeat. Pings from the server are always answered.
func WithHeartbeat(d time.Duration) StreamOption {
	return func(c *streamConfig) { c.heartbeat = d }
}

// WithEventBuffer sets how many events wait in Stream.Events (and in the
// channel of a connection opened with SeparateEvents) before the stream stops
// reading the socket until the application catches up. n < 0 keeps the
// default, DefaultStreamEventBuffer; 0 makes the channels unbuffered.
func WithEventBuffer(n int) StreamOption {
	return func(c *streamConfig) {
		if n >= 0 {
			c.buffer = n
		}
	}
}

// Stream is a connection to the streaming API of the server. Its methods are
// safe for concurrent use.
//
// Every event arrives on Events, which the application must keep reading:
// when its buffer is full the stream stops reading the socket. The stream
// ends, and Events is closed, when the context given to Client.Stream is
// done, when Close is called, or when it cannot continue (see Err).
//
// No method waits for the server. Connect (and the typed helpers), SubNote,
// UnsubNote, Send and Connection.Close record what they do and queue its
// frame, which the stream writes in order; Close waits at most
// StreamCloseTimeout. A server that stops reading what the client sends is
// treated as gone: its socket is dropped and dialed again.
type Stream struct {
	client *Client
	cfg    streamConfig

	ctx    context.Context
	cancel context.CancelCauseFunc
	events chan StreamEvent
	done   chan struct{}

	// reads counts the messages read from the current socket; delivering is
	// set while the reader waits for the application to take an event. The
	// heartbeat uses both to tell a dead server from a busy application.
	reads      atomic.Uint64
	delivering atomic.Bool

	mu     sync.Mutex
	sock   *streamSocket          // the current socket; nil while reconnecting
	conns  map[string]*Connection // open connections by id
	order  []*Connection          // open connections, oldest first
	notes  map[string]int         // captured note ids, with the number of SubNote calls
	nextID uint64
	closed bool  // no new connections: the stream is ending or ended
	err    error // why the stream ended, once it has

	// Shared connections (streaming_shared.go), by channel and parameters.
	// sharedMu is taken before mu, never after.
	sharedMu sync.Mutex
	shared   map[string]*sharedChannel
}

// errStreamCloseCalled is the cancellation cause Close gives the stream's
// context.
var errStreamCloseCalled = errors.New("misskey: stream closed by Close")

// Stream opens a WebSocket to the server's streaming API, at
// ws(s)://HOST/streaming?i=TOKEN: wss for an https base URL, ws for http,
// without the i parameter when the client has no token. The handshake uses
// the client's *http.Client and User-Agent. The token is part of that URL as
// Misskey requires, but never of an error.
//
// If the first handshake fails, Stream returns the error (a *StreamDialError
// when the server answered). Later failures are retried (see
// WithReconnectBackoff) except for 401 and 403, which end the stream.
//
// ctx bounds the whole life of the stream: when it is done the stream closes
// its socket, stops its goroutines and closes Events.
func (c *Client) Stream(ctx context.Context, opts ...StreamOption) (*Stream, error) {
	cfg := defaultStreamConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := newStream(ctx, c, cfg)
	sock, err := s.dial(ctx)
	if err != nil {
		s.cancel(err)
		return nil, err
	}
	s.sock = sock
	go s.run(sock)
	return s, nil
}

// newStream returns a stream that has no socket yet; ctx bounds its life.
func newStream(ctx context.Context, c *Client, cfg streamConfig) *Stream {
	if cfg.decode == nil {
		cfg.decode = decodeStreamEvent
	}
	s := &Stream{
		client: c,
		cfg:    cfg,
		events: make(chan StreamEvent, cfg.buffer),
		done:   make(chan struct{}),
		conns:  map[string]*Connection{},
		notes:  map[string]int{},
	}
	s.ctx, s.cancel = context.WithCancelCause(ctx)
	return s
}

// streamingURL returns ws(s)://HOST[/prefix]/streaming[?i=TOKEN].
func (c *Client) streamingURL() string {
	u := *c.baseURL
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	default:
		u.Scheme = "wss"
	}
	u.Path += "/streaming"
	if u.RawPath != "" {
		u.RawPath += "/streaming"
	}
	u.RawQuery, u.Fragment = "", ""
	if c.token != "" {
		u.RawQuery = "i=" + url.QueryEscape(c.token)
	}
	return u.String()
}

// String describes the stream without its token.
func (s *Stream) String() string {
	u := *s.client.baseURL
	return "misskey.Stream{" + u.String() + "/streaming}"
}

// GoString is String, for %#v.
func (s *Stream) GoString() string { return s.String() }

// Events returns the channel on which the stream delivers its events, in the
// order they happened. It is closed when the stream ends; events already in
// its buffer can still be received after that.
func (s *Stream) Events() <-chan StreamEvent { return s.events }

// Done returns a channel that is closed when the stream has ended: its socket
// is closed, its goroutines have returned and Events is closed.
func (s *Stream) Done() <-chan struct{} { return s.done }

// Err returns why the stream ended: nil while it runs and after Close, the
// context's error when the context given to Client.Stream ended it, and
// otherwise the error that ended it (with WithoutReconnect, why the socket
// dropped; else a *StreamDialError with status 401 or 403). It is set before
// Events is closed.
func (s *Stream) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close closes the socket (with a WebSocket close frame), stops the stream's
// goroutines, closes Events and the channels of its connections, and waits
// for all of that: at most about StreamCloseTimeout, however the server
// behaves. Frames queued before Close are written first, within that time.
// It is safe to call more than once and from any goroutine, including the
// one that reads Events. It always returns nil.
func (s *Stream) Close() error {
	s.cancel(errStreamCloseCalled)
	<-s.done
	return nil
}

// ConnectOption configures one connection to a channel.
type ConnectOption func(*connectConfig)

type connectConfig struct {
	separate bool
	shared   bool
}

// SeparateEvents delivers the connection's events (and its EventConnected)
// on Connection.Events instead of Stream.Events, so that a goroutine can
// handle one channel on its own. The stream also sends EventDisconnected and
// EventReconnected there. Events that belong to no connection (broadcasts,
// note updates, unknown frames) still arrive on Stream.Events, which must
// therefore still be read.
func SeparateEvents() ConnectOption {
	return func(c *connectConfig) { c.separate = true }
}

// Connection is one connection to a channel of the stream, such as
// "homeTimeline". Its methods are safe for concurrent use.
type Connection struct {
	s       *Stream
	id      string
	channel string
	connect []byte // the connect frame, sent again after each reconnect

	events chan StreamEvent // nil unless opened with SeparateEvents
	done   chan struct{}    // closed by Close and when the stream ends
	once   sync.Once

	closed bool // under s.mu

	sendMu   sync.Mutex // held by the reader while it delivers to events
	evClosed bool       // under sendMu: events is closed

	// pool is the server-side connection a connection opened with Shared
	// subscribes to; nil for other connections.
	pool *sharedChannel
}

// String describes the connection, e.g. "misskey.Connection{homeTimeline 3}".
func (c *Connection) String() string {
	return "misskey.Connection{" + c.channel + " " + c.id + "}"
}

// ID returns the connection id the client chose; events carry it as
// StreamEvent.ConnectionID.
func (c *Connection) ID() string { return c.id }

// Channel returns the name of the channel, e.g. "homeTimeline".
func (c *Connection) Channel() string { return c.channel }

// Events returns the channel of the connection's events when it was opened
// with SeparateEvents; it is closed by Close and when the stream ends.
// Without SeparateEvents the events arrive on Stream.Events and Events
// returns nil.
func (c *Connection) Events() <-chan StreamEvent { return c.events }

// Done returns a channel that is closed when the connection is closed, by
// Close or because the stream ended.
func (c *Connection) Done() <-chan struct{} { return c.done }

// Connect opens a connection to the named channel. params is encoded as JSON
// (nil sends {}). The connection is recorded first and then announced to the
// server, so it is also restored after every reconnect; Connect fails only
// when params cannot be encoded or the stream is closed. It does not wait
// for the server: the connect frame is queued.
//
// The server acknowledges the connection with an EventConnected event; events
// of the channel may come before it. The typed helpers (Main, HomeTimeline,
// ...) call Connect with the right channel name and parameters.
func (s *Stream) Connect(channel string, params any, opts ...ConnectOption) (*Connection, error) {
	var cc connectConfig
	for _, o := range opts {
		o(&cc)
	}
	if cc.shared {
		return s.connectShared(channel, params)
	}
	p, err := streamParams(params)
	if err != nil {
		return nil, fmt.Errorf("misskey: stream: connect %s: params: %w", channel, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.endedLocked() {
		return nil, ErrStreamClosed
	}
	s.nextID++
	id := strconv.FormatUint(s.nextID, 10)
	frame, err := json.Marshal(streamOutFrame{Type: "connect", Body: streamConnectBody{
		Channel: channel, ID: id, Params: p, Pong: true,
	}})
	if err != nil {
		return nil, fmt.Errorf("misskey: stream: connect %s: %w", channel, err)
	}
	c := &Connection{s: s, id: id, channel: channel, connect: frame, done: make(chan struct{})}
	if cc.separate {
		c.events = make(chan StreamEvent, s.cfg.buffer)
	}
	s.conns[id] = c
	s.order = append(s.order, c)
	// Without a socket, or with one the server stopped reading, the
	// reconnect sends the frame.
	_ = s.sendLocked(frame)
	return c, nil
}

// streamParams encodes the params of a connect frame; nil and null become {}.
func streamParams(params any) (json.RawMessage, error) {
	if params == nil {
		return json.RawMessage("{}"), nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return json.RawMessage("{}"), nil
	}
	return b, nil
}

// Close disconnects from the channel: it queues a disconnect frame, stops
// delivering the connection's events (events already waiting in
// Stream.Events stay there) and closes the connection's own channel, if any.
// It does not wait for the server. It is safe to call more than once; it
// always returns nil, since a connection that could not be told to the
// server is not restored after the reconnect either.
func (c *Connection) Close() error {
	if c.pool != nil {
		c.pool.leave(c)
		return nil
	}
	s := c.s
	s.mu.Lock()
	if !c.closed {
		c.closed = true
		delete(s.conns, c.id)
		for i, o := range s.order {
			if o == c {
				s.order = append(s.order[:i:i], s.order[i+1:]...)
				break
			}
		}
		if frame, err := json.Marshal(streamOutFrame{Type: "disconnect", Body: streamIDBody{ID: c.id}}); err == nil {
			_ = s.sendLocked(frame)
		}
	}
	s.mu.Unlock()
	c.closeEvents()
	return nil
}

// Send sends a message to the channel, {"type":"ch","body":{"id":ID,
// "type":typ,"body":body}}, such as "requestLog" on serverStats or
// "putStone" on reversiGame. It queues the frame and does not wait for the
// server; the stream writes queued frames in order. Unlike connections,
// messages are not kept for the next socket: while the stream reconnects
// Send fails with ErrStreamDisconnected, and a message still queued when the
// socket drops is lost, as one the network lost would be.
func (c *Connection) Send(typ string, body any) error {
	frame, err := json.Marshal(streamOutFrame{Type: "ch", Body: streamChannelBody{ID: c.id, Type: typ, Body: body}})
	if err != nil {
		return fmt.Errorf("misskey: stream: %s: send %s: %w", c.channel, typ, err)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.closed || s.endedLocked() {
		return ErrStreamClosed
	}
	if err := s.sendLocked(frame); err != nil {
		return fmt.Errorf("misskey: stream: %s: send %s: %w", c.channel, typ, err)
	}
	return nil
}

// closeEvents closes done and, once the reader is not delivering to it, the
// connection's own event channel.
func (c *Connection) closeEvents() {
	c.once.Do(func() { close(c.done) })
	c.sendMu.Lock()
	if c.events != nil && !c.evClosed {
		c.evClosed = true
		close(c.events)
	}
	c.sendMu.Unlock()
}

// deliver sends ev on the connection's own channel. It returns false when the
// stream is ending; an event for a closed connection is dropped.
func (c *Connection) deliver(ev StreamEvent, stop <-chan struct{}) bool {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	if c.evClosed {
		return true
	}
	select {
	case c.events <- ev:
		return true
	default:
	}
	select {
	case c.events <- ev:
		return true
	case <-c.done:
		return true
	case <-stop:
		return false
	}
}

// SubNote starts capturing a note: the server then sends its reactions, poll
// votes and deletion as EventNoteUpdated events. Subscriptions are counted,
// as on the server: a note stays captured until UnsubNote was called as many
// times as SubNote. They are restored after every reconnect. SubNote does
// not wait for the server: the frame is queued.
func (s *Stream) SubNote(noteID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.endedLocked() {
		return ErrStreamClosed
	}
	s.notes[noteID]++
	if s.notes[noteID] == 1 {
		if frame, err := json.Marshal(streamOutFrame{Type: "subNote", Body: streamIDBody{ID: noteID}}); err == nil {
			_ = s.sendLocked(frame)
		}
	}
	return nil
}

// UnsubNote undoes one SubNote call for the note; the last one tells the
// server to stop capturing it (the frame is queued, as for SubNote). Updates
// already on their way may still arrive.
func (s *Stream) UnsubNote(noteID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.endedLocked() {
		return ErrStreamClosed
	}
	n, ok := s.notes[noteID]
	if !ok {
		return nil
	}
	if n > 1 {
		s.notes[noteID] = n - 1
		return nil
	}
	delete(s.notes, noteID)
	if frame, err := json.Marshal(streamOutFrame{Type: "unsubNote", Body: streamIDBody{ID: noteID}}); err == nil {
		_ = s.sendLocked(frame)
	}
	return nil
}

// Send sends a top-level frame {"type":typ,"body":body}, for messages this
// package has no method for (e.g. "readNotification" on old servers). Like
// Connection.Send it queues the frame, is not repeated after a reconnect,
// and fails with ErrStreamDisconnected while the stream reconnects.
func (s *Stream) Send(typ string, body any) error {
	frame, err := json.Marshal(streamOutFrame{Type: typ, Body: body})
	if err != nil {
		return fmt.Errorf("misskey: stream: send %s: %w", typ, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.endedLocked() {
		return ErrStreamClosed
	}
	if err := s.sendLocked(frame); err != nil {
		return fmt.Errorf("misskey: stream: send %s: %w", typ, err)
	}
	return nil
}

// Frames the client sends.
type streamOutFrame struct {
	Type string `json:"type"`
	Body any    `json:"body"`
}

type streamConnectBody struct {
	Channel string          `json:"channel"`
	ID      string          `json:"id"`
	Params  json.RawMessage `json:"params"`
	Pong    bool            `json:"pong"`
}

type streamIDBody struct {
	ID string `json:"id"`
}

type streamChannelBody struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Body any    `json:"body"`
}

// endedLocked reports whether the stream is ending or has ended. s.mu must
// be held.
func (s *Stream) endedLocked() bool {
	return s.closed || s.ctx.Err() != nil
}

// sendLocked queues one text frame for the current socket. s.mu must be
// held, which keeps frames in the order of the calls and after the replay of
// a reconnect. It never waits: the socket's writer writes the queue. When
// the server has left too much unread (streamMaxQueued), the socket is
// dropped, to be dialed again, and the frame is not queued.
func (s *Stream) sendLocked(frame []byte) error {
	if s.sock == nil {
		return ErrStreamDisconnected
	}
	if !s.sock.push(frame, false) {
		s.sock.drop()
		return ErrStreamDisconnected
	}
	return nil
}

// streamSocket is one WebSocket of a stream, with the queue of frames its
// writer goroutine (writeLoop) writes in order.
type streamSocket struct {
	ws *websocket.Conn
	// conn is the connection under ws: closing it fails every read and
	// write of ws at once, which nothing of the WebSocket library can do
	// while it waits for the server's answer to a close frame.
	conn io.Closer
	// ctx is the context of every read and write on ws; drop cancels it.
	// It is not derived from the stream's context, whose end must let the
	// close frame out first.
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	queue  [][]byte
	queued int           // bytes in queue
	wake   chan struct{} // a frame was queued
	flush  chan struct{} // closed: write what is queued, then return
	done   chan struct{} // closed when writeLoop has returned
}

func newStreamSocket(ws *websocket.Conn, conn io.Closer) *streamSocket {
	k := &streamSocket{
		ws:    ws,
		conn:  conn,
		wake:  make(chan struct{}, 1),
		flush: make(chan struct{}),
		done:  make(chan struct{}),
	}
	k.ctx, k.cancel = context.WithCancel(context.Background())
	return k
}

// push queues frame; unless force, it refuses when streamMaxQueued bytes
// already wait.
func (k *streamSocket) push(frame []byte, force bool) bool {
	k.mu.Lock()
	if !force && k.queued > 0 && k.queued+len(frame) > streamMaxQueued {
		k.mu.Unlock()
		return false
	}
	k.queue = append(k.queue, frame)
	k.queued += len(frame)
	k.mu.Unlock()
	select {
	case k.wake <- struct{}{}:
	default:
	}
	return true
}

// next takes the oldest queued frame.
func (k *streamSocket) next() ([]byte, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.queue) == 0 {
		return nil, false
	}
	f := k.queue[0]
	k.queue[0] = nil
	k.queue = k.queue[1:]
	k.queued -= len(f)
	return f, true
}

// drop makes the socket fail now: its reader and writer return, and the
// stream dials again. It does not wait.
func (k *streamSocket) drop() {
	k.cancel()
	if k.conn != nil {
		_ = k.conn.Close()
	}
}

// write writes one text frame, within streamWriteTimeout.
func (k *streamSocket) write(frame []byte) error {
	ctx, cancel := context.WithTimeout(k.ctx, streamWriteTimeout)
	defer cancel()
	return k.ws.Write(ctx, websocket.MessageText, frame)
}

// writeLoop writes the queued frames in order until the socket fails or is
// dropped, or flush is closed and the queue is empty. A write that fails, or
// takes streamWriteTimeout (the server stopped reading), drops the socket.
func (k *streamSocket) writeLoop() {
	defer close(k.done)
	for {
		for f, ok := k.next(); ok; f, ok = k.next() {
			if k.write(f) != nil {
				k.drop()
				return
			}
		}
		select {
		case <-k.wake:
		case <-k.flush:
			for f, ok := k.next(); ok; f, ok = k.next() {
				if k.write(f) != nil {
					k.drop()
					return
				}
			}
			return
		case <-k.ctx.Done():
			return
		}
	}
}

// shutdown writes what is queued, closes the socket with a close frame and
// waits for the server's answer, all within StreamCloseTimeout; then the
// socket is dropped whatever the server does (the library alone would wait
// up to 10 s for a server that ignores the close frame).
func (k *streamSocket) shutdown() {
	t := time.AfterFunc(StreamCloseTimeout, k.drop)
	defer t.Stop()
	close(k.flush)
	<-k.done
	_ = k.ws.Close(websocket.StatusNormalClosure, "")
	k.drop()
}

// run supervises the stream: it serves the socket, reconnects when it drops,
// and ends the stream.
func (s *Stream) run(sock *streamSocket) {
	defer s.finish()
	for {
		lost := s.serve(sock)
		if lost == nil || s.ctx.Err() != nil {
			return
		}
		if !s.cfg.reconnect {
			s.fail(lost)
			return
		}
		if !s.broadcastState(StreamEvent{Kind: EventDisconnected, Err: lost}) {
			return
		}
		var err error
		sock, err = s.redial()
		if err != nil {
			if s.ctx.Err() == nil {
				s.fail(err)
			}
			return
		}
		if !s.broadcastState(StreamEvent{Kind: EventReconnected}) {
			return
		}
	}
}

// serve runs the socket's reader and writer until it drops (and returns
// why) or the stream's context is done (and returns nil, after closing the
// socket within StreamCloseTimeout).
//
// Nothing that writes to the socket may use a context derived from the
// stream's: the WebSocket library drops the socket when the context of a
// write ends during the write, and the close frame would be lost.
func (s *Stream) serve(sock *streamSocket) error {
	ws := sock.ws
	s.reads.Store(0)
	go sock.writeLoop()
	readErr := make(chan error, 1)
	go func() { readErr <- s.readLoop(sock) }()

	var tick <-chan time.Time
	if s.cfg.heartbeat > 0 {
		t := time.NewTicker(s.cfg.heartbeat)
		defer t.Stop()
		tick = t.C
	}
	var (
		beat   chan error // non-nil while a heartbeat is under way
		dead   error      // the server stopped answering
		missed int        // unanswered pings in a row
	)
	// stop waits for the reader, the writer and the heartbeat, once the
	// socket is closing.
	stop := func() {
		<-readErr
		<-sock.done
		if beat != nil {
			<-beat
		}
	}
	for {
		select {
		case err := <-readErr:
			readErr <- err // for stop
			s.detach(sock)
			if s.ctx.Err() != nil {
				sock.shutdown()
				stop()
				return nil
			}
			sock.drop()
			_ = ws.CloseNow()
			stop()
			if dead != nil {
				return dead
			}
			return escapeError(fmt.Errorf("misskey: stream: connection lost: %w", err))
		case <-s.ctx.Done():
			s.detach(sock)
			// The reader keeps reading: it sees the server's answer to the
			// close frame, or the socket closing, and returns.
			sock.shutdown()
			stop()
			return nil
		case <-tick:
			if beat == nil && dead == nil {
				beat = make(chan error, 1)
				go func() { beat <- s.heartbeat(sock) }()
			}
		case err := <-beat:
			beat = nil
			if err == nil {
				missed = 0
				continue
			}
			// One late pong can be a busy machine; two in a row, with
			// nothing read meanwhile, is a server that is gone.
			if missed++; missed >= streamMaxMissedPings && dead == nil {
				dead = err
				sock.drop()
				_ = ws.CloseNow() // the reader fails and returns
			}
		}
	}
}

// heartbeat sends "h" and pings the server. It returns an error when the
// server did not answer and nothing else came from it meanwhile.
func (s *Stream) heartbeat(sock *streamSocket) error {
	if !sock.push([]byte("h"), false) {
		sock.drop() // the server stopped reading: the reader sees the socket fail
		return nil
	}
	wait := min(s.cfg.heartbeat, streamMaxPingWait)
	before := s.reads.Load()
	ctx, cancel := context.WithTimeout(sock.ctx, wait)
	err := sock.ws.Ping(ctx)
	cancel()
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		return nil // answered, or the socket failed: the reader sees it
	}
	// The pong is read by the reader, which may be waiting for the
	// application to take an event: that is a slow application, not a dead
	// server.
	if s.reads.Load() != before || s.delivering.Load() {
		return nil
	}
	return fmt.Errorf("misskey: stream: no answer to a ping within %v", wait)
}

// readLoop reads and delivers frames until the socket fails. Once the
// stream's context is done it goes on reading, and discarding, until the
// socket closes: that is how the close handshake, and its bound, work (see
// streamSocket.shutdown).
func (s *Stream) readLoop(sock *streamSocket) error {
	var buf bytes.Buffer
	for {
		_, r, err := sock.ws.Reader(sock.ctx)
		if err != nil {
			return err
		}
		if s.ctx.Err() != nil {
			if _, err := io.Copy(io.Discard, r); err != nil {
				return err
			}
			continue
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return err
		}
		s.reads.Add(1)
		// Events keep slices of the frame: each frame gets its own copy.
		data := bytes.Clone(buf.Bytes())
		if buf.Cap() > 1<<20 {
			buf = bytes.Buffer{}
		}
		ev, c, ok := s.handleFrame(data)
		if !ok {
			continue
		}
		s.deliver(ev, c) // false: the stream is ending; read on, as above
	}
}

// deliver hands ev to the application, on the connection's own channel when
// it has one. It returns false when the stream's context is done.
func (s *Stream) deliver(ev StreamEvent, c *Connection) bool {
	if c != nil && c.events != nil {
		s.delivering.Store(true)
		ok := c.deliver(ev, s.ctx.Done())
		s.delivering.Store(false)
		return ok
	}
	select {
	case s.events <- ev:
		return true
	default:
	}
	s.delivering.Store(true)
	defer s.delivering.Store(false)
	select {
	case s.events <- ev:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// broadcastState delivers a change of the socket's state on Stream.Events
// and on the channel of every connection opened with SeparateEvents.
func (s *Stream) broadcastState(ev StreamEvent) bool {
	s.mu.Lock()
	var sep []*Connection
	for _, c := range s.order {
		if c.events != nil {
			sep = append(sep, c)
		}
	}
	s.mu.Unlock()
	if !s.deliver(ev, nil) {
		return false
	}
	for _, c := range sep {
		cev := ev
		cev.Connection, cev.Channel, cev.ConnectionID = c, c.channel, c.id
		if !s.deliver(cev, c) {
			return false
		}
	}
	return true
}

// detach forgets sock as the current socket.
func (s *Stream) detach(sock *streamSocket) {
	s.mu.Lock()
	if s.sock == sock {
		s.sock = nil
	}
	s.mu.Unlock()
}

// attach makes sock the current socket and queues for it every open
// connection and note subscription, ahead of anything sent later. It does
// not wait for the server.
func (s *Stream) attach(sock *streamSocket) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.endedLocked() {
		return ErrStreamClosed
	}
	s.sock = sock
	for _, c := range s.order {
		sock.push(c.connect, true)
	}
	notes := make([]string, 0, len(s.notes))
	for id := range s.notes {
		notes = append(notes, id)
	}
	sort.Strings(notes)
	for _, id := range notes {
		if frame, err := json.Marshal(streamOutFrame{Type: "subNote", Body: streamIDBody{ID: id}}); err == nil {
			sock.push(frame, true)
		}
	}
	return nil
}

// redial dials until it has a socket with every subscription queued, the
// stream's context is done, or the server refuses for good (401, 403).
func (s *Stream) redial() (*streamSocket, error) {
	var retryAfter time.Duration
	for attempt := 0; ; attempt++ {
		d := max(s.cfg.backoff(attempt), retryAfter)
		t := time.NewTimer(d)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return nil, s.ctx.Err()
		case <-t.C:
		}
		sock, err := s.dial(s.ctx)
		if err != nil {
			if s.ctx.Err() != nil {
				return nil, s.ctx.Err()
			}
			retryAfter = 0
			var de *StreamDialError
			if errors.As(err, &de) {
				if de.permanent() {
					return nil, err
				}
				retryAfter = min(de.RetryAfter, s.cfg.maxBackoff)
			}
			continue
		}
		if err := s.attach(sock); err != nil {
			sock.drop()
			_ = sock.ws.CloseNow()
			return nil, err
		}
		return sock, nil
	}
}

// backoff returns the delay before reconnection attempt n (from 0): min·2ⁿ,
// at most max, randomised between half and all of it.
func (c *streamConfig) backoff(n int) time.Duration {
	d := c.minBackoff
	for i := 0; i < n && d < c.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.maxBackoff)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

// fail records the error that ends the stream.
func (s *Stream) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

// finish ends the stream: no more connections, every channel closed.
func (s *Stream) finish() {
	s.mu.Lock()
	s.closed = true
	s.sock = nil
	conns := s.order
	s.order, s.conns, s.notes = nil, map[string]*Connection{}, map[string]int{}
	for _, c := range conns {
		c.closed = true
	}
	if s.err == nil {
		if cause := context.Cause(s.ctx); cause != nil && cause != errStreamCloseCalled {
			s.err = cause
		}
	}
	err := s.err
	s.mu.Unlock()
	for _, c := range conns {
		c.closeEvents()
	}
	if err == nil {
		err = errStreamCloseCalled
	}
	s.cancel(err)
	close(s.events)
	close(s.done)
}

// dial performs one handshake.
func (s *Stream) dial(ctx context.Context) (*streamSocket, error) {
	ctx, cancel := context.WithTimeout(ctx, streamDialTimeout)
	defer cancel()
	h := http.Header{}
	if s.client.userAgent != "" {
		h.Set("User-Agent", s.client.userAgent)
	}
	// A copy of the client (the caller's is not modified) whose transport
	// keeps the connection the handshake switches to WebSocket.
	hc := *s.client.httpClient
	st := &streamTransport{base: hc.Transport}
	if st.base == nil {
		st.base = http.DefaultTransport
	}
	hc.Transport = st
	// The URL holds the token: it is made here and never kept or shown.
	u := s.client.streamingURL()
	ws, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{
		HTTPClient: &hc,
		HTTPHeader: h,
	})
	if err != nil {
		return nil, s.dialError(resp, err)
	}
	// As for calls (see WithHTTPClient): a socket reached through a redirect
	// the caller's HTTP client followed is another server's.
	if r := resp.Request; r != nil && r.Response != nil && !sameStreamTarget(r.URL, u) {
		_ = ws.CloseNow()
		first := r
		for first.Response.Request != nil && first.Response.Request.Response != nil {
			first = first.Response.Request
		}
		tok := s.client.token
		return nil, &StreamDialError{
			StatusCode: first.Response.StatusCode,
			msg: "misskey: stream: dial: redirected to " + serverText(first.URL.String(), tok) +
				" (the HTTP client followed it to " + serverText(r.URL.String(), tok) + "); the streaming endpoint is never redirected: check the base URL",
		}
	}
	limit := s.client.maxBody
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	ws.SetReadLimit(limit)
	return newStreamSocket(ws, st.conn), nil
}

// streamTransport keeps the connection of the handshake's 101 answer, which
// is the WebSocket's connection.
type streamTransport struct {
	base http.RoundTripper
	conn io.Closer
}

func (t *streamTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusSwitchingProtocols {
		if c, ok := resp.Body.(io.Closer); ok {
			t.conn = c
		}
	}
	return resp, err
}

// sameStreamTarget reports whether u, the URL the handshake ended at, is the
// streaming URL dialed (whose ws and wss schemes the handshake speaks as
// http and https).
func sameStreamTarget(u *url.URL, dialed string) bool {
	v := *u
	switch v.Scheme {
	case "http":
		v.Scheme = "ws"
	case "https":
		v.Scheme = "wss"
	}
	return v.String() == dialed
}

// StreamDialError is a failed streaming handshake. Neither its text nor any
// error it wraps contains the access token, in any form (as it is, or
// escaped for a URL's query or path), and text the server chose has its
// control characters escaped.
type StreamDialError struct {
	// StatusCode is the HTTP status the server answered the handshake with,
	// or 0 when there was no answer (network error, timeout).
	StatusCode int
	// RetryAfter is the server's Retry-After, if it sent one.
	RetryAfter time.Duration

	msg   string
	cause error
}

func (e *StreamDialError) Error() string { return e.msg }

// Unwrap returns the underlying error, such as a *net.OpError or
// context.DeadlineExceeded, with the token removed from the URL of a
// *url.Error and from the text of every error of the chain.
func (e *StreamDialError) Unwrap() error { return e.cause }

// permanent reports whether dialing again cannot help: the token is invalid
// or the account suspended.
func (e *StreamDialError) permanent() bool {
	return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
}

// dialError turns a handshake failure into a *StreamDialError without the
// token.
func (s *Stream) dialError(resp *http.Response, err error) error {
	tok := s.client.token
	e := &StreamDialError{}
	e.cause, _ = scrubError(err, tok)
	msg := "misskey: stream: dial: " + serverText(err.Error(), tok)
	if resp != nil {
		e.StatusCode = resp.StatusCode
		if resp.Header != nil {
			if sec, perr := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); perr == nil && sec > 0 {
				e.RetryAfter = time.Duration(sec) * time.Second
			}
		}
		if e.StatusCode >= 300 && e.StatusCode < 400 && resp.Header.Get("Location") != "" {
			msg += ": redirected to " + s.client.location(resp) + "; the streaming endpoint is never redirected: check the base URL"
		}
		if resp.Body != nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
			resp.Body.Close()
			if b = bytes.TrimSpace(b); len(b) > 0 && e.StatusCode != http.StatusSwitchingProtocols {
				msg += ": " + string(sanitize(b, tok, 256))
			}
		}
	}
	e.msg = msg
	return e
}
