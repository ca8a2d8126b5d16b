package testutil

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// PadBody returns body, a JSON object, re-marshalled compactly with the
// string member at path (member names from the top level down; the last one
// need not exist) set to filler text, so that the result is exactly size
// bytes: a delivery of a given size for the BenchmarkReceive_size anchors.
// Numbers keep their text. It fails the test when body is not an object,
// path does not lead to an object, or body is already size bytes or more.
func PadBody(t testing.TB, body []byte, size int, path ...string) []byte {
	t.Helper()
	require.NotEmpty(t, path)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var root map[string]any
	require.NoError(t, dec.Decode(&root))
	obj := root
	for _, k := range path[:len(path)-1] {
		next, ok := obj[k].(map[string]any)
		require.True(t, ok, "%s is not an object", k)
		obj = next
	}
	last := path[len(path)-1]
	obj[last] = ""
	base, err := json.Marshal(root)
	require.NoError(t, err)
	require.Less(t, len(base), size, "the body is already %d bytes", len(base))
	obj[last] = strings.Repeat("Guests arrive late. ", size)[:size-len(base)]
	grown, err := json.Marshal(root)
	require.NoError(t, err)
	require.Len(t, grown, size)
	return grown
}

// errHandwritten is the error of the hand-written checks below.
var errHandwritten = errors.New("testutil: unauthorized")

// HandwrittenBasic is the anchor of the BenchmarkReceive_size benchmarks of
// providers that authenticate by HTTP Basic: the check a user would write
// by hand with net/http and crypto/subtle.
func HandwrittenBasic(h http.Header, user, password string) error {
	auth, ok := strings.CutPrefix(h.Get("Authorization"), "Basic ")
	if !ok {
		return errHandwritten
	}
	raw, err := base64.StdEncoding.DecodeString(auth)
	if err != nil {
		return errHandwritten
	}
	u, p, ok := strings.Cut(string(raw), ":")
	if !ok {
		return errHandwritten
	}
	if subtle.ConstantTimeCompare([]byte(u), []byte(user))&subtle.ConstantTimeCompare([]byte(p), []byte(password)) != 1 {
		return errHandwritten
	}
	return nil
}

// HandwrittenToken is the anchor of the BenchmarkReceive_size benchmarks of
// providers that authenticate by a shared token in a header.
func HandwrittenToken(h http.Header, header, token string) error {
	if subtle.ConstantTimeCompare([]byte(h.Get(header)), []byte(token)) != 1 {
		return errHandwritten
	}
	return nil
}

// BenchReceivePair runs the two halves of a BenchmarkReceive_size row,
// label/pmshooks (receive, the package's Receiver) and label/handwritten
// (its hand-written anchor), over the same body, so that one run of
// `go test -bench Receive -benchmem` shows both side by side; and
// label/ratio, which alternates the two call by call and reports the median
// of their time ratios as "x-handwritten", a figure a busy machine disturbs
// far less than two timings taken seconds apart.
func BenchReceivePair(b *testing.B, label string, body []byte, receive, handwritten func() error) {
	defer b.Run(label+"/ratio", func(b *testing.B) {
		var ratios []float64
		for i := 0; b.Loop(); i++ {
			first, second := receive, handwritten
			if i%2 == 1 {
				first, second = handwritten, receive
			}
			t0 := time.Now()
			_ = first()
			t1 := time.Now()
			_ = second()
			t2 := time.Now()
			r := float64(t1.Sub(t0)) / float64(t2.Sub(t1))
			if i%2 == 1 {
				r = 1 / r
			}
			ratios = append(ratios, r)
		}
		slices.Sort(ratios)
		b.ReportMetric(ratios[len(ratios)/2], "x-handwritten")
	})
	for _, half := range []struct {
		name string
		fn   func() error
	}{{"pmshooks", receive}, {"handwritten", handwritten}} {
		b.Run(label+"/"+half.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := half.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// InvalidRecords returns bodies that are not JSON only inside the record a
// provider's Parse hands to encoding/json (template's %s), so that a test
// can check that Parse still rejects them as bodies that are not JSON,
// with the byte offset encoding/json gives for the whole body, now that
// the record is validated by the json.Unmarshal that decodes it rather
// than before. Each comes with that offset. The last body repeats the
// record key: the first copy, replaced by the second, is the invalid one.
func InvalidRecords(t testing.TB, template, key string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, rec := range []string{
		`{"id": 1,}`, `{"id": tru}`, `{"notes": "a` + "\x01" + `b"}`, `{"id": 1`, `{"id": [1, 2}`,
		`{"id": "\x"}`, `{"id": 01}`, `{"a": {"b": [}]}}`,
	} {
		out[fmt.Sprintf(template, rec)] = syntaxOffset(t, fmt.Sprintf(template, rec))
	}
	dup := fmt.Sprintf(template, `{"id": 1,}`)
	dup = strings.Replace(dup, `"`+key+`"`, `"`+key+`": {"x": nul}, "`+key+`"`, 1)
	out[dup] = syntaxOffset(t, dup)
	return out
}

// syntaxOffset returns the offset of encoding/json's syntax error for body.
func syntaxOffset(t testing.TB, body string) int64 {
	t.Helper()
	var syntax *json.SyntaxError
	require.ErrorAs(t, json.Unmarshal([]byte(body), new(any)), &syntax, "%s", body)
	return syntax.Offset
}

// ReceiveAllocsAtMost fails t when one receive allocates more often than
// its hand-written anchor (see BenchReceivePair): the allocation half of
// the receive path's performance goal, which, unlike its timing, is
// deterministic enough for a test. It skips under the race detector.
func ReceiveAllocsAtMost(t *testing.T, receive, handwritten func() error) {
	t.Helper()
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	require.NoError(t, receive())
	require.NoError(t, handwritten())
	got := testing.AllocsPerRun(50, func() { _ = receive() })
	want := testing.AllocsPerRun(50, func() { _ = handwritten() })
	require.LessOrEqual(t, got, want, "allocations per receive: pmshooks %v, hand-written %v", got, want)
}
