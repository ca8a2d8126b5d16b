package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/pmshooks/pmshooks/event"
)

// finishTimeout bounds the write of an attempt's outcome, which runs even
// after Run's context ended.
const finishTimeout = 10 * time.Second

// maxErrorText is how much of an error's text is stored as LastError.
const maxErrorText = 4096

// Run processes stored deliveries with h until ctx ends, then waits for the
// workers to stop and returns nil. It fails at once with an error wrapping
// ErrNotMigrated or ErrSchemaTooNew when the schema does not match this
// package. It panics when h is nil.
//
// Run starts the configured number of workers (WithWorkers). The oldest
// deliveries they may take are claimed for all idle workers at once, in one
// transaction, and leased (WithLease); each worker rebuilds its delivery's
// Event with the provider's event.Decoder (no authentication: it was
// authenticated when it was stored) and calls h with a context that ends with
// the lease. Then:
//
//   - h returns nil: the delivery is done. "Done" is written a few
//     milliseconds later, together with the other workers' (a group commit),
//     while the worker goes on.
//   - h returns an error or panics (the panic is recovered into an
//     *event.PanicError), or the delivery cannot be decoded: it is retried
//     after the Backoff, or marked dead, with the error, once it has been
//     attempted WithMaxAttempts times. Nothing is ever dropped.
//   - the provider refused a call for its rate limit: h, or the Hydrator
//     (WithHydrators), returned an *event.RateLimitError. The delivery waits
//     what the provider asked and is tried again; the attempt is not counted.
//   - ctx ends while h runs: h's context ends too; if h then fails, the
//     delivery is released for another worker at once and the attempt is not
//     counted.
//   - the worker's process dies or h outlives the lease: the lease ends and
//     any worker, on any replica, takes the delivery over; the late outcome
//     of the first worker is discarded and logged.
//
// Delivery is at least once: a handler may see an event again after a crash
// or a lease that ran out, so handlers must be idempotent per event ID, as
// with event.NewHTTPHandler.
//
// Deliveries about one subject (same provider, Subject.Kind and Subject.ID,
// with a non-empty ID) are handled one at a time, in the order they were
// stored, across every worker and replica: a delivery is claimed only when
// it is the head of its subject, its first pending delivery, and the head
// passes to the next only when it is done or dead. A delivery that
// keeps failing therefore holds back the later deliveries of its subject
// until it is done or dead (with the defaults, up to about 100 minutes).
// Deliveries without a subject are not ordered.
//
// Receiving comes first: while deliveries arrive together at the
// HTTPHandler of the same Inbox (a burst), each claim waits for the receive
// path to go quiet, up to WithReceiveFirst (DefaultReceiveFirst), so that
// the burst is answered at the speed of the store while the backlog waits.
// A delivery that arrives alone makes no claim wait.
//
// With WithReconciler, Run also polls the sources on their schedule, until
// ctx ends.
//
// Run may be called by several goroutines or replicas at once; each call runs
// its own workers.
func (ib *Inbox) Run(ctx context.Context, h event.Handler) error {
	if h == nil {
		panic("inbox: Run with a nil Handler")
	}
	if err := ib.checkSchema(ctx); err != nil {
		return err
	}
	ib.log.InfoContext(ctx, "inbox workers started", "workers", ib.cfg.workers, "dialect", ib.dialect.String())
	var (
		jobs  = make(chan claimed)
		ready = make(chan struct{}, ib.cfg.workers)
		done  = ib.newCompleter()
		wg    sync.WaitGroup
	)
	for range ib.cfg.workers {
		wg.Go(func() {
			for {
				ready <- struct{}{}
				c, ok := <-jobs
				if !ok {
					return
				}
				ib.process(ctx, h, c.d, c.token, done)
			}
		})
	}
	var dispatchers sync.WaitGroup
	for range ib.dispatchers() {
		dispatchers.Go(func() { ib.dispatch(ctx, jobs, ready) })
	}
	waitReconcilers := ib.runReconcilers(ctx)
	dispatchers.Wait()
	waitReconcilers()
	close(jobs)
	wg.Wait()
	done.close()
	ib.log.InfoContext(context.WithoutCancel(ctx), "inbox workers stopped")
	return nil
}

// claimed is one delivery a worker is to attempt, under the lease token.
type claimed struct {
	d     *Delivery
	token string
}

// maxErrorWait bounds how long the dispatcher waits after claims failed
// several times in a row, as when the database is down.
const maxErrorWait = 30 * time.Second

// maxBatch bounds how many deliveries one claim leases and one statement
// completes.
const maxBatch = 64

// maxDispatchers bounds how many claims of one Run are in flight at once on
// PostgreSQL.
const maxDispatchers = 4

