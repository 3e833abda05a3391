package templates

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// APIError is the error of every call the server answered with a status
// outside 2xx. Use errors.As to get at it:
//
//	var apiErr *APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == 429 { … }
//
// and errors.Is with the package's error values (ErrRateLimitExceeded, the
// per-endpoint errors) to test for one error:
//
//	if errors.Is(err, ErrCredentialRequired) { … }
//
// Misskey answers most failures with {"error":{"message","code","id","kind",
// "info"}}; those fill Code, ID, Message, Kind and Info. The HTTP layer in
// front of the API (fastify) answers some with {"statusCode","code","error",
// "message"} (unknown endpoint, body too large, malformed JSON, wrong content
// type); those fill Code (when the body has one) and Message. Anything else
// (no body, an HTML page from a proxy, plain text) leaves Code and ID empty,
// says what it was in Message and keeps a short, sanitised copy of the body
// in Body.
//
// Every text an APIError holds that came from the server (Code, ID, Message,
// Kind, Body, Location) has its control characters, bidirectional-text
// controls and invalid UTF-8 written as Go escapes (\x1b, \u202e, \xe9), so
// printing an error cannot drive the terminal it is printed on. Info is JSON
// with the same characters written as \u escapes, which keeps its meaning.
type APIError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Endpoint is the endpoint called, such as "notes/create".
	Endpoint string
	// Code is Misskey's error code, such as "NO_SUCH_NOTE", or fastify's,
	// such as "FST_ERR_CTP_BODY_TOO_LARGE".
	Code string
	// ID is Misskey's error id, a UUID that identifies the error across
	// versions and languages.
	ID string
	// Message is the server's message, or a description of the answer when
	// it was not an error document.
	Message string
	// Kind is Misskey's error kind: "client", "server" or "permission".
	Kind string
	// Info is the "info" object of a Misskey error, when it has one: the
	// limiter state of a rate-limit error, the internal error of a 500, the
	// failed validation of INVALID_PARAM.
	Info json.RawMessage
	// RetryAfter is how long the server asked the client to wait before
	// calling again: the Retry-After header, or for a rate-limit error
	// without one the time until info.resetMs / info.reset. Zero when the
	// server did not say.
	RetryAfter time.Duration
	// Body is a short, sanitised copy of the body when it was not a Misskey
	// error document (nil otherwise).
	Body []byte
	// Location is where a redirect (a 3xx answer) pointed, with the token
	// removed. A Misskey API call is never redirected, so the client never
	// takes an answer reached through a redirect as the endpoint's: see
	// WithHTTPClient.
	Location string
}

// Error returns, for example,
// "misskey: notes/create: 400 NO_SUCH_RENOTE_TARGET (b5c90186-4ab0-49c8-9bba-a1f76c282ba4): No such renote target.".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("misskey: ")
	if e.Endpoint != "" {
		b.WriteString(e.Endpoint)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	b.WriteByte(' ')
	if e.Code != "" {
		b.WriteString(e.Code)
	} else if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(t)
	} else {
		b.WriteString("error")
	}
	if e.ID != "" {
		b.WriteString(" (")
		b.WriteString(e.ID)
		b.WriteByte(')')
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether e is the error target stands for. A target with an ID
// matches errors with that ID (Misskey's error ids are stable across
// versions); a target without an ID but with a Code matches errors with that
// code. ErrRateLimitExceeded also matches a 429 whose body was not a Misskey
// error (a proxy's rate limit, say).
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	if !ok || t == nil {
		return false
	}
	switch {
	case t.ID != "":
		if e.ID == t.ID {
			return true
		}
		return t.ID == ErrRateLimitExceeded.ID && e.StatusCode == http.StatusTooManyRequests && e.ID == ""
	case t.Code != "":
		return e.Code == t.Code
	}
	return false
}

