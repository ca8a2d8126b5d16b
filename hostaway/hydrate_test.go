package hostaway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/verify"
)

// decode parses and normalizes a delivery body as a Receiver does.
func decode(t *testing.T, body string) event.Event {
	t.Helper()
	v, err := hostaway.NewVerifier(verify.Credentials{User: "login", Password: "password"})
	require.NoError(t, err)
	r, err := hostaway.NewReceiver(v)
	require.NoError(t, err)
	e, err := r.Decode(nil, []byte(body))
	require.NoError(t, err)
	return e
}

// delivered returns the event a Receiver makes of the fake's delivery of
// the stored record id: what a full delivery of the same record gives.
func delivered(t *testing.T, c *hostaway.Client, srv *hostawaytest.Server, name string, id int64) event.Event {
	t.Helper()
	v, err := hostaway.NewVerifier(verify.Credentials{User: "login", Password: "password"})
	require.NoError(t, err)
	r, err := hostaway.NewReceiver(v)
	require.NoError(t, err)
	var mu sync.Mutex
	var got event.Event
	hs := httptest.NewServer(event.NewHTTPHandler(r, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = e
		return nil
	})))
	defer hs.Close()
	hook, _, err := c.Webhooks.Create(t.Context(), &hostaway.SubscriptionParams{Enabled: true, URL: hs.URL, Login: "login", Password: "password"})
	require.NoError(t, err)
	defer c.Webhooks.Delete(context.Background(), hook.ID)
	require.NoError(t, srv.Deliver(t.Context(), name, id))
	mu.Lock()
	defer mu.Unlock()
	require.NotNil(t, got)
	return got
}

// sameDelivery checks that the hydrated event h kept everything of e.
func sameDelivery(t *testing.T, e, h event.Event) {
	t.Helper()
	assert.Equal(t, e.ID(), h.ID())
	assert.Equal(t, e.Raw(), h.Raw())
	assert.Same(t, e.Data().(*hostaway.Webhook), h.Data().(*hostaway.Webhook))
	assert.Equal(t, e.Type(), h.Type())
	assert.Equal(t, e.Subject(), h.Subject())
	assert.Equal(t, e.Name(), h.Name())
}

func thinReservation(id int64) string {
	return fmt.Sprintf(`{"object":"reservation","event":"reservation.updated","accountId":10450,"data":{"id":%d}}`, id)
}

func TestHydrator_Hydrate(t *testing.T) {
	t.Parallel()
	c, srv, _ := fakeSetup(t)
	h := hostaway.NewHydrator(c)
	assert.Equal(t, hostaway.Provider, h.Provider())
	ctx := t.Context()

	rid := srv.PutReservation(map[string]any{"guestName": "Ada Lovelace", "status": "cancelled", "totalPrice": 980.5})
	mid := srv.PutMessage(map[string]any{"conversationId": 77, "reservationId": rid, "body": "Is parking free?"})
	fullBooking := delivered(t, c, srv, hostaway.EventReservationUpdated, rid)
	fullMessage := delivered(t, c, srv, hostaway.EventMessageReceived, mid)

	t.Run("thin reservation delivery gets the full booking", func(t *testing.T) {
		e := decode(t, thinReservation(rid))
		thin, _ := event.BookingOf(e)
		require.Empty(t, thin.Guest.Name, "the delivery itself says little")

		before := time.Now()
		got, err := h.Hydrate(ctx, e)
		require.NoError(t, err)
		sameDelivery(t, e, got)
		rec, ok := event.RecordOf(got)
		require.True(t, ok)
		assert.False(t, rec.Deleted)
		assert.False(t, rec.FetchedAt.Before(before))
		r, ok := rec.Data.(*hostaway.Reservation)
		require.True(t, ok, "Data is the typed record")
		assert.Equal(t, rid, r.ID.Int64())

		want, _ := event.BookingOf(fullBooking)
		b, ok := event.BookingOf(got)
		require.True(t, ok)
		assert.Empty(t, cmp.Diff(want, b), "the booking a delivery of the same record gives")
		assert.Equal(t, event.StatusCancelled, b.Status)
		assert.Equal(t, "980.5 USD", b.Total.String())
		assert.Empty(t, cmp.Diff(&want, rec.Booking))
	})

	t.Run("message", func(t *testing.T) {
		e := decode(t, fmt.Sprintf(`{"object":"conversationMessage","event":"message.received","accountId":10450,"data":{"id":%d,"conversationId":77}}`, mid))
		got, err := h.Hydrate(ctx, e)
		require.NoError(t, err)
		sameDelivery(t, e, got)
		rec, ok := event.RecordOf(got)
		require.True(t, ok)
		m, ok := rec.Data.(*hostaway.ConversationMessage)
		require.True(t, ok)
		assert.Equal(t, mid, m.ID.Int64())
		want, _ := event.MessageOf(fullMessage)
		msg, ok := event.MessageOf(got)
		require.True(t, ok)
		assert.Empty(t, cmp.Diff(want, msg))
		assert.Equal(t, "Is parking free?", msg.Body)
		assert.Equal(t, 1, srv.Requests("GET", fmt.Sprintf("/conversations/77/messages/%d", mid)))
	})

	t.Run("deleted", func(t *testing.T) {
		gone := srv.PutReservation(nil)
		require.True(t, srv.DeleteReservation(gone))
		e := decode(t, thinReservation(gone))
		got, err := h.Hydrate(ctx, e)
		require.NoError(t, err, "a 404 is an outcome, not an error")
		rec, ok := event.RecordOf(got)
		require.True(t, ok)
		assert.True(t, rec.Deleted)
		assert.Nil(t, rec.Data)
		assert.False(t, rec.FetchedAt.IsZero())
		b, _ := event.BookingOf(got)
		assert.Equal(t, fmt.Sprint(gone), b.ID, "the delivery's own booking")

		goneMsg := srv.PutMessage(nil)
		srv.DeleteMessage(goneMsg)
		got, err = h.Hydrate(ctx, decode(t, fmt.Sprintf(`{"object":"conversationMessage","event":"message.received","data":{"id":%d,"conversationId":1406}}`, goneMsg)))
		require.NoError(t, err)
		rec, _ = event.RecordOf(got)
		assert.True(t, rec.Deleted)
	})
}

