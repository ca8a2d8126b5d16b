package propexo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"

	"github.com/pmshooks/pmshooks/internal/api"
)

// Propexo pages its lists by offset: the query parameters offset (from 0)
// and limit (1 to MaxPerPage), and a "meta" object beside the results.
// ListOptions' page p of size n is offset=(p-1)*n&limit=n.

// pageMeta is the "meta" of Propexo's list responses (ResponseMeta).
type pageMeta struct {
	Offset  *int  `json:"offset"`
	Limit   *int  `json:"limit"`
	HasMore *bool `json:"hasMore"`
	Total   *int  `json:"total"`
}

// listEnvelope is Propexo's list answer: {"meta": {...}, "results": [...]}.
type listEnvelope[T any] struct {
	Meta    pageMeta `json:"meta"`
	Results []*T     `json:"results"`
}

// pageSpec is the page a ListOptions selects: its 1-based number, its size
// (DefaultPerPage when PerPage is 0) and whether the size was asked for.
type pageSpec struct {
	page, size int
	sized      bool
}

// specOf returns the page o selects. A negative Page or PerPage counts as
// 0; PerPage above MaxPerPage counts as MaxPerPage.
func specOf(o ListOptions) pageSpec {
	s := pageSpec{page: max(o.Page, 1), size: DefaultPerPage}
	if o.PerPage > 0 {
		s.size, s.sized = min(o.PerPage, MaxPerPage), true
	}
	return s
}

// offset is the position of the page's first item.
func (s pageSpec) offset() int { return (s.page - 1) * s.size }

// query sets the offset, limit and order-by parameters on q, leaving out
// those at Propexo's defaults (offset 0, limit 100 when PerPage is 0, no
// order).
func (s pageSpec) query(q url.Values, orderBy string) {
	if off := s.offset(); off > 0 {
		q.Set("offset", strconv.Itoa(off))
	}
	if s.sized {
		q.Set("limit", strconv.Itoa(s.size))
	}
	if orderBy != "" {
		q.Set("order-by", orderBy)
	}
}

// pageOf builds the Page of env, the answer to the page s. NextPage is
// s.page+1 when Propexo's hasMore says more follow; without hasMore, when
// total goes beyond this page; without either, when the page was full. An
// empty page is the last.
func pageOf[T any](env *listEnvelope[T], s pageSpec) *Page[T] {
	m := env.Meta
	p := &Page[T]{Items: env.Results, Total: -1}
	if p.Items == nil {
		p.Items = []*T{}
	}
	if m.Total != nil {
		p.Total = *m.Total
	}
	n := len(env.Results)
	var more bool
	switch {
	case n == 0:
	case m.HasMore != nil:
		more = *m.HasMore
	case m.Total != nil:
		more = s.offset()+n < *m.Total
	default:
		more = n >= s.size
	}
	if more {
		p.NextPage = s.page + 1
	}
	return p
}

// errShortPage is yielded, wrapped, by the All methods when Propexo
// answers a page with fewer items than asked for but says more follow:
// the next offset, computed from the page size, would skip items.
var errShortPage = errors.New("short page before the end of the list")

// errOffset is yielded, wrapped, by the All methods when Propexo's
// meta.offset is not the offset asked for (a server that ignores it would
// otherwise serve the same page forever).
var errOffset = errors.New("answer is for another offset")

// all iterates over a list from the page opts selects, in pages of
// opts.PerPage (MaxPerPage when 0), through api.All. fetch gets one page;
// op names the list in errors.
func all[T any](ctx context.Context, op string, opts ListOptions, fetch func(context.Context, ListOptions) (*listEnvelope[T], *Response, error)) iter.Seq2[*T, error] {
	if opts.PerPage <= 0 {
		opts.PerPage = MaxPerPage
	}
	opts.PerPage = min(opts.PerPage, MaxPerPage)
	return api.All(ctx, opts, func(ctx context.Context, lo ListOptions) (*Page[T], *Response, error) {
		env, resp, err := fetch(ctx, lo)
		if err != nil {
			return nil, resp, err
		}
		spec := specOf(lo)
		if m := env.Meta.Offset; m != nil && *m != spec.offset() {
			return nil, resp, fmt.Errorf("propexo: %s: %w: asked %d, got %d", op, errOffset, spec.offset(), *m)
		}
		p := pageOf(env, spec)
		if p.NextPage != 0 && len(p.Items) < spec.size {
			return nil, resp, fmt.Errorf("propexo: %s: page %d: %w: %d of %d items", op, spec.page, errShortPage, len(p.Items), spec.size)
		}
		return p, resp, nil
	})
}
