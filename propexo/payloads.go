package propexo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/pmshooks/pmshooks/lenient"
)

// The typed payloads below are the "data" object of each trigger, with
// Propexo's own field names in their json tags. Propexo documents every
// field as required, but drift must not fail a delivery: an absent field
// is the zero value, ids are lenient.String (text, or a number kept as its
// text), counts lenient.Int (integer or double such as 49.0), flags
// lenient.Bool. Unknown fields are ignored; Webhook.Raw keeps everything.

// Vendor is the property management system an integration reads from, in
// Propexo's upper-case spelling. The set is open: Propexo adds systems, and
// an unknown vendor is kept as sent.
type Vendor string

// UnmarshalJSON implements json.Unmarshaler: any JSON value decodes, as a
// lenient.String does, so that an odd spelling never fails a delivery.
func (v *Vendor) UnmarshalJSON(b []byte) error {
	*v = Vendor(lenientText(b))
	return nil
}

// The vendors Propexo documents: the current API reference lists all but
// VendorInternal (2024 only) and the two sample vendors of the data-diffs
// endpoint.
const (
	VendorAppFolio         Vendor = "APPFOLIO"
	VendorBuildium         Vendor = "BUILDIUM"
	VendorEliseAI          Vendor = "ELISEAI"
	VendorEntrata          Vendor = "ENTRATA"
	VendorFunnel           Vendor = "FUNNEL"
	VendorKnock            Vendor = "KNOCK"
	VendorMRI              Vendor = "MRI"
	VendorPropertyware     Vendor = "PROPERTYWARE"
	VendorPropertywareREST Vendor = "PROPERTYWARE_REST"
	VendorRealPage         Vendor = "REALPAGE"
	VendorRealPageRPX      Vendor = "REALPAGE_RPX"
	VendorRentCafe         Vendor = "RENTCAFE"
	VendorRentManager      Vendor = "RENTMANAGER"
	VendorRentvine         Vendor = "RENTVINE"
	VendorResMan           Vendor = "RESMAN"
	VendorYardi            Vendor = "YARDI"
	VendorYardiREST        Vendor = "YARDI_REST"
	// VendorInternal appears only in Propexo's 2024 payload schemas.
	VendorInternal Vendor = "INTERNAL"
	// VendorSample1 and VendorSample2 are the sandbox's sample systems, listed
	// by the data-diffs endpoint.
	VendorSample1 Vendor = "SAMPLE1"
	VendorSample2 Vendor = "SAMPLE2"
)

// JobType names the integration job that produced a delivery, such as
// READ_LEAD_EVENTS. Propexo does not publish the full list; the constants
// are the values its documentation shows, and any other value is kept as
// sent.
type JobType string

// UnmarshalJSON implements json.Unmarshaler: any JSON value decodes, as a
// lenient.String does, so that an odd spelling never fails a delivery.
func (v *JobType) UnmarshalJSON(b []byte) error {
	*v = JobType(lenientText(b))
	return nil
}

// The job types seen in Propexo's documentation.
const (
	// JobTypeReadLeadEvents reads the events of leads (DATA_NEW example).
	JobTypeReadLeadEvents JobType = "READ_LEAD_EVENTS"
	// JobTypeReadResidentTransactions reads residents' charges and payments
	// (JOB_FAILURE example).
	JobTypeReadResidentTransactions JobType = "READ_RESIDENT_TRANSACTIONS"
)

// WriteStatus is the outcome of an asynchronous write to the property
// management system. WRITE_OPERATION_FAILURE carries PARTIAL_SUCCESS or
// FAILURE; the write-status endpoint also answers SUCCESS and PENDING.
type WriteStatus string

// UnmarshalJSON implements json.Unmarshaler: any JSON value decodes, as a
// lenient.String does, so that an odd spelling never fails a delivery.
func (v *WriteStatus) UnmarshalJSON(b []byte) error {
	*v = WriteStatus(lenientText(b))
	return nil
}

// The write statuses Propexo documents.
const (
	WriteStatusSuccess        WriteStatus = "SUCCESS"
	WriteStatusPartialSuccess WriteStatus = "PARTIAL_SUCCESS"
	WriteStatusFailure        WriteStatus = "FAILURE"
	WriteStatusPending        WriteStatus = "PENDING"
)

// Meta is the "meta" object Propexo sends beside the data of DATA_NEW and
// DATA_UPDATE: in the enveloped form next to "data", in the flat form among
// the data fields.
type Meta struct {
	// Object is the model of the record, converted to snake_case (the
	// delivery spells it kebab-case).
	Object Model `json:"object"`
	// IntegrationID is the integration the record belongs to.
	IntegrationID lenient.String `json:"integration_id"`
}

