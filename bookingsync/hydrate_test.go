package bookingsync_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/verify"
)

// decode returns the event of a delivery body, unverified.
func decode(t *testing.T, body string) event.Event {
	t.Helper()
	rcv, err := bookingsync.NewReceiver(verify.Unverified())
	require.NoError(t, err)
	e, err := rcv.Decode(nil, []byte(body))
	require.NoError(t, err)
	return e
}

// sampleEvent returns the event of the sample for name.
func sampleEvent(t *testing.T, name string) event.Event {
	t.Helper()
	b, ok := bookingsynctest.Sample(name)
	require.True(t, ok)
	return decode(t, string(b))
}

func TestHydrator_Hydrate(t *testing.T) {
	t.Parallel()
	thin := `{"account_id":1059638630,"event":"booking_updated","resource":{"booking":{"id":80}}}`
	tests := []struct {
		name       string
		event      string // a sample name, or a body when it starts with "{"
		fault      *bookingsynctest.Fault
		wantData   any
		deleted    bool
		retryAfter time.Duration
		wantErr    bool
		unchanged  bool
	}{
		{name: "booking", event: "booking_updated", wantData: &bookingsync.Booking{}},
		{name: "thin booking", event: thin, wantData: &bookingsync.Booking{}},
		{name: "guest", event: "client_updated", wantData: &bookingsync.Guest{}},
		{name: "rental", event: "rental_updated", wantData: &bookingsync.Rental{}},
		{name: "availability is about its rental", event: "availability_updated", wantData: &bookingsync.Rental{}},
		{name: "deleted", event: "booking_destroyed", fault: &bookingsynctest.Fault{Status: http.StatusNotFound}, deleted: true},
		{name: "rate limited", event: "booking_updated", fault: &bookingsynctest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}}, retryAfter: 2 * time.Minute},
		{name: "5xx after retries", event: "booking_updated", fault: &bookingsynctest.Fault{Status: http.StatusBadGateway}, wantErr: true},
		{name: "payment is not fetched", event: "payment_created", unchanged: true},
		{name: "message is not fetched", event: "inbox_message_created", unchanged: true},
		{name: "no subject id", event: `{"event":"booking_updated","resource":{}}`, unchanged: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := setupAPI(t, bookingsync.WithRetryMax(1))
			if tt.fault != nil {
				srv.Fail(http.MethodGet, "/bookings/{id}", *tt.fault, *tt.fault)
			}
			var e event.Event
			if tt.event[0] == '{' {
				e = decode(t, tt.event)
			} else {
				e = sampleEvent(t, tt.event)
			}
			h := bookingsync.NewHydrator(c)
			assert.Equal(t, bookingsync.Provider, h.Provider())
			before := time.Now()
			got, err := h.Hydrate(t.Context(), e)
			switch {
			case tt.retryAfter > 0:
				var rl *event.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, tt.retryAfter, rl.RetryAfter)
				var apiErr *bookingsync.APIError
				require.ErrorAs(t, err, &apiErr)
				return
			case tt.wantErr:
				require.Error(t, err)
				var rl *event.RateLimitError
				assert.False(t, errors.As(err, &rl))
				return
			}
			require.NoError(t, err)
			rec, ok := event.RecordOf(got)
			if tt.unchanged {
				assert.False(t, ok)
				assert.Same(t, e, got)
				assert.Zero(t, srv.Requests(http.MethodPost, "/oauth/token"), "nothing fetched")
				return
			}
			require.True(t, ok)
			assert.Equal(t, e.ID(), got.ID())
			assert.Equal(t, e.Type(), got.Type())
			assert.Equal(t, e.Subject(), got.Subject())
			assert.Equal(t, e.Raw(), got.Raw())
			assert.Equal(t, e.Data(), got.Data())
			assert.False(t, rec.FetchedAt.Before(before))
			assert.Equal(t, tt.deleted, rec.Deleted)
			if tt.deleted {
				assert.Nil(t, rec.Data)
				return
			}
			assert.IsType(t, tt.wantData, rec.Data)
			if b, ok := rec.Data.(*bookingsync.Booking); ok {
				require.NotNil(t, rec.Booking)
				assert.Equal(t, bookingsync.NormalizeBooking(b), *rec.Booking)
				hb, ok := event.BookingOf(got)
				require.True(t, ok)
				assert.Equal(t, "80", hb.ID)
			}
		})
	}
}

// TestHydrator_thinDelivery: an id-only delivery comes out with the full
// booking, equal to the one a full delivery of the same record gives.
func TestHydrator_thinDelivery(t *testing.T) {
	t.Parallel()
	_, c := setupAPI(t)
	full, ok := event.BookingOf(sampleEvent(t, "booking_created"))
	require.True(t, ok)

	thin := decode(t, `{"account_id":1059638630,"event":"booking_updated","resource":{"booking":{"id":80}}}`)
	before, _ := event.BookingOf(thin)
	require.NotEqual(t, full, before, "the thin delivery carries only an id")

	got, err := bookingsync.NewHydrator(c).Hydrate(t.Context(), thin)
	require.NoError(t, err)
	b, ok := event.BookingOf(got)
	require.True(t, ok)
	if diff := cmp.Diff(full, b); diff != "" {
		t.Errorf("hydrated booking differs from the delivered one (-delivered +hydrated):\n%s", diff)
	}
}

// TestHydrator_delivered: a delivery the fake sends, signed, reaches a
// handler behind event.Hydrate with the record as the API has it now.
func TestHydrator_delivered(t *testing.T) {
	t.Parallel()
	srv, c := setupAPI(t)
	v, err := bookingsync.NewVerifier(bookingsynctest.ClientSecret)
	require.NoError(t, err)
	rcv, err := bookingsync.NewReceiver(v)
	require.NoError(t, err)
	got := make(chan event.Booking, 1)
	h := event.NewHTTPHandler(rcv, event.Hydrate(event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		got <- b
		return nil
	}), bookingsync.NewHydrator(c)))
	hook := httptest.NewServer(h)
	t.Cleanup(hook.Close)
	require.NoError(t, srv.AddEndpoint(hook.URL, bookingsynctest.ClientSecret, "booking_updated"))

	require.NoError(t, srv.CancelBooking("80"))
	require.NoError(t, srv.Deliver(t.Context(), "booking_updated", "80"))
	b := <-got
	assert.Equal(t, event.StatusCancelled, b.Status)

	require.Error(t, srv.Deliver(t.Context(), "booking_created", "80"), "no endpoint selects booking_created")
	require.Error(t, srv.Deliver(t.Context(), "booking_updated", "404"), "no such booking")
}
