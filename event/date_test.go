package event_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    event.Date
		wantErr bool
	}{
		{"2026-07-14", event.Date{Year: 2026, Month: time.July, Day: 14}, false},
		{"2024-02-29", event.Date{Year: 2024, Month: time.February, Day: 29}, false},
		{"2025-02-29", event.Date{}, true},
		{"2026-7-14", event.Date{}, true},
		{"2026-07-14T00:00:00Z", event.Date{}, true},
		{"", event.Date{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := event.ParseDate(tc.in)
			if tc.wantErr {
				require.ErrorIs(t, err, event.ErrInvalidDate)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.in, got.String())
		})
	}
}

func TestDate_JSONRoundTrip(t *testing.T) {
	t.Parallel()
	type stay struct {
		Arrival   event.Date `json:"arrival"`
		Departure event.Date `json:"departure"`
	}
	in := `{"arrival":"2026-12-30","departure":null}`
	var s stay
	require.NoError(t, json.Unmarshal([]byte(in), &s))
	assert.Equal(t, event.Date{Year: 2026, Month: time.December, Day: 30}, s.Arrival)
	assert.True(t, s.Departure.IsZero())
	out, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out))

	require.NoError(t, json.Unmarshal([]byte(`{"arrival":""}`), &s))
	assert.True(t, s.Arrival.IsZero())
	require.NoError(t, json.Unmarshal([]byte(`{"arrival":"0000-00-00"}`), &s))
	assert.True(t, s.Arrival.IsZero(), "MySQL's no-date is the zero Date")
	require.ErrorIs(t, json.Unmarshal([]byte(`{"arrival":20261230}`), &s), event.ErrInvalidDate)
	require.ErrorIs(t, json.Unmarshal([]byte(`{"arrival":"30/12/2026"}`), &s), event.ErrInvalidDate)

	// As a map key and in text encodings.
	m := map[event.Date]int{{Year: 2026, Month: 1, Day: 2}: 1}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"2026-01-02":1}`, string(b))
}

func TestDate_arithmetic(t *testing.T) {
	t.Parallel()
	a := event.Date{Year: 2026, Month: time.December, Day: 30}
	d := event.Date{Year: 2027, Month: time.January, Day: 3}
	assert.True(t, a.Before(d))
	assert.False(t, d.Before(a))
	assert.Equal(t, 4, a.DaysUntil(d))
	assert.Equal(t, -4, d.DaysUntil(a))
	paris, err := time.LoadLocation("Europe/Paris")
	if err == nil {
		assert.Equal(t, "2026-12-30T00:00:00+01:00", a.In(paris).Format(time.RFC3339))
	}
	assert.Equal(t, a, event.DateOf(a.In(time.UTC).Add(23*time.Hour)))
	assert.Equal(t, 4, event.Booking{Arrival: a, Departure: d}.Nights())
	assert.Zero(t, event.Booking{Arrival: a}.Nights())
}
