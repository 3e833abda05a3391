package templates

// An encoder for request bodies and for re-encoding decoded values, driven
// by generated code, the counterpart of json_decode.go. It writes what
// encoding/json would write for the same values (HTML-safe strings, ES6
// number formatting, sorted map keys), except that times are written in UTC,
// and it writes back, unchanged, what a decode kept in Members.

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// errEncodeDepth is the error for a value nested deeper than a decoder
// accepts, which in practice means a cycle of pointers.
var errEncodeDepth = errors.New("json: value nested deeper than 10000 levels (a cycle?)")

// jsonEncoder appends JSON to buf. The first error is kept in err; once it
// is set the container encoders stop descending, so that a cycle ends.
type jsonEncoder struct {
	buf   []byte
	err   error
	depth int // open arrays and objects
}

// jsonEncoderPool holds encoders with their buffers, so that marshalJSONValue
// allocates only its result.
var jsonEncoderPool = sync.Pool{New: func() any { return new(jsonEncoder) }}

func getEncoder() *jsonEncoder {
	e := jsonEncoderPool.Get().(*jsonEncoder)
	e.buf, e.err, e.depth = e.buf[:0], nil, 0
	return e
}

func putEncoder(e *jsonEncoder) {
	if cap(e.buf) <= maxPooledBuffer {
		e.err = nil
		jsonEncoderPool.Put(e)
	}
}

// marshalJSONValue returns the JSON of v, for MarshalJSON methods.
func marshalJSONValue(v jsonValue) ([]byte, error) {
	e := getEncoder()
	defer putEncoder(e)
	v.encodeJSON(e)
	if e.err != nil {
		return nil, e.err
	}
	return append([]byte(nil), e.buf...), nil
}

// appendJSONValue appends the JSON of v to dst. On error it returns dst as
// it was.
func appendJSONValue(dst []byte, v jsonValue) ([]byte, error) {
	e := getEncoder()
	own := e.buf
	e.buf = dst
	v.encodeJSON(e)
	out, err := e.buf, e.err
	e.buf = own
	putEncoder(e)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// objectStart writes '{'.
func (e *jsonEncoder) objectStart() {
	e.buf = append(e.buf, '{')
	e.enter()
}

// objectEnd writes '}'.
func (e *jsonEncoder) objectEnd() {
	e.buf = append(e.buf, '}')
	e.depth--
}

// arrayStart writes '['.
func (e *jsonEncoder) arrayStart() {
	e.buf = append(e.buf, '[')
	e.enter()
}

// arrayEnd writes ']'.
func (e *jsonEncoder) arrayEnd() {
	e.buf = append(e.buf, ']')
	e.depth--
}

func (e *jsonEncoder) enter() {
	if e.depth++; e.depth > maxJSONDepth && e.err == nil {
		e.err = errEncodeDepth
	}
}

// field writes the name of a declared member (after a comma unless it is the
// first member of the object) and returns true, unless m holds an entry of
// that name: then m.encode writes that entry instead, and field writes
// nothing and returns false so that the field's value is not written.
func (e *jsonEncoder) field(m *Members, name string) bool {
	if len(m.list) > 0 && m.has(name) {
		return false
	}
	e.name(name)
	return true
}

// name writes a member name and its colon, after a comma unless the member
// is the first of its object.
func (e *jsonEncoder) name(name string) {
	if n := len(e.buf); n > 0 && e.buf[n-1] != '{' {
		e.buf = append(e.buf, ',')
	}
	e.buf = appendJSONString(e.buf, name)
	e.buf = append(e.buf, ':')
}

// null writes null.
func (e *jsonEncoder) null() { e.buf = append(e.buf, "null"...) }

// rawBytes writes s as it is, such as "[]" or "{}".
func (e *jsonEncoder) rawBytes(s string) { e.buf = append(e.buf, s...) }

// Scalar encoders, with the shape func(*T, *jsonEncoder) that the container
// encoders take (as do method expressions such as (*Note).encodeJSON).

// encString writes a string as encoding/json does: <, > and & escaped,
// U+2028 and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func encString(p *string, e *jsonEncoder) { e.buf = appendJSONString(e.buf, *p) }

// encEnum writes a value of a string type.
func encEnum[E ~string](p *E, e *jsonEncoder) { e.buf = appendJSONString(e.buf, string(*p)) }

// encInt64 writes an integer.
func encInt64(p *int64, e *jsonEncoder) { e.buf = strconv.AppendInt(e.buf, *p, 10) }

// encBool writes true or false.
func encBool(p *bool, e *jsonEncoder) { e.buf = strconv.AppendBool(e.buf, *p) }

// encFloat64 writes a number with the text encoding/json writes (the
// shortest that reads back the same, in ES6 style). NaN and infinities are
// not JSON: they set the error.
func encFloat64(p *float64, e *jsonEncoder) {
	f := *p
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if e.err == nil {
			e.err = &json.UnsupportedValueError{Value: reflect.ValueOf(f), Str: strconv.FormatFloat(f, 'g', -1, 64)}
		}
		e.null()
		return
	}
	e.buf = appendFloat64(e.buf, f)
}

