package generator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// TestRoundTrip proves the generated types by round trips, for every
// endpoint of testdata/openapi.json and of every real document in
// ../shared/specs (MISSKEY_ROUNDTRIP_DOCS=name,… limits it to some, while
// working on it).
//
// This process runs a fake Misskey server (httptest) that knows every
// document, with the fixups table applied as the generator applies it. For
// each endpoint it synthesizes (synth_test.go) several variants of a request
// valid for the endpoint's request schema and a response valid for its
// response schema: with and without optional properties, with nulls
// wherever the document allows them, and with every union branch chosen in
// some variant. Variants 0 and 3 of each response also carry a few members
// the document does not declare, and variant 0 of every third endpoint's
// response one value of the wrong JSON kind (a misfit). The generated
// packages, all in one temporary module, each get a test
// (roundTripClientTest) that, for each endpoint and variant, fetches the
// request JSON from the server, decodes it strictly into the generated
// request type and calls the generated method against the server, with
// strict decoding, and posts the decoded response, encoded again, back. A
// case with a misfit is called twice: leniently with a mismatch handler,
// then strictly.
//
// The server then checks, per endpoint and variant:
//   - the body the client sent, without the token "i", is valid for the
//     request schema (kin-openapi) and means the same as the request JSON it
//     handed out: what was absent is absent, what was null is null (a
//     multipart form cannot carry null: there a null is expected absent);
//   - a multipart request carries its fields and its file part;
//   - the client decoded the response without error, and encoding the
//     decoded value again gives JSON that means the same as what the server
//     sent, undeclared members and misfits included. "The same" allows
//     only: date-times compared as instants, and 2 and 2.0 equal where the
//     document says number. Absent stays absent and null stays null; any
//     other number comes back as the same literal.
//   - for a misfit: the lenient call returned it unchanged and gave the
//     mismatch handler exactly that value at its JSON Pointer, once; the
//     strict call failed with a *DecodeError wrapping a *MismatchError
//     naming it.
//
// Failures are reported per document and endpoint with the variant and a
// JSON diff snippet.
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: the round trip builds and runs a client for every real document")
	}
	docs := roundTripDocuments(t)
	srv := newRTServer()
	mod := gentest.NewModule(t)
	for _, d := range docs {
		data, err := os.ReadFile(d.path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := generator.Parse(&generator.Input{Name: d.path, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		// Serve what the client is generated for: the document with the
		// fixups table applied (counts are integers, …).
		if _, err := generator.ApplyFixups(doc); err != nil {
			t.Fatal(err)
		}
		relaxForValidation(doc)
		files, api := gentest.Generate(t, d.path, "misskey")
		sub := "rt/" + d.key
		mod.AddPackage(t, sub, files)
		mod.AddFile(t, sub, "zz_calls_test.go", gentest.CallTable(api, "misskey"))
		mod.AddFile(t, sub, "zz_roundtrip_test.go", roundTripClientTest("misskey", d.key))
		srv.add(d.key, d.name, doc)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	srv.prepareAll() // synthesizes in the background while the module builds

	start := time.Now()
	out, err := mod.Go([]string{"MISSKEY_ROUNDTRIP_URL=" + hs.URL}, "test", "-count=1", "-timeout=15m", "./...")
	if err != nil {
		t.Errorf("go test in the generated module failed:\n%s", tailLines(out, 60))
	}
	t.Logf("go test of %d generated packages: %v", len(docs), time.Since(start).Round(time.Millisecond))
	srv.report(t)
}

type rtDocument struct {
	key  string // package directory and URL segment
	name string // file name without .json
	path string
}

// roundTripDocuments lists testdata/openapi.json and, when the workspace
// has them, the real documents in ../shared/specs.
func roundTripDocuments(t *testing.T) []rtDocument {
	paths := []string{filepath.Join(gentest.RepoRoot(), "testdata", "openapi.json")}
	shared, _ := filepath.Glob(filepath.Join(gentest.RepoRoot(), "..", "shared", "specs", "*.json"))
	if len(shared) == 0 {
		t.Log("../shared/specs is absent: the round trip covers testdata/openapi.json only")
	}
	paths = append(paths, shared...)
	// MISSKEY_ROUNDTRIP_DOCS=openapi,misskey-2024.10.1 limits the run to
	// those documents (file names without .json), for working on the test
	// without building a client for every document.
	var only map[string]bool
	if list := os.Getenv("MISSKEY_ROUNDTRIP_DOCS"); list != "" {
		only = map[string]bool{}
		for _, n := range strings.Split(list, ",") {
			only[strings.TrimSpace(n)] = true
		}
	}
	var out []rtDocument
	for i, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		key := packageDir(name)
		if i == 0 {
			key = "m_testdata_openapi"
		}
		if only != nil && !only[name] {
			continue
		}
		out = append(out, rtDocument{key: key, name: name, path: p})
	}
	if only != nil {
		t.Logf("MISSKEY_ROUNDTRIP_DOCS: %d of %d documents", len(out), len(paths))
	}
	return out
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("… (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// The fake server.

const (
	rtToken       = "roundtrip-token"
	rtMinVariants = 4
	rtMaxVariants = 24
)

type rtServer struct {
	mu   sync.Mutex
	docs map[string]*rtDoc
	keys []string
}

type rtDoc struct {
	key, name string
	doc       *openapi3.T
	ready     chan struct{}
	endpoints map[string]*rtEndpoint
	names     []string
}

type rtEndpoint struct {
	name       string
	reqSchema  *openapi3.SchemaRef
	multipart  bool
	respSchema *openapi3.SchemaRef
	uncovered  []string // unions with branches no variant chose
	cases      []*rtCase
}

// rtCase is one variant of one endpoint: what the server hands out and
// answers, and what it learned.
type rtCase struct {
	variant int
	req     []byte // the request JSON handed to the client; nil: no request body schema
	reqVal  any
	reqAnn  *annotations
	resp    []byte // the response body; nil: 204
	respVal any
	respAnn *annotations

	// undeclared is how many members the document does not declare were
	// put into the response (injectUndeclared).
	undeclared int
	// misfitPath is set when one value of the response is of the wrong JSON
	// kind (injectMisfit): its JSON Pointer, and misfitValue its JSON. The
	// client then calls twice, decoding leniently and then strictly.
	misfitPath  string
	misfitValue []byte

	mu       sync.Mutex
	problems []string // synthesis, request and check problems
	calls    int      // requests that reached the endpoint
	checked  bool
}

func (c *rtCase) fail(format string, args ...any) {
	c.mu.Lock()
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}

func newRTServer() *rtServer { return &rtServer{docs: map[string]*rtDoc{}} }

func (s *rtServer) add(key, name string, doc *openapi3.T) {
	d := &rtDoc{key: key, name: name, doc: doc, ready: make(chan struct{}), endpoints: map[string]*rtEndpoint{}}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		item := doc.Paths.Value(p)
		name := strings.Trim(p, "/")
		if item == nil || name == "" {
			continue
		}
		op := item.Post
		if op == nil {
			op = item.Get
		}
		if op == nil {
			continue
		}
		ep := &rtEndpoint{name: name}
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			content := op.RequestBody.Value.Content
			if mt := content.Get("application/json"); mt != nil {
				ep.reqSchema = mt.Schema
			} else if mt := content.Get("multipart/form-data"); mt != nil {
				ep.reqSchema, ep.multipart = mt.Schema, true
			}
		}
		ep.respSchema = successSchema(op)
		d.endpoints[name] = ep
		d.names = append(d.names, name)
	}
	s.mu.Lock()
	s.docs[key] = d
	s.keys = append(s.keys, key)
	s.mu.Unlock()
}

// successSchema is the schema of the first 2xx response with a JSON body,
// or nil when the endpoint answers without one.
func successSchema(op *openapi3.Operation) *openapi3.SchemaRef {
	if op.Responses == nil {
		return nil
	}
	var codes []string
	for code := range op.Responses.Map() {
		if strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		r := op.Responses.Value(code)
		if r == nil || r.Value == nil {
			continue
		}
		if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			return mt.Schema
		}
	}
	return nil
}

// prepareAll synthesizes every case of every document in the background,
// two documents at a time.
func (s *rtServer) prepareAll() {
	sem := make(chan struct{}, 2)
	for _, key := range s.keys {
		d := s.docs[key]
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			for i, name := range d.names {
				d.endpoints[name].prepare(d.key, i)
			}
			close(d.ready)
		}()
	}
}

