package hostaway_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
)

// sourceSetup starts a fake and returns a Source of its account.
func sourceSetup(t *testing.T, opts ...hostaway.SourceOption) (*hostaway.Source, *hostawaytest.Server) {
	t.Helper()
	srv := hostawaytest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.Client(hostaway.WithRetryWait(time.Millisecond, 5*time.Millisecond), hostaway.WithRetryAfterMax(time.Second))
	require.NoError(t, err)
	s, err := hostaway.NewSource(c, hostawaytest.AccountID, opts...)
	require.NoError(t, err)
	return s, srv
}

// stamp formats t as Hostaway does.
func stamp(t time.Time) string { return t.UTC().Format(time.DateTime) }

// poller polls a Source as the inbox does, keeping the checkpoint.
type poller struct {
	t     *testing.T
	s     *hostaway.Source
	since time.Time
	cp    string
	calls int
}

// poll calls Changes while More and returns the changes as "id@version".
func (p *poller) poll() []string {
	p.t.Helper()
	var got []string
	for {
		p.calls++
		require.Less(p.t, p.calls, 200, "the source keeps saying More")
		pg, err := p.s.Changes(p.t.Context(), event.Cursor{Checkpoint: p.cp, Since: p.since})
		require.NoError(p.t, err)
		for _, c := range pg.Changes {
			e, err := p.s.Decode(c.Header, c.Body)
			require.NoError(p.t, err)
			require.Equal(p.t, c.ID, e.ID())
			got = append(got, e.Subject().ID+"@"+event.VersionOf(e))
		}
		p.cp = pg.Checkpoint
		if !pg.More {
			return got
		}
	}
}

// state names a reservation state as poll does.
func state(id int64, at time.Time) string {
	return strconv.FormatInt(id, 10) + "@" + at.UTC().Truncate(time.Second).Format(time.RFC3339)
}

func TestSource_Changes(t *testing.T) {
	t.Parallel()
	base := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	tests := []struct {
		name     string
		pageSize int
	}{
		{name: "pages of 6", pageSize: 6},
		{name: "pages of 7", pageSize: 7},
		{name: "one page", pageSize: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, srv := sourceSetup(t, hostaway.WithPageSize(tt.pageSize))
			put := func(id int64, at time.Time) string {
				srv.PutReservation(map[string]any{"id": id, "updatedOn": stamp(at), "insertedOn": stamp(base)})
				return state(id, at)
			}
			// 20 reservations, every third second shared by three, so
			// that pages end within a second.
			var want []string
			for i := range 20 {
				want = append(want, put(int64(100+i), base.Add(time.Duration(i/3)*time.Second)))
			}
			p := &poller{t: t, s: s}
			assert.Equal(t, want, p.poll(), "every reservation once, oldest first")
			assert.Empty(t, p.poll(), "nothing changed")

			// Changes made without any webhook: updates of old and of
			// anchored reservations, and new ones, two in one second.
			later := base.Add(time.Hour)
			want = []string{
				put(103, later),
				put(119, later),
				put(130, later.Add(time.Second)),
				put(100, later.Add(2*time.Second)),
			}
			assert.Equal(t, want, p.poll(), "exactly the new states")
			assert.Empty(t, p.poll())

			// Every anchor moves: the source starts again from the top and
			// reports only what it had not.
			var anchors struct {
				Anchors []struct{ ID int64 } `json:"anchors"`
			}
			require.NoError(t, json.Unmarshal([]byte(p.cp), &anchors))
			require.NotEmpty(t, anchors.Anchors)
			want = nil
			for i, a := range anchors.Anchors {
				want = append(want, put(a.ID, later.Add(time.Duration(10+i)*time.Second)))
			}
			assert.Equal(t, want, p.poll())
			assert.Empty(t, p.poll())

			// The anchor resumed from is deleted: the next one is used.
			require.NoError(t, json.Unmarshal([]byte(p.cp), &anchors))
			srv.DeleteReservation(anchors.Anchors[0].ID)
			want = []string{put(131, later.Add(time.Minute))}
			assert.Equal(t, want, p.poll())
		})
	}
}

