package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/inbox"
)

// postgresTestEnv names the PostgreSQL database the tests may create
// schemas in, as in package inbox's tests.
const postgresTestEnv = "PMSHOOKS_TEST_POSTGRES_DSN"

// benchArgs is a short run: the test checks the shape of the output, never
// the timings, which depend on the machine.
var benchArgs = []string{"bench", "--duration", "300ms", "--backlog", "20", "--senders", "2", "--workers", "2"}

// benchDatabases are where bench runs in the tests: a temporary SQLite file,
// a named SQLite file, and PostgreSQL when PMSHOOKS_TEST_POSTGRES_DSN is set
// (it must be in CI). leftover reports what the run left behind.
func benchDatabases(t *testing.T) map[string]struct {
	dsn      string
	dialect  string
	leftover func(t *testing.T) []string
} {
	t.Helper()
	// A temporary directory of this test's own, so that nothing else on the
	// machine makes or removes pmshooks-bench-* directories in it.
	t.Setenv("TMPDIR", t.TempDir())
	file := filepath.Join(t.TempDir(), "bench.db")
	dbs := map[string]struct {
		dsn      string
		dialect  string
		leftover func(t *testing.T) []string
	}{
		"sqlite temporary": {"", "sqlite", func(*testing.T) []string { return benchTempDirs(t) }},
		"sqlite file": {file, "sqlite", func(*testing.T) []string {
			m, _ := filepath.Glob(file + "*")
			return m
		}},
	}
	dsn := os.Getenv(postgresTestEnv)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL tests must run in CI: set " + postgresTestEnv + " (.ci/postgres.sh)")
		}
		t.Log(postgresTestEnv + " is not set: bench is tested on SQLite only")
		return dbs
	}
	dbs["postgres"] = struct {
		dsn      string
		dialect  string
		leftover func(t *testing.T) []string
	}{dsn, "postgres", func(t *testing.T) []string { return benchSchemas(t, dsn) }}
	return dbs
}

// benchTempDirs lists the temporary directories bench makes.
func benchTempDirs(t *testing.T) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(os.TempDir(), "pmshooks-bench-*"))
	require.NoError(t, err)
	return m
}

// benchSchemas lists the schemas bench makes in the database at dsn.
func benchSchemas(t *testing.T, dsn string) []string {
	t.Helper()
	db, _, err := inbox.OpenDB(dsn)
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.QueryContext(t.Context(), `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pmshooks_bench_%'`)
	require.NoError(t, err)
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Err())
	return names
}

func TestBench(t *testing.T) {
	// Not parallel: the runs would measure each other, and the temporary
	// directories and schemas are counted before and after.
	row := regexp.MustCompile(`^\s*(receive|work|latency)\s+(\d+|-)\s+2\s+\d+\s+\d+\s+\d+\.\d\d\s+\d+\s+(\d+\.\d\d|-)\s+(\d+\.\d\d|-)\s*$`)
	for name, db := range benchDatabases(t) {
		t.Run(name, func(t *testing.T) {
			before := db.leftover(t)
			args := append([]string{}, benchArgs...)
			if db.dsn != "" {
				args = append(args, "--db", db.dsn)
			}

			r := runCmd(t, args...)
			require.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			require.GreaterOrEqual(t, len(lines), 6, r.stdout)
			assert.Contains(t, lines[0], "pmshooks bench on "+db.dialect+": ")
			assert.Contains(t, lines[0], runtime.Version())
			assert.Regexp(t, `\d+ CPUs, GOMAXPROCS \d+`, lines[0])
			assert.Regexp(t, `^\s*PHASE\s+SENDERS\s+WORKERS\s+COUNT\s+FAILED\s+SECONDS\s+PER SECOND\s+P50 MS\s+P99 MS\s*$`, lines[2])
			var phases []string
			for _, l := range lines[3:6] {
				m := row.FindStringSubmatch(l)
				require.NotNil(t, m, "row %q", l)
				phases = append(phases, m[1])
			}
			assert.Equal(t, []string{"receive", "work", "latency"}, phases)
			assert.ElementsMatch(t, before, db.leftover(t), "bench removed what it made")

			r = runCmd(t, append(args, "--json")...)
			require.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
			var rep benchReport
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), r.stdout)
			assert.Equal(t, db.dialect, rep.Dialect)
			assert.Equal(t, runtime.NumCPU(), rep.NumCPU)
			assert.Equal(t, runtime.Version(), rep.GoVersion)
			require.Len(t, rep.Phases, 3)
			for i, want := range []string{"receive", "work", "latency"} {
				p := rep.Phases[i]
				assert.Equal(t, want, p.Phase)
				assert.Equal(t, 2, p.Workers)
				assert.Positive(t, p.Count, "%s handled deliveries", want)
				assert.Zero(t, p.Failed, want)
			}
			assert.Equal(t, 2, rep.Phases[0].Senders)
			assert.Equal(t, int64(20), rep.Phases[1].Backlog)
			assert.ElementsMatch(t, before, db.leftover(t), "bench removed what it made")

			// snake_case keys, as every --json of the command.
			var keys map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &keys))
			for k := range keys {
				assert.Regexp(t, `^[a-z0-9_]+$`, k)
			}
		})
	}
}

func TestBench_usage(t *testing.T) {
	t.Parallel()
	existing := filepath.Join(t.TempDir(), "inbox.db")
	require.NoError(t, os.WriteFile(existing, nil, 0o600))
	tests := map[string]struct {
		args []string
		code int
		want string
	}{
		"no senders":    {[]string{"bench", "--senders", "0"}, exitUsage, "--senders 0"},
		"no workers":    {[]string{"bench", "--workers", "0"}, exitUsage, "--workers 0"},
		"no backlog":    {[]string{"bench", "--backlog", "0"}, exitUsage, "--backlog 0"},
		"no duration":   {[]string{"bench", "--duration", "0s"}, exitUsage, "--duration 0s"},
		"argument":      {[]string{"bench", "now"}, exitUsage, `unexpected argument "now"`},
		"existing file": {[]string{"bench", "--db", existing}, exitFailure, "must not exist"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := runCmd(t, tt.args...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
		})
	}
	// The existing file is the user's: untouched.
	fi, err := os.Stat(existing)
	require.NoError(t, err)
	assert.Zero(t, fi.Size())
}

// TestBench_environment checks that PMSHOOKS_DB gives --db its default, as
// for the inbox commands: an existing file there is refused, untouched.
func TestBench_environment(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "env.db")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	r := cmdTest{env: map[string]string{dbEnv: file}}.run(t, benchArgs...)
	assert.Equal(t, exitFailure, r.code, "stdout: %s", r.stdout)
	assert.Contains(t, r.stderr, file+": a SQLite file must not exist")
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.Zero(t, fi.Size())
}
