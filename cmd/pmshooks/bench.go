package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/internal/benchkit"
)

const benchUsage = `Usage:
  pmshooks bench [--db DSN] [--senders N] [--workers N] [--backlog N] [--duration D] [--json]

Bench measures an inbox on this machine, in three phases:

  receive  signed Propexo deliveries posted over loopback HTTP by N
           concurrent senders to an inbox's HTTPHandler (authenticate,
           decode, store, commit, answer 200), while the inbox's workers
           handle them with a no-op handler (stepping back while a burst is
           stored: see inbox.WithReceiveFirst): deliveries per second, and
           the p50 and p99 of the time a sender waits for its 200.
  work     workers draining a backlog of stored deliveries with a no-op
           handler: handled per second.
  latency  one sender, workers running: the p50 and p99 of the time from
           the POST to the handler's call (end to end).

Each phase runs at most --duration, on tables of its own: in a new schema of
the PostgreSQL database that DSN (a postgres:// URL) names, through
search_path, dropped afterwards; or in a SQLite file that DSN names, which
must not exist, removed afterwards. Without --db (and without PMSHOOKS_DB) a
SQLite file in a temporary directory is used. The pool is inbox.OpenDB's, as
a receiver built with it has.

The figures depend on the machine and on what else runs on it (and on the
database server): compare runs of one machine, made one after the other.
`

// benchPhase is one measured phase, as --json prints it.
type benchPhase struct {
	Phase     string  `json:"phase"`
	Senders   int     `json:"senders,omitempty"`
	Workers   int     `json:"workers"`
	Backlog   int64   `json:"backlog,omitempty"`
	Count     int64   `json:"count"`
	Failed    int64   `json:"failed"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"per_second"`
	P50Ms     float64 `json:"p50_ms,omitempty"`
	P99Ms     float64 `json:"p99_ms,omitempty"`
}

// benchReport is the output of bench --json.
type benchReport struct {
	Dialect    string       `json:"dialect"`
	NumCPU     int          `json:"num_cpu"`
	GOMAXPROCS int          `json:"gomaxprocs"`
	GoVersion  string       `json:"go_version"`
	GOOS       string       `json:"goos"`
	GOARCH     string       `json:"goarch"`
	Phases     []benchPhase `json:"phases"`
}

// benchSubjects is how many records the deliveries are about: enough for
// every worker to find one whose subject is free.
const benchSubjects = 1000

func (a *app) bench(ctx context.Context, args []string) error {
	c := newCLI("pmshooks bench", benchUsage)
	dsn := c.String("db", "", "the database: a postgres:// `DSN` (a schema is created and dropped) or a SQLite file path that does not exist (default $"+dbEnv+", else a temporary SQLite file)")
	senders := c.Int("senders", 8, "concurrent senders in the receive phase (`N`)")
	workers := c.Int("workers", inbox.DefaultWorkers, "inbox workers (`N`)")
	backlog := c.Int64("backlog", 2000, "deliveries stored before the work phase (`N`)")
	duration := c.Duration("duration", 10*time.Second, "the longest each phase runs")
	asJSON := c.Bool("json", false, "print the figures as JSON")
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return c.usagef("unexpected argument %q", pos[0])
	}
	switch {
	case *senders < 1:
		return c.usagef("--senders %d: want at least 1", *senders)
	case *workers < 1:
		return c.usagef("--workers %d: want at least 1", *workers)
	case *backlog < 1:
		return c.usagef("--backlog %d: want at least 1", *backlog)
	case *duration <= 0:
		return c.usagef("--duration %s: want more than 0", *duration)
	}
	if *dsn == "" {
		*dsn = a.getenv(dbEnv)
	}
	tables, err := newBenchTables(ctx, *dsn)
	if err != nil {
		return c.fail(err)
	}
	defer tables.close()
	// Bound the whole run, whatever the database does: three phases, the
	// backlog's filling, setup and teardown.
	ctx, cancel := context.WithTimeout(ctx, 4**duration+2*time.Minute)
	defer cancel()

	d, err := benchkit.NewDeliveries(benchSubjects)
	if err != nil {
		return c.fail(err)
	}
	b := &bench{tables: tables, d: d, workers: *workers, duration: *duration}
	rep := benchReport{
		Dialect: tables.dialect.String(), NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
	}
	for _, phase := range []func(context.Context) (benchPhase, error){
		func(ctx context.Context) (benchPhase, error) { return b.receive(ctx, *senders) },
		func(ctx context.Context) (benchPhase, error) { return b.work(ctx, *backlog) },
		b.latency,
	} {
		p, err := phase(ctx)
		if err != nil {
			return c.fail(err)
		}
		rep.Phases = append(rep.Phases, p)
	}
	if *asJSON {
		return writeJSON(a.stdout, rep)
	}
	writeBenchTable(a.stdout, rep)
	return nil
}

