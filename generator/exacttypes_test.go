package generator_test

import (
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
)

// Focused tests for what the round trip (roundtrip_test.go) found: each
// builds a small document that has the shape of the real one and checks
// the model.

func buildDoc(t *testing.T, doc string) *generator.API {
	t.Helper()
	d, err := generator.Parse(&generator.Input{Name: t.Name(), Data: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	api, err := generator.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func typeNamed(t *testing.T, api *generator.API, name string) *generator.Type {
	t.Helper()
	for _, x := range api.Types {
		if x.Name == name {
			return x
		}
	}
	t.Fatalf("no type %s", name)
	return nil
}

func endpointNamed(t *testing.T, api *generator.API, name string) *generator.Endpoint {
	t.Helper()
	for _, ep := range api.Endpoints {
		if ep.Name == name {
			return ep
		}
	}
	t.Fatalf("no endpoint %s", name)
	return nil
}

// effectiveField is the field encoding/json uses for a JSON property of a
// struct: its own field, else the shallowest one of its embedded parts.
func effectiveField(t *generator.Type, jsonName string) *generator.Field {
	level := []*generator.Type{t}
	seen := map[*generator.Type]bool{}
	for len(level) > 0 {
		var next []*generator.Type
		for _, x := range level {
			if seen[x] {
				continue
			}
			seen[x] = true
			for _, f := range x.Fields {
				if f.JSONName == jsonName {
					return f
				}
			}
			next = append(next, x.Embeds...)
		}
		level = next
	}
	return nil
}

// MeDetailed is allOf [UserLite, UserDetailedNotMeOnly, MeDetailedOnly];
// followedMessage is optional in UserDetailedNotMeOnly and required in
// MeDetailedOnly, so it is required in MeDetailed: a null must stay null
// when the value is encoded again, not vanish.
func TestAllOfOverlapKeepsRequired(t *testing.T) {
	api := buildDoc(t, `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
	"paths": {"/i": {"post": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MeDetailed"}}}}}}}},
	"components": {"schemas": {
		"UserLite": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
		"NotMeOnly": {"type": "object", "properties": {"followedMessage": {"type": ["string", "null"]}, "url": {"type": ["string", "null"]}}, "required": ["url"]},
		"MeOnly": {"type": "object", "properties": {"followedMessage": {"type": ["string", "null"]}, "email": {"type": "string"}}, "required": ["followedMessage"]},
		"MeDetailed": {"allOf": [{"$ref": "#/components/schemas/UserLite"}, {"$ref": "#/components/schemas/NotMeOnly"}, {"$ref": "#/components/schemas/MeOnly"}]}
	}}}`)
	me := typeNamed(t, api, "MeDetailed")
	f := effectiveField(me, "followedMessage")
	if f == nil {
		t.Fatal("MeDetailed has no followedMessage")
	}
	if !f.Required || f.OmitWhenZero() {
		t.Errorf("MeDetailed.followedMessage: Required=%v, omitted when nil=%v; MeOnly requires it, so null must be encoded as null", f.Required, f.OmitWhenZero())
	}
	if f.Wrap != generator.WrapPointer {
		t.Errorf("MeDetailed.followedMessage: Wrap %v, want a pointer (required and nullable)", f.Wrap)
	}
	// The part that declares it optional is unchanged.
	if g := effectiveField(typeNamed(t, api, "NotMeOnly"), "followedMessage"); g.Required {
		t.Error("NotMeOnly.followedMessage became required")
	}
}

// An OpenAPI 3.1 schema may add properties beside $ref (admin/accounts/create
// answers {$ref: MeDetailed, properties: {token}, required: [token]}): the
// type must keep them.
func TestRefSiblingPropertiesKept(t *testing.T) {
	api := buildDoc(t, `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
	"paths": {"/admin/accounts/create": {"post": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
		{"type": "object", "properties": {"token": {"type": "string"}}, "required": ["token"], "$ref": "#/components/schemas/MeDetailed"}}}}}}},
		"/users/lists/show": {"post": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
		{"properties": {"likedCount": {"type": "number"}}, "$ref": "#/components/schemas/MeDetailed"}}}}}}},
		"/i": {"post": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
		{"type": "object", "$ref": "#/components/schemas/MeDetailed"}}}}}}}},
	"components": {"schemas": {
		"MeDetailed": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
	}}}`)
	for _, c := range []struct {
		endpoint, prop string
		required       bool
	}{{"admin/accounts/create", "token", true}, {"users/lists/show", "likedCount", false}} {
		ep := endpointNamed(t, api, c.endpoint)
		if ep.Response == nil || ep.Response.Kind != generator.RefNamed || ep.Response.Named.Kind != generator.KindStruct {
			t.Errorf("%s: response is not a struct", c.endpoint)
			continue
		}
		rt := ep.Response.Named
		if f := effectiveField(rt, c.prop); f == nil || f.Required != c.required {
			t.Errorf("%s: response %s: property %s beside $ref is lost or has the wrong presence (%+v)", c.endpoint, rt.Name, c.prop, f)
		}
		if f := effectiveField(rt, "id"); f == nil || !f.Required {
			t.Errorf("%s: response %s: the referenced schema's properties are lost", c.endpoint, rt.Name)
		}
	}
	// Only "type" beside $ref: the component itself, as before.
	if ep := endpointNamed(t, api, "i"); ep.Response == nil || ep.Response.Named == nil || ep.Response.Named.Name != "MeDetailed" {
		t.Errorf("i: response should be MeDetailed itself")
	}
}

// The v1 document's notifications/read takes oneOf [{notificationId},
// {notificationIds}]: a caller must be able to send either.
func TestRequestOneOfOfObjects(t *testing.T) {
	api := buildDoc(t, `{"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
	"paths": {"/notifications/read": {"post": {"requestBody": {"content": {"application/json": {"schema": {"oneOf": [
		{"type": "object", "properties": {"notificationId": {"type": "string"}}, "required": ["notificationId"]},
		{"type": "object", "properties": {"notificationIds": {"type": "array", "items": {"type": "string"}}}, "required": ["notificationIds"]}
	]}}}}, "responses": {"204": {"description": "ok"}}}}}}`)
	ep := endpointNamed(t, api, "notifications/read")
	if ep.Request == nil {
		t.Fatal("notifications/read has no request type: the caller cannot send notificationId or notificationIds")
	}
	var names []string
	for _, name := range []string{"notificationId", "notificationIds"} {
		f := effectiveField(ep.Request, name)
		if f == nil || f.Required || f.Nullable {
			t.Errorf("request field %s: %+v, want an optional field (not sent unless set; never null)", name, f)
		}
		names = append(names, name)
	}
	t.Logf("request %s has %s", ep.Request.Name, strings.Join(names, ", "))
}
