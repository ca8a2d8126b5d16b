package hostawaytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/internal/fakeapi"
)

// The credentials of the fake API: the OAuth client credentials its token
// endpoint accepts (Hostaway's client_id is the account ID), and the
// account its deliveries name.
const (
	AccountID    = "10450"
	ClientSecret = "test-client-secret"
)

// tokenLifetime is the expires_in of the fake's tokens: Hostaway's 24
// months (63072000 seconds).
const tokenLifetime = 730 * 24 * time.Hour

// tokenActivation is how long a new token needs before the fake accepts
// it, as Hostaway documents: "the token will be valid 1 second after being
// returned from the API".
const tokenActivation = time.Second

// rateLimitMessage is the body Hostaway documents for a 429.
const rateLimitMessage = "This error occurs because a server detects that your application has exceeded the rate limits or has made too many requests in a given period of time."

// Fault is one injected answer of the fake API to one request, queued
// with Server.Fail. Its fields:
//
//   - Status int: the HTTP status to answer, with Hostaway's error body for
//     it ({"status":"fail","message":...} for 429,
//     {"status":"fail","result":...} otherwise) unless Body is set.
//   - Header http.Header: added to the answer, such as Retry-After.
//   - Body string: replaces the error body; sent as JSON.
//   - Delay time.Duration: holds the answer back this long (or until the
//     request ends); a Fault with only a Delay answers normally, late.
//   - Drop bool: closes the connection without any answer, after reading
//     the request. The fake does not carry the request out, but the client
//     cannot tell whether it was.
//   - Hang bool: answers nothing until the client gives up or the server
//     closes.
type Fault = fakeapi.Fault

// Server is an in-memory Hostaway API on loopback, for tests: see the
// package documentation for the routes it serves and what it assumes where
// Hostaway's reference is silent. Its methods are safe for concurrent use.
type Server struct {
	srv     *httptest.Server
	rec     *fakeapi.Recorder
	handler http.Handler
	deliver *http.Client

	// now is the clock of tokens and record timestamps.
	now func() time.Time

	mu           sync.Mutex
	seq          int64                    // the last token number given
	tokens       map[string]time.Time     // issued, not revoked -> activation time
	hooks        map[int64]map[string]any // unified webhooks, password in clear
	logs         []map[string]any         // unified webhook logs, oldest first
	reservations map[int64]*record        // by id
	messages     map[int64]*record        // by id
	nextID       map[string]int64         // per kind of record: the next id
}

// record is a stored reservation or message: its JSON object.
type record struct {
	obj map[string]any
}

// NewServer starts a fake Hostaway API on loopback, with no webhooks,
// reservations or messages. Close it when done.
func NewServer() *Server {
	s := &Server{
		rec:          fakeapi.NewRecorder("/v1"),
		deliver:      &http.Client{Timeout: 20 * time.Second}, // Hostaway's acknowledgement window
		now:          time.Now,
		tokens:       map[string]time.Time{},
		hooks:        map[int64]map[string]any{},
		reservations: map[int64]*record{},
		messages:     map[int64]*record{},
		nextID:       map[string]int64{"hook": 1, "log": 1, "reservation": 1000, "message": 5000},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/accessTokens", s.issueToken)
	mux.HandleFunc("DELETE /v1/accessTokens", s.revokeToken)
	mux.HandleFunc("GET /v1/webhooks/unifiedWebhooks", s.authed(s.listHooks))
	mux.HandleFunc("POST /v1/webhooks/unifiedWebhooks", s.authed(s.createHook))
	mux.HandleFunc("GET /v1/webhooks/unifiedWebhooks/{id}", s.authed(s.getHook))
	mux.HandleFunc("PUT /v1/webhooks/unifiedWebhooks/{id}", s.authed(s.updateHook))
	mux.HandleFunc("DELETE /v1/webhooks/unifiedWebhooks/{id}", s.authed(s.deleteHook))
	mux.HandleFunc("GET /v1/unifiedWebhookLogs", s.authed(s.listLogs))
	mux.HandleFunc("GET /v1/reservations", s.authed(s.listReservations))
	mux.HandleFunc("GET /v1/reservations/{id}", s.authed(s.getReservation))
	mux.HandleFunc("GET /v1/conversations/{conversationId}/messages/{id}", s.authed(s.getMessage))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		fail(w, http.StatusNotFound, "Not found")
	})
	s.handler = s.rec.Wrap(mux, writeError)
	s.srv = httptest.NewServer(s.handler)
	return s
}

// URL returns the API root, version path included ("http://127.0.0.1:port/v1"),
// for hostaway.WithBaseURL.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Handler returns the fake API as an http.Handler, serving the same state
// under /v1, for a server of the caller's own (pmshooks mock). No answer
// holds the fake's own address.
func (s *Server) Handler() http.Handler { return s.handler }

// Close shuts the server down, releasing requests held by a Hang fault.
func (s *Server) Close() {
	s.rec.Close()
	s.srv.Close()
}

// Client returns a hostaway.Client for the fake: ClientCredentials with
// AccountID and ClientSecret, the base URL set to URL(), and a token the
// fake issued already (hostaway.WithToken), so that the first call does
// not wait the second a new token needs; opts come after these and may
// replace them. The client renews its token through the fake's token
// endpoint when the fake refuses it. It fails when an option is invalid.
func (s *Server) Client(opts ...hostaway.ClientOption) (*hostaway.Client, error) {
	tok := s.IssueToken()
	all := append([]hostaway.ClientOption{hostaway.WithBaseURL(s.URL()), hostaway.WithToken(tok)}, opts...)
	return hostaway.NewClient(hostaway.ClientCredentials(AccountID, ClientSecret), all...)
}

