package inbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
)

// TestConformance_SQLite runs the conformance suite on a SQLite file.
func TestConformance_SQLite(t *testing.T) {
	testConformance(t, sqliteBackend())
}

// TestConformance_PostgreSQL runs the conformance suite on the PostgreSQL
// database that PMSHOOKS_TEST_POSTGRES_DSN names. Without it the test skips,
// except in CI, where it fails.
func TestConformance_PostgreSQL(t *testing.T) {
	testConformance(t, postgresBackend(t))
}

// testConformance is the behaviour every dialect must have, as
// testing/slogtest is for slog handlers.
func testConformance(t *testing.T, b backend) {
	tests := []struct {
		name string
		run  func(t *testing.T, b backend)
	}{
		{"Migrate", testMigrate},
		{"HTTPHandler", testHTTPHandler},
		{"HTTPHandler_storeFails", testHTTPHandlerStoreFails},
		{"Headers", testHeaders},
		{"Run", testRun},
		{"Run_retriesErrorsAndPanics", testRetries},
		{"Run_deadThenRetry", testDeadThenRetry},
		{"Run_noDecoder", testNoDecoder},
		{"Run_backoffSchedule", testBackoffSchedule},
		{"Run_workerStopped", testWorkerStopped},
		{"Run_leaseExpires", testLeaseExpires},
		{"Run_restart", testRestart},
		{"Run_subjectOrder", testSubjectOrder},
		{"Run_retriedEarlierDeliveryWaitsItsTurn", testRetryOrder},
		{"Run_noSubjectRunsConcurrently", testNoSubjectConcurrent},
		{"Replicas", testReplicas},
		{"Replicas_fewSubjects", testReplicasFewSubjects},
		{"ListGetStats", testListGetStats},
		{"Purge", testPurge},
		{"Logging", testLogging},
		{"Run_noAttemptLeft", testNoAttemptLeft},
		{"HTTPHandler_dedupeWindow", testDedupeWindow},
		{"HTTPHandler_longKeys", testLongKeys},
		{"HTTPHandler_undecodableStoredDead", testUndecodableStoredDead},
		{"HTTPHandler_secretHeadersOfAWrappedReceiver", testSecretHeadersWrapped},
		{"Run_hydrated", testHydrated},
		{"Run_rateLimitedHandlerKeepsItsAttempts", testRateLimitedHandler},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, b) })
	}
}

func testMigrate(t *testing.T, b backend) {
	open := b.database(t)
	db := open()
	ib, err := inbox.New(db, b.dialect)
	require.NoError(t, err)
	require.Equal(t, b.dialect, ib.Dialect())

	err = ib.Run(t.Context(), event.HandlerFunc(func(context.Context, event.Event) error { return nil }))
	require.ErrorIs(t, err, inbox.ErrNotMigrated, "Run refuses a database that was never migrated")

	for range 3 { // idempotent
		require.NoError(t, ib.Migrate(t.Context()))
	}
	var versions, max int
	require.NoError(t, db.QueryRow("SELECT COUNT(*), MAX(version) FROM pmshooks_inbox_schema_version").Scan(&versions, &max))
	assert.Equal(t, 4, versions, "each version is recorded once")
	assert.Equal(t, 4, max)

	// A newer pmshooks migrated this database: refuse it.
	_, err = db.Exec("INSERT INTO pmshooks_inbox_schema_version (version, applied_at) VALUES (99, " + nowSQL(b) + ")")
	require.NoError(t, err)
	require.ErrorIs(t, ib.Migrate(t.Context()), inbox.ErrSchemaTooNew)
	err = ib.Run(t.Context(), event.HandlerFunc(func(context.Context, event.Event) error { return nil }))
	require.ErrorIs(t, err, inbox.ErrSchemaTooNew)
}

// nowSQL is a literal time in the dialect's storage format.
func nowSQL(b backend) string {
	if b.dialect == inbox.SQLite {
		return "'2026-01-01T00:00:00.000000Z'"
	}
	return "now()"
}

