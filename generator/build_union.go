package generator

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Unions. A oneOf/anyOf whose alternatives are all objects becomes ONE
// struct holding every alternative's fields (fillObjectUnion), so that
// u.Username or n.Type read directly; the alternative a value is, is told
// by a discriminator property when the document has one, otherwise by which
// fields are present. Alternatives of different JSON kinds (a string or an
// array of strings, say) become a struct with one field per kind
// (convertUnion), decoded by the kind of the JSON value.

// maxUnionAlternatives bounds how many alternatives nested unions may
// expand to (real documents have at most 29, Notification in a fork).
const maxUnionAlternatives = 256

// objAlt is one alternative of an object union, after nested object unions
// were expanded into their own alternatives.
type objAlt struct {
	sref   *openapi3.SchemaRef
	ptr    string   // where it is written in the document
	name   string   // component name, "" for an inline alternative
	groups []string // component names of the unions it was expanded from, outermost first
}

// objectAlternatives expands refs into object alternatives, following
// components that are themselves unions of objects. It reports false when
// an alternative is not an object.
func (b *builder) objectAlternatives(refs []*openapi3.SchemaRef, ptr, keyword string, groups []string, depth int, out *[]objAlt) bool {
	if depth > 8 {
		return false
	}
	for i, r := range refs {
		if r == nil || r.Value == nil {
			return false
		}
		p := fmt.Sprintf("%s/%s/%d", ptr, keyword, i)
		name := ""
		if r.Ref != "" {
			n, ok := componentRef(r.Ref)
			if !ok {
				return false
			}
			name, p = n, "#/components/schemas/"+pointerEscape(n)
		}
		if inner, kw := unionAlternatives(r.Value); len(inner) >= 2 {
			if name == "" {
				return false // an inline union inside a union: keep the general path
			}
			if !b.objectAlternatives(inner, p, kw, append(append([]string(nil), groups...), name), depth+1, out) {
				return false
			}
			continue
		}
		if !isObjectSchema(r.Value, 0) {
			return false
		}
		*out = append(*out, objAlt{sref: r, ptr: p, name: name, groups: groups})
		if len(*out) > maxUnionAlternatives {
			return false
		}
	}
	return true
}

// unionAlternatives returns the real alternatives of a oneOf/anyOf (null
// and constraint-only ones dropped) and which keyword held them.
func unionAlternatives(s *openapi3.Schema) ([]*openapi3.SchemaRef, string) {
	alts, kw := s.OneOf, "oneOf"
	if len(alts) == 0 {
		alts, kw = s.AnyOf, "anyOf"
	}
	var real []*openapi3.SchemaRef
	for _, a := range alts {
		if !isNullSchema(a) && !isConstraintOnly(a) {
			real = append(real, a)
		}
	}
	return real, kw
}

// isObjectSchema reports whether s describes an object with properties
// (directly or through allOf parts), as opposed to a map, a free-form object
// or another kind.
func isObjectSchema(s *openapi3.Schema, depth int) bool {
	if s == nil || depth > 16 {
		return false
	}
	types := typesOf(s)
	if len(types) > 1 || (len(types) == 1 && types[0] != "object") {
		return false
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return false
	}
	if len(s.Properties) > 0 {
		return true
	}
	for _, p := range s.AllOf {
		if p != nil && isObjectSchema(p.Value, depth+1) {
			return true
		}
	}
	return false
}

// objectProps gathers the properties of an object schema in document order,
// following allOf parts and $refs, with the names any part requires.
type objectProps struct {
	names    []string
	schemas  map[string]*openapi3.SchemaRef
	ptrs     map[string]string
	required map[string]bool
}

