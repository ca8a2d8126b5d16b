package propexo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
)

// webhooksPath is the collection path; Propexo's API has the trailing
// slash, and its redirect for the form without it is not documented.
const webhooksPath = "/webhooks/"

// WebhooksService manages webhook configurations: where Propexo delivers
// which triggers (and, for DATA_NEW and DATA_UPDATE, of which model). Get
// it from Client.Webhooks. It is safe for concurrent use.
type WebhooksService struct {
	client *Client
}

// System is the Propexo environment a webhook belongs to. It follows the
// host and token used; it cannot be set.
type System string

// The systems Propexo documents.
const (
	SystemProduction System = "PRODUCTION"
	SystemSandbox    System = "SANDBOX"
)

// Header is an extra header Propexo sends with each delivery of a webhook,
// such as an Authorization header for the receiving endpoint.
type Header struct {
	Header string `json:"header"`
	Value  string `json:"value"`
}

// SubscriptionTrigger is one trigger of a Subscription as Propexo stores
// it. Model is set for DATA_NEW and DATA_UPDATE and empty (null) for the
// others.
type SubscriptionTrigger struct {
	// ID identifies the trigger.
	ID string `json:"id"`
	// Trigger is the event delivered, such as TriggerDataNew.
	Trigger Trigger `json:"trigger"`
	// Model is the model of DATA_NEW and DATA_UPDATE, in snake_case.
	Model Model `json:"model,omitempty"`
}

// Subscription is a Propexo webhook configuration as the API returns it:
// where Propexo delivers which triggers. (Propexo calls it a webhook; this
// package keeps that word for the deliveries, Webhook.) Create and Update
// take a SubscriptionParams.
//
// Secret keys the propexo-signature of its deliveries: give it to
// NewVerifier. String and GoString leave the secret and the header values
// out, so printing a Subscription does not leak them; encoding it as JSON
// does not.
type Subscription struct {
	// ID identifies the webhook.
	ID string `json:"id"`
	// URL is where Propexo delivers.
	URL string `json:"url"`
	// Enabled reports whether Propexo delivers to it (the wire's active).
	Enabled bool `json:"active"`
	// Events lists the triggers it is subscribed to (the wire's
	// triggers), each with its model.
	Events []SubscriptionTrigger `json:"triggers"`
	// Headers are sent with each delivery. Nil when none (the API sends
	// null or leaves it out).
	Headers []Header `json:"headers"`
	// Secret is the signing secret, in clear text.
	Secret string `json:"secret"`
	// System is the environment, PRODUCTION or SANDBOX.
	System System `json:"system"`
	// CreatedAt and UpdatedAt are when it was created and last changed.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// String describes s without its secret and header values.
func (s Subscription) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "propexo.Subscription{ID:%q URL:%q Enabled:%t System:%s Events:[", s.ID, s.URL, s.Enabled, s.System)
	for i, t := range s.Events {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(t.Trigger))
		if t.Model != "" {
			b.WriteString("(" + string(t.Model) + ")")
		}
	}
	b.WriteString("] Headers:[")
	for i, h := range s.Headers {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h.Header + ":redacted")
	}
	b.WriteString("] Secret:redacted}")
	return b.String()
}

// GoString is String, so that %#v cannot print the secret either.
func (s Subscription) GoString() string { return s.String() }

