package hostaway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/colocate"
	"github.com/pmshooks/pmshooks/internal/jsonobj"
	"github.com/pmshooks/pmshooks/lenient"
)

// Provider names Hostaway in events.
const Provider event.Provider = "hostaway"

// The event names of Hostaway's unified webhooks. Hostaway says more will be
// added; deliveries of other events parse with their data kept raw.
const (
	// EventReservationCreated is sent when a reservation is created in
	// Hostaway, from any channel. Its data is a Reservation.
	EventReservationCreated = "reservation.created"
	// EventReservationUpdated is sent when a reservation changes in any
	// way, including a cancellation (status "cancelled"); Hostaway has no
	// cancellation event. Its data is a Reservation.
	EventReservationUpdated = "reservation.updated"
	// EventMessageReceived is sent when a message is added to a
	// conversation. Its data is a ConversationMessage.
	EventMessageReceived = "message.received"
	// EventTest is the name pmshooks gives a test delivery, whose data is a
	// string (Hostaway sends {"data":"test"}) rather than an object.
	// Hostaway gives such deliveries no event name of its own.
	EventTest = "test"
)

// The object kinds Hostaway names in a delivery's "object" field.
const (
	// ObjectReservation is the object of the reservation events.
	ObjectReservation = "reservation"
	// ObjectConversationMessage is the object of message.received.
	ObjectConversationMessage = "conversationMessage"
)

// Webhook is one unified-webhook delivery: the envelope
// {"object", "event", "accountId", "data"} and its typed data.
//
// Hostaway does not document the delivered body; this shape is the one live
// receivers agree on. A body that nests the data as {"payload": {"data": ...}}
// is accepted as well.
//
// A Webhook marshals to JSON as the flat envelope, under the wire's camelCase
// keys, with the data as sent; the typed fields, which only repeat Data, are
// left out. Parse reads that JSON back.
type Webhook struct {
	// Object is the kind of Data, such as ObjectReservation; "" when absent.
	Object string `json:"object,omitempty"`
	// Event is the event name as sent, such as EventReservationUpdated;
	// "" when absent.
	Event string `json:"event,omitempty"`
	// AccountID is the Hostaway account the delivery belongs to (the OAuth
	// client_id); "" when absent.
	AccountID string `json:"accountId,omitempty"`
	// Data is the entity exactly as sent, taken from "data" or, when that is
	// absent, from "payload.data"; nil when neither is present. It is a
	// sub-slice of Raw, not a copy: do not modify it.
	Data json.RawMessage `json:"data,omitempty"`

	// Reservation is the decoded Data of the reservation events; nil
	// otherwise, and when the delivery has no data.
	Reservation *Reservation `json:"-"`
	// Message is the decoded Data of message.received; nil otherwise, and
	// when the delivery has no data.
	Message *ConversationMessage `json:"-"`
	// DataError is set when the Data of a known event is not what its type
	// holds: not a JSON object (Reservation or Message is then nil), or an
	// object with a nested part of the wrong JSON kind (such as a string
	// where cancellationPolicyDetails belongs; that part is left zero and
	// the rest decoded). The delivery is not rejected for it: Data keeps
	// everything as sent. It wraps event.ErrMalformed and names the field,
	// never a value. Scalar fields never set it: a value they cannot read
	// is kept in its Unparsed field (see package lenient).
	DataError error `json:"-"`

	// Raw is the exact body as received. It is not a copy: do not modify it.
	Raw []byte `json:"-"`
}

// Name returns the provider's event name of the delivery, the name
// Event.Name returns and event.Mux.OnName matches: EventTest for a test
// delivery, else Event, else Object when Event is absent.
func (w *Webhook) Name() string {
	switch {
	case w.IsTest():
		return EventTest
	case w.Event != "":
		return w.Event
	}
	return w.Object
}

// IsTest reports whether w is a test delivery: its data is a JSON string
// (such as "test") instead of an object.
func (w *Webhook) IsTest() bool {
	return len(w.Data) > 0 && w.Data[0] == '"'
}

