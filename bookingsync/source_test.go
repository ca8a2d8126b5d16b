package bookingsync_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/verify"
)

const testAccount = bookingsynctest.AccountID

// fakeClock is a clock a test moves while the fake reads it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// clocked returns a fake API on a clock set to at, and a client of it.
func clocked(t *testing.T, at time.Time, opts ...bookingsync.ClientOption) (*bookingsynctest.Server, *bookingsync.Client, *fakeClock) {
	t.Helper()
	srv, c := setupAPI(t, opts...)
	clock := &fakeClock{t: at}
	srv.SetClock(clock.Now)
	return srv, c, clock
}

func newSource(t *testing.T, c *bookingsync.Client, opts ...bookingsync.SourceOption) *bookingsync.Source {
	t.Helper()
	s, err := bookingsync.NewSource(c, testAccount, opts...)
	require.NoError(t, err)
	return s
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// putAt stores booking id of the test account last changed at updated,
// created on 2026-01-01, and returns it as stored.
func putAt(srv *bookingsynctest.Server, id int, updated string) *bookingsync.Booking {
	b := &bookingsync.Booking{
		Record: bookingsync.Record{
			Links:     bookingsync.Links{"account": []byte(strconv.Itoa(testAccount)), "rental": []byte("16"), "client": []byte("37")},
			ID:        lenient.String(strconv.Itoa(id)),
			CreatedAt: lenient.Time{Time: ts("2026-01-01T00:00:00Z")},
			UpdatedAt: lenient.Time{Time: ts(updated)},
		},
		Status:     "Booked",
		Booked:     lenient.Bool{Value: true},
		Adults:     lenient.Int{Value: 2},
		StartAt:    lenient.Time{Time: ts("2026-07-01T16:00:00Z")},
		EndAt:      lenient.Time{Time: ts("2026-07-08T10:00:00Z")},
		Currency:   "EUR",
		FinalPrice: lenient.Decimal{Value: "700.0"},
	}
	srv.PutBooking(b)
	return b
}

// poll calls Changes until More is false, from cursor, with a fresh Source
// per call when fresh (so that only the checkpoint carries state), and
// returns the change ids in order and the last checkpoint.
func poll(t *testing.T, c *bookingsync.Client, cursor event.Cursor, fresh bool, opts ...bookingsync.SourceOption) ([]string, string) {
	t.Helper()
	s := newSource(t, c, opts...)
	var ids []string
	for range 1000 {
		if fresh {
			s = newSource(t, c, opts...)
		}
		page, err := s.Changes(t.Context(), cursor)
		require.NoError(t, err)
		for _, ch := range page.Changes {
			ids = append(ids, ch.ID)
		}
		cursor.Checkpoint = page.Checkpoint
		if !page.More {
			return ids, cursor.Checkpoint
		}
	}
	t.Fatal("Changes never ended")
	return nil, ""
}

func changeIDs(bookings ...*bookingsync.Booking) []string {
	var out []string
	for _, b := range bookings {
		out = append(out, fmt.Sprintf("poll:booking:%s:%s", b.ID, b.UpdatedAt.UTC().Format(time.RFC3339)))
	}
	return out
}

// TestSource_Changes pages through bookings oldest first, equal timestamps
// included, across page boundaries, with and without the Source's cache;
// it reports deleted_ids that name no listed booking as cancellations, a
// cancelled booking once, with its record, and resumes from the
// checkpoint with exactly the later changes, one made within the second
// of the checkpoint included.
func TestSource_Changes(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2, 3, 100} {
		for _, fresh := range []bool{false, true} {
			t.Run(fmt.Sprintf("page %d fresh %v", size, fresh), func(t *testing.T) {
				t.Parallel()
				srv, c, clock := clocked(t, ts("2026-03-04T00:00:00Z"))
				// Ids out of time order, and four bookings in one second.
				b1 := putAt(srv, 1, "2026-03-01T10:00:00Z")
				b9 := putAt(srv, 9, "2026-03-01T09:00:00Z")
				b5 := putAt(srv, 5, "2026-03-01T11:00:00Z")
				b3 := putAt(srv, 3, "2026-03-01T11:00:00Z")
				b7 := putAt(srv, 7, "2026-03-01T11:00:00Z")
				b2 := putAt(srv, 2, "2026-03-01T11:00:00Z")
				putAt(srv, 8, "2026-02-28T23:59:59Z") // before Since
				b4 := putAt(srv, 4, "2026-03-02T00:00:00Z")
				putAt(srv, 11, "2026-02-01T00:00:00Z")
				srv.DeleteBooking("11")               // gone: only its id is left
				putAt(srv, 6, "2026-02-01T00:00:00Z") // cancelled at the clock
				require.NoError(t, srv.CancelBooking("6"))
				b6 := &bookingsync.Booking{Record: bookingsync.Record{ID: "6", UpdatedAt: lenient.Time{Time: clock.Now()}}}
				clock.Set(ts("2026-03-05T00:00:00Z"))
				opt := bookingsync.WithSourcePageSize(size)

				got, cp := poll(t, c, event.Cursor{Since: ts("2026-03-01T00:00:00Z")}, fresh, opt)
				want := append([]string{"poll:booking:11:cancelled"}, changeIDs(b9, b1, b2, b3, b5, b7, b4, b6)...)
				assert.Equal(t, want, got)
				assert.Equal(t, "v1;2026-03-04T23:59:59Z;;", cp, "a second before synced_at")

				// Nothing new: nothing returned.
				clock.Set(ts("2026-03-06T00:00:00Z"))
				again, cp2 := poll(t, c, event.Cursor{Checkpoint: cp}, fresh, opt)
				assert.Empty(t, again)
				assert.Equal(t, "v1;2026-03-05T23:59:59Z;;", cp2)

				// Changes made without a webhook: one within the second
				// of the last listing, later ones, a booking updated
				// again, a cancellation.
				b10 := putAt(srv, 10, "2026-03-06T00:00:00Z")
				b3b := putAt(srv, 3, "2026-03-06T10:00:00Z")
				b12 := putAt(srv, 12, "2026-03-06T10:00:00Z")
				clock.Set(ts("2026-03-06T11:00:00Z"))
				require.NoError(t, srv.CancelBooking("1"))
				b1b := &bookingsync.Booking{Record: bookingsync.Record{ID: "1", UpdatedAt: lenient.Time{Time: clock.Now()}}}
				clock.Set(ts("2026-03-07T00:00:00Z"))
				later, _ := poll(t, c, event.Cursor{Checkpoint: cp2}, fresh, opt)
				assert.Equal(t, changeIDs(b10, b3b, b12, b1b), later)
			})
		}
	}
}

