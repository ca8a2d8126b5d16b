// Package fakechannex is the in-memory Channex API behind
// channextest.NewServer, kept internal so that the tests of package channex
// (which channextest imports) can use it too. It serves over real HTTP (an
// httptest server on loopback, or Handler on a listener of your own) with
// Channex's documented envelopes, pagination and errors, delivers webhooks
// the way Channex does, and injects faults and counts requests through
// internal/fakeapi.
//
// Routes, under Prefix (/api/v1):
//
//	GET    /webhooks                          list (paginated)
//	POST   /webhooks                          create: 201
//	POST   /webhooks/test                     POST to the callback, answer {status_code, body}
//	GET    /webhooks/{id}                     get
//	PUT    /webhooks/{id}                     update
//	DELETE /webhooks/{id}                     delete: {"meta": {"message": "Success"}}
//	GET    /booking_revisions                 list: filter[property_id], filter[booking_id], filter[inserted_at][gte|lte|...], order[inserted_at]
//	GET    /booking_revisions/feed            unacknowledged revisions: filter[property_id], order[inserted_at]=asc
//	GET    /booking_revisions/{id}            get
//	POST   /booking_revisions/{id}/ack        acknowledge: the revision leaves the feed
//	POST   /booking_revisions/{id}/resend     remove the acknowledgement
//	GET    /bookings                          list: filter[property_id], filter[arrival_date|departure_date|inserted_at][gte|lte|...]
//	GET    /bookings/{id}                     the booking: its latest revision
//	GET    /bookings/{id}/messages            the booking's messages, newest first
//	GET    /message_threads/{id}/messages     a conversation's messages, newest first
//
// What it answers, and where that comes from:
//
//   - Every request needs the API key in the user-api-key header, else 401
//     {"errors": {"code": "unauthorized", "title": "Unauthorized"}}.
//   - Lists page with pagination[page] (1-based) and pagination[limit]
//     (default 10, at most 100) and answer {"data": [...], "meta": {"page",
//     "limit", "total"}}; the message lists add order_by and
//     order_direction to meta, as Channex's pages show.
//   - GET /booking_revisions/feed serves oldest first only with
//     order[inserted_at]=asc, newest first otherwise; GET
//     /booking_revisions, whose order Channex does not document, does the
//     same. GET /bookings serves bookings in the order they were created.
//   - A booking is its latest revision's attributes with the booking's id
//     in id, the revision's in revision_id, and the first revision's
//     inserted_at (as in Channex's examples).
//   - Filters compare as text, inserted_at as a timestamp; a filter on a
//     field the records lack matches only an empty value.
//   - POST /webhooks answers 201; GET, PUT answer {"data": {id, type,
//     attributes, relationships}}; DELETE, ack and resend answer
//     {"meta": {"message": "Success"}}.
//   - A body without the "webhook" key is a 400 whose details are an array,
//     the form Channex uses on some 400s. A blank callback_url, event_mask or
//     property_id (null without is_global) is a 422 validation_error with
//     details {field: ["can't be blank"]}. A property the key may not use is
//     a 403 forbidden. An unknown webhook is a 404 resource_not_found; an
//     unknown booking, revision or conversation a 404 not_found, titled
//     "Resouce Not Found" as in Channex's pages.
//   - POST /webhooks/test POSTs to the callback URL and answers
//     {"status_code", "body"} with what the callback answered. Channex does
//     not document what its test delivery contains; this fake sends the
//     envelope without payload and the event name "test". An unreachable
//     callback is this fake's own choice of error: 422 with details
//     {"callback_url": ["is unreachable"]}.
//   - A revision not acknowledged NonAckedAfter (30 minutes) after it was
//     stored, by the fake's clock, raises non_acked_booking when a test
//     calls CheckNonAcked: Channex sends it at the 30-minute mark, once.
//     An acknowledged revision never does, and leaves the feed.
//   - Channex's 403 for a property without the Messages app and its 422
//     not_supported are not modelled; inject them with Fail.
//
// Failures are injected per route with Fail; Requests counts what arrived.
package fakechannex

import (
	"bytes"
	"context"
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
	"sync/atomic"
	"time"

	"github.com/pmshooks/pmshooks/internal/fakeapi"
)

// Prefix is the path of the API root on the fake server, as on Channex's.
const Prefix = "/api/v1"

