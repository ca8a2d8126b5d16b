package inbox

import (
	"bufio"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

//go:embed schema/sqlite.sql schema/postgres.sql
var schemaFiles embed.FS

// Errors about the schema.
var (
	// ErrNotMigrated is returned by Run when the database has no inbox
	// schema, or an older one than this package needs: call Migrate first.
	ErrNotMigrated = errors.New("inbox: schema not migrated; call Migrate")
	// ErrSchemaTooNew is returned by Migrate and Run when the database was
	// migrated by a newer version of pmshooks than this one.
	ErrSchemaTooNew = errors.New("inbox: database schema is newer than this version of pmshooks")
	// ErrNotWritable is returned by Migrate when the database refuses a
	// write (a read-only file or mount, a role without the privilege, a
	// read-only replica): an inbox that cannot store deliveries must not
	// start and report itself healthy.
	ErrNotWritable = errors.New("inbox: the database is not writable")
)

// schema is one dialect's schema file, parsed.
type schema struct {
	preamble   []string    // run on every Migrate; idempotent
	migrations []migration // in version order, from 1
}

type migration struct {
	version    int
	statements []string
}

// latest is the version the last migration brings the schema to.
func (s *schema) latest() int {
	if len(s.migrations) == 0 {
		return 0
	}
	return s.migrations[len(s.migrations)-1].version
}

var (
	versionLine = regexp.MustCompile(`^-- version ([0-9]+)$`)
	stepLine    = regexp.MustCompile(`^-- step: ([a-z_]+)$`)
)

// stepPrefix marks a statement of a parsed schema that is no SQL but a step
// written in Go (see migrationStep), named after the prefix.
const stepPrefix = "\x00step:"

// loadSchema reads and parses the embedded schema file of d.
func loadSchema(d Dialect) (*schema, error) {
	src, err := schemaFiles.ReadFile("schema/" + d.schemaFile())
	if err != nil {
		return nil, fmt.Errorf("inbox: reading the %s schema: %w", d, err)
	}
	return parseSchema(string(src))
}

// parseSchema splits a schema file into its preamble and its version
// sections, and each of those into statements. A statement ends with a line
// ending in ";" outside a $$-quoted body (a function's); lines that are only
// a comment are dropped between statements.
func parseSchema(src string) (*schema, error) {
	s := &schema{}
	var (
		cur    *[]string // statements of the current section
		stmt   strings.Builder
		quoted bool // inside a $$-quoted body
	)
	cur = &s.preamble
	sc := bufio.NewScanner(strings.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		if m := versionLine.FindStringSubmatch(line); m != nil {
			if stmt.Len() > 0 {
				return nil, fmt.Errorf("inbox: schema line %d: version marker inside a statement", n)
			}
			v, _ := strconv.Atoi(m[1])
			if v != len(s.migrations)+1 {
				return nil, fmt.Errorf("inbox: schema line %d: version %d out of sequence", n, v)
			}
			s.migrations = append(s.migrations, migration{version: v})
			cur = &s.migrations[len(s.migrations)-1].statements
			continue
		}
		if m := stepLine.FindStringSubmatch(line); m != nil {
			if stmt.Len() > 0 {
				return nil, fmt.Errorf("inbox: schema line %d: step inside a statement", n)
			}
			if len(s.migrations) == 0 {
				return nil, fmt.Errorf("inbox: schema line %d: step outside a version section", n)
			}
			if migrationStep(m[1]) == nil {
				return nil, fmt.Errorf("inbox: schema line %d: unknown step %q", n, m[1])
			}
			*cur = append(*cur, stepPrefix+m[1])
			continue
		}
		trimmed := strings.TrimSpace(line)
		if stmt.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "--")) {
			continue
		}
		stmt.WriteString(line)
		stmt.WriteByte('\n')
		if strings.Count(line, "$$")%2 == 1 {
			quoted = !quoted
		}
		if !quoted && strings.HasSuffix(trimmed, ";") {
			*cur = append(*cur, strings.TrimSpace(stmt.String()))
			stmt.Reset()
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("inbox: reading schema: %w", err)
	}
	if stmt.Len() > 0 {
		return nil, errors.New("inbox: schema ends inside a statement")
	}
	if len(s.migrations) == 0 {
		return nil, errors.New("inbox: schema has no version section")
	}
	return s, nil
}

// Migrate creates the inbox tables, or brings them up to the version this
// package needs. It is idempotent and records each version it applies in the
// table pmshooks_inbox_schema_version; each version is applied in one
// transaction. It fails with an error wrapping ErrSchemaTooNew when a newer
// pmshooks migrated the database already.
//
// Nothing migrates by itself: call Migrate once at start-up, or from a
// deployment step, before Run. On PostgreSQL, replicas may call it at the same
// time: an advisory lock lets one migrate while the others wait. On SQLite it
// also switches the file to write-ahead logging (PRAGMA journal_mode = WAL),
// which lets readers run while a delivery is being stored. Last, it checks
// that the database takes writes, with a write it rolls back, and fails with
// an error wrapping ErrNotWritable when it does not.
func (ib *Inbox) Migrate(ctx context.Context) error {
	if ib.dialect == SQLite {
		// journal_mode cannot change inside a transaction. It is persistent:
		// this is a no-op once the file is in WAL mode.
		if _, err := ib.db.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
			return fmt.Errorf("inbox: migrate: enabling WAL: %w", err)
		}
	}
	for {
		done, err := ib.migrateOne(ctx)
		if err != nil {
			return err
		}
		if done {
			return ib.probeWrite(ctx)
		}
	}
}

