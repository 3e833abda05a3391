package generator_test

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// The synthesizer makes JSON values that are valid for a schema of an API
// document, for the round-trip test (roundtrip_test.go). It reads the
// document through kin-openapi only, never through the generator's model, so
// that what it proves about the generated client does not depend on how the
// generator understood the document.
//
// It is deterministic: the same document, endpoint and variant give the
// same value. Variants differ in how they treat presence (every optional
// property, none, nulls wherever allowed, or a seeded mix), in the union
// branches they choose (the least used branch of each union so far, so that
// the variants of an endpoint exercise every branch), in enum values,
// booleans, numbers and date-time spellings.

// synthMode says how a variant treats optional and nullable properties.
type synthMode int

const (
	modeFull  synthMode = iota // every optional property, a value rather than null
	modeMin                    // no optional property, null wherever allowed
	modeNulls                  // every optional property, null wherever allowed
	modeMixed                  // per property, seeded: absent, null or a value
)

func (m synthMode) String() string {
	return [...]string{"full", "min", "nulls", "mixed"}[m]
}

// modeOf is the mode of variant v. Past the first four, the variants that
// are made to reach union branches not chosen yet alternate between full
// (which reaches every union) and mixed.
func modeOf(v int) synthMode {
	switch {
	case v < 3:
		return synthMode(v)
	case v > 3 && v%2 == 0:
		return modeFull
	}
	return modeMixed
}

// annotations tell the comparison (compareJSON) what "equal in meaning"
// means at particular places of a synthesized value. Everywhere else equal
// means equal: the same members, null where null was sent, the same string,
// the same number literal.
type annotations struct {
	// times holds the paths of date-time strings: compared as instants.
	times map[string]bool
	// numbers holds the paths of values the document types as number:
	// 2 and 2.0 are the same there.
	numbers map[string]bool
}

func newAnnotations() *annotations {
	return &annotations{times: map[string]bool{}, numbers: map[string]bool{}}
}

// unionUsage counts, per union schema, how often each branch was chosen.
// One is shared by all variants of an endpoint.
//
// A union is known by its first alternative: kin-openapi gives a $ref with
// sibling keywords ({"type": "object", "$ref": …}) a copy of the referenced
// schema, and the copies share their alternatives.
type unionUsage struct {
	counts map[any][]int
	where  map[any]string // the path the union was first met at
}

func newUnionUsage() *unionUsage {
	return &unionUsage{counts: map[any][]int{}, where: map[any]string{}}
}

// unionKey identifies the union s whatever copy of it is at hand.
func unionKey(s *openapi3.Schema) any {
	if alts := realAlternatives(s); len(alts) > 0 {
		return alts[0]
	}
	return s
}

// uncovered returns how many branches of the unions seen so far were never
// chosen, and where those unions were first met.
func (u *unionUsage) uncovered() (int, []string) {
	n := 0
	var where []string
	for s, counts := range u.counts {
		missing := 0
		for _, c := range counts {
			if c == 0 {
				missing++
			}
		}
		if missing > 0 {
			n += missing
			where = append(where, fmt.Sprintf("%s (%d of %d branches)", u.where[s], missing, len(counts)))
		}
	}
	sort.Strings(where)
	return n, where
}

// synth makes one value.
type synth struct {
	seed      string // document and endpoint
	variant   int
	mode      synthMode
	usage     *unionUsage
	ann       *annotations
	multipart bool // a multipart request: binary properties travel as file parts
	// topRequest: the value is a whole request body. A free-form request
	// object means "no documented parameters" and is sent as {}.
	topRequest bool
	// topBranch, when not negative, is the alternative the top-level union
	// of the value must take (the list form of users/show, see listForm).
	topBranch int
	maxDepth  int
	budget    int      // values left before the synthesizer keeps only what is required
	problems  []string // schemas it could not satisfy
	salt      string   // extra input to hash while an array item is made again
	label     string   // "request" or "response", for reports

	// What the injections (injectUndeclared, injectMisfit) may change once
	// the value is made, by path.
	openObjects  map[string]bool   // objects with declared properties that allow others
	unionObjects map[string]bool   // values of a union: one Go struct for several shapes
	kindSites    map[string]string // property values of one definite JSON kind: the kind
}

func newSynth(seed string, variant int, usage *unionUsage) *synth {
	return &synth{
		seed:      seed,
		variant:   variant,
		mode:      modeOf(variant),
		usage:     usage,
		topBranch: -1,
		ann:       newAnnotations(),
		maxDepth:  6,
		budget:    2500,

		openObjects:  map[string]bool{},
		unionObjects: map[string]bool{},
		kindSites:    map[string]string{},
	}
}

// hash is a number derived from the seed, the variant, the path and salt.
func (g *synth) hash(path, salt string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%d\x00%s\x00%s\x00%s", g.seed, g.variant, path, salt, g.salt)
	return h.Sum64()
}

func (g *synth) problem(path, format string, args ...any) {
	g.problems = append(g.problems, path+": "+fmt.Sprintf(format, args...))
}

