package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/propexo"
)

// The environment of the Propexo subscription client.
const (
	propexoAPIKeyEnv = "PROPEXO_API_KEY"
	propexoSecretEnv = "PROPEXO_WEBHOOK_SECRET" // registry's; also listen's and send's
)

func (a *app) propexoWebhooks() subscriptions {
	return subscriptions{
		provider: "propexo",
		env: []string{
			propexoAPIKeyEnv + "\tthe API token (Propexo dashboard); required",
			propexoSecretEnv + "\tthe signing secret create gives the webhook (else Propexo makes one)",
		},
		baseURLs: propexo.BaseURL + " (default), " + propexo.StagingURL,
		actions: []subscriptionAction{
			{"list", "list the webhooks", a.propexoList},
			{"create", "create a webhook", a.propexoCreate},
			{"delete", "delete the webhook ID", a.propexoDelete},
		},
	}
}

func (a *app) propexoClient(c *apiCLI) (*propexo.Client, error) {
	keys, err := c.requireEnv(a.getenv, "it to a Propexo API token", propexoAPIKeyEnv)
	if err != nil {
		return nil, err
	}
	cl, err := propexo.NewClient(propexo.APIKey(keys[0]), propexo.WithBaseURL(*c.baseURL), propexo.WithUserAgent(userAgent))
	if err != nil {
		return nil, c.fail(err)
	}
	return cl, nil
}

const propexoHeader = "ID\tACTIVE\tTRIGGERS\tSYSTEM\tURL"

func propexoRow(w *propexo.Subscription) []string {
	var triggers []string
	for _, t := range w.Events {
		s := string(t.Trigger)
		if t.Model != "" {
			s += ":" + string(t.Model)
		}
		triggers = append(triggers, s)
	}
	return []string{w.ID, yesNo(w.Enabled), strings.Join(triggers, ","), string(w.System), w.URL}
}

// redactPropexo hides the secrets of w: its signing secret and the values
// of its headers.
func redactPropexo(w *propexo.Subscription) *propexo.Subscription {
	cp := *w
	if cp.Secret != "" {
		cp.Secret = "(redacted)"
	}
	if len(cp.Headers) > 0 {
		hs := make([]propexo.Header, len(cp.Headers))
		for i, h := range cp.Headers {
			hs[i] = propexo.Header{Header: h.Header, Value: "(redacted)"}
		}
		cp.Headers = hs
	}
	return &cp
}

// propexoView is a webhook as --json prints it, in snake_case as every
// --json output of the command; the secret is left out and the header values
// are redacted.
type propexoView struct {
	ID        string               `json:"id"`
	URL       string               `json:"url"`
	Enabled   bool                 `json:"enabled"`
	Triggers  []propexoTriggerView `json:"triggers"`
	Headers   map[string]string    `json:"headers,omitempty"`
	System    string               `json:"system,omitempty"`
	CreatedAt time.Time            `json:"created_at,omitzero"`
	UpdatedAt time.Time            `json:"updated_at,omitzero"`
}

type propexoTriggerView struct {
	Trigger string `json:"trigger"`
	Model   string `json:"model,omitempty"`
}

