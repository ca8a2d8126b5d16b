// Package event is pmshooks' provider-agnostic layer: one normalized model of
// what a property-management system tells you, a router for it, and the
// net/http plumbing that receives deliveries safely.
//
// Each provider package (ownerrez, bookingsync, propexo, channex, hostaway)
// has a Receiver that authenticates, parses and normalizes its deliveries into
// an Event. Write one Handler against the normalized types, and mount it once
// per provider:
//
//	mux := event.NewMux()
//	mux.On(event.BookingCancelled, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
//		b, _ := event.BookingOf(e)
//		return releaseDates(ctx, b.PropertyID, b.Arrival, b.Departure)
//	}))
//
//	http.Handle("POST /hooks/channex", event.NewHTTPHandler(channexReceiver, mux))
//	http.Handle("POST /hooks/hostaway", event.NewHTTPHandler(hostawayReceiver, mux))
//
// # Normalized model
//
// Every Event has a Provider, a normalized Type (booking.created,
// message.received, ...; see the Type constants), the provider's own Name, a
// stable ID for deduplication, the Account it belongs to, the Subject record it
// is about, the exact Raw body and the provider's typed payload in Data.
// BookingOf and MessageOf give the normalized Booking and Message a delivery
// carries. Ids are always text; dates are calendar Dates with no invented time
// zone; money is exact decimal text.
//
// A Subject's Kind is a singular, lowercase, snake_case noun: one of the Kind
// constants (KindBooking, KindGuest, KindProperty, KindMessage,
// KindConversation, KindReview, KindPayment, KindInquiry, KindAvailability,
// KindChannel, KindBookingRevision, KindIntegration, KindJob) wherever one
// fits, in every provider, else the provider's own name for the record in the
// same form ("quote", "rentals_amenity", "lease").
//
// # Routing
//
// Mux routes by the provider's own event name (OnName), then by normalized type
// (On), then to a Default. An event nobody handles is acknowledged. On and
// OnName panic on a type or name that no delivery carries, such as a typo;
// NewMux's WithTypes and WithEventNames declare those of a Receiver of your
// own.
//
// # Hydration
//
// A Hydrator fetches, through the provider's API, the current record of the
// subject an event is about (each provider package has one, built from its
// client). Hydrate puts the Hydrators in front of a Handler; BookingOf and
// MessageOf then report the fetched record, RecordOf reports the fetch (or
// that the record was deleted), and the event's ID, Raw and Data stay the
// delivery's. A fetch that fails makes the handler fail, so that the
// delivery is sent or run again; a *RateLimitError says how long the
// provider asked to wait, and the inbox waits that long without counting
// the attempt.
//
// # HTTP status codes
//
// NewHTTPHandler answers each delivery so that the providers' retry rules do
// the right thing:
//
//	case                                          status
//	method other than POST                        405, with Allow: POST
//	body over the limit (5 MiB, WithBodyLimit)    413
//	authentication fails                          401 (the reason is logged, never echoed)
//	too many bodies being read at once            503 with Retry-After: 5
//	authenticated but not decodable               400 (WithMalformed changes it)
//	no handler for the type and no default        200 (acknowledged, ignored)
//	copy of a delivery already handled            200, the handler is not called again
//	copy of a delivery being handled right now    503 with Retry-After: 5
//	handler returns an error or panics            500, so the provider retries; panics are logged
//	handler succeeded                             200
//
// # Unauthenticated load
//
// A request is cheap until it has proved who sent it. Credentials that travel
// in headers (HTTP Basic for OwnerRez and Hostaway, Channex's secret header)
// are checked before a byte of the body is read, through the Receiver's
// VerifyHeader (verify.HeaderVerifier); a request without a signature header
// is refused the same way. The body buffer grows as bytes arrive, never from
// the declared Content-Length, and at most DefaultMaxConcurrentReads bodies
// (WithMaxConcurrentReads) are read and verified at once, so the memory
// unauthenticated requests can hold is bounded whatever the number of
// connections. Give the http.Server a ReadTimeout too, so that a slow sender
// cannot keep a read slot for long.
//
// # Wrapping a Receiver
//
// A Receiver may have optional methods: Decoder, SecretHeaderer,
// DedupeWindower and VerifyHeader. A wrapper that embeds the Receiver
// interface hides them; implement Unwrapper (Unwrap() Receiver) instead, and
// As, SecretHeadersOf and DedupeWindowOf, which NewHTTPHandler and the inbox
// use, find them through the wrapper.
//
// # Deduplication
//
// Providers retry, and some (Propexo) send no delivery id at all, so every
// handler sees copies. NewHTTPHandler dedupes on provider and Event.ID with a
// MemoryDeduper unless told otherwise (WithDeduper, WithoutDedupe). A delivery
// counts as handled only once its handler returned nil; a failed one runs
// again on the provider's retry. A copy that arrives while the first is still
// being handled is answered 503 with Retry-After rather than held open: the
// provider retries it, and by then the first has finished. Several replicas
// need a shared Deduper, or the durable inbox package.
//
// # Logging
//
// Nothing is logged unless WithLogger is given a *slog.Logger.
//
// # Metrics and traces
//
// WithHooks gives NewHTTPHandler and Middleware a Hooks: functions called
// when a delivery is received (authenticated and decoded; the context it
// returns, with a span say, is the handler's), rejected (with its status and
// a RejectReason, never the credentials or the body), found to be a
// duplicate, handled (the handler's error and duration) and answered (the
// status). Every field is optional, and without WithHooks the handlers do
// no extra work and allocate nothing more. The module
// github.com/pmshooks/pmshooks/otel turns them into OpenTelemetry metrics and
// spans, and a Prometheus endpoint:
//
//	h := event.NewHTTPHandler(receiver, mux, event.WithHooks(&event.Hooks{
//		Rejected: func(ctx context.Context, r event.Rejection) {
//			rejected.With(string(r.Provider), string(r.Reason)).Inc()
//		},
//	}))
//
// # Middleware
//
// Services with a router of their own can use Middleware instead, which hands
// the Event to the next http.Handler through the request context
// (FromContext).
package event
