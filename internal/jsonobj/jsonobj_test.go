package jsonobj

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var seeds = []string{
	`{}`, ` {"a":1} `, `{"trigger":"X","data":{"event":"E","payload":{"x":[1,2,{"y":"}"}]}},"meta":null}`,
	`{"TRIGGER":"a","Trigger":"b"}`, `{"tri\u0067ger":"esc"}`, `{"ſ":1,"\u212a":2,"s":3,"k":4}`,
	`{"a":"\"quoted\\"}`, `[1,2]`, `"x"`, `null`, `true`, `-0.5e+3`, `01`, `1.`, `{"a":}`, `{"a" 1}`,
	`{"a":1,}`, `[1,]`, "\"\x01\"", `"\x"`, `"\u12"`, `{"a":1}x`, `{` + strings.Repeat(`"a":[`, 3) + `]]]}`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	"{\"\xff\":1}", `{"data":{"a":1},"meta":{"object":"x"}}`, ` `, ``, `nul`, `tru`, `-`, `1e`, `{"a":1 "b":2}`,
}

// members is what json.Unmarshal finds for a few field names; the
// reference for Members with Key.
type members struct {
	Trigger json.RawMessage `json:"trigger"`
	Data    json.RawMessage `json:"data"`
	S       json.RawMessage `json:"s"`
	K       json.RawMessage `json:"k"`
	A       json.RawMessage `json:"a"`
}

func scan(b []byte) (members, bool) {
	var m members
	var buf [8]byte
	ok := Members(b, func(k, v []byte) {
		switch string(Key(k, buf[:0])) {
		case "trigger":
			m.Trigger = v
		case "data":
			m.Data = v
		case "s":
			m.S = v
		case "k":
			m.K = v
		case "a":
			m.A = v
		}
	})
	return m, ok
}

// FuzzValid: Valid agrees with json.Valid, and on a valid object Members
// and Key find what json.Unmarshal finds.
func FuzzValid(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		valid := json.Valid(b)
		if Valid(b) != valid {
			t.Fatalf("Valid(%q) = %v, json.Valid %v", b, !valid, valid)
		}
		if !valid {
			return
		}
		var want members
		wantErr := json.Unmarshal(b, &want)
		got, ok := scan(b)
		if !ok {
			if wantErr == nil && strings.TrimSpace(string(b)) != "null" {
				t.Fatalf("Members refused %q, which json.Unmarshal decodes", b)
			}
			return
		}
		if wantErr != nil {
			t.Fatalf("Members accepted %q, json.Unmarshal: %v", b, wantErr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q (-json +Members):\n%s", b, diff)
		}
		checkExact(t, b)
	})
}

// scanDeferring runs Scan on b deferring the members whose key starts with
// "d" (so "data" and "d"), then validates each deferred value as a caller
// must; it reports whether b passed both, and the members Scan found.
func scanDeferring(b []byte) ([][2]string, bool) {
	var got [][2]string
	var deferred [][]byte
	isDeferred := func(k []byte) bool { return len(k) > 0 && k[0] == 'd' }
	ok := Scan(b, 0, isDeferred, func(k, v []byte) {
		got = append(got, [2]string{string(k), string(v)})
		if isDeferred(k) {
			deferred = append(deferred, v)
		}
	})
	for _, v := range deferred {
		ok = ok && json.Valid(v)
	}
	return got, ok
}

// FuzzScan: Scan, with its deferred values validated afterwards, accepts
// exactly the valid JSON objects, and finds the members Members finds.
func FuzzScan(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{`{"d":[1,{"x":"]"}]}`, `{"d":"a\\"}`, `{"d":"a\\\"b"}`, `{"d":{"a":1},"e":2}`,
		`{"d":{"a":}}`, `{"d":[}`, `{"d":"x}`, `{"d":tru}`, `{"d": 1 }`, `{"d":{}}} `,
		`{"d":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`,
		`{"d":` + strings.Repeat("[", 9998) + strings.Repeat("]", 9998) + `}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := json.Valid(b) && Kind(b) == '{'
		got, ok := scanDeferring(b)
		if ok != want {
			t.Fatalf("Scan(%q) and its deferred values valid: %v, want %v", b, ok, want)
		}
		if !ok {
			return
		}
		var members [][2]string
		Members(b, func(k, v []byte) { members = append(members, [2]string{string(k), string(v)}) })
		if diff := cmp.Diff(members, got); diff != "" {
			t.Fatalf("%q (-Members +Scan):\n%s", b, diff)
		}
	})
}

func TestScan(t *testing.T) {
	t.Parallel()
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"empty object", ` {} `, true},
		{"members", `{"a":1,"d":{"x":"}"},"b":[true,null]}`, true},
		{"deferred string with escaped quote", `{"d":"a\"}","b":2}`, true},
		{"deferred string ending in a backslash", `{"d":"a\\","b":2}`, true},
		{"invalid outside the deferred value", `{"d":{},"b":tru}`, false},
		{"invalid inside the deferred value", `{"d":{"a":}}`, false},
		{"unterminated deferred value", `{"d":{"a":1}`, false},
		{"trailing text", `{"d":1}x`, false},
		{"not an object", `[1]`, false},
		{"deferred value at the nesting limit", `{"d":` + deep(9999) + `}`, true},
		{"deferred value beyond the nesting limit", `{"d":` + deep(10000) + `}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, json.Valid([]byte(tt.body)) && Kind([]byte(tt.body)) == '{', tt.want, "the table agrees with encoding/json")
			_, ok := scanDeferring([]byte(tt.body))
			assert.Equal(t, tt.want, ok)
		})
	}
}

