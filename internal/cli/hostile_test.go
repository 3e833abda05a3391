package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// assertTerminalSafe fails when out has a control character other than
// newline and tab, a C1 control, DEL, a bidirectional-text control or
// invalid UTF-8: anything a terminal could act on.
func assertTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	for i, r := range out {
		bad := r < 0x20 && r != '\n' && r != '\t' || 0x7f <= r && r < 0xa0 || 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069
		if r == utf8.RuneError {
			_, size := utf8.DecodeRuneInString(out[i:])
			bad = bad || size == 1
		}
		if bad {
			t.Fatalf("%s has %U at %d:\n%q", what, r, i, out)
		}
	}
}

// TestMainHostileServer is issue 12's item 8 through the command line: a
// server whose answers carry terminal escape sequences (in the status line,
// which net/http passes on raw, and in the body) cannot drive the terminal
// misskey-gen prints its error on.
func TestMainHostileServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/html/api.json":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>\x1b]0;pwned\x07\x1b[2J\xc2\x9b6n\xff</html>"))
			return
		}
		conn, bw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		bw.WriteString("HTTP/1.1 503 Service\x1b]0;pwned\x07Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 15\r\nConnection: close\r\n\r\nd\x1b[2Jown \u202e\x7f..")
		bw.Flush()
		conn.Close()
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/down", []string{`503 Service\u001b]0;pwned\u0007Unavailable`, `d\u001b[2Jown \u202e\u007f`}},
		{"/html", []string{`\u001b]0;pwned\u0007\u001b[2J\u009b6n\xff`}},
	} {
		code, stdout, stderr := runCLI(t, "", "-server", srv.URL+tc.path, "-out", filepath.Join(t.TempDir(), "x"))
		if code != 1 || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q", tc.path, code, stdout)
		}
		assertTerminalSafe(t, "stderr", stderr)
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", tc.path, w, stderr)
			}
		}
	}
}

// TestDiffHostileNames: the diff quotes names from the documents. An enum
// value with a bidirectional-text override (which the generator accepts) is
// printed escaped in text and markdown, and in JSON stays valid JSON of the
// same meaning; an endpoint name with an escape sequence (which it refuses)
// is quoted escaped in the error.
func TestDiffHostileNames(t *testing.T) {
	dir := t.TempDir()
	doc := func(name, paths string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{`+paths+`}}`), 0o644)
		return p
	}
	op := `{"post":{"operationId":"x","responses":{"200":{"description":"ok"}}}}`
	withEnum := func(values string) string {
		return `{"post":{"operationId":"x","requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"kind":{"type":"string","enum":[` + values + `]}}}}}},"responses":{"200":{"description":"ok"}}}}`
	}
	old := doc("old.json", `"/a":`+withEnum(`"a"`))
	bidi := doc("bidi.json", `"/a":`+withEnum(`"a","b\u202egnp.exe"`))
	esc := doc("esc.json", `"/a":`+op+`,"/b\u001b]0;pwned\u0007\u009b":`+op)
	for _, format := range []string{"text", "markdown", "json"} {
		code, stdout, stderr := runCLI(t, "", "diff", "-format", format, old, bidi)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", format, code, stderr)
		}
		assertTerminalSafe(t, format, stdout)
		if !strings.Contains(stdout, `b\u202egnp.exe`) {
			t.Errorf("%s: the enum value is not shown escaped:\n%s", format, stdout)
		}
		if format == "json" {
			var v any
			if err := json.Unmarshal([]byte(stdout), &v); err != nil || !strings.Contains(fmt.Sprint(v), "b\u202egnp.exe") {
				t.Errorf("json: %v, or the name lost its meaning: %v", err, v)
			}
		}
	}
	code, _, stderr := runCLI(t, "", "diff", old, esc)
	if code == 0 {
		t.Fatal("a name with control characters was accepted")
	}
	assertTerminalSafe(t, "stderr", stderr)
}
