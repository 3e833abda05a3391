package generator_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// TestPermissionSet checks, for every real document, that the generated
// Permission constants are exactly the permissions the endpoint
// descriptions name, and that each endpoint's metadata carries its own.
func TestPermissionSet(t *testing.T) {
	re := regexp.MustCompile(`\*\*Permission\*\*: \*([^*]+)\*`)
	for _, spec := range gentest.Specs(t) {
		t.Run(filepath.Base(spec), func(t *testing.T) {
			data, err := os.ReadFile(spec)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Paths map[string]map[string]struct {
					Description string `json:"description"`
				} `json:"paths"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			perEndpoint := map[string][]string{}
			for path, ops := range doc.Paths {
				op, ok := ops["post"]
				if !ok {
					op = ops["get"]
				}
				for _, m := range re.FindAllStringSubmatch(op.Description, -1) {
					for _, p := range strings.Split(m[1], ",") {
						p = strings.TrimSpace(p)
						want[p] = true
						perEndpoint[strings.Trim(path, "/")] = append(perEndpoint[strings.Trim(path, "/")], p)
					}
				}
			}
			parsed, err := generator.Parse(&generator.Input{Name: spec, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			api, err := generator.Build(parsed)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range api.Permissions {
				got = append(got, p.Value)
			}
			wantList := make([]string, 0, len(want))
			for p := range want {
				wantList = append(wantList, p)
			}
			sort.Strings(wantList)
			if strings.Join(got, ",") != strings.Join(wantList, ",") {
				t.Errorf("permission set differs:\n got %v\nwant %v", got, wantList)
			}
			for _, ep := range api.Endpoints {
				if strings.Join(ep.Permissions, ",") != strings.Join(perEndpoint[ep.Name], ",") {
					t.Errorf("%s: permissions %v, description names %v", ep.Name, ep.Permissions, perEndpoint[ep.Name])
				}
			}
			t.Logf("%d permissions, %d endpoints", len(got), len(api.Endpoints))
		})
	}
}
