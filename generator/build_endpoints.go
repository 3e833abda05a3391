package generator

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Endpoints: one per path, named by path (so GET+POST twins and duplicate
// operationIds cannot collide), with request and response types,
// credential and permissions from Misskey's description footer, and the
// errors its examples document.

var (
	credentialRe = regexp.MustCompile(`\*\*Credential required\*\*: \*(Yes|No)\*`)
	permissionRe = regexp.MustCompile(`\*\*Permission\*\*: \*([^*]+)\*`)
	footerRe     = regexp.MustCompile(`\s*\*\*Credential required\*\*:.*$`)

	// endpointNameRe is what every Misskey endpoint's name is: the path of
	// its file under the server's endpoints directory (ASCII in every
	// document seen; other letters are accepted). The client appends
	// the name to the API's URL as it stands, so nothing else may pass
	// ("..", "?", "#", "%", spaces, a scheme).
	endpointNameRe = regexp.MustCompile(`^[\p{L}\p{M}\p{Nd}_-]+(/[\p{L}\p{M}\p{Nd}_-]+)*$`)
)

func (b *builder) buildEndpoints() error {
	paths := b.doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	perms := map[string]bool{}
	opIDs := map[string]string{}
	for _, path := range paths {
		item := b.doc.Paths.Value(path)
		name := strings.Trim(path, "/")
		ptr := "#/paths/" + pointerEscape(path)
		if item == nil || name == "" {
			b.warn(ptr, "empty path item skipped")
			continue
		}
		var methods []string
		for _, m := range []struct {
			name string
			op   *openapi3.Operation
		}{{"GET", item.Get}, {"POST", item.Post}} {
			if m.op != nil {
				methods = append(methods, m.name)
			}
		}
		op, opPtr := item.Post, ptr+"/post"
		if op == nil {
			op, opPtr = item.Get, ptr+"/get"
		}
		if op == nil {
			b.warn(ptr, "no GET or POST operation; skipped")
			continue
		}
		if op.OperationID != "" {
			if other, dup := opIDs[op.OperationID]; dup {
				b.warn(opPtr, "operationId %q is also used by %s; endpoints are named by path, so both are kept", op.OperationID, other)
			} else {
				opIDs[op.OperationID] = path
			}
		}
		goName := exportedName(name)
		if goName == "" {
			return fmt.Errorf("%s: endpoint %q has no letter or digit to make a Go name of", ptr, name)
		}
		if !endpointNameRe.MatchString(name) {
			return fmt.Errorf("%s: endpoint %q is not a Misskey endpoint name (segments of letters, digits, '-' and '_', separated by '/'): the client would send its requests, and their token, to another path", ptr, name)
		}
		ep := &Endpoint{
			Name:       name,
			GoName:     b.methods.claim(goName),
			Group:      fileGroup(name),
			Pointer:    opPtr,
			Summary:    docText(op.Summary),
			Deprecated: op.Deprecated,
			Methods:    methods,
			Tags:       append([]string(nil), op.Tags...),
		}
		b.endpointPaths[ep.GoName] = name
		ep.Description = docText(strings.TrimSpace(footerRe.ReplaceAllString(op.Description, "")))
		if ep.Description == "No description provided." {
			ep.Description = ""
		}
		if m := credentialRe.FindStringSubmatch(op.Description); m != nil {
			ep.Credential = m[1] == "Yes"
		}
		if op.Security != nil && len(*op.Security) > 0 {
			ep.Credential = true
		}
		if m := permissionRe.FindStringSubmatch(op.Description); m != nil {
			for _, p := range strings.Split(m[1], ",") {
				if p = oneLineText(p); p != "" {
					ep.Permissions = append(ep.Permissions, p)
					perms[p] = true
				}
			}
		}
		if err := b.endpointRequest(ep, op, opPtr); err != nil {
			return err
		}
		if err := b.endpointResponse(ep, op, opPtr); err != nil {
			return err
		}
		b.endpointErrors(ep, op, opPtr)
		b.api.Endpoints = append(b.api.Endpoints, ep)
	}
	for _, p := range sortedKeys(perms) {
		goName := exportedName(p)
		if goName == "" {
			goName = "Unnamed"
		}
		b.api.Permissions = append(b.api.Permissions, PermissionInfo{Value: p, GoName: b.types.claim("Permission" + goName)})
	}
	return nil
}

// groupOf is the file group of an endpoint: its first path segment.
func groupOf(name string) string {
	g, _, _ := strings.Cut(name, "/")
	return g
}

// fileGroup is the group of an endpoint as its file name spells it
// ("get-online-users-count" → "get_online_users_count", "test" →
// "test_endpoints"), so that groups whose file names would be the same
// ("notes-create" and "notes_create", "test" and "test_endpoints") are one
// group and share the file.
func fileGroup(name string) string {
	return strings.TrimSuffix(strings.TrimPrefix(groupFileName(groupOf(name)), "api_"), ".go")
}

func (b *builder) endpointRequest(ep *Endpoint, op *openapi3.Operation, ptr string) error {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	content := op.RequestBody.Value.Content
	ctype := "application/json"
	mt := content.Get(ctype)
	if mt == nil {
		ctype = "multipart/form-data"
		mt = content.Get(ctype)
		ep.Multipart = mt != nil
	}
	if mt == nil {
		for k := range content {
			b.warn(ptr+"/requestBody", "request content type %q is not supported; the endpoint takes no parameters here", k)
			break
		}
		return nil
	}
	if mt.Schema == nil {
		return nil
	}
	ep.RequestSchema = validationSchema(mt.Schema, ep.Multipart, b.order)
	c := convCtx{
		ptr:       ptr + "/requestBody/content/" + pointerEscape(ctype) + "/schema",
		fixedName: ep.GoName + "Request",
		role:      "the request of " + ep.Name,
		endpoint:  ep.GoName,
		field:     "request",
		group:     ep.Group,
		request:   true,
		multipart: ep.Multipart,
	}
	ref, _, err := b.convert(mt.Schema, c)
	if err != nil {
		return fmt.Errorf("endpoint %s: %w", ep.Name, err)
	}
	switch {
	case ref.Kind == RefNamed && ref.Named.Kind == KindStruct:
		if len(allFields(ref.Named, nil)) > 0 {
			ep.Request = ref.Named
		} else if ref.Named.Component == "" {
			// An empty inline request type; a component stays, others may use it.
			b.dropType(ref.Named)
		}
	case ref.Kind == RefMap || ref.Kind == RefAny:
		// {type: object} with no properties: no parameters.
	default:
		b.warn(c.ptr, "request body is not an object; the endpoint is generated without parameters (use Client.Call)")
	}
	return nil
}

// dropType forgets a type that turned out not to be needed (an empty
// request struct); its name stays reserved, which keeps naming stable.
func (b *builder) dropType(t *Type) {
	for i, x := range b.all {
		if x == t {
			b.all = append(b.all[:i], b.all[i+1:]...)
			return
		}
	}
}

func (b *builder) endpointResponse(ep *Endpoint, op *openapi3.Operation, ptr string) error {
	if op.Responses == nil {
		return nil
	}
	var codes []string
	for code := range op.Responses.Map() {
		if strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		r := op.Responses.Value(code)
		if r == nil || r.Value == nil {
			continue
		}
		mt := r.Value.Content.Get("application/json")
		if mt == nil || mt.Schema == nil {
			continue
		}
		c := convCtx{
			ptr:       ptr + "/responses/" + pointerEscape(code) + "/content/application~1json/schema",
			fixedName: ep.GoName + "Response",
			role:      "the response of " + ep.Name,
			endpoint:  ep.GoName,
			field:     "response",
			group:     ep.Group,
			response:  true,
		}
		ref, _, err := b.convert(mt.Schema, c)
		if err != nil {
			return fmt.Errorf("endpoint %s: %w", ep.Name, err)
		}
		ep.Response = ref
		b.splitListForm(ep)
		return nil
	}
	return nil
}

func (b *builder) endpointErrors(ep *Endpoint, op *openapi3.Operation, ptr string) {
	if op.Responses == nil {
		return
	}
	seen := map[string]bool{}
	// Sorted, so that which of two examples with one code and id is kept
	// does not depend on map order.
	responses := op.Responses.Map()
	for _, code := range sortedKeys(responses) {
		r := responses[code]
		status, err := strconv.Atoi(code)
		if err != nil || status < 400 || r == nil || r.Value == nil {
			continue
		}
		mt := r.Value.Content.Get("application/json")
		if mt == nil {
			continue
		}
		for _, exName := range sortedKeys(mt.Examples) {
			ex := mt.Examples[exName]
			if ex == nil || ex.Value == nil {
				continue
			}
			body, _ := ex.Value.Value.(map[string]any)
			e, _ := body["error"].(map[string]any)
			if e == nil {
				continue
			}
			ec := &ErrorCase{Status: status}
			ec.Code, _ = e["code"].(string)
			ec.ID, _ = e["id"].(string)
			ec.Message, _ = e["message"].(string)
			ec.Message = docText(ec.Message)
			ec.Kind, _ = e["kind"].(string)
			if hs, ok := e["httpStatusCode"].(float64); ok && hs >= 400 && hs < 600 {
				ec.Status = int(hs)
			}
			if ec.Code == "" || seen[ec.Code+"\x00"+ec.ID] {
				continue
			}
			if strings.IndexFunc(ec.Code, badInText) >= 0 {
				b.warn(ptr+"/responses/"+pointerEscape(code)+"/content/application~1json/examples/"+pointerEscape(exName),
					"error code %q contains control characters; no error value generated", ec.Code)
				continue
			}
			seen[ec.Code+"\x00"+ec.ID] = true
			ep.Errors = append(ep.Errors, ec)
		}
	}
	sort.Slice(ep.Errors, func(i, j int) bool {
		a, c := ep.Errors[i], ep.Errors[j]
		if a.Status != c.Status {
			return a.Status < c.Status
		}
		if a.Code != c.Code {
			return a.Code < c.Code
		}
		return a.ID < c.ID
	})
	for _, ec := range ep.Errors {
		if name, ok := commonErrors[ec.ID]; ok {
			ec.GoName, ec.Common = name, true
			continue
		}
		ec.GoName = b.types.claim("Err" + ep.GoName + exportedName(strings.ToLower(ec.Code)))
	}
}

// commonErrors are the runtime's shared sentinels, by Misskey error id.
var commonErrors = map[string]string{
	"1384574d-a912-4b81-8601-c7b1c4085df1": "ErrCredentialRequired",
	"b0a7f5f8-dc2f-4171-b91f-de88ad238e14": "ErrAuthenticationFailed",
	"d5826d14-3982-4d2e-8011-b9e9f02499ef": "ErrRateLimitExceeded",
	"3d81ceae-475f-4600-b2a8-2bc116157532": "ErrInvalidParam",
	"5d37dbcb-891e-41ca-a3d6-e690c97775ac": "ErrInternalError",
	"60c46cd1-f23a-46b1-bebe-5d2b73951a84": "ErrIAmAI",
}

// splitListForm gives an endpoint that answers one object, or a list of
// them when its request names several (users/show: userId or userIds), a
// method per form instead of a union answer. The request decides when it
// has both a property and its plural (userId, userIds).
func (b *builder) splitListForm(ep *Endpoint) {
	r := ep.Response
	if r == nil || r.Kind != RefNamed || r.Named.Kind != KindUnion || len(r.Named.Branches) != 2 || ep.Request == nil {
		return
	}
	var obj, list *Branch
	for _, br := range r.Named.Branches {
		switch br.JSONKind {
		case "object":
			obj = br
		case "array":
			list = br
		}
	}
	if obj == nil || list == nil || list.Type.Kind != RefSlice || !sameRef(obj.Type, list.Type.Elem) {
		return
	}
	names := map[string]*Field{}
	for _, f := range allFields(ep.Request, nil) {
		names[f.JSONName] = f
	}
	var plural *Field
	for _, name := range sortedKeys(names) {
		if p := names[name+"s"]; p != nil && names[name].Type.Kind == RefString && p.Type.Kind == RefSlice {
			plural = p
			break
		}
	}
	if plural == nil {
		return
	}
	ep.ListField = plural
	b.dropType(r.Named)
	ep.Response = obj.Type
	ep.ListResponse = list.Type
	ep.ListMethod = b.methods.claim(ep.GoName + "Many")
}

// sameRef reports whether two type refs denote the same Go type.
func sameRef(a, b *TypeRef) bool {
	for a != nil && b != nil {
		if a.Kind != b.Kind || a.Named != b.Named {
			return false
		}
		a, b = a.Elem, b.Elem
	}
	return a == nil && b == nil
}
