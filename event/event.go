package event

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
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

// Subject names the record an event is about: Kind is a lowercase noun such as
// "booking", "guest", "property" or "lease" (for record.* types, the provider's
// own kind), and ID is the provider's id for it as text. Both are "" when the
// delivery is about no particular record.
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
// A Receiver whose provider sends a credential in a header of its own (such
// as the secret header of a Channex webhook) says which with a method
//
//	SecretHeaders() []string
//
// so that what stores or prints deliveries (the inbox, the pmshooks
// command) leaves those headers out.
type Receiver interface {
	Provider() Provider
	Receive(h http.Header, body []byte) (Event, error)
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
	sum := sha256.Sum256(body)
	return "sha256:" + hex.EncodeToString(sum[:])
}
