// Package hostawaytest holds one canonical sample delivery for each Hostaway
// unified-webhook event, for tests, examples and local tools: the bodies are
// those the hostaway package documents, and NewRequest authenticates them the
// way Hostaway does, with the Basic credentials set on the unified webhook.
// NewServer is a fake of Hostaway's API, with state, faults and deliveries
// (see "Fake API" below).
//
// Hostaway does not publish delivery samples. reservation.created,
// reservation.updated and message.received are the envelope
// {object, event, accountId, data} that live receivers observe, around the
// reservation and conversation-message objects of Hostaway's API reference;
// "test" is the body of a test delivery, whose data is the string "test".
//
// # Testing your handler
//
// The *hostaway.Verifier that checks deliveries is the signer of test
// requests. NewSampleRequest posts a new delivery of a sample in one call;
// a cancellation is the sample CancelledBooking:
//
//	v, _ := hostaway.NewVerifier(verify.Credentials{User: "login", Password: "password"})
//	req, err := hostawaytest.NewSampleRequest(ctx, srv.URL+"/hooks/hostaway", hostawaytest.CancelledBooking, nil, v)
//
// Hostaway sends no delivery id: Event.ID is a hash of the body, so Derive
// makes each delivery new by a changed body. The reservation's members are
// under "data": "data.id", "data.status", "data.guestName",
// "data.arrivalDate", "data.departureDate", "data.totalPrice", ...
//
// # Fake API
//
// NewServer starts an in-memory Hostaway API on loopback, so that code
// using a hostaway.Client, a hostaway.Hydrator or its own HTTP calls is
// tested without credentials, like stripe-mock:
//
//	srv := hostawaytest.NewServer()
//	defer srv.Close()
//	c, err := srv.Client()
//	id := srv.PutReservation(map[string]any{"guestName": "Ada Lovelace"})
//	hook, _, err := c.Webhooks.Create(ctx, &hostaway.SubscriptionParams{
//		Enabled: true, URL: receiverURL, Login: "login", Password: "password"})
//	err = srv.Deliver(ctx, hostaway.EventReservationCreated, id)
//	srv.Fail("GET", "/reservations/{id}", hostawaytest.Fault{Status: 429,
//		Header: http.Header{"Retry-After": {"30"}}})
//
// It serves, under /v1 (URL() includes it):
//
//	POST   /accessTokens                      client-credentials grant (form: grant_type=client_credentials,
//	                                          client_id=AccountID, client_secret=ClientSecret, scope=general)
//	DELETE /accessTokens?token=...            revoke a token
//	GET    /webhooks/unifiedWebhooks          list unified webhooks
//	POST   /webhooks/unifiedWebhooks          create one
//	GET    /webhooks/unifiedWebhooks/{id}     read one
//	PUT    /webhooks/unifiedWebhooks/{id}     replace one
//	DELETE /webhooks/unifiedWebhooks/{id}     delete one
//	GET    /unifiedWebhookLogs                the deliveries Deliver made (limit, offset,
//	                                          unifiedWebhookId, listingMapId)
//	GET    /reservations                      list reservations (filters, sortOrder, limit and
//	                                          offset or afterId, includeResources,
//	                                          includeCancellationPolicy)
//	GET    /reservations/{id}                 read one reservation
//	GET    /conversations/{conversationId}/messages/{id}   read one message
//
// Answers follow Hostaway's reference: the envelope {"status": "success",
// "result": ...}, failures as {"status": "fail", "result": "<message>"},
// 429 as {"status": "fail", "message": ...}, tokens as {"token_type",
// "expires_in", "access_token"} with Hostaway's 24-month lifetime and its
// one second before a new token is accepted, masked webhook passwords
// ("****"), and the revocation's {"status": "success", "result": []}. The
// reservations list orders by updatedOn, newest first, by default, and
// oldest first with sortOrder=updatedOn; afterId continues after that
// reservation where it is now in the order (so a cursor naming a
// reservation updated since moves with it, to the end); reservations
// updated within the same second order by id; a reservation changed with
// PutReservation is listed by its new updatedOn whether or not a webhook
// was delivered; includeResources and includeCancellationPolicy
// add the members the reference says they add, which the list otherwise
// leaves out and GET /reservations/{id} always has.
//
// Where the reference is silent, the fake chooses, and a real account may
// differ:
//
//   - A request without a bearer token is answered 401; a token the fake
//     did not issue, or revoked, or issued less than a second ago, 403
//     (Hostaway's documented answer to an expired token).
//   - Wrong client credentials get 401; a malformed token request 400;
//     revoking a token the fake does not hold 404.
//   - A record, webhook or route the fake does not have is 404 with the
//     failure envelope; a webhook without url, a sortOrder the reference
//     does not list, or a date that is not YYYY-MM-DD is 400.
//   - Deleting a webhook answers {"status": "success", "result": []}, as a
//     revocation does.
//   - The reservations list sends count, limit and offset, as Hostaway was
//     seen to, but not page and totalPages; the webhook logs send all five.
//     The default limit is 100 for both. An afterId the fake does not hold
//     ends the list (empty result). The lastConversationMessage* orders
//     order as the default: the fake keeps no conversation times.
//     hasUnreadConversationMessages is ignored.
//   - Date filters compare the date part of the member they name:
//     latestActivityStart and latestActivityEnd bound latestActivityOn,
//     inclusively.
//
// Rate limits are not enforced: inject them with Fail. Deliver sends each
// delivery once, without Hostaway's retries.
package hostawaytest

