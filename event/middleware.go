package event

import (
	"bytes"
	"context"
	"net/http"
	"time"
)

type contextKey struct{}

// Middleware returns net/http middleware for services that already have a
// router: it reads, bounds, authenticates and decodes the delivery with r,
// answering 405, 413, 401, 503 (no free read slot) and 400 (or what
// WithMalformed says) itself exactly as NewHTTPHandler does, and
// then calls next with the Event in the request context (see FromContext) and
// the exact body restored in the request, so next can read it again.
//
// Unlike NewHTTPHandler it does not deduplicate: what next answers is the
// outcome, and next is called for every copy of a delivery. It panics when r
// is nil. WithDeduper and WithoutDedupe have no effect on it.
func Middleware(r Receiver, opts ...HTTPOption) func(http.Handler) http.Handler {
	if r == nil {
		panic("event: Middleware with a nil Receiver")
	}
	cfg := newHTTPConfig(r, opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			hooks := cfg.hooks
			var start time.Time
			if hooks != nil {
				start = time.Now()
			}
			e, body, ok := receiveRequest(w, req, r, cfg, start)
			if !ok {
				return
			}
			ctx := req.Context()
			if hooks != nil {
				ctx = hooks.received(ctx, Receipt{Provider: e.Provider(), Event: e, Start: start})
			}
			req = req.WithContext(NewContext(ctx, e))
			rb := new(bodyReader)
			rb.Reset(body)
			req.Body = rb
			req.ContentLength = int64(len(body))
			if hooks == nil {
				next.ServeHTTP(w, req)
				return
			}
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, req)
			hooks.answered(ctx, e.Provider(), e, rec.code(), start)
		})
	}
}

// NewContext returns a copy of ctx that carries e.
func NewContext(ctx context.Context, e Event) context.Context {
	return context.WithValue(ctx, contextKey{}, e)
}

// FromContext returns the Event that Middleware (or NewContext) put in ctx,
// and false when there is none.
func FromContext(ctx context.Context) (Event, bool) {
	e, ok := ctx.Value(contextKey{}).(Event)
	return e, ok && e != nil
}

// bodyReader is the body Middleware hands on: the bytes it read, in one
// allocation (io.NopCloser around a *bytes.Reader takes two). Like that, it
// is an io.WriterTo, so that io.Copy writes the body in one call.
type bodyReader struct{ bytes.Reader }

// Close does nothing: the body is in memory.
func (*bodyReader) Close() error { return nil }
