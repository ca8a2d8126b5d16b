package hostaway

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hydrate"
)

// Hydrator is the event.Hydrator of Hostaway deliveries: it fetches the
// current state of a delivery's subject through a Client. It is safe for
// concurrent use.
//
// It fetches:
//
//   - a booking subject (reservation.created, reservation.updated, and any
//     delivery whose object is "reservation"): the reservation by its id,
//     with ReservationsService.Get (GET /v1/reservations/{id}). The
//     Record's Data is the *Reservation, its Booking the reservation
//     normalized as a delivery of it is (Reservation.Booking).
//   - a message subject (message.received): the message by its
//     conversation and id, with MessagesService.Get
//     (GET /v1/conversations/{conversationId}/messages/{id}). The Record's
//     Data is the *ConversationMessage, its Message the message normalized
//     as a delivery of it is (ConversationMessage.Message). Hostaway
//     addresses a message only within its conversation, so the delivery
//     must carry its conversationId.
//
// Everything else is returned unchanged, with a nil error, and
// event.RecordOf reports false for it: events of other providers, the test
// delivery (ping), a subject without an id or whose id is not a positive
// integer, a message delivery without a conversationId, and other kinds,
// since Hostaway sends no event about anything else.
//
// A 404 or 410 from Hostaway is a deleted record (Record.Deleted); a 429,
// or a call not sent because the client's rate-limit window is closed
// (*LimitError), is an error wrapping an *event.RateLimitError with the
// wait Hostaway asked for; any other failure, after the client's retries,
// is returned as it is (an *APIError when Hostaway answered). Hostaway's
// zoneless timestamps are read as UTC, as Hostaway documents them and as a
// Receiver without WithLocation reads them.
type Hydrator struct {
	client *Client
	// now is the clock of Record.FetchedAt; nil means time.Now.
	now func() time.Time
}

var _ event.Hydrator = (*Hydrator)(nil)

// NewHydrator returns a Hydrator that fetches through c. All the calls of
// one Client share its token and its rate-limit window, so give every
// Hydrator and worker of one Hostaway account the same Client. A nil c
// gives a Hydrator whose every fetch fails with ErrNoClient.
func NewHydrator(c *Client) *Hydrator {
	return &Hydrator{client: c}
}

// Provider returns Provider.
func (h *Hydrator) Provider() event.Provider { return Provider }

// Hydrate returns e with the current record of its subject; see Hydrator
// for what it fetches. It never changes e's ID, Raw, Data, Type or
// Subject: the returned event is e with a record (event.WithRecord).
func (h *Hydrator) Hydrate(ctx context.Context, e event.Event) (event.Event, error) {
	if e == nil || e.Provider() != Provider {
		return e, nil
	}
	s := e.Subject()
	id, ok := positiveID(s.ID)
	if !ok {
		return e, nil
	}
	if (s.Kind == event.KindBooking || s.Kind == event.KindMessage) && (h == nil || h.client == nil) {
		return nil, ErrNoClient
	}
	switch s.Kind {
	case event.KindBooking:
		return hydrate.Fetch(ctx, Provider, e, h.now, func(ctx context.Context) (event.Record, error) {
			r, _, err := h.client.Reservations.Get(ctx, id)
			if err != nil {
				return event.Record{}, err
			}
			b := r.Booking(time.UTC)
			return event.Record{Data: r, Booking: &b}, nil
		})
	case event.KindMessage:
		conv, ok := conversationOf(e)
		if !ok {
			return e, nil
		}
		return hydrate.Fetch(ctx, Provider, e, h.now, func(ctx context.Context) (event.Record, error) {
			m, _, err := h.client.Messages.Get(ctx, conv, id)
			if err != nil {
				return event.Record{}, err
			}
			msg := m.Message(time.UTC)
			return event.Record{Data: m, Message: &msg}, nil
		})
	}
	return e, nil
}

// ErrNoClient is the error of Hydrate, for a subject it would fetch, on a
// Hydrator made without a Client.
var ErrNoClient = errors.New("hostaway: hydrate: no client")

// conversationOf returns the conversation of a message delivery: the
// conversationId of its data.
func conversationOf(e event.Event) (int64, bool) {
	if w, ok := e.Data().(*Webhook); ok && w.Message != nil {
		if id := w.Message.ConversationID.Int64(); id > 0 {
			return id, true
		}
	}
	if m, ok := event.MessageOf(e); ok {
		return positiveID(m.ConversationID)
	}
	return 0, false
}

// positiveID parses a Hostaway id: a positive integer.
func positiveID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
