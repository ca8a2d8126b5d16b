package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults applied by New to the zero fields of Config.
const (
	// DefaultUserAgent is the User-Agent sent when Config.UserAgent is empty.
	DefaultUserAgent = "pmshooks-go"

	// DefaultTimeout bounds each attempt (connection, request and response
	// headers and body) of the HTTP client New creates when
	// Config.HTTPClient is nil.
	DefaultTimeout = 30 * time.Second

	// DefaultRetryMax is the number of retries after the first attempt when
	// Config.RetryMax is zero.
	DefaultRetryMax = 4

	// DefaultRetryWaitMin is the shortest backoff when Config.RetryWaitMin
	// is zero.
	DefaultRetryWaitMin = 500 * time.Millisecond

	// DefaultRetryWaitMax is the longest backoff when Config.RetryWaitMax is
	// zero.
	DefaultRetryWaitMax = 30 * time.Second

	// DefaultRetryAfterMax is the longest Retry-After the client waits for
	// when Config.RetryAfterMax is zero.
	DefaultRetryAfterMax = 60 * time.Second

	// MaxResponseBody is the most bytes of a response body the client reads.
	// A longer body fails with ErrBodyTooLarge.
	MaxResponseBody = 10 << 20
)

// maxRedirects is how many redirects the client follows within one origin
// when the caller's http.Client has no CheckRedirect of its own; it matches
// net/http's default.
const maxRedirects = 10

// Config configures a Client. BaseURL is required; every other zero field
// takes the default its comment names.
type Config struct {
	// BaseURL is the API root, such as "https://staging.channex.io/api/v1".
	// Its path is a prefix of every relative Request.Path. It must be an
	// absolute http or https URL without user information, query or
	// fragment. Required.
	BaseURL string

	// HTTPClient sends the requests. Nil means a new client with
	// DefaultTimeout and its own connection pool; http.DefaultClient is
	// never used. A non-nil client is copied, never modified: the copy
	// refuses redirects that leave the original request's scheme and host
	// (ErrForeignURL), then applies the client's own CheckRedirect.
	HTTPClient *http.Client

	// Auth adds credentials to every request. Nil means none. If it
	// implements Reauthenticator, a request answered "expired" is
	// re-authenticated and sent once more. If it implements SecretHolder
	// (every Authenticator of this package does), its secrets are kept
	// out of every error and log record, as Request.Redact values are.
	Auth Authenticator

	// UserAgent is sent as the User-Agent header of every request. The zero
	// value means DefaultUserAgent.
	UserAgent string

	// Logger receives the client's diagnostics: each request at Debug,
	// retries and re-authentication at Debug, failed attempts at Warn. Nil
	// means silent. Records never contain credentials (those Auth lists as
	// a SecretHolder), headers, bodies, query strings or Request.Redact
	// values.
	Logger *slog.Logger

	// RetryMax is the number of retries after the first attempt. Zero
	// means DefaultRetryMax; a negative value disables retries.
	RetryMax int

	// RetryWaitMin is the shortest wait between attempts. Zero means
	// DefaultRetryWaitMin.
	RetryWaitMin time.Duration

	// RetryWaitMax is the longest wait between attempts chosen by Backoff.
	// Zero means DefaultRetryWaitMax.
	RetryWaitMax time.Duration

	// RetryAfterMax caps how long the client waits when a 429 or 503 carries
	// a Retry-After header. If the server asks for longer, the client stops
	// retrying and returns the *Error at once (its RetryAfter method tells
	// how long the server asked for) rather than sleeping past the cap. Zero
	// means DefaultRetryAfterMax.
	RetryAfterMax time.Duration

	// CheckRetry decides whether an attempt is retried. Nil means
	// DefaultRetryPolicy.
	CheckRetry CheckRetry

	// Backoff chooses the wait before a retry when the response has no
	// usable Retry-After header. Nil means DefaultBackoff.
	Backoff Backoff

	// DecodeError turns a non-2xx response into an error. Nil means
	// DefaultDecodeError. Provider packages supply one that reads their
	// error envelope into an *Error.
	DecodeError ErrorDecoder

	// Header holds extra headers sent with every request. Request.Header,
	// the client's own headers and Auth override it. Nil means none. It is
	// copied by New.
	Header http.Header

	// RequestIDHeader names the response header that carries the
	// provider's request id, copied into Response.RequestID. Empty means
	// the provider sends none and RequestID stays "".
	RequestIDHeader string

	// RateLimit reads the provider's rate-limit figures from a response's
	// headers into Response.Rate. Nil means the provider sends none and
	// Rate stays zero. See HeaderRate.
	RateLimit RateLimitFunc
}

