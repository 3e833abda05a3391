package misskeytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Request validation, as Misskey does it.
//
// Misskey validates the parameters of every call with ajv (default options
// but useDefaults, so it stops at the first error) against the endpoint's
// schema, and answers a failure with INVALID_PARAM whose info is
// {"param": <schema path of the first error>, "reason": <ajv's message>}.
// This validator walks the same keywords in ajv's order (the type first,
// then const, enum, not, anyOf, oneOf, allOf and if/then/else, then the
// keywords of numbers, strings, arrays and objects) and words its messages
// as ajv does, so a request the real server would refuse is refused here
// with the same param and reason. Schemas are JSON Schema as the API
// document spells them: OpenAPI 3.0 nullable and 3.1 type arrays both work.
//
// Known differences: a pattern Go's regexp cannot compile is not checked;
// formats other than misskey:id are not checked (Misskey registers no
// other).

// schema is a compiled JSON schema.
type schema struct {
	always *bool // a boolean schema: true accepts, false refuses everything

	types    []string // allowed JSON types, "null" excluded
	nullable bool
	typeText string // the type keyword as ajv prints it: "string", "string,integer"

	hasConst bool
	constV   any
	enum     []any
	hasEnum  bool

	not                *schema
	anyOf, oneOf       []*schema
	allOf              []*schema
	ifS, thenS, elseS  *schema
	maximum, minimum   *float64
	exclMax, exclMin   *float64
	multipleOf         *float64
	maxLength          *int
	minLength          *int
	pattern            string
	re                 *regexp.Regexp
	format             string
	maxItems, minItems *int
	uniqueItems        bool
	items              *schema
	maxProps, minProps *int
	required           []string
	props              []property
	additional         *schema // additionalProperties as a schema (false is a false boolean schema)
}

type property struct {
	name   string
	schema *schema
}

// validationError is the first error ajv would report.
type validationError struct {
	Param  string `json:"param"`
	Reason string `json:"reason"`
}

func (e *validationError) Error() string { return e.Param + ": " + e.Reason }

// compileSchema parses a JSON schema.
func compileSchema(data []byte) (*schema, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return compileValue(v, 0)
}

const maxSchemaDepth = 64

func compileValue(v any, depth int) (*schema, error) {
	if depth > maxSchemaDepth {
		return nil, fmt.Errorf("schema nested more than %d levels", maxSchemaDepth)
	}
	switch v := v.(type) {
	case bool:
		return &schema{always: &v}, nil
	case map[string]any:
		return compileObject(v, depth)
	}
	return nil, fmt.Errorf("a schema must be an object or a boolean, not %T", v)
}

