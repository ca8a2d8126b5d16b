package propexo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

// newSource returns a Source on the fake with opts.
func newSource(t *testing.T, c *propexo.Client, integrationID string, opts ...propexo.SourceOption) *propexo.Source {
	t.Helper()
	src, err := propexo.NewSource(c, integrationID, opts...)
	require.NoError(t, err)
	return src
}

// poll calls Changes from cursor while More, at most limit times, and
// returns the ids of the changes in the order listed (repeats included),
// the last checkpoint and the number of calls.
func poll(t *testing.T, src event.Source, cursor event.Cursor, limit int) (ids []string, checkpoint string, calls int) {
	t.Helper()
	for calls < limit {
		p, err := src.Changes(t.Context(), cursor)
		require.NoError(t, err)
		calls++
		for _, c := range p.Changes {
			ids = append(ids, c.ID)
		}
		require.NotEmpty(t, p.Checkpoint)
		cursor = event.Cursor{Checkpoint: p.Checkpoint}
		if !p.More {
			return ids, p.Checkpoint, calls
		}
	}
	t.Fatalf("still More after %d calls", limit)
	return nil, "", 0
}

// unique returns ids without repeats, in the order first seen.
func unique(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func TestSource_Changes_pages(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ms := func(n int) time.Time { return base.Add(time.Duration(n) * time.Millisecond) }
	tests := []struct {
		name    string
		perPage int
		at      []time.Time // creation times, in the order recorded
	}{
		{name: "distinct times", perPage: 2, at: []time.Time{ms(0), ms(10), ms(20), ms(30), ms(40)}},
		{name: "recorded out of order", perPage: 2, at: []time.Time{ms(40), ms(0), ms(30), ms(10), ms(20)}},
		{name: "equal times across a page boundary", perPage: 2, at: []time.Time{ms(0), ms(5), ms(5), ms(5), ms(9)}},
		{name: "a burst longer than a page", perPage: 2, at: []time.Time{ms(5), ms(5), ms(5), ms(5), ms(5), ms(6)}},
		{name: "everything equal", perPage: 3, at: []time.Time{ms(5), ms(5), ms(5), ms(5), ms(5), ms(5), ms(5)}},
		{name: "adjacent milliseconds", perPage: 2, at: []time.Time{ms(1), ms(2), ms(3), ms(4), ms(5), ms(6)}},
		{name: "one page", perPage: 250, at: []time.Time{ms(3), ms(1), ms(2)}},
		{name: "exact pages", perPage: 3, at: []time.Time{ms(1), ms(2), ms(3), ms(4), ms(5), ms(6)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := fake(t)
			type stored struct {
				id string
				at time.Time
			}
			var all []stored
			for i, at := range tt.at {
				d := s.PutDataDiff(propexo.DataDiff{Model: propexo.ModelLeases, ModelRecordID: fmt.Sprintf("lease-%d", i),
					EventType: propexo.DataDiffUpdate, CreatedAt: at, JobID: fmt.Sprintf("job-%d", i)})
				all = append(all, stored{id: "poll:diff:" + d.ID, at: at})
			}
			// Oldest first; ties in the order recorded, as the fake sorts.
			want := make([]string, 0, len(all))
			for _, a := range sortStable(all, func(x, y stored) bool { return x.at.Before(y.at) }) {
				want = append(want, a.id)
			}
			src := newSource(t, c, propexotest.IntegrationID, propexo.WithSourcePerPage(tt.perPage))

			ids, cp, calls := poll(t, src, event.Cursor{}, 20)
			assert.Empty(t, cmp.Diff(want, unique(ids)), "every diff once, oldest first")
			assert.LessOrEqual(t, calls, len(tt.at)+1, "progress on every page")

			// A poll later, with nothing new, lists at most the diffs of
			// the last millisecond again.
			again, cp2, _ := poll(t, src, event.Cursor{Checkpoint: cp}, 20)
			last := all[0].at
			for _, a := range all {
				if a.at.After(last) {
					last = a.at
				}
			}
			for _, id := range again {
				i := indexOf(all, func(a stored) bool { return a.id == id })
				require.GreaterOrEqual(t, i, 0)
				assert.Equal(t, last, all[i].at, "only the last millisecond is listed again")
			}

			// A diff recorded later is found from the checkpoint.
			d := s.PutDataDiff(propexo.DataDiff{Model: propexo.ModelLeases, ModelRecordID: "late", EventType: propexo.DataDiffNew,
				CreatedAt: last.Add(time.Second)})
			more, _, _ := poll(t, src, event.Cursor{Checkpoint: cp2}, 20)
			require.NotEmpty(t, more)
			assert.Equal(t, "poll:diff:"+d.ID, more[len(more)-1])
			assert.NotContains(t, more[:len(more)-1], "poll:diff:"+d.ID)
		})
	}
}

func sortStable[T any](xs []T, less func(a, b T) bool) []T {
	out := append([]T(nil), xs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && less(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func indexOf[T any](xs []T, f func(T) bool) int {
	for i, x := range xs {
		if f(x) {
			return i
		}
	}
	return -1
}

func TestSource_Changes_filters(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	old := s.PutDataDiff(propexo.DataDiff{Model: propexo.ModelUnits, ModelRecordID: "u0", EventType: propexo.DataDiffNew, CreatedAt: t0})
	mine := s.PutDataDiff(propexo.DataDiff{Model: propexo.ModelUnits, ModelRecordID: "u1", EventType: propexo.DataDiffNew, CreatedAt: t0.Add(time.Hour)})
	other := s.PutDataDiff(propexo.DataDiff{Model: propexo.ModelUnits, ModelRecordID: "u2", EventType: propexo.DataDiffNew,
		CreatedAt: t0.Add(2 * time.Hour), IntegrationID: "int-2"})

	tests := []struct {
		name        string
		integration string
		since       time.Time
		wantName    string
		want        []string
	}{
		{name: "one integration", integration: propexotest.IntegrationID, wantName: "propexo/data-diffs/" + propexotest.IntegrationID,
			want: []string{old.ID, mine.ID}},
		{name: "all integrations", wantName: "propexo/data-diffs/all", want: []string{old.ID, mine.ID, other.ID}},
		{name: "since", since: t0.Add(time.Minute), wantName: "propexo/data-diffs/all", want: []string{mine.ID, other.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newSource(t, c, tt.integration)
			assert.Equal(t, tt.wantName, src.Name())
			assert.Equal(t, propexo.Provider, src.Provider())
			ids, _, _ := poll(t, src, event.Cursor{Since: tt.since}, 5)
			var want []string
			for _, id := range tt.want {
				want = append(want, "poll:diff:"+id)
			}
			assert.Equal(t, want, ids)
		})
	}
	named := newSource(t, c, "", propexo.WithSourceAccount("acme"))
	assert.Equal(t, "propexo/data-diffs/acme", named.Name())
}

func TestNewSource_fails(t *testing.T) {
	t.Parallel()
	_, c := fake(t)
	_, err := propexo.NewSource(nil, "")
	require.Error(t, err)
	for _, n := range []int{-1, propexo.MaxPerPage + 1} {
		_, err := propexo.NewSource(c, "", propexo.WithSourcePerPage(n))
		require.Error(t, err, "per page %d", n)
	}
}

func TestSource_Changes_fails(t *testing.T) {
	t.Parallel()
	item := func(id, at string) map[string]any {
		return map[string]any{"id": id, "model": "leases", "model_record_id": "l-" + id, "event_type": "NEW",
			"data_diff": map[string]any{}, "created_at": at, "job_id": nil, "integration_id": "i", "integration_vendor": "SAMPLE1"}
	}
	list := func(items ...any) string {
		b, _ := json.Marshal(map[string]any{"meta": map[string]any{"offset": 0, "hasMore": false, "orderBy": []any{}}, "results": items})
		return string(b)
	}
	tests := []struct {
		name       string
		checkpoint string
		body       string
		want       error
	}{
		{name: "bad checkpoint", checkpoint: "yesterday"},
		{name: "negative offset", checkpoint: "2026-03-01T12:00:00Z/-1"},
		{name: "descending", body: list(item("b", "2026-03-01T12:00:01.000Z"), item("a", "2026-03-01T12:00:00.000Z"))},
		{name: "no id", body: list(item("", "2026-03-01T12:00:00.000Z")), want: event.ErrMalformed},
		{name: "bad time", body: list(item("a", "noon")), want: event.ErrMalformed},
		{name: "not an object", body: list("diff"), want: event.ErrMalformed},
		{name: "null", body: list(nil), want: event.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := fake(t)
			if tt.body != "" {
				s.Fail(http.MethodGet, "/admin/data-diffs/{$}", propexotest.Fault{Status: http.StatusOK, Body: tt.body})
			}
			src := newSource(t, c, "")
			p, err := src.Changes(t.Context(), event.Cursor{Checkpoint: tt.checkpoint})
			require.Error(t, err)
			assert.Nil(t, p)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
			assert.NotContains(t, err.Error(), "noon", "no body bytes in the error")
		})
	}
}

func TestSource_Changes_rateLimit(t *testing.T) {
	t.Parallel()
	tooMany := propexotest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"30"}}}
	tests := []struct {
		name      string
		opts      []propexo.ClientOption
		faults    []propexotest.Fault
		calls     int // calls of Changes; the last one is checked
		wantWait  time.Duration
		wantLimit bool // a *RateLimitError, else another error
	}{
		{name: "429", opts: []propexo.ClientOption{propexo.WithRetryMax(-1)}, faults: []propexotest.Fault{tooMany},
			calls: 1, wantWait: 30 * time.Second, wantLimit: true},
		{name: "closed window", opts: []propexo.ClientOption{propexo.WithRetryAfterMax(time.Second)},
			faults: []propexotest.Fault{tooMany}, calls: 2, wantLimit: true},
		{name: "500", opts: []propexo.ClientOption{propexo.WithRetryMax(-1)},
			faults: []propexotest.Fault{{Status: http.StatusInternalServerError}}, calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := fake(t, tt.opts...)
			s.Fail(http.MethodGet, "/admin/data-diffs/{$}", tt.faults...)
			src := newSource(t, c, "")
			var err error
			for range tt.calls {
				_, err = src.Changes(t.Context(), event.Cursor{})
				require.Error(t, err)
			}
			var rl *event.RateLimitError
			if !tt.wantLimit {
				assert.False(t, errors.As(err, &rl), "%v", err)
				return
			}
			require.ErrorAs(t, err, &rl)
			assert.Equal(t, propexo.Provider, rl.Provider)
			if tt.wantWait > 0 {
				assert.Equal(t, tt.wantWait, rl.RetryAfter)
				var apiErr *propexo.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
			} else {
				assert.Positive(t, rl.RetryAfter)
				var le *propexo.LimitError
				require.ErrorAs(t, err, &le)
			}
			assert.Equal(t, 1, s.Requests(http.MethodGet, "/admin/data-diffs/{$}"), "a closed window sends nothing")
		})
	}
}

