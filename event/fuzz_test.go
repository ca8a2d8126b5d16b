package event_test

import (
	"encoding/json"
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
