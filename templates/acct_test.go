package templates

import (
	"errors"
	"fmt"
	"testing"
)

// The cases misskey-js's own tests (packages/misskey-js/test/acct.ts) define
// for parse, parseUrl, parseAcctOrUrl, correctAcct and toString, plus host
// normalisation as Misskey's server does it (UtilityService.toPuny).

func TestParseAcct(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Acct
	}{
		{"alice", Acct{"alice", ""}},
		{"@alice", Acct{"alice", ""}},
		{"@alice@example.com", Acct{"alice", "example.com"}},
		{"alice@example.com", Acct{"alice", "example.com"}},
		{"acct:alice@example.com", Acct{"alice", "example.com"}},
		{"http", Acct{"http", ""}}, // "Mr. http"
		// As JavaScript's split("@", 2): what follows a second "@" is dropped.
		{"@alice@example.com@junk", Acct{"alice", "example.com"}},
		// Hosts as the server stores them.
		{"@Alice@Example.COM", Acct{"Alice", "example.com"}},
		{"@alice@ドメイン.テスト", Acct{"alice", "xn--eckwd4c7c.xn--zckzah"}},
		{"@alice@bücher.example:3000", Acct{"alice", "xn--bcher-kva.example:3000"}},
	} {
		got, err := ParseAcct(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseAcct(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "@", "@@example.com", "acct:", "@alice@exa mple.com", "@alice@a..b"} {
		if got, err := ParseAcct(bad); !errors.Is(err, ErrAcctSyntax) {
			t.Errorf("ParseAcct(%q) = %+v, %v; want ErrAcctSyntax", bad, got, err)
		}
	}
}

// urlCases are misskey-js's parseUrl cases; want "" means it throws.
var acctURLCases = []struct {
	in   string
	want Acct
	ok   bool
}{
	{"https://example.com/@alice", Acct{"alice", "example.com"}, true},
	{"https://self.example.com/@alice@other.example.com", Acct{"alice", "other.example.com"}, true},
	{"https://example.com", Acct{}, false},
	{"https://example.com/users/alice", Acct{}, false},
	{"https://example.com/@", Acct{}, false},
	{"https://example.com/@alice/", Acct{"alice", "example.com"}, true},
	{"https://example.com/@alice/subdir", Acct{}, false},
	{"https://example.com/@alice?foo=bar", Acct{}, false},
	{"https://example.com/@alice#fragment", Acct{}, false},
	{"https://example.com/users/@alice", Acct{}, false},
	{"http://EXAMPLE.com:3000/@alice", Acct{"alice", "example.com"}, true},
}

func TestParseAcctURL(t *testing.T) {
	for _, tc := range acctURLCases {
		got, err := ParseAcctURL(tc.in)
		switch {
		case tc.ok && (err != nil || got != tc.want):
			t.Errorf("ParseAcctURL(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		case !tc.ok && !errors.Is(err, ErrAcctSyntax):
			t.Errorf("ParseAcctURL(%q) = %+v, %v; want ErrAcctSyntax", tc.in, got, err)
		}
	}
}

func TestParseAcctOrURL(t *testing.T) {
	// Both families of cases, without a local host.
	for _, tc := range acctURLCases {
		got, err := ParseAcctOrURL(tc.in, "")
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("ParseAcctOrURL(%q) = %+v, %v; want %+v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
	for _, in := range []string{"alice", "@alice", "acct:alice@example.com", "http"} {
		want, _ := ParseAcct(in)
		if got, err := ParseAcctOrURL(in, ""); err != nil || got != want {
			t.Errorf("ParseAcctOrURL(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, tc := range []struct {
		in, local string
		want      Acct
	}{
		{"https://example.com/@alice", "example.com", Acct{"alice", ""}},
		{"@alice", "example.com", Acct{"alice", ""}},
		{"@alice@example.com", "example.com", Acct{"alice", ""}},
		{"@alice@EXAMPLE.com", "example.COM", Acct{"alice", ""}},
		{"@alice@other.example.com", "example.com", Acct{"alice", "other.example.com"}},
	} {
		if got, err := ParseAcctOrURL(tc.in, tc.local); err != nil || got != tc.want {
			t.Errorf("ParseAcctOrURL(%q, %q) = %+v, %v; want %+v", tc.in, tc.local, got, err, tc.want)
		}
	}
}

func TestAcctLocal(t *testing.T) { // misskey-js's correctAcct
	for _, tc := range []struct {
		in    Acct
		local string
		want  Acct
	}{
		{Acct{"alice", ""}, "", Acct{"alice", ""}},
		{Acct{"bob", "example.com"}, "", Acct{"bob", "example.com"}},
		{Acct{"carol", "example.com"}, "example.com", Acct{"carol", ""}},
		{Acct{"dave", "other.example.com"}, "example.com", Acct{"dave", "other.example.com"}},
		{Acct{"erin", "xn--eckwd4c7c.xn--zckzah"}, "ドメイン.テスト", Acct{"erin", ""}},
	} {
		if got := tc.in.Local(tc.local); got != tc.want {
			t.Errorf("%+v.Local(%q) = %+v, want %+v", tc.in, tc.local, got, tc.want)
		}
	}
}

func TestAcctString(t *testing.T) { // misskey-js's toString
	if got := (Acct{"alice", ""}).String(); got != "alice" {
		t.Errorf("local: %q", got)
	}
	if got := (Acct{"alice", "example.com"}).String(); got != "alice@example.com" {
		t.Errorf("remote: %q", got)
	}
	if got := (Acct{"alice", "example.com"}).Mention(); got != "@alice@example.com" {
		t.Errorf("mention: %q", got)
	}
	if got := (Acct{"alice", ""}).Mention(); got != "@alice" {
		t.Errorf("local mention: %q", got)
	}
	// Round trip.
	for _, s := range []string{"alice", "alice@example.com", "bob@xn--bcher-kva.example"} {
		a, err := ParseAcct(s)
		if err != nil || a.String() != s {
			t.Errorf("ParseAcct(%q).String() = %q, %v", s, a.String(), err)
		}
	}
}

func TestNormalizeHost(t *testing.T) {
	// Punycode from RFC 3492 and Python's codec; hosts as Node's
	// domainToASCII gives them after Misskey lower-cases them.
	for _, tc := range []struct{ in, want string }{
		{"example.com", "example.com"},
		{"Example.COM", "example.com"},
		{"localhost:3000", "localhost:3000"},
		{"LOCALHOST:3000", "localhost:3000"},
		{"münchen.example", "xn--mnchen-3ya.example"},
		{"MÜNCHEN.example", "xn--mnchen-3ya.example"},
		{"日本語.jp", "xn--wgv71a119e.jp"},
		{"пример.испытание", "xn--e1afmkfd.xn--80akhbyknj4f"},
		{"a-ü-b.test", "xn--a--b-1ra.test"},
		{"😀.example", "xn--e28h.example"},
		{"ドメイン。テスト", "xn--eckwd4c7c.xn--zckzah"},
		{"xn--eckwd4c7c.xn--zckzah", "xn--eckwd4c7c.xn--zckzah"},
		{"example.com.", "example.com."},
	} {
		got, err := NormalizeHost(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeHost(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", ":3000", "exa mple.com", "a..b", "a/b", "a@b", "[::1]", "\xff.example"} {
		if got, err := NormalizeHost(bad); err == nil {
			t.Errorf("NormalizeHost(%q) = %q, want an error", bad, got)
		}
	}
}

func ExampleParseAcctOrURL() {
	for _, s := range []string{"@alice", "@bob@Example.COM", "https://misskey.example/@carol", "https://misskey.example/@dave@ドメイン.テスト"} {
		a, err := ParseAcctOrURL(s, "misskey.example")
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-48s username %q host %q mention %s\n", s, a.Username, a.Host, a.Mention())
	}
	// Output:
	// @alice                                           username "alice" host "" mention @alice
	// @bob@Example.COM                                 username "bob" host "example.com" mention @bob@example.com
	// https://misskey.example/@carol                   username "carol" host "" mention @carol
	// https://misskey.example/@dave@ドメイン.テスト           username "dave" host "xn--eckwd4c7c.xn--zckzah" mention @dave@xn--eckwd4c7c.xn--zckzah
}
