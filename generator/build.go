package generator

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// builder turns a loaded document into the model. It is used once, by
// Build, and holds the state of that one conversion.
type builder struct {
	doc        *openapi3.T
	api        *API
	types      *nameSet         // package-level identifiers
	methods    *nameSet         // methods of *Client
	components map[string]*Type // by component schema name
	enums      map[string]*Type // by property name and values, for de-duplication
	all        []*Type
	// suffixed collects the identifiers that took a numeric suffix to stay
	// unique (API.Suffixed).
	suffixed *[]string
	// endpointPaths maps the Go name of an endpoint to its path.
	endpointPaths map[string]string
	// order gives the property names of a schema in document order, or
	// nil when unknown (then they are sorted).
	order func(*openapi3.Schema) []string
	// converting guards against a schema that refers to itself without a
	// component in between (impossible in valid documents, possible in bad ones).
	converting map[*openapi3.Schema]bool
}

// Build models the document. Problems it works around become API.Warnings;
// problems it cannot work around are returned as an error naming the JSON
// pointer.
func Build(doc *openapi3.T) (*API, error) {
	return build(doc, nil)
}

// BuildDocument models a loaded document, with struct fields in the order
// the document lists the properties.
func BuildDocument(d *Document) (*API, error) {
	return build(d.T, d.PropertyOrder)
}

func build(doc *openapi3.T, order func(*openapi3.Schema) []string) (*API, error) {
	reserved, err := runtimeIdentifiers()
	if err != nil {
		return nil, err
	}
	b := &builder{
		doc:           doc,
		api:           &API{OpenAPI: doc.OpenAPI},
		types:         newNameSet(append(reserved.pkg, reservedFieldNames...)...),
		methods:       newNameSet(append(reserved.clientMethods, vetMethods...)...),
		suffixed:      new([]string),
		components:    map[string]*Type{},
		enums:         map[string]*Type{},
		converting:    map[*openapi3.Schema]bool{},
		endpointPaths: map[string]string{},
		order:         order,
	}
	b.types.recording(b.suffixed)
	b.methods.recording(b.suffixed)
	if doc.Info != nil {
		b.api.Title, b.api.Version = oneLineText(doc.Info.Title), oneLineText(doc.Info.Version)
	}
	if err := b.buildComponents(); err != nil {
		return nil, err
	}
	if err := b.buildEndpoints(); err != nil {
		return nil, err
	}
	b.finish()
	b.api.Suffixed = append([]string(nil), *b.suffixed...)
	sort.Strings(b.api.Suffixed)
	return b.api, nil
}

// vetMethods are the method names go vet holds to the standard library's
// signatures (json.Marshaler, io.ByteReader, errors.Is …): an endpoint
// method must not take one.
var vetMethods = []string{"As", "Format", "GobDecode", "GobEncode", "Is", "MarshalJSON", "MarshalXML", "ReadByte", "ReadFrom",
	"ReadRune", "Scan", "Seek", "UnmarshalJSON", "UnmarshalXML", "UnreadByte", "UnreadRune", "Unwrap", "WriteByte", "WriteTo"}

func (b *builder) warn(ptr, format string, args ...any) {
	b.api.Warnings = append(b.api.Warnings, Warning{Pointer: ptr, Message: fmt.Sprintf(format, args...)})
}

func (b *builder) newType(t *Type) *Type {
	t.created = len(b.all)
	b.all = append(b.all, t)
	return t
}

// pointerEscape escapes one JSON pointer token. Control characters (and
// the byte order mark) are percent-encoded as in a URI fragment, so that a
// pointer is always one printable line (it is quoted in doc comments).
func pointerEscape(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
	if strings.IndexFunc(s, badInText) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if badInText(r) {
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// badInText reports the characters that cannot stand in a one-line Go
// comment: control characters (line breaks, NUL) and the byte order mark,
// which Go allows only at the start of a file.
func badInText(r rune) bool {
	return unicode.IsControl(r) || r == '\ufeff' || r == '\u2028' || r == '\u2029'
}

// oneLineText makes text from the document safe for a one-line comment:
// runs of control characters and spaces become one space.
func oneLineText(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return badInText(r) || unicode.IsSpace(r) }), " ")
}

