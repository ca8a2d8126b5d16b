package channex

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// Base URLs of the Channex API, version path included. Keys of one
// environment do not work on the other.
const (
	// BaseURL is the production API, the default. Channex's pages use
	// app.channex.io for production; the PCI host secure.channex.io is
	// only for certified partners that receive card data, and works with
	// WithBaseURL.
	BaseURL = "https://app.channex.io/api/v1"
	// StagingURL is the staging (sandbox) API, which every example in
	// Channex's documentation calls.
	StagingURL = "https://staging.channex.io/api/v1"
)

// APIKeyHeader is the header that carries the API key on every request.
const APIKeyHeader = "user-api-key"

// APIError is the error the client returns when Channex answers with a
// status other than 2xx. Match it with errors.As:
//
//	var apiErr *channex.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { ... }
//
// Its fields:
//   - StatusCode int: the HTTP status.
//   - Code, Message string: the "code" and "title" of Channex's
//     {"errors": {...}} envelope, such as "validation_error" and
//     "Validation Error".
//   - Details json.RawMessage: its "details" as sent, a field-to-messages
//     object on 422 (see FieldErrors) or an array on some 400s.
//   - DocURL string: unused by Channex.
//   - Method, URL string: the request, the URL without its query.
//   - Header http.Header, Body []byte: the response as received (Body at
//     most 10 MiB).
//   - Attempts int: how many times the request was sent.
//   - Err error: a cause, such as a body that could not be read.
//
// Its method RetryAfter reports the wait a 429 or 503 asked for. Its text
// never contains the body, and no field holds the API key: an echoed key
// reads "REDACTED".
type APIError = api.Error

// LimitError is the error a call returns, without sending its request,
// while an earlier answer of Channex to the same Client (a 429 or 503 with
// Retry-After) keeps the rate-limit window closed for longer than the
// client waits (WithRetryAfterMax). Match it with errors.As. Its fields:
//   - Op string: the request, "METHOD /path".
//   - Wait time.Duration: how long the window stays closed.
//
// Its method RetryAfter returns Wait and true.
type LimitError = api.LimitError

// Response is what Channex answered to a call, besides the decoded result;
// every method returns it, also with an error once an answer arrived. Its
// fields:
//   - StatusCode int: the HTTP status.
//   - Header http.Header: the response headers.
//   - RequestID string: always "": Channex documents no request-id header.
//   - Rate Rate: always zero: Channex documents no rate-limit headers
//     (its limits apply to ARI pushes and are answered with 429).
//   - Attempts int: how many times the request was sent, retries included.
type Response = api.Response

// Rate holds the rate-limit figures of a response; Channex sends none, so
// it is always zero. Its fields: Limit and Remaining int, Reset time.Time.
type Rate = api.Rate

// ListOptions selects one page of a list. Its fields:
//   - Page int: the 1-based page, sent as pagination[page]; 0 means 1.
//   - PerPage int: the page size, sent as pagination[limit]; 0 means
//     Channex's default, 10; more than 100 (Channex's maximum) means 100.
type ListOptions = api.ListOptions

// Page is one page of a list. Its fields:
//   - Items []*T: the page's items.
//   - Total int: the number of items in the whole list (Channex's
//     meta.total); -1 when Channex does not say.
//   - NextPage int: the ListOptions.Page of the next page; 0 on the last.
type Page[T any] = api.Page[T]

// Auth is how a Client authenticates. Build it with APIKey; the zero Auth
// is invalid and NewClient refuses it.
type Auth struct {
	key string
}

// APIKey returns the Auth for a Channex API key, sent in the user-api-key
// header of every request.
func APIKey(key string) Auth { return Auth{key: key} }

// Client calls the Channex API: webhook subscriptions (Webhooks), the
// booking revisions that booking webhooks announce (BookingRevisions), the
// bookings as they are now (Bookings) and their guest messages (Messages).
// NewHydrator builds on it.
//
// A Client is safe for concurrent use. GET, PUT and DELETE requests are
// retried on transport errors, 429 and 5xx (except 501), with jittered
// exponential backoff (WithRetryWait, WithRetryMax) and Retry-After
// honoured up to a cap (WithRetryAfterMax). A POST (create, test,
// acknowledge) is retried only on 429, an explicit refusal, or when the
// connection could not be made: it never runs twice. Every
// method stops as soon as its context is done, also while waiting to
// retry.
//
// The callers of one Client share its rate-limit window: after a 429 or 503
// with Retry-After they wait together, and a wait longer than
// WithRetryAfterMax returns a *LimitError at once, unsent.
type Client struct {
	// Webhooks manages webhook subscriptions.
	Webhooks *WebhooksService
	// BookingRevisions lists, reads, acknowledges and resends booking
	// revisions.
	BookingRevisions *BookingRevisionsService
	// Bookings reads bookings as they are now (their latest revision).
	Bookings *BookingsService
	// Messages reads the guest messages of bookings and conversations.
	Messages *MessagesService

	api *api.Client
}

