package hostawaytest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/verify"
)

// fast makes the client's retries quick.
func fast() hostaway.ClientOption {
	return hostaway.WithRetryWait(time.Millisecond, 5*time.Millisecond)
}

// setup starts a fake and returns a client for it.
func setup(t *testing.T, opts ...hostaway.ClientOption) (*hostaway.Client, *hostawaytest.Server) {
	t.Helper()
	srv := hostawaytest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.Client(append([]hostaway.ClientOption{fast()}, opts...)...)
	require.NoError(t, err)
	return c, srv
}

// capture serves srv.Handler() on a server of its own and records the
// requests it passes on.
type capture struct {
	mu   sync.Mutex
	reqs []*http.Request
	url  string
}

func newCapture(t *testing.T, srv *hostawaytest.Server) *capture {
	t.Helper()
	c := &capture{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.reqs = append(c.reqs, r.Clone(context.Background()))
		c.mu.Unlock()
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	c.url = hs.URL + "/v1"
	return c
}

func (c *capture) last(t *testing.T) *http.Request {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	require.NotEmpty(t, c.reqs)
	return c.reqs[len(c.reqs)-1]
}

func apiError(t *testing.T, err error) *hostaway.APIError {
	t.Helper()
	var apiErr *hostaway.APIError
	require.ErrorAs(t, err, &apiErr)
	return apiErr
}

func TestServer_webhooks(t *testing.T) {
	t.Parallel()
	c, srv := setup(t)
	ctx := t.Context()

	created, _, err := c.Webhooks.Create(ctx, &hostaway.SubscriptionParams{
		Enabled: true, URL: "https://example.com/hooks", Login: "login", Password: "password",
	})
	require.NoError(t, err)
	assert.NotZero(t, created.ID)
	assert.Equal(t, "****", created.Password, "Hostaway masks passwords")

	got, _, err := c.Webhooks.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, created.URL, got.URL)
	assert.True(t, got.Enabled)

	_, _, err = c.Webhooks.Create(ctx, &hostaway.SubscriptionParams{URL: "https://example.com/other"})
	require.NoError(t, err)
	page, _, err := c.Webhooks.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	n := 0
	for h, err := range c.Webhooks.All(ctx, nil) {
		require.NoError(t, err)
		require.NotNil(t, h)
		n++
	}
	assert.Equal(t, 2, n)

	updated, _, err := c.Webhooks.Update(ctx, created.ID, &hostaway.SubscriptionParams{URL: "https://example.com/new"})
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/new", updated.URL)
	assert.False(t, updated.Enabled)
	assert.Empty(t, updated.Login, "PUT replaces the whole object")

	_, err = c.Webhooks.Delete(ctx, created.ID)
	require.NoError(t, err)
	_, _, err = c.Webhooks.Get(ctx, created.ID)
	assert.Equal(t, http.StatusNotFound, apiError(t, err).StatusCode)
	_, err = c.Webhooks.Delete(ctx, created.ID)
	assert.Equal(t, http.StatusNotFound, apiError(t, err).StatusCode)
	_, _, err = c.Webhooks.Update(ctx, created.ID, &hostaway.SubscriptionParams{URL: "https://x"})
	assert.Equal(t, http.StatusNotFound, apiError(t, err).StatusCode)

	assert.Equal(t, 2, srv.Requests("GET", "/webhooks/unifiedWebhooks/{id}"))
	assert.Equal(t, 2, srv.Requests("GET", "/webhooks/unifiedWebhooks/"+jsonID(created.ID)))
	assert.Zero(t, srv.Requests("GET", "/webhooks/unifiedWebhooks/999"))
}

func jsonID(id int64) string { b, _ := json.Marshal(id); return string(b) }

