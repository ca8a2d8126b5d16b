package channex

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// Subscription is a Channex webhook as Channex stores it: where Channex
// POSTs which events. (Channex calls it a webhook; this package keeps that
// word for the deliveries, Webhook.) Create, Update and Test take a
// SubscriptionParams.
type Subscription struct {
	// ID identifies the webhook.
	ID string `json:"id"`
	// PropertyID is the property whose events are delivered; "" for a
	// global webhook, which Channex stores with property_id null and which
	// covers every property of the account, new ones included. When both a
	// global and a property webhook match an event, only the property one
	// is called.
	PropertyID string `json:"property_id,omitempty"`
	// Global marks a global webhook (Channex's is_global).
	Global bool `json:"is_global"`
	// OrganizationID is the organization owning the webhook.
	OrganizationID string `json:"organization_id,omitempty"`
	// URL is where Channex POSTs deliveries (Channex's callback_url).
	URL string `json:"callback_url"`
	// Events are the entries of Channex's event_mask, split at ";": ["*"]
	// for all events, or names such as "booking_new", or an ARI filter
	// such as "ari:rate:*:<rate plan id>".
	Events []string `json:"events"`
	// Headers are added to every delivery, such as the secret header that
	// NewVerifier checks.
	Headers map[string]string `json:"headers"`
	// RequestParams are added to the query string of every delivery.
	RequestParams map[string]string `json:"request_params"`
	// Enabled reports whether Channex calls the webhook (is_active).
	Enabled bool `json:"is_active"`
	// SendData reports whether deliveries carry their payload.
	SendData bool `json:"send_data"`
	// Protected is Channex's "protected" flag, which its read model lists
	// without documenting its effect.
	Protected bool `json:"protected"`
}

