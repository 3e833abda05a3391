package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testToken is distinctive so that a leak shows in any string.
const testToken = "tok-SECRET-9f8e7d6c5b4a"

// captured is what a test server saw of one request.
type captured struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// newServer starts a server that records each request and answers with h.
func newServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, chan captured) {
	t.Helper()
	reqs := make(chan captured, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		reqs <- captured{r.Method, r.URL.Path, r.Header.Clone(), body}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, reqs
}

// answer returns a handler that writes status, content type and body.
func answer(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// assertNoToken fails when the token shows in err printed any way, or in
// any error of its chain.
func assertNoToken(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%s", err), fmt.Sprintf("%q", err)} {
		if strings.Contains(s, testToken) {
			t.Errorf("token leaked: %s", s)
		}
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		for _, s := range []string{fmt.Sprintf("%#v", *apiErr), fmt.Sprintf("%+v", *apiErr), string(apiErr.Body), string(apiErr.Info), apiErr.Message} {
			if strings.Contains(s, testToken) {
				t.Errorf("token leaked in APIError: %s", s)
			}
		}
	}
	var decErr *DecodeError
	if errors.As(err, &decErr) && strings.Contains(fmt.Sprintf("%#v", *decErr), testToken) {
		t.Errorf("token leaked in DecodeError: %#v", *decErr)
	}
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), testToken) {
			t.Errorf("token leaked in wrapped error %T: %s", e, e)
		}
	}
}

type spliceReq struct {
	A int    `json:"a"`
	B string `json:"b,omitempty"`
}

type emptyReq struct{}

