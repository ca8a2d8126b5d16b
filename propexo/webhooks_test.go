package propexo_test

import (
	"context"
	"encoding/json"
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
		opts      *propexo.SubscriptionListOptions
		wantQuery string
		wantNext  int
	}{
		"nil options: active only, server defaults": {
			opts: nil, wantQuery: "active=true", wantNext: 2,
		},
		"disabled, third page of 25, sorted": {
			opts: &propexo.SubscriptionListOptions{
				ListOptions: propexo.ListOptions{Page: 3, PerPage: 25}, Disabled: true, OrderBy: "updated_at:asc,url:desc",
			},
			wantQuery: "active=false&limit=25&offset=50&order-by=updated_at%3Aasc%2Curl%3Adesc",
			wantNext:  4,
		},
		"page size over 250 is capped": {
			opts:      &propexo.SubscriptionListOptions{ListOptions: propexo.ListOptions{Page: 2, PerPage: 251}},
			wantQuery: "active=true&limit=250&offset=250", wantNext: 3,
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
			want := &propexo.Subscription{
				ID: "wh-001", URL: "https://example.test/hooks/1", Enabled: true, Secret: "s3cr3tK3yForSigning",
				System:    propexo.SystemProduction,
				CreatedAt: time.Date(2024, 3, 21, 15, 38, 8, 337_000_000, time.UTC),
				UpdatedAt: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
				Headers:   []propexo.Header{{Header: "Authorization", Value: "Bearer abcdef123456"}},
				Events:    []propexo.SubscriptionTrigger{{ID: "trg-1", Trigger: propexo.TriggerDataUpdate, Model: propexo.ModelLeases}},
			}
			if diff := cmp.Diff([]*propexo.Subscription{want}, page.Items); diff != "" {
				t.Errorf("List mismatch (-want +got):\n%s", diff)
			}
			assert.Equal(t, 101, page.Total)
			assert.Equal(t, tc.wantNext, page.NextPage)
		})
	}
}

func TestWebhooksService_All(t *testing.T) {
	t.Parallel()
	items := make([]map[string]any, 0, 7)
	for i := range 7 {
		items = append(items, webhookJSON(i))
	}
	tests := map[string]struct {
		mode        metaMode
		opts        *propexo.SubscriptionListOptions
		items       int
		wantIDs     int
		wantQueries []string
	}{
		"hasMore, pages of 3": {
			mode: metaHasMore, opts: perPage(0, 3), items: 7, wantIDs: 7,
			wantQueries: []string{"active=true&limit=3", "active=true&limit=3&offset=3", "active=true&limit=3&offset=6"},
		},
		"total only, pages of 3": {
			mode: metaTotal, opts: perPage(0, 3), items: 7, wantIDs: 7,
			wantQueries: []string{"active=true&limit=3", "active=true&limit=3&offset=3", "active=true&limit=3&offset=6"},
		},
		"no hint, pages of 3": {
			mode: metaNone, opts: perPage(0, 3), items: 7, wantIDs: 7,
			wantQueries: []string{"active=true&limit=3", "active=true&limit=3&offset=3", "active=true&limit=3&offset=6"},
		},
		"no hint, full last page": {
			mode: metaNone, opts: perPage(0, 7), items: 7, wantIDs: 7,
			wantQueries: []string{"active=true&limit=7", "active=true&limit=7&offset=7"},
		},
		"default page size is the max": {
			mode: metaHasMore, opts: nil, items: 7, wantIDs: 7, wantQueries: []string{"active=true&limit=250"},
		},
		"from page 3 of 2": {
			mode: metaHasMore, opts: perPage(3, 2), items: 7, wantIDs: 3,
			wantQueries: []string{"active=true&limit=2&offset=4", "active=true&limit=2&offset=6"},
		},
		"empty list": {mode: metaHasMore, opts: nil, items: 0, wantIDs: 0, wantQueries: []string{"active=true&limit=250"}},
		"hasMore false on a partial list": {
			mode: metaHasMore, opts: perPage(0, 250), items: 3, wantIDs: 3, wantQueries: []string{"active=true&limit=250"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			var calls atomic.Int32
			var queries []string
			mux.HandleFunc("/v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
				queries = append(queries, r.URL.RawQuery)
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
			assert.Equal(t, tc.wantQueries, queries, "pages fetched, offset = (Page-1)*PerPage")
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
	for _, err := range c.Webhooks.All(context.Background(), perPage(0, 1)) {
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
	for w, err := range c.Webhooks.All(context.Background(), perPage(0, 1)) {
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
	var errs []error
	for _, err := range c.Webhooks.All(context.Background(), perPage(0, 1)) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1, "a server that ignores the offset ends the iteration with an error, not a loop")
	assert.ErrorContains(t, errs[0], "propexo: list webhooks: answer is for another offset: asked 1, got 0")
	assert.Equal(t, int32(2), calls.Load())
}

// TestWebhooksService_All_shortPage checks that a page shorter than asked
// for, before the end of the list, ends the iteration with an error rather
// than skipping items at the next offset.
func TestWebhooksService_All_shortPage(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"meta": map[string]any{"offset": 0, "limit": 2, "hasMore": true}, "results": []any{webhookJSON(0), webhookJSON(1)}})
	})
	var n int
	var errs []error
	for _, err := range c.Webhooks.All(context.Background(), perPage(0, 3)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Zero(t, n)
	require.Len(t, errs, 1)
	assert.ErrorContains(t, errs[0], "short page before the end of the list: 2 of 3 items")
}

// perPage returns the options of page (0: the first) of size n.
func perPage(page, n int) *propexo.SubscriptionListOptions {
	return &propexo.SubscriptionListOptions{ListOptions: propexo.ListOptions{Page: page, PerPage: n}}
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
		params   *propexo.SubscriptionParams
		wantBody string
	}{
		"enabled, model for DATA_*": {
			params: &propexo.SubscriptionParams{
				URL:     "https://example.test/hooks/propexo",
				Events:  []propexo.Trigger{propexo.TriggerDataNew, propexo.TriggerDataUpdate},
				Model:   propexo.ModelResidentsToLeases,
				Headers: []propexo.Header{{Header: "Authorization", Value: "Bearer abc"}},
				Secret:  "0123456789-secret",
				Enabled: true,
			},
			wantBody: `{"url":"https://example.test/hooks/propexo","triggers":["DATA_NEW","DATA_UPDATE"],"model":"residents_to_leases","headers":[{"header":"Authorization","value":"Bearer abc"}],"secret":"0123456789-secret","active":true}`,
		},
		"disabled (the zero value, sent), generated secret, no model": {
			params: &propexo.SubscriptionParams{
				URL:    "https://example.test/hooks/propexo",
				Events: []propexo.Trigger{propexo.TriggerSyncComplete},
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
				created["active"] = tc.params.Enabled
				created["headers"] = nil
				writeJSON(w, http.StatusOK, map[string]any{"result": created})
			})
			got, resp, err := c.Webhooks.Create(context.Background(), tc.params)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "wh-009", got.ID)
			assert.Equal(t, tc.params.Enabled, got.Enabled)
			assert.Nil(t, got.Headers, "headers may be null")
		})
	}
}

