// Package verify holds the authentication primitives that pmshooks' provider
// packages are built from: HMAC signatures over a message derived from the body,
// HTTP Basic credentials and shared-token headers. It knows no provider; each
// provider package composes these blocks into its own NewVerifier.
//
// Every verifier works on the exact body bytes and the request headers, so it can
// be used outside net/http (a queue, a replay tool) as well as inside it:
//
//	v, err := verify.NewHMAC(verify.HMACConfig{
//		Header:  "X-Signature",
//		Secrets: []string{currentSecret, previousSecret},
//	})
//	if err != nil {
//		return err
//	}
//	body, err := verify.ReadBody(r, verify.DefaultBodyLimit)
//	if err != nil {
//		return err
//	}
//	if err := v.Verify(r.Header, body); err != nil {
//		// errors.Is(err, verify.ErrInvalidSignature), ...
//	}
//
// # Before the body
//
// [Basic], [Token] and [HMAC] also implement [HeaderVerifier], as do the values
// of [AnyOf] and [Unverified]. Its VerifyHeader checks what the headers alone
// can show, so that a server refuses a request without credentials before it
// reads, and buffers, a body of up to the limit:
//
//	if hv, ok := v.(verify.HeaderVerifier); ok {
//		if err := hv.VerifyHeader(r.Header); err != nil {
//			return err // 401, body never read
//		}
//	}
//	body, err := verify.ReadBody(r, verify.DefaultBodyLimit)
//	...
//	err = v.Verify(r.Header, body) // still required
//
// For Basic and Token it is the full check. For HMAC it checks only that a
// well-formed signature is present: a nil error does not mean the delivery is
// authentic, and Verify must still run on the body. Whenever Verify accepts a
// delivery, VerifyHeader accepts its headers.
//
// # Safety
//
// Comparisons run in constant time and over every configured secret or
// credential, so the time a check takes reveals neither the secret nor which of
// several secrets matched. Constructors fail closed: no secret, an empty secret,
// an empty user or an empty password is an error ([ErrNoSecret]); there is no
// silent "verification off". [Unverified] exists for local tools and says so in
// its name.
//
// No error produced by this package contains a secret, a computed or received
// MAC, or any byte of the body.
//
// # Configured secrets
//
// Every constructor ([NewHMAC], [NewBasic], [NewToken], and so every provider's
// NewVerifier) applies one rule to each secret, token, user and password it is
// given. One that is empty or only white space is refused with an error
// wrapping [ErrNoSecret]. One that starts or ends with white space (space, tab,
// CR or LF), such as a secret read from a file with its trailing newline, is
// refused with an error wrapping [ErrSecretWhitespace]: trim it where it is
// read. White space inside a secret is kept.
//
// Refusing is safer than trimming. A token would never match with its white
// space, since [Token] trims the value it receives; but an HMAC key or a Basic
// password is carried exactly, so its white space might be part of the real
// secret, and guessing wrong would only show as every delivery failing.
// Refusing turns that silent failure into an error at start-up.
//
// # Key rotation
//
// Every verifier accepts several secrets or credential pairs at once. Configure
// the new and the old secret together, switch the provider to the new one, then
// drop the old one: no delivery is rejected in between. Signers always use the
// first secret.
package verify
