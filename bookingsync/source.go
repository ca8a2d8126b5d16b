package bookingsync

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hydrate"
	"github.com/pmshooks/pmshooks/lenient"
)

var _ event.Source = (*Source)(nil)

// DefaultSourcePageSize is the number of changes of a ChangePage when
// WithSourcePageSize is not given.
const DefaultSourcePageSize = 100

// sourceCacheAge is how long the rest of a listing serves the next pages
// of a Source without listing again.
const sourceCacheAge = 5 * time.Minute

// listAttempts is how often a Source lists a window that changed while it
// was paged before it gives up for this call.
const listAttempts = 3

// errListShifted is the cause of the error of a listing that kept
// changing while it was paged.
var errListShifted = errors.New("the listing changed while it was paged; try again")

// errNoStart is the cause of the error of a first call without a start.
var errNoStart = errors.New("a first call needs Cursor.Since: BookingSync lists changes only since a time")

// Source lists the bookings of one BookingSync account that changed since
// a checkpoint, through the updated_since flow (Bookings.Changes, GET
// /bookings?updated_since=…), for reconciliation: see the package
// documentation, section Reconciliation. It implements event.Source, is
// also the Decoder of the changes it returns, and is safe for concurrent
// use.
type Source struct {
	c        *Client
	account  int64
	pageSize int
	now      func() time.Time

	mu     sync.Mutex
	cached *sourceCache
}

// sourceCache is the rest of the last listing, for the page after the one
// returned with checkpoint.
type sourceCache struct {
	checkpoint string
	listedAt   time.Time
	syncedAt   time.Time
	items      []listedItem
}

// SourceOption configures a Source.
type SourceOption func(*Source)

// WithSourcePageSize sets how many changes a ChangePage holds at most
// (DefaultSourcePageSize when n is not positive). It does not change how
// many bookings each API call lists (MaxPerPage).
func WithSourcePageSize(n int) SourceOption {
	return func(s *Source) {
		if n <= 0 {
			n = DefaultSourcePageSize
		}
		s.pageSize = n
	}
}

