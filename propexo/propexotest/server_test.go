package propexotest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

func newServer(t *testing.T) (*propexotest.Server, *propexo.Client) {
	t.Helper()
	s := propexotest.NewServer()
	t.Cleanup(s.Close)
	c, err := s.Client()
	require.NoError(t, err)
	return s, c
}

// call sends method url with the API key (when key is true) and returns
// the status, headers and decoded JSON body.
func call(t *testing.T, method, url, body string, key bool) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	if key {
		req.Header.Set("Authorization", "Bearer "+propexotest.APIKey)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var v map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &v)
	return resp.StatusCode, resp.Header, v
}

func TestServer_auth(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	for _, path := range []string{"/webhooks/", "/leases/x", "/admin/data-diffs/", "/admin/write-status/x", "/nowhere"} {
		code, h, body := call(t, http.MethodGet, s.URL()+path, "", false)
		assert.Equal(t, http.StatusUnauthorized, code, path)
		assert.Equal(t, map[string]any{"error": map[string]any{"code": "unauthorized", "message": "invalid or missing API key"}}, body)
		assert.Equal(t, "150", h.Get("x-ratelimit-limit"))
	}
	code, h, body := call(t, http.MethodGet, s.URL()+"/webhooks/", "", true)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "application/json; charset=utf-8", h.Get("Content-Type"))
	assert.Contains(t, body, "meta")
	assert.Less(t, h.Get("x-ratelimit-remaining"), "150")

	code, _, body = call(t, http.MethodGet, s.URL()+"/nowhere", "", true)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "not_found", body["error"].(map[string]any)["code"])
}

