package verify

import "errors"

// Errors returned by the verifiers and by ReadBody. They are wrapped with
// context; test for them with errors.Is. Their text never contains a secret, a
// MAC or body bytes.
var (
	// ErrMissingSignature means the header that should carry the signature is
	// absent or empty.
	ErrMissingSignature = errors.New("verify: missing signature")

	// ErrInvalidSignature means a signature was present but is malformed or
	// matches none of the configured secrets.
	ErrInvalidSignature = errors.New("verify: invalid signature")

	// ErrUnauthorized means HTTP Basic credentials or a shared token were
	// missing, malformed or matched none of the configured ones.
	ErrUnauthorized = errors.New("verify: unauthorized")

	// ErrNoSecret is returned by constructors given no secret, or a secret,
	// token, user or password that is empty or only white space.
	ErrNoSecret = errors.New("verify: no secret configured")

	// ErrSecretWhitespace is returned by constructors given a secret, token,
	// user or password that starts or ends with white space (space, tab, CR or
	// LF), such as the trailing newline of a secrets file. It is refused
	// rather than trimmed: see the package documentation.
	ErrSecretWhitespace = errors.New("verify: secret has leading or trailing white space")

	// ErrBodyTooLarge is returned by ReadBody when the body exceeds the limit.
	ErrBodyTooLarge = errors.New("verify: body too large")
)
