package ownerrez

import (
	"strings"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
)

// The typed entities below use OwnerRez's own JSON keys. OwnerRez omits
// null and empty members, so every field is optional: an absent key leaves
// the zero value. Ids and counts are lenient.Int, flags lenient.Bool, money
// lenient.Decimal (the exact text of the JSON number, such as "830.00"),
// timestamps lenient.Time (RFC 3339, UTC), calendar dates event.Date
// ("YYYY-MM-DD"), and text, including times of day ("HH:MM"),
// lenient.String. No value fails decoding: one a field cannot read is kept
// in its Unparsed text (see package lenient), and a nested object of the
// wrong kind sets Webhook.DataError. Keys this package does not know are
// kept only in Webhook.Data.

// BookingType says whether a Booking is a guest's stay or a block of the
// calendar.
type BookingType string

// UnmarshalJSON implements json.Unmarshaler: any JSON value decodes, as a
// lenient.String does, so that an odd spelling never fails a delivery.
func (t *BookingType) UnmarshalJSON(b []byte) error {
	var s lenient.String
	_ = s.UnmarshalJSON(b) // never fails
	*t = BookingType(s)
	return nil
}

// The booking types seen on the wire. OwnerRez also has quote holds and
// linked availability, whose spellings are not documented.
const (
	BookingTypeBooking BookingType = "booking"
	BookingTypeBlock   BookingType = "block"
)

// BookingStatus is the state of a Booking as OwnerRez spells it.
type BookingStatus string

// UnmarshalJSON implements json.Unmarshaler: any JSON value decodes, as a
// lenient.String does, so that an odd spelling never fails a delivery.
func (t *BookingStatus) UnmarshalJSON(b []byte) error {
	var s lenient.String
	_ = s.UnmarshalJSON(b) // never fails
	*t = BookingStatus(s)
	return nil
}

// The booking statuses OwnerRez is known to send.
const (
	// BookingActive is a booking or block in force.
	BookingActive BookingStatus = "active"
	// BookingCanceled is a cancelled booking; CanceledUTC says when.
	BookingCanceled BookingStatus = "canceled"
	// BookingPending is a booking or hold not yet confirmed, such as an
	// Airbnb hold ("Hold for <code>"); PendingUntilUTC says until when.
	BookingPending BookingStatus = "pending"
)

// Booking is an OwnerRez booking, or a block of the calendar (IsBlock, Type
// "block"): the entity of entity_type booking and the body of
// GET /v2/bookings/{id}. A block can later be updated into a booking with
// the same ID. Charges, DoorCodes, Tags and Fields are present only when
// OwnerRez includes them.
type Booking struct {
	ID      lenient.Int   `json:"id"`
	Type    BookingType   `json:"type,omitempty"`
	Status  BookingStatus `json:"status,omitempty"`
	IsBlock lenient.Bool  `json:"is_block"`

	PropertyID lenient.Int  `json:"property_id,omitzero"`
	Property   *PropertyRef `json:"property,omitempty"`
	// GuestID and Guest are absent on blocks.
	GuestID lenient.Int `json:"guest_id,omitzero"`
	Guest   *GuestRef   `json:"guest,omitempty"`

	Arrival    event.Date     `json:"arrival,omitzero"`
	Departure  event.Date     `json:"departure,omitzero"`
	CheckIn    lenient.String `json:"check_in,omitempty"` // "HH:MM", property local time
	CheckInEnd lenient.String `json:"check_in_end,omitempty"`
	CheckOut   lenient.String `json:"check_out,omitempty"`

	Adults   lenient.Int `json:"adults,omitzero"`
	Children lenient.Int `json:"children,omitzero"`
	Infants  lenient.Int `json:"infants,omitzero"`
	Pets     lenient.Int `json:"pets,omitzero"`

	BookedUTC       lenient.Time `json:"booked_utc,omitzero"`
	CanceledUTC     lenient.Time `json:"canceled_utc,omitzero"`
	CreatedUTC      lenient.Time `json:"created_utc,omitzero"`
	UpdatedUTC      lenient.Time `json:"updated_utc,omitzero"`
	PendingUntilUTC lenient.Time `json:"pending_until_utc,omitzero"`

	// CurrencyCode is the ISO 4217 code of every amount, such as "USD".
	CurrencyCode  lenient.String  `json:"currency_code,omitempty"`
	TotalAmount   lenient.Decimal `json:"total_amount,omitzero"`
	TotalOwed     lenient.Decimal `json:"total_owed,omitzero"`
	TotalPaid     lenient.Decimal `json:"total_paid,omitzero"`
	TotalRefunded lenient.Decimal `json:"total_refunded,omitzero"`
	TotalHostFees lenient.Decimal `json:"total_host_fees,omitzero"`

	// ListingSite is the channel the booking came from, such as "Airbnb".
	ListingSite lenient.String `json:"listing_site,omitempty"`
	// PlatformReservationNumber is the channel's confirmation code.
	PlatformReservationNumber lenient.String `json:"platform_reservation_number,omitempty"`
	// PlatformEmailAddress is the channel's relay address for the guest.
	PlatformEmailAddress lenient.String `json:"platform_email_address,omitempty"`

	Title        lenient.String `json:"title,omitempty"`
	Notes        lenient.String `json:"notes,omitempty"`
	OwnerID      lenient.Int    `json:"owner_id,omitzero"`
	QuoteID      lenient.Int    `json:"quote_id,omitzero"`
	FormKey      lenient.String `json:"form_key,omitempty"`
	CleaningDate event.Date     `json:"cleaning_date,omitzero"`
	HasProblem   lenient.Bool   `json:"has_problem,omitzero"`

	Charges   []Charge         `json:"charges,omitempty"`
	DoorCodes []DoorCode       `json:"door_codes,omitempty"`
	Tags      []lenient.String `json:"tags,omitempty"`
	Fields    []FieldValue     `json:"fields,omitempty"`
	ThreadIDs []lenient.Int    `json:"thread_ids,omitzero"`
}

