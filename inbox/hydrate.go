package inbox

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
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

// WithCoalescing lets a worker handle a burst of deliveries about one
// subject with one handler call, when hydration fetches the subject's
// current record anyway (WithHydrators): the worker that claims the first
// delivery of the burst hydrates and handles the latest delivery of the
// subject stored by then, and on success marks that one done and the ones
// before it coalesced into it (StateCoalesced, Delivery.CoalescedInto,
// Stats.Coalesced). The handler sees the latest delivery's event (its type,
// such as booking.cancelled, and its id) with the record as fetched after
// every delivery of the burst arrived, so nothing a skipped delivery said is
// lost; what it does not see is each intermediate event. Deliveries that
// arrive during the call are handled after it, as usual.
//
// Only deliveries of providers with a Hydrator are coalesced; the others are
// handled one by one, whatever this option. A failed call is an attempt of
// the first delivery, retried as usual; the others wait behind it.
func WithCoalescing() Option {
	return func(c *config) { c.coalesce = true }
}

// coalesceTarget returns, when d may be coalesced, the latest pending
// delivery of its subject stored after it, with its event; nil when there
// is none or coalescing does not apply. A failure to read or decode it is
// logged, and d is handled alone.
func (ib *Inbox) coalesceTarget(ctx context.Context, log *slog.Logger, d *Delivery, dec event.Decoder) (*Delivery, event.Event) {
	if !ib.cfg.coalesce {
		return nil, nil
	}
	if _, ok := ib.cfg.hydrators[d.Provider]; !ok {
		return nil, nil
	}
	key := subjectKey(string(d.Provider), d.Subject.Kind, d.Subject.ID)
	if key == nil {
		return nil, nil
	}
	now := ib.now()
	m, err := scanDelivery(ib.db.QueryRowContext(ctx, ib.q.latestPending, key, d.ID), now, false)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		log.WarnContext(ctx, "inbox: reading the deliveries to coalesce failed; handling this one alone", "err", err)
		return nil, nil
	}
	if mdec, err := ib.decoderOf(&m); err == nil {
		dec = mdec
	}
	e, err := dec.Decode(m.Header, m.Body)
	if err != nil {
		log.WarnContext(ctx, "inbox: a later delivery of the subject does not decode; handling this one alone",
			"later", m.ID, "err", err)
		return nil, nil
	}
	return &m, e
}

// finishCoalesced records that the handler call for latest covered d and the
// deliveries of its subject between them: latest is done, the others
// coalesced into it; the subject's head passes on. It returns the outcome
// recorded for d and, when coalesced, how many deliveries were coalesced.
func (ib *Inbox) finishCoalesced(ctx context.Context, log *slog.Logger, d *Delivery, token string, latest *Delivery, now time.Time, attrs []any) (Outcome, int) {
	var lockKeys any // PostgreSQL: the subject to lock; unused by SQLite
	if ib.dialect == PostgreSQL {
		lockKeys = d.subjectKeys()
	}
	finished, promoted, err := ib.leavePending(ctx, ib.q.coalesce, d.ID, token, latest.ID, ib.q.timeArg(now), lockKeys,
		subjectKey(string(d.Provider), d.Subject.Kind, d.Subject.ID))
	switch {
	case err != nil:
		log.ErrorContext(ctx, "inbox: recording the outcome failed; the delivery will be attempted again",
			"outcome", "done", "err", err)
		return OutcomeNotRecorded, 0
	case !finished[d.ID]:
		log.WarnContext(ctx, "lease lost: another worker took the delivery over; this outcome is discarded",
			append(attrs, "outcome", "lease_lost", "discarded", "done")...)
		return OutcomeLeaseLost, 0
	default:
		log.InfoContext(ctx, "deliveries handled with one call: the latest of the subject, with its current record",
			append(attrs, "outcome", "done", "handled", latest.ID, "coalesced", len(finished)-1)...)
		if promoted > 0 {
			ib.notify()
		}
		return OutcomeCoalesced, len(finished) - 1
	}
}
