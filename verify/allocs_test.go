package verify_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

// TestVerify_allocations: the header is decoded on the stack, so that a
// verifier costs no more allocations than the check written by hand with
// crypto/hmac (the MAC itself) or encoding/base64 (nothing for Basic).
func TestVerify_allocations(t *testing.T) {
	sha256V, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"current"}})
	require.NoError(t, err)
	sha512V, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Hash: sha512.New, Encoding: verify.Base64, Secrets: []string{"current"}})
	require.NoError(t, err)
	basic, err := verify.NewBasic(verify.Credentials{User: "orez", Password: "hook-pass"})
	require.NoError(t, err)
	body := []byte(`{"trigger":"DATA_NEW"}`)
	mac := func(hash func() hash.Hash) float64 {
		// What hmac.New, Write and Sum allocate: the baseline of any HMAC check.
		return testing.AllocsPerRun(100, func() {
			m := hmac.New(hash, []byte("current"))
			m.Write(body)
			_ = m.Sum(nil)
		})
	}
	tests := []struct {
		name string
		v    interface {
			verify.Verifier
			verify.Signer
		}
		max float64
	}{
		{"hmac-sha256 hex", sha256V, mac(sha256.New)},
		{"hmac-sha512 base64", sha512V, mac(sha512.New)},
		{"basic", basic, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			tt.v.Sign(h, body)
			require.NoError(t, tt.v.Verify(h, body))
			got := testing.AllocsPerRun(100, func() { _ = tt.v.Verify(h, body) })
			assert.LessOrEqual(t, got, tt.max)
			if hv, ok := tt.v.(verify.HeaderVerifier); ok {
				assert.Zero(t, testing.AllocsPerRun(100, func() { _ = hv.VerifyHeader(h) }), "VerifyHeader")
			}
		})
	}
}

// TestHMAC_Verify_alsoAcceptOnlyWhenNeeded: a delivery signed over the
// primary message is verified without deriving the other accepted forms
// (for BookingSync, a second Base64 encoding and MAC of the whole body);
// one signed over another form still verifies.
func TestHMAC_Verify_alsoAcceptOnlyWhenNeeded(t *testing.T) {
	derived := 0
	upper := func(b []byte) []byte { derived++; return bytes.ToUpper(b) }
	v, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"current", "previous"}, AlsoAccept: []verify.MessageFunc{upper}})
	require.NoError(t, err)
	body := []byte(`{"event":"booking_created"}`)
	h := http.Header{}
	v.Sign(h, body)
	require.NoError(t, v.Verify(h, body))
	assert.Zero(t, derived, "the primary form matched: no other form derived")

	m := hmac.New(sha256.New, []byte("previous"))
	m.Write(bytes.ToUpper(body))
	h.Set("X-Sig", hex.EncodeToString(m.Sum(nil)))
	require.NoError(t, v.Verify(h, body), "another accepted form, another secret")
	assert.Equal(t, 1, derived)
	require.ErrorIs(t, v.Verify(h, []byte(`{}`)), verify.ErrInvalidSignature)
}
