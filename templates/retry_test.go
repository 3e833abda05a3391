package templates

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fastRetry retries quickly, so that tests that back off do not wait.
var fastRetry = RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

// scripted answers the n-th request (from 0) with steps[min(n, len-1)] and
// counts the requests.
func scripted(t *testing.T, steps ...http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		steps[min(i, len(steps)-1)](w, r)
		io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func rateLimited(retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(429)
		// No info: the wait comes from the header (or the backoff).
		io.WriteString(w, `{"error":{"message":"Rate limit exceeded. Please try again later.","code":"RATE_LIMIT_EXCEEDED","id":"d5826d14-3982-4d2e-8011-b9e9f02499ef","kind":"client"}}`)
	}
}

var okNote = answer(200, "application/json", `{"id":"n1"}`)

func TestRetry429HonoursRetryAfter(t *testing.T) {
	srv, n := scripted(t, rateLimited("1"), okNote)
	var waits []time.Duration
	p := fastRetry
	p.OnRetry = func(endpoint string, attempt int, wait time.Duration, err error) {
		if endpoint != "notes/create" || attempt != len(waits)+1 || !errors.Is(err, ErrRateLimitExceeded) {
			t.Errorf("OnRetry(%q, %d, %v, %v)", endpoint, attempt, wait, err)
		}
		waits = append(waits, wait)
	}
	c := NewClient(srv.URL, WithToken(testToken), WithRetry(p))
	var out smallNote
	start := time.Now()
	// notes/create writes, but a 429 is refused before it runs: retried.
	if err := c.call(context.Background(), "notes/create", &spliceReq{A: 1}, &out); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("retried after %v, before the server's Retry-After", elapsed)
	}
	if n.Load() != 2 || out.ID != "n1" {
		t.Errorf("%d requests, out %+v", n.Load(), out)
	}
	if len(waits) != 1 || waits[0] != time.Second {
		t.Errorf("waits = %v", waits)
	}
}

func TestRetry429WithoutRetryAfterBacksOff(t *testing.T) {
	srv, n := scripted(t, rateLimited(""), rateLimited(""), okNote)
	c := NewClient(srv.URL, WithRetry(fastRetry))
	if err := c.call(context.Background(), "notes/create", nil, nil); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 {
		t.Errorf("%d requests", n.Load())
	}
}

func TestRetry429RespectsDeadline(t *testing.T) {
	srv, n := scripted(t, rateLimited("60"), okNote)
	c := NewClient(srv.URL, WithToken(testToken), WithRetry(fastRetry))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	err := c.call(ctx, "notes/create", nil, nil)
	if time.Since(start) > time.Second {
		t.Errorf("waited %v although the reset comes after the deadline", time.Since(start))
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.RetryAfter != time.Minute || !errors.Is(err, ErrRateLimitExceeded) {
		t.Errorf("err = %v", err)
	}
	if n.Load() != 1 {
		t.Errorf("%d requests", n.Load())
	}
	assertNoToken(t, err)
}

func TestRetry429LongerThanMaxRetryAfter(t *testing.T) {
	srv, n := scripted(t, rateLimited("3600"), okNote)
	for _, limit := range []time.Duration{0, time.Minute} { // 0: the default, 2 minutes
		n.Store(0)
		p := fastRetry
		p.MaxRetryAfter = limit
		err := NewClient(srv.URL, WithRetry(p)).call(context.Background(), "notes/create", nil, nil)
		if !errors.Is(err, ErrRateLimitExceeded) || n.Load() != 1 {
			t.Errorf("limit %v: err %v after %d requests", limit, err, n.Load())
		}
	}
}

func TestRetryCancelledWhileWaiting(t *testing.T) {
	srv, n := scripted(t, rateLimited("5"), okNote)
	c := NewClient(srv.URL, WithToken(testToken), WithRetry(fastRetry))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := c.call(ctx, "notes/create", nil, nil)
	if time.Since(start) > 2*time.Second {
		t.Errorf("cancel not honoured: %v", time.Since(start))
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrRateLimitExceeded) || n.Load() != 1 {
		t.Errorf("err = %v after %d requests", err, n.Load())
	}
	assertNoToken(t, err)
}

func TestRetryServerErrors(t *testing.T) {
	fail500 := answer(500, "application/json", recInternalError)
	fail502 := answer(502, "text/html", "<html><title>502 Bad Gateway</title></html>")
	tests := []struct {
		name     string
		endpoint string
		steps    []http.HandlerFunc
		policy   RetryPolicy
		wantReqs int32
		wantErr  bool
	}{
		{"write endpoint, 500: not retried", "notes/create", []http.HandlerFunc{fail500, okNote}, fastRetry, 1, true},
		{"multipart write endpoint, 502: not retried", "drive/files/create", []http.HandlerFunc{fail502, okNote}, fastRetry, 1, true},
		{"read endpoint, 500: retried", "notes/timeline", []http.HandlerFunc{fail500, okNote}, fastRetry, 2, false},
		{"read endpoint, 502 twice: retried", "i", []http.HandlerFunc{fail502, fail502, okNote}, fastRetry, 3, false},
		{"no-credential endpoint, 503: retried", "meta", []http.HandlerFunc{answer(503, "", ""), okNote}, fastRetry, 2, false},
		{"read endpoint, gives up after MaxAttempts", "notes/timeline", []http.HandlerFunc{fail500}, fastRetry, 3, true},
		{"unknown endpoint counts as writing", "fork/custom", []http.HandlerFunc{fail500, okNote}, fastRetry, 1, true},
		{"400 is never retried", "meta", []http.HandlerFunc{answer(400, "application/json", recInvalidParam), okNote}, fastRetry, 1, true},
		{"501 is never retried", "meta", []http.HandlerFunc{answer(501, "", ""), okNote}, fastRetry, 1, true},
		{"decode error is never retried", "meta", []http.HandlerFunc{answer(200, "application/json", `{"id":`), okNote}, fastRetry, 1, true},
		{"MaxAttempts 1", "meta", []http.HandlerFunc{fail500, okNote}, RetryPolicy{MaxAttempts: 1}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := scripted(t, tt.steps...)
			var out smallNote
			err := NewClient(srv.URL, WithToken(testToken), WithRetry(tt.policy)).call(context.Background(), tt.endpoint, nil, &out)
			if (err != nil) != tt.wantErr || n.Load() != tt.wantReqs {
				t.Errorf("err = %v after %d requests, want error %v after %d", err, n.Load(), tt.wantErr, tt.wantReqs)
			}
			if !tt.wantErr && out.ID != "n1" {
				t.Errorf("out = %+v", out)
			}
		})
	}
}