// NewSource returns a Source that lists, with c, the bookings of the
// BookingSync account accountID: the account_id of the account's
// deliveries. The Source names the account with it (Name, and the Account
// of its events, as the Receiver's events of that account have), so c's
// token must be one the account authorized (an authorization-code token;
// a ClientCredentials token spans every account that authorized the
// application: the Source skips bookings linked to another account, but
// the ids of cancelled bookings name no account, see Reconciliation). A
// nil c or an accountID that is not positive is an error. Nil options are
// ignored; the last of one kind wins.
func NewSource(c *Client, accountID int64, opts ...SourceOption) (*Source, error) {
	if c == nil {
		return nil, errors.New("bookingsync: new source: nil client")
	}
	if accountID <= 0 {
		return nil, fmt.Errorf("bookingsync: new source: invalid account id %d", accountID)
	}
	s := &Source{c: c, account: accountID, pageSize: DefaultSourcePageSize, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s, nil
}

// Provider returns Provider.
func (s *Source) Provider() event.Provider { return Provider }

// Name returns "bookingsync/bookings/<account id>".
func (s *Source) Name() string {
	return "bookingsync/bookings/" + strconv.FormatInt(s.account, 10)
}

// listedItem is one change of a listing: a booking as BookingSync sent
// it, or the id of a booking among meta.deleted_ids that the listing does
// not hold.
type listedItem struct {
	raw     json.RawMessage // nil for a deleted id
	b       *Booking        // nil for a deleted id
	id      string
	deleted bool
	at      time.Time // updated_at, else created_at, else the window's start
}

// key is the item's name in a checkpoint: its id, "d"-prefixed for a
// deleted id, so that the two never meet.
func (it listedItem) key() string {
	if it.deleted {
		return "d" + it.id
	}
	return it.id
}

// compareItems orders a listing oldest first: by time, deleted ids
// before records, then by id.
func compareItems(a, b listedItem) int {
	if c := a.at.Compare(b.at); c != 0 {
		return c
	}
	if a.deleted != b.deleted {
		if a.deleted {
			return -1
		}
		return 1
	}
	return compareIDText(a.id, b.id)
}

// compareIDText orders ids numerically when both are numbers, else as
// text.
func compareIDText(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return strings.Compare(a, b)
}

// Changes returns the next page of bookings changed after cursor, oldest
// first by updated_at (then id), at most the page size; see the package
// documentation, section Reconciliation, for what it lists and costs.
//
// A pass lists the whole window updated_since=<since> (every API page),
// sorts it and returns it page by page. While a pass is under way the
// checkpoint is "v1;<since>;<updated_at>;<ids>": the same window and the
// update time and ids of the last bookings returned, so that a resumed
// pass lists the window again and skips only what it returned. The page
// that ends a pass has the checkpoint "v1;<synced_at - 1s>;;": the
// X-Updated-Since-Request-Synced-At of the pass's first API call, which
// BookingSync documents as the updated_since of the next sync, less a
// second, since the header is written to the second (the bookings of
// that second may come again, with the same Change.ID). Without that
// header the next window starts a second before the last update
// returned. The first call,
// with an empty Checkpoint, lists since Cursor.Since, which must not be
// zero.
//
// A 429, or a call the client held back for its rate-limit window, is an
// error wrapping *event.RateLimitError. A listing that kept changing while
// it was paged (BookingSync's X-Total-Count says more bookings than the
// pages held) is an error after three attempts; nothing is returned and
// the next call starts again from cursor.
func (s *Source) Changes(ctx context.Context, cursor event.Cursor) (*event.ChangePage, error) {
	from, err := parseCheckpoint(cursor.Checkpoint)
	if err != nil {
		return nil, fmt.Errorf("bookingsync: changes: %w", err)
	}
	if cursor.Checkpoint == "" {
		if cursor.Since.IsZero() {
			return nil, fmt.Errorf("bookingsync: changes: %w", errNoStart)
		}
		// updated_since is sent to the second: start at that second.
		from = checkpoint{since: cursor.Since.UTC().Truncate(time.Second)}
	}

	c, ok := s.fromCache(cursor.Checkpoint)
	if !ok {
		c = &sourceCache{listedAt: s.now()}
		if c.items, c.syncedAt, err = s.list(ctx, from.since); err != nil {
			return nil, err
		}
	}

	page := &event.ChangePage{}
	next := from
	var rest []listedItem
	for i, it := range c.items {
		if from.covers(it) {
			continue
		}
		if len(page.Changes) == s.pageSize {
			rest = c.items[i:]
			break
		}
		ch, err := s.change(it, c.listedAt)
		if err != nil {
			return nil, err
		}
		page.Changes = append(page.Changes, ch)
		next = next.after(it)
	}
	page.More = len(rest) > 0
	if page.More {
		page.Checkpoint = next.String()
	} else {
		page.Checkpoint = next.end(c.syncedAt).String()
	}
	s.mu.Lock()
	s.cached = nil
	if page.More {
		s.cached = &sourceCache{checkpoint: page.Checkpoint, listedAt: c.listedAt, syncedAt: c.syncedAt, items: rest}
	}
	s.mu.Unlock()
	return page, nil
}

// fromCache returns the rest of the last listing when checkpoint is the
// one it follows and it is recent.
func (s *Source) fromCache(checkpoint string) (*sourceCache, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cached
	if c == nil || checkpoint == "" || c.checkpoint != checkpoint || s.now().Sub(c.listedAt) > sourceCacheAge {
		return nil, false
	}
	return c, true
}

// list returns every change since, sorted oldest first, and the synced_at
// of the listing, retrying a listing that changed while it was paged.
func (s *Source) list(ctx context.Context, since time.Time) ([]listedItem, time.Time, error) {
	var err error
	for range listAttempts {
		var (
			items    []listedItem
			syncedAt time.Time
		)
		if items, syncedAt, err = s.listOnce(ctx, since); err == nil {
			return items, syncedAt, nil
		}
		if !errors.Is(err, errListShifted) {
			return nil, time.Time{}, err
		}
	}
	return nil, time.Time{}, err
}

// listFrom is the from of a Source's listing: without it BookingSync lists
// only bookings that end after now, and a booking whose stay is over
// changes too (a payment, a review, a correction).
func listFrom() time.Time { return time.Unix(0, 0).UTC() }

// listOnce pages through updated_since=since, MaxPerPage bookings a call,
// cancelled ones included.
func (s *Source) listOnce(ctx context.Context, since time.Time) ([]listedItem, time.Time, error) {
	opts := &BookingListOptions{
		ListOptions:     ListOptions{PerPage: MaxPerPage},
		From:            listFrom(),
		IncludeCanceled: true,
		UpdatedSince:    since,
	}
	account := strconv.FormatInt(s.account, 10)
	byID := map[string]int{} // id → index in items, of every account
	var (
		items    []listedItem
		deleted  []string
		syncedAt time.Time
		total    = -1
	)
	for n := 1; n > 0; {
		opts.Page = n
		ch, _, err := s.c.Bookings.Changes(ctx, opts)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("bookingsync: changes: %w", hydrate.RateLimited(Provider, err))
		}
		if n == 1 {
			// The server's time of the first call: everything changed
			// after it is in the next window, whatever the later pages
			// hold.
			syncedAt = ch.SyncedAt
		}
		added := 0
		for _, b := range ch.Items {
			id := b.ID.String()
			if id == "" {
				return nil, time.Time{}, fmt.Errorf("bookingsync: changes: %w", malformed("booking has no id", nil))
			}
			it := listedItem{raw: b.Raw, b: b, id: id, at: firstInstant(b.UpdatedAt.Instant(), b.CreatedAt.Instant(), since).UTC()}
			if i, seen := byID[id]; seen {
				if it.at.After(items[i].at) {
					items[i] = it
				}
				continue
			}
			byID[id] = len(items)
			items = append(items, it)
			added++
		}
		deleted = append(deleted, ch.DeletedIDs...)
		total = ch.Total
		if ch.NextPage != 0 && added == 0 {
			// A page of repeats only: the window shifted under the
			// offsets, or the API loops.
			return nil, time.Time{}, fmt.Errorf("bookingsync: changes: %w", errListShifted)
		}
		n = ch.NextPage
	}
	// Offsets shift when the window changes while it is paged: a booking
	// is then skipped, and only BookingSync's count tells.
	if total >= 0 && len(items) < total {
		return nil, time.Time{}, fmt.Errorf("bookingsync: changes: %w", errListShifted)
	}

	// Bookings of another account (a token that spans several) are not
	// this Source's.
	kept := items[:0]
	for _, it := range items {
		if a := it.b.Links.ID("account"); a == "" || a == account {
			kept = append(kept, it)
		}
	}
	items = kept
	// A deleted id whose booking is listed (a cancellation, with
	// include_canceled) is that booking's change; the others are changes
	// of their own, placed at the window's start.
	for _, id := range deleted {
		if _, listed := byID[id]; !listed {
			byID[id] = -1
			items = append(items, listedItem{id: id, deleted: true, at: since})
		}
	}
	slices.SortFunc(items, compareItems)
	return items, syncedAt, nil
}

