package channex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hydrate"
)

// The Source implements event.Source and acknowledges what the inbox stored.
var (
	_ event.Source = (*Source)(nil)
	_ event.Acker  = (*Source)(nil)
)

// sourcePageSize is how many revisions one poll reads: Channex's largest
// page.
const sourcePageSize = maxLimit

// Source is the event.Source of Channex: the booking revision feed of one
// property (GET /booking_revisions/feed?filter[property_id]=...), the
// revisions Channex has received and nobody acknowledged yet, oldest first.
// It is also an event.Acker: Ack acknowledges exactly the revisions of a
// page, which an inbox calls only once it stored them, so that Channex
// stops serving them and never raises non_acked_booking for them. See
// "Reconciliation" in the package documentation.
//
// A Source is safe for concurrent use. Get one from NewSource.
type Source struct {
	client   *Client
	property string
	pageSize int
	now      func() time.Time
}

// NewSource returns the Source of the booking revision feed of the property
// propertyID, read and acknowledged with c. It fails when c is nil or
// propertyID is blank.
//
// A Source covers one property, not every property of the API key: the
// feed is one queue that everything holding the key shares, and Ack takes
// revisions out of it for good, so a Source acknowledges only what it is
// given to store; and its Name must tell accounts apart across restarts
// without the key, which is a secret. Run one Source per property (the
// cost is one call per property and poll when nothing changed).
func NewSource(c *Client, propertyID string) (*Source, error) {
	if c == nil {
		return nil, errors.New("channex: new source: nil client")
	}
	propertyID = strings.TrimSpace(propertyID)
	if propertyID == "" {
		return nil, errors.New("channex: new source: no property id")
	}
	return &Source{client: c, property: propertyID, pageSize: sourcePageSize, now: time.Now}, nil
}

// Provider returns Provider.
func (s *Source) Provider() event.Provider { return Provider }

// Name returns "channex/booking_revisions/<property id>".
func (s *Source) Name() string { return "channex/booking_revisions/" + s.property }

// Changes returns the first page of the property's feed: up to 100
// revisions not acknowledged yet, oldest first (GET
// /booking_revisions/feed with order[inserted_at]=asc). It costs one call.
//
// The feed is its own checkpoint: what was stored and acknowledged has left
// it, and what was not is served again (the inbox drops what it already
// stored by Change.ID). cursor.Since is not used, since the feed holds
// every unacknowledged revision, whatever its age. The page's Checkpoint is
// the id of its last revision (cursor.Checkpoint when the feed is empty),
// and More reports that the feed holds more than the page and that the page
// ends after another revision than the previous one did: a page served
// again because its acknowledgements failed does not make the caller loop.
//
// A 429, or a call the Client's rate-limit window refuses, is an error
// wrapping a *event.RateLimitError.
func (s *Source) Changes(ctx context.Context, cursor event.Cursor) (*event.ChangePage, error) {
	listed := s.now()
	page, _, err := s.client.BookingRevisions.Feed(ctx, &FeedOptions{
		ListOptions: ListOptions{Page: 1, PerPage: s.pageSize},
		PropertyID:  s.property,
	})
	if err != nil {
		return nil, fmt.Errorf("channex: changes: %w", hydrate.RateLimited(Provider, err))
	}
	out := &event.ChangePage{Checkpoint: cursor.Checkpoint, Changes: make([]event.Change, 0, len(page.Items))}
	for _, rev := range page.Items {
		c, err := changeOf(rev, listed)
		if err != nil {
			return nil, fmt.Errorf("channex: changes: %w", err)
		}
		out.Changes = append(out.Changes, c)
	}
	if n := len(page.Items); n > 0 {
		last := string(page.Items[n-1].ID)
		more := page.Total > n || (page.Total < 0 && n >= s.pageSize)
		out.More = more && last != cursor.Checkpoint
		out.Checkpoint = last
	}
	return out, nil
}

// Ack acknowledges exactly the revisions of page (POST
// /booking_revisions/{id}/ack, one call each), which the inbox stored:
// Channex then drops them from the feed and sends no non_acked_booking for
// them. A revision that no longer exists (404) needs no acknowledgement. It
// tries every revision and returns the failures joined; a refusal for the
// rate limit stops it at once with an error wrapping a
// *event.RateLimitError. The revisions it could not acknowledge stay in
// the feed and come back in the next Changes, which is safe: the inbox
// stores a change once.
func (s *Source) Ack(ctx context.Context, page *event.ChangePage) error {
	if page == nil {
		return nil
	}
	var errs []error
	for _, c := range page.Changes {
		id, err := revisionIDOf(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("channex: ack: %w", err))
			continue
		}
		_, err = s.client.BookingRevisions.Ack(ctx, id)
		var apiErr *APIError
		switch {
		case err == nil, errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
			continue
		}
		err = hydrate.RateLimited(Provider, err)
		var limited *event.RateLimitError
		if errors.As(err, &limited) {
			return fmt.Errorf("channex: ack: %w", errors.Join(append(errs, err)...))
		}
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("channex: ack: %w", errors.Join(errs...))
	}
	return nil
}