// value makes a non-null value for sref at path (a JSON pointer into the
// value being made), depth levels down.
func (g *synth) value(sref *openapi3.SchemaRef, path string, depth int) any {
	if sref == nil || sref.Value == nil {
		return g.anyValue(path, depth)
	}
	g.budget--
	return g.schemaValue(sref.Value, path, depth)
}

// deep reports whether the synthesizer should only make what is required.
func (g *synth) deep(depth int) bool { return depth >= g.maxDepth || g.budget <= 0 }

func (g *synth) schemaValue(s *openapi3.Schema, path string, depth int) any {
	if s.Const != nil {
		return s.Const
	}
	if alts := realAlternatives(s); len(alts) > 0 {
		g.unionObjects[path] = true
		i := g.pick(s, len(alts), path)
		if path == "" && g.topBranch >= 0 && g.topBranch < len(alts) {
			if i != g.topBranch {
				counts := g.usage.counts[unionKey(s)]
				counts[i]--
				counts[g.topBranch]++
				i = g.topBranch
			}
			g.topBranch = -1 // the top-level union only, not one its branch holds
		}
		v := g.value(alts[i], path, depth)
		if spec := g.flatten(s); hasOwnObjectShape(s) && !spec.freeForm {
			own := g.object(spec, path, depth)
			if m, ok := v.(map[string]any); ok {
				for k, x := range own {
					if _, dup := m[k]; !dup {
						m[k] = x
					}
				}
			}
		}
		return v
	}
	if len(s.AllOf) > 0 {
		var parts []*openapi3.SchemaRef
		for _, p := range s.AllOf {
			if !isConstraintOnlySchema(p) {
				parts = append(parts, p)
			}
		}
		if len(parts) == 1 && len(s.Properties) == 0 && len(s.Required) == 0 {
			return g.value(parts[0], path, depth)
		}
		return g.object(g.flatten(s), path, depth)
	}
	if vals := nonNullEnum(s.Enum); len(vals) > 0 {
		return vals[g.hash(path, "enum")%uint64(len(vals))]
	}
	types := nonNullTypes(s)
	if len(types) > 1 {
		g.unionObjects[path] = true
		i := g.pick(s, len(types), path)
		cp := *s
		cp.Type = &openapi3.Types{types[i]}
		return g.schemaValue(&cp, path, depth)
	}
	typ := ""
	if len(types) == 1 {
		typ = types[0]
	}
	if typ == "" {
		switch {
		case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil:
			typ = "object"
		case s.Items != nil || len(s.PrefixItems) > 0:
			typ = "array"
		case s.Type != nil && s.Type.Includes("null"):
			return nil
		default:
			return g.anyValue(path, depth)
		}
	}
	switch typ {
	case "string":
		return g.stringValue(s, path)
	case "integer":
		return g.integerValue(s, path)
	case "number":
		g.ann.numbers[path] = true
		v := g.numberValue(s, path)
		// About one number in four is integral and spelled with a fraction
		// ("12.0"), which the client may write back as 12.
		if g.hash(path, "spelling")%4 == 0 {
			lo, hi, _, _ := bounds(s)
			if iv := math.Trunc(v); iv >= lo && iv <= hi && (s.MultipleOf == nil || *s.MultipleOf == 0 || math.Mod(iv, *s.MultipleOf) == 0) {
				return json.Number(strconv.FormatFloat(iv, 'f', 1, 64))
			}
		}
		return v
	case "boolean":
		return g.hash(path, "bool")%2 == 0
	case "array":
		return g.array(s, path, depth)
	case "object":
		return g.object(g.flatten(s), path, depth)
	}
	// A type JSON Schema does not have (v1 writes "any"): any value.
	return g.anyValue(path, depth)
}

// realAlternatives returns the oneOf (else anyOf) branches that give a
// shape: not the null branch, not a bare constraint.
func realAlternatives(s *openapi3.Schema) []*openapi3.SchemaRef {
	for _, alts := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		var real []*openapi3.SchemaRef
		for _, a := range alts {
			if a == nil || a.Value == nil || isNullOnly(a.Value) || isConstraintOf(s, a) {
				continue
			}
			real = append(real, a)
		}
		if len(real) > 0 {
			return real
		}
	}
	return nil
}

func hasOwnObjectShape(s *openapi3.Schema) bool {
	return len(s.Properties) > 0 || len(s.AllOf) > 0
}

func isNullOnly(s *openapi3.Schema) bool {
	return s.Type != nil && len(s.Type.Slice()) == 1 && s.Type.Is("null")
}

// isConstraintOnlySchema reports whether a schema only constrains (a
// required list, an if/then) and has no shape of its own.
func isConstraintOnlySchema(sref *openapi3.SchemaRef) bool {
	if sref == nil || sref.Ref != "" || sref.Value == nil {
		return false
	}
	s := sref.Value
	return (s.Type == nil || s.Type.IsEmpty()) && len(s.Properties) == 0 && len(s.OneOf) == 0 &&
		len(s.AnyOf) == 0 && len(s.AllOf) == 0 && s.Items == nil && len(s.Enum) == 0 &&
		s.AdditionalProperties.Schema == nil && s.Const == nil
}

