package generator_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// TestUntypedFallbacks counts, per document, the generated Go types that
// fall back to any, map[string]any, []any or json.RawMessage, and checks that
// every one stands where the document itself gives no type: a free-form
// object ("any object"), a schema without a type, additionalProperties
// without a schema, or an array whose items have no schema. A fallback
// anywhere else fails the test. The numbers are the ones the README states
// (run with -v to see them, with the reason for each).
func TestUntypedFallbacks(t *testing.T) {
	docs := []string{filepath.Join(gentest.RepoRoot(), "testdata", "openapi.json")}
	shared, _ := filepath.Glob(filepath.Join(gentest.RepoRoot(), "..", "shared", "specs", "*.json"))
	docs = append(docs, shared...)
	for _, path := range docs {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := generator.Parse(&generator.Input{Name: path, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			api, err := generator.Build(doc)
			if err != nil {
				t.Fatal(err)
			}
			var raw any
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatal(err)
			}
			fbs := fallbacks(api, raw)
			byKind := map[string]int{}
			byReason := map[string]int{}
			for _, fb := range fbs {
				byKind[fb.goType]++
				if fb.reason == "" {
					t.Errorf("%s (%s) is %s, but the document types it: %s", fb.where, fb.pointer, fb.goType, fb.problem)
					continue
				}
				byReason[fb.goType+" — "+fb.reason]++
			}
			t.Logf("%s: %d generated places fall back to an untyped Go type (%s)", name, len(fbs), countList(byKind))
			for _, r := range sortedKeysInt(byReason) {
				t.Logf("  %3d × %s", byReason[r], r)
			}
			if testing.Verbose() {
				for _, fb := range fbs {
					t.Logf("    %-60s %-16s %s", fb.where, fb.goType, fb.reason)
				}
			}
		})
	}
}

// fallback is one generated place with an untyped Go type.
type fallback struct {
	where   string // Type.Field, Type (alias), Type.Branch, or endpoint response
	pointer string // where the document defines it
	goType  string // any, map[string]any, []any, json.RawMessage, …
	reason  string // why the document leaves it untyped; "" when it does not
	problem string // what the document says instead, when reason is ""
}

