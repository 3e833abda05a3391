package generator

import (
	"sort"

	"github.com/dave/jennifer/jen"
)

// streamEvent says what Go type the body of one streaming event decodes
// into. own is the type misskey-gen supplies for it (streaming_schema.json),
// used when it was added to the document; otherwise the first of entities the
// document has ("" is a plain string: an id). An event without either keeps
// only its raw JSON. Channel "" is a top-level broadcast frame.
type streamEvent struct {
	channels []string
	event    string
	own      string
	entities []string
}

// timelineChannels are the channels whose only event is "note".
var timelineChannels = []string{"homeTimeline", "localTimeline", "hybridTimeline", "globalTimeline", "userList", "hashtag", "roleTimeline", "antenna", "channel"}

// streamEvents is the protocol of ../shared/STREAMING.md, checked against
// Misskey's server source (GlobalEventService's event tables) and the
// recorded frames (../shared/recordings/*/streaming). Where two events carry
// the same entity, each gets a type of its own, so that a type switch tells
// what happened.
var streamEvents = []streamEvent{
	{[]string{"main"}, "notification", "", []string{"Notification"}},
	{[]string{"main"}, "unreadNotification", "StreamUnreadNotification", []string{"Notification"}},
	{[]string{"main"}, "mention", "StreamMention", []string{"Note"}},
	{[]string{"main"}, "reply", "StreamReply", []string{"Note"}},
	{[]string{"main"}, "renote", "StreamRenote", []string{"Note"}},
	{[]string{"main"}, "follow", "StreamFollow", []string{"UserDetailedNotMe", "UserDetailed", "UserLite"}},
	// followed and receiveFollowRequest carry a UserLite on every recorded
	// server, a detailed user on older ones: User holds both.
	{[]string{"main"}, "followed", "StreamFollowed", []string{"User", "UserLite"}},
	{[]string{"main"}, "unfollow", "StreamUnfollow", []string{"UserDetailed", "UserLite"}},
	{[]string{"main"}, "meUpdated", "StreamMeUpdated", []string{"MeDetailed", "UserDetailed"}},
	{[]string{"main"}, "pageEvent", "StreamPageEvent", nil},
	{[]string{"main"}, "urlUploadFinished", "StreamURLUploadFinished", nil},
	{[]string{"main"}, "unreadMention", "StreamUnreadMention", []string{""}},
	{[]string{"main"}, "unreadSpecifiedNote", "StreamUnreadSpecifiedNote", []string{""}},
	{[]string{"main"}, "unreadAntenna", "StreamUnreadAntenna", []string{"Antenna"}},
	{[]string{"main"}, "readAntenna", "StreamReadAntenna", []string{"Antenna"}},
	{[]string{"main"}, "newChatMessage", "", []string{"ChatMessage"}},
	{[]string{"main"}, "signin", "", []string{"Signin"}},
	{[]string{"main"}, "registryUpdated", "StreamRegistryUpdated", nil},
	{[]string{"main"}, "driveFileCreated", "StreamDriveFileCreated", []string{"DriveFile"}},
	{[]string{"main"}, "receiveFollowRequest", "StreamReceiveFollowRequest", []string{"User", "UserLite"}},
	{[]string{"main"}, "announcementCreated", "StreamAnnouncementCreated", nil},
	{timelineChannels, "note", "", []string{"Note"}},
	{[]string{"drive"}, "fileCreated", "StreamFileCreated", []string{"DriveFile"}},
	{[]string{"drive"}, "fileUpdated", "StreamFileUpdated", []string{"DriveFile"}},
	{[]string{"drive"}, "fileDeleted", "StreamFileDeleted", []string{""}},
	{[]string{"drive"}, "folderCreated", "StreamFolderCreated", []string{"DriveFolder"}},
	{[]string{"drive"}, "folderUpdated", "StreamFolderUpdated", []string{"DriveFolder"}},
	{[]string{"drive"}, "folderDeleted", "StreamFolderDeleted", []string{""}},
	{[]string{"serverStats"}, "stats", "StreamServerStats", nil},
	{[]string{"serverStats"}, "statsLog", "StreamServerStatsLog", nil},
	{[]string{"queueStats"}, "stats", "StreamQueueStats", nil},
	{[]string{"queueStats"}, "statsLog", "StreamQueueStatsLog", nil},
	{[]string{"admin"}, "newAbuseUserReport", "StreamNewAbuseUserReport", nil},
	{[]string{"reversi"}, "matched", "StreamReversiMatched", nil},
	{[]string{"reversi"}, "invited", "StreamReversiInvited", nil},
	{[]string{"reversiGame"}, "started", "StreamReversiStarted", nil},
	{[]string{"reversiGame"}, "ended", "StreamReversiEnded", nil},
	{[]string{"reversiGame"}, "canceled", "StreamReversiCanceled", nil},
	{[]string{"reversiGame"}, "changeReadyStates", "StreamReversiReadyStates", nil},
	{[]string{"reversiGame"}, "updateSettings", "StreamReversiSettingsUpdated", nil},
	{[]string{"reversiGame"}, "log", "StreamReversiLog", nil},
	{[]string{"chatUser", "chatRoom"}, "message", "", []string{"ChatMessageLite"}},
	{[]string{"chatUser", "chatRoom"}, "deleted", "StreamChatMessageDeleted", []string{""}},
	{[]string{"chatUser", "chatRoom"}, "react", "StreamChatReacted", nil},
	{[]string{"chatUser", "chatRoom"}, "unreact", "StreamChatUnreacted", nil},
	{[]string{""}, "emojiAdded", "StreamEmojiAdded", nil},
	{[]string{""}, "emojiUpdated", "StreamEmojisUpdated", nil},
	{[]string{""}, "emojiDeleted", "StreamEmojisDeleted", nil},
	{[]string{""}, "announcementCreated", "StreamAnnouncementCreated", nil},
}

