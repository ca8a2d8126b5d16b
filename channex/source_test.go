package channex_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
)

// otherProperty is a second property of the fake's API key.
const otherProperty = "52397a6e-c330-44f4-a293-47042d3a3607"

// newSource returns a Source of the fake's property reading pages of
// pageSize, and the fake.
func newSource(t *testing.T, pageSize int) (*channex.Source, *channex.Client, *channextest.Server) {
	t.Helper()
	c, srv := setupFake(t)
	srv.AddProperty(otherProperty)
	s, err := channex.NewSource(c, channextest.PropertyID)
	require.NoError(t, err)
	channex.SetSourcePageSize(s, pageSize)
	return s, c, srv
}

// hooks is a webhook endpoint that records what a Receiver made of each
// delivery.
type hooks struct {
	rc     *channex.Receiver
	mu     sync.Mutex
	events []event.Event
}

func (h *hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	e, err := h.rc.Receive(r.Header, body)
	if err != nil {
		http.Error(w, "receive", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.events = append(h.events, e)
	h.mu.Unlock()
}

// received returns the events received so far.
func (h *hooks) received() []event.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]event.Event(nil), h.events...)
}

// subscribe creates, on the fake, a webhook of every event of its property
// that delivers to a Receiver made with opts, and returns what it receives.
func subscribe(t *testing.T, c *channex.Client, sendData bool, opts ...channex.Option) *hooks {
	t.Helper()
	v, err := channex.NewVerifier(channex.SuggestedHeader, "s3cret")
	require.NoError(t, err)
	rc, err := channex.NewReceiver(v, opts...)
	require.NoError(t, err)
	h := &hooks{rc: rc}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	_, _, err = c.Webhooks.Create(t.Context(), &channex.SubscriptionParams{
		PropertyID: channextest.PropertyID, URL: ts.URL, Events: []string{"*"},
		Headers: map[string]string{channex.SuggestedHeader: "s3cret"}, Enabled: true, SendData: sendData,
	})
	require.NoError(t, err)
	return h
}

// putRevisions puts n revisions of new bookings on property, the first
// inserted at base and each next one step later, and returns their ids.
func putRevisions(srv *channextest.Server, property string, n int, base time.Time, step time.Duration) []string {
	var ids []string
	for i := range n {
		rev := newRevision()
		rev.PropertyID = lenient.String(property)
		rev.InsertedAt = lenient.Time{Time: base.Add(time.Duration(i) * step), Zoneless: true}
		ids = append(ids, string(srv.PutBooking(rev).RevisionID))
	}
	return ids
}

// revisionIDs decodes the revision id of every change of page.
func revisionIDs(t *testing.T, s *channex.Source, page *event.ChangePage) []string {
	t.Helper()
	var ids []string
	for _, c := range page.Changes {
		e, err := s.Decode(c.Header, c.Body)
		require.NoError(t, err)
		ids = append(ids, event.VersionOf(e))
	}
	return ids
}

