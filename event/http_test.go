package event_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/verify"
)

const testToken = "tok-0123456789"

// testReceiver authenticates with a shared token and decodes bodies of the
// form "type|id"; anything else is malformed.
func testReceiver(t testing.TB) *eventtest.Receiver {
	t.Helper()
	v, err := verify.NewToken("X-Token", testToken)
	require.NoError(t, err)
	return &eventtest.Receiver{
		Name:     "test",
		Verifier: v,
		DecodeFunc: func(body []byte) (event.Event, error) {
			typ, id, ok := strings.Cut(string(body), "|")
			if !ok {
				return nil, fmt.Errorf("test: %w: no separator", event.ErrMalformed)
			}
			return eventtest.New(event.Fields{Provider: "test", Type: event.Type(typ), Name: typ, ID: id, Raw: body}), nil
		},
	}
}

func post(body string, signed bool) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/hooks/test", strings.NewReader(body))
	if signed {
		r.Header.Set("X-Token", testToken)
	}
	return r
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestNewHTTPHandler walks the status table of DESIGN.md row by row.
func TestNewHTTPHandler(t *testing.T) {
	t.Parallel()
	errHandler := event.HandlerFunc(func(context.Context, event.Event) error { return errors.New("database down") })
	panicHandler := event.HandlerFunc(func(context.Context, event.Event) error { panic("boom") })
	okHandler := event.HandlerFunc(func(context.Context, event.Event) error { return nil })

	tests := []struct {
		name       string
		handler    event.Handler
		opts       []event.HTTPOption
		req        *http.Request
		wantStatus int
		wantCalls  int
		check      func(t *testing.T, w *httptest.ResponseRecorder)
	}{
		{
			name: "method other than POST", handler: okHandler,
			req:        httptest.NewRequest(http.MethodGet, "/hooks/test", nil),
			wantStatus: http.StatusMethodNotAllowed,
			check: func(t *testing.T, w *httptest.ResponseRecorder) {
				assert.Equal(t, "POST", w.Header().Get("Allow"))
			},
		},
		{
			name: "body over the limit", handler: okHandler, opts: []event.HTTPOption{event.WithBodyLimit(8)},
			req: post("booking.created|123456789", true), wantStatus: http.StatusRequestEntityTooLarge,
		},
		{
			name: "authentication fails", handler: okHandler,
			req: post("booking.created|1", false), wantStatus: http.StatusUnauthorized,
			check: func(t *testing.T, w *httptest.ResponseRecorder) {
				assert.NotContains(t, w.Body.String(), "X-Token", "the reason must not be echoed")
				assert.Equal(t, "Unauthorized\n", w.Body.String())
			},
		},
		{
			name: "authenticated but not decodable", handler: okHandler,
			req: post("no separator", true), wantStatus: http.StatusBadRequest,
		},
		{
			name: "no handler for the type and no default", handler: event.NewMux(),
			req: post("booking.created|1", true), wantStatus: http.StatusOK,
		},
		{
			name: "handler returns an error", handler: errHandler,
			req: post("booking.created|1", true), wantStatus: http.StatusInternalServerError, wantCalls: 1,
		},
		{
			name: "handler panics", handler: panicHandler,
			req: post("booking.created|1", true), wantStatus: http.StatusInternalServerError, wantCalls: 1,
		},
		{
			name: "handler succeeded", handler: okHandler,
			req: post("booking.created|1", true), wantStatus: http.StatusOK, wantCalls: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			counted := event.HandlerFunc(func(ctx context.Context, e event.Event) error {
				calls.Add(1)
				return tc.handler.HandleEvent(ctx, e)
			})
			h := event.NewHTTPHandler(testReceiver(t), counted, tc.opts...)
			w := serve(h, tc.req)
			assert.Equal(t, tc.wantStatus, w.Code)
			if tc.wantCalls > 0 || tc.wantStatus != http.StatusOK {
				assert.Equal(t, int32(tc.wantCalls), calls.Load())
			}
			if tc.check != nil {
				tc.check(t, w)
			}
		})
	}
}