// isConstraintOf reports whether the alternative a of s only constrains the
// properties s declares: a bare required list, or an untyped inline schema
// whose properties s declares too (v1's notes/create: anyOf [{properties:
// {text: …}, required: [text]}, {required: [fileIds]}, …]).
func isConstraintOf(s *openapi3.Schema, a *openapi3.SchemaRef) bool {
	if isConstraintOnlySchema(a) {
		return true
	}
	if a == nil || a.Ref != "" || a.Value == nil || len(s.Properties) == 0 {
		return false
	}
	v := a.Value
	if (v.Type != nil && !v.Type.IsEmpty()) || len(v.Properties) == 0 || len(v.OneOf)+len(v.AnyOf)+len(v.AllOf) > 0 {
		return false
	}
	for name := range v.Properties {
		if s.Properties[name] == nil {
			return false
		}
	}
	return true
}

func nonNullTypes(s *openapi3.Schema) []string {
	if s.Type == nil {
		return nil
	}
	var out []string
	for _, t := range s.Type.Slice() {
		if t != "null" {
			out = append(out, t)
		}
	}
	return out
}

func nonNullEnum(vals []any) []any {
	var out []any
	for _, v := range vals {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}

// schemaAllowsNull reports whether null is valid for sref, looking through
// unions and single-part allOf wrappers.
func schemaAllowsNull(sref *openapi3.SchemaRef) bool {
	return allowsNullDepth(sref, 0)
}

func allowsNullDepth(sref *openapi3.SchemaRef, depth int) bool {
	if sref == nil || sref.Value == nil || depth > 8 {
		return false
	}
	s := sref.Value
	if s.Nullable || (s.Type != nil && s.Type.Includes("null")) {
		return true
	}
	for _, v := range s.Enum {
		if v == nil {
			return true
		}
	}
	for _, alts := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		for _, a := range alts {
			if allowsNullDepth(a, depth+1) {
				return true
			}
		}
	}
	return false
}

// pick chooses a branch of the union s: the least used so far, ties broken
// by a rotation that depends on the variant.
func (g *synth) pick(s *openapi3.Schema, n int, path string) int {
	key := unionKey(s)
	counts := g.usage.counts[key]
	if len(counts) != n {
		counts = make([]int, n)
		g.usage.counts[key] = counts
		g.usage.where[key] = g.label + " " + path
	}
	best := -1
	for k := 0; k < n; k++ {
		i := (k + g.variant) % n
		if best < 0 || counts[i] < counts[best] {
			best = i
		}
	}
	counts[best]++
	return best
}

// unionBranches returns, for an array item schema that is a union, how many
// of its branches were never chosen and how many it has.
func (g *synth) unionBranches(sref *openapi3.SchemaRef) (uncovered, all int) {
	if sref == nil || sref.Value == nil {
		return 0, 0
	}
	s := sref.Value
	if alts := realAlternatives(s); len(alts) > 0 {
		all = len(alts)
	} else if t := nonNullTypes(s); len(t) > 1 {
		all = len(t)
	} else {
		return 0, 0
	}
	counts := g.usage.counts[unionKey(s)]
	if len(counts) != all {
		return all, all
	}
	for _, c := range counts {
		if c == 0 {
			uncovered++
		}
	}
	return uncovered, all
}

// objSpec is an object schema with its allOf parts merged.
type objSpec struct {
	props      map[string]*openapi3.SchemaRef
	required   map[string]bool
	unions     []*openapi3.Schema    // allOf parts that are unions: one branch is merged in
	requireAny [][]string            // anyOf/oneOf of bare required lists: one must hold
	ifThen     [][2]*openapi3.Schema // if/then pairs
	additional *openapi3.SchemaRef
	freeForm   bool
	closed     bool // additionalProperties false or a schema somewhere: no undeclared member
}

// flatten merges s and its allOf parts. The oneOf/anyOf branches of s
// itself are not merged: the caller chooses one of them.
func (g *synth) flatten(s *openapi3.Schema) *objSpec {
	spec := &objSpec{props: map[string]*openapi3.SchemaRef{}, required: map[string]bool{}}
	g.flattenInto(s, spec, 0)
	// {maxProperties: 0} (a manual role's empty condFormula, from the
	// fixups table) is the empty object, not a free-form one.
	if len(spec.props) == 0 && len(spec.unions) == 0 && spec.additional == nil && (s.MaxProps == nil || *s.MaxProps > 0) {
		spec.freeForm = true
	}
	return spec
}

