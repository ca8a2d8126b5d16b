package main

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
)

// TestReconcile_ownerrez: a backfill from the fake OwnerRez API stores
// each booking changed since TIME once; a second pass stores nothing new.
func TestReconcile_ownerrez(t *testing.T) {
	api := ownerreztest.NewServer()
	t.Cleanup(api.Close)
	for _, name := range []string{"Ada", "Grace", "Edsger"} {
		api.PutBooking(ownerrez.Booking{
			Status: ownerrez.BookingActive, PropertyID: lenient.Int{Value: 474841},
			Guest:   &ownerrez.GuestRef{FirstName: lenient.String(name), LastName: "L"},
			Arrival: event.Date{Year: 2030, Month: 3, Day: 12}, Departure: event.Date{Year: 2030, Month: 3, Day: 16},
		})
	}
	path := filepath.Join(t.TempDir(), "inbox.db")
	db, d, err := inbox.OpenDB(path)
	require.NoError(t, err)
	ib, err := inbox.New(db, d)
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(t.Context()))
	require.NoError(t, db.Close())

	env := map[string]string{ownerrezTokenEnv: ownerreztest.PersonalToken, ownerrezEmailEnv: ownerreztest.Email}
	args := []string{"reconcile", "ownerrez", "--user-id", strconv.FormatInt(ownerreztest.UserID, 10),
		"--since", "1h", "--db", path, "--base-url", api.URL()}
	r := cmdTest{env: env}.run(t, args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "reconciling ownerrez/bookings/"+strconv.FormatInt(ownerreztest.UserID, 10))
	assert.Contains(t, r.stdout, "page 1: 3 changes so far, 3 stored, 0 already in the inbox")
	assert.Contains(t, r.stdout, "done: 3 changes in 1 pages, 3 stored, 0 already in the inbox")

	r = cmdTest{env: env}.run(t, args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "done: 3 changes in 1 pages, 0 stored, 3 already in the inbox", "a second pass stores nothing twice")

	r = cmdTest{env: env}.run(t, "inbox", "list", "--db", path)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "pending 3")
}

func TestReconcile_usage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "inbox.db")
	for _, args := range [][]string{
		{"reconcile"},
		{"reconcile", "nosuch", "--since", "1h"},
		{"reconcile", "ownerrez", "--user-id", "1", "--db", db},
		{"reconcile", "ownerrez", "--user-id", "1", "--since", "yesterday", "--db", db},
		{"reconcile", "ownerrez", "--user-id", "1", "--since", "-1h", "--db", db},
		{"reconcile", "ownerrez", "--since", "1h", "--db", db},
		{"reconcile", "ownerrez", "--user-id", "1", "--since", "1h", "--db", db, "extra"},
	} {
		r := runCmd(t, args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	got, err := parseSince("6h", now)
	require.NoError(t, err)
	assert.Equal(t, now.Add(-6*time.Hour), got)
	got, err = parseSince("2026-12-05T08:00:00Z", now)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC), got)
	for _, bad := range []string{"", "0s", "-1h", "2026-12-05", "soon"} {
		_, err := parseSince(bad, now)
		assert.Error(t, err, bad)
	}
}

// TestReconcile_channex: the feed of the fake Channex API is stored, then
// acknowledged.
func TestReconcile_channex(t *testing.T) {
	api := channextest.NewServer()
	t.Cleanup(api.Close)
	b := api.PutBooking(channex.BookingRevision{
		ArrivalDate: event.Date{Year: 2030, Month: 5, Day: 1}, DepartureDate: event.Date{Year: 2030, Month: 5, Day: 4},
		Customer: channex.Customer{Name: "Ada", Surname: "Lovelace"},
	})
	path := migratedInbox(t)
	env := map[string]string{channexAPIKeyEnv: channextest.APIKey}
	r := cmdTest{env: env}.run(t, "reconcile", "channex", "--property", channextest.PropertyID, "--since", "1h",
		"--db", path, "--base-url", api.URL())
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "done: 1 changes in 1 pages, 1 stored, 0 already in the inbox")
	assert.True(t, api.Acked(string(b.RevisionID)), "the revision is acknowledged once stored")

	r = runCmd(t, "reconcile", "channex", "--since", "1h", "--db", path)
	assert.Equal(t, exitUsage, r.code, "--property is required")
}

// migratedInbox returns the path of a new, migrated SQLite inbox.
func migratedInbox(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "inbox.db")
	db, d, err := inbox.OpenDB(path)
	require.NoError(t, err)
	defer db.Close()
	ib, err := inbox.New(db, d)
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(t.Context()))
	return path
}

// TestReconcile_bookingsync: the bookings of the fake BookingSync API
// changed since TIME are stored once.
func TestReconcile_bookingsync(t *testing.T) {
	api := bookingsynctest.NewServer()
	t.Cleanup(api.Close)
	path := migratedInbox(t)
	env := map[string]string{bookingsyncTokenEnv: bookingsynctest.AccessToken}
	args := []string{"reconcile", "bookingsync", "--account-id", strconv.Itoa(bookingsynctest.AccountID),
		"--since", "2000-01-01T00:00:00Z", "--db", path, "--base-url", api.URL()}
	r := cmdTest{env: env}.run(t, args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Regexp(t, `done: [1-9]\d* changes in \d+ pages, [1-9]\d* stored, 0 already in the inbox`, r.stdout)
	r = cmdTest{env: env}.run(t, args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Regexp(t, `, 0 stored, [1-9]\d* already in the inbox`, r.stdout)
}
