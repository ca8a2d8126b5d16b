// Package ownerreztest holds one canonical sample delivery for every
// OwnerRez event name that package ownerrez knows, for tests, examples and
// local tools: the real captures of the provider reference where there are
// some, otherwise bodies built faithfully from the documented shape.
//
// A sample is named by its event name (ownerrez.EventName), such as
// "booking.entity_update" or "webhook_test".
//
// # Testing your handler
//
// The *ownerrez.Verifier that checks deliveries is the signer of test
// requests. NewSampleRequest posts a new delivery of a sample in one call;
// a cancellation is the sample CancelledBooking:
//
//	v, _ := ownerrez.NewVerifier(verify.Credentials{User: "hooks", Password: "s3cret"})
//	req, err := ownerreztest.NewSampleRequest(ctx, srv.URL+"/hooks/ownerrez", ownerreztest.CancelledBooking, nil, v)
//
// OwnerRez gives each delivery an id (the envelope's "id"), which is its
// Event.ID and what deduplication keys on: Derive gives every delivery a
// fresh one. The booking's members are under "entity": "entity.id" (and the
// envelope's "entity_id"), "entity.status", "entity.arrival",
// "entity.departure", "entity.total_amount", ...
//
// # Fake API
//
// NewServer starts a fake of the OwnerRez API v2 on loopback, with state,
// for tests of code that calls it (an ownerrez.Client, an
// ownerrez.Hydrator) without credentials or network:
//
//	srv := ownerreztest.NewServer()
//	defer srv.Close()
//	b := srv.PutBooking(ownerrez.Booking{Status: ownerrez.BookingActive, PropertyID: lenient.Int{Value: 474841}})
//	c, _ := srv.Client()
//	got, _, err := c.Bookings.Get(ctx, b.ID.Int64())
//
// Routes, relative to Server.URL (which ends in /v2), as OwnerRez's
// reference index lists them:
//
//	GET    /webhooksubscriptions             list (paged)
//	POST   /webhooksubscriptions             create: {type, action, webhook_url, category?} -> 201 and the subscription
//	GET    /webhooksubscriptions/categories  {"Booking": [...], "Contact": [], "Property": []}
//	GET    /webhooksubscriptions/{id}        one subscription
//	DELETE /webhooksubscriptions/{id}        204
//	GET    /bookings                         list; property_ids or since_utc required; status, from, to, include_*;
//	                                         since_utc keeps bookings whose updated_utc (else created_utc) is at or after it;
//	                                         ordered by id (OwnerRez documents no order: do not rely on one)
//	GET    /bookings/{id}                    the booking, bare
//	GET    /guests/{id}                      the guest, bare
//	GET    /properties/{id}                  the property, bare
//	GET    /inquiries/{id}                   the inquiry, bare
//	GET    /messages/{id}                    the thread message, bare
//
// and beside the version path, the OAuth token endpoint:
//
//	POST   /oauth/access_token               grant_type authorization_code (code AuthorizationCode) or refresh_token (RefreshToken)
//	DELETE /oauth/access_token/{token}       204; 404 for a token it does not know
//
// A booking changed with UpdateBooking gets a new updated_utc from the
// Server's clock (SetClock) and no webhook, as when a delivery is lost:
// what a reconciler (ownerrez.NewSource) must find by since_utc.
//
// Records are put and deleted with PutBooking, PutGuest, PutProperty,
// PutInquiry, PutMessage and their Delete twins; subscriptions are created
// through the API. Deliver sends OwnerRez's webhook about a stored record
// to every subscription that selects it, authenticated with HTTP Basic
// WebhookUser:WebhookPassword as the OAuth app's webhook settings make
// OwnerRez do; connection-level actions go to SetAppWebhookURL.
//
// Answers follow what is known of OwnerRez (see the ownerrez package):
// API calls take Bearer AccessToken (or a token from the token endpoint)
// with a User-Agent, or HTTP Basic Email:PersonalToken; a missing,
// malformed or unknown credential is 401 with code auth_required,
// invalid_request or invalid_token, a Bearer call without User-Agent 401
// user_agent_required. Errors are the v2 envelope {messages, code,
// doc_url, status, status_code}; a 429 (injected with Fail) is OwnerRez's
// {"code": 429, "error": "Rate limit exceeded."}; the token endpoint
// answers {error, error_description}. Lists are {count, items, limit,
// offset, next_page_url}, paged by limit and offset.
//
// Where OwnerRez's reference is silent, the fake chooses, and says so:
// the default page size is 20 (the size of OwnerRez's own mock list) and
// the largest 100; next_page_url is root-relative ("/v2/bookings?...") and
// null on the last page; the 404 code is not_found, with OwnerRez's 2024
// text ("Expected entity Guest:Id:1 not found."); a validation failure is
// 400 validation_error, a subscription call with a personal token 403
// forbidden (OwnerRez only says personal tokens see no webhooks); a
// created subscription is answered 201; its webhook_url must be https, or
// http on localhost; since_utc selects bookings whose updated_utc (else
// created_utc) is at or after it; from and to select bookings whose stay
// touches [from, to]; without its include_* flag a listed booking has no
// charges, door_codes, tags, fields or guest, while GET /bookings/{id}
// returns the booking as stored; the token answer carries refresh_token
// and expires_in (thirty days), which OwnerRez does not document, and a
// refresh answers a new access token without a new refresh token; the
// authorization code may be exchanged any number of times. An
// entity_delete delivery carries no entity, and the app's Webhook URL
// receives no entity deliveries.
//
// Faults (429 with Retry-After, 5xx, slow answers, dropped connections)
// are queued per route with Server.Fail; Server.Requests counts requests.
package ownerreztest

