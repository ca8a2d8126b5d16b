package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
)

type hookKey struct{}

// hookRecorder is inbox.Hooks that write what they are told as lines, per
// event id, and check that the attempt's context reaches the end hooks.
type hookRecorder struct {
	t     testing.TB
	mu    sync.Mutex
	lines map[string][]string // by event id
	ids   map[string]int64    // event id -> delivery id
}

func newHookRecorder(t testing.TB) *hookRecorder {
	return &hookRecorder{t: t, lines: map[string][]string{}, ids: map[string]int64{}}
}

func (h *hookRecorder) add(eventID, format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines[eventID] = append(h.lines[eventID], fmt.Sprintf(format, args...))
}

func (h *hookRecorder) get() map[string][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string][]string, len(h.lines))
	for k, v := range h.lines {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func (h *hookRecorder) hooks() *inbox.Hooks {
	store := func(what string) func(context.Context, inbox.Storing) {
		return func(_ context.Context, s inbox.Storing) {
			assert.Positive(h.t, s.Duration)
			if what == "stored" {
				assert.Positive(h.t, s.ID)
			} else {
				assert.Zero(h.t, s.ID)
			}
			h.add(s.EventID, "%s %s %s dead=%t err=%t", what, s.Provider, s.Type, s.Dead, s.Err != nil)
		}
	}
	return &inbox.Hooks{
		Stored: store("stored"), Duplicate: store("duplicate"), StoreFailed: store("store_failed"),
		AttemptStarted: func(ctx context.Context, a inbox.AttemptInfo) context.Context {
			assert.Positive(h.t, a.ID)
			assert.False(h.t, a.ReceivedAt.IsZero())
			h.mu.Lock()
			h.ids[a.EventID] = a.ID
			h.mu.Unlock()
			h.add(a.EventID, "started #%d", a.Number)
			return context.WithValue(ctx, hookKey{}, a.EventID)
		},
		AttemptFinished: func(ctx context.Context, r inbox.AttemptResult) {
			assert.Equal(h.t, r.EventID, ctx.Value(hookKey{}), "the context AttemptStarted returned")
			assert.NoError(h.t, ctx.Err(), "not cancelled")
			line := fmt.Sprintf("finished #%d %s err=%v", r.Number, r.Outcome, r.Err)
			if r.Outcome == inbox.OutcomeCoalesced {
				line += fmt.Sprintf(" handled=%t coalesced=%d", r.HandledID > r.ID, r.Coalesced)
			}
			h.add(r.EventID, "%s", line)
		},
		Dead: func(_ context.Context, r inbox.AttemptResult) {
			h.add(r.EventID, "dead #%d %s err=%t", r.Number, r.Outcome, r.Err != nil)
		},
	}
}

func TestHooks_store_SQLite(t *testing.T)     { testHooksStore(t, sqliteBackend()) }
func TestHooks_store_PostgreSQL(t *testing.T) { testHooksStore(t, postgresBackend(t)) }

// testHooksStore: HTTPHandler reports stored, stored dead, duplicate and a
// failed commit.
func testHooksStore(t *testing.T, b backend) {
	rec := newHookRecorder(t)
	f := setup(t, b, inbox.WithHooks(rec.hooks()))
	f.postOK(t, payload{ID: "ev-1"}, payload{ID: "ev-1"})
	require.Equal(t, http.StatusOK, post(t, f.handler, f.signer, []byte(`{"type":"x"}`)), "undecodable: stored dead")

	closed := f.open()
	require.NoError(t, closed.Close())
	broken, err := inbox.New(closed, b.dialect, inbox.WithHooks(rec.hooks()))
	require.NoError(t, err)
	rc, _ := testReceiver(t)
	require.Equal(t, http.StatusServiceUnavailable, post(t, broken.HTTPHandler(rc), f.signer, body(payload{ID: "ev-2"})))

	got := rec.get()
	malformed := byState(t, f.ib, inbox.StateDead)
	want := map[string][]string{
		"ev-1":               {"stored test booking.updated dead=false err=false", "duplicate test booking.updated dead=false err=false"},
		malformed[0].EventID: {"stored test unknown dead=true err=false"},
		"ev-2":               {"store_failed test booking.updated dead=false err=true"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
}

func byState(t *testing.T, ib *inbox.Inbox, s inbox.State) []inbox.Delivery {
	t.Helper()
	ds, err := ib.List(context.Background(), inbox.Filter{State: s, Limit: inbox.MaxListLimit})
	require.NoError(t, err)
	require.NotEmpty(t, ds)
	return ds
}

func TestHooks_attempts_SQLite(t *testing.T)     { testHooksAttempts(t, sqliteBackend()) }
func TestHooks_attempts_PostgreSQL(t *testing.T) { testHooksAttempts(t, postgresBackend(t)) }

// testHooksAttempts: every attempt is started and finished once, with the
// outcome as recorded (done after its group commit), the handler gets the
// context AttemptStarted returned, and a delivery whose last attempt failed
// is reported dead.
func testHooksAttempts(t *testing.T, b backend) {
	rec := newHookRecorder(t)
	f := setup(t, b, inbox.WithHooks(rec.hooks()))
	var (
		mu    sync.Mutex
		calls = map[string]int{}
	)
	stop := run(t, f.ib, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		if ctx.Value(hookKey{}) != e.ID() {
			return errors.New("the handler did not get the context AttemptStarted returned")
		}
		mu.Lock()
		calls[e.ID()]++
		n := calls[e.ID()]
		mu.Unlock()
		switch {
		case e.ID() == "ev-dead":
			return errBoom
		case e.ID() == "ev-retry" && n == 1:
			return errBoom
		case e.ID() == "ev-limited" && n == 1:
			return &event.RateLimitError{Provider: "test", RetryAfter: time.Millisecond}
		}
		return nil
	}))
	f.postOK(t, payload{ID: "ev-ok"}, payload{ID: "ev-retry"}, payload{ID: "ev-dead"}, payload{ID: "ev-limited"})
	eventually(t, 10*time.Second, settled(t, f.ib), "all finished")
	stop()

	stored := "stored test booking.updated dead=false err=false"
	boom := "err=" + errBoom.Error()
	want := map[string][]string{
		"ev-ok":    {stored, "started #1", "finished #1 done err=<nil>"},
		"ev-retry": {stored, "started #1", "finished #1 retry " + boom, "started #2", "finished #2 done err=<nil>"},
		"ev-dead": {
			stored, "started #1", "finished #1 retry " + boom, "started #2", "finished #2 retry " + boom,
			"started #3", "finished #3 dead " + boom, "dead #3 dead err=true",
		},
		"ev-limited": {
			stored, "started #1", "finished #1 rate_limited err=event: test: rate limited, retry after 1ms",
			"started #1", "finished #1 done err=<nil>",
		},
	}
	// Stored runs after the commit, on the request's goroutine, and a
	// worker may start the first attempt before it does: its place among
	// the attempts is not promised, only that it is reported once.
	got := rec.get()
	for id, calls := range got {
		n := len(calls)
		got[id] = slices.DeleteFunc(calls, func(c string) bool { return c == stored })
		assert.Equal(t, 1, n-len(got[id]), "%s: Stored reported once", id)
		got[id] = append([]string{stored}, got[id]...)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
}

func TestHooks_released_SQLite(t *testing.T) { testHooksReleased(t, sqliteBackend()) }

// testHooksReleased: an attempt whose handler gives up because Run is
// stopping is reported released.
func testHooksReleased(t *testing.T, b backend) {
	rec := newHookRecorder(t)
	f := setup(t, b, inbox.WithHooks(rec.hooks()))
	started := make(chan struct{})
	stop := run(t, f.ib, event.HandlerFunc(func(ctx context.Context, _ event.Event) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}))
	f.postOK(t, payload{ID: "ev-1"})
	<-started
	stop()
	got := rec.get()["ev-1"]
	require.Len(t, got, 3)
	assert.Equal(t, "finished #1 released err=context canceled", got[2])
}

func TestHooks_coalesced_SQLite(t *testing.T)     { testHooksCoalesced(t, sqliteBackend()) }
func TestHooks_coalesced_PostgreSQL(t *testing.T) { testHooksCoalesced(t, postgresBackend(t)) }

// testHooksCoalesced: the attempt that handled a later delivery of its
// subject reports coalesced, with the one handled and how many were
// coalesced into it.
func testHooksCoalesced(t *testing.T, b backend) {
	rec := newHookRecorder(t)
	f := setup(t, b, inbox.WithHooks(rec.hooks()), inbox.WithHydrators(&scriptedHydrator{}), inbox.WithCoalescing(),
		inbox.WithWorkers(1))
	f.postOK(t, payload{ID: "ev-1", Subject: "b-1"}, payload{ID: "ev-2", Subject: "b-1"}, payload{ID: "ev-3", Subject: "b-1"})
	stop := run(t, f.ib, event.HandlerFunc(func(context.Context, event.Event) error { return nil }))
	eventually(t, 10*time.Second, settled(t, f.ib), "all finished")
	stop()

	stored := "stored test booking.updated dead=false err=false"
	want := map[string][]string{
		"ev-1": {stored, "started #1", "finished #1 coalesced err=<nil> handled=true coalesced=2"},
		"ev-2": {stored},
		"ev-3": {stored},
	}
	if diff := cmp.Diff(want, rec.get()); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
}

func TestHooks_leaseLost_SQLite(t *testing.T) { testHooksLeaseLost(t, sqliteBackend()) }

// testHooksLeaseLost: a handler that outlives its lease on its only attempt
// is buried by the next claim (Dead, with no attempt started) and its own
// late success is reported lease_lost, not done: AttemptFinished waits for
// the commit.
func testHooksLeaseLost(t *testing.T, b backend) {
	rec := newHookRecorder(t)
	f := setup(t, b, inbox.WithHooks(rec.hooks()), inbox.WithLease(100*time.Millisecond), inbox.WithMaxAttempts(1))
	var once sync.Once
	stop := run(t, f.ib, event.HandlerFunc(func(context.Context, event.Event) error {
		once.Do(func() { time.Sleep(600 * time.Millisecond) }) // ignores its context
		return nil
	}))
	f.postOK(t, payload{ID: "ev-1"})
	eventually(t, 10*time.Second, func() bool { return len(rec.get()["ev-1"]) == 4 }, "four hook calls")
	stop()
	want := []string{
		"stored test booking.updated dead=false err=false", "started #1",
		"dead #1 dead err=true", "finished #1 lease_lost err=<nil>",
	}
	assert.Equal(t, want, rec.get()["ev-1"])
}
