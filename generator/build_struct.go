package generator

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// Structs and tuples: properties of every object part, embedded allOf
// components, and the positions of prefixItems arrays.

// fillStruct makes the fields and embedded parts of a struct.
func (b *builder) fillStruct(t *Type, sh shape, c convCtx) error {
	t.Kind = KindStruct
	t.Request = c.request
	for _, e := range sh.embeds {
		ref, _, err := b.convert(e, c)
		if err != nil {
			return err
		}
		if ref.Kind == RefNamed {
			t.Embeds = append(t.Embeds, ref.Named)
		}
	}
	type prop struct {
		name     string
		sref     *openapi3.SchemaRef
		required bool
		ptr      string
	}
	props := map[string]*prop{}
	var order []string
	add := func(s *openapi3.Schema, optional bool) {
		req := map[string]bool{}
		if !optional {
			for _, r := range s.Required {
				req[r] = true
			}
		}
		for _, name := range b.propertyNames(s) {
			p := s.Properties[name]
			if old, ok := props[name]; ok {
				// The same property in two parts: required if either says so;
				// the first part's schema wins.
				old.required = old.required || req[name]
				continue
			}
			props[name] = &prop{name: name, sref: p, required: req[name], ptr: c.ptr + "/properties/" + pointerEscape(name)}
			order = append(order, name)
		}
	}
	for _, p := range sh.parts {
		add(p, false)
	}
	for _, p := range sh.optionalParts {
		add(p, true)
	}
	// A required list may name properties from another part.
	for _, p := range sh.parts {
		for _, r := range p.Required {
			if pp, ok := props[r]; ok {
				pp.required = true
			}
		}
	}
	fieldNames := newNameSet(reservedFieldNames...).recording(b.suffixed)
	for _, e := range t.Embeds {
		fieldNames.reserve(e.Name)
	}
	for _, name := range order {
		p := props[name]
		if !validJSONTagName(name) {
			return fmt.Errorf("%s: property name %q cannot be written as a Go struct tag", p.ptr, name)
		}
		goName := exportedName(name)
		if goName == "" {
			goName = "Field"
		}
		ref, nullable, err := b.convert(p.sref, c.child(p.ptr, t, name))
		if err != nil {
			return err
		}
		ref = b.permissionRef(name, ref)
		doc := ""
		if p.sref.Value != nil {
			doc = docText(p.sref.Value.Description)
		}
		t.Fields = append(t.Fields, &Field{
			Name:     fieldNames.claim(goName),
			JSONName: name,
			Doc:      doc,
			Type:     ref,
			Required: p.required,
			Nullable: nullable,
			Pointer:  p.ptr,
			NullBit:  -1,
		})
	}
	return nil
}

// reservedFieldNames are the names a generated struct uses itself, which no
// property may take: Extra (the members its fields do not hold) and the
// methods every struct has.
var reservedFieldNames = []string{"Extra", "Raw", "MarshalJSON", "UnmarshalJSON"}

// propertyNames returns the property names of s in the order the document
// lists them (names the order does not know come last, sorted).
func (b *builder) propertyNames(s *openapi3.Schema) []string {
	var out []string
	seen := make(map[string]bool, len(s.Properties))
	if b.order != nil {
		for _, name := range b.order(s) {
			if _, ok := s.Properties[name]; ok && !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	rest := make([]string, 0, len(s.Properties)-len(out))
	for name := range s.Properties {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// allFields returns the fields of t and of its embedded parts, outer
// declarations first.
func allFields(t *Type, seen map[*Type]bool) []*Field {
	if seen == nil {
		seen = map[*Type]bool{}
	}
	if seen[t] {
		return nil
	}
	seen[t] = true
	out := append([]*Field(nil), t.Fields...)
	for _, e := range t.Embeds {
		out = append(out, allFields(e, seen)...)
	}
	return out
}

// fillTuple makes the positions of a tuple: Item0, Item1, … in order.
func (b *builder) fillTuple(t *Type, sh shape, c convCtx) error {
	t.Kind = KindTuple
	for i, p := range sh.tuple {
		ptr := fmt.Sprintf("%s/prefixItems/%d", c.ptr, i)
		ref, nullable, err := b.convert(p, c.child(ptr, t, fmt.Sprintf("item%d", i)))
		if err != nil {
			return err
		}
		t.Fields = append(t.Fields, &Field{
			Name:     fmt.Sprintf("Item%d", i),
			JSONName: strconv.Itoa(i),
			Type:     ref,
			Required: true,
			Nullable: nullable,
			Pointer:  ptr,
			NullBit:  -1,
		})
	}
	return nil
}

// permissionRef types the strings of a property that holds permissions
// ("permission", "permissions": MiAuth, apps, access tokens) as Permission.
func (b *builder) permissionRef(name string, ref *TypeRef) *TypeRef {
	if name != "permission" && name != "permissions" {
		return ref
	}
	switch {
	case ref.Kind == RefString:
		return &TypeRef{Kind: RefNamed, Named: permissionType}
	case ref.Kind == RefSlice && ref.Elem.Kind == RefString:
		return &TypeRef{Kind: RefSlice, Elem: &TypeRef{Kind: RefNamed, Named: permissionType}}
	}
	return ref
}

// permissionType is the runtime's Permission (a string type); it is not
// emitted.
var permissionType = &Type{Name: "Permission", Kind: KindEnum, fixed: true, created: -1}
