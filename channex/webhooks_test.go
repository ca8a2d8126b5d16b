package channex

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex/internal/fakechannex"
	"github.com/pmshooks/pmshooks/event"
)

func TestWebhooksService_Create(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		sub      *SubscriptionParams
		wantBody string
		want     Subscription
	}{
		{
			name: "property webhook",
			sub: &SubscriptionParams{
				PropertyID: testProperty, URL: "https://pms.example.com/hooks/channex",
				Events:  []string{"booking_new", "booking_modification", "booking_cancellation"},
				Headers: map[string]string{SuggestedHeader: "s3cret"}, Enabled: true, SendData: true,
			},
			wantBody: `{"webhook":{"property_id":"` + testProperty + `","callback_url":"https://pms.example.com/hooks/channex",
				"event_mask":"booking_new;booking_modification;booking_cancellation","request_params":{},
				"headers":{"X-Channex-Webhook-Secret":"s3cret"},"is_active":true,"send_data":true}}`,
			want: Subscription{
				ID: "00000000-0000-4000-8000-000000000001", PropertyID: testProperty, OrganizationID: fakechannex.OrganizationID,
				URL: "https://pms.example.com/hooks/channex", Events: []string{"booking_new", "booking_modification", "booking_cancellation"},
				Headers: map[string]string{SuggestedHeader: "s3cret"}, RequestParams: map[string]string{},
				Enabled: true, SendData: true,
			},
		},
		{
			name:     "global webhook: property_id null, false booleans sent, protected left out",
			sub:      &SubscriptionParams{Global: true, URL: "https://pms.example.com/hooks/all", Events: []string{"*"}, RequestParams: map[string]string{"token": "q"}},
			wantBody: `{"webhook":{"property_id":null,"callback_url":"https://pms.example.com/hooks/all","event_mask":"*","request_params":{"token":"q"},"headers":{},"is_active":false,"send_data":false,"is_global":true}}`,
			want: Subscription{
				ID: "00000000-0000-4000-8000-000000000001", OrganizationID: fakechannex.OrganizationID, Global: true,
				URL: "https://pms.example.com/hooks/all", Events: []string{"*"},
				Headers: map[string]string{}, RequestParams: map[string]string{"token": "q"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, fake := setup(t)
			got, _, err := c.Webhooks.Create(ctx, tt.sub)
			require.NoError(t, err)
			assert.JSONEq(t, tt.wantBody, string(fake.LastBody(http.MethodPost, "/webhooks")))
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("created mismatch (-want +got):\n%s", diff)
			}
			again, _, err := c.Webhooks.Get(ctx, got.ID)
			require.NoError(t, err)
			assert.Equal(t, *got, *again)
		})
	}
}

func TestWebhooksService_Create_doesNotAliasMaps(t *testing.T) {
	t.Parallel()
	c, fake := setup(t)
	headers := map[string]string{"X-A": "1"}
	_, _, err := c.Webhooks.Create(context.Background(), &SubscriptionParams{PropertyID: testProperty, URL: "https://e.x/h", Events: []string{"*"}, Headers: headers})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"X-A": "1"}, headers)
	assert.Contains(t, string(fake.LastBody(http.MethodPost, "/webhooks")), `"headers":{"X-A":"1"}`)
}

func TestWebhooksService_GetUpdateDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, fake := setup(t)
	created, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{PropertyID: testProperty, URL: "https://e.x/v1", Events: []string{"*"}, Enabled: true, SendData: true})
	require.NoError(t, err)

	sub, _, err := c.Webhooks.Get(ctx, created.ID)
	require.NoError(t, err)
	p := &SubscriptionParams{PropertyID: sub.PropertyID, URL: "https://e.x/v2", Events: sub.Events, Enabled: false, SendData: sub.SendData}
	updated, _, err := c.Webhooks.Update(ctx, sub.ID, p)
	require.NoError(t, err)
	assert.EqualValues(t, "https://e.x/v2", updated.URL)
	assert.False(t, updated.Enabled)
	assert.True(t, updated.SendData, "every field was sent back")
	assert.JSONEq(t, `{"webhook":{"property_id":"`+testProperty+`","callback_url":"https://e.x/v2","event_mask":"*","request_params":{},"headers":{},"is_active":false,"send_data":true}}`,
		string(fake.LastBody(http.MethodPut, "/webhooks/"+created.ID)))

	_, err = c.Webhooks.Delete(ctx, created.ID)
	require.NoError(t, err)
	_, _, err = c.Webhooks.Get(ctx, created.ID)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)

	for name, err := range map[string]error{
		"update": func() error { _, _, err := c.Webhooks.Update(ctx, created.ID, p); return err }(),
		"delete": func() error { _, err := c.Webhooks.Delete(ctx, created.ID); return err }(),
	} {
		require.ErrorAs(t, err, &apiErr, name)
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode, name)
	}
}

