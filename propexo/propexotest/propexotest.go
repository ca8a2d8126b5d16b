// Package propexotest holds one canonical sample delivery per Propexo
// trigger, for tests, examples and local tools: the bodies Propexo
// documents, in the enveloped shape {"trigger", "data", "meta"}, with the
// documentation's redacted ids replaced by ids of Propexo's own form.
//
// NewRequest builds the HTTP request Propexo would send, signed by any
// verify.Signer, usually a *propexo.Verifier:
//
//	v, _ := propexo.NewVerifier("whsec-test-secret")
//	req, _ := propexotest.NewRequest(srv.URL, "DATA_NEW", v)
//	resp, _ := srv.Client().Do(req)
package propexotest

import (
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
func set() *sampleset.Set { return sampleset.New(samplesFS, "samples") }

// Names returns the triggers that have a sample, sorted.
func Names() []string { return set().Names() }

// Sample returns a copy of the canonical sample body of the trigger name,
// such as "DATA_NEW", and false when there is none.
func Sample(name string) ([]byte, bool) { return set().Sample(name) }

// NewRequest returns a POST request to url carrying the sample of the
// trigger name as application/json, authenticated by s (a
// *propexo.Verifier sets the propexo-signature header). A nil s leaves the
// request unsigned. It fails when name has no
// sample or url is invalid.
func NewRequest(url, name string, s verify.Signer) (*http.Request, error) {
	r, err := set().NewRequest(url, name, s)
	if err != nil {
		return nil, fmt.Errorf("propexotest: %w", err)
	}
	return r, nil
}
