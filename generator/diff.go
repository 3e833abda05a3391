package generator

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// This file compares two modelled API documents (misskey-gen diff). It works
// on the model, not on the documents: what it reports is what changes for a
// client, after the generator has normalised the quirks of each version
// (3.0 nullable vs 3.1 type arrays, anyOf of required lists, allOf parts …).
//
// Endpoints are matched by name, fields by JSON name, component schemas by
// component name. Inline types (request bodies, inline response objects,
// nested inline objects, enums and unions) are compared structurally along
// the endpoint, with dotted field paths ("poll.choices"); component types
// are compared once each, by name, among those reachable from an endpoint.

// ChangeKind says what changed.
type ChangeKind string

// The kinds of change, in the order a report lists them within one subject.
const (
	ChangeEndpointRemoved      ChangeKind = "endpoint-removed"
	ChangeEndpointAdded        ChangeKind = "endpoint-added"
	ChangeCredentialRequired   ChangeKind = "credential-required" // the endpoint now needs an access token
	ChangeCredentialOptional   ChangeKind = "credential-optional" // it no longer does
	ChangePermissionAdded      ChangeKind = "permission-added"    // New: the permission now required
	ChangePermissionRemoved    ChangeKind = "permission-removed"  // Old: the permission no longer required
	ChangeEndpointDeprecated   ChangeKind = "endpoint-deprecated"
	ChangeEndpointUndeprecated ChangeKind = "endpoint-undeprecated"
	ChangeTypeRemoved          ChangeKind = "type-removed"            // a component type reachable from an endpoint is gone
	ChangeTypeAdded            ChangeKind = "type-added"              // a new component type reachable from an endpoint
	ChangeFieldRemoved         ChangeKind = "field-removed"           // Old: the field's type
	ChangeFieldAdded           ChangeKind = "field-added"             // New: the field's type; Required says whether it is required
	ChangeFieldMadeRequired    ChangeKind = "field-required"          // optional → required
	ChangeFieldMadeOptional    ChangeKind = "field-optional"          // required → optional
	ChangeFieldMadeNullable    ChangeKind = "field-nullable"          // now accepts or may hold null
	ChangeFieldMadeNonNullable ChangeKind = "field-non-nullable"      // no longer null
	ChangeTypeChanged          ChangeKind = "type-changed"            // Old → New
	ChangeEnumValueRemoved     ChangeKind = "enum-value-removed"      // Old: the value
	ChangeEnumValueAdded       ChangeKind = "enum-value-added"        // New: the value
	ChangeBranchRemoved        ChangeKind = "union-branch-removed"    // Old: the branch
	ChangeBranchAdded          ChangeKind = "union-branch-added"      // New: the branch
	ChangeContentTypeChanged   ChangeKind = "request-content-changed" // JSON ↔ multipart
)

var diffKindOrder = map[ChangeKind]int{}

func init() {
	for i, k := range []ChangeKind{
		ChangeEndpointRemoved, ChangeEndpointAdded, ChangeCredentialRequired, ChangeCredentialOptional,
		ChangePermissionAdded, ChangePermissionRemoved, ChangeEndpointDeprecated, ChangeEndpointUndeprecated,
		ChangeContentTypeChanged, ChangeTypeRemoved, ChangeTypeAdded, ChangeFieldRemoved, ChangeFieldAdded,
		ChangeFieldMadeRequired, ChangeFieldMadeOptional, ChangeFieldMadeNullable, ChangeFieldMadeNonNullable,
		ChangeTypeChanged, ChangeEnumValueRemoved, ChangeEnumValueAdded, ChangeBranchRemoved, ChangeBranchAdded,
	} {
		diffKindOrder[k] = i
	}
}

// Where a change is, for changes along an endpoint.
const (
	WhereRequest  = "request"
	WhereResponse = "response"
)

