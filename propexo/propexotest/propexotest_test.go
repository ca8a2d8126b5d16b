package propexotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

func TestNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, propexo.EventNames(), propexotest.Names(), "one sample per known trigger")
}

func TestSample(t *testing.T) {
	t.Parallel()
	for _, name := range propexotest.Names() {
		b, ok := propexotest.Sample(name)
		require.True(t, ok, name)
		var env struct {
			Trigger string `json:"trigger"`
			Data    struct {
				Event string `json:"event"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(b, &env), name)
		assert.Equal(t, name, env.Trigger, "the enveloped shape names its trigger")
		assert.Equal(t, name, env.Data.Event)

		b[0] = 'x'
		again, _ := propexotest.Sample(name)
		assert.Equal(t, byte('{'), again[0], "Sample returns a copy")
	}
	_, ok := propexotest.Sample("DATA_DELETE")
	assert.False(t, ok)
}

// newVerifier returns the verifier that checks deliveries and signs the
// test requests.
func newVerifier(t *testing.T) *propexo.Verifier {
	t.Helper()
	v, err := propexo.NewVerifier("propexotest-secret")
	require.NoError(t, err)
	return v
}

// receive authenticates and normalizes body, signed by s, as the provider's
// receiver does for a delivery.
func receive(t *testing.T, v *propexo.Verifier, body []byte) event.Event {
	t.Helper()
	rc, err := propexo.NewReceiver(v)
	require.NoError(t, err)
	h := http.Header{}
	v.Sign(h, body)
	e, err := rc.Receive(h, body)
	require.NoError(t, err)
	return e
}

// sampleAPI is this package as the checks every <provider>test package
// runs see it.
func sampleAPI(t *testing.T) testutil.SampleAPI {
	t.Helper()
	v := newVerifier(t)
	rc, err := propexo.NewReceiver(v)
	require.NoError(t, err)
	return testutil.SampleAPI{
		Pkg: "propexotest", Names: propexotest.Names(), Sample: propexotest.Sample, Derive: propexotest.Derive,
		NewRequest: propexotest.NewRequest, Verifier: v, Receiver: rc,
	}
}

func TestNewRequest(t *testing.T) {
	t.Parallel()
	testutil.CheckNewRequest(t, sampleAPI(t))
}

// TestDerive: no two derivations of a sample share an Event.ID, and each is
// the same event otherwise.
func TestDerive(t *testing.T) {
	t.Parallel()
	testutil.CheckDerive(t, sampleAPI(t))
}

func TestNewSampleRequest(t *testing.T) {
	t.Parallel()
	v := newVerifier(t)
	req, err := propexotest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", "DATA_UPDATE", map[string]any{"data.record_id": "lease-90001"}, v)
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	require.NoError(t, v.Verify(req.Header, body))
	e := receive(t, v, body)
	assert.Equal(t, "DATA_UPDATE", e.Name())
	assert.Equal(t, "lease-90001", e.Subject().ID, "the changed fields show in the event")
	_, err = propexotest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", "no-such-sample", nil, v)
	require.ErrorContains(t, err, "propexotest: derive: ")
}
