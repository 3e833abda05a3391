package templates

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrMiAuthPending is returned by Client.MiAuthCheck while the user has not
// approved the session. A Misskey server answers a session it has never
// heard of, and a session whose token was already fetched, the same way, so
// this error also means "unknown session": only a deadline ends the wait.
var ErrMiAuthPending = errors.New("misskey: miauth: session not approved (yet)")

// DefaultMiAuthPollInterval is the polling interval of Client.MiAuthWait
// when it is given an interval <= 0.
const DefaultMiAuthPollInterval = 2 * time.Second

// MiAuthSession is one MiAuth authorization request. MiAuth is how an
// application obtains an access token from a Misskey user:
//
//  1. the application makes a session (NewMiAuthSession);
//  2. the user opens the authorization page (Client.MiAuthURL) in a browser
//     where they are signed in, reads the permissions asked for and approves;
//  3. the application asks the server for the token (Client.MiAuthCheck, or
//     Client.MiAuthWait to poll until the user has approved).
//
// The session id is the only secret of the exchange until the token is
// handed out: whoever knows it can fetch the token once the user approves.
// The server hands the token out once; later checks of the same session
// answer as if the session were still pending.
type MiAuthSession struct {
	// ID is the session id: a random UUID (version 4) in its canonical,
	// lower-case form.
	ID string
}

// NewMiAuthSession returns a session with a fresh random id from
// crypto/rand. The error is for API stability: since Go 1.24 crypto/rand
// does not return errors.
func NewMiAuthSession() (MiAuthSession, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return MiAuthSession{}, fmt.Errorf("misskey: miauth: making a session id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10 (RFC 9562)
	const hex = "0123456789abcdef"
	var s [36]byte
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = hex[c>>4], hex[c&0x0f]
		j += 2
	}
	return MiAuthSession{ID: string(s[:])}, nil
}

// String returns the session id.
func (s MiAuthSession) String() string { return s.ID }

// MiAuthOptions describes the application on the authorization page. Every
// field is optional; empty ones are left out of the URL.
type MiAuthOptions struct {
	// Name is the application's name, shown to the user.
	Name string
	// IconURL is the URL of the application's icon, shown to the user.
	IconURL string
	// CallbackURL is where the browser goes after the user approves. The
	// server adds "session=ID" to its query.
	CallbackURL string
	// Permissions are the permissions the token asks for. PermissionsFor
	// computes them from the endpoints the application calls.
	Permissions []Permission
}

// MiAuthURL returns the authorization page of the session on the client's
// server, such as
//
//	https://misskey.io/miauth/SESSION?name=My%20App&callback=https://example.com/cb&permission=read:account,write:notes
//
// The user opens it in a browser and approves the request.
func (c *Client) MiAuthURL(session string, opts MiAuthOptions) string {
	var q strings.Builder
	add := func(key, value string) {
		if value == "" {
			return
		}
		if q.Len() > 0 {
			q.WriteByte('&')
		}
		q.WriteString(key)
		q.WriteByte('=')
		q.WriteString(value)
	}
	add("name", miauthQueryEscape(opts.Name))
	add("icon", miauthQueryEscape(opts.IconURL))
	add("callback", miauthQueryEscape(opts.CallbackURL))
	perms := make([]string, 0, len(opts.Permissions))
	for _, p := range opts.Permissions {
		if p != "" {
			perms = append(perms, miauthQueryEscape(string(p)))
		}
	}
	add("permission", strings.Join(perms, ","))

	u := c.miauthPathURL("/miauth/", session, "")
	u.RawQuery = q.String()
	return u.String()
}

// miauthPathURL returns the client's base URL with prefix + session + suffix
// appended to its path, the session escaped as one path segment.
func (c *Client) miauthPathURL(prefix, session, suffix string) *url.URL {
	u := *c.baseURL
	base := strings.TrimRight(u.EscapedPath(), "/")
	u.Path = strings.TrimRight(u.Path, "/") + prefix + session + suffix
	u.RawPath = base + prefix + url.PathEscape(session) + suffix
	u.RawQuery, u.Fragment = "", ""
	return &u
}

// miauthQueryEscape percent-encodes s for a query value. It keeps the
// unreserved characters and ':' and '/', which are legal in a query and keep
// permissions ("write:notes") and callback URLs readable; everything else,
// including '&', '=', '+', '#', '?', ',', spaces and non-ASCII bytes, is
// encoded, so the value decodes the same with any URL parser.
func miauthQueryEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == ':', c == '/':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0x0f])
		}
	}
	return b.String()
}

// MiAuthResult is what the server hands out once the user has approved a
// session.
type MiAuthResult struct {
	// Token is the access token. Pass it to WithToken. Keep it secret: it
	// acts as the user within the permissions granted.
	Token string
	// User is the user who approved, as the server sent it (a detailed user
	// object). DecodeUser decodes it into a user type of this package.
	User json.RawMessage
}

// DecodeUser decodes the approving user into v, typically a pointer to one
// of this package's user types.
func (r *MiAuthResult) DecodeUser(v any) error {
	if len(r.User) == 0 {
		return errors.New("misskey: miauth: the server sent no user")
	}
	if err := json.Unmarshal(r.User, v); err != nil {
		return fmt.Errorf("misskey: miauth: decoding the user: %w", err)
	}
	return nil
}

// String describes the result without the token, so that printing or logging
// a result does not leak it.
func (r MiAuthResult) String() string {
	return fmt.Sprintf("MiAuthResult{Token: <redacted, %d bytes>, User: <%d bytes of JSON>}", len(r.Token), len(r.User))
}

// GoString is String, for %#v.
func (r MiAuthResult) GoString() string { return r.String() }