// Change is one difference between two API documents.
type Change struct {
	// Breaking is set when a client written against the old document may
	// fail against the new one.
	Breaking bool       `json:"breaking"`
	Kind     ChangeKind `json:"kind"`
	// Endpoint is the endpoint the change is on ("notes/create"), or "" for
	// a change to a shared component type.
	Endpoint string `json:"endpoint,omitempty"`
	// Type is the component schema name ("Note") for a change inside a
	// shared type, else "".
	Type string `json:"type,omitempty"`
	// Where is "request" or "response" for a change inside an endpoint's
	// request or response body, else "".
	Where string `json:"where,omitempty"`
	// Path is the dotted JSON path of the field ("poll.choices"); union
	// branches appear as "[key]" ("[reaction].note"). "" is the body or type
	// itself.
	Path string `json:"path,omitempty"`
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
	// Required is set on field-added and field-removed when the field is
	// (was) required.
	Required bool `json:"required,omitempty"`
}

// Subject says what the change is on: "notes/create", "notes/create request
// field poll.choices", "type Note field reply".
func (c Change) Subject() string {
	var b strings.Builder
	switch {
	case c.Endpoint != "":
		b.WriteString(c.Endpoint)
		if c.Where != "" {
			b.WriteString(" " + c.Where)
		}
	case c.Type != "":
		b.WriteString("type " + c.Type)
	}
	if c.Path != "" {
		b.WriteString(" field " + c.Path)
	}
	return b.String()
}

// Description says what changed, without the subject.
func (c Change) Description() string {
	req := "optional"
	if c.Required {
		req = "required"
	}
	switch c.Kind {
	case ChangeEndpointRemoved:
		return "endpoint removed"
	case ChangeEndpointAdded:
		return "endpoint added"
	case ChangeCredentialRequired:
		return "now requires a credential (access token)"
	case ChangeCredentialOptional:
		return "no longer requires a credential"
	case ChangePermissionAdded:
		return "now requires permission " + c.New
	case ChangePermissionRemoved:
		return "no longer requires permission " + c.Old
	case ChangeEndpointDeprecated:
		return "deprecated"
	case ChangeEndpointUndeprecated:
		return "no longer deprecated"
	case ChangeContentTypeChanged:
		return "request content type changed: " + c.Old + " → " + c.New
	case ChangeTypeRemoved:
		return "type removed"
	case ChangeTypeAdded:
		return "type added"
	case ChangeFieldRemoved:
		return "removed (was " + req + ", " + c.Old + ")"
	case ChangeFieldAdded:
		return "added (" + req + ", " + c.New + ")"
	case ChangeFieldMadeRequired:
		return "optional → required"
	case ChangeFieldMadeOptional:
		return "required → optional"
	case ChangeFieldMadeNullable:
		return "became nullable"
	case ChangeFieldMadeNonNullable:
		return "no longer nullable"
	case ChangeTypeChanged:
		return "type changed: " + c.Old + " → " + c.New
	case ChangeEnumValueRemoved:
		return fmt.Sprintf("enum value %q removed", c.Old)
	case ChangeEnumValueAdded:
		return fmt.Sprintf("enum value %q added", c.New)
	case ChangeBranchRemoved:
		return "union branch " + c.Old + " removed"
	case ChangeBranchAdded:
		return "union branch " + c.New + " added"
	}
	return string(c.Kind)
}

// String is the change on one line: "subject: description".
func (c Change) String() string { return c.Subject() + ": " + c.Description() }

// APIInfo identifies one side of a diff.
type APIInfo struct {
	Source  string `json:"source,omitempty"` // file, URL or server, as given (set by the caller)
	Title   string `json:"title"`
	Version string `json:"version"`
	OpenAPI string `json:"openapi"`
}

func (i APIInfo) label() string {
	v := i.Version
	if v == "" {
		v = "(no version)"
	}
	if i.Source != "" {
		return v + " (" + i.Source + ")"
	}
	return v
}

// APIDiff is what changed between two API documents. Changes are sorted:
// breaking changes first, then by subject, then by kind.
type APIDiff struct {
	Old     APIInfo  `json:"old"`
	New     APIInfo  `json:"new"`
	Changes []Change `json:"changes"`
}

// HasBreaking reports whether any change is breaking.
func (d *APIDiff) HasBreaking() bool {
	for _, c := range d.Changes {
		if c.Breaking {
			return true
		}
	}
	return false
}