func TestCallTokenSplicing(t *testing.T) {
	tests := []struct {
		name     string
		opts     []Option
		req      any
		wantBody string
		wantAuth string
	}{
		{"nil request", []Option{WithToken(testToken)}, nil, `{"i":"` + testToken + `"}`, ""},
		{"empty struct", []Option{WithToken(testToken)}, &emptyReq{}, `{"i":"` + testToken + `"}`, ""},
		{"struct", []Option{WithToken(testToken)}, &spliceReq{A: 1, B: "x"}, `{"i":"` + testToken + `","a":1,"b":"x"}`, ""},
		{"struct value", []Option{WithToken(testToken)}, spliceReq{A: 2}, `{"i":"` + testToken + `","a":2}`, ""},
		{"nil pointer", []Option{WithToken(testToken)}, (*spliceReq)(nil), `{"i":"` + testToken + `"}`, ""},
		{"map", []Option{WithToken(testToken)}, map[string]any{"z": true, "k": "v"}, `{"i":"` + testToken + `","k":"v","z":true}`, ""},
		{"empty map", []Option{WithToken(testToken)}, map[string]any{}, `{"i":"` + testToken + `"}`, ""},
		{"raw message", []Option{WithToken(testToken)}, json.RawMessage(` { "k" : [1, 2] } `), `{"i":"` + testToken + `","k":[1,2]}`, ""},
		{"token needing escapes", []Option{WithToken(`a"b\c<`)}, &spliceReq{A: 1}, `{"i":"a\"b\\c\u003c","a":1}`, ""},
		{"no token, nil request", nil, nil, `{}`, ""},
		{"no token, struct", nil, &spliceReq{A: 3}, `{"a":3}`, ""},
		{"bearer, struct", []Option{WithToken(testToken), WithBearerAuth()}, &spliceReq{A: 4}, `{"a":4}`, "Bearer " + testToken},
		{"bearer, nil request", []Option{WithToken(testToken), WithBearerAuth()}, nil, `{}`, "Bearer " + testToken},
		{"bearer, no token", []Option{WithBearerAuth()}, nil, `{}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, reqs := newServer(t, answer(204, "", ""))
			c := NewClient(srv.URL, append(tt.opts, WithUserAgent("test-agent/1"))...)
			if err := c.call(context.Background(), "notes/create", tt.req, nil); err != nil {
				t.Fatal(err)
			}
			got := <-reqs
			if string(got.Body) != tt.wantBody {
				t.Errorf("body = %s, want %s", got.Body, tt.wantBody)
			}
			if !json.Valid(got.Body) {
				t.Errorf("body is not valid JSON: %s", got.Body)
			}
			if a := got.Header.Get("Authorization"); a != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", a, tt.wantAuth)
			}
			if got.Method != http.MethodPost || got.Path != "/api/notes/create" {
				t.Errorf("request = %s %s", got.Method, got.Path)
			}
			for k, want := range map[string]string{"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "test-agent/1"} {
				if v := got.Header.Get(k); v != want {
					t.Errorf("%s = %q, want %q", k, v, want)
				}
			}
		})
	}
}

func TestCallRejectsRequestsThatAreNotObjects(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := NewClient(srv.URL, WithToken(testToken))
	for _, req := range []any{[]int{1}, "text", 42, true, json.RawMessage(`[]`), make(chan int)} {
		err := c.call(context.Background(), "notes/create", req, nil)
		if err == nil {
			t.Errorf("%T: no error", req)
			continue
		}
		if !strings.Contains(err.Error(), "notes/create") {
			t.Errorf("error does not name the endpoint: %v", err)
		}
		assertNoToken(t, err)
	}
	for _, name := range []string{"", "/notes/create", "a/../b", "a?b", "a#b", "a b", "a%2fb"} {
		if err := c.call(context.Background(), name, nil, nil); err == nil {
			t.Errorf("endpoint %q accepted", name)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestBaseURLPrefix(t *testing.T) {
	for _, base := range []string{"%s/prefix", "%s/prefix/"} {
		srv, reqs := newServer(t, answer(200, "application/json", `{}`))
		c := NewClient(fmt.Sprintf(base, srv.URL))
		var out map[string]any
		if err := c.Call(context.Background(), "meta", nil, &out); err != nil {
			t.Fatal(err)
		}
		if p := (<-reqs).Path; p != "/prefix/api/meta" {
			t.Errorf("path = %s", p)
		}
	}
}

type smallNote struct {
	ID   string  `json:"id"`
	Text *string `json:"text"`
	N    int     `json:"n"`
}

func TestCallSuccessfulAnswers(t *testing.T) {
	untouched := smallNote{ID: "before"}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    smallNote
	}{
		{"json", answer(200, "application/json; charset=utf-8", `{"id":"n1","text":"hi","n":3,"extra":{"x":1}}`), smallNote{ID: "n1", Text: Ptr("hi"), N: 3}},
		{"text/plain json", answer(200, "text/plain; charset=utf-8", `{"id":"n2"}`), smallNote{ID: "n2"}},
		{"no content type", answer(200, "", `{"id":"n3"}`), smallNote{ID: "n3"}},
		{"204", answer(204, "", ""), untouched},
		{"empty 200", answer(200, "application/json", ""), untouched},
		{"whitespace 200", answer(200, "application/json", " \n"), untouched},
		{"chunked", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":`)
			w.(http.Flusher).Flush()
			io.WriteString(w, `"n4"}`)
		}, smallNote{ID: "n4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, tt.handler)
			c := NewClient(srv.URL, WithToken(testToken))
			got := untouched
			if err := c.call(context.Background(), "notes/show", nil, &got); err != nil {
				t.Fatal(err)
			}
			if got.ID != tt.want.ID || got.N != tt.want.N || (got.Text == nil) != (tt.want.Text == nil) || (got.Text != nil && *got.Text != *tt.want.Text) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}

	// i/registry/get answers a bare JSON string as text/plain.
	srv, _ := newServer(t, answer(200, "text/plain; charset=utf-8", `"dark"`))
	var s string
	if err := NewClient(srv.URL).call(context.Background(), "i/registry/get", nil, &s); err != nil || s != "dark" {
		t.Errorf("registry string: %q, %v", s, err)
	}
	// nil resp: the body is not wanted.
	if err := NewClient(srv.URL).call(context.Background(), "i/registry/get", nil, nil); err != nil {
		t.Errorf("nil resp: %v", err)
	}
}

