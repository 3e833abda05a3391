package templates

// A decoder for response bodies, driven by generated code.
//
// Every generated struct, union and tuple has a decodeJSON method that reads
// its value from a jsonDecoder with the readers below: no reflection, one pass
// over the body, no copy of a sub-document to decode it again. The decoder
// validates as it goes and rejects exactly the texts encoding/json rejects
// (json.Valid), nesting included, so it can run on untrusted input.
//
// A value that does not fit its Go type (a "misfit") is not an error: the
// reader that meets it skips it and reports false, and the generated code
// keeps the raw value (in the struct's Members, or in a union's Raw) and
// records its offset. The JSON Pointer paths of the misfits are worked out
// at the end, in one more pass, only when there are any.
//
// Nothing the decoder leaves behind refers to the input: every string and
// every kept raw value is a copy, so the caller may reuse the buffer.

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/bits"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth is the deepest nesting of arrays and objects accepted, the
// same limit as encoding/json's.
const maxJSONDepth = 10000

// maxMismatches is the most misfits a decode reports with their paths.
const maxMismatches = 100

// ctxCheckEvery is how many containers (objects and arrays, skipped ones
// included) the decoder reads between two looks at the context.
const ctxCheckEvery = 1024

// Internal values of jsonDecoder.err; decodeJSONValue turns them into the
// errors callers see.
var (
	errJSONSyntax = errors.New("invalid JSON")
	errStrictStop = errors.New("a value does not fit its type")
)

// jsonValue is implemented by every generated struct, union and tuple
// (pointer receiver).
type jsonValue interface {
	decodeJSON(d *jsonDecoder) bool
	encodeJSON(e *jsonEncoder)
}

// jsonDecoder reads one JSON text. Its readers consume one value each; after
// the first syntax error, context error or (strict) misfit, every reader
// returns false or zero at once and nothing more is recorded.
type jsonDecoder struct {
	data []byte
	pos  int   // offset of the next byte to read
	err  error // first error; nil, errJSONSyntax, errStrictStop or the context's error
	// key is the name of the member nextMember has just read, unescaped. It
	// may point into data or into keyBuf and is valid until the next call
	// of nextMember or skip.
	key    []byte
	keyBuf []byte // unescaped keys
	strBuf []byte // unescaped strings, before they are copied into a string

	depth      int // open arrays and objects
	containers int // arrays and objects seen, to poll the context
	ctx        context.Context
	done       <-chan struct{} // ctx.Done(), or nil: nothing to poll

	strict  bool
	misfits []misfit // the first maxMismatches misfits
	more    int      // misfits beyond those
	failAt  int      // offset of the syntax error, for the fallback message

	kinds []uint64 // skip's container kinds below its first 64 levels
}

// misfit is a value that did not fit its Go type: data[start:end].
type misfit struct {
	start, end int
	want       string
}

// decodeJSONValue decodes data, the whole body, into v. ctx may be nil. With
// strict set it stops at the first misfit and returns it as a
// *MismatchError. Otherwise it returns the misfits (at most 100) with their
// paths. err is a *json.SyntaxError (also for nesting deeper than 10000 and
// for data after the value), the context's error, or a *MismatchError. A
// top-level misfit, a body of the wrong JSON kind for a struct, is always an
// error: there is nowhere to keep it.
func decodeJSONValue(ctx context.Context, data []byte, v jsonValue, strict bool) ([]Mismatch, error) {
	d := &jsonDecoder{data: data, strict: strict}
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d.ctx, d.done = ctx, ctx.Done()
	}
	start := d.at()
	fits := v.decodeJSON(d)
	end := d.pos
	if d.err == nil {
		if d.next(); d.pos < len(data) {
			d.fail() // data after the value
		}
	}
	switch d.err {
	case nil:
	case errJSONSyntax:
		return nil, d.syntaxError()
	case errStrictStop:
		// A syntax error anywhere in the body is reported rather than the
		// misfit, as a lenient decode would.
		if !validJSON(data) {
			return nil, d.syntaxError()
		}
	default:
		return nil, d.err // the context's
	}
	if !fits && d.err == nil {
		if len(d.misfits) < maxMismatches {
			d.misfits = append(d.misfits, misfit{start: start, end: end, want: typeName(v)})
		} else {
			d.more++
		}
		return nil, &MismatchError{Mismatches: d.mismatches(), More: d.more}
	}
	ms := d.mismatches()
	if d.err == errStrictStop {
		return nil, &MismatchError{Mismatches: ms, More: d.more}
	}
	return ms, nil
}

