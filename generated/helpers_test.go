package misskey

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The SDK helpers generated from testdata/openapi.json, and the typed
// streaming events, on the cases misskey-js defines and on recorded bodies.

func TestIsPureRenote(t *testing.T) {
	text, cw := "hi", "spoiler"
	renoted := &Note{ID: "r"}
	for _, tc := range []struct {
		name string
		n    *Note
		want bool
	}{
		{"renote without anything of its own", &Note{ID: "n", Renote: renoted}, true},
		{"renote with empty lists", &Note{ID: "n", Renote: renoted, FileIDs: []string{}}, true},
		{"quote: text", &Note{ID: "n", Renote: renoted, Text: &text}, false},
		{"quote: content warning", &Note{ID: "n", Renote: renoted, CW: &cw}, false},
		{"quote: files", &Note{ID: "n", Renote: renoted, FileIDs: []string{"f"}}, false},
		{"quote: poll", &Note{ID: "n", Renote: renoted, Poll: &NotePoll{}}, false},
		{"a reply that renotes", &Note{ID: "n", Renote: renoted, Reply: &Note{ID: "p"}}, false},
		{"plain note", &Note{ID: "n", Text: &text}, false},
		{"empty note", &Note{ID: "n"}, false},
		{"nil", nil, false},
	} {
		if got := tc.n.IsPureRenote(); got != tc.want {
			t.Errorf("%s: IsPureRenote() = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Through the events that embed a Note.
	m := &StreamRenote{Note: Note{ID: "n", Renote: renoted}}
	if !m.IsPureRenote() {
		t.Error("StreamRenote.IsPureRenote: false")
	}

	// Recorded timeline notes: the renote and the quote of homeTimeline.
	lines := recordedFrames(t, "2024.10.1", "homeTimeline.jsonl")
	pure, quotes := 0, 0
	for _, body := range lines {
		var n Note
		if err := json.Unmarshal(body, &n); err != nil {
			t.Fatal(err)
		}
		if n.RenoteID == nil {
			if n.IsPureRenote() {
				t.Errorf("note %s renotes nothing but is a pure renote", n.ID)
			}
			continue
		}
		if n.IsPureRenote() {
			pure++
		} else {
			quotes++
		}
	}
	if len(lines) > 0 && (pure != 1 || quotes != 1) {
		t.Errorf("recorded homeTimeline: %d pure renotes and %d quotes, want 1 and 1", pure, quotes)
	}
}

// recordedFrames returns the bodies of the channel events of a recorded
// session, or nothing when the recordings are absent.
func recordedFrames(t *testing.T, server, file string) []json.RawMessage {
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "recordings", server, "streaming", file))
	if err != nil {
		t.Logf("recordings absent: %v", err)
		return nil
	}
	var out []json.RawMessage
	for _, line := range strings.Split(string(data), "\n") {
		var l struct {
			Dir   string `json:"dir"`
			Frame struct {
				Type string `json:"type"`
				Body struct {
					Body json.RawMessage `json:"body"`
				} `json:"body"`
			} `json:"frame"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Dir == "in" && l.Frame.Type == "channel" {
			out = append(out, l.Frame.Body.Body)
		}
	}
	return out
}

func TestConstantLists(t *testing.T) {
	// The notification types testdata/openapi.json's Notification names, in
	// its order.
	if want := []NotificationType{NotificationTypeNote, NotificationTypeFollow, NotificationTypeMention, NotificationTypeReaction, NotificationTypePollEnded, NotificationTypeApp}; !reflect.DeepEqual(NotificationTypes, want) {
		t.Errorf("NotificationTypes = %v, want %v", NotificationTypes, want)
	}
	// misskey-js's lists.
	if want := []MutedNoteReason{"word", "manual", "spam", "other"}; !reflect.DeepEqual(MutedNoteReasons, want) {
		t.Errorf("MutedNoteReasons = %v", MutedNoteReasons)
	}
	for _, q := range []QueueType{"system", "endedPollNotification", "deliver", "inbox", "db", "relationship", "objectStorage", "userWebhookDeliver", "systemWebhookDeliver"} {
		found := false
		for _, x := range QueueTypes {
			found = found || x == q
		}
		if !found {
			t.Errorf("QueueTypes lacks %s", q)
		}
	}
	if len(ModerationLogTypes) < 50 || ModerationLogTypes[0] != ModerationLogTypeUpdateServerSettings {
		t.Errorf("ModerationLogTypes: %d, starting %v", len(ModerationLogTypes), ModerationLogTypes[:1])
	}
}

func TestDecodeModerationLogInfo(t *testing.T) {
	// Shapes as Misskey's server writes them.
	info, err := DecodeModerationLogInfo(ModerationLogTypeAssignRole, map[string]any{
		"userId": "u1", "userUsername": "bob", "userHost": nil, "roleId": "r1", "roleName": "Testers", "expiresAt": "2026-12-24T20:09:32.899Z", "memo": nil,
	})
	a, ok := info.(*ModerationLogRoleAssignmentInfo)
	if err != nil || !ok || a.UserUsername != "bob" || a.RoleName != "Testers" || a.UserHost != nil || a.ExpiresAt == nil || a.ExpiresAt.Year() != 2026 {
		t.Errorf("assignRole: %#v, %v", info, err)
	}
	info, err = DecodeModerationLogInfo(ModerationLogTypeSuspend, json.RawMessage(`{"userId":"u2","userUsername":"eve","userHost":"remote.example"}`))
	if u, ok := info.(*ModerationLogUserInfo); err != nil || !ok || u.UserID != "u2" || u.UserHost == nil || *u.UserHost != "remote.example" {
		t.Errorf("suspend: %#v, %v", info, err)
	}
	info, err = DecodeModerationLogInfo(ModerationLogTypeUpdateCustomEmoji, []byte(`{"emojiId":"e1","before":{"name":"a"},"after":{"name":"b"}}`))
	if e, ok := info.(*ModerationLogEntityInfo); err != nil || !ok || e.EmojiID == nil || *e.EmojiID != "e1" || e.After.(map[string]any)["name"] != "b" {
		t.Errorf("updateCustomEmoji: %#v, %v", info, err)
	}
	for _, typ := range []ModerationLogType{ModerationLogTypeClearQueue, ModerationLogTypePromoteQueue, "someFutureType"} {
		if info, err := DecodeModerationLogInfo(typ, map[string]any{}); info != nil || err != nil {
			t.Errorf("%s: %#v, %v; want nil, nil", typ, info, err)
		}
	}
	if _, err := DecodeModerationLogInfo(ModerationLogTypeSuspend, json.RawMessage(`{`)); err == nil {
		t.Error("malformed info: no error")
	}

	// Every recorded moderation log entry of the three servers.
	wantType := map[string]string{
		"assignRole": "*misskey.ModerationLogRoleAssignmentInfo", "updateUserNote": "*misskey.ModerationLogUserNoteInfo",
		"markSensitiveDriveFile": "*misskey.ModerationLogDriveFileInfo", "createInvitation": "*misskey.ModerationLogInvitationInfo",
	}
	n := 0
	for _, server := range []string{"2024.10.1", "2025.4.1-mhq.13", "2026.3.1"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "shared", "recordings", server, "http", "admin__show-moderation-logs.json"))
		if err != nil {
			t.Logf("recordings absent: %v", err)
			return
		}
		var rec struct {
			Body []struct {
				Type string          `json:"type"`
				Info json.RawMessage `json:"info"`
			} `json:"body"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatal(err)
		}
		for _, e := range rec.Body {
			var asMap map[string]any
			_ = json.Unmarshal(e.Info, &asMap)
			info, err := DecodeModerationLogInfo(ModerationLogType(e.Type), asMap)
			if err != nil || info == nil {
				t.Errorf("%s %s: %v, %v", server, e.Type, info, err)
				continue
			}
			n++
			if w := wantType[e.Type]; w != "" && reflect.TypeOf(info).String() != w {
				t.Errorf("%s %s: %T, want %s", server, e.Type, info, w)
			}
			// Every member the server wrote is a field of the info type
			// (null ones come back absent, as optional fields do today).
			back, _ := json.Marshal(info)
			var got map[string]any
			_ = json.Unmarshal(back, &got)
			for k, v := range asMap {
				if _, ok := got[k]; !ok && v != nil {
					t.Errorf("%s %s: member %q of the info is not in %T", server, e.Type, k, info)
				}
			}
		}
	}
	t.Logf("%d recorded moderation log entries typed", n)
}

// A type switch tells the events apart, where their payloads are the same
// entity.
func TestStreamEventTypesDiffer(t *testing.T) {
	note := json.RawMessage(`{"id":"n1","createdAt":"2026-01-02T03:04:05.678Z","userId":"u1","user":{"id":"u1","username":"alice","host":null,"name":null,"avatarUrl":null,"isBot":false,"isCat":false,"emojis":{},"onlineStatus":"online"},"text":"hello @bot","visibility":"public","renoteCount":0,"repliesCount":0,"reactions":{},"reactionEmojis":{},"fileIds":[],"files":[]}`)
	kind := func(channel, event string, body json.RawMessage) string {
		v, _, err := decodeStreamEvent(channel, event, body, false)
		if err != nil {
			t.Fatalf("%s:%s: %v", channel, event, err)
		}
		switch v := v.(type) {
		case *StreamMention:
			return "mention " + *v.Text
		case *StreamReply:
			return "reply " + v.ID
		case *StreamRenote:
			return "renote " + v.ID
		case *Note:
			return "timeline " + v.ID
		case StreamFileDeleted:
			return "file " + string(v)
		case StreamFolderDeleted:
			return "folder " + string(v)
		case StreamUnreadMention:
			return "unread mention " + string(v)
		case *StreamFileCreated:
			return "file created"
		case *StreamDriveFileCreated:
			return "uploaded"
		case *StreamUnreadNotification:
			return "unread notification"
		case *Notification:
			return "notification"
		case nil:
			return "raw"
		}
		return "?"
	}
	notif := json.RawMessage(`{"id":"x1","createdAt":"2026-01-02T03:04:05.678Z","type":"app","body":"b","header":"h","icon":null}`)
	file := json.RawMessage(`{"id":"f1","createdAt":"2026-01-02T03:04:05.678Z","name":"a.png","type":"image/png","md5":"0","size":1,"isSensitive":false,"blurhash":null,"properties":{},"url":"u","thumbnailUrl":null,"comment":null,"folderId":null,"folder":null,"userId":null,"user":null}`)
	for _, tc := range []struct {
		channel, event string
		body           json.RawMessage
		want           string
	}{
		{"main", "mention", note, "mention hello @bot"},
		{"main", "reply", note, "reply n1"},
		{"main", "renote", note, "renote n1"},
		{"homeTimeline", "note", note, "timeline n1"},
		{"myForkTimeline", "note", note, "timeline n1"}, // a fork's own timeline
		{"drive", "fileDeleted", json.RawMessage(`"f1"`), "file f1"},
		{"drive", "folderDeleted", json.RawMessage(`"d1"`), "folder d1"},
		{"main", "unreadMention", json.RawMessage(`"n1"`), "unread mention n1"},
		{"drive", "fileCreated", file, "file created"},
		{"main", "driveFileCreated", file, "uploaded"},
		{"main", "notification", notif, "notification"},
		{"main", "unreadNotification", notif, "unread notification"},
		{"main", "readAllNotifications", nil, "raw"},
		{"", "note", note, "raw"}, // not a broadcast
	} {
		if got := kind(tc.channel, tc.event, tc.body); got != tc.want {
			t.Errorf("%s:%s = %s, want %s", tc.channel, tc.event, got, tc.want)
		}
	}
	// An event embedding a union encodes as the union.
	v, _, _ := decodeStreamEvent("main", "unreadNotification", notif, false)
	back, err := json.Marshal(v)
	if err != nil || !strings.Contains(string(back), `"id":"x1"`) || !strings.Contains(string(back), `"type":"app"`) {
		t.Errorf("StreamUnreadNotification re-encoded as %s, %v", back, err)
	}
}
