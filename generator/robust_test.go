package generator_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// robustDoc builds a document from the inner JSON of its paths and
// components.schemas objects.
func robustDoc(paths, schemas string) string {
	return `{"openapi":"3.1.0","info":{"title":"Robustness","version":"1.0"},"paths":{` + paths +
		`},"components":{"schemas":{` + schemas + `}}}`
}

// op is one POST endpoint with an optional JSON request schema and an
// optional 200 JSON response schema ("" for none).
func op(path, req, resp string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q:{\"post\":{", path)
	if req != "" {
		fmt.Fprintf(&b, `"requestBody":{"content":{"application/json":{"schema":%s}}},`, req)
	}
	if resp != "" {
		fmt.Fprintf(&b, `"responses":{"200":{"description":"ok","content":{"application/json":{"schema":%s}}}}`, resp)
	} else {
		b.WriteString(`"responses":{"204":{"description":"no content"}}`)
	}
	b.WriteString("}}")
	return b.String()
}

// obj is an object schema with the given properties (inner JSON) and
// required names.
func obj(props string, required ...string) string {
	req := ""
	if len(required) > 0 {
		req = `,"required":["` + strings.Join(required, `","`) + `"]`
	}
	return `{"type":"object","properties":{` + props + `}` + req + `}`
}

// nested is an object schema nested depth levels deep through property "x".
func nested(depth int) string {
	s := `{"type":"string"}`
	for i := 0; i < depth; i++ {
		s = `{"type":"object","properties":{"x":` + s + `}}`
	}
	return s
}

type robustCase struct {
	name string
	doc  string
	// wantErr: generation must fail with an error containing every one of
	// these; nil: generation must succeed and the output compile and vet.
	wantErr []string
	// wantWarn: a warning whose text contains this must be reported.
	wantWarn string
	// check inspects the model of a successful generation.
	check func(t *testing.T, api *generator.API)
}

