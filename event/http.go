package event

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/pmshooks/pmshooks/verify"
)

// DefaultBodyLimit is the largest body NewHTTPHandler and Middleware accept
// unless WithBodyLimit says otherwise: 5 MiB.
const DefaultBodyLimit = verify.DefaultBodyLimit

// inFlightRetryAfter is what a copy of a delivery that is being handled right
// now is told: try again in this many seconds.
const inFlightRetryAfter = 5

// DefaultMaxConcurrentReads is how many request bodies NewHTTPHandler and
// Middleware read and authenticate at once unless WithMaxConcurrentReads says
// otherwise. With DefaultBodyLimit it bounds the memory that deliveries not
// yet authenticated can hold to 32 × 5 MiB, whatever the number of
// connections.
const DefaultMaxConcurrentReads = 32

// readSlotWait is how long a request waits for a free read slot before it is
// answered 503 with Retry-After: the providers retry, and a flood of slow
// bodies cannot queue requests without bound.
const readSlotWait = time.Second

// busyRetryAfter is what a request that found no read slot is told: try
// again in this many seconds.
const busyRetryAfter = 5

// HTTPOption configures NewHTTPHandler and Middleware.
type HTTPOption func(*httpConfig)

type httpConfig struct {
	limit     int64
	logger    *slog.Logger
	dedupe    Deduper
	dedupeSet bool // WithDeduper or WithoutDedupe was given
	reads     int
	malformed MalformedFunc
	hooks     *Hooks // nil without WithHooks

	// slots holds one token per body being read and authenticated.
	slots chan struct{}

	// headers checks the credentials a Receiver can check before the body
	// is read; nil when it has no VerifyHeader. Found once, with As, by
	// newHTTPConfig rather than on every request.
	headers verify.HeaderVerifier
}

// MalformedFunc answers a delivery that was authenticated but cannot be
// decoded: its Receiver returned an error wrapping ErrMalformed. body is the
// exact body and err the Receiver's error. DefaultMalformed is used unless
// WithMalformed gives another; the inbox gives one that stores the delivery
// instead, so that a later fix can process it.
type MalformedFunc func(w http.ResponseWriter, r *http.Request, body []byte, err error)

// DefaultMalformed answers 400 Bad Request. Most providers do not retry a
// 4xx, so the delivery is lost to the provider; the error is logged by the
// caller, never echoed.
func DefaultMalformed(w http.ResponseWriter, _ *http.Request, _ []byte, _ error) {
	writeStatus(w, http.StatusBadRequest)
}

// WithMalformed sets how an authenticated delivery that cannot be decoded is
// answered; nil keeps DefaultMalformed. The error is logged before f runs.
func WithMalformed(f MalformedFunc) HTTPOption {
	return func(c *httpConfig) {
		if f != nil {
			c.malformed = f
		}
	}
}

// WithMaxConcurrentReads sets how many request bodies are read and
// authenticated at once (DefaultMaxConcurrentReads when zero or less). A
// request that finds every slot taken waits up to a second for one, then is
// answered 503 with Retry-After: 5. The memory that unauthenticated requests
// can hold is at most n times the body limit. The slot is released before
// the handler runs, so slow handlers do not hold it.
func WithMaxConcurrentReads(n int) HTTPOption {
	return func(c *httpConfig) {
		if n > 0 {
			c.reads = n
		}
	}
}

// WithBodyLimit sets the largest body accepted; larger ones are answered 413.
// Zero or less keeps DefaultBodyLimit.
func WithBodyLimit(n int64) HTTPOption {
	return func(c *httpConfig) {
		if n > 0 {
			c.limit = n
		}
	}
}

