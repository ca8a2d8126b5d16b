package api

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultRetryPolicy(t *testing.T) {
	t.Parallel()
	dialErr := &url.Error{Op: "Post", URL: "http://h/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	readErr := &url.Error{Op: "Post", URL: "http://h/x", Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}
	eofErr := &url.Error{Op: "Post", URL: "http://h/x", Err: io.EOF}
	certErr := &url.Error{Op: "Get", URL: "https://h/x", Err: x509.UnknownAuthorityError{}}
	redirectErr := &url.Error{Op: "Get", URL: "http://h/x", Err: ErrForeignURL}

	tests := []struct {
		name   string
		method string
		status int // 0: transport error err
		err    error
		want   bool
	}{
		{"GET 500", http.MethodGet, 500, nil, true},
		{"GET 502", http.MethodGet, 502, nil, true},
		{"GET 503", http.MethodGet, 503, nil, true},
		{"GET 501", http.MethodGet, 501, nil, false},
		{"GET 429", http.MethodGet, 429, nil, true},
		{"GET 200", http.MethodGet, 200, nil, false},
		{"GET 404", http.MethodGet, 404, nil, false},
		{"GET 403", http.MethodGet, 403, nil, false},
		{"HEAD 500", http.MethodHead, 500, nil, true},
		{"PUT 500", http.MethodPut, 500, nil, true},
		{"DELETE 504", http.MethodDelete, 504, nil, true},
		{"OPTIONS 500", http.MethodOptions, 500, nil, true},
		{"POST 500", http.MethodPost, 500, nil, false},
		{"POST 503", http.MethodPost, 503, nil, false},
		{"POST 429", http.MethodPost, 429, nil, true},
		{"PATCH 500", http.MethodPatch, 500, nil, false},
		{"PATCH 429", http.MethodPatch, 429, nil, true},
		{"GET dial error", http.MethodGet, 0, dialErr, true},
		{"GET read error", http.MethodGet, 0, readErr, true},
		{"GET EOF", http.MethodGet, 0, eofErr, true},
		{"POST dial error", http.MethodPost, 0, dialErr, true},
		{"POST read error", http.MethodPost, 0, readErr, false},
		{"POST EOF", http.MethodPost, 0, eofErr, false},
		{"PATCH dial error", http.MethodPatch, 0, dialErr, true},
		{"GET bad certificate", http.MethodGet, 0, certErr, false},
		{"GET foreign redirect", http.MethodGet, 0, redirectErr, false},
		{"POST foreign redirect", http.MethodPost, 0, redirectErr, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tt.method, "http://h/x", nil)
			require.NoError(t, err)
			var resp *http.Response
			if tt.err == nil {
				resp = &http.Response{StatusCode: tt.status, Request: req, Header: http.Header{}}
			}
			got, err := DefaultRetryPolicy(context.Background(), req, resp, tt.err)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("done context", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req, _ := http.NewRequest(http.MethodGet, "http://h/x", nil)
		got, err := DefaultRetryPolicy(ctx, req, nil, dialErr)
		assert.False(t, got)
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	const minWait, maxWait = 100 * time.Millisecond, 2 * time.Second
	for attempt := range 12 {
		ceiling := min(maxWait, minWait<<(attempt+1))
		for range 50 {
			d := DefaultBackoff(minWait, maxWait, attempt, nil)
			require.GreaterOrEqual(t, d, minWait, "attempt %d", attempt)
			require.LessOrEqual(t, d, ceiling, "attempt %d", attempt)
		}
	}
	assert.Equal(t, time.Second, DefaultBackoff(time.Second, time.Second, 3, nil), "min == max")
	assert.Equal(t, time.Duration(0), DefaultBackoff(0, time.Second, 3, nil), "zero min")
	assert.LessOrEqual(t, DefaultBackoff(time.Second, 1<<62, 1000, nil), time.Duration(1<<62), "no overflow")

	// Jitter: the waits for one attempt are not all equal.
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[DefaultBackoff(minWait, maxWait, 2, nil)] = true
	}
	assert.Greater(t, len(seen), 1, "backoff must be jittered")
}

func TestClient_Do_retry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		replies    []reply
		wantCount  int
		wantStatus int // status of the final response
	}{
		{"GET retried on 500", http.MethodGet, []reply{{status: 500}}, 3, 500},
		{"GET retried on 429", http.MethodGet, []reply{{status: 429}}, 3, 429},
		{"GET retried on 503 until 200", http.MethodGet, []reply{{status: 503}, {status: 200, body: `{}`}}, 2, 200},
		{"GET not retried on 501", http.MethodGet, []reply{{status: 501}}, 1, 501},
		{"GET not retried on 404", http.MethodGet, []reply{{status: 404}}, 1, 404},
		{"PUT retried on 502", http.MethodPut, []reply{{status: 502}}, 3, 502},
		{"DELETE retried on 500", http.MethodDelete, []reply{{status: 500}}, 3, 500},
		{"POST not retried on 500", http.MethodPost, []reply{{status: 500}}, 1, 500},
		{"POST not retried on 503", http.MethodPost, []reply{{status: 503}}, 1, 503},
		{"PATCH not retried on 502", http.MethodPatch, []reply{{status: 502}}, 1, 502},
		{"POST retried on 429", http.MethodPost, []reply{{status: 429}}, 3, 429},
		{"POST retried on 429 until 201", http.MethodPost, []reply{{status: 429}, {status: 201, body: `{}`}}, 2, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &counter{replies: tt.replies}
			c, _ := setup(t, Config{RetryMax: 2}, h)
			var body any
			if tt.method != http.MethodGet && tt.method != http.MethodDelete {
				body = map[string]string{"url": "https://example.com/hook"}
			}
			resp, err := c.Do(context.Background(), Request{Method: tt.method, Path: "/webhooks", Body: body}, nil)
			assert.Equal(t, tt.wantCount, h.count())
			require.NotNil(t, resp)
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			assert.Equal(t, tt.wantCount, resp.Attempts, "Response.Attempts")
			if tt.wantStatus < 300 {
				require.NoError(t, err)
			} else {
				var apiErr *Error
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantCount, apiErr.Attempts)
			}
			// Every attempt carried the same body: it is replayed.
			for i, b := range h.bodies {
				assert.Equal(t, string(h.bodies[0]), string(b), "body of attempt %d", i+1)
			}
			if body != nil {
				assert.JSONEq(t, `{"url":"https://example.com/hook"}`, string(h.bodies[0]))
			}
		})
	}
}

