package ownerrez

import (
	"context"

	"github.com/pmshooks/pmshooks/internal/api"
)

// InquiriesService reads guests' inquiries. It is safe for concurrent use.
type InquiriesService struct {
	api *api.Client
}

// Get returns the inquiry with the given id. OwnerRez documents the call
// but no inquiry schema: Inquiry holds the members it shares with a
// Booking, and the rest of the answer is not kept. An inquiry OwnerRez
// does not have returns an *APIError with status 404.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/inquiries/{id}
func (s *InquiriesService) Get(ctx context.Context, id int64) (*Inquiry, *Response, error) {
	return getRecord[Inquiry](ctx, s.api, "inquiry", "/inquiries", id)
}
