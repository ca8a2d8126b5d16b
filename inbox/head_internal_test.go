package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
)

// headFixture is an inbox on a fresh database, driven statement by
// statement: the tests of this file check which delivery of a subject may
// run after each change.
type headFixture struct {
	ib  *Inbox
	db  *sql.DB
	now time.Time
}

func newHeadFixture(t *testing.T, open func() *sql.DB, d Dialect) *headFixture {
	t.Helper()
	db := open()
	f := &headFixture{db: db, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	ib, err := New(db, d, WithClock(func() time.Time { return f.now }), WithMaxAttempts(3))
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(t.Context()))
	f.ib = ib
	return f
}

func testDelivery(id, subject string) newDelivery {
	return newDelivery{provider: "test", eventID: id, typ: event.BookingUpdated,
		subject: event.Subject{Kind: "booking", ID: subject}, headers: "{}", body: []byte(id)}
}

// store inserts a delivery of subject and returns its id.
func (f *headFixture) store(t *testing.T, id, subject string) int64 {
	t.Helper()
	rowID, ok, err := f.ib.insert(t.Context(), testDelivery(id, subject), 0, f.now)
	require.NoError(t, err)
	require.True(t, ok)
	return rowID
}

// claim claims up to n deliveries and returns them by id, with their token.
func (f *headFixture) claim(t *testing.T, n int) (ids []int64, ds []*Delivery, token string) {
	t.Helper()
	ds, token, err := f.ib.claimBatch(t.Context(), f.now, n)
	require.NoError(t, err)
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids, ds, token
}

func (f *headFixture) done(t *testing.T, d *Delivery, token string) {
	t.Helper()
	held, _, err := f.ib.completeBatch(t.Context(), []int64{d.ID}, []string{token}, d.subjectKeys(), f.now)
	require.NoError(t, err)
	require.True(t, held[d.ID])
}

// heads returns the pending deliveries of subject marked head, in id order.
func (f *headFixture) heads(t *testing.T, subject string) []int64 {
	t.Helper()
	rows, err := f.db.QueryContext(t.Context(), f.ib.q.rebind(`SELECT id FROM pmshooks_inbox
		WHERE subject_key = $1 AND state = 'pending' AND head ORDER BY id`), subjectKey("test", "booking", subject))
	require.NoError(t, err)
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	return ids
}