// fallbacks lists the places of api whose Go type contains any or
// json.RawMessage, other than through a named type (which is counted where
// it is defined).
func fallbacks(api *generator.API, raw any) []fallback {
	var out []fallback
	add := func(where, pointer string, ref *generator.TypeRef) {
		if !untypedIn(ref) {
			return
		}
		fb := fallback{where: where, pointer: pointer, goType: fallbackGoType(ref)}
		schema, ok := resolvePointer(raw, pointer)
		if !ok {
			fb.problem = "the pointer does not resolve in the document"
		} else {
			fb.reason, fb.problem = explainUntyped(raw, schema, ref, 0)
		}
		out = append(out, fb)
	}
	for _, typ := range api.Types {
		switch typ.Kind {
		case generator.KindStruct, generator.KindTuple:
			for _, f := range typ.Fields {
				add(typ.Name+"."+f.Name, f.Pointer, f.Type)
			}
		case generator.KindAlias:
			add(typ.Name, typ.Pointer, typ.Alias)
		case generator.KindUnion:
			for _, br := range typ.Branches {
				if untypedIn(br.Type) {
					out = append(out, fallback{where: typ.Name + "." + br.Name, pointer: typ.Pointer, goType: fallbackGoType(br.Type),
						problem: "a union branch without a type"})
				}
			}
		}
	}
	for _, ep := range api.Endpoints {
		if ep.Response != nil {
			add("response of "+ep.Name, responsePointer(raw, ep), ep.Response)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out
}

func untypedIn(r *generator.TypeRef) bool {
	switch r.Kind {
	case generator.RefAny, generator.RefRaw:
		return true
	case generator.RefSlice, generator.RefMap:
		return untypedIn(r.Elem)
	}
	return false
}

func fallbackGoType(r *generator.TypeRef) string {
	switch r.Kind {
	case generator.RefAny:
		return "any"
	case generator.RefRaw:
		return "json.RawMessage"
	case generator.RefSlice:
		return "[]" + fallbackGoType(r.Elem)
	case generator.RefMap:
		return "map[string]" + fallbackGoType(r.Elem)
	case generator.RefNamed:
		return r.Named.Name
	}
	return fmt.Sprintf("kind%d", r.Kind)
}

// responsePointer is where the document defines an endpoint's response
// schema: the first 2xx response with a JSON body, as the generator picks it.
func responsePointer(raw any, ep *generator.Endpoint) string {
	op, _ := resolvePointer(raw, ep.Pointer)
	resps, _ := op.(map[string]any)["responses"].(map[string]any)
	var codes []string
	for code := range resps {
		if strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		p := ep.Pointer + "/responses/" + code + "/content/application~1json/schema"
		if _, ok := resolvePointer(raw, p); ok {
			return p
		}
	}
	return ep.Pointer + "/responses"
}

// resolvePointer finds a JSON pointer of the generator's in the raw
// document. The generator names a property by the schema it belongs to,
// which may have gathered it from an allOf/anyOf/oneOf part or a $ref, so
// a token missing from a schema is looked for in those too.
func resolvePointer(root any, pointer string) (any, bool) {
	p, ok := strings.CutPrefix(pointer, "#")
	if !ok {
		return nil, false
	}
	var tokens []string
	if p != "" {
		for _, tok := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
			tokens = append(tokens, strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~"))
		}
	}
	return resolveTokens(root, root, tokens, 0)
}

func resolveTokens(root, node any, tokens []string, depth int) (any, bool) {
	if len(tokens) == 0 {
		return node, true
	}
	if depth > 64 {
		return nil, false
	}
	m, ok := node.(map[string]any)
	if !ok {
		if a, ok := node.([]any); ok {
			var i int
			if _, err := fmt.Sscanf(tokens[0], "%d", &i); err == nil && i >= 0 && i < len(a) {
				return resolveTokens(root, a[i], tokens[1:], depth+1)
			}
		}
		return nil, false
	}
	if next, ok := m[tokens[0]]; ok {
		if v, ok := resolveTokens(root, next, tokens[1:], depth+1); ok {
			return v, true
		}
	}
	if ref, ok := m["$ref"].(string); ok {
		if target, ok := resolvePointer(root, ref); ok {
			if v, ok := resolveTokens(root, target, tokens, depth+1); ok {
				return v, true
			}
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		parts, _ := m[key].([]any)
		for _, part := range parts {
			if v, ok := resolveTokens(root, part, tokens, depth+1); ok {
				return v, true
			}
		}
	}
	return nil, false
}

// explainUntyped says why the document leaves schema untyped where the
// generator made ref, or, when it does not, what the document says.
func explainUntyped(root, schema any, ref *generator.TypeRef, depth int) (reason, problem string) {
	s := unwrapSchema(root, schema, 0)
	if s == nil {
		return "", "not a schema"
	}
	types := schemaTypes(s)
	switch ref.Kind {
	case generator.RefAny, generator.RefRaw:
		_, hasProps := s["properties"]
		_, hasItems := s["items"]
		_, hasEnum := s["enum"]
		addl, hasAddl := s["additionalProperties"].(map[string]any)
		switch {
		case hasProps || hasItems || hasEnum || (hasAddl && len(addl) > 0):
			return "", fmt.Sprintf("a schema with structure (%s)", snippetValue(s))
		case len(types) == 0:
			if t, ok := s["type"].(string); ok && t != "null" {
				return fmt.Sprintf("the document's type %q is not a JSON Schema type", t), ""
			}
			return "the schema has no type: any JSON value", ""
		case len(types) == 1 && types[0] == "object":
			if ref.Kind == generator.RefRaw {
				return "the whole response is a free-form object (\"any object\"); kept raw", ""
			}
			return "a free-form object (type object, no properties)", ""
		}
		return "", fmt.Sprintf("type %v", types)
	case generator.RefMap:
		if len(types) > 1 || (len(types) == 1 && types[0] != "object") {
			return "", fmt.Sprintf("type %v", types)
		}
		if _, hasProps := s["properties"]; hasProps {
			return "", "an object with properties"
		}
		switch addl := s["additionalProperties"].(type) {
		case map[string]any:
			if len(addl) == 0 {
				return "additionalProperties: {} (values of any type)", ""
			}
			r, p := explainUntyped(root, addl, ref.Elem, depth+1)
			if r != "" {
				r = "additionalProperties: " + r
			}
			return r, p
		case bool:
			return "additionalProperties: true (values of any type)", ""
		}
		if ref.Elem.Kind == generator.RefAny {
			return "a free-form object (\"any object\": type object, no properties)", ""
		}
		return "", "a free-form object made into a map of a typed value"
	case generator.RefSlice:
		if len(types) > 1 || (len(types) == 1 && types[0] != "array") {
			return "", fmt.Sprintf("type %v", types)
		}
		items, ok := s["items"]
		if !ok {
			if prefix, ok := s["prefixItems"].([]any); ok {
				return "", fmt.Sprintf("a tuple (prefixItems %s) fell back to a slice of any; it has a tuple type", snippetValue(prefix))
			}
			return "an array without an items schema", ""
		}
		r, p := explainUntyped(root, items, ref.Elem, depth+1)
		if r != "" {
			r = "array items: " + r
		}
		return r, p
	}
	return "", "not a fallback"
}

// unwrapSchema follows $ref and the ways a document says "this, or null"
// (oneOf/anyOf with a null branch, allOf of one part).
func unwrapSchema(root, schema any, depth int) map[string]any {
	s, ok := schema.(map[string]any)
	if !ok || depth > 16 {
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		target, ok := resolvePointer(root, ref)
		if !ok {
			return nil
		}
		return unwrapSchema(root, target, depth+1)
	}
	for _, key := range []string{"oneOf", "anyOf", "allOf"} {
		parts, _ := s[key].([]any)
		var real []any
		for _, p := range parts {
			if pm, ok := p.(map[string]any); ok && len(schemaTypes(pm)) == 0 && pm["type"] != nil {
				continue // {type: null}
			}
			real = append(real, p)
		}
		if len(parts) > 0 && len(real) == 1 && s["properties"] == nil {
			return unwrapSchema(root, real[0], depth+1)
		}
	}
	return s
}

// schemaTypes is the non-null JSON Schema types a schema names.
func schemaTypes(s map[string]any) []string {
	var out []string
	add := func(t any) {
		switch t {
		case "string", "integer", "number", "boolean", "array", "object":
			out = append(out, t.(string))
		}
	}
	switch t := s["type"].(type) {
	case string:
		add(t)
	case []any:
		for _, x := range t {
			add(x)
		}
	}
	return out
}

func countList(m map[string]int) string {
	var parts []string
	for _, k := range sortedKeysInt(m) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func sortedKeysInt(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
