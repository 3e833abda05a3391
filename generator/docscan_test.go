package generator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// scanDoc builds a document from the inner JSON of components.schemas.
func scanDoc(schemas string) string {
	return `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{` + schemas + `}}}`
}

// nest wraps inner n times in open and close.
func nest(open, inner, close string, n int) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
}

// deepAdditionalProperties is the document of issue 12 item 5: a 210 KB
// schema nesting additionalProperties n deep.
func deepAdditionalProperties(n int) []byte {
	return []byte(scanDoc(`"Deep":` + nest(`{"type":"object","additionalProperties":`, `{"type":"string"}`, `}`, n)))
}

// refFan is a component of width properties and n properties that each
// $ref it.
func refFan(width, n int) string {
	var props, refs []string
	for i := range width {
		props = append(props, fmt.Sprintf(`"p%d":{"type":"string"}`, i))
	}
	for i := range n {
		refs = append(refs, fmt.Sprintf(`"r%d":{"$ref":"#/components/schemas/Big"}`, i))
	}
	return `"Big":{"type":"object","properties":{` + strings.Join(props, ",") + `}},"User":{"type":"object","properties":{` + strings.Join(refs, ",") + `}}`
}

// refChain is n components, each a bare $ref to the next, and a cycle when
// cycle is set.
func refChain(n int, cycle bool) string {
	var s []string
	for i := range n {
		next := i + 1
		if cycle {
			next %= n
		}
		s = append(s, fmt.Sprintf(`"A%d":{"$ref":"#/components/schemas/A%d"}`, i, next))
	}
	if !cycle {
		s = append(s, fmt.Sprintf(`"A%d":{"type":"string"}`, n))
	}
	return strings.Join(s, ",")
}

// scanLimitCases are documents that cost kin-openapi or the generator far
// more than their size, each with what the refusal must say.
var scanLimitCases = []struct {
	name    string
	doc     []byte
	wantErr []string
}{
	{"additionalProperties 4,900 deep (issue 12)", deepAdditionalProperties(4900),
		[]string{"#/components/schemas/Deep/additionalProperties/additionalProperties/", "(a pointer 256 levels deep", "nested more than 256 levels"}},
	{"the 257th level", deepAdditionalProperties(253), // Deep is the 4th level, its string schema the 257th
		[]string{"#/components/schemas/Deep/additionalProperties/", "nested more than 256 levels"}},
	{"items 1,000 deep", []byte(scanDoc(`"Deep":` + nest(`{"type":"array","items":`, `{"type":"string"}`, `}`, 1000))),
		[]string{"#/components/schemas/Deep/items/items/items/", "nested more than 256 levels"}},
	{"allOf 1,000 deep", []byte(scanDoc(`"Deep":` + nest(`{"allOf":[`, `{"type":"string"}`, `]}`, 1000))),
		[]string{"#/components/schemas/Deep/allOf/0/allOf/0/", "nested more than 256 levels"}},
	{"properties 1,000 deep", []byte(scanDoc(`"Deep":` + nest(`{"type":"object","properties":{"x":`, `{"type":"string"}`, `}}`, 1000))),
		[]string{"#/components/schemas/Deep/properties/x/properties/x/", "nested more than 256 levels"}},
	{"arrays 1,000 deep in an example", []byte(scanDoc(`"A":{"type":"array","example":` + nest(`[`, `1`, `]`, 1000) + `}`)),
		[]string{"#/components/schemas/A/example/0/0/0/", "nested more than 256 levels"}},
	{"30 schemas 250 deep", []byte(scanDoc(manyDeep(30, 250))),
		[]string{"#/components/schemas/D", "/additionalProperties/additionalProperties/", "JSON pointers of the document's values add up to more than"}},
	{"a 100 KB description under 200 schemas", []byte(scanDoc(`"D":` + nest(`{"type":"object","additionalProperties":`, `{"type":"string","description":"`+strings.Repeat("x", 100<<10)+`"}`, `}`, 200))),
		[]string{"#/components/schemas/D/additionalProperties/", "nests too much of itself too deeply"}},
	{"a chain of 1,000 bare $refs", []byte(scanDoc(refChain(1000, false))),
		[]string{"#/components/schemas/A", `$ref "#/components/schemas/A`, "$refs point to adds up to more than"}},
	{"a cycle of 300 bare $refs", []byte(scanDoc(refChain(300, true))),
		[]string{"#/components/schemas/A0: $ref cycle: #/components/schemas/A0 → #/components/schemas/A1 → ", "→ #/components/schemas/A299 → #/components/schemas/A0"}},
	{"a cycle through a deep pointer", []byte(scanDoc(`"A":{"type":"object","properties":{"x":{"$ref":"#/components/schemas/B"}}},"B":{"$ref":"#/components/schemas/A/properties/x"}`)),
		[]string{"#/components/schemas/A/properties/x: $ref cycle: #/components/schemas/A/properties/x → #/components/schemas/B → #/components/schemas/A/properties/x"}},
	{"a chain of components named like data", []byte(scanDoc(strings.ReplaceAll(refChain(1000, false), "A", "x-A"))),
		[]string{"#/components/schemas/x-A", "$refs point to adds up to more than"}},
	{"a $ref cycle in example data (the scan does not tell data from schema)", []byte(scanDoc(`"A":{"type":"object","example":{"$ref":"#/components/schemas/A/example"}}`)),
		[]string{"#/components/schemas/A/example: $ref cycle"}},
	{"200 $refs to a 25 KB component", []byte(scanDoc(refFan(1000, 200))),
		[]string{`#/components/schemas/User/properties/r`, `$ref "#/components/schemas/Big"`, "$refs point to adds up to more than"}},
	{"a 20 KB key over 300 properties", []byte(scanDoc(`"` + strings.Repeat("K", 20000) + `":` + refFanProps(300))),
		[]string{"#/components/schemas/KKKK", "JSON pointers of the document's values add up to more than"}},
}

