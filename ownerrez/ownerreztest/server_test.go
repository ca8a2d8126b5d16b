package ownerreztest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
)

func newServer(t *testing.T) *ownerreztest.Server {
	t.Helper()
	s := ownerreztest.NewServer()
	t.Cleanup(s.Close)
	return s
}

// get sends a raw GET to the fake and returns status and decoded body.
func get(t *testing.T, base, path string, header http.Header) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Contains(t, resp.Header.Get("Content-Type"), "application/json")
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

// TestServer_auth: the fake answers credentials as OwnerRez documents,
// with its v2 error envelope.
func TestServer_auth(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := s.PutBooking(ownerrez.Booking{Status: ownerrez.BookingActive})
	path := fmt.Sprintf("/bookings/%d", b.ID.Int64())
	bearer := func(tok string) http.Header {
		return http.Header{"Authorization": {"Bearer " + tok}, "User-Agent": {"test"}}
	}
	tests := []struct {
		name   string
		header http.Header
		status int
		code   string
	}{
		{"bearer", bearer(ownerreztest.AccessToken), 200, ""},
		{"none", http.Header{"User-Agent": {"test"}}, 401, "auth_required"},
		{"unknown bearer", bearer("at_nope"), 401, "invalid_token"},
		{"bearer without user agent", http.Header{"Authorization": {"Bearer " + ownerreztest.AccessToken}, "User-Agent": {""}}, 401, "user_agent_required"},
		{"malformed basic", http.Header{"Authorization": {"Basic !!!"}}, 401, "invalid_request"},
		{"personal token", http.Header{"Authorization": {basic(ownerreztest.Email, ownerreztest.PersonalToken)}}, 200, ""},
		{"wrong email", http.Header{"Authorization": {basic("x@example.com", ownerreztest.PersonalToken)}}, 401, "invalid_token"},
		{"other scheme", http.Header{"Authorization": {"Token abc"}}, 401, "auth_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := get(t, s.URL(), path, tt.header)
			assert.Equal(t, tt.status, status)
			if tt.code == "" {
				assert.Equal(t, float64(b.ID.Int64()), body["id"])
				return
			}
			assert.Equal(t, tt.code, body["code"])
			assert.Equal(t, "unauthorized", body["status"])
			assert.Equal(t, float64(401), body["status_code"])
			assert.NotEmpty(t, body["messages"])
			assert.Contains(t, body["doc_url"], "api-errors")
		})
	}
}

func basic(user, password string) string {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(user, password)
	return r.Header.Get("Authorization")
}

// TestServer_faults: injected faults answer OwnerRez's bodies, then the
// route answers normally; Requests counts by exact path and pattern.
func TestServer_faults(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := s.PutBooking(ownerrez.Booking{})
	path := fmt.Sprintf("/bookings/%d", b.ID.Int64())
	s.Fail(http.MethodGet, "/bookings/{id}",
		ownerreztest.Fault{Status: 429, Header: http.Header{"Retry-After": {"30"}}},
		ownerreztest.Fault{Status: 503},
		ownerreztest.Fault{Status: 500, Body: `{"messages":["custom"]}`})
	auth := http.Header{"Authorization": {"Bearer " + ownerreztest.AccessToken}, "User-Agent": {"test"}}

	status, body := get(t, s.URL(), path, auth)
	assert.Equal(t, 429, status)
	assert.Equal(t, map[string]any{"code": float64(429), "error": "Rate limit exceeded."}, body)
	status, body = get(t, s.URL(), path, auth)
	assert.Equal(t, 503, status)
	assert.Equal(t, "service_unavailable", body["status"])
	assert.Equal(t, "service_unavailable", body["code"])
	status, body = get(t, s.URL(), path, auth)
	assert.Equal(t, 500, status)
	assert.Equal(t, []any{"custom"}, body["messages"])
	status, _ = get(t, s.URL(), path, auth)
	assert.Equal(t, 200, status)

	assert.Equal(t, 4, s.Requests(http.MethodGet, "/bookings/{id}"))
	assert.Equal(t, 4, s.Requests(http.MethodGet, path))

	status, body = get(t, s.URL(), "/nothing", auth)
	assert.Equal(t, 404, status)
	assert.Equal(t, "not_found", body["code"])
}

