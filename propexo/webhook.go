package propexo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/jsonobj"
	"github.com/pmshooks/pmshooks/lenient"
)

// Provider is the event.Provider of every Event this package returns.
const Provider event.Provider = "propexo"

// RetryPeriod is how long Propexo keeps retrying a delivery that was not
// answered with a 2xx status: every 15 minutes, at most 10 times. A
// delivery still failing after it is lost; recover its changes with
// DataDiffsService. Keep a deduplication window a little longer than
// RetryPeriod (see the package documentation).
const RetryPeriod = 150 * time.Minute

// Trigger is the name of a Propexo webhook event, such as DATA_NEW: the
// "trigger" of a delivery and of a webhook configuration. It is the Name
// of the events this package returns. The set is open; an unknown trigger
// parses and normalizes to event.TypeUnknown.
type Trigger string

// UnmarshalJSON implements json.Unmarshaler: any JSON value decodes, as a
// lenient.String does. (Parse requires the trigger that names a delivery to
// be a JSON string; the copy in a payload's Event may be anything.)
func (t *Trigger) UnmarshalJSON(b []byte) error {
	*t = Trigger(lenientText(b))
	return nil
}

// The triggers Propexo documents.
const (
	// TriggerDataNew reports a record new in Propexo's cache (DataNew). It
	// is not sent during the first sync or a backsync.
	TriggerDataNew Trigger = "DATA_NEW"
	// TriggerDataUpdate reports changed fields of a record (DataUpdate). It
	// is not sent during the first sync or a backsync.
	TriggerDataUpdate Trigger = "DATA_UPDATE"
	// TriggerSyncComplete reports the end of a scheduled or on-demand sync
	// (SyncComplete).
	TriggerSyncComplete Trigger = "SYNC_COMPLETE"
	// TriggerFirstSyncComplete reports the end of an integration's first
	// sync, once per sync schedule (FirstSyncComplete).
	TriggerFirstSyncComplete Trigger = "FIRST_SYNC_COMPLETE"
	// TriggerJobFailure reports an integration job that failed after its
	// retries (JobFailure).
	TriggerJobFailure Trigger = "JOB_FAILURE"
	// TriggerJobSuccess is legacy: it reports a job that succeeded
	// (JobSuccess). New webhooks cannot subscribe to it.
	TriggerJobSuccess Trigger = "JOB_SUCCESS"
	// TriggerWriteOperationFailure reports an asynchronous write to the
	// property management system that failed in whole or in part
	// (WriteOperationFailure).
	TriggerWriteOperationFailure Trigger = "WRITE_OPERATION_FAILURE"
)

// Webhook is one Propexo delivery, in either of the two shapes Propexo's
// documentation shows:
//
//   - enveloped: {"trigger": ..., "data": {...}, "meta": {...}}, the shape of
//     the OpenAPI description and the API reference;
//   - flat: the data fields at the top level, with "event" naming the
//     trigger and "meta" beside them, as the webhook detail pages show it.
//
// At most one typed field (DataNew ... WriteOperationFailure) is set, the
// one of Trigger; an unknown trigger leaves them all nil and keeps only
// Data.
//
// A Webhook marshals to JSON in the enveloped shape, whichever shape it was
// parsed from, under the wire's snake_case keys: {"trigger", "data" as
// sent, "meta"}. The fields derived from the data (Flat, IntegrationID,
// Vendor and the typed fields) are left out. Parse reads that JSON back.
type Webhook struct {
	// Trigger names the event: the envelope's "trigger", else the data's
	// "event".
	Trigger Trigger `json:"trigger"`
	// Flat reports whether the delivery used the flat shape (no "data"
	// object).
	Flat bool `json:"-"`
	// IntegrationID is the integration the delivery is about: the data's
	// integration_id, else meta.integration_id. "" when neither is sent.
	IntegrationID lenient.String `json:"-"`
	// Vendor is the property management system of the integration; "" when
	// not sent.
	Vendor Vendor `json:"-"`
	// Meta is the "meta" object (DATA_NEW and DATA_UPDATE); nil when
	// absent.
	Meta *Meta `json:"meta,omitempty"`
	// Data is the data object exactly as sent: the "data" member, or in the
	// flat shape the whole body (then Data and Raw are the same slice). It
	// is a sub-slice of Raw, as are the raw members of the typed fields
	// (Payload, Context, Diff): do not modify them.
	Data json.RawMessage `json:"data,omitempty"`

	// DataNew is Data decoded, for TriggerDataNew.
	DataNew *DataNew `json:"-"`
	// DataUpdate is Data decoded, for TriggerDataUpdate.
	DataUpdate *DataUpdate `json:"-"`
	// SyncComplete is Data decoded, for TriggerSyncComplete.
	SyncComplete *SyncComplete `json:"-"`
	// FirstSyncComplete is Data decoded, for TriggerFirstSyncComplete.
	FirstSyncComplete *FirstSyncComplete `json:"-"`
	// JobFailure is Data decoded, for TriggerJobFailure.
	JobFailure *JobFailure `json:"-"`
	// JobSuccess is Data decoded, for TriggerJobSuccess.
	JobSuccess *JobSuccess `json:"-"`
	// WriteOperationFailure is Data decoded, for
	// TriggerWriteOperationFailure.
	WriteOperationFailure *WriteOperationFailure `json:"-"`
	// DataError is set when a member of the data or meta has a JSON kind
	// its field cannot hold: meta, diff or a list that is not the object or
	// array its type needs (that member is left zero, the others decoded).
	// The delivery is not rejected for it: Data and Raw keep everything as
	// sent. It wraps event.ErrMalformed and names the member, never a value.
	// Scalar fields never set it: a value they cannot read is kept as text
	// or in its Unparsed field (see package lenient).
	DataError error `json:"-"`

	// Raw is the exact body of the delivery. It is the slice given to
	// Parse, not a copy: do not modify it.
	Raw []byte `json:"-"`
}

