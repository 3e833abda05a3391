package termsafe

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestWriter(t *testing.T) {
	for in, want := range map[string]string{
		"plain text\nwith\ttabs, é and 🎉\n": "plain text\nwith\ttabs, é and 🎉\n",
		"\x1b]0;pwned\x07\x1b[2J\r":         `\u001b]0;pwned\u0007\u001b[2J\u000d`,
		"\u009b6n\x7f \u202eexe.txt \u2066": `\u009b6n\u007f \u202eexe.txt \u2066`,
		"bad \xe9\xff bytes":                `bad \xe9\xff bytes`,
	} {
		var b bytes.Buffer
		n, err := Writer(&b).Write([]byte(in))
		if err != nil || n != len(in) {
			t.Errorf("Write(%q) = %d, %v", in, n, err)
		}
		if b.String() != want {
			t.Errorf("Write(%q) wrote %q, want %q", in, b.String(), want)
		}
		if String(in) != want {
			t.Errorf("String(%q) = %q, want %q", in, String(in), want)
		}
	}
	if w := Writer(new(bytes.Buffer)); Writer(w) != w {
		t.Error("Writer wraps a Writer again")
	}
}

// TestWriterKeepsJSON: the escapes of characters are JSON escapes, so JSON
// output keeps its meaning.
func TestWriterKeepsJSON(t *testing.T) {
	in, _ := json.Marshal(map[string]string{"name": "a\u009bb\u202ec\x7f"})
	var b bytes.Buffer
	Writer(&b).Write(in)
	var out map[string]string
	if err := json.Unmarshal(b.Bytes(), &out); err != nil || out["name"] != "a\u009bb\u202ec\x7f" {
		t.Errorf("%s decodes to %q, %v", b.Bytes(), out, err)
	}
}
