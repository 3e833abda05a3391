package templates

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzDecode checks the decoder against encoding/json on arbitrary input:
//
//	go test ./templates -run '^$' -fuzz FuzzDecode -fuzztime 5m
//
// (a) nothing panics; (b) the decode fails with a syntax error exactly when
// json.Valid reports the input invalid, whatever the target type; (c) decAny
// gives what encoding/json gives into an any; (d) encAny writes that value
// back byte for byte as json.Marshal does; (e) every scalar reader agrees
// with encoding/json on the same literal; and (f) decoding into the
// generated-shape types and encoding again is lossless: the JSON means the
// same as the input (times compared as instants, since they are written in
// UTC).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"x","createdAt":"2026-11-24T20:09:33.187Z","text":null,"renoteCount":"3","reactions":{"a":1e3},"zz":[1,{"a":null}]}`,
		`[{"id":1,"files":[{"size":1.5,"properties":{"w":1e400}}]},{"reply":{"reply":null},"cw":null,"cw":"x"}]`,
		`["a","b"]`, `"\ud83d\udc1f\ud83d x \u00e9 \/ \b"`, "\"\xff\xfe\"", `-0.0e-0`, `1E+2`, `9223372036854775808`,
		`-9.223372036854775808e18`, `1e400`, `true`, `null`, `{"a":1,"a":2}`, `[[[[]]]]`, `{"":{"~/":[]}}`,
		`"2026-01-02T03:04:05+09:00"`, `"2026-02-30T00:00:00.000Z"`, ` {"id" : "x" , } `, `[1,]`, `{"a"}`, `"\u12"`,
		`{"text":1,"text":null,"reply":"x","reply":null}`, `{"user":{"badgeRoles":[{"displayOrder":2.0}],"instance":{"name":null}}}`,
	} {
		f.Add([]byte(s))
	}
	if files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "recordings", "2024.10.1", "http", "notes__*.json")); len(files) > 0 {
		for _, name := range files[:min(len(files), 8)] {
			b, err := os.ReadFile(name)
			if err != nil {
				continue
			}
			var rec struct {
				Body json.RawMessage `json:"body"`
			}
			if json.Unmarshal(b, &rec) == nil {
				f.Add([]byte(rec.Body))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		input := bytes.Clone(data) // the decoder must not write to data
		valid := json.Valid(data)
		if validJSON(data) != valid {
			t.Fatalf("validJSON = %v, json.Valid = %v", !valid, valid)
		}

		// (b) every target reports a syntax error exactly for invalid input.
		targets := []jsonValue{&tNote{}, &tTimeline{}, &tMutedWord{}, &tHostCount{}, &tUserDetailed{}, &tRole{}}
		for _, v := range targets {
			for _, strict := range []bool{false, true} {
				ms, err := decodeJSONValue(nil, data, v, strict)
				if (outcome(err) == "syntax") != !valid {
					t.Fatalf("%T strict=%v: %v; json.Valid %v", v, strict, err, valid)
				}
				if o := outcome(err); o != "ok" && o != "syntax" && o != "misfit" {
					t.Fatalf("%T: unexpected error %v", v, err)
				}
				if err != nil && ms != nil {
					t.Fatalf("%T: misfits and an error", v)
				}
				for _, m := range ms {
					if !json.Valid(m.Value) {
						t.Fatalf("%T: mismatch %v holds invalid JSON", v, m)
					}
				}
			}
		}
		var box anyBox
		_, err := decodeJSONValue(nil, data, &box, false)
		if (outcome(err) == "syntax") != !valid {
			t.Fatalf("any: %v; json.Valid %v", err, valid)
		}
		if !bytes.Equal(data, input) {
			t.Fatalf("the decoder modified its input")
		}
		if !valid {
			return
		}

		// (c) decAny against encoding/json.
		var want any
		jerr := json.Unmarshal(data, &want)
		var ute *json.UnmarshalTypeError
		switch {
		case jerr == nil:
			if err != nil || !reflect.DeepEqual(box.v, want) {
				t.Fatalf("decAny = %#v, %v; encoding/json %#v", box.v, err, want)
			}
		case errors.As(jerr, &ute):
			if outcome(err) != "misfit" {
				t.Fatalf("decAny: %v; encoding/json: %v", err, jerr)
			}
		default:
			t.Fatalf("encoding/json: %v on valid input", jerr)
		}

		// (d) encAny against json.Marshal.
		if jerr == nil {
			out, err := marshalJSONValue(&box)
			wantOut, werr := json.Marshal(want)
			if err != nil || werr != nil || !bytes.Equal(out, wantOut) {
				t.Fatalf("encAny = %s, %v; json.Marshal %s, %v", out, err, wantOut, werr)
			}
		}

		// (e) scalar readers.
		isNull := bytes.Equal(bytes.Trim(data, " \t\r\n"), []byte("null"))
		checkScalarAgainstJSON(t, data, isNull, decString, func(a, b string) bool { return a == b })
		checkScalarAgainstJSON(t, data, isNull, decEnum[tNoteVisibility], func(a, b tNoteVisibility) bool { return a == b })
		checkScalarAgainstJSON(t, data, isNull, decFloat64, func(a, b float64) bool { return a == b })
		checkScalarAgainstJSON(t, data, isNull, decBool, func(a, b bool) bool { return a == b })
		checkScalarAgainstJSON(t, data, isNull, decTime, func(a, b time.Time) bool {
			_, oa := a.Zone()
			_, ob := b.Zone()
			return a.Equal(b) && oa == ob
		})
		checkInt64(t, data, isNull)
		raw, res := decodeOne(string(data), decRaw)
		if res != "ok" || !bytes.Equal(raw, bytes.Trim(data, " \t\r\n")) {
			t.Fatalf("decRaw = %s %s", raw, res)
		}

		// (f) lossless through the generated-shape types.
		if jerr != nil {
			return // a number beyond float64: encoding/json cannot compare
		}
		for _, v := range []func() jsonValue{
			func() jsonValue { return &tNote{} },
			func() jsonValue { return &tTimeline{} },
			func() jsonValue { return &tMutedWord{} },
			func() jsonValue { return &tRole{} },
			func() jsonValue { return &tHostCount{} },
			func() jsonValue { return &tUserDetailed{} },
		} {
			v, strict := v(), v()
			lenient, err := decodeJSONValue(nil, data, v, false)
			if err != nil {
				continue // a top-level misfit: nothing to re-encode
			}
			if _, serr := decodeJSONValue(nil, data, strict, true); (serr != nil) != (len(lenient) > 0) {
				t.Fatalf("%T: strict %v, lenient misfits %v", v, serr, lenient)
			}
			out, err := marshalJSONValue(v)
			if err != nil {
				t.Fatalf("%T: encoding: %v", v, err)
			}
			var got any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%T: encoded invalid JSON %s: %v", v, out, err)
			}
			if !reflect.DeepEqual(normalizeTimes(got), normalizeTimes(want)) {
				t.Fatalf("%T: not lossless:\n in %s\nout %s", v, data, out)
			}
		}
	})
}

