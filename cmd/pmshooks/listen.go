package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/inbox/console"
	"github.com/pmshooks/pmshooks/internal/registry"
	"github.com/pmshooks/pmshooks/verify"
)

const listenUsage = `Usage:
  pmshooks listen [--addr HOST:PORT] [--db FILE] [--save DIR] [--max-body BYTES] [-v]

Listen runs one webhook receiver for all five providers, on
POST /hooks/{provider}, and prints each delivery as it arrives: the status it
answered, the provider, the provider's event name, the normalized type, the
subject and whether it was verified, or why it was refused (401 for bad
credentials, 400 for a body that is not the provider's, 413 for one too large).
Copies of a delivery already handled are answered 200 and shown as duplicates.

Each provider's credentials come from its environment variables (see 'pmshooks
send --help'). A provider whose variables are not set runs in development mode:
its secrets are generated at random for this run. Listen prints them at start,
with the exact 'pmshooks send' command that posts that provider a signed sample.

It stores each authenticated delivery in a SQLite inbox (package inbox),
--db FILE, by default pmshooks/listen.db in your user cache directory, so the
deliveries are kept across restarts, and serves the inbox console on its own
port at /ui/: the deliveries arriving live, their headers, body, decoded event
and attempts. The console has no authentication and serves loopback clients
only. 'pmshooks inbox replay --db FILE ID --to URL' re-sends a stored delivery,
signed again, to a handler of yours; 'pmshooks inbox ui --db FILE' serves the
console without receiving.

With --save DIR, it writes the body of each authenticated delivery to DIR as
PROVIDER-TIME-ID.json and prints the 'pmshooks inspect' command that reads it.

It stops, after the deliveries in progress, on Ctrl-C (SIGINT) or SIGTERM.
`

const listenExamples = `Examples:
  pmshooks listen
  pmshooks listen --addr :9000 -v
  pmshooks listen --save captured
  PROPEXO_WEBHOOK_SECRET=s3cr3t pmshooks listen
`

func (a *app) listen(ctx context.Context, args []string) error {
	c := newCLI("pmshooks listen", listenUsage)
	c.extra = func(w io.Writer) { fmt.Fprint(w, listenExamples) }
	addr := c.String("addr", defaultListenAddr, "listen on `host:port` (port 0 picks a free port)")
	verbose := c.Bool("v", false, "also print each event and its typed payload as JSON")
	dbFile := c.String("db", "", "keep deliveries in this SQLite `FILE` (default pmshooks/listen.db in the user cache directory)")
	save := c.String("save", "", "write each authenticated body to a file in `DIR` (created if missing), for inspect")
	maxBody := c.Int64("max-body", event.DefaultBodyLimit, "the largest body accepted, in `bytes`; larger ones are answered 413")
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return c.usagef("unexpected argument %q", pos[0])
	}

	if *save != "" {
		if err := os.MkdirAll(*save, 0o700); err != nil {
			return c.fail(err)
		}
	}
	if *dbFile == "" {
		if *dbFile, err = a.listenDB(); err != nil {
			return c.fail(err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(*dbFile), 0o700); err != nil {
		return c.fail(err)
	}
	db, _, err := inbox.OpenDB(*dbFile)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	ib, err := inbox.New(db, inbox.SQLite, withDecoders()...)
	if err != nil {
		return c.fail(err)
	}
	if err := ib.Migrate(ctx); err != nil {
		return c.failf("the inbox in %s: %w", *dbFile, err)
	}
	ui, err := console.New(ib, console.InsecureLocalOnly(), console.WithLogger(slog.New(slog.NewTextHandler(a.stderr, nil))))
	if err != nil {
		return c.fail(err)
	}
	l := &listener{out: a.stdout, verbose: *verbose, routes: map[string]http.Handler{}, store: map[string]http.Handler{},
		maxBody: *maxBody, saveDir: *save, cmdline: a.commandLine}
	var setups []listenSetup
	for _, p := range registry.All() {
		s := listenCredentials(p, a.getenv)
		v, err := p.NewVerifier(s.values)
		if err != nil {
			return c.failf("%s credentials: %w", p.Name, err)
		}
		rc, err := p.NewReceiver(v)
		if err != nil {
			return c.failf("%s: %w", p.Name, err)
		}
		l.routes[string(p.Name)] = event.NewHTTPHandler(rc, event.HandlerFunc(noteEvent),
			event.WithLogger(slog.New(noteHandler{})), event.WithBodyLimit(*maxBody))
		l.store[string(p.Name)] = ib.HTTPHandler(rc, event.WithBodyLimit(*maxBody))
		setups = append(setups, s)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /hooks/{provider}", l)
	mux.Handle(consolePath, http.StripPrefix(consolePath[:len(consolePath)-1], ui))

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return c.fail(err)
	}
	base := "http://" + urlHost(ln.Addr())
	l.write(banner(base, setups, a.commandLine))
	l.write(fmt.Sprintf("\nInbox console: %s%s (local only: no authentication; loopback clients only)\nDeliveries kept in %s\n",
		base, consolePath, *dbFile))

	// The workers mark what listen stored done: listen's handler is the
	// printing above. Replay a delivery to your own handler with
	// 'pmshooks inbox replay'.
	workers, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorkers()
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		_ = ib.Run(workers, event.HandlerFunc(func(context.Context, event.Event) error { return nil }))
	}()
	defer func() { stopWorkers(); <-ran }()

	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(a.stderr, "pmshooks listen: ", 0),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return c.fail(err)
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(stop)
	<-served
	if err != nil {
		return c.failf("shutdown: %w", err)
	}
	l.write("pmshooks listen: stopped\n")
	return nil
}