func TestResponseSizeLimit(t *testing.T) {
	big := `{"id":"` + strings.Repeat("x", 1000) + `"}`
	tests := []struct {
		name    string
		handler http.HandlerFunc
		limit   int64
		wantErr bool
	}{
		{"content-length over", answer(200, "application/json", big), 100, true},
		{"chunked over", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for i := 0; i < len(big); i += 100 {
				io.WriteString(w, big[i:min(i+100, len(big))])
				w.(http.Flusher).Flush()
			}
		}, 100, true},
		{"exactly the limit", answer(200, "application/json", big), int64(len(big)), false},
		{"one byte over", answer(200, "application/json", big), int64(len(big) - 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, tt.handler)
			c := NewClient(srv.URL, WithToken(testToken), WithMaxResponseBytes(tt.limit))
			var out smallNote
			err := c.call(context.Background(), "notes/show", nil, &out)
			if !tt.wantErr {
				if err != nil || len(out.ID) != 1000 {
					t.Fatalf("err = %v, id length %d", err, len(out.ID))
				}
				return
			}
			if !errors.Is(err, ErrResponseTooLarge) {
				t.Fatalf("err = %v, want ErrResponseTooLarge", err)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(tt.limit)) || !strings.Contains(err.Error(), "notes/show") {
				t.Errorf("error does not say the limit and endpoint: %v", err)
			}
			if out.ID != "" {
				t.Errorf("response decoded despite the limit")
			}
			assertNoToken(t, err)
		})
	}
}

// decodeTarget is written as the generator writes a struct.
type decodeTarget struct {
	ID    string           `json:"id"`
	Count int64            `json:"count"`
	Name  string           `json:"name"`
	Opt   Optional[int64]  `json:"opt"`
	Tags  []string         `json:"tags"`
	After Optional[string] `json:"after"`
	Extra Members          `json:"-"`
}

func (x *decodeTarget) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	*x = decodeTarget{}
	for n := 0; d.nextMember(n); n++ {
		switch string(d.key) {
		case "id":
			d.field(&x.Extra, "id", d.at(), decString(&x.ID, d), "string")
		case "count":
			d.field(&x.Extra, "count", d.at(), decInt64(&x.Count, d), "integer")
		case "name":
			d.field(&x.Extra, "name", d.at(), decString(&x.Name, d), "string")
		case "opt":
			d.field(&x.Extra, "opt", d.at(), decOptional(&x.Opt, d, decInt64), "integer or null")
		case "tags":
			d.field(&x.Extra, "tags", d.at(), decSlice(&x.Tags, d, decString), "array of string")
		case "after":
			d.field(&x.Extra, "after", d.at(), decOptional(&x.After, d, decString), "string or null")
		default:
			d.unknown(&x.Extra)
		}
	}
	return true
}

func (x *decodeTarget) encodeJSON(e *jsonEncoder) {
	e.objectStart()
	if x.Opt.IsSet() && e.field(&x.Extra, "opt") {
		encOptional(&x.Opt, e, encInt64)
	}
	if e.field(&x.Extra, "id") {
		encString(&x.ID, e)
	}
	if e.field(&x.Extra, "count") {
		encInt64(&x.Count, e)
	}
	if e.field(&x.Extra, "tags") {
		encSlice(&x.Tags, e, encString)
	}
	if e.field(&x.Extra, "name") {
		encString(&x.Name, e)
	}
	if x.After.IsSet() && e.field(&x.Extra, "after") {
		encOptional(&x.After, e, encString)
	}
	x.Extra.encode(e)
	e.objectEnd()
}