var robustCases = []robustCase{
	// Not a document at all.
	{name: "bad JSON", doc: "{\"openapi\": \"3.1.0\",\n  \"paths\": {\n    \"/a\": {,}\n  }\n}",
		wantErr: []string{"robust.json: ", "line 3, column 12"}},
	{name: "truncated JSON", doc: `{"openapi": "3.1.0", "paths": {`, wantErr: []string{"unexpected end"}},
	{name: "trailing data", doc: "{\"openapi\":\"3.1.0\",\"paths\":{}}\n}", wantErr: []string{"line 2, column 1"}},
	{name: "array", doc: `[{"openapi":"3.1.0"}]`, wantErr: []string{"not a JSON object"}},
	{name: "string", doc: `"openapi"`, wantErr: []string{"not a JSON object"}},
	{name: "null", doc: `null`, wantErr: []string{"not a JSON object"}},
	{name: "empty", doc: ``, wantErr: []string{"unexpected end"}},
	{name: "swagger 2", doc: `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{}}`, wantErr: []string{"Swagger 2"}},
	{name: "no openapi", doc: `{"info":{"title":"t","version":"1"},"paths":{}}`, wantErr: []string{"#/openapi"}},
	{name: "openapi not a string", doc: `{"openapi":3,"paths":{}}`, wantErr: []string{"#/openapi"}},
	{name: "missing paths", doc: `{"openapi":"3.1.0","info":{"title":"t","version":"1"}}`, wantErr: []string{"#/paths"}},
	{name: "paths not an object", doc: `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":[]}`, wantErr: []string{"#/paths"}},

	// References.
	{name: "unknown ref in component",
		doc:     robustDoc(``, `"A":`+obj(`"x":{"$ref":"#/components/schemas/Missing"}`)),
		wantErr: []string{"#/components/schemas/A/properties/x", `"#/components/schemas/Missing"`}},
	{name: "unknown ref in request",
		doc:     robustDoc(op("/notes/create", `{"$ref":"#/components/schemas/NoSuch"}`, ""), ``),
		wantErr: []string{"#/paths/~1notes~1create/post/requestBody/content/application~1json/schema", "NoSuch"}},
	{name: "external ref",
		doc:     robustDoc(``, `"A":{"$ref":"other.json#/components/schemas/A"}`),
		wantErr: []string{"#/components/schemas/A", "outside the document"}},
	{name: "cyclic refs",
		doc:     robustDoc(``, `"A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}`),
		wantErr: []string{"#/components/schemas/A", "cycle"}},
	{name: "ref to itself",
		doc:     robustDoc(``, `"A":{"$ref":"#/components/schemas/A"}`),
		wantErr: []string{"#/components/schemas/A", "cycle"}},
	{name: "self reference through components",
		doc: robustDoc(op("/nodes/show", obj(`"id":{"type":"string"}`), `{"$ref":"#/components/schemas/Node"}`),
			`"Node":`+obj(`"id":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}},`+
				`"parent":{"$ref":"#/components/schemas/Node"},"next":{"oneOf":[{"$ref":"#/components/schemas/Node"},{"type":"null"}]},`+
				`"byName":{"type":"object","additionalProperties":{"$ref":"#/components/schemas/Node"}}`, "id", "children", "parent")),
		check: func(t *testing.T, api *generator.API) {
			node := findType(t, api, "Node")
			want := map[string]string{"Children": "[]Node", "Parent": "*Node", "Next": "*Node", "ByName": "map[string]Node"}
			for _, f := range node.Fields {
				if w, ok := want[f.Name]; ok && goTypeString(f) != w {
					t.Errorf("Node.%s is %s, want %s", f.Name, goTypeString(f), w)
				}
			}
		}},
	{name: "mutual recursion",
		doc: robustDoc(``, `"A":`+obj(`"b":{"$ref":"#/components/schemas/B"}`, "b")+`,"B":`+obj(`"a":{"$ref":"#/components/schemas/A"}`, "a")+
			`,"L":{"type":"array","items":{"$ref":"#/components/schemas/L"}}`)},
	{name: "allOf cycle",
		doc: robustDoc(``, `"A":{"allOf":[{"$ref":"#/components/schemas/B"},`+obj(`"a":{"type":"string"}`)+`]},`+
			`"B":{"allOf":[{"$ref":"#/components/schemas/A"},`+obj(`"b":{"type":"string"}`)+`]}`)},
	{name: "nullable self alias",
		doc:     robustDoc(``, `"A":{"oneOf":[{"$ref":"#/components/schemas/A"},{"type":"null"}]}`),
		wantErr: []string{"#/components/schemas/A", "only a reference to itself"}},
	{name: "self alias through another component",
		doc:     robustDoc(``, `"A":{"anyOf":[{"$ref":"#/components/schemas/B"}]},"B":{"oneOf":[{"$ref":"#/components/schemas/A"},{"type":"null"}]}`),
		wantErr: []string{"#/components/schemas/B", "only a reference to itself"}},

	// Constructs the generator does not model.
	{name: "unsupported constructs",
		doc: robustDoc(
			`"/x":{"post":{"requestBody":{"content":{"application/xml":{"schema":{"type":"object","properties":{"a":{"type":"string"}}}}}},`+
				`"responses":{"200":{"description":"ok","content":{"application/xml":{"schema":{"type":"string"}}}}}}},`+
				op("/y", `{"type":"object","properties":{"a":{"type":"string"}},"if":{"required":["a"]},"then":{"required":["b"]},"else":{"not":{}}}`, ""),
			`"Not":{"not":{"type":"string"}},`+
				`"Pattern":{"type":"object","patternProperties":{"^x-":{"type":"string"}}},`+
				`"Tuple":{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}]},`+
				`"Dependent":{"type":"object","properties":{"a":{"type":"string"}},"dependentSchemas":{"a":{"required":["b"]}}},`+
				`"Const":{"const":"fixed"},`+
				`"Multi":{"type":["string","integer","boolean","null"]},`+
				`"Empty":{},`+
				`"Bool":true`),
		wantWarn: "application/xml"},

	// Names.
	{name: "go keywords",
		doc: robustDoc(op("/type", obj(`"type":{"type":"string"},"func":{"type":"integer"},"range":{"type":"boolean"},"package":{"type":"string"},"import":{"type":"string"}`), `{"$ref":"#/components/schemas/func"}`)+","+
			op("/func", "", `{"$ref":"#/components/schemas/range"}`)+","+op("/range", "", ""),
			`"func":`+obj(`"type":{"type":"string"},"interface":{"type":"string"}`)+`,"range":{"type":"string","enum":["type","func","range"]},"type":{"type":"integer"}`)},
	{name: "leading digits",
		doc: robustDoc(op("/2fa/enable", obj(`"2fa":{"type":"boolean"},"2faEnabled":{"type":"boolean"},"123":{"type":"string"}`), `{"$ref":"#/components/schemas/2fa"}`),
			`"2fa":`+obj(`"1st":{"type":"string","enum":["1","2","-1","1.5"]}`))},
	{name: "collisions",
		doc: robustDoc(op("/notes/create", obj(`"iconUrl":{"type":"string"},"iconURL":{"type":"string"},"user_id":{"type":"string"},"userId":{"type":"string"},"user-id":{"type":"string"}`), obj(`"a":{"type":"string"}`))+","+
			op("/notes-create", obj(`"b":{"type":"string"}`), obj(`"b":{"type":"string"}`))+","+
			op("/notes_create", "", "")+","+op("/notes/create-all", "", "")+","+
			op("/test", "", "")+","+op("/test_endpoints/x", "", "")+","+op("/Linux", "", "")+","+op("/linux-endpoints", "", "")+","+op("/ノート", "", "")+","+op("/日本", "", ""),
			`"Foo":`+obj(`"x":{"type":"string"}`)+`,"foo":`+obj(`"y":{"type":"string"}`)+`,"NotesCreateRequest":`+obj(`"z":{"type":"string"}`)+
				`,"NotesCreateResponse":{"type":"string","enum":["a","b"]}`),
		check: func(t *testing.T, api *generator.API) {
			var names []string
			for _, ep := range api.Endpoints {
				names = append(names, ep.GoName)
			}
			if got := strings.Join(names, " "); got != "Linux LinuxEndpoints NotesCreate NotesCreate2 NotesCreateAll NotesCreate3 Test TestEndpointsX Xノート X日本" {
				t.Errorf("endpoint names %q", got)
			}
		}},
	{name: "runtime identifiers",
		doc: robustDoc(op("/call", obj(`"a":{"type":"string"}`), `{"$ref":"#/components/schemas/Client"}`)+","+op("/stream", "", `{"$ref":"#/components/schemas/APIError"}`)+","+
			op("/callMultipart", "", "")+","+op("/do", "", ""),
			`"Client":`+obj(`"raw":{"type":"string"},"Raw":{"type":"string"}`)+`,"Option":{"type":"string"},"APIError":`+obj(`"code":{"type":"string"}`)+
				`,"Optional":{"type":"integer"},"Value":{"type":"boolean"},"Null":{"type":"string","enum":["a"]},"Permission":{"type":"string"},"EndpointInfo":{"type":"string"}`+
				`,"U":{"oneOf":[`+obj(`"type":{"type":"string","enum":["raw"]}`)+`,`+obj(`"type":{"type":"string","enum":["marshalJSON"]}`)+`,`+obj(`"type":{"type":"string","enum":["unmarshalJSON"]}`)+`]}`),
		check: func(t *testing.T, api *generator.API) {
			for _, ep := range api.Endpoints {
				if ep.GoName == "Call" || ep.GoName == "Stream" {
					t.Errorf("endpoint %s took the runtime's method name %s", ep.Name, ep.GoName)
				}
			}
			for _, ty := range api.Types {
				switch ty.Name {
				case "Client", "Option", "APIError", "Optional", "Value", "Null", "Permission", "EndpointInfo":
					t.Errorf("component %s took the runtime's name %s", ty.Component, ty.Name)
				}
			}
		}},
	{name: "unicode names",
		doc: robustDoc(op("/ノート/作成", obj(`"名前":{"type":"string"},"émoji":{"type":"string"},"t\u00e9t\u00e9":{"type":"string"},"ǅemal":{"type":"string"},"ß":{"type":"string"}`), `{"$ref":"#/components/schemas/ユーザー"}`),
			`"ユーザー":`+obj(`"状態":{"type":"string","enum":["日本","中国","ßig"]}`))},
	{name: "combining mark in property name", doc: robustDoc(``, `"A":`+obj(`"e\u0301":{"type":"string"}`)), wantErr: []string{"#/components/schemas/A/properties/e\u0301", "struct tag"}},
	{name: "empty property name", doc: robustDoc(``, `"A":`+obj(`"":{"type":"string"}`)), wantErr: []string{"#/components/schemas/A/properties/"}},
	{name: "empty component name", doc: robustDoc(``, `"":`+obj(`"a":{"type":"string"}`)), wantErr: []string{"#/components/schemas/"}},
	{name: "punctuation-only names", doc: robustDoc(op("/", "", "")+","+op("/-/+", "", ""), `"A":`+obj(`"-":{"type":"string"},"+":{"type":"string"}`)),
		wantErr: []string{"#/paths/~1-~1+", "endpoint"}},
	{name: "quote in property name", doc: robustDoc(``, `"A":`+obj(`"a\"b":{"type":"string"}`)), wantErr: []string{`#/components/schemas/A/properties/a"b`, "property name"}},
	{name: "comma in property name", doc: robustDoc(op("/x", obj(`"a,b":{"type":"string"}`), ""), ``), wantErr: []string{"#/paths/~1x/post/requestBody/content/application~1json/schema/properties/a,b"}},
	{name: "space in property name", doc: robustDoc(``, `"A":`+obj(`"a b":{"type":"string"}`)), wantErr: []string{`#/components/schemas/A/properties/a b`}},
	{name: "enum values",
		doc: robustDoc(op("/x", obj(`"kind":{"type":"string","enum":["a-b","a_b","aB","aB","A-B","","-","_","type",null]}`), ""),
			`"E":{"type":"string","enum":["a-b","a_b","aB","aB","x","X",""]},"N":{"type":"integer","enum":[1,2,2]}`)},

	// Text that lands in comments and literals.
	{name: "hostile text",
		doc: `{"openapi":"3.1.0","info":{"title":"T */ \"x\" \n// y\u0000","version":"1\"\n*/"},"paths":{` +
			`"/a":{"post":{"summary":"/* open","description":"/* starts a comment\n*/ ends one\n\u0000 nul \u000b vt \ufeff bom \r cr\n` + "`" + `backtick` + "`" + `",` +
			`"requestBody":{"content":{"application/json":{"schema":{"type":"object","description":"/*","properties":{"p":{"type":"string","description":"*/\n/*\n\u0000"}}}}}},` +
			`"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"string"}}}},` +
			`"400":{"description":"e","content":{"application/json":{"examples":{"x":{"value":{"error":{"code":"BAD\n*/ CODE","id":"id\"\n","message":"/* m \u0000","kind":"client"}}}}}}}}}}},` +
			`"components":{"schemas":{"C":{"type":"object","title":"*/","description":"/*\n\u0000","properties":{"q":{"type":"string"}}}}}}`},
	{name: "deep nesting", doc: robustDoc(op("/deep", nested(40), nested(40)), `"Deep":`+nested(40))},
	{name: "huge nesting", doc: robustDoc(op("/deep", nested(100), ""), ``),
		wantErr: []string{"endpoint deep: #/paths/~1deep/post/requestBody/content/application~1json/schema/properties/x/properties/x/", "nested more than 64"}},
	{name: "nesting refused before parsing", doc: robustDoc(op("/deep", nested(300), ""), ``),
		wantErr: []string{"robust.json: #/paths/~1deep/post/requestBody/content/application~1json/schema/properties/x/properties/x/", "nested more than 256"}},
	{name: "huge nesting in a component", doc: robustDoc(``, `"Deep":{"type":"array","items":`+strings.Repeat(`{"type":"array","items":`, 200)+`{"type":"string"}`+strings.Repeat("}", 201)),
		wantErr: []string{"#/components/schemas/Deep/items/items/", "nested more than"}},
	{name: "nesting beyond JSON", doc: `{"openapi":"3.1.0","paths":{"/a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`,
		wantErr: []string{"line 1, column", "exceeded max depth"}},
}

