package event

import (
	"net/http"
	"time"

	"github.com/pmshooks/pmshooks/internal/hashid"
)

// Provider names a property-management system, such as "channex". Each
// provider package exports its own as the constant Provider.
type Provider string

// Event is one authenticated, parsed and normalized delivery.
//
// Provider packages return Events from their Receivers; New builds one from
// Fields, and eventtest builds them for tests. Implementations are immutable and
// safe for concurrent use.
type Event interface {
	// Provider is the system that sent the delivery.
	Provider() Provider
	// Type is the normalized type; TypeUnknown when the provider's event
	// name has no mapping.
	Type() Type
	// Name is the provider's own event name, such as "booking_created" or
	// "reservation.updated".
	Name() string
	// ID is a stable key for deduplication: the provider's delivery id when
	// it sends one, otherwise HashID of the body.
	ID() string
	// Account is the provider's account, user or organization id the
	// delivery belongs to; "" when the provider does not say.
	Account() string
	// Subject is the record the delivery is about.
	Subject() Subject
	// Time is when the provider says the event happened; the zero Time when
	// it does not say.
	Time() time.Time
	// Raw is the exact body as received. Callers must not modify it.
	Raw() []byte
	// Data is the provider's typed payload, such as *channex.Webhook.
	Data() any
}

// Subject names the record an event is about: Kind is a singular, lowercase,
// snake_case noun, one of the Kind constants (KindBooking, KindGuest,
// KindProperty, ...) or, for record.* types, the provider's own kind in the
// same form (such as "lease"); ID is the provider's id for it as text. Both
// are "" when the delivery is about no particular record.
type Subject struct {
	Kind string `json:"kind,omitempty"`
	ID   string `json:"id,omitempty"`
}

// IsZero reports whether s names no record.
func (s Subject) IsZero() bool { return s == Subject{} }

// String returns "kind/id", "kind" when there is no id, or "" for the zero
// Subject.
func (s Subject) String() string {
	switch {
	case s.Kind == "" && s.ID == "":
		return ""
	case s.ID == "":
		return s.Kind
	default:
		return s.Kind + "/" + s.ID
	}
}

// Receiver turns one delivery into an Event: it authenticates it, then parses
// and normalizes it. Every provider package has one; NewHTTPHandler serves one.
//
// Receive must return an error wrapping ErrMalformed when, and only when, the
// delivery is authentic but cannot be decoded. Any other error is treated as an
// authentication failure. Implementations are safe for concurrent use.
//
// A Receiver may implement more than these two methods, and what serves or
// stores deliveries looks for them: Decoder (rebuild an event without
// authenticating again, for the inbox's workers), SecretHeaderer (headers
// never to store or print), DedupeWindower (how long a copy can only be a
// retry) and verify.HeaderVerifier (credentials checked before the body is
// read). A type that wraps a Receiver, to log or to count, must forward the
// ones its Receiver has, or implement Unwrapper so that they are found on the
// Receiver it wraps: embedding the Receiver interface in a struct hides them.
// Every function of this package and of the inbox that looks for one of these
// methods follows Unwrap.
type Receiver interface {
	Provider() Provider
	Receive(h http.Header, body []byte) (Event, error)
}

// SecretHeaderer is implemented by a Receiver whose provider sends a
// credential in a header of its own, such as the secret header of a Channex
// webhook. SecretHeaders names those headers, in any case, so that what
// stores or prints deliveries (the inbox, the pmshooks command) leaves them
// out. The inbox stores only headers on an allow-list in any case; this is
// the second line of defence.
type SecretHeaderer interface {
	SecretHeaders() []string
}

// DedupeWindower is implemented by a Receiver whose provider identifies a
// delivery only by its content and may send the same content again as a new
// event later (Propexo repeats identical SYNC_COMPLETE bodies every sync).
// DedupeWindow says for how long a copy can only be a retry; after that a
// copy is a new delivery. NewHTTPHandler's default deduper and the inbox use
// it. Zero or less means no window: a copy is a retry however late it comes.
type DedupeWindower interface {
	DedupeWindow() time.Duration
}

// Unwrapper is implemented by a type that wraps a Receiver. Unwrap returns
// the wrapped Receiver, so that the optional methods of the Receiver
// (Decoder, SecretHeaderer, DedupeWindower, verify.HeaderVerifier) are
// found through the wrapper.
type Unwrapper interface {
	Unwrap() Receiver
}

// maxUnwrap bounds the walk of Unwrap chains, so that a wrapper that returns
// itself cannot loop forever.
const maxUnwrap = 32

// As finds the first Receiver in the chain that starts at r and follows
// Unwrap whose type implements T, as errors.As does for errors. It reports
// false when none does.
//
//	if s, ok := event.As[event.SecretHeaderer](rc); ok { ... }
func As[T any](r Receiver) (T, bool) {
	for range maxUnwrap {
		if r == nil {
			break
		}
		if t, ok := r.(T); ok {
			return t, true
		}
		u, ok := r.(Unwrapper)
		if !ok {
			break
		}
		r = u.Unwrap()
	}
	var zero T
	return zero, false
}

// SecretHeadersOf returns the headers r names as secret (see
// SecretHeaderer), following Unwrap; nil when it names none.
func SecretHeadersOf(r Receiver) []string {
	if s, ok := As[SecretHeaderer](r); ok {
		return s.SecretHeaders()
	}
	return nil
}

// DedupeWindowOf returns r's dedupe window (see DedupeWindower), following
// Unwrap; zero when it has none.
func DedupeWindowOf(r Receiver) time.Duration {
	if w, ok := As[DedupeWindower](r); ok {
		return max(w.DedupeWindow(), 0)
	}
	return 0
}

// Decoder rebuilds an Event from a delivery that was authenticated before, for
// instance one stored by an inbox and processed later. It parses and normalizes
// exactly as Receive does, but does not verify: never call it on a delivery
// that did not pass Receive. Every provider's Receiver implements it.
type Decoder interface {
	Decode(h http.Header, body []byte) (Event, error)
}

// HashID returns a stable id for a delivery that carries none of its own: the
// hex SHA-256 of the body, prefixed "sha256:". A retry of the same delivery
// has the same body, so it gets the same id.
func HashID(body []byte) string {
	var id [hashid.Len]byte // built in place: one allocation
	return string(hashid.Append(id[:0], body))
}
