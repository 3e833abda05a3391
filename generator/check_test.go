package generator

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "misskey")
	files := testdataFiles(t)

	t.Run("missing directory", func(t *testing.T) {
		d, err := Check(dir, files)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Added) != len(files) || len(d.Changed)+len(d.Removed) != 0 {
			t.Errorf("drift %+v", d.Summary())
		}
	})

	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	// A user's file does not count as drift.
	if err := os.WriteFile(filepath.Join(dir, "helper.go"), []byte(userFile), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("current", func(t *testing.T) {
		d, err := Check(dir, files)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Empty() || d.Diff != "" || d.Summary() != "" {
			t.Errorf("drift on a current directory: %s\n%s", d.Summary(), d.Diff)
		}
	})

	// Tamper: edit one line of types.go, delete permissions.go, add a stale
	// generated file.
	typesPath := filepath.Join(dir, "types.go")
	src, err := os.ReadFile(typesPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	edited := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "type ") {
			edited = i
			break
		}
	}
	if edited < 0 {
		t.Fatal("types.go declares no type")
	}
	original := lines[edited]
	lines[edited] = original + " // edited by hand"
	if err := os.WriteFile(typesPath, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "permissions.go")); err != nil {
		t.Fatal(err)
	}
	stale := "// " + Header + "\n\npackage misskey\n\nconst leftOver = 1\n"
	if err := os.WriteFile(filepath.Join(dir, "api_gone.go"), []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("tampered", func(t *testing.T) {
		d, err := Check(dir, files)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Changed, []string{"types.go"}) || !slices.Equal(d.Added, []string{"permissions.go"}) || !slices.Equal(d.Removed, []string{"api_gone.go"}) {
			t.Fatalf("changed %q, added %q, removed %q", d.Changed, d.Added, d.Removed)
		}
		if d.Empty() {
			t.Error("Empty() on a drifted directory")
		}
		wantSummary := "changed: types.go\nadded:   permissions.go\nremoved: api_gone.go\n"
		if d.Summary() != wantSummary {
			t.Errorf("summary %q, want %q", d.Summary(), wantSummary)
		}
		for _, want := range []string{
			"--- a/" + diffLabel(typesPath) + "\n+++ b/" + diffLabel(typesPath) + "\n",
			fmt.Sprintf("@@ -%d,7 +%d,7 @@\n", edited-2, edited-2),
			"\n-" + original + " // edited by hand\n+" + original + "\n",
			"--- /dev/null\n+++ b/" + diffLabel(filepath.Join(dir, "permissions.go")) + "\n@@ -0,0 +1,",
			"--- a/" + diffLabel(filepath.Join(dir, "api_gone.go")) + "\n+++ /dev/null\n@@ -1,5 +0,0 @@\n-// " + Header + "\n-\n-package misskey\n-\n-const leftOver = 1\n",
		} {
			if !strings.Contains(d.Diff, want) {
				t.Errorf("diff lacks %q:\n%s", want, d.Diff)
			}
		}
		if strings.Contains(d.Diff, "helper.go") {
			t.Error("the diff mentions the user's file")
		}
	})
}

