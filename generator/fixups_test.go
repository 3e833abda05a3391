package generator

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// fixupsShared returns ../shared/<sub> beside the checkout or skips the test
// (internal tests cannot use internal/gentest, which imports this package).
func fixupsShared(t testing.TB, sub string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "shared", sub)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("skipping: %s is absent (the real Misskey documents and recordings live beside the checkout in the development workspace)", dir)
	}
	return dir
}

func parseFile(t testing.TB, path string) *openapi3.T {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(&Input{Name: path, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestFixupsTableIsValid(t *testing.T) {
	table, err := Fixups()
	if err != nil {
		t.Fatal(err)
	}
	if len(table) < 10 {
		t.Fatalf("only %d entries", len(table))
	}
	for _, f := range table {
		for _, e := range f.Evidence {
			if e.Recording == "" && e.Repo != "misskey-dev/misskey" {
				t.Errorf("%s: source evidence from %s, want misskey-dev/misskey", f.ID, e.Repo)
			}
		}
	}
}

// TestFixupsTableRejectsBadEntries: a bad entry is a generator bug, and
// parseFixups says which.
func TestFixupsTableRejectsBadEntries(t *testing.T) {
	good := `{"id":"x","summary":"s","places":["#/components/schemas/A/properties/n"],"when":{"type":"number"},"set":{"type":"integer"},"sent":"ints","evidence":[{"recording":"a/http/b.json"}]}`
	if _, err := parseFixups([]byte(`{"fixups":[` + good + `]}`)); err != nil {
		t.Fatalf("good entry rejected: %v", err)
	}
	cases := map[string]struct{ from, to, want string }{
		"unknown keyword":        {`"set":{"type":"integer"}`, `"set":{"typ":"integer"}`, `unknown schema keyword "typ"`},
		"unknown when keyword":   {`"when":{"type":"number"}`, `"when":{"nullabel":true}`, `unknown schema keyword`},
		"empty when":             {`"when":{"type":"number"}`, `"when":{}`, "empty when"},
		"no change":              {`"set":{"type":"integer"},`, ``, "changes nothing"},
		"bad place":              {`#/components/schemas/A/properties/n`, `#/definitions/A`, "must start with"},
		"bad keyword in place":   {`#/components/schemas/A/properties/n`, `#/components/schemas/A/props/n`, "unsupported schema keyword"},
		"no evidence":            {`"evidence":[{"recording":"a/http/b.json"}]`, `"evidence":[]`, "no evidence"},
		"source without path":    {`{"recording":"a/http/b.json"}`, `{"repo":"misskey-dev/misskey"}`, "needs repo and path"},
		"recording outside":      {`a/http/b.json`, `../x.json`, "relative to the recordings"},
		"bad id":                 {`"id":"x"`, `"id":"Bad Id"`, "id must be"},
		"no sent":                {`"sent":"ints"`, `"sent":""`, "sent is empty"},
		"ref to a non-component": {`"set":{"type":"integer"}`, `"set":{"$ref":"#/paths/x"}`, "not a component schema"},
		"ref beside keywords":    {`"set":{"type":"integer"}`, `"set":{"$ref":"#/components/schemas/B","type":"object"}`, "stands alone"},
		"replace a component":    {`"places":["#/components/schemas/A/properties/n"]`, `"places":["#/components/schemas/A"],"replace":true`, "patched, not replaced"},
		"unknown entry field":    {`"sent":"ints"`, `"sent":"ints","sen":"x"`, "unknown field"},
	}
	for name, c := range cases {
		entry := strings.Replace(good, c.from, c.to, 1)
		if entry == good {
			t.Fatalf("%s: replacement did not apply", name)
		}
		_, err := parseFixups([]byte(`{"fixups":[` + entry + `]}`))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, c.want)
		}
	}
	if _, err := parseFixups([]byte(`{"fixups":[` + good + `,` + good + `]}`)); err == nil || !strings.Contains(err.Error(), "duplicate id") {
		t.Errorf("duplicate ids: err = %v", err)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		pat, s string
		want   bool
	}{
		{"*", "anything", true}, {"*", "", true}, {"abc", "abc", true}, {"abc", "abd", false},
		{"/charts/*", "/charts/user/notes", true}, {"/charts/*", "/chart", false},
		{"*UsersCount", "mentionedLocalUsersCount", true}, {"*UsersCount", "usersCount", false},
		{"a*b*c", "aXXbYYc", true}, {"a*b*c", "acb", false}, {"a*a", "a", false},
	} {
		if got := globMatch(c.pat, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.pat, c.s, got)
		}
	}
}

