package event_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
)

type hookKey struct{}

// hookRecorder is Hooks that write what they are told as lines, and check
// that every hook after Received gets the context Received returned.
type hookRecorder struct {
	t     *testing.T
	mu    sync.Mutex
	lines []string
}

func (h *hookRecorder) add(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, fmt.Sprintf(format, args...))
}

func (h *hookRecorder) fromReceived(ctx context.Context) {
	assert.Equal(h.t, "span", ctx.Value(hookKey{}), "the context Received returned")
}

func (h *hookRecorder) hooks() *event.Hooks {
	return &event.Hooks{
		Received: func(ctx context.Context, r event.Receipt) context.Context {
			assert.False(h.t, r.Start.IsZero())
			h.add("received %s %s %s", r.Provider, r.Event.Type(), r.Event.ID())
			return context.WithValue(ctx, hookKey{}, "span")
		},
		Rejected: func(ctx context.Context, r event.Rejection) {
			assert.False(h.t, r.Start.IsZero())
			assert.Nil(h.t, ctx.Value(hookKey{}))
			h.add("rejected %s %s %d", r.Provider, r.Reason, r.Status)
		},
		Duplicate: func(ctx context.Context, d event.Duplication) {
			h.fromReceived(ctx)
			h.add("duplicate %s in_flight=%t", d.Event.ID(), d.InFlight)
		},
		Handled: func(ctx context.Context, x event.Handling) {
			h.fromReceived(ctx)
			assert.Positive(h.t, x.Duration)
			h.add("handled %s err=%v", x.Event.ID(), x.Err)
		},
		Answered: func(ctx context.Context, a event.Answer) {
			h.fromReceived(ctx)
			assert.False(h.t, a.Start.IsZero())
			h.add("answered %s %d", a.Event.ID(), a.Status)
		},
	}
}

// scriptedDeduper answers Begin with err.
type scriptedDeduper struct{ err error }

func (d scriptedDeduper) Begin(context.Context, string) error     { return d.err }
func (d scriptedDeduper) End(context.Context, string, bool) error { return nil }

func TestNewHTTPHandler_hooks(t *testing.T) {
	t.Parallel()
	handler := event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		if ctx.Value(hookKey{}) != "span" {
			return errors.New("the handler did not get the context Received returned")
		}
		time.Sleep(time.Millisecond)
		if e.ID() == "fails" {
			return errors.New("database down")
		}
		return nil
	})
	accepted := event.WithMalformed(func(w http.ResponseWriter, _ *http.Request, _ []byte, _ error) {
		w.WriteHeader(http.StatusAccepted)
	})
	tests := []struct {
		name  string
		opts  []event.HTTPOption
		reqs  []*http.Request
		want  []string
		codes []int
	}{
		{
			name: "handled", reqs: []*http.Request{post("booking.created|b-1", true)},
			want:  []string{"received test booking.created b-1", "handled b-1 err=<nil>", "answered b-1 200"},
			codes: []int{200},
		},
		{
			name: "handler fails", reqs: []*http.Request{post("booking.created|fails", true)},
			want:  []string{"received test booking.created fails", "handled fails err=database down", "answered fails 500"},
			codes: []int{500},
		},
		{
			name: "duplicate", reqs: []*http.Request{post("booking.created|b-2", true), post("booking.created|b-2", true)},
			want: []string{
				"received test booking.created b-2", "handled b-2 err=<nil>", "answered b-2 200",
				"received test booking.created b-2", "duplicate b-2 in_flight=false", "answered b-2 200",
			},
			codes: []int{200, 200},
		},
		{
			name: "copy in flight", opts: []event.HTTPOption{event.WithDeduper(scriptedDeduper{event.ErrInFlight})},
			reqs:  []*http.Request{post("booking.created|b-3", true)},
			want:  []string{"received test booking.created b-3", "duplicate b-3 in_flight=true", "answered b-3 503"},
			codes: []int{503},
		},
		{
			name: "deduper down", opts: []event.HTTPOption{event.WithDeduper(scriptedDeduper{errors.New("redis down")})},
			reqs:  []*http.Request{post("booking.created|b-4", true)},
			want:  []string{"received test booking.created b-4", "answered b-4 503"},
			codes: []int{503},
		},
		{
			name: "method", reqs: []*http.Request{func() *http.Request { r := post("", true); r.Method = http.MethodGet; return r }()},
			want: []string{"rejected test method_not_allowed 405"}, codes: []int{405},
		},
		{
			name: "unauthenticated", reqs: []*http.Request{post("booking.created|b-5", false)},
			want: []string{"rejected test unauthenticated 401"}, codes: []int{401},
		},
		{
			name: "too large", opts: []event.HTTPOption{event.WithBodyLimit(8)},
			reqs: []*http.Request{post("booking.created|b-6", true)},
			want: []string{"rejected test too_large 413"}, codes: []int{413},
		},
		{
			name: "unreadable", reqs: []*http.Request{func() *http.Request {
				r := post("", true)
				r.Body = io.NopCloser(errReader{})
				return r
			}()},
			want: []string{"rejected test unreadable 400"}, codes: []int{400},
		},
		{
			name: "malformed", reqs: []*http.Request{post("garbage", true)},
			want: []string{"rejected test malformed 400"}, codes: []int{400},
		},
		{
			name: "malformed, answered by WithMalformed", opts: []event.HTTPOption{accepted},
			reqs: []*http.Request{post("garbage", true)},
			want: []string{"rejected test malformed 202"}, codes: []int{202},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &hookRecorder{t: t}
			h := event.NewHTTPHandler(testReceiver(t), handler, append(tc.opts, event.WithHooks(rec.hooks()))...)
			var codes []int
			for _, r := range tc.reqs {
				codes = append(codes, serve(h, r).Code)
			}
			assert.Equal(t, tc.codes, codes)
			if diff := cmp.Diff(tc.want, rec.lines); diff != "" {
				t.Errorf("hook calls (-want +got):\n%s", diff)
			}
		})
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestNewHTTPHandler_hooksBusy: a request that finds no read slot is
// reported as rejected, busy.
func TestNewHTTPHandler_hooksBusy(t *testing.T) {
	t.Parallel()
	rec := &hookRecorder{t: t}
	noop := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	h := event.NewHTTPHandler(testReceiver(t), noop, event.WithMaxConcurrentReads(1), event.WithHooks(rec.hooks()))

	pr, pw := io.Pipe()
	slow := post("", true)
	slow.Body = pr
	done := make(chan int)
	go func() { done <- serve(h, slow).Code }()
	time.Sleep(50 * time.Millisecond) // the slow request holds the slot
	assert.Equal(t, http.StatusServiceUnavailable, serve(h, post("booking.created|b-7", true)).Code)
	_, _ = io.WriteString(pw, "booking.created|b-8")
	require.NoError(t, pw.Close())
	assert.Equal(t, http.StatusOK, <-done)

	want := []string{
		"rejected test busy 503",
		"received test booking.created b-8", "handled b-8 err=<nil>", "answered b-8 200",
	}
	if diff := cmp.Diff(want, rec.lines); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
}