// Decode rebuilds the event of a Change that Changes returned, without any
// request: a booking event as the receiver makes of the delivery about the
// same revision, with the same Subject (the booking) and the same version
// (the revision id, event.VersionOf):
//
//   - Type and Name follow the revision's status: new is booking.created
//     (booking_new), modified booking.updated (booking_modification),
//     cancelled booking.cancelled (booking_cancellation); a status Channex
//     does not document is booking.updated named booking.
//   - ID is the Change.ID, "poll:booking:<booking id>:<revision id>";
//     Account the property; Time the revision's inserted_at (UTC).
//   - Data is the *BookingRevision, Raw the body, event.BookingOf its
//     Booking(), event.OriginOf event.OriginPoll, and event.RecordOf the
//     revision as listed, FetchedAt the time of the listing.
//
// A body that is not such a revision, or names no revision or booking,
// returns an error wrapping event.ErrMalformed. The header is not used.
func (s *Source) Decode(_ http.Header, body []byte) (event.Event, error) {
	return decodeChange(body)
}

// changeBody is a Change.Body: the feed's item as Channex returned it
// ({"type", "id", "attributes"}), and when the Source listed it.
type changeBody struct {
	resource[BookingRevision]
	ListedAt time.Time `json:"listed_at"`
}

// changeOf encodes rev, listed at listed, as a Change.
func changeOf(rev *BookingRevision, listed time.Time) (event.Change, error) {
	if rev.ID == "" || rev.BookingID == "" {
		return event.Change{}, fmt.Errorf("feed item without revision or booking id: %w", event.ErrMalformed)
	}
	attrs := rev.Raw
	if len(attrs) == 0 { // only for a revision not decoded from JSON
		attrs = json.RawMessage("{}")
	}
	body, err := json.Marshal(struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Attributes json.RawMessage `json:"attributes"`
		ListedAt   time.Time       `json:"listed_at"`
	}{"booking_revision", string(rev.ID), attrs, listed.UTC()})
	if err != nil {
		return event.Change{}, err
	}
	return event.Change{ID: changeID(string(rev.BookingID), string(rev.ID)), Body: body}, nil
}

// changeID is the Change.ID of the revision revisionID of the booking
// bookingID.
func changeID(bookingID, revisionID string) string {
	return "poll:booking:" + bookingID + ":" + revisionVersion(revisionID)
}

// readChange decodes a Change.Body into its revision and listing time.
func readChange(body []byte) (*BookingRevision, time.Time, error) {
	var b changeBody
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, time.Time{}, fmt.Errorf("channex: decode change: %w: not a listed booking revision", event.ErrMalformed)
	}
	rev := revisionOf(b.resource)
	if revisionVersion(string(rev.ID)) == "" || strings.TrimSpace(string(rev.BookingID)) == "" {
		return nil, time.Time{}, fmt.Errorf("channex: decode change: %w: no revision or booking id", event.ErrMalformed)
	}
	return rev, b.ListedAt, nil
}

// revisionIDOf is the revision a Change of a Source is about.
func revisionIDOf(c event.Change) (string, error) {
	rev, _, err := readChange(c.Body)
	if err != nil {
		return "", err
	}
	return string(rev.ID), nil
}

// decodeChange builds the event of a Change.Body; see Source.Decode.
func decodeChange(body []byte) (event.Event, error) {
	rev, listed, err := readChange(body)
	if err != nil {
		return nil, err
	}
	t, name := revisionType(rev.Status)
	b := rev.Booking()
	e := event.New(event.Fields{
		Provider: Provider,
		Type:     t,
		Name:     name,
		ID:       changeID(string(rev.BookingID), string(rev.ID)),
		Account:  string(rev.PropertyID),
		Subject:  event.Subject{Kind: event.KindBooking, ID: string(rev.BookingID)},
		Time:     utcInstant(rev.InsertedAt),
		Raw:      body,
		Data:     rev,
		Booking:  &b,
		Version:  revisionVersion(string(rev.ID)),
		Origin:   event.OriginPoll,
	})
	return event.WithRecord(e, event.Record{Data: rev, Booking: &b, FetchedAt: listed}), nil
}

// revisionType is the event type and name of a revision of status st: those
// of the delivery Channex sends for it.
func revisionType(st RevisionStatus) (event.Type, string) {
	switch RevisionStatus(strings.ToLower(strings.TrimSpace(string(st)))) {
	case RevisionNew:
		return event.BookingCreated, EventBookingNew
	case RevisionModified:
		return event.BookingUpdated, EventBookingModification
	case RevisionCancelled:
		return event.BookingCancelled, EventBookingCancellation
	}
	return event.BookingUpdated, EventBooking
}
