package propexo

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPageMeta_next(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	n := func(v int) *int { return &v }
	tests := map[string]struct {
		meta                 pageMeta
		offset, items, limit int
		next                 int
		more                 bool
	}{
		"hasMore true":             {meta: pageMeta{HasMore: &yes}, offset: 0, items: 10, limit: 10, next: 10, more: true},
		"hasMore false":            {meta: pageMeta{HasMore: &no, Total: n(999)}, offset: 0, items: 10, limit: 10, next: 10, more: false},
		"hasMore wins over total":  {meta: pageMeta{HasMore: &yes, Total: n(10)}, offset: 0, items: 10, limit: 10, next: 10, more: true},
		"total, more to come":      {meta: pageMeta{Total: n(25)}, offset: 10, items: 10, limit: 10, next: 20, more: true},
		"total, reached":           {meta: pageMeta{Total: n(20)}, offset: 10, items: 10, limit: 10, next: 20, more: false},
		"no hint, full page":       {offset: 5, items: 10, limit: 10, next: 15, more: true},
		"no hint, short page":      {offset: 5, items: 3, limit: 10, next: 8, more: false},
		"server's limit is used":   {meta: pageMeta{Limit: n(3)}, offset: 0, items: 3, limit: 250, next: 3, more: true},
		"server's offset is used":  {meta: pageMeta{Offset: n(40), HasMore: &yes}, offset: 50, items: 5, limit: 5, next: 45, more: true},
		"empty page ends the list": {meta: pageMeta{HasMore: &yes}, offset: 0, items: 0, limit: 10, next: 0, more: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			next, more := tc.meta.next(tc.offset, tc.items, tc.limit)
			assert.Equal(t, tc.more, more)
			if more {
				assert.Equal(t, tc.next, next)
			}
		})
	}
}

func TestPageQuery(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		offset, limit int
		orderBy       string
		want          string
		wantErr       bool
	}{
		"defaults left out":   {want: ""},
		"all set":             {offset: 10, limit: 250, orderBy: "created_at:asc", want: "limit=250&offset=10&order-by=created_at%3Aasc"},
		"limit too large":     {limit: 251, wantErr: true},
		"negative limit":      {limit: -1, wantErr: true},
		"negative offset":     {offset: -1, wantErr: true},
		"several sort fields": {orderBy: "a:asc,b:desc", want: "order-by=a%3Aasc%2Cb%3Adesc"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			q := url.Values{}
			err := pageQuery(q, tc.offset, tc.limit, tc.orderBy)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tc.want, q.Encode())
		})
	}
}
