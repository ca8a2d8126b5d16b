package bookingsync_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/verify"
)

// TestReceiver_errorText checks the text of every kind of error the package
// returns: one shape, "bookingsync: <operation>: <cause>", never a package or an
// operation twice, and each error still matches its sentinel.
func TestReceiver_errorText(t *testing.T) {
	t.Parallel()
	receive := func(v verify.Verifier, h http.Header, body string) error {
		t.Helper()
		r, err := bookingsync.NewReceiver(v)
		require.NoError(t, err)
		_, err = r.Receive(h, []byte(body))
		return err
	}
	own, err := bookingsync.NewVerifier("secret")
	require.NoError(t, err)
	foreign, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"s"}})
	require.NoError(t, err)
	unverified := verify.Unverified()
	_, noSecret := bookingsync.NewVerifier()
	_, parseErr := bookingsync.Parse([]byte("garbage"))

	tests := map[string]struct {
		err  error
		want string
		is   error
	}{
		"no signature":                {receive(own, http.Header{}, `{}`), "bookingsync: verify: missing signature: header X-Content-Signature", verify.ErrMissingSignature},
		"wrong signature":             {receive(own, http.Header{bookingsync.SignatureHeader: {"00"}}, `{}`), "bookingsync: verify: invalid signature: header X-Content-Signature has the wrong length for hex", verify.ErrInvalidSignature},
		"new verifier without secret": {noSecret, "bookingsync: new verifier: no secret configured: HMAC needs at least one secret", verify.ErrNoSecret},
		"zero verifier":               {new(bookingsync.Verifier).Verify(http.Header{}, nil), "bookingsync: verify: no secret configured", verify.ErrNoSecret},
		"foreign verifier":            {receive(foreign, http.Header{}, `{}`), "bookingsync: verify: missing signature: header X-Sig", verify.ErrMissingSignature},
		"parse garbage":               {parseErr, "bookingsync: parse: body: invalid JSON at byte 1", event.ErrMalformed},
		"receive garbage":             {receive(unverified, http.Header{}, "garbage"), "bookingsync: parse: body: invalid JSON at byte 1", event.ErrMalformed},
		"receive array":               {receive(unverified, http.Header{}, "[]"), "bookingsync: parse: body is not a JSON object", event.ErrMalformed},
		"receive unnamed":             {receive(unverified, http.Header{}, "{}"), "bookingsync: parse: event is missing", event.ErrMalformed},
		"receive name not a string":   {receive(unverified, http.Header{}, `{"event":1}`), "bookingsync: parse: event is not a JSON string", event.ErrMalformed},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.EqualError(t, tt.err, tt.want)
			require.True(t, errors.Is(tt.err, tt.is), "errors.Is(%v, %v)", tt.err, tt.is)
		})
	}
}
