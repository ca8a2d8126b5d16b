package channex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex/internal/fakechannex"
)

const (
	testKey      = "uak_test_0123456789abcdef"
	testProperty = "716305c4-561a-4561-a187-7f5b8aeb5920"
)

// setup starts a fake Channex API and returns a client for it with short
// backoffs. The fake is closed when the test ends.
func setup(t *testing.T, opts ...ClientOption) (*Client, *fakechannex.Server) {
	t.Helper()
	fake := fakechannex.New(testKey, testProperty)
	t.Cleanup(fake.Close)
	base := []ClientOption{WithBaseURL(fake.URL()), WithRetryWait(time.Millisecond, 5*time.Millisecond)}
	c, err := NewClient(APIKey(testKey), append(base, opts...)...)
	require.NoError(t, err)
	return c, fake
}

// roundTripFunc is an http.RoundTripper for tests that must not reach a
// network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewClient(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", "   "} {
		c, err := NewClient(APIKey(key))
		require.Error(t, err)
		assert.Nil(t, c)
		assert.Contains(t, err.Error(), "channex: new client: empty API key")
	}
	for _, base := range []string{"staging.channex.io/api/v1", "ftp://staging.channex.io", "https://user:pw@staging.channex.io"} {
		_, err := NewClient(APIKey(testKey), WithBaseURL(base))
		require.Error(t, err, base)
		assert.True(t, strings.HasPrefix(err.Error(), "channex: new client: "), err.Error())
	}
	_, err := NewClient(APIKey(testKey), WithRetryWait(time.Second, time.Millisecond))
	require.Error(t, err)

	c, err := NewClient(APIKey(testKey), nil, WithLogger(nil))
	require.NoError(t, err, "nil options are ignored")
	assert.NotNil(t, c.Webhooks)
	assert.NotNil(t, c.BookingRevisions)
}

// TestNewClient_baseURLs checks where requests go, and what they carry,
// without a network: the transport answers itself.
func TestNewClient_baseURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []ClientOption
		want string
	}{
		{"production by default", nil, "https://app.channex.io/api/v1/webhooks/w-1"},
		{"staging", []ClientOption{WithBaseURL(StagingURL)}, "https://staging.channex.io/api/v1/webhooks/w-1"},
		{"last wins", []ClientOption{WithBaseURL(StagingURL), WithBaseURL(BaseURL)}, "https://app.channex.io/api/v1/webhooks/w-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got *http.Request
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				got = r
				return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(
					`{"data":{"type":"webhook","id":"w-1","attributes":{"callback_url":"https://x"}}}`)), Request: r}, nil
			})}
			c, err := NewClient(APIKey(testKey), append(tt.opts, WithHTTPClient(hc), WithUserAgent("acme-pms/2.1"))...)
			require.NoError(t, err)
			_, _, err = c.Webhooks.Get(context.Background(), "w-1")
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.URL.String())
			assert.Equal(t, testKey, got.Header.Get("user-api-key"))
			assert.EqualValues(t, "application/json", got.Header.Get("Accept"))
			assert.EqualValues(t, "acme-pms/2.1", got.Header.Get("User-Agent"))
		})
	}
}

// TestNewClient_optionsLastWins checks that of several options of one kind
// the last wins, and that an empty base URL, a nil HTTP client and a nil
// logger are ignored rather than undo an earlier option. The last base URL
// is a closed local port, so that a client that lost its HTTP client fails
// at once without reaching a network.
func TestNewClient_optionsLastWins(t *testing.T) {
	t.Parallel()
	answer := func(hits *int) *http.Client {
		return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			*hits++
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(
				`{"data":{"type":"webhook","id":"w-1","attributes":{"callback_url":"https://x"}}}`)), Request: r}, nil
		})}
	}
	var oldHits, newHits int
	var oldLogs, newLogs bytes.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	c, err := NewClient(APIKey(testKey),
		WithBaseURL(StagingURL), WithHTTPClient(answer(&oldHits)), WithLogger(slog.New(slog.NewTextHandler(&oldLogs, debug))),
		WithBaseURL("http://127.0.0.1:1/api/v1"), WithHTTPClient(answer(&newHits)), WithLogger(slog.New(slog.NewTextHandler(&newLogs, debug))),
		WithBaseURL(""), WithHTTPClient(nil), WithLogger(nil), nil,
		WithRetryMax(-1),
	)
	require.NoError(t, err)
	_, _, err = c.Webhooks.Get(context.Background(), "w-1")
	require.NoError(t, err, "the request went through the second HTTP client")
	assert.Equal(t, 1, newHits)
	assert.Zero(t, oldHits)
	assert.Contains(t, newLogs.String(), "127.0.0.1:1", "the second logger is used")
	assert.Empty(t, oldLogs.String())
}

