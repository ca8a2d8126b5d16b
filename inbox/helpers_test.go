package inbox_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/verify"
)

// postgresEnv names the variable that points the PostgreSQL tests at a
// database; .ci/postgres.sh prints it.
const postgresEnv = "PMSHOOKS_TEST_POSTGRES_DSN"

// backend is a database engine the conformance suite runs on.
type backend struct {
	name    string
	dialect inbox.Dialect
	// replicas is true when several pools on one database stand for several
	// processes (PostgreSQL); SQLite's replicas share one pool, as one
	// process would.
	replicas bool
	// replicaDeliveries is the size of the Replicas test. SQLite has one
	// writer, and modernc.org/sqlite is slow under the race detector.
	replicaDeliveries int
	// database makes an empty database for t and returns a function that
	// opens a new pool on it; pools are closed when t ends.
	database func(t testing.TB) func() *sql.DB
}

func sqliteBackend() backend {
	return backend{
		name:              "sqlite",
		dialect:           inbox.SQLite,
		replicaDeliveries: 500,
		database: func(t testing.TB) func() *sql.DB {
			path := filepath.Join(t.TempDir(), "inbox.db")
			return func() *sql.DB { return openDB(t, path, inbox.SQLite) }
		},
	}
}

// postgresBackend returns the PostgreSQL backend, or skips t (fails it in CI)
// when no database is configured.
func postgresBackend(t testing.TB) backend {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		msg := postgresEnv + " is not set: run `eval \"$(sudo bash .ci/postgres.sh)\"` (installs and starts a local PostgreSQL) " +
			"or set it to a postgres:// URL of a database where the tests may create schemas, then run the tests again"
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL tests must run in CI: " + msg)
		}
		t.Skip(msg)
	}
	return backend{
		name:              "postgres",
		dialect:           inbox.PostgreSQL,
		replicas:          true,
		replicaDeliveries: 2000,
		database: func(t testing.TB) func() *sql.DB {
			// Each test gets a schema of its own, named in search_path.
			admin := openDB(t, dsn, inbox.PostgreSQL)
			schema := "pmshooks_test_" + strings.ToLower(rand.Text())
			_, err := admin.Exec("CREATE SCHEMA " + schema)
			require.NoError(t, err)
			t.Cleanup(func() {
				_, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE")
				require.NoError(t, err)
			})
			sep := "?"
			if strings.Contains(dsn, "?") {
				sep = "&"
			}
			return func() *sql.DB { return openDB(t, dsn+sep+"search_path="+schema, inbox.PostgreSQL) }
		},
	}
}

func openDB(t testing.TB, dsn string, want inbox.Dialect) *sql.DB {
	t.Helper()
	db, d, err := inbox.OpenDB(dsn)
	require.NoError(t, err)
	require.Equal(t, want, d)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// latestSchema is the newest schema version of schema/*.sql.
const latestSchema = 6

// testToken authenticates test deliveries.
const testToken = "s3cret"

// payload is the body of a test delivery.
type payload struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Subject string `json:"subject,omitempty"` // a booking id
	Seq     int    `json:"seq"`
	Time    string `json:"time,omitempty"`
	// Version is the version of the booking the delivery carries.
	Version string `json:"version,omitempty"`
}

func body(p payload) []byte {
	if p.Type == "" {
		p.Type = string(event.BookingUpdated)
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}

// decodePayload is the test provider's normalization.
func decodePayload(b []byte) (event.Event, error) {
	var p payload
	if err := json.Unmarshal(b, &p); err != nil || p.ID == "" {
		return nil, fmt.Errorf("%w: %v", event.ErrMalformed, err)
	}
	f := event.Fields{
		Provider: "test", Type: event.Type(p.Type), Name: strings.ReplaceAll(p.Type, ".", "_"),
		ID: p.ID, Account: "acct-1", Raw: b, Data: p, Version: p.Version,
	}
	if p.Subject != "" {
		f.Subject = event.Subject{Kind: "booking", ID: p.Subject}
	}
	if p.Time != "" {
		t, err := time.Parse(time.RFC3339, p.Time)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", event.ErrMalformed, err)
		}
		f.Time = t
	}
	return eventtest.New(f), nil
}

// testReceiver is the provider of the tests: a token header and JSON bodies.
func testReceiver(t testing.TB) (*eventtest.Receiver, *verify.Token) {
	t.Helper()
	v, err := verify.NewToken("X-Token", testToken)
	require.NoError(t, err)
	return &eventtest.Receiver{Name: "test", Verifier: v, DecodeFunc: decodePayload}, v
}

// fixture is one inbox on a fresh database.
type fixture struct {
	b       backend
	open    func() *sql.DB
	db      *sql.DB
	ib      *inbox.Inbox
	handler http.Handler
	signer  verify.Signer
	opts    []inbox.Option
}

