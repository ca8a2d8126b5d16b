package channex

import (
	"encoding/json"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
)

// ARIChange is one record of an ari delivery: what changed for one room
// type (and rate plan) on one date. Records are sparse: each carries only
// the values that changed, so every value is a pointer, nil when absent.
// Channex documents availability, booked, stop_sell and rate, and
// announced stop_sell_manual; the restriction fields below it are those of
// its restrictions API, decoded in case they appear.
type ARIChange struct {
	// Date is the day the values apply to.
	Date event.Date `json:"date"`
	// PropertyID is the property, when the record names it (the envelope
	// always does).
	PropertyID lenient.String `json:"property_id,omitempty"`
	// RoomTypeID is the room type.
	RoomTypeID lenient.String `json:"room_type_id"`
	// RatePlanID is the rate plan. Channex sets it on availability records
	// too, although availability is per room type.
	RatePlanID lenient.String `json:"rate_plan_id"`

	// Availability is the number of rooms left to sell.
	Availability *lenient.Int `json:"availability,omitzero"`
	// Booked is the number of rooms booked.
	Booked *lenient.Int `json:"booked,omitzero"`
	// StopSell is the computed stop sell: true when no room is left, the
	// rate is zero or a user stopped sales. To mirror ARI, prefer
	// StopSellManual.
	StopSell *lenient.Bool `json:"stop_sell,omitzero"`
	// StopSellManual is the stop sell a user set.
	StopSellManual *lenient.Bool `json:"stop_sell_manual,omitzero"`
	// Rate is the price exactly as sent. Channex's older examples send
	// integers in minor units (11100 for 111.00); the unit of current
	// deliveries is not documented.
	Rate *lenient.Decimal `json:"rate,omitzero"`
	// MinStayArrival is the minimum stay for arrivals on Date.
	MinStayArrival *lenient.Int `json:"min_stay_arrival,omitzero"`
	// MinStayThrough is the minimum stay for stays through Date.
	MinStayThrough *lenient.Int `json:"min_stay_through,omitzero"`
	// MaxStay is the maximum stay.
	MaxStay *lenient.Int `json:"max_stay,omitzero"`
	// ClosedToArrival closes Date to arrivals.
	ClosedToArrival *lenient.Bool `json:"closed_to_arrival,omitzero"`
	// ClosedToDeparture closes Date to departures.
	ClosedToDeparture *lenient.Bool `json:"closed_to_departure,omitzero"`
}

// BookingPayload is the payload of the booking-revision events. It comes in
// two forms, and this one type decodes both:
//
//   - booking, booking_unmapped_room and booking_unmapped_rate name the
//     revision to pull (booking names it revision_id, the unmapped events
//     booking_revision_id) and its booking, nothing more: Channex leaves
//     the booking itself out for security reasons.
//   - booking_new, booking_modification, booking_cancellation and
//     non_acked_booking carry the "live feed" summary: booking_revision_id,
//     dates, amount, currency, customer name and OTA codes.
//
// Revision returns the revision id whichever key carried it. Fetch the full
// revision with BookingRevisionsService.Get and acknowledge it with
// BookingRevisionsService.Ack.
type BookingPayload struct {
	// BookingID is the booking.
	BookingID lenient.String `json:"booking_id"`
	// PropertyID is the property.
	PropertyID lenient.String `json:"property_id"`
	// RevisionID is the revision, as the booking event names it.
	RevisionID lenient.String `json:"revision_id"`
	// BookingRevisionID is the revision, as the other booking events name
	// it.
	BookingRevisionID lenient.String `json:"booking_revision_id"`

	// BookingUniqueID is the OTA code and reservation code, such as
	// "BDC-3611227021".
	BookingUniqueID lenient.String `json:"booking_unique_id"`
	// OTACode is the reservation code at the OTA, such as "3611227021".
	OTACode lenient.String `json:"ota_code"`
	// OTAName is the OTA, such as "BookingCom". Not in Channex's examples;
	// seen in the field.
	OTAName lenient.String `json:"ota_name"`
	// ChannelID is the Channex channel the booking came through; "" for
	// bookings made in Channex itself (null on the wire).
	ChannelID lenient.String `json:"channel_id"`
	// LiveFeedEventID identifies the event in Channex's live feed.
	LiveFeedEventID lenient.String `json:"live_feed_event_id"`
	// Status is the revision status (new, modified, cancelled) when the
	// payload carries it; Channex's examples do not.
	Status RevisionStatus `json:"status"`
	// ArrivalDate is the first night.
	ArrivalDate event.Date `json:"arrival_date"`
	// DepartureDate is the departure day, when the payload carries it;
	// Channex's examples carry CountOfNights instead.
	DepartureDate event.Date `json:"departure_date"`
	// CountOfNights is the length of the stay.
	CountOfNights lenient.Int `json:"count_of_nights"`
	// CountOfRooms is the number of rooms booked.
	CountOfRooms lenient.Int `json:"count_of_rooms"`
	// Amount is the booking total, exact decimal text such as "210.60".
	Amount lenient.Decimal `json:"amount"`
	// Currency is the ISO 4217 code of Amount.
	Currency lenient.String `json:"currency"`
	// CustomerName is the booker's name.
	CustomerName lenient.String `json:"customer_name"`
	// CustomerEmail is the booker's email, when sent (seen in the field).
	CustomerEmail lenient.String `json:"customer_email"`
	// CustomerPhone is the booker's phone, when sent (seen in the field).
	CustomerPhone lenient.String `json:"customer_phone"`
	// Notes holds the booker's notes, when sent (seen in the field).
	Notes lenient.String `json:"notes"`
}

