package hostaway

import (
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/operr"
	"github.com/pmshooks/pmshooks/verify"
)

var (
	_ verify.Verifier       = (*Verifier)(nil)
	_ verify.HeaderVerifier = (*Verifier)(nil)
	_ verify.Signer         = (*Verifier)(nil)
)

// Verifier authenticates Hostaway deliveries by HTTP Basic auth: Hostaway
// signs nothing, but sends the login and password set on the unified webhook
// in the Authorization header. It implements verify.Verifier,
// verify.HeaderVerifier and verify.Signer and is safe for concurrent use.
//
// Basic auth proves who sent a delivery, not that its body is intact: it does
// not cover the body, so only accept deliveries over HTTPS.
type Verifier struct {
	basic *verify.Basic
}

// NewVerifier returns a Verifier that accepts any of creds, the login and
// password pairs set on the unified webhook; several pairs allow rotating
// the password without downtime. It fails closed: no pair, or a pair with an
// empty login or password, is an error wrapping verify.ErrNoSecret. A login
// with a colon cannot be sent by Basic auth and is an error too.
//
// A login or password that is only white space counts as empty, and one that
// starts or ends with white space (space, tab, CR or LF, such as the trailing
// newline of a secrets file) is refused with an error wrapping
// verify.ErrSecretWhitespace: trim what you read. Errors never contain a
// login or password.
func NewVerifier(creds ...verify.Credentials) (*Verifier, error) {
	b, err := verify.NewBasic(creds...)
	if err != nil {
		return nil, operr.Wrap("hostaway", "new verifier", err)
	}
	return &Verifier{basic: b}, nil
}

// Verify checks the Authorization header of h in constant time; the body is
// not used. A missing, malformed or unknown credential gives an error
// wrapping verify.ErrUnauthorized, and so does every call on a Verifier not
// made by NewVerifier.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	if v == nil || v.basic == nil {
		return operr.Wrap("hostaway", "verify", fmt.Errorf("%w: verifier has no credentials", verify.ErrUnauthorized))
	}
	if err := v.basic.Verify(h, body); err != nil {
		return operr.Wrap("hostaway", "verify", err)
	}
	return nil
}

// VerifyHeader implements verify.HeaderVerifier. The credentials are all in
// the header, so it is the full check, and returns what Verify returns: a
// server can refuse a delivery before reading its body.
func (v *Verifier) VerifyHeader(h http.Header) error { return v.Verify(h, nil) }

// Sign sets on h the Authorization header Hostaway would send, with the first
// configured pair. On a Verifier not made by NewVerifier it does nothing.
func (v *Verifier) Sign(h http.Header, body []byte) {
	if v != nil && v.basic != nil {
		v.basic.Sign(h, body)
	}
}
