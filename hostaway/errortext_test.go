package hostaway_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/verify"
)

// TestReceiver_errorText checks the text of every kind of error the package
// returns: one shape, "hostaway: <operation>: <cause>", never a package or an
// operation twice, and each error still matches its sentinel.
func TestReceiver_errorText(t *testing.T) {
	t.Parallel()
	receive := func(v verify.Verifier, h http.Header, body string) error {
		t.Helper()
		r, err := hostaway.NewReceiver(v)
		require.NoError(t, err)
		_, err = r.Receive(h, []byte(body))
		return err
	}
	own, err := hostaway.NewVerifier(verify.Credentials{User: "u", Password: "p"})
	require.NoError(t, err)
	foreign, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"s"}})
	require.NoError(t, err)
	unverified := verify.Unverified()
	_, noSecret := hostaway.NewVerifier()
	_, parseErr := hostaway.Parse([]byte("garbage"))
	accounts, err := hostaway.NewReceiver(unverified, hostaway.WithAccounts("1"))
	require.NoError(t, err)
	_, foreignAccount := accounts.Receive(http.Header{}, []byte(`{"event":"reservation.created","accountId":2,"data":{}}`))

	tests := map[string]struct {
		err  error
		want string
		is   error
	}{
		"no credentials":              {receive(own, http.Header{}, `{}`), "hostaway: verify: unauthorized: no Basic credentials", verify.ErrUnauthorized},
		"wrong credentials":           {receive(own, http.Header{"Authorization": {"Basic eDp5"}}, `{}`), "hostaway: verify: unauthorized: Basic credentials do not match", verify.ErrUnauthorized},
		"new verifier without secret": {noSecret, "hostaway: new verifier: no secret configured: Basic auth needs at least one credential pair", verify.ErrNoSecret},
		"zero verifier":               {new(hostaway.Verifier).Verify(http.Header{}, nil), "hostaway: verify: unauthorized: verifier has no credentials", verify.ErrUnauthorized},
		"foreign verifier":            {receive(foreign, http.Header{}, `{}`), "hostaway: verify: missing signature: header X-Sig", verify.ErrMissingSignature},
		"foreign account":             {foreignAccount, "hostaway: verify: delivery is for another account: event reservation.created", hostaway.ErrForeignAccount},
		"parse garbage":               {parseErr, "hostaway: parse: envelope: invalid JSON at byte 1", event.ErrMalformed},
		"receive garbage":             {receive(unverified, http.Header{}, "garbage"), "hostaway: parse: envelope: invalid JSON at byte 1", event.ErrMalformed},
		"receive array":               {receive(unverified, http.Header{}, "[]"), "hostaway: parse: envelope: a JSON array where an object belongs", event.ErrMalformed},
		"receive unnamed":             {receive(unverified, http.Header{}, "{}"), "hostaway: parse: envelope has no event, object or test data", event.ErrMalformed},
		"receive name not a string":   {receive(unverified, http.Header{}, `{"event":1}`), "hostaway: parse: event is not a JSON string", event.ErrMalformed},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.EqualError(t, tt.err, tt.want)
			require.True(t, errors.Is(tt.err, tt.is), "errors.Is(%v, %v)", tt.err, tt.is)
		})
	}
}
