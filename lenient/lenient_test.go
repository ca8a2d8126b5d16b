package lenient_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/lenient"
)

func decode[T any](t *testing.T, in string) (T, error) {
	t.Helper()
	var v struct {
		F T `json:"f"`
	}
	err := json.Unmarshal([]byte(`{"f":`+in+`}`), &v)
	return v.F, err
}

func TestString(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]lenient.String{
		`"abc"`: "abc", `42`: "42", `4.20`: "4.20", `-7`: "-7", `null`: "", `true`: "true", `"\u00e9"`: "é",
	} {
		got, err := decode[lenient.String](t, in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`{}`, `[1]`} {
		_, err := decode[lenient.String](t, in)
		require.ErrorIs(t, err, lenient.ErrType, in)
	}
}

func TestInt(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]lenient.Int{
		`42`: 42, `"42"`: 42, `42.0`: 42, `4.2e1`: 42, `" 7 "`: 7, `null`: 0, `""`: 0, `-3`: -3,
		`9007199254740993`: 9007199254740993,
	} {
		got, err := decode[lenient.Int](t, in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`4.5`, `"abc"`, `true`, `{}`} {
		_, err := decode[lenient.Int](t, in)
		require.ErrorIs(t, err, lenient.ErrType, in)
	}
}

func TestBool(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]lenient.Bool{
		`true`: true, `false`: false, `1`: true, `0`: false, `"1"`: true, `"0"`: false,
		`"true"`: true, `"False"`: false, `"yes"`: true, `null`: false, `""`: false,
	} {
		got, err := decode[lenient.Bool](t, in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`2`, `"maybe"`, `[]`} {
		_, err := decode[lenient.Bool](t, in)
		require.ErrorIs(t, err, lenient.ErrType, in)
	}
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]lenient.Decimal{
		`830.00`: "830.00", `"830.00"`: "830.00", `0.1`: "0.1", `12`: "12", `"-5.5"`: "-5.5",
		`null`: "", `""`: "", `1e3`: "1e3", `123456789012345678901234567890.01`: "123456789012345678901234567890.01",
	} {
		got, err := decode[lenient.Decimal](t, in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`"12,50"`, `"abc"`, `true`, `{}`} {
		_, err := decode[lenient.Decimal](t, in)
		require.ErrorIs(t, err, lenient.ErrType, in)
	}
	b, err := json.Marshal(struct{ A, B lenient.Decimal }{A: "830.00"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"A":830.00,"B":null}`, string(b))
	assert.Equal(t, "830.00", lenient.Decimal("830.00").String())
	assert.True(t, lenient.Decimal("").IsZero())
}

func TestTime(t *testing.T) {
	t.Parallel()
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		in       string
		want     time.Time
		zoneless bool
	}{
		{`"2026-11-23T10:15:00Z"`, utc(2026, 11, 23, 10, 15, 0, 0), false},
		{`"2026-11-23T10:15:00.123456Z"`, utc(2026, 11, 23, 10, 15, 0, 123456000), false},
		{`"2026-11-23T11:15:00+01:00"`, utc(2026, 11, 23, 10, 15, 0, 0), false},
		{`"2026-11-23 10:15:00"`, utc(2026, 11, 23, 10, 15, 0, 0), true},
		{`"2026-11-23T10:15:00"`, utc(2026, 11, 23, 10, 15, 0, 0), true},
		{`"2026-11-23T10:15:00.5"`, utc(2026, 11, 23, 10, 15, 0, 500000000), true},
		{`"2026-11-23 10:15:00 +0000"`, utc(2026, 11, 23, 10, 15, 0, 0), false},
		{`1795428900`, time.Unix(1795428900, 0).UTC(), false},
	}
	for _, tc := range tests {
		got, err := decode[lenient.Time](t, tc.in)
		require.NoError(t, err, tc.in)
		assert.True(t, tc.want.Equal(got.Time), "%s: got %v", tc.in, got.Time)
		assert.Equal(t, tc.zoneless, got.Zoneless, tc.in)
	}
	for _, in := range []string{`null`, `""`} {
		got, err := decode[lenient.Time](t, in)
		require.NoError(t, err)
		assert.True(t, got.IsZero())
	}
	for _, in := range []string{`{}`, `true`, `[]`} {
		_, err := decode[lenient.Time](t, in)
		require.ErrorIs(t, err, lenient.ErrType, in)
	}
}

// TestTime_unparsedKept: one odd timestamp must not lose a delivery.
func TestTime_unparsedKept(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"0000-00-00 00:00:00", "yesterday"} {
		got, err := decode[lenient.Time](t, `"`+in+`"`)
		require.NoError(t, err)
		assert.True(t, got.IsZero())
		assert.Equal(t, in, got.Unparsed)
		b, err := json.Marshal(got)
		require.NoError(t, err)
		assert.Equal(t, `"`+in+`"`, string(b))
	}
	_, err := lenient.ParseTime("yesterday")
	require.ErrorIs(t, err, lenient.ErrType)
}

// TestErrorsQuoteNoInput: error texts never carry payload values, which may
// be guest data.
func TestErrorsQuoteNoInput(t *testing.T) {
	t.Parallel()
	const secret = "guest-secret-value"
	_, err := decode[lenient.Int](t, `"`+secret+`"`)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	_, err = decode[lenient.Bool](t, `"`+secret+`"`)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	_, err = decode[lenient.Decimal](t, `"`+secret+`"`)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	_, err = lenient.ParseTime(secret)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
}

func TestString_escapes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]lenient.String{
		`"a\"b"`: `a"b`, `"line\nbreak"`: "line\nbreak", `"été"`: "été", `"plain"`: "plain", `""`: "",
	} {
		got, err := decode[lenient.String](t, in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

func TestTime_zonelessStaysLocal(t *testing.T) {
	t.Parallel()
	got, err := lenient.ParseTime("2026-07-01 15:00:00")
	require.NoError(t, err)
	require.True(t, got.Zoneless)
	assert.True(t, got.Instant().IsZero(), "no instant is invented")
	ny, err := time.LoadLocation("America/New_York")
	if err == nil {
		assert.Equal(t, "2026-07-01T15:00:00-04:00", got.In(ny).Format(time.RFC3339))
	}
	b, err := json.Marshal(got)
	require.NoError(t, err)
	assert.Equal(t, `"2026-07-01T15:00:00"`, string(b))

	zoned, err := lenient.ParseTime("2026-07-01T15:00:00Z")
	require.NoError(t, err)
	assert.Equal(t, zoned.Time, zoned.Instant())
	b, err = json.Marshal(zoned)
	require.NoError(t, err)
	assert.Equal(t, `"2026-07-01T15:00:00Z"`, string(b))
	b, err = json.Marshal(lenient.Time{})
	require.NoError(t, err)
	assert.Equal(t, `null`, string(b))
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{`1`, `"1"`, `null`, `1.5e3`, `"2026-01-01 00:00:00"`, `{}`, `true`, `"-0.0"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s lenient.String
		var i lenient.Int
		var bo lenient.Bool
		var d lenient.Decimal
		var tm lenient.Time
		_ = s.UnmarshalJSON(b)
		_ = i.UnmarshalJSON(b)
		_ = bo.UnmarshalJSON(b)
		if d.UnmarshalJSON(b) == nil && d != "" {
			// An accepted decimal is valid JSON when written back.
			out, err := d.MarshalJSON()
			require.NoError(t, err)
			require.True(t, json.Valid(out), string(out))
		}
		_ = tm.UnmarshalJSON(b)
	})
}

func Example() {
	var booking struct {
		ID    lenient.String  `json:"id"`
		Paid  lenient.Bool    `json:"paid"`
		Total lenient.Decimal `json:"total"`
		At    lenient.Time    `json:"at"`
	}
	_ = json.Unmarshal([]byte(`{"id":42,"paid":"1","total":830.00,"at":"2026-07-01 15:00:00"}`), &booking)
	fmt.Println(booking.ID, booking.Paid, booking.Total, booking.At.Zoneless)
	// Output: 42 true 830.00 true
}
