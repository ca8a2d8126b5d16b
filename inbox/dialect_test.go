package inbox

import (
	"database/sql"
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
	assert.Contains(t, newQueries(PostgreSQL).insert, "$11")
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
