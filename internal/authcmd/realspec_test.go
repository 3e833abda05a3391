package authcmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// specsDir is the shared folder of real API documents, relative to this
// package's directory.
var specsDir = filepath.Join("..", "..", "..", "shared", "specs")

func realSpecs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(specsDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("no real API documents in %s (the shared specs folder is absent here); skipping", specsDir)
	}
	return files
}

var permissionShape = regexp.MustCompile(`^(read|write):[a-z0-9-]+(:[a-z0-9-]+)*$`)

// TestRealDocumentsDescriptionsAgreeWithFields checks, on every real
// document, that what the descriptions say (the source -endpoints relies
// on) agrees with the document's structured fields: the security
// requirement for "credential required", and security scopes or
// x-permission(s) for permissions wherever a document has them. The largest
// document (most operations) is named in the log.
func TestRealDocumentsDescriptionsAgreeWithFields(t *testing.T) {
	files := realSpecs(t)
	largest, largestOps := "", 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		name := filepath.Base(file)
		ops, withPerm, credential, comparedScopes := 0, 0, 0, 0
		for path, item := range doc.Paths {
			var twin []string // permissions of the path's first operation
			for i, method := range httpMethods {
				rawOp, ok := item[method]
				if !ok {
					continue
				}
				var op docOperation
				if err := json.Unmarshal(rawOp, &op); err != nil {
					t.Fatalf("%s %s %s: %v", name, method, path, err)
				}
				ops++
				descPerms := permissionsFromDescription(op.Description)
				cred, stated := credentialFromDescription(op.Description)
				if !stated {
					t.Errorf("%s %s %s: description does not say whether a credential is required: %q", name, method, path, op.Description)
				}
				if sec := securityRequired(op.Security); cred != sec {
					t.Errorf("%s %s %s: description says credential required=%v, security says %v", name, method, path, cred, sec)
				}
				if cred {
					credential++
				}
				if len(descPerms) > 1 {
					t.Errorf("%s %s %s: several permissions %q (parser handles it; update this test when a document does)", name, method, path, descPerms)
				}
				if len(descPerms) > 0 {
					withPerm++
				}
				for _, p := range descPerms {
					if !permissionShape.MatchString(p) {
						t.Errorf("%s %s %s: odd permission %q", name, method, path, p)
					}
				}
				if fieldPerms := permissionsFromFields(op); len(fieldPerms) > 0 {
					comparedScopes++
					a, b := sortedCopy(descPerms), sortedCopy(fieldPerms)
					if !reflect.DeepEqual(a, b) {
						t.Errorf("%s %s %s: description names %q, security scopes / x-permission %q", name, method, path, a, b)
					}
				}
				if i > 0 && twin != nil && !reflect.DeepEqual(twin, sortedCopy(descPerms)) {
					t.Errorf("%s %s: GET and POST differ: %q vs %q", name, path, twin, descPerms)
				}
				if twin == nil {
					twin = sortedCopy(descPerms)
				}
			}
		}
		// Every "**Permission**" of the file was found (one per operation).
		if n := strings.Count(string(raw), `**Permission**`); n != withPerm {
			t.Errorf("%s: %d operations with a permission found, but the text mentions **Permission** %d times", name, withPerm, n)
		}
		if withPerm == 0 || credential == 0 {
			t.Errorf("%s: found %d operations with a permission, %d requiring a credential", name, withPerm, credential)
		}
		scopes := "the document states no security scopes and no x-permission(s) fields: only the credential flags were cross-checked"
		if comparedScopes > 0 {
			scopes = "permissions compared with security scopes / x-permission(s) on " + strconv.Itoa(comparedScopes) + " operations"
		}
		t.Logf("%s: %d operations, %d credential required (all agree with security), %d with a permission; %s", name, ops, credential, withPerm, scopes)
		if ops > largestOps {
			largest, largestOps = name, ops
		}

		// The table -endpoints uses covers every path.
		table, err := parseEndpointAuth(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(table) != len(doc.Paths) {
			t.Errorf("%s: %d endpoints in the table, %d paths", name, len(table), len(doc.Paths))
		}
	}
	t.Logf("largest document: %s (%d operations)", largest, largestOps)
}

// TestRealDocumentKnownEndpoints pins a few endpoints of the 2026.3.2
// document, checked by hand.
func TestRealDocumentKnownEndpoints(t *testing.T) {
	realSpecs(t)
	raw, err := os.ReadFile(filepath.Join(specsDir, "live-misskey-2026.3.2.json"))
	if err != nil {
		t.Skipf("live-misskey-2026.3.2.json: %v", err)
	}
	table, err := parseEndpointAuth(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := []endpointAuth{
		{"notes/create", true, []string{"write:notes"}},
		{"i", true, []string{"read:account"}},
		{"meta", false, nil},
		{"drive/files/create", true, []string{"write:drive"}},
		{"miauth/gen-token", true, nil},
		{"admin/roles/users", false, []string{"read:admin:roles"}},
		{"admin/abuse-report/notification-recipient/create", true, []string{"write:admin:abuse-report:notification-recipient"}},
		{"charts/active-users", false, nil}, // GET and POST
	}
	for _, w := range want {
		if g := table[w.Name]; !reflect.DeepEqual(g, w) {
			t.Errorf("got %+v, want %+v", g, w)
		}
	}
	perms, unknown, noPerm := permissionsForEndpoints(table, []string{"notes/create", "i", "drive/files/create", "notes/reactions/create", "meta"})
	if w := []string{"read:account", "write:drive", "write:notes", "write:reactions"}; !reflect.DeepEqual(perms, w) || unknown != nil || noPerm != nil {
		t.Errorf("permissions %q unknown %q noPermission %q; want %q", perms, unknown, noPerm, w)
	}
}

func sortedCopy(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
