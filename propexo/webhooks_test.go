package propexo_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/propexo"
)

// webhookJSON is one webhook as Propexo's API returns it.
func webhookJSON(i int) map[string]any {
	return map[string]any{
		"id":         fmt.Sprintf("wh-%03d", i),
		"created_at": "2024-03-21T15:38:08.337Z",
		"updated_at": "2024-06-01T12:00:00Z",
		"url":        fmt.Sprintf("https://example.test/hooks/%d", i),
		"active":     true,
		"secret":     "s3cr3tK3yForSigning",
		"system":     "PRODUCTION",
		"headers":    []any{map[string]any{"header": "Authorization", "value": "Bearer abcdef123456"}},
		"triggers":   []any{map[string]any{"id": "trg-1", "trigger": "DATA_UPDATE", "model": "leases"}},
	}
}

// metaMode says how the fake tells that more pages follow.
type metaMode int

const (
	metaHasMore metaMode = iota // hasMore and total, as documented
	metaTotal                   // total only (hasMore null)
	metaNone                    // neither: the client guesses from a full page
)

// servePages answers a list of items with Propexo's offset pagination:
// offset (default 0), limit (default 100, at most 250, else a Zod 400),
// and the meta object.
func servePages(items []map[string]any, mode metaMode, calls *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		q := r.URL.Query()
		offset, limit := 0, 100
		if v := q.Get("offset"); v != "" {
			offset, _ = strconv.Atoi(v)
		}
		if v := q.Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v)
		}
		if limit > 250 {
			writeError(w, http.StatusBadRequest, "invalid_request", "invalid request",
				map[string]any{"details": map[string]any{"name": "ZodError"}})
			return
		}
		end := min(offset+limit, len(items))
		page := []map[string]any{}
		if offset < len(items) {
			page = items[offset:end]
		}
		meta := map[string]any{"offset": offset, "limit": limit, "orderBy": []any{map[string]any{"field": "created_at", "direction": "desc"}}}
		switch mode {
		case metaHasMore:
			meta["hasMore"] = end < len(items)
			meta["total"] = len(items)
		case metaTotal:
			meta["hasMore"] = nil
			meta["total"] = len(items)
		}
		writeJSON(w, http.StatusOK, map[string]any{"meta": meta, "results": page})
	}
}

func TestWebhooksService_List(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		opts      *propexo.WebhookListOptions
		wantQuery string
	}{
		"nil options: active only, server defaults": {
			opts: nil, wantQuery: "active=true",
		},
		"inactive, paged and sorted": {
			opts:      &propexo.WebhookListOptions{Inactive: true, Offset: 50, Limit: 250, OrderBy: "updated_at:asc,url:desc"},
			wantQuery: "active=false&limit=250&offset=50&order-by=updated_at%3Aasc%2Curl%3Adesc",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("/v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				assert.Equal(t, "/v1/webhooks/", r.URL.Path, "the trailing slash is kept")
				assert.Equal(t, tc.wantQuery, r.URL.RawQuery)
				writeJSON(w, http.StatusOK, map[string]any{
					"meta":    map[string]any{"offset": 0, "limit": 100, "orderBy": []any{}, "hasMore": true, "total": 101},
					"results": []any{webhookJSON(1)},
				})
			})
			page, resp, err := c.Webhooks.List(context.Background(), tc.opts)
			require.NoError(t, err)
			require.NotNil(t, resp)
			want := &propexo.WebhookConfig{
				ID: "wh-001", URL: "https://example.test/hooks/1", Active: true, Secret: "s3cr3tK3yForSigning",
				System:    propexo.SystemProduction,
				CreatedAt: time.Date(2024, 3, 21, 15, 38, 8, 337_000_000, time.UTC),
				UpdatedAt: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
				Headers:   []propexo.Header{{Header: "Authorization", Value: "Bearer abcdef123456"}},
				Triggers:  []propexo.WebhookTrigger{{ID: "trg-1", Trigger: propexo.TriggerDataUpdate, Model: propexo.ModelLeases}},
			}
			if diff := cmp.Diff([]*propexo.WebhookConfig{want}, page.Webhooks); diff != "" {
				t.Errorf("List mismatch (-want +got):\n%s", diff)
			}
			assert.Equal(t, propexo.PageInfo{Offset: 0, Total: 101, HasMore: true, NextOffset: 1}, page.PageInfo)
		})
	}
}

