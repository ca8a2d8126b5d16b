package event_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
)

// fakeHydrator answers every event of its provider with fn.
type fakeHydrator struct {
	p     event.Provider
	fn    func(e event.Event) (event.Event, error)
	calls int
}

func (h *fakeHydrator) Provider() event.Provider { return h.p }
func (h *fakeHydrator) Hydrate(_ context.Context, e event.Event) (event.Event, error) {
	h.calls++
	return h.fn(e)
}

func TestHydrate(t *testing.T) {
	delivered := event.New(event.Fields{
		Provider: "ownerrez", Type: event.BookingUpdated, ID: "d1", Raw: []byte(`{"thin":true}`), Data: "typed",
		Subject: event.Subject{Kind: event.KindBooking, ID: "7"},
	})
	other := event.New(event.Fields{Provider: "channex", ID: "c1", Booking: &event.Booking{ID: "c"}})
	current := event.Booking{ID: "7", Status: event.StatusCancelled}
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	limited := &event.RateLimitError{Provider: "ownerrez", RetryAfter: time.Minute, Err: errors.New("429")}

	tests := []struct {
		name     string
		e        event.Event
		fn       func(e event.Event) (event.Event, error)
		called   bool
		hydrated bool
		want     event.Booking
		wantErr  error
	}{
		{
			name: "fetched",
			e:    delivered,
			fn: func(e event.Event) (event.Event, error) {
				return event.WithRecord(e, event.Record{Data: "rec", Booking: &current, FetchedAt: at}), nil
			},
			called: true, hydrated: true, want: current,
		},
		{
			name:   "nothing to fetch",
			e:      delivered,
			fn:     func(e event.Event) (event.Event, error) { return e, nil },
			called: true,
		},
		{
			name:   "nil event from hydrator",
			e:      delivered,
			fn:     func(event.Event) (event.Event, error) { return nil, nil },
			called: true,
		},
		{
			name:   "no hydrator for provider",
			e:      other,
			called: true, want: event.Booking{ID: "c"},
		},
		{
			name:    "rate limited",
			e:       delivered,
			fn:      func(event.Event) (event.Event, error) { return nil, limited },
			wantErr: limited,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hy := &fakeHydrator{p: "ownerrez", fn: tt.fn}
			var got event.Event
			h := event.Hydrate(event.HandlerFunc(func(_ context.Context, e event.Event) error {
				got = e
				return nil
			}), nil, hy)
			err := h.HandleEvent(t.Context(), tt.e)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				var rl *event.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, time.Minute, rl.RetryAfter)
				var he *event.HydrateError
				require.ErrorAs(t, err, &he)
				assert.Equal(t, "d1", he.EventID)
				assert.Equal(t, `event: hydrate ownerrez booking/7 (event "d1"): event: ownerrez: rate limited, retry after 1m0s: 429`, err.Error())
				assert.Nil(t, got, "handler called after a failed fetch")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.called, got != nil)
			assert.Equal(t, tt.e.ID(), got.ID())
			assert.Equal(t, tt.e.Raw(), got.Raw())
			assert.Equal(t, tt.e.Data(), got.Data())
			rec, ok := event.RecordOf(got)
			assert.Equal(t, tt.hydrated, ok)
			if ok {
				assert.Equal(t, at, rec.FetchedAt)
				assert.Equal(t, "rec", rec.Data)
			}
			b, _ := event.BookingOf(got)
			assert.Equal(t, tt.want, b)
		})
	}
}

func TestWithRecord(t *testing.T) {
	delivered := event.New(event.Fields{
		Provider: "p", ID: "1",
		Booking: &event.Booking{ID: "b", Status: event.StatusConfirmed},
		Message: &event.Message{ID: "m", Body: "hi"},
	})
	t.Run("deleted keeps what the delivery carried", func(t *testing.T) {
		e := event.WithRecord(delivered, event.Record{Deleted: true})
		rec, ok := event.RecordOf(e)
		require.True(t, ok)
		assert.True(t, rec.Deleted)
		b, ok := event.BookingOf(e)
		require.True(t, ok)
		assert.Equal(t, event.StatusConfirmed, b.Status)
		m, ok := event.MessageOf(e)
		require.True(t, ok)
		assert.Equal(t, "hi", m.Body)
	})
	t.Run("record replaces", func(t *testing.T) {
		e := event.WithRecord(delivered, event.Record{Message: &event.Message{ID: "m", Body: "edited"}})
		m, _ := event.MessageOf(e)
		assert.Equal(t, "edited", m.Body)
		b, _ := event.BookingOf(e)
		assert.Equal(t, "b", b.ID, "the delivery's booking stays")
	})
	t.Run("hydrating twice keeps one layer", func(t *testing.T) {
		once := event.WithRecord(delivered, event.Record{Data: 1})
		twice := event.WithRecord(once, event.Record{Data: 2})
		rec, _ := event.RecordOf(twice)
		assert.Equal(t, 2, rec.Data)
		u, ok := twice.(interface{ Unwrap() event.Event })
		require.True(t, ok)
		assert.Same(t, delivered, u.Unwrap())
	})
	t.Run("not hydrated", func(t *testing.T) {
		_, ok := event.RecordOf(delivered)
		assert.False(t, ok)
	})
}

func TestRateLimitError(t *testing.T) {
	cause := errors.New("cause")
	assert.Equal(t, "event: hostaway: rate limited", (&event.RateLimitError{Provider: "hostaway"}).Error())
	e := &event.RateLimitError{Provider: "hostaway", RetryAfter: 2 * time.Second, Err: cause}
	assert.Equal(t, "event: hostaway: rate limited, retry after 2s: cause", e.Error())
	assert.ErrorIs(t, e, cause)
}
