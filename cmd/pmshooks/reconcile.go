package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/propexo"
)

const reconcileUsage = `Usage:
  pmshooks reconcile PROVIDER --since TIME --db DSN [PROVIDER FLAGS] [--base-url URL]

Reconcile runs one pass of reconciliation by hand, after an outage: it lists,
through the provider's API, the changes made since TIME, and stores each as a
delivery in the inbox at --db, where the service's workers handle it like a
webhook. A change whose webhook was stored already is not stored again, nor is
one an earlier pass stored. It prints a progress line per page, and the
source's checkpoint at the end, which the service's scheduled reconciliation
(inbox.WithReconciler) then resumes from.

The service's inbox must have the same source (inbox.WithReconciler with the
provider's NewSource for the same account): its workers decode the stored
changes with it, and retry them until it does.

TIME is an RFC 3339 time (2026-12-05T08:00:00Z) or a duration ago (6h, 90m).
API credentials come from the environment, as for 'pmshooks webhooks';
BookingSync's from BOOKINGSYNC_ACCESS_TOKEN (an OAuth access token of the
account).
`

// bookingsyncTokenEnv holds the OAuth access token reconcile reads
// BookingSync with.
const bookingsyncTokenEnv = "BOOKINGSYNC_ACCESS_TOKEN"

const reconcileExamples = `Examples:
  pmshooks reconcile bookingsync --account-id 1059638630 --since 24h --db inbox.db
  pmshooks reconcile ownerrez --user-id 347482730 --since 6h --db inbox.db
  pmshooks reconcile channex --property 716305c4-561a-4561-a187-7f5b8aeb5920 --since 1h --db inbox.db
  pmshooks reconcile hostaway --since 2026-12-05T08:00:00Z --db postgres://app@db/app
  pmshooks reconcile propexo --integration clfakeintegration00000001 --since 24h --db inbox.db
`

// reconcileSource builds one provider's source from the command line.
type reconcileSource struct {
	provider string
	// flags declares the provider's flags on c and returns the function
	// that builds the source once they are parsed.
	flags func(a *app, c *apiCLI) func() (event.Source, error)
}

func reconcileSources() []reconcileSource {
	return []reconcileSource{
		{provider: "bookingsync", flags: func(a *app, c *apiCLI) func() (event.Source, error) {
			account := c.Int64("account-id", 0, "the BookingSync account `ID` whose bookings to list (required)")
			return func() (event.Source, error) {
				if *account <= 0 {
					return nil, c.usagef("missing --account-id ID")
				}
				keys, err := c.requireEnv(a.getenv, "it to an OAuth access token of the account", bookingsyncTokenEnv)
				if err != nil {
					return nil, err
				}
				opts := []bookingsync.ClientOption{bookingsync.WithUserAgent(userAgent)}
				if *c.baseURL != "" {
					opts = append(opts, bookingsync.WithBaseURL(*c.baseURL))
				}
				cl, err := bookingsync.NewClient(bookingsync.AccessToken(keys[0]), opts...)
				if err != nil {
					return nil, c.fail(err)
				}
				return bookingsync.NewSource(cl, *account)
			}
		}},
		{provider: "channex", flags: func(a *app, c *apiCLI) func() (event.Source, error) {
			property := c.String("property", "", "the Channex property `ID` whose booking revision feed to read (required)")
			return func() (event.Source, error) {
				if *property == "" {
					return nil, c.usagef("missing --property ID")
				}
				cl, err := a.channexClient(c)
				if err != nil {
					return nil, err
				}
				return channex.NewSource(cl, *property)
			}
		}},
		{provider: "hostaway", flags: func(a *app, c *apiCLI) func() (event.Source, error) {
			return func() (event.Source, error) {
				cl, err := a.hostawayClient(c)
				if err != nil {
					return nil, err
				}
				account := a.getenv(hostawayAccountEnv)
				if account == "" {
					account = "default"
				}
				return hostaway.NewSource(cl, account)
			}
		}},
		{provider: "propexo", flags: func(a *app, c *apiCLI) func() (event.Source, error) {
			integration := c.String("integration", "", "the Propexo integration `ID` whose data diffs to list (default: every integration the key reaches)")
			return func() (event.Source, error) {
				cl, err := a.propexoClient(c)
				if err != nil {
					return nil, err
				}
				return propexo.NewSource(cl, *integration)
			}
		}},
		{provider: "ownerrez", flags: func(a *app, c *apiCLI) func() (event.Source, error) {
			user := c.Int64("user-id", 0, "the OwnerRez user `ID` whose bookings to list (the account's; required)")
			return func() (event.Source, error) {
				if *user <= 0 {
					return nil, c.usagef("missing --user-id ID")
				}
				cl, err := a.ownerrezClient(c)
				if err != nil {
					return nil, err
				}
				return ownerrez.NewSource(cl, *user)
			}
		}},
	}
}