// unmarshalJSONValue decodes data into v like decodeJSONValue, leniently,
// without a context, keeping misfits silently; for UnmarshalJSON methods.
func unmarshalJSONValue(data []byte, v jsonValue) error {
	_, err := decodeJSONValue(nil, data, v, false)
	return err
}

// typeName names v's type for the message of a top-level misfit.
func typeName(v jsonValue) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// syntaxError describes the syntax error of d.data. It asks encoding/json,
// so that callers get the same *json.SyntaxError, message and offset as
// before; this costs one more pass, on the error path only.
func (d *jsonDecoder) syntaxError() error {
	var v struct{}
	err := json.Unmarshal(d.data, &v)
	if se, ok := err.(*json.SyntaxError); ok {
		return se
	}
	// Not reached while this decoder and encoding/json agree (the fuzz
	// test checks that they do).
	return errors.New("invalid JSON at offset " + strconv.Itoa(d.failAt))
}

// fail records a syntax error at the current position.
func (d *jsonDecoder) fail() {
	if d.err == nil {
		d.err, d.failAt = errJSONSyntax, d.pos
	}
	d.pos = len(d.data)
	d.key = nil
}

// stop ends decoding with err (a context's error or errStrictStop).
func (d *jsonDecoder) stop(err error) {
	if d.err == nil {
		d.err = err
	}
	d.pos = len(d.data)
	d.key = nil
}

// pollContext stops the decoder when its context is done. It does not block.
func (d *jsonDecoder) pollContext() {
	select {
	case <-d.done:
		d.stop(d.ctx.Err())
	default:
	}
}

// enter opens an array or object (its bracket consumed): it enforces the
// depth limit and polls the context now and then.
func (d *jsonDecoder) enter() bool {
	d.depth++
	if d.depth > maxJSONDepth {
		d.fail()
		return false
	}
	d.containers++
	if d.containers%ctxCheckEvery == 0 && d.done != nil {
		d.pollContext()
	}
	return d.err == nil
}

// next skips white space and returns the next byte without consuming it, or
// 0 at the end of the input (and after an error).
func (d *jsonDecoder) next() byte {
	data, i := d.data, d.pos
	for ; i < len(data); i++ {
		if c := data[i]; c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			d.pos = i
			return c
		}
	}
	d.pos = i
	return 0
}

// skipWS returns the offset of the first byte at or after i that is not
// JSON white space.
func skipWS(data []byte, i int) int {
	for ; i < len(data); i++ {
		if c := data[i]; c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return i
		}
	}
	return i
}

// peek returns the first byte of the next value without consuming it; 0 at
// the end of the input or after an error.
func (d *jsonDecoder) peek() byte { return d.next() }

// at returns the offset of the next value (after white space). It is a
// method, not a field, so that in an argument list it is evaluated in order
// with the reader calls around it.
func (d *jsonDecoder) at() int {
	d.next()
	return d.pos
}

// null consumes the next value and reports true when it is null; otherwise
// it consumes nothing.
func (d *jsonDecoder) null() bool {
	if d.next() == 'n' && hasLiteral(d.data, d.pos, "null") {
		d.pos += 4
		return true
	}
	return false
}

// isInteger reports whether the next value is a number literal without a
// fraction or exponent. It consumes nothing.
func (d *jsonDecoder) isInteger() bool {
	c := d.next()
	if c != '-' && !isDigit(c) {
		return false
	}
	data, i := d.data, d.pos+1
	if c == '-' {
		if i >= len(data) || !isDigit(data[i]) {
			return false
		}
		i++
	}
	for i < len(data) && isDigit(data[i]) {
		i++
	}
	return i >= len(data) || (data[i] != '.' && data[i] != 'e' && data[i] != 'E')
}

// objectStart consumes '{' and enters the object; for any other value it
// skips the value and returns false.
func (d *jsonDecoder) objectStart() bool {
	if d.next() != '{' {
		d.skip()
		return false
	}
	d.pos++
	return d.enter()
}

// arrayStart consumes '[' and enters the array; for any other value it skips
// the value and returns false.
func (d *jsonDecoder) arrayStart() bool {
	if d.next() != '[' {
		d.skip()
		return false
	}
	d.pos++
	return d.enter()
}

