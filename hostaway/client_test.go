package hostaway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	routeToken = "POST /v1/accessTokens"
	routeList  = "GET /v1/webhooks/unifiedWebhooks"
	routeHooks = "POST /v1/webhooks/unifiedWebhooks"
)

func TestNewClient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		account string
		secret  string
		opts    []ClientOption
		ok      bool
	}{
		{"valid", "10450", "s3cr3t-value", nil, true},
		{"account with spaces", " 10450 ", "s3cr3t-value", nil, true},
		{"nil option", "10450", "s3cr3t-value", []ClientOption{nil, WithHTTPClient(nil), WithLogger(nil), WithBaseURL(""), WithToken(Token{})}, true},
		{"empty account", "", "s3cr3t-value", nil, false},
		{"account not a number", "acme", "s3cr3t-value", nil, false},
		{"empty secret", "10450", "", nil, false},
		{"base URL not http", "10450", "s3cr3t-value", []ClientOption{WithBaseURL("ftp://api.hostaway.com/v1")}, false},
		{"base URL with credentials", "10450", "s3cr3t-value", []ClientOption{WithBaseURL("https://u:p@api.hostaway.com/v1")}, false},
		{"retry waits reversed", "10450", "s3cr3t-value", []ClientOption{WithRetryWait(time.Second, time.Millisecond)}, false},
		{"negative retry wait", "10450", "s3cr3t-value", []ClientOption{WithRetryWait(-1, 0)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(ClientCredentials(tt.account, tt.secret), tt.opts...)
			if !tt.ok {
				require.Error(t, err)
				assert.Nil(t, c)
				assert.Regexp(t, `^hostaway: new client: `, err.Error())
				assert.NotContains(t, err.Error(), "s3cr3t-value")
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, c.Webhooks)
			assert.NotNil(t, c.WebhookLogs)
		})
	}
	for name, auth := range map[string]Auth{
		"zero Auth":          {},
		"blank access token": AccessToken(" "),
	} {
		_, err := NewClient(auth)
		require.Error(t, err, name)
		assert.Regexp(t, `^hostaway: new client: `, err.Error())
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
			return &http.Response{StatusCode: 200, Header: http.Header{},
				Body: io.NopCloser(strings.NewReader(`{"status":"success","result":[]}`)), Request: r}, nil
		})}
	}
	var oldHits, newHits int
	var oldLogs, newLogs bytes.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	c, err := NewClient(AccessToken("static-token"),
		WithBaseURL(BaseURL), WithHTTPClient(answer(&oldHits)), WithLogger(slog.New(slog.NewTextHandler(&oldLogs, debug))),
		WithBaseURL("http://127.0.0.1:1/v1"), WithHTTPClient(answer(&newHits)), WithLogger(slog.New(slog.NewTextHandler(&newLogs, debug))),
		WithBaseURL(""), WithHTTPClient(nil), WithLogger(nil), nil,
		WithRetryMax(-1),
	)
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, newHits, "the request went through the second HTTP client")
	assert.Zero(t, oldHits)
	assert.Contains(t, newLogs.String(), "127.0.0.1:1", "the second base URL and logger are used")
	assert.Empty(t, oldLogs.String())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestClient_tokenFlow checks the documented token request, and that the
// token is fetched once and reused.
func TestClient_tokenFlow(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	ctx := context.Background()
	for range 3 {
		_, _, err := c.Webhooks.List(ctx, nil)
		require.NoError(t, err)
	}
	require.Equal(t, 1, f.count(routeToken), "one token for every call")
	tok := f.recorded(routeToken)[0]
	form, err := url.ParseQuery(string(tok.Body))
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {testAccountID},
		"client_secret": {testSecret}, "scope": {"general"},
	}, form)
	assert.Equal(t, "application/x-www-form-urlencoded", tok.Header.Get("Content-Type"))
	assert.Equal(t, "no-cache", tok.Header.Get("Cache-Control"))
	assert.Empty(t, tok.Auth, "the token request carries no bearer token")
	assert.Equal(t, "pmshooks-go", tok.Header.Get("User-Agent"))

	for _, r := range f.recorded(routeList) {
		assert.Equal(t, "Bearer jwt-1", r.Auth)
		assert.Equal(t, "no-cache", r.Header.Get("Cache-Control"))
	}
}

