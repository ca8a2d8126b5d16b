package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// revokeSecret is a token that an endpoint takes in its path, with a slash
// and a plus so that its escaped forms differ from it.
const revokeSecret = "at_path/secret+1"

// revokePath is the request path holding revokeSecret, escaped as a
// provider package escapes a path segment.
var revokePath = "/oauth/access_token/" + url.PathEscape(revokeSecret)

// revokeSecretForms are the spellings of revokeSecret that must never be seen.
var revokeSecretForms = []string{
	revokeSecret, url.PathEscape(revokeSecret), url.QueryEscape(revokeSecret),
	"at_path", "secret+1", "secret%2B1", // either half, in case a text splits it
}

// assertNoSecret fails when s holds any spelling of revokeSecret.
func assertNoSecret(t *testing.T, s, what string) {
	t.Helper()
	for _, f := range revokeSecretForms {
		assert.NotContains(t, s, f, "%s leaks the secret: %s", what, s)
	}
}

// errorTexts returns every way a caller may print err.
func errorTexts(err error) []string {
	return []string{err.Error(), fmt.Sprint(err), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err)}
}

func TestRedactor_text(t *testing.T) {
	t.Parallel()
	none := redactor{}
	sec := newRedactor([]string{"", revokeSecret, "tok-2"})
	tests := map[string]struct {
		r       redactor
		in, out string
	}{
		"no url":              {none, "no url", "no url"},
		"url kept":            {none, "GET http://h/p", "GET http://h/p"},
		"query cut":           {none, "GET http://h/p?token=s", "GET http://h/p"},
		"quoted url":          {none, `Get "http://h/p?token=s": EOF`, `Get "http://h/p": EOF`},
		"fragment and status": {none, "a https://h/x#frag?y b http://h/z?q=1 (status: 500)", "a https://h/x b http://h/z (status: 500)"},
		"zero redactor keeps values": {
			none, "DELETE /oauth/access_token/" + revokeSecret, "DELETE /oauth/access_token/" + revokeSecret,
		},
		"raw value":     {sec, "DELETE /oauth/access_token/" + revokeSecret, "DELETE /oauth/access_token/REDACTED"},
		"path escaped":  {sec, "DELETE http://h" + revokePath, "DELETE http://h/oauth/access_token/REDACTED"},
		"query escaped": {sec, "x=" + url.QueryEscape(revokeSecret), "x=REDACTED"},
		"query value":   {sec, `"http://h/p?t=` + url.QueryEscape(revokeSecret) + `"`, `"http://h/p"`},
		"odd escaping":  {sec, `Delete "http://h/oauth/access_token/at%5Fpath%2Fsecret%2b1": EOF`, `Delete "http://h/oauth/access_token/REDACTED": EOF`},
		"two values":    {sec, "tok-2 and " + revokeSecret, "REDACTED and REDACTED"},
		"in host":       {sec, "https://tok-2.example.com/x", "https://REDACTED.example.com/x"},
		"other paths":   {sec, "GET http://h/a%2Fb/c", "GET http://h/a%2Fb/c"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.out, tt.r.text(tt.in))
		})
	}
}

func TestRedactor_url(t *testing.T) {
	t.Parallel()
	r := newRedactor([]string{revokeSecret})
	tests := map[string]struct{ in, want string }{
		"escaped segment":    {"https://u:p@h/oauth/access_token/" + url.PathEscape(revokeSecret) + "?q=1#f", "https://h/oauth/access_token/REDACTED"},
		"lower-case escapes": {"https://h/oauth/access_token/at_path%2fsecret%2b1", "https://h/oauth/access_token/REDACTED"},
		"needless escapes":   {"https://h/oauth/access_token/at%5Fpath%2Fsecret%2B1/x", "https://h/oauth/access_token/REDACTED/x"},
		"other escapes kept": {"https://h/a%2Fb/" + url.PathEscape(revokeSecret), "https://h/a%2Fb/REDACTED"},
		"no secret":          {"https://h/a%2Fb?x=1", "https://h/a%2Fb"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.urlString(u))
		})
	}
}

