package generator_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// TestRealSpecs generates a client for every real Misskey document in
// ../shared/specs, with its misskeytest fake server, twice (the outputs must
// be byte-identical), puts them all in one temporary module with a table
// that calls every endpoint, and runs go build and go vet over it. Each
// package must have exactly one method per distinct endpoint path of its
// document. The bot of README.md and its test (testdata/readmebot) go
// beside the client of the newest document, and that test runs.
func TestRealSpecs(t *testing.T) {
	specs := gentest.Specs(t)
	mod := gentest.NewModule(t)
	const botSpec = "live-misskey-2026.3.2"
	botDir := ""
	for _, spec := range specs {
		name := strings.TrimSuffix(filepath.Base(spec), ".json")
		sub := "specs/" + packageDir(name)
		files, api := gentest.GenerateWith(t, spec, generator.Options{Package: "misskey", ImportPath: mod.Path + "/" + sub})
		again, _ := gentest.GenerateWith(t, spec, generator.Options{Package: "misskey", ImportPath: mod.Path + "/" + sub})
		assertSameFiles(t, name, files, again)
		if !slices.ContainsFunc(files, func(f generator.File) bool { return f.Name == generator.TestServerDir+"/handlers.go" }) {
			t.Errorf("%s: no misskeytest", name)
		}
		if name == botSpec {
			botDir = sub + "/readmebot"
			for _, f := range []string{"bot.go", "bot_test.go"} {
				src, err := os.ReadFile(filepath.Join("testdata", "readmebot", f))
				if err != nil {
					t.Fatal(err)
				}
				mod.AddFile(t, botDir, f, bytes.ReplaceAll(src, []byte(`"example.com/mybot/misskey`), []byte(`"`+mod.Path+"/"+sub)))
			}
		}

		paths := documentPaths(t, spec)
		if len(api.Endpoints) != len(paths) {
			t.Errorf("%s: %d endpoints modelled, document has %d distinct paths", name, len(api.Endpoints), len(paths))
		}
		dir := mod.AddPackage(t, sub, files)
		mod.AddFile(t, sub, "zz_calls_test.go", gentest.CallTable(api, "misskey"))

		got := endpointMethods(t, dir)
		if strings.Join(got, "\n") != strings.Join(paths, "\n") {
			t.Errorf("%s: generated methods call %d endpoints, document has %d paths; first difference: %s", name, len(got), len(paths), firstDifference(got, paths))
		}
	}
	if out, err := mod.Go(nil, "build", "./..."); err != nil {
		t.Fatalf("go build of the generated packages failed:\n%s", out)
	}
	if out, err := mod.Go(nil, "vet", "./..."); err != nil {
		t.Fatalf("go vet of the generated packages failed:\n%s", out)
	}
	if botDir == "" {
		t.Fatalf("../shared/specs has no %s.json for the README's bot", botSpec)
	}
	if out, err := mod.Go(nil, "test", "-count=1", "./"+botDir); err != nil {
		t.Fatalf("the README's bot test failed:\n%s", out)
	}
}

func packageDir(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return "m_" + b.String()
}

func assertSameFiles(t *testing.T, name string, a, b []generator.File) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: two runs gave %d and %d files", name, len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Content, b[i].Content) {
			t.Fatalf("%s: two runs differ in %s", name, a[i].Name)
		}
	}
}

// documentPaths lists the distinct endpoint names of a document, read with
// plain encoding/json so the test does not trust the loader it tests.
func documentPaths(t *testing.T, spec string) []string {
	data, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for p, ops := range doc.Paths {
		if ops["post"] != nil || ops["get"] != nil {
			out = append(out, strings.Trim(p, "/"))
		}
	}
	sort.Strings(out)
	return out
}

// endpointMethods returns, sorted, the endpoint names that methods of
// *Client pass to c.call or c.callMultipart, failing on an endpoint called
// by two methods (but for the two forms of one endpoint, X and XMany).
func endpointMethods(t *testing.T, dir string) []string {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "api_*.go"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "call" && sel.Sel.Name != "callMultipart") || len(call.Args) < 2 {
					return true
				}
				lit, ok := call.Args[1].(*ast.BasicLit)
				if !ok {
					return true
				}
				name, _ := strconv.Unquote(lit.Value)
				if other, dup := seen[name]; dup && other != fd.Name.Name {
					// One endpoint, two forms: UsersShow and UsersShowMany.
					if other+"Many" != fd.Name.Name && fd.Name.Name+"Many" != other {
						t.Errorf("endpoint %s is called by both %s and %s", name, other, fd.Name.Name)
					}
					if len(fd.Name.Name) > len(other) {
						return true
					}
				}
				seen[name] = fd.Name.Name
				return true
			})
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func firstDifference(a, b []string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return strconv.Quote(a[i]) + " vs " + strconv.Quote(b[i])
		}
	}
	if len(a) > len(b) {
		return "extra " + strconv.Quote(a[len(b)])
	}
	if len(b) > len(a) {
		return "missing " + strconv.Quote(b[len(a)])
	}
	return "none"
}