func TestWebhooksService_emptyID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, fake := setup(t)
	_, _, err := c.Webhooks.Get(ctx, "")
	require.ErrorIs(t, err, errEmptyID)
	_, _, err = c.Webhooks.Update(ctx, "", &SubscriptionParams{})
	require.ErrorIs(t, err, errEmptyID)
	_, err = c.Webhooks.Delete(ctx, "")
	require.ErrorIs(t, err, errEmptyID)
	_, _, err = c.BookingRevisions.Get(ctx, "")
	require.ErrorIs(t, err, errEmptyID)
	_, err = c.BookingRevisions.Ack(ctx, "")
	require.ErrorIs(t, err, errEmptyID)
	assert.Zero(t, fake.Requests(http.MethodGet, "/webhooks/"), "nothing sent")
	assert.Zero(t, fake.Requests(http.MethodGet, "/webhooks"), "never the collection instead")
}

func TestWebhooksService_pathEscape(t *testing.T) {
	t.Parallel()
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.EscapedPath())
		fmt.Fprint(w, `{"data":{"type":"webhook","id":"x","attributes":{}}}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(APIKey(testKey), WithBaseURL(srv.URL+"/api/v1"))
	require.NoError(t, err)
	ctx := context.Background()
	_, _, err = c.Webhooks.Get(ctx, "a/b?c")
	require.NoError(t, err)
	_, _, err = c.BookingRevisions.Get(ctx, "../webhooks")
	require.NoError(t, err)
	assert.Equal(t, []string{"/api/v1/webhooks/a%2Fb%3Fc", "/api/v1/booking_revisions/..%2Fwebhooks"}, paths,
		"an id stays one path segment")
}

// createN creates n webhooks on the fake.
func createN(t *testing.T, c *Client, n int) {
	t.Helper()
	for i := range n {
		_, _, err := c.Webhooks.Create(context.Background(), &SubscriptionParams{
			PropertyID: testProperty, URL: fmt.Sprintf("https://e.x/%d", i), Events: []string{"*"},
		})
		require.NoError(t, err)
	}
}

func TestWebhooksService_List(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, _ := setup(t)
	createN(t, c, 7)

	page, resp, err := c.Webhooks.List(ctx, &SubscriptionListOptions{ListOptions{Page: 2, PerPage: 3}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, Rate{}, resp.Rate, "Channex documents no rate-limit headers")
	assert.Empty(t, resp.RequestID, "Channex documents no request-id header")
	assert.Equal(t, 7, page.Total)
	assert.Equal(t, 3, page.NextPage)
	require.Len(t, page.Items, 3)
	assert.EqualValues(t, "https://e.x/3", page.Items[0].URL)

	page, _, err = c.Webhooks.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 7, page.Total, "Channex's defaults")
	assert.Zero(t, page.NextPage)
	assert.Len(t, page.Items, 7)

	page, _, err = c.Webhooks.List(ctx, &SubscriptionListOptions{ListOptions{Page: 9}})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	assert.NotNil(t, page.Items)
	assert.Zero(t, page.NextPage)
}

// TestWebhooksService_List_query checks the pagination parameters sent.
func TestWebhooksService_List_query(t *testing.T) {
	t.Parallel()
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		fmt.Fprint(w, `{"data":[],"meta":{"page":4,"limit":25,"total":0}}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(APIKey(testKey), WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, _, err = c.Webhooks.List(context.Background(), &SubscriptionListOptions{ListOptions{Page: 4, PerPage: 25}})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"pagination[page]": {"4"}, "pagination[limit]": {"25"}}, got)

	_, _, err = c.Webhooks.List(context.Background(), &SubscriptionListOptions{})
	require.NoError(t, err)
	assert.Empty(t, got, "zero options send no parameters")
}