func TestServer_answers(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	for range 3 {
		_, _, err := c.Webhooks.Create(t.Context(), &propexo.SubscriptionParams{URL: "https://example.com", Enabled: true, Events: []propexo.Trigger{propexo.TriggerSyncComplete}})
		require.NoError(t, err)
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		check                    func(t *testing.T, body map[string]any)
	}{
		{
			name: "list meta", method: http.MethodGet, path: "/webhooks/?offset=1&limit=1", status: 200,
			check: func(t *testing.T, body map[string]any) {
				assert.Equal(t, map[string]any{"offset": 1.0, "limit": 1.0, "hasMore": true, "total": 3.0,
					"orderBy": []any{map[string]any{"field": "created_at", "direction": "desc"}}}, body["meta"])
				assert.Len(t, body["results"], 1)
			},
		},
		{name: "limit too big", method: http.MethodGet, path: "/webhooks/?limit=251", status: 400},
		{name: "negative offset", method: http.MethodGet, path: "/webhooks/?offset=-1", status: 400},
		{name: "unknown order field", method: http.MethodGet, path: "/webhooks/?order-by=url:asc", status: 400},
		{name: "bad active", method: http.MethodGet, path: "/webhooks/?active=maybe", status: 400},
		{
			name: "unknown keys", method: http.MethodPost, path: "/webhooks/", status: 400,
			body: `{"url":"https://example.com","triggers":["DATA_NEW"],"foo":1}`,
			check: func(t *testing.T, body map[string]any) {
				e := body["error"].(map[string]any)
				assert.Equal(t, "invalid_request", e["code"])
				issues := e["details"].(map[string]any)["details"].(map[string]any)["issues"].([]any)
				assert.Equal(t, "unrecognized_keys", issues[0].(map[string]any)["code"])
				assert.Equal(t, []any{"foo"}, issues[0].(map[string]any)["keys"])
			},
		},
		{name: "no url", method: http.MethodPost, path: "/webhooks/", body: `{"triggers":["DATA_NEW"]}`, status: 400},
		{name: "no triggers", method: http.MethodPost, path: "/webhooks/", body: `{"url":"https://example.com","triggers":[]}`, status: 400},
		{name: "not an object", method: http.MethodPost, path: "/webhooks/", body: `[]`, status: 400},
		{name: "wrong type", method: http.MethodPost, path: "/webhooks/", body: `{"url":1,"triggers":["DATA_NEW"]}`, status: 400},
		{name: "bad vendor filter", method: http.MethodGet, path: "/admin/data-diffs/?integration_vendor=YARDI", status: 400},
		{name: "bad after", method: http.MethodGet, path: "/admin/data-diffs/?after=yesterday", status: 400},
		{name: "bad include_all_jobs", method: http.MethodGet, path: "/admin/logs/jobs/j1?include_all_jobs=1", status: 400},
		{name: "unknown job log", method: http.MethodGet, path: "/admin/job-logs/nope/", status: 404},
		{
			name: "write status is a bare object", method: http.MethodGet, path: "/admin/write-status/root-1", status: 200,
			check: func(t *testing.T, body map[string]any) {
				assert.Equal(t, map[string]any{"write_status": "FAILURE", "errors": []any{"boom"}, "created_record_id": nil}, body)
			},
		},
	}
	s.PutWriteStatus("root-1", propexo.WriteResult{Status: propexo.WriteStatusFailure, Errors: []string{"boom"}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := call(t, tt.method, s.URL()+tt.path, tt.body, true)
			assert.Equal(t, tt.status, code)
			if code == 400 {
				assert.Equal(t, "invalid_request", body["error"].(map[string]any)["code"])
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
}

func TestServer_records(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	require.ErrorIs(t, s.PutRecord(propexo.ModelResidentsToLeases, "r1", map[string]any{}), propexo.ErrNoRecordCall)
	require.Error(t, s.PutRecord(propexo.ModelLeases, "", map[string]any{}))
	require.Error(t, s.PutRecord(propexo.ModelLeases, "l1", []int{1}))
	require.Error(t, s.PutRecord(propexo.ModelLeases, "l1", nil))

	require.NoError(t, s.PutRecord("unit-details", "u1", json.RawMessage(`{"id":"ignored","x_id":"X-7","building_number":"B"}`)))
	raw, ok := s.Record(propexo.ModelUnitDetails, "u1")
	require.True(t, ok)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(raw, &rec))
	assert.Equal(t, "u1", rec["id"])
	assert.Equal(t, "X-7", rec["x_id"], "kept")
	assert.Equal(t, propexotest.IntegrationID, rec["integration_id"])
	assert.Equal(t, string(propexotest.Vendor), rec["integration_vendor"])
	assert.Nil(t, rec["property_id"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, rec["created_at"])

	code, _, body := call(t, http.MethodGet, s.URL()+"/units/details/u1", "", true)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, rec, body["results"])
	assert.Equal(t, 1.0, body["meta"].(map[string]any)["total"])

	s.DeleteRecord(propexo.ModelUnitDetails, "u1")
	_, ok = s.Record(propexo.ModelUnitDetails, "u1")
	assert.False(t, ok)
	code, _, _ = call(t, http.MethodGet, s.URL()+"/units/details/u1", "", true)
	assert.Equal(t, http.StatusNotFound, code)
}

func TestServer_Fail(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	require.NoError(t, s.PutRecord(propexo.ModelUnits, "u1", map[string]any{}))
	s.Fail(http.MethodGet, "/units/{id}",
		propexotest.Fault{Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"0"}}},
		propexotest.Fault{Delay: 20 * time.Millisecond})
	start := time.Now()
	r, resp, err := c.Records.Get(t.Context(), propexo.ModelUnits, "u1")
	require.NoError(t, err)
	assert.Equal(t, "u1", r.ID)
	assert.Equal(t, 2, resp.Attempts)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
	assert.Equal(t, 2, s.Requests(http.MethodGet, "/units/{id}"))
	assert.Equal(t, 2, s.Requests(http.MethodGet, "/units/u1"))

	s.Fail(http.MethodGet, "/units/u1", propexotest.Fault{Status: http.StatusTooManyRequests})
	code, h, body := call(t, http.MethodGet, s.URL()+"/units/u1", "", true)
	assert.Equal(t, http.StatusTooManyRequests, code)
	assert.Equal(t, "0", h.Get("x-ratelimit-remaining"))
	assert.Equal(t, "rate_limit_exceeded", body["error"].(map[string]any)["code"])
}