func (b *builder) collectObjectProps(sref *openapi3.SchemaRef, ptr string) *objectProps {
	op := &objectProps{schemas: map[string]*openapi3.SchemaRef{}, ptrs: map[string]string{}, required: map[string]bool{}}
	var walk func(s *openapi3.Schema, ptr string, depth int)
	walk = func(s *openapi3.Schema, ptr string, depth int) {
		if s == nil || depth > 16 {
			return
		}
		for i, part := range s.AllOf {
			if part == nil {
				continue
			}
			pp := fmt.Sprintf("%s/allOf/%d", ptr, i)
			if n, ok := componentRef(part.Ref); ok {
				pp = "#/components/schemas/" + pointerEscape(n)
			}
			walk(part.Value, pp, depth+1)
		}
		for _, name := range b.propertyNames(s) {
			if _, dup := op.schemas[name]; dup {
				continue
			}
			op.names = append(op.names, name)
			op.schemas[name] = s.Properties[name]
			op.ptrs[name] = ptr + "/properties/" + pointerEscape(name)
		}
		for _, r := range s.Required {
			op.required[r] = true
		}
	}
	walk(sref.Value, ptr, 0)
	return op
}

// fillObjectUnion makes t one struct holding the fields of every
// alternative. A property required by every alternative is required; any
// other is optional. A property the alternatives give different types gets
// the union of those types (built by the rules of a oneOf of them); string
// enums are merged into one enum.
func (b *builder) fillObjectUnion(t *Type, sh shape, c convCtx) error {
	t.Kind = KindStruct
	t.Request = c.request
	alts := sh.alts
	srefs := make([]*openapi3.SchemaRef, len(alts))
	props := make([]*objectProps, len(alts))
	for i, a := range alts {
		srefs[i] = a.sref
		props[i] = b.collectObjectProps(a.sref, a.ptr)
	}
	disc, values := b.findDiscriminator(srefs)
	t.Discriminator = disc

	var order []string
	seen := map[string]bool{}
	for _, p := range props {
		for _, n := range p.names {
			if !seen[n] {
				seen[n] = true
				order = append(order, n)
			}
		}
	}
	fieldNames := newNameSet(reservedFieldNames...).recording(b.suffixed)
	index := map[string]int{}
	for _, name := range order {
		if !validJSONTagName(name) {
			return fmt.Errorf("%s: property name %q cannot be written as a Go struct tag", c.ptr, name)
		}
		var schemas []*openapi3.SchemaRef
		var ptr, untypedPtr, doc string
		required, nullable := true, false
		for _, p := range props {
			s, ok := p.schemas[name]
			if !ok {
				required = false
				continue
			}
			if !p.required[name] {
				required = false
			}
			if ptr == "" {
				ptr = p.ptrs[name]
			}
			if untypedPtr == "" && (s == nil || s.Value == nil || isConstraintOnly(s)) {
				untypedPtr = p.ptrs[name]
			}
			if s != nil && s.Value != nil {
				nullable = nullable || allowsNull(s.Value)
				if doc == "" {
					doc = s.Value.Description
				}
			}
			schemas = append(schemas, s)
		}
		if untypedPtr != "" && name != disc {
			// The field allows any value because this alternative does
			// (see convertAlternatives): it is defined there.
			ptr = untypedPtr
		}
		fc := c.child(ptr, t, name)
		var ref *TypeRef
		var refNullable bool
		if name == disc {
			var all []string
			for _, vs := range values {
				all = appendUniq(all, vs...)
			}
			ref = &TypeRef{Kind: RefNamed, Named: b.enumType(all, fc)}
		} else {
			var err error
			ref, refNullable, err = b.convertAlternatives(schemas, fc)
			if err != nil {
				return err
			}
			ref = b.permissionRef(name, ref)
		}
		goName := exportedName(name)
		if goName == "" {
			goName = "Field"
		}
		f := &Field{
			Name:     fieldNames.claim(goName),
			JSONName: name,
			Doc:      docText(doc),
			Type:     ref,
			Required: required,
			Nullable: nullable || refNullable,
			Pointer:  ptr,
			NullBit:  -1,
		}
		index[name] = len(t.Fields)
		t.Fields = append(t.Fields, f)
		if name == disc {
			t.DiscField = f
		}
	}
	groupMethods := map[string]string{}
	for i, a := range alts {
		v := &Variant{Name: a.name}
		if disc != "" {
			v.DiscValues = values[i]
		}
		for _, n := range props[i].names {
			v.Known = append(v.Known, index[n])
			if props[i].required[n] {
				v.Required = append(v.Required, index[n])
			}
		}
		sort.Ints(v.Known)
		sort.Ints(v.Required)
		if disc == "" && a.name != "" {
			if m := "Is" + exportedName(a.name); !fieldNames.taken(m) {
				v.IsMethod = fieldNames.claim(m)
			}
			for _, g := range a.groups {
				m, ok := groupMethods[g]
				if !ok {
					if cand := "Is" + exportedName(g); !fieldNames.taken(cand) && cand != "Is"+exportedName(t.Component) {
						m = fieldNames.claim(cand)
					}
					groupMethods[g] = m
				}
				if m != "" {
					v.Groups = append(v.Groups, m)
				}
			}
		}
		t.Variants = append(t.Variants, v)
	}
	return nil
}