// listenSetup is the credentials one provider is received with.
type listenSetup struct {
	p      registry.Provider
	values map[string]string // keyed by environment variable
	origin map[string]string // "environment", "default" or "generated", by variable
}

// listenCredentials reads p's credentials from the environment; when a
// required one is unset, it generates development ones for the variables
// not set.
func listenCredentials(p registry.Provider, getenv func(string) string) listenSetup {
	s := listenSetup{p: p, origin: map[string]string{}}
	values, missing := p.FromEnv(getenv)
	dev := map[string]string{}
	if len(missing) > 0 {
		dev = p.DevCredentials()
	}
	for _, cr := range p.Credentials {
		switch {
		case getenv(cr.Env) != "":
			s.origin[cr.Env] = "environment"
		case len(missing) > 0 && dev[cr.Env] != cr.Default:
			values[cr.Env] = dev[cr.Env]
			s.origin[cr.Env] = "generated"
		default:
			s.origin[cr.Env] = "default"
		}
	}
	s.values = values
	return s
}

// banner is what listen prints at start: each provider's endpoint,
// credentials and send command, made by cmdline (app.commandLine).
func banner(base string, setups []listenSetup, cmdline func(...string) string) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "pmshooks listen: receiving webhooks on %s/hooks/{provider}\n\n", base)
	dev := false
	for _, s := range setups {
		url := base + "/hooks/" + string(s.p.Name)
		fmt.Fprintf(&b, "%s  %s\n", s.p.Name, url)
		tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
		cmd := []string{"send", string(s.p.Name), tryEvent(s.p), "--url", url}
		for _, cr := range s.p.Credentials {
			switch o := s.origin[cr.Env]; o {
			case "environment":
				fmt.Fprintf(tw, "  %s\t(from the environment)\n", cr.Env)
			default:
				fmt.Fprintf(tw, "  %s=%s\t(%s)\n", cr.Env, shellQuote(s.values[cr.Env]), o)
				if o == "generated" {
					dev = true
					cmd = append(cmd, "--"+credFlagName(s.p, cr.Env), s.values[cr.Env])
				}
			}
		}
		_ = tw.Flush()
		fmt.Fprintf(&b, "  try: %s\n", cmdline(cmd...))
	}
	if dev {
		fmt.Fprintln(&b, "\nDEVELOPMENT MODE: the credentials marked (generated) are random, for this run")
		fmt.Fprintln(&b, "only. Set the environment variables to receive with your own.")
	}
	fmt.Fprintln(&b, "\nWaiting for deliveries; Ctrl-C stops.")
	return b.String()
}

