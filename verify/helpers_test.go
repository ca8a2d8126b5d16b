package verify_test

import (
	"crypto/hmac"
	"hash"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

// hmacHash computes a MAC with crypto/hmac directly, independently of the
// package under test.
func hmacHash(h func() hash.Hash, secret string, msg []byte) []byte {
	m := hmac.New(h, []byte(secret))
	m.Write(msg)
	return m.Sum(nil)
}

// secretRule is the one rule every constructor applies to a configured secret,
// token, user or password: empty or only white space is ErrNoSecret, leading or
// trailing white space (space, tab, CR, LF) is ErrSecretWhitespace, anything
// else is accepted.
var secretRule = []struct {
	name    string
	secret  string
	wantErr error
}{
	{"trailing newline of a secrets file", "s3cret-value\n", verify.ErrSecretWhitespace},
	{"trailing CRLF", "s3cret-value\r\n", verify.ErrSecretWhitespace},
	{"leading space", " s3cret-value", verify.ErrSecretWhitespace},
	{"tabs around", "\ts3cret-value\t", verify.ErrSecretWhitespace},
	{"empty", "", verify.ErrNoSecret},
	{"spaces only", "   ", verify.ErrNoSecret},
	{"tab only", "\t", verify.ErrNoSecret},
	{"newline only", "\n", verify.ErrNoSecret},
	{"white space inside", "s3cret value", nil},
	{"vertical tab and form feed are key bytes", "\vs3cret-value\f", nil},
}

// checkSecretRule asserts that err follows secretRule's wantErr for secret,
// and never shows the secret.
func checkSecretRule(t *testing.T, err error, secret string, wantErr error) {
	t.Helper()
	if wantErr == nil {
		require.NoError(t, err)
		return
	}
	require.ErrorIs(t, err, wantErr)
	for _, other := range []error{verify.ErrNoSecret, verify.ErrSecretWhitespace} {
		if other != wantErr {
			require.NotErrorIs(t, err, other)
		}
	}
	assertNoLeak(t, err, secret)
}