func TestUnifiedDiff(t *testing.T) {
	nums := func(from, to int, edit map[int]string) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			if s, ok := edit[i]; ok {
				b.WriteString(s + "\n")
				continue
			}
			fmt.Fprintf(&b, "%d\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name string
		a, b []byte
		want string // after the --- +++ header
	}{
		{name: "identical", a: []byte("a\nb\n"), b: []byte("a\nb\n"), want: ""},
		{name: "both empty", a: []byte{}, b: []byte{}, want: ""},
		{name: "insertion", a: []byte("a\nb\nc\n"), b: []byte("a\nb\nX\nc\n"), want: "@@ -1,3 +1,4 @@\n a\n b\n+X\n c\n"},
		{name: "deletion", a: []byte("a\nb\nc\n"), b: []byte("a\nc\n"), want: "@@ -1,3 +1,2 @@\n a\n-b\n c\n"},
		{name: "empty to three lines", a: nil, b: []byte("a\nb\nc\n"), want: "@@ -0,0 +1,3 @@\n+a\n+b\n+c\n"},
		{name: "three lines to empty", a: []byte("a\nb\nc\n"), b: nil, want: "@@ -1,3 +0,0 @@\n-a\n-b\n-c\n"},
		{name: "both ends, two hunks", a: []byte(nums(1, 10, nil)), b: []byte(nums(1, 10, map[int]string{1: "0", 10: "TEN"})),
			want: "@@ -1,4 +1,4 @@\n-1\n+0\n 2\n 3\n 4\n@@ -7,4 +7,4 @@\n 7\n 8\n 9\n-10\n+TEN\n"},
		{name: "two hunks far apart", a: []byte(nums(1, 20, nil)), b: []byte(nums(1, 20, map[int]string{2: "two", 18: "eighteen"})),
			want: "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n"},
		{name: "changes six lines apart share a hunk", a: []byte(nums(1, 12, nil)), b: []byte(nums(1, 12, map[int]string{3: "c", 10: "j"})),
			want: "@@ -1,12 +1,12 @@\n 1\n 2\n-3\n+c\n 4\n 5\n 6\n 7\n 8\n 9\n-10\n+j\n 11\n 12\n"},
		{name: "no final newline", a: []byte("a\nb"), b: []byte("a\nc"), want: "@@ -1,2 +1,2 @@\n a\n-b\n+c\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := "a/f.go", "b/f.go"
			if tt.a == nil {
				from = "/dev/null"
			}
			if tt.b == nil {
				to = "/dev/null"
			}
			got := unifiedDiff("f.go", tt.a, tt.b, 200)
			want := "--- " + from + "\n+++ " + to + "\n" + tt.want
			if got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		got := unifiedDiff("f.go", nil, []byte(nums(1, 50, nil)), 10)
		if !strings.HasSuffix(got, "+10\n… diff truncated after 10 lines\n") || strings.Contains(got, "+11\n") {
			t.Errorf("got\n%s", got)
		}
	})
}

// TestDiffLines checks on random inputs that the edit script turns a into
// b, that its line indexes are right, and that it is minimal (as long as
// the longest common subsequence allows).
func TestDiffLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func() []string {
		n := rng.IntN(12)
		out := make([]string, n)
		for i := range out {
			out[i] = string(rune('a' + rng.IntN(4)))
		}
		return out
	}
	for iter := 0; iter < 2000; iter++ {
		a, b := gen(), gen()
		ops := diffLines(a, b)
		var gotA, gotB []string
		edits := 0
		for _, op := range ops {
			switch op.kind {
			case ' ':
				if op.a >= len(a) || op.b >= len(b) || a[op.a] != op.text || b[op.b] != op.text {
					t.Fatalf("diffLines(%q, %q): bad context op %+v", a, b, op)
				}
				gotA, gotB = append(gotA, op.text), append(gotB, op.text)
			case '-':
				if op.a >= len(a) || a[op.a] != op.text {
					t.Fatalf("diffLines(%q, %q): bad delete op %+v", a, b, op)
				}
				gotA = append(gotA, op.text)
				edits++
			case '+':
				if op.b >= len(b) || b[op.b] != op.text {
					t.Fatalf("diffLines(%q, %q): bad insert op %+v", a, b, op)
				}
				gotB = append(gotB, op.text)
				edits++
			default:
				t.Fatalf("op kind %q", op.kind)
			}
		}
		if !slices.Equal(gotA, a) || !slices.Equal(gotB, b) {
			t.Fatalf("diffLines(%q, %q) = %+v does not reproduce the inputs", a, b, ops)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
			t.Fatalf("diffLines(%q, %q): %d edits, want the minimum %d", a, b, edits, want)
		}
	}
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// TestDiffLinesLarge: past the edit budget the diff still reproduces both
// sides, and it stays fast on unrelated files.
func TestDiffLinesLarge(t *testing.T) {
	a := make([]string, 3000)
	b := make([]string, 3000)
	for i := range a {
		a[i] = fmt.Sprintf("a%d", i)
		b[i] = fmt.Sprintf("b%d", i)
	}
	ops := diffLines(a, b)
	var gotA, gotB []string
	for _, op := range ops {
		if op.kind != '+' {
			gotA = append(gotA, op.text)
		}
		if op.kind != '-' {
			gotB = append(gotB, op.text)
		}
	}
	if !slices.Equal(gotA, a) || !slices.Equal(gotB, b) {
		t.Fatal("the fallback diff does not reproduce the inputs")
	}
}

// diffLabel is how a path appears after "a/" or "b/" in a diff header.
func diffLabel(path string) string {
	return strings.TrimPrefix(filepath.ToSlash(path), "/")
}
