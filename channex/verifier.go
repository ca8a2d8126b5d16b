package channex

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pmshooks/pmshooks/internal/operr"
	"github.com/pmshooks/pmshooks/verify"
)

// SuggestedHeader is the secret header name Channex's documentation uses as
// its example ("X-Channex-Webhook-Secret: your-random-secret"). Channex
// sends whatever headers the webhook's Headers map holds, so any header
// name works; this one is only a sensible default.
const SuggestedHeader = "X-Channex-Webhook-Secret"

var (
	_ verify.Verifier       = (*Verifier)(nil)
	_ verify.HeaderVerifier = (*Verifier)(nil)
	_ verify.Signer         = (*Verifier)(nil)
)

// Verifier authenticates Channex deliveries by a shared secret header.
// Channex signs nothing: it adds the headers configured on the webhook (its
// "headers" field, Subscription.Headers) to every delivery, so the secret
// is one such header and Verifier checks its value. The body is not
// checked.
//
// Verifier implements verify.Verifier, verify.HeaderVerifier and
// verify.Signer and is safe for concurrent use. The zero Verifier rejects
// every delivery.
type Verifier struct {
	token *verify.Token
}

// NewVerifier returns a Verifier that reads header and accepts any of
// tokens, so that the secret can be rotated without downtime: accept the
// old and the new token, update the webhook's Headers, then drop the old
// one.
//
// It fails closed, with an error wrapping verify.ErrNoSecret, when tokens is
// empty or holds a token that is empty or only white space, and with an
// error when header is empty or not a valid HTTP header name. A token that
// starts or ends with white space (space, tab, CR or LF, such as the
// trailing newline of a secrets file) is refused with an error wrapping
// verify.ErrSecretWhitespace: it could never match, since the value
// received is trimmed, so trim it where you read it. Errors never contain a
// token.
func NewVerifier(header string, tokens ...string) (*Verifier, error) {
	if !validHeaderName(header) {
		return nil, fmt.Errorf("channex: new verifier: %q is not a valid header name", header)
	}
	t, err := verify.NewToken(header, tokens...)
	if err != nil {
		return nil, operr.Wrap("channex", "new verifier", err)
	}
	return &Verifier{token: t}, nil
}

// Header returns the canonical name of the header that carries the secret,
// or "" for the zero Verifier.
func (v *Verifier) Header() string {
	if v == nil || v.token == nil {
		return ""
	}
	return v.token.Header()
}

// Verify checks the secret header of h against every configured token in
// constant time. It returns an error wrapping verify.ErrUnauthorized when
// the header is missing, empty or matches no token. The body is not used.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	if v == nil || v.token == nil {
		return operr.Wrap("channex", "verify", fmt.Errorf("%w: no token configured", verify.ErrUnauthorized))
	}
	if err := v.token.Verify(h, body); err != nil {
		return operr.Wrap("channex", "verify", err)
	}
	return nil
}

// VerifyHeader implements verify.HeaderVerifier. The token is all in the
// header, so it is the full check, and returns what Verify returns: a
// server can refuse a delivery before reading its body.
func (v *Verifier) VerifyHeader(h http.Header) error { return v.Verify(h, nil) }

// Sign sets the secret header on h to the first configured token, as
// Channex would, for tests and local tools. The zero Verifier sets nothing.
func (v *Verifier) Sign(h http.Header, body []byte) {
	if v == nil || v.token == nil {
		return
	}
	v.token.Sign(h, body)
}

// validHeaderName reports whether name is a non-empty RFC 9110 token, the
// only header names an HTTP client can send.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