// nextMember reads the next member's name and colon and returns true, with
// the name in d.key; at the closing brace it consumes it and returns false.
// i is the number of members already read (a comma must precede the others).
func (d *jsonDecoder) nextMember(i int) bool {
	c := d.next()
	if c == '}' {
		d.pos++
		d.depth--
		return false
	}
	if i > 0 {
		if c != ',' {
			d.fail()
			return false
		}
		d.pos++
		c = d.next()
	}
	if c != '"' {
		d.fail()
		return false
	}
	if !d.readKey() {
		return false
	}
	if d.next() != ':' {
		d.fail()
		return false
	}
	d.pos++
	return true
}

// readKey reads the string at d.pos into d.key.
func (d *jsonDecoder) readKey() bool {
	start := d.pos
	end, flags := scanString(d.data, start)
	if end < 0 {
		d.fail()
		return false
	}
	d.pos = end
	body := d.data[start+1 : end-1]
	if flags == 0 || (flags == strNonASCII && utf8.Valid(body)) {
		d.key = body
	} else {
		d.keyBuf = appendUnquoted(d.keyBuf[:0], body)
		d.key = d.keyBuf
	}
	return true
}

// nextElement returns true when another element of the array follows (its
// comma consumed), and at the closing bracket consumes it and returns false.
// i is the number of elements already read.
func (d *jsonDecoder) nextElement(i int) bool {
	c := d.next()
	if c == ']' {
		d.pos++
		d.depth--
		return false
	}
	if i > 0 {
		if c != ',' {
			d.fail()
			return false
		}
		d.pos++
		if c = d.next(); c == ']' {
			d.fail()
			return false
		}
	}
	if c == 0 {
		d.fail()
		return false
	}
	return true
}

// skip validates and consumes one value. It does not recurse: nesting is
// tracked in a bit stack, one bit per level (set for an object).
func (d *jsonDecoder) skip() {
	if d.err != nil {
		return
	}
	data, i := d.data, d.pos
	var stack bitStack
	stack.more = d.kinds[:0]
	level := 0 // containers open inside the value
value:
	for {
		// A value starts at i.
		i = skipWS(data, i)
		if i >= len(data) {
			break
		}
		switch c := data[i]; c {
		case '{', '[':
			level++
			if d.depth+level > maxJSONDepth {
				break value
			}
			d.containers++
			if d.containers%ctxCheckEvery == 0 && d.done != nil {
				if d.pollContext(); d.err != nil {
					d.kinds = stack.more
					return
				}
			}
			stack.set(level, c == '{')
			i = skipWS(data, i+1)
			if i < len(data) && data[i] == c+2 { // '}' or ']'
				i++
				level--
			} else if c == '[' {
				continue value
			} else if i = skipKey(data, i); i < 0 {
				break value
			} else {
				continue value
			}
		case '"':
			if i, _ = scanString(data, i); i < 0 {
				break value
			}
		case 't':
			if !hasLiteral(data, i, "true") {
				break value
			}
			i += 4
		case 'f':
			if !hasLiteral(data, i, "false") {
				break value
			}
			i += 5
		case 'n':
			if !hasLiteral(data, i, "null") {
				break value
			}
			i += 4
		default:
			if i, _ = scanNumber(data, i); i < 0 {
				break value
			}
		}
		// A value ended at i: close what it ends, then go on with the
		// next element or member, or return.
		for {
			if level == 0 {
				d.pos = i
				d.kinds = stack.more
				return
			}
			if i = skipWS(data, i); i >= len(data) {
				break value
			}
			obj := stack.get(level)
			switch data[i] {
			case ',':
				i++
				if obj {
					if i = skipKey(data, skipWS(data, i)); i < 0 {
						break value
					}
				}
				continue value
			case '}':
				if !obj {
					break value
				}
			case ']':
				if obj {
					break value
				}
			default:
				break value
			}
			i++
			level--
		}
	}
	d.kinds = stack.more
	if i >= 0 {
		d.pos = i
	}
	d.fail()
}

// bitStack is one bit per nesting level, the first 64 without allocating.
type bitStack struct {
	low  uint64
	more []uint64
}

func (s *bitStack) set(level int, v bool) {
	var w *uint64
	if level < 64 {
		w = &s.low
	} else {
		k := level/64 - 1
		for len(s.more) <= k {
			s.more = append(s.more, 0)
		}
		w = &s.more[k]
	}
	if bit := uint64(1) << (level % 64); v {
		*w |= bit
	} else {
		*w &^= bit
	}
}

func (s *bitStack) get(level int) bool {
	w := s.low
	if level >= 64 {
		w = s.more[level/64-1]
	}
	return w&(1<<(level%64)) != 0
}

