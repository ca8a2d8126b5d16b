package inbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
)

// fakeSource is a provider API's change feed, in memory: its checkpoint is
// the index of the next change; pages hold two changes.
type fakeSource struct {
	name string

	mu      sync.Mutex
	changes []payload // ID and Subject, Version, Type of each change
	calls   int
	active  atomic.Int32 // Changes calls running now
	overlap atomic.Bool  // two ran at once
	acked   []string
	ackErr  error
	// stored, when set, tells whether a change is stored; Ack records a
	// change acknowledged before it was.
	stored     func(id string) bool
	ackedEarly []string
}

func (s *fakeSource) Provider() event.Provider { return "test" }
func (s *fakeSource) Name() string             { return s.name }

func (s *fakeSource) add(ps ...payload) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changes = append(s.changes, ps...)
}

func (s *fakeSource) Changes(_ context.Context, cur event.Cursor) (*event.ChangePage, error) {
	if s.active.Add(1) > 1 {
		s.overlap.Store(true)
	}
	defer s.active.Add(-1)
	time.Sleep(time.Millisecond) // long enough for a second poller to overlap, if it could
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	from := 0
	if cur.Checkpoint != "" {
		from, _ = strconv.Atoi(cur.Checkpoint)
	}
	to := min(from+2, len(s.changes))
	page := &event.ChangePage{Checkpoint: strconv.Itoa(to), More: to < len(s.changes)}
	for _, p := range s.changes[from:to] {
		b, _ := json.Marshal(p)
		page.Changes = append(page.Changes, event.Change{ID: "poll:" + p.ID, Body: b})
	}
	return page, nil
}

func (s *fakeSource) Decode(_ http.Header, body []byte) (event.Event, error) {
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("%w: %v", event.ErrMalformed, err)
	}
	b := &event.Booking{ID: p.Subject, Status: event.StatusConfirmed}
	e := event.New(event.Fields{
		Provider: "test", Type: event.BookingUpdated, Name: "booking_updated", ID: "poll:" + p.ID,
		Subject: event.Subject{Kind: "booking", ID: p.Subject}, Raw: body, Data: p, Booking: b,
		Version: p.Version, Origin: event.OriginPoll,
	})
	return event.WithRecord(e, event.Record{Data: p, Booking: b}), nil
}

func (s *fakeSource) Ack(_ context.Context, page *event.ChangePage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ackErr != nil {
		return s.ackErr
	}
	for _, c := range page.Changes {
		s.acked = append(s.acked, c.ID)
		if s.stored != nil && !s.stored(c.ID) {
			s.ackedEarly = append(s.ackedEarly, c.ID)
		}
	}
	return nil
}

func (s *fakeSource) ackedIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acked...)
}

// recorder is a handler that records every event it gets.
type recorder struct {
	mu     sync.Mutex
	events []event.Event
}

func (r *recorder) HandleEvent(_ context.Context, e event.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// bySubjectVersion counts the handled events per "subject@version".
func (r *recorder) bySubjectVersion() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[string]int{}
	for _, e := range r.events {
		m[e.Subject().ID+"@"+event.VersionOf(e)]++
	}
	return m
}

func testReconcileUndelivered(t *testing.T, b backend) {
	src := &fakeSource{name: "test/bookings/acct-1"}
	f := setup(t, b, inbox.WithReconciler(20*time.Millisecond, src))
	src.stored = func(id string) bool {
		ds, err := f.ib.List(context.Background(), inbox.Filter{Limit: inbox.MaxListLimit})
		require.NoError(t, err)
		for _, d := range ds {
			if d.EventID == id {
				return true
			}
		}
		return false
	}
	var rec recorder
	stop := run(t, f.ib, &rec)

	// A change on the provider whose webhook never came.
	src.add(payload{ID: "c1", Subject: "b-1", Version: "v1"})
	eventually(t, 10*time.Second, func() bool { return rec.count() == 1 }, "the polled change handled")
	eventually(t, 10*time.Second, func() bool { return len(src.ackedIDs()) == 1 }, "acknowledged")
	stop()

	rec.mu.Lock()
	e := rec.events[0]
	rec.mu.Unlock()
	assert.Equal(t, event.OriginPoll, event.OriginOf(e))
	assert.Equal(t, "v1", event.VersionOf(e))
	r, ok := event.RecordOf(e)
	require.True(t, ok, "a polled event carries its record")
	assert.Equal(t, payload{ID: "c1", Subject: "b-1", Version: "v1"}, r.Data)

	d := byEventID(t, f.ib, "poll:c1")
	assert.Equal(t, src.name, d.Source)
	assert.Equal(t, inbox.StateDone, d.State)
	assert.Equal(t, []string{"poll:c1"}, src.ackedIDs())
	src.mu.Lock()
	assert.Empty(t, src.ackedEarly, "acknowledged before it was stored")
	src.mu.Unlock()
}

