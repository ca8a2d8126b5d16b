package hostaway

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
)

// ReservationsService reads the account's reservations (/v1/reservations).
// Get it from Client.Reservations; it is safe for concurrent use.
type ReservationsService struct {
	client *Client
}

const reservationsPath = "/reservations"

func reservationPath(id int64) string {
	return reservationsPath + "/" + strconv.FormatInt(id, 10)
}

// Booking returns r normalized, exactly as a delivery of r is: the
// Booking that event.BookingOf reports for a reservation.created or
// reservation.updated delivery whose data is r. loc is the zone of
// Hostaway's zoneless timestamps (UpdatedAt); nil means UTC, as Hostaway
// documents and as a Receiver without WithLocation reads them.
func (r *Reservation) Booking(loc *time.Location) event.Booking {
	if loc == nil {
		loc = time.UTC
	}
	return bookingOf(r, loc)
}

// Get returns the reservation id, as it is now. Hostaway's reference
// says it always carries the cancellation-policy fields
// (CancellationPolicyDetails and the channel codes), unlike the list.
//
// The reference does not say how Hostaway answers for a reservation it
// does not have; the error is then an *APIError whose StatusCode is what
// Hostaway sent (this package assumes 404, which a Hydrator reads as a
// deleted record).
//
// https://api.hostaway.com/documentation#retrieve-a-reservation
// GET /v1/reservations/{reservationId}
func (s *ReservationsService) Get(ctx context.Context, id int64) (*Reservation, *Response, error) {
	var r Reservation
	_, resp, err := s.client.call(ctx, "get reservation", api.Request{Method: http.MethodGet, Path: reservationPath(id)}, &r)
	if err != nil {
		return nil, resp, err
	}
	return &r, resp, nil
}

// ReservationSortOrder is a sortOrder of the reservations list, such as
// SortUpdatedOn. The zero value sends none: Hostaway's default order,
// newest update first.
type ReservationSortOrder string

// The sort orders Hostaway documents for the reservations list.
const (
	SortArrivalDate                         ReservationSortOrder = "arrivalDate"
	SortArrivalDateDesc                     ReservationSortOrder = "arrivalDateDesc"
	SortLastConversationMessageSent         ReservationSortOrder = "lastConversationMessageSent"
	SortLastConversationMessageSentDesc     ReservationSortOrder = "lastConversationMessageSentDesc"
	SortLastConversationMessageReceived     ReservationSortOrder = "lastConversationMessageReceived"
	SortLastConversationMessageReceivedDesc ReservationSortOrder = "lastConversationMessageReceivedDesc"
	SortLatestActivity                      ReservationSortOrder = "latestActivity"
	SortLatestActivityDesc                  ReservationSortOrder = "latestActivityDesc"
	// SortUpdatedOn lists reservations from the least to the most
	// recently modified (added 2026-05-18): the order in which to replay
	// changes, such as a reconciliation does.
	SortUpdatedOn ReservationSortOrder = "updatedOn"
)

// ReservationListOptions filters, sorts and pages ReservationsService.List
// and All; every field maps to one documented query parameter, and a zero
// field sends none. A nil *ReservationListOptions means no filter,
// Hostaway's default order (newest update first) and its default page
// size (100).
//
// Hostaway documents no filter on the update time itself: SortUpdatedOn
// lists oldest change first, paged by AfterID, and Source walks it to find
// changes. LatestActivityStart is no substitute: live accounts have
// reservations whose latestActivityOn is days or months older than their
// updatedOn.
type ReservationListOptions struct {
	// ListOptions selects the page by limit and offset: page p of size n
	// is limit=n&offset=(p-1)*n. Hostaway deprecates offset (2026-03-31)
	// in favour of AfterID; Page is ignored when AfterID is set.
	ListOptions

	// AfterID is the cursor (afterId): the page starts after the
	// reservation with this id in the sort order. Use the ID of the last
	// reservation of the previous page; All does so itself.
	AfterID int64

	// SortOrder is the order (sortOrder).
	SortOrder ReservationSortOrder

	// ChannelID (channelId), ListingID (listingId), AssigneeUserID
	// (assigneeUserId) keep the reservations of one channel, listing or
	// assignee.
	ChannelID      int64
	ListingID      int64
	AssigneeUserID int64

	// Match searches by guest name (match).
	Match string
	// GuestEmail keeps the reservations of one guest email (guestEmail).
	GuestEmail string
	// CustomerUserID (customerUserId) and ReservationAgreement
	// (reservationAgreement: "not_required", "signed", "not_signed") are
	// sent as given.
	CustomerUserID       string
	ReservationAgreement string

	// The date ranges, inclusive per Hostaway's naming; a zero Date sends
	// none. LatestActivityStart and LatestActivityEnd bound the
	// reservation's latest activity (latestActivityOn), which is not its
	// update time (updatedOn).
	ArrivalStartDate    event.Date
	ArrivalEndDate      event.Date
	DepartureStartDate  event.Date
	DepartureEndDate    event.Date
	LatestActivityStart event.Date
	LatestActivityEnd   event.Date

	// The flags filter when set (sent as 1 or 0); nil sends none.
	HasUnreadConversationMessages *bool
	IsStarred                     *bool
	IsArchived                    *bool
	IsPinned                      *bool

	// IncludeResources (includeResources=1) adds customFieldValues,
	// reservationFees, reservationUnit and hostProxyEmail to each
	// reservation. IncludeCancellationPolicy (includeCancellationPolicy=1)
	// adds the cancellation-policy fields that Get always returns.
	IncludeResources          bool
	IncludeCancellationPolicy bool
}

