package event_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/internal/catalog"
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
	tests := map[string]struct {
		f    func(m *event.Mux)
		want string
	}{
		"nil On":      {func(m *event.Mux) { m.On(event.Ping, nil) }, `event: nil handler for type "ping"`},
		"nil func On": {func(m *event.Mux) { m.On(event.Ping, nilFunc) }, `event: nil handler for type "ping"`},
		"nil OnFunc":  {func(m *event.Mux) { m.OnFunc(event.Ping, nil) }, `event: nil handler for type "ping"`},
		"duplicate On": {
			func(m *event.Mux) { m.On(event.Ping, ok); m.On(event.Ping, ok) },
			`event: multiple handlers for type "ping"`,
		},
		"duplicate OnFunc after On": {
			func(m *event.Mux) { m.On(event.Ping, ok); m.OnFunc(event.Ping, ok) },
			`event: multiple handlers for type "ping"`,
		},
		"nil OnName": {
			func(m *event.Mux) { m.OnName("hostaway", "test", nil) },
			`event: nil handler for hostaway event "test"`,
		},
		"duplicate OnName": {
			func(m *event.Mux) { m.OnName("hostaway", "test", ok); m.OnName("hostaway", "test", ok) },
			`event: multiple handlers for hostaway event "test"`,
		},
		"nil Default":    {func(m *event.Mux) { m.Default(nil) }, "event: nil default handler"},
		"second Default": {func(m *event.Mux) { m.Default(ok); m.Default(ok) }, "event: multiple default handlers"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.PanicsWithValue(t, tc.want, func() { tc.f(event.NewMux()) })
		})
	}
}

// The typos of the hardening issue, and their kin: each registration can
// never match a delivery, so it panics with a message that names the
// problem and, where it can, the fix.
func TestMux_On_unknownType(t *testing.T) {
	t.Parallel()
	const declare = "; declare a type of your own with event.WithTypes"
	tests := []struct {
		name string
		t    event.Type
		want string
	}{
		{
			name: "typo", t: "booking.canceled",
			want: `event: unknown type "booking.canceled" (did you mean "booking.cancelled"?)` + declare,
		},
		{
			name: "case", t: "Booking.Created",
			want: `event: unknown type "Booking.Created" (did you mean "booking.created"?)` + declare,
		},
		{
			name: "provider event name", t: "reservation.created",
			want: `event: unknown type "reservation.created" ("reservation.created" is a hostaway event name: route it with OnName)` + declare,
		},
		{
			name: "same prefix", t: "booking.cancel",
			want: `event: unknown type "booking.cancel" (known types beginning "booking.": booking.cancelled, booking.created, booking.deleted, booking.updated)` + declare,
		},
		{
			name: "nothing alike", t: "invoice.paid",
			want: `event: unknown type "invoice.paid" (known: access.revoked, availability.updated, booking.cancelled, booking.created, ` +
				`booking.deleted, booking.updated, channel.connected, channel.disconnected, guest.created, guest.deleted, guest.updated, ` +
				`inquiry.created, inquiry.updated, message.received, payment.created, payment.deleted, payment.updated, ping, ` +
				`property.created, property.deleted, property.updated, record.created, record.deleted, record.updated, review.created, ` +
				`review.updated, sync.completed, sync.failed, unknown)` + declare,
		},
	}
	ok := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.PanicsWithValue(t, tc.want, func() { event.NewMux().On(tc.t, ok) })
			var zero event.Mux // the zero Mux checks too
			assert.PanicsWithValue(t, tc.want, func() { zero.On(tc.t, ok) })
			assert.PanicsWithValue(t, tc.want, func() { event.NewMux().OnFunc(tc.t, ok) })
		})
	}
}

