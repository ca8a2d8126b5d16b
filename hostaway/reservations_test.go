package hostaway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
)

// fakeSetup starts the fake Hostaway API behind a recorder of queries and
// returns a client for it, with quick retries.
func fakeSetup(t *testing.T, opts ...hostaway.ClientOption) (*hostaway.Client, *hostawaytest.Server, *queries) {
	t.Helper()
	srv := hostawaytest.NewServer()
	t.Cleanup(srv.Close)
	q := &queries{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q.mu.Lock()
		q.list = append(q.list, r.URL.Query())
		q.mu.Unlock()
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	all := append([]hostaway.ClientOption{
		hostaway.WithBaseURL(hs.URL + "/v1"),
		hostaway.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	c, err := srv.Client(all...)
	require.NoError(t, err)
	return c, srv, q
}

// queries records the query of each request.
type queries struct {
	mu   sync.Mutex
	list []url.Values
}

func (q *queries) last() url.Values {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.list) == 0 {
		return nil
	}
	return q.list[len(q.list)-1]
}

func ids(rs []*hostaway.Reservation) []int64 {
	out := []int64{}
	for _, r := range rs {
		out = append(out, r.ID.Int64())
	}
	return out
}

func TestReservationsService_Get(t *testing.T) {
	t.Parallel()
	c, srv, _ := fakeSetup(t)
	id := srv.PutReservation(map[string]any{"guestName": "Ada Lovelace", "status": "modified", "totalPrice": "1234.50"})

	r, resp, err := c.Reservations.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, id, r.ID.Int64())
	assert.Equal(t, strconv.FormatInt(id, 10), string(r.HostawayReservationID))
	assert.Equal(t, hostaway.StatusModified, r.Status)
	assert.Equal(t, "1234.50", r.TotalPrice.Value)
	require.NotNil(t, r.CancellationPolicyDetails, "Get always has the cancellation policy")
	assert.Equal(t, "c-123124124124@host.hostaway.info", string(r.HostProxyEmail))

	b := r.Booking(nil)
	assert.Equal(t, event.Booking{
		ID: strconv.FormatInt(id, 10), PropertyID: "40160", Status: event.StatusConfirmed,
		Arrival: event.Date{Year: 2017, Month: 7, Day: 15}, Departure: event.Date{Year: 2017, Month: 7, Day: 16},
		Guest:  event.Guest{Name: "Ada Lovelace", Email: "mail@test.com", Phone: "+75125551212"},
		Adults: 1, Total: event.Money{Amount: "1234.50", Currency: "USD"}, Channel: event.NormalizeChannel("airbnb"),
		UpdatedAt: b.UpdatedAt,
	}, b)
	assert.False(t, b.UpdatedAt.IsZero())
	assert.Equal(t, time.UTC, b.UpdatedAt.Location())

	_, _, err = c.Reservations.Get(t.Context(), 999)
	var apiErr *hostaway.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "Reservation not found.", apiErr.Message)
}