// docText normalises a description from the document for the model: NUL
// and byte order marks (which Go source cannot hold) are dropped, and every
// kind of line break (isLineBreak) becomes "\n". The emitter prints each
// line through commentLine.
func docText(s string) string {
	return normalizeDocText(s)
}

func (b *builder) buildComponents() error {
	if b.doc.Components == nil {
		return nil
	}
	names := make([]string, 0, len(b.doc.Components.Schemas))
	for name := range b.doc.Components.Schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	// Reserve every component's name first, so that no inline type can take it.
	for _, name := range names {
		goName := exportedName(name)
		if goName == "" {
			return fmt.Errorf("#/components/schemas/%s: the component name has no letter or digit to make a Go name of", pointerEscape(name))
		}
		if strings.IndexFunc(name, badInText) >= 0 {
			return fmt.Errorf("#/components/schemas/%s: the component name contains control characters", pointerEscape(name))
		}
		t := b.newType(&Type{
			Name:      b.types.claim(goName),
			Component: name,
			Pointer:   "#/components/schemas/" + pointerEscape(name),
			fixed:     true,
		})
		b.components[name] = t
	}
	for _, name := range names {
		t := b.components[name]
		sref := b.doc.Components.Schemas[name]
		if sref == nil || sref.Value == nil {
			if cycle := b.refCycle(name); cycle != nil {
				return fmt.Errorf("%s: $ref cycle: %s", t.Pointer, strings.Join(cycle, " → "))
			}
			return fmt.Errorf("%s: empty schema", t.Pointer)
		}
		if err := b.defineNamed(t, sref, convCtx{ptr: t.Pointer}); err != nil {
			return err
		}
	}
	return nil
}

// refCycle returns the components a bare $ref chain from component name
// visits when it leads back to one of them (A → B → A), or nil.
func (b *builder) refCycle(name string) []string {
	var chain []string
	seen := map[string]bool{}
	for {
		if seen[name] {
			return append(chain, "#/components/schemas/"+pointerEscape(name))
		}
		seen[name] = true
		chain = append(chain, "#/components/schemas/"+pointerEscape(name))
		sref := b.doc.Components.Schemas[name]
		if sref == nil {
			return nil
		}
		next, ok := componentRef(sref.Ref)
		if !ok {
			return nil
		}
		name = next
	}
}

