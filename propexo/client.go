package propexo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
)

// The Propexo API hosts. A token works on the host it was issued for.
const (
	// ProductionURL is the production API, the default of NewClient.
	ProductionURL = "https://api.propexo.com"
	// SandboxURL is the sandbox API.
	SandboxURL = "https://api.sandbox.propexo.com"
)

// MaxLimit is the largest page Propexo serves: the most a ListOptions or
// DataDiffOptions Limit may ask for, and the page size of the All methods
// when Limit is zero.
const MaxLimit = 250

// APIError is the error of a call that Propexo answered with a status other
// than 2xx, after any retries. Code and Message come from Propexo's
// envelope {"error": {"code", "message", "details"}}, and Details holds its
// "details" as sent (a validation report). Match it with errors.As; its
// Header holds the x-ratelimit-* headers (see ParseRateLimit). No field
// holds the API key: an echoed key reads "REDACTED".
type APIError = api.Error

// Client calls the Propexo API: the webhook configurations and the data
// diffs. It authenticates with a bearer token, retries GET, PUT and DELETE
// on transport errors, 429 and 5xx with jittered backoff (WithRetryWait,
// WithRetryMax), honouring Retry-After up to a minute (WithRetryAfterMax),
// and retries POST only when the request cannot have reached the server or
// was refused with 429, so a webhook is never created twice. It is safe for
// concurrent use.
type Client struct {
	// Webhooks manages webhook configurations: /v1/webhooks/.
	Webhooks *WebhooksService
	// DataDiffs reads the changes behind DATA_NEW and DATA_UPDATE:
	// /v1/admin/data-diffs/.
	DataDiffs *DataDiffsService

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

// WithBaseURL sets the API root: ProductionURL (the default), SandboxURL or
// a test server. "" is ignored.
func WithBaseURL(u string) ClientOption {
	return func(c *clientConfig) {
		if u != "" {
			c.BaseURL = u
		}
	}
}

// WithHTTPClient sets the HTTP client that sends the requests. It is
// copied, not modified. Nil is ignored; without it the Client uses its own
// client with a 30-second timeout, never http.DefaultClient.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *clientConfig) {
		if hc != nil {
			c.HTTPClient = hc
		}
	}
}

// WithLogger logs retries and failures to l. Nil is ignored; without it the
// Client is silent. Records never contain the token, bodies or query
// strings.
func WithLogger(l *slog.Logger) ClientOption {
	return func(c *clientConfig) {
		if l != nil {
			c.Logger = l
		}
	}
}

// WithUserAgent sets the User-Agent header. "" is ignored.
func WithUserAgent(ua string) ClientOption {
	return func(c *clientConfig) {
		if ua != "" {
			c.UserAgent = ua
		}
	}
}

// WithRetryMax sets how many times a failed request is retried after the
// first attempt (four by default); a negative n disables retries.
func WithRetryMax(n int) ClientOption {
	return func(c *clientConfig) {
		if n < 0 {
			n = -1
		}
		c.RetryMax = n
	}
}

// WithRetryWait sets the shortest and the longest backoff between retries
// when the response gives no Retry-After. The defaults, also given by zero,
// are 500 ms and 30 s. NewClient fails when minWait exceeds maxWait or
// either is negative.
func WithRetryWait(minWait, maxWait time.Duration) ClientOption {
	return func(c *clientConfig) { c.RetryWaitMin, c.RetryWaitMax = minWait, maxWait }
}

// WithRetryAfterMax caps how long the client waits when a 429 or 503
// carries Retry-After. When Propexo asks for longer, the client does not
// wait: it returns the *APIError at once, whose RetryAfter method tells how
// long was asked. The default, also given by 0, is 60 s.
func WithRetryAfterMax(d time.Duration) ClientOption {
	return func(c *clientConfig) { c.RetryAfterMax = d }
}

// NewClient returns a Client that authenticates with token, a Propexo API
// token, sent as "Authorization: Bearer". An empty token is an error, as
// are an invalid base URL and retry waits that are negative or reversed.
// Nil options are ignored; of several options of one kind, the last wins.
func NewClient(token string, opts ...ClientOption) (*Client, error) {
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("propexo: new client: empty token")
	}
	cfg := clientConfig{Config: api.Config{BaseURL: ProductionURL}}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	cfg.Auth = api.Bearer(token)
	cfg.DecodeError = decodeError
	core, err := api.New(cfg.Config)
	if err != nil {
		return nil, fmt.Errorf("propexo: new client: %w", err)
	}
	c := &Client{api: core}
	c.Webhooks = &WebhooksService{client: c}
	c.DataDiffs = &DataDiffsService{client: c}
	return c, nil
}

// Response is what Propexo answered to a successful call, besides the
// decoded result.
type Response struct {
	// StatusCode is the HTTP status, such as 200.
	StatusCode int
	// Header holds the response headers.
	Header http.Header
	// RateLimit is read from the x-ratelimit-* headers; see ParseRateLimit.
	RateLimit RateLimit
}

// RateLimit is Propexo's request budget as its x-ratelimit-limit and
// x-ratelimit-remaining headers state it: by default 150 requests a minute.
// Past 80% of the budget Propexo delays each answer by 2 seconds; at 100%
// it answers 429 until the minute ends, which the Client retries.
type RateLimit struct {
	// Limit is the number of requests allowed per minute.
	Limit int
	// Remaining is the number of requests left in the current minute.
	Remaining int
}

// ParseRateLimit reads the x-ratelimit-limit and x-ratelimit-remaining
// headers of a response, such as Response.Header or APIError.Header. The
// boolean is false when either is absent or not a non-negative integer.
func ParseRateLimit(h http.Header) (RateLimit, bool) {
	limit, err1 := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Limit")))
	remaining, err2 := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Remaining")))
	if err1 != nil || err2 != nil || limit < 0 || remaining < 0 {
		return RateLimit{}, false
	}
	return RateLimit{Limit: limit, Remaining: remaining}, true
}

// do sends one request through the core and wraps its errors with op.
func (c *Client) do(ctx context.Context, op string, req api.Request, out any) (*Response, error) {
	resp, err := c.api.Do(ctx, req, out)
	var r *Response
	if resp != nil {
		rl, _ := ParseRateLimit(resp.Header)
		r = &Response{StatusCode: resp.StatusCode, Header: resp.Header, RateLimit: rl}
	}
	if err != nil {
		return r, fmt.Errorf("propexo: %s: %w", op, err)
	}
	return r, nil
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
