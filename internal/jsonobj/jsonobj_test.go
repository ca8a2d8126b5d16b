package jsonobj

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
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
	})
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