// Temporary reports whether the same call may succeed later: the server
// limited the rate of calls (429) or was unavailable (502, 503, 504).
// Whether retrying is safe depends on the endpoint; see RetryPolicy.
func (e *APIError) Temporary() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// The errors every endpoint can return. They are matched by error id with
// errors.Is, so they match whichever message language the server uses.
var (
	// ErrInvalidParam: the request failed the endpoint's parameter
	// validation; Info says which parameter and why.
	ErrInvalidParam = &APIError{StatusCode: 400, Code: "INVALID_PARAM", ID: "3d81ceae-475f-4600-b2a8-2bc116157532", Message: "Invalid param.", Kind: "client"}
	// ErrCredentialRequired: the endpoint needs a token and the call had
	// none.
	ErrCredentialRequired = &APIError{StatusCode: 401, Code: "CREDENTIAL_REQUIRED", ID: "1384574d-a912-4b81-8601-c7b1c4085df1", Message: "Credential required.", Kind: "client"}
	// ErrAuthenticationFailed: the token is not valid. Real servers answer
	// 401, although the documents say 403.
	ErrAuthenticationFailed = &APIError{StatusCode: 401, Code: "AUTHENTICATION_FAILED", ID: "b0a7f5f8-dc2f-4171-b91f-de88ad238e14", Message: "Authentication failed. Please ensure your token is correct.", Kind: "client"}
	// ErrPermissionDenied: the token (a MiAuth or app token) lacks the
	// permission the endpoint needs.
	ErrPermissionDenied = &APIError{StatusCode: 403, Code: "PERMISSION_DENIED", ID: "1370e5b7-d4eb-4566-bb1d-7748ee6a1838", Message: "Your app does not have the necessary permissions to use this endpoint.", Kind: "permission"}
	// ErrRolePermissionDenied: the account lacks the role the endpoint
	// needs (administrator, moderator, or a role policy). Misskey uses a
	// different id for each case, so this value has no ID and matches by
	// code.
	ErrRolePermissionDenied = &APIError{StatusCode: 403, Code: "ROLE_PERMISSION_DENIED", Message: "You are not assigned to a required role.", Kind: "permission"}
	// ErrAccessDenied: a token that is not the account's own session
	// token called a "secure" endpoint (Misskey's generic ACCESS_DENIED;
	// some endpoints have their own ACCESS_DENIED errors with other ids).
	ErrAccessDenied = &APIError{StatusCode: 403, Code: "ACCESS_DENIED", ID: "56f35758-7dd5-468b-8439-5d6fb8ec9b8e", Message: "Access denied.", Kind: "client"}
	// ErrYourAccountSuspended: the account of the token is suspended.
	ErrYourAccountSuspended = &APIError{StatusCode: 403, Code: "YOUR_ACCOUNT_SUSPENDED", ID: "a8c724b3-6e9c-4b46-b1a8-bc3ed6258370", Message: "Your account has been suspended.", Kind: "permission"}
	// ErrUnknownAPIEndpoint: the server has no such endpoint (GET). A POST
	// to an unknown endpoint gets a fastify 404 instead, with no id.
	ErrUnknownAPIEndpoint = &APIError{StatusCode: 404, Code: "UNKNOWN_API_ENDPOINT", ID: "2ca3b769-540a-4f08-9dd5-b5a825b6d0f1", Message: "Unknown API endpoint.", Kind: "client"}
	// ErrIAmAI: the request reached Misskey's mascot instead of the server.
	ErrIAmAI = &APIError{StatusCode: 418, Code: "I_AM_AI", ID: "60c46cd1-f23a-46b1-bebe-5d2b73951a84", Message: "You sent a request to Ai-chan, Misskey's showgirl, instead of the server.", Kind: "client"}
	// ErrRateLimitExceeded: the endpoint's rate limit was reached;
	// APIError.RetryAfter says when to call again.
	ErrRateLimitExceeded = &APIError{StatusCode: 429, Code: "RATE_LIMIT_EXCEEDED", ID: "d5826d14-3982-4d2e-8011-b9e9f02499ef", Message: "Rate limit exceeded. Please try again later.", Kind: "client"}
	// ErrInternalError: the server failed; Info.e holds its internal error.
	ErrInternalError = &APIError{StatusCode: 500, Code: "INTERNAL_ERROR", ID: "5d37dbcb-891e-41ca-a3d6-e690c97775ac", Message: "Internal error occurred. Please contact us if the error persists.", Kind: "server"}
)

