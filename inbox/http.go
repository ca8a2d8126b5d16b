package inbox

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/pmshooks/pmshooks/event"
)

// storeRetryAfter is what a delivery that could not be stored is told: try
// again in this many seconds.
const storeRetryAfter = 5

// HTTPHandler returns an http.Handler that receives deliveries with r and
// stores them, answering 200 only once the delivery is committed to the
// database. It is event.Middleware(r, opts...) in front of the store, so the
// request is authenticated, bounded and decoded exactly as event.NewHTTPHandler
// does, with the same answers:
//
//	case                                          status
//	method other than POST                        405, with Allow: POST
//	body over the limit (event.WithBodyLimit)     413
//	authentication fails                          401 (the reason is logged, never echoed)
//	authenticated but not decodable               400
//	stored (committed)                            200
//	copy of a delivery already stored             200, not stored again
//	the database did not commit                   503 with Retry-After: 5, so the provider retries
//
// The row holds the provider (r.Provider()), the event's ID, Type, Name,
// Account, Subject and Time, the received time, the headers the HeaderFilter
// keeps and the exact body. A copy (same provider and event ID) is refused by
// the database's unique key, so copies that reach several replicas at the
// same moment are stored once. No handler runs in the request: Run's workers
// handle stored deliveries, so a slow handler never makes a provider time
// out.
//
// When r is also an event.Decoder, as every provider's Receiver is, and no
// decoder was set for its provider with WithDecoder, HTTPHandler registers r
// as that decoder for Run. event.WithDeduper and event.WithoutDedupe have no
// effect: the database dedupes. It panics when r is nil.
func (ib *Inbox) HTTPHandler(r event.Receiver, opts ...event.HTTPOption) http.Handler {
	if r == nil {
		panic("inbox: HTTPHandler with a nil Receiver")
	}
	if d, ok := r.(event.Decoder); ok {
		ib.addDecoder(r.Provider(), d)
	}
	filter := ib.cfg.headers
	if s, ok := r.(interface{ SecretHeaders() []string }); ok && len(s.SecretHeaders()) > 0 {
		secret := DropHeaders(s.SecretHeaders()...)
		keep := filter
		filter = func(name string) bool { return secret(name) && keep(name) }
	}
	eopts := append([]event.HTTPOption{event.WithLogger(ib.cfg.logger)}, opts...)
	return event.Middleware(r, eopts...)(&storeHandler{ib: ib, provider: r.Provider(), headers: filter})
}

type storeHandler struct {
	ib       *Inbox
	provider event.Provider
	headers  HeaderFilter // the inbox's filter, less the receiver's secret headers
}

func (s *storeHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	e, ok := event.FromContext(ctx)
	if !ok { // only reachable if event.Middleware changed its contract
		writeStatus(w, http.StatusInternalServerError)
		return
	}
	log := s.ib.log.With("provider", string(s.provider), "event_id", e.ID(), "type", string(e.Type()))
	body, err := io.ReadAll(r.Body) // the exact body, restored by Middleware
	if err != nil {
		log.ErrorContext(ctx, "delivery not stored: body unreadable", "err", err)
		writeStatus(w, http.StatusBadRequest)
		return
	}
	headers, err := encodeHeaders(r.Header, s.headers)
	if err != nil {
		log.ErrorContext(ctx, "delivery not stored: headers", "err", err)
		writeStatus(w, http.StatusInternalServerError)
		return
	}
	id, stored, err := s.ib.insert(ctx, s.provider, e, headers, body, s.ib.now())
	if err != nil {
		log.ErrorContext(ctx, "delivery not stored; the provider will retry", "outcome", "unavailable", "err", err)
		w.Header().Set("Retry-After", strconv.Itoa(storeRetryAfter))
		writeStatus(w, http.StatusServiceUnavailable)
		return
	}
	if !stored {
		log.DebugContext(ctx, "copy of a stored delivery acknowledged", "outcome", "duplicate")
		writeStatus(w, http.StatusOK)
		return
	}
	log.DebugContext(ctx, "delivery stored", "outcome", "stored", "delivery", id)
	s.ib.notify()
	writeStatus(w, http.StatusOK)
}

// writeStatus answers code with its text, as event's handlers do.
func writeStatus(w http.ResponseWriter, code int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = fmt.Fprintln(w, http.StatusText(code))
}
