package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/internal/registry"
	"github.com/pmshooks/pmshooks/verify"
)

// TestListen_inboxConsoleReplay: listen keeps what it receives in its
// inbox, across a restart, shows it in the console at /ui/, and inbox
// replay re-sends it, signed again, to a handler that verifies it.
func TestListen_inboxConsoleReplay(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "listen.db")
	env := map[string]string{"PROPEXO_WEBHOOK_SECRET": "s3cr3t"}
	l, stop := startListen(t, cmdTest{db: db, env: env})
	assert.Contains(t, l.out.String(), "Inbox console: "+l.base+"/ui/ (local only")
	r := cmdTest{env: env}.run(t, "send", "propexo", "DATA_NEW", "--url", l.base+"/hooks/propexo")
	require.Equal(t, exitOK, r.code, r.stderr)

	resp, err := http.Get(l.base + "/ui/")
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "<td>propexo</td>")
	stop()
	<-l.done
	l.done <- exitOK // for the cleanup

	// Kept across a restart.
	l2, _ := startListen(t, cmdTest{db: db, env: env})
	resp, err = http.Get(l2.base + "/ui/?provider=propexo")
	require.NoError(t, err)
	page, _ = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Contains(t, string(page), "DATA_NEW")

	// Replay to a handler that verifies with the same secret.
	p := lookup(t, "propexo")
	v, err := p.NewVerifier(map[string]string{"PROPEXO_WEBHOOK_SECRET": "s3cr3t"})
	require.NoError(t, err)
	var (
		mu  sync.Mutex
		got []error
	)
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := v.Verify(r.Header, body)
		mu.Lock()
		got = append(got, err)
		mu.Unlock()
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(handler.Close)
	r = cmdTest{env: env}.run(t, "inbox", "replay", "--db", db, "1", "--to", handler.URL)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "200 OK")
	r = cmdTest{}.run(t, "inbox", "replay", "--db", db, "1", "--to", handler.URL, "--webhook-secret", "wrong")
	assert.Equal(t, exitFailure, r.code)
	mu.Lock()
	require.Len(t, got, 2)
	assert.NoError(t, got[0])
	assert.ErrorIs(t, got[1], verify.ErrInvalidSignature)
	mu.Unlock()

	r = runCmd(t, "inbox", "replay", "--db", db, "999", "--to", handler.URL)
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, inbox.ErrNotFound.Error())
}

func TestInboxUI(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "listen.db")
	l, stop := startListen(t, cmdTest{db: db})
	stop()
	<-l.done
	l.done <- exitOK
	out := &syncBuffer{}
	a := cmdTest{}.app(out, &syncBuffer{})
	ctx, cancel := contextWithCancel(t)
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, []string{"inbox", "ui", "--db", db, "--addr", "127.0.0.1:0"}) }()
	var base string
	require.Eventually(t, func() bool {
		_, rest, ok := strings.Cut(out.String(), "the console on ")
		if ok {
			base, _, _ = strings.Cut(rest, " ")
		}
		return ok
	}, 5*time.Second, 5*time.Millisecond)
	resp, err := http.Get(base)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	cancel()
	require.NoError(t, <-done)
}

func lookup(t *testing.T, name string) registry.Provider {
	t.Helper()
	for _, p := range registry.All() {
		if string(p.Name) == name {
			return p
		}
	}
	t.Fatalf("no provider %s", name)
	return registry.Provider{}
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}
