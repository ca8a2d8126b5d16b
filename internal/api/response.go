package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Response is what a provider client returns with every call: the status,
// headers, request id and rate-limit figures of the answer, and how many
// times the request was sent. Provider packages expose it as
// "type Response = api.Response". It never carries the body.
type Response struct {
	// StatusCode is the HTTP status code of the final attempt.
	StatusCode int

	// Header holds the response headers as received.
	Header http.Header

	// RequestID is the provider's id for the request, read from the header
	// the provider names (Config.RequestIDHeader); "" when the provider
	// sends none.
	RequestID string

	// Rate holds the rate-limit figures the provider sent with the
	// response (Config.RateLimit); its zero value means it sent none.
	Rate Rate

	// Attempts is how many times the request was sent, counting retries
	// and a re-authenticated retry; 1 when it was sent once.
	Attempts int
}

// Rate is a provider's rate-limit figures for the current window. Each
// field is zero when the provider does not send it.
type Rate struct {
	// Limit is the number of requests allowed in the window.
	Limit int

	// Remaining is the number of requests left in the window.
	Remaining int

	// Reset is when the window resets.
	Reset time.Time
}

// RateLimitFunc reads a provider's rate-limit figures from response headers.
// It returns the zero Rate when the headers carry none.
type RateLimitFunc func(http.Header) Rate

// HeaderRate returns a RateLimitFunc that reads Limit and Remaining as
// decimal integers from the headers named limit and remaining, and Reset as
// UNIX seconds from the header named reset. An empty name, a missing header
// or a value that is not a non-negative integer leaves its field zero.
func HeaderRate(limit, remaining, reset string) RateLimitFunc {
	return func(h http.Header) Rate {
		var r Rate
		r.Limit, _ = headerInt(h, limit)
		r.Remaining, _ = headerInt(h, remaining)
		if s, ok := headerInt(h, reset); ok && s > 0 {
			r.Reset = time.Unix(int64(s), 0).UTC()
		}
		return r
	}
}

// headerInt reads header name of h as a non-negative decimal integer.
func headerInt(h http.Header, name string) (int, bool) {
	if name == "" {
		return 0, false
	}
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// ListOptions selects one page of a list. Each provider maps it to its own
// query (page and limit, offset and limit, ...) and embeds it in its list
// options. Provider packages expose it as "type ListOptions =
// api.ListOptions".
type ListOptions struct {
	// Page is the 1-based page to fetch; 0 means the first page.
	Page int

	// PerPage is the number of items per page; 0 means the provider's
	// default. A provider caps it at its maximum page size.
	PerPage int
}

// Page is one page of a list. Provider packages expose it as
// "type Page[T any] = api.Page[T]".
type Page[T any] struct {
	// Items are the page's items, in the provider's order.
	Items []*T

	// Total is the number of items in the whole list; -1 when the
	// provider does not say.
	Total int

	// NextPage is the ListOptions.Page of the next page; 0 when this is
	// the last page.
	NextPage int
}
