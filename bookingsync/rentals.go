package bookingsync

import (
	"context"
	"fmt"
	"iter"

	"github.com/pmshooks/pmshooks/internal/api"
)

// RentalsService reads rentals, the properties of an account: the *Rental
// that rental_* deliveries carry. The public scope gives the fields of a
// listing; rentals_read adds the private ones (notes, owner details, ...).
// https://developers.bookingsync.com/reference/endpoints/rentals/
type RentalsService struct {
	client *Client
}

// Get returns the rental with id. A rental BookingSync does not have is an
// *APIError with StatusCode 404.
// https://developers.bookingsync.com/reference/endpoints/rentals/#get-a-single-rental
//
// GET /rentals/{id}
func (s *RentalsService) Get(ctx context.Context, id string) (*Rental, *Response, error) {
	path, err := recordPath("/rentals", id)
	if err != nil {
		return nil, nil, fmt.Errorf("bookingsync: get rental: %w", err)
	}
	return getRecord[Rental](ctx, s.client, "get rental", path, "rentals", nil)
}

// RentalListOptions selects a page of rentals. BookingSync documents no
// filter for GET /rentals (its search, GET /rentals/search, is not called).
type RentalListOptions struct {
	ListOptions
}

// List returns the page of rentals that opts selects (nil opts: the first
// page): those of the token's account, or of every account that authorized
// the application for a ClientCredentials token.
// https://developers.bookingsync.com/reference/endpoints/rentals/#list-rentals
//
// GET /rentals
func (s *RentalsService) List(ctx context.Context, opts *RentalListOptions) (*Page[Rental], *Response, error) {
	var o ListOptions
	if opts != nil {
		o = opts.ListOptions
	}
	page, _, resp, err := listRecords[Rental](ctx, s.client, "list rentals", "/rentals", "rentals", o, nil)
	return page, resp, err
}

// All returns an iterator over every rental, from opts.Page (0: the first
// page) on, PerPage (0: MaxPerPage) at a time. It stops at the first
// error, which it yields with a nil rental.
//
// GET /rentals
func (s *RentalsService) All(ctx context.Context, opts *RentalListOptions) iter.Seq2[*Rental, error] {
	var o ListOptions
	if opts != nil {
		o = opts.ListOptions
	}
	if o.PerPage == 0 {
		o.PerPage = MaxPerPage
	}
	return api.All(ctx, o, func(ctx context.Context, lo ListOptions) (*Page[Rental], *Response, error) {
		return s.List(ctx, &RentalListOptions{ListOptions: lo})
	})
}
