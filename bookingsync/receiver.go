package bookingsync

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/operr"
	"github.com/pmshooks/pmshooks/internal/receive"
	"github.com/pmshooks/pmshooks/verify"
)

// Receiver is a verify.HeaderVerifier, so that an HTTP handler can check a
// delivery's header before it reads the body.
var _ verify.HeaderVerifier = (*Receiver)(nil)

// Receiver turns BookingSync deliveries into normalized events: it verifies
// each one, parses it and normalizes it. It implements event.Receiver and
// event.Decoder and is safe for concurrent use.
//
// The Event's Type comes from the package's table of the event names that
// EventNames lists (booking_updated becomes booking.cancelled when the booking's status is
// Canceled); Name is the BookingSync event name; ID is event.HashID of the
// body, since BookingSync sends no delivery id; Account is account_id; Subject
// is the record (a rental's availability names the rental, kind "property");
// Time is the record's updated_at, zero for *_destroyed events; Data is the
// *Webhook. Booking deliveries carry an event.Booking, inbox_message_*
// deliveries an event.Message.
type Receiver struct {
	verifier verify.Verifier
	types    map[string]event.Type
}

// Option configures a Receiver.
type Option func(*options)

type options struct {
	types map[string]event.Type
}

// WithEventType makes the Receiver give the BookingSync event name the
// normalized type t, instead of the one from the package's table: for
// instance host_review_created as event.ReviewCreated, or
// accounts_application_destroyed as event.AccessRevoked. It also gives a type
// to names the table does not know. NewReceiver fails when t is not one of the
// event package's types. A later option for the same name wins.
func WithEventType(name string, t event.Type) Option {
	return func(o *options) {
		if o.types == nil {
			o.types = make(map[string]event.Type)
		}
		o.types[name] = t
	}
}

// NewReceiver returns a Receiver that authenticates deliveries with v,
// usually a *Verifier from NewVerifier. It fails when v is nil, and when an
// option names an unknown type. Nil options are ignored.
func NewReceiver(v verify.Verifier, opts ...Option) (*Receiver, error) {
	if v == nil {
		return nil, errors.New("bookingsync: new receiver: nil verifier")
	}
	if own, ok := v.(*Verifier); ok && own == nil {
		return nil, errors.New("bookingsync: new receiver: nil *Verifier")
	}
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	for name, t := range o.types {
		if !t.Known() {
			return nil, fmt.Errorf("bookingsync: new receiver: event %q: %q is not a normalized type", name, t)
		}
	}
	return &Receiver{verifier: v, types: o.types}, nil
}

// Provider returns Provider.
func (r *Receiver) Provider() event.Provider { return Provider }

// Receive verifies the delivery with the Receiver's verifier, then parses and
// normalizes it. A verification error is returned as the verifier made it
// (wrapping verify.ErrInvalidSignature, ...), never wrapping
// event.ErrMalformed; a body that is authentic but cannot be parsed gives an
// error wrapping event.ErrMalformed. body must be the exact bytes received.
func (r *Receiver) Receive(h http.Header, body []byte) (event.Event, error) {
	if err := r.verifier.Verify(h, body); err != nil {
		return nil, operr.Wrap("bookingsync", "verify", err)
	}
	return r.Decode(h, body)
}

// VerifyHeader checks what the Receiver's verifier can check before the
// body is read, so that an HTTP handler can refuse an unauthenticated
// delivery without reading, and buffering, its body. It returns nil when the
// verifier is not a verify.HeaderVerifier. A nil error does NOT mean the
// delivery is authentic: Receive still verifies it with the body. Its
// errors are those Receive returns for a failed authentication, and a
// Receiver not made by NewReceiver fails with one wrapping
// verify.ErrUnauthorized.
func (r *Receiver) VerifyHeader(h http.Header) error {
	var v verify.Verifier
	if r != nil {
		v = r.verifier
	}
	return receive.VerifyHeader(string(Provider), v, h)
}

// Decode parses and normalizes a delivery exactly as Receive does, without
// verifying it: call it only on deliveries that passed Receive before, such as
// those an inbox stored. The header is not used. Errors wrap
// event.ErrMalformed.
func (r *Receiver) Decode(_ http.Header, body []byte) (event.Event, error) {
	w, err := Parse(body)
	if err != nil {
		return nil, err
	}
	return normalize(w, r.types), nil
}
