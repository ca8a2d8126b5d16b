package verify

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// Basic verifies HTTP Basic credentials in the Authorization header against one
// or more configured pairs. It implements Verifier, HeaderVerifier and Signer
// and is safe for concurrent use.
//
// User and password are compared as SHA-256 digests with
// crypto/subtle.ConstantTimeCompare, so the comparison takes the same time
// whatever their lengths, and every configured pair is compared even after a
// match.
type Basic struct {
	creds []basicDigest
	first Credentials
}

type basicDigest struct {
	user, password [sha256.Size]byte
}

// NewBasic returns a Basic verifier that accepts any of creds. It fails with an
// error wrapping ErrNoSecret when creds is empty or a pair has a user or
// password that is empty or only white space, with an error wrapping
// ErrSecretWhitespace when a user or password starts or ends with white space
// (a trailing newline from a secrets file, say: trim it, since Basic carries
// white space exactly and a trimmed delivery would never match), and with a
// plain error when a user contains a colon, which Basic authentication cannot
// carry (RFC 7617). No error contains a user or password.
func NewBasic(creds ...Credentials) (*Basic, error) {
	if len(creds) == 0 {
		return nil, fmt.Errorf("%w: Basic auth needs at least one credential pair", ErrNoSecret)
	}
	b := &Basic{first: creds[0]}
	for i, c := range creds {
		if err := checkSecret("Basic user of pair", i, c.User); err != nil {
			return nil, err
		}
		if err := checkSecret("Basic password of pair", i, c.Password); err != nil {
			return nil, err
		}
		if strings.Contains(c.User, ":") {
			return nil, fmt.Errorf("verify: Basic credential pair %d has a colon in its user", i)
		}
		b.creds = append(b.creds, basicDigest{
			user:     sha256.Sum256([]byte(c.User)),
			password: sha256.Sum256([]byte(c.Password)),
		})
	}
	return b, nil
}

// Verify checks the Authorization header of h. The body is not used. It returns
// an error wrapping ErrUnauthorized when the header is missing, is not Basic, is
// malformed, or carries credentials that match no configured pair.
func (b *Basic) Verify(h http.Header, _ []byte) error {
	var buf [basicBuffer]byte // the decoded credentials stay on the stack
	user, password, ok := parseBasic(h.Get("Authorization"), buf[:])
	if !ok {
		return fmt.Errorf("%w: no Basic credentials", ErrUnauthorized)
	}
	u := sha256.Sum256(user)
	p := sha256.Sum256(password)
	match := 0
	for _, c := range b.creds {
		match |= subtle.ConstantTimeCompare(u[:], c.user[:]) & subtle.ConstantTimeCompare(p[:], c.password[:])
	}
	if match == 0 {
		return fmt.Errorf("%w: Basic credentials do not match", ErrUnauthorized)
	}
	return nil
}

// VerifyHeader implements HeaderVerifier. Basic credentials are all in the
// header, so it is the full check: it returns what Verify returns.
func (b *Basic) VerifyHeader(h http.Header) error { return b.Verify(h, nil) }

// Sign sets the Authorization header of h to the first configured pair.
func (b *Basic) Sign(h http.Header, _ []byte) {
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(b.first.User+":"+b.first.Password)))
}

// basicBuffer is the room on the stack for decoded Basic credentials; longer
// ones are decoded on the heap.
const basicBuffer = 256

// parseBasic is net/http's Request.BasicAuth over a header value, decoding
// into buf when the credentials fit. user and password are sub-slices of
// buf or of a new slice.
func parseBasic(auth string, buf []byte) (user, password []byte, ok bool) {
	const prefix = "Basic "
	if len(auth) < len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return nil, nil, false
	}
	enc := strings.TrimSpace(auth[len(prefix):])
	raw := buf
	if n := base64.StdEncoding.DecodedLen(len(enc)); n > len(raw) {
		raw = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(raw, []byte(enc))
	if err != nil {
		return nil, nil, false
	}
	user, password, ok = bytes.Cut(raw[:n], []byte(":"))
	return user, password, ok
}