// manyDeep is n components nesting additionalProperties depth deep.
func manyDeep(n, depth int) string {
	var s []string
	for i := range n {
		s = append(s, fmt.Sprintf(`"D%d":`, i)+nest(`{"type":"object","additionalProperties":`, `{"type":"string"}`, `}`, depth))
	}
	return strings.Join(s, ",")
}

// refFanProps is an object schema with n object properties.
func refFanProps(n int) string {
	var props []string
	for i := range n {
		props = append(props, fmt.Sprintf(`"p%d":{"type":"object","properties":{"x":{"type":"string"}}}`, i))
	}
	return `{"type":"object","properties":{` + strings.Join(props, ",") + `}}`
}

// TestScanLimits: each costly document is refused by Parse before
// kin-openapi reads it, with the input and the JSON pointer in the error.
// (BenchmarkRejectDeepDocument times the first.)
func TestScanLimits(t *testing.T) {
	for _, c := range scanLimitCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(&Input{Name: "costly.json", Data: c.doc})
			if err == nil {
				t.Fatalf("Parse accepted the document")
			}
			if !strings.HasPrefix(err.Error(), "costly.json: #/") {
				t.Errorf("error does not start with the input and a pointer: %.300s", err)
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %.600q does not contain %q", err, w)
				}
			}
			// Refused by the scan, not later.
			if _, serr := scanDocument(c.doc); serr == nil {
				t.Errorf("scanDocument accepted the document")
			}
		})
	}
}

// TestScanAccepts: documents at the limits, and documents the limits must
// not count as costly, pass the scan.
func TestScanAccepts(t *testing.T) {
	for name, doc := range map[string][]byte{
		"the 256th level":               deepAdditionalProperties(252),
		"3 schemas 250 deep":            []byte(scanDoc(manyDeep(3, 250))),
		"a chain of 16 bare $refs":      []byte(scanDoc(refChain(16, false))),
		"20 $refs to a 25 KB component": []byte(scanDoc(refFan(1000, 20))),
		"a 20 KB key over 3 properties": []byte(scanDoc(`"` + strings.Repeat("K", 20000) + `":` + refFanProps(3))),
		"a 1 MB description":            []byte(scanDoc(`"A":{"type":"string","description":"` + strings.Repeat("x", 1<<20) + `"}`)),
		"20,000 properties":             []byte(scanDoc(`"A":` + refFanProps(20000))),
		"a $ref outside the document":   []byte(scanDoc(`"A":{"$ref":"other.json#/A"}`)),
		"a $ref to nothing":             []byte(scanDoc(`"A":{"$ref":"#/components/schemas/Missing/x/y"}`)),
	} {
		if _, err := scanDocument(doc); err != nil {
			t.Errorf("%s: %.300v", name, err)
		}
	}
}

