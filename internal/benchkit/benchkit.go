// Package benchkit is the measuring equipment shared by `pmshooks bench`
// and the comparison with River in the bench module: signed Propexo
// deliveries numbered so that a handler can tell when each was sent,
// concurrent senders over loopback HTTP, percentiles, fresh PostgreSQL
// schemas and the CPU time of the local PostgreSQL server. It has no public
// contract.
package benchkit

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pmshooks/pmshooks/internal/registry"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/verify"
)

// Placeholders in the template body, replaced per delivery. seqMarker
// starts the sequence number that Seq reads back from a received body.
const (
	seqMarker    = "pmshooks-bench-seq-"
	seqDigits    = 12
	subjectMark  = "pmshooks-bench-subject-"
	subjectWidth = 6
)

// Deliveries makes signed Propexo DATA_UPDATE deliveries, each new (its
// body, hence its event id, differs) and about one of a fixed number of
// records, so that the inbox orders them per subject as it does in
// production. It is safe for concurrent use.
type Deliveries struct {
	// Receiver authenticates and decodes the deliveries: the provider's
	// real receiver with development credentials.
	Receiver registry.Receiver
	signer   verify.Signer
	template []byte
	subjects int
}

// NewDeliveries returns deliveries about subjects records (at least 1).
func NewDeliveries(subjects int) (*Deliveries, error) {
	p, err := registry.Lookup(string(propexo.Provider))
	if err != nil {
		return nil, err
	}
	v, err := p.NewVerifier(p.DevCredentials())
	if err != nil {
		return nil, fmt.Errorf("benchkit: verifier: %w", err)
	}
	r, err := p.NewReceiver(v)
	if err != nil {
		return nil, fmt.Errorf("benchkit: receiver: %w", err)
	}
	body, err := p.Sample("DATA_UPDATE")
	if err != nil {
		return nil, fmt.Errorf("benchkit: sample: %w", err)
	}
	job, rec := []byte(`"job_id": "`), []byte(`"record_id": "`)
	body, err = replaceValue(body, job, seqMarker+strings.Repeat("0", seqDigits))
	if err != nil {
		return nil, err
	}
	body, err = replaceValue(body, rec, subjectMark+strings.Repeat("0", subjectWidth))
	if err != nil {
		return nil, err
	}
	return &Deliveries{Receiver: r, signer: v, template: body, subjects: max(subjects, 1)}, nil
}

// replaceValue replaces the string value after key (such as `"job_id": "`)
// in body with value.
func replaceValue(body, key []byte, value string) ([]byte, error) {
	i := bytes.Index(body, key)
	if i < 0 {
		return nil, fmt.Errorf("benchkit: sample has no %s", key)
	}
	start := i + len(key)
	end := bytes.IndexByte(body[start:], '"')
	if end < 0 {
		return nil, fmt.Errorf("benchkit: sample value of %s unterminated", key)
	}
	out := append([]byte{}, body[:start]...)
	out = append(out, value...)
	return append(out, body[start+end:]...), nil
}

// Body returns the body of delivery seq (seq ≥ 0): new for each seq, about
// record seq modulo the number of subjects.
func (d *Deliveries) Body(seq int64) []byte {
	b := bytes.Clone(d.template)
	i := bytes.Index(b, []byte(seqMarker)) + len(seqMarker)
	copy(b[i:i+seqDigits], fmt.Sprintf("%0*d", seqDigits, seq))
	j := bytes.Index(b, []byte(subjectMark)) + len(subjectMark)
	copy(b[j:j+subjectWidth], fmt.Sprintf("%0*d", subjectWidth, seq%int64(d.subjects)))
	return b
}

// Request returns a signed POST of delivery seq to url.
func (d *Deliveries) Request(ctx context.Context, url string, seq int64) (*http.Request, error) {
	body := d.Body(seq)
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	d.signer.Sign(r.Header, body)
	return r, nil
}

// Seq returns the sequence number of a body that Body made.
func Seq(raw []byte) (int64, bool) {
	i := bytes.Index(raw, []byte(seqMarker))
	if i < 0 || len(raw) < i+len(seqMarker)+seqDigits {
		return 0, false
	}
	i += len(seqMarker)
	n, err := strconv.ParseInt(string(raw[i:i+seqDigits]), 10, 64)
	return n, err == nil
}

