package ownerrez

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
var errNoStart = errors.New("a first call needs Cursor.Since: OwnerRez lists bookings only since a time")

// Source lists the bookings (and blocks) of one OwnerRez account that
// changed since a checkpoint, through Bookings.List with Since (GET
// /v2/bookings?since_utc=…), for reconciliation: see the package
// documentation, section Reconciliation. It implements event.Source, is
// also the Decoder of the changes it returns, and is safe for concurrent
// use.
type Source struct {
	c        *Client
	userID   int64
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
	items      []listedBooking
}

// SourceOption configures a Source.
type SourceOption func(*Source)

// WithSourcePageSize sets how many changes a ChangePage holds at most
// (DefaultSourcePageSize when n is not positive). It does not change how
// many bookings each API call lists (DefaultPerPage).
func WithSourcePageSize(n int) SourceOption {
	return func(s *Source) {
		if n <= 0 {
			n = DefaultSourcePageSize
		}
		s.pageSize = n
	}
}

// NewSource returns a Source that lists, with c, the bookings of the
// OwnerRez account userID: the user_id of the account's deliveries, which
// OAuthClient.Exchange returns as Token.UserID. The Source names the
// account with it (Name, and the Account of its events, as the Receiver's
// events of that account have), so it must be the account c's token
// reads. A nil c or a userID that is not positive is an error. Nil
// options are ignored; the last of one kind wins.
func NewSource(c *Client, userID int64, opts ...SourceOption) (*Source, error) {
	if c == nil {
		return nil, errors.New("ownerrez: new source: nil client")
	}
	if userID <= 0 {
		return nil, fmt.Errorf("ownerrez: new source: invalid user id %d", userID)
	}
	s := &Source{c: c, userID: userID, pageSize: DefaultSourcePageSize, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s, nil
}

// Provider returns Provider.
func (s *Source) Provider() event.Provider { return Provider }

// Name returns "ownerrez/bookings/<user id>".
func (s *Source) Name() string { return "ownerrez/bookings/" + strconv.FormatInt(s.userID, 10) }

// listedBooking is one booking of a listing: its record as OwnerRez sent
// it, decoded, and the instant it is ordered by.
type listedBooking struct {
	raw json.RawMessage
	b   *Booking
	at  time.Time // updated_utc, else created_utc; zero when neither names an instant
	id  int64
}

// Changes returns the next page of bookings changed after cursor, oldest
// first by updated_utc (then id), at most the page size; see the package
// documentation, section Reconciliation, for what it lists and costs.
//
// The checkpoint is "v1;<updated_utc>;<ids>": the update time of the last
// booking returned and the ids returned at that very second. The next call
// lists since_utc=<updated_utc> again, inclusively, and drops only those
// ids at that second, so that a booking changed within the same second
// after the listing is not lost, and a second holding more bookings than
// a page is paged through. The first call, with an empty Checkpoint,
// lists since Cursor.Since, which must not be zero.
//
// A 429, or a call the client held back for its rate-limit window, is an
// error wrapping *event.RateLimitError. A listing that kept changing while
// it was paged (OwnerRez's count says more bookings than the pages held)
// is an error after three attempts; nothing is returned and the next call
// starts again from cursor.
func (s *Source) Changes(ctx context.Context, cursor event.Cursor) (*event.ChangePage, error) {
	from, err := parseCheckpoint(cursor.Checkpoint)
	if err != nil {
		return nil, fmt.Errorf("ownerrez: changes: %w", err)
	}
	if cursor.Checkpoint == "" {
		if cursor.Since.IsZero() {
			return nil, fmt.Errorf("ownerrez: changes: %w", errNoStart)
		}
		// since_utc is sent to the second: start at that second.
		from = checkpoint{at: cursor.Since.UTC().Truncate(time.Second)}
	}

	items, listedAt, ok := s.fromCache(cursor.Checkpoint)
	if !ok {
		listedAt = s.now()
		if items, err = s.list(ctx, from.at); err != nil {
			return nil, err
		}
	}

	page := &event.ChangePage{Checkpoint: cursor.Checkpoint}
	next := from
	var rest []listedBooking
	for i, it := range items {
		if from.covers(it) {
			continue
		}
		if len(page.Changes) == s.pageSize {
			rest = items[i:]
			break
		}
		ch, err := s.change(it, listedAt)
		if err != nil {
			return nil, err
		}
		page.Changes = append(page.Changes, ch)
		next = next.after(it)
	}
	if len(page.Changes) > 0 || cursor.Checkpoint == "" {
		page.Checkpoint = next.String()
	}
	page.More = len(rest) > 0
	s.mu.Lock()
	s.cached = nil
	if page.More {
		s.cached = &sourceCache{checkpoint: page.Checkpoint, listedAt: listedAt, items: rest}
	}
	s.mu.Unlock()
	return page, nil
}

// fromCache returns the rest of the last listing when checkpoint is the
// one it follows and it is recent.
func (s *Source) fromCache(checkpoint string) ([]listedBooking, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cached
	if c == nil || checkpoint == "" || c.checkpoint != checkpoint || s.now().Sub(c.listedAt) > sourceCacheAge {
		return nil, time.Time{}, false
	}
	return c.items, c.listedAt, true
}

// list returns every booking changed since at, sorted oldest first,
// retrying a listing that changed while it was paged.
func (s *Source) list(ctx context.Context, at time.Time) ([]listedBooking, error) {
	var err error
	for range listAttempts {
		var items []listedBooking
		if items, err = s.listOnce(ctx, at); err == nil {
			return items, nil
		}
		if !errors.Is(err, errListShifted) {
			return nil, err
		}
	}
	return nil, err
}

// listOnce pages through since_utc=at, DefaultPerPage bookings a call.
func (s *Source) listOnce(ctx context.Context, at time.Time) ([]listedBooking, error) {
	const op = "list bookings"
	// include_guest: the guest's name is part of the normalized booking,
	// and deliveries carry it.
	opts := &BookingListOptions{Since: at, IncludeGuest: true, ListOptions: ListOptions{PerPage: DefaultPerPage}}
	seen := map[int64]bool{}
	var items []listedBooking
	total := -1
	for n := 1; n > 0; {
		opts.Page = n
		q, _, err := opts.query()
		if err != nil {
			return nil, fmt.Errorf("ownerrez: changes: %w", err)
		}
		page, _, err := listPage[json.RawMessage](ctx, s.c.Bookings.api, op, bookingsPath, q, n)
		if err != nil {
			return nil, fmt.Errorf("ownerrez: changes: %w", hydrate.RateLimited(Provider, err))
		}
		added := 0
		for _, raw := range page.Items {
			it, err := decodeListed(*raw)
			if err != nil {
				return nil, fmt.Errorf("ownerrez: changes: %s: %w", op, err)
			}
			if !seen[it.id] {
				seen[it.id] = true
				items = append(items, it)
				added++
			}
		}
		total = page.Total
		if page.NextPage != 0 && added == 0 {
			// A page of repeats only: the window shifted under the
			// offsets, or the API loops.
			return nil, fmt.Errorf("ownerrez: changes: %w", errListShifted)
		}
		n = page.NextPage
	}
	// Offsets shift when the window changes while it is paged: a booking
	// is then skipped, and only OwnerRez's count (when it sends one)
	// tells. A booking created meanwhile is harmless when it is listed.
	if total >= 0 && len(items) < total {
		return nil, fmt.Errorf("ownerrez: changes: %w", errListShifted)
	}
	slices.SortFunc(items, func(a, b listedBooking) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.id, b.id))
	})
	return items, nil
}

