package generator

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Identical inline shapes, and the names of inline types.
//
// The document writes the same object inline in many places (a user's
// notificationRecieveConfig in MeDetailed, in admin/show-user's answer and in
// i/update's request). Those that have the same Go representation are one
// type. Inline types are named once everything is modelled, from the places
// they are used, so that a shared shape gets a name of its own.

// maxNameLen is the length above which a generated type name is shortened
// when a shorter candidate exists.
const maxNameLen = 50

// mergeIdentical makes every group of inline struct, union and tuple types
// with the same Go representation one type (the first made), used
// everywhere any of them was. Endpoint requests and responses and
// components stay as they are.
func (b *builder) mergeIdentical() {
	sigs := map[*Type]string{}
	var sig func(t *Type) string
	var refSig func(r *TypeRef) string
	refSig = func(r *TypeRef) string {
		switch r.Kind {
		case RefNamed:
			if r.Named.fixed || r.Named.Kind == KindEnum || r.Named.Kind == KindAlias {
				return fmt.Sprintf("N%d%s", r.Named.created, r.Named.Name)
			}
			return "(" + sig(r.Named) + ")"
		case RefSlice:
			return "[]" + refSig(r.Elem)
		case RefMap:
			return "map" + refSig(r.Elem)
		}
		return strconv.Itoa(int(r.Kind))
	}
	sig = func(t *Type) string {
		if s, ok := sigs[t]; ok {
			return s
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "%d{", t.Kind)
		for _, e := range t.Embeds {
			fmt.Fprintf(&sb, "E%d;", e.created)
		}
		for _, f := range t.Fields {
			fmt.Fprintf(&sb, "%q %s %d %t %t %s;", f.JSONName, f.Name, f.Wrap, f.Required, f.Nullable, refSig(f.Type))
		}
		for _, br := range t.Branches {
			fmt.Fprintf(&sb, "B%s %s %s;", br.Name, br.JSONKind, refSig(br.Type))
		}
		if t.Discriminator != "" {
			fmt.Fprintf(&sb, "D%q;", t.Discriminator)
		}
		for _, v := range t.Variants {
			fmt.Fprintf(&sb, "V%q %s %v %v %v %v;", v.Name, v.IsMethod, v.DiscValues, v.Known, v.Required, v.Groups)
		}
		sb.WriteString("}")
		s := sb.String()
		sigs[t] = s
		return s
	}
	canon := map[string]*Type{}
	replace := map[*Type]*Type{}
	for _, t := range b.all { // creation order: the first made is kept
		if t.fixed || (t.Kind != KindStruct && t.Kind != KindUnion && t.Kind != KindTuple) {
			continue
		}
		s := sig(t)
		if first, ok := canon[s]; ok {
			replace[t] = first
			first.uses = append(first.uses, t.uses...)
			first.Request = first.Request || t.Request
			if first.Group != t.Group {
				first.Group = ""
			}
			continue
		}
		canon[s] = t
	}
	b.mergeSubsets(replace, func(f *Field) string {
		return fmt.Sprintf("%s %d %t %t %s", f.Name, f.Wrap, f.Required, f.Nullable, refSig(f.Type))
	})
	if len(replace) == 0 {
		return
	}
	final := func(t *Type) *Type {
		for to, ok := replace[t]; ok; to, ok = replace[t] {
			t = to
		}
		return t
	}
	fix := func(r *TypeRef) {
		for ; r != nil; r = r.Elem {
			if r.Kind == RefNamed {
				r.Named = final(r.Named)
			}
		}
	}
	kept := b.all[:0]
	for _, t := range b.all {
		if _, gone := replace[t]; gone {
			continue
		}
		kept = append(kept, t)
		for _, f := range t.Fields {
			fix(f.Type)
		}
		for _, br := range t.Branches {
			fix(br.Type)
		}
		fix(t.Alias)
	}
	b.all = kept
	for _, t := range b.all {
		for i := range t.uses {
			if t.uses[i].owner != nil {
				t.uses[i].owner = final(t.uses[i].owner)
			}
		}
	}
	for _, ep := range b.api.Endpoints {
		fix(ep.Response)
		fix(ep.ListResponse)
	}
}

// nameTypes names every inline type, owners before what they own, then the
// constants of enums.
func (b *builder) nameTypes() {
	for _, t := range b.all { // creation order: a type is made before the types of its fields
		if t.Name != "" {
			continue
		}
		t.Name = b.claimFirst(b.nameCandidates(t))
	}
	for _, t := range b.all {
		if t.Kind == KindEnum && len(t.EnumValues) > 0 && t.EnumValues[0].GoName == "" {
			for i := range t.EnumValues {
				t.EnumValues[i].GoName = b.types.claim(t.Name + enumValueName(t.EnumValues[i].Value))
			}
		}
		if t.Role == "" && !t.fixed && len(t.uses) > 0 {
			t.Role = useRole(t.uses[0])
		}
	}
}