// prepare synthesizes the variants of an endpoint: at least rtMinVariants,
// more while some union branch has not been chosen yet. index is the
// endpoint's place in its document.
//
// Variants 0 and 3 of every response get a few members the document does not
// declare. Variant 0 of every third endpoint's response gets one value of the
// wrong JSON kind (the kind rotating over those endpoints).
func (ep *rtEndpoint) prepare(doc string, index int) {
	usage := newUnionUsage()
	plural, listBranch := listForm(ep.reqSchema, ep.respSchema)
	for v := 0; ; v++ {
		c := &rtCase{variant: v}
		topBranch := -1
		if ep.reqSchema != nil {
			g := newSynth(doc+" "+ep.name+" request", v, usage)
			g.multipart = ep.multipart
			g.label = "request"
			g.topRequest = true
			val := g.value(ep.reqSchema, "", 0)
			if m, ok := val.(map[string]any); ok && plural != "" && v >= 3 && m[plural] != nil {
				// The single form's answer not chosen yet: ask for one
				// object, if the request is valid without the plural.
				if counts := usage.counts[unionKey(ep.respSchema.Value)]; len(counts) == 2 && counts[1-listBranch] == 0 {
					list := m[plural]
					delete(m, plural)
					if ep.reqSchema.Value.VisitJSON(jsonRoundTrip(m), validationOptions()...) != nil {
						m[plural] = list
					}
				}
			}
			c.req, c.reqVal = encodeCase(val)
			c.reqAnn = g.ann
			if plural != "" {
				// The list form answers the list, the other the object.
				topBranch = 1 - listBranch
				if m, ok := val.(map[string]any); ok && m[plural] != nil {
					topBranch = listBranch
				}
			}
			for _, p := range g.problems {
				c.fail("synthesizing the request: %s", p)
			}
			if ep.multipart {
				// Binary properties travel as file parts; the
				// validation sees them as strings.
				val = withFiles(ep.reqSchema, jsonRoundTrip(val))
			}
			if err := ep.reqSchema.Value.VisitJSON(jsonRoundTrip(val), validationOptions()...); err != nil {
				c.fail("the synthesized request is not valid for its schema (a bug of the test): %s", firstLine(err))
			}
		}
		if ep.respSchema != nil {
			g := newSynth(doc+" "+ep.name+" response", v, usage)
			g.label = "response"
			g.topBranch = topBranch
			val := g.value(ep.respSchema, "", 0)
			c.respAnn = g.ann
			for _, p := range g.problems {
				c.fail("synthesizing the response: %s", p)
			}
			if v == 0 || v == 3 {
				c.undeclared = g.injectUndeclared(val)
			}
			if err := ep.respSchema.Value.VisitJSON(jsonRoundTrip(val), validationOptions()...); err != nil {
				c.fail("the synthesized response is not valid for its schema (a bug of the test): %s", firstLine(err))
			}
			if v == 0 && index%3 == 0 {
				c.misfitPath, c.misfitValue = g.injectMisfit(val, index/3)
			}
			c.resp, c.respVal = encodeCase(val)
		}
		ep.cases = append(ep.cases, c)
		if n, where := usage.uncovered(); v+1 >= rtMinVariants && (n == 0 || v+1 >= rtMaxVariants) {
			ep.uncovered = where
			return
		}
	}
}

