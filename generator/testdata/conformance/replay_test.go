// This file is not compiled in place: generator/recordings_test.go copies it
// into a package generated from a real Misskey document (package misskey,
// in a temporary module), next to the call table of gentest.CallTable and
// the error table the test writes (endpointErrorValues).
//
// TestReplayRecordings replays the traffic recorded from one real server
// (../shared/recordings/<server>) through the generated client: every HTTP
// call from an in-process fake server that answers exactly as recorded, every
// streaming session from a fake WebSocket server. It checks what needs the
// Go values (that calls were made, which errors.Is values match) and writes
// what it saw to a JSON file: every result and every event Value re-encoded
// with json.Marshal, the mismatches the client reported (WithMismatchHandler,
// StreamEvent.Mismatches) and what the same call gave WithStrictDecoding.
// The outer test compares that with the recordings and the API document.

package misskey

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// replayNamedError is one error value an endpoint documents.
type replayNamedError struct {
	Name string
	Err  error
}

// replayCommonErrors are the runtime's shared sentinels.
var replayCommonErrors = []replayNamedError{
	{"ErrInvalidParam", ErrInvalidParam},
	{"ErrCredentialRequired", ErrCredentialRequired},
	{"ErrAuthenticationFailed", ErrAuthenticationFailed},
	{"ErrPermissionDenied", ErrPermissionDenied},
	{"ErrRolePermissionDenied", ErrRolePermissionDenied},
	{"ErrAccessDenied", ErrAccessDenied},
	{"ErrYourAccountSuspended", ErrYourAccountSuspended},
	{"ErrUnknownAPIEndpoint", ErrUnknownAPIEndpoint},
	{"ErrIAmAI", ErrIAmAI},
	{"ErrRateLimitExceeded", ErrRateLimitExceeded},
	{"ErrInternalError", ErrInternalError},
}

// replayConfig is written by the outer test into testdata/replay.json.
type replayConfig struct {
	Dir string `json:"dir"` // the server's recordings folder
	Out string `json:"out"` // where to write replayOut
}

type replayRecording struct {
	Server         string            `json:"server"`
	Endpoint       string            `json:"endpoint"`
	Request        json.RawMessage   `json:"request"`
	Status         int               `json:"status"`
	Headers        map[string]string `json:"headers"`
	Body           json.RawMessage   `json:"body"`
	Method         string            `json:"method"`
	Path           string            `json:"path"`
	ContentType    string            `json:"contentType"`
	RequestHeaders map[string]string `json:"requestHeaders"`
}

type replayOut struct {
	Calls  []replayCall  `json:"calls"`
	Frames []replayFrame `json:"frames"`
	Checks []replayCheck `json:"checks"`
}

// replayCall is what one recorded HTTP call gave.
type replayCall struct {
	File     string `json:"file"` // "http/notes__show--cw.json"
	Endpoint string `json:"endpoint"`
	Status   int    `json:"status"`
	// Via is "typed" (the generated method, through endpointCalls or, for
	// an upload without a file, DriveFilesCreate) or "raw" (Client.Call).
	Via string `json:"via"`
	// Why says why the call was made raw.
	Why string `json:"why,omitempty"`
	// Sent describes how the request the fake server received differs from
	// the recorded one ("" when it is the same).
	Sent string `json:"sent,omitempty"`
	// TypedSent is Sent for the typed attempt of an error that was then
	// replayed raw.
	TypedSent string `json:"typedSent,omitempty"`
	// Requests is how many requests reached the fake server.
	Requests int       `json:"requests"`
	Err      string    `json:"err,omitempty"`
	ErrType  string    `json:"errType,omitempty"`
	API      *replayAE `json:"api,omitempty"`
	// Is lists the documented error values of the endpoint, and Common the
	// runtime's sentinels, that errors.Is matches.
	Is     []string        `json:"is,omitempty"`
	Common []string        `json:"common,omitempty"`
	GoType string          `json:"goType,omitempty"`
	Result json.RawMessage `json:"result,omitempty"` // the result re-encoded
	// Mismatches are what WithMismatchHandler reported for the call.
	Mismatches []replayMismatch `json:"mismatches,omitempty"`
	// Strict is what the same typed call gave WithStrictDecoding (2xx
	// only): "" when it succeeded and its result re-encoded as Result,
	// else the error or the difference.
	Strict string `json:"strict,omitempty"`
	// StrictPaths are the JSON Pointers of the strict call's
	// *MismatchError.
	StrictPaths []string `json:"strictPaths,omitempty"`
}