func (g *synth) flattenInto(s *openapi3.Schema, spec *objSpec, depth int) {
	if depth > 16 {
		return
	}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := spec.props[name]; !ok {
			spec.props[name] = s.Properties[name]
		}
	}
	for _, r := range s.Required {
		spec.required[r] = true
	}
	if s.If != nil && s.If.Value != nil && s.Then != nil && s.Then.Value != nil {
		spec.ifThen = append(spec.ifThen, [2]*openapi3.Schema{s.If.Value, s.Then.Value})
	}
	for _, alts := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		if len(alts) == 0 {
			continue
		}
		var lists [][]string
		all := true
		for _, a := range alts {
			if !isConstraintOf(s, a) {
				all = false
				break
			}
			lists = append(lists, a.Value.Required)
		}
		if all {
			spec.requireAny = append(spec.requireAny, lists...)
		}
	}
	if len(s.Properties) == 0 && s.AdditionalProperties.Schema != nil && spec.additional == nil {
		spec.additional = s.AdditionalProperties.Schema
	}
	if s.AdditionalProperties.Schema != nil || (s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has) {
		spec.closed = true
	}
	for _, p := range s.AllOf {
		if p == nil || p.Value == nil {
			continue
		}
		if len(realAlternatives(p.Value)) > 0 {
			spec.unions = append(spec.unions, p.Value)
			continue
		}
		g.flattenInto(p.Value, spec, depth+1)
	}
}

// presence decides whether a property is sent and whether it is null.
func (g *synth) presence(path string, required, nullable bool, depth int) (present, null bool) {
	if g.deep(depth) {
		if !required {
			return false, false
		}
		return true, nullable
	}
	switch g.mode {
	case modeFull:
		return true, false
	case modeMin:
		return required, nullable
	case modeNulls:
		return true, nullable
	}
	h := g.hash(path, "presence")
	if !required && h%3 == 0 {
		return false, false
	}
	return true, nullable && (h/3)%3 == 0
}

func (g *synth) object(spec *objSpec, path string, depth int) map[string]any {
	obj := map[string]any{}
	if len(spec.unions) > 0 {
		g.unionObjects[path] = true
	}
	if len(spec.props) > 0 && !spec.closed {
		g.openObjects[path] = true
	}
	for _, u := range spec.unions {
		if m, ok := g.schemaValue(u, path, depth).(map[string]any); ok {
			for k, v := range m {
				obj[k] = v
			}
		}
	}
	names := make([]string, 0, len(spec.props))
	for name := range spec.props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := spec.props[name]
		child := path + "/" + pointerToken(name)
		if g.multipart && depth == 0 && p.Value != nil && p.Value.Format == "binary" {
			continue
		}
		if _, done := obj[name]; done {
			continue
		}
		required := spec.required[name]
		nullable := schemaAllowsNull(p)
		present, null := g.presence(child, required, nullable, depth)
		if !present {
			continue
		}
		if null {
			obj[name] = nil
			continue
		}
		obj[name] = g.value(p, child, depth+1)
		if kind := definiteKind(p, 0); kind != "" {
			g.kindSites[child] = kind
		}
	}
	if len(spec.requireAny) > 0 && !satisfiesAny(obj, spec.requireAny) {
		list := spec.requireAny[g.hash(path, "requireAny")%uint64(len(spec.requireAny))]
		for _, name := range list {
			if obj[name] == nil {
				obj[name] = g.value(spec.props[name], path+"/"+pointerToken(name), depth+1)
			}
		}
	}
	for _, it := range spec.ifThen {
		if it[0].VisitJSON(jsonRoundTrip(obj), validationOptions()...) != nil {
			continue
		}
		then := it[1]
		for _, name := range then.Required {
			ps := then.Properties[name]
			if ps == nil {
				ps = spec.props[name]
			}
			if v, ok := obj[name]; ok && v != nil && (ps == nil || ps.Value == nil || ps.Value.VisitJSON(jsonRoundTrip(v), validationOptions()...) == nil) {
				continue
			}
			obj[name] = g.value(ps, path+"/"+pointerToken(name), depth+1)
		}
	}
	switch {
	case spec.additional != nil && len(spec.props) == 0:
		n := 2
		if g.deep(depth) || g.mode == modeMin {
			n = 0
		}
		for i := range n {
			key := []string{"alpha", "beta:key", "gamma"}[(i+g.variant)%3]
			obj[key] = g.value(spec.additional, path+"/"+pointerToken(key), depth+1)
		}
	case spec.freeForm && g.topRequest && depth == 0:
		return obj
	case spec.freeForm:
		return g.freeObject(path, depth)
	}
	return obj
}

func satisfiesAny(obj map[string]any, lists [][]string) bool {
	for _, list := range lists {
		if satisfiesRequired(obj, list) {
			return true
		}
	}
	return false
}

func satisfiesRequired(obj map[string]any, names []string) bool {
	for _, n := range names {
		if obj[n] == nil {
			return false
		}
	}
	return true
}

// freeObject is a value for a free-form object: a few keys of mixed kinds,
// nested, with a null among them.
func (g *synth) freeObject(path string, depth int) map[string]any {
	if g.deep(depth) || g.mode == modeMin {
		return map[string]any{}
	}
	switch g.hash(path, "free") % 3 {
	case 0:
		return map[string]any{"alpha": "free <text> & more", "beta": 2.5, "gamma": []any{int64(1), "two", nil, true}}
	case 1:
		return map[string]any{"nested": map[string]any{"deeper": map[string]any{"n": int64(-3)}}, "flag": false, "nothing": nil}
	}
	return map[string]any{"k": "v", "list": []any{map[string]any{"x": 1.25}}}
}

