package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setup starts a loopback httptest server running h and returns a Client for
// it. cfg.BaseURL, when set, is a path appended to the server's URL. Zero
// retry waits are made tiny so that retry tests stay fast.
func setup(t *testing.T, cfg Config, h http.Handler) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL + cfg.BaseURL
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = time.Millisecond
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = 5 * time.Millisecond
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c, srv
}

// counter is an http.Handler that counts requests and answers each with the
// next reply of its script (the last one repeats).
type counter struct {
	mu      sync.Mutex
	n       int
	replies []reply
	bodies  [][]byte
	reqs    []*http.Request
}

type reply struct {
	status int
	header map[string]string
	body   string
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	i := min(c.n, len(c.replies)-1)
	c.n++
	c.bodies = append(c.bodies, body)
	c.reqs = append(c.reqs, r.Clone(context.Background()))
	rep := c.replies[i]
	c.mu.Unlock()
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (c *counter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
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

func TestNew(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		cfg     Config
		wantErr string
	}{
		"empty BaseURL":      {cfg: Config{}, wantErr: "empty BaseURL"},
		"relative BaseURL":   {cfg: Config{BaseURL: "/api/v1"}, wantErr: "http or https"},
		"ftp BaseURL":        {cfg: Config{BaseURL: "ftp://example.com"}, wantErr: "http or https"},
		"no host":            {cfg: Config{BaseURL: "https://"}, wantErr: "no host"},
		"invalid BaseURL":    {cfg: Config{BaseURL: "https://exa mple.com/%zz"}, wantErr: "not a valid URL"},
		"user info":          {cfg: Config{BaseURL: "https://u:secret@example.com"}, wantErr: "user information"},
		"query":              {cfg: Config{BaseURL: "https://example.com/?key=1"}, wantErr: "query or fragment"},
		"negative wait":      {cfg: Config{BaseURL: "https://example.com", RetryWaitMin: -1}, wantErr: "negative"},
		"min above max":      {cfg: Config{BaseURL: "https://example.com", RetryWaitMin: time.Minute, RetryWaitMax: time.Second}, wantErr: "exceeds"},
		"valid":              {cfg: Config{BaseURL: "https://example.com/api/v1"}},
		"valid trailing /":   {cfg: Config{BaseURL: "https://example.com/api/v1/"}},
		"valid with options": {cfg: Config{BaseURL: "http://127.0.0.1:8080", RetryMax: -1, UserAgent: "x"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.cfg)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "secret")
				assert.Nil(t, c)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, c)
		})
	}
}

func TestNew_defaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{BaseURL: "https://example.com"})
	require.NoError(t, err)
	assert.Equal(t, DefaultUserAgent, c.userAgent)
	assert.Equal(t, DefaultRetryMax, c.retryMax)
	assert.Equal(t, DefaultRetryWaitMin, c.retryWaitMin)
	assert.Equal(t, DefaultRetryWaitMax, c.retryWaitMax)
	assert.Equal(t, DefaultRetryAfterMax, c.retryAfterMax)
	assert.Equal(t, DefaultTimeout, c.httpClient.Timeout)
	assert.NotSame(t, http.DefaultClient, c.httpClient)
	assert.NotNil(t, c.httpClient.CheckRedirect)
	assert.Nil(t, c.logger)

	noRetry, err := New(Config{BaseURL: "https://example.com", RetryMax: -1})
	require.NoError(t, err)
	assert.Equal(t, 0, noRetry.retryMax)
}

func TestNew_httpClientNotModified(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Timeout: 7 * time.Second}
	c, err := New(Config{BaseURL: "https://example.com", HTTPClient: hc})
	require.NoError(t, err)
	assert.Nil(t, hc.CheckRedirect, "the caller's client must not be modified")
	assert.NotSame(t, hc, c.httpClient)
	assert.Equal(t, 7*time.Second, c.httpClient.Timeout)
}