// Charge is one line of a Booking's price. Type is "rent" for the stay
// itself; the spellings of other types are not documented.
type Charge struct {
	Type                   lenient.String  `json:"type,omitempty"`
	Description            lenient.String  `json:"description,omitempty"`
	Amount                 lenient.Decimal `json:"amount,omitzero"`
	Rate                   lenient.Decimal `json:"rate,omitzero"`
	RateIsPercent          lenient.Bool    `json:"rate_is_percent,omitzero"`
	Position               lenient.Int     `json:"position,omitzero"`
	IsTaxable              lenient.Bool    `json:"is_taxable,omitzero"`
	IsChannelManaged       lenient.Bool    `json:"is_channel_managed,omitzero"`
	IsCommissionAll        lenient.Bool    `json:"is_commission_all,omitzero"`
	IsExpenseAll           lenient.Bool    `json:"is_expense_all,omitzero"`
	OwnerAmount            lenient.Decimal `json:"owner_amount,omitzero"`
	OwnerCommissionPercent lenient.Decimal `json:"owner_commission_percent,omitzero"`
	CommissionAmount       lenient.Decimal `json:"commission_amount,omitzero"`
	ExpenseID              lenient.Int     `json:"expense_id,omitzero"`
	SurchargeID            lenient.Int     `json:"surcharge_id,omitzero"`
	TaxID                  lenient.Int     `json:"tax_id,omitzero"`
}

// DoorCode is an access code of a Booking and the locks it opens.
type DoorCode struct {
	Code      lenient.String `json:"code,omitempty"`
	LockNames lenient.String `json:"lock_names,omitempty"`
}

// FieldValue is the value of a custom field on a record, by the field
// definition's code. Value is text whatever JSON scalar carried it.
type FieldValue struct {
	Code  lenient.String `json:"code,omitempty"`
	Value lenient.String `json:"value,omitempty"`
}

// PropertyRef is the short form of a property nested in other records.
type PropertyRef struct {
	ID   lenient.Int    `json:"id"`
	Name lenient.String `json:"name,omitempty"`
}

// GuestRef is the short form of a guest nested in other records. It
// carries no email address or phone number; fetch the Guest for those.
type GuestRef struct {
	ID        lenient.Int    `json:"id"`
	FirstName lenient.String `json:"first_name,omitempty"`
	LastName  lenient.String `json:"last_name,omitempty"`
}

// Name returns the first and last name joined by a space, or whichever is
// present; "" for a nil GuestRef.
func (g *GuestRef) Name() string {
	if g == nil {
		return ""
	}
	return fullName(string(g.FirstName), string(g.LastName))
}

