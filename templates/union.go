package templates

import (
	"encoding/json"
	"errors"
	"strconv"
)

// Unions (oneOf/anyOf in the API document) are structs with one field per
// alternative and the raw JSON. The generated UnmarshalJSON methods use the
// helpers below to pick the alternative: by a discriminator property when the
// document has one, otherwise by the shape of the JSON.

// unionShape is what an alternative looks like in JSON.
type unionShape struct {
	kind     string   // "object", "array", "string", "integer", "number", "boolean", "any"
	required []string // object: properties the document requires
	known    []string // object: properties the document declares
	elem     *unionShape
}

// unionDecode decodes data into v, tolerating values whose JSON type the
// document does not allow: encoding/json then fills everything else, which
// is what a client of a server that departs from its document needs.
func unionDecode(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return nil
	}
	return err
}

// jsonKind returns the kind of the JSON value in data.
func jsonKind(data []byte) string {
	i := skipSpace(data, 0)
	if i >= len(data) {
		return ""
	}
	switch c := data[i]; {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		j := i
		for j < len(data) && (data[j] == '-' || data[j] == '+' || (data[j] >= '0' && data[j] <= '9')) {
			j++
		}
		if j < len(data) && (data[j] == '.' || data[j] == 'e' || data[j] == 'E') {
			return "number"
		}
		return "integer"
	}
	return ""
}

// jsonStringField returns the string value of a top-level property of the
// JSON object in data, or "" when there is none.
func jsonStringField(data []byte, key string) string {
	var out string
	scanObject(data, func(k string, v []byte) bool {
		if k != key {
			return true
		}
		if jsonKind(v) == "string" {
			_ = json.Unmarshal(v, &out)
		}
		return false
	})
	return out
}

// unionPick returns the index of the alternative that fits data best, or
// -1 when none has the right JSON kind. Among objects it prefers the
// alternative with the fewest missing required properties, then the one that
// declares the most of the properties present, then the one with the fewest
// undeclared properties, then the earlier one.
func unionPick(data []byte, shapes []unionShape) int {
	kind := jsonKind(data)
	var keys map[string]bool
	var first []byte
	best, bestScore := -1, [3]int{}
	for i := range shapes {
		s := &shapes[i]
		if !kindFits(kind, s.kind) {
			continue
		}
		var score [3]int
		switch {
		case kind == "object" && s.kind == "object":
			if keys == nil {
				keys = map[string]bool{}
				scanObject(data, func(k string, _ []byte) bool { keys[k] = true; return true })
			}
			score = objectScore(keys, s)
		case kind == "array" && s.elem != nil:
			if first == nil {
				first = firstElement(data)
			}
			if first != nil {
				if !kindFits(jsonKind(first), s.elem.kind) {
					continue
				}
				if s.elem.kind == "object" {
					k := map[string]bool{}
					scanObject(first, func(key string, _ []byte) bool { k[key] = true; return true })
					score = objectScore(k, s.elem)
				}
			}
		case kind == "integer" && s.kind == "integer":
			score = [3]int{0, 1, 0} // an integer prefers an integer alternative to a number one
		}
		if best < 0 || better(score, bestScore) {
			best, bestScore = i, score
		}
	}
	return best
}

func better(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}

func objectScore(keys map[string]bool, s *unionShape) [3]int {
	missing, matched := 0, 0
	for _, r := range s.required {
		if !keys[r] {
			missing++
		}
	}
	known := make(map[string]bool, len(s.known))
	for _, k := range s.known {
		known[k] = true
		if keys[k] {
			matched++
		}
	}
	undeclared := 0
	for k := range keys {
		if !known[k] {
			undeclared++
		}
	}
	return [3]int{-missing, matched, -undeclared}
}

func kindFits(have, want string) bool {
	return have == want || want == "any" || (have == "integer" && want == "number")
}

// scanObject calls fn for each top-level property of the JSON object in
// data until fn returns false. Malformed input ends the scan quietly.
func scanObject(data []byte, fn func(key string, value []byte) bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != '"' {
			return
		}
		end, _ := skipString(data, i)
		if end < 0 {
			return
		}
		key := string(data[i+1 : end-1])
		for _, c := range data[i+1 : end-1] {
			if c == '\\' {
				if k, err := strconv.Unquote(string(data[i:end])); err == nil {
					key = k
				}
				break
			}
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return
		}
		vstart := skipSpace(data, i+1)
		vend := skipValue(data, vstart)
		if vend < 0 {
			return
		}
		if !fn(key, data[vstart:vend]) {
			return
		}
		i = skipSpace(data, vend)
		if i >= len(data) || data[i] != ',' {
			return
		}
		i++
	}
}

// firstElement returns the first element of the JSON array in data, or nil.
func firstElement(data []byte) []byte {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil
	}
	start := skipSpace(data, i+1)
	if start >= len(data) || data[start] == ']' {
		return nil
	}
	end := skipValue(data, start)
	if end < 0 {
		return nil
	}
	return data[start:end]
}

// tupleDecode decodes a JSON array into the positions of a tuple type
// (prefixItems in the API document), as tolerantly as unionDecode: a
// position of the wrong JSON type keeps its zero value, extra elements are
// ignored, and a value that is not an array leaves every position zero.
func tupleDecode(data []byte, positions ...any) error {
	var raw []json.RawMessage
	if err := unionDecode(data, &raw); err != nil {
		return err
	}
	for i, r := range raw {
		if i >= len(positions) {
			break
		}
		if err := unionDecode(r, positions[i]); err != nil {
			return err
		}
	}
	return nil
}
