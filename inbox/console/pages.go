package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
)

// pageSize is how many deliveries the list shows at once.
const pageSize = 50

// subjectLimit is how many deliveries of a subject a delivery's page shows.
const subjectLimit = 100

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.UTC().Format("2006-01-02 15:04:05.000Z")
	},
	"dur": func(d time.Duration) string {
		if d <= 0 {
			return "–"
		}
		return d.Round(time.Millisecond).String()
	},
	"short": func(s string, n int) string {
		s = strings.Join(strings.Fields(s), " ")
		if r := []rune(s); len(r) > n {
			return string(r[:n-1]) + "…"
		}
		return s
	},
}

// states are the states the list filters by, in the order it shows them.
var states = []inbox.State{inbox.StatePending, inbox.StateInFlight, inbox.StateDone, inbox.StateCoalesced, inbox.StateDead}

type listPage struct {
	Root string
	// Watermark is the inbox's Watermark read before the page's data:
	// the page's event stream reports any change since (see events).
	Watermark string
	Filter    listFilter
	States    []inbox.State
	Stats     inbox.Stats
	Rows      []inbox.Delivery
	Next      string // query of the next page; "" on the last
	Flash     string
	Err       string
	Template  string
}

// listFilter is the list's query string, as typed.
type listFilter struct {
	Provider, State, Type, Subject, From, To string
}

func (f listFilter) query(before int64) string {
	v := make([]string, 0, 7)
	add := func(k, s string) {
		if s != "" {
			v = append(v, k+"="+template.URLQueryEscaper(s))
		}
	}
	add("provider", f.Provider)
	add("state", f.State)
	add("type", f.Type)
	add("subject", f.Subject)
	add("from", f.From)
	add("to", f.To)
	if before > 0 {
		add("before", strconv.FormatInt(before, 10))
	}
	return "?" + strings.Join(v, "&")
}

// timeInput is the layout of an <input type="datetime-local">, read as UTC.
const timeInput = "2006-01-02T15:04"

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lf := listFilter{Provider: q.Get("provider"), State: q.Get("state"), Type: q.Get("type"),
		Subject: q.Get("subject"), From: q.Get("from"), To: q.Get("to")}
	page := listPage{Root: "./", Watermark: h.watermark(r), Filter: lf, States: states, Flash: flash(q.Get("flash"))}
	f := inbox.Filter{Provider: event.Provider(lf.Provider), Type: event.Type(lf.Type), NewestFirst: true,
		WithoutBody: true, Limit: pageSize}
	var errs []string
	if lf.State != "" {
		if !slices.Contains(states, inbox.State(lf.State)) {
			errs = append(errs, fmt.Sprintf("unknown state %q", lf.State))
		}
		f.State = inbox.State(lf.State)
	}
	if kind, id, ok := strings.Cut(lf.Subject, "/"); ok {
		f.Subject = event.Subject{Kind: kind, ID: id}
	} else if lf.Subject != "" {
		f.Subject.ID = lf.Subject
	}
	for _, t := range []struct {
		in  string
		out *time.Time
	}{{lf.From, &f.ReceivedFrom}, {lf.To, &f.ReceivedBefore}} {
		if t.in == "" {
			continue
		}
		v, err := time.Parse(timeInput, t.in)
		if err != nil {
			errs = append(errs, fmt.Sprintf("time %q: want YYYY-MM-DDTHH:MM (UTC)", t.in))
			continue
		}
		*t.out = v
	}
	if b := q.Get("before"); b != "" {
		if n, err := strconv.ParseInt(b, 10, 64); err == nil && n > 0 {
			f.Before = n
		}
	}
	if len(errs) == 0 {
		var err error
		if page.Rows, err = h.ib.List(r.Context(), f); err != nil {
			errs = append(errs, err.Error())
		} else if len(page.Rows) == pageSize {
			page.Next = lf.query(page.Rows[len(page.Rows)-1].ID)
		}
	}
	stats, err := h.ib.Stats(r.Context())
	if err != nil {
		errs = append(errs, err.Error())
	}
	page.Stats, page.Err = stats, strings.Join(errs, "; ")
	h.render(w, r, "list", page)
}

type deliveryPage struct {
	Root string
	// Watermark is the inbox's Watermark read before the page's data:
	// the page's event stream reports any change since (see events).
	Watermark string
	D         inbox.Delivery
	Headers   [][2]string
	Body      string
	Payload   string // the provider's typed payload as JSON
	Booking   string
	Message   string
	Decoded   *eventView
	DecodeEr  string
	Subject   []inbox.Delivery
	Finished  bool
	Flash     string
	Err       string
}

type eventView struct {
	Name, ID, Account string
	Type              event.Type
	Time              time.Time
}

