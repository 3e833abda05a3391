package misskeytest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustSchema(t *testing.T, src string) *schema {
	t.Helper()
	s, err := compileSchema([]byte(src))
	if err != nil {
		t.Fatalf("compile %s: %v", src, err)
	}
	return s
}

func mustValue(t *testing.T, src string) any {
	t.Helper()
	v, err := decodeJSON([]byte(src))
	if err != nil {
		t.Fatalf("decode %s: %v", src, err)
	}
	return v
}

// TestValidateKeywords checks each keyword's verdict, schema path and
// message (ajv's wording).
func TestValidateKeywords(t *testing.T) {
	tests := []struct {
		schema, value string
		param, reason string // "" when valid
	}{
		{`{"type":"string"}`, `"x"`, "", ""},
		{`{"type":"string"}`, `1`, "#/type", "must be string"},
		{`{"type":"string","nullable":true}`, `null`, "", ""},
		{`{"type":"string"}`, `null`, "#/type", "must be string"},
		{`{"type":["string","null"]}`, `null`, "", ""},
		{`{"type":["string","null"]}`, `true`, "#/type", "must be string"},
		{`{"type":["string","integer"]}`, `true`, "#/type", "must be string,integer"},
		{`{"type":"integer"}`, `2.0`, "", ""},
		{`{"type":"integer"}`, `2.5`, "#/type", "must be integer"},
		{`{"type":"number"}`, `2.5`, "", ""},
		{`{"type":"object"}`, `[]`, "#/type", "must be object"},
		{`{"type":"array"}`, `{}`, "#/type", "must be array"},
		{`{"type":"boolean"}`, `"true"`, "#/type", "must be boolean"},
		{`{"enum":["a","b"]}`, `"c"`, "#/enum", "must be equal to one of the allowed values"},
		{`{"type":["string","null"],"enum":[null,"a"]}`, `null`, "", ""},
		{`{"type":["string","null"],"enum":["a"]}`, `null`, "#/enum", "must be equal to one of the allowed values"},
		{`{"const":3}`, `3.0`, "", ""},
		{`{"const":3}`, `4`, "#/const", "must be equal to constant"},
		{`{"type":"integer","minimum":1,"maximum":100}`, `1000`, "#/maximum", "must be <= 100"},
		{`{"type":"integer","minimum":1,"maximum":100}`, `0`, "#/minimum", "must be >= 1"},
		{`{"type":"number","exclusiveMinimum":0}`, `0`, "#/exclusiveMinimum", "must be > 0"},
		{`{"type":"number","minimum":0,"exclusiveMinimum":true}`, `0`, "#/exclusiveMinimum", "must be > 0"},
		{`{"type":"number","maximum":1.5,"exclusiveMaximum":true}`, `1.5`, "#/exclusiveMaximum", "must be < 1.5"},
		{`{"type":"integer","multipleOf":5}`, `12`, "#/multipleOf", "must be multiple of 5"},
		{`{"type":"string","maxLength":3}`, `"ab😀"`, "", ""}, // code points, as ajv counts
		{`{"type":"string","maxLength":3}`, `"abcd"`, "#/maxLength", "must NOT have more than 3 characters"},
		{`{"type":"string","minLength":1}`, `""`, "#/minLength", "must NOT have fewer than 1 characters"},
		{`{"type":"string","pattern":"^\\w{1,20}$"}`, `"a b"`, "#/pattern", `must match pattern "^\\w{1,20}$"`},
		{`{"type":"string","pattern":"[^\\s]+"}`, `"  x "`, "", ""},
		{`{"type":"string","pattern":"^[\\p{Letter}\\p{Number}\\p{Mark}_+-]+$"}`, `"ねこ_1"`, "", ""},
		{`{"type":"string","pattern":"(?<=a)b"}`, `"zz"`, "", ""}, // Go cannot take it: not checked
		{`{"type":"string","format":"misskey:id"}`, `"not an id!"`, "#/format", `must match format "misskey:id"`},
		{`{"type":"string","format":"misskey:id"}`, `"9abc012"`, "", ""},
		{`{"type":"string","format":"date-time"}`, `"whenever"`, "", ""},
		{`{"type":"array","minItems":2}`, `["x"]`, "#/minItems", "must NOT have fewer than 2 items"},
		{`{"type":"array","maxItems":1}`, `["x","y"]`, "#/maxItems", "must NOT have more than 1 items"},
		{`{"type":"array","uniqueItems":true}`, `["a","b","a"]`, "#/uniqueItems", "must NOT have duplicate items (items ## 2 and 0 are identical)"},
		{`{"type":"array","items":{"type":"string"}}`, `["a",1]`, "#/items/type", "must be string"},
		{`{"type":"object","required":["a","b"]}`, `{"a":1}`, "#/required", "must have required property 'b'"},
		{`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`, `{"a":"x","b":1}`, "#/additionalProperties", "must NOT have additional properties"},
		{`{"type":"object","additionalProperties":{"type":"integer"}}`, `{"a":"x"}`, "#/additionalProperties/type", "must be integer"},
		{`{"type":"object","properties":{"a":{"type":"object","properties":{"b~c/d":{"type":"integer"}}}}}`, `{"a":{"b~c/d":"x"}}`, "#/properties/a/properties/b~0c~1d/type", "must be integer"},
		{`{"anyOf":[{"required":["a"]},{"required":["b"]}]}`, `{}`, "#/anyOf/0/required", "must have required property 'a'"},
		{`{"anyOf":[{"required":["a"]},{"required":["b"]}]}`, `{"b":1}`, "", ""},
		{`{"oneOf":[{"type":"string"},{"type":"integer"}]}`, `true`, "#/oneOf/0/type", "must be string"},
		{`{"oneOf":[{"type":"number"},{"type":"integer"}]}`, `1`, "#/oneOf", "must match exactly one schema in oneOf"},
		{`{"oneOf":[{"type":"number"},{"type":"integer"}]}`, `1.5`, "", ""},
		{`{"allOf":[{"type":"object"},{"required":["x"]}]}`, `{}`, "#/allOf/1/required", "must have required property 'x'"},
		{`{"not":{"type":"string"}}`, `"x"`, "#/not", "must NOT be valid"},
		{`{"if":{"properties":{"a":{"type":"null"}}},"then":{"required":["b"]}}`, `{}`, "#/then/required", "must have required property 'b'"},
		{`{"if":{"properties":{"a":{"type":"null"}}},"then":{"required":["b"]}}`, `{"a":"x"}`, "", ""},
		{`{"if":{"properties":{"a":{"type":"null"}}},"then":{"required":["b"]},"else":{"required":["c"]}}`, `{"a":"x"}`, "#/else/required", "must have required property 'c'"},
		{`true`, `1`, "", ""},
		{`false`, `1`, "#", "boolean schema is false"},
		// ajv checks the untyped keywords (then) before the properties.
		{`{"type":"object","properties":{"text":{"type":"string","maxLength":5}},"if":{"properties":{"r":{"type":"null"}}},"then":{"properties":{"text":{"type":"string","maxLength":3}}}}`, `{"text":"abcdef"}`, "#/then/properties/text/maxLength", "must NOT have more than 3 characters"},
		// … and required before properties.
		{`{"type":"object","properties":{"a":{"type":"string"}},"required":["b"]}`, `{"a":1}`, "#/required", "must have required property 'b'"},
		// Properties are checked in the document's order ("x-order", as
		// the generator writes it), sorted where it has none.
		{`{"type":"object","properties":{"a":{"type":"string"},"z":{"type":"string"}},"x-order":["z","a"]}`, `{"a":1,"z":1}`, "#/properties/z/type", "must be string"},
		{`{"type":"object","properties":{"a":{"type":"string"},"z":{"type":"string"}}}`, `{"a":1,"z":1}`, "#/properties/a/type", "must be string"},
		{`{"type":"object","properties":{"a":{"type":"string"},"m":{"type":"string"},"z":{"type":"string"}},"x-order":["gone","z"]}`, `{"a":1,"m":1}`, "#/properties/a/type", "must be string"},
		{`{"type":"object","properties":{"a":{"type":"string"},"m":{"type":"string"},"z":{"type":"string"}},"x-order":["gone","m"]}`, `{"a":1,"m":1,"z":1}`, "#/properties/m/type", "must be string"},
	}
	for _, tt := range tests {
		s := mustSchema(t, tt.schema)
		err := s.validate(mustValue(t, tt.value))
		switch {
		case tt.param == "" && err != nil:
			t.Errorf("%s with %s: unexpected %s: %s", tt.schema, tt.value, err.Param, err.Reason)
		case tt.param != "" && err == nil:
			t.Errorf("%s with %s: valid, want %s: %s", tt.schema, tt.value, tt.param, tt.reason)
		case tt.param != "" && (err.Param != tt.param || err.Reason != tt.reason):
			t.Errorf("%s with %s:\n got %s: %s\nwant %s: %s", tt.schema, tt.value, err.Param, err.Reason, tt.param, tt.reason)
		}
	}
}

