package hostaway

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
)

// MessagesService reads conversation messages
// (/v1/conversations/{conversationId}/messages). Get it from
// Client.Messages; it is safe for concurrent use.
type MessagesService struct {
	client *Client
}

func messagePath(conversationID, id int64) string {
	return "/conversations/" + strconv.FormatInt(conversationID, 10) + "/messages/" + strconv.FormatInt(id, 10)
}

// Message returns m normalized, exactly as a delivery of m is: the Message
// that event.MessageOf reports for a message.received delivery whose data
// is m. loc is the zone of Hostaway's zoneless timestamps (SentAt); nil
// means UTC, as Hostaway documents and as a Receiver without WithLocation
// reads them.
func (m *ConversationMessage) Message(loc *time.Location) event.Message {
	if loc == nil {
		loc = time.UTC
	}
	return messageOf(m, loc)
}

// Get returns the message id of the conversation conversationID. Hostaway
// addresses a message only within its conversation: a message.received
// delivery carries both (ConversationMessage.ConversationID and ID).
//
// The reference does not say how Hostaway answers for a message or
// conversation it does not have; the error is then an *APIError whose
// StatusCode is what Hostaway sent (this package assumes 404).
//
// https://api.hostaway.com/documentation#retrieve-conversation-message
// GET /v1/conversations/{conversationId}/messages/{conversationMessageId}
func (s *MessagesService) Get(ctx context.Context, conversationID, id int64) (*ConversationMessage, *Response, error) {
	var m ConversationMessage
	_, resp, err := s.client.call(ctx, "get conversation message", api.Request{Method: http.MethodGet, Path: messagePath(conversationID, id)}, &m)
	if err != nil {
		return nil, resp, err
	}
	return &m, resp, nil
}