func testReconcileWebhookAndPollOnce(t *testing.T, b backend) {
	for _, webhookFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("webhook first: %t", webhookFirst), func(t *testing.T) {
			src := &fakeSource{name: "test/bookings/acct-1"}
			f := setup(t, b)
			change := payload{ID: "wh-1", Subject: "b-1", Version: "v7"}
			poll := func() {
				src.add(change)
				_, err := f.ib.Reconcile(t.Context(), src, inbox.ReconcileOptions{})
				require.NoError(t, err)
			}
			if webhookFirst {
				f.postOK(t, change)
				poll()
			} else {
				poll()
				f.postOK(t, change) // answered 200: a copy
			}
			// A later state of the same booking is a change of its own.
			f.postOK(t, payload{ID: "wh-2", Subject: "b-1", Version: "v8"})

			var rec recorder
			stop := run(t, f.ib, &rec)
			eventually(t, 10*time.Second, settled(t, f.ib), "handled")
			stop()
			assert.Equal(t, map[string]int{"b-1@v7": 1, "b-1@v8": 1}, rec.bySubjectVersion())
			assert.Equal(t, inbox.Stats{Done: 2}, stats(t, f.ib))
		})
	}
}

func testReconcileCrashBeforeCheckpoint(t *testing.T, b backend) {
	src := &fakeSource{name: "test/bookings/acct-1"}
	f := setup(t, b)
	src.add(payload{ID: "c1", Subject: "b-1", Version: "v1"}, payload{ID: "c2", Subject: "b-2", Version: "v1"},
		payload{ID: "c3", Subject: "b-3", Version: "v1"})

	crashes := 1
	inbox.SetAfterStore(f.ib, func() error {
		if crashes > 0 {
			crashes--
			return errors.New("crash")
		}
		return nil
	})
	_, err := f.ib.Reconcile(t.Context(), src, inbox.ReconcileOptions{})
	require.Error(t, err, "the pass ends after storing its first page, before the checkpoint")

	res, err := f.ib.Reconcile(t.Context(), src, inbox.ReconcileOptions{})
	require.NoError(t, err)
	assert.Equal(t, inbox.ReconcileProgress{Source: src.name, Pages: 2, Changes: 3, Stored: 1, Duplicates: 2, Checkpoint: "3"}, res,
		"the first page is listed again, and not stored again")

	var rec recorder
	stop := run(t, f.ib, &rec)
	eventually(t, 10*time.Second, settled(t, f.ib), "handled")
	stop()
	assert.Equal(t, map[string]int{"b-1@v1": 1, "b-2@v1": 1, "b-3@v1": 1}, rec.bySubjectVersion(), "nothing handled twice")

	// The checkpoint holds: the next pass lists only what is new.
	src.add(payload{ID: "c4", Subject: "b-4", Version: "v1"})
	res, err = f.ib.Reconcile(t.Context(), src, inbox.ReconcileOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Changes)
	assert.Equal(t, 1, res.Stored)
}

