package ownerrez

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
)

// bookingsPath is the bookings resource, relative to the base URL.
const bookingsPath = "/bookings"

// BookingsService reads bookings and blocks (a block is a Booking whose
// IsBlock is set). It is safe for concurrent use.
type BookingsService struct {
	api *api.Client
}

// Get returns the booking or block with the given id: the same object a
// booking delivery carries as its entity, which Booking.Normalize turns
// into the event.Booking the Receiver gives for it. A booking OwnerRez
// does not have returns an *APIError with status 404. The reference lists
// include_* flags for the bookings resource without saying which apply to
// this call; Get sends none, as OwnerRez's own Zapier app does, so
// Charges, DoorCodes, Tags and Fields are what OwnerRez sends by default.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/bookings/{id}
func (s *BookingsService) Get(ctx context.Context, id int64) (*Booking, *Response, error) {
	return getRecord[Booking](ctx, s.api, "booking", bookingsPath, id)
}

// BookingListOptions selects bookings for BookingsService.List and All.
// OwnerRez requires PropertyIDs or Since: List and All fail without a
// request when both are empty (and when opts is nil).
type BookingListOptions struct {
	ListOptions

	// PropertyIDs keeps the bookings of these properties (property_ids,
	// sent comma-separated). Nil means every property.
	PropertyIDs []int64

	// Since keeps the bookings changed at or after this instant
	// (since_utc, sent in UTC to the second, so a fraction of a second
	// widens the window rather than narrowing it). The reference names
	// the parameter without defining "changed"; OwnerRez's own Zapier app
	// lists recently updated bookings with it. This is the filter of a
	// reconciliation: list what changed since the last run. The zero Time
	// means no such filter.
	Since time.Time

	// Status keeps the bookings of this status (status), such as
	// BookingCanceled. "" means any.
	Status BookingStatus

	// From and To are sent as from and to ("YYYY-MM-DD"); the reference
	// names them without saying which dates they compare (presumably the
	// stay). The zero Date sends nothing.
	From, To event.Date

	// IncludeCharges, IncludeDoorCodes, IncludeTags, IncludeFields and
	// IncludeGuest ask OwnerRez to add Charges, DoorCodes, Tags, Fields
	// and the Guest reference to each booking (include_charges,
	// include_door_codes, include_tags, include_fields, include_guest).
	IncludeCharges   bool
	IncludeDoorCodes bool
	IncludeTags      bool
	IncludeFields    bool
	IncludeGuest     bool
}

// errNoBookingFilter is returned by List and All without a request.
var errNoBookingFilter = errors.New("OwnerRez requires PropertyIDs or Since")

// query returns the query of the page o selects, and the page number.
func (o *BookingListOptions) query() (url.Values, int, error) {
	if o == nil || (len(o.PropertyIDs) == 0 && o.Since.IsZero()) {
		return nil, 0, errNoBookingFilter
	}
	q := url.Values{}
	if len(o.PropertyIDs) > 0 {
		ids := make([]string, len(o.PropertyIDs))
		for i, id := range o.PropertyIDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		q.Set("property_ids", strings.Join(ids, ","))
	}
	if !o.Since.IsZero() {
		q.Set("since_utc", o.Since.UTC().Truncate(time.Second).Format(time.RFC3339))
	}
	if o.Status != "" {
		q.Set("status", string(o.Status))
	}
	if !o.From.IsZero() {
		q.Set("from", o.From.String())
	}
	if !o.To.IsZero() {
		q.Set("to", o.To.String())
	}
	for name, on := range map[string]bool{
		"include_charges": o.IncludeCharges, "include_door_codes": o.IncludeDoorCodes,
		"include_tags": o.IncludeTags, "include_fields": o.IncludeFields, "include_guest": o.IncludeGuest,
	} {
		if on {
			q.Set(name, "true")
		}
	}
	return q, pageQuery(o.ListOptions, q), nil
}

// List returns the page of bookings opts selects. Total is OwnerRez's
// count (-1 when it sends none); NextPage is Page+1 while OwnerRez sends a
// next_page_url. Use All to walk every page.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/bookings
func (s *BookingsService) List(ctx context.Context, opts *BookingListOptions) (*Page[Booking], *Response, error) {
	q, n, err := opts.query()
	if err != nil {
		return nil, nil, listError("list bookings", err)
	}
	return listPage[Booking](ctx, s.api, "list bookings", bookingsPath, q, n)
}

// All iterates over every booking opts selects, from the page it selects
// on, following OwnerRez's next_page_url as WebhooksService.All does. It
// yields an error once, and stops, when opts has neither PropertyIDs nor
// Since, when a page fails, when a page names itself as the next one, when
// a next_page_url leaves the client's host, or when ctx is done.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/bookings
func (s *BookingsService) All(ctx context.Context, opts *BookingListOptions) iter.Seq2[*Booking, error] {
	q, _, err := opts.query()
	if err != nil {
		return func(yield func(*Booking, error) bool) { yield(nil, listError("list bookings", err)) }
	}
	return listAll[Booking](ctx, s.api, "list bookings", bookingsPath, q)
}

// Normalize returns b as an event.Booking: what the Receiver gives for a
// delivery carrying b, through the same code.
func (b *Booking) Normalize() event.Booking { return normalizeBooking(b, 0) }
