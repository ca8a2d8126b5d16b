// Command subscriptions registers and lists webhook subscriptions with the
// subscription clients of Channex, Hostaway, OwnerRez and Propexo.
// (BookingSync has no subscription API: its webhooks are set up in its
// partner interface.)
//
// List what is registered, for one provider or several:
//
//	CHANNEX_API_KEY=... go run ./examples/subscriptions channex
//	go run ./examples/subscriptions channex hostaway ownerrez propexo
//
// Register this service's endpoint, then list:
//
//	go run ./examples/subscriptions -register -url https://hooks.example.com channex
//
// registers https://hooks.example.com/hooks/channex, authenticated the way
// examples/receiver checks it, with the same environment variables.
//
// Keys come from the environment; a missing one is named and the program
// exits 1 before calling anything:
//
//	CHANNEX_API_KEY                            Channex user API key
//	HOSTAWAY_ACCOUNT_ID, HOSTAWAY_CLIENT_SECRET Hostaway API credentials (OAuth client credentials)
//	OWNERREZ_TOKEN                             OwnerRez OAuth access token (at_...)
//	PROPEXO_API_KEY                            Propexo API token
//
// and, with -register, the delivery credentials to set on the webhook:
// CHANNEX_WEBHOOK_TOKEN (header CHANNEX_WEBHOOK_HEADER, default
// X-Channex-Webhook-Secret), HOSTAWAY_WEBHOOK_LOGIN and HOSTAWAY_WEBHOOK_PASSWORD,
// PROPEXO_WEBHOOK_SECRET. OwnerRez takes its webhook user and password from
// the OAuth app's settings, not from the API.
//
// <PROVIDER>_BASE_URL (such as CHANNEX_BASE_URL=https://staging.channex.io/api/v1)
// points a client at another environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/propexo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// provider is one subscription API as this program drives it.
type provider struct {
	keys     []string // environment variables the client needs
	list     func(ctx context.Context, env func(string) string, out io.Writer) error
	register func(ctx context.Context, env func(string) string, url string, out io.Writer) error
}

// providerNames lists the providers with a subscription API, in order.
var providerNames = [...]string{"channex", "hostaway", "ownerrez", "propexo"}

