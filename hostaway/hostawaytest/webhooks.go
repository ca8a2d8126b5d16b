package hostawaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"

	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/verify"
)

// hookFrom reads a unified webhook from a request body: the documented
// members only, isEnabled as 0 or 1. It answers 400 and reports false
// when the body is not an object or has no url.
func hookFrom(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	in, err := decodeObject(r.Body)
	if err != nil {
		fail(w, http.StatusBadRequest, "The request body must be a JSON object.")
		return nil, false
	}
	if textOf(in["url"]) == "" {
		fail(w, http.StatusBadRequest, `The "url" parameter is required.`)
		return nil, false
	}
	hook := map[string]any{}
	for _, k := range []string{"isEnabled", "url", "login", "password", "alertingEmailAddress"} {
		hook[k] = in[k]
	}
	enabled, _ := intOf(in["isEnabled"])
	hook["isEnabled"] = min(max(enabled, 0), 1)
	return hook, true
}

// shown returns a webhook as the API shows it: the password masked.
func shown(hook map[string]any) map[string]any {
	out := maps.Clone(hook)
	if textOf(out["password"]) != "" {
		out["password"] = "****"
	}
	return out
}

func (s *Server) listHooks(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []map[string]any{}
	for _, id := range slices.Sorted(maps.Keys(s.hooks)) {
		list = append(list, shown(s.hooks[id]))
	}
	success(w, list, nil)
}

func (s *Server) createHook(w http.ResponseWriter, r *http.Request) {
	hook, ok := hookFrom(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID["hook"]
	s.nextID["hook"]++
	hook["id"] = id
	s.hooks[id] = hook
	success(w, shown(hook), nil)
}

// hook returns the webhook of the path's id; it answers 404 and reports
// false when there is none. The caller holds s.mu.
func (s *Server) hook(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := pathID(w, r, "id", "Unified webhook")
	if !ok {
		return 0, false
	}
	if _, ok := s.hooks[id]; !ok {
		fail(w, http.StatusNotFound, "Unified webhook not found.")
		return 0, false
	}
	return id, true
}

func (s *Server) getHook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.hook(w, r); ok {
		success(w, shown(s.hooks[id]), nil)
	}
}

func (s *Server) updateHook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.hook(w, r)
	if !ok {
		return
	}
	hook, ok := hookFrom(w, r)
	if !ok {
		return
	}
	hook["id"] = id
	s.hooks[id] = hook
	success(w, shown(hook), nil)
}

func (s *Server) deleteHook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.hook(w, r); ok {
		delete(s.hooks, id)
		success(w, []any{}, nil)
	}
}

// listLogs serves GET /v1/unifiedWebhookLogs?limit&offset&unifiedWebhookId&listingMapId.
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := queryInt(q, "limit", 100)
	if err == nil && limit == 0 {
		limit = 100
	}
	offset, err2 := queryInt(q, "offset", 0)
	if err = errors.Join(err, err2); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []map[string]any
	for _, l := range s.logs {
		if v := q.Get("unifiedWebhookId"); v != "" && fmt.Sprint(l["webhookNotificationSettingId"]) != v {
			continue
		}
		if v := q.Get("listingMapId"); v != "" && fmt.Sprint(l["listingMapId"]) != v {
			continue
		}
		match = append(match, l)
	}
	success(w, pageOf(match, offset, limit), paging(len(match), offset, limit))
}

// pageOf returns items[offset:offset+limit], never nil.
func pageOf(items []map[string]any, offset, limit int) []map[string]any {
	start := min(offset, len(items))
	end := min(start+limit, len(items))
	return append([]map[string]any{}, items[start:end]...)
}

// paging returns the pagination members of Hostaway's envelope.
func paging(count, offset, limit int) map[string]any {
	return map[string]any{
		"limit": limit, "offset": offset, "count": count,
		"page": offset/limit + 1, "totalPages": (count + limit - 1) / limit,
	}
}

// target is one webhook a delivery goes to.
type target struct {
	id                   int64
	url, login, password string
}

