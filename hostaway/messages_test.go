package hostaway_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
)

func TestMessagesService_Get(t *testing.T) {
	t.Parallel()
	c, srv, _ := fakeSetup(t)
	id := srv.PutMessage(map[string]any{"conversationId": 77, "reservationId": 13, "body": "Hello", "isIncoming": 0,
		"sentToChannelDate": "2026-01-02 03:04:05"})

	m, resp, err := c.Messages.Get(t.Context(), 77, id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, id, m.ID.Int64())
	assert.Equal(t, "Hello", string(m.Body))
	assert.Len(t, m.Attachments, 1)
	assert.Equal(t, event.Message{
		ID: m.ID.String(), ConversationID: "77", BookingID: "13", PropertyID: "40160", Body: "Hello",
		SentAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}, m.Message(nil))
	berlin := time.FixedZone("CET", 3600)
	assert.Equal(t, time.Date(2026, 1, 2, 3, 4, 5, 0, berlin), m.Message(berlin).SentAt)
	assert.Equal(t, 1, srv.Requests("GET", "/conversations/{conversationId}/messages/{id}"))

	for _, conv := range []int64{78, 0} {
		_, _, err = c.Messages.Get(t.Context(), conv, id)
		var apiErr *hostaway.APIError
		require.ErrorAs(t, err, &apiErr, "another conversation's message")
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	}
}
