package hostaway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/internal/hydrate"
)

// Source is the event.Source of one Hostaway account's reservations: it
// lists the reservations changed since a checkpoint with
// GET /v1/reservations?sortOrder=updatedOn (least recently modified
// first), paged by the afterId cursor, and decodes each into the event a
// reservation.created or reservation.updated delivery of the same state
// gives. It is safe for concurrent use.
//
// # Why the listing is not filtered
//
// Hostaway offers no filter on updatedOn. Its only "changed since" filter,
// latestActivityStart, is a date bounding latestActivityOn, which real
// accounts do not keep in step with updatedOn: in a listing recorded from a
// live account, a quarter of the reservations had a latestActivityOn on an
// earlier day than their updatedOn, months earlier for some. A filter on it
// would skip those changes, so the Source does not use it: it walks the
// list in updatedOn order and jumps to where it stopped with afterId.
//
// # The checkpoint
//
// afterId is a position, not a time: Hostaway returns what comes after
// that reservation where it is now in the order. A reservation updated
// since the last poll has moved to the end of the list, so an afterId
// naming it would skip everything between its old and its new place. The
// checkpoint therefore keeps, besides a floor time:
//
//   - anchors: the last few reservations listed whose updatedOn was
//     already settled (older than the settle delay, WithSettle), with their
//     updatedOn. The next poll resumes after the oldest anchor and checks
//     that it has not moved: a later anchor found again at its recorded
//     updatedOn proves it, and otherwise one GET /v1/reservations/{id} of
//     the oldest anchor does. A moved or deleted anchor is dropped and the
//     next one tried; with none left the walk starts again from the top of
//     the list (skipping what is older than the floor without reporting
//     it).
//   - floor: the updatedOn of the newest settled reservation listed.
//     Reservations older than the floor were reported; the floor's own
//     second is read again (inclusively), since Hostaway's timestamps have
//     one-second resolution and a page may end within a second.
//   - seen: the states (id and updatedOn) already reported at or after the
//     floor, so that a change is reported once, though the unsettled end of
//     the list is read again at each poll, until it settles.
//
// The settle delay covers the time between when Hostaway stamps a change
// and when a listing can see it, and the difference between Hostaway's
// clock (read from each answer's Date header) and updatedOn. Changes are
// reported at once, settled or not; only the checkpoint waits for them to
// settle. More than a page of changes within the settle delay are reported
// once they have settled, at a later poll.
//
// # What a change is
//
// A Change is one state of one reservation: ID "poll:booking:<id>:<version>",
// the version being Reservation.Version (its updatedOn, canonical). Its Body
// is the reservation as the list returned it, in the envelope of a
// delivery ({"object":"reservation","event":...,"accountId":...,"data":...})
// plus the listing time; Header is nil. Decode normalizes it with the code
// that normalizes deliveries (see Decode).
//
// Hostaway's updatedOn has one-second resolution: two states of one
// reservation within one second are one version, and the Source reports the
// one it lists. A reservation deleted in Hostaway leaves the list without a
// change: the Source cannot see deletions. Messages have no listing by
// change time in Hostaway's API (conversations list by offset only, and
// messages per conversation), so they cannot be reconciled; a lost
// message.received delivery is not found.
type Source struct {
	client   *Client
	account  string
	pageSize int
	settle   time.Duration
	// now is the clock of Record.FetchedAt, and of settling when an
	// answer has no Date header; nil means time.Now.
	now func() time.Time
}

var _ event.Source = (*Source)(nil)

// SourceOption configures a Source. A nil SourceOption is ignored; of two
// options setting the same thing, the last wins.
type SourceOption func(*sourceConfig)

type sourceConfig struct {
	pageSize int
	settle   time.Duration
}

// DefaultSourcePageSize is the number of reservations a Source asks for
// per page: Hostaway's default limit.
const DefaultSourcePageSize = 100

// DefaultSettle is how old an updatedOn must be, on Hostaway's clock, for
// a Source to take it as settled (see Source).
const DefaultSettle = 2 * time.Minute

// anchorCount is how many anchors a checkpoint keeps.
const anchorCount = 5

// WithPageSize sets how many reservations a Source lists per call (limit);
// NewSource fails when n is not above the number of anchors a checkpoint
// keeps (5). The default is DefaultSourcePageSize.
func WithPageSize(n int) SourceOption {
	return func(c *sourceConfig) { c.pageSize = n }
}

// WithSettle sets the settle delay (see Source); NewSource fails when d is
// negative. The default is DefaultSettle. A longer delay tolerates more lag
// and clock skew at Hostaway, at the cost of reading more of the list again
// at each poll.
func WithSettle(d time.Duration) SourceOption {
	return func(c *sourceConfig) { c.settle = d }
}

