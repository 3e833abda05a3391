package generator_test

import (
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
)

// TestObjectUnionUntypedProperty: when one alternative of an object union
// leaves a property untyped ({}, as misskey 2025.4.1-mhq's
// sensitiveFlagAssigned notification does with fileId) and another types it,
// the merged field allows any value, and says where the document leaves it
// untyped. A string field would make a valid notification a mismatch.
func TestObjectUnionUntypedProperty(t *testing.T) {
	const doc = `{
	"openapi": "3.1.0",
	"info": {"title": "Misskey", "version": "2025.4.1"},
	"paths": {},
	"components": {"schemas": {
		"Notification": {"type": "object", "oneOf": [
			{"type": "object", "properties": {
				"type": {"type": "string", "enum": ["exportCompleted"]},
				"fileId": {"type": "string", "format": "id"}
			}, "required": ["type", "fileId"]},
			{"type": "object", "properties": {
				"type": {"type": "string", "enum": ["sensitiveFlagAssigned"]},
				"fileId": {}
			}, "required": ["type", "fileId"]}
		]}
	}}
}`
	d, err := generator.Parse(&generator.Input{Name: "doc.json", Data: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	api, err := generator.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range api.Types {
		if ty.Name != "Notification" {
			continue
		}
		for _, f := range ty.Fields {
			if f.JSONName != "fileId" {
				continue
			}
			if f.Type.Kind != generator.RefAny && f.Type.Kind != generator.RefRaw {
				t.Errorf("Notification.FileID is of kind %v, want any", f.Type.Kind)
			}
			if want := "#/components/schemas/Notification/oneOf/1/properties/fileId"; f.Pointer != want {
				t.Errorf("Notification.FileID is defined at %s, want %s", f.Pointer, want)
			}
			return
		}
		t.Fatal("Notification has no fileId field")
	}
	t.Fatal("no type Notification")
}
