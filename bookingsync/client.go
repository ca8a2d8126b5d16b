package bookingsync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// Hosts of BookingSync (Smily) API v3 and of its OAuth 2 server.
// https://developers.bookingsync.com/reference/ and
// https://developers.bookingsync.com/reference/authorization/
const (
	// BaseURL is the root of API v3, version path included: paths such as
	// /bookings/{id} hang off it.
	BaseURL = "https://www.bookingsync.com/api/v3"

	// TokenURL is the OAuth 2 token endpoint, for every grant. A client
	// calls the token endpoint of its own base URL: the base URL with its
	// "/api/v3" replaced by "/oauth/token" (see WithBaseURL).
	TokenURL = "https://www.bookingsync.com/oauth/token"

	// AuthorizeURL is the page where an account's user authorizes an
	// application (the authorization-code flow).
	AuthorizeURL = "https://www.bookingsync.com/oauth/authorize"

	// SyncedAtHeader is the response header that carries the server's time
	// of a request, the cursor of the updated_since flow: pass it back as
	// the next BookingListOptions.UpdatedSince (see Changes).
	SyncedAtHeader = "X-Updated-Since-Request-Synced-At"

	// mediaType is what BookingSync's own client sends as Accept.
	mediaType = "application/vnd.api+json"

	// tokenPath is the token endpoint, relative to the site root.
	tokenPath = "/oauth/token"

	// apiPath is the version path of API v3 under the site root.
	apiPath = "/api/v3"
)

// APIError is the error every Client and OAuthClient method returns
// (wrapped) when BookingSync answers with a status other than 2xx. Match it
// with errors.As:
//
//	var apiErr *bookingsync.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { … }
//
// It reads the error shapes BookingSync answers with: the API's
// {"errors": [{"code", "field", "title"}]} (Code is the first code, such as
// "validation_failed" or "unauthorized"; Message the fields and titles
// joined by "; "; Details the array as sent), a field-to-messages object
// under "errors" (Details), and the OAuth token endpoint's {"error",
// "error_description"} (Code is error, such as "invalid_grant"; Message is
// error_description).
//
// Its fields: StatusCode int; Code, Message, DocURL string (DocURL always
// ""); Details json.RawMessage; Header http.Header and Body []byte, the
// response as received; Method and URL string, the request (URL without its
// query); Attempts int, how many times it was sent; Err error, an
// underlying cause (Unwrap returns it). Temporary reports a 429 or 5xx and
// RetryAfter the wait a 429 or 503 asked for (BookingSync documents no
// Retry-After; the client also waits for X-RateLimit-Reset, see
// LimitError). No field holds the client secret, a token or an
// authorization code: one BookingSync echoes reads "REDACTED".
type APIError = api.Error

// LimitError is returned, without sending the request, when BookingSync's
// earlier answers to the same Client said that its rate limit (1000
// requests per hour per application) is used up for longer than the client
// waits (WithRetryAfterMax): X-RateLimit-Remaining 0 until
// X-RateLimit-Reset, or a 429 with Retry-After. Match it with errors.As.
// Its fields: Op string, the request ("GET /api/v3/bookings/7"); Wait
// time.Duration, how long the window stays closed from when the request
// was refused. Its method RetryAfter returns Wait and true.
type LimitError = api.LimitError

// Response is what BookingSync answered to a call, without the body; every
// Client and OAuthClient method returns it whenever a response arrived,
// with or without an error. Its fields:
//
//   - StatusCode int: the HTTP status code.
//   - Header http.Header: the response headers, such as SyncedAtHeader.
//   - RequestID string: the X-Request-Id header (seen in BookingSync's
//     answers, not documented).
//   - Rate Rate: X-RateLimit-Limit, X-RateLimit-Remaining and
//     X-RateLimit-Reset, as documented.
//   - Attempts int: how many times the request was sent, retries included.
type Response = api.Response

// Rate is the rate-limit figures of a Response: Limit int, the requests
// allowed per hour (1000 per application); Remaining int, the requests
// left; Reset time.Time, when the window resets (X-RateLimit-Reset, UNIX
// time). Each is zero when BookingSync does not send it.
type Rate = api.Rate

// ListOptions selects one page of a list: Page int is the 1-based page,
// sent as page (0 means the first); PerPage int the page size, sent as
// per_page (0 means BookingSync's default, 100 in its answers; it caps
// per_page at that default, so more than MaxPerPage is sent as MaxPerPage).
type ListOptions = api.ListOptions

// MaxPerPage is the largest page size the client asks for: BookingSync caps
// per_page at its default limit, 100 in its answers (X-Per-Page).
const MaxPerPage = 100

