package bookingsynctest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/internal/fakeapi"
)

// Test credentials of the fake API. The token endpoint issues tokens for
// ClientID and ClientSecret; AccessToken is accepted as it is.
const (
	// ClientID is the application's Client ID.
	ClientID = "test-client-id"
	// ClientSecret is the application's Client Secret, which also signs
	// the deliveries of endpoints registered with it.
	ClientSecret = "test-client-secret"
	// AccessToken is an account's access token that the fake accepts
	// without a token request, for bookingsync.AccessToken.
	AccessToken = "test-access-token"
	// AuthorizationCode is the code the token endpoint exchanges
	// (grant_type authorization_code), any number of times.
	AuthorizationCode = "test-authorization-code"
	// RefreshToken is a refresh token the token endpoint accepts once
	// (grant_type refresh_token); it answers with a new one, as BookingSync
	// does.
	RefreshToken = "test-refresh-token"
	// AccountID is the account_id of every delivery, that of the samples.
	AccountID = 1059638630
	// RateLimit is the X-RateLimit-Limit of every answer: BookingSync's
	// 1000 requests per hour per application.
	RateLimit = 1000
)

// apiPath is the version path of the API under the fake's root.
const apiPath = "/api/v3"

// Fault is one injected answer to one request (see Server.Fail). Delay
// applies first; then exactly one of Hang, Drop and Status, in that order;
// a Fault with only a Delay answers normally, late. Its fields:
//   - Status int: the HTTP status to answer, with BookingSync's error body
//     for it unless Body is set.
//   - Header http.Header: added to the answer, such as Retry-After.
//   - Body string: replaces the error body; sent as JSON.
//   - Delay time.Duration: holds the answer back this long.
//   - Drop bool: closes the connection without an answer.
//   - Hang bool: answers nothing until the client gives up or Close.
type Fault = fakeapi.Fault

// Server is a fake of BookingSync API v3 and of its OAuth token endpoint,
// on a loopback httptest server, with state: bookings, clients and rentals
// put by the test (NewServer starts with the records of the samples:
// booking 80, clients 37 and 995923932, rental 16), and webhook endpoints that
// Deliver posts signed deliveries to. Its methods are safe for concurrent
// use. See the package documentation for the routes and answers.
type Server struct {
	ts      *httptest.Server
	rec     *fakeapi.Recorder
	handler http.Handler

	mu        sync.Mutex
	records   map[string]map[string]record // kind → id → record
	deleted   map[string]map[string]time.Time
	tokens    map[string]bool
	refreshes map[string]bool
	endpoints []endpoint
	nextID    int
	window    time.Time // start of the current rate-limit hour
	used      int       // requests counted in window
	now       func() time.Time
}

// record is a stored record: its JSON members.
type record map[string]json.RawMessage

// endpoint is a registered webhook endpoint.
type endpoint struct {
	url, secret string
	events      []string // nil: every event
}

// kinds are the record kinds the fake serves: the delivery's resource key
// and the API's plural.
var kinds = map[string]string{"booking": "bookings", "client": "clients", "rental": "rentals"}

// NewServer starts a fake BookingSync API on loopback. Close it when done.
func NewServer() *Server {
	s := &Server{
		rec:       fakeapi.NewRecorder(apiPath),
		records:   map[string]map[string]record{},
		deleted:   map[string]map[string]time.Time{},
		tokens:    map[string]bool{AccessToken: true},
		refreshes: map[string]bool{RefreshToken: true},
		nextID:    1000,
		now:       time.Now,
	}
	for kind := range kinds {
		s.records[kind] = map[string]record{}
		s.deleted[kind] = map[string]time.Time{}
	}
	for _, name := range []string{"booking_created", "client_created", "client_updated", "rental_created"} {
		body, _ := Sample(name)
		var env struct {
			Resource map[string]json.RawMessage `json:"resource"`
		}
		kind, _, _ := strings.Cut(name, "_")
		if json.Unmarshal(body, &env) == nil {
			var r record
			if json.Unmarshal(env.Resource[kind], &r) == nil {
				s.records[kind][idOf(r)] = r
			}
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.token)
	for kind, plural := range kinds {
		mux.HandleFunc("GET "+apiPath+"/"+plural, s.authed(func(w http.ResponseWriter, r *http.Request) { s.list(w, r, kind) }))
		mux.HandleFunc("GET "+apiPath+"/"+plural+"/{id}", s.authed(func(w http.ResponseWriter, r *http.Request) { s.get(w, r, kind) }))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeError(w, http.StatusNotFound) })
	s.handler = s.rec.Wrap(mux, writeError)
	s.ts = httptest.NewServer(s.handler)
	return s
}