// tryEvent is the event of p that the banner's send command posts: its
// first demo event that creates a booking, else its first demo event.
func tryEvent(p registry.Provider) string {
	demo := p.DemoEvents()
	if rc, err := p.NewReceiver(verify.Unverified()); err == nil {
		for _, name := range demo {
			if e, err := decodeSample(p, rc, name); err == nil && e.Type() == event.BookingCreated {
				return name
			}
		}
	}
	return demo[0]
}

// discardWriter is the ResponseWriter of the inbox's store handler, whose
// answer listen does not send (the printing handler answered).
type discardWriter struct {
	header http.Header
	code   int
}

func (d *discardWriter) Header() http.Header { return d.header }

func (d *discardWriter) Write(b []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	return len(b), nil
}

func (d *discardWriter) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}

// listener serves POST /hooks/{provider} and prints every delivery.
type listener struct {
	routes  map[string]http.Handler // event.NewHTTPHandler, by provider
	store   map[string]http.Handler // inbox.HTTPHandler, by provider
	maxBody int64
	verbose bool
	// saveDir, when set, is where each authenticated body is written.
	saveDir string
	// cmdline makes the command lines printed (app.commandLine).
	cmdline func(...string) string

	mu  sync.Mutex // serializes out
	out io.Writer
}

func (l *listener) write(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.out, s)
}

func (l *listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(r.PathValue("provider"))
	h, ok := l.routes[name]
	stamp := time.Now().Format("15:04:05")
	if !ok {
		http.Error(w, "unknown provider", http.StatusNotFound)
		l.write(fmt.Sprintf("%s 404 %q: unknown provider (known: %s)\n", stamp, r.PathValue("provider"), strings.Join(providerNames(), ", ")))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, l.maxBody+1))
	if err != nil {
		http.Error(w, "body unreadable", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	n := &note{}
	rec := &statusRecorder{ResponseWriter: w}
	h.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), noteKey{}, n)))
	if n.event != nil && rec.status() == http.StatusOK {
		// Authenticated and decoded: keep it in the inbox too.
		sr := r.Clone(context.WithoutCancel(r.Context()))
		sr.Body = io.NopCloser(bytes.NewReader(body))
		st := &discardWriter{header: http.Header{}}
		l.store[name].ServeHTTP(st, sr)
		if st.code != 0 && st.code != http.StatusOK {
			l.write(fmt.Sprintf("         not stored in the inbox: %d\n", st.code))
		}
	}
	report := n.report(stamp, rec.status(), name, l.verbose)
	if n.event != nil && l.saveDir != "" {
		report += l.saveBody(name, n.event)
	}
	l.write(report)
}

// saveBody writes the body of e, which the receiver authenticated, to
// saveDir, and returns the line that tells where and how to inspect it.
func (l *listener) saveBody(provider string, e event.Event) string {
	file := filepath.Join(l.saveDir, savedName(provider, time.Now(), e.ID()))
	// 0600: a delivery holds guests' personal data.
	if err := os.WriteFile(file, e.Raw(), 0o600); err != nil {
		return fmt.Sprintf("         not saved: %v\n", err)
	}
	return fmt.Sprintf("         saved: %s\n", l.cmdline("inspect", provider, file))
}

// savedName is the file name listen --save gives a body: the provider, the
// time received and the start of the delivery's id, in characters safe in
// any file system and shell.
func savedName(provider string, at time.Time, id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	id = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, id)
	if len(id) > 12 {
		id = id[:12]
	}
	if id == "" {
		id = "noid"
	}
	return provider + "-" + at.UTC().Format("20060102T150405.000Z") + "-" + id + ".json"
}

// note is what one request tells about its delivery: the event the handler
// got, or the log record of the receiver explaining why there was none.
type note struct {
	event    event.Event
	msg, err string // the last log message and its error
	name, id string // the event name and id the log gave
}