// TestClient_Do_redact drives each place a request URL can surface, with
// Request.Redact holding a token in the path and debug logging on, and
// checks that the token shows nowhere: not in Error.URL, Error(), a wrapped
// *url.Error, the request line of any error, a decode error, nor any log
// record.
func TestClient_Do_redact(t *testing.T) {
	t.Parallel()
	echo := func(status int) http.HandlerFunc {
		// The server echoes the path in its message, as some do.
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"code":"c","message":"no token at %s"}`, r.URL.Path)
		}
	}
	decoder := func(resp *http.Response, body []byte) error {
		var env struct{ Code, Message string }
		if err := json.Unmarshal(body, &env); err != nil {
			return &Error{Err: err}
		}
		return &Error{Code: env.Code, Message: env.Message,
			Err: fmt.Errorf("wrapped cause naming %s", resp.Request.URL)}
	}

	t.Run("api error", func(t *testing.T) {
		t.Parallel()
		var logs syncBuffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, srv := setup(t, Config{Logger: logger, RetryMax: 2, DecodeError: decoder}, echo(http.StatusServiceUnavailable))
		resp, err := c.Do(context.Background(), Request{Method: http.MethodDelete, Path: revokePath, Redact: []string{revokeSecret}}, nil)
		require.Error(t, err)
		require.NotNil(t, resp)
		assert.Contains(t, string(resp.Body), revokeSecret, "the response itself is kept as sent")

		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, srv.URL+"/oauth/access_token/REDACTED", apiErr.URL)
		assert.Equal(t, "no token at /oauth/access_token/REDACTED", apiErr.Message)
		assert.Equal(t, 3, apiErr.Attempts)
		assert.Equal(t, "api: DELETE /oauth/access_token/REDACTED: 503 c: no token at /oauth/access_token/REDACTED (after 3 attempts): wrapped cause naming "+srv.URL+"/oauth/access_token/REDACTED", err.Error())
		for _, s := range append(errorTexts(err), apiErr.URL, apiErr.Code, apiErr.Message, apiErr.Error(), apiErr.Err.Error()) {
			assertNoSecret(t, s, "API error")
		}

		out := logs.String()
		assert.Contains(t, out, "retrying request", "a retry was logged")
		assert.Contains(t, out, "/oauth/access_token/REDACTED", "logs name the request")
		assertNoSecret(t, out, "log output")
	})

	t.Run("transport error", func(t *testing.T) {
		t.Parallel()
		var logs syncBuffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		base := closedAddr(t)
		c, err := New(Config{BaseURL: base, Logger: logger, RetryMax: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
		require.NoError(t, err)
		_, err = c.Do(context.Background(), Request{Method: http.MethodDelete, Path: revokePath, Query: url.Values{"also": {revokeSecret}}, Redact: []string{revokeSecret}}, nil)
		require.Error(t, err)

		var ue *url.Error
		require.ErrorAs(t, err, &ue)
		assert.Equal(t, base+"/oauth/access_token/REDACTED", ue.URL)
		assert.True(t, strings.HasPrefix(err.Error(), "api: DELETE /oauth/access_token/REDACTED: giving up after 2 attempts: "), err.Error())
		for _, s := range append(errorTexts(err), ue.Error()) {
			assertNoSecret(t, s, "transport error")
		}
		out := logs.String()
		assert.Contains(t, out, "request failed")
		assert.Contains(t, out, "retrying request")
		assertNoSecret(t, out, "log output")
	})

	t.Run("redirect off origin", func(t *testing.T) {
		t.Parallel()
		c, _ := setup(t, Config{RetryMax: -1}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.example"+r.URL.EscapedPath(), http.StatusFound)
		}))
		_, err := c.Do(context.Background(), Request{Method: http.MethodDelete, Path: revokePath, Redact: []string{revokeSecret}}, nil)
		require.ErrorIs(t, err, ErrForeignURL)
		var ue *url.Error
		require.ErrorAs(t, err, &ue)
		assert.Equal(t, "https://elsewhere.example/oauth/access_token/REDACTED", ue.URL)
		for _, s := range errorTexts(err) {
			assertNoSecret(t, s, "redirect error")
		}
	})

	t.Run("decode error", func(t *testing.T) {
		t.Parallel()
		c, srv := setup(t, Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"ok": `+revokeSecret+`}`)
		}))
		_, err := c.Do(context.Background(), Request{Method: http.MethodDelete, Path: revokePath, Redact: []string{revokeSecret}}, &struct{}{})
		var de *DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, srv.URL+"/oauth/access_token/REDACTED", de.URL)
		assert.Equal(t, "api: DELETE /oauth/access_token/REDACTED: decode response: invalid JSON (at byte 8)", err.Error())
		for _, s := range errorTexts(err) {
			assertNoSecret(t, s, "decode error")
		}
	})

	t.Run("error texts of hooks", func(t *testing.T) {
		t.Parallel()
		// An Authenticator and an ErrorDecoder are the caller's code: the
		// texts of their errors are redacted too.
		auth := AuthFunc(func(_ context.Context, req *http.Request) error {
			return fmt.Errorf("no credential for %s", req.URL.Path)
		})
		c, _ := setup(t, Config{Auth: auth}, echo(http.StatusOK))
		_, err := c.Do(context.Background(), Request{Method: http.MethodDelete, Path: revokePath, Redact: []string{revokeSecret}}, nil)
		require.Error(t, err)
		assert.Equal(t, "api: DELETE /oauth/access_token/REDACTED: authenticate: no credential for /oauth/access_token/REDACTED", err.Error())
		for _, s := range errorTexts(err) {
			assertNoSecret(t, s, "authenticate error")
		}

		wrapping := func(resp *http.Response, _ []byte) error {
			return fmt.Errorf("provider refused %s: %w", resp.Request.URL.Path, &Error{Code: "c"})
		}
		c, _ = setup(t, Config{DecodeError: wrapping, RetryMax: -1}, echo(http.StatusBadRequest))
		_, err = c.Do(context.Background(), Request{Method: http.MethodDelete, Path: revokePath, Redact: []string{revokeSecret}}, nil)
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr, "the *Error stays reachable")
		assert.True(t, strings.HasPrefix(err.Error(), "provider refused /oauth/access_token/REDACTED: "), err.Error())
		assert.True(t, strings.HasSuffix(apiErr.URL, "/oauth/access_token/REDACTED"), apiErr.URL)
		for _, s := range errorTexts(err) {
			assertNoSecret(t, s, "decoder error")
		}
	})

	t.Run("unredacted request is unchanged", func(t *testing.T) {
		t.Parallel()
		c, srv := setup(t, Config{RetryMax: -1}, echo(http.StatusNotFound))
		_, err := c.Do(context.Background(), Request{Method: http.MethodDelete, Path: revokePath}, nil)
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, srv.URL+revokePath, apiErr.URL, "without Redact the URL is only stripped of its query")
		assert.Same(t, apiErr, err, "nothing wraps the *Error")
	})
}