func testHTTPHandler(t *testing.T, b backend) {
	clock := newFakeClock()
	f := setup(t, b, inbox.WithClock(clock.Now), inbox.WithHeaderFilter(inbox.AllowHeaders("X-Request-Id")))
	rc, v := testReceiver(t)
	h := f.ib.HTTPHandler(rc, event.WithBodyLimit(256))
	good := body(payload{ID: "ev-1", Type: string(event.BookingCreated), Subject: "b-1", Time: "2026-02-27T10:00:00Z"})

	tests := []struct {
		name   string
		method string
		body   string
		sign   bool
		want   int
	}{
		{"GET", http.MethodGet, "", true, http.StatusMethodNotAllowed},
		{"too large", http.MethodPost, strings.Repeat("x", 300), true, http.StatusRequestEntityTooLarge},
		{"unauthenticated", http.MethodPost, string(good), false, http.StatusUnauthorized},
		{"not decodable", http.MethodPost, "not json", true, http.StatusOK}, // stored dead
		{"stored", http.MethodPost, string(good), true, http.StatusOK},
		{"copy", http.MethodPost, string(good), true, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/hooks/test", strings.NewReader(tc.body))
			if tc.sign {
				v.Sign(r.Header, []byte(tc.body))
			}
			r.Header.Set("X-Request-Id", "req-"+tc.name)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tc.want, w.Code)
			if tc.want == http.StatusMethodNotAllowed {
				assert.Equal(t, http.MethodPost, w.Header().Get("Allow"))
			}
		})
	}

	ds, err := f.ib.List(t.Context(), inbox.Filter{})
	require.NoError(t, err)
	require.Len(t, ds, 2, "the undecodable delivery and the good one; the copy is not stored twice")
	want := []inbox.Delivery{{
		Provider: "test", EventID: event.HashID([]byte("not json")), Type: event.TypeUnknown,
		ReceivedAt: clock.Now(),
		Header:     http.Header{"X-Request-Id": {"req-not decodable"}},
		Body:       []byte("not json"), State: inbox.StateDead, NextAttemptAt: clock.Now(), FinishedAt: clock.Now(),
	}, {
		Provider: "test", EventID: "ev-1", Type: event.BookingCreated, Name: "booking_created",
		Account: "acct-1", Subject: event.Subject{Kind: "booking", ID: "b-1"},
		Time:       time.Date(2026, 2, 27, 10, 0, 0, 0, time.UTC),
		ReceivedAt: clock.Now(),
		Header:     http.Header{"X-Request-Id": {"req-stored"}},
		Body:       good, State: inbox.StatePending, NextAttemptAt: clock.Now(),
	}}
	assert.Empty(t, cmp.Diff(want, ds, cmpopts.IgnoreFields(inbox.Delivery{}, "ID", "LastError")))
	assert.Contains(t, ds[0].LastError, "inbox: stored undecodable")
	assert.Contains(t, ds[0].LastError, event.ErrMalformed.Error())
}

func testHTTPHandlerStoreFails(t *testing.T, b backend) {
	f := setup(t, b)
	db := f.open()
	ib, err := inbox.New(db, b.dialect)
	require.NoError(t, err)
	rc, v := testReceiver(t)
	h := ib.HTTPHandler(rc)
	require.NoError(t, db.Close()) // the database is gone

	r := httptest.NewRequest(http.MethodPost, "/hooks/test", strings.NewReader(string(body(payload{ID: "ev-1"}))))
	v.Sign(r.Header, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "not committed: the provider must retry")
	assert.Equal(t, "5", w.Header().Get("Retry-After"))
}

func testHeaders(t *testing.T, b backend) {
	var got http.Header
	dec := decoderFunc(func(h http.Header, body []byte) (event.Event, error) {
		got = h
		return decodePayload(body)
	})
	f := setup(t, b, inbox.WithHeaderFilter(inbox.AllowHeaders("x-event-hint")), inbox.WithDecoder("test", dec))
	b1 := body(payload{ID: "ev-1"})
	r := httptest.NewRequest(http.MethodPost, "/hooks/test", strings.NewReader(string(b1)))
	f.signer.Sign(r.Header, b1)
	r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	r.Header.Set("Cookie", "session=1")
	r.Header.Add("X-Event-Hint", "a")
	r.Header.Add("X-Event-Hint", "b")
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	require.Equal(t, http.StatusOK, w.Code)

	want := http.Header{"X-Event-Hint": {"a", "b"}, "Content-Type": {"application/json"}}
	d := byEventID(t, f.ib, "ev-1")
	assert.Equal(t, want, d.Header, "credentials and the token header are not stored, though nobody named the token header")

	stop := run(t, f.ib, event.HandlerFunc(func(context.Context, event.Event) error { return nil }))
	eventually(t, 10*time.Second, settled(t, f.ib), "delivery handled")
	stop()
	assert.Equal(t, want, got, "the decoder set by WithDecoder gets the stored headers")
}

type decoderFunc func(h http.Header, body []byte) (event.Event, error)

func (f decoderFunc) Decode(h http.Header, body []byte) (event.Event, error) { return f(h, body) }

