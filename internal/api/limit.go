package api

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// limiter holds back every request of a Client while the provider's rate
// limit is used up: after a 429 or 503 with Retry-After, or an answer whose
// rate-limit figures say no request is left before the window resets. It is
// shared by the copies WithAuth makes, so that every caller of one provider
// account (the inbox's concurrent workers, say) waits for the same window
// rather than each spending a request to learn that it is closed.
type limiter struct {
	mu    sync.Mutex
	until time.Time // no request before this time; zero when open
}

// closeUntil keeps the limiter closed until t, unless it already is for
// longer.
func (l *limiter) closeUntil(t time.Time) {
	l.mu.Lock()
	if t.After(l.until) {
		l.until = t
	}
	l.mu.Unlock()
}

// wait returns how long a request must wait from now.
func (l *limiter) wait(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(l.until.Sub(now), 0)
}

// observe closes the limiter as resp asks: for its Retry-After on 429 and
// 503, and until Rate.Reset when Rate.Remaining is 0 and Rate.Limit is
// known.
func (c *Client) observe(resp *http.Response) {
	now := c.now()
	if retryAfterStatus(resp) {
		if d, ok := parseRetryAfter(resp.Header, now); ok && d > 0 {
			c.limit.closeUntil(now.Add(d))
		}
	}
	if c.rateLimit != nil {
		if r := c.rateLimit(resp.Header); r.Limit > 0 && r.Remaining == 0 && r.Reset.After(now) {
			c.limit.closeUntil(r.Reset)
		}
	}
}

// awaitLimit waits until the limiter opens. It returns a *LimitError at once,
// without waiting, when the wait exceeds the Retry-After cap (the same cap
// that stops retries), and ctx's error when ctx ends first.
func (c *Client) awaitLimit(ctx context.Context, op string) error {
	d := c.limit.wait(c.now())
	if d <= 0 {
		return nil
	}
	if d > c.retryAfterMax {
		return &LimitError{Op: op, Wait: d}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("api: %s: waiting for the rate limit: %w", op, context.Cause(ctx))
	}
}

// LimitError is returned, without sending the request, when the provider's
// earlier answers to the same client said that its rate limit is used up
// for longer than the client waits (its Retry-After cap). Match it with
// errors.As; RetryAfter says when to try again.
type LimitError struct {
	// Op names the request: "METHOD /path".
	Op string
	// Wait is how long the rate-limit window stays closed, from when the
	// request was refused.
	Wait time.Duration
}

// Error names the request and the wait.
func (e *LimitError) Error() string {
	return "api: " + e.Op + ": not sent: the rate limit is used up for another " + e.Wait.Round(time.Second).String()
}

// RetryAfter returns Wait, and true.
func (e *LimitError) RetryAfter() (time.Duration, bool) { return e.Wait, true }

// observingTransport reports every response, retries included, to observe.
type observingTransport struct {
	next    http.RoundTripper
	observe func(*http.Response)
}

func (t observingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if resp != nil {
		t.observe(resp)
	}
	return resp, err
}
