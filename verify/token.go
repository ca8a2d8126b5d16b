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
// header to each webhook). It implements Verifier and Signer and is safe for
// concurrent use.
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
// holds an empty token, and with a plain error when header is empty.
func NewToken(header string, tokens ...string) (*Token, error) {
	if strings.TrimSpace(header) == "" {
		return nil, fmt.Errorf("verify: token header name is empty")
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("%w: token header needs at least one token", ErrNoSecret)
	}
	t := &Token{header: http.CanonicalHeaderKey(header), first: tokens[0]}
	for i, tok := range tokens {
		if strings.TrimSpace(tok) == "" {
			return nil, fmt.Errorf("%w: token %d is empty", ErrNoSecret, i)
		}
		t.tokens = append(t.tokens, sha256.Sum256([]byte(tok)))
	}
	return t, nil
}

// Header returns the canonical name of the header that carries the token.
func (t *Token) Header() string { return t.header }

// Verify checks t's header in h. The body is not used. It returns an error
// wrapping ErrUnauthorized when the header is absent, empty or matches no
// configured token. Surrounding white space is ignored.
func (t *Token) Verify(h http.Header, _ []byte) error {
	value := strings.TrimSpace(h.Get(t.header))
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

// Sign sets t's header on h to the first configured token.
func (t *Token) Sign(h http.Header, _ []byte) { h.Set(t.header, t.first) }