func writeBenchTable(w io.Writer, rep benchReport) {
	fmt.Fprintf(w, "pmshooks bench on %s: %d CPUs, GOMAXPROCS %d, %s %s/%s\n\n",
		rep.Dialect, rep.NumCPU, rep.GOMAXPROCS, rep.GoVersion, rep.GOOS, rep.GOARCH)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "PHASE\tSENDERS\tWORKERS\tCOUNT\tFAILED\tSECONDS\tPER SECOND\tP50 MS\tP99 MS\t")
	for _, p := range rep.Phases {
		ms := func(v float64) string {
			if p.Phase == "work" {
				return "-"
			}
			return strconv.FormatFloat(v, 'f', 2, 64)
		}
		s := "-"
		if p.Senders > 0 {
			s = strconv.Itoa(p.Senders)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.2f\t%.0f\t%s\t%s\t\n",
			p.Phase, s, p.Workers, p.Count, p.Failed, p.Seconds, p.PerSecond, ms(p.P50Ms), ms(p.P99Ms))
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nreceive: deliveries stored per second and the wait for the 200 (workers running);")
	fmt.Fprintln(w, "work: stored deliveries handled per second (no-op handler); latency: POST to handler.")
}

// bench is one run of the phases.
type bench struct {
	tables   *benchTables
	d        *benchkit.Deliveries
	workers  int
	duration time.Duration
	next     atomic.Int64 // numbers every delivery of the run, so none is a copy
}

// benchInbox is a migrated inbox on tables of its own, with workers that can
// be started.
type benchInbox struct {
	ib    *inbox.Inbox
	close func()
}

func (b *bench) newInbox(ctx context.Context) (*benchInbox, error) {
	db, d, closeDB, err := b.tables.open(ctx)
	if err != nil {
		return nil, err
	}
	ib, err := inbox.New(db, d, inbox.WithWorkers(b.workers))
	if err == nil {
		err = ib.Migrate(ctx)
	}
	if err != nil {
		closeDB()
		return nil, fmt.Errorf("bench: inbox: %w", err)
	}
	return &benchInbox{ib: ib, close: closeDB}, nil
}

// run starts the workers with h and returns a function that stops them.
func (bi *benchInbox) run(ctx context.Context, h event.Handler) (stop func() error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- bi.ib.Run(ctx, h) }()
	return func() error { cancel(); return <-done }
}

func (b *bench) receive(ctx context.Context, senders int) (benchPhase, error) {
	bi, err := b.newInbox(ctx)
	if err != nil {
		return benchPhase{}, err
	}
	defer bi.close()
	url, stopServer, err := benchkit.Serve(bi.ib.HTTPHandler(b.d.Receiver))
	if err != nil {
		return benchPhase{}, err
	}
	defer stopServer()
	stop := bi.run(ctx, event.HandlerFunc(func(context.Context, event.Event) error { return nil }))
	client := benchkit.Client(senders)
	defer client.CloseIdleConnections()
	s, err := benchkit.Send(ctx, client, url, b.d, benchkit.SendOptions{Senders: senders, Duration: b.duration, Next: &b.next})
	if serr := stop(); err == nil && serr != nil {
		err = fmt.Errorf("bench: workers: %w", serr)
	}
	if err == nil {
		err = ctx.Err()
	}
	return benchPhase{
		Phase: "receive", Senders: senders, Workers: b.workers, Count: s.OK, Failed: s.Failed,
		Seconds: s.Elapsed.Seconds(), PerSecond: s.PerSecond(),
		P50Ms: ms(benchkit.Percentile(s.Latencies, 50)), P99Ms: ms(benchkit.Percentile(s.Latencies, 99)),
	}, err
}

func (b *bench) work(ctx context.Context, backlog int64) (benchPhase, error) {
	bi, err := b.newInbox(ctx)
	if err != nil {
		return benchPhase{}, err
	}
	defer bi.close()
	if err := benchkit.Fill(ctx, bi.ib.HTTPHandler(b.d.Receiver), b.d, backlog, 8, &b.next); err != nil {
		return benchPhase{}, fmt.Errorf("bench: storing the backlog: %w", err)
	}
	var handled atomic.Int64
	all := make(chan struct{})
	h := event.HandlerFunc(func(context.Context, event.Event) error {
		if handled.Add(1) == backlog {
			close(all)
		}
		return nil
	})
	t0 := time.Now()
	stop := bi.run(ctx, h)
	timer := time.NewTimer(b.duration)
	defer timer.Stop()
	select {
	case <-all:
	case <-timer.C:
	case <-ctx.Done():
	}
	elapsed := time.Since(t0)
	n := min(handled.Load(), backlog)
	if serr := stop(); serr != nil {
		return benchPhase{}, fmt.Errorf("bench: workers: %w", serr)
	}
	return benchPhase{
		Phase: "work", Workers: b.workers, Backlog: backlog, Count: n,
		Seconds: elapsed.Seconds(), PerSecond: float64(n) / elapsed.Seconds(),
	}, ctx.Err()
}

