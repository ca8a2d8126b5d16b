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
// and limit (at most MaxLimit), and a "meta" object beside the results.

// PageInfo describes one page of a list.
type PageInfo struct {
	// Offset is the position of the page's first item.
	Offset int
	// Total is the number of items in the whole list, or -1 when Propexo
	// did not say.
	Total int
	// HasMore reports whether another page follows: Propexo's hasMore when
	// it says, else whether Total goes beyond this page, else whether the
	// page was full.
	HasMore bool
	// NextOffset is the Offset of the next page, when HasMore.
	NextOffset int
}

// pageMeta is the "meta" of Propexo's list responses.
type pageMeta struct {
	Offset  *int  `json:"offset"`
	Limit   *int  `json:"limit"`
	HasMore *bool `json:"hasMore"`
	Total   *int  `json:"total"`
}

// listEnvelope is Propexo's list answer: {"meta": {...}, "results": [...]}.
type listEnvelope[T any] struct {
	Meta    pageMeta `json:"meta"`
	Results []T      `json:"results"`
}

// next returns the offset of the page after one that started at offset and
// held n items, and false when it was the last: hasMore when Propexo says,
// else total when it says, else whether the page was full.
func (m pageMeta) next(offset, n, limit int) (int, bool) {
	if n == 0 {
		return 0, false
	}
	if m.Offset != nil {
		offset = *m.Offset
	}
	if m.Limit != nil && *m.Limit > 0 {
		limit = *m.Limit
	}
	switch {
	case m.HasMore != nil:
		return offset + n, *m.HasMore
	case m.Total != nil:
		return offset + n, offset+n < *m.Total
	default:
		return offset + n, limit > 0 && n >= limit
	}
}

// pageInfo builds the PageInfo of a page that was asked for at offset with
// limit and held n items.
func (m pageMeta) pageInfo(offset, limit, n int) PageInfo {
	info := PageInfo{Offset: offset, Total: -1}
	if m.Offset != nil {
		info.Offset = *m.Offset
	}
	if m.Total != nil {
		info.Total = *m.Total
	}
	info.NextOffset, info.HasMore = m.next(offset, n, limit)
	if !info.HasMore {
		info.NextOffset = 0
	}
	return info
}

// pageQuery sets the offset, limit and order-by parameters on q, leaving
// out those at their zero value (the server's defaults: 0, 100, and for
// webhooks created_at:desc). It rejects a negative offset and a limit
// outside 0..MaxLimit.
func pageQuery(q url.Values, offset, limit int, orderBy string) error {
	if offset < 0 {
		return errors.New("negative offset")
	}
	if limit < 0 || limit > MaxLimit {
		return fmt.Errorf("limit %d outside 0..%d", limit, MaxLimit)
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if orderBy != "" {
		q.Set("order-by", orderBy)
	}
	return nil
}

// pages iterates over a list from offset on, fetching pages of limit items
// with list, through api.Pages with the offset as cursor.
func pages[T any](ctx context.Context, offset, limit int, list func(ctx context.Context, offset int) (*listEnvelope[T], error)) iter.Seq2[T, error] {
	return api.Pages(ctx, strconv.Itoa(offset), func(ctx context.Context, cursor string) ([]T, string, error) {
		at, err := strconv.Atoi(cursor)
		if err != nil {
			return nil, "", fmt.Errorf("propexo: page offset %q: %w", cursor, err)
		}
		env, err := list(ctx, at)
		if err != nil {
			return nil, "", err
		}
		next, more := env.Meta.next(at, len(env.Results), limit)
		if !more {
			return env.Results, "", nil
		}
		return env.Results, strconv.Itoa(next), nil
	})
}
