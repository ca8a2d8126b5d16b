package channex

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// Subscription is a Channex webhook: where Channex POSTs which events.
// (Channex calls it a webhook; this package keeps that word for the
// deliveries, Webhook.)
//
// The same type is read (List, Get) and written (Create, Update, Test).
// Writes send every writable field, always, because Channex defaults the
// booleans to false: a Subscription with IsActive false creates an
// inactive webhook, and one with SendData false delivers envelopes without
// payload. ID and OrganizationID are read-only.
type Subscription struct {
	// ID identifies the webhook. Read-only.
	ID string `json:"id,omitempty"`
	// PropertyID is the property whose events are delivered; "" for a
	// global webhook, which Channex stores with property_id null and which
	// covers every property of the account, new ones included. When both a
	// global and a property webhook match an event, only the property one
	// is called.
	PropertyID string `json:"property_id,omitempty"`
	// IsGlobal marks a global webhook; set it with PropertyID "".
	IsGlobal bool `json:"is_global"`
	// OrganizationID is the organization owning the webhook. Read-only.
	OrganizationID string `json:"organization_id,omitempty"`
	// CallbackURL is where Channex POSTs deliveries. Required.
	CallbackURL string `json:"callback_url"`
	// EventMask selects the events: "*" for all, or event names separated
	// by ";", such as "booking_new;booking_modification;booking_cancellation".
	// Required.
	EventMask string `json:"event_mask"`
	// Headers are added to every delivery. Put the secret header that
	// NewVerifier checks here, such as {SuggestedHeader: token}.
	Headers map[string]string `json:"headers"`
	// RequestParams are added to the query string of every delivery.
	RequestParams map[string]string `json:"request_params"`
	// IsActive makes Channex call the webhook. Channex's default, and
	// the zero value, is false: inactive.
	IsActive bool `json:"is_active"`
	// SendData makes deliveries carry their payload. Channex's default,
	// and the zero value, is false: the envelope only.
	SendData bool `json:"send_data"`
	// Protected is Channex's "protected" flag, whose effect Channex does
	// not document.
	Protected bool `json:"protected"`
}

// subscriptionAttributes is a webhook's "attributes" as Channex sends them
// (older responses repeat the id and may carry property_id).
type subscriptionAttributes struct {
	ID            lenient.String    `json:"id"`
	PropertyID    lenient.String    `json:"property_id"`
	CallbackURL   string            `json:"callback_url"`
	EventMask     string            `json:"event_mask"`
	Headers       map[string]string `json:"headers"`
	RequestParams map[string]string `json:"request_params"`
	IsActive      lenient.Bool      `json:"is_active"`
	SendData      lenient.Bool      `json:"send_data"`
	Protected     lenient.Bool      `json:"protected"`
	IsGlobal      lenient.Bool      `json:"is_global"`
}

// subscriptionOf builds a Subscription from a response item.
func subscriptionOf(r resource[subscriptionAttributes]) Subscription {
	a := r.Attributes
	s := Subscription{
		ID:             string(r.ID),
		PropertyID:     r.Relationships["property"].id(),
		OrganizationID: r.Relationships["organization"].id(),
		IsGlobal:       a.IsGlobal.Value,
		CallbackURL:    a.CallbackURL,
		EventMask:      a.EventMask,
		Headers:        a.Headers,
		RequestParams:  a.RequestParams,
		IsActive:       a.IsActive.Value,
		SendData:       a.SendData.Value,
		Protected:      a.Protected.Value,
	}
	if s.ID == "" {
		s.ID = string(a.ID)
	}
	if s.PropertyID == "" {
		s.PropertyID = string(a.PropertyID)
	}
	return s
}

// subscriptionWrite is the body of create, update and test:
// {"webhook": {...}}, every key always present. property_id is null for a
// global webhook.
type subscriptionWrite struct {
	Webhook struct {
		PropertyID    *string           `json:"property_id"`
		CallbackURL   string            `json:"callback_url"`
		EventMask     string            `json:"event_mask"`
		RequestParams map[string]string `json:"request_params"`
		Headers       map[string]string `json:"headers"`
		IsActive      bool              `json:"is_active"`
		SendData      bool              `json:"send_data"`
		Protected     bool              `json:"protected"`
		IsGlobal      bool              `json:"is_global"`
	} `json:"webhook"`
}

// writeBody returns the request body for s. Nil maps are sent as {}, as in
// Channex's examples.
func writeBody(s Subscription) subscriptionWrite {
	var b subscriptionWrite
	w := &b.Webhook
	if s.PropertyID != "" {
		id := s.PropertyID
		w.PropertyID = &id
	}
	w.CallbackURL, w.EventMask = s.CallbackURL, s.EventMask
	w.RequestParams, w.Headers = emptyIfNil(s.RequestParams), emptyIfNil(s.Headers)
	w.IsActive, w.SendData, w.Protected, w.IsGlobal = s.IsActive, s.SendData, s.Protected, s.IsGlobal
	return b
}

func emptyIfNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

// ListOptions selects a page of a list. The zero value asks for Channex's
// default: page 1 of 10.
type ListOptions struct {
	// Page is the 1-based page number; 0 means 1.
	Page int
	// Limit is the page size, at most 100; 0 means Channex's default, 10.
	Limit int
}

// TestResult is what Channex reports after a test call of a callback URL:
// the status code and body the callback answered.
type TestResult struct {
	StatusCode int    `json:"status_code"`
	Body       string `json:"body"`
}

// WebhooksService manages webhook subscriptions. Get one from
// Client.Webhooks; it is safe for concurrent use.
type WebhooksService struct {
	client *Client
}