// TestClaim_headOfSubject walks one subject through the changes that pass
// its head on, on each dialect: only the head runs, a retried head keeps
// the later deliveries waiting, a dead or buried head releases the next, and
// a dead delivery retried after its subject moved on runs after the current
// head and before the later deliveries.
func TestClaim_headOfSubject(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			f := newHeadFixture(t, open, dialect)
			ctx := t.Context()
			a, b, c := f.store(t, "ev-a", "b-1"), f.store(t, "ev-b", "b-1"), f.store(t, "ev-c", "b-1")
			free := f.store(t, "ev-free", "")
			other := f.store(t, "ev-other", "b-2")
			assert.Equal(t, []int64{a}, f.heads(t, "b-1"), "the first delivery of a subject is its head")

			ids, ds, token := f.claim(t, 10)
			assert.Equal(t, []int64{a, free, other}, ids, "the heads and the delivery without a subject")
			for _, d := range ds[1:] {
				f.done(t, d, token)
			}

			// a fails: retried in an hour, it keeps the head.
			held, err := f.ib.finish(ctx, f.ib.q.retry, a, token, f.now.Add(time.Hour), "boom", f.ib.q.timeArg(f.now))
			require.NoError(t, err)
			require.True(t, held)
			ids, _, _ = f.claim(t, 10)
			assert.Empty(t, ids, "b waits for a's retry")
			assert.Equal(t, []int64{a}, f.heads(t, "b-1"))

			// a fails for good: dead, it releases b.
			f.now = f.now.Add(2 * time.Hour)
			ids, ds, token = f.claim(t, 10)
			require.Equal(t, []int64{a}, ids, "a's retry is due")
			held, err = f.ib.finishDead(ctx, f.ib.q.dead, ds[0], token, f.now, "boom")
			require.NoError(t, err)
			require.True(t, held)
			assert.Equal(t, []int64{b}, f.heads(t, "b-1"), "a dead head passes head on")

			// b in flight; a retried meanwhile waits for b, then runs before c.
			ids, ds, token = f.claim(t, 10)
			require.Equal(t, []int64{b}, ids)
			require.NoError(t, f.ib.Retry(ctx, a))
			ids, _, _ = f.claim(t, 10)
			assert.Empty(t, ids, "a retried dead delivery never runs beside the head of its subject")
			f.done(t, ds[0], token)
			assert.Equal(t, []int64{a}, f.heads(t, "b-1"), "after the head, a retried dead delivery comes first: it is the earliest")
			ids, ds, token = f.claim(t, 10)
			require.Equal(t, []int64{a}, ids)
			f.done(t, ds[0], token)

			// c is claimed, and its lease runs out: buried, it releases d.
			d := f.store(t, "ev-d", "b-1")
			for attempt := 1; attempt <= 3; attempt++ {
				ids, _, _ = f.claim(t, 10)
				require.Equal(t, []int64{c}, ids, "attempt %d", attempt)
				f.now = f.now.Add(DefaultLease + time.Second) // the worker died
			}
			ids, ds, token = f.claim(t, 10)
			require.Equal(t, []int64{c}, ids)
			held, err = f.ib.finishDead(ctx, f.ib.q.bury, ds[0], token, f.now, "no attempt left")
			require.NoError(t, err)
			require.True(t, held)
			assert.Equal(t, []int64{d}, f.heads(t, "b-1"), "a buried head passes head on")

			// A dead delivery retried when nothing of its subject is pending
			// runs at once.
			ids, ds, token = f.claim(t, 10)
			require.Equal(t, []int64{d}, ids)
			f.done(t, ds[0], token)
			require.NoError(t, f.ib.Retry(ctx, c))
			ids, _, _ = f.claim(t, 10)
			assert.Equal(t, []int64{c}, ids)
		})
	}
}

// TestClaim_leaseLostKeepsHead lets a lease run out: the late "done" of the
// first worker is discarded and passes nothing on, and the next delivery of
// the subject waits for the second worker.
func TestClaim_leaseLostKeepsHead(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			f := newHeadFixture(t, open, dialect)
			a, b := f.store(t, "ev-a", "b-1"), f.store(t, "ev-b", "b-1")
			_, first, oldToken := f.claim(t, 10)
			f.now = f.now.Add(DefaultLease + time.Second)
			ids, second, newToken := f.claim(t, 10)
			require.Equal(t, []int64{a}, ids, "taken over")

			held, _, err := f.ib.completeBatch(t.Context(), []int64{a}, []string{oldToken}, first[0].subjectKeys(), f.now)
			require.NoError(t, err)
			assert.False(t, held[a], "the first worker's outcome is discarded")
			assert.Equal(t, []int64{a}, f.heads(t, "b-1"))
			ids, _, _ = f.claim(t, 10)
			assert.Empty(t, ids, "b waits for the second worker")

			f.done(t, second[0], newToken)
			assert.Equal(t, []int64{b}, f.heads(t, "b-1"))
		})
	}
}

