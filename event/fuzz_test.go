package event_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
)

// FuzzParseDate checks that ParseDate never panics, and that a date it
// accepts prints back to exactly its input and survives a JSON round trip.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-07-14", "2024-02-29", "0000-00-00", "2025-13-01", "", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := event.ParseDate(s)
		if err != nil {
			require.ErrorIs(t, err, event.ErrInvalidDate)
			return
		}
		require.Equal(t, s, d.String())
		b, err := json.Marshal(d)
		require.NoError(t, err)
		var back event.Date
		require.NoError(t, json.Unmarshal(b, &back))
		require.Equal(t, d, back)
	})
}

// FuzzNormalizeChannel: NormalizeChannel, which lowers and squeezes ASCII
// names on the stack, agrees with its plain definition, referenceChannel,
// for any name, ASCII or not.
func FuzzNormalizeChannel(f *testing.F) {
	for _, s := range []string{"Airbnb", "Booking.com", " BDC ", "VRBO", "Agoda", "agoda", "Ａｉｒｂｎｂ", "AİRBNB", "airbnb\u212a", "", "-", strings.Repeat("Z", 40), "KAYAK", "\xffAirbnb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		require.Equal(t, referenceChannel(name), event.NormalizeChannel(name), "%q", name)
	})
}

// referenceChannel is NormalizeChannel as first written: strings.ToLower of
// the trimmed name, matched without separators.
func referenceChannel(name string) event.Channel {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return ""
	}
	key := strings.NewReplacer(" ", "", "_", "", "-", "", ".", "").Replace(n)
	switch {
	case strings.HasPrefix(key, "airbnb"):
		return event.ChannelAirbnb
	case strings.HasPrefix(key, "bookingcom"), key == "booking", key == "bdc":
		return event.ChannelBookingCom
	case strings.HasPrefix(key, "vrbo"), strings.HasPrefix(key, "homeaway"):
		return event.ChannelVrbo
	case strings.HasPrefix(key, "expedia"):
		return event.ChannelExpedia
	case strings.HasPrefix(key, "google"):
		return event.ChannelGoogle
	case strings.HasPrefix(key, "tripadvisor"):
		return event.ChannelTripAdvisor
	case slices.Contains([]string{"direct", "manual", "website", "directbooking", "owner", "ownerrez", "hostaway",
		"bookingsync", "smily", "channex", "api", "widget", "bookingengine", "wordpress", "ownerwebsite"}, key):
		return event.ChannelDirect
	}
	return event.Channel(n)
}
