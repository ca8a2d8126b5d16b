package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Authenticator adds credentials to an outgoing request. Client.Do calls it
// once per send, after every other header is set, so its headers win.
// Implementations must be safe for concurrent use, must not read req.Body,
// and must never put a secret in a returned error.
type Authenticator interface {
	Authenticate(ctx context.Context, req *http.Request) error
}

// AuthFunc adapts a plain function to Authenticator, as http.HandlerFunc does
// for http.Handler.
type AuthFunc func(ctx context.Context, req *http.Request) error

// Authenticate calls f(ctx, req).
func (f AuthFunc) Authenticate(ctx context.Context, req *http.Request) error { return f(ctx, req) }

// Reauthenticator is an Authenticator whose credential can expire, such as
// an OAuth2 access token. When Config.Auth implements it, Client.Do asks
// Expired about every response; on true it authenticates again (fetching a
// fresh credential) and sends the request exactly once more. A second
// "expired" answer is returned to the caller as an *Error.
type Reauthenticator interface {
	Authenticator

	// Expired reports whether resp says the credential used for
	// resp.Request is no longer valid. When it returns true it has dropped
	// that credential, so the next Authenticate fetches a new one. resp.Body
	// holds the already-read body and may be read; it need not be closed.
	Expired(resp *http.Response) bool
}

// SecretHolder is implemented by an Authenticator that can list the secrets
// it sends, so that Client.Do keeps them out of every error and log record
// it builds, as it does with Request.Redact values. HeaderKey, Bearer, Basic
// and ClientCredentials implement it; an Authenticator that does not (an
// AuthFunc) gets only the redaction of Request.Redact values.
type SecretHolder interface {
	Authenticator

	// Secrets returns every value the Authenticator sends, has sent or may
	// send that must not be shown: keys, passwords, tokens, and the forms
	// in which they travel when these differ (the base64 of Basic
	// credentials). Client.Do calls it before and after Authenticate, so a
	// credential obtained at run time is listed from the moment it is
	// sent. Empty values are ignored; every other value is redacted,
	// however short. It must be safe for concurrent use.
	Secrets() []string
}

// HeaderKey returns an Authenticator that sets header name to value on every
// request, such as Channex's "user-api-key". An empty name or value, or a
// name that is not a valid header field name, makes Authenticate fail with
// ErrNoCredential (wrapped) rather than send the request without credential.
// The result is a SecretHolder listing value, and is safe for concurrent
// use.
func HeaderKey(name, value string) Authenticator {
	return headerKey{name: name, value: value}
}

// Bearer returns an Authenticator that sends "Authorization: Bearer token",
// for a static token the caller already holds (an API token or an OAuth
// access token obtained elsewhere). It never renews the token; use
// ClientCredentials for a token the client fetches itself. An empty token
// makes Authenticate fail with ErrNoCredential. The result is a SecretHolder
// listing token, and is safe for concurrent use.
func Bearer(token string) Authenticator {
	return bearer{token: token}
}

// Basic returns an Authenticator that sends HTTP Basic credentials, such as
// an OwnerRez account email and personal token. An empty user makes
// Authenticate fail with ErrNoCredential; an empty password is allowed,
// since some APIs pass a key as the user name alone. The result is a
// SecretHolder listing the password (the user name instead, when the
// password is empty) and the base64 of "user:password" as sent, and is safe
// for concurrent use.
func Basic(user, password string) Authenticator {
	return basic{user: user, password: password}
}

type headerKey struct{ name, value string }

func (h headerKey) Authenticate(_ context.Context, req *http.Request) error {
	if h.value == "" || !validHeaderName(h.name) {
		return fmt.Errorf("api: header key %q: %w", h.name, ErrNoCredential)
	}
	req.Header.Set(h.name, h.value)
	return nil
}

// Secrets returns the key.
func (h headerKey) Secrets() []string { return []string{h.value} }

// String describes h without its value, so printing a Client or its config
// cannot leak the key.
func (h headerKey) String() string { return "api.HeaderKey(" + strconv.Quote(h.name) + ", redacted)" }

type bearer struct{ token string }

