package ownerrez

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// Hosts and defaults of the OwnerRez API.
const (
	// BaseURL is the root of the OwnerRez API v2, version path included:
	// paths such as /webhooksubscriptions hang off it. The OAuth token
	// endpoint is its sibling, https://api.ownerrez.com/oauth/access_token.
	BaseURL = "https://api.ownerrez.com/v2"

	// AuthorizeURL is the page of the OwnerRez web app where a user grants
	// an OAuth app access to their account.
	AuthorizeURL = "https://app.ownerrez.com/oauth/authorize"

	// DefaultUserAgent is the User-Agent sent when WithUserAgent is not
	// given. OwnerRez asks every caller to identify itself and answers 401
	// user_agent_required to OAuth calls without one; prefer your app's own
	// name and contact.
	DefaultUserAgent = "pmshooks-go (ownerrez)"
)

// APIError is the error every Client and OAuthClient method returns
// (wrapped) when OwnerRez answers with a status other than 2xx. Match it
// with errors.As:
//
//	var apiErr *ownerrez.APIError
//	if errors.As(err, &apiErr) && apiErr.Code == "invalid_token" { … }
//
// It reads the three error shapes OwnerRez uses:
//
//   - the v2 envelope {messages, code, doc_url, status, status_code}: Code
//     is the snake_case code to branch on (such as "invalid_token"), Message
//     the messages joined by "; ", Details the messages array as sent,
//     DocURL the doc_url;
//   - the rate-limit answer {code: 429, error}: Code is "429", Message the
//     error text;
//   - the OAuth token endpoint's {error, error_description}: Code is error,
//     Message error_description.
//
// Its fields: StatusCode int; Code, Message, DocURL string; Details
// json.RawMessage; Header http.Header and Body []byte, the response as
// received; Method and URL string, the request (URL without its query);
// Attempts int, how many times it was sent; Err error, an underlying cause
// (Unwrap returns it). Temporary reports a 429 or 5xx and RetryAfter the
// wait a 429 or 503 asked for. No field holds the client's credentials
// (token, password, client secret, authorization code): one OwnerRez
// echoes reads "REDACTED".
type APIError = api.Error

// Response is what OwnerRez answered to a call, without the body; every
// Client and OAuthClient method returns it whenever a response arrived,
// with or without an error. Its fields:
//
//   - StatusCode int: the HTTP status code.
//   - Header http.Header: the response headers.
//   - RequestID string: always "": OwnerRez documents no request-id header.
//   - Rate Rate: always zero: OwnerRez documents its limit (300 requests
//     per 5 minutes per IP address) but no header that reports it.
//   - Attempts int: how many times the request was sent, retries included.
type Response = api.Response

// Rate is the rate-limit figures of a Response: Limit and Remaining
// requests (int) until Reset (time.Time). OwnerRez sends none, so it is
// always the zero Rate; it exists so that code written for every provider
// compiles unchanged.
type Rate = api.Rate

// Page is one page of a list: Items []*T, the page's items in order;
// Total int, OwnerRez's count of the whole list (-1 when it sends none);
// NextPage int, the ListOptions.Page of the next page, 0 when OwnerRez
// sends no next_page_url.
type Page[T any] = api.Page[T]

// ListOptions selects one page of a list: Page int is the 1-based page
// number (0 means the first page) and PerPage int the page size (0 means
// OwnerRez's default on the first page, and DefaultPerPage on a later
// page, since an offset needs a size). OwnerRez pages by limit and offset:
// page p of size n is limit=n&offset=(p-1)*n.
type ListOptions = api.ListOptions

// DefaultPerPage is the page size used when ListOptions.PerPage is 0 and a
// size is needed: for a page after the first, and by All. OwnerRez does not
// document its maximum; clients page by 100.
const DefaultPerPage = 100

// Auth is how a Client authenticates to the API: a personal access token
// (PersonalToken) or an OAuth access token (AccessToken). Its String method
// never shows the secret. The zero Auth is invalid: NewClient rejects it.
type Auth struct {
	user, secret string
	bearer       bool
}