type webhook struct {
	ID       string   `json:"id,omitempty"`
	URL      string   `json:"callback_url"`
	Events   []string `json:"event_mask"`
	IsActive bool     `json:"is_active"`
}

func TestClient_Do_jsonRoundTrip(t *testing.T) {
	t.Parallel()
	var got struct {
		method, path, contentType, accept, userAgent string
		body                                         webhook
	}
	c, _ := setup(t, Config{BaseURL: "/api/v1"}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path = r.Method, r.URL.Path
		got.contentType, got.accept, got.userAgent = r.Header.Get("Content-Type"), r.Header.Get("Accept"), r.Header.Get("User-Agent")
		var in struct {
			Webhook *webhook `json:"webhook"`
		}
		in.Webhook = &got.body
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		created := got.body
		created.ID = "wh_1"
		json.NewEncoder(w).Encode(map[string]any{"data": created})
	}))

	in := webhook{URL: "https://example.com/hook", Events: []string{"booking"}, IsActive: true}
	var out struct {
		Data webhook `json:"data"`
	}
	resp, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/webhooks", Body: map[string]any{"webhook": in}}, &out)
	require.NoError(t, err)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, http.MethodPost, got.method)
	assert.Equal(t, "/api/v1/webhooks", got.path)
	assert.Equal(t, "application/json", got.contentType)
	assert.Equal(t, "application/json", got.accept)
	assert.Equal(t, DefaultUserAgent, got.userAgent)
	want := in
	want.ID = "wh_1"
	if diff := cmp.Diff(want, out.Data); diff != "" {
		t.Errorf("decoded response mismatch (-want +got):\n%s", diff)
	}
	assert.Contains(t, string(resp.Body), `"wh_1"`)
}

func TestClient_Do_form(t *testing.T) {
	t.Parallel()
	h := &counter{replies: []reply{{status: http.StatusOK, body: `{"ok":true}`}}}
	c, _ := setup(t, Config{}, h)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"general"}}
	var out struct{ OK bool }
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/v1/accessTokens", Form: form}, &out)
	require.NoError(t, err)
	assert.True(t, out.OK)
	require.Equal(t, 1, h.count())
	assert.Equal(t, "application/x-www-form-urlencoded", h.reqs[0].Header.Get("Content-Type"))
	got, err := url.ParseQuery(string(h.bodies[0]))
	require.NoError(t, err)
	if diff := cmp.Diff(form, got); diff != "" {
		t.Errorf("form mismatch (-want +got):\n%s", diff)
	}
}

func TestClient_Do_bodyAndForm(t *testing.T) {
	t.Parallel()
	h := &counter{replies: []reply{{status: http.StatusOK}}}
	c, _ := setup(t, Config{}, h)
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/x", Body: 1, Form: url.Values{}}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "both Body and Form")
	assert.Equal(t, 0, h.count())
}

