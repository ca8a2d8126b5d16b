package inbox

import (
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Dialect is the SQL dialect of the database behind an Inbox. The zero value
// is no dialect: New refuses it.
type Dialect int

// The supported dialects.
const (
	// SQLite is the embedded default: one file, one process. SQLite admits
	// one writer at a time, so New limits the *sql.DB to one connection and
	// the workers of that one process take turns; a second process (the
	// pmshooks command listing or retrying deliveries) may open the same file.
	// Tested with modernc.org/sqlite; needs SQLite 3.35 or later.
	SQLite Dialect = iota + 1
	// PostgreSQL serves several replicas sharing one database: each replica
	// receives and stores deliveries and runs workers, and workers claim rows
	// with FOR UPDATE SKIP LOCKED so that no two take the same one. Tested
	// with the pgx stdlib driver; needs PostgreSQL 11 or later.
	PostgreSQL
)

// String returns "sqlite", "postgres", or "Dialect(n)" for an invalid value.
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case PostgreSQL:
		return "postgres"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

func (d Dialect) valid() bool { return d == SQLite || d == PostgreSQL }

func (d Dialect) schemaFile() string {
	if d == PostgreSQL {
		return "postgres.sql"
	}
	return "sqlite.sql"
}

// Driver names OpenDB uses with database/sql. The program registers them by
// importing the driver package for its side effects.
const (
	// SQLiteDriver is the name modernc.org/sqlite registers.
	SQLiteDriver = "sqlite"
	// PostgreSQLDriver is the name github.com/jackc/pgx/v5/stdlib registers.
	PostgreSQLDriver = "pgx"
)

// DialectOf returns the dialect a data source name is for: PostgreSQL for a
// postgres:// or postgresql:// URL, SQLite for anything else (a file path, a
// file: URI, ":memory:").
func DialectOf(dsn string) Dialect {
	lower := strings.ToLower(strings.TrimSpace(dsn))
	if strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") {
		return PostgreSQL
	}
	return SQLite
}

// PostgreSQLPoolSize is the size of the pool OpenDB opens on PostgreSQL: at
// most this many connections, and as many kept open while idle.
//
// database/sql keeps only 2 idle connections by default. Under concurrent
// deliveries the pool then closes connections as soon as they are free and
// opens new ones for the next burst: a PostgreSQL backend process started and
// the statements prepared again for a few percent of deliveries, at tens of
// milliseconds each, just when providers wait for their 2xx. Keeping the pool
// open removes that (measured: 5.6 times the deliveries per second at 8
// concurrent senders). 32 leaves room for three replicas under PostgreSQL's
// default max_connections of 100; a program that opens its own *sql.DB should
// likewise call SetMaxIdleConns with its SetMaxOpenConns.
const PostgreSQLPoolSize = 32

// postgresConnMaxIdleTime closes a pooled connection unused for this long,
// so that a quiet replica gives its connections back.
const postgresConnMaxIdleTime = 5 * time.Minute

// sqliteDefaults are the connection settings OpenDB adds to a SQLite DSN
// that does not set them. Both modernc.org/sqlite and mattn/go-sqlite3
// understand these keys.
var sqliteDefaults = [][2]string{
	// Wait for a lock held by another process (the pmshooks command, a
	// backup) rather than failing at once.
	{"_busy_timeout", "10000"},
	// Readers do not block the writer, and a commit is one append.
	{"_journal_mode", "WAL"},
	// Take the write lock when a transaction begins: a transaction that
	// reads and then writes cannot deadlock with another process.
	{"_txlock", "immediate"},
}

