package bookingsync_test

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/lenient"
)

// setupAPI returns a fake API and a client of it that retries fast.
func setupAPI(t *testing.T, opts ...bookingsync.ClientOption) (*bookingsynctest.Server, *bookingsync.Client) {
	t.Helper()
	srv := bookingsynctest.NewServer()
	t.Cleanup(srv.Close)
	opts = append([]bookingsync.ClientOption{bookingsync.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := srv.Client(opts...)
	require.NoError(t, err)
	return srv, c
}

func TestNewClient_invalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		auth bookingsync.Auth
		opts []bookingsync.ClientOption
	}{
		{name: "zero auth", auth: bookingsync.Auth{}},
		{name: "empty token", auth: bookingsync.AccessToken(" ")},
		{name: "empty client id", auth: bookingsync.ClientCredentials("", "s3cret-value")},
		{name: "empty secret", auth: bookingsync.ClientCredentials("id", "")},
		{name: "relative base URL", auth: bookingsync.AccessToken("tok"), opts: []bookingsync.ClientOption{bookingsync.WithBaseURL("/api/v3")}},
		{name: "reversed waits", auth: bookingsync.AccessToken("tok"), opts: []bookingsync.ClientOption{bookingsync.WithRetryWait(time.Second, time.Millisecond)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := bookingsync.NewClient(tt.auth, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.NotContains(t, err.Error(), "s3cret-value")
		})
	}
	assert.Equal(t, `bookingsync.ClientCredentials("id", redacted)`, bookingsync.ClientCredentials("id", "s3cret-value").String())
	assert.Equal(t, "bookingsync.AccessToken(redacted)", bookingsync.AccessToken("tok").GoString())
}

func TestBookingsService_Get(t *testing.T) {
	t.Parallel()
	srv, c := setupAPI(t)
	for range 2 {
		b, resp, err := c.Bookings.Get(t.Context(), "80")
		require.NoError(t, err)
		assert.Equal(t, "80", b.ID.String())
		assert.EqualValues(t, "Booked", b.Status)
		assert.Equal(t, "16", b.Links.ID("rental"))
		assert.Contains(t, string(b.Raw), `"reference"`)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, bookingsynctest.RateLimit, resp.Rate.Limit)
		assert.Positive(t, resp.Rate.Remaining)
		assert.False(t, resp.Rate.Reset.IsZero())
	}
	assert.Equal(t, 1, srv.Requests(http.MethodPost, "/oauth/token"), "one token, reused")
	assert.Equal(t, 2, srv.Requests(http.MethodGet, "/bookings/{id}"))
}

// TestBookingsService_Get_canceled: a cancelled booking is read, not taken
// for a deleted one (the client sends include_canceled=true).
func TestBookingsService_Get_canceled(t *testing.T) {
	t.Parallel()
	srv, c := setupAPI(t)
	require.NoError(t, srv.CancelBooking("80"))
	b, _, err := c.Bookings.Get(t.Context(), "80")
	require.NoError(t, err)
	assert.EqualValues(t, "Canceled", b.Status)
	assert.Equal(t, "cancelled", string(bookingsync.NormalizeBooking(b).Status))
}

func TestRecordCalls_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    *bookingsynctest.Fault
		id       string
		status   int
		code     string
		attempts int
	}{
		{name: "not found", id: "4040", status: 404, code: "not_found", attempts: 1},
		{name: "unprocessable", id: "80", fault: &bookingsynctest.Fault{Status: 422}, status: 422, code: "validation_failed", attempts: 1},
		{name: "rate limited beyond the cap", id: "80", fault: &bookingsynctest.Fault{Status: 429, Header: http.Header{"Retry-After": {"3600"}}}, status: 429, code: "rate_limit_exceeded", attempts: 1},
		{name: "5xx after retries", id: "80", fault: &bookingsynctest.Fault{Status: 503}, status: 503, code: "service_unavailable", attempts: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := setupAPI(t, bookingsync.WithRetryMax(2))
			if tt.fault != nil {
				srv.Fail(http.MethodGet, "/bookings/{id}", *tt.fault, *tt.fault, *tt.fault)
			}
			_, resp, err := c.Bookings.Get(t.Context(), tt.id)
			var apiErr *bookingsync.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.code, apiErr.Code)
			assert.Equal(t, tt.attempts, apiErr.Attempts)
			require.NotNil(t, resp)
			assert.Equal(t, tt.status, resp.StatusCode)
		})
	}
}