// Page is one page of a list: Items []*T, the page's records in order;
// Total int, the number of records of the whole list (X-Total-Count, seen
// in BookingSync's answers but not documented; -1 when absent); NextPage
// int, the ListOptions.Page of the next page from the Link header's
// rel="next" (documented), 0 on the last page.
type Page[T any] = api.Page[T]

// Auth is how a Client authenticates to BookingSync API v3: the OAuth 2
// client credentials of the application (ClientCredentials) or an access
// token the caller already holds (AccessToken). Its String method never
// shows the secret or the token. The zero Auth is invalid: NewClient
// rejects it.
type Auth struct {
	clientID, secret string
	token            string
	bearer           bool
}

// ClientCredentials returns the Auth of the OAuth 2 client-credentials
// grant of a BookingSync application: its Client ID and Client Secret.
//
// The client fetches an access token (POST /oauth/token, grant_type
// client_credentials) on its first call and reuses it, shared by concurrent
// calls, until shortly before its expires_in (7200 s) runs out; when
// BookingSync answers 401 (or 403), the client fetches one new token and
// sends the request once more. Such a token has only the public scope but
// reaches every account that authorized the application; records that need
// another scope (bookings_read for a booking's prices, clients_read for
// clients) need an account's AccessToken.
// https://developers.bookingsync.com/reference/authorization/#client-credentials-flow
func ClientCredentials(clientID, clientSecret string) Auth {
	return Auth{clientID: strings.TrimSpace(clientID), secret: clientSecret}
}

// AccessToken returns the Auth of an access token the caller holds, sent as
// "Authorization: Bearer": one an account granted through the
// authorization-code flow (OAuthClient.Exchange, renewed with
// OAuthClient.Refresh). The token is never renewed by the Client: once it
// expires, every call fails with an *APIError of status 401.
func AccessToken(token string) Auth { return Auth{token: token, bearer: true} }

// String describes a without its secret or token.
func (a Auth) String() string {
	switch {
	case a.bearer:
		return "bookingsync.AccessToken(redacted)"
	case a.clientID != "" || a.secret != "":
		return "bookingsync.ClientCredentials(" + strconv.Quote(a.clientID) + ", redacted)"
	}
	return "bookingsync.Auth{}"
}

// GoString is String, so that %#v cannot print the secret either.
func (a Auth) GoString() string { return a.String() }

