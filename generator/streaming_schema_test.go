package generator

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// buildWithSupplied parses a document, adds the supplied schemas and builds
// the model, as Generate does.
func buildWithSupplied(t *testing.T, doc string) *API {
	t.Helper()
	d, err := Parse(&Input{Name: t.Name(), Data: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	added, err := addStreamingSchemas(d)
	if err != nil {
		t.Fatal(err)
	}
	api, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	api.Supplied = added
	return api
}

func typeNamed(api *API, name string) *Type {
	for _, t := range api.Types {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func eventType(api *API, channel, event string) string {
	for _, et := range StreamEventTypes(api) {
		if et.Channel == channel && et.Event == event {
			return et.GoValue()
		}
	}
	return "?"
}

const miniDoc = `{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
 "components": {"schemas": {
  "Note": {"type": "object", "properties": {"id": {"type": "string"}, "text": {"type": "string", "nullable": true},
    "cw": {"type": "string", "nullable": true}, "renoteId": {"type": "string", "nullable": true},
    "renote": {"type": "object", "nullable": true, "allOf": [{"$ref": "#/components/schemas/Note"}]},
    "reply": {"type": "object", "nullable": true, "allOf": [{"$ref": "#/components/schemas/Note"}]},
    "fileIds": {"type": "array", "items": {"type": "string"}},
    "poll": {"type": "object", "nullable": true, "properties": {"multiple": {"type": "boolean"}}}},
   "required": ["id", "text"]},
  "NoteA": {"type": "object", "properties": {"type": {"type": "string", "enum": ["a"]}, "id": {"type": "string"}}, "required": ["type", "id"]},
  "NoteB": {"type": "object", "properties": {"type": {"type": "string", "enum": ["b"]}, "id": {"type": "string"}}, "required": ["type", "id"]},
  "Notification": {"oneOf": [{"$ref": "#/components/schemas/NoteA"}, {"$ref": "#/components/schemas/NoteB"}]},
  "StreamReply": {"type": "object", "properties": {"mine": {"type": "string"}}}
 }}}`

func TestStreamingSchemas(t *testing.T) {
	api := buildWithSupplied(t, miniDoc)
	for _, want := range []string{"StreamMention", "StreamRenote", "StreamUnreadNotification", "StreamServerStats", "StreamServerStatsLog", "StreamQueueCounts", "StreamFileDeleted", "ModerationLogType", "MutedNoteReason"} {
		if !slices.Contains(api.Supplied, want) {
			t.Errorf("%s not supplied: %v", want, api.Supplied)
		}
	}
	// A schema whose $ref targets the document lacks is left out.
	for _, absent := range []string{"StreamReversiMatched", "StreamReversiStarted", "StreamFollow", "StreamFileCreated", "StreamEmojiAdded", "StreamPageEvent", "StreamChatReacted"} {
		if slices.Contains(api.Supplied, absent) || typeNamed(api, absent) != nil {
			t.Errorf("%s supplied although the document lacks what it refers to", absent)
		}
	}
	// A name the document has keeps the document's schema, and the event
	// falls back to the entity.
	if slices.Contains(api.Supplied, "StreamReply") {
		t.Error("the document's StreamReply was replaced")
	}
	if r := typeNamed(api, "StreamReply"); r == nil || len(r.Fields) != 1 || r.Fields[0].JSONName != "mine" {
		t.Errorf("StreamReply is not the document's: %+v", r)
	}
	for _, tc := range []struct{ channel, event, want string }{
		{"main", "mention", "*StreamMention"},
		{"main", "reply", "*Note"}, // the document's StreamReply is not ours
		{"main", "unreadNotification", "*StreamUnreadNotification"},
		{"main", "notification", "*Notification"},
		{"homeTimeline", "note", "*Note"},
		{"drive", "fileDeleted", "StreamFileDeleted"},
		{"drive", "fileCreated", ""}, // no DriveFile
		{"reversi", "matched", ""},   // no ReversiGameDetailed
		{"chatUser", "deleted", "StreamChatMessageDeleted"},
		{"serverStats", "statsLog", "*StreamServerStatsLog"},
	} {
		if got := eventType(api, tc.channel, tc.event); got != tc.want {
			t.Errorf("%s:%s decodes into %q, want %q", tc.channel, tc.event, got, tc.want)
		}
	}
	// allOf [$ref X, {type: object}] embeds X, an object union (one struct
	// holding every alternative) included.
	m := typeNamed(api, "StreamMention")
	if m == nil || m.Kind != KindStruct || len(m.Embeds) != 1 || m.Embeds[0].Name != "Note" || len(m.Fields) != 0 {
		t.Errorf("StreamMention = %+v, want a struct embedding Note", m)
	}
	u := typeNamed(api, "StreamUnreadNotification")
	if u == nil || len(u.Embeds) != 1 || u.Embeds[0].Name != "Notification" || u.Embeds[0].DiscField == nil {
		t.Errorf("StreamUnreadNotification = %+v, want a struct embedding Notification (with its Type)", u)
	}
	if id := typeNamed(api, "StreamFileDeleted"); id == nil || !isStringAlias(id) {
		t.Errorf("StreamFileDeleted = %+v, want a named string", id)
	}

	// The helpers and the decoder are written.
	files, err := Emit(api, "misskey")
	if err != nil {
		t.Fatal(err)
	}
	var helpers, events string
	for _, f := range files {
		switch f.Name {
		case "helpers.go":
			helpers = string(f.Content)
		case "stream_events.go":
			events = string(f.Content)
		}
	}
	for _, want := range []string{"func (n *Note) IsPureRenote() bool", "n.Renote != nil", "n.Reply == nil", "n.Text == nil", "n.CW == nil", "len(n.FileIDs) == 0", "n.Poll == nil",
		`var NotificationTypes = []NotificationType{NotificationTypeA, NotificationTypeB}`, "var MutedNoteReasons = []MutedNoteReason{", "func DecodeModerationLogInfo("} {
		if !strings.Contains(helpers, want) {
			t.Errorf("helpers.go lacks %q:\n%s", want, helpers)
		}
	}
	if !strings.Contains(events, `case "mention":`) || strings.Contains(events, `case "matched":`) {
		t.Errorf("stream_events.go:\n%s", events)
	}
}

// A document without Note has no IsPureRenote and no typed note events.
func TestStreamingSchemasWithoutEntities(t *testing.T) {
	api := buildWithSupplied(t, `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}`)
	if eventType(api, "homeTimeline", "note") != "" || eventType(api, "main", "mention") != "" {
		t.Error("note events typed without a Note")
	}
	if eventType(api, "main", "unreadMention") != "StreamUnreadMention" || eventType(api, "queueStats", "stats") != "*StreamQueueStats" {
		t.Error("events that need no entity are not typed")
	}
	files, err := Emit(api, "misskey")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name == "helpers.go" && strings.Contains(string(f.Content), "IsPureRenote") {
			t.Error("IsPureRenote without a Note")
		}
	}
}

// Every schema of streaming_schema.json is supplied to the newest recorded
// server's document: none refers to a component Misskey does not have.
func TestStreamingSchemasAllSupplied(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "specs", "misskey-2026.3.1-live.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("%s: %v", path, err)
	}
	d, err := Parse(&Input{Name: path, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	added, err := addStreamingSchemas(d)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	}
	if err := json.Unmarshal(streamingSchemaJSON, &file); err != nil {
		t.Fatal(err)
	}
	if len(added) != len(file.Schemas) {
		var missing []string
		for name := range file.Schemas {
			if !slices.Contains(added, name) {
				missing = append(missing, name)
			}
		}
		t.Errorf("%d of %d schemas supplied; left out: %v", len(added), len(file.Schemas), missing)
	}
	// Every event the protocol table names an own type for has that type.
	for _, se := range streamEvents {
		if se.own != "" && file.Schemas[se.own] == nil {
			t.Errorf("%s:%s names %s, which streaming_schema.json lacks", se.channels[0], se.event, se.own)
		}
	}
	var logTypes struct {
		Enum []string `json:"enum"`
	}
	_ = json.Unmarshal(file.Schemas["ModerationLogType"], &logTypes)
	for _, typ := range logTypes.Enum {
		if moderationLogInfo[typ] == "" && typ != "clearQueue" && typ != "promoteQueue" {
			t.Errorf("moderation log type %s has no info type", typ)
		}
	}
	for typ, info := range moderationLogInfo {
		if !slices.Contains(logTypes.Enum, typ) {
			t.Errorf("moderation log info for %s, which ModerationLogType lacks", typ)
		}
		if file.Schemas[info] == nil {
			t.Errorf("moderation log %s: info type %s not in streaming_schema.json", typ, info)
		}
	}
}
