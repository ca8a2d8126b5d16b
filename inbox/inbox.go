package inbox

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pmshooks/pmshooks/event"
)

// Defaults of the options.
const (
	// DefaultWorkers is how many deliveries Run handles at once.
	DefaultWorkers = 4
	// DefaultLease is how long a worker holds a delivery: its handler's
	// context ends then, and another worker may take the delivery over.
	DefaultLease = time.Minute
	// DefaultMaxAttempts is how many times a delivery is tried before it is
	// marked dead. With DefaultBackoff the twelve attempts span 50 to 100
	// minutes.
	DefaultMaxAttempts = 12
	// DefaultReceiveFirst is how long, at most, a claim waits for the
	// receive path of its Inbox to go quiet (see WithReceiveFirst).
	DefaultReceiveFirst = 20 * time.Millisecond
	// DefaultPollInterval is how often idle workers look for deliveries that
	// another replica stored or whose retry became due. Deliveries that this
	// process stores wake its workers at once.
	DefaultPollInterval = time.Second
)

// Inbox stores webhook deliveries in a database before acknowledging them,
// and hands them to an event.Handler from workers that retry failures and
// keep the deliveries of one subject in order.
//
// One Inbox serves one *sql.DB. HTTPHandler receives, Run processes, and
// List, Get, Retry, Purge and Stats inspect and manage the stored deliveries.
// An Inbox is safe for concurrent use: serve HTTP, run workers and call the
// management methods at the same time, from as many replicas as the dialect
// allows.
type Inbox struct {
	db      *sql.DB
	dialect Dialect
	q       *queries
	schema  *schema
	cfg     config
	log     *slog.Logger
	now     func() time.Time

	// wake carries one token per stored delivery to idle workers of this
	// process. It never blocks a sender.
	wake chan struct{}

	mu       sync.RWMutex
	decoders map[event.Provider]event.Decoder
	sources  map[string]event.Source // by Name: decoders of polled changes

	// group writes the deliveries received together (see storeGroup).
	group *storeGroup

	// afterStore, when set by a test, runs after Reconcile stored a page
	// and before it saves the checkpoint: a crash there.
	afterStore func() error
	// beforeStore, when set by a test, runs before each group write with
	// its size; an error fails the write, as the database would.
	beforeStore func(n int) error
}

// Option configures New.
type Option func(*config)

type config struct {
	workers      int
	lease        time.Duration
	maxAttempts  int
	backoff      Backoff
	poll         time.Duration
	logger       *slog.Logger
	now          func() time.Time
	headers      HeaderFilter
	decoders     map[event.Provider]event.Decoder
	hydrators    map[event.Provider]event.Hydrator
	coalesce     bool
	sources      map[string]event.Source
	pollers      []poller
	hooks        *Hooks // nil without WithHooks
	receiveFirst time.Duration
}

// WithDecoder sets the decoder that rebuilds the stored deliveries of
// provider p into events. Every provider package's Receiver is an
// event.Decoder. HTTPHandler registers its Receiver for its provider when the
// Receiver is a Decoder and none was set; a replica that runs workers without
// receiving needs this option for every provider it processes. A nil d is
// ignored.
func WithDecoder(p event.Provider, d event.Decoder) Option {
	return func(c *config) {
		if d != nil {
			c.decoders[p] = d
		}
	}
}

// WithWorkers sets how many deliveries Run handles at once in this process;
// zero or less keeps DefaultWorkers.
func WithWorkers(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.workers = n
		}
	}
}

// WithLease sets how long a worker holds a delivery it claimed
// (DefaultLease when zero or less). The handler's context is cancelled when
// the lease ends, and a worker of any replica may then claim the delivery
// again: a worker that crashed or hangs loses it. Choose a lease longer than
// the slowest handler; a shorter one lets two workers run a delivery at once.
func WithLease(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.lease = d
		}
	}
}

// WithMaxAttempts sets after how many failed attempts a delivery is marked
// dead (DefaultMaxAttempts when zero or less). 1 means no retry. Dead
// deliveries are kept, with their last error, until Retry.
func WithMaxAttempts(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxAttempts = n
		}
	}
}

// WithBackoff sets how long a failed delivery waits before its next attempt.
// A nil b keeps DefaultBackoff.
func WithBackoff(b Backoff) Option {
	return func(c *config) {
		if b != nil {
			c.backoff = b
		}
	}
}

// WithPollInterval sets how often idle workers look for work they were not
// woken for: deliveries stored by other replicas, retries that became due,
// leases that ended. Zero or less keeps DefaultPollInterval.
func WithPollInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.poll = d
		}
	}
}

