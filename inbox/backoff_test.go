package inbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestExponentialBackoff(t *testing.T) {
	t.Parallel()
	b := ExponentialBackoff(time.Second, 10*time.Second)
	tests := []struct {
		attempts int
		full     time.Duration
	}{
		{0, time.Second}, {1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second},
		{4, 8 * time.Second}, {5, 10 * time.Second}, {60, 10 * time.Second},
	}
	for _, tc := range tests {
		for range 50 {
			d := b(tc.attempts)
			assert.GreaterOrEqual(t, d, tc.full/2, "attempt %d", tc.attempts)
			assert.LessOrEqual(t, d, tc.full, "attempt %d", tc.attempts)
		}
	}
	assert.Zero(t, ExponentialBackoff(0, time.Hour)(3), "no base, no wait")
	assert.LessOrEqual(t, ExponentialBackoff(time.Second, 0)(9), time.Second, "a limit below base is base")
}

func TestExponentialBackoff_jitter(t *testing.T) {
	t.Parallel()
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[DefaultBackoff(3)] = true
	}
	assert.Greater(t, len(seen), 1, "waits are spread")
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	var lo, hi time.Duration
	for n := 1; n < DefaultMaxAttempts; n++ {
		full := min(DefaultBackoffBase<<(n-1), DefaultBackoffMax)
		lo += full / 2
		hi += full
		d := DefaultBackoff(n)
		assert.GreaterOrEqual(t, d, full/2)
		assert.LessOrEqual(t, d, full)
	}
	// The documented span of a delivery that keeps failing.
	assert.InDelta(t, 50, lo.Minutes(), 2)
	assert.InDelta(t, 100, hi.Minutes(), 5)
}