func (h *Handler) delivery(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	wm := h.watermark(r)
	d, err := h.ib.Get(r.Context(), id)
	if errors.Is(err, inbox.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "the inbox did not answer", http.StatusServiceUnavailable)
		h.log.ErrorContext(r.Context(), "console: reading a delivery failed", "delivery", id, "err", err)
		return
	}
	p := deliveryPage{Root: "../", Watermark: wm, D: d, Body: pretty(d.Body), Flash: flash(r.URL.Query().Get("flash"))}
	switch d.State {
	case inbox.StateDone, inbox.StateCoalesced, inbox.StateDead:
		p.Finished = true
	}
	for _, k := range sortedKeys(d.Header) {
		for _, v := range d.Header[k] {
			p.Headers = append(p.Headers, [2]string{k, v})
		}
	}
	if e, err := h.ib.Decode(d); err != nil {
		p.DecodeEr = err.Error()
	} else {
		p.Decoded = &eventView{Name: e.Name(), ID: e.ID(), Account: e.Account(), Type: e.Type(), Time: e.Time()}
		p.Payload = indentJSON(e.Data())
		if b, ok := event.BookingOf(e); ok {
			p.Booking = indentJSON(b)
		}
		if m, ok := event.MessageOf(e); ok {
			p.Message = indentJSON(m)
		}
	}
	if d.Subject.ID != "" {
		p.Subject, err = h.ib.List(r.Context(), inbox.Filter{Provider: d.Provider, Subject: d.Subject,
			WithoutBody: true, Limit: subjectLimit})
		if err != nil {
			p.Err = err.Error()
		}
	}
	h.render(w, r, "delivery", p)
}

// render writes the page tmpl, or only its live part when the request asks
// for the fragment that the page's script swaps in on a change.
// watermark returns the inbox's Watermark as text, "" when it cannot be
// read (the page's stream then reports the next change only).
func (h *Handler) watermark(r *http.Request) string {
	w, err := h.ib.Watermark(r.Context())
	if err != nil {
		return ""
	}
	return w.String()
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, tmpl string, data any) {
	name := tmpl + ".html"
	if r.URL.Query().Get("fragment") == "live" {
		name = tmpl + "-live"
	}
	var b bytes.Buffer
	if err := h.pages.ExecuteTemplate(&b, name, data); err != nil {
		h.log.ErrorContext(r.Context(), "console: rendering failed", "page", tmpl, "err", err)
		http.Error(w, "rendering failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// pretty is body indented when it is JSON, else as received.
func pretty(body []byte) string {
	var b bytes.Buffer
	if json.Indent(&b, body, "", "  ") == nil {
		return b.String()
	}
	return string(body)
}

func indentJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprintf("(not shown: %v)", err)
	}
	return string(b)
}

func sortedKeys(h http.Header) []string {
	ks := make([]string, 0, len(h))
	for k := range h {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// flash is the notice shown after an action redirected back.
func flash(code string) string {
	switch code {
	case "retried":
		return "Retried: the delivery is pending again."
	case "replayed":
		return "Replayed: the delivery is pending again and its handler will run again."
	case "purged":
		return "Purged the done deliveries older than asked."
	}
	return ""
}

func (h *Handler) retry(w http.ResponseWriter, r *http.Request) {
	h.act(w, r, "retry", "retried", h.ib.Retry)
}

func (h *Handler) replay(w http.ResponseWriter, r *http.Request) {
	h.act(w, r, "replay", "replayed", h.ib.Replay)
}

// act runs an action on the delivery of the path, logs it and redirects to
// the delivery's page.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, action, done string, do func(ctx context.Context, id int64) error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	log := h.log.With("action", action, "delivery", id, "remote", r.RemoteAddr)
	switch err := do(r.Context(), id); {
	case errors.Is(err, inbox.ErrNotFound):
		log.WarnContext(r.Context(), "console action refused", "err", err)
		http.NotFound(w, r)
		return
	case errors.Is(err, inbox.ErrNotDead), errors.Is(err, inbox.ErrNotFinished):
		log.WarnContext(r.Context(), "console action refused", "err", err)
		http.Error(w, err.Error(), http.StatusConflict)
		return
	case err != nil:
		log.ErrorContext(r.Context(), "console action failed", "err", err)
		http.Error(w, "the inbox did not answer", http.StatusServiceUnavailable)
		return
	}
	log.InfoContext(r.Context(), "console action", "outcome", done)
	h.hub.bump()
	seeOther(w, "../"+strconv.FormatInt(id, 10)+"?flash="+done)
}

func (h *Handler) purge(w http.ResponseWriter, r *http.Request) {
	older, err := time.ParseDuration(r.PostFormValue("older_than"))
	if err != nil || older < 0 {
		http.Error(w, "older_than: want a duration such as 24h", http.StatusBadRequest)
		return
	}
	log := h.log.With("action", "purge", "older_than", older.String(), "remote", r.RemoteAddr)
	n, err := h.ib.Purge(r.Context(), older)
	if err != nil {
		log.ErrorContext(r.Context(), "console action failed", "purged", n, "err", err)
		http.Error(w, "the inbox did not answer", http.StatusServiceUnavailable)
		return
	}
	log.InfoContext(r.Context(), "console action", "outcome", "purged", "purged", n)
	h.hub.bump()
	seeOther(w, "./?flash=purged")
}

// seeOther redirects to a URL relative to the request's, which keeps the
// prefix the console is mounted under (http.Redirect would resolve it
// against the path without the prefix).
func seeOther(w http.ResponseWriter, rel string) {
	w.Header().Set("Location", rel)
	w.WriteHeader(http.StatusSeeOther)
}
