package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testClientID     = "12345"
	testClientSecret = "cs-very-secret-value"
)

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func TestAuthenticators(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		auth   Authenticator
		header string
		want   string
	}{
		"header key": {auth: HeaderKey("user-api-key", "k-123"), header: "User-Api-Key", want: "k-123"},
		"bearer":     {auth: Bearer("t-123"), header: "Authorization", want: "Bearer t-123"},
		"basic":      {auth: Basic("owner@example.com", "pt_abc"), header: "Authorization", want: "Basic b3duZXJAZXhhbXBsZS5jb206cHRfYWJj"},
		"basic without password": {
			auth: Basic("sk_key", ""), header: "Authorization", want: "Basic c2tfa2V5Og==",
		},
		"func": {
			auth: AuthFunc(func(_ context.Context, r *http.Request) error {
				r.Header.Set("X-Sig", "sig")
				return nil
			}),
			header: "X-Sig", want: "sig",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := &counter{replies: []reply{{status: http.StatusOK}}}
			c, _ := setup(t, Config{Auth: tt.auth}, h)
			_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, h.reqs[0].Header.Get(tt.header))
		})
	}
}

func TestAuthenticators_failClosed(t *testing.T) {
	t.Parallel()
	tests := map[string]Authenticator{
		"empty key":           HeaderKey("user-api-key", ""),
		"empty header name":   HeaderKey("", "k"),
		"invalid header name": HeaderKey("user api key", "k"),
		"empty bearer":        Bearer(""),
		"empty basic user":    Basic("", "pw"),
	}
	for name, auth := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := &counter{replies: []reply{{status: http.StatusOK}}}
			c, _ := setup(t, Config{Auth: auth}, h)
			_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
			require.ErrorIs(t, err, ErrNoCredential)
			assert.Equal(t, 0, h.count(), "no request is sent without its credential")
		})
	}

	t.Run("authenticator error", func(t *testing.T) {
		t.Parallel()
		boom := errors.New("boom")
		h := &counter{replies: []reply{{status: http.StatusOK}}}
		c, _ := setup(t, Config{Auth: AuthFunc(func(context.Context, *http.Request) error { return boom })}, h)
		_, err := c.Do(context.Background(), Request{Method: http.MethodDelete, Path: "/webhooks/1"}, nil)
		require.ErrorIs(t, err, boom)
		assert.Contains(t, err.Error(), "api: DELETE /webhooks/1: authenticate")
		assert.Equal(t, 0, h.count())
	})
}

func TestAuthenticators_String(t *testing.T) {
	t.Parallel()
	for _, a := range []Authenticator{HeaderKey("user-api-key", "secret-1"), Bearer("secret-1"), Basic("user", "secret-1")} {
		for _, format := range []string{"%v", "%+v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(format, a), "secret-1")
		}
	}
	c, err := New(Config{BaseURL: "https://example.com"})
	require.NoError(t, err)
	cc, err := NewClientCredentials(c, ClientCredentialsConfig{TokenURL: "/t", ClientID: "id", ClientSecret: "secret-1"})
	require.NoError(t, err)
	for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
		assert.NotContains(t, fmt.Sprintf(format, cc), "secret-1")
	}
	expiry := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tok := range []Token{{AccessToken: "secret-1"}, {AccessToken: "secret-1", Expiry: expiry}} {
		for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
			text := fmt.Sprintf(format, tok)
			assert.NotContains(t, text, "secret-1")
			assert.Contains(t, text, "redacted")
		}
		assert.NotContains(t, fmt.Sprintf("%v", &tok), "secret-1", "a *Token prints through the same method")
	}
	assert.Contains(t, Token{AccessToken: "secret-1", Expiry: expiry}.String(), "2027-01-02T03:04:05Z", "the expiry is not a secret")
	assert.Equal(t, "api.Token{}", Token{}.String())
}

// reauth is a Reauthenticator for tests: it sends credential "v<N>" and
// treats every 401 as expired, bumping N.
type reauth struct {
	mu      sync.Mutex
	version int
	expired int
}

func (r *reauth) Authenticate(_ context.Context, req *http.Request) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	req.Header.Set("X-Cred", "v"+strconv.Itoa(r.version))
	return nil
}

