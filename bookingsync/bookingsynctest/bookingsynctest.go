// Package bookingsynctest serves sample BookingSync deliveries for tests,
// examples and local tools: one canonical body per event name of
// bookingsync.EventNames, signed requests that carry them, and a fake of
// BookingSync API v3 (NewServer) with state, faults and signed deliveries.
//
// client_created is the example of BookingSync's webhook guide (its braces
// repaired); the other samples follow the same envelope, with records taken
// from the API v3 reference's sample responses (kinds without a documented
// shape carry an id, links and timestamps).
//
// # Testing your handler
//
// The *bookingsync.Verifier that checks deliveries is the signer of test
// requests. NewSampleRequest posts a new delivery of a sample in one call;
// a cancellation is the sample CancelledBooking:
//
//	v, _ := bookingsync.NewVerifier("client-secret")
//	req, err := bookingsynctest.NewSampleRequest(ctx, srv.URL+"/hooks/bookingsync", bookingsynctest.CancelledBooking, nil, v)
//
// BookingSync sends no delivery id: Event.ID is a hash of the body, so
// Derive makes each delivery new by a changed body. The record's members
// are under "resource.<kind>": "resource.booking.id",
// "resource.booking.status", "resource.booking.start_at",
// "resource.booking.final_price", ...
//
// # Fake API
//
// NewServer starts a fake of BookingSync API v3 on loopback, holding the
// records of the samples (booking 80, clients 37 and 995923932, rental 16)
// and whatever a test puts (PutBooking, PutGuest, PutRental, CancelBooking,
// Delete...). Server.Client is a bookingsync.Client of it with the test
// credentials (ClientID, ClientSecret); AccessToken works as an account's
// token. It serves:
//
//	POST /oauth/token             grant_type client_credentials, authorization_code (AuthorizationCode), refresh_token (rotated)
//	GET  /api/v3/bookings         page, per_page; from, until, months, status, include_canceled, rental_id, client_id, updated_since
//	GET  /api/v3/bookings/{id}    a cancelled booking only with include_canceled=true
//	GET  /api/v3/clients          page, per_page
//	GET  /api/v3/clients/{id}
//	GET  /api/v3/rentals          page, per_page
//	GET  /api/v3/rentals/{id}
//
// Answers follow BookingSync's reference: {"links", "<plural>": [...],
// "meta"} for one record as for a list (Content-Type
// application/vnd.api+json); lists ordered by id, with Link (first, prev,
// next, last, on the request's own host), X-Total-Pages, X-Total-Count and
// X-Per-Page (default and largest per_page 100); from defaults to now, and
// cancelled bookings are left out unless include_canceled=true; with
// updated_since, only bookings whose updated_at is after it are listed
// (whether BookingSync's filter is inclusive is not documented), and
// meta.deleted_ids holds the bookings cancelled or deleted since. Every
// API answer carries X-RateLimit-Limit (1000), X-RateLimit-Remaining and
// X-RateLimit-Reset (the next full hour), and
// X-Updated-Since-Request-Synced-At, the Server's clock (SetClock) to the
// second; the 1001st request of an hour gets 429. PutBooking,
// CancelBooking and DeleteBooking change bookings without a webhook, as
// when a delivery is lost: the updated_since flow lists what they did.
// A request without a known bearer token gets 401. Where the reference is
// silent the fake chooses, and says so here: errors are {"errors": [{"code":
// "unauthorized" | "not_found" | "validation_failed" |
// "rate_limit_exceeded", "field", "title"}]} (the shape of BookingSync's
// recorded 401 and 422 answers; 404 and 429 bodies are not documented, the
// 429 is titled with the documented "API v3 rate limit exceeded."); the
// token endpoint answers 401 {"error", "error_description"} as Doorkeeper
// does; a bad parameter is a 422 naming it; a cancelled booking is hidden
// from GET /bookings/{id} without include_canceled, as from the list; every
// token has every scope; no Retry-After is sent unless a Fault adds it.
//
// Server.Fail injects faults (429 with Retry-After, 5xx, delays, dropped
// connections) per route, and Server.Requests counts requests. BookingSync
// has no API for webhook subscriptions: AddEndpoint registers a URL and
// secret as the partner UI does, and Deliver posts a signed delivery about
// a stored record to it.
package bookingsynctest

