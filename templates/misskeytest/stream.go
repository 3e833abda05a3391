package misskeytest

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"
	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// The streaming API at /streaming (see STREAMING.md of misskey-gen): one
// WebSocket per client stream, connections to channels by client-chosen
// ids, note capture, and the events of the server's own Misskey and of
// Emit.

// streamConn is one WebSocket.
type streamConn struct {
	s      *Server
	ws     *websocket.Conn
	userID string
	subs   []*channelSub  // open connections to channels, in order
	notes  map[string]int // captured notes, with the number of subNote frames
	out    chan []byte
	done   chan struct{}
	once   sync.Once
}

// channelSub is a connection to a channel.
type channelSub struct {
	id      string
	channel string
	params  map[string]any
}

// credentialChannels are the channels Misskey opens only for a signed-in
// user; it ignores a connect to them without a token.
var credentialChannels = map[string]bool{
	"main": true, "homeTimeline": true, "hybridTimeline": true, "drive": true, "userList": true,
	"antenna": true, "admin": true, "reversi": true, "reversiGame": true, "chatUser": true,
	"chatRoom": true,
}

// streamQueue is how many frames wait for a slow client before the server
// drops its socket.
const streamQueue = 1024

func (s *Server) serveStream(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("i")
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "server closed", http.StatusServiceUnavailable)
		return
	}
	userID := ""
	if tok != "" {
		t := s.st.tokens[tok]
		if t == nil {
			s.mu.Unlock()
			a := errorAnswer(misskey.ErrAuthenticationFailed, 0)
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write(a.body)
			return
		}
		userID = t.userID
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ws.SetReadLimit(1 << 20)
	c := &streamConn{s: s, ws: ws, userID: userID, notes: map[string]int{}, out: make(chan []byte, streamQueue), done: make(chan struct{})}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.CloseNow()
		return
	}
	s.streams[c] = true
	s.notifyLocked()
	s.mu.Unlock()

	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop()
	}()
	c.readLoop()
	c.drop()
	<-writerDone
	s.mu.Lock()
	delete(s.streams, c)
	s.notifyLocked()
	s.mu.Unlock()
}

// drop closes the socket at once, as a crashing server or a dead network
// would. The client sees the connection fail and dials again.
func (c *streamConn) drop() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.CloseNow()
	})
}

func (c *streamConn) writeLoop() {
	for {
		select {
		case <-c.done:
			return
		case frame := <-c.out:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := c.ws.Write(ctx, websocket.MessageText, frame)
			cancel()
			if err != nil {
				c.drop()
				return
			}
		}
	}
}

// sendLocked queues a frame; a client that does not keep up is dropped.
// s.mu must be held.
func (c *streamConn) sendLocked(frame []byte) {
	select {
	case <-c.done:
	case c.out <- frame:
	default:
		c.s.log("a stream of user %q stopped reading; dropping it", c.userID)
		c.drop()
	}
}

func (c *streamConn) readLoop() {
	for {
		typ, data, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		if typ != websocket.MessageText || string(data) == "h" {
			continue
		}
		var f struct {
			Type string          `json:"type"`
			Body json.RawMessage `json:"body"`
		}
		if json.Unmarshal(data, &f) != nil {
			continue // Misskey ignores frames that are not JSON
		}
		var body struct {
			ID      string          `json:"id"`
			Channel string          `json:"channel"`
			Params  json.RawMessage `json:"params"`
			Pong    bool            `json:"pong"`
		}
		_ = json.Unmarshal(f.Body, &body)
		c.s.mu.Lock()
		c.handleLocked(f.Type, body.ID, body.Channel, body.Params, body.Pong)
		c.s.notifyLocked()
		c.s.mu.Unlock()
	}
}

func (c *streamConn) handleLocked(typ, id, channel string, params json.RawMessage, pong bool) {
	switch typ {
	case "connect":
		if id == "" || channel == "" || (credentialChannels[channel] && c.userID == "") {
			return
		}
		p := map[string]any{}
		if len(params) > 0 {
			if v, err := decodeJSON(params); err == nil {
				if m, ok := v.(map[string]any); ok {
					p = m
				}
			}
		}
		c.subs = append(c.subs, &channelSub{id: id, channel: channel, params: p})
		if pong {
			c.sendLocked(mustJSON(object{"type": "connected", "body": object{"id": id}}))
		}
	case "disconnect":
		c.subs = slices.DeleteFunc(c.subs, func(x *channelSub) bool { return x.id == id })
	case "subNote", "s", "sr":
		if id != "" {
			c.notes[id]++
		}
	case "unsubNote", "un":
		delete(c.notes, id)
	}
}

// An Event is a frame Emit sends to connected streams.
type Event struct {
	frame   func(sub *channelSub) []byte
	channel string // channel events: the channel
	noteID  string // note updates: the note
	user    string // when set, only the streams of this user
	all     bool   // broadcast
}

