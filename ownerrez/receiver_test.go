package ownerrez

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
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

// headerStub is a verify.Verifier and verify.HeaderVerifier of another
// package; bodyStub is a verify.Verifier only.
type (
	headerStub struct{ err error }
	bodyStub   struct{ err error }
)

func (s headerStub) Verify(http.Header, []byte) error { return s.err }
func (s headerStub) VerifyHeader(http.Header) error   { return s.err }
func (s bodyStub) Verify(http.Header, []byte) error   { return s.err }

func receiverWith(t *testing.T, v verify.Verifier) *Receiver {
	t.Helper()
	r, err := NewReceiver(v)
	require.NoError(t, err)
	return r
}

// TestReceiver_VerifyHeader: the Receiver checks what its verifier can check
// before the body is read, with the errors Receive gives for the same header.
func TestReceiver_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(verify.Credentials{User: "orez", Password: "s3cret-pass"})
	require.NoError(t, err)
	own := receiverWith(t, v)
	right := http.Header{}
	v.Sign(right, []byte(`{}`))
	cause := errors.New("ip not allowed")
	tests := []struct {
		name    string
		r       *Receiver
		header  http.Header
		wantErr error
		wantMsg string
	}{
		{"right credentials", own, right, nil, ""},
		{"wrong credentials", own, basicAuth("orez", "wrong-pass"), verify.ErrUnauthorized, ""},
		{"missing", own, http.Header{}, verify.ErrUnauthorized, ""},
		{"foreign header verifier", receiverWith(t, headerStub{err: cause}), right, cause, "ownerrez: verify: ip not allowed"},
		{"foreign body-only verifier", receiverWith(t, bodyStub{err: cause}), http.Header{}, nil, ""},
		{"unverified", receiverWith(t, verify.Unverified()), http.Header{}, nil, ""},
		{"zero receiver", &Receiver{}, right, verify.ErrUnauthorized, ""},
		{"nil receiver", nil, right, verify.ErrUnauthorized, ""},
	}
	body, ok := ownerreztest.Sample(ownerreztest.Names()[0])
	require.True(t, ok)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.r.VerifyHeader(tt.header)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.NotContains(t, err.Error(), "s3cret")
			if tt.wantMsg != "" {
				assert.Equal(t, tt.wantMsg, err.Error())
			}
			if tt.r != nil && tt.name != "zero receiver" {
				// The error Receive gives for the same header.
				_, recvErr := tt.r.Receive(tt.header, body)
				require.Error(t, recvErr)
				assert.Equal(t, recvErr.Error(), err.Error())
			}
		})
	}
}

// TestReceiver_VerifyHeader_impliedByReceive: every signed sample the
// Receiver authenticates passes VerifyHeader too, so checking the header
// first never refuses a real delivery.
func TestReceiver_VerifyHeader_impliedByReceive(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(verify.Credentials{User: "orez", Password: "s3cret-pass"})
	require.NoError(t, err)
	r := receiverWith(t, v)
	for _, name := range ownerreztest.Names() {
		body, ok := ownerreztest.Sample(name)
		require.True(t, ok, name)
		h := http.Header{}
		v.Sign(h, body)
		require.NoError(t, v.Verify(h, body), name)
		require.NoError(t, v.VerifyHeader(h), name)
		_, err := r.Receive(h, body)
		require.NotErrorIs(t, err, verify.ErrUnauthorized, name)
		require.NoError(t, r.VerifyHeader(h), name)
	}
}