func newPropexoView(w *propexo.Subscription) propexoView {
	v := propexoView{ID: w.ID, URL: w.URL, Enabled: w.Enabled, Triggers: []propexoTriggerView{},
		System: string(w.System), CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	for _, t := range w.Events {
		v.Triggers = append(v.Triggers, propexoTriggerView{Trigger: string(t.Trigger), Model: string(t.Model)})
	}
	if len(w.Headers) > 0 {
		v.Headers = make(map[string]string, len(w.Headers))
		for _, h := range w.Headers {
			v.Headers[h.Header] = "(redacted)"
		}
	}
	return v
}

const propexoListUsage = `Usage:
  pmshooks webhooks propexo list [--inactive] [--json] [--base-url URL]

List prints the active webhooks, or the inactive ones with --inactive.
Secrets and header values are never printed.
`

func (a *app) propexoList(ctx context.Context, args []string) error {
	c := newAPICLI("propexo", "list", propexoListUsage, propexo.BaseURL, true)
	inactive := c.Bool("inactive", false, "list the inactive webhooks instead")
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if err := c.noArgs(pos); err != nil {
		return err
	}
	cl, err := a.propexoClient(c)
	if err != nil {
		return err
	}
	var ws []*propexo.Subscription
	for w, err := range cl.Webhooks.All(ctx, &propexo.SubscriptionListOptions{Disabled: *inactive}) {
		if err != nil {
			return c.fail(err)
		}
		ws = append(ws, redactPropexo(w))
	}
	if c.json() {
		views := make([]propexoView, 0, len(ws))
		for _, w := range ws {
			views = append(views, newPropexoView(w))
		}
		return writeJSON(a.stdout, views)
	}
	rows := make([][]string, 0, len(ws))
	for _, w := range ws {
		rows = append(rows, propexoRow(w))
	}
	table(a.stdout, propexoHeader, rows)
	return nil
}

const propexoCreateUsage = `Usage:
  pmshooks webhooks propexo create --url URL --trigger TRIGGER[,TRIGGER...] [--model MODEL]
                                   [--header 'Name: value']... [--inactive]

Create creates a webhook that posts the TRIGGERs (DATA_NEW, DATA_UPDATE,
SYNC_COMPLETE, FIRST_SYNC_COMPLETE, JOB_FAILURE, WRITE_OPERATION_FAILURE) to URL;
DATA_NEW and DATA_UPDATE need --model (one model per webhook, such as leases).
Its signing secret is PROPEXO_WEBHOOK_SECRET, the receiver's; when that is unset,
Propexo generates one and create prints it once: give it to your receiver.
`

func (a *app) propexoCreate(ctx context.Context, args []string) error {
	c := newAPICLI("propexo", "create", propexoCreateUsage, propexo.BaseURL, true)
	url := c.String("url", "", "the `URL` Propexo posts to (required)")
	triggers := c.String("trigger", "", "the `triggers`, separated by commas (required)")
	model := c.String("model", "", "the `model` of DATA_NEW and DATA_UPDATE, such as leases")
	inactive := c.Bool("inactive", false, "create the webhook inactive")
	var headers headerFlag
	c.Var(&headers, "header", "a header `'Name: value'` Propexo sends with each delivery (repeatable)")
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
	p := &propexo.SubscriptionParams{URL: *url, Model: propexo.NormalizeModel(*model), Enabled: !*inactive, Secret: a.getenv(propexoSecretEnv)}
	for _, t := range strings.Split(*triggers, ",") {
		if t = strings.TrimSpace(t); t != "" {
			p.Events = append(p.Events, propexo.Trigger(strings.ToUpper(t)))
		}
	}
	if len(p.Events) == 0 {
		return c.usagef("missing --trigger")
	}
	for k, vs := range headers.header() {
		for _, v := range vs {
			p.Headers = append(p.Headers, propexo.Header{Header: k, Value: v})
		}
	}
	cl, err := a.propexoClient(c)
	if err != nil {
		return err
	}
	w, _, err := cl.Webhooks.Create(ctx, p)
	if err != nil {
		return c.fail(err)
	}
	out := a.stdout
	if c.json() {
		if err := writeJSON(a.stdout, newPropexoView(w)); err != nil {
			return err
		}
		out = a.stderr
	} else {
		fmt.Fprintf(a.stdout, "created webhook %s\n", w.ID)
		table(a.stdout, propexoHeader, [][]string{propexoRow(w)})
	}
	if p.Secret == "" && w.Secret != "" {
		fmt.Fprintf(out, "\nPropexo generated the signing secret; give it to your receiver as %s:\n%s\n", propexoSecretEnv, w.Secret)
	}
	return nil
}

const propexoDeleteUsage = `Usage:
  pmshooks webhooks propexo delete ID [--base-url URL]

Delete deletes the webhook ID; Propexo stops delivering to it at once.
`

func (a *app) propexoDelete(ctx context.Context, args []string) error {
	c := newAPICLI("propexo", "delete", propexoDeleteUsage, propexo.BaseURL, false)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	id, err := c.oneID(pos)
	if err != nil {
		return err
	}
	cl, err := a.propexoClient(c)
	if err != nil {
		return err
	}
	if _, err := cl.Webhooks.Delete(ctx, id); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(a.stdout, "deleted webhook %s\n", id)
	return nil
}
