package generator

import (
	"sort"

	"github.com/dave/jennifer/jen"
)

// streamEvents maps streaming events to the component schema their body
// holds, as ../shared/STREAMING.md describes the protocol (the API document
// does not). Several candidates are tried in order, since component names
// changed across versions; an event whose components are all absent keeps
// only its raw JSON.
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

// streamIDEvents are events whose body is the id of something, a JSON
// string (unreadMention: ../shared/recordings/2024.10.1/streaming/main.jsonl;
// fileDeleted, folderDeleted: …/drive.jsonl). Their Value is that string.
var streamIDEvents = []string{
	"chatRoom:deleted", "chatUser:deleted",
	"drive:fileDeleted", "drive:folderDeleted",
	"main:unreadMention", "main:unreadSpecifiedNote",
}

// streamWrapper is an event body that is a small object around entity
// types; the generator declares a type for it when the document has the
// entities. Channel "" is a top-level broadcast frame.
type streamWrapper struct {
	name   string // Go type name, reserved in every package (runtime.go)
	doc    string
	events []string // "channel:event"
	fields []streamWrapperField
}

type streamWrapperField struct {
	name, json string
	component  string // "" for a plain JSON value (any)
	slice      bool
	plain      string // Go type for a non-component field: "string", "[]string"
}

var streamWrappers = []streamWrapper{
	{"StreamEmojiAdded", "StreamEmojiAdded is the body of the emojiAdded broadcast: a custom emoji was added.",
		[]string{":emojiAdded"}, []streamWrapperField{{name: "Emoji", json: "emoji", component: "EmojiDetailed"}}},
	{"StreamEmojisChanged", "StreamEmojisChanged is the body of the emojiUpdated and emojiDeleted broadcasts.",
		[]string{":emojiDeleted", ":emojiUpdated"}, []streamWrapperField{{name: "Emojis", json: "emojis", component: "EmojiDetailed", slice: true}}},
	{"StreamAnnouncementCreated", "StreamAnnouncementCreated is the body of announcementCreated (a broadcast, and an event of main).",
		[]string{":announcementCreated", "main:announcementCreated"}, []streamWrapperField{{name: "Announcement", json: "announcement", component: "Announcement"}}},
	{"StreamURLUploadFinished", "StreamURLUploadFinished is the body of main's urlUploadFinished: a drive/files/upload-from-url finished.",
		[]string{"main:urlUploadFinished"}, []streamWrapperField{{name: "Marker", json: "marker", plain: "string"}, {name: "File", json: "file", component: "DriveFile"}}},
	{"StreamRegistryUpdated", "StreamRegistryUpdated is the body of main's registryUpdated: a registry value changed.",
		[]string{"main:registryUpdated"}, []streamWrapperField{{name: "Scope", json: "scope", plain: "[]string"}, {name: "Key", json: "key", plain: "string"}, {name: "Value", json: "value"}}},
}

// streamWrapperNames are reserved in every generated package so that a
// document can never take them.
func streamWrapperNames() []string {
	out := make([]string, len(streamWrappers))
	for i, w := range streamWrappers {
		out[i] = w.name
	}
	return out
}

// streamDecoder writes the wrapper types and decodeStreamEvent, which the
// runtime's streaming client calls to type an event body. Decoding is as
// tolerant as HTTP responses: a field of the wrong JSON type is left at its
// zero value rather than losing the whole event.
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
wrappers:
	for _, w := range streamWrappers {
		var fields []jen.Code
		for _, fl := range w.fields {
			var typ jen.Code
			switch {
			case fl.component != "":
				t := comps[fl.component]
				if t == nil {
					continue wrappers
				}
				if fl.slice {
					typ = jen.Index().Id(t.Name)
				} else {
					typ = jen.Op("*").Id(t.Name)
				}
			case fl.plain == "string":
				typ = jen.String()
			case fl.plain == "[]string":
				typ = jen.Index().String()
			default:
				typ = jen.Any()
			}
			fields = append(fields, jen.Id(fl.name).Add(typ).Tag(map[string]string{"json": fl.json}))
		}
		f.Comment(w.doc)
		f.Type().Id(w.name).Struct(fields...)
		byType[w.name] = append(byType[w.name], w.events...)
	}
	var cases []jen.Code
	for _, name := range sortedKeys(byType) {
		cases = append(cases, jen.Case(lits(byType[name])...).Block(
			jen.Id("v").Op(":=").New(jen.Id(name)),
			jen.Return(jen.Id("v"), jen.Id("unionDecode").Call(jen.Id("body"), jen.Id("v"))),
		))
	}
	cases = append(cases, jen.Case(lits(streamIDEvents)...).Block(
		jen.Var().Id("id").String(),
		jen.Id("err").Op(":=").Id("unionDecode").Call(jen.Id("body"), jen.Op("&").Id("id")),
		jen.Return(jen.Id("id"), jen.Id("err")),
	))
	f.Comment("decodeStreamEvent types the body of a streaming event with the entity types")
	f.Comment("of this package. It returns (nil, nil) for events it has no type for; the")
	f.Comment("event then carries only its raw JSON. channel is \"\" for broadcast frames.")
	f.Func().Id("decodeStreamEvent").Params(jen.List(jen.Id("channel"), jen.Id("event")).String(), jen.Id("body").Qual("encoding/json", "RawMessage")).Params(jen.Any(), jen.Error()).Block(
		jen.Switch(jen.Id("channel").Op("+").Lit(":").Op("+").Id("event")).Block(cases...),
		jen.Return(jen.Nil(), jen.Nil()),
	)
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