// synthDoc is a small document with counts, a muted-word list and a stats
// answer; the arguments give the document's choices (see synth).
const synthDoc = `{"openapi":"3.1.0","info":{"title":"t","version":"1"},
"paths":{"/i":{"post":{"operationId":"i","responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/MeDetailedOnly"}}}}}}},
 "/stats":{"post":{"operationId":"stats","responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"type":"object","properties":{"notesCount":{"type":"%s"}%s},"required":["notesCount"]}}}}}}}},
"components":{"schemas":{%s
 "UserDetailedNotMeOnly":{"type":"object","properties":{"notesCount":{"type":"%s"}},"required":["notesCount"]},
 "MeDetailedOnly":{"type":"object","properties":{"mutedWords":{"type":"array","items":%s}},"required":["mutedWords"]}}}}`

// synthData is synthDoc as Misskey writes it (right: false) or as the
// fixups table would correct it (right: true).
func synthData(right bool) []byte {
	if right {
		return fmt.Appendf(nil, synthDoc, "integer", `,"reactionsCount":{"type":"integer"}`,
			`"MutedWord":{"oneOf":[{"type":"array","items":{"type":"string"},"title":"Keywords"},{"type":"string","title":"Regex"}]},`,
			"integer", `{"$ref":"#/components/schemas/MutedWord"}`)
	}
	return fmt.Appendf(nil, synthDoc, "number", "", "", "number", `{"type":"array","items":{"type":"string"}}`)
}

func synth(t *testing.T, right bool) *openapi3.T {
	t.Helper()
	doc, err := Parse(&Input{Name: "synth.json", Data: synthData(right)})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func appliedIDs(applied []AppliedFixup) []string {
	var out []string
	for _, a := range applied {
		out = append(out, a.ID+" "+a.Pointer)
	}
	return out
}

// TestFixupsApplyOnlyWhereTheDocumentIsWrong: an entry changes a place whose
// schema matches its "when", and nothing where the document already says
// what the entry would set.
func TestFixupsApplyOnlyWhereTheDocumentIsWrong(t *testing.T) {
	wrong := synth(t, false)
	applied, err := ApplyFixups(wrong)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"user-counts #/components/schemas/UserDetailedNotMeOnly/properties/notesCount",
		"server-stats-counts #/paths/~1stats/post/responses/200/content/application~1json/schema/properties/notesCount",
		"muted-words #/components/schemas/MeDetailedOnly/properties/mutedWords",
		"stats-reactions-count #/paths/~1stats/post/responses/200/content/application~1json/schema",
	}
	if got := appliedIDs(applied); !slices.Equal(got, want) {
		t.Errorf("applied:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := wrong.Components.Schemas["UserDetailedNotMeOnly"].Value.Properties["notesCount"].Value.Type; !got.Is("integer") {
		t.Errorf("notesCount type = %v, want integer", got)
	}
	items := wrong.Components.Schemas["MeDetailedOnly"].Value.Properties["mutedWords"].Value.Items
	if items.Ref != "#/components/schemas/MutedWord" || items.Value == nil || len(items.Value.OneOf) != 2 || items.Value.OneOf[1].Value.Title != "Regex" {
		t.Errorf("mutedWords items = %+v, want a resolved $ref to MutedWord", items)
	}
	if mw := wrong.Components.Schemas["MutedWord"]; mw == nil || mw.Value != items.Value {
		t.Errorf("MutedWord component not added, or the $ref does not point at it")
	}

	right := synth(t, true)
	applied, err = ApplyFixups(right)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Errorf("applied to a document that is right: %v", appliedIDs(applied))
	}
	// Again on the fixed document: nothing left to do.
	applied, err = ApplyFixups(wrong)
	if err != nil || len(applied) != 0 {
		t.Errorf("second application: %v, %v", appliedIDs(applied), err)
	}
}