// changeIDs returns the ids of the changes of page.
func changeIDs(page *event.ChangePage) []string {
	var ids []string
	for _, c := range page.Changes {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestNewSource(t *testing.T) {
	t.Parallel()
	c, _ := setupFake(t)
	tests := []struct {
		name     string
		client   *channex.Client
		property string
		wantErr  string
	}{
		{name: "ok", client: c, property: channextest.PropertyID},
		{name: "trimmed", client: c, property: " " + channextest.PropertyID + "\n"},
		{name: "nil client", property: channextest.PropertyID, wantErr: "channex: new source: nil client"},
		{name: "no property", client: c, property: " ", wantErr: "channex: new source: no property id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := channex.NewSource(tt.client, tt.property)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, channex.Provider, s.Provider())
			assert.Equal(t, "channex/booking_revisions/"+channextest.PropertyID, s.Name())
		})
	}
}

// TestSource_Changes drains the feed as an inbox does (Changes, store, Ack,
// while More): every revision of the property comes once, oldest first,
// across page boundaries and equal timestamps, and none of another
// property.
func TestSource_Changes(t *testing.T) {
	t.Parallel()
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name     string
		pageSize int
		n        int
		step     time.Duration
	}{
		{name: "empty", pageSize: 2, n: 0},
		{name: "one page", pageSize: 10, n: 3, step: time.Second},
		{name: "exact pages", pageSize: 2, n: 4, step: time.Second},
		{name: "pages cut in equal timestamps", pageSize: 2, n: 5},
		{name: "page of one", pageSize: 1, n: 3, step: time.Microsecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _, srv := newSource(t, tt.pageSize)
			putRevisions(srv, otherProperty, 2, base, 0)
			want := putRevisions(srv, channextest.PropertyID, tt.n, base, tt.step)
			putRevisions(srv, otherProperty, 1, base, 0)

			var got []string
			cursor := event.Cursor{Since: base.Add(time.Hour)} // the feed ignores Since
			for range tt.n + 2 {
				page, err := s.Changes(t.Context(), cursor)
				require.NoError(t, err)
				assert.LessOrEqual(t, len(page.Changes), tt.pageSize)
				got = append(got, revisionIDs(t, s, page)...)
				require.NoError(t, s.Ack(t.Context(), page))
				cursor.Checkpoint = page.Checkpoint
				if !page.More {
					break
				}
			}
			assert.Empty(t, cmp.Diff(want, got), "each revision once, oldest first")
			page, err := s.Changes(t.Context(), cursor)
			require.NoError(t, err)
			assert.Empty(t, page.Changes, "drained")
			assert.False(t, page.More)
			assert.Equal(t, cursor.Checkpoint, page.Checkpoint, "an empty feed keeps the checkpoint")
		})
	}
}

// TestSource_Changes_notAcked: without acknowledgement the feed serves the
// same page again, with the same change ids, and More stops the caller
// from looping on it.
func TestSource_Changes_notAcked(t *testing.T) {
	t.Parallel()
	s, _, srv := newSource(t, 2)
	ids := putRevisions(srv, channextest.PropertyID, 3, time.Now().UTC(), time.Second)

	first, err := s.Changes(t.Context(), event.Cursor{})
	require.NoError(t, err)
	assert.True(t, first.More)
	assert.Equal(t, ids[:2], revisionIDs(t, s, first))
	assert.Equal(t, ids[1], first.Checkpoint)

	again, err := s.Changes(t.Context(), event.Cursor{Checkpoint: first.Checkpoint})
	require.NoError(t, err)
	assert.Equal(t, changeIDs(first), changeIDs(again), "the same changes")
	assert.False(t, again.More, "no progress: not another page at once")
	assert.Equal(t, first.Checkpoint, again.Checkpoint)
}

// TestSource_Ack: Ack acknowledges exactly the page's revisions; one it
// could not acknowledge stays in the feed and comes back.
func TestSource_Ack(t *testing.T) {
	t.Parallel()
	s, _, srv := newSource(t, 2)
	ids := putRevisions(srv, channextest.PropertyID, 4, time.Now().UTC(), time.Second)
	other := putRevisions(srv, otherProperty, 1, time.Now().UTC(), 0)

	page, err := s.Changes(t.Context(), event.Cursor{})
	require.NoError(t, err)
	require.NoError(t, s.Ack(t.Context(), page))
	for i, id := range append(ids, other...) {
		assert.Equal(t, i < 2, srv.Acked(id), "revision %d", i)
	}

	page, err = s.Changes(t.Context(), event.Cursor{Checkpoint: page.Checkpoint})
	require.NoError(t, err)
	require.Equal(t, ids[2:], revisionIDs(t, s, page))
	srv.Fail(http.MethodPost, "/booking_revisions/"+ids[2]+"/ack", channextest.Fault{Status: http.StatusInternalServerError})
	err = s.Ack(t.Context(), page)
	var apiErr *channex.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.False(t, srv.Acked(ids[2]), "the failed one stays")
	assert.True(t, srv.Acked(ids[3]), "the others are acknowledged")

	again, err := s.Changes(t.Context(), event.Cursor{Checkpoint: page.Checkpoint})
	require.NoError(t, err)
	require.Len(t, again.Changes, 1)
	assert.Equal(t, page.Changes[0].ID, again.Changes[0].ID, "served again, same change id")
	require.NoError(t, s.Ack(t.Context(), again))
	assert.True(t, srv.Acked(ids[2]))
	assert.False(t, srv.Acked(other[0]), "another property's revision is never acknowledged")

	// A revision deleted meanwhile (404) needs no acknowledgement.
	b := srv.PutBooking(newRevision())
	gone, err := s.Changes(t.Context(), event.Cursor{})
	require.NoError(t, err)
	require.True(t, srv.DeleteBooking(string(b.ID)))
	require.NoError(t, s.Ack(t.Context(), gone))

	require.NoError(t, s.Ack(t.Context(), nil))
	err = s.Ack(t.Context(), &event.ChangePage{Changes: []event.Change{{ID: "x", Body: []byte("{}")}}})
	require.ErrorIs(t, err, event.ErrMalformed, "a change that is not one of a Source")
}

