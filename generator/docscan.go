package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// The limits docscan enforces before kin-openapi sees a document. Each was
// found by experiment: kin-openapi v0.153.0 and the generator do work that
// grows faster than the document in exactly these ways, and real Misskey
// documents (../shared/specs, 0.7–2.4 MB) stay far inside every one.
const (
	// maxNestingDepth bounds how deeply objects and arrays nest. Real
	// documents nest at most 18 levels; the deepest schema the generator
	// accepts (maxSchemaDepth, 64 schemas, two JSON levels each through
	// "properties") needs fewer than 140. kin-openapi decodes every schema's
	// bytes again for each schema around it, so its time per byte grows with
	// depth: 1,000 levels of additionalProperties (41 KB) took 2.0 s, and
	// 4,900 levels (210 KB) 60 s and 3.4 GB (issue 12).
	maxNestingDepth = 256

	// The three work measures below may each reach workFactor times the
	// document's size plus workFloor. The factor is several times what real
	// documents reach (see each measure); the floor lets a small document
	// be nested or cross-referenced as densely as it likes, since 4 MiB of
	// any of these costs under half a second.
	workFactor = 16
	workFloor  = 4 << 20
)

// The work measures, each linear to compute and each a bound on a cost
// that is not linear in the document's size:
//
//   - nesting work: the sizes of all objects and arrays added up, which is
//     the size of every byte times its depth. kin-openapi's decoding time
//     follows it (about 100 ns per unit for deeply nested schemas). Real
//     documents: at most 9.0 × their size.
//   - pointer work: the lengths of the JSON pointers of all values added
//     up. The generator names inline types and records their pointers
//     along their path, so a long key above many values is copied once per
//     value (a 200 KB component name over 2,000 properties ran out of 4 GB).
//     Real documents: at most 4.1 × their size.
//   - reference work: for every $ref, the size of what it points to,
//     following $refs to $refs. kin-openapi walks a referenced schema
//     again for every $ref to it: 20,000 $refs to one 25 KB component
//     (a 0.9 MB document) took 14.5 s, and a chain of 4,000 components each
//     a bare $ref to the next took 14.8 s. Real documents: at most 1.2 ×
//     their size. A cycle of bare $refs is refused outright (kin-openapi
//     took 52 s over a cycle of 4,000).

// scanResult is what scanDocument learnt about a document.
type scanResult struct {
	// propOrder maps the JSON pointer (without "#") of every object with
	// a "properties" object to the property names in document order.
	propOrder map[string][]string

	nesting, pointers, refs int64 // the work measures
	depth                   int   // deepest nesting seen
}

// scanError is a limit crossed (or JSON the scanner cannot read) at a
// JSON pointer.
type scanError struct {
	ptr string // without the leading "#"
	msg string
}

func (e *scanError) Error() string { return displayPointer(e.ptr) + ": " + e.msg }

// displayPointer writes a JSON pointer for a message: "#" and the pointer,
// with the middle of a very long pointer left out.
func displayPointer(ptr string) string {
	const keepHead, keepTail = 16, 4
	if len(ptr) <= 1024 {
		return "#" + ptr
	}
	segs := strings.Split(ptr, "/")[1:]
	if len(segs) <= keepHead+keepTail {
		return "#" + ptr[:1000] + "…"
	}
	return fmt.Sprintf("#/%s/…/%s (a pointer %d levels deep; %d levels left out)",
		strings.Join(segs[:keepHead], "/"), strings.Join(segs[len(segs)-keepTail:], "/"),
		len(segs), len(segs)-keepHead-keepTail)
}

// jsonPointerToken escapes one JSON pointer token (RFC 6901).
func jsonPointerToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// scanFrame is one open object or array.
type scanFrame struct {
	obj    bool
	start  int // offset of '{' or '['
	ptrLen int // length of the pointer of this container
	index  int // next array index

	// Object members.
	key      []byte // current member name (decoded; often a slice of the input)
	hasRef   bool
	ref      string // value of a "$ref" member
	propsMap bool   // the value of a "properties" member: record its member names
	owner    string // pointer of the object whose properties these are
	names    []string
}

// refObject is an object with a string "$ref" member.
type refObject struct {
	ptr    string
	target string
	size   int64
}

