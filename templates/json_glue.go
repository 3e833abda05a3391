package templates

import "math/bits"

// What the generated decoders and methods need of the JSON runtime beyond
// reading and writing values: required members a body left out, targets
// for responses that are not structs, and the choice of an alternative.

// jsonFields describes the members of a generated struct by field index:
// their names, and which of them the API document requires.
type jsonFields struct {
	names    []string
	required []uint64 // bit i: names[i] is required
}

// markMissing records, in m, every required member that seen (bit i: the
// member names[i] was present) lacks, so that encoding leaves it out as the
// server did instead of writing a zero value.
func (f *jsonFields) markMissing(m *Members, seen []uint64) {
	for w, req := range f.required {
		for missing := req &^ seen[w]; missing != 0; missing &= missing - 1 {
			if i := w*64 + bits.TrailingZeros64(missing); i < len(f.names) {
				m.markAbsent(f.names[i])
			}
		}
	}
}

// jsonTargetOf decodes into a value whose type has no decodeJSON method of
// its own (a slice of notes, a map, a string).
type jsonTargetOf[T any] struct {
	p   *T
	dec func(*T, *jsonDecoder) bool
}

func (t jsonTargetOf[T]) decodeJSON(d *jsonDecoder) bool { return t.dec(t.p, d) }

// encodeJSON is never called: targets are only decoded into.
func (t jsonTargetOf[T]) encodeJSON(e *jsonEncoder) { e.null() }

// jsonTarget returns a jsonValue that decodes into *p with dec.
func jsonTarget[T any](p *T, dec func(*T, *jsonDecoder) bool) jsonValue {
	return jsonTargetOf[T]{p: p, dec: dec}
}

// decodeEventAs decodes the body of a streaming event into v, for the
// generated decodeStreamEvent: v itself is the event's value.
func decodeEventAs(body []byte, v jsonValue, strict bool) (any, []Mismatch, error) {
	ms, err := decodeJSONValue(nil, body, v, strict)
	if err != nil {
		return nil, nil, err
	}
	return v, ms, nil
}

// decodeEventID decodes the body of a streaming event that is an id (a
// deleted file's, an unread mention's): its value is the id, as a T.
func decodeEventID[T ~string](body []byte, strict bool) (any, []Mismatch, error) {
	var id T
	ms, err := decodeJSONValue(nil, body, jsonTarget(&id, decEnum[T]), strict)
	if err != nil {
		return nil, nil, err
	}
	return id, ms, nil
}

// Member helpers. A generated struct decodes and encodes each of its
// members with one call of these, so that its decodeJSON and encodeJSON
// stay small: the readers and writers are passed as function values (and
// so not inlined there), which keeps the compile time of a package with
// hundreds of types in proportion to its size.

// decMember reads the value of the member name into *p with dec, keeping
// it in m when it does not fit (want says what would have).
//
// P is a pointer type, so that every field shares one instantiation.
func decMember[P any](d *jsonDecoder, m *Members, name string, p P, dec func(P, *jsonDecoder) bool, want string) {
	start := d.at()
	d.field(m, name, start, dec(p, d), want)
}

// decMemberPtr is decMember for a pointer field: v (a new value) is
// decoded and stored in *p only when it fits.
func decMemberPtr[P any](d *jsonDecoder, m *Members, name string, p *P, v P, dec func(P, *jsonDecoder) bool, want string) {
	start := d.at()
	ok := dec(v, d)
	if ok {
		*p = v
	}
	d.field(m, name, start, ok, want)
}

// decMemberOptional is decMember for an Optional field (null is a value).
func decMemberOptional[T any](d *jsonDecoder, m *Members, name string, p *Optional[T], dec func(*T, *jsonDecoder) bool, want string) {
	start := d.at()
	d.field(m, name, start, decOptional(p, d, dec), want)
}

// nullMember reports whether the value of member name is null, consuming
// it: the field is then nil, and a misfit kept for an earlier occurrence of
// the member is forgotten (the last occurrence counts).
func (d *jsonDecoder) nullMember(m *Members, name string) bool {
	if !d.null() {
		return false
	}
	m.forgetDeclared(name)
	return true
}

// encMember writes member name with the value *p, unless m holds a kept
// value of that name (m.encode writes it instead).
func encMember[P any](e *jsonEncoder, m *Members, name string, p P, enc func(P, *jsonEncoder)) {
	if e.field(m, name) {
		enc(p, e)
	}
}

// encMemberPtr is encMember for a pointer field p: nil writes null.
func encMemberPtr[P comparable](e *jsonEncoder, m *Members, name string, p P, enc func(P, *jsonEncoder)) {
	if !e.field(m, name) {
		return
	}
	var nilP P
	if p == nilP {
		e.null()
		return
	}
	enc(p, e)
}

// encMemberOptional is encMember for an Optional field: null writes null.
func encMemberOptional[T any](e *jsonEncoder, m *Members, name string, p *Optional[T], enc func(*T, *jsonEncoder)) {
	if e.field(m, name) {
		encOptional(p, e, enc)
	}
}

// encMemberList writes a required list member: nil writes [], as the
// document does not let it be null.
func encMemberList[T any](e *jsonEncoder, m *Members, name string, p *[]T, elem func(*T, *jsonEncoder)) {
	if !e.field(m, name) {
		return
	}
	if *p == nil {
		e.rawBytes("[]")
		return
	}
	encSlice(p, e, elem)
}

// encMemberMap writes a required map member: nil writes {}.
func encMemberMap[T any](e *jsonEncoder, m *Members, name string, p *map[string]T, elem func(*T, *jsonEncoder)) {
	if !e.field(m, name) {
		return
	}
	if *p == nil {
		e.rawBytes("{}")
		return
	}
	encMap(p, e, elem)
}