func TestNewHTTPHandler_duplicateNotHandledAgain(t *testing.T) {
	t.Parallel()
	rec := &eventtest.Recorder{}
	h := event.NewHTTPHandler(testReceiver(t), rec)
	for range 3 {
		require.Equal(t, http.StatusOK, serve(h, post("booking.created|dup-1", true)).Code)
	}
	assert.Equal(t, 1, rec.Len())
	// Another id is another delivery.
	require.Equal(t, http.StatusOK, serve(h, post("booking.created|dup-2", true)).Code)
	assert.Equal(t, 2, rec.Len())
}

func TestNewHTTPHandler_failedDeliveryRunsAgain(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	h := event.NewHTTPHandler(testReceiver(t), event.HandlerFunc(func(context.Context, event.Event) error {
		if calls.Add(1) == 1 {
			return errors.New("transient")
		}
		return nil
	}))
	assert.Equal(t, http.StatusInternalServerError, serve(h, post("booking.created|r-1", true)).Code)
	assert.Equal(t, http.StatusOK, serve(h, post("booking.created|r-1", true)).Code, "the retry runs the handler again")
	assert.Equal(t, http.StatusOK, serve(h, post("booking.created|r-1", true)).Code, "and then it is a duplicate")
	assert.Equal(t, int32(2), calls.Load())
}

func TestNewHTTPHandler_panickedDeliveryRunsAgain(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	h := event.NewHTTPHandler(testReceiver(t), event.HandlerFunc(func(context.Context, event.Event) error {
		if calls.Add(1) == 1 {
			panic("first time")
		}
		return nil
	}))
	assert.Equal(t, http.StatusInternalServerError, serve(h, post("booking.created|p-1", true)).Code)
	assert.Equal(t, http.StatusOK, serve(h, post("booking.created|p-1", true)).Code)
	assert.Equal(t, int32(2), calls.Load())
}

// TestNewHTTPHandler_concurrentCopies posts the same delivery 100 times at
// once: the handler runs once, every copy gets 200 or a retryable 503, and
// once the first has finished every copy gets 200.
func TestNewHTTPHandler_concurrentCopies(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	release := make(chan struct{})
	h := event.NewHTTPHandler(testReceiver(t), event.HandlerFunc(func(context.Context, event.Event) error {
		calls.Add(1)
		<-release
		return nil
	}))
	const n = 100
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := serve(h, post("booking.created|same", true))
			codes[i] = w.Code
			if w.Code == http.StatusServiceUnavailable {
				assert.Equal(t, "5", w.Header().Get("Retry-After"))
			}
		}()
	}
	// Let the copies pile up against the one in flight, then finish it.
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()

	assert.Equal(t, int32(1), calls.Load())
	ok := 0
	for _, c := range codes {
		require.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, c)
		if c == http.StatusOK {
			ok++
		}
	}
	assert.GreaterOrEqual(t, ok, 1)
	// The provider's retries of the 503s now get 200 without a second run.
	for range 5 {
		assert.Equal(t, http.StatusOK, serve(h, post("booking.created|same", true)).Code)
	}
	assert.Equal(t, int32(1), calls.Load())
}

func TestNewHTTPHandler_withoutDedupe(t *testing.T) {
	t.Parallel()
	rec := &eventtest.Recorder{}
	h := event.NewHTTPHandler(testReceiver(t), rec, event.WithoutDedupe())
	for range 3 {
		require.Equal(t, http.StatusOK, serve(h, post("booking.created|x", true)).Code)
	}
	assert.Equal(t, 3, rec.Len())
}

type brokenDeduper struct{}

func (brokenDeduper) Begin(context.Context, string) error     { return errors.New("redis down") }
func (brokenDeduper) End(context.Context, string, bool) error { return nil }

func TestNewHTTPHandler_deduperUnavailable(t *testing.T) {
	t.Parallel()
	rec := &eventtest.Recorder{}
	h := event.NewHTTPHandler(testReceiver(t), rec, event.WithDeduper(brokenDeduper{}), event.WithDeduper(nil))
	assert.Equal(t, http.StatusServiceUnavailable, serve(h, post("booking.created|x", true)).Code)
	assert.Zero(t, rec.Len())
}