// StreamEventType is the Go type one streaming event decodes into, as
// resolved against a document.
type StreamEventType struct {
	Channel string // "" for a top-level broadcast
	Event   string
	// Type is the named type; nil with ID set for a plain string id, and
	// nil with ID unset when the event stays raw.
	Type *Type
	ID   bool
}

// GoValue is the Go type of the event's StreamEvent.Value, e.g. "*Note",
// "StreamFileDeleted", "string", or "" for a raw event.
func (t StreamEventType) GoValue() string {
	switch {
	case t.Type != nil && isStringAlias(t.Type):
		return t.Type.Name
	case t.Type != nil:
		return "*" + t.Type.Name
	case t.ID:
		return "string"
	}
	return ""
}

// StreamEventTypes resolves the streaming protocol against a model: one
// entry per channel and event, in the order of the protocol table.
func StreamEventTypes(api *API) []StreamEventType {
	comps := map[string]*Type{}
	for _, t := range api.Types {
		if t.Component != "" {
			comps[t.Component] = t
		}
	}
	supplied := map[string]bool{}
	for _, n := range api.Supplied {
		supplied[n] = true
	}
	var out []StreamEventType
	for _, se := range streamEvents {
		var typ *Type
		id := false
		if se.own != "" && supplied[se.own] {
			typ = comps[se.own]
		}
		if typ == nil {
			for _, name := range se.entities {
				if name == "" {
					id = true
					break
				}
				if typ = comps[name]; typ != nil {
					break
				}
			}
		}
		for _, ch := range se.channels {
			out = append(out, StreamEventType{Channel: ch, Event: se.event, Type: typ, ID: id && typ == nil})
		}
	}
	return out
}

// isStringAlias reports whether t is a named string (an id event's type).
func isStringAlias(t *Type) bool {
	return t.Kind == KindAlias && t.Alias != nil && t.Alias.Kind == RefString
}