func testReconcileOnePollerAtATime(t *testing.T, b backend) {
	src := &fakeSource{name: "test/bookings/acct-1"}
	f := setup(t, b, inbox.WithReconciler(5*time.Millisecond, src))
	replicas := []*inbox.Inbox{f.ib}
	if b.replicas {
		for range 2 {
			db := f.open()
			replicas = append(replicas, f.replica(t, db, inbox.WithReconciler(5*time.Millisecond, src)))
		}
	} else {
		replicas = append(replicas, f.replica(t, f.db, inbox.WithReconciler(5*time.Millisecond, src)))
	}
	var rec recorder
	for _, ib := range replicas {
		run(t, ib, &rec)
	}
	for i := range 30 {
		src.add(payload{ID: fmt.Sprintf("c%d", i), Subject: fmt.Sprintf("b-%d", i%5), Version: strconv.Itoa(i)})
		time.Sleep(2 * time.Millisecond)
	}
	eventually(t, 20*time.Second, func() bool { return rec.count() == 30 }, "all 30 changes handled")
	eventually(t, 10*time.Second, settled(t, f.ib), "settled")
	assert.False(t, src.overlap.Load(), "two replicas polled the source at once")
	assert.Len(t, rec.bySubjectVersion(), 30, "nothing handled twice")
}

// blockingSource is a fakeSource whose listing takes hold.
type blockingSource struct {
	*fakeSource
	hold time.Duration
}

func (s *blockingSource) Changes(ctx context.Context, cur event.Cursor) (*event.ChangePage, error) {
	time.Sleep(s.hold)
	return s.fakeSource.Changes(ctx, cur)
}

func testReconcileBusy(t *testing.T, b backend) {
	slow := &blockingSource{fakeSource: &fakeSource{name: "test/slow"}, hold: 300 * time.Millisecond}
	f := setup(t, b)
	other := f.replica(t, f.db)
	if b.replicas {
		other = f.replica(t, f.open())
	}
	first := make(chan error, 1)
	go func() {
		_, err := f.ib.Reconcile(context.Background(), slow, inbox.ReconcileOptions{})
		first <- err
	}()
	time.Sleep(100 * time.Millisecond)
	_, err := other.Reconcile(t.Context(), slow, inbox.ReconcileOptions{})
	require.ErrorIs(t, err, inbox.ErrSourceBusy)
	require.NoError(t, <-first)
	_, err = other.Reconcile(t.Context(), slow, inbox.ReconcileOptions{})
	require.NoError(t, err, "the lease is given up at the end of a pass")
}

func testReconcileSinceAndAck(t *testing.T, b backend) {
	src := &fakeSource{name: "test/bookings/acct-1", ackErr: errors.New("provider down")}
	f := setup(t, b)
	src.add(payload{ID: "c1", Subject: "b-1", Version: "v1"})
	var seen []event.Cursor
	spy := &cursorSpy{fakeSource: src, seen: &seen}
	res, err := f.ib.Reconcile(t.Context(), spy, inbox.ReconcileOptions{})
	require.NoError(t, err, "a failed acknowledgement fails nothing: the change is stored")
	assert.Equal(t, 1, res.Stored)
	require.Len(t, seen, 1)
	assert.Empty(t, seen[0].Checkpoint)
	assert.WithinDuration(t, time.Now().Add(-inbox.DefaultReconcileSince), seen[0].Since, time.Minute,
		"a source without checkpoint looks back DefaultReconcileSince")

	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, err = f.ib.Reconcile(t.Context(), spy, inbox.ReconcileOptions{Since: since})
	require.NoError(t, err)
	assert.Equal(t, event.Cursor{Since: since}, seen[1], "a backfill starts at Since, whatever the checkpoint")

	_, err = f.ib.Reconcile(t.Context(), spy, inbox.ReconcileOptions{})
	require.NoError(t, err)
	assert.Equal(t, event.Cursor{Checkpoint: "1"}, seen[2], "the next pass resumes from the checkpoint")
}

// cursorSpy records the cursors a fakeSource is asked for.
type cursorSpy struct {
	*fakeSource
	seen *[]event.Cursor
}

func (s *cursorSpy) Changes(ctx context.Context, cur event.Cursor) (*event.ChangePage, error) {
	*s.seen = append(*s.seen, cur)
	return s.fakeSource.Changes(ctx, cur)
}
