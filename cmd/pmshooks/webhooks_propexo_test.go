package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const propexoWebhookJSON = `{"id":"wh-001","url":"https://acme.example/hooks/propexo","active":true,
	"triggers":[{"id":"trg-1","trigger":"DATA_NEW","model":"leases"},{"id":"trg-2","trigger":"SYNC_COMPLETE","model":null}],
	"headers":[{"header":"Authorization","value":"Bearer header-secret"}],"secret":"signing-secret-0123","system":"SANDBOX",
	"created_at":"2025-01-01T00:00:00.000Z","updated_at":"2025-01-01T00:00:00.000Z"}`

func propexoFake(t *testing.T) *fakeAPI {
	t.Helper()
	return newFakeAPI(t, map[string]reply{
		"GET /v1/webhooks/":          {http.StatusOK, `{"meta":{"offset":0,"limit":1000,"hasMore":false,"total":1},"results":[` + propexoWebhookJSON + `]}`},
		"POST /v1/webhooks/":         {http.StatusOK, `{"result":` + propexoWebhookJSON + `}`},
		"DELETE /v1/webhooks/wh-001": {http.StatusOK, `{"result":{"id":"wh-001"}}`},
	})
}

func TestWebhooks_propexo(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PROPEXO_API_KEY": "key-123", "PROPEXO_WEBHOOK_SECRET": "receiver-secret-0123"}

	t.Run("list", func(t *testing.T) {
		t.Parallel()
		f := propexoFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "propexo", "list", "--base-url", f.URL+"/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Regexp(t, `ID +ACTIVE +TRIGGERS +SYSTEM +URL\nwh-001 +yes +DATA_NEW:leases,SYNC_COMPLETE +SANDBOX +https://acme.example/hooks/propexo\n`, r.stdout)
		call := f.call(t, "GET", "/v1/webhooks/")
		assert.Equal(t, "Bearer key-123", call.Header.Get("Authorization"))
		assert.Contains(t, call.Query, "active=true")

		r = cmdTest{env: env}.run(t, "webhooks", "propexo", "list", "--inactive", "--json", "--base-url", f.URL+"/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"id": "wh-001"`)
		assert.NotContains(t, r.stdout, "signing-secret-0123")
		assert.NotContains(t, r.stdout, "header-secret")
	})

	t.Run("create", func(t *testing.T) {
		t.Parallel()
		f := propexoFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "propexo", "create", "--base-url", f.URL+"/v1",
			"--url", "https://acme.example/hooks/propexo", "--trigger", "data_new, DATA_UPDATE", "--model", "residents-to-leases",
			"--header", "Authorization: Bearer abc")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "created webhook wh-001\n")
		assert.NotContains(t, r.stdout, "signing-secret-0123", "the receiver's own secret was used: nothing to print")
		assert.JSONEq(t, `{"url":"https://acme.example/hooks/propexo","triggers":["DATA_NEW","DATA_UPDATE"],"model":"residents_to_leases",
			"headers":[{"header":"Authorization","value":"Bearer abc"}],"secret":"receiver-secret-0123","active":true}`,
			f.call(t, "POST", "/v1/webhooks/").Body)
	})

	t.Run("create with a generated secret", func(t *testing.T) {
		t.Parallel()
		f := propexoFake(t)
		r := cmdTest{env: map[string]string{"PROPEXO_API_KEY": "key-123"}}.run(t, "webhooks", "propexo", "create",
			"--base-url", f.URL+"/v1", "--url", "https://x.example/h", "--trigger", "SYNC_COMPLETE", "--inactive")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "give it to your receiver as PROPEXO_WEBHOOK_SECRET:\nsigning-secret-0123\n")
		assert.JSONEq(t, `{"url":"https://x.example/h","triggers":["SYNC_COMPLETE"],"active":false}`, f.call(t, "POST", "/v1/webhooks/").Body)

		r = cmdTest{env: map[string]string{"PROPEXO_API_KEY": "key-123"}}.run(t, "webhooks", "propexo", "create",
			"--base-url", f.URL+"/v1", "--url", "https://x.example/h", "--trigger", "SYNC_COMPLETE", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.NotContains(t, r.stdout, "signing-secret-0123", "JSON stays redacted")
		assert.Contains(t, r.stderr, "signing-secret-0123", "the generated secret is told once")
	})

	t.Run("create without trigger", func(t *testing.T) {
		t.Parallel()
		r := cmdTest{env: env}.run(t, "webhooks", "propexo", "create", "--url", "https://x.example/h")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "missing --trigger")
	})

	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		f := propexoFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "propexo", "delete", "wh-001", "--base-url", f.URL+"/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "deleted webhook wh-001\n", r.stdout)
		f.call(t, "DELETE", "/v1/webhooks/wh-001")
	})
}