func testRun(t *testing.T, b backend) {
	f := setup(t, b, inbox.WithWorkers(3))
	var (
		mu  sync.Mutex
		got = map[string]event.Event{}
	)
	stop := run(t, f.ib, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		_, hasDeadline := ctx.Deadline()
		assert.True(t, hasDeadline, "the handler's context ends with the lease")
		mu.Lock()
		defer mu.Unlock()
		got[e.ID()] = e
		return nil
	}))
	var sent [][]byte
	for i := range 20 {
		p := payload{ID: fmt.Sprintf("ev-%d", i), Type: string(event.BookingUpdated), Subject: fmt.Sprintf("b-%d", i%4), Seq: i}
		f.postOK(t, p)
		sent = append(sent, body(p))
	}
	eventually(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 20 }, "20 handled")
	stop()
	for i, raw := range sent {
		e := got[fmt.Sprintf("ev-%d", i)]
		require.NotNil(t, e)
		assert.Equal(t, event.Provider("test"), e.Provider())
		assert.Equal(t, event.BookingUpdated, e.Type())
		assert.Equal(t, event.Subject{Kind: "booking", ID: fmt.Sprintf("b-%d", i%4)}, e.Subject())
		assert.Equal(t, raw, e.Raw(), "the event is rebuilt from the exact body")
	}
	assert.Equal(t, inbox.Stats{Done: 20}, stats(t, f.ib))
}

func testRetries(t *testing.T, b backend) {
	f := setup(t, b, inbox.WithMaxAttempts(5))
	var calls sync.Map // event id -> *atomic.Int32
	stop := run(t, f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		n, _ := calls.LoadOrStore(e.ID(), new(atomic.Int32))
		switch c := n.(*atomic.Int32).Add(1); {
		case e.ID() == "fails-twice" && c <= 2:
			return errBoom
		case e.ID() == "panics-once" && c == 1:
			panic("handler bug")
		}
		return nil
	}))
	f.postOK(t, payload{ID: "fails-twice"}, payload{ID: "panics-once"}, payload{ID: "fine"})
	eventually(t, 10*time.Second, settled(t, f.ib), "all handled")
	stop()

	for _, tc := range []struct {
		id       string
		attempts int
		lastErr  string
	}{
		{"fails-twice", 3, "boom"},
		{"panics-once", 2, "handler panicked: handler bug"},
		{"fine", 1, ""},
	} {
		d := byEventID(t, f.ib, tc.id)
		assert.Equal(t, inbox.StateDone, d.State, tc.id)
		assert.Equal(t, tc.attempts, d.Attempts, tc.id)
		assert.Contains(t, d.LastError, tc.lastErr, tc.id)
		assert.False(t, d.FinishedAt.IsZero(), tc.id)
	}
}

func testDeadThenRetry(t *testing.T, b backend) {
	f := setup(t, b, inbox.WithMaxAttempts(3))
	var (
		fail  atomic.Bool
		calls atomic.Int32
	)
	fail.Store(true)
	stop := run(t, f.ib, event.HandlerFunc(func(context.Context, event.Event) error {
		calls.Add(1)
		if fail.Load() {
			return errBoom
		}
		return nil
	}))
	f.postOK(t, payload{ID: "ev-1", Subject: "b-1"}, payload{ID: "ev-2", Subject: "b-1"})
	eventually(t, 10*time.Second, func() bool { return stats(t, f.ib).Dead == 2 }, "both dead")
	assert.Equal(t, int32(6), calls.Load(), "three attempts each")

	dead, err := f.ib.List(t.Context(), inbox.Filter{State: inbox.StateDead})
	require.NoError(t, err)
	require.Len(t, dead, 2, "dead deliveries are kept")
	for _, d := range dead {
		assert.Equal(t, 3, d.Attempts)
		assert.Equal(t, "boom", d.LastError)
		assert.False(t, d.FinishedAt.IsZero())
	}

	fail.Store(false)
	for _, d := range dead {
		require.NoError(t, f.ib.Retry(t.Context(), d.ID))
	}
	eventually(t, 10*time.Second, func() bool { return stats(t, f.ib).Done == 2 }, "retried deliveries handled")
	stop()
	d := byEventID(t, f.ib, "ev-1")
	assert.Equal(t, 1, d.Attempts, "Retry starts a fresh count")
	assert.Equal(t, "boom", d.LastError, "the last error stays for the record")

	require.ErrorIs(t, f.ib.Retry(t.Context(), d.ID), inbox.ErrNotDead)
	require.ErrorIs(t, f.ib.Retry(t.Context(), 1<<40), inbox.ErrNotFound)
}

func testNoDecoder(t *testing.T, b backend) {
	f := setup(t, b)
	f.postOK(t, payload{ID: "ev-1"})
	// A replica with no decoder for the provider fails the delivery; it is
	// never dropped.
	ib, err := inbox.New(f.db, b.dialect, fastOptions()...)
	require.NoError(t, err)
	stop := run(t, ib, event.HandlerFunc(func(context.Context, event.Event) error {
		t.Error("handler called without a decoder")
		return nil
	}))
	eventually(t, 10*time.Second, func() bool { return stats(t, f.ib).Dead == 1 }, "dead")
	stop()
	d := byEventID(t, f.ib, "ev-1")
	assert.Contains(t, d.LastError, inbox.ErrNoDecoder.Error())
}

