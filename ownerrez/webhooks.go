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
	"strings"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// subscriptionsPath is the webhook subscriptions resource.
const subscriptionsPath = "/v2/webhooksubscriptions"

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
// records of Type, restricted to Category when it is not "", sent to
// WebhookURL. OwnerRez documents only id, type and webhook_url of a
// subscription; the other fields are zero when it does not send them, and
// Raw holds the object exactly as sent.
type Subscription struct {
	ID         int64            `json:"id"`
	Type       SubscriptionType `json:"type"`
	Action     Action           `json:"action,omitempty"`
	WebhookURL string           `json:"webhook_url"`
	Category   string           `json:"category,omitempty"`
	Raw        json.RawMessage  `json:"-"`
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
		ID:         w.ID.Int64(),
		Type:       SubscriptionType(w.Type),
		Action:     Action(w.Action),
		WebhookURL: string(w.WebhookURL),
		Category:   string(w.Category),
		Raw:        append(json.RawMessage(nil), b...),
	}
	return nil
}

// SubscriptionParams is the body of WebhooksService.Create. Type, Action
// and WebhookURL are required.
type SubscriptionParams struct {
	// Type is the kind of record to follow.
	Type SubscriptionType `json:"type"`
	// Action is the change to deliver: ActionEntityCreate,
	// ActionEntityUpdate or (not confirmed by OwnerRez) ActionEntityDelete.
	// OwnerRez also accepts PascalCase ("EntityUpdate"); the value is sent
	// as given.
	Action Action `json:"action"`
	// WebhookURL receives the deliveries. OwnerRez requires https unless
	// the app's redirect URL is on localhost.
	WebhookURL string `json:"webhook_url"`
	// Category restricts an update subscription to one aspect of the
	// record, such as "availability"; see Categories. "" means every
	// category.
	Category string `json:"category,omitempty"`
}

// ListOptions selects one page of a list.
type ListOptions struct {
	// Limit is the page size; zero means the API's default.
	Limit int
	// Offset is the number of items to skip; zero means none.
	Offset int
	// PageURL is the NextPageURL of a previous page: when set, that page
	// is fetched and Limit and Offset are ignored. It may be relative or
	// absolute; an absolute URL must be on the client's own host.
	PageURL string
}

// SubscriptionPage is one page of subscriptions. NextPageURL is "" on the
// last page.
type SubscriptionPage struct {
	Items       []Subscription
	Count       int
	Limit       int
	Offset      int
	NextPageURL string
}

// List returns one page of subscriptions. A nil opts means the first page
// with the API's default size. Use All to walk every page.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/webhooksubscriptions
func (s *WebhooksService) List(ctx context.Context, opts *ListOptions) (*SubscriptionPage, error) {
	req := api.Request{Path: subscriptionsPath}
	if opts != nil {
		if opts.PageURL != "" {
			next, err := nextPagePath(opts.PageURL)
			if err != nil {
				return nil, fmt.Errorf("ownerrez: list webhook subscriptions: %w", err)
			}
			req.Path = next
		} else {
			q := url.Values{}
			if opts.Limit > 0 {
				q.Set("limit", strconv.Itoa(opts.Limit))
			}
			if opts.Offset > 0 {
				q.Set("offset", strconv.Itoa(opts.Offset))
			}
			req.Query = q
		}
	}
	var page struct {
		Items       []Subscription `json:"items"`
		Count       lenient.Int    `json:"count"`
		Limit       lenient.Int    `json:"limit"`
		Offset      lenient.Int    `json:"offset"`
		NextPageURL lenient.String `json:"next_page_url"`
	}
	if _, err := s.api.Do(ctx, req, &page); err != nil {
		return nil, fmt.Errorf("ownerrez: list webhook subscriptions: %w", err)
	}
	return &SubscriptionPage{
		Items:       page.Items,
		Count:       page.Count.Int(),
		Limit:       page.Limit.Int(),
		Offset:      page.Offset.Int(),
		NextPageURL: strings.TrimSpace(string(page.NextPageURL)),
	}, nil
}

// All returns every subscription, following next_page_url from page to
// page. It yields an error once, and stops, when a page fails, when a page
// names itself as the next one, or when ctx is done. Stopping the range
// early fetches no further page.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/webhooksubscriptions
func (s *WebhooksService) All(ctx context.Context) iter.Seq2[Subscription, error] {
	// Cursors are resolved paths, so that a page naming itself in any
	// spelling is caught.
	return api.Pages(ctx, subscriptionsPath, func(ctx context.Context, cursor string) ([]Subscription, string, error) {
		page, err := s.List(ctx, &ListOptions{PageURL: cursor})
		if err != nil || page.NextPageURL == "" {
			return pageItems(page), "", err
		}
		next, err := nextPagePath(page.NextPageURL)
		if err != nil {
			return nil, "", fmt.Errorf("ownerrez: list webhook subscriptions: %w", err)
		}
		return page.Items, next, nil
	})
}

