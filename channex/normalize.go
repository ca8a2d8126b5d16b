package channex

import (
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
)

// eventTypes is the one table from Channex event names to normalized types.
// It is never written. The package documentation shows it to users; the
// choices it makes where no type fits exactly:
//
//   - booking, the generic event, fires for every revision (new, modified
//     or cancelled) and names only the revision to pull, so it cannot say
//     which booking.* type applies. It is record.created with Subject kind
//     "booking_revision": a new revision exists. Subscribe to booking_new,
//     booking_modification and booking_cancellation for booking.* types,
//     or choose another type with WithGenericBookingType. (With the mask
//     "*" Channex sends both forms for every revision.)
//   - booking_unmapped_room and booking_unmapped_rate are sync.failed: the
//     OTA's booking could not be mapped onto a room type or rate plan.
//   - non_acked_booking is sync.failed: the revision has not reached your
//     system 30 minutes after Channex first served it.
//   - sync_warning and rate_error are sync.failed, like sync_error: both
//     are errors an OTA returned.
//   - The Airbnb request flow is an inquiry: reservation_request and
//     alteration_request are inquiry.created (the request awaits the host),
//     accepted_reservation and declined_reservation are inquiry.updated.
//     The booking itself arrives as booking_new or booking_modification.
//   - new_channel and updated_channel are record.created and
//     record.updated of kind "channel": a created channel is not yet
//     connected; activate_channel says when it is.
//   - disconnect_listing is channel.disconnected: the property loses that
//     Airbnb listing's channel.
//   - channel_removal_warning and property_removal_warning are
//     event.TypeUnknown on purpose: they announce a removal that has not
//     happened, and no normalized type means "will be removed". Route them
//     by name (event.Mux.OnName).
//   - message_thread_booking_assigned is record.updated of kind
//     "conversation" (event.KindConversation), the message thread.
var eventTypes = map[string]event.Type{
	EventARI: event.AvailabilityUpdated,

	EventBooking:             event.RecordCreated, // see above; WithGenericBookingType
	EventBookingNew:          event.BookingCreated,
	EventBookingModification: event.BookingUpdated,
	EventBookingCancellation: event.BookingCancelled,
	EventBookingUnmappedRoom: event.SyncFailed,
	EventBookingUnmappedRate: event.SyncFailed,
	EventNonAckedBooking:     event.SyncFailed,

	EventMessage:                      event.MessageReceived,
	EventMessageThreadBookingAssigned: event.RecordUpdated,

	EventSyncError:   event.SyncFailed,
	EventSyncWarning: event.SyncFailed,
	EventRateError:   event.SyncFailed,

	EventReservationRequest:  event.InquiryCreated,
	EventAlterationRequest:   event.InquiryCreated,
	EventAcceptedReservation: event.InquiryUpdated,
	EventDeclinedReservation: event.InquiryUpdated,
	EventInquiry:             event.InquiryCreated,

	EventReview:        event.ReviewCreated,
	EventUpdatedReview: event.ReviewUpdated,

	EventNewChannel:          event.RecordCreated,
	EventUpdatedChannel:      event.RecordUpdated,
	EventActivateChannel:     event.ChannelConnected,
	EventDeactivateChannel:   event.ChannelDisconnected,
	EventDisconnectChannel:   event.ChannelDisconnected,
	EventDisconnectedChannel: event.ChannelDisconnected,
	EventDisconnectListing:   event.ChannelDisconnected,

	EventChannelRemovalWarning:  event.TypeUnknown, // see above
	EventPropertyRemovalWarning: event.TypeUnknown, // see above
}

// typeOf returns the normalized type of w; generic is the type of the
// generic booking event.
func typeOf(w *Webhook, generic event.Type) event.Type {
	if w.Event == EventBooking {
		return generic
	}
	if t, ok := eventTypes[w.Event]; ok {
		return t
	}
	return event.TypeUnknown
}

// normalize builds the Event of w. Channex sends no delivery id, so the
// Event's ID is event.HashID of the body: a retry carries the same body.
func normalize(w *Webhook, generic event.Type) event.Event {
	t := typeOf(w, generic)
	f := event.Fields{
		Provider: Provider,
		Type:     t,
		Name:     w.Event,
		ID:       event.HashID(w.Raw),
		Account:  w.propertyID(),
		Subject:  subjectOf(w, t),
		Time:     utcInstant(w.Timestamp),
		Raw:      w.Raw,
		Data:     w,
		Version:  deliveryVersion(w),
	}
	if b, ok := bookingOf(w); ok {
		f.Booking = &b
	}
	if w.Message != nil {
		m := messageOf(w)
		f.Message = &m
	}
	return event.New(f)
}