type noteKey struct{}

// noteEvent is the event.Handler of listen: it records the event in the
// request's note.
func noteEvent(ctx context.Context, e event.Event) error {
	if n, ok := ctx.Value(noteKey{}).(*note); ok {
		n.event = e
	}
	return nil
}

// report formats the lines that listen prints for the delivery.
func (n *note) report(stamp string, status int, provider string, verbose bool) string {
	var b bytes.Buffer
	if e := n.event; e != nil {
		fmt.Fprintf(&b, "%s %d %s %s -> %s", stamp, status, provider, e.Name(), e.Type())
		if s := e.Subject().String(); s != "" {
			fmt.Fprintf(&b, " %s", s)
		}
		fmt.Fprintf(&b, " (verified, id %s)\n", shortID(e.ID()))
		if line := summary(e); line != "" {
			fmt.Fprintf(&b, "         %s\n", line)
		}
		if verbose {
			_ = writeEventJSON(&b, e, true)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%s %d %s", stamp, status, provider)
	if n.name != "" {
		fmt.Fprintf(&b, " %s", n.name)
	}
	msg := n.msg
	if msg == "" {
		msg = http.StatusText(status)
	}
	fmt.Fprintf(&b, " %s", msg)
	if n.err != "" {
		fmt.Fprintf(&b, ": %s", n.err)
	}
	if n.id != "" {
		fmt.Fprintf(&b, " (id %s)", shortID(n.id))
	}
	b.WriteByte('\n')
	return b.String()
}

// shortID shortens the body hashes that stand for the ids of deliveries
// without one (event.HashID): enough to tell them apart on a terminal.
func shortID(id string) string {
	if strings.HasPrefix(id, "sha256:") && len(id) > 19 {
		return id[:19] + "..."
	}
	return id
}

// summary describes the booking or message e carries in one line.
func summary(e event.Event) string {
	if bk, ok := event.BookingOf(e); ok {
		parts := []string{"booking " + bk.ID, string(bk.Status)}
		if !bk.Arrival.IsZero() || !bk.Departure.IsZero() {
			parts = append(parts, bk.Arrival.String()+".."+bk.Departure.String())
		}
		parts = appendNonEmpty(parts, bk.Guest.Name, string(bk.Channel), bk.Total.String())
		return strings.Join(parts, " ")
	}
	if m, ok := event.MessageOf(e); ok {
		from := "host"
		if m.Incoming {
			from = "guest"
		}
		body := strings.Join(strings.Fields(m.Body), " ")
		if r := []rune(body); len(r) > 60 {
			body = string(r[:60]) + "..."
		}
		return fmt.Sprintf("message %s from the %s: %q", m.ID, from, body)
	}
	return ""
}

func appendNonEmpty(parts []string, more ...string) []string {
	for _, s := range more {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return parts
}

// noteHandler is the slog.Handler given to event.NewHTTPHandler: it records
// in the request's note why a delivery was refused or not handled again,
// which the handler tells only its log.
type noteHandler struct{ attrs []slog.Attr }

func (noteHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h noteHandler) Handle(ctx context.Context, r slog.Record) error {
	n, ok := ctx.Value(noteKey{}).(*note)
	if !ok {
		return nil
	}
	n.msg = r.Message
	set := func(a slog.Attr) bool {
		switch a.Key {
		case "err":
			n.err = a.Value.String()
		case "event":
			n.name = a.Value.String()
		case "id":
			n.id = a.Value.String()
		}
		return true
	}
	for _, a := range h.attrs {
		set(a)
	}
	r.Attrs(set)
	return nil
}

func (h noteHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return noteHandler{attrs: append(slices.Clip(h.attrs), as...)}
}

func (h noteHandler) WithGroup(string) slog.Handler { return h }

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}

// urlHost is the host:port to put in URLs for a listening address: the
// loopback address when it listens on all interfaces.
func urlHost(addr net.Addr) string {
	ta, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	ip := ta.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(ta.Port))
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	safe := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r)
	}
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !safe(r) }) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
