package ownerrez_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
)

// newFake starts the fake API and returns it with a client whose retries
// wait a millisecond.
func newFake(t *testing.T, opts ...ownerrez.ClientOption) (*ownerreztest.Server, *ownerrez.Client) {
	t.Helper()
	srv := ownerreztest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.Client(append([]ownerrez.ClientOption{ownerrez.WithRetryWait(time.Millisecond, 2*time.Millisecond)}, opts...)...)
	require.NoError(t, err)
	return srv, c
}

// cmpTime compares lenient.Time by instant, since its embedded time.Time
// has unexported fields.
var cmpTime = cmp.Comparer(func(a, b lenient.Time) bool {
	return a.Time.Equal(b.Time) && a.Unparsed == b.Unparsed && a.Zoneless == b.Zoneless
})

func ts(s string) lenient.Time {
	t, err := lenient.ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

func id(n int64) lenient.Int { return lenient.Int{Value: n} }

// fullBooking is a booking with every part the fake keeps.
func fullBooking() ownerrez.Booking {
	return ownerrez.Booking{
		Type: ownerrez.BookingTypeBooking, Status: ownerrez.BookingActive,
		PropertyID: id(474841), Property: &ownerrez.PropertyRef{ID: id(474841), Name: "S402"},
		GuestID: id(620763955), Guest: &ownerrez.GuestRef{ID: id(620763955), FirstName: "Ada", LastName: "Lovelace"},
		Arrival: event.Date{Year: 2026, Month: 3, Day: 12}, Departure: event.Date{Year: 2026, Month: 3, Day: 16},
		CheckIn: "15:00", CheckOut: "12:00", Adults: id(2),
		BookedUTC: ts("2026-03-08T17:54:45Z"), CreatedUTC: ts("2026-03-08T17:54:44Z"), UpdatedUTC: ts("2026-03-08T17:56:10Z"),
		CurrencyCode: "SAR", TotalAmount: lenient.Decimal{Value: "830.00"}, TotalOwed: lenient.Decimal{Value: "830.00"},
		ListingSite: "Airbnb", PlatformReservationNumber: "HMCFDR58EZ",
		Charges: []ownerrez.Charge{{Type: "rent", Amount: lenient.Decimal{Value: "830.00"}}},
		Tags:    []lenient.String{"vip"},
	}
}

// TestRecords_Get gets every kind of record from the fake: as stored,
// 404 once deleted, and no request for an invalid id.
func TestRecords_Get(t *testing.T) {
	t.Parallel()
	type getFunc func(ctx context.Context, c *ownerrez.Client, id int64) (any, *ownerrez.Response, error)
	tests := []struct {
		name    string
		path    string
		put     func(s *ownerreztest.Server) (any, int64)
		del     func(s *ownerreztest.Server, id int64) bool
		get     getFunc
		notFind string
	}{
		{
			name: "booking", path: "/bookings/{id}",
			put: func(s *ownerreztest.Server) (any, int64) { b := s.PutBooking(fullBooking()); return &b, b.ID.Int64() },
			del: (*ownerreztest.Server).DeleteBooking,
			get: func(ctx context.Context, c *ownerrez.Client, id int64) (any, *ownerrez.Response, error) {
				return wrap(c.Bookings.Get(ctx, id))
			},
			notFind: "Expected entity Booking:Id:1001 not found.",
		},
		{
			name: "guest", path: "/guests/{id}",
			put: func(s *ownerreztest.Server) (any, int64) {
				g := s.PutGuest(ownerrez.Guest{FirstName: "Ada", LastName: "Lovelace",
					EmailAddresses: []ownerrez.EmailAddress{{ID: id(5), Address: "ada@example.com", IsDefault: lenient.Bool{Value: true}}}})
				return &g, g.ID.Int64()
			},
			del: (*ownerreztest.Server).DeleteGuest,
			get: func(ctx context.Context, c *ownerrez.Client, id int64) (any, *ownerrez.Response, error) {
				return wrap(c.Guests.Get(ctx, id))
			},
			notFind: "Expected entity Guest:Id:1001 not found.",
		},
		{
			name: "property", path: "/properties/{id}",
			put: func(s *ownerreztest.Server) (any, int64) {
				p := s.PutProperty(ownerrez.Property{ID: id(474841), Name: "S402", Active: lenient.Bool{Value: true}, Bedrooms: id(2)})
				return &p, p.ID.Int64()
			},
			del: (*ownerreztest.Server).DeleteProperty,
			get: func(ctx context.Context, c *ownerrez.Client, id int64) (any, *ownerrez.Response, error) {
				return wrap(c.Properties.Get(ctx, id))
			},
			notFind: "Expected entity Property:Id:474841 not found.",
		},
		{
			name: "inquiry", path: "/inquiries/{id}",
			put: func(s *ownerreztest.Server) (any, int64) {
				q := s.PutInquiry(ownerrez.Inquiry{Status: "open", PropertyID: id(474841), Adults: id(2)})
				return &q, q.ID.Int64()
			},
			del: (*ownerreztest.Server).DeleteInquiry,
			get: func(ctx context.Context, c *ownerrez.Client, id int64) (any, *ownerrez.Response, error) {
				return wrap(c.Inquiries.Get(ctx, id))
			},
			notFind: "Expected entity Inquiry:Id:1001 not found.",
		},
		{
			name: "message", path: "/messages/{id}",
			put: func(s *ownerreztest.Server) (any, int64) {
				m := s.PutMessage(ownerrez.ThreadMessage{Body: "Hi", FromRole: "guest", DateUTC: ts("2026-03-09T10:00:00Z"),
					Thread: &ownerrez.Thread{ID: id(77), BookingID: id(1001)}})
				return &m, m.ID.Int64()
			},
			del: (*ownerreztest.Server).DeleteMessage,
			get: func(ctx context.Context, c *ownerrez.Client, id int64) (any, *ownerrez.Response, error) {
				return wrap(c.Messages.Get(ctx, id))
			},
			notFind: "Expected entity Message:Id:1001 not found.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t)
			want, rid := tt.put(srv)

			got, resp, err := tt.get(t.Context(), c, rid)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Empty(t, cmp.Diff(want, got, cmpTime))

			require.True(t, tt.del(srv, rid))
			_, resp, err = tt.get(t.Context(), c, rid)
			var apiErr *ownerrez.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode)
			assert.Equal(t, "not_found", apiErr.Code)
			assert.Equal(t, tt.notFind, apiErr.Message)

			_, resp, err = tt.get(t.Context(), c, 0)
			require.Error(t, err)
			assert.Nil(t, resp)
			assert.Equal(t, 2, srv.Requests(http.MethodGet, tt.path), "no request for id 0")
		})
	}
}

