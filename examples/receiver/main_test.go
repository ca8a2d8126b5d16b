package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/registry"
)

func noEnv(string) string { return "" }

// TestApp_everySample posts every sample of every provider to the server's
// handler: signed it is handled with its normalized type, unsigned it is
// refused.
func TestApp_everySample(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	a, err := newApp(noEnv, slog.New(slog.DiscardHandler), &out)
	require.NoError(t, err)
	srv := httptest.NewServer(a.handler())
	defer srv.Close()

	for _, p := range registry.All() {
		m := a.providers[string(p.Name)]
		require.NotNil(t, m, p.Name)
		require.True(t, m.dev, "no environment: development mode")
		for _, name := range p.Events() {
			// The type the provider's receiver gives this sample.
			r, err := p.NewRequest(srv.URL+"/hooks/"+string(p.Name), name, m.signer)
			require.NoError(t, err)
			body, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			rc, err := p.NewReceiver(m.signer)
			require.NoError(t, err)
			want, err := rc.Receive(r.Header, body)
			require.NoError(t, err)

			out.Reset()
			req, err := p.NewRequest(srv.URL+"/hooks/"+string(p.Name), name, m.signer)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode, "%s %s", p.Name, name)
			assert.Contains(t, out.String(), string(want.Type()), "%s %s", p.Name, name)
			assert.Contains(t, out.String(), name)

			unsigned, err := p.NewRequest(srv.URL+"/hooks/"+string(p.Name), name, nil)
			require.NoError(t, err)
			resp, err = http.DefaultClient.Do(unsigned)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s %s unsigned", p.Name, name)
		}
	}

	resp, err := http.Post(srv.URL+"/hooks/airbnb", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestNewApp_credentialsFromEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PROPEXO_WEBHOOK_SECRET": "s3cret", "HOSTAWAY_WEBHOOK_PASSWORD": "pw"}
	a, err := newApp(func(k string) string { return env[k] }, slog.New(slog.DiscardHandler), io.Discard)
	require.NoError(t, err)
	assert.False(t, a.providers["propexo"].dev)
	assert.Equal(t, "s3cret", a.providers["propexo"].creds["PROPEXO_WEBHOOK_SECRET"])
	assert.False(t, a.providers["hostaway"].dev)
	assert.True(t, a.providers["channex"].dev)

	// Half a configuration is an error, not development mode.
	env = map[string]string{"CHANNEX_WEBHOOK_HEADER": "X-Secret"}
	a, err = newApp(func(k string) string { return env[k] }, slog.New(slog.DiscardHandler), io.Discard)
	require.NoError(t, err, "the header alone has a default partner: still development mode")
	assert.True(t, a.providers["channex"].dev)
}

func TestRun_demo(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-demo"}, &stdout, &stderr, noEnv)
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), "each handled once")
	assert.Contains(t, stdout.String(), "answered 200, handler not called again")
	for _, p := range registry.Names() {
		assert.Contains(t, stdout.String(), p)
	}
}

func TestRun_badFlag(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 2, run(context.Background(), []string{"-nope"}, io.Discard, io.Discard, noEnv))
	assert.Equal(t, 0, run(context.Background(), []string{"-h"}, io.Discard, io.Discard, noEnv))
}

func TestRun_serverStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, &stdout, io.Discard, noEnv) }()
	cancel()
	assert.Equal(t, 0, <-done)
}