// URL returns the API root, version path included, for bookingsync.WithBaseURL:
// "http://127.0.0.1:PORT/api/v3". The token endpoint is /oauth/token
// beside it, where the client looks for it.
func (s *Server) URL() string { return s.ts.URL + apiPath }

// Handler returns the fake API as a handler, for serving it on an address
// of one's own (pmshooks mock): the same state, faults and counts. Its
// paths are /api/v3/... and /oauth/token; the URLs of its Link headers
// take the request's Host.
func (s *Server) Handler() http.Handler { return s.handler }

// Client returns a client of the fake: bookingsync.ClientCredentials(ClientID,
// ClientSecret), so that it fetches its token from the fake, with
// WithBaseURL(URL()) and then opts.
func (s *Server) Client(opts ...bookingsync.ClientOption) (*bookingsync.Client, error) {
	all := append([]bookingsync.ClientOption{bookingsync.WithBaseURL(s.URL())}, opts...)
	return bookingsync.NewClient(bookingsync.ClientCredentials(ClientID, ClientSecret), all...)
}

// Close shuts the server down, releasing requests held by a Hang fault.
func (s *Server) Close() {
	s.rec.Close()
	s.ts.Close()
}

// Fail queues faults for the route "METHOD path", path relative to URL()
// as an exact path ("/bookings/80") or a pattern ("/bookings/{id}"); the
// token endpoint is "/oauth/token". Each request to the route takes the
// next fault; once used up, the route answers normally. Faults on the
// exact path are taken before those on its pattern.
func (s *Server) Fail(method, path string, faults ...Fault) { s.rec.Fail(method, path, faults...) }

// Requests returns how many requests reached the route "METHOD path" (see
// Fail for the paths), faulted ones included.
func (s *Server) Requests(method, path string) int { return s.rec.Requests(method, path) }

// PutBooking stores b, replacing the booking of its ID, and returns its id:
// b.ID, or a new one when it is empty. A zero UpdatedAt becomes now. The
// booking is served as b marshals to JSON.
func (s *Server) PutBooking(b *bookingsync.Booking) string { return s.put("booking", b) }

// SetClock sets the Server's clock (nil: time.Now). It dates what the
// Server stamps: the updated_at of a record put without one, the
// canceled_at and updated_at of CancelBooking, the time of a deletion, the
// X-Updated-Since-Request-Synced-At header of every answer and the
// rate-limit hour. A test sets it to make those times exact, and to
// change records at a time of its choosing without a webhook, as when a
// delivery is lost.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// PutGuest stores g, a client (guest), as PutBooking stores a booking.
func (s *Server) PutGuest(g *bookingsync.Guest) string { return s.put("client", g) }

// PutRental stores r as PutBooking stores a booking.
func (s *Server) PutRental(r *bookingsync.Rental) string { return s.put("rental", r) }

// CancelBooking cancels the booking with id as BookingSync's DELETE
// /bookings/{id} does: its status becomes "Canceled" and its canceled_at and
// updated_at now. It then answers only with include_canceled=true, and is
// among the deleted_ids of the updated_since flow. It fails when there is
// no such booking.
func (s *Server) CancelBooking(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records["booking"][id]
	if !ok {
		return fmt.Errorf("bookingsynctest: cancel booking: no booking %q", id)
	}
	now := s.now().UTC()
	at, _ := json.Marshal(now.Format(time.RFC3339))
	r["status"] = json.RawMessage(`"Canceled"`)
	r["canceled_at"] = at
	r["updated_at"] = at
	s.deleted["booking"][id] = now
	return nil
}

