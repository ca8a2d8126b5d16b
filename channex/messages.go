package channex

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// Message is one message of a conversation with a guest as the Messages
// API returns it (the Messages app must be installed on the property).
// The API's object is smaller than a message delivery's payload
// (MessagePayload): it has no booking or property, and names its
// conversation in a relationship; the calls fill BookingID and
// MessageThreadID from what they asked and from that relationship.
type Message struct {
	// ID identifies the message: the id of a message delivery's payload.
	ID lenient.String `json:"id"`
	// Text is the message's text (the API's "message"); "" when the
	// message is only attachments.
	Text lenient.String `json:"message"`
	// Attachments are links to files, relative to the API root (prefix
	// them with BaseURL + "/").
	Attachments []lenient.String `json:"attachments"`
	// Sender is who wrote it: "guest" or "property".
	Sender lenient.String `json:"sender"`
	// InsertedAt is when Channex received the message, without a zone
	// (UTC).
	InsertedAt lenient.Time `json:"inserted_at"`
	// UpdatedAt is when the message last changed, without a zone (UTC).
	UpdatedAt lenient.Time `json:"updated_at"`

	// MessageThreadID is the conversation (relationships.message_thread).
	MessageThreadID string `json:"-"`
	// UserID is the Channex user who sent a property message
	// (relationships.user), when named.
	UserID string `json:"-"`
	// BookingID is the booking whose messages were listed; "" for a
	// conversation's messages.
	BookingID string `json:"-"`

	// Raw is the message's attributes object exactly as received.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the message attributes and keeps a copy of b in Raw.
// A JSON null leaves m unchanged.
func (m *Message) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	type plain Message // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	p.Raw = bytes.Clone(b)
	*m = Message(p)
	return nil
}

// FromGuest reports whether the guest wrote the message.
func (m *Message) FromGuest() bool { return isGuest(string(m.Sender)) }

// Message returns the message normalized, through the same code as a
// message delivery: SentAt is InsertedAt read as UTC (a delivery has only
// its envelope's timestamp). PropertyID is "": the API does not say it.
func (m *Message) Message() event.Message {
	return normalizeMessage(string(m.ID), m.MessageThreadID, m.BookingID, "",
		string(m.Text), m.FromGuest(), utcInstant(m.InsertedAt))
}

// isGuest reports whether a sender is the guest.
func isGuest(sender string) bool { return strings.EqualFold(strings.TrimSpace(sender), "guest") }

// normalizeMessage is the one mapping of a Channex message onto
// event.Message, for deliveries (messageOf) and fetched records
// (Message.Message) alike.
func normalizeMessage(id, threadID, bookingID, propertyID, body string, fromGuest bool, sentAt time.Time) event.Message {
	return event.Message{
		ID:             id,
		ConversationID: threadID,
		BookingID:      bookingID,
		PropertyID:     propertyID,
		Body:           body,
		Incoming:       fromGuest,
		SentAt:         sentAt,
	}
}

// MessageListOptions selects a page of messages. The zero value asks for
// Channex's default page size (10); Channex serves the newest first.
type MessageListOptions struct {
	// ListOptions selects the page (pagination[page], pagination[limit]).
	ListOptions
}

// MessagesService reads the guest messages of the Messages app. Get one
// from Client.Messages; it is safe for concurrent use.
//
// Channex documents no call that returns one message by id: List a
// booking's or ListThread a conversation's messages. Channex answers 403
// when the property does not have the Messages app, and 422 (not_supported)
// when the booking's OTA has no messaging.
type MessagesService struct {
	client *Client
}