// TestClient_errors checks the documented error answers, each decoded into
// an *APIError.
func TestClient_errors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name    string
		call    func(c *Client, fake *fakechannex.Server) error
		status  int
		code    string
		message string
		fields  map[string][]string
	}{
		{
			name: "401 wrong key",
			call: func(_ *Client, fake *fakechannex.Server) error {
				bad, err := NewClient(APIKey("wrong-key"), WithBaseURL(fake.URL()))
				require.NoError(t, err)
				_, _, err = bad.Webhooks.List(ctx, nil)
				return err
			},
			status: 401, code: "unauthorized", message: "Unauthorized",
		},
		{
			name: "403 property of another account",
			call: func(c *Client, _ *fakechannex.Server) error {
				_, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{PropertyID: "someone-elses", URL: "https://example.com/hook", Events: []string{"*"}})
				return err
			},
			status: 403, code: "forbidden", message: "Forbidden",
		},
		{
			name: "404 webhook",
			call: func(c *Client, _ *fakechannex.Server) error {
				_, _, err := c.Webhooks.Get(ctx, "00000000-0000-4000-8000-000000000999")
				return err
			},
			status: 404, code: "resource_not_found", message: "Resource Not Found",
		},
		{
			name: "404 revision",
			call: func(c *Client, _ *fakechannex.Server) error {
				_, err := c.BookingRevisions.Ack(ctx, "no-such-revision")
				return err
			},
			status: 404, code: "not_found", message: "Resouce Not Found",
		},
		{
			name: "422 validation",
			call: func(c *Client, _ *fakechannex.Server) error {
				_, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{Events: []string{" "}})
				return err
			},
			status: 422, code: "validation_error", message: "Validation Error",
			fields: map[string][]string{
				"callback_url": {"can't be blank"}, "event_mask": {"can't be blank"}, "property_id": {"can't be blank"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, fake := setup(t)
			err := tt.call(c, fake)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.code, apiErr.Code)
			assert.Equal(t, tt.message, apiErr.Message)
			assert.Equal(t, 1, apiErr.Attempts, "4xx is not retried")
			assert.Equal(t, tt.fields, FieldErrors(err))
			assert.True(t, strings.HasPrefix(err.Error(), "channex: "), err.Error())
			assert.Contains(t, err.Error(), tt.code)
			assert.NotContains(t, err.Error(), testKey)
			assert.NotEmpty(t, apiErr.Body)
		})
	}
}

// TestClient_429 checks the rate-limit answer: retried, and reported when
// retries run out.
func TestClient_429(t *testing.T) {
	t.Parallel()
	c, fake := setup(t, WithRetryMax(2))
	limited := fakechannex.Fault{Status: http.StatusTooManyRequests}
	fake.Fail(http.MethodGet, "/webhooks", limited, limited, limited)
	_, _, err := c.Webhooks.List(context.Background(), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.EqualValues(t, "http_too_many_requests", apiErr.Code)
	assert.EqualValues(t, "Too Many Requests", apiErr.Message)
	assert.True(t, apiErr.Temporary())
	assert.Equal(t, 3, apiErr.Attempts)
	assert.Equal(t, 3, fake.Requests(http.MethodGet, "/webhooks"))
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		code    string
		message string
		details string
	}{
		{"envelope", `{"errors":{"code":"forbidden","title":"Forbidden"}}`, "forbidden", "Forbidden", ""},
		{"details object", `{"errors":{"code":"validation_error","title":"Validation Error","details":{"property_id":["can't be blank"]}}}`,
			"validation_error", "Validation Error", `{"property_id":["can't be blank"]}`},
		{"details array", `{"errors":{"code":"bad_request","title":"Bad Request","details":["restrictions is required"]}}`,
			"bad_request", "Bad Request", `["restrictions is required"]`},
		{"details null", `{"errors":{"code":"x","title":"X","details":null}}`, "x", "X", ""},
		{"errors as an array", `{"errors":[{"code":"a","title":"A"},{"code":"b"}]}`, "a", "A", ""},
		{"empty errors array", `{"errors":[]}`, "", "", ""},
		{"not JSON", `<html>502 Bad Gateway</html>`, "", "", ""},
		{"empty", ``, "", "", ""},
		{"errors a string", `{"errors":"nope"}`, "", "", ""},
		{"numeric code", `{"errors":{"code":42,"title":"T"}}`, "42", "T", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{StatusCode: 400, Header: http.Header{"X-Request-Id": {"r1"}}}
			err := decodeError(resp, []byte(tt.body))
			var e *APIError
			require.ErrorAs(t, err, &e)
			assert.Equal(t, 400, e.StatusCode)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.message, e.Message)
			assert.Equal(t, tt.body, string(e.Body))
			assert.EqualValues(t, "r1", e.Header.Get("X-Request-Id"))
			if tt.details == "" {
				assert.Nil(t, e.Details)
			} else {
				assert.JSONEq(t, tt.details, string(e.Details))
			}
		})
	}
}

