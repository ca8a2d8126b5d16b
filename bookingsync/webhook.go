package bookingsync

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/jsonobj"
	"github.com/pmshooks/pmshooks/lenient"
)

// Provider is BookingSync's name in normalized events.
const Provider event.Provider = "bookingsync"

// Webhook is one BookingSync delivery: the documented envelope
// {"account_id", "event", "resource"} with the record the resource carries
// decoded into its typed form.
//
// The resource is {"links": {URL templates}, "<kind>": {record}}, the record
// under the singular name of its kind ("client" for client_created, the one
// shape BookingSync publishes). Parse also finds it under the plural name
// holding an array (the REST API's form; the first element is decoded, the
// others are only in Data), under the single other key of the
// resource, or as the resource itself when the resource has an "id"; a record
// sent as a bare id gives a typed record with only ID set, so id-only
// *_destroyed deliveries parse.
//
// A Webhook marshals to JSON as the documented envelope, under the wire's
// snake_case keys, with the resource as sent; the decoded Resource and
// Links, which only repeat Data, are left out. Parse reads that JSON back.
type Webhook struct {
	// AccountID is account_id as text: the account the event happened in;
	// "" when absent.
	AccountID string `json:"account_id,omitempty"`
	// Event is the event name, such as "booking_created"; see EventNames.
	Event string `json:"event"`
	// Data is the resource exactly as sent, a part of Raw; nil when the body
	// has none. For unknown event names it is all there is.
	Data json.RawMessage `json:"resource,omitempty"`

	// Resource is Data's record decoded: *Booking for booking_* events,
	// *Rental for rental_*, *Guest for client_*, *Payment, *Inquiry,
	// *Availability, *Review, *HostReview, *ReviewReply,
	// *InboxConversation, *InboxMessage, *Account, *Amenity,
	// *RentalsAmenity, *BookingComment, *DiscountCode, *DiscountCodeUsage,
	// *BookingsFee, *Fee, *Photo, and *Record for the kinds without a
	// documented shape. It is nil when the event name is unknown or the
	// resource holds no record.
	Resource any `json:"-"`
	// Links are the URL templates of resource.links, such as
	// "bookings.rental": "https://www.bookingsync.com/api/v3/rentals/{bookings.rental}";
	// nil when the resource has none or they are not all strings.
	Links map[string]string `json:"-"`
	// DataError is set when the resource of a known event is not what its
	// record type holds: neither an object nor an id (Resource is then nil),
	// or a record with a nested part of the wrong JSON kind (that part is
	// left zero, the rest decoded). The delivery is not rejected for it: Data
	// keeps everything as sent. It wraps event.ErrMalformed and names the
	// field, never a value. Scalar fields never set it: a value they cannot
	// read is kept in its Unparsed field (see package lenient).
	DataError error `json:"-"`
	// Raw is the exact body. Parse does not copy it: do not modify it.
	Raw []byte `json:"-"`
}

// Name returns the provider's event name of the delivery, its Event, such
// as "booking_created": the name Event.Name returns and event.Mux.OnName
// matches.
func (w *Webhook) Name() string { return w.Event }