func TestClient_Do_paths(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		base      string // appended to the server URL
		path      string
		query     url.Values
		wantPath  string
		wantQuery url.Values
	}{
		"base prefix kept":       {base: "/api/v1", path: "/webhooks", wantPath: "/api/v1/webhooks"},
		"base with slash":        {base: "/api/v1/", path: "/webhooks", wantPath: "/api/v1/webhooks"},
		"relative without slash": {base: "/api/v1", path: "webhooks", wantPath: "/api/v1/webhooks"},
		"trailing slash kept":    {path: "/v1/webhooks/", wantPath: "/v1/webhooks/"},
		"prefix and trailing":    {base: "/api", path: "/v1/webhooks/", wantPath: "/api/v1/webhooks/"},
		"empty path is base":     {base: "/api/v1", path: "", wantPath: "/api/v1"},
		"escaped segment":        {path: "/webhooks/a%2Fb", wantPath: "/webhooks/a/b"},
		"query values": {
			path: "/webhooks", query: url.Values{"pagination[page]": {"2"}, "pagination[limit]": {"100"}},
			wantPath: "/webhooks", wantQuery: url.Values{"pagination[page]": {"2"}, "pagination[limit]": {"100"}},
		},
		"query in path merged": {
			path: "/v2/bookings?offset=20&limit=20", query: url.Values{"limit": {"50"}},
			wantPath: "/v2/bookings", wantQuery: url.Values{"offset": {"20"}, "limit": {"50"}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := &counter{replies: []reply{{status: http.StatusNoContent}}}
			c, _ := setup(t, Config{BaseURL: tt.base}, h)
			_, err := c.Do(context.Background(), Request{Path: tt.path, Query: tt.query}, nil)
			require.NoError(t, err)
			require.Equal(t, 1, h.count())
			assert.Equal(t, tt.wantPath, h.reqs[0].URL.Path)
			gotQuery := h.reqs[0].URL.Query()
			if len(tt.wantQuery) == 0 {
				assert.Empty(t, gotQuery)
			} else if diff := cmp.Diff(tt.wantQuery, gotQuery); diff != "" {
				t.Errorf("query mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClient_Do_escapedPathKept(t *testing.T) {
	t.Parallel()
	var rawPath string
	c, _ := setup(t, Config{BaseURL: "/api"}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rawPath = r.URL.EscapedPath()
	}))
	_, err := c.Do(context.Background(), Request{Path: "/webhooks/" + url.PathEscape("a/b c") + "/"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "/api/webhooks/a%2Fb%20c/", rawPath)
}

func TestClient_Do_absoluteURL(t *testing.T) {
	t.Parallel()
	h := &counter{replies: []reply{{status: http.StatusOK, body: `{}`}}}
	c, srv := setup(t, Config{BaseURL: "/api", Auth: Bearer("tok-secret")}, h)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)

	t.Run("same origin", func(t *testing.T) {
		_, err := c.Do(context.Background(), Request{Path: srv.URL + "/v2/bookings?offset=20"}, nil)
		require.NoError(t, err)
		require.Equal(t, 1, h.count())
		assert.Equal(t, "/v2/bookings", h.reqs[0].URL.Path, "an absolute URL is used as is, without the base path")
		assert.Equal(t, "20", h.reqs[0].URL.Query().Get("offset"))
		assert.Equal(t, "Bearer tok-secret", h.reqs[0].Header.Get("Authorization"))
	})

	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("a request reached another host")
	}))
	t.Cleanup(other.Close)
	refused := map[string]string{
		"other host":       other.URL + "/steal",
		"other port":       "http://" + u.Hostname() + ":1/steal",
		"other scheme":     "https://" + u.Host + "/steal",
		"scheme-relative":  "//" + strings.TrimPrefix(other.URL, "http://") + "/steal",
		"other host name":  "http://localhost:" + u.Port() + "/steal",
		"user information": "http://user:pw@" + u.Host + "/steal",
	}
	for name, path := range refused {
		t.Run(name, func(t *testing.T) {
			before := h.count()
			resp, err := c.Do(context.Background(), Request{Path: path}, nil)
			require.Error(t, err)
			assert.Nil(t, resp)
			assert.Equal(t, before, h.count())
			assert.NotContains(t, err.Error(), "tok-secret")
			assert.NotContains(t, err.Error(), "pw")
		})
	}
	_, err = c.Do(context.Background(), Request{Path: other.URL + "/x"}, nil)
	require.ErrorIs(t, err, ErrForeignURL)
}

func TestClient_Do_redirect(t *testing.T) {
	t.Parallel()
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { otherHits.Add(1) }))
	t.Cleanup(other.Close)

	var hits atomic.Int32
	var finalKey string
	c, _ := setup(t, Config{Auth: HeaderKey("user-api-key", "key-secret")}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/final":
			finalKey = r.Header.Get("user-api-key")
			io.WriteString(w, `{"ok":true}`)
		case "/away":
			http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
		}
	}))

	var out struct{ OK bool }
	_, err := c.Do(context.Background(), Request{Path: "/moved"}, &out)
	require.NoError(t, err)
	assert.True(t, out.OK)
	assert.Equal(t, "key-secret", finalKey, "same-origin redirects keep credentials")

	hits.Store(0)
	_, err = c.Do(context.Background(), Request{Path: "/away"}, nil)
	require.ErrorIs(t, err, ErrForeignURL)
	assert.Equal(t, int32(0), otherHits.Load(), "credentials must not follow a redirect to another host")
	assert.Equal(t, int32(1), hits.Load(), "a refused redirect is not retried")
	assert.NotContains(t, err.Error(), "key-secret")
}

