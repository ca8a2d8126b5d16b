package hostaway

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hashid"
	"github.com/pmshooks/pmshooks/internal/textpack"
	"github.com/pmshooks/pmshooks/lenient"
)

// eventTypes is the one table from Hostaway event names to normalized types.
// Reservation events are refined by the reservation's status (see typeOf).
var eventTypes = map[string]event.Type{
	EventReservationCreated: event.BookingCreated,
	EventReservationUpdated: event.BookingUpdated,
	EventMessageReceived:    event.MessageReceived,
	EventTest:               event.Ping,
}

// reservationStatuses maps every documented reservation status to its
// normalized BookingStatus.
//
// Requests to book that are waiting on the host or the guest are tentative.
// A declined or expired request to book never becomes a stay, so it is
// cancelled, like an explicit cancellation: whoever held the dates for it
// should release them. Every inquiry state, including Hostaway's "unknown"
// (documented as an Airbnb inquiry that failed), is an inquiry, which holds
// no dates.
var reservationStatuses = map[ReservationStatus]event.BookingStatus{
	StatusNew:                       event.StatusConfirmed,
	StatusModified:                  event.StatusConfirmed,
	StatusCancelled:                 event.StatusCancelled,
	StatusOwnerStay:                 event.StatusBlocked,
	StatusPending:                   event.StatusTentative,
	StatusAwaitingPayment:           event.StatusTentative,
	StatusDeclined:                  event.StatusCancelled,
	StatusExpired:                   event.StatusCancelled,
	StatusUnconfirmed:               event.StatusTentative,
	StatusAwaitingGuestVerification: event.StatusTentative,
	StatusInquiry:                   event.StatusInquiry,
	StatusInquiryPreapproved:        event.StatusInquiry,
	StatusInquiryDenied:             event.StatusInquiry,
	StatusInquiryTimedout:           event.StatusInquiry,
	StatusInquiryNotPossible:        event.StatusInquiry,
	StatusUnknown:                   event.StatusInquiry,
}

// BookingStatus returns the normalized status of s, and event.StatusUnknown
// for a status Hostaway does not document.
func (s ReservationStatus) BookingStatus() event.BookingStatus {
	if b, ok := reservationStatuses[s]; ok {
		return b
	}
	return event.StatusUnknown
}

// channelNames are Hostaway's channel ids and names
// (https://api.hostaway.com/documentation#reservation-channels), plus the legacy Airbnb
// integration 2001 that the reference's examples use. They name the channel
// when a reservation carries a channelId but no channelName.
var channelNames = map[int64]string{
	2000: "direct",
	2001: "airbnb",
	2002: "homeaway",
	2005: "bookingcom",
	2007: "expedia",
	2009: "homeawayical",
	2010: "vrboical",
	2013: "bookingengine",
	2015: "customIcal",
	2016: "tripadvisorical",
	2017: "wordpress",
	2018: "airbnbOfficial",
	2019: "marriott",
	2020: "partner",
	2021: "gds",
	2022: "google",
}

// channelOf returns the normalized channel of a reservation: its channelName,
// else the name of its channelId, through event.NormalizeChannel; "" when
// neither is known.
func channelOf(name lenient.String, id lenient.Int) event.Channel {
	n := strings.TrimSpace(string(name))
	if n == "" {
		n = channelNames[id.Value]
	}
	return event.NormalizeChannel(n)
}

// typeOf returns the normalized type of w: the table's type for its name,
// refined for reservations by their status. A reservation whose status is
// cancelled (including declined and expired requests) is booking.cancelled,
// whichever event reported it; one in an inquiry state is inquiry.created or
// inquiry.updated.
func typeOf(w *Webhook) event.Type {
	t, ok := eventTypes[w.Name()]
	if !ok {
		return event.TypeUnknown
	}
	if w.Reservation == nil {
		return t
	}
	switch w.Reservation.Status.BookingStatus() {
	case event.StatusCancelled:
		return event.BookingCancelled
	case event.StatusInquiry:
		if t == event.BookingCreated {
			return event.InquiryCreated
		}
		return event.InquiryUpdated
	}
	return t
}

// normalize turns a parsed delivery into an Event. loc is the zone of
// Hostaway's zoneless timestamps; nil means UTC.
func normalize(w *Webhook, loc *time.Location) event.Event {
	return event.New(normalizeFields(w, loc))
}

