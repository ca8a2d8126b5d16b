// Package channex receives Channex (channex.io) webhooks and manages them:
// a Verifier for the secret header Channex sends, a typed payload for every
// documented event, a Receiver that normalizes deliveries into event.Event,
// and a Client for the webhook API and for the booking revisions that
// booking webhooks announce.
//
// # Setup
//
// Channex signs nothing. Choose a long random secret, mount a Receiver that
// checks it in a header, then create the webhook with that header through
// the Client, and have Channex test it:
//
//	secret := os.Getenv("CHANNEX_WEBHOOK_SECRET") // long and random
//	v, err := channex.NewVerifier(channex.SuggestedHeader, secret)
//	rc, err := channex.NewReceiver(v)
//	http.Handle("POST /hooks/channex", event.NewHTTPHandler(rc, mux))
//
//	client, err := channex.NewClient(channex.APIKey(os.Getenv("CHANNEX_API_KEY"))) // channex.WithBaseURL(channex.StagingURL) for staging
//	params := &channex.SubscriptionParams{
//		PropertyID: propertyID, // or "" with Global: true for every property
//		URL:        "https://pms.example.com/hooks/channex",
//		Events:     []string{"booking_new", "booking_modification", "booking_cancellation", "message"},
//		Headers:    map[string]string{channex.SuggestedHeader: secret},
//		Enabled:    true, // Channex's default is false
//		SendData:   true, // Channex's default is false: no payload
//	}
//	sub, resp, err := client.Webhooks.Create(ctx, params)
//	res, _, err := client.Webhooks.Test(ctx, params) // res.StatusCode is what the receiver answered
//
// # Authentication
//
// Channex's webhooks carry no signature. The webhook's Headers are added to
// every delivery, so a shared secret in a header of your choice is the
// authentication Channex recommends; NewVerifier checks it in constant time
// and accepts several secrets during a rotation. Channex's older pages also
// suggest {"Authorization": "Basic ..."} in Headers: pass a
// verify.NewBasic verifier to NewReceiver for that. A token in
// RequestParams (the query string) cannot be checked by a Verifier, which
// sees only headers and body; do not rely on it. Channex publishes no IP
// ranges. The Client authenticates with the API key in the user-api-key
// header.
//
// NewVerifier refuses a secret that is blank or starts or ends with white
// space (verify.ErrSecretWhitespace), such as one read from a file with its
// trailing newline, since it could never match: trim it first. The secret is
// all in the header, so Receiver.VerifyHeader can refuse a delivery before
// its body is read.
//
// # Events and normalization
//
// A delivery is {event, payload, property_id, user_id, timestamp}; Parse
// returns it as a Webhook with the payload decoded into the field of its
// event, or nil when the webhook has SendData false. Event.Account is the
// property id, Event.Time the timestamp (read as UTC when it has no zone),
// and Event.ID the hash of the body: Channex sends no delivery id.
//
//	event name                                  type                   subject
//	ari                                         availability.updated   property
//	booking                                     record.created         booking_revision (WithGenericBookingType)
//	booking_new                                 booking.created        booking
//	booking_modification                        booking.updated        booking
//	booking_cancellation                        booking.cancelled      booking
//	booking_unmapped_room, _rate                sync.failed            booking
//	non_acked_booking                           sync.failed            booking
//	message                                     message.received       message
//	message_thread_booking_assigned             record.updated         conversation (the thread)
//	sync_error, sync_warning, rate_error        sync.failed            channel
//	reservation_request, alteration_request     inquiry.created        booking
//	accepted_reservation, declined_reservation  inquiry.updated        booking
//	inquiry                                     inquiry.created        inquiry (its message thread)
//	review / updated_review                     review.created/updated review
//	new_channel / updated_channel               record.created/updated channel
//	activate_channel                            channel.connected      channel
//	deactivate_channel, disconnect_channel,
//	disconnected_channel, disconnect_listing    channel.disconnected   channel
//	channel_removal_warning                     unknown (by name)      channel
//	property_removal_warning                    unknown (by name)      property
//
// Where no normalized type fits exactly:
//
//   - booking fires for every revision and names only the revision to
//     pull, so it cannot tell created from updated or cancelled: it is
//     record.created of a booking_revision. Subscribe to booking_new,
//     booking_modification and booking_cancellation for booking.* types,
//     or pick a type with WithGenericBookingType.
//   - Unmapped rooms or rates and revisions still not acknowledged after 30
//     minutes mean the booking did not make it into your system:
//     sync.failed, like the errors OTAs return.
//   - Airbnb's request to book is a request the host answers, so the
//     request flow is inquiry.*; the booking itself arrives as booking_new.
//   - A channel created is not yet connected (activate_channel says when it
//     is): new_channel and updated_channel are record.* of kind channel.
//   - The two removal warnings announce what has not happened, and no type
//     means "will be removed": they are unknown, routed by name with
//     event.Mux.OnName.
//
// event.BookingOf gives the booking of booking_new, booking_modification,
// booking_cancellation and non_acked_booking (the live-feed summary: dates,
// amount, currency, customer name, channel) and of the Airbnb request
// events; event.MessageOf the message of message.
//
// # Booking revisions
//
// Booking webhooks exist to trigger a pull. Channex requires every booking
// revision to be fetched, stored and acknowledged; booking webhooks never
// carry the full booking. On a booking event, call BookingRevisionsService.Get with
// BookingPayload.Revision, store the revision, then
// BookingRevisionsService.Ack; or drain BookingRevisionsService.Feed. A
// revision not acknowledged within 30 minutes triggers Channex's warning
// email and the non_acked_booking event. With the mask "*" Channex sends
// both booking and booking_new (or its siblings) for each revision.
//
// # Records and hydration
//
// Client.Bookings reads a booking as it is now (GET /bookings/{id}: its
// latest revision), lists bookings by arrival, departure or creation date,
// and Booking.Booking normalizes it through the same code as a revision
// delivered in a webhook. Client.BookingRevisions also lists every revision
// (List with InsertedFrom is the "changed since" call) and resends one to
// the feed. Client.Messages lists the guest messages of a booking or of a
// conversation (Channex has no call for one message).
//
// NewHydrator builds the event.Hydrator of Channex on a Client: given a
// delivery, it fetches the current booking (or the named revision, or the
// message) so that event.BookingOf reports the record as Channex has it now,
// also for deliveries without data (send_data false) or out of order. See
// Hydrator for exactly what it fetches. Package channextest serves a fake
// Channex API (channextest.NewServer) to test all of this offline.
//
// # Delivery and retries
//
// Channex POSTs JSON to the callback URL and treats any 2xx as delivered.
// On a 5xx, a timeout or a network error it retries with exponential
// backoff, up to 11 attempts over about 24 hours (1 min, 2, 4, 8, 15, 30
// min, 1 h, 2, 4, 6, 10 h), so event.NewHTTPHandler's 500 on a failed
// handler leads to a retry. Retries may arrive out of order: treat a
// delivery as a signal to read the current state, not as the state. When a
// property webhook and a global webhook match the same event, only the
// property one is called.
//
// Only a body that is not the envelope at all is malformed (400, which
// Channex does not retry): not JSON, not a JSON object, or without a
// non-empty string event (see Parse). A value a payload field cannot read
// is kept in its Unparsed text (lenient.Int.IsUnparsed,
// event.Date.IsUnparsed, ...), and a payload of the wrong shape sets
// Webhook.DataError, so an authentic delivery is never lost over one
// field. A text field given an object keeps its raw JSON text.
//
// # Channex documentation
//
//   - Webhooks: https://docs.channex.io/api-v.1-documentation/webhook-collection
//   - Bookings and revisions: https://docs.channex.io/api-v.1-documentation/bookings-collection
//   - Messages: https://docs.channex.io/api-v.1-documentation/messages-collection
//   - API conventions and errors: https://docs.channex.io/api-v.1-documentation/api-reference
//
// # Unsupported and unknown
//
// Channex does not document, and this package therefore assumes or leaves
// open:
//
//   - The payloads of sync_warning, rate_error, alteration_request,
//     accepted_reservation, declined_reservation, updated_review,
//     new_channel, updated_channel, disconnect_channel and
//     disconnect_listing, and, officially, of booking_new and its two
//     siblings (their shape here comes from deliveries seen in the field).
//     These decode into the assumed type when they fit; when they do not,
//     the delivery still succeeds, with Webhook.DataError set and the
//     payload kept raw.
//   - Which of disconnect_channel and disconnected_channel is on the wire:
//     both are accepted.
//   - What the test call of POST /webhooks/test delivers: it arrives as an
//     event of unknown type.
//   - The timeout Channex applies to callbacks, the headers it adds besides
//     the configured ones, and its source IP ranges.
//   - Whether PUT /webhooks/{id} merges or replaces: Update sends every
//     field. The effect of the "protected" flag. Filters on GET /webhooks.
//   - The unit of "rate" in current ari payloads (older ones used minor
//     units); the full list of ARI record keys.
//   - The production base URL is not written in the stored pages;
//     BaseURL is the app.channex.io host Channex links to.
//   - Filters and order of GET /booking_revisions (RevisionListOptions
//     follows Channex's general conventions), the order of GET /bookings,
//     and a call that returns one message by id (none is documented).
//   - Which booking a delivery without data is about: Hydrator guesses
//     from the property's unacknowledged revisions.
//
// Only the webhook, booking, booking-revision and message endpoints of the
// API are covered.
package channex
