package propexo

import "github.com/pmshooks/pmshooks/event"

// eventTypes is the one table from Propexo trigger to normalized type.
// Propexo's records are those of residential property management (leases,
// residents, units, work orders), so a DATA_* delivery is a record.* event
// whatever its model, with Subject.Kind naming the model in the singular
// (Model.Kind: "lease" for ModelLeases): see
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

// normalize builds the Event of w. Propexo sends no delivery id and no
// timestamp: ID is event.HashID of the body, so that a retry of the same
// delivery, which has the same body, deduplicates, and Time is zero.
// Account is the integration id. No delivery carries a booking or a
// message. A DATA_NEW or DATA_UPDATE reports the Version changeVersion
// gives its trigger and job_id, as a Source's event of the same change
// does.
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
		f.Subject = event.Subject{Kind: m.Kind(), ID: string(w.DataNew.RecordID)}
		f.Version = changeVersion(w.Trigger, string(w.DataNew.JobID))
		f.Type = r.dataType(w.Trigger, m)
	case w.DataUpdate != nil:
		m := recordModel(w, w.DataUpdate.Object)
		f.Subject = event.Subject{Kind: m.Kind(), ID: string(w.DataUpdate.RecordID)}
		f.Version = changeVersion(w.Trigger, string(w.DataUpdate.JobID))
		f.Type = r.dataType(w.Trigger, m)
	case w.SyncComplete != nil, w.FirstSyncComplete != nil:
		f.Subject = event.Subject{Kind: event.KindIntegration, ID: string(w.IntegrationID)}
	case w.JobFailure != nil:
		f.Subject = event.Subject{Kind: event.KindJob, ID: string(w.JobFailure.JobID)}
	case w.JobSuccess != nil:
		f.Subject = event.Subject{Kind: event.KindJob, ID: string(w.JobSuccess.JobID)}
	case w.WriteOperationFailure != nil:
		f.Subject = event.Subject{Kind: event.KindJob, ID: string(w.WriteOperationFailure.RootJobID)}
	}
	return event.New(f)
}

// dataType is the normalized type of a change of a record of model m
// reported with trigger t (a DATA_* delivery or a data diff): the table's,
// unless WithModelTypes chose another for m.
func (r *Receiver) dataType(t Trigger, m Model) event.Type {
	var chosen event.Type
	switch t {
	case TriggerDataNew:
		chosen = r.modelTypes[m].created
	case TriggerDataUpdate:
		chosen = r.modelTypes[m].updated
	}
	if chosen != "" {
		return chosen
	}
	return eventTypes[t]
}

// recordModel is the model of a DATA_* delivery: the data's object, else
// meta.object.
func recordModel(w *Webhook, object Model) Model {
	if object == "" && w.Meta != nil {
		return w.Meta.Object
	}
	return object
}

// changeVersion is the event.Fields.Version of one change of a record, the
// ONE function both sides use: the Receiver for a DATA_NEW or DATA_UPDATE
// delivery (its trigger and data.job_id) and the Source for a data diff
// (the trigger of its event_type and its job_id). It is the trigger and
// the job, "DATA_UPDATE:<job id>", and "" without a job id or for any
// other trigger.
//
// The job id is the only value Propexo's reference puts in both a DATA_*
// delivery and a data diff about the same change: a delivery carries no
// event id and no diff id, and its payload or diff holds the record's
// updated_at only when Propexo chose to send it (payloads are partial; a
// diff holds the changed fields, in a shape the reference leaves open).
// One sync job reads a record once, so (record, trigger, job) names one
// change; the trigger tells apart a record created and enriched by the
// same job (DATA_NEW, then DATA_UPDATE).
func changeVersion(t Trigger, jobID string) string {
	if jobID == "" || (t != TriggerDataNew && t != TriggerDataUpdate) {
		return ""
	}
	return string(t) + ":" + jobID
}