// dispatchers is how many goroutines claim for the workers: one per maxBatch
// workers (a claim leases at most maxBatch deliveries), at least one and at
// most maxDispatchers. On SQLite one: its single connection runs one claim at
// a time anyway. Fewer dispatchers make larger claims: while one claim is
// under way the workers that finish queue up for the next, and a claim of
// many deliveries costs the database little more than a claim of one (it
// reads past the same deliveries in flight), measured: one dispatcher for
// 100 workers handles 1.5 to 2 times the deliveries per second of four.
func (ib *Inbox) dispatchers() int {
	if ib.dialect == SQLite {
		return 1
	}
	return max(1, min(ib.cfg.workers/maxBatch, maxDispatchers))
}

// dispatch claims deliveries for the workers until ctx ends: as many at once
// as workers are idle (ready holds one token per idle worker), in one
// transaction, and hands each to a worker. Claiming in batches takes one
// transaction for several deliveries instead of one each. It waits when
// there is nothing to claim, and backs off when claims fail.
func (ib *Inbox) dispatch(ctx context.Context, jobs chan<- claimed, ready <-chan struct{}) {
	var failures, idle int
	for ctx.Err() == nil {
		if idle == 0 { // wait for a worker to be free
			select {
			case <-ctx.Done():
				return
			case <-ready:
				idle++
			}
		}
		// Let a burst of deliveries being received go first; the workers
		// that finish meanwhile join this claim.
		ib.group.yield(ctx, ib.cfg.receiveFirst)
		for idle < maxBatch { // count every other free worker
			select {
			case <-ready:
				idle++
				continue
			default:
			}
			break
		}
		asked := idle
		ds, token, err := ib.claimBatch(ctx, ib.now(), asked)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			failures++
			wait := min(ib.cfg.poll<<min(failures-1, 8), max(maxErrorWait, ib.cfg.poll))
			ib.log.ErrorContext(ctx, "inbox: claiming deliveries failed", "err", err, "failures", failures, "retry_in", wait)
			ib.idle(ctx, wait)
		case len(ds) == 0:
			failures = 0
			ib.idle(ctx, ib.cfg.poll)
		default:
			failures = 0
			for _, d := range ds {
				jobs <- claimed{d: d, token: token} // a ready worker is waiting
				idle--
			}
			if len(ds) < asked {
				// Nothing more was claimable: wait for a wake-up rather
				// than claim again at once, which would find nothing and,
				// while it ran, miss the delivery being stored (a round
				// trip more before it is claimed).
				ib.idle(ctx, ib.cfg.poll)
			}
		}
	}
}

// idle waits for a wake-up, d (plus up to a tenth, so that replicas drift
// apart) or the end of ctx.
func (ib *Inbox) idle(ctx context.Context, d time.Duration) {
	d += rand.N(d/10 + 1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-ib.wake:
	case <-t.C:
	}
}