func TestSource_Changes_since(t *testing.T) {
	t.Parallel()
	s, srv := sourceSetup(t, hostaway.WithPageSize(6))
	base := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Second)
	var want []string
	for i := range 15 {
		at := base.Add(time.Duration(i) * time.Minute)
		id := srv.PutReservation(map[string]any{"updatedOn": stamp(at)})
		if i >= 9 {
			want = append(want, state(id, at))
		}
	}
	p := &poller{t: t, s: s, since: base.Add(9 * time.Minute)}
	assert.Equal(t, want, p.poll(), "from Since on, inclusively")
}

// TestSource_Changes_unsettled checks that changes too recent to settle are
// reported at once, and once, and that the checkpoint waits for them.
func TestSource_Changes_unsettled(t *testing.T) {
	t.Parallel()
	s, srv := sourceSetup(t)
	old := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	a := srv.PutReservation(map[string]any{"updatedOn": stamp(old)})
	b := srv.PutReservation(nil) // updatedOn now
	p := &poller{t: t, s: s}
	got := p.poll()
	require.Len(t, got, 2)
	assert.Equal(t, state(a, old), got[0])
	assert.Contains(t, got[1], strconv.FormatInt(b, 10)+"@")
	assert.Empty(t, p.poll(), "reported once")
	assert.NotContains(t, p.cp, `"id":`+strconv.FormatInt(b, 10)+`,"on":"`+old.Format(time.RFC3339), "not an anchor")

	// A change stamped in the same second as b, of a reservation that
	// lists before b (a lower id), made after the listing: Hostaway's
	// timestamps have one-second resolution, so a checkpoint that had
	// anchored on b would skip it.
	_, bAt, _ := strings.Cut(got[1], "@")
	bTime, err := time.Parse(time.RFC3339, bAt)
	require.NoError(t, err)
	srv.PutReservation(map[string]any{"id": a, "updatedOn": stamp(bTime)})
	assert.Equal(t, []string{state(a, bTime)}, p.poll())
}

// TestSource_Changes_anchorChecks counts the record calls: none while the
// page shows the anchor in place, one when it does not.
func TestSource_Changes_anchorChecks(t *testing.T) {
	t.Parallel()
	s, srv := sourceSetup(t)
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	for i := range 8 {
		srv.PutReservation(map[string]any{"updatedOn": stamp(base.Add(time.Duration(i) * time.Second))})
	}
	p := &poller{t: t, s: s}
	require.Len(t, p.poll(), 8)
	p.poll()
	assert.Equal(t, 0, srv.Requests("GET", "/reservations/{id}"), "later anchors in the page prove the first in place")
	assert.Equal(t, 2, srv.Requests("GET", "/reservations"), "one list call per poll")
}

func TestSource_Changes_rateLimited(t *testing.T) {
	t.Parallel()
	for _, route := range []string{"/reservations", "/reservations/{id}"} {
		t.Run(route, func(t *testing.T) {
			t.Parallel()
			s, srv := sourceSetup(t)
			base := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
			var cp string
			if route == "/reservations/{id}" {
				id := srv.PutReservation(map[string]any{"updatedOn": stamp(base)})
				pg, err := s.Changes(t.Context(), event.Cursor{})
				require.NoError(t, err)
				cp = pg.Checkpoint
				srv.PutReservation(map[string]any{"id": id, "updatedOn": stamp(base.Add(time.Minute))}) // moved: checked
			}
			srv.Fail("GET", route, hostawaytest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}})
			_, err := s.Changes(t.Context(), event.Cursor{Checkpoint: cp})
			var rl *event.RateLimitError
			require.ErrorAs(t, err, &rl)
			assert.Equal(t, hostaway.Provider, rl.Provider)
			assert.Equal(t, 7*time.Second, rl.RetryAfter)
		})
	}
}

