package ownerrez

import (
	"bytes"
	"context"
	"encoding/base64"
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
)

// fastRetries makes retries wait a millisecond, so that retry tests are
// quick.
func fastRetries() ClientOption {
	return WithRetryWait(time.Millisecond, 2*time.Millisecond)
}

// setup starts a fake OwnerRez API and returns a Client on it (with a
// Bearer token) and the mux to register routes on. Unregistered routes
// answer the v2 not_found envelope.
func setup(t *testing.T, opts ...ClientOption) (*Client, *http.ServeMux) {
	t.Helper()
	c, mux, _ := setupServer(t, opts...)
	return c, mux
}

// setupServer is setup that also returns the fake API's base URL.
func setupServer(t *testing.T, opts ...ClientOption) (*Client, *http.ServeMux, string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "No route "+r.URL.Path)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	opts = append([]ClientOption{WithBaseURL(srv.URL + "/v2"), fastRetries()}, opts...)
	c, err := NewClient(AccessToken("at_test-token"), opts...)
	require.NoError(t, err)
	return c, mux, srv.URL
}

// writeJSON answers v as JSON with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers the documented v2 error envelope.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{
		"messages":    []string{message},
		"code":        code,
		"doc_url":     "https://www.ownerrez.com/support/articles/api-errors#" + code,
		"status":      strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_")),
		"status_code": status,
	})
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	assert.Equal(t, want, r.Method, "method of %s", r.URL.Path)
}

func testJSONBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.JSONEq(t, want, string(b))
}

func TestNewClient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		auth    Auth
		opts    []ClientOption
		wantErr string
	}{
		{name: "access token", auth: AccessToken("at_1")},
		{name: "personal token", auth: PersonalToken("owner@example.com", "pt_1")},
		{name: "nil options ignored", auth: AccessToken("at_1"), opts: []ClientOption{nil, WithLogger(nil), WithHTTPClient(nil)}},
		{name: "zero auth", auth: Auth{}, wantErr: "no credentials"},
		{name: "empty access token", auth: AccessToken(""), wantErr: "empty access token"},
		{name: "personal token without email", auth: PersonalToken("", "pt_1"), wantErr: "both the account email and the token"},
		{name: "personal token without token", auth: PersonalToken("owner@example.com", ""), wantErr: "both the account email and the token"},
		{name: "colon in email", auth: PersonalToken("a:b@example.com", "pt_1"), wantErr: "colon"},
		{name: "relative base URL", auth: AccessToken("at_1"), opts: []ClientOption{WithBaseURL("api.ownerrez.com")}, wantErr: "BaseURL"},
		{name: "base URL with credentials", auth: AccessToken("at_1"), opts: []ClientOption{WithBaseURL("https://u:p@api.ownerrez.com")}, wantErr: "user information"},
		{name: "retry waits reversed", auth: AccessToken("at_1"), opts: []ClientOption{WithRetryWait(time.Second, time.Millisecond)}, wantErr: "RetryWaitMin exceeds RetryWaitMax"},
		{name: "negative retry wait", auth: AccessToken("at_1"), opts: []ClientOption{WithRetryWait(-1, 0)}, wantErr: "negative retry duration"},
		{name: "negative Retry-After cap", auth: AccessToken("at_1"), opts: []ClientOption{WithRetryAfterMax(-time.Second)}, wantErr: "negative retry duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tt.auth, tt.opts...)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, c.Webhooks)
				return
			}
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.True(t, strings.HasPrefix(err.Error(), "ownerrez: new client: "), err.Error())
			assert.NotContains(t, err.Error(), "pt_1")
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
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(`{"id":7,"type":"booking","webhook_url":"https://h.example/x"}`)), Request: r}, nil
		})}
	}
	var oldHits, newHits int
	var oldLogs, newLogs bytes.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	c, err := NewClient(AccessToken("at_1"),
		WithBaseURL(BaseURL), WithHTTPClient(answer(&oldHits)), WithLogger(slog.New(slog.NewTextHandler(&oldLogs, debug))),
		WithBaseURL("http://127.0.0.1:1/v2"), WithHTTPClient(answer(&newHits)), WithLogger(slog.New(slog.NewTextHandler(&newLogs, debug))),
		WithBaseURL(""), WithHTTPClient(nil), WithLogger(nil), nil,
		WithRetryMax(-1),
	)
	require.NoError(t, err)
	_, _, err = c.Webhooks.Get(context.Background(), 7)
	require.NoError(t, err)
	assert.Equal(t, 1, newHits, "the request went through the second HTTP client")
	assert.Zero(t, oldHits)
	assert.Contains(t, newLogs.String(), "127.0.0.1:1", "the second base URL and logger are used")
	assert.Empty(t, oldLogs.String())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestClient_retryOptions checks that WithRetryWait and WithRetryAfterMax
