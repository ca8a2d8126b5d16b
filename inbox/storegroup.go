package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of a store group.
const (
	// maxGroup bounds how many deliveries one group write stores.
	maxGroup = 64
	// maxGroupBytes bounds the bodies of one group write, so that a burst of
	// large deliveries is not one huge statement; a group always takes at
	// least one delivery, whatever its size.
	maxGroupBytes = 4 << 20
	// storeTimeout bounds one group write. It runs without the requests'
	// contexts, which it serves together: one sender that gives up must not
	// fail the others' writes.
	storeTimeout = 30 * time.Second
)

// storeGroup writes the deliveries that wait to be stored together, one
// transaction for a group (a group commit): while one group is written, the
// deliveries that arrive queue up and go in the next. Under a burst that is
// one round trip and one commit for many deliveries, just when providers
// wait for their 2xx; alone, a delivery is written at once, as before. Every
// sender still gets its answer only once its own row is committed.
//
// Up to writers groups are written at once (on PostgreSQL each on its own
// connection, its commit overlapping the next group's statement). A group
// that fails is written again one delivery at a time, so that one delivery
// the database refuses costs the others nothing.
type storeGroup struct {
	ib      *Inbox
	writers int

	mu      sync.Mutex
	queue   []*storeRequest
	running int // groups being written
	writing int // deliveries in the groups being written

	lastWrite atomic.Int64 // when the latest group write ended, in Unix nanoseconds
	lastSize  atomic.Int64 // how many deliveries it held
}

// storeRequest is one delivery waiting in a storeGroup.
type storeRequest struct {
	ctx    context.Context // the sender's: a request that ended is not written
	d      newDelivery
	window time.Duration
	now    time.Time
	done   chan storeResult // buffered: the writer never blocks
}

// storeResult is the outcome of one storeRequest: the new row's id and
// true, or 0 and false for a copy of a stored delivery, or an error.
type storeResult struct {
	id     int64
	stored bool
	err    error
}

// groupWriters is how many groups one Inbox writes at once: SQLite has one
// connection and one writer.
func groupWriters(d Dialect) int {
	if d == SQLite {
		return 1
	}
	return 2
}

// store queues r, starts a writer when fewer than writers run, and waits
// for r's outcome or the end of its context.
func (g *storeGroup) store(r *storeRequest) (int64, bool, error) {
	g.mu.Lock()
	g.queue = append(g.queue, r)
	start := g.running < g.writers
	if start {
		g.running++
	}
	g.mu.Unlock()
	if start {
		go g.write()
	}
	select {
	case res := <-r.done:
		return res.id, res.stored, res.err
	case <-r.ctx.Done():
		// The writer may still store it: the provider's next copy is then
		// a copy, answered 200.
		return 0, false, r.ctx.Err()
	}
}

// write writes groups from the queue until it is empty.
func (g *storeGroup) write() {
	for {
		group := g.next()
		if group == nil {
			return
		}
		g.ib.writeGroup(group, func() {
			// Before the workers are woken and the senders answered: a
			// sender's next delivery must not find this group still
			// counted as being written, and the workers yield to a burst
			// that is not there.
			g.lastSize.Store(int64(len(group)))
			g.lastWrite.Store(time.Now().UnixNano())
			g.mu.Lock()
			g.writing -= len(group)
			g.mu.Unlock()
		})
	}
}

// busy reports whether deliveries are arriving together: more than one is
// queued or being written, or the latest group held more than one and ended
// less than quiet ago. A delivery that arrives alone does not make the
// receive path busy.
func (g *storeGroup) busy(quiet time.Duration) bool {
	g.mu.Lock()
	waiting := len(g.queue) + g.writing
	g.mu.Unlock()
	if waiting > 1 {
		return true
	}
	return g.lastSize.Load() > 1 && time.Since(time.Unix(0, g.lastWrite.Load())) < quiet
}

// yieldQuiet is how long the receive path must have written nothing before
// a claim that yields to it goes ahead.
const yieldQuiet = 2 * time.Millisecond

// yield waits while deliveries arrive together (see busy), until the
// receive path has been quiet for yieldQuiet, for at most limit, or until ctx
// ends.
func (g *storeGroup) yield(ctx context.Context, limit time.Duration) {
	if limit <= 0 || !g.busy(yieldQuiet) {
		return
	}
	deadline := time.Now().Add(limit)
	t := time.NewTimer(0)
	defer t.Stop()
	<-t.C
	for g.busy(yieldQuiet) {
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		t.Reset(min(yieldQuiet, left))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// next takes the next group from the queue, or returns nil, and stops
// counting this writer, when the queue is empty.
func (g *storeGroup) next() []*storeRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	var (
		n     int
		bytes int
	)
	for n < len(g.queue) && n < maxGroup {
		bytes += len(g.queue[n].d.body)
		if n > 0 && bytes > maxGroupBytes {
			break
		}
		n++
	}
	if n == 0 {
		g.running--
		return nil
	}
	g.writing += n
	group := make([]*storeRequest, n)
	copy(group, g.queue)
	rest := copy(g.queue, g.queue[n:])
	clear(g.queue[rest:])
	g.queue = g.queue[:rest]
	return group
}

// writeGroup stores the requests of group whose senders still wait, in
// order, in one transaction, calls written, and answers each. When the
// transaction fails, each is written again alone, and answered with its own
// outcome.
func (ib *Inbox) writeGroup(group []*storeRequest, written func()) {
	live := group[:0:0]
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.done <- storeResult{err: err}
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		written()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	res, err := ib.storeRows(ctx, live)
	if err != nil && len(live) > 1 {
		res = make([]storeResult, len(live))
		for i, r := range live {
			one, err := ib.storeRows(ctx, []*storeRequest{r})
			if err != nil {
				res[i].err = err
				continue
			}
			res[i] = one[0]
		}
		err = nil
	}
	written()
	if err != nil {
		live[0].done <- storeResult{err: err}
		return
	}
	// Wake the workers before the senders: the deliveries are claimable
	// from the commit on, and a sender's goroutine may run later.
	for i, r := range live {
		if res[i].stored && !r.d.dead {
			ib.notify()
			break
		}
	}
	for i, r := range live {
		r.done <- res[i]
	}
}

// storeRows stores rs in one transaction, in order, and returns the outcome
// of each: an error fails them all. A panic (a driver's) fails them too: it
// runs on the writer's goroutine, where net/http's recovery of a handler's
// panic does not reach, and must not take the process down.
func (ib *Inbox) storeRows(ctx context.Context, rs []*storeRequest) (res []storeResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("inbox: storing deliveries panicked: %v", p)
		}
	}()
	if ib.beforeStore != nil {
		if err := ib.beforeStore(len(rs)); err != nil {
			return nil, err
		}
	}
	if ib.dialect == PostgreSQL {
		return ib.storeRowsPostgres(ctx, rs)
	}
	return ib.storeRowsSQLite(ctx, rs)
}

