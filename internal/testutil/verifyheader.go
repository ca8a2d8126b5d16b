package testutil

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/verify"
)

// HeaderReceiver is a provider's *Receiver as its VerifyHeader tests use it.
type HeaderReceiver interface {
	Receive(h http.Header, body []byte) (event.Event, error)
	VerifyHeader(h http.Header) error
}

// VerifyHeaderCase is one row of a Receiver's VerifyHeader table.
type VerifyHeaderCase struct {
	Name   string
	R      HeaderReceiver
	Header http.Header
	// WantErr is what the error must match (errors.Is); nil means
	// VerifyHeader passes.
	WantErr error
	// WantMsg is the exact error text, when not "".
	WantMsg string
	// NoReceive skips the check that Receive fails with the same text: the
	// Receiver was not made by its constructor.
	NoReceive bool
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

// SharedVerifyHeaderCases are the rows every provider's VerifyHeader table
// has besides its own credentials: a verifier of another package that can
// check headers (its error wrapped as "<pkg>: verify: …") and one that
// cannot, verify.Unverified, and a Receiver not made by NewReceiver (zero)
// or nil. newReceiver is the provider's NewReceiver; right is a header its
// real verifier accepts.
func SharedVerifyHeaderCases(t *testing.T, pkg string, newReceiver func(verify.Verifier) (HeaderReceiver, error),
	right http.Header, zero, nilReceiver HeaderReceiver) []VerifyHeaderCase {
	t.Helper()
	with := func(v verify.Verifier) HeaderReceiver {
		r, err := newReceiver(v)
		require.NoError(t, err)
		return r
	}
	cause := errors.New("ip not allowed")
	return []VerifyHeaderCase{
		{Name: "foreign header verifier", R: with(headerStub{err: cause}), Header: right, WantErr: cause, WantMsg: pkg + ": verify: ip not allowed"},
		{Name: "foreign body-only verifier", R: with(bodyStub{err: cause}), Header: http.Header{}},
		{Name: "unverified", R: with(verify.Unverified()), Header: http.Header{}},
		{Name: "zero receiver", R: zero, Header: right, WantErr: verify.ErrUnauthorized, NoReceive: true},
		{Name: "nil receiver", R: nilReceiver, Header: right, WantErr: verify.ErrUnauthorized, NoReceive: true},
	}
}

// RunVerifyHeader runs cases: each VerifyHeader error matches WantErr (and
// WantMsg), never holds secret, and is the error Receive gives for the same
// header and body, so that checking the header first changes nothing a
// provider sees but the time it takes.
func RunVerifyHeader(t *testing.T, cases []VerifyHeaderCase, body []byte, secret string) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			err := tt.R.VerifyHeader(tt.Header)
			if tt.WantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.WantErr)
			assert.NotContains(t, err.Error(), secret)
			if tt.WantMsg != "" {
				assert.Equal(t, tt.WantMsg, err.Error())
			}
			if !tt.NoReceive {
				_, recvErr := tt.R.Receive(tt.Header, body)
				require.Error(t, recvErr)
				assert.Equal(t, recvErr.Error(), err.Error())
			}
		})
	}
}

// SignerVerifier is a provider's *Verifier.
type SignerVerifier interface {
	verify.Verifier
	verify.Signer
	verify.HeaderVerifier
}

// VerifyHeaderImpliedByReceive signs every sample with v and checks that
// whatever v and r authenticate also passes VerifyHeader, so that checking
// the header first never refuses a real delivery.
func VerifyHeaderImpliedByReceive(t *testing.T, r HeaderReceiver, v SignerVerifier, names []string, sample func(string) ([]byte, bool)) {
	t.Helper()
	require.NotEmpty(t, names)
	for _, name := range names {
		body, ok := sample(name)
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