func (b bearer) Authenticate(_ context.Context, req *http.Request) error {
	if b.token == "" {
		return fmt.Errorf("api: bearer token: %w", ErrNoCredential)
	}
	req.Header.Set("Authorization", "Bearer "+b.token)
	return nil
}

// Secrets returns the token.
func (b bearer) Secrets() []string { return []string{b.token} }

// String describes b without its token.
func (b bearer) String() string { return "api.Bearer(redacted)" }

type basic struct{ user, password string }

func (b basic) Authenticate(_ context.Context, req *http.Request) error {
	if b.user == "" {
		return fmt.Errorf("api: basic auth user: %w", ErrNoCredential)
	}
	req.SetBasicAuth(b.user, b.password)
	return nil
}

// Secrets returns the password, or the user name when the password is
// empty (a key sent as the user name), and the credentials as the
// Authorization header carries them.
func (b basic) Secrets() []string {
	secret := b.password
	if secret == "" {
		secret = b.user
	}
	if secret == "" {
		return nil
	}
	encoded := base64.StdEncoding.EncodeToString([]byte(b.user + ":" + b.password))
	return []string{secret, encoded, strings.TrimRight(encoded, "=")}
}

// String describes b without its credentials.
func (b basic) String() string { return "api.Basic(redacted)" }

// validHeaderName reports whether name is a non-empty RFC 9110 token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// ClientCredentialsConfig configures an OAuth2 client-credentials token
// source (RFC 6749, section 4.4), such as Hostaway's POST /v1/accessTokens.
// TokenURL, ClientID and ClientSecret are required.
type ClientCredentialsConfig struct {
	// TokenURL is the token endpoint: a path joined to the client's BaseURL
	// like Request.Path, or an absolute URL. An absolute URL may name
	// another host; it is the one request allowed to, because it is
	// configured by the program, not taken from a response.
	TokenURL string

	// ClientID is sent as the client_id form field (Hostaway: the account
	// ID).
	ClientID string

	// ClientSecret is sent as the client_secret form field. It never
	// appears in errors or logs.
	ClientSecret string

	// Scope is sent as the scope form field (Hostaway: "general"). The zero
	// value omits the field.
	Scope string

	// ExtraForm holds additional form fields sent with every token request.
	// It cannot replace grant_type, client_id, client_secret or scope. Nil
	// means none. It is copied by NewClientCredentials.
	ExtraForm url.Values

	// InitialToken is a token obtained earlier, such as one a previous run
	// saved from ClientCredentials.Token, used before any token is fetched:
	// some APIs issue long-lived tokens (Hostaway's last up to 24 months)
	// and ask callers to reuse them rather than fetch one per process. It
	// is used until shortly before its Expiry, or until the API answers
	// that it expired, and then replaced by a fetched token; an Expiry
	// already past means it is never used. ActivationDelay does not apply
	// to it. The zero value, or an empty AccessToken, means none: the first
	// request fetches a token.
	InitialToken Token

	// ActivationDelay is how long a newly fetched token needs before the API
	// accepts it (Hostaway: "a new token becomes valid only 1 second after
	// it is issued"). A token is not used, by the caller that fetched it or
	// by any concurrent caller, until ActivationDelay has passed since its
	// response arrived; a caller waits for that unless its context ends
	// first. Without the wait, an API that answers an early token like an
	// expired one would make the client drop a good token and fetch
	// another. Zero means none; a negative value is an error.
	ActivationDelay time.Duration
}

// Token is an OAuth2 access token and when it expires. Its String and
// GoString methods never show AccessToken.
type Token struct {
	// AccessToken is the token sent as "Authorization: Bearer".
	AccessToken string

	// Expiry is when the token expires, as the token endpoint's expires_in
	// stated it. The zero value means unknown: the token is used until the
	// API answers that it expired.
	Expiry time.Time
}

// String describes t without its access token.
func (t Token) String() string {
	if t.AccessToken == "" {
		return "api.Token{}"
	}
	if t.Expiry.IsZero() {
		return "api.Token{AccessToken: redacted}"
	}
	return "api.Token{AccessToken: redacted, Expiry: " + t.Expiry.Format(time.RFC3339) + "}"
}

// GoString is String, so that %#v cannot print the token either.
func (t Token) GoString() string { return t.String() }