func (a *app) reconcile(ctx context.Context, args []string) error {
	all := reconcileSources()
	var names []string
	for _, s := range all {
		names = append(names, s.provider)
	}
	slices.Sort(names)
	choices := strings.Join(names, ", ")
	top := newCLI("pmshooks reconcile", reconcileUsage)
	top.extra = func(w io.Writer) { fmt.Fprint(w, reconcileExamples) }
	name, rest, err := top.word(a.stdout, args, "PROVIDER", choices)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(all, func(s reconcileSource) bool { return s.provider == name })
	if i < 0 {
		return top.usagef("unknown provider %q (providers: %s)", name, choices)
	}
	c := &apiCLI{cli: newCLI("pmshooks reconcile "+name, reconcileUsage)}
	c.extra = func(w io.Writer) { fmt.Fprint(w, reconcileExamples) }
	c.baseURL = c.String("base-url", "", "the API root `URL`, for a staging API or a fake (default: the provider's)")
	since := c.String("since", "", "list the changes made after `TIME`: RFC 3339, or a duration ago such as 6h (required)")
	db := c.String("db", "", "the inbox database: a postgres:// `DSN` or a SQLite file path (default $"+dbEnv+"; required)")
	build := all[i].flags(a, c)
	pos, err := c.parse(a.stdout, rest)
	if err != nil {
		return err
	}
	if err := c.noArgs(pos); err != nil {
		return err
	}
	from, err := parseSince(*since, time.Now())
	if err != nil {
		return c.usagef("--since: %v", err)
	}
	src, err := build()
	if err != nil {
		return err
	}
	ib, closeDB, err := openInbox(c.cli, *db, a.getenv)
	if err != nil {
		return err
	}
	defer closeDB()

	fmt.Fprintf(a.stdout, "reconciling %s from %s into the inbox\n", src.Name(), from.UTC().Format(time.RFC3339))
	res, err := ib.Reconcile(ctx, src, inbox.ReconcileOptions{Since: from, Progress: func(p inbox.ReconcileProgress) {
		fmt.Fprintf(a.stdout, "  page %d: %d changes so far, %d stored, %d already in the inbox\n",
			p.Pages, p.Changes, p.Stored, p.Duplicates)
	}})
	if err != nil {
		return c.failf("%w%s", err, notMigratedHint)
	}
	fmt.Fprintf(a.stdout, "done: %d changes in %d pages, %d stored, %d already in the inbox; checkpoint %q\n",
		res.Changes, res.Pages, res.Stored, res.Duplicates, res.Checkpoint)
	return nil
}

// parseSince reads TIME: an RFC 3339 time, or a positive duration before
// now.
func parseSince(s string, now time.Time) (time.Time, error) {
	switch {
	case s == "":
		return time.Time{}, fmt.Errorf("missing TIME")
	case strings.Contains(s, "T") || strings.Count(s, "-") >= 2:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2026-12-05T08:00:00Z", s)
		}
		return t, nil
	default:
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor a positive duration such as 6h", s)
		}
		return now.Add(-d), nil
	}
}
