package generator

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// unifiedDiff returns a unified diff (3 lines of context) between a and b,
// labelled with name, truncated after max output lines. nil a or b stands
// for a missing file.
func unifiedDiff(name string, a, b []byte, max int) string {
	al, bl := splitLines(a), splitLines(b)
	ops := diffLines(al, bl)
	var out strings.Builder
	label := strings.TrimPrefix(filepath.ToSlash(name), "/") // no "a//abs/path"
	from, to := "a/"+label, "b/"+label
	if a == nil {
		from = "/dev/null"
	}
	if b == nil {
		to = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", from, to)
	const ctx = 3
	lines := 0
	// Walk the edit script and print hunks around changes.
	i := 0
	for i < len(ops) {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := i - ctx
		if start < 0 {
			start = 0
		}
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			// Run of equal lines: does another change follow within 2*ctx?
			j := end
			for j < len(ops) && ops[j].kind == ' ' && j-end < 2*ctx {
				j++
			}
			if j < len(ops) && ops[j].kind != ' ' {
				end = j
				continue
			}
			break
		}
		stop := end + ctx
		if stop > len(ops) {
			stop = len(ops)
		}
		aStart, bStart, aN, bN := ops[start].a, ops[start].b, 0, 0
		for _, op := range ops[start:stop] {
			if op.kind != '+' {
				aN++
			}
			if op.kind != '-' {
				bN++
			}
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", hunkStart(aStart, aN), aN, hunkStart(bStart, bN), bN)
		for _, op := range ops[start:stop] {
			if lines >= max {
				fmt.Fprintf(&out, "… diff truncated after %d lines\n", max)
				return out.String()
			}
			lines++
			out.WriteByte(op.kind)
			out.WriteString(op.text)
			out.WriteByte('\n')
		}
		i = stop
	}
	return out.String()
}

// hunkStart is the line number a hunk header gives for a range starting
// at index i: 1-based, or, for an empty range (an empty file), the line
// before it, as diff -u and git write it ("@@ -0,0 +1,3 @@").
func hunkStart(i, n int) int {
	if n == 0 {
		return i
	}
	return i + 1
}

type diffOp struct {
	kind byte // ' ', '-', '+'
	text string
	a, b int // line index in a and b where the op stands
}

func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	s := string(bytes.TrimSuffix(b, []byte("\n")))
	return strings.Split(s, "\n")
}

// diffLines computes an edit script with the Myers algorithm after trimming
// the common prefix and suffix. Past a budget of edits it falls back to
// replacing the whole middle, which keeps time bounded on unrelated files.
func diffLines(a, b []string) []diffOp {
	var ops []diffOp
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		ops = append(ops, diffOp{' ', a[pre], pre, pre})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	ops = append(ops, myers(am, bm, pre, pre)...)
	for k := 0; k < suf; k++ {
		ia, ib := len(a)-suf+k, len(b)-suf+k
		ops = append(ops, diffOp{' ', a[ia], ia, ib})
	}
	return ops
}

func myers(a, b []string, aOff, bOff int) []diffOp {
	n, m := len(a), len(b)
	max := n + m
	const budget = 2000
	if max == 0 {
		return nil
	}
	limit := max
	if limit > budget {
		limit = budget
	}
	v := make([]int, 2*limit+2)
	var trace [][]int
	found := false
	for d := 0; d <= limit && !found; d++ {
		vc := make([]int, len(v))
		copy(vc, v)
		trace = append(trace, vc)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[limit+k-1] < v[limit+k+1]) {
				x = v[limit+k+1]
			} else {
				x = v[limit+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[limit+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	if !found {
		var ops []diffOp
		for i, s := range a {
			ops = append(ops, diffOp{'-', s, aOff + i, bOff})
		}
		for j, s := range b {
			ops = append(ops, diffOp{'+', s, aOff + n, bOff + j})
		}
		return ops
	}
	// Backtrack.
	var rev []diffOp
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		vv := trace[d]
		k := x - y
		var prevK int
		if k == -d || (k != d && vv[limit+k-1] < vv[limit+k+1]) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := vv[limit+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x, y = x-1, y-1
			rev = append(rev, diffOp{' ', a[x], aOff + x, bOff + y})
		}
		if d > 0 {
			if x == prevX {
				y--
				rev = append(rev, diffOp{'+', b[y], aOff + x, bOff + y})
			} else {
				x--
				rev = append(rev, diffOp{'-', a[x], aOff + x, bOff + y})
			}
		}
	}
	ops := make([]diffOp, len(rev))
	for i := range rev {
		ops[i] = rev[len(rev)-1-i]
	}
	return ops
}