// validate reports what is wrong with a, if anything.
func (a Auth) validate() error {
	switch {
	case a.bearer && strings.TrimSpace(a.token) == "":
		return errors.New("empty access token")
	case a.bearer:
		return nil
	case a.clientID == "" && a.secret == "":
		return errors.New("no credentials: use ClientCredentials or AccessToken")
	case a.clientID == "":
		return errors.New("empty client id")
	case a.secret == "":
		return errors.New("empty client secret")
	}
	return nil
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
// https URL with the version path, such as "https://www.bookingsync.com/api/v3"
// or "http://127.0.0.1:8080/api/v3" for a test server. The token endpoint is
// beside it: the URL with its trailing "/api/v3" replaced by "/oauth/token"
// (the site root's /oauth/token when the path does not end in /api/v3). An
// empty u is ignored. Credentials are only ever sent to this URL's scheme
// and host.
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

// WithLogger sets the logger of retries and failures; without it the
// client is silent. Records never contain credentials, bodies or query
// strings. A nil l is ignored.
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
// retries. It does not count the one retry with a new token after a 401.
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
// carries Retry-After, or while the hourly rate limit is used up
// (X-RateLimit-Remaining 0 until X-RateLimit-Reset). When BookingSync asks
// for longer, the client does not wait: it returns the *APIError (or a
// *LimitError, without sending) at once, whose RetryAfter method tells how
// long was asked. The default, also given by 0, is 60 s.
func WithRetryAfterMax(d time.Duration) ClientOption {
	return apply(api.WithRetryAfterMax(d))
}

func newClientConfig(opts []ClientOption) *clientConfig {
	cfg := &clientConfig{Config: api.Config{BaseURL: BaseURL}, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	return cfg
}

// newAPI returns the REST core of cfg with auth.
func (cfg *clientConfig) newAPI(auth api.Authenticator) (*api.Client, error) {
	ac := cfg.Config // a copy: cfg stays as the options left it
	ac.Auth = auth
	ac.DecodeError = decodeError
	ac.RequestIDHeader = "X-Request-Id"
	ac.RateLimit = api.HeaderRate("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
	return api.New(ac)
}

// tokenURL returns the token endpoint beside base: base with its trailing
// /api/v3 replaced by /oauth/token, or the site root's /oauth/token.
func tokenURL(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base // api.New reports it
	}
	p := strings.TrimSuffix(u.Path, "/")
	if root, ok := strings.CutSuffix(p, apiPath); ok {
		p = root
	} else {
		p = ""
	}
	u.Path, u.RawPath = p+tokenPath, ""
	return u.String()
}

// Client calls BookingSync API v3: bookings, clients (Guests) and rentals,
// read by id or listed. It is safe for concurrent use.
//
// GET requests are retried on transport errors, 429 and 5xx (except 501),
// with jittered exponential backoff (WithRetryWait, WithRetryMax) and
// Retry-After honoured up to a cap (WithRetryAfterMax). The client reads
// the rate-limit headers of every answer into Response.Rate; once
// X-RateLimit-Remaining reaches 0, every caller of the Client waits for
// X-RateLimit-Reset, and beyond the cap gets a *LimitError without the
// request being sent. A ClientCredentials client fetches its token once
// and renews it when BookingSync answers 401. Every method stops as soon
// as its context is done, also while waiting to retry.
type Client struct {
	// Bookings reads bookings: GET /bookings/{id} and GET /bookings.
	Bookings *BookingsService
	// Guests reads the records BookingSync calls clients (guests): GET
	// /clients/{id} and GET /clients.
	Guests *GuestsService
	// Rentals reads rentals (properties): GET /rentals/{id} and GET
	// /rentals.
	Rentals *RentalsService

	api *api.Client
}

// NewClient returns a Client that authenticates with auth, built by
// ClientCredentials or AccessToken. It fails when auth is the zero Auth or
// lacks its id, secret or token, or when an option is invalid (a base URL
// that is not an absolute http or https URL, or retry waits that are
// negative or reversed). No error text holds the secret or a token.
// https://developers.bookingsync.com/reference/authorization/
func NewClient(auth Auth, opts ...ClientOption) (*Client, error) {
	if err := auth.validate(); err != nil {
		return nil, fmt.Errorf("bookingsync: new client: %w", err)
	}
	cfg := newClientConfig(opts)
	var core *api.Client
	if auth.bearer {
		c, err := cfg.newAPI(api.Bearer(auth.token))
		if err != nil {
			return nil, fmt.Errorf("bookingsync: new client: %w", err)
		}
		core = c
	} else {
		base, err := cfg.newAPI(nil)
		if err != nil {
			return nil, fmt.Errorf("bookingsync: new client: %w", err)
		}
		tokens, err := api.NewClientCredentials(base, api.ClientCredentialsConfig{
			TokenURL:     tokenURL(cfg.BaseURL),
			ClientID:     auth.clientID,
			ClientSecret: auth.secret,
		})
		if err != nil {
			return nil, fmt.Errorf("bookingsync: new client: %w", err)
		}
		core = base.WithAuth(tokens)
	}
	c := &Client{api: core}
	c.Bookings = &BookingsService{client: c}
	c.Guests = &GuestsService{client: c}
	c.Rentals = &RentalsService{client: c}
	return c, nil
}

// errorItem is one element of the API's {"errors": [...]}.
type errorItem struct {
	Code  lenient.String `json:"code"`
	Field lenient.String `json:"field"`
	Title lenient.String `json:"title"`
}

// errorEnvelope is the union of BookingSync's error shapes.
type errorEnvelope struct {
	Errors           json.RawMessage `json:"errors"`
	Error            lenient.String  `json:"error"`
	ErrorDescription lenient.String  `json:"error_description"`
	Message          lenient.String  `json:"message"`
}

// decodeError is the api.ErrorDecoder of BookingSync: see APIError. A body
// that is not JSON (a proxy's page, a plain-text 429) leaves Code and
// Message empty; Body keeps it.
func decodeError(resp *http.Response, body []byte) error {
	e := &APIError{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	var env errorEnvelope
	if len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &env) != nil {
		return e
	}
	raw := bytes.TrimSpace(env.Errors)
	switch {
	case len(raw) > 0 && raw[0] == '[':
		var items []errorItem
		if json.Unmarshal(raw, &items) == nil && len(items) > 0 {
			e.Code = strings.TrimSpace(string(items[0].Code))
			var msgs []string
			for _, it := range items {
				m := strings.TrimSpace(string(it.Title))
				if f := strings.TrimSpace(string(it.Field)); f != "" && m != "" {
					m = f + " " + m
				}
				if m != "" {
					msgs = append(msgs, m)
				}
			}
			e.Message = strings.Join(msgs, "; ")
			e.Details = env.Errors
		}
	case len(raw) > 0 && raw[0] == '{':
		e.Details = env.Errors
	case env.Error != "" && !strings.ContainsFunc(string(env.Error), unicode.IsSpace):
		e.Code = string(env.Error) // an OAuth code such as "invalid_grant"
		e.Message = string(env.ErrorDescription)
	case env.Error != "":
		e.Message = string(env.Error) // {"error": "Not authorized"}
	case env.Message != "":
		e.Message = string(env.Message)
	}
	return e
}