// docScanner is the state of one scan.
type docScanner struct {
	data   []byte
	i      int
	ptr    []byte
	stack  []scanFrame
	budget int64
	res    scanResult

	sizes    map[string]int64      // size of each container at most 3 levels down
	refObjs  map[string]*refObject // every $ref object, by pointer
	refOrder []*refObject          // the same, in document order
}

// scanDocument reads a JSON document once, without decoding it, and
// enforces the limits above. It records the property order of every schema
// with properties. data must be valid JSON (Parse checks that first), but
// the scanner reports rather than trusts anything unexpected.
func scanDocument(data []byte) (*scanResult, error) {
	s := &docScanner{
		data:    data,
		budget:  workFactor*int64(len(data)) + workFloor,
		sizes:   map[string]int64{},
		refObjs: map[string]*refObject{},
	}
	s.res.propOrder = map[string][]string{}
	if err := s.run(); err != nil {
		return nil, err
	}
	if err := s.referenceWork(); err != nil {
		return nil, err
	}
	return &s.res, nil
}

func (s *docScanner) fail(msg string, args ...any) error {
	return &scanError{ptr: string(s.ptr), msg: fmt.Sprintf(msg, args...)}
}

func (s *docScanner) skipSpace() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// run is the scan proper: an explicit stack, so that no input can make it
// recurse.
func (s *docScanner) run() error {
	const (
		stValue = iota
		stAfterValue
		stFirstMember
		stKey
		stFirstElem
	)
	state := stValue
	for {
		s.skipSpace()
		if s.i >= len(s.data) {
			if len(s.stack) > 0 || state == stValue {
				return s.fail("invalid JSON: unexpected end of input")
			}
			return nil
		}
		c := s.data[s.i]
		switch state {
		case stValue:
			if err := s.value(c); err != nil {
				return err
			}
			if c == '{' {
				state = stFirstMember
			} else if c == '[' {
				state = stFirstElem
			} else {
				state = stAfterValue
			}

		case stAfterValue:
			if len(s.stack) == 0 {
				return s.fail("invalid JSON: data after the document")
			}
			top := &s.stack[len(s.stack)-1]
			s.ptr = s.ptr[:top.ptrLen]
			switch {
			case c == ',' && top.obj:
				s.i++
				state = stKey
			case c == ',':
				s.i++
				s.ptr = strconv.AppendInt(append(s.ptr, '/'), int64(top.index), 10)
				top.index++
				state = stValue
			case (c == '}' && top.obj) || (c == ']' && !top.obj):
				s.i++
				if err := s.close(); err != nil {
					return err
				}
			default:
				return s.fail("invalid JSON: unexpected %q", c)
			}

		case stFirstMember:
			if c == '}' {
				s.i++
				if err := s.close(); err != nil {
					return err
				}
				state = stAfterValue
				continue
			}
			state = stKey
			fallthrough

		case stKey:
			if err := s.member(); err != nil {
				return err
			}
			state = stValue

		case stFirstElem:
			top := &s.stack[len(s.stack)-1]
			if c == ']' {
				s.i++
				if err := s.close(); err != nil {
					return err
				}
				state = stAfterValue
				continue
			}
			s.ptr = strconv.AppendInt(append(s.ptr, '/'), int64(top.index), 10)
			top.index++
			state = stValue
		}
	}
}

