package ownerrez

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/api"
)

// ignoreRaw compares subscriptions without their raw JSON.
var ignoreRaw = cmpopts.IgnoreFields(Subscription{}, "Raw")

func TestWebhooksService_List(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /v2/webhooksubscriptions", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "2", r.URL.Query().Get("limit"))
		assert.Equal(t, "4", r.URL.Query().Get("offset"))
		assert.Equal(t, "Bearer at_test-token", r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{"count":7,"items":[
			{"id":101,"type":"booking","action":"entity_update","webhook_url":"https://acme.example/hooks","category":"availability","created_utc":"2026-03-01T00:00:00Z"},
			{"id":"102","type":"Guest","webhook_url":"https://acme.example/hooks"}],
			"limit":2,"offset":4,"next_page_url":"v2/webhooksubscriptions?limit=2&offset=6"}`))
	})
	page, resp, err := c.Webhooks.List(context.Background(), &SubscriptionListOptions{ListOptions{Page: 3, PerPage: 2}})
	require.NoError(t, err)
	want := &Page[Subscription]{
		Items: []*Subscription{
			{ID: 101, Type: SubscriptionBooking, Action: ActionEntityUpdate, URL: "https://acme.example/hooks", Category: "availability"},
			{ID: 102, Type: "Guest", URL: "https://acme.example/hooks"},
		},
		Total: 7, NextPage: 4,
	}
	if diff := cmp.Diff(want, page, ignoreRaw); diff != "" {
		t.Errorf("List mismatch (-want +got):\n%s", diff)
	}
	assert.Contains(t, string(page.Items[0].Raw), `"created_utc"`, "Raw keeps unknown fields")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, resp.RequestID, "OwnerRez documents no request id")
	assert.Zero(t, resp.Rate, "OwnerRez documents no rate-limit headers")
	assert.Equal(t, 1, resp.Attempts)
}

func TestWebhooksService_List_nilOptions(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /v2/webhooksubscriptions", func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.URL.RawQuery)
		_, _ = w.Write([]byte(`{"items":[],"next_page_url":null}`))
	})
	page, _, err := c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	assert.Equal(t, -1, page.Total, "no count sent")
	assert.Zero(t, page.NextPage)
}

// TestSubscriptionListOptions_query checks the mapping of ListOptions to
// OwnerRez's limit and offset.
func TestSubscriptionListOptions_query(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *SubscriptionListOptions
		want string
	}{
		{"nil", nil, ""},
		{"first page sized", &SubscriptionListOptions{ListOptions{PerPage: 20}}, "limit=20"},
		{"third page", &SubscriptionListOptions{ListOptions{Page: 3, PerPage: 20}}, "limit=20&offset=40"},
		{"later page, default size", &SubscriptionListOptions{ListOptions{Page: 2}}, "limit=100&offset=100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, _ := tt.opts.query()
			assert.Equal(t, tt.want, q.Encode())
		})
	}
}

// TestWebhooksService_All follows next_page_url in every spelling OwnerRez
// may use: relative to the API root, root-relative, relative to the list
// and absolute on the same host.
func TestWebhooksService_All(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	c, mux, srvURL := setupServer(t)
	mux.HandleFunc("GET /v2/webhooksubscriptions", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		item := func(id int) map[string]any {
			return map[string]any{"id": id, "type": "booking", "action": "entity_create", "webhook_url": "https://acme.example/h"}
		}
		switch off := r.URL.Query().Get("offset"); off {
		case "":
			writeJSON(w, 200, map[string]any{"items": []any{item(1), item(2)}, "next_page_url": "v2/webhooksubscriptions?offset=2"})
		case "2":
			writeJSON(w, 200, map[string]any{"items": []any{item(3)}, "next_page_url": "/v2/webhooksubscriptions?offset=3"})
		case "3":
			writeJSON(w, 200, map[string]any{"items": []any{item(4)}, "next_page_url": "?offset=4"})
		case "4":
			writeJSON(w, 200, map[string]any{"items": []any{item(5)}, "next_page_url": srvURL + "/v2/webhooksubscriptions?offset=5"})
		case "5":
			writeJSON(w, 200, map[string]any{"items": []any{item(6)}, "next_page_url": ""})
		default:
			t.Errorf("unexpected offset %q", off)
		}
	})

	var ids []int64
	for sub, err := range c.Webhooks.All(context.Background(), nil) {
		require.NoError(t, err)
		ids = append(ids, sub.ID)
	}
	assert.Equal(t, []int64{1, 2, 3, 4, 5, 6}, ids)
	assert.Equal(t, int32(5), calls.Load())

	// Stopping early fetches no further page.
	calls.Store(0)
	for range c.Webhooks.All(context.Background(), nil) {
		break
	}
	assert.Equal(t, int32(1), calls.Load())
}

func TestWebhooksService_All_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		next    string
		status  int
		wantErr func(t *testing.T, err error)
	}{
		{
			name: "foreign host refused", next: "https://evil.example/v2/webhooksubscriptions?offset=1", status: 200,
			wantErr: func(t *testing.T, err error) { require.ErrorIs(t, err, api.ErrForeignURL) },
		},
		{
			name: "page naming itself", next: "v2/webhooksubscriptions", status: 200,
			wantErr: func(t *testing.T, err error) { require.ErrorIs(t, err, api.ErrCursorRepeated) },
		},
		{
			name: "api error", status: 401,
			wantErr: func(t *testing.T, err error) {
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, "invalid_token", ae.Code)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("GET /v2/webhooksubscriptions", func(w http.ResponseWriter, r *http.Request) {
				if tt.status != 200 {
					writeError(w, tt.status, "invalid_token", "The access token is not valid.")
					return
				}
				if r.URL.RawQuery != "" {
					t.Errorf("the next page was fetched: %s", r.URL.RawQuery)
				}
				writeJSON(w, 200, map[string]any{"items": []any{map[string]any{"id": 1}}, "next_page_url": tt.next})
			})
			var items, errs int
			for _, err := range c.Webhooks.All(context.Background(), nil) {
				if err != nil {
					errs++
					tt.wantErr(t, err)
					continue
				}
				items++
			}
			assert.Equal(t, 1, errs, "an error is yielded once")
			if tt.status == 200 {
				assert.Equal(t, 1, items)
			}
		})
	}
}

func TestNextPagePath(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"v2/webhooksubscriptions?offset=20":           "/webhooksubscriptions?offset=20",
		"/v2/webhooksubscriptions?offset=20&limit=20": "/webhooksubscriptions?offset=20&limit=20",
		"?offset=20":                                       "/webhooksubscriptions?offset=20",
		"webhooksubscriptions?offset=20":                   "/webhooksubscriptions?offset=20",
		" https://api.ownerrez.com/v2/x?offset=1 ":         "https://api.ownerrez.com/v2/x?offset=1",
		"//api.ownerrez.com/v2/webhooksubscriptions?o=1":   "//api.ownerrez.com/v2/webhooksubscriptions?o=1",
		"http://127.0.0.1:8080/v2/webhooksubscriptions?o=": "http://127.0.0.1:8080/v2/webhooksubscriptions?o=",
	}
	for in, want := range tests {
		got, err := nextPagePath(subscriptionsPath, in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := nextPagePath(subscriptionsPath, "http://[::1")
	require.Error(t, err)
	_, err = nextPagePath(subscriptionsPath, "/v1/webhooksubscriptions?offset=1")
	require.Error(t, err, "outside the version path of the base URL")
}

func TestWebhooksService_Get(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /v2/webhooksubscriptions/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "101" {
			writeError(w, http.StatusNotFound, "not_found", "Expected entity WebhookSubscription:Id:"+r.PathValue("id")+" not found.")
			return
		}
		_, _ = w.Write([]byte(`{"id":101,"type":"message","action":"entity_create","webhook_url":"https://acme.example/hooks"}`))
	})
	sub, _, err := c.Webhooks.Get(context.Background(), 101)
	require.NoError(t, err)
	want := &Subscription{ID: 101, Type: SubscriptionMessage, Action: ActionEntityCreate, URL: "https://acme.example/hooks"}
	if diff := cmp.Diff(want, sub, ignoreRaw); diff != "" {
		t.Errorf("Get mismatch (-want +got):\n%s", diff)
	}

	_, _, err = c.Webhooks.Get(context.Background(), 5)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusNotFound, ae.StatusCode)
	assert.Equal(t, "not_found", ae.Code)
	assert.Contains(t, err.Error(), "ownerrez: get webhook subscription 5: ")

	_, _, err = c.Webhooks.Get(context.Background(), 0)
	require.Error(t, err)
}

func TestWebhooksService_Create(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		params   SubscriptionParams
		wantBody string
		answer   string
		want     *Subscription
	}{
		{
			name:     "lowercase spellings, no category",
			params:   SubscriptionParams{Type: SubscriptionBooking, Action: ActionEntityCreate, URL: "https://acme.example/hooks"},
			wantBody: `{"type":"booking","action":"entity_create","webhook_url":"https://acme.example/hooks"}`,
			answer:   `{"id":555,"type":"booking","action":"entity_create","webhook_url":"https://acme.example/hooks"}`,
			want:     &Subscription{ID: 555, Type: SubscriptionBooking, Action: ActionEntityCreate, URL: "https://acme.example/hooks"},
		},
		{
			name:     "category, PascalCase passed through, answer with id only",
			params:   SubscriptionParams{Type: "Booking", Action: "EntityUpdate", URL: "https://acme.example/hooks", Category: "availability"},
			wantBody: `{"type":"Booking","action":"EntityUpdate","webhook_url":"https://acme.example/hooks","category":"availability"}`,
			answer:   `{"id":556}`,
			want:     &Subscription{ID: 556, Type: "Booking", Action: "EntityUpdate", URL: "https://acme.example/hooks", Category: "availability"},
		},
		{
			name:     "empty answer",
			params:   SubscriptionParams{Type: SubscriptionMessage, Action: ActionEntityCreate, URL: "https://acme.example/m"},
			wantBody: `{"type":"message","action":"entity_create","webhook_url":"https://acme.example/m"}`,
			want:     &Subscription{Type: SubscriptionMessage, Action: ActionEntityCreate, URL: "https://acme.example/m"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("POST /v2/webhooksubscriptions", func(w http.ResponseWriter, r *http.Request) {
				testJSONBody(t, r, tt.wantBody)
				if tt.answer == "" {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				_, _ = w.Write([]byte(tt.answer))
			})
			got, _, err := c.Webhooks.Create(context.Background(), &tt.params)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got, ignoreRaw); diff != "" {
				t.Errorf("Create mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWebhooksService_Create_invalid(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("POST /v2/webhooksubscriptions", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, http.StatusBadRequest, map[string]any{"messages": []string{"Webhook URL must use https."}, "code": "validation_failed", "status": "bad_request", "status_code": 400})
	})
	ctx := context.Background()
	for name, p := range map[string]SubscriptionParams{
		"no type":   {Action: ActionEntityCreate, URL: "https://a.example"},
		"no action": {Type: SubscriptionBooking, URL: "https://a.example"},
		"no url":    {Type: SubscriptionBooking, Action: ActionEntityCreate},
	} {
		_, _, err := c.Webhooks.Create(ctx, &p)
		require.Error(t, err, name)
	}
	assert.Equal(t, int32(0), calls.Load(), "invalid params are not sent")

	_, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{Type: SubscriptionBooking, Action: ActionEntityCreate, URL: "http://a.example"})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "validation_failed", ae.Code)
	assert.Equal(t, "Webhook URL must use https.", ae.Message)
	assert.Equal(t, int32(1), calls.Load())
}

func TestWebhooksService_Delete(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("DELETE /v2/webhooksubscriptions/{id}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodDelete)
		if r.PathValue("id") == "101" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeError(w, http.StatusNotFound, "not_found", "not found")
	})
	_, err := c.Webhooks.Delete(context.Background(), 101)
	require.NoError(t, err)
	_, err = c.Webhooks.Delete(context.Background(), 102)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusNotFound, ae.StatusCode)
	_, err = c.Webhooks.Delete(context.Background(), -1)
	require.Error(t, err)
}

func TestWebhooksService_Categories(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /v2/webhooksubscriptions/categories", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"Booking":["availability","charge","financial"],"Contact":["details"],"Property":["photos"]}`))
	})
	got, _, err := c.Webhooks.Categories(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{
		"Booking":  {"availability", "charge", "financial"},
		"Contact":  {"details"},
		"Property": {"photos"},
	}, got)
}

func TestSubscription_UnmarshalJSON(t *testing.T) {
	t.Parallel()
	var s Subscription
	require.NoError(t, json.Unmarshal([]byte(`{"id":"9","type":1,"action":"entity_delete","webhook_url":"https://x.example","extra":{}}`), &s))
	assert.Equal(t, int64(9), s.ID)
	assert.Equal(t, SubscriptionType("1"), s.Type)
	assert.Equal(t, ActionEntityDelete, s.Action)
	assert.JSONEq(t, `{"id":"9","type":1,"action":"entity_delete","webhook_url":"https://x.example","extra":{}}`, string(s.Raw))
	require.Error(t, json.Unmarshal([]byte(`[{"id":1}]`), &s))
}