// Client is the REST client core shared by every provider's subscription
// client: it resolves paths against a base URL, encodes JSON or form
// bodies, authenticates, retries through go-retryablehttp, bounds and
// decodes responses and turns API errors into *Error.
//
// A Client is immutable after New and safe for concurrent use.
type Client struct {
	base          *url.URL
	httpClient    *http.Client
	auth          Authenticator
	userAgent     string
	logger        *slog.Logger
	retryMax      int
	retryWaitMin  time.Duration
	retryWaitMax  time.Duration
	retryAfterMax time.Duration
	checkRetry    CheckRetry
	backoff       Backoff
	decodeError   ErrorDecoder
	header        http.Header

	requestIDHeader string
	rateLimit       RateLimitFunc

	// limit holds requests back while the rate limit is used up; shared
	// by the copies WithAuth makes.
	limit *limiter

	// now is the clock used to read Retry-After dates; tests in this
	// package replace it.
	now func() time.Time
}

// New returns a Client for cfg. It returns an error when BaseURL is empty or
// not an absolute http(s) URL, or when a duration is negative or
// RetryWaitMin exceeds RetryWaitMax.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("api: empty BaseURL")
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, errors.New("api: BaseURL is not a valid URL")
	}
	switch {
	case base.Scheme != "http" && base.Scheme != "https":
		return nil, errors.New("api: BaseURL must be an http or https URL")
	case base.Host == "":
		return nil, errors.New("api: BaseURL has no host")
	case base.User != nil:
		return nil, errors.New("api: BaseURL must not contain user information; use Config.Auth")
	case base.RawQuery != "" || base.ForceQuery || base.Fragment != "":
		return nil, errors.New("api: BaseURL must not contain a query or fragment")
	}
	if cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 || cfg.RetryAfterMax < 0 {
		return nil, errors.New("api: negative retry duration")
	}

	c := &Client{
		base:            base,
		auth:            cfg.Auth,
		userAgent:       cmp.Or(cfg.UserAgent, DefaultUserAgent),
		logger:          cfg.Logger,
		retryMax:        cfg.RetryMax,
		retryWaitMin:    cmp.Or(cfg.RetryWaitMin, DefaultRetryWaitMin),
		retryWaitMax:    cmp.Or(cfg.RetryWaitMax, DefaultRetryWaitMax),
		retryAfterMax:   cmp.Or(cfg.RetryAfterMax, DefaultRetryAfterMax),
		checkRetry:      cfg.CheckRetry,
		backoff:         cfg.Backoff,
		decodeError:     cfg.DecodeError,
		header:          cfg.Header.Clone(),
		requestIDHeader: cfg.RequestIDHeader,
		rateLimit:       cfg.RateLimit,
		limit:           &limiter{},
		now:             time.Now,
	}
	switch {
	case cfg.RetryMax == 0:
		c.retryMax = DefaultRetryMax
	case cfg.RetryMax < 0:
		c.retryMax = 0
	}
	if c.retryWaitMin > c.retryWaitMax {
		return nil, errors.New("api: RetryWaitMin exceeds RetryWaitMax")
	}
	if c.checkRetry == nil {
		c.checkRetry = DefaultRetryPolicy
	}
	if c.backoff == nil {
		c.backoff = DefaultBackoff
	}
	if c.decodeError == nil {
		c.decodeError = DefaultDecodeError
	}

	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	} else {
		hc.Timeout = DefaultTimeout
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			hc.Transport = t.Clone()
		}
	}
	hc.CheckRedirect = sameOriginRedirects(hc.CheckRedirect)
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = observingTransport{next: next, observe: c.observe}
	c.httpClient = &hc
	return c, nil
}