// SubscriptionParams is the body of Create and Update. It marshals to
// exactly the fields Propexo's OpenAPI documents for both (url, triggers,
// model, headers, secret, active); one type serves both since the two
// bodies have the same fields. Fields at their zero value are left out,
// but for Enabled, which is always sent: on Create a field left out takes
// Propexo's default, on Update it keeps its current value.
type SubscriptionParams struct {
	// URL is where Propexo delivers. Required by Create; "" keeps it on
	// Update.
	URL string `json:"url,omitempty"`
	// Events are the triggers to subscribe to (the wire's triggers). At
	// least one is required by Create; nil keeps them on Update.
	// TriggerJobSuccess is accepted by Update only.
	Events []Trigger `json:"triggers,omitempty"`
	// Model is the model of the DATA_NEW and DATA_UPDATE triggers; one
	// webhook covers one model, so create one webhook per model. Propexo
	// ignores it for the other triggers. "" sends none (keeps it on
	// Update).
	Model Model `json:"model,omitempty"`
	// Headers are sent with each delivery, such as an Authorization
	// header for the endpoint. Nil sends none (keeps them on Update); an
	// empty non-nil slice removes them all on Update.
	Headers []Header `json:"headers,omitzero"`
	// Secret signs the deliveries; at least 10 characters. "" lets Propexo
	// generate one on Create, returned in Subscription.Secret, and keeps
	// it on Update. After an Update, deliveries are signed with the new
	// secret at once: give NewVerifier both secrets while it rolls out.
	Secret string `json:"secret,omitempty"`
	// Enabled makes Propexo deliver (the wire's active). Always sent:
	// Propexo's default on creation, and the zero value, is false, a
	// webhook that delivers nothing; on Update false disables the
	// webhook, which then loses the events that happen meanwhile
	// (Propexo does not queue them).
	Enabled bool `json:"active"`
}

// SubscriptionListOptions selects the webhooks List and All return. The
// zero value, like nil, lists the enabled webhooks, newest first, in
// Propexo's default page of 100 (MaxPerPage for All).
type SubscriptionListOptions struct {
	// ListOptions selects the page, sent as offset and limit.
	ListOptions
	// Disabled lists the disabled (inactive) webhooks instead of the
	// enabled ones. Propexo lists only active webhooks unless asked
	// otherwise (its "active" parameter defaults to true); List and All
	// always send the parameter, so to see every webhook list both.
	Disabled bool
	// OrderBy sorts, as "field:asc" or "field:desc", several separated by
	// commas (Propexo's order-by); "" means Propexo's default,
	// "created_at:desc".
	OrderBy string
}

// List returns the page of webhook configurations opts selects. A nil
// opts is the zero SubscriptionListOptions.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/get-all-webhooks
//
// GET /v1/webhooks/
func (s *WebhooksService) List(ctx context.Context, opts *SubscriptionListOptions) (*Page[Subscription], *Response, error) {
	var o SubscriptionListOptions
	if opts != nil {
		o = *opts
	}
	env, resp, err := s.list(ctx, o)
	if err != nil {
		return nil, resp, err
	}
	return pageOf(env, specOf(o.ListOptions)), resp, nil
}

// All iterates over every webhook configuration opts selects, from the
// page opts names on, fetching pages of opts.PerPage (MaxPerPage when 0)
// as the loop goes. A nil opts is the zero SubscriptionListOptions. An
// error is yielded once, with a nil Subscription, and ends the iteration;
// breaking out of the loop fetches no further page. Webhooks created or
// deleted during the iteration may be missed or seen twice.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/get-all-webhooks
//
// GET /v1/webhooks/
func (s *WebhooksService) All(ctx context.Context, opts *SubscriptionListOptions) iter.Seq2[*Subscription, error] {
	var o SubscriptionListOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, "list webhooks", o.ListOptions, func(ctx context.Context, lo ListOptions) (*listEnvelope[Subscription], *Response, error) {
		po := o
		po.ListOptions = lo
		return s.list(ctx, po)
	})
}

// list fetches the page o selects.
func (s *WebhooksService) list(ctx context.Context, o SubscriptionListOptions) (*listEnvelope[Subscription], *Response, error) {
	q := url.Values{}
	specOf(o.ListOptions).query(q, o.OrderBy)
	q.Set("active", strconv.FormatBool(!o.Disabled))
	var env listEnvelope[Subscription]
	resp, err := s.client.do(ctx, "list webhooks", api.Request{Path: webhooksPath, Query: q}, &env)
	if err != nil {
		return nil, resp, err
	}
	return &env, resp, nil
}

// Get returns the webhook configuration id.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/get-a-webhook-by-id
//
// GET /v1/webhooks/{webhook_id}
func (s *WebhooksService) Get(ctx context.Context, id string) (*Subscription, *Response, error) {
	path, err := webhookPath("get webhook", id)
	if err != nil {
		return nil, nil, err
	}
	// Unlike the list, "results" is a single object here.
	var env struct {
		Results json.RawMessage `json:"results"`
	}
	resp, err := s.client.do(ctx, "get webhook", api.Request{Path: path}, &env)
	if err != nil {
		return nil, resp, err
	}
	w, err := singleResult[Subscription](env.Results)
	if err != nil {
		return nil, resp, fmt.Errorf("propexo: get webhook: %w", err)
	}
	return w, resp, nil
}