// IssueToken returns a new access token the fake accepts at once, as if it
// had been issued long ago (a token a program saved), with the fake's
// 24-month expiry. Pass it to hostaway.AccessToken or hostaway.WithToken.
func (s *Server) IssueToken() hostaway.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	return hostaway.Token{AccessToken: s.newToken(time.Time{}), Expiry: now.Add(tokenLifetime)}
}

// Fail queues faults for the route "METHOD path", path relative to URL():
// an exact path ("/reservations/7") or a route pattern
// ("/reservations/{id}", "/conversations/{conversationId}/messages/{id}",
// "/accessTokens", "/webhooks/unifiedWebhooks/{id}"). Each request to the
// route takes the next fault; once they are used up it answers normally.
// Faults of the exact path are taken before those of its pattern.
func (s *Server) Fail(method, path string, faults ...Fault) {
	s.rec.Fail(method, path, faults...)
}

// Requests returns how many requests reached the route "METHOD path", an
// exact path or a pattern as in Fail, faulted ones included.
func (s *Server) Requests(method, path string) int {
	return s.rec.Requests(method, path)
}

// newToken stores and returns a new token usable from activeAt. The caller
// holds s.mu.
func (s *Server) newToken(activeAt time.Time) string {
	s.seq++
	tok := "hostawaytest-token-" + strconv.FormatInt(s.seq, 10)
	s.tokens[tok] = activeAt
	return tok
}

// issueToken serves POST /v1/accessTokens: the client-credentials grant,
// form-encoded, as Hostaway documents it.
func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		fail(w, http.StatusBadRequest, "The request must be application/x-www-form-urlencoded.")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(w, http.StatusBadRequest, "The request body is not a valid form.")
		return
	}
	switch {
	case r.PostForm.Get("grant_type") != "client_credentials":
		fail(w, http.StatusBadRequest, `The "grant_type" parameter must be client_credentials.`)
		return
	case r.PostForm.Get("scope") != "general":
		fail(w, http.StatusBadRequest, `The "scope" parameter must be general.`)
		return
	case r.PostForm.Get("client_id") != AccountID || r.PostForm.Get("client_secret") != ClientSecret:
		fail(w, http.StatusUnauthorized, "Client authentication failed.")
		return
	}
	s.mu.Lock()
	tok := s.newToken(s.now().Add(tokenActivation))
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type":   "Bearer",
		"expires_in":   int64(tokenLifetime / time.Second),
		"access_token": tok,
	})
}

// revokeToken serves DELETE /v1/accessTokens?token=...
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if tok == "" {
		fail(w, http.StatusBadRequest, `The "token" parameter is required.`)
		return
	}
	s.mu.Lock()
	_, ok := s.tokens[tok]
	delete(s.tokens, tok)
	s.mu.Unlock()
	if !ok {
		fail(w, http.StatusNotFound, "Token not found.")
		return
	}
	success(w, []any{}, nil)
}

// authed admits requests that carry a token the fake issued, activated
// and not revoked: 401 without a bearer token, 403 (Hostaway's answer to
// an expired token) for any other token.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			fail(w, http.StatusUnauthorized, "Unauthorized.")
			return
		}
		s.mu.Lock()
		activeAt, ok := s.tokens[tok]
		ok = ok && !s.now().Before(activeAt)
		s.mu.Unlock()
		if !ok {
			fail(w, http.StatusForbidden, "Access denied.")
			return
		}
		h(w, r)
	}
}

// writeError is the fake's answer for a Fault's status: Hostaway's 429
// body for 429, its failure envelope otherwise.
func writeError(w http.ResponseWriter, status int) {
	if status == http.StatusTooManyRequests {
		writeJSON(w, status, map[string]any{"status": "fail", "message": rateLimitMessage})
		return
	}
	fail(w, status, http.StatusText(status))
}

// fail writes Hostaway's failure envelope, {"status":"fail","result":msg}.
func fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": "fail", "result": msg})
}

// success writes Hostaway's success envelope around result, with the
// pagination members of paging, if any.
func success(w http.ResponseWriter, result any, paging map[string]any) {
	env := map[string]any{"status": "success", "result": result}
	for k, v := range paging {
		env[k] = v
	}
	writeJSON(w, http.StatusOK, env)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decodeObject reads a JSON object, numbers kept as json.Number.
func decodeObject(r io.Reader) (map[string]any, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	return obj, nil
}

// intOf reads an id or flag as Hostaway sends them: a number, a numeric
// string or a bool.
func intOf(v any) (int64, bool) {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, true
		}
		f, err := v.Float64()
		return int64(f), err == nil && f == float64(int64(f))
	case float64:
		return int64(v), v == float64(int64(v))
	case int:
		return int64(v), true
	case int64:
		return v, true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return n, err == nil
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// textOf reads a text member; "" for null, absent or not a string.
func textOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}

// pathID parses the path value name as a positive id; it answers 404 and
// reports false when it is none.
func pathID(w http.ResponseWriter, r *http.Request, name, what string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		fail(w, http.StatusNotFound, what+" not found.")
		return 0, false
	}
	return id, true
}

// queryInt parses the query parameter name as a non-negative integer; ""
// gives def.
func queryInt(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("the %q parameter must be a non-negative integer", name)
	}
	return n, nil
}

// clone returns a deep copy of a JSON object.
func clone(obj map[string]any) map[string]any {
	b, _ := json.Marshal(obj)
	out, _ := decodeObject(bytes.NewReader(b))
	return out
}

// timestamp formats t as Hostaway does: "YYYY-MM-DD HH:MM:SS", UTC.
func timestamp(t time.Time) string { return t.UTC().Format(time.DateTime) }
