package event_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
)

func TestNew(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	b := &event.Booking{ID: "b1", Status: event.StatusConfirmed}
	data := struct{ X int }{1}
	e := event.New(event.Fields{
		Provider: "channex", Name: "booking_new", Type: event.BookingCreated, ID: "rev-1",
		Account: "prop-1", Subject: event.Subject{Kind: "booking", ID: "b1"}, Time: at,
		Raw: []byte(`{}`), Data: data, Booking: b,
	})
	assert.Equal(t, event.Provider("channex"), e.Provider())
	assert.Equal(t, "booking_new", e.Name())
	assert.Equal(t, event.BookingCreated, e.Type())
	assert.Equal(t, "rev-1", e.ID())
	assert.Equal(t, "prop-1", e.Account())
	assert.Equal(t, "booking/b1", e.Subject().String())
	assert.Equal(t, at, e.Time())
	assert.Equal(t, []byte(`{}`), e.Raw())
	assert.Equal(t, data, e.Data())
	assert.Equal(t, "channex booking_new (booking.created) booking/b1", e.(interface{ String() string }).String())

	got, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, *b, got)
	_, ok = event.MessageOf(e)
	assert.False(t, ok)

	assert.Equal(t, event.TypeUnknown, event.New(event.Fields{}).Type())
}

func TestBookingOf_MessageOf_otherEvents(t *testing.T) {
	t.Parallel()
	_, ok := event.BookingOf(nil)
	assert.False(t, ok)
	_, ok = event.MessageOf(nil)
	assert.False(t, ok)
	m := &event.Message{ID: "m1", Body: "hi", Incoming: true}
	got, ok := event.MessageOf(eventtest.New(event.Fields{Type: event.MessageReceived, Message: m}))
	require.True(t, ok)
	assert.Equal(t, *m, got)
}

func TestSubject_String(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "", event.Subject{}.String())
	assert.True(t, event.Subject{}.IsZero())
	assert.Equal(t, "lease", event.Subject{Kind: "lease"}.String())
	assert.Equal(t, "guest/7", event.Subject{Kind: "guest", ID: "7"}.String())
}

func TestHashID(t *testing.T) {
	t.Parallel()
	a := event.HashID([]byte(`{"a":1}`))
	assert.Equal(t, a, event.HashID([]byte(`{"a":1}`)), "stable")
	assert.NotEqual(t, a, event.HashID([]byte(`{"a":2}`)))
	// Known answer: SHA-256 of the empty string.
	assert.Equal(t, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", event.HashID(nil))
}

// TestHashID_allocations: the id is built in place, in the one allocation
// of the string returned.
func TestHashID_allocations(t *testing.T) {
	body := []byte(`{"trigger":"DATA_NEW"}`)
	assert.Equal(t, 1.0, testing.AllocsPerRun(100, func() { _ = event.HashID(body) }))
}

func TestTypes(t *testing.T) {
	t.Parallel()
	ts := event.Types()
	assert.Len(t, ts, 29)
	assert.IsIncreasing(t, ts)
	for _, ty := range ts {
		assert.True(t, ty.Known(), ty)
	}
	assert.False(t, event.Type("booking.exploded").Known())
}

func TestNormalizeChannel(t *testing.T) {
	t.Parallel()
	tests := map[string]event.Channel{
		"Airbnb": event.ChannelAirbnb, "airbnbOfficial": event.ChannelAirbnb, "AirBnB2": event.ChannelAirbnb,
		"BookingCom": event.ChannelBookingCom, "Booking.com": event.ChannelBookingCom, "booking_com": event.ChannelBookingCom,
		"VRBO": event.ChannelVrbo, "HomeAway": event.ChannelVrbo, "vrboical": event.ChannelVrbo,
		"Expedia": event.ChannelExpedia, "Google": event.ChannelGoogle, "TripAdvisor": event.ChannelTripAdvisor,
		"direct": event.ChannelDirect, "bookingengine": event.ChannelDirect, "WordPress": event.ChannelDirect, "Manual": event.ChannelDirect, "Website": event.ChannelDirect,
		"  Agoda ": "agoda", "": "",
	}
	for in, want := range tests {
		assert.Equal(t, want, event.NormalizeChannel(in), in)
	}
}

// TestNormalizeChannel_allocations: a well-known spelling, or a name already
// in lower case, is normalized without allocating.
func TestNormalizeChannel_allocations(t *testing.T) {
	for _, in := range []string{"Airbnb", "BDC", "Booking.com", "VRBO", " Manual ", "agoda"} {
		assert.Zero(t, testing.AllocsPerRun(100, func() { _ = event.NormalizeChannel(in) }), in)
	}
}

func TestMoney_String(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "830.00 EUR", event.Money{Amount: "830.00", Currency: "EUR"}.String())
	assert.Equal(t, "830.00", event.Money{Amount: "830.00"}.String())
	assert.Equal(t, "", event.Money{Currency: "EUR"}.String())
	assert.True(t, event.Money{Currency: "EUR"}.IsZero())
}