// Create creates a webhook configuration from p and returns it, with its
// secret. p needs a URL and at least one of Events; set Enabled, or the
// webhook delivers nothing. Create is sent once: a POST is retried only
// when Propexo cannot have received it, so a failure may leave a webhook
// created; List before trying again.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/create-a-webhook
//
// POST /v1/webhooks/
func (s *WebhooksService) Create(ctx context.Context, p *SubscriptionParams) (*Subscription, *Response, error) {
	switch {
	case p == nil:
		return nil, nil, fmt.Errorf("propexo: create webhook: %w", errNoParams)
	case p.URL == "":
		return nil, nil, errors.New("propexo: create webhook: empty URL")
	case len(p.Events) == 0:
		return nil, nil, errors.New("propexo: create webhook: no event")
	}
	return s.write(ctx, "create webhook", http.MethodPost, webhooksPath, p)
}

// Update writes p to webhook configuration id and returns the result. The
// fields p leaves at their zero value keep their current value, except
// Enabled, which is always sent: set it to keep the webhook delivering.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/update-a-webhook
//
// PUT /v1/webhooks/{webhook_id}
func (s *WebhooksService) Update(ctx context.Context, id string, p *SubscriptionParams) (*Subscription, *Response, error) {
	path, err := webhookPath("update webhook", id)
	if err != nil {
		return nil, nil, err
	}
	if p == nil {
		return nil, nil, fmt.Errorf("propexo: update webhook: %w", errNoParams)
	}
	return s.write(ctx, "update webhook", http.MethodPut, path, p)
}

// write sends p with method to path and decodes Propexo's {"result": ...}.
func (s *WebhooksService) write(ctx context.Context, op, method, path string, p *SubscriptionParams) (*Subscription, *Response, error) {
	var env struct {
		Result *Subscription `json:"result"`
	}
	resp, err := s.client.do(ctx, op, api.Request{Method: method, Path: path, Body: p}, &env)
	if err != nil {
		return nil, resp, err
	}
	if env.Result == nil {
		return nil, resp, fmt.Errorf("propexo: %s: answer has no result", op)
	}
	return env.Result, resp, nil
}

// Delete deletes webhook configuration id. Propexo stops delivering to it
// at once.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/delete-a-webhook
//
// DELETE /v1/webhooks/{webhook_id}
func (s *WebhooksService) Delete(ctx context.Context, id string) (*Response, error) {
	path, err := webhookPath("delete webhook", id)
	if err != nil {
		return nil, err
	}
	return s.client.do(ctx, "delete webhook", api.Request{Method: http.MethodDelete, Path: path}, nil)
}

// errNoParams is returned, wrapped, by Create and Update given nil params.
var errNoParams = errors.New("nil params")

// errEmptyID is returned, wrapped, by the methods given an empty id: the
// request would address the collection instead of one webhook.
var errEmptyID = errors.New("empty webhook id")

// webhookPath returns /webhooks/{id} (under BaseURL's /v1), the id escaped.
func webhookPath(op, id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("propexo: %s: %w", op, errEmptyID)
	}
	return webhooksPath + url.PathEscape(id), nil
}

// singleResult decodes the "results" of a get-by-id answer: one object,
// or (in case Propexo ever sends the list form) an array of exactly one.
func singleResult[T any](raw json.RawMessage) (*T, error) {
	if isNull(raw) {
		return nil, errors.New("answer has no results")
	}
	if isObject(raw) {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("decode results: %w", err)
		}
		return &v, nil
	}
	var vs []*T
	if err := json.Unmarshal(raw, &vs); err != nil {
		return nil, fmt.Errorf("decode results: %w", err)
	}
	if len(vs) != 1 || vs[0] == nil {
		return nil, fmt.Errorf("answer has %d results, want 1", len(vs))
	}
	return vs[0], nil
}
