// Command versus compares the pmshooks inbox with River on one PostgreSQL
// database: receive (authenticate, decode, store) at 8 and 32 concurrent
// senders, with and without workers draining a backlog, and work (workers
// draining stored deliveries with a no-op handler) at 4 and 100 workers.
// The contenders alternate over several rounds in one run, and the medians
// are printed. See ../../README.md.
//
//	go run ./cmd/versus -db postgres://user@host/db
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"slices"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx" for the inbox
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/internal/benchkit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "versus:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	dsn      string
	rounds   int
	duration time.Duration // of each receive trial
	backlog  int64         // stored before each work trial
	draining int64         // stored before each receive trial with workers
	workers  int           // workers draining during receive
	timeout  time.Duration // the longest a work trial waits
	cooldown time.Duration // River's FetchCooldown
	run      string        // a regexp: only the trials whose name it matches
	only     string        // "pmshooks" or "River": one contender alone
	first    time.Duration // inbox.WithReceiveFirst; 0 keeps the default
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("versus", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.dsn, "db", os.Getenv("PMSHOOKS_TEST_POSTGRES_DSN"), "a postgres:// URL of a database where schemas may be created (default $PMSHOOKS_TEST_POSTGRES_DSN)")
	fs.IntVar(&o.rounds, "rounds", 5, "rounds: each trial runs once per round, contenders alternating")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "how long each receive trial sends")
	fs.Int64Var(&o.backlog, "backlog", 20000, "deliveries stored before each work trial")
	fs.Int64Var(&o.draining, "draining", 5000, "deliveries stored before each receive trial with workers")
	fs.IntVar(&o.workers, "workers", inbox.DefaultWorkers, "workers draining during the receive trials with workers")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Minute, "the longest a work trial waits for its backlog to drain")
	fs.DurationVar(&o.cooldown, "river-fetch-cooldown", river.FetchCooldownMin, "River's FetchCooldown: its default (100ms) caps a queue with W workers at about 10×W jobs per second")
	fs.StringVar(&o.run, "run", "", "run only the trials whose name this regexp matches (e.g. 'draining|work')")
	fs.DurationVar(&o.first, "receive-first", 0, "the inbox's WithReceiveFirst (0: its default; negative: off)")
	fs.StringVar(&o.only, "only", "", "run one contender alone: pmshooks or River (to compare two builds of pmshooks)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	filter, err := regexp.Compile(o.run)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	contenders := []contender{pmshooks, riverQueue}
	switch contender(o.only) {
	case "":
	case pmshooks, riverQueue:
		contenders = []contender{contender(o.only)}
	default:
		return fmt.Errorf("-only %q: want pmshooks or River", o.only)
	}
	if o.dsn == "" || inbox.DialectOf(o.dsn) != inbox.PostgreSQL {
		return errors.New("-db must be a postgres:// URL (or set PMSHOOKS_TEST_POSTGRES_DSN)")
	}
	admin, _, err := inbox.OpenDB(o.dsn)
	if err != nil {
		return err
	}
	defer admin.Close()
	d, err := benchkit.NewDeliveries(1000)
	if err != nil {
		return err
	}
	b := &bench{o: o, admin: admin, d: d}
	_, cpuOK := benchkit.PostgresCPU()

	type trial struct {
		name string
		run  func(context.Context, contender) (result, error)
	}
	var all []trial
	for _, senders := range []int{8, 32} {
		all = append(all, trial{fmt.Sprintf("receive, %d senders", senders), func(ctx context.Context, c contender) (result, error) {
			return b.receive(ctx, c, senders, false)
		}})
	}
	for _, senders := range []int{8, 32} {
		all = append(all, trial{fmt.Sprintf("receive, %d senders, %d workers draining", senders, o.workers), func(ctx context.Context, c contender) (result, error) {
			return b.receive(ctx, c, senders, true)
		}})
	}
	for _, workers := range []int{4, 100} {
		all = append(all, trial{fmt.Sprintf("work, %d stored, %d workers", o.backlog, workers), func(ctx context.Context, c contender) (result, error) {
			return b.work(ctx, c, workers)
		}})
	}

	var trials []trial
	for _, t := range all {
		if filter.MatchString(t.name) {
			trials = append(trials, t)
		}
	}
	fmt.Fprintf(out, "versus: pmshooks inbox and River %s on PostgreSQL; %d CPUs, GOMAXPROCS %d, %s %s/%s; %d rounds, medians\n",
		riverVersion, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, o.rounds)
	if !cpuOK {
		fmt.Fprintln(out, "(no local PostgreSQL processes in /proc: database CPU is not measured)")
	}
	results := make(map[string]map[contender][]result)
	for round := range o.rounds {
		for _, t := range trials {
			if results[t.name] == nil {
				results[t.name] = make(map[contender][]result)
			}
			// Alternate which contender goes first, so that neither always
			// runs on a warmer (or more tired) server.
			order := slices.Clone(contenders)
			if round%2 == 1 {
				slices.Reverse(order)
			}
			for _, c := range order {
				r, err := t.run(ctx, c)
				if err != nil {
					return fmt.Errorf("round %d, %s, %s: %w", round+1, t.name, c, err)
				}
				fmt.Fprintf(os.Stderr, "round %d  %-45s %-8s %8.0f/s  p99 %7.1f ms  db CPU %6.0f µs/delivery  handled %6.0f/s\n",
					round+1, t.name, c, r.perSecond, r.p99Ms, r.cpuMicros, r.handledPerSecond)
				results[t.name][c] = append(results[t.name][c], r)
			}
		}
	}

	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "trial\tpmshooks/s\tRiver/s\tratio\tpmshooks p99 ms\tRiver p99 ms\tpmshooks db µs\tRiver db µs\tpmshooks handled/s\tRiver handled/s\t")
	for _, t := range trials {
		p, r := summarize(results[t.name][pmshooks]), summarize(results[t.name][riverQueue])
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.2f×\t%s\t%s\t%s\t%s\t%s\t%s\t\n", t.name, p.perSecond, r.perSecond, p.perSecond/r.perSecond,
			orDash(p.p99Ms, "%.1f"), orDash(r.p99Ms, "%.1f"), orDash(p.cpuMicros, "%.0f"), orDash(r.cpuMicros, "%.0f"),
			orDash(p.handledPerSecond, "%.0f"), orDash(r.handledPerSecond, "%.0f"))
	}
	return tw.Flush()
}

