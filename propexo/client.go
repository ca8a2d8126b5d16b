package propexo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
)

// Base URLs of the Propexo API, version path included. A token works on
// the host it was issued for.
const (
	// BaseURL is the production API, the default.
	BaseURL = "https://api.propexo.com/v1"
	// StagingURL is Propexo's sandbox API, whose webhooks report System
	// SANDBOX.
	StagingURL = "https://api.sandbox.propexo.com/v1"
)

// DefaultPerPage is Propexo's page size when none is asked for, and the
// size used to compute the offset of a later page when ListOptions.PerPage
// is 0.
const DefaultPerPage = 100

// MaxPerPage is the largest page Propexo serves (its limit parameter
// accepts 1 to 250): a larger ListOptions.PerPage is capped to it, and
// the All methods use it when PerPage is 0.
const MaxPerPage = 250

// APIError is the error the client returns when Propexo answers with a
// status other than 2xx, after any retries. Match it with errors.As:
//
//	var apiErr *propexo.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { ... }
//
// Its fields:
//   - StatusCode int: the HTTP status.
//   - Code, Message string: the "code" and "message" of Propexo's
//     {"error": {...}} envelope.
//   - Details json.RawMessage: its "details" as sent (a validation
//     report); nil when absent or null.
//   - DocURL string: unused by Propexo.
//   - Method, URL string: the request, the URL without its query.
//   - Header http.Header, Body []byte: the response as received (Body at
//     most 10 MiB); Header holds the x-ratelimit-* headers.
//   - Attempts int: how many times the request was sent.
//   - Err error: a cause, such as a body that could not be read.
//
// Its method RetryAfter reports the wait a 429 or 503 asked for. Its text
// never contains the body, and no field holds the API key: an echoed key
// reads "REDACTED".
type APIError = api.Error

// LimitError is the error a call returns, without sending its request,
// when earlier answers to the same Client closed its rate-limit window
// (a 429 or 503 with Retry-After) for longer than WithRetryAfterMax. Match it with errors.As. Its fields:
//   - Op string: the request, "METHOD /path".
//   - Wait time.Duration: how long the window stays closed, from when the
//     request was refused.
//
// Its method RetryAfter returns Wait and true.
type LimitError = api.LimitError

// Response is what Propexo answered to a call, besides the decoded result;
// every method returns it, also with an error once an answer arrived. Its
// fields:
//   - StatusCode int: the HTTP status.
//   - Header http.Header: the response headers.
//   - RequestID string: always "": Propexo documents no request-id header.
//   - Rate Rate: the x-ratelimit-limit and x-ratelimit-remaining headers
//     (see Rate).
//   - Attempts int: how many times the request was sent, retries included.
type Response = api.Response

// Rate holds the rate-limit figures of a response, read from Propexo's
// headers. Its fields:
//   - Limit int: x-ratelimit-limit, the requests allowed per minute (150
//     by default).
//   - Remaining int: x-ratelimit-remaining, the requests left this minute.
//   - Reset time.Time: always zero: Propexo sends no reset header; its
//     window is the minute.
//
// A field is zero when its header is absent or not a non-negative integer.
// Past 80% of the budget Propexo delays each answer by 2 seconds; at 100%
// it answers 429 until the minute ends, which the client retries.
type Rate = api.Rate

// ListOptions selects one page of a list. Propexo pages by offset and
// limit; page p of size n is sent as offset=(p-1)*n&limit=n. Its fields:
//   - Page int: the 1-based page; 0 means 1.
//   - PerPage int: the page size, sent as limit; 0 means Propexo's
//     default, 100 (DefaultPerPage, also used for the offset of a later
//     page); more than MaxPerPage (250) means MaxPerPage.
type ListOptions = api.ListOptions

// Page is one page of a list. Its fields:
//   - Items []*T: the page's items, in the order asked for.
//   - Total int: the number of items in the whole list (Propexo's
//     meta.total); -1 when Propexo does not say.
//   - NextPage int: the ListOptions.Page of the next page; 0 on the last,
//     as Propexo's meta.hasMore says, else its meta.total, else a page
//     shorter than its size.
type Page[T any] = api.Page[T]

// Auth is how a Client authenticates. Build it with APIKey; the zero Auth
// is invalid and NewClient refuses it.
type Auth struct {
	key string
}

// APIKey returns the Auth for a Propexo API key (the token of Propexo's
// dashboard), sent as "Authorization: Bearer" on every request.
func APIKey(key string) Auth { return Auth{key: key} }