func (r *reauth) Expired(resp *http.Response) bool {
	if resp.StatusCode != http.StatusUnauthorized {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expired++
	r.version++
	return true
}

func TestClient_Do_reauthenticate(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		method       string // default POST
		replies      []reply
		wantCount    int
		wantStatus   int
		wantCreds    []string
		wantAttempts int
	}{
		"renewed once then succeeds": {
			replies:   []reply{{status: 401}, {status: 200, body: `{}`}},
			wantCount: 2, wantStatus: 200, wantCreds: []string{"v0", "v1"},
		},
		"retried exactly once": {
			replies:   []reply{{status: 401, body: `{"errors":{"code":"unauthorized"}}`}},
			wantCount: 2, wantStatus: 401, wantCreds: []string{"v0", "v1"}, wantAttempts: 2,
		},
		"not expired": {
			replies:   []reply{{status: 403}},
			wantCount: 1, wantStatus: 403, wantCreds: []string{"v0"}, wantAttempts: 1,
		},
		"retries then expiry": {
			method:    http.MethodPut,
			replies:   []reply{{status: 503}, {status: 401}, {status: 200}},
			wantCount: 3, wantStatus: 200, wantCreds: []string{"v0", "v0", "v1"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := &counter{replies: tt.replies}
			auth := &reauth{}
			c, _ := setup(t, Config{Auth: auth, RetryMax: 2}, h)
			method := cmpOrString(tt.method, http.MethodPost)
			resp, err := c.Do(context.Background(), Request{Method: method, Path: "/webhooks", Body: map[string]int{"a": 1}}, nil)
			require.NotNil(t, resp)
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			assert.Equal(t, tt.wantCount, h.count())
			assert.Equal(t, tt.wantCount, resp.Attempts, "Response.Attempts counts the re-authenticated send")
			var creds []string
			for _, r := range h.reqs {
				creds = append(creds, r.Header.Get("X-Cred"))
			}
			assert.Equal(t, tt.wantCreds, creds)
			for _, b := range h.bodies {
				assert.JSONEq(t, `{"a":1}`, string(b), "the body is replayed for the re-authenticated request")
			}
			if tt.wantStatus < 300 {
				require.NoError(t, err)
				return
			}
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.wantAttempts, apiErr.Attempts)
		})
	}
}

// hostaway is a test server that speaks Hostaway's token flow: tokens from
// POST /v1/accessTokens, 403 for an unknown or expired token.
type hostaway struct {
	tokenReqs atomic.Int32
	apiReqs   atomic.Int32
	delay     time.Duration // token endpoint latency
	expiresIn any

	// activation is how long after its issue a token is accepted; an
	// earlier use gets 403, as from Hostaway.
	activation time.Duration

	mu     sync.Mutex
	valid  map[string]bool
	issued map[string]time.Time
	forms  []url.Values
	tokReq []*http.Request
}

func newHostaway() *hostaway {
	return &hostaway{valid: map[string]bool{}, issued: map[string]time.Time{}, expiresIn: 63072000}
}

func (s *hostaway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/v1/accessTokens" && r.Method == http.MethodPost:
		n := s.tokenReqs.Add(1)
		time.Sleep(s.delay)
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		s.mu.Lock()
		s.forms = append(s.forms, form)
		s.tokReq = append(s.tokReq, r.Clone(context.Background()))
		s.mu.Unlock()
		if form.Get("client_id") != testClientID || form.Get("client_secret") != testClientSecret {
			w.WriteHeader(http.StatusUnauthorized)
			writeJSON(w, map[string]any{"status": "fail", "result": "Invalid client " + form.Get("client_id")})
			return
		}
		tok := fmt.Sprintf("tok-%d", n)
		s.mu.Lock()
		s.valid[tok] = true
		s.issued[tok] = time.Now()
		s.mu.Unlock()
		writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": s.expiresIn, "access_token": tok})
	default:
		s.apiReqs.Add(1)
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		ok := s.valid[tok] && time.Since(s.issued[tok]) >= s.activation
		s.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusForbidden)
			writeJSON(w, map[string]any{"status": "fail", "message": "access denied"})
			return
		}
		writeJSON(w, map[string]any{"status": "success", "result": []any{}, "token": tok})
	}
}