// TestScanRealDocuments: every real document passes, and the work measures
// stay where the limits' comments say (so the margins are known).
func TestScanRealDocuments(t *testing.T) {
	for _, path := range realSpecs(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := scanDocument(data)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
			continue
		}
		n := float64(len(data))
		t.Logf("%s: depth %d, nesting %.1f×, pointers %.1f×, references %.2f× its size", filepath.Base(path), res.depth,
			float64(res.nesting)/n, float64(res.pointers)/n, float64(res.refs)/n)
		if res.depth > 18 || float64(res.nesting) > 9.5*n || float64(res.pointers) > 4.5*n || float64(res.refs) > 1.2*n {
			t.Errorf("%s: a measure is past what the limits' comments state for real documents", filepath.Base(path))
		}
	}
}

// realSpecs lists ../shared/specs/*.json, or skips (internal/gentest has
// the same helper, but it imports this package).
func realSpecs(t testing.TB) []string {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "specs", "*.json"))
	if len(files) == 0 {
		t.Skip("skipping: ../shared/specs is absent")
	}
	return files
}

// TestPropertyOrderRealDocument: Note's properties come out in the order of
// live-misskey-2026.3.2.json, and so does every component's, as an
// independent token-by-token read of the file gives it.
func TestPropertyOrderRealDocument(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "specs", "live-misskey-2026.3.2.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	d, err := Load(&Input{Name: path, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	note := d.PropertyOrder(d.T.Components.Schemas["Note"].Value)
	if len(note) < 4 || !slices.Equal(note[:4], []string{"id", "createdAt", "deletedAt", "text"}) {
		t.Errorf("Note's properties: %v", note)
	}
	want := componentPropertyOrders(t, data)
	checked := 0
	for name, sref := range d.T.Components.Schemas {
		got := d.PropertyOrder(sref.Value)
		if !slices.Equal(got, want[name]) {
			t.Errorf("%s: PropertyOrder = %v, the file has %v", name, got, want[name])
		}
		if got != nil {
			checked++
		}
	}
	if checked != len(want) || checked < 50 {
		t.Errorf("%d components have an order; the file has %d with properties", checked, len(want))
	}
	// Inline schemas (request bodies, nested objects) have one too.
	req := d.T.Paths.Find("/notes/create").Post.RequestBody.Value.Content["application/json"].Schema.Value
	if got := d.PropertyOrder(req); len(got) < 3 || got[0] != "visibility" {
		t.Errorf("notes/create request: %v", got)
	}
}

// componentPropertyOrders reads the property names of every component
// schema with token-by-token JSON decoding.
func componentPropertyOrders(t *testing.T, data []byte) map[string][]string {
	var top struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for name, raw := range top.Components.Schemas {
		names := inlinePropertyNames(t, raw)
		if names == nil {
			continue
		}
		out[name] = names
	}
	return out
}