// TestSource_rateLimited: a 429 from the feed or the ack is an
// *event.RateLimitError with Channex's Retry-After.
func TestSource_rateLimited(t *testing.T) {
	t.Parallel()
	limited := channextest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"30"}}}
	tests := []struct {
		name string
		call func(t *testing.T, s *channex.Source, srv *channextest.Server) error
	}{
		{
			name: "changes",
			call: func(t *testing.T, s *channex.Source, srv *channextest.Server) error {
				srv.Fail(http.MethodGet, "/booking_revisions/feed", limited)
				_, err := s.Changes(t.Context(), event.Cursor{})
				return err
			},
		},
		{
			name: "ack",
			call: func(t *testing.T, s *channex.Source, srv *channextest.Server) error {
				ids := putRevisions(srv, channextest.PropertyID, 2, time.Now().UTC(), time.Second)
				page, err := s.Changes(t.Context(), event.Cursor{})
				require.NoError(t, err)
				srv.Fail(http.MethodPost, "/booking_revisions/{id}/ack", limited)
				err = s.Ack(t.Context(), page)
				assert.False(t, srv.Acked(ids[1]), "stops at the refusal")
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := channextest.NewServer()
			t.Cleanup(srv.Close)
			c, err := srv.Client(channex.WithRetryMax(-1))
			require.NoError(t, err)
			s, err := channex.NewSource(c, channextest.PropertyID)
			require.NoError(t, err)
			err = tt.call(t, s, srv)
			var rl *event.RateLimitError
			require.ErrorAs(t, err, &rl)
			assert.Equal(t, channex.Provider, rl.Provider)
			assert.Equal(t, 30*time.Second, rl.RetryAfter)
		})
	}
}

// TestSource_Decode: the event of each revision status, rebuilt from the
// change alone.
func TestSource_Decode(t *testing.T) {
	t.Parallel()
	listed := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	inserted := time.Date(2030, 1, 1, 12, 0, 0, 123456000, time.UTC)
	tests := []struct {
		status   channex.RevisionStatus
		wantType event.Type
		wantName string
	}{
		{channex.RevisionNew, event.BookingCreated, channex.EventBookingNew},
		{channex.RevisionModified, event.BookingUpdated, channex.EventBookingModification},
		{channex.RevisionCancelled, event.BookingCancelled, channex.EventBookingCancellation},
		{"on_hold", event.BookingUpdated, channex.EventBooking},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			t.Parallel()
			s, c, srv := newSource(t, 10)
			channex.SetSourceClock(s, func() time.Time { return listed })
			rev := newRevision()
			rev.Status = tt.status
			rev.InsertedAt = lenient.Time{Time: inserted, Zoneless: true}
			b := srv.PutBooking(rev)

			page, err := s.Changes(t.Context(), event.Cursor{})
			require.NoError(t, err)
			require.Len(t, page.Changes, 1)
			ch := page.Changes[0]
			assert.Equal(t, "poll:booking:"+string(b.ID)+":"+string(b.RevisionID), ch.ID)

			e, err := s.Decode(ch.Header, ch.Body)
			require.NoError(t, err)
			assert.Equal(t, channex.Provider, e.Provider())
			assert.Equal(t, tt.wantType, e.Type())
			assert.Equal(t, tt.wantName, e.Name())
			assert.Equal(t, ch.ID, e.ID())
			assert.Equal(t, channextest.PropertyID, e.Account())
			assert.Equal(t, event.Subject{Kind: event.KindBooking, ID: string(b.ID)}, e.Subject())
			assert.Equal(t, inserted, e.Time())
			assert.Equal(t, ch.Body, e.Raw())
			assert.Equal(t, string(b.RevisionID), event.VersionOf(e))
			assert.Equal(t, event.OriginPoll, event.OriginOf(e))

			got, _, err := c.BookingRevisions.Get(t.Context(), string(b.RevisionID))
			require.NoError(t, err)
			data, ok := e.Data().(*channex.BookingRevision)
			require.True(t, ok, "Data is the *BookingRevision")
			assert.Empty(t, cmp.Diff(got.Booking(), data.Booking()))
			nb, ok := event.BookingOf(e)
			require.True(t, ok)
			assert.Empty(t, cmp.Diff(got.Booking(), nb))
			rec, ok := event.RecordOf(e)
			require.True(t, ok)
			assert.Same(t, data, rec.Data)
			assert.Empty(t, cmp.Diff(nb, *rec.Booking))
			assert.Equal(t, listed, rec.FetchedAt)
		})
	}
}