// expireAll makes every issued token invalid, as Hostaway does on expiry.
func (s *hostaway) expireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.valid)
}

// setupHostaway returns an API client authenticated by a ClientCredentials
// source fetching tokens from srv.
func setupHostaway(t *testing.T, srv *hostaway, cfg ClientCredentialsConfig, logger *slog.Logger) (*Client, *ClientCredentials) {
	t.Helper()
	base, _ := setup(t, Config{Logger: logger, RetryMax: 1}, srv)
	if cfg.TokenURL == "" {
		cfg.TokenURL = "/v1/accessTokens"
	}
	if cfg.ClientID == "" {
		cfg.ClientID = testClientID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = testClientSecret
	}
	cc, err := NewClientCredentials(base, cfg)
	require.NoError(t, err)
	return base.WithAuth(cc), cc
}

type envelope struct {
	Status string `json:"status"`
	Token  string `json:"token"`
}

func TestNewClientCredentials(t *testing.T) {
	t.Parallel()
	c, err := New(Config{BaseURL: "https://api.hostaway.com"})
	require.NoError(t, err)
	ok := ClientCredentialsConfig{TokenURL: "/v1/accessTokens", ClientID: "id", ClientSecret: "s"}
	tests := map[string]struct {
		client  *Client
		mutate  func(*ClientCredentialsConfig)
		wantErr string
	}{
		"valid":            {client: c, mutate: func(*ClientCredentialsConfig) {}},
		"absolute URL":     {client: c, mutate: func(cfg *ClientCredentialsConfig) { cfg.TokenURL = "https://auth.example.com/token" }},
		"nil client":       {mutate: func(*ClientCredentialsConfig) {}, wantErr: "nil Client"},
		"no TokenURL":      {client: c, mutate: func(cfg *ClientCredentialsConfig) { cfg.TokenURL = "" }, wantErr: "empty TokenURL"},
		"no ClientID":      {client: c, mutate: func(cfg *ClientCredentialsConfig) { cfg.ClientID = "" }, wantErr: "empty ClientID"},
		"no ClientSecret":  {client: c, mutate: func(cfg *ClientCredentialsConfig) { cfg.ClientSecret = "" }, wantErr: "empty ClientSecret"},
		"bad TokenURL":     {client: c, mutate: func(cfg *ClientCredentialsConfig) { cfg.TokenURL = "ftp://x/token" }, wantErr: "TokenURL"},
		"TokenURL userpwd": {client: c, mutate: func(cfg *ClientCredentialsConfig) { cfg.TokenURL = "https://u:p@x/token" }, wantErr: "user information"},
		"activation delay": {client: c, mutate: func(cfg *ClientCredentialsConfig) { cfg.ActivationDelay = time.Second }},
		"negative delay":   {client: c, mutate: func(cfg *ClientCredentialsConfig) { cfg.ActivationDelay = -1 }, wantErr: "negative ActivationDelay"},
		"initial token":    {client: c, mutate: func(cfg *ClientCredentialsConfig) { cfg.InitialToken = Token{AccessToken: "saved"} }},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			tt.mutate(&cfg)
			cc, err := NewClientCredentials(tt.client, cfg)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, cc)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Nil(t, cc)
		})
	}
}

func TestClientCredentials_tokenRequest(t *testing.T) {
	t.Parallel()
	srv := newHostaway()
	extra := url.Values{"audience": {"api"}, "client_secret": {"forged"}, "grant_type": {"password"}}
	c, _ := setupHostaway(t, srv, ClientCredentialsConfig{Scope: "general", ExtraForm: extra}, nil)
	extra.Set("audience", "changed after construction")

	var out envelope
	_, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, &out)
	require.NoError(t, err)
	assert.Equal(t, "success", out.Status)
	assert.Equal(t, "tok-1", out.Token)

	require.Len(t, srv.forms, 1)
	want := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {testClientID},
		"client_secret": {testClientSecret},
		"scope":         {"general"},
		"audience":      {"api"},
	}
	if diff := cmp.Diff(want, srv.forms[0]); diff != "" {
		t.Errorf("token form (-want +got):\n%s", diff)
	}
	tr := srv.tokReq[0]
	assert.Equal(t, http.MethodPost, tr.Method)
	assert.Equal(t, "application/x-www-form-urlencoded", tr.Header.Get("Content-Type"))
	assert.Empty(t, tr.Header.Get("Authorization"), "the token request carries no bearer token")
	assert.Equal(t, DefaultUserAgent, tr.Header.Get("User-Agent"))

	// The cached token is reused.
	for range 3 {
		_, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), srv.tokenReqs.Load())
}