// OpenDB opens the database that dsn names, for a program that takes the
// inbox location from a flag or the environment (the pmshooks command, the
// example receiver). It returns the pool and its Dialect (see DialectOf); the
// caller closes the pool.
//
//   - A postgres:// or postgresql:// URL opens PostgreSQL with driver "pgx"
//     (import _ "github.com/jackc/pgx/v5/stdlib"). Use search_path in the URL
//     to put the tables in a schema of their own. The pool holds up to
//     PostgreSQLPoolSize connections and keeps them open while idle (for up
//     to 5 minutes), so that bursts of deliveries do not open connections.
//   - Anything else is a SQLite file, created when missing, opened with
//     driver "sqlite" (import _ "modernc.org/sqlite"). OpenDB adds
//     _busy_timeout=10000, _journal_mode=WAL and _txlock=immediate unless
//     the DSN sets them, and limits the pool to one connection.
//
// OpenDB pings the database, so that a wrong DSN fails here rather than at
// the first delivery; it does not migrate. Programs that open their database
// themselves call New directly.
func OpenDB(dsn string) (*sql.DB, Dialect, error) {
	if strings.TrimSpace(dsn) == "" {
		return nil, 0, errors.New("inbox: empty DSN")
	}
	d := DialectOf(dsn)
	driver, source := PostgreSQLDriver, dsn
	if d == SQLite {
		driver, source = SQLiteDriver, sqliteDSN(dsn)
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		return nil, 0, fmt.Errorf("inbox: opening %s database (is the driver imported?): %w", d, err)
	}
	switch d {
	case SQLite:
		db.SetMaxOpenConns(1)
	case PostgreSQL:
		db.SetMaxOpenConns(PostgreSQLPoolSize)
		db.SetMaxIdleConns(PostgreSQLPoolSize)
		db.SetConnMaxIdleTime(postgresConnMaxIdleTime)
	}
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, 0, fmt.Errorf("inbox: opening %s database: %w", d, err)
	}
	return db, d, nil
}

// sqliteDSN adds sqliteDefaults to dsn where it does not set them.
func sqliteDSN(dsn string) string {
	path, query, _ := strings.Cut(dsn, "?")
	var add []string
	for _, kv := range sqliteDefaults {
		if !hasQueryKey(query, kv[0]) {
			add = append(add, kv[0]+"="+kv[1])
		}
	}
	if len(add) == 0 {
		return dsn
	}
	if query != "" {
		add = append([]string{query}, add...)
	}
	return path + "?" + strings.Join(add, "&")
}

func hasQueryKey(query, key string) bool {
	for part := range strings.SplitSeq(query, "&") {
		k, _, _ := strings.Cut(part, "=")
		if k == key {
			return true
		}
	}
	return false
}

// timeLayout is how SQLite stores times: UTC, fixed width, so that text
// order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// queries holds one dialect's statements. Placeholders are written $1, $2,
// ... and rewritten to ?1, ?2, ... for SQLite.
type queries struct {
	dialect Dialect

	insert        string // SQLite: one delivery; its group write runs it per delivery
	storeGroup    string // PostgreSQL: store a group of deliveries (pmshooks_inbox_store)
	latest        string // the newest stored copy of an event key
	claim         string
	lockSubject   string // PostgreSQL: lock one subject, as a store does
	completeBatch string // PostgreSQL: mark a batch done and pass head on; SQLite builds its own
	promote       string // PostgreSQL: pass head on in the subjects $1
	latestPending string // the newest pending, unleased delivery of a subject after a given id
	sourceCreate  string // the checkpoint row of a source, if missing
	sourceLease   string // take or renew a source's lease; returns its checkpoint
	sourceSave    string // save a source's checkpoint under its lease
	sourceRelease string // give a source's lease up
	coalesce      string // finish a head and the deliveries of its subject up to a later one
	retry         string
	dead          string
	bury          string // dead without an attempt: none was left
	release       string
	get           string
	retryDead     string
	replay        string // make a done, coalesced or dead delivery pending again
	state         string
	watermark     string
	purge         string
	stats         string
	migrateLock   string // "" when the dialect needs none
	schemaVersion string
	recordVersion string

	versionTableExists string
}

// deliveryColumns are the columns scanDelivery reads, in order.
const deliveryColumns = `id, provider, event_id, type, name, account, subject_kind, subject_id,
	event_time, received_at, headers, body, state, attempts, next_attempt_at,
	CASE WHEN lease_token IS NULL THEN 0 ELSE 1 END, last_error, finished_at, COALESCE(coalesced_into, 0),
	source, started_at`

