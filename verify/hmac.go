package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strings"
)

// Encoding is how a MAC is written into its header.
type Encoding int

const (
	// Hex is lowercase hexadecimal. Verification also accepts upper case.
	Hex Encoding = iota
	// Base64 is standard Base64 with padding (RFC 4648 section 4).
	Base64
)

// String returns "hex" or "base64".
func (e Encoding) String() string {
	switch e {
	case Hex:
		return "hex"
	case Base64:
		return "base64"
	default:
		return fmt.Sprintf("Encoding(%d)", int(e))
	}
}

// MessageFunc derives the signed message from the exact body bytes. Most
// providers sign the body itself; BookingSync signs a Base64 text of it.
type MessageFunc func(body []byte) []byte

// HMACConfig configures an HMAC verifier. Its zero value is not usable: Header
// and at least one secret are required.
type HMACConfig struct {
	// Header is the request header that carries the signature. Required.
	Header string

	// Hash makes the hash function, e.g. sha1.New or sha256.New.
	// Nil means sha256.New.
	Hash func() hash.Hash

	// Encoding is how the MAC is written in the header. The zero value is Hex.
	Encoding Encoding

	// Prefix, when set, stands before the encoded MAC in the header (such as
	// "sha256="). A signature without it is rejected.
	Prefix string

	// Message derives the signed message from the body. Nil means the body.
	// Signing always uses it.
	Message MessageFunc

	// AlsoAccept lists other derivations of the message that verification
	// accepts besides Message; signing never uses them. They are computed
	// only for a signature that Message matches with no secret. BookingSync
	// uses it to accept the strict Base64 form as well as Ruby's
	// line-wrapped one.
	AlsoAccept []MessageFunc

	// Secrets are the keys, the current one first. Verification accepts a
	// signature made with any of them; signing uses the first. At least one is
	// required; none may be empty, only white space, or start or end with
	// white space (space, tab, CR or LF).
	Secrets []string
}

// HMAC verifies and produces HMAC signatures carried in one header. It
// implements Verifier, HeaderVerifier and Signer and is safe for concurrent
// use.
type HMAC struct {
	header     string
	hash       func() hash.Hash
	size       int
	encoding   Encoding
	prefix     string
	messages   []MessageFunc // messages[0] signs
	secrets    [][]byte
	maxEncoded int
}

// NewHMAC returns an HMAC verifier for cfg. It fails with an error wrapping
// ErrNoSecret when cfg has no secret or one that is empty or only white space,
// with an error wrapping ErrSecretWhitespace when a secret starts or ends with
// white space (space, tab, CR or LF; a trailing newline from a secrets file,
// say), and with a plain error when Header is empty or Encoding unknown. Such
// a secret is refused rather than trimmed: the white space may belong to the
// real key, and a wrong key would only show as every delivery failing. No
// error contains a secret. It copies what it needs from cfg.
func NewHMAC(cfg HMACConfig) (*HMAC, error) {
	if strings.TrimSpace(cfg.Header) == "" {
		return nil, fmt.Errorf("verify: HMAC header name is empty")
	}
	if cfg.Encoding != Hex && cfg.Encoding != Base64 {
		return nil, fmt.Errorf("verify: unknown HMAC encoding %d", int(cfg.Encoding))
	}
	if len(cfg.Secrets) == 0 {
		return nil, fmt.Errorf("%w: HMAC needs at least one secret", ErrNoSecret)
	}
	v := &HMAC{
		header:   http.CanonicalHeaderKey(cfg.Header),
		hash:     cfg.Hash,
		encoding: cfg.Encoding,
		prefix:   cfg.Prefix,
	}
	if v.hash == nil {
		v.hash = sha256.New
	}
	v.size = v.hash().Size()
	for i, s := range cfg.Secrets {
		if err := checkSecret("HMAC secret", i, s); err != nil {
			return nil, err
		}
		v.secrets = append(v.secrets, []byte(s))
	}
	msg := cfg.Message
	if msg == nil {
		msg = identity
	}
	v.messages = append(v.messages, msg)
	for _, m := range cfg.AlsoAccept {
		if m != nil {
			v.messages = append(v.messages, m)
		}
	}
	switch v.encoding {
	case Hex:
		v.maxEncoded = hex.EncodedLen(v.size)
	case Base64:
		v.maxEncoded = base64.StdEncoding.EncodedLen(v.size)
	}
	return v, nil
}

func identity(body []byte) []byte { return body }

// Header returns the canonical name of the header that carries the signature.
func (v *HMAC) Header() string { return v.header }

