package bookingsync

import (
	"os"

	"github.com/pmshooks/pmshooks/internal/sampleset"
)

// testSamples returns the canonical samples of package bookingsynctest, read
// from its directory: this package's internal tests cannot import
// bookingsynctest, whose fake API imports this package.
func testSamples() *sampleset.Set {
	return sampleset.New(os.DirFS("bookingsynctest"), sampleset.Spec{Dir: "samples"})
}