// deliveryVersion is the version of the booking state a delivery reports:
// the revision it names, for booking_new, booking_modification,
// booking_cancellation and the generic booking event, the events that
// announce a revision. A delivery without payload (send_data false) names
// none, and neither do the alerts about a revision (non_acked_booking,
// booking_unmapped_room, booking_unmapped_rate): they report no new state,
// and an inbox must not store them as the change itself.
func deliveryVersion(w *Webhook) string {
	switch w.Event {
	case EventBooking, EventBookingNew, EventBookingModification, EventBookingCancellation:
		if w.Booking != nil {
			return revisionVersion(w.Booking.Revision())
		}
	}
	return ""
}

// revisionVersion is the event version (event.VersionOf) of the booking
// state of the revision id: the id itself, every change of a booking being
// a new revision. It is the one function by which both a delivery and a
// Source's change get their version, so that an inbox stores a revision
// once whichever arrives first.
func revisionVersion(id string) string { return strings.TrimSpace(id) }

// propertyID is the envelope's property, else the payload's.
func (w *Webhook) propertyID() string {
	if w.PropertyID != "" {
		return string(w.PropertyID)
	}
	switch {
	case w.Booking != nil:
		return string(w.Booking.PropertyID)
	case w.Message != nil:
		return string(w.Message.PropertyID)
	case w.Inquiry != nil:
		return string(w.Inquiry.PropertyID)
	case w.Review != nil:
		return string(w.Review.PropertyID)
	case w.ChannelRemovalWarning != nil:
		return string(w.ChannelRemovalWarning.PropertyID)
	case w.PropertyRemovalWarning != nil:
		return string(w.PropertyRemovalWarning.PropertyID)
	case w.ReservationRequest != nil && w.ReservationRequest.BMS != nil:
		return string(w.ReservationRequest.BMS.PropertyID)
	}
	return ""
}

// subjectOf names the record w is about. A delivery without payload keeps
// the kind with an empty id, except where the envelope holds the id (the
// property). An unknown event has the zero Subject.
func subjectOf(w *Webhook, t event.Type) event.Subject {
	switch w.Event {
	case EventARI:
		return event.Subject{Kind: event.KindProperty, ID: w.propertyID()}
	case EventPropertyRemovalWarning:
		id := w.propertyID()
		if p := w.PropertyRemovalWarning; p != nil && p.PropertyID != "" {
			id = string(p.PropertyID)
		}
		return event.Subject{Kind: event.KindProperty, ID: id}
	case EventBooking:
		s := event.Subject{Kind: event.KindBookingRevision}
		if isBookingType(t) {
			s.Kind = event.KindBooking
		}
		if p := w.Booking; p != nil {
			s.ID = p.Revision()
			if s.Kind == event.KindBooking {
				s.ID = string(p.BookingID)
			}
		}
		return s
	case EventBookingNew, EventBookingModification, EventBookingCancellation,
		EventBookingUnmappedRoom, EventBookingUnmappedRate, EventNonAckedBooking:
		s := event.Subject{Kind: event.KindBooking}
		if p := w.Booking; p != nil {
			s.ID = string(p.BookingID)
		}
		return s
	case EventReservationRequest, EventAlterationRequest, EventAcceptedReservation, EventDeclinedReservation:
		s := event.Subject{Kind: event.KindBooking}
		if p := w.ReservationRequest; p != nil && p.BMS != nil {
			s.ID = string(p.BMS.BookingID)
		}
		return s
	case EventMessage:
		s := event.Subject{Kind: event.KindMessage}
		if p := w.Message; p != nil {
			s.ID = string(p.ID)
		}
		return s
	case EventMessageThreadBookingAssigned:
		s := event.Subject{Kind: event.KindConversation}
		if p := w.ThreadBookingAssigned; p != nil {
			s.ID = string(p.MessageThreadID)
		}
		return s
	case EventInquiry:
		// Channex identifies an inquiry by its conversation.
		s := event.Subject{Kind: event.KindInquiry}
		if p := w.Inquiry; p != nil {
			s.ID = string(p.MessageThreadID)
		}
		return s
	case EventReview, EventUpdatedReview:
		s := event.Subject{Kind: event.KindReview}
		if p := w.Review; p != nil {
			s.ID = string(p.ID)
		}
		return s
	case EventSyncError, EventSyncWarning, EventRateError:
		s := event.Subject{Kind: event.KindChannel}
		if p := w.SyncError; p != nil {
			s.ID = string(p.ChannelID)
		}
		return s
	case EventActivateChannel, EventDeactivateChannel, EventNewChannel, EventUpdatedChannel,
		EventDisconnectChannel, EventDisconnectedChannel, EventDisconnectListing:
		s := event.Subject{Kind: event.KindChannel}
		if p := w.Channel; p != nil {
			s.ID = string(p.ChannelID)
		}
		return s
	case EventChannelRemovalWarning:
		s := event.Subject{Kind: event.KindChannel}
		if p := w.ChannelRemovalWarning; p != nil {
			s.ID = string(p.ChannelID)
		}
		return s
	}
	return event.Subject{}
}

