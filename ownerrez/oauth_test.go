package ownerrez

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/lenient"
)

const (
	testClientID     = "c_app123"
	testClientSecret = "s_topsecret"
)

// setupOAuth starts a fake token endpoint and returns an OAuthClient on it
// whose clock is fixed at now.
func setupOAuth(t *testing.T, now time.Time, opts ...ClientOption) (*OAuthClient, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	opts = append([]ClientOption{WithBaseURL(srv.URL + "/v2"), fastRetries(), func(c *clientConfig) { c.now = func() time.Time { return now } }}, opts...)
	o, err := NewOAuthClient(testClientID, testClientSecret, opts...)
	require.NoError(t, err)
	return o, mux
}

// checkClientAuth asserts the Basic client_id:client_secret of a token
// request.
func checkClientAuth(t *testing.T, r *http.Request) {
	t.Helper()
	user, pass, ok := r.BasicAuth()
	require.True(t, ok, "token requests use Basic client authentication")
	assert.Equal(t, testClientID, user)
	assert.Equal(t, testClientSecret, pass)
}

func TestNewOAuthClient(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][2]string{
		"no id":       {"", "s_x"},
		"no secret":   {"c_x", ""},
		"colon in id": {"c:x", "s_x"},
	} {
		_, err := NewOAuthClient(args[0], args[1])
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), "s_x")
	}
	_, err := NewOAuthClient("c_x", "s_x", WithBaseURL("ftp://api.ownerrez.com"))
	require.Error(t, err)
}

func TestOAuthClient_AuthorizeURL(t *testing.T) {
	t.Parallel()
	o, err := NewOAuthClient(testClientID, testClientSecret)
	require.NoError(t, err)
	tests := []struct {
		redirect, state string
		want            url.Values
	}{
		{
			redirect: "https://acme.example/oauth/callback?x=1", state: "st&ate/1",
			want: url.Values{"response_type": {"code"}, "client_id": {testClientID}, "redirect_uri": {"https://acme.example/oauth/callback?x=1"}, "state": {"st&ate/1"}},
		},
		{
			state: "abc",
			want:  url.Values{"response_type": {"code"}, "client_id": {testClientID}, "state": {"abc"}},
		},
	}
	for _, tt := range tests {
		got := o.AuthorizeURL(tt.redirect, tt.state)
		u, err := url.Parse(got)
		require.NoError(t, err)
		assert.Equal(t, "https://app.ownerrez.com/oauth/authorize", u.Scheme+"://"+u.Host+u.Path)
		assert.Equal(t, tt.want, u.Query())
		assert.NotContains(t, got, testClientSecret)
	}
}

func TestOAuthClient_Exchange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		redirect string
		answer   string
		want     *Token
	}{
		{
			name:   "documented response",
			answer: `{ "access_token": "at_xxxxxxxx", "token_type": "bearer", "scope": "all", "user_id": 123456 }`,
			want:   &Token{AccessToken: "at_xxxxxxxx", TokenType: "bearer", Scope: "all", UserID: lenient.Int{Value: 123456}},
		},
		{
			name:     "with redirect, refresh token and lifetime",
			redirect: "https://acme.example/cb",
			answer:   `{"access_token":"at_y","token_type":"Bearer","user_id":"347482730","refresh_token":"rt_y","expires_in":"2592000","user_display_name":"Dana"}`,
			want: &Token{
				AccessToken: "at_y", TokenType: "Bearer", UserID: lenient.Int{Value: 347482730}, RefreshToken: "rt_y",
				ExpiresIn: lenient.Int{Value: 2592000}, Expiry: now.Add(30 * 24 * time.Hour),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, mux := setupOAuth(t, now)
			mux.HandleFunc("POST /oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
				checkClientAuth(t, r)
				assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
				assert.Equal(t, DefaultUserAgent, r.Header.Get("User-Agent"))
				require.NoError(t, r.ParseForm())
				want := url.Values{"grant_type": {"authorization_code"}, "code": {"tc_code1"}}
				if tt.redirect != "" {
					want.Set("redirect_uri", tt.redirect)
				}
				assert.Equal(t, want, r.PostForm)
				_, _ = w.Write([]byte(tt.answer))
			})
			tok, _, err := o.Exchange(context.Background(), "tc_code1", tt.redirect)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, tok); diff != "" {
				t.Errorf("Exchange mismatch (-want +got):\n%s", diff)
			}
			assert.Equal(t, AccessToken(tt.want.AccessToken), tok.Auth())
		})
	}
}

