package bookingsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// OAuthClient runs the OAuth 2 authorization-code flow of a BookingSync
// application: send the account's user to AuthorizeURL, Exchange the code
// BookingSync redirects back with for a Token, call the API with
// NewClient(token.Auth()), and Refresh the token before or after it
// expires (access tokens last 7200 s). It is immutable and safe for
// concurrent use.
// https://developers.bookingsync.com/reference/authorization/#authorization-code-flow
type OAuthClient struct {
	clientID, secret string
	api              *api.Client
	now              func() time.Time
}

// NewOAuthClient returns an OAuthClient for the application's Client ID
// and Client Secret. The secret is sent in the form of token requests, as
// BookingSync documents, and never appears in errors or logs. Token
// requests go to the token endpoint beside the base URL (see WithBaseURL):
// TokenURL by default. It fails when either is empty or an option is
// invalid.
func NewOAuthClient(clientID, clientSecret string, opts ...ClientOption) (*OAuthClient, error) {
	switch {
	case strings.TrimSpace(clientID) == "":
		return nil, errors.New("bookingsync: new oauth client: empty client id")
	case clientSecret == "":
		return nil, errors.New("bookingsync: new oauth client: empty client secret")
	}
	cfg := newClientConfig(opts)
	tok := tokenURL(cfg.BaseURL)
	cfg.BaseURL = strings.TrimSuffix(tok, tokenPath)
	// The secret travels in the form; listing it as a Redact value of
	// every request keeps it out of errors and logs.
	ac, err := cfg.newAPI(nil)
	if err != nil {
		return nil, fmt.Errorf("bookingsync: new oauth client: %w", err)
	}
	return &OAuthClient{clientID: strings.TrimSpace(clientID), secret: clientSecret, api: ac, now: cfg.now}, nil
}

// AuthorizeURL returns the link to the AuthorizeURL page to send the user
// to: response_type=code with the application's client id, redirectURL
// (which must be under a domain registered for the application), the
// scopes (such as "bookings_read", "clients_read"; none: public only) and
// state. state must be an unguessable value bound to the user's session,
// checked when BookingSync redirects back (RFC 6749, section 10.12).
// https://developers.bookingsync.com/reference/authorization/#authorization-code-flow
func (o *OAuthClient) AuthorizeURL(redirectURL, state string, scopes ...string) string {
	q := url.Values{}
	q.Set("client_id", o.clientID)
	q.Set("redirect_uri", redirectURL)
	q.Set("response_type", "code")
	if len(scopes) > 0 {
		q.Set("scope", strings.Join(scopes, " "))
	}
	q.Set("state", state)
	return AuthorizeURL + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

// Token is the answer of the token endpoint. Its String method never shows
// the tokens; store it as the secret it is.
type Token struct {
	// AccessToken authenticates API calls; see Auth.
	AccessToken string `json:"access_token"`
	// TokenType is "bearer".
	TokenType string `json:"token_type,omitempty"`
	// RefreshToken renews the access token with Refresh. BookingSync
	// issues a new one on every refresh: save it each time. It is valid as
	// long as it is used, also after the access token expired.
	RefreshToken string `json:"refresh_token,omitempty"`
	// Scope is the access granted, space-separated ("public" at least).
	Scope string `json:"scope,omitempty"`
	// ExpiresIn is the access token's lifetime in seconds (7200).
	ExpiresIn lenient.Int `json:"expires_in,omitzero"`
	// Expiry is when the access token expires, from ExpiresIn and the time
	// of the request; zero when BookingSync does not say.
	Expiry time.Time `json:"-"`
}

// Auth returns AccessToken(t.AccessToken), for NewClient.
func (t Token) Auth() Auth { return AccessToken(t.AccessToken) }

// String describes t without its tokens.
func (t Token) String() string {
	return fmt.Sprintf("bookingsync.Token{AccessToken: redacted, RefreshToken: redacted, Scope: %q, Expiry: %s}",
		t.Scope, t.Expiry.Format(time.RFC3339))
}

// GoString is String, so that %#v cannot print the tokens either.
func (t Token) GoString() string { return t.String() }

// Exchange trades the authorization code BookingSync redirected back with
// for a Token. redirectURL must be the one given to AuthorizeURL. A refused
// code is an *APIError (BookingSync documents status 401) whose Code is the
// OAuth error, such as "invalid_grant"; neither the code nor the secret
// appears in it. The request is retried only when it cannot have reached
// BookingSync, or on 429, so a code is never spent twice.
// https://developers.bookingsync.com/reference/authorization/#authorization-code-flow
//
// POST /oauth/token
func (o *OAuthClient) Exchange(ctx context.Context, code, redirectURL string) (*Token, *Response, error) {
	if code == "" {
		return nil, nil, errors.New("bookingsync: exchange code: empty code")
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURL}}
	return o.token(ctx, "exchange code", form, code)
}

// Refresh trades a refresh token for a new Token, whose RefreshToken
// replaces the one given: save it. redirectURL is the one of the
// authorization (BookingSync's reference lists it among the parameters).
// A refused refresh token is an *APIError (status 401); neither token nor
// the secret appears in it.
// https://developers.bookingsync.com/reference/authorization/#refreshing-access-token
//
// POST /oauth/token
func (o *OAuthClient) Refresh(ctx context.Context, refreshToken, redirectURL string) (*Token, *Response, error) {
	if refreshToken == "" {
		return nil, nil, errors.New("bookingsync: refresh token: empty refresh token")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	if redirectURL != "" {
		form.Set("redirect_uri", redirectURL)
	}
	return o.token(ctx, "refresh token", form, refreshToken)
}

// token posts form, with the client credentials, to the token endpoint.
func (o *OAuthClient) token(ctx context.Context, op string, form url.Values, grant string) (*Token, *Response, error) {
	form.Set("client_id", o.clientID)
	form.Set("client_secret", o.secret)
	issued := o.now()
	var tok Token
	req := api.Request{Method: http.MethodPost, Path: tokenPath, Form: form, Redact: []string{o.secret, grant}}
	raw, err := o.api.Do(ctx, req, &tok)
	resp := raw.Response()
	if err != nil {
		return nil, resp, fmt.Errorf("bookingsync: %s: %w", op, err)
	}
	switch {
	case tok.AccessToken == "":
		return nil, resp, fmt.Errorf("bookingsync: %s: the answer has no access_token", op)
	case tok.TokenType != "" && !strings.EqualFold(tok.TokenType, "bearer"):
		return nil, resp, fmt.Errorf("bookingsync: %s: unsupported token_type", op)
	}
	if tok.ExpiresIn.Value > 0 {
		tok.Expiry = issued.Add(time.Duration(tok.ExpiresIn.Value) * time.Second)
	}
	return &tok, resp, nil
}