// DeleteBooking removes the booking with id: the API answers 404 for it,
// and lists it among the deleted_ids of the updated_since flow.
func (s *Server) DeleteBooking(id string) { s.remove("booking", id) }

// DeleteGuest removes the client (guest) with id: the API answers 404.
func (s *Server) DeleteGuest(id string) { s.remove("client", id) }

// DeleteRental removes the rental with id: the API answers 404.
func (s *Server) DeleteRental(id string) { s.remove("rental", id) }

// AddEndpoint registers a webhook endpoint, as an application's owner does
// in BookingSync's partner UI (BookingSync has no API for it): Deliver
// posts to url the events named (none: every event), signed with secret,
// the application's Client Secret (ClientSecret for the fake's
// application). It fails when url is not an absolute http(s) URL or secret
// is empty.
func (s *Server) AddEndpoint(rawURL, secret string, events ...string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("bookingsynctest: add endpoint: not an absolute http(s) URL")
	}
	if secret == "" {
		return errors.New("bookingsynctest: add endpoint: empty secret")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endpoints = append(s.endpoints, endpoint{url: rawURL, secret: secret, events: slices.Clone(events)})
	return nil
}

// Deliver sends the delivery of eventName about the stored record id to
// every endpoint registered for that event, as BookingSync sends it: POST,
// {"account_id", "event", "resource": {"links", "<kind>": record}}, signed
// in X-Content-Signature with the endpoint's secret by
// bookingsync.Verifier, User-Agent "BookingSync Webhook Delivery". The
// event must be one of the booking_*, client_* or rental_* events; a
// *_destroyed event about a record no longer stored carries {"id": id}. It
// fails when the record is unknown, when no endpoint selects the event, or
// when an endpoint fails to answer 2xx (the others are still sent to).
func (s *Server) Deliver(ctx context.Context, eventName, id string) error {
	kind, action, ok := strings.Cut(eventName, "_")
	plural := kinds[kind]
	if !ok || plural == "" || !slices.Contains([]string{"created", "updated", "destroyed"}, action) {
		return fmt.Errorf("bookingsynctest: deliver: %q is not a booking, client or rental event", eventName)
	}
	s.mu.Lock()
	r, stored := s.records[kind][id]
	var rec []byte
	switch {
	case stored:
		rec, _ = json.Marshal(r)
	case action == "destroyed":
		rec, _ = json.Marshal(record{"id": idJSON(id)})
	}
	var targets []endpoint
	for _, ep := range s.endpoints {
		if len(ep.events) == 0 || slices.Contains(ep.events, eventName) {
			targets = append(targets, ep)
		}
	}
	s.mu.Unlock()
	if rec == nil {
		return fmt.Errorf("bookingsynctest: deliver: no %s %q", kind, id)
	}
	if len(targets) == 0 {
		return fmt.Errorf("bookingsynctest: deliver: no endpoint for %s", eventName)
	}
	body, err := json.Marshal(map[string]any{
		"account_id": AccountID,
		"event":      eventName,
		"resource": map[string]any{
			"links": templates(kind, "https://www.bookingsync.com"),
			kind:    json.RawMessage(rec),
		},
	})
	if err != nil {
		return fmt.Errorf("bookingsynctest: deliver: %w", err)
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	var errs []error
	for _, ep := range targets {
		v, err := bookingsync.NewVerifier(ep.secret)
		if err != nil {
			errs = append(errs, fmt.Errorf("bookingsynctest: deliver: %w", err))
			continue
		}
		req, err := NewRequest(ctx, ep.url, body, v)
		if err != nil {
			errs = append(errs, fmt.Errorf("bookingsynctest: deliver: %w", err))
			continue
		}
		resp, err := hc.Do(req)
		if err != nil {
			errs = append(errs, fmt.Errorf("bookingsynctest: deliver %s: %w", eventName, err))
			continue
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			errs = append(errs, fmt.Errorf("bookingsynctest: deliver %s: the endpoint answered %d", eventName, resp.StatusCode))
		}
	}
	return errors.Join(errs...)
}

// put stores v, a typed record, under kind.
func (s *Server) put(kind string, v any) string {
	b, err := json.Marshal(v)
	var r record
	if err != nil || json.Unmarshal(b, &r) != nil {
		panic("bookingsynctest: put " + kind + ": the record does not marshal to a JSON object")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := idOf(r)
	if id == "" {
		s.nextID++
		id = strconv.Itoa(s.nextID)
	}
	r["id"] = idJSON(id)
	if up, ok := r["updated_at"]; !ok || string(up) == "null" {
		r["updated_at"], _ = json.Marshal(s.now().UTC().Format(time.RFC3339))
	}
	s.records[kind][id] = r
	delete(s.deleted[kind], id)
	return id
}

// remove deletes the record of kind with id and remembers when.
func (s *Server) remove(kind, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.records[kind][id]; ok {
		delete(s.records[kind], id)
		s.deleted[kind][id] = s.now().UTC()
	}
}

// idOf returns the id of r as text; "" when it has none.
func idOf(r record) string {
	var id string
	raw := bytes.TrimSpace(r["id"])
	if json.Unmarshal(raw, &id) == nil {
		return id
	}
	if len(raw) > 0 && raw[0] != 'n' {
		return string(raw)
	}
	return ""
}

// idJSON writes id as BookingSync writes ids: a number when it is one.
func idJSON(id string) json.RawMessage {
	if _, err := strconv.ParseInt(id, 10, 64); err == nil {
		return json.RawMessage(id)
	}
	b, _ := json.Marshal(id)
	return b
}

// templates returns the resource "links" of kind: URL templates of its
// account, as BookingSync's answers carry them.
func templates(kind, site string) map[string]string {
	plural := kinds[kind]
	out := map[string]string{plural + ".account": site + apiPath + "/accounts/{" + plural + ".account}"}
	if kind == "booking" {
		out["bookings.rental"] = site + apiPath + "/rentals/{bookings.rental}"
		out["bookings.client"] = site + apiPath + "/clients/{bookings.client}"
	}
	return out
}

// authed answers 401 unless the request carries a token the fake issued or
// AccessToken; then it counts the request against the hourly rate limit and
// sends the rate-limit headers, answering 429 once it is used up.
func (s *Server) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		valid := ok && s.tokens[tok]
		now := s.now()
		if hour := now.Truncate(time.Hour); !hour.Equal(s.window) {
			s.window, s.used = hour, 0
		}
		if valid {
			s.used++
		}
		used, reset := s.used, s.window.Add(time.Hour)
		s.mu.Unlock()
		if !valid {
			writeError(w, http.StatusUnauthorized)
			return
		}
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(RateLimit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(max(RateLimit-used, 0)))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		h.Set("X-Updated-Since-Request-Synced-At", now.UTC().Format("2006-01-02 15:04:05 MST"))
		if used > RateLimit {
			writeError(w, http.StatusTooManyRequests)
			return
		}
		next(w, r)
	}
}