// convertAlternatives returns the Go type of a property that several
// alternatives declare: one type when their schemas agree (descriptions and
// nullability aside), one enum when they are all string enums, else the
// union of the distinct schemas.
func (b *builder) convertAlternatives(schemas []*openapi3.SchemaRef, c convCtx) (*TypeRef, bool, error) {
	var distinct []*openapi3.SchemaRef
	sigs := map[string]bool{}
	for _, s := range schemas {
		sig := schemaSignature(s)
		if !sigs[sig] {
			sigs[sig] = true
			distinct = append(distinct, s)
		}
	}
	if len(distinct) == 1 {
		return b.convert(distinct[0], c)
	}
	for _, s := range distinct {
		// An alternative that says nothing of the property's shape
		// (misskey 2025.4.1-mhq: sensitiveFlagAssigned's fileId is {})
		// allows any value there, and so does the merged field. The oneOf
		// below would drop it as a constraint-only alternative.
		if s == nil || s.Value == nil || isConstraintOnly(s) {
			return b.convert(&openapi3.SchemaRef{Value: &openapi3.Schema{}}, c)
		}
	}
	var vals []string
	nullable := false
	for _, s := range distinct {
		if s == nil || s.Ref != "" || s.Value == nil || len(typesOf(s.Value)) != 1 || typesOf(s.Value)[0] != "string" {
			vals = nil
			break
		}
		ev := stringEnum(s.Value.Enum)
		if len(ev) == 0 {
			vals = nil
			break
		}
		vals = appendUniq(vals, ev...)
		nullable = nullable || allowsNull(s.Value)
	}
	if len(vals) > 0 {
		return &TypeRef{Kind: RefNamed, Named: b.enumType(vals, c)}, nullable, nil
	}
	return b.convert(&openapi3.SchemaRef{Value: &openapi3.Schema{OneOf: distinct}}, c)
}

func appendUniq(dst []string, vals ...string) []string {
	for _, v := range vals {
		if !contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}

// schemaSignature identifies a schema by what it says about the shape of a
// value: descriptions, examples, defaults and nullability do not count.
func schemaSignature(sref *openapi3.SchemaRef) string {
	if sref == nil {
		return "{}"
	}
	if sref.Ref != "" {
		return "$ref:" + sref.Ref
	}
	data, err := json.Marshal(sref.Value)
	if err != nil {
		return fmt.Sprintf("%p", sref.Value)
	}
	var v any
	if json.Unmarshal(data, &v) != nil {
		return string(data)
	}
	out, _ := json.Marshal(stripSignature(v))
	return string(out)
}

func stripSignature(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			switch {
			case k == "description" || k == "title" || k == "example" || k == "examples" || k == "default" ||
				k == "nullable" || k == "readOnly" || k == "writeOnly" || k == "deprecated" || strings.HasPrefix(k, "x-"):
				continue
			case k == "type":
				if arr, ok := x.([]any); ok {
					var kept []any
					for _, t := range arr {
						if t != "null" {
							kept = append(kept, t)
						}
					}
					if len(kept) == 1 {
						out[k] = kept[0]
					} else {
						out[k] = kept
					}
					continue
				}
			}
			out[k] = stripSignature(x)
		}
		return out
	case []any:
		out := make([]any, 0, len(v))
		for _, x := range v {
			if m, ok := x.(map[string]any); ok && m["type"] == "null" && len(m) == 1 {
				continue
			}
			out = append(out, stripSignature(x))
		}
		return out
	}
	return v
}

