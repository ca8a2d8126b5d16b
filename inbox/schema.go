package inbox

import (
	"bufio"
	"context"
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

var versionLine = regexp.MustCompile(`^-- version ([0-9]+)$`)

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
// ending in ";"; lines that are only a comment are dropped between
// statements.
func parseSchema(src string) (*schema, error) {
	s := &schema{}
	var (
		cur  *[]string // statements of the current section
		stmt strings.Builder
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
		trimmed := strings.TrimSpace(line)
		if stmt.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "--")) {
			continue
		}
		stmt.WriteString(line)
		stmt.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
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
// which lets readers run while a delivery is being stored.
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
		if err != nil || done {
			return err
		}
	}
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