// TestNewHTTPHandler_logs checks the log lines: a panic is logged with its
// value, an authentication failure with its reason, and neither contains the
// token or body bytes.
func TestNewHTTPHandler_logs(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := event.NewHTTPHandler(testReceiver(t), event.HandlerFunc(func(context.Context, event.Event) error {
		panic("kaboom")
	}), event.WithLogger(logger))

	require.Equal(t, http.StatusInternalServerError, serve(h, post("booking.created|secretbody", true)).Code)
	unsigned := post("booking.created|secretbody", false)
	unsigned.Header.Set("X-Token", "wrong-token-value")
	require.Equal(t, http.StatusUnauthorized, serve(h, unsigned).Code)

	mu.Lock()
	out := buf.String()
	mu.Unlock()
	assert.Contains(t, out, "handler panicked")
	assert.Contains(t, out, "kaboom")
	assert.Contains(t, out, "authentication failed")
	assert.Contains(t, out, "matches no configured token")
	assert.NotContains(t, out, testToken)
	assert.NotContains(t, out, "wrong-token-value")
	assert.NotContains(t, out, "booking.created|secretbody")
}

func TestNewHTTPHandler_nilArgumentsPanic(t *testing.T) {
	t.Parallel()
	assert.Panics(t, func() { event.NewHTTPHandler(nil, event.NewMux()) })
	assert.Panics(t, func() { event.NewHTTPHandler(testReceiver(t), nil) })
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// BenchmarkHTTPHandler measures the whole receive path of the handler
// (bounded read, token check, decode, dedupe, dispatch) against a bare
// net/http handler that only reads the body.
func BenchmarkHTTPHandler(b *testing.B) {
	body := "booking.created|" + strings.Repeat("x", 1000)
	b.Run("pmshooks", func(b *testing.B) {
		h := event.NewHTTPHandler(testReceiver(b), event.NewMux(), event.WithoutDedupe())
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			w := serve(h, post(body, true))
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = verify.ReadBody(r, 0)
			w.WriteHeader(http.StatusOK)
		})
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			serve(h, post(body, true))
		}
	})
}

