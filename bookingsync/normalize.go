package bookingsync

import (
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hashid"
	"github.com/pmshooks/pmshooks/internal/textpack"
	"github.com/pmshooks/pmshooks/lenient"
)

// route is how one BookingSync event name normalizes: its type and the
// Subject kind of the record it is about.
type route struct {
	typ  event.Type
	kind string
}

// eventTable maps every event name of BookingSync's webhook documentation
// (64, as of its 2023-12 list) to its normalized type. booking_updated is
// booking.cancelled instead when the booking's status is Canceled. Kinds
// without a normalized type of their own are record.*, with BookingSync's own
// kind in Subject.Kind. It is never modified.
var eventTable = map[string]route{
	"account_destroyed": {event.RecordDeleted, "account"},
	"account_updated":   {event.RecordUpdated, "account"},

	"accounts_application_created":   {event.RecordCreated, "accounts_application"},
	"accounts_application_destroyed": {event.RecordDeleted, "accounts_application"},
	"accounts_application_updated":   {event.RecordUpdated, "accounts_application"},

	"accounts_user_created":   {event.RecordCreated, "accounts_user"},
	"accounts_user_destroyed": {event.RecordDeleted, "accounts_user"},
	"accounts_user_updated":   {event.RecordUpdated, "accounts_user"},

	"amenity_created":   {event.RecordCreated, "amenity"},
	"amenity_destroyed": {event.RecordDeleted, "amenity"},
	"amenity_updated":   {event.RecordUpdated, "amenity"},

	// Subject is the rental (kind "property") when the availability links
	// one, else the availability itself.
	"availability_updated": {event.AvailabilityUpdated, event.KindAvailability},

	"booking_comment_created":   {event.RecordCreated, "booking_comment"},
	"booking_comment_destroyed": {event.RecordDeleted, "booking_comment"},
	"booking_comment_updated":   {event.RecordUpdated, "booking_comment"},

	"booking_created":   {event.BookingCreated, event.KindBooking},
	"booking_destroyed": {event.BookingDeleted, event.KindBooking},
	"booking_updated":   {event.BookingUpdated, event.KindBooking},

	"booking_discount_code_created":   {event.RecordCreated, "booking_discount_code"},
	"booking_discount_code_destroyed": {event.RecordDeleted, "booking_discount_code"},
	"booking_discount_code_updated":   {event.RecordUpdated, "booking_discount_code"},

	"booking_discount_code_usage_created":   {event.RecordCreated, "booking_discount_code_usage"},
	"booking_discount_code_usage_destroyed": {event.RecordDeleted, "booking_discount_code_usage"},
	"booking_discount_code_usage_updated":   {event.RecordUpdated, "booking_discount_code_usage"},

	"bookings_fee_created":   {event.RecordCreated, "bookings_fee"},
	"bookings_fee_destroyed": {event.RecordDeleted, "bookings_fee"},
	"bookings_fee_updated":   {event.RecordUpdated, "bookings_fee"},

	"bookings_tags_item_created":   {event.RecordCreated, "bookings_tags_item"},
	"bookings_tags_item_destroyed": {event.RecordDeleted, "bookings_tags_item"},

	"client_created":   {event.GuestCreated, event.KindGuest},
	"client_destroyed": {event.GuestDeleted, event.KindGuest},
	"client_updated":   {event.GuestUpdated, event.KindGuest},

	"fee_created":   {event.RecordCreated, "fee"},
	"fee_destroyed": {event.RecordDeleted, "fee"},
	"fee_updated":   {event.RecordUpdated, "fee"},

	// The host's review of a guest is not a review of the stay by a guest,
	// which is what review.* announces.
	"host_review_created": {event.RecordCreated, "host_review"},
	"host_review_updated": {event.RecordUpdated, "host_review"},

	"inbox_conversation_created": {event.RecordCreated, event.KindConversation},
	"inbox_conversation_updated": {event.RecordUpdated, event.KindConversation},

	"inbox_message_created": {event.MessageReceived, event.KindMessage},
	"inbox_message_updated": {event.RecordUpdated, event.KindMessage},

	"inquiry_created":   {event.InquiryCreated, event.KindInquiry},
	"inquiry_destroyed": {event.RecordDeleted, event.KindInquiry}, // there is no inquiry.deleted
	"inquiry_updated":   {event.InquiryUpdated, event.KindInquiry},

	"payment_created":   {event.PaymentCreated, event.KindPayment},
	"payment_destroyed": {event.PaymentDeleted, event.KindPayment},
	"payment_updated":   {event.PaymentUpdated, event.KindPayment},

	"photo_created":   {event.RecordCreated, "photo"},
	"photo_destroyed": {event.RecordDeleted, "photo"},
	"photo_updated":   {event.RecordUpdated, "photo"},

	"rental_created":   {event.PropertyCreated, event.KindProperty},
	"rental_destroyed": {event.PropertyDeleted, event.KindProperty},
	"rental_updated":   {event.PropertyUpdated, event.KindProperty},

	"rental_exposure_exception_created":   {event.RecordCreated, "rental_exposure_exception"},
	"rental_exposure_exception_destroyed": {event.RecordDeleted, "rental_exposure_exception"},

	"rentals_amenity_created":   {event.RecordCreated, "rentals_amenity"},
	"rentals_amenity_destroyed": {event.RecordDeleted, "rentals_amenity"},
	"rentals_amenity_updated":   {event.RecordUpdated, "rentals_amenity"},

	"review_created":       {event.ReviewCreated, event.KindReview},
	"review_updated":       {event.ReviewUpdated, event.KindReview},
	"review_reply_created": {event.ReviewUpdated, "review_reply"}, // a reply changes the review

	"user_created":   {event.RecordCreated, "user"},
	"user_destroyed": {event.RecordDeleted, "user"},
	"user_updated":   {event.RecordUpdated, "user"},
}

