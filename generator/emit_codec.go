package generator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// The JSON codec of every generated type: decodeJSON and encodeJSON, which
// the runtime (templates/json_*.go) drives without reflection, plus
// UnmarshalJSON and MarshalJSON for encoding/json. Decoding keeps what the
// Go fields cannot hold (Extra, Raw) and reports values that do not fit;
// encoding writes back exactly what was decoded.

// decFunc is an expression of type func(*T, *jsonDecoder) bool that decodes
// one value of r.
func decFunc(r *TypeRef) jen.Code {
	switch r.Kind {
	case RefString:
		return jen.Id("decString")
	case RefInt:
		return jen.Id("decInt64")
	case RefFloat:
		return jen.Id("decFloat64")
	case RefBool:
		return jen.Id("decBool")
	case RefTime:
		return jen.Id("decTime")
	case RefAny:
		return jen.Id("decAny")
	case RefRaw:
		return jen.Id("decRaw")
	case RefNamed:
		t := r.Named
		switch {
		case t.Kind == KindEnum:
			return jen.Id("decEnum").Types(jen.Id(t.Name))
		case t.Kind == KindAlias && isTrueAlias(t):
			return decFunc(t.Alias)
		}
		return jen.Parens(jen.Op("*").Id(t.Name)).Dot("decodeJSON")
	case RefSlice:
		return jen.Func().Params(jen.Id("p").Op("*").Add(goType(r)), jen.Id("d").Op("*").Id("jsonDecoder")).Bool().Block(
			jen.Return(jen.Id("decSlice").Call(jen.Id("p"), jen.Id("d"), decFunc(r.Elem))))
	case RefMap:
		return jen.Func().Params(jen.Id("p").Op("*").Add(goType(r)), jen.Id("d").Op("*").Id("jsonDecoder")).Bool().Block(
			jen.Return(jen.Id("decMap").Call(jen.Id("p"), jen.Id("d"), decFunc(r.Elem))))
	}
	panic(fmt.Sprintf("no decoder for type ref kind %d", r.Kind))
}

// encFunc is an expression of type func(*T, *jsonEncoder) that encodes one
// value of r.
func encFunc(r *TypeRef) jen.Code {
	switch r.Kind {
	case RefString:
		return jen.Id("encString")
	case RefInt:
		return jen.Id("encInt64")
	case RefFloat:
		return jen.Id("encFloat64")
	case RefBool:
		return jen.Id("encBool")
	case RefTime:
		return jen.Id("encTime")
	case RefAny:
		return jen.Id("encAny")
	case RefRaw:
		return jen.Id("encRaw")
	case RefNamed:
		t := r.Named
		switch {
		case t.Kind == KindEnum:
			return jen.Id("encEnum").Types(jen.Id(t.Name))
		case t.Kind == KindAlias && isTrueAlias(t):
			return encFunc(t.Alias)
		}
		return jen.Parens(jen.Op("*").Id(t.Name)).Dot("encodeJSON")
	case RefSlice:
		return jen.Func().Params(jen.Id("p").Op("*").Add(goType(r)), jen.Id("e").Op("*").Id("jsonEncoder")).Block(
			jen.Id("encSlice").Call(jen.Id("p"), jen.Id("e"), encFunc(r.Elem)))
	case RefMap:
		return jen.Func().Params(jen.Id("p").Op("*").Add(goType(r)), jen.Id("e").Op("*").Id("jsonEncoder")).Block(
			jen.Id("encMap").Call(jen.Id("p"), jen.Id("e"), encFunc(r.Elem)))
	}
	panic(fmt.Sprintf("no encoder for type ref kind %d", r.Kind))
}

// want says in words what JSON a type needs, for mismatch reports.
func want(r *TypeRef) string { return wantDepth(r, 0) }

func wantDepth(r *TypeRef, depth int) string {
	if depth > 4 {
		return "value"
	}
	switch r.Kind {
	case RefString:
		return "string"
	case RefInt:
		return "integer"
	case RefFloat:
		return "number"
	case RefBool:
		return "boolean"
	case RefTime:
		return "date-time string"
	case RefAny, RefRaw:
		return "any value"
	case RefNamed:
		t := r.Named
		switch t.Kind {
		case KindEnum:
			return "string"
		case KindAlias:
			return wantDepth(t.Alias, depth+1)
		case KindTuple:
			return "array " + t.Name
		}
		return t.Name
	case RefSlice:
		return "array of " + wantDepth(r.Elem, depth+1)
	case RefMap:
		return "object of " + wantDepth(r.Elem, depth+1)
	}
	return "value"
}

