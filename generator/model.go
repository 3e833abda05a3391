package generator

// The model is the generator's own description of an API: plain Go values,
// sorted, with every Go name already chosen. It is built from the document
// once (build.go) and read by the emitters and by diff; nothing past this
// point sees kin-openapi types.

// API is one API document, modelled.
type API struct {
	Title       string
	Version     string           // info.version, e.g. "2026.3.2"
	OpenAPI     string           // "3.0.0", "3.1.0"
	Endpoints   []*Endpoint      // sorted by Name
	Types       []*Type          // every named type, sorted by Name
	Permissions []PermissionInfo // every permission any endpoint names, sorted
	Warnings    []Warning        // what was odd in the document but did not stop the run
	// Suffixed lists the identifiers that took a numeric suffix to stay
	// unique (a name the document uses twice), sorted; real documents have
	// none.
	Suffixed []string
	Fixups   []AppliedFixup // where the fixups table corrected the document (fixups.go)
	// Supplied are the components misskey-gen added to the document
	// (streaming_schema.json: streaming payloads, misskey-js's constant
	// lists), sorted; Generate sets it.
	Supplied []string
}

// PermissionInfo is one permission and the Go constant that names it.
type PermissionInfo struct {
	Value  string // "write:notes"
	GoName string // "PermissionWriteNotes"
}

// Warning is something the document does that the generator worked around.
type Warning struct {
	Pointer string // JSON pointer into the document, e.g. "#/paths/~1notes~1create"
	Message string
}

func (w Warning) String() string { return w.Pointer + ": " + w.Message }

// Endpoint is one API endpoint: POST /api/<Name>.
type Endpoint struct {
	Name        string // "notes/create"
	GoName      string // "NotesCreate"
	Group       string // file group, e.g. "notes"
	Pointer     string // "#/paths/~1notes~1create"
	Summary     string
	Description string // without Misskey's credential/permission footer
	Credential  bool   // requires an access token
	Permissions []string
	Deprecated  bool
	Methods     []string // HTTP methods the document lists, e.g. ["GET", "POST"]
	Tags        []string

	// Request is the request body type, a struct; nil when the endpoint takes
	// no parameters.
	Request   *Type
	Multipart bool
	// RequestSchema is the request body's schema as JSON Schema, reduced to
	// the keywords that validate a request (type, nullable, enum, const,
	// bounds, lengths, pattern, format, items, properties, required,
	// additionalProperties, anyOf, oneOf, allOf, not, if/then/else), with
	// $refs inlined and file (format: binary) properties of a multipart
	// body left out. "" when the endpoint takes no body. The generated
	// misskeytest package validates calls with it.
	RequestSchema string
	// Response is the type of a successful response body; nil when the
	// endpoint answers 204 with no content.
	Response *TypeRef
	Errors   []*ErrorCase // documented errors, sorted by status then code
	Pager    *Pager       // non-nil when the endpoint pages with untilId

	// ListMethod and ListResponse: an endpoint that answers one object, or
	// a list of them when the request names several (users/show with
	// userIds), has a second method for the list form.
	ListMethod   string
	ListResponse *TypeRef
	ListField    *Field // the request's plural field that asks for the list form (userIds)
}

// ErrorCase is one error an endpoint documents (from the examples of its
// error responses).
type ErrorCase struct {
	Status  int
	Code    string // "NO_SUCH_NOTE"
	ID      string // Misskey's stable error id (a UUID)
	Message string
	Kind    string // "client", "server", "permission", or ""
	// GoName is the name of the package-level error value for this case,
	// or, when Common is set, the runtime's shared sentinel.
	GoName string
	Common bool // one of the runtime's shared sentinels (same id)
}

// Pager describes an endpoint that pages backwards with untilId.
type Pager struct {
	Item  *Type  // element of the response list
	ID    *Field // the item's id field
	Until *Field // the request's untilId field
	Limit *Field // the request's limit field, or nil
}

// TypeKind says what a named type is.
type TypeKind int

const (
	KindStruct TypeKind = iota // an object with properties (and embedded allOf parts)
	KindEnum                   // a string enum: named string type plus constants
	KindUnion                  // oneOf/anyOf of several shapes
	KindAlias                  // a named non-object component (array, map, primitive)
	KindTuple                  // a fixed-length array of typed positions (prefixItems)
)