// token is POST /oauth/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil || r.PostForm.Get("client_id") != ClientID || r.PostForm.Get("client_secret") != ClientSecret {
		writeOAuthError(w, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
		return
	}
	answer := map[string]any{"token_type": "bearer", "expires_in": 7200, "scope": "public"}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		answer["created_at"] = s.now().Unix()
	case "authorization_code":
		if r.PostForm.Get("code") != AuthorizationCode {
			writeOAuthError(w, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")
			return
		}
		answer["refresh_token"] = s.newToken("refresh")
		answer["scope"] = "public bookings_read clients_read rentals_read"
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !s.refreshes[rt] {
			writeOAuthError(w, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")
			return
		}
		delete(s.refreshes, rt) // rotated: BookingSync issues a new one on every refresh
		answer["refresh_token"] = s.newToken("refresh")
		answer["scope"] = "public bookings_read clients_read rentals_read"
	default:
		writeOAuthError(w, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
		return
	}
	answer["access_token"] = s.newToken("access")
	writeJSON(w, http.StatusOK, answer)
}

// newToken returns a new token of kind ("access" or "refresh") and
// remembers it. s.mu is held.
func (s *Server) newToken(kind string) string {
	s.nextID++
	t := fmt.Sprintf("fake-%s-token-%d", kind, s.nextID)
	if kind == "refresh" {
		s.refreshes[t] = true
	} else {
		s.tokens[t] = true
	}
	return t
}

// get is GET /api/v3/<plural>/{id}.
func (s *Server) get(w http.ResponseWriter, r *http.Request, kind string) {
	id := r.PathValue("id")
	s.mu.Lock()
	rec, ok := s.records[kind][id]
	var body []byte
	if ok && !(kind == "booking" && canceled(rec) && r.URL.Query().Get("include_canceled") != "true") {
		body, _ = json.Marshal(s.envelope(kind, r, []record{rec}, nil))
	}
	s.mu.Unlock()
	if body == nil {
		writeError(w, http.StatusNotFound)
		return
	}
	writeBody(w, http.StatusOK, body)
}

// list is GET /api/v3/<plural>, with the page and, for bookings, the
// search parameters of BookingSync's reference.
func (s *Server) list(w http.ResponseWriter, r *http.Request, kind string) {
	q := r.URL.Query()
	page, err1 := positive(q.Get("page"), 1)
	perPage, err2 := positive(q.Get("per_page"), 100)
	if err := cmp.Or(err1, err2); err != nil {
		writeValidation(w, err.Error(), "must be a positive integer")
		return
	}
	perPage = min(perPage, 100)
	var f *bookingFilter
	if kind == "booking" {
		var field string
		f, field = parseBookingFilter(q, s.now())
		if field != "" {
			writeValidation(w, field, "is invalid")
			return
		}
	}

	s.mu.Lock()
	var all []record
	for _, rec := range s.records[kind] {
		if f == nil || f.match(rec) {
			all = append(all, rec)
		}
	}
	var deleted []json.RawMessage
	if f != nil && !f.updatedSince.IsZero() {
		for id, at := range s.deleted[kind] {
			if at.After(f.updatedSince) {
				deleted = append(deleted, idJSON(id))
			}
		}
		slices.SortFunc(deleted, func(a, b json.RawMessage) int { return compareIDs(string(a), string(b)) })
		if deleted == nil {
			deleted = []json.RawMessage{}
		}
	}
	slices.SortFunc(all, func(a, b record) int { return compareIDs(idOf(a), idOf(b)) })
	total := len(all)
	pages := max((total+perPage-1)/perPage, 1)
	from, to := min((page-1)*perPage, total), min(page*perPage, total)
	body, _ := json.Marshal(s.envelope(kind, r, all[from:to], deleted))
	s.mu.Unlock()

	h := w.Header()
	h.Set("Link", pageLinks(r, page, pages))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	h.Set("X-Total-Count", strconv.Itoa(total))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	writeBody(w, http.StatusOK, body)
}

// envelope is an API v3 answer: links, the records under their plural,
// meta (with deleted_ids when the updated_since flow asks for them).
func (s *Server) envelope(kind string, r *http.Request, recs []record, deleted []json.RawMessage) map[string]any {
	meta := map[string]any{}
	if deleted != nil {
		meta["deleted_ids"] = deleted
	}
	if recs == nil {
		recs = []record{}
	}
	return map[string]any{
		"links":     templates(kind, scheme(r)+"://"+r.Host),
		kinds[kind]: recs,
		"meta":      meta,
	}
}

// pageLinks writes the Link header of page of pages: first, prev, next,
// last, on the request's own URL.
func pageLinks(r *http.Request, page, pages int) string {
	link := func(p int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		return "<" + scheme(r) + "://" + r.Host + r.URL.Path + "?" + q.Encode() + `>; rel="` + rel + `"`
	}
	links := []string{link(1, "first")}
	if page > 1 {
		links = append(links, link(min(page-1, pages), "prev"))
	}
	if page < pages {
		links = append(links, link(page+1, "next"))
	}
	return strings.Join(append(links, link(pages, "last")), ", ")
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// bookingFilter holds the search parameters of GET /bookings.
type bookingFilter struct {
	from, until, updatedSince time.Time
	statuses                  []string
	includeCanceled           bool
	rentals, clients          []string
}

// parseBookingFilter reads q; it returns the name of a parameter that does
// not read.
func parseBookingFilter(q url.Values, now time.Time) (*bookingFilter, string) {
	f := &bookingFilter{from: now, includeCanceled: q.Get("include_canceled") == "true"}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.from}, {"until", &f.until}, {"updated_since", &f.updatedSince}} {
		if v := q.Get(p.name); v != "" {
			t, ok := parseTime(v)
			if !ok {
				return nil, p.name
			}
			*p.dst = t
		}
	}
	if v := q.Get("months"); v != "" {
		n, err := positive(v, 0)
		if err != nil {
			return nil, "months"
		}
		if limit := f.from.AddDate(0, n, 0); f.until.IsZero() || limit.Before(f.until) {
			f.until = limit
		}
	}
	split := func(v string) []string {
		if v == "" {
			return nil
		}
		return strings.Split(v, ",")
	}
	f.statuses = split(strings.ToLower(q.Get("status")))
	f.rentals = split(q.Get("rental_id"))
	f.clients = split(q.Get("client_id"))
	return f, ""
}

