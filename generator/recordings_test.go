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

// recordedServers are the servers recorded in ../shared/recordings and the
// document each one's client is generated from: the server's own.
var recordedServers = []struct{ name, spec string }{
	{"2024.10.1", "misskey-2024.10.1.json"},
	{"2025.4.1-mhq.13", "misskey-2025.4.1-mhq.13.json"},
	{"2026.3.1", "misskey-2026.3.1-live.json"},
}

// losslessServer is the server whose generated package also gets
// testdata/conformance/lossless_test.go (the tests of issue 13's
// deliverables, on its recorded bodies).
const losslessServer = "2026.3.1"

// TestRecordings is the conformance test against real traffic (issues 9 and
// 13). For each server recorded in ../shared/recordings it generates the
// client from that server's own document into a temporary module, adds
// testdata/conformance/replay_test.go to the generated package, and runs it:
// every recorded HTTP call is answered by an in-process fake server exactly
// as recorded (status, headers, body) and made through the generated typed
// method, and every streaming session is replayed by a fake WebSocket server
// to a Stream subscribed through the typed API. The generated package's test
// writes what the client returned; this test then checks it against the
// recordings and the document:
//
//   - 2xx: no error, and the result re-encoded with json.Marshal is the
//     body the server sent: compareLossless (lossless_compare_test.go)
//     finds no member lost or added and no value changed, at any depth; it
//     allows nothing but a date-time written in another format for the same
//     instant (counted, and zero on every recorded server). Every value the
//     client reported through WithMismatchHandler is at its JSON Pointer in
//     the body, and the same call WithStrictDecoding fails exactly when
//     there was one (at the first one), and otherwise gives the same result.
//   - errors: an *APIError with the recorded status, and code, id and
//     message for Misskey's error document, or code and message for
//     fastify's, or a description for an empty body; Retry-After; errors.Is
//     with the endpoint's documented error values.
//   - streaming: every server frame reaches the application, typed by the
//     document's entity types where the protocol gives one, raw otherwise;
//     a typed Value re-encodes to the frame's body with the same comparison,
//     and StreamEvent.Mismatches are at their pointers in the body.
//
// The counts per server (calls, frames, members compared, mismatches
// reported) are logged for README.md. In the generated package of
// losslessServer it also runs lossless_test.go.
func TestRecordings(t *testing.T) {
	root := gentest.SharedDir(t, "recordings")
	specDir := gentest.SharedDir(t, "specs")
	harness, err := os.ReadFile(filepath.Join("testdata", "conformance", "replay_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	lossless, err := os.ReadFile(filepath.Join("testdata", "conformance", "lossless_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	mod := gentest.NewModule(t)
	type prepared struct {
		name, dir, spec, out string
		api                  *generator.API
	}
	var runs []prepared
	for _, s := range recordedServers {
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
		if s.name == losslessServer {
			mod.AddFile(t, sub, "zz_lossless_test.go", lossless)
		}
		out := filepath.Join(t.TempDir(), sub+".json")
		cfg, _ := json.Marshal(map[string]string{"dir": dir, "out": out})
		mod.AddFile(t, filepath.Join(sub, "testdata"), "replay.json", cfg)
		runs = append(runs, prepared{s.name, dir, spec, out, api})
	}
	start := time.Now()
	out, err := mod.Go(nil, "test", "-count=1", "-v", "-run", "^(TestReplayRecordings|TestLossless)$", "./...")
	if err != nil {
		// Go on: the servers whose replay wrote its output are checked.
		t.Errorf("the tests in the generated packages failed:\n%s", out)
	}
	t.Logf("generated packages built and replayed in %v", time.Since(start).Round(time.Millisecond))
	// The lossless tests' verdicts, one line each.
	var verdicts []string
	for _, line := range strings.Split(out, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "--- ") && strings.Contains(l, "TestLossless") {
			verdicts = append(verdicts, l)
		}
	}
	if len(verdicts) == 0 {
		t.Errorf("TestLossless did not run in the package of %s:\n%s", losslessServer, out)
	}
	t.Logf("%s: lossless_test.go in the generated package:\n\t%s", losslessServer, strings.Join(verdicts, "\n\t"))
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			if _, err := os.Stat(r.out); err != nil {
				t.Fatalf("the replay wrote nothing: %v", err)
			}
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
	File        string           `json:"file"`
	Endpoint    string           `json:"endpoint"`
	Status      int              `json:"status"`
	Via         string           `json:"via"`
	Why         string           `json:"why"`
	Sent        string           `json:"sent"`
	TypedSent   string           `json:"typedSent"`
	Requests    int              `json:"requests"`
	Err         string           `json:"err"`
	ErrType     string           `json:"errType"`
	API         *replayAE        `json:"api"`
	Is          []string         `json:"is"`
	Common      []string         `json:"common"`
	GoType      string           `json:"goType"`
	Result      json.RawMessage  `json:"result"`
	Mismatches  []replayMismatch `json:"mismatches"`
	Strict      string           `json:"strict"`
	StrictPaths []string         `json:"strictPaths"`
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

// replayMismatch is a Mismatch the client reported.
type replayMismatch struct {
	Path  string          `json:"path"`
	Want  string          `json:"want"`
	Value json.RawMessage `json:"value"`
}

type replayFrame struct {
	File       string           `json:"file"`
	Line       int              `json:"line"`
	Frame      string           `json:"frame"`
	Channel    string           `json:"channel"`
	Event      string           `json:"event"`
	Delivered  bool             `json:"delivered"`
	Expected   bool             `json:"expected"`
	Kind       string           `json:"kind"`
	GotType    string           `json:"gotType"`
	GotChan    string           `json:"gotChannel"`
	BodyEqual  bool             `json:"bodyEqual"`
	RawEqual   bool             `json:"rawEqual"`
	Conn       bool             `json:"conn"`
	Err        string           `json:"err"`
	Body       json.RawMessage  `json:"body"`
	GoType     string           `json:"goType"`
	Value      json.RawMessage  `json:"value"`
	Mismatches []replayMismatch `json:"mismatches"`
	Problem    string           `json:"problem"`
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

// serverCounts are the figures of one server for README.md.
type serverCounts struct {
	calls, withBody, typed, raw int // 2xx calls replayed; with a body; through a typed method; through Client.Call
	frames, typedFrames         int // server frames delivered; with a typed Value
	http, stream                lossCount
	httpMismatches              int // values reported through WithMismatchHandler
	streamMismatches            int // values reported in StreamEvent.Mismatches
	strictFailed                int // 2xx calls that failed WithStrictDecoding (each had a mismatch)
}

func checkServer(t *testing.T, server, dir, specPath string, outPath string, api *generator.API) {
	var out replayOut
	readJSON(t, outPath, &out)
	var doc map[string]any
	readJSON(t, specPath, &doc)
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

	var n serverCounts
	recs := map[string]*recording{}
	calls := map[string]*replayCall{}
	var errsOK, errsTotal, callsOK int
	var raws, sentDiffs []string
	reportedAt := map[string]string{} // "file pointer" → want, for the mismatch table
	var reported []string             // every mismatch reported, for the log
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
			problems = append(problems, checkSuccess(rec, c, &n)...)
			for _, m := range c.Mismatches {
				reportedAt[c.File+" "+m.Path] = m.Want
				reported = append(reported, fmt.Sprintf("%s %s: %s does not fit %s", c.File, m.Path, shortRaw(m.Value), m.Want))
			}
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

	t.Run("schema-mismatches", func(t *testing.T) {
		checkMismatches(t, server, dir, recs, calls, reportedAt)
	})
	t.Run("observations", func(t *testing.T) {
		checkObservations(t, recs, calls)
	})
	for _, ck := range out.Checks {
		if !ck.OK {
			t.Errorf("check %q (%s) failed: %s", ck.Name, ck.File, ck.Detail)
		}
	}

	framesOK := 0
	byValue := map[string]int{}
	for i := range out.Frames {
		f := &out.Frames[i]
		switch {
		case f.GoType != "":
			byValue[strings.TrimPrefix(f.GoType, "*misskey.")]++
		case f.Frame == "channel":
			byValue["raw channel event"]++
		default:
			byValue[f.Frame]++
		}
		for _, m := range f.Mismatches {
			reported = append(reported, fmt.Sprintf("%s line %d (%s:%s) %s: %s does not fit %s", f.File, f.Line, f.Channel, f.Event, m.Path, shortRaw(m.Value), m.Want))
		}
		problems := checkFrame(doc, f, compGo, &n)
		if len(problems) == 0 {
			framesOK++
			continue
		}
		t.Errorf("%s line %d (%s %s:%s): %s", f.File, f.Line, f.Frame, f.Channel, f.Event, strings.Join(problems, "; "))
	}

	t.Logf("%s: calls passed %d/%d, errors passed %d/%d, stream frames passed %d/%d", server, callsOK, n.calls, errsOK, errsTotal, framesOK, len(out.Frames))
	if n.calls == 0 || errsTotal == 0 || len(out.Frames) == 0 {
		t.Errorf("%s: nothing replayed for some kind (calls %d, errors %d, frames %d)", server, n.calls, errsTotal, len(out.Frames))
	}
	t.Logf("%s: LOSSLESS HTTP: %d 2xx calls (%d with a body: %d typed, %d via Client.Call); %d members and %d values compared; lost %d, added %d, changed %d; date-times compared as instants %d; %d mismatches reported (WithMismatchHandler), %d calls failed WithStrictDecoding",
		server, n.calls, n.withBody, n.typed, n.raw, n.http.Members, n.http.Values, n.http.Lost, n.http.Added, n.http.Changed, n.http.Instants, n.httpMismatches, n.strictFailed)
	t.Logf("%s: LOSSLESS STREAM: %d server frames delivered, %d with a typed Value; %d members and %d values compared; lost %d, added %d, changed %d; date-times compared as instants %d; %d mismatches reported (StreamEvent.Mismatches)",
		server, n.frames, n.typedFrames, n.stream.Members, n.stream.Values, n.stream.Lost, n.stream.Added, n.stream.Changed, n.stream.Instants, n.streamMismatches)
	t.Logf("%s: %d values reported as mismatches (kept as sent, and re-encoded unchanged):\n\t%s", server, len(reported), strings.Join(reported, "\n\t"))
	t.Logf("%s: %d errors matched a documented per-endpoint error value with errors.Is", server, isMatched)
	var kinds []string
	for k, c := range byValue {
		kinds = append(kinds, fmt.Sprintf("%s×%d", k, c))
	}
	sort.Strings(kinds)
	t.Logf("%s: stream frames by delivered value: %s", server, strings.Join(kinds, ", "))
	t.Logf("%s: %d calls made with Client.Call instead of a typed method:\n\t%s", server, len(raws), strings.Join(raws, "\n\t"))
	if len(sentDiffs) > 0 {
		t.Logf("%s: %d typed calls could not send a recorded parameter (the fake server answered as recorded):\n\t%s", server, len(sentDiffs), strings.Join(sentDiffs, "\n\t"))
	}
}

// requestDeclares reports whether the request body schema of an endpoint
// declares a property (directly, through allOf, or in a oneOf/anyOf
// alternative).
func requestDeclares(doc map[string]any, endpoint, key string) bool {
	for _, ct := range []string{"application/json", "multipart/form-data"} {
		s, _ := dig(doc, "paths", "/"+endpoint, "post", "requestBody", "content", ct)["schema"].(map[string]any)
		if s != nil && schemaDeclares(doc, s, key, 0) {
			return true
		}
	}
	return false
}

func schemaDeclares(doc map[string]any, s map[string]any, key string, depth int) bool {
	if depth > 16 {
		return false
	}
	if ref, ok := s["$ref"].(string); ok {
		next := dig(doc, "components", "schemas", strings.TrimPrefix(ref, "#/components/schemas/"))
		return next != nil && schemaDeclares(doc, next, key, depth+1)
	}
	if ps, ok := s["properties"].(map[string]any); ok && ps[key] != nil {
		return true
	}
	for _, k := range []string{"allOf", "oneOf", "anyOf"} {
		list, _ := s[k].([]any)
		for _, part := range list {
			if m, ok := part.(map[string]any); ok && schemaDeclares(doc, m, key, depth+1) {
				return true
			}
		}
	}
	return false
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

// ---- successful calls ----

// checkSuccess checks a 2xx call: it succeeded, its result re-encodes to
// the recorded body (compareLossless), its reported mismatches are where it
// says, and strict decoding agrees with them.
func checkSuccess(rec *recording, c *replayCall, n *serverCounts) []string {
	n.calls++
	if c.Err != "" {
		return []string{"error: " + c.Err}
	}
	var problems []string
	if c.Requests != 1 {
		problems = append(problems, fmt.Sprintf("%d requests reached the server", c.Requests))
	}
	got := decodeAny(c.Result)
	if rec.Body != nil {
		n.withBody++
		if c.Via == "raw" {
			n.raw++
		} else {
			n.typed++
		}
		lc := compareLossless(rec.Body, got, "")
		n.http.add(lc)
		if !lc.lossless() {
			problems = append(problems, fmt.Sprintf("re-encoding (%s) is not what the server sent: lost %d, added %d, changed %d:\n\t\t%s", c.GoType, lc.Lost, lc.Added, lc.Changed, strings.Join(lc.Diffs, "\n\t\t")))
		}
	} else if len(c.Result) != 0 && string(c.Result) != "null" {
		problems = append(problems, "no body was sent, and the result re-encodes as "+string(c.Result))
	}
	n.httpMismatches += len(c.Mismatches)
	problems = append(problems, checkReported(rec.Body, c.Mismatches)...)
	if c.Via == "typed" {
		switch {
		case len(c.Mismatches) == 0 && c.Strict != "":
			problems = append(problems, "no mismatch was reported, but WithStrictDecoding: "+c.Strict)
		case len(c.Mismatches) > 0 && !strings.HasPrefix(c.Strict, "error: "):
			problems = append(problems, fmt.Sprintf("%d mismatches were reported, but WithStrictDecoding did not fail with a *DecodeError (%q)", len(c.Mismatches), c.Strict))
		case len(c.Mismatches) > 0 && (len(c.StrictPaths) == 0 || c.StrictPaths[0] != c.Mismatches[0].Path):
			problems = append(problems, fmt.Sprintf("WithStrictDecoding failed at %v, the first mismatch reported is at %q", c.StrictPaths, c.Mismatches[0].Path))
		case len(c.Mismatches) > 0:
			n.strictFailed++
		}
	}
	return problems
}

// shortRaw shortens a raw JSON value for a log line.
func shortRaw(b json.RawMessage) string {
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// checkReported checks that every reported mismatch names a value of the
// body by its JSON Pointer, and carries that value.
func checkReported(body any, ms []replayMismatch) []string {
	var problems []string
	for _, m := range ms {
		v, ok := atPointer(body, m.Path)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("mismatch reported at %q, which is not in the body", m.Path))
		case m.Want == "":
			problems = append(problems, fmt.Sprintf("mismatch at %q does not say what was wanted", m.Path))
		default:
			if lc := compareLossless(v, decodeAny(m.Value), m.Path); !lc.lossless() || lc.Instants > 0 {
				problems = append(problems, fmt.Sprintf("mismatch at %q carries %s, the body has %s there", m.Path, m.Value, short(v)))
			}
		}
	}
	return problems
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

// checkFrame checks one recorded server frame: delivered to the right
// connection with its body kept, of the expected kind and Go type, and, when
// it has a Value, that Value re-encoded is the body (compareLossless).
func checkFrame(doc map[string]any, f *replayFrame, compGo map[string]string, n *serverCounts) []string {
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
	n.frames++
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
	body := decodeAny(f.Body)
	if f.GoType != "" {
		n.typedFrames++
		lc := compareLossless(body, decodeAny(f.Value), "")
		n.stream.add(lc)
		if !lc.lossless() {
			problems = append(problems, fmt.Sprintf("Value (%s) re-encoded is not the body: lost %d, added %d, changed %d:\n\t\t%s", f.GoType, lc.Lost, lc.Added, lc.Changed, strings.Join(lc.Diffs, "\n\t\t")))
		}
	}
	n.streamMismatches += len(f.Mismatches)
	problems = append(problems, checkReported(body, f.Mismatches)...)
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
			// No entity type: the event reaches the application raw, or
			// typed by misskey-gen's own streaming types.
			return problems
		}
		goName := strings.TrimPrefix(f.GoType, "*misskey.")
		if f.Value == nil || compGo[goName] == "" || !contains(cands, compGo[goName]) {
			problems = append(problems, fmt.Sprintf("Value is %s, want one of %v", f.GoType, cands))
		}
	case "noteUpdated":
		if f.GotType != f.Event {
			problems = append(problems, fmt.Sprintf("type %s, want %s", f.GotType, f.Event))
		}
		if want := noteUpdateTypes[f.Event]; want != "" && f.GoType != want {
			problems = append(problems, fmt.Sprintf("Value is %s, want %s", f.GoType, want))
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

// checkMismatches takes every departure from the document that
// schema-mismatches.json lists (undeclared members included) and checks,
// at the path it names, that the re-encoded result has exactly what the
// server sent there: the departing value, or, for a required member the
// server left out, no member. It logs, per kind, how many departures there
// were and how many of them the client reported as a Mismatch (a value the
// Go type could not hold; the others fit the types after the fixups, or are
// members the type does not declare, which are kept in Extra without a
// report).
func checkMismatches(t *testing.T, server, dir string, recs map[string]*recording, calls map[string]*replayCall, reportedAt map[string]string) {
	var sm struct {
		PerFile map[string][]mismatchEntry `json:"perFile"`
	}
	readJSON(t, filepath.Join(dir, "schema-mismatches.json"), &sm)
	type tally struct{ n, reported int }
	byKind := map[string]*tally{}
	var files []string
	for f := range sm.PerFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, file := range files {
		file := "http/" + file
		rec, c := recs[file], calls[file]
		if rec == nil || c == nil {
			t.Errorf("%s: listed in schema-mismatches.json, not replayed", file)
			continue
		}
		got := decodeAny(c.Result)
		for _, e := range sm.PerFile[strings.TrimPrefix(file, "http/")] {
			k := byKind[e.Kind]
			if k == nil {
				k = &tally{}
				byKind[e.Kind] = k
			}
			k.n++
			path := e.Path
			if e.Kind == "required" {
				path += "." + e.Field
			}
			ptr, ok := dollarToPointer(path)
			if !ok {
				t.Errorf("%s: cannot read the path %q", file, path)
				continue
			}
			if _, reported := reportedAt[file+" "+ptr]; reported {
				k.reported++
			}
			r, rok := atPointer(rec.Body, ptr)
			g, gok := atPointer(got, ptr)
			switch {
			case c.Err != "":
				t.Errorf("%s: the call failed: %s", file, c.Err)
			case e.Kind == "required":
				if rok || gok {
					t.Errorf("%s %s %s.%s at %s: sent: %v, re-encoded: %v (want neither)", file, e.Kind, e.Comp, e.Field, ptr, rok, gok)
				}
			case !rok:
				t.Errorf("%s: %s is not in the recorded body", file, ptr)
			case !gok:
				t.Errorf("%s %s %s.%s: %s lost", file, e.Kind, e.Comp, e.Field, ptr)
			default:
				if lc := compareLossless(r, g, ptr); !lc.lossless() {
					t.Errorf("%s %s %s.%s: %s", file, e.Kind, e.Comp, e.Field, strings.Join(lc.Diffs, "; "))
				}
			}
		}
	}
	if len(byKind) == 0 {
		t.Fatalf("no departures read from %s/schema-mismatches.json", dir)
	}
	var kinds []string
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d (reported as a Mismatch at that pointer: %d)", k, byKind[k].n, byKind[k].reported))
	}
	t.Logf("%s: departures listed in schema-mismatches.json, each kept as sent: %s", server, strings.Join(parts, ", "))
}

// dollarToPointer turns a path like "$[0].user.policies.x" into a JSON
// Pointer ("/0/user/policies/x").
func dollarToPointer(path string) (string, bool) {
	p := strings.TrimPrefix(path, "$")
	var b strings.Builder
	for p != "" {
		switch p[0] {
		case '.':
			end := strings.IndexAny(p[1:], ".[")
			if end < 0 {
				end = len(p) - 1
			}
			b.WriteString("/" + escapePointer(p[1:end+1]))
			p = p[end+1:]
		case '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return "", false
			}
			b.WriteString("/" + p[1:end])
			p = p[end+1:]
		default:
			return "", false
		}
	}
	return b.String(), true
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

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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
			if c.Err != "" || len(got) != 1 || !jsonEqual(rec.Body, got) {
				t.Errorf("%s: err %q, result %s", file, c.Err, short(got))
				continue
			}
			t.Logf("%s: decoded as the list form (%s), one element, re-encoded as sent", file, c.GoType)
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