// anyValue is a value for a schema without a type: any JSON value.
func (g *synth) anyValue(path string, depth int) any {
	switch g.hash(path, "any") % 5 {
	case 0:
		return g.freeObject(path, depth)
	case 1:
		return "any string"
	case 2:
		return int64(42)
	case 3:
		return []any{"a", 1.5, false}
	}
	return true
}

func (g *synth) array(s *openapi3.Schema, path string, depth int) []any {
	if len(s.PrefixItems) > 0 {
		out := make([]any, 0, len(s.PrefixItems))
		for i, p := range s.PrefixItems {
			out = append(out, g.value(p, path+"/"+strconv.Itoa(i), depth+1))
		}
		return out
	}
	var n int
	switch g.mode {
	case modeFull:
		n = 2
	case modeMin:
		n = 0
	case modeNulls:
		n = 1
	default:
		n = int(g.hash(path, "len") % 3)
	}
	if depth > 2 && n > 1 {
		n = 1
	}
	if g.deep(depth) {
		n = 0
	}
	// An array of union items holds an item per branch not chosen yet, and
	// in full variants one per branch, so that the unions inside every
	// branch are reached again.
	if un, all := g.unionBranches(s.Items); !g.deep(depth) && depth <= 3 {
		if g.mode == modeFull && depth <= 1 {
			un = all
		}
		n = max(n, min(un, 40))
	}
	n = max(n, int(s.MinItems))
	if s.MaxItems != nil {
		n = min(n, int(*s.MaxItems))
	}
	out := make([]any, 0, n)
	seen := map[string]bool{}
	for i := 0; len(out) < n && i < n+8; i++ {
		child := path + "/" + strconv.Itoa(len(out))
		var v any
		if s.Items != nil && s.Items.Value != nil && s.UniqueItems {
			if vals := nonNullEnum(s.Items.Value.Enum); len(vals) > 0 {
				v = vals[(i+g.variant)%len(vals)]
			}
		}
		if v == nil {
			g.salt = strconv.Itoa(i)
			v = g.value(s.Items, child, depth+1)
			g.salt = ""
		}
		if s.UniqueItems {
			key := canonicalJSON(v)
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		out = append(out, v)
	}
	if len(out) < int(s.MinItems) {
		g.problem(path, "could not make %d unique items", s.MinItems)
	}
	return out
}

func canonicalJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Strings.

var sampleStrings = []string{
	"hello <world> & \"friends\"",
	"こんにちは、世界",
	"plain",
	"emoji 🎉 and a\nnew line",
	"tab\tand back\\slash",
}

// Misskey writes date-times like this; the second and third spell the
// same kind of instant differently.
var sampleTimes = []string{
	"2024-01-02T03:04:05.678Z",
	"2023-12-31T23:59:59.000Z",
	"2025-06-15T12:00:00Z",
}

func (g *synth) stringValue(s *openapi3.Schema, path string) string {
	h := g.hash(path, "string")
	var v string
	switch s.Format {
	case "date-time":
		g.ann.times[path] = true
		return sampleTimes[h%uint64(len(sampleTimes))]
	case "date":
		v = "2024-01-02"
	case "misskey:id", "id":
		v = aidLike(h)
	case "url", "uri":
		v = fmt.Sprintf("https://example.com/files/%x?x=1&y=2", h%0xffff)
	case "email":
		v = "alice@example.com"
	case "uuid":
		v = "123e4567-e89b-12d3-a456-426614174000"
	case "md5":
		v = fmt.Sprintf("%016x%016x", h, h^0x5bd1e995)
	case "binary":
		v = "file contents"
	default:
		v = fmt.Sprintf("%s %04x", sampleStrings[h%uint64(len(sampleStrings))], h%0xffff)
	}
	return g.fitString(s, path, v, h)
}

// aidLike is an id in the shape of Misskey's aid: ten lowercase base-36
// characters.
func aidLike(h uint64) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 10)
	b[0] = '9'
	for i := 1; i < 10; i++ {
		b[i] = digits[h%36]
		h /= 36
	}
	return string(b)
}

// fitString makes v satisfy the pattern and length limits of s.
func (g *synth) fitString(s *openapi3.Schema, path, v string, h uint64) string {
	var re *regexp.Regexp
	if s.Pattern != "" {
		var err error
		if re, err = compilePattern(s.Pattern); err != nil {
			g.problem(path, "pattern %q: %v", s.Pattern, err)
			re = nil
		}
	}
	fits := func(x string) bool {
		n := uint64(utf8.RuneCountInString(x))
		if n < s.MinLength || (s.MaxLength != nil && n > *s.MaxLength) {
			return false
		}
		return re == nil || re.MatchString(x)
	}
	if fits(v) {
		return v
	}
	cands := []string{fitLength(v, s), fitLength("plain", s), fitLength(fmt.Sprintf("w%x", h%0xfffff), s)}
	if re != nil {
		for _, want := range []int{3, 1, 6, int(s.MinLength), 12} {
			if x, ok := samplePattern(s.Pattern, want); ok {
				cands = append(cands, x, fitLength(x, s))
			}
		}
	}
	for _, c := range cands {
		if fits(c) {
			return c
		}
	}
	g.problem(path, "no string fits pattern %q and length %d..%v", s.Pattern, s.MinLength, s.MaxLength)
	return v
}