// normalize builds the Event of a parsed delivery. types overrides the
// normalized type of event names (WithEventType); it may be nil.
func normalize(w *Webhook, types map[string]event.Type) event.Event {
	f := event.Fields{
		Provider: Provider,
		Type:     event.TypeUnknown,
		Name:     w.Event,
		Account:  w.AccountID,
		Raw:      w.Raw,
		Data:     w,
	}
	// The event's id, version and booking's rental id are made as one
	// string (texts): one allocation rather than one each.
	var (
		texts           textpack.Pack
		idBuf           [hashid.Len]byte
		version, rental textpack.Text
	)
	id := texts.Add(hashid.Append(idBuf[:0], w.Raw)) // event.HashID: BookingSync sends no delivery id
	r, known := eventTable[w.Event]
	if known {
		f.Type = r.typ
		f.Subject.Kind = r.kind
	}
	if t, ok := types[w.Event]; ok {
		f.Type = t
		if !known {
			f.Subject.Kind, _ = splitName(w.Event)
		}
	}

	rec, ok := w.Resource.(recorder)
	if !ok {
		texts.Done()
		f.ID = texts.String(id)
		return event.New(f)
	}
	base := rec.record()
	f.Subject.ID = base.ID.String()
	if _, action := splitName(w.Event); action != "destroyed" {
		// A destroyed record's timestamps tell when it last changed, not
		// when it was destroyed.
		f.Time = recordTime(base)
	}

	switch res := w.Resource.(type) {
	case *Booking:
		f.Booking = new(event.Booking)
		rental = fillBooking(f.Booking, res, &texts)
		if f.Type == event.BookingUpdated && f.Booking.Status == event.StatusCancelled {
			f.Type = event.BookingCancelled
		}
		if _, action := splitName(w.Event); action != "destroyed" {
			// The state a booking_created or booking_updated carries; a
			// destroyed booking's record says how it was, not that it
			// is gone.
			var buf [versionLen]byte
			version = texts.Add(appendBookingVersion(buf[:0], res))
		}
	case *InboxMessage:
		m := messageOf(res)
		f.Message = &m
	case *Availability:
		if rental := res.Links.ID("rental"); rental != "" {
			f.Subject = event.Subject{Kind: event.KindProperty, ID: rental}
		}
	}
	texts.Done()
	f.ID, f.Version = texts.String(id), texts.String(version)
	if f.Booking != nil {
		f.Booking.PropertyID = texts.String(rental)
	}
	return event.New(f)
}

// bookingVersion is the one version of a booking state, for the Receiver
// and the Source alike: its updated_at in UTC, RFC 3339 (fractions of a
// second only when sent), so that a delivery and a poll of the same state
// report the same version whatever offset either was written with; ""
// when updated_at is not a time with a zone.
func bookingVersion(b *Booking) string {
	var buf [versionLen]byte
	return string(appendBookingVersion(buf[:0], b))
}

// appendBookingVersion appends bookingVersion(b) to dst.
func appendBookingVersion(dst []byte, b *Booking) []byte {
	t := b.UpdatedAt.Instant()
	if t.IsZero() {
		return dst
	}
	return t.UTC().AppendFormat(dst, time.RFC3339Nano)
}

