package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

const mockUsage = `Usage:
  pmshooks mock PROVIDER [--addr HOST:PORT]

Mock serves the fake API of a provider, the same one its <provider>test
package starts in Go tests (NewServer): subscriptions, records (bookings,
reservations, messages, ...), OAuth tokens where the provider has them, with
the provider's envelopes, pagination and errors. Point a client at it with
the printed base URL (WithBaseURL) and credentials, to try hydration or a
subscription flow without an account. State lives in memory until Ctrl-C.
`

const mockExamples = `Examples:
  pmshooks mock ownerrez
  pmshooks mock channex --addr 127.0.0.1:9100
`

// mockServer is what every <provider>test fake offers the command.
type mockServer interface {
	URL() string
	Handler() http.Handler
	Close()
}

// mockProvider is one provider's fake and the credentials it accepts.
type mockProvider struct {
	start func() mockServer
	creds [][2]string // name, value
}

func mockProviders() map[string]mockProvider {
	return map[string]mockProvider{
		"bookingsync": {
			start: func() mockServer { return bookingsynctest.NewServer() },
			creds: [][2]string{
				{"OAuth client id", bookingsynctest.ClientID},
				{"OAuth client secret", bookingsynctest.ClientSecret},
				{"access token", bookingsynctest.AccessToken},
			},
		},
		"channex": {
			start: func() mockServer { return channextest.NewServer() },
			creds: [][2]string{
				{"API key (user-api-key header)", channextest.APIKey},
				{"property id", channextest.PropertyID},
			},
		},
		"hostaway": {
			start: func() mockServer { return hostawaytest.NewServer() },
			creds: [][2]string{
				{"account id (client_id)", hostawaytest.AccountID},
				{"client secret", hostawaytest.ClientSecret},
			},
		},
		"ownerrez": {
			start: func() mockServer { return ownerreztest.NewServer() },
			creds: [][2]string{
				{"personal token user (e-mail)", ownerreztest.Email},
				{"personal token", ownerreztest.PersonalToken},
				{"OAuth access token", ownerreztest.AccessToken},
				{"OAuth client id", ownerreztest.ClientID},
				{"OAuth client secret", ownerreztest.ClientSecret},
			},
		},
		"propexo": {
			start: func() mockServer { return propexotest.NewServer() },
			creds: [][2]string{
				{"API key (Authorization: Bearer)", propexotest.APIKey},
				{"integration id", propexotest.IntegrationID},
			},
		},
	}
}

func (a *app) mock(ctx context.Context, args []string) error {
	c := newCLI("pmshooks mock", mockUsage)
	c.extra = func(w io.Writer) { fmt.Fprint(w, mockExamples) }
	providers := mockProviders()
	names := make([]string, 0, len(providers))
	for n := range providers {
		names = append(names, n)
	}
	slices.Sort(names)
	choices := strings.Join(names, ", ")

	name, rest, err := c.word(a.stdout, args, "PROVIDER", choices)
	if err != nil {
		return err
	}
	addr := c.String("addr", defaultListenAddr, "listen on `host:port` (port 0 picks a free port)")
	pos, err := c.parse(a.stdout, rest)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return c.usagef("unexpected argument %q", pos[0])
	}
	p, ok := providers[name]
	if !ok {
		return c.usagef("unknown provider %q (providers: %s)", name, choices)
	}

	fake := p.start()
	defer fake.Close()
	u, err := url.Parse(fake.URL())
	if err != nil {
		return c.fail(err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return c.fail(err)
	}
	base := "http://" + urlHost(ln.Addr()) + u.Path
	fmt.Fprintf(a.stdout, "pmshooks mock: the fake %s API is at %s\n\n", name, base)
	tw := tabwriter.NewWriter(a.stdout, 0, 8, 2, ' ', 0)
	for _, cr := range p.creds {
		fmt.Fprintf(tw, "  %s\t%s\n", cr[0], cr[1])
	}
	_ = tw.Flush()
	fmt.Fprintf(a.stdout, "\nUse it with %s.NewClient(..., %s.WithBaseURL(%q)). Ctrl-C stops.\n", name, name, base)

	srv := &http.Server{
		Handler:           fake.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(a.stderr, "pmshooks mock: ", 0),
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
	fmt.Fprintln(a.stdout, "pmshooks mock: stopped")
	return nil
}