func testBackoffSchedule(t *testing.T, b backend) {
	clock := newFakeClock()
	f := setup(t, b, inbox.WithClock(clock.Now), inbox.WithMaxAttempts(4),
		inbox.WithBackoff(func(n int) time.Duration { return time.Duration(n) * time.Minute }))
	var calls atomic.Int32
	stop := run(t, f.ib, event.HandlerFunc(func(context.Context, event.Event) error {
		calls.Add(1)
		return errBoom
	}))
	f.postOK(t, payload{ID: "ev-1"})
	start := clock.Now()
	for attempt := 1; attempt <= 3; attempt++ {
		eventually(t, 10*time.Second, func() bool { return calls.Load() == int32(attempt) }, "attempt %d", attempt)
		var d inbox.Delivery
		eventually(t, 10*time.Second, func() bool {
			d = byEventID(t, f.ib, "ev-1")
			return d.State == inbox.StatePending
		}, "attempt %d recorded", attempt)
		assert.Equal(t, clock.Now().Add(time.Duration(attempt)*time.Minute), d.NextAttemptAt, "attempt %d", attempt)
		time.Sleep(50 * time.Millisecond) // five polls: not due yet
		require.Equal(t, int32(attempt), calls.Load(), "no attempt before the backoff ends")
		clock.Advance(time.Duration(attempt) * time.Minute)
	}
	eventually(t, 10*time.Second, func() bool { return byEventID(t, f.ib, "ev-1").State == inbox.StateDead }, "dead after 4")
	stop()
	d := byEventID(t, f.ib, "ev-1")
	assert.Equal(t, 4, d.Attempts)
	assert.Equal(t, start.Add(6*time.Minute), d.FinishedAt)
}

func testWorkerStopped(t *testing.T, b backend) {
	f := setup(t, b)
	started := make(chan struct{})
	stopA := run(t, f.ib, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		close(started)
		<-ctx.Done() // a long handler, interrupted by the shutdown
		return ctx.Err()
	}))
	f.postOK(t, payload{ID: "ev-1", Subject: "b-1"})
	<-started
	require.Equal(t, int64(1), stats(t, f.ib).InFlight)
	stopA() // the worker is killed mid-handling

	d := byEventID(t, f.ib, "ev-1")
	assert.Equal(t, inbox.StatePending, d.State, "released at once, not held until the lease ends")
	assert.Equal(t, 0, d.Attempts, "an interrupted attempt is not counted")

	other := f.replica(t, f.open())
	var handled atomic.Int32
	stopB := run(t, other, event.HandlerFunc(func(context.Context, event.Event) error {
		handled.Add(1)
		return nil
	}))
	eventually(t, 10*time.Second, func() bool { return handled.Load() == 1 }, "another worker handles it")
	eventually(t, 10*time.Second, settled(t, f.ib), "done")
	stopB()
	d = byEventID(t, f.ib, "ev-1")
	assert.Equal(t, inbox.StateDone, d.State)
	assert.Equal(t, 1, d.Attempts)
}

func testLeaseExpires(t *testing.T, b backend) {
	clock := newFakeClock()
	logs := &logRecorder{}
	f := setup(t, b, inbox.WithClock(clock.Now), inbox.WithLease(time.Minute))
	hung := f.replica(t, f.db, inbox.WithLogger(slog.New(logs)), inbox.WithWorkers(1))
	started, unblock := make(chan struct{}), make(chan struct{})
	stopHung := run(t, hung, event.HandlerFunc(func(context.Context, event.Event) error {
		close(started)
		<-unblock // hangs, deaf to its context
		return nil
	}))
	f.postOK(t, payload{ID: "ev-1", Subject: "b-1"})
	<-started

	var handled atomic.Int32
	other := f.replica(t, f.open())
	stopOther := run(t, other, event.HandlerFunc(func(context.Context, event.Event) error {
		handled.Add(1)
		return nil
	}))
	time.Sleep(50 * time.Millisecond)
	require.Equal(t, int32(0), handled.Load(), "the lease holds")
	clock.Advance(time.Minute + time.Second) // the lease ends
	eventually(t, 10*time.Second, func() bool { return handled.Load() == 1 }, "another worker takes it over")
	eventually(t, 10*time.Second, settled(t, f.ib), "done")

	close(unblock) // the hung worker comes back: its outcome is discarded
	stopHung()
	stopOther()
	require.Len(t, logs.find("outcome", "lease_lost"), 1)
	d := byEventID(t, f.ib, "ev-1")
	assert.Equal(t, inbox.StateDone, d.State)
	assert.Equal(t, 2, d.Attempts)
}