// ClientOption configures a Client. Nil options are ignored; of several
// options of one kind, the last wins.
type ClientOption func(*clientConfig)

type clientConfig struct {
	// Config collects what the options set; NewClient adds the
	// authentication and the error decoder and hands it to internal/api.
	api.Config
}

// option adapts a shared option body to a ClientOption.
func option(o api.Option) ClientOption {
	return func(c *clientConfig) { o(&c.Config) }
}

// WithBaseURL sets the API root, version path included, such as
// StagingURL or an httptest server's URL followed by "/api/v1". The
// default, also given by "", is BaseURL. The API key is only ever sent to
// this URL's scheme and host.
func WithBaseURL(u string) ClientOption { return option(api.WithBaseURL(u)) }

// WithHTTPClient sets the HTTP client that sends requests. It is copied,
// not modified. The default is a client with a 30 s timeout and its own
// connection pool; http.DefaultClient is never used. A nil hc is ignored.
func WithHTTPClient(hc *http.Client) ClientOption { return option(api.WithHTTPClient(hc)) }

// WithLogger sets the logger for retries and failures. Records never
// contain the API key, headers, bodies or query strings. The default is
// silence. A nil l is ignored.
func WithLogger(l *slog.Logger) ClientOption { return option(api.WithLogger(l)) }

// WithUserAgent sets the User-Agent header. The default, also given by "",
// is "pmshooks-go".
func WithUserAgent(ua string) ClientOption { return option(api.WithUserAgent(ua)) }

// WithRetryMax sets how many times a failed request is retried after the
// first attempt. The default, also given by 0, is 4; a negative n disables
// retries.
func WithRetryMax(n int) ClientOption { return option(api.WithRetryMax(n)) }

// WithRetryWait sets the shortest and the longest backoff between retries
// when the response gives no Retry-After. The defaults, also given by
// zero, are 500 ms and 30 s. NewClient fails when minWait exceeds maxWait
// or either is negative.
func WithRetryWait(minWait, maxWait time.Duration) ClientOption {
	return option(api.WithRetryWait(minWait, maxWait))
}

// WithRetryAfterMax caps how long the client waits when a 429 or 503
// carries Retry-After. When Channex asks for longer, the client does not
// wait: it returns the *APIError at once, whose RetryAfter method tells
// how long was asked. The default, also given by 0, is 60 s.
func WithRetryAfterMax(d time.Duration) ClientOption { return option(api.WithRetryAfterMax(d)) }

// NewClient returns a Client that authenticates with auth, such as
// APIKey(key). It fails when the key is empty (the client never sends an
// unauthenticated request) or an option is invalid, such as a base URL
// that is not an absolute http(s) URL.
func NewClient(auth Auth, opts ...ClientOption) (*Client, error) {
	if strings.TrimSpace(auth.key) == "" {
		return nil, errors.New("channex: new client: empty API key")
	}
	cfg := clientConfig{Config: api.Config{BaseURL: BaseURL}}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	cfg.Auth = api.HeaderKey(APIKeyHeader, auth.key)
	cfg.DecodeError = decodeError
	core, err := api.New(cfg.Config)
	if err != nil {
		return nil, fmt.Errorf("channex: new client: %w", err)
	}
	c := &Client{api: core}
	c.Webhooks = &WebhooksService{client: c}
	c.BookingRevisions = &BookingRevisionsService{client: c}
	c.Bookings = &BookingsService{client: c}
	c.Messages = &MessagesService{client: c}
	return c, nil
}

