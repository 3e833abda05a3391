package generator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// TestRecordings is the conformance test against real traffic (issue 9).
// For each server recorded in ../shared/recordings it generates the client
// from that server's own document into a temporary module, adds
// testdata/conformance/replay_test.go to the generated package, and runs it:
// every recorded HTTP call is answered by an in-process fake server exactly
// as recorded (status, headers, body) and made through the generated typed
// method, and every streaming session is replayed by a fake WebSocket server
// to a Stream subscribed through the typed API. The generated package's test
// writes what the client returned; this test then checks it against the
// recordings and the document:
//
//   - 2xx: no error, and re-encoding the result keeps every field of the
//     recorded body that the document declares (undeclared fields are only
//     reported); where the body departs from the document, the departing
//     value is still there as raw JSON (a union's Raw, a json.RawMessage).
//   - errors: an *APIError with the recorded status, and code, id and
//     message for Misskey's error document, or code and message for
//     fastify's, or a description for an empty body; Retry-After; errors.Is
//     with the endpoint's documented error values.
//   - streaming: every server frame reaches the application, typed by the
//     document's entity types where the protocol gives one, raw otherwise.
func TestRecordings(t *testing.T) {
	root := gentest.SharedDir(t, "recordings")
	specDir := gentest.SharedDir(t, "specs")
	servers := []struct{ name, spec string }{
		{"2024.10.1", "misskey-2024.10.1.json"},
		{"2025.4.1-mhq.13", "misskey-2025.4.1-mhq.13.json"},
	}
	harness, err := os.ReadFile(filepath.Join("testdata", "conformance", "replay_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	mod := gentest.NewModule(t)
	type prepared struct {
		name, dir, spec, out string
		api                  *generator.API
	}
	var runs []prepared
	for _, s := range servers {
		dir := filepath.Join(root, s.name)
		spec := filepath.Join(specDir, s.spec)
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s: recordings missing: %v", s.name, err)
			continue
		}
		files, api := gentest.Generate(t, spec, "misskey")
		sub := packageDir(s.name)
		mod.AddPackage(t, sub, files)
		mod.AddFile(t, sub, "zz_calls_test.go", gentest.CallTable(api, "misskey"))
		mod.AddFile(t, sub, "zz_errors_test.go", errorTable(api, "misskey"))
		mod.AddFile(t, sub, "zz_replay_test.go", harness)
		out := filepath.Join(t.TempDir(), sub+".json")
		cfg, _ := json.Marshal(map[string]string{"dir": dir, "out": out})
		mod.AddFile(t, filepath.Join(sub, "testdata"), "replay.json", cfg)
		runs = append(runs, prepared{s.name, dir, spec, out, api})
	}
	start := time.Now()
	if out, err := mod.Go(nil, "test", "-count=1", "-run", "^TestReplayRecordings$", "./..."); err != nil {
		t.Fatalf("the replay test in the generated packages failed:\n%s", out)
	}
	t.Logf("generated packages built and replayed in %v", time.Since(start).Round(time.Millisecond))
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			checkServer(t, r.name, r.dir, r.spec, r.out, r.api)
		})
	}
}

