package ownerrez

import (
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hashid"
	"github.com/pmshooks/pmshooks/internal/textpack"
)

// eventTypes is the one table from this package's event names (see
// EventName) to normalized types. It is never written. Two rules refine it,
// in typeOf: a booking update whose status is canceled is
// booking.cancelled, and a thread_message create that is a draft takes the
// Receiver's draft type. An entity action on an entity type missing here is
// record.created, record.updated or record.deleted with the type as
// Subject.Kind.
var eventTypes = map[string]event.Type{
	"booking.entity_create": event.BookingCreated,
	"booking.entity_update": event.BookingUpdated,
	"booking.entity_delete": event.BookingDeleted,

	"guest.entity_create": event.GuestCreated,
	"guest.entity_update": event.GuestUpdated,
	"guest.entity_delete": event.GuestDeleted,

	"property.entity_create": event.PropertyCreated,
	"property.entity_update": event.PropertyUpdated,
	"property.entity_delete": event.PropertyDeleted,

	"inquiry.entity_create": event.InquiryCreated,
	"inquiry.entity_update": event.InquiryUpdated,
	"inquiry.entity_delete": event.RecordDeleted, // no inquiry.deleted type

	"quote.entity_create": event.RecordCreated,
	"quote.entity_update": event.RecordUpdated,
	"quote.entity_delete": event.RecordDeleted,

	"thread_message.entity_create": event.MessageReceived,
	"thread_message.entity_update": event.RecordUpdated,
	"thread_message.entity_delete": event.RecordDeleted,

	"application_authorization_revoked": event.AccessRevoked,
	"webhook_test":                      event.Ping,
}

// typeOf returns the normalized type of w; draft is the type of a draft
// message.
func typeOf(w *Webhook, draft event.Type) event.Type {
	t, ok := eventTypes[w.Name()]
	if !ok {
		return recordType(w)
	}
	switch {
	case t == event.BookingUpdated && w.Booking != nil && strings.EqualFold(string(w.Booking.Status), string(BookingCanceled)):
		return event.BookingCancelled
	case t == event.MessageReceived && w.ThreadMessage != nil && w.ThreadMessage.IsDraft.Value:
		return draft
	}
	return t
}

// recordType is the type of a delivery missing from eventTypes: record.*
// for the three entity actions on an entity type this package does not
// know (such as "owner"), unknown otherwise.
func recordType(w *Webhook) event.Type {
	if w.EntityType == "" {
		return event.TypeUnknown
	}
	switch w.Action {
	case ActionEntityCreate:
		return event.RecordCreated
	case ActionEntityUpdate:
		return event.RecordUpdated
	case ActionEntityDelete:
		return event.RecordDeleted
	}
	return event.TypeUnknown
}

// subjectKind is the Subject.Kind of an entity type: the normalized noun
// where there is one ("message" for thread_message, as the event package's
// Message), else OwnerRez's own entity type.
func subjectKind(t EntityType) string {
	switch t {
	case EntityBooking:
		return event.KindBooking
	case EntityGuest:
		return event.KindGuest
	case EntityProperty:
		return event.KindProperty
	case EntityInquiry:
		return event.KindInquiry
	case EntityThreadMessage:
		return event.KindMessage
	}
	return string(t)
}

