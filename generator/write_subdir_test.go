package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testServerFiles generates the testdata package with its misskeytest
// subpackage.
func testServerFiles(t *testing.T) []File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	files, _, err := Generate(&Input{Name: "openapi.json", Data: data}, Options{Package: "misskey", ImportPath: "example.com/bot/misskey"})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// hashTree returns the SHA-256 of every file under dir by slash path,
// directories as "dir".
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func assertSameTree(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	after := hashTree(t, dir)
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

func TestTestServerFiles(t *testing.T) {
	files := testServerFiles(t)
	var sub []string
	for _, f := range files {
		if !IsGenerated(f.Content) {
			t.Errorf("%s lacks the header", f.Name)
		}
		if name, ok := strings.CutPrefix(f.Name, TestServerDir+"/"); ok {
			sub = append(sub, name)
			src := string(f.Content)
			if !strings.Contains(src, "\npackage misskeytest\n") {
				t.Errorf("%s is not in package misskeytest", f.Name)
			}
			if strings.Contains(src, "misskey-gen/templates") {
				t.Errorf("%s still imports the template runtime", f.Name)
			}
			if strings.Contains(src, "misskey.") && !strings.Contains(src, `misskey "example.com/bot/misskey"`) {
				t.Errorf("%s does not import the client", f.Name)
			}
		}
	}
	for _, want := range []string{"endpoints.go", "handlers.go", "misskeytest.go", "validate.go"} {
		if !slices.Contains(sub, want) {
			t.Errorf("misskeytest has no %s (has %q)", want, sub)
		}
	}
	for _, notCopied := range []string{"spec_stub.go", "server_test.go"} {
		if slices.Contains(sub, notCopied) {
			t.Errorf("%s was copied", notCopied)
		}
	}
	if _, _, err := Generate(&Input{Name: "x.json", Data: []byte(`{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{}}`)},
		Options{ImportPath: `bad "path`}); err == nil || !strings.Contains(err.Error(), "import path") {
		t.Errorf("a bad import path: %v", err)
	}
}

func TestImportPathOf(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/go.mod", "// comment\nmodule example.com/a // trailing\n\ngo 1.25\n")
	write("a/b/go.mod", "module \"example.com/quoted\"\n")
	write("c/go.mod", "go 1.25\n")
	for _, tt := range []struct{ dir, want, err string }{
		{"a", "example.com/a", ""},
		{"a/x/y", "example.com/a/x/y", ""},
		{"a/x/not/yet", "example.com/a/x/not/yet", ""},
		{"a/b/misskey", "example.com/quoted/misskey", ""},
		{"c/misskey", "", "no module directive"},
	} {
		got, err := ImportPathOf(filepath.Join(root, tt.dir))
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: %q, %v; want an error with %q", tt.dir, got, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("%s: %q, %v; want %q", tt.dir, got, err, tt.want)
		}
	}
	if _, err := os.Stat("/go.mod"); err == nil {
		t.Skip("a go.mod at the root of the file system")
	}
	if got, err := ImportPathOf(filepath.Join(root, "d", "misskey")); !errors.Is(err, ErrNoModule) {
		t.Errorf("no go.mod: %q, %v", got, err)
	}
}

