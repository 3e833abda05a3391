package templates

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEmbedListsEveryRuntimeFile fails when a runtime file is added to or
// removed from the directory without the //go:embed lists in embed.go
// following: a file left out would be missing from every generated package.
func TestEmbedListsEveryRuntimeFile(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		read func() ([]RuntimeFile, error)
	}{
		{".", Files},
		{"misskeytest", TestServerFiles},
	} {
		entries, err := os.ReadDir(tc.dir)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || filepath.Ext(name) != ".go" || strings.HasSuffix(name, "_test.go") || notCopied[name] {
				continue
			}
			want = append(want, name)
		}
		files, err := tc.read()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range files {
			got = append(got, f.Name)
			if strings.HasSuffix(f.Name, "_test.go") {
				t.Errorf("%s: test file %s is embedded", tc.dir, f.Name)
			}
			disk, err := os.ReadFile(filepath.Join(tc.dir, f.Name))
			if err != nil {
				t.Fatal(err)
			}
			if string(disk) != string(f.Source) {
				t.Errorf("%s/%s: embedded source differs from the file", tc.dir, f.Name)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: embedded %v, directory has %v; update the //go:embed lists in embed.go", tc.dir, got, want)
		}
	}
}
