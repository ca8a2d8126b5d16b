package propexo_test

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

	"github.com/pmshooks/pmshooks/propexo"
)

const testToken = "test-token-3f9a1c"

// setup starts a fake Propexo API: mux serves the endpoints a test
// registers, behind a check of the bearer token that answers 401 in
// Propexo's error envelope. The client's backoff is a few milliseconds.
func setup(t *testing.T, opts ...propexo.ClientOption) (*propexo.Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			writeError(w, http.StatusUnauthorized, "unauthorized", "invalid token", nil)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	base := []propexo.ClientOption{propexo.WithBaseURL(srv.URL + "/v1"), propexo.WithRetryWait(time.Millisecond, 5*time.Millisecond)}
	c, err := propexo.NewClient(propexo.APIKey(testToken), append(base, opts...)...)
	require.NoError(t, err)
	return c, mux
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers Propexo's error envelope.
func writeError(w http.ResponseWriter, status int, code, message string, details any) {
	e := map[string]any{"code": code, "message": message}
	if details != nil {
		e["details"] = details
	}
	writeJSON(w, status, map[string]any{"error": e})
}

// testMethod fails the test when r has another method.
func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	assert.Equal(t, want, r.Method)
}

// testJSONBody fails the test when r's body is not the JSON want.
func testJSONBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.JSONEq(t, want, string(b))
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewClient_errors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		token string
		opts  []propexo.ClientOption
	}{
		"empty token":       {token: ""},
		"blank token":       {token: "  "},
		"relative base URL": {token: testToken, opts: []propexo.ClientOption{propexo.WithBaseURL("api.propexo.com")}},
		"ftp base URL":      {token: testToken, opts: []propexo.ClientOption{propexo.WithBaseURL("ftp://api.propexo.com")}},
		"base URL with a query": {
			token: testToken, opts: []propexo.ClientOption{propexo.WithBaseURL("https://api.propexo.com/?token=x")},
		},
		"retry waits reversed":     {token: testToken, opts: []propexo.ClientOption{propexo.WithRetryWait(time.Second, time.Millisecond)}},
		"negative retry wait":      {token: testToken, opts: []propexo.ClientOption{propexo.WithRetryWait(-1, 0)}},
		"negative Retry-After cap": {token: testToken, opts: []propexo.ClientOption{propexo.WithRetryAfterMax(-time.Second)}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := propexo.NewClient(propexo.APIKey(tc.token), tc.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.True(t, strings.HasPrefix(err.Error(), "propexo: new client: "), err.Error())
		})
	}
	t.Run("zero Auth", func(t *testing.T) {
		t.Parallel()
		c, err := propexo.NewClient(propexo.Auth{})
		require.EqualError(t, err, "propexo: new client: empty API key")
		assert.Nil(t, c)
	})
}