func encodeCase(v any) ([]byte, any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b, decodeUseNumber(b)
}

func decodeUseNumber(b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Sprintf("<invalid JSON: %v>", err)
	}
	return v
}

// withFiles adds a string for every top-level binary property of a
// multipart request schema.
func withFiles(schema *openapi3.SchemaRef, v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for _, name := range binaryProperties(schema) {
		m[name] = "file contents"
	}
	return m
}

func binaryProperties(schema *openapi3.SchemaRef) []string {
	var out []string
	if schema == nil || schema.Value == nil {
		return nil
	}
	for name, p := range schema.Value.Properties {
		if p.Value != nil && p.Value.Format == "binary" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.Index(s, "\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

func (s *rtServer) lookup(w http.ResponseWriter, doc, variant, name string) (*rtDoc, *rtEndpoint, *rtCase) {
	s.mu.Lock()
	d := s.docs[doc]
	s.mu.Unlock()
	if d == nil {
		http.Error(w, "no document "+doc, http.StatusNotFound)
		return nil, nil, nil
	}
	<-d.ready
	ep := d.endpoints[name]
	v, err := strconv.Atoi(variant)
	if ep == nil || err != nil || v < 0 || v >= len(ep.cases) {
		writeMisskeyError(w, http.StatusNotFound, "NO_SUCH_ENDPOINT", fmt.Sprintf("no endpoint %q variant %q in %s", name, variant, doc))
		return nil, nil, nil
	}
	return d, ep, ep.cases[v]
}

func writeMisskeyError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg, "id": "00000000-0000-0000-0000-000000000000"}})
}

