package generator

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
)

// Text from a document reaches generated files only as comment lines that
// start with "// " (or the empty "//"), never as a line jen or gofmt would
// print as it stands. Go tools read some comment lines as instructions:
// "//go:generate" runs a command (go generate scans a file's lines as text,
// without parsing it), "//go:build" and "// +build" exclude the file,
// "//line" changes positions, "//export" and "//extern" change linkage,
// and a comment before import "C" is compiled as C. They all start "//"
// with no space after it, except "// +build", which commentLine defuses
// separately. checkNoDirectives then makes sure of the result: it refuses
// output that holds any such line.

// isLineBreak reports the characters that some tool reads as the end of a
// line: Go and go generate end lines only at "\n", but editors, terminals,
// diff viewers and review tools also break at "\r", vertical tab, form
// feed, the ASCII file, group and record separators, NEL (U+0085), and the
// Unicode line and paragraph separators (U+2028, U+2029).
func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

// docLineReplacer turns every kind of line break into "\n" ("\r\n" is one
// break) and drops NUL and the byte order mark, which Go source cannot hold.
var docLineReplacer = strings.NewReplacer(
	"\r\n", "\n", "\r", "\n", "\v", "\n", "\f", "\n", "\x1c", "\n", "\x1d", "\n", "\x1e", "\n",
	"\u0085", "\n", "\u2028", "\n", "\u2029", "\n",
	"\x00", "", "\ufeff", "",
)

// normalizeDocText is docText's work: text from the document with every
// line break as "\n".
func normalizeDocText(s string) string {
	if s == "" {
		return s
	}
	return docLineReplacer.Replace(s)
}

// commentLine makes one line of a generated comment from text that may
// hold anything, and returns it in the form jen prints as it stands: "// "
// followed by the text, or "//" for an empty line. Line breaks left in the
// text become spaces; other control characters and the Unicode
// bidirectional controls (which can make source read differently from
// what it is) are written as Go escapes (\x1b, \u202e); NUL and the byte
// order mark are dropped. A line that would read as a "+build" constraint
// gets a backslash before the "+".
//
// Every comment the emitter writes goes through commentLine, so no text
// reaches jen's Comment raw: jen prints a comment starting with "//" or
// "/*" verbatim and one holding "\n" as a block comment.
func commentLine(text string) string {
	var b strings.Builder
	b.Grow(len(text) + 3)
	b.WriteString("// ")
	for _, r := range text {
		switch {
		case r == 0 || r == '\ufeff':
		case isLineBreak(r):
			b.WriteByte(' ')
		case r == '\t':
			b.WriteByte('\t')
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r) // an invalid byte arrives as U+FFFD and is written as such
		}
	}
	line := strings.TrimRight(b.String(), " \t")
	if line == "//" {
		return line
	}
	if rest := strings.TrimLeft(line[3:], " \t"); strings.HasPrefix(rest, "+build") {
		line = `// \` + rest
	}
	return line
}

// directivePrefixes start the comment lines Go tools act on, after leading
// space: compiler and go command directives (//go:generate, //go:build,
// //go:embed, //go:linkname …), line directives, cgo's export and extern,
// and the old build constraint (with any space after "//").
var directivePrefixes = []string{"//go:", "//line ", "//export ", "//extern "}

// directiveLine reports whether line, once leading space is removed, is a
// line Go tools read as a directive. "// Code generated … DO NOT EDIT." is
// a marker for tools and people, not a directive, and is not reported.
func directiveLine(line string) bool {
	line = strings.TrimLeft(line, " \t")
	for _, p := range directivePrefixes {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	if rest, ok := strings.CutPrefix(line, "//"); ok && strings.HasPrefix(strings.TrimLeft(rest, " \t"), "+build") {
		return true
	}
	return false
}

// checkNoDirectives refuses a generated file that holds a directive line or
// a line jen would have had to print raw. The generator emits no directive
// of its own in the files it renders, so any such line came from the
// document through a path commentLine missed: better no output than a
// package that runs a command on go generate.
func checkNoDirectives(f File) error {
	lineNo := 0
	for line := range bytes.Lines(f.Content) {
		lineNo++
		if directiveLine(string(line)) || cgoImport(string(line)) {
			return fmt.Errorf("%s:%d: the generated file holds a directive line, which the document must not be able to produce: %q", f.Name, lineNo, bytes.TrimRight(line, "\n"))
		}
	}
	return nil
}

// cgoImport reports an import of cgo's pseudo-package "C", which would make
// the comment above it C source. The generator never imports it.
func cgoImport(line string) bool {
	line = strings.TrimSpace(line)
	return line == `"C"` || line == `import "C"` || strings.HasSuffix(line, ` "C"`) && strings.HasPrefix(line, "import ")
}
