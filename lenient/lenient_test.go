package lenient_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/lenient"
)

func decode[T any](t *testing.T, in string) T {
	t.Helper()
	var v struct {
		F T `json:"f"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"f":`+in+`}`), &v), in)
	return v.F
}

// roundTrip checks that v, marshalled and decoded again, is v.
func roundTrip[T any](t *testing.T, v T) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.True(t, json.Valid(b), string(b))
	var back T
	require.NoError(t, json.Unmarshal(b, &back), string(b))
	assert.Equal(t, v, back, string(b))
}

// garbage are JSON values of every kind that no typed field here holds.
var garbage = []string{`"forged"`, `{}`, `[]`, `{"a":[1,2]}`, `[1,"x"]`}

func TestString(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]lenient.String{
		`"abc"`: "abc", `42`: "42", `4.20`: "4.20", `-7`: "-7", `null`: "", `true`: "true", `"\u00e9"`: "é",
		`{}`: "{}", `[1, 2]`: "[1, 2]", `{"id":7}`: `{"id":7}`,
	} {
		assert.Equal(t, want, decode[lenient.String](t, in), in)
	}
	long := decode[lenient.String](t, `["`+strings.Repeat("é", lenient.MaxUnparsed)+`"]`)
	assert.LessOrEqual(t, len(long), lenient.MaxUnparsed, "raw text is bounded")
	assert.True(t, strings.HasPrefix(string(long), `["éé`))
}

func TestInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want lenient.Int
	}{
		{`42`, lenient.Int{Value: 42}},
		{`"42"`, lenient.Int{Value: 42}},
		{`42.0`, lenient.Int{Value: 42}},
		{`4.2e1`, lenient.Int{Value: 42}},
		{`" 7 "`, lenient.Int{Value: 7}},
		{`-3`, lenient.Int{Value: -3}},
		{`9007199254740993`, lenient.Int{Value: 9007199254740993}},
		{`null`, lenient.Int{}},
		{`""`, lenient.Int{}},
		{`"  "`, lenient.Int{}},
		{`4.5`, lenient.Int{Unparsed: "4.5"}},
		{`1e30`, lenient.Int{Unparsed: "1e30"}},
		{`"abc"`, lenient.Int{Unparsed: "abc"}},
		{`"Inf"`, lenient.Int{Unparsed: "Inf"}},
		{`true`, lenient.Int{Unparsed: "true"}},
		{`{}`, lenient.Int{Unparsed: "{}"}},
		{`[1, 2]`, lenient.Int{Unparsed: "[1, 2]"}},
	}
	for _, tc := range tests {
		got := decode[lenient.Int](t, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.Equal(t, tc.want.Unparsed != "", got.IsUnparsed(), tc.in)
		assert.Equal(t, tc.want == lenient.Int{}, got.IsZero(), tc.in)
		roundTrip(t, got)
	}
	n := lenient.Int{Value: 42}
	assert.Equal(t, 42, n.Int())
	assert.Equal(t, int64(42), n.Int64())
	assert.Equal(t, "42", n.String())
	u := lenient.Int{Unparsed: "forged"}
	assert.Equal(t, 0, u.Int())
	assert.Equal(t, "forged", u.String())
	b, err := json.Marshal(struct{ A, B, C lenient.Int }{A: n, C: u})
	require.NoError(t, err)
	assert.JSONEq(t, `{"A":42,"B":0,"C":"forged"}`, string(b))
}