// TestServer_Handler: the same API served elsewhere shares the state, and
// next_page_url does not name the address.
func TestServer_Handler(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for range 3 {
		s.PutBooking(ownerrez.Booking{PropertyID: lenient.Int{Value: 7}})
	}
	other := httptest.NewServer(s.Handler())
	t.Cleanup(other.Close)
	auth := http.Header{"Authorization": {"Bearer " + ownerreztest.AccessToken}, "User-Agent": {"test"}}

	status, body := get(t, other.URL+"/v2", "/bookings?property_ids=7&limit=2", auth)
	require.Equal(t, 200, status)
	assert.Equal(t, float64(3), body["count"])
	assert.Equal(t, float64(2), body["limit"])
	assert.Equal(t, float64(0), body["offset"])
	assert.Equal(t, "/v2/bookings?limit=2&offset=2&property_ids=7", body["next_page_url"])
	status, body = get(t, other.URL+"/v2", "/bookings?property_ids=7&limit=2&offset=2", auth)
	require.Equal(t, 200, status)
	assert.Len(t, body["items"], 1)
	assert.Nil(t, body["next_page_url"])

	status, body = get(t, other.URL+"/v2", "/bookings", auth)
	assert.Equal(t, 400, status)
	assert.Equal(t, "validation_error", body["code"])
}

// TestServer_PutBooking assigns ids from 1001, keeps given ones and dates
// records without timestamps.
func TestServer_PutBooking(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a := s.PutBooking(ownerrez.Booking{})
	assert.Equal(t, int64(1001), a.ID.Int64())
	assert.False(t, a.UpdatedUTC.IsZero())
	assert.False(t, a.CreatedUTC.IsZero())
	given := s.PutBooking(ownerrez.Booking{ID: lenient.Int{Value: 5000}})
	assert.Equal(t, int64(5000), given.ID.Int64())
	assert.Equal(t, int64(5001), s.PutBooking(ownerrez.Booking{}).ID.Int64())
	assert.Equal(t, int64(1001), s.PutGuest(ownerrez.Guest{}).ID.Int64(), "ids count per kind")
	assert.True(t, s.DeleteBooking(5000))
	assert.False(t, s.DeleteBooking(5000))
}

// hook is an endpoint that records what Deliver sends it.
type hook struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
	auth   []string
	status int
}

func newHook(t *testing.T, status int) *hook {
	h := &hook{status: status}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		h.mu.Lock()
		h.bodies = append(h.bodies, m)
		h.auth = append(h.auth, r.Header.Get("Authorization"))
		status := h.status
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) got() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]map[string]any(nil), h.bodies...)
}

