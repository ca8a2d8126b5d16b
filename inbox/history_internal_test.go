package inbox

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
)

// TestDelivery_History walks deliveries through every way an attempt ends
// and checks what History tells: a failure, a success derived from
// started_at and finished_at, a lost lease, a release, a death.
func TestDelivery_History(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			f := newHeadFixture(t, open, dialect)
			ctx := t.Context()
			t0 := f.now
			a := f.store(t, "ev-a", "b-1")

			_, ds, token := f.claim(t, 1)
			require.Len(t, ds, 1)
			assert.Nil(t, ds[0].History, "a claim does not read the log")
			d, err := f.ib.Get(ctx, a)
			require.NoError(t, err)
			assert.Equal(t, []Attempt{{Number: 1, StartedAt: t0, Outcome: OutcomeRunning}}, d.History)

			f.now = t0.Add(time.Second)
			held, err := f.ib.finish(ctx, f.ib.q.retry, a, token, f.now, "boom", f.ib.q.timeArg(f.now))
			require.NoError(t, err)
			require.True(t, held)

			f.now = t0.Add(time.Minute)
			_, ds, token = f.claim(t, 1)
			require.Len(t, ds, 1)
			f.now = t0.Add(time.Minute + 2*time.Second)
			f.done(t, ds[0], token)

			d, err = f.ib.Get(ctx, a)
			require.NoError(t, err)
			want := []Attempt{
				{Number: 1, StartedAt: t0, FinishedAt: t0.Add(time.Second), Outcome: OutcomeRetry, Error: "boom"},
				{Number: 2, StartedAt: t0.Add(time.Minute), FinishedAt: t0.Add(time.Minute + 2*time.Second), Outcome: OutcomeDone},
			}
			assert.Empty(t, cmp.Diff(want, d.History))
			assert.Equal(t, 2*time.Second, d.History[1].Duration())

			// A lease that ends without an outcome is logged by the next
			// claim; a release is logged, not counted; the last attempt dies.
			b := f.store(t, "ev-b", "b-2")
			t1 := f.now
			_, ds, _ = f.claim(t, 1)
			require.Equal(t, b, ds[0].ID)
			f.now = t1.Add(DefaultLease + time.Second)
			d, err = f.ib.Get(ctx, b)
			require.NoError(t, err)
			assert.Equal(t, OutcomeLeaseLost, d.History[len(d.History)-1].Outcome, "shown before the next claim")
			t2 := f.now
			_, ds, token = f.claim(t, 1)
			require.Equal(t, b, ds[0].ID)
			held, err = f.ib.finish(ctx, f.ib.q.release, b, token, t2, f.ib.q.timeArg(t2), string(OutcomeRateLimited), "slow down")
			require.NoError(t, err)
			require.True(t, held)
			_, ds, token = f.claim(t, 1)
			require.Equal(t, b, ds[0].ID)
			held, err = f.ib.finishDead(ctx, f.ib.q.dead, ds[0], token, t2, "gave up")
			require.NoError(t, err)
			require.True(t, held)

			d, err = f.ib.Get(ctx, b)
			require.NoError(t, err)
			require.Len(t, d.History, 3)
			assert.Equal(t, Attempt{Number: 1, StartedAt: t1, FinishedAt: t2, Outcome: OutcomeLeaseLost,
				Error: d.History[0].Error}, d.History[0])
			assert.Contains(t, d.History[0].Error, "lease ended")
			assert.Equal(t, Attempt{Number: 2, StartedAt: t2, FinishedAt: t2, Outcome: OutcomeRateLimited, Error: "slow down"}, d.History[1])
			assert.Equal(t, Attempt{Number: 2, StartedAt: t2, FinishedAt: t2, Outcome: OutcomeDead, Error: "gave up"}, d.History[2])

			// Retry leaves a mark.
			f.now = t2.Add(time.Second)
			require.NoError(t, f.ib.Retry(ctx, b))
			d, err = f.ib.Get(ctx, b)
			require.NoError(t, err)
			assert.Equal(t, Attempt{Outcome: OutcomeRetried, FinishedAt: f.now}, d.History[len(d.History)-1])
			assert.True(t, d.StartedAt.IsZero())
		})
	}
}

// TestDelivery_History_bounded keeps the latest maxLogEntries entries, each
// error cut to maxLogError bytes.
func TestDelivery_History_bounded(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			f := newHeadFixture(t, open, dialect)
			ctx := t.Context()
			a := f.store(t, "ev-a", "")
			long := strings.Repeat("x", 3000)
			for i := range maxLogEntries + 5 {
				_, ds, token := f.claim(t, 1)
				require.Len(t, ds, 1)
				held, err := f.ib.finish(ctx, f.ib.q.release, a, token, f.now, f.ib.q.timeArg(f.now),
					string(OutcomeReleased), long+strings.Repeat("y", i))
				require.NoError(t, err)
				require.True(t, held)
			}
			d, err := f.ib.Get(ctx, a)
			require.NoError(t, err)
			require.Len(t, d.History, maxLogEntries)
			for _, h := range d.History {
				assert.Len(t, h.Error, maxLogError)
			}
		})
	}
}