// TestSource_Changes_apiPages lists a window of more bookings than one API
// page holds: every page is read once per listing, oldest first.
func TestSource_Changes_apiPages(t *testing.T) {
	t.Parallel()
	srv, c, _ := clocked(t, ts("2026-04-01T00:00:00Z"))
	var want []*bookingsync.Booking
	base := ts("2026-03-01T00:00:00Z")
	for i := range 250 {
		// Ids descend while times ascend, so the fake's order (by id) is
		// not time order.
		want = append(want, putAt(srv, 1000-i, base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339)))
	}
	s := newSource(t, c, bookingsync.WithSourcePageSize(1000))
	page, err := s.Changes(t.Context(), event.Cursor{Since: base.Add(-time.Second)})
	require.NoError(t, err)
	assert.False(t, page.More)
	var got []string
	for _, ch := range page.Changes {
		got = append(got, ch.ID)
	}
	assert.Equal(t, changeIDs(want...), got)
	assert.Equal(t, 3, srv.Requests(http.MethodGet, "/bookings"), "250 bookings are 3 API pages of 100")

	// Ten changes a page: the first call lists, the next ones page
	// through what it listed without another request.
	ids, _ := poll(t, c, event.Cursor{Since: base.Add(-time.Second)}, false, bookingsync.WithSourcePageSize(10))
	assert.Equal(t, changeIDs(want...), ids)
	assert.Equal(t, 6, srv.Requests(http.MethodGet, "/bookings"), "one listing of 3 pages for 25 change pages")
}

// TestSource_Changes_otherAccount: a token spanning several accounts lists
// their bookings too; the Source keeps its account's.
func TestSource_Changes_otherAccount(t *testing.T) {
	t.Parallel()
	srv, c, _ := clocked(t, ts("2026-04-01T00:00:00Z"))
	mine := putAt(srv, 1, "2026-03-01T00:00:00Z")
	other := putAt(srv, 2, "2026-03-01T00:00:00Z")
	other.Links["account"] = []byte("77")
	srv.PutBooking(other)
	ids, _ := poll(t, c, event.Cursor{Since: ts("2026-02-01T00:00:00Z")}, false)
	assert.Equal(t, changeIDs(mine), ids)
}

