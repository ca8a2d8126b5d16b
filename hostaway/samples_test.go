package hostaway

import (
	"context"
	"net/http"
	"os"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

// testSamples returns the sample set of package hostawaytest, read from its
// directory: the tests of this package cannot import hostawaytest, whose
// fake API imports hostaway.
func testSamples() *sampleset.Set {
	return sampleset.New(os.DirFS("hostawaytest"), sampleset.Spec{Dir: "samples"})
}

// sampleNames returns the event names that have a sample, as
// hostawaytest.Names does.
func sampleNames() []string { return testSamples().Names() }

// sampleBody returns the sample for name, as hostawaytest.Sample does.
func sampleBody(name string) ([]byte, bool) { return testSamples().Sample(name) }

// newSampleRequest is hostawaytest.NewSampleRequest without changes: a new
// delivery of the sample for name, authenticated by s.
func newSampleRequest(ctx context.Context, url, name string, s verify.Signer) (*http.Request, error) {
	body, err := testSamples().Derive(name, nil)
	if err != nil {
		return nil, err
	}
	return sampleset.NewRequest(ctx, url, body, s)
}
