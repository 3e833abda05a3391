package templates

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// DefaultUserAgent is the User-Agent header sent unless WithUserAgent sets
// another.
const DefaultUserAgent = "misskey-gen/" + generatorVersion + " (+https://github.com/misskey-gen/misskey-gen)"

// DefaultMaxResponseBytes is the largest response body a Client reads unless
// WithMaxResponseBytes sets another limit.
const DefaultMaxResponseBytes = 32 << 20

// Client calls the API of one Misskey server. It is safe for concurrent use.
type Client struct {
	baseURL    *url.URL // scheme and host of the server, path without the trailing slash
	token      string
	tokenJSON  []byte // token encoded as a JSON string, made once
	bearer     bool   // send the token in the Authorization header instead of the body
	httpClient *http.Client
	userAgent  string
	maxBody    int64
	retry      *RetryPolicy
	strict     bool // fail on a response value that does not fit its Go type
	onMismatch func(endpoint string, mismatches []Mismatch)

	// Made once by NewClient for the call path (see transport.go).
	apiBase         string   // "https://host/prefix/api/"
	userAgentHeader []string // the User-Agent header value
	authHeader      []string // "Bearer TOKEN", in bearer mode
}

// defaultHTTPClient is the client of a Client made without WithHTTPClient:
// http.DefaultTransport, no overall timeout, and redirects returned to the
// caller instead of followed. Following one would take another server's
// answer, or the answer to a GET without the call's body and token, for the
// endpoint's.
var defaultHTTPClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Option configures a Client.
type Option func(*Client)

// WithToken sets the access token sent with every call.
func WithToken(token string) Option {
	return func(c *Client) { c.token = token }
}

// WithHTTPClient sets the *http.Client used for every call (and for the
// streaming handshake). hc is used as it is and never modified.
//
// The default is a client with no overall timeout (use the context of each
// call for deadlines) that does not follow redirects: a Misskey API call is
// never redirected, so a 3xx answer is an *APIError whose Location says where
// it pointed. hc may follow redirects (http.DefaultClient does); an answer it
// reached through one is still never taken as the endpoint's: the call fails
// with an *APIError that has the first redirect's status and Location and
// says where the client ended up.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.httpClient = hc
		}
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) { c.userAgent = ua }
}

// WithBearerAuth sends the token as "Authorization: Bearer TOKEN" instead of
// the "i" field of the request body. Misskey 2023.12 and newer accept both.
func WithBearerAuth() Option {
	return func(c *Client) { c.bearer = true }
}

// WithMaxResponseBytes caps the size of a response body the client reads. A
// larger body fails the call with an error. n <= 0 keeps the default,
// DefaultMaxResponseBytes.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithRetry makes the client retry calls that failed in a way that is safe to
// retry (see RetryPolicy). Without it a client never retries.
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) { c.retry = &p }
}

// WithStrictDecoding makes a call fail, with a *DecodeError wrapping a
// *MismatchError, when a value in a successful response does not fit the Go
// type the document gives it (a string where an integer belongs, 1.5 for an
// integer, a date that is not one), wherever it is, unions included.
//
// By default the client keeps such a value as the server sent it, in the
// Extra members of the struct that holds it (or the Raw field of a union),
// so that nothing is lost and re-encoding writes it back; see
// WithMismatchHandler to be told about them.
func WithStrictDecoding() Option {
	return func(c *Client) { c.strict = true }
}

// WithMismatchHandler calls h after every call whose successful response
// held values that do not fit their Go types, with each value's JSON Pointer
// in the body (Mismatch.Path). The values themselves are kept (see
// WithStrictDecoding). h runs on the calling goroutine before the method
// returns; it must not keep the slice.
func WithMismatchHandler(h func(endpoint string, mismatches []Mismatch)) Option {
	return func(c *Client) { c.onMismatch = h }
}

// NewClient returns a client for the server at baseURL, such as
// "https://misskey.io". A bare host name ("misskey.io") means https.
func NewClient(baseURL string, opts ...Option) *Client {
	c := &Client{
		httpClient: defaultHTTPClient,
		userAgent:  DefaultUserAgent,
		maxBody:    DefaultMaxResponseBytes,
	}
	c.baseURL = parseBaseURL(baseURL)
	for _, o := range opts {
		o(c)
	}
	c.setToken(c.token)
	c.apiBase = c.baseURL.String() + "/api/"
	c.userAgentHeader = []string{c.userAgent}
	return c
}

// setToken sets the token and what the call path derives from it.
func (c *Client) setToken(token string) {
	c.token, c.tokenJSON, c.authHeader = token, nil, nil
	if token != "" {
		c.tokenJSON, _ = json.Marshal(token)
		if c.bearer {
			c.authHeader = []string{"Bearer " + token}
		}
	}
}

// ForToken returns a client for another account of the same server: it
// has token as its access token ("" for none) and shares everything else
// with c, the *http.Client (and so its connections) included. It is cheap:
// a bot serving many accounts makes one per account, or one per call.
//
//	alice := c.ForToken(aliceToken)
//	_, err := alice.NotesCreate(ctx, req)
func (c *Client) ForToken(token string) *Client {
	cp := *c
	cp.setToken(token)
	return &cp
}

// String describes the client without its token, so that printing a Client
// (with %v, %+v or %#v) never shows the token.
func (c Client) String() string {
	tok := "no token"
	if c.token != "" {
		tok = "token set"
		if c.bearer {
			tok = "bearer token set"
		}
	}
	base := "<no base URL>"
	if c.baseURL != nil {
		base = c.baseURL.String()
	}
	return "misskey.Client{" + base + ", " + tok + "}"
}

// GoString is String, for %#v.
func (c Client) GoString() string { return c.String() }

// parseBaseURL accepts "https://host", "https://host/", "host" and
// "http://host:port/prefix".
func parseBaseURL(s string) *url.URL {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		// Keep what we can; every call will then fail with a clear error.
		u = &url.URL{Scheme: "https", Host: s}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u
}

// BaseURL returns the server URL the client calls, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// HasToken reports whether the client sends an access token.
func (c *Client) HasToken() bool { return c.token != "" }

// endpointURL returns the URL of POST /api/<endpoint>.
func (c *Client) endpointURL(endpoint string) string { return c.apiBase + endpoint }
