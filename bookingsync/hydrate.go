package bookingsync

import (
	"context"
	"errors"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hydrate"
)

// Hydrator fetches the current record of a BookingSync delivery's subject
// through a Client: BookingSync documents no order of its deliveries and
// advises to fetch the record when one arrives. It is an event.Hydrator;
// it is safe for concurrent use.
//
// It fetches, by e.Subject():
//
//   - booking (booking_* events): Bookings.Get; Record.Data is the
//     *Booking, Record.Booking its event.Booking (NormalizeBooking, as a
//     delivery of it normalizes).
//   - guest (client_* events): Guests.Get; Record.Data is the *Guest.
//   - property (rental_* events, and availability_updated, whose subject is
//     its rental): Rentals.Get; Record.Data is the *Rental.
//
// Any other subject (payments, inquiries, messages, reviews, ..., a subject
// without id, another provider's event) is returned unchanged with a nil error: this client
// does not read them. A 404 or 410 gives Record.Deleted; a 429, or a
// *LimitError, an *event.RateLimitError.
type Hydrator struct {
	client *Client
	now    func() time.Time
}

// NewHydrator returns a Hydrator that fetches with c. Hydrate fails when c
// is nil.
func NewHydrator(c *Client) *Hydrator { return &Hydrator{client: c, now: time.Now} }

// Provider returns Provider.
func (h *Hydrator) Provider() event.Provider { return Provider }

// Hydrate returns e with the current record of its subject (see Hydrator),
// or e itself when its subject is nothing this client fetches. It never
// changes e's ID, Raw, Data, Type or Subject.
func (h *Hydrator) Hydrate(ctx context.Context, e event.Event) (event.Event, error) {
	s := e.Subject()
	if s.ID == "" || e.Provider() != Provider {
		return e, nil
	}
	var fetch func(context.Context) (event.Record, error)
	switch s.Kind {
	case event.KindBooking:
		fetch = func(ctx context.Context) (event.Record, error) {
			b, _, err := h.client.Bookings.Get(ctx, s.ID)
			if err != nil {
				return event.Record{}, err
			}
			nb := NormalizeBooking(b)
			return event.Record{Data: b, Booking: &nb}, nil
		}
	case event.KindGuest:
		fetch = func(ctx context.Context) (event.Record, error) {
			g, _, err := h.client.Guests.Get(ctx, s.ID)
			if err != nil {
				return event.Record{}, err
			}
			return event.Record{Data: g}, nil
		}
	case event.KindProperty:
		fetch = func(ctx context.Context) (event.Record, error) {
			r, _, err := h.client.Rentals.Get(ctx, s.ID)
			if err != nil {
				return event.Record{}, err
			}
			return event.Record{Data: r}, nil
		}
	default:
		return e, nil
	}
	if h == nil || h.client == nil {
		return nil, errors.New("bookingsync: hydrate: nil Client")
	}
	return hydrate.Fetch(ctx, Provider, e, h.now, fetch)
}