func TestSource_Decode_malformed(t *testing.T) {
	t.Parallel()
	s, _, _ := newSource(t, 10)
	tests := map[string]string{
		"not json":       `{"type":`,
		"array":          `[]`,
		"no revision id": `{"type":"booking_revision","attributes":{"booking_id":"b-1"}}`,
		"no booking id":  `{"type":"booking_revision","id":"r-1","attributes":{}}`,
		"attributes":     `{"type":"booking_revision","id":"r-1","attributes":[1]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := s.Decode(nil, []byte(body))
			require.ErrorIs(t, err, event.ErrMalformed)
			assert.NotContains(t, err.Error(), "b-1", "no body bytes in the error")
		})
	}
}

// TestSource_agreesWithWebhook: the webhook of a revision and the poll of
// that revision report the same Subject and Version, so that an inbox
// stores the revision once; two revisions of one booking report two
// versions.
func TestSource_agreesWithWebhook(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status channex.RevisionStatus // of the second revision; "" for none
		event  string
		opts   []channex.Option
	}{
		{name: "new", event: channex.EventBookingNew},
		{name: "modification", status: channex.RevisionModified, event: channex.EventBookingModification},
		{name: "cancellation", status: channex.RevisionCancelled, event: channex.EventBookingCancellation},
		{name: "generic booking as booking.updated", status: channex.RevisionModified, event: channex.EventBooking,
			opts: []channex.Option{channex.WithGenericBookingType(event.BookingUpdated)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c, srv := newSource(t, 100)
			h := subscribe(t, c, true, tt.opts...)
			b := srv.PutBooking(newRevision())
			first := string(b.RevisionID)
			if tt.status != "" {
				rev := newRevision()
				rev.BookingID, rev.Status = b.ID, tt.status
				b = srv.PutBooking(rev)
			}
			_, err := srv.Deliver(t.Context(), tt.event, string(b.ID))
			require.NoError(t, err)
			got := h.received()
			require.Len(t, got, 1)
			hook := got[0]

			page, err := s.Changes(t.Context(), event.Cursor{})
			require.NoError(t, err)
			polled := map[string]event.Event{}
			for _, ch := range page.Changes {
				e, err := s.Decode(ch.Header, ch.Body)
				require.NoError(t, err)
				polled[event.VersionOf(e)] = e
			}
			poll, ok := polled[string(b.RevisionID)]
			require.True(t, ok, "the delivered revision is in the feed")
			assert.Equal(t, hook.Subject(), poll.Subject())
			assert.Equal(t, event.VersionOf(hook), event.VersionOf(poll))
			assert.NotEmpty(t, event.VersionOf(hook))
			assert.Equal(t, hook.Account(), poll.Account())
			assert.Equal(t, event.OriginWebhook, event.OriginOf(hook))
			if hook.Type() != event.BookingUpdated || tt.event != channex.EventBooking {
				assert.Equal(t, hook.Type(), poll.Type())
				assert.Equal(t, hook.Name(), poll.Name())
			}
			if tt.status != "" {
				older := polled[first]
				require.NotNil(t, older)
				assert.Equal(t, hook.Subject(), older.Subject())
				assert.NotEqual(t, event.VersionOf(hook), event.VersionOf(older), "another state, another version")
			}
		})
	}
}

// TestSource_agreesWithWebhook_notMatched: what does not report the
// revision's state has no version in common with the poll.
func TestSource_agreesWithWebhook_notMatched(t *testing.T) {
	t.Parallel()
	s, c, srv := newSource(t, 100)
	thin := subscribe(t, c, false) // send_data false: no payload
	b := srv.PutBooking(newRevision())
	for _, name := range []string{channex.EventBookingNew, channex.EventBooking, channex.EventNonAckedBooking, channex.EventBookingUnmappedRoom} {
		_, err := srv.Deliver(t.Context(), name, string(b.ID))
		require.NoError(t, err)
	}
	page, err := s.Changes(t.Context(), event.Cursor{})
	require.NoError(t, err)
	require.Len(t, page.Changes, 1)
	poll, err := s.Decode(nil, page.Changes[0].Body)
	require.NoError(t, err)
	for _, e := range thin.received() {
		assert.Empty(t, event.VersionOf(e), "%s without data names no revision", e.Name())
	}

	withData := subscribe(t, c, true)
	for _, name := range []string{channex.EventBooking, channex.EventNonAckedBooking, channex.EventBookingUnmappedRoom} {
		_, err := srv.Deliver(t.Context(), name, string(b.ID))
		require.NoError(t, err)
	}
	got := withData.received()
	require.Len(t, got, 3)
	generic := got[0]
	assert.Equal(t, event.VersionOf(poll), event.VersionOf(generic))
	assert.NotEqual(t, poll.Subject(), generic.Subject(), "the default generic event is about the revision")
	for _, alert := range got[1:] {
		assert.Equal(t, poll.Subject(), alert.Subject())
		assert.Empty(t, event.VersionOf(alert), "%s is an alert, not the change", alert.Name())
	}
}

// TestSource_nonAcked: what a poll stored and acknowledged never raises
// non_acked_booking; a revision nobody acknowledged does, 30 minutes on.
func TestSource_nonAcked(t *testing.T) {
	t.Parallel()
	s, c, srv := newSource(t, 2)
	var mu sync.Mutex
	now := time.Now()
	srv.SetNow(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	h := subscribe(t, c, true)

	polled := putRevisions(srv, channextest.PropertyID, 3, now.UTC(), time.Second)
	cursor := event.Cursor{}
	for {
		page, err := s.Changes(t.Context(), cursor)
		require.NoError(t, err)
		require.NoError(t, s.Ack(t.Context(), page))
		cursor.Checkpoint = page.Checkpoint
		if !page.More {
			break
		}
	}
	missed := putRevisions(srv, channextest.PropertyID, 1, now.UTC(), 0) // after the poll

	advance(channextest.NonAckedAfter - time.Second)
	ids, err := srv.CheckNonAcked(t.Context())
	require.NoError(t, err)
	assert.Empty(t, ids, "not yet 30 minutes")

	advance(time.Second)
	ids, err = srv.CheckNonAcked(t.Context())
	require.NoError(t, err)
	assert.Equal(t, missed, ids, "only the revision no poll acknowledged")
	for _, id := range polled {
		assert.NotContains(t, ids, id)
	}
	got := h.received()
	require.Len(t, got, 1)
	assert.Equal(t, channex.EventNonAckedBooking, got[0].Name())

	ids, err = srv.CheckNonAcked(t.Context())
	require.NoError(t, err)
	assert.Empty(t, ids, "sent once")
}

// TestSource_Ack_errorText: errors of Ack name no body bytes.
func TestSource_Ack_errorText(t *testing.T) {
	t.Parallel()
	s, _, _ := newSource(t, 10)
	err := s.Ack(t.Context(), &event.ChangePage{Changes: []event.Change{{ID: "x", Body: []byte(`{"secret-ish":`)}}})
	require.ErrorIs(t, err, event.ErrMalformed)
	assert.NotContains(t, err.Error(), "secret-ish")
}
