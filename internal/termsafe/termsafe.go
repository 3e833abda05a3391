// Package termsafe keeps text that a server or an API document chose from
// driving the terminal the command line writes to.
//
// An error can quote what a server answered (a status line, the start of a
// body) and a diff can quote names from a document. Written raw, an escape
// sequence in them (ESC ] 0 ; … BEL sets the window title, ESC [ 2 J clears
// the screen, some terminals answer queries into their input) would be
// obeyed by the terminal. The command line therefore writes through Writer.
package termsafe

import (
	"io"
	"unicode/utf8"
)

// Writer returns a writer that passes what it is given on to w, with every
// control character other than newline and tab (C0, DEL, C1), every
// bidirectional-text control and every byte that is not valid UTF-8 written
// as an escape: \u001b for a character, \xe9 for an invalid byte. The
// character escapes are also valid inside JSON strings, so JSON output keeps
// its meaning. Each Write is taken as whole text: a character split across
// two writes is escaped byte by byte.
func Writer(w io.Writer) io.Writer {
	if _, ok := w.(*writer); ok {
		return w
	}
	return &writer{w: w}
}

type writer struct {
	w io.Writer
}

// Write writes p, escaped, and reports len(p) on success.
func (t *writer) Write(p []byte) (int, error) {
	if Clean(p) {
		return t.w.Write(p)
	}
	if _, err := t.w.Write(Escape(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Clean reports whether p has nothing Escape would change.
func Clean(p []byte) bool {
	for i := 0; i < len(p); {
		if c := p[i]; c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

// String is Escape for a string.
func String(s string) string {
	if Clean([]byte(s)) {
		return s
	}
	return string(Escape([]byte(s)))
}

// Escape returns p with the characters and bytes Writer escapes written as
// escapes.
func Escape(p []byte) []byte {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, len(p)+16)
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, '\\', 'x', hex[p[0]>>4], hex[p[0]&15])
		case unsafeRune(r):
			out = append(out, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
		default:
			out = append(out, p[:size]...)
		}
		p = p[size:]
	}
	return out
}

// unsafeRune reports a C0 or C1 control character, DEL, or a
// bidirectional-text control (newline and tab are allowed by the callers).
func unsafeRune(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (0x7f <= r && r < 0xa0) ||
		(0x202a <= r && r <= 0x202e) || (0x2066 <= r && r <= 0x2069)
}