// Name returns the provider's event name of the delivery, its Trigger as
// a string, such as "DATA_NEW": the name Event.Name returns and
// event.Mux.OnName matches.
func (w *Webhook) Name() string { return string(w.Trigger) }

// EventNames returns a sorted list of every trigger this package knows, as
// strings: the names Event.Name returns and event.Mux.OnName matches. The
// slice is new on each call.
func EventNames() []string {
	names := make([]string, 0, len(eventTypes))
	for t := range eventTypes {
		names = append(names, string(t))
	}
	slices.Sort(names)
	return names
}

// members holds the data fields of every trigger as raw JSON, so that one
// pass over the data (or, in the flat shape, over the body) finds them all
// and only the fields of the delivery's trigger are decoded further. A
// field of another trigger, or of an unknown one, can never fail a
// delivery.
type members struct {
	Event              json.RawMessage `json:"event"`
	IntegrationID      json.RawMessage `json:"integration_id"`
	Vendor             json.RawMessage `json:"vendor"`
	JobID              json.RawMessage `json:"job_id"`
	RootJobID          json.RawMessage `json:"root_job_id"`
	JobType            json.RawMessage `json:"job_type"`
	RecordID           json.RawMessage `json:"record_id"`
	Object             json.RawMessage `json:"object"`
	Payload            json.RawMessage `json:"payload"`
	Diff               json.RawMessage `json:"diff"`
	Context            json.RawMessage `json:"context"`
	SuccessfulJobCount json.RawMessage `json:"successful_job_count"`
	FailedJobCount     json.RawMessage `json:"failed_job_count"`
	IsSyncFinished     json.RawMessage `json:"is_sync_finished"`
	IsBacksync         json.RawMessage `json:"is_backsync"`
	JobScheduleID      json.RawMessage `json:"job_schedule_id"`
	ModelsSynced       json.RawMessage `json:"models_synced"`
	WriteStatus        json.RawMessage `json:"write_status"`
	Errors             json.RawMessage `json:"errors"`
}

// envelope is the top level of a delivery. In the enveloped shape only
// Trigger, Data and Meta are set; in the flat shape the embedded members
// are the data fields.
type envelope struct {
	Trigger json.RawMessage `json:"trigger"`
	Data    json.RawMessage `json:"data"`
	Meta    json.RawMessage `json:"meta"`
	members
}

// set stores value as the member named key (a key folded by jsonobj.Key);
// a key of no member is ignored.
func (m *members) set(key string, value json.RawMessage) {
	switch key {
	case "event":
		m.Event = value
	case "integration_id":
		m.IntegrationID = value
	case "vendor":
		m.Vendor = value
	case "job_id":
		m.JobID = value
	case "root_job_id":
		m.RootJobID = value
	case "job_type":
		m.JobType = value
	case "record_id":
		m.RecordID = value
	case "object":
		m.Object = value
	case "payload":
		m.Payload = value
	case "diff":
		m.Diff = value
	case "context":
		m.Context = value
	case "successful_job_count":
		m.SuccessfulJobCount = value
	case "failed_job_count":
		m.FailedJobCount = value
	case "is_sync_finished":
		m.IsSyncFinished = value
	case "is_backsync":
		m.IsBacksync = value
	case "job_schedule_id":
		m.JobScheduleID = value
	case "models_synced":
		m.ModelsSynced = value
	case "write_status":
		m.WriteStatus = value
	case "errors":
		m.Errors = value
	}
}

