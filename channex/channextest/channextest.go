// Package channextest holds one canonical sample delivery for every Channex
// event name that package channex knows, for tests, examples and local
// tools, and a fake Channex API (NewServer) with state and faults.
//
// Samples come from Channex's webhook documentation where it shows the
// event (ari, booking, booking_unmapped_room, non_acked_booking, message,
// sync_error, reservation_request, inquiry, review, activate_channel,
// channel_removal_warning, property_removal_warning,
// message_thread_booking_assigned, ...). booking_new, booking_modification
// and booking_cancellation follow payloads captured in the field, since
// Channex's pages show none. The events whose payload Channex does not
// document (sync_warning, rate_error, alteration_request,
// accepted_reservation, declined_reservation, updated_review, new_channel,
// updated_channel, disconnect_channel, disconnected_channel,
// disconnect_listing) carry the payload shape package channex assumes for
// them.
//
// A sample is named by its event name, such as "booking_new".
//
// # Testing your handler
//
// The *channex.Verifier that checks deliveries is the signer of test
// requests: it sets the secret header. NewSampleRequest posts a new
// delivery of a sample in one call; a cancellation is the sample
// CancelledBooking:
//
//	v, _ := channex.NewVerifier(channex.SuggestedHeader, "s3cret")
//	req, err := channextest.NewSampleRequest(ctx, srv.URL+"/hooks/channex", channextest.CancelledBooking, nil, v)
//
// Channex sends no delivery id: Event.ID is a hash of the body, so Derive
// makes each delivery new by a changed body. The booking's members are
// under "payload": "payload.booking_id", "payload.arrival_date",
// "payload.customer_name", "payload.amount", ...
//
// # A fake Channex API
//
// NewServer starts a fake of the Channex API on loopback, for tests of code
// that calls it (a channex.Client, a channex.Hydrator) without credentials:
//
//	srv := channextest.NewServer()
//	defer srv.Close()
//	client, _ := srv.Client()
//	b := srv.PutBooking(channex.BookingRevision{Customer: channex.Customer{Name: "Ada"}})
//	srv.Fail("GET", "/bookings/{id}", channextest.Fault{Status: 429, Header: http.Header{"Retry-After": {"30"}}})
//
// It accepts APIKey only, and lets it use PropertyID (AddProperty adds
// more). It keeps webhooks created through the API, booking revisions
// (PutBooking; a booking is its latest revision) and messages (PutMessage),
// and Deliver sends a webhook about a stored booking or message to the
// webhooks that select it, with their headers (the secret header a
// channex.Verifier checks), without payload when their send_data is false.
//
// Revisions wait in the feed (GET /booking_revisions/feed) until they are
// acknowledged, and CheckNonAcked sends non_acked_booking for each one
// still unacknowledged 30 minutes after it was put, by the server's clock
// (SetNow), as Channex does: a test of a channex.Source can prove that
// what it acknowledged never raises the alarm.
//
// Routes, under /api/v1 (URL() includes it):
//
//	GET, POST         /webhooks
//	POST              /webhooks/test
//	GET, PUT, DELETE  /webhooks/{id}
//	GET               /booking_revisions, /booking_revisions/feed, /booking_revisions/{id}
//	POST              /booking_revisions/{id}/ack, /booking_revisions/{id}/resend
//	GET               /bookings, /bookings/{id}, /bookings/{id}/messages
//	GET               /message_threads/{id}/messages
//
// Answers follow Channex's reference pages: {"data": ...} envelopes with
// type, id and attributes; pagination[page] and pagination[limit] (default
// 10, at most 100) with meta {page, limit, total}; errors {"errors": {code,
// title, details}}, 401 without the key, 404 not_found for an unknown
// booking, revision or conversation. Where the pages are silent the fake
// chooses, and says so here:
//
//   - The revision list and the feed serve newest first unless
//     order[inserted_at]=asc; bookings come in the order they were created;
//     messages newest first.
//   - Filters (filter[field], filter[field][gte|gt|lte|lt|not]) work on
//     every list, also where Channex documents none; inserted_at compares
//     as a timestamp, everything else as text.
//   - A booking's inserted_at is its first revision's, as in Channex's
//     examples. Amounts put through PutBooking are served as JSON numbers
//     (Channex sends strings; package channex reads both).
//   - The test delivery of POST /webhooks/test is the envelope without
//     payload and the event "test"; an unreachable callback is a 422.
//   - The Messages app's 403 and 422 not_supported are never answered
//     unless injected with Fail.
package channextest

import (
	"context"
	"embed"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

// CancelledBooking is the name of the sample of a cancelled booking:
// Channex has an event for it, booking_cancellation, which the channex
// package normalizes to event.BookingCancelled.
const CancelledBooking = "booking_cancellation"

//go:embed samples/*.json
var files embed.FS

// set returns the embedded set, built on each call so that the package
// holds no state beyond the embedded files.
func set() *sampleset.Set { return sampleset.New(files, sampleset.Spec{Dir: "samples"}) }

// Names returns the event names that have a canonical sample, sorted; the
// slice is new on each call. CancelledBooking is one of them.
func Names() []string { return set().Names() }

// Sample returns a copy of the canonical sample body for name, an event
// name of Names, and false when there is none. Posting the
// same sample twice to one handler is one delivery and its retry: the
// second is deduplicated. Use Derive or NewSampleRequest for new
// deliveries.
func Sample(name string) ([]byte, bool) { return set().Sample(name) }

// Derive returns the sample for name (an event name) as a new delivery, with
// changes applied: two derived bodies never share an Event.ID, so a handler
// behind event.NewHTTPHandler's deduplication runs for each. Channex sends
// no delivery id and its Event.ID hashes the body, so the body is made new:
// it gains a member "pmshooks_nonce" with a random value, which the channex
// package ignores.
//
// A change's key is a path of JSON members separated by dots, such as
// "payload.customer_name", with a number selecting an array element; its value
// replaces what is there, marshalled by encoding/json (nil is null). Every
// path must name a member that exists in the sample, so that a misspelt
// path is an error rather than a new member; to add members, set their
// parent object whole. The body is indented JSON, members in sorted order,
// numbers as written. It fails when name has no sample or a path names
// nothing.
func Derive(name string, changes map[string]any) ([]byte, error) {
	b, err := set().Derive(name, changes)
	if err != nil {
		return nil, fmt.Errorf("channextest: derive: %w", err)
	}
	return b, nil
}

// NewRequest returns a POST request to url with ctx that carries body (any
// body: a sample, a derived sample or one of your own) as application/json,
// as Channex sends it, authenticated by s: a *channex.Verifier sets the
// secret header Channex would send, so the verifier that checks deliveries
// is the signer of test requests. A nil s leaves the request
// unauthenticated. It fails when ctx is nil or url is not valid.
func NewRequest(ctx context.Context, url string, body []byte, s verify.Signer) (*http.Request, error) {
	r, err := sampleset.NewRequest(ctx, url, body, s)
	if err != nil {
		return nil, fmt.Errorf("channextest: new request: %w", err)
	}
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