// List returns one page of the messages of the booking bookingID, newest
// first (Channex's reference shows meta order_by inserted_at, desc); a nil
// opts is the zero MessageListOptions. Each message's BookingID is
// bookingID. A missing booking is an *APIError with StatusCode 404.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/messages-collection#get-messages-per-booking
//
// GET /bookings/{booking_id}/messages
func (s *MessagesService) List(ctx context.Context, bookingID string, opts *MessageListOptions) (*Page[Message], *Response, error) {
	if bookingID == "" {
		return nil, nil, fmt.Errorf("channex: list booking messages: %w", errEmptyID)
	}
	p, resp, err := s.list(ctx, "/bookings/"+url.PathEscape(bookingID)+"/messages", bookingID, opts)
	if err != nil {
		return nil, resp, fmt.Errorf("channex: list booking messages: %w", err)
	}
	return p, resp, nil
}

// All iterates over the messages of the booking bookingID, newest first,
// fetching pages of opts.PerPage (0 means 100) as it goes. An error is
// yielded once, with a nil message, and ends the iteration.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/messages-collection#get-messages-per-booking
//
// GET /bookings/{booking_id}/messages
func (s *MessagesService) All(ctx context.Context, bookingID string, opts *MessageListOptions) iter.Seq2[*Message, error] {
	return allMessages(ctx, opts, func(ctx context.Context, o *MessageListOptions) (*Page[Message], *Response, error) {
		return s.List(ctx, bookingID, o)
	})
}

// ListThread returns one page of the messages of the conversation
// threadID, newest first; a nil opts is the zero MessageListOptions. It
// also reaches conversations without a booking (inquiries).
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/messages-collection#get-message-for-message-thread
//
// GET /message_threads/{id}/messages
func (s *MessagesService) ListThread(ctx context.Context, threadID string, opts *MessageListOptions) (*Page[Message], *Response, error) {
	if threadID == "" {
		return nil, nil, fmt.Errorf("channex: list thread messages: %w", errEmptyID)
	}
	p, resp, err := s.list(ctx, "/message_threads/"+url.PathEscape(threadID)+"/messages", "", opts)
	if err != nil {
		return nil, resp, fmt.Errorf("channex: list thread messages: %w", err)
	}
	for _, m := range p.Items {
		if m.MessageThreadID == "" {
			m.MessageThreadID = threadID
		}
	}
	return p, resp, nil
}

// AllThread iterates over the messages of the conversation threadID,
// newest first, as All does for a booking.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/messages-collection#get-message-for-message-thread
//
// GET /message_threads/{id}/messages
func (s *MessagesService) AllThread(ctx context.Context, threadID string, opts *MessageListOptions) iter.Seq2[*Message, error] {
	return allMessages(ctx, opts, func(ctx context.Context, o *MessageListOptions) (*Page[Message], *Response, error) {
		return s.ListThread(ctx, threadID, o)
	})
}

// list gets one page of messages at path; bookingID is set on each.
func (s *MessagesService) list(ctx context.Context, path, bookingID string, opts *MessageListOptions) (*Page[Message], *Response, error) {
	var o MessageListOptions
	if opts != nil {
		o = *opts
	}
	var out many[Message]
	req := api.Request{Method: http.MethodGet, Path: path, Query: pageQuery(o.ListOptions)}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), err
	}
	items := make([]*Message, 0, len(out.Data))
	for _, r := range out.Data {
		m := r.Attributes
		if m.ID == "" {
			m.ID = r.ID
		}
		m.MessageThreadID = r.Relationships["message_thread"].id()
		m.UserID = r.Relationships["user"].id()
		m.BookingID = bookingID
		items = append(items, &m)
	}
	return pageOf(items, out.Meta, o.ListOptions), raw.Response(), nil
}

// allMessages iterates over the pages list returns, 100 a page unless opts
// says otherwise.
func allMessages(ctx context.Context, opts *MessageListOptions,
	list func(context.Context, *MessageListOptions) (*Page[Message], *Response, error)) iter.Seq2[*Message, error] {
	var o MessageListOptions
	if opts != nil {
		o = *opts
	}
	o.PerPage = cmp.Or(o.PerPage, maxLimit)
	return api.All(ctx, o.ListOptions, func(ctx context.Context, lo ListOptions) (*Page[Message], *Response, error) {
		return list(ctx, &MessageListOptions{ListOptions: lo})
	})
}
