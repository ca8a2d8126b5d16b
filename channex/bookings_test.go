package channex_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
)

// setupFake starts the public fake and a client for it that retries fast.
func setupFake(t *testing.T) (*channex.Client, *channextest.Server) {
	t.Helper()
	srv := channextest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.Client(channex.WithRetryWait(time.Millisecond, 5*time.Millisecond), channex.WithRetryMax(2))
	require.NoError(t, err)
	return c, srv
}

// docRevision is the revision of Channex's bookings-collection pages.
func docRevision(t *testing.T) channex.BookingRevision {
	t.Helper()
	var rev channex.BookingRevision
	require.NoError(t, json.Unmarshal(testutil.Fixture(t, "api/booking_revision.json"), &rev))
	return rev
}

// newRevision is a revision of a new booking, with the fields a booking
// normalizes from.
func newRevision() channex.BookingRevision {
	return channex.BookingRevision{
		OTAName: "Booking.com", UniqueID: "BDC-1", OTAReservationCode: "1",
		ArrivalDate: date("2030-05-01"), DepartureDate: date("2030-05-04"),
		Amount: lenient.Decimal{Value: "330.00"}, Currency: "EUR",
		Customer:  channex.Customer{Name: "Ada", Surname: "Lovelace", Mail: "ada@example.com"},
		Occupancy: channex.Occupancy{Adults: lenient.Int{Value: 2}},
		Rooms:     []channex.BookingRoom{{Amount: lenient.Decimal{Value: "330.00"}, CheckinDate: date("2030-05-01"), CheckoutDate: date("2030-05-04")}},
	}
}

func date(s string) event.Date {
	d, err := event.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestBookingsService_Get(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	doc := docRevision(t)
	put := srv.PutBooking(doc)
	require.Equal(t, string(doc.BookingID), string(put.ID))

	b, resp, err := c.Bookings.Get(t.Context(), string(doc.BookingID))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, doc.BookingID, b.ID, "the booking's id")
	assert.Equal(t, doc.ID, b.RevisionID, "the latest revision's id")
	assert.Contains(t, string(b.Raw), `"revision_id"`)
	assert.Equal(t, doc.Customer.FullName(), b.Customer.FullName())
	assert.JSONEq(t, string(doc.Customer.Company), string(b.Customer.Company))
	assert.Equal(t, doc.Rooms, b.Rooms)

	rev := b.Revision()
	assert.Equal(t, doc.ID, rev.ID)
	assert.Equal(t, doc.BookingID, rev.BookingID)
	assert.Empty(t, cmp.Diff(doc.Booking(), b.Booking()), "a booking normalizes as its latest revision")

	_, resp, err = c.Bookings.Get(t.Context(), "no-such-booking")
	var apiErr *channex.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "not_found", apiErr.Code)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.ErrorContains(t, err, "channex: get booking: ")

	_, _, err = c.Bookings.Get(t.Context(), "")
	require.Error(t, err)
	assert.Zero(t, srv.Requests(http.MethodGet, "/bookings/"), "an empty id is not sent")
}

// TestBookingsService_Get_latestRevision: a booking is its latest revision,
// whatever order its deliveries come in.
func TestBookingsService_Get_latestRevision(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	first := srv.PutBooking(newRevision())
	mod := newRevision()
	mod.BookingID = first.ID
	mod.DepartureDate = date("2030-05-06")
	second := srv.PutBooking(mod)
	cancel := mod
	cancel.Status = channex.RevisionCancelled
	third := srv.PutBooking(cancel)

	b, _, err := c.Bookings.Get(t.Context(), string(first.ID))
	require.NoError(t, err)
	assert.Equal(t, third.RevisionID, b.RevisionID)
	assert.NotEqual(t, second.RevisionID, b.RevisionID)
	assert.Equal(t, channex.RevisionCancelled, b.Status)
	nb := b.Booking()
	assert.Equal(t, event.StatusCancelled, nb.Status)
	assert.Equal(t, "2030-05-06", nb.Departure.String())
	assert.Equal(t, first.InsertedAt, b.InsertedAt, "inserted_at is the booking's first")
}

