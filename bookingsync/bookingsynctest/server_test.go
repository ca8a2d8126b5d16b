package bookingsynctest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/lenient"
)

// get sends GET path (relative to the API root of base) with token.
func get(t *testing.T, base, path, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestServer_routes(t *testing.T) {
	t.Parallel()
	srv := bookingsynctest.NewServer()
	t.Cleanup(srv.Close)
	tests := []struct {
		name, path, token string
		status            int
		body              string
	}{
		{name: "no token", path: "/bookings/80", status: 401, body: `{"errors":[{"code":"unauthorized"}]}`},
		{name: "unknown token", path: "/bookings/80", token: "nope", status: 401, body: `{"errors":[{"code":"unauthorized"}]}`},
		{name: "booking", path: "/bookings/80", token: bookingsynctest.AccessToken, status: 200},
		{name: "missing", path: "/rentals/999", token: bookingsynctest.AccessToken, status: 404, body: `{"errors":[{"code":"not_found"}]}`},
		{name: "bad time", path: "/bookings?updated_since=yesterday", token: bookingsynctest.AccessToken, status: 422,
			body: `{"errors":[{"code":"validation_failed","field":"updated_since","title":"is invalid"}]}`},
		{name: "bad page", path: "/clients?page=0", token: bookingsynctest.AccessToken, status: 422,
			body: `{"errors":[{"code":"validation_failed","field":"invalid","title":"must be a positive integer"}]}`},
		{name: "no route", path: "/webhooks", token: bookingsynctest.AccessToken, status: 404, body: `{"errors":[{"code":"not_found"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, srv.URL(), tt.path, tt.token)
			assert.Equal(t, tt.status, resp.StatusCode)
			if tt.body != "" {
				assert.JSONEq(t, tt.body, body)
			}
			if tt.status == 200 {
				var env map[string]json.RawMessage
				require.NoError(t, json.Unmarshal([]byte(body), &env))
				assert.Contains(t, env, "bookings")
				assert.Contains(t, env, "links")
				assert.Contains(t, env, "meta")
				assert.Equal(t, "1000", resp.Header.Get("X-RateLimit-Limit"))
			}
		})
	}
}

// TestServer_Handler: served elsewhere, the fake writes its own Link URLs
// with the request's host.
func TestServer_Handler(t *testing.T) {
	t.Parallel()
	srv := bookingsynctest.NewServer()
	t.Cleanup(srv.Close)
	other := httptest.NewServer(srv.Handler())
	t.Cleanup(other.Close)
	resp, _ := get(t, other.URL+"/api/v3", "/clients?per_page=1", bookingsynctest.AccessToken)
	require.Equal(t, 200, resp.StatusCode)
	link := resp.Header.Get("Link")
	u, _ := url.Parse(other.URL)
	assert.Contains(t, link, "<http://"+u.Host+"/api/v3/clients?page=2&per_page=1>; rel=\"next\"")
	assert.Equal(t, "2", resp.Header.Get("X-Total-Count"))
	assert.Equal(t, 1, srv.Requests(http.MethodGet, "/clients"))
}

func TestServer_token(t *testing.T) {
	t.Parallel()
	srv := bookingsynctest.NewServer()
	t.Cleanup(srv.Close)
	root := strings.TrimSuffix(srv.URL(), "/api/v3")
	post := func(form url.Values) (int, map[string]any) {
		resp, err := http.PostForm(root+"/oauth/token", form)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	status, out := post(url.Values{"grant_type": {"client_credentials"}, "client_id": {bookingsynctest.ClientID}, "client_secret": {bookingsynctest.ClientSecret}})
	assert.Equal(t, 200, status)
	assert.Equal(t, "bearer", out["token_type"])
	assert.EqualValues(t, 7200, out["expires_in"])
	assert.Equal(t, "public", out["scope"])
	assert.NotContains(t, out, "refresh_token")

	status, out = post(url.Values{"grant_type": {"client_credentials"}, "client_id": {bookingsynctest.ClientID}, "client_secret": {"x"}})
	assert.Equal(t, 401, status)
	assert.Equal(t, "invalid_client", out["error"])

	status, out = post(url.Values{"grant_type": {"password"}, "client_id": {bookingsynctest.ClientID}, "client_secret": {bookingsynctest.ClientSecret}})
	assert.Equal(t, 401, status)
	assert.Equal(t, "unsupported_grant_type", out["error"])
}

func TestServer_AddEndpoint(t *testing.T) {
	t.Parallel()
	srv := bookingsynctest.NewServer()
	t.Cleanup(srv.Close)
	require.Error(t, srv.AddEndpoint("/relative", "s"))
	require.Error(t, srv.AddEndpoint("http://127.0.0.1/hook", ""))

	var got []string
	v, err := bookingsync.NewVerifier(bookingsynctest.ClientSecret)
	require.NoError(t, err)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if v.Verify(r.Header, body) != nil || r.UserAgent() != "BookingSync Webhook Delivery" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		wh, err := bookingsync.Parse(body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		got = append(got, wh.Event+" "+wh.AccountID)
	}))
	t.Cleanup(hook.Close)
	require.NoError(t, srv.AddEndpoint(hook.URL, bookingsynctest.ClientSecret))
	require.NoError(t, srv.Deliver(t.Context(), "rental_updated", "16"))
	srv.DeleteRental("16")
	require.NoError(t, srv.Deliver(t.Context(), "rental_destroyed", "16"), "an id-only delivery of a removed record")
	require.Error(t, srv.Deliver(t.Context(), "payment_created", "1"), "not a kind the fake stores")
	assert.Equal(t, []string{"rental_updated 1059638630", "rental_destroyed 1059638630"}, got)

	require.NoError(t, srv.AddEndpoint(hook.URL, "another-secret"))
	require.Error(t, srv.Deliver(t.Context(), "booking_updated", "80"), "the second endpoint rejects a signature with another secret")
}

// TestServer_updatedSince: the updated_since flow on the Server's clock.
// Bookings changed without a webhook are listed when updated after the
// time asked for (not at it), cancelled ones only with include_canceled,
// and both cancelled and removed bookings among meta.deleted_ids; every
// answer carries the clock as X-Updated-Since-Request-Synced-At.
func TestServer_updatedSince(t *testing.T) {
	t.Parallel()
	srv := bookingsynctest.NewServer()
	t.Cleanup(srv.Close)
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	put := func(id string, updated time.Time) {
		srv.PutBooking(&bookingsync.Booking{Record: bookingsync.Record{ID: lenient.String(id), UpdatedAt: lenient.Time{Time: updated}}})
	}
	since := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	put("1", since)                  // at since: not after it
	put("2", since.Add(time.Second)) // changed without a webhook
	put("3", since.Add(-time.Hour))  // before
	put("4", since.Add(-time.Hour))  // cancelled at the clock
	put("5", since.Add(-time.Hour))  // removed at the clock
	put("6", time.Time{})            // put without updated_at: the clock
	require.NoError(t, srv.CancelBooking("4"))
	srv.DeleteBooking("5")

	q := "/bookings?from=1970-01-01T00:00:00Z&updated_since=2026-03-01T00:00:00Z"
	type answer struct {
		Bookings []struct {
			ID        int    `json:"id"`
			UpdatedAt string `json:"updated_at"`
		} `json:"bookings"`
		Meta struct {
			DeletedIDs []int `json:"deleted_ids"`
		} `json:"meta"`
	}
	for _, tt := range []struct {
		query string
		ids   []int
	}{
		{q, []int{2, 6}},
		{q + "&include_canceled=true", []int{2, 4, 6}},
	} {
		resp, body := get(t, srv.URL(), tt.query, bookingsynctest.AccessToken)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Equal(t, "2026-03-02 12:00:00 UTC", resp.Header.Get(bookingsync.SyncedAtHeader))
		var a answer
		require.NoError(t, json.Unmarshal([]byte(body), &a))
		var ids []int
		for _, b := range a.Bookings {
			ids = append(ids, b.ID)
		}
		assert.Equal(t, tt.ids, ids, tt.query)
		assert.Equal(t, []int{4, 5}, a.Meta.DeletedIDs, tt.query)
	}
}
