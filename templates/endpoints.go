package templates

import (
	"fmt"
	"sort"
)

// Permission is a permission (scope) an access token can carry, such as
// "write:notes". The generated package declares a constant for every
// permission its API document names.
type Permission string

// EndpointInfo describes one API endpoint: what a token needs to call it.
type EndpointInfo struct {
	// Name is the endpoint's path after /api/, e.g. "notes/create".
	Name string
	// RequiresCredential reports whether the endpoint needs an access token.
	RequiresCredential bool
	// Permissions lists the permissions a token needs (usually one).
	Permissions []Permission
	// Multipart reports whether the request is multipart/form-data.
	Multipart bool
}

// Endpoints returns the metadata of every endpoint, sorted by name.
func Endpoints() []EndpointInfo {
	out := make([]EndpointInfo, len(endpointTable))
	copy(out, endpointTable)
	return out
}

// LookupEndpoint returns the metadata of the named endpoint.
func LookupEndpoint(name string) (EndpointInfo, bool) {
	i := sort.Search(len(endpointTable), func(i int) bool { return endpointTable[i].Name >= name })
	if i < len(endpointTable) && endpointTable[i].Name == name {
		return endpointTable[i], true
	}
	return EndpointInfo{}, false
}

// PermissionsFor returns the sorted, de-duplicated permissions a token needs
// to call every one of the named endpoints. It fails on a name the API
// document does not list.
func PermissionsFor(endpoints ...string) ([]Permission, error) {
	seen := map[Permission]bool{}
	var out []Permission
	for _, name := range endpoints {
		info, ok := LookupEndpoint(name)
		if !ok {
			return nil, fmt.Errorf("misskey: unknown endpoint %q", name)
		}
		for _, p := range info.Permissions {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}