func TestClient_unauthorized(t *testing.T) {
	t.Parallel()
	srv := bookingsynctest.NewServer()
	t.Cleanup(srv.Close)

	c, err := bookingsync.NewClient(bookingsync.AccessToken("wrong-token-value"), bookingsync.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, _, err = c.Guests.Get(t.Context(), "995923932")
	var apiErr *bookingsync.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "unauthorized", apiErr.Code)
	assert.NotContains(t, err.Error(), "wrong-token-value")

	c, err = bookingsync.NewClient(bookingsync.ClientCredentials(bookingsynctest.ClientID, "not-the-secret"), bookingsync.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, _, err = c.Guests.Get(t.Context(), "995923932")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "invalid_client", apiErr.Code)
	assert.NotContains(t, err.Error(), "not-the-secret")
	assert.NotContains(t, string(apiErr.Body), "not-the-secret")

	c, err = bookingsync.NewClient(bookingsync.AccessToken(bookingsynctest.AccessToken), bookingsync.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	g, _, err := c.Guests.Get(t.Context(), "995923932")
	require.NoError(t, err)
	assert.EqualValues(t, "Robt Braun", g.Fullname)
}

func TestGuestsService(t *testing.T) {
	t.Parallel()
	srv, c := setupAPI(t)
	id := srv.PutGuest(&bookingsync.Guest{Fullname: "Ada Lovelace"})
	g, _, err := c.Guests.Get(t.Context(), id)
	require.NoError(t, err)
	assert.EqualValues(t, "Ada Lovelace", g.Fullname)

	page, _, err := c.Guests.List(t.Context(), &bookingsync.GuestListOptions{ListOptions: bookingsync.ListOptions{PerPage: 1}})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, 3, page.Total)
	assert.Equal(t, 2, page.NextPage)

	var names []string
	for g, err := range c.Guests.All(t.Context(), nil) {
		require.NoError(t, err)
		names = append(names, string(g.Fullname))
	}
	assert.Equal(t, []string{"Clementina Kling", "Ada Lovelace", "Robt Braun"}, names, "in id order")

	srv.DeleteGuest(id)
	_, _, err = c.Guests.Get(t.Context(), id)
	var apiErr *bookingsync.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
}

func TestRentalsService(t *testing.T) {
	t.Parallel()
	srv, c := setupAPI(t)
	r, _, err := c.Rentals.Get(t.Context(), "16")
	require.NoError(t, err)
	assert.Equal(t, "16", r.ID.String())
	assert.NotEmpty(t, r.Name)

	srv.PutRental(&bookingsync.Rental{Name: "Cottage 3"})
	page, _, err := c.Rentals.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	assert.Zero(t, page.NextPage)
	n := 0
	for r, err := range c.Rentals.All(t.Context(), &bookingsync.RentalListOptions{ListOptions: bookingsync.ListOptions{PerPage: 1}}) {
		require.NoError(t, err)
		require.NotNil(t, r)
		n++
	}
	assert.Equal(t, 2, n)
	assert.Equal(t, 3, srv.Requests(http.MethodGet, "/rentals"), "one List, two pages of All")
}

// putBooking stores a future booking of rental 16 updated at updated.
func putBooking(srv *bookingsynctest.Server, start time.Time, updated time.Time) string {
	return srv.PutBooking(&bookingsync.Booking{
		Record: bookingsync.Record{
			Links:     bookingsync.Links{"rental": []byte("16"), "client": []byte("37")},
			UpdatedAt: lenient.Time{Time: updated},
		},
		Status:  "Booked",
		Booked:  lenient.Bool{Value: true},
		StartAt: lenient.Time{Time: start},
		EndAt:   lenient.Time{Time: start.AddDate(0, 0, 7)},
	})
}

func TestBookingsService_List(t *testing.T) {
	t.Parallel()
	srv, c := setupAPI(t)
	now := time.Now().UTC().Truncate(time.Second)
	var want []string
	for i := range 5 {
		want = append(want, putBooking(srv, now.AddDate(0, 1, i), now))
	}
	// Booking 80 of the samples ended in 2017: BookingSync's default from
	// (now) leaves it out.
	page, _, err := c.Bookings.List(t.Context(), &bookingsync.BookingListOptions{ListOptions: bookingsync.ListOptions{PerPage: 2}})
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	assert.Equal(t, 5, page.Total)
	assert.Equal(t, 2, page.NextPage)

	var got []string
	for b, err := range c.Bookings.All(t.Context(), &bookingsync.BookingListOptions{ListOptions: bookingsync.ListOptions{PerPage: 2}, RentalIDs: []string{"16"}}) {
		require.NoError(t, err)
		got = append(got, b.ID.String())
	}
	assert.Equal(t, want, got)

	tests := []struct {
		name string
		opts bookingsync.BookingListOptions
		want int
	}{
		{name: "from the past", opts: bookingsync.BookingListOptions{From: time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)}, want: 6},
		{name: "until", opts: bookingsync.BookingListOptions{Until: now.AddDate(0, 1, 2)}, want: 2},
		{name: "months", opts: bookingsync.BookingListOptions{Months: 1}, want: 1},
		{name: "status", opts: bookingsync.BookingListOptions{Status: []string{"tentative"}}, want: 0},
		{name: "other client", opts: bookingsync.BookingListOptions{ClientIDs: []string{"38"}}, want: 0},
		{name: "updated since later", opts: bookingsync.BookingListOptions{UpdatedSince: now.Add(time.Minute)}, want: 0},
	}
	for _, tt := range tests {
		page, _, err := c.Bookings.List(t.Context(), &tt.opts)
		require.NoError(t, err, tt.name)
		assert.Len(t, page.Items, tt.want, tt.name)
	}
}