func TestWebhooksService_List_invalidOptions(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/v1/webhooks/", servePages(nil, metaHasMore, &calls))
	for name, opts := range map[string]*propexo.WebhookListOptions{
		"limit over 250":  {Limit: 251},
		"negative limit":  {Limit: -1},
		"negative offset": {Offset: -5},
	} {
		_, _, err := c.Webhooks.List(context.Background(), opts)
		require.Error(t, err, name)
		for range c.Webhooks.All(context.Background(), opts) {
		}
	}
	assert.Equal(t, int32(0), calls.Load(), "invalid options send nothing")
}

func TestWebhooksService_All(t *testing.T) {
	t.Parallel()
	items := make([]map[string]any, 0, 7)
	for i := range 7 {
		items = append(items, webhookJSON(i))
	}
	tests := map[string]struct {
		mode      metaMode
		opts      *propexo.WebhookListOptions
		items     int
		wantIDs   int
		wantCalls int32
	}{
		"hasMore, pages of 3":             {mode: metaHasMore, opts: &propexo.WebhookListOptions{Limit: 3}, items: 7, wantIDs: 7, wantCalls: 3},
		"total only, pages of 3":          {mode: metaTotal, opts: &propexo.WebhookListOptions{Limit: 3}, items: 7, wantIDs: 7, wantCalls: 3},
		"no hint, pages of 3":             {mode: metaNone, opts: &propexo.WebhookListOptions{Limit: 3}, items: 7, wantIDs: 7, wantCalls: 3},
		"no hint, full last page":         {mode: metaNone, opts: &propexo.WebhookListOptions{Limit: 7}, items: 7, wantIDs: 7, wantCalls: 2},
		"default page size is the max":    {mode: metaHasMore, opts: nil, items: 7, wantIDs: 7, wantCalls: 1},
		"from an offset":                  {mode: metaHasMore, opts: &propexo.WebhookListOptions{Offset: 5, Limit: 1}, items: 7, wantIDs: 2, wantCalls: 2},
		"empty list":                      {mode: metaHasMore, opts: nil, items: 0, wantIDs: 0, wantCalls: 1},
		"hasMore false on a partial list": {mode: metaHasMore, opts: &propexo.WebhookListOptions{Limit: 250}, items: 3, wantIDs: 3, wantCalls: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			var calls atomic.Int32
			mux.HandleFunc("/v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
				if tc.opts == nil {
					assert.Equal(t, "250", r.URL.Query().Get("limit"))
				}
				servePages(items[:tc.items], tc.mode, &calls)(w, r)
			})
			var ids []string
			for w, err := range c.Webhooks.All(context.Background(), tc.opts) {
				require.NoError(t, err)
				ids = append(ids, w.ID)
			}
			assert.Len(t, ids, tc.wantIDs)
			if len(ids) > 0 {
				assert.Equal(t, fmt.Sprintf("wh-%03d", tc.items-tc.wantIDs), ids[0])
			}
			assert.Equal(t, tc.wantCalls, calls.Load(), "pages fetched")
		})
	}
}

func TestWebhooksService_All_stopsEarly(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	items := []map[string]any{webhookJSON(0), webhookJSON(1), webhookJSON(2)}
	mux.HandleFunc("/v1/webhooks/", servePages(items, metaHasMore, &calls))
	n := 0
	for _, err := range c.Webhooks.All(context.Background(), &propexo.WebhookListOptions{Limit: 1}) {
		require.NoError(t, err)
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, int32(2), calls.Load(), "no page is fetched after the loop stops")
}