func TestFieldErrors(t *testing.T) {
	t.Parallel()
	withDetails := func(d string) error {
		return &APIError{StatusCode: 422, Details: []byte(d)}
	}
	tests := []struct {
		name string
		err  error
		want map[string][]string
	}{
		{"object of lists", withDetails(`{"callback_url":["can't be blank","is invalid"]}`), map[string][]string{"callback_url": {"can't be blank", "is invalid"}}},
		{"single message", withDetails(`{"event_mask":"can't be blank"}`), map[string][]string{"event_mask": {"can't be blank"}}},
		{"nested", withDetails(`{"webhook":{"headers":["is invalid"]}}`), map[string][]string{"webhook.headers": {"is invalid"}}},
		{"wrapped", errors.Join(errors.New("x"), withDetails(`{"a":["b"]}`)), map[string][]string{"a": {"b"}}},
		{"array details", withDetails(`["restrictions is required"]`), nil},
		{"empty object", withDetails(`{}`), nil},
		{"no details", &APIError{StatusCode: 404}, nil},
		{"not an API error", errors.New("boom"), nil},
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, FieldErrors(tt.err))
		})
	}
}

// TestClient_retries checks each retry rule against a server that counts
// requests.
func TestClient_retries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f500 := fakechannex.Fault{Status: http.StatusInternalServerError}
	f502 := fakechannex.Fault{Status: http.StatusBadGateway}
	f503 := fakechannex.Fault{Status: http.StatusServiceUnavailable}
	f429 := fakechannex.Fault{Status: http.StatusTooManyRequests}
	drop := fakechannex.Fault{Drop: true}

	tests := []struct {
		name     string
		method   string
		path     string // relative to the API root; "{id}" is a created webhook's id
		faults   []fakechannex.Fault
		call     func(c *Client, id string) error
		requests int
		ok       bool
	}{
		{
			name: "GET retried on 5xx", method: http.MethodGet, path: "/webhooks/{id}", faults: []fakechannex.Fault{f500, f503},
			call:     func(c *Client, id string) error { _, _, err := c.Webhooks.Get(ctx, id); return err },
			requests: 3, ok: true,
		},
		{
			name: "GET retried on a dropped connection", method: http.MethodGet, path: "/webhooks", faults: []fakechannex.Fault{drop},
			call:     func(c *Client, _ string) error { _, _, err := c.Webhooks.List(ctx, nil); return err },
			requests: 2, ok: true,
		},
		{
			name: "PUT retried on 5xx", method: http.MethodPut, path: "/webhooks/{id}", faults: []fakechannex.Fault{f502},
			call: func(c *Client, id string) error {
				_, _, err := c.Webhooks.Update(ctx, id, &SubscriptionParams{PropertyID: testProperty, URL: "https://example.com/v2", Events: []string{"*"}})
				return err
			},
			requests: 2, ok: true,
		},
		{
			name: "DELETE retried on 5xx", method: http.MethodDelete, path: "/webhooks/{id}", faults: []fakechannex.Fault{f503},
			call:     func(c *Client, id string) error { _, err := c.Webhooks.Delete(ctx, id); return err },
			requests: 2, ok: true,
		},
		{
			name: "create not retried on 5xx", method: http.MethodPost, path: "/webhooks", faults: []fakechannex.Fault{f500},
			call: func(c *Client, _ string) error {
				_, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{PropertyID: testProperty, URL: "https://example.com/h", Events: []string{"*"}})
				return err
			},
			requests: 1,
		},
		{
			name: "create not retried on a dropped connection", method: http.MethodPost, path: "/webhooks", faults: []fakechannex.Fault{drop},
			call: func(c *Client, _ string) error {
				_, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{PropertyID: testProperty, URL: "https://example.com/h", Events: []string{"*"}})
				return err
			},
			requests: 1,
		},
		{
			name: "create retried on 429, which Channex refused", method: http.MethodPost, path: "/webhooks", faults: []fakechannex.Fault{f429},
			call: func(c *Client, _ string) error {
				_, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{PropertyID: testProperty, URL: "https://example.com/h", Events: []string{"*"}})
				return err
			},
			requests: 2, ok: true,
		},
		{
			name: "test not retried on 5xx", method: http.MethodPost, path: "/webhooks/test", faults: []fakechannex.Fault{f503},
			call: func(c *Client, _ string) error {
				_, _, err := c.Webhooks.Test(ctx, &SubscriptionParams{PropertyID: testProperty, URL: "https://example.com/h", Events: []string{"*"}})
				return err
			},
			requests: 1,
		},
		{
			name: "ack not retried on 5xx", method: http.MethodPost, path: "/booking_revisions/rev-1/ack", faults: []fakechannex.Fault{f500},
			call:     func(c *Client, _ string) error { _, err := c.BookingRevisions.Ack(ctx, "rev-1"); return err },
			requests: 1,
		},
		{
			name: "ack not retried on a dropped connection", method: http.MethodPost, path: "/booking_revisions/rev-1/ack", faults: []fakechannex.Fault{drop},
			call:     func(c *Client, _ string) error { _, err := c.BookingRevisions.Ack(ctx, "rev-1"); return err },
			requests: 1,
		},
		{
			name: "retries run out", method: http.MethodGet, path: "/booking_revisions/feed", faults: []fakechannex.Fault{f500, f500, f500, f500, f500, f500},
			call:     func(c *Client, _ string) error { _, _, err := c.BookingRevisions.Feed(ctx, nil); return err },
			requests: 5,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, fake := setup(t)
			fake.AddRevision(map[string]any{"id": "rev-1", "property_id": testProperty, "status": "new"})
			created, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{PropertyID: testProperty, URL: "https://example.com/h", Events: []string{"*"}, Enabled: true})
			require.NoError(t, err)
			path := strings.ReplaceAll(tt.path, "{id}", created.ID)
			before := fake.Requests(tt.method, path)
			fake.Fail(tt.method, path, tt.faults...)

			err = tt.call(c, created.ID)
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), "channex: "), err.Error())
			}
			assert.Equal(t, tt.requests, fake.Requests(tt.method, path)-before, "requests sent")
		})
	}
}

