package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/internal/registry"
)

// seeded is an inbox holding the demo deliveries of every provider, handled
// by workers that fail every propexo delivery (so those are dead, one
// attempt each) until heal is called.
type seeded struct {
	ib      *inbox.Inbox
	failing atomic.Bool
}

func (s *seeded) heal() { s.failing.Store(false) }

func seed(t testing.TB) *seeded {
	t.Helper()
	db, d, err := inbox.OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ib, err := inbox.New(db, d, inbox.WithMaxAttempts(1), inbox.WithPollInterval(20*time.Millisecond))
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(t.Context()))
	s := &seeded{ib: ib}
	s.failing.Store(true)

	mux := http.NewServeMux()
	var reqs []*http.Request
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, p := range registry.All() {
		v, err := p.NewVerifier(p.DevCredentials())
		require.NoError(t, err)
		rc, err := p.NewReceiver(v)
		require.NoError(t, err)
		mux.Handle("POST /hooks/"+string(p.Name), ib.HTTPHandler(rc))
		for _, name := range p.DemoEvents() {
			req, err := p.NewRequest(srv.URL+"/hooks/"+string(p.Name), name, v)
			require.NoError(t, err)
			reqs = append(reqs, req)
		}
	}
	for _, req := range reqs {
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, req.URL.Path)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = ib.Run(ctx, event.HandlerFunc(func(_ context.Context, e event.Event) error {
			if e.Provider() == "propexo" && s.failing.Load() {
				return errBoom
			}
			return nil
		}))
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	require.Eventually(t, func() bool {
		st, err := ib.Stats(context.Background())
		return err == nil && st.Pending == 0 && st.InFlight == 0 && st.Dead > 0
	}, 20*time.Second, 20*time.Millisecond)
	return s
}

type boom struct{}

func (boom) Error() string { return "the handler failed: propexo is down" }

var errBoom error = boom{}

// deliveryOf returns the first stored delivery of provider in state.
func (s *seeded) deliveryOf(t testing.TB, provider string, state inbox.State) inbox.Delivery {
	t.Helper()
	ds, err := s.ib.List(t.Context(), inbox.Filter{Provider: event.Provider(provider), State: state, Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, ds, "%s %s", provider, state)
	return ds[0]
}
