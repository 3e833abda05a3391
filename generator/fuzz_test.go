package generator

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fuzzSeeds are small hand-written documents, each exercising a corner of
// the loader and the model: compositions, enums, self references, unions,
// multipart, error examples, odd names.
var fuzzSeeds = []string{
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}`,
	`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/ping":{"post":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object","properties":{"pong":{"type":"integer"}},"required":["pong"]}}}}}}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/notes/create":{"post":{"description":"x\n\n**Credential required**: *Yes* / **Permission**: *write:notes*","requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"text":{"type":["string","null"]},"visibility":{"type":"string","enum":["public","home"]},"fileIds":{"type":"array","items":{"type":"string"}}},"anyOf":[{"required":["text"]},{"required":["fileIds"]}]}}}},"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object","properties":{"createdNote":{"$ref":"#/components/schemas/Note"}},"required":["createdNote"]}}}},"400":{"description":"e","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"},"examples":{"A":{"value":{"error":{"message":"m","code":"NO_SUCH_NOTE","id":"x-1","kind":"client"}}}}}}}}}}},"components":{"schemas":{"Note":{"type":"object","properties":{"id":{"type":"string"},"reply":{"oneOf":[{"$ref":"#/components/schemas/Note"},{"type":"null"}]},"createdAt":{"type":"string","format":"date-time"}},"required":["id","createdAt"]},"Error":{"type":"object","properties":{"error":{"type":"object","additionalProperties":true}}}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/notes/timeline":{"post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"untilId":{"type":"string"},"limit":{"type":"integer"}}}}}},"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/Note"}}}}}}}}},"components":{"schemas":{"Note":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"Notification":{"oneOf":[{"type":"object","properties":{"type":{"type":"string","enum":["follow"]},"userId":{"type":"string"}},"required":["type"]},{"type":"object","properties":{"type":{"type":"string","enum":["mention"]},"note":{"$ref":"#/components/schemas/Node"}},"required":["type"]}]},"Node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}},"parent":{"$ref":"#/components/schemas/Node"}}}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"A":{"allOf":[{"$ref":"#/components/schemas/B"},{"type":"object","properties":{"x":{"type":"integer"}}}]},"B":{"type":"object","properties":{"x":{"type":"string"},"y":{"type":"boolean"}}},"M":{"type":"object","additionalProperties":{"type":"number"}},"U":{"anyOf":[{"type":"string"},{"type":"integer"},{"type":"array","items":{"type":"string"}}]},"E":{"type":"string","enum":["a-b","a_b","aB","aB",""]}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/drive/files/create":{"post":{"requestBody":{"content":{"multipart/form-data":{"schema":{"type":"object","properties":{"file":{"type":"string","format":"binary"},"name":{"type":["string","null"]}},"required":["file"]}}}},"responses":{"204":{"description":"no content"}}}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/type":{"post":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object","properties":{"type":{"type":"string"},"func":{"type":"string"},"2fa":{"type":"boolean"},"iconUrl":{"type":"string"},"iconURL":{"type":"string"},"user_id":{"type":"string"},"userId":{"type":"string"}}}}}}}}},"/notes-create":{"get":{"responses":{"204":{"description":"x"}}}},"/notes/create":{"post":{"responses":{"204":{"description":"x"}}}}},"components":{"schemas":{"Client":{"type":"object"},"Option":{"type":"string"},"APIError":{"type":"integer"}}}}`,
	`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/x":{"post":{"requestBody":{"content":{"application/xml":{"schema":{"type":"object"}}}},"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"string","nullable":true,"enum":["a",null]}}}}}}}},"components":{"schemas":{"N":{"not":{"type":"string"}},"P":{"type":"object","patternProperties":{"^x":{"type":"string"}}}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"A":{"$ref":"#/components/schemas/Missing"}}}}`,
	`{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{}}`,
	`[1,2,3]`,
	`{"openapi":"3.1.0","paths":{"/a":{"post":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":["string","number","boolean","null"]}}}}}}}}}`,
	`{"openapi":"3.1.0","info":{"title":"T */\n","version":"1\"\n*/"},"paths":{"/a":{"post":{"summary":"/* s","description":"/* d\n*/ e\u0000\ufeff\r","requestBody":{"content":{"application/json":{"schema":{"type":"object","description":"/*","properties":{"p":{"type":"string","description":"*/\n/*"}}}}}},"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"string"}}}},"400":{"description":"e","content":{"application/json":{"examples":{"x":{"value":{"error":{"code":"BAD\n*/","id":"i","message":"/* m \u0000","kind":"client"}}}}}}}}}}}}`,
	`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/users/show":{"post":{"requestBody":{"content":{"application/json":{"schema":{"anyOf":[{"type":"object","properties":{"userId":{"type":"string"}},"required":["userId"]},{"type":"object","properties":{"userIds":{"type":"array","items":{"type":"string"}}},"required":["userIds"]}]}}}},"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"oneOf":[{"$ref":"#/components/schemas/U"},{"type":"array","items":{"$ref":"#/components/schemas/U"}}]}}}}}}}},"components":{"schemas":{"U":{"type":"object","nullable":true,"properties":{"id":{"type":"string","format":"date-time"},"policies":{"type":"object"}},"required":["id"]},"V":{"type":"object","properties":{"v":{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"boolean"}]}}}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t\n//go:generate x","version":"1\u2028//go:build ignore"},"paths":{"/a":{"post":{"summary":"s\r//go:generate x","description":"d\n//go:generate touch m\r\n//line x.go:1\u0085//export F\u2029+build linux\u000b//go:noinline\u000c// +build x\u001c//extern f","requestBody":{"content":{"application/json":{"schema":{"type":"object","description":"\n//go:generate x","properties":{"p":{"type":"string","enum":["\n//go:generate x"],"description":"\r//go:generate x\u001b[2J\u202e"}}}}}},"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"oneOf":[{"type":"object","description":"\u2028//go:generate x","properties":{"type":{"type":"string","enum":["\n//go:generate x"]}}},{"type":"string"}]}}}},"400":{"description":"e","content":{"application/json":{"examples":{"x":{"value":{"error":{"code":"C\n//go:generate x","id":"i","message":"m\n//go:generate x\u2029//line y.go:2"}}}}}}}}}},"components":{"schemas":{"T":{"type":"array","description":"\n//go:generate x","prefixItems":[{"type":"string"}]},"E":{"type":"string","description":"\u0085//go:generate x","enum":["\n//go:generate x","+build"]}}}}}`,
	`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/ノート/作成":{"post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"名前":{"type":"string","enum":["日本","ßig"]},"":{"type":"string"},"a b":{"type":"string"}}}}}},"responses":{"204":{"description":"x"}}}}}}`,
}

// FuzzParse feeds arbitrary bytes to Parse, Build and Emit (make fuzz).
// Nothing may panic; a refused document must be refused with an error that
// says where; a generated package must print as Go without clashing names,
// and no line of it may be a directive (checkNoDirectiveLines).
// Seeds: testdata/openapi.json, fuzzSeeds, and the regression inputs under
// testdata/fuzz/FuzzParse (each once made the generator fail). The hostile
// corpus (testdata/hostile) is not a seed: the fuzzer minimises every new
// interesting input for up to a minute, and inputs grown from its 10–45 KB
// documents stalled it in trials; fuzzSeeds holds a compact directive
// document instead.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("..", "testdata", "openapi.json")); err == nil {
		f.Add(data)
	} else {
		f.Fatal(err)
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4<<20 {
			t.Skip("larger than any real document")
		}
		generateChecked(t, &Input{Name: "fuzz.json", Data: data})
	})
}

