package channextest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
)

func TestNames_matchEventNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, channex.EventNames(), channextest.Names(), "one sample per event name, no more")
}

func TestSample(t *testing.T) {
	t.Parallel()
	body, ok := channextest.Sample("message")
	require.True(t, ok)
	assert.Contains(t, string(body), `"event": "message"`)

	body[0] = 'X' // a copy: changing it changes nothing for the next caller
	again, _ := channextest.Sample("message")
	assert.Equal(t, byte('{'), again[0])

	_, ok = channextest.Sample("no_such_event")
	assert.False(t, ok)
}

// newVerifier returns the verifier that checks deliveries and signs the
// test requests.
func newVerifier(t *testing.T) *channex.Verifier {
	t.Helper()
	v, err := channex.NewVerifier("X-Hook-Token", "tok")
	require.NoError(t, err)
	return v
}

// receive authenticates and normalizes body, signed by s, as the provider's
// receiver does for a delivery.
func receive(t *testing.T, v *channex.Verifier, body []byte) event.Event {
	t.Helper()
	rc, err := channex.NewReceiver(v)
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
	rc, err := channex.NewReceiver(v)
	require.NoError(t, err)
	return testutil.SampleAPI{
		Pkg: "channextest", Names: channextest.Names(), Sample: channextest.Sample, Derive: channextest.Derive,
		NewRequest: channextest.NewRequest, Verifier: v, Receiver: rc,
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
	req, err := channextest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", channextest.CancelledBooking, map[string]any{"payload.booking_id": "b-90001", "payload.customer_name": "Ada Lovelace"}, v)
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	require.NoError(t, v.Verify(req.Header, body))
	e := receive(t, v, body)
	assert.Equal(t, event.BookingCancelled, e.Type())
	b, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, "b-90001", b.ID, "the changed fields show in the Booking")
	assert.Equal(t, "Ada Lovelace", b.Guest.Name)
	assert.Equal(t, event.StatusCancelled, b.Status)
	_, err = channextest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", "no-such-sample", nil, v)
	require.ErrorContains(t, err, "channextest: derive: ")
}

func TestCancelledBooking(t *testing.T) {
	t.Parallel()
	body, ok := channextest.Sample(channextest.CancelledBooking)
	require.True(t, ok)
	e := receive(t, newVerifier(t), body)
	assert.Equal(t, event.BookingCancelled, e.Type())
	assert.Equal(t, channex.EventBookingCancellation, e.Name())
	b, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, event.StatusCancelled, b.Status)
	assert.Contains(t, channextest.Names(), channextest.CancelledBooking, "Channex has an event for it")
}
