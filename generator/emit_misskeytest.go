package generator

import (
	"bytes"
	"fmt"
	"go/format"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/misskey-gen/misskey-gen/templates"
)

// The misskeytest subpackage: a fake server for the tests of programs that
// use the client. Its runtime (templates/misskeytest) works on JSON only;
// what depends on the document is emitted here from the model: the endpoint
// table (credential, permissions, multipart, request schema, documented
// errors, and the client types to decode requests into and to shape
// responses with) and one typed Handle<Endpoint> method per endpoint.

// TestServerDir is the subdirectory of the output that holds the fake
// server package.
const TestServerDir = "misskeytest"

// runtimeImport is how the misskeytest runtime imports the client runtime;
// the generator rewrites it to the generated client's import path.
const runtimeImport = `misskey "github.com/misskey-gen/misskey-gen/templates"`

// conformKinds are the entities the fake server's own Misskey sends in
// streaming events, which it passes through the client's types of the same
// component name when the document has them.
var conformKinds = []string{"DriveFile", "Note", "Notification", "UserDetailedNotMe", "UserLite"}

// EmitTestServer renders the misskeytest package for the model, importing
// the client package by clientImport. The files are named
// "misskeytest/<name>".
func EmitTestServer(api *API, clientImport string) ([]File, error) {
	if clientImport == "" {
		return nil, fmt.Errorf("misskeytest needs the import path of the client package")
	}
	perms := map[string]string{}
	for _, p := range api.Permissions {
		perms[p.Value] = p.GoName
	}
	t := &testServerEmitter{api: api, client: clientImport, perms: perms}
	jobs := []struct {
		name string
		f    *jen.File
	}{
		{"endpoints.go", t.endpointsFile()},
		{"handlers.go", t.handlersFile()},
	}
	var files []File
	for _, j := range jobs {
		var buf bytes.Buffer
		if err := j.f.Render(&buf); err != nil {
			return nil, fmt.Errorf("formatting %s/%s: %w", TestServerDir, j.name, err)
		}
		files = append(files, File{Name: TestServerDir + "/" + j.name, Content: buf.Bytes()})
	}
	rt, err := testServerRuntime(clientImport)
	if err != nil {
		return nil, err
	}
	files = append(files, rt...)
	return sortFiles(files)
}

// testServerRuntime copies templates/misskeytest with its import of the
// runtime pointed at the client package.
func testServerRuntime(clientImport string) ([]File, error) {
	rt, err := templates.TestServerFiles()
	if err != nil {
		return nil, err
	}
	out := make([]File, 0, len(rt))
	for _, r := range rt {
		src := string(r.Source)
		if n := strings.Count(src, "github.com/misskey-gen/misskey-gen/templates"); n != strings.Count(src, runtimeImport) {
			return nil, fmt.Errorf("misskeytest runtime file %s must import the runtime exactly as %s", r.Name, runtimeImport)
		}
		src = strings.ReplaceAll(src, runtimeImport, `misskey "`+clientImport+`"`)
		src = "// " + Header + "\n\n" + src
		b, err := format.Source([]byte(src))
		if err != nil {
			return nil, fmt.Errorf("misskeytest runtime file %s: %w", r.Name, err)
		}
		out = append(out, File{Name: TestServerDir + "/" + r.Name, Content: b})
	}
	return out, nil
}

type testServerEmitter struct {
	api    *API
	client string
	perms  map[string]string
}

func (t *testServerEmitter) newFile() *jen.File {
	f := jen.NewFile("misskeytest")
	f.HeaderComment(Header)
	f.ImportAlias(t.client, "misskey")
	return f
}

// clientType is the Go type of a TypeRef, qualified with the client package.
func (t *testServerEmitter) clientType(r *TypeRef) jen.Code {
	switch r.Kind {
	case RefNamed:
		return jen.Qual(t.client, r.Named.Name)
	case RefSlice:
		return jen.Index().Add(t.clientType(r.Elem))
	case RefMap:
		return jen.Map(jen.String()).Add(t.clientType(r.Elem))
	}
	return goType(r)
}

// responseType is what a handler returns: a pointer for the types the
// client's method returns as a pointer.
func (t *testServerEmitter) responseType(r *TypeRef) jen.Code {
	if returnsPointer(r) {
		return jen.Op("*").Add(t.clientType(r))
	}
	return t.clientType(r)
}

