package channex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/colocate"
	"github.com/pmshooks/pmshooks/internal/jsonobj"
	"github.com/pmshooks/pmshooks/lenient"
)

// Provider is the event.Provider of every Event this package returns.
const Provider event.Provider = "channex"

// The event names Channex documents, as they appear in a delivery's "event"
// key and in a webhook's event mask (Subscription.EventMask). Event.Name
// returns them unchanged.
const (
	// EventARI reports changes of availability, rates or restrictions,
	// including those made in the Channex interface. Payload: []ARIChange.
	EventARI = "ari"
	// EventBooking reports any new booking revision (new, modified or
	// cancelled). Its payload only names the revision to pull:
	// BookingPayload with RevisionID.
	EventBooking = "booking"
	// EventBookingNew reports a revision with status new. Payload:
	// BookingPayload in its live-feed form.
	EventBookingNew = "booking_new"
	// EventBookingModification reports a revision with status modified.
	EventBookingModification = "booking_modification"
	// EventBookingCancellation reports a revision with status cancelled.
	EventBookingCancellation = "booking_cancellation"
	// EventBookingUnmappedRoom reports a revision whose room maps to no
	// room type. Payload: BookingPayload with BookingID and
	// BookingRevisionID.
	EventBookingUnmappedRoom = "booking_unmapped_room"
	// EventBookingUnmappedRate reports a revision whose room is mapped but
	// whose rate plan is not. Channex mutes it when booking_unmapped_room
	// fires for the same revision.
	EventBookingUnmappedRate = "booking_unmapped_rate"
	// EventNonAckedBooking reports a revision still not acknowledged 30
	// minutes after Channex first served it. Payload: BookingPayload in its
	// live-feed form.
	EventNonAckedBooking = "non_acked_booking"
	// EventMessage reports a new message in a conversation (Messages
	// app). Payload: MessagePayload.
	EventMessage = "message"
	// EventSyncError reports a synchronization error on a channel.
	// Payload: SyncErrorPayload.
	EventSyncError = "sync_error"
	// EventSyncWarning reports non-critical errors an OTA returned on
	// synchronization. Its payload is not documented; SyncErrorPayload is
	// assumed.
	EventSyncWarning = "sync_warning"
	// EventRateError reports an OTA error about rate values. Its payload is
	// not documented; SyncErrorPayload is assumed.
	EventRateError = "rate_error"
	// EventReservationRequest reports an Airbnb request to book, which the
	// host accepts or declines. Payload: ReservationRequestPayload.
	EventReservationRequest = "reservation_request"
	// EventAlterationRequest reports an Airbnb request to alter a
	// reservation. Payload (not documented, seen in the field):
	// ReservationRequestPayload.
	EventAlterationRequest = "alteration_request"
	// EventAcceptedReservation reports an Airbnb request to book that was
	// accepted. Its payload is not documented; ReservationRequestPayload is
	// assumed.
	EventAcceptedReservation = "accepted_reservation"
	// EventDeclinedReservation reports an Airbnb request to book that was
	// declined. Its payload is not documented; ReservationRequestPayload is
	// assumed.
	EventDeclinedReservation = "declined_reservation"
	// EventInquiry reports an Airbnb inquiry. Payload: InquiryPayload.
	EventInquiry = "inquiry"
	// EventReview reports a new review. Payload: ReviewPayload.
	EventReview = "review"
	// EventUpdatedReview reports a review that changed. Its payload is not
	// documented; ReviewPayload is assumed.
	EventUpdatedReview = "updated_review"
	// EventNewChannel reports a channel created for the property. Its
	// payload is not documented; ChannelPayload is assumed.
	EventNewChannel = "new_channel"
	// EventUpdatedChannel reports a channel that changed. Its payload is
	// not documented; ChannelPayload is assumed.
	EventUpdatedChannel = "updated_channel"
	// EventDisconnectChannel reports a channel disconnected by Channex's
	// rules or by a user. Its payload is not documented; ChannelPayload is
	// assumed.
	EventDisconnectChannel = "disconnect_channel"
	// EventDisconnectedChannel is the spelling older Channex documentation
	// gives EventDisconnectChannel. Which one is on the wire is not known,
	// so both are accepted and normalized alike.
	EventDisconnectedChannel = "disconnected_channel"
	// EventDisconnectListing reports a listing disconnected from an Airbnb
	// channel. Its payload is not documented; ChannelPayload is assumed.
	EventDisconnectListing = "disconnect_listing"
	// EventActivateChannel reports a channel activated. Payload:
	// ChannelPayload.
	EventActivateChannel = "activate_channel"
	// EventDeactivateChannel reports a channel deactivated. Payload:
	// ChannelPayload.
	EventDeactivateChannel = "deactivate_channel"
	// EventChannelRemovalWarning warns that an inactive channel will be
	// removed, 7 days and 1 day before. Payload:
	// ChannelRemovalWarningPayload.
	EventChannelRemovalWarning = "channel_removal_warning"
	// EventPropertyRemovalWarning warns that a property without active
	// channels will be removed, 30, 7 and 1 days before. Payload:
	// PropertyRemovalWarningPayload.
	EventPropertyRemovalWarning = "property_removal_warning"
	// EventMessageThreadBookingAssigned reports that a conversation started
	// before its booking existed was linked to the booking. Payload:
	// ThreadBookingAssignedPayload.
	EventMessageThreadBookingAssigned = "message_thread_booking_assigned"
)

