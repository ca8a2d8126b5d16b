package propexotest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/propexo"
)

// webhook is a stored webhook configuration.
type webhook struct {
	id                   string
	seq                  int
	createdAt, updatedAt time.Time
	url                  string
	headers              []propexo.Header
	active               bool
	secret               string
	triggers             []webhookTrigger
}

type webhookTrigger struct {
	id      string
	trigger propexo.Trigger
	model   propexo.Model
}

func (h *webhook) order() int { return h.seq }

func (h *webhook) sortKey(field string) string {
	if field == "updated_at" {
		return timestamp(h.updatedAt)
	}
	return timestamp(h.createdAt)
}

// wire is the webhook as Propexo's API returns it.
func (h *webhook) wire() any {
	triggers := make([]any, 0, len(h.triggers))
	for _, t := range h.triggers {
		triggers = append(triggers, map[string]any{"id": t.id, "trigger": t.trigger, "model": nullable(string(t.model))})
	}
	var headers any
	if h.headers != nil {
		headers = h.headers
	}
	return map[string]any{
		"id":         h.id,
		"created_at": timestamp(h.createdAt),
		"updated_at": timestamp(h.updatedAt),
		"url":        h.url,
		"headers":    headers,
		"active":     h.active,
		"secret":     h.secret,
		"system":     propexo.SystemSandbox,
		"triggers":   triggers,
	}
}

// selects reports whether h is delivered a webhook of trigger t about a
// record of model m ("" for the triggers without model).
func (h *webhook) selects(t propexo.Trigger, m propexo.Model) bool {
	if !h.active {
		return false
	}
	for _, ht := range h.triggers {
		if ht.trigger != t {
			continue
		}
		if (t != propexo.TriggerDataNew && t != propexo.TriggerDataUpdate) || ht.model == m {
			return true
		}
	}
	return false
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	q, ok := parseList(w, r, "created_at", "updated_at")
	if !ok {
		return
	}
	active := true
	switch a := r.URL.Query().Get("active"); a {
	case "", "true":
	case "false":
		active = false
	default:
		badRequest(w, "invalid_type", "active must be true or false", "active")
		return
	}
	s.mu.Lock()
	var hooks []*webhook
	for _, h := range s.webhooks {
		if h.active == active {
			hooks = append(hooks, h)
		}
	}
	s.mu.Unlock()
	page(w, q, hooks, (*webhook).wire)
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h, ok := s.webhooks[r.PathValue("webhook_id")]
	var v any
	if ok {
		v = h.wire()
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "webhook not found", nil)
		return
	}
	writeOne(w, v)
}

// webhookBody is the body of POST and PUT, every field optional here.
type webhookBody struct {
	URL      *string           `json:"url"`
	Triggers *[]string         `json:"triggers"`
	Headers  *[]propexo.Header `json:"headers"`
	Active   *bool             `json:"active"`
	Secret   *string           `json:"secret"`
	Model    *string           `json:"model"`
}

// createTriggers and updateTriggers are the trigger enums of POST and PUT
// in Propexo's reference: PUT also accepts the legacy JOB_SUCCESS.
var (
	createTriggers = []propexo.Trigger{
		propexo.TriggerDataUpdate, propexo.TriggerDataNew, propexo.TriggerJobFailure,
		propexo.TriggerSyncComplete, propexo.TriggerFirstSyncComplete, propexo.TriggerWriteOperationFailure,
	}
	updateTriggers = append(slices.Clone(createTriggers), propexo.TriggerJobSuccess)
)

