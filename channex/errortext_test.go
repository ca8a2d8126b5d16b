package channex_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/verify"
)

// TestReceiver_errorText checks the text of every kind of error the package
// returns: one shape, "channex: <operation>: <cause>", never a package or an
// operation twice, and each error still matches its sentinel.
func TestReceiver_errorText(t *testing.T) {
	t.Parallel()
	receive := func(v verify.Verifier, h http.Header, body string) error {
		t.Helper()
		r, err := channex.NewReceiver(v)
		require.NoError(t, err)
		_, err = r.Receive(h, []byte(body))
		return err
	}
	own, err := channex.NewVerifier("X-Token", "token")
	require.NoError(t, err)
	foreign, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"s"}})
	require.NoError(t, err)
	unverified := verify.Unverified()
	_, noSecret := channex.NewVerifier("X-Token")
	_, parseErr := channex.Parse([]byte("garbage"))

	tests := map[string]struct {
		err  error
		want string
		is   error
	}{
		"no token":                    {receive(own, http.Header{}, `{}`), "channex: verify: unauthorized: header X-Token is missing", verify.ErrUnauthorized},
		"wrong token":                 {receive(own, http.Header{"X-Token": {"other"}}, `{}`), "channex: verify: unauthorized: header X-Token matches no configured token", verify.ErrUnauthorized},
		"new verifier without secret": {noSecret, "channex: new verifier: no secret configured: token header needs at least one token", verify.ErrNoSecret},
		"zero verifier":               {new(channex.Verifier).Verify(http.Header{}, nil), "channex: verify: unauthorized: no token configured", verify.ErrUnauthorized},
		"foreign verifier":            {receive(foreign, http.Header{}, `{}`), "channex: verify: missing signature: header X-Sig", verify.ErrMissingSignature},
		"parse garbage":               {parseErr, "channex: parse: envelope: invalid JSON at byte 1", event.ErrMalformed},
		"receive garbage":             {receive(unverified, http.Header{}, "garbage"), "channex: parse: envelope: invalid JSON at byte 1", event.ErrMalformed},
		"receive array":               {receive(unverified, http.Header{}, "[]"), "channex: parse: envelope: not a JSON object but a JSON array", event.ErrMalformed},
		"receive unnamed":             {receive(unverified, http.Header{}, "{}"), "channex: parse: envelope has no event", event.ErrMalformed},
		"receive name not a string":   {receive(unverified, http.Header{}, `{"event":1}`), "channex: parse: envelope: field \"event\" holds a JSON number", event.ErrMalformed},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.EqualError(t, tt.err, tt.want)
			require.True(t, errors.Is(tt.err, tt.is), "errors.Is(%v, %v)", tt.err, tt.is)
		})
	}
}
