package generator_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// loadDiffDoc models an inline test document.
func loadDiffDoc(t *testing.T, name, doc string) *generator.API {
	t.Helper()
	api, err := generator.LoadAPI(&generator.Input{Name: name, Data: []byte(doc)})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return api
}

// changeLines renders changes one per line, breaking ones marked with "!".
func changeLines(cs []generator.Change) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		mark := "  "
		if c.Breaking {
			mark = "! "
		}
		out = append(out, mark+c.String())
	}
	return out
}

func checkLines(t *testing.T, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	t.Errorf("changes differ\n--- got\n%s\n--- want\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
}

// The old side of the main test: Misskey-shaped, in OpenAPI 3.1.
const diffOldDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "Misskey API", "version": "1.0.0"},
  "paths": {
    "/notes/create": {"post": {
      "operationId": "notes/create",
      "description": "No description provided.\n\n**Credential required**: *Yes* / **Permission**: *write:notes*",
      "requestBody": {"content": {"application/json": {"schema": {
        "type": "object",
        "properties": {
          "text": {"type": ["string", "null"]},
          "cw": {"type": "string"},
          "visibility": {"type": "string", "enum": ["public", "home", "followers"]},
          "poll": {"type": "object", "properties": {
            "choices": {"type": "array", "items": {"type": "string"}},
            "multiple": {"type": "boolean"},
            "expiresAt": {"type": "integer"}
          }, "required": ["choices"]}
        }
      }}}},
      "responses": {"200": {"content": {"application/json": {"schema": {
        "type": "object",
        "properties": {"createdNote": {"$ref": "#/components/schemas/Note"}},
        "required": ["createdNote"]
      }}}}}
    }},
    "/notes/show": {"post": {
      "operationId": "notes/show",
      "description": "**Credential required**: *No*",
      "requestBody": {"content": {"application/json": {"schema": {
        "type": "object", "properties": {"noteId": {"type": "string"}}, "required": ["noteId"]
      }}}},
      "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}}}}
    }},
    "/i": {"post": {
      "operationId": "i",
      "description": "**Credential required**: *Yes* / **Permission**: *read:account*",
      "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}}
    }},
    "/i/read-all": {"post": {
      "operationId": "i/read-all",
      "description": "**Credential required**: *Yes* / **Permission**: *write:account*",
      "responses": {"204": {"description": "OK (without any results)"}}
    }}
  },
  "components": {"schemas": {
    "Note": {"type": "object", "properties": {
      "id": {"type": "string"},
      "text": {"type": ["string", "null"]},
      "score": {"type": "integer"},
      "tags": {"type": "array", "items": {"type": "string"}},
      "user": {"$ref": "#/components/schemas/User"}
    }, "required": ["id", "text", "score", "tags", "user"]},
    "User": {"type": "object", "properties": {
      "id": {"type": "string"},
      "name": {"type": "string"},
      "isCat": {"type": "boolean"}
    }, "required": ["id", "name", "isCat"]},
    "Unused": {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
  }}
}`

// The new side: every kind of change the diff reports, once.
const diffNewDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "Misskey API", "version": "2.0.0"},
  "paths": {
    "/notes/create": {"post": {
      "operationId": "notes/create",
      "description": "No description provided.\n\n**Credential required**: *Yes* / **Permission**: *write:notes, write:drive*",
      "requestBody": {"content": {"application/json": {"schema": {
        "type": "object",
        "properties": {
          "text": {"type": "string"},
          "cw": {"type": "integer"},
          "channelId": {"type": "string"},
          "localOnly": {"type": "boolean"},
          "visibility": {"type": "string", "enum": ["public", "home", "specified"]},
          "poll": {"type": "object", "properties": {
            "choices": {"type": "array", "items": {"type": "string"}},
            "multiple": {"type": "boolean"}
          }, "required": ["choices", "multiple"]}
        },
        "required": ["localOnly"]
      }}}},
      "responses": {"200": {"content": {"application/json": {"schema": {
        "type": "object",
        "properties": {"createdNote": {"$ref": "#/components/schemas/Note"}},
        "required": ["createdNote"]
      }}}}}
    }},
    "/notes/show": {"post": {
      "operationId": "notes/show",
      "description": "**Credential required**: *Yes*",
      "requestBody": {"content": {"application/json": {"schema": {
        "type": "object", "properties": {"noteId": {"type": "string"}}
      }}}},
      "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}}}}
    }},
    "/i": {"post": {
      "operationId": "i",
      "description": "**Credential required**: *Yes*",
      "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}}
    }},
    "/notes/timeline": {"post": {
      "operationId": "notes/timeline",
      "description": "**Credential required**: *Yes* / **Permission**: *read:account*",
      "requestBody": {"content": {"application/json": {"schema": {
        "type": "object", "properties": {"untilId": {"type": "string"}, "limit": {"type": "integer"}}
      }}}},
      "responses": {"200": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}}}}}}
    }}
  },
  "components": {"schemas": {
    "Note": {"type": "object", "properties": {
      "id": {"type": "string"},
      "text": {"type": ["string", "null"]},
      "score": {"type": "number"},
      "tags": {"type": "array", "items": {"type": "string"}},
      "reactions": {"type": "object", "additionalProperties": {"type": "integer"}},
      "user": {"$ref": "#/components/schemas/User"}
    }, "required": ["id", "text", "score", "user", "reactions"]},
    "User": {"type": "object", "properties": {
      "id": {"type": "string"},
      "name": {"type": ["string", "null"]},
      "isBot": {"type": "boolean"}
    }, "required": ["id", "name"]},
    "Unused": {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"]}
  }}
}`

