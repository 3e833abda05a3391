package generator

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// The fixups table (fixups.json) corrects the places where Misskey's
// documents contradict what recorded Misskey servers send: counts declared
// "number" that are always integers, rateLimitFactor declared integer though
// role policies hold 1.5, muted words declared string[][] though entries may
// be regex strings, required fields servers omit, a null misskey.io sends
// where its document promises an array. Each
// entry names the schema places it corrects by JSON pointer, the schema the
// document has there (when), what the schema becomes (set, unrequire), what
// the servers send, and the evidence: a recording in ../shared/recordings or
// Misskey's server source.
//
// The table is applied to the loaded kin-openapi document before the model
// is built (Generate, LoadAPI), unless Options.Literal asks for the
// document's literal mapping. An entry changes a place only where the
// document's schema matches its "when", so it never touches a document that
// is right there, and applying the table twice changes nothing the second
// time.

//go:embed fixups.json
var fixupsJSON []byte

// Fixup is one reviewed correction of the fixups table.
type Fixup struct {
	ID      string `json:"id"`
	Summary string `json:"summary"`
	// Places are JSON pointers into the document ("#/components/schemas/…",
	// "#/paths/…/responses/200/content/application~1json/schema/…"). A
	// segment that contains "*" is a pattern: "*" matches any run of
	// characters within one segment, so "*" alone matches any one segment
	// and "~1charts~1*" any path under /charts/. A pointer never passes
	// through a $ref: it names places as the document writes them.
	Places []string `json:"places"`
	// Requires lists conditions on the rest of the document: each needs at
	// least one place of its pattern to match its schema.
	Requires []FixupRequirement `json:"requires,omitempty"`
	// When is the (part of the) schema the document has at a place: the
	// fixup applies only where it matches (see matchSchema). Written as a
	// list, it gives alternatives: any one may match.
	When SchemaPatterns `json:"when"`
	// Set is what the schema becomes: its keywords replace the place's
	// ("properties" is merged by property name, null removes a keyword or
	// a property). A set with "$ref", or with Replace, replaces the whole
	// schema at the place.
	Set     map[string]any `json:"set,omitempty"`
	Replace bool           `json:"replace,omitempty"`
	// Unrequire removes property names from the schema's required list.
	Unrequire []string `json:"unrequire,omitempty"`
	// Components are component schemas the entry adds (when it applies
	// somewhere) for its set to refer to.
	Components map[string]map[string]any `json:"components,omitempty"`
	// Sent says what every recorded server actually sends at the places.
	Sent     string          `json:"sent"`
	Evidence []FixupEvidence `json:"evidence"`
	// Note explains a judgment the entry makes (optional).
	Note string `json:"note,omitempty"`
}

// FixupRequirement is a condition a document must meet for a fixup to
// apply: some place matching Place has a schema matching When.
type FixupRequirement struct {
	Place string         `json:"place"`
	When  SchemaPatterns `json:"when"`
}

// SchemaPatterns are alternative schema patterns (see matchSchema). In JSON
// one pattern is an object, several are an array of objects.
type SchemaPatterns []map[string]any

// UnmarshalJSON accepts one pattern (an object) or a list of them.
func (p *SchemaPatterns) UnmarshalJSON(data []byte) error {
	var one map[string]any
	if err := json.Unmarshal(data, &one); err == nil {
		*p = SchemaPatterns{one}
		return nil
	}
	var list []map[string]any
	if err := json.Unmarshal(data, &list); err != nil {
		return errors.New("when: want a schema pattern (object) or a list of them")
	}
	*p = list
	return nil
}

// matches reports whether any pattern matches the schema.
func (p SchemaPatterns) matches(sref *openapi3.SchemaRef) bool {
	return slices.ContainsFunc(p, func(pat map[string]any) bool { return matchSchema(sref, pat) })
}

// FixupEvidence is one proof of a fixup: a recording (a path relative to
// ../shared/recordings) or a file of Misskey's source (repository and path).
type FixupEvidence struct {
	Recording string `json:"recording,omitempty"`
	Repo      string `json:"repo,omitempty"`
	Path      string `json:"path,omitempty"`
	Note      string `json:"note,omitempty"`
}

// AppliedFixup says that a fixup changed the document at one place.
type AppliedFixup struct {
	ID      string // the table entry
	Pointer string // the place it changed
	Summary string
}