// TestFixupsOptionLiteral: fixups are on by default and Options.Literal maps
// the document as written.
func TestFixupsOptionLiteral(t *testing.T) {
	data := synthData(false)
	field := func(api *API, typ, json string) *Field {
		for _, ty := range api.Types {
			if ty.Name == typ {
				for _, f := range ty.Fields {
					if f.JSONName == json {
						return f
					}
				}
			}
		}
		t.Fatalf("no field %s.%s", typ, json)
		return nil
	}
	_, fixed, err := Generate(&Input{Name: "synth.json", Data: data}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, literal, err := Generate(&Input{Name: "synth.json", Data: data}, Options{Literal: true})
	if err != nil {
		t.Fatal(err)
	}
	if k := field(fixed, "UserDetailedNotMeOnly", "notesCount").Type.Kind; k != RefInt {
		t.Errorf("with fixups notesCount is %v, want int64", k)
	}
	if k := field(literal, "UserDetailedNotMeOnly", "notesCount").Type.Kind; k != RefFloat {
		t.Errorf("literal notesCount is %v, want float64", k)
	}
	if e := field(fixed, "MeDetailedOnly", "mutedWords").Type.Elem; e.Kind != RefNamed || e.Named.Name != "MutedWord" {
		t.Errorf("with fixups mutedWords elements are %+v, want MutedWord", e)
	}
	if e := field(literal, "MeDetailedOnly", "mutedWords").Type.Elem; e.Kind != RefSlice {
		t.Errorf("literal mutedWords elements are %+v, want []string", e)
	}
	if len(fixed.Fixups) != 4 || len(literal.Fixups) != 0 {
		t.Errorf("API.Fixups: %d with fixups, %d literal", len(fixed.Fixups), len(literal.Fixups))
	}
}

// TestFixupsOnRealDocuments: every entry applies to at least one real
// document, applying the table twice changes nothing the second time, and
// every fixed document still builds.
func TestFixupsOnRealDocuments(t *testing.T) {
	dir := fixupsShared(t, "specs")
	specs, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	table, err := Fixups()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string][]string{}
	for _, spec := range specs {
		name := strings.TrimSuffix(filepath.Base(spec), ".json")
		doc := parseFile(t, spec)
		applied, err := applyFixups(doc, table)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, a := range applied {
			if !slices.Contains(used[a.ID], name) {
				used[a.ID] = append(used[a.ID], name)
			}
		}
		again, err := applyFixups(doc, table)
		if err != nil || len(again) != 0 {
			t.Errorf("%s: applying the table again changed %v (err %v)", name, appliedIDs(again), err)
		}
		if testing.Short() {
			continue
		}
		if _, err := Build(doc); err != nil {
			t.Errorf("%s: the fixed document does not build: %v", name, err)
		}
	}
	for _, f := range table {
		if len(used[f.ID]) == 0 {
			t.Errorf("%s applies to no document in ../shared/specs", f.ID)
			continue
		}
		t.Logf("%-38s %2d documents", f.ID, len(used[f.ID]))
	}
}

// recordedServers are the servers of ../shared/recordings and their own
// documents.
var recordedServers = []struct{ name, spec string }{
	{"2024.10.1", "misskey-2024.10.1.json"},
	{"2025.4.1-mhq.13", "misskey-2025.4.1-mhq.13.json"},
	{"2026.3.1", "misskey-2026.3.1-live.json"},
}

