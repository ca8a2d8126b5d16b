package bookingsync

import (
	"context"
	"fmt"
	"iter"

	"github.com/pmshooks/pmshooks/internal/api"
)

// GuestsService reads the records BookingSync calls clients: the guests of
// bookings, the *Guest that client_* deliveries carry. Every call needs the
// clients_read or clients_write scope.
// https://developers.bookingsync.com/reference/endpoints/clients/
type GuestsService struct {
	client *Client
}

// Get returns the client (guest) with id. A client BookingSync does not
// have is an *APIError with StatusCode 404.
// https://developers.bookingsync.com/reference/endpoints/clients/#get-a-single-client
//
// GET /clients/{id}
func (s *GuestsService) Get(ctx context.Context, id string) (*Guest, *Response, error) {
	path, err := recordPath("/clients", id)
	if err != nil {
		return nil, nil, fmt.Errorf("bookingsync: get client: %w", err)
	}
	return getRecord[Guest](ctx, s.client, "get client", path, "clients", nil)
}

// GuestListOptions selects a page of clients. BookingSync documents no
// filter for GET /clients.
type GuestListOptions struct {
	ListOptions
}

// List returns the page of the account's clients that opts selects (nil
// opts: the first page).
// https://developers.bookingsync.com/reference/endpoints/clients/#list-clients
//
// GET /clients
func (s *GuestsService) List(ctx context.Context, opts *GuestListOptions) (*Page[Guest], *Response, error) {
	var o ListOptions
	if opts != nil {
		o = opts.ListOptions
	}
	page, _, resp, err := listRecords[Guest](ctx, s.client, "list clients", "/clients", "clients", o, nil)
	return page, resp, err
}

// All returns an iterator over every client, from opts.Page (0: the first
// page) on, PerPage (0: MaxPerPage) at a time. It stops at the first
// error, which it yields with a nil guest.
//
// GET /clients
func (s *GuestsService) All(ctx context.Context, opts *GuestListOptions) iter.Seq2[*Guest, error] {
	var o ListOptions
	if opts != nil {
		o = opts.ListOptions
	}
	if o.PerPage == 0 {
		o.PerPage = MaxPerPage
	}
	return api.All(ctx, o, func(ctx context.Context, lo ListOptions) (*Page[Guest], *Response, error) {
		return s.List(ctx, &GuestListOptions{ListOptions: lo})
	})
}