// storeRowsPostgres stores rs with one call of pmshooks_inbox_store.
func (ib *Inbox) storeRowsPostgres(ctx context.Context, rs []*storeRequest) ([]storeResult, error) {
	rows, err := ib.db.QueryContext(ctx, ib.q.storeGroup, storeGroupArgs(rs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	res := make([]storeResult, len(rs))
	for rows.Next() {
		var (
			i  int
			id int64
		)
		if err := rows.Scan(&i, &id); err != nil {
			return nil, err
		}
		if i < 1 || i > len(rs) {
			return nil, errors.New("inbox: pmshooks_inbox_store returned an index out of range")
		}
		res[i-1] = storeResult{id: id, stored: true}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// storeGroupArgs are the parameters of pmshooks_inbox_store for rs: the
// deliveries column by column, one array per column.
func storeGroupArgs(rs []*storeRequest) []any {
	n := len(rs)
	var (
		provider, eventID, typ, name, account = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		kind, subjectID, headers, state, src  = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		lastError                             = make([]*string, n)
		eventKeys, bodies, changeKeys         = make([][]byte, n), make([][]byte, n), make([][]byte, n)
		windows                               = make([]int64, n)
		subjectKeys                           = make([]*int64, n)
		eventTime, received, finished         = make([]*time.Time, n), make([]time.Time, n), make([]*time.Time, n)
	)
	for i, r := range rs {
		c := columnsOf(r.d)
		provider[i], eventID[i], typ[i], name[i], account[i] = c.provider, c.eventID, c.typ, c.name, c.account
		kind[i], subjectID[i], headers[i], state[i], src[i] = c.kind, c.subjectID, r.d.headers, c.state, r.d.source
		eventKeys[i], bodies[i], changeKeys[i], subjectKeys[i] = c.eventKey, r.d.body, c.changeKey, c.subjectKey
		if r.window > 0 {
			windows[i] = max(r.window.Microseconds(), 1)
		}
		received[i] = storedTime(r.now)
		if !r.d.time.IsZero() {
			t := storedTime(r.d.time)
			eventTime[i] = &t
		}
		if r.d.dead {
			t, e := received[i], c.lastError
			finished[i], lastError[i] = &t, &e
		}
	}
	return []any{provider, eventID, eventKeys, windows, typ, name, account,
		kind, subjectID, subjectKeys, eventTime, received, headers, bodies, state, finished, lastError, changeKeys, src}
}

// storeRowsSQLite stores rs in one transaction of single-row statements:
// SQLite runs in the process, so a statement costs no round trip, and one
// commit (one fsync) serves the group.
func (ib *Inbox) storeRowsSQLite(ctx context.Context, rs []*storeRequest) ([]storeResult, error) {
	tx, err := ib.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	res := make([]storeResult, len(rs))
	for i, r := range rs {
		id, stored, err := ib.insertOne(ctx, tx, r.d, r.window, r.now)
		if err != nil {
			return nil, err
		}
		res[i] = storeResult{id: id, stored: stored}
	}
	return res, tx.Commit()
}

// insertOne stores d in tx unless it is a copy of a stored delivery (see
// insert): the dedupe window's lookup, then the insert keyed on it. In one
// SQLite transaction, which holds the write lock, no other writer comes
// between the two.
func (ib *Inbox) insertOne(ctx context.Context, tx *sql.Tx, d newDelivery, window time.Duration, now time.Time) (int64, bool, error) {
	generation := int64(0)
	if window > 0 {
		var (
			latest   int64
			received time.Time
		)
		key := eventKey(cleanText(string(d.provider)), cleanText(d.eventID))
		switch err := tx.QueryRowContext(ctx, ib.q.latest, key).Scan(&latest, dbTime{&received}); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return 0, false, err
		case now.Sub(received) < window:
			return 0, false, nil
		default:
			generation = latest
		}
	}
	var id int64
	err := tx.QueryRowContext(ctx, ib.q.insert, ib.insertArgs(d, generation, now)...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) { // ON CONFLICT DO NOTHING returned no row
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return id, true, nil
}