// TestServer_errors checks the answers the fake gives for requests the
// client does not send: its error forms.
func TestServer_errors(t *testing.T) {
	t.Parallel()
	srv := hostawaytest.NewServer()
	t.Cleanup(srv.Close)
	tok := srv.IssueToken().AccessToken
	tests := []struct {
		name, method, path, auth, contentType, body string
		status                                      int
		result                                      string
	}{
		{"no token", "GET", "/reservations", "", "", "", 401, "Unauthorized."},
		{"unknown token", "GET", "/reservations", "Bearer nope", "", "", 403, "Access denied."},
		{"unknown route", "GET", "/listings", "Bearer " + tok, "", "", 404, "Not found"},
		{"hook without url", "POST", "/webhooks/unifiedWebhooks", "Bearer " + tok, "application/json", `{"isEnabled":1}`, 400, `The "url" parameter is required.`},
		{"hook not JSON", "POST", "/webhooks/unifiedWebhooks", "Bearer " + tok, "application/json", `[1]`, 400, "The request body must be a JSON object."},
		{"bad sort", "GET", "/reservations?sortOrder=guestName", "Bearer " + tok, "", "", 400, `The "sortOrder" parameter is invalid.`},
		{"bad date", "GET", "/reservations?latestActivityStart=yesterday", "Bearer " + tok, "", "", 400, `the "latestActivityStart" parameter must be a YYYY-MM-DD date`},
		{"token as JSON", "POST", "/accessTokens", "", "application/json", `{}`, 400, "The request must be application/x-www-form-urlencoded."},
		{"wrong secret", "POST", "/accessTokens", "", "application/x-www-form-urlencoded",
			"grant_type=client_credentials&client_id=10450&client_secret=wrong&scope=general", 401, "Client authentication failed."},
		{"wrong scope", "POST", "/accessTokens", "", "application/x-www-form-urlencoded",
			"grant_type=client_credentials&client_id=10450&client_secret=test-client-secret&scope=all", 400, `The "scope" parameter must be general.`},
		{"revoke without token", "DELETE", "/accessTokens", "", "", "", 400, `The "token" parameter is required.`},
		{"message of another conversation", "GET", "/conversations/1/messages/5000", "Bearer " + tok, "", "", 404, "Conversation message not found."},
	}
	srv.PutMessage(map[string]any{"conversationId": 2})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL()+tt.path, strings.NewReader(tt.body))
			require.NoError(t, err)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			var env struct{ Status, Result string }
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, "fail", env.Status)
			assert.Equal(t, tt.result, env.Result)
		})
	}
}

func TestServer_Fail(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, hostaway.WithRetryMax(-1))
	srv.Fail("GET", "/webhooks/unifiedWebhooks", hostawaytest.Fault{Status: 429, Header: http.Header{"Retry-After": {"120"}}})
	_, _, err := c.Webhooks.List(t.Context(), nil)
	apiErr := apiError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "exceeded the rate limits", "Hostaway's 429 body, under message")
	wait, ok := apiErr.RetryAfter()
	assert.True(t, ok)
	assert.Equal(t, 2*time.Minute, wait)

	var limitErr *hostaway.LimitError
	_, _, err = c.Webhooks.List(t.Context(), nil)
	require.ErrorAs(t, err, &limitErr, "the window stays closed: the next call is not sent")
	assert.Equal(t, 1, srv.Requests("GET", "/webhooks/unifiedWebhooks"))

	c2, err := srv.Client(hostaway.WithRetryMax(-1))
	require.NoError(t, err)
	srv.Fail("GET", "/webhooks/unifiedWebhooks/{id}", hostawaytest.Fault{Status: 503})
	_, _, err = c2.Webhooks.Get(t.Context(), 1)
	apiErr = apiError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	assert.Equal(t, "Service Unavailable", apiErr.Message)
}

func TestServer_token(t *testing.T) {
	t.Parallel()
	srv := hostawaytest.NewServer()
	t.Cleanup(srv.Close)

	c, err := hostaway.NewClient(hostaway.ClientCredentials(hostawaytest.AccountID, hostawaytest.ClientSecret),
		hostaway.WithBaseURL(srv.URL()), fast())
	require.NoError(t, err)
	_, _, err = c.WebhookLogs.List(t.Context(), nil)
	require.NoError(t, err, "a fetched token works once the client waited its second")
	assert.Equal(t, 1, srv.Requests("POST", "/accessTokens"))
	tok, err := c.Token(t.Context())
	require.NoError(t, err)
	assert.InDelta(t, 730*24, time.Until(tok.Expiry).Hours(), 1, "expires_in is Hostaway's 24 months")

	bad, err := hostaway.NewClient(hostaway.ClientCredentials(hostawaytest.AccountID, "wrong"),
		hostaway.WithBaseURL(srv.URL()), fast())
	require.NoError(t, err)
	_, _, err = bad.Webhooks.List(t.Context(), nil)
	assert.Equal(t, http.StatusUnauthorized, apiError(t, err).StatusCode)
}

