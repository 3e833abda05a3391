package misskeytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// testCtx is a context that ends with the test, within 10 s.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// post sends a raw call and returns the status, headers and body.
func post(t *testing.T, url, contentType, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// jsonEq compares two JSON documents by meaning.
func jsonEq(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v: %s", err, want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("got  %s\nwant %s", gb, wb)
	}
}

// TestErrorBodies checks the answers of the checks every call goes
// through, byte for byte against the bodies real servers sent
// (../shared/recordings).
func TestErrorBodies(t *testing.T) {
	srv := NewServer(t)
	alice := srv.AddUser("alice")
	api := srv.URL + "/api/"

	status, _, body := post(t, api+"notes/timeline", "application/json", `{}`)
	if status != 401 {
		t.Errorf("no token: status %d", status)
	}
	jsonEq(t, body, `{"error":{"message":"Credential required.","code":"CREDENTIAL_REQUIRED","id":"1384574d-a912-4b81-8601-c7b1c4085df1","kind":"client"}}`)

	for _, tc := range []struct{ body, auth string }{{`{"i":"invalidtoken1234"}`, ""}, {`{}`, "Bearer invalidtoken1234"}} {
		var h []string
		if tc.auth != "" {
			h = []string{"Authorization", tc.auth}
		}
		status, _, body = post(t, api+"i", "application/json", tc.body, h...)
		if status != 401 {
			t.Errorf("bad token: status %d", status)
		}
		jsonEq(t, body, `{"error":{"message":"Authentication failed. Please ensure your token is correct.","code":"AUTHENTICATION_FAILED","id":"b0a7f5f8-dc2f-4171-b91f-de88ad238e14","kind":"client"}}`)
	}
	// A bad token fails even where no credential is needed.
	if status, _, _ = post(t, api+"notes/show", "application/json", `{"i":"nope","noteId":"x"}`); status != 401 {
		t.Errorf("bad token on a public endpoint: status %d", status)
	}

	status, _, body = post(t, api+"notes/show", "application/json", `{"i":"`+alice.Token+`","noteId":123}`)
	if status != 400 {
		t.Errorf("invalid param: status %d", status)
	}
	jsonEq(t, body, `{"error":{"message":"Invalid param.","code":"INVALID_PARAM","id":"3d81ceae-475f-4600-b2a8-2bc116157532","kind":"client","info":{"param":"#/properties/noteId/type","reason":"must be string"}}}`)

	status, _, body = post(t, api+"no-such-endpoint", "application/json", `{}`)
	if status != 404 {
		t.Errorf("unknown endpoint: status %d", status)
	}
	jsonEq(t, body, `{"message":"Route POST:/api/no-such-endpoint not found","error":"Not Found","statusCode":404}`)

	status, _, body = post(t, api+"i", "application/json", `{"i": "`)
	if status != 400 || !strings.Contains(body, "FST_ERR_CTP_INVALID_JSON_BODY") {
		t.Errorf("malformed JSON: %d %s", status, body)
	}
	status, _, body = post(t, api+"i", "application/json", ``)
	if status != 400 || !strings.Contains(body, "FST_ERR_CTP_EMPTY_JSON_BODY") {
		t.Errorf("empty body: %d %s", status, body)
	}
	status, _, body = post(t, api+"i", "application/xml", `<x/>`)
	if status != 415 || !strings.Contains(body, "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
		t.Errorf("wrong content type: %d %s", status, body)
	}
	status, _, body = post(t, api+"notes/create", "application/json", `{"text":"`+strings.Repeat("x", maxBody)+`"}`)
	if status != 413 || !strings.Contains(body, "FST_ERR_CTP_BODY_TOO_LARGE") {
		t.Errorf("large body: %d %.200s", status, body)
	}
	if status, _, body = post(t, api+"i", "application/json", `{"i":5}`); status != 400 || body != "" {
		t.Errorf("token not a string: %d %q", status, body)
	}
	resp, err := http.Get(api + "i")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET: status %d", resp.StatusCode)
	}
}