// PersonalToken returns the Auth of a personal access token: HTTP Basic
// with the OwnerRez account's email address as the user and the token
// ("pt_...") as the password. Personal tokens are for one's own account:
// an IP address may use them for at most two accounts a day, and they
// receive no webhooks.
func PersonalToken(email, token string) Auth { return Auth{user: email, secret: token} }

// AccessToken returns the Auth of an OAuth access token ("at_..."), sent as
// "Authorization: Bearer". Get one with OAuthClient.Exchange.
func AccessToken(token string) Auth { return Auth{secret: token, bearer: true} }

// String describes a without its secret.
func (a Auth) String() string {
	switch {
	case a.bearer:
		return "ownerrez.AccessToken(redacted)"
	case a.secret != "" || a.user != "":
		return "ownerrez.PersonalToken(redacted)"
	}
	return "ownerrez.Auth{}"
}

// GoString is String, so that %#v cannot print the secret either.
func (a Auth) GoString() string { return a.String() }

// authenticator validates a and returns its api.Authenticator.
func (a Auth) authenticator() (api.Authenticator, error) {
	switch {
	case a.bearer && a.secret == "":
		return nil, errors.New("empty access token")
	case a.bearer:
		return api.Bearer(a.secret), nil
	case a.user == "" && a.secret == "":
		return nil, errors.New("no credentials: use PersonalToken or AccessToken")
	case a.user == "" || a.secret == "":
		return nil, errors.New("personal token needs both the account email and the token")
	case strings.Contains(a.user, ":"):
		return nil, errors.New("personal token email contains a colon")
	}
	return api.Basic(a.user, a.secret), nil
}

// ClientOption configures a Client or an OAuthClient. Nil options are
// ignored; of several options of one kind, the last wins.
type ClientOption func(*clientConfig)

// apply makes a ClientOption of an option body shared by every provider.
func apply(o api.Option) ClientOption {
	return func(c *clientConfig) { o(&c.Config) }
}

type clientConfig struct {
	// Config collects what the options set; NewClient adds the
	// authentication and the error decoder and hands it to internal/api.
	api.Config

	// now is the clock that dates Token.Expiry.
	now func() time.Time
}

// WithBaseURL sets the API root, BaseURL by default: an absolute http or
// https URL with the version path, such as "https://api.ownerrez.com/v2"
// or "http://127.0.0.1:8080/v2" for a test server. An OAuthClient calls the
// token endpoint beside it: the URL's last path segment is replaced by
// "oauth/access_token". An empty u is ignored. Credentials are only ever
// sent to this URL's scheme and host.
func WithBaseURL(u string) ClientOption {
	return apply(api.WithBaseURL(u))
}

// WithHTTPClient sets the HTTP client that sends requests; it is copied,
// never modified. Without it the client has one of its own with a
// 30-second timeout per attempt (never http.DefaultClient). A nil hc is
// ignored.
func WithHTTPClient(hc *http.Client) ClientOption {
	return apply(api.WithHTTPClient(hc))
}

// WithUserAgent sets the User-Agent sent with every request, such as
// "acme-sync/1.2 (ops@acme.example)". The default, also given by "", is
// DefaultUserAgent: a User-Agent is always sent, since OwnerRez rejects
// calls without one.
func WithUserAgent(ua string) ClientOption {
	return apply(api.WithUserAgent(ua))
}

// WithLogger sets the logger of retries and failures; without it the
// client is silent. Records never contain credentials, bodies or query
// strings. A nil l is ignored.
func WithLogger(l *slog.Logger) ClientOption {
	return apply(api.WithLogger(l))
}

// WithRetryMax sets how many times a failed request is retried after the
// first attempt. Zero, the default, means 4; a negative n disables
// retries. Which failures are retried is fixed: see the package
// documentation.
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
// carries Retry-After. When OwnerRez asks for longer, the client does not
// wait: it returns the *APIError at once, whose RetryAfter method tells how
// long was asked. The default, also given by 0, is 60 s.
func WithRetryAfterMax(d time.Duration) ClientOption {
	return apply(api.WithRetryAfterMax(d))
}