// DataNew is the data of a DATA_NEW delivery: a record of the subscribed
// model appeared in Propexo's cache.
//
// The payload holds only the data known so far: a new record may arrive
// with little more than its id and name, and its other fields in a later
// DATA_UPDATE. Treat the delivery as a notification and read the record
// from the API (GET /v1/<model>/{RecordID}) when you need all of it.
type DataNew struct {
	// Event is the trigger, "DATA_NEW".
	Event Trigger `json:"event"`
	// IntegrationID is the integration the record belongs to.
	IntegrationID lenient.String `json:"integration_id"`
	// Vendor is the property management system of the integration.
	Vendor Vendor `json:"vendor"`
	// JobID is the integration job that found the record.
	JobID lenient.String `json:"job_id"`
	// RootJobID is the job that JobID descends from.
	RootJobID lenient.String `json:"root_job_id"`
	// JobType names the kind of job, such as READ_LEAD_EVENTS.
	JobType JobType `json:"job_type"`
	// RecordID is Propexo's id of the record.
	RecordID lenient.String `json:"record_id"`
	// Object is the model of the record, converted to snake_case.
	Object Model `json:"object"`
	// Payload is the record as far as Propexo knows it, exactly as sent; its
	// shape depends on Object. Keys Propexo has no value for are absent.
	// Nil when absent or null.
	Payload json.RawMessage `json:"payload,omitempty"`
	// Context is free-form information about the record, such as
	// {"property_id": "..."}, exactly as sent. Nil when absent or null.
	Context json.RawMessage `json:"context,omitempty"`
}

// DataUpdate is the data of a DATA_UPDATE delivery: fields of a record of
// the subscribed model changed. Diff holds only the changed fields.
type DataUpdate struct {
	// Event is the trigger, "DATA_UPDATE".
	Event Trigger `json:"event"`
	// IntegrationID is the integration the record belongs to.
	IntegrationID lenient.String `json:"integration_id"`
	// Vendor is the property management system of the integration.
	Vendor Vendor `json:"vendor"`
	// JobID is the integration job that saw the change.
	JobID lenient.String `json:"job_id"`
	// RootJobID is the job that JobID descends from.
	RootJobID lenient.String `json:"root_job_id"`
	// JobType names the kind of job.
	JobType JobType `json:"job_type"`
	// RecordID is Propexo's id of the record.
	RecordID lenient.String `json:"record_id"`
	// Object is the model of the record, converted to snake_case.
	Object Model `json:"object"`
	// Diff holds the previous and new values of the changed fields.
	Diff Diff `json:"diff"`
	// Context is free-form information about the record, exactly as sent.
	// Nil when absent or null.
	Context json.RawMessage `json:"context,omitempty"`
}

// Diff is the change a DATA_UPDATE reports: two JSON objects holding the
// changed fields only, New with their values now and Previous with their
// values before. Unchanged fields are absent from both. Both are kept
// exactly as sent, so that json.Unmarshal can decode them into the model's
// own type; nil when absent or null.
type Diff struct {
	New      json.RawMessage `json:"new,omitempty"`
	Previous json.RawMessage `json:"previous,omitempty"`
}