// TestClient_Do_redactSent checks that Redact changes only what is
// reported, never the request sent.
func TestClient_Do_redactSent(t *testing.T) {
	t.Parallel()
	h := &counter{replies: []reply{{status: http.StatusNoContent}}}
	c, _ := setup(t, Config{}, h)
	_, err := c.Do(context.Background(), Request{Method: http.MethodDelete, Path: revokePath, Query: url.Values{"t": {revokeSecret}}, Redact: []string{revokeSecret}}, nil)
	require.NoError(t, err)
	require.Len(t, h.reqs, 1)
	assert.Equal(t, revokePath, h.reqs[0].URL.EscapedPath())
	assert.Equal(t, revokeSecret, h.reqs[0].URL.Query().Get("t"))
}

func TestRedactedError(t *testing.T) {
	t.Parallel()
	cause := errors.New("cause naming " + revokeSecret)
	r := newRedactor([]string{revokeSecret})
	err := r.err(fmt.Errorf("outer: %w", cause))
	assert.Equal(t, "outer: cause naming REDACTED", err.Error())
	require.ErrorIs(t, err, cause, "the cause stays reachable")
	for _, s := range errorTexts(err) {
		assertNoSecret(t, s, "redacted error")
	}

	clean := errors.New("nothing secret")
	assert.Same(t, clean, r.err(clean), "an error without the value is not wrapped")
	assert.NoError(t, r.err(nil))
}

// echoedSecret is a credential with characters that every encoding spells
// differently: a slash, a plus, an ampersand and angle brackets.
const echoedSecret = "sk/live+ab&<c>=1"

// spellings returns every form in which secret may be echoed and must
// never be seen.
func spellings(secret string) []string {
	htmlJSON, _ := json.Marshal(secret)
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	plainJSON := strings.TrimSpace(b.String())
	return []string{
		secret, url.PathEscape(secret), url.QueryEscape(secret),
		string(htmlJSON[1 : len(htmlJSON)-1]), plainJSON[1 : len(plainJSON)-1],
		strings.ReplaceAll(plainJSON[1:len(plainJSON)-1], "/", `\/`),
	}
}