// probeWrite writes a row in a transaction that it rolls back, so that a
// database that can be read but not written fails Migrate, at start-up,
// rather than every delivery later.
func (ib *Inbox) probeWrite(ctx context.Context) error {
	tx, err := ib.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotWritable, err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, ib.q.recordVersion, -1, ib.q.timeArg(ib.now())); err != nil {
		return fmt.Errorf("%w: %w", ErrNotWritable, err)
	}
	return nil
}

// migrateOne applies the next migration, if any, in one transaction. It
// reports whether the schema is up to date.
func (ib *Inbox) migrateOne(ctx context.Context) (upToDate bool, err error) {
	tx, err := ib.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("inbox: migrate: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if ib.q.migrateLock != "" {
		if _, err := tx.ExecContext(ctx, ib.q.migrateLock, migrateLockKey); err != nil {
			return false, fmt.Errorf("inbox: migrate: taking the migration lock: %w", err)
		}
	}
	for _, stmt := range ib.schema.preamble {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("inbox: migrate: %w", err)
		}
	}
	var current int
	if err := tx.QueryRowContext(ctx, ib.q.schemaVersion).Scan(&current); err != nil {
		return false, fmt.Errorf("inbox: migrate: reading the schema version: %w", err)
	}
	latest := ib.schema.latest()
	switch {
	case current > latest:
		return false, fmt.Errorf("%w: database at version %d, this package knows %d", ErrSchemaTooNew, current, latest)
	case current == latest:
		return true, tx.Commit()
	}
	m := ib.schema.migrations[current] // versions start at 1
	for _, stmt := range m.statements {
		if name, ok := strings.CutPrefix(stmt, stepPrefix); ok {
			if err := migrationStep(name)(ctx, tx, ib.q); err != nil {
				return false, fmt.Errorf("inbox: migrate to version %d: step %s: %w", m.version, name, err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("inbox: migrate to version %d: %w", m.version, err)
		}
	}
	if _, err := tx.ExecContext(ctx, ib.q.recordVersion, m.version, ib.q.timeArg(ib.now())); err != nil {
		return false, fmt.Errorf("inbox: migrate to version %d: recording it: %w", m.version, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("inbox: migrate to version %d: %w", m.version, err)
	}
	ib.log.Info("inbox schema migrated", "dialect", ib.dialect.String(), "version", m.version)
	return false, nil
}

// A schemaStep is a part of a migration that SQL alone cannot do in every
// dialect, run inside the migration's transaction.
type schemaStep func(ctx context.Context, tx *sql.Tx, q *queries) error

// migrationStep returns the step a schema file names with "-- step: name",
// or nil for an unknown name.
func migrationStep(name string) schemaStep {
	switch name {
	case "keys":
		return backfillKeys
	}
	return nil
}

// backfillKeys computes event_key and subject_key, which version 2 added,
// for the rows stored before it, in batches.
func backfillKeys(ctx context.Context, tx *sql.Tx, q *queries) error {
	const batch = 500
	type row struct {
		id                             int64
		provider, eventID, kind, subID string
	}
	for {
		rows, err := tx.QueryContext(ctx, q.rebind(`SELECT id, provider, event_id, subject_kind, subject_id
			FROM pmshooks_inbox WHERE event_key IS NULL ORDER BY id LIMIT $1`), batch)
		if err != nil {
			return err
		}
		var todo []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.provider, &r.eventID, &r.kind, &r.subID); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			_, err := tx.ExecContext(ctx, q.rebind(`UPDATE pmshooks_inbox SET event_key = $1, subject_key = $2 WHERE id = $3`),
				eventKey(r.provider, r.eventID), subjectKey(r.provider, r.kind, r.subID), r.id)
			if err != nil {
				return err
			}
		}
		if len(todo) < batch {
			return nil
		}
	}
}

// checkSchema returns nil when the database holds exactly the schema version
// this package needs.
func (ib *Inbox) checkSchema(ctx context.Context) error {
	var exists int
	if err := ib.db.QueryRowContext(ctx, ib.q.versionTableExists).Scan(&exists); err != nil {
		return fmt.Errorf("inbox: checking the schema: %w", err)
	}
	if exists == 0 {
		return fmt.Errorf("%w: no table pmshooks_inbox_schema_version", ErrNotMigrated)
	}
	var current int
	if err := ib.db.QueryRowContext(ctx, ib.q.schemaVersion).Scan(&current); err != nil {
		return fmt.Errorf("inbox: checking the schema: %w", err)
	}
	switch latest := ib.schema.latest(); {
	case current < latest:
		return fmt.Errorf("%w: database at version %d, this package needs %d", ErrNotMigrated, current, latest)
	case current > latest:
		return fmt.Errorf("%w: database at version %d, this package knows %d", ErrSchemaTooNew, current, latest)
	}
	return nil
}

// migrateLockKey is the PostgreSQL advisory lock that serializes Migrate
// across replicas: the first 8 bytes of "pmshooks" read as an integer.
const migrateLockKey int64 = 0x706d73686f6f6b73
