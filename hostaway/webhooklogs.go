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

// DefaultLogPageSize is the page size WebhookLogsService.All asks for when
// WebhookLogListOptions.Limit is 0.
const DefaultLogPageSize = 100

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

// WebhookLogListOptions filters and pages WebhookLogsService.List and All. A
// nil *WebhookLogListOptions means no filter and Hostaway's default page.
type WebhookLogListOptions struct {
	// UnifiedWebhookID keeps the deliveries of one webhook; 0 keeps all.
	UnifiedWebhookID int64
	// ListingMapID keeps the deliveries about one listing; 0 keeps all.
	ListingMapID int64
	// Limit is the page size; 0 means Hostaway's default for List and
	// DefaultLogPageSize for All.
	Limit int
	// Offset is the number of entries to skip; All starts there.
	Offset int
}

func (o *WebhookLogListOptions) query(limit, offset int) url.Values {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	if o != nil && o.UnifiedWebhookID != 0 {
		q.Set("unifiedWebhookId", strconv.FormatInt(o.UnifiedWebhookID, 10))
	}
	if o != nil && o.ListingMapID != 0 {
		q.Set("listingMapId", strconv.FormatInt(o.ListingMapID, 10))
	}
	return q
}

// WebhookLogsService lists the deliveries of the account's unified webhooks
// (/v1/unifiedWebhookLogs), to see what Hostaway sent and what the endpoint
// answered. Get it from Client.WebhookLogs; it is safe for concurrent use.
type WebhookLogsService struct {
	client *Client
}

const webhookLogsPath = "/unifiedWebhookLogs"

// List returns one page of delivery logs, and the page's pagination as far
// as Hostaway reports it.
//
// https://api.hostaway.com/documentation#unified-webhook-logs
// GET /v1/unifiedWebhookLogs
func (s *WebhookLogsService) List(ctx context.Context, opts *WebhookLogListOptions) ([]WebhookLog, Page, error) {
	var limit, offset int
	if opts != nil {
		limit, offset = opts.Limit, opts.Offset
	}
	return s.list(ctx, opts, limit, offset)
}

func (s *WebhookLogsService) list(ctx context.Context, opts *WebhookLogListOptions, limit, offset int) ([]WebhookLog, Page, error) {
	var logs []WebhookLog
	req := api.Request{Method: http.MethodGet, Path: webhookLogsPath, Query: opts.query(limit, offset)}
	page, err := s.client.call(ctx, "list unified webhook logs", req, &logs)
	if err != nil {
		return nil, Page{}, err
	}
	return logs, page, nil
}

// All iterates over every delivery log matching opts, from opts.Offset on,
// fetching pages of opts.Limit (DefaultLogPageSize when 0) entries by offset
// as the loop advances. It stops after a page shorter than the page size, or
// once Hostaway's count is reached. An error is yielded once and ends the
// iteration.
//
// https://api.hostaway.com/documentation#unified-webhook-logs
// GET /v1/unifiedWebhookLogs
func (s *WebhookLogsService) All(ctx context.Context, opts *WebhookLogListOptions) iter.Seq2[WebhookLog, error] {
	limit, first := DefaultLogPageSize, 0
	if opts != nil {
		if opts.Limit > 0 {
			limit = opts.Limit
		}
		first = max(opts.Offset, 0)
	}
	fetch := func(ctx context.Context, cursor string) ([]WebhookLog, string, error) {
		offset, err := strconv.Atoi(cursor)
		if err != nil {
			return nil, "", err
		}
		logs, page, err := s.list(ctx, opts, limit, offset)
		if err != nil {
			return nil, "", err
		}
		next := offset + len(logs)
		if len(logs) < limit || (page.Count > 0 && next >= page.Count) {
			return logs, "", nil
		}
		return logs, strconv.Itoa(next), nil
	}
	return api.Pages(ctx, strconv.Itoa(first), fetch)
}