// appendFloat64 formats f as encoding/json does.
func appendFloat64(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// encTime writes a time in UTC: "2006-01-02T15:04:05.000Z" when it has
// millisecond precision (what Misskey always sends, JavaScript's
// toISOString), otherwise RFC 3339 with as many fractional digits as it
// needs. A time whose year is outside 0-9999 in UTC is written in its own
// zone if it is in range there; otherwise it sets the error, as in
// encoding/json.
func encTime(p *time.Time, e *jsonEncoder) {
	t := p.UTC()
	if year := t.Year(); year < 0 || year > 9999 {
		if year := p.Year(); year >= 0 && year <= 9999 {
			// In range only in its own zone (year 0 east of UTC, 9999 west
			// of it): write it there rather than fail.
			e.buf = append(e.buf, '"')
			e.buf = p.AppendFormat(e.buf, time.RFC3339Nano)
			e.buf = append(e.buf, '"')
			return
		}
		if e.err == nil {
			e.err = &json.MarshalerError{Type: reflect.TypeFor[time.Time](), Err: errors.New("Time.MarshalJSON: year outside of range [0,9999]")}
		}
		e.null()
		return
	}
	ns := t.Nanosecond()
	if ns%1e6 != 0 {
		e.buf = append(e.buf, '"')
		e.buf = t.AppendFormat(e.buf, time.RFC3339Nano)
		e.buf = append(e.buf, '"')
		return
	}
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	b := append(e.buf, `"0000-00-00T00:00:00.000Z"`...)
	d := b[len(b)-25:]
	put := func(i, n, v int) {
		for k := i + n - 1; k >= i; k-- {
			d[k] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, 4, year)
	put(5, 2, int(month))
	put(8, 2, day)
	put(11, 2, hour)
	put(14, 2, minute)
	put(17, 2, sec)
	put(20, 3, ns/1e6)
	e.buf = b
}

// encRaw writes a raw value compacted (and HTML-safe, as encoding/json
// writes a json.RawMessage); nil or empty writes null. Invalid JSON sets the
// error.
func encRaw(p *json.RawMessage, e *jsonEncoder) {
	if len(*p) == 0 {
		e.null()
		return
	}
	if !validJSON(*p) {
		if e.err == nil {
			e.err = &json.MarshalerError{Type: reflect.TypeFor[json.RawMessage](), Err: errors.New("invalid JSON in json.RawMessage")}
		}
		e.null()
		return
	}
	e.buf = appendCompactJSON(e.buf, *p, true)
}

// appendCompactJSON appends the valid JSON src without insignificant white
// space. With escape set it also escapes <, > and &, and U+2028 and U+2029,
// in strings, as encoding/json does for json.RawMessage and Marshaler output.
func appendCompactJSON(dst, src []byte, escape bool) []byte {
	start := 0
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			switch {
			case c == '\\':
				i++ // the escaped byte cannot end the string
			case c == '"':
				inString = false
			case !escape:
			case c == '<' || c == '>' || c == '&':
				dst = append(dst, src[start:i]...)
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
				start = i + 1
			case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
				dst = append(dst, src[start:i]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[src[i+2]&0xF])
				i += 2
				start = i + 1
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ' ', '\t', '\n', '\r':
			dst = append(dst, src[start:i]...)
			start = i + 1
		}
	}
	return append(dst, src[start:]...)
}

// encAny writes the values decAny makes (map[string]any, []any, string,
// float64, bool, nil) and json.Number, json.RawMessage, int and int64
// directly, and anything else with encoding/json.
func encAny(p *any, e *jsonEncoder) {
	if e.err != nil {
		return
	}
	switch v := (*p).(type) {
	case nil:
		e.null()
	case string:
		e.buf = appendJSONString(e.buf, v)
	case float64:
		encFloat64(&v, e)
	case bool:
		e.buf = strconv.AppendBool(e.buf, v)
	case map[string]any:
		encMap(&v, e, encAny)
	case []any:
		encSlice(&v, e, encAny)
	case int:
		e.buf = strconv.AppendInt(e.buf, int64(v), 10)
	case int64:
		e.buf = strconv.AppendInt(e.buf, v, 10)
	case json.Number:
		s := string(v)
		if s == "" {
			s = "0" // as encoding/json writes an empty Number
		}
		if end, _ := scanNumber([]byte(s), 0); end != len(s) {
			e.err = errors.New("json: invalid number literal " + strconv.Quote(s))
			return
		}
		e.buf = append(e.buf, s...)
	case json.RawMessage:
		if v == nil {
			e.null()
			return
		}
		encRaw(&v, e)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			e.err = err
			return
		}
		e.buf = append(e.buf, b...)
	}
}