// normalizeFields is normalize before event.New: the one normalization of
// deliveries and of the changes a Source lists.
func normalizeFields(w *Webhook, loc *time.Location) event.Fields {
	if loc == nil {
		loc = time.UTC
	}
	f := event.Fields{
		Provider: Provider,
		Type:     typeOf(w),
		Name:     w.Name(),
		Account:  w.AccountID,
		Raw:      w.Raw,
		Data:     w,
	}
	// The event's id, version and record ids are made as one string: one
	// allocation rather than one each.
	var (
		texts            textpack.Pack
		idBuf            [hashid.Len]byte
		version, account textpack.Text
		bookingIDs       bookingTexts
		messageIDs       messageTexts
	)
	id := texts.Add(hashid.Append(idBuf[:0], w.Raw)) // event.HashID: Hostaway sends no delivery id
	switch {
	case w.IsTest():
	case w.Reservation != nil:
		r := w.Reservation
		f.Booking = new(event.Booking)
		bookingIDs = fillBooking(f.Booking, r, loc, &texts)
		var buf [versionLen]byte
		version = texts.Add(r.appendVersion(buf[:0]))
		if w.Event == EventReservationCreated {
			f.Time = instant(loc, r.InsertedOn, r.ReservationDate, r.UpdatedOn)
		} else {
			f.Time = instant(loc, r.UpdatedOn, r.LatestActivityOn)
		}
	case w.Message != nil:
		f.Message = new(event.Message)
		messageIDs = fillMessage(f.Message, w.Message, loc, &texts)
		f.Time = instant(loc, w.Message.InsertedOn, w.Message.Date)
		if f.Account == "" {
			var buf [idLen]byte
			account = texts.Add(appendID(buf[:0], w.Message.AccountID))
		}
	default:
		f.Subject = subjectOf(w)
	}
	texts.Done()
	f.ID, f.Version = texts.String(id), texts.String(version)
	switch {
	case f.Booking != nil:
		bookingIDs.set(f.Booking, &texts)
		f.Subject = event.Subject{Kind: event.KindBooking, ID: f.Booking.ID}
	case f.Message != nil:
		messageIDs.set(f.Message, &texts)
		f.Subject = event.Subject{Kind: event.KindMessage, ID: f.Message.ID}
		if f.Account == "" {
			f.Account = texts.String(account)
		}
	}
	return f
}

// Version returns the version of the reservation's state, as
// event.VersionOf reports it for a reservation delivery and for the
// Source's change of the same state: its updatedOn, canonical, as an RFC
// 3339 UTC timestamp such as "2025-09-20T07:31:44Z". A zoneless updatedOn
// (as Hostaway sends it) is read as UTC, as Hostaway documents, whatever
// zone a Receiver's WithLocation sets, so that a webhook and a poll of one
// state agree. It is "" when updatedOn is absent or no timestamp.
//
// Hostaway's updatedOn has one-second resolution: two states of one
// reservation within the same second share a version.
func (r *Reservation) Version() string {
	var buf [versionLen]byte
	return string(r.appendVersion(buf[:0]))
}

// versionLen is room for a version of any year of four digits.
const versionLen = len(time.RFC3339Nano)

// appendVersion appends r.Version() to dst.
func (r *Reservation) appendVersion(dst []byte) []byte {
	if r == nil {
		return dst
	}
	t := instant(time.UTC, r.UpdatedOn)
	if t.IsZero() {
		return dst
	}
	return t.UTC().AppendFormat(dst, time.RFC3339Nano)
}

// bookingOf normalizes a reservation.
func bookingOf(r *Reservation, loc *time.Location) event.Booking {
	var (
		texts textpack.Pack
		b     event.Booking
	)
	ids := fillBooking(&b, r, loc, &texts)
	texts.Done()
	ids.set(&b, &texts)
	return b
}

// bookingTexts are the ids of a booking that fillBooking adds to a Pack.
type bookingTexts struct{ id, property textpack.Text }

// set sets the ids of b once texts is Done.
func (t bookingTexts) set(b *event.Booking, texts *textpack.Pack) {
	if id := texts.String(t.id); id != "" { // else the hostawayReservationId
		b.ID = id
	}
	b.PropertyID = texts.String(t.property)
}

// fillBooking sets *b to the normalized reservation r, but for the ids it
// adds to texts: set them with the bookingTexts it returns once texts is
// Done.
func fillBooking(b *event.Booking, r *Reservation, loc *time.Location, texts *textpack.Pack) bookingTexts {
	*b = event.Booking{
		Status:    r.Status.BookingStatus(),
		Arrival:   r.ArrivalDate,
		Departure: r.DepartureDate,
		Guest: event.Guest{
			Name:  guestName(r),
			Email: strings.TrimSpace(string(r.GuestEmail)),
			Phone: strings.TrimSpace(string(r.Phone)),
		},
		Adults:    r.Adults.Int(),
		Children:  r.Children.Int(),
		Channel:   channelOf(r.ChannelName, r.ChannelID),
		UpdatedAt: instant(loc, r.UpdatedOn),
	}
	if r.ID.Value == 0 {
		b.ID = strings.TrimSpace(string(r.HostawayReservationID))
	}
	if r.TotalPrice.Value != "" { // an unparsed amount is no Money
		b.Total = event.Money{
			Amount:   r.TotalPrice.Value,
			Currency: strings.ToUpper(strings.TrimSpace(string(r.Currency))),
		}
	}
	var buf [idLen]byte
	return bookingTexts{
		id:       texts.Add(appendID(buf[:0], r.ID)),
		property: texts.Add(appendID(buf[:0], r.ListingMapID)),
	}
}