// WithAuth returns a copy of c that authenticates with a instead of c's
// Authenticator; nil means none. Both clients share the HTTP client and every
// other setting. It is how a ClientCredentials source built on c is put to
// use.
func (c *Client) WithAuth(a Authenticator) *Client {
	cp := *c
	cp.auth = a
	return &cp
}

// Request describes one API call.
type Request struct {
	// Method is the HTTP method. Empty means GET.
	Method string

	// Path is joined to the base URL's path, keeping a trailing slash
	// ("/v1/webhooks/" stays so) and any base path prefix (BaseURL
	// "https://h/api/v1" and Path "/webhooks" give "https://h/api/v1/webhooks").
	// It may carry a query, merged with Query. It may also be an absolute
	// URL, such as a provider's next_page_url, which must be on the base
	// URL's scheme and host (else ErrForeignURL): credentials never go to
	// another host.
	Path string

	// Query holds query parameters. They are added to any query in Path,
	// replacing parameters of the same name. Nil means none.
	Query url.Values

	// Body, when non-nil, is encoded as JSON and sent with Content-Type
	// application/json. Pass a json.RawMessage to send bytes as they are.
	Body any

	// Form, when non-nil, is form-encoded and sent with Content-Type
	// application/x-www-form-urlencoded. Setting both Body and Form is an
	// error.
	Form url.Values

	// Header holds headers for this request only. They override
	// Config.Header and the client's defaults, but not Auth. Nil means none.
	Header http.Header

	// Redact lists values that must never appear in errors or log records,
	// such as a token an endpoint takes in its path (OwnerRez revokes one
	// with DELETE /oauth/access_token/{token}). They are treated as the
	// Authenticator's own credentials are (see SecretHolder): each
	// occurrence, as given, path- or query-escaped or escaped as in a JSON
	// string, is replaced by "REDACTED" wherever the request is reported:
	// in Error.URL, Error.Code, Error.Message, Error.DocURL, Error.Details,
	// Error.Body, the values of Error.Header and the text of Error.Err; in
	// DecodeError.URL, DecodeError.Field and the text of DecodeError.Err;
	// in the text of every error Do returns, including the "METHOD /path"
	// it starts with and a wrapped *url.Error's URL; and in every log
	// record about the request. Host and path are matched unescaped, so a
	// value is found however Path escapes it. Empty values are ignored;
	// nil means none. Every other value is redacted however short it is,
	// so a value should be long enough not to occur by chance: every
	// occurrence goes.
	//
	// The request is sent unchanged, and the Raw keeps what the
	// server sent as received: only the *Error and *DecodeError are
	// redacted (see Raw.RedactError).
	Redact []string
}

// Raw is what the server answered, as received: unlike the *Error Do
// returns with it, it is not redacted, since a provider package decodes its
// Body. Provider packages never show Body to their callers: they hand out
// the public [Response] that [Raw.Response] builds.
type Raw struct {
	// StatusCode is the HTTP status code.
	StatusCode int

	// Header holds the response headers, such as Propexo's
	// x-ratelimit-limit and x-ratelimit-remaining.
	Header http.Header

	// Body is the raw response body, at most MaxResponseBody bytes.
	Body []byte

	// Attempts is how many times the request was sent, counting retries and
	// a re-authenticated retry; 1 when it was sent once. It is what
	// Error.Attempts holds for a non-2xx answer, so that a provider that
	// reads an error from a 2xx body (Hostaway's {"status": "fail"}) can
	// build an *Error that says the same.
	Attempts int

	// requestID and rate are read from Header by the Client's
	// Config.RequestIDHeader and Config.RateLimit.
	requestID string
	rate      Rate

	// red hides the request's secrets; see RedactError.
	red redactor
}