// TestSource_Changes_noSyncedAt: without BookingSync's synced-at header,
// the next window starts a second before the last change returned.
func TestSource_Changes_noSyncedAt(t *testing.T) {
	t.Parallel()
	calls := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/vnd.api+json")
		fmt.Fprint(w, `{"bookings":[{"id":1,"updated_at":"2026-03-01T10:00:00Z"},{"id":2,"updated_at":"2026-03-01T09:00:00Z"}],"meta":{"deleted_ids":[]}}`)
	}))
	t.Cleanup(api.Close)
	c, err := bookingsync.NewClient(bookingsync.AccessToken("at_x"), bookingsync.WithBaseURL(api.URL))
	require.NoError(t, err)
	page, err := newSource(t, c).Changes(t.Context(), event.Cursor{Since: ts("2026-03-01T00:00:00Z")})
	require.NoError(t, err)
	assert.Len(t, page.Changes, 2)
	assert.Equal(t, "v1;2026-03-01T09:59:59Z;;", page.Checkpoint)
}

// TestSource_Changes_fails covers the errors of Changes.
func TestSource_Changes_fails(t *testing.T) {
	t.Parallel()
	t.Run("rate limit", func(t *testing.T) {
		t.Parallel()
		srv, c, _ := clocked(t, ts("2026-04-01T00:00:00Z"), bookingsync.WithRetryMax(-1), bookingsync.WithRetryAfterMax(time.Second))
		putAt(srv, 1, "2026-03-01T00:00:00Z")
		srv.Fail(http.MethodGet, "/bookings", bookingsynctest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}})
		s := newSource(t, c)
		_, err := s.Changes(t.Context(), event.Cursor{Since: time.Unix(0, 0)})
		var rl *event.RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.Equal(t, bookingsync.Provider, rl.Provider)
		assert.Equal(t, 120*time.Second, rl.RetryAfter)
		var apiErr *bookingsync.APIError
		require.ErrorAs(t, err, &apiErr)
	})
	t.Run("hourly limit used up", func(t *testing.T) {
		t.Parallel()
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-RateLimit-Limit", "1000")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
			w.Header().Set("Content-Type", "application/vnd.api+json")
			fmt.Fprint(w, `{"bookings":[],"meta":{"deleted_ids":[]}}`)
		}))
		t.Cleanup(api.Close)
		c, err := bookingsync.NewClient(bookingsync.AccessToken("at_x"), bookingsync.WithBaseURL(api.URL), bookingsync.WithRetryAfterMax(time.Second))
		require.NoError(t, err)
		s := newSource(t, c)
		_, err = s.Changes(t.Context(), event.Cursor{Since: time.Unix(0, 0)})
		require.NoError(t, err)
		// The window is closed: the client holds the next call back.
		_, err = s.Changes(t.Context(), event.Cursor{Since: time.Unix(0, 0)})
		var rl *event.RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.Positive(t, rl.RetryAfter)
	})
	t.Run("no start", func(t *testing.T) {
		t.Parallel()
		srv, c := setupAPI(t)
		_, err := newSource(t, c).Changes(t.Context(), event.Cursor{})
		require.Error(t, err)
		assert.Zero(t, srv.Requests(http.MethodGet, "/bookings"))
	})
	for _, cp := range []string{
		"v2;2026-03-01T00:00:00Z;;", "v1;yesterday;;", "v1;2026-03-01T00:00:00Z;;1",
		"v1;2026-03-01T00:00:00Z;2026-03-01T00:00:00Z;", "v1;2026-03-01T00:00:00Z;x;1",
		"v1;2026-03-01T00:00:00Z;2026-03-01T00:00:00Z;1,,2", "v1;2026-03-01T00:00:00Z", "garbage",
	} {
		t.Run("checkpoint "+cp, func(t *testing.T) {
			t.Parallel()
			_, c := setupAPI(t)
			_, err := newSource(t, c).Changes(t.Context(), event.Cursor{Checkpoint: cp})
			require.Error(t, err)
		})
	}
	t.Run("listing shifted", func(t *testing.T) {
		t.Parallel()
		// BookingSync's count says two bookings, the pages hold one: a
		// booking slipped between offsets.
		var mu sync.Mutex
		calls := 0
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			mu.Lock()
			calls++
			mu.Unlock()
			w.Header().Set("Content-Type", "application/vnd.api+json")
			w.Header().Set("X-Total-Count", "2")
			fmt.Fprint(w, `{"bookings":[{"id":1,"updated_at":"2026-03-01T00:00:00Z"}],"meta":{}}`)
		}))
		t.Cleanup(api.Close)
		c, err := bookingsync.NewClient(bookingsync.AccessToken("at_x"), bookingsync.WithBaseURL(api.URL))
		require.NoError(t, err)
		_, err = newSource(t, c).Changes(t.Context(), event.Cursor{Since: time.Unix(0, 0)})
		require.Error(t, err)
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, 3, calls)
	})
}

