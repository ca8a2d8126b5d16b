package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/verify"
)

func TestHydration_ownerrez_SQLite(t *testing.T) { testHydrationOwnerRez(t, sqliteBackend()) }

func TestHydration_ownerrez_PostgreSQL(t *testing.T) { testHydrationOwnerRez(t, postgresBackend(t)) }

// ownerrezSetup is an inbox that receives OwnerRez deliveries and hydrates
// them from the fake OwnerRez API.
type ownerrezSetup struct {
	f       *fixture
	api     *ownerreztest.Server
	handler http.Handler
	signer  verify.Signer
}

func newOwnerRezSetup(t *testing.T, b backend, clientOpts []ownerrez.ClientOption, opts ...inbox.Option) *ownerrezSetup {
	t.Helper()
	api := ownerreztest.NewServer()
	t.Cleanup(api.Close)
	c, err := api.Client(clientOpts...)
	require.NoError(t, err)
	f := setup(t, b, append([]inbox.Option{inbox.WithHydrators(ownerrez.NewHydrator(c))}, opts...)...)
	v, err := ownerrez.NewVerifier(verify.Credentials{User: ownerreztest.WebhookUser, Password: ownerreztest.WebhookPassword})
	require.NoError(t, err)
	rc, err := ownerrez.NewReceiver(v)
	require.NoError(t, err)
	return &ownerrezSetup{f: f, api: api, handler: f.ib.HTTPHandler(rc), signer: v}
}

// putBooking stores a booking on the fake and returns its id.
func (s *ownerrezSetup) putBooking(status ownerrez.BookingStatus, first string) int64 {
	b := s.api.PutBooking(ownerrez.Booking{
		Status: status, PropertyID: lenient.Int{Value: 474841},
		Guest:   &ownerrez.GuestRef{FirstName: lenient.String(first), LastName: "Lovelace"},
		Arrival: event.Date{Year: 2030, Month: 3, Day: 12}, Departure: event.Date{Year: 2030, Month: 3, Day: 16},
	})
	return b.ID.Int64()
}

// postThin posts OwnerRez's thin delivery about a booking: no record, only
// its id.
func (s *ownerrezSetup) postThin(t *testing.T, deliveryID string, bookingID int64) {
	t.Helper()
	body := fmt.Sprintf(`{"id":%q,"user_id":%d,"action":"entity_update","entity_type":"booking","entity_id":%d}`,
		deliveryID, ownerreztest.UserID, bookingID)
	require.Equal(t, http.StatusOK, post(t, s.handler, s.signer, []byte(body)), deliveryID)
}

// testHydrationOwnerRez: thin OwnerRez deliveries reach the handler with the
// full booking, through 429s (with Retry-After beyond the client's cap: the
// inbox waits, without counting attempts) and 5xx answers (retried
// attempts); nothing is lost and the handler runs once per delivery.
func testHydrationOwnerRez(t *testing.T, b backend) {
	s := newOwnerRezSetup(t, b,
		[]ownerrez.ClientOption{ownerrez.WithRetryMax(1), ownerrez.WithRetryWait(time.Millisecond, 2*time.Millisecond),
			ownerrez.WithRetryAfterMax(time.Millisecond)},
		inbox.WithMaxAttempts(3), inbox.WithWorkers(1)) // one worker: the faults meet the fetches in order

	limited := ownerreztest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}}
	broken := ownerreztest.Fault{Status: http.StatusInternalServerError}
	s.api.Fail(http.MethodGet, "/bookings/{id}", limited, broken, broken, limited, broken, broken)

	want := map[string]int64{}
	for i := range 6 {
		id := s.putBooking(ownerrez.BookingActive, fmt.Sprintf("Guest%d", i))
		want[fmt.Sprintf("d-%d", i)] = id
	}

	var (
		mu    sync.Mutex
		calls = map[string]int{}
		seen  = map[string]event.Booking{}
	)
	stop := run(t, s.f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		bk, ok := event.BookingOf(e)
		if !ok {
			return fmt.Errorf("no booking for %s", e.ID())
		}
		mu.Lock()
		defer mu.Unlock()
		calls[e.ID()]++
		seen[e.ID()] = bk
		return nil
	}))
	for id, booking := range want {
		s.postThin(t, id, booking)
	}
	eventually(t, 20*time.Second, settled(t, s.f.ib), "all handled")
	stop()

	assert.Equal(t, inbox.Stats{Done: 6}, stats(t, s.f.ib), "nothing dead, nothing lost")
	mu.Lock()
	defer mu.Unlock()
	for id, booking := range want {
		assert.Equal(t, 1, calls[id], "handler runs once for %s", id)
		bk := seen[id]
		assert.Equal(t, fmt.Sprint(booking), bk.ID, id)
		assert.Equal(t, event.StatusConfirmed, bk.Status, id)
		assert.True(t, strings.HasPrefix(bk.Guest.Name, "Guest"), "the fetched record's guest: %q", bk.Guest.Name)
	}
	attempts := 0
	for id := range want {
		attempts += byEventID(t, s.f.ib, id).Attempts
	}
	assert.Equal(t, 6+2, attempts, "one attempt each and one per pair of 5xx (the client retries once); 429s are not attempts")
}

func TestCoalescing_ownerrez_SQLite(t *testing.T) { testCoalescing(t, sqliteBackend()) }