const riverVersion = "v0.51.2"

// contender is what is measured.
type contender string

const (
	pmshooks   contender = "pmshooks"
	riverQueue contender = "River"
)

// result is one trial of one contender.
type result struct {
	perSecond float64 // deliveries stored (receive) or handled (work) per second
	p99Ms     float64 // receive: the 99th percentile of the wait for the 200
	cpuMicros float64 // PostgreSQL CPU per delivery, in µs; 0 when not measured
	// handledPerSecond is, for a receive trial with workers draining, the
	// deliveries handled per second while the senders sent: of the
	// backlog, and of what the senders stored.
	handledPerSecond float64
}

func summarize(rs []result) result {
	var s, p, c, d []float64
	for _, r := range rs {
		s, p, c, d = append(s, r.perSecond), append(p, r.p99Ms), append(c, r.cpuMicros), append(d, r.handledPerSecond)
	}
	return result{perSecond: benchkit.Median(s), p99Ms: benchkit.Median(p), cpuMicros: benchkit.Median(c),
		handledPerSecond: benchkit.Median(d)}
}

func orDash(v float64, format string) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

type bench struct {
	o     options
	admin *sql.DB
	d     *benchkit.Deliveries
	next  atomic.Int64 // numbers every delivery of the run
}

// deliveryArgs is River's job: the delivery's body.
type deliveryArgs struct {
	Body json.RawMessage `json:"body"`
}

// Kind names the job kind.
func (deliveryArgs) Kind() string { return "pmshooks_delivery" }

