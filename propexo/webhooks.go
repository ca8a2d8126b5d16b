package propexo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
)

// webhooksPath is the collection path; Propexo's API has the trailing
// slash, and its redirect for the form without it is not documented.
const webhooksPath = "/v1/webhooks/"

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

// WebhookTrigger is one trigger of a webhook configuration. Model is set
// for DATA_NEW and DATA_UPDATE and empty (null) for the others.
type WebhookTrigger struct {
	ID      string  `json:"id"`
	Trigger Trigger `json:"trigger"`
	Model   Model   `json:"model,omitempty"`
}

// WebhookConfig is a webhook configuration as the API returns it. It is
// named so to tell it from Webhook, a delivery.
//
// Secret keys the propexo-signature of its deliveries: give it to
// NewVerifier. String and GoString leave the secret and the header values
// out, so printing a WebhookConfig does not leak them; encoding it as JSON
// does not.
type WebhookConfig struct {
	// ID identifies the webhook.
	ID string `json:"id"`
	// URL is where Propexo delivers.
	URL string `json:"url"`
	// Active reports whether Propexo delivers to it.
	Active bool `json:"active"`
	// Triggers lists what it is subscribed to.
	Triggers []WebhookTrigger `json:"triggers"`
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

// String describes w without its secret and header values.
func (w WebhookConfig) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "propexo.WebhookConfig{ID:%q URL:%q Active:%t System:%s Triggers:[", w.ID, w.URL, w.Active, w.System)
	for i, t := range w.Triggers {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(t.Trigger))
		if t.Model != "" {
			b.WriteString("(" + string(t.Model) + ")")
		}
	}
	b.WriteString("] Headers:[")
	for i, h := range w.Headers {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h.Header + ":redacted")
	}
	b.WriteString("] Secret:redacted}")
	return b.String()
}

// GoString is String, so that %#v cannot print the secret either.
func (w WebhookConfig) GoString() string { return w.String() }

// CreateWebhookParams is the body of Create.
type CreateWebhookParams struct {
	// URL is where Propexo delivers. Required.
	URL string
	// Triggers lists what to subscribe to. At least one is required;
	// TriggerJobSuccess is no longer accepted on creation.
	Triggers []Trigger
	// Model is the model of the DATA_NEW and DATA_UPDATE triggers; one
	// webhook covers one model, so create one webhook per model. It is
	// ignored for the other triggers. "" sends none.
	Model Model
	// Headers are sent with each delivery. Nil sends none.
	Headers []Header
	// Secret signs the deliveries; at least 10 characters. "" lets Propexo
	// generate one, returned in WebhookConfig.Secret.
	Secret string
	// Inactive creates the webhook disabled. Propexo's own default for
	// "active" is false, which silently creates a webhook that delivers
	// nothing; Create always sends "active" explicitly, so the zero value
	// of this field creates an active webhook.
	Inactive bool
}

// MarshalJSON writes Propexo's CreateWebhook body, always with "active".
func (p CreateWebhookParams) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		URL      string    `json:"url"`
		Triggers []Trigger `json:"triggers"`
		Model    Model     `json:"model,omitempty"`
		Headers  []Header  `json:"headers,omitempty"`
		Secret   string    `json:"secret,omitempty"`
		Active   bool      `json:"active"`
	}{p.URL, p.Triggers, p.Model, p.Headers, p.Secret, !p.Inactive})
}

// UpdateWebhookParams is the body of Update: only the fields set are sent,
// and only they change.
type UpdateWebhookParams struct {
	// URL replaces the delivery URL; "" keeps it.
	URL string `json:"url,omitempty"`
	// Triggers replaces the triggers; nil keeps them. TriggerJobSuccess is
	// still accepted here.
	Triggers []Trigger `json:"triggers,omitempty"`
	// Model replaces the model; "" keeps it.
	Model Model `json:"model,omitempty"`
	// Headers replaces the headers; nil keeps them and an empty non-nil
	// slice removes them all.
	Headers []Header `json:"headers,omitzero"`
	// Secret replaces the signing secret (at least 10 characters); "" keeps
	// it. Deliveries are signed with the new secret at once: give
	// NewVerifier both secrets while the change rolls out.
	Secret string `json:"secret,omitempty"`
	// Active enables or disables the webhook; nil keeps it. A disabled
	// webhook loses the events that happen meanwhile: Propexo does not
	// queue them.
	Active *bool `json:"active,omitempty"`
}

// WebhookListOptions selects the webhooks List and All return. The zero
// value, like nil, lists the active webhooks, newest first, 100 per page
// (MaxLimit per page for All).
type WebhookListOptions struct {
	// Inactive lists the inactive webhooks instead of the active ones.
	// Propexo lists only active webhooks unless asked otherwise (its
	// "active" parameter defaults to true); List and All always send the
	// parameter, so to see every webhook list both.
	Inactive bool
	// Offset skips that many webhooks; 0 starts at the first.
	Offset int
	// Limit is the page size, at most MaxLimit; 0 means Propexo's default
	// of 100 for List, and MaxLimit for All.
	Limit int
	// OrderBy sorts, as "field:asc" or "field:desc", several separated by
	// commas; "" means Propexo's default, "created_at:desc".
	OrderBy string
}

// WebhookPage is one page of webhook configurations.
type WebhookPage struct {
	// Webhooks are the page's webhook configurations, in the order asked
	// for.
	Webhooks []*WebhookConfig
	PageInfo
}