// OrganizationID is the organization every webhook of the fake belongs to.
const OrganizationID = "0a1b2c3d-0000-4000-8000-00000000000f"

// Fault is one injected answer; see fakeapi.Fault. A 5xx without Body is
// answered in plain text, as a proxy's would be; any other status with
// Channex's error envelope.
type Fault = fakeapi.Fault

// Server is a fake Channex API. Its methods are safe for concurrent use.
type Server struct {
	// Now is the clock for delivery timestamps, inserted_at and the
	// non_acked_booking deadline. Tests may replace it before the first
	// request (or call SetNow at any time); nil means time.Now.
	Now func() time.Time
	// clock, when set by SetNow, replaces Now.
	clock atomic.Pointer[func() time.Time]

	srv     *httptest.Server
	handler http.Handler
	rec     *fakeapi.Recorder
	apiKey  string
	client  *http.Client

	mu         sync.Mutex
	properties map[string]bool
	webhooks   []*webhook
	revisions  []*revision
	deleted    map[string]bool // booking ids
	messages   []*message
	threads    map[string]string // booking id -> thread id
	nextID     int
}

type webhook struct {
	ID            string
	PropertyID    *string
	CallbackURL   string
	EventMask     string
	RequestParams map[string]string
	Headers       map[string]string
	IsActive      bool
	SendData      bool
	Protected     bool
	IsGlobal      bool
}

type revision struct {
	id    string
	attrs map[string]any
	acked bool
	// added is when the fake stored the revision, by its clock: Channex's
	// 30 minutes until non_acked_booking count from there.
	added time.Time
	// warned is set once non_acked_booking was sent for the revision.
	warned bool
}

// New starts a fake Channex API that accepts apiKey and lets it use the
// given properties. Close it when done.
func New(apiKey string, propertyIDs ...string) *Server {
	s := &Server{
		apiKey:     apiKey,
		rec:        fakeapi.NewRecorder(Prefix),
		client:     &http.Client{Timeout: 5 * time.Second},
		properties: map[string]bool{},
		deleted:    map[string]bool{},
		threads:    map[string]string{},
	}
	for _, p := range propertyIDs {
		s.properties[p] = true
	}
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.authorized(h)) }
	handle("GET "+Prefix+"/webhooks", s.listWebhooks)
	handle("POST "+Prefix+"/webhooks", s.createWebhook)
	handle("POST "+Prefix+"/webhooks/test", s.testWebhook)
	handle("GET "+Prefix+"/webhooks/{id}", s.getWebhook)
	handle("PUT "+Prefix+"/webhooks/{id}", s.updateWebhook)
	handle("DELETE "+Prefix+"/webhooks/{id}", s.deleteWebhook)
	handle("GET "+Prefix+"/booking_revisions", s.listRevisions)
	handle("GET "+Prefix+"/booking_revisions/feed", s.feed)
	handle("GET "+Prefix+"/booking_revisions/{id}", s.getRevision)
	handle("POST "+Prefix+"/booking_revisions/{id}/ack", s.ack)
	handle("POST "+Prefix+"/booking_revisions/{id}/resend", s.resend)
	handle("GET "+Prefix+"/bookings", s.listBookings)
	handle("GET "+Prefix+"/bookings/{id}", s.getBooking)
	handle("GET "+Prefix+"/bookings/{id}/messages", s.bookingMessages)
	handle("GET "+Prefix+"/message_threads/{id}/messages", s.threadMessages)
	handle("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "resource_not_found", "Resource Not Found", nil)
	})
	s.handler = s.rec.Wrap(mux, writeFault)
	s.srv = httptest.NewServer(s.handler)
	return s
}

// URL returns the API root, to pass to channex.WithBaseURL.
func (s *Server) URL() string { return s.srv.URL + Prefix }

// Handler returns the API as an http.Handler, rooted at "/" (its routes
// start with Prefix), to serve on another listener. It shares the server's
// state and faults.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the server, releasing hung requests first.
func (s *Server) Close() {
	s.rec.Close()
	s.srv.Close()
}

// Fail queues faults for the route "METHOD path", path relative to the API
// root, exact ("/webhooks/7") or the pattern it matches ("/webhooks/{id}").
// Each request to the route takes the next fault; once they are used up
// the route answers normally.
func (s *Server) Fail(method, path string, faults ...Fault) { s.rec.Fail(method, path, faults...) }