import (
	"context"
	"embed"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

// CancelledBooking is the name of the sample of a cancelled booking:
// OwnerRez reports a cancellation as booking.entity_update with status
// "canceled" and a canceled_utc, which the ownerrez package normalizes to
// event.BookingCancelled. It is not an event name: Names does not list it,
// and the delivery's Event.Name is "booking.entity_update".
const CancelledBooking = "booking.entity_update:cancelled"

//go:embed samples/*.json
var files embed.FS

// set returns the embedded set, built on each call so that the package
// holds no state beyond the embedded files.
func set() *sampleset.Set {
	return sampleset.New(files, sampleset.Spec{
		Dir:        "samples",
		DeliveryID: "id",
		Variants: []sampleset.Variant{{
			Name:  CancelledBooking,
			Event: "booking.entity_update",
			Changes: map[string]any{
				"entity.status":       "canceled",
				"entity.canceled_utc": "2026-03-09T08:15:02Z",
				"entity.updated_utc":  "2026-03-09T08:15:02Z",
			},
		}},
	})
}

// Names returns the event names that have a canonical sample, sorted; the
// slice is new on each call. CancelledBooking is not among them.
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
// for each. The delivery id, the envelope's "id", is a new random UUID
// unless changes set it.
//
// A change's key is a path of JSON members separated by dots, such as
// "entity.status", with a number selecting an array element; its value
// replaces what is there, marshalled by encoding/json (nil is null). Every
// path must name a member that exists in the sample, so that a misspelt
// path is an error rather than a new member; to add members, set their
// parent object whole. The body is indented JSON, members in sorted order,
// numbers as written. It fails when name has no sample or a path names
// nothing.
func Derive(name string, changes map[string]any) ([]byte, error) {
	b, err := set().Derive(name, changes)
	if err != nil {
		return nil, fmt.Errorf("ownerreztest: derive: %w", err)
	}
	return b, nil
}

// NewRequest returns a POST request to url with ctx that carries body (any
// body: a sample, a derived sample or one of your own) as application/json,
// as OwnerRez sends it, authenticated by s: an *ownerrez.Verifier sets the
// Authorization header OwnerRez would send, so the verifier that checks
// deliveries is the signer of test requests. A nil s leaves the request
// unauthenticated. It fails when ctx is nil or url is not valid.
func NewRequest(ctx context.Context, url string, body []byte, s verify.Signer) (*http.Request, error) {
	r, err := sampleset.NewRequest(ctx, url, body, s)
	if err != nil {
		return nil, fmt.Errorf("ownerreztest: new request: %w", err)
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
