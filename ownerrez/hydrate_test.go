package ownerrez_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/verify"
)

// decode normalizes a delivery body as the Receiver does.
func decode(t *testing.T, body string) event.Event {
	t.Helper()
	rc, err := ownerrez.NewReceiver(verify.Unverified())
	require.NoError(t, err)
	e, err := rc.Decode(nil, []byte(body))
	require.NoError(t, err)
	return e
}

// TestHydrator_Hydrate covers every outcome of a fetch against the fake.
func TestHydrator_Hydrate(t *testing.T) {
	t.Parallel()
	type outcome int
	const (
		fetched outcome = iota
		deleted
		unchanged
		rateLimited
		failed
	)
	tests := []struct {
		name   string
		body   string
		setup  func(s *ownerreztest.Server)
		want   outcome
		check  func(t *testing.T, rec event.Record, e event.Event)
		wait   time.Duration
		routes []string // routes that must see exactly one request
	}{
		{
			name: "stale booking delivery gets the current state",
			body: `{"id":"d1","user_id":1,"action":"entity_update","entity_type":"booking","entity_id":1001,"entity":{"id":1001,"status":"active","property_id":474841}}`,
			setup: func(s *ownerreztest.Server) {
				b := fullBooking()
				b.Status = ownerrez.BookingCanceled
				s.PutBooking(b)
			},
			check: func(t *testing.T, rec event.Record, e event.Event) {
				require.IsType(t, &ownerrez.Booking{}, rec.Data)
				assert.Equal(t, ownerrez.BookingCanceled, rec.Data.(*ownerrez.Booking).Status)
				b, ok := event.BookingOf(e)
				require.True(t, ok)
				assert.Equal(t, event.StatusCancelled, b.Status)
				assert.Equal(t, "Ada Lovelace", b.Guest.Name)
				assert.Equal(t, event.BookingUpdated, e.Type(), "the type stays the delivery's; BookingOf tells the cancellation")
			},
			routes: []string{"/bookings/{id}"},
		},
		{
			name:  "guest",
			body:  `{"id":"d2","action":"entity_update","entity_type":"guest","entity_id":1001}`,
			setup: func(s *ownerreztest.Server) { s.PutGuest(ownerrez.Guest{FirstName: "Ada"}) },
			check: func(t *testing.T, rec event.Record, _ event.Event) {
				require.IsType(t, &ownerrez.Guest{}, rec.Data)
				assert.Equal(t, "Ada", rec.Data.(*ownerrez.Guest).Name())
				assert.Nil(t, rec.Booking)
			},
			routes: []string{"/guests/{id}"},
		},
		{
			name:  "property",
			body:  `{"id":"d3","action":"entity_create","entity_type":"property","entity_id":1001}`,
			setup: func(s *ownerreztest.Server) { s.PutProperty(ownerrez.Property{Name: "S402"}) },
			check: func(t *testing.T, rec event.Record, _ event.Event) {
				require.IsType(t, &ownerrez.Property{}, rec.Data)
				assert.Equal(t, "S402", string(rec.Data.(*ownerrez.Property).Name))
			},
			routes: []string{"/properties/{id}"},
		},
		{
			name:  "inquiry",
			body:  `{"id":"d4","action":"entity_create","entity_type":"inquiry","entity_id":1001}`,
			setup: func(s *ownerreztest.Server) { s.PutInquiry(ownerrez.Inquiry{Status: "open"}) },
			check: func(t *testing.T, rec event.Record, _ event.Event) {
				require.IsType(t, &ownerrez.Inquiry{}, rec.Data)
			},
			routes: []string{"/inquiries/{id}"},
		},
		{
			name: "message",
			body: `{"id":"d5","action":"entity_create","entity_type":"thread_message","entity_id":1001}`,
			setup: func(s *ownerreztest.Server) {
				s.PutMessage(ownerrez.ThreadMessage{Body: "Is the pool heated?", FromRole: "guest", Thread: &ownerrez.Thread{ID: id(9), BookingID: id(1001)}})
			},
			check: func(t *testing.T, rec event.Record, e event.Event) {
				require.NotNil(t, rec.Message)
				m, ok := event.MessageOf(e)
				require.True(t, ok)
				assert.Equal(t, event.Message{ID: "1001", ConversationID: "9", BookingID: "1001", Body: "Is the pool heated?", Incoming: true}, m)
			},
			routes: []string{"/messages/{id}"},
		},
		{
			name:   "deleted booking",
			body:   `{"user_id":1,"action":"entity_delete","entity_type":"booking","entity_id":9001}`,
			want:   deleted,
			routes: []string{"/bookings/{id}"},
		},
		{
			name: "rate limited",
			body: `{"id":"d6","action":"entity_update","entity_type":"booking","entity_id":1001}`,
			setup: func(s *ownerreztest.Server) {
				s.Fail(http.MethodGet, "/bookings/{id}", ownerreztest.Fault{Status: 429, Header: http.Header{"Retry-After": {"120"}}})
			},
			want:   rateLimited,
			wait:   120 * time.Second,
			routes: []string{"/bookings/{id}"},
		},
		{
			name: "5xx after retries",
			body: `{"id":"d7","action":"entity_update","entity_type":"guest","entity_id":1001}`,
			setup: func(s *ownerreztest.Server) {
				s.Fail(http.MethodGet, "/guests/{id}", ownerreztest.Fault{Status: 500}, ownerreztest.Fault{Status: 503})
			},
			want: failed,
		},
		{name: "ping", body: `{"id":"d8","user_id":1,"action":"webhook_test","entity_type":"api_application","entity_id":12345}`, want: unchanged},
		{name: "revoked", body: `{"id":"d9","action":"application_authorization_revoked","entity_type":"api_application","entity_id":12345}`, want: unchanged},
		{name: "quote", body: `{"id":"d10","action":"entity_update","entity_type":"quote","entity_id":1001}`, want: unchanged},
		{name: "unknown kind", body: `{"id":"d11","action":"entity_update","entity_type":"owner","entity_id":1001}`, want: unchanged},
		{name: "no id", body: `{"id":"d12","action":"entity_update","entity_type":"booking"}`, want: unchanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t, ownerrez.WithRetryMax(1), ownerrez.WithRetryAfterMax(time.Second))
			if tt.setup != nil {
				tt.setup(srv)
			}
			e := decode(t, tt.body)
			at := time.Now()
			got, err := ownerrez.NewHydrator(c).Hydrate(t.Context(), e)

			switch tt.want {
			case rateLimited:
				var rl *event.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, tt.wait, rl.RetryAfter)
				assert.Equal(t, ownerrez.Provider, rl.Provider)
				var apiErr *ownerrez.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, "429", apiErr.Code)
			case failed:
				require.Error(t, err)
				var apiErr *ownerrez.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
				var rl *event.RateLimitError
				assert.False(t, errors.As(err, &rl))
				assert.Nil(t, got)
			case unchanged:
				require.NoError(t, err)
				assert.Same(t, e, got)
				_, ok := event.RecordOf(got)
				assert.False(t, ok)
				assert.Zero(t, srv.Requests(http.MethodGet, "/bookings/{id}")+srv.Requests(http.MethodGet, "/guests/{id}"))
			default:
				require.NoError(t, err)
				rec, ok := event.RecordOf(got)
				require.True(t, ok)
				assert.Equal(t, tt.want == deleted, rec.Deleted)
				assert.False(t, rec.FetchedAt.Before(at))
				// The delivery's own content stays.
				assert.Equal(t, e.ID(), got.ID())
				assert.Equal(t, e.Type(), got.Type())
				assert.Equal(t, e.Subject(), got.Subject())
				assert.Equal(t, e.Raw(), got.Raw())
				assert.Same(t, e.Data(), got.Data())
				if tt.check != nil {
					tt.check(t, rec, got)
				}
			}
			for _, r := range tt.routes {
				assert.Equal(t, 1, srv.Requests(http.MethodGet, r), r)
			}
		})
	}
}

