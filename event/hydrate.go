package event

import (
	"context"
	"strconv"
	"time"
)

// A Hydrator fetches, through the provider's API, the current state of the
// record an event is about. Many deliveries carry only a hint (OwnerRez
// sends an entity type and id, Channex may send no data at all) or a state
// that a later delivery already replaced; a Hydrator turns such a delivery
// into an event whose BookingOf and MessageOf report the record as it is now.
//
// Each provider package with a client offers one (ownerrez.NewHydrator, ...).
// Hydrate wraps a Handler with them; the inbox runs them in its workers (see
// inbox.WithHydrators), so that a failed fetch is an attempt retried later,
// never a lost delivery.
//
// Implementations are safe for concurrent use.
type Hydrator interface {
	// Provider is the provider whose events the Hydrator fetches.
	Provider() Provider

	// Hydrate returns e with the current record of its subject, built with
	// WithRecord: the returned event's Data, Raw, ID and the other fields
	// of the delivery stay e's own, and RecordOf reports the fetch.
	//
	// When e's subject is nothing the provider's API can fetch (a ping, a
	// sync report, a subject without id), Hydrate returns e itself and a
	// nil error; RecordOf(e) then reports false.
	//
	// A record the provider no longer has (404 or 410) is not an error:
	// the returned event's Record has Deleted set. A fetch the provider
	// refused for its rate limit returns an error wrapping a
	// *RateLimitError. Any other failure returns an error; the delivery
	// should then be tried again later.
	Hydrate(ctx context.Context, e Event) (Event, error)
}

// Record is what a Hydrator fetched for an event: the provider's record and
// its normalized form. RecordOf returns it.
type Record struct {
	// Data is the provider's typed record as fetched, such as
	// *ownerrez.Booking; nil when Deleted.
	Data any
	// Booking is the normalized record when it is a booking; BookingOf on
	// the hydrated event returns it.
	Booking *Booking
	// Message is the normalized record when it is a message; MessageOf on
	// the hydrated event returns it.
	Message *Message
	// Deleted reports that the provider answered that the record does not
	// exist (any more). BookingOf and MessageOf then report what the
	// delivery itself carried, if anything.
	Deleted bool
	// FetchedAt is when the record was fetched.
	FetchedAt time.Time
}

// WithRecord returns an event with e's content and the fetched record r:
// RecordOf reports r; BookingOf and MessageOf report r.Booking and r.Message
// when they are set, and what e carries otherwise. Unwrap returns e.
func WithRecord(e Event, r Record) Event {
	if h, ok := e.(*hydrated); ok {
		e = h.Event
	}
	return &hydrated{Event: e, rec: r}
}

// RecordOf returns the record a Hydrator fetched for e, and false when e was
// not hydrated or its subject was nothing to fetch.
func RecordOf(e Event) (Record, bool) {
	if h, ok := e.(*hydrated); ok {
		return h.rec, true
	}
	return Record{}, false
}

// hydrated is an Event with a fetched Record. It embeds the delivery, so
// every method of Event is the delivery's.
type hydrated struct {
	Event
	rec Record
}

// Unwrap returns the event as delivered.
func (h *hydrated) Unwrap() Event { return h.Event }

func (h *hydrated) Booking() (Booking, bool) {
	if h.rec.Booking != nil {
		return *h.rec.Booking, true
	}
	return BookingOf(h.Event)
}

func (h *hydrated) Message() (Message, bool) {
	if h.rec.Message != nil {
		return *h.rec.Message, true
	}
	return MessageOf(h.Event)
}

// RateLimitError reports that a provider refused a call for its rate limit
// and asked to wait. The inbox waits RetryAfter and runs the delivery again
// without counting the attempt; NewHTTPHandler answers 500 as for any error,
// so that the provider sends the delivery again later.
type RateLimitError struct {
	// Provider is the provider that refused the call.
	Provider Provider
	// RetryAfter is the wait the provider asked for; zero when it did not
	// say.
	RetryAfter time.Duration
	// Err is the provider's answer, such as a client's *APIError.
	Err error
}

// Error says who refused and for how long to wait.
func (e *RateLimitError) Error() string {
	s := "event: " + string(e.Provider) + ": rate limited"
	if e.RetryAfter > 0 {
		s += ", retry after " + e.RetryAfter.String()
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the provider's answer.
func (e *RateLimitError) Unwrap() error { return e.Err }

// Hydrate returns a Handler that hydrates each event with the Hydrator of
// its provider, then calls h with the hydrated event. An event of a provider
// without Hydrator reaches h as delivered (RecordOf reports false). When the
// fetch fails, h is not called and the error is returned, so that the
// delivery is tried again: NewHTTPHandler answers 500, and the inbox retries
// with its backoff (after the wait a *RateLimitError asks for, without
// counting the attempt).
//
// Of several Hydrators for one provider, the last wins.
func Hydrate(h Handler, hydrators ...Hydrator) Handler {
	m := make(map[Provider]Hydrator, len(hydrators))
	for _, hy := range hydrators {
		if hy != nil {
			m[hy.Provider()] = hy
		}
	}
	return HandlerFunc(func(ctx context.Context, e Event) error {
		hy, ok := m[e.Provider()]
		if !ok {
			return h.HandleEvent(ctx, e)
		}
		he, err := HydrateEvent(ctx, hy, e)
		if err != nil {
			return err
		}
		return h.HandleEvent(ctx, he)
	})
}

// HydrateEvent runs hy on e and returns the hydrated event. Its errors say
// which delivery failed, and wrap the Hydrator's error, so that
// errors.As(err, &*RateLimitError) and the provider's *APIError still match.
// It never returns a nil Event without an error: a Hydrator that returns
// none gives back e.
func HydrateEvent(ctx context.Context, hy Hydrator, e Event) (Event, error) {
	he, err := hy.Hydrate(ctx, e)
	if err != nil {
		return nil, &HydrateError{Provider: e.Provider(), Subject: e.Subject(), EventID: e.ID(), Err: err}
	}
	if he == nil {
		return e, nil
	}
	return he, nil
}

// HydrateError is the error of a fetch that failed: which delivery, and why.
type HydrateError struct {
	Provider Provider
	Subject  Subject
	EventID  string
	Err      error
}

// Error names the delivery and the cause.
func (e *HydrateError) Error() string {
	return "event: hydrate " + string(e.Provider) + " " + e.Subject.String() +
		" (event " + strconv.Quote(e.EventID) + "): " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *HydrateError) Unwrap() error { return e.Err }
