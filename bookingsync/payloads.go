package bookingsync

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/colocate"
	"github.com/pmshooks/pmshooks/internal/jsonobj"
	"github.com/pmshooks/pmshooks/lenient"
)

// The record types below follow BookingSync API v3's serializers, with its own
// field names in the json tags: a delivery's resource is "the serialized object
// in the same format as API v3 serializes objects". Decoding is lenient (ids as
// number or string, decimals as string or number, null anywhere) and ignores
// fields not listed. Which fields are present depends on the scopes the
// account granted the application; absent ones stay zero.

// Links maps a record's associations to the ids of the linked records, as
// BookingSync writes them in a record's "links": an id (number or string), an
// array of ids, null, or for a polymorphic link an object {"id", "type"}.
type Links map[string]json.RawMessage

// ID returns the id that the association name links to, as text: the value
// itself for a number or string, the "id" member of a polymorphic object. It
// returns "" when the link is absent, null, an array or not an id.
func (l Links) ID(name string) string {
	var buf [32]byte
	if id, ok := l.scalarID(buf[:0], name); ok {
		return string(id)
	}
	return l.polymorphicID(name)
}

// appendID appends l.ID(name) to dst: without allocating for a link that
// is an id (a number, or a string without escapes).
func (l Links) appendID(dst []byte, name string) []byte {
	if id, ok := l.scalarID(dst, name); ok {
		return id
	}
	return append(dst, l.polymorphicID(name)...)
}

// scalarID appends l.ID(name) to dst and reports true when the link is
// absent, null, an array or an id (a number or a string) that is read
// without the JSON decoder (a string without escapes), as a lenient.String
// reads it; it reports false for the other links, which polymorphicID
// reads.
func (l Links) scalarID(dst []byte, name string) ([]byte, bool) {
	raw, ok := l[name]
	if !ok {
		return dst, true
	}
	raw = bytes.Trim(raw, " \t\r\n") // JSON's white space
	switch k := jsonobj.Kind(raw); {
	case k == '[' || k == 0:
		return dst, true
	case k == '{' || !jsonobj.Valid(raw):
		return dst, false
	case k == 'n':
		return dst, true // null
	case k == '"':
		inner := raw[1 : len(raw)-1]
		if bytes.IndexByte(inner, '\\') >= 0 || !utf8.Valid(inner) {
			return dst, false
		}
		return append(dst, inner...), true
	}
	return append(dst, raw...), true // a number or a boolean, as written
}

// polymorphicID is l.ID(name) read by the JSON decoder.
func (l Links) polymorphicID(name string) string {
	raw, ok := l[name]
	if !ok {
		return ""
	}
	switch jsonobj.Kind(raw) {
	case '{':
		var poly struct {
			ID lenient.String `json:"id"`
		}
		if json.Unmarshal(raw, &poly) != nil {
			return ""
		}
		return poly.ID.String()
	case '[', 0:
		return ""
	}
	var id lenient.String
	if json.Unmarshal(raw, &id) != nil {
		return ""
	}
	return id.String()
}