// claimFirst claims the first candidate that is free and not too long (any
// free one when all are long), else the first with a number.
func (b *builder) claimFirst(cands []string) string {
	var ok []string
	for _, c := range cands {
		if c != "" && !b.types.taken(c) {
			ok = append(ok, c)
		}
	}
	for _, c := range ok {
		if len(c) <= maxNameLen {
			return b.types.claim(c)
		}
	}
	if len(ok) > 0 {
		return b.types.claim(ok[0])
	}
	for _, c := range cands {
		if c != "" {
			return b.types.claim(c)
		}
	}
	return b.types.claim("Value")
}

// nameCandidates lists names for an inline type, best first.
func (b *builder) nameCandidates(t *Type) []string {
	uses := t.uses
	if len(uses) == 0 {
		return []string{"Value"}
	}
	if t.Kind == KindEnum {
		return b.enumCandidates(t)
	}
	var cands []string
	owners := map[*Type]bool{}
	fields := map[string]bool{}
	for _, u := range uses {
		owners[u.owner] = true
		fields[u.field] = true
	}
	u0 := uses[0]
	if len(fields) == 1 && len(owners) > 1 {
		// One shape under one property name in several places: named after
		// what the owners' names end with (server-info and admin/server-info
		// share ServerInfoFs), else after the property alone.
		var ownerNames []string
		for _, u := range uses {
			ownerNames = append(ownerNames, strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(ownerName(u), "Item"), "Response"), "Request"))
		}
		if common := commonWordSuffix(ownerNames); common != "" {
			cands = append(cands, common+usePart(u0))
		}
		cands = append(cands, usePart(u0))
	}
	if len(fields) > 1 {
		// Several properties share the shape: named after the words their
		// names end with (mutedWords, hardMutedWords → MutedWord), else
		// after the owner.
		var names []string
		for _, u := range uses {
			names = append(names, usePart(u))
		}
		if suffix := commonWordSuffix(names); suffix != "" {
			cands = append(cands, suffix)
		} else if u0.owner != nil {
			cands = append(cands, u0.owner.Name+"Value")
		}
	}
	return append(cands, shortUseName(u0), longUseName(u0), usePart(u0))
}

// usePart is the part a use adds to its owner's name: the property,
// singular for an array element ("files" → "File"), with "Item" when the
// property is not a plural.
func usePart(u typeUse) string {
	name := exportedName(u.field)
	if u.item {
		if s := singular(name); s != name {
			return s
		}
		return name + "Item"
	}
	return name
}

// shortUseName names a use after its owner, leaving out "Request" or
// "Response" of an endpoint's body (NotesCreatePoll).
func shortUseName(u typeUse) string {
	switch {
	case u.owner == nil:
		return u.endpoint + exportedName(u.field) + itemSuffix(u)
	case u.owner.fixed && u.owner.Component == "" && u.endpoint != "":
		return u.endpoint + usePart(u)
	}
	return u.owner.Name + usePart(u)
}

// longUseName names a use after its owner's whole name.
func longUseName(u typeUse) string {
	if u.owner == nil {
		return u.endpoint + exportedName(u.field) + itemSuffix(u)
	}
	return u.owner.Name + usePart(u)
}

func itemSuffix(u typeUse) string {
	if u.item {
		return "Item"
	}
	return ""
}

// useRole says in words what a type used at u is.
func useRole(u typeUse) string {
	what := "the " + u.field + " field"
	if u.item {
		what = "an element of the " + u.field + " field"
	}
	switch {
	case u.owner != nil && u.field == "":
		return "part of " + u.owner.Name
	case u.owner != nil:
		return what + " of " + u.owner.Name
	case u.endpoint != "":
		return "an element of the " + u.field + " of " + u.endpoint
	}
	return ""
}

// genericSegments are endpoint path segments that say nothing about the
// resource (admin/…, i/…, v2/…).
var genericSegments = map[string]bool{"admin": true, "i": true, "v2": true}

// enumCandidates names an enum: after the component that uses it, when one
// does (NoteVisibility); after the resource of the endpoints that share it
// (UserOrigin for users, hashtags/users, admin/show-users …; ChartSpan for
// charts/*); else after its first use.
func (b *builder) enumCandidates(t *Type) []string {
	uses := t.uses
	var cands []string
	for _, u := range uses {
		if u.owner != nil && u.owner.Component != "" {
			cands = append(cands, u.owner.Name+usePart(u))
			break
		}
	}
	paths := map[string]bool{}
	var ordered []string
	for _, u := range uses {
		if u.endpoint == "" {
			continue
		}
		p := b.endpointPaths[u.endpoint]
		if p != "" && !paths[p] {
			paths[p] = true
			ordered = append(ordered, p)
		}
	}
	if len(ordered) > 1 {
		if res := resourceName(ordered); res != "" {
			part := usePart(uses[0])
			if strings.HasPrefix(part, res) {
				cands = append(cands, part)
			} else if strings.HasSuffix(res, part) {
				cands = append(cands, res)
			} else {
				cands = append(cands, res+part)
			}
		}
	}
	return append(cands, shortUseName(uses[0]), longUseName(uses[0]), usePart(uses[0]))
}

