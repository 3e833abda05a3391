package generator_test

import (
	"flag"
	"go/types"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

var update = flag.Bool("update", false, "rewrite generated/ from testdata/openapi.json")

// TestGeneratedUpToDate fails when generated/ is not what the generator
// writes for testdata/openapi.json now (go test -run Generated -update
// rewrites it, as make generate does).
func TestGeneratedUpToDate(t *testing.T) {
	root := gentest.RepoRoot()
	dir := filepath.Join(root, "generated")
	importPath, err := generator.ImportPathOf(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := gentest.GenerateWith(t, filepath.Join(root, "testdata", "openapi.json"), generator.Options{Package: "misskey", ImportPath: importPath})
	if *update {
		if err := generator.Write(dir, files); err != nil {
			t.Fatal(err)
		}
		return
	}
	drift, err := generator.Check(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if !drift.Empty() {
		t.Fatalf("generated/ is stale; run make generate.\n%s\n%s", drift.Summary(), drift.Diff)
	}
}

// TestGeneratedTypes type-checks generated/ and asserts the Go types a
// person would have written for the constructs of testdata/openapi.json.
func TestGeneratedTypes(t *testing.T) {
	cfg := &packages.Config{Mode: packages.NeedTypes | packages.NeedName, Dir: gentest.RepoRoot()}
	pkgs, err := packages.Load(cfg, "github.com/misskey-gen/misskey-gen/generated")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("generated/ does not type-check")
	}
	scope := pkgs[0].Types.Scope()
	qual := types.RelativeTo(pkgs[0].Types)
	typeOf := func(name string) types.Type {
		t.Helper()
		obj := scope.Lookup(name)
		if obj == nil {
			t.Fatalf("%s is not declared", name)
		}
		return obj.Type()
	}
	fieldType := func(typ, field string) string {
		t.Helper()
		st, ok := typeOf(typ).Underlying().(*types.Struct)
		if !ok {
			t.Fatalf("%s is not a struct", typ)
		}
		for i := 0; i < st.NumFields(); i++ {
			if f := st.Field(i); f.Name() == field {
				return types.TypeString(f.Type(), qual)
			}
		}
		t.Fatalf("%s has no field %s", typ, field)
		return ""
	}
	method := func(name string) string {
		t.Helper()
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(typeOf("Client")), true, pkgs[0].Types, name)
		if obj == nil {
			t.Fatalf("Client has no method %s", name)
		}
		return types.TypeString(obj.Type(), qual)
	}
	for _, c := range []struct{ got, want string }{
		// Presence: required → value, optional or nullable → pointer (responses).
		{fieldType("Note", "ID"), "string"},
		{fieldType("Note", "Text"), "*string"},
		{fieldType("Note", "CW"), "*string"},
		{fieldType("Note", "CreatedAt"), "time.Time"},
		{fieldType("Note", "DeletedAt"), "*time.Time"},
		{fieldType("Note", "RenoteCount"), "int64"},
		{fieldType("Note", "Reply"), "*Note"},
		{fieldType("Note", "Reactions"), "map[string]int64"},
		{fieldType("Note", "Visibility"), "NoteVisibility"},
		{fieldType("Note", "ReactionAcceptance"), "*NoteReactionAcceptance"},
		// Requests: optional fields carry unset / null / value.
		{fieldType("IUpdateRequest", "Description"), "Optional[string]"},
		{fieldType("NotesCreateRequest", "Visibility"), "Optional[NoteVisibility]"},
		{fieldType("DriveFilesCreateRequest", "File"), "io.Reader"},
		// Initialisms and collisions.
		{fieldType("UserLite", "AvatarURL"), "*string"},
		{fieldType("Note", "UserID"), "string"},
		// Methods: one per endpoint, ctx first, no request where there are no parameters.
		{method("NotesCreate"), "func(ctx context.Context, req *NotesCreateRequest) (*NotesCreateResponse, error)"},
		{method("Ping"), "func(ctx context.Context) (*PingResponse, error)"},
		{method("NotesDelete"), "func(ctx context.Context, req *NotesDeleteRequest) error"},
		{method("NotesTimeline"), "func(ctx context.Context, req *NotesTimelineRequest) ([]Note, error)"},
		{method("NotesTimelineAll"), "func(ctx context.Context, req *NotesTimelineRequest) iter.Seq2[Note, error]"},
		{method("IRegistryGet"), "func(ctx context.Context, req *IRegistryGetRequest) (encoding/json.RawMessage, error)"},
		{method("DriveFilesCreate"), "func(ctx context.Context, req *DriveFilesCreateRequest) (*DriveFile, error)"},
		{method("Call"), "func(ctx context.Context, endpoint string, req any, resp any) error"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
	// allOf parts are embedded: a MeDetailed is usable as a UserLite.
	if obj, _, _ := types.LookupFieldOrMethod(typeOf("MeDetailed"), false, pkgs[0].Types, "UserLite"); obj == nil {
		t.Error("MeDetailed does not embed UserLite")
	}
	// Unions decode themselves.
	for _, u := range []string{"Notification", "RoleCondFormulaValue", "UsersShowResponse", "MetaResponse"} {
		if obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(typeOf(u)), false, pkgs[0].Types, "UnmarshalJSON"); obj == nil {
			t.Errorf("%s has no UnmarshalJSON", u)
		}
	}
	// Identical enums are emitted once.
	if scope.Lookup("AntennasCreateRequestSrc") != nil {
		t.Error("antennas/create's src enum was emitted again instead of reusing AntennaSrc")
	}
}