func fitLength(v string, s *openapi3.Schema) string {
	r := []rune(v)
	if s.MaxLength != nil && uint64(len(r)) > *s.MaxLength {
		r = r[:*s.MaxLength]
	}
	for uint64(len(r)) < s.MinLength {
		r = append(r, 'a')
	}
	return string(r)
}

// Patterns. Go's regexp does not know the long Unicode class names of
// ECMAScript patterns (\p{Letter}); they are rewritten to the short ones.
var unicodeLongNames = strings.NewReplacer(
	`\p{Letter}`, `\p{L}`, `\p{Number}`, `\p{N}`, `\p{Mark}`, `\p{M}`,
	`\p{Punctuation}`, `\p{P}`, `\p{Symbol}`, `\p{S}`, `\p{Separator}`, `\p{Z}`,
)

var patternCache sync.Map // pattern → *regexp.Regexp or error

func compilePattern(p string) (*regexp.Regexp, error) {
	if v, ok := patternCache.Load(p); ok {
		if re, ok := v.(*regexp.Regexp); ok {
			return re, nil
		}
		return nil, v.(error)
	}
	re, err := regexp.Compile(unicodeLongNames.Replace(p))
	if err != nil {
		patternCache.Store(p, err)
		return nil, err
	}
	patternCache.Store(p, re)
	return re, nil
}

// samplePattern returns a string the pattern matches, repeating each
// repeated part about want times.
func samplePattern(p string, want int) (string, bool) {
	re, err := syntax.Parse(unicodeLongNames.Replace(p), syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	sampleRegexp(&b, re.Simplify(), max(want, 1))
	return b.String(), true
}

func sampleRegexp(b *strings.Builder, re *syntax.Regexp, want int) {
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		b.WriteRune(classRune(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		sampleRegexp(b, re.Sub[0], want)
	case syntax.OpPlus:
		for range want {
			sampleRegexp(b, re.Sub[0], want)
		}
	case syntax.OpStar:
		for range want - 1 {
			sampleRegexp(b, re.Sub[0], want)
		}
	case syntax.OpQuest:
	case syntax.OpRepeat:
		n := max(re.Min, min(want, max(re.Max, re.Min)))
		if re.Max < 0 {
			n = max(re.Min, want)
		}
		for range n {
			sampleRegexp(b, re.Sub[0], want)
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			sampleRegexp(b, s, want)
		}
	case syntax.OpAlternate:
		sampleRegexp(b, re.Sub[0], want)
	}
}

// classRune picks a readable rune of a character class.
func classRune(ranges []rune) rune {
	for _, want := range "abcxyzABC019_-." {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= want && want <= ranges[i+1] {
				return want
			}
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] > ' ' {
			return ranges[i]
		}
	}
	if len(ranges) > 0 {
		return ranges[0]
	}
	return 'a'
}

// Numbers.

func bounds(s *openapi3.Schema) (lo, hi float64, hasLo, hasHi bool) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if s.Min != nil {
		lo, hasLo = *s.Min, true
	}
	if s.Max != nil {
		hi, hasHi = *s.Max, true
	}
	if v := s.ExclusiveMin.Value; v != nil {
		lo, hasLo = math.Nextafter(*v, math.Inf(1)), true
	}
	if v := s.ExclusiveMax.Value; v != nil {
		hi, hasHi = math.Nextafter(*v, math.Inf(-1)), true
	}
	if s.ExclusiveMin.IsTrue() && hasLo {
		lo = math.Nextafter(lo, math.Inf(1))
	}
	if s.ExclusiveMax.IsTrue() && hasHi {
		hi = math.Nextafter(hi, math.Inf(-1))
	}
	return
}

func (g *synth) integerValue(s *openapi3.Schema, path string) int64 {
	lo, hi, hasLo, hasHi := bounds(s)
	h := int64(g.hash(path, "int") % 1000)
	var v int64
	switch {
	case hasLo && hasHi:
		l, u := int64(math.Ceil(lo)), int64(math.Floor(hi))
		if u < l {
			g.problem(path, "no integer in [%v, %v]", lo, hi)
			return l
		}
		v = l + h%(u-l+1)
	case hasLo:
		v = int64(math.Ceil(lo)) + h%50
	case hasHi:
		v = int64(math.Floor(hi)) - h%50
	default:
		v = h - 100
	}
	return v
}

func (g *synth) numberValue(s *openapi3.Schema, path string) float64 {
	lo, hi, hasLo, hasHi := bounds(s)
	h := float64(g.hash(path, "num") % 1000)
	var v float64
	switch {
	case hasLo && hasHi:
		v = lo + (hi-lo)*(0.25+h/4000)
	case hasLo:
		v = lo + 0.5 + h/8
	case hasHi:
		v = hi - 0.5 - h/8
	default:
		v = h/8 - 20.375
	}
	if v == math.Trunc(v) {
		v += 0.25
		if hasHi && v > hi {
			v -= 0.5
		}
	}
	return v
}

