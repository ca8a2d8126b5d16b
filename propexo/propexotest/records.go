package propexotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/pmshooks/pmshooks/propexo"
)

// record is a stored record: its fields now, and before the last
// PutRecord (nil when it was new).
type record struct {
	cur, prev map[string]json.RawMessage
	// jobID is the sync job of the last PutRecord: the job_id of its data
	// diff and of the DATA_NEW or DATA_UPDATE Deliver sends about it.
	jobID string
}

// PutRecord stores fields as the record id of model, replacing any record
// of that id; GET /v1/<model>/{id} then serves it. fields is anything
// encoding/json writes as an object: a map, a struct or a
// json.RawMessage. The Server sets its "id" to id and fills the fields
// every record has when fields leaves them out: created_at (kept from the
// record it replaces), updated_at and last_seen (now), x_id ("x-" and id),
// integration_id (IntegrationID), integration_vendor (Vendor) and
// property_id (null).
//
// Like Propexo's syncs, it records a data diff: NEW with the record as
// data_diff for a new record, UPDATE with {"new": ..., "previous": ...}
// holding the changed fields otherwise (a shape the reference leaves
// open), with a new job_id: the sync job that saw the change. Deliver
// sends DATA_NEW and DATA_UPDATE from the same two states, with the same
// job_id, as Propexo's job sends the webhook of the change it recorded.
// No webhook is sent by PutRecord itself: a change made without Deliver is
// one whose webhook never came, found only in the data diffs.
//
// It fails when model has no get-by-id call (propexo.Model.RecordPath is
// ""), id is empty or fields is not a JSON object.
func (s *Server) PutRecord(model propexo.Model, id string, fields any) error {
	m := propexo.NormalizeModel(string(model))
	if m.RecordPath() == "" {
		return fmt.Errorf("propexotest: put record: %w: %q", propexo.ErrNoRecordCall, string(model))
	}
	if id == "" {
		return errors.New("propexotest: put record: empty id")
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("propexotest: put record: %w", err)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
		return fmt.Errorf("propexotest: put record: not a JSON object")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := quote(timestamp(s.now()))
	byID := s.records[m]
	if byID == nil {
		byID = map[string]*record{}
		s.records[m] = byID
	}
	old := byID[id]
	obj["id"] = quote(id)
	defaults := map[string]json.RawMessage{
		"created_at": now, "updated_at": now, "last_seen": now,
		"x_id": quote("x-" + id), "integration_id": quote(IntegrationID),
		"integration_vendor": quote(string(Vendor)), "property_id": json.RawMessage("null"),
	}
	if old != nil {
		defaults["created_at"] = old.cur["created_at"]
	}
	for k, v := range defaults {
		if _, ok := obj[k]; !ok {
			obj[k] = v
		}
	}
	rec := &record{cur: obj, jobID: s.newID()}
	d := &dataDiff{model: m, recordID: id, at: s.now().UTC().Truncate(time.Millisecond),
		integrationID: text(obj["integration_id"]), jobID: rec.jobID}
	if old != nil {
		rec.prev = old.cur
		d.eventType = propexo.DataDiffUpdate
		d.diff, _ = json.Marshal(changes(old.cur, obj))
	} else {
		d.eventType = propexo.DataDiffNew
		d.diff, _ = json.Marshal(obj)
	}
	byID[id] = rec
	d.id = s.newID()
	d.seq = s.seq
	s.diffs = append(s.diffs, d)
	return nil
}

// DeleteRecord removes the record id of model: GET /v1/<model>/{id}
// answers 404 from then on. (Propexo itself never deletes a cached
// record; this stands for an id it does not know.)
func (s *Server) DeleteRecord(model propexo.Model, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.records[propexo.NormalizeModel(string(model))], id)
}

// Record returns the record id of model as GET /v1/<model>/{id} serves it,
// and false when there is none.
func (s *Server) Record(model propexo.Model, id string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[propexo.NormalizeModel(string(model))][id]
	if !ok {
		return nil, false
	}
	b, _ := json.Marshal(r.cur)
	return b, true
}

// diff is the diff of a DATA_UPDATE: the fields that differ between prev
// and cur, their values now in New and before in Previous (null for a
// field that was absent).
type diff struct {
	New      map[string]json.RawMessage `json:"new"`
	Previous map[string]json.RawMessage `json:"previous"`
}

func changes(prev, cur map[string]json.RawMessage) diff {
	d := diff{New: map[string]json.RawMessage{}, Previous: map[string]json.RawMessage{}}
	for k, v := range cur {
		p, ok := prev[k]
		if ok && bytes.Equal(compact(p), compact(v)) {
			continue
		}
		d.New[k] = v
		if !ok {
			p = json.RawMessage("null")
		}
		d.Previous[k] = p
	}
	for k, p := range prev {
		if _, ok := cur[k]; !ok {
			d.New[k] = json.RawMessage("null")
			d.Previous[k] = p
		}
	}
	return d
}

