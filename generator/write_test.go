package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// testdataFiles generates the package of testdata/openapi.json.
func testdataFiles(t *testing.T) []File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	files, _, err := Generate(&Input{Name: "openapi.json", Data: data}, Options{Package: "misskey"})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// hashDir returns the SHA-256 of every file in dir (subdirectories as
// "dir"), by name.
func hashDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			out[e.Name()] = "dir"
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:])
	}
	return out
}

// assertSameDir fails when dir's files differ from before.
func assertSameDir(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	after := hashDir(t, dir)
	for name, h := range before {
		if after[name] != h {
			t.Errorf("%s changed or disappeared", name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s appeared", name)
		}
	}
}

// assertOnlyEntries fails when parent holds anything but names (a temporary
// directory left behind, say).
func assertOnlyEntries(t *testing.T, parent string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("%s holds %q, want %q", parent, got, names)
	}
}

// nextVersion is what a later generation might write: every file changed,
// one dropped (stale from then on) and one new.
func nextVersion(files []File) (next []File, dropped string) {
	for i, f := range files {
		if i == len(files)/2 {
			dropped = f.Name
			continue
		}
		next = append(next, File{Name: f.Name, Content: append(slices.Clip(f.Content), "\n// next version\n"...)})
	}
	next = append(next, File{Name: "zz_new.go", Content: []byte("// " + Header + "\n\npackage misskey\n")})
	return next, dropped
}

const userFile = "package misskey\n\n// Written by hand.\nfunc Helper() {}\n"

// setupPackage writes the testdata package into parent/misskey with a
// user-written file and a non-Go file beside it, and returns the package
// directory and the hashes of its files.
func setupPackage(t *testing.T) (parent, dir string, files []File, before map[string]string) {
	t.Helper()
	parent = t.TempDir()
	dir = filepath.Join(parent, "misskey")
	files = testdataFiles(t)
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"helper.go": userFile, "README.md": "notes\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before = hashDir(t, dir)
	if len(before) != len(files)+2 {
		t.Fatalf("%d files in the package, want %d", len(before), len(files)+2)
	}
	return parent, dir, files, before
}

// TestWriteFailsAtomically makes a generation fail while writing the new
// files and at every move into place, and checks that the previous package
// is byte-for-byte intact each time and that no temporary directory is left
// beside it.
func TestWriteFailsAtomically(t *testing.T) {
	parent, dir, files, before := setupPackage(t)
	next, dropped := nextVersion(files)

	t.Run("writing the Nth file fails", func(t *testing.T) {
		bad := slices.Clone(next)
		// A name longer than any file system allows: the files before it
		// are written to the temporary directory, then this one fails.
		bad = slices.Insert(bad, len(bad)/2, File{Name: strings.Repeat("x", 300) + ".go", Content: []byte("// " + Header + "\n")})
		err := Write(dir, bad)
		if err == nil {
			t.Fatal("Write succeeded")
		}
		assertSameDir(t, dir, before)
		assertOnlyEntries(t, parent, "misskey")
	})

	// Count the renames of a successful run, then fail at each of them.
	var total int
	{
		probeParent := t.TempDir()
		probe := filepath.Join(probeParent, "misskey")
		if err := Write(probe, files); err != nil {
			t.Fatal(err)
		}
		if err := writeFiles(probe, next, func(o, n string) error { total++; return os.Rename(o, n) }); err != nil {
			t.Fatal(err)
		}
		// Every file is moved aside and in, the new one only in, the
		// dropped one out.
		if want := 2*(len(next)-1) + 1 + 1; total != want {
			t.Fatalf("%d renames, want %d", total, want)
		}
	}
	for n := 1; n <= total; n++ {
		calls := 0
		injected := errors.New("injected rename failure")
		err := writeFiles(dir, next, func(o, nw string) error {
			calls++
			if calls == n {
				return injected
			}
			return os.Rename(o, nw)
		})
		if !errors.Is(err, injected) {
			t.Fatalf("rename %d of %d failing: err = %v", n, total, err)
		}
		assertSameDir(t, dir, before)
		assertOnlyEntries(t, parent, "misskey")
		if t.Failed() {
			t.Fatalf("after a failure at rename %d of %d (%v)", n, total, err)
		}
	}

	t.Run("then a run succeeds", func(t *testing.T) {
		if err := Write(dir, next); err != nil {
			t.Fatal(err)
		}
		after := hashDir(t, dir)
		if _, ok := after[dropped]; ok {
			t.Errorf("stale generated file %s was not removed", dropped)
		}
		for _, f := range next {
			b, err := os.ReadFile(filepath.Join(dir, f.Name))
			if err != nil || string(b) != string(f.Content) {
				t.Errorf("%s is not the new content (%v)", f.Name, err)
			}
		}
		for _, name := range []string{"helper.go", "README.md"} {
			if after[name] != before[name] {
				t.Errorf("user file %s was touched", name)
			}
		}
		assertOnlyEntries(t, parent, "misskey")
	})
}

