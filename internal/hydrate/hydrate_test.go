package hydrate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
)

func TestFetch(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	delivered := event.New(event.Fields{
		Provider: "p", Type: event.BookingUpdated, ID: "d1",
		Subject: event.Subject{Kind: event.KindBooking, ID: "7"},
		Booking: &event.Booking{ID: "7", Status: event.StatusConfirmed},
	})
	current := &event.Booking{ID: "7", Status: event.StatusCancelled}
	boom := errors.New("boom")

	tests := []struct {
		name       string
		rec        event.Record
		err        error
		want       event.Record
		wantStatus event.BookingStatus
		wantErr    error
		retryAfter time.Duration
	}{
		{
			name:       "fetched",
			rec:        event.Record{Data: "raw", Booking: current},
			want:       event.Record{Data: "raw", Booking: current, FetchedAt: at},
			wantStatus: event.StatusCancelled,
		},
		{
			name:       "fetch time kept",
			rec:        event.Record{Booking: current, FetchedAt: at.Add(time.Second)},
			want:       event.Record{Booking: current, FetchedAt: at.Add(time.Second)},
			wantStatus: event.StatusCancelled,
		},
		{
			name:       "404 is deleted",
			err:        fmt.Errorf("wrapped: %w", &api.Error{StatusCode: http.StatusNotFound}),
			want:       event.Record{Deleted: true, FetchedAt: at},
			wantStatus: event.StatusConfirmed,
		},
		{
			name:       "410 is deleted",
			err:        &api.Error{StatusCode: http.StatusGone},
			want:       event.Record{Deleted: true, FetchedAt: at},
			wantStatus: event.StatusConfirmed,
		},
		{
			name:       "429",
			err:        &api.Error{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"30"}}},
			retryAfter: 30 * time.Second,
		},
		{
			name:       "closed window",
			err:        &api.LimitError{Op: "GET /x", Wait: time.Minute},
			retryAfter: time.Minute,
		},
		{name: "500", err: &api.Error{StatusCode: 500}, wantErr: &api.Error{StatusCode: 500}},
		{name: "other", err: boom, wantErr: boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Fetch(t.Context(), "p", delivered, now, func(context.Context) (event.Record, error) {
				return tt.rec, tt.err
			})
			switch {
			case tt.retryAfter > 0:
				var rl *event.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, event.Provider("p"), rl.Provider)
				assert.Equal(t, tt.retryAfter, rl.RetryAfter)
				assert.ErrorIs(t, err, tt.err)
				return
			case tt.wantErr != nil:
				require.Error(t, err)
				assert.Equal(t, tt.wantErr.Error(), err.Error())
				var rl *event.RateLimitError
				assert.False(t, errors.As(err, &rl))
				return
			}
			require.NoError(t, err)
			rec, ok := event.RecordOf(got)
			require.True(t, ok)
			assert.Empty(t, cmp.Diff(tt.want, rec))
			b, ok := event.BookingOf(got)
			require.True(t, ok)
			assert.Equal(t, tt.wantStatus, b.Status)
			assert.Equal(t, "d1", got.ID())
		})
	}
}
