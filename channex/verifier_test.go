package channex

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

// TestVerifier_Verify tabulates known answers, starting with the header of
// Channex's "Webhook Security" section:
// "X-Channex-Webhook-Secret: your-random-secret".
func TestVerifier_Verify(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier("X-Channex-Webhook-Secret", "your-random-secret", "next-secret-2026")
	require.NoError(t, err)
	body := sample(t, EventBookingNew)

	tests := []struct {
		name   string
		header http.Header
		ok     bool
	}{
		{"documented header", http.Header{"X-Channex-Webhook-Secret": {"your-random-secret"}}, true},
		{"rotated second token", http.Header{"X-Channex-Webhook-Secret": {"next-secret-2026"}}, true},
		{"surrounding white space", http.Header{"X-Channex-Webhook-Secret": {"  your-random-secret\t"}}, true},
		{"missing", http.Header{}, false},
		{"empty", http.Header{"X-Channex-Webhook-Secret": {""}}, false},
		{"wrong token", http.Header{"X-Channex-Webhook-Secret": {"your-random-secreT"}}, false},
		{"prefix of the token", http.Header{"X-Channex-Webhook-Secret": {"your-random"}}, false},
		{"token plus a byte", http.Header{"X-Channex-Webhook-Secret": {"your-random-secret!"}}, false},
		{"both tokens joined", http.Header{"X-Channex-Webhook-Secret": {"your-random-secret,next-secret-2026"}}, false},
		{"right token, other header", http.Header{"Authorization": {"your-random-secret"}}, false},
		{"Bearer form", http.Header{"X-Channex-Webhook-Secret": {"Bearer your-random-secret"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := v.Verify(tt.header, body)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, verify.ErrUnauthorized)
			assert.Contains(t, err.Error(), "channex: verify: ")
			assert.NotContains(t, err.Error(), "your-random-secret")
			assert.NotContains(t, err.Error(), "next-secret-2026")
		})
	}
}

func TestVerifier_bodyIgnored(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier("X-Token", "t0k3n")
	require.NoError(t, err)
	h := http.Header{"X-Token": {"t0k3n"}}
	require.NoError(t, v.Verify(h, nil))
	require.NoError(t, v.Verify(h, []byte("anything at all")))
}

func TestNewVerifier_failsClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		header   string
		tokens   []string
		noSecret bool
	}{
		{"no tokens", SuggestedHeader, nil, true},
		{"empty token", SuggestedHeader, []string{""}, true},
		{"blank token", SuggestedHeader, []string{"   "}, true},
		{"one good, one empty", SuggestedHeader, []string{"good", ""}, true},
		{"empty header", "", []string{"tok"}, false},
		{"header with a space", "X Secret", []string{"tok"}, false},
		{"header with a colon", "X-Secret:", []string{"tok"}, false},
		{"header with a newline", "X-Secret\n", []string{"tok"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := NewVerifier(tt.header, tt.tokens...)
			require.Error(t, err)
			assert.Nil(t, v)
			assert.Contains(t, err.Error(), "channex: new verifier")
			if tt.noSecret {
				assert.ErrorIs(t, err, verify.ErrNoSecret)
			}
		})
	}
}

func TestVerifier_zeroValue(t *testing.T) {
	t.Parallel()
	for name, v := range map[string]*Verifier{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := v.Verify(http.Header{SuggestedHeader: {"x"}}, nil)
			require.ErrorIs(t, err, verify.ErrUnauthorized)
			h := http.Header{}
			v.Sign(h, nil)
			assert.Empty(t, h)
			assert.Empty(t, v.Header())
		})
	}
}

func TestVerifier_SignVerify(t *testing.T) {
	t.Parallel()
	// The header name is matched in any case, as HTTP requires.
	v, err := NewVerifier("x-pmshooks-token", "first", "second")
	require.NoError(t, err)
	assert.EqualValues(t, "X-Pmshooks-Token", v.Header())
	require.NoError(t, v.Verify(http.Header{"X-Pmshooks-Token": {"second"}}, nil))

	h := http.Header{}
	v.Sign(h, []byte("{}"))
	assert.EqualValues(t, "first", h.Get("X-Pmshooks-Token"), "Sign uses the first token")
	require.NoError(t, v.Verify(h, []byte("{}")))

	var _ verify.Verifier = v
	var _ verify.Signer = v
}

// TestNewVerifier_trailingNewline reproduces the defect: a token read from a
// secrets file with its trailing newline made a Verifier that never matched
// the token Channex sends, since the value received is trimmed. It is now
// refused at construction, and the trimmed token matches.
func TestNewVerifier_trailingNewline(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(SuggestedHeader, "tok\n")
	require.ErrorIs(t, err, verify.ErrSecretWhitespace)
	require.Nil(t, v)

	v, err = NewVerifier(SuggestedHeader, "tok")
	require.NoError(t, err)
	for _, received := range []string{"tok", "tok\t", " tok "} {
		require.NoError(t, v.Verify(http.Header{SuggestedHeader: {received}}, nil), "%q", received)
	}
}

func TestNewVerifier_secretRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		token   string
		wantErr error
	}{
		{"trailing newline", "s3cret-token\n", verify.ErrSecretWhitespace},
		{"trailing CRLF", "s3cret-token\r\n", verify.ErrSecretWhitespace},
		{"leading space", " s3cret-token", verify.ErrSecretWhitespace},
		{"tab around", "\ts3cret-token\t", verify.ErrSecretWhitespace},
		{"spaces only", "   ", verify.ErrNoSecret},
		{"tab only", "\t", verify.ErrNoSecret},
		{"newline only", "\n", verify.ErrNoSecret},
		{"empty", "", verify.ErrNoSecret},
		{"space inside", "s3cret token", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, tokens := range [][]string{{tt.token}, {"current-token", tt.token}} {
				v, err := NewVerifier(SuggestedHeader, tokens...)
				if tt.wantErr == nil {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, tt.wantErr)
				require.Nil(t, v)
				assert.Contains(t, err.Error(), "channex: new verifier")
				assert.NotContains(t, err.Error(), "s3cret")
			}
		})
	}
}

// TestVerifier_VerifyHeader: the token is all in the header, so VerifyHeader
// is the full check and fails exactly as Verify does.
func TestVerifier_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(SuggestedHeader, "s3cret-token", "older-token")
	require.NoError(t, err)
	tests := []struct {
		name   string
		header http.Header
		ok     bool
	}{
		{"current", http.Header{SuggestedHeader: {"s3cret-token"}}, true},
		{"older", http.Header{SuggestedHeader: {"older-token"}}, true},
		{"surrounding white space", http.Header{SuggestedHeader: {" s3cret-token\t"}}, true},
		{"wrong", http.Header{SuggestedHeader: {"s3cret-tokeN"}}, false},
		{"empty", http.Header{SuggestedHeader: {""}}, false},
		{"missing", http.Header{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := v.VerifyHeader(tt.header)
			if tt.ok {
				require.NoError(t, err)
				require.NoError(t, v.Verify(tt.header, []byte("body")))
				return
			}
			require.ErrorIs(t, err, verify.ErrUnauthorized)
			assert.Equal(t, v.Verify(tt.header, []byte("body")).Error(), err.Error())
			assert.NotContains(t, err.Error(), "s3cret-token")
		})
	}
	for name, zero := range map[string]*Verifier{"zero": {}, "nil": nil} {
		require.ErrorIs(t, zero.VerifyHeader(http.Header{SuggestedHeader: {"x"}}), verify.ErrUnauthorized, name)
	}
}