// decodeError reads Channex's error envelope, {"errors": {"code", "title",
// "details"}}, into an *APIError. It also accepts "errors" as an array (the
// first element counts) and a body that is not JSON (a proxy's HTML page),
// which leaves Code and Message empty.
func decodeError(resp *http.Response, body []byte) error {
	e := &APIError{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	var env struct {
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil {
		return e
	}
	raw := bytes.TrimSpace(env.Errors)
	if len(raw) > 0 && raw[0] == '[' {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil || len(list) == 0 {
			return e
		}
		raw = list[0]
	}
	var obj struct {
		Code    lenient.String  `json:"code"`
		Title   string          `json:"title"`
		Details json.RawMessage `json:"details"`
	}
	if json.Unmarshal(raw, &obj) != nil {
		return e
	}
	e.Code, e.Message = string(obj.Code), obj.Title
	if d := bytes.TrimSpace(obj.Details); len(d) > 0 && !bytes.Equal(d, []byte("null")) {
		e.Details = obj.Details
	}
	return e
}

// FieldErrors returns the per-field messages of a Channex validation error,
// such as {"callback_url": ["can't be blank"]}, when err is or wraps an
// *APIError whose details are an object. Nested objects are flattened with
// dotted keys ("webhook.callback_url"); a single message becomes a
// one-element list. It returns nil for any other error, including errors
// whose details are an array (read APIError.Details for those).
func FieldErrors(err error) map[string][]string {
	var e *APIError
	if !errors.As(err, &e) || len(e.Details) == 0 {
		return nil
	}
	out := map[string][]string{}
	if !flattenDetails("", e.Details, out) || len(out) == 0 {
		return nil
	}
	return out
}

// flattenDetails adds the messages of the details object raw to out under
// prefix. It reports false when raw is not an object.
func flattenDetails(prefix string, raw json.RawMessage, out map[string][]string) bool {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil || fields == nil {
		return false
	}
	for name, v := range fields {
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		var list []lenient.String
		var one lenient.String
		switch {
		case isObject(v): // a lenient.String would keep it as raw text
			flattenDetails(key, v, out)
		case json.Unmarshal(v, &list) == nil:
			for _, m := range list {
				out[key] = append(out[key], string(m))
			}
		case json.Unmarshal(v, &one) == nil:
			out[key] = append(out[key], string(one))
		}
	}
	return true
}

// pagination is the "meta" of a Channex list response: the page returned
// (1-based), the page size and the total number of items.
type pagination struct {
	Page  int `json:"page"`
	Limit int `json:"limit"`
	Total int `json:"total"`
}

// pageOf builds the Page of items for a response whose meta is p, asked
// for with o. A missing meta gives Total -1.
func pageOf[T any](items []*T, meta *pagination, o ListOptions) *Page[T] {
	page := &Page[T]{Items: items, Total: -1}
	var p pagination
	if meta != nil {
		p = *meta
		page.Total = p.Total
	}
	if p.Page == 0 {
		p.Page = max(o.Page, 1)
	}
	page.NextPage = p.next(len(items), perPage(o))
	return page
}

// next returns the number of the page after p, or 0 when p is the last
// page. got is the number of items p held; asked is the limit requested,
// used when the response does not state one.
func (p pagination) next(got, asked int) int {
	if got == 0 {
		return 0
	}
	limit := p.Limit
	if limit <= 0 {
		limit = cmp.Or(asked, defaultLimit)
	}
	page := max(p.Page, 1)
	switch {
	case p.Total > 0 && page*limit >= p.Total:
		return 0
	case p.Total <= 0 && got < limit:
		return 0
	}
	return page + 1
}

// perPage is o.PerPage capped at maxLimit; 0 stays 0 (Channex's default).
func perPage(o ListOptions) int { return min(max(o.PerPage, 0), maxLimit) }

// pageQuery returns the pagination[page] and pagination[limit] parameters
// for o; zero values are left out, so that Channex applies its defaults.
func pageQuery(o ListOptions) url.Values {
	q := url.Values{}
	if o.Page > 0 {
		q["pagination[page]"] = []string{strconv.Itoa(o.Page)}
	}
	if n := perPage(o); n > 0 {
		q["pagination[limit]"] = []string{strconv.Itoa(n)}
	}
	return q
}

// defaultLimit is Channex's page size when none is asked for.
const defaultLimit = 10

// maxLimit is the largest page Channex serves.
const maxLimit = 100

// resource is one JSON:API-style item of a Channex response:
// {"id", "type", "attributes", "relationships"}.
type resource[T any] struct {
	ID            lenient.String          `json:"id"`
	Type          string                  `json:"type"`
	Attributes    T                       `json:"attributes"`
	Relationships map[string]relationship `json:"relationships"`
}

// relationship is {"data": {"type", "id"}}. Data is kept raw because
// Channex may send an array; only an object yields an id.
type relationship struct {
	Data json.RawMessage `json:"data"`
}

// id returns the related item's id, or "" when Data is not an object.
func (r relationship) id() string {
	var ref struct {
		ID lenient.String `json:"id"`
	}
	if json.Unmarshal(r.Data, &ref) != nil {
		return ""
	}
	return string(ref.ID)
}

// one is a response holding a single item.
type one[T any] struct {
	Data resource[T] `json:"data"`
}

// many is a response holding a page of items.
type many[T any] struct {
	Data []resource[T] `json:"data"`
	Meta *pagination   `json:"meta"`
}
