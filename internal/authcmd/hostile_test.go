package authcmd

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
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

// hostileMiAuth answers every check with answer and serves no document.
func hostileMiAuth(t *testing.T, status int, answer string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/miauth/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, answer)
			return
		}
		// A status line that net/http passes on raw.
		conn, bw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		bw.WriteString("HTTP/1.1 404 Not\x1b]0;pwned\x07Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		bw.Flush()
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRunHostileServer is issue 12's item 8 through the command line: what a
// server sends reaches the terminal escaped, and a token that is not
// printable is not printed at all.
func TestRunHostileServer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		answer string
		args   []string
		code   int
		want   string // in stderr
	}{
		{"check error", 400, `{"error":{"message":"\u001b]0;pwned\u0007\u001b[2J","code":"X\u009b"}}`, nil, ExitFailure, `HTTP 400 X\u009b: \x1b]0;pwned\x07\x1b[2J`},
		{"user name", 200, `{"ok":true,"token":"tok123","user":{"username":"al\u001b[2Jice\u202e","host":"h\u009b"}}`, nil, ExitOK, `Approved by @al\u001b[2Jice\u202e@h\u009b.`},
		{"token", 200, `{"ok":true,"token":"tok\u001b]0;x\u0007"}`, nil, ExitFailure, "not printable ASCII"},
		{"document status line", 200, `{"ok":false}`, []string{"-endpoints", "i"}, ExitFailure, `404 Not\u001b]0;pwned\u0007Found`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := hostileMiAuth(t, tc.status, tc.answer)
			args := []string{"-server", srv.URL, "-name", "n", "-interval", "5ms", "-timeout", "5s"}
			if tc.args == nil {
				args = append(args, "-permission", "read:account")
			}
			code, stdout, stderr := run(t, context.Background(), append(args, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tc.code, stderr)
			}
			assertTerminalSafe(t, "stderr", stderr)
			assertTerminalSafe(t, "stdout", stdout)
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
			if tc.code != ExitOK && stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}
