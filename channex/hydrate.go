package channex

import (
	"context"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hydrate"
)

// Hydrator is the event.Hydrator of Channex: it fetches, with a Client, the
// current state of what a Channex delivery is about. Channex's own advice
// is to treat deliveries as triggers: they may come out of order, and
// without any data when the webhook's send_data is false.
//
// What it fetches, by the event's Subject:
//
//   - Kind booking with an id (booking_new, booking_modification,
//     booking_cancellation, non_acked_booking, booking_unmapped_room,
//     booking_unmapped_rate, and booking when WithGenericBookingType makes
//     it a booking.* type): BookingsService.Get, GET /bookings/{id}.
//     Record.Data is the *Booking, Record.Booking its Booking(). Channex's
//     booking is its latest revision, so this is the current state however
//     late or out of order the delivery came; the revision a delivery names
//     (GET /booking_revisions/{id}) is the state of that moment only.
//   - Kind booking_revision with an id (the generic booking event):
//     BookingRevisionsService.Get, GET /booking_revisions/{id}, the pull
//     Channex documents for that event. Record.Data is the
//     *BookingRevision, Record.Booking its Booking(): that revision's
//     state, which a later revision may have replaced.
//   - Kind message with an id (message): Channex has no call for one
//     message, so the Hydrator walks the messages of the payload's booking
//     (MessagesService.All, GET /bookings/{booking_id}/messages), or of its
//     conversation when it names no booking (MessagesService.AllThread, GET
//     /message_threads/{id}/messages), newest first, until it finds the
//     id. Record.Data is the *Message, Record.Message its Message() with the
//     delivery's property. A message in neither list is Record.Deleted.
//
// Everything else is returned unchanged with a nil error: the Airbnb
// request events (reservation_request, alteration_request,
// accepted_reservation, declined_reservation), whose pending request is
// not what the booking record shows; property, channel, review, inquiry and
// conversation subjects; every delivery without payload (send_data false),
// which names no booking or message, only its property and a timestamp;
// events of another provider. The booking such a delivery is about could
// only be guessed from the property's revision feed, and a wrong guess would
// hand the handler another booking than the one that changed: subscribe
// with send_data true, or recover the revisions from the feed with a
// Source (NewSource), which acknowledges what the inbox stored.
//
// A 404 is Record.Deleted; a 429, or a *LimitError, is an
// *event.RateLimitError. A Hydrator is safe for concurrent use; its
// fetches share the Client's rate-limit window.
type Hydrator struct {
	client *Client
	now    func() time.Time
}

// NewHydrator returns the Hydrator that fetches with c. It panics when c is
// nil, as a nil handler does in event.Mux.On.
func NewHydrator(c *Client) *Hydrator {
	if c == nil {
		panic("channex: NewHydrator with a nil Client")
	}
	return &Hydrator{client: c, now: time.Now}
}

// Provider returns Provider.
func (h *Hydrator) Provider() event.Provider { return Provider }

// Hydrate returns e with the current record of its subject; see Hydrator
// for what it fetches. It never changes e's ID, Raw, Data, Type or Subject.
func (h *Hydrator) Hydrate(ctx context.Context, e event.Event) (event.Event, error) {
	if e == nil || e.Provider() != Provider {
		return e, nil
	}
	fetch := h.fetcher(e)
	if fetch == nil {
		return e, nil
	}
	return hydrate.Fetch(ctx, Provider, e, h.now, fetch)
}

// fetcher returns the fetch of e's subject, or nil when there is none.
func (h *Hydrator) fetcher(e event.Event) func(context.Context) (event.Record, error) {
	s := e.Subject()
	switch e.Name() {
	case EventReservationRequest, EventAlterationRequest, EventAcceptedReservation, EventDeclinedReservation:
		return nil
	}
	switch s.Kind {
	case event.KindBooking:
		if s.ID != "" {
			return func(ctx context.Context) (event.Record, error) { return h.booking(ctx, s.ID) }
		}
	case event.KindBookingRevision:
		if s.ID != "" {
			return func(ctx context.Context) (event.Record, error) { return h.revision(ctx, s.ID) }
		}
	case event.KindMessage:
		w, _ := e.Data().(*Webhook)
		if s.ID == "" || w == nil || w.Message == nil {
			return nil
		}
		p := *w.Message
		if p.BookingID == "" && p.MessageThreadID == "" {
			return nil
		}
		return func(ctx context.Context) (event.Record, error) { return h.message(ctx, e, s.ID, &p) }
	}
	return nil
}

// booking fetches the booking id.
func (h *Hydrator) booking(ctx context.Context, id string) (event.Record, error) {
	b, _, err := h.client.Bookings.Get(ctx, id)
	if err != nil {
		return event.Record{}, err
	}
	nb := b.Booking()
	return event.Record{Data: b, Booking: &nb}, nil
}

// revision fetches the booking revision id.
func (h *Hydrator) revision(ctx context.Context, id string) (event.Record, error) {
	r, _, err := h.client.BookingRevisions.Get(ctx, id)
	if err != nil {
		return event.Record{}, err
	}
	b := r.Booking()
	return event.Record{Data: r, Booking: &b}, nil
}

// message finds the message id among the messages of p's booking, or of its
// conversation.
func (h *Hydrator) message(ctx context.Context, e event.Event, id string, p *MessagePayload) (event.Record, error) {
	list := h.client.Messages.AllThread(ctx, string(p.MessageThreadID), nil)
	if p.BookingID != "" {
		list = h.client.Messages.All(ctx, string(p.BookingID), nil)
	}
	for m, err := range list {
		if err != nil {
			return event.Record{}, err
		}
		if string(m.ID) != id {
			continue
		}
		if m.MessageThreadID == "" {
			m.MessageThreadID = string(p.MessageThreadID)
		}
		nm := m.Message()
		nm.PropertyID = e.Account()
		return event.Record{Data: m, Message: &nm}, nil
	}
	return event.Record{Deleted: true}, nil
}