// replayMismatch is one Mismatch the client reported.
type replayMismatch struct {
	Path  string          `json:"path"`
	Want  string          `json:"want"`
	Value json.RawMessage `json:"value"`
}

func replayMismatches(ms []Mismatch) []replayMismatch {
	var out []replayMismatch
	for _, m := range ms {
		out = append(out, replayMismatch{Path: m.Path, Want: m.Want, Value: append(json.RawMessage(nil), m.Value...)})
	}
	return out
}

type replayAE struct {
	StatusCode int             `json:"statusCode"`
	Endpoint   string          `json:"endpoint"`
	Code       string          `json:"code"`
	ID         string          `json:"id"`
	Message    string          `json:"message"`
	Kind       string          `json:"kind"`
	Info       json.RawMessage `json:"info,omitempty"`
	RetryAfter float64         `json:"retryAfter"` // seconds
	Body       string          `json:"body,omitempty"`
	Text       string          `json:"text"` // Error()
}

// replayFrame is what one recorded server frame gave.
type replayFrame struct {
	File      string          `json:"file"` // "streaming/main.jsonl"
	Line      int             `json:"line"`
	Frame     string          `json:"frame"` // "channel", "noteUpdated", "connected", "emojiAdded", ...
	Channel   string          `json:"channel,omitempty"`
	Event     string          `json:"event,omitempty"`
	Delivered bool            `json:"delivered"`
	Expected  bool            `json:"expected"` // false: a frame the client must drop
	Kind      string          `json:"kind,omitempty"`
	GotType   string          `json:"gotType,omitempty"`
	GotChan   string          `json:"gotChannel,omitempty"`
	BodyEqual bool            `json:"bodyEqual"`
	RawEqual  bool            `json:"rawEqual"`
	Conn      bool            `json:"conn"` // the event names the right connection
	Err       string          `json:"err,omitempty"`
	Body      json.RawMessage `json:"body,omitempty"` // the event's Body
	GoType    string          `json:"goType,omitempty"`
	Value     json.RawMessage `json:"value,omitempty"` // json.Marshal(ev.Value)
	// Mismatches are the event's StreamEvent.Mismatches.
	Mismatches []replayMismatch `json:"mismatches,omitempty"`
	Problem    string           `json:"problem,omitempty"`
}

// replayCheck is a named check of a Go value.
type replayCheck struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

func TestReplayRecordings(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "replay.json"))
	if err != nil {
		t.Skipf("no testdata/replay.json: this test is run by generator/recordings_test.go (%v)", err)
	}
	var cfg replayConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	var out replayOut
	out.Calls = replayHTTP(t, cfg.Dir, &out)
	out.Frames = replayStreams(t, cfg.Dir, &out)
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg.Out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ---- HTTP ----

// replayServer answers every request with the current recording.
type replayServer struct {
	mu  sync.Mutex
	rec *replayRecording
	got []replayReceived
	srv *httptest.Server
}

// replayReceived is a request as the fake server saw it.
type replayReceived struct {
	Method, Path, ContentType, Authorization string
	JSON                                     any               // the body as JSON, when it was JSON
	Form                                     map[string]string // multipart fields
	Files                                    map[string]int    // multipart files: field → size
	Body                                     []byte
}

func (s *replayServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	got := replayReceived{Method: r.Method, Path: r.URL.RequestURI(), ContentType: r.Header.Get("Content-Type"), Authorization: r.Header.Get("Authorization"), Body: body}
	if mt, params, err := mime.ParseMediaType(got.ContentType); err == nil && mt == "multipart/form-data" {
		got.Form, got.Files = map[string]string{}, map[string]int{}
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			if p.FileName() != "" {
				got.Files[p.FormName()] = len(b)
			} else {
				got.Form[p.FormName()] = string(b)
			}
		}
	} else if len(body) > 0 {
		var v any
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if d.Decode(&v) == nil {
			got.JSON = v
		}
	}
	s.mu.Lock()
	rec := s.rec
	s.got = append(s.got, got)
	s.mu.Unlock()
	if rec == nil {
		http.Error(w, "no recording", http.StatusTeapot)
		return
	}
	h := w.Header()
	for k, v := range rec.Headers {
		h.Set(k, v)
	}
	var out []byte
	if b := bytes.TrimSpace(rec.Body); len(b) > 0 && string(b) != "null" {
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			panic(err)
		}
		out = buf.Bytes()
		if h.Get("Content-Type") == "" {
			h["Content-Type"] = nil // no sniffing: send what was recorded
		}
		h.Set("Content-Length", strconv.Itoa(len(out)))
	}
	w.WriteHeader(rec.Status)
	if out != nil {
		_, _ = w.Write(out)
	}
}