func TestClientCredentials_concurrent(t *testing.T) {
	t.Parallel()
	srv := newHostaway()
	srv.delay = 50 * time.Millisecond // keep the first fetch in flight while the others arrive
	c, _ := setupHostaway(t, srv, ClientCredentialsConfig{Scope: "general"}, nil)

	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	tokens := make(chan string, n)
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			var out envelope
			_, err := c.Do(context.Background(), Request{Path: "/v1/webhooks/unifiedWebhooks"}, &out)
			errs <- err
			tokens <- out.Token
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	close(tokens)
	for err := range errs {
		require.NoError(t, err)
	}
	for tok := range tokens {
		assert.Equal(t, "tok-1", tok)
	}
	assert.Equal(t, int32(1), srv.tokenReqs.Load(), "concurrent callers share one token request")
	assert.Equal(t, int32(n), srv.apiReqs.Load())
}

func TestClientCredentials_expiry(t *testing.T) {
	t.Parallel()
	srv := newHostaway()
	srv.expiresIn = 3600
	c, cc := setupHostaway(t, srv, ClientCredentialsConfig{}, nil)
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cc.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }

	call := func() string {
		t.Helper()
		var out envelope
		_, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, &out)
		require.NoError(t, err)
		return out.Token
	}
	assert.Equal(t, "tok-1", call())
	advance(58 * time.Minute)
	assert.Equal(t, "tok-1", call(), "still valid")
	advance(time.Minute + time.Second) // inside the minute before expiry
	assert.Equal(t, "tok-2", call(), "renewed shortly before expiry")
	assert.Equal(t, int32(2), srv.tokenReqs.Load())
	assert.Equal(t, int32(3), srv.apiReqs.Load(), "renewal ahead of expiry costs no failed request")
}

func TestClientCredentials_expiresInForms(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		expiresIn any
		wantErr   bool
		wantZero  bool
	}{
		"number":          {expiresIn: 3600},
		"string":          {expiresIn: "3600"},
		"float":           {expiresIn: 3600.5},
		"absent":          {expiresIn: nil, wantZero: true},
		"zero":            {expiresIn: 0, wantZero: true},
		"huge":            {expiresIn: 1e30},
		"negative":        {expiresIn: -1, wantErr: true},
		"not a number":    {expiresIn: "soon", wantErr: true},
		"hostaway 2 year": {expiresIn: 63072000},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := json.Marshal(tt.expiresIn)
			require.NoError(t, err)
			if tt.expiresIn == nil {
				raw = nil
			}
			d, err := parseExpiresIn(raw)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantZero, d == 0)
			assert.GreaterOrEqual(t, d, time.Duration(0))
		})
	}
}

func TestClientCredentials_expired403(t *testing.T) {
	t.Parallel()

	t.Run("renewed and retried once", func(t *testing.T) {
		t.Parallel()
		srv := newHostaway()
		c, _ := setupHostaway(t, srv, ClientCredentialsConfig{}, nil)
		var out envelope
		_, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, &out)
		require.NoError(t, err)
		require.Equal(t, "tok-1", out.Token)

		srv.expireAll() // Hostaway now answers 403 to tok-1
		_, err = c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/v1/webhooks/unifiedWebhooks", Body: map[string]any{"url": "https://x"}}, &out)
		require.NoError(t, err)
		assert.Equal(t, "tok-2", out.Token)
		assert.Equal(t, int32(2), srv.tokenReqs.Load())
		assert.Equal(t, int32(3), srv.apiReqs.Load(), "one failed request, one retry")
	})

	t.Run("persistent 403 surfaces after one retry", func(t *testing.T) {
		t.Parallel()
		var apiReqs, tokenReqs atomic.Int32
		base, _ := setup(t, Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/accessTokens" {
				n := tokenReqs.Add(1)
				writeJSON(w, map[string]any{"access_token": fmt.Sprintf("tok-%d", n), "expires_in": 3600})
				return
			}
			apiReqs.Add(1)
			w.WriteHeader(http.StatusForbidden)
			writeJSON(w, map[string]any{"status": "fail", "message": "reservation is locked"})
		}))
		cc, err := NewClientCredentials(base, ClientCredentialsConfig{TokenURL: "/v1/accessTokens", ClientID: testClientID, ClientSecret: testClientSecret})
		require.NoError(t, err)
		c := base.WithAuth(cc)
		_, err = c.Do(context.Background(), Request{Method: http.MethodPut, Path: "/v1/reservations/1"}, nil)
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
		assert.Equal(t, 2, apiErr.Attempts)
		assert.Equal(t, int32(2), apiReqs.Load(), "exactly one re-authenticated retry")
		assert.Equal(t, int32(2), tokenReqs.Load())
	})
}