// SubscriptionParams is what Create, Update and Test send, as
// {"webhook": {...}}. Only the fields Channex documents for writing are
// sent. Channex does not document whether PUT merges or replaces, so Update
// sends every field, zero values included: read the webhook with Get, fill
// the params from it, change them and pass them back.
type SubscriptionParams struct {
	// PropertyID is the property whose events are delivered; "" sends
	// property_id null, for a global webhook (set Global too).
	PropertyID string
	// Global makes a global webhook (is_global); sent only when true.
	Global bool
	// URL is where Channex POSTs deliveries (callback_url). Required.
	URL string
	// Events become the event_mask, joined with ";": ["*"] for all, or
	// names such as "booking_new", or an ARI filter. Channex requires at
	// least one (else a 422).
	Events []string
	// Headers are added to every delivery. Put the secret header that
	// NewVerifier checks here, such as {SuggestedHeader: token}. Nil is
	// sent as {}.
	Headers map[string]string
	// RequestParams are added to the query string of every delivery. Nil
	// is sent as {}.
	RequestParams map[string]string
	// Enabled makes Channex call the webhook (is_active). Always sent:
	// Channex's default, and the zero value, is false, inactive.
	Enabled bool
	// SendData makes deliveries carry their payload (send_data). Always
	// sent: Channex's default, and the zero value, is false, the envelope
	// only.
	SendData bool
	// Protected sets Channex's "protected" flag, whose effect Channex does
	// not document; sent only when true.
	Protected bool
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
func subscriptionOf(r resource[subscriptionAttributes]) *Subscription {
	a := r.Attributes
	s := &Subscription{
		ID:             string(r.ID),
		PropertyID:     r.Relationships["property"].id(),
		OrganizationID: r.Relationships["organization"].id(),
		Global:         a.IsGlobal.Value,
		URL:            a.CallbackURL,
		Events:         splitMask(a.EventMask),
		Headers:        a.Headers,
		RequestParams:  a.RequestParams,
		Enabled:        a.IsActive.Value,
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

// splitMask splits an event_mask into its ";"-separated entries.
func splitMask(mask string) []string {
	var out []string
	for e := range strings.SplitSeq(mask, ";") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// subscriptionWrite is the body of create, update and test:
// {"webhook": {...}} with the fields Channex documents for writing.
// property_id is always sent, null for a global webhook; is_global and
// protected only when true.
type subscriptionWrite struct {
	Webhook struct {
		PropertyID    *string           `json:"property_id"`
		CallbackURL   string            `json:"callback_url"`
		EventMask     string            `json:"event_mask"`
		RequestParams map[string]string `json:"request_params"`
		Headers       map[string]string `json:"headers"`
		IsActive      bool              `json:"is_active"`
		SendData      bool              `json:"send_data"`
		IsGlobal      bool              `json:"is_global,omitempty"`
		Protected     bool              `json:"protected,omitempty"`
	} `json:"webhook"`
}

// errNoParams is returned, wrapped, by writes given nil params.
var errNoParams = errors.New("nil params")

// writeBody returns the request body for p. Nil maps are sent as {}, as in
// Channex's examples.
func writeBody(p *SubscriptionParams) (*subscriptionWrite, error) {
	if p == nil {
		return nil, errNoParams
	}
	mask := strings.Join(splitMask(strings.Join(p.Events, ";")), ";")
	b := &subscriptionWrite{}
	w := &b.Webhook
	if p.PropertyID != "" {
		id := p.PropertyID
		w.PropertyID = &id
	}
	w.CallbackURL, w.EventMask = p.URL, mask
	w.RequestParams, w.Headers = emptyIfNil(p.RequestParams), emptyIfNil(p.Headers)
	w.IsActive, w.SendData, w.Protected, w.IsGlobal = p.Enabled, p.SendData, p.Protected, p.Global
	return b, nil
}

func emptyIfNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

// SubscriptionListOptions selects a page of webhooks. Channex documents no
// filter for its webhook list, so it holds only the ListOptions (Page and
// PerPage). The zero value asks for Channex's default: page 1 of 10.
type SubscriptionListOptions struct {
	ListOptions
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
// account. A nil opts is the zero SubscriptionListOptions.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// GET /webhooks
func (s *WebhooksService) List(ctx context.Context, opts *SubscriptionListOptions) (*Page[Subscription], *Response, error) {
	var o SubscriptionListOptions
	if opts != nil {
		o = *opts
	}
	var out many[subscriptionAttributes]
	req := api.Request{Method: http.MethodGet, Path: "/webhooks", Query: pageQuery(o.ListOptions)}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: list webhooks: %w", err)
	}
	subs := make([]*Subscription, 0, len(out.Data))
	for _, r := range out.Data {
		subs = append(subs, subscriptionOf(r))
	}
	return pageOf(subs, out.Meta, o.ListOptions), raw.Response(), nil
}

// All iterates over every webhook from the page opts selects on, fetching
// pages of opts.PerPage (0 means 100, Channex's maximum) as it goes. A nil
// opts starts at the first page. An error is yielded once, with a nil
// Subscription, and ends the iteration. Breaking out of the loop fetches
// no further page. Webhooks created or deleted during the iteration may be
// missed or seen twice.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// GET /webhooks
func (s *WebhooksService) All(ctx context.Context, opts *SubscriptionListOptions) iter.Seq2[*Subscription, error] {
	var o SubscriptionListOptions
	if opts != nil {
		o = *opts
	}
	o.PerPage = cmp.Or(o.PerPage, maxLimit)
	return api.All(ctx, o.ListOptions, func(ctx context.Context, lo ListOptions) (*Page[Subscription], *Response, error) {
		po := o
		po.ListOptions = lo
		return s.List(ctx, &po)
	})
}

// Get returns the webhook id. A missing webhook is an *APIError with
// StatusCode 404.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// GET /webhooks/{id}
func (s *WebhooksService) Get(ctx context.Context, id string) (*Subscription, *Response, error) {
	if id == "" {
		return nil, nil, fmt.Errorf("channex: get webhook: %w", errEmptyID)
	}
	var out one[subscriptionAttributes]
	req := api.Request{Method: http.MethodGet, Path: "/webhooks/" + url.PathEscape(id)}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: get webhook: %w", err)
	}
	return subscriptionOf(out.Data), raw.Response(), nil
}

// Create creates a webhook from p and returns it as Channex stored it.
// A nil p fails before sending. Invalid fields, such as no Events, give an
// *APIError with StatusCode 422 (see FieldErrors). Create is sent once: it
// is not retried once it may have reached Channex.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// POST /webhooks
func (s *WebhooksService) Create(ctx context.Context, p *SubscriptionParams) (*Subscription, *Response, error) {
	body, err := writeBody(p)
	if err != nil {
		return nil, nil, fmt.Errorf("channex: create webhook: %w", err)
	}
	var out one[subscriptionAttributes]
	req := api.Request{Method: http.MethodPost, Path: "/webhooks", Body: body}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: create webhook: %w", err)
	}
	return subscriptionOf(out.Data), raw.Response(), nil
}

// Update writes p to the webhook id and returns it as Channex stored it.
// Every field of p is sent (see SubscriptionParams): a field left zero is
// written as zero.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// PUT /webhooks/{id}
func (s *WebhooksService) Update(ctx context.Context, id string, p *SubscriptionParams) (*Subscription, *Response, error) {
	if id == "" {
		return nil, nil, fmt.Errorf("channex: update webhook: %w", errEmptyID)
	}
	body, err := writeBody(p)
	if err != nil {
		return nil, nil, fmt.Errorf("channex: update webhook: %w", err)
	}
	var out one[subscriptionAttributes]
	req := api.Request{Method: http.MethodPut, Path: "/webhooks/" + url.PathEscape(id), Body: body}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: update webhook: %w", err)
	}
	return subscriptionOf(out.Data), raw.Response(), nil
}

// Delete removes the webhook id.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// DELETE /webhooks/{id}
func (s *WebhooksService) Delete(ctx context.Context, id string) (*Response, error) {
	if id == "" {
		return nil, fmt.Errorf("channex: delete webhook: %w", errEmptyID)
	}
	req := api.Request{Method: http.MethodDelete, Path: "/webhooks/" + url.PathEscape(id)}
	raw, err := s.client.api.Do(ctx, req, nil)
	if err != nil {
		return raw.Response(), fmt.Errorf("channex: delete webhook: %w", err)
	}
	return raw.Response(), nil
}

// Test makes Channex POST a test delivery to p's URL, with its Headers and
// RequestParams, and returns what the callback answered. The webhook need
// not be saved. What the test delivery contains is not documented; a
// Receiver treats an unknown event name as event.TypeUnknown. Test is sent
// once: it is not retried once it may have reached Channex.
//
// Channex docs: https://docs.channex.io/api-v.1-documentation/webhook-collection
//
// POST /webhooks/test
func (s *WebhooksService) Test(ctx context.Context, p *SubscriptionParams) (*TestResult, *Response, error) {
	body, err := writeBody(p)
	if err != nil {
		return nil, nil, fmt.Errorf("channex: test webhook: %w", err)
	}
	// The documented answer is {"status_code", "body"}; a "data" wrapper,
	// as in Channex's other answers, is accepted too.
	var out struct {
		TestResult
		Data *TestResult `json:"data"`
	}
	req := api.Request{Method: http.MethodPost, Path: "/webhooks/test", Body: body}
	raw, err := s.client.api.Do(ctx, req, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("channex: test webhook: %w", err)
	}
	res := out.TestResult
	if out.Data != nil && res == (TestResult{}) {
		res = *out.Data
	}
	return &res, raw.Response(), nil
}