// TestWriteTestServer covers the misskeytest subdirectory: written,
// checked, repaired, removed when no longer generated, the user's files in
// it kept, and a failed run leaving everything as it was.
func TestWriteTestServer(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "misskey")
	files := testServerFiles(t)
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	userTest := filepath.Join(dir, TestServerDir, "extra_test.go")
	if err := os.WriteFile(userTest, []byte("package misskeytest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err := Check(dir, files); err != nil || !d.Empty() {
		t.Fatalf("check after write: %v %s", err, d.Summary())
	}

	handlers := filepath.Join(dir, TestServerDir, "handlers.go")
	orig, _ := os.ReadFile(handlers)
	if err := os.WriteFile(handlers, append(orig, "// edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, TestServerDir, "old.go")
	if err := os.WriteFile(stale, []byte("// "+Header+"\n\npackage misskeytest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Check(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Changed, []string{"misskeytest/handlers.go"}) || !slices.Equal(d.Removed, []string{"misskeytest/old.go"}) || len(d.Added) != 0 {
		t.Errorf("drift %s", d.Summary())
	}
	if !strings.Contains(d.Diff, "+++ b/"+diffLabel(handlers)) {
		t.Errorf("diff lacks handlers.go:\n%.500s", d.Diff)
	}
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(handlers); string(b) != string(orig) {
		t.Error("handlers.go not repaired")
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale file kept: %v", err)
	}

	t.Run("refusals", func(t *testing.T) {
		before := hashTree(t, dir)
		clash := append(slices.Clone(files), File{Name: TestServerDir + "/extra_test.go", Content: []byte("// " + Header + "\n")})
		if err := Write(dir, clash); err == nil || !strings.Contains(err.Error(), "was not generated") {
			t.Errorf("overwriting the user's file: %v", err)
		}
		for _, name := range []string{"other/x.go", "misskeytest/a/b.go", "misskeytest/", "misskeytest/previous"} {
			if err := Write(dir, []File{{Name: name}}); err == nil || !strings.Contains(err.Error(), "cannot write a file named") {
				t.Errorf("Write(%q): %v", name, err)
			}
		}
		assertSameTree(t, dir, before)

		other := filepath.Join(t.TempDir(), "misskey")
		if err := os.MkdirAll(other, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(other, TestServerDir), []byte("a file"), 0o644); err != nil {
			t.Fatal(err)
		}
		beforeOther := hashTree(t, other)
		if err := Write(other, files); err == nil || !strings.Contains(err.Error(), "is not a directory") {
			t.Errorf("misskeytest is a file: %v", err)
		}
		assertSameTree(t, other, beforeOther)
	})

	t.Run("failing at every rename leaves the tree as it was", func(t *testing.T) {
		fresh := filepath.Join(t.TempDir(), "misskey")
		client := slices.DeleteFunc(slices.Clone(files), func(f File) bool { return strings.HasPrefix(f.Name, TestServerDir+"/") })
		if err := Write(fresh, client); err != nil {
			t.Fatal(err)
		}
		before := hashTree(t, fresh)
		// Count the renames of a run (on a copy), and note those of the
		// subdirectory; fail at each of them, and at the first and last.
		probe := filepath.Join(t.TempDir(), "misskey")
		if err := Write(probe, client); err != nil {
			t.Fatal(err)
		}
		var at []int
		total := 0
		if err := writeFiles(probe, files, func(o, nw string) error {
			total++
			if total == 1 || strings.Contains(nw, string(filepath.Separator)+TestServerDir+string(filepath.Separator)) {
				at = append(at, total)
			}
			return os.Rename(o, nw)
		}); err != nil {
			t.Fatal(err)
		}
		if want := 2*len(client) + len(files) - len(client); total != want {
			t.Fatalf("%d renames, want %d", total, want)
		}
		injected := errors.New("injected")
		for _, n := range append(at, total) {
			calls := 0
			err := writeFiles(fresh, files, func(o, nw string) error {
				calls++
				if calls == n {
					return injected
				}
				return os.Rename(o, nw)
			})
			if !errors.Is(err, injected) {
				t.Fatalf("rename %d of %d: %v", n, total, err)
			}
			assertSameTree(t, fresh, before)
			if t.Failed() {
				t.Fatalf("after a failure at rename %d of %d", n, total)
			}
		}
	})

	t.Run("no longer generated", func(t *testing.T) {
		client := slices.DeleteFunc(slices.Clone(files), func(f File) bool { return strings.HasPrefix(f.Name, TestServerDir+"/") })
		if err := Write(dir, client); err != nil {
			t.Fatal(err)
		}
		tree := hashTree(t, dir)
		for name := range tree {
			if strings.HasPrefix(name, TestServerDir+"/") && name != TestServerDir+"/extra_test.go" {
				t.Errorf("%s kept", name)
			}
		}
		if _, ok := tree[TestServerDir+"/extra_test.go"]; !ok {
			t.Error("the user's file was removed")
		}
		if err := os.Remove(userTest); err != nil {
			t.Fatal(err)
		}
		if err := Write(dir, files); err != nil {
			t.Fatal(err)
		}
		if err := Write(dir, client); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, TestServerDir)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the emptied misskeytest directory stays: %v", err)
		}
	})
}