// process runs one attempt of d and records its outcome.
func (ib *Inbox) process(ctx context.Context, h event.Handler, d *Delivery, token string, done *completer) {
	log := ib.log.With("provider", string(d.Provider), "event_id", d.EventID, "type", string(d.Type),
		"delivery", d.ID, "attempt", d.Attempts)
	if d.Attempts > ib.cfg.maxAttempts {
		ib.bury(ctx, log, d, token)
		return
	}
	start := time.Now()
	actx := ctx // the attempt's context: AttemptStarted's when hooks are set
	if ib.cfg.hooks != nil {
		actx = ib.cfg.hooks.attemptStarted(ctx, attemptOf(d))
	}

	var (
		err    error
		latest *Delivery // with coalescing: the later delivery handled instead of d
	)
	if dec, derr := ib.decoderOf(d); derr != nil {
		err = derr
	} else if e, derr := dec.Decode(d.Header, d.Body); derr != nil {
		err = fmt.Errorf("inbox: decoding the stored delivery: %w", derr)
	} else {
		if m, me := ib.coalesceTarget(actx, log, d, dec); m != nil {
			latest, e = m, me
		}
		hctx, cancel := context.WithTimeout(actx, ib.cfg.lease)
		err = ib.handle(hctx, h, e)
		cancel()
	}
	dur := time.Since(start)

	// The outcome is written even when ctx has ended: it is what makes a
	// shutdown lose nothing.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	now := ib.now()
	wait, rateLimited := ib.rateLimitWait(err, d.Attempts)
	var (
		outcome, msg string
		held         bool
		ferr         error
		level        = slog.LevelInfo
		attrs        = []any{"duration", dur}
	)
	switch {
	case err == nil && latest != nil:
		out, n := ib.finishCoalesced(fctx, log, d, token, latest, now, attrs)
		ib.reportAttempt(actx, d, out, nil, dur, latest.ID, n)
		return
	case err == nil:
		// Written with the other workers' in one statement; the completer
		// logs, and reports to the hooks once the outcome is known.
		x := completion{id: d.ID, token: token, keys: d.subjectKeys(), log: log, attrs: attrs}
		if ib.cfg.hooks != nil {
			x.d, x.ctx, x.dur = d, actx, dur
		}
		done.complete(x)
		return
	case ctx.Err() != nil:
		outcome, msg = "released", "delivery released: the workers are stopping"
		attrs = append(attrs, "err", err)
		held, ferr = ib.finish(fctx, ib.q.release, d.ID, token, now, ib.q.timeArg(now), string(OutcomeReleased), errorText(err))
	case rateLimited:
		// The provider asked to wait: not the delivery's fault, so the
		// attempt is given back.
		next := now.Add(wait)
		outcome, msg = "rate_limited", "delivery deferred: the provider's rate limit asks to wait; the attempt is not counted"
		attrs = append(attrs, "next_attempt_at", next, "err", err)
		held, ferr = ib.finish(fctx, ib.q.release, d.ID, token, next, ib.q.timeArg(now), string(OutcomeRateLimited), errorText(err))
	case d.Attempts >= ib.cfg.maxAttempts:
		outcome, msg, level = "dead", "delivery failed on its last attempt: dead until retried", slog.LevelError
		attrs = append(attrs, errAttrs(err)...)
		held, ferr = ib.finishDead(fctx, ib.q.dead, d, token, now, errorText(err))
	default:
		next := now.Add(max(ib.cfg.backoff(d.Attempts), 0))
		outcome, msg, level = "retry", "delivery failed: retry scheduled", slog.LevelWarn
		attrs = append(attrs, "next_attempt_at", next)
		attrs = append(attrs, errAttrs(err)...)
		held, ferr = ib.finish(fctx, ib.q.retry, d.ID, token, next, errorText(err), ib.q.timeArg(now))
	}
	recorded := Outcome(outcome)
	switch {
	case ferr != nil:
		// The lease runs out and the delivery is attempted again.
		recorded = OutcomeNotRecorded
		log.ErrorContext(fctx, "inbox: recording the outcome failed; the delivery will be attempted again",
			"outcome", outcome, "err", ferr)
	case !held:
		recorded = OutcomeLeaseLost
		log.WarnContext(fctx, "lease lost: another worker took the delivery over; this outcome is discarded",
			append(attrs, "outcome", "lease_lost", "discarded", outcome)...)
	default:
		log.Log(fctx, level, msg, append(attrs, "outcome", outcome)...)
	}
	ib.reportAttempt(actx, d, recorded, err, dur, 0, 0)
}

// bury marks dead a delivery that was claimed with no attempt left: every
// attempt it was given started, and the last never recorded an outcome,
// because the process died (a crash, an OOM kill, os.Exit in the handler) or
// the handler outlived its lease. Running it again could crash the process
// again, and it would hold back its subject for ever; dead, it is kept with
// this error until Retry.
func (ib *Inbox) bury(ctx context.Context, log *slog.Logger, d *Delivery, token string) {
	started := d.Attempts - 1 // the claim counted one more
	msg := fmt.Sprintf("inbox: no attempt left: %d attempts started (at most %d), and the last never finished: "+
		"lease lost, because the process died or the handler outlived its lease", started, ib.cfg.maxAttempts)
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	held, err := ib.finishDead(fctx, ib.q.bury, d, token, ib.now(), msg)
	switch {
	case err != nil:
		log.ErrorContext(fctx, "inbox: marking a delivery with no attempt left dead failed; it will be tried again",
			"outcome", "dead", "err", err)
	case !held:
		log.WarnContext(fctx, "lease lost: another worker took the delivery over", "outcome", "lease_lost", "discarded", "dead")
	default:
		log.ErrorContext(fctx, "delivery dead: its attempts never finished", "outcome", "dead", "attempts", started,
			"err", msg)
		if h := ib.cfg.hooks; h != nil && h.Dead != nil {
			a := attemptOf(d)
			a.Number = started
			h.Dead(context.WithoutCancel(ctx), AttemptResult{AttemptInfo: a, Outcome: OutcomeDead, Err: errors.New(msg)})
		}
	}
}

// errAttrs describes err for the log, with the stack of a panic.
func errAttrs(err error) []any {
	var p *event.PanicError
	if errors.As(err, &p) {
		return []any{"err", err, "panic", fmt.Sprint(p.Value), "stack", string(p.Stack)}
	}
	return []any{"err", err}
}

// errorText is err's text as stored in last_error, bounded.
func errorText(err error) string {
	s := err.Error()
	if len(s) > maxErrorText {
		s = s[:maxErrorText]
	}
	return cleanText(s)
}