// stringLit is a Go string literal of s, raw when it can be.
func stringLit(s string) jen.Code {
	if !strings.ContainsAny(s, "`\r") {
		return jen.Op("`" + s + "`")
	}
	return jen.Lit(s)
}

func (t *testServerEmitter) endpointsFile() *jen.File {
	f := t.newFile()
	var rows []jen.Code
	for _, ep := range t.api.Endpoints {
		d := jen.Dict{
			jen.Id("name"):   jen.Lit(ep.Name),
			jen.Id("goName"): jen.Lit(ep.GoName),
		}
		if ep.Credential {
			d[jen.Id("credential")] = jen.True()
		}
		if ep.Multipart {
			d[jen.Id("multipart")] = jen.True()
		}
		if len(ep.Permissions) > 0 {
			var ps []jen.Code
			for _, p := range ep.Permissions {
				ps = append(ps, jen.Qual(t.client, t.perms[p]))
			}
			d[jen.Id("perms")] = jen.Index().Qual(t.client, "Permission").Values(ps...)
		}
		if ep.RequestSchema != "" {
			d[jen.Id("schema")] = stringLit(ep.RequestSchema)
		}
		if len(ep.Errors) > 0 {
			var es []jen.Code
			seen := map[string]bool{}
			for _, ec := range ep.Errors {
				if !seen[ec.GoName] {
					seen[ec.GoName] = true
					es = append(es, jen.Qual(t.client, ec.GoName))
				}
			}
			d[jen.Id("errors")] = jen.Index().Op("*").Qual(t.client, "APIError").Values(es...)
		}
		if ep.Request != nil {
			req := jen.Qual(t.client, ep.Request.Name)
			d[jen.Id("request")] = jen.Id("newValue").Index(req)
			var sets []jen.Code
			for _, fl := range allFields(ep.Request, nil) {
				if fl.Type.Kind != RefReader {
					continue
				}
				sets = append(sets, jen.If(jen.List(jen.Id("f"), jen.Id("ok")).Op(":=").Id("files").Index(jen.Lit(fl.JSONName)), jen.Id("ok")).Block(
					jen.Id("r").Dot(fl.Name).Op("=").Id("f").Dot("reader").Call(),
				))
			}
			if len(sets) > 0 {
				body := append([]jen.Code{jen.Id("r").Op(":=").Id("req").Assert(jen.Op("*").Add(req))}, sets...)
				d[jen.Id("files")] = jen.Func().Params(jen.Id("req").Any(), jen.Id("files").Map(jen.String()).Id("UploadedFile")).Block(body...)
			}
		}
		if ep.Response != nil && ep.Response.Kind != RefRaw && ep.Response.Kind != RefAny {
			d[jen.Id("conform")] = jen.Id("roundTrip").Index(t.clientType(ep.Response))
		}
		rows = append(rows, jen.Values(d))
	}
	f.Comment("endpointDefs lists every endpoint of the API document, sorted by name.")
	f.Var().Id("endpointDefs").Op("=").Index().Id("endpointDef").Values(rows...)

	var cases []jen.Code
	for _, kind := range conformKinds {
		for _, ty := range t.api.Types {
			if ty.Component == kind {
				cases = append(cases, jen.Case(jen.Lit(kind)).Block(jen.Return(jen.Id("roundTrip").Index(jen.Qual(t.client, ty.Name)).Call(jen.Id("data")))))
				break
			}
		}
	}
	f.Comment("conformEntity passes an entity the server's own Misskey sends through the")
	f.Comment("client's type of that component name, so that it has this document's shape.")
	f.Func().Id("conformEntity").Params(jen.Id("kind").String(), jen.Id("data").Index().Byte()).Index().Byte().Block(
		jen.Switch(jen.Id("kind")).Block(cases...),
		jen.Return(jen.Id("data")),
	)
	return f
}