// unionAlt is one alternative of a union of different JSON kinds.
type unionAlt struct {
	sref  *openapi3.SchemaRef
	ptr   string
	kind  string // JSON kind: object, array, string, integer, number, boolean, any
	title string
}

// schemaKind returns the JSON kind of the values a schema allows, "any"
// when it allows several or says nothing, or "union" for a oneOf/anyOf.
func schemaKind(s *openapi3.Schema) string {
	if s == nil {
		return "any"
	}
	if alts, _ := unionAlternatives(s); len(alts) >= 2 {
		return "union"
	}
	types := typesOf(s)
	if len(types) > 1 {
		return "union"
	}
	if len(types) == 1 {
		return types[0]
	}
	switch {
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || len(s.AllOf) > 0:
		return "object"
	case s.Items != nil || len(s.PrefixItems) > 0:
		return "array"
	case len(stringEnum(s.Enum)) > 0:
		return "string"
	}
	if alts, _ := unionAlternatives(s); len(alts) == 1 {
		return schemaKind(alts[0].Value)
	}
	return "any"
}

// expandUnion lists the alternatives of a union schema by JSON kind,
// expanding nested unions.
func (b *builder) expandUnion(branches []*openapi3.SchemaRef, ptr, keyword string, depth int, out *[]unionAlt) (nullable bool, err error) {
	if depth > 8 || len(*out) > maxUnionAlternatives {
		return false, fmt.Errorf("%s: unions nested too deeply or with too many alternatives", ptr)
	}
	for i, br := range branches {
		p := fmt.Sprintf("%s/%s/%d", ptr, keyword, i)
		if br == nil || br.Value == nil {
			*out = append(*out, unionAlt{sref: br, ptr: p, kind: "any"})
			continue
		}
		if isNullSchema(br) {
			nullable = true
			continue
		}
		s := br.Value
		if allowsNull(s) {
			nullable = true
		}
		k := schemaKind(s)
		if br.Ref != "" && k == "union" {
			// A component is one alternative, whatever it is: an object
			// union is a struct, any other union is left as it is.
			k = "any"
			if alts, kw := unionAlternatives(s); len(alts) >= 2 {
				var objs []objAlt
				if b.objectAlternatives(alts, p, kw, nil, 0, &objs) {
					k = "object"
				}
			}
		}
		switch k {
		case "union":
			if alts, kw := unionAlternatives(s); len(alts) >= 2 {
				n, err := b.expandUnion(alts, p, kw, depth+1, out)
				if err != nil {
					return false, err
				}
				nullable = nullable || n
				continue
			}
			// ["string", "number"]: one alternative per type.
			var parts []*openapi3.SchemaRef
			for _, t := range typesOf(s) {
				parts = append(parts, &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{t}, Items: s.Items, Properties: s.Properties, AdditionalProperties: s.AdditionalProperties, Format: s.Format, Enum: s.Enum}})
			}
			n, err := b.expandUnion(parts, p, "type", depth+1, out)
			if err != nil {
				return false, err
			}
			nullable = nullable || n
		default:
			*out = append(*out, unionAlt{sref: br, ptr: p, kind: k, title: s.Title})
		}
	}
	return nullable, nil
}

// unionKinds is the order in which a union's branches are declared.
var unionKinds = []string{"object", "array", "string", "integer", "number", "boolean"}