// TestServer_Deliver sends OwnerRez's envelope to the subscriptions that
// select it, authenticated as the Verifier expects.
func TestServer_Deliver(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c, err := s.Client()
	require.NoError(t, err)
	b := s.PutBooking(ownerrez.Booking{Status: ownerrez.BookingActive})
	updates, availability, creates, app := newHook(t, 200), newHook(t, 204), newHook(t, 200), newHook(t, 200)
	for _, p := range []ownerrez.SubscriptionParams{
		{Type: "Booking", Action: "EntityUpdate", URL: updates.URL},
		{Type: "booking", Action: "entity_update", URL: availability.URL, Category: "availability"},
		{Type: "booking", Action: "entity_create", URL: creates.URL},
	} {
		_, _, err := c.Webhooks.Create(t.Context(), &p)
		require.NoError(t, err)
	}
	s.SetAppWebhookURL(app.URL)

	n, err := s.Deliver(t.Context(), ownerreztest.Delivery{Action: ownerrez.ActionEntityUpdate, EntityType: ownerrez.EntityBooking, EntityID: b.ID.Int64(), Categories: []string{"financial"}})
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the category subscription is not selected")
	n, err = s.Deliver(t.Context(), ownerreztest.Delivery{Action: ownerrez.ActionEntityUpdate, EntityType: ownerrez.EntityBooking, EntityID: b.ID.Int64(), Categories: []string{"Availability"}, Thin: true})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = s.Deliver(t.Context(), ownerreztest.Delivery{Action: ownerrez.ActionWebhookTest})
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	got := updates.got()
	require.Len(t, got, 2)
	assert.Equal(t, "entity_update", got[0]["action"])
	assert.Equal(t, "booking", got[0]["entity_type"])
	assert.Equal(t, float64(b.ID.Int64()), got[0]["entity_id"])
	assert.Equal(t, float64(ownerreztest.UserID), got[0]["user_id"])
	assert.Equal(t, []any{"financial"}, got[0]["categories"])
	assert.Equal(t, "active", got[0]["entity"].(map[string]any)["status"])
	assert.NotContains(t, got[1], "entity", "thin")
	assert.NotEqual(t, got[0]["id"], got[1]["id"], "each delivery has its own id")
	assert.Len(t, availability.got(), 1)
	assert.Empty(t, creates.got())
	ping := app.got()
	require.Len(t, ping, 1)
	assert.Equal(t, "api_application", ping[0]["entity_type"])

	v, err := ownerrez.NewVerifier(ownerreztest.WebhookCredentials())
	require.NoError(t, err)
	var auths []string
	for _, h := range []*hook{updates, app} {
		h.mu.Lock()
		auths = append(auths, h.auth...)
		h.mu.Unlock()
	}
	for _, a := range auths {
		require.NoError(t, v.Verify(http.Header{"Authorization": {a}}, nil))
	}

	// Failures.
	_, err = s.Deliver(t.Context(), ownerreztest.Delivery{Action: ownerrez.ActionEntityUpdate, EntityType: ownerrez.EntityGuest, EntityID: 1})
	require.Error(t, err, "no guest stored")
	_, err = s.Deliver(t.Context(), ownerreztest.Delivery{Action: ownerrez.ActionEntityDelete, EntityType: ownerrez.EntityBooking, EntityID: 1})
	require.ErrorIs(t, err, ownerreztest.ErrNoSubscription)
	updates.mu.Lock()
	updates.status = 500
	updates.mu.Unlock()
	n, err = s.Deliver(t.Context(), ownerreztest.Delivery{Action: ownerrez.ActionEntityUpdate, EntityType: ownerrez.EntityBooking, EntityID: b.ID.Int64()})
	require.ErrorContains(t, err, "answered 500")
	assert.Equal(t, 0, n)
	assert.NotContains(t, err.Error(), updates.URL)
}

// TestServer_Deliver_delete: a delete carries no entity, even while the
// record is still stored.
func TestServer_Deliver_delete(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c, err := s.Client()
	require.NoError(t, err)
	h := newHook(t, 200)
	_, _, err = c.Webhooks.Create(t.Context(), &ownerrez.SubscriptionParams{Type: ownerrez.SubscriptionMessage, Action: ownerrez.ActionEntityDelete, URL: h.URL})
	require.NoError(t, err)
	m := s.PutMessage(ownerrez.ThreadMessage{Body: "x"})
	_, err = s.Deliver(t.Context(), ownerreztest.Delivery{Action: ownerrez.ActionEntityDelete, EntityType: ownerrez.EntityThreadMessage, EntityID: m.ID.Int64()})
	require.NoError(t, err)
	got := h.got()
	require.Len(t, got, 1)
	assert.Equal(t, "thread_message", got[0]["entity_type"])
	assert.NotContains(t, got[0], "entity")
}

