package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestRun_missingKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"channex"}, nil, "set CHANNEX_API_KEY"},
		{[]string{"hostaway"}, map[string]string{"HOSTAWAY_ACCOUNT_ID": "1"}, "set HOSTAWAY_CLIENT_SECRET"},
		{[]string{"ownerrez"}, nil, "set OWNERREZ_TOKEN"},
		{nil, map[string]string{"CHANNEX_API_KEY": "k"}, "set HOSTAWAY_ACCOUNT_ID"},
		{[]string{"propexo"}, nil, "set PROPEXO_API_KEY"},
	}
	for _, tc := range tests {
		var stderr bytes.Buffer
		code := run(context.Background(), tc.args, io.Discard, &stderr, envOf(tc.env))
		assert.Equal(t, 1, code, tc.want)
		assert.Contains(t, stderr.String(), tc.want)
	}
}

func TestRun_usage(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	assert.Equal(t, 1, run(context.Background(), []string{"bookingsync"}, io.Discard, &stderr, envOf(nil)))
	assert.Contains(t, stderr.String(), "no subscription API")
	assert.Equal(t, 2, run(context.Background(), []string{"-bogus"}, io.Discard, io.Discard, envOf(nil)))
	assert.Equal(t, 2, run(context.Background(), []string{"-register", "channex"}, io.Discard, io.Discard, envOf(nil)))
	assert.Equal(t, 0, run(context.Background(), []string{"-h"}, io.Discard, io.Discard, envOf(nil)))
}

// TestRun_channex registers and lists against a fake Channex API.
func TestRun_channex(t *testing.T) {
	t.Parallel()
	var created map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "key-1", r.Header.Get("user-api-key"))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/webhooks":
			require.NoError(t, json.NewDecoder(r.Body).Decode(&created))
			_, _ = io.WriteString(w, `{"data":{"id":"wh-1","type":"webhook","attributes":{"callback_url":"https://hooks.example.com/hooks/channex","event_mask":"*","is_active":true}}}`)
		case r.Method == http.MethodGet && r.URL.Path == "/webhooks":
			_, _ = io.WriteString(w, `{"data":[{"id":"wh-1","type":"webhook","attributes":{"callback_url":"https://hooks.example.com/hooks/channex","event_mask":"*","is_active":true}}],"meta":{"page":1,"limit":10,"total":1}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	env := envOf(map[string]string{"CHANNEX_API_KEY": "key-1", "CHANNEX_BASE_URL": srv.URL, "CHANNEX_WEBHOOK_TOKEN": "tok"})
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-register", "-url", "https://hooks.example.com/", "channex"}, &stdout, &stderr, env)
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), "registered channex webhook wh-1")
	assert.Contains(t, stdout.String(), "wh-1  https://hooks.example.com/hooks/channex  events=* active=true")
	hook, _ := created["webhook"].(map[string]any)
	require.NotNil(t, hook, "body wrapped as {webhook: ...}")
	assert.Equal(t, map[string]any{"X-Channex-Webhook-Secret": "tok"}, hook["headers"])
}