// Verify checks the signature in v's header against every configured secret and
// every accepted message derivation. It returns an error wrapping
// ErrMissingSignature when the header is absent or empty, and
// ErrInvalidSignature when the signature is malformed or matches none.
//
// Surrounding white space in the header value is ignored. Every secret is tried
// even after a match, so timing does not reveal which one matched. The
// message derivations are tried in order, and a later one only when the
// earlier ones matched no secret: which form of the body was signed is no
// secret, and a delivery in the primary form costs one MAC per secret.
func (v *HMAC) Verify(h http.Header, body []byte) error {
	var buf [macBuffer]byte // the decoded header stays on the stack
	got, err := v.signature(h, buf[:])
	if err != nil {
		return err
	}

	match := 0
	want := make([]byte, 0, v.size)
	for _, derive := range v.messages {
		msg := derive(body)
		for _, secret := range v.secrets {
			mac := hmac.New(v.hash, secret)
			mac.Write(msg)
			want = mac.Sum(want[:0])
			// Accumulate without branching on the result: every secret is
			// always tried, whichever matched.
			if hmac.Equal(got, want) {
				match |= 1
			}
		}
		if match != 0 {
			break
		}
	}
	if match == 0 {
		return fmt.Errorf("%w: header %s matches no configured secret", ErrInvalidSignature, v.header)
	}
	return nil
}

// VerifyHeader implements HeaderVerifier: it checks that v's header holds a
// well-formed signature (the prefix, then a MAC of the hash's size in v's
// encoding) without computing any MAC. It returns an error wrapping
// ErrMissingSignature or ErrInvalidSignature exactly when Verify would fail
// before looking at the body. A nil error does not mean the delivery is
// authentic: Verify must still check the signature against the body.
func (v *HMAC) VerifyHeader(h http.Header) error {
	var buf [macBuffer]byte
	_, err := v.signature(h, buf[:])
	return err
}

// macBuffer is room for the decoded MAC of any hash up to SHA-512 in either
// encoding (Base64's DecodedLen of a 64-byte MAC is 66).
const macBuffer = 96

// signature returns the MAC carried by v's header in h, decoded into buf
// when it fits, or an error wrapping ErrMissingSignature or
// ErrInvalidSignature when it is absent or malformed.
func (v *HMAC) signature(h http.Header, buf []byte) ([]byte, error) {
	value := strings.TrimSpace(h.Get(v.header))
	if value == "" {
		return nil, fmt.Errorf("%w: header %s", ErrMissingSignature, v.header)
	}
	if v.prefix != "" {
		rest, ok := strings.CutPrefix(value, v.prefix)
		if !ok {
			return nil, fmt.Errorf("%w: header %s lacks its prefix", ErrInvalidSignature, v.header)
		}
		value = rest
	}
	if len(value) != v.maxEncoded {
		return nil, fmt.Errorf("%w: header %s has the wrong length for %s", ErrInvalidSignature, v.header, v.encoding)
	}
	got, ok := v.decode(value, buf)
	if !ok {
		return nil, fmt.Errorf("%w: header %s is not %s", ErrInvalidSignature, v.header, v.encoding)
	}
	return got, nil
}

// Sign sets v's header on h to the signature of body made with the first
// secret and the primary message derivation, with the prefix if any.
func (v *HMAC) Sign(h http.Header, body []byte) {
	h.Set(v.header, v.prefix+v.encode(v.mac(v.secrets[0], v.messages[0](body))))
}

func (v *HMAC) mac(secret, msg []byte) []byte {
	m := hmac.New(v.hash, secret)
	m.Write(msg)
	return m.Sum(nil)
}

// decode returns the MAC written in value, decoded into buf when it fits,
// and false when value is not a MAC of v's size in v's encoding.
func (v *HMAC) decode(value string, buf []byte) ([]byte, bool) {
	var (
		got []byte
		n   int
		err error
	)
	room := func(size int) []byte {
		if size <= len(buf) {
			return buf[:size]
		}
		return make([]byte, size)
	}
	switch v.encoding {
	case Hex:
		got = room(hex.DecodedLen(len(value)))
		n, err = hex.Decode(got, []byte(value))
	case Base64:
		got = room(base64.StdEncoding.DecodedLen(len(value)))
		n, err = base64.StdEncoding.Decode(got, []byte(value))
	}
	if err != nil || n != v.size {
		return nil, false
	}
	return got[:n], true
}

func (v *HMAC) encode(mac []byte) string {
	if v.encoding == Base64 {
		return base64.StdEncoding.EncodeToString(mac)
	}
	return hex.EncodeToString(mac)
}
