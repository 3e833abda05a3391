package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// groupFile writes the endpoints of one group (first path segment), their
// error values, and the request and response types they own.
func (e *emitter) groupFile(eps []*Endpoint, types []*Type) *jen.File {
	f := e.newFile()
	owned := map[string][]*Type{}
	for _, t := range types {
		owner := ownerEndpoint(t, eps)
		owned[owner] = append(owned[owner], t)
	}
	for _, ep := range eps {
		e.errorVars(f, ep)
		e.method(f, ep)
		if ep.Pager != nil {
			e.pagerMethods(f, ep)
		}
		for _, t := range owned[ep.GoName] {
			e.typeDecl(f, t)
			f.Line()
		}
	}
	for _, t := range owned[""] {
		e.typeDecl(f, t)
		f.Line()
	}
	return f
}

// ownerEndpoint returns the Go name of the endpoint whose inline schemas
// made t (the longest endpoint name that prefixes the type name).
func ownerEndpoint(t *Type, eps []*Endpoint) string {
	best := ""
	for _, ep := range eps {
		if strings.HasPrefix(t.Name, ep.GoName) && len(ep.GoName) > len(best) {
			best = ep.GoName
		}
	}
	return best
}

func (e *emitter) errorVars(f *jen.File, ep *Endpoint) {
	var defs []jen.Code
	for _, ec := range ep.Errors {
		if ec.Common {
			continue
		}
		d := jen.Dict{
			jen.Id("StatusCode"): jen.Lit(ec.Status),
			jen.Id("Endpoint"):   jen.Lit(ep.Name),
			jen.Id("Code"):       jen.Lit(ec.Code),
			jen.Id("ID"):         jen.Lit(ec.ID),
			jen.Id("Message"):    jen.Lit(ec.Message),
		}
		if ec.Kind != "" {
			d[jen.Id("Kind")] = jen.Lit(ec.Kind)
		}
		defs = append(defs, jen.Comment(commentLine(fmt.Sprintf("%s is returned by %s: %s (%d %s). Match it with errors.Is.", ec.GoName, ep.GoName, oneLine(ec.Message), ec.Status, ec.Code))).Line().
			Id(ec.GoName).Op("=").Op("&").Id("APIError").Values(d))
	}
	if len(defs) > 0 {
		f.Comment(commentLine(fmt.Sprintf("Errors %s documents.", ep.Name)))
		f.Var().Defs(defs...)
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "no message"
	}
	return s
}

// methodDoc is the doc comment of an endpoint method.
func (e *emitter) methodDoc(ep *Endpoint) []string {
	doc := []string{fmt.Sprintf("%s calls %s (POST /api/%s).", ep.GoName, ep.Name, ep.Name)}
	if d := docLines(ep.Description); len(d) > 0 {
		doc = append(doc, "")
		doc = append(doc, d...)
	}
	doc = append(doc, "")
	cred := "Credential required: no."
	if ep.Credential {
		cred = "Credential required: yes."
	}
	if len(ep.Permissions) > 0 {
		cred += " Permission: " + strings.Join(ep.Permissions, ", ") + "."
	}
	doc = append(doc, cred)
	if ep.Multipart {
		doc = append(doc, "The request is sent as multipart/form-data.")
	}
	if ep.Response != nil && returnsPointer(ep.Response) {
		doc = append(doc, "When the server answers 204 No Content, it returns nil and no error.")
	}
	if ep.ListMethod != "" && ep.ListField != nil {
		doc = append(doc, fmt.Sprintf("With %s set, even to an empty list, the server answers a list: call %s.", ep.ListField.Name, ep.ListMethod))
	}
	if ep.Deprecated {
		doc = append(doc, "", "Deprecated: the API document marks this endpoint deprecated.")
	}
	if len(ep.Errors) > 0 {
		var names []string
		for _, ec := range ep.Errors {
			names = append(names, ec.GoName)
		}
		doc = append(doc, "", "Documented errors (match with errors.Is): "+strings.Join(uniqStrings(names), ", ")+".")
	}
	return doc
}