import (
	"context"
	"embed"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

// CancelledBooking is the name of the sample of a cancelled booking:
// BookingSync reports a cancellation as booking_updated with status
// "Canceled" and a canceled_at, which the bookingsync package normalizes to
// event.BookingCancelled. It is not an event name: Names does not list it,
// and the delivery's Event.Name is "booking_updated".
const CancelledBooking = "booking_updated:cancelled"

//go:embed samples/*.json
var samples embed.FS

// userAgent is the User-Agent BookingSync documents for its deliveries
// (bookingsync.UserAgent, which this package cannot import: the bookingsync
// package's own tests use this one).
const userAgent = "BookingSync Webhook Delivery"

// set returns the embedded set, built on each call so that the package
// holds no state beyond the embedded files.
func set() *sampleset.Set {
	return sampleset.New(samples, sampleset.Spec{
		Dir: "samples",
		Variants: []sampleset.Variant{{
			Name:  CancelledBooking,
			Event: "booking_updated",
			Changes: map[string]any{
				"resource.booking.status":      "Canceled",
				"resource.booking.canceled_at": "2025-05-10T08:15:02Z",
				"resource.booking.updated_at":  "2025-05-10T08:15:02Z",
			},
		}},
	})
}

// Names returns the event names that have a canonical sample, sorted; the
// slice is new on each call. They are the names bookingsync.EventNames
// returns; CancelledBooking is not among them.
func Names() []string { return set().Names() }

// Sample returns a copy of the canonical sample body for name, an event
// name of Names or CancelledBooking, and false when there is none. Posting the
// same sample twice to one handler is one delivery and its retry: the
// second is deduplicated. Use Derive or NewSampleRequest for new
// deliveries.
func Sample(name string) ([]byte, bool) { return set().Sample(name) }

// Derive returns the sample for name (an event name or CancelledBooking) as
// a new delivery, with changes applied: two derived bodies never share an
// Event.ID, so a handler behind event.NewHTTPHandler's deduplication runs
// for each. BookingSync sends no delivery id and its Event.ID hashes the
// body, so the body is made new: it gains a member "pmshooks_nonce" with a
// random value, which the bookingsync package ignores.
//
// A change's key is a path of JSON members separated by dots, such as
// "resource.booking.status", with a number selecting an array element; its
// value replaces what is there, marshalled by encoding/json (nil is null).
// Every path must name a member that exists in the sample, so that a
// misspelt path is an error rather than a new member; to add members, set
// their parent object whole. The body is indented JSON, members in sorted
// order, numbers as written. It fails when name has no sample or a path
// names nothing.
func Derive(name string, changes map[string]any) ([]byte, error) {
	b, err := set().Derive(name, changes)
	if err != nil {
		return nil, fmt.Errorf("bookingsynctest: derive: %w", err)
	}
	return b, nil
}

// NewRequest returns a POST request to url with ctx that carries body (any
// body: a sample, a derived sample or one of your own) as BookingSync sends
// it (Content-Type application/json, User-Agent "BookingSync Webhook
// Delivery"), authenticated by s: a *bookingsync.Verifier signs it as
// BookingSync does, so the verifier that checks deliveries is the signer of
// test requests. A nil s leaves the request unauthenticated. It fails when
// ctx is nil or url is not valid.
func NewRequest(ctx context.Context, url string, body []byte, s verify.Signer) (*http.Request, error) {
	r, err := sampleset.NewRequest(ctx, url, body, s)
	if err != nil {
		return nil, fmt.Errorf("bookingsynctest: new request: %w", err)
	}
	r.Header.Set("User-Agent", userAgent)
	return r, nil
}

// NewSampleRequest is NewRequest of Derive(name, changes): a new delivery
// of the sample for name, changed by changes (nil for none), in one call.
func NewSampleRequest(ctx context.Context, url, name string, changes map[string]any, s verify.Signer) (*http.Request, error) {
	body, err := Derive(name, changes)
	if err != nil {
		return nil, err
	}
	return NewRequest(ctx, url, body, s)
}
