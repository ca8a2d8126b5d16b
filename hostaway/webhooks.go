package hostaway

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"strconv"
	"strings"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// Subscription is a unified webhook: the URL to which Hostaway posts every
// reservation and message event of the account. Hostaway has no per-event
// choice (no Events field): a unified webhook receives every event.
type Subscription struct {
	// ID identifies the webhook.
	ID int64
	// Enabled says whether Hostaway delivers to URL (the wire's
	// isEnabled). Hostaway disables a webhook whose deliveries keep
	// failing for five days.
	Enabled bool
	// URL is where Hostaway posts deliveries.
	URL string
	// Login and Password are sent as HTTP Basic auth with every delivery;
	// configure the same pair in NewVerifier. Hostaway does not return
	// passwords in clear: expect a mask such as "****".
	Login    string
	Password string
	// AlertingEmailAddress receives Hostaway's alert when deliveries fail
	// after their retries; "" means the account's primary email.
	AlertingEmailAddress string
	// Raw is the object exactly as Hostaway returned it, with any field the
	// reference does not document.
	Raw json.RawMessage
}

// subscriptionWire is the wire form of Subscription, decoded leniently.
type subscriptionWire struct {
	ID                   lenient.Int    `json:"id"`
	IsEnabled            lenient.Bool   `json:"isEnabled"`
	URL                  lenient.String `json:"url"`
	Login                lenient.String `json:"login"`
	Password             lenient.String `json:"password"`
	AlertingEmailAddress lenient.String `json:"alertingEmailAddress"`
}

// UnmarshalJSON decodes Hostaway's unified webhook object, whatever JSON
// types its fields arrive as (isEnabled as 0/1, "1" or true), and keeps the
// object in Raw.
func (w *Subscription) UnmarshalJSON(b []byte) error {
	var v subscriptionWire
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*w = Subscription{
		ID:                   v.ID.Int64(),
		Enabled:              v.IsEnabled.Bool(),
		URL:                  string(v.URL),
		Login:                string(v.Login),
		Password:             string(v.Password),
		AlertingEmailAddress: string(v.AlertingEmailAddress),
		Raw:                  append(json.RawMessage(nil), b...),
	}
	return nil
}

// SubscriptionParams is the body of Create and Update: every documented
// field of a unified webhook but its id, and nothing else.
type SubscriptionParams struct {
	// Enabled turns deliveries on (sent as isEnabled: 1 or 0).
	Enabled bool
	// URL is where Hostaway posts deliveries: an https URL your
	// event.NewHTTPHandler serves. Required.
	URL string
	// Login and Password are the Basic-auth pair Hostaway sends with each
	// delivery, the pair given to NewVerifier. "" sends null (no
	// credentials), which leaves the endpoint open to anyone: set both.
	Login    string
	Password string
	// AlertingEmailAddress receives the alert when deliveries keep
	// failing; "" sends null, meaning the account's primary email.
	AlertingEmailAddress string
}

// MarshalJSON encodes p as Hostaway documents the body: isEnabled as 0 or 1,
// empty texts as null.
func (p SubscriptionParams) MarshalJSON() ([]byte, error) {
	nullable := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	enabled := 0
	if p.Enabled {
		enabled = 1
	}
	return json.Marshal(struct {
		IsEnabled            int     `json:"isEnabled"`
		URL                  string  `json:"url"`
		Login                *string `json:"login"`
		Password             *string `json:"password"`
		AlertingEmailAddress *string `json:"alertingEmailAddress"`
	}{enabled, p.URL, nullable(p.Login), nullable(p.Password), nullable(p.AlertingEmailAddress)})
}

func (p *SubscriptionParams) validate() error {
	if p == nil {
		return errors.New("nil params")
	}
	if strings.TrimSpace(p.URL) == "" {
		return errors.New("empty URL")
	}
	return nil
}

// SubscriptionListOptions pages WebhooksService.List and All. A nil
// *SubscriptionListOptions means the first page with every webhook.
// Hostaway documents no filter for this list.
type SubscriptionListOptions struct {
	ListOptions
}

// WebhooksService manages the account's unified webhooks
// (/v1/webhooks/unifiedWebhooks). Get it from Client.Webhooks; it is safe for
// concurrent use.
type WebhooksService struct {
	client *Client
}

const unifiedWebhooksPath = "/webhooks/unifiedWebhooks"

func unifiedWebhookPath(id int64) string {
	return unifiedWebhooksPath + "/" + strconv.FormatInt(id, 10)
}

// list fetches the whole list: Hostaway documents no pagination for it.
func (s *WebhooksService) list(ctx context.Context) ([]*Subscription, *Response, error) {
	var hooks []*Subscription
	_, resp, err := s.client.call(ctx, "list unified webhooks", api.Request{Method: http.MethodGet, Path: unifiedWebhooksPath}, &hooks)
	if err != nil {
		return nil, resp, err
	}
	return hooks, resp, nil
}