func TestBool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want lenient.Bool
	}{
		{`true`, lenient.Bool{Value: true}},
		{`false`, lenient.Bool{}},
		{`1`, lenient.Bool{Value: true}},
		{`0`, lenient.Bool{}},
		{`"1"`, lenient.Bool{Value: true}},
		{`"0"`, lenient.Bool{}},
		{`"true"`, lenient.Bool{Value: true}},
		{`"False"`, lenient.Bool{}},
		{`"yes"`, lenient.Bool{Value: true}},
		{`null`, lenient.Bool{}},
		{`""`, lenient.Bool{}},
		{`2`, lenient.Bool{Unparsed: "2"}},
		{`1.5`, lenient.Bool{Unparsed: "1.5"}},
		{`"maybe"`, lenient.Bool{Unparsed: "maybe"}},
		{`[]`, lenient.Bool{Unparsed: "[]"}},
		{`{"x":1}`, lenient.Bool{Unparsed: `{"x":1}`}},
	}
	for _, tc := range tests {
		got := decode[lenient.Bool](t, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.Equal(t, tc.want.Unparsed != "", got.IsUnparsed(), tc.in)
		roundTrip(t, got)
	}
	assert.True(t, lenient.Bool{Value: true}.Bool())
	assert.False(t, lenient.Bool{Unparsed: "maybe"}.Bool())
	assert.Equal(t, "maybe", lenient.Bool{Unparsed: "maybe"}.String())
	assert.Equal(t, "true", lenient.Bool{Value: true}.String())
	assert.False(t, lenient.Bool{Unparsed: "maybe"}.IsZero())
	b, err := json.Marshal(struct{ A, B, C lenient.Bool }{A: lenient.Bool{Value: true}, C: lenient.Bool{Unparsed: "2"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"A":true,"B":false,"C":"2"}`, string(b))
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want lenient.Decimal
	}{
		{`830.00`, lenient.Decimal{Value: "830.00"}},
		{`"830.00"`, lenient.Decimal{Value: "830.00"}},
		{`" 830.00 "`, lenient.Decimal{Value: "830.00"}},
		{`0.1`, lenient.Decimal{Value: "0.1"}},
		{`12`, lenient.Decimal{Value: "12"}},
		{`"-5.5"`, lenient.Decimal{Value: "-5.5"}},
		{`1e3`, lenient.Decimal{Value: "1e3"}},
		{`123456789012345678901234567890.01`, lenient.Decimal{Value: "123456789012345678901234567890.01"}},
		{`null`, lenient.Decimal{}},
		{`""`, lenient.Decimal{}},
		{`"12,50"`, lenient.Decimal{Unparsed: "12,50"}},
		{`"abc"`, lenient.Decimal{Unparsed: "abc"}},
		{`true`, lenient.Decimal{Unparsed: "true"}},
		{`{}`, lenient.Decimal{Unparsed: "{}"}},
		{`[830]`, lenient.Decimal{Unparsed: "[830]"}},
	}
	for _, tc := range tests {
		got := decode[lenient.Decimal](t, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.Equal(t, tc.want.Unparsed != "", got.IsUnparsed(), tc.in)
		assert.Equal(t, tc.want == lenient.Decimal{}, got.IsZero(), tc.in)
		roundTrip(t, got)
	}
	b, err := json.Marshal(struct{ A, B, C, D lenient.Decimal }{
		A: lenient.Decimal{Value: "830.00"}, C: lenient.Decimal{Unparsed: "12,50"}, D: lenient.Decimal{Value: "bad"},
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"A":830.00,"B":null,"C":"12,50","D":"bad"}`, string(b))
	assert.Equal(t, "830.00", lenient.Decimal{Value: "830.00"}.String())
	assert.Equal(t, "12,50", lenient.Decimal{Unparsed: "12,50"}.String())
	assert.True(t, lenient.Decimal{}.IsZero())
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
		got := decode[lenient.Time](t, tc.in)
		assert.True(t, tc.want.Equal(got.Time), "%s: got %v", tc.in, got.Time)
		assert.Equal(t, tc.zoneless, got.Zoneless, tc.in)
		assert.False(t, got.IsUnparsed(), tc.in)
		assert.False(t, got.IsZero(), tc.in)
	}
	for _, in := range []string{`null`, `""`, `" "`} {
		got := decode[lenient.Time](t, in)
		assert.True(t, got.IsZero(), in)
		assert.Equal(t, lenient.Time{}, got, in)
	}
}

// TestTime_unparsedKept: one odd timestamp must not lose a delivery.
func TestTime_unparsedKept(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, unparsed string }{
		{`"0000-00-00 00:00:00"`, "0000-00-00 00:00:00"},
		{`"yesterday"`, "yesterday"},
		{`{}`, "{}"},
		{`true`, "true"},
		{`[1]`, "[1]"},
		{`1e300`, "1e300"},
	}
	for _, tc := range tests {
		got := decode[lenient.Time](t, tc.in)
		assert.True(t, got.Time.IsZero(), tc.in)
		assert.False(t, got.IsZero(), "%s: given, so not zero", tc.in)
		assert.True(t, got.IsUnparsed(), tc.in)
		assert.Equal(t, tc.unparsed, got.Unparsed)
		assert.True(t, got.Instant().IsZero())
		assert.True(t, got.In(time.UTC).IsZero())
		b, err := json.Marshal(got)
		require.NoError(t, err)
		assert.JSONEq(t, fmt.Sprintf("%q", tc.unparsed), string(b))
		roundTrip(t, got)
	}
	_, err := lenient.ParseTime("yesterday")
	require.ErrorIs(t, err, lenient.ErrType)
}

// TestGarbage_neverFails: every type takes every kind of JSON value without
// an error, and keeps what it could not read.
func TestGarbage_neverFails(t *testing.T) {
	t.Parallel()
	for _, in := range garbage {
		want, err := json.Marshal(lenient.UnparsedText([]byte(in)))
		require.NoError(t, err)
		if in[0] == '"' {
			want = []byte(in)
		}
		i := decode[lenient.Int](t, in)
		bo := decode[lenient.Bool](t, in)
		d := decode[lenient.Decimal](t, in)
		tm := decode[lenient.Time](t, in)
		for _, v := range []json.Marshaler{i, bo, d, tm} {
			b, err := v.MarshalJSON()
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(b), "%s as %T", in, v)
		}
		assert.True(t, i.IsUnparsed() && bo.IsUnparsed() && d.IsUnparsed() && tm.IsUnparsed(), in)
	}
}