// value starts the value at s.i, whose first byte is c, with s.ptr its
// pointer: a container is pushed, a scalar read whole.
func (s *docScanner) value(c byte) error {
	s.res.pointers += int64(len(s.ptr))
	if s.res.pointers > s.budget {
		return s.fail("the JSON pointers of the document's values add up to more than %d bytes here (%d × the document's size + %d); "+
			"the generator copies a key into the name and pointer of everything under it, so long keys above many values cost that much", s.budget, workFactor, workFloor)
	}
	var parent *scanFrame
	if n := len(s.stack); n > 0 {
		parent = &s.stack[n-1]
	}
	switch c {
	case '{', '[':
		if len(s.stack) >= maxNestingDepth {
			return s.fail("nested more than %d levels deep (real Misskey documents nest at most 18)", maxNestingDepth)
		}
		f := scanFrame{obj: c == '{', start: s.i, ptrLen: len(s.ptr)}
		// The scan does not know which objects are schemas. It records the
		// members of every "properties" object, except one directly inside
		// another (there "properties" is a property's name): a record at a
		// pointer where no schema stands is never looked up. A map keyed by
		// the document (components.schemas) with an entry called
		// "properties" is taken for a properties object, so that entry's
		// own order stays unknown.
		if parent != nil && parent.obj && !parent.propsMap && f.obj && string(parent.key) == "properties" {
			f.propsMap, f.owner = true, string(s.ptr[:parent.ptrLen])
		}
		s.stack = append(s.stack, f)
		if len(s.stack) > s.res.depth {
			s.res.depth = len(s.stack)
		}
		s.i++
		return nil
	case '"':
		start := s.i
		end, err := s.skipString()
		if err != nil {
			return err
		}
		// Every string "$ref" member counts, wherever it stands: kin-openapi
		// resolves $refs in what only structure tells from data (a schema
		// component may be named "example" or "x-…"), so data is counted
		// too, to be safe.
		if parent != nil && parent.obj && string(parent.key) == "$ref" {
			parent.hasRef = true
			parent.ref = string(decodeJSONString(s.data[start:end]))
		}
		return nil
	}
	// A number or a literal: up to the next delimiter.
	start := s.i
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			if s.i == start {
				return s.fail("invalid JSON: unexpected %q", s.data[s.i])
			}
			return nil
		}
		s.i++
	}
	return nil
}

// member reads a member name and its colon, and extends the pointer.
func (s *docScanner) member() error {
	top := &s.stack[len(s.stack)-1]
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return s.fail("invalid JSON: expected a member name")
	}
	start := s.i
	end, err := s.skipString()
	if err != nil {
		return err
	}
	key := decodeJSONString(s.data[start:end])
	s.skipSpace()
	if s.i >= len(s.data) || s.data[s.i] != ':' {
		return s.fail("invalid JSON: expected ':' after a member name")
	}
	s.i++
	top.key = key
	if top.propsMap {
		top.names = append(top.names, string(key))
	}
	s.ptr = append(s.ptr, '/')
	for _, b := range key {
		switch b {
		case '~':
			s.ptr = append(s.ptr, '~', '0')
		case '/':
			s.ptr = append(s.ptr, '~', '1')
		default:
			s.ptr = append(s.ptr, b)
		}
	}
	return nil
}

// skipString moves past the string starting at s.i and returns the offset
// just after its closing quote.
func (s *docScanner) skipString() (int, error) {
	for j := s.i + 1; ; {
		k := bytes.IndexByte(s.data[j:], '"')
		if k < 0 {
			return 0, s.fail("invalid JSON: unterminated string")
		}
		q := j + k
		// The quote ends the string unless an odd number of backslashes
		// stands before it. (Each backslash is counted once: runs before
		// different quotes do not overlap.)
		n := 0
		for p := q - 1; p > s.i && s.data[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			s.i = q + 1
			return s.i, nil
		}
		j = q + 1
	}
}

// decodeJSONString decodes a JSON string token exactly as encoding/json
// (and so kin-openapi) does. Without escapes it returns the token's inside,
// not a copy.
func decodeJSONString(tok []byte) []byte {
	inner := tok[1 : len(tok)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner
	}
	var out string
	if err := json.Unmarshal(tok, &out); err != nil {
		return inner
	}
	return []byte(out)
}

// close ends the container on top of the stack (s.ptr is its pointer).
func (s *docScanner) close() error {
	n := len(s.stack)
	f := &s.stack[n-1]
	size := int64(s.i - f.start)
	s.res.nesting += size
	if s.res.nesting > s.budget {
		return s.fail("the document nests too much of itself too deeply: the sizes of its nested objects and arrays add up to more than %d bytes here "+
			"(%d × the document's size + %d; real Misskey documents reach 9 × their size); kin-openapi decodes a schema's bytes again for every schema around it",
			s.budget, workFactor, workFloor)
	}
	ptr := ""
	if n-1 <= 3 || f.hasRef {
		ptr = string(s.ptr)
	}
	if n-1 <= 3 { // a container at most 3 levels down: a component or above
		s.sizes[ptr] = size
	}
	if f.hasRef {
		r := &refObject{ptr: ptr, target: f.ref, size: size}
		if _, dup := s.refObjs[ptr]; !dup {
			s.refObjs[ptr] = r
			s.refOrder = append(s.refOrder, r)
		}
	}
	if f.propsMap {
		s.res.propOrder[f.owner] = uniqueInOrder(f.names)
	}
	s.stack = s.stack[:n-1]
	return nil
}

