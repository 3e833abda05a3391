package templates

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// Benchmarks of the codec against encoding/json:
//
//	go test ./templates -run '^$' -bench 'Timeline|Nesting' -benchmem
//
// The timeline is 100 recorded notes (see timelineBody); the codec decodes
// into the generated-shape types of json_types_test.go, encoding/json into
// plain structs with the same fields.

func BenchmarkTimelineDecode(b *testing.B) {
	body := timelineBody(b, 100)
	b.Run("codec", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		ctx := context.Background()
		for b.Loop() {
			var tl tTimeline
			if _, err := decodeJSONValue(ctx, body, &tl, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var tl []plainNote
			if err := json.Unmarshal(body, &tl); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("codec_any", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var v anyBox
			if _, err := decodeJSONValue(nil, body, &v, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_json_any", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("validate_codec", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if !validJSON(body) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("validate_encoding_json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if !json.Valid(body) {
				b.Fatal("invalid")
			}
		}
	})
}

func BenchmarkTimelineEncode(b *testing.B) {
	body := timelineBody(b, 100)
	var tl tTimeline
	if _, err := decodeJSONValue(nil, body, &tl, true); err != nil {
		b.Fatal(err)
	}
	var plain []plainNote
	if err := json.Unmarshal(body, &plain); err != nil {
		b.Fatal(err)
	}
	b.Run("codec", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := marshalJSONValue(&tl); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("codec_append", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		buf := make([]byte, 0, 2*len(body))
		for b.Loop() {
			var err error
			if buf, err = appendJSONValue(buf[:0], &tl); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNesting decodes a role condition nesting "not" N deep, typed and
// untyped (map[string]any): time and memory grow linearly with N.
func BenchmarkNesting(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000, 8000} {
		body := condFormula(n)
		b.Run(fmt.Sprintf("typed/N=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var f tCondFormula
				if _, err := decodeJSONValue(nil, body, &f, false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("any/N=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var v anyBox
				if _, err := decodeJSONValue(nil, body, &v, false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("skip/N=%d", n), func(b *testing.B) {
			wrapped := append(append([]byte(`{"unknown":`), body...), '}')
			b.SetBytes(int64(len(wrapped)))
			b.ReportAllocs()
			for b.Loop() {
				var r tBadgeRole
				if _, err := decodeJSONValue(nil, wrapped, &r, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
