package channex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/verify"
)

func TestNewReceiver_nilVerifier(t *testing.T) {
	t.Parallel()
	r, err := NewReceiver(nil)
	require.Error(t, err)
	assert.Nil(t, r)
	assert.Contains(t, err.Error(), "channex: new receiver")
}

func TestReceiver_Receive(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(SuggestedHeader, "s3cret")
	require.NoError(t, err)
	r, err := NewReceiver(v)
	require.NoError(t, err)
	assert.Equal(t, Provider, r.Provider())

	good := http.Header{SuggestedHeader: {"s3cret"}}
	bad := http.Header{SuggestedHeader: {"guess"}}
	tests := []struct {
		name      string
		header    http.Header
		body      []byte
		auth      bool // fails authentication
		malformed bool
	}{
		{name: "authentic sample", header: good, body: sample(t, EventBookingNew)},
		{name: "authentic unknown event", header: good, body: []byte(`{"event":"brand_new","property_id":"p"}`)},
		{name: "wrong token", header: bad, body: sample(t, EventBookingNew), auth: true},
		{name: "no header", header: http.Header{}, body: sample(t, EventBookingNew), auth: true},
		{name: "wrong token and garbage: authentication first", header: bad, body: []byte("garbage"), auth: true},
		{name: "authentic garbage", header: good, body: []byte("garbage"), malformed: true},
		{name: "authentic, no event", header: good, body: []byte(`{"payload":{}}`), malformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Receive(tt.header, tt.body)
			switch {
			case tt.auth:
				require.ErrorIs(t, err, verify.ErrUnauthorized)
				assert.NotErrorIs(t, err, event.ErrMalformed)
				assert.Nil(t, e)
			case tt.malformed:
				require.ErrorIs(t, err, event.ErrMalformed)
				assert.NotErrorIs(t, err, verify.ErrUnauthorized)
				assert.Nil(t, e)
			default:
				require.NoError(t, err)
				assert.Same(t, &tt.body[0], &e.Raw()[0])
				_, ok := e.Data().(*Webhook)
				assert.True(t, ok)
			}
		})
	}
}

// foreignVerifier is a verify.Verifier of another package.
type foreignVerifier struct{ err error }

func (f foreignVerifier) Verify(http.Header, []byte) error { return f.err }

func TestReceiver_Receive_foreignVerifier(t *testing.T) {
	t.Parallel()
	cause := errors.New("ip not allowed")
	r, err := NewReceiver(foreignVerifier{err: cause})
	require.NoError(t, err)
	_, err = r.Receive(nil, sample(t, EventARI))
	require.ErrorIs(t, err, cause)
	assert.EqualValues(t, "channex: verify: ip not allowed", err.Error())

	// Channex also allows Basic credentials in the webhook's headers.
	basic, err := verify.NewBasic(verify.Credentials{User: "channex", Password: "pw"})
	require.NoError(t, err)
	r, err = NewReceiver(basic)
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.SetBasicAuth("channex", "pw")
	_, err = r.Receive(req.Header, sample(t, EventARI))
	require.NoError(t, err)
}

func TestReceiver_Decode(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(SuggestedHeader, "s3cret")
	require.NoError(t, err)
	r, err := NewReceiver(v)
	require.NoError(t, err)
	// Decode does not authenticate: a body stored after Receive decodes
	// without its headers.
	e, err := r.Decode(nil, sample(t, EventMessage))
	require.NoError(t, err)
	assert.Equal(t, event.MessageReceived, e.Type())
	_, err = r.Decode(nil, []byte("{"))
	require.ErrorIs(t, err, event.ErrMalformed)

	var _ event.Receiver = r
	var _ event.Decoder = r
}

