package inbox

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pmshooks/pmshooks/event"
)

// State is where a stored delivery stands.
type State string

// The states of a delivery.
const (
	// StatePending is a delivery waiting: for a worker, for an earlier
	// delivery of its subject, or for its next attempt (NextAttemptAt).
	StatePending State = "pending"
	// StateInFlight is a delivery a worker holds right now, until
	// NextAttemptAt at the latest (the end of the lease).
	StateInFlight State = "in_flight"
	// StateDone is a delivery whose handler returned nil.
	StateDone State = "done"
	// StateDead is a delivery that failed on every attempt. It is kept,
	// with its last error, until Retry.
	StateDead State = "dead"
	// StateCoalesced is a delivery that is done without a handler call of
	// its own: a later delivery of its subject was handled with the record
	// as it was fetched after both arrived (see WithCoalescing).
	// Delivery.CoalescedInto names that delivery.
	StateCoalesced State = "coalesced"
)

// Errors of the management methods.
var (
	// ErrNotFound is returned for a delivery id that is not stored.
	ErrNotFound = errors.New("inbox: no such delivery")
	// ErrNotDead is returned by Retry for a delivery that is not dead.
	ErrNotDead = errors.New("inbox: delivery is not dead")
	// ErrNotFinished is returned by Replay for a delivery that is pending
	// or in flight.
	ErrNotFinished = errors.New("inbox: delivery is not finished")
	// ErrNoDecoder is the error a delivery fails with when the inbox has
	// no decoder for its provider (see WithDecoder). The delivery is retried
	// like any failure, so a replica that gets the decoder later handles it.
	ErrNoDecoder = errors.New("inbox: no decoder for the provider")
)

// Delivery is one stored delivery, as List and Get return it.
type Delivery struct {
	// ID is the inbox's own id, in the order deliveries were stored.
	ID       int64
	Provider event.Provider
	// EventID is the event's ID, unique per provider.
	EventID string
	Type    event.Type
	// Name is the provider's own event name.
	Name    string
	Account string
	Subject event.Subject
	// Time is when the provider says the event happened; zero when it does
	// not say.
	Time       time.Time
	ReceivedAt time.Time
	// Header holds the request headers the HeaderFilter kept.
	Header http.Header
	// Body is the exact body received.
	Body  []byte
	State State
	// Attempts counts the attempts started so far, the current one
	// included.
	Attempts int
	// NextAttemptAt is when a pending delivery may next be claimed, or when
	// the lease of one in flight ends.
	NextAttemptAt time.Time
	// LastError is the error of the latest failed attempt; "" when none
	// failed.
	LastError string
	// FinishedAt is when the delivery became done or dead; zero otherwise.
	FinishedAt time.Time
	// CoalescedInto is, for a coalesced delivery, the inbox id of the
	// delivery whose handler call covered it; zero otherwise.
	CoalescedInto int64
	// Source is, for a change found by reconciliation, the Name of the
	// event.Source that found it; "" for a webhook.
	Source string
	// StartedAt is when the latest attempt started; zero when none did
	// since the delivery was stored, retried or replayed.
	StartedAt time.Time
	// History is every attempt, oldest first, with the marks Retry and
	// Replay left (see Attempt), as Get and List return it; the claim that
	// gives a worker its delivery leaves it nil. Only the latest 32 failed
	// attempts and marks are kept.
	History []Attempt
}

// Filter selects deliveries for List. The zero Filter selects the first
// DefaultListLimit deliveries of every state, oldest first. The fields
// combine: a delivery is listed when it matches every one that is set.
type Filter struct {
	// State selects one state; "" selects all.
	State State
	// Provider selects one provider; "" selects all.
	Provider event.Provider
	// Type selects one normalized type; "" selects all.
	Type event.Type
	// Subject selects the deliveries about one subject: its Kind and ID
	// each select when not "".
	Subject event.Subject
	// ReceivedFrom and ReceivedBefore select the deliveries received at or
	// after ReceivedFrom and before ReceivedBefore; zero times do not
	// select.
	ReceivedFrom, ReceivedBefore time.Time
	// After selects deliveries whose ID is greater: pass the last ID of a
	// page to get the next, oldest first.
	After int64
	// Before selects deliveries whose ID is smaller: pass the last ID of a
	// page to get the next, newest first; zero does not select.
	Before int64
	// NewestFirst lists the newest deliveries first (by ID, the order they
	// were stored); false lists the oldest first.
	NewestFirst bool
	// WithoutBody leaves Delivery.Body empty, for lists that show no body:
	// a page of large bodies is large.
	WithoutBody bool
	// Limit is the most deliveries returned: zero or less means
	// DefaultListLimit, more than MaxListLimit means MaxListLimit.
	Limit int
}

