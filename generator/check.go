package generator

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Drift is how a directory differs from what the generator would write.
type Drift struct {
	Changed []string // files whose content differs
	Added   []string // files the generator would create
	Removed []string // generated files the generator would delete
	Diff    string   // compact unified diff of the changed, added and removed files
}

// Empty reports whether the directory is current.
func (d *Drift) Empty() bool { return len(d.Changed)+len(d.Added)+len(d.Removed) == 0 }

// Check compares dir with files without writing anything.
func Check(dir string, files []File) (*Drift, error) {
	d := &Drift{}
	var diff strings.Builder
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		old, err := os.ReadFile(path)
		switch {
		case os.IsNotExist(err):
			d.Added = append(d.Added, f.Name)
			diff.WriteString(unifiedDiff(path, nil, f.Content, maxDiffLines))
		case err != nil:
			return nil, err
		case !bytes.Equal(old, f.Content):
			d.Changed = append(d.Changed, f.Name)
			diff.WriteString(unifiedDiff(path, old, f.Content, maxDiffLines))
		}
	}
	if _, err := os.Stat(dir); err == nil {
		stale, err := staleFiles(dir, files)
		if err != nil {
			return nil, err
		}
		for _, name := range stale {
			d.Removed = append(d.Removed, name)
			old, _ := os.ReadFile(filepath.Join(dir, name))
			diff.WriteString(unifiedDiff(filepath.Join(dir, name), old, nil, maxDiffLines))
		}
	}
	sort.Strings(d.Changed)
	sort.Strings(d.Added)
	d.Diff = diff.String()
	return d, nil
}

// Summary lists the differing files, one per line.
func (d *Drift) Summary() string {
	var b strings.Builder
	for _, n := range d.Changed {
		fmt.Fprintf(&b, "changed: %s\n", n)
	}
	for _, n := range d.Added {
		fmt.Fprintf(&b, "added:   %s\n", n)
	}
	for _, n := range d.Removed {
		fmt.Fprintf(&b, "removed: %s\n", n)
	}
	return b.String()
}

// maxDiffLines caps the diff printed per file, so a new Misskey release does
// not flood a CI log.
const maxDiffLines = 200
