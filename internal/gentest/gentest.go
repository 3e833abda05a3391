// Package gentest helps tests put generated packages in a temporary Go
// module and drive them: it writes the module, adds packages and test files,
// runs the go command there, and emits a table that calls every endpoint of
// a generated client by name.
package gentest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
)

// RepoRoot returns the root of the misskey-gen checkout.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedDir returns ../shared/<sub> beside the checkout, or skips the test
// with a message saying why when it is absent (a clone outside the
// workspace).
func SharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(), "..", "shared", sub)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("skipping: %s is absent (the real Misskey documents and recordings live beside the checkout in the development workspace)", dir)
	}
	return dir
}

// Specs returns the paths of the real API documents in ../shared/specs,
// sorted, or skips the test when the folder is absent.
func Specs(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(SharedDir(t, "specs"), "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("skipping: no *.json documents in ../shared/specs")
	}
	return files
}

// Module is a temporary Go module that requires what generated packages
// need (the same versions as misskey-gen's own go.mod).
type Module struct {
	Dir  string
	Path string // module path
}

// NewModule creates the module in a temporary directory removed at the end
// of the test.
func NewModule(t testing.TB) *Module {
	t.Helper()
	dir := t.TempDir()
	root := RepoRoot()
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var req strings.Builder
	inReq := false
	for _, line := range strings.Split(string(gomod), "\n") {
		switch {
		case strings.HasPrefix(line, "require ("):
			inReq = true
			req.WriteString(line + "\n")
		case inReq:
			req.WriteString(line + "\n")
			if strings.TrimSpace(line) == ")" {
				inReq = false
			}
		case strings.HasPrefix(line, "require "):
			req.WriteString(line + "\n")
		}
	}
	m := &Module{Dir: dir, Path: "example.com/gentest"}
	mod := "module " + m.Path + "\n\ngo 1.25\n\n" + req.String()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return m
}

// AddPackage writes generated files into the subdirectory sub.
func (m *Module) AddPackage(t testing.TB, sub string, files []generator.File) string {
	t.Helper()
	dir := filepath.Join(m.Dir, sub)
	if err := generator.Write(dir, files); err != nil {
		t.Fatal(err)
	}
	return dir
}

// AddFile writes one file into the subdirectory sub.
func (m *Module) AddFile(t testing.TB, sub, name string, content []byte) {
	t.Helper()
	dir := filepath.Join(m.Dir, sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Go runs the go command in the module with extra environment variables
// (KEY=VALUE) and returns its combined output.
func (m *Module) Go(env []string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = m.Dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Generate reads a document and generates its package, failing the test on
// error.
func Generate(t testing.TB, specPath, pkg string) ([]generator.File, *generator.API) {
	t.Helper()
	return GenerateWith(t, specPath, generator.Options{Package: pkg})
}

// GenerateWith is Generate with options (an ImportPath adds misskeytest).
func GenerateWith(t testing.TB, specPath string, opts generator.Options) ([]generator.File, *generator.API) {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	files, api, err := generator.Generate(&generator.Input{Name: specPath, Data: data}, opts)
	if err != nil {
		t.Fatalf("generate %s: %v", specPath, err)
	}
	return files, api
}

// CallTable returns the source of a Go file in package pkg that declares
//
//	var endpointCalls = map[string]func(ctx context.Context, c *Client, req []byte) (any, error)
//
// with one entry per endpoint of api. Each entry decodes req (a JSON object)
// into the endpoint's request type, if it has one, with decodeCallRequest
// (json.Unmarshal unless a test of the package replaces it), and calls the typed
// method (the list-form method, as UsersShowMany, when the request has the
// plural field, as userIds); multipart file fields get a small in-memory file. The result is
// the method's response value (nil for endpoints without one). It is meant
// for _test.go files of a generated package.
func CallTable(api *generator.API, pkg string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"context\"\n\t\"encoding/json\"\n\t\"strings\"\n)\n\n", pkg)
	b.WriteString("var _ = strings.NewReader\n\n")
	b.WriteString("// decodeCallRequest decodes the request of an endpointCalls entry; a test\n// may replace it (with a strict decoder, say).\n")
	b.WriteString("var decodeCallRequest = json.Unmarshal\n\n")
	b.WriteString("// endpointCalls calls every endpoint by name with a JSON request.\n")
	b.WriteString("var endpointCalls = map[string]func(ctx context.Context, c *Client, req []byte) (any, error){\n")
	for _, ep := range api.Endpoints {
		fmt.Fprintf(&b, "\t%q: func(ctx context.Context, c *Client, req []byte) (any, error) {\n", ep.Name)
		args := "ctx"
		if ep.Request != nil {
			fmt.Fprintf(&b, "\t\tvar r %s\n", ep.Request.Name)
			b.WriteString("\t\tif len(req) > 0 {\n\t\t\tif err := decodeCallRequest(req, &r); err != nil {\n\t\t\t\treturn nil, err\n\t\t\t}\n\t\t}\n")
			for _, f := range readerFields(ep.Request) {
				fmt.Fprintf(&b, "\t\tr.%s = strings.NewReader(\"file contents\")\n", f)
			}
			args += ", &r"
		}
		if ep.ListMethod != "" && ep.ListField != nil && ep.Request != nil {
			// The list form is called when the request asks for it: as
			// Misskey does (users/show: `if (ps.userIds)`), whenever the
			// plural is sent, even empty.
			fmt.Fprintf(&b, "\t\tif r.%s != nil {\n\t\t\treturn c.%s(%s)\n\t\t}\n", ep.ListField.Name, ep.ListMethod, args)
		}
		if ep.Response == nil {
			fmt.Fprintf(&b, "\t\treturn nil, c.%s(%s)\n", ep.GoName, args)
		} else {
			fmt.Fprintf(&b, "\t\treturn c.%s(%s)\n", ep.GoName, args)
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

func readerFields(t *generator.Type) []string {
	var out []string
	for _, f := range t.Fields {
		if f.Type.Kind == generator.RefReader {
			out = append(out, f.Name)
		}
	}
	for _, e := range t.Embeds {
		out = append(out, readerFields(e)...)
	}
	return out
}