// firstInstant returns the first of ts that is not zero.
func firstInstant(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// polled is the Body of a Change: the booking as listed (or the id of a
// booking among deleted_ids), the account and the listing time, which
// Decode needs and the record does not hold.
type polled struct {
	AccountID int64           `json:"account_id"`
	ListedAt  time.Time       `json:"listed_at"`
	Booking   json.RawMessage `json:"booking,omitempty"`
	DeletedID string          `json:"deleted_id,omitempty"`
}

// change returns the Change of a listed item.
func (s *Source) change(it listedItem, listedAt time.Time) (event.Change, error) {
	p := polled{AccountID: s.account, ListedAt: listedAt.UTC(), Booking: it.raw}
	if it.deleted {
		p.DeletedID = it.id
	}
	body, err := json.Marshal(p)
	if err != nil {
		return event.Change{}, fmt.Errorf("bookingsync: changes: %w", err)
	}
	return event.Change{ID: changeID(it), Body: body}, nil
}

// changeID is "poll:booking:<id>:<version>" for a booking (the hash of the
// record in place of a version when it has none), and
// "poll:booking:<id>:cancelled" for a deleted id.
func changeID(it listedItem) string {
	if it.deleted {
		return "poll:booking:" + it.id + ":cancelled"
	}
	v := bookingVersion(it.b)
	if v == "" {
		v = event.HashID(it.raw)
	}
	return "poll:booking:" + it.id + ":" + v
}

// Decode rebuilds the event of a Change of this Source (any Source of this
// package) from its Body, without a request; the header is not used. It
// normalizes the booking with the code the Receiver uses, so the event
// has the Subject ("booking", the id) and VersionOf (updated_at) of the
// delivery of the same booking state, and:
//
//   - Type booking.cancelled when the booking is cancelled, else
//     booking.created when created_at equals updated_at (the booking was
//     not changed since it was made), else booking.updated; Name
//     "booking_created" or "booking_updated" by the same times, the
//     delivery the change corresponds to;
//   - ID the Change.ID, Account the account id, Time updated_at (else
//     created_at), Raw the body, Data the *Booking, BookingOf the
//     normalized booking, OriginOf event.OriginPoll;
//   - RecordOf the booking as listed (Data and Booking), FetchedAt the
//     time of the listing.
//
// The change of a booking known only from meta.deleted_ids has Type
// booking.cancelled, Name "booking_destroyed", Data a *Booking holding
// only the id, a BookingOf with the id and status cancelled, a zero Time,
// no Version and no RecordOf (an event.Hydrator fetches it).
//
// A body that is not such a change returns an error wrapping
// event.ErrMalformed.
func (s *Source) Decode(_ http.Header, body []byte) (event.Event, error) {
	var p polled
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, malformed("polled change", err)
	}
	hasBooking := len(bytes.TrimSpace(p.Booking)) > 0 && !bytes.Equal(bytes.TrimSpace(p.Booking), []byte("null"))
	if p.AccountID <= 0 || hasBooking == (p.DeletedID != "") {
		return nil, malformed("polled change has no account_id, or not one of booking and deleted_id", nil)
	}
	account := strconv.FormatInt(p.AccountID, 10)
	if !hasBooking {
		return decodeDeleted(p, account, body), nil
	}
	recs, err := decodeRecords[Booking]([]json.RawMessage{p.Booking})
	if err != nil {
		return nil, malformed("polled booking", err)
	}
	b := recs[0]
	id := b.ID.String()
	if id == "" {
		return nil, malformed("polled booking has no id", nil)
	}
	name := "booking_updated"
	created, updated := b.CreatedAt.Instant(), b.UpdatedAt.Instant()
	if !created.IsZero() && (updated.IsZero() || created.Equal(updated)) {
		name = "booking_created"
	}
	nb := bookingOf(b)
	typ := eventTable[name].typ
	if nb.Status == event.StatusCancelled {
		typ = event.BookingCancelled
	}
	e := event.New(event.Fields{
		Provider: Provider,
		Type:     typ,
		Name:     name,
		ID:       changeID(listedItem{raw: p.Booking, b: b, id: id}),
		Account:  account,
		Subject:  event.Subject{Kind: event.KindBooking, ID: id},
		Time:     recordTime(&b.Record),
		Raw:      body,
		Data:     b,
		Booking:  &nb,
		Version:  bookingVersion(b),
		Origin:   event.OriginPoll,
	})
	return event.WithRecord(e, event.Record{Data: b, Booking: &nb, FetchedAt: p.ListedAt}), nil
}

