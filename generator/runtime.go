package generator

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"sync"

	"github.com/misskey-gen/misskey-gen/templates"
)

// runtimeNames are the identifiers the runtime files declare, which
// generated names must not take.
type runtimeNames struct {
	pkg           []string // package-level identifiers
	clientMethods []string // methods of *Client (and its fields, which share the selector space)
}

var (
	runtimeOnce  sync.Once
	runtimeCache runtimeNames
	runtimeErr   error
)

// runtimeIdentifiers parses the embedded runtime once and lists its
// package-level identifiers and Client selectors.
func runtimeIdentifiers() (runtimeNames, error) {
	runtimeOnce.Do(func() {
		files, err := templates.Files()
		if err != nil {
			runtimeErr = err
			return
		}
		pkg, methods := map[string]bool{}, map[string]bool{}
		fset := token.NewFileSet()
		for _, f := range files {
			af, err := parser.ParseFile(fset, f.Name, f.Source, parser.SkipObjectResolution)
			if err != nil {
				runtimeErr = fmt.Errorf("runtime file %s: %w", f.Name, err)
				return
			}
			for _, d := range af.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil {
						pkg[d.Name.Name] = true
						continue
					}
					if recvIsClient(d.Recv) {
						methods[d.Name.Name] = true
					}
				case *ast.GenDecl:
					for _, s := range d.Specs {
						switch s := s.(type) {
						case *ast.TypeSpec:
							pkg[s.Name.Name] = true
							if s.Name.Name == "Client" {
								if st, ok := s.Type.(*ast.StructType); ok {
									for _, fl := range st.Fields.List {
										for _, n := range fl.Names {
											methods[n.Name] = true
										}
									}
								}
							}
						case *ast.ValueSpec:
							for _, n := range s.Names {
								pkg[n.Name] = true
							}
						}
					}
				}
			}
		}
		// Identifiers the emitted code itself declares or uses as helpers.
		for _, n := range []string{"APIVersion", "AllPermissions", "generatorVersion", "endpointTable", "decodeStreamEvent"} {
			pkg[n] = true
		}
		for _, n := range helperNames {
			pkg[n] = true
		}
		runtimeCache = runtimeNames{pkg: sortedKeys(pkg), clientMethods: sortedKeys(methods)}
	})
	return runtimeCache, runtimeErr
}

func recvIsClient(fl *ast.FieldList) bool {
	if fl == nil || len(fl.List) != 1 {
		return false
	}
	t := fl.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.Name == "Client"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
