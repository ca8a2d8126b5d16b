package ownerrez

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// subscriptionsPath is the webhook subscriptions resource, relative to the
// base URL (BaseURL ends in /v2).
const subscriptionsPath = "/webhooksubscriptions"

// versionPath is the version path of BaseURL, which OwnerRez's
// root-relative next_page_url values start with.
const versionPath = "/v2"

// WebhooksService manages webhook subscriptions: which record changes
// OwnerRez delivers, and to which URL, for the OAuth app's connection to
// one account. Only OAuth access tokens see subscriptions; a personal
// token gets none. OwnerRez has no update call: to change a subscription,
// create the new one, then delete the old one.
//
// Subscriptions only choose what is delivered. Deliveries are
// authenticated with the User and Password set on the OAuth app, not per
// subscription; see Verifier.
//
// A WebhooksService is safe for concurrent use.
type WebhooksService struct {
	api *api.Client
}

// SubscriptionType is the kind of record a subscription follows. Its names
// differ from a delivery's entity type: a "message" subscription brings
// thread_message deliveries.
type SubscriptionType string

// The subscription types seen working. OwnerRez accepts these in lowercase
// and as PascalCase enum names ("Booking"); others, such as quote or owner,
// may exist but are not documented: pass them as SubscriptionType("...").
const (
	SubscriptionBooking  SubscriptionType = "booking"
	SubscriptionGuest    SubscriptionType = "guest"
	SubscriptionProperty SubscriptionType = "property"
	SubscriptionInquiry  SubscriptionType = "inquiry"
	SubscriptionMessage  SubscriptionType = "message"
)

