package propexo_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/verify"
)

// TestReceiver_errorText checks the text of every kind of error the package
// returns: one shape, "propexo: <operation>: <cause>", never a package or an
// operation twice, and each error still matches its sentinel.
func TestReceiver_errorText(t *testing.T) {
	t.Parallel()
	receive := func(v verify.Verifier, h http.Header, body string) error {
		t.Helper()
		r, err := propexo.NewReceiver(v)
		require.NoError(t, err)
		_, err = r.Receive(h, []byte(body))
		return err
	}
	own, err := propexo.NewVerifier("secret")
	require.NoError(t, err)
	foreign, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"s"}})
	require.NoError(t, err)
	unverified := verify.Unverified()
	_, noSecret := propexo.NewVerifier()
	_, parseErr := propexo.Parse([]byte("garbage"))

	tests := map[string]struct {
		err  error
		want string
		is   error
	}{
		"no signature":                {receive(own, http.Header{}, `{}`), "propexo: verify: missing signature: header Propexo-Signature", verify.ErrMissingSignature},
		"wrong signature":             {receive(own, http.Header{http.CanonicalHeaderKey(propexo.SignatureHeader): {"00"}}, `{}`), "propexo: verify: invalid signature: header Propexo-Signature has the wrong length for hex", verify.ErrInvalidSignature},
		"new verifier without secret": {noSecret, "propexo: new verifier: no secret configured: HMAC needs at least one secret", verify.ErrNoSecret},
		"zero verifier":               {new(propexo.Verifier).Verify(http.Header{}, nil), "propexo: verify: no secret configured", verify.ErrNoSecret},
		"foreign verifier":            {receive(foreign, http.Header{}, `{}`), "propexo: verify: missing signature: header X-Sig", verify.ErrMissingSignature},
		"parse garbage":               {parseErr, "propexo: parse: body: invalid JSON at byte 1", event.ErrMalformed},
		"receive garbage":             {receive(unverified, http.Header{}, "garbage"), "propexo: parse: body: invalid JSON at byte 1", event.ErrMalformed},
		"receive array":               {receive(unverified, http.Header{}, "[]"), "propexo: parse: body is a JSON array, not an object", event.ErrMalformed},
		"receive unnamed":             {receive(unverified, http.Header{}, "{}"), "propexo: parse: body names no trigger: neither \"trigger\" nor \"event\" is set", event.ErrMalformed},
		"receive name not a string":   {receive(unverified, http.Header{}, `{"trigger":1}`), "propexo: parse: trigger is not a JSON string", event.ErrMalformed},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.EqualError(t, tt.err, tt.want)
			require.True(t, errors.Is(tt.err, tt.is), "errors.Is(%v, %v)", tt.err, tt.is)
		})
	}
}
