package generator

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestValidationSchemaKeepsDocumentOrder checks that every request schema
// misskeytest validates with lists its properties in the order the document
// writes them ("x-order"), because Misskey's ajv checks them in that order
// and reports the first that fails.
func TestValidationSchemaKeepsDocumentOrder(t *testing.T) {
	t.Run("testdata", func(t *testing.T) {
		if n := checkValidationOrder(t, filepath.Join("..", "testdata", "openapi.json")); n < 19 {
			t.Errorf("only %d request schemas with two or more inline properties checked", n)
		}
	})
	t.Run("real", func(t *testing.T) {
		for _, path := range realSpecs(t) {
			t.Run(filepath.Base(path), func(t *testing.T) {
				if n := checkValidationOrder(t, path); n < 100 {
					t.Errorf("only %d request schemas with two or more inline properties checked", n)
				}
			})
		}
	})
}

// checkValidationOrder compares, for every JSON endpoint of the document at
// path whose request schema writes two or more properties inline, the
// schema's "x-order" with the order the text writes them, and returns how
// many it compared.
func checkValidationOrder(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema json.RawMessage `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	api, err := LoadAPI(&Input{Name: path, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, ep := range api.Endpoints {
		if ep.RequestSchema == "" || ep.Multipart {
			continue
		}
		op, ok := raw.Paths["/"+ep.Name]["post"]
		if !ok {
			continue
		}
		want := inlinePropertyNames(t, op.RequestBody.Content["application/json"].Schema)
		if len(want) < 2 {
			continue
		}
		var got struct {
			Order []string `json:"x-order"`
		}
		if err := json.Unmarshal([]byte(ep.RequestSchema), &got); err != nil {
			t.Fatalf("%s: %v", ep.Name, err)
		}
		if !slices.Equal(got.Order, want) {
			t.Errorf("%s: x-order %v, document order %v", ep.Name, got.Order, want)
		}
		checked++
	}
	return checked
}

// inlinePropertyNames returns the keys of schema's "properties" in the
// order the text writes them, or nil when the schema has none inline.
func inlinePropertyNames(t *testing.T, schema json.RawMessage) []string {
	t.Helper()
	var s struct {
		Properties json.RawMessage `json:"properties"`
	}
	if len(schema) == 0 || json.Unmarshal(schema, &s) != nil || len(s.Properties) == 0 || s.Properties[0] != '{' {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(s.Properties))
	dec.Token() // {
	var names []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return names
}