// Deliver sends the unified-webhook delivery of event about the stored
// record id to every enabled unified webhook, as Hostaway does: a POST of
// {"object", "event", "accountId", "data"} with the record as data, and
// HTTP Basic auth with the webhook's login and password when both are set
// (signed by a hostaway.Verifier of that pair). event is one of
// hostaway.EventReservationCreated and EventReservationUpdated (id is a
// reservation), hostaway.EventMessageReceived (id is a message) and
// hostaway.EventTest (id is ignored; the body is {"data":"test"}).
//
// Each delivery is logged, as Hostaway logs them, in the webhook logs
// (GET /v1/unifiedWebhookLogs) with the status and body the endpoint
// answered. Deliver does not retry. It fails when event is none of those,
// when the record does not exist, when no webhook is enabled, and when an
// endpoint cannot be reached or answers other than 2xx (errors.Join of
// each failure).
func (s *Server) Deliver(ctx context.Context, event string, id int64) error {
	body, object, listing, err := s.deliveryBody(event, id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	var targets []target
	for _, hid := range slices.Sorted(maps.Keys(s.hooks)) {
		h := s.hooks[hid]
		if enabled, _ := intOf(h["isEnabled"]); enabled == 1 {
			targets = append(targets, target{hid, textOf(h["url"]), textOf(h["login"]), textOf(h["password"])})
		}
	}
	s.mu.Unlock()
	if len(targets) == 0 {
		return fmt.Errorf("hostawaytest: deliver %s: no enabled unified webhook", event)
	}
	var errs []error
	for _, t := range targets {
		status, answer, err := s.send(ctx, t, body)
		s.mu.Lock()
		logID := s.nextID["log"]
		s.nextID["log"]++
		entry := map[string]any{
			"id": logID, "accountId": json.Number(AccountID), "listingMapId": listing,
			"webhookNotificationSettingId": t.id, "isEnabled": 1, "url": t.url,
			"login": nullable(t.login), "password": nullable(t.password),
			"object": object, "objectId": id, "event": event,
			"responseStatus": status, "responseBody": answer,
		}
		s.logs = append(s.logs, shown(entry))
		s.mu.Unlock()
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("hostawaytest: deliver %s to webhook %d: %w", event, t.id, err))
		case status < 200 || status > 299:
			errs = append(errs, fmt.Errorf("hostawaytest: deliver %s to webhook %d: status %d", event, t.id, status))
		}
	}
	return errors.Join(errs...)
}

// send posts body to t and returns the status and body of the answer.
func (s *Server) send(ctx context.Context, t target, body []byte) (int, string, error) {
	var signer verify.Signer
	if t.login != "" && t.password != "" {
		v, err := hostaway.NewVerifier(verify.Credentials{User: t.login, Password: t.password})
		if err != nil {
			// A pair the Verifier refuses (white space around it) is still
			// sent, as Hostaway would.
			signer = basicSigner{t.login, t.password}
		} else {
			signer = v
		}
	}
	req, err := NewRequest(ctx, t.url, body, signer)
	if err != nil {
		return 0, "", err
	}
	resp, err := s.deliver.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	return resp.StatusCode, string(answer), nil
}

// basicSigner sets Basic credentials whatever they hold.
type basicSigner struct{ user, password string }

func (b basicSigner) Sign(h http.Header, _ []byte) {
	r := http.Request{Header: h}
	r.SetBasicAuth(b.user, b.password)
}

// nullable returns nil for "" and s otherwise.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// deliveryBody builds the delivery of event about id: its body, object
// kind and the record's listing (for the log).
func (s *Server) deliveryBody(event string, id int64) (body []byte, object string, listing any, err error) {
	var store map[int64]*record
	switch event {
	case hostaway.EventTest:
		return []byte(`{"data":"test"}`), "", nil, nil
	case hostaway.EventReservationCreated, hostaway.EventReservationUpdated:
		object, store = hostaway.ObjectReservation, s.reservations
	case hostaway.EventMessageReceived:
		object, store = hostaway.ObjectConversationMessage, s.messages
	default:
		return nil, "", nil, fmt.Errorf("hostawaytest: deliver: unsupported event %q", event)
	}
	s.mu.Lock()
	rec, ok := store[id]
	var data map[string]any
	if ok {
		data = clone(rec.obj)
	}
	s.mu.Unlock()
	if !ok {
		return nil, "", nil, fmt.Errorf("hostawaytest: deliver %s: no %s %d", event, object, id)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err = enc.Encode(map[string]any{
		"object": object, "event": event, "accountId": json.Number(AccountID), "data": data,
	})
	return bytes.TrimSpace(buf.Bytes()), object, data["listingMapId"], err
}