// wrap turns a typed Get's results into untyped ones.
func wrap[T any](v *T, resp *ownerrez.Response, err error) (any, *ownerrez.Response, error) {
	if v == nil {
		return nil, resp, err
	}
	return v, resp, err
}

// TestBookingsService_List lists bookings with each filter the reference
// documents, against the fake.
func TestBookingsService_List(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	put := func(pid int64, status ownerrez.BookingStatus, updated string, arrival int) ownerrez.Booking {
		b := fullBooking()
		b.PropertyID, b.Property.ID, b.Status, b.UpdatedUTC = id(pid), id(pid), status, ts(updated)
		b.Arrival, b.Departure = event.Date{Year: 2026, Month: 4, Day: arrival}, event.Date{Year: 2026, Month: 4, Day: arrival + 3}
		return srv.PutBooking(b)
	}
	b1 := put(1, ownerrez.BookingActive, "2026-03-01T00:00:00Z", 1)
	b2 := put(2, ownerrez.BookingCanceled, "2026-03-05T00:00:00Z", 10)
	b3 := put(1, ownerrez.BookingActive, "2026-03-09T12:00:00Z", 20)

	ids := func(p *ownerrez.Page[ownerrez.Booking]) []int64 {
		var out []int64
		for _, b := range p.Items {
			out = append(out, b.ID.Int64())
		}
		return out
	}
	tests := []struct {
		name     string
		opts     ownerrez.BookingListOptions
		want     []int64
		total    int
		nextPage int
	}{
		{"since", ownerrez.BookingListOptions{Since: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}, []int64{b2.ID.Int64(), b3.ID.Int64()}, 2, 0},
		{"since in another zone", ownerrez.BookingListOptions{Since: time.Date(2026, 3, 9, 12, 30, 0, 0, time.FixedZone("X", 3600))}, []int64{b3.ID.Int64()}, 1, 0},
		{"property", ownerrez.BookingListOptions{PropertyIDs: []int64{1}}, []int64{b1.ID.Int64(), b3.ID.Int64()}, 2, 0},
		{"properties", ownerrez.BookingListOptions{PropertyIDs: []int64{1, 2}}, []int64{b1.ID.Int64(), b2.ID.Int64(), b3.ID.Int64()}, 3, 0},
		{"status", ownerrez.BookingListOptions{PropertyIDs: []int64{1, 2}, Status: ownerrez.BookingCanceled}, []int64{b2.ID.Int64()}, 1, 0},
		{"from to", ownerrez.BookingListOptions{PropertyIDs: []int64{1, 2}, From: event.Date{Year: 2026, Month: 4, Day: 5}, To: event.Date{Year: 2026, Month: 4, Day: 15}}, []int64{b2.ID.Int64()}, 1, 0},
		{"first page", ownerrez.BookingListOptions{PropertyIDs: []int64{1, 2}, ListOptions: ownerrez.ListOptions{PerPage: 2}}, []int64{b1.ID.Int64(), b2.ID.Int64()}, 3, 2},
		{"second page", ownerrez.BookingListOptions{PropertyIDs: []int64{1, 2}, ListOptions: ownerrez.ListOptions{Page: 2, PerPage: 2}}, []int64{b3.ID.Int64()}, 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, resp, err := c.Bookings.List(t.Context(), &tt.opts)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, tt.want, ids(p))
			assert.Equal(t, tt.total, p.Total)
			assert.Equal(t, tt.nextPage, p.NextPage)
		})
	}

	t.Run("include flags", func(t *testing.T) {
		t.Parallel()
		p, _, err := c.Bookings.List(t.Context(), &ownerrez.BookingListOptions{PropertyIDs: []int64{2}})
		require.NoError(t, err)
		require.Len(t, p.Items, 1)
		assert.Nil(t, p.Items[0].Charges)
		assert.Nil(t, p.Items[0].Guest)
		p, _, err = c.Bookings.List(t.Context(), &ownerrez.BookingListOptions{PropertyIDs: []int64{2},
			IncludeCharges: true, IncludeTags: true, IncludeGuest: true, IncludeFields: true, IncludeDoorCodes: true})
		require.NoError(t, err)
		assert.Empty(t, cmp.Diff(&b2, p.Items[0], cmpTime))
	})
}