func TestClient_retryAfter(t *testing.T) {
	t.Parallel()
	t.Run("honoured", func(t *testing.T) {
		t.Parallel()
		c, fake := setup(t)
		fake.Fail(http.MethodGet, "/webhooks", fakechannex.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}})
		start := time.Now()
		_, _, err := c.Webhooks.List(context.Background(), nil)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "waited as asked, not the 5 ms backoff")
		assert.Equal(t, 2, fake.Requests(http.MethodGet, "/webhooks"))
	})
	t.Run("beyond the cap: returned at once", func(t *testing.T) {
		t.Parallel()
		c, fake := setup(t, WithRetryAfterMax(100*time.Millisecond))
		fake.Fail(http.MethodGet, "/webhooks", fakechannex.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}})
		start := time.Now()
		_, _, err := c.Webhooks.List(context.Background(), nil)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Less(t, time.Since(start), 2*time.Second)
		d, ok := apiErr.RetryAfter()
		assert.True(t, ok)
		assert.Equal(t, 120*time.Second, d)
		assert.Equal(t, 1, fake.Requests(http.MethodGet, "/webhooks"))
	})
}

func TestClient_contextCancel(t *testing.T) {
	t.Parallel()
	t.Run("while waiting for an answer", func(t *testing.T) {
		t.Parallel()
		c, fake := setup(t)
		fake.Fail(http.MethodGet, "/webhooks", fakechannex.Fault{Hang: true})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, _, err := c.Webhooks.List(ctx, nil)
		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), 2*time.Second)
		assert.Equal(t, 1, fake.Requests(http.MethodGet, "/webhooks"), "not retried after cancel")
	})
	t.Run("while waiting to retry", func(t *testing.T) {
		t.Parallel()
		c, fake := setup(t, WithRetryWait(10*time.Second, 10*time.Second))
		fake.Fail(http.MethodGet, "/webhooks", fakechannex.Fault{Status: http.StatusServiceUnavailable})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, _, err := c.Webhooks.List(ctx, nil)
		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), 2*time.Second)
	})
	t.Run("already done: nothing sent", func(t *testing.T) {
		t.Parallel()
		c, fake := setup(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{PropertyID: testProperty, URL: "https://example.com/h", Events: []string{"*"}})
		require.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, fake.Requests(http.MethodPost, "/webhooks"))
	})
}

