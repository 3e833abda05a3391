package generator

import (
	"encoding/json"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// validationSchema renders a request schema as the JSON Schema misskeytest
// validates calls with (see Endpoint.RequestSchema). The output is
// deterministic: objects have sorted keys. Where order gives a schema's
// properties in document order, the schema also carries them as "x-order",
// so that misskeytest checks them in the order Misskey's ajv does.
func validationSchema(sref *openapi3.SchemaRef, multipart bool, order func(*openapi3.Schema) []string) string {
	budget := maxValidationNodes
	w := &schemaWalk{order: order, visiting: map[*openapi3.Schema]bool{}, budget: &budget}
	v := w.schemaJSON(sref, 0)
	if m, ok := v.(map[string]any); ok && multipart {
		// Misskey takes the file as a file part, not a parameter: its own
		// schema has no file property (the document adds it).
		if props, ok := m["properties"].(map[string]any); ok {
			for name, p := range props {
				if pm, ok := p.(map[string]any); ok && pm["format"] == "binary" {
					delete(props, name)
					if ord, ok := m["x-order"].([]string); ok {
						m["x-order"] = slices.DeleteFunc(slices.Clone(ord), func(r string) bool { return r == name })
					}
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

// schemaWalk is the state of one validationSchema rendering.
type schemaWalk struct {
	order    func(*openapi3.Schema) []string // may be nil
	visiting map[*openapi3.Schema]bool
	budget   *int
}

func (w *schemaWalk) schemaJSON(sref *openapi3.SchemaRef, depth int) any {
	if sref == nil || sref.Value == nil {
		return true
	}
	s := sref.Value
	if w.visiting[s] || depth > maxValidationDepth || *w.budget <= 0 {
		return true
	}
	*w.budget--
	if s.Always != nil {
		return *s.Always
	}
	w.visiting[s] = true
	defer delete(w.visiting, s)
	sub := func(r *openapi3.SchemaRef) any { return w.schemaJSON(r, depth+1) }
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
		if w.order != nil && len(s.Properties) > 1 {
			var ord []string
			for _, name := range w.order(s) {
				if _, ok := s.Properties[name]; ok && !slices.Contains(ord, name) {
					ord = append(ord, name)
				}
			}
			if len(ord) > 1 {
				m["x-order"] = ord
			}
		}
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