// Get returns the subscription with the given id.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/webhooksubscriptions/{id}
func (s *WebhooksService) Get(ctx context.Context, id int64) (*Subscription, error) {
	if id <= 0 {
		return nil, fmt.Errorf("ownerrez: get webhook subscription: invalid id %d", id)
	}
	var sub Subscription
	if _, err := s.api.Do(ctx, api.Request{Path: subscriptionPath(id)}, &sub); err != nil {
		return nil, fmt.Errorf("ownerrez: get webhook subscription %d: %w", id, err)
	}
	return &sub, nil
}

// Create subscribes p.WebhookURL to p.Action on records of p.Type and
// returns the subscription OwnerRez created. Fields its answer leaves out
// are taken from p; when it answers without a body, ID is zero.
//
// The request is never sent twice once it may have reached OwnerRez: it is
// retried only when the connection could not be made or on 429.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// POST /v2/webhooksubscriptions
func (s *WebhooksService) Create(ctx context.Context, p SubscriptionParams) (*Subscription, error) {
	switch {
	case p.Type == "":
		return nil, errors.New("ownerrez: create webhook subscription: empty Type")
	case p.Action == "":
		return nil, errors.New("ownerrez: create webhook subscription: empty Action")
	case p.WebhookURL == "":
		return nil, errors.New("ownerrez: create webhook subscription: empty WebhookURL")
	}
	var sub Subscription
	if _, err := s.api.Do(ctx, api.Request{Method: http.MethodPost, Path: subscriptionsPath, Body: p}, &sub); err != nil {
		return nil, fmt.Errorf("ownerrez: create webhook subscription: %w", err)
	}
	sub.Type = cmp.Or(sub.Type, p.Type)
	sub.Action = cmp.Or(sub.Action, p.Action)
	sub.WebhookURL = cmp.Or(sub.WebhookURL, p.WebhookURL)
	sub.Category = cmp.Or(sub.Category, p.Category)
	return &sub, nil
}

// Delete removes the subscription with the given id. Deleting one that
// does not exist returns an *APIError with status 404.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// DELETE /v2/webhooksubscriptions/{id}
func (s *WebhooksService) Delete(ctx context.Context, id int64) error {
	if id <= 0 {
		return fmt.Errorf("ownerrez: delete webhook subscription: invalid id %d", id)
	}
	if _, err := s.api.Do(ctx, api.Request{Method: http.MethodDelete, Path: subscriptionPath(id)}, nil); err != nil {
		return fmt.Errorf("ownerrez: delete webhook subscription %d: %w", id, err)
	}
	return nil
}

// Categories returns the categories an update subscription can be
// restricted to, by record label: OwnerRez keys them "Booking", "Contact"
// (guests) and "Property". Values seen include "availability", "charge"
// and "financial"; the full list is only what this call returns.
//
// OwnerRez API docs: https://api.ownerrez.com/help/v2
//
// GET /v2/webhooksubscriptions/categories
func (s *WebhooksService) Categories(ctx context.Context) (map[string][]string, error) {
	var out map[string][]string
	if _, err := s.api.Do(ctx, api.Request{Path: subscriptionsPath + "/categories"}, &out); err != nil {
		return nil, fmt.Errorf("ownerrez: list webhook categories: %w", err)
	}
	return out, nil
}

func pageItems(p *SubscriptionPage) []Subscription {
	if p == nil {
		return nil
	}
	return p.Items
}

func subscriptionPath(id int64) string {
	return subscriptionsPath + "/" + strconv.FormatInt(id, 10)
}

// nextPagePath turns a next_page_url into a request path. OwnerRez sends
// it relative to the API root ("v2/webhooksubscriptions?offset=20", as the
// official Zapier app treats it), root-relative ("/v2/..."), relative to
// the list (RFC 3986, such as "?offset=20") or absolute; an absolute URL is
// passed on, and the api client refuses it when it leaves the base URL's
// host.
func nextPagePath(next string) (string, error) {
	next = strings.TrimSpace(next)
	ref, err := url.Parse(next)
	if err != nil {
		return "", errors.New("next_page_url is not a valid URL")
	}
	switch {
	case ref.IsAbs() || ref.Host != "":
		return next, nil
	case strings.HasPrefix(next, "v2/"):
		return "/" + next, nil
	}
	base := &url.URL{Path: subscriptionsPath}
	return base.ResolveReference(ref).String(), nil
}
