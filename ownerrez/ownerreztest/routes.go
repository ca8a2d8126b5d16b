package ownerreztest

import (
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/ownerrez"
)

// routes returns the fake's mux; every route of the package documentation.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	api := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.authenticated(h)) }

	api("GET /v2/webhooksubscriptions", s.oauthOnly(s.listSubscriptions))
	api("POST /v2/webhooksubscriptions", s.oauthOnly(s.createSubscription))
	api("GET /v2/webhooksubscriptions/categories", s.oauthOnly(s.categories))
	api("GET /v2/webhooksubscriptions/{id}", s.oauthOnly(s.getSubscription))
	api("DELETE /v2/webhooksubscriptions/{id}", s.oauthOnly(s.deleteSubscription))

	api("GET /v2/bookings", s.listBookings)
	for _, r := range []struct {
		path, label string
		kind        ownerrez.EntityType
	}{
		{"/v2/bookings/{id}", "Booking", ownerrez.EntityBooking},
		{"/v2/guests/{id}", "Guest", ownerrez.EntityGuest},
		{"/v2/properties/{id}", "Property", ownerrez.EntityProperty},
		{"/v2/inquiries/{id}", "Inquiry", ownerrez.EntityInquiry},
		{"/v2/messages/{id}", "Message", ownerrez.EntityThreadMessage},
	} {
		api("GET "+r.path, s.getRecord(r.kind, r.label))
	}

	mux.HandleFunc("POST /oauth/access_token", s.token)
	mux.HandleFunc("DELETE /oauth/access_token/{token}", s.revoke)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeEnvelope(w, http.StatusNotFound, "not_found", "No such route.")
	})
	return mux
}

// authenticated checks a call's credentials as OwnerRez documents: a
// Bearer access token (with a User-Agent) or HTTP Basic with the account
// email and a personal token.
func (s *Server) authenticated(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		scheme, cred, _ := strings.Cut(h, " ")
		switch {
		case h == "":
			writeEnvelope(w, http.StatusUnauthorized, "auth_required", "Authorization is required.")
		case strings.EqualFold(scheme, "Bearer"):
			s.mu.Lock()
			ok := s.tokens[strings.TrimSpace(cred)]
			s.mu.Unlock()
			switch {
			case r.UserAgent() == "":
				writeEnvelope(w, http.StatusUnauthorized, "user_agent_required", "A User-Agent header is required.")
			case !ok:
				writeEnvelope(w, http.StatusUnauthorized, "invalid_token", "The access token is missing, expired or inactive.")
			default:
				next(w, r)
			}
		case strings.EqualFold(scheme, "Basic"):
			user, pass, ok := r.BasicAuth()
			switch {
			case !ok:
				writeEnvelope(w, http.StatusUnauthorized, "invalid_request", "The Basic credentials are malformed.")
			case !equal(user, Email) || !equal(pass, PersonalToken):
				writeEnvelope(w, http.StatusUnauthorized, "invalid_token", "The personal token is missing, expired or inactive.")
			default:
				next(w, r)
			}
		default:
			writeEnvelope(w, http.StatusUnauthorized, "auth_required", "Authorization is required.")
		}
	})
}

// oauthOnly refuses personal tokens: webhooks are for OAuth apps only.
func (s *Server) oauthOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " "); !strings.EqualFold(scheme, "Bearer") {
			writeEnvelope(w, http.StatusForbidden, "forbidden", "Webhook subscriptions are only available to OAuth apps.")
			return
		}
		next(w, r)
	}
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// getRecord serves GET /v2/<collection>/{id}: the stored record, bare.
func (s *Server) getRecord(kind ownerrez.EntityType, label string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := atoi64(r.PathValue("id"))
		var rec []byte
		if ok {
			rec, ok = s.record(kind, id)
		}
		if !ok {
			writeEnvelope(w, http.StatusNotFound, "not_found", fmt.Sprintf("Expected entity %s:Id:%s not found.", label, r.PathValue("id")))
			return
		}
		writeRaw(w, http.StatusOK, rec)
	}
}

