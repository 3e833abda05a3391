package generator_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The comparison TestRecordings and TestStreamRecordings make between what a
// server sent and the generated client's re-encoding of it (json.Marshal of
// the value a typed method returned, or of a stream event's Value), both
// decoded with json.Number.
//
// It is exact, with one allowance. Exact means: the same members in every
// object, at every depth (a member the server sent and the re-encoding lacks
// is lost; one the re-encoding has and the server did not send is added, so
// null and absent are different); arrays of the same length, element by
// element; strings equal after JSON unescaping (so "\u003c" and "<" are the
// same string); numbers with the same literal text (1.5 is not 1.50, 1e3 is
// not 1000); true, false and null as sent. What it does not look at is what
// JSON does not give meaning to: the order of an object's members and white
// space.
//
// The allowance: a string that differs in text but where both the sent and
// the re-encoded string parse as RFC 3339 date-times denoting the same
// instant counts as equal (a time.Time written in another format than
// Misskey's toISOString, "2006-01-02T15:04:05.000Z"). Such strings are
// counted (lossCount.Instants) so that the report shows whether the allowance
// was ever needed.

// lossCount is the outcome of comparisons: what was compared and what
// differed.
type lossCount struct {
	Members  int // object members the server sent, at every depth
	Values   int // scalar values the server sent (strings, numbers, booleans, null), at every depth
	Lost     int // members (or array elements) sent but absent from the re-encoding
	Added    int // members (or array elements) in the re-encoding that were not sent
	Changed  int // values that differ (another value, or another JSON kind)
	Instants int // date-time strings written in another format, same instant (allowed)
	// Diffs are the first differences, as "JSON Pointer: what differs".
	Diffs []string
}

// maxDiffs is how many differences a lossCount describes.
const maxDiffs = 8

// add adds o's counts to c.
func (c *lossCount) add(o lossCount) {
	c.Members += o.Members
	c.Values += o.Values
	c.Lost += o.Lost
	c.Added += o.Added
	c.Changed += o.Changed
	c.Instants += o.Instants
	for _, d := range o.Diffs {
		if len(c.Diffs) < maxDiffs {
			c.Diffs = append(c.Diffs, d)
		}
	}
}

// lossless reports whether nothing was lost, added or changed.
func (c *lossCount) lossless() bool { return c.Lost == 0 && c.Added == 0 && c.Changed == 0 }

func (c *lossCount) diff(ptr, format string, args ...any) {
	if len(c.Diffs) < maxDiffs {
		if ptr == "" {
			ptr = "(body)"
		}
		c.Diffs = append(c.Diffs, ptr+": "+fmt.Sprintf(format, args...))
	}
}

// compareLossless compares sent, what the server sent, with got, the
// re-encoding, both decoded with json.Number; ptr is the JSON Pointer of
// both ("" for the whole body).
func compareLossless(sent, got any, ptr string) lossCount {
	var c lossCount
	c.compare(sent, got, ptr)
	return c
}

func (c *lossCount) compare(sent, got any, ptr string) {
	switch s := sent.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			c.Changed++
			c.diff(ptr, "sent an object, re-encoded %s", short(got))
			c.count(sent)
			return
		}
		for _, k := range sortedKeys(s) {
			c.Members++
			kp := ptr + "/" + escapePointer(k)
			gv, present := g[k]
			if !present {
				c.Lost++
				c.diff(kp, "lost (sent %s)", short(s[k]))
				c.count(s[k])
				continue
			}
			c.compare(s[k], gv, kp)
		}
		for _, k := range sortedKeys(g) {
			if _, sentToo := s[k]; !sentToo {
				c.Added++
				c.diff(ptr+"/"+escapePointer(k), "added (re-encoded %s, not sent)", short(g[k]))
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			c.Changed++
			c.diff(ptr, "sent an array, re-encoded %s", short(got))
			c.count(sent)
			return
		}
		for i, sv := range s {
			ip := ptr + "/" + strconv.Itoa(i)
			if i >= len(g) {
				c.Lost++
				c.diff(ip, "lost (sent %s)", short(sv))
				c.count(sv)
				continue
			}
			c.compare(sv, g[i], ip)
		}
		for i := len(s); i < len(g); i++ {
			c.Added++
			c.diff(ptr+"/"+strconv.Itoa(i), "added (re-encoded %s, not sent)", short(g[i]))
		}
	default:
		c.Values++
		if sameScalar(sent, got) {
			return
		}
		if ss, ok := sent.(string); ok {
			if gs, ok := got.(string); ok && sameInstant(ss, gs) {
				c.Instants++
				return
			}
		}
		c.Changed++
		c.diff(ptr, "sent %s, re-encoded %s", short(sent), short(got))
	}
}