func (s *Server) getRecord(m propexo.Model) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		rec, ok := s.records[m][r.PathValue("id")]
		var b []byte
		if ok {
			b, _ = json.Marshal(rec.cur)
		}
		s.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "not_found", string(m)+" record not found", nil)
			return
		}
		writeOne(w, json.RawMessage(b))
	}
}

// quote returns s as a JSON string.
func quote(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// text returns the string a JSON string holds, "" for anything else.
func text(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// jobLog is a stored job log.
type jobLog struct {
	propexo.JobLog
	seq int
}

func (l *jobLog) order() int                  { return l.seq }
func (l *jobLog) sortKey(field string) string { return timestamp(l.CreatedAt) }

func (l *jobLog) wire() any {
	return map[string]any{
		"id":                     l.ID,
		"job_id":                 nullable(l.JobID),
		"created_at":             timestamp(l.CreatedAt),
		"job_type":               l.JobType,
		"status":                 l.Status,
		"parent_job_id":          nullable(l.ParentJobID),
		"root_job_id":            l.RootJobID,
		"job_schedule_id":        nullable(l.JobScheduleID),
		"integration_id":         l.IntegrationID,
		"associated_property_id": nullable(l.AssociatedPropertyID),
	}
}

// PutJobLog stores l and returns it as stored: an empty ID is generated,
// a zero CreatedAt is now, an empty RootJobID is the JobID, an empty
// IntegrationID is IntegrationID, an empty Status is FAILURE. A log with
// the ID of a stored one replaces it.
func (s *Server) PutJobLog(l propexo.JobLog) propexo.JobLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.ID == "" {
		l.ID = s.newID()
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = s.now()
	}
	l.CreatedAt = l.CreatedAt.UTC().Truncate(time.Millisecond)
	if l.RootJobID == "" {
		l.RootJobID = l.JobID
	}
	if l.IntegrationID == "" {
		l.IntegrationID = IntegrationID
	}
	if l.Status == "" {
		l.Status = propexo.JobStatusFailure
	}
	s.seq++
	s.jobLogs = slices.DeleteFunc(s.jobLogs, func(o *jobLog) bool { return o.ID == l.ID })
	s.jobLogs = append(s.jobLogs, &jobLog{JobLog: l, seq: s.seq})
	return l
}

func (s *Server) listJobLogs(w http.ResponseWriter, r *http.Request) {
	q, ok := parseList(w, r, "created_at")
	if !ok {
		return
	}
	v := r.URL.Query()
	status := v.Get("status")
	if status != "" && status != string(propexo.JobStatusSuccess) && status != string(propexo.JobStatusFailure) {
		badRequest(w, "invalid_enum_value", "Invalid enum value. Expected 'SUCCESS' | 'FAILURE'", "status")
		return
	}
	s.mu.Lock()
	logs := slices.DeleteFunc(slices.Clone(s.jobLogs), func(l *jobLog) bool {
		return (status != "" && string(l.Status) != status) ||
			(v.Get("integration_id") != "" && l.IntegrationID != v.Get("integration_id")) ||
			(v.Get("job_type") != "" && string(l.JobType) != v.Get("job_type"))
	})
	s.mu.Unlock()
	page(w, q, logs, (*jobLog).wire)
}

// listJobLogsForJob serves the logs of a job: with include_all_jobs (the
// default), also those whose parent or root job is it. A job without logs
// is an empty list, not a 404 (the reference is silent).
func (s *Server) listJobLogsForJob(w http.ResponseWriter, r *http.Request) {
	q, ok := parseList(w, r, "created_at")
	if !ok {
		return
	}
	id := r.PathValue("id")
	all := true
	switch r.URL.Query().Get("include_all_jobs") {
	case "", "true":
	case "false":
		all = false
	default:
		badRequest(w, "invalid_type", "include_all_jobs must be true or false", "include_all_jobs")
		return
	}
	s.mu.Lock()
	logs := slices.DeleteFunc(slices.Clone(s.jobLogs), func(l *jobLog) bool {
		return l.JobID != id && (!all || (l.ParentJobID != id && l.RootJobID != id))
	})
	s.mu.Unlock()
	page(w, q, logs, (*jobLog).wire)
}

func (s *Server) getJobLog(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("job_log_id")
	s.mu.Lock()
	i := slices.IndexFunc(s.jobLogs, func(l *jobLog) bool { return l.ID == id })
	var v any
	if i >= 0 {
		v = s.jobLogs[i].wire()
	}
	s.mu.Unlock()
	if i < 0 {
		writeError(w, http.StatusNotFound, "not_found", "job log not found", nil)
		return
	}
	writeOne(w, v)
}

// writeStatus is a stored write status.
type writeStatus struct {
	propexo.WriteResult
	integrationID string
}

// PutWriteStatus stores the status of the write whose root job is
// rootJobID: GET /v1/admin/write-status/{root_job_id} then serves
// r.Status, r.Errors and r.CreatedRecordID (r.RootJobID is ignored).
func (s *Server) PutWriteStatus(rootJobID string, r propexo.WriteResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.RootJobID = rootJobID
	r.Errors = slices.Clone(r.Errors)
	s.writes[rootJobID] = &writeStatus{WriteResult: r, integrationID: IntegrationID}
}

func (s *Server) getWriteStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ws, ok := s.writes[r.PathValue("root_job_id")]
	var v map[string]any
	if ok {
		errs := ws.Errors
		if errs == nil {
			errs = []string{}
		}
		v = map[string]any{"write_status": ws.Status, "errors": errs, "created_record_id": nullable(ws.CreatedRecordID)}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "write operation not found", nil)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// dataDiff is a stored data diff.
type dataDiff struct {
	id            string
	seq           int
	model         propexo.Model
	recordID      string
	eventType     propexo.DataDiffEventType
	diff          json.RawMessage
	at            time.Time
	jobID         string
	integrationID string
	vendor        propexo.Vendor
}

func (d *dataDiff) order() int                  { return d.seq }
func (d *dataDiff) sortKey(field string) string { return timestamp(d.at) }

func (d *dataDiff) wire() any {
	vendor := d.vendor
	if vendor == "" {
		vendor = Vendor
	}
	return map[string]any{
		"id":                 d.id,
		"model":              d.model,
		"model_record_id":    d.recordID,
		"event_type":         d.eventType,
		"data_diff":          d.diff,
		"created_at":         timestamp(d.at),
		"job_id":             nullable(d.jobID),
		"integration_id":     d.integrationID,
		"integration_vendor": vendor,
	}
}

// PutDataDiff stores d, besides those PutRecord records, and returns it as
// stored: an empty ID is generated, a zero CreatedAt is now, an empty
// IntegrationID is IntegrationID and an empty IntegrationVendor is Vendor;
// a nil DataDiff is {}.
func (s *Server) PutDataDiff(d propexo.DataDiff) propexo.DataDiff {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d.ID == "" {
		d.ID = s.newID()
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = s.now()
	}
	d.CreatedAt = d.CreatedAt.UTC().Truncate(time.Millisecond)
	if d.IntegrationID == "" {
		d.IntegrationID = IntegrationID
	}
	if d.IntegrationVendor == "" {
		d.IntegrationVendor = Vendor
	}
	if len(d.DataDiff) == 0 {
		d.DataDiff = json.RawMessage("{}")
	}
	s.seq++
	s.diffs = append(s.diffs, &dataDiff{
		id: d.ID, seq: s.seq, model: d.Model, recordID: d.ModelRecordID, eventType: d.EventType,
		diff: slices.Clone(d.DataDiff), at: d.CreatedAt, jobID: d.JobID, integrationID: d.IntegrationID,
		vendor: d.IntegrationVendor,
	})
	return d
}

// listDataDiffs filters as Propexo documents: integration_vendor (from
// its enum), integration_id, and after and before, which the Server takes
// as exclusive bounds (the reference does not say).
func (s *Server) listDataDiffs(w http.ResponseWriter, r *http.Request) {
	q, ok := parseList(w, r, "created_at")
	if !ok {
		return
	}
	v := r.URL.Query()
	vendor := propexo.Vendor(v.Get("integration_vendor"))
	if vendor != "" && !slices.Contains(propexo.DataDiffVendors(), vendor) {
		badRequest(w, "invalid_enum_value", "Invalid enum value", "integration_vendor")
		return
	}
	var bounds [2]time.Time
	for i, name := range []string{"after", "before"} {
		if t := v.Get(name); t != "" {
			at, err := time.Parse(time.RFC3339Nano, t)
			if err != nil {
				badRequest(w, "invalid_date", "Invalid date", name)
				return
			}
			bounds[i] = at
		}
	}
	s.mu.Lock()
	diffs := slices.DeleteFunc(slices.Clone(s.diffs), func(d *dataDiff) bool {
		dv := d.vendor
		if dv == "" {
			dv = Vendor
		}
		return (vendor != "" && dv != vendor) ||
			(v.Get("integration_id") != "" && d.integrationID != v.Get("integration_id")) ||
			(!bounds[0].IsZero() && !d.at.After(bounds[0])) ||
			(!bounds[1].IsZero() && !d.at.Before(bounds[1]))
	})
	s.mu.Unlock()
	page(w, q, diffs, (*dataDiff).wire)
}
