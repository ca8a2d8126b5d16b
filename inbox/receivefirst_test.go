package inbox_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
)

func TestReceiveFirst_SQLite(t *testing.T)     { testReceiveFirst(t, sqliteBackend()) }
func TestReceiveFirst_PostgreSQL(t *testing.T) { testReceiveFirst(t, postgresBackend(t)) }

// testReceiveFirst holds two deliveries that arrive together in the receive
// path (their group writes wait) while a stored delivery is due: the workers
// of the same Inbox wait up to the WithReceiveFirst limit before they claim
// it, and no longer, even though the receive path stays busy; with the wait
// turned off they claim it at once. TestReceiveFirst_alone_* cover
// a delivery that arrives alone.
func testReceiveFirst(t *testing.T, b backend) {
	const limit = 700 * time.Millisecond
	tests := []struct {
		name   string
		option time.Duration
		// handled within early after the workers start; and at the
		// latest after late.
		early, late time.Duration
		wantEarly   bool
	}{
		{"waits for the receive path, up to the limit", limit, limit / 2, 10 * time.Second, false},
		{"off", -1, limit / 2, limit / 2, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, b, inbox.WithReceiveFirst(tc.option))
			f.postOK(t, payload{ID: "stored-before"})

			writing, release := holdStores(t, f.ib)
			// Two deliveries arrive together: a burst.
			posted := make(chan int, 2)
			for _, id := range []string{"arriving-1", "arriving-2"} {
				go func() { posted <- post(t, f.handler, f.signer, body(payload{ID: id})) }()
			}
			eventually(t, 5*time.Second, func() bool { return writing.Load() && inbox.ReceiveBusy(f.ib) },
				"the arriving deliveries never reached the receive path")

			handled := make(chan string, 3)
			started := time.Now()
			run(t, f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
				handled <- e.ID()
				return nil
			}))
			select {
			case id := <-handled:
				took := time.Since(started)
				assert.Equal(t, "stored-before", id)
				if !tc.wantEarly {
					assert.GreaterOrEqual(t, took, tc.early, "claimed while the receive path was busy, before the limit")
				}
				assert.Less(t, took, tc.late)
			case <-time.After(tc.late):
				t.Fatalf("the stored delivery was not handled within %v while the receive path stayed busy", tc.late)
			}
			release()
			require.Equal(t, http.StatusOK, <-posted)
			require.Equal(t, http.StatusOK, <-posted)
			var later []string
			for range 2 {
				select {
				case id := <-handled:
					later = append(later, id)
				case <-time.After(10 * time.Second):
					t.Fatalf("the arriving deliveries were not all handled: %v", later)
				}
			}
			assert.ElementsMatch(t, []string{"arriving-1", "arriving-2"}, later)
		})
	}
}

func TestReceiveFirst_alone_SQLite(t *testing.T)     { testReceiveFirstAlone(t, sqliteBackend()) }
func TestReceiveFirst_alone_PostgreSQL(t *testing.T) { testReceiveFirstAlone(t, postgresBackend(t)) }

// testReceiveFirstAlone holds one delivery in the receive path, alone, while
// a stored one is due: one delivery at a time is no burst, and the workers
// claim at once, so that a quiet service handles each delivery without the
// wait.
func testReceiveFirstAlone(t *testing.T, b backend) {
	f := setup(t, b, inbox.WithReceiveFirst(time.Hour))
	f.postOK(t, payload{ID: "stored-before"})
	writing, release := holdStores(t, f.ib)
	posted := make(chan int, 1)
	go func() { posted <- post(t, f.handler, f.signer, body(payload{ID: "arriving"})) }()
	eventually(t, 5*time.Second, writing.Load, "the arriving delivery's write never started")
	require.False(t, inbox.ReceiveBusy(f.ib))

	handled := make(chan string, 2)
	run(t, f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		handled <- e.ID()
		return nil
	}))
	select {
	case id := <-handled:
		assert.Equal(t, "stored-before", id)
	case <-time.After(10 * time.Second):
		t.Fatal("a delivery arriving alone held the workers back")
	}
	release()
	require.Equal(t, http.StatusOK, <-posted)
}

// holdStores makes every group write of ib wait until release (called at
// the end of t at the latest); writing reports whether one has started.
func holdStores(t *testing.T, ib *inbox.Inbox) (writing *atomic.Bool, release func()) {
	hold := make(chan struct{})
	release = sync.OnceFunc(func() { close(hold) })
	writing = new(atomic.Bool)
	inbox.SetBeforeStore(ib, func(int) error {
		writing.Store(true)
		<-hold
		return nil
	})
	t.Cleanup(release)
	return writing, release
}