func TestNewSource(t *testing.T) {
	t.Parallel()
	_, c := setupAPI(t)
	_, err := bookingsync.NewSource(nil, 1)
	require.Error(t, err)
	_, err = bookingsync.NewSource(c, 0)
	require.Error(t, err)
	s, err := bookingsync.NewSource(c, testAccount, nil)
	require.NoError(t, err)
	assert.Equal(t, "bookingsync/bookings/1059638630", s.Name())
	assert.Equal(t, bookingsync.Provider, s.Provider())
}

// TestSource_Decode decodes the changes of a poll: type and name by
// status and times, the normalized booking, the record and the origin.
func TestSource_Decode(t *testing.T) {
	t.Parallel()
	at := ts("2026-03-10T08:00:00Z")
	tests := []struct {
		name   string
		mutate func(*bookingsync.Booking)
		typ    event.Type
		evName string
		status event.BookingStatus
	}{
		{"updated", func(*bookingsync.Booking) {}, event.BookingUpdated, "booking_updated", event.StatusConfirmed},
		{"created", func(b *bookingsync.Booking) { b.CreatedAt = b.UpdatedAt }, event.BookingCreated, "booking_created", event.StatusConfirmed},
		{"cancelled", func(b *bookingsync.Booking) {
			b.Status, b.CanceledAt = "Canceled", b.UpdatedAt
		}, event.BookingCancelled, "booking_updated", event.StatusCancelled},
		{"created cancelled", func(b *bookingsync.Booking) {
			b.Status, b.CreatedAt = "Canceled", b.UpdatedAt
		}, event.BookingCancelled, "booking_created", event.StatusCancelled},
		{"unavailable", func(b *bookingsync.Booking) {
			b.Status, b.Booked, b.Unavailable = "Unavailable", lenient.Bool{}, lenient.Bool{Value: true}
		}, event.BookingUpdated, "booking_updated", event.StatusBlocked},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c, _ := clocked(t, ts("2026-04-01T00:00:00Z"))
			b := putAt(srv, 100+i, at.Add(time.Duration(i)*time.Hour).Format(time.RFC3339))
			tt.mutate(b)
			srv.PutBooking(b)
			s := newSource(t, c)
			page, err := s.Changes(t.Context(), event.Cursor{Since: b.UpdatedAt.Add(-time.Second)})
			require.NoError(t, err)
			require.Len(t, page.Changes, 1)
			ch := page.Changes[0]

			e, err := s.Decode(ch.Header, ch.Body)
			require.NoError(t, err)
			assert.Equal(t, bookingsync.Provider, e.Provider())
			assert.Equal(t, tt.typ, e.Type())
			assert.Equal(t, tt.evName, e.Name())
			assert.Equal(t, ch.ID, e.ID())
			assert.Equal(t, "1059638630", e.Account())
			assert.Equal(t, event.Subject{Kind: event.KindBooking, ID: b.ID.String()}, e.Subject())
			assert.True(t, b.UpdatedAt.Time.Equal(e.Time()))
			assert.Equal(t, ch.Body, e.Raw())
			assert.Equal(t, event.OriginPoll, event.OriginOf(e))
			assert.Equal(t, b.UpdatedAt.UTC().Format(time.RFC3339), event.VersionOf(e))
			nb, ok := event.BookingOf(e)
			require.True(t, ok)
			assert.Equal(t, tt.status, nb.Status)
			assert.Equal(t, bookingsync.NormalizeBooking(b), nb)
			rec, ok := event.RecordOf(e)
			require.True(t, ok)
			assert.Empty(t, cmp.Diff(rec.Data, e.Data()))
			assert.Equal(t, &nb, rec.Booking)
			assert.Equal(t, ts("2026-04-01T00:00:00Z").Year(), rec.FetchedAt.Year())
			assert.False(t, rec.FetchedAt.IsZero())

			// Another Source decodes it the same: the body is all.
			other, err := bookingsync.NewSource(c, 1)
			require.NoError(t, err)
			e2, err := other.Decode(nil, ch.Body)
			require.NoError(t, err)
			assert.Equal(t, e.ID(), e2.ID())
			assert.Equal(t, e.Account(), e2.Account())
		})
	}

	t.Run("deleted id", func(t *testing.T) {
		t.Parallel()
		srv, c, clock := clocked(t, ts("2026-04-01T00:00:00Z"))
		putAt(srv, 7, "2026-03-01T00:00:00Z")
		srv.DeleteBooking("7")
		clock.Set(ts("2026-04-02T00:00:00Z"))
		s := newSource(t, c)
		page, err := s.Changes(t.Context(), event.Cursor{Since: ts("2026-03-31T00:00:00Z")})
		require.NoError(t, err)
		require.Len(t, page.Changes, 1)
		ch := page.Changes[0]
		assert.Equal(t, "poll:booking:7:cancelled", ch.ID)
		e, err := s.Decode(ch.Header, ch.Body)
		require.NoError(t, err)
		assert.Equal(t, event.BookingCancelled, e.Type())
		assert.Equal(t, "booking_destroyed", e.Name())
		assert.Equal(t, ch.ID, e.ID())
		assert.Equal(t, "1059638630", e.Account())
		assert.Equal(t, event.Subject{Kind: event.KindBooking, ID: "7"}, e.Subject())
		assert.Empty(t, event.VersionOf(e))
		assert.Equal(t, event.OriginPoll, event.OriginOf(e))
		nb, ok := event.BookingOf(e)
		require.True(t, ok)
		assert.Equal(t, event.Booking{ID: "7", Status: event.StatusCancelled}, nb)
		_, ok = event.RecordOf(e)
		assert.False(t, ok)
	})

	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		_, c := setupAPI(t)
		s := newSource(t, c)
		for _, body := range []string{
			``, `[]`, `{}`, `{"account_id":1}`, `{"account_id":1,"booking":{}}`, `{"account_id":1,"booking":[1]}`,
			`{"account_id":"x","booking":{"id":1}}`, `{"account_id":1,"booking":null}`,
			`{"account_id":1,"booking":{"id":1},"deleted_id":"1"}`, `{"account_id":0,"deleted_id":"1"}`,
		} {
			_, err := s.Decode(nil, []byte(body))
			require.ErrorIs(t, err, event.ErrMalformed, body)
		}
	})
}