func TestBookingsService_List(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	var ids []string
	for _, arr := range []string{"2030-01-10", "2030-02-10", "2030-03-10"} {
		r := newRevision()
		r.ArrivalDate = date(arr)
		ids = append(ids, string(srv.PutBooking(r).ID))
	}

	tests := []struct {
		name string
		opts *channex.BookingListOptions
		want []string
	}{
		{"all", nil, ids},
		{"arrival range", &channex.BookingListOptions{ArrivalFrom: date("2030-02-01"), ArrivalTo: date("2030-03-01")}, ids[1:2]},
		{"property", &channex.BookingListOptions{PropertyID: "other"}, nil},
		{"page 2 of 2", &channex.BookingListOptions{ListOptions: channex.ListOptions{Page: 2, PerPage: 2}}, ids[2:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := c.Bookings.List(t.Context(), tt.opts)
			require.NoError(t, err)
			var got []string
			for _, b := range p.Items {
				got = append(got, string(b.ID))
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.want), len(p.Items))
		})
	}

	before := srv.Requests(http.MethodGet, "/bookings")
	var all []string
	for b, err := range c.Bookings.All(t.Context(), &channex.BookingListOptions{ListOptions: channex.ListOptions{PerPage: 1}}) {
		require.NoError(t, err)
		all = append(all, string(b.ID))
	}
	assert.Equal(t, ids, all)
	assert.Equal(t, 3, srv.Requests(http.MethodGet, "/bookings")-before, "one request a page")
}

// TestBookingListOptions_query: the filters go out as Channex's reference
// writes them.
func TestBookingListOptions_query(t *testing.T) {
	t.Parallel()
	var got url.Values
	ts := testServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data": [], "meta": {"page": 1, "limit": 10, "total": 0}}`))
	})
	c, err := channex.NewClient(channex.APIKey("k"), channex.WithBaseURL(ts))
	require.NoError(t, err)
	_, _, err = c.Bookings.List(t.Context(), &channex.BookingListOptions{
		PropertyID: "p1", ArrivalFrom: date("2021-01-01"), ArrivalTo: date("2021-02-01"),
		DepartureFrom: date("2021-01-02"), InsertedFrom: time.Date(2021, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)),
	})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"filter[property_id]":         {"p1"},
		"filter[arrival_date][gte]":   {"2021-01-01"},
		"filter[arrival_date][lte]":   {"2021-02-01"},
		"filter[departure_date][gte]": {"2021-01-02"},
		"filter[inserted_at][gte]":    {"2021-01-01T00:00:00"},
	}, got)
}

func TestBookingRevisionsService_List(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	b := srv.PutBooking(newRevision())
	mod := newRevision()
	mod.BookingID = b.ID
	mod.InsertedAt = lenient.Time{Time: time.Now().UTC().Add(time.Hour), Zoneless: true}
	m := srv.PutBooking(mod)
	other := srv.PutBooking(newRevision())

	ids := func(p *channex.Page[channex.BookingRevision]) []string {
		var out []string
		for _, r := range p.Items {
			out = append(out, string(r.ID))
		}
		return out
	}
	p, _, err := c.BookingRevisions.List(t.Context(), &channex.RevisionListOptions{Oldest: true})
	require.NoError(t, err)
	assert.Equal(t, []string{string(b.RevisionID), string(m.RevisionID), string(other.RevisionID)}, ids(p))
	assert.Equal(t, 3, p.Total)

	p, _, err = c.BookingRevisions.List(t.Context(), &channex.RevisionListOptions{BookingID: string(b.ID), Oldest: true})
	require.NoError(t, err)
	assert.Equal(t, []string{string(b.RevisionID), string(m.RevisionID)}, ids(p), "a booking's revisions")
	assert.Equal(t, channex.RevisionModified, p.Items[1].Status)

	since := time.Now().Add(30 * time.Minute)
	p, _, err = c.BookingRevisions.List(t.Context(), &channex.RevisionListOptions{InsertedFrom: since})
	require.NoError(t, err)
	assert.Equal(t, []string{string(m.RevisionID)}, ids(p), "changed since")

	var all []string
	for r, err := range c.BookingRevisions.ListAll(t.Context(), &channex.RevisionListOptions{Oldest: true, ListOptions: channex.ListOptions{PerPage: 2}}) {
		require.NoError(t, err)
		all = append(all, string(r.ID))
	}
	assert.Equal(t, []string{string(b.RevisionID), string(m.RevisionID), string(other.RevisionID)}, all)
}

func TestBookingRevisionsService_Resend(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	b := srv.PutBooking(newRevision())
	rev := string(b.RevisionID)
	_, err := c.BookingRevisions.Ack(t.Context(), rev)
	require.NoError(t, err)
	require.True(t, srv.Acked(rev))
	p, _, err := c.BookingRevisions.Feed(t.Context(), nil)
	require.NoError(t, err)
	require.Empty(t, p.Items)

	resp, err := c.BookingRevisions.Resend(t.Context(), rev)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.False(t, srv.Acked(rev))
	p, _, err = c.BookingRevisions.Feed(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, p.Items, 1, "the feed serves it again")
	assert.Equal(t, rev, string(p.Items[0].ID))

	_, err = c.BookingRevisions.Resend(t.Context(), "no-such-revision")
	var apiErr *channex.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)

	srv.Fail(http.MethodPost, "/booking_revisions/{id}/resend", channextest.Fault{Status: http.StatusInternalServerError})
	before := srv.Requests(http.MethodPost, "/booking_revisions/{id}/resend")
	_, err = c.BookingRevisions.Resend(t.Context(), rev)
	require.Error(t, err)
	assert.Equal(t, 1, srv.Requests(http.MethodPost, "/booking_revisions/{id}/resend")-before, "a POST is not retried on 5xx")

	_, err = c.BookingRevisions.Resend(t.Context(), "")
	require.Error(t, err)
}

