package verify_test

import (
	"crypto/hmac"
	"hash"
)

// hmacHash computes a MAC with crypto/hmac directly, independently of the
// package under test.
func hmacHash(h func() hash.Hash, secret string, msg []byte) []byte {
	m := hmac.New(h, []byte(secret))
	m.Write(msg)
	return m.Sum(nil)
}