// uniqueInOrder drops repeated names, keeping each at its first place.
func uniqueInOrder(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := names[:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// refTargetPointer turns a local $ref ("#/components/schemas/Note", maybe
// percent-encoded) into the JSON pointer it names ("/components/…"), and
// reports false for references outside the document.
func refTargetPointer(ref string) (string, bool) {
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return "", false
	}
	if strings.Contains(frag, "%") {
		dec, err := url.PathUnescape(frag)
		if err != nil {
			return "", false
		}
		frag = dec
	}
	return frag, true
}

// referenceWork adds up, for every $ref in document order, the size of
// what it points to, following $refs to $refs (each chain is walked once),
// and refuses cycles of $refs.
func (s *docScanner) referenceWork() error {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	expanded := map[string]int64{} // pointer of a $ref object → its size plus what it leads to
	for _, r := range s.refOrder {
		// Follow the chain to its first $ref object already expanded, or
		// to a target that is not a $ref object.
		// The chain starts at r itself, so that a cycle through r reads
		// "r → … → r".
		var chain []*refObject
		t := r.ptr
		var tail int64
		for {
			ro := s.refObjs[t]
			if ro == nil {
				tail = s.targetSize(t)
				break
			}
			if state[t] == done {
				tail = expanded[t]
				break
			}
			if state[t] == visiting {
				var names []string
				for _, c := range chain {
					names = append(names, "#"+c.ptr)
				}
				names = append(names, "#"+t)
				return &scanError{ptr: r.ptr, msg: "$ref cycle: " + strings.Join(names, " → ")}
			}
			state[t] = visiting
			chain = append(chain, ro)
			nt, ok := refTargetPointer(ro.target)
			if !ok {
				break // outside the document: kin-openapi refuses it, and locateRefProblem says where
			}
			t = nt
		}
		for j := len(chain) - 1; j >= 0; j-- {
			tail += chain[j].size
			expanded[chain[j].ptr] = tail
			state[chain[j].ptr] = done
		}
		s.res.refs += tail
		if s.res.refs > s.budget {
			return &scanError{ptr: r.ptr, msg: fmt.Sprintf("$ref %q: what the document's $refs point to adds up to more than %d bytes here "+
				"(%d × the document's size + %d; real Misskey documents reach 1.2 × their size); kin-openapi walks a referenced schema again for every $ref to it",
				r.target, s.budget, workFactor, workFloor)}
		}
	}
	return nil
}

// targetSize is the size of the container at ptr, or, for a pointer
// deeper than a component, of the component (or whatever stands 3 levels
// down) that holds it: an upper bound, and exact for every $ref real
// documents write. It is 0 when nothing is there.
func (s *docScanner) targetSize(ptr string) int64 {
	if size, ok := s.sizes[ptr]; ok {
		return size
	}
	segs := 0
	for j := 0; j < len(ptr); j++ {
		if ptr[j] == '/' {
			segs++
			if segs == 4 {
				return s.sizes[ptr[:j]]
			}
		}
	}
	return 0
}

// propertyOrders pairs kin-openapi's schemas with the property order the
// scan recorded at their pointers. It walks the components' schemas,
// request bodies and responses and every operation's request and response
// bodies, recursing through the keywords the generator models. A SchemaRef
// with a $ref is not followed (its Value is the component, walked at its
// own pointer), except for properties an OpenAPI 3.1 document writes beside
// the $ref, which kin-openapi appends to a copy as one more allOf part. An
// order is kept only when it names exactly the schema's properties.
func propertyOrders(doc *openapi3.T, byPtr map[string][]string) map[*openapi3.Schema][]string {
	w := &orderWalker{doc: doc, byPtr: byPtr, out: map[*openapi3.Schema][]string{}, seen: map[*openapi3.Schema]bool{}}
	if c := doc.Components; c != nil {
		for _, name := range sortedKeys(c.Schemas) {
			w.schema(c.Schemas[name], "/components/schemas/"+jsonPointerToken(name))
		}
		for _, name := range sortedKeys(c.RequestBodies) {
			if rb := c.RequestBodies[name]; rb != nil && rb.Ref == "" && rb.Value != nil {
				w.content(rb.Value.Content, "/components/requestBodies/"+jsonPointerToken(name))
			}
		}
		for _, name := range sortedKeys(c.Responses) {
			if r := c.Responses[name]; r != nil && r.Ref == "" && r.Value != nil {
				w.content(r.Value.Content, "/components/responses/"+jsonPointerToken(name))
			}
		}
	}
	if doc.Paths != nil {
		paths := doc.Paths.Map()
		for _, path := range sortedKeys(paths) {
			item := paths[path]
			if item == nil {
				continue
			}
			ops := item.Operations()
			for _, method := range sortedKeys(ops) {
				op := ops[method]
				if op == nil {
					continue
				}
				ptr := "/paths/" + jsonPointerToken(path) + "/" + strings.ToLower(method)
				if rb := op.RequestBody; rb != nil && rb.Ref == "" && rb.Value != nil {
					w.content(rb.Value.Content, ptr+"/requestBody")
				}
				if op.Responses != nil {
					rs := op.Responses.Map()
					for _, code := range sortedKeys(rs) {
						if r := rs[code]; r != nil && r.Ref == "" && r.Value != nil {
							w.content(r.Value.Content, ptr+"/responses/"+jsonPointerToken(code))
						}
					}
				}
			}
		}
	}
	return w.out
}

// orderWalker walks kin-openapi's schemas alongside their JSON pointers.
type orderWalker struct {
	doc   *openapi3.T
	byPtr map[string][]string
	out   map[*openapi3.Schema][]string
	seen  map[*openapi3.Schema]bool
}

func (w *orderWalker) content(c openapi3.Content, ptr string) {
	for _, mt := range sortedKeys(c) {
		if m := c[mt]; m != nil {
			w.schema(m.Schema, ptr+"/content/"+jsonPointerToken(mt)+"/schema")
		}
	}
}

func (w *orderWalker) schema(sref *openapi3.SchemaRef, ptr string) {
	if sref == nil || sref.Value == nil {
		return
	}
	if sref.Ref != "" {
		// Properties beside a $ref (OpenAPI 3.1): kin-openapi resolves the
		// $ref to a copy of the component with one more allOf part, which
		// stands at the $ref's own pointer (refSiblingProperties).
		if _, ok := w.byPtr[ptr]; ok && w.doc.Components != nil {
			if name, ok := componentRef(sref.Ref); ok {
				comp := w.doc.Components.Schemas[name]
				if comp != nil && comp.Value != nil && comp.Value != sref.Value && len(sref.Value.AllOf) == len(comp.Value.AllOf)+1 {
					if last := sref.Value.AllOf[len(sref.Value.AllOf)-1]; last != nil && last.Ref == "" {
						w.schema(last, ptr)
					}
				}
			}
		}
		return
	}
	s := sref.Value
	if w.seen[s] {
		return
	}
	w.seen[s] = true
	if names, ok := w.byPtr[ptr]; ok && sameNames(names, s.Properties) {
		w.out[s] = names
	}
	for _, name := range sortedKeys(s.Properties) {
		w.schema(s.Properties[name], ptr+"/properties/"+jsonPointerToken(name))
	}
	w.schema(s.Items, ptr+"/items")
	w.schema(s.AdditionalProperties.Schema, ptr+"/additionalProperties")
	w.schema(s.Not, ptr+"/not")
	for _, list := range []struct {
		kw    string
		parts openapi3.SchemaRefs
	}{{"allOf", s.AllOf}, {"oneOf", s.OneOf}, {"anyOf", s.AnyOf}, {"prefixItems", s.PrefixItems}} {
		for i, p := range list.parts {
			w.schema(p, ptr+"/"+list.kw+"/"+strconv.Itoa(i))
		}
	}
}

// sameNames reports whether names are exactly the keys of props.
func sameNames(names []string, props openapi3.Schemas) bool {
	if len(names) != len(props) {
		return false
	}
	for _, n := range names {
		if _, ok := props[n]; !ok {
			return false
		}
	}
	return true
}