// TestPropertyOrderShapes: the order is found wherever the generator meets
// properties, and only where it is exact.
func TestPropertyOrderShapes(t *testing.T) {
	doc := `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a/b":{"post":{` +
		`"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"z":{"type":"string"},"properties":{"type":"object","properties":{"q":{},"p":{}}},"a":{"type":"string"}}}}}},` +
		`"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"array","items":{"type":"object","properties":{"y":{},"b":{}}}}}}}}}}},` +
		`"components":{"schemas":{` +
		`"M":{"type":"object","additionalProperties":{"type":"object","properties":{"m2":{},"m1":{}}}},` +
		`"U":{"oneOf":[{"type":"object","properties":{"u2":{},"u1":{}}},{"anyOf":[{"type":"object","properties":{"v2":{},"v1":{}}}]}]},` +
		`"A":{"allOf":[{"$ref":"#/components/schemas/M"},{"type":"object","properties":{"w2":{},"w1":{}}}],"not":{"type":"object","properties":{"n2":{},"n1":{}}}},` +
		`"S":{"type":"object","properties":{"s":{"$ref":"#/components/schemas/M","properties":{"sib2":{"type":"string"},"sib1":{"type":"string"}}}}},` +
		`"T":{"type":"array","prefixItems":[{"type":"object","properties":{"t2":{},"t1":{}}}]},` +
		`"D":{"type":"object","properties":{"d2":{},"d1":{},"d2":{}}},` +
		`"X":{"type":"object","properties":{"x2":{},"x1":{}},"example":{"properties":{"e":1}}}` +
		`}}}`
	d, err := Load(&Input{Name: "shapes.json", Data: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	sc := d.T.Components.Schemas
	op := d.T.Paths.Find("/a/b").Post
	req := op.RequestBody.Value.Content["application/json"].Schema.Value
	resp := op.Responses.Value("200").Value.Content["application/json"].Schema.Value
	for _, c := range []struct {
		name string
		s    *openapi3.Schema
		want []string
	}{
		{"request body", req, []string{"z", "properties", "a"}},
		{"a property named properties", req.Properties["properties"].Value, []string{"q", "p"}},
		{"response items", resp.Items.Value, []string{"y", "b"}},
		{"additionalProperties", sc["M"].Value.AdditionalProperties.Schema.Value, []string{"m2", "m1"}},
		{"oneOf", sc["U"].Value.OneOf[0].Value, []string{"u2", "u1"}},
		{"anyOf in oneOf", sc["U"].Value.OneOf[1].Value.AnyOf[0].Value, []string{"v2", "v1"}},
		{"allOf part", sc["A"].Value.AllOf[1].Value, []string{"w2", "w1"}},
		{"not", sc["A"].Value.Not.Value, []string{"n2", "n1"}},
		{"properties beside $ref", lastAllOf(sc["S"].Value.Properties["s"].Value), []string{"sib2", "sib1"}},
		{"prefixItems", sc["T"].Value.PrefixItems[0].Value, []string{"t2", "t1"}},
		{"repeated name", sc["D"].Value, []string{"d2", "d1"}},
		{"example beside properties", sc["X"].Value, []string{"x2", "x1"}},
		{"unknown schema", &openapi3.Schema{}, nil},
	} {
		if got := d.PropertyOrder(c.s); !slices.Equal(got, c.want) {
			t.Errorf("%s: PropertyOrder = %v, want %v", c.name, got, c.want)
		}
	}
	if (*Document)(nil).PropertyOrder(req) != nil {
		t.Error("a nil Document knows an order")
	}
}

// TestPropertyOrderRefSiblings30: OpenAPI 3.0 ignores properties beside a
// $ref, and they must not be taken for the component's own last allOf part
// (which keeps its order at its own pointer).
func TestPropertyOrderRefSiblings30(t *testing.T) {
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{` +
		`"A":{"type":"object","properties":{"s":{"$ref":"#/components/schemas/C","properties":{"d":{},"c":{}}}}},` +
		`"C":{"allOf":[{"type":"object","properties":{"b":{},"a":{}}},{"type":"object","properties":{"c":{},"d":{}}}]}}}}`
	d, err := Load(&Input{Name: "siblings.json", Data: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	c := d.T.Components.Schemas["C"].Value
	if got := d.PropertyOrder(c.AllOf[1].Value); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("C's second allOf part: %v, want [c d]", got)
	}
	if got := d.PropertyOrder(c.AllOf[0].Value); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("C's first allOf part: %v, want [b a]", got)
	}
}

func lastAllOf(s *openapi3.Schema) *openapi3.Schema {
	if len(s.AllOf) == 0 {
		return nil
	}
	return s.AllOf[len(s.AllOf)-1].Value
}

// BenchmarkRejectDeepDocument times Parse refusing the 210 KB document that
// nests additionalProperties 4,900 deep (issue 12 item 5: 60 s and 3.4 GB
// inside kin-openapi before the scan).
func BenchmarkRejectDeepDocument(b *testing.B) {
	data := deepAdditionalProperties(4900)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(&Input{Name: "deep.json", Data: data}); err == nil {
			b.Fatal("accepted")
		}
	}
}

// BenchmarkScanLargest times the scan on the largest real document: what
// the limits add to every generation.
func BenchmarkScanLargest(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "specs", "misskey-2024.10.0-beta.6.json"))
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := scanDocument(data); err != nil {
			b.Fatal(err)
		}
	}
}