func testRestart(t *testing.T, b backend) {
	clock := newFakeClock()
	f := setup(t, b, inbox.WithClock(clock.Now), inbox.WithWorkers(3))
	const n = 30
	for i := range n {
		f.postOK(t, payload{ID: fmt.Sprintf("ev-%d", i), Subject: fmt.Sprintf("b-%d", i%5)})
	}
	var (
		mu      sync.Mutex
		handled = map[string]int{}
	)
	record := func(e event.Event) {
		mu.Lock()
		defer mu.Unlock()
		handled[e.ID()]++
	}
	// The first process handles a few, then dies with three in flight:
	// its database goes away first, so it records nothing more.
	var calls atomic.Int32
	hang := make(chan struct{})
	stop := run(t, f.ib, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		if calls.Add(1) > 5 {
			<-hang
			return ctx.Err()
		}
		record(e)
		return nil
	}))
	eventually(t, 10*time.Second, func() bool { return calls.Load() == 8 && stats(t, f.ib).Done == 5 }, "five done, three in flight")
	require.NoError(t, f.db.Close())
	close(hang)
	stop()

	// The restarted process opens the file again.
	db := f.open()
	ib, err := inbox.New(db, b.dialect, append(fastOptions(), inbox.WithClock(clock.Now), inbox.WithWorkers(3))...)
	require.NoError(t, err)
	rc, _ := testReceiver(t)
	ib.HTTPHandler(rc)
	require.NoError(t, ib.Migrate(t.Context()))
	s := stats(t, ib)
	assert.Equal(t, int64(n-5), s.Pending+s.InFlight, "nothing pending is lost")
	assert.Equal(t, int64(3), s.InFlight, "the dead process's leases still hold")
	clock.Advance(31 * time.Second) // they end
	stop = run(t, ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		record(e)
		return nil
	}))
	eventually(t, 10*time.Second, settled(t, ib), "all handled after the restart")
	stop()
	assert.Equal(t, inbox.Stats{Done: n}, stats(t, ib))
	for i := range n {
		assert.Equal(t, 1, handled[fmt.Sprintf("ev-%d", i)], "ev-%d handled once", i)
	}
}

// subjectChecker fails t when two deliveries of one subject run at once or
// a subject's deliveries succeed out of order.
type subjectChecker struct {
	t        *testing.T
	mu       sync.Mutex
	inFlight map[string]bool
	lastSeq  map[string]int
	overlaps atomic.Int32
}

func newSubjectChecker(t *testing.T) *subjectChecker {
	return &subjectChecker{t: t, inFlight: map[string]bool{}, lastSeq: map[string]int{}}
}

// begin and end bracket a handler call; end records a success.
func (c *subjectChecker) begin(e event.Event) {
	subj := e.Subject().ID
	if subj == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inFlight[subj] {
		c.overlaps.Add(1)
		c.t.Errorf("two deliveries of subject %s in flight at once", subj)
	}
	c.inFlight[subj] = true
}

func (c *subjectChecker) end(e event.Event, ok bool) {
	subj := e.Subject().ID
	if subj == "" {
		return
	}
	seq := e.Data().(payload).Seq
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inFlight[subj] = false
	if !ok {
		return
	}
	if last, seen := c.lastSeq[subj]; seen && seq <= last {
		c.t.Errorf("subject %s: delivery %d handled after %d", subj, seq, last)
	}
	c.lastSeq[subj] = seq
}

func testSubjectOrder(t *testing.T, b backend) {
	f := setup(t, b, inbox.WithWorkers(3), inbox.WithMaxAttempts(5))
	replica := f.ib
	if b.replicas {
		replica = f.replica(t, f.open())
	}
	check := newSubjectChecker(t)
	var attempts sync.Map
	h := event.HandlerFunc(func(_ context.Context, e event.Event) error {
		check.begin(e)
		time.Sleep(time.Millisecond) // give other workers a chance to overlap
		n, _ := attempts.LoadOrStore(e.ID(), new(atomic.Int32))
		// Every third delivery fails once: its successors must wait.
		fail := n.(*atomic.Int32).Add(1) == 1 && e.Data().(payload).Seq%3 == 0
		check.end(e, !fail)
		if fail {
			return errBoom
		}
		return nil
	})
	run(t, f.ib, h)
	if replica != f.ib {
		run(t, replica, h)
	}
	const subjects, perSubject = 6, 15
	for i := range subjects * perSubject {
		f.postOK(t, payload{ID: fmt.Sprintf("ev-%d", i), Subject: fmt.Sprintf("b-%d", i%subjects), Seq: i})
		if i%10 == 0 {
			f.postOK(t, payload{ID: fmt.Sprintf("free-%d", i), Seq: i})
		}
	}
	eventually(t, 20*time.Second, func() bool { return stats(t, f.ib).Done == subjects*perSubject+9 }, "all handled")
	check.mu.Lock()
	defer check.mu.Unlock()
	assert.Len(t, check.lastSeq, subjects)
	for s, seq := range check.lastSeq {
		assert.GreaterOrEqual(t, seq, subjects*(perSubject-1), "subject %s ends with its last delivery", s)
	}
}