// Revision returns the booking revision id the payload names:
// booking_revision_id, else revision_id. Pass it to
// BookingRevisionsService.Get and Ack.
func (p *BookingPayload) Revision() string {
	if p.BookingRevisionID != "" {
		return string(p.BookingRevisionID)
	}
	return string(p.RevisionID)
}

// MessagePayload is the payload of a message delivery: one message in a
// conversation of the Messages app.
type MessagePayload struct {
	// ID is the message.
	ID lenient.String `json:"id"`
	// Message is the text.
	Message lenient.String `json:"message"`
	// Sender is who wrote it: "guest" or "property".
	Sender lenient.String `json:"sender"`
	// PropertyID is the property.
	PropertyID lenient.String `json:"property_id"`
	// BookingID is the booking the conversation is about; "" before there
	// is one (inquiries).
	BookingID lenient.String `json:"booking_id"`
	// MessageThreadID is the conversation.
	MessageThreadID lenient.String `json:"message_thread_id"`
	// LiveFeedEventID identifies the event in Channex's live feed.
	LiveFeedEventID lenient.String `json:"live_feed_event_id"`
	// Attachments are links or paths of files attached to the message.
	Attachments []lenient.String `json:"attachments"`
	// HaveAttachment is true when the message has attachments.
	HaveAttachment lenient.Bool `json:"have_attachment"`
	// OTAMessageID is the message's id at the OTA.
	OTAMessageID lenient.String `json:"ota_message_id"`
	// Meta is free-form data exactly as sent, nil when null.
	Meta json.RawMessage `json:"meta,omitempty"`
}

func (p *MessagePayload) dropNulls() { dropNull(&p.Meta) }

// FromGuest reports whether the guest wrote the message.
func (p *MessagePayload) FromGuest() bool { return isGuest(string(p.Sender)) }

// SyncErrorPayload is the payload of a sync_error delivery, and the shape
// assumed for sync_warning and rate_error, whose payloads Channex does not
// document.
type SyncErrorPayload struct {
	// Channel is the OTA, such as "Agoda".
	Channel lenient.String `json:"channel"`
	// ChannelEventID identifies the failed synchronization.
	ChannelEventID lenient.String `json:"channel_event_id"`
	// ChannelID is the Channex channel.
	ChannelID lenient.String `json:"channel_id"`
	// ChannelName is the channel's title.
	ChannelName lenient.String `json:"channel_name"`
	// ErrorType classifies the error; Channex documents only
	// "general_error".
	ErrorType lenient.String `json:"error_type"`
	// PropertyName is the property's title.
	PropertyName lenient.String `json:"property_name"`
}

// ReservationRequestPayload is the payload of an Airbnb reservation_request:
// the requested booking as a booking revision, and whether the host has
// answered. alteration_request has the same form in the field, and
// accepted_reservation and declined_reservation are assumed to.
type ReservationRequestPayload struct {
	// BMS is the requested booking ("booking message") in the booking
	// revision form; nil when absent.
	BMS *BookingRevision `json:"bms"`
	// Resolved is true once the host accepted or declined.
	Resolved lenient.Bool `json:"resolved"`
	// LiveFeedEventID identifies the event in Channex's live feed.
	LiveFeedEventID lenient.String `json:"live_feed_event_id"`
	// MessageThreadID is the conversation with the guest, when sent.
	MessageThreadID lenient.String `json:"message_thread_id"`
}

