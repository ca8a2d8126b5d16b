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
	require.NoError(t, json.Unmarshal([]byte(`{"arrival":" 2026-12-30 "}`), &s))
	assert.Equal(t, event.Date{Year: 2026, Month: time.December, Day: 30}, s.Arrival)

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

// TestDate_unparsedKept: a value that is no date is kept, flagged, and never
// fails the decoding of the delivery around it.
func TestDate_unparsedKept(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, unparsed string }{
		{`"forged"`, "forged"},
		{`"30/12/2026"`, "30/12/2026"},
		{`"2025-02-30"`, "2025-02-30"},
		{`"2026-12-30T00:00:00Z"`, "2026-12-30T00:00:00Z"},
		{`" x "`, " x "},
		{`"caf\u00e9"`, "café"},
		{`20261230`, "20261230"},
		{`true`, "true"},
		{`{}`, "{}"},
		{`["2026-12-30"]`, `["2026-12-30"]`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			var s struct {
				Arrival event.Date `json:"arrival"`
			}
			require.NoError(t, json.Unmarshal([]byte(`{"arrival":`+tc.in+`}`), &s))
			d := s.Arrival
			assert.Equal(t, event.Date{Unparsed: tc.unparsed}, d)
			assert.True(t, d.IsUnparsed())
			assert.False(t, d.IsZero(), "given, so not zero")
			assert.Equal(t, tc.unparsed, d.String())
			text, err := d.MarshalText()
			require.NoError(t, err)
			assert.Equal(t, tc.unparsed, string(text))

			b, err := json.Marshal(d)
			require.NoError(t, err)
			var back event.Date
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, d, back, "round trip through %s", b)
			var fromText event.Date
			require.NoError(t, fromText.UnmarshalText(text))
			assert.Equal(t, d, fromText)

			real := event.Date{Year: 2026, Month: time.December, Day: 30}
			assert.Zero(t, d.DaysUntil(real))
			assert.Zero(t, real.DaysUntil(d))
			assert.False(t, d.Before(real))
			assert.False(t, real.Before(d))
			assert.True(t, d.In(time.UTC).IsZero())
			assert.Zero(t, event.Booking{Arrival: real, Departure: d}.Nights())
		})
	}
}

func TestDate_omitzeroKeepsUnparsed(t *testing.T) {
	t.Parallel()
	type stay struct {
		Arrival event.Date `json:"arrival,omitzero"`
	}
	b, err := json.Marshal(stay{})
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(b))
	b, err = json.Marshal(stay{Arrival: event.Date{Unparsed: "forged"}})
	require.NoError(t, err)
	assert.Equal(t, `{"arrival":"forged"}`, string(b))
}

// FuzzDate_UnmarshalJSON checks that decoding a Date never fails on valid
// JSON and that what it decodes survives a JSON round trip.
func FuzzDate_UnmarshalJSON(f *testing.F) {
	for _, s := range []string{`"2026-07-14"`, `"forged"`, `null`, `""`, `"0000-00-00"`, `{}`, `[1]`, `12`, `"\u00e9"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d event.Date
		require.NoError(t, d.UnmarshalJSON(b))
		if !json.Valid(b) {
			return
		}
		out, err := json.Marshal(d)
		require.NoError(t, err)
		var back event.Date
		require.NoError(t, json.Unmarshal(out, &back))
		require.Equal(t, d, back, string(out))
	})
}
