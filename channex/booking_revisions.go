package channex

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// RevisionStatus is the status of a booking revision.
type RevisionStatus string

// The revision statuses Channex documents.
const (
	RevisionNew       RevisionStatus = "new"
	RevisionModified  RevisionStatus = "modified"
	RevisionCancelled RevisionStatus = "cancelled"
)

// BookingRevision is one version of a booking as Channex parsed it from the
// OTA's message: what GET /booking_revisions/{id} and the feed return, and
// the "bms" of Airbnb request deliveries. Each change of a booking is a new
// revision with its own ID; all share BookingID.
//
// Fields not modelled here (collected taxes, deposits, OTA-specific data)
// are in Raw.
type BookingRevision struct {
	// ID identifies the revision: what BookingRevisionsService.Ack takes.
	ID lenient.String `json:"id"`
	// BookingID is the booking the revision belongs to.
	BookingID lenient.String `json:"booking_id"`
	// PropertyID is the property.
	PropertyID lenient.String `json:"property_id"`
	// ChannelID is the Channex channel the booking came through, when
	// sent.
	ChannelID lenient.String `json:"channel_id"`
	// UniqueID is the OTA code and reservation code, such as
	// "BDC-1556013801"; usually the same for every revision of a booking.
	UniqueID lenient.String `json:"unique_id"`
	// SystemID is the OTA message's id, unique per revision.
	SystemID lenient.String `json:"system_id"`
	// OTAReservationCode is the reservation code at the OTA.
	OTAReservationCode lenient.String `json:"ota_reservation_code"`
	// OTAName is the OTA, such as "BookingCom", "Booking.com" or "AirBNB".
	OTAName string `json:"ota_name"`
	// Status is new, modified or cancelled.
	Status RevisionStatus `json:"status"`
	// ArrivalDate is the first night.
	ArrivalDate event.Date `json:"arrival_date"`
	// DepartureDate is the departure day.
	DepartureDate event.Date `json:"departure_date"`
	// ArrivalHour is the announced arrival time, "HH:MM"; "" when unknown.
	ArrivalHour string `json:"arrival_hour"`
	// Amount is the booking total, exact decimal text.
	Amount lenient.Decimal `json:"amount"`
	// Currency is the ISO 4217 code of every amount.
	Currency string `json:"currency"`
	// OTACommission is the OTA's commission, when the OTA reports it.
	OTACommission lenient.Decimal `json:"ota_commission"`
	// PaymentCollect says who collects payment: "property", "ota", or ""
	// when unspecified (usually the property).
	PaymentCollect string `json:"payment_collect"`
	// PaymentType says how: "credit_card", "bank_transfer", or "".
	PaymentType string `json:"payment_type"`
	// Notes holds the customer's notes.
	Notes string `json:"notes"`
	// Customer is the booker.
	Customer Customer `json:"customer"`
	// Occupancy is the party of the whole booking.
	Occupancy Occupancy `json:"occupancy"`
	// Rooms are the rooms booked.
	Rooms []BookingRoom `json:"rooms"`
	// Services are the extras booked for the whole stay.
	Services []BookingService `json:"services"`
	// Guarantee is the payment card exactly as sent, masked unless the
	// client calls Channex's PCI host; nil when null. It is card data:
	// store and log it accordingly.
	Guarantee json.RawMessage `json:"guarantee,omitempty"`
	// Meta is OTA-specific data exactly as sent (Airbnb: listing_id); nil
	// when null.
	Meta json.RawMessage `json:"meta,omitempty"`
	// InsertedAt is when Channex received the revision. Channex sends it
	// without a zone (its clock is UTC).
	InsertedAt lenient.Time `json:"inserted_at"`

	// Raw is the revision's JSON object exactly as received.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the revision and keeps a copy of b in Raw. Raw
// fields that are JSON null become nil. A JSON null leaves r unchanged.
func (r *BookingRevision) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	type plain BookingRevision // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	p.Raw = bytes.Clone(b)
	dropNull(&p.Guarantee)
	dropNull(&p.Meta)
	dropNull(&p.Customer.Company)
	dropNull(&p.Customer.Meta)
	for i := range p.Rooms {
		dropNull(&p.Rooms[i].Meta)
	}
	*r = BookingRevision(p)
	return nil
}