func TestMiddleware_hooks(t *testing.T) {
	t.Parallel()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "span", r.Context().Value(hookKey{}), "next gets the context Received returned")
		_, ok := event.FromContext(r.Context())
		assert.True(t, ok)
		if strings.HasSuffix(r.URL.Path, "/nothing") {
			return // writes nothing: 200
		}
		w.WriteHeader(http.StatusAccepted)
	})
	tests := []struct {
		name string
		path string
		body string
		sign bool
		want []string
	}{
		{"answered by next", "/hooks/test", "booking.created|m-1", true,
			[]string{"received test booking.created m-1", "answered m-1 202"}},
		{"next writes nothing", "/hooks/nothing", "booking.created|m-2", true,
			[]string{"received test booking.created m-2", "answered m-2 200"}},
		{"unauthenticated", "/hooks/test", "booking.created|m-3", false,
			[]string{"rejected test unauthenticated 401"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &hookRecorder{t: t}
			h := event.Middleware(testReceiver(t), event.WithHooks(rec.hooks()))(next)
			r := post(tc.body, tc.sign)
			r.URL.Path = tc.path
			serve(h, r)
			if diff := cmp.Diff(tc.want, rec.lines); diff != "" {
				t.Errorf("hook calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWithHooks_several: every WithHooks runs, in order, and each Received
// gets the context the one before returned; nil ones are ignored.
func TestWithHooks_several(t *testing.T) {
	t.Parallel()
	type key int
	var got []string
	mk := func(name string, k key) *event.Hooks {
		return &event.Hooks{
			Received: func(ctx context.Context, _ event.Receipt) context.Context {
				got = append(got, fmt.Sprintf("%s received (prev %v)", name, ctx.Value(k-1)))
				return context.WithValue(ctx, k, name)
			},
			Answered: func(ctx context.Context, _ event.Answer) {
				got = append(got, fmt.Sprintf("%s answered (own %v)", name, ctx.Value(k)))
			},
		}
	}
	noop := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	h := event.NewHTTPHandler(testReceiver(t), noop,
		event.WithHooks(mk("a", 1)), event.WithHooks(nil), event.WithHooks(&event.Hooks{}), event.WithHooks(mk("b", 2)))
	require.Equal(t, http.StatusOK, serve(h, post("booking.created|x", true)).Code)
	want := []string{"a received (prev <nil>)", "b received (prev a)", "a answered (own a)", "b answered (own b)"}
	assert.Equal(t, want, got)
}

// TestNewHTTPHandler_hooksAllocations: without hooks the receive path
// allocates as before; hooks that do nothing add a few allocations.
func TestNewHTTPHandler_hooksAllocations(t *testing.T) {
	noop := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	plain := event.NewHTTPHandler(testReceiver(t), noop, event.WithoutDedupe())
	hooked := event.NewHTTPHandler(testReceiver(t), noop, event.WithoutDedupe(), event.WithHooks(&event.Hooks{
		Received: func(ctx context.Context, _ event.Receipt) context.Context { return ctx },
		Answered: func(context.Context, event.Answer) {},
	}))
	without := testing.AllocsPerRun(200, func() { serve(plain, post("booking.created|x", true)) })
	with := testing.AllocsPerRun(200, func() { serve(hooked, post("booking.created|x", true)) })
	assert.LessOrEqual(t, with-without, 3.0, "with hooks %v, without %v", with, without)
}
