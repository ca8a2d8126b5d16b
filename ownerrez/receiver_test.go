package ownerrez

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/verify"
)

func newTestReceiver(t testing.TB, opts ...Option) (*Receiver, *Verifier) {
	t.Helper()
	v, err := NewVerifier(verify.Credentials{User: "orez", Password: "hook-pass"})
	require.NoError(t, err)
	r, err := NewReceiver(v, opts...)
	require.NoError(t, err)
	return r, v
}

func signed(v verify.Signer, body []byte) http.Header {
	h := http.Header{}
	v.Sign(h, body)
	return h
}

func TestNewReceiver(t *testing.T) {
	t.Parallel()
	r, err := NewReceiver(nil)
	require.Error(t, err)
	assert.Nil(t, r)

	r, err = NewReceiver(verify.Unverified(), nil, WithDraftType(event.RecordCreated), nil)
	require.NoError(t, err)
	assert.Equal(t, Provider, r.Provider())

	var _ event.Receiver = r
	var _ event.Decoder = r
}

func TestReceiver_Receive(t *testing.T) {
	t.Parallel()
	r, v := newTestReceiver(t)
	body := sample(t, "booking.entity_update")
	wrong, err := NewVerifier(verify.Credentials{User: "orez", Password: "old-pass"})
	require.NoError(t, err)

	tests := []struct {
		name      string
		header    http.Header
		body      []byte
		wantType  event.Type
		wantErr   error
		malformed bool
	}{
		{name: "signed", header: signed(v, body), body: body, wantType: event.BookingUpdated},
		{name: "unsigned", header: http.Header{}, body: body, wantErr: verify.ErrUnauthorized},
		{name: "wrong password", header: signed(wrong, body), body: body, wantErr: verify.ErrUnauthorized},
		{name: "unauthenticated garbage is unauthorized, not malformed", header: http.Header{}, body: []byte("{"), wantErr: verify.ErrUnauthorized},
		{name: "authentic garbage is malformed", header: signed(v, nil), body: []byte("{"), wantErr: event.ErrMalformed, malformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Receive(tt.header, tt.body)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, e)
				assert.Equal(t, tt.malformed, errors.Is(err, event.ErrMalformed))
				assert.Regexp(t, `^ownerrez: `, err.Error())
				assert.NotContains(t, err.Error(), "ownerrez: ownerrez")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantType, e.Type())
			assert.Same(t, &tt.body[0], &e.Raw()[0])
			w, ok := e.Data().(*Webhook)
			require.True(t, ok)
			require.NotNil(t, w.Booking)
		})
	}
}

func TestReceiver_Receive_foreignVerifier(t *testing.T) {
	t.Parallel()
	tok, err := verify.NewToken("X-Hook-Token", "abc")
	require.NoError(t, err)
	r, err := NewReceiver(tok)
	require.NoError(t, err)
	_, err = r.Receive(http.Header{}, sample(t, "webhook_test"))
	require.ErrorIs(t, err, verify.ErrUnauthorized)
	assert.Regexp(t, `^ownerrez: verify: `, err.Error())

	h := http.Header{}
	tok.Sign(h, nil)
	e, err := r.Receive(h, sample(t, "webhook_test"))
	require.NoError(t, err)
	assert.Equal(t, event.Ping, e.Type())
}

func TestReceiver_Decode(t *testing.T) {
	t.Parallel()
	r, _ := newTestReceiver(t)
	// Decode does not authenticate: no header at all.
	e, err := r.Decode(nil, sample(t, "application_authorization_revoked"))
	require.NoError(t, err)
	assert.Equal(t, event.AccessRevoked, e.Type())
	assert.Equal(t, "347482730", e.Account())

	_, err = r.Decode(nil, []byte(`{"entity_type":"booking"}`))
	require.ErrorIs(t, err, event.ErrMalformed)
}