func TestUnparsedText_bounded(t *testing.T) {
	t.Parallel()
	big := `{"note":"` + strings.Repeat("ü", lenient.MaxUnparsed) + `"}`
	got := decode[lenient.Int](t, big)
	require.True(t, got.IsUnparsed())
	assert.LessOrEqual(t, len(got.Unparsed), lenient.MaxUnparsed)
	assert.True(t, strings.HasPrefix(big, got.Unparsed))
	roundTrip(t, got)
	assert.Equal(t, "a\uFFFDb", lenient.UnparsedText([]byte("a\xffb")))
}

func TestString_escapes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]lenient.String{
		`"a\"b"`: `a"b`, `"line\nbreak"`: "line\nbreak", `"été"`: "été", `"plain"`: "plain", `""`: "",
	} {
		assert.Equal(t, want, decode[lenient.String](t, in), in)
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

// TestOmitzero_keepsUnparsed: an unparsed value is not zero, so omitzero
// does not drop what the provider sent.
func TestOmitzero_keepsUnparsed(t *testing.T) {
	t.Parallel()
	type v struct {
		I lenient.Int     `json:"i,omitzero"`
		B lenient.Bool    `json:"b,omitzero"`
		D lenient.Decimal `json:"d,omitzero"`
		T lenient.Time    `json:"t,omitzero"`
	}
	b, err := json.Marshal(v{})
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(b))
	in := `{"i":"x","b":"q","d":"z","t":"w"}`
	var got v
	require.NoError(t, json.Unmarshal([]byte(in), &got))
	b, err = json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(b))
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{`1`, `"1"`, `null`, `1.5e3`, `"2026-01-01 00:00:00"`, `{}`, `true`, `"-0.0"`, `"\u00e9"`, `[1,{"a":null}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var (
			s  lenient.String
			i  lenient.Int
			bo lenient.Bool
			d  lenient.Decimal
			tm lenient.Time
		)
		for _, u := range []json.Unmarshaler{&s, &i, &bo, &d, &tm} {
			require.NoError(t, u.UnmarshalJSON(b), "decoding never fails")
		}
		if !json.Valid(b) {
			return
		}
		// What was decoded is written back as valid JSON and decodes again to
		// the same value.
		fuzzRoundTrip(t, i)
		fuzzRoundTrip(t, bo)
		fuzzRoundTrip(t, d)
		if tm.IsUnparsed() {
			fuzzRoundTrip(t, tm)
		}
	})
}

func fuzzRoundTrip[T any](t *testing.T, v T) {
	t.Helper()
	out, err := json.Marshal(v)
	require.NoError(t, err)
	require.True(t, json.Valid(out), string(out))
	var back T
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, v, back, string(out))
}

func Example() {
	var booking struct {
		ID    lenient.String  `json:"id"`
		Paid  lenient.Bool    `json:"paid"`
		Total lenient.Decimal `json:"total"`
		At    lenient.Time    `json:"at"`
		Night lenient.Int     `json:"nights"`
	}
	_ = json.Unmarshal([]byte(`{"id":42,"paid":"1","total":830.00,"at":"2026-07-01 15:00:00","nights":"two"}`), &booking)
	fmt.Println(booking.ID, booking.Paid, booking.Total, booking.At.Zoneless)
	fmt.Println(booking.Night.IsUnparsed(), booking.Night.Unparsed)
	// Output:
	// 42 true 830.00 true
	// true two
}

// TestUnmarshalJSON_allocations: reading a number, a flag or an RFC 3339
// timestamp allocates nothing, so that a payload of many such fields costs
// no more than the same payload decoded into plain Go types.
func TestUnmarshalJSON_allocations(t *testing.T) {
	tests := []struct {
		name string
		dst  json.Unmarshaler
		raw  string
	}{
		{"Int number", new(lenient.Int), `16879744`},
		{"Int string", new(lenient.Int), `"16879744"`},
		{"Bool literal", new(lenient.Bool), `false`},
		{"Bool string", new(lenient.Bool), `"Yes"`},
		{"Time RFC 3339", new(lenient.Time), `"2026-03-08T17:54:45Z"`},
		{"Time zoneless, as Hostaway sends it", new(lenient.Time), `"2017-06-10 10:41:10"`},
		{"Time Unix seconds", new(lenient.Time), `1741456485`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw)
			allocs := testing.AllocsPerRun(100, func() { _ = tt.dst.UnmarshalJSON(raw) })
			assert.Zero(t, allocs)
		})
	}
}
