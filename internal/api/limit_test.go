package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClient_limitClosedWindowRefusesAtOnce: once the provider said its
// limit is used up for longer than the Retry-After cap, later requests of
// the client, and of its WithAuth copies, are refused without reaching it.
func TestClient_limitClosedWindowRefusesAtOnce(t *testing.T) {
	reset := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	tests := []struct {
		name   string
		header map[string]string
		status int
	}{
		{"429 Retry-After", map[string]string{"Retry-After": "3600"}, http.StatusTooManyRequests},
		{"503 Retry-After", map[string]string{"Retry-After": "3600"}, http.StatusServiceUnavailable},
		{"remaining 0", map[string]string{"X-Limit": "100", "X-Remaining": "0", "X-Reset": reset}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &counter{replies: []reply{{status: tt.status, header: tt.header, body: `{}`}, {status: 200, body: `{}`}}}
			c, _ := setup(t, Config{
				RetryMax:      -1,
				RetryAfterMax: time.Minute,
				RateLimit:     HeaderRate("X-Limit", "X-Remaining", "X-Reset"),
			}, h)
			_, _ = c.Do(t.Context(), Request{Path: "/first"}, nil)

			for _, client := range []*Client{c, c.WithAuth(nil)} {
				_, err := client.Do(t.Context(), Request{Path: "/second"}, nil)
				var le *LimitError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, "GET /second", le.Op)
				d, ok := le.RetryAfter()
				assert.True(t, ok)
				assert.Greater(t, d, 50*time.Minute)
				assert.LessOrEqual(t, d, time.Hour)
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			assert.Equal(t, 1, h.n, "a request was sent into a closed window")
		})
	}
}

// TestClient_limitOpenWhenFiguresAllow: figures with requests left, or
// without a limit, never hold requests back.
func TestClient_limitOpenWhenFiguresAllow(t *testing.T) {
	reset := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	for _, hdr := range []map[string]string{
		{"X-Limit": "100", "X-Remaining": "1", "X-Reset": reset},
		{"X-Remaining": "0", "X-Reset": reset}, // no limit: figures unknown
		{"X-Limit": "100", "X-Remaining": "0"}, // no reset
		{"Retry-After": "3600"},                // on a 200: not a refusal
	} {
		h := &counter{replies: []reply{{status: 200, header: hdr, body: `{}`}}}
		c, _ := setup(t, Config{RetryAfterMax: time.Minute, RateLimit: HeaderRate("X-Limit", "X-Remaining", "X-Reset")}, h)
		for range 3 {
			_, err := c.Do(t.Context(), Request{Path: "/x"}, nil)
			require.NoError(t, err, "%v", hdr)
		}
	}
}

// TestClient_limitConcurrentCallersWait: after a 429 asking for a short
// wait, concurrent callers wait for the window instead of each spending a
// request on it, then all succeed.
func TestClient_limitConcurrentCallersWait(t *testing.T) {
	var (
		mu       sync.Mutex
		refused  time.Time
		early    atomic.Int32
		requests atomic.Int32
	)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		mu.Lock()
		defer mu.Unlock()
		if n == 1 {
			refused = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if time.Since(refused) < 900*time.Millisecond {
			early.Add(1)
		}
		w.Write([]byte(`{}`))
	})
	c, _ := setup(t, Config{RetryMax: -1}, h)
	_, err := c.Do(t.Context(), Request{Path: "/first"}, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)

	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.Do(t.Context(), Request{Path: "/next"}, nil) })
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	assert.Zero(t, early.Load(), "requests sent before the Retry-After window ended")
	assert.Equal(t, int32(9), requests.Load())
}

// TestClient_limitWaitStopsWithContext: a caller waiting for the window
// gets its context's error, wrapped, as soon as the context ends.
func TestClient_limitWaitStopsWithContext(t *testing.T) {
	h := &counter{replies: []reply{{status: 429, header: map[string]string{"Retry-After": "30"}}, {status: 200}}}
	c, _ := setup(t, Config{RetryMax: -1}, h)
	_, _ = c.Do(t.Context(), Request{Path: "/first"}, nil)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Do(ctx, Request{Path: "/next"}, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.Contains(t, err.Error(), "GET /next")
	assert.Less(t, time.Since(start), 5*time.Second)
}