func TestDiffAPIs(t *testing.T) {
	oldAPI := loadDiffDoc(t, "old.json", diffOldDoc)
	newAPI := loadDiffDoc(t, "new.json", diffNewDoc)
	d := generator.DiffAPIs(oldAPI, newAPI)

	checkLines(t, changeLines(d.Changes), []string{
		// Breaking first: the removed endpoint, then by endpoint, request
		// before response, then the shared types.
		"! i/read-all: endpoint removed",
		"! notes/create: now requires permission write:drive",
		"! notes/create request field cw: type changed: string → integer",
		"! notes/create request field localOnly: added (required, boolean)",
		// A removed optional field is a removed Go field: callers that set
		// it no longer compile.
		"! notes/create request field poll.expiresAt: removed (was optional, integer)",
		"! notes/create request field poll.multiple: optional → required",
		"! notes/create request field text: no longer nullable",
		`! notes/create request field visibility: enum value "followers" removed`,
		"! notes/show: now requires a credential (access token)",
		// string → *string: callers that set it no longer compile.
		"! notes/show request field noteId: required → optional",
		"! type Note field score: type changed: integer → number",
		"! type Note field tags: required → optional",
		"! type User field isCat: removed (was required, boolean)",
		"! type User field name: became nullable",
		// Then the rest, in the same order.
		"  notes/timeline: endpoint added",
		"  i: no longer requires permission read:account",
		"  notes/create request field channelId: added (optional, string)",
		`  notes/create request field visibility: enum value "specified" added`,
		"  type Note field reactions: added (required, map[string]integer)",
		"  type User field isBot: added (optional, boolean)",
	})

	if !d.HasBreaking() {
		t.Error("HasBreaking() = false")
	}
	if got, want := d.EndpointsAdded(), []string{"notes/timeline"}; !slices.Equal(got, want) {
		t.Errorf("EndpointsAdded() = %q, want %q", got, want)
	}
	if got, want := d.EndpointsRemoved(), []string{"i/read-all"}; !slices.Equal(got, want) {
		t.Errorf("EndpointsRemoved() = %q, want %q", got, want)
	}
	if d.Old.Version != "1.0.0" || d.New.Version != "2.0.0" {
		t.Errorf("versions = %q → %q", d.Old.Version, d.New.Version)
	}
	// The dotted path of a field inside an inline request object.
	if cs := d.Find(generator.ChangeFieldMadeRequired, "notes/create", generator.WhereRequest, "poll.multiple"); len(cs) != 1 || !cs[0].Breaking {
		t.Errorf("poll.multiple made required: %v", cs)
	}

	// Nothing changed: nothing reported, in either direction.
	if same := generator.DiffAPIs(oldAPI, loadDiffDoc(t, "old-again.json", diffOldDoc)); len(same.Changes) != 0 || same.HasBreaking() {
		t.Errorf("identical documents: %q", changeLines(same.Changes))
	}

	// Backwards, what was added is removed, and the judgement flips.
	back := changeLines(generator.DiffAPIs(newAPI, oldAPI).Changes)
	for _, want := range []string{
		"! notes/timeline: endpoint removed",
		"  i/read-all: endpoint added",
		"! i: now requires permission read:account",
		"  notes/show: no longer requires a credential",
		"! notes/create request field localOnly: removed (was required, boolean)",
		"! notes/create request field text: became nullable", // *string → Optional[string]
		"  notes/create: no longer requires permission write:drive",
		"  type User field isCat: added (required, boolean)",
		"! type User field isBot: removed (was optional, boolean)",
		"! type User field name: no longer nullable", // *string → string
		"  type Note field tags: optional → required",
	} {
		if !slices.Contains(back, want) {
			t.Errorf("reverse diff lacks %q; got\n%s", want, strings.Join(back, "\n"))
		}
	}
}

