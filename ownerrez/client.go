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
	// BaseURL is the root of the OwnerRez API; v2 paths such as
	// /v2/webhooksubscriptions and the OAuth token endpoint hang off it.
	BaseURL = "https://api.ownerrez.com"

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
// (wrapped) when OwnerRez answers with a status other than 2xx; match it
// with errors.As. It reads the three error shapes OwnerRez uses:
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
// Body holds the response as sent. No field holds the client's
// credentials (token, password, client secret, authorization code): one
// OwnerRez echoes reads "REDACTED".
type APIError = api.Error

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

type clientConfig struct {
	// Config collects what the options set; NewClient adds the
	// authentication and the error decoder and hands it to internal/api.
	api.Config

	// now is the clock that dates Token.Expiry.
	now func() time.Time
}

// WithBaseURL sets the API root, for a proxy or a test server. The default
// is BaseURL; an empty u is ignored. Credentials are only ever sent to this
// URL's scheme and host.
func WithBaseURL(u string) ClientOption {
	return func(c *clientConfig) {
		if u != "" {
			c.BaseURL = u
		}
	}
}

// WithHTTPClient sets the HTTP client that sends requests; it is copied,
// never modified. Without it the client has one of its own with a
// 30-second timeout per attempt (never http.DefaultClient). A nil hc is
// ignored.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *clientConfig) {
		if hc != nil {
			c.HTTPClient = hc
		}
	}
}

// WithUserAgent sets the User-Agent sent with every request, such as
// "acme-sync/1.2 (ops@acme.example)". The default, also given by "", is
// DefaultUserAgent: a User-Agent is always sent, since OwnerRez rejects
// calls without one.
func WithUserAgent(ua string) ClientOption {
	return func(c *clientConfig) { c.UserAgent = ua }
}

// WithLogger sets the logger of retries and failures; without it the
// client is silent. Records never contain credentials, bodies or query
// strings. A nil l is ignored.
func WithLogger(l *slog.Logger) ClientOption {
	return func(c *clientConfig) {
		if l != nil {
			c.Logger = l
		}
	}
}

// WithRetryMax sets how many times a failed request is retried after the
// first attempt. Zero, the default, means 4; a negative n disables
// retries. Which failures are retried is fixed: see the package
// documentation.
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
// carries Retry-After. When OwnerRez asks for longer, the client does not
// wait: it returns the *APIError at once, whose RetryAfter method tells how
// long was asked. The default, also given by 0, is 60 s.
func WithRetryAfterMax(d time.Duration) ClientOption {
	return func(c *clientConfig) { c.RetryAfterMax = d }
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
type Client struct {
	// Webhooks manages the webhook subscriptions of the OAuth app's
	// connection to the account.
	Webhooks *WebhooksService
}

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
	return &Client{Webhooks: &WebhooksService{api: ac}}, nil
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