// BenchmarkLoopback serves signed Propexo deliveries of about 1 KiB over
// loopback TCP to 8 concurrent clients: NewHTTPHandler (default deduper,
// no-op handler), Middleware (no-op next) and the same work written by hand
// with net/http (read the body, check the HMAC, json.Unmarshal the
// envelope, answer 200). Every request carries a new record id, so none is a
// duplicate. Compare the contenders only within one run.
func BenchmarkLoopback(b *testing.B) {
	const secret = "loopback-secret"
	v, err := propexo.NewVerifier(secret)
	require.NoError(b, err)
	rc, err := propexo.NewReceiver(v)
	require.NoError(b, err)
	noop := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	okNext := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	handwritten := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, event.DefaultBodyLimit))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		got, err := hex.DecodeString(r.Header.Get(propexo.SignatureHeader))
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var env struct {
			Trigger string          `json:"trigger"`
			Data    json.RawMessage `json:"data"`
			Meta    json.RawMessage `json:"meta"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	filler := strings.Repeat("Prospect opted in to email updates. ", 20)
	var seq atomic.Int64
	send := func(client *http.Client, url string) error {
		body := fmt.Appendf(nil, `{"trigger":"DATA_NEW","data":{"event":"DATA_NEW","integration_id":"cly301lrc000009jvbp6vaz7i",`+
			`"vendor":"ENTRATA","record_id":"rec-%d","object":"events","payload":{"notes":%q}},`+
			`"meta":{"object":"events","integration_id":"cly301lrc000009jvbp6vaz7i"}}`, seq.Add(1), filler)
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		v.Sign(req.Header, body)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	contenders := []struct {
		name string
		h    http.Handler
	}{
		{"NewHTTPHandler", event.NewHTTPHandler(rc, noop)},
		{"Middleware", event.Middleware(rc)(okNext)},
		{"handwritten", handwritten},
	}
	for _, c := range contenders {
		b.Run(c.name, func(b *testing.B) {
			srv := httptest.NewServer(c.h)
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			defer client.CloseIdleConnections()
			b.ReportAllocs()
			b.SetBytes(int64(len(filler) + 300))
			b.SetParallelism(4) // 8 clients on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := send(client, srv.URL); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
	// alternating serves bursts of 64 requests from 8 clients to each
	// contender in turn, round after round, and reports the median
	// throughput of NewHTTPHandler and Middleware relative to handwritten
	// in the same round: a busy machine disturbs these ratios far less than
	// the throughputs of runs seconds apart.
	b.Run("alternating", func(b *testing.B) {
		const burst, clients = 64, 8
		urls := make([]string, len(contenders))
		for i, c := range contenders {
			srv := httptest.NewServer(c.h)
			defer srv.Close()
			urls[i] = srv.URL
		}
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		defer client.CloseIdleConnections()
		ratios := make([][]float64, len(contenders)-1)
		for round := 0; b.Loop(); round++ {
			took := make([]time.Duration, len(contenders))
			for k := range contenders {
				i := (k + round) % len(contenders) // each goes first in turn
				var wg sync.WaitGroup
				var left atomic.Int64
				left.Store(burst)
				start := time.Now()
				for range clients {
					wg.Go(func() {
						for left.Add(-1) >= 0 {
							if err := send(client, urls[i]); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				took[i] = time.Since(start)
			}
			hand := took[len(contenders)-1]
			for i := range ratios {
				ratios[i] = append(ratios[i], float64(hand)/float64(took[i]))
			}
		}
		for i, r := range ratios {
			slices.Sort(r)
			b.ReportMetric(r[len(r)/2], contenders[i].name+"/handwritten-throughput")
		}
	})
}

// windowReceiver is a receiver whose provider says an identical body is a
// new event once a nanosecond has passed.
type windowReceiver struct{ *eventtest.Receiver }

func (windowReceiver) DedupeWindow() time.Duration { return time.Nanosecond }

func TestNewHTTPHandler_receiverDedupeWindow(t *testing.T) {
	t.Parallel()
	rec := &eventtest.Recorder{}
	h := event.NewHTTPHandler(windowReceiver{testReceiver(t)}, rec)
	require.Equal(t, http.StatusOK, serve(h, post("sync.completed|same-body", true)).Code)
	time.Sleep(time.Millisecond)
	require.Equal(t, http.StatusOK, serve(h, post("sync.completed|same-body", true)).Code)
	assert.Equal(t, 2, rec.Len(), "past the receiver's window an identical body is a new event")

	// An explicit deduper is left alone.
	rec2 := &eventtest.Recorder{}
	h2 := event.NewHTTPHandler(windowReceiver{testReceiver(t)}, rec2, event.WithDeduper(event.NewMemoryDeduper(0, time.Hour)))
	require.Equal(t, http.StatusOK, serve(h2, post("sync.completed|same-body", true)).Code)
	time.Sleep(time.Millisecond)
	require.Equal(t, http.StatusOK, serve(h2, post("sync.completed|same-body", true)).Code)
	assert.Equal(t, 1, rec2.Len())
}

func TestSafeHandle(t *testing.T) {
	t.Parallel()
	e := eventtest.New(event.Fields{})
	cause := errors.New("cause")
	err := event.SafeHandle(context.Background(), event.HandlerFunc(func(context.Context, event.Event) error { panic(cause) }), e)
	var p *event.PanicError
	require.ErrorAs(t, err, &p)
	require.ErrorIs(t, err, cause, "a panic with an error unwraps to it")
	assert.Contains(t, string(p.Stack), "TestSafeHandle")

	err = event.SafeHandle(context.Background(), event.HandlerFunc(func(context.Context, event.Event) error { panic("text") }), e)
	require.ErrorAs(t, err, &p)
	assert.Equal(t, "text", p.Value)
	assert.Equal(t, "event: handler panicked: text", err.Error())

	require.NoError(t, event.SafeHandle(context.Background(), event.HandlerFunc(func(context.Context, event.Event) error { return nil }), e))
}

// TestNewHTTPHandler_allocations: with a silent logger the handler's own
// work (header check, read slot, decode, dispatch, answer) adds at most 10
// allocations to a bare net/http handler that reads the body, most of them
// the test Receiver's; log attributes and the status body are not built.
func TestNewHTTPHandler_allocations(t *testing.T) {
	noop := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	h := event.NewHTTPHandler(testReceiver(t), noop, event.WithoutDedupe())
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = verify.ReadBody(r, 0)
		w.WriteHeader(http.StatusOK)
	})
	got := testing.AllocsPerRun(200, func() { serve(h, post("booking.created|x", true)) })
	base := testing.AllocsPerRun(200, func() { serve(bare, post("booking.created|x", true)) })
	assert.LessOrEqual(t, got-base, 10.0, "handler %v, bare %v", got, base)
}