// Webhook is one Channex delivery: the envelope
// {event, payload, property_id, user_id, timestamp} and, for a known event
// whose delivery carries data, the payload decoded into the matching typed
// field. At most one typed field is set. A webhook created with send_data
// false sends no payload: every typed field is then nil, and so is
// Data.
//
// A Webhook marshals to JSON as the envelope it was parsed from, under the
// wire's snake_case keys, with the payload as sent; the typed fields, which
// only repeat Data, are left out. Parse reads that JSON back.
type Webhook struct {
	// Event is the event name, such as "booking_new" (see the Event
	// constants).
	Event string `json:"event"`
	// PropertyID is the property the event belongs to. Channex sends it
	// for global webhooks too.
	PropertyID lenient.String `json:"property_id"`
	// UserID is the Channex user whose action caused the event, such as an
	// ARI change made through your own API key; "" for changes made by an
	// OTA or by Channex itself (null on the wire).
	UserID lenient.String `json:"user_id"`
	// Timestamp is when the event happened, as Channex stamps it: RFC 3339
	// in UTC with 0 to 6 fraction digits. It is zero when absent (older
	// deliveries carry none); a text in no known layout is kept in its
	// Unparsed field rather than failing the delivery.
	Timestamp lenient.Time `json:"timestamp"`
	// Data is the event's data, the envelope's "payload", exactly as sent:
	// an array for ari, an object otherwise. Nil when the webhook sends no data (send_data
	// false) or the payload is null. It is a sub-slice of Raw, not a copy:
	// do not modify it.
	Data json.RawMessage `json:"payload,omitempty"`

	// ARI is Data decoded, for ari.
	ARI []ARIChange `json:"-"`
	// Booking is Data decoded, for booking, booking_new,
	// booking_modification, booking_cancellation, booking_unmapped_room,
	// booking_unmapped_rate and non_acked_booking.
	Booking *BookingPayload `json:"-"`
	// Message is Data decoded, for message.
	Message *MessagePayload `json:"-"`
	// SyncError is Data decoded, for sync_error, sync_warning and
	// rate_error.
	SyncError *SyncErrorPayload `json:"-"`
	// ReservationRequest is Data decoded, for reservation_request,
	// alteration_request, accepted_reservation and declined_reservation.
	ReservationRequest *ReservationRequestPayload `json:"-"`
	// Inquiry is Data decoded, for inquiry.
	Inquiry *InquiryPayload `json:"-"`
	// Review is Data decoded, for review and updated_review.
	Review *ReviewPayload `json:"-"`
	// Channel is Data decoded, for activate_channel,
	// deactivate_channel, new_channel, updated_channel,
	// disconnect_channel, disconnected_channel and disconnect_listing.
	Channel *ChannelPayload `json:"-"`
	// ChannelRemovalWarning is Data decoded, for
	// channel_removal_warning.
	ChannelRemovalWarning *ChannelRemovalWarningPayload `json:"-"`
	// PropertyRemovalWarning is Data decoded, for
	// property_removal_warning.
	PropertyRemovalWarning *PropertyRemovalWarningPayload `json:"-"`
	// ThreadBookingAssigned is Data decoded, for
	// message_thread_booking_assigned.
	ThreadBookingAssigned *ThreadBookingAssignedPayload `json:"-"`

	// DataError is set when the payload of a known event is not what its
	// type holds: not of the JSON kind the type needs (the typed field is
	// then nil), or with a nested part of the wrong JSON kind (that part is
	// left zero, the rest decoded). The delivery is still valid: Data
	// holds the data as sent. Payloads of the shapes this package only
	// assumes (see the Event constants: booking_new and its two siblings,
	// seen only in the field, and every "not documented" one) are the
	// likeliest to set it. It wraps event.ErrMalformed and never quotes the
	// body. Scalar fields never set it: a value they cannot read is kept in
	// its Unparsed field (see package lenient).
	DataError error `json:"-"`

	// Raw is the exact body of the delivery. It is the slice given to
	// Parse, not a copy: do not modify it.
	Raw []byte `json:"-"`
}

