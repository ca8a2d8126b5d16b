package receive_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/receive"
	"github.com/pmshooks/pmshooks/verify"
)

// bodyOnly is a verifier that can check nothing without the body.
type bodyOnly struct{}

func (bodyOnly) Verify(http.Header, []byte) error { return verify.ErrInvalidSignature }

func TestVerifyHeader(t *testing.T) {
	t.Parallel()
	tok, err := verify.NewToken("X-Token", "s3cret-token")
	require.NoError(t, err)
	good := http.Header{"X-Token": {"s3cret-token"}}

	require.NoError(t, receive.VerifyHeader("acme", tok, good))
	err = receive.VerifyHeader("acme", tok, http.Header{})
	require.ErrorIs(t, err, verify.ErrUnauthorized)
	assert.Equal(t, "acme: verify: unauthorized: header X-Token is missing", err.Error())

	assert.NoError(t, receive.VerifyHeader("acme", bodyOnly{}, http.Header{}), "nothing to check before the body")

	err = receive.VerifyHeader("acme", nil, good)
	require.ErrorIs(t, err, verify.ErrUnauthorized)
	assert.Equal(t, "acme: verify: unauthorized: receiver has no verifier", err.Error())
}
