package inbox

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/pmshooks/pmshooks/event"
)

// storeRetryAfter is what a delivery that could not be stored is told: try
// again in this many seconds.
const storeRetryAfter = 5

// HTTPHandler returns an http.Handler that receives deliveries with r and
// stores them, answering 200 only once the delivery is committed to the
// database. It is event.Middleware(r, opts...) in front of the store, so the
// request is authenticated, bounded and decoded exactly as event.NewHTTPHandler
// does, with the same answers, except for an authentic delivery that cannot
// be decoded:
//
//	case                                          status
//	method other than POST                        405, with Allow: POST
//	body over the limit (event.WithBodyLimit)     413
//	authentication fails                          401 (the reason is logged, never echoed)
//	too many bodies being read at once            503 with Retry-After: 5
//	authenticated but not decodable               200, stored dead with the decode error
//	stored (committed)                            200
//	copy of a delivery already stored             200, not stored again
//	the database did not commit                   503 with Retry-After: 5, so the provider retries
//
// An authentic delivery that cannot be decoded is kept rather than refused:
// most providers never retry a 4xx (Hostaway), so a 400 would lose it for
// good. It is stored dead, with the decoder's error as LastError and
// event.HashID of the body as its event id; once the decoder is fixed, Retry
// (or `pmshooks inbox retry`) brings it back and a worker handles it. A
// forged body never gets this far: it fails authentication first.
//
// The row holds the provider (r.Provider()), the event's ID, Type, Name,
// Account, Subject and Time, the received time, the headers the HeaderFilter
// keeps (never credentials, see HeaderFilter) and the exact body. A copy
// (same provider and event ID) is refused by the database's unique key, so
// copies that reach several replicas at the same moment are stored once. When
// r has a dedupe window (event.DedupeWindower), a copy received after the
// window is a new delivery and is stored and handled again. No handler runs
// in the request: Run's workers handle stored deliveries, so a slow handler
// never makes a provider time out.
//
// When r is also an event.Decoder, as every provider's Receiver is, and no
// decoder was set for its provider with WithDecoder, HTTPHandler registers r
// as that decoder for Run. Optional methods of r are found through
// event.Unwrapper, so a wrapper that implements Unwrap keeps them.
// event.WithDeduper and event.WithoutDedupe have no effect: the database
// dedupes. It panics when r is nil.
func (ib *Inbox) HTTPHandler(r event.Receiver, opts ...event.HTTPOption) http.Handler {
	if r == nil {
		panic("inbox: HTTPHandler with a nil Receiver")
	}
	if d, ok := event.As[event.Decoder](r); ok {
		ib.addDecoder(r.Provider(), d)
	}
	s := &storeHandler{
		ib:       ib,
		provider: r.Provider(),
		headers:  storedHeaders(ib.cfg.headers, event.SecretHeadersOf(r)),
		window:   event.DedupeWindowOf(r),
	}
	eopts := append([]event.HTTPOption{event.WithLogger(ib.cfg.logger)}, opts...)
	eopts = append(eopts, event.WithMalformed(s.storeMalformed))
	return event.Middleware(r, eopts...)(s)
}

type storeHandler struct {
	ib       *Inbox
	provider event.Provider
	headers  HeaderFilter  // the inbox's filter, less credentials and the receiver's secret headers
	window   time.Duration // the receiver's dedupe window; 0 for none
}

func (s *storeHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	e, ok := event.FromContext(ctx)
	if !ok { // only reachable if event.Middleware changed its contract
		writeStatus(w, http.StatusInternalServerError)
		return
	}
	body, err := io.ReadAll(r.Body) // the exact body, restored by Middleware
	if err != nil {
		s.ib.log.ErrorContext(ctx, "delivery not stored: body unreadable", "provider", string(s.provider), "err", err)
		writeStatus(w, http.StatusBadRequest)
		return
	}
	s.store(w, r, deliveryOf(s.provider, e, "", body), s.window)
}

// storeMalformed is the event.MalformedFunc of the inbox: it stores an
// authentic delivery that could not be decoded as dead, with the error.
func (s *storeHandler) storeMalformed(w http.ResponseWriter, r *http.Request, body []byte, err error) {
	d := newDelivery{
		provider: s.provider, eventID: event.HashID(body), typ: event.TypeUnknown, body: body,
		dead: true, lastError: "inbox: stored undecodable; fix the decoder, then retry: " + errorText(err),
	}
	s.store(w, r, d, 0)
}

// store writes d with the request's stored headers and answers.
func (s *storeHandler) store(w http.ResponseWriter, r *http.Request, d newDelivery, window time.Duration) {
	ctx := r.Context()
	log := s.ib.log.With("provider", string(s.provider), "event_id", d.eventID, "type", string(d.typ))
	headers, err := encodeHeaders(r.Header, s.headers)
	if err != nil {
		log.ErrorContext(ctx, "delivery not stored: headers", "err", err)
		writeStatus(w, http.StatusInternalServerError)
		return
	}
	d.headers = headers
	hooks := s.ib.cfg.hooks
	var began time.Time
	if hooks != nil {
		began = time.Now()
	}
	id, stored, err := s.ib.insert(ctx, d, window, s.ib.now())
	if hooks != nil {
		st := Storing{Provider: s.provider, Type: d.typ, EventID: d.eventID, Dead: d.dead, Duration: time.Since(began)}
		switch {
		case err != nil:
			st.Err, st.Dead = err, false
			storing(ctx, hooks.StoreFailed, st)
		case !stored:
			st.Dead = false
			storing(ctx, hooks.Duplicate, st)
		default:
			st.ID = id
			storing(ctx, hooks.Stored, st)
		}
	}
	if err != nil {
		log.ErrorContext(ctx, "delivery not stored; the provider will retry", "outcome", "unavailable", "err", err)
		w.Header().Set("Retry-After", strconv.Itoa(storeRetryAfter))
		writeStatus(w, http.StatusServiceUnavailable)
		return
	}
	switch {
	case !stored:
		log.DebugContext(ctx, "copy of a stored delivery acknowledged", "outcome", "duplicate")
	case d.dead:
		log.ErrorContext(ctx, "authentic delivery not decodable: stored dead until retried",
			"outcome", "stored_dead", "delivery", id)
	default:
		// The group write woke the workers already.
		log.DebugContext(ctx, "delivery stored", "outcome", "stored", "delivery", id)
	}
	writeStatus(w, http.StatusOK)
}

// writeStatus answers code with its text, as event's handlers do.
func writeStatus(w http.ResponseWriter, code int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = fmt.Fprintln(w, http.StatusText(code))
}
