package misskeytest

import (
	"net/http"

	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// This file stands in for the identifiers the generator emits from an API
// document (endpointDefs, conformEntity and the Handle<Endpoint> methods),
// so that the package builds and tests on its own. It is never copied into
// a generated package.

// endpointDefs lists the endpoints the server's own Misskey answers, with
// the schema of notes/create and notes/show as Misskey 2026.3 documents
// them, and a few documented errors.
var endpointDefs = []endpointDef{
	{name: "drive/files", goName: "DriveFiles", credential: true, perms: []misskey.Permission{"read:drive"}},
	{name: "drive/files/create", goName: "DriveFilesCreate", credential: true, multipart: true, perms: []misskey.Permission{"write:drive"},
		schema: `{"type":"object","properties":{"folderId":{"type":["string","null"],"format":"misskey:id"},"name":{"type":["string","null"]},"comment":{"type":["string","null"],"maxLength":512},"isSensitive":{"type":"boolean"},"force":{"type":"boolean"}}}`},
	{name: "drive/files/delete", goName: "DriveFilesDelete", credential: true, perms: []misskey.Permission{"write:drive"}},
	{name: "drive/files/show", goName: "DriveFilesShow", credential: true, perms: []misskey.Permission{"read:drive"}},
	{name: "following/create", goName: "FollowingCreate", credential: true, perms: []misskey.Permission{"write:following"}},
	{name: "following/delete", goName: "FollowingDelete", credential: true, perms: []misskey.Permission{"write:following"}},
	{name: "i", goName: "I", credential: true, perms: []misskey.Permission{"read:account"}},
	{name: "i/notifications", goName: "INotifications", credential: true, perms: []misskey.Permission{"read:notifications"}},
	{name: "meta", goName: "Meta"},
	{name: "miauth/gen-token", goName: "MiauthGenToken", credential: true},
	{name: "notes", goName: "Notes"},
	{name: "notes/children", goName: "NotesChildren"},
	{name: "notes/create", goName: "NotesCreate", credential: true, perms: []misskey.Permission{"write:notes"}, schema: stubNotesCreateSchema,
		errors: []*misskey.APIError{
			{StatusCode: http.StatusBadRequest, Endpoint: "notes/create", Code: "NO_SUCH_REPLY_TARGET", ID: "749ee0f6-d3da-459a-bf02-282e2da4292c", Message: "No such reply target."},
		}},
	{name: "notes/delete", goName: "NotesDelete", credential: true, perms: []misskey.Permission{"write:notes"}},
	{name: "notes/global-timeline", goName: "NotesGlobalTimeline"},
	{name: "notes/hybrid-timeline", goName: "NotesHybridTimeline", credential: true, perms: []misskey.Permission{"read:account"}},
	{name: "notes/local-timeline", goName: "NotesLocalTimeline"},
	{name: "notes/mentions", goName: "NotesMentions", credential: true, perms: []misskey.Permission{"read:account"}},
	{name: "notes/polls/vote", goName: "NotesPollsVote", credential: true, perms: []misskey.Permission{"write:votes"}},
	{name: "notes/reactions", goName: "NotesReactions"},
	{name: "notes/reactions/create", goName: "NotesReactionsCreate", credential: true, perms: []misskey.Permission{"write:reactions"}},
	{name: "notes/reactions/delete", goName: "NotesReactionsDelete", credential: true, perms: []misskey.Permission{"write:reactions"}},
	{name: "notes/renotes", goName: "NotesRenotes"},
	{name: "notes/replies", goName: "NotesReplies"},
	{name: "notes/show", goName: "NotesShow", schema: `{"type":"object","properties":{"noteId":{"type":"string","format":"misskey:id"}},"required":["noteId"]}`,
		errors: []*misskey.APIError{
			{StatusCode: http.StatusBadRequest, Endpoint: "notes/show", Code: "NO_SUCH_NOTE", ID: "24fcbfc6-2e37-42b6-8388-c29b3861a08d", Message: "No such note."},
		}},
	{name: "notes/timeline", goName: "NotesTimeline", credential: true, perms: []misskey.Permission{"read:account"}},
	{name: "notifications/mark-all-as-read", goName: "NotificationsMarkAllAsRead", credential: true, perms: []misskey.Permission{"write:notifications"}},
	{name: "ping", goName: "Ping"},
	{name: "users/followers", goName: "UsersFollowers"},
	{name: "users/following", goName: "UsersFollowing"},
	{name: "users/notes", goName: "UsersNotes"},
	{name: "users/show", goName: "UsersShow"},
}

const stubNotesCreateSchema = `{"type":"object","properties":{"visibility":{"type":"string","enum":["public","home","followers","specified"],"default":"public"},"visibleUserIds":{"type":"array","uniqueItems":true,"items":{"type":"string","format":"misskey:id"}},"cw":{"type":["string","null"],"minLength":1,"maxLength":100},"localOnly":{"type":"boolean","default":false},"reactionAcceptance":{"type":["string","null"],"enum":[null,"likeOnly","likeOnlyForRemote","nonSensitiveOnly","nonSensitiveOnlyForLocalLikeOnlyForRemote"],"default":null},"replyId":{"type":["string","null"],"format":"misskey:id"},"renoteId":{"type":["string","null"],"format":"misskey:id"},"channelId":{"type":["string","null"],"format":"misskey:id"},"text":{"type":["string","null"],"minLength":1,"maxLength":3000},"fileIds":{"type":"array","uniqueItems":true,"minItems":1,"maxItems":16,"items":{"type":"string","format":"misskey:id"}},"mediaIds":{"type":"array","uniqueItems":true,"minItems":1,"maxItems":16,"items":{"type":"string","format":"misskey:id"}},"poll":{"type":["object","null"],"properties":{"choices":{"type":"array","uniqueItems":true,"minItems":2,"maxItems":10,"items":{"type":"string","minLength":1,"maxLength":50}},"multiple":{"type":"boolean"},"expiresAt":{"type":["integer","null"]},"expiredAfter":{"type":["integer","null"],"minimum":1}},"required":["choices"]}},"if":{"properties":{"renoteId":{"type":"null"},"fileIds":{"type":"null"},"mediaIds":{"type":"null"},"poll":{"type":"null"}}},"then":{"properties":{"text":{"type":"string","minLength":1,"maxLength":3000,"pattern":"[^\\s]+"}},"required":["text"]}}`

// conformEntity stands in for the generated function that passes an entity
// through the client type of that name; here it changes nothing.
func conformEntity(kind string, data []byte) []byte { return data }