// ClientCredentials is a Reauthenticator that fetches an OAuth2 access token
// with the client-credentials grant and sends it as "Authorization: Bearer".
//
// The token is cached until shortly before its expires_in runs out (or,
// when the server gives no lifetime, until the API says it expired).
// Concurrent callers share one cached token and one fetch: while a token
// request is in flight, others wait for its result instead of sending their
// own. A fetch failure is not cached; the next call tries again. A new token
// is used by no caller before ClientCredentialsConfig.ActivationDelay has
// passed. Token returns the current token, so that a program can save it
// and pass it back as ClientCredentialsConfig.InitialToken after a restart.
//
// Expired returns true for a 401, or a 403 (Hostaway's answer to an expired
// token), on a request that carried a bearer token, and drops the cached
// token; Client.Do then fetches a new one and retries once. A 403 that is a
// real refusal therefore costs one extra token request before it reaches
// the caller.
//
// A ClientCredentials is safe for concurrent use.
type ClientCredentials struct {
	client *Client
	cfg    ClientCredentialsConfig

	// now is the clock for token expiry; tests in this package replace it.
	now func() time.Time

	mu    sync.Mutex
	token *accessToken // cached token; nil when none or dropped
	fetch *tokenFetch  // the fetch in flight; nil when none

	// fetched holds the latest tokens fetched, newest last, at most
	// maxFetchedTokens: a token dropped as expired may still be echoed
	// by a response to a request that carried it.
	fetched []string
}

// maxFetchedTokens is how many fetched tokens ClientCredentials.Secrets
// lists besides the current one. Tokens are fetched rarely (Hostaway's
// last months), so this is many fetches of history while the list stays
// bounded in a long-running process.
const maxFetchedTokens = 8

// accessToken is a cached token, when it expires and when it may be used.
type accessToken struct {
	value string

	// expiry is the token's expiry as the server stated it; zero: unknown.
	expiry time.Time

	// refreshAt is when the token stops being used, a little before expiry
	// so that no request leaves with a token that expires in flight; zero:
	// used until the API says it expired.
	refreshAt time.Time

	// activeAt is when the API starts accepting the token, on the
	// monotonic clock (ActivationDelay after its response arrived); zero:
	// at once.
	activeAt time.Time
}

// tokenFetch is one token request shared by every caller waiting on it.
type tokenFetch struct {
	done  chan struct{} // closed when the fields below are set
	token *accessToken
	err   error

	// abandoned is true when the fetch failed because the context of the
	// caller that sent it ended; waiters with a live context then try again.
	abandoned bool
}

// tokenExpiryDelta is how long before its stated expiry a token stops being
// used, so that a request does not leave with a token that expires in flight.
const tokenExpiryDelta = time.Minute

// NewClientCredentials returns a token source that fetches tokens through c:
// c's base URL, HTTP client, retry policy, logger and extra headers apply to
// the token request, but c's Authenticator does not. Attach the source to
// the client that calls the API with Client.WithAuth:
//
//	base, err := api.New(api.Config{BaseURL: "https://api.hostaway.com"})
//	tokens, err := api.NewClientCredentials(base, api.ClientCredentialsConfig{
//		TokenURL: "/v1/accessTokens", ClientID: id, ClientSecret: secret, Scope: "general",
//	})
//	client := base.WithAuth(tokens)
//
// It returns an error when c is nil, TokenURL, ClientID or ClientSecret is
// empty, or ActivationDelay is negative.
func NewClientCredentials(c *Client, cfg ClientCredentialsConfig) (*ClientCredentials, error) {
	switch {
	case c == nil:
		return nil, errors.New("api: client credentials: nil Client")
	case cfg.TokenURL == "":
		return nil, errors.New("api: client credentials: empty TokenURL")
	case cfg.ClientID == "":
		return nil, errors.New("api: client credentials: empty ClientID")
	case cfg.ClientSecret == "":
		return nil, errors.New("api: client credentials: empty ClientSecret")
	case cfg.ActivationDelay < 0:
		return nil, errors.New("api: client credentials: negative ActivationDelay")
	}
	if _, err := c.resolve(cfg.TokenURL, nil, true); err != nil {
		return nil, fmt.Errorf("api: client credentials: TokenURL: %w", err)
	}
	cfg.ExtraForm = cloneValues(cfg.ExtraForm)
	cc := &ClientCredentials{client: c, cfg: cfg, now: time.Now}
	if t := cfg.InitialToken; t.AccessToken != "" {
		cc.token = &accessToken{value: t.AccessToken, expiry: t.Expiry}
		if !t.Expiry.IsZero() {
			cc.token.refreshAt = t.Expiry.Add(-tokenExpiryDelta)
		}
	}
	return cc, nil
}

