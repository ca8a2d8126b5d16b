// Package bookingsync receives BookingSync (Smily) API v3 webhooks: it
// verifies their X-Content-Signature, decodes them into typed records and
// normalizes them into [event.Event]s; and it polls the bookings whose
// webhooks never came ([NewSource]).
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
// event.VersionOf is the booking's updated_at (UTC, RFC 3339) for a
// booking_created or booking_updated carrying the record, as a Source's
// poll of that state reports; "" otherwise (a thin or destroyed delivery,
// other kinds).
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
// # Reconciliation
//
// BookingSync documents no retry policy for its deliveries, and says a
// delivery can fail and a periodic sync with updated_since should be kept
// even with webhooks. NewSource is that sync, for an inbox to store what
// lost deliveries would have reported beside the webhooks it receives
// (event.Source):
//
//	src, err := bookingsync.NewSource(c, accountID)
//	page, err := src.Changes(ctx, event.Cursor{Checkpoint: saved, Since: start})
//
// It lists the account's bookings changed since the checkpoint with the
// updated_since flow, [BookingsService.Changes]: GET /bookings?
// updated_since=…&from=1970-01-01T00:00:00Z&include_canceled=true&
// per_page=100, every page of the window (from, because BookingSync
// otherwise lists only bookings that end after now; include_canceled, so
// that a cancellation comes with its record), then returns them oldest
// first by updated_at (then id), [WithSourcePageSize] at a time (100 by
// default); the rest of a listing serves the following pages for five
// minutes without another call. BookingSync documents no order for the
// list, so the Source sorts; offsets shift when the window changes while
// it is paged, so a listing whose pages hold fewer bookings than
// X-Total-Count is listed again (at most three times, then an error and
// nothing is returned).
//
// The checkpoint follows BookingSync's updated_since guide: once a window
// is returned, the next one starts at the X-Updated-Since-Request-Synced-At
// of its first call, the server's time, rather than at a clock of the
// caller's; less one second, since the header is written to the second
// and whether updated_since is inclusive is not documented (a booking of
// that second may come again, with the same Change.ID). While a window is
// paged, the checkpoint ("v1;<since>;<updated_at>;<ids>") names the window
// and the last bookings returned, so a resumed poll lists the window again
// and skips only those: nothing is skipped, and a crash replays at most
// the page it had not stored.
//
// Each change is one booking state: Change.ID is
// "poll:booking:<id>:<updated_at>", and its event (Source.Decode) has the
// Subject of the booking's deliveries and the Version the Receiver gives a
// delivery carrying that state (updated_at in UTC, RFC 3339), so that an
// inbox keeps one of the two, whichever comes first. Its type is
// booking.cancelled for a cancelled booking, else booking.created when
// created_at equals updated_at, else booking.updated; its Name the
// delivery it stands for ("booking_created" or "booking_updated");
// event.OriginOf reports event.OriginPoll and event.RecordOf the booking
// as listed.
//
// meta.deleted_ids lists the bookings "soft-deleted" since: for bookings,
// cancelled (DELETE /bookings/{id} cancels). A deleted id whose booking is
// in the listing (a cancellation, listed with include_canceled) is that
// booking's change. Any other (a booking no longer readable, or a token
// whose scope does not list cancelled bookings) is a change of its own,
// "poll:booking:<id>:cancelled", placed at the window's start: an event of
// type booking.cancelled, Name "booking_destroyed", with the id alone, no
// Version (no state is known, so a webhook of the same cancellation is
// kept beside it) and no RecordOf (an event.Hydrator fetches it).
//
// Cost: a poll lists its window, ceil(W/100) calls (at least one) for W
// bookings changed since the checkpoint. Polled every 5 minutes, an
// account with M booking changes an hour costs 12 × max(1, ceil(M/1200))
// calls an hour: 12 up to 1200 changes an hour, 60 at 6000, against
// BookingSync's 1000 requests per hour per application, shared by every
// account the application polls and by its other calls (about 80
// accounts polled every 5 minutes use it up). A backfill of N bookings
// costs about ceil(N/100) calls. A 429, or a call the client holds back
// for the used-up hour, is an error wrapping *event.RateLimitError.
//
// What it cannot see:
//
//   - Intermediate states: a booking changed several times between two
//     polls is one change, its latest state; two changes within one
//     second share a version.
//   - Changes that do not move a booking's updated_at, if BookingSync has
//     any (payments, fees and comments are records of their own).
//   - Other kinds: rentals, clients, payments, inquiries, reviews and
//     inbox messages are not listed, though some endpoints take
//     updated_since too; availabilities have no changed-since call.
//   - With a ClientCredentials token, which spans every account that
//     authorized the application: bookings linked to another account are
//     skipped, but deleted_ids name no account, so another account's
//     cancellations come as this account's. Use the account's own token.
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