// side is one contender set up on a schema of its own.
type side struct {
	receiver http.Handler                                               // receives and stores
	fill     func(ctx context.Context, n int64) error                   // stores n deliveries, not measured
	start    func(workers int, h func()) (stop func() error, err error) // runs workers calling h per delivery
	close    func()
}

// setUp makes contender c on a fresh schema.
func (b *bench) setUp(ctx context.Context, c contender) (*side, error) {
	s, err := benchkit.NewSchema(ctx, b.admin, b.o.dsn, "pmshooks_versus_")
	if err != nil {
		return nil, err
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = s.Drop(ctx)
	}
	var sd *side
	if c == pmshooks {
		sd, err = b.inboxSide(ctx, s)
	} else {
		sd, err = b.riverSide(ctx, s)
	}
	if err != nil {
		drop()
		return nil, err
	}
	closeSide := sd.close
	sd.close = func() { closeSide(); drop() }
	return sd, nil
}

func (b *bench) inboxSide(ctx context.Context, s *benchkit.Schema) (*side, error) {
	// The measured pool is inbox.OpenDB's, as a receiver gets it.
	db, d, err := inbox.OpenDB(s.DSN)
	if err != nil {
		return nil, err
	}
	// The receiving Inbox runs the draining workers too, as a service
	// does (one Inbox, HTTPHandler and Run), so that they can yield to
	// the receive path.
	ib, err := inbox.New(db, d, inbox.WithWorkers(b.o.workers), inbox.WithReceiveFirst(b.o.first))
	if err == nil {
		err = ib.Migrate(ctx)
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	// The backlog is stored through a pool of its own that keeps its
	// connections, which is quicker and not measured.
	fillDB, _, err := inbox.OpenDB(s.DSN)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	fillDB.SetMaxIdleConns(32)
	filler, err := inbox.New(fillDB, d)
	if err != nil {
		_ = db.Close()
		_ = fillDB.Close()
		return nil, err
	}
	return &side{
		receiver: ib.HTTPHandler(b.d.Receiver),
		fill: func(ctx context.Context, n int64) error {
			return benchkit.Fill(ctx, filler.HTTPHandler(b.d.Receiver), b.d, n, 32, &b.next)
		},
		start: func(workers int, h func()) (func() error, error) {
			wib := ib
			if workers != b.o.workers { // a work trial: nothing is received
				wib, err = inbox.New(db, d, inbox.WithWorkers(workers), inbox.WithDecoder(b.d.Receiver.Provider(), b.d.Receiver))
				if err != nil {
					return nil, err
				}
			}
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() {
				done <- wib.Run(ctx, event.HandlerFunc(func(context.Context, event.Event) error { h(); return nil }))
			}()
			return func() error { cancel(); return <-done }, nil
		},
		close: func() { _ = db.Close(); _ = fillDB.Close() },
	}, nil
}

func (b *bench) riverSide(ctx context.Context, s *benchkit.Schema) (*side, error) {
	pool, err := pgxpool.New(ctx, s.DSN) // pgxpool's defaults, as a River user gets them
	if err != nil {
		return nil, err
	}
	driver := riverpgxv5.New(pool)
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Schema: s.Name, Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("river migrate: %w", err)
	}
	quiet := slog.New(slog.DiscardHandler)
	inserter, err := river.NewClient(driver, &river.Config{Schema: s.Name, Logger: quiet})
	if err != nil {
		pool.Close()
		return nil, err
	}
	// The same receiver authenticates and decodes; River stores the body.
	insert := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			_, err = inserter.Insert(r.Context(), deliveryArgs{Body: body}, nil)
		}
		if err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	return &side{
		receiver: event.Middleware(b.d.Receiver)(insert),
		fill: func(ctx context.Context, n int64) error {
			for n > 0 {
				batch := make([]river.InsertManyParams, 0, min(n, 1000))
				for range cap(batch) {
					batch = append(batch, river.InsertManyParams{Args: deliveryArgs{Body: b.d.Body(b.next.Add(1) - 1)}})
				}
				if _, err := inserter.InsertManyFast(ctx, batch); err != nil {
					return err
				}
				n -= int64(len(batch))
			}
			return nil
		},
		start: func(workers int, h func()) (func() error, error) {
			ws := river.NewWorkers()
			river.AddWorker(ws, river.WorkFunc(func(context.Context, *river.Job[deliveryArgs]) error { h(); return nil }))
			client, err := river.NewClient(driver, &river.Config{
				Schema: s.Name, Logger: quiet, Workers: ws, FetchCooldown: b.o.cooldown,
				Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
			})
			if err != nil {
				return nil, err
			}
			if err := client.Start(ctx); err != nil {
				return nil, err
			}
			return func() error {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				return client.Stop(ctx)
			}, nil
		},
		close: pool.Close,
	}, nil
}