// TestInbox_Replay brings done, coalesced and dead deliveries back, keeping
// each subject's single head: a replayed delivery runs at once when its
// subject is idle, and after the current head otherwise.
func TestInbox_Replay(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			f := newHeadFixture(t, open, dialect)
			ctx := t.Context()
			a := f.store(t, "ev-a", "b-1")
			_, ds, token := f.claim(t, 1)
			f.done(t, ds[0], token)

			require.ErrorIs(t, f.ib.Replay(ctx, 999), ErrNotFound)
			b := f.store(t, "ev-b", "b-1")
			require.ErrorIs(t, f.ib.Replay(ctx, b), ErrNotFinished, "pending")

			// b is the head of b-1: a replayed a waits behind it.
			start := f.now
			f.now = f.now.Add(time.Second)
			require.NoError(t, f.ib.Replay(ctx, a))
			assert.Equal(t, []int64{b}, f.heads(t, "b-1"))
			d, err := f.ib.Get(ctx, a)
			require.NoError(t, err)
			assert.Equal(t, StatePending, d.State)
			assert.Zero(t, d.Attempts)
			assert.True(t, d.FinishedAt.IsZero())
			assert.Equal(t, []Attempt{
				{Number: 1, StartedAt: start, FinishedAt: start, Outcome: OutcomeDone},
				{Outcome: OutcomeReplayed, FinishedAt: f.now},
			}, d.History)

			ids, ds, token := f.claim(t, 10)
			assert.Equal(t, []int64{b}, ids, "only the head runs")
			f.done(t, ds[0], token)
			ids, ds, token = f.claim(t, 10)
			assert.Equal(t, []int64{a}, ids, "then the replayed one")
			f.done(t, ds[0], token)

			// Idle subject: the replayed delivery is its head at once; a
			// dead one may be replayed too.
			require.NoError(t, f.ib.Replay(ctx, b))
			assert.Equal(t, []int64{b}, f.heads(t, "b-1"))
			_, ds, token = f.claim(t, 10)
			held, err := f.ib.finishDead(ctx, f.ib.q.dead, ds[0], token, f.now, "boom")
			require.NoError(t, err)
			require.True(t, held)
			require.NoError(t, f.ib.Replay(ctx, b))
			assert.Equal(t, []int64{b}, f.heads(t, "b-1"))

			// A coalesced delivery is no longer coalesced once replayed.
			_, err = f.db.ExecContext(ctx, f.ib.q.rebind(`UPDATE pmshooks_inbox SET state = 'done', coalesced_into = $1,
				head = `+map[Dialect]string{SQLite: "0", PostgreSQL: "false"}[dialect]+` WHERE id = $2`), b, a)
			require.NoError(t, err)
			require.NoError(t, f.ib.Replay(ctx, a))
			d, err = f.ib.Get(ctx, a)
			require.NoError(t, err)
			assert.Equal(t, StatePending, d.State)
			assert.Zero(t, d.CoalescedInto)
		})
	}
}

// TestInbox_List_console lists as the console does: newest first by a
// cursor, filtered by type, subject and received time, without bodies.
func TestInbox_List_console(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			f := newHeadFixture(t, open, dialect)
			ctx := t.Context()
			t0 := f.now
			var ids []int64
			for i, s := range []string{"b-1", "b-2", "b-1", "b-3"} {
				f.now = t0.Add(time.Duration(i) * time.Minute)
				d := testDelivery("ev-"+string(rune('a'+i)), s)
				if i == 3 {
					d.typ = event.BookingCancelled
				}
				id, ok, err := f.ib.insert(ctx, d, 0, f.now)
				require.NoError(t, err)
				require.True(t, ok)
				ids = append(ids, id)
			}
			list := func(fl Filter) []int64 {
				t.Helper()
				ds, err := f.ib.List(ctx, fl)
				require.NoError(t, err)
				var got []int64
				for _, d := range ds {
					got = append(got, d.ID)
					if fl.WithoutBody {
						assert.Empty(t, d.Body)
					} else {
						assert.NotEmpty(t, d.Body)
					}
				}
				return got
			}
			for _, tc := range []struct {
				name string
				f    Filter
				want []int64
			}{
				{"oldest first", Filter{}, ids},
				{"newest first", Filter{NewestFirst: true, WithoutBody: true}, []int64{ids[3], ids[2], ids[1], ids[0]}},
				{"next page", Filter{NewestFirst: true, Before: ids[2], Limit: 1}, []int64{ids[1]}},
				{"type", Filter{Type: event.BookingCancelled}, []int64{ids[3]}},
				{"subject", Filter{Subject: event.Subject{Kind: "booking", ID: "b-1"}}, []int64{ids[0], ids[2]}},
				{"kind", Filter{Subject: event.Subject{Kind: "guest"}}, nil},
				{"received", Filter{ReceivedFrom: t0.Add(time.Minute), ReceivedBefore: t0.Add(3 * time.Minute)}, []int64{ids[1], ids[2]}},
				{"provider and state", Filter{Provider: "test", State: StatePending, After: ids[2]}, []int64{ids[3]}},
			} {
				assert.Equal(t, tc.want, list(tc.f), tc.name)
			}
			_, err := f.ib.List(ctx, Filter{State: "lost"})
			require.Error(t, err)
		})
	}
}