// skipKey validates a member name and its colon at data[i] and returns the
// offset after the colon, or -1.
func skipKey(data []byte, i int) int {
	if i >= len(data) || data[i] != '"' {
		return -1
	}
	if i, _ = scanString(data, i); i < 0 {
		return -1
	}
	if i = skipWS(data, i); i >= len(data) || data[i] != ':' {
		return -1
	}
	return i + 1
}

// validJSON reports whether data is one valid JSON text, as json.Valid.
func validJSON(data []byte) bool {
	d := jsonDecoder{data: data}
	d.skip()
	if d.err == nil && d.next() == 0 && d.pos == len(data) {
		return true
	}
	return false
}

// rawFrom returns a copy of the input from start to the current position:
// the raw text of the value that began at start.
func (d *jsonDecoder) rawFrom(start int) json.RawMessage {
	if d.err != nil || start > d.pos {
		return nil
	}
	return append(json.RawMessage(nil), d.data[start:d.pos]...)
}

// misfitAt records that the value from start to the current position did
// not fit want. In a strict decode it stops decoding.
func (d *jsonDecoder) misfitAt(start int, want string) {
	if d.err != nil {
		return
	}
	if len(d.misfits) < maxMismatches {
		d.misfits = append(d.misfits, misfit{start: start, end: d.pos, want: want})
	} else {
		d.more++
	}
	if d.strict {
		d.stop(errStrictStop)
	}
}

// keep keeps the value that began at start, which did not fit the declared
// field name, in m, and records the misfit.
func (d *jsonDecoder) keep(m *Members, name string, start int, want string) {
	if d.err != nil {
		return
	}
	m.keepDeclared(name, d.rawFrom(start))
	d.misfitAt(start, want)
}

// field finishes reading a declared member: when its value did not fit (ok
// is false) it keeps it (see keep). When it fitted, it forgets a misfit kept
// for an earlier occurrence of the same member.
func (d *jsonDecoder) field(m *Members, name string, start int, ok bool, want string) {
	if !ok {
		d.keep(m, name, start, want)
	} else if m.decl != nil {
		m.forgetDeclared(name)
	}
}

// unknown keeps the current member, which the type does not declare: its
// name (d.key) and its raw value, which it consumes.
func (d *jsonDecoder) unknown(m *Members) {
	if d.err != nil {
		return
	}
	name := string(d.key)
	start := d.at()
	d.skip()
	if d.err == nil {
		m.add(name, d.rawFrom(start))
	}
}

// Scalar readers. Each has the shape func(*T, *jsonDecoder) bool of a method
// expression such as (*Note).decodeJSON, so that the container readers take
// either. Each consumes exactly one value; on a misfit it skips the value,
// reports false and leaves *p as it was.

// decString reads a string.
func decString(p *string, d *jsonDecoder) bool {
	s, ok := d.str()
	if ok {
		*p = s
	}
	return ok
}

// decEnum reads a string of a string type; any value is accepted (servers
// add enum values before documents list them).
func decEnum[E ~string](p *E, d *jsonDecoder) bool {
	s, ok := d.str()
	if ok {
		*p = E(s)
	}
	return ok
}

// str reads a string value as encoding/json does: escapes decoded, invalid
// UTF-8 and lone surrogates replaced by U+FFFD. The result is a copy.
func (d *jsonDecoder) str() (string, bool) {
	if d.next() != '"' {
		d.skip()
		return "", false
	}
	start := d.pos
	end, flags := scanString(d.data, start)
	if end < 0 {
		d.fail()
		return "", false
	}
	d.pos = end
	body := d.data[start+1 : end-1]
	if flags == 0 || (flags == strNonASCII && utf8.Valid(body)) {
		return string(body), true
	}
	d.strBuf = appendUnquoted(d.strBuf[:0], body)
	return string(d.strBuf), true
}

// decBool reads true or false.
func decBool(p *bool, d *jsonDecoder) bool {
	switch d.next() {
	case 't':
		if hasLiteral(d.data, d.pos, "true") {
			d.pos += 4
			*p = true
			return true
		}
	case 'f':
		if hasLiteral(d.data, d.pos, "false") {
			d.pos += 5
			*p = false
			return true
		}
	}
	d.skip()
	return false
}

// number reads a number literal: its text and whether it has neither
// fraction nor exponent. For another kind of value it skips it and reports
// false.
func (d *jsonDecoder) number() (lit []byte, integer, ok bool) {
	c := d.next()
	if c != '-' && !isDigit(c) {
		d.skip()
		return nil, false, false
	}
	start := d.pos
	end, integer := scanNumber(d.data, start)
	if end < 0 {
		d.fail()
		return nil, false, false
	}
	d.pos = end
	return d.data[start:end], integer, true
}

