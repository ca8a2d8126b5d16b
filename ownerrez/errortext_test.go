package ownerrez_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/verify"
)

// TestReceiver_errorText checks the text of every kind of error the package
// returns: one shape, "ownerrez: <operation>: <cause>", never a package or an
// operation twice, and each error still matches its sentinel.
func TestReceiver_errorText(t *testing.T) {
	t.Parallel()
	receive := func(v verify.Verifier, h http.Header, body string) error {
		t.Helper()
		r, err := ownerrez.NewReceiver(v)
		require.NoError(t, err)
		_, err = r.Receive(h, []byte(body))
		return err
	}
	own, err := ownerrez.NewVerifier(verify.Credentials{User: "u", Password: "p"})
	require.NoError(t, err)
	foreign, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"s"}})
	require.NoError(t, err)
	unverified := verify.Unverified()
	_, noSecret := ownerrez.NewVerifier()
	_, parseErr := ownerrez.Parse([]byte("garbage"))

	tests := map[string]struct {
		err  error
		want string
		is   error
	}{
		"no credentials":              {receive(own, http.Header{}, `{}`), "ownerrez: verify: unauthorized: no Basic credentials", verify.ErrUnauthorized},
		"wrong credentials":           {receive(own, http.Header{"Authorization": {"Basic eDp5"}}, `{}`), "ownerrez: verify: unauthorized: Basic credentials do not match", verify.ErrUnauthorized},
		"new verifier without secret": {noSecret, "ownerrez: new verifier: no secret configured: Basic auth needs at least one credential pair", verify.ErrNoSecret},
		"zero verifier":               {new(ownerrez.Verifier).Verify(http.Header{}, nil), "ownerrez: verify: unauthorized: no credentials configured", verify.ErrUnauthorized},
		"foreign verifier":            {receive(foreign, http.Header{}, `{}`), "ownerrez: verify: missing signature: header X-Sig", verify.ErrMissingSignature},
		"parse garbage":               {parseErr, "ownerrez: parse: envelope: invalid JSON at byte 1", event.ErrMalformed},
		"receive garbage":             {receive(unverified, http.Header{}, "garbage"), "ownerrez: parse: envelope: invalid JSON at byte 1", event.ErrMalformed},
		"receive array":               {receive(unverified, http.Header{}, "[]"), "ownerrez: parse: envelope: not a JSON object but a JSON array", event.ErrMalformed},
		"receive unnamed":             {receive(unverified, http.Header{}, "{}"), "ownerrez: parse: envelope has no action", event.ErrMalformed},
		"receive name not a string":   {receive(unverified, http.Header{}, `{"action":1}`), "ownerrez: parse: envelope: field \"action\" holds a JSON number", event.ErrMalformed},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.EqualError(t, tt.err, tt.want)
			require.True(t, errors.Is(tt.err, tt.is), "errors.Is(%v, %v)", tt.err, tt.is)
		})
	}
}