// checkExact fails when Members with Unquote and a json.Unmarshal into a
// map, which matches keys exactly, disagree on the valid object b (the last
// of duplicate keys wins in both).
func checkExact(t *testing.T, b []byte) {
	t.Helper()
	var want map[string]json.RawMessage
	if json.Unmarshal(b, &want) != nil || want == nil {
		return
	}
	got := map[string]json.RawMessage{}
	require.True(t, Members(b, func(k, v []byte) { got[string(Unquote(k))] = v }), "%q", b)
	require.Len(t, got, len(want), "%q", b)
	for k, v := range want {
		require.Contains(t, got, k, "%q", b)
		require.JSONEq(t, string(v), string(got[k]), "member %q of %q", k, b)
	}
}

func TestMembers_exactKeys(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		`{"account_id":1059638630,"event":"client_created","resource":{"links":{"clients.account":"https://x/{clients.account}"},"client":{"id":1}}}`,
		`{"a":"\u00e9\n\"","b":[[],{},""],"c":{"d":{"e":[1,{"f":"}"}]}}}`,
		`{"\u0065vent":"x","a\"b":1,"Event":2}`, `{"a":1,"a":2}`, `{}`,
	} {
		checkExact(t, []byte(s))
	}
}

func TestUnquote(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		`event`: "event", `\u0065vent`: "event", `a\"b`: `a"b`, `Event`: "Event", `\u017f`: "ſ", ``: "",
	} {
		assert.Equal(t, want, string(Unquote([]byte(raw))), raw)
	}
}

func TestElements(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{`[]`, ` [ 1 , "a" , [2,{"b":"]"}] , null ] `, `["\"]"]`} {
		var want []json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(raw), &want))
		var got []json.RawMessage
		require.True(t, Elements([]byte(raw), func(v []byte) { got = append(got, v) }), raw)
		require.Len(t, got, len(want), raw)
		for i := range want {
			assert.JSONEq(t, string(want[i]), string(got[i]), raw)
		}
	}
	assert.False(t, Elements([]byte(`{"a":1}`), func([]byte) {}))
	assert.False(t, Elements(nil, func([]byte) {}))
}

func TestKind(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]byte{
		` {"a":1}`: '{', `[1]`: '[', `"x"`: '"', `null`: 'n', `true`: 't', `-1`: '-', `7`: '7', ``: 0, `  `: 0,
	} {
		assert.Equal(t, want, Kind([]byte(raw)), raw)
	}
}

func TestFirst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{`[{"id":1},{"id":2}]`, `{"id":1}`, true},
		{` [ "]" , 2 ]`, `"]"`, true},
		{`[[1],2]`, `[1]`, true},
		{`[ ]`, ``, false},
		{`{"a":1}`, ``, false},
		{``, ``, false},
	}
	for _, tt := range tests {
		got, ok := First([]byte(tt.in))
		assert.Equal(t, tt.wantOK, ok, tt.in)
		assert.Equal(t, tt.want, string(got), tt.in)
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{`"a"`, `"a\"b"`, `"\u00e9"`, "\"\xff\"", `""`, `1`, `"`, `null`} {
		var want string
		wantOK := json.Unmarshal([]byte(raw), &want) == nil && raw[0] == '"'
		got, ok := String([]byte(raw))
		assert.Equal(t, wantOK, ok, raw)
		assert.Equal(t, want, got, raw)
	}
}

func BenchmarkValid(b *testing.B) {
	body := []byte(`{"data":{"payload":"` + strings.Repeat("Prospect opted in to email updates. ", 2000) + `"}}`)
	b.Run("jsonobj", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			Valid(body)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			json.Valid(body)
		}
	})
}