// unionDoc is a document with a discriminated union (as Misskey's
// Notification) reachable from a response; branches and fields vary.
func unionDoc(branches string) string {
	return `{
  "openapi": "3.0.0",
  "info": {"title": "Misskey API", "version": "x"},
  "paths": {"/i/notifications": {"post": {
    "operationId": "i/notifications",
    "description": "**Credential required**: *Yes* / **Permission**: *read:notifications*",
    "responses": {"200": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Notification"}}}}}}
  }}},
  "components": {"schemas": {"Notification": {"type": "object", "oneOf": [` + branches + `]}}}
}`
}

func TestDiffAPIsUnionBranches(t *testing.T) {
	const follow = `{"type": "object", "properties": {"type": {"type": "string", "enum": ["follow"]}, "userId": {"type": "string"}}, "required": ["type", "userId"]}`
	oldAPI := loadDiffDoc(t, "old.json", unionDoc(follow+`,
      {"type": "object", "properties": {"type": {"type": "string", "enum": ["mention"]}, "note": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}}, "required": ["type", "note"]},
      {"type": "object", "properties": {"type": {"type": "string", "enum": ["app"]}, "header": {"type": "string"}}, "required": ["type", "header"]}`))
	newAPI := loadDiffDoc(t, "new.json", unionDoc(follow+`,
      {"type": "object", "properties": {"type": {"type": "string", "enum": ["mention"]}, "note": {"type": "object", "properties": {"id": {"type": "string"}, "text": {"type": "string", "nullable": true}}, "required": ["id"]}}, "required": ["type", "note"]},
      {"type": "object", "properties": {"type": {"type": "string", "enum": ["reaction"]}, "reaction": {"type": "string"}}, "required": ["type", "reaction"]}`))
	d := generator.DiffAPIs(oldAPI, newAPI)
	// Notification is one struct holding every alternative: a lost
	// alternative is a lost Go field and constant (breaking for the code
	// that uses them), a new one adds a field and a constant.
	checkLines(t, changeLines(d.Changes), []string{
		"! type Notification field header: removed (was optional, string)",
		`! type Notification field type: enum value "app" removed`,
		"  type Notification field note.text: added (optional, string)",
		"  type Notification field reaction: added (optional, string)",
		`  type Notification field type: enum value "reaction" added`,
	})
}

// A request body that appears or goes away shows as its fields; a response
// body that appears or goes away is a type change.
func TestDiffAPIsBodiesComingAndGoing(t *testing.T) {
	doc := func(request, response string) string {
		return `{"openapi": "3.1.0", "info": {"title": "t", "version": "v"}, "paths": {"/x": {"post": {
      "operationId": "x", "description": "**Credential required**: *No*",` + request + `
      "responses": ` + response + `}}}}`
	}
	const req = `"requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}}}},`
	const noContent = `{"204": {"description": "OK"}}`
	const list = `{"200": {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}}`
	bare := loadDiffDoc(t, "bare.json", doc("", noContent))
	full := loadDiffDoc(t, "full.json", doc(req, list))
	checkLines(t, changeLines(generator.DiffAPIs(bare, full).Changes), []string{
		"! x request field a: added (required, string)",
		"! x response: type changed: no content → []string",
		"  x request field b: added (optional, integer)",
	})
	checkLines(t, changeLines(generator.DiffAPIs(full, bare).Changes), []string{
		"! x request field a: removed (was required, string)",
		"! x request field b: removed (was optional, integer)",
		"! x response: type changed: []string → no content",
	})
}

