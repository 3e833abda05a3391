package templates

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed *.go
var files embed.FS

//go:embed misskeytest/*.go
var testServerFiles embed.FS

// notCopied lists the files of this package that are not part of a generated
// package.
var notCopied = map[string]bool{
	"embed.go":     true,
	"doc.go":       true,
	"spec_stub.go": true,
}

// RuntimeFile is one runtime source file, ready to be copied into a
// generated package.
type RuntimeFile struct {
	Name   string // base name, e.g. "client.go"
	Source []byte // the file as it stands here, package clause included
}

// Files returns the runtime files in name order.
func Files() ([]RuntimeFile, error) {
	return readFiles(files, ".")
}

// TestServerFiles returns the files of the fake server, package misskeytest
// (templates/misskeytest), in name order. They import the runtime as
// misskey "github.com/misskey-gen/misskey-gen/templates", which the
// generator rewrites to the generated client's import path.
func TestServerFiles() ([]RuntimeFile, error) {
	return readFiles(testServerFiles, "misskeytest")
}

func readFiles(fsys embed.FS, dir string) ([]RuntimeFile, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []RuntimeFile
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || notCopied[name] || strings.HasSuffix(name, "_test.go") || path.Ext(name) != ".go" {
			continue
		}
		b, err := fsys.ReadFile(path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, RuntimeFile{Name: name, Source: b})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
