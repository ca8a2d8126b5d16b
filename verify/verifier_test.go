package verify_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

func TestAnyOf(t *testing.T) {
	t.Parallel()
	basic, err := verify.NewBasic(verify.Credentials{User: "u", Password: "p"})
	require.NoError(t, err)
	tok, err := verify.NewToken("X-Token", "t0ken")
	require.NoError(t, err)
	either := verify.AnyOf(nil, basic, tok)

	require.NoError(t, either.Verify(basicHeader("u", "p"), nil))
	require.NoError(t, either.Verify(header("X-Token", "t0ken"), nil))

	err = either.Verify(header("X-Token", "wrong"), nil)
	require.ErrorIs(t, err, verify.ErrUnauthorized)
	assertNoLeak(t, err, "t0ken")

	// AnyOf signs with its first signer.
	h := http.Header{}
	either.(verify.Signer).Sign(h, nil)
	assert.NotEmpty(t, h.Get("Authorization"))
	assert.Empty(t, h.Get("X-Token"))
}

func TestAnyOf_emptyFailsClosed(t *testing.T) {
	t.Parallel()
	for _, v := range []verify.Verifier{verify.AnyOf(), verify.AnyOf(nil, nil)} {
		require.ErrorIs(t, v.Verify(http.Header{}, nil), verify.ErrUnauthorized)
		h := http.Header{}
		v.(verify.Signer).Sign(h, nil)
		assert.Empty(t, h)
	}
}

func TestUnverified(t *testing.T) {
	t.Parallel()
	v := verify.Unverified()
	require.NoError(t, v.Verify(nil, []byte("anything")))
	h := http.Header{}
	v.(verify.Signer).Sign(h, nil)
	assert.Empty(t, h)
}

var (
	_ verify.HeaderVerifier = (*verify.HMAC)(nil)
	_ verify.HeaderVerifier = (*verify.Basic)(nil)
	_ verify.HeaderVerifier = (*verify.Token)(nil)
)

// bodyOnly is a Verifier that is not a HeaderVerifier.
type bodyOnly struct{}

func (bodyOnly) Verify(http.Header, []byte) error { return verify.ErrInvalidSignature }

func TestAnyOf_VerifyHeader(t *testing.T) {
	t.Parallel()
	basic, err := verify.NewBasic(verify.Credentials{User: "u", Password: "p"})
	require.NoError(t, err)
	tok, err := verify.NewToken("X-Token", "t0ken-value")
	require.NoError(t, err)
	hm, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"k"}})
	require.NoError(t, err)
	signed := http.Header{}
	hm.Sign(signed, []byte("body"))

	tests := []struct {
		name     string
		v        verify.Verifier
		header   http.Header
		wantErrs []error // all must be found; nil means success
	}{
		{"first member passes", verify.AnyOf(basic, tok), basicHeader("u", "p"), nil},
		{"second member passes", verify.AnyOf(nil, basic, tok), header("X-Token", "t0ken-value"), nil},
		{"none passes", verify.AnyOf(basic, tok), header("X-Token", "wrong"), []error{verify.ErrUnauthorized}},
		{"HMAC signature present", verify.AnyOf(basic, hm), signed, nil},
		{"HMAC and Basic missing", verify.AnyOf(basic, hm), http.Header{}, []error{verify.ErrUnauthorized, verify.ErrMissingSignature}},
		{"a member that needs the body passes", verify.AnyOf(basic, bodyOnly{}), http.Header{}, nil},
		{"empty fails closed", verify.AnyOf(), http.Header{}, []error{verify.ErrUnauthorized}},
		{"only nils fails closed", verify.AnyOf(nil, nil), basicHeader("u", "p"), []error{verify.ErrUnauthorized}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hv, ok := tc.v.(verify.HeaderVerifier)
			require.True(t, ok, "AnyOf's value implements HeaderVerifier")
			err := hv.VerifyHeader(tc.header)
			if tc.wantErrs == nil {
				require.NoError(t, err)
				return
			}
			for _, want := range tc.wantErrs {
				require.ErrorIs(t, err, want)
			}
			assertNoLeak(t, err, "t0ken-value")
		})
	}
}

func TestUnverified_VerifyHeader(t *testing.T) {
	t.Parallel()
	hv, ok := verify.Unverified().(verify.HeaderVerifier)
	require.True(t, ok)
	require.NoError(t, hv.VerifyHeader(nil))
	require.NoError(t, hv.VerifyHeader(http.Header{}))
}

// TestVerifyHeader_impliedByVerify is the contract that lets a server call
// VerifyHeader before reading the body: whenever Verify accepts a delivery,
// VerifyHeader accepts its header. It runs every verifier kind over signed
// headers and over the same headers changed in the ways a sender gets wrong.
func TestVerifyHeader_impliedByVerify(t *testing.T) {
	t.Parallel()
	vs := fuzzVerifiers(t)
	bodies := [][]byte{nil, []byte("{}"), []byte(`{"event":"booking_created","id":42}`), bytes.Repeat([]byte{0xff}, 100)}
	for name, v := range vs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, body := range bodies {
				h := http.Header{}
				v.Sign(h, body)
				require.NoError(t, v.Verify(h, body))
				require.NoError(t, v.(verify.HeaderVerifier).VerifyHeader(h))
				for _, changed := range headerVariants(h) {
					if v.Verify(changed, body) == nil {
						require.NoError(t, v.(verify.HeaderVerifier).VerifyHeader(changed), "%v", changed)
					}
				}
			}
		})
	}
}

// headerVariants returns h as signed, with white space around each value, with
// each value upper- and lower-cased, truncated, extended and removed.
func headerVariants(h http.Header) []http.Header {
	var out []http.Header
	for k := range h {
		v := h.Get(k)
		for _, nv := range []string{" " + v + "\t", strings.ToUpper(v), strings.ToLower(v), v[:len(v)/2], v + "0", ""} {
			c := h.Clone()
			if nv == "" {
				c.Del(k)
			} else {
				c.Set(k, nv)
			}
			out = append(out, c)
		}
	}
	return out
}
