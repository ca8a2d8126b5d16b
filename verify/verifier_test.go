package verify_test

import (
	"net/http"
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