// Page sizes of List.
const (
	DefaultListLimit = 100
	MaxListLimit     = 1000
)

// Stats counts the stored deliveries by state, for a metrics endpoint.
type Stats struct {
	// Pending counts deliveries waiting for a worker, for an earlier
	// delivery of their subject or for their next attempt.
	Pending int64
	// InFlight counts deliveries held by a worker under a lease that has
	// not ended.
	InFlight int64
	// Dead counts deliveries that failed on every attempt.
	Dead int64
	// Done counts handled deliveries not yet purged.
	Done int64
	// Coalesced counts deliveries done without a handler call of their
	// own (see WithCoalescing), not yet purged.
	Coalesced int64
	// OldestPending is when the oldest delivery not yet done or dead
	// (pending or in flight) was received; zero when there is none. How far
	// it lies in the past is the inbox's lag.
	OldestPending time.Time
}

// List returns the deliveries f selects, oldest first unless
// f.NewestFirst. Each Delivery holds its body unless f.WithoutBody; a page
// of MaxListLimit large bodies is large.
//
// Filters other than the id cursors (After, Before) and State are not
// indexed: a selective filter over a large inbox reads the table up to the
// page's last row.
func (ib *Inbox) List(ctx context.Context, f Filter) ([]Delivery, error) {
	now := ib.now()
	query, args, err := ib.q.listQuery(f, now)
	if err != nil {
		return nil, fmt.Errorf("inbox: list: %w", err)
	}
	rows, err := ib.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: list: %w", err)
	}
	defer rows.Close()
	var ds []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows, now, true)
		if err != nil {
			return nil, fmt.Errorf("inbox: list: %w", err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: list: %w", err)
	}
	return ds, nil
}

// Get returns the delivery with the inbox id id, or an error wrapping
// ErrNotFound.
func (ib *Inbox) Get(ctx context.Context, id int64) (Delivery, error) {
	now := ib.now()
	d, err := scanDelivery(ib.db.QueryRowContext(ctx, ib.q.get, id), now, true)
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, fmt.Errorf("%w: %d", ErrNotFound, id)
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("inbox: get %d: %w", id, err)
	}
	return d, nil
}

// Retry makes the dead delivery id pending again, due now, with a fresh
// count of attempts; its last error is kept until an attempt replaces it. It
// returns an error wrapping ErrNotFound when there is no such delivery and
// ErrNotDead when it is not dead.
func (ib *Inbox) Retry(ctx context.Context, id int64) error {
	return ib.makePending(ctx, ib.q.retryDead, id, "retry", "dead delivery retried", ErrNotDead)
}

