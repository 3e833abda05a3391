package generator

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Types the API document lacks — the payloads of streaming events, and the
// constant lists and moderation-log payloads misskey-js exports — are
// written as OpenAPI component schemas in streaming_schema.json and added to
// the loaded document before the model is built. They then go through the
// same model and emitter as the document's own types.

//go:embed streaming_schema.json
var streamingSchemaJSON []byte

// addStreamingSchemas adds the schemas of streaming_schema.json to the
// document's components. A schema is left out when it refers (directly or
// through another added schema) to a component the document lacks, so an
// older document simply has fewer typed events; a name the document already
// uses keeps the document's schema. It returns the names it added, sorted.
func addStreamingSchemas(doc *openapi3.T) ([]string, error) {
	var file struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	}
	if err := json.Unmarshal(streamingSchemaJSON, &file); err != nil {
		return nil, fmt.Errorf("streaming_schema.json: %w", err)
	}
	if doc.Components == nil {
		doc.Components = &openapi3.Components{}
	}
	if doc.Components.Schemas == nil {
		doc.Components.Schemas = openapi3.Schemas{}
	}
	have := doc.Components.Schemas
	own := map[string]*openapi3.SchemaRef{}
	deps := map[string][]string{}
	for name, raw := range file.Schemas {
		if _, taken := have[name]; taken {
			continue
		}
		sref := &openapi3.SchemaRef{}
		if err := json.Unmarshal(raw, sref); err != nil {
			return nil, fmt.Errorf("streaming_schema.json: %s: %w", name, err)
		}
		if sref.Value == nil {
			return nil, fmt.Errorf("streaming_schema.json: %s: not a schema", name)
		}
		own[name] = sref
		deps[name] = schemaRefs(sref, nil, map[*openapi3.SchemaRef]bool{})
	}
	// Keep a schema while every component it names exists: the document's,
	// or another kept schema of ours.
	keep := map[string]bool{}
	for name := range own {
		keep[name] = true
	}
	for changed := true; changed; {
		changed = false
		for name := range keep {
			for _, d := range deps[name] {
				if have[d] == nil && !keep[d] {
					delete(keep, name)
					changed = true
					break
				}
			}
		}
	}
	added := sortedKeys(keep)
	for _, name := range added {
		have[name] = own[name]
	}
	for _, name := range added {
		if err := resolveSchemaRefs(own[name], have, map[*openapi3.SchemaRef]bool{}); err != nil {
			return nil, fmt.Errorf("streaming_schema.json: %s: %w", name, err)
		}
	}
	return added, nil
}

// schemaRefs lists the component names sref refers to, without following
// the references.
func schemaRefs(sref *openapi3.SchemaRef, out []string, seen map[*openapi3.SchemaRef]bool) []string {
	if sref == nil || seen[sref] {
		return out
	}
	seen[sref] = true
	if sref.Ref != "" {
		if name, ok := componentRef(sref.Ref); ok {
			out = append(out, name)
		}
		return out
	}
	eachSubschema(sref.Value, func(sub *openapi3.SchemaRef) { out = schemaRefs(sub, out, seen) })
	sort.Strings(out)
	return out
}

// resolveSchemaRefs points every $ref in sref at the component it names, as
// kin-openapi's loader does for the document's own references.
func resolveSchemaRefs(sref *openapi3.SchemaRef, comps openapi3.Schemas, seen map[*openapi3.SchemaRef]bool) error {
	if sref == nil || seen[sref] {
		return nil
	}
	seen[sref] = true
	if sref.Ref != "" {
		name, ok := componentRef(sref.Ref)
		if !ok || comps[name] == nil || comps[name].Value == nil {
			return fmt.Errorf("$ref %q does not name a component", sref.Ref)
		}
		if !strings.HasPrefix(sref.Ref, "#/components/schemas/") {
			return fmt.Errorf("$ref %q is not local", sref.Ref)
		}
		sref.Value = comps[name].Value
		return nil
	}
	var err error
	eachSubschema(sref.Value, func(sub *openapi3.SchemaRef) {
		if err == nil {
			err = resolveSchemaRefs(sub, comps, seen)
		}
	})
	return err
}

// eachSubschema calls fn for the schemas directly inside s.
func eachSubschema(s *openapi3.Schema, fn func(*openapi3.SchemaRef)) {
	if s == nil {
		return
	}
	for _, name := range sortedKeys(s.Properties) {
		fn(s.Properties[name])
	}
	for _, l := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf, s.PrefixItems} {
		for _, sub := range l {
			fn(sub)
		}
	}
	if s.Items != nil {
		fn(s.Items)
	}
	if s.AdditionalProperties.Schema != nil {
		fn(s.AdditionalProperties.Schema)
	}
	if s.Not != nil {
		fn(s.Not)
	}
}
