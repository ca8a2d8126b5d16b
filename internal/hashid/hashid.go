// Package hashid writes event.HashID's id of a body, for callers that
// build it into a buffer of their own instead of a string of its own.
package hashid

import (
	"crypto/sha256"
	"encoding/hex"
)

// prefix stands before the hex digest.
const prefix = "sha256:"

// Len is the length of an id: the prefix and the hex SHA-256.
const Len = len(prefix) + 2*sha256.Size

// Append appends to dst the id of body, "sha256:" and the hex SHA-256 of
// body, and returns the extended slice. It allocates only when dst has no
// room for Len more bytes.
func Append(dst, body []byte) []byte {
	sum := sha256.Sum256(body)
	dst = append(dst, prefix...)
	return hex.AppendEncode(dst, sum[:])
}
