package hostaway

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// WebhookLog is one delivery of a unified webhook as Hostaway logged it: what
// it sent where, and what the endpoint answered.
type WebhookLog struct {
	// ID identifies the log entry.
	ID int64
	// AccountID is the Hostaway account.
	AccountID int64
	// ListingMapID is the listing the delivered object belongs to; 0 when
	// none.
	ListingMapID int64
	// WebhookNotificationSettingID identifies the webhook that made the
	// delivery. Hostaway does not document it; it appears to be the
	// unified webhook's ID.
	WebhookNotificationSettingID int64
	// IsEnabled, URL, Login and Password are the webhook's settings at
	// delivery time; Password is masked.
	IsEnabled bool
	URL       string
	Login     string
	Password  string
	// Object is the delivered object's kind, such as
	// ObjectConversationMessage, and ObjectID its id.
	Object   string
	ObjectID int64
	// Event is the delivered event, such as EventMessageReceived.
	Event string
	// ResponseStatus is the HTTP status the endpoint answered, and
	// ResponseBody its body.
	ResponseStatus int
	ResponseBody   string
	// Raw is the entry exactly as Hostaway returned it.
	Raw json.RawMessage
}

// webhookLogWire is the wire form of WebhookLog, decoded leniently.
type webhookLogWire struct {
	ID                           lenient.Int    `json:"id"`
	AccountID                    lenient.Int    `json:"accountId"`
	ListingMapID                 lenient.Int    `json:"listingMapId"`
	WebhookNotificationSettingID lenient.Int    `json:"webhookNotificationSettingId"`
	IsEnabled                    lenient.Bool   `json:"isEnabled"`
	URL                          lenient.String `json:"url"`
	Login                        lenient.String `json:"login"`
	Password                     lenient.String `json:"password"`
	Object                       lenient.String `json:"object"`
	ObjectID                     lenient.Int    `json:"objectId"`
	Event                        lenient.String `json:"event"`
	ResponseStatus               lenient.Int    `json:"responseStatus"`
	ResponseBody                 lenient.String `json:"responseBody"`
}

// UnmarshalJSON decodes Hostaway's unified webhook log object leniently and
// keeps it in Raw.
func (l *WebhookLog) UnmarshalJSON(b []byte) error {
	var v webhookLogWire
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*l = WebhookLog{
		ID:                           v.ID.Int64(),
		AccountID:                    v.AccountID.Int64(),
		ListingMapID:                 v.ListingMapID.Int64(),
		WebhookNotificationSettingID: v.WebhookNotificationSettingID.Int64(),
		IsEnabled:                    v.IsEnabled.Bool(),
		URL:                          string(v.URL),
		Login:                        string(v.Login),
		Password:                     string(v.Password),
		Object:                       string(v.Object),
		ObjectID:                     v.ObjectID.Int64(),
		Event:                        string(v.Event),
		ResponseStatus:               v.ResponseStatus.Int(),
		ResponseBody:                 string(v.ResponseBody),
		Raw:                          append(json.RawMessage(nil), b...),
	}
	return nil
}

// WebhookLogListOptions filters and pages WebhookLogsService.List and All.
// A nil *WebhookLogListOptions means no filter and Hostaway's default page
// (DefaultPerPage for All).
type WebhookLogListOptions struct {
	// ListOptions selects the page: Hostaway pages this list by limit and
	// offset, page p of size n being limit=n&offset=(p-1)*n.
	ListOptions
	// UnifiedWebhookID keeps the deliveries of one webhook; 0 keeps all.
	UnifiedWebhookID int64
	// ListingMapID keeps the deliveries about one listing; 0 keeps all.
	ListingMapID int64
}

// query returns the query of the page o selects, and its page number and
// size (0: Hostaway's default).
func (o *WebhookLogListOptions) query() (q url.Values, page, size int) {
	q = url.Values{}
	page = 1
	if o != nil {
		page, size = max(o.Page, 1), max(o.PerPage, 0)
		if o.UnifiedWebhookID != 0 {
			q.Set("unifiedWebhookId", strconv.FormatInt(o.UnifiedWebhookID, 10))
		}
		if o.ListingMapID != 0 {
			q.Set("listingMapId", strconv.FormatInt(o.ListingMapID, 10))
		}
	}
	if size == 0 && page > 1 {
		size = DefaultPerPage // an offset needs a page size
	}
	if size > 0 {
		q.Set("limit", strconv.Itoa(size))
	}
	if offset := (page - 1) * size; offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	return q, page, size
}

// WebhookLogsService lists the deliveries of the account's unified webhooks
// (/v1/unifiedWebhookLogs), to see what Hostaway sent and what the endpoint
// answered. Get it from Client.WebhookLogs; it is safe for concurrent use.
type WebhookLogsService struct {
	client *Client
}

const webhookLogsPath = "/unifiedWebhookLogs"

// List returns the page of delivery logs opts selects. Total is
// Hostaway's count of matching entries (-1 when it sends none); NextPage
// is 0 once that count is reached or, without a count, after a page
// shorter than its size.
//
// https://api.hostaway.com/documentation#unified-webhook-logs
// GET /v1/unifiedWebhookLogs
func (s *WebhookLogsService) List(ctx context.Context, opts *WebhookLogListOptions) (*Page[WebhookLog], *Response, error) {
	q, page, size := opts.query()
	var logs []*WebhookLog
	req := api.Request{Method: http.MethodGet, Path: webhookLogsPath, Query: q}
	pg, resp, err := s.client.call(ctx, "list unified webhook logs", req, &logs)
	if err != nil {
		return nil, resp, err
	}
	if size == 0 {
		size = pg.limit // Hostaway's default, when it says
	}
	p := &Page[WebhookLog]{Items: logs, Total: pg.count}
	if p.Items == nil {
		p.Items = []*WebhookLog{}
	}
	seen := (page-1)*size + len(logs)
	switch {
	case len(logs) == 0:
	case pg.count >= 0:
		if seen < pg.count {
			p.NextPage = page + 1
		}
	case size > 0 && len(logs) >= size:
		p.NextPage = page + 1
	}
	return p, resp, nil
}

// All iterates over every delivery log matching opts, from the page opts
// names on, fetching pages of opts.PerPage (DefaultPerPage when 0) entries
// as the loop advances. It stops once Hostaway's count is reached or after a
// page shorter than the page size. An error is yielded once and ends the
// iteration.
//
// https://api.hostaway.com/documentation#unified-webhook-logs
// GET /v1/unifiedWebhookLogs
func (s *WebhookLogsService) All(ctx context.Context, opts *WebhookLogListOptions) iter.Seq2[*WebhookLog, error] {
	var o WebhookLogListOptions
	if opts != nil {
		o = *opts
	}
	if o.PerPage <= 0 {
		o.PerPage = DefaultPerPage
	}
	return api.All(ctx, o.ListOptions, func(ctx context.Context, lo ListOptions) (*Page[WebhookLog], *Response, error) {
		page := o
		page.ListOptions = lo
		return s.List(ctx, &page)
	})
}