// testRetryOrder retries a dead delivery while later deliveries of its
// subject are being handled: it is the earliest again, so it runs next, but
// never at the same time as another delivery of the subject.
func testRetryOrder(t *testing.T, b backend) {
	f := setup(t, b, inbox.WithWorkers(3), inbox.WithMaxAttempts(1))
	replica := f.ib
	if b.replicas {
		replica = f.replica(t, f.open())
	}
	var (
		revived atomic.Bool
		order   []string
		mu      sync.Mutex
	)
	check := newSubjectChecker(t)
	h := event.HandlerFunc(func(_ context.Context, e event.Event) error {
		check.begin(e)
		defer check.end(e, false) // only overlaps are checked here
		if e.ID() == "ev-0" && !revived.Load() {
			return errBoom
		}
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		order = append(order, e.ID())
		return nil
	})
	run(t, f.ib, h)
	if replica != f.ib {
		run(t, replica, h)
	}
	f.postOK(t, payload{ID: "ev-0", Subject: "b-1"})
	eventually(t, 10*time.Second, func() bool { return stats(t, f.ib).Dead == 1 }, "ev-0 dead")
	for i := 1; i <= 30; i++ {
		f.postOK(t, payload{ID: fmt.Sprintf("ev-%d", i), Subject: "b-1", Seq: i})
	}
	eventually(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(order) >= 5 }, "later deliveries under way")
	revived.Store(true)
	require.NoError(t, f.ib.Retry(t.Context(), byEventID(t, f.ib, "ev-0").ID))
	eventually(t, 20*time.Second, func() bool { return stats(t, f.ib).Done == 31 }, "all handled")

	mu.Lock()
	defer mu.Unlock()
	var later []string
	for _, id := range order {
		if id != "ev-0" {
			later = append(later, id)
		}
	}
	for i, id := range later {
		require.Equal(t, fmt.Sprintf("ev-%d", i+1), id, "the later deliveries keep their order")
	}
	assert.Equal(t, int32(0), check.overlaps.Load())
}

func testNoSubjectConcurrent(t *testing.T, b backend) {
	f := setup(t, b, inbox.WithWorkers(2))
	var (
		wg   sync.WaitGroup
		both = make(chan struct{})
	)
	wg.Add(2)
	go func() { wg.Wait(); close(both) }()
	run(t, f.ib, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		wg.Done()
		select {
		case <-both: // the other one is in flight too
			return nil
		case <-time.After(10 * time.Second):
			return errBoom
		}
	}))
	f.postOK(t, payload{ID: "ev-1"}, payload{ID: "ev-2"})
	select {
	case <-both:
	case <-time.After(10 * time.Second):
		t.Fatal("deliveries without a subject were not handled at the same time")
	}
	eventually(t, 10*time.Second, settled(t, f.ib), "handled")
}

