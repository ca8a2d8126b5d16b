package ownerrez

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

// tokenPath is the OAuth token endpoint, relative to the parent of the
// base URL's version path: https://api.ownerrez.com/oauth/access_token.
const tokenPath = "/oauth/access_token"

// oauthRoot returns the base URL without its last path segment, the
// version path: the root the token endpoint hangs off.
func oauthRoot(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base // api.New reports it
	}
	p := strings.TrimSuffix(u.Path, "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[:i]
	}
	u.Path, u.RawPath = p, ""
	return u.String()
}

// OAuthClient runs the OAuth 2 authorization-code flow of an OwnerRez OAuth
// app (RFC 6749, section 4.1, the only grant OwnerRez supports): send the
// user to AuthorizeURL, exchange the code OwnerRez redirects back with for
// a Token, call the API with NewClient(token.Auth()), Refresh it when
// OwnerRez sent a refresh token, and Revoke the token when the user
// disconnects. It is immutable and safe for concurrent use.
type OAuthClient struct {
	clientID string
	api      *api.Client // authenticated with the client id and secret
	now      func() time.Time
}

// NewOAuthClient returns an OAuthClient for the app's client id ("c_...")
// and client secret ("s_..."), from the app's Developer/API settings. The
// secret authenticates token requests (HTTP Basic) and never appears in
// errors or logs. It fails when either is empty or an option is invalid.
// Token requests go to the token endpoint beside the base URL (see
// WithBaseURL): https://api.ownerrez.com/oauth/access_token by default.
func NewOAuthClient(clientID, clientSecret string, opts ...ClientOption) (*OAuthClient, error) {
	switch {
	case clientID == "":
		return nil, errors.New("ownerrez: new oauth client: empty client id")
	case clientSecret == "":
		return nil, errors.New("ownerrez: new oauth client: empty client secret")
	case strings.Contains(clientID, ":"):
		return nil, errors.New("ownerrez: new oauth client: client id contains a colon")
	}
	cfg := newClientConfig(opts)
	cfg.BaseURL = oauthRoot(cfg.BaseURL)
	ac, err := cfg.newAPI(api.Basic(clientID, clientSecret))
	if err != nil {
		return nil, fmt.Errorf("ownerrez: new oauth client: %w", err)
	}
	return &OAuthClient{clientID: clientID, api: ac, now: cfg.now}, nil
}

// AuthorizeURL returns the link to the AuthorizeURL page to send the user to:
// response_type=code with the app's client id, redirectURL (omitted when
// "": OwnerRez then uses the app's configured OAuth Redirect URL) and
// state. state must be an unguessable value bound to the user's session,
// checked when OwnerRez redirects back, so that nobody can splice their
// own code into the user's session (RFC 6749, section 10.12).
//
// OwnerRez docs: https://www.ownerrez.com/support/articles/api-oauth-app
func (o *OAuthClient) AuthorizeURL(redirectURL, state string) string {
	q := url.Values{}
	q.Set("response_type", "code")
	q.Set("client_id", o.clientID)
	if redirectURL != "" {
		q.Set("redirect_uri", redirectURL)
	}
	q.Set("state", state)
	return AuthorizeURL + "?" + q.Encode()
}

// Token is the answer of the token endpoint. OwnerRez documents
// access_token, token_type, scope and user_id; refresh_token and
// expires_in are read when present (an app with the "Standard" expiration
// policy has tokens that expire after thirty days, but whether the
// response says so is not documented). Its String method never shows the
// tokens.
type Token struct {
	// AccessToken ("at_...") authenticates API calls; see Auth.
	AccessToken string `json:"access_token"`
	// TokenType is "bearer".
	TokenType string `json:"token_type,omitempty"`
	// Scope is the access granted, as OwnerRez spells it.
	Scope string `json:"scope,omitempty"`
	// UserID is the OwnerRez account that granted access: the UserID of
	// that account's webhook deliveries.
	UserID lenient.Int `json:"user_id,omitzero"`
	// RefreshToken is "" unless OwnerRez sends one.
	RefreshToken string `json:"refresh_token,omitempty"`
	// ExpiresIn is the token's lifetime in seconds; zero when not sent.
	ExpiresIn lenient.Int `json:"expires_in,omitzero"`
	// Expiry is when the token expires, from ExpiresIn and the time of the
	// request; the zero Time when OwnerRez does not say.
	Expiry time.Time `json:"-"`
}

// Auth returns AccessToken(t.AccessToken), for NewClient.
func (t Token) Auth() Auth { return AccessToken(t.AccessToken) }

// String describes t without its tokens.
func (t Token) String() string {
	return fmt.Sprintf("ownerrez.Token{AccessToken: redacted, UserID: %d, Scope: %q, Expiry: %s}",
		t.UserID.Int64(), t.Scope, t.Expiry.Format(time.RFC3339))
}

// GoString is String, so that %#v cannot print the tokens either.
func (t Token) GoString() string { return t.String() }