// generateChecked runs Parse, Build and Emit on in the way Generate does and
// fails t when a step breaks its contract: an error must name where it
// happened, and output must be Go without clashing declarations. It returns
// the files, or nil when the document was (properly) refused.
func generateChecked(t *testing.T, in *Input) []File {
	t.Helper()
	doc, err := Parse(in)
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, in.Name+": ") || len(msg) <= len(in.Name)+2 {
			t.Fatalf("Parse error does not name the input: %q", msg)
		}
		return nil
	}
	api, err := Build(doc)
	if err != nil {
		msg := err.Error()
		if !strings.Contains(msg, "#/") && !strings.Contains(msg, "endpoint ") {
			t.Fatalf("Build error names neither a JSON pointer nor an endpoint: %q", msg)
		}
		return nil
	}
	files, err := Emit(api, "misskey")
	if err != nil {
		// Emit only prints the model; a failure is a generator bug (the
		// model let through something that does not print as Go).
		t.Fatalf("Emit: %v", err)
	}
	if err := checkDecls(files); err != nil {
		t.Fatal(err)
	}
	checkNoDirectiveLines(t, files)
	return files
}

// directiveRe matches a line Go tools act on (after leading space):
// compiler and go command directives, line directives, cgo's export and
// extern, and build constraints old and new. The generator writes none of
// its own into a package (its header, "// Code generated … DO NOT EDIT.",
// is a marker, not a directive), so every match came from the document.
var directiveRe = regexp.MustCompile(`^[ \t]*(//go:|//line |//export |//extern |//[ \t]*\+build)`)