func TestClient_RevokeToken(t *testing.T) {
	t.Parallel()
	srv := hostawaytest.NewServer()
	t.Cleanup(srv.Close)
	capt := newCapture(t, srv)
	ctx := t.Context()

	c, err := srv.Client(hostaway.WithBaseURL(capt.url), fast())
	require.NoError(t, err)
	tok, err := c.Token(ctx)
	require.NoError(t, err)
	_, err = c.RevokeToken(ctx, tok)
	require.NoError(t, err)
	req := capt.last(t)
	assert.Equal(t, "DELETE", req.Method)
	assert.Equal(t, "/v1/accessTokens", req.URL.Path)
	assert.Equal(t, tok.AccessToken, req.URL.Query().Get("token"))
	assert.Empty(t, req.Header.Get("Authorization"), "the token travels in the query only")

	_, _, err = c.Webhooks.List(ctx, nil)
	require.NoError(t, err, "the client dropped the revoked token and fetched another")
	assert.Equal(t, 1, srv.Requests("POST", "/accessTokens"))
	assert.Equal(t, 1, srv.Requests("GET", "/webhooks/unifiedWebhooks"), "the revoked token was never sent")
	now, err := c.Token(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, tok.AccessToken, now.AccessToken)

	_, err = c.RevokeToken(ctx, tok)
	apiErr := apiError(t, err)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.NotContains(t, err.Error(), tok.AccessToken)
	assert.NotContains(t, string(apiErr.Body)+apiErr.URL, tok.AccessToken)

	_, err = c.RevokeToken(ctx, hostaway.Token{})
	require.Error(t, err)
	assert.Equal(t, 2, srv.Requests("DELETE", "/accessTokens"), "an empty token is not sent")

	static := srv.IssueToken()
	ac, err := hostaway.NewClient(hostaway.AccessToken(static.AccessToken), hostaway.WithBaseURL(srv.URL()), fast())
	require.NoError(t, err)
	_, err = ac.RevokeToken(ctx, static)
	require.NoError(t, err)
	_, _, err = ac.Webhooks.List(ctx, nil)
	assert.Equal(t, http.StatusForbidden, apiError(t, err).StatusCode, "an AccessToken client has no other token")
}

// receiver serves a hostaway.Receiver with v and records the events.
func receiver(t *testing.T, v verify.Verifier) (string, func() []event.Event) {
	t.Helper()
	r, err := hostaway.NewReceiver(v)
	require.NoError(t, err)
	var mu sync.Mutex
	var got []event.Event
	hs := httptest.NewServer(event.NewHTTPHandler(r, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, e)
		return nil
	})))
	t.Cleanup(hs.Close)
	return hs.URL, func() []event.Event {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
}

func TestServer_Deliver(t *testing.T) {
	t.Parallel()
	c, srv := setup(t)
	ctx := t.Context()
	v, err := hostaway.NewVerifier(verify.Credentials{User: "login", Password: "password"})
	require.NoError(t, err)
	url, events := receiver(t, v)

	rid := srv.PutReservation(map[string]any{"guestName": "Ada Lovelace", "status": "new"})
	require.ErrorContains(t, srv.Deliver(ctx, hostaway.EventReservationCreated, rid), "no enabled unified webhook")

	hook, _, err := c.Webhooks.Create(ctx, &hostaway.SubscriptionParams{Enabled: true, URL: url, Login: "login", Password: "password"})
	require.NoError(t, err)
	_, _, err = c.Webhooks.Create(ctx, &hostaway.SubscriptionParams{Enabled: false, URL: "http://127.0.0.1:1/never"})
	require.NoError(t, err)

	require.NoError(t, srv.Deliver(ctx, hostaway.EventReservationCreated, rid))
	mid := srv.PutMessage(map[string]any{"reservationId": rid, "body": "Hello"})
	require.NoError(t, srv.Deliver(ctx, hostaway.EventMessageReceived, mid))
	require.NoError(t, srv.Deliver(ctx, hostaway.EventTest, 0))

	got := events()
	require.Len(t, got, 3)
	b, ok := event.BookingOf(got[0])
	require.True(t, ok)
	assert.Equal(t, event.BookingCreated, got[0].Type())
	assert.Equal(t, hostawaytest.AccountID, got[0].Account())
	assert.Equal(t, jsonID(rid), b.ID)
	assert.Equal(t, "Ada Lovelace", b.Guest.Name)
	m, ok := event.MessageOf(got[1])
	require.True(t, ok)
	assert.Equal(t, "Hello", m.Body)
	assert.Equal(t, jsonID(rid), m.BookingID)
	assert.Equal(t, event.Ping, got[2].Type())

	// A webhook whose password the endpoint does not accept: 401, logged.
	_, _, err = c.Webhooks.Update(ctx, hook.ID, &hostaway.SubscriptionParams{Enabled: true, URL: url, Login: "login", Password: "changed"})
	require.NoError(t, err)
	err = srv.Deliver(ctx, hostaway.EventReservationUpdated, rid)
	require.ErrorContains(t, err, "status 401")

	logs, _, err := c.WebhookLogs.List(ctx, &hostaway.WebhookLogListOptions{UnifiedWebhookID: hook.ID})
	require.NoError(t, err)
	require.Len(t, logs.Items, 4)
	assert.Equal(t, 4, logs.Total)
	first, last := logs.Items[0], logs.Items[3]
	assert.Equal(t, hostaway.ObjectReservation, first.Object)
	assert.Equal(t, rid, first.ObjectID)
	assert.Equal(t, hostaway.EventReservationCreated, first.Event)
	assert.Equal(t, 200, first.ResponseStatus)
	assert.Equal(t, int64(40160), first.ListingMapID)
	assert.Equal(t, "****", first.Password)
	assert.Equal(t, 401, last.ResponseStatus)

	page, _, err := c.WebhookLogs.List(ctx, &hostaway.WebhookLogListOptions{ListOptions: hostaway.ListOptions{Page: 2, PerPage: 3}})
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
	assert.Zero(t, page.NextPage)
	n := 0
	for _, err := range c.WebhookLogs.All(ctx, &hostaway.WebhookLogListOptions{ListOptions: hostaway.ListOptions{PerPage: 1}}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 4, n)

	require.ErrorContains(t, srv.Deliver(ctx, hostaway.EventReservationUpdated, 999), "no reservation 999")
	require.ErrorContains(t, srv.Deliver(ctx, "listing.updated", rid), "unsupported event")
}

