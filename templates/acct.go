package templates

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Acct is the address of a Misskey account: a username and, for an account
// of another server, that server's host. It is what misskey-js calls an
// Acct; users/show takes its parts as username and host.
type Acct struct {
	Username string
	// Host is the server of a remote account, normalised as Misskey stores
	// hosts (NormalizeHost), or "" for a local account.
	Host string
}

// ErrAcctSyntax is wrapped by the errors of the Acct parsers.
var ErrAcctSyntax = errors.New("misskey: not an account address")

// ParseAcct parses "user", "@user", "@user@host", "user@host" or
// "acct:user@host", as misskey-js's acct.parse does: a leading "@" or
// "acct:" is dropped, the username ends at the next "@", and the host ends
// at the one after that. The host is normalised (NormalizeHost). It fails
// when there is no username or the host is not a valid host name.
func ParseAcct(s string) (Acct, error) {
	rest := s
	if r, ok := strings.CutPrefix(s, "@"); ok {
		rest = r
	} else if r, ok := strings.CutPrefix(s, "acct:"); ok {
		rest = r
	}
	user, host, _ := strings.Cut(rest, "@")
	host, _, _ = strings.Cut(host, "@")
	if user == "" {
		return Acct{}, fmt.Errorf("%w: %q has no username", ErrAcctSyntax, s)
	}
	a := Acct{Username: user}
	if host != "" {
		h, err := NormalizeHost(host)
		if err != nil {
			return Acct{}, fmt.Errorf("%w: %q: %v", ErrAcctSyntax, s, err)
		}
		a.Host = h
	}
	return a, nil
}

// ParseAcctURL parses the URL of a profile, "https://host/@user" or
// "https://host/@user@remote.host" (a trailing "/" is allowed), as
// misskey-js's acct.parseUrl does. The host is the one in the path, else the
// URL's. Any other path, a query or a fragment is an error.
func ParseAcctURL(s string) (Acct, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Acct{}, fmt.Errorf("%w: %v", ErrAcctSyntax, err)
	}
	if u.Host == "" || u.Fragment != "" || u.RawQuery != "" {
		return Acct{}, fmt.Errorf("%w: %q is not a profile URL", ErrAcctSyntax, s)
	}
	path := strings.TrimPrefix(strings.TrimSuffix(u.Path, "/"), "/")
	if strings.Contains(path, "/") || !strings.HasPrefix(path, "@") || len(path) < 2 {
		return Acct{}, fmt.Errorf("%w: %q is not a profile URL", ErrAcctSyntax, s)
	}
	user, host, _ := strings.Cut(path[1:], "@")
	host, _, _ = strings.Cut(host, "@")
	if user == "" {
		return Acct{}, fmt.Errorf("%w: %q has no username", ErrAcctSyntax, s)
	}
	if host == "" {
		host = u.Hostname()
	}
	h, err := NormalizeHost(host)
	if err != nil {
		return Acct{}, fmt.Errorf("%w: %q: %v", ErrAcctSyntax, s, err)
	}
	return Acct{Username: user, Host: h}, nil
}

// ParseAcctOrURL parses an account address or a profile URL (one starting
// with "http://" or "https://"), as misskey-js's acct.parseAcctOrUrl does.
// An account on localHost (the server the client talks to, e.g.
// "misskey.io"; "" for none) comes back as local, with Host "".
func ParseAcctOrURL(s, localHost string) (Acct, error) {
	var (
		a   Acct
		err error
	)
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		a, err = ParseAcctURL(s)
	} else {
		a, err = ParseAcct(s)
	}
	if err != nil {
		return Acct{}, err
	}
	return a.Local(localHost), nil
}

// Local returns a with Host "" when it is localHost, compared as Misskey
// compares hosts (NormalizeHost); misskey-js's acct.correctAcct.
func (a Acct) Local(localHost string) Acct {
	if a.Host == "" || localHost == "" {
		return a
	}
	if h, err := NormalizeHost(localHost); err == nil && h == a.Host {
		a.Host = ""
	}
	return a
}

// IsLocal reports whether a has no host.
func (a Acct) IsLocal() bool { return a.Host == "" }

// String returns "user" for a local account and "user@host" for a remote
// one, as misskey-js's acct.toString does.
func (a Acct) String() string {
	if a.Host == "" {
		return a.Username
	}
	return a.Username + "@" + a.Host
}

// Mention returns the account as written in a note: "@user" or
// "@user@host".
func (a Acct) Mention() string { return "@" + a.String() }

// NormalizeHost returns host as Misskey stores and compares hosts
// (UtilityService.toPuny): lower-cased, with a port kept as written, and
// each label of an internationalised domain name in its ASCII (punycode)
// form, "xn--…"; the ideographic full stops 。．｡ separate labels as dots do.
// It fails where the server's conversion gives an empty host: an empty host
// or label, or a character no host may hold. Unlike the server it does not
// apply Unicode normalisation (NFC) to the name first: Go's standard library
// has none; names typed in the usual composed form are unaffected.
func NormalizeHost(host string) (string, error) {
	if !utf8.ValidString(host) {
		return "", errors.New("host is not valid UTF-8")
	}
	h := strings.ToLower(host)
	name, port := h, ""
	if i := strings.IndexByte(h[min(1, len(h)):], ':'); i >= 0 {
		name, port = h[:i+1], h[i+1:]
	}
	name = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".").Replace(name)
	if name == "" {
		return "", errors.New("empty host")
	}
	labels := strings.Split(name, ".")
	for i, l := range labels {
		if l == "" && i != len(labels)-1 {
			return "", fmt.Errorf("empty label in host %q", host)
		}
		if strings.ContainsAny(l, " \t\r\n#%/:<>?@[\\]^|\x00") {
			return "", fmt.Errorf("host %q holds a character no host may hold", host)
		}
		ascii := true
		for j := 0; j < len(l); j++ {
			if l[j] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			continue
		}
		enc, err := punycodeEncode(l)
		if err != nil {
			return "", fmt.Errorf("host %q: %v", host, err)
		}
		labels[i] = "xn--" + enc
	}
	return strings.Join(labels, ".") + port, nil
}

// punycodeEncode encodes one label as RFC 3492 Punycode, without the "xn--"
// prefix.
func punycodeEncode(label string) (string, error) {
	const (
		base, tmin, tmax = 36, 1, 26
		skew, damp       = 38, 700
		initialBias      = 72
		initialN         = 128
		maxInt           = 1<<31 - 1
	)
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	runes := []rune(label)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := initialN, 0, initialBias
	for h < len(runes) {
		m := maxInt
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m - n) > (maxInt-delta)/(h+1) {
			return "", errors.New("punycode overflow")
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
				if delta == maxInt {
					return "", errors.New("punycode overflow")
				}
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := k - bias
				if t < tmin {
					t = tmin
				} else if t > tmax {
					t = tmax
				}
				if q < t {
					break
				}
				out = append(out, digit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			out = append(out, digit(q))
			bias = adapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out), nil
}