// NewSource returns the Source of the reservations of the Hostaway account
// account (its ID, the client_id of ClientCredentials and the accountId of
// its deliveries), listed through c. Its events' Account is account, as a
// delivery's is. It fails when c is nil, account is not a Hostaway account
// ID (digits) or an option is out of range.
func NewSource(c *Client, account string, opts ...SourceOption) (*Source, error) {
	account = strings.TrimSpace(account)
	switch {
	case c == nil:
		return nil, errors.New("hostaway: new source: nil client")
	case account == "" || strings.Trim(account, "0123456789") != "":
		return nil, errors.New("hostaway: new source: the account is not a Hostaway account ID")
	}
	cfg := sourceConfig{pageSize: DefaultSourcePageSize, settle: DefaultSettle}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	switch {
	case cfg.pageSize <= anchorCount:
		return nil, fmt.Errorf("hostaway: new source: page size %d is not above %d", cfg.pageSize, anchorCount)
	case cfg.settle < 0:
		return nil, errors.New("hostaway: new source: negative settle delay")
	}
	return &Source{client: c, account: account, pageSize: cfg.pageSize, settle: cfg.settle}, nil
}

// Provider returns Provider.
func (s *Source) Provider() event.Provider { return Provider }

// Name returns "hostaway/reservations/<account>".
func (s *Source) Name() string { return "hostaway/reservations/" + s.account }

// ErrCheckpoint is the error, wrapped, of Changes given a checkpoint no
// Source of this package returned.
var ErrCheckpoint = errors.New("hostaway: source: invalid checkpoint")

// checkpoint is the state a Source resumes from, encoded as JSON in
// event.ChangePage.Checkpoint; see Source.
type checkpoint struct {
	V int `json:"v"`
	// Floor is the floor time as a version; "" means none: every
	// reservation is reported.
	Floor   string `json:"floor,omitempty"`
	Anchors []mark `json:"anchors,omitempty"`
	Seen    []mark `json:"seen,omitempty"`
}

// mark is one state of one reservation: its id and version.
type mark struct {
	ID int64  `json:"id"`
	On string `json:"on"`
}

// checkpointVersion is the V of the checkpoints this package writes.
const checkpointVersion = 1

// start returns the checkpoint a cursor names.
func start(cur event.Cursor) (checkpoint, error) {
	if cur.Checkpoint == "" {
		cp := checkpoint{V: checkpointVersion}
		if !cur.Since.IsZero() {
			cp.Floor = cur.Since.UTC().Truncate(time.Second).Format(time.RFC3339Nano)
		}
		return cp, nil
	}
	var cp checkpoint
	dec := json.NewDecoder(strings.NewReader(cur.Checkpoint))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cp); err != nil || cp.V != checkpointVersion {
		return checkpoint{}, ErrCheckpoint
	}
	if _, ok := parseVersion(cp.Floor); !ok && cp.Floor != "" {
		return checkpoint{}, ErrCheckpoint
	}
	for _, m := range append(cp.Anchors, cp.Seen...) {
		if _, ok := parseVersion(m.On); !ok || m.ID <= 0 {
			return checkpoint{}, ErrCheckpoint
		}
	}
	return cp, nil
}

// encode returns cp as checkpoint text.
func (cp checkpoint) encode() string {
	b, _ := json.Marshal(cp) // cannot fail
	return string(b)
}

// parseVersion parses a version (Reservation.Version).
func parseVersion(v string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}

// listed is one reservation of a listing.
type listed struct {
	raw     json.RawMessage
	r       *Reservation
	version string
	at      time.Time
}

// Changes returns the next page of changed reservations after cur, oldest
// first; see Source for the checkpoint. It costs one
// GET /v1/reservations, and one GET /v1/reservations/{id} when the page
// does not show that the anchor it resumed after is still in place (one
// more pair per anchor found moved). More reports a full page that moved
// the checkpoint forward. A reservation listed without a positive id or
// an updatedOn is skipped: it cannot be versioned. A 429, or a call not
// sent because the Client's rate-limit window is closed, is an error
// wrapping an *event.RateLimitError; a checkpoint this package did not
// write, one wrapping ErrCheckpoint.
func (s *Source) Changes(ctx context.Context, cur event.Cursor) (*event.ChangePage, error) {
	cp, err := start(cur)
	if err != nil {
		return nil, err
	}
	for {
		opts := ReservationListOptions{ListOptions: ListOptions{PerPage: s.pageSize}, SortOrder: SortUpdatedOn}
		if len(cp.Anchors) > 0 {
			opts.AfterID = cp.Anchors[0].ID
		}
		items, resp, err := s.list(ctx, &opts)
		if err != nil {
			return nil, hydrate.RateLimited(Provider, err)
		}
		if len(cp.Anchors) > 0 && !anchored(cp.Anchors, items) {
			held, err := s.holds(ctx, cp.Anchors[0])
			if err != nil {
				return nil, hydrate.RateLimited(Provider, err)
			}
			if !held {
				cp.Anchors = cp.Anchors[1:] // moved or gone: resume from the next
				continue
			}
		}
		return s.page(cp, items, s.clock(resp)-s.settleNanos(), len(items) == s.pageSize), nil
	}
}

