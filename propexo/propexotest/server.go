package propexotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pmshooks/pmshooks/internal/fakeapi"
	"github.com/pmshooks/pmshooks/propexo"
)

// The fixed credentials and integration of every Server.
const (
	// APIKey is the only API key a Server accepts, as "Authorization:
	// Bearer test-api-key".
	APIKey = "test-api-key"
	// IntegrationID is the integration of the records, job logs, data diffs
	// and deliveries a Server makes up, unless a stored record or log names
	// another.
	IntegrationID = "clfakeintegration00000001"
	// Vendor is the property management system of IntegrationID: SAMPLE1,
	// one of the sample systems of Propexo's sandbox.
	Vendor = propexo.VendorSample1
)

// RateLimit is the x-ratelimit-limit a Server reports, Propexo's default
// budget per minute. The Server counts requests per minute in
// x-ratelimit-remaining but never refuses one for it: use Fail to answer
// 429.
const RateLimit = 150

// Fault is one injected answer to one request, queued with Server.Fail. Its
// fields:
//   - Status int: the HTTP status to answer, with Propexo's error body for
//     it ({"error": {"code", "message"}}) unless Body is set.
//   - Header http.Header: added to the answer, such as Retry-After.
//   - Body string: replaces the error body; sent as JSON.
//   - Delay time.Duration: holds the answer back this long (or until the
//     request ends); a Fault with only a Delay answers normally, late.
//   - Drop bool: closes the connection after reading the request, without
//     any answer.
//   - Hang bool: answers nothing until the client gives up or the Server
//     closes.
//
// Delay applies first; then exactly one of Hang, Drop and Status.
type Fault = fakeapi.Fault

// Server is a fake Propexo API on a loopback port, with state: webhook
// configurations created through the API, records of every model, job
// logs, write statuses and data diffs put by the test, and Deliver, which
// sends signed webhooks to the subscribed URLs. See the package doc for
// the routes it serves. Its methods are safe for concurrent use.
type Server struct {
	srv     *httptest.Server
	rec     *fakeapi.Recorder
	handler http.Handler
	hc      *http.Client

	mu       sync.Mutex
	now      func() time.Time
	seq      int
	minute   time.Time
	used     int
	webhooks map[string]*webhook
	records  map[propexo.Model]map[string]*record
	jobLogs  []*jobLog
	writes   map[string]*writeStatus
	diffs    []*dataDiff
}

