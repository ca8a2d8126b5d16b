package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// groupFixture is a headFixture with one group writer whose writes all
// wait until release, so that the deliveries stored meanwhile queue up and
// go in one group.
type groupFixture struct {
	*headFixture
	hold chan struct{}

	mu    sync.Mutex
	sizes []int             // of every group write, in order
	fail  func(n int) error // a group write fails with its error; nil: none
}

func newGroupFixture(t *testing.T, open func() *sql.DB, d Dialect) *groupFixture {
	t.Helper()
	f := &groupFixture{headFixture: newHeadFixture(t, open, d), hold: make(chan struct{})}
	f.ib.group.writers = 1
	f.ib.beforeStore = func(n int) error {
		f.mu.Lock()
		f.sizes = append(f.sizes, n)
		fail := f.fail
		f.mu.Unlock()
		<-f.hold
		if fail != nil {
			return fail(n)
		}
		return nil
	}
	return f
}

// result is what one insert returned.
type result struct {
	id     int64
	stored bool
	err    error
}

// storeAll stores ds at once, each from its own goroutine with its own
// context, and returns their results. The first is held in the first write;
// the writes are let go once the others all wait in the queue, in order.
func (f *groupFixture) storeAll(t *testing.T, ds []newDelivery, ctxs []context.Context, nows []time.Time, window time.Duration) []result {
	t.Helper()
	res := make([]result, len(ds))
	var wg sync.WaitGroup
	for i, d := range ds {
		ctx := t.Context()
		if ctxs != nil && ctxs[i] != nil {
			ctx = ctxs[i]
		}
		now := f.now
		if nows != nil {
			now = nows[i]
		}
		wg.Go(func() {
			id, stored, err := f.ib.insert(ctx, d, window, now)
			res[i] = result{id, stored, err}
		})
		// One at a time, so that the queue keeps their order.
		require.Eventually(t, func() bool { return len(f.writes()) == 1 && f.queued() == i }, 5*time.Second, time.Millisecond,
			"delivery %d never reached the queue", i)
	}
	close(f.hold)
	wg.Wait()
	return res
}

// queued counts the deliveries waiting for a group write.
func (f *groupFixture) queued() int {
	g := f.ib.group
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}

func (f *groupFixture) writes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sizes)
}

// count returns how many rows hold the event id.
func (f *groupFixture) count(t *testing.T, eventID string) int {
	t.Helper()
	var n int
	require.NoError(t, f.db.QueryRowContext(t.Context(), f.ib.q.rebind(
		`SELECT COUNT(*) FROM pmshooks_inbox WHERE event_id = $1`), eventID).Scan(&n))
	return n
}

// TestStoreGroup_queuedDeliveriesGoInOneWrite stores twelve deliveries while
// the first writes are held: the ten that queued meanwhile are written in
// one group, in order, each is answered with its own outcome (a copy in the
// same group is a copy), and each subject has one head, its first delivery.
func TestStoreGroup_queuedDeliveriesGoInOneWrite(t *testing.T) {
	t.Parallel()
	for d, open := range internalDatabases(t) {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			f := newGroupFixture(t, open, d)
			var ds []newDelivery
			for i := range 11 {
				ds = append(ds, testDelivery(fmt.Sprintf("ev-%d", i), fmt.Sprintf("b-%d", i%2)))
			}
			ds = append(ds, testDelivery("ev-3", "b-1")) // a copy of ev-3, in the same group
			res := f.storeAll(t, ds, nil, nil, 0)

			assert.Equal(t, []int{1, len(ds) - 1}, f.writes(), "the deliveries that queued went in one write")

			for i, r := range res[:11] {
				require.NoError(t, r.err, "ev-%d", i)
				assert.True(t, r.stored, "ev-%d", i)
			}
			require.NoError(t, res[11].err)
			assert.False(t, res[11].stored, "the copy in the same group is a copy")
			assert.Equal(t, 1, f.count(t, "ev-3"))
			// In the group, deliveries got their ids in the order they
			// queued.
			for i := 2; i < 11; i++ {
				assert.Less(t, res[i-1].id, res[i].id, "ev-%d before ev-%d", i-1, i)
			}
			for _, s := range []string{"b-0", "b-1"} {
				var first int64
				for i, r := range res[:11] {
					if fmt.Sprintf("b-%d", i%2) == s && (first == 0 || r.id < first) {
						first = r.id
					}
				}
				assert.Equal(t, []int64{first}, f.heads(t, s), "subject %s has one head, its first", s)
			}
		})
	}
}