func TestOAuthClient_Exchange_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		answer    string
		wantCode  string
		wantCalls int32
		wantText  string
	}{
		{name: "expired code", status: 400, answer: `{"error":"invalid_grant","error_description":"The authorization code has expired."}`, wantCode: "invalid_grant", wantCalls: 1},
		{name: "bad client", status: 401, answer: `{"error":"invalid_client"}`, wantCode: "invalid_client", wantCalls: 1},
		{name: "server error not resent", status: 500, answer: `{"messages":["oops"],"code":"internal_error"}`, wantCode: "internal_error", wantCalls: 1},
		{name: "no access token", status: 200, answer: `{"token_type":"bearer"}`, wantCalls: 1, wantText: "no access_token"},
		{name: "other token type", status: 200, answer: `{"access_token":"at_z","token_type":"mac"}`, wantCalls: 1, wantText: "unsupported token_type"},
		{name: "not json", status: 200, answer: `<html>`, wantCalls: 1, wantText: "decode response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			o, mux := setupOAuth(t, time.Now())
			mux.HandleFunc("POST /oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.answer))
			})
			tok, _, err := o.Exchange(context.Background(), "tc_code1", "")
			require.Error(t, err)
			assert.Nil(t, tok)
			assert.Equal(t, tt.wantCalls, calls.Load())
			assert.True(t, strings.HasPrefix(err.Error(), "ownerrez: exchange code: "), err.Error())
			assert.NotContains(t, err.Error(), testClientSecret)
			assert.NotContains(t, err.Error(), "tc_code1")
			if tt.wantCode != "" {
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.wantCode, ae.Code)
			}
			if tt.wantText != "" {
				assert.Contains(t, err.Error(), tt.wantText)
			}
		})
	}
	o, _ := setupOAuth(t, time.Now())
	_, _, err := o.Exchange(context.Background(), "", "")
	require.Error(t, err)
}

func TestOAuthClient_Revoke(t *testing.T) {
	t.Parallel()
	const token = "at_revoke/me+1"
	tests := []struct {
		name    string
		status  int
		wantErr bool
	}{
		{name: "revoked", status: http.StatusNoContent},
		{name: "ok with body", status: http.StatusOK},
		{name: "already revoked", status: http.StatusNotFound},
		{name: "refused", status: http.StatusUnauthorized, wantErr: true},
		{name: "unavailable, retried", status: http.StatusServiceUnavailable, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			o, mux := setupOAuth(t, time.Now(), WithLogger(logger))
			mux.HandleFunc("DELETE /oauth/access_token/{token}", func(w http.ResponseWriter, r *http.Request) {
				checkClientAuth(t, r)
				assert.Equal(t, token, r.PathValue("token"))
				switch tt.status {
				case http.StatusOK:
					writeJSON(w, http.StatusOK, map[string]any{})
				case http.StatusNoContent:
					w.WriteHeader(http.StatusNoContent)
				case http.StatusNotFound:
					writeError(w, http.StatusNotFound, "not_found", "Token not found.")
				default:
					writeJSON(w, tt.status, map[string]any{"error": "invalid_client", "error_description": "Unknown client."})
				}
			})
			_, err := o.Revoke(context.Background(), token)
			out := logs.String()
			assert.Contains(t, out, "/oauth/access_token/REDACTED", "the request is logged, redacted")
			assert.NotContains(t, out, "at_revoke", "log output leaks the token")
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.True(t, strings.HasSuffix(ae.URL, "/oauth/access_token/REDACTED"), ae.URL)
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), ae.URL, ae.Error(), ae.Message} {
				assert.NotContains(t, s, "at_revoke")
			}
			assert.True(t, strings.HasPrefix(err.Error(), "ownerrez: revoke token: api: DELETE /oauth/access_token/REDACTED: "), err.Error())
			if tt.status == http.StatusServiceUnavailable {
				assert.Contains(t, out, "retrying request")
			}
		})
	}
}

func TestOAuthClient_Revoke_transportError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens any more: the dial fails
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o, err := NewOAuthClient(testClientID, testClientSecret, WithBaseURL(base+"/v2"), WithRetryMax(-1), WithLogger(logger))
	require.NoError(t, err)
	_, err = o.Revoke(context.Background(), "at_transport_secret")
	require.Error(t, err)
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, base+"/oauth/access_token/REDACTED", ue.URL)
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), ue.Error(), logs.String()} {
		assert.NotContains(t, s, "at_transport_secret")
	}
	assert.Contains(t, logs.String(), "request failed")
	assert.True(t, strings.HasPrefix(err.Error(), "ownerrez: revoke token: api: DELETE /oauth/access_token/REDACTED: "), err.Error())
	_, err = o.Revoke(context.Background(), "")
	require.Error(t, err)
}

func TestToken_String(t *testing.T) {
	t.Parallel()
	tok := &Token{AccessToken: "at_secret1", RefreshToken: "rt_secret2", UserID: lenient.Int{Value: 42}, Scope: "all"}
	for _, s := range []string{tok.String(), fmt.Sprint(tok), fmt.Sprint(*tok), fmt.Sprintf("%#v", tok), fmt.Sprintf("%+v", *tok)} {
		assert.NotContains(t, s, "secret")
		assert.Contains(t, s, "42")
	}
}

// TestOAuthRoot checks that the token endpoint is the sibling of the
// version path of the base URL given to WithBaseURL.
func TestOAuthRoot(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		BaseURL:                           "https://api.ownerrez.com",
		"https://api.ownerrez.com/v2/":    "https://api.ownerrez.com",
		"http://127.0.0.1:8080/v2":        "http://127.0.0.1:8080",
		"https://proxy.example/orez/v2":   "https://proxy.example/orez",
		"https://proxy.example/orez/v2/?": "https://proxy.example/orez?",
	}
	for in, want := range tests {
		assert.Equal(t, want, oauthRoot(in), in)
	}
}
