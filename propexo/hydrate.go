package propexo

import (
	"context"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/hydrate"
)

// Hydrator is the event.Hydrator of Propexo deliveries: it reads, through
// a Client, the current state of what a delivery is about. Propexo's
// deliveries are hints: a DATA_NEW may carry only some fields of the new
// record (the rest follow in a DATA_UPDATE), a DATA_UPDATE carries only
// the changed fields, and Propexo's own guide recommends fetching the
// record. Hydration is how a handler gets the whole record.
//
// Hydrate fetches, by the delivery's trigger:
//   - DATA_NEW and DATA_UPDATE of a model in RecordModels, delivered or
//     polled by a Source (whose RecordOf, the data diff, it replaces): the
//     record, with Client.Records.Get(model, record_id); Record.Data is its
//     *Record. Propexo's records are residential (leases, residents,
//     units, ...), not bookings or messages: Record.Booking and
//     Record.Message stay nil, as the deliveries carry neither.
//   - JOB_FAILURE: the logs of the failed job and of the jobs it spawned,
//     with Client.JobLogs.AllForJob(job_id); Record.Data is their
//     []*JobLog.
//   - WRITE_OPERATION_FAILURE: the write's status now, with
//     Client.Writes.Get(root_job_id); Record.Data is its *WriteResult.
//
// Every other delivery is returned unchanged, with a nil error: the sync
// reports (SYNC_COMPLETE, FIRST_SYNC_COMPLETE, the legacy JOB_SUCCESS), a
// DATA_* of a model without get-by-id call (relations such as
// residents_to_leases: see RecordModels), an unknown trigger, a delivery
// without record or job id, and events of other providers.
//
// A 404 or 410 answer is a deleted record (Record.Deleted); Propexo itself
// never deletes a cached record, so this means an id it does not know. A
// 429 is an error wrapping *event.RateLimitError. It is safe for
// concurrent use, and its fetches share the Client's rate-limit window.
type Hydrator struct {
	client *Client
	now    func() time.Time
}

var _ event.Hydrator = (*Hydrator)(nil)

// NewHydrator returns the Hydrator that fetches with c. It panics when c
// is nil, as a Hydrator without client could fetch nothing.
func NewHydrator(c *Client) *Hydrator {
	if c == nil {
		panic("propexo: NewHydrator: nil client")
	}
	return &Hydrator{client: c, now: time.Now}
}

// Provider returns Provider, "propexo".
func (h *Hydrator) Provider() event.Provider { return Provider }

// Hydrate returns e with the current state of what it is about (see
// Hydrator), or e itself when there is nothing to fetch. The returned
// event keeps e's ID, Raw, Data, Type and Subject.
func (h *Hydrator) Hydrate(ctx context.Context, e event.Event) (event.Event, error) {
	fetch := h.fetcher(e)
	if fetch == nil {
		return e, nil
	}
	return hydrate.Fetch(ctx, Provider, e, h.now, fetch)
}

// fetcher returns the fetch for e, or nil when there is none.
func (h *Hydrator) fetcher(e event.Event) func(context.Context) (event.Record, error) {
	if e == nil || e.Provider() != Provider {
		return nil
	}
	id := e.Subject().ID
	if id == "" {
		return nil
	}
	w, _ := e.Data().(*Webhook)
	trigger := Trigger(e.Name())
	if w != nil {
		trigger = w.Trigger
	}
	switch trigger {
	case TriggerDataNew, TriggerDataUpdate:
		m := h.model(e, w)
		if m.RecordPath() == "" {
			return nil
		}
		return func(ctx context.Context) (event.Record, error) {
			r, _, err := h.client.Records.Get(ctx, m, id)
			if err != nil {
				return event.Record{}, err
			}
			return event.Record{Data: r}, nil
		}
	case TriggerJobFailure:
		return func(ctx context.Context) (event.Record, error) {
			logs := []*JobLog{}
			for l, err := range h.client.JobLogs.AllForJob(ctx, id, nil) {
				if err != nil {
					return event.Record{}, err
				}
				logs = append(logs, l)
			}
			return event.Record{Data: logs}, nil
		}
	case TriggerWriteOperationFailure:
		return func(ctx context.Context) (event.Record, error) {
			r, _, err := h.client.Writes.Get(ctx, id)
			if err != nil {
				return event.Record{}, err
			}
			return event.Record{Data: r}, nil
		}
	}
	return nil
}

// model is the model of a DATA_* event: the delivery's object (or
// meta.object), or the data diff's model for a Source's event, else the
// model whose Kind is the subject's kind.
func (h *Hydrator) model(e event.Event, w *Webhook) Model {
	if w != nil {
		switch {
		case w.DataNew != nil:
			return recordModel(w, w.DataNew.Object)
		case w.DataUpdate != nil:
			return recordModel(w, w.DataUpdate.Object)
		}
	}
	if d, ok := e.Data().(*DataDiff); ok && d.Model != "" {
		return d.Model // a Source's event
	}
	kind := e.Subject().Kind
	for m := range recordPaths {
		if m.Kind() == kind {
			return m
		}
	}
	return ""
}