// TestFixupsAgainstRecordings checks every entry against what the servers
// sent: each server's document is fixed, every recorded 2xx body is walked
// along its endpoint's response schema, and every value that stands at a
// place an entry changed must fit the fixed schema there. Each entry must be
// checked against at least one recorded value, and each recording it cites
// must exist (and, for a server whose document it changed, hold a value at
// one of its places).
func TestFixupsAgainstRecordings(t *testing.T) {
	recDir := fixupsShared(t, "recordings")
	specDir := fixupsShared(t, "specs")
	table, err := Fixups()
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ checked, literalRejects int }
	tallies := map[string]map[string]*tally{} // entry → server → counts
	appliedOn := map[string]map[string]bool{} // entry → server
	filesWithValues := map[string]map[string]bool{}
	for _, srv := range recordedServers {
		doc := parseFile(t, filepath.Join(specDir, srv.spec))
		literal := parseFile(t, filepath.Join(specDir, srv.spec))
		applied, err := applyFixups(doc, table)
		if err != nil {
			t.Fatal(err)
		}
		// The generator follows a $ref by its component's name; kin-openapi
		// gives a $ref written with sibling keywords ({"type":"object",
		// "$ref":…}) a copy of its target, which a fixup of the component
		// does not reach. Point every $ref at its component, as the
		// generator sees them.
		relinkRefs(t, doc)
		relinkRefs(t, literal)
		// The schema of every changed place, fixed and as written.
		type spot struct {
			ids            []string
			fixed, literal *openapi3.SchemaRef
		}
		spots := map[string]*spot{}
		for _, a := range applied {
			if appliedOn[a.ID] == nil {
				appliedOn[a.ID] = map[string]bool{}
			}
			appliedOn[a.ID][srv.name] = true
			sp := spots[a.Pointer]
			if sp == nil {
				sp = &spot{fixed: schemaAt(t, doc, a.Pointer), literal: schemaAt(t, literal, a.Pointer)}
				spots[a.Pointer] = sp
			}
			sp.ids = append(sp.ids, a.ID)
		}
		w := &recWalker{doc: doc, want: map[string]bool{}, values: map[string][]recValue{}}
		for p := range spots {
			w.want[p] = true
		}
		files, _ := filepath.Glob(filepath.Join(recDir, srv.name, "http", "*.json"))
		bodies := 0
		for _, f := range files {
			var rec struct {
				Endpoint string          `json:"endpoint"`
				Status   int             `json:"status"`
				Body     json.RawMessage `json:"body"`
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &rec); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var body any
			if err := json.Unmarshal(rec.Body, &body); err != nil || body == nil || rec.Status/100 != 2 {
				continue
			}
			sref, ptr := responseSchema(doc, rec.Endpoint, rec.Status)
			if sref == nil {
				continue
			}
			bodies++
			w.file = srv.name + "/http/" + filepath.Base(f)
			w.walk(sref, ptr, body, 0)
		}
		if bodies < 300 {
			t.Errorf("%s: only %d recorded bodies walked", srv.name, bodies)
		}
		for _, p := range sortedKeys(spots) {
			sp := spots[p]
			for _, rv := range w.values[p] {
				for _, id := range sp.ids {
					if tallies[id] == nil {
						tallies[id] = map[string]*tally{}
					}
					if tallies[id][srv.name] == nil {
						tallies[id][srv.name] = &tally{}
					}
					tl := tallies[id][srv.name]
					tl.checked++
					if filesWithValues[id] == nil {
						filesWithValues[id] = map[string]bool{}
					}
					filesWithValues[id][rv.file] = true
					if problem := fits(rv.v, sp.fixed, 0); problem != "" {
						t.Errorf("%s: %s at %s: %s does not fit the fixed schema: %s", id, rv.file, p, abbreviate(rv.v), problem)
					}
					if fits(rv.v, sp.literal, 0) != "" {
						tl.literalRejects++
					}
				}
			}
		}
	}
	for _, f := range table {
		var parts []string
		total := 0
		for _, srv := range recordedServers {
			if tl := tallies[f.ID][srv.name]; tl != nil {
				parts = append(parts, fmt.Sprintf("%s %d (literal rejects %d)", srv.name, tl.checked, tl.literalRejects))
				total += tl.checked
			} else if appliedOn[f.ID][srv.name] {
				parts = append(parts, srv.name+" 0")
			}
		}
		if total == 0 {
			t.Errorf("%s: no recorded value stands at its places on any server", f.ID)
		}
		t.Logf("%-38s %s", f.ID, strings.Join(parts, ", "))
		for _, e := range f.Evidence {
			if e.Recording == "" {
				continue
			}
			if _, err := os.Stat(filepath.Join(recDir, e.Recording)); err != nil {
				t.Errorf("%s: evidence %s: %v", f.ID, e.Recording, err)
				continue
			}
			server, _, _ := strings.Cut(e.Recording, "/")
			if appliedOn[f.ID][server] && strings.Contains(e.Recording, "/http/") && !filesWithValues[f.ID][e.Recording] {
				t.Errorf("%s: evidence %s holds no value at the entry's places", f.ID, e.Recording)
			}
		}
	}
}

