package ownerrez

import (
	"context"
	"strconv"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hydrate"
)

var _ event.Hydrator = (*Hydrator)(nil)

// Hydrator fetches, with a Client, the current record of what an OwnerRez
// delivery is about, as OwnerRez's own Zapier app does for every delivery:
// a delivery may carry only {action, entity_type, entity_id}, and the
// entity it does carry is the record as it was when the delivery was made.
// It implements event.Hydrator and is safe for concurrent use.
//
// By the event's Subject.Kind (see the Receiver):
//
//   - booking: Client.Bookings.Get; Record.Data is the *Booking and
//     Record.Booking its normalized form, the same event.Booking a
//     delivery carrying that booking gives (Booking.Normalize).
//   - message (thread_message deliveries): Client.Messages.Get;
//     Record.Data is the *ThreadMessage and Record.Message its normalized
//     form (ThreadMessage.Normalize). OwnerRez answers only accounts that
//     signed its messaging agreement; a refusal is an error.
//   - guest: Client.Guests.Get; Record.Data is the *Guest.
//   - property: Client.Properties.Get; Record.Data is the *Property.
//   - inquiry: Client.Inquiries.Get; Record.Data is the *Inquiry.
//
// Anything else comes back unchanged with a nil error (event.RecordOf
// reports false): events of another provider, pings and revocations (whose
// subject is the OAuth app), quotes (OwnerRez documents GET
// /v2/quotes/{id} but no quote schema), kinds this package does not know,
// and subjects whose id is not a positive integer.
//
// Deletions: an entity_delete delivery is fetched like any other. OwnerRez
// answers 404 for a record it no longer has, which the Hydrator reports as
// Record.Deleted (no error), so a handler tells "gone" from "failed"
// without a second code path. A record that still exists (a delivery
// replayed out of order, or a delete OwnerRez refused) comes back as it
// is, and the handler sees the record rather than the claim.
//
// A 429 returns an error wrapping *event.RateLimitError with OwnerRez's
// Retry-After (none is documented; zero when absent), and so does a call
// the client held back for its closed rate-limit window (*LimitError).
type Hydrator struct {
	c   *Client
	now func() time.Time
}

// NewHydrator returns a Hydrator that fetches with c. A nil c gives a
// Hydrator that returns every event unchanged.
func NewHydrator(c *Client) *Hydrator { return &Hydrator{c: c, now: time.Now} }

// Provider returns Provider.
func (h *Hydrator) Provider() event.Provider { return Provider }

// Hydrate returns e with the current record of its subject; see Hydrator
// for which subjects are fetched and how each outcome is reported. It
// never changes e's ID, Type, Subject, Data or Raw.
func (h *Hydrator) Hydrate(ctx context.Context, e event.Event) (event.Event, error) {
	if h == nil || h.c == nil || e == nil || e.Provider() != Provider {
		return e, nil
	}
	subject := e.Subject()
	id, err := strconv.ParseInt(subject.ID, 10, 64)
	if err != nil || id <= 0 {
		return e, nil
	}
	var fetch func(ctx context.Context) (event.Record, error)
	switch subject.Kind {
	case event.KindBooking:
		fetch = func(ctx context.Context) (event.Record, error) {
			b, _, err := h.c.Bookings.Get(ctx, id)
			if err != nil {
				return event.Record{}, err
			}
			nb := normalizeBooking(b, id)
			return event.Record{Data: b, Booking: &nb}, nil
		}
	case event.KindMessage:
		fetch = func(ctx context.Context) (event.Record, error) {
			m, _, err := h.c.Messages.Get(ctx, id)
			if err != nil {
				return event.Record{}, err
			}
			nm := messageOf(m)
			return event.Record{Data: m, Message: &nm}, nil
		}
	case event.KindGuest:
		fetch = data(h.c.Guests.Get, id)
	case event.KindProperty:
		fetch = data(h.c.Properties.Get, id)
	case event.KindInquiry:
		fetch = data(h.c.Inquiries.Get, id)
	default:
		return e, nil
	}
	return hydrate.Fetch(ctx, Provider, e, h.now, fetch)
}

// data returns the fetch of a record that has no normalized form.
func data[T any](get func(context.Context, int64) (*T, *Response, error), id int64) func(context.Context) (event.Record, error) {
	return func(ctx context.Context) (event.Record, error) {
		v, _, err := get(ctx, id)
		if err != nil {
			return event.Record{}, err
		}
		return event.Record{Data: v}, nil
	}
}