// TestNewClient_baseURL checks the hosts without the network: a transport
// records where the request would go.
func TestNewClient_baseURL(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		opts []propexo.ClientOption
		want string
	}{
		"default is production":     {want: "https://api.propexo.com/v1/webhooks/"},
		"sandbox":                   {opts: []propexo.ClientOption{propexo.WithBaseURL(propexo.StagingURL)}, want: "https://api.sandbox.propexo.com/v1/webhooks/"},
		"empty is ignored":          {opts: []propexo.ClientOption{propexo.WithBaseURL("")}, want: "https://api.propexo.com/v1/webhooks/"},
		"last wins, nil is skipped": {opts: []propexo.ClientOption{propexo.WithBaseURL(propexo.StagingURL), nil, propexo.WithBaseURL(propexo.BaseURL)}, want: "https://api.propexo.com/v1/webhooks/"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got *http.Request
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				got = r
				return &http.Response{
					StatusCode: http.StatusOK,
					Header:     http.Header{"Content-Type": {"application/json"}},
					Body:       io.NopCloser(strings.NewReader(`{"meta":{"orderBy":[]},"results":[]}`)),
					Request:    r,
				}, nil
			})}
			c, err := propexo.NewClient(propexo.APIKey(testToken), append([]propexo.ClientOption{propexo.WithHTTPClient(hc)}, tc.opts...)...)
			require.NoError(t, err)
			_, _, err = c.Webhooks.List(context.Background(), nil)
			require.NoError(t, err)
			require.NotNil(t, got)
			got.URL.RawQuery = ""
			assert.Equal(t, tc.want, got.URL.String())
			assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
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
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(`{"meta":{"orderBy":[]},"results":[]}`)), Request: r}, nil
		})}
	}
	var oldHits, newHits int
	var oldLogs, newLogs bytes.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	c, err := propexo.NewClient(propexo.APIKey(testToken),
		propexo.WithBaseURL(propexo.StagingURL), propexo.WithHTTPClient(answer(&oldHits)), propexo.WithLogger(slog.New(slog.NewTextHandler(&oldLogs, debug))),
		propexo.WithBaseURL("http://127.0.0.1:1"), propexo.WithHTTPClient(answer(&newHits)), propexo.WithLogger(slog.New(slog.NewTextHandler(&newLogs, debug))),
		propexo.WithBaseURL(""), propexo.WithHTTPClient(nil), propexo.WithLogger(nil), nil,
		propexo.WithRetryMax(-1),
	)
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, newHits, "the request went through the second HTTP client")
	assert.Zero(t, oldHits)
	assert.Contains(t, newLogs.String(), "127.0.0.1:1", "the second base URL and logger are used")
	assert.Empty(t, oldLogs.String())
}

// TestClient_retryOptions checks that WithRetryWait and WithRetryAfterMax
// reach the retry loop.
func TestClient_retryOptions(t *testing.T) {
	t.Parallel()
	t.Run("WithRetryWait sets the backoff", func(t *testing.T) {
		t.Parallel()
		const wait = 150 * time.Millisecond
		var calls atomic.Int32
		c, mux := setup(t, propexo.WithRetryWait(wait, wait))
		mux.HandleFunc("GET /v1/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				writeError(w, http.StatusInternalServerError, "internal_error", "boom", nil)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"results": map[string]any{"id": "wh-1", "url": "https://example.test/hooks"}})
		})
		start := time.Now()
		_, _, err := c.Webhooks.Get(context.Background(), "wh-1")
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), wait, "not setup's millisecond: the last option wins")
		assert.Equal(t, int32(2), calls.Load())
	})
	t.Run("WithRetryAfterMax returns a longer Retry-After at once", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		c, mux := setup(t, propexo.WithRetryAfterMax(10*time.Millisecond))
		mux.HandleFunc("GET /v1/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.Header().Set("Retry-After", "2")
			writeError(w, http.StatusTooManyRequests, "rate_limited", "slow down", nil)
		})
		start := time.Now()
		_, _, err := c.Webhooks.Get(context.Background(), "wh-1")
		var apiErr *propexo.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Less(t, time.Since(start), time.Second)
		assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
		d, ok := apiErr.RetryAfter()
		assert.True(t, ok)
		assert.Equal(t, 2*time.Second, d)
		assert.Equal(t, int32(1), calls.Load())
	})
}

func TestClient_headers(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, propexo.WithUserAgent("acme-sync/1.2"))
	mux.HandleFunc("GET /v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "acme-sync/1.2", r.Header.Get("User-Agent"))
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		w.Header().Set("x-ratelimit-limit", "150")
		w.Header().Set("x-ratelimit-remaining", "117")
		writeJSON(w, http.StatusOK, map[string]any{"meta": map[string]any{"orderBy": []any{}}, "results": []any{}})
	})
	_, resp, err := c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, propexo.Rate{Limit: 150, Remaining: 117}, resp.Rate)
	assert.Empty(t, resp.RequestID, "Propexo documents no request-id header")
	assert.Equal(t, 1, resp.Attempts)
}