// query returns the query of the page o selects, its page number (0 when
// the page is a cursor's) and size (0: Hostaway's default).
func (o *ReservationListOptions) query() (q url.Values, page, size int, err error) {
	q = url.Values{}
	if o == nil {
		return q, 1, 0, nil
	}
	setInt := func(k string, v int64) {
		if v != 0 {
			q.Set(k, strconv.FormatInt(v, 10))
		}
	}
	setText := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	setFlag := func(k string, v *bool) {
		if v != nil {
			q.Set(k, flag(*v))
		}
	}
	setText("sortOrder", string(o.SortOrder))
	setInt("channelId", o.ChannelID)
	setInt("listingId", o.ListingID)
	setInt("assigneeUserId", o.AssigneeUserID)
	setText("match", o.Match)
	setText("guestEmail", o.GuestEmail)
	setText("customerUserId", o.CustomerUserID)
	setText("reservationAgreement", o.ReservationAgreement)
	for _, d := range []struct {
		key  string
		date event.Date
	}{
		{"arrivalStartDate", o.ArrivalStartDate},
		{"arrivalEndDate", o.ArrivalEndDate},
		{"departureStartDate", o.DepartureStartDate},
		{"departureEndDate", o.DepartureEndDate},
		{"latestActivityStart", o.LatestActivityStart},
		{"latestActivityEnd", o.LatestActivityEnd},
	} {
		switch {
		case d.date.IsUnparsed():
			return nil, 0, 0, fmt.Errorf("%s is not a date", d.key)
		case !d.date.IsZero():
			q.Set(d.key, d.date.String())
		}
	}
	setFlag("hasUnreadConversationMessages", o.HasUnreadConversationMessages)
	setFlag("isStarred", o.IsStarred)
	setFlag("isArchived", o.IsArchived)
	setFlag("isPinned", o.IsPinned)
	if o.IncludeResources {
		q.Set("includeResources", "1")
	}
	if o.IncludeCancellationPolicy {
		q.Set("includeCancellationPolicy", "1")
	}

	size = max(o.PerPage, 0)
	if o.AfterID != 0 {
		setInt("afterId", o.AfterID)
		if size > 0 {
			q.Set("limit", strconv.Itoa(size))
		}
		return q, 0, size, nil
	}
	page = max(o.Page, 1)
	if size == 0 && page > 1 {
		size = DefaultPerPage // an offset needs a page size
	}
	if size > 0 {
		q.Set("limit", strconv.Itoa(size))
	}
	if offset := (page - 1) * size; offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	return q, page, size, nil
}

// flag returns a documented boolean as Hostaway takes it, 1 or 0.
func flag(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

// List returns the page of reservations opts selects, in opts.SortOrder.
// Total is Hostaway's count of matching reservations (-1 when it sends
// none). Paged by offset, NextPage is the next page until that count is
// reached or, without a count, after a page shorter than its size; paged by
// AfterID, NextPage is 0: continue with AfterID set to the last item's ID,
// until a page comes back empty. It fails without a request when a date of
// opts is unparsed.
//
// The reference does not say whether AfterID combines with every
// SortOrder; it says the cursor follows "the sort order".
//
// https://api.hostaway.com/documentation#retrieve-a-reservations-list
// GET /v1/reservations
func (s *ReservationsService) List(ctx context.Context, opts *ReservationListOptions) (*Page[Reservation], *Response, error) {
	const op = "list reservations"
	q, page, size, err := opts.query()
	if err != nil {
		return nil, nil, errors.New("hostaway: " + op + ": " + err.Error())
	}
	var items []*Reservation
	pg, resp, err := s.client.call(ctx, op, api.Request{Method: http.MethodGet, Path: reservationsPath, Query: q}, &items)
	if err != nil {
		return nil, resp, err
	}
	p := &Page[Reservation]{Items: items, Total: pg.count}
	if p.Items == nil {
		p.Items = []*Reservation{}
	}
	if page == 0 || len(items) == 0 {
		return p, resp, nil // a cursor's page, or the end
	}
	if size == 0 {
		size = pg.limit // Hostaway's default, when it says
	}
	seen := (page-1)*size + len(items)
	switch {
	case pg.count >= 0:
		if seen < pg.count {
			p.NextPage = page + 1
		}
	case size > 0 && len(items) >= size:
		p.NextPage = page + 1
	}
	return p, resp, nil
}

// All iterates over every reservation opts selects, in opts.SortOrder,
// fetching pages of opts.PerPage (DefaultPerPage when 0) as the loop
// advances. The first page is the one opts names (by Page or AfterID);
// every later one is fetched by cursor, AfterID being the last
// reservation's ID, as Hostaway recommends, until a page comes back empty.
// An error is yielded once and ends the iteration, and so does a page
// whose last reservation has no id or the id of the cursor just used.
//
// Reservations updated while All runs may move between pages: Hostaway
// orders by update time.
//
// https://api.hostaway.com/documentation#retrieve-a-reservations-list
// GET /v1/reservations
func (s *ReservationsService) All(ctx context.Context, opts *ReservationListOptions) iter.Seq2[*Reservation, error] {
	var o ReservationListOptions
	if opts != nil {
		o = *opts
	}
	if o.PerPage <= 0 {
		o.PerPage = DefaultPerPage
	}
	return func(yield func(*Reservation, error) bool) {
		o := o // each range starts again
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			p, _, err := s.List(ctx, &o)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range p.Items {
				if r != nil && !yield(r, nil) {
					return
				}
			}
			if len(p.Items) == 0 {
				return
			}
			last := p.Items[len(p.Items)-1]
			if last == nil || last.ID.Int64() == 0 || last.ID.Int64() == o.AfterID {
				yield(nil, fmt.Errorf("hostaway: list reservations: %w: afterId %d", api.ErrCursorRepeated, o.AfterID))
				return
			}
			o.AfterID = last.ID.Int64()
			o.Page = 0
		}
	}
}
