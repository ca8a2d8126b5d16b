package propexo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hydrate"
)

// ListedAtHeader is the header of a Change that a Source sets to when the
// data diff was listed (RFC 3339, UTC): Decode reports it as the
// event.Record's FetchedAt. A Change without it decodes with a zero
// FetchedAt.
const ListedAtHeader = "Pmshooks-Listed-At"

// sourceOverlap is how far before the creation time of the last diff of a
// page the next page starts: Propexo sends created_at with milliseconds,
// so the diffs of that same millisecond are listed again (and dropped by
// their Change.ID) rather than missed, whether Propexo's after bound is
// inclusive or exclusive (the reference does not say) and whether it
// keeps finer times than it sends.
const sourceOverlap = time.Millisecond

// Source is the event.Source of Propexo: it lists, oldest first, the data
// diffs of one integration (or of every integration the API key reaches)
// since a checkpoint, GET /v1/admin/data-diffs/ with order-by
// created_at:asc, integration_id and after: the changes behind DATA_NEW
// and DATA_UPDATE, which Propexo keeps for 30 days. It is the only
// "changed since" call Propexo's reference documents (the record lists
// have no updated-since filter). Make it with NewSource; it is immutable
// and safe for concurrent use. It is not an event.Acker: Propexo has no
// acknowledgement.
//
// Each Change is one data diff: ID "poll:diff:<diff id>", Body the diff
// exactly as listed, Header ListedAtHeader. Decode turns it into the event
// the Receiver makes of the DATA_NEW or DATA_UPDATE delivery of the same
// change, as far as a diff allows (see Decode), with VersionOf equal to
// the delivery's, so that an inbox handles the change once, whichever
// comes first.
//
// The checkpoint is opaque text (the after bound and an offset). Each page
// starts at the creation time of the previous page's last diff, less a
// millisecond: the diffs of that millisecond are listed again and dropped
// by their Change.ID. When a whole page shares that millisecond, the next
// page keeps the bound and moves the offset past it instead, so that a
// burst of equal timestamps longer than a page is never skipped nor
// looped on. A page that is not in ascending created_at order is refused
// (a server that ignored order-by would make the checkpoint skip diffs).
type Source struct {
	client        *Client
	integrationID string
	name          string
	perPage       int
	norm          *Receiver
}

var _ event.Source = (*Source)(nil)

// SourceOption configures a Source. Nil options are ignored; of several
// options of one kind, the last wins.
type SourceOption func(*Source)

// WithSourceAccount names the account in Name in place of the integration
// id, or of "all" for a Source of every integration: use it to tell apart
// two Sources of all integrations through different API keys, with a name
// of your own that stays the same across restarts (checkpoints are stored
// under Name). It must not be a secret: Name is stored and logged.
func WithSourceAccount(account string) SourceOption {
	return func(s *Source) {
		if account != "" {
			s.name = "propexo/data-diffs/" + account
		}
	}
}

// WithSourcePerPage sets how many diffs a page (one call of Changes, one
// request) lists: 1 to MaxPerPage; the default, also given by 0, is
// MaxPerPage (250).
func WithSourcePerPage(n int) SourceOption {
	return func(s *Source) { s.perPage = n }
}

// WithSourceReceiverOptions applies Receiver options, such as
// WithModelTypes, to the normalization of the Source's events: give it the
// options of your Receiver so that a polled change gets the type its
// delivery gets.
func WithSourceReceiverOptions(opts ...Option) SourceOption {
	return func(s *Source) {
		for _, o := range opts {
			if o != nil {
				o(s.norm)
			}
		}
	}
}

