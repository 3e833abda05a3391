package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// EventKind says what a StreamEvent is.
type EventKind uint8

const (
	// EventUnknown is a frame the client does not recognise: a top-level
	// type it does not know (Type and Body hold the frame's "type" and
	// "body"; Value is set if the API document gives the type a body type),
	// or a frame it cannot read (Err says why, Raw holds the frame).
	EventUnknown EventKind = iota
	// EventChannel is an event of a connection ("channel" frame): Channel,
	// ConnectionID, Connection, Type (e.g. "note", "notification") and Body
	// are set, and Value holds the body decoded into the type the API
	// document gives it (e.g. *Note), or nil when it gives none.
	EventChannel
	// EventConnected is the server's acknowledgement of a connection
	// ("connected" frame). Channel, ConnectionID and Connection are set.
	EventConnected
	// EventNoteUpdated is a change of a captured note ("noteUpdated" frame,
	// see Stream.SubNote): NoteID, Type ("reacted", "unreacted", "pollVoted",
	// "deleted") and Body are set, and Value holds a *NoteReacted,
	// *NoteUnreacted, *NotePollVoted or *NoteDeleted (nil for other types).
	EventNoteUpdated
	// EventBroadcast is an event the server sends to every socket
	// ("emojiAdded", "emojiUpdated", "emojiDeleted", "announcementCreated"):
	// Type and Body are set, and Value holds the decoded body when the API
	// document gives it a type.
	EventBroadcast
	// EventDisconnected reports that the socket dropped (Err says why) and
	// that the stream is dialing again.
	EventDisconnected
	// EventReconnected reports a new socket, on which every open connection
	// and captured note has been sent again. Events that happened while the
	// stream was disconnected are lost.
	EventReconnected
)

var eventKindNames = [...]string{
	EventUnknown:      "unknown",
	EventChannel:      "channel",
	EventConnected:    "connected",
	EventNoteUpdated:  "noteUpdated",
	EventBroadcast:    "broadcast",
	EventDisconnected: "disconnected",
	EventReconnected:  "reconnected",
}

func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// StreamEvent is one event of a Stream.
type StreamEvent struct {
	Kind EventKind
	// Channel is the name of the channel of the connection ("main",
	// "homeTimeline", ...) for EventChannel and EventConnected.
	Channel string
	// ConnectionID is the id of the connection (Connection.ID).
	ConnectionID string
	// Connection is the connection the event belongs to, if any.
	Connection *Connection
	// Type is the type of the event: the channel's event type for
	// EventChannel ("note", "notification", "mention", ...), the update type
	// for EventNoteUpdated, and the frame's type for EventBroadcast,
	// EventUnknown and EventConnected ("connected"). The EventType constants
	// name the types Misskey sends.
	Type EventType
	// NoteID is the captured note of an EventNoteUpdated.
	NoteID string
	// Body is the event's payload as the server sent it.
	Body json.RawMessage
	// Value is Body decoded into a typed value, or nil when there is no type
	// for the event or decoding failed (then Err says why).
	Value any
	// Mismatches are the values of Body that did not fit the Go types of
	// Value (kept as sent, in the Extra members of the struct that holds
	// them), with their JSON Pointer in Body. With WithStrictDecoding such
	// a value makes Err instead.
	Mismatches []Mismatch
	// Err is a decoding error for this event alone (the stream goes on), or
	// for EventDisconnected why the socket dropped.
	Err error
	// Raw is the whole frame as received, when the event came from one.
	Raw []byte
}

// ReactionEmoji is the custom emoji of a reaction.
type ReactionEmoji struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// NoteReacted is the Value of a "reacted" note update: someone reacted to a
// captured note.
type NoteReacted struct {
	// Reaction is the reaction, a Unicode emoji or ":name@host:" for a
	// custom emoji (":name@.:" for a local one).
	Reaction string `json:"reaction"`
	// Emoji is the custom emoji of the reaction, nil for a Unicode one.
	Emoji  *ReactionEmoji `json:"emoji"`
	UserID string         `json:"userId"`
}