func (a AppliedFixup) String() string { return a.ID + " at " + a.Pointer }

var (
	fixupTableOnce sync.Once
	fixupTable     []Fixup
	fixupTableErr  error
)

// Fixups returns the generator's fixups table, parsed and validated.
func Fixups() ([]Fixup, error) {
	fixupTableOnce.Do(func() {
		fixupTable, fixupTableErr = parseFixups(fixupsJSON)
	})
	return fixupTable, fixupTableErr
}

// ApplyFixups applies the generator's fixups table to a loaded document (as
// Generate does unless Options.Literal is set) and reports where it changed
// it.
func ApplyFixups(doc *openapi3.T) ([]AppliedFixup, error) {
	table, err := Fixups()
	if err != nil {
		return nil, err
	}
	return applyFixups(doc, table)
}

// parseFixups decodes a fixups table and validates every entry.
func parseFixups(data []byte) ([]Fixup, error) {
	var file struct {
		Comment string  `json:"$comment"`
		Fixups  []Fixup `json:"fixups"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("fixups table: %w", err)
	}
	if len(file.Fixups) == 0 {
		return nil, errors.New("fixups table: no entries")
	}
	seen := map[string]bool{}
	for i := range file.Fixups {
		f := &file.Fixups[i]
		if err := validateFixup(f); err != nil {
			return nil, fmt.Errorf("fixups table: entry %d (%q): %w", i, f.ID, err)
		}
		if seen[f.ID] {
			return nil, fmt.Errorf("fixups table: duplicate id %q", f.ID)
		}
		seen[f.ID] = true
	}
	return file.Fixups, nil
}

var fixupIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validateFixup checks one entry: everything a generator run relies on.
// Whether the recordings it cites exist is checked by the tests.
func validateFixup(f *Fixup) error {
	switch {
	case !fixupIDPattern.MatchString(f.ID):
		return errors.New("id must be lower-case words joined by '-'")
	case strings.TrimSpace(f.Summary) == "" || strings.ContainsAny(f.Summary, "\n\r"):
		return errors.New("summary must be one non-empty line")
	case len(f.Places) == 0:
		return errors.New("no places")
	case len(f.When) == 0 || slices.ContainsFunc(f.When, func(m map[string]any) bool { return len(m) == 0 }):
		return errors.New("empty when: an entry must say what the document has at its places")
	case len(f.Set) == 0 && len(f.Unrequire) == 0:
		return errors.New("neither set nor unrequire: the entry changes nothing")
	case strings.TrimSpace(f.Sent) == "":
		return errors.New("sent is empty")
	case len(f.Evidence) == 0:
		return errors.New("no evidence")
	}
	for _, p := range f.Places {
		if err := checkPlacePattern(p); err != nil {
			return err
		}
	}
	for _, r := range f.Requires {
		if err := checkPlacePattern(r.Place); err != nil {
			return fmt.Errorf("requires: %w", err)
		}
		if len(r.When) == 0 {
			return fmt.Errorf("requires %s: empty when", r.Place)
		}
		for _, w := range r.When {
			if err := checkSchemaKeys(w, "requires.when"); err != nil {
				return err
			}
		}
	}
	for _, w := range f.When {
		if err := checkSchemaKeys(w, "when"); err != nil {
			return err
		}
	}
	if err := checkSchemaKeys(f.Set, "set"); err != nil {
		return err
	}
	if _, ok := f.Set["$ref"]; ok {
		if len(f.Set) != 1 {
			return errors.New("set: $ref replaces the schema and stands alone")
		}
		if len(f.Unrequire) > 0 {
			return errors.New("set: $ref together with unrequire")
		}
	}
	if f.Replace && len(f.Set) == 0 {
		return errors.New("replace without set")
	}
	if (f.Replace || f.Set["$ref"] != nil) && slices.ContainsFunc(f.Places, isComponentPlace) {
		return errors.New("a component's own schema can be patched, not replaced (other places share it)")
	}
	if _, err := schemaRefFromJSON(f.Set); err != nil {
		return fmt.Errorf("set: %w", err)
	}
	for _, name := range f.Unrequire {
		if name == "" {
			return errors.New("unrequire: empty property name")
		}
	}
	for _, name := range sortedKeys(f.Components) {
		if !componentNamePattern.MatchString(name) {
			return fmt.Errorf("components: bad name %q", name)
		}
		if err := checkSchemaKeys(f.Components[name], "components."+name); err != nil {
			return err
		}
		if _, err := schemaRefFromJSON(f.Components[name]); err != nil {
			return fmt.Errorf("components.%s: %w", name, err)
		}
	}
	for _, r := range collectRefs(f.Set) {
		if _, ok := componentRef(r); !ok {
			return fmt.Errorf("set: $ref %q is not a component schema", r)
		}
	}
	for _, e := range f.Evidence {
		switch {
		case e.Recording != "" && (e.Repo != "" || e.Path != ""):
			return errors.New("evidence: a recording or a source file, not both")
		case e.Recording != "":
			if strings.HasPrefix(e.Recording, "/") || strings.Contains(e.Recording, "..") || !strings.HasSuffix(e.Recording, ".json") {
				return fmt.Errorf("evidence: recording %q must be a .json path relative to the recordings folder", e.Recording)
			}
		case e.Repo == "" || e.Path == "":
			return errors.New("evidence: a source file needs repo and path")
		}
	}
	return nil
}

var componentNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)

func isComponentPlace(p string) bool {
	t, _ := placeTokens(p)
	return len(t) == 3 && t[0] == "components"
}

// placeTokens splits "#/a/b~1c" into unescaped tokens.
func placeTokens(p string) ([]string, error) {
	if !strings.HasPrefix(p, "#/") {
		return nil, fmt.Errorf("place %q: not a JSON pointer starting with #/", p)
	}
	toks := strings.Split(p[2:], "/")
	for i, t := range toks {
		if t == "" {
			return nil, fmt.Errorf("place %q: empty segment", p)
		}
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks, nil
}

// checkPlacePattern checks that a place pattern names schemas the walker
// can reach: components/schemas/… or paths/…/(responses/CODE|requestBody)/
// content/TYPE/schema/…, then schema keywords.
func checkPlacePattern(p string) error {
	toks, err := placeTokens(p)
	if err != nil {
		return err
	}
	var rest []string
	switch toks[0] {
	case "components":
		if len(toks) < 3 || toks[1] != "schemas" {
			return fmt.Errorf("place %q: only #/components/schemas/NAME/… is supported", p)
		}
		rest = toks[3:]
	case "paths":
		switch {
		case len(toks) >= 8 && toks[3] == "responses" && toks[5] == "content" && toks[7] == "schema":
			rest = toks[8:]
		case len(toks) >= 7 && toks[3] == "requestBody" && toks[4] == "content" && toks[6] == "schema":
			rest = toks[7:]
		default:
			return fmt.Errorf("place %q: a path place is …/METHOD/responses/CODE/content/TYPE/schema or …/METHOD/requestBody/content/TYPE/schema", p)
		}
	default:
		return fmt.Errorf("place %q: must start with #/components/schemas or #/paths", p)
	}
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case "items", "additionalProperties", "not":
		case "properties", "allOf", "oneOf", "anyOf", "prefixItems":
			i++
			if i == len(rest) {
				return fmt.Errorf("place %q: %s needs a name or index", p, rest[i-1])
			}
		default:
			return fmt.Errorf("place %q: unsupported schema keyword %q", p, rest[i])
		}
	}
	return nil
}

// schemaKeys are the keywords a kin-openapi Schema has, by JSON name.
var schemaKeys = sync.OnceValue(func() map[string]int {
	out := map[string]int{}
	t := reflect.TypeFor[openapi3.Schema]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
})

// subschemaKeys hold a schema, a list of schemas, or a map of schemas.
var subschemaKeys = map[string]string{
	"items": "one", "additionalProperties": "one", "not": "one",
	"allOf": "list", "oneOf": "list", "anyOf": "list", "prefixItems": "list",
	"properties": "map",
}

// checkSchemaKeys rejects keywords kin-openapi does not know (a typo would
// otherwise become an extension and never match or change anything). A null
// value is allowed: in a pattern (when) it stands for "absent", in set it
// removes the keyword.
func checkSchemaKeys(m map[string]any, where string) error {
	keys := schemaKeys()
	for _, k := range sortedKeys(m) {
		v := m[k]
		if _, ok := keys[k]; !ok && k != "$ref" {
			return fmt.Errorf("%s: unknown schema keyword %q", where, k)
		}
		if v == nil {
			continue
		}
		switch subschemaKeys[k] {
		case "one":
			if _, ok := v.(bool); ok && k == "additionalProperties" {
				continue
			}
			sub, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("%s.%s: not a schema", where, k)
			}
			if err := checkSchemaKeys(sub, where+"."+k); err != nil {
				return err
			}
		case "list":
			list, ok := v.([]any)
			if !ok {
				return fmt.Errorf("%s.%s: not a list of schemas", where, k)
			}
			for i, x := range list {
				sub, ok := x.(map[string]any)
				if !ok {
					return fmt.Errorf("%s.%s[%d]: not a schema", where, k, i)
				}
				if err := checkSchemaKeys(sub, fmt.Sprintf("%s.%s[%d]", where, k, i)); err != nil {
					return err
				}
			}
		case "map":
			props, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("%s.%s: not an object", where, k)
			}
			for _, name := range sortedKeys(props) {
				if props[name] == nil {
					continue // absent (when) or removed (set)
				}
				sub, ok := props[name].(map[string]any)
				if !ok {
					return fmt.Errorf("%s.%s.%s: not a schema", where, k, name)
				}
				if err := checkSchemaKeys(sub, where+"."+k+"."+name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// collectRefs returns every $ref string in a schema JSON value.
func collectRefs(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if r, ok := v[k].(string); ok && k == "$ref" {
				out = append(out, r)
				continue
			}
			if k == "enum" || k == "default" || k == "example" || k == "examples" || k == "const" {
				continue
			}
			out = append(out, collectRefs(v[k])...)
		}
	case []any:
		for _, x := range v {
			out = append(out, collectRefs(x)...)
		}
	}
	return out
}

// schemaRefFromJSON decodes a schema written as a JSON object into a
// kin-openapi SchemaRef (with $refs not yet resolved).
func schemaRefFromJSON(m map[string]any) (*openapi3.SchemaRef, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var sref openapi3.SchemaRef
	if err := sref.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	if sref.Ref == "" && sref.Value == nil {
		sref.Value = &openapi3.Schema{}
	}
	return &sref, nil
}

// place is one schema of the document a pointer names.
type place struct {
	ptr       string
	ref       *openapi3.SchemaRef
	component bool // #/components/schemas/NAME itself, shared by every $ref to it
}

// applyFixups applies a table to a loaded document in table order and
// returns where each entry changed it. An error means the table cannot be
// applied as written (a generator bug), not that a document is unusual.
func applyFixups(doc *openapi3.T, table []Fixup) ([]AppliedFixup, error) {
	var applied []AppliedFixup
	for i := range table {
		f := &table[i]
		met, err := requirementsMet(doc, f.Requires)
		if err != nil {
			return nil, fmt.Errorf("fixup %s: %w", f.ID, err)
		}
		if !met {
			continue
		}
		var hits []place
		seen := map[string]bool{}
		for _, pat := range f.Places {
			places, err := expandPlace(doc, pat)
			if err != nil {
				return nil, fmt.Errorf("fixup %s: %w", f.ID, err)
			}
			for _, p := range places {
				if !seen[p.ptr] && f.When.matches(p.ref) {
					seen[p.ptr] = true
					hits = append(hits, p)
				}
			}
		}
		if len(hits) == 0 {
			continue
		}
		if !addFixupComponents(doc, f.Components) {
			continue // the document has a different schema under one of the names
		}
		for _, p := range hits {
			if err := applyFixupAt(doc, f, p); err != nil {
				return nil, fmt.Errorf("fixup %s at %s: %w", f.ID, p.ptr, err)
			}
			applied = append(applied, AppliedFixup{ID: f.ID, Pointer: p.ptr, Summary: f.Summary})
		}
	}
	return applied, nil
}

// requirementsMet reports whether every requirement has a matching place.
func requirementsMet(doc *openapi3.T, reqs []FixupRequirement) (bool, error) {
	for _, r := range reqs {
		places, err := expandPlace(doc, r.Place)
		if err != nil {
			return false, err
		}
		if !slices.ContainsFunc(places, func(p place) bool { return r.When.matches(p.ref) }) {
			return false, nil
		}
	}
	return true, nil
}

// addFixupComponents adds the component schemas a fixup refers to. A
// component the document already has is left alone when it matches the
// fixup's; when it differs the fixup cannot apply and false is returned.
func addFixupComponents(doc *openapi3.T, comps map[string]map[string]any) bool {
	if len(comps) == 0 {
		return true
	}
	for _, name := range sortedKeys(comps) {
		if doc.Components != nil {
			if have := doc.Components.Schemas[name]; have != nil && !matchSchema(have, comps[name]) {
				return false
			}
		}
	}
	if doc.Components == nil {
		doc.Components = &openapi3.Components{}
	}
	if doc.Components.Schemas == nil {
		doc.Components.Schemas = openapi3.Schemas{}
	}
	var added []*openapi3.SchemaRef
	for _, name := range sortedKeys(comps) {
		if doc.Components.Schemas[name] != nil {
			continue
		}
		sref, err := schemaRefFromJSON(comps[name])
		if err != nil || sref.Ref != "" {
			return false // validateFixup rules this out
		}
		doc.Components.Schemas[name] = sref
		added = append(added, sref)
	}
	for _, sref := range added {
		if err := resolveFixupRefs(doc, sref); err != nil {
			return false
		}
	}
	return true
}

// applyFixupAt changes one place as the fixup says.
func applyFixupAt(doc *openapi3.T, f *Fixup, p place) error {
	if f.Replace || f.Set["$ref"] != nil {
		sref, err := schemaRefFromJSON(f.Set)
		if err != nil {
			return err
		}
		if err := resolveFixupRefs(doc, sref); err != nil {
			return err
		}
		if p.component {
			if sref.Ref != "" {
				return errors.New("a component cannot become a $ref")
			}
			*p.ref.Value = *sref.Value
		} else {
			*p.ref = *sref
		}
	} else {
		if p.ref.Ref != "" || p.ref.Value == nil {
			return errors.New("the place is a $ref: its target is shared, so set must replace it ($ref or replace)")
		}
		s := p.ref.Value
		for _, k := range sortedKeys(f.Set) {
			if err := setSchemaKey(doc, s, k, f.Set[k]); err != nil {
				return fmt.Errorf("set %s: %w", k, err)
			}
		}
	}
	if len(f.Unrequire) > 0 {
		if p.ref.Ref != "" || p.ref.Value == nil {
			return errors.New("unrequire on a $ref")
		}
		s := p.ref.Value
		s.Required = slices.DeleteFunc(slices.Clone(s.Required), func(n string) bool { return slices.Contains(f.Unrequire, n) })
		if len(s.Required) == 0 {
			s.Required = nil
		}
	}
	return nil
}

// setSchemaKey sets one keyword of s from its JSON value; nil removes it.
// "properties" is merged by name (a nil property removes it).
func setSchemaKey(doc *openapi3.T, s *openapi3.Schema, key string, v any) error {
	if key == "properties" && v != nil {
		props := v.(map[string]any)
		for _, name := range sortedKeys(props) {
			if props[name] == nil {
				delete(s.Properties, name)
				continue
			}
			sref, err := schemaRefFromJSON(props[name].(map[string]any))
			if err != nil {
				return err
			}
			if err := resolveFixupRefs(doc, sref); err != nil {
				return err
			}
			if s.Properties == nil {
				s.Properties = openapi3.Schemas{}
			}
			s.Properties[name] = sref
		}
		return nil
	}
	idx, ok := schemaKeys()[key]
	if !ok {
		return fmt.Errorf("unknown keyword")
	}
	field := reflect.ValueOf(s).Elem().Field(idx)
	if v == nil {
		field.Set(reflect.Zero(field.Type()))
		return nil
	}
	tmp, err := schemaRefFromJSON(map[string]any{key: v})
	if err != nil {
		return err
	}
	if err := resolveFixupRefs(doc, tmp); err != nil {
		return err
	}
	field.Set(reflect.ValueOf(tmp.Value).Elem().Field(idx))
	return nil
}

// resolveFixupRefs points every $ref in a schema built from the table at
// the document's component.
func resolveFixupRefs(doc *openapi3.T, sref *openapi3.SchemaRef) error {
	if sref == nil {
		return nil
	}
	if sref.Ref != "" {
		name, ok := componentRef(sref.Ref)
		if !ok {
			return fmt.Errorf("$ref %q is not a component schema", sref.Ref)
		}
		var comp *openapi3.SchemaRef
		if doc.Components != nil {
			comp = doc.Components.Schemas[name]
		}
		if comp == nil || comp.Value == nil {
			return fmt.Errorf("$ref %q: the document has no such component", sref.Ref)
		}
		sref.Value = comp.Value
		return nil
	}
	s := sref.Value
	if s == nil {
		return nil
	}
	var children []*openapi3.SchemaRef
	children = append(children, s.Items, s.AdditionalProperties.Schema, s.Not)
	children = append(children, s.AllOf...)
	children = append(children, s.OneOf...)
	children = append(children, s.AnyOf...)
	children = append(children, s.PrefixItems...)
	for _, name := range sortedKeys(s.Properties) {
		children = append(children, s.Properties[name])
	}
	for _, c := range children {
		if err := resolveFixupRefs(doc, c); err != nil {
			return err
		}
	}
	return nil
}

// expandPlace returns the schemas of the document a place pattern names,
// in document order with keys sorted.
func expandPlace(doc *openapi3.T, pattern string) ([]place, error) {
	if err := checkPlacePattern(pattern); err != nil {
		return nil, err
	}
	toks, _ := placeTokens(pattern)
	var out []place
	switch toks[0] {
	case "components":
		if doc.Components == nil {
			return nil, nil
		}
		for _, name := range sortedKeys(doc.Components.Schemas) {
			if !globMatch(toks[2], name) {
				continue
			}
			ptr := "#/components/schemas/" + pointerEscape(name)
			sref := doc.Components.Schemas[name]
			if len(toks) == 3 {
				if sref != nil && sref.Ref == "" && sref.Value != nil {
					out = append(out, place{ptr: ptr, ref: sref, component: true})
				}
				continue
			}
			out = walkSchemaPlaces(sref, ptr, toks[3:], out)
		}
	case "paths":
		if doc.Paths == nil {
			return nil, nil
		}
		paths := doc.Paths.Map()
		for _, path := range sortedKeys(paths) {
			if !globMatch(toks[1], path) || paths[path] == nil {
				continue
			}
			ops := paths[path].Operations()
			for _, method := range sortedKeys(ops) {
				m := strings.ToLower(method)
				op := ops[method]
				if !globMatch(toks[2], m) || op == nil {
					continue
				}
				base := "#/paths/" + pointerEscape(path) + "/" + m
				if toks[3] == "requestBody" {
					if op.RequestBody == nil || op.RequestBody.Value == nil {
						continue
					}
					out = contentPlaces(op.RequestBody.Value.Content, base+"/requestBody/content", toks[5], toks[7:], out)
					continue
				}
				if op.Responses == nil {
					continue
				}
				resps := op.Responses.Map()
				for _, code := range sortedKeys(resps) {
					r := resps[code]
					if !globMatch(toks[4], code) || r == nil || r.Value == nil {
						continue
					}
					out = contentPlaces(r.Value.Content, base+"/responses/"+pointerEscape(code)+"/content", toks[6], toks[8:], out)
				}
			}
		}
	}
	return out, nil
}

func contentPlaces(content openapi3.Content, ptr, mediaPat string, rest []string, out []place) []place {
	for _, mt := range sortedKeys(content) {
		if !globMatch(mediaPat, mt) || content[mt] == nil {
			continue
		}
		out = walkSchemaPlaces(content[mt].Schema, ptr+"/"+pointerEscape(mt)+"/schema", rest, out)
	}
	return out
}

// walkSchemaPlaces follows schema keywords from sref. It does not pass
// through a $ref: a pointer into the document cannot either.
func walkSchemaPlaces(sref *openapi3.SchemaRef, ptr string, toks []string, out []place) []place {
	if sref == nil {
		return out
	}
	if len(toks) == 0 {
		return append(out, place{ptr: ptr, ref: sref})
	}
	if sref.Ref != "" || sref.Value == nil {
		return out
	}
	s := sref.Value
	switch toks[0] {
	case "items":
		return walkSchemaPlaces(s.Items, ptr+"/items", toks[1:], out)
	case "additionalProperties":
		return walkSchemaPlaces(s.AdditionalProperties.Schema, ptr+"/additionalProperties", toks[1:], out)
	case "not":
		return walkSchemaPlaces(s.Not, ptr+"/not", toks[1:], out)
	case "properties":
		for _, name := range sortedKeys(s.Properties) {
			if globMatch(toks[1], name) {
				out = walkSchemaPlaces(s.Properties[name], ptr+"/properties/"+pointerEscape(name), toks[2:], out)
			}
		}
		return out
	}
	var list openapi3.SchemaRefs
	switch toks[0] {
	case "allOf":
		list = s.AllOf
	case "oneOf":
		list = s.OneOf
	case "anyOf":
		list = s.AnyOf
	case "prefixItems":
		list = s.PrefixItems
	}
	for i, x := range list {
		if globMatch(toks[1], strconv.Itoa(i)) {
			out = walkSchemaPlaces(x, fmt.Sprintf("%s/%s/%d", ptr, toks[0], i), toks[2:], out)
		}
	}
	return out
}

// globMatch matches one pointer segment against a pattern in which "*"
// stands for any run of characters.
func globMatch(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

// matchSchema reports whether the schema at a place matches a pattern: every
// keyword of the pattern must be there with a matching value, and keywords
// the pattern does not name do not matter. Values compare as JSON, except:
// "$ref" is the reference string (and only "$ref" can match a reference);
// "properties" matches the named properties' schemas recursively (null: the
// property is absent); "required" lists names that must all be required;
// sub-schemas (items, additionalProperties, not) match recursively and
// lists of them (allOf, oneOf, anyOf, prefixItems) element by element with
// the same length; null stands for an absent keyword.
func matchSchema(sref *openapi3.SchemaRef, pat map[string]any) bool {
	if sref == nil {
		return false
	}
	for _, k := range sortedKeys(pat) {
		pv := pat[k]
		if k == "$ref" {
			want, _ := pv.(string)
			if sref.Ref != want {
				return false
			}
			continue
		}
		if sref.Ref != "" || sref.Value == nil {
			return false
		}
		s := sref.Value
		switch k {
		case "properties":
			if pv == nil {
				if len(s.Properties) > 0 {
					return false
				}
				continue
			}
			props, _ := pv.(map[string]any)
			for _, name := range sortedKeys(props) {
				child := s.Properties[name]
				if props[name] == nil {
					if child != nil {
						return false
					}
					continue
				}
				sub, _ := props[name].(map[string]any)
				if !matchSchema(child, sub) {
					return false
				}
			}
		case "required":
			if pv == nil {
				if len(s.Required) > 0 {
					return false
				}
				continue
			}
			names, _ := pv.([]any)
			for _, n := range names {
				if name, _ := n.(string); !slices.Contains(s.Required, name) {
					return false
				}
			}
		case "items", "not", "additionalProperties":
			var child *openapi3.SchemaRef
			switch k {
			case "items":
				child = s.Items
			case "not":
				child = s.Not
			default:
				if b, ok := pv.(bool); ok {
					if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has != b {
						return false
					}
					continue
				}
				child = s.AdditionalProperties.Schema
			}
			if pv == nil {
				if child != nil {
					return false
				}
				continue
			}
			sub, _ := pv.(map[string]any)
			if !matchSchema(child, sub) {
				return false
			}
		case "allOf", "oneOf", "anyOf", "prefixItems":
			list := map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf, "prefixItems": s.PrefixItems}[k]
			if pv == nil {
				if len(list) > 0 {
					return false
				}
				continue
			}
			pats, _ := pv.([]any)
			if len(pats) != len(list) {
				return false
			}
			for i, x := range pats {
				sub, _ := x.(map[string]any)
				if !matchSchema(list[i], sub) {
					return false
				}
			}
		default:
			idx, ok := schemaKeys()[k]
			if !ok {
				return false
			}
			field := reflect.ValueOf(s).Elem().Field(idx)
			if pv == nil {
				if !field.IsZero() {
					return false
				}
				continue
			}
			if field.IsZero() {
				return false
			}
			if !jsonValuesEqual(field.Interface(), pv) {
				return false
			}
		}
	}
	return true
}

// jsonValuesEqual compares a Go value and a decoded JSON value by their JSON
// encodings decoded again.
func jsonValuesEqual(goValue, jsonValue any) bool {
	a, err1 := json.Marshal(goValue)
	b, err2 := json.Marshal(jsonValue)
	if err1 != nil || err2 != nil {
		return false
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