// Response returns the caller-facing view of r: status, headers, request
// id, rate-limit figures and attempts, without the body. A nil r gives nil,
// so that a provider can return raw.Response() whether or not a response
// arrived.
func (r *Raw) Response() *Response {
	if r == nil {
		return nil
	}
	return &Response{StatusCode: r.StatusCode, Header: r.Header, RequestID: r.requestID, Rate: r.rate, Attempts: r.Attempts}
}

// RedactError replaces, in place, every secret of the request r answered
// (the Authenticator's credentials and the Request.Redact values) in e's
// text fields, URL (whose query is cut off too), Details, Body and Header,
// as Client.Do does for the *Error it returns. A provider that reads an
// error out of a 2xx body, such as Hostaway's {"status": "fail"}, calls it
// on the *Error it builds from r, so that its error is as safe to show. A
// nil r or e does nothing.
func (r *Raw) RedactError(e *Error) {
	if r == nil || e == nil {
		return
	}
	if e.URL != "" {
		e.URL = r.red.text(e.URL)
	}
	r.red.redactError(e)
}

// Do sends req and decodes a 2xx JSON response into out, a pointer; a nil
// out, a 204 or an empty body decodes nothing.
//
// Do returns an error matching *Error (errors.As) for any non-2xx answer,
// after retries; a wrapped transport or context error when no response
// arrived; and a *DecodeError, naming "METHOD path", when a 2xx body does
// not decode into out. The *Raw is returned whenever a response was
// received, with or without an error. No error text holds a query string,
// a Request.Redact value or a credential of the Authenticator, and neither
// does any field of the *Error or *DecodeError (see Request.Redact).
//
// Do stops as soon as ctx is done, including while it waits to retry.
func (c *Client) Do(ctx context.Context, req Request, out any) (*Raw, error) {
	return c.do(ctx, req, out, doOptions{})
}

// doOptions changes how do treats one request.
type doOptions struct {
	// tokenRequest marks a ClientCredentials token request: it is sent
	// without c's Authenticator and may go to a host other than BaseURL's.
	tokenRequest bool

	// secrets are kept out of errors and logs, as Request.Redact values
	// are: a token request's client secret and tokens.
	secrets []string
}

// sent is the outcome of one send: the final response of its retry loop.
type sent struct {
	resp     *http.Response // body already read and closed
	body     []byte
	readErr  error // reading the body failed or hit MaxResponseBody
	attempts int

	// redirected is true when an attempt was answered with a redirect:
	// the request reached the server, whatever came after.
	redirected bool
}

// target is one request's destination and how errors and logs name it.
type target struct {
	method string
	url    *url.URL // as sent
	shown  string   // url redacted, for Error.URL and DecodeError.URL
	op     string   // "METHOD /path", redacted: names the request
	red    redactor // hides the request's secrets in errors and logs

	// secrets lists what red hides besides the auth's secrets: the
	// request's Redact values and doOptions.secrets.
	secrets [][]string
	// holder lists the auth's secrets; nil when it lists none. send asks
	// it again after Authenticate, which may have fetched a new token.
	holder SecretHolder
}

// refresh rebuilds t.red from the secrets known now.
func (t *target) refresh() {
	var held []string
	if t.holder != nil {
		held = t.holder.Secrets()
	}
	t.red = newRedactor(append(t.secrets, held)...)
}

func (c *Client) do(ctx context.Context, req Request, out any, opts doOptions) (*Raw, error) {
	auth := c.auth
	if opts.tokenRequest {
		auth = nil
	}
	t := &target{method: cmp.Or(req.Method, http.MethodGet), secrets: [][]string{req.Redact, opts.secrets}}
	t.holder, _ = auth.(SecretHolder)
	t.refresh()
	resp, err := c.doTarget(ctx, req, out, auth, opts, t)
	// The last line of defence: whatever error text still holds a secret
	// is wrapped so that its text does not.
	return resp, t.red.err(err)
}

