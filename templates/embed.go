package templates

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// The runtime files are named one by one so that this package's tests are
// not built into the generator; TestEmbedListsEveryRuntimeFile keeps the
// lists equal to the directories.
//
//go:embed acct.go client.go endpoints.go errors.go json_decode.go
//go:embed json_encode.go json_glue.go json_members.go jsonscan.go miauth.go
//go:embed multipart.go optional.go paging.go retry.go streaming.go
//go:embed streaming_channels.go streaming_event.go streaming_fastpath.go
//go:embed streaming_messages.go streaming_names.go streaming_shared.go
//go:embed transport.go
var files embed.FS

//go:embed misskeytest/core.go misskeytest/http.go misskeytest/miauth.go
//go:embed misskeytest/misskeytest.go misskeytest/pack.go misskeytest/state.go
//go:embed misskeytest/stream.go misskeytest/validate.go
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