// scan fills m from the members of obj, a valid JSON object, as
// json.Unmarshal into m would, but without copying or re-validating the
// values. It reports false when obj is not an object.
func (m *members) scan(obj []byte) bool {
	var buf [32]byte
	return jsonobj.Members(obj, func(k, v []byte) {
		m.set(string(jsonobj.Key(k, buf[:0])), v)
	})
}

// scan fills env from body, a valid JSON value, as json.Unmarshal into env
// would; see members.scan. It reports false when body is not an object.
func (env *envelope) scan(body []byte) bool {
	var buf [32]byte
	return jsonobj.Members(body, func(k, v []byte) {
		switch key := string(jsonobj.Key(k, buf[:0])); key {
		case "trigger":
			env.Trigger = v
		case "data":
			env.Data = v
		case "meta":
			env.Meta = v
		default:
			env.members.set(key, v)
		}
	})
}

// Parse decodes one delivery body, in either shape, into a Webhook. It
// does not authenticate: call it only on a body a Verifier accepted, or use
// a Receiver.
//
// Only a body that is not Propexo's envelope at all fails, with an error
// wrapping event.ErrMalformed that names the part but never quotes the
// body: a body that is not JSON or not a JSON object, whose "data" is
// neither an object nor null (the data decides the shape), whose
// "trigger" (or, without one, the data's "event") is not a JSON string, or
// that names no trigger. Everything else decodes leniently so that an
// authentic delivery is never lost over one field: unknown keys are
// ignored, ids are text or number, counts integers or doubles, flags
// booleans, "1" or "true"; a value a field cannot read is kept as text or
// in its Unparsed field; a member of the wrong shape sets DataError. A
// trigger this package does not know parses with its data kept raw in
// Data.
//
// The body is validated once, then walked once: the members of the top
// level and of the data object are found as sub-slices of body (Data,
// Payload, Context and Diff are not copies), and only the members of the
// trigger's type are decoded further, each by its own type's decoder.
// Keys match as encoding/json matches them (case-insensitively, the last
// duplicate winning).
func Parse(body []byte) (*Webhook, error) {
	var env envelope
	if !jsonobj.Valid(body) || !env.scan(body) {
		// Not a JSON object: encoding/json says why (or, for null, that
		// nothing is set, which fails below for want of a trigger).
		env = envelope{}
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, malformed("body", err)
		}
	}
	w := &Webhook{Raw: body}
	m := &env.members
	var inner members
	switch {
	case isObject(env.Data):
		w.Data = env.Data
		inner.scan(env.Data)
		m = &inner
	case isNull(env.Data):
		w.Flat = true
		w.Data = body
	default:
		return nil, malformed("data", errNotObject)
	}

	if !isNull(env.Trigger) {
		name, err := triggerName(env.Trigger)
		if err != nil {
			return nil, malformed("trigger", err)
		}
		w.Trigger = name
	}
	if w.Trigger == "" && !isNull(m.Event) {
		name, err := triggerName(m.Event)
		if err != nil {
			return nil, malformed("event", err)
		}
		w.Trigger = name
	}
	if w.Trigger == "" {
		return nil, malformed("body", errNoTrigger)
	}

	_, known := eventTypes[w.Trigger]
	if err := w.decodeCommon(m, env.Meta); err != nil && known {
		// An unknown trigger may use these fields differently; only a
		// documented one is expected to follow the documented shape.
		w.DataError = err
	}
	if err := w.decodeTyped(m); err != nil && w.DataError == nil {
		w.DataError = err
	}
	return w, nil
}

// triggerName returns the text of a JSON string naming a trigger.
func triggerName(raw json.RawMessage) (Trigger, error) {
	s, ok := jsonobj.String(bytes.TrimSpace(raw))
	if !ok {
		return "", errNotString
	}
	return Trigger(s), nil
}

// scan fills m from raw when it is a JSON object, as json.Unmarshal would;
// it reports false, leaving m alone, when raw is not an object.
func (m *Meta) scan(raw []byte) bool {
	if !isObject(raw) {
		return false
	}
	var buf [32]byte
	return jsonobj.Members(raw, func(k, v []byte) {
		switch string(jsonobj.Key(k, buf[:0])) {
		case "object":
			_ = m.Object.UnmarshalJSON(v) // never fails
		case "integration_id":
			_ = m.IntegrationID.UnmarshalJSON(v) // never fails
		}
	})
}

