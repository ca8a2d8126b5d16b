package inbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/pmshooks/pmshooks/event"
)

// internalDatabases returns a fresh database of each dialect the machine
// has: SQLite always, PostgreSQL when PMSHOOKS_TEST_POSTGRES_DSN is set (in
// CI it must be).
// internalPostgres returns internalDatabases' PostgreSQL opener, or skips t
// (fails it in CI) when no PostgreSQL is configured; why says why the test
// needs PostgreSQL, when it is not obvious.
func internalPostgres(t *testing.T, why string) func() *sql.DB {
	t.Helper()
	open, ok := internalDatabases(t)[PostgreSQL]
	if !ok {
		if why != "" {
			why = " (" + why + ")"
		}
		t.Skip("PostgreSQL only" + why + "; set PMSHOOKS_TEST_POSTGRES_DSN")
	}
	return open
}

func internalDatabases(t *testing.T) map[Dialect]func() *sql.DB {
	t.Helper()
	dbs := map[Dialect]func() *sql.DB{
		SQLite: func() *sql.DB {
			db, _, err := OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			return db
		},
	}
	dsn := os.Getenv("PMSHOOKS_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL tests must run in CI: set PMSHOOKS_TEST_POSTGRES_DSN (.ci/postgres.sh)")
		}
		return dbs
	}
	dbs[PostgreSQL] = func() *sql.DB {
		admin, _, err := OpenDB(dsn)
		require.NoError(t, err)
		t.Cleanup(func() { _ = admin.Close() })
		schema := "pmshooks_internal_" + strings.ToLower(rand.Text())
		_, err = admin.Exec("CREATE SCHEMA " + schema)
		require.NoError(t, err)
		t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		db, _, err := OpenDB(dsn + sep + "search_path=" + schema)
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
	return dbs
}

// migrateTo applies the schema up to version v, as an older pmshooks did.
func migrateTo(t *testing.T, ib *Inbox, v int) {
	t.Helper()
	ctx := t.Context()
	for _, stmt := range ib.schema.preamble {
		_, err := ib.db.ExecContext(ctx, stmt)
		require.NoError(t, err)
	}
	for _, m := range ib.schema.migrations[:v] {
		for _, stmt := range m.statements {
			if name, ok := strings.CutPrefix(stmt, stepPrefix); ok {
				tx, err := ib.db.BeginTx(ctx, nil)
				require.NoError(t, err)
				require.NoError(t, migrationStep(name)(ctx, tx, ib.q))
				require.NoError(t, tx.Commit())
				continue
			}
			_, err := ib.db.ExecContext(ctx, stmt)
			require.NoError(t, err, stmt)
		}
		_, err := ib.db.ExecContext(ctx, ib.q.recordVersion, m.version, ib.q.timeArg(ib.now()))
		require.NoError(t, err)
	}
}

