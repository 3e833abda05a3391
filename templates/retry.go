package templates

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"
)

// RetryPolicy says how a client retries a failed call (see WithRetry). A
// client without one never retries.
//
// Only failures that are safe to repeat are retried:
//
//   - 429 Too Many Requests, on every endpoint: Misskey refuses the call
//     before running it. The client waits as long as the server asked
//     (APIError.RetryAfter: the Retry-After header, else the limiter's reset
//     time), or the backoff when it did not say.
//   - Connection failures where the request cannot have reached the server
//     (the dial failed: refused, DNS, unreachable), on every endpoint.
//   - 500, 502, 503, 504 and the other transport failures (timeouts, a
//     connection reset, a body cut short) only on endpoints that do not
//     write, since the server may have run the call.
//
// An endpoint does not write when the endpoint table lists it, none of its
// permissions starts with "write:", it either needs no credential or has a
// "read:" permission, and the last segment of its name does not start with a
// word that names a change ("create", "update", "delete", "reset", …; this
// catches the few endpoints that change state without a credential, such as
// app/create). Unknown endpoints (Call with a name the document lacks) are
// treated as writing.
//
// A retry never waits past the context's deadline: when the wait would end
// after it, the call returns the last error at once. Multipart calls are
// retried only when every file body is an io.Seeker (it is rewound).
type RetryPolicy struct {
	// MaxAttempts is how many times a call is sent at most, the first
	// included. Zero means 3; 1 means never retry.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the wait between attempts when the
	// server did not say how long to wait. The wait grows exponentially
	// with the attempt (MinBackoff·2^(attempt-1)) up to MaxBackoff, and is
	// drawn at random between MinBackoff and that ("full jitter"). Zero
	// means 500ms and 30s.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest server-requested wait (429 or 503 with
	// Retry-After) the policy accepts; when the server asks for longer, the
	// error is returned at once. Zero means 2 minutes; a negative value means
	// no limit other than the context's deadline.
	MaxRetryAfter time.Duration
	// OnRetry, when set, is called before each wait with the endpoint, the
	// attempt that failed (1 for the first), the wait and its error. The
	// error never contains the token.
	OnRetry func(endpoint string, attempt int, wait time.Duration, err error)
}

// Defaults for the zero fields of a RetryPolicy.
const (
	DefaultRetryMaxAttempts   = 3
	DefaultRetryMinBackoff    = 500 * time.Millisecond
	DefaultRetryMaxBackoff    = 30 * time.Second
	DefaultRetryMaxRetryAfter = 2 * time.Minute
)

// DefaultRetryPolicy returns the policy a zero RetryPolicy stands for, with
// its fields filled in.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:   DefaultRetryMaxAttempts,
		MinBackoff:    DefaultRetryMinBackoff,
		MaxBackoff:    DefaultRetryMaxBackoff,
		MaxRetryAfter: DefaultRetryMaxRetryAfter,
	}
}

func (p *RetryPolicy) maxAttempts() int {
	if p.MaxAttempts <= 0 {
		return DefaultRetryMaxAttempts
	}
	return p.MaxAttempts
}

func (p *RetryPolicy) bounds() (lo, hi time.Duration) {
	lo, hi = p.MinBackoff, p.MaxBackoff
	if lo <= 0 {
		lo = DefaultRetryMinBackoff
	}
	if hi <= 0 {
		hi = DefaultRetryMaxBackoff
	}
	return lo, max(lo, hi)
}

// backoff returns the wait after the given failed attempt (1 for the first).
func (p *RetryPolicy) backoff(attempt int) time.Duration {
	lo, hi := p.bounds()
	ceil := lo
	for i := 1; i < attempt && ceil < hi; i++ {
		ceil *= 2
	}
	ceil = min(ceil, hi)
	if ceil <= lo {
		return lo
	}
	return lo + rand.N(ceil-lo+1)
}

// delay returns how long to wait before sending again a call to endpoint
// whose attempt failed with err, and false when it must not be sent again.
func (p *RetryPolicy) delay(endpoint string, attempt int, err error) (time.Duration, bool) {
	if attempt >= p.maxAttempts() {
		return 0, false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case http.StatusTooManyRequests:
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			if !readOnlyEndpoint(endpoint) {
				return 0, false
			}
		default:
			return 0, false
		}
		if apiErr.RetryAfter > 0 {
			limit := p.MaxRetryAfter
			if limit == 0 {
				limit = DefaultRetryMaxRetryAfter
			}
			if limit > 0 && apiErr.RetryAfter > limit {
				return 0, false
			}
			return apiErr.RetryAfter, true
		}
		return p.backoff(attempt), true
	}
	var te *transportError
	if !errors.As(err, &te) {
		return 0, false // our own errors (encoding, size limit, decoding) do not go away
	}
	if notSent(te.err) || readOnlyEndpoint(endpoint) {
		return p.backoff(attempt), true
	}
	return 0, false
}

// notSent reports whether err shows the request never left: dialing the
// server (or the proxy) failed.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
}

// pause is called after attempt failed with err. It returns nil, after
// waiting, when the call should be sent again, and otherwise the error the
// call returns.
func (p *RetryPolicy) pause(ctx context.Context, endpoint string, attempt int, err error) error {
	wait, ok := p.delay(endpoint, attempt, err)
	if !ok || ctx.Err() != nil {
		return err
	}
	if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
		return err // the server's reset (or our backoff) comes after the caller gives up
	}
	if p.OnRetry != nil {
		p.OnRetry(endpoint, attempt, wait, err)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("%w (retry abandoned: %w)", err, context.Cause(ctx))
	case <-t.C:
		return nil
	}
}

// writeVerbs are the first words of endpoint names (last segment, split at
// "-") that change state.
var writeVerbs = map[string]bool{
	"accept": true, "add": true, "block": true, "cancel": true, "claim": true,
	"clear": true, "create": true, "delete": true, "favorite": true,
	"follow": true, "gen": true, "generate": true, "import": true,
	"export": true, "invite": true, "join": true, "leave": true, "mark": true,
	"move": true, "mute": true, "pin": true, "pull": true, "push": true,
	"react": true, "read": true, "register": true, "reject": true,
	"remove": true, "renote": true, "report": true, "request": true,
	"reset": true, "set": true, "unblock": true, "unfavorite": true,
	"unfollow": true, "unmute": true, "unpin": true, "unregister": true,
	"update": true, "verify": true, "vote": true,
}

// readOnlyEndpoint reports whether the named endpoint does not write (see
// RetryPolicy for the rule).
func readOnlyEndpoint(name string) bool {
	info, ok := LookupEndpoint(name)
	return ok && readOnlyInfo(info)
}

// readOnlyInfo applies the rule of readOnlyEndpoint to an endpoint's
// metadata.
func readOnlyInfo(info EndpointInfo) bool {
	hasRead := false
	for _, p := range info.Permissions {
		switch {
		case strings.HasPrefix(string(p), "write:"):
			return false
		case strings.HasPrefix(string(p), "read:"):
			hasRead = true
		}
	}
	if info.RequiresCredential && !hasRead {
		return false
	}
	last := info.Name[strings.LastIndexByte(info.Name, '/')+1:]
	if i := strings.IndexByte(last, '-'); i >= 0 {
		last = last[:i]
	}
	return !writeVerbs[last]
}