// TestClient_tokenActivation checks that the client waits for a new token
// to become valid: Hostaway answers 403 to a token used in its first second.
// Tests shorten that second through fastRetries.
func TestClient_tokenActivation(t *testing.T) {
	t.Parallel()
	require.Equal(t, time.Second, newClientConfig(nil).activationDelay, "Hostaway's documented delay is the default")
	const activation = 150 * time.Millisecond
	t.Run("delayed", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t, fastRetries(activation))
		f.activation = activation
		start := time.Now()
		_, _, err := c.Webhooks.List(context.Background(), nil)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), activation)
		assert.Equal(t, 1, f.count(routeToken))
		assert.Equal(t, 1, f.count(routeList))
	})
	t.Run("without the delay the token is refused", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t, fastRetries(0))
		f.activation = activation
		_, _, err := c.Webhooks.List(context.Background(), nil)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
		assert.Equal(t, 2, f.count(routeToken), "403 drops the token: one new token, one retry")
	})
	t.Run("canceled while waiting", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t, fastRetries(time.Hour))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, _, err := c.Webhooks.List(ctx, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 0, f.count(routeList), "the token was not used early")
	})
	t.Run("a saved token is used at once", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t, fastRetries(time.Hour), WithToken(Token{AccessToken: "jwt-saved"}))
		f.issue("jwt-saved")
		_, _, err := c.Webhooks.List(context.Background(), nil)
		require.NoError(t, err)
		assert.Equal(t, 0, f.count(routeToken))
	})
}

// TestWithToken checks that a saved token is sent without a token request,
// until it expires or Hostaway answers 403.
func TestWithToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		token     Token
		wantAuth  []string // of each GET, in order
		wantFetch int
	}{
		{
			name:     "used without a token request",
			token:    Token{AccessToken: "jwt-saved", Expiry: time.Now().Add(700 * 24 * time.Hour)},
			wantAuth: []string{"Bearer jwt-saved"},
		},
		{
			name:     "without expiry",
			token:    Token{AccessToken: "jwt-saved"},
			wantAuth: []string{"Bearer jwt-saved"},
		},
		{
			name:      "expired: a new one is fetched first",
			token:     Token{AccessToken: "jwt-saved", Expiry: time.Now().Add(-time.Hour)},
			wantAuth:  []string{"Bearer jwt-1"},
			wantFetch: 1,
		},
		{
			name:      "revoked: 403, then a new one",
			token:     Token{AccessToken: "jwt-revoked"},
			wantAuth:  []string{"Bearer jwt-revoked", "Bearer jwt-1"},
			wantFetch: 1,
		},
		{
			name:      "empty: ignored",
			token:     Token{Expiry: time.Now().Add(time.Hour)},
			wantAuth:  []string{"Bearer jwt-1"},
			wantFetch: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t, WithToken(tt.token))
			f.issue("jwt-saved")
			_, _, err := c.Webhooks.List(context.Background(), nil)
			require.NoError(t, err)
			assert.Equal(t, tt.wantFetch, f.count(routeToken))
			var auths []string
			for _, r := range f.recorded(routeList) {
				auths = append(auths, r.Auth)
			}
			assert.Equal(t, tt.wantAuth, auths)
		})
	}

	t.Run("the last wins", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t, WithToken(Token{AccessToken: "jwt-old"}), WithToken(Token{AccessToken: "jwt-saved"}), WithToken(Token{}))
		f.issue("jwt-saved")
		_, _, err := c.Webhooks.List(context.Background(), nil)
		require.NoError(t, err)
		assert.Equal(t, "Bearer jwt-saved", f.recorded(routeList)[0].Auth)
	})

	t.Run("refused with an AccessToken, not ignored", func(t *testing.T) {
		t.Parallel()
		c, err := NewClient(AccessToken("static-token"), WithToken(Token{AccessToken: "jwt-saved"}))
		require.Error(t, err)
		assert.Nil(t, c)
		assert.Regexp(t, `^hostaway: new client: WithToken applies to ClientCredentials only`, err.Error())
		assert.NotContains(t, err.Error(), "static-token")
		assert.NotContains(t, err.Error(), "jwt-saved")
	})
}