func TestClientCredentials_Expired(t *testing.T) {
	t.Parallel()
	c, err := New(Config{BaseURL: "https://example.com"})
	require.NoError(t, err)
	cc, err := NewClientCredentials(c, ClientCredentialsConfig{TokenURL: "/t", ClientID: "id", ClientSecret: "s"})
	require.NoError(t, err)
	cc.token = &accessToken{value: "current"}

	resp := func(status int, auth string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, "https://example.com/x", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return &http.Response{StatusCode: status, Request: req}
	}
	assert.False(t, cc.Expired(nil))
	assert.False(t, cc.Expired(&http.Response{StatusCode: 401}), "no request")
	assert.False(t, cc.Expired(resp(200, "Bearer current")))
	assert.False(t, cc.Expired(resp(404, "Bearer current")))
	assert.False(t, cc.Expired(resp(401, "")), "no token was in use")
	assert.False(t, cc.Expired(resp(403, "Basic abc")), "no bearer token was in use")
	require.NotNil(t, cc.token)

	assert.True(t, cc.Expired(resp(401, "Bearer older")), "a stale token was in use")
	require.NotNil(t, cc.token, "a newer cached token is kept")
	assert.True(t, cc.Expired(resp(403, "Bearer current")))
	assert.Nil(t, cc.token, "the expired token is dropped")
}

func TestClientCredentials_fetchErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		handler http.HandlerFunc
		secret  string
		want    string
	}{
		"invalid client": {
			secret: "wrong-" + testClientSecret,
			want:   "api: client credentials token: api: POST /v1/accessTokens: 401",
		},
		"no access_token": {
			handler: func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, map[string]any{"token_type": "Bearer"}) },
			want:    "no access_token",
		},
		"unsupported token type": {
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, map[string]any{"token_type": "mac", "access_token": "t"})
			},
			want: `unsupported token_type "mac"`,
		},
		"not JSON": {
			handler: func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "<html>") },
			want:    "decode response",
		},
		"bad expires_in": {
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, map[string]any{"access_token": "t", "expires_in": "never"})
			},
			want: "invalid expires_in",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newHostaway()
			var apiReqs atomic.Int32
			var h http.Handler = srv
			if tt.handler != nil {
				h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != "/v1/accessTokens" {
						apiReqs.Add(1)
						return
					}
					tt.handler(w, r)
				})
			}
			base, _ := setup(t, Config{}, h)
			secret := cmpOrString(tt.secret, testClientSecret)
			cc, err := NewClientCredentials(base, ClientCredentialsConfig{TokenURL: "/v1/accessTokens", ClientID: testClientID, ClientSecret: secret})
			require.NoError(t, err)
			c := base.WithAuth(cc)
			_, err = c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "api: GET /v1/listings: authenticate")
			assert.NotContains(t, err.Error(), secret)
			assert.Equal(t, int32(0), apiReqs.Load()+srv.apiReqs.Load(), "no API request without a token")

			// A failed fetch is not cached: the next call tries again.
			_, err = c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
			require.Error(t, err)
		})
	}
}

