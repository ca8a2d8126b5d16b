package event_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
)

func named(tag string, got *string) event.Handler {
	return event.HandlerFunc(func(context.Context, event.Event) error {
		*got = tag
		return nil
	})
}

func TestMux_HandleEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(m *event.Mux, got *string)
		ev    event.Event
		want  string
	}{
		{
			name: "OnName beats On and Default",
			setup: func(m *event.Mux, got *string) {
				m.On(event.BookingUpdated, named("type", got))
				m.OnName("bookingsync", "booking_updated", named("name", got))
				m.Default(named("default", got))
			},
			ev:   eventtest.New(event.Fields{Provider: "bookingsync", Name: "booking_updated", Type: event.BookingUpdated}),
			want: "name",
		},
		{
			name: "On beats Default",
			setup: func(m *event.Mux, got *string) {
				m.On(event.BookingUpdated, named("type", got))
				m.OnName("bookingsync", "booking_updated", named("name", got))
				m.Default(named("default", got))
			},
			ev:   eventtest.New(event.Fields{Provider: "channex", Name: "booking_modification", Type: event.BookingUpdated}),
			want: "type",
		},
		{
			name: "OnName is per provider",
			setup: func(m *event.Mux, got *string) {
				m.OnName("bookingsync", "booking_updated", named("name", got))
				m.Default(named("default", got))
			},
			ev:   eventtest.New(event.Fields{Provider: "other", Name: "booking_updated", Type: event.BookingUpdated}),
			want: "default",
		},
		{
			name:  "nothing matches: acknowledged",
			setup: func(m *event.Mux, got *string) { m.On(event.Ping, named("ping", got)) },
			ev:    eventtest.New(event.Fields{Provider: "x", Type: event.TypeUnknown}),
			want:  "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got string
			m := event.NewMux()
			tc.setup(m, &got)
			require.NoError(t, m.HandleEvent(context.Background(), tc.ev))
			assert.Equal(t, tc.want, got)
			_, found := m.Handler(tc.ev)
			assert.Equal(t, tc.want != "", found)
		})
	}
}

func TestMux_HandleEvent_returnsHandlerError(t *testing.T) {
	t.Parallel()
	want := errors.New("failed")
	var m event.Mux // the zero Mux is usable
	m.On(event.Ping, event.HandlerFunc(func(context.Context, event.Event) error { return want }))
	require.ErrorIs(t, m.HandleEvent(context.Background(), eventtest.New(event.Fields{Type: event.Ping})), want)
}

func TestMux_registrationPanics(t *testing.T) {
	t.Parallel()
	ok := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	var nilFunc event.HandlerFunc
	tests := map[string]func(m *event.Mux){
		"nil On":           func(m *event.Mux) { m.On(event.Ping, nil) },
		"nil func On":      func(m *event.Mux) { m.On(event.Ping, nilFunc) },
		"duplicate On":     func(m *event.Mux) { m.On(event.Ping, ok); m.On(event.Ping, ok) },
		"nil OnName":       func(m *event.Mux) { m.OnName("p", "n", nil) },
		"duplicate OnName": func(m *event.Mux) { m.OnName("p", "n", ok); m.OnName("p", "n", ok) },
		"nil Default":      func(m *event.Mux) { m.Default(nil) },
		"second Default":   func(m *event.Mux) { m.Default(ok); m.Default(ok) },
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Panics(t, func() { f(event.NewMux()) })
		})
	}
}