func (s *rtServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case strings.HasPrefix(path, "__plan/"):
		s.servePlan(w, strings.TrimPrefix(path, "__plan/"))
	case strings.HasPrefix(path, "__case/"):
		parts := strings.SplitN(strings.TrimPrefix(path, "__case/"), "/", 3)
		if len(parts) != 3 {
			http.NotFound(w, r)
			return
		}
		_, _, c := s.lookup(w, parts[0], parts[1], parts[2])
		if c != nil {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(rtCaseJSON{Request: c.req, Lenient: c.misfitPath != ""})
		}
	case strings.HasPrefix(path, "__check/"):
		parts := strings.SplitN(strings.TrimPrefix(path, "__check/"), "/", 3)
		if len(parts) != 3 {
			http.NotFound(w, r)
			return
		}
		_, ep, c := s.lookup(w, parts[0], parts[1], parts[2])
		if c != nil {
			ep.check(c, r)
			w.WriteHeader(http.StatusNoContent)
		}
	default:
		// <doc>/<variant>/api/<endpoint>
		parts := strings.SplitN(path, "/", 3)
		if len(parts) != 3 || !strings.HasPrefix(parts[2], "api/") {
			http.NotFound(w, r)
			return
		}
		_, ep, c := s.lookup(w, parts[0], parts[1], strings.TrimPrefix(parts[2], "api/"))
		if c != nil {
			ep.serve(c, w, r)
		}
	}
}

// rtCaseJSON is what the client fetches of a case (/__case/…).
type rtCaseJSON struct {
	// Request is the request JSON; absent when the endpoint has no
	// request body schema.
	Request json.RawMessage `json:"request,omitempty"`
	// Lenient: the response holds a value of the wrong kind. The client
	// calls with WithMismatchHandler, then again with WithStrictDecoding.
	Lenient bool `json:"lenient,omitempty"`
}

// rtMismatch is a Mismatch as the client reports it, its value as a string
// so that its bytes arrive as they were.
type rtMismatch struct {
	Path  string `json:"path"`
	Want  string `json:"want"`
	Value string `json:"value"`
}

// rtReport is what the client reports of a case (/__check/…).
type rtReport struct {
	Error    string          `json:"error"`
	None     bool            `json:"none"`
	Response json.RawMessage `json:"response"`
	// The lenient call of a case with a misfit: the endpoint the handler
	// was told, how often it was called, and the mismatches it was given.
	HandlerEndpoint string       `json:"handlerEndpoint"`
	HandlerCalls    int          `json:"handlerCalls"`
	Mismatches      []rtMismatch `json:"mismatches"`
	// The strict call of a case with a misfit.
	Strict *struct {
		Error       string       `json:"error"`
		DecodeError bool         `json:"decodeError"` // errors.As *DecodeError
		Mismatch    bool         `json:"mismatch"`    // errors.As *MismatchError
		Mismatches  []rtMismatch `json:"mismatches"`
		More        int          `json:"more"`
	} `json:"strict"`
}

func (s *rtServer) servePlan(w http.ResponseWriter, doc string) {
	s.mu.Lock()
	d := s.docs[doc]
	s.mu.Unlock()
	if d == nil {
		http.Error(w, "no document "+doc, http.StatusNotFound)
		return
	}
	<-d.ready
	plan := map[string]int{}
	for name, ep := range d.endpoints {
		plan[name] = len(ep.cases)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(plan)
}

// serve is the fake endpoint: it checks the request and answers with the
// case's response.
func (ep *rtEndpoint) serve(c *rtCase, w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.calls++
	c.mu.Unlock()
	if r.Method != http.MethodPost {
		c.fail("request: method %s, want POST", r.Method)
	}
	got, files, err := readRequest(ep, r)
	if err != nil {
		c.fail("request: %v", err)
	} else {
		ep.checkRequest(c, got, files)
	}
	if c.resp == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(c.resp)
}

// readRequest reads a JSON or multipart body into a JSON object (numbers
// as json.Number), and the file parts by field name.
func readRequest(ep *rtEndpoint, r *http.Request) (map[string]any, map[string]string, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ep.multipart {
		if ct != "multipart/form-data" {
			return nil, nil, fmt.Errorf("Content-Type %q, want multipart/form-data", ct)
		}
		if params["boundary"] == "" {
			return nil, nil, fmt.Errorf("multipart request without a boundary")
		}
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, nil, err
		}
		obj, files := map[string]any{}, map[string]string{}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, nil, fmt.Errorf("reading the multipart body: %v", err)
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return nil, nil, err
			}
			name := part.FormName()
			if _, dup := obj[name]; dup {
				return nil, nil, fmt.Errorf("form field %q sent twice", name)
			}
			if part.FileName() != "" {
				files[name] = string(data)
				continue
			}
			obj[name] = formValue(ep.reqSchema, name, string(data))
		}
		return obj, files, nil
	}
	if ct != "application/json" {
		return nil, nil, fmt.Errorf("Content-Type %q, want application/json", ct)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, err
	}
	v := decodeUseNumber(body)
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("the body is not a JSON object: %s", snippet(body))
	}
	return obj, nil, nil
}