// TestMigrate_fromVersion1 upgrades a database that an earlier pmshooks
// filled: every stored delivery keeps its id, state and place in its
// subject's order, copies of stored events are still refused, and new ids
// keep growing past the purged ones.
func TestMigrate_fromVersion1(t *testing.T) {
	for dialect, open := range internalDatabases(t) {
		t.Run(dialect.String(), func(t *testing.T) {
			ctx := t.Context()
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			ib, err := New(open(), dialect, WithClock(func() time.Time { return now }))
			require.NoError(t, err)
			migrateTo(t, ib, 1)
			v1 := ib.q.rebind(`INSERT INTO pmshooks_inbox (id, provider, event_id, type, name, account,
				subject_kind, subject_id, received_at, headers, body, next_attempt_at, state)
				OVERRIDING SYSTEM VALUE VALUES ($1, 'test', $2, 'booking.updated', '', '', 'booking', $3, $4, '{}', $5, $4, $6)`)
			if dialect == SQLite {
				v1 = strings.Replace(v1, "OVERRIDING SYSTEM VALUE ", "", 1)
			}
			for _, r := range []struct {
				id             int64
				event, subject string
				state          State
			}{
				{1, "ev-1", "b-1", StatePending},
				{2, "ev-2", "b-1", StatePending},
				{3, "ev-3", "", StateDead},
				{100, "ev-purged", "", StateDone},
			} {
				_, err := ib.db.ExecContext(ctx, v1, r.id, r.event, r.subject, ib.q.timeArg(now), []byte(r.event), string(r.state))
				require.NoError(t, err)
			}
			if dialect == PostgreSQL {
				_, err = ib.db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('pmshooks_inbox', 'id'), 100)`)
				require.NoError(t, err)
			}
			_, err = ib.db.ExecContext(ctx, `DELETE FROM pmshooks_inbox WHERE id = 100`)
			require.NoError(t, err)

			require.NoError(t, ib.Migrate(ctx))
			require.NoError(t, ib.checkSchema(ctx))

			var missing int
			require.NoError(t, ib.db.QueryRowContext(ctx,
				`SELECT COUNT(*) FROM pmshooks_inbox WHERE event_key IS NULL OR (subject_id <> '' AND subject_key IS NULL)`).Scan(&missing))
			assert.Zero(t, missing, "every row has its keys")

			// A copy of a stored event is refused; a new one gets an id past
			// the purged 100.
			stored := func(id string, subject string) (int64, bool) {
				d := newDelivery{provider: "test", eventID: id, typ: event.BookingUpdated,
					subject: event.Subject{Kind: "booking", ID: subject}, headers: "{}", body: []byte(id)}
				rowID, ok, err := ib.insert(ctx, d, 0, now)
				require.NoError(t, err)
				return rowID, ok
			}
			_, ok := stored("ev-1", "b-1")
			assert.False(t, ok, "ev-1 is stored already")
			rowID, ok := stored("ev-4", "b-1")
			require.True(t, ok)
			assert.Greater(t, rowID, int64(100), "ids never go back")

			// Order of b-1 holds across the upgrade: 1, 2, then 4.
			for _, want := range []int64{1, 2, rowID} {
				ds, token, err := ib.claimBatch(ctx, now, 1)
				require.NoError(t, err)
				require.Len(t, ds, 1)
				assert.Equal(t, want, ds[0].ID)
				held, _, err := ib.completeBatch(ctx, []int64{ds[0].ID}, []string{token}, ds[0].subjectKeys(), now)
				require.NoError(t, err)
				require.True(t, held[ds[0].ID])
			}
		})
	}
}

// TestInsert_subjectCommitOrder holds a subject's lock, as an insert of
// another replica in progress does: a delivery of that subject waits for it,
// and gets its id only after the earlier delivery committed, so that a
// worker can never see the later delivery of a subject without the earlier.
func TestInsert_subjectCommitOrder(t *testing.T) {
	open := internalPostgres(t, "SQLite has one writer")
	ctx := t.Context()
	db := open()
	ib, err := New(db, PostgreSQL)
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(ctx))
	now := time.Now()
	delivery := func(id string) newDelivery {
		return newDelivery{provider: "test", eventID: id, typ: event.BookingUpdated,
			subject: event.Subject{Kind: "booking", ID: "b-1"}, headers: "{}", body: []byte(id)}
	}

	// The first replica: it holds the subject's lock and stores nothing yet.
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	_, err = tx.ExecContext(ctx, ib.q.lockSubject, subjectKey("test", "booking", "b-1"))
	require.NoError(t, err)

	// The second replica stores the later delivery meanwhile.
	type result struct {
		id  int64
		err error
	}
	later := make(chan result, 1)
	go func() {
		id, _, err := ib.insert(context.Background(), delivery("ev-later"), 0, now)
		later <- result{id, err}
	}()
	select {
	case r := <-later:
		t.Fatalf("the later delivery was stored (id %d, err %v) while an earlier one of its subject was being stored", r.id, r.err)
	case <-time.After(300 * time.Millisecond):
	}

	// The first replica stores the earlier delivery and commits.
	var earlier int64
	require.NoError(t, storeInTx(t, tx, ib, delivery("ev-earlier"), now, &earlier))
	require.NoError(t, tx.Commit())
	r := <-later
	require.NoError(t, r.err)
	assert.Greater(t, r.id, earlier, "the later delivery's id comes after the earlier one's commit")
}

// TestMigrate_notWritable opens a migrated SQLite file read-only, as a
// server on a read-only mount would: Migrate fails at start-up, instead of
// the server reporting healthy and answering every delivery 503.
func TestMigrate_notWritable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "inbox.db")
	db, d, err := OpenDB(path)
	require.NoError(t, err)
	ib, err := New(db, d)
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(t.Context()))
	require.NoError(t, db.Close())

	ro, d, err := OpenDB("file:" + path + "?mode=ro")
	require.NoError(t, err)
	defer ro.Close()
	ib, err = New(ro, d)
	require.NoError(t, err)
	err = ib.Migrate(t.Context())
	require.ErrorIs(t, err, ErrNotWritable)
	assert.Contains(t, err.Error(), "not writable")
}

// TestOpenDB_postgresPoolStaysOpen stores deliveries from 8 concurrent
// senders: once the pool is warm, no connection is closed for being idle and
// opened again, which cost a backend start and re-prepared statements for a
// few percent of deliveries with database/sql's default of 2 idle
// connections.
func TestOpenDB_postgresPoolStaysOpen(t *testing.T) {
	open := internalPostgres(t, "")
	db := open()
	ib, err := New(db, PostgreSQL)
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(t.Context()))
	const senders = 8
	burst := func(round int) {
		var wg sync.WaitGroup
		for s := range senders {
			wg.Go(func() {
				for i := range 25 {
					id := fmt.Sprintf("ev-%d-%d-%d", round, s, i)
					d := newDelivery{provider: "test", eventID: id, typ: event.BookingUpdated,
						subject: event.Subject{Kind: "booking", ID: fmt.Sprint(i % 5)}, headers: "{}", body: []byte(id)}
					_, _, err := ib.insert(context.Background(), d, 0, time.Now())
					assert.NoError(t, err)
				}
			})
		}
		wg.Wait()
	}
	burst(0) // warm up: the pool opens what it needs
	before := db.Stats()
	for round := 1; round <= 3; round++ {
		burst(round)
		time.Sleep(10 * time.Millisecond) // idle between bursts
	}
	after := db.Stats()
	assert.Zero(t, after.MaxIdleClosed-before.MaxIdleClosed, "connections closed for the idle limit, then opened again")
	assert.LessOrEqual(t, after.OpenConnections, 32)
}
