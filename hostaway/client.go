package hostaway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
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
// answered with a non-2xx status or with {"status": "fail"}. Match it with
// errors.As:
//
//	var apiErr *hostaway.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { … }
//
// Its fields:
//
//   - StatusCode int: the HTTP status (200 for {"status": "fail"}).
//   - Code string: always "", as Hostaway has no error codes.
//   - Message string: Hostaway's error text, its "result" or, on 429,
//     "message".
//   - DocURL string: always "".
//   - Details json.RawMessage: a "result" that is not a string, as sent.
//   - Method, URL string: the request ("GET", the URL without its query).
//   - Header http.Header and Body []byte: the response as received.
//   - Attempts int: how many times the request was sent.
//   - Err error: the underlying cause, if any (Unwrap returns it).
//
// Its Temporary method reports a 429 or 5xx, and RetryAfter the wait a 429
// or 503 asked for. No field holds the client secret or an access token:
// one Hostaway echoes reads "REDACTED".
type APIError = api.Error

// Response is what Hostaway answered to a call, without the body; every
// Client method returns it whenever a response arrived, with or without
// an error. Its fields:
//
//   - StatusCode int: the HTTP status code.
//   - Header http.Header: the response headers.
//   - RequestID string: always "": Hostaway documents no request-id header.
//   - Rate Rate: always zero: Hostaway documents its limits (15 requests
//     per 10 seconds per IP address, 20 per account) but no header that
//     reports them.
//   - Attempts int: how many times the request was sent, counting retries
//     and the one retry with a new token after a 403.
type Response = api.Response

// Rate is the rate-limit figures of a Response: Limit and Remaining
// requests (int) until Reset (time.Time). Hostaway sends none, so it is
// always the zero Rate; it exists so that code written for every
// provider compiles unchanged.
type Rate = api.Rate

// Page is one page of a list: Items []*T, the page's items in order;
// Total int, the number of items of the whole list (-1 when Hostaway does
// not say); NextPage int, the ListOptions.Page of the next page, 0 on the
// last page.
type Page[T any] = api.Page[T]

// ListOptions selects one page of a list: Page int is the 1-based page
// number (0 means the first page) and PerPage int the page size (0 means
// Hostaway's default, or DefaultPerPage when a later page is asked for,
// since an offset needs a size). Hostaway pages by limit and offset: page
// p of size n is limit=n&offset=(p-1)*n.
type ListOptions = api.ListOptions

// LimitError is the error of a Client call that was not sent because
// Hostaway's rate limit is known to be used up: an earlier answer to the
// same Client (a 429 or 503 with Retry-After) closed a window that lasts
// longer than the client waits (WithRetryAfterMax). Match it with
// errors.As. Its fields:
//
//   - Op string: the request, "METHOD /path".
//   - Wait time.Duration: how long the window stays closed, from when the
//     request was refused.
//
// Its RetryAfter method returns Wait and true. A Hydrator turns it into an
// *event.RateLimitError.
type LimitError = api.LimitError

// Client calls Hostaway's public API: it manages unified webhooks and reads
// their delivery logs, reads reservations and conversation messages, and
// revokes access tokens. It is safe for concurrent use.
//
// Requests that fail with a transport error, 429 or 5xx are retried with
// jittered exponential backoff, honouring Retry-After up to a minute; a POST
// is retried only on 429 or when the connection could not be made, so a
// create never runs twice. When Hostaway asked to wait longer than that,
// the concurrent and later calls of the same Client fail at once with a
// *LimitError until the wait is over, rather than be refused again.
type Client struct {
	// Webhooks manages unified webhooks.
	Webhooks *WebhooksService
	// WebhookLogs lists unified-webhook deliveries and what the endpoint
	// answered.
	WebhookLogs *WebhookLogsService
	// Reservations reads reservations, one by id or a filtered list.
	Reservations *ReservationsService
	// Messages reads conversation messages by id.
	Messages *MessagesService

	api     *api.Client
	baseURL string

	// anon is api without credentials, sharing its HTTP client and rate
	// limit: the token revocation carries the token in its query only.
	anon *api.Client

	// tokens is the token source of a ClientCredentials client; nil for an
	// AccessToken client, whose token is static.
	tokens *api.ClientCredentials
	static Token
}

// Auth is how a Client authenticates to Hostaway's API: the OAuth client
// credentials of an account (ClientCredentials) or an access token the
// caller already holds (AccessToken). Its String method never shows the
// secret or the token. The zero Auth is invalid: NewClient rejects it.
type Auth struct {
	accountID, secret string
	token             string // AccessToken's
}