// ChannelEvent is an event of a channel, {"type":"channel","body":{"id":…,
// "type":typ,"body":body}}, sent to every connection to that channel (such
// as "main", "homeTimeline"). body is encoded with encoding/json: a value of
// the client's types (a *misskey.Note, a *misskey.Notification), a map, or
// a json.RawMessage.
func ChannelEvent(channel, typ string, body any) Event {
	b := mustJSON(body)
	return Event{channel: channel, frame: func(sub *channelSub) []byte {
		return mustJSON(object{"type": "channel", "body": object{"id": sub.id, "type": typ, "body": json.RawMessage(b)}})
	}}
}

// NoteUpdate is a change of a captured note, {"type":"noteUpdated","body":
// {"id":noteID,"type":typ,"body":body}}, sent to every stream that captures
// the note: typ is "reacted", "unreacted", "pollVoted" or "deleted".
func NoteUpdate(noteID, typ string, body any) Event {
	frame := mustJSON(object{"type": "noteUpdated", "body": object{"id": noteID, "type": typ, "body": json.RawMessage(mustJSON(body))}})
	return Event{noteID: noteID, frame: func(*channelSub) []byte { return frame }}
}

// Broadcast is a top-level frame {"type":typ,"body":body} sent to every
// stream, as Misskey sends "emojiAdded" or "announcementCreated".
func Broadcast(typ string, body any) Event {
	frame := mustJSON(object{"type": typ, "body": json.RawMessage(mustJSON(body))})
	return Event{all: true, frame: func(*channelSub) []byte { return frame }}
}

// RawFrame sends frame, as it is, to every stream (to test how a client
// copes with a frame it cannot read).
func RawFrame(frame []byte) Event {
	f := append([]byte(nil), frame...)
	return Event{all: true, frame: func(*channelSub) []byte { return f }}
}

// To restricts the event to the streams of one user.
func (e Event) To(userID string) Event {
	e.user = userID
	return e
}

// Emit sends the event to the connected streams it is for and returns how
// many frames it sent.
func (s *Server) Emit(ev Event) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emitLocked(ev)
}

func (s *Server) emitLocked(ev Event) int {
	n := 0
	for _, c := range s.sortedStreamsLocked() {
		if ev.user != "" && c.userID != ev.user {
			continue
		}
		switch {
		case ev.all:
			c.sendLocked(ev.frame(nil))
			n++
		case ev.noteID != "":
			if c.notes[ev.noteID] > 0 {
				c.sendLocked(ev.frame(nil))
				n++
			}
		default:
			for _, sub := range c.subs {
				if sub.channel == ev.channel {
					c.sendLocked(ev.frame(sub))
					n++
				}
			}
		}
	}
	return n
}

// sortedStreamsLocked returns the open streams in a stable order.
func (s *Server) sortedStreamsLocked() []*streamConn {
	out := make([]*streamConn, 0, len(s.streams))
	for c := range s.streams {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *streamConn) int {
		switch {
		case a.userID < b.userID:
			return -1
		case a.userID > b.userID:
			return 1
		}
		return 0
	})
	return out
}

// publishLocked sends an event of the server's own Misskey to the
// connections that match: body is built per connection (notes are packed for
// the stream's user).
func (s *Server) publishLocked(match func(c *streamConn, sub *channelSub) bool, typ string, body func(viewer string) []byte) {
	for _, c := range s.sortedStreamsLocked() {
		for _, sub := range c.subs {
			if !match(c, sub) {
				continue
			}
			c.sendLocked(mustJSON(object{"type": "channel", "body": object{"id": sub.id, "type": typ, "body": json.RawMessage(body(c.userID))}}))
		}
	}
}

// publishMainLocked sends an event to the main channel of one user.
func (s *Server) publishMainLocked(userID, typ string, body []byte) {
	s.publishLocked(func(c *streamConn, sub *channelSub) bool {
		return c.userID == userID && sub.channel == "main"
	}, typ, func(string) []byte { return body })
}

// DropStreams closes every stream's socket at once, as a restarting server
// would, and returns how many it closed. The dropped streams are gone when
// it returns (Connected no longer sees their connections), so a
// WaitConnected after it waits for the clients to dial again; the server
// accepts them as before.
func (s *Server) DropStreams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.streams {
		c.drop()
		delete(s.streams, c)
		n++
	}
	s.notifyLocked()
	return n
}

// Connected reports whether a stream of the user ("" for any user, or a
// stream without a token) has a connection to the channel.
func (s *Server) Connected(userID, channel string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.streams {
		if userID != "" && c.userID != userID {
			continue
		}
		for _, sub := range c.subs {
			if sub.channel == channel {
				return true
			}
		}
	}
	return false
}

// WaitConnected waits until a stream of the user ("" for anyone) has a
// connection to the channel: then the events the server sends to it reach
// the client.
func (s *Server) WaitConnected(ctx context.Context, userID, channel string) error {
	return s.Wait(ctx, func() bool { return s.Connected(userID, channel) })
}

// Captured reports whether some stream captures the note (subNote).
func (s *Server) Captured(noteID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.streams {
		if c.notes[noteID] > 0 {
			return true
		}
	}
	return false
}

// WaitCaptured waits until some stream captures the note.
func (s *Server) WaitCaptured(ctx context.Context, noteID string) error {
	return s.Wait(ctx, func() bool { return s.Captured(noteID) })
}

// Streams returns how many streams are connected.
func (s *Server) Streams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.streams)
}