// normalize builds the Event of w.
func normalize(w *Webhook, draft event.Type) event.Event {
	subject := w.entityID()
	f := event.Fields{
		Provider: Provider,
		Type:     typeOf(w, draft),
		Name:     w.Name(),
		ID:       string(w.ID),
		Subject:  event.Subject{Kind: subjectKind(w.EntityType)},
		Time:     w.occurredAt(),
		Raw:      w.Raw,
		Data:     w,
	}
	// The event's id, version and record ids are made as one string: one
	// allocation rather than one each.
	var (
		texts                  textpack.Pack
		idBuf                  [hashid.Len]byte
		num                    [idLen]byte
		versionBuf             [versionLen]byte
		id, account, subjectID textpack.Text
		version                textpack.Text
		bookingIDs             bookingTexts
		messageIDs             messageTexts
		booking                *event.Booking
		message                *event.Message
	)
	if f.ID == "" {
		id = texts.Add(hashid.Append(idBuf[:0], w.Raw)) // event.HashID
	}
	account = texts.Add(appendID(num[:0], w.UserID.Int64()))
	subjectID = texts.Add(appendID(num[:0], subject))
	if w.Booking != nil {
		booking = new(event.Booking)
		bookingIDs = fillBooking(booking, w.Booking, w.EntityID.Int64(), subject, subjectID, &texts)
		if w.Action != ActionEntityDelete {
			// A delete reports no state: keyed by the version of the last
			// update, it would be taken for a copy of that update.
			version = texts.Add(appendBookingVersion(versionBuf[:0], w.Booking))
		}
	}
	if w.ThreadMessage != nil {
		message = new(event.Message)
		messageIDs = fillMessage(message, w.ThreadMessage, &texts)
	}
	texts.Done()
	if f.ID == "" {
		f.ID = texts.String(id)
	}
	f.Account = texts.String(account)
	f.Subject.ID = texts.String(subjectID)
	f.Version = texts.String(version)
	if booking != nil {
		bookingIDs.set(booking, &texts)
		f.Booking = booking
	}
	if message != nil {
		messageIDs.set(message, &texts)
		f.Message = message
	}
	return event.New(f)
}

// entityID is the envelope's entity_id, else the id inside the entity.
func (w *Webhook) entityID() int64 {
	if w.EntityID.Value != 0 {
		return w.EntityID.Int64()
	}
	switch {
	case w.Booking != nil:
		return w.Booking.ID.Int64()
	case w.Guest != nil:
		return w.Guest.ID.Int64()
	case w.Property != nil:
		return w.Property.ID.Int64()
	case w.Inquiry != nil:
		return w.Inquiry.ID.Int64()
	case w.Quote != nil:
		return w.Quote.ID.Int64()
	case w.ThreadMessage != nil:
		return w.ThreadMessage.ID.Int64()
	case w.APIApplication != nil:
		return w.APIApplication.ID.Int64()
	}
	return 0
}

// occurredAt is when the change happened as far as the entity says: its
// updated_utc, else its created_utc (date_utc for a message). The envelope
// itself carries no time, so deliveries without an entity, and guests and
// properties, whose schemas have no such timestamps, give the zero Time.
func (w *Webhook) occurredAt() time.Time {
	switch {
	case w.Booking != nil:
		return firstInstant(w.Booking.UpdatedUTC.Instant(), w.Booking.CreatedUTC.Instant())
	case w.Inquiry != nil:
		return firstInstant(w.Inquiry.UpdatedUTC.Instant(), w.Inquiry.CreatedUTC.Instant())
	case w.Quote != nil:
		return firstInstant(w.Quote.UpdatedUTC.Instant(), w.Quote.CreatedUTC.Instant())
	case w.ThreadMessage != nil:
		return w.ThreadMessage.DateUTC.Instant()
	}
	return time.Time{}
}

// bookingVersion is the one version of a booking state, for the Receiver
// and the Source alike: its updated_utc in UTC, RFC 3339 ("2026-03-08T
// 17:56:10Z", a fraction of a second only when OwnerRez sends one), so that
// a webhook and a poll of one state report the same version whatever
// offset or precision spelled it. "" when updated_utc is absent or names
// no instant: created_utc would stay the same across updates, and two
// states must never share a version.
func bookingVersion(b *Booking) string {
	var buf [versionLen]byte
	return string(appendBookingVersion(buf[:0], b))
}

// versionLen is room for a version of any year of four digits.
const versionLen = len(time.RFC3339Nano)

// appendBookingVersion appends bookingVersion(b) to dst.
func appendBookingVersion(dst []byte, b *Booking) []byte {
	t := b.UpdatedUTC.Instant()
	if t.IsZero() {
		return dst
	}
	return t.UTC().AppendFormat(dst, time.RFC3339Nano)
}

// normalizeBooking is the one normalization of a booking, delivered or
// fetched; id stands in for b's id when b has none (0: no stand-in).
func normalizeBooking(b *Booking, id int64) event.Booking {
	var (
		texts textpack.Pack
		nb    event.Booking
	)
	ids := fillBooking(&nb, b, id, 0, textpack.Text{}, &texts)
	texts.Done()
	ids.set(&nb, &texts)
	return nb
}