// FuzzDecode: Decode is a parser of stored bodies; it never panics, and
// fails only with event.ErrMalformed.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"account_id":1,"listed_at":"2026-03-01T00:00:00Z","booking":{"id":1,"updated_at":"2026-03-01T00:00:00Z","status":"Canceled"}}`,
		`{"account_id":1,"listed_at":"2026-03-01T00:00:00Z","deleted_id":"7"}`,
		`{"account_id":1,"booking":{"id":"x","links":{"rental":[1]},"start_at":1,"adults":"two"}}`,
		`{"account_id":1,"booking":{"id":1,"updated_at":"2026-03-01T00:00:00"}}`,
		`{}`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	c, err := bookingsync.NewClient(bookingsync.AccessToken("at_x"), bookingsync.WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		f.Fatal(err)
	}
	s, err := bookingsync.NewSource(c, 1)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := s.Decode(nil, body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("Decode error does not wrap event.ErrMalformed: %v", err)
			}
			return
		}
		if e.Subject().Kind != event.KindBooking || e.Subject().ID == "" || event.OriginOf(e) != event.OriginPoll {
			t.Fatalf("Decode gave an event of no booking: %v", e.Subject())
		}
	})
}

// TestSource_versionMatchesWebhook delivers the webhook of a booking state
// and polls the same state: both report one Subject and one Version, so an
// inbox stores the change once; another state reports another version.
func TestSource_versionMatchesWebhook(t *testing.T) {
	t.Parallel()
	srv, c, clock := clocked(t, ts("2026-03-01T00:00:00Z"))
	events := receiveAll(t, srv)
	s := newSource(t, c)
	tests := []struct {
		name    string
		event   string
		mutate  func(*bookingsync.Booking)
		updated string
	}{
		{"created", "booking_created", func(b *bookingsync.Booking) { b.CreatedAt = lenient.Time{Time: ts("2026-03-08T17:56:10Z")} }, "2026-03-08T17:56:10Z"},
		{"updated", "booking_updated", func(*bookingsync.Booking) {}, "2026-03-08T18:00:00Z"},
		{"offset spelling", "booking_updated", func(*bookingsync.Booking) {}, "2026-03-08T20:00:01+02:00"},
		{"cancelled", "booking_updated", func(b *bookingsync.Booking) { b.Status = "Canceled" }, "2026-03-09T08:00:00Z"},
	}
	var versions []string
	for _, tt := range tests {
		b := putAt(srv, 16879744, tt.updated)
		tt.mutate(b)
		srv.PutBooking(b)
		require.NoError(t, srv.Deliver(t.Context(), tt.event, "16879744"), tt.name)
		hook := <-events

		clock.Set(b.UpdatedAt.Add(time.Hour))
		page, err := s.Changes(t.Context(), event.Cursor{Since: b.UpdatedAt.Add(-time.Second)})
		require.NoError(t, err, tt.name)
		require.Len(t, page.Changes, 1, tt.name)
		polled, err := s.Decode(nil, page.Changes[0].Body)
		require.NoError(t, err, tt.name)

		assert.Equal(t, hook.Subject(), polled.Subject(), tt.name)
		assert.NotEmpty(t, event.VersionOf(hook), tt.name)
		assert.Equal(t, event.VersionOf(hook), event.VersionOf(polled), tt.name)
		assert.Equal(t, event.OriginWebhook, event.OriginOf(hook), tt.name)
		assert.Equal(t, hook.Type(), polled.Type(), tt.name)
		assert.Equal(t, hook.Account(), polled.Account(), tt.name)
		versions = append(versions, event.VersionOf(hook))
	}
	assert.Len(t, uniq(versions), len(versions), "every state has its own version: %v", versions)
}

