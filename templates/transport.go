package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Call calls any endpoint by name, for endpoints the generated methods do not
// cover (a fork's additions, say). It POSTs req, encoded as JSON, to
// /api/<endpoint> and decodes a successful answer into resp.
//
// req may be nil (no parameters), a pointer to a struct, a map or a
// json.RawMessage; it must encode to a JSON object. resp may be nil (the
// answer is not wanted, or the endpoint answers 204) or a pointer to decode
// into; it is left untouched when the answer has no body. The client adds the
// token itself.
//
// Errors: *APIError for an answer outside 2xx, *DecodeError for a 2xx answer
// that is not JSON, ErrResponseTooLarge (wrapped) for a body over the limit,
// and otherwise the HTTP client's error wrapped with the endpoint name.
func (c *Client) Call(ctx context.Context, endpoint string, req any, resp any) error {
	return c.call(ctx, endpoint, req, resp)
}

// call is what every generated method calls: see Call.
func (c *Client) call(ctx context.Context, endpoint string, req any, resp any) error {
	if err := checkEndpoint(endpoint); err != nil {
		return err
	}
	body, err := c.encodeRequest(endpoint, req)
	if err != nil {
		return err
	}
	err = c.exchange(ctx, endpoint, newByteBody(body), int64(len(body)), contentTypeJSON, resp)
	if err == nil || c.retry == nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		if err = c.retry.pause(ctx, endpoint, attempt, err); err != nil {
			return err
		}
		err = c.exchange(ctx, endpoint, newByteBody(body), int64(len(body)), contentTypeJSON, resp)
		if err == nil {
			return nil
		}
	}
}

// Shared header values. net/http only reads header values, so every request
// can point at the same slices.
var (
	contentTypeJSON = []string{"application/json"}
	acceptJSON      = []string{"application/json"}
)

// checkEndpoint rejects names that would change the URL beyond its path.
func checkEndpoint(endpoint string) error {
	if endpoint == "" || strings.HasPrefix(endpoint, "/") || strings.Contains(endpoint, "..") ||
		strings.ContainsFunc(endpoint, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("?#%\\", r) }) {
		return fmt.Errorf("misskey: invalid endpoint name %q", endpoint)
	}
	return nil
}

// encoder is a reusable JSON encoder writing into its own buffer.
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var encoderPool = sync.Pool{New: func() any {
	e := new(encoder)
	e.enc = json.NewEncoder(&e.buf)
	return e
}}

// requestBufferPool holds the buffers generated requests are encoded into
// (the request body is a copy, so the buffer goes back at once).
var requestBufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledBuffer is the largest buffer put back into a pool; bigger ones are
// left to the garbage collector so that one large call does not pin memory.
const maxPooledBuffer = 1 << 20

var emptyObject = []byte("{}")

// encodeRequest encodes req once, as a JSON object, and puts the token in
// front of its first member: {"i":TOKEN,…}. The result is a fresh slice the
// request may keep (the transport can read it after the call returns).
func (c *Client) encodeRequest(endpoint string, req any) ([]byte, error) {
	withToken := c.token != "" && !c.bearer
	if req == nil {
		if !withToken {
			return emptyObject, nil
		}
		b := make([]byte, 0, len(`{"i":}`)+len(c.tokenJSON))
		b = append(b, `{"i":`...)
		b = append(b, c.tokenJSON...)
		return append(b, '}'), nil
	}
	var obj []byte
	if jv, ok := req.(jsonValue); ok {
		// A generated request: its own encoder, no reflection and no
		// second pass over the output.
		bp := requestBufferPool.Get().(*[]byte)
		b, err := appendJSONValue((*bp)[:0], jv)
		defer func() {
			if cap(b) <= maxPooledBuffer {
				*bp = b[:0]
				requestBufferPool.Put(bp)
			}
		}()
		if err != nil {
			return nil, errorf(endpoint, "encoding request: %w", err)
		}
		obj = b
	} else {
		e := encoderPool.Get().(*encoder)
		defer func() {
			if e.buf.Cap() <= maxPooledBuffer {
				e.buf.Reset()
				encoderPool.Put(e)
			}
		}()
		e.buf.Reset()
		if err := e.enc.Encode(req); err != nil {
			return nil, errorf(endpoint, "encoding request: %w", err)
		}
		obj = bytes.TrimSpace(e.buf.Bytes())
	}
	if len(obj) == 0 || obj[0] != '{' {
		if string(obj) != "null" {
			return nil, errorf(endpoint, "request must encode to a JSON object, not %s", encodedKind(obj))
		}
		obj = emptyObject // a nil pointer: no parameters
	}
	if !withToken {
		return append([]byte(nil), obj...), nil
	}
	b := make([]byte, 0, len(`{"i":,`)+len(c.tokenJSON)+len(obj))
	b = append(b, `{"i":`...)
	b = append(b, c.tokenJSON...)
	if len(obj) == 2 { // "{}": the encoder's output is compact
		return append(b, '}'), nil
	}
	b = append(b, ',')
	return append(b, obj[1:]...), nil
}

