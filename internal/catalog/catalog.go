// Package catalog lists the event names of the built-in providers, so that
// event.Mux can check a registration without importing the provider packages
// (they import event, not the other way round).
//
// Each list is a copy of the provider's EventNames. The tests of
// internal/registry, which import every provider, assert that the copies
// equal the originals, so a name added to a provider and not here fails the
// build's tests rather than a user's registration.
package catalog

import "slices"

// names holds each built-in provider's event names, sorted. It is never
// written.
var names = map[string][]string{
	"bookingsync": {
		"account_destroyed", "account_updated",
		"accounts_application_created", "accounts_application_destroyed", "accounts_application_updated",
		"accounts_user_created", "accounts_user_destroyed", "accounts_user_updated",
		"amenity_created", "amenity_destroyed", "amenity_updated",
		"availability_updated",
		"booking_comment_created", "booking_comment_destroyed", "booking_comment_updated",
		"booking_created", "booking_destroyed",
		"booking_discount_code_created", "booking_discount_code_destroyed", "booking_discount_code_updated",
		"booking_discount_code_usage_created", "booking_discount_code_usage_destroyed", "booking_discount_code_usage_updated",
		"booking_updated",
		"bookings_fee_created", "bookings_fee_destroyed", "bookings_fee_updated",
		"bookings_tags_item_created", "bookings_tags_item_destroyed",
		"client_created", "client_destroyed", "client_updated",
		"fee_created", "fee_destroyed", "fee_updated",
		"host_review_created", "host_review_updated",
		"inbox_conversation_created", "inbox_conversation_updated",
		"inbox_message_created", "inbox_message_updated",
		"inquiry_created", "inquiry_destroyed", "inquiry_updated",
		"payment_created", "payment_destroyed", "payment_updated",
		"photo_created", "photo_destroyed", "photo_updated",
		"rental_created", "rental_destroyed",
		"rental_exposure_exception_created", "rental_exposure_exception_destroyed",
		"rental_updated",
		"rentals_amenity_created", "rentals_amenity_destroyed", "rentals_amenity_updated",
		"review_created", "review_reply_created", "review_updated",
		"user_created", "user_destroyed", "user_updated",
	},
	"channex": {
		"accepted_reservation", "activate_channel", "alteration_request", "ari",
		"booking", "booking_cancellation", "booking_modification", "booking_new",
		"booking_unmapped_rate", "booking_unmapped_room",
		"channel_removal_warning", "deactivate_channel", "declined_reservation",
		"disconnect_channel", "disconnect_listing", "disconnected_channel",
		"inquiry", "message", "message_thread_booking_assigned",
		"new_channel", "non_acked_booking", "property_removal_warning",
		"rate_error", "reservation_request", "review",
		"sync_error", "sync_warning", "updated_channel", "updated_review",
	},
	"hostaway": {
		"message.received", "reservation.created", "reservation.updated", "test",
	},
	"ownerrez": {
		"application_authorization_revoked",
		"booking.entity_create", "booking.entity_delete", "booking.entity_update",
		"guest.entity_create", "guest.entity_delete", "guest.entity_update",
		"inquiry.entity_create", "inquiry.entity_delete", "inquiry.entity_update",
		"property.entity_create", "property.entity_delete", "property.entity_update",
		"quote.entity_create", "quote.entity_delete", "quote.entity_update",
		"thread_message.entity_create", "thread_message.entity_delete", "thread_message.entity_update",
		"webhook_test",
	},
	"propexo": {
		"DATA_NEW", "DATA_UPDATE", "FIRST_SYNC_COMPLETE", "JOB_FAILURE", "JOB_SUCCESS",
		"SYNC_COMPLETE", "WRITE_OPERATION_FAILURE",
	},
}

// Providers returns the names of the built-in providers, sorted. The slice
// is new on each call.
func Providers() []string {
	ps := make([]string, 0, len(names))
	for p := range names {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// Names returns the event names of the built-in provider p, sorted, and
// false when p is not a built-in provider. The slice is new on each call.
func Names(p string) ([]string, bool) {
	ns, ok := names[p]
	return slices.Clone(ns), ok
}

// Has reports whether name is an event name of the built-in provider p.
func Has(p, name string) bool {
	_, found := slices.BinarySearch(names[p], name)
	return found
}
