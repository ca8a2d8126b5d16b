package inbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/inbox"
)

// testNoAttemptLeft is a handler that never finishes, as one that kills its
// process (os.Exit, an OOM kill) or hangs past its lease: every attempt is
// claimed and lost. The claim after the last allowed attempt must not hand it
// out again but mark it dead, and the next delivery of its booking must then
// run.
func testNoAttemptLeft(t *testing.T, b backend) {
	clock := newFakeClock()
	f := setup(t, b, inbox.WithClock(clock.Now), inbox.WithLease(time.Minute), inbox.WithMaxAttempts(3),
		inbox.WithWorkers(6))
	f.postOK(t, payload{ID: "ev-crash", Subject: "b-1", Seq: 1}, payload{ID: "ev-next", Subject: "b-1", Seq: 2})

	var crashes atomic.Int32
	next := make(chan struct{})
	hang := make(chan struct{})
	stop := run(t, f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		if e.ID() == "ev-next" {
			close(next)
			return nil
		}
		crashes.Add(1)
		<-hang // never comes back while the test runs: the attempt is lost
		return nil
	}))
	for attempt := int32(1); attempt <= 3; attempt++ {
		eventually(t, 10*time.Second, func() bool { return crashes.Load() == attempt }, "attempt %d starts", attempt)
		clock.Advance(time.Minute + time.Second) // its lease ends
	}
	select {
	case <-next:
	case <-time.After(10 * time.Second):
		t.Fatal("the next delivery of the booking never ran")
	}
	eventually(t, 10*time.Second, func() bool { return byEventID(t, f.ib, "ev-next").State == inbox.StateDone }, "ev-next done")
	close(hang) // the lost attempts come back late: their outcomes are discarded
	stop()

	assert.Equal(t, int32(3), crashes.Load(), "no attempt beyond the third")
	d := byEventID(t, f.ib, "ev-crash")
	assert.Equal(t, inbox.StateDead, d.State)
	assert.Equal(t, 3, d.Attempts)
	assert.Contains(t, d.LastError, "lease lost")
	assert.Contains(t, d.LastError, "never finished")
}

// windowed is the test receiver with a dedupe window, as Propexo's.
type windowed struct{ *eventtest.Receiver }

func (windowed) DedupeWindow() time.Duration { return 3 * time.Hour }

// testDedupeWindow sends one body again: within the receiver's window it is
// a retry, handled once; after it (Propexo repeats SYNC_COMPLETE every 12 h)
// it is a new delivery, handled again. Replicas storing the same late copy at
// once store it once.
func testDedupeWindow(t *testing.T, b backend) {
	clock := newFakeClock()
	f := setup(t, b, inbox.WithClock(clock.Now))
	rc, v := testReceiver(t)
	h := f.ib.HTTPHandler(windowed{rc})
	other := f.replica(t, f.open(), inbox.WithClock(clock.Now))
	h2 := other.HTTPHandler(windowed{rc})
	syncBody := body(payload{ID: "sha256:sync-complete", Type: string(event.SyncCompleted)})

	send := func(handlers ...http.Handler) {
		t.Helper()
		var wg sync.WaitGroup
		for _, h := range handlers {
			wg.Go(func() { assert.Equal(t, http.StatusOK, post(t, h, v, syncBody)) })
		}
		wg.Wait()
	}
	count := func() int {
		ds, err := f.ib.List(t.Context(), inbox.Filter{})
		require.NoError(t, err)
		return len(ds)
	}
	send(h)
	clock.Advance(2 * time.Hour)
	send(h, h2) // a retry within the window
	require.Equal(t, 1, count(), "copies within the window are retries")

	clock.Advance(10 * time.Hour) // the next sync, 12 h after the first
	send(h, h2, h, h2)            // a new event, reaching both replicas at once
	require.Equal(t, 2, count(), "a copy after the window is a new delivery, stored once")
	clock.Advance(time.Minute)
	send(h2)
	require.Equal(t, 2, count(), "its retries are retries")

	var handled atomic.Int32
	stop := run(t, f.ib, event.HandlerFunc(func(context.Context, event.Event) error {
		handled.Add(1)
		return nil
	}))
	eventually(t, 10*time.Second, settled(t, f.ib), "both handled")
	stop()
	assert.Equal(t, int32(2), handled.Load(), "handled once per sync")

	// Without a window a copy is a retry however late it comes.
	plain := body(payload{ID: "ev-plain"})
	require.Equal(t, http.StatusOK, post(t, f.handler, f.signer, plain))
	clock.Advance(48 * time.Hour)
	require.Equal(t, http.StatusOK, post(t, f.handler, f.signer, plain))
	assert.Equal(t, 3, count())
}