// Customer is the booker of a revision. Fields the OTA does not give are
// "".
type Customer struct {
	Name     string         `json:"name"`
	Surname  string         `json:"surname"`
	Mail     string         `json:"mail"`
	Phone    lenient.String `json:"phone"`
	Address  string         `json:"address"`
	City     string         `json:"city"`
	Zip      lenient.String `json:"zip"`
	Country  string         `json:"country"`
	Language string         `json:"language"`
	// Company is the booker's company exactly as sent; nil when null.
	Company json.RawMessage `json:"company,omitempty"`
	// Meta is OTA-specific data exactly as sent; nil when null.
	Meta json.RawMessage `json:"meta,omitempty"`
}

// FullName returns Name and Surname joined by a space, trimmed.
func (c Customer) FullName() string {
	return strings.TrimSpace(strings.TrimSpace(c.Name) + " " + strings.TrimSpace(c.Surname))
}

// Occupancy is a party: adults, children (with their Ages when given) and
// infants.
type Occupancy struct {
	Adults   lenient.Int   `json:"adults"`
	Children lenient.Int   `json:"children"`
	Infants  lenient.Int   `json:"infants"`
	Ages     []lenient.Int `json:"ages"`
}

// BookingRoom is one room of a revision.
type BookingRoom struct {
	// BookingRoomID identifies the room within the booking.
	BookingRoomID lenient.String `json:"booking_room_id"`
	// RoomTypeID is the room type; "" when the OTA room is not mapped.
	RoomTypeID lenient.String `json:"room_type_id"`
	// RatePlanID is the rate plan; "" when not mapped.
	RatePlanID lenient.String `json:"rate_plan_id"`
	// CheckinDate is the room's first night.
	CheckinDate event.Date `json:"checkin_date"`
	// CheckoutDate is the room's departure day.
	CheckoutDate event.Date `json:"checkout_date"`
	// Amount is the room's total.
	Amount lenient.Decimal `json:"amount"`
	// Days is the price per night, keyed by "YYYY-MM-DD".
	Days map[string]lenient.Decimal `json:"days"`
	// Occupancy is the room's party.
	Occupancy Occupancy `json:"occupancy"`
	// Guests are the named guests, when the OTA gives them.
	Guests []RoomGuest `json:"guests"`
	// Services are the room's extras.
	Services []BookingService `json:"services"`
	// Taxes are the room's taxes and fees.
	Taxes []BookingTax `json:"taxes"`
	// OTAUniqueID is the room's id at the OTA (Booking.com only).
	OTAUniqueID lenient.String `json:"ota_unique_id"`
	// IsCancelled is true for a room cancelled within a booking that goes
	// on.
	IsCancelled lenient.Bool `json:"is_cancelled"`
	// Meta is OTA-specific data exactly as sent (parent_rate_plan_id,
	// cancel penalties, ...); nil when null.
	Meta json.RawMessage `json:"meta,omitempty"`
}

// RoomGuest is a guest named on a room.
type RoomGuest struct {
	Name    string `json:"name"`
	Surname string `json:"surname"`
}

// BookingService is an extra booked, such as breakfast.
type BookingService struct {
	Type         string          `json:"type"`
	Name         string          `json:"name"`
	Nights       lenient.Int     `json:"nights"`
	Persons      lenient.Int     `json:"persons"`
	PriceMode    string          `json:"price_mode"`
	PricePerUnit lenient.Decimal `json:"price_per_unit"`
	TotalPrice   lenient.Decimal `json:"total_price"`
}