func TestClient_apiError(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	zod := map[string]any{"details": map[string]any{
		"issues": []any{map[string]any{"code": "unrecognized_keys", "keys": []string{"foo"}, "path": []any{}, "message": "Unrecognized key(s) in object: 'foo'"}},
		"name":   "ZodError",
	}}
	mux.HandleFunc("POST /v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-ratelimit-limit", "150")
		w.Header().Set("x-ratelimit-remaining", "3")
		writeError(w, http.StatusBadRequest, "invalid_request", "invalid request", zod)
	})
	_, resp, err := c.Webhooks.Create(context.Background(), &propexo.SubscriptionParams{URL: "https://example.test/hooks", Events: []propexo.Trigger{propexo.TriggerJobFailure}})
	var apiErr *propexo.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, "invalid_request", apiErr.Code)
	assert.Equal(t, "invalid request", apiErr.Message)
	wantDetails, _ := json.Marshal(zod)
	assert.JSONEq(t, string(wantDetails), string(apiErr.Details))
	assert.Equal(t, 1, apiErr.Attempts)
	require.NotNil(t, resp, "a Response comes with the error once an answer arrived")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, propexo.Rate{Limit: 150, Remaining: 3}, resp.Rate)
	assert.True(t, strings.HasPrefix(err.Error(), "propexo: create webhook: "), err.Error())
	assert.Contains(t, err.Error(), "invalid_request")
	assert.NotContains(t, err.Error(), testToken)
	assert.NotContains(t, err.Error(), "Unrecognized key", "the body stays out of the error text")
}

func TestClient_apiError_notEnvelope(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /v1/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html>Not Found</html>")
	})
	_, _, err := c.Webhooks.Get(context.Background(), "wh-1")
	var apiErr *propexo.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Empty(t, apiErr.Code)
	assert.Equal(t, "<html>Not Found</html>", string(apiErr.Body))
}

func TestClient_unauthorized(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		assert.Equal(t, "Bearer wrong-token", r.Header.Get("Authorization"))
		writeError(w, http.StatusUnauthorized, "unauthorized", "invalid token", nil)
	}))
	t.Cleanup(srv.Close)
	c, err := propexo.NewClient(propexo.APIKey("wrong-token"), propexo.WithBaseURL(srv.URL+"/v1"))
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(context.Background(), nil)
	var apiErr *propexo.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "unauthorized", apiErr.Code)
	assert.Equal(t, 1, apiErr.Attempts, "401 is not retried")
	assert.Equal(t, int32(1), calls.Load())
	assert.NotContains(t, err.Error(), "wrong-token")
}