// Client calls the Propexo API: the webhook configurations (Webhooks), the
// cached records of every model (Records), the data diffs (DataDiffs), the
// job logs (JobLogs) and the status of writes (Writes). It authenticates
// with a bearer token,
// retries GET, PUT and DELETE on transport errors, 429 and 5xx with
// jittered backoff (WithRetryWait, WithRetryMax), honouring Retry-After up
// to a minute (WithRetryAfterMax), and retries POST only when the request
// cannot have reached the server or was refused with 429, so a webhook is
// never created twice.
//
// Its callers share one rate-limit window: after a 429 or 503 with
// Retry-After, concurrent calls wait for the window to open, and a call
// that would wait longer than WithRetryAfterMax returns a *LimitError
// without being sent. (Propexo documents no Retry-After and no reset time:
// a 429 without Retry-After is retried with backoff, and
// x-ratelimit-remaining 0 alone closes nothing.) It is safe for concurrent
// use.
type Client struct {
	// Webhooks manages webhook configurations: /v1/webhooks/.
	Webhooks *WebhooksService
	// Records reads the records of every model by id: /v1/<model>/{id}.
	Records *RecordsService
	// DataDiffs reads the changes behind DATA_NEW and DATA_UPDATE:
	// /v1/admin/data-diffs/.
	DataDiffs *DataDiffsService
	// JobLogs reads the logs of integration jobs, such as the job a
	// JOB_FAILURE names: /v1/admin/logs/jobs/.
	JobLogs *JobLogsService
	// Writes reads the status of writes, such as the write a
	// WRITE_OPERATION_FAILURE names: /v1/admin/write-status/.
	Writes *WritesService

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
// StagingURL or an httptest server's URL followed by "/v1". The default,
// also given by "", is BaseURL. The API key is only ever sent to this
// URL's scheme and host.
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
// carries Retry-After. When Propexo asks for longer, the client does not
// wait: it returns the *APIError at once, whose RetryAfter method tells
// how long was asked. The default, also given by 0, is 60 s.
func WithRetryAfterMax(d time.Duration) ClientOption { return option(api.WithRetryAfterMax(d)) }

// NewClient returns a Client that authenticates with auth, such as
// APIKey(key). It fails when the key is empty (the client never sends an
// unauthenticated request) or an option is invalid, such as a base URL
// that is not an absolute http(s) URL or retry waits that are negative or
// reversed.
func NewClient(auth Auth, opts ...ClientOption) (*Client, error) {
	if strings.TrimSpace(auth.key) == "" {
		return nil, errors.New("propexo: new client: empty API key")
	}
	cfg := clientConfig{Config: api.Config{BaseURL: BaseURL}}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	cfg.Auth = api.Bearer(auth.key)
	cfg.DecodeError = decodeError
	cfg.RateLimit = api.HeaderRate("x-ratelimit-limit", "x-ratelimit-remaining", "")
	core, err := api.New(cfg.Config)
	if err != nil {
		return nil, fmt.Errorf("propexo: new client: %w", err)
	}
	c := &Client{api: core}
	c.Webhooks = &WebhooksService{client: c}
	c.Records = &RecordsService{client: c}
	c.DataDiffs = &DataDiffsService{client: c}
	c.JobLogs = &JobLogsService{client: c}
	c.Writes = &WritesService{client: c}
	return c, nil
}

// do sends one request through the core and wraps its errors with op. The
// Response is non-nil whenever an answer arrived.
func (c *Client) do(ctx context.Context, op string, req api.Request, out any) (*Response, error) {
	raw, err := c.api.Do(ctx, req, out)
	if err != nil {
		return raw.Response(), fmt.Errorf("propexo: %s: %w", op, err)
	}
	return raw.Response(), nil
}

// errorEnvelope is Propexo's error body.
type errorEnvelope struct {
	Error *struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Details json.RawMessage `json:"details"`
	} `json:"error"`
}

// decodeError reads Propexo's {"error": {code, message, details}} into an
// *APIError. A body in another form (an HTML page from a proxy, an empty
// 429) gives an *APIError with the status only.
func decodeError(resp *http.Response, body []byte) error {
	e := &APIError{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	var env errorEnvelope
	if json.Unmarshal(body, &env) == nil && env.Error != nil {
		e.Code = env.Error.Code
		e.Message = env.Error.Message
		if d := bytes.TrimSpace(env.Error.Details); len(d) > 0 && !bytes.Equal(d, []byte("null")) {
			e.Details = env.Error.Details
		}
	}
	return e
}