func providers() map[string]provider {
	return map[string]provider{
		"channex":  {keys: []string{"CHANNEX_API_KEY"}, list: listChannex, register: registerChannex},
		"hostaway": {keys: []string{"HOSTAWAY_ACCOUNT_ID", "HOSTAWAY_CLIENT_SECRET"}, list: listHostaway, register: registerHostaway},
		"ownerrez": {keys: []string{"OWNERREZ_TOKEN"}, list: listOwnerRez, register: registerOwnerRez},
		"propexo":  {keys: []string{"PROPEXO_API_KEY"}, list: listPropexo, register: registerPropexo},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("subscriptions", flag.ContinueOnError)
	fs.SetOutput(stderr)
	register := fs.Bool("register", false, "register this service's endpoint before listing")
	base := fs.String("url", "", "public base URL of the receiver, such as https://hooks.example.com (with -register)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: subscriptions [-register -url URL] [%s ...]\n", strings.Join(providerNames[:], "|"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *register && *base == "" {
		fmt.Fprintln(stderr, "subscriptions: -register needs -url")
		return 2
	}
	names := fs.Args()
	if len(names) == 0 {
		names = providerNames[:]
	}
	all := providers()
	// Check every key before calling anything.
	for _, n := range names {
		p, ok := all[n]
		if !ok {
			fmt.Fprintf(stderr, "subscriptions: unknown provider %q (known: %s; bookingsync has no subscription API)\n", n, strings.Join(providerNames[:], ", "))
			return 1
		}
		for _, k := range p.keys {
			if getenv(k) == "" {
				fmt.Fprintf(stderr, "subscriptions: %s: set %s in the environment\n", n, k)
				return 1
			}
		}
	}
	code := 0
	for _, n := range names {
		p := all[n]
		if *register {
			if err := p.register(ctx, getenv, strings.TrimRight(*base, "/")+"/hooks/"+n, stdout); err != nil {
				fmt.Fprintf(stderr, "subscriptions: %s: register: %v\n", n, err)
				code = 1
				continue
			}
		}
		fmt.Fprintf(stdout, "%s webhooks:\n", n)
		if err := p.list(ctx, getenv, stdout); err != nil {
			fmt.Fprintf(stderr, "subscriptions: %s: list: %v\n", n, err)
			code = 1
		}
	}
	return code
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// --- Channex

func channexClient(env func(string) string) (*channex.Client, error) {
	var opts []channex.ClientOption
	if u := env("CHANNEX_BASE_URL"); u != "" {
		opts = append(opts, channex.WithBaseURL(u))
	}
	return channex.NewClient(channex.APIKey(env("CHANNEX_API_KEY")), opts...)
}

func listChannex(ctx context.Context, env func(string) string, out io.Writer) error {
	c, err := channexClient(env)
	if err != nil {
		return err
	}
	for w, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %s  %s  events=%s active=%t\n", w.ID, w.URL, strings.Join(w.Events, ";"), w.Enabled)
	}
	return nil
}

func registerChannex(ctx context.Context, env func(string) string, url string, out io.Writer) error {
	token := env("CHANNEX_WEBHOOK_TOKEN")
	if token == "" {
		return errors.New("set CHANNEX_WEBHOOK_TOKEN: the secret header every delivery must carry")
	}
	c, err := channexClient(env)
	if err != nil {
		return err
	}
	w, _, err := c.Webhooks.Create(ctx, &channex.SubscriptionParams{
		URL:      url,
		Global:   true,
		Events:   []string{"*"},
		Headers:  map[string]string{orDefault(env("CHANNEX_WEBHOOK_HEADER"), channex.SuggestedHeader): token},
		Enabled:  true,
		SendData: true,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "registered channex webhook %s -> %s\n", w.ID, w.URL)
	return nil
}

// --- Hostaway

func hostawayClient(env func(string) string) (*hostaway.Client, error) {
	var opts []hostaway.ClientOption
	if u := env("HOSTAWAY_BASE_URL"); u != "" {
		opts = append(opts, hostaway.WithBaseURL(u))
	}
	return hostaway.NewClient(hostaway.ClientCredentials(env("HOSTAWAY_ACCOUNT_ID"), env("HOSTAWAY_CLIENT_SECRET")), opts...)
}

func listHostaway(ctx context.Context, env func(string) string, out io.Writer) error {
	c, err := hostawayClient(env)
	if err != nil {
		return err
	}
	for w, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %d  %s  enabled=%t\n", w.ID, w.URL, w.Enabled)
	}
	return nil
}

func registerHostaway(ctx context.Context, env func(string) string, url string, out io.Writer) error {
	password := env("HOSTAWAY_WEBHOOK_PASSWORD")
	if password == "" {
		return errors.New("set HOSTAWAY_WEBHOOK_PASSWORD: the Basic-auth password Hostaway will send")
	}
	c, err := hostawayClient(env)
	if err != nil {
		return err
	}
	w, _, err := c.Webhooks.Create(ctx, &hostaway.SubscriptionParams{
		Enabled:  true,
		URL:      url,
		Login:    orDefault(env("HOSTAWAY_WEBHOOK_LOGIN"), "pmshooks"),
		Password: password,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "registered hostaway webhook %d -> %s\n", w.ID, w.URL)
	return nil
}

// --- OwnerRez

func ownerrezClient(env func(string) string) (*ownerrez.Client, error) {
	var opts []ownerrez.ClientOption
	if u := env("OWNERREZ_BASE_URL"); u != "" {
		opts = append(opts, ownerrez.WithBaseURL(u))
	}
	return ownerrez.NewClient(ownerrez.AccessToken(env("OWNERREZ_TOKEN")), opts...)
}

func listOwnerRez(ctx context.Context, env func(string) string, out io.Writer) error {
	c, err := ownerrezClient(env)
	if err != nil {
		return err
	}
	for s, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %d  %s %s -> %s\n", s.ID, s.Type, s.Action, s.URL)
	}
	return nil
}

func registerOwnerRez(ctx context.Context, env func(string) string, url string, out io.Writer) error {
	c, err := ownerrezClient(env)
	if err != nil {
		return err
	}
	for _, t := range []ownerrez.SubscriptionType{ownerrez.SubscriptionBooking} {
		for _, a := range []ownerrez.Action{ownerrez.ActionEntityCreate, ownerrez.ActionEntityUpdate} {
			s, _, err := c.Webhooks.Create(ctx, &ownerrez.SubscriptionParams{Type: t, Action: a, URL: url})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "registered ownerrez subscription %d: %s %s -> %s\n", s.ID, s.Type, s.Action, s.URL)
		}
	}
	return nil
}

// --- Propexo

func propexoClient(env func(string) string) (*propexo.Client, error) {
	var opts []propexo.ClientOption
	if u := env("PROPEXO_BASE_URL"); u != "" {
		opts = append(opts, propexo.WithBaseURL(u))
	}
	return propexo.NewClient(propexo.APIKey(env("PROPEXO_API_KEY")), opts...)
}

func listPropexo(ctx context.Context, env func(string) string, out io.Writer) error {
	c, err := propexoClient(env)
	if err != nil {
		return err
	}
	for w, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			return err
		}
		var triggers []string
		for _, t := range w.Events {
			triggers = append(triggers, fmt.Sprint(t))
		}
		fmt.Fprintf(out, "  %s  %s  triggers=%s active=%t\n", w.ID, w.URL, strings.Join(triggers, ","), w.Enabled)
	}
	return nil
}

func registerPropexo(ctx context.Context, env func(string) string, url string, out io.Writer) error {
	secret := env("PROPEXO_WEBHOOK_SECRET")
	if secret == "" {
		return errors.New("set PROPEXO_WEBHOOK_SECRET: the secret Propexo signs deliveries with (10 characters or more)")
	}
	c, err := propexoClient(env)
	if err != nil {
		return err
	}
	w, _, err := c.Webhooks.Create(ctx, &propexo.SubscriptionParams{
		URL:     url,
		Events:  []propexo.Trigger{propexo.TriggerSyncComplete, propexo.TriggerJobFailure},
		Secret:  secret,
		Enabled: true,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "registered propexo webhook %s -> %s\n", w.ID, w.URL)
	return nil
}
