package verify

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// DefaultBodyLimit is the body limit ReadBody applies when given a limit of zero
// or less: 5 MiB, well above any delivery the supported providers document.
const DefaultBodyLimit int64 = 5 << 20

// maxPrealloc bounds what ReadBody reserves from a declared Content-Length
// before any byte arrives: a client may declare megabytes and send nothing.
const maxPrealloc = 64 << 10

// ReadBody reads the whole body of r, but at most limit bytes; a limit of zero
// or less means DefaultBodyLimit. A body longer than limit gives an error
// wrapping ErrBodyTooLarge, and is detected from Content-Length before anything
// is read when the client declares it. A nil body reads as empty.
//
// Memory follows the bytes that actually arrive, not the declared length: at
// most 64 KiB is reserved up front, and the buffer doubles as the body comes
// in. A body whose correct Content-Length is at most 64 KiB is read with a
// single allocation. To refuse an unauthenticated request before reading its
// body at all, call a HeaderVerifier first.
//
// The exact bytes are returned: verifiers must see the body as sent, never a
// re-encoding of it.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	if r.Body == nil || r.Body == http.NoBody {
		return []byte{}, nil
	}
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes declared, limit %d", ErrBodyTooLarge, r.ContentLength, limit)
	}
	// At most limit+1 bytes are ever read: one over the limit shows the body is
	// too large.
	most := limit + 1
	if most <= 0 { // limit is math.MaxInt64
		most = limit
	}
	size := int64(512)
	if r.ContentLength > 0 {
		// One byte more, so that reaching EOF does not need to grow the buffer.
		size = min(r.ContentLength, maxPrealloc) + 1
	}
	buf := make([]byte, 0, min(size, most))
	// A local LimitedReader, not io.LimitReader, so that it needs no allocation.
	lr := io.LimitedReader{R: r.Body, N: most}
	for {
		if len(buf) == cap(buf) {
			// Double, but never beyond what can be read.
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), most))
			copy(grown, buf)
			buf = grown
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("verify: reading body: %w", err)
		}
	}
}