// makePending runs query, Retry's or Replay's, which makes the delivery id
// pending again (parameters: id, now) when its state allows, and wakes the
// workers. When query changed nothing it returns an error wrapping
// ErrNotFound for a delivery that is not stored, else wrong, with the state
// the delivery is in. op names the operation in errors; done is logged.
func (ib *Inbox) makePending(ctx context.Context, query string, id int64, op, done string, wrong error) error {
	res, err := ib.db.ExecContext(ctx, query, id, ib.q.timeArg(ib.now()))
	if err != nil {
		return fmt.Errorf("inbox: %s %d: %w", op, id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("inbox: %s %d: %w", op, id, err)
	} else if n == 1 {
		ib.log.InfoContext(ctx, done, "delivery", id)
		ib.notify()
		return nil
	}
	var state string
	switch err := ib.db.QueryRowContext(ctx, ib.q.state, id).Scan(&state); {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %d", ErrNotFound, id)
	case err != nil:
		return fmt.Errorf("inbox: %s %d: %w", op, id, err)
	}
	return fmt.Errorf("%w: %d is %s", wrong, id, state)
}

// purgeBatch is how many rows one Purge statement deletes, so that storing
// deliveries is never held up for long.
const purgeBatch = 1000

// Purge deletes the deliveries that were done more than olderThan ago and
// returns how many it deleted. Pending, in-flight and dead deliveries are
// never purged. A copy of a purged delivery that the provider sends again is
// stored and handled again, so keep done deliveries for longer than the
// providers retry (a day is plenty). Purge deletes in batches; when ctx ends
// it returns what it deleted so far with the context's error.
func (ib *Inbox) Purge(ctx context.Context, olderThan time.Duration) (int64, error) {
	before := ib.q.timeArg(ib.now().Add(-olderThan))
	var total int64
	for {
		res, err := ib.db.ExecContext(ctx, ib.q.purge, before, purgeBatch)
		if err != nil {
			return total, fmt.Errorf("inbox: purge: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("inbox: purge: %w", err)
		}
		total += n
		if n < purgeBatch {
			if total > 0 {
				ib.log.InfoContext(ctx, "done deliveries purged", "count", total)
			}
			return total, nil
		}
	}
}

// Stats counts the stored deliveries by state.
func (ib *Inbox) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := ib.db.QueryRowContext(ctx, ib.q.stats, ib.q.timeArg(ib.now())).
		Scan(&s.Pending, &s.InFlight, &s.Dead, &s.Done, &s.Coalesced, dbTime{&s.OldestPending})
	if err != nil {
		return Stats{}, fmt.Errorf("inbox: stats: %w", err)
	}
	return s, nil
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanDelivery reads deliveryColumns, and historyColumns when history is
// set. now tells pending from in flight.
func scanDelivery(r rowScanner, now time.Time, history bool) (Delivery, error) {
	var (
		d                  Delivery
		provider, typ      string
		headers, state     string
		leased             int
		lastError, attLog  sql.NullString
		subjKind, subjID   string
		eventTime, finTime time.Time
	)
	dest := []any{&d.ID, &provider, &d.EventID, &typ, &d.Name, &d.Account, &subjKind, &subjID,
		dbTime{&eventTime}, dbTime{&d.ReceivedAt}, &headers, &d.Body, &state, &d.Attempts,
		dbTime{&d.NextAttemptAt}, &leased, &lastError, dbTime{&finTime}, &d.CoalescedInto, &d.Source,
		dbTime{&d.StartedAt}}
	if history {
		dest = append(dest, &attLog)
	}
	if err := r.Scan(dest...); err != nil {
		return Delivery{}, err
	}
	var err error
	d.Provider, d.Type = event.Provider(provider), event.Type(typ)
	d.Subject = event.Subject{Kind: subjKind, ID: subjID}
	d.Time, d.FinishedAt, d.LastError = eventTime, finTime, lastError.String
	if d.Body == nil {
		d.Body = []byte{}
	}
	if d.Header, err = decodeHeaders(headers); err != nil {
		return Delivery{}, fmt.Errorf("delivery %d: stored headers: %w", d.ID, err)
	}
	d.State = State(state)
	switch {
	case d.State == StatePending && leased == 1 && d.NextAttemptAt.After(now):
		d.State = StateInFlight
	case d.State == StateDone && d.CoalescedInto != 0:
		d.State = StateCoalesced
	}
	if history {
		if d.History, err = historyOf(&d, attLog.String, leased == 1); err != nil {
			return Delivery{}, fmt.Errorf("delivery %d: attempt log: %w", d.ID, err)
		}
	}
	return d, nil
}

// delivery is what insert stores: one received delivery.
type newDelivery struct {
	provider event.Provider
	eventID  string
	typ      event.Type
	name     string
	account  string
	subject  event.Subject
	time     time.Time
	headers  string
	body     []byte
	// dead stores the delivery dead, with lastError, instead of pending:
	// an authentic delivery that could not be decoded.
	dead      bool
	lastError string
	// version is the version of the record the delivery carries
	// (event.VersionOf); "" for none.
	version string
	// source is the name of the event.Source that found a polled change;
	// "" for a webhook.
	source string
}

// deliveryOf is the row of an event received with body.
func deliveryOf(p event.Provider, e event.Event, headers string, body []byte) newDelivery {
	id := e.ID()
	if id == "" {
		id = event.HashID(body)
	}
	return newDelivery{
		provider: p, eventID: id, typ: e.Type(), name: e.Name(), account: e.Account(),
		subject: e.Subject(), time: e.Time(), headers: headers, body: body, version: event.VersionOf(e),
	}
}

// insert stores d unless it is a copy of a stored delivery, and returns the
// new row's id and true, or 0 and false for a copy. It waits for the group
// write that carries d (see storeGroup), or for the end of ctx.
//
// A copy is a delivery with the same provider and event id. With a window
// (the receiver's event.DedupeWindower), only a copy received less than
// window after the newest stored delivery of its event is one; a later one is
// stored as a new delivery, whose generation is the id of the delivery it
// follows, so that replicas storing the same late copy at once store it once.
func (ib *Inbox) insert(ctx context.Context, d newDelivery, window time.Duration, now time.Time) (int64, bool, error) {
	return ib.group.store(&storeRequest{ctx: ctx, d: d, window: window, now: now, done: make(chan storeResult, 1)})
}

// columns are the values of d's row, made storable (see cleanText).
type columns struct {
	provider, eventID, typ, name, account, kind, subjectID string
	eventKey, changeKey                                    []byte
	subjectKey                                             *int64 // nil without a subject
	state, lastError                                       string
}

func columnsOf(d newDelivery) columns {
	c := columns{
		provider: cleanText(string(d.provider)), eventID: cleanText(d.eventID), typ: cleanText(string(d.typ)),
		name: cleanText(d.name), account: cleanText(d.account),
		kind: cleanText(d.subject.Kind), subjectID: cleanText(d.subject.ID), state: string(StatePending),
	}
	c.eventKey = eventKey(c.provider, c.eventID)
	if k, ok := subjectKey(c.provider, c.kind, c.subjectID).(int64); ok {
		c.subjectKey = &k
	}
	if k, ok := changeKey(c.provider, c.kind, c.subjectID, cleanText(d.version)).([]byte); ok {
		c.changeKey = k
	}
	if d.dead {
		c.state, c.lastError = string(StateDead), cleanText(d.lastError)
	}
	return c
}

// insertArgs are the parameters of the single-row insert statement for d.
func (ib *Inbox) insertArgs(d newDelivery, generation int64, now time.Time) []any {
	c := columnsOf(d)
	finished, lastError, subject, change := any(nil), any(nil), any(nil), any(nil)
	if d.dead {
		finished, lastError = ib.q.timeArg(now), c.lastError
	}
	if c.subjectKey != nil {
		subject = *c.subjectKey
	}
	if c.changeKey != nil {
		change = c.changeKey
	}
	return []any{
		c.provider, c.eventID, c.eventKey, generation, c.typ, c.name, c.account, c.kind, c.subjectID, subject,
		ib.q.timeArg(d.time), ib.q.timeArg(now), d.headers, d.body, c.state, finished, lastError, change, d.source,
	}
}

// cleanText makes s storable in a text column of either dialect: valid
// UTF-8, without NUL, which PostgreSQL refuses. A delivery whose event id
// held such bytes would otherwise fail to store on every retry.
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.Contains(s, "\x00") {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// claimBatch leases up to n claimable deliveries, in id order, to one new
// token until now plus the lease, in one statement. A delivery is claimable
// when it is due and the head of its subject, so the deliveries are of n
// different subjects at most. It returns no delivery and a nil error when
// none is claimable.
func (ib *Inbox) claimBatch(ctx context.Context, now time.Time, n int) ([]*Delivery, string, error) {
	token := rand.Text()
	until := now.Add(ib.cfg.lease)
	rows, err := ib.db.QueryContext(ctx, ib.q.claim, ib.q.timeArg(now), token, ib.q.timeArg(until), n)
	if err != nil {
		return nil, "", err
	}
	ds, err := scanDeliveries(rows, now)
	if err != nil {
		return nil, "", err
	}
	return ds, token, nil
}

// scanDeliveries reads and closes rows of deliveryColumns, sorted by id.
func scanDeliveries(rows *sql.Rows, now time.Time) ([]*Delivery, error) {
	defer rows.Close()
	var ds []*Delivery
	for rows.Next() {
		d, err := scanDelivery(rows, now, false)
		if err != nil {
			return nil, err
		}
		ds = append(ds, &d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(ds, func(a, b *Delivery) int { return cmp.Compare(a.ID, b.ID) })
	return ds, nil
}

// completeBatch marks the deliveries ids, leased to tokens, done at now, in
// one transaction that passes head on (see leavePending), and returns the ids
// it marked (those whose lease was not lost) and how many deliveries became
// head. keys are the subject keys of the deliveries that have one.
func (ib *Inbox) completeBatch(ctx context.Context, ids []int64, tokens []string, keys []int64, now time.Time) (map[int64]bool, int, error) {
	if ib.dialect == PostgreSQL {
		// One statement, its own transaction: the function locks the
		// subjects and passes head on itself.
		rows, err := ib.db.QueryContext(ctx, ib.q.completeBatch, ids, tokens, keys, ib.q.timeArg(now))
		if err != nil {
			return nil, 0, err
		}
		defer rows.Close()
		finished := make(map[int64]bool, len(ids))
		promoted := 0
		for rows.Next() {
			var done, head sql.NullInt64
			if err := rows.Scan(&done, &head); err != nil {
				return nil, 0, err
			}
			if done.Valid {
				finished[done.Int64] = true
			}
			if head.Valid {
				promoted++
			}
		}
		return finished, promoted, rows.Err()
	}
	var q strings.Builder
	args := make([]any, 0, 1+2*len(ids))
	args = append(args, ib.q.timeArg(now))
	q.WriteString(`UPDATE pmshooks_inbox SET state = 'done', lease_token = NULL, finished_at = ?
		WHERE state = 'pending' AND (id, lease_token) IN (VALUES `)
	for i := range ids {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?)")
		args = append(args, ids[i], tokens[i])
	}
	q.WriteString(") RETURNING " + finishedColumns)
	return ib.leavePending(ctx, q.String(), args...)
}

// leavePending runs query, which takes deliveries out of pending (done or
// dead) and returns their finishedColumns, and passes head on in the same
// transaction: for each finished head of a subject, the next pending
// delivery of the subject becomes head. It returns the ids query returned,
// and how many deliveries became head.
//
// On PostgreSQL query locks the subjects first (lockedSubjects): an insert
// of the subject in progress, which holds the lock, has committed by then,
// and the lookup of the next delivery, a statement of its own, sees it. An
// insert that comes later waits for this commit, and then sees the next
// delivery pending (or none).
func (ib *Inbox) leavePending(ctx context.Context, query string, args ...any) (map[int64]bool, int, error) {
	var opts *sql.TxOptions
	if ib.dialect == PostgreSQL {
		// Whatever the database's default: the lookup must see what was
		// committed while this transaction waited for the locks.
		opts = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	tx, err := ib.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	finished := make(map[int64]bool)
	var heads []int64 // subject keys whose head was finished
	for rows.Next() {
		var (
			id   int64
			key  sql.NullInt64
			head bool
		)
		if err := rows.Scan(&id, &key, &head); err != nil {
			rows.Close()
			return nil, 0, err
		}
		finished[id] = true
		if head && key.Valid {
			heads = append(heads, key.Int64)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	promoted := 0
	if len(heads) > 0 {
		if promoted, err = ib.promote(ctx, tx, heads); err != nil {
			return nil, 0, err
		}
	}
	return finished, promoted, tx.Commit()
}

// promote makes the first pending delivery of each subject of keys its
// head, in tx, and returns how many became head.
func (ib *Inbox) promote(ctx context.Context, tx *sql.Tx, keys []int64) (int, error) {
	query, args := ib.q.promote, []any{keys}
	if ib.dialect == SQLite {
		query, args = sqlitePromote(keys)
	}
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// sqlitePromote is the promote statement for keys, in SQLite, which takes no
// array parameter.
func sqlitePromote(keys []int64) (string, []any) {
	var q strings.Builder
	args := make([]any, len(keys))
	q.WriteString(`UPDATE pmshooks_inbox SET head = 1 WHERE id IN (
		SELECT MIN(id) FROM pmshooks_inbox WHERE state = 'pending' AND subject_key IN (`)
	for i, k := range keys {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("?")
		args[i] = k
	}
	q.WriteString(") GROUP BY subject_key) AND head = 0")
	return q.String(), args
}

// finish records the outcome of an attempt with one of the completion
// statements, whose parameters are id, token, a time and, for some, more
// (retry: the error and now; release: now, the outcome and the error, for
// the attempt log). It reports false when the lease was lost: another worker
// claimed the delivery after the lease ended, and owns its outcome.
func (ib *Inbox) finish(ctx context.Context, query string, id int64, token string, at time.Time, more ...any) (bool, error) {
	args := append([]any{id, token, ib.q.timeArg(at)}, more...)
	res, err := ib.db.ExecContext(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// finishDead is finish for the statements that make the delivery d dead
// (dead, bury), which pass its subject's head on (see leavePending): the
// workers are woken when that made the next delivery of the subject head.
func (ib *Inbox) finishDead(ctx context.Context, query string, d *Delivery, token string, at time.Time, errText string) (bool, error) {
	args := []any{d.ID, token, ib.q.timeArg(at), errText}
	if ib.dialect == PostgreSQL {
		args = append(args, d.subjectKeys())
	}
	finished, promoted, err := ib.leavePending(ctx, query, args...)
	if err == nil && promoted > 0 {
		ib.notify()
	}
	return finished[d.ID], err
}

// subjectKeys is the key of d's subject as a list: empty when d has none.
// Read from the stored columns, it is the key the row was stored with.
func (d *Delivery) subjectKeys() []int64 {
	if k, ok := subjectKey(string(d.Provider), d.Subject.Kind, d.Subject.ID).(int64); ok {
		return []int64{k}
	}
	return []int64{}
}
