package bookingsync

import (
	"crypto/sha1"
	"encoding/base64"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/operr"
	"github.com/pmshooks/pmshooks/verify"
)

// SignatureHeader is the request header that carries a delivery's signature.
const SignatureHeader = "X-Content-Signature"

// UserAgent is the User-Agent BookingSync documents for its deliveries. It is
// informative only: anyone can send it, so it authenticates nothing.
const UserAgent = "BookingSync Webhook Delivery"

var (
	_ verify.Verifier       = (*Verifier)(nil)
	_ verify.HeaderVerifier = (*Verifier)(nil)
	_ verify.Signer         = (*Verifier)(nil)
)

// Verifier checks the X-Content-Signature of BookingSync deliveries: the
// lowercase hex HMAC-SHA1, keyed by the OAuth application's client secret, of
// Ruby's Base64.encode64 of the exact body (standard alphabet, a newline after
// every 60 characters and at the end, empty for an empty body).
//
// Verify also accepts the signature of the strict Base64 form (no newlines),
// as BookingSync's own bookingsync_application receiver does; Sign always
// produces the documented newline form. Signatures are compared in constant
// time against every configured secret.
//
// Verifier implements verify.Verifier, verify.HeaderVerifier and
// verify.Signer and is safe for concurrent use. Make one with NewVerifier: the zero Verifier has no secret
// and rejects every delivery.
type Verifier struct {
	hmac *verify.HMAC
}

// NewVerifier returns a Verifier that accepts signatures made with any of
// secrets, the application's client secrets with the current one first (give
// the old and the new one while rotating). It fails with an error wrapping
// verify.ErrNoSecret when secrets is empty or holds a string that is empty or
// only white space, and with an error wrapping verify.ErrSecretWhitespace
// when a secret starts or ends with white space (space, tab, CR or LF, such
// as the trailing newline of a secrets file): trim what you read. Errors
// never contain a secret.
func NewVerifier(secrets ...string) (*Verifier, error) {
	h, err := verify.NewHMAC(verify.HMACConfig{
		Header:     SignatureHeader,
		Hash:       sha1.New,
		Encoding:   verify.Hex,
		Message:    encode64,
		AlsoAccept: []verify.MessageFunc{strictEncode64},
		Secrets:    secrets,
	})
	if err != nil {
		return nil, operr.Wrap("bookingsync", "new verifier", err)
	}
	return &Verifier{hmac: h}, nil
}

// Verify checks the X-Content-Signature header of h against body. It returns
// an error wrapping verify.ErrMissingSignature when the header is absent or
// empty, and verify.ErrInvalidSignature when it is malformed or matches no
// configured secret in either Base64 form. The body must be the exact bytes
// received.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	if v == nil || v.hmac == nil {
		return operr.Wrap("bookingsync", "verify", verify.ErrNoSecret)
	}
	if err := v.hmac.Verify(h, body); err != nil {
		return operr.Wrap("bookingsync", "verify", err)
	}
	return nil
}

// VerifyHeader implements verify.HeaderVerifier: it checks that h carries a
// well-formed X-Content-Signature (40 hex digits) without computing any MAC,
// so that a server can refuse a delivery before reading its body. It returns
// an error wrapping verify.ErrMissingSignature or verify.ErrInvalidSignature
// exactly when Verify would fail whatever the body. A nil error does not
// mean the delivery is authentic: Verify must still check the body.
func (v *Verifier) VerifyHeader(h http.Header) error {
	if v == nil || v.hmac == nil {
		return operr.Wrap("bookingsync", "verify", verify.ErrNoSecret)
	}
	if err := v.hmac.VerifyHeader(h); err != nil {
		return operr.Wrap("bookingsync", "verify", err)
	}
	return nil
}

// Sign sets the X-Content-Signature header of h to the signature of body
// made with the first secret over the newline form, as BookingSync sends it.
// The zero Verifier signs nothing.
func (v *Verifier) Sign(h http.Header, body []byte) {
	if v == nil || v.hmac == nil {
		return
	}
	v.hmac.Sign(h, body)
}

// lineBytes is how many body bytes Ruby's Base64.encode64 puts on one line:
// 45 bytes encode to 60 characters.
const lineBytes = 45

// encode64 returns what Ruby's Base64.encode64 (Array#pack("m")) returns for
// b: standard Base64 with padding, split into lines of 60 characters, every
// line (the last one too) ending in "\n"; an empty b gives an empty text. It
// allocates the result once, at its exact size.
func encode64(b []byte) []byte {
	full, rest := len(b)/lineBytes, len(b)%lineBytes
	size := full * (base64.StdEncoding.EncodedLen(lineBytes) + 1)
	if rest > 0 {
		size += base64.StdEncoding.EncodedLen(rest) + 1
	}
	out := make([]byte, size)
	o := 0
	for len(b) > 0 {
		chunk := b[:min(lineBytes, len(b))]
		b = b[len(chunk):]
		base64.StdEncoding.Encode(out[o:], chunk)
		o += base64.StdEncoding.EncodedLen(len(chunk))
		out[o] = '\n'
		o++
	}
	return out
}

// strictEncode64 returns what Ruby's Base64.strict_encode64 returns for b:
// standard Base64 with padding and no newline.
func strictEncode64(b []byte) []byte {
	out := make([]byte, base64.StdEncoding.EncodedLen(len(b)))
	base64.StdEncoding.Encode(out, b)
	return out
}