func TestSource_Decode(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	require.NoError(t, s.PutRecord(propexo.ModelLeases, "lease-1", map[string]any{"status_raw": "Pending"}))
	time.Sleep(2 * time.Millisecond)
	require.NoError(t, s.PutRecord(propexo.ModelLeases, "lease-1", map[string]any{"status_raw": "Current"}))

	before := time.Now().UTC()
	src := newSource(t, c, propexotest.IntegrationID,
		propexo.WithSourceReceiverOptions(propexo.WithModelTypes(propexo.ModelLeases, "", event.BookingUpdated)))
	p, err := src.Changes(t.Context(), event.Cursor{})
	require.NoError(t, err)
	require.Len(t, p.Changes, 2)
	diffs, _, err := c.DataDiffs.List(t.Context(), &propexo.DataDiffListOptions{OrderBy: "created_at:asc"})
	require.NoError(t, err)
	require.Len(t, diffs.Items, 2)

	tests := []struct {
		name     string
		change   event.Change
		diff     *propexo.DataDiff
		wantType event.Type
		wantName string
	}{
		{name: "NEW", change: p.Changes[0], diff: diffs.Items[0], wantType: event.RecordCreated, wantName: "DATA_NEW"},
		{name: "UPDATE, type chosen by WithModelTypes", change: p.Changes[1], diff: diffs.Items[1],
			wantType: event.BookingUpdated, wantName: "DATA_UPDATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := src.Decode(tt.change.Header, tt.change.Body)
			require.NoError(t, err)
			d := tt.diff
			assert.Equal(t, propexo.Provider, e.Provider())
			assert.Equal(t, tt.wantType, e.Type())
			assert.Equal(t, tt.wantName, e.Name())
			assert.Equal(t, "poll:diff:"+d.ID, e.ID())
			assert.Equal(t, tt.change.ID, e.ID())
			assert.Equal(t, propexotest.IntegrationID, e.Account())
			assert.Equal(t, event.Subject{Kind: "lease", ID: "lease-1"}, e.Subject())
			assert.True(t, d.CreatedAt.Equal(e.Time()))
			assert.Equal(t, tt.change.Body, e.Raw())
			assert.Empty(t, cmp.Diff(d, e.Data()))
			assert.Equal(t, tt.wantName+":"+d.JobID, event.VersionOf(e))
			assert.Equal(t, event.OriginPoll, event.OriginOf(e))
			rec, ok := event.RecordOf(e)
			require.True(t, ok)
			assert.Empty(t, cmp.Diff(d, rec.Data))
			assert.False(t, rec.FetchedAt.Before(before.Truncate(time.Millisecond)), "listing time")

			// Without the header the event is the same, FetchedAt zero.
			e2, err := src.Decode(nil, tt.change.Body)
			require.NoError(t, err)
			rec2, _ := event.RecordOf(e2)
			assert.True(t, rec2.FetchedAt.IsZero())
			assert.Equal(t, e.ID(), e2.ID())
		})
	}

	for name, body := range map[string]string{
		"not JSON":        `{`,
		"array":           `[]`,
		"null":            `null`,
		"no id":           `{"model":"leases","model_record_id":"l","event_type":"NEW","created_at":"2026-03-01T12:00:00Z"}`,
		"no record":       `{"id":"d","model":"leases","event_type":"NEW","created_at":"2026-03-01T12:00:00Z"}`,
		"id is an object": `{"id":{},"model_record_id":"l"}`,
	} {
		t.Run("malformed/"+name, func(t *testing.T) {
			_, err := src.Decode(nil, []byte(body))
			require.ErrorIs(t, err, event.ErrMalformed)
		})
	}
	t.Run("unknown event_type", func(t *testing.T) {
		e, err := src.Decode(nil, []byte(`{"id":"d","model":"units","model_record_id":"u","event_type":"DELETE","created_at":"2026-03-01T12:00:00Z","job_id":"j"}`))
		require.NoError(t, err)
		assert.Equal(t, event.TypeUnknown, e.Type())
		assert.Equal(t, "DELETE", e.Name())
		assert.Equal(t, "", event.VersionOf(e))
		assert.Equal(t, event.Subject{Kind: "unit", ID: "u"}, e.Subject())
	})
}