func TestServer_Handler(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	require.NoError(t, s.PutRecord(propexo.ModelLeases, "l1", map[string]any{}))
	other := httptest.NewServer(s.Handler())
	t.Cleanup(other.Close)
	c, err := propexo.NewClient(propexo.APIKey(propexotest.APIKey), propexo.WithBaseURL(other.URL+"/v1"))
	require.NoError(t, err)
	r, _, err := c.Records.Get(t.Context(), propexo.ModelLeases, "l1")
	require.NoError(t, err)
	assert.Equal(t, "l1", r.ID, "the same state")
}

// receiver is a webhook endpoint that verifies with secret and keeps what
// it receives.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	header []http.Header
}

func newReceiver(t *testing.T, secret string, status int) *receiver {
	t.Helper()
	v, err := propexo.NewVerifier(secret)
	require.NoError(t, err)
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		if !assert.NoError(t, v.Verify(req.Header, b), "signed with the webhook's secret") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.header = append(r.header, req.Header.Clone())
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) headers() []http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.header
}

func (r *receiver) received() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bodies
}

func subscribe(t *testing.T, c *propexo.Client, url, secret string, enabled bool, model propexo.Model, triggers ...propexo.Trigger) {
	t.Helper()
	_, _, err := c.Webhooks.Create(t.Context(), &propexo.SubscriptionParams{URL: url, Secret: secret, Enabled: enabled,
		Events: triggers, Model: model, Headers: []propexo.Header{{Header: "X-Custom", Value: "yes"}}})
	require.NoError(t, err)
}

