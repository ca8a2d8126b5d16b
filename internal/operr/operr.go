// Package operr gives the errors of the provider packages their one shape,
// "<pkg>: <operation>: <cause>", without the stutter of a cause that already
// names the package or the operation ("hostaway: receive: hostaway: verify:
// …", "propexo: verify: verify: …").
//
// It has no public contract: the provider packages return its errors as
// plain error values, checkable with errors.Is and errors.As through Unwrap.
package operr

import "strings"

// Wrap returns err as "<pkg>: <op>: <cause>", where cause is the text of err
// without the prefixes it may already carry, in this order: "<pkg>: ",
// "<op>: " and "verify: " (the prefix of the verify package's sentinels, so
// that verify.ErrUnauthorized reads "ownerrez: verify: unauthorized: …" and
// verify.ErrNoSecret "ownerrez: new verifier: no secret configured: …").
// The result unwraps to err. Wrap returns nil for a nil err.
func Wrap(pkg, op string, err error) error {
	if err == nil {
		return nil
	}
	cause := err.Error()
	cause = strings.TrimPrefix(cause, pkg+": ")
	cause = strings.TrimPrefix(cause, op+": ")
	cause = strings.TrimPrefix(cause, "verify: ")
	return &wrapped{text: pkg + ": " + op + ": " + cause, err: err}
}

// wrapped is an error of Wrap.
type wrapped struct {
	text string
	err  error
}

func (e *wrapped) Error() string { return e.text }

func (e *wrapped) Unwrap() error { return e.err }