// Guest is an OwnerRez guest, which the interface calls a contact: the
// entity of entity_type guest and the body of GET /v2/guests/{id}.
type Guest struct {
	ID             lenient.Int      `json:"id"`
	FirstName      lenient.String   `json:"first_name,omitempty"`
	LastName       lenient.String   `json:"last_name,omitempty"`
	Notes          lenient.String   `json:"notes,omitempty"`
	Addresses      []Address        `json:"addresses,omitempty"`
	EmailAddresses []EmailAddress   `json:"email_addresses,omitempty"`
	Phones         []Phone          `json:"phones,omitempty"`
	Tags           []lenient.String `json:"tags,omitempty"`
	Fields         []FieldValue     `json:"fields,omitempty"`
}

// Name returns the first and last name joined by a space, or whichever is
// present.
func (g *Guest) Name() string { return fullName(string(g.FirstName), string(g.LastName)) }

// Address is a postal address of a guest or a property. Country is the
// country's name in upper case, such as "UNITED STATES".
type Address struct {
	ID         lenient.Int    `json:"id,omitzero"`
	Street1    lenient.String `json:"street1,omitempty"`
	Street2    lenient.String `json:"street2,omitempty"`
	City       lenient.String `json:"city,omitempty"`
	State      lenient.String `json:"state,omitempty"`
	Province   lenient.String `json:"province,omitempty"`
	PostalCode lenient.String `json:"postal_code,omitempty"`
	Country    lenient.String `json:"country,omitempty"`
	IsDefault  lenient.Bool   `json:"is_default,omitzero"`
	Type       lenient.String `json:"type,omitempty"` // such as "home"
}

// EmailAddress is one email address of a guest.
type EmailAddress struct {
	ID        lenient.Int    `json:"id,omitzero"`
	Address   lenient.String `json:"address,omitempty"`
	IsDefault lenient.Bool   `json:"is_default,omitzero"`
	Type      lenient.String `json:"type,omitempty"`
}

// Phone is one phone number of a guest. Number is free text, such as
// "+1 614-555-1212".
type Phone struct {
	ID        lenient.Int    `json:"id,omitzero"`
	Number    lenient.String `json:"number,omitempty"`
	Extension lenient.String `json:"extension,omitempty"`
	IsDefault lenient.Bool   `json:"is_default,omitzero"`
	Type      lenient.String `json:"type,omitempty"`
}

// Property is an OwnerRez rental property: the entity of entity_type
// property and the body of GET /v2/properties/{id}. Bathrooms, Latitude and
// Longitude keep their exact decimal text.
type Property struct {
	ID           lenient.Int    `json:"id"`
	Key          lenient.String `json:"key,omitempty"` // a GUID
	Name         lenient.String `json:"name,omitempty"`
	ExternalName lenient.String `json:"external_name,omitempty"`
	InternalCode lenient.String `json:"internal_code,omitempty"`
	Active       lenient.Bool   `json:"active"`
	Address      *Address       `json:"address,omitempty"`
	PropertyType lenient.String `json:"property_type,omitempty"`
	OwnerID      lenient.Int    `json:"owner_id,omitzero"`

	Bedrooms      lenient.Int     `json:"bedrooms,omitzero"`
	Bathrooms     lenient.Decimal `json:"bathrooms,omitzero"`
	BathroomsFull lenient.Int     `json:"bathrooms_full,omitzero"`
	BathroomsHalf lenient.Int     `json:"bathrooms_half,omitzero"`
	MaxGuests     lenient.Int     `json:"max_guests,omitzero"`
	MaxAdults     lenient.Int     `json:"max_adults,omitzero"`
	MaxChildren   lenient.Int     `json:"max_children,omitzero"`
	MaxPets       lenient.Int     `json:"max_pets,omitzero"`

	CheckIn    lenient.String `json:"check_in,omitempty"` // "HH:MM"
	CheckInEnd lenient.String `json:"check_in_end,omitempty"`
	CheckOut   lenient.String `json:"check_out,omitempty"`

	CurrencyCode         lenient.String  `json:"currency_code,omitempty"`
	DisplayOrder         lenient.Int     `json:"display_order,omitzero"`
	ExternalDisplayOrder lenient.Int     `json:"external_display_order,omitzero"`
	Latitude             lenient.Decimal `json:"latitude,omitzero"`
	Longitude            lenient.Decimal `json:"longitude,omitzero"`

	PublicURL          lenient.String `json:"public_url,omitempty"`
	ThumbnailURL       lenient.String `json:"thumbnail_url,omitempty"`
	ThumbnailURLMedium lenient.String `json:"thumbnail_url_medium,omitempty"`
	ThumbnailURLLarge  lenient.String `json:"thumbnail_url_large,omitempty"`

	Tags   []lenient.String `json:"tags,omitempty"`
	Fields []FieldValue     `json:"fields,omitempty"`
}