func TestMessagesService_List(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	b := srv.PutBooking(newRevision())
	m1, err := srv.PutMessage(string(b.ID), channex.Message{Text: "Hello, when can we check in?"})
	require.NoError(t, err)
	m2, err := srv.PutMessage(string(b.ID), channex.Message{Text: "From 3 pm.", Sender: "property"})
	require.NoError(t, err)
	assert.Equal(t, m1.MessageThreadID, m2.MessageThreadID, "one conversation per booking")

	p, resp, err := c.Messages.List(t.Context(), string(b.ID), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, p.Items, 2)
	got := p.Items[0]
	assert.Equal(t, m2.ID, got.ID, "newest first")
	assert.Equal(t, "From 3 pm.", string(got.Text))
	assert.False(t, got.FromGuest())
	assert.Equal(t, m2.MessageThreadID, got.MessageThreadID)
	assert.Equal(t, string(b.ID), got.BookingID)
	assert.True(t, p.Items[1].FromGuest())
	assert.Empty(t, cmp.Diff(event.Message{
		ID: string(m1.ID), ConversationID: m1.MessageThreadID, BookingID: string(b.ID),
		Body: "Hello, when can we check in?", Incoming: true, SentAt: m1.InsertedAt.In(time.UTC),
	}, p.Items[1].Message()))

	var all []string
	for m, err := range c.Messages.All(t.Context(), string(b.ID), &channex.MessageListOptions{ListOptions: channex.ListOptions{PerPage: 1}}) {
		require.NoError(t, err)
		all = append(all, string(m.ID))
	}
	assert.Equal(t, []string{string(m2.ID), string(m1.ID)}, all)

	tp, _, err := c.Messages.ListThread(t.Context(), m1.MessageThreadID, nil)
	require.NoError(t, err)
	require.Len(t, tp.Items, 2)
	assert.Empty(t, tp.Items[0].BookingID, "a conversation's list names no booking")
	var thread []string
	for m, err := range c.Messages.AllThread(t.Context(), m1.MessageThreadID, nil) {
		require.NoError(t, err)
		thread = append(thread, string(m.ID))
	}
	assert.Equal(t, all, thread)

	_, _, err = c.Messages.List(t.Context(), "no-such-booking", nil)
	var apiErr *channex.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	_, _, err = c.Messages.ListThread(t.Context(), "no-such-thread", nil)
	require.ErrorAs(t, err, &apiErr)
	_, _, err = c.Messages.List(t.Context(), "", nil)
	require.Error(t, err)
	_, _, err = c.Messages.ListThread(t.Context(), "", nil)
	require.Error(t, err)

	_, err = srv.PutMessage("no-such-booking", channex.Message{Text: "x"})
	require.Error(t, err)
}

// TestMessagesService_List_forbidden: Channex's 403 (no Messages app) is an
// *APIError.
func TestMessagesService_List_forbidden(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	b := srv.PutBooking(newRevision())
	srv.Fail(http.MethodGet, "/bookings/{id}/messages", channextest.Fault{Status: http.StatusForbidden})
	_, _, err := c.Messages.List(t.Context(), string(b.ID), nil)
	var apiErr *channex.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "forbidden", apiErr.Code)
}

// TestLimitError: the alias matches what a closed rate-limit window
// returns.
func TestLimitError(t *testing.T) {
	t.Parallel()
	c, srv := setupFake(t)
	srv.Fail(http.MethodGet, "/bookings/{id}", channextest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"600"}}})
	_, _, err := c.Bookings.Get(t.Context(), "b-1")
	var apiErr *channex.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)

	_, _, err = c.Bookings.Get(t.Context(), "b-1")
	var limitErr *channex.LimitError
	require.ErrorAs(t, err, &limitErr, "the window stays closed: not sent")
	d, ok := limitErr.RetryAfter()
	assert.True(t, ok)
	assert.Greater(t, d, 9*time.Minute)
	assert.Equal(t, 1, srv.Requests(http.MethodGet, "/bookings/{id}"))
	assert.True(t, strings.HasPrefix(err.Error(), "channex: get booking: "))
}

// testServer serves h on loopback and returns its URL.
func testServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