// encodedKind names the kind of a JSON value by its first byte.
func encodedKind(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// newByteBody returns a request body over b. It must be an io.NopCloser of
// a *bytes.Reader: net/http recognises that as in-memory and writes the
// headers and the body in one packet, where for any other type it flushes
// the headers first (a second write on both ends, about 10% of a call).
func newByteBody(b []byte) io.ReadCloser {
	return io.NopCloser(bytes.NewReader(b))
}

// exchange sends one request and handles its answer. length is -1 when the
// body's length is unknown.
func (c *Client) exchange(ctx context.Context, endpoint string, body io.ReadCloser, length int64, contentType []string, resp any) error {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpointURL(endpoint), nil)
	if err != nil {
		body.Close()
		return errorf(endpoint, "%s", redact(err.Error(), c.token))
	}
	hreq.Body = body
	hreq.ContentLength = length
	h := hreq.Header
	h["Content-Type"] = contentType
	h["Accept"] = acceptJSON
	h["User-Agent"] = c.userAgentHeader
	if c.bearer && c.token != "" {
		h["Authorization"] = c.authHeader
	}
	hresp, err := c.httpClient.Do(hreq)
	if err != nil {
		return wrapTransportError(endpoint, err, c.token)
	}
	defer hresp.Body.Close()
	// Request.Response is set only on a request the HTTP client made to
	// follow a redirect: two loads on the call path.
	if r := hresp.Request; r != nil && r.Response != nil && !sameTarget(r, hreq) {
		return c.redirectError(endpoint, hresp)
	}
	return c.handleResponse(endpoint, hresp, resp)
}

// sameTarget reports whether r, the last request of a redirect chain, went
// where the call was sent, as the call: a POST to the endpoint's URL.
func sameTarget(r, call *http.Request) bool {
	return r.Method == call.Method && (r.URL == call.URL || r.URL.String() == call.URL.String())
}

// redirectError reports an answer the caller's HTTP client reached by
// following a redirect (see WithHTTPClient): an *APIError with the status and
// Location of the first redirect, whose Message says where the client ended
// up. The answer itself is not read.
func (c *Client) redirectError(endpoint string, hresp *http.Response) error {
	drain(hresp.Body)
	final := hresp.Request
	// final.Response caused final; its Request was the one before; the
	// first redirect is the Response of the second request of the chain.
	first := final
	for first.Response.Request != nil && first.Response.Request.Response != nil {
		first = first.Response.Request
	}
	e := &APIError{StatusCode: first.Response.StatusCode, Endpoint: endpoint}
	e.Location = serverText(first.URL.String(), c.token)
	e.Message = "redirected to " + e.Location + " (the HTTP client followed it to " + final.Method + " " +
		serverText(final.URL.String(), c.token) + ", which answered " + strconv.Itoa(hresp.StatusCode) +
		"; that answer is not the endpoint's)" + redirectAdvice
	return e
}

// redirectAdvice ends the message of an error for a redirect.
const redirectAdvice = "; a Misskey API call is never redirected: check the base URL"

// location returns the Location of a redirect answer, made absolute, with
// the token removed and control characters escaped.
func (c *Client) location(hresp *http.Response) string {
	if u, err := hresp.Location(); err == nil {
		return serverText(u.String(), c.token)
	}
	return serverText(hresp.Header.Get("Location"), c.token)
}

// maxErrorBody is the most of an error answer the client reads.
const maxErrorBody = 64 << 10

// readBufferPool holds the buffers answers are read into (see readPooled).
var readBufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// errTooLarge reports a body over the limit readBody was given.
var errTooLarge = errors.New("body too large")

// presence wraps the response target of a generated method that returns a
// pointer, to tell an answer without a body (204) from a decoded one: the
// method then returns nil rather than a pointer to a zero value.
type presence struct {
	target jsonValue
	got    bool
}