// count counts the members and values of v, which was lost or replaced.
func (c *lossCount) count(v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			c.Members++
			c.count(e)
		}
	case []any:
		for _, e := range x {
			c.count(e)
		}
	default:
		c.Values++
	}
}

// sameScalar compares two scalars: numbers by their literal text, the rest
// by value.
func sameScalar(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	return false
}

// sameInstant reports whether two different strings are both RFC 3339
// date-times of the same instant.
func sameInstant(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339Nano, a)
	tb, err2 := time.Parse(time.RFC3339Nano, b)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}

// escapePointer escapes a member name for a JSON Pointer (RFC 6901).
func escapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// atPointer returns the value at a JSON Pointer in v.
func atPointer(v any, ptr string) (any, bool) {
	if ptr == "" {
		return v, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			e, ok := x[tok]
			if !ok {
				return nil, false
			}
			v = e
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

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// TestCompareLossless shows that the comparison sees every kind of
// difference, and allows only a date-time written differently.
func TestCompareLossless(t *testing.T) {
	dec := func(s string) any {
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	sent := `{"a":1,"b":null,"c":[{"d":"x<y"}],"t":"2026-12-01T10:00:00.000Z","n":1.5}`
	for _, tc := range []struct {
		got                                   string
		lost, added, changed, instants, membs int
	}{
		{`{"n":1.5,"t":"2026-12-01T10:00:00.000Z","c":[{"d":"x\u003cy"}],"b":null,"a":1}`, 0, 0, 0, 0, 6},
		{`{"a":1,"c":[{"d":"x<y"}],"t":"2026-12-01T10:00:00.000Z","n":1.5}`, 1, 0, 0, 0, 6},                // null dropped
		{`{"a":1,"b":null,"c":[{"d":"x<y"}],"t":"2026-12-01T10:00:00.000Z","n":1.5,"e":0}`, 0, 1, 0, 0, 6}, // added
		{`{"a":1.0,"b":null,"c":[{"d":"x<y"}],"t":"2026-12-01T10:00:00.000Z","n":1}`, 0, 0, 2, 0, 6},       // 1 is not 1.0, 1.5 is not 1
		{`{"a":1,"b":null,"c":[],"t":"2026-12-01T10:00:00.000Z","n":1.5}`, 1, 0, 0, 0, 6},                  // element lost
		{`{"a":1,"b":null,"c":[{"d":"x<y"}],"t":"2026-12-01T10:00:00Z","n":1.5}`, 0, 0, 0, 1, 6},           // same instant
		{`{"a":1,"b":null,"c":[{"d":"x<y"}],"t":"2026-12-01T10:00:00.001Z","n":1.5}`, 0, 0, 1, 0, 6},       // another instant
		{`{"a":"1","b":false,"c":{"d":"x<y"},"t":"2026-12-01T10:00:00.000Z","n":1.5}`, 0, 0, 3, 0, 6},      // other kinds
	} {
		c := compareLossless(dec(sent), dec(tc.got), "")
		if c.Lost != tc.lost || c.Added != tc.added || c.Changed != tc.changed || c.Instants != tc.instants || c.Members != tc.membs {
			t.Errorf("%s: lost %d added %d changed %d instants %d members %d, want %d %d %d %d %d (%v)", tc.got,
				c.Lost, c.Added, c.Changed, c.Instants, c.Members, tc.lost, tc.added, tc.changed, tc.instants, tc.membs, c.Diffs)
		}
	}
	if v, ok := atPointer(dec(`{"a/b":[0,{"c~d":5}]}`), "/a~1b/1/c~0d"); !ok || v != json.Number("5") {
		t.Errorf("atPointer: %v %v", v, ok)
	}
}