// isBookingType reports whether t is one of the booking.* types.
func isBookingType(t event.Type) bool { return strings.HasPrefix(string(t), "booking.") }

// bookingOf returns the booking w carries: the live-feed summary of
// booking_new, booking_modification, booking_cancellation and
// non_acked_booking, or the requested booking of the Airbnb request events.
// The other booking events name a revision but carry no booking.
func bookingOf(w *Webhook) (event.Booking, bool) {
	switch w.Event {
	case EventBookingNew, EventBookingModification:
		if w.Booking != nil {
			return liveFeedBooking(w, event.StatusConfirmed), true
		}
	case EventBookingCancellation:
		if w.Booking != nil {
			return liveFeedBooking(w, event.StatusCancelled), true
		}
	case EventNonAckedBooking:
		if w.Booking != nil {
			return liveFeedBooking(w, revisionStatus(w.Booking.Status)), true
		}
	case EventReservationRequest, EventAlterationRequest, EventAcceptedReservation, EventDeclinedReservation:
		if p := w.ReservationRequest; p != nil && p.BMS != nil {
			b := p.BMS.Booking()
			b.Status = requestStatus(w.Event)
			if b.PropertyID == "" {
				b.PropertyID = w.propertyID()
			}
			return b, true
		}
	}
	return event.Booking{}, false
}

// requestStatus is the status of the booking an Airbnb request event
// carries: pending while the host decides, then confirmed or cancelled.
func requestStatus(name string) event.BookingStatus {
	switch name {
	case EventAcceptedReservation:
		return event.StatusConfirmed
	case EventDeclinedReservation:
		return event.StatusCancelled
	}
	return event.StatusTentative
}

// liveFeedBooking normalizes the live-feed summary of w.Booking. Its
// departure is departure_date when sent, else arrival_date plus
// count_of_nights; its channel is ota_name when sent, else the OTA code
// that prefixes booking_unique_id ("BDC-..."), when that names a well-known
// channel.
func liveFeedBooking(w *Webhook, status event.BookingStatus) event.Booking {
	p := w.Booking
	b := event.Booking{
		ID:         string(p.BookingID),
		PropertyID: string(p.PropertyID),
		Status:     status,
		Arrival:    p.ArrivalDate,
		Departure:  p.DepartureDate,
		Guest: event.Guest{
			Name:  strings.TrimSpace(string(p.CustomerName)),
			Email: strings.TrimSpace(string(p.CustomerEmail)),
			Phone: strings.TrimSpace(string(p.CustomerPhone)),
		},
		Channel:   liveFeedChannel(p),
		Total:     money(p.Amount, string(p.Currency)),
		UpdatedAt: utcInstant(w.Timestamp),
	}
	if b.PropertyID == "" {
		b.PropertyID = string(w.PropertyID)
	}
	if b.Departure.IsZero() && !b.Arrival.IsZero() && !b.Arrival.IsUnparsed() && p.CountOfNights.Value > 0 {
		b.Departure = event.DateOf(b.Arrival.In(time.UTC).AddDate(0, 0, p.CountOfNights.Int()))
	}
	return b
}

// liveFeedChannel is the channel of a live-feed summary.
func liveFeedChannel(p *BookingPayload) event.Channel {
	if p.OTAName != "" {
		return event.NormalizeChannel(string(p.OTAName))
	}
	code, _, ok := strings.Cut(string(p.BookingUniqueID), "-")
	if !ok {
		return ""
	}
	switch c := event.NormalizeChannel(code); c {
	case event.ChannelAirbnb, event.ChannelBookingCom, event.ChannelVrbo, event.ChannelExpedia,
		event.ChannelGoogle, event.ChannelTripAdvisor:
		return c
	}
	return ""
}

// messageOf normalizes a message delivery through normalizeMessage, as a
// fetched Message is. Channex gives the message no time of its own in a
// delivery; SentAt is the envelope's timestamp.
func messageOf(w *Webhook) event.Message {
	m := w.Message
	propertyID := string(m.PropertyID)
	if propertyID == "" {
		propertyID = string(w.PropertyID)
	}
	return normalizeMessage(string(m.ID), string(m.MessageThreadID), string(m.BookingID), propertyID,
		string(m.Message), m.FromGuest(), utcInstant(w.Timestamp))
}
