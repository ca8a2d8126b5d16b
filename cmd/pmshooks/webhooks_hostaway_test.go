package main

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hostawayWebhookJSON = `{"id":7,"isEnabled":1,"url":"https://acme.example/hooks/hostaway","login":"pmshooks","password":"****","alertingEmailAddress":"ops@acme.example"}`

func hostawayFake(t *testing.T) *fakeAPI {
	t.Helper()
	return newFakeAPI(t, map[string]reply{
		"POST /v1/accessTokens":                 {http.StatusOK, `{"token_type":"Bearer","expires_in":63072000,"access_token":"tok-from-credentials"}`},
		"GET /v1/webhooks/unifiedWebhooks":      {http.StatusOK, `{"status":"success","result":[` + hostawayWebhookJSON + `],"count":1}`},
		"POST /v1/webhooks/unifiedWebhooks":     {http.StatusOK, `{"status":"success","result":` + hostawayWebhookJSON + `}`},
		"DELETE /v1/webhooks/unifiedWebhooks/7": {http.StatusOK, `{"status":"success","result":[]}`},
	})
}

func TestWebhooks_hostaway(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HOSTAWAY_ACCESS_TOKEN": "tok-123", "HOSTAWAY_WEBHOOK_PASSWORD": "receiver-password"}

	t.Run("list", func(t *testing.T) {
		t.Parallel()
		f := hostawayFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "hostaway", "list", "--base-url", f.URL+"/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Regexp(t, `ID +ENABLED +LOGIN +ALERT EMAIL +URL\n7 +yes +pmshooks +ops@acme.example +https://acme.example/hooks/hostaway\n`, r.stdout)
		assert.Equal(t, "Bearer tok-123", f.call(t, "GET", "/v1/webhooks/unifiedWebhooks").Header.Get("Authorization"))

		r = cmdTest{env: env}.run(t, "webhooks", "hostaway", "list", "--json", "--base-url", f.URL+"/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `[{"id":7,"url":"https://acme.example/hooks/hostaway","enabled":true,"login":"pmshooks","alerting_email_address":"ops@acme.example"}]`, r.stdout)
	})

	t.Run("create", func(t *testing.T) {
		t.Parallel()
		f := hostawayFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "hostaway", "create", "--base-url", f.URL+"/v1",
			"--url", "https://acme.example/hooks/hostaway", "--alert-email", "ops@acme.example")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "created unified webhook 7\n")
		assert.NotContains(t, r.stdout, "receiver-password")
		assert.JSONEq(t, `{"isEnabled":1,"url":"https://acme.example/hooks/hostaway","login":"pmshooks","password":"receiver-password","alertingEmailAddress":"ops@acme.example"}`,
			f.call(t, "POST", "/v1/webhooks/unifiedWebhooks").Body, "the receiver's Basic-auth pair")
	})

	t.Run("create with a login, disabled", func(t *testing.T) {
		t.Parallel()
		f := hostawayFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "hostaway", "create", "--base-url", f.URL+"/v1",
			"--url", "https://x.example/h", "--login", "acme", "--disabled")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"isEnabled":0,"url":"https://x.example/h","login":"acme","password":"receiver-password","alertingEmailAddress":null}`,
			f.call(t, "POST", "/v1/webhooks/unifiedWebhooks").Body)
	})

	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		f := hostawayFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "hostaway", "delete", "7", "--base-url", f.URL+"/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "deleted unified webhook 7\n", r.stdout)
		f.call(t, "DELETE", "/v1/webhooks/unifiedWebhooks/7")
	})

	t.Run("client credentials", func(t *testing.T) {
		t.Parallel()
		f := hostawayFake(t)
		env := map[string]string{"HOSTAWAY_ACCOUNT_ID": "10450", "HOSTAWAY_CLIENT_SECRET": "client-secret"}
		r := cmdTest{env: env}.run(t, "webhooks", "hostaway", "list", "--base-url", f.URL+"/v1")
		require.Equal(t, exitOK, r.code, r.stderr)
		form, err := url.ParseQuery(f.call(t, "POST", "/v1/accessTokens").Body)
		require.NoError(t, err)
		assert.Equal(t, "10450", form.Get("client_id"))
		assert.Equal(t, "client_credentials", form.Get("grant_type"))
		assert.Equal(t, "Bearer tok-from-credentials", f.call(t, "GET", "/v1/webhooks/unifiedWebhooks").Header.Get("Authorization"))
	})
}
