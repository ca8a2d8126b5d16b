// Package bookingsync receives BookingSync (Smily) API v3 webhooks: it
// verifies their X-Content-Signature, decodes them into typed records and
// normalizes them into [event.Event]s.
//
//	v, err := bookingsync.NewVerifier(os.Getenv("BOOKINGSYNC_CLIENT_SECRET"))
//	if err != nil {
//		return err
//	}
//	rcv, err := bookingsync.NewReceiver(v)
//	if err != nil {
//		return err
//	}
//	mux := event.NewMux()
//	mux.On(event.BookingCancelled, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
//		b, _ := event.BookingOf(e)
//		return releaseDates(ctx, b.PropertyID, b.Arrival, b.Departure)
//	}))
//	http.Handle("POST /hooks/bookingsync", event.NewHTTPHandler(rcv, mux))
//
// Handlers that need BookingSync's own fields read the *[Webhook] from
// Event.Data and type-switch on its Resource (*[Booking], *[Rental],
// *[Guest], ...). [Parse] decodes a body without verifying it.
//
// # Authentication
//
// Every delivery carries X-Content-Signature: the lowercase hex HMAC-SHA1,
// keyed by the OAuth application's client secret, of Ruby's
// Base64.encode64 of the exact body, which puts a newline after every 60
// characters and at the end. [Verifier] checks it in constant time, against
// several secrets when given them (rotation), and also accepts the signature
// of the strict Base64 form without newlines, as BookingSync's own Rails
// engine (bookingsync_application) does. There is no separate webhook secret
// and no timestamp, so a captured delivery can be replayed: deduplicate (the
// event ID is a hash of the body) and treat deliveries as hints, see below.
//
// NewVerifier refuses a secret that is blank or starts or ends with white
// space (verify.ErrSecretWhitespace), such as one read from a file with its
// trailing newline: trim it first. Receiver.VerifyHeader checks, before the
// body is read, that a well-formed signature is present; only Receive can
// check it against the body.
//
// # Deliveries
//
// A delivery is a POST with Content-Type application/json and User-Agent
// "BookingSync Webhook Delivery", holding one event: {"account_id",
// "event", "resource"}, the resource being the record serialized as API v3
// serializes it, under the singular name of its kind. [EventNames] lists the
// 64 documented event names; each normalizes to one event.Type (client_* to
// guest.*, rental_* to property.*, inbox_message_created to message.received,
// kinds without a normalized type to record.* with the kind in Subject).
//
// BookingSync does not guarantee delivery order, above all for several
// updates in a short time, and a delivery can be lost. Its API best practices
// advise treating a webhook as a signal to re-fetch the record from the API
// (or to apply changes by their updated_at when eventual consistency is
// enough), and keeping a periodic sync with updated_since even with webhooks.
// Event.Time is the record's updated_at for that reason.
//
// Only a body that is not the envelope at all is malformed (400): not JSON,
// not a JSON object, or without a non-blank string event (see Parse). A
// value a record field cannot read is kept in its Unparsed text
// (lenient.Int.IsUnparsed, ...), and a resource of the wrong shape sets
// Webhook.DataError, so an authentic delivery is never lost over one
// field. A booking whose start_at or end_at cannot be read normalizes to
// an unparsed event.Date carrying the text; no date is invented.
//
// # API client and hydration
//
// [NewClient] calls BookingSync API v3 (BaseURL, https://www.bookingsync.com/api/v3)
// with OAuth 2: [ClientCredentials] (the application's Client ID and
// Secret; the client fetches and renews its token at TokenURL; public scope
// only, across every account that authorized the application) or
// [AccessToken] (an account's token from the authorization-code flow,
// [OAuthClient].Exchange, renewed with [OAuthClient].Refresh, which rotates
// the refresh token). It reads bookings, clients (as [Guest]) and rentals
// by id (GET /bookings/{id}, /clients/{id}, /rentals/{id}) and by page,
// and runs the updated_since flow ([BookingsService.Changes]: the bookings
// changed since a time, the ids cancelled since, and the server's cursor).
// Answers are API v3's envelope ({"links", "<plural>": [records], "meta"}),
// decoded into the same record types deliveries carry, so that
// [NormalizeBooking] gives the event.Booking a delivery gives. Lists page by
// page and per_page with the Link header; Response.Rate holds the documented
// X-RateLimit-* headers (1000 requests per hour per application), and a
// client whose window is used up holds its callers back ([LimitError]).
//
// [NewHydrator] uses the client to turn a delivery into the record as
// BookingSync has it now (event.Hydrate): booking, guest and property
// subjects are fetched; see [Hydrator]. The fake API of package
// bookingsynctest serves every call for tests.
//
// # Subscriptions
//
// BookingSync documents no API to manage webhook subscriptions: they are
// created in the partner UI (application, Manage, Webhooks, New Webhook: a URL
// and a choice of events). So the Client, unlike the other providers', has no
// Webhooks service. The OAuth scopes webhooks_read and webhooks_write exist,
// but no endpoint for them is documented.
//
// # Unknown and assumed
//
// BookingSync publishes one sample delivery (client_created). For the other
// kinds this package assumes the same shape, with the fields of the API v3
// objects, and also accepts the record under its plural name as an array,
// under another single key, as the resource itself or as a bare id. What a
// *_destroyed delivery holds (the last state or an id) is not documented:
// both parse. Whether cancelling a booking sends booking_updated with status
// Canceled, booking_destroyed, or both is not documented: the first gives
// booking.cancelled, the second booking.deleted. The retry policy, timeout,
// expected status codes and source addresses of deliveries are not documented
// either; BookingSync's own receiver answers 200.
//
// Of the API, the reference leaves open: whether GET /bookings/{id} answers
// for a cancelled booking without include_canceled (Get always sends it, as
// BookingSync's Ruby client does to read one); the error body of a 404 or
// 429 (the client reads {"errors": [{"code", "field", "title"}]}, seen in
// recorded 401 and 422 answers, and OAuth's {"error", "error_description"});
// X-Total-Count and X-Request-Id (seen in recorded answers, not documented);
// and the largest per_page (capped at its default, 100 in recorded answers).
// The sources and their confidence are in testdata/README.md.
//
// An inbox message names its sender only as a participant id, so
// Message.Incoming is inferred from the message's origin (see
// [InboxMessage]). Bookings carry no guest details or channel name (only
// links to a client and a source), so the normalized Booking has neither.
//
// Documentation: https://developers.bookingsync.com/guides/webhook-subscriptions,
// https://developers.bookingsync.com/guides/api-best-practices and
// https://developers.bookingsync.com/reference/.
package bookingsync