// testReplicas is the production shape: two replicas (two pools on
// PostgreSQL) receive 2 000 deliveries (500 on SQLite), a fifth of them sent twice, once to
// each replica at the same moment, and run workers whose handler fails the
// first attempt of some. Each must be handled successfully exactly once.
func testReplicas(t *testing.T, b backend) {
	n := b.replicaDeliveries
	subjects := n / 8
	f := setup(t, b, inbox.WithWorkers(3), inbox.WithMaxAttempts(3), inbox.WithPollInterval(20*time.Millisecond))
	db2 := f.db
	if b.replicas {
		db2 = f.open()
	}
	ibs := []*inbox.Inbox{f.ib, f.replica(t, db2)}
	handlers := make([]http.Handler, 2)
	for i, ib := range ibs {
		rc, _ := testReceiver(t)
		handlers[i] = ib.HTTPHandler(rc)
	}

	var (
		attempts  sync.Map // event id -> *atomic.Int32
		successes sync.Map // event id -> *atomic.Int32
		done      atomic.Int32
	)
	check := newSubjectChecker(t)
	h := event.HandlerFunc(func(_ context.Context, e event.Event) error {
		check.begin(e)
		a, _ := attempts.LoadOrStore(e.ID(), new(atomic.Int32))
		fail := a.(*atomic.Int32).Add(1) == 1 && e.Data().(payload).Seq%10 == 0
		check.end(e, !fail)
		if fail {
			return errBoom
		}
		s, _ := successes.LoadOrStore(e.ID(), new(atomic.Int32))
		s.(*atomic.Int32).Add(1)
		done.Add(1)
		return nil
	})
	for _, ib := range ibs {
		run(t, ib, h)
	}

	// Each sender sends the deliveries of its own subjects, in order, so
	// that the order they are stored in is their Seq order.
	const senders = 6
	start := time.Now()
	var sending sync.WaitGroup
	for k := range senders {
		sending.Go(func() {
			for i := range n {
				if i%subjects%senders != k {
					continue
				}
				raw := body(payload{ID: fmt.Sprintf("ev-%d", i), Subject: fmt.Sprintf("b-%d", i%subjects), Seq: i})
				if i%5 != 0 {
					assert.Equal(t, http.StatusOK, post(t, handlers[i%2], f.signer, raw))
					continue
				}
				var both sync.WaitGroup // a copy to each replica at once
				for _, h := range handlers {
					both.Go(func() { assert.Equal(t, http.StatusOK, post(t, h, f.signer, raw)) })
				}
				both.Wait()
			}
		})
	}
	sending.Wait()
	stored := time.Since(start)
	eventually(t, 45*time.Second, func() bool { return done.Load() >= int32(n) }, "all %d handled (have %d)", n, done.Load())
	eventually(t, 10*time.Second, settled(t, f.ib), "settled")
	t.Logf("%s: %d deliveries (%d copies) stored in %v, all handled in %v",
		b.name, n, n/5, stored.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	for i := range n {
		s, ok := successes.Load(fmt.Sprintf("ev-%d", i))
		require.True(t, ok, "ev-%d was never handled", i)
		require.Equal(t, int32(1), s.(*atomic.Int32).Load(), "ev-%d handled successfully once", i)
	}
	assert.Equal(t, int32(0), check.overlaps.Load())
	assert.Equal(t, inbox.Stats{Done: int64(n)}, stats(t, f.ib), "none lost, none dead, none stored twice")
}

// testReplicasFewSubjects runs four replicas (four pools on PostgreSQL) on
// a few busy subjects: each subject's deliveries are stored through every
// replica in turn while all of them work, so that heads are passed on by
// one replica while another stores the next delivery of the subject. Every
// subject is handled in order, one delivery at a time.
func testReplicasFewSubjects(t *testing.T, b backend) {
	const (
		replicas   = 4
		subjects   = 4
		perSubject = 40
	)
	f := setup(t, b, inbox.WithWorkers(3), inbox.WithMaxAttempts(5), inbox.WithPollInterval(20*time.Millisecond))
	ibs := []*inbox.Inbox{f.ib}
	for range replicas - 1 {
		db := f.db
		if b.replicas {
			db = f.open()
		}
		ibs = append(ibs, f.replica(t, db))
	}
	check := newSubjectChecker(t)
	var (
		attempts sync.Map
		done     atomic.Int32
	)
	h := event.HandlerFunc(func(_ context.Context, e event.Event) error {
		check.begin(e)
		a, _ := attempts.LoadOrStore(e.ID(), new(atomic.Int32))
		fail := a.(*atomic.Int32).Add(1) == 1 && e.Data().(payload).Seq%7 == 0
		check.end(e, !fail)
		if fail {
			return errBoom
		}
		done.Add(1)
		return nil
	})
	handlers := make([]http.Handler, replicas)
	for i, ib := range ibs {
		rc, _ := testReceiver(t)
		handlers[i] = ib.HTTPHandler(rc)
		run(t, ib, h)
	}
	var sending sync.WaitGroup
	for s := range subjects {
		sending.Go(func() {
			for i := range perSubject {
				seq := i*subjects + s
				raw := body(payload{ID: fmt.Sprintf("ev-%d", seq), Subject: fmt.Sprintf("b-%d", s), Seq: seq})
				assert.Equal(t, http.StatusOK, post(t, handlers[(i+s)%replicas], f.signer, raw))
			}
		})
	}
	sending.Wait()
	eventually(t, 45*time.Second, func() bool { return done.Load() >= subjects*perSubject }, "all handled (have %d)", done.Load())
	eventually(t, 10*time.Second, settled(t, f.ib), "settled")
	assert.Equal(t, int32(0), check.overlaps.Load())
	assert.Equal(t, inbox.Stats{Done: subjects * perSubject}, stats(t, f.ib))
}

func testListGetStats(t *testing.T, b backend) {
	f := setup(t, b, inbox.WithMaxAttempts(1), inbox.WithWorkers(1))
	release := make(chan struct{})
	run(t, f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		switch e.ID() {
		case "dead":
			return errBoom
		case "slow":
			<-release
		}
		return nil
	}))
	f.postOK(t, payload{ID: "done"}, payload{ID: "dead"}, payload{ID: "slow"})
	eventually(t, 10*time.Second, func() bool { return byEventID(t, f.ib, "slow").State == inbox.StateInFlight }, "slow in flight")
	// "done" is written a moment after its handler returned (a group commit).
	eventually(t, 10*time.Second, func() bool { return byEventID(t, f.ib, "done").State == inbox.StateDone }, "done written")
	f.postOK(t, payload{ID: "waiting-1"}, payload{ID: "waiting-2"})
	s := stats(t, f.ib)
	assert.Equal(t, inbox.Stats{Pending: 2, InFlight: 1, Dead: 1, Done: 1}, inbox.Stats{Pending: s.Pending, InFlight: s.InFlight, Dead: s.Dead, Done: s.Done})
	assert.Equal(t, byEventID(t, f.ib, "slow").ReceivedAt, s.OldestPending, "the oldest unfinished delivery")

	ids := func(fl inbox.Filter) []string {
		ds, err := f.ib.List(t.Context(), fl)
		require.NoError(t, err)
		var out []string
		for _, d := range ds {
			out = append(out, d.EventID)
		}
		return out
	}
	assert.Equal(t, []string{"done", "dead", "slow", "waiting-1", "waiting-2"}, ids(inbox.Filter{}))
	assert.Equal(t, []string{"waiting-1", "waiting-2"}, ids(inbox.Filter{State: inbox.StatePending}))
	assert.Equal(t, []string{"slow"}, ids(inbox.Filter{State: inbox.StateInFlight}))
	assert.Equal(t, []string{"dead"}, ids(inbox.Filter{State: inbox.StateDead}))
	assert.Equal(t, []string{"done"}, ids(inbox.Filter{State: inbox.StateDone}))
	assert.Empty(t, ids(inbox.Filter{Provider: "other"}))
	page := ids(inbox.Filter{Limit: 2})
	assert.Equal(t, []string{"done", "dead"}, page)
	second := byEventID(t, f.ib, "dead")
	assert.Equal(t, []string{"slow", "waiting-1"}, ids(inbox.Filter{After: second.ID, Limit: 2}))
	_, err := f.ib.List(t.Context(), inbox.Filter{State: "bogus"})
	require.Error(t, err)

	got, err := f.ib.Get(t.Context(), second.ID)
	require.NoError(t, err)
	assert.Equal(t, second, got)
	assert.Equal(t, inbox.StateDead, got.State)
	_, err = f.ib.Get(t.Context(), 1<<40)
	require.ErrorIs(t, err, inbox.ErrNotFound)
	close(release)
}

