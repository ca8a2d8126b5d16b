package hostaway

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
	"github.com/pmshooks/pmshooks/lenient"
)

// BaseURL is the root of Hostaway's public API, the default of WithBaseURL.
const BaseURL = "https://api.hostaway.com/v1"

// tokenPath is the token endpoint, relative to the base URL.
const tokenPath = "/accessTokens"

// tokenActivationDelay is how long a new access token needs before Hostaway
// accepts it: "a new token becomes valid only 1 second after it is issued".
const tokenActivationDelay = time.Second

// APIError is the error of every Client method whose request Hostaway
// answered with a non-2xx status or with {"status": "fail"}; match it with
// errors.As. Message holds Hostaway's error text (its "result" or, on 429,
// "message"); Code is always empty, as Hostaway has no error codes; Details
// holds a "result" that is not a string, as sent. No field holds the
// client secret or an access token: one Hostaway echoes reads "REDACTED".
type APIError = api.Error

// Client calls Hostaway's public API to manage unified webhooks and read
// their delivery logs. It is safe for concurrent use.
//
// Requests that fail with a transport error, 429 or 5xx are retried with
// jittered exponential backoff, honouring Retry-After up to a minute; a POST
// is retried only on 429 or when the connection could not be made, so a
// create never runs twice.
type Client struct {
	// Webhooks manages unified webhooks.
	Webhooks *WebhooksService
	// WebhookLogs lists unified-webhook deliveries and what the endpoint
	// answered.
	WebhookLogs *WebhookLogsService

	api     *api.Client
	baseURL string

	// tokens is the token source of a client from NewClient; nil for one
	// from NewClientWithToken, whose token is static.
	tokens *api.ClientCredentials
	static Token
}

// Token is a Hostaway access token and when it expires. Client.Token returns
// it so that a program can save it, and WithToken hands it back after a
// restart: Hostaway's tokens last up to 24 months, and Hostaway asks callers
// to reuse one rather than fetch a new token every time a program starts.
// Store it as the secret it is; its String and GoString methods never show
// AccessToken.
type Token struct {
	// AccessToken is the token sent as "Authorization: Bearer".
	AccessToken string

	// Expiry is when the token expires, as Hostaway's expires_in stated it.
	// The zero value means unknown: the token is used until Hostaway
	// answers 403.
	Expiry time.Time
}

// String describes t without its access token.
func (t Token) String() string {
	if t.AccessToken == "" {
		return "hostaway.Token{}"
	}
	if t.Expiry.IsZero() {
		return "hostaway.Token{AccessToken: redacted}"
	}
	return "hostaway.Token{AccessToken: redacted, Expiry: " + t.Expiry.Format(time.RFC3339) + "}"
}

// GoString is String, so that %#v cannot print the token either.
func (t Token) GoString() string { return t.String() }

// ClientOption configures NewClient and NewClientWithToken. A nil option is
// ignored; of two options setting the same thing, the last wins.
type ClientOption func(*clientConfig)

type clientConfig struct {
	// Config collects what the options set; NewClient adds the
	// authentication and the error decoder and hands it to internal/api.
	api.Config

	token Token

	// activationDelay is tokenActivationDelay; same-package tests shorten
	// it.
	activationDelay time.Duration
}

// WithBaseURL sets the API root, BaseURL by default: an absolute http or
// https URL such as "https://api.hostaway.com/v1". An empty u is ignored.
func WithBaseURL(u string) ClientOption {
	return func(c *clientConfig) {
		if u != "" {
			c.BaseURL = u
		}
	}
}

// WithHTTPClient sets the HTTP client requests go through; it is copied, not
// modified. Without it the client has its own, with a 30-second timeout per
// attempt. A nil hc is ignored.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *clientConfig) {
		if hc != nil {
			c.HTTPClient = hc
		}
	}
}

// WithLogger logs retries and failures to l; without it the client is
// silent. Log records never contain credentials, tokens or bodies. A nil l is
// ignored.
func WithLogger(l *slog.Logger) ClientOption {
	return func(c *clientConfig) {
		if l != nil {
			c.Logger = l
		}
	}
}

// WithUserAgent sets the User-Agent header. The default, also given by "",
// is "pmshooks-go".
func WithUserAgent(ua string) ClientOption {
	return func(c *clientConfig) { c.UserAgent = ua }
}

// WithRetryMax sets how many times a failed request is retried after the
// first attempt. The default, also given by 0, is 4; a negative n disables
// retries. It does not count the one retry with a new token after Hostaway
// answered 403.
func WithRetryMax(n int) ClientOption {
	return func(c *clientConfig) { c.RetryMax = n }
}

// WithRetryWait sets the shortest and the longest backoff between retries
// when the response gives no Retry-After. The defaults, also given by zero,
// are 500 ms and 30 s. NewClient fails when minWait exceeds maxWait or
// either is negative.
func WithRetryWait(minWait, maxWait time.Duration) ClientOption {
	return func(c *clientConfig) { c.RetryWaitMin, c.RetryWaitMax = minWait, maxWait }
}

