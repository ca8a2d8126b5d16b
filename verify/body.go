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

// ReadBody reads the whole body of r, but at most limit bytes; a limit of zero
// or less means DefaultBodyLimit. A body longer than limit gives an error
// wrapping ErrBodyTooLarge, and is detected from Content-Length before anything
// is read when the client declares it. A nil body reads as empty.
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
	size := int64(512)
	if r.ContentLength > 0 {
		// One byte more, so that reaching EOF does not need to grow the buffer.
		size = r.ContentLength + 1
	}
	buf := make([]byte, 0, size)
	lr := io.LimitReader(r.Body, limit+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
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