// schemaAt finds the schema at a concrete place pointer.
func schemaAt(t *testing.T, doc *openapi3.T, ptr string) *openapi3.SchemaRef {
	t.Helper()
	places, err := expandPlace(doc, ptr)
	if err != nil || len(places) != 1 {
		t.Fatalf("place %s: %d matches, %v", ptr, len(places), err)
	}
	return places[0].ref
}

// responseSchema returns the schema of an endpoint's answer for a status,
// and its pointer.
// relinkRefs points every $ref of doc's components, request bodies and
// responses at the component it names.
func relinkRefs(t *testing.T, doc *openapi3.T) {
	t.Helper()
	var roots []*openapi3.SchemaRef
	for _, name := range sortedKeys(doc.Components.Schemas) {
		roots = append(roots, doc.Components.Schemas[name])
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					roots = append(roots, mt.Schema)
				}
			}
			if op.Responses == nil {
				continue
			}
			for _, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				for _, mt := range r.Value.Content {
					roots = append(roots, mt.Schema)
				}
			}
		}
	}
	for _, r := range roots {
		if err := resolveFixupRefs(doc, r); err != nil {
			t.Fatal(err)
		}
	}
}

func responseSchema(doc *openapi3.T, endpoint string, status int) (*openapi3.SchemaRef, string) {
	item := doc.Paths.Value("/" + endpoint)
	if item == nil {
		return nil, ""
	}
	for _, m := range []string{"post", "get"} {
		op := item.GetOperation(strings.ToUpper(m))
		if op == nil || op.Responses == nil {
			continue
		}
		code := strconv.Itoa(status)
		r := op.Responses.Value(code)
		if r == nil {
			code, r = "200", op.Responses.Value("200")
		}
		if r == nil || r.Value == nil || r.Value.Content["application/json"] == nil {
			continue
		}
		return r.Value.Content["application/json"].Schema,
			"#/paths/" + pointerEscape("/"+endpoint) + "/" + m + "/responses/" + code + "/content/application~1json/schema"
	}
	return nil, ""
}

type recValue struct {
	file string
	v    any
}

// recWalker walks a JSON value along a schema and keeps the values that
// stand at the wanted places. It follows $ref (a value then also stands at
// the component), every allOf part, and the oneOf/anyOf alternatives of the
// value's JSON kind (narrowed by a "type" enum when the value has a type).
type recWalker struct {
	doc    *openapi3.T
	want   map[string]bool
	values map[string][]recValue
	file   string
}