// Parse decodes one delivery body. It does not authenticate: pass only
// bodies that a Verifier accepted.
//
// Only a body that is not BookingSync's envelope at all fails, with an error
// wrapping event.ErrMalformed whose text never quotes the body: not JSON,
// not a JSON object, or an event that is missing or not a non-empty JSON
// string. Everything else decodes leniently so that an authentic delivery
// is never lost over one field: a value a field cannot read is kept in its
// Unparsed text (see package lenient), and a resource of the wrong shape
// sets DataError.
//
// The body is validated once and its envelope walked in the same pass: Data
// and the record's Raw are sub-slices of body, not copies, and the record of
// a known event is validated by the one json.Unmarshal that decodes it.
func Parse(body []byte) (*Webhook, error) {
	var eventRaw, accountRaw, resourceRaw []byte
	valid := true
	isResource := func(key []byte) bool { return string(jsonobj.Unquote(key)) == "resource" }
	if !jsonobj.Scan(body, 0, isResource, func(key, value []byte) {
		switch string(jsonobj.Unquote(key)) {
		case "event":
			eventRaw = value
		case "account_id":
			accountRaw = value
		case "resource":
			if resourceRaw != nil && !jsonobj.Valid(resourceRaw) {
				valid = false // a duplicate: the last one wins, but all must be JSON
			}
			resourceRaw = value
		}
	}) {
		if !jsonobj.Valid(body) {
			return nil, notJSON(body)
		}
		return nil, malformed("body is not a JSON object", nil)
	}

	// Not the JSON decoder: eventRaw is valid, so when it is a string it is
	// a valid one.
	name, isString := knownEvent(eventRaw)
	if !isString {
		name, isString = jsonobj.String(eventRaw)
	}
	_, known := eventTable[name]
	known = known && isString
	hasResource := resourceRaw != nil && !jsonobj.IsNull(resourceRaw)
	var (
		w    *Webhook
		rec  recorder // the record of a known event, allocated with w
		kind string
	)
	if hasResource && known {
		kind, _ = splitName(name)
		w, rec = newWebhook(kind)
	} else {
		w = new(Webhook)
	}
	w.Raw = body
	if hasResource {
		w.Data = resourceRaw
		// The resource is the one part of the body Scan left unchecked:
		// check it now, so that a body that is not JSON fails as such,
		// decoding the record of a known event on the way.
		if known {
			var ok bool
			ok, w.DataError = w.decodeResource(kind, rec)
			valid = valid && ok
		} else {
			valid = valid && jsonobj.Valid(resourceRaw)
		}
	}
	if !valid {
		return nil, notJSON(body)
	}
	if eventRaw == nil || jsonobj.IsNull(eventRaw) {
		return nil, malformed("event is missing", nil)
	}
	if !isString {
		return nil, malformed("event is not a JSON string", nil)
	}
	w.Event = name
	if strings.TrimSpace(w.Event) == "" {
		return nil, malformed("event is empty", nil)
	}
	if accountRaw != nil {
		var id lenient.String
		_ = id.UnmarshalJSON(accountRaw) // never fails
		w.AccountID = id.String()
	}
	return w, nil
}

// knownEvent returns the name of eventTable that raw, a JSON string without
// escapes, holds, without copying its text; false when raw holds none.
func knownEvent(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if _, ok := eventTable[string(inner)]; !ok {
		return "", false
	}
	for name := range eventTable {
		if name == string(inner) {
			return name, true
		}
	}
	return "", false
}

// notJSON returns Parse's error for a body that is not valid JSON:
// encoding/json says where.
func notJSON(body []byte) error {
	var v json.RawMessage
	return malformed("body", json.Unmarshal(body, &v))
}

// decodeResource finds the record in w.Data and decodes it into rec, a new
// record of kind, which becomes w.Resource, with the resource's URL
// templates into w. Its error is the DataError of w.
//
// It also completes Parse's validation of the body, which left the resource
// unchecked: valid is false when w.Data is not valid JSON. A record object
// is validated by the json.Unmarshal that decodes it, the rest of the
// resource by jsonobj.Scan, so that no byte is checked twice.
func (w *Webhook) decodeResource(kind string, rec recorder) (valid bool, err error) {
	res := w.Data
	var record []byte
	switch jsonobj.Kind(res) {
	case '{':
		var (
			links, byKey, other []byte
			rank                = -1
			others              int
			hasID               bool
			member              = -1 // the index of the member walked
			byKeyAt, otherAt    int
		)
		jsonobj.Members(res, func(key, value []byte) {
			member++
			switch string(jsonobj.Unquote(key)) {
			case "links":
				links = value
			case "meta", "linked":
			case "id":
				hasID = true
			default:
				r := recordRank(kind, string(key))
				switch {
				case r >= 0 && (rank < 0 || r <= rank):
					byKey, rank, byKeyAt = value, r, member
				case r < 0:
					other, otherAt = value, member
					others++
				}
			}
		})
		itself := byKey == nil && hasID // the resource is the record
		recordAt := -1
		switch {
		case byKey != nil:
			record, recordAt = byKey, byKeyAt
		case itself:
			record = res
		case others == 1:
			record, recordAt = other, otherAt
		}
		if !itself {
			// Check the resource but a record object, which the
			// json.Unmarshal that decodes it checks.
			if jsonobj.Kind(record) != '{' {
				recordAt = -1
			}
			i := -1
			atRecord := func([]byte) bool { i++; return i == recordAt }
			if !jsonobj.Scan(res, 1, atRecord, func(_, _ []byte) {}) {
				return false, nil
			}
		}
		// A record's own links map to ids; only the resource's are templates.
		// They are only an aid (Data keeps them), so templates that are
		// not all strings are dropped rather than failing the delivery.
		if !itself && links != nil && !jsonobj.IsNull(links) {
			if json.Unmarshal(links, &w.Links) != nil {
				w.Links = nil
			}
		}
	case '[':
		if !jsonobj.Valid(res) {
			return false, nil
		}
		record = res
	case 't', 'f':
		return jsonobj.Valid(res), malformed("resource is a boolean", nil)
	default: // a bare id
		if !jsonobj.Valid(res) {
			return false, nil
		}
		record = res
	}
	if record == nil {
		return true, nil
	}
	return w.decodeRecord(kind, record, rec)
}