// componentRef returns the component schema name a $ref names
// ("#/components/schemas/a~1b" → "a/b"), or false when it names something
// else.
func componentRef(ref string) (string, bool) {
	tok, ok := strings.CutPrefix(ref, "#/components/schemas/")
	if !ok || strings.Contains(tok, "/") {
		return "", false
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~"), true
}

// convCtx is where a schema is being converted.
type convCtx struct {
	ptr string // JSON pointer of the schema
	// parent is the named type whose property (or alternative) the schema
	// stands for, field that property, and item whether the schema is an
	// element (or map value) of it. Inline types are named from these once
	// the whole document is modelled.
	parent *Type
	field  string
	item   bool
	// fixedName is the name of the type made for this very schema (an
	// endpoint's request or response), and role what it is in words.
	fixedName, role string
	endpoint        string // Go name of the endpoint whose body this is, if any
	group           string // file group of the types made here
	request         bool   // inside a request body
	response        bool   // the schema is a whole response body
	multipart       bool   // inside a multipart request body
	depth           int    // how many schemas enclose this one
}

// maxSchemaDepth bounds how deeply inline schemas may nest (real documents
// nest fewer than 10 deep). Past it, names and doc comments grow with the
// square of the depth.
const maxSchemaDepth = 64

func (c convCtx) child(ptr string, parent *Type, field string) convCtx {
	c.ptr, c.parent, c.field, c.item, c.response = ptr, parent, field, false, false
	c.fixedName, c.role = "", ""
	c.depth++
	return c
}

// elem is the context of an array's items or a map's values.
func (c convCtx) elem(ptr string) convCtx {
	c.ptr, c.item, c.response = ptr, true, false
	c.fixedName, c.role = "", ""
	c.depth++
	return c
}

func (c convCtx) use() typeUse {
	return typeUse{owner: c.parent, endpoint: c.endpoint, field: c.field, item: c.item}
}

// newInline makes a type for an inline schema at c. Its name is chosen in
// finish, from where it is used, unless c fixes it.
func (b *builder) newInline(c convCtx, kind TypeKind, doc string) *Type {
	t := &Type{Kind: kind, Pointer: c.ptr, Group: c.group, Request: c.request, Doc: docText(doc)}
	if c.fixedName != "" {
		t.Name, t.fixed, t.Role = b.types.claim(c.fixedName), true, c.role
	} else {
		t.uses = []typeUse{c.use()}
	}
	return b.newType(t)
}

// defineNamed fills t (already named) from a component schema.
func (b *builder) defineNamed(t *Type, sref *openapi3.SchemaRef, c convCtx) error {
	s := sref.Value
	if sref.Ref != "" {
		ref, nullable, err := b.convert(sref, c)
		if err != nil {
			return err
		}
		t.Kind, t.Alias, t.nullable = KindAlias, ref, nullable
		t.Doc = docText(s.Description)
		return b.checkAliasCycle(t)
	}
	t.Doc = docText(firstNonEmpty(s.Description, s.Title))
	t.nullable = allowsNull(s)
	shape, err := b.classify(s, c)
	if err != nil {
		return err
	}
	switch shape.kind {
	case shapeStruct:
		t.Kind = KindStruct
		return b.fillStruct(t, shape, c)
	case shapeUnion:
		c.parent, c.field = t, ""
		return b.fillUnion(t, shape, c)
	case shapeObjectUnion:
		return b.fillObjectUnion(t, shape, c)
	case shapeEnum:
		t.Kind = KindEnum
		t.EnumValues = b.enumValues(t.Name, shape.enum)
		return nil
	case shapeTuple:
		return b.fillTuple(t, shape, c)
	}
	// Anything else: a named alias of the plain conversion.
	c.parent, c.field = t, ""
	ref, nullable, err := b.convertShape(s, shape, c)
	if err != nil {
		return err
	}
	t.Kind, t.Alias = KindAlias, ref
	t.nullable = t.nullable || nullable
	return b.checkAliasCycle(t)
}

// checkAliasCycle refuses a component that is, through aliases only,
// itself (e.g. A = oneOf [$ref A, null]): it has no shape to generate.
func (b *builder) checkAliasCycle(t *Type) error {
	seen := map[*Type]bool{}
	for x := t; x.Kind == KindAlias && x.Alias != nil && x.Alias.Kind == RefNamed; {
		x = x.Alias.Named
		if x == t {
			return fmt.Errorf("%s: the schema is only a reference to itself", t.Pointer)
		}
		if seen[x] {
			return nil
		}
		seen[x] = true
	}
	return nil
}

// shapeKind is what a schema turns into.
type shapeKind int

const (
	shapePrim   shapeKind = iota // string, integer, number, boolean (prim says which)
	shapeStruct                  // object with properties
	shapeUnion                   // oneOf/anyOf of several shapes
	shapeEnum                    // string enum
	shapeArray
	shapeMap    // additionalProperties only
	shapeFree   // free-form object
	shapeAny    // no type at all
	shapeSingle // a composition with one real alternative (single), e.g. anyOf [$ref, null]
	shapeTuple  // an array with prefixItems: typed positions
	// shapeObjectUnion: oneOf/anyOf of objects, held in one struct
	shapeObjectUnion
)

type shape struct {
	kind     shapeKind
	prim     string // "string", "integer", "number", "boolean"
	nullable bool
	enum     []string
	// shapeStruct: the schemas whose properties make the struct, and the
	// component parts to embed.
	parts  []*openapi3.Schema
	embeds []*openapi3.SchemaRef
	// optionalParts hold properties that are all optional (anyOf of objects
	// merged into one struct).
	optionalParts []*openapi3.Schema
	// shapeUnion
	branches []*openapi3.SchemaRef
	keyword  string // "oneOf", "anyOf" or "type"
	// shapeObjectUnion
	alts []objAlt
	// shapeSingle
	single *openapi3.SchemaRef
	// shapeArray
	items *openapi3.SchemaRef
	// shapeTuple: the schema of each position
	tuple []*openapi3.SchemaRef
	// shapeMap
	values *openapi3.SchemaRef
}

func allowsNull(s *openapi3.Schema) bool {
	if s == nil {
		return false
	}
	if s.Nullable || (s.Type != nil && s.Type.Includes("null")) {
		return true
	}
	for _, v := range s.Enum {
		if v == nil {
			return true
		}
	}
	return false
}

// isNullSchema reports whether s accepts only null ({"type": "null"}).
func isNullSchema(sref *openapi3.SchemaRef) bool {
	if sref == nil || sref.Ref != "" || sref.Value == nil {
		return false
	}
	s := sref.Value
	return s.Type != nil && len(s.Type.Slice()) == 1 && s.Type.Is("null")
}

// isConstraintOnly reports whether a composition branch only constrains
// (required lists, not, if/then) and adds no shape of its own, as Misskey's
// notes/create anyOf [{required: [text]}, {required: [fileIds]}, …] does.
func isConstraintOnly(sref *openapi3.SchemaRef) bool {
	if sref == nil || sref.Ref != "" || sref.Value == nil {
		return false
	}
	s := sref.Value
	return (s.Type == nil || s.Type.IsEmpty()) && len(s.Properties) == 0 && len(s.OneOf) == 0 &&
		len(s.AnyOf) == 0 && len(s.AllOf) == 0 && s.Items == nil && len(s.Enum) == 0 &&
		s.AdditionalProperties.Schema == nil
}

// isInlineObject reports whether sref is an inline object schema (no $ref)
// with properties or at least no other type.
func isInlineObject(sref *openapi3.SchemaRef) bool {
	if sref == nil || sref.Ref != "" || sref.Value == nil {
		return false
	}
	s := sref.Value
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0 {
		return false
	}
	if s.Type == nil || s.Type.IsEmpty() {
		return len(s.Properties) > 0 || len(s.Required) > 0
	}
	return s.Type.Is("object") && len(s.Properties) > 0
}

func typesOf(s *openapi3.Schema) []string {
	if s.Type == nil {
		return nil
	}
	var out []string
	for _, t := range s.Type.Slice() {
		if t != "null" {
			out = append(out, t)
		}
	}
	return out
}

// classify decides what a (non-$ref) schema becomes, normalising the ways
// Misskey's documents spell the same thing.
func (b *builder) classify(s *openapi3.Schema, c convCtx) (shape, error) {
	sh := shape{nullable: allowsNull(s)}

	// oneOf / anyOf: drop null branches (they make the value nullable) and
	// constraint-only branches (validation, not shape).
	alts := s.OneOf
	isAnyOf := false
	if len(alts) == 0 {
		alts, isAnyOf = s.AnyOf, true
	}
	if len(alts) > 0 {
		var real []*openapi3.SchemaRef
		for _, a := range alts {
			switch {
			case isNullSchema(a):
				sh.nullable = true
			case isConstraintOnly(a):
			default:
				real = append(real, a)
			}
		}
		switch {
		case len(real) == 0:
			// Pure validation: the schema's own keywords give the shape.
		case (isAnyOf || (c.request && len(s.Properties) > 0)) && allInlineObjects(real):
			// anyOf of objects (users/show: userId | userIds | username) is
			// one object whose properties are each optional: the caller sets
			// the properties of the alternative it means. So is a oneOf of
			// objects in a request whose schema has properties of its own.
			// (Other oneOfs of objects are object unions, below.)
			sh.kind = shapeStruct
			sh.parts = append(sh.parts, s)
			for _, r := range real {
				sh.optionalParts = append(sh.optionalParts, r.Value)
			}
			return sh, nil
		case len(real) == 1 && len(s.Properties) == 0:
			sh.kind, sh.single = shapeSingle, real[0]
			return sh, nil
		case len(real) == 1:
			// Own properties plus one alternative: treat as allOf.
			sh.kind = shapeStruct
			sh.parts = append(sh.parts, s)
			if real[0].Ref != "" {
				sh.embeds = append(sh.embeds, real[0])
			} else {
				sh.parts = append(sh.parts, real[0].Value)
			}
			return sh, nil
		default:
			sh.keyword = "oneOf"
			if isAnyOf {
				sh.keyword = "anyOf"
			}
			var objs []objAlt
			if b.objectAlternatives(real, c.ptr, sh.keyword, nil, 0, &objs) {
				sh.kind, sh.alts = shapeObjectUnion, objs
				return sh, nil
			}
			sh.kind, sh.branches = shapeUnion, real
			return sh, nil
		}
	}

	if len(s.AllOf) > 0 {
		var parts []*openapi3.SchemaRef
		for _, a := range s.AllOf {
			if isConstraintOnly(a) && !hasComposition(a) {
				continue
			}
			parts = append(parts, a)
		}
		if len(parts) == 1 && len(s.Properties) == 0 {
			// {type: [object, null], allOf: [{$ref}]}: a nullable reference.
			sh.kind, sh.single = shapeSingle, parts[0]
			return sh, nil
		}
		if len(parts) > 0 {
			sh.kind = shapeStruct
			sh.parts = append(sh.parts, s)
			for _, p := range parts {
				if p.Ref != "" {
					sh.embeds = append(sh.embeds, p)
					continue
				}
				if p.Value == nil {
					continue
				}
				inner, err := b.classify(p.Value, c)
				if err != nil {
					return sh, err
				}
				switch inner.kind {
				case shapeStruct:
					sh.parts = append(sh.parts, inner.parts...)
					sh.optionalParts = append(sh.optionalParts, inner.optionalParts...)
					sh.embeds = append(sh.embeds, inner.embeds...)
				case shapeSingle:
					if inner.single.Ref != "" {
						sh.embeds = append(sh.embeds, inner.single)
					} else if inner.single.Value != nil {
						sh.parts = append(sh.parts, inner.single.Value)
					}
				case shapeFree, shapeAny:
					// adds nothing
				default:
					b.warn(c.ptr, "allOf part of kind %d is not an object; its shape is not part of the struct", inner.kind)
				}
			}
			return sh, nil
		}
	}

	types := typesOf(s)
	if len(types) > 1 {
		// ["string", "number", "boolean", "null"]: a union of primitives.
		for _, t := range types {
			sh.branches = append(sh.branches, &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{t}, Items: s.Items, Properties: s.Properties, AdditionalProperties: s.AdditionalProperties}})
		}
		sh.kind, sh.keyword = shapeUnion, "type"
		return sh, nil
	}
	typ := ""
	if len(types) == 1 {
		typ = types[0]
	}
	if typ == "" {
		switch {
		case len(s.Properties) > 0:
			typ = "object"
		case s.Items != nil:
			typ = "array"
		case len(s.Enum) > 0:
			typ = "string"
			for _, v := range s.Enum {
				if _, ok := v.(string); !ok && v != nil {
					typ = ""
				}
			}
		case s.AdditionalProperties.Schema != nil:
			typ = "object"
		}
	}
	switch typ {
	case "string":
		if vals := stringEnum(s.Enum); len(vals) > 0 {
			sh.kind, sh.enum = shapeEnum, vals
			return sh, nil
		}
		sh.kind, sh.prim = shapePrim, "string"
	case "integer", "number", "boolean":
		sh.kind, sh.prim = shapePrim, typ
	case "array":
		if len(s.PrefixItems) > 0 {
			// [string, number]: a tuple (admin/queue/deliver-delayed).
			sh.kind, sh.tuple = shapeTuple, s.PrefixItems
			return sh, nil
		}
		sh.kind, sh.items = shapeArray, s.Items
	case "object":
		switch {
		case len(s.Properties) > 0:
			sh.kind, sh.parts = shapeStruct, []*openapi3.Schema{s}
		case s.AdditionalProperties.Schema != nil:
			sh.kind, sh.values = shapeMap, s.AdditionalProperties.Schema
		default:
			sh.kind = shapeFree
		}
	case "":
		sh.kind = shapeAny
	case "null":
		sh.kind, sh.nullable = shapeAny, true
	default:
		b.warn(c.ptr, "unknown type %q; any JSON value is accepted", typ)
		sh.kind = shapeAny
	}
	return sh, nil
}