// ClientCredentials returns the Auth of the OAuth client-credentials grant
// of a Hostaway account: its account ID (the client_id, a number) and a
// client secret from Hostaway's dashboard (Settings, Hostaway API).
//
// The client fetches an access token (POST /v1/accessTokens with
// grant_type=client_credentials and scope=general) on its first call, waits
// the one second Hostaway needs before a new token is valid, and reuses the
// token, shared by concurrent calls, until its expires_in runs out. When
// Hostaway answers 403, which is how it reports an expired token, the client
// fetches one new token and sends the request once more; a second 403 is
// returned as an *APIError.
//
// A token saved from Client.Token is handed back with WithToken, the one
// way to give one: Hostaway asks callers to reuse tokens, which last up to
// 24 months, rather than fetch one every time a program starts.
// https://api.hostaway.com/documentation#authentication
func ClientCredentials(accountID, clientSecret string) Auth {
	return Auth{accountID: strings.TrimSpace(accountID), secret: clientSecret}
}

// AccessToken returns the Auth of an access token the caller already holds,
// sent as "Authorization: Bearer". The token is never renewed: once it
// expires, every call fails with an *APIError of status 403. Prefer
// ClientCredentials with WithToken, which reuses a saved token and still
// renews it; NewClient refuses WithToken with an AccessToken, whose token is
// its argument.
func AccessToken(token string) Auth { return Auth{token: token} }

// String describes a without its secret or token.
func (a Auth) String() string {
	switch {
	case a.token != "":
		return "hostaway.AccessToken(redacted)"
	case a.accountID != "" || a.secret != "":
		return "hostaway.ClientCredentials(" + a.accountID + ", redacted)"
	}
	return "hostaway.Auth{}"
}

// GoString is String, so that %#v cannot print the secret either.
func (a Auth) GoString() string { return a.String() }

