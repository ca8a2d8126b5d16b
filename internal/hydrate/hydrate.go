// Package hydrate is the glue every provider's event.Hydrator shares: it runs
// a record call and turns its outcome into what event.Hydrator promises (a
// hydrated event, a deleted record, a rate-limit error to wait out).
package hydrate

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
)

// Fetch runs fetch for e and returns e hydrated with the record it
// returned (see event.WithRecord), FetchedAt set to now() before the call
// when fetch left it zero. now nil means time.Now.
//
// Of fetch's errors: an *api.Error with status 404 or 410 is a deleted
// record (Record.Deleted, no error); an *api.Error with status 429, or an
// *api.LimitError, becomes an *event.RateLimitError for provider p with the
// wait the provider asked for; any other error is returned as it is.
func Fetch(ctx context.Context, p event.Provider, e event.Event, now func() time.Time,
	fetch func(ctx context.Context) (event.Record, error)) (event.Event, error) {
	if now == nil {
		now = time.Now
	}
	at := now()
	rec, err := fetch(ctx)
	if err == nil {
		if rec.FetchedAt.IsZero() {
			rec.FetchedAt = at
		}
		return event.WithRecord(e, rec), nil
	}
	var apiErr *api.Error
	if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusNotFound || apiErr.StatusCode == http.StatusGone) {
		return event.WithRecord(e, event.Record{Deleted: true, FetchedAt: at}), nil
	}
	return nil, RateLimited(p, err)
}

// RateLimited returns err as an *event.RateLimitError of provider p when it
// is a refusal for the provider's rate limit: an *api.Error with status 429
// (with the wait its Retry-After asks), or an *api.LimitError (a window the
// client knows is closed); otherwise err itself. Record calls of Hydrators
// and Sources report rate limits through it.
func RateLimited(p event.Provider, err error) error {
	var apiErr *api.Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests {
		d, _ := apiErr.RetryAfter()
		return &event.RateLimitError{Provider: p, RetryAfter: d, Err: err}
	}
	var limitErr *api.LimitError
	if errors.As(err, &limitErr) {
		return &event.RateLimitError{Provider: p, RetryAfter: limitErr.Wait, Err: err}
	}
	return err
}