func TestServer_noAuthDelivery(t *testing.T) {
	t.Parallel()
	c, srv := setup(t)
	var auth []string
	var mu sync.Mutex
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	t.Cleanup(hs.Close)
	_, _, err := c.Webhooks.Create(t.Context(), &hostaway.SubscriptionParams{Enabled: true, URL: hs.URL})
	require.NoError(t, err)
	require.NoError(t, srv.Deliver(t.Context(), hostaway.EventReservationUpdated, srv.PutReservation(nil)))
	assert.Equal(t, []string{""}, auth, "without login and password a delivery carries no credential")
}

// TestServer_reservationsByUpdate checks the listing a hostaway.Source
// walks: sortOrder=updatedOn lists oldest first, ties by id; afterId
// continues after the reservation where it is now; a reservation changed
// without any webhook is listed by its new updatedOn; an afterId the fake
// does not hold ends the list.
func TestServer_reservationsByUpdate(t *testing.T) {
	t.Parallel()
	c, srv := setup(t)
	at := func(ts string, id int64) map[string]any {
		m := map[string]any{"updatedOn": ts}
		if id != 0 {
			m["id"] = id
		}
		return m
	}
	r3 := srv.PutReservation(at("2026-01-02 10:00:00", 3003))
	r1 := srv.PutReservation(at("2026-01-02 10:00:00", 3001)) // same second, lower id
	r2 := srv.PutReservation(at("2026-01-01 09:00:00", 3002))
	r4 := srv.PutReservation(at("2026-01-03 08:00:00", 3004))

	list := func(afterID int64) []int64 {
		t.Helper()
		p, _, err := c.Reservations.List(t.Context(), &hostaway.ReservationListOptions{SortOrder: hostaway.SortUpdatedOn, AfterID: afterID})
		require.NoError(t, err)
		var ids []int64
		for _, r := range p.Items {
			ids = append(ids, r.ID.Int64())
		}
		return ids
	}
	tests := []struct {
		name   string
		change func()
		after  int64
		want   []int64
	}{
		{name: "oldest first, ties by id", want: []int64{r2, r1, r3, r4}},
		{name: "after a cursor", after: r1, want: []int64{r3, r4}},
		{name: "changed without a webhook: listed by its new time", change: func() {
			srv.PutReservation(at("2026-01-04 00:00:00", r1))
		}, want: []int64{r2, r3, r4, r1}},
		{name: "a cursor that moved is read where it is now", after: r1, want: nil},
		{name: "an unknown cursor ends the list", change: func() { srv.DeleteReservation(r4) }, after: r4, want: nil},
	}
	for _, tt := range tests {
		if tt.change != nil {
			tt.change()
		}
		assert.Equal(t, tt.want, list(tt.after), tt.name)
	}
}
