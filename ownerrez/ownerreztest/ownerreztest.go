// Package ownerreztest holds one canonical sample delivery for every
// OwnerRez event name that package ownerrez knows, for tests, examples and
// local tools: the real captures of the provider reference where there are
// some, otherwise bodies built faithfully from the documented shape.
//
// A sample is named by its event name (ownerrez.EventName), such as
// "booking.entity_update" or "webhook_test". NewRequest builds the POST
// OwnerRez would send, authenticated by any verify.Signer, such as an
// *ownerrez.Verifier:
//
//	v, _ := ownerrez.NewVerifier(verify.Credentials{User: "hooks", Password: "s3cret"})
//	req, _ := ownerreztest.NewRequest("http://127.0.0.1/hooks/ownerrez", "booking.entity_update", v)
//	handler.ServeHTTP(recorder, req)
package ownerreztest

import (
	"embed"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

//go:embed samples/*.json
var files embed.FS

func set() *sampleset.Set { return sampleset.New(files, "samples") }

// Names returns the event names that have a sample, sorted. The slice is
// new on each call.
func Names() []string { return set().Names() }

// Sample returns a copy of the canonical sample body for the event name,
// and false when there is none.
func Sample(name string) ([]byte, bool) { return set().Sample(name) }

// NewRequest returns a POST request to url carrying the sample for name as
// application/json, authenticated by s as OwnerRez would authenticate it (s
// sets the Authorization header). A nil s leaves the request
// unauthenticated. It fails when there is no sample for name or url is not
// valid.
func NewRequest(url, name string, s verify.Signer) (*http.Request, error) {
	r, err := set().NewRequest(url, name, s)
	if err != nil {
		return nil, fmt.Errorf("ownerreztest: %w", err)
	}
	return r, nil
}