// Exchange trades the authorization code OwnerRez redirected back with
// ("tc_...", valid about ten minutes) for a Token. redirectURL is sent as
// redirect_uri when not "": it must then equal the one given to
// AuthorizeURL. OwnerRez does not say whether it is needed, and one client
// reports a 403 when sending it, so "" is usually right.
//
// A refused code returns an *APIError whose Code is the OAuth error, such
// as "invalid_grant"; neither the code nor the client secret appears in
// it, even when OwnerRez echoes them. The request is retried only when it
// cannot have reached OwnerRez, or on 429, so a code is never spent twice.
//
// OwnerRez docs: https://www.ownerrez.com/support/articles/api-oauth-app
//
// POST /oauth/access_token
func (o *OAuthClient) Exchange(ctx context.Context, code, redirectURL string) (*Token, *Response, error) {
	if code == "" {
		return nil, nil, errors.New("ownerrez: exchange code: empty code")
	}
	form := url.Values{}
	form.Set("grant_type", "authorization_code")
	form.Set("code", code)
	if redirectURL != "" {
		form.Set("redirect_uri", redirectURL)
	}
	// The code is a credential too: an error that echoes it never shows it.
	return o.token(ctx, "exchange code", form, code)
}

// Refresh trades a refresh token for a new Token, with the refresh-token
// grant of RFC 6749, section 6: grant_type=refresh_token and
// refresh_token, form-encoded, to the token endpoint, the app
// authenticated by its client id and secret as for Exchange.
//
// What OwnerRez documents of it is little: its OAuth article says only
// that tokens of an app with the "Standard" expiration policy expire after
// thirty days, and neither it nor the token response it shows mention a
// refresh token. The grant's form is that of OwnerRez's own Zapier app,
// which declares it (but no URL for it); the endpoint and the client
// authentication are assumed to be Exchange's. So call it only with a
// Token.RefreshToken OwnerRez did send. When the answer carries no new
// refresh token, the returned Token keeps refreshToken (RFC 6749, section
// 6: the client keeps the old one). A refused token returns an *APIError
// whose Code is the OAuth error, such as "invalid_grant", and never shows
// the refresh token. This package has no Auth that refreshes by itself,
// since OwnerRez documents no expiry answer to act on: refresh before
// Token.Expiry, or when a call fails with Code "invalid_token".
//
// OwnerRez docs: https://www.ownerrez.com/support/articles/api-oauth-app
//
// POST /oauth/access_token
func (o *OAuthClient) Refresh(ctx context.Context, refreshToken string) (*Token, *Response, error) {
	if refreshToken == "" {
		return nil, nil, errors.New("ownerrez: refresh token: empty refresh token")
	}
	form := url.Values{}
	form.Set("grant_type", "refresh_token")
	form.Set("refresh_token", refreshToken)
	tok, resp, err := o.token(ctx, "refresh token", form, refreshToken)
	if err != nil {
		return nil, resp, err
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	return tok, resp, nil
}

// token posts form to the token endpoint and reads the Token; secret, the
// grant's credential, never appears in errors. op names the call.
func (o *OAuthClient) token(ctx context.Context, op string, form url.Values, secret string) (*Token, *Response, error) {
	issued := o.now()
	var tok Token
	req := api.Request{Method: http.MethodPost, Path: tokenPath, Form: form, Redact: []string{secret}}
	raw, err := o.api.Do(ctx, req, &tok)
	resp := raw.Response()
	if err != nil {
		return nil, resp, fmt.Errorf("ownerrez: %s: %w", op, err)
	}
	switch {
	case tok.AccessToken == "":
		return nil, resp, fmt.Errorf("ownerrez: %s: response has no access_token", op)
	case tok.TokenType != "" && !strings.EqualFold(tok.TokenType, "bearer"):
		return nil, resp, fmt.Errorf("ownerrez: %s: unsupported token_type %q", op, tok.TokenType)
	}
	if tok.ExpiresIn.Value > 0 {
		tok.Expiry = issued.Add(time.Duration(tok.ExpiresIn.Value) * time.Second)
	}
	return &tok, resp, nil
}

// Revoke revokes an access token the app holds, such as when the user
// disconnects the account in your service. A token OwnerRez does not know
// (404) counts as already revoked: Revoke returns a nil error (and the
// 404 Response). The token is part of
// the request path; errors and log records show "REDACTED" in its place.
//
// OwnerRez docs: https://www.ownerrez.com/support/articles/api-oauth-app
//
// DELETE /oauth/access_token/{token}
func (o *OAuthClient) Revoke(ctx context.Context, accessToken string) (*Response, error) {
	if accessToken == "" {
		return nil, errors.New("ownerrez: revoke token: empty token")
	}
	raw, err := o.api.Do(ctx, api.Request{
		Method: http.MethodDelete,
		Path:   tokenPath + "/" + url.PathEscape(accessToken),
		Redact: []string{accessToken},
	}, nil)
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
		return raw.Response(), nil
	}
	if err != nil {
		return raw.Response(), fmt.Errorf("ownerrez: revoke token: %w", err)
	}
	return raw.Response(), nil
}