// TestClient_retries runs each retry rule against a server that counts
// requests and answers from a script, then 200.
func TestClient_retries(t *testing.T) {
	t.Parallel()
	type answer struct {
		status     int
		retryAfter string
	}
	tests := map[string]struct {
		method     string
		script     []answer
		opts       []propexo.ClientOption
		wantCalls  int32
		wantStatus int // 0 means success
	}{
		"GET 429 twice, then ok": {
			method: "GET", script: []answer{{429, "0"}, {429, "0"}}, wantCalls: 3,
		},
		"GET 503 with Retry-After, then ok": {
			method: "GET", script: []answer{{503, "0"}}, wantCalls: 2,
		},
		"GET 500 is retried with backoff": {
			method: "GET", script: []answer{{500, ""}}, wantCalls: 2,
		},
		"GET 400 is not retried": {
			method: "GET", script: []answer{{400, ""}}, wantCalls: 1, wantStatus: 400,
		},
		"POST 429 is retried (refused, never acted on)": {
			method: "POST", script: []answer{{429, "0"}}, wantCalls: 2,
		},
		"POST 500 is not retried (may have created it)": {
			method: "POST", script: []answer{{500, ""}}, wantCalls: 1, wantStatus: 500,
		},
		"POST 503 is not retried": {
			method: "POST", script: []answer{{503, "0"}}, wantCalls: 1, wantStatus: 503,
		},
		"PUT 502 is retried (idempotent)": {
			method: "PUT", script: []answer{{502, "0"}}, wantCalls: 2,
		},
		"DELETE 429 is retried": {
			method: "DELETE", script: []answer{{429, "0"}}, wantCalls: 2,
		},
		"Retry-After beyond the cap is not waited for": {
			method: "GET", script: []answer{{429, "3600"}}, wantCalls: 1, wantStatus: 429,
		},
		"retries disabled": {
			method: "GET", script: []answer{{429, "0"}}, opts: []propexo.ClientOption{propexo.WithRetryMax(-1)}, wantCalls: 1, wantStatus: 429,
		},
		"retries run out": {
			method: "GET", script: []answer{{429, "0"}, {429, "0"}, {429, "0"}}, opts: []propexo.ClientOption{propexo.WithRetryMax(2)}, wantCalls: 3, wantStatus: 429,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t, tc.opts...)
			var calls atomic.Int32
			handler := func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				if n <= len(tc.script) {
					a := tc.script[n-1]
					if a.retryAfter != "" {
						w.Header().Set("Retry-After", a.retryAfter)
					}
					w.Header().Set("x-ratelimit-limit", "150")
					w.Header().Set("x-ratelimit-remaining", "0")
					writeError(w, a.status, "rate_limited", "try later", nil)
					return
				}
				key := "result" // POST, PUT and DELETE
				if r.Method == http.MethodGet {
					key = "results" // a single object for GET by id
				}
				writeJSON(w, http.StatusOK, map[string]any{key: map[string]any{"id": "wh-1", "url": "https://example.test/hooks"}})
			}
			mux.HandleFunc("/v1/webhooks/", handler)
			mux.HandleFunc("/v1/webhooks/{id}", handler)

			ctx := context.Background()
			var err error
			switch tc.method {
			case "GET":
				_, _, err = c.Webhooks.Get(ctx, "wh-1")
			case "POST":
				_, _, err = c.Webhooks.Create(ctx, &propexo.SubscriptionParams{URL: "https://example.test/hooks", Events: []propexo.Trigger{propexo.TriggerDataNew}, Model: propexo.ModelLeases, Enabled: true})
			case "PUT":
				_, _, err = c.Webhooks.Update(ctx, "wh-1", &propexo.SubscriptionParams{URL: "https://example.test/new", Enabled: true})
			case "DELETE":
				_, err = c.Webhooks.Delete(ctx, "wh-1")
			}
			assert.Equal(t, tc.wantCalls, calls.Load(), "requests sent")
			if tc.wantStatus == 0 {
				require.NoError(t, err)
				return
			}
			var apiErr *propexo.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantStatus, apiErr.StatusCode)
			assert.Equal(t, int(tc.wantCalls), apiErr.Attempts)
		})
	}
}

func TestClient_contextCancelled(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	mux.HandleFunc("GET /v1/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		cancel()
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "slow down", nil)
	})
	_, _, err := c.Webhooks.Get(ctx, "wh-1")
	require.ErrorIs(t, err, context.Canceled)
}

func TestClient_logger(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var calls atomic.Int32
	c, mux := setup(t, propexo.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	mux.HandleFunc("GET /v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			writeError(w, http.StatusTooManyRequests, "rate_limited", "slow down", nil)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"meta": map[string]any{"orderBy": []any{}}, "results": []any{map[string]any{"id": "wh-1", "secret": "whsec-in-body"}}})
	})
	_, _, err := c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	assert.NotEmpty(t, logs.String(), "the retry is logged")
	assert.NotContains(t, logs.String(), testToken)
	assert.NotContains(t, logs.String(), "whsec-in-body")
	assert.NotContains(t, logs.String(), "active=", "no query strings in logs")
}