// checkNoDirectiveLines fails t when a generated file has a directive line
// or imports cgo's "C" (whose preceding comment would be compiled as C).
// It checks independently of the emitter's own guard (checkNoDirectives).
func checkNoDirectiveLines(t *testing.T, files []File) {
	t.Helper()
	for _, f := range files {
		for i, line := range strings.Split(string(f.Content), "\n") {
			if directiveRe.MatchString(line) || strings.TrimSpace(line) == `"C"` || strings.TrimSpace(line) == `import "C"` {
				t.Fatalf("%s:%d: a directive in the generated package: %q", f.Name, i+1, line)
			}
		}
	}
}

// checkDecls parses the generated files and reports what would stop them
// from compiling that a parser can see: package-level identifiers declared
// twice, methods declared twice on one type, duplicate struct fields, and
// identifiers that are not valid Go.
func checkDecls(files []File) error {
	fset := token.NewFileSet()
	structFields := map[string]map[string]bool{}
	pkgNames := map[string]string{}
	methods := map[string]string{}
	declare := func(m map[string]string, name, file string) error {
		if name == "_" {
			return nil
		}
		if prev, dup := m[name]; dup {
			return fmt.Errorf("%s declared in both %s and %s", name, prev, file)
		}
		m[name] = file
		return nil
	}
	for _, f := range files {
		af, err := parser.ParseFile(fset, f.Name, f.Content, parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("generated %s does not parse: %v", f.Name, err)
		}
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					if d.Name.Name == "init" {
						continue
					}
					if err := declare(pkgNames, d.Name.Name, f.Name); err != nil {
						return err
					}
					continue
				}
				if err := declare(methods, recvName(d.Recv)+"."+d.Name.Name, f.Name); err != nil {
					return err
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if err := declare(pkgNames, s.Name.Name, f.Name); err != nil {
							return err
						}
						if st, ok := s.Type.(*ast.StructType); ok {
							if err := checkFields(structFields, s.Name.Name, st); err != nil {
								return fmt.Errorf("%s: %v", f.Name, err)
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if err := declare(pkgNames, n.Name, f.Name); err != nil {
								return err
							}
						}
					}
				}
			}
		}
	}
	// A method and a field of the same name on one struct do not compile.
	for key := range methods {
		typ, name, _ := strings.Cut(key, ".")
		if fields, ok := structFields[typ]; ok && fields[name] {
			return fmt.Errorf("type %s has both a field and a method %s", typ, name)
		}
	}
	return nil
}

// checkFields reports duplicate or invalid field names of one struct and
// records its field names in structFields.
func checkFields(structFields map[string]map[string]bool, typ string, st *ast.StructType) error {
	seen := map[string]bool{}
	for _, fl := range st.Fields.List {
		names := fl.Names
		if len(names) == 0 { // embedded
			x := fl.Type
			if s, ok := x.(*ast.StarExpr); ok {
				x = s.X
			}
			if id, ok := x.(*ast.Ident); ok {
				names = []*ast.Ident{id}
			}
		}
		for _, n := range names {
			if !token.IsIdentifier(n.Name) {
				return fmt.Errorf("struct %s: field %q is not an identifier", typ, n.Name)
			}
			if seen[n.Name] {
				return fmt.Errorf("struct %s: field %s declared twice", typ, n.Name)
			}
			seen[n.Name] = true
		}
	}
	structFields[typ] = seen
	return nil
}