// NoteUnreacted is the Value of an "unreacted" note update: someone removed
// their reaction.
type NoteUnreacted struct {
	Reaction string `json:"reaction"`
	UserID   string `json:"userId"`
}

// NotePollVoted is the Value of a "pollVoted" note update.
type NotePollVoted struct {
	// Choice is the index of the chosen poll choice, from 0.
	Choice int64  `json:"choice"`
	UserID string `json:"userId"`
}

// NoteDeleted is the Value of a "deleted" note update.
type NoteDeleted struct {
	DeletedAt time.Time `json:"deletedAt"`
}

// decodeNoteUpdate decodes the body of a noteUpdated frame.
func decodeNoteUpdate(typ string, body json.RawMessage) (any, error) {
	var v any
	switch typ {
	case "reacted":
		v = new(NoteReacted)
	case "unreacted":
		v = new(NoteUnreacted)
	case "pollVoted":
		v = new(NotePollVoted)
	case "deleted":
		v = new(NoteDeleted)
	default:
		return nil, nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return nil, err
	}
	return v, nil
}

// streamBroadcasts are the top-level event types a server sends every socket.
var streamBroadcasts = map[string]bool{
	"emojiAdded":          true,
	"emojiUpdated":        true,
	"emojiDeleted":        true,
	"announcementCreated": true,
}

// handleFrame turns one frame into an event. It returns ok = false for a
// frame that must not be delivered: an event of a connection that is closed.
// c is the connection the event belongs to.
//
// The frame is not validated up front: decoding a typed body validates that
// body, and only a frame that no decoder consumed is checked whole, which
// saves a pass over every note on a busy timeline.
func (s *Stream) handleFrame(data []byte) (ev StreamEvent, c *Connection, ok bool) {
	if ev, c, ok := s.channelFrameFast(data); ok {
		return ev, c, true
	}
	ev, c, ok = s.handleFrameUnchecked(data)
	if ok && ev.Value == nil && ev.Err == nil && !json.Valid(data) {
		return StreamEvent{Raw: data, Err: errors.New("misskey: stream: frame is not JSON")}, nil, true
	}
	return ev, c, ok
}

func (s *Stream) handleFrameUnchecked(data []byte) (ev StreamEvent, c *Connection, ok bool) {
	ev.Raw = data
	env, err := parseStreamEnvelope(data)
	var typ string
	if err == nil {
		ev.Body = env.body
		typ, err = streamString(env.typ)
		ev.Type = EventType(typ)
	}
	if err != nil {
		ev.Err = escapeError(fmt.Errorf("misskey: stream: frame: %w", err))
		return ev, nil, true
	}
	switch ev.Type {
	case "channel", "connected", "noteUpdated":
	default:
		if streamBroadcasts[typ] {
			ev.Kind = EventBroadcast
		}
		ev.Value, ev.Mismatches, ev.Err = s.decodeEvent("", typ, ev.Body)
		return ev, nil, true
	}

	inner, err := parseStreamEnvelope(env.body)
	var id string
	if err == nil {
		id, err = streamString(inner.id)
	}
	if err != nil {
		ev.Err = escapeError(fmt.Errorf("misskey: stream: %s frame: %w", ev.Type, err))
		return ev, nil, true
	}

	if ev.Type == "noteUpdated" {
		typ, err := streamString(inner.typ)
		if err != nil {
			ev.Err = escapeError(fmt.Errorf("misskey: stream: noteUpdated frame: %w", err))
			return ev, nil, true
		}
		ev.Kind, ev.NoteID, ev.Type, ev.Body = EventNoteUpdated, id, EventType(typ), inner.body
		ev.Value, err = decodeNoteUpdate(typ, ev.Body)
		if err != nil {
			ev.Err = escapeError(fmt.Errorf("misskey: stream: decode note update %q: %w", typ, err))
		}
		return ev, nil, true
	}

	s.mu.Lock()
	c = s.conns[id]
	s.mu.Unlock()
	if c == nil {
		// A connection closed by the application (the server may send a few
		// more events before it reads the disconnect frame).
		return ev, nil, false
	}
	ev.Connection, ev.Channel, ev.ConnectionID = c, c.channel, c.id
	if ev.Type == "connected" {
		ev.Kind = EventConnected
		return ev, c, true
	}
	typ, err = streamString(inner.typ)
	if err != nil {
		ev.Err = escapeError(fmt.Errorf("misskey: stream: %s: channel frame: %w", c.channel, err))
		return ev, c, true
	}
	ev.Kind, ev.Type, ev.Body = EventChannel, EventType(typ), inner.body
	ev.Value, ev.Mismatches, ev.Err = s.decodeEvent(c.channel, typ, ev.Body)
	return ev, c, true
}

