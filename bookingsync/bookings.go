package bookingsync

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
)

// BookingsService reads bookings. Its records are the *Booking that
// booking_* deliveries carry; NormalizeBooking gives the event.Booking a
// delivery of the same record gives.
// https://developers.bookingsync.com/reference/endpoints/bookings/
type BookingsService struct {
	client *Client
}

// Get returns the booking with id, cancelled or not.
//
// It sends include_canceled=true: BookingSync's reference does not say
// whether GET /bookings/{id} answers for a cancelled booking without it,
// and its own Ruby client passes it to read one. Which fields are filled
// depends on the token's scopes: the public scope (a ClientCredentials
// token) gives only id, reference, status, start_at, end_at and
// updated_at; bookings_read gives the rest. A booking BookingSync does not
// have is an *APIError with StatusCode 404.
// https://developers.bookingsync.com/reference/endpoints/bookings/#get-a-single-booking
//
// GET /bookings/{id}
func (s *BookingsService) Get(ctx context.Context, id string) (*Booking, *Response, error) {
	path, err := recordPath("/bookings", id)
	if err != nil {
		return nil, nil, fmt.Errorf("bookingsync: get booking: %w", err)
	}
	q := url.Values{"include_canceled": {"true"}}
	return getRecord[Booking](ctx, s.client, "get booking", path, "bookings", q)
}

// BookingListOptions selects bookings for List, All and Changes: a page,
// and the search parameters of BookingSync's reference. Zero fields are not
// sent. Without From, BookingSync lists only bookings that end after now,
// and without IncludeCanceled only bookings that are not cancelled.
type BookingListOptions struct {
	ListOptions

	// From selects bookings ending after it (from); BookingSync's
	// default is now.
	From time.Time
	// Until selects bookings starting before it (until).
	Until time.Time
	// Months selects bookings starting before From plus Months months
	// (months).
	Months int
	// Status selects bookings of these statuses, among "booked",
	// "unavailable" and "tentative" (status, comma-separated).
	Status []string
	// IncludeCanceled lists cancelled bookings too (include_canceled; needs
	// the bookings_read or bookings_write scope).
	IncludeCanceled bool
	// RentalIDs selects bookings of these rentals (rental_id,
	// comma-separated).
	RentalIDs []string
	// ClientIDs selects bookings of these clients (client_id,
	// comma-separated).
	ClientIDs []string
	// UpdatedSince selects bookings updated after it (updated_since): the
	// updated_since flow, whose answer also lists the ids of the bookings
	// cancelled after it (see Changes).
	UpdatedSince time.Time
}

// query returns the search parameters of o.
func (o *BookingListOptions) query() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	setTime := func(k string, t time.Time) {
		if !t.IsZero() {
			q.Set(k, formatTime(t))
		}
	}
	setList := func(k string, vs []string) {
		var kept []string
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				kept = append(kept, v)
			}
		}
		if len(kept) > 0 {
			q.Set(k, strings.Join(kept, ","))
		}
	}
	setTime("from", o.From)
	setTime("until", o.Until)
	if o.Months > 0 {
		q.Set("months", strconv.Itoa(o.Months))
	}
	setList("status", o.Status)
	if o.IncludeCanceled {
		q.Set("include_canceled", "true")
	}
	setList("rental_id", o.RentalIDs)
	setList("client_id", o.ClientIDs)
	setTime("updated_since", o.UpdatedSince)
	return q
}

// listOptions returns o's ListOptions; zero for a nil o.
func (o *BookingListOptions) listOptions() ListOptions {
	if o == nil {
		return ListOptions{}
	}
	return o.ListOptions
}

// List returns the page of bookings that opts selects (nil opts: the first
// page of BookingSync's default list, future bookings that are not
// cancelled). With opts.UpdatedSince, use Changes to get the ids of the
// bookings cancelled since as well.
// https://developers.bookingsync.com/reference/endpoints/bookings/#search-bookings
//
// GET /bookings
func (s *BookingsService) List(ctx context.Context, opts *BookingListOptions) (*Page[Booking], *Response, error) {
	page, _, resp, err := listRecords[Booking](ctx, s.client, "list bookings", "/bookings", "bookings", opts.listOptions(), opts.query())
	return page, resp, err
}

// All returns an iterator over every booking opts selects, from
// opts.Page (0: the first page) on, fetching page after page with the same
// filters and PerPage (0: MaxPerPage). It stops at the first error, which
// it yields with a nil booking.
//
// GET /bookings
func (s *BookingsService) All(ctx context.Context, opts *BookingListOptions) iter.Seq2[*Booking, error] {
	var o BookingListOptions
	if opts != nil {
		o = *opts
	}
	if o.PerPage == 0 {
		o.PerPage = MaxPerPage
	}
	return api.All(ctx, o.ListOptions, func(ctx context.Context, lo ListOptions) (*Page[Booking], *Response, error) {
		p := o
		p.ListOptions = lo
		return s.List(ctx, &p)
	})
}

// Changes is one page of the updated_since flow: the records created or
// updated since the time asked for, the ids of those deleted (for bookings:
// cancelled) since, and the server's time of the request, the cursor of the
// next sync.
// https://developers.bookingsync.com/guides/updated-since-flow/
type Changes[T any] struct {
	// Page holds the records changed since and the paging.
	*Page[T]
	// DeletedIDs are the ids of meta.deleted_ids: records deleted (for
	// bookings, cancelled) since. BookingSync sends them with every page;
	// nil when it sends none.
	DeletedIDs []string
	// SyncedAt is SyncedAtHeader, the server's time of the request: pass
	// it as UpdatedSince next time, rather than a clock of your own; zero
	// when BookingSync does not send it.
	SyncedAt time.Time
}

// Changes returns the page of bookings updated since opts.UpdatedSince,
// with the ids of the bookings cancelled since and the cursor of the next
// sync. It is List with the meta of the answer: the other filters apply as
// they do to List (without From, only bookings that end after now; without
// IncludeCanceled, cancelled bookings only as DeletedIDs). It fails,
// without a request, when opts or opts.UpdatedSince is zero.
// https://developers.bookingsync.com/guides/updated-since-flow/
//
// GET /bookings?updated_since=…
func (s *BookingsService) Changes(ctx context.Context, opts *BookingListOptions) (*Changes[Booking], *Response, error) {
	if opts == nil || opts.UpdatedSince.IsZero() {
		return nil, nil, fmt.Errorf("bookingsync: booking changes: no UpdatedSince")
	}
	page, env, resp, err := listRecords[Booking](ctx, s.client, "booking changes", "/bookings", "bookings", opts.listOptions(), opts.query())
	if err != nil {
		return nil, resp, err
	}
	ch := &Changes[Booking]{Page: page}
	if deleted := ids(env.meta.DeletedIDs); len(deleted) > 0 {
		ch.DeletedIDs = deleted
	}
	ch.SyncedAt, _ = SyncedAt(resp)
	return ch, resp, nil
}

// NormalizeBooking returns the event.Booking of b, exactly as a delivery
// that carries b normalizes it (event.BookingOf of a booking_* event).
func NormalizeBooking(b *Booking) event.Booking {
	if b == nil {
		return event.Booking{}
	}
	return bookingOf(b)
}
