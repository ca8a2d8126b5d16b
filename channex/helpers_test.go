package channex

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/internal/testutil"
)

// delivery is one body the tests parse: a canonical sample or a testdata
// variant.
type delivery struct {
	name   string // sample name, or fixture file name without ".json"
	event  string // the event name the body is for ("" for unlisted variants)
	sample bool
	body   []byte
}

// unlistedPrefix starts the name of testdata fixtures whose event name is
// outside the table on purpose.
const unlistedPrefix = "unlisted--"

// deliveries returns every canonical sample and every testdata/*.json
// variant. A variant is named "<event name>--<what>.json".
func deliveries(t testing.TB) []delivery {
	t.Helper()
	var out []delivery
	for _, name := range samples().Names() {
		out = append(out, delivery{name: name, event: name, sample: true, body: sample(t, name)})
	}
	for _, file := range testutil.Fixtures(t, "*.json") {
		name := testutil.TrimExt(file)
		ev, _, ok := strings.Cut(name, "--")
		require.True(t, ok, "fixture %s is not named <event name>--<variant>.json", file)
		if strings.HasPrefix(name, unlistedPrefix) {
			ev = ""
		}
		out = append(out, delivery{name: name, event: ev, body: testutil.Fixture(t, file)})
	}
	return out
}

// sample returns the canonical sample of an event name.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, ok := samples().Sample(name)
	require.True(t, ok, "no sample %q", name)
	return b
}

// samples returns the canonical samples of package channextest, read from
// its directory: the tests of package channex cannot import channextest,
// which imports channex for its fake API's Client.
func samples() *sampleset.Set {
	return sampleset.New(os.DirFS("channextest"), sampleset.Spec{Dir: "samples"})
}