// reach the retry loop.
func TestClient_retryOptions(t *testing.T) {
	t.Parallel()
	t.Run("WithRetryWait sets the backoff", func(t *testing.T) {
		t.Parallel()
		const wait = 150 * time.Millisecond
		var calls atomic.Int32
		c, mux := setup(t, WithRetryWait(wait, wait))
		mux.HandleFunc("GET /v2/webhooksubscriptions/7", func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				writeError(w, http.StatusInternalServerError, "server_error", "boom")
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"id": 7, "type": "booking", "webhook_url": "https://h.example/x"})
		})
		start := time.Now()
		_, _, err := c.Webhooks.Get(context.Background(), 7)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), wait, "not fastRetries' millisecond: the last option wins")
		assert.Equal(t, int32(2), calls.Load())
	})
	t.Run("WithRetryAfterMax returns a longer Retry-After at once", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		c, mux := setup(t, WithRetryAfterMax(10*time.Millisecond))
		mux.HandleFunc("GET /v2/webhooksubscriptions/7", func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.Header().Set("Retry-After", "2")
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": 429, "error": "Rate limit exceeded."})
		})
		start := time.Now()
		_, _, err := c.Webhooks.Get(context.Background(), 7)
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Less(t, time.Since(start), time.Second)
		assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
		d, ok := ae.RetryAfter()
		assert.True(t, ok)
		assert.Equal(t, 2*time.Second, d)
		assert.Equal(t, int32(1), calls.Load())
	})
}

func TestAuth_String(t *testing.T) {
	t.Parallel()
	for _, a := range []Auth{PersonalToken("owner@example.com", "pt_secret"), AccessToken("at_secret"), {}} {
		for _, s := range []string{a.String(), fmt.Sprintf("%v", a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", a)} {
			assert.NotContains(t, s, "secret")
			assert.NotContains(t, s, "owner@example.com")
		}
	}
	assert.Equal(t, "ownerrez.AccessToken(redacted)", AccessToken("at_x").String())
	assert.Equal(t, "ownerrez.PersonalToken(redacted)", PersonalToken("e@x", "pt_x").String())
}

func TestClient_headers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		auth      Auth
		opts      []ClientOption
		wantAuth  string
		wantAgent string
	}{
		{
			name: "personal token is Basic email:token", auth: PersonalToken("owner@example.com", "pt_abc"),
			wantAuth: "Basic b3duZXJAZXhhbXBsZS5jb206cHRfYWJj", wantAgent: DefaultUserAgent,
		},
		{
			name: "access token is Bearer", auth: AccessToken("at_abc"),
			opts:     []ClientOption{WithUserAgent("acme-sync/1.0 (ops@acme.example)")},
			wantAuth: "Bearer at_abc", wantAgent: "acme-sync/1.0 (ops@acme.example)",
		},
		{
			name: "empty user agent keeps the default", auth: AccessToken("at_abc"),
			opts:     []ClientOption{WithUserAgent("x"), WithUserAgent("")},
			wantAuth: "Bearer at_abc", wantAgent: DefaultUserAgent,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, tt.wantAuth, r.Header.Get("Authorization"))
				assert.Equal(t, tt.wantAgent, r.Header.Get("User-Agent"))
				assert.Equal(t, "application/json", r.Header.Get("Accept"))
				writeJSON(w, http.StatusOK, map[string]any{"Booking": []string{"availability"}})
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient(tt.auth, append([]ClientOption{WithBaseURL(srv.URL + "/v2")}, tt.opts...)...)
			require.NoError(t, err)
			_, _, err = c.Webhooks.Categories(context.Background())
			require.NoError(t, err)
		})
	}
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		body        string
		wantCode    string
		wantMessage string
		wantDetails string
		wantDocURL  string
	}{
		{
			name:   "v2 envelope",
			status: http.StatusUnauthorized,
			body: `{"messages":["The access token is not valid."],"code":"invalid_token",
				"doc_url":"https://www.ownerrez.com/support/articles/api-errors#invalid_token","status":"unauthorized","status_code":401}`,
			wantCode: "invalid_token", wantMessage: "The access token is not valid.",
			wantDetails: `["The access token is not valid."]`,
			wantDocURL:  "https://www.ownerrez.com/support/articles/api-errors#invalid_token",
		},
		{
			name:        "recorded 404 without code",
			status:      http.StatusNotFound,
			body:        `{"messages":["Expected entity Guest:Id:1 not found."],"status":"not_found","status_code":404}`,
			wantMessage: "Expected entity Guest:Id:1 not found.", wantDetails: `["Expected entity Guest:Id:1 not found."]`,
		},
		{
			name:        "several messages",
			status:      http.StatusBadRequest,
			body:        `{"messages":["a is required","b is invalid"],"code":"validation_failed"}`,
			wantCode:    "validation_failed",
			wantMessage: "a is required; b is invalid", wantDetails: `["a is required","b is invalid"]`,
		},
		{
			name:     "rate limit, numeric code",
			status:   http.StatusTooManyRequests,
			body:     `{ "code": 429, "error": "Rate limit exceeded." }`,
			wantCode: "429", wantMessage: "Rate limit exceeded.",
		},
		{
			name:     "oauth error",
			status:   http.StatusBadRequest,
			body:     `{"error":"invalid_grant","error_description":"The authorization code has expired."}`,
			wantCode: "invalid_grant", wantMessage: "The authorization code has expired.",
		},
		{
			name:     "oauth error without description",
			status:   http.StatusUnauthorized,
			body:     `{"error":"invalid_client"}`,
			wantCode: "invalid_client",
		},
		{
			name:        "error sentence without code",
			status:      http.StatusForbidden,
			body:        `{"error":"Access denied for this IP."}`,
			wantMessage: "Access denied for this IP.",
		},
		{
			name:        "messages as one string",
			status:      http.StatusForbidden,
			body:        `{"messages":"Account locked.","code":"account_locked"}`,
			wantCode:    "account_locked",
			wantMessage: "Account locked.",
		},
		{name: "not json", status: http.StatusBadGateway, body: `<html>Bad Gateway</html>`},
		{name: "empty", status: http.StatusServiceUnavailable, body: ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{"X-Test": {"1"}}}
			err := decodeError(resp, []byte(tt.body))
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.wantCode, ae.Code)
			assert.Equal(t, tt.wantMessage, ae.Message)
			assert.Equal(t, tt.wantDocURL, ae.DocURL)
			if tt.wantDetails == "" {
				assert.Nil(t, ae.Details)
			} else {
				assert.JSONEq(t, tt.wantDetails, string(ae.Details))
			}
			assert.Equal(t, tt.body, string(ae.Body))
			assert.Equal(t, "1", ae.Header.Get("X-Test"))
		})
	}
}