func uniqStrings(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// returnsPointer reports whether a method returns its response as a pointer
// (structs and unions), so that nil can stand for a 204 answer.
func returnsPointer(r *TypeRef) bool {
	return r.Kind == RefNamed && (r.Named.Kind == KindStruct || r.Named.Kind == KindUnion)
}

func (e *emitter) method(f *jen.File, ep *Endpoint) {
	for _, l := range e.methodDoc(ep) {
		f.Comment(commentLine(l))
	}
	if ep.Pager != nil {
		f.Comment(commentLine(fmt.Sprintf("All(ctx, c.%s, req) walks every page.", ep.GoName)))
	}
	params := []jen.Code{jen.Id("ctx").Qual("context", "Context")}
	reqArg := jen.Nil()
	if ep.Request != nil {
		params = append(params, jen.Id("req").Op("*").Id(ep.Request.Name))
		reqArg = jen.Id("req")
	}
	if ep.Multipart {
		prelude := []jen.Code{jen.Var().Id("files").Index().Id("FormFile")}
		if ep.Request != nil {
			for _, fl := range allFields(ep.Request, nil) {
				if fl.Type.Kind != RefReader {
					continue
				}
				prelude = append(prelude, jen.If(jen.Id("req").Op("!=").Nil().Op("&&").Id("req").Dot(fl.Name).Op("!=").Nil()).Block(
					jen.Id("files").Op("=").Append(jen.Id("files"), jen.Id("FormFile").Values(jen.Dict{
						jen.Id("Field"): jen.Lit(fl.JSONName),
						jen.Id("Body"):  jen.Id("req").Dot(fl.Name),
					})),
				))
			}
		}
		e.methodBody(f, ep, params, prelude, func(resp jen.Code) jen.Code {
			return jen.Id("c").Dot("callMultipart").Call(jen.Id("ctx"), jen.Lit(ep.Name), reqArg, jen.Id("files"), resp)
		})
		return
	}
	call := func(resp jen.Code) jen.Code {
		return jen.Id("c").Dot("call").Call(jen.Id("ctx"), jen.Lit(ep.Name), reqArg, resp)
	}
	e.methodBody(f, ep, params, nil, call)
	if ep.ListMethod != "" {
		f.Comment(commentLine(fmt.Sprintf("%s calls %s for several at once (the request names them all, as in its", ep.ListMethod, ep.Name)))
		f.Comment(commentLine(fmt.Sprintf("plural field) and returns the list the server answers. See %s.", ep.GoName)))
		e.methodBodyFor(f, ep.ListMethod, ep.ListResponse, params, nil, call)
	}
}

func (e *emitter) methodBody(f *jen.File, ep *Endpoint, params []jen.Code, prelude []jen.Code, call func(resp jen.Code) jen.Code) {
	e.methodBodyFor(f, ep.GoName, ep.Response, params, prelude, call)
}

// respTarget is what a method hands the transport to decode into: the
// response itself when its type has a codec, else an adapter.
func respTarget(r *TypeRef) jen.Code {
	if r.Kind == RefNamed && hasCodec(r.Named) {
		return jen.Op("&").Id("resp")
	}
	return jen.Id("jsonTarget").Call(jen.Op("&").Id("resp"), decFunc(r))
}

// hasCodec reports whether a named type has decodeJSON and encodeJSON.
func hasCodec(t *Type) bool {
	switch t.Kind {
	case KindStruct, KindUnion, KindTuple:
		return true
	case KindAlias:
		return !isTrueAlias(t)
	}
	return false
}

func (e *emitter) methodBodyFor(f *jen.File, name string, response *TypeRef, params []jen.Code, prelude []jen.Code, call func(resp jen.Code) jen.Code) {
	body := append([]jen.Code{}, prelude...)
	if response == nil {
		body = append(body, jen.Return(call(jen.Nil())))
		f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(name).Params(params...).Error().Block(body...)
		return
	}
	rt := goType(response)
	var results, ret, errRet jen.Code
	if returnsPointer(response) {
		results = jen.Params(jen.Op("*").Add(rt), jen.Error())
		ret = jen.Op("&").Id("resp")
		// A 204 answer returns nil, not a pointer to a zero value.
		body = append(body,
			jen.Var().Id("resp").Add(goType(response)),
			jen.Id("p").Op(":=").Id("presence").Values(jen.Dict{jen.Id("target"): respTarget(response)}),
			jen.If(jen.Err().Op(":=").Add(call(jen.Op("&").Id("p"))), jen.Err().Op("!=").Nil().Op("||").Op("!").Id("p").Dot("got")).Block(
				jen.Return(jen.Nil(), jen.Err()),
			),
			jen.Return(ret, jen.Nil()),
		)
	} else {
		results = jen.Params(rt, jen.Error())
		ret = jen.Id("resp")
		errRet = jen.Id("resp")
		if response.Kind == RefSlice || response.Kind == RefMap || response.Kind == RefRaw || response.Kind == RefAny {
			errRet = jen.Nil()
		}
		body = append(body,
			jen.Var().Id("resp").Add(rt),
			jen.If(jen.Err().Op(":=").Add(call(respTarget(response))), jen.Err().Op("!=").Nil()).Block(
				jen.Return(errRet, jen.Err()),
			),
			jen.Return(ret, jen.Nil()),
		)
	}
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(name).Params(params...).Add(results).Block(body...)
}

// pagerMethods makes a request usable with All: it sets untilId. (Its
// items tell their id: see pageIDMethod.)
func (e *emitter) pagerMethods(f *jen.File, ep *Endpoint) {
	p := ep.Pager
	req := ep.Request.Name
	until := jen.Id("r").Dot(p.Until.Name)
	var set jen.Code
	if p.Until.Wrap == WrapOptional {
		set = until.Clone().Op("=").Id("Value").Call(jen.Id("id"))
	} else {
		set = until.Clone().Op("=").Op("&").Id("id")
	}
	f.Comment(commentLine(fmt.Sprintf("setUntilID makes r ask for the page before id (untilId), for All.")))
	f.Func().Params(jen.Id("r").Op("*").Id(req)).Id("setUntilID").Params(jen.Id("id").String()).Block(set)
}

func fieldByJSON(t *Type, name string) *Field {
	for _, f := range allFields(t, nil) {
		if f.JSONName == name {
			return f
		}
	}
	return nil
}

// permissionsFile writes the Permission constants and the endpoint table.
func (e *emitter) permissionsFile() *jen.File {
	f := e.newFile()
	var consts []jen.Code
	for _, p := range e.api.Permissions {
		consts = append(consts, jen.Id(p.GoName).Id("Permission").Op("=").Lit(p.Value))
	}
	if len(consts) > 0 {
		f.Comment("Permissions named by the endpoints of the API document.")
		f.Const().Defs(consts...)
	}
	var all []jen.Code
	for _, p := range e.api.Permissions {
		all = append(all, jen.Id(p.GoName))
	}
	f.Comment("AllPermissions lists every permission the API document names, sorted.")
	f.Func().Id("AllPermissions").Params().Index().Id("Permission").Block(
		jen.Return(jen.Index().Id("Permission").Values(all...)),
	)
	var rows []jen.Code
	for _, ep := range e.api.Endpoints {
		d := jen.Dict{jen.Id("Name"): jen.Lit(ep.Name)}
		if ep.Credential {
			d[jen.Id("RequiresCredential")] = jen.True()
		}
		if ep.Multipart {
			d[jen.Id("Multipart")] = jen.True()
		}
		if len(ep.Permissions) > 0 {
			var ps []jen.Code
			for _, p := range ep.Permissions {
				ps = append(ps, jen.Id(e.perms[p]))
			}
			d[jen.Id("Permissions")] = jen.Index().Id("Permission").Values(ps...)
		}
		rows = append(rows, jen.Values(d))
	}
	f.Comment("endpointTable lists every endpoint of the API document, sorted by name.")
	f.Var().Id("endpointTable").Op("=").Index().Id("EndpointInfo").Values(rows...)
	return f
}

// pageIDMethod makes a type usable as an item of All: it tells its id.
func pageIDMethod(f *jen.File, t *Type) {
	for _, sf := range structFields(t) {
		if sf.JSONName == "id" {
			f.Comment("pageID returns x's id, for All.")
			f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("pageID").Params().String().Block(jen.Return(sf.sel()))
			return
		}
	}
}
