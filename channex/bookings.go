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
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// Booking is a booking as GET /bookings returns it. Channex's reference:
// "Each Booking at Channex is a representation of latest known Booking
// Revision"; GET /bookings/{id} "will be the latest booking revision
// details". It is the booking revision's object, with the booking's id in
// ID and the latest revision's in RevisionID, so Revision returns it as a
// BookingRevision and Booking normalizes it through the same code as a
// revision delivered in a webhook (BookingRevision.Booking).
//
// Fields not modelled here are in Raw.
type Booking struct {
	// ID identifies the booking: what BookingsService.Get takes, and the
	// booking_id of booking deliveries.
	ID lenient.String `json:"id"`
	// RevisionID is the latest revision, the one the booking shows.
	RevisionID lenient.String `json:"revision_id"`
	// PropertyID is the property.
	PropertyID lenient.String `json:"property_id"`
	// ChannelID is the Channex channel the booking came through, when
	// sent.
	ChannelID lenient.String `json:"channel_id"`
	// UniqueID is the OTA code and reservation code, such as
	// "BDC-1556013801".
	UniqueID lenient.String `json:"unique_id"`
	// SystemID is the latest OTA message's id, when sent (the reference's
	// booking examples have none).
	SystemID lenient.String `json:"system_id"`
	// OTAReservationCode is the reservation code at the OTA.
	OTAReservationCode lenient.String `json:"ota_reservation_code"`
	// OTAName is the OTA, such as "Booking.com" or "Airbnb".
	OTAName string `json:"ota_name"`
	// Status is the latest revision's: new, modified or cancelled.
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
	// PaymentCollect says who collects payment: "property", "ota", or "".
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
	// client calls Channex's PCI host; nil when null. It is card data.
	Guarantee json.RawMessage `json:"guarantee,omitempty"`
	// Meta is OTA-specific data exactly as sent; nil when null.
	Meta json.RawMessage `json:"meta,omitempty"`
	// InsertedAt is when Channex received the booking (the reference's
	// examples keep the first revision's time on later revisions). Channex
	// sends it without a zone (its clock is UTC).
	InsertedAt lenient.Time `json:"inserted_at"`

	// Raw is the booking's JSON object exactly as received.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the booking and keeps a copy of b in Raw. Raw
// fields that are JSON null become nil. A JSON null leaves b unchanged.
func (b *Booking) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	type plain Booking // without this method
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	p.Raw = bytes.Clone(data)
	dropNull(&p.Guarantee)
	dropNull(&p.Meta)
	dropNull(&p.Customer.Company)
	dropNull(&p.Customer.Meta)
	for i := range p.Rooms {
		dropNull(&p.Rooms[i].Meta)
	}
	*b = Booking(p)
	return nil
}

// Revision returns the booking as the revision it shows: ID is RevisionID,
// BookingID is the booking's ID, every other field and Raw are b's.
func (b *Booking) Revision() *BookingRevision {
	return &BookingRevision{
		ID:                 b.RevisionID,
		BookingID:          b.ID,
		PropertyID:         b.PropertyID,
		ChannelID:          b.ChannelID,
		UniqueID:           b.UniqueID,
		SystemID:           b.SystemID,
		OTAReservationCode: b.OTAReservationCode,
		OTAName:            b.OTAName,
		Status:             b.Status,
		ArrivalDate:        b.ArrivalDate,
		DepartureDate:      b.DepartureDate,
		ArrivalHour:        b.ArrivalHour,
		Amount:             b.Amount,
		Currency:           b.Currency,
		OTACommission:      b.OTACommission,
		PaymentCollect:     b.PaymentCollect,
		PaymentType:        b.PaymentType,
		Notes:              b.Notes,
		Customer:           b.Customer,
		Occupancy:          b.Occupancy,
		Rooms:              b.Rooms,
		Services:           b.Services,
		Guarantee:          b.Guarantee,
		Meta:               b.Meta,
		InsertedAt:         b.InsertedAt,
		Raw:                b.Raw,
	}
}

// Booking returns the booking normalized, exactly as its latest revision
// normalizes (BookingRevision.Booking): new and modified are confirmed,
// cancelled is cancelled.
func (b *Booking) Booking() event.Booking { return b.Revision().Booking() }