func TestCoalescing_ownerrez_PostgreSQL(t *testing.T) { testCoalescing(t, postgresBackend(t)) }

// testCoalescing: with WithCoalescing, a burst of updates of one booking is
// handled with one fetch and one handler call per burst, the others marked
// coalesced; deliveries of a provider without Hydrator are not coalesced.
func testCoalescing(t *testing.T, b backend) {
	t.Run("stored burst: one fetch, one call", func(t *testing.T) {
		s := newOwnerRezSetup(t, b, nil, inbox.WithCoalescing(), inbox.WithWorkers(4))
		booking := s.putBooking(ownerrez.BookingActive, "Ada")
		for i := range 20 {
			s.postThin(t, fmt.Sprintf("d-%02d", i), booking)
		}
		// Deliveries of the test provider, which has no Hydrator: one call each.
		s.f.postOK(t, payload{ID: "t-1", Subject: "b-1"}, payload{ID: "t-2", Subject: "b-1"}, payload{ID: "t-3", Subject: "b-1"})

		var (
			mu    sync.Mutex
			calls []string
		)
		stop := run(t, s.f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, e.ID())
			if e.Provider() == ownerrez.Provider {
				bk, ok := event.BookingOf(e)
				assert.True(t, ok)
				assert.Equal(t, "Ada Lovelace", bk.Guest.Name)
			}
			return nil
		}))
		eventually(t, 20*time.Second, settled(t, s.f.ib), "all handled")
		stop()

		assert.Equal(t, 1, s.api.Requests(http.MethodGet, "/bookings/{id}"), "one fetch for the burst")
		assert.ElementsMatch(t, []string{"d-19", "t-1", "t-2", "t-3"}, calls, "the latest delivery of the burst, and every test delivery")
		assert.Equal(t, inbox.Stats{Done: 4, Coalesced: 19}, stats(t, s.f.ib))

		latest := byEventID(t, s.f.ib, "d-19")
		assert.Equal(t, inbox.StateDone, latest.State)
		assert.Equal(t, 1, latest.Attempts)
		coalesced, err := s.f.ib.List(t.Context(), inbox.Filter{State: inbox.StateCoalesced, Limit: 100})
		require.NoError(t, err)
		require.Len(t, coalesced, 19)
		for i, d := range coalesced {
			assert.Equal(t, fmt.Sprintf("d-%02d", i), d.EventID)
			assert.Equal(t, inbox.StateCoalesced, d.State)
			assert.Equal(t, latest.ID, d.CoalescedInto)
			assert.False(t, d.FinishedAt.IsZero())
		}
		done, err := s.f.ib.List(t.Context(), inbox.Filter{State: inbox.StateDone, Limit: 100})
		require.NoError(t, err)
		assert.Len(t, done, 4, "done lists the deliveries handled by a call of their own")
	})

	t.Run("burst while running: at most two fetches", func(t *testing.T) {
		s := newOwnerRezSetup(t, b, nil, inbox.WithCoalescing(), inbox.WithWorkers(4))
		booking := s.putBooking(ownerrez.BookingActive, "Ada")
		// The first call is busy while the rest of the burst lands, as a
		// handler that writes to a slow database is.
		var (
			mu      sync.Mutex
			calls   int
			started = make(chan struct{})
			release = make(chan struct{})
		)
		stop := run(t, s.f.ib, event.HandlerFunc(func(context.Context, event.Event) error {
			mu.Lock()
			calls++
			first := calls == 1
			mu.Unlock()
			if first {
				close(started)
				<-release
			}
			return nil
		}))
		s.postThin(t, "d-00", booking)
		<-started
		for i := 1; i < 20; i++ {
			s.postThin(t, fmt.Sprintf("d-%02d", i), booking)
		}
		close(release)
		eventually(t, 20*time.Second, settled(t, s.f.ib), "all handled")
		stop()

		fetches := s.api.Requests(http.MethodGet, "/bookings/{id}")
		t.Logf("a burst of 20 updates of one booking: %d fetches, %d handler calls", fetches, calls)
		assert.LessOrEqual(t, fetches, 2)
		assert.Equal(t, fetches, calls)
		st := stats(t, s.f.ib)
		assert.Equal(t, int64(20), st.Done+st.Coalesced, "every delivery finished")
		assert.Equal(t, int64(calls), st.Done)
	})

	t.Run("a failed call coalesces nothing", func(t *testing.T) {
		s := newOwnerRezSetup(t, b, nil, inbox.WithCoalescing())
		booking := s.putBooking(ownerrez.BookingActive, "Ada")
		for i := range 5 {
			s.postThin(t, fmt.Sprintf("d-%02d", i), booking)
		}
		var (
			mu    sync.Mutex
			calls []string
		)
		stop := run(t, s.f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, e.ID())
			if len(calls) == 1 {
				return errBoom
			}
			return nil
		}))
		eventually(t, 20*time.Second, settled(t, s.f.ib), "all handled")
		stop()
		assert.Equal(t, []string{"d-04", "d-04"}, calls, "the failed call is retried; its deliveries stay until it succeeds")
		assert.Equal(t, inbox.Stats{Done: 1, Coalesced: 4}, stats(t, s.f.ib))
		first := byEventID(t, s.f.ib, "d-00")
		assert.Equal(t, 2, first.Attempts, "the failure was an attempt of the first delivery")
		assert.Contains(t, first.LastError, "boom")
	})
}