func (s *replayServer) start(rec *replayRecording) {
	s.mu.Lock()
	s.rec, s.got = rec, nil
	s.mu.Unlock()
}

func (s *replayServer) received() []replayReceived {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got
}

func replayReadRecordings(t *testing.T, dir string) (files []string, recs []*replayRecording) {
	for _, sub := range []string{"http", "errors"} {
		names, err := filepath.Glob(filepath.Join(dir, sub, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(names)
		for _, n := range names {
			data, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			rec := new(replayRecording)
			d := json.NewDecoder(bytes.NewReader(data))
			d.UseNumber()
			if err := d.Decode(rec); err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			files = append(files, sub+"/"+filepath.Base(n))
			recs = append(recs, rec)
		}
	}
	return files, recs
}

func replayHTTP(t *testing.T, dir string, out *replayOut) []replayCall {
	files, recs := replayReadRecordings(t, dir)
	if len(recs) == 0 {
		t.Fatalf("no recordings under %s", dir)
	}
	fake := &replayServer{}
	fake.srv = httptest.NewServer(fake)
	defer fake.srv.Close()
	var calls []replayCall
	for i, rec := range recs {
		c, _ := replayOne(fake, files[i], rec)
		calls = append(calls, c)
	}
	replayNamedErrorChecks(fake, files, recs, out)
	return calls
}

// replayClient returns a client that sends the credentials the recorded
// call sent: the "i" of the body, or an Authorization: Bearer header.
func replayClient(base string, rec *replayRecording, obj map[string]json.RawMessage, opts ...Option) *Client {
	if auth := rec.RequestHeaders["Authorization"]; strings.HasPrefix(auth, "Bearer ") {
		opts = append(opts, WithToken(strings.TrimPrefix(auth, "Bearer ")), WithBearerAuth())
	} else if raw, ok := obj["i"]; ok {
		var tok string
		if json.Unmarshal(raw, &tok) == nil {
			opts = append(opts, WithToken(tok))
		}
	}
	return NewClient(base, opts...)
}

// replayExpand turns the descriptions of large recorded values back into
// values: "<1 MiB + 100 bytes of "x">" is 1 MiB and 100 bytes of x.
var replayLarge = regexp.MustCompile(`^<(\d+) MiB \+ (\d+) bytes of "(.)">$`)

func replayExpand(obj map[string]json.RawMessage) (expanded bool) {
	for k, v := range obj {
		var s string
		if json.Unmarshal(v, &s) != nil {
			continue
		}
		if m := replayLarge.FindStringSubmatch(s); m != nil {
			mib, _ := strconv.Atoi(m[1])
			extra, _ := strconv.Atoi(m[2])
			b, _ := json.Marshal(strings.Repeat(m[3], mib<<20+extra))
			obj[k], expanded = b, true
		}
	}
	return expanded
}

func replayOne(fake *replayServer, file string, rec *replayRecording) (replayCall, error) {
	res := replayCall{File: file, Endpoint: rec.Endpoint, Status: rec.Status}
	var obj map[string]json.RawMessage
	isObject := json.Unmarshal(rec.Request, &obj) == nil && obj != nil
	request := rec.Request
	if isObject && replayExpand(obj) {
		request, _ = json.Marshal(obj)
	}
	multipartCall := rec.ContentType == "multipart/form-data"
	call, typed := endpointCalls[rec.Endpoint]
	switch {
	case rec.Method != "" && rec.Method != http.MethodPost:
		res.Why = "recorded with method " + rec.Method + ", which the typed methods do not use"
	case rec.Path != "":
		res.Why = "recorded at path " + rec.Path + " instead of /api/" + rec.Endpoint
	case !typed:
		res.Why = "not an endpoint of the document"
	case !isObject:
		res.Why = "the recorded request is not a JSON object: " + string(rec.Request)
	case rec.ContentType != "" && !multipartCall:
		res.Why = "sent as " + rec.ContentType
	}
	var mismatches []Mismatch
	client := replayClient(fake.srv.URL, rec, obj, WithMismatchHandler(func(endpoint string, ms []Mismatch) {
		if endpoint != rec.Endpoint {
			panic("mismatches reported for " + endpoint + " during a call of " + rec.Endpoint)
		}
		mismatches = append(mismatches, ms...)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var result any
	var err error
	if res.Why == "" {
		res.Via = "typed"
		fake.start(rec)
		result, err = replayTyped(ctx, client, call, request, obj, multipartCall)
		got := fake.received()
		res.Requests = len(got)
		res.Sent = replayCompareSent(rec, obj, got, client)
		if len(got) == 0 && err != nil {
			res.Why = "the typed method did not send the recorded request: " + err.Error()
		} else if rec.Status >= 300 && res.Sent != "" {
			res.Why = "the typed method cannot send the recorded request (" + res.Sent + ")"
		}
		if res.Why != "" {
			res.TypedSent, res.Sent = res.Sent, ""
		}
	}
	if res.Why != "" {
		// Raw: Client.Call with the recorded body when it is a JSON object
		// (without "i", which the client adds), else an empty object: the
		// fake server answers as recorded either way, so what is tested is
		// the runtime's handling of the answer.
		res.Via = "raw"
		req := json.RawMessage("{}")
		if isObject {
			delete(obj, "i")
			req, _ = json.Marshal(obj)
		}
		fake.start(rec)
		var raw json.RawMessage
		err = client.Call(ctx, rec.Endpoint, req, &raw)
		res.Requests = len(fake.received())
		if err == nil {
			result = raw
		}
	}
	fake.start(nil)

	if err != nil {
		res.Err = err.Error()
		res.ErrType = fmt.Sprintf("%T", err)
		var ae *APIError
		if errors.As(err, &ae) {
			res.API = &replayAE{
				StatusCode: ae.StatusCode, Endpoint: ae.Endpoint, Code: ae.Code, ID: ae.ID,
				Message: ae.Message, Kind: ae.Kind, Info: ae.Info,
				RetryAfter: ae.RetryAfter.Seconds(), Body: string(ae.Body), Text: ae.Error(),
			}
		}
		for _, ne := range endpointErrorValues[rec.Endpoint] {
			if errors.Is(err, ne.Err) {
				res.Is = append(res.Is, ne.Name)
			}
		}
		for _, ne := range replayCommonErrors {
			if errors.Is(err, ne.Err) {
				res.Common = append(res.Common, ne.Name)
			}
		}
		return res, err
	}
	res.GoType = fmt.Sprintf("%T", result)
	if result != nil {
		b, merr := json.Marshal(result)
		if merr != nil {
			res.Err = "re-encoding the result: " + merr.Error()
			return res, nil
		}
		res.Result = b
	}
	res.Mismatches = replayMismatches(mismatches)
	if res.Via == "typed" && rec.Status < 300 {
		res.Strict, res.StrictPaths = replayStrict(ctx, fake, rec, obj, call, request, multipartCall, res.Result)
	}
	return res, nil
}

// replayStrict makes the typed call again WithStrictDecoding and says how
// it differs from the lenient one: "" when it succeeded with the same
// re-encoded result, else the error (and the JSON Pointers of its
// *MismatchError).
func replayStrict(ctx context.Context, fake *replayServer, rec *replayRecording, obj map[string]json.RawMessage, call func(context.Context, *Client, []byte) (any, error), request json.RawMessage, multipartCall bool, lenient json.RawMessage) (string, []string) {
	client := replayClient(fake.srv.URL, rec, obj, WithStrictDecoding(), WithMismatchHandler(func(string, []Mismatch) {
		panic("a strict client reported mismatches to its handler")
	}))
	fake.start(rec)
	defer fake.start(nil)
	result, err := replayTyped(ctx, client, call, request, obj, multipartCall)
	if err != nil {
		var paths []string
		var me *MismatchError
		if errors.As(err, &me) {
			for _, m := range me.Mismatches {
				paths = append(paths, m.Path)
			}
		}
		var de *DecodeError
		if !errors.As(err, &de) {
			return "not a *DecodeError: " + err.Error(), paths
		}
		return "error: " + err.Error(), paths
	}
	var b json.RawMessage
	if result != nil {
		var merr error
		if b, merr = json.Marshal(result); merr != nil {
			return "re-encoding the strict result: " + merr.Error(), nil
		}
	}
	if !bytes.Equal(b, lenient) {
		return "the strict result re-encodes differently from the lenient one", nil
	}
	return "", nil
}

// replayTyped calls the generated method of the endpoint with the recorded
// request.
func replayTyped(ctx context.Context, c *Client, call func(context.Context, *Client, []byte) (any, error), request json.RawMessage, obj map[string]json.RawMessage, multipartCall bool) (any, error) {
	if !multipartCall {
		return call(ctx, c, request)
	}
	// Form fields were recorded as text: give them their JSON types back
	// ("true" is a boolean) so that they decode into the request struct.
	fields := map[string]json.RawMessage{}
	for k, v := range obj {
		var s string
		if k == "file" || json.Unmarshal(v, &s) != nil {
			continue
		}
		if json.Valid([]byte(s)) && s != "" && (s == "true" || s == "false" || s == "null" || s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) {
			fields[k] = json.RawMessage(s)
		} else {
			fields[k] = v
		}
	}
	req, _ := json.Marshal(fields)
	if _, withFile := obj["file"]; withFile {
		return call(ctx, c, req)
	}
	// The upload without a file part: the typed method leaves the part out
	// when File is nil.
	var r DriveFilesCreateRequest
	if err := json.Unmarshal(req, &r); err != nil {
		return nil, err
	}
	return c.DriveFilesCreate(ctx, &r)
}

// replayCompareSent describes how the requests the fake server received
// differ from the recorded one.
func replayCompareSent(rec *replayRecording, obj map[string]json.RawMessage, got []replayReceived, c *Client) string {
	if len(got) != 1 {
		return fmt.Sprintf("%d requests reached the server", len(got))
	}
	g := got[0]
	var diffs []string
	if g.Method != http.MethodPost || g.Path != "/api/"+rec.Endpoint {
		diffs = append(diffs, "sent "+g.Method+" "+g.Path)
	}
	if auth := rec.RequestHeaders["Authorization"]; auth != g.Authorization {
		diffs = append(diffs, fmt.Sprintf("Authorization %q, recorded %q", g.Authorization, auth))
	}
	if rec.ContentType == "multipart/form-data" {
		want := map[string]string{}
		for k, v := range obj {
			var s string
			if json.Unmarshal(v, &s) == nil && k != "file" {
				want[k] = s
			}
		}
		if !reflect.DeepEqual(want, g.Form) {
			diffs = append(diffs, fmt.Sprintf("form %v, recorded %v", g.Form, want))
		}
		_, wantFile := obj["file"]
		if _, gotFile := g.Files["file"]; gotFile != wantFile {
			diffs = append(diffs, fmt.Sprintf("file part sent: %v, recorded: %v", gotFile, wantFile))
		}
		return strings.Join(diffs, "; ")
	}
	want := map[string]any{}
	for k, v := range obj {
		var x any
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		_ = d.Decode(&x)
		want[k] = x
	}
	if g.JSON == nil {
		diffs = append(diffs, "body is not JSON")
	} else if d := replayDiff("", want, g.JSON); d != "" {
		diffs = append(diffs, d)
	}
	return strings.Join(diffs, "; ")
}

// replayDiff describes the first difference between two decoded JSON values
// (numbers as json.Number).
func replayDiff(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: sent %s, recorded an object", replayPath(path), replayShort(got))
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		var ks []string
		for k := range keys {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			wv, wok := w[k]
			gv, gok := g[k]
			switch {
			case !gok:
				return fmt.Sprintf("%s.%s: not sent (recorded %s)", replayPath(path), k, replayShort(wv))
			case !wok:
				return fmt.Sprintf("%s.%s: sent %s, not recorded", replayPath(path), k, replayShort(gv))
			}
			if d := replayDiff(path+"."+k, wv, gv); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: sent %s, recorded %s", replayPath(path), replayShort(got), replayShort(want))
		}
		for i := range w {
			if d := replayDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
		return ""
	case json.Number:
		if g, ok := got.(json.Number); ok {
			wf, _ := strconv.ParseFloat(string(w), 64)
			gf, _ := strconv.ParseFloat(string(g), 64)
			if wf == gf {
				return ""
			}
		}
	default:
		if reflect.DeepEqual(want, got) {
			return ""
		}
	}
	return fmt.Sprintf("%s: sent %s, recorded %s", replayPath(path), replayShort(got), replayShort(want))
}

func replayPath(p string) string { return "$" + p }

func replayShort(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// replayNamedErrorChecks checks, by name, that a few error values the
// generated package declares exist and match the recorded errors.
func replayNamedErrorChecks(fake *replayServer, files []string, recs []*replayRecording, out *replayOut) {
	named := []struct {
		file string
		want error
		name string
	}{
		{"errors/notes__show--no-such-note.json", ErrNotesShowNoSuchNote, "ErrNotesShowNoSuchNote"},
		{"errors/roles__show--no-such-role.json", ErrRolesShowNoSuchRole, "ErrRolesShowNoSuchRole"},
		{"errors/users__lists__push--already-added.json", ErrUsersListsPushAlreadyAdded, "ErrUsersListsPushAlreadyAdded"},
		{"errors/pages__show--no-such-page.json", ErrPagesShowNoSuchPage, "ErrPagesShowNoSuchPage"},
		{"errors/users__lists__show--no-such-list.json", ErrUsersListsShowNoSuchList, "ErrUsersListsShowNoSuchList"},
		{"errors/notes__timeline--credential-required.json", ErrCredentialRequired, "ErrCredentialRequired"},
		{"errors/i__export-user-lists--rate-limit-exceeded.json", ErrRateLimitExceeded, "ErrRateLimitExceeded"},
	}
	for _, n := range named {
		check := replayCheck{Name: "errors.Is " + n.name, File: n.file}
		var rec *replayRecording
		for j, f := range files {
			if f == n.file {
				rec = recs[j]
			}
		}
		if rec == nil {
			check.Detail = "recording not found"
			out.Checks = append(out.Checks, check)
			continue
		}
		c, err := replayOne(fake, n.file, rec)
		check.OK = err != nil && errors.Is(err, n.want) && c.Via == "typed"
		check.Detail = fmt.Sprintf("via %s: %v", c.Via, err)
		out.Checks = append(out.Checks, check)
	}
}

// ---- streaming ----

type replayLine struct {
	Dir   string          `json:"dir"`
	T     int64           `json:"t"`
	Frame json.RawMessage `json:"frame"`
}

type replayWS struct {
	conns chan *websocket.Conn
	srv   *httptest.Server
}

func replayStreams(t *testing.T, dir string, out *replayOut) []replayFrame {
	names, err := filepath.Glob(filepath.Join(dir, "streaming", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	ws := &replayWS{conns: make(chan *websocket.Conn, 1)}
	ws.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/streaming" {
			http.NotFound(w, r)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		c.SetReadLimit(16 << 20)
		ws.conns <- c
		<-r.Context().Done()
	}))
	defer ws.srv.Close()
	var frames []replayFrame
	for _, n := range names {
		frames = append(frames, replaySession(t, ws, "streaming/"+filepath.Base(n), replayReadLines(t, n), out)...)
	}
	return frames
}

func replayReadLines(t *testing.T, path string) []replayLine {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []replayLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l replayLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

type replayEnvelope struct {
	Type string          `json:"type"`
	Body json.RawMessage `json:"body"`
}

type replayInner struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Channel string          `json:"channel"`
	Params  json.RawMessage `json:"params"`
	Body    json.RawMessage `json:"body"`
}

// replayConnect opens the connection the recorded client opened, through the
// typed helper of its channel.
func replayConnect(s *Stream, channel string, params json.RawMessage) (*Connection, error) {
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	var ids struct {
		RoleID    string `json:"roleId"`
		AntennaID string `json:"antennaId"`
		ChannelID string `json:"channelId"`
		OtherID   string `json:"otherId"`
		RoomID    string `json:"roomId"`
	}
	if err := json.Unmarshal(params, &ids); err != nil {
		return nil, err
	}
	dec := func(v any) error { return json.Unmarshal(params, v) }
	switch channel {
	case "main":
		return s.Main()
	case "homeTimeline":
		var p HomeTimelineParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return s.HomeTimeline(p)
	case "localTimeline":
		var p LocalTimelineParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return s.LocalTimeline(p)
	case "hybridTimeline":
		var p HybridTimelineParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return s.HybridTimeline(p)
	case "globalTimeline":
		var p GlobalTimelineParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return s.GlobalTimeline(p)
	case "userList":
		var p UserListParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return s.UserList(p)
	case "hashtag":
		var p HashtagParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return s.Hashtag(p)
	case "roleTimeline":
		return s.RoleTimeline(ids.RoleID)
	case "antenna":
		return s.Antenna(ids.AntennaID)
	case "channel":
		return s.ChannelTimeline(ids.ChannelID)
	case "drive":
		return s.Drive()
	case "admin":
		return s.Admin()
	case "serverStats":
		c, err := s.ServerStats()
		if err != nil {
			return nil, err
		}
		return c.Connection, nil
	case "queueStats":
		c, err := s.QueueStats()
		if err != nil {
			return nil, err
		}
		return c.Connection, nil
	case "chatUser":
		c, err := s.ChatUser(ids.OtherID)
		if err != nil {
			return nil, err
		}
		return c.Connection, nil
	case "chatRoom":
		c, err := s.ChatRoom(ids.RoomID)
		if err != nil {
			return nil, err
		}
		return c.Connection, nil
	}
	return nil, fmt.Errorf("no typed helper for channel %q", channel)
}

// replayReadClient reads the next frame the client sent, skipping the "h"
// keep-alive.
func replayReadClient(ctx context.Context, c *websocket.Conn) (replayEnvelope, []byte, error) {
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return replayEnvelope{}, nil, err
		}
		if string(data) == "h" {
			continue
		}
		var env replayEnvelope
		err = json.Unmarshal(data, &env)
		return env, data, err
	}
}

// replaySession plays one recorded session: the client does what the
// recorded client did (through the typed API), the fake server checks each
// client frame and answers with the recorded server frames, connection ids
// rewritten to those the client chose.
func replaySession(t *testing.T, ws *replayWS, file string, lines []replayLine, out *replayOut) []replayFrame {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var frames []replayFrame
	fail := func(line int, format string, args ...any) {
		frames = append(frames, replayFrame{File: file, Line: line, Problem: fmt.Sprintf(format, args...)})
	}
	client := NewClient(ws.srv.URL, WithToken("<TOKEN>"))
	s, err := client.Stream(ctx, WithoutReconnect(), WithHeartbeat(0))
	if err != nil {
		fail(0, "Stream: %v", err)
		return frames
	}
	defer s.Close()
	var sc *websocket.Conn
	select {
	case sc = <-ws.conns:
	case <-ctx.Done():
		fail(0, "the client did not connect")
		return frames
	}
	defer sc.Close(websocket.StatusNormalClosure, "")

	conns := map[string]*Connection{} // recorded id → connection
	closed := map[string]bool{}
	for i, l := range lines {
		line := i + 1
		var env replayEnvelope
		if err := json.Unmarshal(l.Frame, &env); err != nil {
			fail(line, "recorded frame: %v", err)
			continue
		}
		var in replayInner
		_ = json.Unmarshal(env.Body, &in)

		if l.Dir == "out" {
			// What the recorded client did, through the typed API.
			var want string // type and id of the frame the client must send
			switch env.Type {
			case "connect":
				c, err := replayConnect(s, in.Channel, in.Params)
				if err != nil {
					fail(line, "connect %s: %v", in.Channel, err)
					return frames
				}
				conns[in.ID] = c
				want = "connect " + c.ID()
			case "disconnect":
				c := conns[in.ID]
				if c == nil {
					fail(line, "disconnect of unknown connection %q", in.ID)
					return frames
				}
				c.Close()
				closed[in.ID] = true
				want = "disconnect " + c.ID()
			case "subNote", "s", "sr":
				if err := s.SubNote(in.ID); err != nil {
					fail(line, "SubNote: %v", err)
				}
				want = "subNote " + in.ID
			case "unsubNote", "un":
				if err := s.UnsubNote(in.ID); err != nil {
					fail(line, "UnsubNote: %v", err)
				}
				want = "unsubNote " + in.ID
			case "ch", "channel":
				c := conns[in.ID]
				if c == nil {
					fail(line, "message to unknown connection %q", in.ID)
					return frames
				}
				var msg any
				_ = json.Unmarshal(in.Body, &msg)
				if err := c.Send(in.Type, msg); err != nil {
					fail(line, "Send: %v", err)
				}
				want = "ch " + c.ID()
			default:
				fail(line, "recorded client frame %q not replayed", env.Type)
				continue
			}
			genv, raw, err := replayReadClient(ctx, sc)
			if err != nil {
				fail(line, "reading the client's frame: %v", err)
				return frames
			}
			var gin replayInner
			_ = json.Unmarshal(genv.Body, &gin)
			if got := genv.Type + " " + gin.ID; got != want {
				fail(line, "client sent %s, want %s", raw, want)
			}
			if env.Type == "connect" && (gin.Channel != in.Channel || !replayJSONEqual(gin.Params, in.Params)) {
				fail(line, "client sent %s, recorded %s", raw, l.Frame)
			}
			if env.Type == "ch" && (gin.Type != in.Type || !replayJSONEqual(gin.Body, in.Body)) {
				fail(line, "client sent %s, recorded %s", raw, l.Frame)
			}
			continue
		}

		// A server frame: rewrite the connection id, send, receive.
		fr := replayFrame{File: file, Line: line, Frame: env.Type, Expected: true}
		send := l.Frame
		var c *Connection
		if env.Type == "channel" || env.Type == "connected" {
			c = conns[in.ID]
			if c == nil {
				fail(line, "frame for unknown connection %q", in.ID)
				continue
			}
			fr.Channel, fr.Event = c.Channel(), in.Type
			fr.Expected = !closed[in.ID]
			var m map[string]json.RawMessage
			_ = json.Unmarshal(env.Body, &m)
			m["id"] = replayVerbatim(c.ID())
			send = replayVerbatim(map[string]json.RawMessage{"type": replayVerbatim(env.Type), "body": replayVerbatim(m)})
		} else if env.Type == "noteUpdated" {
			fr.Event = in.Type
		}
		wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
		err := sc.Write(wctx, websocket.MessageText, send)
		wcancel()
		if err != nil {
			fail(line, "writing the frame: %v", err)
			return frames
		}
		if !fr.Expected {
			frames = append(frames, fr)
			continue
		}
		var ev StreamEvent
		select {
		case ev = <-s.Events():
		case <-time.After(10 * time.Second):
			fr.Problem = "no event within 10s"
			frames = append(frames, fr)
			continue
		}
		fr.Delivered = true
		fr.Kind = ev.Kind.String()
		fr.GotType, fr.GotChan = string(ev.Type), ev.Channel
		fr.RawEqual = bytes.Equal(ev.Raw, send)
		fr.Body = ev.Body
		if ev.Err != nil {
			fr.Err = ev.Err.Error()
		}
		switch env.Type {
		case "channel", "connected":
			fr.Conn = ev.Connection == c && ev.ConnectionID == c.ID()
			fr.BodyEqual = env.Type == "connected" || bytes.Equal(ev.Body, in.Body)
		case "noteUpdated":
			fr.Conn = ev.NoteID == in.ID
			fr.BodyEqual = bytes.Equal(ev.Body, in.Body)
		default:
			fr.Conn = ev.Connection == nil
			fr.BodyEqual = bytes.Equal(ev.Body, env.Body)
		}
		if ev.Value != nil {
			fr.GoType = fmt.Sprintf("%T", ev.Value)
			b, err := json.Marshal(ev.Value)
			if err != nil {
				fr.Problem = "re-encoding the value: " + err.Error()
			}
			fr.Value = b
		}
		fr.Mismatches = replayMismatches(ev.Mismatches)
		frames = append(frames, fr)
	}
	// A frame type the client does not know reaches the application raw:
	// the last broadcast or channel frame of the session, renamed.
	unknown := replayCheck{Name: "unknown frame type delivered raw", File: file}
	body := json.RawMessage(`{"note":"not a recorded frame"}`)
	send := replayVerbatim(map[string]json.RawMessage{"type": replayVerbatim("misskeyGenUnknownFrame"), "body": body})
	if err := sc.Write(ctx, websocket.MessageText, send); err != nil {
		unknown.Detail = err.Error()
	} else {
		select {
		case ev := <-s.Events():
			unknown.OK = ev.Kind == EventUnknown && ev.Type == "misskeyGenUnknownFrame" && bytes.Equal(ev.Body, body) && ev.Err == nil && ev.Value == nil
			unknown.Detail = fmt.Sprintf("kind %v, type %q, body %s, err %v", ev.Kind, ev.Type, ev.Body, ev.Err)
		case <-time.After(10 * time.Second):
			unknown.Detail = "not delivered"
		}
	}
	out.Checks = append(out.Checks, unknown)
	// Nothing else may arrive.
	select {
	case ev := <-s.Events():
		fail(len(lines), "unexpected event %v %s %s", ev.Kind, ev.Type, ev.Raw)
	case <-time.After(5 * time.Millisecond):
	}
	return frames
}

func replayJSONEqual(a, b json.RawMessage) bool {
	var x, y any
	if len(a) == 0 {
		a = json.RawMessage("{}")
	}
	if len(b) == 0 {
		b = json.RawMessage("{}")
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// replayVerbatim encodes v without escaping <, > and &, so that recorded
// bodies keep their bytes.
func replayVerbatim(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
