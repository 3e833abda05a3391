package templates

import (
	"encoding/json"
	"errors"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Members holds what a struct's fields cannot: the members of the JSON object
// that its type does not declare, and declared members whose value did not
// fit the field's Go type, exactly as the server sent them. Encoding writes
// them back; an entry whose name is a declared field is written in place of
// that field.
//
// When an object repeats a member name that its type does not declare, every
// occurrence is kept, in order (All yields each one; Get returns the last, the
// one encoding/json would use). A declared member that is repeated keeps only
// its last value, whether in its field or here.
//
// The zero Members is empty and ready to use. Set and Delete build a new list
// rather than change the old one in place, so a copy of a struct keeps its
// entries when the original's change. The values themselves are shared
// between copies: do not modify a json.RawMessage that Get or All returns.
type Members struct {
	list []member
	// decl maps the name of a declared member kept in list to its index, so
	// that a repeated declared member replaces the entry in constant time.
	// It is nil until the first such entry and only serves decoding.
	decl map[string]int
}

// member is one entry of a Members.
type member struct {
	name string
	raw  json.RawMessage // nil for memberAbsent and memberRemoved
	kind memberKind
}

type memberKind uint8

const (
	memberUnknown  memberKind = iota // a member the type does not declare
	memberDeclared                   // a declared member whose value did not fit its field
	memberAbsent                     // hidden: a required declared member that was absent
	memberRemoved                    // hidden: replaced by a later occurrence of the same declared member
)

func (m *member) visible() bool { return m.kind <= memberDeclared }

// Get returns the value of the entry named name (the last one, when the object
// repeated the name) and whether there is one.
func (m *Members) Get(name string) (json.RawMessage, bool) {
	for i := len(m.list) - 1; i >= 0; i-- {
		if e := &m.list[i]; e.name == name && e.visible() {
			return e.raw, true
		}
	}
	return nil, false
}

// Set makes value the entry named name, replacing every entry of that name.
// An entry keeps the place of the first entry it replaces; a new one is added
// at the end. value must be valid JSON; it is stored compacted, as a copy.
// Setting the name of a declared field makes encoding write value in place of
// the field.
func (m *Members) Set(name string, value json.RawMessage) error {
	if !validJSON(value) {
		return errors.New("Members.Set " + strconv.Quote(name) + ": value is not valid JSON")
	}
	e := member{name: name, raw: appendCompactJSON(nil, value, false)}
	list := make([]member, 0, len(m.list)+1)
	placed := false
	for _, old := range m.list {
		if old.name != name {
			if old.kind != memberRemoved {
				list = append(list, old)
			}
			continue
		}
		if !placed && old.kind != memberRemoved {
			if old.kind != memberUnknown {
				e.kind = memberDeclared
			}
			list = append(list, e)
			placed = true
		}
	}
	if !placed {
		list = append(list, e)
	}
	m.list, m.decl = list, nil
	return nil
}

// Delete removes every entry named name. Deleting a declared field's entry
// makes encoding write the field itself again.
func (m *Members) Delete(name string) {
	var list []member
	for _, e := range m.list {
		if e.name != name && e.kind != memberRemoved {
			list = append(list, e)
		}
	}
	m.list, m.decl = list, nil
}

// Len returns the number of entries (those All yields).
func (m *Members) Len() int {
	n := 0
	for i := range m.list {
		if m.list[i].visible() {
			n++
		}
	}
	return n
}

// All yields the name and value of every entry, in the order of the decoded
// object.
func (m *Members) All() iter.Seq2[string, json.RawMessage] {
	return func(yield func(string, json.RawMessage) bool) {
		for _, e := range m.list {
			if e.visible() && !yield(e.name, e.raw) {
				return
			}
		}
	}
}

// String returns the entries as the members of a JSON object, for debugging.
func (m *Members) String() string {
	e := jsonEncoder{buf: []byte{'{'}}
	m.encode(&e)
	return string(append(e.buf, '}'))
}

// add keeps an undeclared member. raw must be a copy the Members may own.
func (m *Members) add(name string, raw json.RawMessage) {
	m.list = append(m.list, member{name: name, raw: raw, kind: memberUnknown})
}

// keepDeclared keeps the value of a declared member that did not fit its
// field. raw must be a copy the Members may own. An earlier entry of the same
// name (the object repeated the member) is replaced.
func (m *Members) keepDeclared(name string, raw json.RawMessage) {
	m.forgetDeclared(name)
	if m.decl == nil {
		m.decl = make(map[string]int)
	}
	m.decl[name] = len(m.list)
	m.list = append(m.list, member{name: name, raw: raw, kind: memberDeclared})
}

// forgetDeclared hides the entry keepDeclared made for name, if any: a later
// occurrence of the member replaced it. It costs nothing when there is none.
func (m *Members) forgetDeclared(name string) {
	if m.decl == nil {
		return
	}
	if i, ok := m.decl[name]; ok {
		m.list[i] = member{name: name, kind: memberRemoved}
		delete(m.decl, name)
	}
}

// markAbsent records that the required declared member name was absent, so
// that encoding leaves it out again (see jsonEncoder.field). The entry is
// hidden: Get, All and Len do not see it; Set replaces it and Delete removes
// it.
func (m *Members) markAbsent(name string) {
	m.list = append(m.list, member{name: name, kind: memberAbsent})
}

// has reports whether m holds a visible or absent entry named name: then the
// field of that name is not written by its encoder.
func (m *Members) has(name string) bool {
	for i := range m.list {
		if e := &m.list[i]; e.name == name && e.kind != memberRemoved {
			return true
		}
	}
	return false
}

// encode writes every visible entry as a member of the object being encoded.
func (m *Members) encode(e *jsonEncoder) {
	for i := range m.list {
		if en := &m.list[i]; en.visible() {
			e.name(en.name)
			e.buf = append(e.buf, en.raw...)
		}
	}
}

// Mismatch is a value in a decoded body that did not fit the Go type the API
// document gives it. The value itself is kept (see Members, and Raw on unions).
type Mismatch struct {
	Path  string          // JSON Pointer (RFC 6901) of the value in the body, e.g. "/3/user/followersCount"; "" for the whole body
	Want  string          // what the Go type needed, e.g. "integer"
	Value json.RawMessage // the value as sent (a copy)
}

// maxMismatchValue is how much of a value Mismatch.String shows.
const maxMismatchValue = 60

// String returns the mismatch for a message, such as
//
//	/3/user/followersCount: "12" does not fit integer
//
// The value is shortened and control characters in it are escaped.
func (m Mismatch) String() string {
	var b strings.Builder
	if m.Path == "" {
		b.WriteString("(body)")
	} else {
		b.WriteString(m.Path)
	}
	b.WriteString(": ")
	v, cut := m.Value, false
	if len(v) > maxMismatchValue {
		n := maxMismatchValue
		for n > 0 && !utf8.RuneStart(v[n]) {
			n--
		}
		v, cut = v[:n], true
	}
	for len(v) > 0 {
		r, size := utf8.DecodeRune(v)
		switch {
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[v[0]>>4])
			b.WriteByte(hexDigits[v[0]&0xF])
		case r >= 0x80 && r < 0xa0, r == '\u2028', r == '\u2029':
			b.WriteString(`\u`)
			b.WriteString(strconv.FormatInt(int64(r)|0x10000, 16)[1:])
		default:
			b.Write(v[:size])
		}
		v = v[size:]
	}
	if cut {
		b.WriteString("…")
	}
	b.WriteString(" does not fit ")
	b.WriteString(m.Want)
	return b.String()
}

// MismatchError is the error of a strict decode, and of a top-level misfit.
type MismatchError struct {
	Mismatches []Mismatch
	More       int // misfits not listed (at most 100 are listed)
}

func (e *MismatchError) Error() string {
	if len(e.Mismatches) == 0 {
		return "value does not fit its type"
	}
	s := e.Mismatches[0].String()
	if n := len(e.Mismatches) - 1 + e.More; n > 0 {
		s += " (and " + strconv.Itoa(n) + " more)"
	}
	return s
}