// match reports whether the booking rec is selected.
func (f *bookingFilter) match(rec record) bool {
	raw, _ := json.Marshal(rec)
	var b bookingsync.Booking
	_ = json.Unmarshal(raw, &b)
	switch {
	case canceled(rec) && !f.includeCanceled:
		return false
	case !b.EndAt.Time.IsZero() && !b.EndAt.Time.After(f.from):
		return false
	case !f.until.IsZero() && !b.StartAt.Time.Before(f.until):
		return false
	case !f.updatedSince.IsZero() && !b.UpdatedAt.Time.After(f.updatedSince):
		return false
	case len(f.statuses) > 0 && !slices.Contains(f.statuses, strings.ToLower(string(b.Status))):
		return false
	case len(f.rentals) > 0 && !slices.Contains(f.rentals, b.Links.ID("rental")):
		return false
	case len(f.clients) > 0 && !slices.Contains(f.clients, b.Links.ID("client")):
		return false
	}
	return true
}

// canceled reports whether the booking rec is cancelled.
func canceled(rec record) bool {
	var status string
	_ = json.Unmarshal(rec["status"], &status)
	return strings.EqualFold(status, "canceled")
}

// parseTime reads an API v3 time: "2006-01-02T15:04:05Z" and other RFC 3339
// forms, or a date as "20140324" or "2014-03-24".
func parseTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "20060102", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// positive reads v as a positive integer; def when v is "".
func positive(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errors.New("invalid")
	}
	return n, nil
}