// Changed returns the names of the fields present in New or in Previous,
// sorted: the fields the update changed. It fails, with an error wrapping
// lenient.ErrType, when either is present but not a JSON object.
func (d Diff) Changed() ([]string, error) {
	seen := make(map[string]struct{})
	for _, side := range []struct {
		name string
		raw  json.RawMessage
	}{{"new", d.New}, {"previous", d.Previous}} {
		if isNull(side.raw) {
			continue
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(side.raw, &fields); err != nil {
			return nil, fmt.Errorf("propexo: diff.%s is not a JSON object: %w", side.name, lenient.ErrType)
		}
		for k := range fields {
			seen[k] = struct{}{}
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// SyncComplete is the data of a SYNC_COMPLETE delivery: a scheduled or
// on-demand full sync of an integration ended, every job of it having
// succeeded or failed. It is not sent for the first sync
// (FirstSyncComplete is).
type SyncComplete struct {
	// Event is the trigger, "SYNC_COMPLETE".
	Event Trigger `json:"event"`
	// IntegrationID is the integration that was synced.
	IntegrationID lenient.String `json:"integration_id"`
	// Vendor is the property management system of the integration.
	Vendor Vendor `json:"vendor"`
	// SuccessfulJobCount is how many jobs of the sync succeeded.
	SuccessfulJobCount lenient.Int `json:"successful_job_count"`
	// FailedJobCount is how many jobs of the sync failed.
	FailedJobCount lenient.Int `json:"failed_job_count"`
	// IsSyncFinished is false only in the abnormal case of a sync that ran
	// for upwards of 12 hours without completing (a long outage of the
	// property management system).
	IsSyncFinished lenient.Bool `json:"is_sync_finished"`
	// IsBacksync is true for a backsync (a re-read of past data). False
	// when absent.
	IsBacksync lenient.Bool `json:"is_backsync"`
	// JobScheduleID is the sync schedule that ran; nil when null (a manual
	// sync) or absent.
	JobScheduleID *lenient.String `json:"job_schedule_id"`
	// ModelsSynced lists the models the sync read. Nil when absent.
	ModelsSynced []Model `json:"models_synced,omitempty"`
}

// FirstSyncComplete is the data of a FIRST_SYNC_COMPLETE delivery: the
// initial sync of an integration ended. Propexo sends one per sync
// schedule, and it means every scheduled group of models was read once,
// not that every record is loaded. DATA_NEW and DATA_UPDATE are sent only
// after it.
type FirstSyncComplete struct {
	// Event is the trigger, "FIRST_SYNC_COMPLETE".
	Event Trigger `json:"event"`
	// IntegrationID is the integration that was synced.
	IntegrationID lenient.String `json:"integration_id"`
	// Vendor is the property management system of the integration.
	Vendor Vendor `json:"vendor"`
	// SuccessfulJobCount is how many jobs of the sync succeeded.
	SuccessfulJobCount lenient.Int `json:"successful_job_count"`
	// FailedJobCount is how many jobs of the sync failed.
	FailedJobCount lenient.Int `json:"failed_job_count"`
	// IsSyncFinished reports whether the sync finished (see SyncComplete).
	IsSyncFinished lenient.Bool `json:"is_sync_finished"`
	// JobScheduleID is the sync schedule this delivery is about; nil when
	// null or absent.
	JobScheduleID *lenient.String `json:"job_schedule_id"`
	// IsBacksync is documented for SYNC_COMPLETE only; read here in case
	// Propexo sends it. False when absent.
	IsBacksync lenient.Bool `json:"is_backsync"`
	// ModelsSynced is documented for SYNC_COMPLETE only; read here in case
	// Propexo sends it. Nil when absent.
	ModelsSynced []Model `json:"models_synced,omitempty"`
}

// JobFailure is the data of a JOB_FAILURE delivery: an integration job
// failed to read data after several attempts.
type JobFailure struct {
	// Event is the trigger, "JOB_FAILURE".
	Event Trigger `json:"event"`
	// IntegrationID is the integration the job ran for.
	IntegrationID lenient.String `json:"integration_id"`
	// Vendor is the property management system of the integration.
	Vendor Vendor `json:"vendor"`
	// JobID is the job that failed; see GET /v1/admin/logs/jobs/{id}.
	JobID lenient.String `json:"job_id"`
	// RootJobID is the job that JobID descends from.
	RootJobID lenient.String `json:"root_job_id"`
	// JobType names the kind of job, such as READ_RESIDENT_TRANSACTIONS.
	JobType JobType `json:"job_type"`
}

// JobSuccess is the data of a JOB_SUCCESS delivery, a legacy trigger: its
// schema is in Propexo's 2024 specification, it can no longer be chosen
// when creating a webhook and current documentation does not describe it.
// Older webhooks may still send it.
type JobSuccess struct {
	// Event is the trigger, "JOB_SUCCESS".
	Event Trigger `json:"event"`
	// IntegrationID is the integration the job ran for.
	IntegrationID lenient.String `json:"integration_id"`
	// Vendor is the property management system of the integration.
	Vendor Vendor `json:"vendor"`
	// JobID is the job that succeeded.
	JobID lenient.String `json:"job_id"`
	// RootJobID is the job that JobID descends from.
	RootJobID lenient.String `json:"root_job_id"`
	// JobType names the kind of job.
	JobType JobType `json:"job_type"`
}

// WriteOperationFailure is the data of a WRITE_OPERATION_FAILURE delivery:
// an asynchronous write to the property management system failed in whole
// or in part. GET /v1/admin/write-status/{RootJobID} tells its current
// status, and POST /v1/admin/retry-write/{RootJobID} retries it.
type WriteOperationFailure struct {
	// Event is the trigger, "WRITE_OPERATION_FAILURE".
	Event Trigger `json:"event"`
	// IntegrationID is the integration the write was for.
	IntegrationID lenient.String `json:"integration_id"`
	// Vendor is the property management system of the integration.
	Vendor Vendor `json:"vendor"`
	// RootJobID is the job of the write operation.
	RootJobID lenient.String `json:"root_job_id"`
	// WriteStatus is PARTIAL_SUCCESS or FAILURE.
	WriteStatus WriteStatus `json:"write_status"`
	// Errors are Propexo's descriptions of what failed. They may quote data
	// from the write; log them with care.
	Errors []lenient.String `json:"errors,omitempty"`
}

// isNull reports whether raw is absent or the JSON null.
// lenientText is the text of any JSON value, as a lenient.String reads it.
func lenientText(b []byte) string {
	var s lenient.String
	_ = s.UnmarshalJSON(b) // never fails
	return string(s)
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}