// listBookings serves GET /v2/bookings with its filters.
func (s *Server) listBookings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var props []int64
	if v := q.Get("property_ids"); v != "" {
		for _, f := range strings.Split(v, ",") {
			id, ok := atoi64(strings.TrimSpace(f))
			if !ok {
				writeEnvelope(w, http.StatusBadRequest, "validation_error", "property_ids must be a comma-separated list of ids.")
				return
			}
			props = append(props, id)
		}
	}
	var since time.Time
	if v := q.Get("since_utc"); v != "" {
		t, err := lenient.ParseTime(v)
		if err != nil || t.Zoneless {
			writeEnvelope(w, http.StatusBadRequest, "validation_error", "since_utc must be a UTC date and time.")
			return
		}
		since = t.Time
	}
	if len(props) == 0 && since.IsZero() {
		writeEnvelope(w, http.StatusBadRequest, "validation_error", "property_ids or since_utc is required.")
		return
	}
	var from, to event.Date
	for _, p := range []struct {
		name string
		d    *event.Date
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(p.name); v != "" {
			d, err := event.ParseDate(v)
			if err != nil {
				writeEnvelope(w, http.StatusBadRequest, "validation_error", p.name+" must be a date (YYYY-MM-DD).")
				return
			}
			*p.d = d
		}
	}
	status := q.Get("status")
	include := func(name string) bool { b, _ := strconv.ParseBool(q.Get(name)); return b }

	s.mu.Lock()
	var all []ownerrez.Booking
	for _, raw := range s.records[ownerrez.EntityBooking] {
		var b ownerrez.Booking
		if json.Unmarshal(raw, &b) == nil {
			all = append(all, b)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b ownerrez.Booking) int { return cmp.Compare(a.ID.Int64(), b.ID.Int64()) })

	var items []any
	for _, b := range all {
		pid := b.PropertyID.Int64()
		if pid == 0 && b.Property != nil {
			pid = b.Property.ID.Int64()
		}
		changed := b.UpdatedUTC.Time
		if changed.IsZero() {
			changed = b.CreatedUTC.Time
		}
		switch {
		case len(props) > 0 && !slices.Contains(props, pid):
			continue
		case !since.IsZero() && changed.Before(since):
			continue
		case status != "" && !strings.EqualFold(status, string(b.Status)):
			continue
		case !from.IsZero() && !b.Departure.IsZero() && b.Departure.Before(from):
			continue
		case !to.IsZero() && !b.Arrival.IsZero() && to.Before(b.Arrival):
			continue
		}
		if !include("include_charges") {
			b.Charges = nil
		}
		if !include("include_door_codes") {
			b.DoorCodes = nil
		}
		if !include("include_tags") {
			b.Tags = nil
		}
		if !include("include_fields") {
			b.Fields = nil
		}
		if !include("include_guest") {
			b.Guest = nil
		}
		items = append(items, b)
	}
	writeList(w, r, items)
}

// writeList writes the page of items that limit and offset select, in
// OwnerRez's envelope; next_page_url is root-relative, null on the last
// page.
func writeList[T any](w http.ResponseWriter, r *http.Request, items []T) {
	q := r.URL.Query()
	limit, offset := defaultLimit, 0
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, maxLimit)
	}
	if n, err := strconv.Atoi(q.Get("offset")); err == nil && n > 0 {
		offset = n
	}
	page := items[min(offset, len(items)):min(offset+limit, len(items))]
	if page == nil {
		page = []T{}
	}
	var next *string
	if offset+limit < len(items) {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("limit", strconv.Itoa(limit))
		nq.Set("offset", strconv.Itoa(offset+limit))
		u := r.URL.Path + "?" + nq.Encode()
		next = &u
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"count": len(items), "items": page, "limit": limit, "offset": offset, "next_page_url": next,
	})
}

func (s *Server) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	subs := make([]ownerrez.Subscription, 0, len(s.subs))
	for _, sub := range s.subs {
		subs = append(subs, sub)
	}
	s.mu.Unlock()
	slices.SortFunc(subs, func(a, b ownerrez.Subscription) int { return cmp.Compare(a.ID, b.ID) })
	writeList(w, r, subs)
}

// validSubscription reports whether the fake accepts a subscription of
// type typ and action act, compared folded.
func validSubscription(typ, act string) (typeOK, actionOK bool) {
	switch fold(typ) {
	case "booking", "guest", "property", "inquiry", "message", "quote":
		typeOK = true
	}
	switch fold(act) {
	case "entitycreate", "entityupdate", "entitydelete":
		actionOK = true
	}
	return typeOK, actionOK
}

