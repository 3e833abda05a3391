package templates

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

type visibility string

type upperString string

func (u upperString) MarshalText() ([]byte, error) { return []byte(strings.ToUpper(string(u))), nil }

type customJSON int

func (c customJSON) MarshalJSON() ([]byte, error) { return []byte(`"custom"`), nil }

type pollReq struct {
	Choices  []string `json:"choices"`
	Multiple bool     `json:"multiple,omitempty"`
}

// optReq looks like a generated request struct.
type optReq struct {
	Text       Optional[string]      `json:"text,omitzero"`
	CW         Optional[string]      `json:"cw,omitzero"`
	Count      Optional[int64]       `json:"count,omitzero"`
	Int        Optional[int]         `json:"int,omitzero"`
	Flag       Optional[bool]        `json:"flag,omitzero"`
	Visibility Optional[visibility]  `json:"visibility,omitzero"`
	Rate       Optional[float64]     `json:"rate,omitzero"`
	At         Optional[time.Time]   `json:"at,omitzero"`
	IDs        Optional[[]string]    `json:"ids,omitzero"`
	Poll       Optional[pollReq]     `json:"poll,omitzero"`
	Upper      Optional[upperString] `json:"upper,omitzero"`
	Custom     Optional[customJSON]  `json:"custom,omitzero"`
	Small      Optional[uint8]       `json:"small,omitzero"`
}