func recvName(fl *ast.FieldList) string {
	if fl == nil || len(fl.List) == 0 {
		return ""
	}
	x := fl.List[0].Type
	if s, ok := x.(*ast.StarExpr); ok {
		x = s.X
	}
	if ix, ok := x.(*ast.IndexExpr); ok {
		x = ix.X
	}
	if ix, ok := x.(*ast.IndexListExpr); ok {
		x = ix.X
	}
	if id, ok := x.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// TestRandomDocuments complements FuzzParse, whose byte mutations rarely
// produce a document that still parses: it builds random documents from
// the constructs and the awkward names the generator has to cope with
// (keywords, runtime identifiers, collisions, unicode, punctuation,
// self-references, unions, enums, hostile text) and holds each to the same
// contract.
func TestRandomDocuments(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 50
	}
	for seed := 0; seed < n; seed++ {
		doc := RandomTestDocument(uint64(seed))
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("document: %s", doc)
				}
			})
			generateChecked(t, &Input{Name: "random.json", Data: []byte(doc)})
		})
	}
}

// RandomTestDocument is randomDocument for the tests of package
// generator_test, which compile what it generates.
func RandomTestDocument(seed uint64) string {
	return randomDocument(rand.New(rand.NewPCG(seed, 7)))
}

var randomNames = []string{
	"id", "type", "func", "range", "2fa", "2faEnabled", "iconUrl", "iconURL", "user_id", "userId", "user-id",
	"Client", "Option", "APIError", "Optional", "Value", "Null", "Permission", "EndpointInfo", "Raw", "raw",
	"MarshalJSON", "unmarshalJSON", "call", "stream", "test", "linux", "amd64", "notes", "notes/create",
	"notes-create", "a-b", "a_b", "aB", "ノート", "ß", "x", "X", "untilId", "limit", "Err", "errNoSuchNote",
	"Request", "Response", "Item", "ListItem", "Value2", "_", "-", "a.b", "c:d",
}

var randomTexts = []string{
	"", "plain", "/* open", "*/ close", "line\nbreak", "nul\x00", "bom\ufeff", "cr\r", "`tick`", `"quote"`,
	"**Credential required**: *Yes* / **Permission**: *write:notes, read:account*",
}