// validate reports what is wrong with a, if anything.
func (a Auth) validate() error {
	switch {
	case a.token != "" && strings.TrimSpace(a.token) == "":
		return errors.New("empty access token")
	case a.token != "":
		return nil
	case a.accountID == "" && a.secret == "":
		return errors.New("no credentials: use ClientCredentials or AccessToken")
	case a.accountID == "":
		return errors.New("empty account ID")
	case strings.Trim(a.accountID, "0123456789") != "":
		return errors.New("the account ID is not a number")
	case a.secret == "":
		return errors.New("empty client secret")
	}
	return nil
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

// ClientOption configures NewClient. A nil option is ignored; of two
// options setting the same thing, the last wins.
type ClientOption func(*clientConfig)

// apply makes a ClientOption of an option body shared by every provider.
func apply(o api.Option) ClientOption {
	return func(c *clientConfig) { o(&c.Config) }
}

type clientConfig struct {
	// Config collects what the options set; NewClient adds the
	// authentication and the error decoder and hands it to internal/api.
	api.Config

	// token is WithToken's; tokenGiven records that WithToken was given,
	// so that NewClient can refuse it with an AccessToken.
	token      Token
	tokenGiven bool

	// activationDelay is tokenActivationDelay; same-package tests shorten
	// it.
	activationDelay time.Duration
}

// WithBaseURL sets the API root, BaseURL by default: an absolute http or
// https URL with the version path, such as "https://api.hostaway.com/v1"
// or "http://127.0.0.1:8080/v1" for a test server. Every path is relative
// to it, the token endpoint (/accessTokens) included. An empty u is
// ignored.
func WithBaseURL(u string) ClientOption {
	return apply(api.WithBaseURL(u))
}

// WithHTTPClient sets the HTTP client requests go through; it is copied, not
// modified. Without it the client has its own, with a 30-second timeout per
// attempt. A nil hc is ignored.
func WithHTTPClient(hc *http.Client) ClientOption {
	return apply(api.WithHTTPClient(hc))
}

// WithLogger logs retries and failures to l; without it the client is
// silent. Log records never contain credentials, tokens or bodies. A nil l is
// ignored.
func WithLogger(l *slog.Logger) ClientOption {
	return apply(api.WithLogger(l))
}

// WithUserAgent sets the User-Agent header. The default, also given by "",
// is "pmshooks-go".
func WithUserAgent(ua string) ClientOption {
	return apply(api.WithUserAgent(ua))
}

// WithRetryMax sets how many times a failed request is retried after the
// first attempt. The default, also given by 0, is 4; a negative n disables
// retries. It does not count the one retry with a new token after Hostaway
// answered 403.
func WithRetryMax(n int) ClientOption {
	return apply(api.WithRetryMax(n))
}

// WithRetryWait sets the shortest and the longest backoff between retries
// when the response gives no Retry-After. The defaults, also given by zero,
// are 500 ms and 30 s. NewClient fails when minWait exceeds maxWait or
// either is negative.
func WithRetryWait(minWait, maxWait time.Duration) ClientOption {
	return apply(api.WithRetryWait(minWait, maxWait))
}

// WithRetryAfterMax caps how long the client waits when a 429 or 503
// carries Retry-After. When Hostaway asks for longer, the client does not
// wait: it returns the *APIError at once, whose RetryAfter method tells how
// long was asked. The default, also given by 0, is 60 s.
func WithRetryAfterMax(d time.Duration) ClientOption {
	return apply(api.WithRetryAfterMax(d))
}

// WithToken makes a ClientCredentials client start with t, a token saved
// from Client.Token, instead of fetching one: the first call sends it at
// once. It is used until shortly before its Expiry, or until Hostaway
// answers 403, and then replaced by a token fetched with the credentials;
// one already expired is never sent. It is the one way to give a saved
// token. A t with an empty AccessToken is ignored, as a nil option is.
// NewClient fails when WithToken is given with an AccessToken Auth, whose
// token is its argument, rather than ignore it.
func WithToken(t Token) ClientOption {
	return func(c *clientConfig) {
		if strings.TrimSpace(t.AccessToken) != "" {
			c.token = t
			c.tokenGiven = true
		}
	}
}

// NewClient returns a Client that authenticates with auth, built by
// ClientCredentials or AccessToken. It fails when auth is the zero Auth, its
// account ID is not a number or its secret or token is empty, when WithToken
// is given with an AccessToken, or when an option is invalid (a base URL
// that is not an absolute http or https URL, or retry waits that are
// negative or reversed). No error text holds the secret or a token.
// https://api.hostaway.com/documentation#authentication
func NewClient(auth Auth, opts ...ClientOption) (*Client, error) {
	if err := auth.validate(); err != nil {
		return nil, fmt.Errorf("hostaway: new client: %w", err)
	}
	cfg := newClientConfig(opts)
	if auth.token != "" {
		if cfg.tokenGiven {
			return nil, errors.New("hostaway: new client: WithToken applies to ClientCredentials only; an AccessToken client sends its own token")
		}
		c, err := newAPI(cfg, api.Bearer(auth.token))
		if err != nil {
			return nil, err
		}
		cl := newClient(c, c.WithAuth(nil), cfg)
		cl.static = Token{AccessToken: auth.token}
		return cl, nil
	}
	base, err := newAPI(cfg, nil)
	if err != nil {
		return nil, err
	}
	tokens, err := api.NewClientCredentials(base, api.ClientCredentialsConfig{
		TokenURL:        tokenPath,
		ClientID:        auth.accountID,
		ClientSecret:    auth.secret,
		Scope:           "general",
		InitialToken:    api.Token{AccessToken: cfg.token.AccessToken, Expiry: cfg.token.Expiry},
		ActivationDelay: cfg.activationDelay,
	})
	if err != nil {
		return nil, fmt.Errorf("hostaway: new client: %w", err)
	}
	c := newClient(base.WithAuth(tokens), base, cfg)
	c.tokens = tokens
	return c, nil
}

// Token returns the access token the client sends. A client from NewClient
// first fetches one (POST /v1/accessTokens) when it holds none that is
// still valid, and waits the second Hostaway needs before a new token is
// valid, as any call would; an AccessToken client returns its token with a
// zero Expiry. Save the result, as the secret it is, and pass
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

// RevokeToken revokes the access token t: Hostaway no longer accepts it.
// Revoke a token the program no longer needs, such as one saved from Token
// before its credentials are retired, rather than let it live out its 24
// months.
//
// When t is the token the client sends, a ClientCredentials client drops it
// and fetches a new one on its next call; an AccessToken client has no
// other, so its later calls fail with an *APIError of status 403. To revoke
// the client's own token:
//
//	t, err := c.Token(ctx)
//	_, err = c.RevokeToken(ctx, t)
//
// The request carries the token in its query, as Hostaway documents, and
// no Authorization header; no error or log record shows the token. It
// fails without a request when t.AccessToken is empty. Hostaway documents
// only the success answer ({"status": "success", "result": []}); any other
// is an *APIError as Hostaway sent it.
// https://api.hostaway.com/documentation#revoke-authentication-token
// DELETE /v1/accessTokens?token={token}
func (c *Client) RevokeToken(ctx context.Context, t Token) (*Response, error) {
	const op = "revoke token"
	if strings.TrimSpace(t.AccessToken) == "" {
		return nil, errors.New("hostaway: " + op + ": empty access token")
	}
	req := api.Request{
		Method: http.MethodDelete,
		Path:   tokenPath,
		Query:  url.Values{"token": {t.AccessToken}},
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Redact: []string{t.AccessToken},
	}
	_, resp, err := c.callWith(ctx, c.anon, op, req, nil)
	if err != nil {
		return resp, err
	}
	if c.tokens != nil {
		c.tokens.Expired(revoked(t.AccessToken))
	}
	return resp, nil
}

// revoked is the answer that makes a token source drop token: the
// ClientCredentials of internal/api drops its cached token on a 403 to a
// request that carried it, and offers no other way.
func revoked(token string) *http.Response {
	return &http.Response{
		StatusCode: http.StatusForbidden,
		Request:    &http.Request{Header: http.Header{"Authorization": {"Bearer " + token}}},
	}
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

func newClient(c, anon *api.Client, cfg *clientConfig) *Client {
	cl := &Client{api: c, anon: anon, baseURL: strings.TrimSuffix(cfg.BaseURL, "/")}
	cl.Webhooks = &WebhooksService{client: cl}
	cl.WebhookLogs = &WebhookLogsService{client: cl}
	cl.Reservations = &ReservationsService{client: cl}
	cl.Messages = &MessagesService{client: cl}
	return cl
}

// DefaultPerPage is the page size used when ListOptions.PerPage is 0 and
// a size is needed: for a page after the first (an offset is a multiple of
// the size) and by All.
const DefaultPerPage = 100

// paging is the pagination of Hostaway's response envelope. Hostaway sends
// it inconsistently: a field it left out is 0.
type paging struct {
	limit, offset int
	count         int // -1 when Hostaway sent none
}

// envelope is Hostaway's standard response: {"status": "success" or "fail",
// "result": ..., "message": ..., and the pagination fields}.
type responseEnvelope struct {
	Status  lenient.String  `json:"status"`
	Result  json.RawMessage `json:"result"`
	Message lenient.String  `json:"message"`
	Limit   lenient.Int     `json:"limit"`
	Offset  lenient.Int     `json:"offset"`
	Count   *lenient.Int    `json:"count"` // nil when absent or null
}

func (e *responseEnvelope) paging() paging {
	p := paging{limit: e.Limit.Int(), offset: e.Offset.Int(), count: -1}
	if e.Count != nil && !e.Count.IsUnparsed() {
		p.count = e.Count.Int()
	}
	return p
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
// result (nil: ignore it). It returns the envelope's pagination and the
// Response, whenever one arrived. op names the operation in errors.
func (c *Client) call(ctx context.Context, op string, req api.Request, result any) (paging, *Response, error) {
	return c.callWith(ctx, c.api, op, req, result)
}

// callWith is call through ac, c.api or c.anon.
func (c *Client) callWith(ctx context.Context, ac *api.Client, op string, req api.Request, result any) (paging, *Response, error) {
	raw, err := ac.Do(ctx, req, nil)
	resp := raw.Response()
	if err != nil {
		return paging{}, resp, fmt.Errorf("hostaway: %s: %w", op, err)
	}
	body := bytes.TrimSpace(raw.Body)
	if len(body) == 0 {
		if result != nil {
			return paging{}, resp, fmt.Errorf("hostaway: %s: empty response", op)
		}
		return paging{}, resp, nil // a delete may answer with no body at all
	}
	var env responseEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return paging{}, resp, fmt.Errorf("hostaway: %s: decode response: %s", op, describeJSONError(err))
	}
	if strings.EqualFold(string(env.Status), "fail") {
		apiErr := &APIError{
			StatusCode: raw.StatusCode,
			Header:     raw.Header,
			Body:       raw.Body,
			Method:     req.Method,
			URL:        c.baseURL + req.Path,
			Attempts:   raw.Attempts,
		}
		apiErr.Message, apiErr.Details = env.errorText()
		// Built here, not by the core: redact it as the core does, since
		// Hostaway may echo the token or secret it was sent.
		raw.RedactError(apiErr)
		return paging{}, resp, fmt.Errorf("hostaway: %s: %w", op, apiErr)
	}
	if result != nil {
		if trimNull(env.Result) == nil {
			return paging{}, resp, fmt.Errorf("hostaway: %s: response has no result", op)
		}
		if err := json.Unmarshal(env.Result, result); err != nil {
			return paging{}, resp, fmt.Errorf("hostaway: %s: decode result: %s", op, describeJSONError(err))
		}
	}
	return env.paging(), resp, nil
}