func (w *recWalker) walk(sref *openapi3.SchemaRef, ptr string, v any, depth int) {
	if sref == nil || depth > 100 {
		return
	}
	if w.want[ptr] {
		w.values[ptr] = append(w.values[ptr], recValue{w.file, v})
	}
	if sref.Ref != "" {
		ptr = sref.Ref
		if w.want[ptr] {
			w.values[ptr] = append(w.values[ptr], recValue{w.file, v})
		}
	}
	s := sref.Value
	if s == nil {
		return
	}
	for i, a := range s.AllOf {
		w.walk(a, fmt.Sprintf("%s/allOf/%d", ptr, i), v, depth+1)
	}
	for _, kw := range []string{"oneOf", "anyOf"} {
		alts := s.OneOf
		if kw == "anyOf" {
			alts = s.AnyOf
		}
		var cands []int
		for i, a := range alts {
			if kindFits(v, a, 0) {
				cands = append(cands, i)
			}
		}
		if obj, ok := v.(map[string]any); ok && len(cands) > 1 {
			if typ, ok := obj["type"].(string); ok {
				var narrowed []int
				for _, i := range cands {
					if slices.Contains(typeEnum(alts[i], 0), typ) {
						narrowed = append(narrowed, i)
					}
				}
				if len(narrowed) > 0 {
					cands = narrowed
				}
			}
		}
		for _, i := range cands {
			w.walk(alts[i], fmt.Sprintf("%s/%s/%d", ptr, kw, i), v, depth+1)
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if p := s.Properties[k]; p != nil {
				w.walk(p, ptr+"/properties/"+pointerEscape(k), v[k], depth+1)
			} else if s.AdditionalProperties.Schema != nil {
				w.walk(s.AdditionalProperties.Schema, ptr+"/additionalProperties", v[k], depth+1)
			}
		}
	case []any:
		for i, x := range v {
			switch {
			case len(s.PrefixItems) > 0:
				if i < len(s.PrefixItems) {
					w.walk(s.PrefixItems[i], fmt.Sprintf("%s/prefixItems/%d", ptr, i), x, depth+1)
				}
			case s.Items != nil:
				w.walk(s.Items, ptr+"/items", x, depth+1)
			}
		}
	}
}