// formValue turns a multipart text field back into the JSON value the
// client encoded: the text itself where the property is a string, else the
// JSON the text holds.
func formValue(schema *openapi3.SchemaRef, name, text string) any {
	if name == "i" || schema == nil || schema.Value == nil {
		return text
	}
	p := schema.Value.Properties[name]
	if p != nil && p.Value != nil {
		types := nonNullTypes(p.Value)
		if len(types) == 0 || (len(types) == 1 && types[0] == "string") {
			return text
		}
	}
	v := decodeUseNumber([]byte(text))
	if s, ok := v.(string); ok && strings.HasPrefix(s, "<invalid JSON") {
		return text
	}
	return v
}

// checkRequest compares what the client sent with the request the server
// handed out, and validates it against the request schema.
func (ep *rtEndpoint) checkRequest(c *rtCase, got map[string]any, files map[string]string) {
	tok, ok := got["i"]
	if !ok {
		c.fail("request: no token \"i\" in the body")
	} else if tok != rtToken {
		c.fail("request: token %v, want %q", tok, rtToken)
	}
	delete(got, "i")
	if ep.reqSchema == nil {
		if len(got) != 0 {
			c.fail("request: the endpoint takes no parameters, the client sent %s", snippetValue(got))
		}
		return
	}
	want := c.reqVal
	if ep.multipart {
		// A multipart form cannot carry null: the client leaves such
		// fields out (templates/multipart.go), so a top-level null is
		// expected absent.
		if m, ok := want.(map[string]any); ok {
			cp := map[string]any{}
			for k, v := range m {
				if v != nil {
					cp[k] = v
				}
			}
			want = cp
		}
		for _, name := range binaryProperties(ep.reqSchema) {
			switch content, ok := files[name]; {
			case !ok:
				c.fail("request: no file part %q", name)
			case content != "file contents":
				c.fail("request: file part %q holds %q, want %q", name, content, "file contents")
			}
			delete(files, name)
		}
		for name := range files {
			c.fail("request: unexpected file part %q", name)
		}
	}
	if diffs := compareJSON(want, any(got), "", c.reqAnn, 5); len(diffs) > 0 {
		c.fail("request sent differs from the request handed out: %s", strings.Join(diffs, "; "))
	}
	val := any(got)
	if ep.multipart {
		val = withFiles(ep.reqSchema, jsonRoundTrip(got))
	}
	if err := ep.reqSchema.Value.VisitJSON(jsonRoundTrip(val), validationOptions()...); err != nil {
		c.fail("request: not valid for the request schema: %s", firstLine(err))
	}
}

// check compares the client's re-encoded response with what the server
// sent, and, for a case with a misfit, what the mismatch handler and the
// strict call said.
func (ep *rtEndpoint) check(c *rtCase, r *http.Request) {
	var rep rtReport
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.checked = true
	c.mu.Unlock()
	if err := json.Unmarshal(body, &rep); err != nil {
		c.fail("check: unreadable report %s", snippet(body))
		return
	}
	if rep.Error != "" {
		c.fail("client error: %s", rep.Error)
		return
	}
	switch {
	case c.resp == nil && !rep.None:
		c.fail("the endpoint answers 204, but the client returned %s", snippet(rep.Response))
	case c.resp != nil && rep.None:
		c.fail("the server sent a response body, but the generated method returns none")
	case c.resp != nil:
		got := decodeUseNumber(rep.Response)
		if diffs := compareJSON(c.respVal, got, "", c.respAnn, 5); len(diffs) > 0 {
			c.fail("re-encoded response differs from the response sent: %s", strings.Join(diffs, "; "))
		}
	}
	if c.misfitPath != "" {
		ep.checkMisfit(c, &rep)
	}
}