// miauthStatusError is a check answered with a status other than 200.
type miauthStatusError struct {
	status  int
	code    string // Misskey error code, when the body was a Misskey error
	message string
}

func (e *miauthStatusError) Error() string {
	s := fmt.Sprintf("misskey: miauth check: HTTP %d", e.status)
	if e.code != "" {
		s += " " + e.code
	}
	if e.message != "" {
		s += ": " + e.message
	}
	return s
}

// miauthHideSession replaces the session id, in any of its forms, in s.
func miauthHideSession(s, session string) string {
	return strings.ReplaceAll(redact(s, session), redacted, "…")
}

// transient reports whether the same check may succeed later.
func (e *miauthStatusError) transient() bool {
	return e.status == http.StatusTooManyRequests || e.status >= 500
}

// MiAuthCheck asks the server whether the user approved the session and, if
// so, returns the token (POST /api/miauth/{session}/check). It returns
// ErrMiAuthPending while the session is not approved, and for a session the
// server does not know or whose token was already fetched: the server hands
// a token out only once. The client's own token, if any, is not sent.
func (c *Client) MiAuthCheck(ctx context.Context, session string) (*MiAuthResult, error) {
	if session == "" {
		return nil, errors.New("misskey: miauth check: empty session id")
	}
	u := c.miauthPathURL("/api/miauth/", session, "/check")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader([]byte("{}")))
	if err != nil {
		return nil, fmt.Errorf("misskey: miauth check: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		// The URL carries the session id, which is worth a token once the
		// user approves: keep it out of the error.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = &url.Error{Op: ue.Op, URL: c.BaseURL() + "/api/miauth/…/check", Err: ue.Err}
		}
		return nil, fmt.Errorf("misskey: miauth check: %w", err)
	}
	defer resp.Body.Close()
	// A token reached through a redirect would be another server's (see
	// WithHTTPClient); the session id in the URL is kept out of the error.
	if r := resp.Request; r != nil && r.Response != nil && !sameTarget(r, req) {
		drain(resp.Body)
		return nil, &miauthStatusError{status: r.Response.StatusCode, message: "redirected to " + miauthHideSession(r.URL.String(), session) + " (followed by the HTTP client); not the check's answer"}
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		drain(resp.Body)
		return nil, &miauthStatusError{status: resp.StatusCode, message: "redirected to " + miauthHideSession(c.location(resp), session) + "; a MiAuth check is never redirected: check the base URL"}
	}
	limit := c.maxBody
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("misskey: miauth check: reading the response: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("misskey: miauth check: response larger than %d bytes", limit)
	}
	if resp.StatusCode != http.StatusOK {
		e := &miauthStatusError{status: resp.StatusCode}
		var apiErr struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(body, &apiErr) == nil {
			e.code, e.message = escapeControls(apiErr.Error.Code), escapeControls(apiErr.Error.Message)
		}
		return nil, e
	}
	var out struct {
		OK    bool            `json:"ok"`
		Token string          `json:"token"`
		User  json.RawMessage `json:"user"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		// encoding/json errors name types and offsets, never string values,
		// so the token cannot leak through err.
		return nil, fmt.Errorf("misskey: miauth check: malformed response: %w", err)
	}
	if !out.OK {
		return nil, ErrMiAuthPending
	}
	if out.Token == "" {
		return nil, errors.New("misskey: miauth check: the server approved the session but sent no token")
	}
	var user json.RawMessage
	if len(out.User) > 0 && string(out.User) != "null" {
		user = out.User
	}
	return &MiAuthResult{Token: out.Token, User: user}, nil
}

// MiAuthWait checks the session at once and then every interval
// (DefaultMiAuthPollInterval when interval <= 0) until the user approves it,
// and returns the token. Give ctx a deadline: a session the server does not
// know looks the same as one awaiting approval, so only ctx ends the wait.
// When ctx ends first, the error matches ctx.Err() and, if the session was
// still pending, ErrMiAuthPending (errors.Is).
//
// An error of the first check ends the wait at once: a wrong server address
// or a server without MiAuth shows up there. After that, failures that may
// pass (network errors, HTTP 429 and 5xx) are retried at the next interval;
// any other error ends the wait.
func (c *Client) MiAuthWait(ctx context.Context, session string, interval time.Duration) (*MiAuthResult, error) {
	if interval <= 0 {
		interval = DefaultMiAuthPollInterval
	}
	var last error // the last failed check, nil before the first
	giveUp := func() error {
		if last == nil || errors.Is(last, ErrMiAuthPending) {
			return fmt.Errorf("%w: gave up waiting: %w", ErrMiAuthPending, ctx.Err())
		}
		return fmt.Errorf("misskey: miauth: gave up waiting: %w (last check: %v)", ctx.Err(), last)
	}
	var timer *time.Timer
	for {
		if timer != nil {
			select {
			case <-ctx.Done():
				timer.Stop()
				return nil, giveUp()
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			return nil, giveUp()
		}
		res, err := c.MiAuthCheck(ctx, session)
		if err == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			// The check failed because ctx ended.
			return nil, giveUp()
		}
		if !errors.Is(err, ErrMiAuthPending) && (last == nil || !miauthTransient(err)) {
			return nil, err
		}
		last = err
		if timer == nil {
			timer = time.NewTimer(interval)
		} else {
			timer.Reset(interval)
		}
	}
}

// miauthTransient reports whether a failed check may succeed when repeated.
func miauthTransient(err error) bool {
	var se *miauthStatusError
	if errors.As(err, &se) {
		return se.transient()
	}
	var ue *url.Error
	return errors.As(err, &ue) // the request did not get an answer
}
