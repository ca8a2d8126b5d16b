package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/registry"
)

func noEnv(string) string { return "" }

// syncBuffer is a bytes.Buffer safe to read while the inbox workers write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

// testApp returns an app on a fresh SQLite inbox whose workers run until the
// test ends.
func testApp(t *testing.T, getenv func(string) string, out io.Writer) *app {
	t.Helper()
	ib, closeDB, err := openInbox(t.Context(), filepath.Join(t.TempDir(), "inbox.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	a, err := newApp(getenv, slog.New(slog.DiscardHandler), out, ib)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ib.Run(ctx, a.mux) }()
	t.Cleanup(func() {
		cancel()
		<-done
		closeDB()
	})
	return a
}

// TestApp_everySample posts every sample of every provider to the server's
// handler: signed it is handled with its normalized type, unsigned it is
// refused.
func TestApp_everySample(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	a := testApp(t, noEnv, &out)
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
			// Stored, then handled by a worker.
			assert.Eventually(t, func() bool {
				o := out.String()
				return strings.Contains(o, name) && strings.Contains(o, string(want.Type()))
			}, 10*time.Second, 5*time.Millisecond, "%s %s handled as %s", p.Name, name, want.Type())

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
	a := testApp(t, func(k string) string { return env[k] }, io.Discard)
	assert.False(t, a.providers["propexo"].dev)
	assert.Equal(t, "s3cret", a.providers["propexo"].creds["PROPEXO_WEBHOOK_SECRET"])
	assert.False(t, a.providers["hostaway"].dev)
	assert.True(t, a.providers["channex"].dev)

	// Half a configuration is an error, not development mode.
	env = map[string]string{"CHANNEX_WEBHOOK_HEADER": "X-Secret"}
	a = testApp(t, func(k string) string { return env[k] }, io.Discard)
	assert.True(t, a.providers["channex"].dev, "the header alone, which has a default: still development mode")
}

func TestRun_demo(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-demo"}, &stdout, &stderr, noEnv)
	assert.NotContains(t, stderr.String(), "level=ERROR")
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), "each handled once")
	assert.Contains(t, stdout.String(), "answered 200, stored once, handler not called again")
	// The thin OwnerRez delivery carries no record: the handler's booking
	// is the one the workers fetched from the fake API.
	// A booking changed on the fake with no webhook: reconciliation finds it.
	assert.Regexp(t, `ownerrez +booking\.entity_create +-> booking\.created +booking/\d+ +booking \d+ confirmed, 2030-04-02 to 2030-04-05, Grace Hopper, 640\.00 USD \(found by polling the provider: no webhook came\)`, stdout.String())
	assert.Regexp(t, `ownerrez +booking\.entity_update +-> booking\.updated +booking/\d+ +booking \d+ confirmed, 2030-03-12 to 2030-03-16, Ada Lovelace, 1250\.00 USD \(current record, fetched from the provider\)`, stdout.String())
	for _, p := range registry.Names() {
		assert.Contains(t, stdout.String(), p)
	}
}

func TestRun_badFlag(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 2, run(context.Background(), []string{"-nope"}, io.Discard, io.Discard, noEnv))
	var stderr bytes.Buffer
	db := filepath.Join(t.TempDir(), "inbox.db")
	assert.Equal(t, 2, run(context.Background(), []string{"-reconcile", "5m", "-db", db}, io.Discard, &stderr, noEnv))
	assert.Contains(t, stderr.String(), "no provider has API credentials")
	assert.Equal(t, 0, run(context.Background(), []string{"-h"}, io.Discard, io.Discard, noEnv))
}

func TestRun_serverStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan int)
	db := filepath.Join(t.TempDir(), "inbox.db")
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", db}, &stdout, io.Discard, noEnv) }()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "DEVELOPMENT MODE") }, 10*time.Second, 5*time.Millisecond)
	assert.Contains(t, stdout.String(), "go run ./cmd/pmshooks send channex booking_new --url http://127.0.0.1:")
	cancel()
	assert.Equal(t, 0, <-done)
}

// TestRun_readOnlyDatabase starts the server on an inbox it cannot write:
// it refuses to start, saying why, instead of reporting healthy and answering
// every delivery 503.
func TestRun_readOnlyDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "inbox.db")
	ib, closeDB, err := openInbox(context.Background(), path, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	require.NotNil(t, ib)
	closeDB()

	// Bounded: a server that starts anyway serves until the context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	code := run(ctx, []string{"-addr", "127.0.0.1:0", "-db", "file:" + path + "?mode=ro"}, io.Discard, &stderr, noEnv)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "not writable")
}

// TestSourcesFromEnv: -reconcile polls each provider whose API credentials
// are set, and only those.
func TestSourcesFromEnv(t *testing.T) {
	env := map[string]string{
		"OWNERREZ_TOKEN": "at_x", "OWNERREZ_USER_ID": "42",
		"CHANNEX_API_KEY": "k", "CHANNEX_PROPERTY_ID": "p-1",
		"HOSTAWAY_ACCOUNT_ID": "10450", "HOSTAWAY_CLIENT_SECRET": "s",
		"PROPEXO_API_KEY": "k", "PROPEXO_INTEGRATION_ID": "int-1",
		"BOOKINGSYNC_ACCESS_TOKEN": "t", "BOOKINGSYNC_ACCOUNT_ID": "1059638630",
	}
	sources, err := sourcesFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	var names []string
	for _, s := range sources {
		names = append(names, s.Name())
	}
	assert.Equal(t, []string{"ownerrez/bookings/42", "channex/booking_revisions/p-1", "hostaway/reservations/10450",
		"bookingsync/bookings/1059638630", "propexo/data-diffs/int-1"}, names)

	sources, err = sourcesFromEnv(func(k string) string {
		if k == "CHANNEX_API_KEY" {
			return "k" // without a property: not polled
		}
		return ""
	})
	require.NoError(t, err)
	assert.Empty(t, sources)

	_, err = sourcesFromEnv(func(k string) string { return map[string]string{"OWNERREZ_TOKEN": "t", "OWNERREZ_USER_ID": "x"}[k] })
	assert.ErrorContains(t, err, "OWNERREZ_USER_ID")
}
