// Package propexotest holds one canonical sample delivery per Propexo
// trigger, for tests, examples and local tools: the bodies Propexo
// documents, in the enveloped shape {"trigger", "data", "meta"}, with the
// documentation's redacted ids replaced by ids of Propexo's own form.
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