// errorTable declares endpointErrorValues for the harness: every error value
// each endpoint documents, by endpoint name.
func errorTable(api *generator.API, pkg string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\n// endpointErrorValues lists the error values each endpoint documents.\nvar endpointErrorValues = map[string][]replayNamedError{\n", pkg)
	for _, ep := range api.Endpoints {
		if len(ep.Errors) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\t%q: {", ep.Name)
		seen := map[string]bool{}
		for _, ec := range ep.Errors {
			if seen[ec.GoName] {
				continue
			}
			seen[ec.GoName] = true
			fmt.Fprintf(&b, "{%q, %s}, ", ec.GoName, ec.GoName)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// ---- what the generated package's test wrote (see replay_test.go) ----

type replayOut struct {
	Calls  []replayCall  `json:"calls"`
	Frames []replayFrame `json:"frames"`
	Checks []replayCheck `json:"checks"`
}

type replayCall struct {
	File      string          `json:"file"`
	Endpoint  string          `json:"endpoint"`
	Status    int             `json:"status"`
	Via       string          `json:"via"`
	Why       string          `json:"why"`
	Sent      string          `json:"sent"`
	TypedSent string          `json:"typedSent"`
	Requests  int             `json:"requests"`
	Err       string          `json:"err"`
	ErrType   string          `json:"errType"`
	API       *replayAE       `json:"api"`
	Is        []string        `json:"is"`
	Common    []string        `json:"common"`
	GoType    string          `json:"goType"`
	Result    json.RawMessage `json:"result"`
	Unions    []replayUnion   `json:"unions"`
}

type replayAE struct {
	StatusCode int             `json:"statusCode"`
	Endpoint   string          `json:"endpoint"`
	Code       string          `json:"code"`
	ID         string          `json:"id"`
	Message    string          `json:"message"`
	Kind       string          `json:"kind"`
	Info       json.RawMessage `json:"info"`
	RetryAfter float64         `json:"retryAfter"`
	Body       string          `json:"body"`
	Text       string          `json:"text"`
}

type replayUnion struct {
	Path   string          `json:"path"`
	Branch string          `json:"branch"`
	Raw    json.RawMessage `json:"raw"`
}

type replayFrame struct {
	File      string          `json:"file"`
	Line      int             `json:"line"`
	Frame     string          `json:"frame"`
	Channel   string          `json:"channel"`
	Event     string          `json:"event"`
	Delivered bool            `json:"delivered"`
	Expected  bool            `json:"expected"`
	Kind      string          `json:"kind"`
	GotType   string          `json:"gotType"`
	GotChan   string          `json:"gotChannel"`
	BodyEqual bool            `json:"bodyEqual"`
	RawEqual  bool            `json:"rawEqual"`
	Conn      bool            `json:"conn"`
	Err       string          `json:"err"`
	Body      json.RawMessage `json:"body"`
	GoType    string          `json:"goType"`
	Value     json.RawMessage `json:"value"`
	Unions    []replayUnion   `json:"unions"`
	Problem   string          `json:"problem"`
}

type replayCheck struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// recording is one recorded HTTP call, decoded with json.Number.
type recording struct {
	Endpoint string            `json:"endpoint"`
	Request  any               `json:"request"`
	Status   int               `json:"status"`
	Headers  map[string]string `json:"headers"`
	Body     any               `json:"body"`
	Method   string            `json:"method"`
	Path     string            `json:"path"`
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func decodeAny(data []byte) any {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return fmt.Sprintf("<invalid JSON: %v>", err)
	}
	return v
}

// report collects what the run found beyond pass and fail.
type report struct {
	undeclared map[string]map[string]bool // "Component.field" → files
	tolerated  map[string]map[string]bool // tolerance → files
}

func (r *report) add(m map[string]map[string]bool, key, file string) {
	if m[key] == nil {
		m[key] = map[string]bool{}
	}
	m[key][file] = true
}

func checkServer(t *testing.T, server, dir, specPath string, outPath string, api *generator.API) {
	var out replayOut
	readJSON(t, outPath, &out)
	var doc map[string]any
	readJSON(t, specPath, &doc)
	rep := &report{undeclared: map[string]map[string]bool{}, tolerated: map[string]map[string]bool{}}
	compGo := map[string]string{} // Go type name → component
	for _, ty := range api.Types {
		if ty.Component != "" {
			compGo[ty.Name] = ty.Component
		}
	}
	// A streaming event type misskey-gen supplies that only embeds an entity
	// (StreamMention embeds Note) is checked as that entity.
	for _, ty := range api.Types {
		if slices.Contains(api.Supplied, ty.Component) && ty.Kind == generator.KindStruct && len(ty.Embeds) == 1 && len(ty.Fields) == 0 {
			compGo[ty.Name] = ty.Embeds[0].Component
		}
	}
	errorsByEndpoint := map[string][]*generator.ErrorCase{}
	for _, ep := range api.Endpoints {
		errorsByEndpoint[ep.Name] = ep.Errors
	}

	recs := map[string]*recording{}
	calls := map[string]*replayCall{}
	var callsOK, callsTotal, errsOK, errsTotal int
	var raws, sentDiffs []string
	isMatched := 0
	for i := range out.Calls {
		c := &out.Calls[i]
		rec := new(recording)
		readJSON(t, filepath.Join(dir, c.File), rec)
		recs[c.File], calls[c.File] = rec, c
		if c.Via == "raw" {
			raws = append(raws, fmt.Sprintf("%s: %s", c.File, c.Why))
		}
		var problems []string
		if c.Sent != "" {
			// The typed method may only leave out what its request type
			// cannot hold: a parameter the document does not declare.
			key := strings.TrimPrefix(c.Sent, "$.")
			if i := strings.IndexAny(key, ".[:"); i >= 0 {
				key = key[:i]
			}
			if requestDeclares(doc, rec.Endpoint, key) || !strings.HasPrefix(c.Sent, "$.") {
				problems = append(problems, "the typed method did not send the recorded request: "+c.Sent)
			} else {
				sentDiffs = append(sentDiffs, fmt.Sprintf("%s: %s (the document does not declare %q)", c.File, c.Sent, key))
			}
		}
		if strings.HasPrefix(c.File, "http/") {
			callsTotal++
			problems = append(problems, checkSuccess(doc, rec, c, rep)...)
		} else {
			errsTotal++
			problems = append(problems, checkError(rec, c, errorsByEndpoint[rec.Endpoint])...)
			if len(c.Is) > 0 {
				isMatched++
			}
		}
		if len(problems) == 0 {
			if strings.HasPrefix(c.File, "http/") {
				callsOK++
			} else {
				errsOK++
			}
			continue
		}
		t.Errorf("%s (%s via %s): %s", c.File, rec.Endpoint, c.Via, strings.Join(problems, "; "))
	}

	t.Run("mismatches", func(t *testing.T) {
		checkMismatches(t, dir, doc, recs, calls)
	})
	t.Run("observations", func(t *testing.T) {
		checkObservations(t, recs, calls)
	})
	for _, ck := range out.Checks {
		if !ck.OK {
			t.Errorf("check %q (%s) failed: %s", ck.Name, ck.File, ck.Detail)
		}
	}

	framesOK, framesTotal := 0, 0
	byValue := map[string]int{}
	for i := range out.Frames {
		f := &out.Frames[i]
		framesTotal++
		switch {
		case f.GoType != "":
			byValue[strings.TrimPrefix(f.GoType, "*misskey.")]++
		case f.Frame == "channel":
			byValue["raw channel event"]++
		default:
			byValue[f.Frame]++
		}
		problems := checkFrame(doc, f, compGo, rep)
		if len(problems) == 0 {
			framesOK++
			continue
		}
		t.Errorf("%s line %d (%s %s:%s): %s", f.File, f.Line, f.Frame, f.Channel, f.Event, strings.Join(problems, "; "))
	}

	t.Logf("%s: calls passed %d/%d, errors passed %d/%d, stream frames passed %d/%d", server, callsOK, callsTotal, errsOK, errsTotal, framesOK, framesTotal)
	if callsTotal == 0 || errsTotal == 0 || framesTotal == 0 {
		t.Errorf("%s: nothing replayed for some kind (calls %d, errors %d, frames %d)", server, callsTotal, errsTotal, framesTotal)
	}
	t.Logf("%s: %d errors matched a documented per-endpoint error value with errors.Is", server, isMatched)
	var kinds []string
	for k, n := range byValue {
		kinds = append(kinds, fmt.Sprintf("%s×%d", k, n))
	}
	sort.Strings(kinds)
	t.Logf("%s: stream frames by delivered value: %s", server, strings.Join(kinds, ", "))
	t.Logf("%s: %d calls made with Client.Call instead of a typed method:\n\t%s", server, len(raws), strings.Join(raws, "\n\t"))
	if len(sentDiffs) > 0 {
		t.Logf("%s: %d typed calls could not send a recorded parameter (the fake server answered as recorded):\n\t%s", server, len(sentDiffs), strings.Join(sentDiffs, "\n\t"))
	}
	t.Logf("%s: tolerances the client needed:\n\t%s", server, strings.Join(summarize(rep.tolerated), "\n\t"))
	t.Logf("%s: fields the recordings carry that the document does not declare (not checked):\n\t%s", server, strings.Join(summarizeUndeclared(rep.undeclared), "\n\t"))
}

// summarizeUndeclared lists undeclared fields by component.
func summarizeUndeclared(m map[string]map[string]bool) []string {
	fields := map[string][]string{}
	files := map[string]map[string]bool{}
	for k, fs := range m {
		i := strings.LastIndexByte(k, '.')
		comp := k[:i]
		fields[comp] = append(fields[comp], k[i+1:])
		if files[comp] == nil {
			files[comp] = map[string]bool{}
		}
		for f := range fs {
			files[comp][f] = true
		}
	}
	var out []string
	for comp, fs := range fields {
		sort.Strings(fs)
		var names []string
		for f := range files[comp] {
			names = append(names, f)
		}
		sort.Strings(names)
		more := ""
		if len(names) > 2 {
			more = fmt.Sprintf(" +%d", len(names)-2)
			names = names[:2]
		}
		out = append(out, fmt.Sprintf("%s: %s (%s%s)", comp, strings.Join(fs, ", "), strings.Join(names, ", "), more))
	}
	sort.Strings(out)
	return out
}

// requestDeclares reports whether the request body schema of an endpoint
// declares a property.
func requestDeclares(doc map[string]any, endpoint, key string) bool {
	for _, ct := range []string{"application/json", "multipart/form-data"} {
		s, _ := dig(doc, "paths", "/"+endpoint, "post", "requestBody", "content", ct)["schema"].(map[string]any)
		if s == nil {
			continue
		}
		w := &walker{doc: doc}
		if props, _, _ := w.objectParts(s, ""); props[key].schema != nil {
			return true
		}
		for _, b := range unionBranches(s) {
			if props, _, _ := w.objectParts(b, ""); props[key].schema != nil {
				return true
			}
		}
	}
	return false
}

func summarize(m map[string]map[string]bool) []string {
	var out []string
	for k, files := range m {
		var fs []string
		for f := range files {
			fs = append(fs, f)
		}
		sort.Strings(fs)
		more := ""
		if len(fs) > 3 {
			more = fmt.Sprintf(" and %d more", len(fs)-3)
			fs = fs[:3]
		}
		out = append(out, fmt.Sprintf("%s (%s%s)", k, strings.Join(fs, ", "), more))
	}
	sort.Strings(out)
	return out
}

// ---- successful calls ----

func checkSuccess(doc map[string]any, rec *recording, c *replayCall, rep *report) []string {
	var problems []string
	if c.Err != "" {
		return []string{"error: " + c.Err}
	}
	if c.Requests != 1 {
		problems = append(problems, fmt.Sprintf("%d requests reached the server", c.Requests))
	}
	got := decodeAny(c.Result)
	if rec.Body == nil {
		// 204 or no body: nothing to decode; the call must just succeed.
		return problems
	}
	if c.Via == "raw" {
		if !jsonEqual(rec.Body, got) {
			problems = append(problems, "the raw result differs from the recorded body")
		}
		return problems
	}
	schema := responseSchema(doc, rec.Endpoint, rec.Status)
	if schema == nil {
		if !jsonEqual(rec.Body, got) {
			problems = append(problems, "no response schema, and the result differs from the recorded body")
		}
		return problems
	}
	w := newWalker(doc, c.File, c.Unions, rep)
	return append(problems, w.walk(schema, "("+rec.Endpoint+" response)", "$", rec.Body, got)...)
}

func responseSchema(doc map[string]any, endpoint string, status int) map[string]any {
	op := dig(doc, "paths", "/"+endpoint, "post")
	if op == nil {
		return nil
	}
	resps, _ := op["responses"].(map[string]any)
	r, _ := resps[strconv.Itoa(status)].(map[string]any)
	if r == nil {
		r, _ = resps["200"].(map[string]any)
	}
	if r == nil {
		return nil
	}
	s, _ := dig(r, "content", "application/json")["schema"].(map[string]any)
	return s
}

func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		if m == nil {
			return nil
		}
		m, _ = m[k].(map[string]any)
	}
	return m
}

// ---- the schema walker ----

// walker walks a recorded JSON value alongside its schema and the client's
// re-encoded result, and reports every declared field the result lost.
type walker struct {
	doc    map[string]any
	file   string
	unions map[string]replayUnion
	rep    *report
	// tolerated and undeclared collect into w.rep, or into a trial
	// collection while a union's branches are tried.
	tolerated  []string
	undeclared []string
}

func newWalker(doc map[string]any, file string, unions []replayUnion, rep *report) *walker {
	w := &walker{doc: doc, file: file, unions: map[string]replayUnion{}, rep: rep}
	for _, u := range unions {
		w.unions[u.Path] = u
	}
	return w
}

func (w *walker) trial() *walker {
	return &walker{doc: w.doc, file: w.file, unions: w.unions}
}

func (w *walker) merge(o *walker) {
	w.tolerated = append(w.tolerated, o.tolerated...)
	w.undeclared = append(w.undeclared, o.undeclared...)
}

func (w *walker) flush() {
	if w.rep == nil {
		return
	}
	for _, s := range w.tolerated {
		w.rep.add(w.rep.tolerated, s, w.file)
	}
	for _, s := range w.undeclared {
		w.rep.add(w.rep.undeclared, s, w.file)
	}
	w.tolerated, w.undeclared = nil, nil
}

// resolve follows $ref, returning the schema and the component it names.
func (w *walker) resolve(s map[string]any, comp string) (map[string]any, string) {
	for i := 0; i < 32; i++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s, comp
		}
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		next := dig(w.doc, "components", "schemas", name)
		if next == nil {
			return s, comp
		}
		s, comp = next, name
	}
	return s, comp
}

