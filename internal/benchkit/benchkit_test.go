package benchkit

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeliveries_Request(t *testing.T) {
	t.Parallel()
	d, err := NewDeliveries(10)
	require.NoError(t, err)
	tests := map[string]struct {
		seq     int64
		subject string
	}{
		"first":         {0, "pmshooks-bench-subject-000000"},
		"same subject":  {10, "pmshooks-bench-subject-000000"},
		"another":       {123456, "pmshooks-bench-subject-000006"},
		"twelve digits": {999999999999, "pmshooks-bench-subject-000009"},
	}
	ids := map[string]bool{}
	for name, tt := range tests {
		req, err := d.Request(t.Context(), "http://bench.invalid/", tt.seq)
		require.NoError(t, err, name)
		// The real receiver authenticates and decodes it.
		body, err := io.ReadAll(req.Body)
		require.NoError(t, err)
		e, err := d.Receiver.Receive(req.Header, body)
		require.NoError(t, err, name)
		assert.Equal(t, tt.subject, e.Subject().ID, name)
		seq, ok := Seq(e.Raw())
		require.True(t, ok, name)
		assert.Equal(t, tt.seq, seq, name)
		assert.False(t, ids[e.ID()], "%s: a new delivery", name)
		ids[e.ID()] = true
	}
	_, ok := Seq([]byte(`{}`))
	assert.False(t, ok)
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ds := []time.Duration{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	assert.Equal(t, time.Duration(0), Percentile(nil, 50))
	assert.Equal(t, time.Duration(5), Percentile(ds, 50))
	assert.Equal(t, time.Duration(10), Percentile(ds, 99))
	assert.Equal(t, time.Duration(1), Percentile(ds, 1))
	assert.Equal(t, time.Duration(5), ds[0], "input not sorted in place")
	assert.InDelta(t, 2.5, Median([]float64{4, 1, 3, 2}), 0)
	assert.InDelta(t, 3, Median([]float64{3, 1, 9}), 0)
}

func TestFill(t *testing.T) {
	t.Parallel()
	d, err := NewDeliveries(3)
	require.NoError(t, err)
	var got []int64
	h := httptestHandler(func(seq int64) { got = append(got, seq) })
	var next = new(atomicInt)
	require.NoError(t, Fill(t.Context(), h, d, 5, 1, &next.Int64))
	assert.Equal(t, []int64{0, 1, 2, 3, 4}, got)
	assert.GreaterOrEqual(t, next.Load(), int64(5), "numbers are never reused")
}

type atomicInt struct{ atomic.Int64 }

// httptestHandler answers 200 and reports the sequence number of each body.
func httptestHandler(f func(int64)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seq, _ := Seq(b)
		f(seq)
	})
}
