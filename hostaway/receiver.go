package hostaway

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/operr"
	"github.com/pmshooks/pmshooks/internal/receive"
	"github.com/pmshooks/pmshooks/verify"
)

// ErrForeignAccount is returned by Receive, wrapped, when WithAccounts is set
// and a delivery belongs to another Hostaway account or names none. It is an
// authentication failure, not a malformed delivery, so event.NewHTTPHandler
// answers 401.
var ErrForeignAccount = errors.New("hostaway: verify: delivery is for another account")

// Receiver is a verify.HeaderVerifier, so that an HTTP handler can check a
// delivery's header before it reads the body.
var _ verify.HeaderVerifier = (*Receiver)(nil)

// Receiver authenticates, parses and normalizes Hostaway deliveries. It
// implements event.Receiver and event.Decoder and is safe for concurrent use.
//
// Normalization: reservation.created is booking.created and
// reservation.updated is booking.updated, except that a reservation whose
// status is cancelled, declined or expired is booking.cancelled, and one in
// an inquiry state is inquiry.created or inquiry.updated. message.received is
// message.received; a test delivery is ping; any other event is unknown (and
// acknowledged by event.NewHTTPHandler). Reservation events carry a Booking
// (event.BookingOf), message.received a Message (event.MessageOf).
//
// Hostaway sends no delivery id, so Event.ID is event.HashID of the body: a
// redelivery of the same body is recognized, but two notifications of one
// change with different bodies are not. Account is the accountId; Subject is
// the reservation ("booking") or message ("message"); Time is when Hostaway
// stored the reservation (created) or last updated it (updated), or stored
// the message. Version (event.VersionOf) is the reservation's updatedOn,
// canonical (Reservation.Version), the version a Source gives the same
// state; "" for messages and for a delivery without the reservation's
// updatedOn.
type Receiver struct {
	verifier verify.Verifier
	loc      *time.Location
	accounts []string
}

// Option configures a Receiver. A nil Option is ignored; of two options
// setting the same thing, the last wins.
type Option func(*receiverConfig)

type receiverConfig struct {
	loc         *time.Location
	accounts    []string
	accountsSet bool
}

// WithLocation sets the zone in which Hostaway's zoneless timestamps
// ("2025-10-25 15:30:19") are read when they become the time.Time values of
// events: Event.Time, Booking.UpdatedAt and Message.SentAt. The default is
// UTC, which Hostaway documents for every timestamp it sends. A nil loc is
// ignored. The typed payloads keep the clock readings as sent whatever the
// zone.
func WithLocation(loc *time.Location) Option {
	return func(c *receiverConfig) {
		if loc != nil {
			c.loc = loc
		}
	}
}

// WithAccounts makes Receive reject, with ErrForeignAccount, every delivery
// whose accountId is not one of ids, or that has none (a test delivery,
// which carries no data, is still accepted). Use it when the webhook's URL
// and credentials could be known to another Hostaway account. NewReceiver
// fails when ids is empty or holds an empty id. Decode does not check the
// account.
func WithAccounts(ids ...string) Option {
	ids = slices.Clone(ids)
	return func(c *receiverConfig) {
		c.accounts = ids
		c.accountsSet = true
	}
}

// NewReceiver returns a Receiver that authenticates deliveries with v,
// usually a *Verifier. It fails when v is nil: use verify.Unverified
// explicitly to accept unauthenticated deliveries.
func NewReceiver(v verify.Verifier, opts ...Option) (*Receiver, error) {
	if v == nil {
		return nil, errors.New("hostaway: new receiver: nil verifier")
	}
	c := receiverConfig{loc: time.UTC}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	r := &Receiver{verifier: v, loc: c.loc}
	if c.accountsSet {
		if len(c.accounts) == 0 {
			return nil, errors.New("hostaway: new receiver: WithAccounts needs at least one account id")
		}
		for i, id := range c.accounts {
			id = strings.TrimSpace(id)
			if id == "" {
				return nil, fmt.Errorf("hostaway: new receiver: WithAccounts: account id %d is empty", i)
			}
			r.accounts = append(r.accounts, id)
		}
	}
	return r, nil
}

// Provider returns Provider.
func (r *Receiver) Provider() event.Provider { return Provider }

// Receive authenticates the delivery with the Receiver's verifier, then
// parses and normalizes it. An authentication failure is returned wrapped,
// and so is ErrForeignAccount; a body that cannot be parsed gives an error
// wrapping event.ErrMalformed. body is kept as the event's Raw, not copied.
//
// A Receiver not made by NewReceiver rejects every delivery.
func (r *Receiver) Receive(h http.Header, body []byte) (event.Event, error) {
	if r == nil || r.verifier == nil {
		return nil, operr.Wrap("hostaway", "verify", fmt.Errorf("%w: receiver has no verifier", verify.ErrUnauthorized))
	}
	if err := r.verifier.Verify(h, body); err != nil {
		return nil, operr.Wrap("hostaway", "verify", err)
	}
	w, err := Parse(body)
	if err != nil {
		return nil, err
	}
	e := normalize(w, r.location())
	if r.accounts != nil && !w.IsTest() && !slices.Contains(r.accounts, e.Account()) {
		return nil, fmt.Errorf("%w: event %s", ErrForeignAccount, w.Name())
	}
	return e, nil
}

// VerifyHeader checks what the Receiver's verifier can check before the
// body is read, so that an HTTP handler can refuse an unauthenticated
// delivery without reading, and buffering, its body. It returns nil when the
// verifier is not a verify.HeaderVerifier. A nil error does NOT mean the
// delivery is authentic: Receive still verifies it with the body. Its
// errors are those Receive returns for a failed authentication, and a
// Receiver not made by NewReceiver fails with one wrapping
// verify.ErrUnauthorized. The account (WithAccounts) is in the body, so it
// is not checked.
func (r *Receiver) VerifyHeader(h http.Header) error {
	var v verify.Verifier
	if r != nil {
		v = r.verifier
	}
	return receive.VerifyHeader(string(Provider), v, h)
}

// Decode parses and normalizes a delivery exactly as Receive does, without
// authenticating it or checking its account. Call it only on deliveries that
// passed Receive before, such as those an inbox stored.
func (r *Receiver) Decode(_ http.Header, body []byte) (event.Event, error) {
	w, err := Parse(body)
	if err != nil {
		return nil, err
	}
	return normalize(w, r.location()), nil
}

// location returns the zone of zoneless timestamps, UTC for a Receiver not
// made by NewReceiver.
func (r *Receiver) location() *time.Location {
	if r == nil || r.loc == nil {
		return time.UTC
	}
	return r.loc
}