func TestWebhooksService_Create_invalid(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	for name, p := range map[string]*propexo.SubscriptionParams{
		"nil":       nil,
		"no URL":    {Events: []propexo.Trigger{propexo.TriggerDataNew}},
		"no events": {URL: "https://example.test/hooks"},
	} {
		_, resp, err := c.Webhooks.Create(context.Background(), p)
		require.Error(t, err, name)
		assert.Nil(t, resp, name)
	}
}

func TestWebhooksService_Update(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		params   *propexo.SubscriptionParams
		wantBody string
	}{
		"keep enabled, change nothing else": {params: &propexo.SubscriptionParams{Enabled: true}, wantBody: `{"active":true}`},
		"disable":                           {params: &propexo.SubscriptionParams{}, wantBody: `{"active":false}`},
		"remove all headers":                {params: &propexo.SubscriptionParams{Headers: []propexo.Header{}, Enabled: true}, wantBody: `{"headers":[],"active":true}`},
		"rotate the secret and add a legacy trigger": {
			params:   &propexo.SubscriptionParams{Secret: "new-secret-0123", Events: []propexo.Trigger{propexo.TriggerJobSuccess}, Model: "residents-to-leases", URL: "https://example.test/v2", Enabled: true},
			wantBody: `{"url":"https://example.test/v2","triggers":["JOB_SUCCESS"],"model":"residents_to_leases","secret":"new-secret-0123","active":true}`,
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

func TestSubscription_String(t *testing.T) {
	t.Parallel()
	w := propexo.Subscription{
		ID: "wh-1", URL: "https://example.test/hooks", Enabled: true, System: propexo.SystemSandbox,
		Secret:  "do-not-print-me",
		Headers: []propexo.Header{{Header: "Authorization", Value: "Bearer nor-me"}},
		Events:  []propexo.SubscriptionTrigger{{Trigger: propexo.TriggerDataNew, Model: propexo.ModelLeases}, {Trigger: propexo.TriggerSyncComplete}},
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

// TestSubscriptionParams_json checks that the params marshal to exactly
// the fields of Propexo's create and update bodies (OpenAPI
// _v1_webhooks__post_input and _v1_webhooks_{webhook_id}_put_input: url,
// headers, triggers, active, secret, model), under their wire names.
func TestSubscriptionParams_json(t *testing.T) {
	t.Parallel()
	documented := map[string]bool{"url": true, "headers": true, "triggers": true, "active": true, "secret": true, "model": true}
	full := propexo.SubscriptionParams{
		URL: "https://example.test/h", Events: []propexo.Trigger{propexo.TriggerDataNew}, Model: propexo.ModelLeases,
		Headers: []propexo.Header{{Header: "X-A", Value: "b"}}, Secret: "0123456789", Enabled: true,
	}
	tests := map[string]struct {
		params propexo.SubscriptionParams
		want   string
	}{
		"every field": {params: full, want: `{"url":"https://example.test/h","triggers":["DATA_NEW"],"model":"leases",
			"headers":[{"header":"X-A","value":"b"}],"secret":"0123456789","active":true}`},
		"zero value: only active": {want: `{"active":false}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tc.params)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(b))
			var fields map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &fields))
			for k := range fields {
				assert.True(t, documented[k], "undocumented field %q", k)
			}
		})
	}
}