// Requests returns how many requests reached the route "METHOD path" (exact
// or pattern), path relative to the API root, faults included.
func (s *Server) Requests(method, path string) int { return s.rec.Requests(method, path) }

// LastBody returns the body of the last request to the route.
func (s *Server) LastBody(method, path string) []byte { return s.rec.LastBody(method, path) }

// AddProperty lets the API key use the property.
func (s *Server) AddProperty(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.properties[id] = true
}

// AddRevision stores a booking revision, not yet acknowledged, with the
// given attributes, and returns its id: attrs["id"] when set, else a new
// one (which is then also set in the stored attributes).
func (s *Server) AddRevision(attrs map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addRevisionLocked(maps.Clone(attrs))
}

// addRevisionLocked stores the attributes a (which it keeps) as a new
// revision and returns its id. s.mu must be held.
func (s *Server) addRevisionLocked(a map[string]any) string {
	if a == nil {
		a = map[string]any{}
	}
	id, _ := a["id"].(string)
	if id == "" {
		id = s.newIDLocked()
		a["id"] = id
	}
	s.revisions = append(s.revisions, &revision{id: id, attrs: a, added: s.now()})
	return id
}

// Acked reports whether the revision id was acknowledged.
func (s *Server) Acked(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.revisions {
		if r.id == id {
			return r.acked
		}
	}
	return false
}

// Deliver sends the event to every active webhook that matches it, as
// Channex does: the property's webhooks whose mask selects the event, or,
// when there is none, the global ones; with the webhook's headers and query
// parameters; with the payload only when the webhook's send_data is true. It
// returns the status codes the callbacks answered, in webhook order, and
// the first transport error.
func (s *Server) Deliver(ctx context.Context, eventName, propertyID string, payload any) ([]int, error) {
	s.mu.Lock()
	var own, global []webhook
	for _, w := range s.webhooks {
		if !w.IsActive || !maskMatches(w.EventMask, eventName) {
			continue
		}
		switch {
		case w.PropertyID != nil && *w.PropertyID == propertyID:
			own = append(own, *w)
		case w.PropertyID == nil && w.IsGlobal:
			global = append(global, *w)
		}
	}
	s.mu.Unlock()
	if len(own) == 0 {
		own = global
	}
	var codes []int
	for _, w := range own {
		env := map[string]any{"event": eventName, "property_id": propertyID, "user_id": nil, "timestamp": s.timestamp()}
		if w.SendData {
			env["payload"] = payload
		}
		code, _, err := s.post(ctx, w, env)
		if err != nil {
			return codes, err
		}
		codes = append(codes, code)
	}
	return codes, nil
}

// maskMatches reports whether an event mask ("*", or names separated by
// ";", "ari" possibly followed by ":filters") selects name.
func maskMatches(mask, name string) bool {
	for part := range strings.SplitSeq(mask, ";") {
		part = strings.TrimSpace(part)
		if part == "*" || part == name {
			return true
		}
		if ev, _, ok := strings.Cut(part, ":"); ok && ev == name {
			return true
		}
	}
	return false
}

func (s *Server) timestamp() string {
	return s.now().UTC().Format("2006-01-02T15:04:05.000000Z")
}

// post sends one delivery to w and returns the callback's status and body.
func (s *Server) post(ctx context.Context, w webhook, env map[string]any) (int, string, error) {
	body, err := json.Marshal(env)
	if err != nil {
		return 0, "", err
	}
	u, err := url.Parse(w.CallbackURL)
	if err != nil {
		return 0, "", err
	}
	if len(w.RequestParams) > 0 {
		q := u.Query()
		for k, v := range w.RequestParams {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range w.Headers {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b), err
}

// authorized answers 401 unless the request carries the API key, and
// passes it to next otherwise.
func (s *Server) authorized(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.apiKey == "" || r.Header.Get("user-api-key") != s.apiKey {
			writeError(w, http.StatusUnauthorized, "unauthorized", "Unauthorized", nil)
			return
		}
		next(w, r)
	})
}

// writeFault is the answer of a Fault without Body: plain text for 5xx, as
// a proxy's would be, and Channex's error envelope otherwise.
func writeFault(w http.ResponseWriter, status int) {
	if status >= 500 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	code, title := errorCode(status)
	writeError(w, status, code, title, nil)
}

