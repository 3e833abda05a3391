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