// streamEventsFile writes decodeStreamEvent, which the runtime's streaming
// client calls to type an event body. Decoding is as tolerant as HTTP
// responses: a field of the wrong JSON type is left at its zero value rather
// than losing the whole event.
func (e *emitter) streamEventsFile() *jen.File {
	f := e.newFile()
	byChannel := map[string][]StreamEventType{}
	for _, et := range StreamEventTypes(e.api) {
		if et.Type == nil && !et.ID {
			continue
		}
		byChannel[et.Channel] = append(byChannel[et.Channel], et)
	}
	decode := func(et StreamEventType) []jen.Code {
		switch {
		case et.Type != nil && isStringAlias(et.Type):
			return []jen.Code{jen.Return(jen.Id("decodeEventID").Types(jen.Id(et.Type.Name)).Call(jen.Id("body"), jen.Id("strict")))}
		case et.Type != nil:
			return []jen.Code{jen.Return(jen.Id("decodeEventAs").Call(jen.Id("body"), jen.New(jen.Id(et.Type.Name)), jen.Id("strict")))}
		}
		return []jen.Code{jen.Return(jen.Id("decodeEventID").Types(jen.String()).Call(jen.Id("body"), jen.Id("strict")))}
	}
	// Channels with the same events share a case.
	type group struct {
		channels []string
		events   []StreamEventType
	}
	var groups []*group
	sig := map[string]*group{}
	for _, ch := range sortedKeys(byChannel) {
		evs := byChannel[ch]
		key := ""
		for _, et := range evs {
			key += et.Event + "=" + et.GoValue() + ";"
		}
		if g := sig[key]; g != nil && ch != "" {
			g.channels = append(g.channels, ch)
			continue
		}
		g := &group{channels: []string{ch}, events: evs}
		groups = append(groups, g)
		if ch != "" {
			sig[key] = g
		}
	}
	var noteFallback []jen.Code
	var cases []jen.Code
	for _, g := range groups {
		var inner []jen.Code
		evs := append([]StreamEventType(nil), g.events...)
		sort.Slice(evs, func(i, j int) bool { return evs[i].Event < evs[j].Event })
		for _, et := range evs {
			inner = append(inner, jen.Case(jen.Lit(et.Event)).Block(decode(et)...))
			if et.Event == "note" && noteFallback == nil && et.Type != nil {
				noteFallback = decode(et)
			}
		}
		cases = append(cases, jen.Case(lits(g.channels)...).Block(jen.Switch(jen.Id("event")).Block(inner...)))
	}
	if noteFallback != nil {
		// Forks add timelines of their own; their notes are notes too.
		cases = append(cases, jen.Default().Block(
			jen.If(jen.Id("channel").Op("!=").Lit("").Op("&&").Id("event").Op("==").Lit("note")).Block(noteFallback...),
		))
	}
	f.Comment("decodeStreamEvent types the body of a streaming event with the types of this")
	f.Comment("package, and returns the values that did not fit their types (strict: an")
	f.Comment("error). It returns nil for events it has no type for; the event then carries")
	f.Comment("only its raw JSON. channel is \"\" for broadcast frames. A \"note\" event of a")
	f.Comment("channel this package does not know (a fork's own timeline) is a Note.")
	f.Func().Id("decodeStreamEvent").Params(jen.List(jen.Id("channel"), jen.Id("event")).String(), jen.Id("body").Qual("encoding/json", "RawMessage"), jen.Id("strict").Bool()).Params(jen.Any(), jen.Index().Id("Mismatch"), jen.Error()).Block(
		jen.Switch(jen.Id("channel")).Block(cases...),
		jen.Return(jen.Nil(), jen.Nil(), jen.Nil()),
	)
	return f
}

// lits returns sorted string literals.
func lits(ss []string) []jen.Code {
	s := append([]string(nil), ss...)
	sort.Strings(s)
	out := make([]jen.Code, len(s))
	for i, x := range s {
		out[i] = jen.Lit(x)
	}
	return out
}
