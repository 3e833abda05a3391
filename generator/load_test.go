package generator

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestServerDocumentURL(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "misskey.io", want: "https://misskey.io/api.json"},
		{in: "  misskey.io  ", want: "https://misskey.io/api.json"},
		{in: "https://misskey.io", want: "https://misskey.io/api.json"},
		{in: "https://misskey.io/", want: "https://misskey.io/api.json"},
		{in: "https://misskey.io/api-doc", want: "https://misskey.io/api.json"},
		{in: "https://misskey.io/api-doc/", want: "https://misskey.io/api.json"},
		{in: "https://misskey.io/api.json", want: "https://misskey.io/api.json"},
		{in: "https://misskey.io/api", want: "https://misskey.io/api.json"},
		{in: "misskey.io/api-doc", want: "https://misskey.io/api.json"},
		{in: "https://misskey.io/?x=1#frag", want: "https://misskey.io/api.json"},
		{in: "https://user:pass@misskey.io", want: "https://misskey.io/api.json"},
		{in: "http://127.0.0.1:3000/api.json", want: "http://127.0.0.1:3000/api.json"},
		{in: "http://127.0.0.1:3000", want: "http://127.0.0.1:3000/api.json"},
		{in: "localhost:3000", want: "https://localhost:3000/api.json"},
		{in: "https://example.com/misskey/", want: "https://example.com/misskey/api.json"},
		{in: "HTTPS://Misskey.io", want: "https://Misskey.io/api.json"},
		{in: "", wantErr: "empty server name"},
		{in: "   ", wantErr: "empty server name"},
		{in: "ftp://misskey.io", wantErr: "scheme must be http or https"},
		{in: "file:///etc/passwd", wantErr: "scheme must be http or https"},
		{in: "javascript://x", wantErr: "scheme must be http or https"},
		{in: "https://", wantErr: "no host"},
		{in: "https:///api.json", wantErr: "no host"},
		{in: "https://misskey.io:port", wantErr: `server "https://misskey.io:port"`},
	}
	for _, tt := range tests {
		got, err := ServerDocumentURL(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ServerDocumentURL(%q) = %q, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ServerDocumentURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

const tinyDoc = `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}`

// fetchServer serves handlers by path on an httptest server.
func fetchServer(t *testing.T, routes map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for p, h := range routes {
		mux.HandleFunc(p, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFetch(t *testing.T) {
	var gotUA, gotAccept string
	slowDone := make(chan struct{})
	srv := fetchServer(t, map[string]http.HandlerFunc{
		"/api.json": func(w http.ResponseWriter, r *http.Request) {
			gotUA, gotAccept = r.UserAgent(), r.Header.Get("Accept")
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			fmt.Fprint(w, tinyDoc)
		},
		"/api-doc": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/api.json", http.StatusFound)
		},
		"/loop": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/loop", http.StatusFound)
		},
		"/missing": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no such page", http.StatusNotFound)
		},
		"/broken": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>")
		},
		"/html": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Misskey</title></head><body>app</body></html>")
		},
		"/empty": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
		},
		"/big": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"openapi":"3.1.0","x":"`+strings.Repeat("a", 4000)+`"}`)
		},
		"/big-chunked": func(w http.ResponseWriter, r *http.Request) {
			// No Content-Length: the cap must hold while reading.
			for i := 0; i < 40; i++ {
				fmt.Fprint(w, strings.Repeat(" ", 100))
				w.(http.Flusher).Flush()
			}
		},
		"/slow-headers": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-slowDone:
			}
		},
		"/slow-body": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"openapi":`)
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-slowDone:
			}
		},
	})
	// Registered after the server's Close, so it runs before it and frees
	// the slow handlers.
	t.Cleanup(func() { close(slowDone) })
	ctx := context.Background()

	t.Run("ok", func(t *testing.T) {
		in, err := Fetch(ctx, nil, srv.URL+"/api.json")
		if err != nil {
			t.Fatal(err)
		}
		if string(in.Data) != tinyDoc || in.Name != srv.URL+"/api.json" {
			t.Errorf("got %q from %q", in.Data, in.Name)
		}
		if !strings.HasPrefix(gotUA, "misskey-gen/") || gotAccept != "application/json" {
			t.Errorf("User-Agent %q, Accept %q", gotUA, gotAccept)
		}
	})
	t.Run("redirect to api.json", func(t *testing.T) {
		in, err := Fetch(ctx, srv.Client(), srv.URL+"/api-doc")
		if err != nil {
			t.Fatal(err)
		}
		if string(in.Data) != tinyDoc {
			t.Errorf("got %q", in.Data)
		}
	})

	errCases := []struct {
		name, path string
		max        int64
		timeout    time.Duration
		want       []string
	}{
		{name: "redirect loop", path: "/loop", want: []string{"/loop", "redirects"}},
		{name: "404", path: "/missing", want: []string{"/missing", "server answered 404 Not Found", "no such page"}},
		{name: "502 with HTML", path: "/broken", want: []string{"server answered 502 Bad Gateway", "502 Bad Gateway</h1> <p>nginx"}},
		{name: "HTML", path: "/html", want: []string{"/html", "not a JSON document", `"text/html; charset=utf-8"`, "<!DOCTYPE html>"}},
		{name: "empty", path: "/empty", want: []string{"not a JSON document"}},
		{name: "over the cap", path: "/big", max: 1000, want: []string{"/big", "larger than 1000 bytes"}},
		{name: "over the cap, chunked", path: "/big-chunked", max: 1000, want: []string{"/big-chunked", "larger than 1000 bytes"}},
		{name: "timeout before headers", path: "/slow-headers", timeout: 200 * time.Millisecond, want: []string{"/slow-headers", "no complete answer within 200ms"}},
		{name: "timeout in the body", path: "/slow-body", timeout: 200 * time.Millisecond, want: []string{"/slow-body", "no complete answer within 200ms"}},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			max, timeout := tc.max, tc.timeout
			if max == 0 {
				max = MaxDocumentBytes
			}
			if timeout == 0 {
				timeout = 10 * time.Second
			}
			start := time.Now()
			in, err := fetch(ctx, nil, srv.URL+tc.path, max, timeout)
			if err == nil {
				t.Fatalf("got %d bytes, want an error", len(in.Data))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if el := time.Since(start); el > timeout+2*time.Second {
				t.Errorf("took %v with a timeout of %v", el, timeout)
			}
		})
	}

	t.Run("context cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Fetch(cctx, nil, srv.URL+"/api.json"); err == nil || !strings.Contains(err.Error(), "canceled") {
			t.Errorf("err = %v, want a cancellation", err)
		}
	})
	t.Run("ReadSpec fetches URLs", func(t *testing.T) {
		in, err := ReadSpec(ctx, srv.URL+"/api.json", nil)
		if err != nil || string(in.Data) != tinyDoc {
			t.Fatalf("ReadSpec = %v, %v", in, err)
		}
	})
}

