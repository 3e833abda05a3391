package generator

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// initialisms are words written in upper case in Go names, as Go's own
// style asks (userId → UserID, avatarUrl → AvatarURL).
var initialisms = map[string]string{
	"acl": "ACL", "ap": "AP", "api": "API", "ascii": "ASCII", "cpu": "CPU", "css": "CSS", "cw": "CW",
	"dns": "DNS", "eof": "EOF", "guid": "GUID", "html": "HTML", "http": "HTTP", "https": "HTTPS",
	"id": "ID", "ids": "IDs", "ip": "IP", "json": "JSON", "lhs": "LHS", "mfm": "MFM", "ok": "OK",
	"qps": "QPS", "ram": "RAM", "rhs": "RHS", "rpc": "RPC", "sla": "SLA", "smtp": "SMTP", "sql": "SQL",
	"ssh": "SSH", "sw": "SW", "tcp": "TCP", "tls": "TLS", "ttl": "TTL", "udp": "UDP", "ui": "UI",
	"uid": "UID", "uri": "URI", "uris": "URIs", "url": "URL", "urls": "URLs", "utf8": "UTF8", "uuid": "UUID",
	"vm": "VM", "xml": "XML", "xmpp": "XMPP", "xsrf": "XSRF", "xss": "XSS", "2fa": "2FA", "totp": "TOTP",
	"otp": "OTP", "sso": "SSO", "og": "OG", "pwa": "PWA", "rss": "RSS", "s3": "S3", "hcaptcha": "HCaptcha",
	"mcaptcha": "MCaptcha", "recaptcha": "ReCaptcha", "ssl": "SSL", "db": "DB", "nsfw": "NSFW",
}

// splitWords splits an identifier from the document into words: at
// separators (anything not a letter or digit), at lower→upper changes
// (userId → user Id), before the last capital of a capital run followed by
// a lower-case letter (HTMLParser → HTML Parser), and between a digit run
// and a letter only where a separator stood.
func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r):
			if len(cur) > 0 {
				prev := rs[i-1]
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					flush()
				}
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// exportedName turns a document identifier ("notes/create", "userId",
// "waiting-children", "2faEnabled") into an exported Go identifier
// ("NotesCreate", "UserID", "WaitingChildren", "X2FAEnabled"). It returns ""
// when s has no letter or digit.
func exportedName(s string) string {
	var b strings.Builder
	for _, w := range splitWords(s) {
		lw := strings.ToLower(w)
		if up, ok := initialisms[lw]; ok {
			b.WriteString(up)
			continue
		}
		r, n := utf8.DecodeRuneInString(w)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(w[n:])
	}
	name := b.String()
	if name == "" {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(name); !unicode.IsLetter(r) {
		name = "X" + name
	} else if !unicode.IsUpper(r) {
		// A letter with no upper case (e.g. CJK) would make the name unexported.
		name = "X" + name
	}
	return name
}

// enumValueName is the Go suffix for an enum value: "likeOnly" → "LikeOnly",
// "en-US" → "EnUS", "" → "Empty", "*" → "All". Misskey's sort orders
// "+createdAt" and "-createdAt" are "CreatedAtDesc" and "CreatedAtAsc":
// Misskey sorts "+" descending (largest or newest first).
func enumValueName(v string) string {
	if len(v) > 1 && (v[0] == '+' || v[0] == '-') {
		if n := exportedName(v[1:]); n != "" && strings.IndexFunc(v[1:], func(r rune) bool { return r == '+' || r == '-' }) < 0 {
			if n[0] == 'X' && !unicode.IsLetter([]rune(v[1:])[0]) {
				n = n[1:]
			}
			if v[0] == '+' {
				return n + "Desc"
			}
			return n + "Asc"
		}
	}
	if v == "*" {
		return "All"
	}
	if n := exportedName(v); n != "" {
		if n[0] == 'X' && len(v) > 0 && !unicode.IsLetter([]rune(v)[0]) {
			return n[1:] // the type name in front already makes it a valid identifier
		}
		return n
	}
	if v == "" {
		return "Empty"
	}
	// Only punctuation: spell it by code point so distinct values stay distinct.
	var b strings.Builder
	for _, r := range v {
		b.WriteString("U")
		b.WriteString(strings.ToUpper(strconv.FormatInt(int64(r), 16)))
	}
	return b.String()
}

// unexportedName lower-cases the first word of an exported name:
// "NotesCreate" → "notesCreate", "URLPreview" → "urlPreview".
func unexportedName(exported string) string {
	words := splitWords(exported)
	if len(words) == 0 {
		return "x"
	}
	words[0] = strings.ToLower(words[0])
	var b strings.Builder
	b.WriteString(words[0])
	for _, w := range words[1:] {
		b.WriteString(w)
	}
	s := b.String()
	if token.IsKeyword(s) || !token.IsIdentifier(s) {
		s += "_"
	}
	return s
}

// nameSet hands out identifiers that are unique within one scope. Names
// already taken get the smallest numeric suffix from 2 up that is free, so
// the outcome depends only on the order of requests, which callers keep
// sorted.
type nameSet struct {
	used map[string]bool
	next map[string]int // per base name, the smallest suffix not yet known taken
	// suffixed, when set, collects every name handed out with a suffix.
	suffixed *[]string
}

// recording makes ns add every name it hands out with a suffix to *into.
func (ns *nameSet) recording(into *[]string) *nameSet {
	ns.suffixed = into
	return ns
}

func newNameSet(reserved ...string) *nameSet {
	ns := &nameSet{used: make(map[string]bool, len(reserved))}
	for _, r := range reserved {
		ns.used[r] = true
	}
	return ns
}

func (ns *nameSet) reserve(name string) { ns.used[name] = true }

func (ns *nameSet) taken(name string) bool { return ns.used[name] }

// claim returns name, or name with a numeric suffix when name is taken, and
// marks the result as used.
func (ns *nameSet) claim(name string) string {
	if !ns.used[name] {
		ns.used[name] = true
		return name
	}
	// Names are never released, so the suffixes below next[name] stay
	// taken: starting there gives the same answer as starting at 2, without
	// walking all of them again (n names that collide would cost n²).
	if ns.next == nil {
		ns.next = map[string]int{}
	}
	i := max(ns.next[name], 2)
	for ; ; i++ {
		cand := name + strconv.Itoa(i)
		if !ns.used[cand] {
			ns.used[cand] = true
			ns.next[name] = i + 1
			if ns.suffixed != nil {
				*ns.suffixed = append(*ns.suffixed, cand)
			}
			return cand
		}
	}
}

// validJSONTagName reports whether name can stand in a `json:"…"` struct tag
// as encoding/json reads it and go vet accepts it (vet reports a space in a
// json tag as suspicious, though encoding/json would take it).
func validJSONTagName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
