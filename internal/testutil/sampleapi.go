package testutil

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/verify"
)

// SampleAPI is what a <provider>test package offers users' tests, for the
// checks every such package runs the same way.
type SampleAPI struct {
	// Pkg is the package's name, such as "hostawaytest", which its errors
	// begin with.
	Pkg string
	// Names are the samples to derive: every event name, and the variants
	// such as CancelledBooking.
	Names      []string
	Sample     func(name string) ([]byte, bool)
	Derive     func(name string, changes map[string]any) ([]byte, error)
	NewRequest func(ctx context.Context, url string, body []byte, s verify.Signer) (*http.Request, error)
	// Verifier signs requests; Receiver is the provider's, built on it.
	Verifier SignerVerifier
	Receiver HeaderReceiver
}

// receive authenticates and normalizes body, signed by a's Verifier, as the
// provider's receiver does for a delivery.
func (a SampleAPI) receive(t *testing.T, body []byte) event.Event {
	t.Helper()
	h := http.Header{}
	a.Verifier.Sign(h, body)
	e, err := a.Receiver.Receive(h, body)
	require.NoError(t, err)
	return e
}

// CheckNewRequest checks NewRequest: any body, posted as JSON exactly as
// given, authenticated by the Verifier as signer; unauthenticated without
// one; a bad URL is an error naming the package.
func CheckNewRequest(t *testing.T, a SampleAPI) {
	t.Helper()
	body := []byte(`{"any":"body, not only a sample"}`)
	req, err := a.NewRequest(t.Context(), "http://127.0.0.1/hooks", body, a.Verifier)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	got, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	assert.Equal(t, body, got)
	require.NoError(t, a.Verifier.Verify(req.Header, got), "the verifier is the signer")

	unsigned, err := a.NewRequest(t.Context(), "http://127.0.0.1/hooks", body, nil)
	require.NoError(t, err)
	require.Error(t, a.Verifier.Verify(unsigned.Header, body))

	_, err = a.NewRequest(t.Context(), "://bad", body, a.Verifier)
	require.ErrorContains(t, err, a.Pkg+": new request: ")
}

// CheckDerive receives the canonical sample and two derivations of each of
// a.Names: no two share an Event.ID, and each is the same event otherwise.
// An unknown sample and a change to a member that does not exist are
// errors.
func CheckDerive(t *testing.T, a SampleAPI) {
	t.Helper()
	require.NotEmpty(t, a.Names)
	for _, name := range a.Names {
		canonical, ok := a.Sample(name)
		require.True(t, ok, name)
		c := a.receive(t, canonical)
		seen := map[string]bool{c.ID(): true}
		for range 2 {
			b, err := a.Derive(name, nil)
			require.NoError(t, err, name)
			e := a.receive(t, b)
			assert.False(t, seen[e.ID()], "%s: a derived sample is a new delivery", name)
			seen[e.ID()] = true
			assert.Equal(t, c.Type(), e.Type(), name)
			assert.Equal(t, c.Name(), e.Name(), name)
			assert.Equal(t, c.Subject(), e.Subject(), name)
		}
	}
	_, err := a.Derive("no-such-sample", nil)
	require.ErrorContains(t, err, a.Pkg+": derive: ")
	_, err = a.Derive(a.Names[0], map[string]any{"no.such.member": 1})
	require.ErrorContains(t, err, `"no.such.member"`)
}
