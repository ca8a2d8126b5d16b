package api

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// ErrCursorRepeated is yielded by Pages when a page names itself as the next
// page, and by All when a page's NextPage does not move forward, which would
// otherwise loop forever.
var ErrCursorRepeated = errors.New("api: pagination cursor repeated")

// PageFunc fetches the page at cursor and returns its items and the cursor
// of the next page, "" when there is none. A cursor is whatever the provider
// pages by: a page number (Channex), an offset (Propexo) or a next-page URL
// (OwnerRez), formatted as a string.
type PageFunc[T any] func(ctx context.Context, cursor string) (items []T, next string, err error)

// Pages returns an iterator over every item of a paginated list, for the
// All methods of provider clients. It fetches the page at first, yields its
// items in order, then fetches the next cursor, and so on. It stops after a
// page whose next cursor is "" or that has no items, and also when the
// consumer stops early (break): no further page is then fetched.
//
// Errors are yielded once, with T's zero value, and end the iteration: an
// error from fetch, ctx.Err() when ctx is done before a page is fetched,
// and ErrCursorRepeated when next equals the cursor just fetched. The
// iterator may be ranged over more than once; each range starts again at
// first. fetch is called from the ranging goroutine only.
func Pages[T any](ctx context.Context, first string, fetch PageFunc[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := first
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, next, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" || len(items) == 0 {
				return
			}
			if next == cursor {
				yield(zero, fmt.Errorf("%w: %q", ErrCursorRepeated, cursor))
				return
			}
			cursor = next
		}
	}
}

// ListFunc fetches the page of a list that opts selects, for All.
type ListFunc[T any] func(ctx context.Context, opts ListOptions) (*Page[T], *Response, error)

// All returns an iterator over every item of a paginated list, for the All
// methods of provider clients. It fetches the page opts selects (opts.Page
// 0 means the first), yields its items in order, then fetches
// Page.NextPage with the same PerPage, and so on. It stops after a page
// whose NextPage is 0 or that has no items, and also when the consumer
// stops early (break): no further page is then fetched. Nil items are
// skipped.
//
// Errors are yielded once, with a nil item, and end the iteration: an
// error from list, ctx.Err() when ctx is done before a page is fetched,
// and ErrCursorRepeated when NextPage does not move past the page just
// fetched. The iterator may be ranged over more than once; each range
// starts again at opts.Page. list is called from the ranging goroutine
// only.
func All[T any](ctx context.Context, opts ListOptions, list ListFunc[T]) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		o := opts
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			p, _, err := list(ctx, o)
			if err != nil {
				yield(nil, err)
				return
			}
			if p == nil {
				return
			}
			for _, it := range p.Items {
				if it == nil {
					continue
				}
				if !yield(it, nil) {
					return
				}
			}
			if p.NextPage == 0 || len(p.Items) == 0 {
				return
			}
			if p.NextPage <= max(o.Page, 1) {
				yield(nil, fmt.Errorf("%w: page %d", ErrCursorRepeated, p.NextPage))
				return
			}
			o.Page = p.NextPage
		}
	}
}
