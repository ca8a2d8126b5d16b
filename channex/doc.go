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
// # Reconciliation
//
// Webhooks get lost upstream, where no receiver sees it; Channex's own
// backstop is the booking revision feed, which serves every revision
// nobody acknowledged. NewSource(client, propertyID) is the event.Source
// of one property's feed, for inbox.WithReconciler or a one-off pass:
//
//	src, err := channex.NewSource(client, propertyID)
//
// Changes reads the first page of the feed (GET /booking_revisions/feed
// with filter[property_id] and order[inserted_at]=asc, 100 revisions),
// oldest first; Ack, which the inbox calls once a page is stored,
// acknowledges exactly that page's revisions (POST
// /booking_revisions/{id}/ack each), so that they leave the feed and
// Channex never sends non_acked_booking for them. An Ack that fails
// leaves its revisions in the feed: the next poll serves them again, and
// the inbox, which stores a change once, only acknowledges them. The feed
// is its own checkpoint; Cursor.Since is not used.
//
// A polled revision becomes the event its webhook would have been:
// booking.created (booking_new), booking.updated (booking_modification) or
// booking.cancelled (booking_cancellation) by its status, Subject the
// booking, event.VersionOf the revision id, event.OriginOf event.OriginPoll,
// event.BookingOf the full revision, event.RecordOf the revision as listed.
// The receiver gives booking_new, booking_modification,
// booking_cancellation and the generic booking event the revision id they
// name as version, through the same function, so a webhook and a poll of
// one revision are stored once, whichever comes first. The generic booking
// event is about the revision (Subject kind booking_revision) unless
// WithGenericBookingType makes it a booking.* type; only then does it meet
// its poll. non_acked_booking and the unmapped alerts have no version:
// they are alerts about a revision, not the revision. Deliveries sent
// without data (send_data false) name no revision and have no version
// either: the feed is how the revision they announce is recovered.
//
// What one poll costs, per property: one feed call, one more per further
// page of 100, and one ack call per revision. Polling every 5 minutes a
// property that receives M revisions an hour costs about 12 + M calls an
// hour (12 when nothing changes), whether or not the webhooks came: the
// webhooks do not acknowledge. A Source covers one property because
// acknowledging takes revisions out of a feed that everything holding the
// API key shares, and because its Name must tell accounts apart without
// the key: run one per property.
//
// What it cannot see: revisions someone else already acknowledged
// (another program with the key); revisions that left the feed unacked,
// if Channex drops them after a while as some integrators report (its
// pages say they stay) — for a backfill after a long outage, list them
// with BookingRevisionsService.ListAll and RevisionListOptions.InsertedFrom;
// bookings deleted in Channex; and everything that is not a booking
// revision (messages, reviews, ARI, channel events), for which Channex
// offers no feed.
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
//   - Which booking a delivery without data is about: the Hydrator does
//     not guess; a Source recovers the revision from the feed.
//   - How long an unacknowledged revision stays in the feed: Channex's
//     pages say until it is acknowledged; some integrators report that it
//     drops out after about 30 minutes.
//
// Only the webhook, booking, booking-revision and message endpoints of the
// API are covered.
package channex
