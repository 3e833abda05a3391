package generator

import (
	"sort"
)

// finish completes the model once every type exists: embedded parts,
// presence wrappers, value cycles, identical inline shapes merged, names,
// pagers, and the sorted type list.
func (b *builder) finish() {
	for _, t := range b.all {
		if t.Kind == KindStruct {
			b.checkEmbeds(t)
		}
	}
	done := map[*Type]bool{}
	for _, t := range b.all {
		resolveEmbeds(t, done, b.suffixed)
	}
	for _, t := range b.all {
		if t.Kind == KindStruct || t.Kind == KindTuple {
			for _, f := range t.Fields {
				f.Wrap = wrapFor(t.Request, f)
			}
		}
	}
	for _, t := range b.all {
		if t.Kind == KindStruct || t.Kind == KindTuple {
			breakValueCycles(t)
		}
	}
	b.mergeIdentical()
	b.nameTypes()
	for _, t := range b.all {
		if t.Kind == KindStruct {
			assignNullBits(t)
		}
	}
	for _, ep := range b.api.Endpoints {
		ep.Pager = pagerFor(ep)
	}
	sort.SliceStable(b.all, func(i, j int) bool { return b.all[i].Name < b.all[j].Name })
	b.api.Types = b.all
}

// assignNullBits gives every optional nullable response field a bit that
// records a JSON null, so that re-encoding a decoded value writes null
// where the server sent null and leaves out what it left out.
func assignNullBits(t *Type) {
	n := 0
	for _, f := range t.Fields {
		f.NullBit = -1
		if !t.Request && !f.Required && canBeNull(f) && f.Wrap != WrapOptional {
			f.NullBit = n
			n++
		}
	}
	t.NullBits = n
}

// checkEmbeds keeps the allOf parts of t that Go can embed: a part that is
// an alias of a struct is replaced by that struct, a part named twice is
// embedded once, and a part that is not an object (an enum, a union, a
// primitive) is left out with a warning (an embedded union would promote
// its MarshalJSON and encode only itself). Kinds are known only now, once
// every component is defined.
func (b *builder) checkEmbeds(t *Type) {
	var kept []*Type
	seen := map[*Type]bool{t: true}
	for _, e := range t.Embeds {
		x := e
		for hops := 0; x.Kind == KindAlias && x.Alias != nil && x.Alias.Kind == RefNamed && hops < len(b.all); hops++ {
			x = x.Alias.Named
		}
		switch {
		case x.Kind == KindUnion && len(t.Embeds) == 1 && len(t.Fields) == 0 && !seen[x]:
			// A pure wrapper (allOf [$ref Union, {type: object}]): its JSON
			// is the union's, whose promoted methods encode and decode it.
			seen[x] = true
			kept = append(kept, x)
		case x.Kind != KindStruct:
			b.warn(t.Pointer, "allOf part %s is not an object; it is not part of %s", e.Name, t.Name)
		case !seen[x]:
			seen[x] = true
			kept = append(kept, x)
		}
	}
	t.Embeds = kept
	// An embedded part is a field named after its type; an own field that
	// took that name (reserved were the names as written) moves aside.
	names := newNameSet(reservedFieldNames...).recording(b.suffixed)
	for _, e := range kept {
		names.reserve(e.Name)
	}
	var moved []*Field
	for _, f := range t.Fields {
		if names.taken(f.Name) {
			moved = append(moved, f)
		} else {
			names.reserve(f.Name)
		}
	}
	for _, f := range moved {
		f.Name = names.claim(f.Name)
	}
}

// embedsReach reports whether x embeds target, directly or through its
// embedded parts.
func embedsReach(x, target *Type, seen map[*Type]bool) bool {
	if x == target {
		return true
	}
	if seen[x] {
		return false
	}
	seen[x] = true
	for _, e := range x.Embeds {
		if embedsReach(e, target, seen) {
			return true
		}
	}
	return false
}