// errEmptyID is returned, wrapped, by methods given an empty id: the
// request would address the collection instead of one item.
var errEmptyID = errors.New("empty id")

// List returns one page of the webhooks of the API key's properties and
// account, with the pagination Channex reports. A nil opts is the zero
// ListOptions.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// GET /webhooks
func (s *WebhooksService) List(ctx context.Context, opts *ListOptions) ([]Subscription, *Pagination, error) {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	subs, page, err := s.list(ctx, o.Page, o.Limit)
	if err != nil {
		return nil, nil, fmt.Errorf("channex: list webhooks: %w", err)
	}
	return subs, &page, nil
}

func (s *WebhooksService) list(ctx context.Context, page, limit int) ([]Subscription, Pagination, error) {
	var out many[subscriptionAttributes]
	req := api.Request{Method: http.MethodGet, Path: "/webhooks", Query: pageQuery(page, limit)}
	if _, err := s.client.api.Do(ctx, req, &out); err != nil {
		return nil, Pagination{}, err
	}
	subs := make([]Subscription, 0, len(out.Data))
	for _, r := range out.Data {
		subs = append(subs, subscriptionOf(r))
	}
	return subs, out.Meta, nil
}

// All iterates over every webhook, fetching pages of 100 as it goes. An
// error is yielded once, with a zero Subscription, and ends the iteration.
// Breaking out of the loop fetches no further page. Webhooks created or
// deleted during the iteration may be missed or seen twice.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// GET /webhooks
func (s *WebhooksService) All(ctx context.Context) iter.Seq2[Subscription, error] {
	return api.Pages(ctx, "1", func(ctx context.Context, cursor string) ([]Subscription, string, error) {
		page, err := strconv.Atoi(cursor)
		if err != nil {
			return nil, "", fmt.Errorf("channex: list webhooks: invalid page %q", cursor)
		}
		subs, meta, err := s.list(ctx, page, maxLimit)
		if err != nil {
			return nil, "", fmt.Errorf("channex: list webhooks: page %d: %w", page, err)
		}
		if meta.Page == 0 {
			meta.Page = page
		}
		return subs, meta.next(len(subs), maxLimit), nil
	})
}

// Get returns the webhook id. A missing webhook is an *APIError with
// StatusCode 404.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// GET /webhooks/{id}
func (s *WebhooksService) Get(ctx context.Context, id string) (*Subscription, error) {
	if id == "" {
		return nil, fmt.Errorf("channex: get webhook: %w", errEmptyID)
	}
	var out one[subscriptionAttributes]
	req := api.Request{Method: http.MethodGet, Path: "/webhooks/" + url.PathEscape(id)}
	if _, err := s.client.api.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("channex: get webhook: %w", err)
	}
	sub := subscriptionOf(out.Data)
	return &sub, nil
}

// Create creates the webhook sub (its ID and OrganizationID are ignored)
// and returns it as Channex stored it. Invalid fields give an *APIError
// with StatusCode 422 (see FieldErrors). Create is sent once: it is not
// retried once it may have reached Channex.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// POST /webhooks
func (s *WebhooksService) Create(ctx context.Context, sub Subscription) (*Subscription, error) {
	var out one[subscriptionAttributes]
	req := api.Request{Method: http.MethodPost, Path: "/webhooks", Body: writeBody(sub)}
	if _, err := s.client.api.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("channex: create webhook: %w", err)
	}
	created := subscriptionOf(out.Data)
	return &created, nil
}

// Update replaces the webhook id with sub and returns it as Channex stored
// it. Every writable field is sent, so read the webhook with Get, change
// it, and pass it back: a field left zero is written as zero. (Whether
// Channex merges or replaces is not documented; sending everything is
// right either way.)
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// PUT /webhooks/{id}
func (s *WebhooksService) Update(ctx context.Context, id string, sub Subscription) (*Subscription, error) {
	if id == "" {
		return nil, fmt.Errorf("channex: update webhook: %w", errEmptyID)
	}
	var out one[subscriptionAttributes]
	req := api.Request{Method: http.MethodPut, Path: "/webhooks/" + url.PathEscape(id), Body: writeBody(sub)}
	if _, err := s.client.api.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("channex: update webhook: %w", err)
	}
	updated := subscriptionOf(out.Data)
	return &updated, nil
}

// Delete removes the webhook id.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// DELETE /webhooks/{id}
func (s *WebhooksService) Delete(ctx context.Context, id string) error {
	if id == "" {
		return fmt.Errorf("channex: delete webhook: %w", errEmptyID)
	}
	req := api.Request{Method: http.MethodDelete, Path: "/webhooks/" + url.PathEscape(id)}
	if _, err := s.client.api.Do(ctx, req, nil); err != nil {
		return fmt.Errorf("channex: delete webhook: %w", err)
	}
	return nil
}

// Test makes Channex POST a test delivery to sub's CallbackURL, with its
// Headers and RequestParams, and returns what the callback answered. sub
// need not be saved. What the test delivery contains is not documented; a
// Receiver treats an unknown event name as event.TypeUnknown. Test is sent
// once: it is not retried once it may have reached Channex.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// POST /webhooks/test
func (s *WebhooksService) Test(ctx context.Context, sub Subscription) (*TestResult, error) {
	// The documented answer is {"status_code", "body"}; a "data" wrapper,
	// as in Channex's other answers, is accepted too.
	var out struct {
		TestResult
		Data *TestResult `json:"data"`
	}
	req := api.Request{Method: http.MethodPost, Path: "/webhooks/test", Body: writeBody(sub)}
	if _, err := s.client.api.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("channex: test webhook: %w", err)
	}
	res := out.TestResult
	if out.Data != nil && res == (TestResult{}) {
		res = *out.Data
	}
	return &res, nil
}