// TestInsert_racesCompletion stores a delivery of a subject while the
// subject's head is being marked done, in both orders, on PostgreSQL (SQLite
// has one writer). Either the insert sees the head done and is head itself,
// or the completion sees the insert and passes head to it: the subject never
// ends with no head, nor with two.
func TestInsert_racesCompletion(t *testing.T) {
	open := internalPostgres(t, "SQLite has one writer")
	tests := []struct {
		name string
		// first runs in a transaction that holds the subject's lock while
		// the other change starts and waits for it.
		completionFirst bool
	}{
		{"the insert waits for the completion", true},
		{"the completion waits for the insert", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			f := newHeadFixture(t, open, PostgreSQL)
			a := f.store(t, "ev-a", "b-1")
			_, ds, token := f.claim(t, 1)
			require.Len(t, ds, 1)

			tx, err := f.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
			require.NoError(t, err)
			defer func() { _ = tx.Rollback() }()
			var (
				wg    sync.WaitGroup
				later int64
			)
			if tc.completionFirst {
				// The completion locked the subject, marked a done and
				// passed head on (to nothing), uncommitted; an insert
				// begins, its snapshot still showing a pending.
				rows, err := tx.QueryContext(ctx, f.ib.q.completeBatch, []int64{a}, []string{token}, ds[0].subjectKeys(), f.ib.q.timeArg(f.now))
				require.NoError(t, err)
				require.True(t, rows.Next())
				require.NoError(t, rows.Close())
				wg.Go(func() {
					id, _, err := f.ib.insert(context.Background(), testDelivery("ev-b", "b-1"), 0, f.now)
					assert.NoError(t, err)
					later = id
				})
				time.Sleep(200 * time.Millisecond) // let the insert start and wait
				require.NoError(t, tx.Commit())
			} else {
				// The insert holds the subject's lock; a completion begins.
				var head bool
				require.NoError(t, tx.QueryRowContext(ctx, f.ib.q.lockSubject, ds[0].subjectKeys()[0]).Scan(&head))
				assert.False(t, head, "a is pending")
				var b int64
				require.NoError(t, storeInTx(t, tx, f.ib, testDelivery("ev-b", "b-1"), f.now, &b))
				wg.Go(func() {
					held, _, err := f.ib.completeBatch(context.Background(), []int64{a}, []string{token}, ds[0].subjectKeys(), f.now)
					assert.NoError(t, err)
					assert.True(t, held[a])
				})
				time.Sleep(200 * time.Millisecond) // let the completion start and wait
				require.NoError(t, tx.Commit())
				later = b
			}
			wg.Wait()
			assert.Equal(t, []int64{later}, f.heads(t, "b-1"), "the later delivery is the one head")
			ids, _, _ := f.claim(t, 10)
			assert.Equal(t, []int64{later}, ids)
		})
	}
}

// TestInsert_racesInsert stores three deliveries of an idle subject at once:
// the two that wait for the first one's lock see it pending once it
// commits, so the subject has one head, the first.
func TestInsert_racesInsert(t *testing.T) {
	open := internalPostgres(t, "SQLite has one writer")
	ctx := t.Context()
	f := newHeadFixture(t, open, PostgreSQL)
	tx, err := f.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	var first int64
	require.NoError(t, storeInTx(t, tx, f.ib, testDelivery("ev-0", "b-1"), f.now, &first))
	var wg sync.WaitGroup
	for i := 1; i <= 2; i++ {
		wg.Go(func() {
			_, _, err := f.ib.insert(context.Background(), testDelivery(fmt.Sprintf("ev-%d", i), "b-1"), 0, f.now)
			assert.NoError(t, err)
		})
	}
	time.Sleep(200 * time.Millisecond) // let the others start and wait
	require.NoError(t, tx.Commit())
	wg.Wait()
	assert.Equal(t, []int64{first}, f.heads(t, "b-1"))
}

// TestCompleteBatch_promoted completes heads with and without a delivery
// after them: the count of deliveries that became head is what wakes the
// workers (and only a count above zero does), so it must be exact.
func TestCompleteBatch_promoted(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			f := newHeadFixture(t, open, dialect)
			a, b := f.store(t, "ev-a", "b-1"), f.store(t, "ev-b", "b-1")
			lone := f.store(t, "ev-lone", "b-2")
			free := f.store(t, "ev-free", "")
			ids, ds, token := f.claim(t, 10)
			require.Equal(t, []int64{a, lone, free}, ids)

			keys := append(append(ds[0].subjectKeys(), ds[1].subjectKeys()...), ds[2].subjectKeys()...)
			held, promoted, err := f.ib.completeBatch(t.Context(), ids, []string{token, token, token}, keys, f.now)
			require.NoError(t, err)
			assert.Equal(t, map[int64]bool{a: true, lone: true, free: true}, held)
			assert.Equal(t, 1, promoted, "b became head; b-2 and the delivery without a subject have none after them")
			assert.Equal(t, []int64{b}, f.heads(t, "b-1"))

			ids, ds, token = f.claim(t, 10)
			require.Equal(t, []int64{b}, ids)
			_, promoted, err = f.ib.completeBatch(t.Context(), ids, []string{token}, ds[0].subjectKeys(), f.now)
			require.NoError(t, err)
			assert.Zero(t, promoted, "nothing of b-1 is left")
		})
	}
}