func cmpOrString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func TestClientCredentials_absoluteTokenURL(t *testing.T) {
	t.Parallel()
	tokens := newHostaway()
	_, tokenSrv := setup(t, Config{}, tokens) // another origin
	api := newHostaway()
	base, _ := setup(t, Config{}, api)
	cc, err := NewClientCredentials(base, ClientCredentialsConfig{
		TokenURL: tokenSrv.URL + "/v1/accessTokens", ClientID: testClientID, ClientSecret: testClientSecret,
	})
	require.NoError(t, err)
	// The API server accepts the tokens the token server issues.
	api.mu.Lock()
	api.valid["tok-1"] = true
	api.mu.Unlock()
	var out envelope
	_, err = base.WithAuth(cc).Do(context.Background(), Request{Path: "/v1/listings"}, &out)
	require.NoError(t, err)
	assert.Equal(t, "tok-1", out.Token)
	assert.Equal(t, int32(1), tokens.tokenReqs.Load())
	assert.Equal(t, int32(0), api.tokenReqs.Load())
}

func TestClientCredentials_leaderCanceled(t *testing.T) {
	t.Parallel()
	var tokenReqs atomic.Int32
	firstArrived := make(chan struct{})
	testDone := make(chan struct{})
	base, _ := setup(t, Config{RetryMax: -1}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/token" {
			writeJSON(w, map[string]any{"token": r.Header.Get("Authorization")})
			return
		}
		io.ReadAll(r.Body) // so that net/http notices when the client goes away
		if tokenReqs.Add(1) == 1 {
			close(firstArrived)
			select { // hang until the leader gives up
			case <-r.Context().Done():
			case <-testDone:
			}
			return
		}
		writeJSON(w, map[string]any{"access_token": "tok-2", "expires_in": 3600})
	}))
	t.Cleanup(func() { close(testDone) })
	cc, err := NewClientCredentials(base, ClientCredentialsConfig{TokenURL: "/token", ClientID: "id", ClientSecret: "s"})
	require.NoError(t, err)
	c := base.WithAuth(cc)

	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := c.Do(leaderCtx, Request{Path: "/x"}, nil)
		leaderErr <- err
	}()
	<-firstArrived

	waiterDone := make(chan struct{})
	var waiterOut struct{ Token string }
	var waiterErr error
	go func() {
		defer close(waiterDone)
		_, waiterErr = c.Do(context.Background(), Request{Path: "/x"}, &waiterOut)
	}()
	time.Sleep(20 * time.Millisecond) // let the waiter queue on the fetch in flight
	cancelLeader()

	require.ErrorIs(t, <-leaderErr, context.Canceled)
	<-waiterDone
	require.NoError(t, waiterErr, "a waiter is not failed by the leader's cancellation")
	assert.Equal(t, "Bearer tok-2", waiterOut.Token)
	assert.Equal(t, int32(2), tokenReqs.Load())
}

func TestClientCredentials_waiterCanceled(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	base, _ := setup(t, Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		writeJSON(w, map[string]any{"access_token": "t", "expires_in": 3600})
	}))
	t.Cleanup(func() { close(release) })
	cc, err := NewClientCredentials(base, ClientCredentialsConfig{TokenURL: "/token", ClientID: "id", ClientSecret: "s"})
	require.NoError(t, err)

	go cc.accessToken(context.Background()) // the leader, blocked on the server
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = cc.accessToken(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded, "a waiter stops waiting when its own context ends")
}

