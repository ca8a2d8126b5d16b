package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const channexWebhookJSON = `{"type":"webhook","id":"wh-1","attributes":{"callback_url":"https://acme.example/hooks/channex",
	"event_mask":"booking_new;booking_cancellation","headers":{"X-Channex-Webhook-Secret":"t0ken-secret"},"request_params":{},
	"is_active":true,"send_data":true,"protected":false,"is_global":true},
	"relationships":{"property":{"data":null}}}`

func channexFake(t *testing.T) *fakeAPI {
	t.Helper()
	return newFakeAPI(t, map[string]reply{
		"GET /api/v1/webhooks":         {http.StatusOK, `{"data":[` + channexWebhookJSON + `],"meta":{"page":1,"limit":100,"total":1}}`},
		"GET /api/v1/webhooks/wh-1":    {http.StatusOK, `{"data":` + channexWebhookJSON + `}`},
		"POST /api/v1/webhooks":        {http.StatusCreated, `{"data":` + channexWebhookJSON + `}`},
		"DELETE /api/v1/webhooks/wh-1": {http.StatusOK, `{"meta":{"message":"Success"}}`},
		"POST /api/v1/webhooks/test":   {http.StatusOK, `{"status_code":200,"body":"OK"}`},
	})
}

func TestWebhooks_channex(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CHANNEX_API_KEY": "key-123", "CHANNEX_WEBHOOK_TOKEN": "t0ken-secret"}

	t.Run("list", func(t *testing.T) {
		t.Parallel()
		f := channexFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "channex", "list", "--base-url", f.URL+"/api/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Regexp(t, `ID +ACTIVE +PROPERTY +EVENTS +DATA +URL\nwh-1 +yes +global +booking_new;booking_cancellation +yes +https://acme.example/hooks/channex\n`, r.stdout)
		assert.Equal(t, "key-123", f.call(t, "GET", "/api/v1/webhooks").Header.Get("User-Api-Key"))

		r = cmdTest{env: env}.run(t, "webhooks", "channex", "list", "--json", "--base-url", f.URL+"/api/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"url": "https://acme.example/hooks/channex"`)
		assert.NotContains(t, r.stdout, "t0ken-secret", "header values are secrets")
	})

	t.Run("create", func(t *testing.T) {
		t.Parallel()
		f := channexFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "channex", "create", "--base-url", f.URL+"/api/v1",
			"--url", "https://acme.example/hooks/channex", "--events", "booking_new;booking_cancellation")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "created webhook wh-1\n")
		assert.NotContains(t, r.stdout, "t0ken-secret")
		var body struct {
			Webhook struct {
				PropertyID  *string           `json:"property_id"`
				CallbackURL string            `json:"callback_url"`
				EventMask   string            `json:"event_mask"`
				Headers     map[string]string `json:"headers"`
				IsActive    bool              `json:"is_active"`
				SendData    bool              `json:"send_data"`
				IsGlobal    bool              `json:"is_global"`
			} `json:"webhook"`
		}
		require.NoError(t, json.Unmarshal([]byte(f.call(t, "POST", "/api/v1/webhooks").Body), &body))
		w := body.Webhook
		assert.Nil(t, w.PropertyID)
		assert.True(t, w.IsGlobal)
		assert.Equal(t, "https://acme.example/hooks/channex", w.CallbackURL)
		assert.Equal(t, "booking_new;booking_cancellation", w.EventMask)
		assert.Equal(t, map[string]string{"X-Channex-Webhook-Secret": "t0ken-secret"}, w.Headers, "the receiver's secret header")
		assert.True(t, w.IsActive)
		assert.True(t, w.SendData)
	})

	t.Run("create with own header, for a property, inactive", func(t *testing.T) {
		t.Parallel()
		f := channexFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "channex", "create", "--base-url", f.URL+"/api/v1",
			"--url", "https://x.example/h", "--property", "prop-9", "--header", "X-Mine: v", "--inactive", "--no-data")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"webhook":{"property_id":"prop-9","callback_url":"https://x.example/h","event_mask":"*",
			"request_params":{},"headers":{"X-Mine":"v"},"is_active":false,"send_data":false}}`,
			f.call(t, "POST", "/api/v1/webhooks").Body)
	})

	t.Run("create without a secret header warns", func(t *testing.T) {
		t.Parallel()
		f := channexFake(t)
		r := cmdTest{env: map[string]string{"CHANNEX_API_KEY": "key-123"}}.run(t, "webhooks", "channex", "create",
			"--base-url", f.URL+"/api/v1", "--url", "https://x.example/h")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stderr, "warning: the webhook has no secret header")
	})

	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		f := channexFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "channex", "delete", "wh-1", "--base-url", f.URL+"/api/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "deleted webhook wh-1\n", r.stdout)
		f.call(t, "DELETE", "/api/v1/webhooks/wh-1")

		r = cmdTest{env: env}.run(t, "webhooks", "channex", "delete", "wh-404", "--base-url", f.URL+"/api/v1")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "404")
	})

	t.Run("test a saved webhook", func(t *testing.T) {
		t.Parallel()
		f := channexFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "channex", "test", "wh-1", "--base-url", f.URL+"/api/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "https://acme.example/hooks/channex answered 200\nOK\n", r.stdout)
		f.call(t, "GET", "/api/v1/webhooks/wh-1")
		assert.Contains(t, f.call(t, "POST", "/api/v1/webhooks/test").Body, `"X-Channex-Webhook-Secret":"t0ken-secret"`)
	})

	t.Run("test an unsaved webhook", func(t *testing.T) {
		t.Parallel()
		f := channexFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "channex", "test", "--url", "https://x.example/h", "--base-url", f.URL+"/api/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, f.call(t, "POST", "/api/v1/webhooks/test").Body, `"callback_url":"https://x.example/h"`)
	})

	t.Run("test usage", func(t *testing.T) {
		t.Parallel()
		r := cmdTest{env: env}.run(t, "webhooks", "channex", "test")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "missing ID or --url")
		r = cmdTest{env: env}.run(t, "webhooks", "channex", "test", "wh-1", "--url", "https://x")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "not both")
	})
}

func TestWebhooks_channexTestFails(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, map[string]reply{
		"POST /api/v1/webhooks/test": {http.StatusOK, `{"status_code":401,"body":"Unauthorized"}`},
	})
	r := cmdTest{env: map[string]string{"CHANNEX_API_KEY": "k"}}.run(t, "webhooks", "channex", "test", "--url", "https://x.example/h", "--base-url", f.URL+"/api/v1")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stdout, "https://x.example/h answered 401")
	assert.Contains(t, r.stderr, "the callback answered 401")
}