// TestClient_rate checks that Response.Rate is read from Propexo's
// x-ratelimit-limit and x-ratelimit-remaining headers, on success and on
// error alike, and stays zero for what is missing or not a number.
func TestClient_rate(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		limit, remaining string
		status           int
		want             propexo.Rate
	}{
		"both":           {limit: "150", remaining: "42", want: propexo.Rate{Limit: 150, Remaining: 42}},
		"spaces":         {limit: " 150 ", remaining: "0", want: propexo.Rate{Limit: 150}},
		"missing one":    {limit: "150", want: propexo.Rate{Limit: 150}},
		"none":           {},
		"not a number":   {limit: "150", remaining: "many", want: propexo.Rate{Limit: 150}},
		"negative":       {limit: "150", remaining: "-1", want: propexo.Rate{Limit: 150}},
		"fractional":     {limit: "150.5", remaining: "1", want: propexo.Rate{Remaining: 1}},
		"on a 404 error": {limit: "150", remaining: "7", status: http.StatusNotFound, want: propexo.Rate{Limit: 150, Remaining: 7}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("GET /v1/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
				if tc.limit != "" {
					w.Header().Set("x-ratelimit-limit", tc.limit)
				}
				if tc.remaining != "" {
					w.Header().Set("x-ratelimit-remaining", tc.remaining)
				}
				if tc.status != 0 {
					writeError(w, tc.status, "not_found", "no such webhook", nil)
					return
				}
				writeJSON(w, http.StatusOK, map[string]any{"results": map[string]any{"id": "wh-1"}})
			})
			_, resp, err := c.Webhooks.Get(context.Background(), "wh-1")
			if tc.status != 0 {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			require.NotNil(t, resp)
			assert.Equal(t, tc.want, resp.Rate)
			assert.True(t, resp.Rate.Reset.IsZero(), "Propexo sends no reset header")
		})
	}
}

func TestClient_transportError(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("connection refused by test")
	})}
	c, err := propexo.NewClient(propexo.APIKey(testToken), propexo.WithHTTPClient(hc), propexo.WithRetryMax(-1))
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(context.Background(), &propexo.SubscriptionListOptions{OrderBy: "url:asc"})
	require.Error(t, err)
	var apiErr *propexo.APIError
	assert.False(t, errors.As(err, &apiErr), "no answer, no APIError")
	assert.True(t, strings.HasPrefix(err.Error(), "propexo: list webhooks: "), err.Error())
	assert.NotContains(t, err.Error(), "order-by", "no query strings in errors")
}

// TestClient_echoedKeyRedacted checks that an API key Propexo echoes in its
// error answer appears in no error text, no field of the *APIError and no
// log record.
func TestClient_echoedKeyRedacted(t *testing.T) {
	t.Parallel()
	const key = "pxo_live/key+9&z"
	tests := []struct {
		name   string
		status int
		call   func(c *propexo.Client) error
	}{
		{"list answered 401", http.StatusUnauthorized, func(c *propexo.Client) error {
			_, _, err := c.Webhooks.List(context.Background(), nil)
			return err
		}},
		{"get answered 503 until retries run out", http.StatusServiceUnavailable, func(c *propexo.Client) error {
			_, _, err := c.Webhooks.Get(context.Background(), "wh_1")
			return err
		}},
		{"delete answered 403", http.StatusForbidden, func(c *propexo.Client) error {
			_, err := c.Webhooks.Delete(context.Background(), "wh_1")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got := r.Header.Get("Authorization")
				tok := strings.TrimPrefix(got, "Bearer ")
				w.Header().Set("X-Echo", got)
				writeError(w, tt.status, "invalid_api_key", "Invalid API key "+tok+" ("+url.QueryEscape(tok)+")",
					map[string]any{"authorization": got})
			}))
			t.Cleanup(srv.Close)
			var logs syncBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := propexo.NewClient(propexo.APIKey(key), propexo.WithBaseURL(srv.URL+"/v1"), propexo.WithLogger(logger),
				propexo.WithRetryMax(1), propexo.WithRetryWait(time.Millisecond, 2*time.Millisecond))
			require.NoError(t, err)

			err = tt.call(c)
			var apiErr *propexo.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, "Invalid API key REDACTED (REDACTED)", apiErr.Message)
			texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), apiErr.Code, apiErr.Message,
				apiErr.URL, string(apiErr.Details), string(apiErr.Body), fmt.Sprint(apiErr.Header), logs.String()}
			for _, text := range texts {
				for _, form := range []string{key, url.QueryEscape(key), `pxo_live\/key`, `\u0026z`} {
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