// TestClient_Token checks that the token a client holds can be saved and
// reused by the next client, which then fetches none.
func TestClient_Token(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	before := time.Now()
	tok, err := c.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "jwt-1", tok.AccessToken)
	assert.WithinRange(t, tok.Expiry, before.Add(63072000*time.Second), time.Now().Add(63072000*time.Second),
		"the expiry Hostaway stated: expires_in after the request")
	assert.Equal(t, 1, f.count(routeToken))

	_, _, err = c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	again, err := c.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, tok, again)
	assert.Equal(t, 1, f.count(routeToken), "one token for Token and the call")

	// The next run starts with the saved token.
	next, err := NewClient(ClientCredentials(testAccountID, testSecret), WithBaseURL(f.url), fastRetries(0), WithToken(tok))
	require.NoError(t, err)
	_, _, err = next.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, f.count(routeToken), "the saved token was reused")
	assert.Equal(t, "Bearer jwt-1", f.recorded(routeList)[1].Auth)

	// A token Hostaway answered 403 to is replaced, and Token tells.
	f.expireTokens()
	_, _, err = next.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	renewed, err := next.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "jwt-2", renewed.AccessToken)

	static, err := NewClient(AccessToken("static-token"), WithBaseURL(f.url))
	require.NoError(t, err)
	tok, err = static.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Token{AccessToken: "static-token"}, tok)
}

func TestClient_Token_fails(t *testing.T) {
	t.Parallel()
	f := newFakeHostaway(t)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := NewClient(ClientCredentials("99999", "wrong-secret-value"), WithBaseURL(srv.URL+"/v1"), fastRetries(0))
	require.NoError(t, err)
	tok, err := c.Token(context.Background())
	assert.Equal(t, Token{}, tok)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Regexp(t, `^hostaway: token: `, err.Error())
	assert.NotContains(t, err.Error(), "wrong-secret-value")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Token(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

func TestToken_String(t *testing.T) {
	t.Parallel()
	expiry := time.Date(2027, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := map[string]Token{
		"zero":        {},
		"no expiry":   {AccessToken: "jwt-secret-value"},
		"with expiry": {AccessToken: "jwt-secret-value", Expiry: expiry},
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
				assert.NotContains(t, fmt.Sprintf(format, tok), "jwt-secret-value")
				assert.NotContains(t, fmt.Sprintf(format, &tok), "jwt-secret-value")
			}
		})
	}
	assert.Equal(t, "hostaway.Token{AccessToken: redacted, Expiry: 2027-05-01T12:00:00Z}", tests["with expiry"].String())
}

// TestClient_tokenExpired403 checks the documented refresh: a 403 means the
// token expired; the client fetches one new token and retries once.
func TestClient_tokenExpired403(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	ctx := context.Background()
	_, _, err := c.Webhooks.List(ctx, nil)
	require.NoError(t, err)

	f.expireTokens()
	hooks, _, err := c.Webhooks.List(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, hooks.Items)
	assert.Equal(t, 2, f.count(routeToken))
	reqs := f.recorded(routeList)
	require.Len(t, reqs, 3)
	assert.Equal(t, "Bearer jwt-1", reqs[1].Auth)
	assert.Equal(t, "Bearer jwt-2", reqs[2].Auth)

	_, _, err = c.Webhooks.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, f.count(routeToken), "the new token is kept")
}

// TestClient_forbidden checks that a 403 that is not about the token is
// returned after one new token and one retry, and never loops.
func TestClient_forbidden(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	denied := scripted{status: http.StatusForbidden, body: `{"status":"fail","result":"This reservation is managed by the channel"}`}
	f.script("GET /v1/webhooks/unifiedWebhooks/7", denied, denied, denied)
	_, _, err := c.Webhooks.Get(context.Background(), 7)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.Equal(t, "This reservation is managed by the channel", apiErr.Message)
	assert.Equal(t, 2, apiErr.Attempts)
	assert.Equal(t, 2, f.count("GET /v1/webhooks/unifiedWebhooks/7"))
	assert.Equal(t, 2, f.count(routeToken))
}

