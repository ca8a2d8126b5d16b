package event

import "slices"

// Type is a normalized event type, the same for every provider, such as
// "booking.cancelled". Each provider package keeps one table from its own event
// names to these constants.
type Type string

// The normalized types. A provider event that fits none of them is TypeUnknown.
const (
	// BookingCreated is used when a reservation is made: a new confirmed or
	// tentative booking, or a block of the calendar.
	BookingCreated Type = "booking.created"
	// BookingUpdated is used when an existing reservation changes (dates,
	// guests, price, status) in any way other than being cancelled.
	BookingUpdated Type = "booking.updated"
	// BookingCancelled is used when a reservation is cancelled, whether the
	// provider sends a cancellation event or an update whose status became
	// cancelled.
	BookingCancelled Type = "booking.cancelled"
	// BookingDeleted is used when a reservation record is removed from the
	// provider altogether (not merely cancelled).
	BookingDeleted Type = "booking.deleted"

	// InquiryCreated is used when a prospective guest asks about a stay that
	// is not yet a booking.
	InquiryCreated Type = "inquiry.created"
	// InquiryUpdated is used when such an inquiry changes.
	InquiryUpdated Type = "inquiry.updated"

	// GuestCreated is used when a guest (client, contact) record is created.
	GuestCreated Type = "guest.created"
	// GuestUpdated is used when a guest record changes.
	GuestUpdated Type = "guest.updated"
	// GuestDeleted is used when a guest record is removed.
	GuestDeleted Type = "guest.deleted"

	// PropertyCreated is used when a property (rental, listing, unit offered
	// for stays) is created.
	PropertyCreated Type = "property.created"
	// PropertyUpdated is used when a property changes.
	PropertyUpdated Type = "property.updated"
	// PropertyDeleted is used when a property is removed.
	PropertyDeleted Type = "property.deleted"

	// AvailabilityUpdated is used when availability, rates or restrictions
	// of a property change.
	AvailabilityUpdated Type = "availability.updated"

	// MessageReceived is used when a message is added to a conversation with
	// a guest. Message.Incoming tells whether the guest wrote it.
	MessageReceived Type = "message.received"

	// ReviewCreated is used when a review of a stay is published.
	ReviewCreated Type = "review.created"
	// ReviewUpdated is used when a review, or the reply to it, changes.
	ReviewUpdated Type = "review.updated"

	// PaymentCreated is used when a payment is recorded.
	PaymentCreated Type = "payment.created"
	// PaymentUpdated is used when a payment changes.
	PaymentUpdated Type = "payment.updated"
	// PaymentDeleted is used when a payment is removed.
	PaymentDeleted Type = "payment.deleted"

	// RecordCreated is used when a record of any other kind is created;
	// Subject.Kind names the kind (such as "lease" or "quote").
	RecordCreated Type = "record.created"
	// RecordUpdated is used when a record of any other kind changes;
	// Subject.Kind names the kind.
	RecordUpdated Type = "record.updated"
	// RecordDeleted is used when a record of any other kind is removed;
	// Subject.Kind names the kind.
	RecordDeleted Type = "record.deleted"

	// SyncCompleted is used when the provider finishes synchronizing data
	// (with a channel or an upstream system).
	SyncCompleted Type = "sync.completed"
	// SyncFailed is used when such a synchronization, or a write the
	// provider was asked to make, failed.
	SyncFailed Type = "sync.failed"

	// ChannelConnected is used when a sales channel (Airbnb, Booking.com, ...)
	// is connected or activated for a property.
	ChannelConnected Type = "channel.connected"
	// ChannelDisconnected is used when a sales channel is disconnected or
	// deactivated.
	ChannelDisconnected Type = "channel.disconnected"

	// AccessRevoked is used when the account owner revokes the application's
	// access: stop calling the provider for that account.
	AccessRevoked Type = "access.revoked"

	// Ping is used for test deliveries that a provider sends to check the
	// endpoint; they carry no business data.
	Ping Type = "ping"

	// TypeUnknown is used for provider events that have no normalized type.
	// Such events are still delivered, with their provider name and raw body.
	TypeUnknown Type = "unknown"
)

var allTypes = []Type{
	BookingCreated, BookingUpdated, BookingCancelled, BookingDeleted,
	InquiryCreated, InquiryUpdated,
	GuestCreated, GuestUpdated, GuestDeleted,
	PropertyCreated, PropertyUpdated, PropertyDeleted,
	AvailabilityUpdated,
	MessageReceived,
	ReviewCreated, ReviewUpdated,
	PaymentCreated, PaymentUpdated, PaymentDeleted,
	RecordCreated, RecordUpdated, RecordDeleted,
	SyncCompleted, SyncFailed,
	ChannelConnected, ChannelDisconnected,
	AccessRevoked,
	Ping,
	TypeUnknown,
}

// Types returns every normalized type, sorted. The slice is new on each call.
func Types() []Type {
	ts := slices.Clone(allTypes)
	slices.Sort(ts)
	return ts
}

// Known reports whether t is one of the normalized types.
func (t Type) Known() bool { return slices.Contains(allTypes, t) }
