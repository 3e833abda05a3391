package generator_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// hostileCase is one entry of testdata/hostile/cases.json.
type hostileCase struct {
	File  string   `json:"file"`
	Claim string   `json:"claim"`
	Error []string `json:"error"` // phrases of the refusal; none: the document must generate
}

// directiveLineRe matches a line Go tools act on, after leading space.
var directiveLineRe = regexp.MustCompile(`^[ \t]*(//go:|//line |//export |//extern |//[ \t]*\+build)`)

// TestHostileCorpus runs testdata/hostile (see its README.md). Refused
// documents must fail with the file name, a JSON pointer and the case's
// phrases. The others must generate packages without a directive line, and
// those packages must build, vet, and run nothing on go generate: every
// //go:generate in the documents would touch a hostile-marker file.
func TestHostileCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "hostile")
	data, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostileCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	m := gentest.NewModule(t)
	var packages []string
	for _, c := range cases {
		listed[c.File] = true
		t.Run(c.File, func(t *testing.T) {
			if c.Claim == "" {
				t.Error("the case names no README claim")
			}
			doc, err := os.ReadFile(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			files, _, err := generator.Generate(&generator.Input{Name: c.File, Data: doc}, generator.Options{Package: "hostile"})
			if c.Error != nil {
				if err == nil {
					t.Fatal("the document generated; it must be refused")
				}
				if !strings.HasPrefix(err.Error(), c.File+": #/") {
					t.Errorf("the error does not start with the file and a JSON pointer: %.300s", err)
				}
				for _, w := range c.Error {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("the error %.500q does not contain %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("generation failed: %v", err)
			}
			for _, f := range files {
				for i, line := range strings.Split(string(f.Content), "\n") {
					if directiveLineRe.MatchString(line) {
						t.Errorf("%s:%d: a directive: %q", f.Name, i+1, line)
					}
				}
			}
			sub := "case_" + strings.Trim(nonWord.ReplaceAllString(strings.TrimSuffix(c.File, ".json"), "_"), "_")
			m.AddPackage(t, sub, files)
			packages = append(packages, sub)
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && e.Name() != "cases.json" && !listed[e.Name()] {
			t.Errorf("%s is not listed in cases.json", e.Name())
		}
	}
	if len(packages) == 0 {
		t.Fatal("no case generated a package")
	}
	if testing.Short() {
		t.Skip("-short: not building the generated packages")
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"generate", "-x", "./..."}} {
		out, err := m.Go(nil, args...)
		if err != nil {
			t.Fatalf("go %s (packages %v): %v\n%s", strings.Join(args, " "), packages, err, out)
		}
		if args[0] == "generate" && strings.TrimSpace(out) != "" {
			t.Errorf("go generate ran commands:\n%s", out)
		}
	}
	filepath.WalkDir(m.Dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "hostile-marker") {
			t.Errorf("go generate ran a command from the document: %s exists", path)
		}
		return nil
	})
}