func TestClient_tokenConcurrent(t *testing.T) {
	t.Parallel()
	const activation = 20 * time.Millisecond
	c, f := setup(t, fastRetries(activation))
	f.activation = activation
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, _, err := c.Webhooks.List(context.Background(), nil)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, f.count(routeToken), "concurrent calls share one token fetch")
	assert.Equal(t, 16, f.count(routeList), "and none used the token before it was valid")
}

func TestClient_tokenEndpointErrors(t *testing.T) {
	t.Parallel()
	f := newFakeHostaway(t)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := NewClient(ClientCredentials("99999", "wrong-secret-value"), WithBaseURL(srv.URL+"/v1"), fastRetries(0))
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(context.Background(), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "Invalid client credentials", apiErr.Message)
	assert.NotContains(t, err.Error(), "wrong-secret-value")
	assert.Regexp(t, `^hostaway: list unified webhooks: `, err.Error())
	assert.Equal(t, 0, f.count(routeList), "no API call without a token")
}

func TestNewClient_accessToken(t *testing.T) {
	t.Parallel()
	f := newFakeHostaway(t)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := NewClient(AccessToken("static-token"), WithBaseURL(srv.URL+"/v1"), fastRetries(0))
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "Bearer static-token", f.recorded(routeList)[0].Auth)

	expired, err := NewClient(AccessToken("expired-token"), WithBaseURL(srv.URL+"/v1"), fastRetries(0))
	require.NoError(t, err)
	_, _, err = expired.Webhooks.List(context.Background(), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.Equal(t, 1, apiErr.Attempts, "a static token is not renewed")
	assert.Equal(t, 0, f.count(routeToken))
}

// TestClient_retries checks each retry rule against a server that counts
// requests.
func TestClient_retries(t *testing.T) {
	t.Parallel()
	rateLimited := `{"status":"fail","message":"This error occurs because a server detects that your application has exceeded the rate limits or has made too many requests in a given period of time."}`
	tests := []struct {
		name     string
		route    string
		replies  []scripted
		opts     []ClientOption
		call     func(*Client) error
		requests int
		status   int // of the *APIError; 0 means success
	}{
		{
			name: "GET 429 with Retry-After is retried", route: routeList,
			replies:  []scripted{{status: 429, header: map[string]string{"Retry-After": "0"}, body: rateLimited}},
			call:     listHooks,
			requests: 2,
		},
		{
			name: "GET 429 without Retry-After is retried with backoff", route: routeList,
			replies:  []scripted{{status: 429, body: rateLimited}, {status: 429, body: rateLimited}},
			call:     listHooks,
			requests: 3,
		},
		{
			name: "GET 503 is retried", route: routeList,
			replies:  []scripted{{status: 503, body: `<html>down</html>`}},
			call:     listHooks,
			requests: 2,
		},
		{
			name: "DELETE 502 is retried", route: "DELETE /v1/webhooks/unifiedWebhooks/100",
			replies: []scripted{{status: 502}},
			call: func(c *Client) error {
				if err := createHook(c); err != nil { // webhook 100
					return err
				}
				_, err := c.Webhooks.Delete(context.Background(), 100)
				return err
			},
			requests: 2,
		},
		{
			name: "POST 429 is retried: the server refused it", route: routeHooks,
			replies:  []scripted{{status: 429, header: map[string]string{"Retry-After": "0"}, body: rateLimited}},
			call:     createHook,
			requests: 2,
		},
		{
			name: "POST 500 is not retried: it may have created the webhook", route: routeHooks,
			replies:  []scripted{{status: 500, body: `{"status":"fail","result":"Internal error"}`}},
			call:     createHook,
			requests: 1, status: 500,
		},
		{
			name: "POST 503 is not retried", route: routeHooks,
			replies:  []scripted{{status: 503}},
			call:     createHook,
			requests: 1, status: 503,
		},
		{
			name: "GET 400 is not retried", route: routeList,
			replies:  []scripted{{status: 400, body: `{"status":"fail","result":"Bad request"}`}},
			call:     listHooks,
			requests: 1, status: 400,
		},
		{
			name: "Retry-After beyond the cap is returned, not slept", route: routeList,
			replies:  []scripted{{status: 429, header: map[string]string{"Retry-After": "3600"}, body: rateLimited}},
			call:     listHooks,
			requests: 1, status: 429,
		},
		{
			name: "Retry-After beyond WithRetryAfterMax is returned", route: routeList,
			replies:  []scripted{{status: 503, header: map[string]string{"Retry-After": "30"}}},
			opts:     []ClientOption{WithRetryAfterMax(10 * time.Second), WithUserAgent("acme-sync/1.0")},
			call:     listHooks,
			requests: 1, status: 503,
		},
		{
			name: "retries run out", route: routeList,
			replies:  []scripted{{status: 500}, {status: 500}, {status: 500}, {status: 500}},
			opts:     []ClientOption{WithRetryMax(2)},
			call:     listHooks,
			requests: 3, status: 500,
		},
		{
			name: "a negative WithRetryMax disables retries", route: routeList,
			replies:  []scripted{{status: 503}},
			opts:     []ClientOption{WithRetryMax(-1)},
			call:     listHooks,
			requests: 1, status: 503,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t, tt.opts...)
			f.script(tt.route, tt.replies...)
			err := tt.call(c)
			assert.Equal(t, tt.requests, f.count(tt.route), "requests")
			assert.NotEmpty(t, f.recorded(tt.route)[0].Header.Get("User-Agent"))
			if tt.status == 0 {
				require.NoError(t, err)
				return
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.requests, apiErr.Attempts)
		})
	}
}

