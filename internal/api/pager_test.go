package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagesOf returns a PageFunc serving pages by 1-based page number, and a
// pointer to the cursors it was called with.
func pagesOf(pages [][]int, failAt string) (PageFunc[int], *[]string) {
	var calls []string
	return func(ctx context.Context, cursor string) ([]int, string, error) {
		calls = append(calls, cursor)
		if cursor == failAt {
			return nil, "", errors.New("page failed")
		}
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 1 || n > len(pages) {
			return nil, "", fmt.Errorf("bad cursor %q", cursor)
		}
		next := ""
		if n < len(pages) {
			next = strconv.Itoa(n + 1)
		}
		return pages[n-1], next, nil
	}, &calls
}

// collect ranges over seq, stopping after limit items (0: no limit).
func collect(seq func(func(int, error) bool), limit int) ([]int, []error) {
	var items []int
	var errs []error
	for it, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, it)
		if limit > 0 && len(items) == limit {
			break
		}
	}
	return items, errs
}

func TestPages(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		pages     [][]int
		failAt    string
		limit     int
		wantItems []int
		wantCalls []string
		wantErr   string
	}{
		"single page":            {pages: [][]int{{1, 2}}, wantItems: []int{1, 2}, wantCalls: []string{"1"}},
		"several pages":          {pages: [][]int{{1, 2}, {3}, {4, 5}}, wantItems: []int{1, 2, 3, 4, 5}, wantCalls: []string{"1", "2", "3"}},
		"empty first page":       {pages: [][]int{{}}, wantCalls: []string{"1"}},
		"empty page stops":       {pages: [][]int{{1}, {}, {3}}, wantItems: []int{1}, wantCalls: []string{"1", "2"}},
		"error yielded once":     {pages: [][]int{{1, 2}, {3}, {4}}, failAt: "2", wantItems: []int{1, 2}, wantCalls: []string{"1", "2"}, wantErr: "page failed"},
		"error on first page":    {pages: [][]int{{1}}, failAt: "1", wantCalls: []string{"1"}, wantErr: "page failed"},
		"early break":            {pages: [][]int{{1, 2}, {3, 4}, {5}}, limit: 3, wantItems: []int{1, 2, 3}, wantCalls: []string{"1", "2"}},
		"break at page boundary": {pages: [][]int{{1, 2}, {3, 4}}, limit: 2, wantItems: []int{1, 2}, wantCalls: []string{"1"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fetch, calls := pagesOf(tt.pages, tt.failAt)
			items, errs := collect(Pages(context.Background(), "1", fetch), tt.limit)
			if diff := cmp.Diff(tt.wantItems, items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCalls, *calls); diff != "" {
				t.Errorf("fetched cursors (-want +got):\n%s", diff)
			}
			if tt.wantErr == "" {
				assert.Empty(t, errs)
				return
			}
			require.Len(t, errs, 1, "an error is yielded exactly once")
			assert.EqualError(t, errs[0], tt.wantErr)
		})
	}
}

func TestPages_context(t *testing.T) {
	t.Parallel()

	t.Run("canceled before start", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		fetch, calls := pagesOf([][]int{{1}}, "")
		items, errs := collect(Pages(ctx, "1", fetch), 0)
		assert.Empty(t, items)
		assert.Empty(t, *calls)
		require.Len(t, errs, 1)
		require.ErrorIs(t, errs[0], context.Canceled)
	})

	t.Run("canceled between pages", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		fetch, calls := pagesOf([][]int{{1, 2}, {3}}, "")
		var items []int
		var errs []error
		for it, err := range Pages(ctx, "1", fetch) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			items = append(items, it)
			if it == 2 {
				cancel()
			}
		}
		assert.Equal(t, []int{1, 2}, items)
		assert.Equal(t, []string{"1"}, *calls, "no page is fetched after cancellation")
		require.Len(t, errs, 1)
		require.ErrorIs(t, errs[0], context.Canceled)
	})
}

func TestPages_repeatedCursor(t *testing.T) {
	t.Parallel()
	var calls int
	fetch := func(ctx context.Context, cursor string) ([]string, string, error) {
		calls++
		return []string{"a"}, cursor, nil
	}
	var errs []error
	for _, err := range Pages(context.Background(), "p", fetch) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	assert.Equal(t, 1, calls)
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], ErrCursorRepeated)
}

func TestPages_rangeTwice(t *testing.T) {
	t.Parallel()
	fetch, _ := pagesOf([][]int{{1}, {2}}, "")
	seq := Pages(context.Background(), "1", fetch)
	first, _ := collect(seq, 0)
	second, _ := collect(seq, 0)
	assert.Equal(t, []int{1, 2}, first)
	assert.Equal(t, first, second)
}

// TestPages_client pages through a server the way each provider does: by
// page number, by offset and by following next_page_url.
func TestPages_client(t *testing.T) {
	t.Parallel()
	all := []string{"a", "b", "c", "d", "e"}
	const size = 2
	var srvURL string
	c, srv := setup(t, Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var start int
		switch r.URL.Path {
		case "/webhooks": // page number
			page, _ := strconv.Atoi(q.Get("pagination[page]"))
			start = (page - 1) * size
		case "/v1/webhooks/", "/v2/webhooksubscriptions": // offset
			start, _ = strconv.Atoi(q.Get("offset"))
		}
		end := min(start+size, len(all))
		items := all[min(start, end):end]
		next := ""
		if end < len(all) {
			next = "/v2/webhooksubscriptions?offset=" + strconv.Itoa(end)
			if end == 2 {
				next = srvURL + next // absolute once, relative afterwards
			}
		}
		writeJSON(w, map[string]any{"items": items, "next_page_url": next})
	}))
	srvURL = srv.URL

	type page struct {
		Items []string `json:"items"`
		Next  string   `json:"next_page_url"`
	}
	byPage := func(ctx context.Context, cursor string) ([]string, string, error) {
		var p page
		_, err := c.Do(ctx, Request{Path: "/webhooks", Query: map[string][]string{"pagination[page]": {cursor}, "pagination[limit]": {"2"}}}, &p)
		n, _ := strconv.Atoi(cursor)
		return p.Items, strconv.Itoa(n + 1), err
	}
	byOffset := func(ctx context.Context, cursor string) ([]string, string, error) {
		var p page
		_, err := c.Do(ctx, Request{Path: "/v1/webhooks/", Query: map[string][]string{"offset": {cursor}, "limit": {"2"}}}, &p)
		n, _ := strconv.Atoi(cursor)
		next := ""
		if len(p.Items) == size {
			next = strconv.Itoa(n + size)
		}
		return p.Items, next, err
	}
	byURL := func(ctx context.Context, cursor string) ([]string, string, error) {
		var p page
		_, err := c.Do(ctx, Request{Path: cursor}, &p)
		return p.Items, p.Next, err
	}
	for name, tt := range map[string]struct {
		first string
		fetch PageFunc[string]
	}{
		"page number":   {"1", byPage},
		"offset":        {"0", byOffset},
		"next page URL": {"/v2/webhooksubscriptions", byURL},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for it, err := range Pages(context.Background(), tt.first, tt.fetch) {
				require.NoError(t, err)
				got = append(got, it)
			}
			assert.Equal(t, all, got)
		})
	}
}