func hasComposition(sref *openapi3.SchemaRef) bool {
	s := sref.Value
	return s != nil && (len(s.AnyOf) > 0 || len(s.OneOf) > 0 || len(s.AllOf) > 0)
}

func allInlineObjects(refs []*openapi3.SchemaRef) bool {
	for _, r := range refs {
		if !isInlineObject(r) {
			return false
		}
	}
	return true
}

// stringEnum returns the non-null values of a string enum, in document
// order without duplicates, or nil when the enum is not all strings.
func stringEnum(vals []any) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vals {
		switch v := v.(type) {
		case nil:
		case string:
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		default:
			return nil
		}
	}
	return out
}

// convert returns the Go type for a schema used at c, and whether the value
// may be null.
func (b *builder) convert(sref *openapi3.SchemaRef, c convCtx) (*TypeRef, bool, error) {
	if sref == nil || (sref.Ref == "" && sref.Value == nil) {
		return &TypeRef{Kind: RefAny}, false, nil
	}
	if sref.Ref != "" {
		name, ok := componentRef(sref.Ref)
		t := b.components[name]
		if !ok || t == nil {
			return nil, false, fmt.Errorf("%s: unresolved $ref %q", c.ptr, sref.Ref)
		}
		if extra := refSiblingProperties(sref, b.doc.Components.Schemas[name]); extra != nil {
			// OpenAPI 3.1: properties written beside $ref add to the
			// referenced schema (admin/accounts/create answers MeDetailed
			// plus token): a struct that embeds the component and adds them.
			st := b.newInline(c, KindStruct, sref.Value.Description)
			sh := shape{kind: shapeStruct, parts: []*openapi3.Schema{extra}, embeds: []*openapi3.SchemaRef{{Ref: sref.Ref, Value: b.doc.Components.Schemas[name].Value}}}
			if err := b.fillStruct(st, sh, c); err != nil {
				return nil, false, err
			}
			return &TypeRef{Kind: RefNamed, Named: st}, t.nullable || allowsNull(sref.Value), nil
		}
		return &TypeRef{Kind: RefNamed, Named: t}, t.nullable || allowsNull(sref.Value), nil
	}
	s := sref.Value
	if c.depth > maxSchemaDepth {
		return nil, false, fmt.Errorf("%s: schemas nested more than %d deep", c.ptr, maxSchemaDepth)
	}
	if b.converting[s] {
		return nil, false, fmt.Errorf("%s: the schema contains itself without a named component in between", c.ptr)
	}
	b.converting[s] = true
	defer delete(b.converting, s)
	sh, err := b.classify(s, c)
	if err != nil {
		return nil, false, err
	}
	return b.convertShape(s, sh, c)
}

