package generator

import (
	"fmt"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
)

// Unions: oneOf/anyOf alternatives, their Go field names, and the
// discriminator that selects them when the document has one.

// fillUnion makes the branches of a union.
func (b *builder) fillUnion(t *Type, sh shape, c convCtx) error {
	t.Kind = KindUnion
	disc, values := b.findDiscriminator(sh.branches)
	t.Discriminator = disc
	names := newNameSet("Raw", "MarshalJSON", "UnmarshalJSON") // the union's own field and methods
	for i, br := range sh.branches {
		ptr := fmt.Sprintf("%s/%s/%d", c.ptr, sh.keyword, i)
		hint := ""
		if disc != "" && br.Ref == "" {
			hint = values[i][0]
		}
		bc := c.child(ptr, t.Name, hint)
		if hint == "" {
			bc.field = branchHint(br)
		}
		ref, _, err := b.convert(br, bc)
		if err != nil {
			return err
		}
		name := exportedName(hint)
		if name == "" {
			name = branchFieldName(ref)
		}
		bch := &Branch{Name: names.claim(name), Type: ref}
		if disc != "" {
			bch.DiscValues = values[i]
		}
		t.Branches = append(t.Branches, bch)
	}
	return nil
}

// branchHint is the name part for an inline branch type without a
// discriminator value.
func branchHint(br *openapi3.SchemaRef) string {
	if br.Value == nil {
		return "Value"
	}
	switch t := typesOf(br.Value); {
	case len(t) == 1 && t[0] == "object":
		return "Object"
	case len(t) == 1 && t[0] == "array":
		return "List"
	case len(br.Value.Properties) > 0:
		return "Object"
	}
	return "Value"
}

// branchFieldName names a union branch by its Go type.
func branchFieldName(r *TypeRef) string {
	switch r.Kind {
	case RefString:
		return "String"
	case RefInt:
		return "Int"
	case RefFloat:
		return "Float"
	case RefBool:
		return "Bool"
	case RefTime:
		return "Time"
	case RefNamed:
		return r.Named.Name
	case RefSlice:
		return branchFieldName(r.Elem) + "List"
	case RefMap:
		return branchFieldName(r.Elem) + "Map"
	}
	return "Value"
}

// findDiscriminator looks for a property that every branch declares with
// string enum values (or a const) that no other branch shares, trying
// "type" first.
func (b *builder) findDiscriminator(branches []*openapi3.SchemaRef) (string, [][]string) {
	if len(branches) < 2 {
		return "", nil
	}
	propsOf := make([]map[string]*openapi3.SchemaRef, len(branches))
	for i, br := range branches {
		props := map[string]*openapi3.SchemaRef{}
		if !collectProps(br, props, 0) {
			return "", nil
		}
		propsOf[i] = props
	}
	var cands []string
	for name := range propsOf[0] {
		cands = append(cands, name)
	}
	sort.Slice(cands, func(i, j int) bool {
		if (cands[i] == "type") != (cands[j] == "type") {
			return cands[i] == "type"
		}
		return cands[i] < cands[j]
	})
next:
	for _, name := range cands {
		seen := map[string]bool{}
		values := make([][]string, len(branches))
		for i, props := range propsOf {
			p := props[name]
			if p == nil || p.Value == nil {
				continue next
			}
			vals := stringEnum(p.Value.Enum)
			if cs, ok := p.Value.Const.(string); ok {
				vals = []string{cs}
			}
			if len(vals) == 0 {
				continue next
			}
			for _, v := range vals {
				if seen[v] {
					continue next
				}
				seen[v] = true
			}
			values[i] = vals
		}
		return name, values
	}
	return "", nil
}

// collectProps gathers the properties of an object schema, following $ref
// and allOf. It reports false when the schema is not an object.
func collectProps(sref *openapi3.SchemaRef, into map[string]*openapi3.SchemaRef, depth int) bool {
	if sref == nil || sref.Value == nil || depth > 16 {
		return false
	}
	s := sref.Value
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return false
	}
	ok := len(s.Properties) > 0
	for name, p := range s.Properties {
		if _, dup := into[name]; !dup {
			into[name] = p
		}
	}
	for _, part := range s.AllOf {
		if collectProps(part, into, depth+1) {
			ok = true
		}
	}
	return ok
}