// typeEnum returns the values of a "type" property's enum in a schema or
// its allOf parts.
func typeEnum(sref *openapi3.SchemaRef, depth int) []string {
	if sref == nil || sref.Value == nil || depth > 10 {
		return nil
	}
	if p := sref.Value.Properties["type"]; p != nil && p.Value != nil {
		var out []string
		for _, e := range p.Value.Enum {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, a := range sref.Value.AllOf {
		if e := typeEnum(a, depth+1); len(e) > 0 {
			return e
		}
	}
	return nil
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// schemaKinds returns the JSON kinds a schema allows, or nil for any.
func schemaKinds(sref *openapi3.SchemaRef, depth int) []string {
	if sref == nil || sref.Value == nil || depth > 20 {
		return nil
	}
	s := sref.Value
	var out []string
	if s.Type != nil {
		out = append(out, s.Type.Slice()...)
	}
	if s.Nullable {
		out = append(out, "null")
	}
	for _, group := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		for _, a := range group {
			k := schemaKinds(a, depth+1)
			if k == nil && len(group) > 0 && (len(s.OneOf) > 0 || len(s.AnyOf) > 0) {
				return nil
			}
			out = append(out, k...)
		}
	}
	if len(out) == 0 {
		switch {
		case len(s.Properties) > 0:
			out = []string{"object"}
		case s.Items != nil:
			out = []string{"array"}
		default:
			return nil
		}
	}
	return out
}

// kindFits reports whether a value's JSON kind is one the schema allows.
func kindFits(v any, sref *openapi3.SchemaRef, depth int) bool {
	kinds := schemaKinds(sref, depth)
	if kinds == nil {
		return true
	}
	k := jsonKind(v)
	return slices.Contains(kinds, k) || (k == "integer" && slices.Contains(kinds, "number")) ||
		(k == "number" && slices.Contains(kinds, "integer"))
}

// fits checks a value against a schema as the generated client reads it:
// types (an integer must be whole), null only where allowed, required
// properties, enums, maxProperties, and at least one oneOf/anyOf
// alternative. Undeclared properties and formats are not checked. It
// returns "" or the first problem.
func fits(v any, sref *openapi3.SchemaRef, depth int) string {
	if sref == nil || sref.Value == nil {
		return ""
	}
	if depth > 200 {
		return "too deep"
	}
	s := sref.Value
	if v == nil {
		if allowsNull(s) || slices.ContainsFunc(append(slices.Clone(s.OneOf), s.AnyOf...), func(a *openapi3.SchemaRef) bool { return isNullSchema(a) || (a.Value != nil && allowsNull(a.Value)) }) {
			return ""
		}
		if kinds := schemaKinds(sref, 0); kinds == nil {
			return ""
		}
		return "null where the schema does not allow it"
	}
	if s.Type != nil && !s.Type.IsEmpty() {
		k := jsonKind(v)
		ok := s.Type.Includes(k) || (k == "integer" && s.Type.Includes("number"))
		if !ok {
			return fmt.Sprintf("%s where the schema says %v", k, s.Type.Slice())
		}
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		return fmt.Sprintf("%v is not in the enum", v)
	}
	for _, a := range s.AllOf {
		if p := fits(v, a, depth+1); p != "" {
			return "allOf: " + p
		}
	}
	for _, alts := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		if len(alts) == 0 {
			continue
		}
		var problems []string
		for _, a := range alts {
			p := fits(v, a, depth+1)
			if p == "" {
				problems = nil
				break
			}
			problems = append(problems, p)
		}
		if problems != nil {
			return "no alternative fits: " + strings.Join(problems, "; ")
		}
	}
	switch v := v.(type) {
	case map[string]any:
		if s.MaxProps != nil && uint64(len(v)) > *s.MaxProps {
			return fmt.Sprintf("%d members where at most %d are allowed", len(v), *s.MaxProps)
		}
		for _, r := range s.Required {
			if _, ok := v[r]; !ok {
				return fmt.Sprintf("required %q missing", r)
			}
		}
		for _, k := range sortedKeys(v) {
			p := s.Properties[k]
			if p == nil {
				p = s.AdditionalProperties.Schema
			}
			if msg := fits(v[k], p, depth+1); msg != "" {
				return k + ": " + msg
			}
		}
	case []any:
		for i, x := range v {
			item := s.Items
			if i < len(s.PrefixItems) {
				item = s.PrefixItems[i]
			}
			if msg := fits(x, item, depth+1); msg != "" {
				return fmt.Sprintf("[%d]: %s", i, msg)
			}
		}
	}
	return ""
}

func abbreviate(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

// TestFitsRejects: the check TestFixupsAgainstRecordings relies on can fail.
func TestFitsRejects(t *testing.T) {
	schema := func(js string) *openapi3.SchemaRef {
		var m map[string]any
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			t.Fatal(err)
		}
		sref, err := schemaRefFromJSON(m)
		if err != nil {
			t.Fatal(err)
		}
		return sref
	}
	for _, c := range []struct {
		schema, value string
		ok            bool
	}{
		{`{"type":"integer"}`, `3`, true},
		{`{"type":"integer"}`, `1.5`, false},
		{`{"type":"number"}`, `1.5`, true},
		{`{"type":"integer"}`, `null`, false},
		{`{"type":["integer","null"]}`, `null`, true},
		{`{"type":"object","maxProperties":0}`, `{}`, true},
		{`{"type":"object","maxProperties":0}`, `{"id":"x"}`, false},
		{`{"type":"object","properties":{"user":{"type":"object"}},"required":["user"]}`, `{}`, false},
		{`{"type":"object","properties":{"user":{"type":"object"}}}`, `{}`, true},
		{`{"type":"array","items":{"oneOf":[{"type":"array","items":{"type":"string"}},{"type":"string"}]}}`, `[["a"],"/b/i"]`, true},
		{`{"type":"array","items":{"type":"array","items":{"type":"string"}}}`, `[["a"],"/b/i"]`, false},
		{`{"type":"object","additionalProperties":{"type":"integer"}}`, `{"❤":1,"x":0.5}`, false},
		{`{"type":"string","enum":["a"]}`, `"b"`, false},
	} {
		var v any
		if err := json.Unmarshal([]byte(c.value), &v); err != nil {
			t.Fatal(err)
		}
		if got := fits(v, schema(c.schema), 0); (got == "") != c.ok {
			t.Errorf("fits(%s, %s) = %q, want ok=%v", c.value, c.schema, got, c.ok)
		}
	}
}

// BenchmarkApplyFixups applies the table to the largest current document
// (parsing is not timed).
func BenchmarkApplyFixups(b *testing.B) {
	spec := filepath.Join(fixupsShared(b, "specs"), "live-misskey-2026.3.2.json")
	for b.Loop() {
		b.StopTimer()
		doc := parseFile(b, spec)
		b.StartTimer()
		if _, err := ApplyFixups(doc); err != nil {
			b.Fatal(err)
		}
	}
}
