package inbox

import (
	"context"
	"time"

	"github.com/pmshooks/pmshooks/event"
)

// Hooks are functions the inbox calls as deliveries are stored and
// attempted, for metrics and traces (the module
// github.com/pmshooks/pmshooks/otel fills them for OpenTelemetry). Every
// field is optional: a nil one is not called, and with no Hooks (no
// WithHooks) the inbox does no extra work.
//
// They run on the inbox's goroutines (the request's, a worker's, the
// completer's), so they must be quick and safe for concurrent use. They are
// never given a body or a header; Err fields hold the error as returned (the
// handler's, the database's), whose text may hold ids: keep it out of
// metric attributes.
//
// The receiving side of HTTPHandler (authentication, decoding, rejections)
// reports to the event.Hooks given to HTTPHandler with event.WithHooks;
// these report what the store did.
type Hooks struct {
	// Stored is called when HTTPHandler committed a delivery: Dead is set
	// for an authentic delivery that could not be decoded, stored dead. It
	// runs after the commit, so a worker (of this process or another
	// replica) may start an attempt of the delivery before it does.
	Stored func(ctx context.Context, s Storing)
	// Duplicate is called when HTTPHandler was given a copy of a stored
	// delivery: not stored again, answered 200.
	Duplicate func(ctx context.Context, s Storing)
	// StoreFailed is called when the database did not commit a delivery:
	// answered 503 with Retry-After, so the provider retries. Err says why.
	StoreFailed func(ctx context.Context, s Storing)

	// AttemptStarted is called when a worker starts an attempt, before the
	// delivery is decoded and hydrated. The context it returns, derived from
	// ctx (a span, say), is the one the Hydrator, the handler and
	// AttemptFinished get; a nil return keeps ctx.
	AttemptStarted func(ctx context.Context, a AttemptInfo) context.Context
	// AttemptFinished is called once for every AttemptStarted, with the
	// outcome as recorded in the database: for OutcomeDone, after the
	// "done" was committed (the completer writes it asynchronously, in a
	// batch, a few milliseconds after the handler returned), so that a lost
	// lease or a failed write is reported as such and not as done. Its
	// context is the one AttemptStarted returned, without its cancellation.
	AttemptFinished func(ctx context.Context, r AttemptResult)
	// Dead is called when a delivery became dead: its last attempt failed
	// (after AttemptFinished with OutcomeDead), or a claim found it with no
	// attempt left because the earlier ones never finished (no
	// AttemptStarted then; Err says so). A delivery stored dead by
	// HTTPHandler is reported by Stored instead.
	Dead func(ctx context.Context, r AttemptResult)
}

// Storing is what Hooks.Stored, Duplicate and StoreFailed are told.
type Storing struct {
	Provider event.Provider
	// Type is the normalized type; event.TypeUnknown for a delivery that
	// could not be decoded.
	Type event.Type
	// EventID is the event's ID (for one that could not be decoded,
	// event.HashID of the body).
	EventID string
	// ID is the inbox's id of the stored delivery; 0 unless Stored.
	ID int64
	// Dead is set when the delivery was stored dead (not decodable).
	Dead bool
	// Err is why the database did not commit (StoreFailed only).
	Err error
	// Duration is how long the INSERT took.
	Duration time.Duration
}

// AttemptInfo identifies one attempt of a delivery, for Hooks. (An entry
// of Delivery.History is an Attempt.)
type AttemptInfo struct {
	// ID is the inbox's id of the delivery.
	ID       int64
	Provider event.Provider
	EventID  string
	Type     event.Type
	Subject  event.Subject
	// Number counts the attempts started, this one included (1 for the
	// first).
	Number int
	// ReceivedAt is when the delivery was stored.
	ReceivedAt time.Time
}

// AttemptResult is what Hooks.AttemptFinished and Hooks.Dead are told.
type AttemptResult struct {
	AttemptInfo
	Outcome Outcome
	// Err is the attempt's error (the handler's, a decode or hydration
	// error, a *event.PanicError); nil when the handler succeeded.
	Err error
	// Duration is how long the attempt ran: decoding, hydration and the
	// handler, not the write of its outcome.
	Duration time.Duration
	// HandledID is, for OutcomeCoalesced, the id of the later delivery the
	// handler was given; 0 otherwise.
	HandledID int64
	// Coalesced is, for OutcomeCoalesced, how many deliveries the call
	// finished besides the one handled (this one included).
	Coalesced int
}

// WithHooks sets the Hooks the inbox calls. A nil h is ignored; of several,
// the last wins. For the receiving side, give HTTPHandler event.WithHooks
// too.
func WithHooks(h *Hooks) Option {
	return func(c *config) {
		if h != nil {
			c.hooks = h
		}
	}
}

// The methods below are what the inbox calls: each is a no-op on nil Hooks
// or a nil field.

// storing calls f, one of the store hooks, when it is set.
func storing(ctx context.Context, f func(context.Context, Storing), s Storing) {
	if f != nil {
		f(ctx, s)
	}
}

func (h *Hooks) attemptStarted(ctx context.Context, a AttemptInfo) context.Context {
	if h == nil || h.AttemptStarted == nil {
		return ctx
	}
	if c := h.AttemptStarted(ctx, a); c != nil {
		return c
	}
	return ctx
}

// reportAttempt tells the hooks, if any, how the attempt of d that
// AttemptStarted was told of (ctx is the context it returned) ended:
// AttemptFinished, then Dead when the outcome is OutcomeDead.
func (ib *Inbox) reportAttempt(ctx context.Context, d *Delivery, out Outcome, err error, dur time.Duration, handled int64, coalesced int) {
	h := ib.cfg.hooks
	if h == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	r := AttemptResult{AttemptInfo: attemptOf(d), Outcome: out, Err: err, Duration: dur, HandledID: handled, Coalesced: coalesced}
	if h.AttemptFinished != nil {
		h.AttemptFinished(ctx, r)
	}
	if out == OutcomeDead && h.Dead != nil {
		h.Dead(ctx, r)
	}
}

// attemptOf describes d's current attempt for the hooks.
func attemptOf(d *Delivery) AttemptInfo {
	return AttemptInfo{
		ID: d.ID, Provider: d.Provider, EventID: d.EventID, Type: d.Type, Subject: d.Subject,
		Number: d.Attempts, ReceivedAt: d.ReceivedAt,
	}
}
