package hostaway

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// UnifiedWebhook is a unified webhook: the URL to which Hostaway posts every
// reservation and message event of the account.
type UnifiedWebhook struct {
	// ID identifies the webhook.
	ID int64
	// IsEnabled says whether Hostaway delivers to URL. Hostaway disables a
	// webhook whose deliveries keep failing for five days.
	IsEnabled bool
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

// unifiedWebhookWire is the wire form of UnifiedWebhook, decoded leniently.
type unifiedWebhookWire struct {
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
func (w *UnifiedWebhook) UnmarshalJSON(b []byte) error {
	var v unifiedWebhookWire
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*w = UnifiedWebhook{
		ID:                   v.ID.Int64(),
		IsEnabled:            v.IsEnabled.Bool(),
		URL:                  string(v.URL),
		Login:                string(v.Login),
		Password:             string(v.Password),
		AlertingEmailAddress: string(v.AlertingEmailAddress),
		Raw:                  append(json.RawMessage(nil), b...),
	}
	return nil
}

// UnifiedWebhookParams is the body of Create and Update: every field of a
// unified webhook but its id.
type UnifiedWebhookParams struct {
	// IsEnabled turns deliveries on.
	IsEnabled bool
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
func (p UnifiedWebhookParams) MarshalJSON() ([]byte, error) {
	nullable := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	enabled := 0
	if p.IsEnabled {
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

func (p UnifiedWebhookParams) validate() error {
	if strings.TrimSpace(p.URL) == "" {
		return errors.New("empty URL")
	}
	return nil
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

// List returns every unified webhook of the account. Hostaway does not
// paginate this list.
//
// https://api.hostaway.com/documentation#unified-webhooks
// GET /v1/webhooks/unifiedWebhooks
func (s *WebhooksService) List(ctx context.Context) ([]UnifiedWebhook, error) {
	var hooks []UnifiedWebhook
	if _, err := s.client.call(ctx, "list unified webhooks", api.Request{Method: http.MethodGet, Path: unifiedWebhooksPath}, &hooks); err != nil {
		return nil, err
	}
	return hooks, nil
}

// Get returns the unified webhook id.
//
// https://api.hostaway.com/documentation#unified-webhooks
// GET /v1/webhooks/unifiedWebhooks/{webhookId}
func (s *WebhooksService) Get(ctx context.Context, id int64) (*UnifiedWebhook, error) {
	var hook UnifiedWebhook
	if _, err := s.client.call(ctx, "get unified webhook", api.Request{Method: http.MethodGet, Path: unifiedWebhookPath(id)}, &hook); err != nil {
		return nil, err
	}
	return &hook, nil
}

// Create creates a unified webhook and returns it. Hostaway then delivers
// every supported event of the account to p.URL, and may send a test
// delivery first. A failed create is not retried unless Hostaway answered
// 429 or the connection could not be made, so it never creates two webhooks.
//
// https://api.hostaway.com/documentation#unified-webhooks
// POST /v1/webhooks/unifiedWebhooks
func (s *WebhooksService) Create(ctx context.Context, p UnifiedWebhookParams) (*UnifiedWebhook, error) {
	const op = "create unified webhook"
	if err := p.validate(); err != nil {
		return nil, errors.New("hostaway: " + op + ": " + err.Error())
	}
	var hook UnifiedWebhook
	if _, err := s.client.call(ctx, op, api.Request{Method: http.MethodPost, Path: unifiedWebhooksPath, Body: p}, &hook); err != nil {
		return nil, err
	}
	return &hook, nil
}

// Update replaces every field of the unified webhook id with p and returns
// the result. Fields left empty in p are cleared: since Hostaway returns
// passwords masked, set Password again rather than copying it from Get.
//
// https://api.hostaway.com/documentation#unified-webhooks
// PUT /v1/webhooks/unifiedWebhooks/{unifiedWebhookId}
func (s *WebhooksService) Update(ctx context.Context, id int64, p UnifiedWebhookParams) (*UnifiedWebhook, error) {
	const op = "update unified webhook"
	if err := p.validate(); err != nil {
		return nil, errors.New("hostaway: " + op + ": " + err.Error())
	}
	var hook UnifiedWebhook
	if _, err := s.client.call(ctx, op, api.Request{Method: http.MethodPut, Path: unifiedWebhookPath(id), Body: p}, &hook); err != nil {
		return nil, err
	}
	return &hook, nil
}

// Delete deletes the unified webhook id; Hostaway stops delivering to it.
//
// https://api.hostaway.com/documentation#unified-webhooks
// DELETE /v1/webhooks/unifiedWebhooks/{webhookId}
func (s *WebhooksService) Delete(ctx context.Context, id int64) error {
	_, err := s.client.call(ctx, "delete unified webhook", api.Request{Method: http.MethodDelete, Path: unifiedWebhookPath(id)}, nil)
	return err
}
