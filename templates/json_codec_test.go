package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Tests of the codec runtime (json_decode.go, json_encode.go,
// json_members.go), through the hand-written generated-shape types of
// json_types_test.go.

// outcome classifies the result of a top-level decode.
func outcome(err error) string {
	var se *json.SyntaxError
	var me *MismatchError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &se):
		return "syntax"
	case errors.As(err, &me):
		return "misfit"
	}
	return "other: " + err.Error()
}

// decodeOne decodes data with the reader r at top level.
func decodeOne[T any](data string, r func(*T, *jsonDecoder) bool) (T, string) {
	b := &scalarBox[T]{r: r}
	_, err := decodeJSONValue(nil, []byte(data), b, false)
	return b.v, outcome(err)
}

// pairBox reads a two-element array: the first element with r, the second
// with decString. It shows that r consumed exactly one value.
type pairBox[T any] struct {
	v      T
	ok     bool
	second string
	r      func(*T, *jsonDecoder) bool
}

func (x *pairBox[T]) decodeJSON(d *jsonDecoder) bool {
	if !d.arrayStart() {
		return false
	}
	for n := 0; d.nextElement(n); n++ {
		switch n {
		case 0:
			x.ok = x.r(&x.v, d)
		default:
			decString(&x.second, d)
		}
	}
	return true
}

func (x *pairBox[T]) encodeJSON(e *jsonEncoder) {}

// checkReader runs r on each input, alone and as the first element of an
// array, and compares the result with want: "ok" with the value, "misfit", or
// "syntax".
func checkReader[T any](t *testing.T, name string, r func(*T, *jsonDecoder) bool, cases []readerCase[T]) {
	t.Helper()
	for _, c := range cases {
		got, res := decodeOne(c.in, r)
		if res != c.want {
			t.Errorf("%s(%s): %s, want %s", name, c.in, res, c.want)
			continue
		}
		if res == "ok" && !reflect.DeepEqual(got, c.val) {
			t.Errorf("%s(%s) = %#v, want %#v", name, c.in, got, c.val)
		}
		if res == "syntax" {
			continue
		}
		p := &pairBox[T]{r: r}
		_, err := decodeJSONValue(nil, []byte("[ "+c.in+" , \"next\" ]"), p, false)
		if err != nil || p.second != "next" || p.ok != (res == "ok") {
			t.Errorf("%s(%s) inside an array: err %v, ok %v, next %q", name, c.in, err, p.ok, p.second)
		}
	}
}

type readerCase[T any] struct {
	in   string
	want string
	val  T
}

func TestDecString(t *testing.T) {
	checkReader(t, "decString", decString, []readerCase[string]{
		{`"abc"`, "ok", "abc"},
		{` "" `, "ok", ""},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "ok", "a\"b\\c/d\b\f\n\r\t"},
		{`"\u00e9\u3042"`, "ok", "é\u3042"},
		{`"\ud83d\udc1f"`, "ok", "🐟"},
		{`"\ud83d"`, "ok", "\ufffd"},
		{`"\udc1f\ud83d"`, "ok", "\ufffd\ufffd"},
		{`"\ud83d\ud83d\udc1f"`, "ok", "\ufffd🐟"},
		{`"\ud83dx"`, "ok", "\ufffdx"},
		{"\"\xff\xfeok\"", "ok", "\ufffd\ufffdok"},
		{`"日本語のテキスト、長めの文字列です"`, "ok", "日本語のテキスト、長めの文字列です"},
		{`"long ascii string that goes past eight bytes \n and more"`, "ok", "long ascii string that goes past eight bytes \n and more"},
		{`12`, "misfit", ""},
		{`null`, "misfit", ""},
		{`["a"]`, "misfit", ""},
		{`{"a":"b"}`, "misfit", ""},
		{`"abc`, "syntax", ""},
		{"\"a\tb\"", "syntax", ""},
		{"\"a\x00b\"", "syntax", ""},
		{`"\x"`, "syntax", ""},
		{`"\u12"`, "syntax", ""},
		{`"\u12G4"`, "syntax", ""},
		{`"abc" x`, "syntax", ""},
		{``, "syntax", ""},
		{`   `, "syntax", ""},
	})
}

func TestDecEnum(t *testing.T) {
	checkReader(t, "decEnum", decEnum[tNoteVisibility], []readerCase[tNoteVisibility]{
		{`"public"`, "ok", "public"},
		{`"brand-new"`, "ok", "brand-new"},
		{`1`, "misfit", ""},
		{`"pub`, "syntax", ""},
	})
}

func TestDecBool(t *testing.T) {
	checkReader(t, "decBool", decBool, []readerCase[bool]{
		{`true`, "ok", true},
		{`false`, "ok", false},
		{`"true"`, "misfit", false},
		{`0`, "misfit", false},
		{`null`, "misfit", false},
		{`tru`, "syntax", false},
		{`truex`, "syntax", false},
		{`True`, "syntax", false},
		{`fals`, "syntax", false},
	})
}

func TestDecInt64(t *testing.T) {
	checkReader(t, "decInt64", decInt64, []readerCase[int64]{
		{`0`, "ok", 0},
		{`-0`, "ok", 0},
		{`42`, "ok", 42},
		{`-17`, "ok", -17},
		{`1e3`, "ok", 1000},
		{`1E+3`, "ok", 1000},
		{`2.0`, "ok", 2},
		{`2.50e1`, "ok", 25},
		{`12000e-3`, "ok", 12},
		{`0.0e99999999999999999999`, "ok", 0},
		{`-0.000`, "ok", 0},
		{`999999999999999999`, "ok", 999999999999999999},
		{`9223372036854775807`, "ok", math.MaxInt64},
		{`-9223372036854775808`, "ok", math.MinInt64},
		{`-9.223372036854775808e18`, "ok", math.MinInt64},
		{`922337203685477580.7e1`, "ok", math.MaxInt64},
		{`9223372036854775808`, "misfit", 0},
		{`-9223372036854775809`, "misfit", 0},
		{`1e19`, "misfit", 0},
		{`100000000000000000000`, "misfit", 0},
		{`1.5`, "misfit", 0},
		{`1e-1`, "misfit", 0},
		{`1e300`, "misfit", 0},
		{`1e99999999999999999999999`, "misfit", 0},
		{`1e-99999999999999999999999`, "misfit", 0},
		{`"12"`, "misfit", 0},
		{`null`, "misfit", 0},
		{`true`, "misfit", 0},
		{`[1]`, "misfit", 0},
		{`01`, "syntax", 0},
		{`-`, "syntax", 0},
		{`1.`, "syntax", 0},
		{`.5`, "syntax", 0},
		{`1e`, "syntax", 0},
		{`1e+`, "syntax", 0},
		{`+1`, "syntax", 0},
		{`1x`, "syntax", 0},
		{`- 1`, "syntax", 0},
	})
}