// TestClientErrors checks that the generated client's error values match
// what the server answers.
func TestClientErrors(t *testing.T) {
	srv := NewServer(t)
	ctx := testCtx(t)
	anon := misskey.NewClient(srv.URL)
	if err := anon.Call(ctx, "i", nil, nil); !errors.Is(err, misskey.ErrCredentialRequired) {
		t.Errorf("no token: %v", err)
	}
	bad := misskey.NewClient(srv.URL, misskey.WithToken("nope"))
	if err := bad.Call(ctx, "i", nil, nil); !errors.Is(err, misskey.ErrAuthenticationFailed) {
		t.Errorf("bad token: %v", err)
	}
	alice := srv.Client(srv.AddUser("alice"))
	err := alice.Call(ctx, "notes/create", map[string]any{"text": "x", "visibility": "bogus"}, nil)
	var apiErr *misskey.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, misskey.ErrInvalidParam) {
		t.Fatalf("invalid param: %v", err)
	}
	jsonEq(t, string(apiErr.Info), `{"param":"#/properties/visibility/enum","reason":"must be equal to one of the allowed values"}`)
	if err := alice.Call(ctx, "notes/create", map[string]any{}, nil); err == nil || !strings.Contains(string(err.(*misskey.APIError).Info), `"#/then/required"`) {
		t.Errorf("empty note: %v", err)
	}
	err = alice.Call(ctx, "meta", nil, nil)
	if !errors.Is(err, ErrUnhandled) || !strings.Contains(err.Error(), "HandleMeta") {
		t.Errorf("unhandled endpoint: %v", err)
	}
	if err := alice.Call(ctx, "my-fork/thing", nil, nil); err == nil || err.(*misskey.APIError).StatusCode != 404 {
		t.Errorf("unknown endpoint: %v", err)
	}
}

// TestUnhandledIsLogged checks that an endpoint nobody answers is reported
// in the test's log.
func TestUnhandledIsLogged(t *testing.T) {
	var mu sync.Mutex
	var logged []string
	srv := New(WithLogf(func(format string, args ...any) {
		mu.Lock()
		logged = append(logged, fmt.Sprintf(format, args...))
		mu.Unlock()
	}))
	defer srv.Close()
	_ = misskey.NewClient(srv.URL).Call(testCtx(t), "meta", nil, nil)
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != 1 || !strings.Contains(logged[0], "nothing answers meta") {
		t.Errorf("logged %q", logged)
	}
}