// checkMisfit checks what the client learned of the one value of the wrong
// kind in the response: the lenient call's mismatch handler was called once,
// for this endpoint, with exactly that value at its JSON Pointer, and the
// strict call failed with a *DecodeError wrapping a *MismatchError that
// names it.
func (ep *rtEndpoint) checkMisfit(c *rtCase, rep *rtReport) {
	what := fmt.Sprintf("%s at %s", c.misfitValue, c.misfitPath)
	sameMismatch := func(ms []rtMismatch) bool {
		return len(ms) == 1 && ms[0].Path == c.misfitPath && ms[0].Value == string(c.misfitValue) && ms[0].Want != ""
	}
	if rep.HandlerCalls != 1 || rep.HandlerEndpoint != ep.name {
		c.fail("misfit %s: the mismatch handler was called %d times, for endpoint %q, want once for %q", what, rep.HandlerCalls, rep.HandlerEndpoint, ep.name)
	}
	if !sameMismatch(rep.Mismatches) {
		c.fail("misfit %s: the mismatch handler was given %s, want that one value", what, snippetValue(rep.Mismatches))
	}
	switch st := rep.Strict; {
	case st == nil:
		c.fail("misfit %s: the client did not report a strict call", what)
	case st.Error == "":
		c.fail("misfit %s: the strict call succeeded", what)
	case !st.DecodeError || !st.Mismatch:
		c.fail("misfit %s: the strict call failed with %q, want a *DecodeError wrapping a *MismatchError", what, st.Error)
	case !sameMismatch(st.Mismatches) || st.More != 0:
		c.fail("misfit %s: the strict call's MismatchError lists %s (and %d more), want that one value", what, snippetValue(st.Mismatches), st.More)
	}
}

// compareJSON reports where got does not mean the same as want (see
// TestRoundTrip), at most max differences.
func compareJSON(want, got any, path string, ann *annotations, max int) []string {
	var out []string
	var walk func(want, got any, path string)
	walk = func(want, got any, path string) {
		if len(out) >= max {
			return
		}
		at := path
		if at == "" {
			at = "/"
		}
		differ := func() {
			out = append(out, fmt.Sprintf("at %s sent %s, got %s", at, snippetValue(want), snippetValue(got)))
		}
		switch w := want.(type) {
		case map[string]any:
			g, ok := got.(map[string]any)
			if !ok {
				differ()
				return
			}
			keys := map[string]bool{}
			for k := range w {
				keys[k] = true
			}
			for k := range g {
				keys[k] = true
			}
			for _, k := range sortedKeysOf(keys) {
				child := path + "/" + pointerToken(k)
				wv, win := w[k]
				gv, gin := g[k]
				switch {
				case win && gin:
					walk(wv, gv, child)
				case win && !gin:
					out = append(out, fmt.Sprintf("at %s sent %s, got nothing (property left out)", child, snippetValue(wv)))
				default:
					out = append(out, fmt.Sprintf("at %s sent nothing, got %s (property added)", child, snippetValue(gv)))
				}
				if len(out) >= max {
					return
				}
			}
		case []any:
			g, ok := got.([]any)
			if !ok || len(g) != len(w) {
				differ()
				return
			}
			for i := range w {
				walk(w[i], g[i], path+"/"+strconv.Itoa(i))
			}
		case json.Number:
			g, ok := got.(json.Number)
			if !ok {
				differ()
				return
			}
			if w == g {
				return
			}
			// Only where the document says number is 2 the same as 2.0;
			// elsewhere the literal comes back as it was sent.
			wf, err1 := w.Float64()
			gf, err2 := g.Float64()
			if !ann.numbers[path] || err1 != nil || err2 != nil || wf != gf {
				differ()
			}
		case string:
			g, ok := got.(string)
			if !ok {
				differ()
				return
			}
			if w == g {
				return
			}
			if ann.times[path] {
				wt, err1 := time.Parse(time.RFC3339Nano, w)
				gt, err2 := time.Parse(time.RFC3339Nano, g)
				if err1 == nil && err2 == nil && wt.Equal(gt) {
					return
				}
			}
			differ()
		default: // nil, bool
			if want != got {
				differ()
			}
		}
	}
	walk(want, got, path)
	return out
}

func sortedKeysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func snippetValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return snippet(b)
}