// List returns one page of webhook configurations. A nil opts is the zero
// WebhookListOptions.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/get-all-webhooks
//
// GET /v1/webhooks/
func (s *WebhooksService) List(ctx context.Context, opts *WebhookListOptions) (*WebhookPage, *Response, error) {
	if opts == nil {
		opts = &WebhookListOptions{}
	}
	env, resp, err := s.list(ctx, opts, opts.Offset, opts.Limit)
	if err != nil {
		return nil, resp, err
	}
	return &WebhookPage{
		Webhooks: env.Results,
		PageInfo: env.Meta.pageInfo(opts.Offset, cmp.Or(opts.Limit, 100), len(env.Results)),
	}, resp, nil
}

// All returns an iterator over every webhook configuration opts selects,
// from opts.Offset on, fetching pages of opts.Limit (MaxLimit when zero) as
// the loop goes. A nil opts is the zero WebhookListOptions. An error ends
// the iteration; stopping the loop early fetches no further page.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/get-all-webhooks
//
// GET /v1/webhooks/
func (s *WebhooksService) All(ctx context.Context, opts *WebhookListOptions) iter.Seq2[*WebhookConfig, error] {
	o := WebhookListOptions{}
	if opts != nil {
		o = *opts
	}
	limit := cmp.Or(o.Limit, MaxLimit)
	return pages(ctx, o.Offset, limit, func(ctx context.Context, offset int) (*listEnvelope[*WebhookConfig], error) {
		env, _, err := s.list(ctx, &o, offset, limit)
		return env, err
	})
}

// list fetches the page at offset.
func (s *WebhooksService) list(ctx context.Context, opts *WebhookListOptions, offset, limit int) (*listEnvelope[*WebhookConfig], *Response, error) {
	q := url.Values{}
	if err := pageQuery(q, offset, limit, opts.OrderBy); err != nil {
		return nil, nil, fmt.Errorf("propexo: list webhooks: %w", err)
	}
	q.Set("active", strconv.FormatBool(!opts.Inactive))
	var env listEnvelope[*WebhookConfig]
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
func (s *WebhooksService) Get(ctx context.Context, id string) (*WebhookConfig, *Response, error) {
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
	w, err := singleResult(env.Results)
	if err != nil {
		return nil, resp, fmt.Errorf("propexo: get webhook: %w", err)
	}
	return w, resp, nil
}

// Create creates a webhook configuration and returns it, with its secret.
// It is sent once: a POST is retried only when Propexo cannot have received
// it, so a failure may leave a webhook created; List before trying again.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/create-a-webhook
//
// POST /v1/webhooks/
func (s *WebhooksService) Create(ctx context.Context, p *CreateWebhookParams) (*WebhookConfig, *Response, error) {
	switch {
	case p == nil:
		return nil, nil, errors.New("propexo: create webhook: nil params")
	case p.URL == "":
		return nil, nil, errors.New("propexo: create webhook: empty URL")
	case len(p.Triggers) == 0:
		return nil, nil, errors.New("propexo: create webhook: no trigger")
	}
	var env struct {
		Result *WebhookConfig `json:"result"`
	}
	resp, err := s.client.do(ctx, "create webhook", api.Request{Method: "POST", Path: webhooksPath, Body: p}, &env)
	if err != nil {
		return nil, resp, err
	}
	if env.Result == nil {
		return nil, resp, errors.New("propexo: create webhook: answer has no result")
	}
	return env.Result, resp, nil
}

// Update changes the fields p sets on webhook configuration id and returns
// the result.
//
// Propexo docs: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/update-a-webhook
//
// PUT /v1/webhooks/{webhook_id}
func (s *WebhooksService) Update(ctx context.Context, id string, p *UpdateWebhookParams) (*WebhookConfig, *Response, error) {
	path, err := webhookPath("update webhook", id)
	if err != nil {
		return nil, nil, err
	}
	if p == nil {
		p = &UpdateWebhookParams{}
	}
	var env struct {
		Result *WebhookConfig `json:"result"`
	}
	resp, err := s.client.do(ctx, "update webhook", api.Request{Method: "PUT", Path: path, Body: p}, &env)
	if err != nil {
		return nil, resp, err
	}
	if env.Result == nil {
		return nil, resp, errors.New("propexo: update webhook: answer has no result")
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
	return s.client.do(ctx, "delete webhook", api.Request{Method: "DELETE", Path: path}, nil)
}

// webhookPath returns /v1/webhooks/{id}, the id escaped.
func webhookPath(op, id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("propexo: %s: empty webhook id", op)
	}
	return webhooksPath + url.PathEscape(id), nil
}

// singleResult decodes the "results" of Get: one object, or (in case
// Propexo ever sends the list form) an array of exactly one.
func singleResult(raw json.RawMessage) (*WebhookConfig, error) {
	if isNull(raw) {
		return nil, errors.New("answer has no results")
	}
	if isObject(raw) {
		var w WebhookConfig
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("decode results: %w", err)
		}
		return &w, nil
	}
	var ws []*WebhookConfig
	if err := json.Unmarshal(raw, &ws); err != nil {
		return nil, fmt.Errorf("decode results: %w", err)
	}
	if len(ws) != 1 || ws[0] == nil {
		return nil, fmt.Errorf("answer has %d results, want 1", len(ws))
	}
	return ws[0], nil
}
