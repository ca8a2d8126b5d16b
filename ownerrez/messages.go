package ownerrez

import (
	"context"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
)

// MessagesService reads the messages of conversations. OwnerRez answers
// its calls only for an account that signed its messaging agreement
// ("Messaging API Access"); otherwise it refuses them (the status is not
// documented). It is safe for concurrent use.
type MessagesService struct {
	api *api.Client
}

// Get returns the message with the given id: the same object a
// thread_message delivery carries as its entity, drafts included. A
// message OwnerRez does not have returns an *APIError with status 404.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/messages/{id}
func (s *MessagesService) Get(ctx context.Context, id int64) (*ThreadMessage, *Response, error) {
	return getRecord[ThreadMessage](ctx, s.api, "message", "/messages", id)
}

// Normalize returns m as an event.Message: what the Receiver gives for a
// delivery carrying m, through the same code. A draft is never Incoming.
func (m *ThreadMessage) Normalize() event.Message { return messageOf(m) }