// guestName returns guestName, or the first and last names joined when it is
// empty.
func guestName(r *Reservation) string {
	if n := strings.TrimSpace(string(r.GuestName)); n != "" {
		return n
	}
	return strings.TrimSpace(strings.TrimSpace(string(r.GuestFirstName)) + " " + strings.TrimSpace(string(r.GuestLastName)))
}

// messageOf normalizes a conversation message. SentAt is when the message
// reached the channel, else its date, else when Hostaway stored it.
func messageOf(m *ConversationMessage, loc *time.Location) event.Message {
	var (
		texts textpack.Pack
		msg   event.Message
	)
	ids := fillMessage(&msg, m, loc, &texts)
	texts.Done()
	ids.set(&msg, &texts)
	return msg
}

// messageTexts are the ids of a message that fillMessage adds to a Pack.
type messageTexts struct{ id, conversation, booking, property textpack.Text }

// set sets the ids of m once texts is Done.
func (t messageTexts) set(m *event.Message, texts *textpack.Pack) {
	m.ID = texts.String(t.id)
	m.ConversationID = texts.String(t.conversation)
	m.BookingID = texts.String(t.booking)
	m.PropertyID = texts.String(t.property)
}

// fillMessage sets *msg to the normalized message m, but for the ids it
// adds to texts: set them with the messageTexts it returns once texts is
// Done.
func fillMessage(msg *event.Message, m *ConversationMessage, loc *time.Location, texts *textpack.Pack) messageTexts {
	*msg = event.Message{
		Body:     string(m.Body),
		Incoming: m.IsIncoming.Value,
		SentAt:   instant(loc, m.SentToChannelDate, m.SentChannelDate, m.Date, m.InsertedOn),
	}
	var buf [idLen]byte
	return messageTexts{
		id:           texts.Add(appendID(buf[:0], m.ID)),
		conversation: texts.Add(appendID(buf[:0], m.ConversationID)),
		booking:      texts.Add(appendID(buf[:0], m.ReservationID)),
		property:     texts.Add(appendID(buf[:0], m.ListingMapID)),
	}
}

// subjectOf names the record of a delivery the package has no type for: its
// object kind (or, without one, the event name up to its first dot), in
// snake_case as every Subject.Kind is ("listingUnit" gives "listing_unit"), and the id in its data when there is one.
func subjectOf(w *Webhook) event.Subject {
	var s event.Subject
	switch w.Object {
	case ObjectReservation:
		s.Kind = event.KindBooking
	case ObjectConversationMessage:
		s.Kind = event.KindMessage
	case "":
		kind, _, _ := strings.Cut(w.Event, ".")
		s.Kind = snakeCase(kind)
	default:
		s.Kind = snakeCase(w.Object)
	}
	if len(w.Data) > 0 && w.Data[0] == '{' {
		var d struct {
			ID lenient.String `json:"id"`
		}
		if json.Unmarshal(w.Data, &d) == nil {
			s.ID = string(d.ID)
		}
	}
	return s
}

// appendID appends to dst a Hostaway integer id as text: nothing for 0
// (absent or null) and for an id that is no integer (kept in the payload's
// Unparsed text): an id is not made up from whatever was sent.
func appendID(dst []byte, id lenient.Int) []byte {
	if id.Value == 0 {
		return dst
	}
	return strconv.AppendInt(dst, id.Value, 10)
}

// idLen is room for the longest id appendID appends.
const idLen = 20

// instant returns the first timestamp of ts as a time.Time: a zoned one as
// it is, a zoneless clock reading placed in loc. Zero and unparsed ones are
// skipped: no time is invented. It returns the zero time.Time when none is
// left.
func instant(loc *time.Location, ts ...lenient.Time) time.Time {
	for _, t := range ts {
		switch {
		case t.Time.IsZero():
		case t.Zoneless:
			return t.In(loc)
		default:
			return t.Time
		}
	}
	return time.Time{}
}

// snakeCase returns the camelCase name s in lowercase snake_case:
// "conversationMessage" gives "conversation_message", "ID" gives "id".
func snakeCase(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		isUpper := r >= 'A' && r <= 'Z'
		if isUpper && prevLower {
			b.WriteByte('_')
		}
		prevLower = (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
