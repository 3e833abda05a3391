package templates

import (
	"encoding/json"
	"testing"
)

func TestJSONKind(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1}`: "object", ` [1]`: "array", `"x"`: "string", `true`: "boolean", `false`: "boolean",
		`null`: "null", `12`: "integer", `-3`: "integer", `1.5`: "number", `1e3`: "number", ``: "", `  `: "", `?`: "",
	} {
		if got := jsonKind([]byte(in)); got != want {
			t.Errorf("jsonKind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJSONStringField(t *testing.T) {
	for _, c := range []struct{ in, key, want string }{
		{`{"type":"note","id":"x"}`, "type", "note"},
		{`{"id":"x","nested":{"type":"inner"},"type":"outer"}`, "type", "outer"},
		{`{"a":"}\"{","type":"t"}`, "type", "t"},
		{`{"ty\u0070e":"escaped key"}`, "type", "escaped key"},
		{`{"type":"a\"b"}`, "type", `a"b`},
		{`{"type":1}`, "type", ""},
		{`{"other":"x"}`, "type", ""},
		{`[{"type":"x"}]`, "type", ""},
		{`{"type":`, "type", ""},
		{``, "type", ""},
	} {
		if got := jsonStringField([]byte(c.in), c.key); got != c.want {
			t.Errorf("jsonStringField(%s, %q) = %q, want %q", c.in, c.key, got, c.want)
		}
	}
}

func TestUnionPick(t *testing.T) {
	lite := unionShape{kind: "object", required: []string{"id", "username"}, known: []string{"id", "name", "username"}}
	detailed := unionShape{kind: "object", required: []string{"id", "username", "followersCount"}, known: []string{"followersCount", "id", "name", "username"}}
	shapes := []unionShape{
		lite,
		detailed,
		{kind: "array", elem: &lite},
		{kind: "array", elem: &detailed},
		{kind: "integer"},
		{kind: "number"},
		{kind: "boolean"},
	}
	for _, c := range []struct {
		in   string
		want int
	}{
		{`{"id":"1","username":"a"}`, 0},
		{`{"id":"1","username":"a","followersCount":3}`, 1}, // more declared properties present
		{`{"id":"1","followersCount":3}`, 1},                // fewest required missing
		{`[{"id":"1","username":"a","followersCount":3}]`, 3},
		{`[{"id":"1","username":"a"}]`, 2},
		{`[]`, 2},
		{`7`, 4},
		{`7.5`, 5},
		{`true`, 6},
		{`"string"`, -1}, // no alternative of that kind: the caller keeps Raw
		{`null`, -1},
	} {
		if got := unionPick([]byte(c.in), shapes); got != c.want {
			t.Errorf("unionPick(%s) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestUnionDecodeTolerant(t *testing.T) {
	var v struct {
		A int    `json:"a"`
		B string `json:"b"`
	}
	if err := unionDecode([]byte(`{"a":"not a number","b":"kept"}`), &v); err != nil {
		t.Fatalf("type mismatch failed the decode: %v", err)
	}
	if v.B != "kept" {
		t.Errorf("the rest was not decoded: %+v", v)
	}
	if err := unionDecode([]byte(`{"a":`), &v); err == nil {
		t.Error("a syntax error was swallowed")
	}
}

// FuzzUnionScan checks that the scanners never panic and agree with
// encoding/json on valid objects.
func FuzzUnionScan(f *testing.F) {
	for _, s := range []string{`{"type":"x"}`, `{"a":[1,{"b":"}"}],"type":"y"}`, `[1,2]`, `"s"`, `{"\u0074ype":"z"}`, `{`, `}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = jsonKind(data)
		_ = firstElement(data)
		_ = unionPick(data, []unionShape{{kind: "object", required: []string{"type"}}, {kind: "array", elem: &unionShape{kind: "any"}}})
		got := jsonStringField(data, "type")
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil {
			return
		}
		var want string
		if raw, ok := m["type"]; ok {
			_ = json.Unmarshal(raw, &want)
		}
		// encoding/json keeps the last of duplicate keys, the scanner the
		// first; compare only when the key appears once.
		n := 0
		scanObject(data, func(k string, _ []byte) bool {
			if k == "type" {
				n++
			}
			return true
		})
		if n == 1 && got != want {
			t.Fatalf("jsonStringField = %q, encoding/json says %q", got, want)
		}
	})
}

func TestTupleDecode(t *testing.T) {
	var host string
	var count float64
	if err := tupleDecode([]byte(`["example.com", 12, "extra"]`), &host, &count); err != nil || host != "example.com" || count != 12 {
		t.Errorf("got %q %v %v", host, count, err)
	}
	host, count = "", 0
	if err := tupleDecode([]byte(`[5, "x"]`), &host, &count); err != nil || host != "" || count != 0 {
		t.Errorf("wrong types: got %q %v %v", host, count, err)
	}
	if err := tupleDecode([]byte(`{"not":"an array"}`), &host, &count); err != nil {
		t.Errorf("not an array: %v", err)
	}
}