func findType(t *testing.T, api *generator.API, name string) *generator.Type {
	t.Helper()
	for _, ty := range api.Types {
		if ty.Name == name {
			return ty
		}
	}
	t.Fatalf("no type %s", name)
	return nil
}

// goTypeString spells a field's Go type as the emitter writes it.
func goTypeString(f *generator.Field) string {
	s := refString(f.Type)
	switch f.Wrap {
	case generator.WrapPointer:
		return "*" + s
	case generator.WrapOptional:
		return "Optional[" + s + "]"
	}
	return s
}

func refString(r *generator.TypeRef) string {
	switch r.Kind {
	case generator.RefString:
		return "string"
	case generator.RefInt:
		return "int64"
	case generator.RefFloat:
		return "float64"
	case generator.RefBool:
		return "bool"
	case generator.RefTime:
		return "time.Time"
	case generator.RefReader:
		return "io.Reader"
	case generator.RefAny:
		return "any"
	case generator.RefRaw:
		return "json.RawMessage"
	case generator.RefNamed:
		return r.Named.Name
	case generator.RefSlice:
		return "[]" + refString(r.Elem)
	case generator.RefMap:
		return "map[string]" + refString(r.Elem)
	}
	return "?"
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// TestMalformedDocuments feeds the generator documents that are broken or
// odd. Each must give an error naming the place (input, JSON pointer or
// endpoint), or output that compiles and passes go vet: the generated
// packages are written into one temporary module, one directory per case,
// and built and vetted together.
func TestMalformedDocuments(t *testing.T) {
	m := gentest.NewModule(t)
	generated := false
	built := map[string]string{} // package directory → case name
	for _, tc := range robustCases {
		t.Run(tc.name, func(t *testing.T) {
			files, api, err := generator.Generate(&generator.Input{Name: "robust.json", Data: []byte(tc.doc)}, generator.Options{Package: "robust"})
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("generation succeeded; want an error containing %q", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				if !strings.HasPrefix(err.Error(), "robust.json: ") {
					t.Errorf("error %q does not name the input", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("generation failed: %v", err)
			}
			if tc.wantWarn != "" {
				found := false
				for _, w := range api.Warnings {
					found = found || strings.Contains(w.String(), tc.wantWarn)
				}
				if !found {
					t.Errorf("no warning mentions %q; warnings: %v", tc.wantWarn, api.Warnings)
				}
			}
			if tc.check != nil {
				tc.check(t, api)
			}
			sub := "case_" + strings.Trim(nonWord.ReplaceAllString(strings.ToLower(tc.name), "_"), "_")
			m.AddPackage(t, sub, files)
			built[sub] = tc.name
			generated = true
		})
	}
	// Random documents from the fuzz tests' generator, compiled with the
	// cases above: naming and shape bugs show up as compile or vet errors.
	for seed := 0; seed < 40; seed++ {
		doc := generator.RandomTestDocument(uint64(seed))
		files, _, err := generator.Generate(&generator.Input{Name: "random.json", Data: []byte(doc)}, generator.Options{Package: "random"})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "random.json: ") || !strings.Contains(err.Error(), "#/") {
				t.Errorf("random document %d: error names no place: %v", seed, err)
			}
			continue
		}
		sub := fmt.Sprintf("random_%d", seed)
		m.AddPackage(t, sub, files)
		built[sub] = "random document " + fmt.Sprint(seed)
	}
	if !generated {
		t.Fatal("no case generated a package")
	}
	if testing.Short() {
		t.Skip("-short: not compiling the generated packages")
	}
	if out, err := m.Go(nil, "build", "./..."); err != nil {
		t.Fatalf("go build of the generated packages (directories: %v) failed: %v\n%s", built, err, out)
	}
	if out, err := m.Go(nil, "vet", "./..."); err != nil {
		t.Fatalf("go vet of the generated packages (directories: %v) failed: %v\n%s", built, err, out)
	}
}