func TestMux_OnName_unknownName(t *testing.T) {
	t.Parallel()
	const (
		declareProvider = "; for a provider of your own, declare its event names with event.WithEventNames"
		declareName     = "; declare a name it sends beyond these with event.WithEventNames"
	)
	tests := []struct {
		name     string
		provider event.Provider
		event    string
		want     string
	}{
		{
			name: "provider typo", provider: "hostway", event: "reservation.created",
			want: `event: unknown provider "hostway" (did you mean "hostaway"?)` + declareProvider,
		},
		{
			name: "provider case", provider: "OwnerRez", event: "webhook_test",
			want: `event: unknown provider "OwnerRez" (did you mean "ownerrez"?)` + declareProvider,
		},
		{
			name: "provider of your own, undeclared", provider: "acme", event: "stay.booked",
			want: `event: unknown provider "acme" (known: bookingsync, channex, hostaway, ownerrez, propexo)` + declareProvider,
		},
		{
			name: "name of no event", provider: "hostaway", event: "reservation.canceled",
			want: `event: unknown hostaway event "reservation.canceled" (known names beginning "reservation.": reservation.created, reservation.updated)` + declareName,
		},
		{
			name: "ownerrez action of no event", provider: "ownerrez", event: "booking.entity_cancel",
			want: `event: unknown ownerrez event "booking.entity_cancel" (known names beginning "booking.": booking.entity_create, booking.entity_delete, booking.entity_update)` + declareName,
		},
		{
			name: "ownerrez entity type of no event", provider: "ownerrez", event: "bookings.entity_create",
			want: `event: unknown ownerrez event "bookings.entity_create" (did you mean "booking.entity_create"?)` + declareName,
		},
		{
			name: "name typo", provider: "bookingsync", event: "rental_update",
			want: `event: unknown bookingsync event "rental_update" (did you mean "rental_updated"?)` + declareName,
		},
		{
			name: "name case", provider: "propexo", event: "data_new",
			want: `event: unknown propexo event "data_new" (did you mean "DATA_NEW"?)` + declareName,
		},
		{
			name: "another provider's name", provider: "channex", event: "booking_cancelled",
			want: `event: unknown channex event "booking_cancelled" (known names beginning "booking_": booking_cancellation, ` +
				`booking_modification, booking_new, booking_unmapped_rate, booking_unmapped_room)` + declareName,
		},
		{
			name: "a normalized type", provider: "hostaway", event: "booking.cancelled",
			want: `event: unknown hostaway event "booking.cancelled" ("booking.cancelled" is a normalized type: route it with On)` + declareName,
		},
		{
			name: "nothing alike", provider: "hostaway", event: "listing.updated",
			want: `event: unknown hostaway event "listing.updated" (known: message.received, reservation.created, reservation.updated, test)` + declareName,
		},
	}
	ok := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.PanicsWithValue(t, tc.want, func() { event.NewMux().OnName(tc.provider, tc.event, ok) })
			var zero event.Mux // the zero Mux checks too
			assert.PanicsWithValue(t, tc.want, func() { zero.OnName(tc.provider, tc.event, ok) })
		})
	}
}

// TestMux_acceptsEverythingKnown walks every normalized type and every event
// name of every built-in provider (internal/registry's tests check that the
// catalog equals each provider's EventNames) on one Mux.
func TestMux_acceptsEverythingKnown(t *testing.T) {
	t.Parallel()
	var m event.Mux
	for _, ty := range event.Types() {
		var got event.Type
		require.NotPanics(t, func() {
			m.OnFunc(ty, func(_ context.Context, e event.Event) error { got = e.Type(); return nil })
		}, ty)
		require.NoError(t, m.HandleEvent(context.Background(), eventtest.New(event.Fields{Provider: "x", Type: ty})))
		assert.Equal(t, ty, got)
	}
	for _, p := range catalog.Providers() {
		names, _ := catalog.Names(p)
		for _, name := range names {
			var got string
			require.NotPanics(t, func() { m.OnName(event.Provider(p), name, named(name, &got)) }, p+" "+name)
			ev := eventtest.New(event.Fields{Provider: event.Provider(p), Name: name, Type: event.Ping})
			require.NoError(t, m.HandleEvent(context.Background(), ev))
			assert.Equal(t, name, got, p)
		}
	}
}