func TestNoRetryWithoutPolicy(t *testing.T) {
	srv, n := scripted(t, rateLimited("1"), okNote)
	if err := NewClient(srv.URL).call(context.Background(), "meta", nil, nil); !errors.Is(err, ErrRateLimitExceeded) || n.Load() != 1 {
		t.Errorf("err = %v after %d requests", err, n.Load())
	}
}

// flakyDialer fails the first failures dials as a refused connection would.
type flakyDialer struct {
	mu       sync.Mutex
	failures int
	dials    int
}

func (d *flakyDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.dials++
	fail := d.dials <= d.failures
	d.mu.Unlock()
	if fail {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func TestRetryDialErrors(t *testing.T) {
	srv, n := scripted(t, okNote)
	d := &flakyDialer{failures: 2}
	hc := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	c := NewClient(srv.URL, WithToken(testToken), WithHTTPClient(hc), WithRetry(fastRetry))
	// A write endpoint: the request never left, so it is safe to send it.
	var out smallNote
	if err := c.call(context.Background(), "notes/create", nil, &out); err != nil {
		t.Fatal(err)
	}
	if d.dials != 3 || n.Load() != 1 || out.ID != "n1" {
		t.Errorf("%d dials, %d requests, out %+v", d.dials, n.Load(), out)
	}

	// Out of attempts: the dial error comes back, wrapped.
	d2 := &flakyDialer{failures: 100}
	c = NewClient(srv.URL, WithToken(testToken), WithHTTPClient(&http.Client{Transport: &http.Transport{DialContext: d2.DialContext}}), WithRetry(fastRetry))
	err := c.call(context.Background(), "notes/create", nil, nil)
	var opErr *net.OpError
	if !errors.As(err, &opErr) || d2.dials != 3 {
		t.Errorf("err = %v after %d dials", err, d2.dials)
	}
	assertNoToken(t, err)
}

func TestRetryTransportErrorsOnlyForReads(t *testing.T) {
	drop := func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}
	slow := func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }
	tests := []struct {
		name     string
		endpoint string
		first    http.HandlerFunc
		timeout  time.Duration
		wantReqs int32
	}{
		{"dropped, write", "notes/create", drop, 0, 1},
		{"dropped, read", "notes/timeline", drop, 0, 2},
		{"timeout, write", "notes/create", slow, 100 * time.Millisecond, 1},
		{"timeout, read", "i", slow, 100 * time.Millisecond, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := scripted(t, tt.first, okNote)
			hc := &http.Client{Timeout: tt.timeout}
			err := NewClient(srv.URL, WithToken(testToken), WithHTTPClient(hc), WithRetry(fastRetry)).call(context.Background(), tt.endpoint, nil, nil)
			if n.Load() != tt.wantReqs || (err == nil) != (tt.wantReqs == 2) {
				t.Errorf("err = %v after %d requests", err, n.Load())
			}
			if err != nil {
				assertNoToken(t, err)
			}
		})
	}
}