// TestClient_retries checks each retry rule against a server that counts
// requests.
func TestClient_retries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		statuses  []int // answers in order; the last repeats
		opts      []ClientOption
		wantCalls int32
		wantErr   int // final status when an error is expected, 0 for success
	}{
		{name: "GET retried on 500", method: http.MethodGet, statuses: []int{500, 200}, wantCalls: 2},
		{name: "GET retried on 429", method: http.MethodGet, statuses: []int{429, 429, 200}, wantCalls: 3},
		{name: "GET gives up after RetryMax", method: http.MethodGet, statuses: []int{503}, opts: []ClientOption{WithRetryMax(2)}, wantCalls: 3, wantErr: 503},
		{name: "retries disabled", method: http.MethodGet, statuses: []int{500, 200}, opts: []ClientOption{WithRetryMax(-1)}, wantCalls: 1, wantErr: 500},
		{name: "GET not retried on 404", method: http.MethodGet, statuses: []int{404, 200}, wantCalls: 1, wantErr: 404},
		{name: "GET not retried on 401", method: http.MethodGet, statuses: []int{401, 200}, wantCalls: 1, wantErr: 401},
		{name: "DELETE retried on 502", method: http.MethodDelete, statuses: []int{502, 204}, wantCalls: 2},
		{name: "POST retried on 429", method: http.MethodPost, statuses: []int{429, 200}, wantCalls: 2},
		{name: "POST never resent after 500", method: http.MethodPost, statuses: []int{500, 200}, wantCalls: 1, wantErr: 500},
		{name: "POST never resent after 503", method: http.MethodPost, statuses: []int{503, 200}, wantCalls: 1, wantErr: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				status := tt.statuses[min(n, len(tt.statuses)-1)]
				switch {
				case status == http.StatusTooManyRequests:
					w.Header().Set("Retry-After", "0")
					writeJSON(w, status, map[string]any{"code": 429, "error": "Rate limit exceeded."})
				case status >= 400:
					writeError(w, status, "server_error", "failure")
				case r.Method == http.MethodDelete:
					w.WriteHeader(http.StatusNoContent)
				default:
					writeJSON(w, http.StatusOK, map[string]any{"id": 7, "type": "booking", "webhook_url": "https://h.example/x"})
				}
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient(AccessToken("at_1"), append([]ClientOption{WithBaseURL(srv.URL + "/v2"), fastRetries()}, tt.opts...)...)
			require.NoError(t, err)

			ctx := context.Background()
			switch tt.method {
			case http.MethodGet:
				_, _, err = c.Webhooks.Get(ctx, 7)
			case http.MethodDelete:
				_, err = c.Webhooks.Delete(ctx, 7)
			case http.MethodPost:
				_, _, err = c.Webhooks.Create(ctx, &SubscriptionParams{Type: SubscriptionBooking, Action: ActionEntityCreate, URL: "https://h.example/x"})
			}
			assert.Equal(t, tt.wantCalls, calls.Load(), "requests sent")
			if tt.wantErr == 0 {
				require.NoError(t, err)
				return
			}
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.wantErr, ae.StatusCode)
			assert.Equal(t, int(tt.wantCalls), ae.Attempts)
		})
	}
}