// bookingTexts are the ids of a booking that fillBooking adds to a Pack.
type bookingTexts struct{ id, property textpack.Text }

// set sets the ids of b once texts is Done.
func (t bookingTexts) set(b *event.Booking, texts *textpack.Pack) {
	b.ID = texts.String(t.id)
	b.PropertyID = texts.String(t.property)
}

// fillBooking sets *nb to the normalized booking b, but for the ids it adds
// to texts: set them with the bookingTexts it returns once texts is Done.
// id stands in for b's id when b has none (0: no stand-in). When the
// booking's id is subject, whose text texts holds as subjectText, that
// text is the booking's id too.
func fillBooking(nb *event.Booking, b *Booking, id, subject int64, subjectText textpack.Text, texts *textpack.Pack) bookingTexts {
	if b.ID.Int64() != 0 {
		id = b.ID.Int64()
	}
	propertyID := b.PropertyID.Int64()
	if propertyID == 0 && b.Property != nil {
		propertyID = b.Property.ID.Int64()
	}
	*nb = event.Booking{
		Status:    bookingStatus(b),
		Arrival:   b.Arrival,
		Departure: b.Departure,
		Guest:     event.Guest{Name: b.Guest.Name()},
		Adults:    b.Adults.Int(),
		Children:  b.Children.Int(),
		Channel:   event.NormalizeChannel(string(b.ListingSite)),
		Total:     event.Money{Amount: b.TotalAmount.Value, Currency: strings.ToUpper(strings.TrimSpace(string(b.CurrencyCode)))},
		UpdatedAt: b.UpdatedUTC.Instant(),
	}
	var buf [idLen]byte
	t := bookingTexts{id: subjectText}
	if id != subject || subject == 0 {
		t.id = texts.Add(appendID(buf[:0], id))
	}
	t.property = texts.Add(appendID(buf[:0], propertyID))
	return t
}

// bookingStatus maps OwnerRez's status: canceled is cancelled whatever the
// record is; otherwise a block is blocked (an Airbnb hold, a pending block,
// included), active is confirmed and pending is tentative.
func bookingStatus(b *Booking) event.BookingStatus {
	status := BookingStatus(strings.ToLower(string(b.Status)))
	switch {
	case status == BookingCanceled:
		return event.StatusCancelled
	case b.IsBlock.Value || strings.EqualFold(string(b.Type), string(BookingTypeBlock)):
		return event.StatusBlocked
	case status == BookingActive:
		return event.StatusConfirmed
	case status == BookingPending:
		return event.StatusTentative
	}
	return event.StatusUnknown
}

// messageOf normalizes a thread message.
func messageOf(m *ThreadMessage) event.Message {
	var (
		texts textpack.Pack
		msg   event.Message
	)
	ids := fillMessage(&msg, m, &texts)
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

// fillMessage sets *msg to the normalized thread message m, but for the
// ids it adds to texts: set them with the messageTexts it returns once
// texts is Done. A draft is never Incoming: nobody sent it yet.
func fillMessage(msg *event.Message, m *ThreadMessage, texts *textpack.Pack) messageTexts {
	*msg = event.Message{
		Body:     string(m.Body),
		Incoming: m.FromGuest() && !m.IsDraft.Value,
		SentAt:   m.DateUTC.Instant(),
	}
	var buf [idLen]byte
	t := messageTexts{id: texts.Add(appendID(buf[:0], m.ID.Int64()))}
	if th := m.Thread; th != nil {
		t.conversation = texts.Add(appendID(buf[:0], th.ID.Int64()))
		t.booking = texts.Add(appendID(buf[:0], th.BookingID.Int64()))
		t.property = texts.Add(appendID(buf[:0], th.PropertyID.Int64()))
	}
	return t
}

// idText returns an id as decimal text, "" for zero (absent).
func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// appendID appends idText(id) to dst.
func appendID(dst []byte, id int64) []byte {
	if id == 0 {
		return dst
	}
	return strconv.AppendInt(dst, id, 10)
}

// idLen is room for the longest id appendID appends.
const idLen = 20

func firstInstant(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