// TestInbox_Watermark changes with every change a live view shows, and
// only then.
func TestInbox_Watermark(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			f := newHeadFixture(t, open, dialect)
			ctx := t.Context()
			mark := func() Watermark {
				t.Helper()
				w, err := f.ib.Watermark(ctx)
				require.NoError(t, err)
				return w
			}
			last := mark()
			changed := func(what string) {
				t.Helper()
				w := mark()
				assert.NotEqual(t, last, w, what)
				assert.Equal(t, w, mark(), "stable without a change")
				last = w
			}
			a := f.store(t, "ev-a", "b-1")
			changed("stored")
			f.store(t, "ev-free", "")
			changed("stored without a subject")
			var ds []*Delivery
			_, _, token := f.claim(t, 1)
			changed("claimed")
			f.now = f.now.Add(time.Second)
			held, err := f.ib.finish(ctx, f.ib.q.retry, a, token, f.now, "boom", f.ib.q.timeArg(f.now))
			require.NoError(t, err)
			require.True(t, held)
			changed("retry scheduled")
			_, ds, token = f.claim(t, 2)
			changed("claimed again")
			for _, d := range ds {
				if d.ID == a {
					held, err = f.ib.finishDead(ctx, f.ib.q.dead, d, token, f.now, "boom")
					require.NoError(t, err)
					require.True(t, held)
					changed("dead")
				} else {
					f.done(t, d, token)
					changed("done")
				}
			}
			f.now = f.now.Add(time.Second)
			require.NoError(t, f.ib.Retry(ctx, a))
			changed("retried")
			_, ds, token = f.claim(t, 1)
			f.done(t, ds[0], token)
			changed("done again")
			require.NoError(t, f.ib.Replay(ctx, a))
			changed("replayed")
		})
	}
}

// TestMigrate_fromVersion3 upgrades a version 3 database: the stored
// deliveries keep their state and get an empty history, and the workers'
// statements run on them.
func TestMigrate_fromVersion3(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			ctx := t.Context()
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			ib, err := New(open(), dialect, WithClock(func() time.Time { return now }))
			require.NoError(t, err)
			migrateTo(t, ib, 3)
			// Version 3's insert, as the previous pmshooks ran it: without the
			// columns of version 4 (change_key, source), the last two
			// parameters.
			v3insert := strings.Replace(olderInsert(dialect), ", started_at", "", 1)
			v3insert = strings.Replace(v3insert, ", change_key, source", "", 1)
			v3insert = strings.NewReplacer(", $18, $19", "", ", ?18, ?19", "").Replace(v3insert)
			for _, id := range []string{"ev-1", "ev-2"} {
				args := ib.insertArgs(testDelivery(id, "b-1"), 0, now)
				_, err = ib.db.ExecContext(ctx, v3insert, args[:len(args)-2]...)
				require.NoError(t, err)
			}
			require.ErrorIs(t, ib.checkSchema(ctx), ErrNotMigrated)

			require.NoError(t, ib.Migrate(ctx))
			require.NoError(t, ib.checkSchema(ctx))
			ds, err := ib.List(ctx, Filter{})
			require.NoError(t, err)
			require.Len(t, ds, 2)
			for _, d := range ds {
				assert.Equal(t, StatePending, d.State)
				assert.Nil(t, d.History)
				assert.True(t, d.StartedAt.IsZero())
			}
			claimed, token, err := ib.claimBatch(ctx, now, 5)
			require.NoError(t, err)
			require.Len(t, claimed, 1, "the head of b-1 only")
			held, _, err := ib.completeBatch(ctx, []int64{claimed[0].ID}, []string{token}, claimed[0].subjectKeys(), now)
			require.NoError(t, err)
			require.True(t, held[claimed[0].ID])
			d, err := ib.Get(ctx, claimed[0].ID)
			require.NoError(t, err)
			assert.Equal(t, []Attempt{{Number: 1, StartedAt: now, FinishedAt: now, Outcome: OutcomeDone}}, d.History)
		})
	}
}

// olderInsert is the single-row insert of an older pmshooks (schemas 3 to
// 5), which SQLite still runs: on PostgreSQL through
// pmshooks_inbox_lock_subject, before pmshooks_inbox_store stored groups.
func olderInsert(d Dialect) string {
	if d == SQLite {
		return newQueries(d).insert
	}
	return `INSERT INTO pmshooks_inbox (` + insertColumns + `)
		SELECT ` + insertValues + `, locked.head, $18, $19
		FROM (SELECT pmshooks_inbox_lock_subject($10::BIGINT) AS head OFFSET 0) AS locked
		ON CONFLICT DO NOTHING
		RETURNING id`
}
