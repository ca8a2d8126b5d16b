package event

import (
	"context"
	"net/http"
	"time"
)

// Hooks are functions that NewHTTPHandler and Middleware call as a delivery
// goes through them, for metrics and traces (the module
// github.com/pmshooks/pmshooks/otel fills them for OpenTelemetry). Every
// field is optional: a nil one is not called, and with no Hooks at all
// (no WithHooks) the handlers do no extra work and no allocation.
//
// The calls a request gets, in order:
//
//   - Rejected alone, when the request is refused before it became an Event
//     (wrong method, too large, not authentic, no free read slot, unreadable
//     or undecodable body).
//   - Otherwise Received, then Duplicate (NewHTTPHandler, a copy) or Handled
//     (NewHTTPHandler, the Handler ran) or neither (Middleware; the Deduper
//     failed), then Answered, always last.
//
// The functions run on the request's goroutine, between reading the request
// and answering it: they must be quick and safe for concurrent use. Nothing
// they are given holds a secret or a body byte; the Event they get does
// (Raw), and metrics built from it must use bounded values (provider,
// normalized type, outcome), never ids.
type Hooks struct {
	// Received is called once the delivery is authenticated and decoded,
	// before deduplication and the handler. The context it returns, derived
	// from ctx (a span, say), is the one the rest of the request sees: the
	// Handler's (NewHTTPHandler), next's (Middleware), and the later hooks'.
	// A nil return keeps ctx.
	Received func(ctx context.Context, r Receipt) context.Context
	// Rejected is called when the request is answered before it became an
	// Event; no other hook is called for it.
	Rejected func(ctx context.Context, r Rejection)
	// Duplicate is called when NewHTTPHandler's Deduper says the delivery
	// is a copy: one already handled (answered 200) or one being handled
	// right now (503).
	Duplicate func(ctx context.Context, d Duplication)
	// Handled is called when NewHTTPHandler's Handler returned, with its
	// error and how long it ran.
	Handled func(ctx context.Context, h Handling)
	// Answered is called after Received, once the request was answered,
	// whatever happened in between; for Middleware, when next returned.
	Answered func(ctx context.Context, a Answer)
}

// Receipt is what Hooks.Received is told.
type Receipt struct {
	Provider Provider
	// Event is the delivery, authenticated and decoded.
	Event Event
	// Start is when the request reached the handler, before it was read.
	Start time.Time
}

// Rejection is what Hooks.Rejected is told: never the credentials or the
// body, and no event id, since the delivery was not accepted.
type Rejection struct {
	Provider Provider
	// Reason is why, one of the RejectReason constants.
	Reason RejectReason
	// Status is the code answered: 405, 413, 401, 503, 400, or for
	// RejectMalformed the one the MalformedFunc wrote (200 for the inbox,
	// which stores the delivery dead).
	Status int
	// Start is when the request reached the handler.
	Start time.Time
}

// RejectReason classifies why a request was refused. The values are
// bounded, fit for a metric attribute.
type RejectReason string

// The reasons a request is refused.
const (
	RejectMethod          RejectReason = "method_not_allowed" // not a POST: 405
	RejectTooLarge        RejectReason = "too_large"          // body over the limit: 413
	RejectUnauthenticated RejectReason = "unauthenticated"    // credentials missing or wrong: 401
	RejectBusy            RejectReason = "busy"               // no free read slot: 503
	RejectUnreadable      RejectReason = "unreadable"         // the body could not be read: 400
	RejectMalformed       RejectReason = "malformed"          // authentic but not decodable: WithMalformed
)

// Duplication is what Hooks.Duplicate is told.
type Duplication struct {
	Provider Provider
	Event    Event
	// InFlight is true for a copy of a delivery being handled right now
	// (answered 503 with Retry-After), false for one already handled (200).
	InFlight bool
}

// Handling is what Hooks.Handled is told.
type Handling struct {
	Provider Provider
	Event    Event
	// Err is what the Handler returned (a *PanicError for a panic); nil on
	// success.
	Err error
	// Duration is how long the Handler ran.
	Duration time.Duration
}