// WithRetryAfterMax caps how long the client waits when a 429 or 503
// carries Retry-After. When Hostaway asks for longer, the client does not
// wait: it returns the *APIError at once, whose RetryAfter method tells how
// long was asked. The default, also given by 0, is 60 s.
func WithRetryAfterMax(d time.Duration) ClientOption {
	return func(c *clientConfig) { c.RetryAfterMax = d }
}

// WithToken makes NewClient start with t, a token saved from Client.Token,
// instead of fetching one: the first call sends it at once. It is used until
// shortly before its Expiry, or until Hostaway answers 403, and then
// replaced by a token fetched with NewClient's credentials; one already
// expired is never sent. A t with an empty AccessToken is ignored.
// NewClientWithToken ignores this option: its token is its argument.
func WithToken(t Token) ClientOption {
	return func(c *clientConfig) {
		if strings.TrimSpace(t.AccessToken) != "" {
			c.token = t
		}
	}
}

// NewClient returns a Client that authenticates with the OAuth client
// credentials of a Hostaway account: its account ID (the client_id) and a
// client secret from Hostaway's dashboard (Settings, Hostaway API).
//
// The client fetches an access token (POST /v1/accessTokens with
// grant_type=client_credentials and scope=general) on its first call, waits
// the one second Hostaway needs before a new token is valid, and reuses the
// token, shared by concurrent calls, until its expires_in runs out. When
// Hostaway answers 403, which is how it reports an expired token, the client
// fetches one new token and sends the request once more; a second 403 is
// returned as an *APIError. WithToken makes it start with a token saved
// from Client.Token instead, as Hostaway asks callers to reuse tokens.
//
// It fails when accountID is not a number or clientSecret is empty.
// https://api.hostaway.com/documentation#authentication
func NewClient(accountID, clientSecret string, opts ...ClientOption) (*Client, error) {
	accountID = strings.TrimSpace(accountID)
	switch {
	case accountID == "":
		return nil, errors.New("hostaway: new client: empty account ID")
	case strings.Trim(accountID, "0123456789") != "":
		return nil, errors.New("hostaway: new client: the account ID is not a number")
	case clientSecret == "":
		return nil, errors.New("hostaway: new client: empty client secret")
	}
	cfg := newClientConfig(opts)
	base, err := newAPI(cfg, nil)
	if err != nil {
		return nil, err
	}
	tokens, err := api.NewClientCredentials(base, api.ClientCredentialsConfig{
		TokenURL:        tokenPath,
		ClientID:        accountID,
		ClientSecret:    clientSecret,
		Scope:           "general",
		InitialToken:    api.Token{AccessToken: cfg.token.AccessToken, Expiry: cfg.token.Expiry},
		ActivationDelay: cfg.activationDelay,
	})
	if err != nil {
		return nil, fmt.Errorf("hostaway: new client: %w", err)
	}
	c := newClient(base.WithAuth(tokens), cfg)
	c.tokens = tokens
	return c, nil
}

// NewClientWithToken returns a Client that sends accessToken, a token the
// caller already holds, as "Authorization: Bearer". The token is never
// renewed: once it expires, every call fails with an *APIError of status 403.
// Prefer NewClient unless the token comes from elsewhere; to reuse a saved
// token and still have it renewed, pass it to NewClient with WithToken. It
// fails when accessToken is empty.
func NewClientWithToken(accessToken string, opts ...ClientOption) (*Client, error) {
	if strings.TrimSpace(accessToken) == "" {
		return nil, errors.New("hostaway: new client: empty access token")
	}
	cfg := newClientConfig(opts)
	c, err := newAPI(cfg, api.Bearer(accessToken))
	if err != nil {
		return nil, err
	}
	cl := newClient(c, cfg)
	cl.static = Token{AccessToken: accessToken}
	return cl, nil
}

// Token returns the access token the client sends. A client from NewClient
// first fetches one (POST /v1/accessTokens) when it holds none that is
// still valid, and waits the second Hostaway needs before a new token is
// valid, as any call would; a client from NewClientWithToken returns its
// token with a zero Expiry. Save the result, as the secret it is, and pass
// it to WithToken when the program starts again. A failed fetch returns the
// same error a call would, such as an *APIError for rejected credentials.
// It is safe for concurrent use with every other method.
// https://api.hostaway.com/documentation#authentication
func (c *Client) Token(ctx context.Context) (Token, error) {
	if c.tokens == nil {
		return c.static, nil
	}
	t, err := c.tokens.Token(ctx)
	if err != nil {
		return Token{}, fmt.Errorf("hostaway: token: %w", err)
	}
	return Token{AccessToken: t.AccessToken, Expiry: t.Expiry}, nil
}