// TestStoreGroup_failedGroupWrittenOneByOne fails every group write of more
// than one delivery, as a database that refuses one row of a statement
// would: each delivery is written again alone, and none is lost or doubled.
func TestStoreGroup_failedGroupWrittenOneByOne(t *testing.T) {
	t.Parallel()
	for d, open := range internalDatabases(t) {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			f := newGroupFixture(t, open, d)
			f.fail = func(n int) error {
				if n > 1 {
					return errors.New("refused")
				}
				return nil
			}
			var ds []newDelivery
			for i := range 8 {
				ds = append(ds, testDelivery(fmt.Sprintf("ev-%d", i), "b-1"))
			}
			res := f.storeAll(t, ds, nil, nil, 0)
			for i, r := range res {
				require.NoError(t, r.err, "ev-%d", i)
				assert.True(t, r.stored, "ev-%d", i)
				assert.Equal(t, 1, f.count(t, fmt.Sprintf("ev-%d", i)))
			}
			want := []int{1, len(ds) - 1}
			for range len(ds) - 1 {
				want = append(want, 1)
			}
			assert.Equal(t, want, f.writes(), "the queued deliveries were tried as one group, then each alone")
		})
	}
}

// TestStoreGroup_refusedDeliveryCostsOthersNothing queues a delivery
// PostgreSQL refuses (headers that are not JSON) among others: it alone
// fails, and the others of its group are stored.
func TestStoreGroup_refusedDeliveryCostsOthersNothing(t *testing.T) {
	t.Parallel()
	open := internalPostgres(t, "SQLite stores any headers text")
	f := newGroupFixture(t, open, PostgreSQL)
	var ds []newDelivery
	for i := range 6 {
		ds = append(ds, testDelivery(fmt.Sprintf("ev-%d", i), fmt.Sprintf("b-%d", i)))
	}
	ds[4].headers = "not JSON"
	res := f.storeAll(t, ds, nil, nil, 0)
	for i, r := range res {
		if i == 4 {
			require.Error(t, r.err)
			assert.Equal(t, 0, f.count(t, "ev-4"))
			continue
		}
		require.NoError(t, r.err, "ev-%d", i)
		assert.True(t, r.stored, "ev-%d", i)
		assert.Equal(t, []int64{r.id}, f.heads(t, fmt.Sprintf("b-%d", i)))
	}
}

// TestStoreGroup_senderGone queues a delivery whose context has ended, as
// when its sender left: it is answered at once with the context's error, and
// the group that follows does not write it.
func TestStoreGroup_senderGone(t *testing.T) {
	t.Parallel()
	for d, open := range internalDatabases(t) {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			f := newGroupFixture(t, open, d)
			gone, cancel := context.WithCancel(t.Context())
			cancel() // the sender leaves while its delivery waits in the queue
			n := 4
			ds := make([]newDelivery, n)
			ctxs := make([]context.Context, n)
			for i := range ds {
				ds[i] = testDelivery(fmt.Sprintf("ev-%d", i), fmt.Sprintf("b-%d", i))
			}
			last := n - 1
			ctxs[last] = gone
			res := f.storeAll(t, ds, ctxs, nil, 0)
			require.ErrorIs(t, res[last].err, context.Canceled)
			assert.Equal(t, 0, f.count(t, fmt.Sprintf("ev-%d", last)), "a delivery whose sender left is not written")
			for i, r := range res[:last] {
				require.NoError(t, r.err, "ev-%d", i)
				assert.True(t, r.stored, "ev-%d", i)
			}
		})
	}
}

