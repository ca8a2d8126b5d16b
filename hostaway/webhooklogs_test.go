package hostaway

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const routeLogs = "GET /v1/unifiedWebhookLogs"

// addLogs gives the fake n log entries of webhook 5 on listing 40160 and, every
// third one, of webhook 6 on listing 40161.
func (f *fakeHostaway) addLogs(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range n {
		hook, listing := 5, 40160
		if i%3 == 2 {
			hook, listing = 6, 40161
		}
		f.logs = append(f.logs, map[string]any{
			"id": i + 1, "accountId": 10450, "listingMapId": listing, "webhookNotificationSettingId": hook,
			"isEnabled": 1, "url": "http://api.guestentry.com/api/hostaway/v1/43003/webhook",
			"login": "login", "password": "****", "object": "conversationMessage", "objectId": 123456789 + i,
			"event": "message.received", "responseStatus": 200, "responseBody": "",
		})
	}
}

func TestWebhookLogsService_List(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.addLogs(7)
	ctx := context.Background()

	page, resp, err := c.WebhookLogs.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 3, "Hostaway's default page")
	assert.Equal(t, 7, page.Total)
	assert.Equal(t, 2, page.NextPage)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Empty(t, resp.RequestID, "Hostaway documents no request id")
	assert.Zero(t, resp.Rate, "Hostaway documents no rate-limit headers")
	want := WebhookLog{
		ID: 1, AccountID: 10450, ListingMapID: 40160, WebhookNotificationSettingID: 5, IsEnabled: true,
		URL: "http://api.guestentry.com/api/hostaway/v1/43003/webhook", Login: "login", Password: "****",
		Object: ObjectConversationMessage, ObjectID: 123456789, Event: EventMessageReceived, ResponseStatus: 200,
	}
	if diff := cmp.Diff(want, *page.Items[0], cmpopts.IgnoreFields(WebhookLog{}, "Raw")); diff != "" {
		t.Errorf("WebhookLog mismatch (-want +got):\n%s", diff)
	}
	assert.Contains(t, string(page.Items[0].Raw), `"webhookNotificationSettingId":5`)
	assert.Empty(t, f.recorded(routeLogs)[0].Query, "nil options send no query")

	page, _, err = c.WebhookLogs.List(ctx, &WebhookLogListOptions{UnifiedWebhookID: 5, ListingMapID: 40160, ListOptions: ListOptions{Page: 2, PerPage: 2}})
	require.NoError(t, err)
	assert.Equal(t, 5, page.Total)
	assert.Equal(t, 3, page.NextPage)
	require.Len(t, page.Items, 2)
	assert.EqualValues(t, 4, page.Items[0].ID)
	q := f.recorded(routeLogs)[1].Query
	assert.Equal(t, map[string][]string{"unifiedWebhookId": {"5"}, "listingMapId": {"40160"}, "limit": {"2"}, "offset": {"2"}}, q)
}

// TestWebhookLogListOptions_query checks the mapping of ListOptions to
// Hostaway's limit and offset.
func TestWebhookLogListOptions_query(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *WebhookLogListOptions
		want string
	}{
		{"nil", nil, ""},
		{"zero", &WebhookLogListOptions{}, ""},
		{"first page sized", &WebhookLogListOptions{ListOptions: ListOptions{PerPage: 20}}, "limit=20"},
		{"third page", &WebhookLogListOptions{ListOptions: ListOptions{Page: 3, PerPage: 20}}, "limit=20&offset=40"},
		{"later page, default size", &WebhookLogListOptions{ListOptions: ListOptions{Page: 2}}, "limit=100&offset=100"},
		{"filters", &WebhookLogListOptions{UnifiedWebhookID: 2, ListingMapID: 3}, "listingMapId=3&unifiedWebhookId=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, _, _ := tt.opts.query()
			assert.Equal(t, tt.want, q.Encode())
		})
	}
}

func TestWebhookLogsService_All(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		logs     int
		opts     *WebhookLogListOptions
		wantIDs  []int64
		requests int
	}{
		{"pages until the count", 5, &WebhookLogListOptions{ListOptions: ListOptions{PerPage: 2}}, []int64{1, 2, 3, 4, 5}, 3},
		{"stops at the count, no empty page", 4, &WebhookLogListOptions{ListOptions: ListOptions{PerPage: 2}}, []int64{1, 2, 3, 4}, 2},
		{"from a page", 5, &WebhookLogListOptions{ListOptions: ListOptions{Page: 2, PerPage: 2}}, []int64{3, 4, 5}, 2},
		{"filtered", 9, &WebhookLogListOptions{ListOptions: ListOptions{PerPage: 2}, UnifiedWebhookID: 6}, []int64{3, 6, 9}, 2},
		{"default page size", 5, nil, []int64{1, 2, 3, 4, 5}, 1},
		{"empty", 0, nil, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			f.addLogs(tt.logs)
			var ids []int64
			for l, err := range c.WebhookLogs.All(context.Background(), tt.opts) {
				require.NoError(t, err)
				ids = append(ids, l.ID)
			}
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.requests, f.count(routeLogs))
			if tt.opts == nil {
				assert.Equal(t, []string{"100"}, f.recorded(routeLogs)[0].Query["limit"])
			}
		})
	}
}

// TestWebhookLogsService_All_noCount checks that without Hostaway's count
// a page shorter than its size is the last.
func TestWebhookLogsService_All_noCount(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.script(routeLogs, scripted{status: 200, body: `{"status":"success","result":[{"id":1},{"id":2}]}`},
		scripted{status: 200, body: `{"status":"success","result":[{"id":3}]}`})
	var ids []int64
	for l, err := range c.WebhookLogs.All(context.Background(), &WebhookLogListOptions{ListOptions: ListOptions{PerPage: 2}}) {
		require.NoError(t, err)
		ids = append(ids, l.ID)
	}
	assert.Equal(t, []int64{1, 2, 3}, ids)
	assert.Equal(t, 2, f.count(routeLogs))
}

func TestWebhookLogsService_All_stopsEarly(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.addLogs(10)
	n := 0
	for _, err := range c.WebhookLogs.All(context.Background(), &WebhookLogListOptions{ListOptions: ListOptions{PerPage: 2}}) {
		require.NoError(t, err)
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 2, f.count(routeLogs), "no page fetched after the break")
}

func TestWebhookLogsService_All_error(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetryMax(-1))
	f.addLogs(5)
	f.script(routeLogs, scripted{status: 200, body: `{"status":"success","result":[{"id":1},{"id":2}],"count":5}`},
		scripted{status: 500, body: `{"status":"fail","result":"boom"}`})
	var ids []int64
	var errs []error
	for l, err := range c.WebhookLogs.All(context.Background(), &WebhookLogListOptions{ListOptions: ListOptions{PerPage: 2}}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, l.ID)
	}
	assert.Equal(t, []int64{1, 2}, ids)
	require.Len(t, errs, 1, "the error is yielded once and ends the iteration")
	var apiErr *APIError
	require.True(t, errors.As(errs[0], &apiErr))
	assert.Equal(t, "boom", apiErr.Message)
}