func newClientConfig(opts []ClientOption) *clientConfig {
	cfg := &clientConfig{Config: api.Config{BaseURL: BaseURL}, activationDelay: tokenActivationDelay}
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	return cfg
}

// newAPI builds the REST core for cfg.
func newAPI(cfg *clientConfig, auth api.Authenticator) (*api.Client, error) {
	ac := cfg.Config // a copy: cfg stays as the options left it
	ac.Auth = auth
	ac.DecodeError = decodeError
	ac.Header = http.Header{"Cache-Control": {"no-cache"}}
	c, err := api.New(ac)
	if err != nil {
		return nil, fmt.Errorf("hostaway: new client: %w", err)
	}
	return c, nil
}

func newClient(c *api.Client, cfg *clientConfig) *Client {
	cl := &Client{api: c, baseURL: strings.TrimSuffix(cfg.BaseURL, "/")}
	cl.Webhooks = &WebhooksService{client: cl}
	cl.WebhookLogs = &WebhookLogsService{client: cl}
	return cl
}

// Page describes one page of a paginated list, from the pagination fields of
// Hostaway's response envelope. Hostaway sends them inconsistently: a field
// it left out is 0.
type Page struct {
	Limit      int // the page size asked for
	Offset     int // the offset of the page's first item
	Count      int // the number of items in the whole list
	Page       int // the page number, from 1
	TotalPages int // the number of pages
}

// envelope is Hostaway's standard response: {"status": "success" or "fail",
// "result": ..., "message": ..., and the pagination fields}.
type responseEnvelope struct {
	Status     lenient.String  `json:"status"`
	Result     json.RawMessage `json:"result"`
	Message    lenient.String  `json:"message"`
	Limit      lenient.Int     `json:"limit"`
	Offset     lenient.Int     `json:"offset"`
	Count      lenient.Int     `json:"count"`
	Page       lenient.Int     `json:"page"`
	TotalPages lenient.Int     `json:"totalPages"`
}

func (e *responseEnvelope) page() Page {
	return Page{
		Limit: e.Limit.Int(), Offset: e.Offset.Int(), Count: e.Count.Int(),
		Page: e.Page.Int(), TotalPages: e.TotalPages.Int(),
	}
}

// errorText returns Hostaway's error message from an envelope: "result" when
// it is a string, else "message". details is a result that is not a string.
func (e *responseEnvelope) errorText() (msg string, details json.RawMessage) {
	result := trimNull(e.Result)
	if len(result) > 0 && result[0] == '"' {
		if json.Unmarshal(result, &msg) == nil && msg != "" {
			return msg, nil
		}
	} else if len(result) > 0 {
		details = result
	}
	return string(e.Message), details
}

// decodeError is the api.ErrorDecoder for Hostaway's envelope: a non-2xx
// answer becomes an *APIError with Hostaway's message, or with none when the
// body is not an envelope.
func decodeError(resp *http.Response, body []byte) error {
	e := &APIError{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	var env responseEnvelope
	if json.Unmarshal(body, &env) == nil {
		e.Message, e.Details = env.errorText()
	}
	return e
}

// call sends req and decodes the "result" of Hostaway's envelope into
// result (nil: ignore it). It returns the envelope's pagination. op names the
// operation in errors.
func (c *Client) call(ctx context.Context, op string, req api.Request, result any) (Page, error) {
	resp, err := c.api.Do(ctx, req, nil)
	if err != nil {
		return Page{}, fmt.Errorf("hostaway: %s: %w", op, err)
	}
	body := bytes.TrimSpace(resp.Body)
	if len(body) == 0 {
		if result != nil {
			return Page{}, fmt.Errorf("hostaway: %s: empty response", op)
		}
		return Page{}, nil // a delete may answer with no body at all
	}
	var env responseEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Page{}, fmt.Errorf("hostaway: %s: decode response: %s", op, describeJSONError(err))
	}
	if strings.EqualFold(string(env.Status), "fail") {
		apiErr := &APIError{
			StatusCode: resp.StatusCode,
			Header:     resp.Header,
			Body:       resp.Body,
			Method:     req.Method,
			URL:        c.baseURL + req.Path,
			Attempts:   resp.Attempts,
		}
		apiErr.Message, apiErr.Details = env.errorText()
		// Built here, not by the core: redact it as the core does, since
		// Hostaway may echo the token or secret it was sent.
		resp.RedactError(apiErr)
		return Page{}, fmt.Errorf("hostaway: %s: %w", op, apiErr)
	}
	if result != nil {
		if trimNull(env.Result) == nil {
			return Page{}, fmt.Errorf("hostaway: %s: response has no result", op)
		}
		if err := json.Unmarshal(env.Result, result); err != nil {
			return Page{}, fmt.Errorf("hostaway: %s: decode result: %s", op, describeJSONError(err))
		}
	}
	return env.page(), nil
}
