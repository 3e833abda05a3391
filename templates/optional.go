package templates

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
)

// Optional is a value that can be absent, null, or set. Request fields use it
// so that a call can leave a field out, send null (Misskey clears a field on
// null, as in i/update), or send a value:
//
//	req := &IUpdateRequest{
//		Name:        Value("Alice"),      // "name": "Alice"
//		Description: Null[string](),      // "description": null
//		// Location left out: not sent
//	}
//
// The zero Optional is unset. Fields of this type carry the omitzero option
// (`json:"name,omitzero"`), which leaves unset fields out of the JSON. An
// unset Optional encoded without omitzero is written as null.
//
// Decoding sets null for a JSON null and a value otherwise; a field missing
// from the JSON stays unset. A value of the wrong JSON type (a string where a
// number belongs) decodes as unset rather than failing the whole response;
// when only a part of a composite value has the wrong type, the rest is kept.
type Optional[T any] struct {
	value T
	state optionalState
}

type optionalState uint8

const (
	optionalUnset optionalState = iota
	optionalNull
	optionalValue
)

// Value returns an Optional set to v.
func Value[T any](v T) Optional[T] { return Optional[T]{value: v, state: optionalValue} }

// Null returns an Optional that is null.
func Null[T any]() Optional[T] { return Optional[T]{state: optionalNull} }

// Ptr returns a pointer to v, for the optional fields of requests that may
// not be null (Visibility: Ptr(NoteVisibilityHome)) and for building values
// in tests.
func Ptr[T any](v T) *T { return &v }

// FromPtr turns a response's pointer into a request's Optional: nil is
// unset (the field is not sent), anything else Value(*p). Use Null[T]() to
// send null.
func FromPtr[T any](p *T) Optional[T] {
	if p == nil {
		return Optional[T]{}
	}
	return Value(*p)
}

// Get returns the value and true when o is set to a value, and the zero
// value and false when it is unset or null.
func (o Optional[T]) Get() (T, bool) { return o.value, o.state == optionalValue }

// IsSet reports whether o is null or a value, that is, whether it is sent.
func (o Optional[T]) IsSet() bool { return o.state != optionalUnset }

// IsNull reports whether o is null.
func (o Optional[T]) IsNull() bool { return o.state == optionalNull }

// IsZero reports whether o is unset. encoding/json calls it for the
// omitzero option. (Its receiver is a pointer so that encoding/json can call
// it without copying the field to the heap.)
func (o *Optional[T]) IsZero() bool { return o.state == optionalUnset }

// Or returns the value of o, or def when o is unset or null.
func (o Optional[T]) Or(def T) T {
	if o.state == optionalValue {
		return o.value
	}
	return def
}

// String returns "<unset>", "null", or the value formatted with %v.
func (o Optional[T]) String() string {
	switch o.state {
	case optionalNull:
		return "null"
	case optionalValue:
		return fmt.Sprint(o.value)
	}
	return "<unset>"
}

// MarshalJSON writes null, or the value as encoding/json would.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if o.state != optionalValue {
		return []byte("null"), nil
	}
	if b, ok := scalarJSON(&o.value); ok {
		return b, nil
	}
	return json.Marshal(o.value)
}

// UnmarshalJSON sets o to null for a JSON null and to the value otherwise.
func (o *Optional[T]) UnmarshalJSON(data []byte) error {
	if isJSONNull(data) {
		*o = Optional[T]{state: optionalNull}
		return nil
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return err
		}
		if !compositeFits(data, reflect.TypeFor[T]()) {
			// The value itself has the wrong type: treat it as absent.
			// (Returning the error would stop encoding/json from
			// decoding the rest of the response.)
			*o = Optional[T]{}
			return nil
		}
		// A part of an object or array had the wrong type; keep the rest.
	}
	*o = Optional[T]{value: v, state: optionalValue}
	return nil
}

// compositeFits reports whether data is an object or array and t a type
// encoding/json decodes one into.
func compositeFits(data []byte, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for len(data) > 0 && (data[0] == ' ' || data[0] == '\t' || data[0] == '\n' || data[0] == '\r') {
		data = data[1:]
	}
	if len(data) == 0 {
		return false
	}
	switch data[0] {
	case '{':
		return t.Kind() == reflect.Struct || t.Kind() == reflect.Map || t.Kind() == reflect.Interface
	case '[':
		return t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Interface
	}
	return false
}

func isJSONNull(b []byte) bool {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return len(b) >= 4 && string(b[:4]) == "null"
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// scalarJSON returns the JSON of *p when it is a string, boolean or
// integer (named types included) without methods of its own that change its
// encoding. It reports false for every other value, which encoding/json then
// encodes. This saves an allocation per field on the request path.
func scalarJSON(p any) ([]byte, bool) {
	switch v := p.(type) {
	case *string:
		return appendJSONString(make([]byte, 0, len(*v)+2), *v), true
	case *bool:
		return strconv.AppendBool(nil, *v), true
	case *int64:
		return strconv.AppendInt(nil, *v, 10), true
	case *int:
		return strconv.AppendInt(nil, int64(*v), 10), true
	}
	rv := reflect.ValueOf(p).Elem()
	t := rv.Type()
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		return nil, false
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonMarshalerType) || pt.Implements(textMarshalerType) {
		return nil, false
	}
	switch t.Kind() {
	case reflect.String:
		s := rv.String()
		return appendJSONString(make([]byte, 0, len(s)+2), s), true
	case reflect.Bool:
		return strconv.AppendBool(nil, rv.Bool()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(nil, rv.Uint(), 10), true
	}
	return strconv.AppendInt(nil, rv.Int(), 10), true
}