// TestClientCredentials_activationDelay checks that a new token is used by
// no caller before ActivationDelay, against a server that answers 403 (its
// "expired") to an early token, as Hostaway does.
func TestClientCredentials_activationDelay(t *testing.T) {
	t.Parallel()
	const activation = 100 * time.Millisecond

	t.Run("concurrent callers wait for one token", func(t *testing.T) {
		t.Parallel()
		srv := newHostaway()
		srv.activation = activation
		c, _ := setupHostaway(t, srv, ClientCredentialsConfig{ActivationDelay: activation}, nil)
		const n = 20
		var wg sync.WaitGroup
		errs := make(chan error, n)
		start := time.Now()
		for range n {
			wg.Go(func() {
				_, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assert.GreaterOrEqual(t, time.Since(start), activation)
		assert.Equal(t, int32(1), srv.tokenReqs.Load(), "one token for all")
		assert.Equal(t, int32(n), srv.apiReqs.Load(), "no caller used the token early")

		// The delay is paid once: a cached token is used at once.
		start = time.Now()
		_, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
		require.NoError(t, err)
		assert.Less(t, time.Since(start), activation)
	})

	t.Run("without it the new token is refused", func(t *testing.T) {
		t.Parallel()
		srv := newHostaway()
		srv.activation = activation
		c, _ := setupHostaway(t, srv, ClientCredentialsConfig{}, nil)
		_, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
		assert.Equal(t, int32(2), srv.tokenReqs.Load(), "the early 403 threw the first token away")
	})

	t.Run("a caller canceled while waiting leaves the token to the others", func(t *testing.T) {
		t.Parallel()
		srv := newHostaway()
		srv.activation = time.Hour // the server would refuse it: no request may be sent
		// Wide margins: under a loaded -race run a loopback token fetch can
		// take tens of milliseconds, and it must end well before the
		// caller's deadline, which must end well before activation.
		_, cc := setupHostaway(t, srv, ClientCredentialsConfig{ActivationDelay: 3 * time.Second}, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		_, err := cc.Token(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "activation")

		start := time.Now()
		tok, err := cc.Token(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "tok-1", tok.AccessToken, "the fetched token was kept")
		assert.Greater(t, time.Since(start), 500*time.Millisecond, "and is used only once active, 1.5 s on")
		assert.Equal(t, int32(1), srv.tokenReqs.Load())
		assert.Equal(t, int32(0), srv.apiReqs.Load())
	})
}

// TestClientCredentials_InitialToken checks that a saved token is used
// before any fetch, until it expires or the API answers that it expired.
func TestClientCredentials_InitialToken(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		initial    Token
		wantToken  string
		wantFetch  int32
		wantExpiry time.Time
	}{
		"without expiry":      {initial: Token{AccessToken: "saved"}, wantToken: "saved"},
		"valid":               {initial: Token{AccessToken: "saved", Expiry: now.Add(time.Hour)}, wantToken: "saved", wantExpiry: now.Add(time.Hour)},
		"expired":             {initial: Token{AccessToken: "saved", Expiry: now.Add(-time.Hour)}, wantToken: "tok-1", wantFetch: 1, wantExpiry: now.Add(3600 * time.Second)},
		"about to expire":     {initial: Token{AccessToken: "saved", Expiry: now.Add(30 * time.Second)}, wantToken: "tok-1", wantFetch: 1, wantExpiry: now.Add(3600 * time.Second)},
		"expiry but no token": {initial: Token{Expiry: now.Add(time.Hour)}, wantToken: "tok-1", wantFetch: 1, wantExpiry: now.Add(3600 * time.Second)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newHostaway()
			srv.expiresIn = 3600
			srv.valid["saved"] = true
			// An hour's delay shows that a saved token is used at once;
			// where a token is fetched, the fetch is what the case is about.
			delay := time.Hour
			if tt.wantFetch > 0 {
				delay = 0
			}
			c, cc := setupHostaway(t, srv, ClientCredentialsConfig{InitialToken: tt.initial, ActivationDelay: delay}, nil)
			cc.now = func() time.Time { return now }

			var out envelope
			_, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, &out)
			require.NoError(t, err)
			assert.Equal(t, tt.wantToken, out.Token)
			assert.Equal(t, tt.wantFetch, srv.tokenReqs.Load())

			tok, err := cc.Token(context.Background())
			require.NoError(t, err)
			assert.Equal(t, Token{AccessToken: tt.wantToken, Expiry: tt.wantExpiry}, tok)
			assert.Equal(t, tt.wantFetch, srv.tokenReqs.Load(), "Token reads the cached token")
		})
	}

	t.Run("answered expired", func(t *testing.T) {
		t.Parallel()
		srv := newHostaway()
		c, cc := setupHostaway(t, srv, ClientCredentialsConfig{InitialToken: Token{AccessToken: "revoked"}}, nil)
		var out envelope
		resp, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, &out)
		require.NoError(t, err)
		assert.Equal(t, "tok-1", out.Token, "the 403 replaced the saved token")
		assert.Equal(t, 2, resp.Attempts)
		assert.Equal(t, int32(1), srv.tokenReqs.Load())
		tok, err := cc.Token(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "tok-1", tok.AccessToken)
		assert.False(t, tok.Expiry.IsZero())
	})
}