// decodeDeleted is the event of a booking known only from deleted_ids.
func decodeDeleted(p polled, account string, body []byte) event.Event {
	b := &Booking{Record: Record{ID: lenient.String(p.DeletedID)}}
	nb := event.Booking{ID: p.DeletedID, Status: event.StatusCancelled}
	return event.New(event.Fields{
		Provider: Provider,
		Type:     event.BookingCancelled,
		Name:     "booking_destroyed",
		ID:       changeID(listedItem{id: p.DeletedID, deleted: true}),
		Account:  account,
		Subject:  event.Subject{Kind: event.KindBooking, ID: p.DeletedID},
		Raw:      body,
		Data:     b,
		Booking:  &nb,
		Origin:   event.OriginPoll,
	})
}

// checkpoint is a parsed ChangePage.Checkpoint: the window updated_since
// lists, and within it, when pos, the changes at or before at, and at
// exactly at those of keys, were returned.
type checkpoint struct {
	since time.Time
	pos   bool
	at    time.Time
	keys  []string // sorted
}

const checkpointVersion = "v1"

func parseCheckpoint(s string) (checkpoint, error) {
	if s == "" {
		return checkpoint{}, nil
	}
	bad := errors.New("checkpoint is not one of this Source")
	parts := strings.Split(s, ";")
	if len(parts) != 4 || parts[0] != checkpointVersion {
		return checkpoint{}, bad
	}
	since, err := time.Parse(time.RFC3339, parts[1])
	if err != nil {
		return checkpoint{}, bad
	}
	cp := checkpoint{since: since.UTC()}
	if parts[2] == "" {
		if parts[3] != "" {
			return checkpoint{}, bad
		}
		return cp, nil
	}
	if cp.at, err = time.Parse(time.RFC3339Nano, parts[2]); err != nil || parts[3] == "" {
		return checkpoint{}, bad
	}
	cp.pos, cp.at = true, cp.at.UTC()
	for _, k := range strings.Split(parts[3], ",") {
		if k == "" || k == "d" {
			return checkpoint{}, bad
		}
		cp.keys = append(cp.keys, k)
	}
	slices.Sort(cp.keys)
	return cp, nil
}