// TestNewMux_declarations is the escape: types and names that no built-in
// package knows register once declared, on that Mux only.
func TestNewMux_declarations(t *testing.T) {
	t.Parallel()
	const invoicePaid event.Type = "invoice.paid"
	names := []string{"stay.booked", "stay.cancelled"}
	acme := event.WithEventNames("acme", names...)
	names[1] = "changed after" // the option keeps its own copy
	m := event.NewMux(
		nil, // ignored
		event.WithTypes(invoicePaid),
		event.WithTypes(event.Ping), // a known type: no change
		acme,
		event.WithEventNames("acme", "stay.changed"), // declarations add up
		event.WithEventNames("hostaway", "reservation.cancelled"),
		event.WithEventNames("quiet"),
	)

	var got string
	require.NotPanics(t, func() {
		m.On(invoicePaid, named("invoice", &got))
		m.On(event.Ping, named("ping", &got))
		m.OnName("acme", "stay.booked", named("acme booked", &got))
		m.OnName("acme", "stay.cancelled", named("acme cancelled", &got))
		m.OnName("acme", "stay.changed", named("acme changed", &got))
		m.OnName("hostaway", "reservation.cancelled", named("hostaway cancelled", &got))
		m.OnName("hostaway", "reservation.created", named("hostaway created", &got)) // built-in names still work
	})

	tests := []struct {
		ev   event.Fields
		want string
	}{
		{event.Fields{Provider: "acme", Name: "stay.paid", Type: invoicePaid}, "invoice"},
		{event.Fields{Provider: "acme", Name: "stay.booked", Type: event.BookingCreated}, "acme booked"},
		{event.Fields{Provider: "acme", Name: "stay.cancelled", Type: event.BookingCancelled}, "acme cancelled"},
		{event.Fields{Provider: "acme", Name: "stay.changed", Type: event.BookingUpdated}, "acme changed"},
		{event.Fields{Provider: "hostaway", Name: "reservation.cancelled", Type: event.BookingCancelled}, "hostaway cancelled"},
		{event.Fields{Provider: "hostaway", Name: "reservation.created", Type: event.BookingCreated}, "hostaway created"},
	}
	for _, tc := range tests {
		got = ""
		require.NoError(t, m.HandleEvent(context.Background(), eventtest.New(tc.ev)))
		assert.Equal(t, tc.want, got, tc.ev.Name)
	}

	ok := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	assert.Panics(t, func() { m.OnName("acme", "changed after", ok) })
	assert.PanicsWithValue(t,
		`event: unknown acme event "stay.moved" (known names beginning "stay.": stay.booked, stay.cancelled, stay.changed)`+
			`; declare a name it sends beyond these with event.WithEventNames`,
		func() { m.OnName("acme", "stay.moved", ok) })
	assert.PanicsWithValue(t,
		`event: unknown quiet event "hello" (none is known); declare a name it sends beyond these with event.WithEventNames`,
		func() { m.OnName("quiet", "hello", ok) })
	assert.PanicsWithValue(t,
		`event: unknown provider "acmee" (did you mean "acme"?); for a provider of your own, declare its event names with event.WithEventNames`,
		func() { m.OnName("acmee", "stay.booked", ok) })
	assert.PanicsWithValue(t,
		`event: unknown type "invoice.payed" (did you mean "invoice.paid"?); declare a type of your own with event.WithTypes`,
		func() { m.On("invoice.payed", ok) })

	// Declarations belong to their Mux: nothing is global.
	assert.Panics(t, func() { event.NewMux().On(invoicePaid, ok) })
	assert.Panics(t, func() { event.NewMux().OnName("acme", "stay.booked", ok) })
	assert.Panics(t, func() { event.NewMux().OnName("hostaway", "reservation.cancelled", ok) })
}

func TestMux_OnFunc(t *testing.T) {
	t.Parallel()
	m := event.NewMux()
	var got event.Type
	m.OnFunc(event.BookingCreated, func(_ context.Context, e event.Event) error { got = e.Type(); return nil })
	require.NoError(t, m.HandleEvent(context.Background(), eventtest.New(event.Fields{Type: event.BookingCreated})))
	assert.Equal(t, event.BookingCreated, got)
}
