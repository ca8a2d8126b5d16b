package ownerrez

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/colocate"
	"github.com/pmshooks/pmshooks/internal/jsonobj"
	"github.com/pmshooks/pmshooks/lenient"
)

// Provider is the event.Provider of every Event this package returns.
const Provider event.Provider = "ownerrez"

// Action is the change a delivery reports: the envelope's "action" key.
// OwnerRez sends it in lowercase snake_case.
type Action string

// The actions OwnerRez is known to send.
const (
	// ActionEntityCreate reports a record created.
	ActionEntityCreate Action = "entity_create"
	// ActionEntityUpdate reports a record changed; Webhook.Categories says
	// which aspects changed.
	ActionEntityUpdate Action = "entity_update"
	// ActionEntityDelete reports a record removed. The delivery may carry no
	// entity, only its EntityID.
	ActionEntityDelete Action = "entity_delete"
	// ActionApplicationAuthorizationRevoked reports that the account
	// UserID removed the OAuth app: stop calling the API for that account.
	// It carries no entity.
	ActionApplicationAuthorizationRevoked Action = "application_authorization_revoked"
	// ActionWebhookTest is the delivery of the "Send a Test Webhook"
	// button. It carries no entity.
	ActionWebhookTest Action = "webhook_test"
)

// isEntityAction reports whether a names a change to a record
// (entity_create, entity_update, entity_delete and any later entity_*), as
// opposed to a connection-level action.
func (a Action) isEntityAction() bool { return strings.HasPrefix(string(a), "entity_") }

// EntityType is the kind of record a delivery is about: the envelope's
// "entity_type" key.
type EntityType string

// The entity types OwnerRez is known to send.
const (
	// EntityBooking is a booking or a block of the calendar (see
	// Booking.IsBlock); its entity decodes into Booking.
	EntityBooking EntityType = "booking"
	// EntityGuest is a guest, which the OwnerRez interface calls a contact;
	// its entity decodes into Guest.
	EntityGuest EntityType = "guest"
	// EntityProperty is a rental property; its entity decodes into Property.
	EntityProperty EntityType = "property"
	// EntityInquiry is a guest's inquiry; its entity decodes into Inquiry.
	EntityInquiry EntityType = "inquiry"
	// EntityQuote is a price quote; its entity decodes into Quote.
	EntityQuote EntityType = "quote"
	// EntityThreadMessage is a message in a conversation, drafts included;
	// its entity decodes into ThreadMessage.
	EntityThreadMessage EntityType = "thread_message"
	// EntityAPIApplication is the OAuth app itself: the entity type of
	// webhook_test and application_authorization_revoked deliveries.
	EntityAPIApplication EntityType = "api_application"
)

// Webhook is one OwnerRez delivery: the envelope
// {id, user_id, action, entity_type, entity_id, categories, entity} and, when
// the entity is present and of a known type, the entity decoded into the
// matching typed field. At most one typed field is set, the one of
// EntityType; an unknown entity type leaves them all nil and keeps only
// Data.
//
// A Webhook marshals to JSON as the envelope it was parsed from, under the
// wire's snake_case keys, with the entity as sent; the typed fields, which
// only repeat Data, are left out. Parse reads that JSON back.
type Webhook struct {
	// ID identifies the delivery, and is the key to deduplicate on. It is a
	// UUID string in current deliveries and a number in older ones; both
	// are kept as text. It is "" when the delivery has none.
	ID lenient.String `json:"id"`
	// UserID is the OwnerRez account the change belongs to: the user_id of
	// the OAuth token response for that account. Zero when absent.
	UserID lenient.Int `json:"user_id"`
	// Action is the change reported.
	Action Action `json:"action"`
	// EntityType is the kind of record changed.
	EntityType EntityType `json:"entity_type"`
	// EntityID is the id of the record changed (for api_application, the
	// app's id). Zero when absent.
	EntityID lenient.Int `json:"entity_id"`
	// Categories names the aspects of the record that changed, such as
	// "availability", "charge" or "financial". OwnerRez sends it on updates
	// only; nil when absent.
	Categories []string `json:"categories,omitempty"`
	// Data is the record, the envelope's "entity", as the API would return
	// it, exactly as sent. Nil when the delivery carries none (webhook_test,
	// application_authorization_revoked, often entity_delete) or null. It
	// is a sub-slice of Raw, not a copy: do not modify it.
	Data json.RawMessage `json:"entity,omitempty"`

	// Booking is Data decoded, for entity type booking.
	Booking *Booking `json:"-"`
	// Guest is Data decoded, for entity type guest.
	Guest *Guest `json:"-"`
	// Property is Data decoded, for entity type property.
	Property *Property `json:"-"`
	// Inquiry is Data decoded, for entity type inquiry.
	Inquiry *Inquiry `json:"-"`
	// Quote is Data decoded, for entity type quote.
	Quote *Quote `json:"-"`
	// ThreadMessage is Data decoded, for entity type thread_message.
	ThreadMessage *ThreadMessage `json:"-"`
	// APIApplication is Data decoded, for entity type api_application.
	APIApplication *APIApplication `json:"-"`
	// DataError is set when part of the delivery besides its naming
	// members has a JSON kind its field cannot hold: an entity of a known
	// type that is not a JSON object (its typed field is then nil), a nested
	// object or list of the wrong kind inside the entity, or categories that
	// are not a list of text (that part is left zero, the rest decoded). The
	// delivery is not rejected for it: Data and Raw keep everything as
	// sent. It wraps event.ErrMalformed and names the field, never a value.
	// Scalar fields never set it: a value they cannot read is kept in its
	// Unparsed field (see package lenient).
	DataError error `json:"-"`

	// Raw is the exact body of the delivery. It is the slice given to
	// Parse, not a copy: do not modify it.
	Raw []byte `json:"-"`
}