func TestServer_Deliver(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	ctx := t.Context()
	leases := newReceiver(t, "secret-leases-1", http.StatusOK)
	residents := newReceiver(t, "secret-residents", http.StatusOK)
	disabled := newReceiver(t, "secret-disabled", http.StatusOK)
	updates := newReceiver(t, "secret-updates", http.StatusNoContent)
	ops := newReceiver(t, "secret-ops-000", http.StatusOK)
	subscribe(t, c, leases.URL, "secret-leases-1", true, propexo.ModelLeases, propexo.TriggerDataNew)
	subscribe(t, c, residents.URL, "secret-residents", true, propexo.ModelResidents, propexo.TriggerDataNew)
	subscribe(t, c, disabled.URL, "secret-disabled", false, propexo.ModelLeases, propexo.TriggerDataNew)
	subscribe(t, c, updates.URL, "secret-updates", true, propexo.ModelLeases, propexo.TriggerDataUpdate)
	subscribe(t, c, ops.URL, "secret-ops-000", true, "", propexo.TriggerJobFailure, propexo.TriggerWriteOperationFailure, propexo.TriggerSyncComplete)

	require.NoError(t, s.PutRecord(propexo.ModelLeases, "l1", map[string]any{"status_raw": "Pending", "property_id": "p1"}))
	n, err := s.Deliver(ctx, propexo.TriggerDataNew, propexo.ModelLeases, "l1")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.Len(t, leases.received(), 1)
	assert.Empty(t, residents.received())
	assert.Empty(t, disabled.received())
	assert.Empty(t, updates.received())
	assert.Equal(t, "yes", leases.headers()[0].Get("X-Custom"), "the webhook's custom headers")
	assert.Equal(t, "application/json", leases.headers()[0].Get("Content-Type"))
	w, err := propexo.Parse(leases.received()[0])
	require.NoError(t, err)
	require.NotNil(t, w.DataNew)
	assert.Equal(t, propexo.ModelLeases, w.DataNew.Object)
	assert.Equal(t, "l1", string(w.DataNew.RecordID))
	assert.Equal(t, propexotest.IntegrationID, string(w.IntegrationID))
	assert.Equal(t, propexotest.Vendor, w.Vendor)
	assert.JSONEq(t, `{"property_id":"p1"}`, string(w.DataNew.Context))
	assert.Contains(t, string(w.DataNew.Payload), `"status_raw":"Pending"`)
	assert.Contains(t, string(leases.received()[0]), `"object":"leases"`)

	require.NoError(t, s.PutRecord(propexo.ModelLeases, "l1", map[string]any{"status_raw": "Current", "property_id": "p1"}))
	n, err = s.Deliver(ctx, propexo.TriggerDataUpdate, "leases", "l1")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	w, err = propexo.Parse(updates.received()[0])
	require.NoError(t, err)
	changed, err := w.DataUpdate.Diff.Changed()
	require.NoError(t, err)
	assert.Contains(t, changed, "status_raw")
	assert.NotContains(t, changed, "property_id")
	assert.Contains(t, string(w.DataUpdate.Diff.Previous), `"status_raw":"Pending"`)

	s.PutJobLog(propexo.JobLog{JobID: "job-1", RootJobID: "root-1", JobType: propexo.JobTypeReadLeadEvents})
	n, err = s.Deliver(ctx, propexo.TriggerJobFailure, "", "job-1")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	w, err = propexo.Parse(ops.received()[0])
	require.NoError(t, err)
	assert.Equal(t, propexo.JobFailure{Event: propexo.TriggerJobFailure, IntegrationID: propexotest.IntegrationID,
		Vendor: propexotest.Vendor, JobID: "job-1", RootJobID: "root-1", JobType: propexo.JobTypeReadLeadEvents}, *w.JobFailure)

	s.PutWriteStatus("root-w", propexo.WriteResult{Status: propexo.WriteStatusFailure, Errors: []string{"boom"}})
	n, err = s.Deliver(ctx, propexo.TriggerWriteOperationFailure, "", "root-w")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	w, err = propexo.Parse(ops.received()[1])
	require.NoError(t, err)
	assert.Equal(t, "root-w", string(w.WriteOperationFailure.RootJobID))
	assert.Equal(t, propexo.WriteStatusFailure, w.WriteOperationFailure.WriteStatus)

	sample, _ := propexotest.Sample("SYNC_COMPLETE")
	n, err = s.DeliverBody(ctx, sample)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, sample, ops.received()[2], "sent as given")

	for _, tt := range []struct {
		name    string
		trigger propexo.Trigger
		model   propexo.Model
		id      string
	}{
		{"record not stored", propexo.TriggerDataNew, propexo.ModelLeases, "l2"},
		{"job without log", propexo.TriggerJobFailure, "", "job-2"},
		{"write not stored", propexo.TriggerWriteOperationFailure, "", "root-2"},
		{"not about a stored object", propexo.TriggerSyncComplete, "", "x"},
	} {
		n, err := s.Deliver(ctx, tt.trigger, tt.model, tt.id)
		assert.Error(t, err, tt.name)
		assert.Zero(t, n, tt.name)
	}
	_, err = s.DeliverBody(ctx, []byte(`{}`))
	assert.Error(t, err)
}

func TestServer_Deliver_failures(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	ok := newReceiver(t, "secret-ok-000", http.StatusOK)
	refusing := newReceiver(t, "secret-refuse", http.StatusInternalServerError)
	subscribe(t, c, refusing.URL+"/hook?token=abc", "secret-refuse", true, "", propexo.TriggerSyncComplete)
	subscribe(t, c, ok.URL, "secret-ok-000", true, "", propexo.TriggerSyncComplete)
	sample, _ := propexotest.Sample("SYNC_COMPLETE")
	n, err := s.DeliverBody(t.Context(), sample)
	require.Error(t, err)
	assert.Equal(t, 1, n, "the other subscriber still gets it")
	assert.Len(t, ok.received(), 1)
	assert.Contains(t, err.Error(), "answered 500")
	assert.NotContains(t, err.Error(), "token=abc")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	n, err = s.DeliverBody(ctx, sample)
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, n)
}