func testPurge(t *testing.T, b backend) {
	clock := newFakeClock()
	f := setup(t, b, inbox.WithClock(clock.Now), inbox.WithMaxAttempts(1))
	stop := run(t, f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		if e.ID() == "dead" {
			return errBoom
		}
		return nil
	}))
	f.postOK(t, payload{ID: "old-1"}, payload{ID: "old-2"}, payload{ID: "dead"})
	eventually(t, 10*time.Second, settled(t, f.ib), "handled")
	clock.Advance(2 * time.Hour)
	f.postOK(t, payload{ID: "new"})
	eventually(t, 10*time.Second, func() bool { return stats(t, f.ib).Done == 3 }, "handled")
	stop()
	f.postOK(t, payload{ID: "pending"})

	n, err := f.ib.Purge(t.Context(), time.Hour)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	s := stats(t, f.ib)
	assert.Equal(t, inbox.Stats{Pending: 1, Dead: 1, Done: 1}, inbox.Stats{Pending: s.Pending, Dead: s.Dead, Done: s.Done})
	n, err = f.ib.Purge(t.Context(), time.Hour)
	require.NoError(t, err)
	assert.Zero(t, n)
}

func testLogging(t *testing.T, b backend) {
	logs := &logRecorder{}
	f := setup(t, b, inbox.WithLogger(slog.New(logs)), inbox.WithMaxAttempts(2))
	var calls atomic.Int32
	stop := run(t, f.ib, event.HandlerFunc(func(context.Context, event.Event) error {
		if calls.Add(1) == 1 {
			return errBoom
		}
		return nil
	}))
	f.postOK(t, payload{ID: "ev-1"})
	eventually(t, 10*time.Second, settled(t, f.ib), "handled")
	stop()
	// The inbox's logger also serves event.Middleware.
	r := httptest.NewRequest(http.MethodPost, "/hooks/test", strings.NewReader(string(body(payload{ID: "ev-2"}))))
	f.handler.ServeHTTP(httptest.NewRecorder(), r)
	assert.Len(t, logs.find("msg", "delivery rejected: authentication failed"), 1)
	for _, tc := range []struct {
		outcome string
		attempt int64
	}{{"retry", 1}, {"done", 2}} {
		recs := logs.find("outcome", tc.outcome)
		require.Len(t, recs, 1, tc.outcome)
		r := recs[0]
		assert.Equal(t, "test", r["provider"])
		assert.Equal(t, "ev-1", r["event_id"])
		assert.Equal(t, tc.attempt, r["attempt"])
	}
	assert.Len(t, logs.find("outcome", "stored"), 1)
	assert.Equal(t, "boom", fmt.Sprint(logs.find("outcome", "retry")[0]["err"]))
}
