package hostaway

import (
	"context"
	"encoding/json"
	"fmt"
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
	ignoreRaw := cmpopts.IgnoreFields(Subscription{}, "Raw")

	created, _, err := c.Webhooks.Create(ctx, &SubscriptionParams{
		Enabled:  true,
		URL:      "https://example.com/hooks/hostaway",
		Login:    "pmshooks",
		Password: "long-random-password",
	})
	require.NoError(t, err)
	want := Subscription{ID: 100, Enabled: true, URL: "https://example.com/hooks/hostaway", Login: "pmshooks", Password: "****"}
	if diff := cmp.Diff(want, *created, ignoreRaw); diff != "" {
		t.Errorf("Create mismatch (-want +got):\n%s", diff)
	}
	assert.JSONEq(t, `{"id":100,"isEnabled":1,"url":"https://example.com/hooks/hostaway","login":"pmshooks","password":"****","alertingEmailAddress":null}`, string(created.Raw))
	post := f.recorded(routeHooks)[0]
	assert.Equal(t, "application/json", post.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"isEnabled":1,"url":"https://example.com/hooks/hostaway","login":"pmshooks","password":"long-random-password","alertingEmailAddress":null}`, string(post.Body))

	got, _, err := c.Webhooks.Get(ctx, 100)
	require.NoError(t, err)
	if diff := cmp.Diff(want, *got, ignoreRaw); diff != "" {
		t.Errorf("Get mismatch (-want +got):\n%s", diff)
	}

	updated, _, err := c.Webhooks.Update(ctx, 100, &SubscriptionParams{
		URL: "https://example.com/hooks/hostaway/v2", AlertingEmailAddress: "ops@example.com",
	})
	require.NoError(t, err)
	want = Subscription{ID: 100, URL: "https://example.com/hooks/hostaway/v2", AlertingEmailAddress: "ops@example.com"}
	if diff := cmp.Diff(want, *updated, ignoreRaw); diff != "" {
		t.Errorf("Update mismatch (-want +got):\n%s", diff)
	}
	put := f.recorded("PUT /v1/webhooks/unifiedWebhooks/100")[0]
	assert.JSONEq(t, `{"isEnabled":0,"url":"https://example.com/hooks/hostaway/v2","login":null,"password":null,"alertingEmailAddress":"ops@example.com"}`, string(put.Body))

	list, _, err := c.Webhooks.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, list.Items, 1)
	if diff := cmp.Diff(want, *list.Items[0], ignoreRaw); diff != "" {
		t.Errorf("List mismatch (-want +got):\n%s", diff)
	}

	resp, err := c.Webhooks.Delete(ctx, 100)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	_, _, err = c.Webhooks.Get(ctx, 100)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "Unified webhook not found", apiErr.Message)
	assert.Regexp(t, `^hostaway: get unified webhook: `, err.Error())

	_, err = c.Webhooks.Delete(ctx, 100)
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
			call:  deleteHook5,
		},
		{
			name:  "delete with an empty result",
			reply: scripted{status: 200, body: `{"status":"success","result":[]}`},
			call:  deleteHook5,
		},
		{
			name:   "delete answered fail",
			reply:  scripted{status: 200, body: `{"status":"fail","result":"Webhook not found"}`},
			call:   deleteHook5,
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
	hooks, _, err := c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, hooks.Items, 2)
	assert.Equal(t, Subscription{ID: 7, Enabled: true, URL: "https://e.com/h"}, Subscription{ID: hooks.Items[0].ID, Enabled: hooks.Items[0].Enabled, URL: hooks.Items[0].URL})
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(hooks.Items[0].Raw, &raw))
	assert.JSONEq(t, `["message.received"]`, string(raw["events"]), "undocumented fields stay in Raw")
	assert.Equal(t, int64(8), hooks.Items[1].ID)
	assert.False(t, hooks.Items[1].Enabled)
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
			_, _, err := c.Webhooks.List(context.Background(), nil)
			require.Error(t, err)
			assert.Regexp(t, `^hostaway: list unified webhooks: `, err.Error())
			assert.NotContains(t, err.Error(), "html")
		})
	}
}

func TestWebhooksService_validation(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	_, _, err := c.Webhooks.Create(context.Background(), &SubscriptionParams{Enabled: true})
	require.Error(t, err)
	_, _, err = c.Webhooks.Update(context.Background(), 1, &SubscriptionParams{URL: " "})
	require.Error(t, err)
	assert.Equal(t, 0, f.count(routeHooks)+f.count(routeToken), "nothing sent")
}

func deleteHook5(c *Client) error {
	_, err := c.Webhooks.Delete(context.Background(), 5)
	return err
}

// TestWebhooksService_List_pages checks that List cuts the page asked for
// out of Hostaway's unpaginated list, and All yields every webhook with one
// request.
func TestWebhooksService_List_pages(t *testing.T) {
	t.Parallel()
	body := `{"status":"success","result":[{"id":1},{"id":2},{"id":3}]}`
	tests := []struct {
		name     string
		opts     *SubscriptionListOptions
		wantIDs  []int64
		wantNext int
	}{
		{"nil: everything", nil, []int64{1, 2, 3}, 0},
		{"first page", &SubscriptionListOptions{ListOptions{PerPage: 2}}, []int64{1, 2}, 2},
		{"last page", &SubscriptionListOptions{ListOptions{Page: 2, PerPage: 2}}, []int64{3}, 0},
		{"past the end", &SubscriptionListOptions{ListOptions{Page: 5, PerPage: 2}}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			f.script(routeList, scripted{status: 200, body: body})
			page, resp, err := c.Webhooks.List(context.Background(), tt.opts)
			require.NoError(t, err)
			var ids []int64
			for _, h := range page.Items {
				ids = append(ids, h.ID)
			}
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, 3, page.Total)
			assert.Equal(t, tt.wantNext, page.NextPage)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Empty(t, f.recorded(routeList)[0].Query, "Hostaway takes no paging query")
		})
	}
	t.Run("All", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		f.script(routeList, scripted{status: 200, body: body}, scripted{status: 200, body: body})
		var ids []int64
		for h, err := range c.Webhooks.All(context.Background(), nil) {
			require.NoError(t, err)
			ids = append(ids, h.ID)
		}
		assert.Equal(t, []int64{1, 2, 3}, ids)
		ids = nil
		for h, err := range c.Webhooks.All(context.Background(), &SubscriptionListOptions{ListOptions{Page: 2, PerPage: 1}}) {
			require.NoError(t, err)
			ids = append(ids, h.ID)
		}
		assert.Equal(t, []int64{2, 3}, ids, "from the page asked for")
		assert.Equal(t, 2, f.count(routeList), "one request per range")
	})
}

func TestAuth_String(t *testing.T) {
	t.Parallel()
	for _, a := range []Auth{ClientCredentials("10450", "s3cr3t-value"), AccessToken("s3cr3t-value"), {}} {
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(format, a), "s3cr3t-value")
		}
	}
	assert.Equal(t, "hostaway.ClientCredentials(10450, redacted)", ClientCredentials(" 10450 ", "x").String())
}