// historyColumns are deliveryColumns and the attempt log, which Get and List
// read and the claim does not.
const historyColumns = deliveryColumns + `, attempt_log`

// finishedColumns are what a statement that takes deliveries out of pending
// (done or dead) returns, for passing head on: see leavePending.
const finishedColumns = `id, subject_key, head`

// lockedSubjects is a PostgreSQL FROM item that locks the subjects of the
// keys in the BIGINT[] parameter param for the rest of the transaction, in
// key order, so that two transactions locking overlapping subjects cannot
// deadlock. An UPDATE that joins it locks the subjects before it changes a
// row (the aggregate yields its one row once every lock is granted): it
// holds no row while it waits for an insert of the subject, which may itself
// wait for such a row, a copy of the delivery it stores.
func lockedSubjects(param string) string {
	return `(SELECT COUNT(*) AS n FROM (
			SELECT pg_advisory_xact_lock(k) FROM (
				SELECT DISTINCT s # ` + schemaSalt + ` AS k FROM unnest(` + param + `::BIGINT[]) AS s) AS keys
			ORDER BY k) AS l) AS locked`
}

// schemaSalt is mixed into PostgreSQL advisory lock keys of subjects:
// advisory locks are per database, and two inboxes in different schemas of
// one database (see OpenDB) must not make each other's inserts and
// completions wait.
const schemaSalt = `hashtextextended(current_schema(), 0)`

// insertColumns are the columns insert writes, in the order of its
// parameters $1 to $17, then next_attempt_at, which is received_at ($12),
// head, and change_key and source ($18, $19).
const insertColumns = `provider, event_id, event_key, generation, type, name, account,
	subject_kind, subject_id, subject_key, event_time, received_at, headers, body,
	state, finished_at, last_error, next_attempt_at, head, change_key, source`

const insertValues = `$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $12`