func TestClient_Do_retriesExhausted(t *testing.T) {
	t.Parallel()
	h := &counter{replies: []reply{{status: 503, body: `{"status":"fail","message":"maintenance"}`, header: map[string]string{"X-Trace": "t"}}}}
	c, _ := setup(t, Config{RetryMax: 3}, h)
	resp, err := c.Do(context.Background(), Request{Path: "/v1/webhooks/unifiedWebhooks"}, &struct{}{})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 4, h.count())
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, `{"status":"fail","message":"maintenance"}`, string(apiErr.Body))
	assert.Equal(t, "t", apiErr.Header.Get("X-Trace"))
	assert.Equal(t, 4, apiErr.Attempts)
	assert.Contains(t, err.Error(), "after 4 attempts")
	assert.True(t, apiErr.Temporary())
	require.NotNil(t, resp)
	assert.Equal(t, 503, resp.StatusCode)
}

func TestClient_Do_retryDisabled(t *testing.T) {
	t.Parallel()
	h := &counter{replies: []reply{{status: 500}}}
	c, _ := setup(t, Config{RetryMax: -1}, h)
	_, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 1, h.count())
	assert.Equal(t, 1, apiErr.Attempts)
	assert.NotContains(t, err.Error(), "attempts")
}

// resetServer accepts connections, reads each request's headers and then
// resets the connection, so the request may have reached the server but no
// response comes back. It returns its base URL and a count of connections.
func resetServer(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conn.Close()
				http.ReadRequest(bufio.NewReader(conn))
				if tc, ok := conn.(*net.TCPConn); ok {
					tc.SetLinger(0) // close with RST
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String(), &conns
}

func TestClient_Do_retryConnectionReset(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		method    string
		wantConns int32
	}{
		{"GET retried", http.MethodGet, 3},
		{"DELETE retried", http.MethodDelete, 3},
		{"POST not retried", http.MethodPost, 1},
		{"PATCH not retried", http.MethodPatch, 1},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base, conns := resetServer(t)
			c, err := New(Config{BaseURL: base, RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
			require.NoError(t, err)
			var body any
			if tt.method == http.MethodPost || tt.method == http.MethodPatch {
				body = map[string]int{"n": 1}
			}
			resp, err := c.Do(context.Background(), Request{Method: tt.method, Path: "/webhooks", Body: body}, nil)
			require.Error(t, err)
			assert.Nil(t, resp)
			assert.Equal(t, tt.wantConns, conns.Load())
			var apiErr *Error
			assert.False(t, errors.As(err, &apiErr), "no response, no API error")
			if tt.wantConns > 1 {
				assert.Contains(t, err.Error(), fmt.Sprintf("giving up after %d attempts", tt.wantConns))
			}
		})
	}
}