// InquiryPayload is the payload of an Airbnb inquiry: a guest's question
// about a stay, identified by its conversation.
type InquiryPayload struct {
	// Status is the inquiry's state, such as "active"; other values are
	// not documented.
	Status lenient.String `json:"status"`
	// PropertyID is the property.
	PropertyID lenient.String `json:"property_id"`
	// MessageThreadID is the conversation the inquiry lives in.
	MessageThreadID lenient.String `json:"message_thread_id"`
	// LiveFeedEventID identifies the event in Channex's live feed.
	LiveFeedEventID lenient.String `json:"live_feed_event_id"`
	// BookingDetails is the stay asked about; nil when absent.
	BookingDetails *InquiryDetails `json:"booking_details"`
}

// InquiryDetails is the stay an inquiry asks about.
type InquiryDetails struct {
	// Currency is the ISO 4217 code of PayoutAmount.
	Currency lenient.String `json:"currency"`
	// PropertyID is the property.
	PropertyID lenient.String `json:"property_id"`
	// ListingID is the Airbnb listing.
	ListingID lenient.String `json:"listing_id"`
	// ListingName is the Airbnb listing's title.
	ListingName lenient.String `json:"listing_name"`
	// RoomTypeID is the room type mapped to the listing.
	RoomTypeID lenient.String `json:"room_type_id"`
	// CheckinDate is the first night asked for.
	CheckinDate event.Date `json:"checkin_date"`
	// CheckoutDate is the departure day asked for.
	CheckoutDate event.Date `json:"checkout_date"`
	// Nights is the length of the stay.
	Nights lenient.Int `json:"nights"`
	// GuestName is the guest's name.
	GuestName lenient.String `json:"guest_name"`
	// NumberOfGuests is the party size.
	NumberOfGuests lenient.Int `json:"number_of_guests"`
	// NumberOfAdults is the number of adults.
	NumberOfAdults lenient.Int `json:"number_of_adults"`
	// NumberOfChildren is the number of children.
	NumberOfChildren lenient.Int `json:"number_of_children"`
	// NumberOfInfants is the number of infants.
	NumberOfInfants lenient.Int `json:"number_of_infants"`
	// NumberOfPets is the number of pets.
	NumberOfPets lenient.Int `json:"number_of_pets"`
	// PayoutAmount is what the host would be paid, exact decimal text.
	PayoutAmount lenient.Decimal `json:"payout_amount"`
	// NonResponseAt is when the inquiry counts as unanswered.
	NonResponseAt lenient.Time `json:"non_response_at"`
}

