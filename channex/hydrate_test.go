package channex_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/event"
)

// receiveBody normalizes a delivery body as the Receiver does.
func receiveBody(t *testing.T, body map[string]any) event.Event {
	t.Helper()
	v, err := channex.NewVerifier(channex.SuggestedHeader, "s3cret")
	require.NoError(t, err)
	rc, err := channex.NewReceiver(v)
	require.NoError(t, err)
	b, err := json.Marshal(body)
	require.NoError(t, err)
	h := http.Header{}
	v.Sign(h, b)
	e, err := rc.Receive(h, b)
	require.NoError(t, err)
	return e
}

// envelope is a delivery of name for the fake's property, now, with
// payload (nil: none, as with send_data false).
func envelope(name string, payload any) map[string]any {
	m := map[string]any{
		"event": name, "property_id": channextest.PropertyID, "user_id": nil,
		"timestamp": time.Now().UTC().Format(time.RFC3339Nano),
	}
	if payload != nil {
		m["payload"] = payload
	}
	return m
}

// liveFeed is the payload of booking_new and its kin about b.
func liveFeed(b *channex.Booking) map[string]any {
	return map[string]any{
		"booking_id": string(b.ID), "booking_revision_id": string(b.RevisionID), "property_id": string(b.PropertyID),
		"arrival_date": b.ArrivalDate.String(), "amount": "1.00", "currency": "EUR", "customer_name": "Old Name",
		"count_of_nights": 1,
	}
}

// fixture is a client and the fake it calls.
type fixture struct {
	c   *channex.Client
	srv *channextest.Server
}