// The head of a subject is the one of its pending deliveries that may be
// claimed: the first (see schema version 3). Every statement that changes
// which deliveries of a subject are pending keeps that true in its
// transaction: an insert or a retry of a dead delivery is head when no
// delivery of its subject is pending; a head that becomes done or dead
// passes head to the next pending delivery of its subject (leavePending); a
// head retried later keeps it. On PostgreSQL each of these holds the
// subject's advisory lock, and decides in a snapshot taken after the lock
// was granted; SQLite has one writer.
func newQueries(d Dialect) *queries {
	q := &queries{
		dialect: d,
		latest:  `SELECT id, received_at FROM pmshooks_inbox WHERE event_key = $1 ORDER BY id DESC LIMIT 1`,
		// retry and release log the attempt they end (see logAppend): $5
		// is now; release's $6 says why ('released' or 'rate_limited'), $7
		// is the error.
		retry: `UPDATE pmshooks_inbox SET lease_token = NULL, next_attempt_at = $3, last_error = $4,
				attempt_log = ` + logAppend(d, "attempt_log", logEntry(d, "attempts", "$5", "'retry'", "$4")) + `
			WHERE id = $1 AND lease_token = $2 AND state = 'pending'`,
		release: `UPDATE pmshooks_inbox SET lease_token = NULL, next_attempt_at = $3, attempts = attempts - 1,
				attempt_log = ` + logAppend(d, "attempt_log", logEntry(d, "attempts", "$4", "$5", "$6")) + `
			WHERE id = $1 AND lease_token = $2 AND state = 'pending'`,
		get:   `SELECT ` + historyColumns + ` FROM pmshooks_inbox WHERE id = $1`,
		state: `SELECT state FROM pmshooks_inbox WHERE id = $1`,
		purge: `DELETE FROM pmshooks_inbox WHERE id IN (
				SELECT id FROM pmshooks_inbox WHERE state = 'done' AND finished_at < $1 LIMIT $2)`,
		stats: `SELECT
				COALESCE(SUM(CASE WHEN state = 'pending' AND (lease_token IS NULL OR next_attempt_at <= $1) THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN state = 'pending' AND lease_token IS NOT NULL AND next_attempt_at > $1 THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN state = 'done' AND coalesced_into IS NULL THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN state = 'done' AND coalesced_into IS NOT NULL THEN 1 ELSE 0 END), 0),
				MIN(CASE WHEN state = 'pending' THEN received_at END)
			FROM pmshooks_inbox`,
		watermark:     watermarkQuery(d),
		schemaVersion: `SELECT COALESCE(MAX(version), 0) FROM pmshooks_inbox_schema_version`,
		recordVersion: `INSERT INTO pmshooks_inbox_schema_version (version, applied_at) VALUES ($1, $2)`,
	}
	// dead and bury pass head on (leavePending). On PostgreSQL they lock the
	// subjects $5 first.
	from := ""
	if d == PostgreSQL {
		from = "FROM " + lockedSubjects("$5")
	}
	q.dead = `UPDATE pmshooks_inbox AS r SET state = 'dead', lease_token = NULL, finished_at = $3, last_error = $4,
			attempt_log = ` + logAppend(d, "attempt_log", logEntry(d, "attempts", "$3", "'dead'", "$4")) + `
		` + from + `
		WHERE r.id = $1 AND r.lease_token = $2 AND r.state = 'pending'
		RETURNING ` + finishedColumns
	// coalesce finishes the head $1 (leased to $2) and every delivery of its
	// subject (key $6) after it up to $3 at $4: $3 done, the others done as
	// coalesced into $3. It changes nothing unless the head's lease holds;
	// the deliveries after the head are not leased (only heads are
	// claimed). On PostgreSQL it locks the subject ($5) first.
	q.coalesce = `UPDATE pmshooks_inbox AS r SET state = 'done', lease_token = NULL, finished_at = $4,
			coalesced_into = CASE WHEN r.id = $3 THEN NULL ELSE $3 END,
			attempts = CASE WHEN r.id = $3 THEN r.attempts + 1 ELSE r.attempts END,
			started_at = CASE WHEN r.id = $3
				THEN (SELECT h.started_at FROM pmshooks_inbox h WHERE h.id = $1) ELSE r.started_at END
		` + from + `
		WHERE r.subject_key = $6 AND r.state = 'pending' AND r.id >= $1 AND r.id <= $3
			AND EXISTS (SELECT 1 FROM pmshooks_inbox h WHERE h.id = $1 AND h.lease_token = $2 AND h.state = 'pending')
			AND (r.id = $1 OR r.lease_token IS NULL)
		RETURNING ` + finishedColumns
	q.sourceCreate = `INSERT INTO pmshooks_inbox_checkpoints (source, checkpoint) VALUES ($1, '')
		ON CONFLICT DO NOTHING`
	q.sourceLease = `UPDATE pmshooks_inbox_checkpoints SET lease_owner = $2, lease_until = $3
		WHERE source = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $4)
		RETURNING checkpoint`
	q.sourceSave = `UPDATE pmshooks_inbox_checkpoints SET checkpoint = $3, updated_at = $4, lease_until = $5
		WHERE source = $1 AND lease_owner = $2`
	q.sourceRelease = `UPDATE pmshooks_inbox_checkpoints SET lease_owner = NULL, lease_until = NULL
		WHERE source = $1 AND lease_owner = $2`
	q.latestPending = `SELECT ` + deliveryColumns + ` FROM pmshooks_inbox
		WHERE subject_key = $1 AND state = 'pending' AND id > $2 AND lease_token IS NULL
		ORDER BY id DESC LIMIT 1`
	q.bury = `UPDATE pmshooks_inbox AS r SET state = 'dead', lease_token = NULL, finished_at = $3, last_error = $4,
			attempts = r.attempts - 1
		` + from + `
		WHERE r.id = $1 AND r.lease_token = $2 AND r.state = 'pending'
		RETURNING ` + finishedColumns
	switch d {
	case SQLite:
		// SQLite has one writer, and a write transaction takes the write
		// lock before it reads: each statement sees every change committed
		// before it, and none happens while it runs.
		q.insert = `INSERT INTO pmshooks_inbox (` + insertColumns + `)
			VALUES (` + insertValues + `, ` + sqliteIdle(`$10`) + `, $18, $19)
			ON CONFLICT DO NOTHING
			RETURNING id`
		q.claim = `UPDATE pmshooks_inbox SET lease_token = $2, next_attempt_at = $3, attempts = attempts + 1,
				` + claimHistory(d) + `
			WHERE id IN (SELECT id FROM pmshooks_inbox
				WHERE head = 1 AND state = 'pending' AND next_attempt_at <= $1 ORDER BY id LIMIT $4)
			RETURNING ` + deliveryColumns
		q.retryDead = `UPDATE pmshooks_inbox
			SET state = 'pending', attempts = 0, next_attempt_at = $2, lease_token = NULL, finished_at = NULL,
				started_at = NULL, attempt_log = ` + logAppend(d, "attempt_log", logMarker(d, "'retried'", "$2")) + `,
				head = ` + sqliteIdle(`pmshooks_inbox.subject_key`) + `
			WHERE id = $1 AND state = 'dead'`
		q.replay = `UPDATE pmshooks_inbox
			SET ` + replaySet(d) + `,
				head = ` + sqliteIdle(`pmshooks_inbox.subject_key`) + `
			WHERE id = $1 AND state IN ('done', 'dead')`
		q.versionTableExists = `SELECT COUNT(*) FROM sqlite_master
			WHERE type = 'table' AND name = 'pmshooks_inbox_schema_version'`
	case PostgreSQL:
		// Deliveries are stored by pmshooks_inbox_store, in groups (see
		// storeGroup): it takes the subjects' advisory locks before the rows
		// get their ids and holds them until the commit, so that the id
		// order of a subject is its commit order, on every replica.
		// pmshooks_inbox_lock_subject takes one subject's lock, as a retried
		// or replayed delivery does.
		q.lockSubject = `SELECT pmshooks_inbox_lock_subject($1::BIGINT)`
		q.storeGroup = `SELECT stored_n, stored_id FROM pmshooks_inbox_store(
			$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`
		// The copies of an event key are found through its unique index,
		// and the few sorted. "id + 0" keeps the planner from walking the
		// primary key backwards until a row of the key turns up: without
		// statistics on the column (a table not yet analyzed) PostgreSQL
		// guesses that many rows match, and that walk reads the whole
		// table for a new event, which is almost every delivery. (SQLite
		// takes the unique index for an equality on its first column.)
		q.latest = `SELECT id, received_at FROM pmshooks_inbox WHERE event_key = $1 ORDER BY id + 0 DESC LIMIT 1`
		// One statement, its own transaction: pick the first due heads no
		// other claim has locked, then lease them (pmshooks_inbox_claim,
		// whose SET list is claimHistory's). A head is the only delivery of
		// its subject that may run, so the claim needs no subject lock.
		q.claim = `SELECT ` + deliveryColumns + ` FROM pmshooks_inbox_claim($1, $2, $3, $4)`
		// The done of a batch, and the heads passed on, in one call (see
		// pmshooks_inbox_complete): one round trip for the batch.
		q.completeBatch = `SELECT finished_id, head_id FROM pmshooks_inbox_complete($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4)`
		// The next pending delivery of each subject: a statement of its
		// own, after the one that locked the subjects, so that its snapshot
		// holds every delivery of them committed before.
		q.promote = `UPDATE pmshooks_inbox SET head = true
			WHERE id IN (SELECT (SELECT o.id FROM pmshooks_inbox o
					WHERE o.subject_key = k AND o.state = 'pending' ORDER BY o.id LIMIT 1)
				FROM unnest($1::BIGINT[]) AS k)
				AND NOT head`
		q.retryDead = `UPDATE pmshooks_inbox
			SET state = 'pending', attempts = 0, next_attempt_at = $2, lease_token = NULL, finished_at = NULL,
				started_at = NULL, attempt_log = ` + logAppend(d, "attempt_log", logMarker(d, "'retried'", "$2")) + `,
				head = pmshooks_inbox_lock_subject(subject_key)
			WHERE id = $1 AND state = 'dead'`
		// replay is retryDead for any finished delivery: the same head
		// rule, under the subject's lock.
		q.replay = `UPDATE pmshooks_inbox
			SET ` + replaySet(d) + `,
				head = pmshooks_inbox_lock_subject(subject_key)
			WHERE id = $1 AND state IN ('done', 'dead')`
		q.migrateLock = `SELECT pg_advisory_xact_lock($1)`
		q.versionTableExists = `SELECT COUNT(*) FROM pg_catalog.pg_tables
			WHERE tablename = 'pmshooks_inbox_schema_version' AND schemaname = ANY (current_schemas(false))`
	}
	if d == SQLite {
		for _, p := range []*string{
			&q.insert, &q.latest, &q.claim, &q.retry, &q.dead, &q.bury, &q.release, &q.get,
			&q.retryDead, &q.replay, &q.state, &q.purge, &q.stats, &q.watermark, &q.schemaVersion, &q.recordVersion,
			&q.coalesce, &q.latestPending, &q.sourceCreate, &q.sourceLease, &q.sourceSave, &q.sourceRelease,
		} {
			*p = placeholder.ReplaceAllString(*p, "?$1")
		}
	}
	return q
}

