package verify

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
)

// Token verifies a shared secret carried verbatim in one request header, the
// scheme of providers that do not sign (Channex lets the user add a secret
// header to each webhook). It implements Verifier, HeaderVerifier and Signer
// and is safe for concurrent use.
//
// Tokens are compared as SHA-256 digests in constant time, and every configured
// token is compared even after a match.
type Token struct {
	header string
	tokens [][sha256.Size]byte
	first  string
}

// NewToken returns a Token verifier that reads header and accepts any of
// tokens. It fails with an error wrapping ErrNoSecret when tokens is empty or
// holds a token that is empty or only white space, with an error wrapping
// ErrSecretWhitespace when a token starts or ends with white space (space,
// tab, CR or LF; a trailing newline from a secrets file, say), and with a
// plain error when header is empty. Such a token is refused rather than
// trimmed because it could never match: Verify trims the received value. No
// error contains a token.
func NewToken(header string, tokens ...string) (*Token, error) {
	if strings.TrimSpace(header) == "" {
		return nil, fmt.Errorf("verify: token header name is empty")
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("%w: token header needs at least one token", ErrNoSecret)
	}
	t := &Token{header: http.CanonicalHeaderKey(header), first: tokens[0]}
	for i, tok := range tokens {
		if err := checkSecret("token", i, tok); err != nil {
			return nil, err
		}
		t.tokens = append(t.tokens, sha256.Sum256([]byte(tok)))
	}
	return t, nil
}

// Header returns the canonical name of the header that carries the token.
func (t *Token) Header() string { return t.header }

// Verify checks t's header in h. The body is not used. It returns an error
// wrapping ErrUnauthorized when the header is absent, empty or matches no
// configured token. Surrounding white space (space, tab, CR, LF) is ignored.
func (t *Token) Verify(h http.Header, _ []byte) error {
	value := strings.Trim(h.Get(t.header), space)
	if value == "" {
		return fmt.Errorf("%w: header %s is missing", ErrUnauthorized, t.header)
	}
	got := sha256.Sum256([]byte(value))
	match := 0
	for _, want := range t.tokens {
		match |= subtle.ConstantTimeCompare(got[:], want[:])
	}
	if match == 0 {
		return fmt.Errorf("%w: header %s matches no configured token", ErrUnauthorized, t.header)
	}
	return nil
}

// VerifyHeader implements HeaderVerifier. A token is all in the header, so it
// is the full check: it returns what Verify returns.
func (t *Token) VerifyHeader(h http.Header) error { return t.Verify(h, nil) }

// Sign sets t's header on h to the first configured token.
func (t *Token) Sign(h http.Header, _ []byte) { h.Set(t.header, t.first) }
