package verify

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Verifier authenticates one delivery from its headers and exact body bytes.
//
// Verify returns nil when the delivery is authentic, and otherwise an error that
// wraps one of this package's sentinels. Implementations are safe for
// concurrent use.
type Verifier interface {
	Verify(h http.Header, body []byte) error
}

// HeaderVerifier checks what can be checked of a delivery before its body is
// read, so that a server can refuse an unauthenticated request without
// buffering its body (see ReadBody).
//
// VerifyHeader returns an error wrapping one of this package's sentinels when
// the headers alone already show that Verify would fail. A nil error does NOT
// mean the delivery is authentic: for a signature over the body it only means
// that a well-formed signature is present, so Verify must still run on the
// body. Whenever Verify(h, body) returns nil for some body, VerifyHeader(h)
// returns nil too. Implementations are safe for concurrent use.
type HeaderVerifier interface {
	VerifyHeader(h http.Header) error
}

// Signer produces what a provider would send: it sets on h the header that
// authenticates body. It exists for tests and local tools, so that a request
// built in a test passes the matching Verifier.
type Signer interface {
	Sign(h http.Header, body []byte)
}

// Credentials is one HTTP Basic user and password pair.
type Credentials struct {
	User     string
	Password string
}

// AnyOf returns a Verifier that accepts a delivery when any of vs accepts it,
// trying them in order. Nil entries are ignored. With no verifier at all every
// delivery is rejected with ErrUnauthorized: AnyOf fails closed.
//
// When every verifier rejects the delivery, the error joins their errors, so
// errors.Is finds each of their sentinels.
//
// The returned value also implements HeaderVerifier: its VerifyHeader passes
// when any of vs passes, a verifier that is not a HeaderVerifier counting as
// passing (it can only be judged with the body), and otherwise joins their
// errors as Verify does.
//
// The returned value also implements Signer: it signs with the first of vs that
// is a Signer, and does nothing when none is.
func AnyOf(vs ...Verifier) Verifier {
	list := make([]Verifier, 0, len(vs))
	for _, v := range vs {
		if v != nil {
			list = append(list, v)
		}
	}
	return anyOf(list)
}

type anyOf []Verifier

func (a anyOf) Verify(h http.Header, body []byte) error {
	if len(a) == 0 {
		return fmt.Errorf("%w: no verifier configured", ErrUnauthorized)
	}
	errs := make([]error, 0, len(a))
	for _, v := range a {
		err := v.Verify(h, body)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (a anyOf) VerifyHeader(h http.Header) error {
	if len(a) == 0 {
		return fmt.Errorf("%w: no verifier configured", ErrUnauthorized)
	}
	errs := make([]error, 0, len(a))
	for _, v := range a {
		hv, ok := v.(HeaderVerifier)
		if !ok {
			return nil
		}
		err := hv.VerifyHeader(h)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (a anyOf) Sign(h http.Header, body []byte) {
	for _, v := range a {
		if s, ok := v.(Signer); ok {
			s.Sign(h, body)
			return
		}
	}
}

// Unverified returns a Verifier that accepts every delivery without checking
// anything. It is meant for local tools that inspect captured bodies; a server
// that uses it accepts forged deliveries from anyone. It also implements
// HeaderVerifier, whose VerifyHeader accepts every header, and Signer, whose
// Sign does nothing.
func Unverified() Verifier { return unverified{} }

type unverified struct{}

func (unverified) Verify(http.Header, []byte) error { return nil }
func (unverified) VerifyHeader(http.Header) error   { return nil }
func (unverified) Sign(http.Header, []byte)         {}

// space is the white space a configured secret may not start or end with, and
// the white space Token trims from a received value: what a secrets file, a
// shell or a copy and paste adds. Vertical tab and form feed are left out, so
// that binary HMAC keys such as those of RFC 2202 stay usable.
const space = " \t\r\n"

// checkSecret applies the package's rule for configured secrets to s, the
// i-th of what (such as "HMAC secret"): empty or only white space wraps
// ErrNoSecret, leading or trailing white space wraps ErrSecretWhitespace. The
// error names what and i, never s.
func checkSecret(what string, i int, s string) error {
	trimmed := strings.Trim(s, space)
	if trimmed == "" {
		return fmt.Errorf("%w: %s %d is empty or only white space", ErrNoSecret, what, i)
	}
	if len(trimmed) != len(s) {
		return fmt.Errorf("%w: %s %d; trim it", ErrSecretWhitespace, what, i)
	}
	return nil
}