func (b *bench) latency(ctx context.Context) (benchPhase, error) {
	bi, err := b.newInbox(ctx)
	if err != nil {
		return benchPhase{}, err
	}
	defer bi.close()
	url, stopServer, err := benchkit.Serve(bi.ib.HTTPHandler(b.d.Receiver))
	if err != nil {
		return benchPhase{}, err
	}
	defer stopServer()
	clock := benchkit.NewClock()
	stop := bi.run(ctx, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		clock.Handled(e.Raw(), time.Now())
		return nil
	}))
	client := benchkit.Client(1)
	defer client.CloseIdleConnections()
	s, err := benchkit.Send(ctx, client, url, b.d, benchkit.SendOptions{Senders: 1, Duration: b.duration, Next: &b.next, Clock: clock})
	// Let the workers handle what was stored last.
	deadline := time.Now().Add(5 * time.Second)
	for int64(len(clock.Latencies())) < s.OK && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if serr := stop(); err == nil && serr != nil {
		err = fmt.Errorf("bench: workers: %w", serr)
	}
	if err == nil {
		err = ctx.Err()
	}
	lat := clock.Latencies()
	return benchPhase{
		Phase: "latency", Senders: 1, Workers: b.workers, Count: int64(len(lat)), Failed: s.Failed,
		Seconds: s.Elapsed.Seconds(), PerSecond: float64(len(lat)) / s.Elapsed.Seconds(),
		P50Ms: ms(benchkit.Percentile(lat, 50)), P99Ms: ms(benchkit.Percentile(lat, 99)),
	}, err
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchTables hands out fresh tables for each phase and removes them all.
type benchTables struct {
	dialect inbox.Dialect
	dsn     string
	admin   *sql.DB // PostgreSQL: the connection that creates and drops schemas
	dir     string  // SQLite: a temporary directory to remove, if any
	path    string  // SQLite: the file each phase recreates
	drops   []func()
}

func newBenchTables(ctx context.Context, dsn string) (*benchTables, error) {
	if dsn == "" {
		dir, err := os.MkdirTemp("", "pmshooks-bench-")
		if err != nil {
			return nil, fmt.Errorf("bench: temporary directory: %w", err)
		}
		return &benchTables{dialect: inbox.SQLite, dir: dir, path: filepath.Join(dir, "bench.db")}, nil
	}
	t := &benchTables{dialect: inbox.DialectOf(dsn), dsn: dsn}
	if t.dialect == inbox.SQLite {
		if _, err := os.Stat(dsn); !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("bench: --db %s: a SQLite file must not exist (bench creates and removes it)", dsn)
		}
		t.path = dsn
		return t, nil
	}
	db, _, err := inbox.OpenDB(dsn)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	t.admin = db
	return t, ctx.Err()
}

// open returns a pool on fresh, empty tables.
func (t *benchTables) open(ctx context.Context) (*sql.DB, inbox.Dialect, func(), error) {
	dsn := t.path
	if t.dialect == inbox.PostgreSQL {
		s, err := benchkit.NewSchema(ctx, t.admin, t.dsn, "pmshooks_bench_")
		if err != nil {
			return nil, 0, nil, fmt.Errorf("bench: %w", err)
		}
		t.drops = append(t.drops, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = s.Drop(ctx)
		})
		dsn = s.DSN
	} else {
		removeSQLite(t.path)
		t.drops = append(t.drops, func() { removeSQLite(t.path) })
	}
	db, d, err := inbox.OpenDB(dsn)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("bench: %w", err)
	}
	return db, d, func() { _ = db.Close() }, nil
}

// close removes every table the run made.
func (t *benchTables) close() {
	for _, drop := range t.drops {
		drop()
	}
	if t.admin != nil {
		_ = t.admin.Close()
	}
	if t.dir != "" {
		_ = os.RemoveAll(t.dir)
	}
}

// removeSQLite removes a SQLite file and its WAL files.
func removeSQLite(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + suffix)
	}
}
