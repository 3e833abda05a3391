package templates

import "time"

// RetryPolicy says how a client retries a failed call. Placeholder: completed
// by the runtime work.
type RetryPolicy struct {
	MaxAttempts int
	MinBackoff  time.Duration
	MaxBackoff  time.Duration
}