// ReviewPayload is the payload of a review delivery, and the shape assumed
// for updated_review, whose payload Channex does not document.
type ReviewPayload struct {
	// ID is the review.
	ID lenient.String `json:"id"`
	// PropertyID is the property.
	PropertyID lenient.String `json:"property_id"`
	// BookingID is the booking reviewed.
	BookingID lenient.String `json:"booking_id"`
	// ChannelID is the Channex channel the review came through.
	ChannelID lenient.String `json:"channel_id"`
	// OTA is where it was written, such as "BookingCom" or "AirBNB".
	OTA lenient.String `json:"ota"`
	// OTAReviewID is the review's id at the OTA.
	OTAReviewID lenient.String `json:"ota_review_id"`
	// OTAReservationID is the reservation code at the OTA.
	OTAReservationID lenient.String `json:"ota_reservation_id"`
	// ReviewerName is the guest's name; often "" (null).
	ReviewerName lenient.String `json:"reviewer_name"`
	// Content is the review text; "" until the guest wrote one.
	Content lenient.String `json:"content"`
	// RawContent is the OTA's own form of the review, exactly as sent;
	// nil when null.
	RawContent json.RawMessage `json:"raw_content,omitempty"`
	// Reply is the host's reply; "" when none.
	Reply lenient.String `json:"reply"`
	// OverallScore is Channex's overall score, out of 10, exact text.
	OverallScore lenient.Decimal `json:"overall_score"`
	// Scores are Channex's scores per category.
	Scores []ReviewScore `json:"scores"`
	// OTAOverallScore is the OTA's overall score.
	OTAOverallScore lenient.Decimal `json:"ota_overall_score"`
	// OTAScores are the OTA's scores per category.
	OTAScores []ReviewScore `json:"ota_scores"`
	// Tags are Airbnb review tag codes.
	Tags []lenient.String `json:"tags"`
	// IsHidden is true for an Airbnb review not yet visible because the
	// host has not reviewed the guest.
	IsHidden lenient.Bool `json:"is_hidden"`
	// IsReplied is true once the host replied.
	IsReplied lenient.Bool `json:"is_replied"`
	// LiveFeedEventID identifies the event in Channex's live feed.
	LiveFeedEventID lenient.String `json:"live_feed_event_id"`
	// ReceivedAt is when Channex received the review. Channex sends it
	// without a zone.
	ReceivedAt lenient.Time `json:"received_at"`
	// ExpiredAt is when replying stops being possible.
	ExpiredAt lenient.Time `json:"expired_at"`
	// OTAInsertedAt is when the OTA recorded the review.
	OTAInsertedAt lenient.Time `json:"ota_inserted_at"`
	// ReplyScheduledAt is when the host's reply is scheduled.
	ReplyScheduledAt lenient.Time `json:"reply_scheduled_at"`
	// ReplySentAt is when the host's reply was sent.
	ReplySentAt lenient.Time `json:"reply_sent_at"`
}

func (p *ReviewPayload) dropNulls() { dropNull(&p.RawContent) }

// ReviewScore is one category score of a review, such as
// {"category": "clean", "score": 7.5}.
type ReviewScore struct {
	Category lenient.String  `json:"category"`
	Score    lenient.Decimal `json:"score"`
}

// ChannelPayload is the payload of activate_channel and deactivate_channel,
// and the shape assumed for new_channel, updated_channel,
// disconnect_channel, disconnected_channel and disconnect_listing, whose
// payloads Channex does not document.
type ChannelPayload struct {
	// ChannelID is the Channex channel.
	ChannelID lenient.String `json:"channel_id"`
	// Title is the channel's title.
	Title lenient.String `json:"title"`
	// OTAName is the OTA, such as "Klook" or "BookingCom".
	OTAName lenient.String `json:"ota_name"`
}

// ChannelRemovalWarningPayload is the payload of channel_removal_warning:
// an inactive channel Channex will remove on RemovalDate. For a channel of
// several properties it is sent for the first one only.
type ChannelRemovalWarningPayload struct {
	// LiveFeedEventID identifies the event in Channex's live feed.
	LiveFeedEventID lenient.String `json:"live_feed_event_id"`
	// PropertyID is the property.
	PropertyID lenient.String `json:"property_id"`
	// ChannelID is the channel to be removed.
	ChannelID lenient.String `json:"channel_id"`
	// ChannelName is its title.
	ChannelName lenient.String `json:"channel_name"`
	// Channel is its OTA, such as "BookingCom".
	Channel lenient.String `json:"channel"`
	// DaysLeft is 7 or 1.
	DaysLeft lenient.Int `json:"days_left"`
	// RemovalDate is the day of removal.
	RemovalDate event.Date `json:"removal_date"`
}

// PropertyRemovalWarningPayload is the payload of property_removal_warning:
// a property without active channels Channex will remove on RemovalDate.
type PropertyRemovalWarningPayload struct {
	// LiveFeedEventID identifies the event in Channex's live feed.
	LiveFeedEventID lenient.String `json:"live_feed_event_id"`
	// PropertyID is the property to be removed.
	PropertyID lenient.String `json:"property_id"`
	// PropertyName is its title.
	PropertyName lenient.String `json:"property_name"`
	// DaysLeft is 30, 7 or 1.
	DaysLeft lenient.Int `json:"days_left"`
	// RemovalDate is the day of removal.
	RemovalDate event.Date `json:"removal_date"`
}

// ThreadBookingAssignedPayload is the payload of
// message_thread_booking_assigned: a conversation that began before its
// booking existed now belongs to the booking.
type ThreadBookingAssignedPayload struct {
	// BookingID is the booking.
	BookingID lenient.String `json:"booking_id"`
	// MessageThreadID is the conversation.
	MessageThreadID lenient.String `json:"message_thread_id"`
}