// EventName returns the name this package gives to a delivery of action on
// entityType, the name Event.Name returns and event.Mux.OnName matches:
// "<entity_type>.<action>" for record changes, such as
// "booking.entity_update", and the action alone for connection-level
// actions, such as "webhook_test" and "application_authorization_revoked".
// An entity action with no entity type is the action alone too.
func EventName(action Action, entityType EntityType) string {
	if action.isEntityAction() && entityType != "" {
		return string(entityType) + "." + string(action)
	}
	return string(action)
}

// Name returns the provider's event name of the delivery,
// EventName(w.Action, w.EntityType), such as "booking.entity_update": the
// name Event.Name returns and event.Mux.OnName matches.
func (w *Webhook) Name() string { return EventName(w.Action, w.EntityType) }

// EventNames returns a sorted list of every event name this package knows:
// each documented (entity type, action) pair and the two connection-level
// actions. The slice is new on each call.
func EventNames() []string {
	names := make([]string, 0, len(eventTypes))
	for name := range eventTypes {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Parse decodes one delivery body into a Webhook. It does not authenticate:
// call it only on a body a Verifier accepted, or use a Receiver.
//
// Only a body that is not OwnerRez's envelope at all fails, with an error
// wrapping event.ErrMalformed whose text never quotes the body: a body that
// is not JSON or not a JSON object, whose action is missing or not a
// non-empty JSON string, or whose entity_type is present but not a JSON
// string. Everything else decodes leniently so that an authentic delivery
// is never lost over one field: unknown keys are ignored, ids and numbers
// are read as number or string, a value a field cannot read is kept in its
// Unparsed text, an entity of the wrong shape sets DataError, and an
// unknown action or entity type parses with its entity kept raw.
//
// The body is validated once and its envelope walked in the same pass:
// Data is a sub-slice of body, not a copy, and the entity is validated by
// the one json.Unmarshal that decodes it into the typed field of a known
// entity type (by a quick check otherwise). Keys match as encoding/json
// matches them (case-insensitively, the last duplicate winning).
func Parse(body []byte) (*Webhook, error) {
	// The envelope is scanned into a Webhook on the stack, which
	// decodeEntity moves to the heap together with its entity.
	scanned := Webhook{Raw: body}
	var (
		w                       *Webhook
		err, scanErr, entityErr error
	)
	sc := scanner{w: &scanned, body: body, err: &scanErr, valid: true}
	valid := jsonobj.Scan(body, 0, sc.deferred, sc.member) && sc.valid
	if valid {
		// The entity is the one part of the body Scan left unchecked.
		w, valid, entityErr = scanned.decodeEntity()
	}
	if valid {
		err = scanErr
	} else {
		// Not a JSON object: encoding/json says why (or, for null, that
		// nothing is set, which fails below for want of an action).
		w = &Webhook{Raw: body}
		err = json.Unmarshal(body, w)
		entityErr = nil
	}
	if err != nil {
		// encoding/json skips a member of the wrong kind and decodes the
		// rest; only the naming members and the body itself are fatal.
		var typ *json.UnmarshalTypeError
		if !errors.As(err, &typ) || typ.Field == "" || typ.Field == "action" || typ.Field == "entity_type" {
			return nil, malformed("envelope", err)
		}
		w.DataError = malformed("envelope", err)
	}
	if w.Action == "" {
		return nil, malformed("envelope has no action", nil)
	}
	if entityErr != nil && w.DataError == nil {
		w.DataError = entityErr
	}
	return w, nil
}

// scanner fills a Webhook from the members of its body, a valid JSON
// object, as json.Unmarshal into the Webhook would, but without copying or
// re-validating the values: Data is a sub-slice of body.
type scanner struct {
	w    *Webhook
	body []byte
	// err is where the first error goes, as json.Unmarshal would return
	// it: a variable of the caller, so that reading it does not make the
	// scanner, and the Webhook it points to, escape to the heap.
	err *error
	// valid is false once an entity Scan left unchecked, and that a later
	// duplicate replaced, turned out not to be valid JSON.
	valid bool
	buf   [16]byte
}

// deferred tells jsonobj.Scan to leave the entity unchecked: decodeEntity
// validates it, usually as part of decoding it.
func (sc *scanner) deferred(k []byte) bool {
	return string(jsonobj.Key(k, sc.buf[:0])) == "entity"
}

// member decodes one member of the envelope; see jsonobj.Members.
func (sc *scanner) member(k, v []byte) {
	w := sc.w
	switch string(jsonobj.Key(k, sc.buf[:0])) {
	case "id":
		_ = w.ID.UnmarshalJSON(v) // never fails
	case "user_id":
		_ = w.UserID.UnmarshalJSON(v) // never fails
	case "entity_id":
		_ = w.EntityID.UnmarshalJSON(v) // never fails
	case "action":
		if a, ok := knownAction(v); ok {
			w.Action = a
		} else if s, ok := jsonobj.String(v); ok {
			w.Action = Action(s)
		} else if !jsonobj.IsNull(v) {
			var a Action // not &w.Action, which would move every Webhook to the heap
			sc.fail("action", v, json.Unmarshal(v, &a))
		}
	case "entity_type":
		if t, ok := knownEntityType(v); ok {
			w.EntityType = t
		} else if s, ok := jsonobj.String(v); ok {
			w.EntityType = EntityType(s)
		} else if !jsonobj.IsNull(v) {
			var t EntityType
			sc.fail("entity_type", v, json.Unmarshal(v, &t))
		}
	case "categories":
		if !categories(v, &w.Categories) {
			c := w.Categories // as json.Unmarshal would, on a copy
			sc.fail("categories", v, json.Unmarshal(v, &c))
			w.Categories = c
		}
	case "entity":
		if w.Data != nil && !jsonobj.Valid(w.Data) {
			sc.valid = false // a duplicate: the last one wins, but all must be JSON
		}
		w.Data = v
	}
}

// fail records err, the error of decoding v into the field named field,
// unless an earlier one is recorded: json.Unmarshal returns the first type
// error of the body. A type error is made the one json.Unmarshal of the
// whole body returns: the field named and the offset in the body.
func (sc *scanner) fail(field string, v []byte, err error) {
	if err == nil || *sc.err != nil {
		return
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		typ.Struct = "Webhook"
		if typ.Field == "" {
			typ.Field = field
		} else {
			typ.Field = field + "." + typ.Field
		}
		typ.Offset += int64(cap(sc.body) - cap(v)) // v is a sub-slice of body
	}
	*sc.err = err
}

// knownAction returns the documented Action that raw, a JSON string without
// escapes, names, without copying its text.
func knownAction(raw []byte) (Action, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	for _, a := range [...]Action{ActionEntityUpdate, ActionEntityCreate, ActionEntityDelete, ActionApplicationAuthorizationRevoked, ActionWebhookTest} {
		if string(raw[1:len(raw)-1]) == string(a) {
			return a, true
		}
	}
	return "", false
}

// knownEntityType is knownAction for an EntityType.
func knownEntityType(raw []byte) (EntityType, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	for _, t := range [...]EntityType{EntityBooking, EntityGuest, EntityProperty, EntityInquiry, EntityQuote, EntityThreadMessage, EntityAPIApplication} {
		if string(raw[1:len(raw)-1]) == string(t) {
			return t, true
		}
	}
	return "", false
}

// categories decodes raw into dst as json.Unmarshal does when raw is null or
// an array of strings and nulls, the shapes OwnerRez sends, in one exact
// allocation; it reports false, leaving dst alone, for any other shape.
func categories(raw []byte, dst *[]string) bool {
	if jsonobj.IsNull(raw) {
		*dst = nil
		return true
	}
	n, ok := 0, true
	if !jsonobj.Elements(raw, func(v []byte) {
		n++
		ok = ok && (jsonobj.Kind(v) == '"' || jsonobj.IsNull(v))
	}) || !ok {
		return false
	}
	out := make([]string, 0, n)
	jsonobj.Elements(raw, func(v []byte) {
		s, _ := jsonobj.String(v) // "" for null
		out = append(out, s)
	})
	*dst = out
	return true
}

// decodeEntity decodes w.Data into the typed field of w.EntityType. An
// entity that is not an object leaves the field nil; one with a nested part
// of the wrong kind is decoded but for that part. Either is returned as an
// error for DataError. An entity of "null" sets Data to nil.
//
// It returns out, a copy of w on the heap (w is Parse's scan, on the stack),
// allocated with the typed entity. It also completes Parse's validation of
// the body, which left the entity unchecked: valid is false when w.Data is
// not valid JSON. The json.Unmarshal
// that decodes an entity validates it on the way, so that it is not checked
// twice; any other entity gets a quick check of its own.
func (w *Webhook) decodeEntity() (out *Webhook, valid bool, err error) {
	if w.Data == nil {
		return moveWebhook(w), true, nil
	}
	if jsonobj.IsNull(w.Data) {
		w.Data = nil
		return moveWebhook(w), true, nil
	}
	var dst any
	switch w.EntityType {
	case EntityBooking:
		o, v := colocate.With[Webhook, Booking](w)
		out, dst, o.Booking = o, v, v
	case EntityGuest:
		o, v := colocate.With[Webhook, Guest](w)
		out, dst, o.Guest = o, v, v
	case EntityProperty:
		o, v := colocate.With[Webhook, Property](w)
		out, dst, o.Property = o, v, v
	case EntityInquiry:
		o, v := colocate.With[Webhook, Inquiry](w)
		out, dst, o.Inquiry = o, v, v
	case EntityQuote:
		o, v := colocate.With[Webhook, Quote](w)
		out, dst, o.Quote = o, v, v
	case EntityThreadMessage:
		o, v := colocate.With[Webhook, ThreadMessage](w)
		out, dst, o.ThreadMessage = o, v, v
	case EntityAPIApplication:
		o, v := colocate.With[Webhook, APIApplication](w)
		out, dst, o.APIApplication = o, v, v
	default:
		return moveWebhook(w), jsonobj.Valid(w.Data), nil
	}
	if w.Data[0] != '{' { // Data has no white space around it
		out = moveWebhook(w) // no typed field
		return out, jsonobj.Valid(w.Data), malformed(string(w.EntityType)+" entity is not a JSON object", nil)
	}
	if err := json.Unmarshal(w.Data, dst); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) && !jsonobj.Valid(w.Data) {
			return out, false, nil
		}
		return out, true, malformed(string(w.EntityType)+" entity", err)
	}
	return out, true, nil
}