// IDs returns the ids that the association name links to: every element of
// an array, or the single id of a scalar link. It returns nil when the link is
// absent, null or holds no ids.
func (l Links) IDs(name string) []string {
	raw, ok := l[name]
	if !ok || jsonobj.IsNull(raw) {
		return nil
	}
	if jsonobj.Kind(raw) != '[' {
		if id := l.ID(name); id != "" {
			return []string{id}
		}
		return nil
	}
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil || len(elems) == 0 {
		return nil
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		if k := jsonobj.Kind(e); k == '[' || k == '{' {
			continue // no id: a lenient.String would keep its raw text
		}
		var id lenient.String
		if json.Unmarshal(e, &id) == nil && id != "" {
			out = append(out, id.String())
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Translations is a text in several languages, keyed by locale ("en",
// "fr", ...). A null translation reads as "".
type Translations map[string]string

// Record holds what every BookingSync record has: its id, its links and its
// timestamps. Every typed record embeds it, and events whose resource has no
// documented shape (accounts_application_*, accounts_user_*,
// bookings_tags_item_*, rental_exposure_exception_*, user_*) carry a *Record
// alone: read the rest from Raw.
type Record struct {
	Links     Links          `json:"links,omitempty"`
	ID        lenient.String `json:"id"`
	CreatedAt lenient.Time   `json:"created_at"`
	UpdatedAt lenient.Time   `json:"updated_at"`

	// Raw is the record's JSON exactly as sent, a part of the delivery body:
	// do not modify it. A record sent as a bare id has that id as Raw.
	Raw json.RawMessage `json:"-"`
}

func (r *Record) record() *Record { return r }

// recorder is implemented by *Record and, through embedding, by every typed
// record.
type recorder interface{ record() *Record }

// Booking is a reservation, an unavailable period or a hold (booking_*
// events). Status is one of "Booked", "Tentative", "Unavailable", "Locked" and
// "Canceled". StartAt and EndAt are the check-in and check-out times.
type Booking struct {
	Record
	Reference                     lenient.String  `json:"reference"`
	Status                        lenient.String  `json:"status"`
	Booked                        lenient.Bool    `json:"booked"`
	Unavailable                   lenient.Bool    `json:"unavailable"`
	StartAt                       lenient.Time    `json:"start_at"`
	EndAt                         lenient.Time    `json:"end_at"`
	TentativeExpiresAt            lenient.Time    `json:"tentative_expires_at"`
	CanceledAt                    lenient.Time    `json:"canceled_at"`
	BalanceDueAt                  lenient.Time    `json:"balance_due_at"`
	ContractUpdatedAt             lenient.Time    `json:"contract_updated_at"`
	Adults                        lenient.Int     `json:"adults"`
	Children                      lenient.Int     `json:"children"`
	Currency                      lenient.String  `json:"currency"`
	InitialPrice                  lenient.Decimal `json:"initial_price"`
	InitialRentalPrice            lenient.Decimal `json:"initial_rental_price"`
	FinalPrice                    lenient.Decimal `json:"final_price"`
	FinalRentalPrice              lenient.Decimal `json:"final_rental_price"`
	ChannelPrice                  lenient.Decimal `json:"channel_price"`
	Discount                      lenient.String  `json:"discount"` // such as "10%"
	Downpayment                   lenient.Decimal `json:"downpayment"`
	PaidAmount                    lenient.Decimal `json:"paid_amount"`
	AuthorizedAmount              lenient.Decimal `json:"authorized_amount"`
	PaidOrAuthorizedAmount        lenient.Decimal `json:"paid_or_authorized_amount"`
	PaymentLeftToCollect          lenient.Decimal `json:"payment_left_to_collect"`
	DamageDeposit                 lenient.Decimal `json:"damage_deposit"`
	ChargeDamageDepositOnArrival  lenient.Bool    `json:"charge_damage_deposit_on_arrival"`
	DamageDepositCollectionMethod lenient.String  `json:"damage_deposit_collection_method"`
	Commission                    lenient.Decimal `json:"commission"`
	RentalPaybackToOwner          lenient.Decimal `json:"rental_payback_to_owner"`
	FinalPaybackToOwner           lenient.Decimal `json:"final_payback_to_owner"`
	Notes                         lenient.String  `json:"notes"`
	DoorKeyCode                   lenient.String  `json:"door_key_code"`
	ExpectedCheckinTime           lenient.String  `json:"expected_checkin_time"` // "14:45"
	ExpectedCheckoutTime          lenient.String  `json:"expected_checkout_time"`
	BookingsPaymentsCount         lenient.Int     `json:"bookings_payments_count"`
	ReviewRequestsCount           lenient.Int     `json:"review_requests_count"`
	Locked                        lenient.String  `json:"locked"` // such as "doorkeeper/application-17"
	OwnedByApp                    lenient.Bool    `json:"owned_by_app"`
	PaymentURL                    lenient.String  `json:"payment_url"`
	ExternalReference             lenient.String  `json:"external_reference"`
	CancelationReason             lenient.String  `json:"cancelation_reason"`
	Imported                      lenient.Bool    `json:"imported"`
	CreatedByID                   lenient.String  `json:"created_by_id"`
	CreatedByType                 lenient.String  `json:"created_by_type"`
}

// Rental is a property offered for stays (rental_* events). Texts shown to
// guests are Translations; check-in and check-out times are hours of the day.
type Rental struct {
	Record
	Name                          lenient.String  `json:"name"`
	RentalType                    lenient.String  `json:"rental_type"`
	ManagementType                lenient.String  `json:"management_type"`
	ResidencyCategory             lenient.String  `json:"residency_category"`
	Headline                      Translations    `json:"headline"`
	Summary                       Translations    `json:"summary"`
	Description                   Translations    `json:"description"`
	CheckinDetails                Translations    `json:"checkin_details"`
	CheckoutDetails               Translations    `json:"checkout_details"`
	PricePublicNotes              Translations    `json:"price_public_notes"`
	WebsiteURL                    Translations    `json:"website_url"`
	Currency                      lenient.String  `json:"currency"`
	AbsoluteMinPrice              lenient.Decimal `json:"absolute_min_price"`
	BaseRate                      lenient.Decimal `json:"base_rate"`
	BaseRateKind                  lenient.String  `json:"base_rate_kind"`
	MinPrice                      lenient.Decimal `json:"min_price"`
	MaxPrice                      lenient.Decimal `json:"max_price"`
	InitialPrice                  lenient.Decimal `json:"initial_price"`
	FinalPrice                    lenient.Decimal `json:"final_price"`
	Downpayment                   lenient.Decimal `json:"downpayment"` // percent
	DamageDeposit                 lenient.Decimal `json:"damage_deposit"`
	BookableOnline                lenient.Bool    `json:"bookable_online"`
	BookableOnRequest             lenient.Bool    `json:"bookable_on_request"`
	InstantlyBookable             lenient.Bool    `json:"instantly_bookable"`
	CheckinTime                   lenient.Int     `json:"checkin_time"`
	CheckinEndTime                lenient.Int     `json:"checkin_end_time"`
	CheckoutTime                  lenient.Int     `json:"checkout_time"`
	Sleeps                        lenient.Int     `json:"sleeps"`
	SleepsMax                     lenient.Int     `json:"sleeps_max"`
	BedroomsCount                 lenient.Int     `json:"bedrooms_count"`
	BathroomsCount                lenient.Decimal `json:"bathrooms_count"`
	StoriesCount                  lenient.Int     `json:"stories_count"`
	Surface                       lenient.Decimal `json:"surface"`
	SurfaceUnit                   lenient.String  `json:"surface_unit"`
	Address1                      lenient.String  `json:"address1"`
	Address2                      lenient.String  `json:"address2"`
	City                          lenient.String  `json:"city"`
	State                         lenient.String  `json:"state"`
	Zip                           lenient.String  `json:"zip"`
	CountryCode                   lenient.String  `json:"country_code"`
	Lat                           lenient.Decimal `json:"lat"`
	Lng                           lenient.Decimal `json:"lng"`
	Floor                         lenient.String  `json:"floor"`
	ContactName                   lenient.String  `json:"contact_name"`
	OwnerFullname                 lenient.String  `json:"owner_fullname"`
	OwnerEmail                    lenient.String  `json:"owner_email"`
	Notes                         lenient.String  `json:"notes"`
	PermitNumber                  lenient.String  `json:"permit_number"`
	Position                      lenient.Int     `json:"position"`
	ReviewsCount                  lenient.Int     `json:"reviews_count"`
	ReviewsAverageRating          lenient.Decimal `json:"reviews_average_rating"`
	MidTermPricingActive          lenient.Bool    `json:"mid_term_pricing_active"`
	NightlyRatesManagedExternally lenient.Bool    `json:"nightly_rates_managed_externally"`
	PublishedAt                   lenient.Time    `json:"published_at"`
}

// Guest is a guest, the record BookingSync calls a client (client_* events;
// its JSON key is "client").
type Guest struct {
	Record
	Fullname               lenient.String `json:"fullname"`
	Firstname              lenient.String `json:"firstname"`
	Lastname               lenient.String `json:"lastname"`
	Company                lenient.String `json:"company"`
	VATNumber              lenient.String `json:"vat_number"`
	Passport               lenient.String `json:"passport"`
	PreferredLocale        lenient.String `json:"preferred_locale"`
	Notes                  lenient.String `json:"notes"`
	Emails                 []GuestEmail   `json:"emails"`
	Phones                 []GuestPhone   `json:"phones"`
	Addresses              []GuestAddress `json:"addresses"`
	ForgetMeAt             lenient.Time   `json:"forget_me_at"`
	ProcessingRestrictedAt lenient.Time   `json:"processing_restricted_at"`
}

// GuestEmail is one e-mail address of a Guest.
type GuestEmail struct {
	ID      lenient.String `json:"id"`
	Label   lenient.String `json:"label"`
	Email   lenient.String `json:"email"`
	Primary lenient.Bool   `json:"primary"`
}

// GuestPhone is one phone number of a Guest.
type GuestPhone struct {
	ID          lenient.String `json:"id"`
	Label       lenient.String `json:"label"`
	Number      lenient.String `json:"number"`
	CountryCode lenient.String `json:"country_code"`
	Primary     lenient.Bool   `json:"primary"`
}

// GuestAddress is one postal address of a Guest.
type GuestAddress struct {
	ID          lenient.String `json:"id"`
	Label       lenient.String `json:"label"`
	Address1    lenient.String `json:"address1"`
	Address2    lenient.String `json:"address2"`
	City        lenient.String `json:"city"`
	State       lenient.String `json:"state"`
	Zip         lenient.String `json:"zip"`
	CountryCode lenient.String `json:"country_code"`
	Primary     lenient.Bool   `json:"primary"`
}

// Payment is a payment received or recorded (payment_* events). Its amount
// is in the currency's minor unit (AmountInCents); links "bookings" name the
// bookings it pays.
type Payment struct {
	Record
	OrderID        lenient.String `json:"order_id"`
	TransactionID  lenient.String `json:"transaction_id"`
	AmountInCents  lenient.Int    `json:"amount_in_cents"`
	Currency       lenient.String `json:"currency"`
	Kind           lenient.String `json:"kind"` // "cash", "credit-card", "bookingsync", ...
	Card           lenient.String `json:"card"`
	Fullname       lenient.String `json:"fullname"`
	Email          lenient.String `json:"email"`
	Locale         lenient.String `json:"locale"`
	Address1       lenient.String `json:"address1"`
	Address2       lenient.String `json:"address2"`
	City           lenient.String `json:"city"`
	State          lenient.String `json:"state"`
	Zip            lenient.String `json:"zip"`
	CountryCode    lenient.String `json:"country_code"`
	Notes          lenient.String `json:"notes"`
	Description    lenient.String `json:"description"`
	Test           lenient.Bool   `json:"test"`
	OffsitePayment lenient.Bool   `json:"offsite_payment"`
	PaidAt         lenient.Time   `json:"paid_at"`
	AuthorizedAt   lenient.Time   `json:"authorized_at"`
	RejectedAt     lenient.Time   `json:"rejected_at"`
	CanceledAt     lenient.Time   `json:"canceled_at"`
}

// Inquiry is a prospective guest's question about a stay (inquiry_*
// events); links "rental" and "booking" name the rental and, once made, the
// booking.
type Inquiry struct {
	Record
	Firstname   lenient.String `json:"firstname"`
	Lastname    lenient.String `json:"lastname"`
	Email       lenient.String `json:"email"`
	Phone       lenient.String `json:"phone"`
	CountryCode lenient.String `json:"country_code"`
	StartAt     lenient.Time   `json:"start_at"`
	EndAt       lenient.Time   `json:"end_at"`
	Adults      lenient.Int    `json:"adults"`
	Children    lenient.Int    `json:"children"`
	Message     lenient.String `json:"message"`
	Locked      lenient.String `json:"locked"`
}

// Availability is a rental's availability calendar (availability_updated).
// Map has one character per day from StartDate: '0' available, '1' booked,
// '2' tentative, '3' unavailable.
type Availability struct {
	Record
	Map       lenient.String `json:"map"`
	StartDate event.Date     `json:"start_date"`
}

// Review is a guest's review of a stay (review_* events).
type Review struct {
	Record
	Rating         lenient.Decimal             `json:"rating"`
	RatingAccurate lenient.Decimal             `json:"rating_accurate"`
	Title          lenient.String              `json:"title"`
	Comment        lenient.String              `json:"comment"`
	PrivateComment lenient.String              `json:"private_comment"`
	Name           lenient.String              `json:"name"`
	CountryCode    lenient.String              `json:"country_code"`
	Shareable      lenient.Bool                `json:"shareable"`
	Criteria       map[string]*ReviewCriterion `json:"criteria"`
}

// ReviewCriterion is the rating of one aspect of a stay or a guest, such as
// "cleanliness". A criterion that was not rated is nil in its map.
type ReviewCriterion struct {
	Rating  lenient.Decimal `json:"rating"`
	Comment lenient.String  `json:"comment"`
}

// HostReview is the host's review of a guest (host_review_* events). Its id
// is a UUID.
type HostReview struct {
	Record
	Comment            lenient.String              `json:"comment"`
	Shareable          lenient.Bool                `json:"shareable"`
	IsGuestRecommended lenient.Bool                `json:"is_guest_recommended"`
	Criteria           map[string]*ReviewCriterion `json:"criteria"`
	SubmittedAt        lenient.Time                `json:"submitted_at"`
	ExpiresAt          lenient.Time                `json:"expires_at"`
}

// ReviewReply is a reply to a review or a host review (review_reply_created);
// links "review" or "host_review" name what it answers. Its id is a UUID.
type ReviewReply struct {
	Record
	Reply     lenient.String `json:"reply"`
	RepliedAt lenient.Time   `json:"replied_at"`
}

// InboxConversation is a thread of messages with a guest
// (inbox_conversation_* events); links "bookings" and "inquiries" name what it
// is about.
type InboxConversation struct {
	Record
	Subject            lenient.String `json:"subject"`
	DefaultChannel     lenient.String `json:"default_channel"`
	LastMessageAt      lenient.Time   `json:"last_message_at"`
	DeadlineResponseAt lenient.Time   `json:"deadline_response_at"`
	ClosedAt           lenient.Time   `json:"closed_at"`
	MarkedAsSpamAt     lenient.Time   `json:"marked_as_spam_at"`
	CreatedByID        lenient.String `json:"created_by_id"`
	CreatedByType      lenient.String `json:"created_by_type"`
}

// InboxMessage is one message of an InboxConversation (inbox_message_*
// events); links "conversation" and "sender" (an inbox participant) say where
// it belongs and who wrote it. Origin is where it was written
// ("bookingsync_inbox", "airbnb_message", "email", ...), Visibility
// "external" or "internal".
//
// Whether the participant who wrote it is the guest takes an API call, so
// the normalized event.Message has Incoming from the origin: true for an
// external message that arrived from a channel, e-mail, SMS or a messenger,
// false for one written in BookingSync's inbox ("bookingsync_inbox"), for
// internal notes and for unknown origins. A host who answers from a channel's
// own app is therefore taken for the guest.
type InboxMessage struct {
	Record
	Content    lenient.String `json:"content"`
	Channel    lenient.String `json:"channel"`
	Origin     lenient.String `json:"origin"`
	Visibility lenient.String `json:"visibility"`
	SentAt     lenient.Time   `json:"sent_at"`
}

// Account is a BookingSync account (account_* events).
type Account struct {
	Record
	BusinessName    lenient.String            `json:"business_name"`
	Email           lenient.String            `json:"email"`
	Status          lenient.String            `json:"status"` // "trial", "paying", "suspended"
	DefaultLocale   lenient.String            `json:"default_locale"`
	SelectedLocales []lenient.String          `json:"selected_locales"`
	Website         lenient.String            `json:"website"`
	Address1        lenient.String            `json:"address1"`
	Address2        lenient.String            `json:"address2"`
	City            lenient.String            `json:"city"`
	State           lenient.String            `json:"state"`
	Zip             lenient.String            `json:"zip"`
	CountryCode     lenient.String            `json:"country_code"`
	Phones          map[string]lenient.String `json:"phones"`
}

// Amenity is an amenity of the catalogue (amenity_* events).
type Amenity struct {
	Record
	Key   lenient.String `json:"key"`
	Title Translations   `json:"title"`
}

// RentalsAmenity is an amenity of one rental (rentals_amenity_* events).
type RentalsAmenity struct {
	Record
	Details Translations `json:"details"`
}

// BookingComment is a comment on a booking (booking_comment_* events).
type BookingComment struct {
	Record
	Content  lenient.String `json:"content"`
	Editable lenient.Bool   `json:"editable"`
}

// DiscountCode is a discount code (booking_discount_code_* events). Its id
// is a UUID; it discounts either FixedAmount or Percentage.
type DiscountCode struct {
	Record
	Code                lenient.String  `json:"discount_code"`
	Currency            lenient.String  `json:"currency"`
	FixedAmount         lenient.Decimal `json:"fixed_amount"`
	Percentage          lenient.Decimal `json:"percentage"`
	MinimumSpend        lenient.Decimal `json:"minimum_spend"`
	MinimumNightsBooked lenient.Int     `json:"minimum_nights_booked"`
	NumberOfTimes       lenient.Int     `json:"number_of_times"`
	AllRentals          lenient.Bool    `json:"all_rentals"`
	StartDate           event.Date      `json:"start_date"`
	EndDate             event.Date      `json:"end_date"`
	CanceledAt          lenient.Time    `json:"canceled_at"`
}

// DiscountCodeUsage is the use of a discount code by a booking
// (booking_discount_code_usage_* events).
type DiscountCodeUsage struct {
	Record
	Currency      lenient.String `json:"currency"`
	AmountInCents lenient.Int    `json:"amount_in_cents"`
	CanceledAt    lenient.Time   `json:"canceled_at"`
}

// BookingsFee is a fee charged on one booking (bookings_fee_* events).
type BookingsFee struct {
	Record
	Name            Translations    `json:"name"`
	Price           lenient.Decimal `json:"price"`
	Required        lenient.Bool    `json:"required"`
	IncludedInPrice lenient.Bool    `json:"included_in_price"`
	TimesBooked     lenient.Int     `json:"times_booked"`
}

// Fee is a fee of the account's catalogue (fee_* events).
type Fee struct {
	Record
	Kind                  lenient.String  `json:"kind"` // "cleaning" or "other"
	Name                  Translations    `json:"name"`
	Rate                  lenient.Decimal `json:"rate"`
	RateKind              lenient.String  `json:"rate_kind"` // "fixed", "percentage", ...
	DownpaymentPercentage lenient.Decimal `json:"downpayment_percentage"`
}

// Photo is a photo of a rental (photo_* events).
type Photo struct {
	Record
	Kind        lenient.String  `json:"kind"`
	Description Translations    `json:"description"`
	Position    lenient.Int     `json:"position"`
	Width       lenient.Int     `json:"width"`
	Height      lenient.Int     `json:"height"`
	Ratio       lenient.Decimal `json:"ratio"`
	ThumbURL    lenient.String  `json:"thumb_url"`
	MediumURL   lenient.String  `json:"medium_url"`
	LargeURL    lenient.String  `json:"large_url"`
	GiantURL    lenient.String  `json:"giant_url"`
}

// newWebhook returns a new Webhook and, allocated with it, a new, empty
// typed record for the resource kind of an event name (such as "booking"
// for booking_created), or a *Record for kinds without a documented shape.
func newWebhook(kind string) (*Webhook, recorder) {
	switch kind {
	case "booking":
		return with[Booking]()
	case "rental":
		return with[Rental]()
	case "client":
		return with[Guest]()
	case "payment":
		return with[Payment]()
	case "inquiry":
		return with[Inquiry]()
	case "availability":
		return with[Availability]()
	case "review":
		return with[Review]()
	case "host_review":
		return with[HostReview]()
	case "review_reply":
		return with[ReviewReply]()
	case "inbox_conversation":
		return with[InboxConversation]()
	case "inbox_message":
		return with[InboxMessage]()
	case "account":
		return with[Account]()
	case "amenity":
		return with[Amenity]()
	case "rentals_amenity":
		return with[RentalsAmenity]()
	case "booking_comment":
		return with[BookingComment]()
	case "booking_discount_code":
		return with[DiscountCode]()
	case "booking_discount_code_usage":
		return with[DiscountCodeUsage]()
	case "bookings_fee":
		return with[BookingsFee]()
	case "fee":
		return with[Fee]()
	case "photo":
		return with[Photo]()
	}
	return with[Record]()
}

// with returns a new Webhook and a new T beside it, in one allocation: a
// delivery and its record live and die together.
func with[T any, P interface {
	*T
	recorder
}]() (*Webhook, recorder) {
	w, rec := colocate.New[Webhook, T]()
	return w, P(rec)
}

// recordRank returns the rank of key among the keys of resource under which
// a record of kind may sit, most likely first, and -1 when it is none of
// them: the singular name (rank 0, documented for client_created), then the
// plural the REST API uses (1), then the singular and plural names
// BookingSync's REST endpoints give namespaced models (2 and 3,
// "conversation" for inbox_conversation). It builds no string.
func recordRank(kind, key string) int {
	switch {
	case key == kind:
		return 0
	case isPlural(kind, key):
		return 1
	}
	var alias string
	switch kind {
	case "inbox_conversation":
		alias = "conversation"
	case "inbox_message":
		alias = "message"
	case "booking_discount_code":
		alias = "discount_code"
	case "booking_discount_code_usage":
		alias = "discount_code_usage"
	default:
		return -1
	}
	switch {
	case key == alias:
		return 2
	case isPlural(alias, key):
		return 3
	}
	return -1
}

// isPlural reports whether key is the English plural of kind, as Rails
// forms it for these names ("inquiry" → "inquiries", "booking" →
// "bookings"), without building it.
func isPlural(kind, key string) bool {
	if n := len(kind); n > 1 && kind[n-1] == 'y' && !strings.ContainsRune("aeiou", rune(kind[n-2])) {
		return len(key) == n+2 && key[:n-1] == kind[:n-1] && key[n-1:] == "ies"
	}
	return len(key) == len(kind)+1 && key[:len(kind)] == kind && key[len(kind)] == 's'
}
