// Package receive holds the glue every provider's Receiver shares, so that
// the five packages behave, and word their errors, alike.
package receive

import (
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/operr"
	"github.com/pmshooks/pmshooks/verify"
)

// VerifyHeader is a provider Receiver's VerifyHeader: it runs v's checks
// that need no body when v is a verify.HeaderVerifier, and returns nil when
// it is not. A nil v (a Receiver not made by its constructor) fails with an
// error wrapping verify.ErrUnauthorized. Errors read "<pkg>: verify: …", as
// the Receiver's other authentication errors do.
func VerifyHeader(pkg string, v verify.Verifier, h http.Header) error {
	if v == nil {
		return operr.Wrap(pkg, "verify", fmt.Errorf("%w: receiver has no verifier", verify.ErrUnauthorized))
	}
	hv, ok := v.(verify.HeaderVerifier)
	if !ok {
		return nil
	}
	return operr.Wrap(pkg, "verify", hv.VerifyHeader(h))
}