func TestHydrator_Hydrate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// setup stores records and returns the delivery.
		setup func(t *testing.T, f fixture) event.Event
		// check checks the outcome.
		check func(t *testing.T, f fixture, in, out event.Event, err error)
	}{
		{
			name: "booking fetched",
			setup: func(t *testing.T, f fixture) event.Event {
				b := f.srv.PutBooking(newRevision())
				return receiveBody(t, envelope(channex.EventBookingNew, liveFeed(b)))
			},
			check: func(t *testing.T, f fixture, in, out event.Event, err error) {
				require.NoError(t, err)
				rec, ok := event.RecordOf(out)
				require.True(t, ok)
				b, ok := rec.Data.(*channex.Booking)
				require.True(t, ok, "Data is the *Booking")
				require.NotNil(t, rec.Booking)
				assert.Empty(t, cmp.Diff(b.Booking(), *rec.Booking))
				got, _ := event.BookingOf(out)
				assert.Equal(t, "Ada Lovelace", got.Guest.Name, "the record, not the delivery's summary")
				assert.Equal(t, "ada@example.com", got.Guest.Email)
				assert.False(t, rec.Deleted)
				assert.WithinDuration(t, time.Now(), rec.FetchedAt, time.Minute)
				assert.Equal(t, 1, f.srv.Requests(http.MethodGet, "/bookings/{id}"))
			},
		},
		{
			name: "out of order: the current state, not the delivered one",
			setup: func(t *testing.T, f fixture) event.Event {
				b := f.srv.PutBooking(newRevision())
				cancel := newRevision()
				cancel.BookingID, cancel.Status = b.ID, channex.RevisionCancelled
				f.srv.PutBooking(cancel)
				return receiveBody(t, envelope(channex.EventBookingNew, liveFeed(b))) // late: the first revision
			},
			check: func(t *testing.T, _ fixture, in, out event.Event, err error) {
				require.NoError(t, err)
				assert.Equal(t, event.BookingCreated, out.Type(), "the type is the delivery's")
				got, _ := event.BookingOf(out)
				assert.Equal(t, event.StatusCancelled, got.Status)
				delivered, _ := event.BookingOf(in)
				assert.Equal(t, event.StatusConfirmed, delivered.Status)
			},
		},
		{
			name: "deleted",
			setup: func(t *testing.T, f fixture) event.Event {
				b := f.srv.PutBooking(newRevision())
				require.True(t, f.srv.DeleteBooking(string(b.ID)))
				return receiveBody(t, envelope(channex.EventBookingModification, liveFeed(b)))
			},
			check: func(t *testing.T, _ fixture, in, out event.Event, err error) {
				require.NoError(t, err)
				rec, ok := event.RecordOf(out)
				require.True(t, ok)
				assert.True(t, rec.Deleted)
				assert.Nil(t, rec.Data)
				got, _ := event.BookingOf(out)
				delivered, _ := event.BookingOf(in)
				assert.Equal(t, delivered, got, "what the delivery carried")
			},
		},
		{
			name: "rate limited",
			setup: func(t *testing.T, f fixture) event.Event {
				b := f.srv.PutBooking(newRevision())
				f.srv.Fail(http.MethodGet, "/bookings/{id}", channextest.Fault{
					Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}},
				})
				return receiveBody(t, envelope(channex.EventBookingNew, liveFeed(b)))
			},
			check: func(t *testing.T, _ fixture, _, out event.Event, err error) {
				var rl *event.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, channex.Provider, rl.Provider)
				assert.Equal(t, 120*time.Second, rl.RetryAfter)
				var apiErr *channex.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
				assert.Nil(t, out)
			},
		},
		{
			name: "5xx after the client's retries",
			setup: func(t *testing.T, f fixture) event.Event {
				b := f.srv.PutBooking(newRevision())
				f500 := channextest.Fault{Status: http.StatusInternalServerError}
				f.srv.Fail(http.MethodGet, "/bookings/{id}", f500, f500, f500)
				return receiveBody(t, envelope(channex.EventBookingNew, liveFeed(b)))
			},
			check: func(t *testing.T, f fixture, _, out event.Event, err error) {
				var apiErr *channex.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
				var rl *event.RateLimitError
				assert.False(t, errors.As(err, &rl))
				assert.Nil(t, out, "not deleted, not hydrated")
				assert.Equal(t, 3, f.srv.Requests(http.MethodGet, "/bookings/{id}"))
			},
		},
		{
			name: "generic booking event: the revision it names",
			setup: func(t *testing.T, f fixture) event.Event {
				b := f.srv.PutBooking(newRevision())
				return receiveBody(t, envelope(channex.EventBooking, map[string]any{
					"booking_id": string(b.ID), "property_id": string(b.PropertyID), "revision_id": string(b.RevisionID),
				}))
			},
			check: func(t *testing.T, f fixture, _, out event.Event, err error) {
				require.NoError(t, err)
				rec, ok := event.RecordOf(out)
				require.True(t, ok)
				rev, ok := rec.Data.(*channex.BookingRevision)
				require.True(t, ok, "Data is the *BookingRevision")
				assert.Equal(t, rev.Booking(), *rec.Booking)
				assert.Equal(t, 1, f.srv.Requests(http.MethodGet, "/booking_revisions/{id}"))
			},
		},
		{
			name: "message",
			setup: func(t *testing.T, f fixture) event.Event {
				b := f.srv.PutBooking(newRevision())
				m, err := f.srv.PutMessage(string(b.ID), channex.Message{Text: "Is parking free?"})
				require.NoError(t, err)
				_, err = f.srv.PutMessage(string(b.ID), channex.Message{Text: "Yes.", Sender: "property"})
				require.NoError(t, err)
				return receiveBody(t, envelope(channex.EventMessage, map[string]any{
					"id": string(m.ID), "message": "Is parking free?", "sender": "guest", "booking_id": string(b.ID),
					"message_thread_id": m.MessageThreadID, "property_id": channextest.PropertyID,
				}))
			},
			check: func(t *testing.T, _ fixture, in, out event.Event, err error) {
				require.NoError(t, err)
				rec, ok := event.RecordOf(out)
				require.True(t, ok)
				m, ok := rec.Data.(*channex.Message)
				require.True(t, ok, "Data is the *Message")
				require.NotNil(t, rec.Message)
				delivered, _ := event.MessageOf(in)
				want := delivered
				want.SentAt = m.InsertedAt.In(time.UTC)
				assert.Empty(t, cmp.Diff(want, *rec.Message), "the delivery's message, timed by Channex")
			},
		},
		{
			name: "message no longer listed",
			setup: func(t *testing.T, f fixture) event.Event {
				b := f.srv.PutBooking(newRevision())
				return receiveBody(t, envelope(channex.EventMessage, map[string]any{
					"id": "gone", "message": "hi", "sender": "guest", "booking_id": string(b.ID),
				}))
			},
			check: func(t *testing.T, _ fixture, _, out event.Event, err error) {
				require.NoError(t, err)
				rec, ok := event.RecordOf(out)
				require.True(t, ok)
				assert.True(t, rec.Deleted)
			},
		},
		{
			name: "thin booking_new (send_data false): unchanged, nothing guessed",
			setup: func(t *testing.T, f fixture) event.Event {
				f.srv.PutBooking(newRevision())
				return receiveBody(t, envelope(channex.EventBookingNew, nil))
			},
			check: checkUnguessed,
		},
		{
			name: "thin booking_cancellation: unchanged",
			setup: func(t *testing.T, f fixture) event.Event {
				f.srv.PutBooking(newRevision())
				return receiveBody(t, envelope(channex.EventBookingCancellation, nil))
			},
			check: checkUnguessed,
		},
		{
			name: "thin generic booking: unchanged",
			setup: func(t *testing.T, f fixture) event.Event {
				f.srv.PutBooking(newRevision())
				return receiveBody(t, envelope(channex.EventBooking, nil))
			},
			check: checkUnguessed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, srv := setupFake(t)
			f := fixture{c: c, srv: srv}
			in := tt.setup(t, f)
			out, err := channex.NewHydrator(c).Hydrate(t.Context(), in)
			tt.check(t, f, in, out, err)
			if out != nil {
				assert.Equal(t, in.ID(), out.ID())
				assert.Equal(t, in.Type(), out.Type())
				assert.Equal(t, in.Subject(), out.Subject())
				assert.Equal(t, in.Raw(), out.Raw())
				assert.Same(t, in.Data(), out.Data())
			}
		})
	}
}