// DecodeError reports a successful (2xx) answer whose body could not be
// decoded: it was not JSON, was cut short, or (with WithStrictDecoding)
// held a value of the wrong JSON type. It unwraps to the encoding/json error.
type DecodeError struct {
	Endpoint    string
	StatusCode  int
	ContentType string
	// Err is the error of encoding/json, such as a *json.SyntaxError.
	Err error
	// Snippet is the start of the body, sanitised (see APIError) and
	// shortened.
	Snippet string
}

func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	// The decoder's message can quote the body (a JSON object key, say).
	s := "misskey: " + e.Endpoint + ": decoding " + strconv.Itoa(e.StatusCode) + " response (" + escapeControls(ct) + "): " + escapeControls(e.Err.Error())
	if e.Snippet != "" {
		s += "; body starts " + strconv.Quote(e.Snippet)
	}
	return s
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ErrResponseTooLarge is returned (wrapped, with the endpoint) when a
// successful response is larger than the client's limit (see
// WithMaxResponseBytes).
var ErrResponseTooLarge = errors.New("response body exceeds the size limit")

// transportError is a failure to exchange a request and response with the
// server: dial, TLS, timeout, connection reset, a body cut short. It unwraps
// to the net/http error, so errors.Is(err, context.DeadlineExceeded) works.
type transportError struct {
	endpoint string
	msg      string // err's message, with the token removed when it held it
	err      error
}

func (e *transportError) Error() string { return "misskey: " + e.endpoint + ": " + e.msg }
func (e *transportError) Unwrap() error { return e.err }

// maxErrorSnippet is the most of a body an error keeps.
const maxErrorSnippet = 512

// errorBody is the union of Misskey's and fastify's error documents.
type errorBody struct {
	Error      json.RawMessage `json:"error"`
	StatusCode int             `json:"statusCode"`
	Code       string          `json:"code"`
	Message    string          `json:"message"`
}

type misskeyError struct {
	Message string          `json:"message"`
	Code    string          `json:"code"`
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Info    json.RawMessage `json:"info"`
}

// newAPIError builds the error for a non-2xx answer. token is removed from
// anything kept of the body, and control characters are escaped (see
// APIError). The error keeps no slice of body: body may be a pooled buffer.
func newAPIError(endpoint string, status int, header http.Header, body []byte, token string, now time.Time) *APIError {
	e := &APIError{StatusCode: status, Endpoint: endpoint}
	ctype := header.Get("Content-Type")
	trimmed := bytes.TrimSpace(body)
	parsed := false
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var eb errorBody
		if lenientUnmarshal(trimmed, &eb) {
			errJSON := bytes.TrimSpace(eb.Error)
			switch {
			case len(errJSON) > 0 && errJSON[0] == '{':
				var me misskeyError
				if lenientUnmarshal(errJSON, &me) && (me.Code != "" || me.ID != "" || me.Message != "") {
					e.Code, e.ID = serverText(me.Code, token), serverText(me.ID, token)
					e.Message, e.Kind = serverText(me.Message, token), serverText(me.Kind, token)
					if info := bytes.TrimSpace(me.Info); len(info) > 0 && !bytes.Equal(info, []byte("null")) {
						e.Info = safeJSON(redactBytes(info, token))
					}
					parsed = true
				}
			case eb.StatusCode != 0 || eb.Message != "":
				// fastify: {"statusCode":413,"code":"FST_ERR_…","error":"Payload Too Large","message":"…"}
				e.Code = serverText(eb.Code, token)
				e.Message = serverText(eb.Message, token)
				e.Body = sanitize(body, token, maxErrorSnippet)
				parsed = true
			}
		}
	}
	if !parsed {
		e.Body = sanitize(body, token, maxErrorSnippet)
		e.Message = describeBody(trimmed, ctype, token)
	}
	e.RetryAfter = retryAfter(header.Get("Retry-After"), e, now)
	return e
}

// serverText is a text of the server's made safe to keep in an error: the
// token removed, control characters escaped.
func serverText(s, token string) string {
	return escapeControls(redact(s, token))
}

// lenientUnmarshal decodes data into v and reports whether data was JSON; a
// member of the wrong type is left at its zero value.
func lenientUnmarshal(data []byte, v any) bool {
	err := json.Unmarshal(data, v)
	var typeErr *json.UnmarshalTypeError
	return err == nil || errors.As(err, &typeErr)
}

