package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// runCLI runs Main with stdin and returns the exit status and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func testdataSpec(t *testing.T) (path string, data []byte) {
	t.Helper()
	path = filepath.Join(gentest.RepoRoot(), "testdata", "openapi.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

// readPackage returns the files of a directory by name.
func readPackage(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			out[e.Name()] = "dir"
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func TestMainVersion(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-version")
	if code != 0 || stdout != "misskey-gen "+generator.Version+"\n" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestMainUsageErrors(t *testing.T) {
	spec, _ := testdataSpec(t)
	out := filepath.Join(t.TempDir(), "out")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no flags", nil, "give exactly one of -spec and -server"},
		{"no -out", []string{"-spec", spec}, "-out is required"},
		{"-spec and -server", []string{"-spec", spec, "-server", "misskey.io", "-out", out}, "give exactly one of -spec and -server"},
		{"unknown flag", []string{"-nope"}, "flag provided but not defined: -nope"},
		{"stray argument", []string{"-spec", spec, "-out", out, "extra"}, `unexpected argument "extra"`},
		{"bad server", []string{"-server", "ftp://misskey.io", "-out", out}, "scheme must be http or https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a usage error created the output directory: %v", err)
	}
}

// newModule returns a temporary directory with a go.mod of module
// example.com/bot.
func newModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/bot\n\ngo 1.25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestMainGenerateAndCheck(t *testing.T) {
	spec, data := testdataSpec(t)
	root := newModule(t)
	out := filepath.Join(root, "misskey")

	code, stdout, stderr := runCLI(t, "", "-spec", spec, "-out", out)
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("generate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	written := readPackage(t, out)
	for _, name := range []string{"types.go", "client.go", "permissions.go", "spec.go", "api_notes.go"} {
		content, ok := written[name]
		if !ok {
			t.Errorf("%s not written", name)
			continue
		}
		if !generator.IsGenerated([]byte(content)) || !strings.Contains(content, "\npackage misskey\n") {
			t.Errorf("%s lacks the header or the package clause", name)
		}
	}

	t.Run("check on a current directory", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "", "-spec", spec, "-out", out, "-check")
		if code != 0 || stdout != "" || stderr != "" {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})

	ts := readPackage(t, filepath.Join(out, "misskeytest"))
	if !strings.Contains(ts["endpoints.go"], `misskey "example.com/bot/misskey"`) || !strings.Contains(ts["handlers.go"], "func (s *Server) HandleNotesCreate(") {
		t.Errorf("misskeytest does not import the client by the go.mod's path, or lacks its handlers")
	}

	t.Run("stdin", func(t *testing.T) {
		out2 := filepath.Join(root, "stdin", "misskey")
		code, stdout, stderr := runCLI(t, string(data), "-spec", "-", "-out", out2)
		if code != 0 || stdout != "" || stderr != "" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		got := readPackage(t, out2)
		if len(got) != len(written) {
			t.Errorf("%d files from stdin, %d from the file", len(got), len(written))
		}
		for name, content := range written {
			if name != "misskeytest" && got[name] != content {
				t.Errorf("%s differs between -spec FILE and -spec -", name)
			}
		}
		// And -check reads stdin too.
		if code, _, stderr := runCLI(t, string(data), "-spec", "-", "-out", out, "-check"); code != 0 {
			t.Errorf("-check from stdin: exit %d, stderr %q", code, stderr)
		}
	})

	t.Run("check on a tampered directory", func(t *testing.T) {
		path := filepath.Join(out, "types.go")
		orig := written["types.go"]
		tampered := strings.Replace(orig, "\ntype ", "\n// a hand edit\ntype ", 1)
		if tampered == orig {
			t.Fatal("types.go declares no type")
		}
		if err := os.WriteFile(path, []byte(tampered), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, "", "-spec", spec, "-out", out, "-check")
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		for _, want := range []string{"changed: types.go", "+++ b/" + strings.TrimPrefix(filepath.ToSlash(path), "/"), "-// a hand edit", "without -check"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, stdout)
			}
		}
		if stderr != "" {
			t.Errorf("stderr %q", stderr)
		}
		// -check wrote nothing.
		if b, _ := os.ReadFile(path); string(b) != tampered {
			t.Error("-check changed types.go")
		}
		// Generating again repairs it.
		if code, _, stderr := runCLI(t, "", "-spec", spec, "-out", out); code != 0 {
			t.Fatalf("regenerate: exit %d, %s", code, stderr)
		}
		if b, _ := os.ReadFile(path); string(b) != orig {
			t.Error("regenerating did not restore types.go")
		}
	})
}