// BookingTax is a tax or fee on a room: Type is "tax", "fee", "city_tax"
// or an OTA's own wording; IsInclusive tells whether the room amount
// includes it.
type BookingTax struct {
	Type         string          `json:"type"`
	Name         string          `json:"name"`
	IsInclusive  lenient.Bool    `json:"is_inclusive"`
	Nights       lenient.Int     `json:"nights"`
	Persons      lenient.Int     `json:"persons"`
	PriceMode    string          `json:"price_mode"`
	PricePerUnit lenient.Decimal `json:"price_per_unit"`
	TotalPrice   lenient.Decimal `json:"total_price"`
}

// Booking returns the revision as a normalized event.Booking: new and
// modified are confirmed, cancelled is cancelled, anything else unknown;
// the channel is derived from OTAName; UpdatedAt is InsertedAt, read as
// UTC when Channex sent it without a zone.
func (r *BookingRevision) Booking() event.Booking {
	return event.Booking{
		ID:         string(r.BookingID),
		PropertyID: string(r.PropertyID),
		Status:     revisionStatus(r.Status),
		Arrival:    r.ArrivalDate,
		Departure:  r.DepartureDate,
		Guest: event.Guest{
			Name:  r.Customer.FullName(),
			Email: strings.TrimSpace(r.Customer.Mail),
			Phone: strings.TrimSpace(string(r.Customer.Phone)),
		},
		Adults:    r.Occupancy.Adults.Int(),
		Children:  r.Occupancy.Children.Int(),
		Channel:   event.NormalizeChannel(r.OTAName),
		Total:     money(r.Amount, r.Currency),
		UpdatedAt: utcInstant(r.InsertedAt),
	}
}

// revisionStatus maps a revision status to the normalized booking status.
func revisionStatus(s RevisionStatus) event.BookingStatus {
	switch RevisionStatus(strings.ToLower(string(s))) {
	case RevisionNew, RevisionModified:
		return event.StatusConfirmed
	case RevisionCancelled:
		return event.StatusCancelled
	}
	return event.StatusUnknown
}

// money builds an event.Money, the currency upper-cased. An amount that
// could not be read gives no Amount: Money holds decimal text only.
func money(amount lenient.Decimal, currency string) event.Money {
	return event.Money{Amount: amount.Value, Currency: strings.ToUpper(strings.TrimSpace(currency))}
}

// utcInstant returns t as an instant, reading a zoneless t as UTC: Channex
// stamps its zoned timestamps in UTC, and sends the others without a zone.
func utcInstant(t lenient.Time) time.Time {
	if t.Time.IsZero() { // not given, or unparsed: no instant is invented
		return time.Time{}
	}
	return t.In(time.UTC)
}

// FeedOptions selects a page of the revision feed. The zero value asks for
// Channex's default page size (10) of every property's unacknowledged
// revisions, oldest first.
type FeedOptions struct {
	// ListOptions selects the page (pagination[page], pagination[limit]).
	ListOptions
	// PropertyID restricts the feed to one property (filter[property_id]);
	// "" means every property of the API key.
	PropertyID string
}

// BookingRevisionsService reads booking revisions and acknowledges them:
// the pull that booking webhooks exist to trigger. Get one from
// Client.BookingRevisions; it is safe for concurrent use.
//
// The flow Channex requires: on a booking delivery, Get the revision the
// payload names (BookingPayload.Revision), store it, then Ack it. Or drain
// the Feed. A revision not acknowledged within 30 minutes triggers Channex's
// warning email and the non_acked_booking event.
type BookingRevisionsService struct {
	client *Client
}

// Get returns the booking revision id. A missing revision is an *APIError
// with StatusCode 404.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection
//
// GET /booking_revisions/{id}
func (s *BookingRevisionsService) Get(ctx context.Context, id string) (*BookingRevision, *Response, error) {
	if id == "" {
		return nil, nil, fmt.Errorf("channex: get booking revision: %w", errEmptyID)
	}
	var out one[BookingRevision]
	req := api.Request{Method: http.MethodGet, Path: "/booking_revisions/" + url.PathEscape(id)}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: get booking revision: %w", err)
	}
	return revisionOf(out.Data), raw.Response(), nil
}

