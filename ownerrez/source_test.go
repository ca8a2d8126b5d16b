package ownerrez_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/verify"
)

const testUser = ownerreztest.UserID

func newSource(t *testing.T, c *ownerrez.Client, opts ...ownerrez.SourceOption) *ownerrez.Source {
	t.Helper()
	s, err := ownerrez.NewSource(c, testUser, opts...)
	require.NoError(t, err)
	return s
}

// putAt stores a booking of the given id last changed at updated.
func putAt(srv *ownerreztest.Server, bid int64, updated string) ownerrez.Booking {
	b := fullBooking()
	b.ID, b.CreatedUTC, b.UpdatedUTC = id(bid), ts("2026-01-01T00:00:00Z"), ts(updated)
	return srv.PutBooking(b)
}

// poll calls Changes until More is false, from cursor, with a fresh Source
// per call when fresh (so that only the checkpoint carries state), and
// returns the change ids in order and the last checkpoint.
func poll(t *testing.T, c *ownerrez.Client, cursor event.Cursor, fresh bool, opts ...ownerrez.SourceOption) ([]string, string) {
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

func changeIDs(bookings ...ownerrez.Booking) []string {
	var out []string
	for _, b := range bookings {
		out = append(out, fmt.Sprintf("poll:booking:%d:%s", b.ID.Int64(), b.UpdatedUTC.UTC().Format(time.RFC3339)))
	}
	return out
}

// TestSource_Changes pages through bookings oldest first, equal timestamps
// included, across page boundaries, with and without the Source's cache,
// and resumes from the checkpoint with exactly the later changes.
func TestSource_Changes(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2, 3, 100} {
		for _, fresh := range []bool{false, true} {
			t.Run(fmt.Sprintf("page %d fresh %v", size, fresh), func(t *testing.T) {
				t.Parallel()
				srv, c := newFake(t)
				// Ids out of time order, and four bookings in one second.
				b1 := putAt(srv, 1, "2026-03-01T10:00:00Z")
				b9 := putAt(srv, 9, "2026-03-01T09:00:00Z")
				b5 := putAt(srv, 5, "2026-03-01T11:00:00Z")
				b3 := putAt(srv, 3, "2026-03-01T11:00:00Z")
				b7 := putAt(srv, 7, "2026-03-01T11:00:00Z")
				b2 := putAt(srv, 2, "2026-03-01T11:00:00Z")
				putAt(srv, 8, "2026-02-28T23:59:59Z") // before Since
				b4 := putAt(srv, 4, "2026-03-02T00:00:00Z")
				opt := ownerrez.WithSourcePageSize(size)

				got, cp := poll(t, c, event.Cursor{Since: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}, fresh, opt)
				assert.Equal(t, changeIDs(b9, b1, b2, b3, b5, b7, b4), got)

				// Nothing new: nothing returned, the checkpoint stays.
				again, cp2 := poll(t, c, event.Cursor{Checkpoint: cp}, fresh, opt)
				assert.Empty(t, again)
				assert.Equal(t, cp, cp2)

				// Changes made without a webhook: one within the
				// checkpoint's second (listed after it), later ones, and
				// a booking updated again.
				b6 := putAt(srv, 6, "2026-03-02T00:00:00Z")
				b3b := putAt(srv, 3, "2026-03-03T00:00:00Z")
				b10 := putAt(srv, 10, "2026-03-03T00:00:00Z")
				later, _ := poll(t, c, event.Cursor{Checkpoint: cp}, fresh, opt)
				assert.Equal(t, changeIDs(b6, b3b, b10), later)
			})
		}
	}
}

// TestSource_Changes_apiPages lists a window of more bookings than one API
// page holds: every page is read once per listing, oldest first.
func TestSource_Changes_apiPages(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	var want []ownerrez.Booking
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 250 {
		// Ids descend while times ascend, so API order is not time order.
		want = append(want, putAt(srv, int64(1000-i), base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339)))
	}
	s := newSource(t, c, ownerrez.WithSourcePageSize(1000))
	page, err := s.Changes(t.Context(), event.Cursor{Since: base})
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
	ids, _ := poll(t, c, event.Cursor{Since: base}, false, ownerrez.WithSourcePageSize(10))
	assert.Equal(t, changeIDs(want...), ids)
	assert.Equal(t, 6, srv.Requests(http.MethodGet, "/bookings"), "one listing of 3 pages for 25 change pages")
}