func TestClient_contextCanceled(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeError(w, http.StatusServiceUnavailable, "unavailable", "down")
	}))
	t.Cleanup(srv.Close)
	// Real backoff (at least half a second) and a context that ends first.
	c, err := NewClient(AccessToken("at_1"), WithBaseURL(srv.URL+"/v2"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err = c.Webhooks.Get(ctx, 1)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), err.Error())
	assert.Equal(t, int32(1), calls.Load())
}

func TestClient_logger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			writeError(w, http.StatusInternalServerError, "server_error", "boom")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": []any{}})
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(PersonalToken("owner@example.com", "pt_logsecret"), WithBaseURL(srv.URL+"/v2"), WithLogger(logger), fastRetries())
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(context.Background(), &SubscriptionListOptions{ListOptions{PerPage: 5}})
	require.NoError(t, err)
	assert.NotEmpty(t, buf.String(), "the retry is logged")
	assert.NotContains(t, buf.String(), "pt_logsecret")
	assert.NotContains(t, buf.String(), "limit=5", "query strings are not logged")
}

// TestClient_echoedSecretsRedacted checks that a credential OwnerRez echoes
// in an error answer appears in no error text, no field of the *APIError
// and no log record: a personal token (Basic, also as its base64), an
// OAuth access token, and the app's client secret and authorization code
// on the token endpoint.
func TestClient_echoedSecretsRedacted(t *testing.T) {
	t.Parallel()
	const (
		email    = "owner@example.com"
		personal = "pt_personal/tok+1"
		access   = "at_access/tok+2"
		secret   = "s_client/secret+3"
		code     = "tc_code/4+x"
	)
	b64 := func(user, pass string) string { return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass)) }
	tests := []struct {
		name    string
		call    func(t *testing.T, base string, opts ...ClientOption) error
		secrets []string
	}{
		{"personal token", func(t *testing.T, base string, opts ...ClientOption) error {
			c, err := NewClient(PersonalToken(email, personal), opts...)
			require.NoError(t, err)
			_, _, err = c.Webhooks.List(context.Background(), nil)
			return err
		}, []string{personal, b64(email, personal)}},
		{"access token", func(t *testing.T, base string, opts ...ClientOption) error {
			c, err := NewClient(AccessToken(access), opts...)
			require.NoError(t, err)
			_, _, err = c.Webhooks.Create(context.Background(), &SubscriptionParams{Type: "booking", Action: "entity_update", URL: "https://example.com/h"})
			return err
		}, []string{access}},
		{"client secret and code", func(t *testing.T, base string, opts ...ClientOption) error {
			o, err := NewOAuthClient("c_app", secret, opts...)
			require.NoError(t, err)
			_, _, err = o.Exchange(context.Background(), code, "")
			return err
		}, []string{secret, code, b64("c_app", secret)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				auth := r.Header.Get("Authorization")
				_, cred, _ := strings.Cut(auth, " ")
				user, pass, _ := r.BasicAuth()
				echo := strings.Join([]string{auth, cred, user, pass, r.PostForm.Get("code")}, " ")
				w.Header().Set("WWW-Authenticate", `Bearer error_description="`+echo+`"`)
				if r.URL.Path == tokenPath {
					writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "refused " + echo})
					return
				}
				writeError(w, http.StatusUnauthorized, "invalid_token", "Invalid credentials: "+echo)
			}))
			t.Cleanup(srv.Close)
			var logs syncBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

			err := tt.call(t, srv.URL, WithBaseURL(srv.URL+"/v2"), fastRetries(), WithLogger(logger))
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Contains(t, apiErr.Message, "REDACTED")
			texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), apiErr.Code, apiErr.Message,
				apiErr.DocURL, apiErr.URL, string(apiErr.Details), string(apiErr.Body), fmt.Sprint(apiErr.Header), logs.String()}
			for _, s := range tt.secrets {
				for _, form := range []string{s, url.QueryEscape(s), strings.ReplaceAll(s, "/", `\/`)} {
					for _, text := range texts {
						assert.NotContains(t, text, form)
					}
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
