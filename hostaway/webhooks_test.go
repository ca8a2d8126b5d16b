package hostaway

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebhooksService_CRUD(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	ctx := context.Background()
	ignoreRaw := cmpopts.IgnoreFields(UnifiedWebhook{}, "Raw")

	created, err := c.Webhooks.Create(ctx, UnifiedWebhookParams{
		IsEnabled: true,
		URL:       "https://example.com/hooks/hostaway",
		Login:     "pmshooks",
		Password:  "long-random-password",
	})
	require.NoError(t, err)
	want := UnifiedWebhook{ID: 100, IsEnabled: true, URL: "https://example.com/hooks/hostaway", Login: "pmshooks", Password: "****"}
	if diff := cmp.Diff(want, *created, ignoreRaw); diff != "" {
		t.Errorf("Create mismatch (-want +got):\n%s", diff)
	}
	assert.JSONEq(t, `{"id":100,"isEnabled":1,"url":"https://example.com/hooks/hostaway","login":"pmshooks","password":"****","alertingEmailAddress":null}`, string(created.Raw))
	post := f.recorded(routeHooks)[0]
	assert.Equal(t, "application/json", post.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"isEnabled":1,"url":"https://example.com/hooks/hostaway","login":"pmshooks","password":"long-random-password","alertingEmailAddress":null}`, string(post.Body))

	got, err := c.Webhooks.Get(ctx, 100)
	require.NoError(t, err)
	if diff := cmp.Diff(want, *got, ignoreRaw); diff != "" {
		t.Errorf("Get mismatch (-want +got):\n%s", diff)
	}

	updated, err := c.Webhooks.Update(ctx, 100, UnifiedWebhookParams{
		URL: "https://example.com/hooks/hostaway/v2", AlertingEmailAddress: "ops@example.com",
	})
	require.NoError(t, err)
	want = UnifiedWebhook{ID: 100, URL: "https://example.com/hooks/hostaway/v2", AlertingEmailAddress: "ops@example.com"}
	if diff := cmp.Diff(want, *updated, ignoreRaw); diff != "" {
		t.Errorf("Update mismatch (-want +got):\n%s", diff)
	}
	put := f.recorded("PUT /v1/webhooks/unifiedWebhooks/100")[0]
	assert.JSONEq(t, `{"isEnabled":0,"url":"https://example.com/hooks/hostaway/v2","login":null,"password":null,"alertingEmailAddress":"ops@example.com"}`, string(put.Body))

	list, err := c.Webhooks.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	if diff := cmp.Diff(want, list[0], ignoreRaw); diff != "" {
		t.Errorf("List mismatch (-want +got):\n%s", diff)
	}

	require.NoError(t, c.Webhooks.Delete(ctx, 100))
	_, err = c.Webhooks.Get(ctx, 100)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "Unified webhook not found", apiErr.Message)
	assert.Regexp(t, `^hostaway: get unified webhook: `, err.Error())

	err = c.Webhooks.Delete(ctx, 100)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
}

// TestWebhooksService_envelopes checks the answers Hostaway documents, or
// has been seen to send, beyond the plain success.
func TestWebhooksService_envelopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reply  scripted
		call   func(*Client) error
		status int    // of the *APIError; 0 means success
		msg    string // APIError.Message
	}{
		{
			name:   "fail with 200",
			reply:  scripted{status: 200, body: `{"status":"fail","result":"The \"url\" parameter must be a valid URL."}`},
			call:   createHook,
			status: 200, msg: `The "url" parameter must be a valid URL.`,
		},
		{
			name:   "fail with a result object",
			reply:  scripted{status: 422, body: `{"status":"fail","result":{"url":["invalid"]}}`},
			call:   createHook,
			status: 422,
		},
		{
			name:  "delete with an empty body",
			reply: scripted{status: 200},
			call:  func(c *Client) error { return c.Webhooks.Delete(context.Background(), 5) },
		},
		{
			name:  "delete with an empty result",
			reply: scripted{status: 200, body: `{"status":"success","result":[]}`},
			call:  func(c *Client) error { return c.Webhooks.Delete(context.Background(), 5) },
		},
		{
			name:   "delete answered fail",
			reply:  scripted{status: 200, body: `{"status":"fail","result":"Webhook not found"}`},
			call:   func(c *Client) error { return c.Webhooks.Delete(context.Background(), 5) },
			status: 200, msg: "Webhook not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			f.script(routeHooks, tt.reply)
			f.script(routeList, tt.reply)
			f.script("DELETE /v1/webhooks/unifiedWebhooks/5", tt.reply)
			err := tt.call(c)
			if tt.status == 0 {
				require.NoError(t, err)
				return
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.msg, apiErr.Message)
			assert.NotEmpty(t, apiErr.Body)
			assert.NotEmpty(t, apiErr.Method)
			assert.Contains(t, apiErr.URL, "/v1/webhooks/unifiedWebhooks")
		})
	}
}

func TestWebhooksService_List_looseTypes(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.script(routeList, scripted{status: 200, body: `{"status":"success","result":[{"id":"7","isEnabled":"1","url":"https://e.com/h","login":null,"password":null,"alertingEmailAddress":null,"events":["message.received"]},{"id":8,"isEnabled":false,"url":"https://e.com/g"}],"count":2}`})
	hooks, err := c.Webhooks.List(context.Background())
	require.NoError(t, err)
	require.Len(t, hooks, 2)
	assert.Equal(t, UnifiedWebhook{ID: 7, IsEnabled: true, URL: "https://e.com/h"}, UnifiedWebhook{ID: hooks[0].ID, IsEnabled: hooks[0].IsEnabled, URL: hooks[0].URL})
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(hooks[0].Raw, &raw))
	assert.JSONEq(t, `["message.received"]`, string(raw["events"]), "undocumented fields stay in Raw")
	assert.Equal(t, int64(8), hooks[1].ID)
	assert.False(t, hooks[1].IsEnabled)
}

func TestWebhooksService_malformedResponses(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"not JSON":           `<html>ok</html>`,
		"no result":          `{"status":"success"}`,
		"result not a list":  `{"status":"success","result":{"id":1}}`,
		"item not an object": `{"status":"success","result":[{"id":1},"x"]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			f.script(routeList, scripted{status: 200, body: body})
			_, err := c.Webhooks.List(context.Background())
			require.Error(t, err)
			assert.Regexp(t, `^hostaway: list unified webhooks: `, err.Error())
			assert.NotContains(t, err.Error(), "html")
		})
	}
}

func TestWebhooksService_validation(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	_, err := c.Webhooks.Create(context.Background(), UnifiedWebhookParams{IsEnabled: true})
	require.Error(t, err)
	_, err = c.Webhooks.Update(context.Background(), 1, UnifiedWebhookParams{URL: " "})
	require.Error(t, err)
	assert.Equal(t, 0, f.count(routeHooks)+f.count(routeToken), "nothing sent")
}