// sqliteIdle is the SQLite expression that is 1 when no delivery of the
// subject key is pending (or key is NULL: no subject), else 0.
func sqliteIdle(key string) string {
	return `CASE WHEN ` + key + ` IS NULL THEN 1 ELSE NOT EXISTS (
		SELECT 1 FROM pmshooks_inbox o WHERE o.subject_key = ` + key + ` AND o.state = 'pending') END`
}

var placeholder = regexp.MustCompile(`\$([0-9]+)`)

// rebind writes the placeholders of query as the dialect wants them.
func (q *queries) rebind(query string) string {
	if q.dialect == SQLite {
		return placeholder.ReplaceAllString(query, "?$1")
	}
	return query
}

// storedTime is t as both dialects store it: UTC, to the microsecond.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// timeArg returns t as the dialect stores it; the zero Time is NULL.
func (q *queries) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = storedTime(t)
	if q.dialect == SQLite {
		return t.Format(timeLayout)
	}
	return t
}

// dbTime scans a time stored by either dialect; NULL is the zero Time.
type dbTime struct{ t *time.Time }

func (s dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("inbox: cannot scan %T into a time", v)
	}
	return nil
}

func (s dbTime) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("inbox: stored time %q: %w", v, err)
	}
	*s.t = t.UTC()
	return nil
}