func TestReadSpec(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "api.json")
	if err := os.WriteFile(path, []byte(tinyDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := ReadSpec(ctx, path, nil)
	if err != nil || string(in.Data) != tinyDoc || in.Name != path {
		t.Errorf("file: %v, %v", in, err)
	}
	in, err = ReadSpec(ctx, "-", strings.NewReader(tinyDoc))
	if err != nil || string(in.Data) != tinyDoc || in.Name != "-" {
		t.Errorf("stdin: %v, %v", in, err)
	}
	if _, err := ReadSpec(ctx, "", nil); err == nil {
		t.Error("empty spec: no error")
	}
	if _, err := ReadSpec(ctx, filepath.Join(dir, "nope.json"), nil); err == nil || !strings.Contains(err.Error(), "nope.json") {
		t.Errorf("missing file: err = %v", err)
	}
	if _, err := readCapped(strings.NewReader(strings.Repeat("x", 11)), 10); err == nil || !strings.Contains(err.Error(), "larger than 10 bytes") {
		t.Errorf("readCapped over the cap: err = %v", err)
	}
	if b, err := readCapped(strings.NewReader(strings.Repeat("x", 10)), 10); err != nil || len(b) != 10 {
		t.Errorf("readCapped at the cap: %d bytes, %v", len(b), err)
	}
}

// TestGuardKin: a panic inside kin-openapi becomes an error. (No document
// that makes kin-openapi v0.153.0 panic is known; the fuzz target would
// report one as a crash if the guard were missing.)
func TestGuardKin(t *testing.T) {
	doc, err := guardKin(func() (*openapi3.T, error) { panic("index out of range") })
	if doc != nil || err == nil || err.Error() != "kin-openapi failed: index out of range" {
		t.Errorf("guardKin = %v, %v", doc, err)
	}
	want := &openapi3.T{OpenAPI: "3.1.0"}
	if doc, err := guardKin(func() (*openapi3.T, error) { return want, nil }); doc != want || err != nil {
		t.Errorf("guardKin = %v, %v", doc, err)
	}
}

func TestParseErrorsNameTheInput(t *testing.T) {
	for _, doc := range []string{
		`{"openapi":"3.1.0","paths":{"/a":{"post":{"responses":{"200":null}}}}}`,
		`{"openapi":"3.1.0","paths":{},"components":{"schemas":{"A":{"type":7}}}}`,
		`{"openapi":"3.1.0","paths":{},"components":{"schemas":{"A":{"$ref":"#/components/schemas/A/items"}}}}`,
	} {
		_, err := Parse(&Input{Name: "in.json", Data: []byte(doc)})
		if err == nil || !strings.HasPrefix(err.Error(), "in.json: ") {
			t.Errorf("Parse(%s): err = %v", doc, err)
		}
	}
}
