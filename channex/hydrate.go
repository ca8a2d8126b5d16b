package channex

import (
	"context"
	"errors"
	"strings"
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
//   - A booking_new, booking_modification, booking_cancellation or
//     booking delivery without payload (send_data false) names no booking,
//     only its property and a timestamp. The Hydrator then reads the
//     property's unacknowledged revisions (BookingRevisionsService.All, GET
//     /booking_revisions/feed) and takes the newest one whose status fits
//     the event (new, modified, cancelled; any for booking) and that Channex
//     received at most 10 minutes before the delivery's timestamp (and no
//     more than 2 s after it); then it fetches that revision's booking as
//     above (for booking, the revision is the record). When none fits (the
//     revision was acknowledged already, or the delivery has no
//     timestamp), the event is returned unchanged. This is a best guess:
//     subscribe with send_data true to know which booking a delivery is
//     about.
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
// conversation subjects; a message delivery without payload; events of
// another provider.
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

// errNothing tells Hydrate that the event names nothing to fetch after all.
var errNothing = errors.New("channex: nothing to fetch")

// Bounds of the revision a delivery without payload is taken to be about:
// received at most noDataWindow before the delivery's timestamp, and at most
// noDataSkew after it.
const (
	noDataWindow = 10 * time.Minute
	noDataSkew   = 2 * time.Second
)

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
	he, err := hydrate.Fetch(ctx, Provider, e, h.now, fetch)
	if errors.Is(err, errNothing) {
		return e, nil
	}
	return he, err
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
		if status, ok := noDataStatus(e.Name()); ok {
			return func(ctx context.Context) (event.Record, error) {
				rev, err := h.guessRevision(ctx, e, status)
				if err != nil {
					return event.Record{}, err
				}
				return h.booking(ctx, string(rev.BookingID))
			}
		}
	case event.KindBookingRevision:
		if s.ID != "" {
			return func(ctx context.Context) (event.Record, error) { return h.revision(ctx, s.ID) }
		}
		if e.Name() == EventBooking {
			return func(ctx context.Context) (event.Record, error) {
				rev, err := h.guessRevision(ctx, e, "")
				if err != nil {
					return event.Record{}, err
				}
				b := rev.Booking()
				return event.Record{Data: rev, Booking: &b}, nil
			}
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

// noDataStatus is the revision status a booking event without payload is
// about ("" for any), and false for the events the Hydrator does not guess
// for.
func noDataStatus(name string) (RevisionStatus, bool) {
	switch name {
	case EventBookingNew:
		return RevisionNew, true
	case EventBookingModification:
		return RevisionModified, true
	case EventBookingCancellation:
		return RevisionCancelled, true
	case EventBooking:
		return "", true
	}
	return "", false
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

// guessRevision returns the unacknowledged revision of e's property that a
// delivery without payload is most likely about: the newest of status
// status ("" for any) received within noDataWindow before e's timestamp.
// It returns errNothing when there is none.
func (h *Hydrator) guessRevision(ctx context.Context, e event.Event, status RevisionStatus) (*BookingRevision, error) {
	at := e.Time()
	if at.IsZero() || e.Account() == "" {
		return nil, errNothing
	}
	var best *BookingRevision
	var bestAt time.Time
	for rev, err := range h.client.BookingRevisions.All(ctx, &FeedOptions{PropertyID: e.Account()}) {
		if err != nil {
			return nil, err
		}
		if status != "" && !strings.EqualFold(string(rev.Status), string(status)) {
			continue
		}
		in := utcInstant(rev.InsertedAt)
		if in.IsZero() || in.After(at.Add(noDataSkew)) || in.Before(at.Add(-noDataWindow)) {
			continue
		}
		if best == nil || !in.Before(bestAt) {
			best, bestAt = rev, in
		}
	}
	if best == nil || best.BookingID == "" {
		return nil, errNothing
	}
	return best, nil
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