func compileObject(m map[string]any, depth int) (*schema, error) {
	s := &schema{}
	sub := func(key string) (*schema, error) {
		v, ok := m[key]
		if !ok {
			return nil, nil
		}
		c, err := compileValue(v, depth+1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		return c, nil
	}
	list := func(key string) ([]*schema, error) {
		v, ok := m[key]
		if !ok {
			return nil, nil
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s must be an array", key)
		}
		out := make([]*schema, len(arr))
		for i, x := range arr {
			c, err := compileValue(x, depth+1)
			if err != nil {
				return nil, fmt.Errorf("%s/%d: %w", key, i, err)
			}
			out[i] = c
		}
		return out, nil
	}
	var err error
	switch t := m["type"].(type) {
	case string:
		s.addType(t)
	case []any:
		for _, x := range t {
			if name, ok := x.(string); ok {
				s.addType(name)
			}
		}
	}
	if s.typeText == "" && s.nullable {
		s.typeText = "null"
	}
	if b, ok := m["nullable"].(bool); ok && b {
		s.nullable = true
	}
	if c, ok := m["const"]; ok {
		s.hasConst, s.constV = true, c
	}
	if e, ok := m["enum"].([]any); ok {
		s.hasEnum, s.enum = true, e
	}
	if s.not, err = sub("not"); err != nil {
		return nil, err
	}
	if s.anyOf, err = list("anyOf"); err != nil {
		return nil, err
	}
	if s.oneOf, err = list("oneOf"); err != nil {
		return nil, err
	}
	if s.allOf, err = list("allOf"); err != nil {
		return nil, err
	}
	if s.ifS, err = sub("if"); err != nil {
		return nil, err
	}
	if s.thenS, err = sub("then"); err != nil {
		return nil, err
	}
	if s.elseS, err = sub("else"); err != nil {
		return nil, err
	}
	s.maximum, s.minimum = number(m["maximum"]), number(m["minimum"])
	s.multipleOf = number(m["multipleOf"])
	// exclusiveMaximum is a number in JSON Schema (OpenAPI 3.1) and a
	// modifier of maximum in OpenAPI 3.0.
	switch x := m["exclusiveMaximum"].(type) {
	case bool:
		if x && s.maximum != nil {
			s.exclMax, s.maximum = s.maximum, nil
		}
	default:
		s.exclMax = number(x)
	}
	switch x := m["exclusiveMinimum"].(type) {
	case bool:
		if x && s.minimum != nil {
			s.exclMin, s.minimum = s.minimum, nil
		}
	default:
		s.exclMin = number(x)
	}
	s.maxLength, s.minLength = count(m["maxLength"]), count(m["minLength"])
	if p, ok := m["pattern"].(string); ok && p != "" {
		s.pattern = p
		s.re = compilePattern(p)
	}
	s.format, _ = m["format"].(string)
	s.maxItems, s.minItems = count(m["maxItems"]), count(m["minItems"])
	s.uniqueItems, _ = m["uniqueItems"].(bool)
	if s.items, err = sub("items"); err != nil {
		return nil, err
	}
	s.maxProps, s.minProps = count(m["maxProperties"]), count(m["minProperties"])
	if req, ok := m["required"].([]any); ok {
		for _, r := range req {
			if name, ok := r.(string); ok {
				s.required = append(s.required, name)
			}
		}
	}
	if props, ok := m["properties"].(map[string]any); ok {
		// Properties are checked in the order the document lists them,
		// as Misskey's ajv does: the generator writes that order as
		// "x-order". Any property it does not list follows, sorted.
		names := make([]string, 0, len(props))
		seen := make(map[string]bool, len(props))
		if ord, ok := m["x-order"].([]any); ok {
			for _, o := range ord {
				if name, ok := o.(string); ok && !seen[name] {
					if _, ok := props[name]; ok {
						names = append(names, name)
						seen[name] = true
					}
				}
			}
		}
		rest := make([]string, 0, len(props)-len(names))
		for name := range props {
			if !seen[name] {
				rest = append(rest, name)
			}
		}
		sort.Strings(rest)
		names = append(names, rest...)
		for _, name := range names {
			c, err := compileValue(props[name], depth+1)
			if err != nil {
				return nil, fmt.Errorf("properties/%s: %w", name, err)
			}
			s.props = append(s.props, property{name, c})
		}
	}
	if s.additional, err = sub("additionalProperties"); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *schema) addType(t string) {
	if t == "null" {
		s.nullable = true
		return
	}
	s.types = append(s.types, t)
	if s.typeText != "" {
		s.typeText += ","
	}
	s.typeText += t
}

// compilePattern compiles an ECMAScript pattern (with the u flag, as ajv
// uses) into a Go regexp, or returns nil when Go cannot take it.
func compilePattern(p string) *regexp.Regexp {
	// Unicode property names ajv accepts that Go spells differently.
	r := strings.NewReplacer(`\p{Letter}`, `\p{L}`, `\p{Number}`, `\p{N}`, `\p{Mark}`, `\p{M}`,
		`\p{Punctuation}`, `\p{P}`, `\p{Symbol}`, `\p{S}`)
	re, err := regexp.Compile(r.Replace(p))
	if err != nil {
		return nil
	}
	return re
}

func number(v any) *float64 {
	n, ok := v.(json.Number)
	if !ok {
		return nil
	}
	f, err := n.Float64()
	if err != nil {
		return nil
	}
	return &f
}

func count(v any) *int {
	f := number(v)
	if f == nil || *f < 0 {
		return nil
	}
	n := int(math.Min(*f, math.MaxInt32))
	return &n
}

// validate checks a JSON value (decoded with UseNumber) and returns the first
// error ajv would report, or nil.
func (s *schema) validate(v any) *validationError {
	var errs []validationError
	s.check(v, "#", &errs)
	if len(errs) == 0 {
		return nil
	}
	return &errs[0]
}

// check appends the errors of v to errs and reports whether v is valid. Like
// ajv without allErrors it stops at the first error of a schema, but keeps
// the errors of every branch of anyOf and oneOf, whose first is the one
// ajv reports.
func (s *schema) check(v any, path string, errs *[]validationError) bool {
	fail := func(keyword, reason string) bool {
		*errs = append(*errs, validationError{Param: path + "/" + keyword, Reason: reason})
		return false
	}
	if s == nil {
		return true
	}
	if s.always != nil {
		if *s.always {
			return true
		}
		*errs = append(*errs, validationError{Param: path, Reason: "boolean schema is false"})
		return false
	}
	kind := jsonKind(v)
	if len(s.types) > 0 || s.typeText == "null" {
		if !s.allows(kind, v) {
			return fail("type", "must be "+s.typeText)
		}
	}

	// Keywords for any type.
	if s.hasConst && !jsonEqual(v, s.constV) {
		return fail("const", "must be equal to constant")
	}
	if s.hasEnum {
		found := false
		for _, e := range s.enum {
			if jsonEqual(v, e) {
				found = true
				break
			}
		}
		if !found {
			return fail("enum", "must be equal to one of the allowed values")
		}
	}
	if s.not != nil {
		var sink []validationError
		if s.not.check(v, path+"/not", &sink) {
			return fail("not", "must NOT be valid")
		}
	}
	if len(s.anyOf) > 0 {
		mark := len(*errs)
		ok := false
		for i, b := range s.anyOf {
			if b.check(v, path+"/anyOf/"+strconv.Itoa(i), errs) {
				ok = true
				break
			}
		}
		if ok {
			*errs = (*errs)[:mark]
		} else {
			return fail("anyOf", "must match a schema in anyOf")
		}
	}
	if len(s.oneOf) > 0 {
		mark := len(*errs)
		passed := 0
		for i, b := range s.oneOf {
			if b.check(v, path+"/oneOf/"+strconv.Itoa(i), errs) {
				passed++
				if passed > 1 {
					break
				}
			}
		}
		if passed == 1 {
			*errs = (*errs)[:mark]
		} else {
			return fail("oneOf", "must match exactly one schema in oneOf")
		}
	}
	for i, b := range s.allOf {
		if !b.check(v, path+"/allOf/"+strconv.Itoa(i), errs) {
			return false
		}
	}
	if s.ifS != nil && (s.thenS != nil || s.elseS != nil) {
		var sink []validationError
		if s.ifS.check(v, path+"/if", &sink) {
			if s.thenS != nil && !s.thenS.check(v, path+"/then", errs) {
				return fail("if", `must match "then" schema`)
			}
		} else if s.elseS != nil && !s.elseS.check(v, path+"/else", errs) {
			return fail("if", `must match "else" schema`)
		}
	}

	switch kind {
	case "number":
		f, _ := v.(json.Number).Float64()
		switch {
		case s.maximum != nil && !(f <= *s.maximum):
			return fail("maximum", "must be <= "+formatNumber(*s.maximum))
		case s.minimum != nil && !(f >= *s.minimum):
			return fail("minimum", "must be >= "+formatNumber(*s.minimum))
		case s.exclMax != nil && !(f < *s.exclMax):
			return fail("exclusiveMaximum", "must be < "+formatNumber(*s.exclMax))
		case s.exclMin != nil && !(f > *s.exclMin):
			return fail("exclusiveMinimum", "must be > "+formatNumber(*s.exclMin))
		case s.multipleOf != nil && *s.multipleOf > 0 && !isMultiple(f, *s.multipleOf):
			return fail("multipleOf", "must be multiple of "+formatNumber(*s.multipleOf))
		}
	case "string":
		str := v.(string)
		n := utf8.RuneCountInString(str)
		switch {
		case s.maxLength != nil && n > *s.maxLength:
			return fail("maxLength", fmt.Sprintf("must NOT have more than %d characters", *s.maxLength))
		case s.minLength != nil && n < *s.minLength:
			return fail("minLength", fmt.Sprintf("must NOT have fewer than %d characters", *s.minLength))
		case s.re != nil && !s.re.MatchString(str):
			return fail("pattern", fmt.Sprintf("must match pattern %q", s.pattern))
		case s.format == "misskey:id" && !isMisskeyID(str):
			return fail("format", `must match format "misskey:id"`)
		}
	case "array":
		arr := v.([]any)
		switch {
		case s.maxItems != nil && len(arr) > *s.maxItems:
			return fail("maxItems", fmt.Sprintf("must NOT have more than %d items", *s.maxItems))
		case s.minItems != nil && len(arr) < *s.minItems:
			return fail("minItems", fmt.Sprintf("must NOT have fewer than %d items", *s.minItems))
		}
		if s.uniqueItems {
			// ajv walks from the end and names the later item first.
			for i := len(arr) - 1; i >= 0; i-- {
				for j := len(arr) - 1; j > i; j-- {
					if jsonEqual(arr[i], arr[j]) {
						return fail("uniqueItems", fmt.Sprintf("must NOT have duplicate items (items ## %d and %d are identical)", j, i))
					}
				}
			}
		}
		if s.items != nil {
			for _, x := range arr {
				if !s.items.check(x, path+"/items", errs) {
					return false
				}
			}
		}
	case "object":
		obj := v.(map[string]any)
		switch {
		case s.maxProps != nil && len(obj) > *s.maxProps:
			return fail("maxProperties", fmt.Sprintf("must NOT have more than %d properties", *s.maxProps))
		case s.minProps != nil && len(obj) < *s.minProps:
			return fail("minProperties", fmt.Sprintf("must NOT have fewer than %d properties", *s.minProps))
		}
		for _, r := range s.required {
			if _, ok := obj[r]; !ok {
				return fail("required", "must have required property '"+r+"'")
			}
		}
		if s.additional != nil {
			names := make([]string, 0, len(obj))
			for k := range obj {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if s.hasProperty(k) {
					continue
				}
				if s.additional.always != nil && !*s.additional.always {
					return fail("additionalProperties", "must NOT have additional properties")
				}
				if !s.additional.check(obj[k], path+"/additionalProperties", errs) {
					return false
				}
			}
		}
		for _, p := range s.props {
			x, ok := obj[p.name]
			if !ok {
				continue
			}
			if !p.schema.check(x, path+"/properties/"+escapePointer(p.name), errs) {
				return false
			}
		}
	}
	return true
}

func (s *schema) hasProperty(name string) bool {
	for _, p := range s.props {
		if p.name == name {
			return true
		}
	}
	return false
}

// allows reports whether the type keyword accepts v.
func (s *schema) allows(kind string, v any) bool {
	if kind == "null" {
		return s.nullable
	}
	for _, t := range s.types {
		switch {
		case t == kind:
			return true
		case t == "integer" && kind == "number" && isInteger(v.(json.Number)):
			return true
		}
	}
	return false
}

// jsonKind names the JSON type of a decoded value: null, boolean, number,
// string, array or object.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

func isInteger(n json.Number) bool {
	f, err := n.Float64()
	return err == nil && !math.IsInf(f, 0) && f == math.Trunc(f)
}

func isMultiple(f, m float64) bool {
	q := f / m
	return math.Abs(q-math.Round(q)) < 1e-9
}

// isMisskeyID is ajv's misskey:id format: /^[a-zA-Z0-9]+$/.
func isMisskeyID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// formatNumber prints a number as JavaScript does for the usual cases.
func formatNumber(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// escapePointer escapes a property name for a JSON pointer, as ajv's schema
// paths do.
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// jsonEqual compares two decoded JSON values; numbers by value.
func jsonEqual(a, b any) bool {
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok || bok {
		if !aok || !bok {
			return false
		}
		af, err1 := an.Float64()
		bf, err2 := bn.Float64()
		return err1 == nil && err2 == nil && af == bf
	}
	switch a := a.(type) {
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !jsonEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, x := range a {
			y, ok := b[k]
			if !ok || !jsonEqual(x, y) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// decodeJSON decodes data with numbers as json.Number.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}
