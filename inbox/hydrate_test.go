package inbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
)

// scriptedHydrator answers the fetches of the test provider from a script
// of errors (nil: fetched), then fetches.
type scriptedHydrator struct {
	mu      sync.Mutex
	script  []error
	fetches int
}

func (h *scriptedHydrator) Provider() event.Provider { return "test" }

func (h *scriptedHydrator) Hydrate(_ context.Context, e event.Event) (event.Event, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fetches++
	if len(h.script) > 0 {
		err := h.script[0]
		h.script = h.script[1:]
		if err != nil {
			return nil, err
		}
	}
	if e.Subject().IsZero() {
		return e, nil
	}
	return event.WithRecord(e, event.Record{
		Data:    "record of " + e.Subject().ID,
		Booking: &event.Booking{ID: e.Subject().ID, Status: event.StatusCancelled},
	}), nil
}

func (h *scriptedHydrator) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.fetches
}

// testHydrated: with WithHydrators the handler gets the fetched record; a
// failed fetch is an attempt retried later, a rate-limited one is not
// counted; the handler runs once per delivery, and nothing is lost.
func testHydrated(t *testing.T, b backend) {
	limited := &event.RateLimitError{Provider: "test", RetryAfter: 5 * time.Millisecond}
	hy := &scriptedHydrator{script: []error{limited, limited, limited, errBoom, limited, errBoom}}
	f := setup(t, b, inbox.WithHydrators(nil, hy), inbox.WithWorkers(1), inbox.WithMaxAttempts(3))

	var (
		mu    sync.Mutex
		calls = map[string]int{}
		got   = map[string]event.Event{}
	)
	stop := run(t, f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		calls[e.ID()]++
		got[e.ID()] = e
		return nil
	}))
	f.postOK(t, payload{ID: "ev-1", Subject: "b-1"}, payload{ID: "ev-2", Subject: "b-1"}, payload{ID: "ev-3"})
	eventually(t, 10*time.Second, settled(t, f.ib), "all handled")
	stop()

	assert.Equal(t, inbox.Stats{Done: 3}, stats(t, f.ib))
	assert.Equal(t, map[string]int{"ev-1": 1, "ev-2": 1, "ev-3": 1}, calls, "the handler runs once per delivery")
	assert.Equal(t, 9, hy.count(), "six faults, then three fetches")

	attempts := 0
	for _, id := range []string{"ev-1", "ev-2", "ev-3"} {
		attempts += byEventID(t, f.ib, id).Attempts
	}
	assert.Equal(t, 3+2, attempts, "one attempt each and one per failed fetch: rate-limited fetches are not attempts")

	rec, ok := event.RecordOf(got["ev-1"])
	require.True(t, ok)
	assert.Equal(t, "record of b-1", rec.Data)
	bk, ok := event.BookingOf(got["ev-2"])
	require.True(t, ok)
	assert.Equal(t, event.StatusCancelled, bk.Status)
	assert.Equal(t, []byte(`{"id":"ev-1","type":"booking.updated","subject":"b-1","seq":0}`), got["ev-1"].Raw(),
		"the delivery's own body stays")
	_, ok = event.RecordOf(got["ev-3"])
	assert.False(t, ok, "no subject: nothing fetched")
}

// testRateLimitedHandler: a handler that returns an *event.RateLimitError
// (it called the provider itself) never uses up the delivery's attempts.
func testRateLimitedHandler(t *testing.T, b backend) {
	f := setup(t, b, inbox.WithMaxAttempts(2))
	var (
		mu    sync.Mutex
		calls int
	)
	stop := run(t, f.ib, event.HandlerFunc(func(context.Context, event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		if calls++; calls <= 5 {
			return errors.Join(errors.New("calling the provider"), &event.RateLimitError{Provider: "test"})
		}
		return nil
	}))
	f.postOK(t, payload{ID: "ev-1", Subject: "b-1"})
	eventually(t, 10*time.Second, settled(t, f.ib), "handled")
	stop()
	d := byEventID(t, f.ib, "ev-1")
	assert.Equal(t, inbox.StateDone, d.State, "five refusals with two attempts allowed: still not dead")
	assert.Equal(t, 1, d.Attempts)
	assert.Equal(t, 6, calls)
}
