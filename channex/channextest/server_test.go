package channextest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
)

func newServer(t *testing.T) (*channextest.Server, *channex.Client) {
	t.Helper()
	srv := channextest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.Client(channex.WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	return srv, c
}

func TestServer_Client(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	assert.True(t, strings.HasSuffix(srv.URL(), "/api/v1"), srv.URL())
	_, resp, err := c.Webhooks.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	wrong, err := channex.NewClient(channex.APIKey("wrong"), channex.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, _, err = wrong.Bookings.Get(t.Context(), "b-1")
	var apiErr *channex.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "unauthorized", apiErr.Code)
}

// TestServer_Handler: the same API on a listener of its own, sharing state.
func TestServer_Handler(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	b := srv.PutBooking(channex.BookingRevision{Currency: "EUR"})
	other := httptest.NewServer(srv.Handler())
	t.Cleanup(other.Close)
	c, err := channex.NewClient(channex.APIKey(channextest.APIKey), channex.WithBaseURL(other.URL+"/api/v1"))
	require.NoError(t, err)
	got, _, err := c.Bookings.Get(t.Context(), string(b.ID))
	require.NoError(t, err)
	assert.Equal(t, b.ID, got.ID)
	assert.Equal(t, 1, srv.Requests(http.MethodGet, "/bookings/"+string(b.ID)))
}

func TestServer_Fail(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	b := srv.PutBooking(channex.BookingRevision{})
	srv.Fail(http.MethodGet, "/bookings/"+string(b.ID), channextest.Fault{Status: http.StatusNotFound})
	srv.Fail(http.MethodGet, "/bookings/{id}", channextest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}}},
		channextest.Fault{Delay: 10 * time.Millisecond})

	_, _, err := c.Bookings.Get(t.Context(), string(b.ID))
	var apiErr *channex.APIError
	require.ErrorAs(t, err, &apiErr, "the exact path's fault first")
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	_, resp, err := c.Bookings.Get(t.Context(), string(b.ID))
	require.NoError(t, err, "429 retried, then a late answer")
	assert.Equal(t, 2, resp.Attempts)
	assert.Equal(t, 3, srv.Requests(http.MethodGet, "/bookings/{id}"))
	assert.Equal(t, 3, srv.Requests(http.MethodGet, "/bookings/"+string(b.ID)))
}

func TestServer_PutBooking(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	b := srv.PutBooking(channex.BookingRevision{Amount: lenient.Decimal{Value: "99.50"}, Currency: "EUR"})
	assert.NotEmpty(t, b.ID)
	assert.NotEmpty(t, b.RevisionID)
	assert.Equal(t, channextest.PropertyID, string(b.PropertyID))
	assert.Equal(t, channex.RevisionNew, b.Status)
	assert.Equal(t, "99.50", b.Amount.Value)
	assert.False(t, b.InsertedAt.IsZero())
	assert.False(t, srv.Acked(string(b.RevisionID)))

	again := srv.PutBooking(channex.BookingRevision{BookingID: b.ID})
	assert.Equal(t, channex.RevisionModified, again.Status, "later revisions are modified")
	assert.NotEqual(t, b.RevisionID, again.RevisionID)

	got, ok := srv.Booking(string(b.ID))
	require.True(t, ok)
	assert.Equal(t, again.RevisionID, got.RevisionID)
	assert.True(t, srv.DeleteBooking(string(b.ID)))
	assert.False(t, srv.DeleteBooking(string(b.ID)))
	_, ok = srv.Booking(string(b.ID))
	assert.False(t, ok)
}

// callback records the deliveries it receives.
type callback struct {
	mu     sync.Mutex
	bodies [][]byte
	header http.Header
}

func (cb *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	cb.mu.Lock()
	cb.bodies = append(cb.bodies, b)
	cb.header = r.Header.Clone()
	cb.mu.Unlock()
}

func (cb *callback) last(t *testing.T) map[string]any {
	t.Helper()
	cb.mu.Lock()
	defer cb.mu.Unlock()
	require.NotEmpty(t, cb.bodies)
	var m map[string]any
	require.NoError(t, json.Unmarshal(cb.bodies[len(cb.bodies)-1], &m))
	return m
}

