//go:build goexperiment.jsonv2

package templates

import (
	jsonv2 "encoding/json/v2"
	"testing"
)

// BenchmarkTimelineDecodeV2 measures encoding/json/v2 (Go's experimental
// JSON v2, the code of github.com/go-json-experiment/json) on the timeline
// of BenchmarkTimelineDecode, into the same plain structs as its
// encoding_json case. It is the alternative issue 13 asked us to weigh:
//
//	GOEXPERIMENT=jsonv2 go test ./templates -run '^$' -bench 'TimelineDecode' -benchmem
//
// Into plain structs it is lossy as encoding/json is: keeping undeclared
// members would need a `json:",unknown"` field on every type, and a value
// of the wrong kind fails the whole decode either way.
func BenchmarkTimelineDecodeV2(b *testing.B) {
	body := timelineBody(b, 100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var tl []plainNote
		if err := jsonv2.Unmarshal(body, &tl); err != nil {
			b.Fatal(err)
		}
	}
}
