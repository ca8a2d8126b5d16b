package ownerrez

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// What every list and record call of OwnerRez shares: the list envelope
// {count, items, limit, offset, next_page_url}, paging by limit and offset,
// next_page_url in its several spellings, and single records returned as
// the bare object.

// listEnvelope is OwnerRez's list envelope.
type listEnvelope[T any] struct {
	Items       []*T           `json:"items"`
	Count       *lenient.Int   `json:"count"` // nil when absent or null
	NextPageURL lenient.String `json:"next_page_url"`
}

func (p *listEnvelope[T]) total() int {
	if p.Count == nil || p.Count.IsUnparsed() {
		return -1
	}
	return p.Count.Int()
}

// pageQuery adds to q the limit and offset of the page o selects and
// returns the page number.
func pageQuery(o ListOptions, q url.Values) (page int) {
	page, size := max(o.Page, 1), max(o.PerPage, 0)
	if size == 0 && page > 1 {
		size = DefaultPerPage // an offset needs a page size
	}
	if size > 0 {
		q.Set("limit", strconv.Itoa(size))
	}
	if offset := (page - 1) * size; offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	return page
}

// listOnce fetches the page at req into an envelope; op names the call in
// errors, such as "list bookings".
func listOnce[T any](ctx context.Context, ac *api.Client, op string, req api.Request) (*listEnvelope[T], *Response, error) {
	var page listEnvelope[T]
	raw, err := ac.Do(ctx, req, &page)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("ownerrez: %s: %w", op, err)
	}
	if page.Items == nil {
		page.Items = []*T{}
	}
	return &page, raw.Response(), nil
}

// listPage returns page n of the list at path with query q: Total is
// OwnerRez's count (-1 when it sends none), NextPage is n+1 while OwnerRez
// sends a next_page_url and the page has items.
func listPage[T any](ctx context.Context, ac *api.Client, op, path string, q url.Values, n int) (*Page[T], *Response, error) {
	page, resp, err := listOnce[T](ctx, ac, op, api.Request{Path: path, Query: q})
	if err != nil {
		return nil, resp, err
	}
	p := &Page[T]{Items: page.Items, Total: page.total()}
	if strings.TrimSpace(string(page.NextPageURL)) != "" && len(page.Items) > 0 {
		p.NextPage = n + 1
	}
	return p, resp, nil
}

// listAll iterates over the list at path with query q, following
// next_page_url from page to page as OwnerRez's own client does. See
// WebhooksService.All for when it stops.
func listAll[T any](ctx context.Context, ac *api.Client, op, path string, q url.Values) iter.Seq2[*T, error] {
	first := path
	if len(q) > 0 {
		first += "?" + q.Encode()
	}
	// Cursors are resolved paths, so that a page naming itself in any
	// spelling is caught.
	return api.Pages(ctx, first, func(ctx context.Context, cursor string) ([]*T, string, error) {
		page, _, err := listOnce[T](ctx, ac, op, api.Request{Path: cursor})
		if err != nil {
			return nil, "", err
		}
		next := strings.TrimSpace(string(page.NextPageURL))
		if next == "" {
			return page.Items, "", nil
		}
		if next, err = nextPagePath(path, next); err != nil {
			return nil, "", fmt.Errorf("ownerrez: %s: %w", op, err)
		}
		return page.Items, next, nil
	})
}

// getRecord fetches the record of the given id under collection (such as
// "/bookings"), which OwnerRez returns as the bare object; noun names it in
// errors ("booking"). It fails without a request when id is not positive.
func getRecord[T any](ctx context.Context, ac *api.Client, noun, collection string, id int64) (*T, *Response, error) {
	if id <= 0 {
		return nil, nil, fmt.Errorf("ownerrez: get %s: invalid id %d", noun, id)
	}
	var v T
	raw, err := ac.Do(ctx, api.Request{Path: collection + "/" + strconv.FormatInt(id, 10)}, &v)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("ownerrez: get %s %d: %w", noun, id, err)
	}
	return &v, raw.Response(), nil
}

// nextPagePath turns a next_page_url of the list at list (such as
// "/webhooksubscriptions") into a request path relative to the base URL,
// which ends in the version path. OwnerRez sends it relative to the API
// root ("v2/webhooksubscriptions?offset=20", as the official Zapier app
// treats it), root-relative ("/v2/..."), relative to the list (RFC 3986,
// such as "?offset=20") or absolute; an absolute URL is passed on, and the
// api client refuses it when it leaves the base URL's host. A relative one
// outside the version path is refused.
func nextPagePath(list, next string) (string, error) {
	next = strings.TrimSpace(next)
	ref, err := url.Parse(next)
	if err != nil {
		return "", errors.New("next_page_url is not a valid URL")
	}
	switch {
	case ref.IsAbs() || ref.Host != "":
		return next, nil
	case strings.HasPrefix(next, strings.TrimPrefix(versionPath, "/")+"/"):
		next = "/" + next
		if ref, err = url.Parse(next); err != nil {
			return "", errors.New("next_page_url is not a valid URL")
		}
	}
	base := &url.URL{Path: versionPath + list}
	resolved := base.ResolveReference(ref).String()
	rel, ok := strings.CutPrefix(resolved, versionPath+"/")
	if !ok {
		return "", errors.New("next_page_url is outside the API's version path")
	}
	return "/" + rel, nil
}

// listError is the error of a list call refused before any request.
func listError(op string, err error) error { return fmt.Errorf("ownerrez: %s: %w", op, err) }
