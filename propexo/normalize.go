package propexo

import "github.com/pmshooks/pmshooks/event"

// eventTypes is the one table from Propexo trigger to normalized type.
// Propexo's records are those of residential property management (leases,
// residents, units, work orders), so a DATA_* delivery is a record.* event
// whatever its model, with Subject.Kind naming the model: see
// WithModelTypes for routing chosen models to other types.
//
// JOB_FAILURE reports one job of a sync, WRITE_OPERATION_FAILURE a write to
// the property management system; both are failures to synchronize with it,
// so sync.failed. JOB_SUCCESS, the legacy counterpart of JOB_FAILURE, is
// sync.completed for the same reason; Name tells it from SYNC_COMPLETE.
var eventTypes = map[Trigger]event.Type{
	TriggerDataNew:               event.RecordCreated,
	TriggerDataUpdate:            event.RecordUpdated,
	TriggerSyncComplete:          event.SyncCompleted,
	TriggerFirstSyncComplete:     event.SyncCompleted,
	TriggerJobFailure:            event.SyncFailed,
	TriggerJobSuccess:            event.SyncCompleted,
	TriggerWriteOperationFailure: event.SyncFailed,
}

// The Subject kinds of the deliveries that are not about a record. A
// DATA_NEW or DATA_UPDATE delivery has the record's Model (snake_case) as
// its kind instead.
const (
	// KindIntegration is the Subject.Kind of SYNC_COMPLETE and
	// FIRST_SYNC_COMPLETE; the ID is the integration id.
	KindIntegration = "integration"
	// KindJob is the Subject.Kind of JOB_FAILURE and JOB_SUCCESS (the ID is
	// job_id) and of WRITE_OPERATION_FAILURE (the ID is root_job_id, the id
	// the write-status and retry-write endpoints take).
	KindJob = "job"
)

// normalize builds the Event of w. Propexo sends no delivery id and no
// timestamp: ID is event.HashID of the body, so that a retry of the same
// delivery, which has the same body, deduplicates, and Time is zero.
// Account is the integration id. No delivery carries a booking or a
// message.
func (r *Receiver) normalize(w *Webhook) event.Event {
	f := event.Fields{
		Provider: Provider,
		Type:     eventTypes[w.Trigger],
		Name:     string(w.Trigger),
		ID:       event.HashID(w.Raw),
		Account:  string(w.IntegrationID),
		Raw:      w.Raw,
		Data:     w,
	}
	switch {
	case w.DataNew != nil:
		m := recordModel(w, w.DataNew.Object)
		f.Subject = event.Subject{Kind: string(m), ID: string(w.DataNew.RecordID)}
		if t := r.modelTypes[m].created; t != "" {
			f.Type = t
		}
	case w.DataUpdate != nil:
		m := recordModel(w, w.DataUpdate.Object)
		f.Subject = event.Subject{Kind: string(m), ID: string(w.DataUpdate.RecordID)}
		if t := r.modelTypes[m].updated; t != "" {
			f.Type = t
		}
	case w.SyncComplete != nil, w.FirstSyncComplete != nil:
		f.Subject = event.Subject{Kind: KindIntegration, ID: string(w.IntegrationID)}
	case w.JobFailure != nil:
		f.Subject = event.Subject{Kind: KindJob, ID: string(w.JobFailure.JobID)}
	case w.JobSuccess != nil:
		f.Subject = event.Subject{Kind: KindJob, ID: string(w.JobSuccess.JobID)}
	case w.WriteOperationFailure != nil:
		f.Subject = event.Subject{Kind: KindJob, ID: string(w.WriteOperationFailure.RootJobID)}
	}
	return event.New(f)
}

// recordModel is the model of a DATA_* delivery: the data's object, else
// meta.object.
func recordModel(w *Webhook, object Model) Model {
	if object == "" && w.Meta != nil {
		return w.Meta.Object
	}
	return object
}