// TestHydrator_closedWindow: after a 429 beyond the client's wait cap, the
// next fetch is held back unsent and still reports the wait.
func TestHydrator_closedWindow(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, ownerrez.WithRetryAfterMax(time.Second))
	srv.Fail(http.MethodGet, "/bookings/{id}", ownerreztest.Fault{Status: 429, Header: http.Header{"Retry-After": {"300"}}})
	h := ownerrez.NewHydrator(c)
	e := decode(t, `{"id":"d1","action":"entity_update","entity_type":"booking","entity_id":1001}`)
	_, err := h.Hydrate(t.Context(), e)
	var rl *event.RateLimitError
	require.ErrorAs(t, err, &rl)
	_, err = h.Hydrate(t.Context(), e)
	require.ErrorAs(t, err, &rl)
	assert.Greater(t, rl.RetryAfter, 200*time.Second)
	var limit *ownerrez.LimitError
	require.ErrorAs(t, err, &limit)
	assert.Equal(t, 1, srv.Requests(http.MethodGet, "/bookings/{id}"), "the second fetch is not sent")
}

// TestHydrator_thinDelivery is the headline case: a thin OwnerRez delivery,
// {action, entity_type, entity_id} only, reaches the handler with the same
// full Booking a delivery carrying the record gives, both sent by the
// fake's Deliver through a real subscription and Receiver.
func TestHydrator_thinDelivery(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	stored := srv.PutBooking(fullBooking())
	events := receiveDeliveries(t, srv, c)

	for _, thin := range []bool{false, true} {
		n, err := srv.Deliver(t.Context(), ownerreztest.Delivery{Action: ownerrez.ActionEntityUpdate, EntityType: ownerrez.EntityBooking,
			EntityID: stored.ID.Int64(), Categories: []string{"availability"}, Thin: thin})
		require.NoError(t, err)
		require.Equal(t, 1, n)
	}
	full, thin := <-events, <-events
	var w struct {
		Entity json.RawMessage `json:"entity"`
	}
	require.NoError(t, json.Unmarshal(thin.Raw(), &w))
	require.Nil(t, w.Entity, "the thin delivery carries no entity")
	_, ok := event.BookingOf(thin)
	require.False(t, ok, "nor a booking before hydration")

	fromDelivery, ok := event.BookingOf(full)
	require.True(t, ok)
	hydrated, err := ownerrez.NewHydrator(c).Hydrate(t.Context(), thin)
	require.NoError(t, err)
	fromFetch, ok := event.BookingOf(hydrated)
	require.True(t, ok)
	assert.Empty(t, cmp.Diff(fromDelivery, fromFetch))
	assert.Empty(t, cmp.Diff(fromDelivery, stored.Normalize()), "Booking.Normalize is the same code")
	assert.Equal(t, event.Booking{
		ID: "1001", PropertyID: "474841", Status: event.StatusConfirmed,
		Arrival: event.Date{Year: 2026, Month: 3, Day: 12}, Departure: event.Date{Year: 2026, Month: 3, Day: 16},
		Guest: event.Guest{Name: "Ada Lovelace"}, Adults: 2, Channel: event.NormalizeChannel("Airbnb"),
		Total: event.Money{Amount: "830.00", Currency: "SAR"}, UpdatedAt: stored.UpdatedUTC.Time,
	}, fromFetch)
	rec, _ := event.RecordOf(hydrated)
	assert.Empty(t, cmp.Diff(&stored, rec.Data, cmpTime))
}

// receiveDeliveries subscribes an endpoint to booking updates on srv and
// returns the events it receives, authenticated by the Verifier.
func receiveDeliveries(t *testing.T, srv *ownerreztest.Server, c *ownerrez.Client) <-chan event.Event {
	t.Helper()
	v, err := ownerrez.NewVerifier(ownerreztest.WebhookCredentials())
	require.NoError(t, err)
	rc, err := ownerrez.NewReceiver(v)
	require.NoError(t, err)
	events := make(chan event.Event, 10)
	var mu sync.Mutex
	hook := httptest.NewServer(event.NewHTTPHandler(rc, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		events <- e
		return nil
	})))
	t.Cleanup(hook.Close)
	_, _, err = c.Webhooks.Create(t.Context(), &ownerrez.SubscriptionParams{Type: ownerrez.SubscriptionBooking, Action: ownerrez.ActionEntityUpdate, URL: hook.URL})
	require.NoError(t, err)
	return events
}