// closedAddr returns the URL of a loopback port with nothing listening.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

func TestClient_Do_retryConnectionRefused(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			var dials atomic.Int32
			hc := &http.Client{Transport: &http.Transport{
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					dials.Add(1)
					var d net.Dialer
					return d.DialContext(ctx, network, addr)
				},
			}}
			c, err := New(Config{BaseURL: closedAddr(t), HTTPClient: hc, RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
			require.NoError(t, err)
			_, err = c.Do(context.Background(), Request{Method: method, Path: "/webhooks", Body: map[string]int{"n": 1}}, nil)
			require.Error(t, err)
			assert.Equal(t, int32(3), dials.Load(), "a request that never connected is retried, even a POST")
			var opErr *net.OpError
			require.ErrorAs(t, err, &opErr)
			assert.Equal(t, "dial", opErr.Op)
			assert.Contains(t, err.Error(), "giving up after 3 attempts")
		})
	}
}

func TestClient_wait(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c, err := New(Config{BaseURL: "https://example.com", RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, RetryAfterMax: time.Minute})
	require.NoError(t, err)
	c.now = func() time.Time { return now }

	tests := map[string]struct {
		status     int
		retryAfter string
		want       time.Duration
	}{
		"429 seconds":         {429, "7", 7 * time.Second},
		"503 seconds":         {503, "2", 2 * time.Second},
		"429 zero":            {429, "0", 0},
		"429 HTTP date":       {429, now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		"503 past date":       {503, now.Add(-time.Hour).Format(http.TimeFormat), 0},
		"429 malformed":       {429, "soon", time.Millisecond},
		"429 negative":        {429, "-5", time.Millisecond},
		"429 no header":       {429, "", time.Millisecond},
		"500 ignores header":  {500, "9", time.Millisecond},
		"429 capped for safe": {429, "3600", time.Minute},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			if tt.retryAfter != "" {
				resp.Header.Set("Retry-After", tt.retryAfter)
			}
			assert.Equal(t, tt.want, c.wait(c.retryWaitMin, c.retryWaitMax, 0, resp))
		})
	}
}

