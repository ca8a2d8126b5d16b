package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/registry"
	"github.com/pmshooks/pmshooks/verify"
)

// defaultListenAddr is where listen receives and send posts by default.
const defaultListenAddr = "127.0.0.1:8080"

const sendUsage = `Usage:
  pmshooks send PROVIDER EVENT [--url URL] [CREDENTIAL FLAGS] [-H 'Name: value']...
  pmshooks send PROVIDER --list

Send posts the sample delivery of EVENT (the provider's own event name), signed
or authenticated exactly as the provider does, to URL, and prints the status the
receiver answered. It fails (exit status 1) unless that status is 2xx.

The credentials are the provider's verifier settings: the same values your
receiver is configured with. 'pmshooks listen' prints development ones, with
the send command for each provider.

--list prints the provider's events that have a sample, with their normalized
type.
`

const sendExamples = `Examples:
  pmshooks send propexo --list
  pmshooks send propexo DATA_NEW --webhook-secret s3cr3t
  PROPEXO_WEBHOOK_SECRET=s3cr3t pmshooks send propexo DATA_NEW --url https://dev.example/hooks/propexo
  pmshooks send hostaway reservation.created --unsigned      # expect 401
`

func (a *app) send(ctx context.Context, args []string) error {
	c := newCLI("pmshooks send", sendUsage)
	c.extra = func(w io.Writer) { fmt.Fprint(w, sendExamples) }
	url := c.String("url", "", "post to `URL` (default http://"+defaultListenAddr+"/hooks/PROVIDER, where listen receives)")
	list := c.Bool("list", false, "list the provider's events and exit")
	unsigned := c.Bool("unsigned", false, "send without credentials, to see the receiver refuse it")
	verbose := c.Bool("v", false, "print the request and the response in full")
	timeout := c.Duration("timeout", 10*time.Second, "give up after this `duration`")
	var headers headerFlag
	c.Var(&headers, "H", "add or replace a request header `'Name: value'` (repeatable), after signing")
	creds := addCredentialFlags(c)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return c.usagef("missing PROVIDER (one of %s)", strings.Join(providerNames(), ", "))
	}
	p, err := lookupProvider(c, pos[0])
	if err != nil {
		return err
	}
	if *list {
		if len(pos) > 1 {
			return c.usagef("--list takes no EVENT")
		}
		return a.listEvents(p)
	}
	switch len(pos) {
	case 1:
		return c.usagef("missing EVENT: '%s send %s --list' lists %s's events", a.selfName(), p.Name, p.Name)
	case 2:
	default:
		return c.usagef("want PROVIDER EVENT, got %d arguments", len(pos))
	}
	name := pos[1]
	if _, err := p.Sample(name); err != nil {
		return unknownEvent(c, p, name)
	}

	var signer verify.Signer
	if *unsigned {
		if g := creds.given(); len(g) > 0 {
			return c.usagef("--unsigned and --%s exclude each other", g[0])
		}
	} else {
		values, err := creds.resolve(p, a.getenv)
		if err != nil {
			return err
		}
		v, err := p.NewVerifier(values)
		if err != nil {
			return c.failf("%s credentials: %w", p.Name, err)
		}
		signer = v
	}
	target := *url
	if target == "" {
		target = "http://" + defaultListenAddr + "/hooks/" + string(p.Name)
	}
	req, err := p.NewRequest(target, name, signer)
	if err != nil {
		return c.fail(err)
	}
	for k, vs := range headers.header() {
		req.Header[k] = vs
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req = req.WithContext(ctx)

	if *verbose {
		dump, err := httputil.DumpRequestOut(req, true)
		if err == nil {
			fmt.Fprintf(a.stdout, "%s\n\n", dump)
		}
	}
	how := "signed"
	if signer == nil {
		how = "unsigned"
	}
	fmt.Fprintf(a.stdout, "POST %s (%s %s, %s)\n", target, p.Name, name, how)
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return c.fail(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	fmt.Fprintln(a.stdout, resp.Status)
	if *verbose {
		fmt.Fprintf(a.stdout, "%s\n", body)
	}
	if resp.StatusCode/100 != 2 {
		return c.failf("the receiver answered %s", resp.Status)
	}
	return nil
}

// listEvents prints p's events with their normalized types.
func (a *app) listEvents(p registry.Provider) error {
	rc, err := p.NewReceiver(verify.Unverified())
	if err != nil {
		return failf("pmshooks send", "%s: %w", p.Name, err)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 8, 2, ' ', 0)
	for _, name := range p.Events() {
		typ := "?"
		if e, err := decodeSample(p, rc, name); err == nil {
			typ = string(e.Type())
		}
		fmt.Fprintf(tw, "%s\t%s\n", name, typ)
	}
	return tw.Flush()
}

// decodeSample decodes the sample of the event name with the headers the
// provider sends with it.
func decodeSample(p registry.Provider, rc registry.Receiver, name string) (event.Event, error) {
	req, err := p.NewRequest("http://localhost/", name, nil)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	return rc.Decode(req.Header, body)
}