// doTarget is do; t.red hides the request's secrets in what it reports.
func (c *Client) doTarget(ctx context.Context, req Request, out any, auth Authenticator, opts doOptions, t *target) (*Raw, error) {
	method := t.method
	u, err := c.resolve(req.Path, req.Query, opts.tokenRequest)
	if err != nil {
		return nil, fmt.Errorf("api: %s: %w", method, err)
	}
	shown := t.red.url(u)
	t.url, t.shown, t.op = u, shown.String(), method+" "+cmp.Or(shown.Path, "/")

	body, contentType, err := encodeBody(req)
	if err != nil {
		return nil, fmt.Errorf("api: %s: %w", t.op, err)
	}
	if err := c.awaitLimit(ctx, t.op); err != nil {
		return nil, err
	}
	s, err := c.send(ctx, t, body, contentType, req.Header, auth)
	if err != nil {
		return nil, err
	}
	// A redirected POST or PATCH reached the server; an "expired" answer at
	// the end of its redirect chain drops the credential but never resends
	// the request.
	if ra, ok := auth.(Reauthenticator); ok && ra.Expired(s.resp) && (idempotent(method) || !s.redirected) {
		c.log(slog.LevelDebug, "credential expired; authenticating again", "request", t.op, "status", s.resp.StatusCode)
		prior := s.attempts
		if s, err = c.send(ctx, t, body, contentType, req.Header, auth); err != nil {
			return nil, err
		}
		s.attempts += prior
	}

	resp := &Raw{StatusCode: s.resp.StatusCode, Header: s.resp.Header, Body: s.body, Attempts: s.attempts, red: t.red}
	if c.requestIDHeader != "" {
		resp.requestID = s.resp.Header.Get(c.requestIDHeader)
	}
	if c.rateLimit != nil {
		resp.rate = c.rateLimit(s.resp.Header)
	}
	if s.resp.StatusCode < 200 || s.resp.StatusCode > 299 {
		return resp, c.apiError(t, s)
	}
	if s.readErr != nil {
		return resp, fmt.Errorf("api: %s: read response: %w", t.op, s.readErr)
	}
	if out == nil || s.resp.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(s.body)) == 0 {
		return resp, nil
	}
	if err := json.Unmarshal(s.body, out); err != nil {
		de := newDecodeError(t.method, t.shown, err)
		// An UnmarshalJSON method may quote the value it rejects, and
		// Field may name a map key: neither may show a secret.
		de.Field = t.red.replace(de.Field)
		de.Err = t.red.err(de.Err)
		return resp, de
	}
	return resp, nil
}

// send authenticates and sends one request through go-retryablehttp, then
// reads the final response body.
func (c *Client) send(ctx context.Context, t *target, body []byte, contentType string, extra http.Header, auth Authenticator) (sent, error) {
	var raw any // a nil []byte would still be sent as an empty body
	if body != nil {
		raw = body // replayable: retryablehttp rereads it for every attempt
	}
	op := t.op
	rreq, err := retryablehttp.NewRequestWithContext(ctx, t.method, t.url.String(), raw)
	if err != nil {
		return sent{}, fmt.Errorf("api: %s: %w", op, t.red.urlError(err))
	}
	h := rreq.Header
	for k, vs := range c.header {
		h[k] = append([]string(nil), vs...)
	}
	h.Set("User-Agent", c.userAgent)
	h.Set("Accept", "application/json")
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	for k, vs := range extra {
		h.Del(k)
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	if auth != nil {
		if err := auth.Authenticate(ctx, rreq.Request); err != nil {
			return sent{}, fmt.Errorf("api: %s: authenticate: %w", op, err)
		}
		if t.holder != nil {
			t.refresh() // Authenticate may have fetched a token
		}
	}

	// redirected records that the server answered an attempt with a
	// redirect that net/http went on to follow (or refused): the request
	// reached the server. CheckRedirect and CheckRetry run on the goroutine
	// of rc.Do, one attempt after another, so a plain bool will do.
	redirected := false
	hc := *c.httpClient // a shallow copy per send: shares the Transport
	checkRedirect := hc.CheckRedirect
	hc.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		redirected = true
		return checkRedirect(r, via)
	}

	attempts := 0
	rc := &retryablehttp.Client{
		HTTPClient:   &hc,
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     c.retryMax,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			attempts++
			if redirected && !idempotent(t.method) {
				// A retry resends the caller's request, not the last one of
				// the redirect chain: after a 303 the chain ends in a GET,
				// whose 503 must not resend a POST that the server already
				// received (and answered with that redirect).
				c.log(slog.LevelDebug, "not retrying: a redirected "+t.method+" reached the server",
					"request", op)
				return false, nil
			}
			// The policy judges the caller's request, never resp.Request,
			// which after a redirect is the last request of the chain.
			return c.shouldRetry(ctx, op, rreq.Request, resp, err)
		},
		Backoff: c.wait,
		// Keep the last response when retries run out, so that its status
		// and body reach the caller as an *Error.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if c.logger != nil {
		rc.Logger = leveledLogger{l: c.logger, red: t.red}
	}

	resp, err := rc.Do(rreq)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		err = t.red.urlError(err)
		if attempts > 1 {
			return sent{}, fmt.Errorf("api: %s: giving up after %d attempts: %w", op, attempts, err)
		}
		return sent{}, fmt.Errorf("api: %s: %w", op, err)
	}
	b, readErr := readBody(resp.Body, MaxResponseBody)
	resp.Body.Close()
	// Later readers (Reauthenticator.Expired, ErrorDecoder) see the body
	// already read.
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return sent{resp: resp, body: b, readErr: readErr, attempts: max(attempts, 1), redirected: redirected}, nil
}