// compareIDs orders ids numerically when both are numbers.
func compareIDs(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return strings.Compare(a, b)
}

// errorCodes are the codes of the fake's {"errors": [{"code"}]} answers.
var errorCodes = map[int]string{
	http.StatusUnauthorized:        "unauthorized",
	http.StatusForbidden:           "forbidden",
	http.StatusNotFound:            "not_found",
	http.StatusUnprocessableEntity: "validation_failed",
	http.StatusTooManyRequests:     "rate_limit_exceeded",
}

// writeError writes BookingSync's error answer for status: {"errors":
// [{"code", "title"}]}, the 429 titled "API v3 rate limit exceeded.".
func writeError(w http.ResponseWriter, status int) {
	item := map[string]string{"code": cmp.Or(errorCodes[status], strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_"))}
	if status == http.StatusTooManyRequests {
		item["title"] = "API v3 rate limit exceeded."
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]string{item}})
}

// writeValidation writes a 422 about field.
func writeValidation(w http.ResponseWriter, field, title string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"errors": []map[string]string{{"code": "validation_failed", "field": field, "title": title}},
	})
}

// writeOAuthError writes the token endpoint's 401 with an OAuth error.
func writeOAuthError(w http.ResponseWriter, code, description string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	writeBody(w, status, b)
}

func writeBody(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/vnd.api+json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