// NewSource returns the Source that lists, with c, the data diffs of the
// integration integrationID, or of every integration c's API key reaches
// when integrationID is "". Its Name is "propexo/data-diffs/" and the
// integration id, or "all" (see WithSourceAccount).
//
// One Source of all integrations costs the same calls as one of a single
// integration, so prefer it for many integrations; Sources per integration
// poll and checkpoint each integration on its own. It fails when c is nil
// or an option is invalid.
func NewSource(c *Client, integrationID string, opts ...SourceOption) (*Source, error) {
	if c == nil {
		return nil, errors.New("propexo: new source: nil client")
	}
	account := integrationID
	if account == "" {
		account = "all"
	}
	s := &Source{
		client:        c,
		integrationID: integrationID,
		name:          "propexo/data-diffs/" + account,
		perPage:       MaxPerPage,
		norm:          &Receiver{modelTypes: make(map[Model]modelTypes)},
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	switch {
	case s.perPage == 0:
		s.perPage = MaxPerPage
	case s.perPage < 0 || s.perPage > MaxPerPage:
		return nil, fmt.Errorf("propexo: new source: page size %d is not 1 to %d", s.perPage, MaxPerPage)
	}
	return s, nil
}

// Provider returns Provider, "propexo".
func (s *Source) Provider() event.Provider { return Provider }

// Name returns "propexo/data-diffs/<integration id>", "propexo/data-diffs/all"
// or the name WithSourceAccount gave.
func (s *Source) Name() string { return s.name }

// errCheckpoint is returned, wrapped, by Changes for a checkpoint it did
// not write.
var errCheckpoint = errors.New("propexo: source: invalid checkpoint")

// checkpoint is where a Source resumes: the after bound of the listing,
// and how many diffs of that listing were already returned.
type checkpoint struct {
	after  time.Time
	offset int
}

// String writes c as "<after, RFC 3339>/<offset>".
func (c checkpoint) String() string {
	return c.after.UTC().Format(time.RFC3339Nano) + "/" + strconv.Itoa(c.offset)
}

// parseCheckpoint reads what checkpoint.String writes.
func parseCheckpoint(s string) (checkpoint, error) {
	at, off, ok := strings.Cut(s, "/")
	if !ok {
		return checkpoint{}, errCheckpoint
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return checkpoint{}, errCheckpoint
	}
	n, err := strconv.Atoi(off)
	if err != nil || n < 0 {
		return checkpoint{}, errCheckpoint
	}
	return checkpoint{after: t, offset: n}, nil
}

// Changes returns the next page of data diffs after cursor, oldest first,
// with one request: those created after cursor.Since when
// cursor.Checkpoint is "" (every diff kept when Since is zero too), else
// those after the checkpoint, which may repeat diffs of the last
// millisecond of the previous page (same Change.ID). More reports that
// Propexo has more diffs at once.
//
// It fails, with no page, when the checkpoint is not one it wrote, when
// the request fails (a 429 the client's retries did not get past, or a
// rate-limit window closed for longer than WithRetryAfterMax, is an error
// wrapping *event.RateLimitError), and when the answer is not in
// ascending created_at order, is for another offset, or holds a diff that
// does not decode or has no id (wrapping event.ErrMalformed).
func (s *Source) Changes(ctx context.Context, cursor event.Cursor) (*event.ChangePage, error) {
	cp := checkpoint{after: cursor.Since}
	if cursor.Checkpoint != "" {
		var err error
		if cp, err = parseCheckpoint(cursor.Checkpoint); err != nil {
			return nil, fmt.Errorf("%w %q", err, cursor.Checkpoint)
		}
	}
	listedAt := time.Now().UTC()
	var env listEnvelope[json.RawMessage]
	o := DataDiffListOptions{IntegrationID: s.integrationID, After: cp.after, OrderBy: "created_at:asc"}
	o.PerPage = s.perPage
	q := specOf(o.ListOptions)
	// By offset: after a short last page it is no multiple of the size.
	_, err := s.client.DataDiffs.listInto(ctx, o, cp.offset, &env)
	if err != nil {
		return nil, hydrate.RateLimited(Provider, err)
	}
	if m := env.Meta.Offset; m != nil && *m != cp.offset {
		return nil, fmt.Errorf("propexo: source %s: %w: asked %d, got %d", s.name, errOffset, cp.offset, *m)
	}
	page := &event.ChangePage{Changes: make([]event.Change, 0, len(env.Results))}
	header := http.Header{ListedAtHeader: {listedAt.Format(time.RFC3339Nano)}}
	var last time.Time
	for i, item := range env.Results {
		var raw []byte // nil for a null item, which decodeDiff refuses
		if item != nil {
			raw = *item
		}
		d, err := decodeDiff(raw)
		if err != nil {
			return nil, fmt.Errorf("propexo: source %s: diff %d: %w", s.name, cp.offset+i, err)
		}
		if d.CreatedAt.Before(last) {
			return nil, fmt.Errorf("propexo: source %s: diff %d: %w", s.name, cp.offset+i, errDiffOrder)
		}
		last = d.CreatedAt
		page.Changes = append(page.Changes, event.Change{ID: changeID(d.ID), Header: header.Clone(), Body: raw})
	}
	n := len(page.Changes)
	next := cp
	if n > 0 {
		if a := last.Add(-sourceOverlap); a.After(cp.after) {
			next = checkpoint{after: a}
		} else {
			next.offset += n
		}
		switch m := env.Meta; {
		case m.HasMore != nil:
			page.More = *m.HasMore
		case m.Total != nil:
			page.More = cp.offset+n < *m.Total
		default:
			page.More = n >= q.size
		}
	}
	page.Checkpoint = next.String()
	return page, nil
}

var (
	errNoDiffID  = errors.New("data diff has no id")
	errDiffOrder = errors.New("data diffs are not in ascending created_at order")
)

// changeID is the Change.ID and event ID of the data diff id.
func changeID(id string) string { return "poll:diff:" + id }

// decodeDiff decodes one data diff as listed. It fails, with an error
// wrapping event.ErrMalformed that quotes nothing of raw, when raw is not
// a JSON object, does not decode into a DataDiff (created_at must be
// RFC 3339), or lacks an id or a model_record_id.
func decodeDiff(raw []byte) (*DataDiff, error) {
	if !isObject(raw) {
		return nil, malformed("data diff", errNotObject)
	}
	d := new(DataDiff)
	if err := json.Unmarshal(raw, d); err != nil {
		return nil, malformed("data diff", err)
	}
	switch {
	case d.ID == "":
		return nil, malformed("data diff", errNoDiffID)
	case d.ModelRecordID == "":
		return nil, malformed("data diff", errNoRecordID)
	}
	return d, nil
}

var errNoRecordID = errors.New("data diff has no model_record_id")

// Decode rebuilds, without any request, the event of a Change that
// Changes returned: h its Header and body its Body, a data diff as
// listed. The event is what the Receiver makes of the DATA_NEW (a NEW
// diff) or DATA_UPDATE (an UPDATE diff) delivery of the same change:
//
//   - Type and Name: record.created and "DATA_NEW", or record.updated and
//     "DATA_UPDATE", as WithSourceReceiverOptions may change the type; an
//     unknown event_type is event.TypeUnknown named by its text;
//   - ID: the Change.ID, "poll:diff:<diff id>";
//   - Account: the integration id;
//   - Subject: {Model.Kind, model_record_id}, the delivery's;
//   - Time: the diff's created_at, when Propexo recorded the change;
//   - Version: the delivery's (changeVersion of the trigger and the
//     diff's job_id; "" when job_id is null);
//   - Origin: event.OriginPoll;
//   - Raw: body; Data: the *DataDiff.
//
// It is wrapped with event.WithRecord: RecordOf reports Data, the
// *DataDiff, listed at the time ListedAtHeader says. A diff is the change,
// not the record (an UPDATE holds the changed fields only, as a
// DATA_UPDATE does): for the whole record, hydrate the event with the
// Hydrator, which fetches it by Subject. Handlers that read *Webhook from
// Data must also accept *DataDiff for polled events.
//
// A body that is not a data diff (see Changes) returns an error wrapping
// event.ErrMalformed.
func (s *Source) Decode(h http.Header, body []byte) (event.Event, error) {
	d, err := decodeDiff(body)
	if err != nil {
		return nil, err
	}
	trigger := d.EventType.Trigger()
	name := string(trigger)
	if trigger == "" {
		name = string(d.EventType)
	}
	e := event.New(event.Fields{
		Provider: Provider,
		Type:     s.norm.dataType(trigger, d.Model),
		Name:     name,
		ID:       changeID(d.ID),
		Account:  d.IntegrationID,
		Subject:  event.Subject{Kind: d.Model.Kind(), ID: d.ModelRecordID},
		Time:     d.CreatedAt,
		Raw:      body,
		Data:     d,
		Version:  changeVersion(trigger, d.JobID),
		Origin:   event.OriginPoll,
	})
	var at time.Time
	if v := h.Get(ListedAtHeader); v != "" {
		at, _ = time.Parse(time.RFC3339Nano, v)
	}
	return event.WithRecord(e, event.Record{Data: d, FetchedAt: at}), nil
}