// Clock remembers when each delivery was sent, for end-to-end latency. It
// is safe for concurrent use.
type Clock struct {
	mu   sync.Mutex
	sent map[int64]time.Time
	lat  []time.Duration
}

// NewClock returns an empty Clock.
func NewClock() *Clock { return &Clock{sent: make(map[int64]time.Time)} }

// Sent records that seq was sent at t.
func (c *Clock) Sent(seq int64, t time.Time) {
	c.mu.Lock()
	c.sent[seq] = t
	c.mu.Unlock()
}

// Handled records that the delivery with body raw reached the handler at t.
func (c *Clock) Handled(raw []byte, t time.Time) {
	seq, ok := Seq(raw)
	if !ok {
		return
	}
	c.mu.Lock()
	if s, ok := c.sent[seq]; ok {
		c.lat = append(c.lat, t.Sub(s))
		delete(c.sent, seq)
	}
	c.mu.Unlock()
}

// Latencies returns the latencies recorded so far.
func (c *Clock) Latencies() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.lat)
}

// Sent is what Send did.
type Sent struct {
	OK, Failed int64           // answered 2xx, and anything else (errors included)
	Elapsed    time.Duration   // from the first send to the last answer
	Latencies  []time.Duration // of the requests answered 2xx
}

// PerSecond is OK per second of Elapsed.
func (s Sent) PerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.OK) / s.Elapsed.Seconds()
}

// SendOptions bounds Send.
type SendOptions struct {
	Senders  int           // concurrent senders, at least 1
	Duration time.Duration // stop sending after this long (0: no limit)
	Max      int64         // stop after this many requests (0: no limit)
	// Next numbers the deliveries; nil starts a counter at 0.
	Next *atomic.Int64
	// Clock, when set, records each delivery's send time.
	Clock *Clock
}

// Send posts deliveries of d to url from o.Senders goroutines, each one
// request at a time, until ctx ends, o.Duration has passed or o.Max requests
// were sent. At least one of Duration and Max must be set.
func Send(ctx context.Context, client *http.Client, url string, d *Deliveries, o SendOptions) (Sent, error) {
	if o.Duration <= 0 && o.Max <= 0 {
		return Sent{}, errors.New("benchkit: Send without a bound")
	}
	next := o.Next
	if next == nil {
		next = new(atomic.Int64)
	}
	start := next.Load()
	if o.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Duration)
		defer cancel()
	}
	var (
		ok, failed atomic.Int64
		mu         sync.Mutex
		lat        []time.Duration
		wg         sync.WaitGroup
	)
	t0 := time.Now()
	for range max(o.Senders, 1) {
		wg.Go(func() {
			var mine []time.Duration
			defer func() { mu.Lock(); lat = append(lat, mine...); mu.Unlock() }()
			for ctx.Err() == nil {
				seq := next.Add(1) - 1
				if o.Max > 0 && seq-start >= o.Max {
					return
				}
				// The request is not bound to ctx: the last requests finish
				// rather than count as failures when the time is up.
				req, err := d.Request(context.WithoutCancel(ctx), url, seq)
				if err != nil {
					failed.Add(1)
					continue
				}
				t := time.Now()
				if o.Clock != nil {
					o.Clock.Sent(seq, t)
				}
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode/100 != 2 {
					failed.Add(1)
					continue
				}
				ok.Add(1)
				mine = append(mine, time.Since(t))
			}
		})
	}
	wg.Wait()
	return Sent{OK: ok.Load(), Failed: failed.Load(), Elapsed: time.Since(t0), Latencies: lat}, nil
}