// maxDescribedHead is how much of a body describeBody looks into for an HTML
// title.
const maxDescribedHead = 1024

// describeBody says what a body that is not an error document was. Every
// index it takes is an index into the slice it is used on: the body may hold
// any bytes (a Latin-1 page, say), whose lower-case form can be longer or
// shorter than the body.
func describeBody(body []byte, ctype, token string) string {
	if len(body) == 0 {
		return "empty response body"
	}
	mt := ctype
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.TrimSpace(strings.ToLower(mt))
	head := body[:min(len(body), maxDescribedHead):min(len(body), maxDescribedHead)]
	if mt == "text/html" || hasPrefixFold(head, "<!doctype html") || hasPrefixFold(head, "<html") {
		if i := indexFold(head, "<title>"); i >= 0 {
			rest := head[i+len("<title>"):]
			if j := indexFold(rest, "</title>"); j >= 0 {
				if t := snippet(rest[:j], token, 120, false); len(t) > 0 {
					return "HTML page instead of a Misskey error: " + strconv.Quote(string(t))
				}
			}
		}
		return "HTML page instead of a Misskey error"
	}
	if mt == "" {
		mt = "no content type"
	}
	what := "response"
	if json.Valid(body) {
		what = "JSON"
	}
	return "unexpected " + what + " (" + escapeControls(mt) + ") instead of a Misskey error: " + strconv.Quote(string(snippet(body, token, 120, false)))
}

// indexFold returns the index in b of the first match of pattern, ignoring
// the case of ASCII letters, or -1. pattern must be lower-case ASCII. Only
// ASCII is folded, so a match has exactly len(pattern) bytes of b.
func indexFold(b []byte, pattern string) int {
	for i := 0; i+len(pattern) <= len(b); i++ {
		if hasPrefixFold(b[i:], pattern) {
			return i
		}
	}
	return -1
}

// hasPrefixFold reports whether b starts with pattern, ignoring the case of
// ASCII letters; pattern must be lower-case ASCII.
func hasPrefixFold(b []byte, pattern string) bool {
	if len(b) < len(pattern) {
		return false
	}
	for i := 0; i < len(pattern); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != pattern[i] {
			return false
		}
	}
	return true
}

// retryAfter returns how long the server asked to wait: the Retry-After
// header (seconds or an HTTP date), else for a rate-limit error the reset
// time in its info (resetMs in unix milliseconds, or reset in unix seconds).
func retryAfter(h string, e *APIError, now time.Time) time.Duration {
	if h = strings.TrimSpace(h); h != "" {
		if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
			if secs <= 0 {
				return 0
			}
			if secs > 1<<31 {
				secs = 1 << 31
			}
			return time.Duration(secs) * time.Second
		}
		if t, err := http.ParseTime(h); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if len(e.Info) == 0 || (e.StatusCode != http.StatusTooManyRequests && e.ID != ErrRateLimitExceeded.ID) {
		return 0
	}
	var info struct {
		ResetMs json.Number `json:"resetMs"`
		Reset   json.Number `json:"reset"`
	}
	if json.Unmarshal(e.Info, &info) != nil {
		return 0
	}
	var at time.Time
	if ms, err := info.ResetMs.Float64(); err == nil && ms > 0 {
		at = time.UnixMilli(int64(ms))
	} else if s, err := info.Reset.Float64(); err == nil && s > 0 {
		at = time.UnixMilli(int64(s * 1000))
	} else {
		return 0
	}
	return max(at.Sub(now), 0)
}

// sanitize returns the start of b as printable UTF-8 on one line, with the
// token removed: runs of white space become one space, and control
// characters, bidirectional-text controls and invalid UTF-8 are written as Go
// escapes (see escapeControls). The result has at most n bytes, and "..."
// after them when b was longer. It is a new slice: nothing of b is kept.
func sanitize(b []byte, token string, n int) []byte {
	return snippet(b, token, n, true)
}

