package inbox

import (
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDialectOf(t *testing.T) {
	t.Parallel()
	tests := map[string]Dialect{
		"postgres://u@db.internal/inbox":             PostgreSQL,
		"postgresql://u@/inbox?host=/run/postgresql": PostgreSQL,
		"  POSTGRES://u@h/db":                        PostgreSQL,
		"inbox.db":                                   SQLite,
		"/var/lib/app/inbox.db?_busy_timeout=100":    SQLite,
		"file:inbox.db?mode=rwc":                     SQLite,
		":memory:":                                   SQLite,
	}
	for dsn, want := range tests {
		assert.Equal(t, want, DialectOf(dsn), dsn)
	}
}

func TestDialect_String(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "sqlite", SQLite.String())
	assert.Equal(t, "postgres", PostgreSQL.String())
	assert.Equal(t, "Dialect(0)", Dialect(0).String())
}

func TestSQLiteDSN(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"inbox.db":               "inbox.db?_busy_timeout=10000&_journal_mode=WAL&_txlock=immediate",
		"file:inbox.db?mode=rwc": "file:inbox.db?mode=rwc&_busy_timeout=10000&_journal_mode=WAL&_txlock=immediate",
		"a.db?_busy_timeout=1":   "a.db?_busy_timeout=1&_journal_mode=WAL&_txlock=immediate",
		"a.db?_busy_timeout=1&_journal_mode=DELETE&_txlock=deferred": "a.db?_busy_timeout=1&_journal_mode=DELETE&_txlock=deferred",
	}
	for in, want := range tests {
		assert.Equal(t, want, sqliteDSN(in), in)
	}
}

func TestNew_fails(t *testing.T) {
	t.Parallel()
	_, err := New(nil, SQLite)
	require.ErrorContains(t, err, "nil *sql.DB")
	_, err = New(&sql.DB{}, Dialect(7))
	require.ErrorContains(t, err, "unknown dialect")
}

func TestOpenDB_fails(t *testing.T) {
	t.Parallel()
	_, _, err := OpenDB(" ")
	require.ErrorContains(t, err, "empty DSN")
	_, _, err = OpenDB("postgres://u@/db?host=/nonexistent&connect_timeout=1")
	require.ErrorContains(t, err, "opening postgres database")
	_, _, err = OpenDB("/nonexistent/dir/inbox.db")
	require.ErrorContains(t, err, "opening sqlite database")
}

func TestQueries_timeArg(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 12, 30, 0, 123456789, time.FixedZone("CET", 3600))
	lite, pg := newQueries(SQLite), newQueries(PostgreSQL)
	assert.Equal(t, "2026-03-01T11:30:00.123456Z", lite.timeArg(at), "UTC, microseconds, fixed width")
	assert.Equal(t, at.UTC().Truncate(time.Microsecond), pg.timeArg(at))
	assert.Nil(t, lite.timeArg(time.Time{}), "the zero time is NULL")
	assert.Nil(t, pg.timeArg(time.Time{}))

	for _, v := range []any{"2026-03-01T11:30:00.123456Z", []byte("2026-03-01T11:30:00.123456Z"), at} {
		var got time.Time
		require.NoError(t, dbTime{&got}.Scan(v))
		assert.True(t, got.Equal(at.Truncate(time.Microsecond)) || got.Equal(at), "%T", v)
		assert.Equal(t, time.UTC, got.Location())
	}
	var got time.Time
	require.NoError(t, dbTime{&got}.Scan(nil))
	assert.True(t, got.IsZero())
	require.Error(t, dbTime{&got}.Scan(int64(1)))
	require.Error(t, dbTime{&got}.Scan("yesterday"))
}

func TestQueries_placeholders(t *testing.T) {
	t.Parallel()
	lite := newQueries(SQLite)
	// No $n placeholder is left; '$[0]' and '$[#]' are JSON paths.
	assert.NotRegexp(t, `\$[0-9]`, lite.claim)
	assert.Contains(t, lite.claim, "?1")
	assert.Contains(t, lite.insert, "?11")
	assert.Contains(t, newQueries(PostgreSQL).storeGroup, "$11") // PostgreSQL keeps $n
}

func TestSubjectKey(t *testing.T) {
	t.Parallel()
	a := subjectKey("channex", "booking", "1")
	assert.Equal(t, a, subjectKey("channex", "booking", "1"))
	assert.NotEqual(t, a, subjectKey("channex", "booking", "2"))
	assert.NotEqual(t, subjectKey("a", "bc", "d"), subjectKey("ab", "c", "d"), "fields are separated")
	assert.Nil(t, subjectKey("channex", "booking", ""), "no id, no subject")
}