// decodeRecord decodes raw, the record of kind: an object, an array whose
// first element is the record, or a bare id, into rec, a new record of
// kind. valid is false when a record object, which decodeResource left to
// its decoder, is not valid JSON.
func (w *Webhook) decodeRecord(kind string, raw []byte, rec recorder) (valid bool, err error) {
	if jsonobj.Kind(raw) == '[' {
		first, ok := jsonobj.First(raw)
		if !ok {
			return true, nil // an empty array: no record
		}
		raw = first
	}
	switch jsonobj.Kind(raw) {
	case 'n':
		return true, nil
	case '{':
		// encoding/json skips a nested part of the wrong kind and decodes
		// the rest: the record is kept, and the error flags it.
		if e := json.Unmarshal(raw, rec); e != nil {
			var syntax *json.SyntaxError
			if errors.As(e, &syntax) && !jsonobj.Valid(raw) {
				return false, nil
			}
			err = malformed(kind+" record", e)
		}
	case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		_ = rec.record().ID.UnmarshalJSON(raw) // a lenient.String: never fails
	default:
		return true, malformed(kind+" record is neither an object nor an id", nil)
	}
	rec.record().Raw = raw
	w.Resource = rec
	return true, err
}

// EventNames returns a sorted list of every BookingSync event name this
// package knows: the 64 names of BookingSync's webhook documentation. The
// slice is new on each call.
func EventNames() []string {
	return slices.Sorted(maps.Keys(eventTable))
}

// splitName returns the resource kind and the action of an event name:
// "booking_comment", "created" for booking_comment_created; the whole name and
// "" when it ends in no known action.
func splitName(name string) (kind, action string) {
	for _, a := range [...]string{"created", "updated", "destroyed"} {
		if k, ok := strings.CutSuffix(name, "_"+a); ok && k != "" {
			return k, a
		}
	}
	return name, ""
}

// parseError is a delivery that cannot be decoded. Its text says what is
// wrong without quoting the body (encoding/json and lenient errors quote the
// offending value, so their text is not used); Unwrap gives
// event.ErrMalformed and the decoding error, for errors.Is and errors.As.
type parseError struct {
	what string
	err  error
}

func malformed(what string, err error) error { return &parseError{what: what, err: err} }

func (e *parseError) Error() string {
	msg := "bookingsync: parse: " + e.what
	if d := describe(e.err); d != "" {
		msg += ": " + d
	}
	return msg
}

func (e *parseError) Unwrap() []error {
	if e.err == nil {
		return []error{event.ErrMalformed}
	}
	return []error{event.ErrMalformed, e.err}
}

// describe says what kind of decoding error err is, naming fields and types
// but never values.
func describe(err error) string {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return "a value of the wrong JSON type for " + typ.Type.String()
		}
		return fmt.Sprintf("field %s has the wrong JSON type for %s", typ.Field, typ.Type)
	}
	return "does not decode"
}
