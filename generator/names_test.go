package generator

import (
	"go/token"
	"reflect"
	"strconv"
	"testing"
)

func TestExportedName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"userId", "UserID"},
		{"avatarUrl", "AvatarURL"},
		{"userIds", "UserIDs"},
		{"2faEnabled", "X2FAEnabled"},
		{"waiting-children", "WaitingChildren"},
		{"notes/create", "NotesCreate"},
		{"i/registry/get", "IRegistryGet"},
		{"notes-create", "NotesCreate"},
		{"iconUrl", "IconURL"},
		{"iconURL", "IconURL"},
		{"user_id", "UserID"},
		{"HTMLParser", "HTMLParser"},
		{"type", "Type"},
		{"func", "Func"},
		{"range", "Range"},
		{"2fa", "X2FA"},
		{"123", "X123"},
		{"isCat", "IsCat"},
		{"mfm", "MFM"},
		{"write:notes", "WriteNotes"},
		{"日本語", "X日本語"},
		{"émoji", "Émoji"},
		{"_private", "Private"},
		{"", ""},
		{"---", ""},
		{`a"b`, "AB"},
		{"a,b", "AB"},
	}
	for _, tt := range tests {
		got := exportedName(tt.in)
		if got != tt.want {
			t.Errorf("exportedName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && (!token.IsIdentifier(got) || !token.IsExported(got)) {
			t.Errorf("exportedName(%q) = %q is not an exported Go identifier", tt.in, got)
		}
	}
}

func TestEnumValueName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"likeOnly", "LikeOnly"},
		{"en-US", "EnUS"},
		{"", "Empty"},
		{"a-b", "AB"},
		{"a_b", "AB"},
		{"aB", "AB"},
		{"-", "U2D"},
		{"+-", "U2BU2D"},
		{"2", "2"},
		{"public", "Public"},
	}
	for _, tt := range tests {
		if got := enumValueName(tt.in); got != tt.want {
			t.Errorf("enumValueName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// With a type name in front, the result is always an identifier.
		if id := "Visibility" + enumValueName(tt.in); !token.IsIdentifier(id) {
			t.Errorf("Visibility+enumValueName(%q) = %q is not an identifier", tt.in, id)
		}
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"userId", []string{"user", "Id"}},
		{"HTMLParser", []string{"HTML", "Parser"}},
		{"waiting-children", []string{"waiting", "children"}},
		{"notes/create", []string{"notes", "create"}},
		{"2faEnabled", []string{"2fa", "Enabled"}},
		{"user_id", []string{"user", "id"}},
		{"iconURL", []string{"icon", "URL"}},
		{"a1B", []string{"a1", "B"}},
		{"", nil},
		{"//", nil},
	}
	for _, tt := range tests {
		if got := splitWords(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnexportedName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NotesCreate", "notesCreate"},
		{"URLPreview", "urlPreview"},
		{"Type", "type_"},
		{"Func", "func_"},
		{"", "x"},
	}
	for _, tt := range tests {
		if got := unexportedName(tt.in); got != tt.want {
			t.Errorf("unexportedName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameSetClaim(t *testing.T) {
	ns := newNameSet("Client", "Value")
	for _, tt := range []struct{ in, want string }{
		{"Client", "Client2"},
		{"Value", "Value2"},
		{"IconURL", "IconURL"},
		{"IconURL", "IconURL2"},
		{"IconURL", "IconURL3"},
		{"Client", "Client3"},
	} {
		if got := ns.claim(tt.in); got != tt.want {
			t.Errorf("claim(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidJSONTagName(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"userId", true},
		{"a-b", true},
		{"x:y", true},
		{"日本", true},
		{"", false},
		{`a"b`, false},
		{"a,b", false},
		{"a`b", false},
		{`a\b`, false},
		{"a\nb", false},
		{"a b", false}, // go vet: suspicious space in struct tag value
	} {
		if got := validJSONTagName(tt.in); got != tt.want {
			t.Errorf("validJSONTagName(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestClaimSuffixes: claim gives the smallest free suffix from 2 up, as a
// walk from 2 on every call would, also when other names took suffixed
// forms first; it remembers where to resume, so n colliding names cost n
// steps, not n².
func TestClaimSuffixes(t *testing.T) {
	ns := newNameSet("A3")
	naive := map[string]bool{"A3": true}
	naiveClaim := func(name string) string {
		if !naive[name] {
			naive[name] = true
			return name
		}
		for i := 2; ; i++ {
			if c := name + strconv.Itoa(i); !naive[c] {
				naive[c] = true
				return c
			}
		}
	}
	for i, name := range []string{"A", "A", "A", "A5", "A", "A", "B", "A2", "A", "B", "A22", "A2", "A2", "A"} {
		if got, want := ns.claim(name), naiveClaim(name); got != want {
			t.Fatalf("claim #%d (%s) = %s, want %s", i, name, got, want)
		}
	}
	ns.reserve("C2")
	naive["C2"] = true
	for range 3 {
		if got, want := ns.claim("C"), naiveClaim("C"); got != want {
			t.Fatalf("claim(C) = %s, want %s", got, want)
		}
	}
	for range 20000 {
		ns.claim("Z")
	}
	if got := ns.claim("Z"); got != "Z20001" {
		t.Errorf("the 20,001st claim of Z = %s", got)
	}
}