func TestBookingsService_Changes(t *testing.T) {
	t.Parallel()
	srv, c := setupAPI(t)
	now := time.Now().UTC().Truncate(time.Second)
	since := now.Add(-time.Hour)
	old := putBooking(srv, now.AddDate(0, 1, 0), since.Add(-time.Hour))
	fresh := putBooking(srv, now.AddDate(0, 1, 1), now)
	gone := putBooking(srv, now.AddDate(0, 1, 2), since.Add(-time.Hour))
	require.NoError(t, srv.CancelBooking(gone))

	ch, resp, err := c.Bookings.Changes(t.Context(), &bookingsync.BookingListOptions{UpdatedSince: since})
	require.NoError(t, err)
	require.Len(t, ch.Items, 1)
	assert.Equal(t, fresh, ch.Items[0].ID.String())
	assert.Equal(t, []string{gone}, ch.DeletedIDs)
	assert.WithinDuration(t, time.Now(), ch.SyncedAt, 5*time.Second)
	synced, ok := bookingsync.SyncedAt(resp)
	require.True(t, ok)
	assert.Equal(t, ch.SyncedAt, synced)
	assert.NotContains(t, ch.DeletedIDs, old)

	sent := srv.Requests(http.MethodGet, "/bookings")
	_, _, err = c.Bookings.Changes(t.Context(), nil)
	require.Error(t, err)
	_, _, err = c.Bookings.Changes(t.Context(), &bookingsync.BookingListOptions{})
	require.Error(t, err)
	assert.Equal(t, sent, srv.Requests(http.MethodGet, "/bookings"), "Changes without UpdatedSince sends nothing")
}

func TestOAuthClient(t *testing.T) {
	t.Parallel()
	srv := bookingsynctest.NewServer()
	t.Cleanup(srv.Close)
	o, err := bookingsync.NewOAuthClient(bookingsynctest.ClientID, bookingsynctest.ClientSecret, bookingsync.WithBaseURL(srv.URL()))
	require.NoError(t, err)

	assert.Equal(t, "https://www.bookingsync.com/oauth/authorize?client_id=test-client-id&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code&scope=bookings_read%20clients_read&state=xyz",
		o.AuthorizeURL("https://app.example/cb", "xyz", "bookings_read", "clients_read"))

	tok, _, err := o.Exchange(t.Context(), bookingsynctest.AuthorizationCode, "https://app.example/cb")
	require.NoError(t, err)
	assert.NotEmpty(t, tok.AccessToken)
	assert.NotEmpty(t, tok.RefreshToken)
	assert.WithinDuration(t, time.Now().Add(2*time.Hour), tok.Expiry, time.Minute)
	assert.NotContains(t, tok.String(), tok.AccessToken)

	c, err := bookingsync.NewClient(tok.Auth(), bookingsync.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, _, err = c.Bookings.Get(t.Context(), "80")
	require.NoError(t, err)

	next, _, err := o.Refresh(t.Context(), tok.RefreshToken, "")
	require.NoError(t, err)
	assert.NotEqual(t, tok.RefreshToken, next.RefreshToken, "rotated")

	_, _, err = o.Refresh(t.Context(), tok.RefreshToken, "")
	var apiErr *bookingsync.APIError
	require.ErrorAs(t, err, &apiErr, "a used refresh token is refused")
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "invalid_grant", apiErr.Code)
	assert.NotContains(t, err.Error(), tok.RefreshToken)
	assert.NotContains(t, string(apiErr.Body), bookingsynctest.ClientSecret)

	_, _, err = o.Exchange(t.Context(), "bad-code-value", "https://app.example/cb")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "invalid_grant", apiErr.Code)

	_, err = bookingsync.NewOAuthClient("", "x")
	require.Error(t, err)
	_, err = bookingsync.NewOAuthClient("x", "")
	require.Error(t, err)
}

// TestClient_rateLimitWindow: once X-RateLimit-Remaining is 0, callers wait
// for X-RateLimit-Reset, and beyond the cap get a *LimitError unsent.
func TestClient_rateLimitWindow(t *testing.T) {
	t.Parallel()
	srv, c := setupAPI(t, bookingsync.WithRetryMax(-1))
	reset := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	srv.Fail(http.MethodGet, "/bookings/{id}", bookingsynctest.Fault{
		Status: http.StatusTooManyRequests,
		Header: http.Header{"X-Ratelimit-Limit": {"1000"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}},
	})
	_, _, err := c.Bookings.Get(t.Context(), "80")
	require.Error(t, err)
	_, _, err = c.Bookings.Get(t.Context(), "80")
	var limitErr *bookingsync.LimitError
	require.ErrorAs(t, err, &limitErr)
	wait, ok := limitErr.RetryAfter()
	assert.True(t, ok)
	assert.Greater(t, wait, 50*time.Minute)
	assert.False(t, errors.Is(err, t.Context().Err()))
	assert.Equal(t, 1, srv.Requests(http.MethodGet, "/bookings/{id}"), "the second call is not sent")
}