func listHooks(c *Client) error {
	_, _, err := c.Webhooks.List(context.Background(), nil)
	return err
}

func createHook(c *Client) error {
	_, _, err := c.Webhooks.Create(context.Background(), &SubscriptionParams{Enabled: true, URL: "https://example.com/hooks/hostaway"})
	return err
}

func TestClient_rateLimitError(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetryMax(-1))
	f.script(routeList, scripted{status: 429, header: map[string]string{"Retry-After": "7"},
		body: `{"status":"fail","message":"This error occurs because a server detects that your application has exceeded the rate limits or has made too many requests in a given period of time."}`})
	_, _, err := c.Webhooks.List(context.Background(), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "exceeded the rate limits", "the 429 body's message, not result")
	assert.True(t, apiErr.Temporary())
	d, ok := apiErr.RetryAfter()
	assert.True(t, ok)
	assert.Equal(t, 7*time.Second, d)
}

func TestClient_context(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := c.Webhooks.List(ctx, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, f.count(routeList))
}

// TestClient_noSecretsInErrorsOrLogs makes every call fail and checks that
// neither the client secret nor the token reaches an error or a log line.
func TestClient_noSecretsInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedBuffer{b: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, f := setup(t, WithLogger(logger), WithRetryMax(1))
	f.script(routeList, scripted{status: 500, body: `{"status":"fail","result":"boom"}`}, scripted{status: 500, body: `{"status":"fail","result":"boom"}`})
	_, _, err := c.Webhooks.List(context.Background(), nil)
	require.Error(t, err)
	f.expireTokens()
	f.script(routeToken, scripted{status: 401, body: `{"status":"fail","result":"Invalid client credentials"}`})
	_, _, err2 := c.Webhooks.List(context.Background(), nil)
	require.Error(t, err2)

	mu.Lock()
	defer mu.Unlock()
	for _, text := range []string{err.Error(), err2.Error(), logs.String()} {
		assert.NotContains(t, text, testSecret)
		assert.NotContains(t, text, "jwt-1")
	}
	assert.NotEmpty(t, logs.String(), "the logger was used")
}

type lockedBuffer struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// TestClient_statusFail checks the *APIError built from a 2xx answer with
// {"status": "fail"}: it counts the attempts like any other.
func TestClient_statusFail(t *testing.T) {
	t.Parallel()
	failed := scripted{status: 200, body: `{"status":"fail","result":"Unified webhook limit reached"}`}
	tests := []struct {
		name     string
		replies  []scripted
		attempts int
	}{
		{"first attempt", []scripted{failed}, 1},
		{"after a retry", []scripted{{status: 503}, failed}, 2},
		{"after a new token", []scripted{{status: 403, body: `{"status":"fail","result":"expired"}`}, failed}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			f.script(routeList, tt.replies...)
			_, _, err := c.Webhooks.List(context.Background(), nil)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusOK, apiErr.StatusCode)
			assert.Equal(t, "Unified webhook limit reached", apiErr.Message)
			assert.Equal(t, tt.attempts, apiErr.Attempts)
			assert.Equal(t, tt.attempts, f.count(routeList))
		})
	}
}