// convertUnion converts a union of alternatives of different JSON kinds:
// one branch per kind; several object alternatives become one object union
// struct; an alternative that allows anything makes the whole value any.
func (b *builder) convertUnion(s *openapi3.Schema, sh shape, c convCtx) (*TypeRef, bool, error) {
	return b.unionInto(nil, s.Description, sh, c)
}

// fillUnion makes t, a component, the union of sh's alternatives (or an
// alias, when they turn out to be of one JSON kind).
func (b *builder) fillUnion(t *Type, sh shape, c convCtx) error {
	ref, nullable, err := b.unionInto(t, "", sh, c)
	if err != nil {
		return err
	}
	t.nullable = t.nullable || nullable
	if ref.Kind == RefNamed && ref.Named == t {
		return nil
	}
	t.Kind, t.Alias = KindAlias, ref
	return b.checkAliasCycle(t)
}

// unionInto converts the alternatives of sh. With more than one JSON kind,
// the branches go into t (or a new inline type when t is nil).
func (b *builder) unionInto(t *Type, doc string, sh shape, c convCtx) (*TypeRef, bool, error) {
	var alts []unionAlt
	nullable, err := b.expandUnion(sh.branches, c.ptr, sh.keyword, 0, &alts)
	if err != nil {
		return nil, false, err
	}
	nullable = nullable || sh.nullable
	byKind := map[string][]unionAlt{}
	var kinds []string
	for _, a := range alts {
		byKind[a.kind] = append(byKind[a.kind], a)
	}
	for _, k := range unionKinds {
		if len(byKind[k]) > 0 {
			kinds = append(kinds, k)
		}
	}
	if len(byKind["any"]) > 0 || len(kinds) == 0 {
		if c.response {
			return &TypeRef{Kind: RefRaw}, nullable, nil
		}
		return &TypeRef{Kind: RefAny}, nullable, nil
	}
	if len(kinds) > 1 {
		if t == nil {
			t = b.newInline(c, KindUnion, doc)
		}
		t.Kind = KindUnion
	}
	names := newNameSet(reservedFieldNames...).recording(b.suffixed)
	for _, kind := range kinds {
		group := byKind[kind]
		bc := c
		if t != nil && len(kinds) > 1 {
			bc = c.child(group[0].ptr, t, kind)
		}
		var ref *TypeRef
		switch {
		case kind == "object" && len(group) > 1:
			refs := make([]*openapi3.SchemaRef, len(group))
			for i, a := range group {
				refs[i] = a.sref
			}
			var objs []objAlt
			if b.objectAlternatives(refs, c.ptr, sh.keyword, nil, 0, &objs) {
				u := b.newInline(bc, KindStruct, "")
				if err := b.fillObjectUnion(u, shape{kind: shapeObjectUnion, alts: objs}, bc); err != nil {
					return nil, false, err
				}
				ref = &TypeRef{Kind: RefNamed, Named: u}
				break
			}
			b.warn(c.ptr, "several object alternatives that are not all objects with properties; the first is used")
			fallthrough
		default:
			if len(group) > 1 && kind != "object" {
				b.warn(c.ptr, "several %s alternatives; the first is used", kind)
			}
			r, n, err := b.convert(group[0].sref, bc)
			if err != nil {
				return nil, false, err
			}
			ref, nullable = r, nullable || n
		}
		if len(kinds) == 1 {
			return ref, nullable, nil
		}
		name := exportedName(group[0].title)
		if name == "" {
			name = branchFieldName(ref)
		}
		t.Branches = append(t.Branches, &Branch{Name: names.claim(name), Type: ref, JSONKind: kind})
	}
	return &TypeRef{Kind: RefNamed, Named: t}, nullable, nil
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
		if r.Named.Name != "" {
			return r.Named.Name
		}
		switch r.Named.Kind {
		case KindStruct:
			return "Object"
		case KindEnum:
			return "String"
		case KindTuple:
			return "Tuple"
		}
		return "Value"
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
