package colocate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type webhook struct{ ID string }
type record struct{ N int }

func TestWith(t *testing.T) {
	src := &webhook{ID: "a"}
	w, r := With[webhook, record](src)
	assert.Equal(t, webhook{ID: "a"}, *w, "a copy")
	assert.NotSame(t, src, w)
	assert.Equal(t, record{}, *r, "a new T")
	// The results are kept beyond the call, so they must be on the heap.
	allocs := testing.AllocsPerRun(100, func() { w, r = With[webhook, record](src) })
	assert.Equal(t, 1.0, allocs, "one allocation for both")
}

func TestNew(t *testing.T) {
	w, r := New[webhook, record]()
	assert.Equal(t, webhook{}, *w)
	assert.Equal(t, record{}, *r)
	assert.Equal(t, 1.0, testing.AllocsPerRun(100, func() { w, r = New[webhook, record]() }), "one allocation for both")
}