// shouldRetry applies c.checkRetry, then the Retry-After cap.
func (c *Client) shouldRetry(ctx context.Context, op string, req *http.Request, resp *http.Response, err error) (bool, error) {
	retry, checkErr := c.checkRetry(ctx, req, resp, err)
	if !retry || checkErr != nil {
		return retry, checkErr
	}
	if retryAfterStatus(resp) {
		if d, ok := parseRetryAfter(resp.Header, c.now()); ok && d > c.retryAfterMax {
			c.log(slog.LevelDebug, "not retrying: Retry-After exceeds the cap",
				"request", op, "status", resp.StatusCode, "retry_after", d, "cap", c.retryAfterMax)
			return false, nil
		}
	}
	return true, nil
}

// wait is the retryablehttp.Backoff: the server's Retry-After on 429 and 503
// (already checked against the cap by shouldRetry), else c.backoff.
func (c *Client) wait(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if retryAfterStatus(resp) {
		if d, ok := parseRetryAfter(resp.Header, c.now()); ok {
			return min(d, c.retryAfterMax)
		}
	}
	return c.backoff(minWait, maxWait, attempt, resp)
}

// apiError builds the *Error for a non-2xx response and redacts it: a
// server may echo a credential or the request path in any part of its
// answer.
func (c *Client) apiError(t *target, s sent) error {
	err := c.decodeError(s.resp, s.body)
	var e *Error
	if err == nil || !errors.As(err, &e) {
		e = &Error{Err: err}
		err = e
	}
	if e.StatusCode == 0 {
		e.StatusCode = s.resp.StatusCode
	}
	if e.Header == nil {
		e.Header = s.resp.Header
	}
	if e.Body == nil {
		e.Body = s.body
	}
	if e.Err == nil {
		e.Err = s.readErr
	}
	e.Method = t.method
	e.URL = t.shown
	e.Attempts = s.attempts
	t.red.redactError(e)
	return err
}

