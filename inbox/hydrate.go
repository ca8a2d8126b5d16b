package inbox

import (
	"context"
	"errors"
	"time"

	"github.com/pmshooks/pmshooks/event"
)

// WithHydrators makes the workers hydrate each delivery before its handler
// runs: the Hydrator of the delivery's provider fetches the current record
// of its subject (see event.Hydrator), and the handler gets the hydrated
// event. A delivery of a provider without Hydrator reaches the handler as
// stored.
//
// A fetch is part of the attempt: when it fails, the handler is not called
// and the delivery is retried with the Backoff, like a failing handler, and
// marked dead when its attempts are used up. Nothing is lost. A fetch that
// the provider refused for its rate limit (an *event.RateLimitError) waits
// what the provider asked (the Backoff when it did not say) and is tried
// again without counting the attempt; the same holds when the handler itself
// returns an *event.RateLimitError.
// A record the provider no longer has is no failure: the handler runs, and
// event.RecordOf reports Deleted.
//
// Of several Hydrators for one provider, the last wins; nil ones are
// ignored.
func WithHydrators(hs ...event.Hydrator) Option {
	return func(c *config) {
		for _, h := range hs {
			if h != nil {
				c.hydrators[h.Provider()] = h
			}
		}
	}
}

// handle runs one attempt of e: hydration when the provider has a
// Hydrator, then h.
func (ib *Inbox) handle(ctx context.Context, h event.Handler, e event.Event) error {
	if hy, ok := ib.cfg.hydrators[e.Provider()]; ok {
		he, err := event.HydrateEvent(ctx, hy, e)
		if err != nil {
			return err
		}
		e = he
	}
	return event.SafeHandle(ctx, h, e)
}

// rateLimitWait reports whether err says that the provider refused a call
// for its rate limit, and how long the delivery waits before it is tried
// again: what the provider asked for, or the Backoff of its attempt when the
// provider did not say.
func (ib *Inbox) rateLimitWait(err error, attempts int) (time.Duration, bool) {
	var rl *event.RateLimitError
	if !errors.As(err, &rl) {
		return 0, false
	}
	if rl.RetryAfter > 0 {
		return rl.RetryAfter, true
	}
	return max(ib.cfg.backoff(attempts), 0), true
}