// Authenticate sets "Authorization: Bearer" with the cached token, fetching
// one first when none is cached or it is about to expire, and waiting for a
// new token's ActivationDelay. A fetch error is wrapped and names the token
// endpoint, never the secret.
func (cc *ClientCredentials) Authenticate(ctx context.Context, req *http.Request) error {
	tok, err := cc.accessToken(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok.value)
	return nil
}

// Token returns the token Authenticate would send now, fetching one first
// when none is cached or it is about to expire, and waiting for a new
// token's ActivationDelay, exactly as Authenticate does. Save it (it is a
// secret) and pass it as ClientCredentialsConfig.InitialToken to reuse it
// after a restart. Expiry is the server's stated expiry, not the earlier
// moment at which the token stops being used. The error is a fetch error,
// as Authenticate returns.
func (cc *ClientCredentials) Token(ctx context.Context) (Token, error) {
	tok, err := cc.accessToken(ctx)
	if err != nil {
		return Token{}, err
	}
	return Token{AccessToken: tok.value, Expiry: tok.expiry}, nil
}

// Expired reports whether resp is a 401 or 403 to a request that carried a
// bearer token. If that token is the cached one it is dropped, so the next
// Authenticate fetches a new token; if another caller already replaced it,
// the new token is kept.
func (cc *ClientCredentials) Expired(resp *http.Response) bool {
	if resp == nil || resp.Request == nil {
		return false
	}
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		return false
	}
	sent, ok := strings.CutPrefix(resp.Request.Header.Get("Authorization"), "Bearer ")
	if !ok || sent == "" {
		return false
	}
	cc.mu.Lock()
	if cc.token != nil && cc.token.value == sent {
		cc.token = nil
	}
	cc.mu.Unlock()
	return true
}

// Secrets returns the client secret, ClientCredentialsConfig.InitialToken
// and the tokens fetched lately (the current one included), so that
// Client.Do keeps them out of errors and logs, both for the requests cc
// authenticates and for its own token requests. It is safe for concurrent
// use.
func (cc *ClientCredentials) Secrets() []string {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	out := make([]string, 0, 2+len(cc.fetched))
	out = append(out, cc.cfg.ClientSecret, cc.cfg.InitialToken.AccessToken)
	return append(out, cc.fetched...)
}

// String describes cc without its secret or token.
func (cc *ClientCredentials) String() string {
	return "api.ClientCredentials{ClientID: " + strconv.Quote(cc.cfg.ClientID) + ", ClientSecret: redacted}"
}

// GoString is String, so that %#v cannot print the secret either.
func (cc *ClientCredentials) GoString() string { return cc.String() }

// accessToken returns a valid token, sharing one fetch among concurrent
// callers, once it is active. If the fetch a caller waited on failed only
// because the context of the caller that sent it ended, a caller whose own
// context is still live fetches again, so one canceled caller cannot fail
// the others.
func (cc *ClientCredentials) accessToken(ctx context.Context) (*accessToken, error) {
	tok, err := cc.cachedOrFetch(ctx)
	if err != nil {
		return nil, err
	}
	if err := waitActive(ctx, tok); err != nil {
		return nil, err
	}
	return tok, nil
}

