package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/pmshooks/pmshooks/channex"
)

// The environment of the Channex subscription client.
const (
	channexAPIKeyEnv = "CHANNEX_API_KEY"
	channexHeaderEnv = "CHANNEX_WEBHOOK_HEADER" // registry's; also listen's and send's
	channexTokenEnv  = "CHANNEX_WEBHOOK_TOKEN"
)

func (a *app) channexWebhooks() subscriptions {
	return subscriptions{
		provider: "channex",
		env: []string{
			channexAPIKeyEnv + "\tthe API key (Channex: profile, API keys); required",
			channexHeaderEnv + ", " + channexTokenEnv + "\tthe secret header create and test put on the webhook",
		},
		baseURLs: channex.BaseURL + " (default), " + channex.StagingURL,
		actions: []subscriptionAction{
			{"list", "list the webhooks", a.channexList},
			{"create", "create a webhook", a.channexCreate},
			{"delete", "delete the webhook ID", a.channexDelete},
			{"test", "make Channex post a test delivery to a webhook ID, or to --url", a.channexTest},
		},
	}
}

func (a *app) channexClient(c *apiCLI) (*channex.Client, error) {
	keys, err := c.requireEnv(a.getenv, "it to a Channex API key", channexAPIKeyEnv)
	if err != nil {
		return nil, err
	}
	opts := []channex.ClientOption{channex.WithUserAgent(userAgent)}
	if *c.baseURL != "" {
		opts = append(opts, channex.WithBaseURL(*c.baseURL))
	}
	cl, err := channex.NewClient(channex.APIKey(keys[0]), opts...)
	if err != nil {
		return nil, c.fail(err)
	}
	return cl, nil
}

const channexListUsage = `Usage:
  pmshooks webhooks channex list [--json] [--base-url URL]

List prints every webhook of the API key's properties, global ones included.
`

func (a *app) channexList(ctx context.Context, args []string) error {
	c := newAPICLI("channex", "list", channexListUsage, channex.BaseURL, true)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if err := c.noArgs(pos); err != nil {
		return err
	}
	cl, err := a.channexClient(c)
	if err != nil {
		return err
	}
	var subs []channex.Subscription
	for s, err := range cl.Webhooks.All(ctx, nil) {
		if err != nil {
			return c.fail(err)
		}
		subs = append(subs, *s)
	}
	if c.json() {
		views := make([]channexView, 0, len(subs))
		for _, s := range subs {
			views = append(views, newChannexView(&s))
		}
		return writeJSON(a.stdout, views)
	}
	rows := make([][]string, 0, len(subs))
	for _, s := range subs {
		rows = append(rows, channexRow(s))
	}
	table(a.stdout, channexHeader, rows)
	return nil
}

const channexHeader = "ID\tACTIVE\tPROPERTY\tEVENTS\tDATA\tURL"

func channexRow(s channex.Subscription) []string {
	prop := s.PropertyID
	if prop == "" {
		prop = "global"
	}
	return []string{s.ID, yesNo(s.Enabled), prop, strings.Join(s.Events, ";"), yesNo(s.SendData), s.URL}
}

// channexView is a webhook as --json prints it, in snake_case as every
// --json output of the command; the header values, the webhook's secrets,
// are redacted.
type channexView struct {
	ID         string            `json:"id"`
	URL        string            `json:"url"`
	Enabled    bool              `json:"enabled"`
	Events     []string          `json:"events"`
	PropertyID string            `json:"property_id,omitempty"`
	IsGlobal   bool              `json:"is_global"`
	SendData   bool              `json:"send_data"`
	Headers    map[string]string `json:"headers,omitempty"`
}

func newChannexView(s *channex.Subscription) channexView {
	v := channexView{ID: s.ID, URL: s.URL, Enabled: s.Enabled, Events: s.Events,
		PropertyID: s.PropertyID, IsGlobal: s.Global, SendData: s.SendData}
	if len(s.Headers) > 0 {
		v.Headers = make(map[string]string, len(s.Headers))
		for k := range s.Headers {
			v.Headers[k] = "(redacted)"
		}
	}
	return v
}

const channexCreateUsage = `Usage:
  pmshooks webhooks channex create --url URL [--events MASK] [--property ID]
                                   [--header 'Name: value']... [--inactive] [--no-data]

Create creates a webhook that posts the events of MASK to URL: all properties
of the account (a global webhook) unless --property is given. Unless --header
is given, the webhook carries the secret header that the receiver verifies:
CHANNEX_WEBHOOK_HEADER (default X-Channex-Webhook-Secret) set to CHANNEX_WEBHOOK_TOKEN.
`

// channexSubscription is the webhook the flags of create and test describe.
type channexSubscription struct {
	url, events, property *string
	headers               headerFlag
	inactive, noData      *bool
}