func TestClient_Do_retryAfter(t *testing.T) {
	t.Parallel()

	t.Run("honoured over backoff", func(t *testing.T) {
		t.Parallel()
		// Backoff alone would wait an hour; Retry-After: 0 retries at once.
		h := &counter{replies: []reply{{status: 429, header: map[string]string{"Retry-After": "0"}}, {status: 200, body: `{}`}}}
		c, _ := setup(t, Config{RetryWaitMin: time.Hour, RetryWaitMax: time.Hour}, h)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/x"}, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, h.count())
	})

	t.Run("date form honoured", func(t *testing.T) {
		t.Parallel()
		past := time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat)
		h := &counter{replies: []reply{{status: 503, header: map[string]string{"Retry-After": past}}, {status: 200}}}
		c, _ := setup(t, Config{RetryWaitMin: time.Hour, RetryWaitMax: time.Hour}, h)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := c.Do(ctx, Request{Path: "/x"}, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, h.count())
	})

	for name, status := range map[string]int{"429 over cap": 429, "503 over cap": 503} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := &counter{replies: []reply{{status: status, header: map[string]string{"Retry-After": "120"}, body: `{"message":"slow down"}`}}}
			c, _ := setup(t, Config{RetryAfterMax: time.Second}, h)
			start := time.Now()
			resp, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
			assert.Less(t, time.Since(start), 5*time.Second, "must not sleep past the cap")
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 1, h.count(), "a Retry-After over the cap stops the retries")
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Equal(t, `{"message":"slow down"}`, string(apiErr.Body))
			d, ok := apiErr.RetryAfter()
			assert.True(t, ok)
			assert.Equal(t, 120*time.Second, d)
			assert.Equal(t, status, resp.StatusCode)
		})
	}
}

func TestClient_Do_cancelDuringBackoff(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		method string
		reply  reply
	}{
		"GET 500 backoff":        {http.MethodGet, reply{status: 500}},
		"POST 429 Retry-After":   {http.MethodPost, reply{status: 429, header: map[string]string{"Retry-After": "50"}}},
		"DELETE 503 Retry-After": {http.MethodDelete, reply{status: 503, header: map[string]string{"Retry-After": "50"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			h := &counter{replies: []reply{tt.reply}}
			first := make(chan struct{})
			var once atomic.Bool
			c, _ := setup(t, Config{RetryWaitMin: time.Hour, RetryWaitMax: time.Hour}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h.ServeHTTP(w, r)
				if once.CompareAndSwap(false, true) {
					close(first)
				}
			}))
			go func() {
				<-first
				time.Sleep(20 * time.Millisecond) // let Do enter its backoff
				cancel()
			}()
			start := time.Now()
			resp, err := c.Do(ctx, Request{Method: tt.method, Path: "/x"}, nil)
			assert.Less(t, time.Since(start), 5*time.Second)
			require.ErrorIs(t, err, context.Canceled)
			assert.Nil(t, resp)
			assert.Equal(t, 1, h.count())
			assert.Contains(t, err.Error(), "api: "+tt.method+" /x")
		})
	}

	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		h := &counter{replies: []reply{{status: 500}}}
		c, _ := setup(t, Config{RetryWaitMin: time.Hour, RetryWaitMax: time.Hour}, h)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.Do(ctx, Request{Path: "/x"}, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})

	t.Run("canceled before send", func(t *testing.T) {
		t.Parallel()
		h := &counter{replies: []reply{{status: 200}}}
		c, _ := setup(t, Config{}, h)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Do(ctx, Request{Path: "/x"}, nil)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 0, h.count())
	})
}

func TestClient_Do_customPolicies(t *testing.T) {
	t.Parallel()
	var policyCalls, backoffCalls atomic.Int32
	h := &counter{replies: []reply{{status: 500}}}
	c, _ := setup(t, Config{
		RetryMax: 2,
		CheckRetry: func(ctx context.Context, req *http.Request, resp *http.Response, err error) (bool, error) {
			policyCalls.Add(1)
			// Retry a POST on 500 too: the caller's choice, not the default.
			return resp != nil && resp.StatusCode == 500, nil
		},
		Backoff: func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
			backoffCalls.Add(1)
			return time.Millisecond
		},
	}, h)
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/x"}, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 3, h.count())
	assert.Equal(t, int32(3), policyCalls.Load())
	assert.Equal(t, int32(2), backoffCalls.Load())

	stop := errors.New("stop")
	c2, _ := setup(t, Config{CheckRetry: func(context.Context, *http.Request, *http.Response, error) (bool, error) {
		return false, stop
	}}, &counter{replies: []reply{{status: 500}}})
	_, err = c2.Do(context.Background(), Request{Path: "/x"}, nil)
	require.ErrorIs(t, err, stop)
}