// TestReceiver_httpHandler runs samples through event.NewHTTPHandler as a
// service mounts it, for the status codes Channex's retries depend on
// (only 5xx is retried).
func TestReceiver_httpHandler(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(SuggestedHeader, "s3cret")
	require.NoError(t, err)
	r, err := NewReceiver(v)
	require.NoError(t, err)

	var handled []event.Type
	mux := event.NewMux()
	mux.On(event.BookingCreated, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		handled = append(handled, e.Type())
		return nil
	}))
	mux.OnName(Provider, EventMessage, event.HandlerFunc(func(context.Context, event.Event) error {
		return errors.New("database down")
	}))
	h := event.NewHTTPHandler(r, mux)

	post := func(name string, s verify.Signer) int {
		body, _ := samples().Sample(name) // the same body each time: a copy is a retry
		req, err := sampleset.NewRequest(t.Context(), "http://127.0.0.1/hooks/channex", body, s)
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	assert.Equal(t, http.StatusOK, post(EventBookingNew, v))
	assert.Equal(t, http.StatusOK, post(EventBookingNew, v), "a copy is acknowledged")
	assert.Equal(t, []event.Type{event.BookingCreated}, handled, "and not handled twice")
	assert.Equal(t, http.StatusOK, post(EventARI, v), "nobody handles ari: acknowledged")
	assert.Equal(t, http.StatusUnauthorized, post(EventBookingNew, nil))
	assert.Equal(t, http.StatusInternalServerError, post(EventMessage, v), "so that Channex retries")

	req := httptest.NewRequest(http.MethodPost, "/hooks/channex", bytes.NewReader([]byte(`{"event":7}`)))
	v.Sign(req.Header, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
}

func BenchmarkReceive(b *testing.B) {
	v, err := NewVerifier(SuggestedHeader, "s3cret")
	if err != nil {
		b.Fatal(err)
	}
	r, err := NewReceiver(v)
	if err != nil {
		b.Fatal(err)
	}
	h := http.Header{}
	v.Sign(h, nil)
	for _, name := range []string{EventARI, EventBooking, EventBookingNew, EventMessage, EventReservationRequest, EventReview} {
		body := sample(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := r.Receive(h, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// handwrittenWebhook is what a hand-written Channex receiver decodes: the
// envelope and the booking payload, in one json.Unmarshal.
type handwrittenWebhook struct {
	Event      string         `json:"event"`
	PropertyID string         `json:"property_id"`
	UserID     *string        `json:"user_id"`
	Timestamp  time.Time      `json:"timestamp"`
	Payload    BookingPayload `json:"payload"`
}

// BenchmarkReceive_size compares one receive (verify, parse, normalize) of
// a booking_new delivery of 1 KiB and 64 KiB (its notes padded) with the
// hand-written anchor: a constant-time token check and one json.Unmarshal
// into a typed struct.
func BenchmarkReceive_size(b *testing.B) {
	v, err := NewVerifier(SuggestedHeader, "s3cret")
	require.NoError(b, err)
	r, err := NewReceiver(v)
	require.NoError(b, err)
	h := http.Header{}
	v.Sign(h, nil)
	for _, size := range []int{1 << 10, 64 << 10} {
		body := testutil.PadBody(b, sample(b, EventBookingNew), size, "payload", "notes")
		testutil.BenchReceivePair(b, fmt.Sprintf("channex-%dKiB", size>>10), body,
			func() error { _, err := r.Receive(h, body); return err },
			func() error {
				if err := testutil.HandwrittenToken(h, SuggestedHeader, "s3cret"); err != nil {
					return err
				}
				var w handwrittenWebhook
				return json.Unmarshal(body, &w)
			})
	}
}

// TestReceiver_Receive_allocations: a receive allocates no more often than
// the hand-written anchor of BenchmarkReceive_size.
func TestReceiver_Receive_allocations(t *testing.T) {
	v, err := NewVerifier(SuggestedHeader, "s3cret")
	require.NoError(t, err)
	r, err := NewReceiver(v)
	require.NoError(t, err)
	h := http.Header{}
	v.Sign(h, nil)
	body := sample(t, EventBookingNew)
	testutil.ReceiveAllocsAtMost(t,
		func() error { _, err := r.Receive(h, body); return err },
		func() error {
			if err := testutil.HandwrittenToken(h, SuggestedHeader, "s3cret"); err != nil {
				return err
			}
			var w handwrittenWebhook
			return json.Unmarshal(body, &w)
		})
}

func TestReceiver_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(SuggestedHeader, "s3cret-token")
	require.NoError(t, err)
	newReceiver := func(v verify.Verifier) (testutil.HeaderReceiver, error) { return NewReceiver(v) }
	own, err := newReceiver(v)
	require.NoError(t, err)
	right := http.Header{SuggestedHeader: {"s3cret-token"}}
	var nilReceiver *Receiver
	cases := append([]testutil.VerifyHeaderCase{
		{Name: "right token", R: own, Header: right},
		{Name: "wrong token", R: own, Header: http.Header{SuggestedHeader: {"other-token"}}, WantErr: verify.ErrUnauthorized,
			WantMsg: "channex: verify: unauthorized: header X-Channex-Webhook-Secret matches no configured token"},
		{Name: "missing token", R: own, Header: http.Header{}, WantErr: verify.ErrUnauthorized,
			WantMsg: "channex: verify: unauthorized: header X-Channex-Webhook-Secret is missing"},
	}, testutil.SharedVerifyHeaderCases(t, "channex", newReceiver, right, &Receiver{}, nilReceiver)...)
	body, ok := samples().Sample(samples().Names()[0])
	require.True(t, ok)
	testutil.RunVerifyHeader(t, cases, body, "s3cret")
}

// TestReceiver_VerifyHeader_impliedByReceive: every signed sample the
// Receiver authenticates passes VerifyHeader too, so checking the header
// first never refuses a real delivery.
func TestReceiver_VerifyHeader_impliedByReceive(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(SuggestedHeader, "s3cret-token")
	require.NoError(t, err)
	r := mustReceiver(t, v)
	for _, d := range deliveries(t) {
		h := http.Header{}
		v.Sign(h, d.body)
		_, err := r.Receive(h, d.body)
		require.NotErrorIs(t, err, verify.ErrUnauthorized, d.name)
		require.NoError(t, r.VerifyHeader(h), d.name)
	}
}

func mustReceiver(t *testing.T, v verify.Verifier) *Receiver {
	t.Helper()
	r, err := NewReceiver(v)
	require.NoError(t, err)
	return r
}