// TestReceiver_version: only deliveries carrying a booking state have a
// version; a thin delivery and a destroyed booking have none.
func TestReceiver_version(t *testing.T) {
	t.Parallel()
	rc, err := bookingsync.NewReceiver(verify.Unverified())
	require.NoError(t, err)
	tests := map[string]struct {
		body, want string
	}{
		"created":    {`{"account_id":1,"event":"booking_created","resource":{"booking":{"id":7,"updated_at":"2026-03-08T17:56:10Z"}}}`, "2026-03-08T17:56:10Z"},
		"updated":    {`{"account_id":1,"event":"booking_updated","resource":{"booking":{"id":7,"updated_at":"2026-03-08T17:56:10Z"}}}`, "2026-03-08T17:56:10Z"},
		"fraction":   {`{"account_id":1,"event":"booking_updated","resource":{"booking":{"id":7,"updated_at":"2026-03-08T18:56:10.500+01:00"}}}`, "2026-03-08T17:56:10.5Z"},
		"cancelled":  {`{"account_id":1,"event":"booking_updated","resource":{"booking":{"id":7,"status":"Canceled","updated_at":"2026-03-08T17:56:10Z"}}}`, "2026-03-08T17:56:10Z"},
		"thin":       {`{"account_id":1,"event":"booking_updated","resource":{"booking":{"id":7}}}`, ""},
		"bare id":    {`{"account_id":1,"event":"booking_updated","resource":{"booking":7}}`, ""},
		"zoneless":   {`{"account_id":1,"event":"booking_updated","resource":{"booking":{"id":7,"updated_at":"2026-03-08T17:56:10"}}}`, ""},
		"destroyed":  {`{"account_id":1,"event":"booking_destroyed","resource":{"booking":{"id":7,"updated_at":"2026-03-08T17:56:10Z"}}}`, ""},
		"client":     {`{"account_id":1,"event":"client_updated","resource":{"client":{"id":7,"updated_at":"2026-03-08T17:56:10Z"}}}`, ""},
		"no updated": {`{"account_id":1,"event":"booking_updated","resource":{"booking":{"id":7,"created_at":"2026-03-08T17:56:10Z"}}}`, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, err := rc.Decode(nil, []byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.want, event.VersionOf(e))
			assert.Equal(t, event.OriginWebhook, event.OriginOf(e))
		})
	}
}

func uniq(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}

// receiveAll registers an endpoint for booking deliveries on srv and
// returns the events it receives.
func receiveAll(t *testing.T, srv *bookingsynctest.Server) <-chan event.Event {
	t.Helper()
	v, err := bookingsync.NewVerifier(bookingsynctest.ClientSecret)
	require.NoError(t, err)
	rc, err := bookingsync.NewReceiver(v)
	require.NoError(t, err)
	events := make(chan event.Event, 10)
	hook := httptest.NewServer(event.NewHTTPHandler(rc, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		events <- e
		return nil
	})))
	t.Cleanup(hook.Close)
	require.NoError(t, srv.AddEndpoint(hook.URL, bookingsynctest.ClientSecret, "booking_created", "booking_updated"))
	return events
}
