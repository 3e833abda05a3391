package misskeytest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestShapesMatchRecordings compares the entities the server's own Misskey
// packs with what Misskey 2026.3.1 sent (../shared/recordings/2026.3.1):
// the same properties, each with the same JSON type wherever both are not
// null. Recorded properties a fresh local account cannot have are listed
// in notPacked.
func TestShapesMatchRecordings(t *testing.T) {
	dir := filepath.Join(sharedDir(t, "recordings"), "2026.3.1")
	recorded := func(file, path string) any {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, "http", file))
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Body any }
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		v := r.Body
		for _, p := range strings.Split(path, ".") {
			if p == "" {
				continue
			}
			switch x := v.(type) {
			case map[string]any:
				v = x[p]
			case []any:
				v = x[0]
			}
		}
		return v
	}

	srv := NewServer(t)
	alice := newActor(t, srv, "alice", WithName("Alice"))
	bob := newActor(t, srv, "bob")
	bob.call("following/create", map[string]any{"userId": alice.ID}, nil)
	var plain, reply struct{ CreatedNote map[string]any }
	alice.call("notes/create", map[string]any{"text": "plain"}, &plain)
	bob.call("notes/create", map[string]any{"text": "@alice a reply", "replyId": plain.CreatedNote["id"]}, &reply)
	var me, shown, lite map[string]any
	alice.call("i", nil, &me)
	alice.call("users/show", map[string]any{"userId": bob.ID}, &shown)
	alice.call("following/create", map[string]any{"userId": bob.ID}, &lite)
	var notifications []map[string]any
	alice.call("i/notifications", nil, &notifications)
	ct, body := multipartBody(t, map[string]string{"i": alice.Token}, "text")
	_, _, out := post(t, srv.URL+"/api/drive/files/create", ct, body)
	var file map[string]any
	_ = json.Unmarshal([]byte(out), &file)

	byType := map[string]map[string]any{}
	for _, n := range notifications {
		byType[n["type"].(string)] = n
	}
	for _, tc := range []struct {
		name      string
		got       any
		file      string
		path      string
		notPacked []string
	}{
		{"Note", plain.CreatedNote, "notes__create--plain.json", "createdNote", nil},
		{"Note with reply", reply.CreatedNote, "notes__create--reply.json", "createdNote", nil},
		{"UserLite", lite, "following__create.json", "", nil},
		{"DriveFile", file, "drive__files__create--text-file.json", "", nil},
		// The recorded reply answered a note with mentions.
		{"Notification (reply)", byType["reply"], "i__notifications--alice.json", "", []string{"mentions"}},
		{"Notification (follow)", byType["follow"], "i__notifications--carol.json", "", nil},
		// The recording's viewer was a moderator, who also sees the note
		// moderators keep on a user.
		{"UserDetailedNotMe", shown, "users__show.json", "", []string{"moderationNote"}},
		{"MeDetailed", me, "i.json", "", []string{"moderationNote"}},
	} {
		want := recorded(tc.file, tc.path)
		if tc.name == "Notification (reply)" || tc.name == "Notification (follow)" {
			want = findNotification(recorded(tc.file, ""), tc.name)
		}
		var diffs []string
		compareShape(tc.got, want, tc.name, tc.notPacked, &diffs)
		for _, d := range diffs {
			t.Errorf("%s", d)
		}
	}
}

func findNotification(list any, name string) any {
	typ := "reply"
	if strings.Contains(name, "follow") {
		typ = "follow"
	}
	arr, _ := list.([]any)
	for _, x := range arr {
		if m, ok := x.(map[string]any); ok && m["type"] == typ {
			return m
		}
	}
	return nil
}

// compareShape reports properties one side has and the other lacks, and
// values of different JSON types where both are non-null.
func compareShape(got, want any, path string, ignore []string, diffs *[]string) {
	gm, gok := got.(map[string]any)
	wm, wok := want.(map[string]any)
	if dictionaries[path[strings.LastIndex(path, ".")+1:]] {
		// A map keyed by data (reactions, emojis): the keys differ.
		gok, wok = false, false
	}
	if !gok || !wok {
		gk, wk := jsonKindOf(got), jsonKindOf(want)
		if gk != wk && gk != "null" && wk != "null" {
			*diffs = append(*diffs, path+": "+gk+" here, "+wk+" recorded")
		}
		ga, gaok := got.([]any)
		wa, waok := want.([]any)
		if gaok && waok && len(ga) > 0 && len(wa) > 0 {
			compareShape(ga[0], wa[0], path+"[0]", ignore, diffs)
		}
		return
	}
	keys := map[string]bool{}
	for k := range gm {
		keys[k] = true
	}
	for k := range wm {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		g, inGot := gm[k]
		w, inWant := wm[k]
		switch {
		case !inWant:
			*diffs = append(*diffs, path+"."+k+": packed here, not recorded")
		case !inGot:
			skip := false
			for _, i := range ignore {
				skip = skip || i == k
			}
			if !skip {
				*diffs = append(*diffs, path+"."+k+": recorded, not packed here")
			}
		default:
			compareShape(g, w, path+"."+k, ignore, diffs)
		}
	}
}

// dictionaries are the properties whose objects are maps keyed by data.
var dictionaries = map[string]bool{"reactions": true, "reactionEmojis": true, "emojis": true}

func jsonKindOf(v any) string {
	switch v.(type) {
	case float64:
		return "number"
	}
	return jsonKind(v)
}