// TestServer_listBookings_since: since_utc keeps the bookings changed at
// or after it, inclusively, pages by limit and offset with since_utc kept
// in next_page_url, and lists a booking changed without a webhook again.
func TestServer_listBookings_since(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	at := func(v string) lenient.Time {
		tm, err := lenient.ParseTime(v)
		require.NoError(t, err)
		return tm
	}
	for i, u := range []string{"2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", "2026-02-01T00:00:00Z"} {
		s.PutBooking(ownerrez.Booking{ID: lenient.Int{Value: int64(i + 1)}, UpdatedUTC: at(u), CreatedUTC: at("2026-01-01T00:00:00Z")})
	}
	auth := http.Header{"Authorization": {"Bearer " + ownerreztest.AccessToken}, "User-Agent": {"test"}}
	ids := func(body map[string]any) []float64 {
		var out []float64
		for _, it := range body["items"].([]any) {
			out = append(out, it.(map[string]any)["id"].(float64))
		}
		return out
	}
	tests := []struct {
		name   string
		path   string
		status int
		ids    []float64
		count  float64
		next   string
	}{
		{"inclusive", "/bookings?since_utc=2026-03-02T00:00:00Z", 200, []float64{2, 3, 4}, 3, ""},
		{"offset spelling", "/bookings?since_utc=2026-03-02T01:00:00%2B01:00", 200, []float64{2, 3, 4}, 3, ""},
		{"first page", "/bookings?since_utc=2026-03-01T00:00:00Z&limit=2", 200, []float64{1, 2}, 4, "/v2/bookings?limit=2&offset=2&since_utc=2026-03-01T00%3A00%3A00Z"},
		{"last page", "/bookings?since_utc=2026-03-01T00:00:00Z&limit=2&offset=2", 200, []float64{3, 4}, 4, ""},
		{"past the end", "/bookings?since_utc=2026-03-01T00:00:00Z&limit=2&offset=9", 200, nil, 4, ""},
		{"no filter", "/bookings", 400, nil, 0, ""},
		{"zoneless", "/bookings?since_utc=2026-03-01T00:00:00", 400, nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := get(t, s.URL(), tt.path, auth)
			require.Equal(t, tt.status, status, body)
			if status != 200 {
				assert.Equal(t, "validation_error", body["code"])
				return
			}
			assert.Equal(t, tt.ids, ids(body))
			assert.Equal(t, tt.count, body["count"])
			if tt.next == "" {
				assert.Nil(t, body["next_page_url"])
			} else {
				assert.Equal(t, tt.next, body["next_page_url"])
			}
		})
	}

	t.Run("changed without a webhook", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.SetClock(func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) })
		b := s.PutBooking(ownerrez.Booking{Status: ownerrez.BookingActive})
		_, body := get(t, s.URL(), "/bookings?since_utc=2026-03-05T00:00:00Z", auth)
		assert.Empty(t, ids(body))

		s.SetClock(func() time.Time { return time.Date(2026, 3, 5, 12, 0, 0, 700, time.UTC) })
		got, ok := s.UpdateBooking(b.ID.Int64(), func(b *ownerrez.Booking) { b.Status = ownerrez.BookingCanceled })
		require.True(t, ok)
		assert.Equal(t, time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC), got.UpdatedUTC.Time)
		assert.True(t, b.CreatedUTC.Time.Equal(got.CreatedUTC.Time), "created_utc stays")
		_, body = get(t, s.URL(), "/bookings?since_utc=2026-03-05T00:00:00Z", auth)
		require.Equal(t, []float64{float64(b.ID.Int64())}, ids(body))
		assert.Equal(t, "canceled", body["items"].([]any)[0].(map[string]any)["status"])

		_, ok = s.UpdateBooking(424242, nil)
		assert.False(t, ok)
	})
}