// resolve turns a Request.Path and Query into the URL to call. anyHost
// allows an absolute URL on another origin (token endpoints only).
func (c *Client) resolve(path string, query url.Values, anyHost bool) (*url.URL, error) {
	ref, err := url.Parse(path)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the path itself, which may hold a token
		}
		return nil, fmt.Errorf("invalid request path: %w", err)
	}
	var u url.URL
	if ref.Scheme != "" || ref.Host != "" {
		switch {
		case ref.User != nil:
			return nil, errors.New("request URL must not contain user information")
		case ref.Scheme != "http" && ref.Scheme != "https":
			return nil, errors.New("request URL must be an http or https URL")
		case !anyHost && origin(ref) != origin(c.base):
			return nil, fmt.Errorf("%s://%s: %w", ref.Scheme, ref.Host, ErrForeignURL)
		}
		u = *ref
	} else {
		u = *c.base
		joined := joinPath(c.base.EscapedPath(), ref.EscapedPath())
		if u.Path, err = url.PathUnescape(joined); err != nil {
			return nil, fmt.Errorf("invalid request path: %w", err)
		}
		u.RawPath = joined
		u.RawQuery = ref.RawQuery
	}
	u.Fragment, u.RawFragment = "", ""
	if len(query) > 0 {
		q := u.Query()
		for k, vs := range query {
			q[k] = append([]string(nil), vs...)
		}
		u.RawQuery = q.Encode()
	}
	return &u, nil
}

// joinPath appends escaped path p to escaped base path, with exactly one
// slash between them and p's trailing slash, if any, kept.
func joinPath(base, p string) string {
	if p == "" {
		return base
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(p, "/")
}

// origin returns u's scheme, host and port in canonical form, the port
// defaulted from the scheme.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// sameOriginRedirects wraps an http.Client's CheckRedirect so that a redirect
// leaving the first request's origin is refused: net/http would forward
// custom credential headers such as "user-api-key" to any host. next is the
// caller's own policy; nil means net/http's default limit of ten redirects.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && origin(req.URL) != origin(via[0].URL) {
			return ErrForeignURL
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return ErrTooManyRedirects
		}
		return nil
	}
}

// encodeBody encodes req.Body as JSON or req.Form as a form.
func encodeBody(req Request) ([]byte, string, error) {
	switch {
	case req.Body != nil && req.Form != nil:
		return nil, "", errors.New("request has both Body and Form")
	case req.Body != nil:
		b, err := json.Marshal(req.Body)
		if err != nil {
			return nil, "", fmt.Errorf("encode request body: %w", err)
		}
		return b, "application/json", nil
	case req.Form != nil:
		return []byte(req.Form.Encode()), "application/x-www-form-urlencoded", nil
	}
	return nil, "", nil
}

// readBody reads at most limit bytes from r. Beyond that it returns the
// first limit bytes and ErrBodyTooLarge.
func readBody(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return b, err
	}
	if int64(len(b)) > limit {
		return b[:limit], ErrBodyTooLarge
	}
	return b, nil
}

// log writes one record through c.logger, if any.
func (c *Client) log(level slog.Level, msg string, args ...any) {
	if c.logger != nil {
		c.logger.Log(context.Background(), level, "api: "+msg, args...)
	}
}

// leveledLogger adapts *slog.Logger to retryablehttp.LeveledLogger for one
// request. It removes query strings from any URL in messages, string values
// and errors, since retryablehttp logs full request URLs, and red hides the
// request's Redact values. retryablehttp's Error records (a failed attempt)
// are logged at Warn: the failure is also returned to the caller, who
// decides whether it is an error worth reporting.
type leveledLogger struct {
	l   *slog.Logger
	red redactor
}

func (l leveledLogger) Error(msg string, kv ...any) { l.log(slog.LevelWarn, msg, kv) }
func (l leveledLogger) Warn(msg string, kv ...any)  { l.log(slog.LevelWarn, msg, kv) }
func (l leveledLogger) Info(msg string, kv ...any)  { l.log(slog.LevelInfo, msg, kv) }
func (l leveledLogger) Debug(msg string, kv ...any) { l.log(slog.LevelDebug, msg, kv) }

func (l leveledLogger) log(level slog.Level, msg string, kv []any) {
	ctx := context.Background()
	if !l.l.Enabled(ctx, level) {
		return
	}
	args := make([]any, len(kv))
	for i, v := range kv {
		switch v := v.(type) {
		case string:
			args[i] = l.red.text(v)
		case error:
			args[i] = l.red.text(l.red.urlError(v).Error())
		case *url.URL:
			args[i] = l.red.urlString(v)
		default:
			args[i] = v
		}
	}
	l.l.Log(ctx, level, "api: "+l.red.text(msg), args...)
}