// snippet is sanitize, with escape false for a text that is then quoted with
// strconv.Quote, which escapes the same characters itself.
func snippet(b []byte, token string, n int, escape bool) []byte {
	b = bytes.TrimSpace(redactBytes(b, token))
	if len(b) == 0 {
		return nil
	}
	out := make([]byte, 0, min(len(b), n)+3)
	space := false
	var esc []byte
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		invalid := r == utf8.RuneError && size == 1
		if !invalid && unicode.IsSpace(r) {
			space = true
			b = b[size:]
			continue
		}
		esc = esc[:0]
		switch {
		case escape && (invalid || needsEscape(r)):
			esc = appendEscape(esc, b[:size])
		default:
			esc = append(esc, b[:size]...)
		}
		need := len(esc)
		if space && len(out) > 0 {
			need++
		}
		if len(out)+need > n {
			break
		}
		if space && len(out) > 0 {
			out = append(out, ' ')
		}
		space = false
		out = append(out, esc...)
		b = b[size:]
	}
	if len(b) > 0 {
		out = append(out, "..."...)
	}
	return out
}

// needsEscape reports whether r must not reach a terminal as it is: a C0 or
// C1 control character or DEL (which start terminal escape sequences, ring,
// erase, move the cursor), or a bidirectional-text control (which reorders
// what follows it on the line).
func needsEscape(r rune) bool {
	return r < 0x20 || (0x7f <= r && r < 0xa0) || (0x202a <= r && r <= 0x202e) || (0x2066 <= r && r <= 0x2069)
}

// escapeControls returns s with every rune needsEscape reports, and every
// byte that is not valid UTF-8, written as a Go escape: \n, \r, \t, \x1b,
// \u009b, \u202e, \xe9. Other text, backslashes included, is kept as it is.
// s itself is returned when it has nothing to escape.
func escapeControls(s string) string {
	for i := 0; i < len(s); {
		if c := s[i]; 0x20 <= c && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || needsEscape(r) {
			out := make([]byte, 0, len(s)+8)
			out = append(out, s[:i]...)
			for s = s[i:]; len(s) > 0; s = s[size:] {
				r, size = utf8.DecodeRuneInString(s)
				if (r == utf8.RuneError && size == 1) || needsEscape(r) {
					out = appendEscape(out, []byte(s[:size]))
				} else {
					out = append(out, s[:size]...)
				}
			}
			return string(out)
		}
		i += size
	}
	return s
}