// parseError is a Parse failure. Its text names what failed but never
// quotes the body (the JSON and lenient decoders quote offending values,
// which may be guests' personal data); the decoder's error stays reachable
// through Unwrap for errors.As.
type parseError struct {
	what  string
	cause error
}

func malformed(what string, cause error) error { return &parseError{what: what, cause: cause} }

func (e *parseError) Error() string {
	msg := "ownerrez: parse: " + e.what
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case e.cause == nil:
	case errors.As(e.cause, &syn):
		msg += fmt.Sprintf(": invalid JSON at byte %d", syn.Offset)
	case errors.As(e.cause, &typ):
		// Value is "string", "array", or "number 12.5": keep the kind only.
		kind, _, _ := strings.Cut(typ.Value, " ")
		if typ.Field != "" {
			msg += fmt.Sprintf(": field %q holds a JSON %s", typ.Field, kind)
		} else {
			msg += ": not a JSON object but a JSON " + kind
		}
	default:
		msg += ": does not decode"
	}
	return msg
}

// Unwrap returns event.ErrMalformed and the decoder's error, if any.
func (e *parseError) Unwrap() []error {
	if e.cause == nil {
		return []error{event.ErrMalformed}
	}
	return []error{event.ErrMalformed, e.cause}
}

// moveWebhook returns a copy of w on the heap.
func moveWebhook(w *Webhook) *Webhook {
	o := new(Webhook)
	*o = *w
	return o
}