func TestHydrator_Hydrate_failures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		faults     []hostawaytest.Fault
		retryAfter time.Duration // > 0: an *event.RateLimitError with this wait
		status     int           // else an *APIError with this status
		requests   int
	}{
		{
			name:       "429 with Retry-After",
			faults:     []hostawaytest.Fault{{Status: 429, Header: http.Header{"Retry-After": {"7"}}}},
			retryAfter: 7 * time.Second,
			requests:   1,
		},
		{
			name:     "5xx after the client's retries",
			faults:   []hostawaytest.Fault{{Status: 500}, {Status: 502}, {Status: 503}, {Status: 500}, {Status: 500}},
			status:   500,
			requests: 5,
		},
		{
			name:     "403 after a new token",
			faults:   []hostawaytest.Fault{{Status: 403}, {Status: 403}},
			status:   403,
			requests: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, srv, _ := fakeSetup(t, hostaway.WithRetryAfterMax(time.Second))
			h := hostaway.NewHydrator(c)
			rid := srv.PutReservation(nil)
			srv.Fail("GET", "/reservations/{id}", tt.faults...)

			_, err := h.Hydrate(t.Context(), decode(t, thinReservation(rid)))
			require.Error(t, err)
			assert.Equal(t, tt.requests, srv.Requests("GET", "/reservations/{id}"))
			var rl *event.RateLimitError
			if tt.retryAfter > 0 {
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, hostaway.Provider, rl.Provider)
				assert.Equal(t, tt.retryAfter, rl.RetryAfter)

				// The window stays closed: the next fetch is not sent.
				_, err = h.Hydrate(t.Context(), decode(t, thinReservation(rid)))
				require.ErrorAs(t, err, &rl)
				var limitErr *hostaway.LimitError
				require.ErrorAs(t, err, &limitErr)
				assert.Positive(t, rl.RetryAfter)
				assert.LessOrEqual(t, rl.RetryAfter, tt.retryAfter)
				assert.Equal(t, tt.requests, srv.Requests("GET", "/reservations/{id}"))
				return
			}
			assert.False(t, errors.As(err, &rl), "not rate limited")
			var apiErr *hostaway.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
		})
	}
}

func TestHydrator_Hydrate_notFetchable(t *testing.T) {
	t.Parallel()
	c, srv, _ := fakeSetup(t)
	h := hostaway.NewHydrator(c)
	ping, ok := hostawaytest.Sample(hostaway.EventTest)
	require.True(t, ok)
	tests := map[string]event.Event{
		"ping":                         decode(t, string(ping)),
		"reservation without id":       decode(t, `{"object":"reservation","event":"reservation.updated","data":{"status":"new"}}`),
		"reservation id not a number":  decode(t, `{"object":"reservation","event":"reservation.updated","data":{"id":"R-1"}}`),
		"message without conversation": decode(t, `{"object":"conversationMessage","event":"message.received","data":{"id":9}}`),
		"unknown object":               decode(t, `{"object":"listing","event":"listing.updated","data":{"id":40160}}`),
		"another provider": event.New(event.Fields{Provider: "ownerrez", Type: event.BookingUpdated, ID: "x",
			Subject: event.Subject{Kind: event.KindBooking, ID: "13"}}),
	}
	for name, e := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := h.Hydrate(t.Context(), e)
			require.NoError(t, err)
			assert.Equal(t, e, got, "returned unchanged")
			_, ok := event.RecordOf(got)
			assert.False(t, ok)
		})
	}
	assert.Zero(t, srv.Requests("GET", "/reservations/{id}"))
	assert.Zero(t, srv.Requests("GET", "/conversations/{conversationId}/messages/{id}"))
}

func TestHydrator_Hydrate_noClient(t *testing.T) {
	t.Parallel()
	_, err := hostaway.NewHydrator(nil).Hydrate(t.Context(), decode(t, thinReservation(13)))
	require.ErrorIs(t, err, hostaway.ErrNoClient)
}