// NewServer starts a Server on a loopback port. Close it when done.
func NewServer() *Server {
	s := &Server{
		rec:      fakeapi.NewRecorder("/v1"),
		hc:       &http.Client{Timeout: 30 * time.Second},
		now:      time.Now,
		webhooks: map[string]*webhook{},
		records:  map[propexo.Model]map[string]*record{},
		writes:   map[string]*writeStatus{},
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.rec.Wrap(mux, writeStatusError)
	s.srv = httptest.NewServer(s.handler)
	return s
}

// URL returns the root of the fake API, version path included (it ends in
// "/v1"), for propexo.WithBaseURL.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Handler returns the fake API as a handler, its root at "/v1", to serve
// on a listener of your own (as pmshooks mock does). It shares the
// Server's state. Propexo's answers hold no URL, so nothing depends on
// the host it is served on.
func (s *Server) Handler() http.Handler { return s.handler }

// Client returns a propexo.Client for the Server: APIKey, the base URL
// URL(), and retries that wait 1 to 10 ms instead of 0.5 to 30 s, so that
// tests of 5xx answers are quick; opts are applied after these and may
// replace them.
func (s *Server) Client(opts ...propexo.ClientOption) (*propexo.Client, error) {
	all := append([]propexo.ClientOption{
		propexo.WithBaseURL(s.URL()),
		propexo.WithRetryWait(time.Millisecond, 10*time.Millisecond),
	}, opts...)
	c, err := propexo.NewClient(propexo.APIKey(APIKey), all...)
	if err != nil {
		return nil, fmt.Errorf("propexotest: client: %w", err)
	}
	return c, nil
}

// Close shuts the Server down, releasing requests held by a Hang fault.
func (s *Server) Close() {
	s.rec.Close()
	s.srv.Close()
}

// Fail queues faults for the route "method path", path relative to URL():
// an exact path ("/leases/lease-1") or the pattern of a route the package
// doc lists ("/leases/{id}", "/webhooks/{$}"). Each request to the route
// takes the next fault; once they are used up it answers normally. Faults
// on the exact path are taken before those on its pattern.
func (s *Server) Fail(method, path string, faults ...Fault) { s.rec.Fail(method, path, faults...) }

// Requests returns how many requests reached the route "method path" (an
// exact path or a pattern, relative to URL()), faulted and refused ones
// included.
func (s *Server) Requests(method, path string) int { return s.rec.Requests(method, path) }

// routes registers every route the package doc lists.
func (s *Server) routes(mux *http.ServeMux) {
	h := func(pattern string, f http.HandlerFunc) { mux.Handle(pattern, s.authorized(f)) }
	h("GET /v1/webhooks/{$}", s.listWebhooks)
	h("POST /v1/webhooks/{$}", s.createWebhook)
	h("GET /v1/webhooks/{webhook_id}", s.getWebhook)
	h("PUT /v1/webhooks/{webhook_id}", s.updateWebhook)
	h("DELETE /v1/webhooks/{webhook_id}", s.deleteWebhook)
	for _, m := range propexo.RecordModels() {
		h("GET /v1"+m.RecordPath()+"{id}", s.getRecord(m))
	}
	h("GET /v1/admin/data-diffs/{$}", s.listDataDiffs)
	h("GET /v1/admin/logs/jobs/{$}", s.listJobLogs)
	h("GET /v1/admin/logs/jobs/{id}", s.listJobLogsForJob)
	h("GET /v1/admin/job-logs/{job_log_id}/{$}", s.getJobLog)
	h("GET /v1/admin/write-status/{root_job_id}", s.getWriteStatus)
	mux.Handle("/", s.authorized(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such route", nil)
	}))
}

// authorized checks the API key, counts the request against the minute's
// budget and sets the rate-limit headers, then runs next.
func (s *Server) authorized(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if m := s.now().Truncate(time.Minute); !m.Equal(s.minute) {
			s.minute, s.used = m, 0
		}
		s.used++
		remaining := max(RateLimit-s.used, 0)
		s.mu.Unlock()
		w.Header().Set("x-ratelimit-limit", strconv.Itoa(RateLimit))
		w.Header().Set("x-ratelimit-remaining", strconv.Itoa(remaining))
		if r.Header.Get("Authorization") != "Bearer "+APIKey {
			writeError(w, http.StatusUnauthorized, "unauthorized", "invalid or missing API key", nil)
			return
		}
		next(w, r)
	})
}

// errorCodes are the error codes the Server answers with, by status.
// Propexo's reference documents only invalid_request (400).
var errorCodes = map[int]string{
	http.StatusBadRequest:          "invalid_request",
	http.StatusUnauthorized:        "unauthorized",
	http.StatusNotFound:            "not_found",
	http.StatusTooManyRequests:     "rate_limit_exceeded",
	http.StatusInternalServerError: "internal_server_error",
	http.StatusServiceUnavailable:  "service_unavailable",
}

// writeStatusError writes Propexo's error envelope for status, for a
// fault.
func writeStatusError(w http.ResponseWriter, status int) {
	code, ok := errorCodes[status]
	if !ok {
		code = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	}
	if status == http.StatusTooManyRequests {
		w.Header().Set("x-ratelimit-limit", strconv.Itoa(RateLimit))
		w.Header().Set("x-ratelimit-remaining", "0")
	}
	writeError(w, status, code, strings.ToLower(http.StatusText(status)), nil)
}

// issue is one problem of a Zod validation report, the details Propexo
// gives a 400.
type issue struct {
	Code    string   `json:"code"`
	Path    []string `json:"path"`
	Message string   `json:"message"`
	Keys    []string `json:"keys,omitempty"`
}