// handleResponse turns an answer into nil, *APIError or *DecodeError.
func (c *Client) handleResponse(endpoint string, hresp *http.Response, resp any) error {
	p, _ := resp.(*presence)
	if p != nil {
		p.got = false
		resp = p.target
	}
	ctx := context.Background()
	if hresp.Request != nil {
		ctx = hresp.Request.Context()
	}
	status := hresp.StatusCode
	if status < 200 || status > 299 {
		bp := readBufferPool.Get().(*[]byte)
		defer putReadBuffer(bp)
		data, err := readPooled(bp, hresp.Body, min(c.maxBody, maxErrorBody), hresp.ContentLength)
		if err != nil && err != errTooLarge && len(data) == 0 {
			return wrapTransportError(endpoint, err, c.token)
		}
		e := newAPIError(endpoint, status, hresp.Header, data, c.token, time.Now())
		if status >= 300 && status < 400 && hresp.Header.Get("Location") != "" {
			// The client does not follow redirects (see WithHTTPClient).
			e.Location = c.location(hresp)
			e.Message = "redirected to " + e.Location + redirectAdvice
		}
		return e
	}
	if resp == nil || status == http.StatusNoContent || hresp.ContentLength == 0 {
		drain(hresp.Body)
		return nil
	}
	bp := readBufferPool.Get().(*[]byte)
	defer putReadBuffer(bp)
	data, err := readPooled(bp, hresp.Body, c.maxBody, hresp.ContentLength)
	if err == errTooLarge {
		return errorf(endpoint, "%w (%d bytes; see WithMaxResponseBytes)", ErrResponseTooLarge, c.maxBody)
	}
	if err != nil {
		return wrapTransportError(endpoint, err, c.token)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if e := errorEnvelope(endpoint, hresp, data, c.token); e != nil {
		return e
	}
	err = c.decode(ctx, endpoint, hresp, data, resp)
	if p != nil && err == nil {
		p.got = true
	}
	return err
}

// decode decodes a 2xx body into resp whatever its content type (Misskey
// sends JSON as text/plain in places). Generated types decode losslessly:
// what does not fit their fields is kept (see Members) and reported to the
// mismatch handler, or fails the call when the client is strict. A body of
// the wrong JSON kind for the whole answer is always an error.
func (c *Client) decode(ctx context.Context, endpoint string, hresp *http.Response, data []byte, resp any) error {
	var err error
	if jv, ok := resp.(jsonValue); ok {
		var ms []Mismatch
		ms, err = decodeJSONValue(ctx, data, jv, c.strict)
		if err == nil {
			if len(ms) > 0 && c.onMismatch != nil {
				c.onMismatch(endpoint, ms)
			}
			return nil
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return errorf(endpoint, "decoding response: %w", err)
		}
	} else if err = json.Unmarshal(data, resp); err == nil {
		return nil
	}
	return &DecodeError{
		Endpoint:    endpoint,
		StatusCode:  hresp.StatusCode,
		ContentType: hresp.Header.Get("Content-Type"),
		Err:         err,
		Snippet:     string(sanitize(data, c.token, 200)),
	}
}

// errorEnvelope returns the *APIError of a 2xx answer that is Misskey's
// error document ({"error":{"code",…}}), which a proxy or a broken server
// may send with a success status, or nil.
func errorEnvelope(endpoint string, hresp *http.Response, data []byte, token string) *APIError {
	// A cheap look first: only an object whose first member is "error" can
	// be one, however it is spaced.
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 || t[0] != '{' || !bytes.HasPrefix(bytes.TrimLeft(t[1:], " \t\r\n"), []byte(`"error"`)) {
		return nil
	}
	var env struct {
		Error *struct {
			Code string `json:"code"`
			ID   string `json:"id"`
		} `json:"error"`
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(data, &members) != nil || len(members) != 1 || json.Unmarshal(data, &env) != nil ||
		env.Error == nil || (env.Error.Code == "" && env.Error.ID == "") {
		return nil
	}
	e := newAPIError(endpoint, hresp.StatusCode, hresp.Header, data, token, time.Now())
	e.Message += " (sent with status " + strconv.Itoa(hresp.StatusCode) + ")"
	return e
}

// readPooled reads r (see readBody) into the pooled buffer *bp, and keeps
// the buffer, grown if it had to be, in *bp for the pool.
//
// The buffer held other answers before, possibly another client's, so the
// result is clipped to this answer (data[:n:n]): nothing that reads it or
// appends to it can reach a byte this answer did not write. Whatever an
// error or a decoded value keeps of it must be copied, since the buffer goes
// back to the pool when the call returns.
func readPooled(bp *[]byte, r io.Reader, limit, hint int64) ([]byte, error) {
	data, err := readBody(r, (*bp)[:0], limit, hint)
	*bp = data[:0]
	return data[:len(data):len(data)], err
}

func putReadBuffer(bp *[]byte) {
	if cap(*bp) <= maxPooledBuffer {
		readBufferPool.Put(bp)
	}
}

// readBody appends r to buf, reading at most limit bytes. A body longer than
// limit returns the first limit bytes and errTooLarge. hint is the body's
// Content-Length, or -1. The result has the capacity of the buffer it was
// read into: see readPooled.
func readBody(r io.Reader, buf []byte, limit, hint int64) ([]byte, error) {
	if hint > limit {
		return buf, errTooLarge
	}
	if hint > 0 && int64(cap(buf)) < hint+1 {
		buf = make([]byte, 0, hint+1) // +1: room to see io.EOF without growing
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		end := cap(buf)
		if int64(end) > limit+1 {
			end = int(limit + 1)
		}
		n, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return buf[:limit], errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// drain reads a little of an unwanted body so the connection can be reused.
func drain(r io.Reader) {
	_, _ = io.CopyN(io.Discard, r, 64<<10)
}