func TestDecodeLenientAndStrict(t *testing.T) {
	// Values that do not fit in a plain field, an Optional and an array
	// element, each followed by fields that must still be decoded, and an
	// undeclared member.
	body := `{"opt":"not a number","id":"x","count":"many","tags":["a",2,"c"],"name":"n","after":"kept","new":{"a":1}}`
	srv, _ := newServer(t, answer(200, "application/json", body))

	var reported []Mismatch
	lenient := NewClient(srv.URL, WithToken(testToken), WithMismatchHandler(func(endpoint string, ms []Mismatch) {
		if endpoint != "notes/show" {
			t.Errorf("handler endpoint %q", endpoint)
		}
		reported = append(reported, ms...)
	}))
	var got decodeTarget
	if err := lenient.call(context.Background(), "notes/show", nil, &got); err != nil {
		t.Fatalf("lenient: %v", err)
	}
	if got.ID != "x" || got.Name != "n" || got.After.Or("") != "kept" {
		t.Errorf("lenient decode = %+v", got)
	}
	var paths []string
	for _, m := range reported {
		paths = append(paths, m.Path)
	}
	if fmt.Sprint(paths) != "[/opt /count /tags]" {
		t.Errorf("mismatches reported at %v, want /opt /count /tags", paths)
	}
	// Nothing is lost: re-encoding gives the body back.
	again, err := marshalJSONValue(&got)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, again, []byte(body)) {
		t.Errorf("re-encoded %s, want %s", again, body)
	}

	var strict decodeTarget
	err = NewClient(srv.URL, WithToken(testToken), WithStrictDecoding()).call(context.Background(), "notes/show", nil, &strict)
	var decErr *DecodeError
	var mmErr *MismatchError
	if !errors.As(err, &decErr) || !errors.As(err, &mmErr) {
		t.Fatalf("strict: err = %v, want *DecodeError wrapping *MismatchError", err)
	}
	if decErr.Endpoint != "notes/show" || decErr.StatusCode != 200 || decErr.ContentType != "application/json" || mmErr.Mismatches[0].Path != "/opt" {
		t.Errorf("DecodeError = %+v, %+v", decErr, mmErr)
	}
	assertNoToken(t, err)

	// The caller's own types (Call) decode with encoding/json, which cannot
	// keep a value that does not fit: that is an error, never a zero.
	var plain struct {
		Count int `json:"count"`
	}
	if err := lenient.Call(context.Background(), "notes/show", nil, &plain); err == nil {
		t.Error("Call into a type that cannot hold the value: no error")
	}
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, ctype, body string
		wantSyntax        bool
	}{
		{"truncated", "application/json", `{"id":"x","text":"he`, false},
		{"syntax", "application/json", `{"id":"x",}`, true},
		{"html", "text/html", `<!DOCTYPE html><html><title>Misskey</title></html>`, true},
		{"token echoed", "application/json", `{"i":"` + testToken + `",`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, answer(200, tt.ctype, tt.body))
			out := smallNote{ID: "before"}
			err := NewClient(srv.URL, WithToken(testToken)).call(context.Background(), "notes/show", nil, &out)
			var decErr *DecodeError
			if !errors.As(err, &decErr) {
				t.Fatalf("err = %v, want *DecodeError", err)
			}
			var syn *json.SyntaxError
			if tt.wantSyntax && !errors.As(err, &syn) {
				t.Errorf("does not unwrap to *json.SyntaxError: %v", err)
			}
			if decErr.Unwrap() == nil || decErr.ContentType != tt.ctype || decErr.StatusCode != 200 || decErr.Snippet == "" {
				t.Errorf("DecodeError = %#v", decErr)
			}
			if out.ID != "before" {
				t.Errorf("response changed: %+v", out)
			}
			if !strings.Contains(err.Error(), "notes/show") || !strings.Contains(err.Error(), tt.ctype) {
				t.Errorf("message = %v", err)
			}
			assertNoToken(t, err)
		})
	}
}

func TestContextHonoured(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c := NewClient(srv.URL, WithToken(testToken))

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.call(ctx, "notes/timeline", nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	assertNoToken(t, err)

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	err = c.call(ctx, "notes/timeline", nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want Canceled", err)
	}
	assertNoToken(t, err)

	// Cancelled while the body is being read.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer slow.Close()
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var out smallNote
	err = NewClient(slow.URL, WithToken(testToken)).call(ctx, "notes/show", nil, &out)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("reading body: err = %v, want DeadlineExceeded", err)
	}
	assertNoToken(t, err)
}