// envelope is the top level of a delivery, each member the exact bytes of
// its value in the body. Object and Event name the delivery, so they must
// be JSON strings (see Parse).
type envelope struct {
	Object    json.RawMessage `json:"object"`
	Event     json.RawMessage `json:"event"`
	AccountID lenient.String  `json:"accountId"`
	Data      json.RawMessage `json:"data"`
	Payload   json.RawMessage `json:"payload"` // read only when data is absent

	// valid is false once a data member the scan left unchecked, and that
	// a later duplicate replaced, turned out not to be valid JSON.
	valid bool
}

// scan fills env from body as json.Unmarshal into env would, but without
// copying the values, which are sub-slices of body, and validates body on
// the way, except Data: its caller must check that (Parse decodes it). It
// reports false when body is not a valid JSON object.
func (env *envelope) scan(body []byte) bool {
	var buf [16]byte
	isData := func(k []byte) bool { return string(jsonobj.Key(k, buf[:0])) == "data" }
	return jsonobj.Scan(body, 0, isData, func(k, v []byte) {
		switch string(jsonobj.Key(k, buf[:0])) {
		case "object":
			env.Object = v
		case "event":
			env.Event = v
		case "accountid":
			_ = env.AccountID.UnmarshalJSON(v) // never fails
		case "data":
			if env.Data != nil && !jsonobj.Valid(env.Data) {
				env.valid = false // a duplicate: the last one wins, but all must be JSON
			}
			env.Data = v
		case "payload":
			env.Payload = v
		}
	}) && env.valid
}

// Parse decodes one delivery body into a Webhook. It does not authenticate
// the delivery (see Receiver).
//
// Only a body that is not Hostaway's envelope at all fails, with an error
// wrapping event.ErrMalformed whose text never quotes the body: a body that
// is not JSON, is not a JSON object, has an "event" or "object" that is not
// a JSON string, or has neither an event, an object kind nor string data (a
// test delivery). Everything inside the envelope is decoded leniently, so
// that an authentic delivery is never lost over one field: a value a field
// cannot read (such as "departureDate": "forged") is kept in that field's
// Unparsed text, and data of the wrong shape sets DataError (see Webhook).
// Unknown events parse with Data kept raw.
//
// The body is validated once and its envelope walked in the same pass:
// Data is a sub-slice of body, not a copy, and the data is validated by the
// one json.Unmarshal that decodes it for a known event (by a quick check
// otherwise). Keys match as encoding/json matches them (case-insensitively,
// the last duplicate winning). Parse keeps body as w.Raw without copying
// it.
func Parse(body []byte) (*Webhook, error) {
	env := envelope{valid: true}
	valid := env.scan(body)
	var w *Webhook // allocated with its record by decodeRecord
	if raw := trimNull(env.Data); valid && raw != nil {
		// The data is the one part of the body the scan left unchecked:
		// decode it now, so that a body that is not JSON fails as such.
		evt, _ := name(env.Event) // an error fails below
		w, valid = decodeRecord(&Webhook{Event: evt, Data: raw})
	}
	if !valid {
		// Not a JSON object: encoding/json says why.
		// (Into an envelope of its own: &env would move env to the heap
		// for every delivery.)
		var fresh envelope
		if err := json.Unmarshal(body, &fresh); err != nil {
			return nil, malformed("envelope", err)
		}
		env, w = fresh, nil
	}
	object, err := name(env.Object)
	if err != nil {
		return nil, malformed("object is not a JSON string", nil)
	}
	evt, err := name(env.Event)
	if err != nil {
		return nil, malformed("event is not a JSON string", nil)
	}
	decoded := w != nil
	if !decoded {
		w = new(Webhook)
	}
	w.Object, w.Event, w.AccountID = object, evt, string(env.AccountID)
	w.Data, w.Raw = trimNull(env.Data), body
	if payload := trimNull(env.Payload); w.Data == nil && data(payload) {
		var nested json.RawMessage
		var buf [8]byte
		jsonobj.Members(payload, func(k, v []byte) {
			if string(jsonobj.Key(k, buf[:0])) == "data" {
				nested = v
			}
		})
		w.Data = trimNull(nested)
	}
	if w.IsTest() {
		// A test carries no record, whatever its event says.
		w.Reservation, w.Message, w.DataError = nil, nil, nil
		return w, nil
	}
	if w.Event == "" && w.Object == "" {
		return nil, malformed("envelope has no event, object or test data", nil)
	}
	if w.Data == nil {
		return w, nil
	}
	if !decoded {
		w, _ = decodeRecord(w) // payload.data, which the scan checked
	}
	return w, nil
}