func TestServer_Deliver(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	withData, withoutData := &callback{}, &callback{}
	for _, cb := range []*callback{withData, withoutData} {
		ts := httptest.NewServer(cb)
		t.Cleanup(ts.Close)
		_, _, err := c.Webhooks.Create(t.Context(), &channex.SubscriptionParams{
			PropertyID: channextest.PropertyID, URL: ts.URL, Events: []string{"*"},
			Headers: map[string]string{channex.SuggestedHeader: "s3cret"}, Enabled: true, SendData: cb == withData,
		})
		require.NoError(t, err)
	}
	b := srv.PutBooking(channex.BookingRevision{
		UniqueID: "BDC-1", OTAReservationCode: "1", Currency: "EUR", Amount: lenient.Decimal{Value: "10.00"},
		ArrivalDate: date("2030-01-01"), DepartureDate: date("2030-01-03"),
		Customer: channex.Customer{Name: "Ada", Surname: "Lovelace"}, Rooms: []channex.BookingRoom{{}},
	})

	codes, err := srv.Deliver(t.Context(), channex.EventBookingNew, string(b.ID))
	require.NoError(t, err)
	assert.Equal(t, []int{http.StatusOK, http.StatusOK}, codes)
	assert.Equal(t, "s3cret", withData.header.Get(channex.SuggestedHeader), "the webhook's headers")
	assert.Equal(t, map[string]any{
		"amount": 10.00, "arrival_date": "2030-01-01", "booking_id": string(b.ID), "booking_revision_id": string(b.RevisionID),
		"booking_unique_id": "BDC-1", "channel_id": nil, "count_of_nights": 2.0, "count_of_rooms": 1.0, "currency": "EUR",
		"customer_name": "Ada Lovelace", "live_feed_event_id": withData.last(t)["payload"].(map[string]any)["live_feed_event_id"],
		"ota_code": "1", "property_id": channextest.PropertyID,
	}, withData.last(t)["payload"])
	thin := withoutData.last(t)
	assert.NotContains(t, thin, "payload", "send_data false")
	assert.Equal(t, channex.EventBookingNew, thin["event"])
	assert.Equal(t, channextest.PropertyID, thin["property_id"])

	_, err = srv.Deliver(t.Context(), channex.EventBooking, string(b.ID))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"booking_id": string(b.ID), "property_id": channextest.PropertyID, "revision_id": string(b.RevisionID)},
		withData.last(t)["payload"])

	m, err := srv.PutMessage(string(b.ID), channex.Message{Text: "Hello"})
	require.NoError(t, err)
	_, err = srv.Deliver(t.Context(), channex.EventMessage, string(m.ID))
	require.NoError(t, err)
	body := withData.bodies[len(withData.bodies)-1]
	v, _ := channex.NewVerifier(channex.SuggestedHeader, "s3cret")
	rc, _ := channex.NewReceiver(v)
	e, err := rc.Receive(withData.header, body)
	require.NoError(t, err)
	msg, ok := event.MessageOf(e)
	require.True(t, ok)
	assert.Equal(t, event.Message{
		ID: string(m.ID), ConversationID: m.MessageThreadID, BookingID: string(b.ID), PropertyID: channextest.PropertyID,
		Body: "Hello", Incoming: true, SentAt: msg.SentAt,
	}, msg)

	_, err = srv.Deliver(t.Context(), channex.EventReview, string(b.ID))
	require.ErrorContains(t, err, "channextest: deliver review: ")
	_, err = srv.Deliver(t.Context(), channex.EventBookingNew, "no-such-booking")
	require.Error(t, err)

	codes, err = srv.DeliverPayload(t.Context(), channex.EventSyncError, channextest.PropertyID, map[string]any{"channel_id": "ch-1"})
	require.NoError(t, err)
	assert.Len(t, codes, 2)
	assert.Equal(t, map[string]any{"channel_id": "ch-1"}, withData.last(t)["payload"])
}