// decodeEvent calls the stream's decoder; a decoding error leaves no value.
func (s *Stream) decodeEvent(channel, typ string, body json.RawMessage) (any, []Mismatch, error) {
	v, ms, err := s.cfg.decode(channel, typ, body, s.client != nil && s.client.strict)
	if err != nil {
		where := channel
		if where == "" {
			where = "broadcast"
		}
		return nil, nil, escapeError(fmt.Errorf("misskey: stream: decode %s event %q: %w", where, typ, err))
	}
	return v, ms, nil
}

// streamEnvelope holds the raw values of the "id", "type" and "body" members
// of a JSON object, as slices of the frame.
type streamEnvelope struct {
	id, typ, body []byte
}

var (
	errStreamNotObject = errors.New("not a JSON object")
	errStreamSyntax    = errors.New("malformed JSON")
)

// parseStreamEnvelope finds the "id", "type" and "body" members of the JSON
// object data without decoding or copying anything. On malformed input it
// returns an error or slices that fail to decode; it never panics. Like encoding/json it ignores other members, takes the
// last of duplicate members and matches names exactly first; a member name
// written with escapes is unescaped.
func parseStreamEnvelope(data []byte) (streamEnvelope, error) {
	var e streamEnvelope
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return e, errStreamNotObject
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return e, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return e, errStreamSyntax
		}
		end, escaped := skipString(data, i)
		if end < 0 {
			return e, errStreamSyntax
		}
		key := data[i+1 : end-1]
		var name string
		if escaped {
			var err error
			if name, err = streamUnquote(data[i:end]); err != nil {
				return e, errStreamSyntax
			}
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return e, errStreamSyntax
		}
		i = skipSpace(data, i+1)
		vend := skipValue(data, i)
		if vend < 0 {
			return e, errStreamSyntax
		}
		val := data[i:vend]
		switch {
		case !escaped && string(key) == "id", escaped && name == "id":
			e.id = val
		case !escaped && string(key) == "type", escaped && name == "type":
			e.typ = val
		case !escaped && string(key) == "body", escaped && name == "body":
			e.body = val
		}
		i = skipSpace(data, vend)
		if i >= len(data) {
			return e, errStreamSyntax
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return e, nil
		default:
			return e, errStreamSyntax
		}
	}
}

// streamString decodes a raw JSON string value. Common event and frame
// types are returned without allocating.
func streamString(raw []byte) (string, error) {
	if len(raw) < 2 || raw[0] != '"' {
		if raw == nil {
			return "", errors.New(`no "type" or "id" member`)
		}
		return "", fmt.Errorf("not a string: %s", escapeControls(string(raw[:min(len(raw), 40)])))
	}
	body := raw[1 : len(raw)-1]
	for _, b := range body {
		if b == '\\' || b >= 0x80 || b < 0x20 { // escapes, UTF-8 to check, or invalid
			return streamUnquote(raw)
		}
	}
	switch string(body) {
	case "channel":
		return "channel", nil
	case "note":
		return "note", nil
	case "notification":
		return "notification", nil
	case "unreadNotification":
		return "unreadNotification", nil
	case "mention":
		return "mention", nil
	case "reply":
		return "reply", nil
	case "renote":
		return "renote", nil
	case "noteUpdated":
		return "noteUpdated", nil
	case "connected":
		return "connected", nil
	case "reacted":
		return "reacted", nil
	case "unreacted":
		return "unreacted", nil
	}
	return string(body), nil
}

// streamUnquote decodes a JSON string with escapes or non-ASCII bytes.
func streamUnquote(raw []byte) (string, error) {
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}