// feedOrder is the query parameter that asks for the oldest revision
// first, as Channex's reference documents for the feed.
const feedOrder = "order[inserted_at]"

// Feed returns one page of the revisions not yet acknowledged, oldest
// first (it sends order[inserted_at]=asc, as Channex's reference says). An
// empty page means everything is acknowledged. A nil opts is the zero
// FeedOptions.
//
// To drain the feed, store and Ack every revision of the first page, then
// ask for the first page again until it is empty. Do not walk to page 2
// while acknowledging: acknowledged revisions leave the feed, so later
// pages shift and would skip revisions.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection#booking-revisions-feed
//
// GET /booking_revisions/feed
func (s *BookingRevisionsService) Feed(ctx context.Context, opts *FeedOptions) (*Page[BookingRevision], *Response, error) {
	var o FeedOptions
	if opts != nil {
		o = *opts
	}
	q := pageQuery(o.ListOptions)
	q.Set(feedOrder, "asc")
	if o.PropertyID != "" {
		q.Set("filter[property_id]", o.PropertyID)
	}
	var out many[BookingRevision]
	req := api.Request{Method: http.MethodGet, Path: "/booking_revisions/feed", Query: q}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: booking revision feed: %w", err)
	}
	revs := make([]*BookingRevision, 0, len(out.Data))
	for _, r := range out.Data {
		revs = append(revs, revisionOf(r))
	}
	return pageOf(revs, out.Meta, o.ListOptions), raw.Response(), nil
}

// All iterates over the feed from the page opts selects on, oldest first,
// fetching pages of opts.PerPage (0 means 100) as it goes; a nil opts
// starts at the first page. It reads the feed as it stands: acknowledging
// revisions while iterating shifts later pages, so a drain that acks as it
// goes should call Feed for page 1 until it is empty instead. An error is
// yielded once, with a nil revision, and ends the iteration.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection#booking-revisions-feed
//
// GET /booking_revisions/feed
func (s *BookingRevisionsService) All(ctx context.Context, opts *FeedOptions) iter.Seq2[*BookingRevision, error] {
	var o FeedOptions
	if opts != nil {
		o = *opts
	}
	o.PerPage = cmp.Or(o.PerPage, maxLimit)
	return api.All(ctx, o.ListOptions, func(ctx context.Context, lo ListOptions) (*Page[BookingRevision], *Response, error) {
		po := o
		po.ListOptions = lo
		return s.Feed(ctx, &po)
	})
}

// Ack acknowledges the booking revision id: it leaves the feed for good.
// Acknowledge only once the revision is stored on your side. Ack is sent
// once: it is not retried once it may have reached Channex; after a
// transport error, call it again.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection#acknowledge-booking-revision-receiving
//
// POST /booking_revisions/{id}/ack
func (s *BookingRevisionsService) Ack(ctx context.Context, id string) (*Response, error) {
	if id == "" {
		return nil, fmt.Errorf("channex: acknowledge booking revision: %w", errEmptyID)
	}
	req := api.Request{Method: http.MethodPost, Path: "/booking_revisions/" + url.PathEscape(id) + "/ack"}
	raw, err := s.client.api.Do(ctx, req, nil)
	if err != nil {
		return raw.Response(), fmt.Errorf("channex: acknowledge booking revision: %w", err)
	}
	return raw.Response(), nil
}

// revisionOf returns the revision of a response item, its id filled from
// the item's when the attributes lack one.
func revisionOf(r resource[BookingRevision]) *BookingRevision {
	rev := r.Attributes
	if rev.ID == "" {
		rev.ID = r.ID
	}
	return &rev
}