func newClientConfig(opts []ClientOption) *clientConfig {
	cfg := &clientConfig{now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = BaseURL
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	return cfg
}

// newAPI returns the api.Client of cfg with auth.
func (cfg *clientConfig) newAPI(auth api.Authenticator) (*api.Client, error) {
	ac := cfg.Config // a copy: cfg stays as the options left it
	ac.Auth = auth
	ac.DecodeError = decodeError
	return api.New(ac)
}

// Client calls the OwnerRez API v2 with one account's credentials. It is
// immutable and safe for concurrent use.
//
// Its calls share one rate-limit window: after a 429 or 503 with
// Retry-After, concurrent callers wait for it to pass rather than spend
// requests (OwnerRez allows 300 requests per 5 minutes per IP address).
// A wait longer than WithRetryAfterMax allows is not slept: the call
// returns a *LimitError at once, without sending.
type Client struct {
	// Webhooks manages the webhook subscriptions of the OAuth app's
	// connection to the account.
	Webhooks *WebhooksService
	// Bookings reads bookings and blocks.
	Bookings *BookingsService
	// Guests reads guests (contacts).
	Guests *GuestsService
	// Properties reads rental properties.
	Properties *PropertiesService
	// Inquiries reads guests' inquiries.
	Inquiries *InquiriesService
	// Messages reads the messages of conversations.
	Messages *MessagesService
}

// LimitError is the error a call returns, unsent, while the client's
// rate-limit window is closed for longer than WithRetryAfterMax allows
// (see Client). Its fields: Op string, the call ("GET /bookings/7"); Wait
// time.Duration, how long until the window opens. Its RetryAfter method
// returns Wait and true. Match it with errors.As.
type LimitError = api.LimitError

// NewClient returns a Client that authenticates with auth. It fails when
// auth is the zero Auth or lacks its email or token, or when an option is
// invalid (a base URL that is not an absolute http or https URL, or retry
// waits that are negative or reversed).
func NewClient(auth Auth, opts ...ClientOption) (*Client, error) {
	a, err := auth.authenticator()
	if err != nil {
		return nil, fmt.Errorf("ownerrez: new client: %w", err)
	}
	cfg := newClientConfig(opts)
	ac, err := cfg.newAPI(a)
	if err != nil {
		return nil, fmt.Errorf("ownerrez: new client: %w", err)
	}
	return &Client{
		Webhooks:   &WebhooksService{api: ac},
		Bookings:   &BookingsService{api: ac},
		Guests:     &GuestsService{api: ac},
		Properties: &PropertiesService{api: ac},
		Inquiries:  &InquiriesService{api: ac},
		Messages:   &MessagesService{api: ac},
	}, nil
}

// errorEnvelope is the union of OwnerRez's error shapes.
type errorEnvelope struct {
	Messages         json.RawMessage `json:"messages"`
	Code             lenient.String  `json:"code"`
	DocURL           lenient.String  `json:"doc_url"`
	Error            lenient.String  `json:"error"`
	ErrorDescription lenient.String  `json:"error_description"`
	Message          lenient.String  `json:"message"`
}

// decodeError is the api.ErrorDecoder of OwnerRez: see APIError.
func decodeError(resp *http.Response, body []byte) error {
	e := &APIError{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	var env errorEnvelope
	if len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &env) != nil {
		return e
	}
	msgs := messages(env.Messages)
	e.Code = strings.TrimSpace(string(env.Code))
	e.DocURL = strings.TrimSpace(string(env.DocURL))
	oauthCode := ""
	if e.Code == "" && env.Error != "" && !strings.ContainsFunc(string(env.Error), unicode.IsSpace) {
		oauthCode = string(env.Error) // a token such as "invalid_grant", not a sentence
		e.Code = oauthCode
	}
	switch {
	case len(msgs) > 0:
		e.Message = strings.Join(msgs, "; ")
		if trimmed := bytes.TrimSpace(env.Messages); trimmed[0] == '[' {
			e.Details = env.Messages
		}
	case env.ErrorDescription != "":
		e.Message = string(env.ErrorDescription)
	case env.Error != "" && oauthCode == "":
		e.Message = string(env.Error)
	case env.Message != "":
		e.Message = string(env.Message)
	}
	return e
}

// messages reads "messages" as an array of strings or a single string.
func messages(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(raw, &one) == nil && one != "" {
		return []string{one}
	}
	return nil
}