// versionLen is room for a version of any year of four digits.
const versionLen = len(time.RFC3339Nano)

// recordTime is when the record last changed: updated_at, else created_at;
// zero when neither is sent with a zone.
func recordTime(r *Record) time.Time {
	if t := r.UpdatedAt.Instant(); !t.IsZero() {
		return t
	}
	return r.CreatedAt.Instant()
}

// bookingOf normalizes a booking record.
//
// Arrival and Departure are the calendar dates of start_at and end_at as
// written. BookingSync writes the rental's local check-in and check-out clock
// times with a "Z" (16:00 for a rental whose checkin_time is 16), so converting
// them to another zone would shift the dates: they are read as sent.
func bookingOf(b *Booking) event.Booking {
	var (
		texts textpack.Pack
		nb    event.Booking
	)
	rental := fillBooking(&nb, b, &texts)
	texts.Done()
	nb.PropertyID = texts.String(rental)
	return nb
}

// fillBooking sets *nb to bookingOf(b) but for its PropertyID, which it
// adds to texts: set it from the Text it returns once texts is Done.
func fillBooking(nb *event.Booking, b *Booking, texts *textpack.Pack) textpack.Text {
	*nb = event.Booking{
		ID:        b.ID.String(),
		Status:    bookingStatus(b),
		Adults:    b.Adults.Int(),
		Children:  b.Children.Int(),
		UpdatedAt: b.UpdatedAt.Instant(),
	}
	nb.Arrival = dateOf(b.StartAt)
	nb.Departure = dateOf(b.EndAt)
	if b.FinalPrice.Value != "" { // an unparsed price is no Money
		nb.Total = event.Money{Amount: b.FinalPrice.Value, Currency: strings.ToUpper(strings.TrimSpace(string(b.Currency)))}
	}
	var buf [32]byte
	return texts.Add(b.Links.appendID(buf[:0], "rental"))
}

// dateOf is the calendar date of a timestamp: the zero Date when it is not
// given, and an unparsed Date carrying its text when it could not be read,
// so that no date is invented.
func dateOf(t lenient.Time) event.Date {
	switch {
	case t.IsUnparsed():
		return event.Date{Unparsed: t.Unparsed}
	case t.Time.IsZero():
		return event.Date{}
	}
	return event.DateOf(t.Time)
}

// bookingStatus maps BookingSync's booking status. "Locked" (held by another
// application or user) and statuses this package does not know say nothing
// about the stay itself, so the booking's flags decide: canceled_at, then
// booked, unavailable and tentative_expires_at.
func bookingStatus(b *Booking) event.BookingStatus {
	switch strings.ToLower(strings.TrimSpace(string(b.Status))) {
	case "booked":
		return event.StatusConfirmed
	case "tentative":
		return event.StatusTentative
	case "unavailable":
		return event.StatusBlocked
	case "canceled", "cancelled":
		return event.StatusCancelled
	}
	switch {
	case !b.CanceledAt.Time.IsZero():
		return event.StatusCancelled
	case b.Booked.Value:
		return event.StatusConfirmed
	case b.Unavailable.Value:
		return event.StatusBlocked
	case !b.TentativeExpiresAt.Time.IsZero():
		return event.StatusTentative
	}
	return event.StatusUnknown
}

// messageOf normalizes an inbox message.
func messageOf(m *InboxMessage) event.Message {
	sent := m.SentAt.Instant()
	if sent.IsZero() {
		sent = m.CreatedAt.Instant()
	}
	return event.Message{
		ID:             m.ID.String(),
		ConversationID: m.Links.ID("conversation"),
		Body:           string(m.Content),
		Incoming:       incoming(m),
		SentAt:         sent,
	}
}

// incoming tells whether the guest probably wrote m. An inbox message names
// its sender only as an inbox participant id (whether that participant is the
// guest or a host takes an API call), so this reads the message's origin:
// messages written in BookingSync's own inbox ("bookingsync_inbox") and
// internal notes are the host's; messages that arrived from a channel, e-mail,
// SMS or a messenger are taken to be the guest's. A host who answers from a
// channel's own app is therefore seen as the guest.
func incoming(m *InboxMessage) bool {
	if strings.EqualFold(string(m.Visibility), "internal") {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(string(m.Origin))) {
	case "airbnb_message", "airbnb_email", "booking-com", "homeaway", "tripadvisor",
		"email", "messenger", "whatsapp", "inquiry", "sms":
		return true
	}
	return false
}
