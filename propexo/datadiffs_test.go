package propexo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/propexo"
)

func dataDiffJSON(i int) map[string]any {
	d := map[string]any{
		"id":                 fmt.Sprintf("dd-%03d", i),
		"model":              "leases",
		"model_record_id":    "clx9m2v4t000508jq1b7c3d8e",
		"event_type":         "UPDATE",
		"data_diff":          map[string]any{"new": map[string]any{"status": "approved"}, "previous": map[string]any{"status": "pending"}},
		"created_at":         "2025-08-18T13:06:56.283Z",
		"job_id":             nil,
		"integration_id":     "cly301lrc000009jvbp6vaz7i",
		"integration_vendor": "ENTRATA",
	}
	if i%2 == 0 {
		d["event_type"] = "NEW"
		d["job_id"] = "cm2kq7r1x000308l4g3hd9w2a"
		d["data_diff"] = map[string]any{"status": "pending"}
	}
	return d
}

func TestDataDiffsService_List(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	after := time.Date(2025, 8, 18, 9, 0, 0, 0, time.FixedZone("EDT", -4*3600))
	mux.HandleFunc("/v1/admin/data-diffs/", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		assert.Equal(t, "/v1/admin/data-diffs/", r.URL.Path)
		q := r.URL.Query()
		assert.Equal(t, "cly301lrc000009jvbp6vaz7i", q.Get("integration_id"))
		assert.Equal(t, "ENTRATA", q.Get("integration_vendor"))
		assert.Equal(t, "2025-08-18T13:00:00Z", q.Get("after"), "sent in UTC")
		assert.Empty(t, q.Get("before"), "a zero time sets no bound")
		assert.Equal(t, "20", q.Get("limit"))
		assert.Empty(t, q.Get("active"), "active is a webhook filter only")
		writeJSON(w, http.StatusOK, map[string]any{
			"meta":    map[string]any{"offset": 0, "limit": 20, "orderBy": []any{}, "hasMore": false, "total": 2},
			"results": []any{dataDiffJSON(1), dataDiffJSON(2)},
		})
	})
	page, _, err := c.DataDiffs.List(context.Background(), &propexo.DataDiffListOptions{
		IntegrationID: "cly301lrc000009jvbp6vaz7i", Vendor: propexo.VendorEntrata, After: after, ListOptions: propexo.ListOptions{PerPage: 20},
	})
	require.NoError(t, err)
	want := []*propexo.DataDiff{
		{
			ID: "dd-001", Model: propexo.ModelLeases, ModelRecordID: "clx9m2v4t000508jq1b7c3d8e",
			EventType:     propexo.DataDiffUpdate,
			DataDiff:      json.RawMessage(`{"new":{"status":"approved"},"previous":{"status":"pending"}}`),
			CreatedAt:     time.Date(2025, 8, 18, 13, 6, 56, 283_000_000, time.UTC),
			IntegrationID: "cly301lrc000009jvbp6vaz7i", IntegrationVendor: propexo.VendorEntrata,
		},
		{
			ID: "dd-002", Model: propexo.ModelLeases, ModelRecordID: "clx9m2v4t000508jq1b7c3d8e",
			EventType:     propexo.DataDiffNew,
			DataDiff:      json.RawMessage(`{"status":"pending"}`),
			CreatedAt:     time.Date(2025, 8, 18, 13, 6, 56, 283_000_000, time.UTC),
			JobID:         "cm2kq7r1x000308l4g3hd9w2a",
			IntegrationID: "cly301lrc000009jvbp6vaz7i", IntegrationVendor: propexo.VendorEntrata,
		},
	}
	if diff := cmp.Diff(want, page.Items, rawJSONEqual); diff != "" {
		t.Errorf("List mismatch (-want +got):\n%s", diff)
	}
	assert.Equal(t, 2, page.Total)
	assert.Zero(t, page.NextPage, "hasMore false")
}

