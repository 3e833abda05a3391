package templates

import "encoding/json"

// This file stands in for the identifiers the generator emits from an API
// document. It is never copied into a generated package; each generated
// package declares the same names with the document's data.

// generatorVersion is the misskey-gen version that generated the package.
const generatorVersion = "devel"

// APIVersion is info.version of the document the package was generated from.
const APIVersion = "0.0.0-stub"

// endpointTable lists every endpoint of the document, sorted by name.
var endpointTable = []EndpointInfo{
	{Name: "drive/files/create", RequiresCredential: true, Permissions: []Permission{"write:drive"}, Multipart: true},
	{Name: "i", RequiresCredential: true, Permissions: []Permission{"read:account"}},
	{Name: "meta"},
	{Name: "notes/create", RequiresCredential: true, Permissions: []Permission{"write:notes"}},
	{Name: "notes/timeline", RequiresCredential: true, Permissions: []Permission{"read:account"}},
}

// decodeStreamEvent decodes the body of a streaming event into the entity
// type the document defines for it. The generated version returns, for
// example, *Note for a timeline's "note" event, with the values that did
// not fit their types (an error instead when strict). It returns nil when it
// has no type for the event, and the caller keeps the raw JSON.
func decodeStreamEvent(channel, event string, body json.RawMessage, strict bool) (any, []Mismatch, error) {
	return nil, nil, nil
}