// testLongKeys stores a delivery whose event id and subject id are longer
// than PostgreSQL can index as text: authentic deliveries are storable
// whatever their field sizes, on both dialects, and keep their order and
// dedupe.
func testLongKeys(t *testing.T, b backend) {
	f := setup(t, b)
	long := strings.Repeat("x", 3000)
	subject := strings.Repeat("s", 5000)
	p1 := payload{ID: "ev-" + long + "-1", Subject: subject, Seq: 1}
	p2 := payload{ID: "ev-" + long + "-2", Subject: subject, Seq: 2}
	f.postOK(t, p1, p2, p1)

	checker := newSubjectChecker(t)
	stop := run(t, f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		checker.begin(e)
		checker.end(e, true)
		return nil
	}))
	eventually(t, 10*time.Second, settled(t, f.ib), "both handled")
	stop()
	assert.Equal(t, inbox.Stats{Done: 2}, stats(t, f.ib))
	d := byEventID(t, f.ib, p1.ID)
	assert.Equal(t, subject, d.Subject.ID, "stored whole")
}

// testUndecodableStoredDead sends an authentic delivery the decoder cannot
// read: it is answered 200 and stored dead, never lost to a provider that
// does not retry a 4xx, and a fixed decoder plus Retry handles it.
func testUndecodableStoredDead(t *testing.T, b backend) {
	f := setup(t, b)
	raw := []byte(`{"id": 42, "type": "booking.created"}`) // the test decoder wants a string id
	require.Equal(t, http.StatusOK, post(t, f.handler, f.signer, raw))
	require.Equal(t, http.StatusOK, post(t, f.handler, f.signer, raw), "a copy")
	ds, err := f.ib.List(t.Context(), inbox.Filter{State: inbox.StateDead})
	require.NoError(t, err)
	require.Len(t, ds, 1, "stored once, dead")
	assert.Equal(t, raw, ds[0].Body)
	assert.Contains(t, ds[0].LastError, "undecodable")

	// Unauthenticated garbage is still refused and never stored.
	r := httptest.NewRequest(http.MethodPost, "/hooks/test", strings.NewReader("garbage"))
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	assert.Equal(t, http.StatusUnauthorized, w.Code)

	// The fix: a replica whose decoder reads the body.
	fixed := f.replica(t, f.open(), inbox.WithDecoder("test", decoderFunc(func(_ http.Header, body []byte) (event.Event, error) {
		return eventtest.New(event.Fields{Provider: "test", Type: event.BookingCreated, ID: "42", Raw: body}), nil
	})))
	var handled atomic.Int32
	stop := run(t, fixed, event.HandlerFunc(func(context.Context, event.Event) error {
		handled.Add(1)
		return nil
	}))
	require.NoError(t, fixed.Retry(t.Context(), ds[0].ID))
	eventually(t, 10*time.Second, func() bool { return handled.Load() == 1 }, "handled after the fix")
	eventually(t, 10*time.Second, settled(t, fixed), "done")
	stop()
	assert.Equal(t, inbox.Stats{Done: 1}, stats(t, fixed))
}

// hidingWrapper wraps a Receiver the way users do, by embedding the
// interface: it hides every optional method of the Receiver it wraps.
type hidingWrapper struct{ event.Receiver }

// secretHeaderReceiver names its token header as secret.
type secretHeaderReceiver struct{ *eventtest.Receiver }

func (secretHeaderReceiver) SecretHeaders() []string { return []string{"X-Token"} }

// testSecretHeadersWrapped stores deliveries through a wrapper that hides
// the receiver's SecretHeaders: the secret header is still not stored,
// because only allow-listed headers ever are.
func testSecretHeadersWrapped(t *testing.T, b backend) {
	f := setup(t, b)
	rc, v := testReceiver(t)
	f.ib.HTTPHandler(rc) // registers the decoder the wrapper hides
	h := f.ib.HTTPHandler(hidingWrapper{secretHeaderReceiver{rc}})
	raw := body(payload{ID: "ev-1"})
	r := httptest.NewRequest(http.MethodPost, "/hooks/test", strings.NewReader(string(raw)))
	v.Sign(r.Header, raw)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Api-Key", "another-secret")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, http.StatusOK, w.Code)
	d := byEventID(t, f.ib, "ev-1")
	assert.Equal(t, http.Header{"Content-Type": {"application/json"}}, d.Header)
}