// cpu returns the PostgreSQL CPU time so far, or 0 where it is unknown.
func cpu() time.Duration {
	c, _ := benchkit.PostgresCPU()
	return c
}

// perDelivery is the CPU between before and after per delivery, in µs.
func perDelivery(before, after time.Duration, n int64) float64 {
	if n <= 0 || before == 0 {
		return 0
	}
	return float64(after-before) / float64(time.Microsecond) / float64(n)
}

func (b *bench) receive(ctx context.Context, c contender, senders int, draining bool) (result, error) {
	sd, err := b.setUp(ctx, c)
	if err != nil {
		return result{}, err
	}
	defer sd.close()
	url, stopServer, err := benchkit.Serve(sd.receiver)
	if err != nil {
		return result{}, err
	}
	defer stopServer()
	stopWorkers := func() error { return nil }
	var handled atomic.Int64
	if draining {
		if err := sd.fill(ctx, b.o.draining); err != nil {
			return result{}, fmt.Errorf("fill: %w", err)
		}
		if stopWorkers, err = sd.start(b.o.workers, func() { handled.Add(1) }); err != nil {
			return result{}, err
		}
	}
	client := benchkit.Client(senders)
	defer client.CloseIdleConnections()
	before, handledBefore, start := cpu(), handled.Load(), time.Now()
	s, err := benchkit.Send(ctx, client, url, b.d, benchkit.SendOptions{Senders: senders, Duration: b.o.duration, Next: &b.next})
	after, handledAfter, elapsed := cpu(), handled.Load(), time.Since(start)
	if serr := stopWorkers(); err == nil {
		err = serr
	}
	if err == nil && s.Failed > 0 {
		err = fmt.Errorf("%d deliveries failed", s.Failed)
	}
	return result{
		perSecond:        s.PerSecond(),
		p99Ms:            float64(benchkit.Percentile(s.Latencies, 99)) / float64(time.Millisecond),
		cpuMicros:        perDelivery(before, after, s.OK),
		handledPerSecond: float64(handledAfter-handledBefore) / elapsed.Seconds(),
	}, err
}

func (b *bench) work(ctx context.Context, c contender, workers int) (result, error) {
	sd, err := b.setUp(ctx, c)
	if err != nil {
		return result{}, err
	}
	defer sd.close()
	if err := sd.fill(ctx, b.o.backlog); err != nil {
		return result{}, fmt.Errorf("fill: %w", err)
	}
	var handled atomic.Int64
	all := make(chan struct{})
	before := cpu()
	t0 := time.Now()
	stop, err := sd.start(workers, func() {
		if handled.Add(1) == b.o.backlog {
			close(all)
		}
	})
	if err != nil {
		return result{}, err
	}
	timer := time.NewTimer(b.o.timeout)
	defer timer.Stop()
	select {
	case <-all:
	case <-timer.C:
	case <-ctx.Done():
	}
	elapsed := time.Since(t0)
	n := min(handled.Load(), b.o.backlog)
	// Stopping records the last completions (River batches them), whose
	// database work belongs to the trial.
	if err := stop(); err != nil {
		return result{}, err
	}
	after := cpu()
	return result{perSecond: float64(n) / elapsed.Seconds(), cpuMicros: perDelivery(before, after, n)}, ctx.Err()
}
