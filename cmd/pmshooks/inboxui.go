package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/inbox/console"
	"github.com/pmshooks/pmshooks/internal/registry"
	"github.com/pmshooks/pmshooks/verify"
)

// consolePath is where listen and inbox ui serve the console.
const consolePath = "/ui/"

// defaultConsoleAddr is where inbox ui serves by default: beside listen's
// port, on loopback.
const defaultConsoleAddr = "127.0.0.1:8081"

// withDecoders are the inbox options that let the console and the workers
// decode the deliveries of every provider without receiving them.
func withDecoders() []inbox.Option {
	var opts []inbox.Option
	for _, p := range registry.All() {
		if rc, err := p.NewReceiver(verify.Unverified()); err == nil {
			opts = append(opts, inbox.WithDecoder(p.Name, rc))
		}
	}
	return opts
}

// listenDB is the SQLite file listen keeps its deliveries in by default:
// pmshooks/listen.db in the user's cache directory (see os.UserCacheDir), so
// that deliveries survive a restart and no project directory gets a file of
// guests' data.
func (a *app) listenDB() (string, error) {
	dir := a.cacheDir
	if dir == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no user cache directory for the default --db: %w", err)
		}
		dir = d
	}
	return filepath.Join(dir, "pmshooks", "listen.db"), nil
}

// serveConsole serves mux on ln until ctx ends.
func serveConsole(ctx context.Context, ln net.Listener, h http.Handler, stderr io.Writer, name string) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second, // the console's event stream lifts it for itself
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(stderr, name+": ", 0),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(stop)
	<-served
	return err
}

const inboxUIUsage = `Usage:
  pmshooks inbox ui --db DSN [--addr HOST:PORT]

UI serves the inbox console (package inbox/console) over an existing inbox
database: the deliveries with their state, headers, body, decoded event and
attempts, live, with retry, replay and purge. It serves loopback clients only,
without authentication (console.InsecureLocalOnly): to show the console to
others, mount it in your service behind your own authentication.
`

func (a *app) inboxUI(ctx context.Context, args []string) error {
	c, dsn := inboxCLI("ui", inboxUIUsage)
	addr := c.String("addr", defaultConsoleAddr, "serve on `host:port` (loopback clients only)")
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return c.usagef("unexpected argument %q", pos[0])
	}
	ib, closeDB, err := openInbox(c, *dsn, a.getenv, withDecoders()...)
	if err != nil {
		return err
	}
	defer closeDB()
	if _, err := ib.Stats(ctx); err != nil {
		return c.failf("%w%s", err, notMigratedHint)
	}
	h, err := console.New(ib, console.InsecureLocalOnly(), console.WithLogger(slog.New(slog.NewTextHandler(a.stderr, nil))))
	if err != nil {
		return c.fail(err)
	}
	mux := http.NewServeMux()
	mux.Handle(consolePath, http.StripPrefix(consolePath[:len(consolePath)-1], h))
	mux.Handle("/{$}", http.RedirectHandler(consolePath, http.StatusFound))
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(a.stdout, "pmshooks inbox ui: the console on http://%s%s (local only: no authentication; loopback clients only)\nCtrl-C stops.\n",
		urlHost(ln.Addr()), consolePath)
	if err := serveConsole(ctx, ln, mux, a.stderr, "pmshooks inbox ui"); err != nil {
		return c.fail(err)
	}
	return nil
}

const inboxReplayUsage = `Usage:
  pmshooks inbox replay --db DSN ID --to URL [CREDENTIAL FLAGS] [--timeout DURATION]

Replay re-sends the stored delivery ID (an inbox id that list prints) to URL,
a handler of yours such as a local receiver: the exact body, signed or
authenticated again as the provider does, with the credentials that 'pmshooks
send' takes (flags or the provider's environment variables), since the inbox
never stores credentials. It prints the status the handler answered and fails
unless it is 2xx. The stored delivery does not change.
`

func (a *app) inboxReplay(ctx context.Context, args []string) error {
	c, dsn := inboxCLI("replay", inboxReplayUsage)
	to := c.String("to", "", "post to `URL` (required)")
	timeout := c.Duration("timeout", 10*time.Second, "give up after this `duration`")
	creds := addCredentialFlags(c)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return c.usagef("want one ID")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return c.usagef("ID %q is not an inbox id", pos[0])
	}
	if *to == "" {
		return c.usagef("missing --to URL")
	}
	ib, closeDB, err := openInbox(c, *dsn, a.getenv)
	if err != nil {
		return err
	}
	defer closeDB()
	d, err := ib.Get(ctx, id)
	switch {
	case errors.Is(err, inbox.ErrNotFound):
		return c.fail(err)
	case err != nil:
		return c.failf("%w%s", err, notMigratedHint)
	}
	p, err := lookupProvider(c, string(d.Provider))
	if err != nil {
		return err
	}
	values, err := creds.resolve(p, a.getenv)
	if err != nil {
		return err
	}
	v, err := p.NewVerifier(values)
	if err != nil {
		return c.failf("%s credentials: %w", p.Name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := p.NewRequestBody(ctx, *to, d.Body, v)
	if err != nil {
		return c.fail(err)
	}
	for k, vs := range d.Header { // what the provider sent, less what signing set
		if _, set := req.Header[k]; !set && k != "Content-Length" {
			req.Header[k] = vs
		}
	}
	fmt.Fprintf(a.stdout, "POST %s (%s %s, delivery %d, signed)\n", *to, d.Provider, d.Name, d.ID)
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return c.fail(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	fmt.Fprintln(a.stdout, resp.Status)
	if resp.StatusCode/100 != 2 {
		return c.failf("the handler answered %s", resp.Status)
	}
	return nil
}