// resourceName is the resource several endpoints share, in Go: the last
// path segment they have in common ("charts/…" → "Chart"), else the last
// segment most of them end with ("users", "hashtags/users" → "User").
func resourceName(paths []string) string {
	split := make([][]string, len(paths))
	for i, p := range paths {
		split[i] = strings.Split(p, "/")
	}
	common := split[0]
	for _, s := range split[1:] {
		n := 0
		for n < len(common) && n < len(s)-1 && common[n] == s[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) > len(split[0])-1 {
		common = common[:len(split[0])-1]
	}
	for i := len(common) - 1; i >= 0; i-- {
		if !genericSegments[common[i]] {
			return singular(exportedName(common[i]))
		}
	}
	counts := map[string]int{}
	var order []string
	for _, s := range split {
		last := s[len(s)-1]
		if counts[last] == 0 {
			order = append(order, last)
		}
		counts[last]++
	}
	sort.SliceStable(order, func(i, j int) bool { return counts[order[i]] > counts[order[j]] })
	if counts[order[0]] < 2 {
		return ""
	}
	return singular(exportedName(order[0]))
}

// singular makes the last word of an exported name singular: "Users" →
// "User", "Policies" → "Policy", "Addresses" → "Address".
func singular(name string) string {
	switch {
	case strings.HasSuffix(name, "IDs"), strings.HasSuffix(name, "URLs"), strings.HasSuffix(name, "URIs"):
		return name[:len(name)-1]
	case strings.HasSuffix(name, "ies") && len(name) > 4:
		return name[:len(name)-3] + "y"
	case strings.HasSuffix(name, "sses"), strings.HasSuffix(name, "shes"), strings.HasSuffix(name, "ches"), strings.HasSuffix(name, "xes"):
		return name[:len(name)-2]
	case strings.HasSuffix(name, "ss"), strings.HasSuffix(name, "us"), strings.HasSuffix(name, "is"):
		return name
	case strings.HasSuffix(name, "s") && len(name) > 2:
		return name[:len(name)-1]
	}
	return name
}

// commonWordSuffix returns the words every name ends with ("MutedWord" of
// "MutedWord" and "HardMutedWord"), or "".
func commonWordSuffix(names []string) string {
	split := make([][]string, len(names))
	for i, n := range names {
		split[i] = splitWords(n)
	}
	var out []string
	for k := 1; ; k++ {
		var w string
		for i, s := range split {
			if len(s) < k {
				return strings.Join(out, "")
			}
			x := s[len(s)-k]
			if i == 0 {
				w = x
			} else if x != w {
				return strings.Join(out, "")
			}
		}
		out = append([]string{w}, out...)
	}
}

// ownerName is the name of the type a use is in, or of its endpoint.
func ownerName(u typeUse) string {
	if u.owner != nil {
		return u.owner.Name
	}
	return u.endpoint
}

// mergeSubsets makes an inline object whose fields are a subset of another
// inline object of the same property name (all optional, the shared ones
// identical) use that other type: i/update's notificationRecieveConfig
// lacks three members MeDetailed's has, and one type lets a setting read
// from the server be written back. Misskey takes members a request schema
// does not declare.
func (b *builder) mergeSubsets(replace map[*Type]*Type, fieldSig func(*Field) string) {
	byField := map[string][]*Type{}
	for _, t := range b.all {
		if _, gone := replace[t]; gone || t.fixed || t.Kind != KindStruct || len(t.Embeds) > 0 || len(t.Variants) > 0 || len(t.Fields) == 0 {
			continue
		}
		field := ""
		for i, u := range t.uses {
			if u.item || (i > 0 && u.field != field) {
				field = ""
				break
			}
			field = u.field
		}
		if field == "" {
			continue
		}
		optional := true
		for _, f := range t.Fields {
			optional = optional && !f.Required
		}
		if optional {
			byField[field] = append(byField[field], t)
		}
	}
	fields := func(t *Type) map[string]string {
		m := map[string]string{}
		for _, f := range t.Fields {
			m[f.JSONName] = fieldSig(f)
		}
		return m
	}
	for _, group := range byField {
		for _, small := range group {
			if _, gone := replace[small]; gone {
				continue
			}
			ss := fields(small)
			for _, big := range group {
				if big == small || len(big.Fields) <= len(small.Fields) {
					continue
				}
				if _, gone := replace[big]; gone {
					continue
				}
				bs := fields(big)
				subset := true
				for name, fs := range ss {
					if bs[name] != fs {
						subset = false
						break
					}
				}
				if subset {
					replace[small] = big
					big.uses = append(big.uses, small.uses...)
					big.Request = big.Request || small.Request
					if big.Group != small.Group {
						big.Group = ""
					}
					break
				}
			}
		}
	}
}