func TestServer_Client(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	_, err := s.Client(propexo.WithRetryWait(time.Second, time.Millisecond))
	require.Error(t, err, "options are applied after the Server's")
	c, err := s.Client(propexo.WithUserAgent("ua"))
	require.NoError(t, err)
	_, resp, err := c.Webhooks.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, propexotest.RateLimit, resp.Rate.Limit)
	assert.True(t, strings.HasSuffix(s.URL(), "/v1"))
}

// TestServer_PutRecord_dataDiffs checks what a propexo.Source relies on:
// a record changed without a webhook is in the data diffs, whose job_id is
// the one Deliver then sends, sorted on created_at (ties as recorded) and
// paged by offset, with after as an exclusive bound.
func TestServer_PutRecord_dataDiffs(t *testing.T) {
	t.Parallel()
	s, c := newServer(t)
	ctx := t.Context()
	hooks := newReceiver(t, "secret-leases-1", http.StatusOK)
	subscribe(t, c, hooks.URL, "secret-leases-1", true, propexo.ModelLeases, propexo.TriggerDataNew, propexo.TriggerDataUpdate)

	require.NoError(t, s.PutRecord(propexo.ModelLeases, "l1", map[string]any{"status_raw": "Pending"}))
	time.Sleep(2 * time.Millisecond)
	require.NoError(t, s.PutRecord(propexo.ModelLeases, "l1", map[string]any{"status_raw": "Current"}))
	assert.Empty(t, hooks.received(), "PutRecord sends no webhook")
	_, err := s.Deliver(ctx, propexo.TriggerDataUpdate, propexo.ModelLeases, "l1")
	require.NoError(t, err)

	p, _, err := c.DataDiffs.List(ctx, &propexo.DataDiffListOptions{OrderBy: "created_at:asc"})
	require.NoError(t, err)
	require.Len(t, p.Items, 2)
	created, updated := p.Items[0], p.Items[1]
	assert.Equal(t, propexo.DataDiffNew, created.EventType)
	assert.Equal(t, propexo.DataDiffUpdate, updated.EventType)
	require.NotEmpty(t, created.JobID)
	require.NotEmpty(t, updated.JobID)
	assert.NotEqual(t, created.JobID, updated.JobID, "one sync job per change")
	w, err := propexo.Parse(hooks.received()[0])
	require.NoError(t, err)
	assert.Equal(t, updated.JobID, string(w.DataUpdate.JobID), "the delivery of the change carries its diff's job")

	// Ties on created_at and offsets that are no multiple of the limit.
	at := updated.CreatedAt.Add(time.Second)
	var tied []string
	for range 3 {
		tied = append(tied, s.PutDataDiff(propexo.DataDiff{Model: propexo.ModelUnits, ModelRecordID: "u", EventType: propexo.DataDiffNew, CreatedAt: at}).ID)
	}
	var got []string
	for off := 0; ; off++ {
		var env struct {
			Meta struct {
				Offset  int  `json:"offset"`
				HasMore bool `json:"hasMore"`
			} `json:"meta"`
			Results []propexo.DataDiff `json:"results"`
		}
		status, _, v := call(t, http.MethodGet, s.URL()+"/admin/data-diffs/?order-by=created_at:asc&limit=1&offset="+strconv.Itoa(off)+
			"&after="+updated.CreatedAt.Format(time.RFC3339Nano), "", true)
		require.Equal(t, http.StatusOK, status)
		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &env))
		assert.Equal(t, off, env.Meta.Offset)
		for _, d := range env.Results {
			got = append(got, d.ID)
		}
		if !env.Meta.HasMore {
			break
		}
	}
	assert.Equal(t, tied, got, "after excludes its bound; ties as recorded")
}