// errorCode returns Channex's error code and title for a status.
func errorCode(status int) (string, string) {
	switch status {
	case http.StatusBadRequest:
		return "bad_request", "Bad Request"
	case http.StatusUnauthorized:
		return "unauthorized", "Unauthorized"
	case http.StatusForbidden:
		return "forbidden", "Forbidden"
	case http.StatusNotFound:
		return "resource_not_found", "Resource Not Found"
	case http.StatusUnprocessableEntity:
		return "validation_error", "Validation Error"
	case http.StatusTooManyRequests:
		return "http_too_many_requests", "Too Many Requests"
	}
	return strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_"), http.StatusText(status)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, title string, details any) {
	e := map[string]any{"code": code, "title": title}
	if details != nil {
		e["details"] = details
	}
	writeJSON(w, status, map[string]any{"errors": e})
}

var success = map[string]any{"meta": map[string]any{"message": "Success"}}

// newIDLocked returns a new UUID-shaped id. Ids are sequential so that
// examples print stable output.
func (s *Server) newIDLocked() string {
	s.nextID++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", s.nextID)
}

// page reads pagination[page] and pagination[limit] with Channex's
// defaults and cap.
func page(r *http.Request) (pageNo, limit int) {
	pageNo, limit = 1, 10
	if n, err := strconv.Atoi(r.URL.Query().Get("pagination[page]")); err == nil && n > 0 {
		pageNo = n
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("pagination[limit]")); err == nil && n > 0 {
		limit = min(n, 100)
	}
	return pageNo, limit
}

// slicePage returns the items of page pageNo.
func slicePage[T any](items []T, pageNo, limit int) []T {
	start := (pageNo - 1) * limit
	if start >= len(items) {
		return []T{}
	}
	return items[start:min(start+limit, len(items))]
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	pageNo, limit := page(r)
	s.mu.Lock()
	all := slices.Clone(s.webhooks)
	s.mu.Unlock()
	data := []any{}
	for _, h := range slicePage(all, pageNo, limit) {
		data = append(data, resourceOf(h))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"data": data,
		"meta": map[string]any{"page": pageNo, "limit": limit, "total": len(all)},
	})
}

// resourceOf is a webhook as Channex returns it.
func resourceOf(h *webhook) map[string]any {
	rel := map[string]any{
		"organization": map[string]any{"data": map[string]any{"type": "organization", "id": OrganizationID}},
	}
	if h.PropertyID != nil {
		rel["property"] = map[string]any{"data": map[string]any{"type": "property", "id": *h.PropertyID}}
	}
	return map[string]any{
		"type": "webhook",
		"id":   h.ID,
		"attributes": map[string]any{
			"callback_url":   h.CallbackURL,
			"event_mask":     h.EventMask,
			"request_params": h.RequestParams,
			"headers":        h.Headers,
			"is_active":      h.IsActive,
			"send_data":      h.SendData,
			"protected":      h.Protected,
			"is_global":      h.IsGlobal,
		},
		"relationships": rel,
	}
}

