package ownerreztest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/verify"
)

func TestNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, ownerrez.EventNames(), ownerreztest.Names(), "one sample per known event name")
}

func TestSample(t *testing.T) {
	t.Parallel()
	for _, name := range ownerreztest.Names() {
		b, ok := ownerreztest.Sample(name)
		require.True(t, ok, name)
		var env struct {
			Action     ownerrez.Action     `json:"action"`
			EntityType ownerrez.EntityType `json:"entity_type"`
			ID         string              `json:"id"`
		}
		require.NoError(t, json.Unmarshal(b, &env), name)
		assert.Equal(t, name, ownerrez.EventName(env.Action, env.EntityType), "sample %s is named for its content", name)
		assert.NotEmpty(t, env.ID, "canonical samples carry a delivery id")
	}
	b, _ := ownerreztest.Sample("webhook_test")
	b[0] = 'X'
	again, _ := ownerreztest.Sample("webhook_test")
	assert.Equal(t, byte('{'), again[0], "Sample returns a copy")
	_, ok := ownerreztest.Sample("booking.entity_archive")
	assert.False(t, ok)
}

// newVerifier returns the verifier that checks deliveries and signs the
// test requests.
func newVerifier(t *testing.T) *ownerrez.Verifier {
	t.Helper()
	v, err := ownerrez.NewVerifier(verify.Credentials{User: "u", Password: "p"})
	require.NoError(t, err)
	return v
}

// receive authenticates and normalizes body, signed by s, as the provider's
// receiver does for a delivery.
func receive(t *testing.T, v *ownerrez.Verifier, body []byte) event.Event {
	t.Helper()
	rc, err := ownerrez.NewReceiver(v)
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
	rc, err := ownerrez.NewReceiver(v)
	require.NoError(t, err)
	return testutil.SampleAPI{
		Pkg: "ownerreztest", Names: append(ownerreztest.Names(), ownerreztest.CancelledBooking), Sample: ownerreztest.Sample, Derive: ownerreztest.Derive,
		NewRequest: ownerreztest.NewRequest, Verifier: v, Receiver: rc,
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
	req, err := ownerreztest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", ownerreztest.CancelledBooking, map[string]any{"entity_id": 90001, "entity.id": 90001, "entity.guest.first_name": "Ada", "entity.guest.last_name": "Lovelace"}, v)
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	require.NoError(t, v.Verify(req.Header, body))
	e := receive(t, v, body)
	assert.Equal(t, event.BookingCancelled, e.Type())
	assert.Equal(t, event.Subject{Kind: "booking", ID: "90001"}, e.Subject())
	b, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, "90001", b.ID, "the changed fields show in the Booking")
	assert.Equal(t, "Ada Lovelace", b.Guest.Name)
	assert.Equal(t, event.StatusCancelled, b.Status)
	canonical, _ := ownerreztest.Sample(ownerreztest.CancelledBooking)
	assert.NotEqual(t, receive(t, v, canonical).ID(), e.ID(), "a fresh delivery id")
	_, err = ownerreztest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", "no-such-sample", nil, v)
	require.ErrorContains(t, err, "ownerreztest: derive: ")
}

func TestCancelledBooking(t *testing.T) {
	t.Parallel()
	body, ok := ownerreztest.Sample(ownerreztest.CancelledBooking)
	require.True(t, ok)
	e := receive(t, newVerifier(t), body)
	assert.Equal(t, event.BookingCancelled, e.Type())
	assert.Equal(t, "booking.entity_update", e.Name())
	b, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, event.StatusCancelled, b.Status)
	assert.NotContains(t, ownerreztest.Names(), ownerreztest.CancelledBooking, "a variant, not an event name")
}