// Breaking returns the breaking changes.
func (d *APIDiff) Breaking() []Change { return d.filter(func(c Change) bool { return c.Breaking }) }

// EndpointsAdded returns the names of the endpoints only the new document has, sorted.
func (d *APIDiff) EndpointsAdded() []string { return d.endpoints(ChangeEndpointAdded) }

// EndpointsRemoved returns the names of the endpoints only the old document has, sorted.
func (d *APIDiff) EndpointsRemoved() []string { return d.endpoints(ChangeEndpointRemoved) }

// Find returns the changes of a kind on an endpoint (or, with endpoint "",
// on any endpoint) at a path in a request or response ("" for any).
func (d *APIDiff) Find(kind ChangeKind, endpoint, where, path string) []Change {
	return d.filter(func(c Change) bool {
		return c.Kind == kind && (endpoint == "" || c.Endpoint == endpoint) &&
			(where == "" || c.Where == where) && (path == "" || c.Path == path)
	})
}

func (d *APIDiff) filter(keep func(Change) bool) []Change {
	var out []Change
	for _, c := range d.Changes {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func (d *APIDiff) endpoints(kind ChangeKind) []string {
	var out []string
	for _, c := range d.Changes {
		if c.Kind == kind {
			out = append(out, c.Endpoint)
		}
	}
	slices.Sort(out)
	return out
}

// LoadAPI parses and models a document, as generation does (with the
// fixups table).
func LoadAPI(in *Input) (*API, error) {
	return loadAPI(in, false)
}

// diffRole says how a type is used: in requests (the client sends it), in
// responses (the client reads it), or both. It decides which changes break.
type diffRole uint8

const (
	diffRoleRequest diffRole = 1 << iota
	diffRoleResponse
)

// DiffAPIs reports what changed from oldAPI to newAPI.
//
// A change is breaking when a client written against oldAPI may fail
// against newAPI:
//   - an endpoint removed; a credential or a permission newly required;
//     the request content type changed;
//   - in what the client sends (requests): a field added as required, made
//     required, no longer accepting null, or changed in type; an enum value
//     or union branch removed;
//   - in what the client reads (responses): a field removed, made optional,
//     made nullable, or changed in type (including the response body itself).
//
// Fields a request no longer takes, response fields added, enum values and
// union branches added, and endpoints and types added are reported, not
// breaking. A component type used both in requests and in responses is
// judged by both rule sets.
func DiffAPIs(oldAPI, newAPI *API) *APIDiff {
	d := &APIDiff{Old: diffInfo(oldAPI), New: diffInfo(newAPI), Changes: []Change{}}
	add := func(c Change) { d.Changes = append(d.Changes, c) }

	oldEPs, newEPs := diffEndpointsByName(oldAPI), diffEndpointsByName(newAPI)
	for _, name := range sortedKeys(oldEPs) {
		if newEPs[name] == nil {
			add(Change{Breaking: true, Kind: ChangeEndpointRemoved, Endpoint: name})
		}
	}
	for _, name := range sortedKeys(newEPs) {
		o, n := oldEPs[name], newEPs[name]
		if o == nil {
			add(Change{Kind: ChangeEndpointAdded, Endpoint: name})
			continue
		}
		diffEndpoint(o, n, add)
	}

	// Component types reachable from the endpoints of either side, compared
	// once each by name, with the roles they play on either side.
	roles := map[string]diffRole{}
	diffReachable(oldAPI, roles)
	diffReachable(newAPI, roles)
	oldTypes, newTypes := diffComponentsByName(oldAPI), diffComponentsByName(newAPI)
	for _, name := range sortedKeys(roles) {
		o, n := oldTypes[name], newTypes[name]
		switch {
		case o == nil && n == nil:
		case n == nil:
			// The references to it changed too, and those are reported
			// (and judged) where they are.
			add(Change{Kind: ChangeTypeRemoved, Type: name})
		case o == nil:
			add(Change{Kind: ChangeTypeAdded, Type: name})
		default:
			c := &diffTypes{role: roles[name], base: Change{Type: name}, add: add}
			c.definition("", o, n, 0)
		}
	}
	sortDiffChanges(d.Changes)
	return d
}

func diffInfo(a *API) APIInfo {
	return APIInfo{Title: a.Title, Version: a.Version, OpenAPI: a.OpenAPI}
}

func diffEndpointsByName(a *API) map[string]*Endpoint {
	m := make(map[string]*Endpoint, len(a.Endpoints))
	for _, ep := range a.Endpoints {
		m[ep.Name] = ep
	}
	return m
}

func diffComponentsByName(a *API) map[string]*Type {
	m := map[string]*Type{}
	for _, t := range a.Types {
		if t.Component != "" {
			m[t.Component] = t
		}
	}
	return m
}

// diffReachable records, for every component type an endpoint's
// request or response refers to (directly or through other types), the
// role it plays.
func diffReachable(a *API, roles map[string]diffRole) {
	var walkType func(t *Type, r diffRole, seen map[*Type]bool)
	walkRef := func(ref *TypeRef, r diffRole, seen map[*Type]bool) {
		for ref != nil && (ref.Kind == RefSlice || ref.Kind == RefMap) {
			ref = ref.Elem
		}
		if ref != nil && ref.Kind == RefNamed {
			walkType(ref.Named, r, seen)
		}
	}
	walkType = func(t *Type, r diffRole, seen map[*Type]bool) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		if t.Component != "" {
			roles[t.Component] |= r
		}
		for _, e := range t.Embeds {
			walkType(e, r, seen)
		}
		for _, f := range t.Fields {
			walkRef(f.Type, r, seen)
		}
		for _, br := range t.Branches {
			walkRef(br.Type, r, seen)
		}
		walkRef(t.Alias, r, seen)
	}
	for _, ep := range a.Endpoints {
		walkType(ep.Request, diffRoleRequest, map[*Type]bool{})
		walkRef(ep.Response, diffRoleResponse, map[*Type]bool{})
	}
}

func diffEndpoint(o, n *Endpoint, add func(Change)) {
	ep := Change{Endpoint: n.Name}
	emit := func(c Change) {
		c.Endpoint = ep.Endpoint
		add(c)
	}
	switch {
	case !o.Credential && n.Credential:
		emit(Change{Breaking: true, Kind: ChangeCredentialRequired})
	case o.Credential && !n.Credential:
		emit(Change{Kind: ChangeCredentialOptional})
	}
	for _, p := range diffSetMinus(n.Permissions, o.Permissions) {
		emit(Change{Breaking: true, Kind: ChangePermissionAdded, New: p})
	}
	for _, p := range diffSetMinus(o.Permissions, n.Permissions) {
		emit(Change{Kind: ChangePermissionRemoved, Old: p})
	}
	switch {
	case !o.Deprecated && n.Deprecated:
		emit(Change{Kind: ChangeEndpointDeprecated})
	case o.Deprecated && !n.Deprecated:
		emit(Change{Kind: ChangeEndpointUndeprecated})
	}
	if o.Request != nil && n.Request != nil && o.Multipart != n.Multipart {
		emit(Change{Breaking: true, Kind: ChangeContentTypeChanged, Where: WhereRequest, Old: diffContentType(o.Multipart), New: diffContentType(n.Multipart)})
	}

	// Request: a missing body is a struct without fields, so that a body
	// appearing or going away shows as its fields.
	req := &diffTypes{role: diffRoleRequest, base: Change{Endpoint: n.Name, Where: WhereRequest}, add: add}
	req.fields("", diffFields(o.Request), diffFields(n.Request), 0)

	resp := &diffTypes{role: diffRoleResponse, base: Change{Endpoint: n.Name, Where: WhereResponse}, add: add}
	resp.refs("", o.Response, n.Response, 0)
}

func diffContentType(multipart bool) string {
	if multipart {
		return "multipart/form-data"
	}
	return "application/json"
}

// diffSetMinus returns the sorted elements of a that b lacks.
func diffSetMinus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// diffMaxDepth bounds the recursion into inline types. Inline types cannot
// contain themselves (a cycle always passes through a component), so this
// only guards against documents the builder did not anticipate.
const diffMaxDepth = 32

// diffTypes compares the types along one endpoint's request or response, or
// one component type.
type diffTypes struct {
	role diffRole
	base Change // Endpoint/Where or Type
	add  func(Change)
}

// breaks reports whether a change breaks a client, given how the type is
// used: forRequest for a client that sends it, forResponse for one that
// reads it.
func (c *diffTypes) breaks(forRequest, forResponse bool) bool {
	return (c.role&diffRoleRequest != 0 && forRequest) || (c.role&diffRoleResponse != 0 && forResponse)
}

func (c *diffTypes) emit(ch Change, path string) {
	ch.Endpoint, ch.Type, ch.Where, ch.Path = c.base.Endpoint, c.base.Type, c.base.Where, path
	c.add(ch)
}

// definition compares two definitions of the same component type.
func (c *diffTypes) definition(path string, o, n *Type, depth int) {
	if ok, nk := diffKindName(o), diffKindName(n); ok != nk {
		c.emit(Change{Breaking: c.breaks(true, true), Kind: ChangeTypeChanged, Old: ok, New: nk}, path)
		return
	}
	switch n.Kind {
	case KindStruct:
		// Fields of parts both embed are compared where those parts are
		// compared; fields of a part only one side embeds count as its own.
		common := map[string]bool{}
		for _, e := range o.Embeds {
			for _, f := range n.Embeds {
				if diffTypeKey(e) == diffTypeKey(f) {
					common[diffTypeKey(e)] = true
				}
			}
		}
		c.fields(path, diffStructFields(o, common), diffStructFields(n, common), depth)
	case KindEnum:
		c.enum(path, o, n)
	case KindUnion:
		c.union(path, o, n, depth)
	case KindAlias:
		c.refs(path, o.Alias, n.Alias, depth)
	case KindTuple:
		c.fields(path, o.Fields, n.Fields, depth)
	}
}

// refs compares two uses of a type at path. Differently shaped types are a
// type change; equally shaped ones are compared inside when they are inline
// (component types are compared once, by name, elsewhere).
func (c *diffTypes) refs(path string, o, n *TypeRef, depth int) {
	oldS, newS := diffRefString(o), diffRefString(n)
	if oldS != newS {
		c.emit(Change{Breaking: c.breaks(true, true), Kind: ChangeTypeChanged, Old: oldS, New: newS}, path)
		return
	}
	if depth > diffMaxDepth {
		return
	}
	for o != nil && n != nil && (o.Kind == RefSlice || o.Kind == RefMap) {
		o, n = o.Elem, n.Elem
	}
	if o == nil || n == nil || o.Kind != RefNamed || o.Named.Component != "" {
		return
	}
	c.definition(path, o.Named, n.Named, depth+1)
}

// fields compares the fields of two structs, by JSON name.
func (c *diffTypes) fields(prefix string, of, nf []*Field, depth int) {
	om, nm := map[string]*Field{}, map[string]*Field{}
	var names []string
	for _, f := range of {
		om[f.JSONName] = f
		names = append(names, f.JSONName)
	}
	for _, f := range nf {
		if om[f.JSONName] == nil {
			names = append(names, f.JSONName)
		}
		nm[f.JSONName] = f
	}
	slices.Sort(names)
	for _, name := range names {
		o, n := om[name], nm[name]
		path := diffJoinPath(prefix, name)
		switch {
		case o == nil:
			// A new required field breaks callers that do not send it.
			c.emit(Change{Breaking: c.breaks(n.Required, false), Kind: ChangeFieldAdded, New: diffRefString(n.Type), Required: n.Required}, path)
		case n == nil:
			// The Go field is gone: code that sets or reads it no longer
			// compiles, request or response.
			c.emit(Change{Breaking: c.breaks(true, true), Kind: ChangeFieldRemoved, Old: diffRefString(o.Type), Required: o.Required}, path)
		default:
			c.field(path, o, n, depth)
		}
	}
}

// field compares two versions of a field. A change is breaking when the
// server's contract breaks a caller (a request field made required, a
// response field made nullable) and also whenever the Go field changes its
// type (T to *T, *T to Optional[T]): code that used it no longer compiles.
func (c *diffTypes) field(path string, o, n *Field, depth int) {
	goChanged := o.Wrap != n.Wrap
	switch {
	case !o.Required && n.Required:
		c.emit(Change{Breaking: c.breaks(true, goChanged), Kind: ChangeFieldMadeRequired}, path)
	case o.Required && !n.Required:
		c.emit(Change{Breaking: c.breaks(goChanged, true), Kind: ChangeFieldMadeOptional}, path)
	}
	switch {
	case !o.Nullable && n.Nullable:
		c.emit(Change{Breaking: c.breaks(goChanged, true), Kind: ChangeFieldMadeNullable}, path)
	case o.Nullable && !n.Nullable:
		c.emit(Change{Breaking: c.breaks(true, goChanged), Kind: ChangeFieldMadeNonNullable}, path)
	}
	c.refs(path, o.Type, n.Type, depth)
}

func (c *diffTypes) enum(path string, o, n *Type) {
	ov, nv := diffEnumValues(o), diffEnumValues(n)
	for _, v := range diffSetMinus(ov, nv) {
		// A value the server no longer accepts breaks callers sending it,
		// and its Go constant is gone.
		c.emit(Change{Breaking: c.breaks(true, true), Kind: ChangeEnumValueRemoved, Old: v}, path)
	}
	for _, v := range diffSetMinus(nv, ov) {
		c.emit(Change{Kind: ChangeEnumValueAdded, New: v}, path)
	}
}

func diffEnumValues(t *Type) []string {
	out := make([]string, 0, len(t.EnumValues))
	for _, v := range t.EnumValues {
		out = append(out, v.Value)
	}
	return out
}

// union compares the branches of two unions, matched by discriminator
// value, else by the branch's type (component name) or position name.
func (c *diffTypes) union(path string, o, n *Type, depth int) {
	ob, nb := diffBranches(o), diffBranches(n)
	for _, k := range sortedKeys(ob) {
		if nb[k] == nil {
			c.emit(Change{Breaking: c.breaks(true, true), Kind: ChangeBranchRemoved, Old: k}, path)
		}
	}
	for _, k := range sortedKeys(nb) {
		if ob[k] == nil {
			c.emit(Change{Kind: ChangeBranchAdded, New: k}, path)
			continue
		}
		c.refs(path+"["+k+"]", ob[k].Type, nb[k].Type, depth)
	}
}

func diffBranches(t *Type) map[string]*Branch {
	m := map[string]*Branch{}
	for _, br := range t.Branches {
		k := br.Name
		switch {
		case br.JSONKind != "":
			k = br.JSONKind
		case br.Type != nil && br.Type.Kind == RefNamed && br.Type.Named.Component != "":
			k = br.Type.Named.Component
		case br.Type != nil && br.Type.Kind != RefNamed:
			k = diffRefString(br.Type)
		}
		if _, dup := m[k]; !dup {
			m[k] = br
		}
	}
	return m
}

// diffStructFields returns the fields of a struct: its own, and those of the
// embedded parts not named in skip, by JSON name, the outermost declaration
// winning.
func diffStructFields(t *Type, skip map[string]bool) []*Field {
	var out []*Field
	seen := map[string]bool{}
	addAll := func(fs []*Field) {
		for _, f := range fs {
			if !seen[f.JSONName] {
				seen[f.JSONName] = true
				out = append(out, f)
			}
		}
	}
	addAll(t.Fields)
	for _, e := range t.Embeds {
		if !skip[diffTypeKey(e)] {
			addAll(allFields(e, nil))
		}
	}
	return out
}

// diffTypeKey names a type across documents: a component by its schema
// name, else by its Go name.
func diffTypeKey(t *Type) string {
	if t.Component != "" {
		return t.Component
	}
	return t.Name
}

// diffFields returns the fields of a struct and of its embedded parts, by
// JSON name, the outermost declaration winning; nil for nil.
func diffFields(t *Type) []*Field {
	if t == nil {
		return nil
	}
	var out []*Field
	seen := map[string]bool{}
	for _, f := range allFields(t, nil) {
		if !seen[f.JSONName] {
			seen[f.JSONName] = true
			out = append(out, f)
		}
	}
	return out
}

func diffJoinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// diffKindName names what a type is, for a definition whose kind changed.
func diffKindName(t *Type) string {
	switch t.Kind {
	case KindStruct:
		return "object"
	case KindEnum:
		return "enum"
	case KindUnion:
		return "union"
	case KindTuple:
		return "tuple"
	}
	return "alias of " + diffRefString(t.Alias)
}

// diffRefString describes a use of a type so that two uses compare equal when
// they have the same shape: component types by their schema name, inline
// types by their kind (their insides are compared separately).
func diffRefString(r *TypeRef) string {
	if r == nil {
		return "no content"
	}
	switch r.Kind {
	case RefString:
		return "string"
	case RefInt:
		return "integer"
	case RefFloat:
		return "number"
	case RefBool:
		return "boolean"
	case RefTime:
		return "date-time"
	case RefReader:
		return "binary"
	case RefAny:
		return "any"
	case RefRaw:
		return "object (free-form)"
	case RefSlice:
		return "[]" + diffRefString(r.Elem)
	case RefMap:
		return "map[string]" + diffRefString(r.Elem)
	case RefNamed:
		t := r.Named
		if t.Component != "" {
			return t.Component
		}
		switch {
		case t.Kind == KindAlias:
			return diffRefString(t.Alias)
		case t.Kind == KindStruct && len(t.Embeds) > 0:
			// allOf [A, B, {…}]: "A & B & object".
			var parts []string
			for _, e := range t.Embeds {
				parts = append(parts, diffTypeKey(e))
			}
			return strings.Join(append(parts, "object"), " & ")
		}
		return diffKindName(t)
	}
	return "unknown"
}

// sortDiffChanges orders changes: breaking first; then endpoint changes before
// component type changes, by endpoint or type name; request before
// response; by path; by kind.
func sortDiffChanges(cs []Change) {
	rank := func(c Change) int {
		switch {
		case c.Kind == ChangeEndpointRemoved || c.Kind == ChangeEndpointAdded:
			return 0
		case c.Endpoint != "":
			return 1
		}
		return 2
	}
	where := func(c Change) int {
		switch c.Where {
		case "":
			return 0
		case WhereRequest:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(cs, func(a, b Change) int {
		if a.Breaking != b.Breaking {
			if a.Breaking {
				return -1
			}
			return 1
		}
		return cmp.Or(
			cmp.Compare(rank(a), rank(b)),
			cmp.Compare(a.Endpoint, b.Endpoint),
			cmp.Compare(a.Type, b.Type),
			cmp.Compare(where(a), where(b)),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(diffKindOrder[a.Kind], diffKindOrder[b.Kind]),
			cmp.Compare(a.Old, b.Old),
			cmp.Compare(a.New, b.New),
		)
	})
}

// DiffSummary is the counts a report starts with.
type DiffSummary struct {
	Breaking         int      `json:"breaking"`
	NonBreaking      int      `json:"nonBreaking"`
	EndpointsAdded   []string `json:"endpointsAdded"`
	EndpointsRemoved []string `json:"endpointsRemoved"`
}

// Summary counts the changes.
func (d *APIDiff) Summary() DiffSummary {
	s := DiffSummary{EndpointsAdded: d.EndpointsAdded(), EndpointsRemoved: d.EndpointsRemoved()}
	if s.EndpointsAdded == nil {
		s.EndpointsAdded = []string{}
	}
	if s.EndpointsRemoved == nil {
		s.EndpointsRemoved = []string{}
	}
	for _, c := range d.Changes {
		if c.Breaking {
			s.Breaking++
		} else {
			s.NonBreaking++
		}
	}
	return s
}

// WriteJSON writes the diff as indented JSON: {"old", "new", "summary",
// "changes"}, with the changes in report order.
func (d *APIDiff) WriteJSON(w io.Writer) error {
	changes := d.Changes
	if changes == nil {
		changes = []Change{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		Old     APIInfo     `json:"old"`
		New     APIInfo     `json:"new"`
		Summary DiffSummary `json:"summary"`
		Changes []Change    `json:"changes"`
	}{d.Old, d.New, d.Summary(), changes})
}

// WriteText writes the diff for a terminal or a CI log.
func (d *APIDiff) WriteText(w io.Writer) error {
	ew := &diffWriter{w: w}
	s := d.Summary()
	ew.printf("API diff: %s → %s\n", d.Old.label(), d.New.label())
	if len(d.Changes) == 0 {
		ew.printf("No changes.\n")
		return ew.err
	}
	ew.printf("%d breaking, %d other changes; %d endpoints added, %d removed.\n",
		s.Breaking, s.NonBreaking, len(s.EndpointsAdded), len(s.EndpointsRemoved))
	section := func(title string, cs []Change) {
		if len(cs) == 0 {
			return
		}
		ew.printf("\n%s (%d):\n", title, len(cs))
		for _, c := range cs {
			ew.printf("  %s\n", c)
		}
	}
	section("BREAKING CHANGES", d.Breaking())
	if len(s.EndpointsAdded) > 0 {
		ew.printf("\nENDPOINTS ADDED (%d):\n", len(s.EndpointsAdded))
		for _, e := range s.EndpointsAdded {
			ew.printf("  %s\n", e)
		}
	}
	section("OTHER CHANGES", d.filter(func(c Change) bool { return !c.Breaking && c.Kind != ChangeEndpointAdded }))
	return ew.err
}

// WriteMarkdown writes the diff for a pull request description or comment.
func (d *APIDiff) WriteMarkdown(w io.Writer) error {
	ew := &diffWriter{w: w}
	s := d.Summary()
	title := d.New.Title
	if title == "" {
		title = "API"
	}
	ew.printf("## %s changes: %s → %s\n\n", diffMDText(title), diffMDCode(d.Old.Version), diffMDCode(d.New.Version))
	if len(d.Changes) == 0 {
		ew.printf("No changes.\n")
		return ew.err
	}
	ew.printf("**%d breaking** · %d other changes · %d endpoints added · %d endpoints removed\n",
		s.Breaking, s.NonBreaking, len(s.EndpointsAdded), len(s.EndpointsRemoved))
	table := func(cs []Change) {
		ew.printf("| Endpoint / type | Where | Field | Change |\n|---|---|---|---|\n")
		for _, c := range cs {
			subject := diffMDCode(c.Endpoint)
			if c.Endpoint == "" {
				subject = "type " + diffMDCode(c.Type)
			}
			ew.printf("| %s | %s | %s | %s |\n", subject, c.Where, diffMDCode(c.Path), diffMDCell(c.Description()))
		}
	}
	if b := d.Breaking(); len(b) > 0 {
		ew.printf("\n### Breaking changes\n\n")
		table(b)
	}
	if len(s.EndpointsAdded) > 0 {
		ew.printf("\n### Endpoints added\n\n")
		for _, e := range s.EndpointsAdded {
			ew.printf("- %s\n", diffMDCode(e))
		}
	}
	if len(s.EndpointsRemoved) > 0 {
		ew.printf("\n### Endpoints removed\n\n")
		for _, e := range s.EndpointsRemoved {
			ew.printf("- %s\n", diffMDCode(e))
		}
	}
	if other := d.filter(func(c Change) bool { return !c.Breaking && c.Kind != ChangeEndpointAdded }); len(other) > 0 {
		ew.printf("\n### Other changes\n\n<details><summary>%d changes</summary>\n\n", len(other))
		table(other)
		ew.printf("\n</details>\n")
	}
	return ew.err
}

// diffMDCode is s as inline code in a table cell ("" stays empty).
func diffMDCode(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// diffMDCell escapes text for a table cell.
func diffMDCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// diffMDText escapes text outside code.
func diffMDText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", "[", `\[`)
	return r.Replace(s)
}

// diffWriter keeps the first write error.
type diffWriter struct {
	w   io.Writer
	err error
}

func (e *diffWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
