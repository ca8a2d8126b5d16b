package ownerrez

import (
	"context"

	"github.com/pmshooks/pmshooks/internal/api"
)

// GuestsService reads guests, which the OwnerRez interface calls
// contacts. It is safe for concurrent use.
type GuestsService struct {
	api *api.Client
}

// Get returns the guest with the given id: the same object a guest
// delivery carries as its entity. A guest OwnerRez does not have returns
// an *APIError with status 404 (OwnerRez's text: "Expected entity
// Guest:Id:1 not found.").
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/guests/{id}
func (s *GuestsService) Get(ctx context.Context, id int64) (*Guest, *Response, error) {
	return getRecord[Guest](ctx, s.api, "guest", "/guests", id)
}
