package hostaway

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The credentials the fake Hostaway API accepts.
const (
	testAccountID = "10450"
	testSecret    = "client-secret-7d1f"
)

// fakeHostaway is an in-memory Hostaway API speaking the documented
// envelopes: the client-credentials token endpoint, unified webhooks CRUD and
// unified webhook logs. It rejects a token younger than activation and, once
// expireTokens is called, every token issued before.
type fakeHostaway struct {
	t          *testing.T
	activation time.Duration
	url        string // the base URL setup gave the client

	mu       sync.Mutex
	tokens   map[string]time.Time // token -> issued at
	nextTok  int
	hooks    map[int64]map[string]any
	nextHook int64
	logs     []map[string]any
	requests []recordedRequest
	scripts  map[string][]scripted // "METHOD path" -> forced replies, in order
}

type recordedRequest struct {
	Method, Path, Auth string
	Query              map[string][]string
	Header             http.Header
	Body               []byte
}

// scripted is a forced reply.
type scripted struct {
	status int
	header map[string]string
	body   string
}

func newFakeHostaway(t *testing.T) *fakeHostaway {
	return &fakeHostaway{t: t, tokens: map[string]time.Time{}, hooks: map[int64]map[string]any{}, nextHook: 100, scripts: map[string][]scripted{}}
}

// setup starts the fake on loopback and returns a Client for it with fast
// retries and no token activation delay, unless opts say otherwise.
func setup(t *testing.T, opts ...ClientOption) (*Client, *fakeHostaway) {
	t.Helper()
	f := newFakeHostaway(t)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.url = srv.URL + "/v1"
	all := append([]ClientOption{WithBaseURL(f.url), fastRetries(0)}, opts...)
	c, err := NewClient(ClientCredentials(testAccountID, testSecret), all...)
	require.NoError(t, err)
	return c, f
}

// fastRetries makes retry waits tiny and sets the token activation delay.
func fastRetries(activation time.Duration) ClientOption {
	return func(c *clientConfig) {
		c.RetryWaitMin, c.RetryWaitMax = time.Millisecond, 5*time.Millisecond
		c.activationDelay = activation
	}
}

// script forces the next replies to "METHOD path".
func (f *fakeHostaway) script(route string, replies ...scripted) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[route] = append(f.scripts[route], replies...)
}

// issue registers tok as a token issued long ago, such as one a program
// saved from Client.Token.
func (f *fakeHostaway) issue(tok string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens[tok] = time.Now().Add(-time.Hour)
}

func (f *fakeHostaway) expireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.tokens)
}

// count returns how many requests matched "METHOD path".
func (f *fakeHostaway) count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if r.Method+" "+r.Path == route {
			n++
		}
	}
	return n
}

func (f *fakeHostaway) recorded(route string) []recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recordedRequest
	for _, r := range f.requests {
		if r.Method+" "+r.Path == route {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeHostaway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	route := r.Method + " " + r.URL.Path
	f.mu.Lock()
	f.requests = append(f.requests, recordedRequest{
		Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"),
		Query: r.URL.Query(), Header: r.Header.Clone(), Body: body,
	})
	var forced *scripted
	if s := f.scripts[route]; len(s) > 0 {
		forced = &s[0]
		f.scripts[route] = s[1:]
	}
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if forced != nil {
		for k, v := range forced.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(forced.status)
		io.WriteString(w, forced.body)
		return
	}
	if route == "POST /v1/accessTokens" {
		f.token(w, r, body)
		return
	}
	if !f.authorized(r) {
		fail(w, http.StatusForbidden, "Access denied")
		return
	}
	f.api(w, r, route, body)
}

func fail(w http.ResponseWriter, status int, msg string) {
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"status":"fail","result":%q}`, msg)
}

func success(w http.ResponseWriter, result any, paging string) {
	b, _ := json.Marshal(result)
	fmt.Fprintf(w, `{"status":"success","result":%s%s}`, b, paging)
}

// token implements POST /v1/accessTokens as documented.
func (f *fakeHostaway) token(w http.ResponseWriter, r *http.Request, body []byte) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		fail(w, http.StatusBadRequest, "form expected")
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("grant_type") != "client_credentials" || form.Get("scope") != "general" {
		fail(w, http.StatusBadRequest, "invalid grant")
		return
	}
	if form.Get("client_id") != testAccountID || form.Get("client_secret") != testSecret {
		fail(w, http.StatusUnauthorized, "Invalid client credentials")
		return
	}
	f.mu.Lock()
	f.nextTok++
	tok := "jwt-" + strconv.Itoa(f.nextTok)
	f.tokens[tok] = time.Now()
	f.mu.Unlock()
	fmt.Fprintf(w, `{"token_type":"Bearer","expires_in":63072000,"access_token":%q}`, tok)
}

// authorized reports whether r carries a token that is issued, activated
// and not expired.
func (f *fakeHostaway) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if tok == "static-token" {
		return true
	}
	issued, ok := f.tokens[tok]
	return ok && time.Since(issued) >= f.activation
}

func (f *fakeHostaway) api(w http.ResponseWriter, r *http.Request, route string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	const hooks = "/v1/webhooks/unifiedWebhooks"
	switch {
	case route == "GET "+hooks:
		ids := slices.Sorted(maps.Keys(f.hooks))
		list := make([]map[string]any, 0, len(ids))
		for _, id := range ids {
			list = append(list, masked(f.hooks[id]))
		}
		success(w, list, "")
	case route == "POST "+hooks:
		var in map[string]any
		if json.Unmarshal(body, &in) != nil || in["url"] == nil {
			fail(w, http.StatusBadRequest, `The "url" parameter is required.`)
			return
		}
		id := f.nextHook
		f.nextHook++
		in["id"] = id
		f.hooks[id] = in
		success(w, masked(in), "")
	case strings.HasPrefix(r.URL.Path, hooks+"/"):
		id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, hooks+"/"), 10, 64)
		hook, ok := f.hooks[id]
		if err != nil || !ok {
			fail(w, http.StatusNotFound, "Unified webhook not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			success(w, masked(hook), "")
		case http.MethodPut:
			var in map[string]any
			if json.Unmarshal(body, &in) != nil {
				fail(w, http.StatusBadRequest, "invalid body")
				return
			}
			in["id"] = id
			f.hooks[id] = in
			success(w, masked(in), "")
		case http.MethodDelete:
			delete(f.hooks, id)
			success(w, []any{}, "")
		}
	case route == "GET /v1/unifiedWebhookLogs":
		q := r.URL.Query()
		var match []map[string]any
		for _, l := range f.logs {
			if v := q.Get("unifiedWebhookId"); v != "" && fmt.Sprint(l["webhookNotificationSettingId"]) != v {
				continue
			}
			if v := q.Get("listingMapId"); v != "" && fmt.Sprint(l["listingMapId"]) != v {
				continue
			}
			match = append(match, l)
		}
		offset, _ := strconv.Atoi(q.Get("offset"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit == 0 {
			limit = 3 // the fake's default page size
		}
		offset = min(offset, len(match))
		end := min(offset+limit, len(match))
		page := match[offset:end]
		if page == nil {
			page = []map[string]any{}
		}
		success(w, page, fmt.Sprintf(`,"limit":%d,"offset":%d,"count":%d`, limit, offset, len(match)))
	default:
		fail(w, http.StatusNotFound, "Not found")
	}
}

// masked returns the webhook as Hostaway shows it: the password masked.
func masked(hook map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range hook {
		out[k] = v
	}
	if p, ok := out["password"].(string); ok && p != "" {
		out["password"] = "****"
	}
	return out
}