// Subscription is one webhook subscription: deliveries of Action on
// records of Type, restricted to Category when it is not "", sent to URL.
// OwnerRez documents only id, type and webhook_url of a subscription; the
// other fields are zero when it does not send them, and Raw holds the
// object exactly as sent. A subscription has no enabled flag and follows
// one (Type, Action) pair rather than a list of events: OwnerRez's model.
type Subscription struct {
	ID     int64            `json:"id"`
	Type   SubscriptionType `json:"type"`
	Action Action           `json:"action,omitempty"`
	// URL receives the deliveries (the wire's webhook_url).
	URL      string          `json:"webhook_url"`
	Category string          `json:"category,omitempty"`
	Raw      json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a subscription leniently (an id as number or
// string, enum values as strings or numbers) and keeps a copy of b in Raw.
func (s *Subscription) UnmarshalJSON(b []byte) error {
	var w struct {
		ID         lenient.Int    `json:"id"`
		Type       lenient.String `json:"type"`
		Action     lenient.String `json:"action"`
		WebhookURL lenient.String `json:"webhook_url"`
		Category   lenient.String `json:"category"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Subscription{
		ID:       w.ID.Int64(),
		Type:     SubscriptionType(w.Type),
		Action:   Action(w.Action),
		URL:      string(w.WebhookURL),
		Category: string(w.Category),
		Raw:      append(json.RawMessage(nil), b...),
	}
	return nil
}

// SubscriptionParams is the body of WebhooksService.Create, with only the
// fields OwnerRez's own client sends (and the category it accepts). Type,
// Action and URL are required. OwnerRez has no update call, so no Update
// takes it, and no enabled flag or event list: one subscription is one
// (Type, Action) pair.
type SubscriptionParams struct {
	// Type is the kind of record to follow.
	Type SubscriptionType `json:"type"`
	// Action is the change to deliver: ActionEntityCreate,
	// ActionEntityUpdate or (not confirmed by OwnerRez) ActionEntityDelete.
	// OwnerRez also accepts PascalCase ("EntityUpdate"); the value is sent
	// as given.
	Action Action `json:"action"`
	// URL receives the deliveries (sent as webhook_url). OwnerRez requires
	// https unless the app's redirect URL is on localhost.
	URL string `json:"webhook_url"`
	// Category restricts an update subscription to one aspect of the
	// record, such as "availability"; see Categories. "" means every
	// category and is not sent.
	Category string `json:"category,omitempty"`
}

// SubscriptionListOptions pages WebhooksService.List and All. A nil
// *SubscriptionListOptions means the first page of OwnerRez's default
// size. OwnerRez documents no filter for this list.
type SubscriptionListOptions struct {
	ListOptions
}

// query returns the query of the page o selects, and the page number.
func (o *SubscriptionListOptions) query() (q url.Values, page int) {
	q = url.Values{}
	var lo ListOptions
	if o != nil {
		lo = o.ListOptions
	}
	return q, pageQuery(lo, q)
}

// List returns the page of subscriptions opts selects. Total is OwnerRez's
// count (-1 when it sends none); NextPage is Page+1 while OwnerRez sends a
// next_page_url. Use All to walk every page.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/webhooksubscriptions
func (s *WebhooksService) List(ctx context.Context, opts *SubscriptionListOptions) (*Page[Subscription], *Response, error) {
	q, n := opts.query()
	return listPage[Subscription](ctx, s.api, "list webhook subscriptions", subscriptionsPath, q, n)
}

// All iterates over every subscription from the page opts selects on
// (nil: from the first), following OwnerRez's next_page_url from page to
// page as its own client does. It yields an error once, and stops, when a
// page fails, when a page names itself as the next one, when a
// next_page_url leaves the client's host, or when ctx is done. Stopping the
// range early fetches no further page.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/webhooksubscriptions
func (s *WebhooksService) All(ctx context.Context, opts *SubscriptionListOptions) iter.Seq2[*Subscription, error] {
	q, _ := opts.query()
	return listAll[Subscription](ctx, s.api, "list webhook subscriptions", subscriptionsPath, q)
}

// Get returns the subscription with the given id.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/webhooksubscriptions/{id}
func (s *WebhooksService) Get(ctx context.Context, id int64) (*Subscription, *Response, error) {
	if id <= 0 {
		return nil, nil, fmt.Errorf("ownerrez: get webhook subscription: invalid id %d", id)
	}
	var sub Subscription
	raw, err := s.api.Do(ctx, api.Request{Path: subscriptionPath(id)}, &sub)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("ownerrez: get webhook subscription %d: %w", id, err)
	}
	return &sub, raw.Response(), nil
}

// Create subscribes p.URL to p.Action on records of p.Type and returns the
// subscription OwnerRez created. Fields its answer leaves out are taken
// from p; when it answers without a body, ID is zero. It fails without a
// request when p is nil or lacks Type, Action or URL.
//
// The request is never sent twice once it may have reached OwnerRez: it is
// retried only when the connection could not be made or on 429.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// POST /v2/webhooksubscriptions
func (s *WebhooksService) Create(ctx context.Context, p *SubscriptionParams) (*Subscription, *Response, error) {
	switch {
	case p == nil:
		return nil, nil, errors.New("ownerrez: create webhook subscription: nil params")
	case p.Type == "":
		return nil, nil, errors.New("ownerrez: create webhook subscription: empty Type")
	case p.Action == "":
		return nil, nil, errors.New("ownerrez: create webhook subscription: empty Action")
	case p.URL == "":
		return nil, nil, errors.New("ownerrez: create webhook subscription: empty URL")
	}
	var sub Subscription
	raw, err := s.api.Do(ctx, api.Request{Method: http.MethodPost, Path: subscriptionsPath, Body: *p}, &sub)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("ownerrez: create webhook subscription: %w", err)
	}
	sub.Type = cmp.Or(sub.Type, p.Type)
	sub.Action = cmp.Or(sub.Action, p.Action)
	sub.URL = cmp.Or(sub.URL, p.URL)
	sub.Category = cmp.Or(sub.Category, p.Category)
	return &sub, raw.Response(), nil
}

// Delete removes the subscription with the given id. Deleting one that
// does not exist returns an *APIError with status 404.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// DELETE /v2/webhooksubscriptions/{id}
func (s *WebhooksService) Delete(ctx context.Context, id int64) (*Response, error) {
	if id <= 0 {
		return nil, fmt.Errorf("ownerrez: delete webhook subscription: invalid id %d", id)
	}
	raw, err := s.api.Do(ctx, api.Request{Method: http.MethodDelete, Path: subscriptionPath(id)}, nil)
	if err != nil {
		return raw.Response(), fmt.Errorf("ownerrez: delete webhook subscription %d: %w", id, err)
	}
	return raw.Response(), nil
}

// Categories returns the categories an update subscription can be
// restricted to, by record label: OwnerRez keys them "Booking", "Contact"
// (guests) and "Property". Values seen include "availability", "charge"
// and "financial"; the full list is only what this call returns.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/webhooksubscriptions/categories
func (s *WebhooksService) Categories(ctx context.Context) (map[string][]string, *Response, error) {
	var out map[string][]string
	raw, err := s.api.Do(ctx, api.Request{Path: subscriptionsPath + "/categories"}, &out)
	if err != nil {
		return nil, raw.Response(), fmt.Errorf("ownerrez: list webhook categories: %w", err)
	}
	return out, raw.Response(), nil
}

func subscriptionPath(id int64) string {
	return subscriptionsPath + "/" + strconv.FormatInt(id, 10)
}
