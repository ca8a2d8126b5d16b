package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/internal/registry"
)

// The environment of the Hostaway subscription client.
const (
	hostawayAccountEnv  = "HOSTAWAY_ACCOUNT_ID"
	hostawaySecretEnv   = "HOSTAWAY_CLIENT_SECRET"
	hostawayTokenEnv    = "HOSTAWAY_ACCESS_TOKEN"
	hostawayLoginEnv    = "HOSTAWAY_WEBHOOK_LOGIN" // registry's; also listen's and send's
	hostawayPasswordEnv = "HOSTAWAY_WEBHOOK_PASSWORD"
)

func (a *app) hostawayWebhooks() subscriptions {
	return subscriptions{
		provider: "hostaway",
		env: []string{
			hostawayAccountEnv + ", " + hostawaySecretEnv + "\tthe account ID and an API client secret (Hostaway: settings, Hostaway API)",
			hostawayTokenEnv + "\tor an access token instead of those two",
			hostawayLoginEnv + ", " + hostawayPasswordEnv + "\tthe Basic-auth pair create puts on the webhook",
		},
		baseURLs: hostaway.BaseURL,
		actions: []subscriptionAction{
			{"list", "list the unified webhooks", a.hostawayList},
			{"create", "create a unified webhook", a.hostawayCreate},
			{"delete", "delete the unified webhook ID", a.hostawayDelete},
		},
	}
}

func (a *app) hostawayClient(c *apiCLI) (*hostaway.Client, error) {
	var opts []hostaway.ClientOption
	if *c.baseURL != "" {
		opts = append(opts, hostaway.WithBaseURL(*c.baseURL))
	}
	var auth hostaway.Auth
	if token := a.getenv(hostawayTokenEnv); token != "" {
		auth = hostaway.AccessToken(token)
	} else {
		keys, err := c.requireEnv(a.getenv, "the Hostaway account ID and an API client secret (or "+hostawayTokenEnv+")",
			hostawayAccountEnv, hostawaySecretEnv)
		if err != nil {
			return nil, err
		}
		auth = hostaway.ClientCredentials(keys[0], keys[1])
	}
	cl, err := hostaway.NewClient(auth, opts...)
	if err != nil {
		return nil, c.fail(err)
	}
	return cl, nil
}

const hostawayHeader = "ID\tENABLED\tLOGIN\tALERT EMAIL\tURL"

func hostawayRow(w *hostaway.Subscription) []string {
	return []string{strconv.FormatInt(w.ID, 10), yesNo(w.Enabled), w.Login, w.AlertingEmailAddress, w.URL}
}

// hostawayView is a unified webhook as --json prints it, in snake_case as
// every --json output of the command (Hostaway's API is camelCase). The
// password is left out.
type hostawayView struct {
	ID                   int64  `json:"id"`
	URL                  string `json:"url"`
	Enabled              bool   `json:"enabled"`
	Login                string `json:"login,omitempty"`
	AlertingEmailAddress string `json:"alerting_email_address,omitempty"`
}

func newHostawayView(w *hostaway.Subscription) hostawayView {
	return hostawayView{ID: w.ID, URL: w.URL, Enabled: w.Enabled, Login: w.Login, AlertingEmailAddress: w.AlertingEmailAddress}
}

const hostawayListUsage = `Usage:
  pmshooks webhooks hostaway list [--json] [--base-url URL]

List prints the account's unified webhooks.
`

func (a *app) hostawayList(ctx context.Context, args []string) error {
	c := newAPICLI("hostaway", "list", hostawayListUsage, hostaway.BaseURL, true)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if err := c.noArgs(pos); err != nil {
		return err
	}
	cl, err := a.hostawayClient(c)
	if err != nil {
		return err
	}
	var ws []*hostaway.Subscription
	for w, err := range cl.Webhooks.All(ctx, nil) {
		if err != nil {
			return c.fail(err)
		}
		ws = append(ws, w)
	}
	if c.json() {
		views := make([]hostawayView, 0, len(ws))
		for _, w := range ws {
			views = append(views, newHostawayView(w))
		}
		return writeJSON(a.stdout, views)
	}
	rows := make([][]string, 0, len(ws))
	for _, w := range ws {
		rows = append(rows, hostawayRow(w))
	}
	table(a.stdout, hostawayHeader, rows)
	return nil
}

const hostawayCreateUsage = `Usage:
  pmshooks webhooks hostaway create --url URL [--login LOGIN] [--alert-email EMAIL] [--disabled]

Create creates a unified webhook: Hostaway posts every reservation and message
event of the account to URL, with HTTP Basic auth. The pair is the receiver's:
HOSTAWAY_WEBHOOK_LOGIN (default pmshooks, or --login) and
HOSTAWAY_WEBHOOK_PASSWORD, which must be set.
`

func (a *app) hostawayCreate(ctx context.Context, args []string) error {
	c := newAPICLI("hostaway", "create", hostawayCreateUsage, hostaway.BaseURL, true)
	url := c.String("url", "", "the `URL` Hostaway posts to (required)")
	login := c.String("login", "", "the Basic-auth `login` (default $"+hostawayLoginEnv+", else pmshooks)")
	email := c.String("alert-email", "", "who Hostaway alerts when deliveries keep failing (default: the account's `email`)")
	disabled := c.Bool("disabled", false, "create the webhook disabled")
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if err := c.noArgs(pos); err != nil {
		return err
	}
	if *url == "" {
		return c.usagef("missing --url")
	}
	p, _ := registry.Lookup("hostaway")
	creds, _ := p.FromEnv(a.getenv)
	if *login != "" {
		creds[hostawayLoginEnv] = *login
	}
	if creds[hostawayPasswordEnv] == "" {
		return c.failf("missing %s: set it to the password Hostaway sends with each delivery, the one your receiver verifies", hostawayPasswordEnv)
	}
	cl, err := a.hostawayClient(c)
	if err != nil {
		return err
	}
	w, _, err := cl.Webhooks.Create(ctx, &hostaway.SubscriptionParams{
		Enabled:              !*disabled,
		URL:                  *url,
		Login:                creds[hostawayLoginEnv],
		Password:             creds[hostawayPasswordEnv],
		AlertingEmailAddress: *email,
	})
	if err != nil {
		return c.fail(err)
	}
	if c.json() {
		return writeJSON(a.stdout, newHostawayView(w))
	}
	fmt.Fprintf(a.stdout, "created unified webhook %d\n", w.ID)
	table(a.stdout, hostawayHeader, [][]string{hostawayRow(w)})
	return nil
}

const hostawayDeleteUsage = `Usage:
  pmshooks webhooks hostaway delete ID [--base-url URL]

Delete deletes the unified webhook ID.
`

func (a *app) hostawayDelete(ctx context.Context, args []string) error {
	c := newAPICLI("hostaway", "delete", hostawayDeleteUsage, hostaway.BaseURL, false)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	s, err := c.oneID(pos)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return c.usagef("ID %q is not a Hostaway webhook id (a number)", s)
	}
	cl, err := a.hostawayClient(c)
	if err != nil {
		return err
	}
	if _, err := cl.Webhooks.Delete(ctx, id); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(a.stdout, "deleted unified webhook %d\n", id)
	return nil
}