// Answer is what Hooks.Answered is told.
type Answer struct {
	Provider Provider
	Event    Event
	// Status is the code answered; for Middleware, the one next wrote (200
	// when it wrote none).
	Status int
	// Start is when the request reached the handler; Answered is called
	// when it is done.
	Start time.Time
}

// WithHooks sets the Hooks that NewHTTPHandler and Middleware call. A nil h
// is ignored; several WithHooks all run, in the order given, each Received
// getting the context the one before returned.
func WithHooks(h *Hooks) HTTPOption {
	return func(c *httpConfig) {
		if h == nil {
			return
		}
		if c.hooks == nil {
			c.hooks = h
			return
		}
		c.hooks = chainHooks(c.hooks, h)
	}
}

// chainHooks returns Hooks that call a's functions, then b's.
func chainHooks(a, b *Hooks) *Hooks {
	return &Hooks{
		Received: func(ctx context.Context, r Receipt) context.Context {
			if a.Received != nil {
				if c := a.Received(ctx, r); c != nil {
					ctx = c
				}
			}
			if b.Received != nil {
				if c := b.Received(ctx, r); c != nil {
					ctx = c
				}
			}
			return ctx
		},
		Rejected: func(ctx context.Context, r Rejection) {
			if a.Rejected != nil {
				a.Rejected(ctx, r)
			}
			if b.Rejected != nil {
				b.Rejected(ctx, r)
			}
		},
		Duplicate: func(ctx context.Context, d Duplication) {
			if a.Duplicate != nil {
				a.Duplicate(ctx, d)
			}
			if b.Duplicate != nil {
				b.Duplicate(ctx, d)
			}
		},
		Handled: func(ctx context.Context, h Handling) {
			if a.Handled != nil {
				a.Handled(ctx, h)
			}
			if b.Handled != nil {
				b.Handled(ctx, h)
			}
		},
		Answered: func(ctx context.Context, x Answer) {
			if a.Answered != nil {
				a.Answered(ctx, x)
			}
			if b.Answered != nil {
				b.Answered(ctx, x)
			}
		},
	}
}

// The methods below are what the handlers call: each is a no-op on nil
// Hooks or a nil field, so that a handler without hooks pays one nil check.

func (h *Hooks) received(ctx context.Context, r Receipt) context.Context {
	if h == nil || h.Received == nil {
		return ctx
	}
	if c := h.Received(ctx, r); c != nil {
		return c
	}
	return ctx
}

func (h *Hooks) rejected(ctx context.Context, p Provider, reason RejectReason, status int, start time.Time) {
	if h != nil && h.Rejected != nil {
		h.Rejected(ctx, Rejection{Provider: p, Reason: reason, Status: status, Start: start})
	}
}

func (h *Hooks) duplicate(ctx context.Context, p Provider, e Event, inFlight bool) {
	if h != nil && h.Duplicate != nil {
		h.Duplicate(ctx, Duplication{Provider: p, Event: e, InFlight: inFlight})
	}
}

func (h *Hooks) handled(ctx context.Context, p Provider, e Event, err error, d time.Duration) {
	if h != nil && h.Handled != nil {
		h.Handled(ctx, Handling{Provider: p, Event: e, Err: err, Duration: d})
	}
}

func (h *Hooks) answered(ctx context.Context, p Provider, e Event, status int, start time.Time) {
	if h != nil && h.Answered != nil {
		h.Answered(ctx, Answer{Provider: p, Event: e, Status: status, Start: start})
	}
}

// statusRecorder remembers the status written through it, for
// Hooks.Answered after Middleware's next and Hooks.Rejected after a
// MalformedFunc. It is only used when hooks are set.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer's optional methods
// (Flush, deadlines) through the recorder.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush flushes the writer when it can; a Middleware's next that streams
// keeps working with hooks set.
func (s *statusRecorder) Flush() { _ = http.NewResponseController(s.ResponseWriter).Flush() }

// code is the status written, 200 when none was.
func (s *statusRecorder) code() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}
