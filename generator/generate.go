package generator

import (
	"fmt"
	"go/token"
	"path/filepath"
	"strings"
)

// Options control one generation.
type Options struct {
	Package string // package name of the output; default "misskey"
	// Literal maps the document as written, without the fixups table
	// (fixups.json) that corrects the types real servers contradict.
	Literal bool
	// ImportPath is the import path of the generated package. When it is
	// set, the output also has the subpackage misskeytest (files named
	// "misskeytest/…"), a fake server for tests that imports the client by
	// this path (see ImportPathOf). When it is empty, misskeytest is not
	// generated.
	ImportPath string
}

// Generate turns a document into the files of a Go package.
func Generate(in *Input, opts Options) ([]File, *API, error) {
	pkg := opts.Package
	if pkg == "" {
		pkg = "misskey"
	}
	if !token.IsIdentifier(pkg) || token.IsKeyword(pkg) || pkg == "_" {
		return nil, nil, fmt.Errorf("package name %q is not a valid Go identifier", pkg)
	}
	if opts.ImportPath != "" {
		if err := checkImportPath(opts.ImportPath); err != nil {
			return nil, nil, err
		}
	}
	api, err := loadAPI(in, opts.Literal)
	if err != nil {
		return nil, nil, err
	}
	files, err := Emit(api, pkg)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	if opts.ImportPath != "" {
		ts, err := EmitTestServer(api, opts.ImportPath)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		files = append(files, ts...)
	}
	return files, api, nil
}

// loadAPI parses a document, applies the fixups table unless literal is
// set, adds the streaming payload schemas the document lacks, and builds
// the model; API.Fixups says where the table changed the document and
// API.Supplied what was added.
func loadAPI(in *Input, literal bool) (*API, error) {
	d, err := Load(in)
	if err != nil {
		return nil, err
	}
	var applied []AppliedFixup
	if !literal {
		if applied, err = ApplyFixups(d.T); err != nil {
			return nil, fmt.Errorf("%s: %w", in.Name, err)
		}
	}
	supplied, err := addStreamingSchemas(d.T)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	api, err := BuildDocument(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	api.Fixups, api.Supplied = applied, supplied
	return api, nil
}

// DefaultPackageName is the package name for an output directory: its base
// name when that is a valid Go package name, else "misskey".
func DefaultPackageName(dir string) string {
	base := filepath.Base(filepath.Clean(dir))
	if base == "." || base == "/" {
		if abs, err := filepath.Abs(dir); err == nil {
			base = filepath.Base(abs)
		}
	}
	base = strings.ToLower(base)
	if token.IsIdentifier(base) && !token.IsKeyword(base) && base != "_" && base != "main" {
		return base
	}
	return "misskey"
}
