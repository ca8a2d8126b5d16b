package propexo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

const (
	leaseID   = "clx9m2v4t000508jq1b7c3d8e" // the DATA_UPDATE sample's record
	jobID     = "cm2n4k8w1000c08ld5y9a2b3c" // the JOB_FAILURE sample's job
	rootJobID = "ROOT_OPERATION_ID_002"     // the WRITE_OPERATION_FAILURE sample's write
)

// received returns the event the Receiver makes of the sample for name,
// changed by changes.
func received(t *testing.T, name string, changes map[string]any) event.Event {
	t.Helper()
	v, err := propexo.NewVerifier("whsec-test-secret")
	require.NoError(t, err)
	r, err := propexo.NewReceiver(v)
	require.NoError(t, err)
	body, err := propexotest.Derive(name, changes)
	require.NoError(t, err)
	h := http.Header{}
	v.Sign(h, body)
	e, err := r.Receive(h, body)
	require.NoError(t, err)
	return e
}

func TestHydrator_Hydrate(t *testing.T) {
	t.Parallel()
	kindOnly := event.New(event.Fields{Provider: propexo.Provider, Type: event.RecordUpdated, Name: "DATA_UPDATE",
		ID: "e1", Subject: event.Subject{Kind: "lease", ID: leaseID}})
	tests := []struct {
		name  string
		e     event.Event
		setup func(s *propexotest.Server)
		// check inspects the record of a fetch; nil means that e must come
		// back unchanged, without request.
		check   func(t *testing.T, rec event.Record)
		errWait time.Duration // a *RateLimitError with this wait
		err     bool          // another error
	}{
		{
			name: "fetched",
			e:    received(t, "DATA_UPDATE", nil),
			check: func(t *testing.T, rec event.Record) {
				r := rec.Data.(*propexo.Record)
				assert.Equal(t, leaseID, r.ID)
				assert.Equal(t, propexo.ModelLeases, r.Model)
				assert.Contains(t, string(r.Raw), `"status":"approved"`)
				assert.False(t, rec.Deleted)
				assert.Nil(t, rec.Booking)
				assert.Nil(t, rec.Message)
			},
		},
		{
			name: "model from the subject's kind",
			e:    kindOnly,
			check: func(t *testing.T, rec event.Record) {
				assert.Equal(t, leaseID, rec.Data.(*propexo.Record).ID)
			},
		},
		{
			name: "deleted (404)",
			e:    received(t, "DATA_UPDATE", map[string]any{"data.record_id": "cl-gone"}),
			check: func(t *testing.T, rec event.Record) {
				assert.True(t, rec.Deleted)
				assert.Nil(t, rec.Data)
			},
		},
		{
			name: "rate limited",
			e:    received(t, "DATA_UPDATE", nil),
			setup: func(s *propexotest.Server) {
				s.Fail(http.MethodGet, "/leases/{id}", propexotest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"90"}}})
			},
			errWait: 90 * time.Second,
		},
		{
			name: "5xx after the client's retries",
			e:    received(t, "DATA_UPDATE", nil),
			setup: func(s *propexotest.Server) {
				f := propexotest.Fault{Status: http.StatusInternalServerError}
				s.Fail(http.MethodGet, "/leases/{id}", f, f, f, f, f)
			},
			err: true,
		},
		{
			name: "job failure: the job's logs",
			e:    received(t, "JOB_FAILURE", nil),
			setup: func(s *propexotest.Server) {
				s.PutJobLog(propexo.JobLog{ID: "log-1", JobID: jobID, JobType: propexo.JobTypeReadResidentTransactions})
				s.PutJobLog(propexo.JobLog{ID: "log-2", JobID: "child", ParentJobID: jobID, RootJobID: jobID})
				s.PutJobLog(propexo.JobLog{ID: "log-3", JobID: "unrelated"})
			},
			check: func(t *testing.T, rec event.Record) {
				logs := rec.Data.([]*propexo.JobLog)
				assert.ElementsMatch(t, []string{"log-1", "log-2"}, ids(logs))
			},
		},
		{
			name: "job failure without logs",
			e:    received(t, "JOB_FAILURE", map[string]any{"data.job_id": "job-none"}),
			check: func(t *testing.T, rec event.Record) {
				assert.Equal(t, []*propexo.JobLog{}, rec.Data)
				assert.False(t, rec.Deleted)
			},
		},
		{
			name: "write operation failure: the write's status",
			e:    received(t, "WRITE_OPERATION_FAILURE", nil),
			setup: func(s *propexotest.Server) {
				s.PutWriteStatus(rootJobID, propexo.WriteResult{Status: propexo.WriteStatusSuccess})
			},
			check: func(t *testing.T, rec event.Record) {
				assert.Equal(t, &propexo.WriteResult{RootJobID: rootJobID, Status: propexo.WriteStatusSuccess, Errors: []string{}}, rec.Data)
			},
		},
		{name: "sync complete", e: received(t, "SYNC_COMPLETE", nil)},
		{name: "first sync complete", e: received(t, "FIRST_SYNC_COMPLETE", nil)},
		{name: "legacy job success", e: received(t, "JOB_SUCCESS", nil)},
		{name: "relation without get-by-id", e: received(t, "DATA_NEW", map[string]any{"data.object": "residents-to-leases", "meta.object": "residents-to-leases"})},
		{name: "no record id", e: received(t, "DATA_UPDATE", map[string]any{"data.record_id": ""})},
		{name: "other provider", e: event.New(event.Fields{Provider: "ownerrez", Name: "DATA_UPDATE", ID: "x", Subject: event.Subject{Kind: "lease", ID: leaseID}})},
		{name: "unknown kind", e: event.New(event.Fields{Provider: propexo.Provider, Name: "DATA_UPDATE", ID: "x", Subject: event.Subject{Kind: "widget", ID: "w1"}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := fake(t, propexo.WithRetryAfterMax(time.Second))
			require.NoError(t, s.PutRecord(propexo.ModelLeases, leaseID, map[string]any{"status": "approved"}))
			if tt.setup != nil {
				tt.setup(s)
			}
			h := propexo.NewHydrator(c)
			before := time.Now()
			got, err := h.Hydrate(t.Context(), tt.e)
			switch {
			case tt.errWait > 0:
				var rl *event.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, tt.errWait, rl.RetryAfter)
				assert.Equal(t, propexo.Provider, rl.Provider)
				var apiErr *propexo.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
				return
			case tt.err:
				require.Error(t, err)
				var rl *event.RateLimitError
				assert.False(t, errors.As(err, &rl))
				var apiErr *propexo.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
				assert.Equal(t, 5, apiErr.Attempts)
				return
			}
			require.NoError(t, err)
			if tt.check == nil {
				assert.Same(t, tt.e, got, "unchanged")
				_, ok := event.RecordOf(got)
				assert.False(t, ok)
				assert.Zero(t, s.Requests(http.MethodGet, "/leases/{id}"))
				return
			}
			rec, ok := event.RecordOf(got)
			require.True(t, ok)
			assert.False(t, rec.FetchedAt.Before(before))
			tt.check(t, rec)
			assert.Equal(t, tt.e.ID(), got.ID())
			assert.Equal(t, tt.e.Raw(), got.Raw())
			assert.True(t, tt.e.Data() == got.Data(), "the same Data")
			assert.Equal(t, tt.e.Type(), got.Type())
			assert.Equal(t, tt.e.Subject(), got.Subject())
		})
	}
}