func TestClient_errorsWrapAPIError(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.script(routeList, scripted{status: 404, body: `not json`})
	_, _, err := c.Webhooks.List(context.Background(), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.Empty(t, apiErr.Message)
	assert.Equal(t, "not json", string(apiErr.Body))
	assert.False(t, errors.Is(err, context.Canceled))
}

// TestClient_echoedSecretsRedacted checks that a client secret or an access
// token Hostaway echoes in an error answer (escaped as PHP's json_encode
// does, "/" as "\/") appears in no error text, no field of the *APIError
// and no log record: the secret on the token endpoint, and every token,
// whether fetched, saved (WithToken) or given (AccessToken).
func TestClient_echoedSecretsRedacted(t *testing.T) {
	t.Parallel()
	const (
		secret  = "hw/client+secret&1"
		fetched = "eyJ.fetched/tok+1"
		saved   = "eyJ.saved/tok+2"
		static  = "eyJ.static/tok+3"
	)
	php := func(s string) string { return strings.ReplaceAll(s, "/", `\/`) }
	tests := []struct {
		name    string
		status  int // the API's answer; the token endpoint refuses secrets other than "right"
		client  func(url string, opts ...ClientOption) (*Client, error)
		secrets []string
	}{
		{"client secret refused", 0, func(u string, opts ...ClientOption) (*Client, error) {
			return NewClient(ClientCredentials(testAccountID, secret), opts...)
		}, []string{secret}},
		{"fetched token on 403, fetched again", http.StatusForbidden, func(u string, opts ...ClientOption) (*Client, error) {
			return NewClient(ClientCredentials(testAccountID, "right"), opts...)
		}, []string{fetched}},
		{"fetched token in a 200 fail envelope", http.StatusOK, func(u string, opts ...ClientOption) (*Client, error) {
			return NewClient(ClientCredentials(testAccountID, "right"), opts...)
		}, []string{fetched}},
		{"saved token on 400", http.StatusBadRequest, func(u string, opts ...ClientOption) (*Client, error) {
			return NewClient(ClientCredentials(testAccountID, "right"), append(opts, WithToken(Token{AccessToken: saved}))...)
		}, []string{saved}},
		{"given token on 403", http.StatusForbidden, func(u string, opts ...ClientOption) (*Client, error) {
			return NewClient(AccessToken(static), opts...)
		}, []string{static}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				form, _ := url.ParseQuery(string(body))
				if r.URL.Path == "/v1/accessTokens" {
					if s := form.Get("client_secret"); s != "right" {
						w.WriteHeader(http.StatusUnauthorized)
						fmt.Fprintf(w, `{"status":"fail","result":"invalid client_secret %s"}`, php(s))
						return
					}
					fmt.Fprintf(w, `{"token_type":"Bearer","expires_in":3600,"access_token":%q}`, fetched)
					return
				}
				tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
				w.WriteHeader(tt.status)
				fmt.Fprintf(w, `{"status":"fail","result":"token %s is not valid","message":"%s"}`, php(tok), url.QueryEscape(tok))
			}))
			t.Cleanup(srv.Close)
			var logs bytes.Buffer
			var mu sync.Mutex
			logger := slog.New(slog.NewTextHandler(&lockedBuffer{b: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := tt.client(srv.URL, WithBaseURL(srv.URL+"/v1"), fastRetries(0), WithLogger(logger))
			require.NoError(t, err)

			_, _, err = c.Webhooks.List(context.Background(), nil)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Contains(t, apiErr.Message, "REDACTED")
			mu.Lock()
			defer mu.Unlock()
			texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), apiErr.Code, apiErr.Message,
				apiErr.URL, string(apiErr.Details), string(apiErr.Body), fmt.Sprint(apiErr.Header), logs.String()}
			for _, s := range tt.secrets {
				for _, form := range []string{s, php(s), url.QueryEscape(s)} {
					for _, text := range texts {
						assert.NotContains(t, text, form)
					}
				}
			}
			assert.NotEmpty(t, logs.String(), "the logger was used")
		})
	}
}
