// Package propexotest is for testing code that uses Propexo: a fake
// Propexo API with state (NewServer), and one canonical sample delivery
// per Propexo trigger: the bodies Propexo documents, in the enveloped
// shape {"trigger", "data", "meta"}, with the documentation's redacted ids
// replaced by ids of Propexo's own form.
//
// # Testing your handler
//
// The *propexo.Verifier that checks deliveries is the signer of test
// requests. NewSampleRequest posts a new delivery of a sample in one call:
//
//	v, _ := propexo.NewVerifier("whsec-test-secret")
//	req, err := propexotest.NewSampleRequest(ctx, srv.URL, "DATA_UPDATE", map[string]any{"data.record_id": "lease-1"}, v)
//
// Propexo sends no delivery id: Event.ID is a hash of the body, so Derive
// makes each delivery new by a changed body. Propexo syncs property-management
// records (leases, residents, ...) and has no bookings, so this package has
// no cancelled-booking sample, unlike the other providers' test packages.
//
// # The fake API
//
// NewServer starts a fake of the Propexo API on a loopback port, like
// stripe-mock, so that code that calls the API (a propexo.Hydrator, a
// reconciliation from the data diffs) is tested without credentials:
//
//	s := propexotest.NewServer()
//	defer s.Close()
//	c, _ := s.Client()
//	sub, _, _ := c.Webhooks.Create(ctx, &propexo.SubscriptionParams{URL: receiverURL, Enabled: true,
//		Events: []propexo.Trigger{propexo.TriggerDataNew}, Model: propexo.ModelLeases, Secret: "whsec-test-secret"})
//	s.PutRecord(propexo.ModelLeases, "lease-1", map[string]any{"status_raw": "Current"})
//	s.Deliver(ctx, propexo.TriggerDataNew, propexo.ModelLeases, "lease-1") // signed, to receiverURL
//
// It serves, under URL() (which ends in /v1), with Propexo's envelopes
// ({"meta", "results"} for lists and gets, {"result"} for writes) and
// paging (offset, limit 1 to 250, order-by on created_at, and updated_at
// for webhooks; meta with offset, limit, orderBy, hasMore and total):
//
//	GET    /v1/webhooks/                       list (active, default true)
//	POST   /v1/webhooks/                       create (strict body, as Propexo's)
//	GET    /v1/webhooks/{webhook_id}
//	PUT    /v1/webhooks/{webhook_id}
//	DELETE /v1/webhooks/{webhook_id}
//	GET    /v1/<model>/{id}                    the 51 paths of propexo.RecordModels
//	GET    /v1/admin/data-diffs/               integration_vendor, integration_id, after, before
//	GET    /v1/admin/logs/jobs/                status, integration_id, job_type
//	GET    /v1/admin/logs/jobs/{id}            the logs of a job (include_all_jobs)
//	GET    /v1/admin/job-logs/{job_log_id}/
//	GET    /v1/admin/write-status/{root_job_id}
//
// Every request needs "Authorization: Bearer " + APIKey, else 401. Every
// answer carries x-ratelimit-limit (RateLimit) and x-ratelimit-remaining
// (counted per minute, never enforced). Errors have Propexo's body
// {"error": {"code", "message", "details"}}, details being a ZodError
// report for a 400. Fail injects faults (429 with Retry-After, 5xx, slow
// answers, dropped connections) on any route; Requests counts requests.
//
// Where Propexo's reference is silent the Server chooses, and says so here:
//   - An unknown id answers 404 with code "not_found" (the reference
//     documents only 400); 401 has code "unauthorized", a 429 fault
//     "rate_limit_exceeded". A job without logs is an empty list.
//   - Generated ids have a cuid's length ("clfake" and digits); secrets
//     generated for a webhook created without one are "whsec_" and 32 hex
//     digits; webhooks report system SANDBOX.
//   - A by-id answer has meta {offset 0, limit 100, total 1}.
//   - The after and before filters of the data diffs exclude their bound.
//   - A data diff recorded by PutRecord holds the record (NEW) or
//     {"new", "previous"} with the changed fields (UPDATE), and a new
//     job_id, which the DATA_NEW or DATA_UPDATE that Deliver sends about
//     that state carries too (the sync job that saw the change). Data
//     diffs sort on created_at only, ties in the order they were recorded.
//   - Timestamps are UTC with milliseconds, such as
//     2024-03-21T15:38:08.337Z, as in Propexo's examples.
//   - Deliveries are not retried, and carry the webhook's custom headers.
package propexotest

import (
	"context"
	"embed"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

//go:embed samples/*.json
var samplesFS embed.FS

// set is built on each call: the package keeps no state beyond the
// read-only embedded files.
func set() *sampleset.Set { return sampleset.New(samplesFS, sampleset.Spec{Dir: "samples"}) }

// Names returns the event names that have a canonical sample, sorted; the
// slice is new on each call. They are Propexo's triggers, such as "DATA_NEW".
func Names() []string { return set().Names() }

// Sample returns a copy of the canonical sample body for name, an event
// name of Names, and false when there is none. Posting the
// same sample twice to one handler is one delivery and its retry: the
// second is deduplicated. Use Derive or NewSampleRequest for new
// deliveries.
func Sample(name string) ([]byte, bool) { return set().Sample(name) }

// Derive returns the sample for name (a trigger) as a new delivery, with
// changes applied: two derived bodies never share an Event.ID, so a handler
// behind event.NewHTTPHandler's deduplication runs for each. Propexo sends
// no delivery id and its Event.ID hashes the body, so the body is made new:
// it gains a member "pmshooks_nonce" with a random value, which the propexo
// package ignores.
//
// A change's key is a path of JSON members separated by dots, such as
// "data.record_id", with a number selecting an array element; its value
// replaces what is there, marshalled by encoding/json (nil is null). Every
// path must name a member that exists in the sample, so that a misspelt
// path is an error rather than a new member; to add members, set their
// parent object whole. The body is indented JSON, members in sorted order,
// numbers as written. It fails when name has no sample or a path names
// nothing.
func Derive(name string, changes map[string]any) ([]byte, error) {
	b, err := set().Derive(name, changes)
	if err != nil {
		return nil, fmt.Errorf("propexotest: derive: %w", err)
	}
	return b, nil
}

// NewRequest returns a POST request to url with ctx that carries body (any
// body: a sample, a derived sample or one of your own) as application/json,
// as Propexo sends it, authenticated by s: a *propexo.Verifier sets the
// propexo-signature header Propexo would send, so the verifier that checks
// deliveries is the signer of test requests. A nil s leaves the request
// unauthenticated. It fails when ctx is nil or url is not valid.
func NewRequest(ctx context.Context, url string, body []byte, s verify.Signer) (*http.Request, error) {
	r, err := sampleset.NewRequest(ctx, url, body, s)
	if err != nil {
		return nil, fmt.Errorf("propexotest: new request: %w", err)
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