func TestClientCredentials_Token(t *testing.T) {
	t.Parallel()
	issued := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	srv := newHostaway()
	srv.expiresIn = 63072000 // Hostaway's 24 months
	c, cc := setupHostaway(t, srv, ClientCredentialsConfig{}, nil)
	cc.now = func() time.Time { return issued }

	tok, err := cc.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Token{AccessToken: "tok-1", Expiry: issued.Add(63072000 * time.Second)}, tok, "the stated expiry, not the earlier refresh time")
	assert.Equal(t, int32(0), srv.apiReqs.Load())

	_, err = c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(1), srv.tokenReqs.Load(), "Token fetched the token Do then used")

	// A second source seeded with the saved token fetches none.
	srv2 := newHostaway()
	srv2.valid["tok-1"] = true
	c2, cc2 := setupHostaway(t, srv2, ClientCredentialsConfig{InitialToken: tok}, nil)
	cc2.now = func() time.Time { return issued.Add(24 * time.Hour) }
	var out envelope
	_, err = c2.Do(context.Background(), Request{Path: "/v1/listings"}, &out)
	require.NoError(t, err)
	assert.Equal(t, "tok-1", out.Token)
	assert.Equal(t, int32(0), srv2.tokenReqs.Load())

	// A fetch failure is returned, as from Authenticate.
	bad := newHostaway()
	_, cc3 := setupHostaway(t, bad, ClientCredentialsConfig{ClientSecret: "wrong-secret"}, nil)
	_, err = cc3.Token(context.Background())
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.NotContains(t, err.Error(), "wrong-secret")
}

// TestClient_noSecretsInErrorsOrLogs drives every failure path with debug
// logging on and checks that no credential, token or secret query value
// appears in an error text or a log record.
func TestClient_noSecretsInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	const (
		apiKey      = "ak-super-secret-key"
		bearerTok   = "bt-super-secret-token"
		basicPass   = "bp-super-secret-password"
		querySecret = "qs-super-secret-query"
	)
	secrets := []string{apiKey, bearerTok, basicPass, querySecret, testClientSecret, "tok-1", "tok-2",
		// base64 of Basic credentials
		"dXNlcjpicC1zdXBlci1zZWNyZXQtcGFzc3dvcmQ="}

	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errTexts []string
	record := func(err error) {
		if err != nil {
			errTexts = append(errTexts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}

	failing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":"boom"}`)
	})
	for _, auth := range []Authenticator{HeaderKey("user-api-key", apiKey), Bearer(bearerTok), Basic("user", basicPass)} {
		c, _ := setup(t, Config{Auth: auth, Logger: logger, RetryMax: 2}, failing)
		_, err := c.Do(context.Background(), Request{Path: "/v1/accessTokens", Query: url.Values{"token": {querySecret}}}, nil)
		record(err)

		refused, err := New(Config{BaseURL: closedAddr(t), Auth: auth, Logger: logger, RetryMax: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
		require.NoError(t, err)
		_, err = refused.Do(context.Background(), Request{Method: http.MethodDelete, Path: "/v1/accessTokens", Query: url.Values{"token": {querySecret}}}, nil)
		record(err)
	}

	// Client credentials: rejected secret, then an expired token.
	bad := newHostaway()
	c, _ := setupHostaway(t, bad, ClientCredentialsConfig{ClientSecret: testClientSecret + "-x"}, logger)
	_, err := c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
	record(err)
	secrets = append(secrets, testClientSecret+"-x")

	good := newHostaway()
	c, _ = setupHostaway(t, good, ClientCredentialsConfig{}, logger)
	_, err = c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
	require.NoError(t, err)
	good.expireAll()
	_, err = c.Do(context.Background(), Request{Path: "/v1/listings"}, nil)
	require.NoError(t, err)

	out := logs.String()
	require.NotEmpty(t, out, "the scenarios must have logged something")
	require.NotEmpty(t, errTexts)
	for _, s := range secrets {
		assert.NotContains(t, out, s, "log output leaks a secret")
		for _, e := range errTexts {
			assert.NotContains(t, e, s, "error text leaks a secret")
		}
	}
	assert.Contains(t, out, "/v1/accessTokens", "logs name the request")
}