// TestStoreGroup_dedupeWindowInOneGroup queues three copies of one event
// with a dedupe window of an hour in one group: the second, a minute after
// the first, is a copy; the third, two hours after, is stored again as the
// next generation.
func TestStoreGroup_dedupeWindowInOneGroup(t *testing.T) {
	t.Parallel()
	for d, open := range internalDatabases(t) {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			f := newGroupFixture(t, open, d)
			// The writer takes the first alone; the copies queue.
			ds := []newDelivery{testDelivery("other", "b-9"),
				testDelivery("ev", "b-1"), testDelivery("ev", "b-1"), testDelivery("ev", "b-1")}
			nows := []time.Time{f.now, f.now, f.now.Add(time.Minute), f.now.Add(2 * time.Hour)}
			res := f.storeAll(t, ds, nil, nows, time.Hour)
			copies := res[len(res)-3:]
			for _, r := range copies {
				require.NoError(t, r.err)
			}
			assert.True(t, copies[0].stored)
			assert.False(t, copies[1].stored, "within the window: a copy")
			assert.True(t, copies[2].stored, "after the window: a new delivery")
			assert.Equal(t, 2, f.count(t, "ev"))
			var generation int64
			require.NoError(t, f.db.QueryRowContext(t.Context(), f.ib.q.rebind(
				`SELECT generation FROM pmshooks_inbox WHERE id = $1`), copies[2].id).Scan(&generation))
			assert.Equal(t, copies[0].id, generation, "keyed on the delivery it follows")
		})
	}
}

// TestStoreGroup_writersAtOnce holds the group writes of an inbox with the
// dialect's writers: PostgreSQL writes two groups at once, each on its own
// connection, SQLite one.
func TestStoreGroup_writersAtOnce(t *testing.T) {
	t.Parallel()
	for d, open := range internalDatabases(t) {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			f := newGroupFixture(t, open, d)
			f.ib.group.writers = groupWriters(d)
			var wg sync.WaitGroup
			for i := range 3 {
				wg.Go(func() {
					_, stored, err := f.ib.insert(t.Context(), testDelivery(fmt.Sprintf("ev-%d", i), "b-1"), 0, f.now)
					assert.NoError(t, err)
					assert.True(t, stored)
				})
				// One at a time: each starts a writer while fewer than
				// the dialect's run, and queues otherwise.
				require.Eventually(t, func() bool {
					return len(f.writes()) == min(i+1, groupWriters(d)) && f.queued() == max(0, i+1-groupWriters(d))
				}, 5*time.Second, time.Millisecond)
			}
			assert.Len(t, f.writes(), groupWriters(d), "groups written at once")
			close(f.hold)
			wg.Wait()
		})
	}
}

// TestStoreGroup_readCommittedOnly calls the functions that store and
// complete deliveries at REPEATABLE READ, as a database whose default
// isolation was changed would: their lookups would not see what was
// committed while they waited for the subjects' locks, so they refuse to
// run, with an error that says why, and write nothing.
func TestStoreGroup_readCommittedOnly(t *testing.T) {
	t.Parallel()
	open := internalPostgres(t, "")
	f := newHeadFixture(t, open, PostgreSQL)
	ctx := t.Context()
	r := &storeRequest{d: testDelivery("ev", "b-1"), now: f.now}
	for name, call := range map[string]func(tx *sql.Tx) error{
		"store": func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, f.ib.q.storeGroup, storeGroupArgs([]*storeRequest{r})...)
			return err
		},
		"complete": func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, f.ib.q.completeBatch, []int64{1}, []string{"t"}, []int64{1}, f.now)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			tx, err := f.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
			require.NoError(t, err)
			defer func() { _ = tx.Rollback() }()
			err = call(tx)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "READ COMMITTED, not repeatable read")
		})
	}
	assert.Equal(t, 0, (&groupFixture{headFixture: f}).count(t, "ev"))
}

// TestStoreGroup_panicFailsTheWriteOnly panics in a group write, as a
// driver might on the writer's goroutine: the sender gets an error, the
// process goes on, and the next delivery is stored.
func TestStoreGroup_panicFailsTheWriteOnly(t *testing.T) {
	t.Parallel()
	for d, open := range internalDatabases(t) {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			f := newHeadFixture(t, open, d)
			f.ib.beforeStore = func(int) error { panic("driver bug") }
			_, stored, err := f.ib.insert(t.Context(), testDelivery("ev-1", "b-1"), 0, f.now)
			require.ErrorContains(t, err, "storing deliveries panicked: driver bug")
			assert.False(t, stored)
			f.ib.beforeStore = nil
			f.store(t, "ev-2", "b-1")
		})
	}
}