// decodeCommon fills the fields every trigger carries: IntegrationID,
// Vendor and Meta.
func (w *Webhook) decodeCommon(m *members, meta json.RawMessage) error {
	var err error
	if !isNull(meta) {
		w.Meta = new(Meta)
		if !w.Meta.scan(meta) {
			// Not an object: encoding/json says what it is.
			if e := json.Unmarshal(meta, w.Meta); e != nil {
				w.Meta = nil
				err = malformed("meta", e)
			}
		}
	}
	if e := decodeMembers(
		member{"integration_id", m.IntegrationID, &w.IntegrationID},
		member{"vendor", m.Vendor, &w.Vendor},
	); e != nil && err == nil {
		err = e
	}
	if w.IntegrationID == "" && w.Meta != nil {
		w.IntegrationID = w.Meta.IntegrationID
	}
	return err
}

// decodeTyped decodes the members of w.Trigger's payload type into the
// matching typed field. It does nothing for an unknown trigger.
func (w *Webhook) decodeTyped(m *members) error {
	switch w.Trigger {
	case TriggerDataNew:
		d := &DataNew{Payload: rawOrNil(m.Payload), Context: rawOrNil(m.Context)}
		w.DataNew = d
		return decodeMembers(
			member{"event", m.Event, &d.Event},
			member{"integration_id", m.IntegrationID, &d.IntegrationID},
			member{"vendor", m.Vendor, &d.Vendor},
			member{"job_id", m.JobID, &d.JobID},
			member{"root_job_id", m.RootJobID, &d.RootJobID},
			member{"job_type", m.JobType, &d.JobType},
			member{"record_id", m.RecordID, &d.RecordID},
			member{"object", m.Object, &d.Object},
		)
	case TriggerDataUpdate:
		d := &DataUpdate{Context: rawOrNil(m.Context)}
		w.DataUpdate = d
		var diffErr error
		if !isNull(m.Diff) {
			var sides struct {
				New      json.RawMessage `json:"new"`
				Previous json.RawMessage `json:"previous"`
			}
			if !isObject(m.Diff) {
				diffErr = malformed("diff", errNotObject)
			} else {
				var buf [16]byte
				jsonobj.Members(m.Diff, func(k, v []byte) {
					switch string(jsonobj.Key(k, buf[:0])) {
					case "new":
						sides.New = v
					case "previous":
						sides.Previous = v
					}
				})
			}
			d.Diff = Diff{New: rawOrNil(sides.New), Previous: rawOrNil(sides.Previous)}
		}
		if err := decodeMembers(
			member{"event", m.Event, &d.Event},
			member{"integration_id", m.IntegrationID, &d.IntegrationID},
			member{"vendor", m.Vendor, &d.Vendor},
			member{"job_id", m.JobID, &d.JobID},
			member{"root_job_id", m.RootJobID, &d.RootJobID},
			member{"job_type", m.JobType, &d.JobType},
			member{"record_id", m.RecordID, &d.RecordID},
			member{"object", m.Object, &d.Object},
		); err != nil {
			return err
		}
		return diffErr
	case TriggerSyncComplete:
		d := &SyncComplete{}
		w.SyncComplete = d
		return decodeMembers(
			member{"event", m.Event, &d.Event},
			member{"integration_id", m.IntegrationID, &d.IntegrationID},
			member{"vendor", m.Vendor, &d.Vendor},
			member{"successful_job_count", m.SuccessfulJobCount, &d.SuccessfulJobCount},
			member{"failed_job_count", m.FailedJobCount, &d.FailedJobCount},
			member{"is_sync_finished", m.IsSyncFinished, &d.IsSyncFinished},
			member{"is_backsync", m.IsBacksync, &d.IsBacksync},
			member{"job_schedule_id", m.JobScheduleID, &d.JobScheduleID},
			member{"models_synced", m.ModelsSynced, &d.ModelsSynced},
		)
	case TriggerFirstSyncComplete:
		d := &FirstSyncComplete{}
		w.FirstSyncComplete = d
		return decodeMembers(
			member{"event", m.Event, &d.Event},
			member{"integration_id", m.IntegrationID, &d.IntegrationID},
			member{"vendor", m.Vendor, &d.Vendor},
			member{"successful_job_count", m.SuccessfulJobCount, &d.SuccessfulJobCount},
			member{"failed_job_count", m.FailedJobCount, &d.FailedJobCount},
			member{"is_sync_finished", m.IsSyncFinished, &d.IsSyncFinished},
			member{"job_schedule_id", m.JobScheduleID, &d.JobScheduleID},
			member{"is_backsync", m.IsBacksync, &d.IsBacksync},
			member{"models_synced", m.ModelsSynced, &d.ModelsSynced},
		)
	case TriggerJobFailure:
		d := &JobFailure{}
		w.JobFailure = d
		return decodeMembers(
			member{"event", m.Event, &d.Event},
			member{"integration_id", m.IntegrationID, &d.IntegrationID},
			member{"vendor", m.Vendor, &d.Vendor},
			member{"job_id", m.JobID, &d.JobID},
			member{"root_job_id", m.RootJobID, &d.RootJobID},
			member{"job_type", m.JobType, &d.JobType},
		)
	case TriggerJobSuccess:
		d := &JobSuccess{}
		w.JobSuccess = d
		return decodeMembers(
			member{"event", m.Event, &d.Event},
			member{"integration_id", m.IntegrationID, &d.IntegrationID},
			member{"vendor", m.Vendor, &d.Vendor},
			member{"job_id", m.JobID, &d.JobID},
			member{"root_job_id", m.RootJobID, &d.RootJobID},
			member{"job_type", m.JobType, &d.JobType},
		)
	case TriggerWriteOperationFailure:
		d := &WriteOperationFailure{}
		w.WriteOperationFailure = d
		return decodeMembers(
			member{"event", m.Event, &d.Event},
			member{"integration_id", m.IntegrationID, &d.IntegrationID},
			member{"vendor", m.Vendor, &d.Vendor},
			member{"root_job_id", m.RootJobID, &d.RootJobID},
			member{"write_status", m.WriteStatus, &d.WriteStatus},
			member{"errors", m.Errors, &d.Errors},
		)
	}
	return nil
}