// decodeWebhook reads and checks a POST (create) or PUT body as Propexo's
// schemas (strict Zod objects) do. It writes a 400 and returns false when
// the body is invalid.
func decodeWebhook(w http.ResponseWriter, r *http.Request, create bool) (webhookBody, bool) {
	var b webhookBody
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		badRequest(w, "invalid_type", "body must be a JSON object")
		return b, false
	}
	var unknown []string
	for k := range raw {
		if !slices.Contains([]string{"url", "triggers", "headers", "active", "secret", "model"}, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		writeError(w, http.StatusBadRequest, "invalid_request", "invalid request", []issue{{
			Code: "unrecognized_keys", Path: []string{}, Keys: unknown,
			Message: "Unrecognized key(s) in object: '" + strings.Join(unknown, "', '") + "'",
		}})
		return b, false
	}
	rb, _ := json.Marshal(raw)
	if err := json.Unmarshal(rb, &b); err != nil {
		badRequest(w, "invalid_type", "a field has the wrong type")
		return b, false
	}
	enum := updateTriggers
	if create {
		enum = createTriggers
	}
	switch {
	case create && b.URL == nil:
		badRequest(w, "invalid_type", "Required", "url")
	case b.URL != nil && !absoluteURL(*b.URL):
		badRequest(w, "invalid_string", "Invalid url", "url")
	case create && (b.Triggers == nil || len(*b.Triggers) == 0):
		badRequest(w, "too_small", "Array must contain at least 1 element(s)", "triggers")
	case b.Triggers != nil && slices.ContainsFunc(*b.Triggers, func(t string) bool { return !slices.Contains(enum, propexo.Trigger(t)) }):
		badRequest(w, "invalid_enum_value", "Invalid enum value", "triggers")
	case b.Secret != nil && len(*b.Secret) < 10:
		badRequest(w, "too_small", "String must contain at least 10 character(s)", "secret")
	case b.Model != nil && !propexo.Model(*b.Model).Known():
		badRequest(w, "invalid_enum_value", "Invalid enum value", "model")
	default:
		return b, true
	}
	return b, false
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// newSecret returns a generated webhook secret; Propexo's form is not
// documented.
func newSecret() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// apply writes b to h; model is the model of h's DATA_* triggers.
func (s *Server) apply(h *webhook, b webhookBody) {
	if b.URL != nil {
		h.url = *b.URL
	}
	if b.Headers != nil {
		h.headers = slices.Clone(*b.Headers)
	}
	if b.Active != nil {
		h.active = *b.Active
	}
	if b.Secret != nil {
		h.secret = *b.Secret
	}
	model := propexo.Model("")
	if b.Model != nil {
		model = propexo.NormalizeModel(*b.Model)
	} else {
		for _, t := range h.triggers {
			if t.model != "" {
				model = t.model
			}
		}
	}
	triggers := make([]propexo.Trigger, 0, len(h.triggers))
	if b.Triggers != nil {
		for _, t := range *b.Triggers {
			triggers = append(triggers, propexo.Trigger(t))
		}
	} else {
		for _, t := range h.triggers {
			triggers = append(triggers, t.trigger)
		}
	}
	h.triggers = h.triggers[:0]
	for _, t := range triggers {
		wt := webhookTrigger{id: s.newID(), trigger: t}
		if t == propexo.TriggerDataNew || t == propexo.TriggerDataUpdate {
			wt.model = model
		}
		h.triggers = append(h.triggers, wt)
	}
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	b, ok := decodeWebhook(w, r, true)
	if !ok {
		return
	}
	s.mu.Lock()
	now := s.now()
	h := &webhook{id: s.newID(), createdAt: now, updatedAt: now, secret: newSecret()}
	h.seq = s.seq
	s.apply(h, b)
	s.webhooks[h.id] = h
	v := h.wire()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"result": v})
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) {
	b, ok := decodeWebhook(w, r, false)
	if !ok {
		return
	}
	s.mu.Lock()
	h, found := s.webhooks[r.PathValue("webhook_id")]
	var v any
	if found {
		s.apply(h, b)
		h.updatedAt = s.now()
		v = h.wire()
	}
	s.mu.Unlock()
	if !found {
		writeError(w, http.StatusNotFound, "not_found", "webhook not found", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": v})
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("webhook_id")
	s.mu.Lock()
	_, found := s.webhooks[id]
	delete(s.webhooks, id)
	s.mu.Unlock()
	if !found {
		writeError(w, http.StatusNotFound, "not_found", "webhook not found", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": map[string]string{"id": id}})
}

// target is one subscribed URL a delivery goes to.
type target struct {
	url     string
	secret  string
	headers []propexo.Header
}

// targets returns the enabled webhooks that select trigger t of model m,
// oldest first.
func (s *Server) targets(t propexo.Trigger, m propexo.Model) []target {
	s.mu.Lock()
	defer s.mu.Unlock()
	var hooks []*webhook
	for _, h := range s.webhooks {
		if h.selects(t, m) {
			hooks = append(hooks, h)
		}
	}
	slices.SortFunc(hooks, func(a, b *webhook) int { return a.seq - b.seq })
	out := make([]target, 0, len(hooks))
	for _, h := range hooks {
		out = append(out, target{url: h.url, secret: h.secret, headers: slices.Clone(h.headers)})
	}
	return out
}

// compact returns b without insignificant white space.
func compact(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}
