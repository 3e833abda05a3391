package generator

import (
	"sort"

	"github.com/dave/jennifer/jen"
)

// streamEvents maps streaming events to the component schema their body
// holds, as ../shared/STREAMING.md describes the protocol (the API document
// does not). Channel "" is a top-level broadcast frame. Several candidates
// are tried in order, since component names changed across versions.
// unreadMention and unreadSpecifiedNote are not here: their body is the id
// of the note, a JSON string (../shared/recordings/2024.10.1/streaming/main.jsonl),
// which reaches the application as the event's raw Body.
var streamEvents = []struct {
	channels []string
	event    string
	types    []string
}{
	{[]string{"main"}, "notification", []string{"Notification"}},
	{[]string{"main"}, "unreadNotification", []string{"Notification"}},
	{[]string{"main"}, "mention", []string{"Note"}},
	{[]string{"main"}, "reply", []string{"Note"}},
	{[]string{"main"}, "renote", []string{"Note"}},
	{[]string{"main"}, "follow", []string{"UserDetailedNotMe", "UserDetailed", "UserLite"}},
	// followed carries the follower packed without detail, a UserLite on
	// every recorded server (../shared/recordings/*/streaming/main.jsonl).
	{[]string{"main"}, "followed", []string{"UserLite"}},
	{[]string{"main"}, "unfollow", []string{"UserDetailed", "UserLite"}},
	{[]string{"main"}, "meUpdated", []string{"MeDetailed", "UserDetailed"}},
	{[]string{"main"}, "driveFileCreated", []string{"DriveFile"}},
	{[]string{"main"}, "unreadAntenna", []string{"Antenna"}},
	{[]string{"main"}, "readAntenna", []string{"Antenna"}},
	{[]string{"main"}, "newChatMessage", []string{"ChatMessage"}},
	{[]string{"main"}, "signin", []string{"Signin"}},
	{[]string{"main"}, "receiveFollowRequest", []string{"UserLite", "User"}},
	{[]string{"homeTimeline", "localTimeline", "hybridTimeline", "globalTimeline", "userList", "hashtag", "roleTimeline", "antenna", "channel"}, "note", []string{"Note"}},
	{[]string{"drive"}, "fileCreated", []string{"DriveFile"}},
	{[]string{"drive"}, "fileUpdated", []string{"DriveFile"}},
	{[]string{"drive"}, "folderCreated", []string{"DriveFolder"}},
	{[]string{"drive"}, "folderUpdated", []string{"DriveFolder"}},
	{[]string{"chatUser", "chatRoom"}, "message", []string{"ChatMessageLite"}},
}

// streamDecoder writes decodeStreamEvent, which the runtime's streaming
// client calls to type an event body.
func (e *emitter) streamDecoder(f *jen.File) {
	comps := map[string]*Type{}
	for _, t := range e.api.Types {
		if t.Component != "" {
			comps[t.Component] = t
		}
	}
	byType := map[string][]string{}
	for _, se := range streamEvents {
		var t *Type
		for _, name := range se.types {
			if t = comps[name]; t != nil {
				break
			}
		}
		if t == nil {
			continue
		}
		for _, ch := range se.channels {
			byType[t.Name] = append(byType[t.Name], ch+":"+se.event)
		}
	}
	var cases []jen.Code
	for _, name := range sortedKeys(byType) {
		keys := byType[name]
		sort.Strings(keys)
		var lits []jen.Code
		for _, k := range keys {
			lits = append(lits, jen.Lit(k))
		}
		cases = append(cases, jen.Case(lits...).Block(
			jen.Id("v").Op(":=").New(jen.Id(name)),
			jen.Return(jen.Id("v"), jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("body"), jen.Id("v"))),
		))
	}
	f.Comment("decodeStreamEvent types the body of a streaming event with the entity types")
	f.Comment("of this package. It returns (nil, nil) for events it has no type for; the")
	f.Comment("event then carries only its raw JSON. channel is \"\" for broadcast frames.")
	body := []jen.Code{}
	if len(cases) > 0 {
		body = append(body, jen.Switch(jen.Id("channel").Op("+").Lit(":").Op("+").Id("event")).Block(cases...))
	}
	body = append(body, jen.Return(jen.Nil(), jen.Nil()))
	f.Func().Id("decodeStreamEvent").Params(jen.List(jen.Id("channel"), jen.Id("event")).String(), jen.Id("body").Qual("encoding/json", "RawMessage")).Params(jen.Any(), jen.Error()).Block(body...)
}