// TestSource_Changes_fails covers the errors of Changes.
func TestSource_Changes_fails(t *testing.T) {
	t.Parallel()
	t.Run("rate limit", func(t *testing.T) {
		t.Parallel()
		srv, c := newFake(t, ownerrez.WithRetryMax(-1), ownerrez.WithRetryAfterMax(time.Second))
		putAt(srv, 1, "2026-03-01T00:00:00Z")
		srv.Fail(http.MethodGet, "/bookings", ownerreztest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}})
		s := newSource(t, c)
		_, err := s.Changes(t.Context(), event.Cursor{Since: time.Unix(0, 0)})
		var rl *event.RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.Equal(t, ownerrez.Provider, rl.Provider)
		assert.Equal(t, 120*time.Second, rl.RetryAfter)
		var apiErr *ownerrez.APIError
		require.ErrorAs(t, err, &apiErr)

		// The window is closed: the client holds the next call back.
		_, err = s.Changes(t.Context(), event.Cursor{Since: time.Unix(0, 0)})
		require.ErrorAs(t, err, &rl)
		assert.Positive(t, rl.RetryAfter)
		assert.Equal(t, 1, srv.Requests(http.MethodGet, "/bookings"))
	})
	t.Run("no start", func(t *testing.T) {
		t.Parallel()
		srv, c := newFake(t)
		_, err := newSource(t, c).Changes(t.Context(), event.Cursor{})
		require.Error(t, err)
		assert.Zero(t, srv.Requests(http.MethodGet, "/bookings"))
	})
	for _, cp := range []string{"v2;2026-03-01T00:00:00Z;", "v1;yesterday;", "v1;2026-03-01T00:00:00Z;x", "v1;2026-03-01T00:00:00Z;-1", "garbage"} {
		t.Run("checkpoint "+cp, func(t *testing.T) {
			t.Parallel()
			_, c := newFake(t)
			_, err := newSource(t, c).Changes(t.Context(), event.Cursor{Checkpoint: cp})
			require.Error(t, err)
		})
	}
	t.Run("listing shifted", func(t *testing.T) {
		t.Parallel()
		// OwnerRez's count says two bookings, the pages hold one: a
		// booking slipped between offsets.
		calls := 0
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			calls++
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"count":2,"items":[{"id":1,"updated_utc":"2026-03-01T00:00:00Z"}],"next_page_url":null}`)
		}))
		t.Cleanup(api.Close)
		c, err := ownerrez.NewClient(ownerrez.AccessToken("at_x"), ownerrez.WithBaseURL(api.URL+"/v2"))
		require.NoError(t, err)
		_, err = newSource(t, c).Changes(t.Context(), event.Cursor{Since: time.Unix(0, 0)})
		require.Error(t, err)
		assert.Equal(t, 3, calls)
	})
}

func TestNewSource(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	_, err := ownerrez.NewSource(nil, 1)
	require.Error(t, err)
	_, err = ownerrez.NewSource(c, 0)
	require.Error(t, err)
	s, err := ownerrez.NewSource(c, testUser, nil)
	require.NoError(t, err)
	assert.Equal(t, "ownerrez/bookings/347482730", s.Name())
	assert.Equal(t, ownerrez.Provider, s.Provider())
}

// TestSource_Decode decodes the changes of a poll: type and name by
// status and times, the normalized booking, the record and the origin.
func TestSource_Decode(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	at := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		mutate   func(*ownerrez.Booking)
		typ      event.Type
		evName   string
		status   event.BookingStatus
		noRecord bool
	}{
		{"updated", func(*ownerrez.Booking) {}, event.BookingUpdated, "booking.entity_update", event.StatusConfirmed, false},
		{"created", func(b *ownerrez.Booking) { b.CreatedUTC = b.UpdatedUTC }, event.BookingCreated, "booking.entity_create", event.StatusConfirmed, false},
		{"cancelled", func(b *ownerrez.Booking) { b.Status = ownerrez.BookingCanceled }, event.BookingCancelled, "booking.entity_update", event.StatusCancelled, false},
		{"created cancelled", func(b *ownerrez.Booking) {
			b.Status, b.CreatedUTC = ownerrez.BookingCanceled, b.UpdatedUTC
		}, event.BookingCancelled, "booking.entity_create", event.StatusCancelled, false},
		{"block", func(b *ownerrez.Booking) { b.IsBlock.Value, b.Type = true, ownerrez.BookingTypeBlock }, event.BookingUpdated, "booking.entity_update", event.StatusBlocked, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fullBooking()
			b.ID = id(int64(100 + i))
			b.UpdatedUTC = ts(at.Add(time.Duration(i) * time.Hour).Format(time.RFC3339))
			tt.mutate(&b)
			b = srv.PutBooking(b)
			s := newSource(t, c)
			page, err := s.Changes(t.Context(), event.Cursor{Since: b.UpdatedUTC.Time})
			require.NoError(t, err)
			require.NotEmpty(t, page.Changes)
			ch := page.Changes[0]

			e, err := s.Decode(ch.Header, ch.Body)
			require.NoError(t, err)
			assert.Equal(t, ownerrez.Provider, e.Provider())
			assert.Equal(t, tt.typ, e.Type())
			assert.Equal(t, tt.evName, e.Name())
			assert.Equal(t, ch.ID, e.ID())
			assert.Equal(t, "347482730", e.Account())
			assert.Equal(t, event.Subject{Kind: event.KindBooking, ID: fmt.Sprint(b.ID.Int64())}, e.Subject())
			assert.True(t, b.UpdatedUTC.Time.Equal(e.Time()))
			assert.Equal(t, ch.Body, e.Raw())
			assert.Equal(t, event.OriginPoll, event.OriginOf(e))
			assert.Equal(t, b.UpdatedUTC.UTC().Format(time.RFC3339), event.VersionOf(e))
			nb, ok := event.BookingOf(e)
			require.True(t, ok)
			assert.Equal(t, tt.status, nb.Status)
			assert.Equal(t, b.Normalize(), nb)
			rec, ok := event.RecordOf(e)
			require.True(t, ok)
			assert.Empty(t, cmp.Diff(rec.Data, e.Data()))
			assert.Equal(t, &nb, rec.Booking)
			assert.False(t, rec.FetchedAt.IsZero())

			// Another Source decodes it the same: the body is all.
			other, err := ownerrez.NewSource(c, 1)
			require.NoError(t, err)
			e2, err := other.Decode(nil, ch.Body)
			require.NoError(t, err)
			assert.Equal(t, e.ID(), e2.ID())
			assert.Equal(t, e.Account(), e2.Account())
		})
	}

	t.Run("malformed", func(t *testing.T) {
		s := newSource(t, c)
		for _, body := range []string{``, `[]`, `{}`, `{"user_id":1}`, `{"user_id":1,"entity":{}}`, `{"user_id":1,"entity":[1]}`, `{"user_id":"x","entity":{"id":1}}`} {
			_, err := s.Decode(nil, []byte(body))
			require.ErrorIs(t, err, event.ErrMalformed, body)
		}
	})
}

// TestSource_versionMatchesWebhook delivers the webhook of a booking state
// and polls the same state: both report one Subject and one Version, so an
// inbox stores the change once; another state reports another version.
func TestSource_versionMatchesWebhook(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	events := receiveAll(t, c)
	s := newSource(t, c)
	tests := []struct {
		name    string
		action  ownerrez.Action
		mutate  func(*ownerrez.Booking)
		updated string
	}{
		{"created", ownerrez.ActionEntityCreate, func(b *ownerrez.Booking) { b.CreatedUTC = ts("2026-03-08T17:56:10Z") }, "2026-03-08T17:56:10Z"},
		{"updated", ownerrez.ActionEntityUpdate, func(*ownerrez.Booking) {}, "2026-03-08T18:00:00Z"},
		{"offset spelling", ownerrez.ActionEntityUpdate, func(*ownerrez.Booking) {}, "2026-03-08T20:00:01+02:00"},
		{"cancelled", ownerrez.ActionEntityUpdate, func(b *ownerrez.Booking) { b.Status = ownerrez.BookingCanceled }, "2026-03-09T08:00:00Z"},
	}
	var versions []string
	for _, tt := range tests {
		b := fullBooking()
		b.ID = id(16879744)
		b.UpdatedUTC = ts(tt.updated)
		tt.mutate(&b)
		b = srv.PutBooking(b)
		_, err := srv.Deliver(t.Context(), ownerreztest.Delivery{Action: tt.action, EntityType: ownerrez.EntityBooking, EntityID: b.ID.Int64()})
		require.NoError(t, err, tt.name)
		hook := <-events

		page, err := s.Changes(t.Context(), event.Cursor{Since: b.UpdatedUTC.Time})
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
// version; a thin delivery and a delete have none.
func TestReceiver_version(t *testing.T) {
	t.Parallel()
	rc, err := ownerrez.NewReceiver(verify.Unverified())
	require.NoError(t, err)
	tests := map[string]struct {
		body, want string
	}{
		"update":       {`{"id":"a","user_id":1,"action":"entity_update","entity_type":"booking","entity_id":7,"entity":{"id":7,"updated_utc":"2026-03-08T17:56:10Z"}}`, "2026-03-08T17:56:10Z"},
		"fraction":     {`{"id":"a","user_id":1,"action":"entity_update","entity_type":"booking","entity_id":7,"entity":{"id":7,"updated_utc":"2026-03-08T18:56:10.500+01:00"}}`, "2026-03-08T17:56:10.5Z"},
		"thin":         {`{"id":"a","user_id":1,"action":"entity_update","entity_type":"booking","entity_id":7}`, ""},
		"no updated":   {`{"id":"a","user_id":1,"action":"entity_update","entity_type":"booking","entity_id":7,"entity":{"id":7,"created_utc":"2026-03-08T17:56:10Z"}}`, ""},
		"delete":       {`{"id":"a","user_id":1,"action":"entity_delete","entity_type":"booking","entity_id":7,"entity":{"id":7,"updated_utc":"2026-03-08T17:56:10Z"}}`, ""},
		"guest":        {`{"id":"a","user_id":1,"action":"entity_update","entity_type":"guest","entity_id":7,"entity":{"id":7}}`, ""},
		"zoneless":     {`{"id":"a","user_id":1,"action":"entity_update","entity_type":"booking","entity_id":7,"entity":{"id":7,"updated_utc":"2026-03-08T17:56:10"}}`, ""},
		"webhook_test": {`{"id":"a","user_id":1,"action":"webhook_test","entity_type":"api_application","entity_id":7}`, ""},
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

// receiveAll subscribes an endpoint to booking creates and updates on srv
// and returns the events it receives.
func receiveAll(t *testing.T, c *ownerrez.Client) <-chan event.Event {
	t.Helper()
	v, err := ownerrez.NewVerifier(ownerreztest.WebhookCredentials())
	require.NoError(t, err)
	rc, err := ownerrez.NewReceiver(v)
	require.NoError(t, err)
	events := make(chan event.Event, 10)
	hook := httptest.NewServer(event.NewHTTPHandler(rc, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		events <- e
		return nil
	})))
	t.Cleanup(hook.Close)
	for _, a := range []ownerrez.Action{ownerrez.ActionEntityCreate, ownerrez.ActionEntityUpdate} {
		_, _, err = c.Webhooks.Create(t.Context(), &ownerrez.SubscriptionParams{Type: ownerrez.SubscriptionBooking, Action: a, URL: hook.URL})
		require.NoError(t, err)
	}
	return events
}