func (t *testServerEmitter) handlersFile() *jen.File {
	f := t.newFile()
	for _, ep := range t.api.Endpoints {
		params := []jen.Code{jen.Qual("context", "Context")}
		args := []jen.Code{jen.Id("ctx")}
		var pre []jen.Code
		if ep.Request != nil {
			req := jen.Qual(t.client, ep.Request.Name)
			params = append(params, jen.Op("*").Add(req))
			args = append(args, jen.Id("r"))
			pre = append(pre,
				jen.List(jen.Id("r"), jen.Id("_")).Op(":=").Id("req").Assert(jen.Op("*").Add(req)),
				jen.If(jen.Id("r").Op("==").Nil()).Block(jen.Id("r").Op("=").New(req)),
			)
		}
		var results jen.Code = jen.Error()
		var call []jen.Code
		if ep.Response != nil {
			results = jen.Params(t.responseType(ep.Response), jen.Error())
			call = append(pre, jen.Return(jen.Id("h").Call(args...)))
		} else {
			call = append(pre, jen.Return(jen.Nil(), jen.Id("h").Call(args...)))
		}
		reqName := "_"
		if ep.Request != nil {
			reqName = "req"
		}
		name := "Handle" + ep.GoName
		if ep.ListMethod != "" && ep.ListField != nil && ep.Request != nil {
			t.listFormHandler(f, ep, name, params, results, pre)
			continue
		}
		f.Comment(commentLine(fmt.Sprintf("%s makes h answer %s.", name, ep.Name)))
		f.Comment("h gets the parameters of each call decoded, after the checks a real")
		f.Comment("server makes; see SetHandler for what it may return. A nil h removes the")
		f.Comment("handler.")
		f.Func().Params(jen.Id("s").Op("*").Id("Server")).Id(name).Params(
			jen.Id("h").Func().Params(params...).Add(results),
		).Block(
			jen.If(jen.Id("h").Op("==").Nil()).Block(
				jen.Id("s").Dot("setHandler").Call(jen.Lit(ep.Name), jen.Nil()),
				jen.Return(),
			),
			jen.Id("s").Dot("setHandler").Call(jen.Lit(ep.Name), jen.Func().Params(
				jen.Id("ctx").Qual("context", "Context"), jen.Id(reqName).Any(), jen.Id("_").Qual("encoding/json", "RawMessage"),
			).Params(jen.Any(), jen.Error()).Block(call...)),
		)
	}
	return f
}

// listFormHandler writes the Handle method of an endpoint with a list form
// (users/show answers a list when the request has userIds): it takes a
// handler per form, and a call goes to the one its request asks for: the
// list form when the plural field was sent (not nil), even empty.
func (t *testServerEmitter) listFormHandler(f *jen.File, ep *Endpoint, name string, params []jen.Code, one jen.Code, pre []jen.Code) {
	many := jen.Params(t.responseType(ep.ListResponse), jen.Error())
	f.Comment(commentLine(fmt.Sprintf("%s makes one answer %s for one (the client's %s) and many", name, ep.Name, ep.GoName)))
	f.Comment(commentLine(fmt.Sprintf("answer it for the list form, when the request has %s (the client's %s).", ep.ListField.JSONName, ep.ListMethod)))
	f.Comment("Each gets the parameters of each call decoded, after the checks a real")
	f.Comment("server makes; see SetHandler for what it may return. A nil handler leaves")
	f.Comment("its form to the server's own Misskey; both nil remove the handler.")
	list := jen.Id("r").Dot(ep.ListField.Name)
	body := append(append([]jen.Code{}, pre...),
		// As Misskey (users/show: `if (ps.userIds)`): the list form
		// whenever the plural was sent, even empty.
		jen.If(list.Op("!=").Nil()).Block(
			jen.If(jen.Id("many").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Id("ErrFallThrough"))),
			jen.Return(jen.Id("many").Call(jen.Id("ctx"), jen.Id("r"))),
		),
		jen.If(jen.Id("one").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Id("ErrFallThrough"))),
		jen.Return(jen.Id("one").Call(jen.Id("ctx"), jen.Id("r"))),
	)
	f.Func().Params(jen.Id("s").Op("*").Id("Server")).Id(name).Params(
		jen.Id("one").Func().Params(params...).Add(one),
		jen.Id("many").Func().Params(params...).Add(many),
	).Block(
		jen.If(jen.Id("one").Op("==").Nil().Op("&&").Id("many").Op("==").Nil()).Block(
			jen.Id("s").Dot("setHandler").Call(jen.Lit(ep.Name), jen.Nil()),
			jen.Return(),
		),
		jen.Id("s").Dot("setHandler").Call(jen.Lit(ep.Name), jen.Func().Params(
			jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Any(), jen.Id("_").Qual("encoding/json", "RawMessage"),
		).Params(jen.Any(), jen.Error()).Block(body...)),
	)
}