// settleNanos returns the settle delay in Unix nanoseconds.
func (s *Source) settleNanos() int64 { return int64(s.settle) }

// clock returns Hostaway's time of an answer in Unix nanoseconds: its Date
// header, else the Source's clock.
func (s *Source) clock(resp *Response) int64 {
	if resp != nil {
		if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
			return t.UnixNano()
		}
	}
	return s.timeNow().UnixNano()
}

func (s *Source) timeNow() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// page builds the page of a listing that resumed from cp: settledBefore is
// the Unix nanosecond before which an updatedOn is settled, full whether
// the listing filled its page.
func (s *Source) page(cp checkpoint, items []listed, settledBefore int64, full bool) *event.ChangePage {
	floor, hasFloor := parseVersion(cp.Floor)
	seen := make(map[mark]bool, len(cp.Seen))
	for _, m := range cp.Seen {
		seen[m] = true
	}
	fetchedAt := s.timeNow().UTC()
	// The anchors in list order: the one resumed after, then the settled
	// reservations of the page.
	var order []mark
	if len(cp.Anchors) > 0 {
		order = append(order, cp.Anchors[0])
	}
	newFloor, newHasFloor := floor, hasFloor
	pg := &event.ChangePage{Changes: []event.Change{}}
	for _, it := range items {
		m := mark{ID: it.r.ID.Int64(), On: it.version}
		if it.at.UnixNano() < settledBefore {
			order = append(order, m)
			if !newHasFloor || it.at.After(newFloor) {
				newFloor, newHasFloor = it.at, true
			}
		}
		if (hasFloor && it.at.Before(floor)) || seen[m] {
			continue
		}
		seen[m] = true
		pg.Changes = append(pg.Changes, s.change(it, m, fetchedAt))
	}
	next := checkpoint{V: checkpointVersion, Anchors: lastAnchors(order)}
	if newHasFloor {
		next.Floor = newFloor.UTC().Format(time.RFC3339Nano)
	}
	// Keep what was reported at or after the floor, in list order: the
	// old marks first, then the page's.
	keep := func(m mark) bool {
		t, _ := parseVersion(m.On)
		return !newHasFloor || !t.Before(newFloor)
	}
	kept := map[mark]bool{}
	for _, m := range cp.Seen {
		if keep(m) && !kept[m] {
			kept[m] = true
			next.Seen = append(next.Seen, m)
		}
	}
	for _, c := range pg.Changes {
		m := markOf(c.ID)
		if keep(m) && !kept[m] {
			kept[m] = true
			next.Seen = append(next.Seen, m)
		}
	}
	pg.Checkpoint = next.encode()
	moved := len(next.Anchors) > 0 && (len(cp.Anchors) == 0 || next.Anchors[len(next.Anchors)-1] != cp.Anchors[len(cp.Anchors)-1])
	pg.More = full && moved
	return pg
}

// lastAnchors returns the last anchorCount marks of order, each
// reservation once (its latest place).
func lastAnchors(order []mark) []mark {
	var out []mark
	ids := map[int64]bool{}
	for i := len(order) - 1; i >= 0 && len(out) < anchorCount; i-- {
		if ids[order[i].ID] {
			continue
		}
		ids[order[i].ID] = true
		out = append([]mark{order[i]}, out...)
	}
	return out
}

// anchored reports whether items, listed after anchors[0], show that
// anchors[0] has not moved: a later anchor is among them at its recorded
// version. A moved anchors[0] would be at the end of the order, after every
// anchor recorded.
func anchored(anchors []mark, items []listed) bool {
	later := map[mark]bool{}
	for _, a := range anchors[1:] {
		later[a] = true
	}
	for _, it := range items {
		if later[mark{ID: it.r.ID.Int64(), On: it.version}] {
			return true
		}
	}
	return false
}

