package channex

import (
	"errors"
	"net/http"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/operr"
	"github.com/pmshooks/pmshooks/internal/receive"
	"github.com/pmshooks/pmshooks/verify"
)

// Receiver is a verify.HeaderVerifier, so that an HTTP handler can check a
// delivery's header before it reads the body.
var _ verify.HeaderVerifier = (*Receiver)(nil)

// Receiver turns Channex deliveries into events: it authenticates each one
// with its verify.Verifier, parses it and normalizes it. It implements
// event.Receiver and event.Decoder, is immutable and safe for concurrent
// use.
type Receiver struct {
	verifier    verify.Verifier
	bookingType event.Type
}

// Option configures a Receiver.
type Option func(*Receiver)

// WithGenericBookingType sets the normalized type of the generic booking
// event, which names a new revision without saying whether it is a new,
// modified or cancelled booking. The default, also given by "", is
// event.RecordCreated with Subject kind "booking_revision" and the revision
// id. A booking.* type (such as event.BookingUpdated, for a webhook whose
// mask is "booking" alone) makes the Subject the booking instead. The
// Event carries no event.Booking either way: pull the revision with
// BookingRevisionsService.Get. Its version (event.VersionOf) is the
// revision id either way, but only with a booking.* type does it share its
// Subject with the Source's change of that revision (see Reconciliation in
// the package documentation).
func WithGenericBookingType(t event.Type) Option {
	return func(r *Receiver) {
		if t == "" {
			t = event.RecordCreated
		}
		r.bookingType = t
	}
}

// NewReceiver returns a Receiver that authenticates with v, usually a
// *Verifier from NewVerifier (verify.Unverified for local tools only). A
// nil v is an error: a Receiver never runs without authentication. Nil
// options are ignored; of several options of one kind, the last wins.
func NewReceiver(v verify.Verifier, opts ...Option) (*Receiver, error) {
	if v == nil {
		return nil, errors.New("channex: new receiver: nil verifier")
	}
	r := &Receiver{verifier: v, bookingType: event.RecordCreated}
	for _, o := range opts {
		if o != nil {
			o(r)
		}
	}
	return r, nil
}

// Provider returns Provider.
func (r *Receiver) Provider() event.Provider { return Provider }

// SecretHeaders returns the header that carries the webhook's secret when
// the Receiver checks deliveries with this package's Verifier, so that
// stores of deliveries (such as the inbox) leave it out. See event.Receiver.
func (r *Receiver) SecretHeaders() []string {
	if v, ok := r.verifier.(*Verifier); ok {
		return []string{v.Header()}
	}
	return nil
}

// Receive authenticates the delivery, then parses and normalizes it. A
// failed authentication returns the verifier's error (never wrapping
// event.ErrMalformed); an authentic body that does not parse returns an
// error wrapping event.ErrMalformed. The Event's Data is the *Webhook and
// its Raw is body itself, not a copy.
func (r *Receiver) Receive(h http.Header, body []byte) (event.Event, error) {
	if err := r.verifier.Verify(h, body); err != nil {
		return nil, operr.Wrap("channex", "verify", err)
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

// Decode parses and normalizes the delivery exactly as Receive does, but
// does not authenticate it: call it only on a body that passed Receive
// before, such as one stored by an inbox. The header is not used.
func (r *Receiver) Decode(_ http.Header, body []byte) (event.Event, error) {
	w, err := Parse(body)
	if err != nil {
		return nil, err
	}
	return normalize(w, r.bookingType), nil
}
