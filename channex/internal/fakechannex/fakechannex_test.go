package fakechannex

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMaskMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mask, name string
		want       bool
	}{
		{"*", "booking_new", true},
		{"booking_new", "booking_new", true},
		{"booking_new;message", "message", true},
		{"booking_new; message ", "message", true},
		{"booking_new;message", "booking", false},
		{"ari:rate:*:96a44e07-2158-43e4-8baa-8f6f56922ba8", "ari", true},
		{"ari:rate:*:*", "booking", false},
		{"", "ari", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, maskMatches(tt.mask, tt.name), "%q selects %q", tt.mask, tt.name)
	}
}

func TestPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query       string
		page, limit int
	}{
		{"", 1, 10},
		{"pagination[page]=3&pagination[limit]=25", 3, 25},
		{"pagination%5Bpage%5D=2&pagination%5Blimit%5D=500", 2, 100},
		{"pagination[page]=0&pagination[limit]=-1", 1, 10},
		{"pagination[page]=x", 1, 10},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/webhooks?"+tt.query, nil)
		p, l := page(r)
		assert.Equal(t, tt.page, p, tt.query)
		assert.Equal(t, tt.limit, l, tt.query)
	}
	assert.Equal(t, []int{4, 5}, slicePage([]int{1, 2, 3, 4, 5}, 2, 3))
	assert.Equal(t, []int{}, slicePage([]int{1, 2}, 3, 3))
}
