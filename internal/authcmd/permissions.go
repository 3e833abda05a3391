package authcmd

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// endpointAuth is what a token needs to call one endpoint, as an API
// document states it.
type endpointAuth struct {
	// Name is the endpoint's path after /api/, e.g. "notes/create".
	Name string
	// Credential reports whether the endpoint requires a token.
	Credential bool
	// Permissions are the permissions a token needs, sorted.
	Permissions []string
}

// httpMethods are the keys of an OpenAPI path item that hold operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// docOperation is the part of an OpenAPI operation that says who may call it.
type docOperation struct {
	Description string `json:"description"`
	// Security is the operation's security requirements; nil when absent.
	Security []map[string][]string `json:"security"`
	// XPermission and XPermissions are not written by any Misskey version
	// seen so far; they are read in case a fork states permissions there.
	XPermission  json.RawMessage `json:"x-permission"`
	XPermissions json.RawMessage `json:"x-permissions"`
}

// parseEndpointAuth reads an OpenAPI document (JSON) and returns what every
// endpoint needs, by endpoint name. Misskey states it in each operation's
// description:
//
//	**Credential required**: *Yes* / **Permission**: *write:notes*
//
// and marks the operations that require a token with a security requirement.
// The permissions are those of the description, together with any scopes of
// the security requirements and any x-permission(s) field. When the
// description does not say whether a credential is required, a security
// requirement does. Operations of one path (Misskey lists some endpoints as
// both GET and POST) are merged.
func parseEndpointAuth(doc []byte) (map[string]endpointAuth, error) {
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("not an OpenAPI document in JSON: %w", err)
	}
	if len(d.Paths) == 0 {
		return nil, fmt.Errorf("the document lists no paths")
	}
	out := make(map[string]endpointAuth, len(d.Paths))
	for path, item := range d.Paths {
		name := strings.TrimPrefix(path, "/")
		ea := endpointAuth{Name: name}
		seen := map[string]bool{}
		hasOp := false
		for _, method := range httpMethods {
			raw, ok := item[method]
			if !ok {
				continue
			}
			var op docOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(method), path, err)
			}
			hasOp = true
			cred, stated := credentialFromDescription(op.Description)
			if !stated {
				cred = securityRequired(op.Security)
			}
			ea.Credential = ea.Credential || cred
			perms := permissionsFromDescription(op.Description)
			perms = append(perms, permissionsFromFields(op)...)
			for _, p := range perms {
				if !seen[p] {
					seen[p] = true
					ea.Permissions = append(ea.Permissions, p)
				}
			}
		}
		if !hasOp {
			continue
		}
		sort.Strings(ea.Permissions)
		out[name] = ea
	}
	return out, nil
}

var (
	// permissionRE finds "**Permission**: *a*" and the variants
	// "*a*, *b*" and "*a, b*" a fork could write for several permissions.
	permissionRE = regexp.MustCompile(`\*\*Permissions?\*\*:[ \t]*((?:\*[^*\n]+\*(?:[ \t]*,[ \t]*)?)+)`)
	starredRE    = regexp.MustCompile(`\*([^*\n]+)\*`)
	credentialRE = regexp.MustCompile(`\*\*Credential required\*\*:[ \t]*\*(Yes|No)\*`)
)

// permissionsFromDescription returns the permissions an operation's
// description names, in order of appearance.
func permissionsFromDescription(desc string) []string {
	var out []string
	for _, m := range permissionRE.FindAllStringSubmatch(desc, -1) {
		for _, s := range starredRE.FindAllStringSubmatch(m[1], -1) {
			for _, p := range strings.Split(s[1], ",") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// credentialFromDescription returns whether an operation's description says
// it requires a credential, and whether it says so at all.
func credentialFromDescription(desc string) (required, stated bool) {
	m := credentialRE.FindStringSubmatch(desc)
	if m == nil {
		return false, false
	}
	return m[1] == "Yes", true
}

// securityRequired reports whether security requirements demand a
// credential: there is at least one requirement and none is the empty one
// ("{}" makes authentication optional).
func securityRequired(sec []map[string][]string) bool {
	if len(sec) == 0 {
		return false
	}
	for _, req := range sec {
		if len(req) == 0 {
			return false
		}
	}
	return true
}

// permissionsFromFields returns the permissions an operation states outside
// its description: scopes of its security requirements and x-permission(s).
func permissionsFromFields(op docOperation) []string {
	var out []string
	for _, req := range op.Security {
		for _, scopes := range req {
			out = append(out, scopes...)
		}
	}
	for _, raw := range []json.RawMessage{op.XPermission, op.XPermissions} {
		if len(raw) == 0 {
			continue
		}
		var one string
		var many []string
		if json.Unmarshal(raw, &one) == nil {
			many = strings.Split(one, ",")
		} else if json.Unmarshal(raw, &many) != nil {
			continue
		}
		for _, p := range many {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// permissionsForEndpoints returns the sorted, de-duplicated permissions the
// named endpoints need. unknown lists the names the document does not have;
// noPermission lists the endpoints that require a credential but name no
// permission.
func permissionsForEndpoints(table map[string]endpointAuth, names []string) (perms, unknown, noPermission []string) {
	seen := map[string]bool{}
	for _, name := range names {
		ea, ok := lookupEndpoint(table, name)
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		if ea.Credential && len(ea.Permissions) == 0 {
			noPermission = append(noPermission, ea.Name)
		}
		for _, p := range ea.Permissions {
			if !seen[p] {
				seen[p] = true
				perms = append(perms, p)
			}
		}
	}
	sort.Strings(perms)
	return perms, unknown, noPermission
}

// lookupEndpoint finds an endpoint written as "notes/create",
// "/notes/create" or "/api/notes/create".
func lookupEndpoint(table map[string]endpointAuth, name string) (endpointAuth, bool) {
	name = strings.TrimPrefix(strings.TrimSpace(name), "/")
	if ea, ok := table[name]; ok {
		return ea, true
	}
	if rest, ok := strings.CutPrefix(name, "api/"); ok {
		ea, ok := table[rest]
		return ea, ok
	}
	return endpointAuth{}, false
}

// allPermissions returns every permission the table names.
func allPermissions(table map[string]endpointAuth) map[string]bool {
	out := map[string]bool{}
	for _, ea := range table {
		for _, p := range ea.Permissions {
			out[p] = true
		}
	}
	return out
}