func snippet(b []byte) string {
	const max = 160
	s := string(b)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// report fails the test for every case with a problem, per document, and
// logs the pass counts.
func (s *rtServer) report(t *testing.T) {
	// MISSKEY_ROUNDTRIP_DUMP=file writes every failing case, one a line,
	// for working through many at once.
	var dump io.Writer
	if path := os.Getenv("MISSKEY_ROUNDTRIP_DUMP"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		dump = f
	}
	for _, key := range s.keys {
		d := s.docs[key]
		t.Run(d.name, func(t *testing.T) {
			select {
			case <-d.ready:
			default:
				t.Fatal("the cases were never synthesized")
			}
			const maxReported = 40
			total, passed, reported, failedEndpoints := 0, 0, 0, 0
			undeclared, undeclaredCases, misfits := 0, 0, 0
			var uncovered []string
			for _, name := range d.names {
				ep := d.endpoints[name]
				for _, u := range ep.uncovered {
					uncovered = append(uncovered, name+": "+u)
				}
				endpointFailed := false
				for _, c := range ep.cases {
					total++
					undeclared += c.undeclared
					if c.undeclared > 0 {
						undeclaredCases++
					}
					wantCalls := 1
					if c.misfitPath != "" {
						misfits++
						wantCalls = 2 // lenient, then strict
					}
					c.mu.Lock()
					problems := append([]string(nil), c.problems...)
					if c.calls == 0 {
						problems = append(problems, "the client never called the endpoint")
					} else if c.calls != wantCalls {
						problems = append(problems, fmt.Sprintf("the client called the endpoint %d times, want %d", c.calls, wantCalls))
					}
					if !c.checked {
						problems = append(problems, "the client never reported its result")
					}
					c.mu.Unlock()
					if len(problems) == 0 {
						passed++
						continue
					}
					endpointFailed = true
					if dump != nil {
						fmt.Fprintf(dump, "%s\t%s\t%d\t%s\n", d.name, name, c.variant, strings.Join(problems, "\t"))
					}
					if reported < maxReported {
						reported++
						t.Errorf("%s variant %d (%s):\n\t%s", name, c.variant, modeOf(c.variant), strings.Join(problems, "\n\t"))
					}
				}
				if endpointFailed {
					failedEndpoints++
				}
			}
			if reported == maxReported {
				t.Errorf("… only the first %d failing cases are shown", maxReported)
			}
			t.Logf("%s: %d endpoints, %d endpoint×variant cases, %d passed, %d endpoints failed; unions with a branch no variant chose: %d; %d undeclared members in %d responses; %d responses with a value of the wrong kind",
				d.name, len(d.names), total, passed, failedEndpoints, len(uncovered), undeclared, undeclaredCases, misfits)
			// The injections must have happened, or the test proves less
			// than it says.
			if undeclared == 0 {
				t.Errorf("no response got an undeclared member")
			}
			if misfits == 0 {
				t.Errorf("no response got a value of the wrong kind")
			}
			for _, u := range uncovered {
				t.Errorf("a union branch no variant exercised: %s", u)
			}
		})
	}
}

// roundTripClientTest is the test put into each generated package.
func roundTripClientTest(pkg, doc string) []byte {
	src := strings.Replace(roundTripClientSource, "package PKG", "package "+pkg, 1)
	src = strings.Replace(src, `const roundTripDoc = "DOC"`, "const roundTripDoc = "+strconv.Quote(doc), 1)
	return []byte(src)
}

const roundTripClientSource = `package PKG

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"
)

// roundTripDoc names this package's document on the round-trip server.
const roundTripDoc = "DOC"

var roundTripHTTP = &http.Client{
	Transport: &http.Transport{MaxIdleConnsPerHost: 16},
	Timeout:   2 * time.Minute,
}

// Requests are decoded strictly: a request valid for the document must fit
// the generated request type, not be carried through Extra.
func init() {
	decodeCallRequest = func(data []byte, v any) error {
		jv, ok := v.(jsonValue)
		if !ok {
			return fmt.Errorf("%T has no generated decoder", v)
		}
		_, err := decodeJSONValue(nil, data, jv, true)
		return err
	}
}

// TestRoundTripEveryEndpoint calls every endpoint, in every variant the
// round-trip server (generator's TestRoundTrip) has, and reports to the
// server what the call returned, encoded again. The server judges.
func TestRoundTripEveryEndpoint(t *testing.T) {
	base := os.Getenv("MISSKEY_ROUNDTRIP_URL")
	if base == "" {
		t.Skip("MISSKEY_ROUNDTRIP_URL is not set; generator's TestRoundTrip runs this test")
	}
	var plan map[string]int
	body, err := roundTripDo(http.MethodGet, base+"/__plan/"+roundTripDoc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, &plan); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(plan))
	for n := range plan {
		names = append(names, n)
	}
	sort.Strings(names)
	type job struct {
		name    string
		variant int
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if err := roundTripOne(base, j.name, j.variant); err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
				}
			}
		}()
	}
	for _, n := range names {
		for v := range plan[n] {
			jobs <- job{n, v}
		}
	}
	close(jobs)
	wg.Wait()
	for i, f := range failures {
		if i == 20 {
			t.Errorf("… and %d more", len(failures)-i)
			break
		}
		t.Error(f)
	}
}

// roundTripCase is what the server hands out for a case.
type roundTripCase struct {
	Request json.RawMessage ` + "`json:\"request\"`" + `
	Lenient bool            ` + "`json:\"lenient\"`" + `
}

// roundTripMismatch is a Mismatch as reported to the server.
type roundTripMismatch struct {
	Path  string ` + "`json:\"path\"`" + `
	Want  string ` + "`json:\"want\"`" + `
	Value string ` + "`json:\"value\"`" + `
}

func roundTripMismatches(ms []Mismatch) []roundTripMismatch {
	out := make([]roundTripMismatch, 0, len(ms))
	for _, m := range ms {
		out = append(out, roundTripMismatch{Path: m.Path, Want: m.Want, Value: string(m.Value)})
	}
	return out
}

// roundTripOne runs one case: a strict call, or, when the response holds a
// value of the wrong kind, a lenient call with a mismatch handler and then a
// strict one.
func roundTripOne(base, name string, variant int) error {
	v := strconv.Itoa(variant)
	data, err := roundTripDo(http.MethodGet, base+"/__case/"+roundTripDoc+"/"+v+"/"+name, nil)
	if err != nil {
		return err
	}
	var cs roundTripCase
	if err := json.Unmarshal(data, &cs); err != nil {
		return fmt.Errorf("case %s %s: %v", name, v, err)
	}
	url := base + "/" + roundTripDoc + "/" + v
	report := map[string]any{}
	call, ok := endpointCalls[name]
	switch {
	case !ok:
		report["error"] = "the generated package has no method for this endpoint"
	case !cs.Lenient:
		c := NewClient(url, WithToken("roundtrip-token"), WithHTTPClient(roundTripHTTP), WithStrictDecoding())
		roundTripCall(c, call, cs.Request, report)
	default:
		var mu sync.Mutex
		var got []roundTripMismatch
		calls, endpoint := 0, ""
		handler := func(ep string, ms []Mismatch) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			endpoint = ep
			got = append(got, roundTripMismatches(ms)...) // the slice is not ours to keep
		}
		c := NewClient(url, WithToken("roundtrip-token"), WithHTTPClient(roundTripHTTP), WithMismatchHandler(handler))
		roundTripCall(c, call, cs.Request, report)
		mu.Lock()
		report["handlerCalls"], report["handlerEndpoint"], report["mismatches"] = calls, endpoint, got
		mu.Unlock()

		strict := map[string]any{}
		sc := NewClient(url, WithToken("roundtrip-token"), WithHTTPClient(roundTripHTTP), WithStrictDecoding())
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := call(ctx, sc, cs.Request)
		cancel()
		if err != nil {
			strict["error"] = err.Error()
			var de *DecodeError
			var me *MismatchError
			strict["decodeError"] = errors.As(err, &de)
			if errors.As(err, &me) {
				strict["mismatch"] = true
				strict["mismatches"] = roundTripMismatches(me.Mismatches)
				strict["more"] = me.More
			}
		}
		report["strict"] = strict
	}
	body, err := json.Marshal(report)
	if err != nil {
		return err
	}
	_, err = roundTripDo(http.MethodPost, base+"/__check/"+roundTripDoc+"/"+v+"/"+name, body)
	return err
}

// roundTripCall calls the endpoint and puts into report what it returned,
// encoded again, or its error.
func roundTripCall(c *Client, call func(context.Context, *Client, []byte) (any, error), req []byte, report map[string]any) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := call(ctx, c, req)
	switch {
	case err != nil:
		report["error"] = err.Error()
	case res == nil:
		report["none"] = true
	default:
		out, err := json.Marshal(res)
		if err != nil {
			report["error"] = "encoding the decoded response again: " + err.Error()
		} else {
			report["response"] = json.RawMessage(out)
		}
	}
}

func roundTripDo(method, url string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	resp, err := roundTripHTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, data)
	}
	return data, nil
}
`