func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) {
	var p ownerrez.SubscriptionParams
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		writeEnvelope(w, http.StatusBadRequest, "validation_error", "The body is not a JSON subscription.")
		return
	}
	var msgs []string
	typeOK, actionOK := validSubscription(string(p.Type), string(p.Action))
	if !typeOK {
		msgs = append(msgs, "type must be one of booking, guest, property, inquiry, message, quote.")
	}
	if !actionOK {
		msgs = append(msgs, "action must be one of entity_create, entity_update, entity_delete.")
	}
	if !validWebhookURL(p.URL) {
		msgs = append(msgs, "webhook_url must be an https URL (http only on localhost).")
	}
	if len(msgs) > 0 {
		writeEnvelope(w, http.StatusBadRequest, "validation_error", msgs...)
		return
	}
	s.mu.Lock()
	sub := ownerrez.Subscription{ID: s.nextSub, Type: p.Type, Action: p.Action, URL: p.URL, Category: p.Category}
	s.subs[sub.ID] = sub
	s.nextSub++
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, sub)
}

func (s *Server) subscription(w http.ResponseWriter, r *http.Request) (ownerrez.Subscription, bool) {
	id, ok := atoi64(r.PathValue("id"))
	s.mu.Lock()
	sub, found := s.subs[id]
	s.mu.Unlock()
	if !ok || !found {
		writeEnvelope(w, http.StatusNotFound, "not_found", "Expected entity WebhookSubscription:Id:"+r.PathValue("id")+" not found.")
		return sub, false
	}
	return sub, true
}

func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	if sub, ok := s.subscription(w, r); ok {
		writeJSON(w, http.StatusOK, sub)
	}
}

func (s *Server) deleteSubscription(w http.ResponseWriter, r *http.Request) {
	if sub, ok := s.subscription(w, r); ok {
		s.mu.Lock()
		delete(s.subs, sub.ID)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) categories(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]string{
		"Booking":  {"availability", "charge", "financial"},
		"Contact":  {},
		"Property": {},
	})
}

// token serves POST /oauth/access_token: the authorization-code and
// refresh-token grants, the app authenticated by HTTP Basic.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if !clientAuthenticated(r) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The body is not a form.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		if !equal(r.PostForm.Get("code"), AuthorizationCode) {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "The authorization code is invalid or expired.")
			return
		}
		s.tokens[AccessToken] = true
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": AccessToken, "token_type": "bearer", "scope": "all", "user_id": UserID,
			"refresh_token": RefreshToken, "expires_in": 30 * 24 * 3600,
		})
	case "refresh_token":
		if !equal(r.PostForm.Get("refresh_token"), RefreshToken) {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid.")
			return
		}
		s.tokenSerial++
		tok := AccessToken + "-" + strconv.Itoa(s.tokenSerial+1)
		s.tokens[tok] = true
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": tok, "token_type": "bearer", "scope": "all", "user_id": UserID,
			"expires_in": 30 * 24 * 3600,
		})
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Only authorization_code and refresh_token are supported.")
	}
}

// revoke serves DELETE /oauth/access_token/{token}.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if !clientAuthenticated(r) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	}
	tok := r.PathValue("token")
	s.mu.Lock()
	ok := s.tokens[tok]
	delete(s.tokens, tok)
	s.mu.Unlock()
	if !ok {
		writeEnvelope(w, http.StatusNotFound, "not_found", "The token was not found.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func clientAuthenticated(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	return ok && equal(id, ClientID) && equal(secret, ClientSecret)
}

// writeError is the fakeapi.ErrorWriter of the fake: OwnerRez's 429 body
// for 429, the v2 envelope for any other status.
func writeError(w http.ResponseWriter, status int) {
	if status == http.StatusTooManyRequests {
		writeJSON(w, status, map[string]any{"code": 429, "error": "Rate limit exceeded."})
		return
	}
	code := statusCode(status)
	writeEnvelope(w, status, code, http.StatusText(status)+".")
}

// statusCode is an HTTP status as OwnerRez spells it in "status":
// snake_case text, such as "not_found".
func statusCode(status int) string {
	t := strings.ToLower(http.StatusText(status))
	if t == "" {
		return "status_" + strconv.Itoa(status)
	}
	return strings.NewReplacer(" ", "_", "-", "_", "'", "").Replace(t)
}

// writeEnvelope writes OwnerRez's v2 error envelope.
func writeEnvelope(w http.ResponseWriter, status int, code string, messages ...string) {
	writeJSON(w, status, map[string]any{
		"messages":    messages,
		"code":        code,
		"doc_url":     "https://www.ownerrez.com/support/articles/api-errors#" + code,
		"status":      statusCode(status),
		"status_code": status,
	})
}

// writeOAuthError writes the token endpoint's OAuth error.
func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "marshal", http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Api-Supported-Versions", "1.0, 2.0")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
