package templates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// Shared connections, as misskey-js's useChannel: several parts of a program
// subscribe to the same channel with the same parameters, and the server sees
// one connection.

// Shared makes Connect (and the typed helpers: Main, HomeTimeline, ...)
// share one server-side connection among every connection opened with
// Shared to the same channel with the same parameters (compared as JSON, so
// key order does not matter). Each shared connection has its own event
// channel (Shared implies SeparateEvents) with every event of the channel,
// including EventDisconnected and EventReconnected; closing one stops only
// its events, and the server-side connection is closed with the last one.
// After a reconnect the server-side connection is restored once.
//
// A shared connection opened after the server acknowledged the server-side
// connection gets an EventConnected of its own first (without Raw), unless
// its event channel is unbuffered (WithEventBuffer(0)).
func Shared() ConnectOption {
	return func(c *connectConfig) { c.shared = true }
}

// sharedChannel is one server-side connection and the connections that
// share it.
type sharedChannel struct {
	s       *Stream
	key     string      // channel and canonical parameters
	primary *Connection // the server-side connection, opened with SeparateEvents

	mu     sync.Mutex
	subs   []*Connection // in the order they were opened
	acked  bool          // the server acknowledged primary on the current socket
	closed bool          // the last subscriber left, or the stream ended
}

// sharedKey identifies a channel and its parameters: the parameters are
// decoded and encoded again, which sorts object keys.
func sharedKey(channel string, params json.RawMessage) (string, error) {
	d := json.NewDecoder(bytes.NewReader(params))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return channel + "\x00" + string(b), nil
}

// connectShared opens a connection that shares the server-side connection
// of channel with params, opening that one first if there is none.
func (s *Stream) connectShared(channel string, params any) (*Connection, error) {
	p, err := streamParams(params)
	if err != nil {
		return nil, fmt.Errorf("misskey: stream: connect %s: params: %w", channel, err)
	}
	key, err := sharedKey(channel, p)
	if err != nil {
		return nil, fmt.Errorf("misskey: stream: connect %s: params: %w", channel, err)
	}
	s.sharedMu.Lock()
	defer s.sharedMu.Unlock()
	sc := s.shared[key]
	if sc != nil {
		sc.mu.Lock()
		closed := sc.closed
		sc.mu.Unlock()
		if closed { // the stream ended
			delete(s.shared, key)
			return nil, ErrStreamClosed
		}
	} else {
		primary, err := s.Connect(channel, p, SeparateEvents())
		if err != nil {
			return nil, err
		}
		sc = &sharedChannel{s: s, key: key, primary: primary}
		if s.shared == nil {
			s.shared = map[string]*sharedChannel{}
		}
		s.shared[key] = sc
		go sc.run()
	}
	c := &Connection{
		s:       s,
		id:      sc.primary.id,
		channel: channel,
		events:  make(chan StreamEvent, s.cfg.buffer),
		done:    make(chan struct{}),
		pool:    sc,
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.closed {
		return nil, ErrStreamClosed
	}
	if sc.acked && cap(c.events) > 0 {
		// Nothing else can have written to the new channel yet.
		c.events <- StreamEvent{Kind: EventConnected, Channel: channel, ConnectionID: c.id, Connection: c, Type: EventTypeConnected}
	}
	sc.subs = append(sc.subs, c)
	return c, nil
}

// run hands every event of the server-side connection to each subscriber,
// in order, until that connection is closed (by the last leave, or when the
// stream ends); then it closes the subscribers' channels.
func (sc *sharedChannel) run() {
	stop := sc.s.ctx.Done()
	for ev := range sc.primary.events {
		sc.mu.Lock()
		switch ev.Kind {
		case EventConnected:
			sc.acked = true
		case EventDisconnected, EventReconnected:
			sc.acked = false
		}
		subs := slices.Clone(sc.subs)
		sc.mu.Unlock()
		for _, c := range subs {
			cev := ev
			cev.Connection = c
			// false: the stream is ending; the loop drains what is left.
			c.deliver(cev, stop)
		}
	}
	sc.mu.Lock()
	sc.closed = true
	subs := sc.subs
	sc.subs = nil
	sc.mu.Unlock()
	for _, c := range subs {
		c.closeEvents()
	}
}

// leave closes subscriber c; the last one closes the server-side
// connection.
func (sc *sharedChannel) leave(c *Connection) {
	s := sc.s
	s.sharedMu.Lock()
	sc.mu.Lock()
	found := false
	for i, x := range sc.subs {
		if x == c {
			sc.subs = slices.Delete(sc.subs, i, i+1)
			found = true
			break
		}
	}
	last := found && len(sc.subs) == 0 && !sc.closed
	if last {
		sc.closed = true
	}
	sc.mu.Unlock()
	if last && s.shared[sc.key] == sc {
		delete(s.shared, sc.key)
	}
	s.sharedMu.Unlock()
	c.closeEvents()
	if last {
		sc.primary.Close()
	}
}