func TestReservationsService_List(t *testing.T) {
	t.Parallel()
	c, srv, q := fakeSetup(t)
	at := func(s string) map[string]any { return map[string]any{"updatedOn": s, "latestActivityOn": s} }
	with := func(m map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	a := srv.PutReservation(with(at("2026-01-05 10:00:00"), "listingMapId", 1, "channelId", 2000, "arrivalDate", "2026-02-01"))
	b := srv.PutReservation(with(at("2026-01-03 10:00:00"), "listingMapId", 1, "channelId", 2018, "arrivalDate", "2026-03-01"))
	d := srv.PutReservation(with(at("2026-01-04 10:00:00"), "listingMapId", 2, "channelId", 2018, "arrivalDate", "2026-04-01"))
	yes := true

	tests := []struct {
		name      string
		opts      *hostaway.ReservationListOptions
		want      []int64
		wantQuery url.Values
		wantNext  int
	}{
		{name: "nil: newest update first", want: []int64{a, d, b}, wantQuery: url.Values{}},
		{
			name:      "changed since, oldest first",
			opts:      &hostaway.ReservationListOptions{SortOrder: hostaway.SortUpdatedOn, LatestActivityStart: event.Date{Year: 2026, Month: 1, Day: 4}},
			want:      []int64{d, a},
			wantQuery: url.Values{"sortOrder": {"updatedOn"}, "latestActivityStart": {"2026-01-04"}},
		},
		{
			name:      "listing and channel",
			opts:      &hostaway.ReservationListOptions{ListingID: 1, ChannelID: 2018},
			want:      []int64{b},
			wantQuery: url.Values{"listingId": {"1"}, "channelId": {"2018"}},
		},
		{
			name: "arrival range, latest activity end",
			opts: &hostaway.ReservationListOptions{
				ArrivalStartDate: event.Date{Year: 2026, Month: 2, Day: 15}, ArrivalEndDate: event.Date{Year: 2026, Month: 4, Day: 1},
				LatestActivityEnd: event.Date{Year: 2026, Month: 1, Day: 3}, SortOrder: hostaway.SortArrivalDate,
			},
			want: []int64{b},
			wantQuery: url.Values{"arrivalStartDate": {"2026-02-15"}, "arrivalEndDate": {"2026-04-01"},
				"latestActivityEnd": {"2026-01-03"}, "sortOrder": {"arrivalDate"}},
		},
		{
			name:      "flags and resources",
			opts:      &hostaway.ReservationListOptions{IsStarred: &yes, IncludeResources: true, IncludeCancellationPolicy: true},
			want:      []int64{},
			wantQuery: url.Values{"isStarred": {"1"}, "includeResources": {"1"}, "includeCancellationPolicy": {"1"}},
		},
		{
			name:      "first page by offset",
			opts:      &hostaway.ReservationListOptions{ListOptions: hostaway.ListOptions{PerPage: 2}},
			want:      []int64{a, d},
			wantQuery: url.Values{"limit": {"2"}},
			wantNext:  2,
		},
		{
			name:      "second page by offset",
			opts:      &hostaway.ReservationListOptions{ListOptions: hostaway.ListOptions{Page: 2, PerPage: 2}},
			want:      []int64{b},
			wantQuery: url.Values{"limit": {"2"}, "offset": {"2"}},
		},
		{
			name:      "by cursor",
			opts:      &hostaway.ReservationListOptions{AfterID: a, ListOptions: hostaway.ListOptions{Page: 3, PerPage: 1}},
			want:      []int64{d},
			wantQuery: url.Values{"afterId": {strconv.FormatInt(a, 10)}, "limit": {"1"}},
		},
		{
			name:      "guest search",
			opts:      &hostaway.ReservationListOptions{Match: "peter", GuestEmail: "MAIL@test.com"},
			want:      []int64{a, d, b},
			wantQuery: url.Values{"match": {"peter"}, "guestEmail": {"MAIL@test.com"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := c.Reservations.List(t.Context(), tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(p.Items))
			assert.Empty(t, cmp.Diff(tt.wantQuery, q.last()))
			assert.Equal(t, tt.wantNext, p.NextPage)
		})
	}

	p, _, err := c.Reservations.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, 3, p.Total)
	assert.Nil(t, p.Items[0].CancellationPolicyDetails, "the list leaves the policy out unless asked")
	assert.Empty(t, p.Items[0].CustomFieldValues, "and the resources")
	p, _, err = c.Reservations.List(t.Context(), &hostaway.ReservationListOptions{IncludeResources: true, IncludeCancellationPolicy: true})
	require.NoError(t, err)
	assert.NotNil(t, p.Items[0].CancellationPolicyDetails)
	assert.NotEmpty(t, p.Items[0].CustomFieldValues)

	n := len(q.list)
	_, _, err = c.Reservations.List(t.Context(), &hostaway.ReservationListOptions{ArrivalEndDate: event.Date{Unparsed: "soon"}})
	require.ErrorContains(t, err, "arrivalEndDate is not a date")
	assert.Len(t, q.list, n, "not sent")
}

func TestReservationsService_All(t *testing.T) {
	t.Parallel()
	c, srv, q := fakeSetup(t)
	var want []int64
	for i := range 5 {
		want = append(want, srv.PutReservation(map[string]any{"updatedOn": "2026-01-0" + strconv.Itoa(i+1) + " 00:00:00"}))
	}
	opts := &hostaway.ReservationListOptions{SortOrder: hostaway.SortUpdatedOn, ListOptions: hostaway.ListOptions{PerPage: 2}}
	var got []int64
	for r, err := range c.Reservations.All(t.Context(), opts) {
		require.NoError(t, err)
		got = append(got, r.ID.Int64())
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 4, srv.Requests("GET", "/reservations"), "three pages and the empty one that ends the list")
	assert.Equal(t, strconv.FormatInt(want[4], 10), q.last().Get("afterId"))
	assert.Equal(t, "updatedOn", q.last().Get("sortOrder"))

	got = got[:0]
	for r, err := range c.Reservations.All(t.Context(), &hostaway.ReservationListOptions{ListOptions: hostaway.ListOptions{Page: 2, PerPage: 2}, SortOrder: hostaway.SortUpdatedOn}) {
		require.NoError(t, err)
		got = append(got, r.ID.Int64())
		if len(got) == 2 {
			break
		}
	}
	assert.Equal(t, want[2:4], got, "from the page opts names on, stopping when the loop does")

	srv.Fail("GET", "/reservations", hostawaytest.Fault{Status: http.StatusBadRequest})
	var errs int
	for _, err := range c.Reservations.All(context.Background(), nil) {
		require.Error(t, err)
		errs++
	}
	assert.Equal(t, 1, errs)
}