// TestNoTokenInErrors runs every error path with a distinctive token, in
// body and bearer mode, with servers that echo the token back.
func TestNoTokenInErrors(t *testing.T) {
	echo := func(status int, ctype, format string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.WriteHeader(status)
			fmt.Fprintf(w, format, testToken)
		}
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	paths := []struct {
		name    string
		handler http.HandlerFunc // nil: use closedURL
		opts    []Option
		req     any
		call    func(c *Client) error
	}{
		{name: "misskey error echoing the token", handler: echo(400, "application/json", `{"error":{"message":"bad %[1]s","code":"X","id":"y","kind":"client","info":{"param":"%[1]s"}}}`)},
		{name: "fastify error echoing the token", handler: echo(400, "application/json", `{"statusCode":400,"error":"Bad Request","message":"token %s"}`)},
		{name: "html echoing the token", handler: echo(502, "text/html", `<html><title>%s</title></html>`)},
		{name: "text echoing the token", handler: echo(500, "text/plain", `oops %s`)},
		{name: "odd JSON echoing the token", handler: echo(500, "application/json", `{"detail":"%s"}`)},
		{name: "empty", handler: answer(405, "", "")},
		{name: "429", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
		}},
		{name: "decode error echoing the token", handler: echo(200, "application/json", `{"i":"%s"`)},
		{name: "strict decode", handler: echo(200, "application/json", `{"id":1,"text":"%s"}`), opts: []Option{WithStrictDecoding()}},
		{name: "too large", handler: echo(200, "application/json", `{"id":"%s"}`), opts: []Option{WithMaxResponseBytes(5)}},
		{name: "dial error"},
		{name: "timeout", handler: func(w http.ResponseWriter, r *http.Request) { time.Sleep(200 * time.Millisecond) },
			opts: []Option{WithHTTPClient(&http.Client{Timeout: 20 * time.Millisecond})}},
		{name: "connection dropped", handler: func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}},
		{name: "encoding error", handler: answer(200, "", ""), req: map[string]any{"f": func() {}}},
		{name: "not an object", handler: answer(200, "", ""), req: []string{testToken}},
		{name: "multipart read error", handler: answer(200, "", ""), call: func(c *Client) error {
			return c.callMultipart(context.Background(), "drive/files/create", nil,
				[]FormFile{{Field: "file", Body: io.MultiReader(strings.NewReader("abc"), errReader{errors.New("disk on fire")})}}, nil)
		}},
		{name: "multipart api error", handler: echo(400, "application/json", `{"error":{"message":"%s","code":"INVALID_PARAM","id":"3d81ceae-475f-4600-b2a8-2bc116157532"}}`), call: func(c *Client) error {
			return c.callMultipart(context.Background(), "drive/files/create", nil, []FormFile{{Field: "file", Body: strings.NewReader("x")}}, nil)
		}},
		{name: "bad base URL", call: func(c *Client) error {
			return NewClient("http://[::1", WithToken(testToken)).call(context.Background(), "i", nil, nil)
		}},
	}
	for _, mode := range []struct {
		name string
		opts []Option
	}{{"body", nil}, {"bearer", []Option{WithBearerAuth()}}} {
		for _, p := range paths {
			t.Run(mode.name+"/"+p.name, func(t *testing.T) {
				url := closedURL
				if p.handler != nil {
					srv := httptest.NewServer(p.handler)
					defer srv.Close()
					url = srv.URL
				}
				opts := append([]Option{WithToken(testToken)}, mode.opts...)
				c := NewClient(url, append(opts, p.opts...)...)
				var err error
				if p.call != nil {
					err = p.call(c)
				} else {
					var out smallNote
					err = c.call(context.Background(), "notes/show", p.req, &out)
				}
				assertNoToken(t, err)
			})
		}
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestClientPrintingHidesToken(t *testing.T) {
	c := NewClient("https://example.com", WithToken(testToken))
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", *c), fmt.Sprintf("%#v", *c)} {
		if strings.Contains(s, testToken) {
			t.Errorf("token printed: %s", s)
		}
		if !strings.Contains(s, "example.com") {
			t.Errorf("client printed without its server: %s", s)
		}
	}
}

// TestTransportErrorWrapsEndpoint checks the shape of a connection error.
func TestTransportErrorWrapsEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	err = NewClient("http://"+addr, WithToken(testToken)).call(context.Background(), "notes/create", nil, nil)
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op != "dial" {
		t.Fatalf("err = %#v, want a dial *net.OpError inside", err)
	}
	if !strings.HasPrefix(err.Error(), "misskey: notes/create: ") {
		t.Errorf("message = %q", err)
	}
	assertNoToken(t, err)
}

// TestRedirectToGetIsExplained: http:// redirected to https:// (here to
// another path) is the common misconfiguration. The default client does not
// follow it; a client that does gets a GET without the body, and the call
// fails either way with the redirect's status and where it went.
func TestRedirectToGetIsExplained(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			http.Redirect(w, r, srv.URL+"/other"+r.URL.Path, http.StatusMovedPermanently)
			return
		}
		w.WriteHeader(http.StatusMethodNotAllowed) // what Misskey answers a GET on a POST endpoint
	}))
	defer srv.Close()
	target := srv.URL + "/other/api/notes/create"
	for _, tc := range []struct {
		name string
		opts []Option
		want string
	}{
		{"default client", nil, "redirected to " + target + "; a Misskey API call is never redirected"},
		{"client that follows", []Option{WithHTTPClient(http.DefaultClient)}, "redirected to " + target + " (the HTTP client followed it to GET " + target + ", which answered 405"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := NewClient(srv.URL, append(tc.opts, WithToken(testToken))...).call(context.Background(), "notes/create", &spliceReq{A: 1}, nil)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 301 || apiErr.Location != target || !strings.Contains(apiErr.Message, tc.want) {
				t.Errorf("err = %v, want a 301 APIError with Location %s and a message containing %q", err, target, tc.want)
			}
			assertNoToken(t, err)
		})
	}
}

