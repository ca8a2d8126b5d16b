package inbox

import (
	"math/rand/v2"
	"time"
)

// Backoff returns how long a delivery waits before its next attempt, after
// attempts failed attempts (1 after the first failure). The wait is counted
// from the failure. A Backoff must be safe for concurrent use.
type Backoff func(attempts int) time.Duration

// Bounds of DefaultBackoff.
const (
	DefaultBackoffBase = 5 * time.Second
	DefaultBackoffMax  = 30 * time.Minute
)

// DefaultBackoff waits DefaultBackoffBase after the first failure, twice as
// long after each further one, at most DefaultBackoffMax, with jitter as
// ExponentialBackoff: 5 s, 10 s, 20 s, ... 30 min. With DefaultMaxAttempts a
// delivery that keeps failing is dead after 50 to 100 minutes, in the range of
// the providers' own retry schedules.
func DefaultBackoff(attempts int) time.Duration {
	return exponential(attempts, DefaultBackoffBase, DefaultBackoffMax)
}

// ExponentialBackoff returns a Backoff that waits base after the first
// failure and doubles the wait after each further one, up to limit. It then
// waits a random time between half of that and all of it ("equal jitter"),
// so that deliveries which failed together, such as during an outage of the
// service a handler calls, do not all come back at the same moment. A base of
// zero or less means no wait; a limit below base means base.
func ExponentialBackoff(base, limit time.Duration) Backoff {
	return func(attempts int) time.Duration { return exponential(attempts, base, limit) }
}

func exponential(attempts int, base, limit time.Duration) time.Duration {
	if base <= 0 {
		return 0
	}
	if limit < base {
		limit = base
	}
	d := base
	for i := 1; i < attempts && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	half := d / 2
	return half + rand.N(d-half+1)
}