// appendEscape appends the Go escape of one rune, given as its UTF-8 bytes,
// or of one invalid byte.
func appendEscape(dst, enc []byte) []byte {
	const hex = "0123456789abcdef"
	r, size := utf8.DecodeRune(enc)
	switch {
	case r == utf8.RuneError && size <= 1:
		return append(dst, '\\', 'x', hex[enc[0]>>4], hex[enc[0]&15])
	case r == '\n':
		return append(dst, '\\', 'n')
	case r == '\r':
		return append(dst, '\\', 'r')
	case r == '\t':
		return append(dst, '\\', 't')
	case r < 0x80:
		return append(dst, '\\', 'x', hex[r>>4], hex[r&15])
	}
	return append(dst, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
}

// safeJSON returns a copy of the JSON value b in which the characters
// needsEscape reports are written as \u escapes and invalid UTF-8 as
// \ufffd. In valid JSON they can only stand inside strings, where the escape
// means the same character (and invalid UTF-8 decodes to U+FFFD anyway), so
// the value keeps its meaning. C0 characters cannot stand raw in valid JSON
// and are escaped all the same.
func safeJSON(b []byte) json.RawMessage {
	out := make([]byte, 0, len(b))
	const hex = "0123456789abcdef"
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, `\ufffd`...)
		case needsEscape(r):
			out = append(out, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
		default:
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}

const redacted = "<redacted>"

// tokenForms returns the ways token can appear in a text: as it is, escaped
// for a URL query (the streaming URL) or path, escaped inside a JSON string
// (a request body quoted back), and escaped once or twice inside a Go
// string (a %q of a URL, or of an error that quotes one). The longest come
// first, so that a form that contains another is replaced whole.
func tokenForms(token string) []string {
	if token == "" {
		return nil
	}
	forms := []string{token}
	add := func(f string) {
		if f != "" && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	add(url.QueryEscape(token))
	add(url.PathEscape(token))
	if q, err := json.Marshal(token); err == nil {
		add(string(q[1 : len(q)-1]))
	}
	q := strconv.Quote(token)
	add(q[1 : len(q)-1])
	qq := strconv.Quote(q[1 : len(q)-1])
	add(qq[1 : len(qq)-1])
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return forms
}

// minRedactedRun is the length from which a text that starts like a form of
// the token is taken for the token cut short (a URL that lost its tail at a
// '#' or '&' the token holds, say) and removed too.
const minRedactedRun = 8

// redact removes from s every form of token (see tokenForms), and then
// every run of at least minRedactedRun bytes that a form starts with.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	forms := tokenForms(token)
	for _, f := range forms {
		s = strings.ReplaceAll(s, f, redacted)
	}
	for _, f := range forms {
		s = redactRuns(s, f)
	}
	return s
}

// redactRuns replaces with the mark every occurrence in s of f, and of any
// start of f at least minRedactedRun bytes long.
func redactRuns(s, f string) string {
	head := f[:min(len(f), minRedactedRun)]
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(s[i:], head)
		if j < 0 {
			break
		}
		j += i
		k := len(head)
		for k < len(f) && j+k < len(s) && s[j+k] == f[k] {
			k++
		}
		b.WriteString(s[last:j])
		b.WriteString(redacted)
		last, i = j+k, j+k
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// redactBytes is redact for bytes. It returns b itself when b holds no form
// of the token.
func redactBytes(b []byte, token string) []byte {
	if token == "" {
		return b
	}
	if s := redact(string(b), token); s != string(b) {
		return []byte(s)
	}
	return b
}

// escapeError returns err, or when its text has anything escapeControls
// escapes, an error with the escaped text that unwraps to err. It is for
// errors whose text can quote a server's bytes.
func escapeError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if safe := escapeControls(msg); safe != msg {
		return &escapedError{msg: safe, err: err}
	}
	return err
}

// escapedError is an error whose text was escaped; see escapeError.
type escapedError struct {
	msg string
	err error
}

func (e *escapedError) Error() string { return e.msg }
func (e *escapedError) Unwrap() error { return e.err }

// wrapTransportError wraps an error of the HTTP client with the endpoint.
// The token is removed from its whole chain (a redirect's Location can hold
// it; see scrubError), and the message is escaped: net/http quotes bytes of
// a malformed answer in some of its errors.
func wrapTransportError(endpoint string, err error, token string) error {
	scrubbed, _ := scrubError(err, token)
	return &transportError{endpoint: endpoint, msg: serverText(err.Error(), token), err: scrubbed}
}

// scrubError returns err with every form of token (see tokenForms) removed
// from the text of every error of its chain, and whether it had to change
// anything. An error whose text, or whose chain, held the token is replaced
// by one with the redacted text that wraps the scrubbed rest of the chain; a
// *url.Error keeps its type, with the token removed from its URL. Errors
// that never held the token are kept as they are, so errors.Is and
// errors.As still find context.DeadlineExceeded or a *net.OpError.
func scrubError(err error, token string) (error, bool) {
	if err == nil || token == "" {
		return err, false
	}
	if ue, ok := err.(*url.Error); ok {
		inner, changed := scrubError(ue.Err, token)
		u := redact(ue.URL, token)
		if !changed && u == ue.URL {
			return err, false
		}
		return &url.Error{Op: ue.Op, URL: u, Err: inner}, true
	}
	var next error
	changed := false
	switch w := err.(type) {
	case interface{ Unwrap() error }:
		next, changed = scrubError(w.Unwrap(), token)
	case interface{ Unwrap() []error }:
		var kids []error
		for _, k := range w.Unwrap() {
			sk, c := scrubError(k, token)
			changed = changed || c
			kids = append(kids, sk)
		}
		next = errors.Join(kids...)
	}
	msg := err.Error()
	red := redact(msg, token)
	if !changed && red == msg {
		return err, false
	}
	return &scrubbedError{msg: red, next: next}, true
}

// scrubbedError stands for an error whose text held the token.
type scrubbedError struct {
	msg  string
	next error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.next }

// errorf makes an error that starts with "misskey: endpoint: ".
func errorf(endpoint, format string, args ...any) error {
	return fmt.Errorf("misskey: %s: "+format, append([]any{endpoint}, args...)...)
}