func randomDocument(r *rand.Rand) string {
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	var comps []string
	for i := r.IntN(5); i >= 0; i-- {
		comps = append(comps, pick(randomNames))
	}
	var schema func(depth int) string
	schema = func(depth int) string {
		k := r.IntN(20)
		if depth > 3 && k > 5 && k < 12 {
			k = r.IntN(6)
		}
		desc := ""
		if r.IntN(4) == 0 {
			desc = `"description":` + q(pick(randomTexts)) + `,`
		}
		switch k {
		case 0:
			return `{` + desc + `"type":"string"}`
		case 1:
			return `{"type":["integer","null"]}`
		case 2:
			return `{"type":"string","format":"date-time","nullable":true}`
		case 3:
			return `{"$ref":` + q("#/components/schemas/"+pointerEscape(pick(comps))) + `}`
		case 4:
			var vals []string
			for i := r.IntN(4); i >= 0; i-- {
				vals = append(vals, q(pick(randomNames)))
			}
			if r.IntN(3) == 0 {
				vals = append(vals, "null")
			}
			return `{"type":"string","enum":[` + strings.Join(vals, ",") + `]}`
		case 5:
			return `{}`
		case 6, 7:
			var props, req []string
			for i := r.IntN(4); i >= 0; i-- {
				name := pick(randomNames)
				props = append(props, q(name)+":"+schema(depth+1))
				if r.IntN(2) == 0 {
					req = append(req, q(name))
				}
			}
			return `{` + desc + `"type":"object","properties":{` + strings.Join(props, ",") + `},"required":[` + strings.Join(req, ",") + `]}`
		case 8:
			return `{"type":"array","items":` + schema(depth+1) + `}`
		case 9:
			return `{"type":"object","additionalProperties":` + schema(depth+1) + `}`
		case 10:
			var brs []string
			disc := r.IntN(2) == 0
			for i := r.IntN(3); i >= 0; i-- {
				if disc {
					brs = append(brs, `{"type":"object","properties":{"type":{"type":"string","enum":[`+q(pick(randomNames))+`]},`+q(pick(randomNames))+`:`+schema(depth+1)+`}}`)
				} else {
					brs = append(brs, schema(depth+1))
				}
			}
			if r.IntN(3) == 0 {
				brs = append(brs, `{"type":"null"}`)
			}
			kw := "oneOf"
			if r.IntN(2) == 0 {
				kw = "anyOf"
			}
			return `{"` + kw + `":[` + strings.Join(brs, ",") + `]}`
		case 11:
			var parts []string
			for i := r.IntN(3); i >= 0; i-- {
				parts = append(parts, schema(depth+1))
			}
			return `{"allOf":[` + strings.Join(parts, ",") + `]}`
		case 12:
			return `{"allOf":[{"$ref":` + q("#/components/schemas/"+pointerEscape(pick(comps))) + `},{"type":"object","properties":{` + q(pick(randomNames)) + `:{"type":"boolean"}}}]}`
		case 13:
			return `{"type":"string","format":"binary"}`
		case 14:
			return `{"type":"object","properties":{"untilId":{"type":"string"},"sinceId":{"type":"string"},"limit":{"type":"integer"},` + q(pick(randomNames)) + `:` + schema(depth+1) + `}}`
		case 15:
			return `{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},` + q(pick(randomNames)) + `:{"type":"number"}},"required":["id"]}}`
		case 16:
			return `{"type":"object","$ref":` + q("#/components/schemas/"+pointerEscape(pick(comps))) + `}`
		case 17:
			return `{"type":"object","additionalProperties":true}`
		case 18:
			return `{"const":` + q(pick(randomNames)) + `}`
		default:
			return `{"type":"array","items":{"$ref":` + q("#/components/schemas/"+pointerEscape(pick(comps))) + `}}`
		}
	}
	var schemas []string
	seen := map[string]bool{}
	for _, c := range comps {
		if !seen[c] {
			seen[c] = true
			schemas = append(schemas, q(c)+":"+schema(0))
		}
	}
	var paths []string
	seenPath := map[string]bool{}
	for i := r.IntN(5); i >= 0; i-- {
		p := "/" + pick(randomNames)
		if r.IntN(2) == 0 {
			p += "/" + pick(randomNames)
		}
		if seenPath[p] {
			continue
		}
		seenPath[p] = true
		var op strings.Builder
		op.WriteString(`{"description":` + q(pick(randomTexts)))
		if r.IntN(3) > 0 {
			ct := "application/json"
			if r.IntN(5) == 0 {
				ct = "multipart/form-data"
			}
			op.WriteString(`,"requestBody":{"content":{` + q(ct) + `:{"schema":` + schema(0) + `}}}`)
		}
		op.WriteString(`,"responses":{`)
		if r.IntN(3) > 0 {
			op.WriteString(`"200":{"description":"ok","content":{"application/json":{"schema":` + schema(0) + `}}}`)
		} else {
			op.WriteString(`"204":{"description":"none"}`)
		}
		if r.IntN(2) == 0 {
			op.WriteString(`,"400":{"description":"e","content":{"application/json":{"examples":{` + q(pick(randomNames)) + `:{"value":{"error":{"code":` +
				q(strings.ToUpper(pick(randomNames))) + `,"id":` + q(pick(randomNames)) + `,"message":` + q(pick(randomTexts)) + `}}}}}}}`)
		}
		op.WriteString(`}}`)
		switch r.IntN(4) {
		case 0:
			paths = append(paths, q(p)+`:{"get":`+op.String()+`}`)
		case 1:
			paths = append(paths, q(p)+`:{"get":`+op.String()+`,"post":`+op.String()+`}`)
		default:
			paths = append(paths, q(p)+`:{"post":`+op.String()+`}`)
		}
	}
	return `{"openapi":"3.1.0","info":{"title":` + q(pick(randomTexts)) + `,"version":"1"},"paths":{` + strings.Join(paths, ",") +
		`},"components":{"schemas":{` + strings.Join(schemas, ",") + `}}}`
}