func TestWriteNeverTouchesUserFiles(t *testing.T) {
	parent, dir, files, before := setupPackage(t)
	helper := filepath.Join(dir, "helper.go")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(helper, old, old); err != nil {
		t.Fatal(err)
	}

	t.Run("a generated file would replace a user file", func(t *testing.T) {
		clash := append(slices.Clone(files), File{Name: "helper.go", Content: []byte("// " + Header + "\n\npackage misskey\n")})
		err := Write(dir, clash)
		if err == nil || !strings.Contains(err.Error(), "helper.go exists and was not generated by misskey-gen") {
			t.Fatalf("err = %v", err)
		}
		assertSameDir(t, dir, before)
		assertOnlyEntries(t, parent, "misskey")
	})
	t.Run("a directory where a file goes", func(t *testing.T) {
		sub := filepath.Join(dir, "sub.go")
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(sub)
		err := Write(dir, append(slices.Clone(files), File{Name: "sub.go", Content: []byte("// " + Header + "\n")}))
		if err == nil || !strings.Contains(err.Error(), "is a directory") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("file names that are not names", func(t *testing.T) {
		for _, name := range []string{"", ".", "..", "../escape.go", "sub/x.go", "previous"} {
			err := Write(dir, []File{{Name: name, Content: []byte("// " + Header + "\n")}})
			if err == nil || !strings.Contains(err.Error(), "cannot write a file named") {
				t.Errorf("Write(%q): err = %v", name, err)
			}
		}
		if err := Write(dir, []File{{Name: "a.go"}, {Name: "a.go"}}); err == nil || !strings.Contains(err.Error(), "two files named a.go") {
			t.Errorf("duplicate names: err = %v", err)
		}
		assertSameDir(t, dir, before)
		assertOnlyEntries(t, parent, "misskey")
	})
	t.Run("a successful run removes only stale generated files", func(t *testing.T) {
		stale := filepath.Join(dir, "api_removed.go")
		if err := os.WriteFile(stale, []byte("// "+Header+"\n\npackage misskey\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		// A file that mentions the header later on is the user's.
		notOurs := filepath.Join(dir, "mentions.go")
		if err := os.WriteFile(notOurs, []byte("package misskey\n\n// "+Header+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Write(dir, files); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale generated file survived: %v", err)
		}
		if _, err := os.Stat(notOurs); err != nil {
			t.Errorf("user file removed: %v", err)
		}
		b, err := os.ReadFile(helper)
		if err != nil || string(b) != userFile {
			t.Errorf("helper.go changed: %q, %v", b, err)
		}
		if fi, err := os.Stat(helper); err != nil || !fi.ModTime().Equal(old) {
			t.Errorf("helper.go was rewritten (mtime %v, want %v)", fi.ModTime(), old)
		}
		got := slices.Sorted(maps.Keys(hashDir(t, dir)))
		want := []string{"README.md", "helper.go", "mentions.go"}
		for _, f := range files {
			want = append(want, f.Name)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("directory holds %q, want %q", got, want)
		}
		assertOnlyEntries(t, parent, "misskey")
	})
}

func TestIsGenerated(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"// " + Header + "\n\npackage x\n", true},
		{"// " + Header + "\r\n", true},
		{"// " + Header, true},
		{"package x\n// " + Header + "\n", false},
		{"// Code generated by another tool. DO NOT EDIT.\n", false},
		{"", false},
	} {
		if got := IsGenerated([]byte(tt.in)); got != tt.want {
			t.Errorf("IsGenerated(%q) = %v", tt.in, got)
		}
	}
}