// walk returns the problems found at path; it records tolerances and
// undeclared fields as it goes.
func (w *walker) walk(s map[string]any, comp, path string, rec, got any) []string {
	p := w.walk1(s, comp, path, rec, got)
	if len(p) == 0 {
		w.flush()
	}
	return p
}

func (w *walker) walk1(s map[string]any, comp, path string, rec, got any) []string {
	if s == nil || rec == nil {
		return nil // null: the client keeps nothing, and needs nothing
	}
	s, comp = w.resolve(s, comp)
	if alts := unionBranches(s); len(alts) > 0 {
		return w.walkUnion(s, alts, comp, path, rec, got)
	}
	rk := kindOf(rec)
	kinds := w.kinds(s, comp)
	if len(kinds) == 0 {
		if jsonEqual(rec, got) {
			return nil
		}
		return []string{fmt.Sprintf("%s: free-form value changed: recorded %s, got %s", path, short(rec), short(got))}
	}
	if !kinds[rk] && !(rk == "integer" && kinds["number"]) {
		// The recording departs from the document's type here.
		if jsonEqual(rec, got) {
			w.tolerated = append(w.tolerated, fmt.Sprintf("%s where the document says %s: kept as raw JSON (%s)", rk, kindList(kinds), comp))
			return nil
		}
		if u, ok := w.unions[path]; ok && jsonEqual(rec, decodeAny(u.Raw)) {
			w.tolerated = append(w.tolerated, fmt.Sprintf("%s where the document says %s: kept in the union's Raw (%s)", rk, kindList(kinds), comp))
			return nil
		}
		return []string{fmt.Sprintf("%s: recorded %s where the document says %s, and the client lost it (got %s)", path, rk, kindList(kinds), short(got))}
	}
	switch rk {
	case "object":
		return w.walkObject(s, comp, path, rec.(map[string]any), got)
	case "array":
		ga, ok := got.([]any)
		ra := rec.([]any)
		if !ok || len(ga) != len(ra) {
			return []string{fmt.Sprintf("%s: recorded an array of %d, got %s", path, len(ra), short(got))}
		}
		items, _ := s["items"].(map[string]any)
		if items == nil {
			if jsonEqual(rec, got) {
				return nil
			}
			return []string{fmt.Sprintf("%s: array changed", path)}
		}
		var problems []string
		for i := range ra {
			problems = append(problems, w.walk1(items, comp, fmt.Sprintf("%s[%d]", path, i), ra[i], ga[i])...)
		}
		return problems
	case "string":
		gs, ok := got.(string)
		if !ok {
			return []string{fmt.Sprintf("%s: recorded %s, got %s", path, short(rec), short(got))}
		}
		if f, _ := s["format"].(string); f == "date-time" {
			rt, err1 := time.Parse(time.RFC3339Nano, rec.(string))
			gt, err2 := time.Parse(time.RFC3339Nano, gs)
			if err1 == nil && err2 == nil && rt.Equal(gt) {
				return nil
			}
		}
		if gs != rec.(string) {
			return []string{fmt.Sprintf("%s: recorded %s, got %s", path, short(rec), short(got))}
		}
		return nil
	default:
		if !jsonEqual(rec, got) {
			return []string{fmt.Sprintf("%s: recorded %s, got %s", path, short(rec), short(got))}
		}
		return nil
	}
}