// WithLogger logs what the handler does (authentication failures, bad
// bodies, handler errors and panics, duplicates) to l. A nil l is ignored;
// without this option nothing is logged. Log lines never contain secrets or
// body bytes.
func WithLogger(l *slog.Logger) HTTPOption {
	return func(c *httpConfig) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithDeduper replaces the default MemoryDeduper, for instance with one
// backed by a store shared by several replicas. A nil d is ignored.
func WithDeduper(d Deduper) HTTPOption {
	return func(c *httpConfig) {
		if d != nil {
			c.dedupe = d
			c.dedupeSet = true
		}
	}
}

// WithoutDedupe turns deduplication off: every copy of a delivery runs the
// handler. Use it when the handler dedupes by itself.
func WithoutDedupe() HTTPOption {
	return func(c *httpConfig) { c.dedupe, c.dedupeSet = nil, true }
}

// with returns the logger with the attributes attrs builds, or the bare
// logger when it would write nothing: building attributes for a silent
// logger (boxing each value in an interface) costs allocations on every
// delivery, so attrs is called only when something can be written.
func (c *httpConfig) with(ctx context.Context, attrs func() []any) *slog.Logger {
	if !c.logger.Enabled(ctx, slog.LevelError) {
		return c.logger
	}
	return c.logger.With(attrs()...)
}

func newHTTPConfig(r Receiver, opts []HTTPOption) *httpConfig {
	c := &httpConfig{
		limit:     DefaultBodyLimit,
		logger:    slog.New(slog.DiscardHandler),
		dedupe:    NewMemoryDeduper(0, 0),
		reads:     DefaultMaxConcurrentReads,
		malformed: DefaultMalformed,
	}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	c.slots = make(chan struct{}, c.reads)
	c.headers, _ = As[verify.HeaderVerifier](r)
	return c
}

// NewHTTPHandler returns an http.Handler that receives deliveries with r and
// hands each event to h, answering with the status codes the providers' retry
// rules expect (see the package documentation for the table). Copies of a
// delivery already handled are answered 200 without calling h again.
//
// The default MemoryDeduper remembers deliveries for DefaultDedupeAge. A
// Receiver whose provider ids a delivery by its content, and can send the
// same content again as a new event later, says for how long a copy can only
// be a retry (DedupeWindower, found through Unwrap), and the default deduper
// then remembers deliveries for that long instead. It does not change a
// Deduper given with WithDeduper.
//
// It panics when r or h is nil.
func NewHTTPHandler(r Receiver, h Handler, opts ...HTTPOption) http.Handler {
	if r == nil {
		panic("event: NewHTTPHandler with a nil Receiver")
	}
	if h == nil {
		panic("event: NewHTTPHandler with a nil Handler")
	}
	cfg := newHTTPConfig(r, opts)
	if w := DedupeWindowOf(r); w > 0 && !cfg.dedupeSet {
		cfg.dedupe = NewMemoryDeduper(0, w)
	}
	return &httpHandler{receiver: r, handler: h, cfg: cfg}
}

type httpHandler struct {
	receiver Receiver
	handler  Handler
	cfg      *httpConfig
}

func (s *httpHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hooks := s.cfg.hooks
	var start time.Time
	if hooks != nil {
		start = time.Now()
	}
	e, _, ok := receiveRequest(w, r, s.receiver, s.cfg, start)
	if !ok {
		return
	}
	ctx := r.Context()
	if hooks != nil {
		ctx = hooks.received(ctx, Receipt{Provider: e.Provider(), Event: e, Start: start})
		rec := &statusRecorder{ResponseWriter: w}
		w = rec
		defer func() { hooks.answered(ctx, e.Provider(), e, rec.code(), start) }()
	}
	log := s.cfg.with(ctx, func() []any {
		return []any{"provider", string(e.Provider()), "event", e.Name(), "id", e.ID()}
	})

	key := string(e.Provider()) + "/" + e.ID()
	if d := s.cfg.dedupe; d != nil {
		switch err := d.Begin(ctx, key); {
		case err == nil:
		case errors.Is(err, ErrDuplicate):
			log.DebugContext(ctx, "duplicate delivery acknowledged")
			hooks.duplicate(ctx, e.Provider(), e, false)
			writeStatus(w, http.StatusOK)
			return
		case errors.Is(err, ErrInFlight):
			log.InfoContext(ctx, "copy of a delivery in flight; asked to retry")
			hooks.duplicate(ctx, e.Provider(), e, true)
			w.Header().Set("Retry-After", strconv.Itoa(inFlightRetryAfter))
			writeStatus(w, http.StatusServiceUnavailable)
			return
		default:
			log.ErrorContext(ctx, "deduper unavailable", "err", err)
			writeStatus(w, http.StatusServiceUnavailable)
			return
		}
	}

	var began time.Time
	if hooks != nil {
		began = time.Now()
	}
	err := SafeHandle(ctx, s.handler, e)
	if hooks != nil {
		hooks.handled(ctx, e.Provider(), e, err, time.Since(began))
	}
	if d := s.cfg.dedupe; d != nil {
		// The context of a request whose client went away is done, but the
		// outcome must still be recorded. (A MemoryDeduper ignores its
		// context: spare it the allocation.)
		endCtx := ctx
		if _, memory := d.(*MemoryDeduper); !memory {
			endCtx = context.WithoutCancel(ctx)
		}
		if endErr := d.End(endCtx, key, err == nil); endErr != nil {
			log.ErrorContext(ctx, "deduper could not record the outcome", "err", endErr)
		}
	}
	if err != nil {
		var p *PanicError
		if errors.As(err, &p) {
			log.ErrorContext(ctx, "handler panicked", "type", string(e.Type()), "panic", fmt.Sprint(p.Value), "stack", string(p.Stack))
		} else {
			log.ErrorContext(ctx, "handler failed", "type", string(e.Type()), "err", err)
		}
		writeStatus(w, http.StatusInternalServerError)
		return
	}
	if log.Enabled(ctx, slog.LevelDebug) {
		log.DebugContext(ctx, "delivery handled", "type", string(e.Type()))
	}
	writeStatus(w, http.StatusOK)
}

// receiveRequest reads, bounds, authenticates and decodes the delivery in r.
// It returns the event and the exact body. When it fails it has answered w
// and returns false.
//
// The order is what keeps unauthenticated requests cheap: credentials that
// the headers carry are checked before a byte of the body is read, and at
// most cfg.reads bodies are read and verified at once.
//
// start is when the request arrived, for cfg.hooks; zero without hooks.
// Each refusal is reported to cfg.hooks.Rejected.
func receiveRequest(w http.ResponseWriter, r *http.Request, rc Receiver, cfg *httpConfig, start time.Time) (Event, []byte, bool) {
	ctx := r.Context()
	log := cfg.with(ctx, func() []any { return []any{"provider", string(rc.Provider())} })
	reject := func(reason RejectReason, code int) {
		writeStatus(w, code)
		cfg.hooks.rejected(ctx, rc.Provider(), reason, code, start)
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		reject(RejectMethod, http.StatusMethodNotAllowed)
		return nil, nil, false
	}
	if cfg.headers != nil {
		if err := cfg.headers.VerifyHeader(r.Header); err != nil {
			log.WarnContext(ctx, "delivery rejected: authentication failed", "err", err, "remote", r.RemoteAddr)
			reject(RejectUnauthenticated, http.StatusUnauthorized)
			return nil, nil, false
		}
	}
	if !cfg.acquire(ctx) {
		log.WarnContext(ctx, "delivery refused: too many bodies being read", "max_concurrent_reads", cfg.reads)
		w.Header().Set("Retry-After", strconv.Itoa(busyRetryAfter))
		reject(RejectBusy, http.StatusServiceUnavailable)
		return nil, nil, false
	}
	defer cfg.release()
	body, err := verify.ReadBody(r, cfg.limit)
	if err != nil {
		if errors.Is(err, verify.ErrBodyTooLarge) {
			log.WarnContext(ctx, "delivery rejected: body too large", "limit", cfg.limit)
			reject(RejectTooLarge, http.StatusRequestEntityTooLarge)
			return nil, nil, false
		}
		log.WarnContext(ctx, "delivery rejected: body unreadable", "err", err)
		reject(RejectUnreadable, http.StatusBadRequest)
		return nil, nil, false
	}
	e, err := rc.Receive(r.Header, body)
	if err != nil {
		if errors.Is(err, ErrMalformed) {
			log.WarnContext(ctx, "authenticated delivery not decodable", "err", err)
			if cfg.hooks == nil {
				cfg.malformed(w, r, body, err)
				return nil, nil, false
			}
			rec := &statusRecorder{ResponseWriter: w}
			cfg.malformed(rec, r, body, err)
			cfg.hooks.rejected(ctx, rc.Provider(), RejectMalformed, rec.code(), start)
			return nil, nil, false
		}
		// Why authentication failed goes to the log only: telling the
		// caller would help a forger.
		log.WarnContext(ctx, "delivery rejected: authentication failed", "err", err, "remote", r.RemoteAddr)
		reject(RejectUnauthenticated, http.StatusUnauthorized)
		return nil, nil, false
	}
	return e, body, true
}

// acquire takes a read slot, waiting up to readSlotWait. It reports false
// when none became free in time or ctx ended.
func (c *httpConfig) acquire(ctx context.Context) bool {
	select {
	case c.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(readSlotWait)
	defer t.Stop()
	select {
	case c.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (c *httpConfig) release() { <-c.slots }

// PanicError is the error a handler's panic is turned into: NewHTTPHandler
// answers 500 for it and logs Value and Stack.
type PanicError struct {
	Value any    // what the handler panicked with
	Stack []byte // the goroutine's stack at the panic
}

// Error describes the panic.
func (p *PanicError) Error() string { return fmt.Sprintf("event: handler panicked: %v", p.Value) }

// Unwrap returns Value when it is an error.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// SafeHandle calls h.HandleEvent(ctx, e) and returns its error, turning a
// panic into a *PanicError with the panic's value and stack. NewHTTPHandler
// and the inbox's workers run handlers through it; so can any code that
// runs handlers from a queue of its own.
func SafeHandle(ctx context.Context, h Handler, e Event) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return h.HandleEvent(ctx, e)
}

// writeStatus answers code with its status text as a plain-text body.
func writeStatus(w http.ResponseWriter, code int) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, statusLine(code))
}

// statusLine is the body writeStatus writes: the status text and a newline,
// a constant for the codes the handler answers, so that answering costs no
// allocation.
func statusLine(code int) string {
	switch code {
	case http.StatusOK:
		return "OK\n"
	case http.StatusBadRequest:
		return "Bad Request\n"
	case http.StatusUnauthorized:
		return "Unauthorized\n"
	case http.StatusMethodNotAllowed:
		return "Method Not Allowed\n"
	case http.StatusRequestEntityTooLarge:
		return "Request Entity Too Large\n"
	case http.StatusInternalServerError:
		return "Internal Server Error\n"
	case http.StatusServiceUnavailable:
		return "Service Unavailable\n"
	}
	return http.StatusText(code) + "\n"
}
