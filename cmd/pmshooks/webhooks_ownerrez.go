package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/pmshooks/pmshooks/ownerrez"
)

// The environment of the OwnerRez subscription client.
const (
	ownerrezTokenEnv = "OWNERREZ_TOKEN"
	ownerrezEmailEnv = "OWNERREZ_EMAIL"
	// ownerrezAccessTokenEnv is read when OWNERREZ_TOKEN is unset: the name
	// examples/subscriptions uses.
	ownerrezAccessTokenEnv = "OWNERREZ_ACCESS_TOKEN"
)

func (a *app) ownerrezWebhooks() subscriptions {
	return subscriptions{
		provider: "ownerrez",
		env: []string{
			ownerrezTokenEnv + "\tan OAuth access token (at_...), or a personal token (pt_...) with " + ownerrezEmailEnv,
			ownerrezEmailEnv + "\tthe account's email, for a personal token (which sees no subscriptions)",
			ownerrezAccessTokenEnv + "\tread as an OAuth access token when " + ownerrezTokenEnv + " is unset",
		},
		baseURLs: ownerrez.BaseURL,
		actions: []subscriptionAction{
			{"list", "list the webhook subscriptions", a.ownerrezList},
			{"create", "create a webhook subscription", a.ownerrezCreate},
			{"delete", "delete the webhook subscription ID", a.ownerrezDelete},
		},
	}
}

func (a *app) ownerrezClient(c *apiCLI) (*ownerrez.Client, error) {
	var auth ownerrez.Auth
	if token := a.getenv(ownerrezAccessTokenEnv); token != "" && a.getenv(ownerrezTokenEnv) == "" {
		auth = ownerrez.AccessToken(token)
	} else {
		keys, err := c.requireEnv(a.getenv, "it to an OAuth access token of the account (or a personal token, with "+ownerrezEmailEnv+")", ownerrezTokenEnv)
		if err != nil {
			return nil, err
		}
		auth = ownerrez.AccessToken(keys[0])
		if email := a.getenv(ownerrezEmailEnv); email != "" {
			auth = ownerrez.PersonalToken(email, keys[0])
		}
	}
	opts := []ownerrez.ClientOption{ownerrez.WithUserAgent(userAgent)}
	if *c.baseURL != "" {
		opts = append(opts, ownerrez.WithBaseURL(*c.baseURL))
	}
	cl, err := ownerrez.NewClient(auth, opts...)
	if err != nil {
		return nil, c.fail(err)
	}
	return cl, nil
}

const ownerrezHeader = "ID\tTYPE\tACTION\tCATEGORY\tURL"

func ownerrezRow(s *ownerrez.Subscription) []string {
	return []string{strconv.FormatInt(s.ID, 10), string(s.Type), string(s.Action), s.Category, s.URL}
}

// ownerrezView is a subscription as --json prints it, in snake_case as
// every --json output of the command.
type ownerrezView struct {
	ID       int64  `json:"id"`
	URL      string `json:"url"`
	Type     string `json:"type"`
	Action   string `json:"action,omitempty"`
	Category string `json:"category,omitempty"`
}

func newOwnerrezView(s *ownerrez.Subscription) ownerrezView {
	return ownerrezView{ID: s.ID, URL: s.URL, Type: string(s.Type), Action: string(s.Action), Category: s.Category}
}

const ownerrezListUsage = `Usage:
  pmshooks webhooks ownerrez list [--json] [--base-url URL]

List prints the webhook subscriptions of the OAuth app's connection to the
account. A personal token sees none.
`

func (a *app) ownerrezList(ctx context.Context, args []string) error {
	c := newAPICLI("ownerrez", "list", ownerrezListUsage, ownerrez.BaseURL, true)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if err := c.noArgs(pos); err != nil {
		return err
	}
	cl, err := a.ownerrezClient(c)
	if err != nil {
		return err
	}
	var subs []*ownerrez.Subscription
	for s, err := range cl.Webhooks.All(ctx, nil) {
		if err != nil {
			return c.fail(err)
		}
		subs = append(subs, s)
	}
	if c.json() {
		views := make([]ownerrezView, 0, len(subs))
		for _, s := range subs {
			views = append(views, newOwnerrezView(s))
		}
		return writeJSON(a.stdout, views)
	}
	rows := make([][]string, 0, len(subs))
	for _, s := range subs {
		rows = append(rows, ownerrezRow(s))
	}
	table(a.stdout, ownerrezHeader, rows)
	return nil
}

const ownerrezCreateUsage = `Usage:
  pmshooks webhooks ownerrez create --url URL [--type TYPE] [--action ACTION] [--category CATEGORY]

Create subscribes URL to the changes ACTION (entity_create, entity_update,
entity_delete) of the records of TYPE (booking, guest, property, inquiry,
message). OwnerRez authenticates the deliveries with the webhook User and
Password set on the OAuth app, not per subscription: configure the receiver
with those (OWNERREZ_WEBHOOK_USER, OWNERREZ_WEBHOOK_PASSWORD). OwnerRez has no
update call: create the new subscription, then delete the old one.
`

func (a *app) ownerrezCreate(ctx context.Context, args []string) error {
	c := newAPICLI("ownerrez", "create", ownerrezCreateUsage, ownerrez.BaseURL, true)
	url := c.String("url", "", "the `URL` OwnerRez posts to (required; https)")
	typ := c.String("type", string(ownerrez.SubscriptionBooking), "the `type` of record followed")
	action := c.String("action", string(ownerrez.ActionEntityUpdate), "the `action` delivered")
	category := c.String("category", "", "restrict updates to one `category`, such as availability")
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
	cl, err := a.ownerrezClient(c)
	if err != nil {
		return err
	}
	s, _, err := cl.Webhooks.Create(ctx, &ownerrez.SubscriptionParams{
		Type:     ownerrez.SubscriptionType(*typ),
		Action:   ownerrez.Action(*action),
		URL:      *url,
		Category: *category,
	})
	if err != nil {
		return c.fail(err)
	}
	if c.json() {
		return writeJSON(a.stdout, newOwnerrezView(s))
	}
	fmt.Fprintf(a.stdout, "created subscription %d\n", s.ID)
	table(a.stdout, ownerrezHeader, [][]string{ownerrezRow(s)})
	return nil
}

const ownerrezDeleteUsage = `Usage:
  pmshooks webhooks ownerrez delete ID [--base-url URL]

Delete deletes the webhook subscription ID.
`

func (a *app) ownerrezDelete(ctx context.Context, args []string) error {
	c := newAPICLI("ownerrez", "delete", ownerrezDeleteUsage, ownerrez.BaseURL, false)
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
		return c.usagef("ID %q is not an OwnerRez subscription id (a number)", s)
	}
	cl, err := a.ownerrezClient(c)
	if err != nil {
		return err
	}
	if _, err := cl.Webhooks.Delete(ctx, id); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(a.stdout, "deleted subscription %d\n", id)
	return nil
}