// decodeRecord returns a copy of w on the heap, allocated with the typed
// field of w.Event, into which it decodes w.Data, setting DataError when it
// does not fit (see Webhook): data that is not an object leaves the field
// nil. It reports whether w.Data is valid JSON, which the json.Unmarshal
// that decodes it checks on the way, and a quick check otherwise, so that
// the data is validated once.
func decodeRecord(w *Webhook) (out *Webhook, valid bool) {
	var dst any
	switch w.Event {
	case EventReservationCreated, EventReservationUpdated:
		o, r := colocate.With[Webhook, Reservation](w)
		out, dst, o.Reservation = o, r, r
	case EventMessageReceived:
		o, m := colocate.With[Webhook, ConversationMessage](w)
		out, dst, o.Message = o, m, m
	default:
		return moveWebhook(w), jsonobj.Valid(w.Data)
	}
	if !data(w.Data) {
		out = moveWebhook(w) // no typed field
		out.DataError = malformed(w.Event, errNotObject)
		return out, jsonobj.Valid(w.Data)
	}
	if err := json.Unmarshal(w.Data, dst); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) && !jsonobj.Valid(w.Data) {
			return out, false
		}
		out.DataError = malformed(w.Event, err)
	}
	return out, true
}

// errNotObject is decodeRecord's error for data that is not a JSON object.
var errNotObject = errors.New("data is not a JSON object")

// data reports whether raw is a JSON object.
func data(raw json.RawMessage) bool { return len(raw) > 0 && raw[0] == '{' }

// name returns the text of an envelope's naming field: "" when absent or
// null, an error when it is not a JSON string.
func name(raw json.RawMessage) (string, error) {
	raw = trimNull(raw)
	if raw == nil {
		return "", nil
	}
	if len(raw) >= 2 && raw[0] == '"' {
		// A documented name is read without copying its text.
		for _, known := range [...]string{EventReservationCreated, EventReservationUpdated, EventMessageReceived, ObjectReservation, ObjectConversationMessage} {
			if string(raw[1:len(raw)-1]) == known {
				return known, nil
			}
		}
	}
	s, ok := jsonobj.String(raw)
	if !ok {
		return "", errNotString
	}
	return s, nil
}

// errNotString is name's error.
var errNotString = errors.New("not a JSON string")

// trimNull returns raw with surrounding white space removed, or nil when it is
// empty or the JSON null.
func trimNull(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	return raw
}

// malformed returns a Parse error: "hostaway: parse: <what>[: <why>]". It
// wraps event.ErrMalformed and, when there is one, the decoding error err
// (for errors.As), but its text names what could not be decoded and where
// without quoting a value (see describeJSONError).
func malformed(what string, err error) error {
	text := "hostaway: parse: " + what
	if err == nil {
		return &parseError{text: text, errs: []error{event.ErrMalformed}}
	}
	return &parseError{text: text + ": " + describeJSONError(err), errs: []error{event.ErrMalformed, err}}
}

// parseError is an error of Parse; see malformed.
type parseError struct {
	text string
	errs []error
}

func (e *parseError) Error() string { return e.text }

// Unwrap returns event.ErrMalformed and the decoding error, if any.
func (e *parseError) Unwrap() []error { return e.errs }

// describeJSONError says why JSON did not decode without quoting the input:
// the errors of encoding/json and of the lenient types carry input text, which
// must not reach errors and logs.
func describeJSONError(err error) string {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return fmt.Sprintf("a JSON %s where an object belongs", typeErr.Value)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("field %q cannot hold a JSON %s", typeErr.Field, typeErr.Value)
	case errors.Is(err, errNotObject):
		return err.Error()
	}
	return "invalid JSON"
}

// EventNames returns the event names the package knows, sorted: Hostaway's
// three unified-webhook events and EventTest. It is a new slice on each call.
func EventNames() []string {
	names := make([]string, 0, len(eventTypes))
	for name := range eventTypes {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// moveWebhook returns a copy of w on the heap.
func moveWebhook(w *Webhook) *Webhook {
	o := new(Webhook)
	*o = *w
	return o
}