// TestPresence checks that a generated method can tell an answer without a
// body from a decoded one through the presence wrapper.
func TestPresence(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   bool
	}{
		{"204", http.StatusNoContent, "", false},
		{"200 empty", http.StatusOK, "", false},
		{"200 object", http.StatusOK, `{"id":"x"}`, true},
		{"200 empty object", http.StatusOK, `{}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			var out json.RawMessage
			p := presence{target: jsonTarget(&out, decRaw), got: true}
			if err := NewClient(srv.URL).call(context.Background(), "x", nil, &p); err != nil {
				t.Fatal(err)
			}
			if p.got != tc.want {
				t.Errorf("got = %v, want %v", p.got, tc.want)
			}
		})
	}
}

func TestForToken(t *testing.T) {
	var bodies []string
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b)+" "+r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusNoContent)
	})
	hc := &http.Client{}
	c := NewClient(srv.URL, WithToken("a"), WithHTTPClient(hc))
	b := c.ForToken("b")
	anon := c.ForToken("")
	bearer := NewClient(srv.URL, WithToken("a"), WithBearerAuth()).ForToken("c")
	for _, cl := range []*Client{c, b, anon, bearer} {
		if err := cl.call(context.Background(), "x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{`{"i":"a"} `, `{"i":"b"} `, `{} `, `{} Bearer c`}
	if fmt.Sprint(bodies) != fmt.Sprint(want) {
		t.Errorf("sent %q, want %q", bodies, want)
	}
	if b.httpClient != hc || !b.HasToken() || anon.HasToken() || c.token != "a" {
		t.Error("ForToken must share the HTTP client and leave the original alone")
	}
}

// TestErrorEnvelopeWithSuccessStatus: Misskey's error document sent with a
// 2xx (a proxy, a broken fork) is an *APIError however it is spaced; a
// successful answer that merely has an "error" member is not.
func TestErrorEnvelopeWithSuccessStatus(t *testing.T) {
	envelopes := []string{
		`{"error":{"message":"No such note.","code":"NO_SUCH_NOTE","id":"24fcbfc6-2e37-42b6-8388-c29b3861a08d","kind":"client"}}`,
		"{ \"error\" : {\"code\":\"NO_SUCH_NOTE\",\"id\":\"24fcbfc6-2e37-42b6-8388-c29b3861a08d\"} }",
		"\n{\n  \"error\": {\n    \"code\": \"NO_SUCH_NOTE\",\n    \"id\": \"24fcbfc6-2e37-42b6-8388-c29b3861a08d\"\n  }\n}\n",
	}
	for _, status := range []int{200, 201} {
		for _, body := range envelopes {
			srv, _ := newServer(t, answer(status, "application/json", body))
			var got smallNote
			err := NewClient(srv.URL).call(context.Background(), "notes/show", nil, &got)
			var ae *APIError
			if !errors.As(err, &ae) || ae.Code != "NO_SUCH_NOTE" || ae.StatusCode != status {
				t.Errorf("%d %q: got %v, want *APIError NO_SUCH_NOTE", status, body, err)
			}
		}
	}
	notEnvelopes := []string{
		`{"id":"n1","error":{"code":"X"}}`,       // more members than one
		`{"error":null}`,                         // no error inside
		`{"error":{"message":"only a message"}}`, // neither code nor id
		`{"errors":{"code":"X"}}`,
	}
	for _, body := range notEnvelopes {
		srv, _ := newServer(t, answer(200, "application/json", body))
		var got smallNote
		err := NewClient(srv.URL).call(context.Background(), "notes/show", nil, &got)
		var ae *APIError
		if errors.As(err, &ae) {
			t.Errorf("%q: a success taken for an error: %v", body, err)
		}
	}
}
