package verify_test

import (
	"crypto/sha1"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

// fuzzVerifier is what every verifier of this package implements.
type fuzzVerifier interface {
	verify.Verifier
	verify.HeaderVerifier
	verify.Signer
}

// fuzzVerifiers builds one verifier of each kind, the HMAC in each encoding,
// plus AnyOf and Unverified.
func fuzzVerifiers(t testing.TB) map[string]fuzzVerifier {
	hexV, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Hash: sha1.New, Prefix: "sha1=", Secrets: []string{"k1", "k2"}})
	require.NoError(t, err)
	b64V, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Encoding: verify.Base64, Secrets: []string{"k1"}})
	require.NoError(t, err)
	basic, err := verify.NewBasic(verify.Credentials{User: "u", Password: "p"})
	require.NoError(t, err)
	tok, err := verify.NewToken("X-Sig", "tok")
	require.NoError(t, err)
	return map[string]fuzzVerifier{
		"hmac-hex":    hexV,
		"hmac-base64": b64V,
		"basic":       basic,
		"token":       tok,
		"anyof":       verify.AnyOf(b64V, basic).(fuzzVerifier),
		"unverified":  verify.Unverified().(fuzzVerifier),
	}
}

// FuzzVerify feeds arbitrary header values and bodies to every verifier: none
// may panic, none may accept a forged value, and a body each signs verifies.
func FuzzVerify(f *testing.F) {
	f.Add("sha1=0123", []byte(`{"a":1}`))
	f.Add("Basic dTpw", []byte{})
	f.Add("", []byte{0xff, 0x00})
	f.Add("====", []byte("x"))
	vs := fuzzVerifiers(f)
	f.Fuzz(func(t *testing.T, value string, body []byte) {
		for name, v := range vs {
			h := http.Header{}
			h.Set("X-Sig", value)
			h.Set("Authorization", value)
			_ = v.Verify(h, body)

			signed := http.Header{}
			v.Sign(signed, body)
			require.NoError(t, v.Verify(signed, body), name)
		}
	})
}

// FuzzVerifyHeader feeds arbitrary header values to every verifier's
// VerifyHeader: none may panic, and whenever Verify accepts a header with some
// body, VerifyHeader accepts it too, so that checking the header first never
// refuses an authentic delivery.
func FuzzVerifyHeader(f *testing.F) {
	f.Add("sha1=0123", []byte(`{"a":1}`))
	f.Add("Basic dTpw", []byte{})
	f.Add(" tok ", []byte{})
	f.Add("", []byte{0xff, 0x00})
	f.Add("====", []byte("x"))
	f.Add("sha1=ffffffffffffffffffffffffffffffffffffffff", []byte("x"))
	vs := fuzzVerifiers(f)
	f.Fuzz(func(t *testing.T, value string, body []byte) {
		for name, v := range vs {
			h := http.Header{}
			h.Set("X-Sig", value)
			h.Set("Authorization", value)
			headerErr := v.VerifyHeader(h)
			if v.Verify(h, body) == nil {
				require.NoError(t, headerErr, name)
			}

			signed := http.Header{}
			v.Sign(signed, body)
			require.NoError(t, v.VerifyHeader(signed), name)
		}
	})
}

// FuzzHMAC_tamper checks that changing one byte of a signed body fails.
func FuzzHMAC_tamper(f *testing.F) {
	f.Add([]byte(`{"event":"x"}`), uint16(3))
	f.Add([]byte{0}, uint16(0))
	v, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"k"}})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte, at uint16) {
		if len(body) == 0 {
			return
		}
		h := http.Header{}
		v.Sign(h, body)
		tampered := append([]byte(nil), body...)
		tampered[int(at)%len(body)] ^= 0x01
		require.ErrorIs(t, v.Verify(h, tampered), verify.ErrInvalidSignature)
	})
}

// FuzzReadBody checks that ReadBody returns either the whole body within the
// limit or ErrBodyTooLarge.
func FuzzReadBody(f *testing.F) {
	f.Add([]byte("hello"), int64(3))
	f.Add([]byte(""), int64(1))
	f.Fuzz(func(t *testing.T, body []byte, limit int64) {
		if limit <= 0 || limit > 1<<16 {
			limit = int64(len(body)) / 2
			if limit == 0 {
				limit = 1
			}
		}
		r, err := http.NewRequest(http.MethodPost, "/", byteReader(body))
		require.NoError(t, err)
		r.ContentLength = -1
		got, err := verify.ReadBody(r, limit)
		if int64(len(body)) > limit {
			require.ErrorIs(t, err, verify.ErrBodyTooLarge)
			return
		}
		require.NoError(t, err)
		require.Equal(t, body, append([]byte{}, got...))
	})
}