// echoCredentials answers status with an error that echoes every credential
// the request carried (user-api-key, the Authorization header and what it
// encodes, a client_secret form field) in every part of the answer: the
// code, message, doc URL and details of the envelope, query- and
// JSON-escaped, PHP's "\/" spelling, and a response header. A request to
// tokenPath with the right client secret gets a token instead.
func echoCredentials(status int, tokenPath, clientSecret, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		if r.URL.Path == tokenPath && form.Get("client_secret") == clientSecret {
			writeJSON(w, map[string]any{"access_token": token, "token_type": "bearer", "expires_in": 3600})
			return
		}
		var creds []string
		for _, v := range []string{r.Header.Get("user-api-key"), r.Header.Get("Authorization"), form.Get("client_secret")} {
			if v != "" {
				creds = append(creds, v)
			}
		}
		if scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
			creds = append(creds, cred)
			if scheme == "Basic" {
				if _, pass, ok := r.BasicAuth(); ok {
					creds = append(creds, pass)
				}
			}
		}
		all := strings.Join(creds, " ")
		var plain strings.Builder
		enc := json.NewEncoder(&plain)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(all)
		php := strings.ReplaceAll(strings.TrimSpace(plain.String()), "/", `\/`)
		env, _ := json.Marshal(map[string]any{
			"code":    "invalid_key_" + all,
			"message": "Invalid api key: " + all + " (" + url.QueryEscape(all) + ")",
			"doc_url": "https://docs.example.com/errors/" + url.PathEscape(all),
			"details": map[string]any{"key": []string{"is not " + all}},
		})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+all+`"`)
		w.WriteHeader(status)
		fmt.Fprintf(w, `%s,"php":%s}`, env[:len(env)-1], php)
	})
}

// envelopeDecoder reads echoCredentials' envelope into an *Error, as a
// provider's ErrorDecoder does, and wraps a cause quoting the message.
func envelopeDecoder(resp *http.Response, body []byte) error {
	var env struct {
		Code, Message string
		DocURL        string `json:"doc_url"`
		Details       json.RawMessage
	}
	_ = json.Unmarshal(body, &env)
	return &Error{
		StatusCode: resp.StatusCode, Code: env.Code, Message: env.Message, DocURL: env.DocURL,
		Details: env.Details, Err: errors.New("provider says: " + env.Message),
	}
}