// holds reports whether the reservation of a is still at its version:
// false when it changed or Hostaway no longer has it.
func (s *Source) holds(ctx context.Context, a mark) (bool, error) {
	r, _, err := s.client.Reservations.Get(ctx, a.ID)
	var apiErr *APIError
	if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusNotFound || apiErr.StatusCode == http.StatusGone) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return r.Version() == a.On, nil
}

// list returns one page of the reservations list, each reservation as
// sent and decoded, without those that cannot be versioned.
func (s *Source) list(ctx context.Context, opts *ReservationListOptions) ([]listed, *Response, error) {
	const op = "list reservations"
	q, _, _, err := opts.query()
	if err != nil {
		return nil, nil, errors.New("hostaway: " + op + ": " + err.Error())
	}
	var raws []json.RawMessage
	_, resp, err := s.client.call(ctx, op, api.Request{Method: http.MethodGet, Path: reservationsPath, Query: q}, &raws)
	if err != nil {
		return nil, resp, err
	}
	items := make([]listed, 0, len(raws))
	for _, raw := range raws {
		r := new(Reservation)
		if !data(raw) || json.Unmarshal(raw, r) != nil {
			continue
		}
		v := r.Version()
		at, ok := parseVersion(v)
		if !ok || r.ID.Int64() <= 0 {
			continue
		}
		items = append(items, listed{raw: raw, r: r, version: v, at: at})
	}
	return items, resp, nil
}

// changeBody is the Body of a Change: a delivery's envelope around the
// reservation as listed, and when it was listed.
type changeBody struct {
	Object    string          `json:"object"`
	Event     string          `json:"event"`
	AccountID string          `json:"accountId"`
	ListedAt  time.Time       `json:"listedAt"`
	Data      json.RawMessage `json:"data"`
}

// change returns the Change of a listed reservation state.
func (s *Source) change(it listed, m mark, fetchedAt time.Time) event.Change {
	name := EventReservationUpdated
	if it.r.InsertedOn.Time.Equal(it.r.UpdatedOn.Time) && !it.r.InsertedOn.Time.IsZero() {
		name = EventReservationCreated
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(changeBody{Object: ObjectReservation, Event: name, AccountID: s.account, ListedAt: fetchedAt, Data: it.raw})
	return event.Change{ID: changeID(m), Body: bytes.TrimSpace(buf.Bytes())}
}

// changeID returns the Change.ID of a reservation state.
func changeID(m mark) string {
	return "poll:booking:" + strconv.FormatInt(m.ID, 10) + ":" + m.On
}

// markOf parses a changeID.
func markOf(id string) mark {
	rest, _ := strings.CutPrefix(id, "poll:booking:")
	n, v, _ := strings.Cut(rest, ":")
	i, _ := strconv.ParseInt(n, 10, 64)
	return mark{ID: i, On: v}
}

// Decode rebuilds the event of a Change this Source returned, without any
// request: the Body is normalized by the code that normalizes deliveries
// (as a Receiver without WithLocation does), so the event has the Type,
// Name, Account, Subject, Booking and Version a delivery of the same
// reservation state gets. Then:
//
//   - Name is "reservation.created" when the reservation's insertedOn equals
//     its updatedOn (it was listed as created), else "reservation.updated";
//     Type follows from it and the status as for a delivery (booking.created,
//     booking.updated, booking.cancelled, inquiry.*).
//   - ID is the Change.ID, "poll:booking:<id>:<version>".
//   - Time is the reservation's updatedOn (UTC).
//   - Data is the *Webhook, as for a delivery, so that handlers read both
//     alike; Raw is the Body.
//   - event.OriginOf reports event.OriginPoll, and event.RecordOf the
//     *Reservation as listed, with its Booking, FetchedAt the listing time.
//
// A body that is not a listed reservation with a positive id and an
// updatedOn is an error wrapping event.ErrMalformed. Decode never panics.
func (s *Source) Decode(_ http.Header, body []byte) (event.Event, error) {
	w, err := Parse(body)
	if err != nil {
		return nil, err
	}
	r := w.Reservation
	if r == nil || w.DataError != nil || r.ID.Int64() <= 0 || r.Version() == "" {
		return nil, malformed("change is not a listed reservation with an id and updatedOn", nil)
	}
	var env struct {
		ListedAt time.Time `json:"listedAt"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, malformed("change", err)
	}
	f := normalizeFields(w, time.UTC)
	f.ID = changeID(mark{ID: r.ID.Int64(), On: f.Version})
	f.Time = instant(time.UTC, r.UpdatedOn)
	f.Origin = event.OriginPoll
	return event.WithRecord(event.New(f), event.Record{Data: r, Booking: f.Booking, FetchedAt: env.ListedAt}), nil
}