func TestWebhooksService_All(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, fake := setup(t)
	createN(t, c, 205)

	var urls []string
	for sub, err := range c.Webhooks.All(ctx, nil) {
		require.NoError(t, err)
		urls = append(urls, sub.URL)
	}
	require.Len(t, urls, 205)
	assert.EqualValues(t, "https://e.x/0", urls[0])
	assert.EqualValues(t, "https://e.x/204", urls[204])
	assert.Equal(t, 3, fake.Requests(http.MethodGet, "/webhooks"), "pages of 100")

	n := 0
	for range c.Webhooks.All(ctx, nil) {
		n++
		if n == 5 {
			break
		}
	}
	assert.Equal(t, 4, fake.Requests(http.MethodGet, "/webhooks"), "breaking early fetches no further page")
}

func TestWebhooksService_All_error(t *testing.T) {
	t.Parallel()
	c, fake := setup(t, WithRetryMax(-1))
	createN(t, c, 150)
	// The first page answers; the second fails.
	fake.Fail(http.MethodGet, "/webhooks", fakechannex.Fault{Status: http.StatusOK, Body: `{"data":[` +
		strings.Repeat(`{"type":"webhook","id":"w","attributes":{"callback_url":"https://e.x","event_mask":"*"}},`, 99) +
		`{"type":"webhook","id":"w","attributes":{"callback_url":"https://e.x","event_mask":"*"}}],"meta":{"page":1,"limit":100,"total":150}}`},
		fakechannex.Fault{Status: http.StatusInternalServerError})
	var items, errs int
	for _, err := range c.Webhooks.All(context.Background(), nil) {
		if err != nil {
			errs++
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Contains(t, err.Error(), "channex: list webhooks: ")
			continue
		}
		items++
	}
	assert.Equal(t, 100, items)
	assert.Equal(t, 1, errs, "the error is yielded once and ends the iteration")
}

// TestWebhooksService_olderShapes decodes the responses of Channex's older
// documentation: the id repeated in attributes, no organization, no
// protected or is_global, and an update answer without send_data.
func TestWebhooksService_olderShapes(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			fmt.Fprint(w, `{
  "data": [
    {
      "id": "a9a88747-767e-458c-99e0-9212fcfb0b39",
      "type": "webhook",
      "attributes": {
        "request_params": null,
        "headers": null,
        "is_active": true,
        "send_data": true,
        "id": "a9a88747-767e-458c-99e0-9212fcfb0b39",
        "event_mask": "*",
        "callback_url": "https://YOUR-WEBSITE.COM/api/push_message"
      },
      "relationships": {
        "property": {
          "data": { "type": "property", "id": "716305c4-561a-4561-a187-7f5b8aeb5920" }
        }
      }
    }
  ],
  "meta": { "page": 1, "total": 1, "limit": 10 }
}`)
		case http.MethodPut:
			fmt.Fprint(w, `{"data":{"type":"webhook","attributes":{"id":"w-2","property_id":"p-2","is_active":"1","event_mask":"ari","callback_url":"https://e.x"}}}`)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(APIKey(testKey), WithBaseURL(srv.URL))
	require.NoError(t, err)

	page, _, err := c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, page.Total)
	assert.Equal(t, []*Subscription{{
		ID: "a9a88747-767e-458c-99e0-9212fcfb0b39", PropertyID: "716305c4-561a-4561-a187-7f5b8aeb5920",
		URL: "https://YOUR-WEBSITE.COM/api/push_message", Events: []string{"*"}, Enabled: true, SendData: true,
	}}, page.Items)

	updated, _, err := c.Webhooks.Update(context.Background(), "w-2", &SubscriptionParams{Events: []string{"ari"}})
	require.NoError(t, err)
	assert.Equal(t, Subscription{ID: "w-2", PropertyID: "p-2", URL: "https://e.x", Events: []string{"ari"}, Enabled: true}, *updated)
}

