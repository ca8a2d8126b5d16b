package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apiCall is one request a fake API received.
type apiCall struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// fakeAPI is an httptest server answering each route (a ServeMux pattern
// such as "GET /v1/webhooks/") with a canned reply, and recording calls.
type fakeAPI struct {
	URL string

	mu    sync.Mutex
	calls []apiCall
}

type reply struct {
	status int
	body   string
}

func newFakeAPI(t *testing.T, routes map[string]reply) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	mux := http.NewServeMux()
	for pattern, rep := range routes {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			f.mu.Lock()
			f.calls = append(f.calls, apiCall{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
			f.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rep.status)
			_, _ = io.WriteString(w, rep.body)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// call returns the only call made with method to path.
func (f *fakeAPI) call(t *testing.T, method, path string) apiCall {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	var found []apiCall
	for _, c := range f.calls {
		if c.Method == method && c.Path == path {
			found = append(found, c)
		}
	}
	require.Len(t, found, 1, "calls to %s %s among %v", method, path, f.calls)
	return found[0]
}

func TestWebhooks_bookingsync(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"list", "create", "delete"} {
		r := runCmd(t, "webhooks", "bookingsync", action)
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "pmshooks webhooks: bookingsync has no webhook subscription API")
	}
}

func TestWebhooks_missingKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"webhooks", "channex", "list"}, nil, "pmshooks webhooks channex list: missing CHANNEX_API_KEY: set it to a Channex API key"},
		{[]string{"webhooks", "channex", "delete", "wh-1"}, nil, "missing CHANNEX_API_KEY"},
		{[]string{"webhooks", "channex", "test", "wh-1"}, nil, "missing CHANNEX_API_KEY"},
		{[]string{"webhooks", "hostaway", "list"}, nil, "missing HOSTAWAY_ACCOUNT_ID and HOSTAWAY_CLIENT_SECRET: set the Hostaway account ID and an API client secret (or HOSTAWAY_ACCESS_TOKEN)"},
		{[]string{"webhooks", "hostaway", "list"}, map[string]string{"HOSTAWAY_ACCOUNT_ID": "1"}, "missing HOSTAWAY_CLIENT_SECRET:"},
		{[]string{"webhooks", "hostaway", "create", "--url", "https://x"}, map[string]string{"HOSTAWAY_ACCESS_TOKEN": "t"}, "missing HOSTAWAY_WEBHOOK_PASSWORD"},
		{[]string{"webhooks", "ownerrez", "list"}, nil, "missing OWNERREZ_TOKEN: set it to an OAuth access token"},
		{[]string{"webhooks", "ownerrez", "create", "--url", "https://x"}, nil, "missing OWNERREZ_TOKEN"},
		{[]string{"webhooks", "propexo", "list"}, nil, "pmshooks webhooks propexo list: missing PROPEXO_API_KEY: set it to a Propexo API token"},
		{[]string{"webhooks", "propexo", "delete", "wh-1"}, nil, "missing PROPEXO_API_KEY"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := cmdTest{env: tt.env}.run(t, tt.args...)
			assert.Equal(t, exitFailure, r.code)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
		})
	}
}

func TestWebhooks_noTestCall(t *testing.T) {
	t.Parallel()
	// test is an action these providers lack: a usage error that says
	// what to do instead.
	for _, p := range []string{"hostaway", "ownerrez", "propexo"} {
		r := runCmd(t, "webhooks", p, "test")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "Run 'pmshooks webhooks "+p+" --help' for usage.")
		assert.Contains(t, r.stderr, p+" has no test call; 'pmshooks send "+p+" EVENT --url URL' posts a signed sample")
	}
}

func TestWebhooks_apiError(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, map[string]reply{
		"GET /v1/webhooks/": {http.StatusUnauthorized, `{"statusCode":401,"message":"Invalid API key"}`},
	})
	r := cmdTest{env: map[string]string{"PROPEXO_API_KEY": "bad-key"}}.run(t, "webhooks", "propexo", "list", "--base-url", f.URL+"/v1")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "pmshooks webhooks propexo list: ")
	assert.Contains(t, r.stderr, "401")
	assert.NotContains(t, r.stderr, "bad-key", "the key is never printed")
}

func TestWebhooks_jsonKeys(t *testing.T) {
	t.Parallel()
	// Every --json output has the same casing, snake_case, and names the
	// shared fields alike: id, url, enabled.
	tests := []struct {
		name string
		fake func(*testing.T) *fakeAPI
		root string // appended to the fake's URL
		env  map[string]string
		args []string
		keys []string
	}{
		{"channex list", channexFake, "/api/v1", map[string]string{"CHANNEX_API_KEY": "k", "CHANNEX_WEBHOOK_TOKEN": "t0ken-secret"},
			[]string{"webhooks", "channex", "list"}, []string{"id", "url", "enabled", "events", "is_global", "send_data", "headers"}},
		{"channex create", channexFake, "/api/v1", map[string]string{"CHANNEX_API_KEY": "k", "CHANNEX_WEBHOOK_TOKEN": "t0ken-secret"},
			[]string{"webhooks", "channex", "create", "--url", "https://acme.example/hooks/channex"}, []string{"id", "url", "enabled", "events", "is_global", "send_data", "headers"}},
		{"hostaway list", hostawayFake, "/v1", map[string]string{"HOSTAWAY_ACCESS_TOKEN": "t"},
			[]string{"webhooks", "hostaway", "list"}, []string{"id", "url", "enabled", "login", "alerting_email_address"}},
		{"hostaway create", hostawayFake, "/v1", map[string]string{"HOSTAWAY_ACCESS_TOKEN": "t", "HOSTAWAY_WEBHOOK_PASSWORD": "pw"},
			[]string{"webhooks", "hostaway", "create", "--url", "https://acme.example/hooks/hostaway"}, []string{"id", "url", "enabled", "login", "alerting_email_address"}},
		{"ownerrez list", ownerrezFake, "/v2", map[string]string{"OWNERREZ_TOKEN": "at_1"},
			[]string{"webhooks", "ownerrez", "list"}, []string{"id", "url", "type", "action", "category"}},
		{"ownerrez create", ownerrezFake, "/v2", map[string]string{"OWNERREZ_TOKEN": "at_1"},
			[]string{"webhooks", "ownerrez", "create", "--url", "https://acme.example/hooks/ownerrez"}, []string{"id", "url", "type", "action", "category"}},
		{"propexo list", propexoFake, "/v1", map[string]string{"PROPEXO_API_KEY": "pk-test-key"},
			[]string{"webhooks", "propexo", "list"}, []string{"id", "url", "enabled", "triggers", "headers", "system", "created_at", "updated_at"}},
		{"propexo create", propexoFake, "/v1", map[string]string{"PROPEXO_API_KEY": "pk-test-key", "PROPEXO_WEBHOOK_SECRET": "whsec-test"},
			[]string{"webhooks", "propexo", "create", "--url", "https://acme.example/hooks/propexo", "--trigger", "SYNC_COMPLETE"},
			[]string{"id", "url", "enabled", "triggers", "headers", "system", "created_at", "updated_at"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := tt.fake(t)
			r := cmdTest{env: tt.env}.run(t, append(tt.args, "--json", "--base-url", f.URL+tt.root)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			var obj map[string]any
			if strings.HasSuffix(tt.name, " list") {
				var list []map[string]any
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &list), r.stdout)
				require.NotEmpty(t, list)
				obj = list[0]
			} else {
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &obj), r.stdout)
			}
			assertKeys(t, obj, tt.keys...)
			assert.NotContains(t, r.stdout, "secret", "secrets are redacted")
		})
	}
}