func TestOptionalMarshal(t *testing.T) {
	at := time.Date(2026, 11, 24, 1, 2, 3, 0, time.UTC)
	tests := []struct {
		name string
		req  optReq
		want string
	}{
		{"all unset", optReq{}, `{}`},
		{"nulls", optReq{Text: Null[string](), Count: Null[int64](), Poll: Null[pollReq](), IDs: Null[[]string]()}, `{"text":null,"count":null,"ids":null,"poll":null}`},
		{"values", optReq{
			Text: Value("hello <b>&</b> \"q\" \\ \n\t\u2028 ✓"), CW: Value(""), Count: Value(int64(-42)), Int: Value(7),
			Flag: Value(false), Visibility: Value(visibility("home")), Rate: Value(1.5), At: Value(at),
			IDs: Value([]string{"a"}), Poll: Value(pollReq{Choices: []string{"x", "y"}}), Upper: Value(upperString("abc")),
			Custom: Value(customJSON(1)), Small: Value(uint8(255)),
		}, `{"text":"hello \u003cb\u003e\u0026\u003c/b\u003e \"q\" \\ \n\t\u2028 ✓","cw":"","count":-42,"int":7,"flag":false,"visibility":"home","rate":1.5,"at":"2026-11-24T01:02:03Z","ids":["a"],"poll":{"choices":["x","y"]},"upper":"ABC","custom":"custom","small":255}`},
		{"empty slice value is sent", optReq{IDs: Value([]string{})}, `{"ids":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range []any{&tt.req, tt.req} { // addressable and not
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				if string(b) != tt.want {
					t.Errorf("%T:\ngot  %s\nwant %s", v, b, tt.want)
				}
			}
		})
	}
	// Without omitzero an unset Optional is null.
	b, _ := json.Marshal(struct {
		A Optional[string] `json:"a"`
	}{})
	if string(b) != `{"a":null}` {
		t.Errorf("without omitzero: %s", b)
	}
}

func TestOptionalRoundTrip(t *testing.T) {
	for _, in := range []optReq{
		{},
		{Text: Null[string](), Flag: Null[bool](), At: Null[time.Time]()},
		{Text: Value("x"), CW: Value(""), Count: Value(int64(0)), Flag: Value(true), Visibility: Value(visibility("followers")),
			IDs: Value([]string{"1", "2"}), Poll: Value(pollReq{Choices: []string{"a"}, Multiple: true}),
			At: Value(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))},
	} {
		b, err := json.Marshal(&in)
		if err != nil {
			t.Fatal(err)
		}
		var out optReq
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Errorf("round trip of %s:\n in %+v\nout %+v", b, in, out)
		}
	}
}

func TestOptionalUnmarshalStates(t *testing.T) {
	type resp struct {
		A Optional[string]   `json:"a"`
		B Optional[int64]    `json:"b"`
		P Optional[pollReq]  `json:"p"`
		L Optional[[]string] `json:"l"`
		Z string             `json:"z"`
	}
	tests := []struct {
		json string
		want resp
	}{
		{`{}`, resp{}},
		{`{"a":null,"b":null,"p":null}`, resp{A: Null[string](), B: Null[int64](), P: Null[pollReq]()}},
		{`{"a":"v","b":3,"p":{"choices":["c"]}}`, resp{A: Value("v"), B: Value(int64(3)), P: Value(pollReq{Choices: []string{"c"}})}},
		{`{"a":""}`, resp{A: Value("")}},
		// Wrong types: the field is unset and decoding goes on.
		{`{"a":1,"b":"x","z":"after"}`, resp{Z: "after"}},
		// A wrong type inside a composite value keeps the rest of it.
		{`{"p":{"choices":["c"],"multiple":"yes"},"z":"after"}`, resp{P: Value(pollReq{Choices: []string{"c"}}), Z: "after"}},
		{`{"l":["a",2,"c"],"z":"after"}`, resp{L: Value([]string{"a", "", "c"}), Z: "after"}},
		{`{"p":"not an object","l":{},"z":"after"}`, resp{Z: "after"}},
	}
	for _, tt := range tests {
		var got resp
		err := json.Unmarshal([]byte(tt.json), &got)
		if err != nil {
			if _, ok := err.(*json.UnmarshalTypeError); !ok {
				t.Errorf("%s: %v", tt.json, err)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", tt.json, got, tt.want)
		}
	}
	var o Optional[string]
	if err := o.UnmarshalJSON([]byte(`"unterminated`)); err == nil {
		t.Error("syntax error not reported")
	}
	if err := o.UnmarshalJSON([]byte(" null")); err != nil || !o.IsNull() {
		t.Errorf("null with space: %v %v", o, err)
	}
}

func TestOptionalMethods(t *testing.T) {
	unset, null, val := Optional[int]{}, Null[int](), Value(5)
	tests := []struct {
		o                     Optional[int]
		set, isNull, zero, ok bool
		get, or               int
		str                   string
	}{
		{unset, false, false, true, false, 0, 9, "<unset>"},
		{null, true, true, false, false, 0, 9, "null"},
		{val, true, false, false, true, 5, 5, "5"},
	}
	for _, tt := range tests {
		v, ok := tt.o.Get()
		if tt.o.IsSet() != tt.set || tt.o.IsNull() != tt.isNull || tt.o.IsZero() != tt.zero || ok != tt.ok || v != tt.get || tt.o.Or(9) != tt.or || tt.o.String() != tt.str {
			t.Errorf("%#v: IsSet %v IsNull %v IsZero %v Get %v,%v Or %v String %q", tt.o, tt.o.IsSet(), tt.o.IsNull(), tt.o.IsZero(), v, ok, tt.o.Or(9), tt.o.String())
		}
	}
	p := Ptr("x")
	if *p != "x" {
		t.Error("Ptr")
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range jsonStringSeeds {
		checkJSONString(t, s)
	}
}

var jsonStringSeeds = []string{"", "plain", "quote\" back\\slash", "<>&", "\x00\x01\x1f\x7f", "\b\f\n\r\t", "\u2028\u2029", "日本語 ✓ 🐱", "bad \xff utf8 \xc3", "\xed\xa0\x80"}

func checkJSONString(t *testing.T, s string) {
	want, _ := json.Marshal(s)
	if got := appendJSONString(nil, s); string(got) != string(want) {
		t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStringSeeds {
		f.Add(s)
	}
	f.Fuzz(checkJSONString)
}

func TestFromPtr(t *testing.T) {
	s := "x"
	if o := FromPtr(&s); !o.IsSet() || o.IsNull() || o.Or("") != "x" {
		t.Errorf("FromPtr(&x) = %v", o)
	}
	if o := FromPtr[string](nil); o.IsSet() {
		t.Errorf("FromPtr(nil) = %v, want unset", o)
	}
}