func (w *walker) walkObject(s map[string]any, comp, path string, rec map[string]any, got any) []string {
	props, required, addl := w.objectParts(s, comp)
	for _, k := range required {
		if _, ok := rec[k]; !ok {
			w.tolerated = append(w.tolerated, fmt.Sprintf("required field missing: %s.%s (decoded without it)", props[k].comp, k))
		}
	}
	if len(props) == 0 && addl == nil {
		// A free-form object: the client must keep it whole.
		if jsonEqual(rec, got) {
			return nil
		}
		return []string{fmt.Sprintf("%s: free-form object changed: got %s", path, short(got))}
	}
	g, ok := got.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: recorded an object, got %s", path, short(got))}
	}
	var problems []string
	for _, k := range sortedKeys(rec) {
		rv := rec[k]
		ps, declared := props[k]
		if !declared && addl != nil {
			ps, declared = *addl, true
		}
		if !declared {
			w.undeclared = append(w.undeclared, comp+"."+k)
			continue
		}
		if rv == nil && !w.allowsNull(ps.schema, ps.comp, 0) {
			w.tolerated = append(w.tolerated, fmt.Sprintf("null where the document does not allow it: %s.%s (left nil)", ps.comp, k))
		}
		gv, present := g[k]
		if !present {
			if rv == nil {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s.%s: declared, recorded %s, dropped by the client", path, k, short(rv)))
			continue
		}
		problems = append(problems, w.walk1(ps.schema, ps.comp, path+"."+k, rv, gv)...)
	}
	return problems
}

// prop is a declared property and the component that declares it.
type prop struct {
	schema map[string]any
	comp   string
}

// objectParts collects the properties (through allOf), the required names
// and the additionalProperties schema of an object schema.
func (w *walker) objectParts(s map[string]any, comp string) (map[string]prop, []string, *prop) {
	props := map[string]prop{}
	var required []string
	var addl *prop
	var visit func(s map[string]any, comp string, depth int)
	visit = func(s map[string]any, comp string, depth int) {
		if depth > 16 {
			return
		}
		s, comp = w.resolve(s, comp)
		if ps, ok := s["properties"].(map[string]any); ok {
			for k, v := range ps {
				if m, ok := v.(map[string]any); ok {
					props[k] = prop{m, comp}
				}
			}
		}
		for _, r := range asSlice(s["required"]) {
			if name, ok := r.(string); ok {
				required = append(required, name)
			}
		}
		if a, ok := s["additionalProperties"].(map[string]any); ok && len(a) > 0 {
			addl = &prop{a, comp}
		}
		for _, part := range asSlice(s["allOf"]) {
			if m, ok := part.(map[string]any); ok {
				visit(m, comp, depth+1)
			}
		}
	}
	visit(s, comp, 0)
	return props, required, addl
}

// allowsNull reports whether a schema allows null.
func (w *walker) allowsNull(s map[string]any, comp string, depth int) bool {
	s, comp = w.resolve(s, comp)
	if depth > 8 {
		return true
	}
	if alts := unionBranches(s); len(alts) > 0 {
		for _, a := range alts {
			if w.allowsNull(a, comp, depth+1) {
				return true
			}
		}
	}
	ks := w.kinds(s, comp)
	return len(ks) == 0 || ks["null"]
}

// kinds returns the JSON kinds a schema allows; empty means any.
func (w *walker) kinds(s map[string]any, comp string) map[string]bool {
	out := map[string]bool{}
	switch t := s["type"].(type) {
	case string:
		out[t] = true
	case []any:
		for _, x := range t {
			if str, ok := x.(string); ok {
				out[str] = true
			}
		}
	}
	if len(out) == 0 {
		if s["properties"] != nil || s["additionalProperties"] != nil {
			out["object"] = true
		}
		if s["items"] != nil {
			out["array"] = true
		}
		for _, part := range asSlice(s["allOf"]) {
			if m, ok := part.(map[string]any); ok {
				m, c := w.resolve(m, comp)
				for k := range w.kinds(m, c) {
					out[k] = true
				}
			}
		}
	}
	if s["nullable"] == true {
		out["null"] = true
	}
	return out
}