// TestDataDiffsService_All is the backfill after an outage: every diff of
// an integration since a time, over several pages.
func TestDataDiffsService_All(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var items []map[string]any
	for i := range 5 {
		items = append(items, dataDiffJSON(i))
	}
	var calls atomic.Int32
	var offsets []string
	pages := servePages(items, metaHasMore, &calls)
	mux.HandleFunc("/v1/admin/data-diffs/", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "2025-08-18T01:00:00Z", r.URL.Query().Get("before"))
		assert.Equal(t, "2", r.URL.Query().Get("limit"))
		offsets = append(offsets, r.URL.Query().Get("offset"))
		pages(w, r)
	})
	var ids []string
	var triggers []propexo.Trigger
	for d, err := range c.DataDiffs.All(context.Background(), &propexo.DataDiffListOptions{
		Before: time.Date(2025, 8, 18, 1, 0, 0, 0, time.UTC), ListOptions: propexo.ListOptions{PerPage: 2},
	}) {
		require.NoError(t, err)
		ids = append(ids, d.ID)
		triggers = append(triggers, d.EventType.Trigger())
	}
	assert.Equal(t, []string{"dd-000", "dd-001", "dd-002", "dd-003", "dd-004"}, ids)
	assert.Equal(t, []propexo.Trigger{"DATA_NEW", "DATA_UPDATE", "DATA_NEW", "DATA_UPDATE", "DATA_NEW"}, triggers)
	assert.Equal(t, []string{"", "2", "4"}, offsets, "pages 1, 2, 3 of 2: offset (Page-1)*PerPage")
	assert.Equal(t, int32(3), calls.Load())
}

// TestDataDiffsService_All_vendor checks that All, like List, refuses a
// vendor the filter does not accept before sending anything.
func TestDataDiffsService_All_vendor(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/v1/admin/data-diffs/", servePages(nil, metaHasMore, &calls))
	var errs []error
	for d, err := range c.DataDiffs.All(context.Background(), &propexo.DataDiffListOptions{Vendor: propexo.VendorYardi}) {
		assert.Nil(t, d)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], propexo.ErrDataDiffVendor)
	assert.EqualError(t, errs[0], `propexo: list data diffs: vendor not accepted by the data-diffs filter: "YARDI"`)
	assert.Zero(t, calls.Load(), "nothing sent")
}

func TestDataDiffsService_List_vendor(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var got atomic.Value
	mux.HandleFunc("GET /v1/admin/data-diffs/", func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.URL.Query().Get("integration_vendor"))
		fmt.Fprint(w, `{"meta":{"offset":0,"limit":100,"total":0},"data":[]}`)
	})
	tests := []struct {
		vendor  propexo.Vendor
		wantErr bool
	}{
		{propexo.VendorEntrata, false},
		{propexo.VendorSample1, false},
		{propexo.VendorAppFolio, true},
		{propexo.VendorYardi, true},
		{propexo.VendorInternal, true},
		{"entrata", true},
	}
	for _, tt := range tests {
		t.Run(string(tt.vendor), func(t *testing.T) {
			got.Store("")
			_, _, err := c.DataDiffs.List(context.Background(), &propexo.DataDiffListOptions{Vendor: tt.vendor})
			if tt.wantErr {
				require.ErrorIs(t, err, propexo.ErrDataDiffVendor)
				assert.Empty(t, got.Load(), "nothing sent")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, string(tt.vendor), got.Load())
		})
	}
	assert.Contains(t, propexo.DataDiffVendors(), propexo.VendorRentvine)
}

func TestDataDiffEventType_Trigger(t *testing.T) {
	t.Parallel()
	assert.Equal(t, propexo.TriggerDataNew, propexo.DataDiffNew.Trigger())
	assert.Equal(t, propexo.TriggerDataUpdate, propexo.DataDiffUpdate.Trigger())
	assert.Equal(t, propexo.Trigger(""), propexo.DataDiffEventType("DELETE").Trigger())
}