func TestSource_Changes_badCheckpoint(t *testing.T) {
	t.Parallel()
	s, srv := sourceSetup(t)
	for _, cp := range []string{"x", `{"v":2}`, `{"v":1,"floor":"yesterday"}`, `{"v":1,"anchors":[{"id":0,"on":"2026-01-01T00:00:00Z"}]}`, `{"v":1,"extra":1}`} {
		_, err := s.Changes(t.Context(), event.Cursor{Checkpoint: cp})
		require.ErrorIs(t, err, hostaway.ErrCheckpoint, cp)
	}
	assert.Equal(t, 0, srv.Requests("GET", "/reservations"))
}

func TestNewSource(t *testing.T) {
	t.Parallel()
	c, err := hostaway.NewClient(hostaway.AccessToken("t"))
	require.NoError(t, err)
	tests := []struct {
		name    string
		c       *hostaway.Client
		account string
		opts    []hostaway.SourceOption
		wantErr bool
	}{
		{name: "ok", c: c, account: " 10450 ", opts: []hostaway.SourceOption{nil, hostaway.WithSettle(0)}},
		{name: "nil client", account: "10450", wantErr: true},
		{name: "no account", c: c, wantErr: true},
		{name: "account not an id", c: c, account: "acme", wantErr: true},
		{name: "page too small", c: c, account: "10450", opts: []hostaway.SourceOption{hostaway.WithPageSize(5)}, wantErr: true},
		{name: "negative settle", c: c, account: "10450", opts: []hostaway.SourceOption{hostaway.WithSettle(-time.Second)}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := hostaway.NewSource(tt.c, tt.account, tt.opts...)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "hostaway/reservations/10450", s.Name())
			assert.Equal(t, hostaway.Provider, s.Provider())
		})
	}
}

// TestSource_Decode checks the event of a polled change, against the one a
// delivery of the same reservation state gives.
func TestSource_Decode(t *testing.T) {
	t.Parallel()
	s, srv := sourceSetup(t)
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		fields   map[string]any
		wantType event.Type
		wantName string
	}{
		{name: "created at the update time", fields: map[string]any{"status": "new", "insertedOn": stamp(at)}, wantType: event.BookingCreated, wantName: hostaway.EventReservationCreated},
		{name: "updated", fields: map[string]any{"status": "modified", "insertedOn": stamp(at.Add(-time.Hour))}, wantType: event.BookingUpdated, wantName: hostaway.EventReservationUpdated},
		{name: "cancelled", fields: map[string]any{"status": "cancelled", "insertedOn": stamp(at.Add(-time.Hour))}, wantType: event.BookingCancelled, wantName: hostaway.EventReservationUpdated},
		{name: "inquiry", fields: map[string]any{"status": "inquiry", "insertedOn": stamp(at)}, wantType: event.InquiryCreated, wantName: hostaway.EventReservationCreated},
	}
	for i, tt := range tests {
		tt.fields["updatedOn"] = stamp(at.Add(time.Duration(i) * time.Minute))
		tt.fields["insertedOn"] = map[bool]string{true: tt.fields["updatedOn"].(string), false: tt.fields["insertedOn"].(string)}[tt.wantName == hostaway.EventReservationCreated]
		id := srv.PutReservation(tt.fields)
		tt.fields["id"] = id
	}
	pg, err := s.Changes(t.Context(), event.Cursor{})
	require.NoError(t, err)
	require.Len(t, pg.Changes, len(tests))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := pg.Changes[i]
			e, err := s.Decode(c.Header, c.Body)
			require.NoError(t, err)
			id := fmt.Sprint(tt.fields["id"])
			updated := at.Add(time.Duration(i) * time.Minute)
			version := updated.Format(time.RFC3339)
			assert.Equal(t, "poll:booking:"+id+":"+version, c.ID)
			assert.Equal(t, c.ID, e.ID())
			assert.Equal(t, tt.wantType, e.Type())
			assert.Equal(t, tt.wantName, e.Name())
			assert.Equal(t, hostawaytest.AccountID, e.Account())
			assert.Equal(t, event.Subject{Kind: event.KindBooking, ID: id}, e.Subject())
			assert.True(t, updated.Equal(e.Time()))
			assert.Equal(t, version, event.VersionOf(e))
			assert.Equal(t, event.OriginPoll, event.OriginOf(e))
			assert.Equal(t, c.Body, e.Raw())
			w, ok := e.Data().(*hostaway.Webhook)
			require.True(t, ok, "Data is a *Webhook, as a delivery's")
			rec, ok := event.RecordOf(e)
			require.True(t, ok)
			assert.Same(t, w.Reservation, rec.Data.(*hostaway.Reservation))
			assert.False(t, rec.FetchedAt.IsZero())
			b, ok := event.BookingOf(e)
			require.True(t, ok)
			assert.Equal(t, b, *rec.Booking)
			assert.Equal(t, tt.fields["status"], string(w.Reservation.Status))
		})
	}

	for _, body := range []string{
		`not json`,
		`{"object":"reservation","event":"reservation.updated","data":{"id":5}}`,
		`{"object":"reservation","event":"reservation.updated","data":{"updatedOn":"2026-01-01 00:00:00"}}`,
		`{"object":"conversationMessage","event":"message.received","data":{"id":5}}`,
		`{"data":"test"}`,
		`{"object":"reservation","event":"reservation.updated","data":{"id":5,"updatedOn":"2026-01-01 00:00:00"},"listedAt":7}`,
	} {
		_, err := s.Decode(nil, []byte(body))
		require.ErrorIs(t, err, event.ErrMalformed, body)
	}
}

