package ownerrez

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

// Verifier authenticates OwnerRez deliveries by HTTP Basic authentication:
// OwnerRez sends the User and Password set in the Webhooks section of the
// OAuth app (Developer/API settings) in the Authorization header of every
// delivery. OwnerRez signs nothing; the body is not checked.
//
// Verifier implements verify.Verifier, verify.HeaderVerifier and
// verify.Signer and is safe for concurrent use. The zero Verifier rejects
// every delivery.
type Verifier struct {
	basic *verify.Basic
}

// NewVerifier returns a Verifier that accepts any of creds, so that the
// app's User and Password can be changed without downtime: accept the old
// and the new pair, change them on the app, then drop the old one.
//
// It fails closed, with an error wrapping verify.ErrNoSecret, when creds is
// empty or a pair has an empty user or password, and with an error when a
// user contains a colon, which Basic authentication cannot carry.
//
// A user or password that is only white space counts as empty, and one that
// starts or ends with white space (space, tab, CR or LF, such as the trailing
// newline of a secrets file) is refused with an error wrapping
// verify.ErrSecretWhitespace: trim what you read. Errors never contain a
// user or password.
func NewVerifier(creds ...verify.Credentials) (*Verifier, error) {
	b, err := verify.NewBasic(creds...)
	if err != nil {
		return nil, operr.Wrap("ownerrez", "new verifier", err)
	}
	return &Verifier{basic: b}, nil
}

// Verify checks the Authorization header of h against every configured
// pair in constant time. It returns an error wrapping verify.ErrUnauthorized
// when the header is missing, is not Basic, is malformed or matches no pair.
// The body is not used.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	if v == nil || v.basic == nil {
		return operr.Wrap("ownerrez", "verify", fmt.Errorf("%w: no credentials configured", verify.ErrUnauthorized))
	}
	if err := v.basic.Verify(h, body); err != nil {
		return operr.Wrap("ownerrez", "verify", err)
	}
	return nil
}

// VerifyHeader implements verify.HeaderVerifier. The credentials are all in
// the header, so it is the full check, and returns what Verify returns: a
// server can refuse a delivery before reading its body.
func (v *Verifier) VerifyHeader(h http.Header) error { return v.Verify(h, nil) }

// Sign sets the Authorization header of h as OwnerRez would, with the
// first configured pair, for tests and local tools. The zero Verifier sets
// nothing.
func (v *Verifier) Sign(h http.Header, body []byte) {
	if v == nil || v.basic == nil {
		return
	}
	v.basic.Sign(h, body)
}