// TestBookingsService_All walks every page by next_page_url.
func TestBookingsService_All(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	var want []int64
	for range 5 {
		b := fullBooking()
		want = append(want, srv.PutBooking(b).ID.Int64())
	}
	var got []int64
	for b, err := range c.Bookings.All(t.Context(), &ownerrez.BookingListOptions{PropertyIDs: []int64{474841}, ListOptions: ownerrez.ListOptions{PerPage: 2}}) {
		require.NoError(t, err)
		got = append(got, b.ID.Int64())
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 3, srv.Requests(http.MethodGet, "/bookings"))
}

// TestBookingsService_List_needsFilter: OwnerRez requires property_ids or
// since_utc, so the client refuses without sending.
func TestBookingsService_List_needsFilter(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	for _, opts := range []*ownerrez.BookingListOptions{nil, {Status: ownerrez.BookingActive}} {
		_, resp, err := c.Bookings.List(t.Context(), opts)
		require.ErrorContains(t, err, "PropertyIDs or Since")
		assert.Nil(t, resp)
		for _, err := range c.Bookings.All(t.Context(), opts) {
			require.ErrorContains(t, err, "PropertyIDs or Since")
		}
	}
	assert.Zero(t, srv.Requests(http.MethodGet, "/bookings"))
}

// TestWebhooksService_fake runs every subscription call against the fake.
func TestWebhooksService_fake(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	created, resp, err := c.Webhooks.Create(ctx, &ownerrez.SubscriptionParams{
		Type: "Booking", Action: "EntityUpdate", URL: "https://acme.example/hooks", Category: "availability"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, int64(1), created.ID)
	_, _, err = c.Webhooks.Create(ctx, &ownerrez.SubscriptionParams{
		Type: ownerrez.SubscriptionGuest, Action: ownerrez.ActionEntityCreate, URL: "http://127.0.0.1:9/hooks"})
	require.NoError(t, err)

	got, _, err := c.Webhooks.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, ownerrez.Subscription{ID: 1, Type: "Booking", Action: "EntityUpdate", URL: "https://acme.example/hooks", Category: "availability"},
		ownerrez.Subscription{ID: got.ID, Type: got.Type, Action: got.Action, URL: got.URL, Category: got.Category})

	p, _, err := c.Webhooks.List(ctx, &ownerrez.SubscriptionListOptions{ListOptions: ownerrez.ListOptions{PerPage: 1}})
	require.NoError(t, err)
	assert.Equal(t, 2, p.Total)
	assert.Equal(t, 2, p.NextPage)
	n := 0
	for _, err := range c.Webhooks.All(ctx, &ownerrez.SubscriptionListOptions{ListOptions: ownerrez.ListOptions{PerPage: 1}}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)

	cats, _, err := c.Webhooks.Categories(ctx)
	require.NoError(t, err)
	assert.Contains(t, cats["Booking"], "availability")

	_, err = c.Webhooks.Delete(ctx, created.ID)
	require.NoError(t, err)
	_, err = c.Webhooks.Delete(ctx, created.ID)
	var apiErr *ownerrez.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)

	_, _, err = c.Webhooks.Create(ctx, &ownerrez.SubscriptionParams{Type: "booking", Action: "entity_update", URL: "http://acme.example/hooks"})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, "validation_error", apiErr.Code)
	assert.Equal(t, 2, srv.Requests(http.MethodDelete, "/webhooksubscriptions/{id}"))
}