// member is one data field to decode: its JSON name (for errors), its raw
// value and where to decode it.
type member struct {
	name string
	raw  json.RawMessage
	dst  any
}

// decodeMembers decodes each present member into its destination. An
// absent member leaves its destination at the zero value; so does null,
// because every destination treats null as zero (encoding/json leaves
// pointers nil, the lenient types and Model read it as empty). A member of
// the wrong kind (an object where a list belongs) is left zero too; the
// others are decoded, and the first such error is returned for DataError.
func decodeMembers(ms ...member) error {
	var first error
	for _, m := range ms {
		if len(m.raw) == 0 {
			continue
		}
		var err error
		if u, ok := m.dst.(json.Unmarshaler); ok {
			// What json.Unmarshal would call, minus its second validation
			// of bytes the body's validation covered.
			err = u.UnmarshalJSON(m.raw)
		} else {
			err = json.Unmarshal(m.raw, m.dst)
		}
		if err != nil && first == nil {
			first = malformed(m.name, err)
		}
	}
	return first
}

var (
	errNotObject = errors.New("is not a JSON object")
	errNoTrigger = errors.New(`names no trigger: neither "trigger" nor "event" is set`)
	errNotString = errors.New("is not a JSON string")
)

// malformed returns the error of Parse for the part named what:
// "propexo: parse: <what> <why>". It wraps event.ErrMalformed, cause and,
// when cause comes from the lenient decoders, lenient.ErrType, but it
// describes cause without its text, since encoding/json and lenient quote
// the offending value from the body.
func malformed(what string, cause error) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
		text    string
	)
	switch {
	case errors.Is(cause, errNotObject), errors.Is(cause, errNoTrigger), errors.Is(cause, errNotString):
		text = what + " " + cause.Error()
	case errors.As(cause, &syntax):
		text = fmt.Sprintf("%s: invalid JSON at byte %d", what, syntax.Offset)
	case errors.As(cause, &typeErr):
		kind, _, _ := strings.Cut(typeErr.Value, " ") // "number 1.5" quotes the body
		if what == "body" && typeErr.Field == "" {
			text = fmt.Sprintf("body is a JSON %s, not an object", kind)
		} else {
			text = fmt.Sprintf("%s: a JSON %s cannot be a %s", what, kind, typeErr.Type)
		}
	case errors.Is(cause, lenient.ErrType):
		text = what + ": " + lenient.ErrType.Error()
	default:
		text = what + " does not decode"
	}
	return &parseError{text: "propexo: parse: " + text, errs: []error{event.ErrMalformed, cause}}
}

// parseError is an error of Parse; see malformed.
type parseError struct {
	text string
	errs []error
}

func (e *parseError) Error() string { return e.text }

// Unwrap returns event.ErrMalformed and the decoding error.
func (e *parseError) Unwrap() []error { return e.errs }

// isObject reports whether raw is a JSON object.
func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

// rawOrNil returns raw, or nil when it is absent or null.
func rawOrNil(raw json.RawMessage) json.RawMessage {
	if isNull(raw) {
		return nil
	}
	return raw
}