// refSiblingProperties returns the schema of the properties an OpenAPI 3.1
// document writes beside a $ref, or nil when there are none. kin-openapi
// resolves such a $ref to a copy of the component with the sibling
// keywords appended as one more allOf part.
func refSiblingProperties(sref, comp *openapi3.SchemaRef) *openapi3.Schema {
	if comp == nil || comp.Value == nil || sref.Value == nil || sref.Value == comp.Value {
		return nil
	}
	n := len(comp.Value.AllOf)
	if len(sref.Value.AllOf) != n+1 {
		return nil
	}
	last := sref.Value.AllOf[n]
	if last == nil || last.Ref != "" || last.Value == nil || len(last.Value.Properties) == 0 {
		return nil
	}
	return last.Value
}

func (b *builder) convertShape(s *openapi3.Schema, sh shape, c convCtx) (*TypeRef, bool, error) {
	switch sh.kind {
	case shapePrim:
		switch sh.prim {
		case "string":
			switch s.Format {
			case "date-time":
				return &TypeRef{Kind: RefTime}, sh.nullable, nil
			case "binary":
				if c.multipart {
					return &TypeRef{Kind: RefReader}, sh.nullable, nil
				}
			}
			return &TypeRef{Kind: RefString}, sh.nullable, nil
		case "integer":
			return &TypeRef{Kind: RefInt}, sh.nullable, nil
		case "number":
			return &TypeRef{Kind: RefFloat}, sh.nullable, nil
		default:
			return &TypeRef{Kind: RefBool}, sh.nullable, nil
		}
	case shapeEnum:
		return &TypeRef{Kind: RefNamed, Named: b.enumType(sh.enum, c)}, sh.nullable, nil
	case shapeArray:
		elem, _, err := b.convert(sh.items, c.elem(c.ptr+"/items"))
		if err != nil {
			return nil, false, err
		}
		return &TypeRef{Kind: RefSlice, Elem: elem}, sh.nullable, nil
	case shapeMap:
		elem, _, err := b.convert(sh.values, c.elem(c.ptr+"/additionalProperties"))
		if err != nil {
			return nil, false, err
		}
		return &TypeRef{Kind: RefMap, Elem: elem}, sh.nullable, nil
	case shapeFree:
		if c.response {
			// A whole response body the document calls "any object": real
			// servers send any JSON value there (i/registry/get), so keep it raw.
			return &TypeRef{Kind: RefRaw}, sh.nullable, nil
		}
		return &TypeRef{Kind: RefMap, Elem: &TypeRef{Kind: RefAny}}, sh.nullable, nil
	case shapeAny:
		if c.response {
			return &TypeRef{Kind: RefRaw}, sh.nullable, nil
		}
		return &TypeRef{Kind: RefAny}, sh.nullable, nil
	case shapeSingle:
		ref, nullable, err := b.convert(sh.single, c)
		return ref, nullable || sh.nullable, err
	case shapeStruct:
		t := b.newInline(c, KindStruct, s.Description)
		if err := b.fillStruct(t, sh, c); err != nil {
			return nil, false, err
		}
		return &TypeRef{Kind: RefNamed, Named: t}, sh.nullable, nil
	case shapeTuple:
		t := b.newInline(c, KindTuple, s.Description)
		if err := b.fillTuple(t, sh, c); err != nil {
			return nil, false, err
		}
		return &TypeRef{Kind: RefNamed, Named: t}, sh.nullable, nil
	case shapeUnion:
		return b.convertUnion(s, sh, c)
	case shapeObjectUnion:
		t := b.newInline(c, KindStruct, s.Description)
		if err := b.fillObjectUnion(t, sh, c); err != nil {
			return nil, false, err
		}
		return &TypeRef{Kind: RefNamed, Named: t}, sh.nullable, nil
	}
	return nil, false, fmt.Errorf("%s: unhandled schema shape %d", c.ptr, sh.kind)
}

// enumType returns the named type for a string enum, reusing one made
// earlier for the same property name and values. Its name and the names of
// its constants are chosen in finish, from every place it is used.
func (b *builder) enumType(vals []string, c convCtx) *Type {
	key := exportedName(c.field) + "\x00" + strings.Join(vals, "\x00")
	if t, ok := b.enums[key]; ok {
		t.uses = append(t.uses, c.use())
		if t.Group != c.group {
			t.Group = "" // used by several endpoint groups: types.go
		}
		return t
	}
	t := b.newInline(c, KindEnum, "")
	for _, v := range vals {
		t.EnumValues = append(t.EnumValues, EnumValue{Value: v})
	}
	b.enums[key] = t
	return t
}

// enumValues names the constants of an enum type whose name is final.
func (b *builder) enumValues(typeName string, vals []string) []EnumValue {
	out := make([]EnumValue, 0, len(vals))
	for _, v := range vals {
		out = append(out, EnumValue{GoName: b.types.claim(typeName + enumValueName(v)), Value: v})
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
