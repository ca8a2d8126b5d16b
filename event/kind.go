package event

// The kinds of Subject.Kind that more than one provider uses, or that a
// normalized type is about. Every kind is a singular, lowercase, snake_case
// noun. A record.* event about a record that has no kind here carries the
// provider's own name for it in the same form, such as "quote" (OwnerRez),
// "rentals_amenity" (BookingSync) or "lease" (Propexo, whose plural model
// names are made singular: see propexo.Model.Kind).
const (
	// KindBooking is a reservation: the Subject of every booking.* event.
	// The ID is the provider's booking (reservation) id.
	KindBooking = "booking"
	// KindGuest is a guest (OwnerRez's contact, BookingSync's client): the
	// Subject of every guest.* event.
	KindGuest = "guest"
	// KindProperty is a rental property (BookingSync's rental, Hostaway's
	// listing): the Subject of every property.* event, and of
	// availability.updated when the delivery names the property.
	KindProperty = "property"
	// KindMessage is one message of a conversation: the Subject of
	// message.received.
	KindMessage = "message"
	// KindConversation is a conversation, or message thread, between host
	// and guest.
	KindConversation = "conversation"
	// KindReview is a review of a stay: the Subject of every review.* event.
	KindReview = "review"
	// KindPayment is a payment: the Subject of every payment.* event.
	KindPayment = "payment"
	// KindInquiry is a guest's inquiry: the Subject of every inquiry.* event.
	KindInquiry = "inquiry"
	// KindAvailability is a record of availability, for the
	// availability.updated events that name no property.
	KindAvailability = "availability"
	// KindChannel is a connection to a sales channel (an OTA).
	KindChannel = "channel"
	// KindBookingRevision is one revision of a booking, for providers that
	// announce a revision to fetch before the booking itself (Channex).
	KindBookingRevision = "booking_revision"
	// KindIntegration is a connection to a property management system, the
	// Subject of sync.completed events (Propexo). The ID is the integration
	// id.
	KindIntegration = "integration"
	// KindJob is one job of a synchronization, the Subject of sync.failed
	// events (Propexo). The ID is the job id.
	KindJob = "job"
)
