package generator_test

import (
	"fmt"
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

// BenchmarkBuildLargestOutput times `go build` of the package generated from
// the largest real document. Each iteration changes one constant in the
// package, so the package itself is compiled again while its dependencies
// come from the build cache, as in a user's edit-build cycle.
func BenchmarkBuildLargestOutput(b *testing.B) {
	name, _ := largestSpec(b)
	files, _ := gentest.Generate(b, name, "misskey")
	mod := gentest.NewModule(b)
	mod.AddPackage(b, "largest", files)
	if out, err := mod.Go(nil, "build", "./largest"); err != nil { // warm the cache for the dependencies
		b.Fatalf("go build: %v\n%s", err, out)
	}
	i := 0
	for b.Loop() {
		i++
		mod.AddFile(b, "largest", "zz_bench.go", []byte(fmt.Sprintf("package misskey\n\nconst benchIteration = %d\n", i)))
		if out, err := mod.Go(nil, "build", "./largest"); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
}
