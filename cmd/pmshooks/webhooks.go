package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/pmshooks/pmshooks/bookingsync"
)

const webhooksUsage = `Usage:
  pmshooks webhooks PROVIDER list   [--json] [--base-url URL]
  pmshooks webhooks PROVIDER create --url URL [PROVIDER FLAGS] [--json] [--base-url URL]
  pmshooks webhooks PROVIDER delete ID [--base-url URL]
  pmshooks webhooks channex  test   [ID | --url URL ...] [--base-url URL]

Webhooks manages a provider's webhook subscriptions through its API: where the
provider delivers which events. The API keys come from environment variables,
never from flags (so they stay out of shell history); a missing one is named.
--base-url points the client at a staging API or a local fake.

Subscriptions created here carry the credentials of your receiver where the
provider sends them (Channex's secret header, Hostaway's Basic-auth pair,
Propexo's signing secret), read from the same variables as 'pmshooks listen'.

BookingSync has no subscription API: create its webhooks in its partner UI.

Run 'pmshooks webhooks PROVIDER --help' for a provider's actions and
'pmshooks webhooks PROVIDER ACTION --help' for their flags.
`

// userAgent identifies the command to the providers' APIs.
const userAgent = "pmshooks-cli (+https://github.com/pmshooks/pmshooks)"

// subscriptions is the webhooks command of one provider.
type subscriptions struct {
	provider string
	// env describes the environment variables the client reads, one line
	// each, for the help.
	env []string
	// baseURLs names the API roots, for the help of --base-url.
	baseURLs string
	actions  []subscriptionAction
}

// subscriptionAction is one action of a provider's webhooks command. run
// gets the arguments after the action.
type subscriptionAction struct {
	name, summary string
	run           func(ctx context.Context, args []string) error
}

func (a *app) subscriptions() []subscriptions {
	return []subscriptions{a.channexWebhooks(), a.hostawayWebhooks(), a.ownerrezWebhooks(), a.propexoWebhooks()}
}

func (a *app) webhooks(ctx context.Context, args []string) error {
	c := newCLI("pmshooks webhooks", webhooksUsage)
	all := a.subscriptions()
	c.extra = func(w io.Writer) { writeSubscriptionEnv(w, all) }
	name, rest, err := c.word(a.stdout, args, "PROVIDER", strings.Join(providerNames(), ", "))
	if err != nil {
		return err
	}
	p, err := lookupProvider(c, name)
	if err != nil {
		return err
	}
	if p.Name == bookingsync.Provider {
		if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help" || rest[0] == "-help") {
			fmt.Fprintf(a.stdout, "Usage:\n  pmshooks webhooks bookingsync\n\nThere are no actions: %s.\n", bookingsyncNoAPI)
			return nil
		}
		return c.failf("%s", bookingsyncNoAPI)
	}
	i := slices.IndexFunc(all, func(s subscriptions) bool { return s.provider == string(p.Name) })
	if i < 0 {
		return c.failf("%s has no webhook subscription API", p.Name)
	}
	s := all[i]
	pc := newCLI("pmshooks webhooks "+s.provider, s.usage())
	pc.extra = func(w io.Writer) { writeSubscriptionEnv(w, []subscriptions{s}) }
	var names []string
	for _, act := range s.actions {
		names = append(names, act.name)
	}
	action, rest, err := pc.word(a.stdout, rest, "ACTION", strings.Join(names, ", "))
	if err != nil {
		return err
	}
	for _, act := range s.actions {
		if act.name == action {
			return act.run(ctx, rest)
		}
	}
	if action == "test" {
		return pc.usagef("%s has no test call; '%s send %s EVENT --url URL' posts a signed sample to your receiver", s.provider, a.selfName(), s.provider)
	}
	return pc.usagef("unknown action %q (actions: %s)", action, strings.Join(names, ", "))
}

const bookingsyncNoAPI = "bookingsync has no webhook subscription API: create its webhooks in the BookingSync " +
	"partner UI (your application, Manage, Webhooks, New Webhook), where the signing secret is the application's " +
	"client secret (BOOKINGSYNC_CLIENT_SECRET)"

func (s subscriptions) usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage:\n  pmshooks webhooks %s ACTION [ARGUMENTS] [FLAGS]\n\nActions:\n", s.provider)
	for _, act := range s.actions {
		fmt.Fprintf(&b, "  %-7s %s\n", act.name, act.summary)
	}
	fmt.Fprintf(&b, "\nAPI roots (--base-url): %s\n", s.baseURLs)
	return b.String()
}

func writeSubscriptionEnv(w io.Writer, all []subscriptions) {
	fmt.Fprintln(w, "Environment:")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, s := range all {
		for _, line := range s.env {
			fmt.Fprintf(tw, "  %s\t%s\n", s.provider, line)
		}
	}
	_ = tw.Flush()
}

// apiCLI is the command line of an action that calls a provider's API.
type apiCLI struct {
	*cli
	baseURL *string
	asJSON  *bool // nil unless the action prints objects
}

func newAPICLI(provider, action, usage, defaultURL string, withJSON bool) *apiCLI {
	c := &apiCLI{cli: newCLI("pmshooks webhooks "+provider+" "+action, usage)}
	c.baseURL = c.String("base-url", "", "the API root `URL`, for a staging API or a fake (default "+defaultURL+")")
	if withJSON {
		c.asJSON = c.Bool("json", false, "print the webhooks as JSON, with snake_case keys (id, url, enabled, ...); secrets redacted")
	}
	return c
}

// json reports whether --json was given.
func (c *apiCLI) json() bool { return c.asJSON != nil && *c.asJSON }

// requireEnv returns the variables names, or a failure naming the unset
// ones and what they are.
func (c *apiCLI) requireEnv(getenv func(string) string, what string, names ...string) ([]string, error) {
	values := make([]string, len(names))
	var missing []string
	for i, n := range names {
		values[i] = getenv(n)
		if values[i] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, c.failf("missing %s: set %s", strings.Join(missing, " and "), what)
	}
	return values, nil
}

// oneID checks that pos is exactly one ID.
func (c *apiCLI) oneID(pos []string) (string, error) {
	switch len(pos) {
	case 0:
		return "", c.usagef("missing ID (see the list action)")
	case 1:
		return pos[0], nil
	default:
		return "", c.usagef("want one ID, got %d arguments", len(pos))
	}
}

// noArgs checks that pos is empty.
func (c *apiCLI) noArgs(pos []string) error {
	if len(pos) > 0 {
		return c.usagef("unexpected argument %q", pos[0])
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table prints rows under a header, aligned.
func table(w io.Writer, header string, rows [][]string) {
	if len(rows) == 0 {
		fmt.Fprintln(w, "no webhooks")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		for i, cell := range r {
			r[i] = orDash(cell)
		}
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	_ = tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