// decInt64 reads a number with an integral value that fits int64: 1, -3, and
// also 1e3 and 2.0 (which encoding/json rejects). 1.5, 1e300 and other kinds
// do not fit.
func decInt64(p *int64, d *jsonDecoder) bool {
	lit, integer, ok := d.number()
	if !ok {
		return false
	}
	if integer && len(lit) <= 18 { // at most 18 digits: no overflow
		neg := lit[0] == '-'
		if neg {
			lit = lit[1:]
		}
		var n int64
		for _, c := range lit {
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		*p = n
		return true
	}
	n, ok := parseIntegral(lit)
	if ok {
		*p = n
	}
	return ok
}

// parseIntegral returns the value of the valid number literal lit when it is
// an integer within int64, whatever its notation (12, 1.2e1, 120e-1).
func parseIntegral(lit []byte) (int64, bool) {
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	n := 0
	for n < len(lit) && isDigit(lit[n]) {
		n++
	}
	intPart, rest := lit[:n], lit[n:]
	var frac []byte
	if len(rest) > 0 && rest[0] == '.' {
		n = 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		frac, rest = rest[1:n], rest[n:]
	}
	var exp int64
	if len(rest) > 0 { // e or E
		rest = rest[1:]
		expNeg := rest[0] == '-'
		if rest[0] == '-' || rest[0] == '+' {
			rest = rest[1:]
		}
		for _, c := range rest {
			if exp < 1<<40 { // beyond this the answer no longer changes
				exp = exp*10 + int64(c-'0')
			}
		}
		if expNeg {
			exp = -exp
		}
	}
	// The value is the digits of intPart and frac, as one integer, times
	// 10^(exp-len(frac)).
	total := len(intPart) + len(frac)
	digit := func(k int) byte {
		if k < len(intPart) {
			return intPart[k]
		}
		return frac[k-len(intPart)]
	}
	first := 0
	for first < total && digit(first) == '0' {
		first++
	}
	if first == total {
		return 0, true // zero, however written
	}
	last := total - 1
	for digit(last) == '0' {
		last--
	}
	e10 := exp - int64(len(frac)) + int64(total-1-last)
	if e10 < 0 || int64(last-first+1)+e10 > 19 {
		return 0, false // a fraction, or more than 19 digits
	}
	var u uint64 // below 10^19 < 2^64
	for k := first; k <= last; k++ {
		u = u*10 + uint64(digit(k)-'0')
	}
	for ; e10 > 0; e10-- {
		u *= 10
	}
	switch {
	case !neg && u <= math.MaxInt64:
		return int64(u), true
	case neg && u <= 1<<63:
		return int64(-u), true // two's complement: also right for -2^63
	}
	return 0, false
}

// decFloat64 reads any number that is within float64's range, as
// strconv.ParseFloat rounds it (as encoding/json does).
func decFloat64(p *float64, d *jsonDecoder) bool {
	lit, integer, ok := d.number()
	if !ok {
		return false
	}
	f, ok := parseFloat(lit, integer)
	if ok {
		*p = f
	}
	return ok
}

// parseFloat converts a valid number literal.
func parseFloat(lit []byte, integer bool) (float64, bool) {
	neg := lit[0] == '-'
	if integer && len(lit) <= 15+b2i(neg) { // at most 15 digits: below 2^53, exact
		if neg {
			lit = lit[1:]
		}
		var n int64
		for _, c := range lit {
			n = n*10 + int64(c-'0')
		}
		f := float64(n)
		if neg {
			f = -f // -0 stays negative zero, as ParseFloat makes it
		}
		return f, true
	}
	f, err := strconv.ParseFloat(string(lit), 64) // does not allocate for short literals
	return f, err == nil
}

// decTime reads an RFC 3339 date-time string, exactly as time.Time's
// UnmarshalJSON (and so encoding/json) accepts it, with a fast path for the
// form Misskey sends, "2006-01-02T15:04:05.000Z".
func decTime(p *time.Time, d *jsonDecoder) bool {
	if d.next() != '"' {
		d.skip()
		return false
	}
	start := d.pos
	end, _ := scanString(d.data, start)
	if end < 0 {
		d.fail()
		return false
	}
	d.pos = end
	lit := d.data[start:end]
	if t, ok := parseMisskeyTime(lit); ok {
		*p = t
		return true
	}
	var t time.Time
	if t.UnmarshalJSON(lit) != nil {
		return false
	}
	*p = t
	return true
}

// parseMisskeyTime parses the quoted form "2006-01-02T15:04:05.000Z" when its
// fields are plainly in range (day at most 28); anything else is left to the
// time package.
func parseMisskeyTime(lit []byte) (time.Time, bool) {
	if len(lit) != 26 || lit[0] != '"' || lit[5] != '-' || lit[8] != '-' || lit[11] != 'T' ||
		lit[14] != ':' || lit[17] != ':' || lit[20] != '.' || lit[24] != 'Z' || lit[25] != '"' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range lit[i : i+n] {
			if !isDigit(c) {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(1, 4), num(6, 2), num(9, 2)
	hour, minute, sec, ms := num(12, 2), num(15, 2), num(18, 2), num(21, 3)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > 28 ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 || ms < 0 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, ms*1e6, time.UTC), true
}

// decRaw reads any value as a copy of its text; null gives "null". It always
// fits.
func decRaw(p *json.RawMessage, d *jsonDecoder) bool {
	start := d.at()
	d.skip()
	if d.err != nil {
		return false
	}
	*p = d.rawFrom(start)
	return true
}

// decAny reads any value as encoding/json does into an interface{}:
// map[string]any, []any, string, float64, bool or nil. A number beyond
// float64's range does not fit (encoding/json fails on it too); the rest of
// the value is still read.
func decAny(p *any, d *jsonDecoder) bool {
	v, ok := d.anyValue()
	if ok {
		*p = v
	}
	return ok
}

// anyValue reads the next value for decAny. It returns the value rather than
// storing it through a pointer, so that the elements of arrays and objects
// need no variable on the heap.
func (d *jsonDecoder) anyValue() (any, bool) {
	switch d.next() {
	case '{':
		if !d.objectStart() {
			return nil, false
		}
		m := make(map[string]any)
		ok := true
		for n := 0; d.nextMember(n); n++ {
			k := string(d.key)
			v, vok := d.anyValue()
			ok = ok && vok
			m[k] = v
		}
		return m, ok && d.err == nil
	case '[':
		if !d.arrayStart() {
			return nil, false
		}
		s := []any{}
		ok := true
		for n := 0; d.nextElement(n); n++ {
			v, vok := d.anyValue()
			ok = ok && vok
			s = append(s, v)
		}
		return s, ok && d.err == nil
	case '"':
		return d.str()
	case 't', 'f':
		var b bool
		ok := decBool(&b, d)
		return b, ok
	case 'n':
		if d.null() {
			return nil, true
		}
		d.skip()
		return nil, false
	default:
		lit, integer, ok := d.number()
		if !ok {
			return nil, false
		}
		return parseFloat(lit, integer)
	}
}

// Container readers. elem reads one element in place.

// decSlice reads an array into a new, non-nil slice. When an element does
// not fit, it reads on to the end of the array and reports false, leaving
// *p as it was, as it does for a value that is not an array (null
// included).
func decSlice[T any](p *[]T, d *jsonDecoder, elem func(*T, *jsonDecoder) bool) bool {
	if !d.arrayStart() {
		return false
	}
	s := []T{}
	ok := true
	var zero T
	for n := 0; d.nextElement(n); n++ {
		s = append(s, zero)
		if !elem(&s[n], d) {
			ok = false
		}
	}
	if ok && d.err == nil {
		*p = s
		return true
	}
	return false
}

// decMap reads an object into a new, non-nil map, as decSlice reads an
// array. A repeated key keeps its last value.
func decMap[T any](p *map[string]T, d *jsonDecoder, elem func(*T, *jsonDecoder) bool) bool {
	if !d.objectStart() {
		return false
	}
	m := make(map[string]T)
	ok := true
	var v, zero T
	for n := 0; d.nextMember(n); n++ {
		k := string(d.key)
		v = zero
		if elem(&v, d) {
			m[k] = v
		} else {
			ok = false
		}
	}
	if ok && d.err == nil {
		*p = m
		return true
	}
	return false
}

// decPtr reads a value into a new T and points *p at it. It does not treat
// null specially (the generated code checks d.null() first where null is
// allowed). When the value does not fit, *p is left as it was.
func decPtr[T any](p **T, d *jsonDecoder, elem func(*T, *jsonDecoder) bool) bool {
	v := new(T)
	if !elem(v, d) {
		return false
	}
	*p = v
	return true
}

// decOptional reads null as Null[T]() and any other value as Value(v).
func decOptional[T any](p *Optional[T], d *jsonDecoder, elem func(*T, *jsonDecoder) bool) bool {
	if d.null() {
		*p = Optional[T]{state: optionalNull}
		return true
	}
	var v T
	if !elem(&v, d) {
		return false
	}
	*p = Optional[T]{value: v, state: optionalValue}
	return true
}

// variantShape describes one alternative of a flattened object union, as
// bit sets over the union's field indices.
type variantShape struct{ known, required []uint64 }

// pickVariant chooses the alternative of a flattened object union once the
// object is read. seen has bit i set for each declared field index i that
// was present; members is how many members the object had (unknown ones
// included). It prefers the alternative with the fewest missing required
// fields, then the most declared fields present, then the fewest members it
// does not declare, then the earliest. It returns -1 when alts is empty.
func pickVariant(seen []uint64, members int, alts []variantShape) int {
	best := -1
	var bestMissing, bestMatched int
	for i, a := range alts {
		missing, matched := 0, 0
		for w, r := range a.required {
			var s uint64
			if w < len(seen) {
				s = seen[w]
			}
			missing += bits.OnesCount64(r &^ s)
		}
		for w, k := range a.known {
			if w < len(seen) {
				matched += bits.OnesCount64(k & seen[w])
			}
		}
		// Fewer undeclared members is the same as more matched ones for a
		// fixed member count, so the third rule is implied by the second.
		if best < 0 || missing < bestMissing || (missing == bestMissing && matched > bestMatched) {
			best, bestMissing, bestMatched = i, missing, matched
		}
	}
	return best
}

// Scanning helpers. Each takes the input and an offset, never panics, and
// returns -1 for input that is not valid JSON.

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hasLiteral reports whether data[i:] starts with lit.
func hasLiteral(data []byte, i int, lit string) bool {
	return len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit
}

// scanNumber validates the number literal at data[i] and returns the offset
// after it and whether it has neither fraction nor exponent; -1 if invalid.
func scanNumber(data []byte, i int) (int, bool) {
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return -1, false
	case data[i] == '0':
		i++
	case '1' <= data[i] && data[i] <= '9':
		i++
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	default:
		return -1, false
	}
	integer := true
	if i < len(data) && data[i] == '.' {
		integer = false
		i++
		if i >= len(data) || !isDigit(data[i]) {
			return -1, false
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integer = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || !isDigit(data[i]) {
			return -1, false
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	return i, integer
}

// Flags scanString reports about a string's contents.
const (
	strEscaped  = 1 << iota // has a backslash escape
	strNonASCII             // has a byte >= 0x80
)

// Bit patterns for looking at eight bytes at a time.
const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
)

// scanString validates the string whose opening quote is at data[i] and
// returns the offset after its closing quote, and the str* flags; -1 when it
// is not a valid JSON string (unterminated, a control character, a bad
// escape). It looks at eight bytes at a time while none of them is a quote,
// a backslash or a control character.
func scanString(data []byte, i int) (int, uint8) {
	var high uint64 // OR of every byte seen: its high bits tell non-ASCII
	var flags uint8
	i++
	for {
		for ; i+8 <= len(data); i += 8 {
			x := binary.LittleEndian.Uint64(data[i:])
			q := x ^ ('"' * swarOnes)
			b := x ^ ('\\' * swarOnes)
			// A zero byte in q or b, or a byte below 0x20 in x, sets its
			// high bit in special (bytes >= 0x80 never do).
			special := ((q - swarOnes) &^ q) | ((b - swarOnes) &^ b) | ((x - 0x20*swarOnes) &^ x)
			if special&swarHighs != 0 {
				break
			}
			high |= x
		}
		if i >= len(data) {
			return -1, flags
		}
		c := data[i]
		switch {
		case c == '"':
			if high&swarHighs != 0 {
				flags |= strNonASCII
			}
			return i + 1, flags
		case c == '\\':
			flags |= strEscaped
			if i+1 >= len(data) {
				return -1, flags
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || hex4(data[i+2:i+6]) < 0 {
					return -1, flags
				}
				i += 6
			default:
				return -1, flags
			}
		case c < 0x20:
			return -1, flags
		default:
			high |= uint64(c)
			i++
		}
	}
}

// hex4 returns the value of four hex digits, or -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// appendUnquoted appends the contents of a valid JSON string (without its
// quotes) decoded as encoding/json decodes it: escapes resolved, a surrogate
// pair combined, a lone surrogate and each byte of invalid UTF-8 replaced by
// U+FFFD.
func appendUnquoted(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			if c < utf8.RuneSelf {
				j := i + 1
				for j < len(s) && s[j] < utf8.RuneSelf && s[j] != '\\' {
					j++
				}
				dst = append(dst, s[i:j]...)
				i = j
				continue
			}
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		e := s[i+1]
		i += 2
		switch e {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(s[i:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2 = hex4(s[i+2:])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					i += 6
					r = dec
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, e)
		}
	}
	return dst
}

// mismatches returns the recorded misfits in the order of the body, with
// their JSON Pointer paths, worked out in one pass over the body.
func (d *jsonDecoder) mismatches() []Mismatch {
	if len(d.misfits) == 0 {
		return nil
	}
	slices.SortStableFunc(d.misfits, func(a, b misfit) int { return a.start - b.start })
	offs := make([]int, len(d.misfits))
	for i, m := range d.misfits {
		offs[i] = m.start
	}
	paths := jsonPointers(d.data, offs)
	out := make([]Mismatch, len(d.misfits))
	for i, m := range d.misfits {
		out[i] = Mismatch{Path: paths[i], Want: m.want}
		if 0 <= m.start && m.start <= m.end && m.end <= len(d.data) {
			out[i].Value = append(json.RawMessage(nil), d.data[m.start:m.end]...)
		}
	}
	return out
}

// ptrFrame is one level of the path jsonPointers follows: an object member
// (its name is data[key:keyEnd], still quoted-escaped) or an array element.
type ptrFrame struct {
	obj         bool
	key, keyEnd int
	index       int
}

// jsonPointers returns the JSON Pointer of the value that starts at each of
// offs (ascending) in data, a valid JSON text, walking it once and only as
// far as the last offset. An offset where no value starts gets "".
func jsonPointers(data []byte, offs []int) []string {
	paths := make([]string, len(offs))
	var stack []ptrFrame
	k := 0
	i := 0
walk:
	for k < len(offs) {
		// A value starts at i.
		i = skipWS(data, i)
		for k < len(offs) && offs[k] <= i {
			if offs[k] == i {
				paths[k] = pointerString(data, stack)
			}
			k++
		}
		if k == len(offs) || i >= len(data) {
			break
		}
		switch c := data[i]; c {
		case '{', '[':
			stack = append(stack, ptrFrame{obj: c == '{'})
			i = skipWS(data, i+1)
			if i < len(data) && data[i] == c+2 {
				i++
				stack = stack[:len(stack)-1]
			} else if c == '{' {
				if i = ptrKey(data, i, &stack[len(stack)-1]); i < 0 {
					break walk
				}
				continue walk
			} else {
				continue walk
			}
		case '"':
			i, _ = scanString(data, i)
		case 't', 'n':
			i += 4
		case 'f':
			i += 5
		default:
			i, _ = scanNumber(data, i)
		}
		if i < 0 {
			break
		}
		// A value ended at i.
		for len(stack) > 0 {
			if i = skipWS(data, i); i >= len(data) {
				break walk
			}
			top := &stack[len(stack)-1]
			if data[i] == ',' {
				if top.obj {
					if i = ptrKey(data, skipWS(data, i+1), top); i < 0 {
						break walk
					}
				} else {
					top.index++
					i++
				}
				continue walk
			}
			i++ // '}' or ']'
			stack = stack[:len(stack)-1]
		}
		break // the top-level value ended
	}
	return paths
}

// ptrKey reads the member name at data[i] into f and returns the offset
// after its colon, or -1.
func ptrKey(data []byte, i int, f *ptrFrame) int {
	if i >= len(data) || data[i] != '"' {
		return -1
	}
	end, _ := scanString(data, i)
	if end < 0 {
		return -1
	}
	f.key, f.keyEnd = i+1, end-1
	return skipKey(data, i)
}

// pointerString renders the path in stack as a JSON Pointer: member names
// unescaped, then "~" written "~0" and "/" written "~1".
func pointerString(data []byte, stack []ptrFrame) string {
	var b []byte
	var name []byte
	for _, f := range stack {
		b = append(b, '/')
		if !f.obj {
			b = strconv.AppendInt(b, int64(f.index), 10)
			continue
		}
		name = appendUnquoted(name[:0], data[f.key:f.keyEnd])
		for _, c := range name {
			switch c {
			case '~':
				b = append(b, '~', '0')
			case '/':
				b = append(b, '~', '1')
			default:
				b = append(b, c)
			}
		}
	}
	return string(b)
}