// checkScalarAgainstJSON decodes data with r and with encoding/json into a
// T. Where encoding/json succeeds on anything but null, r must give the same
// value; where it fails, r must report a misfit. (encoding/json ignores null
// for these types; the readers report it as a misfit so that it is kept.)
func checkScalarAgainstJSON[T any](t *testing.T, data []byte, isNull bool, r func(*T, *jsonDecoder) bool, eq func(a, b T) bool) {
	t.Helper()
	got, res := decodeOne(string(data), r)
	var want T
	jerr := json.Unmarshal(data, &want)
	switch {
	case isNull:
		if res != "misfit" {
			t.Fatalf("%T reader on null: %s", want, res)
		}
	case jerr == nil:
		if res != "ok" || !eq(got, want) {
			t.Fatalf("%T reader = %v %s; encoding/json %v", want, got, res, want)
		}
	default:
		if res != "misfit" {
			t.Fatalf("%T reader = %v %s; encoding/json: %v", want, got, res, jerr)
		}
	}
}

// checkInt64: decInt64 accepts all encoding/json accepts and, beyond that,
// only numbers with an integral value in int64's range (1e3, 2.0).
func checkInt64(t *testing.T, data []byte, isNull bool) {
	got, res := decodeOne(string(data), decInt64)
	var want int64
	jerr := json.Unmarshal(data, &want)
	if isNull {
		if res != "misfit" {
			t.Fatalf("decInt64 on null: %s", res)
		}
		return
	}
	if jerr == nil {
		if res != "ok" || got != want {
			t.Fatalf("decInt64 = %v %s; encoding/json %v", got, res, want)
		}
		return
	}
	lit := bytes.Trim(data, " \t\r\n")
	fits, val := integralValue(lit)
	if fits != (res == "ok") || (fits && val != got) {
		t.Fatalf("decInt64(%s) = %v %s; integral within int64: %v %v", lit, got, res, fits, val)
	}
}

// integralValue reports whether the JSON text lit is a number whose value is
// an integer within int64, and which, computed with math/big.
func integralValue(lit []byte) (bool, int64) {
	if len(lit) == 0 || (lit[0] != '-' && (lit[0] < '0' || lit[0] > '9')) {
		return false, 0
	}
	mant, exp := lit, int64(0)
	if i := bytes.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		e, ok := new(big.Int).SetString(strings.TrimPrefix(string(lit[i+1:]), "+"), 10)
		if !ok {
			return false, 0
		}
		// Beyond these bounds the answer does not depend on the exponent:
		// a mantissa of len(lit) digits times 10^exp is either a fraction
		// or beyond int64, unless it is zero.
		limit := big.NewInt(int64(len(lit) + 40))
		switch {
		case e.Cmp(limit) > 0:
			exp = limit.Int64()
		case e.Cmp(new(big.Int).Neg(limit)) < 0:
			exp = -limit.Int64()
		default:
			exp = e.Int64()
		}
	}
	r, ok := new(big.Rat).SetString(string(mant))
	if !ok {
		return false, 0
	}
	pow := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(max(exp, -exp)), nil))
	if exp >= 0 {
		r.Mul(r, pow)
	} else {
		r.Quo(r, pow)
	}
	if !r.IsInt() || !r.Num().IsInt64() {
		return false, 0
	}
	return true, r.Num().Int64()
}

// normalizeTimes rewrites every string that is an RFC 3339 time as the same
// instant in UTC, so that values compare equal whatever zone they were
// written in.
func normalizeTimes(v any) any {
	switch v := v.(type) {
	case string:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t.UTC().Format(time.RFC3339Nano)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = normalizeTimes(e)
		}
	case []any:
		for i, e := range v {
			v[i] = normalizeTimes(e)
		}
	}
	return v
}