func addChannexSubscriptionFlags(c *apiCLI) *channexSubscription {
	f := &channexSubscription{
		url:      c.String("url", "", "the callback `URL` Channex posts to"),
		events:   c.String("events", "*", "the event `mask`: * or names separated by ;, such as booking_new;booking_cancellation"),
		property: c.String("property", "", "the property `ID` whose events are sent (default: every property)"),
		inactive: c.Bool("inactive", false, "create the webhook inactive"),
		noData:   c.Bool("no-data", false, "deliver the envelope without the payload"),
	}
	c.Var(&f.headers, "header", "a header `'Name: value'` Channex sends with each delivery (repeatable)")
	return f
}

// subscription builds the webhook; warn is set when it carries no header.
func (f *channexSubscription) subscription(c *apiCLI, getenv func(string) string) (s *channex.SubscriptionParams, warn bool, err error) {
	if *f.url == "" {
		return s, false, c.usagef("missing --url")
	}
	s = &channex.SubscriptionParams{
		PropertyID: *f.property,
		Global:     *f.property == "",
		URL:        *f.url,
		Events:     []string{*f.events},
		Enabled:    !*f.inactive,
		SendData:   !*f.noData,
		Headers:    map[string]string{},
	}
	for k, vs := range f.headers.header() {
		s.Headers[k] = strings.Join(vs, ", ")
	}
	if len(s.Headers) == 0 {
		if token := getenv(channexTokenEnv); token != "" {
			name := getenv(channexHeaderEnv)
			if name == "" {
				name = channex.SuggestedHeader
			}
			s.Headers[name] = token
		}
	}
	return s, len(s.Headers) == 0, nil
}

func (a *app) channexCreate(ctx context.Context, args []string) error {
	c := newAPICLI("channex", "create", channexCreateUsage, channex.BaseURL, true)
	f := addChannexSubscriptionFlags(c)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if err := c.noArgs(pos); err != nil {
		return err
	}
	sub, warn, err := f.subscription(c, a.getenv)
	if err != nil {
		return err
	}
	cl, err := a.channexClient(c)
	if err != nil {
		return err
	}
	if warn {
		fmt.Fprintf(a.stderr, "%s: warning: the webhook has no secret header, so its deliveries cannot be verified: set %s or pass --header\n", c.path, channexTokenEnv)
	}
	created, _, err := cl.Webhooks.Create(ctx, sub)
	if err != nil {
		return c.fail(err)
	}
	if c.json() {
		return writeJSON(a.stdout, newChannexView(created))
	}
	fmt.Fprintf(a.stdout, "created webhook %s\n", created.ID)
	table(a.stdout, channexHeader, [][]string{channexRow(*created)})
	return nil
}

const channexDeleteUsage = `Usage:
  pmshooks webhooks channex delete ID [--base-url URL]

Delete deletes the webhook ID.
`

func (a *app) channexDelete(ctx context.Context, args []string) error {
	c := newAPICLI("channex", "delete", channexDeleteUsage, channex.BaseURL, false)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	id, err := c.oneID(pos)
	if err != nil {
		return err
	}
	cl, err := a.channexClient(c)
	if err != nil {
		return err
	}
	if _, err := cl.Webhooks.Delete(ctx, id); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(a.stdout, "deleted webhook %s\n", id)
	return nil
}

const channexTestUsage = `Usage:
  pmshooks webhooks channex test ID [--base-url URL]
  pmshooks webhooks channex test --url URL [create's flags]

Test makes Channex post a test delivery, with the webhook's headers, to the
callback URL of the webhook ID, or of the unsaved webhook the flags describe,
and prints what the callback answered. It fails unless that is a 2xx.
`

func (a *app) channexTest(ctx context.Context, args []string) error {
	c := newAPICLI("channex", "test", channexTestUsage, channex.BaseURL, false)
	f := addChannexSubscriptionFlags(c)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	var sub *channex.SubscriptionParams
	switch {
	case len(pos) > 1:
		return c.usagef("want one ID, got %d arguments", len(pos))
	case len(pos) == 1 && *f.url != "":
		return c.usagef("give an ID or --url, not both")
	case len(pos) == 0:
		if sub, _, err = f.subscription(c, a.getenv); err != nil {
			return c.usagef("missing ID or --url")
		}
	}
	cl, err := a.channexClient(c)
	if err != nil {
		return err
	}
	if len(pos) == 1 {
		got, _, err := cl.Webhooks.Get(ctx, pos[0])
		if err != nil {
			return c.fail(err)
		}
		sub = &channex.SubscriptionParams{
			PropertyID: got.PropertyID, Global: got.Global, URL: got.URL, Events: got.Events,
			Headers: got.Headers, RequestParams: got.RequestParams, Enabled: got.Enabled,
			SendData: got.SendData, Protected: got.Protected,
		}
	}
	res, _, err := cl.Webhooks.Test(ctx, sub)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(a.stdout, "%s answered %d\n", sub.URL, res.StatusCode)
	if res.Body != "" {
		fmt.Fprintln(a.stdout, oneLine(res.Body, 200))
	}
	if res.StatusCode/100 != 2 {
		return c.failf("the callback answered %d", res.StatusCode)
	}
	return nil
}
