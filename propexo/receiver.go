package propexo

import (
	"errors"
	"net/http"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/operr"
	"github.com/pmshooks/pmshooks/internal/receive"
	"github.com/pmshooks/pmshooks/verify"
)

// Receiver is a verify.HeaderVerifier, so that an HTTP handler can check a
// delivery's header before it reads the body.
var _ verify.HeaderVerifier = (*Receiver)(nil)

// Receiver turns Propexo deliveries into events: it authenticates each one
// with its verify.Verifier, parses it and normalizes it. It implements
// event.Receiver and event.Decoder, is immutable after NewReceiver and safe
// for concurrent use.
//
// The events it returns are:
//
//   - Type: from the one table of triggers (record.created, record.updated,
//     sync.completed, sync.failed; unknown for an unknown trigger);
//   - Name: the trigger, such as "DATA_NEW";
//   - ID: event.HashID of the body, since Propexo sends no delivery id;
//   - Account: the integration id;
//   - Subject: {Model.Kind, record_id} for DATA_* (the model in singular
//     snake_case, such as "lease" for leases and "resident_to_lease" for
//     residents_to_leases), {event.KindIntegration, integration_id} for the
//     sync triggers, {event.KindJob, job_id} for the job triggers and
//     {event.KindJob, root_job_id} for WRITE_OPERATION_FAILURE;
//   - Time: zero, since Propexo sends no timestamp;
//   - Version (event.VersionOf): for DATA_NEW and DATA_UPDATE, the trigger
//     and the job_id, such as "DATA_UPDATE:<job id>", as a Source's event
//     of the same change reports it; "" without job_id and for the other
//     triggers (see the package doc's Reconciliation);
//   - Data: the *Webhook.
//
// No event carries an event.Booking or event.Message.
type Receiver struct {
	verifier   verify.Verifier
	modelTypes map[Model]modelTypes
}

// modelTypes are the normalized types chosen by WithModelTypes for one
// model; "" keeps the table's.
type modelTypes struct{ created, updated event.Type }

// Option configures a Receiver.
type Option func(*Receiver)

// WithModelTypes makes DATA_NEW and DATA_UPDATE deliveries about model
// normalize to created and updated instead of record.created and
// record.updated; "" keeps the default for that trigger. The model may be
// given in either spelling. Subject stays {model, record id}, and no
// event.Booking or other record is attached: Propexo's payloads are partial
// and residential, so a handler routed this way reads Webhook itself.
//
// For example, WithModelTypes(ModelLeases, event.BookingCreated,
// event.BookingUpdated) sends lease changes to booking handlers. Options for
// different models add up; for the same model, the last wins.
func WithModelTypes(model Model, created, updated event.Type) Option {
	return func(r *Receiver) {
		m := NormalizeModel(string(model))
		if created == "" && updated == "" {
			delete(r.modelTypes, m)
			return
		}
		r.modelTypes[m] = modelTypes{created: created, updated: updated}
	}
}

// NewReceiver returns a Receiver that authenticates with v, usually a
// *Verifier from NewVerifier (verify.Unverified for local tools only). A
// nil v is an error: a Receiver never runs without authentication. Nil
// options are ignored.
func NewReceiver(v verify.Verifier, opts ...Option) (*Receiver, error) {
	if v == nil {
		return nil, errors.New("propexo: new receiver: nil verifier")
	}
	r := &Receiver{verifier: v, modelTypes: make(map[Model]modelTypes)}
	for _, o := range opts {
		if o != nil {
			o(r)
		}
	}
	return r, nil
}

// Provider returns Provider.
func (r *Receiver) Provider() event.Provider { return Provider }

// DedupeWindow returns how long a copy of a delivery can only be a retry:
// RetryPeriod and a half-hour margin. Propexo ids a delivery only by its body,
// and sends an identical body again as a new event one sync interval later
// (12 hours by default), so remembering deliveries longer would drop real
// events. event.NewHTTPHandler's default deduper uses it.
func (r *Receiver) DedupeWindow() time.Duration { return RetryPeriod + 30*time.Minute }

// Receive authenticates the delivery, then parses and normalizes it. A
// failed authentication returns the verifier's error (never wrapping
// event.ErrMalformed); an authentic body that does not parse returns an
// error wrapping event.ErrMalformed. The Event's Raw is body itself, not a
// copy.
func (r *Receiver) Receive(h http.Header, body []byte) (event.Event, error) {
	if err := r.verifier.Verify(h, body); err != nil {
		return nil, operr.Wrap("propexo", "verify", err)
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
	return r.normalize(w), nil
}