// writeError writes {"error": {"code", "message", "details"}}, details
// being a ZodError report of issues when there are any.
func writeError(w http.ResponseWriter, status int, code, message string, issues []issue) {
	e := map[string]any{"code": code, "message": message}
	if len(issues) > 0 {
		e["details"] = map[string]any{"details": map[string]any{"issues": issues, "name": "ZodError"}}
	}
	writeJSON(w, status, map[string]any{"error": e})
}

// badRequest writes a 400 with one issue about the field at path.
func badRequest(w http.ResponseWriter, code, message string, path ...string) {
	if path == nil {
		path = []string{}
	}
	writeError(w, http.StatusBadRequest, "invalid_request", "invalid request",
		[]issue{{Code: code, Path: path, Message: message}})
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// timestamp writes t as Propexo does: UTC, milliseconds, "Z".
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// nullable is s, or nil (JSON null) when s is "".
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// newID returns a new id of Propexo's form (25 characters, a cuid's
// length), unique within the Server. The caller holds s.mu.
func (s *Server) newID() string {
	s.seq++
	return fmt.Sprintf("clfake%019d", s.seq)
}

// listQuery is the paging and sorting of a list request.
type listQuery struct {
	offset, limit int
	field         string
	desc          bool
}

// parseList reads offset, limit and order-by from r; fields are the
// fields order-by may name. It writes a 400 and returns false when one is
// invalid. The default order is created_at:desc, as Propexo's.
func parseList(w http.ResponseWriter, r *http.Request, fields ...string) (listQuery, bool) {
	q := listQuery{limit: propexo.DefaultPerPage, field: "created_at", desc: true}
	v := r.URL.Query()
	if o := v.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			badRequest(w, "invalid_type", "offset must be a non-negative integer", "offset")
			return q, false
		}
		q.offset = n
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > propexo.MaxPerPage {
			badRequest(w, "too_big", "limit must be an integer from 1 to 250", "limit")
			return q, false
		}
		q.limit = n
	}
	if o := v.Get("order-by"); o != "" {
		field, dir, _ := strings.Cut(o, ":")
		if !slices.Contains(fields, field) || (dir != "" && dir != "asc" && dir != "desc") {
			badRequest(w, "invalid_enum_value", "order-by must be one of "+strings.Join(fields, ", ")+", with :asc or :desc", "order-by")
			return q, false
		}
		q.field, q.desc = field, dir == "desc"
	}
	return q, true
}

// listItem is what a list sorts on.
type listItem interface {
	sortKey(field string) string
	order() int
}

// page sorts items as q asks (ties in the order they were stored), and
// writes the page q selects with Propexo's meta.
func page[T listItem](w http.ResponseWriter, q listQuery, items []T, wire func(T) any) {
	slices.SortStableFunc(items, func(a, b T) int {
		c := strings.Compare(a.sortKey(q.field), b.sortKey(q.field))
		if c == 0 {
			c = a.order() - b.order()
		}
		if q.desc {
			c = -c
		}
		return c
	})
	total := len(items)
	from := min(q.offset, total)
	to := min(from+q.limit, total)
	results := make([]any, 0, to-from)
	for _, it := range items[from:to] {
		results = append(results, wire(it))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"meta":    meta(q, to < total, total),
		"results": results,
	})
}

// meta is Propexo's ResponseMeta.
func meta(q listQuery, hasMore bool, total int) map[string]any {
	dir := "asc"
	if q.desc {
		dir = "desc"
	}
	return map[string]any{
		"offset":  q.offset,
		"limit":   q.limit,
		"orderBy": []map[string]string{{"field": q.field, "direction": dir}},
		"hasMore": hasMore,
		"total":   total,
	}
}

// writeOne writes the answer of a get-by-id: {"meta", "results": v}.
func writeOne(w http.ResponseWriter, v any) {
	q := listQuery{limit: propexo.DefaultPerPage, field: "created_at", desc: true}
	writeJSON(w, http.StatusOK, map[string]any{"meta": meta(q, false, 1), "results": v})
}