// TestHandlers covers handlers: typed requests, answers, errors, fall
// through, and removal.
func TestHandlers(t *testing.T) {
	srv := NewServer(t)
	ctx := testCtx(t)
	u := srv.AddUser("alice")
	c := srv.Client(u)

	type showReq struct {
		NoteID string `json:"noteId"`
	}
	var gotCaller string
	defs := srv.defs["notes/show"]
	defs.request = newValue[showReq]
	srv.setHandler("notes/show", func(ctx context.Context, req any, body json.RawMessage) (any, error) {
		gotCaller = CallerID(ctx)
		r := req.(*showReq)
		switch r.NoteID {
		case "known":
			return map[string]any{"id": r.NoteID, "text": "hi"}, nil
		case "apierror":
			return nil, &misskey.APIError{StatusCode: 400, Code: "NO_SUCH_NOTE", ID: "24fcbfc6-2e37-42b6-8388-c29b3861a08d", Message: "No such note.", Info: json.RawMessage(`{"x":1}`)}
		case "teapot":
			return nil, misskey.ErrIAmAI
		case "boom":
			return nil, errors.New("boom")
		case "empty":
			return nil, nil
		}
		return nil, ErrFallThrough
	})
	var out map[string]any
	if err := c.Call(ctx, "notes/show", map[string]any{"noteId": "known"}, &out); err != nil || out["text"] != "hi" {
		t.Fatalf("handled: %v %v", out, err)
	}
	if gotCaller != u.ID {
		t.Errorf("CallerID %q, want %q", gotCaller, u.ID)
	}
	err := c.Call(ctx, "notes/show", map[string]any{"noteId": "apierror"}, nil)
	var apiErr *misskey.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "NO_SUCH_NOTE" || apiErr.Kind != "client" || string(apiErr.Info) != `{"x":1}` {
		t.Errorf("API error: %#v", apiErr)
	}
	if err := c.Call(ctx, "notes/show", map[string]any{"noteId": "teapot"}, nil); !errors.Is(err, misskey.ErrIAmAI) || err.(*misskey.APIError).StatusCode != 418 {
		t.Errorf("teapot: %v", err)
	}
	err = c.Call(ctx, "notes/show", map[string]any{"noteId": "boom"}, nil)
	if !errors.As(err, &apiErr) || !errors.Is(err, misskey.ErrInternalError) || !strings.Contains(string(apiErr.Info), "boom") {
		t.Errorf("plain error: %v", err)
	}
	status, _, body := post(t, srv.URL+"/api/notes/show", "application/json", `{"noteId":"empty"}`)
	if status != 204 || body != "" {
		t.Errorf("nil answer: %d %q", status, body)
	}
	// Fall through: the server's own notes/show answers.
	if err := c.Call(ctx, "notes/show", map[string]any{"noteId": "unknown"}, nil); !errors.As(err, &apiErr) || apiErr.ID != "24fcbfc6-2e37-42b6-8388-c29b3861a08d" {
		t.Errorf("fall through: %v", err)
	}
	// The parameters are checked before the handler runs.
	if err := c.Call(ctx, "notes/show", map[string]any{}, nil); !errors.Is(err, misskey.ErrInvalidParam) {
		t.Errorf("invalid call reached the handler: %v", err)
	}
	srv.setHandler("notes/show", nil)
	if err := c.Call(ctx, "notes/show", map[string]any{"noteId": "known"}, nil); !errors.As(err, &apiErr) || apiErr.Code != "NO_SUCH_NOTE" {
		t.Errorf("after removing the handler: %v", err)
	}

	// A raw handler for an endpoint the document does not list.
	srv.SetHandler("my-fork/echo", func(ctx context.Context, body json.RawMessage) (any, error) {
		return json.RawMessage(body), nil
	})
	if err := c.Call(ctx, "my-fork/echo", map[string]any{"a": 1}, &out); err != nil || out["a"] != 1.0 || out["i"] != nil {
		t.Errorf("raw handler: %v %v", out, err)
	}
	srv.SetHandler("my-fork/echo", nil)
	if err := c.Call(ctx, "my-fork/echo", nil, nil); err == nil {
		t.Error("removed raw handler still answers")
	}
}