// String is the checkpoint's text.
func (c checkpoint) String() string {
	s := checkpointVersion + ";" + c.since.UTC().Format(time.RFC3339) + ";"
	if !c.pos {
		return s + ";"
	}
	return s + c.at.UTC().Format(time.RFC3339Nano) + ";" + strings.Join(c.keys, ",")
}

// covers reports whether it was returned before: it is older than the
// checkpoint's position, or at that time and one of its keys.
func (c checkpoint) covers(it listedItem) bool {
	switch {
	case !c.pos:
		return false
	case it.at.Before(c.at):
		return true
	case it.at.Equal(c.at):
		_, found := slices.BinarySearch(c.keys, it.key())
		return found
	}
	return false
}

// after returns the checkpoint once it is returned too. Items come oldest
// first, so it is never before the position.
func (c checkpoint) after(it listedItem) checkpoint {
	switch {
	case c.pos && it.at.Before(c.at):
		return c
	case c.pos && it.at.Equal(c.at):
		i, found := slices.BinarySearch(c.keys, it.key())
		if !found {
			c.keys = slices.Insert(slices.Clone(c.keys), i, it.key())
		}
		return c
	}
	return checkpoint{since: c.since, pos: true, at: it.at, keys: []string{it.key()}}
}

// end returns the checkpoint that follows a pass that returned everything
// up to c. The next window starts a second before syncedAt, the server's
// time of the pass's first call, which BookingSync's updated_since flow
// says to pass next: the header is written to the second, and a second of
// overlap finds a booking changed within that second after the call
// whether the server truncated or rounded it and whether updated_since is
// inclusive or not (what comes again has the same Change.ID). Without
// syncedAt, it starts a second before the last change returned; without
// a change either, it stays. It never moves before the window listed.
func (c checkpoint) end(syncedAt time.Time) checkpoint {
	since := c.since
	switch {
	case !syncedAt.IsZero():
		since = syncedAt.UTC().Truncate(time.Second).Add(-time.Second)
	case c.pos:
		since = c.at.Truncate(time.Second).Add(-time.Second)
	}
	if since.Before(c.since) {
		since = c.since
	}
	return checkpoint{since: since}
}