// The report is the same however the documents list their paths and
// properties, and every format writes the same bytes twice.
func TestDiffReportsAreDeterministic(t *testing.T) {
	oldAPI := loadDiffDoc(t, "old.json", diffOldDoc)
	newAPI := loadDiffDoc(t, "new.json", diffNewDoc)
	writers := map[string]func(*generator.APIDiff, *bytes.Buffer) error{
		"text":     func(d *generator.APIDiff, b *bytes.Buffer) error { return d.WriteText(b) },
		"markdown": func(d *generator.APIDiff, b *bytes.Buffer) error { return d.WriteMarkdown(b) },
		"json":     func(d *generator.APIDiff, b *bytes.Buffer) error { return d.WriteJSON(b) },
	}
	for name, write := range writers {
		var first string
		for i := range 5 {
			var b bytes.Buffer
			if err := write(generator.DiffAPIs(oldAPI, newAPI), &b); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = b.String()
			} else if b.String() != first {
				t.Fatalf("%s output differs between runs", name)
			}
		}
	}
}

func TestDiffOutputFormats(t *testing.T) {
	d := generator.DiffAPIs(loadDiffDoc(t, "old.json", diffOldDoc), loadDiffDoc(t, "new.json", diffNewDoc))
	d.Old.Source, d.New.Source = "old.json", "new.json"

	var text bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	wantText := []string{
		"API diff: 1.0.0 (old.json) → 2.0.0 (new.json)\n",
		"14 breaking, 6 other changes; 1 endpoints added, 1 removed.\n",
		"\nBREAKING CHANGES (14):\n  i/read-all: endpoint removed\n  notes/create: now requires permission write:drive\n",
		"\nENDPOINTS ADDED (1):\n  notes/timeline\n",
		"\nOTHER CHANGES (5):\n  i: no longer requires permission read:account\n",
	}
	for _, w := range wantText {
		if !strings.Contains(text.String(), w) {
			t.Errorf("text output lacks %q:\n%s", w, text.String())
		}
	}
	if strings.Index(text.String(), "BREAKING") > strings.Index(text.String(), "OTHER") {
		t.Error("text output: breaking changes are not first")
	}

	var md bytes.Buffer
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"## Misskey API changes: `1.0.0` → `2.0.0`\n",
		"**14 breaking** · 6 other changes · 1 endpoints added · 1 endpoints removed\n",
		"### Breaking changes\n\n| Endpoint / type | Where | Field | Change |\n|---|---|---|---|\n| `i/read-all` |  |  | endpoint removed |\n",
		"| `notes/create` | request | `poll.multiple` | optional → required |\n",
		"| type `User` |  | `name` | became nullable |\n",
		"### Endpoints added\n\n- `notes/timeline`\n",
		"### Endpoints removed\n\n- `i/read-all`\n",
		"### Other changes\n\n<details><summary>5 changes</summary>\n",
	} {
		if !strings.Contains(md.String(), w) {
			t.Errorf("markdown output lacks %q:\n%s", w, md.String())
		}
	}

	var js bytes.Buffer
	if err := d.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Old, New struct{ Source, Title, Version, OpenAPI string }
		Summary  struct {
			Breaking, NonBreaking            int
			EndpointsAdded, EndpointsRemoved []string
		}
		Changes []map[string]any
	}
	dec := json.NewDecoder(bytes.NewReader(js.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, js.String())
	}
	if got.Old.Version != "1.0.0" || got.New.Source != "new.json" || got.Old.OpenAPI != "3.1.0" {
		t.Errorf("JSON old/new = %+v / %+v", got.Old, got.New)
	}
	if got.Summary.Breaking != 14 || got.Summary.NonBreaking != 6 ||
		!reflect.DeepEqual(got.Summary.EndpointsAdded, []string{"notes/timeline"}) ||
		!reflect.DeepEqual(got.Summary.EndpointsRemoved, []string{"i/read-all"}) {
		t.Errorf("JSON summary = %+v", got.Summary)
	}
	if len(got.Changes) != 20 {
		t.Fatalf("JSON has %d changes, want 20", len(got.Changes))
	}
	wantFirst := map[string]any{"breaking": true, "kind": "endpoint-removed", "endpoint": "i/read-all"}
	if !reflect.DeepEqual(got.Changes[0], wantFirst) {
		t.Errorf("first JSON change = %v, want %v", got.Changes[0], wantFirst)
	}
	wantField := map[string]any{"breaking": true, "kind": "field-added", "endpoint": "notes/create", "where": "request", "path": "localOnly", "new": "boolean", "required": true}
	if !slices.ContainsFunc(got.Changes, func(c map[string]any) bool { return reflect.DeepEqual(c, wantField) }) {
		t.Errorf("JSON lacks %v", wantField)
	}
	// The field names are part of the format: fixed, in this order.
	if !strings.Contains(js.String(), `{
      "breaking": true,
      "kind": "field-added",
      "endpoint": "notes/create",
      "where": "request",
      "path": "localOnly",
      "new": "boolean",
      "required": true
    }`) {
		t.Errorf("JSON field order changed:\n%s", js.String())
	}

	// No changes at all.
	same := generator.DiffAPIs(loadDiffDoc(t, "a.json", diffOldDoc), loadDiffDoc(t, "b.json", diffOldDoc))
	var empty bytes.Buffer
	if err := same.WriteJSON(&empty); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(empty.String(), `"changes": []`) || !strings.Contains(empty.String(), `"endpointsAdded": []`) {
		t.Errorf("JSON of no changes:\n%s", empty.String())
	}
}