func TestCompileSchemaErrors(t *testing.T) {
	for _, src := range []string{`1`, `{"properties":{"a":3}}`, `{"anyOf":{}}`, `not json`} {
		if _, err := compileSchema([]byte(src)); err == nil {
			t.Errorf("%s compiled", src)
		}
	}
	deep := strings.Repeat(`{"not":`, 100) + `{}` + strings.Repeat(`}`, 100)
	if _, err := compileSchema([]byte(deep)); err == nil {
		t.Error("a schema nested 100 levels compiled")
	}
}

// recordedServers maps the servers of ../shared/recordings to the API
// document each was checked against.
var recordedServers = map[string]string{
	"2024.10.1":       "misskey-2024.10.1.json",
	"2025.4.1-mhq.13": "misskey-2025.4.1-mhq.13.json",
	"2026.3.1":        "misskey-2026.3.1-live.json",
}

// sharedDir returns ../shared/<sub> beside the checkout, or skips.
func sharedDir(t *testing.T, sub string) string {
	dir := filepath.Join("..", "..", "..", "shared", sub)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("skipping: %s is absent (the recorded Misskey traffic lives beside the checkout in the development workspace)", dir)
	}
	return dir
}

// requestSchemas reads the JSON request schema of every endpoint of a
// document.
func requestSchemas(t *testing.T, path string) map[string]*schema {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema json.RawMessage `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]*schema{}
	for p, ops := range doc.Paths {
		op, ok := ops["post"]
		if !ok {
			continue
		}
		c, ok := op.RequestBody.Content["application/json"]
		if !ok || len(c.Schema) == 0 {
			continue
		}
		s, err := compileSchema(c.Schema)
		if err != nil {
			t.Fatalf("%s %s: %v", path, p, err)
		}
		out[strings.TrimPrefix(p, "/")] = s
	}
	return out
}

type recording struct {
	Endpoint    string          `json:"endpoint"`
	Request     json.RawMessage `json:"request"`
	Status      int             `json:"status"`
	Body        json.RawMessage `json:"body"`
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	ContentType string          `json:"contentType"`
}

// TestValidateRecordings proves the validator against real servers: every
// INVALID_PARAM a recorded server answered is found with the same param and
// reason, and every request a recorded server accepted (2xx) is valid.
func TestValidateRecordings(t *testing.T) {
	recs := sharedDir(t, "recordings")
	specs := sharedDir(t, "specs")
	refused, accepted := 0, 0
	for server, spec := range recordedServers {
		schemas := requestSchemas(t, filepath.Join(specs, spec))
		files, _ := filepath.Glob(filepath.Join(recs, server, "*", "*.json"))
		for _, f := range files {
			if filepath.Base(f) == "schema-mismatches.json" {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var r recording
			if err := json.Unmarshal(data, &r); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if r.Method != "" || r.Path != "" || r.ContentType != "" {
				continue // not a JSON POST to /api/<endpoint>
			}
			sch := schemas[r.Endpoint]
			var params map[string]any
			if v, err := decodeJSON(r.Request); err == nil {
				params, _ = v.(map[string]any)
			}
			if sch == nil || params == nil {
				continue
			}
			delete(params, "i")
			got := sch.validate(params)
			var body struct {
				Error struct {
					Code string           `json:"code"`
					ID   string           `json:"id"`
					Info *validationError `json:"info"`
				} `json:"error"`
			}
			_ = json.Unmarshal(r.Body, &body)
			rel, _ := filepath.Rel(recs, f)
			switch {
			case body.Error.ID == "3d81ceae-475f-4600-b2a8-2bc116157532" && body.Error.Info != nil:
				refused++
				want := body.Error.Info
				if got == nil {
					t.Errorf("%s: valid here, the server refused it with %s: %s", rel, want.Param, want.Reason)
				} else if *got != *want {
					t.Errorf("%s:\n got %s: %s\nwant %s: %s", rel, got.Param, got.Reason, want.Param, want.Reason)
				}
			case r.Status >= 200 && r.Status < 300:
				accepted++
				if got != nil {
					t.Errorf("%s: the server accepted it, here it is invalid: %s: %s", rel, got.Param, got.Reason)
				}
			}
		}
	}
	t.Logf("%d refused and %d accepted recorded requests checked", refused, accepted)
	if refused < 30 || accepted < 1000 {
		t.Errorf("only %d refused and %d accepted requests found; is the recordings folder complete?", refused, accepted)
	}
}
