package event

import "time"

// Message is one message in a conversation with a guest, normalized across
// providers. Fields the delivery does not carry are zero.
type Message struct {
	ID             string `json:"id"`
	ConversationID string `json:"conversation_id,omitempty"`
	BookingID      string `json:"booking_id,omitempty"`
	PropertyID     string `json:"property_id,omitempty"`
	Body           string `json:"body"`
	// Incoming is true when the guest wrote the message, false when the host,
	// the property manager or the system did.
	Incoming bool      `json:"incoming"`
	SentAt   time.Time `json:"sent_at,omitzero"`
}

// MessageOf returns the normalized message that e carries, and false when it
// carries none. Events made by New and by the provider packages carry one for
// message deliveries; any other Event can offer one by having a method
// Message() (Message, bool).
func MessageOf(e Event) (Message, bool) {
	if e == nil {
		return Message{}, false
	}
	if m, ok := e.(interface{ Message() (Message, bool) }); ok {
		return m.Message()
	}
	return Message{}, false
}