// TestWebhooksService_Test runs Channex's test call against a receiver
// mounted as in the package documentation.
func TestWebhooksService_Test(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(SuggestedHeader, "s3cret")
	require.NoError(t, err)
	rc, err := NewReceiver(v)
	require.NoError(t, err)
	var got []event.Event
	hooks := httptest.NewServer(event.NewHTTPHandler(rc, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		got = append(got, e)
		return nil
	})))
	t.Cleanup(hooks.Close)

	c, _ := setup(t)
	sub := &SubscriptionParams{PropertyID: testProperty, URL: hooks.URL, Events: []string{"*"}, Headers: map[string]string{SuggestedHeader: "s3cret"}}
	res, _, err := c.Webhooks.Test(context.Background(), sub)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	require.Len(t, got, 1)
	assert.Equal(t, event.TypeUnknown, got[0].Type(), "the test event has no normalized type")
	assert.Equal(t, testProperty, got[0].Account())

	sub.Headers[SuggestedHeader] = "wrong"
	res, _, err = c.Webhooks.Test(context.Background(), sub)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Len(t, got, 1)

	sub.URL = "http://127.0.0.1:1/unreachable"
	_, _, err = c.Webhooks.Test(context.Background(), sub)
	assert.Equal(t, map[string][]string{"callback_url": {"is unreachable"}}, FieldErrors(err))
}

func TestWebhooksService_Test_dataWrapper(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"status_code": 200, "body": "{\n  \"success\": true\n}"}`,
		`{"data": {"status_code": 200, "body": "{\n  \"success\": true\n}"}}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
		c, err := NewClient(APIKey(testKey), WithBaseURL(srv.URL))
		require.NoError(t, err)
		res, _, err := c.Webhooks.Test(context.Background(), &SubscriptionParams{Events: []string{"*"}})
		srv.Close()
		require.NoError(t, err)
		assert.Equal(t, TestResult{StatusCode: 200, Body: "{\n  \"success\": true\n}"}, *res)
	}
}

func Test_pagination_next(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		p          pagination
		got, asked int
		want       int
	}{
		{"more by total", pagination{Page: 1, Limit: 100, Total: 250}, 100, 100, 2},
		{"last by total", pagination{Page: 3, Limit: 100, Total: 250}, 50, 100, 0},
		{"exactly full", pagination{Page: 2, Limit: 100, Total: 200}, 100, 100, 0},
		{"empty page", pagination{Page: 1, Limit: 100, Total: 250}, 0, 100, 0},
		{"no total, full page", pagination{Page: 1}, 100, 100, 2},
		{"no total, short page", pagination{Page: 1}, 99, 100, 0},
		{"server capped the limit", pagination{Page: 1, Limit: 50, Total: 120}, 50, 100, 2},
		{"no page number", pagination{Limit: 10, Total: 30}, 10, 10, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.p.next(tt.got, tt.asked))
		})
	}
}

func TestWebhooksService_writeValidation(t *testing.T) {
	t.Parallel()
	c, fake := setup(t)
	ctx := context.Background()
	tests := []struct {
		name string
		p    *SubscriptionParams
		want error
	}{
		{"nil params", nil, errNoParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := c.Webhooks.Create(ctx, tt.p)
			require.ErrorIs(t, err, tt.want)
			_, _, err = c.Webhooks.Update(ctx, "w-1", tt.p)
			require.ErrorIs(t, err, tt.want)
			_, _, err = c.Webhooks.Test(ctx, tt.p)
			require.ErrorIs(t, err, tt.want)
		})
	}
	assert.Zero(t, fake.Requests(http.MethodPost, "/webhooks"), "nothing sent")
}

// TestWriteBody_documentedFields checks that a write sends exactly the
// fields Channex documents: "protected" and "is_global" only when true.
func TestWriteBody_documentedFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    SubscriptionParams
		want map[string]any
	}{
		{"zero flags", SubscriptionParams{PropertyID: "p", URL: "https://e.x", Events: []string{"*"}},
			map[string]any{"property_id": "p", "callback_url": "https://e.x", "event_mask": "*", "request_params": map[string]any{},
				"headers": map[string]any{}, "is_active": false, "send_data": false}},
		{"every flag", SubscriptionParams{URL: "https://e.x", Events: []string{"booking_new", "booking_cancellation"}, Global: true, Protected: true, Enabled: true, SendData: true},
			map[string]any{"property_id": nil, "callback_url": "https://e.x", "event_mask": "booking_new;booking_cancellation", "request_params": map[string]any{},
				"headers": map[string]any{}, "is_active": true, "send_data": true, "is_global": true, "protected": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := writeBody(&tt.p)
			require.NoError(t, err)
			raw, err := json.Marshal(b)
			require.NoError(t, err)
			var got map[string]map[string]any
			require.NoError(t, json.Unmarshal(raw, &got))
			if diff := cmp.Diff(map[string]map[string]any{"webhook": tt.want}, got); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