// decodeListed decodes one booking of a listing. Only a value that is not
// a JSON object with a positive id fails: any other member OwnerRez sends
// in another shape is kept in its field's Unparsed text, as for
// deliveries.
func decodeListed(raw json.RawMessage) (listedBooking, error) {
	b := new(Booking)
	if err := json.Unmarshal(raw, b); err != nil {
		var typ *json.UnmarshalTypeError
		if !errors.As(err, &typ) || typ.Field == "" {
			return listedBooking{}, malformed("booking", err)
		}
	}
	if b.ID.Int64() <= 0 {
		return listedBooking{}, malformed("booking has no id", nil)
	}
	return listedBooking{
		raw: raw,
		b:   b,
		at:  firstInstant(b.UpdatedUTC.Instant(), b.CreatedUTC.Instant()).UTC(),
		id:  b.ID.Int64(),
	}, nil
}

// polled is the Body of a Change: the booking as listed, the account and
// the listing time, which Decode needs and the record does not hold.
type polled struct {
	UserID    int64           `json:"user_id"`
	ListedUTC time.Time       `json:"listed_utc"`
	Entity    json.RawMessage `json:"entity"`
}

// change returns the Change of a listed booking.
func (s *Source) change(it listedBooking, listedAt time.Time) (event.Change, error) {
	body, err := json.Marshal(polled{UserID: s.userID, ListedUTC: listedAt.UTC(), Entity: it.raw})
	if err != nil {
		return event.Change{}, fmt.Errorf("ownerrez: changes: %w", err)
	}
	return event.Change{ID: changeID(it), Body: body}, nil
}

// changeID is "poll:booking:<id>:<version>", or for a booking without a
// version (no updated_utc), the hash of the record in its place.
func changeID(it listedBooking) string {
	v := bookingVersion(it.b)
	if v == "" {
		v = event.HashID(it.raw)
	}
	return "poll:booking:" + strconv.FormatInt(it.id, 10) + ":" + v
}