// BookingListOptions selects a page of bookings. The zero value asks for
// Channex's default page size (10) of every booking of the API key.
//
// The date filters are the ones Channex's reference shows for GET
// /bookings; zero values are left out.
type BookingListOptions struct {
	// ListOptions selects the page (pagination[page], pagination[limit]).
	ListOptions
	// PropertyID restricts the list to one property (filter[property_id],
	// Channex's general filter convention; the bookings page itself shows
	// only the date filters).
	PropertyID string
	// ArrivalFrom and ArrivalTo bound the arrival date, both inclusive
	// (filter[arrival_date][gte], [lte]).
	ArrivalFrom, ArrivalTo event.Date
	// DepartureFrom and DepartureTo bound the departure date, both
	// inclusive (filter[departure_date][gte], [lte]).
	DepartureFrom, DepartureTo event.Date
	// InsertedFrom and InsertedTo bound when the booking was received, both
	// inclusive (filter[inserted_at][gte], [lte]), sent in UTC without a
	// zone as Channex's reference writes them. A booking's inserted_at is
	// when it was first received: to find changed bookings, list booking
	// revisions (BookingRevisionsService.List) instead.
	InsertedFrom, InsertedTo time.Time
}

// insertedLayout is how Channex's reference writes inserted_at filters:
// "2021-01-01T00:00:00", UTC, without a zone.
const insertedLayout = "2006-01-02T15:04:05"

// query returns the query parameters of o.
func (o BookingListOptions) query() url.Values {
	q := pageQuery(o.ListOptions)
	if o.PropertyID != "" {
		q.Set("filter[property_id]", o.PropertyID)
	}
	setDate := func(key string, d event.Date) {
		if !d.IsZero() && !d.IsUnparsed() {
			q.Set(key, d.String())
		}
	}
	setDate("filter[arrival_date][gte]", o.ArrivalFrom)
	setDate("filter[arrival_date][lte]", o.ArrivalTo)
	setDate("filter[departure_date][gte]", o.DepartureFrom)
	setDate("filter[departure_date][lte]", o.DepartureTo)
	setTime(q, "filter[inserted_at][gte]", o.InsertedFrom)
	setTime(q, "filter[inserted_at][lte]", o.InsertedTo)
	return q
}

// setTime sets key to t in UTC as Channex writes it, unless t is zero.
func setTime(q url.Values, key string, t time.Time) {
	if !t.IsZero() {
		q.Set(key, t.UTC().Format(insertedLayout))
	}
}

// BookingsService reads bookings: the current state of each booking, which
// is its latest revision. Get one from Client.Bookings; it is safe for
// concurrent use.
//
// A booking's revisions, and acknowledging them, are in
// BookingRevisionsService; its guest messages in MessagesService.
type BookingsService struct {
	client *Client
}

// Get returns the booking id as it is now: its latest revision. A missing
// booking is an *APIError with StatusCode 404.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection#get-booking-by-id
//
// GET /bookings/{id}
func (s *BookingsService) Get(ctx context.Context, id string) (*Booking, *Response, error) {
	if id == "" {
		return nil, nil, fmt.Errorf("channex: get booking: %w", errEmptyID)
	}
	var out one[Booking]
	req := api.Request{Method: http.MethodGet, Path: "/bookings/" + url.PathEscape(id)}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: get booking: %w", err)
	}
	return bookingOfResource(out.Data), raw.Response(), nil
}

// List returns one page of bookings, filtered by opts; a nil opts is the
// zero BookingListOptions. Channex's reference does not say in which order
// bookings come.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection#bookings-list
//
// GET /bookings
func (s *BookingsService) List(ctx context.Context, opts *BookingListOptions) (*Page[Booking], *Response, error) {
	var o BookingListOptions
	if opts != nil {
		o = *opts
	}
	var out many[Booking]
	req := api.Request{Method: http.MethodGet, Path: "/bookings", Query: o.query()}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: list bookings: %w", err)
	}
	items := make([]*Booking, 0, len(out.Data))
	for _, r := range out.Data {
		items = append(items, bookingOfResource(r))
	}
	return pageOf(items, out.Meta, o.ListOptions), raw.Response(), nil
}

// All iterates over the bookings opts selects, from the page it names on,
// fetching pages of opts.PerPage (0 means 100) as it goes; a nil opts
// starts at the first page. An error is yielded once, with a nil booking,
// and ends the iteration.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/bookings-collection#bookings-list
//
// GET /bookings
func (s *BookingsService) All(ctx context.Context, opts *BookingListOptions) iter.Seq2[*Booking, error] {
	var o BookingListOptions
	if opts != nil {
		o = *opts
	}
	o.PerPage = cmp.Or(o.PerPage, maxLimit)
	return api.All(ctx, o.ListOptions, func(ctx context.Context, lo ListOptions) (*Page[Booking], *Response, error) {
		po := o
		po.ListOptions = lo
		return s.List(ctx, &po)
	})
}

// bookingOfResource returns the booking of a response item, its id filled
// from the item's when the attributes lack one.
func bookingOfResource(r resource[Booking]) *Booking {
	b := r.Attributes
	if b.ID == "" {
		b.ID = r.ID
	}
	return &b
}
