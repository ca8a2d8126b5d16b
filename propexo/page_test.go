package propexo

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPageOf(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	n := func(v int) *int { return &v }
	tests := map[string]struct {
		meta      pageMeta
		opts      ListOptions
		items     int
		wantNext  int
		wantTotal int
	}{
		"hasMore true":             {meta: pageMeta{HasMore: &yes}, opts: ListOptions{PerPage: 10}, items: 10, wantNext: 2, wantTotal: -1},
		"hasMore false":            {meta: pageMeta{HasMore: &no, Total: n(999)}, opts: ListOptions{PerPage: 10}, items: 10, wantTotal: 999},
		"hasMore wins over total":  {meta: pageMeta{HasMore: &yes, Total: n(10)}, opts: ListOptions{PerPage: 10}, items: 10, wantNext: 2, wantTotal: 10},
		"total, more to come":      {meta: pageMeta{Total: n(25)}, opts: ListOptions{Page: 2, PerPage: 10}, items: 10, wantNext: 3, wantTotal: 25},
		"total, reached":           {meta: pageMeta{Total: n(20)}, opts: ListOptions{Page: 2, PerPage: 10}, items: 10, wantTotal: 20},
		"no hint, full page":       {opts: ListOptions{Page: 4, PerPage: 10}, items: 10, wantNext: 5, wantTotal: -1},
		"no hint, short page":      {opts: ListOptions{PerPage: 10}, items: 3, wantTotal: -1},
		"no hint, default size":    {items: 100, wantNext: 2, wantTotal: -1},
		"empty page ends the list": {meta: pageMeta{HasMore: &yes}, opts: ListOptions{PerPage: 10}, items: 0, wantTotal: -1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := &listEnvelope[DataDiff]{Meta: tc.meta}
			for range tc.items {
				env.Results = append(env.Results, &DataDiff{})
			}
			p := pageOf(env, specOf(tc.opts))
			assert.Equal(t, tc.wantNext, p.NextPage)
			assert.Equal(t, tc.wantTotal, p.Total)
			assert.Len(t, p.Items, tc.items)
		})
	}
}

// TestPageSpec_query checks the mapping of ListOptions to Propexo's offset
// and limit: page p of size n is offset=(p-1)*n&limit=n.
func TestPageSpec_query(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		opts    ListOptions
		orderBy string
		want    string
	}{
		"defaults left out":                {want: ""},
		"first page, sized":                {opts: ListOptions{Page: 1, PerPage: 25}, want: "limit=25"},
		"third page of 25":                 {opts: ListOptions{Page: 3, PerPage: 25}, orderBy: "created_at:asc", want: "limit=25&offset=50&order-by=created_at%3Aasc"},
		"later page, default size":         {opts: ListOptions{Page: 2}, want: "offset=100"},
		"size capped at 250":               {opts: ListOptions{Page: 2, PerPage: 1000}, want: "limit=250&offset=250"},
		"negative values are the defaults": {opts: ListOptions{Page: -3, PerPage: -1}, want: ""},
		"several sort fields":              {orderBy: "a:asc,b:desc", want: "order-by=a%3Aasc%2Cb%3Adesc"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			q := url.Values{}
			specOf(tc.opts).query(q, tc.orderBy)
			assert.Equal(t, tc.want, q.Encode())
		})
	}
}