// receiverServer starts an HTTP server that receives Propexo deliveries
// with r and keeps their events.
func receiverServer(t *testing.T, r *propexo.Receiver) (url string, events func() []event.Event) {
	t.Helper()
	var (
		mu  sync.Mutex
		got []event.Event
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		e, err := r.Receive(req.Header, body)
		if err != nil {
			http.Error(w, "refused", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		got = append(got, e)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []event.Event {
		mu.Lock()
		defer mu.Unlock()
		return append([]event.Event(nil), got...)
	}
}

// TestSource_webhookAndPoll delivers the webhook of each state of a record
// to a Receiver and polls the same state with a Source: both events report
// the same Subject and Version, and different states different versions.
func TestSource_webhookAndPoll(t *testing.T) {
	t.Parallel()
	const secret = "whsec-test-secret"
	tests := []struct {
		name  string
		model propexo.Model
		id    string
		// states are put in turn; the first is DATA_NEW, the others
		// DATA_UPDATE.
		states []map[string]any
	}{
		{name: "lease created then updated twice", model: propexo.ModelLeases, id: "lease-1", states: []map[string]any{
			{"status_raw": "Pending"}, {"status_raw": "Current"}, {"status_raw": "Past"},
		}},
		{name: "resident created", model: propexo.ModelResidents, id: "res-1", states: []map[string]any{{"first_name": "Mary"}}},
		{name: "service request, same fields put again", model: propexo.ModelServiceRequests, id: "sr-1", states: []map[string]any{
			{"status": "open"}, {"status": "open"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := fake(t)
			v, err := propexo.NewVerifier(secret)
			require.NoError(t, err)
			r, err := propexo.NewReceiver(v)
			require.NoError(t, err)
			url, received := receiverServer(t, r)
			_, _, err = c.Webhooks.Create(t.Context(), &propexo.SubscriptionParams{URL: url, Enabled: true, Secret: secret,
				Events: []propexo.Trigger{propexo.TriggerDataNew, propexo.TriggerDataUpdate}, Model: tt.model})
			require.NoError(t, err)

			for i, st := range tt.states {
				require.NoError(t, s.PutRecord(tt.model, tt.id, st))
				trigger := propexo.TriggerDataUpdate
				if i == 0 {
					trigger = propexo.TriggerDataNew
				}
				n, err := s.Deliver(t.Context(), trigger, tt.model, tt.id)
				require.NoError(t, err)
				require.Equal(t, 1, n)
			}
			webhooks := received()
			require.Len(t, webhooks, len(tt.states))

			src := newSource(t, c, "")
			p, err := src.Changes(t.Context(), event.Cursor{})
			require.NoError(t, err)
			require.Len(t, p.Changes, len(tt.states))
			versions := map[string]bool{}
			for i, ch := range p.Changes {
				polled, err := src.Decode(ch.Header, ch.Body)
				require.NoError(t, err)
				hook := webhooks[i]
				assert.Equal(t, hook.Subject(), polled.Subject(), "state %d", i)
				assert.Equal(t, hook.Name(), polled.Name(), "state %d", i)
				assert.Equal(t, hook.Type(), polled.Type(), "state %d", i)
				assert.Equal(t, hook.Account(), polled.Account(), "state %d", i)
				require.NotEmpty(t, event.VersionOf(hook), "state %d", i)
				assert.Equal(t, event.VersionOf(hook), event.VersionOf(polled), "state %d", i)
				assert.Equal(t, event.OriginWebhook, event.OriginOf(hook))
				assert.Equal(t, event.OriginPoll, event.OriginOf(polled))
				assert.NotEqual(t, hook.ID(), polled.ID(), "ids differ; the version keys them together")
				versions[event.VersionOf(polled)] = true
			}
			assert.Len(t, versions, len(tt.states), "each state its own version")
		})
	}
}

func TestReceiver_version(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sample  string
		changes map[string]any
		want    string
	}{
		{name: "DATA_NEW", sample: "DATA_NEW", changes: map[string]any{"data.job_id": "job-1"}, want: "DATA_NEW:job-1"},
		{name: "DATA_UPDATE", sample: "DATA_UPDATE", changes: map[string]any{"data.job_id": "job-1"}, want: "DATA_UPDATE:job-1"},
		{name: "DATA_UPDATE without job", sample: "DATA_UPDATE", changes: map[string]any{"data.job_id": nil}, want: ""},
		{name: "JOB_FAILURE", sample: "JOB_FAILURE", want: ""},
		{name: "SYNC_COMPLETE", sample: "SYNC_COMPLETE", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := received(t, tt.sample, tt.changes)
			assert.Equal(t, tt.want, event.VersionOf(e))
			assert.Equal(t, event.OriginWebhook, event.OriginOf(e))
		})
	}
}

// TestHydrator_Hydrate_polled hydrates a Source's event: the record of the
// diff's model replaces the diff as RecordOf.
func TestHydrator_Hydrate_polled(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	require.NoError(t, s.PutRecord(propexo.ModelUnitDetails, "ud-1", map[string]any{"floor": 3}))
	src := newSource(t, c, "")
	p, err := src.Changes(t.Context(), event.Cursor{})
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	e, err := src.Decode(p.Changes[0].Header, p.Changes[0].Body)
	require.NoError(t, err)
	he, err := propexo.NewHydrator(c).Hydrate(context.Background(), e)
	require.NoError(t, err)
	rec, ok := event.RecordOf(he)
	require.True(t, ok)
	r, ok := rec.Data.(*propexo.Record)
	require.True(t, ok, "%T", rec.Data)
	assert.Equal(t, "ud-1", r.ID)
	assert.Equal(t, propexo.ModelUnitDetails, r.Model)
	assert.Equal(t, event.OriginPoll, event.OriginOf(he))
	assert.Equal(t, event.VersionOf(e), event.VersionOf(he))
}