func date(s string) event.Date {
	d, err := event.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestServer_CheckNonAcked: a revision still unacknowledged 30 minutes
// after it was put raises non_acked_booking once; an acknowledged one never
// does, and leaves the feed.
func TestServer_CheckNonAcked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// ack acknowledges revisions before the check, which runs after
		// wait.
		ack     bool
		wait    time.Duration
		want    bool // non_acked_booking for the revision
		inFeed  bool
		deliver bool // a webhook listens
	}{
		{name: "acknowledged in time", ack: true, wait: time.Hour, inFeed: false, deliver: true},
		{name: "before 30 minutes", wait: channextest.NonAckedAfter - time.Second, inFeed: true, deliver: true},
		{name: "at 30 minutes", wait: channextest.NonAckedAfter, want: true, inFeed: true, deliver: true},
		{name: "no webhook", wait: time.Hour, want: true, inFeed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			var mu sync.Mutex
			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			srv.SetNow(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
			cb := &callback{}
			if tt.deliver {
				ts := httptest.NewServer(cb)
				t.Cleanup(ts.Close)
				_, _, err := c.Webhooks.Create(t.Context(), &channex.SubscriptionParams{
					PropertyID: channextest.PropertyID, URL: ts.URL, Events: []string{channex.EventNonAckedBooking},
					Enabled: true, SendData: true,
				})
				require.NoError(t, err)
			}
			b := srv.PutBooking(channex.BookingRevision{Currency: "EUR"})
			rev := string(b.RevisionID)
			if tt.ack {
				_, err := c.BookingRevisions.Ack(t.Context(), rev)
				require.NoError(t, err)
			}
			mu.Lock()
			now = now.Add(tt.wait)
			mu.Unlock()

			ids, err := srv.CheckNonAcked(t.Context())
			require.NoError(t, err)
			if tt.want {
				assert.Equal(t, []string{rev}, ids)
			} else {
				assert.Empty(t, ids)
			}
			if tt.want && tt.deliver {
				got := cb.last(t)
				assert.Equal(t, channex.EventNonAckedBooking, got["event"])
				assert.Equal(t, rev, got["payload"].(map[string]any)["booking_revision_id"])
			}
			again, err := srv.CheckNonAcked(t.Context())
			require.NoError(t, err)
			assert.Empty(t, again, "at most once")

			feed, _, err := c.BookingRevisions.Feed(t.Context(), nil)
			require.NoError(t, err)
			assert.Equal(t, tt.inFeed, len(feed.Items) == 1)
		})
	}
}

// TestServer_CheckNonAcked_failedDelivery: a revision whose alarm could
// not be delivered is reported on the next check.
func TestServer_CheckNonAcked_failedDelivery(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ts := httptest.NewServer(&callback{})
	_, _, err := c.Webhooks.Create(t.Context(), &channex.SubscriptionParams{
		PropertyID: channextest.PropertyID, URL: ts.URL, Events: []string{"*"}, Enabled: true, SendData: true,
	})
	require.NoError(t, err)
	b := srv.PutBooking(channex.BookingRevision{})
	srv.SetNow(func() time.Time { return time.Now().Add(time.Hour) })
	ts.Close()
	_, err = srv.CheckNonAcked(t.Context())
	require.ErrorContains(t, err, "channextest: check non-acked: ")

	cb := &callback{}
	up := httptest.NewServer(cb)
	t.Cleanup(up.Close)
	_, _, err = c.Webhooks.Create(t.Context(), &channex.SubscriptionParams{
		PropertyID: channextest.PropertyID, URL: up.URL, Events: []string{channex.EventNonAckedBooking}, Enabled: true, SendData: true,
	})
	require.NoError(t, err)
	list, _, err := c.Webhooks.List(t.Context(), nil)
	require.NoError(t, err)
	_, err = c.Webhooks.Delete(t.Context(), string(list.Items[0].ID))
	require.NoError(t, err)
	ids, err := srv.CheckNonAcked(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{string(b.RevisionID)}, ids)
}