// Type is a named Go type the generator emits.
type Type struct {
	Name    string
	Kind    TypeKind
	Doc     string
	Pointer string // where it is defined in the document
	// Group is the file group the type is written to: "" for component
	// schemas (types.go), else the endpoint group of the endpoint that owns it.
	Group     string
	Component string // component schema name, if it is one

	// KindStruct; KindTuple uses Fields for its positions, in order, with
	// JSONName "0", "1", ….
	Embeds  []*Type  // allOf parts, embedded in order
	Fields  []*Field // own fields, in the order the document lists them
	Request bool     // fields follow request presence rules (absent / null / value)
	// Variants are the alternatives of a oneOf/anyOf of objects that this
	// struct holds all at once (every alternative's fields in one struct).
	// With a Discriminator, the alternative is told by that property
	// (DiscField, an enum field); without one, by which fields are present.
	Variants  []*Variant
	DiscField *Field
	// NullBits is how many optional nullable response fields have a bit
	// that records a JSON null (so that null and absent re-encode exactly).
	NullBits int

	// KindEnum.
	EnumValues []EnumValue

	// KindUnion: alternatives of different JSON kinds, one branch per kind.
	Branches      []*Branch
	Discriminator string // KindStruct with Variants: JSON property that selects the alternative, or ""

	// KindAlias.
	Alias *TypeRef

	nullable bool // component schemas: the schema itself allows null

	// Naming: inline types are named once the whole document is modelled
	// (finish), from where they are used.
	uses    []typeUse
	created int  // creation order
	fixed   bool // Name is final (components, endpoint requests and responses)
	// Role says in words what the type is, for its doc comment when the
	// document has no description: "the request of notes/create", "the
	// poll field of Note".
	Role string
}

// typeUse is one place an inline type is used: as field of owner, as an
// element of an array field, as a value of a map field, or as a union
// alternative.
type typeUse struct {
	owner    *Type  // nil at the top of an endpoint body
	endpoint string // Go name of the endpoint whose body holds the use, if any
	field    string // the property (or role) name, as the document spells it
	item     bool   // an array element or map value of that field
}

// Variant is one alternative of a struct made from a oneOf/anyOf of
// objects.
type Variant struct {
	// Name is the component name of the alternative ("MeDetailed"), or ""
	// for an inline alternative; Is<Name> methods are generated for named
	// ones.
	Name       string
	IsMethod   string   // Go name of the Is method, or ""
	DiscValues []string // discriminator values that select it
	// Known and Required are the fields (indexes into Type.Fields) the
	// alternative declares and requires.
	Known, Required []int
	// Groups are the enclosing unions this alternative was expanded from
	// (User = UserLite | UserDetailed, UserDetailed = NotMe | Me: MeDetailed
	// has the group "UserDetailed"), for their Is methods.
	Groups []string
}

// EnumValue is one constant of an enum.
type EnumValue struct {
	GoName string
	Value  string
}

// Field is one property of a struct.
type Field struct {
	Name     string // Go name
	JSONName string
	Doc      string
	Type     *TypeRef
	Required bool
	Nullable bool
	Pointer  string
	// Wrap is how presence is represented in Go.
	Wrap Wrap
	// NullBit is the bit that records a JSON null for an optional nullable
	// response field (Type.NullBits), or -1.
	NullBit int
}

// Wrap is the Go representation of a field's presence.
type Wrap int

const (
	// WrapNone: the plain type. Slices, maps, any and raw JSON carry
	// absence/null as nil themselves.
	WrapNone Wrap = iota
	// WrapPointer: *T, nil for absent or null (responses).
	WrapPointer
	// WrapOptional: Optional[T], three states: unset (not sent), null, value
	// (requests).
	WrapOptional
)

// OmitWhenZero reports whether the field is left out of the JSON when it
// holds its zero value (an optional field).
func (f *Field) OmitWhenZero() bool { return !f.Required }

// RefKind says what a TypeRef is.
type RefKind int

const (
	RefString RefKind = iota
	RefInt
	RefFloat
	RefBool
	RefTime   // time.Time (format: date-time)
	RefReader // io.Reader (format: binary in multipart)
	RefAny    // any: the document allows any JSON value
	RefRaw    // json.RawMessage: a whole response the document calls a free-form object
	RefNamed
	RefSlice
	RefMap // map[string]Elem
)

// TypeRef is a use of a type.
type TypeRef struct {
	Kind  RefKind
	Named *Type    // RefNamed
	Elem  *TypeRef // RefSlice, RefMap
}

// Branch is one alternative of a union: the Go field that holds a value of
// one JSON kind.
type Branch struct {
	Name     string // Go field name in the union struct
	Type     *TypeRef
	JSONKind string // "object", "array", "string", "integer", "number", "boolean"
}