// cachedOrFetch returns the cached token, or fetches one, sharing the fetch
// among concurrent callers. The token may not be active yet.
func (cc *ClientCredentials) cachedOrFetch(ctx context.Context) (*accessToken, error) {
	for {
		cc.mu.Lock()
		if t := cc.token; t != nil && (t.refreshAt.IsZero() || cc.now().Before(t.refreshAt)) {
			cc.mu.Unlock()
			return t, nil
		}
		f := cc.fetch
		leader := f == nil
		if leader {
			f = &tokenFetch{done: make(chan struct{})}
			cc.fetch = f
		}
		cc.mu.Unlock()

		if leader {
			f.token, f.err = cc.fetchToken(ctx)
			f.abandoned = f.err != nil && ctx.Err() != nil
			cc.mu.Lock()
			cc.fetch = nil
			if f.err == nil {
				cc.token = f.token
				if len(cc.fetched) == maxFetchedTokens {
					cc.fetched = slices.Delete(cc.fetched, 0, 1)
				}
				cc.fetched = append(cc.fetched, f.token.value)
			}
			cc.mu.Unlock()
			close(f.done)
			return f.token, f.err
		}

		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("api: client credentials token: %w", ctx.Err())
		case <-f.done:
		}
		if f.err == nil {
			return f.token, nil
		}
		if !f.abandoned || ctx.Err() != nil {
			return nil, f.err
		}
	}
}

// waitActive waits until t is active or ctx ends. The wait is taken by each
// caller rather than by the fetch alone, so that a caller whose context ends
// during it leaves the new token cached for the others instead of failing
// the fetch and costing another token.
func waitActive(ctx context.Context, t *accessToken) error {
	d := time.Until(t.activeAt)
	if t.activeAt.IsZero() || d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("api: client credentials token: waiting for activation: %w", ctx.Err())
	}
}

// tokenResponse is the RFC 6749 token response. expires_in is decoded
// leniently: some servers send it as a string.
type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

// fetchToken sends one token request.
func (cc *ClientCredentials) fetchToken(ctx context.Context) (*accessToken, error) {
	form := url.Values{}
	for k, v := range cc.cfg.ExtraForm {
		form[k] = append([]string(nil), v...)
	}
	form.Set("grant_type", "client_credentials")
	form.Set("client_id", cc.cfg.ClientID)
	form.Set("client_secret", cc.cfg.ClientSecret)
	if cc.cfg.Scope != "" {
		form.Set("scope", cc.cfg.Scope)
	} else {
		form.Del("scope")
	}

	issued := cc.now()
	var tr tokenResponse
	opts := doOptions{tokenRequest: true, secrets: cc.Secrets()}
	_, err := cc.client.do(ctx, Request{Method: http.MethodPost, Path: cc.cfg.TokenURL, Form: form}, &tr, opts)
	if err != nil {
		return nil, fmt.Errorf("api: client credentials token: %w", err)
	}
	if tr.AccessToken == "" {
		return nil, errors.New("api: client credentials token: response has no access_token")
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer") {
		// token_type is quoted from the response: it must not show the
		// token it came with, nor any secret.
		red := newRedactor(opts.secrets, []string{tr.AccessToken})
		return nil, fmt.Errorf("api: client credentials token: unsupported token_type %q", red.replace(tr.TokenType))
	}
	lifetime, err := parseExpiresIn(tr.ExpiresIn)
	if err != nil {
		return nil, fmt.Errorf("api: client credentials token: %w", err)
	}
	t := &accessToken{value: tr.AccessToken}
	if lifetime > 0 {
		delta := min(tokenExpiryDelta, lifetime/2)
		t.expiry = issued.Add(lifetime)
		t.refreshAt = issued.Add(lifetime - delta)
	}
	if cc.cfg.ActivationDelay > 0 {
		t.activeAt = time.Now().Add(cc.cfg.ActivationDelay)
	}
	return t, nil
}

// parseExpiresIn reads expires_in (seconds) given as a number or a string.
// Absent, null or zero means the lifetime is unknown.
func parseExpiresIn(raw json.RawMessage) (time.Duration, error) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return 0, nil
	}
	secs, err := strconv.ParseFloat(s, 64)
	if err != nil || secs < 0 {
		return 0, errors.New("invalid expires_in")
	}
	// Cap at 100 years: beyond that the exact value does not matter and a
	// larger one would overflow time.Duration.
	const maxSecs = 100 * 365 * 24 * 3600
	secs = min(secs, maxSecs)
	return time.Duration(secs * float64(time.Second)), nil
}

// cloneValues returns a deep copy of v, or nil for nil.
func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