// Inquiry is a guest's inquiry: the entity of entity_type inquiry.
//
// OwnerRez documents no inquiry schema. These fields are the ones an
// inquiry shares with a Booking under the same keys (its list endpoint
// filters by property and includes the guest); anything else is in
// Webhook.Data.
type Inquiry struct {
	ID         lenient.Int    `json:"id"`
	Status     lenient.String `json:"status,omitempty"`
	PropertyID lenient.Int    `json:"property_id,omitzero"`
	Property   *PropertyRef   `json:"property,omitempty"`
	GuestID    lenient.Int    `json:"guest_id,omitzero"`
	Guest      *GuestRef      `json:"guest,omitempty"`
	Arrival    event.Date     `json:"arrival,omitzero"`
	Departure  event.Date     `json:"departure,omitzero"`
	Adults     lenient.Int    `json:"adults,omitzero"`
	Children   lenient.Int    `json:"children,omitzero"`
	CreatedUTC lenient.Time   `json:"created_utc,omitzero"`
	UpdatedUTC lenient.Time   `json:"updated_utc,omitzero"`
}

// Quote is a price quote sent to a guest: the entity of entity_type quote.
//
// OwnerRez documents no quote schema. These fields are the ones a quote
// shares with a Booking under the same keys; anything else is in
// Webhook.Data.
type Quote struct {
	ID           lenient.Int     `json:"id"`
	Status       lenient.String  `json:"status,omitempty"`
	PropertyID   lenient.Int     `json:"property_id,omitzero"`
	Property     *PropertyRef    `json:"property,omitempty"`
	GuestID      lenient.Int     `json:"guest_id,omitzero"`
	Guest        *GuestRef       `json:"guest,omitempty"`
	Arrival      event.Date      `json:"arrival,omitzero"`
	Departure    event.Date      `json:"departure,omitzero"`
	Adults       lenient.Int     `json:"adults,omitzero"`
	Children     lenient.Int     `json:"children,omitzero"`
	CurrencyCode lenient.String  `json:"currency_code,omitempty"`
	TotalAmount  lenient.Decimal `json:"total_amount,omitzero"`
	CreatedUTC   lenient.Time    `json:"created_utc,omitzero"`
	UpdatedUTC   lenient.Time    `json:"updated_utc,omitzero"`
}

// ThreadMessage is one message of a conversation: the entity of
// entity_type thread_message and the body of GET /v2/messages/{id}.
// OwnerRez sends it for guests' messages, for the host's own (including
// those sent through the API) and for unsent drafts (IsDraft).
type ThreadMessage struct {
	ID   lenient.Int    `json:"id"`
	Body lenient.String `json:"body,omitempty"`
	// DateUTC is when the message was written or sent.
	DateUTC       lenient.Time `json:"date_utc,omitzero"`
	FromContactID lenient.Int  `json:"from_contact_id,omitzero"`
	// FromRole is who wrote the message, such as "guest", "cotraveler",
	// "third_party_booker", "owner", "co_host" or "bot".
	FromRole lenient.String `json:"from_role,omitempty"`
	IsDraft  lenient.Bool   `json:"is_draft"`
	Thread   *Thread        `json:"thread,omitempty"`
}

// FromGuest reports whether someone on the guest's side wrote m: its
// FromRole is guest, cotraveler or third_party_booker. It says nothing of
// drafts; see IsDraft.
func (m *ThreadMessage) FromGuest() bool {
	switch strings.ToLower(string(m.FromRole)) {
	case "guest", "cotraveler", "third_party_booker":
		return true
	}
	return false
}

// Thread is the conversation a ThreadMessage belongs to, and the booking,
// quote and property it is about when there is one.
type Thread struct {
	ID         lenient.Int    `json:"id"`
	BookingID  lenient.Int    `json:"booking_id,omitzero"`
	PropertyID lenient.Int    `json:"property_id,omitzero"`
	QuoteID    lenient.Int    `json:"quote_id,omitzero"`
	Channel    lenient.String `json:"channel,omitempty"`
	Type       lenient.String `json:"type,omitempty"`
}

// APIApplication is the OAuth app, the entity type of webhook_test and
// application_authorization_revoked deliveries. Those deliveries carry no
// entity, so it is decoded only should OwnerRez ever send one; its schema
// is not documented.
type APIApplication struct {
	ID   lenient.Int    `json:"id"`
	Name lenient.String `json:"name,omitempty"`
}

func fullName(first, last string) string {
	return strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
}
