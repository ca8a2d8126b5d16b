package main

import (
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ownerrezSubscriptionJSON = `{"id":101,"type":"booking","action":"entity_update","webhook_url":"https://acme.example/hooks/ownerrez","category":"availability"}`

func ownerrezFake(t *testing.T) *fakeAPI {
	t.Helper()
	return newFakeAPI(t, map[string]reply{
		"GET /v2/webhooksubscriptions":        {http.StatusOK, `{"count":1,"items":[` + ownerrezSubscriptionJSON + `],"next_page_url":null}`},
		"POST /v2/webhooksubscriptions":       {http.StatusOK, ownerrezSubscriptionJSON},
		"DELETE /v2/webhooksubscriptions/101": {http.StatusOK, `{}`},
	})
}

func TestWebhooks_ownerrez(t *testing.T) {
	t.Parallel()
	env := map[string]string{"OWNERREZ_TOKEN": "at_123"}

	t.Run("list", func(t *testing.T) {
		t.Parallel()
		f := ownerrezFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "ownerrez", "list", "--base-url", f.URL+"/v2")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Regexp(t, `ID +TYPE +ACTION +CATEGORY +URL\n101 +booking +entity_update +availability +https://acme.example/hooks/ownerrez\n`, r.stdout)
		call := f.call(t, "GET", "/v2/webhooksubscriptions")
		assert.Equal(t, "Bearer at_123", call.Header.Get("Authorization"))
		assert.Contains(t, call.Header.Get("User-Agent"), "pmshooks-cli")

		r = cmdTest{env: env}.run(t, "webhooks", "ownerrez", "list", "--json", "--base-url", f.URL+"/v2")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `[{"id":101,"type":"booking","action":"entity_update","category":"availability","url":"https://acme.example/hooks/ownerrez"}]`, r.stdout)
	})

	t.Run("personal token", func(t *testing.T) {
		t.Parallel()
		f := ownerrezFake(t)
		env := map[string]string{"OWNERREZ_TOKEN": "pt_123", "OWNERREZ_EMAIL": "me@acme.example"}
		r := cmdTest{env: env}.run(t, "webhooks", "ownerrez", "list", "--base-url", f.URL+"/v2")
		require.Equal(t, exitOK, r.code, r.stderr)
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte("me@acme.example:pt_123"))
		assert.Equal(t, want, f.call(t, "GET", "/v2/webhooksubscriptions").Header.Get("Authorization"))
	})

	t.Run("the access token of examples/subscriptions", func(t *testing.T) {
		t.Parallel()
		f := ownerrezFake(t)
		r := cmdTest{env: map[string]string{"OWNERREZ_ACCESS_TOKEN": "at_456"}}.run(t, "webhooks", "ownerrez", "list", "--base-url", f.URL+"/v2")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "Bearer at_456", f.call(t, "GET", "/v2/webhooksubscriptions").Header.Get("Authorization"))
	})

	t.Run("create", func(t *testing.T) {
		t.Parallel()
		f := ownerrezFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "ownerrez", "create", "--base-url", f.URL+"/v2",
			"--url", "https://acme.example/hooks/ownerrez", "--category", "availability")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "created subscription 101\n")
		assert.JSONEq(t, `{"type":"booking","action":"entity_update","webhook_url":"https://acme.example/hooks/ownerrez","category":"availability"}`,
			f.call(t, "POST", "/v2/webhooksubscriptions").Body)
	})

	t.Run("create a message subscription", func(t *testing.T) {
		t.Parallel()
		f := ownerrezFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "ownerrez", "create", "--base-url", f.URL+"/v2",
			"--url", "https://acme.example/m", "--type", "message", "--action", "entity_create", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"id":101,"type":"booking","action":"entity_update","category":"availability","url":"https://acme.example/hooks/ownerrez"}`, r.stdout)
		assert.JSONEq(t, `{"type":"message","action":"entity_create","webhook_url":"https://acme.example/m"}`,
			f.call(t, "POST", "/v2/webhooksubscriptions").Body)
	})

	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		f := ownerrezFake(t)
		r := cmdTest{env: env}.run(t, "webhooks", "ownerrez", "delete", "101", "--base-url", f.URL+"/v2")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "deleted subscription 101\n", r.stdout)
		f.call(t, "DELETE", "/v2/webhooksubscriptions/101")
	})
}
