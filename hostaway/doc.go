// Package hostaway receives Hostaway's unified webhooks, manages them
// through Hostaway's public API, and fetches the records they are about.
//
// Receive deliveries with a Receiver mounted on event.NewHTTPHandler, and
// register the endpoint with a Client:
//
//	creds := verify.Credentials{User: "pmshooks", Password: os.Getenv("HOSTAWAY_WEBHOOK_PASSWORD")}
//	v, err := hostaway.NewVerifier(creds)
//	r, err := hostaway.NewReceiver(v, hostaway.WithAccounts("10450"))
//	http.Handle("POST /hooks/hostaway", event.NewHTTPHandler(r, mux))
//
//	c, err := hostaway.NewClient(hostaway.ClientCredentials("10450", os.Getenv("HOSTAWAY_CLIENT_SECRET")))
//	hook, _, err := c.Webhooks.Create(ctx, &hostaway.SubscriptionParams{
//		Enabled: true, URL: "https://example.com/hooks/hostaway",
//		Login: creds.User, Password: creds.Password,
//	})
//
// # Authentication of deliveries
//
// Hostaway signs nothing. When the unified webhook has a login and password,
// Hostaway sends them as HTTP Basic auth, which Verifier checks in constant
// time (several pairs allow a password change without downtime). Without a
// login and password a delivery carries no credential at all, so always set
// them, serve the endpoint over HTTPS only, and, when only one account should
// reach it, restrict it with WithAccounts. Basic auth does not cover the body.
//
// NewVerifier refuses a login or password that is blank or starts or ends
// with white space (verify.ErrSecretWhitespace), such as one read from a file
// with its trailing newline: trim it first. The credentials are all in the
// header, so Receiver.VerifyHeader can refuse a delivery before its body is
// read.
//
// # Deliveries
//
// A delivery is the JSON object {"object", "event", "accountId", "data"}:
// reservation.created and reservation.updated carry a Reservation,
// message.received a ConversationMessage. Parse also accepts the data nested
// as {"payload": {"data": ...}}. A body whose data is a string (Hostaway's
// test delivery, {"data":"test"}) is the event "test", normalized to ping.
// Other events parse with their data kept raw and normalize to unknown.
//
// Hostaway is loose about JSON types, and decoding follows: ids as numbers
// or strings, flags as 0/1, "1" or true, amounts as numbers or strings (kept
// as exact decimal text), null anywhere. Hostaway never retries a 4xx, so an
// authentic delivery is only rejected (400) when its body is not the
// envelope at all (see Parse). A value no field can read, such as
// "departureDate": "forged", is kept in the field's Unparsed text and
// flagged (event.Date.IsUnparsed, lenient.Int.IsUnparsed, ...), and data of
// the wrong shape sets Webhook.DataError; the normalized Booking carries an
// unparsed date as it is and invents none. Timestamps ("2025-10-25 15:30:19")
// carry no zone; the payloads keep them as zoneless clock readings
// (lenient.Time), and the normalized Event places them in UTC, as Hostaway
// documents, or in the zone given by WithLocation.
//
// # Normalization
//
//	Hostaway event        reservation status                        event.Type
//	reservation.created   new, modified, ownerStay, pending, ...    booking.created
//	reservation.updated   new, modified, ownerStay, pending, ...    booking.updated
//	reservation.*         cancelled, declined, expired              booking.cancelled
//	reservation.created   inquiry* and unknown                      inquiry.created
//	reservation.updated   inquiry* and unknown                      inquiry.updated
//	message.received                                                message.received
//	test (string data)                                              ping
//	anything else                                                   unknown
//
// The status of the Booking follows ReservationStatus.BookingStatus: new and
// modified are confirmed; pending, awaitingPayment, unconfirmed and
// awaitingGuestVerification are tentative; ownerStay is blocked; cancelled,
// declined and expired are cancelled; the inquiry states are inquiry. A
// booking that starts as an inquiry reaches handlers of booking.* first as an
// update, so handlers should upsert. Channels come from channelName or, when
// absent, from Hostaway's channel ids, through event.NormalizeChannel.
//
// # Delivery rules
//
// Hostaway retries a delivery up to three times, over about an hour, after a
// connection error, a 5xx or a 429; any other 4xx is final. It expects an
// answer within 20 seconds and disables a webhook that keeps failing for
// five days. event.NewHTTPHandler answers accordingly: 200 for handled and
// unknown events, 500 when a handler fails, so that Hostaway retries.
// Hostaway sends no delivery id and may notify one change more than once;
// Event.ID is the hash of the body, which catches redeliveries of the same
// body only.
//
// # API client
//
// Client manages unified webhooks (Subscription: List, All, Get, Create,
// Update, Delete), lists their delivery logs (WebhookLogs), reads
// reservations (Reservations: Get, and List and All with the documented
// filters, sort orders and afterId cursor) and conversation messages
// (Messages.Get), and revokes access tokens (RevokeToken). Every call
// returns (*T, *Response, error), a list (*Page[T], *Response, error), as in
// every provider package of pmshooks; Hostaway does not paginate the
// webhook list, so List cuts the page out of the whole list and All makes
// one request. Response.RequestID and Response.Rate stay zero: Hostaway
// documents no request-id or rate-limit header. NewClient takes an Auth:
// ClientCredentials uses the OAuth2 client-credentials grant: the token is
// fetched once, shared, kept until it expires, activated for the one second
// Hostaway requires, and renewed once when Hostaway answers 403. Hostaway's
// tokens last up to 24 months and it asks callers to reuse them: save
// Client.Token and start the next run with WithToken. AccessToken sends a
// token the caller holds and never renews it. Errors from the API are
// *APIError.
// Requests are retried on 429 and 5xx, honouring Retry-After, but a POST is
// never repeated once it may have reached Hostaway. Hostaway limits each IP
// address to 15 and each account to 20 requests per 10 seconds; when it
// asks to wait longer than the client waits, the Client's later calls fail
// at once with a *LimitError until the wait is over.
//
// Hostaway documents no filter on the update time: SortUpdatedOn lists
// reservations least recently modified first, paged by AfterID.
// LatestActivityStart bounds latestActivityOn, which Hostaway does not keep
// in step with updatedOn, so it is no "changed since" filter (see Source).
//
// # Hydration
//
// Hostaway's docs advise calling the API after a delivery for the details,
// which may not be ready when the webhook fires. A Hydrator (NewHydrator)
// does so for event.Hydrate and the inbox: a reservation delivery gets the
// reservation as GET /v1/reservations/{id} returns it now, a
// message.received delivery the message as
// GET /v1/conversations/{conversationId}/messages/{id} returns it, each
// normalized by the same code as deliveries (Reservation.Booking,
// ConversationMessage.Message). A record Hostaway no longer has (404) is
// event.Record.Deleted; a 429 is an *event.RateLimitError.
//
// # Reconciliation
//
// Webhooks get lost upstream. A Source (NewSource) finds the reservation
// changes they would have reported, for inbox reconciliation: it lists
// GET /v1/reservations?sortOrder=updatedOn&limit=100 (least recently
// modified first), resuming with afterId after a checkpoint, and decodes
// each listed reservation state into the event a delivery of it gives:
// same Subject, same Version (Reservation.Version, the updatedOn in
// canonical UTC form, which a Receiver sets on reservation deliveries
// too), so that an inbox stores a change once whether its webhook or its
// poll comes first. Polled events report event.OriginPoll and carry the
// listed reservation as their record (event.RecordOf). Hostaway has no
// filter on the update time, and afterId names a position that moves when
// its reservation is updated; Source explains how its checkpoint still
// never skips a change.
//
// Cost: one poll is one list call per page of 100 (96 new reservations
// after the first page, which re-reads the checkpoint's anchors), plus one
// GET /v1/reservations/{id} when the page cannot show that the anchor it
// resumed after is still in place (rarely: when the anchors have moved).
// Polling every 5 minutes an account with M reservation changes per hour
// costs about 12 × max(1, ⌈M/1152⌉) calls per hour: 12 for M up to about
// a thousand, 60 for M = 5000, well within Hostaway's 20 requests per 10
// seconds. The first poll (and a poll whose anchors have all moved) walks
// the list from its oldest reservation, one call per 96 reservations of
// the account, skipping those older than Since.
//
// What it cannot see: deleted reservations (they leave the list without a
// trace), intermediate states (a reservation updated twice between polls,
// or twice within one second, is listed once, in its latest state), and
// messages: Hostaway lists conversations by offset only and messages per
// conversation, with no change time to resume from, so a lost
// message.received delivery cannot be found. A reservation created and
// modified before the poll is listed as updated (booking.updated), not
// created.
//
// Package hostawaytest has a fake of this API (NewServer) with state,
// faults and deliveries, for tests without credentials.
//
// # Unsupported and unknown
//
//   - Legacy reservation and conversation-message webhooks
//     (/v1/webhooks/reservations, /v1/webhooks/conversationMessages), which
//     Hostaway deprecates, and their delivery logs.
//   - Where to store a token between runs is left to the program
//     (Client.Token, WithToken).
//   - The API's other records (listings, conversations, calendars, ...)
//     and writes other than webhooks and token revocation: Hostaway
//     sends no event about them.
//   - How Hostaway answers for a reservation or message it does not have
//     is undocumented; this package assumes 404.
//   - Hostaway documents neither the delivered body, nor the test delivery,
//     nor delivery headers or source addresses; this package follows what
//     live receivers observe. Whether message.received also fires for
//     messages the host sends is unknown: check Message.Incoming.
//   - The unified webhook's listing and channel filters, and an "events"
//     field some accounts return, are undocumented; Raw keeps them.
//   - Reservation statuses beyond the sixteen documented ones normalize to
//     event.StatusUnknown.
//
// # Links
//
//   - API reference: https://api.hostaway.com/documentation
//   - Unified webhooks: https://api.hostaway.com/documentation#unified-webhooks
//   - Authentication: https://api.hostaway.com/documentation#authentication
//   - Webhooks in the dashboard: https://support.hostaway.com/hc/en-us/articles/360009022653-Using-Hostaway-Web-hooks
package hostaway