// TestClient_Do_echoedSecrets checks that a credential the server echoes in
// its error answer appears in no error text, no field of the *Error and no
// log record, for every Authenticator and every token a ClientCredentials
// sends or fetches.
func TestClient_Do_echoedSecrets(t *testing.T) {
	t.Parallel()
	const (
		tokenPath = "/v1/accessTokens"
		fetched   = "at/fetched+tok<1>"
	)
	basicB64 := base64.StdEncoding.EncodeToString([]byte("user@example.com:" + echoedSecret))
	tests := []struct {
		name    string
		auth    func(base *Client) Authenticator
		status  int
		secrets []string // what must not be seen, besides echoedSecret
	}{
		{"header key", func(*Client) Authenticator { return HeaderKey("user-api-key", echoedSecret) }, 401, nil},
		{"bearer token", func(*Client) Authenticator { return Bearer(echoedSecret) }, 401, nil},
		{"basic password", func(*Client) Authenticator { return Basic("user@example.com", echoedSecret) }, 401,
			[]string{basicB64, strings.TrimRight(basicB64, "=")}},
		{"basic key as user", func(*Client) Authenticator { return Basic(echoedSecret, "") }, 401,
			[]string{base64.StdEncoding.EncodeToString([]byte(echoedSecret + ":"))}},
		{"client secret refused", func(base *Client) Authenticator {
			cc, err := NewClientCredentials(base, ClientCredentialsConfig{TokenURL: tokenPath, ClientID: "1", ClientSecret: echoedSecret})
			require.NoError(t, err)
			return cc
		}, 401, nil},
		{"fetched token echoed", func(base *Client) Authenticator {
			cc, err := NewClientCredentials(base, ClientCredentialsConfig{TokenURL: tokenPath, ClientID: "1", ClientSecret: "right/secret"})
			require.NoError(t, err)
			return cc
		}, 400, []string{fetched, "right/secret"}},
		{"fetched token echoed on 403, refetched", func(base *Client) Authenticator {
			cc, err := NewClientCredentials(base, ClientCredentialsConfig{TokenURL: tokenPath, ClientID: "1", ClientSecret: "right/secret"})
			require.NoError(t, err)
			return cc
		}, 403, []string{fetched, "right/secret"}},
		{"initial token echoed", func(base *Client) Authenticator {
			cc, err := NewClientCredentials(base, ClientCredentialsConfig{
				TokenURL: tokenPath, ClientID: "1", ClientSecret: "other/secret", InitialToken: Token{AccessToken: echoedSecret},
			})
			require.NoError(t, err)
			return cc
		}, 400, []string{"other/secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs syncBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			// The token endpoint accepts "right/secret" and issues fetched.
			h := echoCredentials(tt.status, tokenPath, "right/secret", fetched)
			base, _ := setup(t, Config{Logger: logger, RetryMax: 1, DecodeError: envelopeDecoder}, h)
			c := base.WithAuth(tt.auth(base))

			resp, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/webhooks", Body: map[string]string{"a": "b"}}, nil)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Contains(t, apiErr.Message, "Invalid api key: ", "the message is kept, but for the secret")
			assert.Contains(t, string(apiErr.Body), redactedMark)
			assert.True(t, json.Valid(apiErr.Body), "the redacted body stays JSON: %s", apiErr.Body)
			assert.True(t, json.Valid(apiErr.Details), "the redacted details stay JSON: %s", apiErr.Details)

			texts := errorTexts(err)
			texts = append(texts, apiErr.Code, apiErr.Message, apiErr.DocURL, apiErr.URL, string(apiErr.Details), string(apiErr.Body),
				fmt.Sprint(apiErr.Header), apiErr.Err.Error(), logs.String())
			for _, secret := range append([]string{echoedSecret}, tt.secrets...) {
				for _, form := range spellings(secret) {
					for _, s := range texts {
						assert.NotContains(t, s, form, "secret %q leaks", secret)
					}
				}
			}
			// What the server sent is kept as received in the Response,
			// which provider packages decode and never show. A refused
			// token request leaves no Response for the API request.
			if resp != nil {
				assert.NotContains(t, string(resp.Body), redactedMark)
				assert.NotContains(t, resp.Header.Get("WWW-Authenticate"), redactedMark)
			}
		})
	}
}

// TestClient_Do_echoedSecretsDecodeError checks that a 2xx body whose
// decoding fails while quoting a credential yields a *DecodeError without
// it.
func TestClient_Do_echoedSecretsDecodeError(t *testing.T) {
	t.Parallel()
	c, _ := setup(t, Config{Auth: Bearer(echoedSecret)}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		writeJSON(w, map[string]string{"v": tok})
	}))
	var out struct {
		V secretUnmarshaler `json:"v"`
	}
	_, err := c.Do(context.Background(), Request{Path: "/x"}, &out)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	for _, s := range append(errorTexts(err), de.Err.Error(), de.Field) {
		for _, form := range spellings(echoedSecret) {
			assert.NotContains(t, s, form)
		}
	}
}

// TestResponse_RedactError checks the redaction a provider applies to an
// *Error it builds from a 2xx body.
func TestResponse_RedactError(t *testing.T) {
	t.Parallel()
	c, srv := setup(t, Config{Auth: HeaderKey("user-api-key", echoedSecret)}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]string{"status": "fail", "message": "bad key " + r.Header.Get("user-api-key")})
	}))
	resp, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
	require.NoError(t, err)
	e := &Error{StatusCode: resp.StatusCode, Message: "bad key " + echoedSecret, Body: resp.Body, URL: srv.URL + "/x?key=" + url.QueryEscape(echoedSecret)}
	resp.RedactError(e)
	assert.Equal(t, "bad key REDACTED", e.Message)
	assert.Equal(t, srv.URL+"/x", e.URL)
	assert.JSONEq(t, `{"status":"fail","message":"bad key REDACTED"}`, string(e.Body))
	assert.NotContains(t, string(resp.Body), redactedMark, "the response is not modified")

	var nilResp *Raw
	nilResp.RedactError(e) // no panic
	resp.RedactError(nil)
}