func TestEventKey(t *testing.T) {
	t.Parallel()
	a := eventKey("propexo", "sha256:00")
	assert.Len(t, a, 32, "a fixed size, whatever the id")
	assert.Len(t, eventKey("propexo", strings.Repeat("x", 10000)), 32)
	assert.Equal(t, a, eventKey("propexo", "sha256:00"))
	assert.NotEqual(t, eventKey("a", "bc"), eventKey("ab", "c"), "fields are separated")
}

func TestCleanText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "plain", cleanText("plain"))
	assert.Equal(t, "ab", cleanText("a\x00b"))
	assert.Equal(t, "a\uFFFDb", cleanText("a\xffb"))
}

// TestLatest_indexLookup checks that finding the newest copy of an event
// key, which every delivery received with a dedupe window does, reads a
// few pages whatever the table holds: on PostgreSQL also on a table that was
// never analyzed (a new inbox under its first burst), with a custom or a
// generic plan. Walking the primary key backwards instead read every row of
// the table for a new event (measured: 5,400 buffers at 5,000 rows).
func TestLatest_indexLookup(t *testing.T) {
	const rows = 5000
	for d, open := range internalDatabases(t) {
		t.Run(d.String(), func(t *testing.T) {
			ctx := t.Context()
			db := open()
			ib, err := New(db, d)
			require.NoError(t, err)
			require.NoError(t, ib.Migrate(ctx))
			if d == PostgreSQL {
				// No statistics, as before the first autovacuum.
				_, err := db.ExecContext(ctx, `ALTER TABLE pmshooks_inbox SET (autovacuum_enabled = false)`)
				require.NoError(t, err)
			}
			// rows handled deliveries of other events, then three copies of
			// one event.
			_, err = db.ExecContext(ctx, ib.q.rebind(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $1)
				INSERT INTO pmshooks_inbox (provider, event_id, event_key, generation, type, name, account,
					subject_kind, subject_id, subject_key, received_at, headers, body, state, next_attempt_at, head)
				SELECT 'test', 'ev-' || n, `+map[Dialect]string{
				SQLite: `randomblob(32)`, PostgreSQL: `sha256(convert_to('ev-' || n, 'UTF8'))`}[d]+`, 0, 'booking.updated', 'n', 'a',
					'booking', 'b-' || (n % 1000), n % 1000, $2, '{}', $3, 'done', $2, $4 FROM g`),
				rows, ib.q.timeArg(time.Now()), []byte(strings.Repeat("x", 1000)), false)
			require.NoError(t, err)
			key := eventKey("test", "copied")
			var newest int64
			for i := range 3 { // each copy after the window of the one before
				var stored bool
				newest, stored, err = ib.insert(ctx, testDelivery("copied", "b-x"), time.Minute, time.Now().Add(time.Duration(i)*time.Hour))
				require.NoError(t, err)
				require.True(t, stored)
			}
			var (
				got      int64
				received time.Time
			)
			require.NoError(t, db.QueryRowContext(ctx, ib.q.latest, key).Scan(&got, dbTime{&received}))
			assert.Equal(t, newest, got, "the newest copy")

			if d == SQLite {
				plan := explainSQLite(t, db, ib.q.latest, eventKey("test", "new"))
				assert.Contains(t, plan, "USING INDEX", "looked up by the event key: %s", plan)
				return
			}
			conn, err := db.Conn(ctx)
			require.NoError(t, err)
			defer conn.Close()
			_, err = conn.ExecContext(ctx, `PREPARE pmshooks_latest(BYTEA) AS `+ib.q.latest)
			require.NoError(t, err)
			for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
				_, err = conn.ExecContext(ctx, `SET plan_cache_mode = `+mode)
				require.NoError(t, err)
				var out string
				require.NoError(t, conn.QueryRowContext(ctx,
					`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE pmshooks_latest('\x`+hex.EncodeToString(eventKey("test", "new"))+`')`).Scan(&out))
				var plans []struct {
					Plan struct {
						Hit  int `json:"Shared Hit Blocks"`
						Read int `json:"Shared Read Blocks"`
					} `json:"Plan"`
				}
				require.NoError(t, json.Unmarshal([]byte(out), &plans))
				require.Len(t, plans, 1)
				assert.Less(t, plans[0].Plan.Hit+plans[0].Plan.Read, 50, "%s: pages read for a new event: %s", mode, out)
			}
		})
	}
}

// explainSQLite returns SQLite's query plan of query, one step a line.
func explainSQLite(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		b.WriteString(detail + "\n")
	}
	require.NoError(t, rows.Err())
	return b.String()
}