func TestRetryMultipart(t *testing.T) {
	var bodies []string
	var mu sync.Mutex
	record := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if err := r.ParseMultipartForm(1 << 20); err == nil {
				f, _, err := r.FormFile("file")
				if err == nil {
					b, _ := io.ReadAll(f)
					mu.Lock()
					bodies = append(bodies, string(b))
					mu.Unlock()
				}
			}
			next(w, r)
		}
	}
	srv, n := scripted(t, record(rateLimited("")), record(okNote))
	c := NewClient(srv.URL, WithToken(testToken), WithRetry(fastRetry))

	// Seekable, already advanced by 2 bytes: every attempt sends from there.
	r := strings.NewReader("xxFILEDATA")
	r.Seek(2, io.SeekStart)
	if err := c.callMultipart(context.Background(), "drive/files/create", nil, []FormFile{{Field: "file", Body: NamedReader("a.bin", r)}}, nil); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || len(bodies) != 2 || bodies[0] != "FILEDATA" || bodies[1] != "FILEDATA" {
		t.Errorf("%d requests, bodies %q", n.Load(), bodies)
	}

	// Not seekable: a single attempt.
	n.Store(0)
	err := c.callMultipart(context.Background(), "drive/files/create", nil, []FormFile{{Field: "file", Body: io.MultiReader(strings.NewReader("DATA"))}}, nil)
	if !errors.Is(err, ErrRateLimitExceeded) || n.Load() != 1 {
		t.Errorf("non-seekable: err = %v after %d requests", err, n.Load())
	}
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	for attempt := 1; attempt <= 12; attempt++ {
		ceil := min(100*time.Millisecond<<(attempt-1), time.Second)
		seen := map[time.Duration]bool{}
		for range 200 {
			d := p.backoff(attempt)
			if d < 100*time.Millisecond || d > ceil {
				t.Fatalf("attempt %d: backoff %v outside [100ms, %v]", attempt, d, ceil)
			}
			seen[d] = true
		}
		if attempt > 1 && len(seen) < 10 {
			t.Errorf("attempt %d: backoff has no jitter (%d values)", attempt, len(seen))
		}
	}
	var zero RetryPolicy
	if d := zero.backoff(1); d != DefaultRetryMinBackoff {
		t.Errorf("zero policy first backoff = %v", d)
	}
	if d := zero.backoff(30); d > DefaultRetryMaxBackoff {
		t.Errorf("zero policy backoff = %v", d)
	}
	if zero.maxAttempts() != DefaultRetryMaxAttempts {
		t.Error("zero MaxAttempts")
	}
	if def := DefaultRetryPolicy(); def.MaxAttempts != 3 || def.MinBackoff != DefaultRetryMinBackoff || def.MaxBackoff != DefaultRetryMaxBackoff || def.MaxRetryAfter != DefaultRetryMaxRetryAfter {
		t.Errorf("DefaultRetryPolicy() = %+v", def)
	}
}

func TestReadOnlyEndpoint(t *testing.T) {
	tests := []struct {
		info EndpointInfo
		want bool
	}{
		{EndpointInfo{Name: "meta"}, true},
		{EndpointInfo{Name: "notes/timeline", RequiresCredential: true, Permissions: []Permission{"read:account"}}, true},
		{EndpointInfo{Name: "notes/create", RequiresCredential: true, Permissions: []Permission{"write:notes"}}, false},
		{EndpointInfo{Name: "i/update", RequiresCredential: true, Permissions: []Permission{"read:account", "write:account"}}, false},
		{EndpointInfo{Name: "i/2fa/done", RequiresCredential: true}, false}, // credential, no read permission
		{EndpointInfo{Name: "app/create"}, false},                           // no credential, but creates
		{EndpointInfo{Name: "auth/session/generate"}, false},
		{EndpointInfo{Name: "request-reset-password"}, false},
		{EndpointInfo{Name: "sw/unregister"}, false},
		{EndpointInfo{Name: "users/followers"}, true}, // "followers" is not "follow"
		{EndpointInfo{Name: "users/show"}, true},
		{EndpointInfo{Name: "notifications/mark-all-as-read", RequiresCredential: true, Permissions: []Permission{"read:notifications"}}, false},
	}
	for _, tt := range tests {
		if got := readOnlyInfo(tt.info); got != tt.want {
			t.Errorf("readOnlyInfo(%+v) = %v", tt.info, got)
		}
	}
	for name, want := range map[string]bool{"meta": true, "i": true, "notes/timeline": true, "notes/create": false, "drive/files/create": false, "no/such": false} {
		if got := readOnlyEndpoint(name); got != want {
			t.Errorf("readOnlyEndpoint(%q) = %v", name, got)
		}
	}
}
