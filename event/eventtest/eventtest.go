// Package eventtest helps users test their event handlers without a provider
// package: build an Event of any provider and type, record what a handler
// got, and serve deliveries through a Receiver that needs no real signature.
//
//	rec := &eventtest.Recorder{}
//	mux := event.NewMux()
//	mux.On(event.BookingCancelled, rec)
//
//	e := eventtest.New(event.Fields{
//		Provider: "channex",
//		Type:     event.BookingCancelled,
//		Booking:  &event.Booking{ID: "b-1", Status: event.StatusCancelled},
//	})
//	_ = mux.HandleEvent(ctx, e)
//	// rec.Events() holds e.
package eventtest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/verify"
)

// New returns an Event with the content of f, filling what f leaves empty:
// Type TypeUnknown, Name the type's text, Raw "{}", ID HashID of Raw, and
// Subject from the booking or message when f carries one.
func New(f event.Fields) event.Event {
	if f.Type == "" {
		f.Type = event.TypeUnknown
	}
	if f.Name == "" {
		f.Name = string(f.Type)
	}
	if f.Raw == nil {
		f.Raw = []byte("{}")
	}
	if f.ID == "" {
		f.ID = event.HashID(f.Raw)
	}
	if f.Subject.IsZero() {
		switch {
		case f.Booking != nil:
			f.Subject = event.Subject{Kind: event.KindBooking, ID: f.Booking.ID}
		case f.Message != nil:
			f.Subject = event.Subject{Kind: event.KindMessage, ID: f.Message.ID}
		}
	}
	return event.New(f)
}

// Recorder is a Handler that records every event it is given, and returns Err
// (nil by default) from each call. It is safe for concurrent use.
type Recorder struct {
	// Err is returned by every HandleEvent call. Set it before use.
	Err error

	mu     sync.Mutex
	events []event.Event
}

// HandleEvent records e and returns r.Err.
func (r *Recorder) HandleEvent(_ context.Context, e event.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return r.Err
}

// Events returns the events recorded so far, in order.
func (r *Recorder) Events() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// Len returns how many events were recorded.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// Reset forgets the recorded events.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}

// Receiver is an event.Receiver for tests: it checks deliveries with
// Verifier and turns every authentic body into an event with DecodeFunc. Its
// zero value is not usable: Verifier is required (verify.Unverified()
// accepts anything).
type Receiver struct {
	// Name is the provider the events come from; "test" when empty.
	Name event.Provider
	// Verifier authenticates deliveries. Required.
	Verifier verify.Verifier
	// DecodeFunc builds the event from the body. Nil means an event of type
	// TypeUnknown whose Raw is the body and whose ID is HashID of it. An
	// error it returns should wrap event.ErrMalformed.
	DecodeFunc func(body []byte) (event.Event, error)
}

// Provider returns r.Name, or "test".
func (r *Receiver) Provider() event.Provider {
	if r.Name == "" {
		return "test"
	}
	return r.Name
}

// Receive verifies body with r.Verifier, then decodes it.
func (r *Receiver) Receive(h http.Header, body []byte) (event.Event, error) {
	if r.Verifier == nil {
		return nil, fmt.Errorf("eventtest: Receiver has no Verifier: %w", verify.ErrUnauthorized)
	}
	if err := r.Verifier.Verify(h, body); err != nil {
		return nil, err
	}
	return r.Decode(h, body)
}

// VerifyHeader checks what r.Verifier can check from the headers alone,
// implementing verify.HeaderVerifier: the whole credential for a token or
// Basic verifier, the presence of a signature for HMAC. It returns nil when
// r.Verifier is no verify.HeaderVerifier, and an error wrapping
// verify.ErrUnauthorized when r has no Verifier.
func (r *Receiver) VerifyHeader(h http.Header) error {
	if r.Verifier == nil {
		return fmt.Errorf("eventtest: Receiver has no Verifier: %w", verify.ErrUnauthorized)
	}
	if hv, ok := r.Verifier.(verify.HeaderVerifier); ok {
		return hv.VerifyHeader(h)
	}
	return nil
}

// Decode decodes body without verifying it, implementing event.Decoder.
func (r *Receiver) Decode(_ http.Header, body []byte) (event.Event, error) {
	if r.DecodeFunc == nil {
		return New(event.Fields{Provider: r.Provider(), Raw: body}), nil
	}
	return r.DecodeFunc(body)
}