// TestCalls checks the record of calls.
func TestCalls(t *testing.T) {
	srv := NewServer(t)
	ctx := testCtx(t)
	u := srv.AddUser("alice")
	c := srv.Client(u)
	type createReq struct {
		Text string `json:"text"`
	}
	srv.defs["notes/create"].request = newValue[createReq]

	done := make(chan []Call)
	go func() {
		calls, err := srv.WaitCalls(ctx, "notes/create", 2)
		if err != nil {
			t.Error(err)
		}
		done <- calls
	}()
	if err := c.Call(ctx, "notes/create", map[string]any{"text": "one"}, nil); err != nil {
		t.Fatal(err)
	}
	_ = c.Call(ctx, "notes/create", map[string]any{"text": ""}, nil) // refused: minLength
	calls := <-done
	if len(calls) != 2 {
		t.Fatalf("%d calls", len(calls))
	}
	first, second := calls[0], calls[1]
	if first.Endpoint != "notes/create" || first.UserID != u.ID || first.Status != 200 || first.Err != nil {
		t.Errorf("first call: %+v", first)
	}
	if strings.Contains(string(first.Body), u.Token) || !strings.Contains(string(first.Body), `"text":"one"`) {
		t.Errorf("first body %s", first.Body)
	}
	if r, ok := first.Request.(*createReq); !ok || r.Text != "one" {
		t.Errorf("first request %#v", first.Request)
	}
	if second.Status != 400 || second.Err == nil || second.Err.Code != "INVALID_PARAM" || second.Request != nil {
		t.Errorf("second call: %+v", second)
	}
	_ = misskey.NewClient(srv.URL).Call(ctx, "i", nil, nil)
	all := srv.Calls("")
	if len(all) != 3 || all[2].Endpoint != "i" || all[2].Status != 401 || all[2].UserID != "" {
		t.Errorf("all calls: %+v", all)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if got, err := srv.WaitCalls(short, "ping", 1); err == nil || len(got) != 0 {
		t.Errorf("WaitCalls with no call: %v %v", got, err)
	}
}

// TestRateLimit checks the 429 answer and its window.
func TestRateLimit(t *testing.T) {
	srv := NewServer(t)
	ctx := testCtx(t)
	alice, bob := srv.Client(srv.AddUser("alice")), srv.Client(srv.AddUser("bob"))
	srv.SetRateLimit("i", 2, time.Hour)
	for i := 0; i < 2; i++ {
		if err := alice.Call(ctx, "i", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	err := alice.Call(ctx, "i", nil, nil)
	var apiErr *misskey.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, misskey.ErrRateLimitExceeded) || apiErr.StatusCode != 429 {
		t.Fatalf("third call: %v", err)
	}
	if apiErr.RetryAfter < 59*time.Minute || apiErr.RetryAfter > time.Hour {
		t.Errorf("RetryAfter %v", apiErr.RetryAfter)
	}
	var info struct{ Remaining, Total int }
	if json.Unmarshal(apiErr.Info, &info) != nil || info.Total != 2 || info.Remaining != 0 {
		t.Errorf("info %s", apiErr.Info)
	}
	if err := bob.Call(ctx, "i", nil, nil); err != nil {
		t.Errorf("the limit is per user: %v", err)
	}
	status, h, _ := post(t, srv.URL+"/api/i", "application/json", `{"i":"`+srv.AddUser("carol").Token+`"}`)
	if status != 200 || h.Get("Retry-After") != "" {
		t.Errorf("carol: %d", status)
	}
	srv.SetRateLimit("i", 1, 100*time.Millisecond)
	dave := srv.AddUser("dave")
	_, _, _ = post(t, srv.URL+"/api/i", "application/json", `{"i":"`+dave.Token+`"}`)
	status, h, _ = post(t, srv.URL+"/api/i", "application/json", `{"i":"`+dave.Token+`"}`)
	if status != 429 || h.Get("Retry-After") != "1" {
		t.Errorf("short window: %d, Retry-After %q", status, h.Get("Retry-After"))
	}
	time.Sleep(150 * time.Millisecond)
	if status, _, _ = post(t, srv.URL+"/api/i", "application/json", `{"i":"`+dave.Token+`"}`); status != 200 {
		t.Errorf("after the window: %d", status)
	}
	srv.SetRateLimit("i", 0, 0)
	for i := 0; i < 3; i++ {
		if err := alice.Call(ctx, "i", nil, nil); err != nil {
			t.Errorf("limit removed: %v", err)
		}
	}
}

// TestPermissions checks app tokens.
func TestPermissions(t *testing.T) {
	srv := NewServer(t)
	ctx := testCtx(t)
	u := srv.AddUser("alice")
	app := misskey.NewClient(srv.URL, misskey.WithToken(srv.AddToken(u.ID, "read:account")))
	if err := app.Call(ctx, "i", nil, nil); err != nil {
		t.Errorf("permitted: %v", err)
	}
	err := app.Call(ctx, "notes/create", map[string]any{"text": "x"}, nil)
	if !errors.Is(err, misskey.ErrPermissionDenied) || err.(*misskey.APIError).StatusCode != 403 {
		t.Errorf("not permitted: %v", err)
	}
	if err := srv.Client(u).Call(ctx, "notes/create", map[string]any{"text": "x"}, nil); err != nil {
		t.Errorf("the user's own token: %v", err)
	}
}

// multipartBody builds a multipart request with fields and one file.
func multipartBody(t *testing.T, fields map[string]string, file string) (string, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if file != "" {
		fw, err := w.CreateFormFile("file", "hello.txt")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write([]byte(file))
	}
	_ = w.Close()
	return w.FormDataContentType(), b.String()
}

// TestMultipart checks drive/files/create: fields cast as Misskey casts
// them, the file required, and the file served at its URL.
func TestMultipart(t *testing.T) {
	srv := NewServer(t)
	u := srv.AddUser("alice")
	url := srv.URL + "/api/drive/files/create"

	ct, body := multipartBody(t, map[string]string{"i": u.Token, "isSensitive": "true", "comment": "a file"}, "hello, file")
	status, _, out := post(t, url, ct, body)
	if status != 200 {
		t.Fatalf("upload: %d %s", status, out)
	}
	var f struct {
		ID, Name, Type, URL string
		Size                int
		IsSensitive         bool
		Comment             string
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	if f.Name != "hello.txt" || f.Type != "text/plain" || f.Size != 11 || !f.IsSensitive || f.Comment != "a file" {
		t.Errorf("file %+v", f)
	}
	resp, err := http.Get(f.URL)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(data) != "hello, file" {
		t.Errorf("served %q", data)
	}
	calls := srv.Calls("drive/files/create")
	if len(calls) != 1 || len(calls[0].Files) != 1 || string(calls[0].Files[0].Data) != "hello, file" || !strings.Contains(string(calls[0].Body), `"isSensitive":true`) {
		t.Errorf("recorded %+v", calls)
	}

	ct, body = multipartBody(t, map[string]string{"i": u.Token, "isSensitive": "yes"}, "x")
	status, _, out = post(t, url, ct, body)
	if status != 400 {
		t.Errorf("bad boolean: %d", status)
	}
	jsonEq(t, out, `{"error":{"message":"Invalid param.","code":"INVALID_PARAM","id":"0b5f1631-7c1a-41a6-b399-cce335f34d85","kind":"client","info":{"param":"isSensitive","reason":"cannot cast to boolean"}}}`)

	ct, body = multipartBody(t, map[string]string{"i": u.Token}, "")
	if status, _, out = post(t, url, ct, body); status != 400 || out != "" {
		t.Errorf("no file: %d %q", status, out)
	}
	ct, body = multipartBody(t, map[string]string{}, "x")
	if status, _, _ = post(t, url, ct, body); status != 401 {
		t.Errorf("no token: %d", status)
	}
}

// TestWaitAndClose checks that Wait ends with its context and Close ends
// waiting streams and is idempotent.
func TestWaitAndClose(t *testing.T) {
	srv := New()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := srv.Wait(ctx, func() bool { return false }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait: %v", err)
	}
	srv.Close()
	srv.Close()
}

func TestAddUserPanics(t *testing.T) {
	srv := NewServer(t)
	srv.AddUser("alice")
	for _, name := range []string{"alice", "ALICE", "not valid", "", strings.Repeat("x", 21)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AddUser(%q) did not panic", name)
				}
			}()
			srv.AddUser(name)
		}()
	}
}