// Container encoders; elem writes one element.

// encSlice writes a slice as an array; nil writes null.
func encSlice[T any](p *[]T, e *jsonEncoder, elem func(*T, *jsonEncoder)) {
	if e.err != nil {
		return
	}
	s := *p
	if s == nil {
		e.null()
		return
	}
	e.arrayStart()
	for i := range s {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		elem(&s[i], e)
	}
	e.arrayEnd()
}

// encMap writes a map as an object with its keys sorted, as encoding/json
// does; nil writes null.
func encMap[T any](p *map[string]T, e *jsonEncoder, elem func(*T, *jsonEncoder)) {
	if e.err != nil {
		return
	}
	m := *p
	if m == nil {
		e.null()
		return
	}
	e.objectStart()
	if len(m) > 0 {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var v T
		for i, k := range keys {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = appendJSONString(e.buf, k)
			e.buf = append(e.buf, ':')
			v = m[k]
			elem(&v, e)
		}
	}
	e.objectEnd()
}

// encPtr writes what *p points to; nil writes null.
func encPtr[T any](p **T, e *jsonEncoder, elem func(*T, *jsonEncoder)) {
	if e.err != nil {
		return
	}
	if *p == nil {
		e.null()
		return
	}
	elem(*p, e)
}

// encOptional writes the value of an Optional; unset or null writes null
// (omitting an unset member is the generated code's job).
func encOptional[T any](p *Optional[T], e *jsonEncoder, elem func(*T, *jsonEncoder)) {
	if e.err != nil {
		return
	}
	if p.state != optionalValue {
		e.null()
		return
	}
	elem(&p.value, e)
}

const hexDigits = "0123456789abcdef"

// jsonSafe[c] reports whether the byte c stands for itself in a JSON string
// as encoding/json writes it: ASCII, not a control character, not '"' or
// '\\', and not '<', '>' or '&' (escaped so that the JSON is safe in HTML).
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

// appendJSONString appends s as a JSON string the way encoding/json writes
// it: <, > and & escaped, invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029
// escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if jsonSafe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		// Not ASCII: valid UTF-8 stands for itself but for U+2028 and
		// U+2029 (E2 80 A8 and E2 80 A9), which JavaScript reads as line
		// ends.
		if c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
			i += 3
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			start = i + 1
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