import (
	"context"
	"embed"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

// CancelledBooking is the name of the sample of a cancelled reservation:
// Hostaway reports a cancellation as reservation.updated with status
// "cancelled" (and a cancellationDate), which the hostaway package
// normalizes to event.BookingCancelled. It is not an event name: Names does
// not list it, and the delivery's Event.Name is "reservation.updated".
const CancelledBooking = "reservation.updated:cancelled"

//go:embed samples/*.json
var samplesFS embed.FS

// set returns the embedded set. It is built on each call, which costs one
// directory read, so that the package holds no state beyond the embedded files.
func set() *sampleset.Set {
	return sampleset.New(samplesFS, sampleset.Spec{
		Dir: "samples",
		Variants: []sampleset.Variant{{
			Name:  CancelledBooking,
			Event: "reservation.updated",
			Changes: map[string]any{
				"data.status":           "cancelled",
				"data.cancellationDate": "2025-09-21 09:12:40",
				"data.cancelledBy":      "guest",
				"data.updatedOn":        "2025-09-21 09:12:40",
				"data.latestActivityOn": "2025-09-21 09:12:40",
				"data.hostNote":         "Guest cancelled: plans changed.",
			},
		}},
	})
}

// Names returns the event names that have a canonical sample, sorted; the
// slice is new on each call. They are the names hostaway.EventNames returns;
// CancelledBooking is not among them.
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
// for each. Hostaway sends no delivery id and its Event.ID hashes the body,
// so the body is made new: it gains a member "pmshooks_nonce" with a random
// value, which the hostaway package ignores.
//
// A change's key is a path of JSON members separated by dots, such as
// "data.guestName", with a number selecting an array element; its value
// replaces what is there, marshalled by encoding/json (nil is null). Every
// path must name a member that exists in the sample, so that a misspelt
// path is an error rather than a new member; to add members, set their
// parent object whole. The body is indented JSON, members in sorted order,
// numbers as written. It fails when name has no sample or a path names
// nothing.
func Derive(name string, changes map[string]any) ([]byte, error) {
	b, err := set().Derive(name, changes)
	if err != nil {
		return nil, fmt.Errorf("hostawaytest: derive: %w", err)
	}
	return b, nil
}

// NewRequest returns a POST request to url with ctx that carries body (any
// body: a sample, a derived sample or one of your own) as application/json,
// as Hostaway sends it, authenticated by s: a *hostaway.Verifier sets the
// Basic credentials Hostaway would send, so the verifier that checks
// deliveries is the signer of test requests. A nil s leaves the request
// unauthenticated. It fails when ctx is nil or url is not valid.
func NewRequest(ctx context.Context, url string, body []byte, s verify.Signer) (*http.Request, error) {
	r, err := sampleset.NewRequest(ctx, url, body, s)
	if err != nil {
		return nil, fmt.Errorf("hostawaytest: new request: %w", err)
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