// RevisionListOptions selects a page of the booking revision list (every
// revision, acknowledged or not; the unacknowledged ones are the Feed).
// The zero value asks for Channex's default page size (10) of every
// revision of the API key, in Channex's default order.
//
// Channex's reference documents no filter or order for GET
// /booking_revisions; these follow its general conventions (filter[...],
// order[...]) and the filters its reference shows for GET /bookings.
type RevisionListOptions struct {
	// ListOptions selects the page (pagination[page], pagination[limit]).
	ListOptions
	// PropertyID restricts the list to one property (filter[property_id]).
	PropertyID string
	// BookingID restricts the list to one booking's revisions
	// (filter[booking_id]).
	BookingID string
	// InsertedFrom and InsertedTo bound when Channex received the
	// revision, both inclusive (filter[inserted_at][gte], [lte]), sent in
	// UTC without a zone. Every change of a booking is a new revision, so
	// InsertedFrom lists what changed since then.
	InsertedFrom, InsertedTo time.Time
	// Oldest asks for the oldest revision first (order[inserted_at]=asc);
	// false leaves the order to Channex.
	Oldest bool
}

// query returns the query parameters of o.
func (o RevisionListOptions) query() url.Values {
	q := pageQuery(o.ListOptions)
	if o.PropertyID != "" {
		q.Set("filter[property_id]", o.PropertyID)
	}
	if o.BookingID != "" {
		q.Set("filter[booking_id]", o.BookingID)
	}
	setTime(q, "filter[inserted_at][gte]", o.InsertedFrom)
	setTime(q, "filter[inserted_at][lte]", o.InsertedTo)
	if o.Oldest {
		q.Set(feedOrder, "asc")
	}
	return q
}

// List returns one page of booking revisions, acknowledged or not, filtered
// by opts; a nil opts is the zero RevisionListOptions. It is the "changed
// since" call: RevisionListOptions{InsertedFrom: t, Oldest: true} lists
// every change received since t.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection#booking-revisions-list
//
// GET /booking_revisions
func (s *BookingRevisionsService) List(ctx context.Context, opts *RevisionListOptions) (*Page[BookingRevision], *Response, error) {
	var o RevisionListOptions
	if opts != nil {
		o = *opts
	}
	var out many[BookingRevision]
	req := api.Request{Method: http.MethodGet, Path: "/booking_revisions", Query: o.query()}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: list booking revisions: %w", err)
	}
	revs := make([]*BookingRevision, 0, len(out.Data))
	for _, r := range out.Data {
		revs = append(revs, revisionOf(r))
	}
	return pageOf(revs, out.Meta, o.ListOptions), raw.Response(), nil
}

// ListAll iterates over the revisions opts selects, from the page it names
// on, fetching pages of opts.PerPage (0 means 100) as it goes; a nil opts
// starts at the first page. (All iterates over the Feed.) An error is
// yielded once, with a nil revision, and ends the iteration.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection#booking-revisions-list
//
// GET /booking_revisions
func (s *BookingRevisionsService) ListAll(ctx context.Context, opts *RevisionListOptions) iter.Seq2[*BookingRevision, error] {
	var o RevisionListOptions
	if opts != nil {
		o = *opts
	}
	o.PerPage = cmp.Or(o.PerPage, maxLimit)
	return api.All(ctx, o.ListOptions, func(ctx context.Context, lo ListOptions) (*Page[BookingRevision], *Response, error) {
		po := o
		po.ListOptions = lo
		return s.List(ctx, &po)
	})
}

// Resend removes the acknowledgement of the booking revision id, so that
// the Feed serves it again. A missing revision is an *APIError with
// StatusCode 404. Like Ack, it is sent once: it is not retried once it may
// have reached Channex.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection#resend-booking-revision
//
// POST /booking_revisions/{id}/resend
func (s *BookingRevisionsService) Resend(ctx context.Context, id string) (*Response, error) {
	if id == "" {
		return nil, fmt.Errorf("channex: resend booking revision: %w", errEmptyID)
	}
	req := api.Request{Method: http.MethodPost, Path: "/booking_revisions/" + url.PathEscape(id) + "/resend"}
	raw, err := s.client.api.Do(ctx, req, nil)
	if err != nil {
		return raw.Response(), fmt.Errorf("channex: resend booking revision: %w", err)
	}
	return raw.Response(), nil
}
