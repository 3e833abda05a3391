package generator_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// largestSpec returns the largest document in ../shared/specs.
func largestSpec(b *testing.B) (string, []byte) {
	var best string
	var size int64
	for _, f := range gentest.Specs(b) {
		if fi, err := os.Stat(f); err == nil && fi.Size() > size {
			best, size = f, fi.Size()
		}
	}
	data, err := os.ReadFile(best)
	if err != nil {
		b.Fatal(err)
	}
	return best, data
}

// BenchmarkGenerateLargest times a whole generation (parse, model, emit,
// format; no disk writes) of the largest real document.
func BenchmarkGenerateLargest(b *testing.B) {
	name, data := largestSpec(b)
	b.Logf("document: %s (%d bytes)", filepath.Base(name), len(data))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := generator.Generate(&generator.Input{Name: name, Data: data}, generator.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseLargest times the kin-openapi load alone, for comparison.
func BenchmarkParseLargest(b *testing.B) {
	name, data := largestSpec(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := generator.Parse(&generator.Input{Name: name, Data: data}); err != nil {
			b.Fatal(err)
		}
	}
}
