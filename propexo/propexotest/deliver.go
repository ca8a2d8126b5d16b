package propexotest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/pmshooks/pmshooks/propexo"
)

// Deliver sends the webhook Propexo would send for trigger about a stored
// object, signed with each webhook's secret, to every enabled webhook
// configuration (created through the API) that selects it, and returns to
// how many it was sent. The body is the enveloped shape {"trigger",
// "data", "meta"}, compact JSON, as propexo.Parse reads it:
//   - DATA_NEW: the record id of model (PutRecord), its "payload" the
//     record as stored now, to the webhooks of DATA_NEW for model;
//   - DATA_UPDATE: the same record, its "diff" the fields that changed
//     with the last PutRecord of it, to the webhooks of DATA_UPDATE for
//     model;
//   - JOB_FAILURE: the job id, with the type and root job of its latest
//     log (PutJobLog); model is ignored;
//   - WRITE_OPERATION_FAILURE: the write whose root job is id, with its
//     status and errors (PutWriteStatus); model is ignored.
//
// A DATA_* delivery's job_id and root_job_id are the job of the record's
// last PutRecord, the job_id of its data diff. Other triggers
// (SYNC_COMPLETE, ...) are about no stored object: send them with
// DeliverBody, such as a Sample. Deliver fails when the object is not
// stored, and when a delivery fails or is answered with a status other
// than 2xx (the error says which URL, without its query); the others are
// still sent. Deliveries are sent one after the other, oldest webhook
// first, without the retries Propexo would make.
func (s *Server) Deliver(ctx context.Context, trigger propexo.Trigger, model propexo.Model, id string) (int, error) {
	body, err := s.body(trigger, propexo.NormalizeModel(string(model)), id)
	if err != nil {
		return 0, fmt.Errorf("propexotest: deliver %s: %w", trigger, err)
	}
	return s.DeliverBody(ctx, body)
}

// DeliverBody sends body as Deliver does, to the enabled webhook
// configurations that select its trigger (and, for DATA_NEW and
// DATA_UPDATE, its model), as propexo.Parse reads them from body. It fails
// when body does not parse.
func (s *Server) DeliverBody(ctx context.Context, body []byte) (int, error) {
	w, err := propexo.Parse(body)
	if err != nil {
		return 0, fmt.Errorf("propexotest: deliver: %w", err)
	}
	var model propexo.Model
	switch {
	case w.DataNew != nil:
		model = w.DataNew.Object
	case w.DataUpdate != nil:
		model = w.DataUpdate.Object
	}
	if model == "" && w.Meta != nil {
		model = w.Meta.Object
	}
	n := 0
	var errs []error
	for _, t := range s.targets(w.Trigger, model) {
		if err := s.send(ctx, t, body); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// send posts body to t, signed with t's secret, with t's extra headers.
func (s *Server) send(ctx context.Context, t target, body []byte) error {
	shown := t.url
	if u, err := url.Parse(t.url); err == nil {
		u.RawQuery, u.Fragment, u.User = "", "", nil
		shown = u.String()
	}
	v, err := propexo.NewVerifier(t.secret)
	if err != nil {
		return fmt.Errorf("propexotest: deliver to %s: %w", shown, err)
	}
	req, err := NewRequest(ctx, t.url, body, v)
	if err != nil {
		return fmt.Errorf("propexotest: deliver to %s: %w", shown, err)
	}
	for _, h := range t.headers {
		if !strings.EqualFold(h.Header, propexo.SignatureHeader) {
			req.Header.Set(h.Header, h.Value)
		}
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("propexotest: deliver to %s: %w", shown, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("propexotest: deliver to %s: answered %d", shown, resp.StatusCode)
	}
	return nil
}

// body builds the delivery of trigger about the stored object id.
func (s *Server) body(trigger propexo.Trigger, m propexo.Model, id string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := map[string]any{"event": trigger, "integration_id": IntegrationID, "vendor": Vendor}
	env := map[string]any{"trigger": trigger, "data": data}
	switch trigger {
	case propexo.TriggerDataNew, propexo.TriggerDataUpdate:
		rec, ok := s.records[m][id]
		if !ok {
			return nil, fmt.Errorf("no %s record %q", m, id)
		}
		integration := text(rec.cur["integration_id"])
		job := rec.jobID
		data["integration_id"] = integration
		data["job_id"] = job
		data["root_job_id"] = job
		data["job_type"] = "READ_" + strings.ToUpper(string(m))
		data["record_id"] = id
		data["object"] = m.Object()
		data["context"] = map[string]json.RawMessage{"property_id": rec.cur["property_id"]}
		env["meta"] = map[string]any{"object": m.Object(), "integration_id": integration}
		if trigger == propexo.TriggerDataNew {
			data["payload"] = rec.cur
		} else {
			data["diff"] = changes(rec.prev, rec.cur)
		}
	case propexo.TriggerJobFailure:
		var last *jobLog
		for _, l := range s.jobLogs {
			if l.JobID == id && (last == nil || !l.CreatedAt.Before(last.CreatedAt)) {
				last = l
			}
		}
		if last == nil {
			return nil, fmt.Errorf("no log of job %q", id)
		}
		data["integration_id"] = last.IntegrationID
		data["job_id"] = id
		data["root_job_id"] = last.RootJobID
		data["job_type"] = last.JobType
	case propexo.TriggerWriteOperationFailure:
		ws, ok := s.writes[id]
		if !ok {
			return nil, fmt.Errorf("no write with root job %q", id)
		}
		errs := ws.Errors
		if errs == nil {
			errs = []string{}
		}
		data["integration_id"] = ws.integrationID
		data["root_job_id"] = id
		data["write_status"] = ws.Status
		data["errors"] = errs
	default:
		return nil, errors.New("not about a stored object: use DeliverBody")
	}
	return json.Marshal(env)
}