// Decode rebuilds the event of a Change of this Source (any Source of this
// package) from its Body, without a request; the header is not used. It
// normalizes the booking with the code the Receiver uses, so the event
// has the Subject ("booking", the id) and VersionOf (updated_utc) of the
// webhook of the same booking state, and:
//
//   - Type booking.cancelled when the status is canceled, else
//     booking.created when created_utc equals updated_utc (the booking
//     was not changed since it was made), else booking.updated; Name
//     "booking.entity_create" or "booking.entity_update" by the same
//     times, the webhook the change corresponds to;
//   - ID the Change.ID, Account the user id, Time updated_utc (else
//     created_utc), Raw the body, Data the *Booking, BookingOf the
//     normalized booking, OriginOf event.OriginPoll;
//   - RecordOf the booking as listed (Data and Booking), FetchedAt the
//     time of the listing.
//
// A body that is not such a change returns an error wrapping
// event.ErrMalformed.
func (s *Source) Decode(_ http.Header, body []byte) (event.Event, error) {
	var p polled
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, malformed("polled change", err)
	}
	if p.UserID <= 0 || len(bytes.TrimSpace(p.Entity)) == 0 {
		return nil, malformed("polled change has no user_id or entity", nil)
	}
	it, err := decodeListed(p.Entity)
	if err != nil {
		return nil, err
	}
	b := it.b
	w := &Webhook{Action: ActionEntityUpdate, EntityType: EntityBooking, Booking: b}
	created, updated := b.CreatedUTC.Instant(), b.UpdatedUTC.Instant()
	if !created.IsZero() && (updated.IsZero() || created.Equal(updated)) {
		w.Action = ActionEntityCreate
	}
	t := eventTypes[w.Name()]
	if strings.EqualFold(string(b.Status), string(BookingCanceled)) {
		t = event.BookingCancelled
	}
	nb := normalizeBooking(b, 0)
	e := event.New(event.Fields{
		Provider: Provider,
		Type:     t,
		Name:     w.Name(),
		ID:       changeID(it),
		Account:  idText(p.UserID),
		Subject:  event.Subject{Kind: event.KindBooking, ID: idText(it.id)},
		Time:     firstInstant(updated, created),
		Raw:      body,
		Data:     b,
		Booking:  &nb,
		Version:  bookingVersion(b),
		Origin:   event.OriginPoll,
	})
	return event.WithRecord(e, event.Record{Data: b, Booking: &nb, FetchedAt: p.ListedUTC}), nil
}

// checkpoint is a parsed ChangePage.Checkpoint: the bookings at or before
// at, and at exactly at those of ids, were returned.
type checkpoint struct {
	at  time.Time
	ids []int64 // sorted
}

const checkpointVersion = "v1"

func parseCheckpoint(s string) (checkpoint, error) {
	if s == "" {
		return checkpoint{}, nil
	}
	bad := errors.New("checkpoint is not one of this Source")
	parts := strings.Split(s, ";")
	if len(parts) != 3 || parts[0] != checkpointVersion {
		return checkpoint{}, bad
	}
	at, err := time.Parse(time.RFC3339Nano, parts[1])
	if err != nil {
		return checkpoint{}, bad
	}
	cp := checkpoint{at: at.UTC()}
	if parts[2] != "" {
		for _, f := range strings.Split(parts[2], ",") {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id <= 0 {
				return checkpoint{}, bad
			}
			cp.ids = append(cp.ids, id)
		}
		slices.Sort(cp.ids)
	}
	return cp, nil
}

// String is the checkpoint's text.
func (c checkpoint) String() string {
	ids := make([]string, len(c.ids))
	for i, id := range c.ids {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return checkpointVersion + ";" + c.at.UTC().Format(time.RFC3339Nano) + ";" + strings.Join(ids, ",")
}

// covers reports whether it was returned before: it is older than the
// checkpoint's second, or of that second and one of its ids. A booking
// without any time is never covered (its Change.ID drops repeats).
func (c checkpoint) covers(it listedBooking) bool {
	switch {
	case it.at.IsZero():
		return false
	case it.at.Before(c.at):
		return true
	case it.at.Equal(c.at):
		_, found := slices.BinarySearch(c.ids, it.id)
		return found
	}
	return false
}

// after returns the checkpoint once it is returned too.
func (c checkpoint) after(it listedBooking) checkpoint {
	switch {
	case it.at.IsZero() || it.at.Before(c.at):
		return c
	case it.at.Equal(c.at):
		i, found := slices.BinarySearch(c.ids, it.id)
		if !found {
			c.ids = slices.Insert(slices.Clone(c.ids), i, it.id)
		}
		return c
	}
	return checkpoint{at: it.at, ids: []int64{it.id}}
}