// TestStoreGroup_loneSenderNotBusy stores one delivery, then the sender's
// next one, held in its write: one delivery at a time is no burst, so the
// workers must not yield to it. The first group stops counting as being
// written before its sender is answered, so the second never finds it
// there.
func TestStoreGroup_loneSenderNotBusy(t *testing.T) {
	t.Parallel()
	for d, open := range internalDatabases(t) {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			f := newHeadFixture(t, open, d)
			for i := range 20 {
				f.store(t, fmt.Sprintf("ev-%d", i), "b-1")
				assert.False(t, f.ib.group.busy(yieldQuiet), "after delivery %d", i)
			}
			hold, held := make(chan struct{}), make(chan struct{})
			f.ib.beforeStore = func(int) error {
				close(held)
				<-hold
				return nil
			}
			done := make(chan error, 1)
			go func() {
				_, _, err := f.ib.insert(context.Background(), testDelivery("ev-next", "b-1"), 0, f.now)
				done <- err
			}()
			<-held
			assert.False(t, f.ib.group.busy(yieldQuiet), "the next delivery, alone in its write")
			close(hold)
			require.NoError(t, <-done)
		})
	}
}

// TestKeptPlans_noSequentialScan runs the inbox's three functions (store,
// claim, complete) on one PostgreSQL connection while the table is nearly
// empty, so that the connection keeps their plans, then grows the table to
// 5,000 rows and runs them again: no statement may read the table by a
// sequential scan (pg_stat_user_tables.seq_scan stays put). A plan kept from
// the empty table used to hash every row of the table for each completion.
func TestKeptPlans_noSequentialScan(t *testing.T) {
	open := internalPostgres(t, "")
	db := open()
	db.SetMaxOpenConns(1) // one connection: the one that keeps the plans
	var version int
	require.NoError(t, db.QueryRowContext(t.Context(), `SELECT current_setting('server_version_num')::INT`).Scan(&version))
	if version < 150000 {
		t.Skipf("needs PostgreSQL 15 or later for pg_stat_force_next_flush (server %d)", version)
	}
	f := &headFixture{db: db, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	ib, err := New(db, PostgreSQL, WithClock(func() time.Time { return f.now }))
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(t.Context()))
	f.ib = ib
	ctx := t.Context()
	round := func(i int) {
		f.store(t, fmt.Sprintf("ev-%d-a", i), fmt.Sprintf("b-%d", i))
		f.store(t, fmt.Sprintf("ev-%d-b", i), fmt.Sprintf("b-%d", i))
		_, ds, token := f.claim(t, 10)
		for _, d := range ds {
			f.done(t, d, token)
		}
	}
	for i := range 8 { // more than the 5 custom plans before a generic one
		round(i)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO pmshooks_inbox (provider, event_id, event_key, type, name, account,
			subject_kind, subject_id, subject_key, received_at, headers, body, state, next_attempt_at, head, finished_at)
		SELECT 'test', 'bulk-' || g, sha256(('bulk-' || g)::BYTEA), 'booking.updated', '', '', 'booking', 'bulk-' || g,
			g, now(), '{}', '', 'done', now(), false, now()
		FROM generate_series(1, 5000) AS g`)
	require.NoError(t, err)
	seqScans := func() int64 {
		t.Helper()
		_, err := db.ExecContext(ctx, `SELECT pg_stat_force_next_flush()`)
		require.NoError(t, err)
		var n int64
		require.NoError(t, db.QueryRowContext(ctx, `SELECT seq_scan FROM pg_stat_user_tables
			WHERE relid = 'pmshooks_inbox'::regclass`).Scan(&n))
		return n
	}
	before := seqScans()
	for i := 100; i < 103; i++ {
		round(i)
	}
	assert.Equal(t, before, seqScans(), "sequential scans of pmshooks_inbox by the kept plans")
}

// storeInTx stores d in tx with pmshooks_inbox_store, as a group of one,
// and sets *id to its row: a store that holds its subject's lock until tx
// ends, for the tests of what waits for it.
func storeInTx(t *testing.T, tx *sql.Tx, ib *Inbox, d newDelivery, now time.Time, id *int64) error {
	t.Helper()
	var n int
	return tx.QueryRowContext(t.Context(), ib.q.storeGroup, storeGroupArgs([]*storeRequest{{d: d, now: now}})...).Scan(&n, id)
}
