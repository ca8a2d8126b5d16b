package bookingsync

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type kv struct{ Key, Value string }

func members(t *testing.T, b string) ([]kv, bool) {
	t.Helper()
	var got []kv
	ok := eachMember([]byte(b), func(k, v []byte) bool {
		got = append(got, kv{string(k), string(v)})
		return true
	})
	return got, ok
}

func TestEachMember(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		want   []kv
		wantOK bool
	}{
		{"empty object", ` { } `, nil, true},
		{"scalars", `{"a":1,"b":"x","c":true,"d":null,"e":-1.5e3}`,
			[]kv{{"a", "1"}, {"b", `"x"`}, {"c", "true"}, {"d", "null"}, {"e", "-1.5e3"}}, true},
		{"white space everywhere", "\n{ \"a\" :\t[1, 2] ,\r\n\"b\": {\"c\" : {}} }\n",
			[]kv{{"a", "[1, 2]"}, {"b", `{"c" : {}}`}}, true},
		{"braces and quotes inside strings", `{"a":"}{][\"","b":{"c":"\\"},"d":["]"]}`,
			[]kv{{"a", `"}{][\""`}, {"b", `{"c":"\\"}`}, {"d", `["]"]`}}, true},
		{"escaped key", `{"\u0065vent":"x","a\"b":1}`, []kv{{"event", `"x"`}, {`a"b`, "1"}}, true},
		{"duplicate keys in order", `{"a":1,"a":2}`, []kv{{"a", "1"}, {"a", "2"}}, true},
		{"array", `[1]`, nil, false},
		{"string", `"{}"`, nil, false},
		{"empty", ``, nil, false},
		{"truncated", `{"a":{"b":1}`, nil, false},
		{"unterminated key", `{"a`, nil, false},
		{"missing colon", `{"a" 1}`, nil, false},
		{"missing value", `{"a":}`, nil, false},
		{"trailing comma", `{"a":1,}`, []kv{{"a", "1"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := members(t, tt.in)
			assert.Equal(t, tt.wantOK, ok)
			if tt.wantOK {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

func TestEachMember_stop(t *testing.T) {
	t.Parallel()
	var keys []string
	ok := eachMember([]byte(`{"a":1,"b":2,"c":3}`), func(k, _ []byte) bool {
		keys = append(keys, string(k))
		return string(k) != "b"
	})
	assert.True(t, ok)
	assert.Equal(t, []string{"a", "b"}, keys)
}

func TestFirstElement(t *testing.T) {
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
		{`[`, ``, false},
	}
	for _, tt := range tests {
		got, ok := firstElement([]byte(tt.in))
		assert.Equal(t, tt.wantOK, ok, tt.in)
		assert.Equal(t, tt.want, string(got), tt.in)
	}
}

// TestEachMember_agreesWithEncodingJSON checks the scanner against
// encoding/json on every sample-like object: same keys, same values.
func TestEachMember_agreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range scanSeeds() {
		checkScanAgainstJSON(t, in)
	}
}

func scanSeeds() [][]byte {
	return [][]byte{
		[]byte(`{"account_id":1059638630,"event":"client_created","resource":{"links":{"clients.account":"https://x/{clients.account}"},"client":{"id":1,"emails":[{"label":"default"}]}}}`),
		[]byte(`{"a":"\u00e9\n\"","b":[[],{},""],"c":{"d":{"e":[1,{"f":"}"}]}}}`),
		[]byte(`{}`),
	}
}

// checkScanAgainstJSON fails when eachMember and encoding/json disagree on a
// valid JSON object (the last of duplicate keys wins in both).
func checkScanAgainstJSON(t *testing.T, in []byte) {
	t.Helper()
	var want map[string]json.RawMessage
	// json.Unmarshal accepts null into a map; only an object is an object.
	if trimmed := bytes.TrimSpace(in); len(trimmed) == 0 || trimmed[0] != '{' {
		return
	}
	if !json.Valid(in) || json.Unmarshal(in, &want) != nil {
		return
	}
	got := map[string]string{}
	require.True(t, eachMember(in, func(k, v []byte) bool {
		got[string(k)] = string(v)
		return true
	}), "eachMember rejected a valid object")
	require.Len(t, got, len(want))
	for k, v := range want {
		require.Contains(t, got, k)
		require.JSONEq(t, string(v), got[k], "member %q", k)
	}
}