// pointerToken escapes one JSON pointer token.
func pointerToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// jsonRoundTrip turns a synthesized Go value into what encoding/json
// decodes (float64 numbers, []any, map[string]any), for the validator.
func jsonRoundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

// validationOptions are the options of every kin-openapi validation in
// these tests.
func validationOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.SetSchemaRegexCompiler(func(expr string) (openapi3.RegexMatcher, error) {
			return compilePattern(expr)
		}),
	}
}

// relaxForValidation adjusts two things of a loaded document that would make
// valid values fail kin-openapi's validation:
//
//   - every oneOf becomes anyOf. Misskey's oneOf branches overlap:
//     MeDetailed declares everything UserDetailedNotMe does and neither
//     forbids other properties, so a valid MeDetailed also matches
//     UserDetailedNotMe and fails "exactly one". The document means "one of
//     these shapes", which is anyOf.
//   - a type JSON Schema does not have (the v1 document writes "type":
//     "any") is dropped: no value has type "any", and the document means
//     any value.
func relaxForValidation(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(sref *openapi3.SchemaRef)
	walk = func(sref *openapi3.SchemaRef) {
		if sref == nil || sref.Value == nil || seen[sref.Value] {
			return
		}
		s := sref.Value
		seen[s] = true
		if len(s.OneOf) > 0 && len(s.AnyOf) == 0 {
			s.AnyOf, s.OneOf = s.OneOf, nil
		}
		if s.Type != nil {
			var known openapi3.Types
			for _, t := range s.Type.Slice() {
				switch t {
				case "string", "integer", "number", "boolean", "array", "object", "null":
					known = append(known, t)
				}
			}
			if len(known) != len(s.Type.Slice()) {
				s.Type = &known
				if len(known) == 0 {
					s.Type = nil
				}
			}
		}
		for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf, s.PrefixItems} {
			for _, x := range list {
				walk(x)
			}
		}
		for _, x := range s.Properties {
			walk(x)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		walk(s.Not)
		walk(s.If)
		walk(s.Then)
		walk(s.Else)
	}
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			walk(s)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			if op.Responses != nil {
				for _, r := range op.Responses.Map() {
					if r.Value != nil {
						for _, mt := range r.Value.Content {
							walk(mt.Schema)
						}
					}
				}
			}
		}
	}
}

// definiteKind returns the one JSON kind ("string", "integer", "number",
// "boolean", "array", "object") that every non-null value of sref has, or ""
// when there is none: a union, a constant, an untyped or free-form value, a
// merge of several allOf parts. Only such a kind makes "a value of the wrong
// kind" certain.
func definiteKind(sref *openapi3.SchemaRef, depth int) string {
	if sref == nil || sref.Value == nil || depth > 8 {
		return ""
	}
	s := sref.Value
	if s.Const != nil || len(realAlternatives(s)) > 0 || len(s.OneOf)+len(s.AnyOf) > 0 {
		return ""
	}
	if len(s.AllOf) > 0 {
		var parts []*openapi3.SchemaRef
		for _, p := range s.AllOf {
			if !isConstraintOnlySchema(p) {
				parts = append(parts, p)
			}
		}
		if len(parts) == 1 && len(s.Properties) == 0 && len(s.Required) == 0 {
			return definiteKind(parts[0], depth+1)
		}
		return ""
	}
	types := nonNullTypes(s)
	if len(types) != 1 {
		return ""
	}
	switch t := types[0]; t {
	case "string":
		if s.Format != "binary" {
			return t
		}
	case "integer", "number", "boolean":
		return t
	case "array":
		if s.Items != nil || len(s.PrefixItems) > 0 {
			return t
		}
	case "object":
		if len(s.Properties) > 0 {
			return t
		}
	}
	return ""
}

