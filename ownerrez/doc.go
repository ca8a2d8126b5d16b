// Package ownerrez receives OwnerRez webhooks, hydrates them with the
// records they are about, polls the bookings whose webhooks never came
// (NewSource), and manages OwnerRez webhook subscriptions and OAuth tokens.
//
// OwnerRez POSTs a JSON envelope for every change of a record the app
// subscribed to, and for two connection-level events:
//
//	{"id": "47af00f8-…", "user_id": 347482730, "action": "entity_update",
//	 "entity_type": "booking", "entity_id": 16879744,
//	 "categories": ["availability"], "entity": {…the booking…}}
//
// Receive them with a Verifier, a Receiver and event.NewHTTPHandler:
//
//	v, err := ownerrez.NewVerifier(verify.Credentials{User: user, Password: password})
//	rc, err := ownerrez.NewReceiver(v)
//	mux := event.NewMux()
//	mux.On(event.BookingCancelled, releaseDates)
//	mux.On(event.AccessRevoked, disconnectAccount) // e.Account() is the user_id
//	http.Handle("POST /hooks/ownerrez", event.NewHTTPHandler(rc, mux))
//
// Manage subscriptions with a Client, after the OAuth flow of an
// OAuthClient:
//
//	oc, err := ownerrez.NewOAuthClient(clientID, clientSecret, ownerrez.WithUserAgent("acme-sync/1.0"))
//	http.Redirect(w, r, oc.AuthorizeURL("", state), http.StatusFound)
//	// …in the redirect handler, after checking state:
//	tok, _, err := oc.Exchange(ctx, r.URL.Query().Get("code"), "")
//	c, err := ownerrez.NewClient(tok.Auth(), ownerrez.WithUserAgent("acme-sync/1.0"))
//	sub, _, err := c.Webhooks.Create(ctx, &ownerrez.SubscriptionParams{
//		Type: ownerrez.SubscriptionBooking, Action: ownerrez.ActionEntityUpdate,
//		URL:  "https://acme.example/hooks/ownerrez",
//	})
//
// # Authentication of deliveries
//
// Webhooks exist only for OAuth apps. OwnerRez authenticates each delivery
// with HTTP Basic, using the User and Password set in the Webhooks section
// of the app (Developer/API settings); it signs nothing. NewVerifier takes
// several pairs, so the pair can be rotated without downtime. Whether the
// pair is also sent to the webhook_url of subscriptions created through the
// API, or only to the app's own Webhook URL, is not documented.
//
// NewVerifier refuses a user or password that is blank or starts or ends
// with white space (verify.ErrSecretWhitespace), such as one read from a file
// with its trailing newline: trim it first. The credentials are all in the
// header, so Receiver.VerifyHeader can refuse a delivery before its body is
// read.
//
// # What a receiving service must do
//
//   - Answer within 2 seconds. OwnerRez marks slow or failing endpoints as
//     failing and may disable the app's webhooks: handlers should store the
//     delivery and hand the work off (package inbox does exactly that), not
//     call the OwnerRez API inline. Calls made from webhook handlers are the
//     most common cause of rate limiting.
//   - Expect copies. OwnerRez retries deliveries that got no timely 2xx
//     (reportedly about ten times, with backoff, over some hours). Deduplicate on the envelope id, which
//     Event.ID returns; event.NewHTTPHandler does so by default. A delivery
//     without an id is keyed by the hash of its body.
//   - Treat application_authorization_revoked (event.AccessRevoked) as
//     "disconnect account user_id": the user removed the app, its tokens no
//     longer work, and Event.Account says which account it was.
//   - Answer webhook_test (event.Ping), sent by the app's "Send a Test
//     Webhook" button, with a 2xx; it carries no record.
//
// # Events
//
// Event.Name is "<entity_type>.<action>" for record changes, such as
// "booking.entity_update", and the action alone for "webhook_test" and
// "application_authorization_revoked" (see EventName and EventNames).
// Event.Account is user_id, Event.Subject the record (Kind the entity type,
// "message" for thread_message; ID the entity_id) and Event.Time the
// entity's updated_utc, else created_utc (date_utc for a message): zero
// when the delivery has no entity, and for guests and properties.
// event.VersionOf is the booking's updated_utc (UTC, RFC 3339) for a
// booking create or update carrying the entity, as a Source's poll of that
// state reports; "" otherwise.
//
//	entity type     entity_create      entity_update                 entity_delete
//	booking         booking.created    booking.updated, or           booking.deleted
//	                                   booking.cancelled if canceled
//	guest           guest.created      guest.updated                 guest.deleted
//	property        property.created   property.updated              property.deleted
//	inquiry         inquiry.created    inquiry.updated               record.deleted
//	quote           record.created     record.updated                record.deleted
//	thread_message  message.received   record.updated                record.deleted
//	any other type  record.created     record.updated                record.deleted
//
// webhook_test is event.Ping and application_authorization_revoked is
// event.AccessRevoked; any other action is event.TypeUnknown.
//
// A booking delivery carries an event.Booking (event.BookingOf): status
// canceled is cancelled; otherwise a block (is_block, type "block",
// including Airbnb holds) is blocked, active is confirmed, pending is
// tentative. Channel comes from listing_site, the guest's name from guest,
// Total from total_amount and currency_code. OwnerRez reports a
// cancellation as an update whose status is canceled, so every later update
// of a cancelled booking is booking.cancelled too: handle it idempotently.
// A booking created already canceled stays booking.created.
//
// A thread_message delivery carries an event.Message (event.MessageOf),
// Incoming when a guest, co-traveller or third-party booker wrote it.
// OwnerRez also sends the host's own messages, including those sent through
// the API, and unsent drafts (ThreadMessage.IsDraft). A draft is never
// Incoming; it is message.received unless WithDraftType says otherwise.
//
// Deliveries may omit categories and entity: entity is absent on
// webhook_test and application_authorization_revoked and often on
// entity_delete. Webhook keeps the exact body, the entity as sent, and the
// entity decoded by its type (Booking, Guest, Property, Inquiry, Quote,
// ThreadMessage, APIApplication). Ids may arrive as numbers or strings,
// flags as 1/"true", money as JSON numbers whose exact text is kept
// ("830.00"), never a float64.
//
// # Malformed deliveries
//
// Only a body that is not OwnerRez's envelope at all is malformed (400): not
// JSON, not a JSON object, no action, or an action or entity_type that is
// not a JSON string (see Parse). Any value inside it that a field cannot
// read is kept in the field's Unparsed text (lenient.Int.IsUnparsed,
// event.Date.IsUnparsed, ...), and an entity of the wrong shape sets
// Webhook.DataError, so that an authentic delivery is never lost over one
// field. A normalized Booking carries an unparsed date as it is and invents
// none; an unreadable amount gives no Total.
//
// # API client
//
// NewClient authenticates with a personal access token (PersonalToken:
// Basic with the account's email and "pt_…" token) or an OAuth access token
// (AccessToken: Bearer "at_…"); only OAuth tokens see webhook
// subscriptions. A User-Agent is always sent (WithUserAgent; OwnerRez
// answers 401 user_agent_required without one).
//
// OwnerRez allows 300 requests per 5 minutes per IP address, and answers
// 429 to every request beyond that until the rate falls. The client
// retries a 429, and GET and DELETE requests after transport errors and
// 5xx, with jittered exponential backoff (half a second doubling up to 30
// seconds, at most 4 retries: WithRetryWait, WithRetryMax). OwnerRez
// documents no Retry-After; when one is sent it is honoured, and one longer
// than a minute (WithRetryAfterMax) returns the 429 at once. A POST is retried only on 429 or when
// the connection could not be made, so it never runs twice. Errors are
// *APIError (errors.As).
//
// Every call returns (*T, *Response, error), a list (*Page[T], *Response,
// error), as in every provider package of pmshooks. Subscriptions can be
// listed (List by page, All following next_page_url), read, created and
// deleted; OwnerRez has no call to update one, so WebhooksService has no
// Update. Records are read by id: Bookings.Get, Guests.Get,
// Properties.Get, Inquiries.Get and Messages.Get (GET /v2/bookings/{id}
// and friends), each returning the same typed record a delivery carries;
// Bookings.List and All list bookings by property or by change time
// (BookingListOptions.Since, since_utc), which NewSource uses to
// reconcile after missed deliveries (see Reconciliation). Booking.Normalize and ThreadMessage.Normalize give
// the event.Booking and event.Message of a fetched record, through the
// code the Receiver uses. A call held back while a 429's Retry-After runs
// longer than WithRetryAfterMax returns a *LimitError without sending.
//
// # Hydration
//
// OwnerRez's own Zapier app answers every delivery with
// GET /v2/bookings/{entity_id}: a delivery may carry no entity, and the one
// it carries is the record as it was. NewHydrator fetches the current
// record of a delivery's subject (booking, guest, property, inquiry,
// message), so that a thin {"action":"entity_update","entity_type":
// "booking","entity_id":…} reaches the handler with a full Booking:
//
//	h := event.Hydrate(handler, ownerrez.NewHydrator(c))
//
// A record OwnerRez no longer has (404, as after entity_delete) is
// Record.Deleted, not an error. Package ownerreztest has a fake of the
// API (NewServer) to test such code offline. Response.RequestID and Response.Rate stay zero: OwnerRez
// documents no request-id or rate-limit header. The base URL includes the
// version path (BaseURL, ".../v2"), as WithBaseURL's argument does.
//
// # Reconciliation
//
// Integrators report OwnerRez deliveries that stopped while the
// subscriptions still showed as active, and OwnerRez gives up on a
// delivery after its retries. NewSource finds what such lost deliveries
// would have reported, for an inbox to store beside the webhooks it
// receives (event.Source):
//
//	src, err := ownerrez.NewSource(c, tok.UserID)
//	page, err := src.Changes(ctx, event.Cursor{Checkpoint: saved, Since: start})
//
// It lists the account's bookings and blocks changed since the checkpoint
// with Bookings.List and Since: GET /v2/bookings?since_utc=…&include_guest=
// true, 100 a call, every page of the window, then returns them oldest
// first by updated_utc (then id), WithSourcePageSize at a time (100 by
// default); the rest of a listing serves the following pages for five
// minutes without another call. What since_utc compares is not
// documented: this package takes it as the booking's last change
// (updated_utc), because OwnerRez's own Zapier app lists recent bookings
// by since_utc while it lists guests, inquiries and quotes by
// created_since_utc; the fake (ownerreztest) filters on updated_utc, else
// created_utc. The call is inclusive and sent to the second, and the
// checkpoint ("v1;<updated_utc>;<ids at that second>") resumes at the
// last second returned, inclusively, skipping only the bookings already
// returned at that very second: a booking changed within that second
// after the listing is still found. OwnerRez documents no order for the
// list, so the Source sorts; offsets shift when the window changes while
// it is paged, so a listing whose pages hold fewer bookings than
// OwnerRez's count is listed again (at most three times, then an error
// and nothing is returned). Without a count, such a shift cannot be seen.
//
// Each change is one booking state: Change.ID is
// "poll:booking:<id>:<updated_utc>", and its event (Source.Decode) has the
// Subject of the booking's webhooks and the Version the Receiver gives a
// delivery carrying that state (updated_utc in UTC, RFC 3339), so that an
// inbox keeps one of the two, whichever comes first. Its type is
// booking.cancelled for a canceled booking, else booking.created when
// created_utc equals updated_utc, else booking.updated; its Name the
// webhook it stands for ("booking.entity_create" or
// "booking.entity_update"); event.OriginOf reports event.OriginPoll and
// event.RecordOf the booking as listed. A delivery without the entity, or
// an entity_delete, has no Version and is kept by its delivery id alone.
//
// Cost: a poll lists its window, ceil(W/100) calls (at least one) for W
// bookings changed since the checkpoint. Polled every 5 minutes, an
// account with M booking changes an hour costs 12 × max(1, ceil(M/1200))
// calls an hour: 12 up to 1200 changes an hour, 60 at 6000, against
// OwnerRez's 300 requests per 5 minutes per IP (3600 an hour) shared by
// every account polled from that address. A backfill of N bookings costs
// about ceil(N/100) calls. A 429 is an error wrapping
// *event.RateLimitError.
//
// What it cannot see:
//
//   - Intermediate states: a booking changed several times between two
//     polls is one change, its latest state; two changes within one
//     second share a version.
//   - Deletions: a deleted booking is no longer listed. OwnerRez rarely
//     deletes bookings (a cancellation is an update, which is seen).
//   - Changes that do not move updated_utc, if OwnerRez has any (charges
//     and payments are not documented either way).
//   - Guests (contacts): GET /v2/guests offers only created_since_utc, so
//     an edit of an existing guest cannot be found; not listed.
//   - Properties: GET /v2/properties has no changed-since filter at all;
//     only a full listing could be compared, which is not a change feed.
//   - Messages: GET /v2/messages takes since_utc but needs OwnerRez's
//     messaging agreement and documents neither the filter nor whether it
//     works without a threadId; inquiries and quotes document since_utc
//     with no schema. This package lists none of them.
//   - webhook_test and application_authorization_revoked, which are no
//     records.
//
// # Provider documentation
//
//   - Webhooks: https://www.ownerrez.com/support/articles/api-webhooks
//   - OAuth apps: https://www.ownerrez.com/support/articles/api-oauth-app
//   - Authentication: https://www.ownerrez.com/support/articles/api-auth
//   - Errors: https://www.ownerrez.com/support/articles/api-errors
//   - Rate limits: https://www.ownerrez.com/support/articles/api-rate-limiting
//   - API v2 reference: https://api.ownerrez.com/help/v2
//
// # Unsupported and unknown
//
// What this package could not confirm, and how it copes:
//
//   - The retry schedule, delivery timeout and disabling rules of webhooks
//     (only "answer within 2 seconds" is firm), and whether the delivery id
//     stays the same across retries (receivers assume it does).
//   - Whether the id is always a UUID string now: a number is read too.
//   - The full list of entity types (others become record.*) and of update
//     categories (Categories asks the API), and whether delete
//     subscriptions exist.
//   - The schemas of inquiries, quotes and the api_application entity:
//     Inquiry and Quote hold the fields they share with Booking; the rest
//     stays in Webhook.Data.
//   - The fields of a subscription beyond id, type and webhook_url
//     (Subscription.Raw keeps the rest).
//   - Whether tokens come with refresh_token and expires_in (Token reads
//     them when present). OAuthClient.Refresh sends the refresh-token
//     grant OwnerRez's Zapier app declares, to the token endpoint, as an
//     assumption; there is no self-refreshing Auth, since no expiry answer
//     is documented. Whether the authorize URL accepts a scope
//     (AuthorizeURL sends none: the app's settings fix its scope).
//   - What since_utc of the bookings list compares (taken as the time of
//     the last change, updated_utc), in which order the list comes (the
//     Source sorts it) and its largest page, which include_* flags GET by
//     id honours (none is sent), and the status OwnerRez answers a
//     messages call without the messaging agreement.
package ownerrez
