package generator

import (
	"encoding/json"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// validationSchema renders a request schema as the JSON Schema misskeytest
// validates calls with (see Endpoint.RequestSchema). The output is
// deterministic: objects have sorted keys.
func validationSchema(sref *openapi3.SchemaRef, multipart bool) string {
	budget := maxValidationNodes
	v := schemaJSON(sref, 0, map[*openapi3.Schema]bool{}, &budget)
	if m, ok := v.(map[string]any); ok && multipart {
		// Misskey takes the file as a file part, not a parameter: its own
		// schema has no file property (the document adds it).
		if props, ok := m["properties"].(map[string]any); ok {
			for name, p := range props {
				if pm, ok := p.(map[string]any); ok && pm["format"] == "binary" {
					delete(props, name)
					if req, ok := m["required"].([]string); ok {
						m["required"] = slices.DeleteFunc(slices.Clone(req), func(r string) bool { return r == name })
					}
				}
			}
		}
		if req, ok := m["required"].([]string); ok && len(req) == 0 {
			delete(m, "required")
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// maxValidationDepth bounds how deep $refs are inlined, and
// maxValidationNodes how many schemas one request schema inlines in all;
// deeper, cyclic or further schemas accept anything.
const (
	maxValidationDepth = 32
	maxValidationNodes = 5000
)

func schemaJSON(sref *openapi3.SchemaRef, depth int, visiting map[*openapi3.Schema]bool, budget *int) any {
	if sref == nil || sref.Value == nil {
		return true
	}
	s := sref.Value
	if visiting[s] || depth > maxValidationDepth || *budget <= 0 {
		return true
	}
	*budget--
	if s.Always != nil {
		return *s.Always
	}
	visiting[s] = true
	defer delete(visiting, s)
	sub := func(r *openapi3.SchemaRef) any { return schemaJSON(r, depth+1, visiting, budget) }
	list := func(rs openapi3.SchemaRefs) []any {
		out := make([]any, len(rs))
		for i, r := range rs {
			out[i] = sub(r)
		}
		return out
	}
	m := map[string]any{}
	if s.Type != nil {
		switch ts := s.Type.Slice(); len(ts) {
		case 0:
		case 1:
			m["type"] = ts[0]
		default:
			m["type"] = ts
		}
	}
	if s.Nullable {
		m["nullable"] = true
	}
	if s.Enum != nil {
		m["enum"] = s.Enum
	}
	if s.Const != nil {
		m["const"] = s.Const
	}
	if s.Min != nil {
		m["minimum"] = *s.Min
	}
	if s.Max != nil {
		m["maximum"] = *s.Max
	}
	for key, b := range map[string]openapi3.ExclusiveBound{"exclusiveMinimum": s.ExclusiveMin, "exclusiveMaximum": s.ExclusiveMax} {
		switch {
		case b.Value != nil:
			m[key] = *b.Value
		case b.Bool != nil && *b.Bool:
			m[key] = true
		}
	}
	if s.MultipleOf != nil {
		m["multipleOf"] = *s.MultipleOf
	}
	if s.MinLength > 0 {
		m["minLength"] = s.MinLength
	}
	if s.MaxLength != nil {
		m["maxLength"] = *s.MaxLength
	}
	if s.Pattern != "" {
		m["pattern"] = s.Pattern
	}
	if s.Format != "" {
		m["format"] = s.Format
	}
	if s.MinItems > 0 {
		m["minItems"] = s.MinItems
	}
	if s.MaxItems != nil {
		m["maxItems"] = *s.MaxItems
	}
	if s.UniqueItems {
		m["uniqueItems"] = true
	}
	if s.Items != nil {
		m["items"] = sub(s.Items)
	}
	if s.MinProps > 0 {
		m["minProperties"] = s.MinProps
	}
	if s.MaxProps != nil {
		m["maxProperties"] = *s.MaxProps
	}
	if len(s.Required) > 0 {
		m["required"] = slices.Clone(s.Required)
	}
	if len(s.Properties) > 0 {
		props := map[string]any{}
		for name, p := range s.Properties {
			props[name] = sub(p)
		}
		m["properties"] = props
	}
	switch ap := s.AdditionalProperties; {
	case ap.Has != nil:
		m["additionalProperties"] = *ap.Has
	case ap.Schema != nil:
		m["additionalProperties"] = sub(ap.Schema)
	}
	for key, rs := range map[string]openapi3.SchemaRefs{"anyOf": s.AnyOf, "oneOf": s.OneOf, "allOf": s.AllOf} {
		if len(rs) > 0 {
			m[key] = list(rs)
		}
	}
	for key, r := range map[string]*openapi3.SchemaRef{"not": s.Not, "if": s.If, "then": s.Then, "else": s.Else} {
		if r != nil {
			m[key] = sub(r)
		}
	}
	return m
}