// jsonKindOf is the JSON kind of a synthesized value, as definiteKind names
// them; an integral number is "integer".
func jsonKindOf(v any) string {
	switch x := v.(type) {
	case string:
		return "string"
	case int64, int:
		return "integer"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return ""
}

// splitPointer returns the unescaped tokens of a JSON pointer.
func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// valueAt returns the value at the JSON pointer p of v.
func valueAt(v any, p string) (any, bool) {
	for _, tok := range splitPointer(p) {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// parentPointer returns p without its last token.
func parentPointer(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i]
	}
	return ""
}

// undeclaredMembers are the members injectUndeclared adds: names no Misskey
// document declares, values of every kind, numbers spelled as a re-encoding
// of a float64 would not spell them.
var undeclaredMembers = []struct {
	name  string
	value any
}{
	{"undeclaredText", "kept <as> sent & \"quoted\""},
	{"undeclared/number~", json.Number("2.50")},
	{"undeclaredObject", map[string]any{"nested": []any{json.Number("1e3"), nil, true, "x"}, "empty": map[string]any{}}},
	{"undeclaredNull", nil},
	{"undeclaredList", []any{}},
	{"undeclaredInt", json.Number("-0")},
}

// injectUndeclared adds members the document does not declare to a few of
// the objects of v that allow them (objects with declared properties, not
// closed by additionalProperties): the shallowest one and about one in four
// of the others, at most three. It returns how many it added.
func (g *synth) injectUndeclared(v any) int {
	var paths []string
	for p := range g.openObjects {
		if x, ok := valueAt(v, p); ok {
			if _, isObj := x.(map[string]any); isObj {
				paths = append(paths, p)
			}
		}
	}
	sort.Slice(paths, func(i, j int) bool {
		di, dj := strings.Count(paths[i], "/"), strings.Count(paths[j], "/")
		if di != dj {
			return di < dj
		}
		return paths[i] < paths[j]
	})
	n := 0
	for i, p := range paths {
		if n == 3 {
			break
		}
		if i > 0 && g.hash(p, "undeclared")%4 != 0 {
			continue
		}
		obj, _ := valueAt(v, p)
		m := undeclaredMembers[(g.variant+n+int(g.hash(p, "which")%3))%len(undeclaredMembers)]
		obj.(map[string]any)[m.name] = m.value
		n++
	}
	return n
}

// misfitKinds are the kinds injectMisfit replaces, and misfitValues the
// value of another kind it puts in place of each.
var misfitKinds = []string{"string", "integer", "number", "boolean", "array", "object"}

var misfitValues = map[string]any{
	"string":  json.Number("12345"),
	"integer": "12",
	"number":  "2.5",
	"boolean": "true",
	"array":   map[string]any{"wrong": "kind"},
	"object":  []any{"wrong", json.Number("2.0")},
}

// injectMisfit replaces one property value of v whose schema gives it a
// definite kind, in an object that is not a union's, with a value of another
// kind, preferring the kind misfitKinds[prefer]. It returns the value's
// JSON Pointer and JSON, or "" when v has no such property.
func (g *synth) injectMisfit(v any, prefer int) (string, []byte) {
	var sites []string
	var preferred []string
	want := misfitKinds[prefer%len(misfitKinds)]
	for p, kind := range g.kindSites {
		if g.unionObjects[p] || g.unionObjects[parentPointer(p)] {
			continue
		}
		x, ok := valueAt(v, p)
		if !ok {
			continue
		}
		got := jsonKindOf(x)
		if got != kind && !(kind == "number" && got == "integer") {
			continue // made again from another schema (an if/then)
		}
		if parent, _ := valueAt(v, parentPointer(p)); jsonKindOf(parent) != "object" {
			continue
		}
		sites = append(sites, p)
		if kind == want {
			preferred = append(preferred, p)
		}
	}
	if len(preferred) > 0 {
		sites = preferred
	}
	if len(sites) == 0 {
		return "", nil
	}
	sort.Strings(sites)
	p := sites[g.hash("", "misfit")%uint64(len(sites))]
	parent, _ := valueAt(v, parentPointer(p))
	toks := splitPointer(p)
	bad := misfitValues[g.kindSites[p]]
	parent.(map[string]any)[toks[len(toks)-1]] = bad
	b, err := json.Marshal(bad)
	if err != nil {
		panic(err)
	}
	return p, b
}

// listForm recognises an endpoint that answers one object, or a list of
// them when its request names several, as Misskey's users/show does: the
// response is a union of an object and an array of that same object, and
// the request has a string property and an array property named as its
// plural (userId, userIds). It returns the plural property and the index
// of the array alternative among realAlternatives, or "" when the endpoint
// is not one. Misskey answers the list whenever the plural is sent, even
// empty (users/show: `if (ps.userIds)`).
func listForm(req, resp *openapi3.SchemaRef) (plural string, listBranch int) {
	if req == nil || req.Value == nil || resp == nil || resp.Value == nil {
		return "", -1
	}
	alts := realAlternatives(resp.Value)
	if len(alts) != 2 {
		return "", -1
	}
	list := -1
	for i, a := range alts {
		items, other := a.Value.Items, alts[1-i]
		if t := nonNullTypes(a.Value); len(t) != 1 || t[0] != "array" || items == nil {
			continue
		}
		// The same schema, or the same $ref (kin-openapi copies a $ref
		// that has sibling keywords).
		if items.Value == other.Value || (items.Ref != "" && items.Ref == other.Ref) {
			list = i
		}
	}
	if list < 0 {
		return "", -1
	}
	props := map[string]*openapi3.SchemaRef{}
	collectProperties(req.Value, props, 0)
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := props[name+"s"]
		if p != nil && definiteKind(props[name], 0) == "string" && definiteKind(p, 0) == "array" {
			return name + "s", list
		}
	}
	return "", -1
}

// collectProperties gathers the properties s declares, itself or in its
// allOf, anyOf and oneOf parts.
func collectProperties(s *openapi3.Schema, into map[string]*openapi3.SchemaRef, depth int) {
	if s == nil || depth > 8 {
		return
	}
	for name, p := range s.Properties {
		if into[name] == nil {
			into[name] = p
		}
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, part := range list {
			if part != nil {
				collectProperties(part.Value, into, depth+1)
			}
		}
	}
}