func TestDecFloat64(t *testing.T) {
	checkReader(t, "decFloat64", decFloat64, []readerCase[float64]{
		{`0`, "ok", 0},
		{`3.14159`, "ok", 3.14159},
		{`-2.5e-3`, "ok", -2.5e-3},
		{`123456789012345`, "ok", 123456789012345},
		{`12345678901234567890`, "ok", 12345678901234567890},
		{`9007199254740993`, "ok", 9007199254740992}, // rounded as ParseFloat does
		{`1e308`, "ok", 1e308},
		{`1e-400`, "ok", 0},
		{`1e400`, "misfit", 0},
		{`-1e400`, "misfit", 0},
		{`"1"`, "misfit", 0},
		{`null`, "misfit", 0},
		{`1.e1`, "syntax", 0},
		{`NaN`, "syntax", 0},
		{`Infinity`, "syntax", 0},
	})
	// -0 keeps its sign, as with encoding/json.
	if f, res := decodeOne(`-0`, decFloat64); res != "ok" || !math.Signbit(f) {
		t.Errorf("decFloat64(-0) = %v %s, want negative zero", f, res)
	}
}

func TestDecTime(t *testing.T) {
	checkReader(t, "decTime", decTime, []readerCase[time.Time]{
		{`"2026-11-24T20:09:33.187Z"`, "ok", time.Date(2026, 11, 24, 20, 9, 33, 187e6, time.UTC)},
		{`"2024-02-29T00:00:00.000Z"`, "ok", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{`"2026-01-02T03:04:05Z"`, "ok", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{`"2026-01-02T03:04:05.123456789Z"`, "ok", time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)},
		{`"2023-02-29T00:00:00.000Z"`, "misfit", time.Time{}},
		{`"2026-13-01T00:00:00.000Z"`, "misfit", time.Time{}},
		{`"2026-01-01T24:00:00.000Z"`, "misfit", time.Time{}},
		{`"2026-01-01"`, "misfit", time.Time{}},
		{`"yesterday"`, "misfit", time.Time{}},
		{`"2026-01-02T03:04:05.000\u005a"`, "misfit", time.Time{}}, // time.Time.UnmarshalJSON does not unescape
		{`1700000000`, "misfit", time.Time{}},
		{`null`, "misfit", time.Time{}},
		{`"2026-01-02T03:04:05.000Z`, "syntax", time.Time{}},
	})
	// Offsets: the same instant as encoding/json gives.
	for _, in := range []string{`"2026-01-02T03:04:05+09:00"`, `"2026-01-02T03:04:05.5-01:30"`, `"2026-01-31T23:59:59.999Z"`} {
		got, res := decodeOne(in, decTime)
		var want time.Time
		if err := json.Unmarshal([]byte(in), &want); err != nil || res != "ok" || !got.Equal(want) {
			t.Errorf("decTime(%s) = %v %s, want %v", in, got, res, want)
		}
		if _, off1 := got.Zone(); true {
			if _, off2 := want.Zone(); off1 != off2 {
				t.Errorf("decTime(%s): offset %d, want %d", in, off1, off2)
			}
		}
	}
}

func TestDecRawAndAny(t *testing.T) {
	checkReader(t, "decRaw", decRaw, []readerCase[json.RawMessage]{
		{` {"a" : [1, 2]} `, "ok", json.RawMessage(`{"a" : [1, 2]}`)},
		{`null`, "ok", json.RawMessage(`null`)},
		{`"x"`, "ok", json.RawMessage(`"x"`)},
		{`{"a":}`, "syntax", nil},
		{`[1,]`, "syntax", nil},
	})
	checkReader(t, "decAny", decAny, []readerCase[any]{
		{`{"a":[1,"x",true,null,{"b":-2.5}],"c":{}}`, "ok", map[string]any{"a": []any{1.0, "x", true, nil, map[string]any{"b": -2.5}}, "c": map[string]any{}}},
		{`[]`, "ok", []any{}},
		{`null`, "ok", nil},
		{`{"a":1,"a":2}`, "ok", map[string]any{"a": 2.0}},
		{`[1e400]`, "misfit", nil},
		{`{"a":1e400,"b":2}`, "misfit", nil},
		{`{"a":1,}`, "syntax", nil},
		{`{"a" 1}`, "syntax", nil},
		{`{1:1}`, "syntax", nil},
		{`[1 2]`, "syntax", nil},
		{`nul`, "syntax", nil},
	})
}

func TestContainerReaders(t *testing.T) {
	strs := func(p *[]string, d *jsonDecoder) bool { return decSlice(p, d, decString) }
	checkReader(t, "decSlice", strs, []readerCase[[]string]{
		{`[]`, "ok", []string{}},
		{`["a","b"]`, "ok", []string{"a", "b"}},
		{`["a",1,"c"]`, "misfit", nil},
		{`null`, "misfit", nil},
		{`{}`, "misfit", nil},
		{`["a",]`, "syntax", nil},
		{`["a"`, "syntax", nil},
		{`["a"}`, "syntax", nil},
		{`[,]`, "syntax", nil},
	})
	ints := func(p *map[string]int64, d *jsonDecoder) bool { return decMap(p, d, decInt64) }
	checkReader(t, "decMap", ints, []readerCase[map[string]int64]{
		{`{}`, "ok", map[string]int64{}},
		{`{"👍":2,"a\u0062":1e1}`, "ok", map[string]int64{"👍": 2, "ab": 10}},
		{`{"a":1,"a":3}`, "ok", map[string]int64{"a": 3}},
		{`{"a":1.5}`, "misfit", nil},
		{`[]`, "misfit", nil},
		{`{"a":1`, "syntax", nil},
		{`{"a":1]`, "syntax", nil},
	})
	ptr := func(p **int64, d *jsonDecoder) bool { return decPtr(p, d, decInt64) }
	checkReader(t, "decPtr", ptr, []readerCase[*int64]{
		{`7`, "ok", Ptr[int64](7)},
		{`null`, "misfit", nil},
	})
	opt := func(p *Optional[int64], d *jsonDecoder) bool { return decOptional(p, d, decInt64) }
	checkReader(t, "decOptional", opt, []readerCase[Optional[int64]]{
		{`7`, "ok", Value[int64](7)},
		{`null`, "ok", Null[int64]()},
		{`"7"`, "misfit", Optional[int64]{}},
	})
	// A slice that does not fit leaves the destination as it was.
	p := &pairBox[[]string]{v: []string{"old"}, r: strs}
	if _, err := decodeJSONValue(nil, []byte(`[["a",2],"x"]`), p, false); err != nil || p.ok || !slices.Equal(p.v, []string{"old"}) {
		t.Errorf("decSlice misfit: %v %v %q", err, p.ok, p.v)
	}
}

func TestPeekAtNullIsInteger(t *testing.T) {
	d := &jsonDecoder{data: []byte(`  [ 12 , -3.5, 4e2, null, -7 ]`)}
	if c := d.peek(); c != '[' || d.at() != 2 {
		t.Fatalf("peek %q at %d", c, d.at())
	}
	d.arrayStart()
	var got []string
	for n := 0; d.nextElement(n); n++ {
		at, isInt := d.at(), d.isInteger()
		isNull := d.null()
		if !isNull {
			d.skip()
		}
		got = append(got, fmt.Sprintf("%d:%v:%v", at, isInt, isNull))
	}
	if want := []string{"4:true:false", "9:false:false", "15:false:false", "20:false:true", "26:true:false"}; !slices.Equal(got, want) || d.err != nil {
		t.Errorf("got %v, want %v (%v)", got, want, d.err)
	}
	d = &jsonDecoder{data: []byte(`nul`)}
	if d.null() || d.pos != 0 {
		t.Errorf("null() on nul: consumed")
	}
	d.fail()
	if d.peek() != 0 || d.null() || d.isInteger() || d.objectStart() || d.arrayStart() || d.nextMember(0) || d.nextElement(0) {
		t.Errorf("readers after an error did not return zero")
	}
}

// TestValidLikeEncodingJSON: a syntax error exactly when json.Valid says
// the input is invalid, for every kind of target.
func TestValidLikeEncodingJSON(t *testing.T) {
	inputs := []string{
		``, ` `, `{}`, `[]`, `{"a":1}`, `{"a":1,}`, `{,"a":1}`, `{"a":1 "b":2}`, `[1,,2]`, `[1 2]`,
		`{"a"}`, `{"a":}`, `{:1}`, `{'a':1}`, `{"a":1}}`, `[[]`, `[]]`, `"\u00"`, "\"\x7f\"",
		`-0`, `-01`, `0.0e0`, `1E-0`, `.1`, `1.e3`, `0x10`, `Infinity`, `nan`, `true false`,
		"\t\n\r {\"a\" \t:\n[ ]\r}\n", "\v{}", "\u00a0{}", `{"a":1}` + "\x00", "\ufeff{}",
		`{"id":"x","user":{"id":1}}`, `[{"id":"x"},{"id":2},3]`, `{"reactions":{"a":"b"}}`,
		`{"files":[{"createdAt":"2026"}]}`, `{"x":[[[[{"y":[1,{"z":null}]}]]]]}`,
		`{"text":null,"text":"a","reply":{"reply":{"id":"1"}}}`, strings.Repeat("[", 50) + strings.Repeat("]", 49),
	}
	for _, in := range inputs {
		valid := json.Valid([]byte(in))
		if validJSON([]byte(in)) != valid {
			t.Errorf("validJSON(%q) = %v, want %v", in, !valid, valid)
		}
		for _, v := range []jsonValue{&anyBox{}, &tNote{}, &tTimeline{}, &tMutedWord{}, &tHostCount{}, &scalarBox[json.RawMessage]{r: decRaw}} {
			_, err := decodeJSONValue(nil, []byte(in), v, false)
			if got := outcome(err) == "syntax"; got != !valid {
				t.Errorf("%T %q: %v, json.Valid %v", v, in, err, valid)
			}
			if _, err := decodeJSONValue(context.Background(), []byte(in), v, true); (outcome(err) == "syntax") != !valid {
				t.Errorf("strict %T %q: %v, json.Valid %v", v, in, err, valid)
			}
		}
	}
}

func TestSyntaxErrorIsEncodingJSONs(t *testing.T) {
	in := []byte(`{"a": [1, 2,, 3]}`)
	_, err := decodeJSONValue(nil, in, &anyBox{}, false)
	var want any
	wantErr := json.Unmarshal(in, &want)
	var se *json.SyntaxError
	if !errors.As(err, &se) || err.Error() != wantErr.Error() || se.Offset != wantErr.(*json.SyntaxError).Offset {
		t.Errorf("got %v, want %v", err, wantErr)
	}
}

func TestDepthLimit(t *testing.T) {
	nest := func(n int) []byte {
		return []byte(strings.Repeat(`[`, n) + strings.Repeat(`]`, n))
	}
	for _, n := range []int{maxJSONDepth, maxJSONDepth + 1} {
		in := nest(n)
		wantOK := n <= maxJSONDepth
		if json.Valid(in) != wantOK {
			t.Fatalf("json.Valid disagrees at depth %d", n)
		}
		_, err := decodeJSONValue(nil, in, &anyBox{}, false)
		if (err == nil) != wantOK {
			t.Errorf("decAny depth %d: %v", n, err)
		}
		if validJSON(in) != wantOK {
			t.Errorf("skip depth %d: wrong", n)
		}
		// Skipped inside a struct: the struct's own level counts.
		obj := append(append([]byte(`{"unknown":`), nest(n-1)...), '}')
		_, err = decodeJSONValue(nil, obj, &tNote{}, false)
		if (outcome(err) == "ok") != wantOK || (!wantOK && outcome(err) != "syntax") {
			t.Errorf("struct with skipped member, depth %d: %v", n, err)
		}
	}
	// Typed recursion is limited the same way.
	deep := condFormula(maxJSONDepth + 1)
	if _, err := decodeJSONValue(nil, deep, &tCondFormula{}, false); outcome(err) != "syntax" {
		t.Errorf("typed depth %d: %v", maxJSONDepth+1, err)
	}
	if _, err := decodeJSONValue(nil, condFormula(maxJSONDepth), &tCondFormula{}, false); err != nil {
		t.Errorf("typed depth %d: %v", maxJSONDepth, err)
	}
}

// condFormula returns a condition formula nesting "not" so that the JSON
// has depth objects.
func condFormula(depth int) []byte {
	var b bytes.Buffer
	for range depth - 1 {
		b.WriteString(`{"type":"not","value":`)
	}
	b.WriteString(`{"type":"isLocal"}`)
	b.WriteString(strings.Repeat("}", depth-1))
	return b.Bytes()
}

// TestDeepNesting: a role whose condition formula nests "not" 6,000 deep,
// typed and untyped, decodes and re-encodes in linear time.
func TestDeepNesting(t *testing.T) {
	body := []byte(`{"id":"r1","condFormula":` + string(condFormula(6000)) + `,"policies":{"deep":` + string(condFormula(3000)) + `}}`)
	start := time.Now()
	var r tRole
	ms, err := decodeJSONValue(context.Background(), body, &r, true)
	elapsed := time.Since(start)
	if err != nil || len(ms) != 0 {
		t.Fatal(err, ms)
	}
	depth := 0
	for f := &r.CondFormula; f != nil; f = f.Value {
		depth++
	}
	if depth != 6000 {
		t.Errorf("depth %d", depth)
	}
	t.Logf("6,000-deep typed + 3,000-deep untyped: %v", elapsed)
	if elapsed > 500*time.Millisecond { // 100 ms is the target; this machine is shared
		t.Errorf("took %v", elapsed)
	}
	out, err := marshalJSONValue(&r)
	if err != nil || !jsonEqual(t, out, body) {
		t.Errorf("re-encoding: %v", err)
	}
}

// TestLinearInNesting: doubling the nesting doubles the time, roughly.
func TestLinearInNesting(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	measure := func(n int) time.Duration {
		body := condFormula(n)
		best := time.Duration(math.MaxInt64)
		for range 5 {
			start := time.Now()
			var f tCondFormula
			if _, err := decodeJSONValue(nil, body, &f, false); err != nil {
				t.Fatal(err)
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	t1, t8 := measure(1000), measure(8000)
	t.Logf("1000 deep: %v, 8000 deep: %v (ratio %.1f)", t1, t8, float64(t8)/float64(t1))
	if t8 > 30*t1 { // linear is 8; quadratic would be 64
		t.Errorf("8x the nesting took %.1fx the time", float64(t8)/float64(t1))
	}
}

func TestMisfitPaths(t *testing.T) {
	body := `[
		{"id":"n1","user":{"id":"u1","username":"a","name":null,"host":null,"avatarUrl":null,"avatarBlurhash":null,"avatarDecorations":[],"emojis":{},"onlineStatus":"online","badgeRoles":[{"name":"b","iconUrl":null,"displayOrder":"1"}]},
		 "renoteCount":"12","reactions":{"a/b~c":1.5,"ok":1}},
		{"id":7,"files":[{"size":-1.25}],"renote":{"id":"n2","createdAt":"soon"}}
	]`
	var tl tTimeline
	ms, err := decodeJSONValue(nil, []byte(body), &tl, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.String())
	}
	want := []string{
		`/0/user/badgeRoles/0/displayOrder: "1" does not fit integer`,
		`/0/renoteCount: "12" does not fit integer`,
		`/0/reactions: {"a/b~c":1.5,"ok":1} does not fit object of integer`,
		`/1/id: 7 does not fit string`,
		`/1/files/0/size: -1.25 does not fit integer`,
		`/1/renote/createdAt: "soon" does not fit date-time string`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("misfits:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The values are kept where the generated code put them.
	if raw, ok := tl[0].Extra.Get("renoteCount"); !ok || string(raw) != `"12"` {
		t.Errorf("renoteCount kept as %s %v", raw, ok)
	}
	if raw, ok := tl[1].Files[0].Extra.Get("size"); !ok || string(raw) != `-1.25` {
		t.Errorf("size kept as %s %v", raw, ok)
	}
	// Escaped keys in a pointer: "~" is "~0", "/" is "~1"; JSON escapes in
	// a name are resolved first.
	var r tRole
	ms, err = decodeJSONValue(nil, []byte(`{"policies":{},"x":1,"condFormula":{"type":"and","values":[{"type":"x"},{"type":"not","value":{"type":"y","id":5}}]},"\u007e/a":{"k":1}}`), &r, false)
	if err != nil || len(ms) != 1 || ms[0].Path != "/condFormula/values/1/value/id" {
		t.Errorf("nested path: %v %v", ms, err)
	}
	var b anyBox
	_, err = decodeJSONValue(nil, []byte(`{"a~/b":{"c\/d":[0,{"~":1e999}]}}`), &b, false)
	var me *MismatchError
	if !errors.As(err, &me) || me.Mismatches[0].Path != "" {
		t.Errorf("top-level any: %v", err)
	}
	if got := jsonPointers([]byte(`{"a~/b":{"c\/d":[0,{"~":1e999}]}}`), []int{0, 8, 16, 17, 19, 24, 25}); !slices.Equal(got, []string{"", "/a~0~1b", "/a~0~1b/c~1d", "/a~0~1b/c~1d/0", "/a~0~1b/c~1d/1", "/a~0~1b/c~1d/1/~0", ""}) {
		t.Errorf("jsonPointers: %q", got)
	}
}

func TestTopLevelMisfit(t *testing.T) {
	for _, strict := range []bool{false, true} {
		var n tNote
		ms, err := decodeJSONValue(nil, []byte(` [1,2] `), &n, strict)
		var me *MismatchError
		if !errors.As(err, &me) || ms != nil || len(me.Mismatches) != 1 {
			t.Fatalf("strict %v: %v %v", strict, ms, err)
		}
		if m := me.Mismatches[0]; m.Path != "" || m.Want != "tNote" || string(m.Value) != `[1,2]` {
			t.Errorf("got %+v", m)
		}
		if err.Error() != `(body): [1,2] does not fit tNote` {
			t.Errorf("message %q", err.Error())
		}
	}
	// A union keeps a top-level misfit in Raw: reported, not an error.
	var w tMutedWord
	ms, err := decodeJSONValue(nil, []byte(`42`), &w, false)
	if err != nil || len(ms) != 1 || ms[0].Path != "" || string(w.Raw) != "42" {
		t.Errorf("union: %v %v %s", ms, err, w.Raw)
	}
}

func TestStrict(t *testing.T) {
	body := []byte(`{"id":"a","renoteCount":"1","repliesCount":"2"}`)
	var n tNote
	ms, err := decodeJSONValue(nil, body, &n, true)
	var me *MismatchError
	if !errors.As(err, &me) || ms != nil || len(me.Mismatches) != 1 || me.Mismatches[0].Path != "/renoteCount" {
		t.Fatalf("strict: %v %v", ms, err)
	}
	if err.Error() != `/renoteCount: "1" does not fit integer` {
		t.Errorf("message %q", err.Error())
	}
	// A syntax error after the misfit wins.
	if _, err := decodeJSONValue(nil, []byte(`{"renoteCount":"1",}`), &n, true); outcome(err) != "syntax" {
		t.Errorf("strict with a later syntax error: %v", err)
	}
	ms, err = decodeJSONValue(nil, body, &n, false)
	if err != nil || len(ms) != 2 {
		t.Errorf("lenient: %v %v", ms, err)
	}
}

func TestMismatchCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`[`)
	for i := range 250 {
		if i > 0 {
			b.WriteString(`,`)
		}
		fmt.Fprintf(&b, `{"id":%d}`, i)
	}
	b.WriteString(`]`)
	var tl tTimeline
	ms, err := decodeJSONValue(nil, []byte(b.String()), &tl, false)
	if err != nil || len(ms) != maxMismatches || ms[99].Path != "/99/id" {
		t.Fatalf("lenient cap: %d %v", len(ms), err)
	}
	_, err = decodeJSONValue(nil, []byte(`{"a":[`+strings.Repeat(`1e999,`, 150)+`1]}`), &anyBox{}, true)
	var me *MismatchError
	if !errors.As(err, &me) || len(me.Mismatches) != 1 {
		t.Errorf("top level any: %v", err)
	}
	m := MismatchError{Mismatches: []Mismatch{{Path: "/a", Want: "integer", Value: json.RawMessage(`"` + strings.Repeat("x\n", 50) + `"`)}}, More: 4}
	if got, want := m.Error(), `/a: "`+strings.Repeat(`x\x0a`, 29)+`x… does not fit integer (and 4 more)`; got != want {
		t.Errorf("message %q", got)
	}
	odd := Mismatch{Path: "/b", Want: "string", Value: json.RawMessage("\"\xff\u0085\u2028\x7f\"")}
	if got, want := odd.String(), `/b: "\xff\u0085\u2028\x7f" does not fit string`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestMembers(t *testing.T) {
	body := []byte(`{"id":"n1","createdAt":"2026-11-24T20:09:33.187Z","userId":"u","user":{"id":"u","username":"a","name":null,"host":null,"avatarUrl":null,"avatarBlurhash":null,"avatarDecorations":[],"emojis":{},"onlineStatus":"online"},"text":null,"visibility":"public","reactionAcceptance":null,"renoteCount":"many","repliesCount":0,"reactionCount":0,"reactions":{},"reactionEmojis":{},` +
		`"futureField":{"a": [1, 2]},"replyUserId":null,"futureField":true}`)
	var n tNote
	if _, err := decodeJSONValue(nil, body, &n, false); err != nil {
		t.Fatal(err)
	}
	m := &n.Extra
	type kv struct{ k, v string }
	var all []kv
	for k, v := range m.All() {
		all = append(all, kv{k, string(v)})
	}
	if want := []kv{{"renoteCount", `"many"`}, {"futureField", `{"a": [1, 2]}`}, {"replyUserId", "null"}, {"futureField", "true"}}; !slices.Equal(all, want) {
		t.Errorf("All: %v", all)
	}
	if m.Len() != 4 {
		t.Errorf("Len %d", m.Len())
	}
	if v, ok := m.Get("futureField"); !ok || string(v) != "true" {
		t.Errorf("Get repeated: %s", v)
	}
	if _, ok := m.Get("id"); ok {
		t.Errorf("Get of a fitted field")
	}
	// Re-encoding writes the kept value in place of the field.
	out, err := marshalJSONValue(&n)
	if err != nil || !jsonEqual(t, out, body) {
		t.Errorf("re-encoding: %s %v", out, err)
	}
	if err := m.Set("renoteCount", json.RawMessage(" 5 ")); err != nil {
		t.Fatal(err)
	}
	if err := m.Set("bad", json.RawMessage(`{`)); err == nil {
		t.Errorf("Set accepted invalid JSON")
	}
	if err := m.Set("added", json.RawMessage("{ \"x\" : [ 1 ] }")); err != nil {
		t.Fatal(err)
	}
	m.Delete("futureField")
	all = all[:0]
	for k, v := range m.All() {
		all = append(all, kv{k, string(v)})
	}
	if want := []kv{{"renoteCount", "5"}, {"replyUserId", "null"}, {"added", `{"x":[1]}`}}; !slices.Equal(all, want) {
		t.Errorf("after Set/Delete: %v", all)
	}
	out, _ = marshalJSONValue(&n)
	if !bytes.Contains(out, []byte(`"renoteCount":5`)) || bytes.Contains(out, []byte(`futureField`)) || !bytes.Contains(out, []byte(`"added":{"x":[1]}`)) {
		t.Errorf("encoded %s", out)
	}
	// Delete of a declared field's entry: the field is written again.
	m.Delete("renoteCount")
	n.RenoteCount = 9
	out, _ = marshalJSONValue(&n)
	if !bytes.Contains(out, []byte(`"renoteCount":9`)) {
		t.Errorf("encoded %s", out)
	}
	// A copy keeps its entries when the original's change.
	c := n
	n.Extra.Delete("added")
	if _, ok := c.Extra.Get("added"); !ok || n.Extra.Len() != c.Extra.Len()-1 {
		t.Errorf("Delete changed a copy")
	}
	// Zero Members.
	var z Members
	if z.Len() != 0 || z.String() != "{}" {
		t.Errorf("zero Members")
	}
	if _, ok := z.Get("x"); ok {
		t.Errorf("zero Members Get")
	}
	for range z.All() {
		t.Errorf("zero Members All")
	}
	z.Delete("x")
	if z.Set("k", json.RawMessage(`"<v>"`)) != nil || z.String() != `{"k":"<v>"}` {
		t.Errorf("zero Members Set: %s", z.String())
	}
}

// TestAbsentStaysAbsent: a required member the server left out is not
// written on re-encoding, until the program sets it.
func TestAbsentStaysAbsent(t *testing.T) {
	body := []byte(`{"id":"x","createdAt":"2026-11-24T20:09:33.187Z"}`)
	var n tNote
	if _, err := decodeJSONValue(nil, body, &n, false); err != nil {
		t.Fatal(err)
	}
	out, _ := marshalJSONValue(&n)
	if !jsonEqual(t, out, body) {
		t.Errorf("re-encoded %s", out)
	}
	if n.Extra.Len() != 0 {
		t.Errorf("absent entries are visible: %d", n.Extra.Len())
	}
	if err := n.Extra.Set("userId", json.RawMessage(`"u9"`)); err != nil {
		t.Fatal(err)
	}
	out, _ = marshalJSONValue(&n)
	if !bytes.Contains(out, []byte(`"userId":"u9"`)) {
		t.Errorf("set absent: %s", out)
	}
}

// TestRepeatedMembers: the last occurrence of a declared member wins, as in
// encoding/json, also across misfits and nulls.
func TestRepeatedMembers(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"id":1,"id":"b"}`, `{"id":"b"}`},
		{`{"id":"a","id":1}`, `{"id":1}`},
		{`{"text":1,"text":null}`, `{"text":null}`},
		{`{"text":"a","text":null}`, `{"text":null}`},
		{`{"reply":1,"reply":null}`, `{"reply":null}`},
		{`{"x":1,"x":2}`, `{"x":2}`},
	} {
		var n tNote
		if _, err := decodeJSONValue(nil, []byte(c.body), &n, false); err != nil {
			t.Fatal(err)
		}
		out, _ := marshalJSONValue(&n)
		if !jsonEqual(t, out, []byte(c.want)) {
			t.Errorf("%s re-encoded as %s", c.body, out)
		}
	}
	// Linear in the number of repetitions, whatever their order.
	var b strings.Builder
	b.WriteString(`{`)
	for i := range 20000 {
		fmt.Fprintf(&b, `"u%d":0,`, i)
	}
	for range 20000 {
		b.WriteString(`"id":1,"id":"x",`)
	}
	b.WriteString(`"id":"y"}`)
	start := time.Now()
	var n tNote
	if _, err := decodeJSONValue(nil, []byte(b.String()), &n, false); err != nil || n.ID != "y" {
		t.Fatal(err, n.ID)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("repeated members took %v", d)
	}
}

func TestContextCancel(t *testing.T) {
	// Cancelled before: nothing is read.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := decodeJSONValue(ctx, []byte(`{}`), &anyBox{}, false); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	// Cancelled while reading an array of objects: the decoder stops
	// within ctxCheckEvery containers.
	body := []byte(`[` + strings.Repeat(`{"id":"x"},`, 10*ctxCheckEvery) + `{"id":"x"}]`)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	c := &cancelAfter{n: 10, cancel: cancel}
	_, err := decodeJSONValue(ctx, body, c, false)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if c.read > 10+ctxCheckEvery+1 {
		t.Errorf("read %d objects after cancelling", c.read-10)
	}
	// Also while skipping one large unknown value.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	big := []byte(`{"unknown":` + string(body) + `}`)
	_, err = decodeJSONValue(ctx, big, &cancelSkip{cancel: cancel}, false)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("skip: got %v", err)
	}
	// A deadline in the past.
	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := decodeJSONValue(ctx, body, &tTimeline{}, false); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
}

// cancelAfter reads an array of objects and cancels after n of them.
type cancelAfter struct {
	n, read int
	cancel  func()
}

func (x *cancelAfter) decodeJSON(d *jsonDecoder) bool {
	if !d.arrayStart() {
		return false
	}
	for i := 0; d.nextElement(i); i++ {
		var s tBadgeRole
		s.decodeJSON(d)
		x.read++
		if x.read == x.n {
			x.cancel()
		}
	}
	return true
}

func (x *cancelAfter) encodeJSON(e *jsonEncoder) {}

// cancelSkip cancels, then skips the whole body's first member.
type cancelSkip struct{ cancel func() }

func (x *cancelSkip) decodeJSON(d *jsonDecoder) bool {
	if !d.objectStart() {
		return false
	}
	for i := 0; d.nextMember(i); i++ {
		x.cancel()
		d.skip()
	}
	return true
}

func (x *cancelSkip) encodeJSON(e *jsonEncoder) {}

// TestNoAliasing: after decoding, nothing refers to the input buffer.
func TestNoAliasing(t *testing.T) {
	body := []byte(`[{"id":"n1","createdAt":"2026-11-24T20:09:33.187Z","userId":"u1","user":{"id":"u1","username":"alice","name":"Alice \ud83d\udc1f","host":null,"avatarUrl":"http://x/a","avatarBlurhash":null,"avatarDecorations":[],"emojis":{"blob":"http://x/e"},"onlineStatus":"online","extraUser":{"k":[1,2]}},` +
		`"text":"hello","visibility":"public","reactionAcceptance":null,"renoteCount":"0","repliesCount":0,"reactionCount":1,"reactions":{":blob:":1},"reactionEmojis":{},"fileIds":["f1"],"tags":["tag"],` +
		`"files":[{"id":"f1","properties":{"width":10,"note":"n"},"createdAt":"2026-11-24T20:09:33.187Z"}],"unknownMember":"kept"}]`)
	input := bytes.Clone(body)
	var tl tTimeline
	ms, err := decodeJSONValue(nil, input, &tl, false)
	if err != nil || len(ms) != 1 {
		t.Fatal(err, ms)
	}
	before, err := marshalJSONValue(&tl)
	if err != nil {
		t.Fatal(err)
	}
	for i := range input {
		input[i] = 'X'
	}
	after, err := marshalJSONValue(&tl)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("values changed with the input:\n%s\n%s", before, after)
	}
	if string(ms[0].Value) != `"0"` {
		t.Errorf("mismatch value %s", ms[0].Value)
	}
	if !jsonEqual(t, after, body) {
		t.Errorf("not lossless")
	}
}

// TestUnions: a union of two kinds and a tuple keep what fits neither.
func TestUnions(t *testing.T) {
	for _, c := range []struct {
		in, want string
		misfit   bool
	}{
		{`["a","b"]`, `{Keywords:[a b] Regex:<nil> Raw:}`, false},
		{`"/re/"`, `{Keywords:[] Regex:/re/ Raw:}`, false},
		{`["a",1]`, `{Keywords:[] Regex:<nil> Raw:["a",1]}`, true},
		{`{"x":1}`, `{Keywords:[] Regex:<nil> Raw:{"x":1}}`, true},
	} {
		var w tMutedWord
		ms, err := decodeJSONValue(nil, []byte(c.in), &w, false)
		regex := "<nil>"
		if w.Regex != nil {
			regex = *w.Regex
		}
		got := fmt.Sprintf("{Keywords:%v Regex:%s Raw:%s}", w.Keywords, regex, w.Raw)
		if err != nil || got != c.want || (len(ms) == 1) != c.misfit {
			t.Errorf("%s: %s %v %v", c.in, got, ms, err)
		}
		out, err := marshalJSONValue(&w)
		if err != nil || !jsonEqual(t, out, []byte(c.in)) {
			t.Errorf("%s re-encoded as %s %v", c.in, out, err)
		}
	}
	for _, in := range []string{`["h",3]`, `["h","3"]`, `["h",3,4]`, `"h"`} {
		var h tHostCount
		ms, err := decodeJSONValue(nil, []byte(in), &h, false)
		out, _ := marshalJSONValue(&h)
		if err != nil || !jsonEqual(t, out, []byte(in)) || (len(ms) == 0) != (in == `["h",3]`) {
			t.Errorf("tuple %s: %v %v %s", in, ms, err, out)
		}
	}
}

func TestPickVariant(t *testing.T) {
	for _, c := range []struct {
		body string
		want int
	}{
		{`{"id":"1","username":"a"}`, 0},
		{`{"id":"1","username":"a","email":"e"}`, 1},
		{`{"id":"1","username":"a","isAdmin":true}`, 0}, // me misses email
		{`{"id":"1","isAdmin":true,"email":"e"}`, 1},    // both miss username; me matches more
		{`{"other":1}`, 0},                              // lite misses fewer
		{`{"id":"1","username":"a","email":"e","isAdmin":true}`, 1},
	} {
		var u tUserDetailed
		if _, err := decodeJSONValue(nil, []byte(c.body), &u, false); err != nil {
			t.Fatal(err)
		}
		if u.Variant != c.want {
			t.Errorf("%s: variant %d, want %d", c.body, u.Variant, c.want)
		}
	}
	// Ties: fewest missing, then most matched, then earliest.
	alts := []variantShape{
		{known: []uint64{0b011}, required: []uint64{0b001}},
		{known: []uint64{0b111}, required: []uint64{0b001}},
		{known: []uint64{0b111}, required: []uint64{0b001}},
	}
	if got := pickVariant([]uint64{0b101}, 2, alts); got != 1 {
		t.Errorf("tie on missing: %d", got)
	}
	if got := pickVariant([]uint64{0b001}, 1, alts); got != 0 {
		t.Errorf("full tie: %d", got)
	}
	if got := pickVariant(nil, 0, nil); got != -1 {
		t.Errorf("no alternatives: %d", got)
	}
	if got := pickVariant(nil, 3, []variantShape{{required: []uint64{0, 1}}, {}}); got != 1 {
		t.Errorf("required beyond seen: %d", got)
	}
}

func TestEncodeScalarsLikeEncodingJSON(t *testing.T) {
	strs := []string{"", "plain", "<a href=\"x\">&amp;</a>", "tab\tnl\ncr\r\x00\x1f\x7f", "\u2028\u2029", "bad\xffutf8\xc3", "日本語 🐟", `back\slash "quote"`}
	for _, s := range strs {
		e := jsonEncoder{}
		encString(&s, &e)
		want, _ := json.Marshal(s)
		if !bytes.Equal(e.buf, want) {
			t.Errorf("encString(%q) = %s, want %s", s, e.buf, want)
		}
	}
	floats := []float64{0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e20, 1e21, 1e-6, 1e-7, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324, 1.7976931348623157e308, 12345678901234567890}
	for _, f := range floats {
		e := jsonEncoder{}
		encFloat64(&f, &e)
		want, _ := json.Marshal(f)
		if !bytes.Equal(e.buf, want) || e.err != nil {
			t.Errorf("encFloat64(%v) = %s, want %s", f, e.buf, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		e := jsonEncoder{}
		encFloat64(&f, &e)
		var uve *json.UnsupportedValueError
		if !errors.As(e.err, &uve) {
			t.Errorf("encFloat64(%v): err %v", f, e.err)
		}
	}
	for _, n := range []int64{0, -1, math.MaxInt64, math.MinInt64} {
		e := jsonEncoder{}
		encInt64(&n, &e)
		want, _ := json.Marshal(n)
		if !bytes.Equal(e.buf, want) {
			t.Errorf("encInt64(%v) = %s", n, e.buf)
		}
	}
	for _, b := range []bool{true, false} {
		e := jsonEncoder{}
		encBool(&b, &e)
		if want, _ := json.Marshal(b); !bytes.Equal(e.buf, want) {
			t.Errorf("encBool(%v) = %s", b, e.buf)
		}
	}
	v := tNoteVisibility("<home>")
	e := jsonEncoder{}
	encEnum(&v, &e)
	if want, _ := json.Marshal(v); !bytes.Equal(e.buf, want) {
		t.Errorf("encEnum = %s", e.buf)
	}
}

func TestEncTime(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 24, 20, 9, 33, 187e6, time.UTC), `"2026-11-24T20:09:33.187Z"`},
		{time.Date(2026, 11, 25, 5, 9, 33, 0, jst), `"2026-11-24T20:09:33.000Z"`},
		{time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), `"2026-01-02T03:04:05.123456789Z"`},
		{time.Date(2026, 1, 2, 3, 4, 5, 100, time.UTC), `"2026-01-02T03:04:05.0000001Z"`},
		{time.Time{}, `"0001-01-01T00:00:00.000Z"`},
		{time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC), `"9999-12-31T23:59:59.999Z"`},
	} {
		e := jsonEncoder{}
		encTime(&c.t, &e)
		if string(e.buf) != c.want || e.err != nil {
			t.Errorf("encTime(%v) = %s %v, want %s", c.t, e.buf, e.err, c.want)
		}
		// Round trip to the same instant.
		got, res := decodeOne(string(e.buf), decTime)
		if res != "ok" || !got.Equal(c.t) {
			t.Errorf("decTime(%s) = %v", e.buf, got)
		}
	}
	for _, bad := range []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		e := jsonEncoder{}
		encTime(&bad, &e)
		if e.err == nil {
			t.Errorf("encTime(%v): no error", bad)
		}
		if _, err := json.Marshal(bad); err == nil {
			t.Errorf("encoding/json accepts %v", bad)
		}
	}
}

func TestEncRawAndAny(t *testing.T) {
	for _, raw := range []string{` { "a" : [ 1 , "x <y> & \u2028 z" ] } `, "\"\u2028\"", `null`, `"esc \" \\ <"`} {
		r := json.RawMessage(raw)
		e := jsonEncoder{}
		encRaw(&r, &e)
		want, err := json.Marshal(r)
		if err != nil || !bytes.Equal(e.buf, want) {
			t.Errorf("encRaw(%s) = %s, want %s", raw, e.buf, want)
		}
	}
	for _, r := range []json.RawMessage{nil, {}} {
		e := jsonEncoder{}
		encRaw(&r, &e)
		if string(e.buf) != "null" {
			t.Errorf("encRaw(empty) = %s", e.buf)
		}
	}
	bad := json.RawMessage(`{"a":}`)
	e := jsonEncoder{}
	encRaw(&bad, &e)
	if e.err == nil {
		t.Errorf("encRaw(invalid): no error")
	}
	values := []any{
		nil, "s<>", 1.5, true, map[string]any{"b": 1.0, "a": []any{nil, "x", map[string]any{}}}, []any{},
		json.Number("12.5e3"), json.Number(""), json.RawMessage(` [ 1 ] `), 42, int64(-7),
		struct {
			A int `json:"a"`
		}{3}, []int{1, 2}, map[string]int{"z": 1, "y": 2}, []any(nil), map[string]any(nil),
	}
	for _, v := range values {
		e := jsonEncoder{}
		encAny(&v, &e)
		want, err := json.Marshal(v)
		if err != nil || e.err != nil || !bytes.Equal(e.buf, want) {
			t.Errorf("encAny(%#v) = %s %v, want %s %v", v, e.buf, e.err, want, err)
		}
	}
	for _, v := range []any{json.Number("1x"), math.NaN(), func() {}, map[string]any{"a": math.Inf(1)}} {
		e := jsonEncoder{}
		encAny(&v, &e)
		if e.err == nil {
			t.Errorf("encAny(%v): no error", v)
		}
	}
}

func TestEncodeContainers(t *testing.T) {
	e := jsonEncoder{}
	var nilSlice []string
	encSlice(&nilSlice, &e, encString)
	var nilMap map[string]int64
	encMap(&nilMap, &e, encInt64)
	var nilPtr *int64
	encPtr(&nilPtr, &e, encInt64)
	var unset Optional[int64]
	encOptional(&unset, &e, encInt64)
	null := Null[int64]()
	encOptional(&null, &e, encInt64)
	val := Value[int64](3)
	encOptional(&val, &e, encInt64)
	m := map[string]int64{"b": 2, "a": 1, "<": 0}
	encMap(&m, &e, encInt64)
	s := []string{"x", "y"}
	encSlice(&s, &e, encString)
	if got := string(e.buf); got != `nullnullnullnullnull3{"\u003c":0,"a":1,"b":2}["x","y"]` {
		t.Errorf("got %s", got)
	}
	// A cycle ends in an error, not a stack overflow.
	n := &tCondFormula{Type: "not"}
	n.Value = n
	if _, err := marshalJSONValue(n); !errors.Is(err, errEncodeDepth) {
		t.Errorf("cycle: %v", err)
	}
	cyc := map[string]any{}
	cyc["self"] = cyc
	var v any = cyc
	e = jsonEncoder{}
	encAny(&v, &e)
	if e.err == nil {
		t.Errorf("map cycle: no error")
	}
	// appendJSONValue appends, and leaves dst alone on error.
	out, err := appendJSONValue([]byte("prefix:"), &tBadgeRole{Name: "r"})
	if err != nil || string(out) != `prefix:{"name":"r","iconUrl":null,"displayOrder":0}` {
		t.Errorf("appendJSONValue: %s %v", out, err)
	}
	nan := math.NaN()
	out, err = appendJSONValue([]byte("prefix:"), &scalarBox[float64]{v: nan, w: encFloat64})
	if err == nil || string(out) != "prefix:" {
		t.Errorf("appendJSONValue error: %s %v", out, err)
	}
}

// TestMarshalerMethods: the generated UnmarshalJSON and MarshalJSON work
// inside encoding/json.
func TestMarshalerMethods(t *testing.T) {
	var wrap struct {
		Notes []tNote `json:"notes"`
	}
	in := `{"notes":[{"id":"a","extra":[1],"renoteCount":"x"}]}`
	if err := json.Unmarshal([]byte(in), &wrap); err != nil {
		t.Fatal(err)
	}
	if wrap.Notes[0].ID != "a" || wrap.Notes[0].Extra.Len() != 2 {
		t.Errorf("decoded %+v", wrap.Notes[0])
	}
	out, err := json.Marshal(wrap)
	if err != nil || !jsonEqual(t, out, []byte(in)) {
		t.Errorf("encoded %s %v", out, err)
	}
	var n tNote
	if err := json.Unmarshal([]byte(`[1]`), &n); outcome(err) != "misfit" {
		t.Errorf("UnmarshalJSON of an array: %v", err)
	}
}

// recordingsDir returns ../shared/recordings, or skips.
func recordingsDir(t testing.TB) string {
	dir := filepath.Join("..", "..", "shared", "recordings")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("skipping: %s is absent (the recordings live beside the checkout in the development workspace)", dir)
	}
	return dir
}

// recordedBodies returns the "body" of every recorded 2xx response.
func recordedBodies(t testing.TB) map[string][]byte {
	files, _ := filepath.Glob(filepath.Join(recordingsDir(t), "*", "http", "*.json"))
	if len(files) == 0 {
		t.Skip("skipping: no recordings")
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Body json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatal(f, err)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, rec.Body); err != nil {
			t.Fatal(err)
		}
		out[f] = c.Bytes()
	}
	return out
}

// timelineBody returns a JSON array of the first n notes of the recorded
// timelines, compact, as the server sends them.
func timelineBody(t testing.TB, n int) []byte {
	files, _ := filepath.Glob(filepath.Join(recordingsDir(t), "*", "http", "notes__*timeline*.json"))
	slices.Sort(files)
	var notes []json.RawMessage
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Body []json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatal(f, err)
		}
		notes = append(notes, rec.Body...)
	}
	if len(notes) < n {
		t.Skipf("skipping: only %d recorded notes", len(notes))
	}
	var c bytes.Buffer
	c.WriteByte('[')
	for i, raw := range notes[:n] {
		if i > 0 {
			c.WriteByte(',')
		}
		if err := json.Compact(&c, raw); err != nil {
			t.Fatal(err)
		}
	}
	c.WriteByte(']')
	return c.Bytes()
}

// TestRecordedBodies: every recorded response decodes with decAny exactly as
// with encoding/json and re-encodes to the same bytes as json.Marshal.
func TestRecordedBodies(t *testing.T) {
	for name, body := range recordedBodies(t) {
		var b anyBox
		if _, err := decodeJSONValue(context.Background(), body, &b, true); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var want any
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(b.v, want) {
			t.Errorf("%s: decAny differs from encoding/json", name)
		}
		out, err := marshalJSONValue(&b)
		wantOut, _ := json.Marshal(want)
		if err != nil || !bytes.Equal(out, wantOut) {
			t.Errorf("%s: encAny differs from json.Marshal", name)
		}
	}
}

// TestRecordedTimeline: 100 recorded notes decode into the generated-shape
// types without a misfit, to the same values as encoding/json gives the
// plain types, and re-encode to JSON equal in meaning to the body.
func TestRecordedTimeline(t *testing.T) {
	body := timelineBody(t, 100)
	var tl tTimeline
	ms, err := decodeJSONValue(context.Background(), body, &tl, true)
	if err != nil || len(ms) != 0 || len(tl) != 100 {
		t.Fatalf("%v %v %d", err, ms, len(tl))
	}
	out, err := marshalJSONValue(&tl)
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, out, body) {
		t.Errorf("re-encoding is not equal in meaning to the body")
	}
	var want, got []plainNote
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("typed values differ from encoding/json's")
	}
	unknown := 0
	for i := range tl {
		unknown += tl[i].Extra.Len()
	}
	t.Logf("%d bytes, %d notes, %d undeclared members kept", len(body), len(tl), unknown)
}

// jsonEqual reports whether a and b are JSON texts equal in meaning
// (decoded by encoding/json).
func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Logf("jsonEqual: %v in %s", err, a)
		return false
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Logf("jsonEqual: %v in %s", err, b)
		return false
	}
	if !reflect.DeepEqual(va, vb) {
		t.Logf("jsonEqual:\n%s\n%s", a, b)
		return false
	}
	return true
}

// TestAllocations: the scalar readers allocate only the values they make.
func TestAllocations(t *testing.T) {
	d := &jsonDecoder{}
	run := func(name, in string, want float64, read func()) {
		d.data = []byte(in)
		n := testing.AllocsPerRun(100, func() {
			d.pos, d.err = 0, nil
			read()
		})
		if n > want {
			t.Errorf("%s(%s): %v allocations, want at most %v", name, in, n, want)
		}
	}
	var f float64
	var i int64
	var s string
	var b bool
	var tm time.Time
	run("decFloat64", `3.141592653589793`, 0, func() { decFloat64(&f, d) })
	run("decFloat64", `-1.25e-7`, 0, func() { decFloat64(&f, d) })
	run("decInt64", `123456789`, 0, func() { decInt64(&i, d) })
	run("decInt64", `9223372036854775807`, 0, func() { decInt64(&i, d) })
	run("decBool", `true`, 0, func() { decBool(&b, d) })
	run("decTime", `"2026-11-24T20:09:33.187Z"`, 0, func() { decTime(&tm, d) })
	run("decString", `"atyp035vugj8006k"`, 1, func() { decString(&s, d) })
	run("skip", `{"a":[1,2,{"b":"c"}],"d":null}`, 0, func() { d.skip() })
	d.err = nil
	if f, _ = decodeOne(`1.5`, decFloat64); f != 1.5 {
		t.Error("sanity")
	}
}