// TestMainTestServer covers where misskeytest's import of the client comes
// from: the go.mod, -import-path, or nowhere (then it is not generated and
// a note says why).
func TestMainTestServer(t *testing.T) {
	spec, _ := testdataSpec(t)
	noModule := t.TempDir()

	out := filepath.Join(noModule, "a", "misskey")
	code, stdout, stderr := runCLI(t, "", "-spec", spec, "-out", out)
	if code != 0 || stdout != "" || !strings.Contains(stderr, "misskeytest not generated") || !strings.Contains(stderr, "no go.mod found") || !strings.Contains(stderr, "-import-path") {
		t.Errorf("no go.mod: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "misskeytest")); !os.IsNotExist(err) {
		t.Errorf("misskeytest written without an import path: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "client.go")); err != nil {
		t.Errorf("the client was not written: %v", err)
	}

	out = filepath.Join(noModule, "b", "misskey")
	code, _, stderr = runCLI(t, "", "-spec", spec, "-out", out, "-import-path", "example.org/x/misskey")
	if code != 0 || stderr != "" {
		t.Fatalf("-import-path: exit %d, stderr %q", code, stderr)
	}
	ts := readPackage(t, filepath.Join(out, "misskeytest"))
	if !strings.Contains(ts["endpoints.go"], `misskey "example.org/x/misskey"`) {
		t.Error("-import-path not used")
	}
	if code, stdout, stderr = runCLI(t, "", "-spec", spec, "-out", out, "-import-path", "example.org/x/misskey", "-check"); code != 0 || stdout != "" || stderr != "" {
		t.Errorf("-check: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// Without the path, -check reports misskeytest as going away.
	code, stdout, _ = runCLI(t, "", "-spec", spec, "-out", out, "-check")
	if code != 1 || !strings.Contains(stdout, "removed: misskeytest/handlers.go") {
		t.Errorf("-check without the path: exit %d, stdout %.300q", code, stdout)
	}

	code, _, stderr = runCLI(t, "", "-spec", spec, "-out", out, "-misskeytest=false")
	if code != 0 || stderr != "" {
		t.Fatalf("-misskeytest=false: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "misskeytest")); !os.IsNotExist(err) {
		t.Errorf("-misskeytest=false left misskeytest: %v", err)
	}
	if code, _, stderr = runCLI(t, "", "-spec", spec, "-out", out, "-import-path", "not a path"); code != 1 || !strings.Contains(stderr, "import path") {
		t.Errorf("bad -import-path: exit %d, stderr %q", code, stderr)
	}
}

func TestMainGenerationErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\"openapi\": \"3.1.0\",\n\"paths\": {]}"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, _ := testdataSpec(t)
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  []string
	}{
		{"missing file", "", []string{"-spec", filepath.Join(dir, "nope.json"), "-out", filepath.Join(dir, "o1")}, []string{"nope.json"}},
		{"bad JSON", "", []string{"-spec", bad, "-out", filepath.Join(dir, "o2")}, []string{bad, "line 2, column 11"}},
		{"bad JSON on stdin", "[]", []string{"-spec", "-", "-out", filepath.Join(dir, "o3")}, []string{"-: the document is not a JSON object"}},
		{"bad package name", "", []string{"-spec", spec, "-out", filepath.Join(dir, "o4"), "-package", "func"}, []string{`package name "func"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != 1 || stdout != "" {
				t.Errorf("exit %d, stdout %q", code, stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
		})
	}
}

func TestMainServer(t *testing.T) {
	_, data := testdataSpec(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api.json":
			w.Header().Set("Content-Type", "application/json")
			w.Write(data)
		case "/down/api.json":
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "mk")

	code, stdout, stderr := runCLI(t, "", "-server", srv.URL+"/api-doc", "-out", out, "-v")
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(out, "spec.go")); err != nil || !strings.Contains(string(b), "\npackage mk\n") {
		t.Errorf("spec.go: %v (the package is named after the directory)", err)
	}
	code, _, stderr = runCLI(t, "", "-server", srv.URL+"/down", "-out", filepath.Join(t.TempDir(), "x"))
	if code != 1 || !strings.Contains(stderr, "503 Service Unavailable") || !strings.Contains(stderr, srv.URL+"/down/api.json") {
		t.Errorf("server down: exit %d, stderr %q", code, stderr)
	}
}

// TestMainLiteral: the fixups table is on by default (-v lists where it
// changed the document) and -literal maps the document as written.
func TestMainLiteral(t *testing.T) {
	spec, _ := testdataSpec(t)
	fixedDir := filepath.Join(t.TempDir(), "misskey")
	code, _, stderr := runCLI(t, "", "-spec", spec, "-out", fixedDir, "-v")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "misskey-gen: fixup: muted-words at #/components/schemas/MeDetailedOnly/properties/mutedWords") {
		t.Errorf("-v does not list the applied fixups:\n%s", stderr)
	}
	literalDir := filepath.Join(t.TempDir(), "misskey")
	code, _, stderr = runCLI(t, "", "-spec", spec, "-out", literalDir, "-literal", "-v")
	if code != 0 {
		t.Fatalf("-literal: exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "fixup:") {
		t.Errorf("-literal applied fixups:\n%s", stderr)
	}
	fixed, literal := readPackage(t, fixedDir)["api_ping.go"], readPackage(t, literalDir)["api_ping.go"]
	if !strings.Contains(fixed, "Pong int64") || !strings.Contains(literal, "Pong float64") {
		t.Errorf("ping's pong: with fixups\n%s\nliteral\n%s", fixed, literal)
	}
}