var (
	realAPIsMu sync.Mutex
	realAPIs   = map[string]*generator.API{}
)

// realAPI models one real document from ../shared/specs, once per test
// binary, or skips the test when the folder is absent.
func realAPI(t *testing.T, file string) *generator.API {
	t.Helper()
	path := filepath.Join(gentest.SharedDir(t, "specs"), file)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	realAPIsMu.Lock()
	defer realAPIsMu.Unlock()
	if api := realAPIs[file]; api != nil {
		return api
	}
	api, err := generator.LoadAPI(&generator.Input{Name: path, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	realAPIs[file] = api
	return api
}

// requireChange fails unless d has exactly one change of the kind at the
// place, with the given breaking judgement.
func requireChange(t *testing.T, d *generator.APIDiff, kind generator.ChangeKind, endpoint, where, path string, breaking bool) generator.Change {
	t.Helper()
	cs := d.Find(kind, endpoint, where, path)
	if len(cs) != 1 {
		t.Fatalf("want one %s on %s %s %s, got %v", kind, endpoint, where, path, cs)
	}
	if cs[0].Breaking != breaking {
		t.Errorf("%s: breaking = %v, want %v", cs[0], cs[0].Breaking, breaking)
	}
	return cs[0]
}

func TestDiffRealMisskey2024_3To2024_10(t *testing.T) {
	t.Parallel()
	d := generator.DiffAPIs(realAPI(t, "misskey-2024.3.1.json"), realAPI(t, "misskey-2024.10.0-beta.6.json"))
	wantAdded := []string{
		"admin/abuse-report/notification-recipient/create",
		"admin/abuse-report/notification-recipient/delete",
		"admin/abuse-report/notification-recipient/list",
		"admin/abuse-report/notification-recipient/show",
		"admin/abuse-report/notification-recipient/update",
		"admin/forward-abuse-user-report",
		"admin/system-webhook/create",
		"admin/system-webhook/delete",
		"admin/system-webhook/list",
		"admin/system-webhook/show",
		"admin/system-webhook/test",
		"admin/system-webhook/update",
		"admin/update-abuse-user-report",
		"announcements/show",
		"i/webhooks/test",
	}
	if got := d.EndpointsAdded(); !slices.Equal(got, wantAdded) {
		t.Errorf("endpoints added:\n got %q\nwant %q", got, wantAdded)
	}
	if got := d.EndpointsRemoved(); len(got) != 0 {
		t.Errorf("endpoints removed: %q, want none", got)
	}
	// The permission of admin/show-users was renamed (singular).
	c := requireChange(t, d, generator.ChangePermissionAdded, "admin/show-users", "", "", true)
	if c.New != "read:admin:show-user" {
		t.Errorf("admin/show-users permission added: %q", c.New)
	}
	requireChange(t, d, generator.ChangePermissionRemoved, "admin/show-users", "", "", false)
	// admin/ad/update became a partial update: url is a *string now, which
	// breaks callers that set a string.
	requireChange(t, d, generator.ChangeFieldMadeOptional, "admin/ad/update", generator.WhereRequest, "url", true)
	// antennas/create: notify went (a Go field gone: breaking), excludeBots
	// came.
	requireChange(t, d, generator.ChangeFieldRemoved, "antennas/create", generator.WhereRequest, "notify", true)
	if c := requireChange(t, d, generator.ChangeFieldAdded, "antennas/create", generator.WhereRequest, "excludeBots", false); c.New != "boolean" || c.Required {
		t.Errorf("excludeBots: %v", c)
	}
	// Inside the shared Notification: the app notification's header may
	// now be null.
	nullable := d.Find(generator.ChangeFieldMadeNullable, "", "", "header")
	if len(nullable) != 1 || nullable[0].Type != "Notification" || !nullable[0].Breaking {
		t.Errorf("Notification header made nullable: %v", nullable)
	}
	if !d.HasBreaking() {
		t.Error("no breaking change found")
	}
	// Breaking changes come first.
	for i := 1; i < len(d.Changes); i++ {
		if d.Changes[i].Breaking && !d.Changes[i-1].Breaking {
			t.Fatalf("breaking change %s after a non-breaking one", d.Changes[i])
		}
	}
}

func TestDiffRealMisskey2024_10To2026_3(t *testing.T) {
	t.Parallel()
	d := generator.DiffAPIs(realAPI(t, "misskey-2024.10.0-beta.6.json"), realAPI(t, "live-misskey-2026.3.2.json"))
	if got, want := d.EndpointsRemoved(), []string{"admin/queue/promote", "i/read-all-unread-notes"}; !slices.Equal(got, want) {
		t.Errorf("endpoints removed: %q, want %q", got, want)
	}
	for _, name := range []string{"admin/queue/promote", "i/read-all-unread-notes"} {
		requireChange(t, d, generator.ChangeEndpointRemoved, name, "", "", true)
	}
	added := d.EndpointsAdded()
	if len(added) != 52 {
		t.Errorf("%d endpoints added, want 52: %q", len(added), added)
	}
	for _, name := range []string{
		"admin/queue/jobs", "admin/queue/promote-jobs", "channels/mute/create",
		"chat/messages/create-to-user", "chat/rooms/create", "notes/drafts/create",
		"notes/show-partial-bulk", "v2/admin/emoji/list", "verify-email",
	} {
		if !slices.Contains(added, name) {
			t.Errorf("endpoint %s not reported as added", name)
		}
	}
	// admin/queue/clear now needs to be told which queue and state.
	for _, field := range []string{"queue", "state"} {
		if c := requireChange(t, d, generator.ChangeFieldAdded, "admin/queue/clear", generator.WhereRequest, field, true); !c.Required || c.New != "enum" {
			t.Errorf("admin/queue/clear %s: %v", field, c)
		}
	}
	// i/update gained chatScope (optional: not breaking).
	requireChange(t, d, generator.ChangeFieldAdded, "i/update", generator.WhereRequest, "chatScope", false)
	// The 2024.10 beta document marked every Note property required; 2026
	// does not: reading clients must now expect absent fields.
	requireChange(t, d, generator.ChangeFieldMadeOptional, "", "", "renote", true)
	// users/show takes one of userId, userIds or username. 2024.10 wrote
	// that as properties with anyOf of required lists; 2026 as anyOf of
	// objects. The model makes both one struct, so nothing changed.
	for _, c := range d.Changes {
		if c.Endpoint == "users/show" && c.Where == generator.WhereRequest {
			t.Errorf("users/show request: unexpected %s", c)
		}
	}
}

// Moving from upstream Misskey to misskey.io's fork loses i/update's
// hardMutedWords: a Go field the caller may set is gone, so diff calls it
// breaking, though the server would only ignore an optional parameter.
func TestDiffRemovedOptionalRequestFieldBreaks(t *testing.T) {
	t.Parallel()
	d := generator.DiffAPIs(realAPI(t, "misskey-2024.10.1.json"), realAPI(t, "misskey-2025.4.1-mhq.13.json"))
	c := requireChange(t, d, generator.ChangeFieldRemoved, "i/update", generator.WhereRequest, "hardMutedWords", true)
	if c.Required {
		t.Errorf("hardMutedWords was optional: %v", c)
	}
}