// TestClient_Do_redirectNotRetried checks that a request that is not
// idempotent is sent once when the server answered it with a redirect,
// whatever the redirected request then got: a retry would resend the
// caller's POST, which the server already received.
func TestClient_Do_redirectNotRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		redirect   int
		final      int // status of the redirected request; 0: reset the connection
		wantFirst  int // how many times the caller's request reached /create
		wantStatus int // status of the *Error; 0: a transport error
	}{
		{"POST 303 then GET 503", http.MethodPost, http.StatusSeeOther, 503, 1, 503},
		{"POST 303 then GET 500", http.MethodPost, http.StatusSeeOther, 500, 1, 500},
		{"POST 303 then GET 429", http.MethodPost, http.StatusSeeOther, 429, 1, 429},
		{"POST 302 then GET 503", http.MethodPost, http.StatusFound, 503, 1, 503},
		{"POST 307 then POST 503", http.MethodPost, http.StatusTemporaryRedirect, 503, 1, 503},
		{"POST 307 then POST 429", http.MethodPost, http.StatusTemporaryRedirect, 429, 1, 429},
		{"POST 308 then POST 429", http.MethodPost, http.StatusPermanentRedirect, 429, 1, 429},
		{"PATCH 307 then PATCH 502", http.MethodPatch, http.StatusTemporaryRedirect, 502, 1, 502},
		{"POST 303 then GET reset", http.MethodPost, http.StatusSeeOther, 0, 1, 0},
		{"POST 307 then POST reset", http.MethodPost, http.StatusTemporaryRedirect, 0, 1, 0},
		// Idempotent requests keep their retries across a redirect.
		{"GET 302 then GET 503", http.MethodGet, http.StatusFound, 503, 3, 503},
		{"PUT 307 then PUT 503", http.MethodPut, http.StatusTemporaryRedirect, 503, 3, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			hits := map[string]int{} // "METHOD /path" -> count
			var finalBodies []string
			c, _ := setup(t, Config{RetryMax: 2}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				hits[r.Method+" "+r.URL.Path]++
				if r.URL.Path == "/done" {
					finalBodies = append(finalBodies, string(body))
				}
				mu.Unlock()
				switch {
				case r.URL.Path == "/create":
					http.Redirect(w, r, "/done", tt.redirect)
				case tt.final == 0:
					panic(http.ErrAbortHandler) // the connection is reset
				default:
					w.WriteHeader(tt.final)
				}
			}))
			resp, err := c.Do(context.Background(), Request{Method: tt.method, Path: "/create", Body: map[string]string{"url": "https://example.com/hook"}}, nil)
			require.Error(t, err)

			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, tt.wantFirst, hits[tt.method+" /create"], "requests the caller made: %v", hits)
			if tt.redirect == http.StatusTemporaryRedirect || tt.redirect == http.StatusPermanentRedirect {
				// net/http sends the body again to the new location, once.
				assert.Len(t, finalBodies, tt.wantFirst)
				for _, b := range finalBodies {
					assert.JSONEq(t, `{"url":"https://example.com/hook"}`, b)
				}
			}
			if tt.wantStatus == 0 {
				assert.Nil(t, resp)
				assert.NotContains(t, err.Error(), "giving up")
				return
			}
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.wantStatus, apiErr.StatusCode)
			assert.Equal(t, tt.method, apiErr.Method, "the error names the caller's request")
			assert.Equal(t, tt.wantFirst, apiErr.Attempts)
			require.NotNil(t, resp)
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
		})
	}
}

// TestClient_Do_redirectNotReauthenticated checks that a POST whose
// redirect ends in an "expired" answer is not authenticated again and
// resent: the POST already reached the server.
func TestClient_Do_redirectNotReauthenticated(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	ra := &reauth{}
	c, _ := setup(t, Config{Auth: ra}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			http.Redirect(w, r, "/done", http.StatusSeeOther)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/create", Body: map[string]int{"a": 1}}, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, int32(1), posts.Load(), "the POST must be sent once")
}