// TestClient_fakeAuth: the fake takes a personal token for records but
// not for subscriptions, and refuses wrong credentials as OwnerRez does.
func TestClient_fakeAuth(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	b := srv.PutBooking(fullBooking())
	tests := []struct {
		name     string
		auth     ownerrez.Auth
		bookings int    // status of GET /bookings/{id}
		subs     int    // status of GET /webhooksubscriptions
		code     string // APIError.Code of the failure of bookings
		subsCode string // APIError.Code of the failure of subs
	}{
		{"access token", ownerrez.AccessToken(ownerreztest.AccessToken), 200, 200, "", ""},
		{"personal token", ownerrez.PersonalToken(ownerreztest.Email, ownerreztest.PersonalToken), 200, 403, "", "forbidden"},
		{"wrong personal token", ownerrez.PersonalToken(ownerreztest.Email, "pt_wrong"), 401, 401, "invalid_token", "invalid_token"},
		{"unknown access token", ownerrez.AccessToken("at_unknown"), 401, 401, "invalid_token", "invalid_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ownerrez.NewClient(tt.auth, ownerrez.WithBaseURL(srv.URL()))
			require.NoError(t, err)
			_, resp, err := c.Bookings.Get(t.Context(), b.ID.Int64())
			assert.Equal(t, tt.bookings, resp.StatusCode)
			checkCode(t, err, tt.code)
			_, resp, err = c.Webhooks.List(t.Context(), nil)
			assert.Equal(t, tt.subs, resp.StatusCode)
			checkCode(t, err, tt.subsCode)
		})
	}
}

func checkCode(t *testing.T, err error, code string) {
	t.Helper()
	if code == "" {
		require.NoError(t, err)
		return
	}
	var apiErr *ownerrez.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, code, apiErr.Code)
}

// TestOAuthClient_fake exchanges a code, refreshes the token and revokes
// it against the fake.
func TestOAuthClient_fake(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	ctx := t.Context()
	o, err := srv.OAuthClient()
	require.NoError(t, err)

	tok, _, err := o.Exchange(ctx, ownerreztest.AuthorizationCode, "")
	require.NoError(t, err)
	assert.Equal(t, ownerreztest.AccessToken, tok.AccessToken)
	assert.Equal(t, ownerreztest.RefreshToken, tok.RefreshToken)
	assert.Equal(t, ownerreztest.UserID, tok.UserID.Int64())
	assert.False(t, tok.Expiry.IsZero())

	refreshed, resp, err := o.Refresh(ctx, tok.RefreshToken)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotEqual(t, tok.AccessToken, refreshed.AccessToken)
	assert.Equal(t, ownerreztest.RefreshToken, refreshed.RefreshToken, "kept: the answer has none")
	c, err := ownerrez.NewClient(refreshed.Auth(), ownerrez.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(ctx, nil)
	require.NoError(t, err, "the refreshed token works")

	_, _, err = o.Refresh(ctx, "rt_wrong-refresh")
	var apiErr *ownerrez.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "invalid_grant", apiErr.Code)
	assert.NotContains(t, err.Error(), "rt_wrong-refresh")
	_, _, err = o.Refresh(ctx, "")
	require.Error(t, err)

	_, err = o.Revoke(ctx, refreshed.AccessToken)
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(ctx, nil)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "invalid_token", apiErr.Code)
	resp, err = o.Revoke(ctx, refreshed.AccessToken)
	require.NoError(t, err, "404 is already revoked")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	bad, err := ownerrez.NewOAuthClient(ownerreztest.ClientID, "s_wrong", ownerrez.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, _, err = bad.Refresh(ctx, ownerreztest.RefreshToken)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "invalid_client", apiErr.Code)
}