func TestWithDraftType(t *testing.T) {
	t.Parallel()
	draft := []byte(`{"id":"d","action":"entity_create","entity_type":"thread_message","entity":{"id":5,"body":"hi","is_draft":true}}`)
	sent := sample(t, "thread_message.entity_create")
	tests := []struct {
		name      string
		opts      []Option
		wantDraft event.Type
	}{
		{"default", nil, event.MessageReceived},
		{"records", []Option{WithDraftType(event.RecordCreated)}, event.RecordCreated},
		{"last wins", []Option{WithDraftType(event.RecordCreated), WithDraftType(event.TypeUnknown)}, event.TypeUnknown},
		{"empty restores default", []Option{WithDraftType(event.RecordCreated), WithDraftType("")}, event.MessageReceived},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := NewReceiver(verify.Unverified(), tt.opts...)
			require.NoError(t, err)
			e, err := r.Decode(nil, draft)
			require.NoError(t, err)
			assert.Equal(t, tt.wantDraft, e.Type())
			m, ok := event.MessageOf(e)
			require.True(t, ok, "a draft still carries its Message")
			assert.False(t, m.Incoming)
			assert.Equal(t, event.Subject{Kind: "message", ID: "5"}, e.Subject())

			e, err = r.Decode(nil, sent)
			require.NoError(t, err)
			assert.Equal(t, event.MessageReceived, e.Type(), "sent messages are not affected")
		})
	}
}

func BenchmarkReceive(b *testing.B) {
	r, v := newTestReceiver(b)
	for _, name := range EventNames() {
		body := sample(b, name)
		h := signed(v, body)
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

// handwrittenWebhook is what a hand-written OwnerRez receiver decodes: the
// envelope and the booking, in one json.Unmarshal.
type handwrittenWebhook struct {
	ID         string   `json:"id"`
	UserID     int64    `json:"user_id"`
	Action     string   `json:"action"`
	EntityType string   `json:"entity_type"`
	EntityID   int64    `json:"entity_id"`
	Categories []string `json:"categories"`
	Entity     Booking  `json:"entity"`
}

// BenchmarkReceive_size compares one receive (verify, parse, normalize) of
// a booking.entity_update delivery of 1 KiB and 64 KiB (its notes padded)
// with the hand-written anchor: a Basic authentication check and one
// json.Unmarshal into a typed struct.
func BenchmarkReceive_size(b *testing.B) {
	r, v := newTestReceiver(b)
	for _, size := range []int{1 << 10, 64 << 10} {
		body := testutil.PadBody(b, sample(b, "booking.entity_update"), size, "entity", "notes")
		h := signed(v, body)
		testutil.BenchReceivePair(b, fmt.Sprintf("ownerrez-%dKiB", size>>10), body,
			func() error { _, err := r.Receive(h, body); return err },
			func() error {
				if err := testutil.HandwrittenBasic(h, "orez", "hook-pass"); err != nil {
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
	r, v := newTestReceiver(t)
	body := sample(t, "booking.entity_update")
	h := signed(v, body)
	// The booking's version (its updated_utc in canonical form), which the
	// anchor computes nothing like, costs no allocation of its own: it is
	// made with the event's ids, in one string.
	testutil.ReceiveAllocsAtMost(t,
		func() error { _, err := r.Receive(h, body); return err },
		func() error {
			if err := testutil.HandwrittenBasic(h, "orez", "hook-pass"); err != nil {
				return err
			}
			var w handwrittenWebhook
			return json.Unmarshal(body, &w)
		})
}

// TestReceiver_VerifyHeader: the Receiver checks what its verifier can check
// before the body is read, with the errors Receive gives for the same header.
func TestReceiver_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(verify.Credentials{User: "orez", Password: "s3cret-pass"})
	require.NoError(t, err)
	newReceiver := func(v verify.Verifier) (testutil.HeaderReceiver, error) { return NewReceiver(v) }
	own, err := newReceiver(v)
	require.NoError(t, err)
	right := http.Header{}
	v.Sign(right, []byte(`{}`))
	var nilReceiver *Receiver
	cases := append([]testutil.VerifyHeaderCase{
		{Name: "right credentials", R: own, Header: right},
		{Name: "wrong credentials", R: own, Header: basicAuth("orez", "wrong-pass"), WantErr: verify.ErrUnauthorized},
		{Name: "missing", R: own, Header: http.Header{}, WantErr: verify.ErrUnauthorized},
	}, testutil.SharedVerifyHeaderCases(t, "ownerrez", newReceiver, right, &Receiver{}, nilReceiver)...)
	body, ok := samples().Sample(samples().Names()[0])
	require.True(t, ok)
	testutil.RunVerifyHeader(t, cases, body, "s3cret")
}

// TestReceiver_VerifyHeader_impliedByReceive: every signed sample the
// Receiver authenticates passes VerifyHeader too, so checking the header
// first never refuses a real delivery.
func TestReceiver_VerifyHeader_impliedByReceive(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(verify.Credentials{User: "orez", Password: "s3cret-pass"})
	require.NoError(t, err)
	r, err := NewReceiver(v)
	require.NoError(t, err)
	testutil.VerifyHeaderImpliedByReceive(t, r, v, samples().Names(), samples().Sample)
}
