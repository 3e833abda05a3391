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
			e.pagerMethod(f, ep)
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
	e.methodBody(f, ep, params, nil, func(resp jen.Code) jen.Code {
		return jen.Id("c").Dot("call").Call(jen.Id("ctx"), jen.Lit(ep.Name), reqArg, resp)
	})
}

func (e *emitter) methodBody(f *jen.File, ep *Endpoint, params []jen.Code, prelude []jen.Code, call func(resp jen.Code) jen.Code) {
	body := append([]jen.Code{}, prelude...)
	if ep.Response == nil {
		body = append(body, jen.Return(call(jen.Nil())))
		f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(ep.GoName).Params(params...).Error().Block(body...)
		return
	}
	rt := goType(ep.Response)
	var results jen.Code
	var ret jen.Code
	var errRet jen.Code
	if returnsPointer(ep.Response) {
		results = jen.Params(jen.Op("*").Add(goType(ep.Response)), jen.Error())
		ret = jen.Op("&").Id("resp")
		errRet = jen.Nil()
	} else {
		results = jen.Params(goType(ep.Response), jen.Error())
		ret = jen.Id("resp")
		errRet = jen.Id("resp")
		if ep.Response.Kind == RefSlice || ep.Response.Kind == RefMap || ep.Response.Kind == RefRaw || ep.Response.Kind == RefAny {
			errRet = jen.Nil()
		}
	}
	if returnsPointer(ep.Response) {
		// A 204 answer returns nil, not a pointer to a zero value.
		body = append(body,
			jen.Var().Id("resp").Add(rt),
			jen.Id("p").Op(":=").Id("presence").Values(jen.Dict{jen.Id("target"): jen.Op("&").Id("resp")}),
			jen.If(jen.Err().Op(":=").Add(call(jen.Op("&").Id("p"))), jen.Err().Op("!=").Nil().Op("||").Op("!").Id("p").Dot("got")).Block(
				jen.Return(jen.Nil(), jen.Err()),
			),
			jen.Return(ret, jen.Nil()),
		)
	} else {
		body = append(body,
			jen.Var().Id("resp").Add(rt),
			jen.If(jen.Err().Op(":=").Add(call(jen.Op("&").Id("resp"))), jen.Err().Op("!=").Nil()).Block(
				jen.Return(errRet, jen.Err()),
			),
			jen.Return(ret, jen.Nil()),
		)
	}
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(ep.GoName).Params(params...).Add(results).Block(body...)
}

func (e *emitter) pagerMethod(f *jen.File, ep *Endpoint) {
	p := ep.Pager
	item := goType(p.Item)
	f.Comment(commentLine(fmt.Sprintf("%s iterates over %s page by page, following untilId from the", p.Method, ep.Name)))
	f.Comment("newest item to the oldest. It stops after a page shorter than the requested")
	f.Comment("limit (or an empty page when no limit is set), at the first error, which it")
	f.Comment("yields, when the caller stops ranging, or when ctx ends. req may be nil; it")
	f.Comment("is copied, not modified.")
	var limit jen.Code = jen.Lit(0)
	var pre []jen.Code
	pre = append(pre,
		jen.Var().Id("r").Id(ep.Request.Name),
		jen.If(jen.Id("req").Op("!=").Nil()).Block(jen.Id("r").Op("=").Op("*").Id("req")),
	)
	if p.HasLimit {
		pre = append(pre,
			jen.Var().Id("limit").Int64(),
			jen.If(jen.List(jen.Id("n"), jen.Id("ok")).Op(":=").Id("r").Dot(fieldByJSON(ep.Request, "limit").Name).Dot("Get").Call(), jen.Id("ok")).Block(jen.Id("limit").Op("=").Id("n")),
		)
		limit = jen.Id("limit")
	}
	var idFn jen.Code
	if p.IDField != "" {
		idFn = jen.Func().Params(jen.Id("v").Op("*").Add(item)).String().Block(jen.Return(jen.Id("v").Dot(p.IDField)))
	} else {
		idFn = jen.Func().Params(jen.Id("v").Op("*").Add(item)).String().Block(jen.Return(jen.Id("jsonStringField").Call(jen.Id("v").Dot("Raw"), jen.Lit("id"))))
	}
	untilField := fieldByJSON(ep.Request, "untilId").Name
	pre = append(pre, jen.Return(jen.Id("paginate").Call(jen.Id("ctx"), limit,
		jen.Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("untilID").String()).Params(jen.Index().Add(item), jen.Error()).Block(
			jen.If(jen.Id("untilID").Op("!=").Lit("")).Block(jen.Id("r").Dot(untilField).Op("=").Id("Value").Call(jen.Id("untilID"))),
			jen.Return(jen.Id("c").Dot(ep.GoName).Call(jen.Id("ctx"), jen.Op("&").Id("r"))),
		),
		idFn,
	)))
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(p.Method).Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Op("*").Id(ep.Request.Name),
	).Qual("iter", "Seq2").Types(item, jen.Error()).Block(pre...)
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