// codecMethods writes UnmarshalJSON and MarshalJSON over decodeJSON and
// encodeJSON.
func codecMethods(f *jen.File, name string) {
	f.Comment("UnmarshalJSON decodes x from JSON, keeping what its fields cannot hold (see Members).")
	f.Func().Params(jen.Id("x").Op("*").Id(name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Return(jen.Id("unmarshalJSONValue").Call(jen.Id("data"), jen.Id("x"))))
	f.Comment("MarshalJSON encodes x as JSON, with what decoding kept.")
	f.Func().Params(jen.Id("x").Id(name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id("marshalJSONValue").Call(jen.Op("&").Id("x"))))
}

// structField is a field of a struct or of one of its embedded parts, with
// the path to the struct that declares it.
type structField struct {
	*Field
	path  []string // embedded field names from the outer struct down to the declaring one
	index int      // bit in the decoder's seen set
}

// sel is the selector of the field from x ("x.UserLite.Username").
func (sf structField) sel() *jen.Statement {
	s := jen.Id("x")
	for _, p := range sf.path {
		s = s.Dot(p)
	}
	return s.Dot(sf.Name)
}

// nulls is the selector of the null bits of the struct that declares the
// field.
func (sf structField) nulls() *jen.Statement {
	s := jen.Id("x")
	for _, p := range sf.path {
		s = s.Dot(p)
	}
	return s.Dot("nulls")
}

// structFields lists the fields a struct decodes and encodes itself: its
// embedded parts' (in order, promoted) and its own. A JSON name is decoded
// once, into the shallowest field that has it.
func structFields(t *Type) []structField {
	type cand struct {
		sf    structField
		depth int
	}
	var all []cand
	var walk func(t *Type, path []string, depth int, seen map[*Type]bool)
	walk = func(t *Type, path []string, depth int, seen map[*Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		for _, e := range t.Embeds {
			walk(e, append(append([]string(nil), path...), e.Name), depth+1, seen)
		}
		for _, f := range t.Fields {
			all = append(all, cand{structField{Field: f, path: path}, depth})
		}
	}
	walk(t, nil, 0, map[*Type]bool{})
	best := map[string]int{}
	for i, c := range all {
		if j, ok := best[c.sf.JSONName]; !ok || c.depth < all[j].depth {
			best[c.sf.JSONName] = i
		}
	}
	var out []structField
	for i, c := range all {
		if best[c.sf.JSONName] == i {
			c.sf.index = len(out)
			out = append(out, c.sf)
		}
	}
	// The fields of the struct itself first when it has no embedded parts
	// is already the case; with parts, parts come first, as Misskey writes
	// them (UserLite's members before the detail).
	return out
}

// nullsType is the type of a struct's null bits.
func nullsType(n int) jen.Code {
	if n <= 64 {
		return jen.Uint64()
	}
	return jen.Index(jen.Lit((n + 63) / 64)).Uint64()
}

// nullBit is the expression of a field's null bit in its struct's nulls,
// as an operand for |= and &.
func nullBit(sf structField, declaring *Type) (word *jen.Statement, mask jen.Code) {
	n := sf.nulls()
	if declaringBits(sf, declaring) > 64 {
		n = n.Index(jen.Lit(sf.NullBit / 64))
	}
	return n, hexLit(uint64(1) << (sf.NullBit % 64))
}

// hexLit is an untyped integer constant written in hexadecimal.
func hexLit(w uint64) jen.Code { return jen.Id(fmt.Sprintf("%#x", w)) }

// declaringBits returns how many null bits the struct declaring sf has.
func declaringBits(sf structField, outer *Type) int {
	t := outer
	for _, p := range sf.path {
		for _, e := range t.Embeds {
			if e.Name == p {
				t = e
				break
			}
		}
	}
	return t.NullBits
}

func bitsLit(words []uint64) jen.Code {
	var vals []jen.Code
	for _, w := range words {
		vals = append(vals, hexLit(w))
	}
	return jen.Index().Uint64().Values(vals...)
}

func setBits(n int, idx []int) []uint64 {
	w := make([]uint64, (n+63)/64)
	for _, i := range idx {
		w[i/64] |= 1 << (i % 64)
	}
	return w
}

// structCodec writes the codec of a struct.
func (e *emitter) structCodec(f *jen.File, t *Type) {
	fields := structFields(t)
	words := (len(fields) + 63) / 64
	var required []int
	for _, sf := range fields {
		if sf.Required && sf.Type.Kind != RefReader {
			required = append(required, sf.index)
		}
	}
	variants := len(t.Variants) > 0 && t.Discriminator == ""
	track := words > 0 && (len(required) > 0 || variants)

	var cases []jen.Code
	for _, sf := range fields {
		if sf.Type.Kind == RefReader {
			continue
		}
		var body []jen.Code
		if track {
			body = append(body, jen.Id("seen").Index(jen.Lit(sf.index/64)).Op("|=").Add(hexLit(uint64(1)<<(sf.index%64))))
		}
		body = append(body, decodeFieldStmt(sf, t)...)
		cases = append(cases, jen.Case(jen.Lit(sf.JSONName)).Block(body...))
	}
	cases = append(cases, jen.Default().Block(jen.Id("d").Dot("unknown").Call(jen.Op("&").Id("x").Dot("Extra"))))

	body := []jen.Code{
		jen.If(jen.Op("!").Id("d").Dot("objectStart").Call()).Block(jen.Return(jen.False())),
		jen.Op("*").Id("x").Op("=").Id(t.Name).Values(),
	}
	if track {
		body = append(body, jen.Var().Id("seen").Index(jen.Lit(words)).Uint64())
	}
	body = append(body,
		jen.Id("n").Op(":=").Lit(0),
		jen.For(jen.Op(";").Id("d").Dot("nextMember").Call(jen.Id("n")).Op(";").Id("n").Op("++")).Block(
			jen.Switch(jen.String().Parens(jen.Id("d").Dot("key"))).Block(cases...),
		),
	)
	if len(required) > 0 {
		var names []jen.Code
		for _, sf := range fields {
			names = append(names, jen.Lit(sf.JSONName))
		}
		tbl := "fieldsOf" + t.Name
		f.Comment(commentLine(fmt.Sprintf("%s names the members of %s by field index, and says which are required.", tbl, t.Name)))
		f.Var().Id(tbl).Op("=").Id("jsonFields").Values(jen.Dict{
			jen.Id("names"):    jen.Index().String().Values(names...),
			jen.Id("required"): bitsLit(setBits(len(fields), required)),
		})
		body = append(body, jen.Id(tbl).Dot("markMissing").Call(jen.Op("&").Id("x").Dot("Extra"), jen.Id("seen").Index(jen.Op(":"))))
	}
	if variants {
		var shapes []jen.Code
		for _, v := range t.Variants {
			known := make([]int, 0, len(v.Known))
			req := make([]int, 0, len(v.Required))
			for _, i := range v.Known {
				known = append(known, fieldIndex(fields, t.Fields[i]))
			}
			for _, i := range v.Required {
				req = append(req, fieldIndex(fields, t.Fields[i]))
			}
			shapes = append(shapes, jen.Values(jen.Dict{
				jen.Id("known"):    bitsLit(setBits(len(fields), known)),
				jen.Id("required"): bitsLit(setBits(len(fields), req)),
			}))
		}
		tbl := "variantsOf" + t.Name
		var names []string
		for _, v := range t.Variants {
			names = append(names, strconv.Quote(v.Name))
		}
		f.Comment(commentLine(fmt.Sprintf("%s are the alternatives of %s (%s), by the fields each declares and requires.", tbl, t.Name, strings.Join(names, ", "))))
		f.Var().Id(tbl).Op("=").Index().Id("variantShape").Values(shapes...)
		body = append(body, jen.Id("x").Dot("variant").Op("=").Id("pickVariant").Call(jen.Id("seen").Index(jen.Op(":")), jen.Id("n"), jen.Id(tbl)))
	}
	body = append(body, jen.Return(jen.True()))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("decodeJSON").Params(jen.Id("d").Op("*").Id("jsonDecoder")).Bool().Block(body...)

	var enc []jen.Code
	enc = append(enc, jen.Id("e").Dot("objectStart").Call())
	for _, sf := range fields {
		if sf.Type.Kind == RefReader {
			continue
		}
		enc = append(enc, encodeFieldStmt(sf, t))
	}
	enc = append(enc, jen.Id("x").Dot("Extra").Dot("encode").Call(jen.Id("e")), jen.Id("e").Dot("objectEnd").Call())
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("encodeJSON").Params(jen.Id("e").Op("*").Id("jsonEncoder")).Block(enc...)
	codecMethods(f, t.Name)
}

func fieldIndex(fields []structField, f *Field) int {
	for _, sf := range fields {
		if sf.Field == f {
			return sf.index
		}
	}
	for _, sf := range fields {
		if sf.JSONName == f.JSONName {
			return sf.index
		}
	}
	return 0
}

// decodeFieldStmt decodes the value of one member into its field: one call
// of a runtime helper (decMember…), so that decodeJSON stays small.
func decodeFieldStmt(sf structField, t *Type) []jen.Code {
	addr := jen.Op("&").Add(sf.sel())
	extra := jen.Op("&").Id("x").Dot("Extra")
	w := want(sf.Type)
	if sf.Nullable && sf.Wrap != WrapOptional {
		w += " or null"
	}
	helper := "decMember"
	switch sf.Wrap {
	case WrapPointer:
		helper = "decMemberPtr"
	case WrapOptional:
		helper = "decMemberOptional"
	}
	var call jen.Code
	if helper == "decMemberPtr" {
		call = jen.Id(helper).Call(jen.Id("d"), extra, jen.Lit(sf.JSONName), addr, jen.New(goType(sf.Type)), decFunc(sf.Type), jen.Lit(w))
	} else {
		call = jen.Id(helper).Call(jen.Id("d"), extra, jen.Lit(sf.JSONName), addr, decFunc(sf.Type), jen.Lit(w))
	}
	if !canBeNull(sf.Field) || sf.Wrap == WrapOptional || sf.Type.Kind == RefRaw {
		return []jen.Code{call}
	}
	// A null leaves the field nil; an optional field remembers it was null.
	// (The field is reset too, for an object that repeats the member: the
	// last one counts.)
	onNull := []jen.Code{sf.sel().Op("=").Nil()}
	if sf.NullBit >= 0 {
		word, mask := nullBit(sf, t)
		onNull = append(onNull, word.Op("|=").Add(mask))
	}
	return []jen.Code{jen.If(jen.Id("d").Dot("nullMember").Call(extra, jen.Lit(sf.JSONName))).Block(onNull...).Else().Block(call)}
}

// canBeNull reports whether a JSON null is a value of the field (not a
// mismatch): the document allows it, or the field takes any value.
func canBeNull(f *Field) bool { return f.Nullable || f.Type.Kind == RefAny }

// encodeFieldStmt writes one field, when it is present: one call of a
// runtime helper (encMember…).
func encodeFieldStmt(sf structField, t *Type) jen.Code {
	addr := jen.Op("&").Add(sf.sel())
	extra := jen.Op("&").Id("x").Dot("Extra")
	name := jen.Lit(sf.JSONName)
	var enc jen.Code
	switch {
	case sf.Wrap == WrapPointer:
		enc = jen.Id("encMemberPtr").Call(jen.Id("e"), extra, name, sf.sel(), encFunc(sf.Type))
	case sf.Wrap == WrapOptional:
		enc = jen.Id("encMemberOptional").Call(jen.Id("e"), extra, name, addr, encFunc(sf.Type))
	case sf.Required && !sf.Nullable && sf.Type.Kind == RefSlice:
		enc = jen.Id("encMemberList").Call(jen.Id("e"), extra, name, addr, encFunc(sf.Type.Elem))
	case sf.Required && !sf.Nullable && sf.Type.Kind == RefMap:
		enc = jen.Id("encMemberMap").Call(jen.Id("e"), extra, name, addr, encFunc(sf.Type.Elem))
	default:
		enc = jen.Id("encMember").Call(jen.Id("e"), extra, name, addr, encFunc(sf.Type))
	}
	if sf.Required {
		return enc
	}
	var present jen.Code
	switch {
	case sf.Wrap == WrapOptional:
		present = sf.sel().Dot("IsSet").Call()
	case sf.Wrap == WrapPointer || isNilable(sf.Type):
		present = sf.sel().Op("!=").Nil()
		if sf.NullBit >= 0 {
			word, mask := nullBit(sf, t)
			present = jen.Add(present).Op("||").Add(word).Op("&").Add(mask).Op("!=").Lit(0)
		}
	default:
		return enc // an optional field of a plain type (a tuple position) is always written
	}
	return jen.If(present).Block(enc)
}

// unionCodec writes the codec of a union of JSON kinds.
func (e *emitter) unionCodec(f *jen.File, t *Type) {
	var wants []string
	byKind := map[string]*Branch{}
	for _, br := range t.Branches {
		wants = append(wants, want(br.Type))
		byKind[br.JSONKind] = br
	}
	w := strings.Join(wants, " or ")
	decode := func(br *Branch) jen.Code {
		if isNilable(br.Type) {
			return jen.Id("ok").Op("=").Add(decFunc(br.Type)).Call(jen.Op("&").Id("x").Dot(br.Name), jen.Id("d"))
		}
		return jen.Id("ok").Op("=").Id("decPtr").Call(jen.Op("&").Id("x").Dot(br.Name), jen.Id("d"), decFunc(br.Type))
	}
	var cases []jen.Code
	if br := byKind["object"]; br != nil {
		cases = append(cases, jen.Case(jen.LitRune('{')).Block(decode(br)))
	}
	if br := byKind["array"]; br != nil {
		cases = append(cases, jen.Case(jen.LitRune('[')).Block(decode(br)))
	}
	if br := byKind["string"]; br != nil {
		cases = append(cases, jen.Case(jen.LitRune('"')).Block(decode(br)))
	}
	if br := byKind["boolean"]; br != nil {
		cases = append(cases, jen.Case(jen.LitRune('t'), jen.LitRune('f')).Block(decode(br)))
	}
	ib, nb := byKind["integer"], byKind["number"]
	digits := []jen.Code{jen.LitRune('-')}
	for c := '0'; c <= '9'; c++ {
		digits = append(digits, jen.LitRune(c))
	}
	switch {
	case ib != nil && nb != nil:
		cases = append(cases, jen.Case(digits...).Block(
			jen.If(jen.Id("d").Dot("isInteger").Call()).Block(decode(ib)).Else().Block(decode(nb))))
	case ib != nil:
		cases = append(cases, jen.Case(digits...).Block(decode(ib)))
	case nb != nil:
		cases = append(cases, jen.Case(digits...).Block(decode(nb)))
	}
	cases = append(cases, jen.Default().Block(jen.Id("d").Dot("skip").Call()))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("decodeJSON").Params(jen.Id("d").Op("*").Id("jsonDecoder")).Bool().Block(
		jen.Op("*").Id("x").Op("=").Id(t.Name).Values(),
		jen.Id("start").Op(":=").Id("d").Dot("at").Call(),
		jen.Id("ok").Op(":=").False(),
		jen.Switch(jen.Id("d").Dot("peek").Call()).Block(cases...),
		jen.If(jen.Op("!").Id("ok")).Block(
			jen.Op("*").Id("x").Op("=").Id(t.Name).Values(jen.Dict{jen.Id("Raw"): jen.Id("d").Dot("rawFrom").Call(jen.Id("start"))}),
			jen.Id("d").Dot("misfitAt").Call(jen.Id("start"), jen.Lit(w)),
		),
		jen.Return(jen.True()),
	)
	var encCases []jen.Code
	for _, br := range t.Branches {
		var enc jen.Code
		if isNilable(br.Type) {
			enc = jen.Add(encFunc(br.Type)).Call(jen.Op("&").Id("x").Dot(br.Name), jen.Id("e"))
		} else {
			enc = jen.Add(encFunc(br.Type)).Call(jen.Id("x").Dot(br.Name), jen.Id("e"))
		}
		encCases = append(encCases, jen.Case(jen.Id("x").Dot(br.Name).Op("!=").Nil()).Block(enc))
	}
	encCases = append(encCases,
		jen.Case(jen.Id("x").Dot("Raw").Op("!=").Nil()).Block(jen.Id("encRaw").Call(jen.Op("&").Id("x").Dot("Raw"), jen.Id("e"))),
		jen.Default().Block(jen.Id("e").Dot("null").Call()),
	)
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("encodeJSON").Params(jen.Id("e").Op("*").Id("jsonEncoder")).Block(jen.Switch().Block(encCases...))
	codecMethods(f, t.Name)
}

// tupleCodec writes the codec of a tuple.
func (e *emitter) tupleCodec(f *jen.File, t *Type, list string) {
	w := "array " + list
	var cases []jen.Code
	for i, fl := range t.Fields {
		addr := jen.Op("&").Id("x").Dot(fl.Name)
		var dec jen.Code
		switch fl.Wrap {
		case WrapPointer:
			dec = jen.If(jen.Op("!").Id("d").Dot("null").Call()).Block(
				jen.Id("ok").Op("=").Id("decPtr").Call(addr, jen.Id("d"), decFunc(fl.Type)).Op("&&").Id("ok"))
		default:
			dec = jen.Id("ok").Op("=").Add(decFunc(fl.Type)).Call(addr, jen.Id("d")).Op("&&").Id("ok")
		}
		cases = append(cases, jen.Case(jen.Lit(i)).Block(dec))
	}
	cases = append(cases, jen.Default().Block(jen.Id("d").Dot("skip").Call(), jen.Id("ok").Op("=").False()))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("decodeJSON").Params(jen.Id("d").Op("*").Id("jsonDecoder")).Bool().Block(
		jen.Op("*").Id("x").Op("=").Id(t.Name).Values(),
		jen.Id("start").Op(":=").Id("d").Dot("at").Call(),
		jen.Id("ok").Op(":=").Id("d").Dot("arrayStart").Call(),
		jen.Id("n").Op(":=").Lit(0),
		jen.If(jen.Id("ok")).Block(
			jen.For(jen.Op(";").Id("d").Dot("nextElement").Call(jen.Id("n")).Op(";").Id("n").Op("++")).Block(
				jen.Switch(jen.Id("n")).Block(cases...))),
		jen.If(jen.Op("!").Id("ok").Op("||").Id("n").Op("!=").Lit(len(t.Fields))).Block(
			jen.Op("*").Id("x").Op("=").Id(t.Name).Values(jen.Dict{jen.Id("Raw"): jen.Id("d").Dot("rawFrom").Call(jen.Id("start"))}),
			jen.Id("d").Dot("misfitAt").Call(jen.Id("start"), jen.Lit(w)),
		),
		jen.Return(jen.True()),
	)
	enc := []jen.Code{
		jen.If(jen.Id("x").Dot("Raw").Op("!=").Nil()).Block(jen.Id("encRaw").Call(jen.Op("&").Id("x").Dot("Raw"), jen.Id("e")), jen.Return()),
		jen.Id("e").Dot("arrayStart").Call(),
	}
	for i, fl := range t.Fields {
		if i > 0 {
			enc = append(enc, jen.Id("e").Dot("rawBytes").Call(jen.Lit(",")))
		}
		addr := jen.Op("&").Id("x").Dot(fl.Name)
		if fl.Wrap == WrapPointer {
			enc = append(enc, jen.Id("encPtr").Call(addr, jen.Id("e"), encFunc(fl.Type)))
		} else {
			enc = append(enc, jen.Add(encFunc(fl.Type)).Call(addr, jen.Id("e")))
		}
	}
	enc = append(enc, jen.Id("e").Dot("arrayEnd").Call())
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("encodeJSON").Params(jen.Id("e").Op("*").Id("jsonEncoder")).Block(enc...)
	codecMethods(f, t.Name)
}

// aliasCodec writes the codec of a named type over a slice, map or plain
// type (type Foo []Bar), by converting to the underlying type.
func (e *emitter) aliasCodec(f *jen.File, t *Type) {
	under := jen.Parens(jen.Op("*").Add(goType(t.Alias))).Parens(jen.Id("x"))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("decodeJSON").Params(jen.Id("d").Op("*").Id("jsonDecoder")).Bool().Block(
		jen.Return(jen.Add(decFunc(t.Alias)).Call(under, jen.Id("d"))))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("encodeJSON").Params(jen.Id("e").Op("*").Id("jsonEncoder")).Block(
		jen.Add(encFunc(t.Alias)).Call(jen.Parens(jen.Op("*").Add(goType(t.Alias))).Parens(jen.Id("x")), jen.Id("e")))
	codecMethods(f, t.Name)
}