func TestNewHydrator_nil(t *testing.T) {
	t.Parallel()
	assert.Panics(t, func() { propexo.NewHydrator(nil) })
	_, c := fake(t)
	assert.Equal(t, propexo.Provider, propexo.NewHydrator(c).Provider())
}

// TestHydrator_thinDelivery follows Propexo's sequence: a DATA_NEW with
// part of a new lease, then the rest in a DATA_UPDATE. Hydrated, both
// deliveries reach the handler with the whole lease: the same Record, by
// go-cmp, as a delivery that carried the whole lease gives.
func TestHydrator_thinDelivery(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	ctx := t.Context()
	const secret = "whsec-test-secret"
	v, err := propexo.NewVerifier(secret)
	require.NoError(t, err)
	r, err := propexo.NewReceiver(v)
	require.NoError(t, err)
	events := make(chan event.Event, 10)
	hook := httptest.NewServer(event.NewHTTPHandler(r, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		events <- e
		return nil
	})))
	t.Cleanup(hook.Close)
	_, _, err = c.Webhooks.Create(ctx, &propexo.SubscriptionParams{URL: hook.URL, Secret: secret, Enabled: true,
		Events: []propexo.Trigger{propexo.TriggerDataNew, propexo.TriggerDataUpdate}, Model: propexo.ModelLeases})
	require.NoError(t, err)
	h := propexo.NewHydrator(c)

	deliver := func(trigger propexo.Trigger) event.Event {
		t.Helper()
		n, err := s.Deliver(ctx, trigger, propexo.ModelLeases, "lease-7")
		require.NoError(t, err)
		require.Equal(t, 1, n)
		return <-events
	}
	hydrated := func(e event.Event) *propexo.Record {
		t.Helper()
		he, err := h.Hydrate(ctx, e)
		require.NoError(t, err)
		rec, ok := event.RecordOf(he)
		require.True(t, ok)
		return rec.Data.(*propexo.Record)
	}

	require.NoError(t, s.PutRecord(propexo.ModelLeases, "lease-7", map[string]any{"x_unit_id": "101"}))
	thin := deliver(propexo.TriggerDataNew)
	require.NoError(t, s.PutRecord(propexo.ModelLeases, "lease-7", map[string]any{
		"x_unit_id": "101", "status_raw": "Current", "rent_amount_in_cents": 150000, "start_date": "2026-01-01",
	}))
	update := deliver(propexo.TriggerDataUpdate)
	full := deliver(propexo.TriggerDataNew)

	thinPayload, err := thin.Data().(*propexo.Webhook).DataNew.Record()
	require.NoError(t, err)
	assert.NotContains(t, string(thinPayload.Raw), "status_raw", "the DATA_NEW was partial")
	assert.NotContains(t, string(update.Data().(*propexo.Webhook).DataUpdate.Diff.New), "x_unit_id", "the DATA_UPDATE holds the changed fields only")

	want, err := full.Data().(*propexo.Webhook).DataNew.Record()
	require.NoError(t, err)
	assert.Empty(t, cmp.Diff(want, hydrated(thin)), "a thin DATA_NEW hydrates to the whole lease")
	assert.Empty(t, cmp.Diff(want, hydrated(update)), "so does a DATA_UPDATE")
}