// resolveEmbeds makes the embedded allOf parts of t safe for encoding/json
// (and go vet): two embedded parts that declare the same JSON property would
// cancel each other out. Parts are kept embedded in document order while
// they add only new properties; a part that overlaps an earlier one has its
// remaining properties copied into t instead. Properties t declares itself
// win over embedded ones, as encoding/json prefers the shallower field.
func resolveEmbeds(t *Type, done map[*Type]bool, suffixed *[]string) {
	if t.Kind != KindStruct || done[t] {
		return
	}
	done[t] = true
	for _, e := range t.Embeds {
		resolveEmbeds(e, done, suffixed)
	}
	if len(t.Embeds) == 0 {
		return
	}
	seen := map[string]bool{}
	goNames := newNameSet(reservedFieldNames...).recording(suffixed)
	own := map[string]*Field{}      // t's own fields by JSON name
	embedded := map[string]*Field{} // fields of the parts kept embedded
	for _, f := range t.Fields {
		seen[f.JSONName] = true
		own[f.JSONName] = f
		goNames.reserve(f.Name)
	}
	for _, e := range t.Embeds {
		goNames.reserve(e.Name)
	}
	// require makes a property required in t when a later part requires
	// what an earlier one (or t) declares optional: allOf requires what any
	// part requires. A field of an embedded part is shadowed by a required
	// copy in t, which encoding/json prefers as the shallower field.
	require := func(name string) {
		if f := own[name]; f != nil {
			f.Required = true
			return
		}
		if f := embedded[name]; f != nil && !f.Required {
			cp := *f
			cp.Required = true
			cp.Name = goNames.claim(f.Name)
			t.Fields = append(t.Fields, &cp)
			own[name] = &cp
		}
	}
	var kept []*Type
	for _, e := range t.Embeds {
		fields := allFields(e, nil)
		// A part that embeds t in turn cannot be embedded (invalid
		// recursive type): its fields are copied like an overlapping one's.
		overlap := embedsReach(e, t, map[*Type]bool{})
		for _, f := range fields {
			if seen[f.JSONName] {
				overlap = true
				break
			}
		}
		if !overlap {
			kept = append(kept, e)
			for _, f := range fields {
				if !seen[f.JSONName] {
					embedded[f.JSONName] = f
				}
				seen[f.JSONName] = true
			}
			continue
		}
		for _, f := range fields {
			if seen[f.JSONName] {
				if f.Required {
					require(f.JSONName)
				}
				continue
			}
			seen[f.JSONName] = true
			cp := *f
			cp.Name = goNames.claim(f.Name)
			t.Fields = append(t.Fields, &cp)
			own[f.JSONName] = &cp
		}
	}
	t.Embeds = kept
}

// wrapFor decides how a field's presence is represented.
//
// Requests: a required field is its plain type (a pointer when it may be
// null: nil sends null); an optional field the document does not let be
// null is a pointer (nil: not sent), so the compiler refuses null there; an
// optional nullable field is Optional[T]: unset, Null[T]() or Value(v).
// Slices and maps carry "not sent" (or null, when required) in nil.
//
// Responses: a required non-null field is its plain type; anything that may
// be absent or null is a pointer (an optional nullable one also has a null
// bit, see assignNullBits). Slices, maps and any carry absence in nil.
func wrapFor(request bool, f *Field) Wrap {
	nilable := isNilable(f.Type)
	if f.Type.Kind == RefReader {
		return WrapNone
	}
	if request {
		switch {
		case !f.Required && f.Nullable:
			return WrapOptional
		case nilable:
			return WrapNone
		case !f.Required || f.Nullable:
			return WrapPointer
		}
		return WrapNone
	}
	if (f.Required && !f.Nullable) || nilable {
		return WrapNone
	}
	return WrapPointer
}

func isNilable(r *TypeRef) bool {
	switch r.Kind {
	case RefSlice, RefMap, RefAny, RefRaw, RefReader:
		return true
	}
	return false
}

// breakValueCycles turns a plain struct-valued field into a pointer where it
// would make the struct contain itself by value.
func breakValueCycles(t *Type) {
	for _, f := range t.Fields {
		if f.Wrap != WrapNone || f.Type.Kind != RefNamed {
			continue
		}
		if containsByValue(f.Type.Named, t, map[*Type]bool{}) {
			f.Wrap = WrapPointer
		}
	}
}

// containsByValue reports whether x holds target by value (directly, through
// embedding, or through non-pointer struct fields).
func containsByValue(x, target *Type, seen map[*Type]bool) bool {
	if x == target {
		return true
	}
	if seen[x] {
		return false
	}
	seen[x] = true
	switch x.Kind {
	case KindAlias:
		if x.Alias.Kind == RefNamed {
			return containsByValue(x.Alias.Named, target, seen)
		}
	case KindStruct, KindTuple:
		for _, e := range x.Embeds {
			if containsByValue(e, target, seen) {
				return true
			}
		}
		for _, f := range x.Fields {
			if f.Type.Kind == RefNamed && (f.Wrap == WrapNone || f.Wrap == WrapOptional) {
				if containsByValue(f.Type.Named, target, seen) {
					return true
				}
			}
		}
	}
	return false
}

// pagerFor returns how an endpoint pages, when its request takes untilId
// and its response is a list of objects with a required string id.
func pagerFor(ep *Endpoint) *Pager {
	if ep.Request == nil || ep.Response == nil || ep.Response.Kind != RefSlice {
		return nil
	}
	p := &Pager{}
	for _, f := range allFields(ep.Request, nil) {
		switch f.JSONName {
		case "untilId":
			if f.Type.Kind == RefString && (f.Wrap == WrapPointer || f.Wrap == WrapOptional) {
				p.Until = f
			}
		case "limit":
			if f.Type.Kind == RefInt && (f.Wrap == WrapPointer || f.Wrap == WrapOptional) {
				p.Limit = f
			}
		}
	}
	item := ep.Response.Elem
	if p.Until == nil || item.Kind != RefNamed || item.Named.Kind != KindStruct {
		return nil
	}
	for _, f := range allFields(item.Named, nil) {
		if f.JSONName == "id" && f.Type.Kind == RefString && f.Wrap == WrapNone {
			p.Item, p.ID = item.Named, f
			return p
		}
	}
	return nil
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}
