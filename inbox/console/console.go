package console

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/inbox"
)

//go:embed assets templates
var files embed.FS

// ErrNoAccessControl is returned by New when it was given neither
// WithAuthorize nor InsecureLocalOnly.
var ErrNoAccessControl = errors.New("console: no access control: pass WithAuthorize, or InsecureLocalOnly for a local tool")

// DefaultPollInterval is how often the console reads the inbox's Watermark
// while a page is open, to push changes to it.
const DefaultPollInterval = time.Second

// Option configures New.
type Option func(*config)

type config struct {
	authorize []func(*http.Request) bool
	logger    *slog.Logger
	poll      time.Duration
}

// WithAuthorize sets the function that decides whether a request may see
// the console: every request, its pages, assets, live updates and actions,
// is answered 403 Forbidden unless authorize returns true. Put the console
// behind your own authentication and check the user's role here. A nil
// authorize is ignored.
func WithAuthorize(authorize func(*http.Request) bool) Option {
	return func(c *config) {
		if authorize != nil {
			c.authorize = append(c.authorize, authorize)
		}
	}
}

// InsecureLocalOnly serves the console without authentication to requests
// from the loopback interface (127.0.0.0/8, ::1) whose Host is a loopback
// name or address (localhost, 127.0.0.1, [::1]), and refuses every other
// request. The Host check stops a web page from reaching the console
// through a DNS name rebound to 127.0.0.1. It is for a developer's own
// machine (pmshooks listen): anyone with a shell on the machine sees the
// deliveries, guests' personal data included. With WithAuthorize too, a
// request must pass both.
func InsecureLocalOnly() Option {
	return func(c *config) { c.authorize = append(c.authorize, isLocal) }
}

// WithLogger logs each action (retry, replay, purge) to l, with its outcome
// and the client's address. A nil l is ignored; without this option the
// actions are logged to slog.Default(), since an operator's action on
// deliveries is worth a line.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithPollInterval sets how often the console reads the inbox's Watermark
// while a page is open (DefaultPollInterval when zero or less). One read
// serves every open page of the Handler.
func WithPollInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.poll = d
		}
	}
}

// Handler serves the console of one inbox. It is safe for concurrent use.
type Handler struct {
	ib        *inbox.Inbox
	authorize []func(*http.Request) bool
	log       *slog.Logger
	mux       *http.ServeMux
	pages     *template.Template
	hub       *hub
}

// New returns the console of ib. It fails with ErrNoAccessControl unless it
// is given WithAuthorize or InsecureLocalOnly, and when ib is nil.
//
// Mount it under any prefix with http.StripPrefix; its links are relative:
//
//	mux.Handle("/admin/inbox/", http.StripPrefix("/admin/inbox", h))
func New(ib *inbox.Inbox, opts ...Option) (*Handler, error) {
	if ib == nil {
		return nil, errors.New("console: New with a nil *inbox.Inbox")
	}
	c := config{poll: DefaultPollInterval}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if len(c.authorize) == 0 {
		return nil, ErrNoAccessControl
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	pages, err := template.New("console").Funcs(funcs).ParseFS(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	h := &Handler{ib: ib, authorize: c.authorize, log: c.logger, pages: pages, hub: newHub(ib, c.poll)}
	assets, err := fs.Sub(files, "assets")
	if err != nil {
		return nil, err
	}
	cop := http.NewCrossOriginProtection()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.list)
	mux.HandleFunc("GET /d/{id}", h.delivery)
	mux.HandleFunc("GET /events", h.events)
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(assets)))
	mux.Handle("POST /d/{id}/retry", cop.Handler(http.HandlerFunc(h.retry)))
	mux.Handle("POST /d/{id}/replay", cop.Handler(http.HandlerFunc(h.replay)))
	mux.Handle("POST /purge", cop.Handler(http.HandlerFunc(h.purge)))
	h.mux = mux
	return h, nil
}

// ServeHTTP answers 403 Forbidden, with nothing of the inbox, unless every
// authorization check passes; then it serves the console. Unsafe methods
// (the actions) are refused with 403 when the browser says they come from
// another origin (http.CrossOriginProtection).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, ok := range h.authorize {
		if !ok(r) {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	h.mux.ServeHTTP(w, r)
}

// isLocal is InsecureLocalOnly's check.
func isLocal(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return false
	}
	name := r.Host
	if h, _, err := net.SplitHostPort(name); err == nil {
		name = h
	}
	name = strings.Trim(strings.ToLower(name), "[]")
	if name == "localhost" {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}
