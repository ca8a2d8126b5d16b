package ownerrez

import (
	"context"

	"github.com/pmshooks/pmshooks/internal/api"
)

// PropertiesService reads rental properties. It is safe for concurrent
// use.
type PropertiesService struct {
	api *api.Client
}

// Get returns the property with the given id: the same object a property
// delivery carries as its entity. A property OwnerRez does not have
// returns an *APIError with status 404. The reference lists include_tags,
// include_fields and include_listing_numbers for properties without saying
// which apply to this call; Get sends none.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/properties/{id}
func (s *PropertiesService) Get(ctx context.Context, id int64) (*Property, *Response, error) {
	return getRecord[Property](ctx, s.api, "property", "/properties", id)
}
