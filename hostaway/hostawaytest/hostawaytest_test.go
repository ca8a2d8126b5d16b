package hostawaytest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/verify"
)

func TestNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"message.received", "reservation.created", "reservation.updated", "test"}, hostawaytest.Names())
}

func TestSample(t *testing.T) {
	t.Parallel()
	for _, name := range hostawaytest.Names() {
		b, ok := hostawaytest.Sample(name)
		require.True(t, ok, name)
		var env struct {
			Event string          `json:"event"`
			Data  json.RawMessage `json:"data"`
		}
		require.NoError(t, json.Unmarshal(b, &env), name)
		require.NotEmpty(t, env.Data, name)
		if name != "test" {
			assert.Equal(t, name, env.Event, "a sample is named after its event")
		}
	}
	b, _ := hostawaytest.Sample("test")
	assert.JSONEq(t, `{"data":"test"}`, string(b))

	b[0] = 'x'
	again, _ := hostawaytest.Sample("test")
	assert.Equal(t, byte('{'), again[0], "Sample returns a copy")

	_, ok := hostawaytest.Sample("reservation.deleted")
	assert.False(t, ok)
}

// newVerifier returns the verifier that checks deliveries and signs the
// test requests.
func newVerifier(t *testing.T) *hostaway.Verifier {
	t.Helper()
	v, err := hostaway.NewVerifier(verify.Credentials{User: "login", Password: "password"})
	require.NoError(t, err)
	return v
}

// receive authenticates and normalizes body, signed by s, as the provider's
// receiver does for a delivery.
func receive(t *testing.T, v *hostaway.Verifier, body []byte) event.Event {
	t.Helper()
	rc, err := hostaway.NewReceiver(v)
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
	rc, err := hostaway.NewReceiver(v)
	require.NoError(t, err)
	return testutil.SampleAPI{
		Pkg: "hostawaytest", Names: append(hostawaytest.Names(), hostawaytest.CancelledBooking), Sample: hostawaytest.Sample, Derive: hostawaytest.Derive,
		NewRequest: hostawaytest.NewRequest, Verifier: v, Receiver: rc,
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
	req, err := hostawaytest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", hostawaytest.CancelledBooking, map[string]any{"data.id": 90001, "data.guestName": "Ada Lovelace", "data.totalPrice": 999.5}, v)
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	require.NoError(t, v.Verify(req.Header, body))
	e := receive(t, v, body)
	assert.Equal(t, event.BookingCancelled, e.Type())
	b, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, "90001", b.ID, "the changed fields show in the Booking")
	assert.Equal(t, "Ada Lovelace", b.Guest.Name)
	assert.Equal(t, "999.5", b.Total.Amount)
	assert.Equal(t, event.StatusCancelled, b.Status)
	_, err = hostawaytest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", "no-such-sample", nil, v)
	require.ErrorContains(t, err, "hostawaytest: derive: ")
}

func TestCancelledBooking(t *testing.T) {
	t.Parallel()
	body, ok := hostawaytest.Sample(hostawaytest.CancelledBooking)
	require.True(t, ok)
	e := receive(t, newVerifier(t), body)
	assert.Equal(t, event.BookingCancelled, e.Type())
	assert.Equal(t, "reservation.updated", e.Name())
	b, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, event.StatusCancelled, b.Status)
	assert.NotContains(t, hostawaytest.Names(), hostawaytest.CancelledBooking, "a variant, not an event name")
}