// Name returns the provider's event name of the delivery, its Event, such
// as "booking_new": the name Event.Name returns and event.Mux.OnName
// matches.
func (w *Webhook) Name() string { return w.Event }

// EventNames returns a sorted list of every event name this package knows.
// The slice is new on each call.
func EventNames() []string {
	names := make([]string, 0, len(eventTypes))
	for name := range eventTypes {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Parse decodes one delivery body into a Webhook. It does not authenticate:
// call it only on a body a Verifier accepted, or use a Receiver.
//
// Only a body that is not Channex's envelope at all fails, with an error
// wrapping event.ErrMalformed whose text never quotes the body: not JSON,
// not a JSON object, or an event that is missing or not a non-empty JSON
// string. Everything else decodes leniently so that an authentic delivery
// is never lost over one field: unknown keys are ignored; ids are read as
// text whether they arrive as strings or numbers; timestamps may have
// fractional seconds or none, and a zone or none; a value a field cannot
// read is kept in its Unparsed text; a payload that is absent or null
// (send_data false) is fine for every event; an unknown event name parses
// with its payload kept raw; a payload of the wrong shape sets DataError.
//
// The body is validated once and its envelope walked in the same pass:
// Data is a sub-slice of body, not a copy, and the payload is validated by
// the one json.Unmarshal that decodes it for a known event (by a quick check
// otherwise). Keys match as encoding/json matches them (case-insensitively,
// the last duplicate winning).
func Parse(body []byte) (*Webhook, error) {
	// The envelope is scanned into a Webhook on the stack, which
	// decodePayload moves to the heap together with its payload.
	scanned := Webhook{Raw: body}
	var (
		w                        *Webhook
		err, scanErr, payloadErr error
	)
	sc := scanner{w: &scanned, body: body, err: &scanErr, valid: true}
	valid := jsonobj.Scan(body, 0, sc.deferred, sc.member) && sc.valid
	if valid {
		// The payload is the one part of the body Scan left unchecked.
		w, valid, payloadErr = scanned.decodePayload()
	}
	if valid {
		err = scanErr
	} else {
		// Not a JSON object: encoding/json says why (or, for null, that
		// nothing is set, which fails below for want of an event).
		w = &Webhook{Raw: body}
		err = json.Unmarshal(body, w)
	}
	if err != nil {
		// Only event is a plain string; every other member is lenient or
		// raw, so any error means the body is not the envelope.
		return nil, malformed("envelope", err)
	}
	if w.Event == "" {
		return nil, malformed("envelope has no event", nil)
	}
	w.DataError = payloadErr
	return w, nil
}

// scanner fills a Webhook from the members of its body, a valid JSON
// object, as json.Unmarshal into the Webhook would, but without copying or
// re-validating the values: Data is a sub-slice of body.
type scanner struct {
	w    *Webhook
	body []byte
	// err is where the first error goes, as json.Unmarshal would return
	// it: a variable of the caller, so that reading it does not make the
	// scanner, and the Webhook it points to, escape to the heap.
	err *error
	// valid is false once a payload Scan left unchecked, and that a later
	// duplicate replaced, turned out not to be valid JSON.
	valid bool
	buf   [16]byte
}

// deferred tells jsonobj.Scan to leave the payload unchecked:
// decodePayload validates it, usually as part of decoding it.
func (sc *scanner) deferred(k []byte) bool {
	return string(jsonobj.Key(k, sc.buf[:0])) == "payload"
}

// member decodes one member of the envelope; see jsonobj.Members.
func (sc *scanner) member(k, v []byte) {
	w := sc.w
	switch string(jsonobj.Key(k, sc.buf[:0])) {
	case "event":
		if name, ok := knownEvent(v); ok {
			w.Event = name
		} else if s, ok := jsonobj.String(v); ok {
			w.Event = s
		} else if !jsonobj.IsNull(v) && *sc.err == nil {
			// Into a string of its own (not &w.Event), checked as err (not
			// *sc.err): either would move every scanned Webhook to the heap.
			var text string
			err := json.Unmarshal(v, &text) // fails: v is no JSON string
			*sc.err = err
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) {
				// As json.Unmarshal of the whole body reports it.
				typ.Struct, typ.Field = "Webhook", "event"
				typ.Offset += int64(cap(sc.body) - cap(v)) // v is a sub-slice of body
			}
		}
	case "property_id":
		_ = w.PropertyID.UnmarshalJSON(v) // never fails
	case "user_id":
		_ = w.UserID.UnmarshalJSON(v) // never fails
	case "timestamp":
		_ = w.Timestamp.UnmarshalJSON(v) // never fails
	case "payload":
		if w.Data != nil && !jsonobj.Valid(w.Data) {
			sc.valid = false // a duplicate: the last one wins, but all must be JSON
		}
		w.Data = v
	}
}

// decodePayload decodes w.Data into the typed field of w.Event. Its
// error is the DataError of w; guessed marks the shapes this package only
// assumes, so that the error says so. A payload of "null" sets Data to
// nil.
//
// It also completes Parse's validation of the body, which left the payload
// unchecked: valid is false when w.Data is not valid JSON. The json.Unmarshal
// that decodes a payload validates it on the way, so that it is not checked
// twice; any other payload gets a quick check of its own.
func (w *Webhook) decodePayload() (out *Webhook, valid bool, err error) {
	if w.Data == nil {
		return moveWebhook(w), true, nil
	}
	if jsonobj.IsNull(w.Data) {
		w.Data = nil
		return moveWebhook(w), true, nil
	}
	var (
		dst     any
		guessed bool
		set     func()
	)
	switch w.Event {
	case EventARI:
		out = moveWebhook(w)
		valid, err = out.decodeARI()
		return out, valid, err
	case EventBooking, EventBookingUnmappedRoom, EventBookingUnmappedRate, EventNonAckedBooking,
		EventBookingNew, EventBookingModification, EventBookingCancellation:
		o, p := colocate.With[Webhook, BookingPayload](w)
		out, dst, set = o, p, func() { o.Booking = p }
		guessed = w.Event == EventBookingNew || w.Event == EventBookingModification || w.Event == EventBookingCancellation
	case EventMessage:
		o, p := colocate.With[Webhook, MessagePayload](w)
		out, dst, set = o, p, func() { o.Message = p }
	case EventSyncError, EventSyncWarning, EventRateError:
		o, p := colocate.With[Webhook, SyncErrorPayload](w)
		out, dst, set = o, p, func() { o.SyncError = p }
		guessed = w.Event != EventSyncError
	case EventReservationRequest, EventAlterationRequest, EventAcceptedReservation, EventDeclinedReservation:
		o, p := colocate.With[Webhook, ReservationRequestPayload](w)
		out, dst, set = o, p, func() { o.ReservationRequest = p }
		guessed = w.Event != EventReservationRequest
	case EventInquiry:
		o, p := colocate.With[Webhook, InquiryPayload](w)
		out, dst, set = o, p, func() { o.Inquiry = p }
	case EventReview, EventUpdatedReview:
		o, p := colocate.With[Webhook, ReviewPayload](w)
		out, dst, set = o, p, func() { o.Review = p }
		guessed = w.Event == EventUpdatedReview
	case EventActivateChannel, EventDeactivateChannel, EventNewChannel, EventUpdatedChannel,
		EventDisconnectChannel, EventDisconnectedChannel, EventDisconnectListing:
		o, p := colocate.With[Webhook, ChannelPayload](w)
		out, dst, set = o, p, func() { o.Channel = p }
		guessed = w.Event != EventActivateChannel && w.Event != EventDeactivateChannel
	case EventChannelRemovalWarning:
		o, p := colocate.With[Webhook, ChannelRemovalWarningPayload](w)
		out, dst, set = o, p, func() { o.ChannelRemovalWarning = p }
	case EventPropertyRemovalWarning:
		o, p := colocate.With[Webhook, PropertyRemovalWarningPayload](w)
		out, dst, set = o, p, func() { o.PropertyRemovalWarning = p }
	case EventMessageThreadBookingAssigned:
		o, p := colocate.With[Webhook, ThreadBookingAssignedPayload](w)
		out, dst, set = o, p, func() { o.ThreadBookingAssigned = p }
	default:
		return moveWebhook(w), jsonobj.Valid(w.Data), nil
	}
	what := func() string { // built only for an error
		if guessed {
			return w.Event + " payload (shape assumed, not documented)"
		}
		return w.Event + " payload"
	}
	if !isObject(w.Data) {
		return out, jsonobj.Valid(w.Data), malformed(what()+" is not a JSON object", nil)
	}
	// encoding/json skips a nested part of the wrong kind and decodes the
	// rest: the payload is kept, and the error flags it.
	err = json.Unmarshal(w.Data, dst)
	if notJSON(err, w.Data) {
		return out, false, nil
	}
	if c, ok := dst.(interface{ dropNulls() }); ok {
		c.dropNulls()
	}
	set()
	if err != nil {
		return out, true, malformed(what(), err)
	}
	return out, true, nil
}

// knownEvent returns the documented event name that raw, a JSON string
// without escapes, holds, without copying its text.
func knownEvent(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	for _, name := range [...]string{EventARI, EventBooking, EventBookingNew, EventBookingModification, EventBookingCancellation, EventBookingUnmappedRoom, EventBookingUnmappedRate, EventNonAckedBooking, EventMessage, EventSyncError, EventSyncWarning, EventRateError, EventReservationRequest, EventAlterationRequest, EventAcceptedReservation, EventDeclinedReservation, EventInquiry, EventReview, EventUpdatedReview, EventNewChannel, EventUpdatedChannel, EventDisconnectChannel, EventDisconnectedChannel, EventDisconnectListing, EventActivateChannel, EventDeactivateChannel, EventChannelRemovalWarning, EventPropertyRemovalWarning, EventMessageThreadBookingAssigned} {
		if string(raw[1:len(raw)-1]) == name {
			return name, true
		}
	}
	return "", false
}

// notJSON reports whether err, from json.Unmarshal of raw, says raw is not
// JSON at all (rather than holding a value of the wrong kind).
func notJSON(err error, raw []byte) bool {
	if err == nil {
		return false
	}
	var syntax *json.SyntaxError
	return errors.As(err, &syntax) && !jsonobj.Valid(raw)
}

// decodeARI decodes an ari payload: an array of records, or, leniently, a
// single record object. valid is as for decodePayload.
func (w *Webhook) decodeARI() (valid bool, err error) {
	if isObject(w.Data) {
		var one ARIChange
		err := json.Unmarshal(w.Data, &one)
		if notJSON(err, w.Data) {
			return false, nil
		}
		w.ARI = []ARIChange{one}
		if err != nil {
			return true, malformed("ari payload", err)
		}
		return true, nil
	}
	if p := bytes.TrimSpace(w.Data); len(p) == 0 || p[0] != '[' {
		return jsonobj.Valid(w.Data), malformed("ari payload is neither an array nor an object", nil)
	}
	if err := json.Unmarshal(w.Data, &w.ARI); err != nil {
		if notJSON(err, w.Data) {
			return false, nil
		}
		return true, malformed("ari payload", err)
	}
	return true, nil
}

// dropNull sets *raw to nil when it holds the JSON null, so that the raw
// fields of payloads are nil both when absent and when null.
func dropNull(raw *json.RawMessage) {
	if bytes.Equal(bytes.TrimSpace(*raw), []byte("null")) {
		*raw = nil
	}
}

// isObject reports whether the JSON value b is an object.
func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

// parseError is a Parse failure. Its text names what failed but never
// quotes the body (the JSON and lenient decoders quote offending values,
// which may be guests' personal data); the decoder's error stays reachable
// through Unwrap for errors.As.
type parseError struct {
	what  string
	cause error
}

func malformed(what string, cause error) error { return &parseError{what: what, cause: cause} }

func (e *parseError) Error() string {
	msg := "channex: parse: " + e.what
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case e.cause == nil:
	case errors.As(e.cause, &syn):
		msg += fmt.Sprintf(": invalid JSON at byte %d", syn.Offset)
	case errors.As(e.cause, &typ):
		// Value is "string", "array", or "number 12.5": keep the kind only.
		kind, _, _ := strings.Cut(typ.Value, " ")
		if typ.Field != "" {
			msg += fmt.Sprintf(": field %q holds a JSON %s", typ.Field, kind)
		} else {
			msg += ": not a JSON object but a JSON " + kind
		}
	case errors.Is(e.cause, lenient.ErrType), errors.Is(e.cause, event.ErrInvalidDate):
		msg += ": a field holds a value of the wrong kind"
	default:
		msg += ": does not decode"
	}
	return msg
}

// Unwrap returns event.ErrMalformed and the decoder's error, if any.
func (e *parseError) Unwrap() []error {
	if e.cause == nil {
		return []error{event.ErrMalformed}
	}
	return []error{event.ErrMalformed, e.cause}
}

// moveWebhook returns a copy of w on the heap.
func moveWebhook(w *Webhook) *Webhook {
	o := new(Webhook)
	*o = *w
	return o
}