// List returns one page of the account's unified webhooks.
//
// Hostaway does not paginate this list: it documents no limit or offset
// for it and always answers with every webhook (an account has a handful).
// List therefore fetches the whole list and cuts the page opts asks for
// out of it, so that Page means what it means for every other provider:
// PerPage 0 (or nil opts) gives every webhook on page 1; Total is the
// number of webhooks; NextPage is 0 on the last page.
//
// https://api.hostaway.com/documentation#unified-webhooks
// GET /v1/webhooks/unifiedWebhooks
func (s *WebhooksService) List(ctx context.Context, opts *SubscriptionListOptions) (*Page[Subscription], *Response, error) {
	hooks, resp, err := s.list(ctx)
	if err != nil {
		return nil, resp, err
	}
	var lo ListOptions
	if opts != nil {
		lo = opts.ListOptions
	}
	return cutPage(hooks, lo), resp, nil
}

// cutPage returns the page lo selects of items, the whole list.
func cutPage[T any](items []*T, lo ListOptions) *Page[T] {
	page := max(lo.Page, 1)
	size := lo.PerPage
	if size <= 0 {
		size = max(len(items), 1) // one page with everything
	}
	start := min((page-1)*size, len(items))
	end := min(start+size, len(items))
	p := &Page[T]{Items: append([]*T{}, items[start:end]...), Total: len(items)}
	if end < len(items) {
		p.NextPage = page + 1
	}
	return p
}

// All iterates over every unified webhook, from the page opts names on.
// Since Hostaway does not paginate the list (see List), All makes one
// request and yields its items; an error is yielded once and ends the
// iteration. A nil opts starts at the first webhook.
//
// https://api.hostaway.com/documentation#unified-webhooks
// GET /v1/webhooks/unifiedWebhooks
func (s *WebhooksService) All(ctx context.Context, opts *SubscriptionListOptions) iter.Seq2[*Subscription, error] {
	return func(yield func(*Subscription, error) bool) {
		hooks, _, err := s.list(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		skip := 0
		if opts != nil && opts.Page > 1 && opts.PerPage > 0 {
			skip = min((opts.Page-1)*opts.PerPage, len(hooks))
		}
		for _, h := range hooks[skip:] {
			if !yield(h, nil) {
				return
			}
		}
	}
}

// Get returns the unified webhook id.
//
// https://api.hostaway.com/documentation#unified-webhooks
// GET /v1/webhooks/unifiedWebhooks/{webhookId}
func (s *WebhooksService) Get(ctx context.Context, id int64) (*Subscription, *Response, error) {
	var hook Subscription
	_, resp, err := s.client.call(ctx, "get unified webhook", api.Request{Method: http.MethodGet, Path: unifiedWebhookPath(id)}, &hook)
	if err != nil {
		return nil, resp, err
	}
	return &hook, resp, nil
}

// Create creates a unified webhook and returns it. Hostaway then delivers
// every supported event of the account to p.URL, and may send a test
// delivery first. A failed create is not retried unless Hostaway answered
// 429 or the connection could not be made, so it never creates two webhooks.
// It fails without a request when p is nil or p.URL is empty.
//
// https://api.hostaway.com/documentation#unified-webhooks
// POST /v1/webhooks/unifiedWebhooks
func (s *WebhooksService) Create(ctx context.Context, p *SubscriptionParams) (*Subscription, *Response, error) {
	const op = "create unified webhook"
	if err := p.validate(); err != nil {
		return nil, nil, errors.New("hostaway: " + op + ": " + err.Error())
	}
	var hook Subscription
	_, resp, err := s.client.call(ctx, op, api.Request{Method: http.MethodPost, Path: unifiedWebhooksPath, Body: *p}, &hook)
	if err != nil {
		return nil, resp, err
	}
	return &hook, resp, nil
}

// Update replaces every field of the unified webhook id with p and returns
// the result: Hostaway's PUT takes the whole object. Fields left empty in p
// are cleared: since Hostaway returns passwords masked, set Password again
// rather than copying it from Get. It fails without a request when p is nil
// or p.URL is empty.
//
// https://api.hostaway.com/documentation#unified-webhooks
// PUT /v1/webhooks/unifiedWebhooks/{unifiedWebhookId}
func (s *WebhooksService) Update(ctx context.Context, id int64, p *SubscriptionParams) (*Subscription, *Response, error) {
	const op = "update unified webhook"
	if err := p.validate(); err != nil {
		return nil, nil, errors.New("hostaway: " + op + ": " + err.Error())
	}
	var hook Subscription
	_, resp, err := s.client.call(ctx, op, api.Request{Method: http.MethodPut, Path: unifiedWebhookPath(id), Body: *p}, &hook)
	if err != nil {
		return nil, resp, err
	}
	return &hook, resp, nil
}

// Delete deletes the unified webhook id; Hostaway stops delivering to it.
//
// https://api.hostaway.com/documentation#unified-webhooks
// DELETE /v1/webhooks/unifiedWebhooks/{webhookId}
func (s *WebhooksService) Delete(ctx context.Context, id int64) (*Response, error) {
	_, resp, err := s.client.call(ctx, "delete unified webhook", api.Request{Method: http.MethodDelete, Path: unifiedWebhookPath(id)}, nil)
	return resp, err
}