func TestClient_logger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, fake := setup(t, WithLogger(logger))
	fake.Fail(http.MethodGet, "/webhooks", fakechannex.Fault{Status: http.StatusInternalServerError})
	_, _, err := c.Webhooks.List(context.Background(), &SubscriptionListOptions{ListOptions{Page: 1, PerPage: 5}})
	require.NoError(t, err)
	assert.NotEmpty(t, buf.String(), "the retry is logged")
	assert.NotContains(t, buf.String(), testKey)
	assert.NotContains(t, buf.String(), "pagination", "no query strings in logs")
}

// TestClient_redirectedCreateSentOnce checks that a create Channex answers
// with a redirect is sent once, whatever the redirected request gets: the
// create reached Channex, so a retry would create a second webhook.
func TestClient_redirectedCreateSentOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		redirect int
		final    int
	}{
		{"303 then GET 503", http.StatusSeeOther, http.StatusServiceUnavailable},
		{"303 then GET 429", http.StatusSeeOther, http.StatusTooManyRequests},
		{"307 then POST 503", http.StatusTemporaryRedirect, http.StatusServiceUnavailable},
		{"308 then POST 429", http.StatusPermanentRedirect, http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var creates atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/api/v1/webhooks" && r.Method == http.MethodPost {
					creates.Add(1)
					http.Redirect(w, r, "/api/v1/webhooks/wh-1", tt.redirect)
					return
				}
				w.WriteHeader(tt.final)
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient(APIKey(testKey), WithBaseURL(srv.URL+"/api/v1"), WithRetryWait(time.Millisecond, 5*time.Millisecond))
			require.NoError(t, err)

			_, _, err = c.Webhooks.Create(context.Background(), &SubscriptionParams{PropertyID: testProperty, URL: "https://example.com/h", Events: []string{"*"}})
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.final, apiErr.StatusCode)
			assert.Equal(t, http.MethodPost, apiErr.Method)
			assert.Equal(t, int32(1), creates.Load(), "POST /webhooks sent")
		})
	}
}

// TestClient_echoedKeyRedacted checks that an API key Channex echoes in its
// error answer appears in no error text, no field of the *APIError and no
// log record.
func TestClient_echoedKeyRedacted(t *testing.T) {
	t.Parallel()
	const key = "chx-uak/9f+live&key"
	sub := &SubscriptionParams{PropertyID: testProperty, URL: "https://example.com/h", Events: []string{"*"}}
	tests := []struct {
		name   string
		status int
		call   func(c *Client) error
	}{
		{"list answered 401", http.StatusUnauthorized, func(c *Client) error { _, _, err := c.Webhooks.List(context.Background(), nil); return err }},
		{"create answered 422", http.StatusUnprocessableEntity, func(c *Client) error { _, _, err := c.Webhooks.Create(context.Background(), sub); return err }},
		{"get answered 500 until retries run out", http.StatusInternalServerError, func(c *Client) error { _, _, err := c.Webhooks.Get(context.Background(), "wh-1"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got := r.Header.Get(APIKeyHeader)
				w.Header().Set("X-Echo", got)
				w.WriteHeader(tt.status)
				_ = json.NewEncoder(w).Encode(map[string]any{"errors": map[string]any{
					"code":    "unauthorized",
					"title":   "Invalid api key: " + got,
					"details": map[string]any{"user-api-key": []string{got + " is not valid"}},
				}})
			}))
			t.Cleanup(srv.Close)
			var logs syncBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := NewClient(APIKey(key), WithBaseURL(srv.URL), WithLogger(logger), WithRetryMax(1), WithRetryWait(time.Millisecond, 2*time.Millisecond))
			require.NoError(t, err)

			err = tt.call(c)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, "Invalid api key: REDACTED", apiErr.Message)
			texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), apiErr.Code, apiErr.Message,
				apiErr.URL, string(apiErr.Details), string(apiErr.Body), fmt.Sprint(apiErr.Header), logs.String()}
			for _, text := range texts {
				for _, form := range []string{key, url.QueryEscape(key), `chx-uak\/9f+live`, `\u0026key`} {
					assert.NotContains(t, text, form)
				}
			}
			assert.NotEmpty(t, logs.String(), "the logger was used")
		})
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes, for log output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