// TestSource_sameAsWebhook checks that a delivery of a reservation state
// and the poll of the same state report the same Subject and Version, so
// that an inbox stores the change once; and that two states differ.
func TestSource_sameAsWebhook(t *testing.T) {
	t.Parallel()
	s, srv := sourceSetup(t)
	c, err := srv.Client()
	require.NoError(t, err)
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	id := srv.PutReservation(map[string]any{"status": "new", "updatedOn": stamp(at), "insertedOn": stamp(at)})
	tests := []struct {
		name   string
		event  string
		fields map[string]any
	}{
		{name: "created", event: hostaway.EventReservationCreated},
		{name: "updated", event: hostaway.EventReservationUpdated, fields: map[string]any{"id": id, "guestName": "Ada Lovelace", "updatedOn": stamp(at.Add(time.Minute))}},
		{name: "cancelled", event: hostaway.EventReservationUpdated, fields: map[string]any{"id": id, "status": "cancelled", "updatedOn": stamp(at.Add(2 * time.Minute))}},
	}
	p := &poller{t: t, s: s}
	versions := map[string]bool{}
	for _, tt := range tests {
		if tt.fields != nil {
			srv.PutReservation(tt.fields)
		}
		hook := delivered(t, c, srv, tt.event, id)
		pg, err := s.Changes(t.Context(), event.Cursor{Checkpoint: p.cp})
		require.NoError(t, err)
		p.cp = pg.Checkpoint
		require.Len(t, pg.Changes, 1, tt.name)
		polled, err := s.Decode(nil, pg.Changes[0].Body)
		require.NoError(t, err)

		assert.Equal(t, hook.Subject(), polled.Subject(), tt.name)
		assert.Equal(t, event.VersionOf(hook), event.VersionOf(polled), tt.name)
		assert.Equal(t, hook.Type(), polled.Type(), tt.name)
		assert.NotEmpty(t, event.VersionOf(hook), tt.name)
		assert.Equal(t, event.OriginWebhook, event.OriginOf(hook))
		assert.False(t, versions[event.VersionOf(hook)], "%s: a new state has a new version", tt.name)
		versions[event.VersionOf(hook)] = true
	}

	thin := decode(t, thinReservation(id))
	assert.Empty(t, event.VersionOf(thin), "a thin delivery carries no version")
}