func TestWebhooksService_All_error(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, propexo.WithRetryMax(-1))
	var calls atomic.Int32
	mux.HandleFunc("/v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 2 {
			writeError(w, http.StatusTooManyRequests, "rate_limited", "too many requests", nil)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"meta": map[string]any{"hasMore": true}, "results": []any{webhookJSON(int(calls.Load()))}})
	})
	var got []string
	var errs []error
	for w, err := range c.Webhooks.All(context.Background(), &propexo.WebhookListOptions{Limit: 1}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, w.ID)
	}
	assert.Equal(t, []string{"wh-001"}, got)
	require.Len(t, errs, 1, "the error ends the iteration")
	var apiErr *propexo.APIError
	require.ErrorAs(t, errs[0], &apiErr)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
}

func TestWebhooksService_All_offsetIgnoredByServer(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{"meta": map[string]any{"offset": 0, "hasMore": true}, "results": []any{webhookJSON(0)}})
	})
	var errs int
	for _, err := range c.Webhooks.All(context.Background(), &propexo.WebhookListOptions{Limit: 1}) {
		if err != nil {
			errs++
		}
	}
	assert.Equal(t, 1, errs, "a page that repeats itself ends with an error, not a loop")
	assert.LessOrEqual(t, calls.Load(), int32(3))
}

func TestWebhooksService_Get(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		results any
		wantErr bool
	}{
		"a single object, as documented": {results: webhookJSON(4)},
		"an array of one":                {results: []any{webhookJSON(4)}},
		"null":                           {results: nil, wantErr: true},
		"an array of two":                {results: []any{webhookJSON(4), webhookJSON(5)}, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("/v1/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				assert.Equal(t, "/v1/webhooks/wh-004", r.URL.Path)
				writeJSON(w, http.StatusOK, map[string]any{"meta": map[string]any{"orderBy": []any{}}, "results": tc.results})
			})
			got, _, err := c.Webhooks.Get(context.Background(), "wh-004")
			if tc.wantErr {
				require.Error(t, err)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "wh-004", got.ID)
			assert.Equal(t, "s3cr3tK3yForSigning", got.Secret)
		})
	}
}

func TestWebhooksService_pathEscaping(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var got string
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		writeJSON(w, http.StatusOK, map[string]any{"result": map[string]any{"id": "x"}})
	})
	_, err := c.Webhooks.Delete(context.Background(), "a/b?c")
	require.NoError(t, err)
	assert.Equal(t, "/v1/webhooks/a%2Fb%3Fc", got)

	for name, call := range map[string]func() error{
		"get":    func() error { _, _, err := c.Webhooks.Get(context.Background(), ""); return err },
		"update": func() error { _, _, err := c.Webhooks.Update(context.Background(), "", nil); return err },
		"delete": func() error { _, err := c.Webhooks.Delete(context.Background(), ""); return err },
	} {
		assert.ErrorContains(t, call(), "empty webhook id", name)
	}
}