// readWebhook decodes and validates the {"webhook": {...}} body of r. On
// failure it has answered w and returns false.
func (s *Server) readWebhook(w http.ResponseWriter, r *http.Request) (webhook, bool) {
	var env map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&env); err != nil || env["webhook"] == nil {
		writeError(w, http.StatusBadRequest, "bad_request", "Bad Request", []string{"webhook is required"})
		return webhook{}, false
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(env["webhook"], &fields); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "Bad Request", []string{"webhook must be an object"})
		return webhook{}, false
	}
	details := map[string][]string{}
	var h webhook
	decode := func(name string, dst any) {
		if raw, ok := fields[name]; ok && json.Unmarshal(raw, dst) != nil {
			details[name] = append(details[name], "is invalid")
		}
	}
	decode("callback_url", &h.CallbackURL)
	decode("event_mask", &h.EventMask)
	decode("property_id", &h.PropertyID)
	decode("request_params", &h.RequestParams)
	decode("headers", &h.Headers)
	decode("is_active", &h.IsActive)
	decode("send_data", &h.SendData)
	decode("protected", &h.Protected)
	decode("is_global", &h.IsGlobal)

	if h.CallbackURL == "" {
		details["callback_url"] = append(details["callback_url"], "can't be blank")
	} else if u, err := url.Parse(h.CallbackURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		details["callback_url"] = append(details["callback_url"], "is invalid")
	}
	if strings.TrimSpace(h.EventMask) == "" {
		details["event_mask"] = append(details["event_mask"], "can't be blank")
	}
	if _, present := fields["property_id"]; !present || (h.PropertyID == nil && !h.IsGlobal) {
		details["property_id"] = append(details["property_id"], "can't be blank")
	}
	if len(details) > 0 {
		writeError(w, http.StatusUnprocessableEntity, "validation_error", "Validation Error", details)
		return webhook{}, false
	}
	if h.PropertyID != nil {
		s.mu.Lock()
		allowed := s.properties[*h.PropertyID]
		s.mu.Unlock()
		if !allowed {
			writeError(w, http.StatusForbidden, "forbidden", "Forbidden", nil)
			return webhook{}, false
		}
	}
	return h, true
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	h, ok := s.readWebhook(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	h.ID = s.newIDLocked()
	stored := h
	s.webhooks = append(s.webhooks, &stored)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"data": resourceOf(&stored)})
}

// find returns the webhook id, or answers 404 and returns nil. s.mu must
// not be held.
func (s *Server) find(w http.ResponseWriter, id string) *webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.webhooks {
		if h.ID == id {
			return h
		}
	}
	writeError(w, http.StatusNotFound, "resource_not_found", "Resource Not Found", nil)
	return nil
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) {
	h := s.find(w, r.PathValue("id"))
	if h == nil {
		return
	}
	s.mu.Lock()
	res := resourceOf(h)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": res})
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) {
	h := s.find(w, r.PathValue("id"))
	if h == nil {
		return
	}
	upd, ok := s.readWebhook(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	upd.ID = h.ID
	*h = upd
	res := resourceOf(h)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": res})
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.find(w, id) == nil {
		return
	}
	s.mu.Lock()
	s.webhooks = slices.DeleteFunc(s.webhooks, func(h *webhook) bool { return h.ID == id })
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, success)
}

func (s *Server) testWebhook(w http.ResponseWriter, r *http.Request) {
	h, ok := s.readWebhook(w, r)
	if !ok {
		return
	}
	env := map[string]any{"event": "test", "property_id": h.PropertyID, "user_id": nil, "timestamp": s.timestamp()}
	code, body, err := s.post(r.Context(), h, env)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "validation_error", "Validation Error",
			map[string][]string{"callback_url": {"is unreachable"}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status_code": code, "body": body})
}

func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	pageNo, limit := page(r)
	property := r.URL.Query().Get("filter[property_id]")
	s.mu.Lock()
	var open []map[string]any
	for _, rev := range s.revisions {
		if rev.acked || (property != "" && rev.attrs["property_id"] != property) {
			continue
		}
		open = append(open, rev.attrs)
	}
	// Channex documents oldest first only on order[inserted_at]=asc; the
	// fake serves newest first otherwise, so that a client that forgets
	// the parameter is caught.
	if r.URL.Query().Get("order[inserted_at]") != "asc" {
		slices.Reverse(open)
	}
	data := []any{}
	for _, a := range slicePage(open, pageNo, limit) {
		data = append(data, map[string]any{"type": "booking_revision", "id": a["id"], "attributes": a})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"meta": map[string]any{"total": len(open), "page": pageNo, "limit": limit},
		"data": data,
	})
}

// findRevisionLocked returns the revision id, or answers 404 and returns nil.
// s.mu must be held.
func (s *Server) findRevisionLocked(w http.ResponseWriter, id string) *revision {
	for _, rev := range s.revisions {
		if rev.id == id {
			return rev
		}
	}
	writeError(w, http.StatusNotFound, "not_found", "Resouce Not Found", nil)
	return nil
}

func (s *Server) getRevision(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rev := s.findRevisionLocked(w, r.PathValue("id"))
	if rev == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"type": "booking_revision", "id": rev.id, "attributes": rev.attrs}})
}

func (s *Server) ack(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rev := s.findRevisionLocked(w, r.PathValue("id"))
	if rev == nil {
		return
	}
	rev.acked = true
	writeJSON(w, http.StatusOK, success)
}