// fastOptions make the tests quick: short polls, no backoff, three attempts.
func fastOptions() []inbox.Option {
	return []inbox.Option{
		inbox.WithPollInterval(10 * time.Millisecond),
		inbox.WithBackoff(func(int) time.Duration { return 0 }),
		inbox.WithMaxAttempts(3),
		inbox.WithLease(30 * time.Second),
		inbox.WithWorkers(2),
	}
}

// setup migrates a fresh database and returns an inbox on it; opts come
// after fastOptions.
func setup(t testing.TB, b backend, opts ...inbox.Option) *fixture {
	t.Helper()
	f := &fixture{b: b, open: b.database(t)}
	f.db = f.open()
	f.opts = append(fastOptions(), opts...)
	f.ib = f.replica(t, f.db)
	require.NoError(t, f.ib.Migrate(t.Context()))
	return f
}

// replica returns another inbox on the fixture's database, as another
// process would have, with the fixture's options (then extra).
func (f *fixture) replica(t testing.TB, db *sql.DB, extra ...inbox.Option) *inbox.Inbox {
	t.Helper()
	ib, err := inbox.New(db, f.b.dialect, append(f.opts[:len(f.opts):len(f.opts)], extra...)...)
	require.NoError(t, err)
	rc, v := testReceiver(t)
	if f.handler == nil {
		f.handler = ib.HTTPHandler(rc)
		f.signer = v
	} else {
		ib.HTTPHandler(rc) // registers the decoder
	}
	return ib
}

// post sends one signed delivery to h and returns the status.
func post(t testing.TB, h http.Handler, signer verify.Signer, b []byte) int {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/hooks/test", strings.NewReader(string(b)))
	signer.Sign(r.Header, b)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

// postOK sends deliveries and requires 200 for each.
func (f *fixture) postOK(t testing.TB, ps ...payload) {
	t.Helper()
	for _, p := range ps {
		require.Equal(t, http.StatusOK, post(t, f.handler, f.signer, body(p)), "delivery %s", p.ID)
	}
}

// run starts ib's workers with h and returns a function that stops them and
// waits; t's cleanup stops them too.
func run(t testing.TB, ib *inbox.Inbox, h event.Handler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ib.Run(ctx, h) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Error("Run did not return after its context ended")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// eventually waits up to timeout for cond.
func eventually(t testing.TB, timeout time.Duration, cond func() bool, msg string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v: "+msg, append([]any{timeout}, args...)...)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func stats(t testing.TB, ib *inbox.Inbox) inbox.Stats {
	t.Helper()
	s, err := ib.Stats(context.Background())
	require.NoError(t, err)
	return s
}

// settled reports whether nothing is pending or in flight.
func settled(t testing.TB, ib *inbox.Inbox) func() bool {
	return func() bool {
		s := stats(t, ib)
		return s.Pending == 0 && s.InFlight == 0
	}
}

// byEventID returns the stored delivery of an event id.
func byEventID(t *testing.T, ib *inbox.Inbox, id string) inbox.Delivery {
	t.Helper()
	ds, err := ib.List(context.Background(), inbox.Filter{Limit: inbox.MaxListLimit})
	require.NoError(t, err)
	for _, d := range ds {
		if d.EventID == id {
			return d
		}
	}
	t.Fatalf("no stored delivery %s", id)
	return inbox.Delivery{}
}

// fakeClock is a clock the tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logRecorder is a slog.Handler that keeps every record, as a map of its
// attributes plus "msg".
type logRecorder struct {
	mu      sync.Mutex
	records []map[string]any
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	m := map[string]any{"msg": r.Message}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.Any()
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, m)
	return nil
}

func (l *logRecorder) WithAttrs(as []slog.Attr) slog.Handler { return &logWith{root: l, attrs: as} }

func (l *logRecorder) WithGroup(string) slog.Handler { return l }

// find returns the records whose attribute key has the value v.
func (l *logRecorder) find(key string, v any) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, r := range l.records {
		if r[key] == v {
			out = append(out, r)
		}
	}
	return out
}

// logWith is a logRecorder with attributes added by Logger.With.
type logWith struct {
	root  *logRecorder
	attrs []slog.Attr
}

func (w *logWith) Enabled(context.Context, slog.Level) bool { return true }

func (w *logWith) Handle(ctx context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(w.attrs...)
	return w.root.Handle(ctx, r)
}

func (w *logWith) WithAttrs(as []slog.Attr) slog.Handler {
	return &logWith{root: w.root, attrs: append(w.attrs[:len(w.attrs):len(w.attrs)], as...)}
}

func (w *logWith) WithGroup(string) slog.Handler { return w }

// errBoom is what failing test handlers return.
var errBoom = errors.New("boom")