func TestClient_Do_redirectLoop(t *testing.T) {
	t.Parallel()
	c, _ := setup(t, Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	_, err := c.Do(context.Background(), Request{Path: "/loop"}, nil)
	require.ErrorIs(t, err, ErrTooManyRedirects)
}

func TestClient_Do_headers(t *testing.T) {
	t.Parallel()
	h := &counter{replies: []reply{{status: http.StatusOK}}}
	c, _ := setup(t, Config{
		UserAgent: "my-app/1.0",
		Header:    http.Header{"X-Tenant": {"t1"}, "X-Shared": {"config"}},
		Auth:      Bearer("tok"),
	}, h)
	_, err := c.Do(context.Background(), Request{Path: "/x", Header: http.Header{
		"x-shared":      {"request"},
		"Authorization": {"Bearer forged"},
	}}, nil)
	require.NoError(t, err)
	got := h.reqs[0].Header
	assert.Equal(t, "my-app/1.0", got.Get("User-Agent"))
	assert.Equal(t, "t1", got.Get("X-Tenant"))
	assert.Equal(t, []string{"request"}, got.Values("X-Shared"), "Request.Header overrides Config.Header")
	assert.Equal(t, "Bearer tok", got.Get("Authorization"), "Auth wins over Request.Header")
	assert.Empty(t, got.Get("Content-Type"), "no body, no Content-Type")
}

func TestClient_Do_apiErrors(t *testing.T) {
	t.Parallel()
	channexDecoder := func(resp *http.Response, body []byte) error {
		var env struct {
			Errors struct {
				Code    string          `json:"code"`
				Title   string          `json:"title"`
				Details json.RawMessage `json:"details"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return &Error{Err: fmt.Errorf("decode error envelope: %w", err)}
		}
		return &Error{Code: env.Errors.Code, Message: env.Errors.Title, Details: env.Errors.Details}
	}
	tests := map[string]struct {
		decoder   ErrorDecoder
		status    int
		body      string
		want      Error // Header and Err are checked apart
		wantText  string
		wantCause bool
	}{
		"default decoder": {
			status:   http.StatusNotFound,
			body:     `{"errors":{"code":"resource_not_found","title":"Resource Not Found"}}`,
			want:     Error{StatusCode: 404, Body: []byte(`{"errors":{"code":"resource_not_found","title":"Resource Not Found"}}`), Method: "POST", Attempts: 1},
			wantText: "api: POST /api/v1/webhooks: 404 Not Found",
		},
		"provider decoder with object details": {
			decoder: channexDecoder,
			status:  http.StatusUnprocessableEntity,
			body:    `{"errors":{"code":"validation_error","title":"Validation Error","details":{"callback_url":["can't be blank"]}}}`,
			want: Error{
				StatusCode: 422, Code: "validation_error", Message: "Validation Error",
				Details: json.RawMessage(`{"callback_url":["can't be blank"]}`),
				Body:    []byte(`{"errors":{"code":"validation_error","title":"Validation Error","details":{"callback_url":["can't be blank"]}}}`),
				Method:  "POST", Attempts: 1,
			},
			wantText: "api: POST /api/v1/webhooks: 422 validation_error: Validation Error",
		},
		"provider decoder with array details": {
			decoder: channexDecoder,
			status:  http.StatusBadRequest,
			body:    `{"errors":{"code":"bad_request","title":"Bad Request","details":["x","y"]}}`,
			want: Error{
				StatusCode: 400, Code: "bad_request", Message: "Bad Request", Details: json.RawMessage(`["x","y"]`),
				Body: []byte(`{"errors":{"code":"bad_request","title":"Bad Request","details":["x","y"]}}`), Method: "POST", Attempts: 1,
			},
			wantText: "api: POST /api/v1/webhooks: 400 bad_request: Bad Request",
		},
		"undecodable envelope": {
			decoder:   channexDecoder,
			status:    http.StatusBadGateway,
			body:      `<html>bad gateway</html>`,
			want:      Error{StatusCode: 502, Body: []byte(`<html>bad gateway</html>`), Method: "POST", Attempts: 1},
			wantText:  "api: POST /api/v1/webhooks: 502 Bad Gateway: decode error envelope",
			wantCause: true,
		},
		"decoder returns a plain error": {
			decoder:   func(*http.Response, []byte) error { return errors.New("plain") },
			status:    http.StatusConflict,
			body:      `{}`,
			want:      Error{StatusCode: 409, Body: []byte(`{}`), Method: "POST", Attempts: 1},
			wantText:  "api: POST /api/v1/webhooks: 409 Conflict: plain",
			wantCause: true,
		},
		"decoder returns nil": {
			decoder:  func(*http.Response, []byte) error { return nil },
			status:   http.StatusTeapot,
			want:     Error{StatusCode: 418, Body: []byte{}, Method: "POST", Attempts: 1},
			wantText: "api: POST /api/v1/webhooks: 418 I'm a teapot",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := &counter{replies: []reply{{status: tt.status, body: tt.body, header: map[string]string{"X-Request-Id": "r1"}}}}
			c, srv := setup(t, Config{BaseURL: "/api/v1", DecodeError: tt.decoder, RetryMax: -1}, h)
			resp, err := c.Do(context.Background(), Request{
				Method: http.MethodPost, Path: "/webhooks", Query: url.Values{"token": {"query-secret"}}, Body: map[string]string{"a": "b"},
			}, &struct{}{})
			require.Error(t, err)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			require.NotNil(t, resp, "the response is returned with an API error")
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.body, string(resp.Body))

			want := tt.want
			want.URL = srv.URL + "/api/v1/webhooks"
			if diff := cmp.Diff(want, *apiErr, cmp.FilterPath(func(p cmp.Path) bool {
				f := p.Last().String()
				return f == ".Header" || f == ".Err"
			}, cmp.Ignore())); diff != "" {
				t.Errorf("*Error mismatch (-want +got):\n%s", diff)
			}
			assert.Equal(t, "r1", apiErr.Header.Get("X-Request-Id"))
			assert.Equal(t, tt.wantCause, apiErr.Err != nil)
			assert.True(t, strings.HasPrefix(err.Error(), tt.wantText), "error text %q", err.Error())
			assert.NotContains(t, err.Error(), "query-secret")
			if tt.body != "" && tt.body != "{}" {
				assert.NotContains(t, err.Error(), tt.body, "the body is never in the error text")
			}
		})
	}
}

// secretUnmarshaler fails the way a lenient type may: quoting its input.
type secretUnmarshaler struct{}

func (*secretUnmarshaler) UnmarshalJSON(b []byte) error {
	return fmt.Errorf("bad value %s", b)
}

func TestClient_Do_decodeResponse(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		status  int
		body    string
		out     any
		wantErr string // the whole error text; "" for none
	}{
		"invalid JSON":         {status: 200, body: `{"id":`, out: &webhook{}, wantErr: "api: PUT /webhooks/1: decode response: invalid JSON (at byte 6)"},
		"invalid character":    {status: 200, body: `<html>s3cr3t`, out: &webhook{}, wantErr: "api: PUT /webhooks/1: decode response: invalid JSON (at byte 1)"},
		"wrong type":           {status: 200, body: `{"is_active":"s3cr3t"}`, out: &webhook{}, wantErr: `api: PUT /webhooks/1: decode response: field "is_active" of type bool cannot hold a JSON string (at byte 21)`},
		"number not quoted":    {status: 200, body: `{"id":12345.678}`, out: &webhook{}, wantErr: `api: PUT /webhooks/1: decode response: field "id" of type string cannot hold a JSON number (at byte 15)`},
		"wrong top level":      {status: 200, body: `[1]`, out: &webhook{}, wantErr: "api: PUT /webhooks/1: decode response: a JSON array cannot be decoded into api.webhook (at byte 1)"},
		"unmarshaler fails":    {status: 200, body: `{"x":"s3cr3t"}`, out: &struct{ X secretUnmarshaler }{}, wantErr: "api: PUT /webhooks/1: decode response: a JSON value is not valid for its Go type"},
		"out not a pointer":    {status: 200, body: `{}`, out: webhook{}, wantErr: "api: PUT /webhooks/1: decode response: json: Unmarshal(non-pointer api.webhook)"},
		"204 with out":         {status: 204, out: &webhook{}},
		"empty 200 with out":   {status: 200, out: &webhook{}},
		"blank 200 with out":   {status: 200, body: " \n", out: &webhook{}},
		"nil out ignores body": {status: 200, body: `not json`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, srv := setup(t, Config{}, &counter{replies: []reply{{status: tt.status, body: tt.body}}})
			resp, err := c.Do(context.Background(), Request{Method: http.MethodPut, Path: "/webhooks/1", Query: url.Values{"q": {"s3cr3t"}}}, tt.out)
			require.NotNil(t, resp)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.wantErr, err.Error())
			assert.NotContains(t, err.Error(), "s3cr3t", "the body is never quoted")
			assert.NotContains(t, err.Error(), "12345", "the body is never quoted")
			var de *DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, http.MethodPut, de.Method)
			assert.Equal(t, srv.URL+"/webhooks/1", de.URL)
			require.Error(t, de.Err, "the encoding/json error stays reachable")
			var apiErr *Error
			assert.False(t, errors.As(err, &apiErr), "a 2xx decode failure is not an API error")
		})
	}
}

func TestClient_Do_bodyTooLarge(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("a"), MaxResponseBody+1)
	tests := map[string]int{"success": http.StatusOK, "api error": http.StatusBadRequest}
	for name, status := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, _ := setup(t, Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(status)
				w.Write(big)
			}))
			resp, err := c.Do(context.Background(), Request{Path: "/big"}, &struct{}{})
			require.ErrorIs(t, err, ErrBodyTooLarge)
			require.NotNil(t, resp)
			assert.Len(t, resp.Body, MaxResponseBody)
			if status != http.StatusOK {
				var apiErr *Error
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.StatusCode)
			}
		})
	}
}

func TestClient_Do_responseHeaders(t *testing.T) {
	t.Parallel()
	c, _ := setup(t, Config{}, &counter{replies: []reply{{
		status: http.StatusOK, body: `{"results":[]}`,
		header: map[string]string{"x-ratelimit-limit": "100", "x-ratelimit-remaining": "99"},
	}}})
	resp, err := c.Do(context.Background(), Request{Path: "/v1/webhooks/"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "100", resp.Header.Get("X-Ratelimit-Limit"))
	assert.Equal(t, "99", resp.Header.Get("X-Ratelimit-Remaining"))
}

func TestClient_WithAuth(t *testing.T) {
	t.Parallel()
	h := &counter{replies: []reply{{status: http.StatusOK}}}
	base, _ := setup(t, Config{Auth: Bearer("first")}, h)
	other := base.WithAuth(Bearer("second"))
	none := base.WithAuth(nil)

	for _, c := range []*Client{base, other, none} {
		_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, "Bearer first", h.reqs[0].Header.Get("Authorization"))
	assert.Equal(t, "Bearer second", h.reqs[1].Header.Get("Authorization"))
	assert.Empty(t, h.reqs[2].Header.Get("Authorization"))
}