func unionBranches(s map[string]any) []map[string]any {
	var out []map[string]any
	for _, key := range []string{"oneOf", "anyOf"} {
		for _, b := range asSlice(s[key]) {
			if m, ok := b.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// walkUnion checks a value against the branch of a oneOf/anyOf that fits
// the recording best: the one the discriminator (a property with a single
// enum value) selects, else the one that declares most of the recorded
// fields. When that branch has problems, the client may have chosen a
// narrower branch; that is tolerated only when the recording fits no branch
// cleanly and the union kept the recorded value in its Raw.
func (w *walker) walkUnion(s map[string]any, alts []map[string]any, comp, path string, rec, got any) []string {
	rk := kindOf(rec)
	type cand struct {
		schema   map[string]any
		comp     string
		cov      int
		missing  int
		problems []string
		tw       *walker
	}
	var cands []*cand
	for _, a := range alts {
		a, c := w.resolve(a, comp)
		ks := w.kinds(a, c)
		if len(unionBranches(a)) == 0 && len(ks) > 0 && !ks[rk] && !(rk == "integer" && ks["number"]) {
			continue
		}
		cands = append(cands, &cand{schema: a, comp: c})
	}
	if rm, ok := rec.(map[string]any); ok && len(cands) > 1 {
		// Discriminators: a branch whose property has an enum that does
		// not hold the recorded value (type: "and" against ["not"]) is
		// not the one.
		var picked []*cand
		for _, cd := range cands {
			props, _, _ := w.objectParts(cd.schema, cd.comp)
			fits := true
			for k, p := range props {
				enum := asSlice(p.schema["enum"])
				if v, ok := rm[k]; ok && len(enum) > 0 && !containsAny(enum, v) {
					fits = false
					break
				}
			}
			if fits {
				picked = append(picked, cd)
			}
		}
		if len(picked) > 0 {
			cands = picked
		}
	}
	raw, hasRaw := w.unions[path]
	rawKept := hasRaw && jsonEqual(rec, decodeAny(raw.Raw))
	if len(cands) == 0 {
		if jsonEqual(rec, got) {
			w.tolerated = append(w.tolerated, fmt.Sprintf("%s that no branch of a union allows: kept as the union's raw JSON (%s)", rk, comp))
			return nil
		}
		if rawKept {
			w.tolerated = append(w.tolerated, fmt.Sprintf("%s that no branch of a union allows: kept in the union's Raw (%s)", rk, comp))
			return nil
		}
		return []string{fmt.Sprintf("%s: %s fits no branch of the union (%s) and was lost (got %s)", path, rk, comp, short(got))}
	}
	for _, cd := range cands {
		cd.cov, cd.missing = w.coverage(cd.schema, cd.comp, rec, 0)
		cd.tw = w.trial()
		cd.problems = cd.tw.walk1(cd.schema, cd.comp, path, rec, got)
	}
	best := cands[0]
	for _, cd := range cands[1:] {
		if cd.cov > best.cov || (cd.cov == best.cov && (cd.missing < best.missing || (cd.missing == best.missing && len(cd.problems) < len(best.problems)))) {
			best = cd
		}
	}
	if hasRaw && raw.Branch == "" && rawKept && best.missing > 0 {
		// No branch fits (a manual role's condFormula is {}): the union
		// sets no alternative and keeps the value in Raw.
		clean := false
		for _, cd := range cands {
			clean = clean || cd.missing == 0
		}
		if !clean && jsonEqual(rec, got) {
			w.tolerated = append(w.tolerated, fmt.Sprintf("%s that fits no branch of %s: no alternative set, kept in the union's Raw", rk, comp))
			return nil
		}
	}
	if len(best.problems) == 0 {
		w.merge(best.tw)
		return nil
	}
	var narrower *cand
	for _, cd := range cands {
		if len(cd.problems) == 0 && (narrower == nil || cd.cov > narrower.cov) {
			narrower = cd
		}
	}
	if narrower != nil && best.missing > 0 && rawKept {
		w.merge(narrower.tw)
		w.tolerated = append(w.tolerated, fmt.Sprintf("no branch of %s fits cleanly (%s misses %d required fields): the client chose %s, the whole value stays in the union's Raw", comp, best.comp, best.missing, narrower.comp))
		return nil
	}
	if narrower != nil {
		return append(best.problems, fmt.Sprintf("%s: the client chose branch %s of %s, which drops fields of %s (Raw kept: %v)", path, narrower.comp, comp, best.comp, rawKept))
	}
	return best.problems
}

// coverage counts the recorded fields a schema declares and the required
// fields the recording lacks (for arrays, of the first element).
func (w *walker) coverage(s map[string]any, comp string, rec any, depth int) (cov, missing int) {
	s, comp = w.resolve(s, comp)
	if depth > 8 {
		return 0, 0
	}
	if alts := unionBranches(s); len(alts) > 0 {
		first := true
		for _, a := range alts {
			c, m := w.coverage(a, comp, rec, depth+1)
			if first || c > cov || (c == cov && m < missing) {
				cov, missing, first = c, m, false
			}
		}
		return cov, missing
	}
	switch r := rec.(type) {
	case map[string]any:
		props, required, _ := w.objectParts(s, comp)
		for k := range r {
			if _, ok := props[k]; ok {
				cov++
			}
		}
		for _, k := range required {
			if _, ok := r[k]; !ok {
				missing++
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok && len(r) > 0 {
			return w.coverage(items, comp, r[0], depth+1)
		}
	}
	return cov, missing
}

func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "number"
		}
		return "integer"
	}
	return fmt.Sprintf("%T", v)
}

func kindList(k map[string]bool) string {
	var out []string
	for x := range k {
		out = append(out, x)
	}
	sort.Strings(out)
	return strings.Join(out, "|")
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// jsonEqual compares two decoded JSON values; numbers compare by value.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		fx, _, err1 := big.ParseFloat(string(x), 10, 256, big.ToNearestEven)
		fy, _, err2 := big.ParseFloat(string(y), 10, 256, big.ToNearestEven)
		return err1 == nil && err2 == nil && fx.Cmp(fy) == 0
	default:
		return a == b
	}
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// ---- errors ----

// commonErrorIDs are the ids of the runtime's shared sentinels.
var commonErrorIDs = map[string]string{
	"3d81ceae-475f-4600-b2a8-2bc116157532": "ErrInvalidParam",
	"1384574d-a912-4b81-8601-c7b1c4085df1": "ErrCredentialRequired",
	"b0a7f5f8-dc2f-4171-b91f-de88ad238e14": "ErrAuthenticationFailed",
	"1370e5b7-d4eb-4566-bb1d-7748ee6a1838": "ErrPermissionDenied",
	"56f35758-7dd5-468b-8439-5d6fb8ec9b8e": "ErrAccessDenied",
	"a8c724b3-6e9c-4b46-b1a8-bc3ed6258370": "ErrYourAccountSuspended",
	"2ca3b769-540a-4f08-9dd5-b5a825b6d0f1": "ErrUnknownAPIEndpoint",
	"60c46cd1-f23a-46b1-bebe-5d2b73951a84": "ErrIAmAI",
	"d5826d14-3982-4d2e-8011-b9e9f02499ef": "ErrRateLimitExceeded",
	"5d37dbcb-891e-41ca-a3d6-e690c97775ac": "ErrInternalError",
}

func checkError(rec *recording, c *replayCall, documented []*generator.ErrorCase) []string {
	if c.Err == "" {
		return []string{"no error"}
	}
	if c.API == nil {
		return []string{fmt.Sprintf("not an *APIError: %s %s", c.ErrType, c.Err)}
	}
	var problems []string
	e := c.API
	if e.StatusCode != rec.Status {
		problems = append(problems, fmt.Sprintf("status %d, recorded %d", e.StatusCode, rec.Status))
	}
	if e.Endpoint != rec.Endpoint {
		problems = append(problems, fmt.Sprintf("endpoint %q", e.Endpoint))
	}
	if !strings.Contains(e.Text, strconv.Itoa(rec.Status)) {
		problems = append(problems, fmt.Sprintf("Error() %q does not say the status", e.Text))
	}
	body, _ := rec.Body.(map[string]any)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	recID := ""
	switch {
	case body != nil && body["error"] != nil && kindOf(body["error"]) == "object":
		me := body["error"].(map[string]any)
		recID = str(me, "id")
		if e.Code != str(me, "code") || e.ID != recID || e.Message != str(me, "message") || e.Kind != str(me, "kind") {
			problems = append(problems, fmt.Sprintf("got %s/%s/%q/%s, recorded %s/%s/%q/%s", e.Code, e.ID, e.Message, e.Kind, str(me, "code"), recID, str(me, "message"), str(me, "kind")))
		}
		if info, ok := me["info"]; ok && info != nil && !jsonEqual(info, decodeAny(e.Info)) {
			problems = append(problems, "info differs")
		}
	case body != nil && body["statusCode"] != nil:
		// fastify's error document.
		if e.Code != str(body, "code") || e.Message != str(body, "message") || e.ID != "" {
			problems = append(problems, fmt.Sprintf("fastify error: got code %q message %q, recorded %q %q", e.Code, e.Message, str(body, "code"), str(body, "message")))
		}
		if e.Message == "" {
			problems = append(problems, "no message")
		}
	default:
		if e.Message == "" || e.Code != "" || e.ID != "" {
			problems = append(problems, fmt.Sprintf("answer without an error document: code %q id %q message %q", e.Code, e.ID, e.Message))
		}
	}
	if ra := rec.Headers["retry-after"]; ra != "" {
		secs, _ := strconv.ParseFloat(ra, 64)
		if e.RetryAfter != secs {
			problems = append(problems, fmt.Sprintf("RetryAfter %vs, header says %s", e.RetryAfter, ra))
		}
	}
	// errors.Is with the endpoint's documented values.
	byName := map[string]*generator.ErrorCase{}
	for _, ec := range documented {
		byName[ec.GoName] = ec
		if recID != "" && ec.ID == recID && !contains(c.Is, ec.GoName) {
			problems = append(problems, fmt.Sprintf("errors.Is(err, %s) is false although the ids match", ec.GoName))
		}
	}
	for _, name := range c.Is {
		ec := byName[name]
		if ec != nil && ec.ID != "" && ec.ID != recID && !(rec.Status == 429 && name == "ErrRateLimitExceeded") {
			problems = append(problems, fmt.Sprintf("errors.Is(err, %s) is true for id %s", name, recID))
		}
	}
	if name, ok := commonErrorIDs[recID]; ok && !contains(c.Common, name) {
		problems = append(problems, fmt.Sprintf("errors.Is(err, %s) is false", name))
	}
	return problems
}

func containsAny(list []any, v any) bool {
	for _, x := range list {
		if jsonEqual(x, v) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- streaming ----

// streamTypes gives the entity types of streaming event bodies (channel
// "*" is every timeline), as ../shared/STREAMING.md describes the protocol:
// the first component of the list that the document has.
var streamTypes = map[string][]string{
	"main:notification":         {"Notification"},
	"main:unreadNotification":   {"Notification"},
	"main:mention":              {"Note"},
	"main:reply":                {"Note"},
	"main:renote":               {"Note"},
	"main:follow":               {"UserDetailedNotMe", "UserDetailed", "UserLite"},
	"main:followed":             {"User", "UserLite"}, // recorded: the follower as UserLite (main.jsonl); User holds it and the detailed form
	"main:unfollow":             {"UserDetailed", "UserDetailedNotMe", "UserLite"},
	"main:meUpdated":            {"MeDetailed", "UserDetailed"},
	"main:driveFileCreated":     {"DriveFile"},
	"main:receiveFollowRequest": {"UserLite", "User"},
	"main:signin":               {"Signin"},
	"main:unreadAntenna":        {"Antenna"},
	"main:readAntenna":          {"Antenna"},
	"drive:fileCreated":         {"DriveFile"},
	"drive:fileUpdated":         {"DriveFile"},
	"drive:folderCreated":       {"DriveFolder"},
	"drive:folderUpdated":       {"DriveFolder"},
	"*:note":                    {"Note"},
}

var noteUpdateTypes = map[string]string{
	"reacted":   "*misskey.NoteReacted",
	"unreacted": "*misskey.NoteUnreacted",
	"pollVoted": "*misskey.NotePollVoted",
	"deleted":   "*misskey.NoteDeleted",
}

var broadcastFrames = map[string]bool{"emojiAdded": true, "emojiUpdated": true, "emojiDeleted": true, "announcementCreated": true}

func checkFrame(doc map[string]any, f *replayFrame, compGo map[string]string, rep *report) []string {
	if f.Problem != "" {
		return []string{f.Problem}
	}
	if !f.Expected {
		return nil // sent for a closed connection: the client drops it
	}
	var problems []string
	if !f.Delivered {
		return []string{"not delivered"}
	}
	if !f.RawEqual || !f.BodyEqual || !f.Conn {
		problems = append(problems, fmt.Sprintf("raw frame kept: %v, body kept: %v, right connection/note: %v", f.RawEqual, f.BodyEqual, f.Conn))
	}
	if f.Err != "" {
		problems = append(problems, "error: "+f.Err)
	}
	wantKind := "unknown"
	switch {
	case f.Frame == "channel":
		wantKind = "channel"
	case f.Frame == "connected":
		wantKind = "connected"
	case f.Frame == "noteUpdated":
		wantKind = "noteUpdated"
	case broadcastFrames[f.Frame]:
		wantKind = "broadcast"
	}
	if f.Kind != wantKind {
		problems = append(problems, fmt.Sprintf("kind %s, want %s", f.Kind, wantKind))
	}
	switch f.Frame {
	case "channel":
		if f.GotType != f.Event || f.GotChan != f.Channel {
			problems = append(problems, fmt.Sprintf("event %s:%s, want %s:%s", f.GotChan, f.GotType, f.Channel, f.Event))
		}
		cands := streamTypes[f.Channel+":"+f.Event]
		if f.Event == "note" {
			cands = streamTypes["*:note"]
		}
		comp := ""
		for _, c := range cands {
			if dig(doc, "components", "schemas", c) != nil {
				comp = c
				break
			}
		}
		if comp == "" {
			// No entity type: the event reaches the application raw.
			return problems
		}
		goName := strings.TrimPrefix(f.GoType, "*misskey.")
		if f.Value == nil || compGo[goName] == "" || !contains(cands, compGo[goName]) {
			return append(problems, fmt.Sprintf("Value is %s, want one of %v", f.GoType, cands))
		}
		rec := decodeAny(f.Body)
		w := newWalker(doc, f.File, f.Unions, rep)
		problems = append(problems, w.walk(map[string]any{"$ref": "#/components/schemas/" + compGo[goName]}, compGo[goName], "$", rec, decodeAny(f.Value))...)
	case "noteUpdated":
		if f.GotType != f.Event {
			problems = append(problems, fmt.Sprintf("type %s, want %s", f.GotType, f.Event))
		}
		if want := noteUpdateTypes[f.Event]; want != "" {
			if f.GoType != want {
				problems = append(problems, fmt.Sprintf("Value is %s, want %s", f.GoType, want))
			} else if rec := decodeAny(f.Body); !jsonEqual(rec, decodeAny(f.Value)) {
				problems = append(problems, fmt.Sprintf("value %s differs from body %s", f.Value, short(rec)))
			}
		}
	}
	return problems
}

// ---- the recordings' own list of departures from the document ----

type mismatchEntry struct {
	File   string
	Path   string `json:"path"`
	Comp   string `json:"comp"`
	Field  string `json:"field"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// checkMismatches takes every departure schema-mismatches.json lists (other
// than undeclared fields) and checks, at the path it names, that the call
// kept the rest of the response and that the departing value is reachable
// as raw JSON. One subtest per kind, component and field.
func checkMismatches(t *testing.T, dir string, doc map[string]any, recs map[string]*recording, calls map[string]*replayCall) {
	var sm struct {
		PerFile map[string][]mismatchEntry `json:"perFile"`
	}
	readJSON(t, filepath.Join(dir, "schema-mismatches.json"), &sm)
	groups := map[string][]mismatchEntry{}
	for file, es := range sm.PerFile {
		for _, e := range es {
			if e.Kind == "undeclared" {
				continue
			}
			e.File = "http/" + file
			key := e.Kind + " " + e.Comp
			if e.Field != "" {
				key += "." + e.Field
			}
			groups[key] = append(groups[key], e)
		}
	}
	if len(groups) == 0 {
		t.Fatalf("no mismatches read from %s/schema-mismatches.json", dir)
	}
	var keys []string
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		es := groups[key]
		sort.Slice(es, func(i, j int) bool { return es[i].File+es[i].Path < es[j].File+es[j].Path })
		t.Run(key, func(t *testing.T) {
			byFile := map[string][]mismatchEntry{}
			var files []string
			for _, e := range es {
				if byFile[e.File] == nil {
					files = append(files, e.File)
				}
				byFile[e.File] = append(byFile[e.File], e)
			}
			for _, file := range files {
				t.Run(file, func(t *testing.T) {
					rec, c := recs[file], calls[file]
					if rec == nil || c == nil {
						t.Fatalf("%s: no such recording was replayed", file)
					}
					for _, e := range byFile[file] {
						how, err := checkMismatch(e, rec, c)
						if err != "" {
							t.Errorf("at %s: %s", e.Path, err)
							continue
						}
						t.Logf("at %s: %s", e.Path, how)
					}
				})
			}
		})
	}
}

func checkMismatch(e mismatchEntry, rec *recording, c *replayCall) (how, problem string) {
	if c.Err != "" {
		return "", "the call failed: " + c.Err
	}
	r, rok := at(rec.Body, e.Path)
	g, gok := at(decodeAny(c.Result), e.Path)
	if !rok {
		return "", "path not in the recorded body"
	}
	var u *replayUnion
	for i := range c.Unions {
		if c.Unions[i].Path == e.Path {
			u = &c.Unions[i]
		}
	}
	rawKept := u != nil && jsonEqual(r, decodeAny(u.Raw))
	switch e.Kind {
	case "type":
		switch {
		case gok && jsonEqual(r, g) && c.GoType == "json.RawMessage":
			return "the result is a json.RawMessage holding it", ""
		case gok && jsonEqual(r, g) && rawKept:
			return "re-encoded from the union's Raw", ""
		case rawKept:
			return "in the union's Raw", ""
		case gok && jsonEqual(r, g):
			return "re-encoded unchanged", ""
		}
		return "", fmt.Sprintf("recorded %s, got %s, union there: %v", short(r), short(g), u != nil)
	case "no-branch":
		if rawKept {
			return "whole value in the union's Raw (branch " + orNone(u.Branch) + ")", ""
		}
		// The union may sit deeper (Role.policies.* is a struct whose
		// value is the union).
		for _, v := range c.Unions {
			if strings.HasPrefix(v.Path, e.Path+".") || strings.HasPrefix(v.Path, e.Path+"[") {
				sub, _ := at(rec.Body, v.Path)
				if v.Branch == "" && jsonEqual(sub, decodeAny(v.Raw)) {
					return "departing part in the Raw of the union at " + strings.TrimPrefix(v.Path, e.Path), ""
				}
			}
		}
		if gok && jsonEqual(r, g) {
			// The fixups table corrected the document here, so a branch fits.
			return "re-encoded unchanged (a branch of the fixed document fits)", ""
		}
		return "", fmt.Sprintf("no union keeps the value raw (union at path: %v)", u != nil)
	case "required":
		if _, ok := g.(map[string]any); !ok {
			return "", "the object lacking the field was not decoded: got " + short(g)
		}
		if u != nil && !rawKept {
			return "", "the union's Raw differs from the recording"
		}
		if rawKept {
			return "decoded without it; union Raw keeps the object as sent", ""
		}
		return "decoded without it", ""
	case "null":
		if gok && g != nil {
			return "", "null became " + short(g)
		}
		return "null kept as absent/null", ""
	}
	return "", "unknown mismatch kind " + e.Kind
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// at returns the value at a path like "$[0].user.policies.x".
func at(v any, path string) (any, bool) {
	p := strings.TrimPrefix(path, "$")
	for p != "" {
		switch p[0] {
		case '.':
			end := strings.IndexAny(p[1:], ".[")
			if end < 0 {
				end = len(p) - 1
			}
			key := p[1 : end+1]
			p = p[end+1:]
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[key]; !ok {
				return nil, false
			}
		case '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return nil, false
			}
			i, err := strconv.Atoi(p[1:end])
			p = p[end+1:]
			a, ok := v.([]any)
			if err != nil || !ok || i >= len(a) {
				return nil, false
			}
			v = a[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// ---- "Other observations a client must handle" ----

func checkObservations(t *testing.T, recs map[string]*recording, calls map[string]*replayCall) {
	get := func(t *testing.T, file string) (*recording, *replayCall) {
		t.Helper()
		rec, c := recs[file], calls[file]
		if rec == nil || c == nil {
			t.Fatalf("%s was not replayed", file)
		}
		return rec, c
	}
	t.Run("users/relation answers a one-element array for one userId (http/users__relation.json)", func(t *testing.T) {
		n := 0
		for file, rec := range recs {
			req, _ := rec.Request.(map[string]any)
			if rec.Endpoint != "users/relation" || !strings.HasPrefix(file, "http/") || kindOf(req["userId"]) != "string" {
				continue
			}
			n++
			c := calls[file]
			got, _ := decodeAny(c.Result).([]any)
			var root *replayUnion
			for i := range c.Unions {
				if c.Unions[i].Path == "$" {
					root = &c.Unions[i]
				}
			}
			if c.Err != "" || len(got) != 1 || root == nil || root.Branch == "" || !jsonEqual(rec.Body, decodeAny(root.Raw)) {
				t.Errorf("%s: err %q, result %s, union %+v", file, c.Err, short(got), root)
				continue
			}
			t.Logf("%s: array branch %s with 1 element, Raw keeps the body", file, root.Branch)
		}
		if n == 0 {
			t.Error("no users/relation recording with a single userId")
		}
	})
	t.Run("i/registry/get answers 204 with no body where the document declares only 200 (http/i__registry__get--null.json)", func(t *testing.T) {
		rec, c := get(t, "http/i__registry__get--null.json")
		if rec.Status != 204 || c.Err != "" || (len(c.Result) != 0 && string(c.Result) != "null") {
			t.Errorf("status %d: err %q, result %s", rec.Status, c.Err, c.Result)
		}
	})
	t.Run("i/registry/get answers a bare JSON string as text/plain (http/i__registry__get.json)", func(t *testing.T) {
		rec, c := get(t, "http/i__registry__get.json")
		if !strings.HasPrefix(rec.Headers["content-type"], "text/plain") || c.Err != "" || c.GoType != "json.RawMessage" || !jsonEqual(rec.Body, decodeAny(c.Result)) {
			t.Errorf("content-type %q: err %q, %s %s", rec.Headers["content-type"], c.Err, c.GoType, c.Result)
		}
	})
	t.Run("Retry-After of the two 429s", func(t *testing.T) {
		for file, want := range map[string]float64{
			"errors/i__export-user-lists--rate-limit-exceeded.json": 60,
			"errors/notes__reactions__delete--min-interval.json":    3,
		} {
			_, c := get(t, file)
			if c.API == nil || c.API.StatusCode != 429 || c.API.RetryAfter != want || !contains(c.Common, "ErrRateLimitExceeded") {
				t.Errorf("%s: %+v", file, c.API)
				continue
			}
			t.Logf("%s: %s", file, c.API.Text)
		}
	})
	t.Run("fastify's error documents (413, 415, 404 POST unknown endpoint, 400 malformed and empty JSON)", func(t *testing.T) {
		for _, file := range []string{
			"errors/notes__create--body-too-large.json",
			"errors/notes__create--unsupported-content-type.json",
			"errors/no-such-endpoint--unknown-endpoint-post.json",
			"errors/i--malformed-json.json",
			"errors/i--empty-json-body.json",
		} {
			rec, c := get(t, file)
			body, _ := rec.Body.(map[string]any)
			if body == nil || body["statusCode"] == nil {
				t.Errorf("%s is not a fastify error document", file)
				continue
			}
			if c.API == nil || c.API.StatusCode != rec.Status || c.API.Message == "" || c.API.ID != "" {
				t.Errorf("%s: %+v", file, c.API)
				continue
			}
			t.Logf("%s (via %s): %s", file, c.Via, c.API.Text)
		}
	})
	t.Run("answers without a body (405 GET, 400s without a body)", func(t *testing.T) {
		n := 0
		for file, rec := range recs {
			if !strings.HasPrefix(file, "errors/") || rec.Body != nil {
				continue
			}
			n++
			c := calls[file]
			if c.API == nil || c.API.StatusCode != rec.Status || c.API.Message == "" || c.API.Code != "" {
				t.Errorf("%s: %+v", file, c.API)
				continue
			}
			t.Logf("%s: %s", file, c.API.Text)
		}
		if n == 0 {
			t.Error("no error recording without a body")
		}
	})
	t.Run("successful answers with no content where the document promises a body (204)", func(t *testing.T) {
		for file, rec := range recs {
			if strings.HasPrefix(file, "http/") && rec.Status == 204 && responseHasBody(calls[file]) {
				t.Logf("%s: %s", file, calls[file].GoType)
			}
			if strings.HasPrefix(file, "http/") && rec.Status == 204 && calls[file].Err != "" {
				t.Errorf("%s: %s", file, calls[file].Err)
			}
		}
	})
	t.Run("Authorization: Bearer instead of i (http/i--bearer-header.json)", func(t *testing.T) {
		_, c := get(t, "http/i--bearer-header.json")
		if c.Via != "typed" || c.Sent != "" || c.Err != "" {
			t.Errorf("via %s, sent %q, err %q", c.Via, c.Sent, c.Err)
		}
	})
	t.Run("authentication failed is 401, documented under 403 (errors/i--authentication-failed.json)", func(t *testing.T) {
		_, c := get(t, "errors/i--authentication-failed.json")
		if c.API == nil || c.API.StatusCode != 401 || !contains(c.Common, "ErrAuthenticationFailed") {
			t.Errorf("%+v %v", c.API, c.Common)
		}
	})
	t.Run("500 INTERNAL_ERROR keeps the internal error in Info (errors/users__recommendation.json)", func(t *testing.T) {
		rec, c := get(t, "errors/users__recommendation.json")
		want, _ := at(rec.Body, "$.error.info")
		if c.API == nil || c.API.StatusCode != 500 || want == nil || !jsonEqual(want, decodeAny(c.API.Info)) || !contains(c.Common, "ErrInternalError") {
			t.Errorf("%+v", c.API)
			return
		}
		t.Logf("Info: %s", c.API.Info)
	})
}

// responseHasBody reports whether the typed method returns a value.
func responseHasBody(c *replayCall) bool {
	return c != nil && c.GoType != "" && c.GoType != "<nil>"
}