// TestHandleNamesAreFree checks that no method of the template takes a
// name of the form Handle<Endpoint>, which the generated methods use.
func TestHandleNamesAreFree(t *testing.T) {
	typ := reflect.TypeOf(&Server{})
	for i := 0; i < typ.NumMethod(); i++ {
		if name := typ.Method(i).Name; strings.HasPrefix(name, "Handle") {
			t.Errorf("Server.%s would collide with a generated handler method", name)
		}
	}
}

// TestRobustness: a handler that panics answers 500, and an endpoint of the
// server's own Misskey that acts as the caller refuses an anonymous call
// even where the document needs no credential (a fork's document, say).
func TestRobustness(t *testing.T) {
	defs := append([]endpointDef(nil), endpointDefs...)
	for i := range defs {
		if defs[i].name == "notes/create" {
			defs[i].credential = false
		}
	}
	srv := newServer(defs, conformEntity)
	defer srv.Close()
	ctx := testCtx(t)
	anon := misskey.NewClient(srv.URL)
	if err := anon.Call(ctx, "notes/create", map[string]any{"text": "x"}, nil); !errors.Is(err, misskey.ErrCredentialRequired) {
		t.Errorf("anonymous notes/create: %v", err)
	}
	srv.SetHandler("ping", func(ctx context.Context, body json.RawMessage) (any, error) { panic("oops") })
	err := anon.Call(ctx, "ping", nil, nil)
	if !errors.Is(err, misskey.ErrInternalError) || !strings.Contains(string(err.(*misskey.APIError).Info), "oops") {
		t.Errorf("panicking handler: %v", err)
	}
	// The server still works.
	srv.SetHandler("ping", nil)
	if err := anon.Call(ctx, "ping", nil, nil); err != nil {
		t.Errorf("after the panic: %v", err)
	}
}
