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
	Item     *TypeRef // element of the response list
	IDField  string   // Go name of the item's id field ("" for unions: read from raw JSON)
	HasLimit bool
	Method   string // Go name of the iterator method, e.g. "NotesTimelineAll"
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
	Fields  []*Field // own fields, sorted by JSON name
	Request bool     // fields follow request presence rules (absent / null / value)

	// KindEnum.
	EnumValues []EnumValue

	// KindUnion.
	Branches      []*Branch
	Discriminator string // JSON property that selects the branch, or ""

	// KindAlias.
	Alias *TypeRef

	nullable bool // component schemas: the schema itself allows null
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

// Branch is one alternative of a union.
type Branch struct {
	Name       string // Go field name in the union struct
	Type       *TypeRef
	DiscValues []string // discriminator values that select it
	Shape      BranchShape
}

// BranchShape is what the runtime needs to recognise a branch in JSON
// when there is no discriminator.
type BranchShape struct {
	JSONKind string   // "object", "array", "string", "integer", "number", "boolean"
	Required []string // object: required property names
	Known    []string // object: all declared property names
	Elem     *BranchShape
}