// Fill stores n deliveries of d, numbered from next, by calling h (a
// receiving handler) in this process from conns goroutines, without HTTP:
// the quick way to store a backlog. It fails on the first answer that is
// not 2xx.
func Fill(ctx context.Context, h http.Handler, d *Deliveries, n int64, conns int, next *atomic.Int64) error {
	var (
		wg   sync.WaitGroup
		once sync.Once
		ferr error
	)
	start := next.Load()
	for range max(conns, 1) {
		wg.Go(func() {
			for ctx.Err() == nil {
				seq := next.Add(1) - 1
				if seq-start >= n {
					return
				}
				req, err := d.Request(ctx, "http://bench.invalid/", seq)
				if err != nil {
					once.Do(func() { ferr = err })
					return
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code/100 != 2 {
					once.Do(func() { ferr = fmt.Errorf("benchkit: fill: delivery %d answered %d", seq, rec.Code) })
					return
				}
			}
		})
	}
	wg.Wait()
	if ferr == nil {
		ferr = ctx.Err()
	}
	return ferr
}

// Client returns an HTTP client that keeps up to conns connections to one
// host alive, so that senders do not open a connection per request.
func Client(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = conns
	t.MaxIdleConnsPerHost = conns
	return &http.Client{Transport: t, Timeout: time.Minute}
}

// Serve serves h on a loopback port and returns its base URL and a function
// that stops the server.
func Serve(h http.Handler) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("benchkit: listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + l.Addr().String() + "/", stop, nil
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of ds by the
// nearest-rank method, or 0 for no values. ds is not changed.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(p/100*float64(len(s))+0.999999) - 1
	return s[min(max(rank, 0), len(s)-1)]
}

// Median returns the median of xs, or 0 for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Schema is a PostgreSQL schema of its own, created by NewSchema.
type Schema struct {
	Name string // the schema's name
	DSN  string // the DSN with search_path set to the schema
	drop func(context.Context) error
}

// Drop drops the schema and everything in it.
func (s *Schema) Drop(ctx context.Context) error { return s.drop(ctx) }

// NewSchema creates a schema named prefix and a random suffix through db,
// which dsn opened, and returns it with dsn pointed at it by search_path
// (which both database/sql's pgx driver and pgxpool honour).
func NewSchema(ctx context.Context, db *sql.DB, dsn, prefix string) (*Schema, error) {
	name := prefix + strings.ToLower(rand.Text()[:12])
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		return nil, fmt.Errorf("benchkit: create schema: %w", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		_, _ = db.ExecContext(ctx, "DROP SCHEMA "+name+" CASCADE")
		return nil, fmt.Errorf("benchkit: DSN is not a URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return &Schema{Name: name, DSN: u.String(), drop: func(ctx context.Context) error {
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			return fmt.Errorf("benchkit: drop schema %s: %w", name, err)
		}
		return nil
	}}, nil
}

// PostgresCPU returns the CPU time (user and system) that the PostgreSQL
// server on this machine has used: the utime and stime in /proc/PID/stat of
// every process whose command line starts with "postgres:" (backends and
// the server's own processes), plus the cutime and cstime of their parents
// (the postmaster), which hold the time of backends that have exited. It
// counts every client of the server, not only this program's. ok is false
// where /proc is not readable or no such process runs (another machine).
func PostgresCPU() (cpu time.Duration, ok bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	const clkTck = 100 // USER_HZ, 100 on every Linux ABI Go supports
	var ticks int64
	parents := map[string]bool{}
	for _, e := range entries {
		pid := e.Name()
		if _, err := strconv.Atoi(pid); err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
		if err != nil || !bytes.HasPrefix(cmd, []byte("postgres:")) {
			continue
		}
		f, ok := statFields(pid)
		if !ok {
			continue
		}
		ticks += f.utime + f.stime
		parents[f.ppid] = true
	}
	if len(parents) == 0 {
		return 0, false
	}
	for ppid := range parents {
		if f, ok := statFields(ppid); ok {
			ticks += f.cutime + f.cstime
		}
	}
	return time.Duration(ticks) * time.Second / clkTck, true
}

type stat struct {
	ppid                         string
	utime, stime, cutime, cstime int64
}

// statFields reads the fields of /proc/pid/stat that PostgresCPU needs.
func statFields(pid string) (stat, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return stat{}, false
	}
	// The command name, in parentheses, may hold spaces: fields start after
	// the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17.
	if len(f) < 15 {
		return stat{}, false
	}
	n := func(s string) int64 { v, _ := strconv.ParseInt(s, 10, 64); return v }
	return stat{ppid: f[1], utime: n(f[11]), stime: n(f[12]), cutime: n(f[13]), cstime: n(f[14])}, true
}
