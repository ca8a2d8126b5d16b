package bookingsynctest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
)

func TestNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, bookingsync.EventNames(), bookingsynctest.Names(), "one sample per event name")
}

func TestSample(t *testing.T) {
	t.Parallel()
	for _, name := range bookingsynctest.Names() {
		body, ok := bookingsynctest.Sample(name)
		require.True(t, ok, name)
		var env struct {
			AccountID json.Number     `json:"account_id"`
			Event     string          `json:"event"`
			Resource  json.RawMessage `json:"resource"`
		}
		require.NoError(t, json.Unmarshal(body, &env), name)
		assert.Equal(t, name, env.Event)
		assert.NotEmpty(t, env.AccountID, name)
		assert.NotEmpty(t, env.Resource, name)
	}
	_, ok := bookingsynctest.Sample("booking_archived")
	assert.False(t, ok)

	a, _ := bookingsynctest.Sample("booking_created")
	a[0] = 'X'
	b, _ := bookingsynctest.Sample("booking_created")
	assert.Equal(t, byte('{'), b[0], "Sample returns a copy")
}

// newVerifier returns the verifier that checks deliveries and signs the
// test requests.
func newVerifier(t *testing.T) *bookingsync.Verifier {
	t.Helper()
	v, err := bookingsync.NewVerifier("client-secret")
	require.NoError(t, err)
	return v
}

// receive authenticates and normalizes body, signed by s, as the provider's
// receiver does for a delivery.
func receive(t *testing.T, v *bookingsync.Verifier, body []byte) event.Event {
	t.Helper()
	rc, err := bookingsync.NewReceiver(v)
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
	rc, err := bookingsync.NewReceiver(v)
	require.NoError(t, err)
	return testutil.SampleAPI{
		Pkg: "bookingsynctest", Names: append(bookingsynctest.Names(), bookingsynctest.CancelledBooking), Sample: bookingsynctest.Sample, Derive: bookingsynctest.Derive,
		NewRequest: bookingsynctest.NewRequest, Verifier: v, Receiver: rc,
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
	req, err := bookingsynctest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", bookingsynctest.CancelledBooking, map[string]any{"resource.booking.id": 90001, "resource.booking.final_price": "999.5"}, v)
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	require.NoError(t, v.Verify(req.Header, body))
	e := receive(t, v, body)
	assert.Equal(t, bookingsync.UserAgent, req.Header.Get("User-Agent"))
	assert.Equal(t, event.BookingCancelled, e.Type())
	b, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, "90001", b.ID, "the changed fields show in the Booking")
	assert.Equal(t, "999.5", b.Total.Amount)
	assert.Equal(t, event.StatusCancelled, b.Status)
	_, err = bookingsynctest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", "no-such-sample", nil, v)
	require.ErrorContains(t, err, "bookingsynctest: derive: ")
}

func TestCancelledBooking(t *testing.T) {
	t.Parallel()
	body, ok := bookingsynctest.Sample(bookingsynctest.CancelledBooking)
	require.True(t, ok)
	e := receive(t, newVerifier(t), body)
	assert.Equal(t, event.BookingCancelled, e.Type())
	assert.Equal(t, "booking_updated", e.Name())
	b, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, event.StatusCancelled, b.Status)
	assert.NotContains(t, bookingsynctest.Names(), bookingsynctest.CancelledBooking, "a variant, not an event name")
}