// TestHydrator_Hydrate_notFetchable: events with nothing to fetch come back
// as they are, without a request.
func TestHydrator_Hydrate_notFetchable(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	h := channex.NewHydrator(c)
	bodies := map[string]map[string]any{
		"ari": envelope(channex.EventARI, []any{map[string]any{"date": "2030-01-01", "availability": 1}}),
		"reservation_request": envelope(channex.EventReservationRequest, map[string]any{
			"bms": map[string]any{"booking_id": "b-1", "status": "new"}, "resolved": false,
		}),
		"sync_error":                        envelope(channex.EventSyncError, map[string]any{"channel_id": "ch-1"}),
		"message without payload":           envelope(channex.EventMessage, nil),
		"non_acked_booking without payload": envelope(channex.EventNonAckedBooking, nil),
		"review":                            envelope(channex.EventReview, map[string]any{"id": "r-1"}),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			in := receiveBody(t, body)
			out, err := h.Hydrate(t.Context(), in)
			require.NoError(t, err)
			assert.Same(t, in, out)
			_, ok := event.RecordOf(out)
			assert.False(t, ok)
		})
	}
	other := event.New(event.Fields{Provider: "ownerrez", Type: event.BookingCreated, Subject: event.Subject{Kind: event.KindBooking, ID: "1"}})
	out, err := h.Hydrate(t.Context(), other)
	require.NoError(t, err)
	assert.Same(t, other, out, "another provider's event")
	for _, route := range []string{"/bookings/{id}", "/booking_revisions/feed", "/booking_revisions/{id}", "/bookings/{id}/messages"} {
		assert.Zero(t, srv.Requests(http.MethodGet, route), route)
	}
	assert.Equal(t, channex.Provider, h.Provider())
	assert.Panics(t, func() { channex.NewHydrator(nil) })
}

// checkUnguessed: a delivery without payload names no booking; the
// Hydrator returns it unchanged and asks Channex nothing, rather than guess
// which booking of the property it was about.
func checkUnguessed(t *testing.T, f fixture, in, out event.Event, err error) {
	t.Helper()
	require.NoError(t, err)
	assert.Same(t, in, out)
	_, ok := event.RecordOf(out)
	assert.False(t, ok)
	for _, route := range []string{"/booking_revisions/feed", "/bookings/{id}", "/booking_revisions/{id}"} {
		assert.Zero(t, f.srv.Requests(http.MethodGet, route), route)
	}
}

// TestHydrator_delivered: the whole path: a webhook, a delivery from the
// fake about a stored booking, and the handler sees the full booking
// through event.Hydrate.
func TestHydrator_delivered(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	v, err := channex.NewVerifier(channex.SuggestedHeader, "s3cret")
	require.NoError(t, err)
	rc, err := channex.NewReceiver(v)
	require.NoError(t, err)
	got := make(chan event.Booking, 1)
	handler := event.Hydrate(event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		got <- b
		return nil
	}), channex.NewHydrator(c))
	callback := testServer(t, event.NewHTTPHandler(rc, handler).ServeHTTP)

	_, _, err = c.Webhooks.Create(t.Context(), &channex.SubscriptionParams{
		PropertyID: channextest.PropertyID, URL: callback, Events: []string{channex.EventBookingNew},
		Headers: map[string]string{channex.SuggestedHeader: "s3cret"}, Enabled: true, SendData: true,
	})
	require.NoError(t, err)
	b := srv.PutBooking(newRevision())
	codes, err := srv.Deliver(t.Context(), channex.EventBookingNew, string(b.ID))
	require.NoError(t, err)
	assert.Equal(t, []int{http.StatusOK}, codes)
	select {
	case booking := <-got:
		assert.Empty(t, cmp.Diff(b.Booking(), booking))
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not run")
	}
}