func TestWebhooksService_Create(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		params   *propexo.CreateWebhookParams
		wantBody string
	}{
		"active by default, model for DATA_*": {
			params: &propexo.CreateWebhookParams{
				URL:      "https://example.test/hooks/propexo",
				Triggers: []propexo.Trigger{propexo.TriggerDataNew, propexo.TriggerDataUpdate},
				Model:    propexo.ModelResidentsToLeases,
				Headers:  []propexo.Header{{Header: "Authorization", Value: "Bearer abc"}},
				Secret:   "0123456789-secret",
			},
			wantBody: `{"url":"https://example.test/hooks/propexo","triggers":["DATA_NEW","DATA_UPDATE"],"model":"residents_to_leases","headers":[{"header":"Authorization","value":"Bearer abc"}],"secret":"0123456789-secret","active":true}`,
		},
		"inactive, generated secret, no model": {
			params: &propexo.CreateWebhookParams{
				URL:      "https://example.test/hooks/propexo",
				Triggers: []propexo.Trigger{propexo.TriggerSyncComplete},
				Inactive: true,
			},
			wantBody: `{"url":"https://example.test/hooks/propexo","triggers":["SYNC_COMPLETE"],"active":false}`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("/v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodPost)
				testJSONBody(t, r, tc.wantBody)
				created := webhookJSON(9)
				created["active"] = !tc.params.Inactive
				created["headers"] = nil
				writeJSON(w, http.StatusOK, map[string]any{"result": created})
			})
			got, resp, err := c.Webhooks.Create(context.Background(), tc.params)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "wh-009", got.ID)
			assert.Equal(t, !tc.params.Inactive, got.Active)
			assert.Nil(t, got.Headers, "headers may be null")
		})
	}
}

func TestWebhooksService_Create_invalid(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	for name, p := range map[string]*propexo.CreateWebhookParams{
		"nil":         nil,
		"no URL":      {Triggers: []propexo.Trigger{propexo.TriggerDataNew}},
		"no triggers": {URL: "https://example.test/hooks"},
	} {
		_, resp, err := c.Webhooks.Create(context.Background(), p)
		require.Error(t, err, name)
		assert.Nil(t, resp, name)
	}
}

func TestWebhooksService_Update(t *testing.T) {
	t.Parallel()
	off := false
	tests := map[string]struct {
		params   *propexo.UpdateWebhookParams
		wantBody string
	}{
		"nothing":            {params: nil, wantBody: `{}`},
		"disable":            {params: &propexo.UpdateWebhookParams{Active: &off}, wantBody: `{"active":false}`},
		"remove all headers": {params: &propexo.UpdateWebhookParams{Headers: []propexo.Header{}}, wantBody: `{"headers":[]}`},
		"rotate the secret and add a legacy trigger": {
			params:   &propexo.UpdateWebhookParams{Secret: "new-secret-0123", Triggers: []propexo.Trigger{propexo.TriggerJobSuccess}, Model: "residents-to-leases", URL: "https://example.test/v2"},
			wantBody: `{"url":"https://example.test/v2","triggers":["JOB_SUCCESS"],"model":"residents_to_leases","secret":"new-secret-0123"}`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("/v1/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodPut)
				assert.Equal(t, "wh-002", r.PathValue("id"))
				testJSONBody(t, r, tc.wantBody)
				writeJSON(w, http.StatusOK, map[string]any{"result": webhookJSON(2)})
			})
			got, _, err := c.Webhooks.Update(context.Background(), "wh-002", tc.params)
			require.NoError(t, err)
			assert.Equal(t, "wh-002", got.ID)
		})
	}
}

func TestWebhooksService_Delete(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/v1/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodDelete)
		assert.Equal(t, "wh-003", r.PathValue("id"))
		writeJSON(w, http.StatusOK, map[string]any{"result": map[string]any{"id": "wh-003"}})
	})
	resp, err := c.Webhooks.Delete(context.Background(), "wh-003")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestWebhookConfig_String(t *testing.T) {
	t.Parallel()
	w := propexo.WebhookConfig{
		ID: "wh-1", URL: "https://example.test/hooks", Active: true, System: propexo.SystemSandbox,
		Secret:   "do-not-print-me",
		Headers:  []propexo.Header{{Header: "Authorization", Value: "Bearer nor-me"}},
		Triggers: []propexo.WebhookTrigger{{Trigger: propexo.TriggerDataNew, Model: propexo.ModelLeases}, {Trigger: propexo.TriggerSyncComplete}},
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{w, &w} {
			out := fmt.Sprintf(format, v)
			assert.NotContains(t, out, "do-not-print-me", format)
			assert.NotContains(t, out, "nor-me", format)
			assert.Contains(t, out, "DATA_NEW(leases)", format)
		}
	}
}
