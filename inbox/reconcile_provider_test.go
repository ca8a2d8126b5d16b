package inbox_test

import (
	"context"
	"net/http/httptest"
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
)

func TestReconcile_ownerrez_SQLite(t *testing.T) { testReconcileOwnerRez(t, sqliteBackend()) }

func TestReconcile_ownerrez_PostgreSQL(t *testing.T) { testReconcileOwnerRez(t, postgresBackend(t)) }

// testReconcileOwnerRez: with the fake OwnerRez API and the inbox's
// reconciler, a booking changed with no webhook is handled within a poll
// interval, and a change that comes both as a webhook and in a poll is
// handled once, whichever arrives first.
func testReconcileOwnerRez(t *testing.T, b backend) {
	api := ownerreztest.NewServer()
	t.Cleanup(api.Close)
	client, err := api.Client()
	require.NoError(t, err)
	src, err := ownerrez.NewSource(client, ownerreztest.UserID)
	require.NoError(t, err)
	const interval = 50 * time.Millisecond
	f := setup(t, b, inbox.WithReconciler(interval, src), inbox.WithHydrators(ownerrez.NewHydrator(client)))

	// The receiver, subscribed to OwnerRez's booking webhooks.
	rc, err := ownerrez.NewReceiver(mustVerifier(t))
	require.NoError(t, err)
	hook := httptest.NewServer(f.ib.HTTPHandler(rc))
	t.Cleanup(hook.Close)
	for _, a := range []ownerrez.Action{ownerrez.ActionEntityCreate, ownerrez.ActionEntityUpdate} {
		_, _, err := client.Webhooks.Create(t.Context(), &ownerrez.SubscriptionParams{Type: ownerrez.SubscriptionBooking, Action: a, URL: hook.URL})
		require.NoError(t, err)
	}

	var (
		mu      sync.Mutex
		handled = map[string][]event.Event{} // by subject/version
	)
	stop := run(t, f.ib, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		k := e.Subject().ID + "@" + event.VersionOf(e)
		handled[k] = append(handled[k], e)
		return nil
	}))
	waitHandled := func(k string) []event.Event {
		t.Helper()
		eventually(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(handled[k]) > 0 }, "%s handled", k)
		eventually(t, 10*time.Second, settled(t, f.ib), "settled")
		time.Sleep(3 * interval) // a later poll, which must find nothing new
		mu.Lock()
		defer mu.Unlock()
		return append([]event.Event(nil), handled[k]...)
	}
	key := func(bk ownerrez.Booking) string {
		return bk.ID.String() + "@" + bk.UpdatedUTC.Time.UTC().Format(time.RFC3339)
	}

	// 1. No webhook: the poll finds it.
	silent := api.PutBooking(booking("Ada"))
	got := waitHandled(key(silent))
	require.Len(t, got, 1)
	assert.Equal(t, event.OriginPoll, event.OriginOf(got[0]))
	bk, ok := event.BookingOf(got[0])
	require.True(t, ok)
	assert.Equal(t, "Ada Lovelace", bk.Guest.Name)

	// 2. Webhook and poll of one change: handled once.
	both := api.PutBooking(booking("Grace"))
	_, err = api.Deliver(t.Context(), ownerreztest.Delivery{Action: ownerrez.ActionEntityCreate, EntityType: ownerrez.EntityBooking, EntityID: both.ID.Int64()})
	require.NoError(t, err)
	got = waitHandled(key(both))
	assert.Len(t, got, 1, "a webhook and a poll of one change are handled once")

	stop()
	st := stats(t, f.ib)
	assert.Zero(t, st.Dead)
	assert.Zero(t, st.Pending+st.InFlight)
}

// booking is a confirmed booking of the fake, with a guest named first.
func booking(first string) ownerrez.Booking {
	return ownerrez.Booking{
		Status: ownerrez.BookingActive, PropertyID: lenient.Int{Value: 474841},
		Guest:   &ownerrez.GuestRef{FirstName: lenient.String(first), LastName: "Lovelace"},
		Arrival: event.Date{Year: 2030, Month: 3, Day: 12}, Departure: event.Date{Year: 2030, Month: 3, Day: 16},
	}
}

func mustVerifier(t *testing.T) *ownerrez.Verifier {
	t.Helper()
	v, err := ownerrez.NewVerifier(ownerreztest.WebhookCredentials())
	require.NoError(t, err)
	return v
}