// eventKey is the dedupe key of an event: the SHA-256 of its provider and
// id. A fixed size keeps it indexable whatever the length of the id.
func eventKey(provider, eventID string) []byte {
	h := sha256.New()
	_, _ = h.Write([]byte(provider))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(eventID))
	return h.Sum(nil)
}

// changeKey is the key of a change of a record: the SHA-256 of provider,
// subject and version, NUL-separated; nil (NULL) when there is no version or
// no subject id, so that only deliveries that name a record state share it.
func changeKey(provider, kind, id, version string) any {
	if version == "" || id == "" {
		return nil
	}
	h := sha256.New()
	for _, s := range []string{provider, kind, id, version} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// subjectKey is the key of a subject, for the ordering index and the
// PostgreSQL advisory lock: the first 8 bytes of a SHA-256 of provider, kind
// and id, read as a signed integer. It is nil (NULL) when id is "": such a
// delivery has no subject and is not ordered. Ordering tells subjects apart
// by this key alone: two subjects that share one (one chance in 2^64 for a
// pair) are handled in one order, as if they were one.
func subjectKey(provider, kind, id string) any {
	if id == "" {
		return nil
	}
	h := sha256.New()
	for _, s := range []string{"pmshooks/inbox", provider, kind, id} {
		_, _ = h.Write([]byte(s))
		_, _ = h.Write([]byte{0})
	}
	return int64(binary.BigEndian.Uint64(h.Sum(nil)[:8]))
}