// WithReceiveFirst sets how long, at most, Run's workers wait before each
// claim while deliveries arrive together at the HTTPHandler of the same
// Inbox (a burst: some wait to be stored, or the latest group write held
// several): until the receive path has been quiet for 2 milliseconds, or
// for d. A delivery that arrives alone makes no one wait. Zero keeps
// DefaultReceiveFirst; a negative d turns the wait off.
//
// Receiving comes first because a provider waits for its 2xx, and one that
// waits too long retries, or marks the endpoint failing, while a stored
// delivery can wait for its worker: during a burst the workers step back and
// the receive path keeps most of the database, and the backlog they leave is
// handled at full speed as soon as the burst ends. Under a burst that never
// ends the workers still claim at least once every d, for all of them that
// are free by then: measured on 2 cores with 4 workers and 8 senders on
// PostgreSQL, the default leaves the receive path 1.1 to 1.2 times slower
// than without workers while they handle about 180 deliveries a second;
// without the wait the workers handle 2,300 a second and receiving is 2.5
// times slower. A smaller d drains faster and slows receiving more. Only this Inbox's own
// receiving counts: a replica that only runs workers does not wait for the
// others.
func WithReceiveFirst(d time.Duration) Option {
	return func(c *config) {
		switch {
		case d > 0:
			c.receiveFirst = d
		case d < 0:
			c.receiveFirst = 0
		}
	}
}

// WithLogger logs what the inbox does to l: each stored delivery and each
// attempt with its provider, event id, attempt and outcome. HTTPHandler also
// gives l to event.Middleware unless an event.WithLogger option overrides it.
// A nil l is ignored; without this option nothing is logged. Lines never hold
// bodies or header values.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithClock sets the clock the inbox reads for received times, due times,
// leases and Purge; nil keeps time.Now. Tests use it to move time. Handler
// deadlines are real time whatever the clock. Replicas sharing a database
// must have clocks that agree to well within the lease.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithHeaderFilter sets which request headers are stored with a delivery;
// nil keeps DefaultHeaderFilter. See HeaderFilter.
func WithHeaderFilter(f HeaderFilter) Option {
	return func(c *config) {
		if f != nil {
			c.headers = f
		}
	}
}

// New returns an Inbox that keeps its deliveries in db, written in dialect d.
// It does no I/O: call Migrate before the first Run. It fails when db is nil
// or d is not a Dialect.
//
// With SQLite, New limits db to one open connection (db.SetMaxOpenConns(1)):
// SQLite admits one writer at a time, and one connection makes the workers
// and the HTTP handler queue in database/sql instead of failing with
// SQLITE_BUSY. The caller keeps ownership of db and closes it after the last
// use of the Inbox.
func New(db *sql.DB, d Dialect, opts ...Option) (*Inbox, error) {
	if db == nil {
		return nil, errors.New("inbox: New with a nil *sql.DB")
	}
	if !d.valid() {
		return nil, fmt.Errorf("inbox: New with an unknown dialect %v", d)
	}
	c := config{
		workers:      DefaultWorkers,
		lease:        DefaultLease,
		maxAttempts:  DefaultMaxAttempts,
		backoff:      DefaultBackoff,
		poll:         DefaultPollInterval,
		logger:       slog.New(slog.DiscardHandler),
		now:          time.Now,
		headers:      DefaultHeaderFilter,
		decoders:     make(map[event.Provider]event.Decoder),
		hydrators:    make(map[event.Provider]event.Hydrator),
		sources:      make(map[string]event.Source),
		receiveFirst: DefaultReceiveFirst,
	}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	s, err := loadSchema(d)
	if err != nil {
		return nil, err
	}
	if d == SQLite {
		db.SetMaxOpenConns(1)
	}
	ib := &Inbox{
		db:       db,
		dialect:  d,
		q:        newQueries(d),
		schema:   s,
		cfg:      c,
		log:      c.logger,
		now:      c.now,
		wake:     make(chan struct{}, c.workers),
		decoders: c.decoders,
		sources:  c.sources,
	}
	ib.group = &storeGroup{ib: ib, writers: groupWriters(d)}
	return ib, nil
}

// Dialect returns the dialect the Inbox was made with.
func (ib *Inbox) Dialect() Dialect { return ib.dialect }

// decoder returns the decoder of provider p, or nil.
func (ib *Inbox) decoder(p event.Provider) event.Decoder {
	ib.mu.RLock()
	defer ib.mu.RUnlock()
	return ib.decoders[p]
}

// addDecoder sets d for p unless p has one.
func (ib *Inbox) addDecoder(p event.Provider, d event.Decoder) {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	if _, ok := ib.decoders[p]; !ok {
		ib.decoders[p] = d
	}
}

// notify wakes one idle worker of this process, if any is waiting.
func (ib *Inbox) notify() {
	select {
	case ib.wake <- struct{}{}:
	default:
	}
}
