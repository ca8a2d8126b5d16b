package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx", for postgres:// DSNs
	_ "modernc.org/sqlite"             // driver "sqlite", for SQLite files

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
)

const inboxUsage = `Usage:
  pmshooks inbox list  --db DSN [--state STATE] [--provider PROVIDER] [--limit N] [--after ID] [--json]
  pmshooks inbox retry --db DSN ID...
  pmshooks inbox purge --db DSN [--older-than DURATION]
  pmshooks inbox replay --db DSN ID --to URL [CREDENTIAL FLAGS]
  pmshooks inbox ui --db DSN [--addr HOST:PORT]

Inbox manages the deliveries that a receiver built on package inbox stored:
list them with their state, attempts and last error, make dead ones pending
again, delete the handled ones, re-send one to a handler of yours (signed
again), and serve the inbox console in a browser.

DSN is a postgres:// or postgresql:// URL for PostgreSQL, anything else the
path of a SQLite file (which must exist). The inbox's schema must have been
migrated (inbox.Migrate) by the receiver. Every action reads DSN from --db,
else from the environment variable PMSHOOKS_DB.

Run 'pmshooks inbox ACTION --help' for the flags of an action.
`

func (a *app) inbox(ctx context.Context, args []string) error {
	c := newCLI("pmshooks inbox", inboxUsage)
	actions := map[string]func(context.Context, []string) error{
		"list":   a.inboxList,
		"retry":  a.inboxRetry,
		"purge":  a.inboxPurge,
		"replay": a.inboxReplay,
		"ui":     a.inboxUI,
	}
	action, rest, err := c.word(a.stdout, args, "ACTION", "list, retry, purge, replay, ui")
	if err != nil {
		return err
	}
	run, ok := actions[action]
	if !ok {
		return c.usagef("unknown action %q (actions: list, retry, purge, replay, ui)", action)
	}
	return run(ctx, rest)
}

// dbEnv is the environment variable that gives --db its default.
const dbEnv = "PMSHOOKS_DB"

// inboxCLI is the command line of one inbox action, with its --db flag.
func inboxCLI(action, usage string) (*cli, *string) {
	c := newCLI("pmshooks inbox "+action, usage)
	db := c.String("db", "", "the inbox database: a postgres:// `DSN` or a SQLite file path (default $"+dbEnv+"; required)")
	return c, db
}

// openInbox opens the inbox at dsn, the --db flag, else $PMSHOOKS_DB read
// with getenv. The caller calls close.
func openInbox(c *cli, dsn string, getenv func(string) string, opts ...inbox.Option) (ib *inbox.Inbox, close func(), err error) {
	if dsn == "" {
		dsn = getenv(dbEnv)
	}
	if dsn == "" {
		return nil, nil, c.usagef("missing --db DSN (or set %s)", dbEnv)
	}
	if inbox.DialectOf(dsn) == inbox.SQLite && !strings.HasPrefix(dsn, "file:") && !strings.HasPrefix(dsn, ":memory:") {
		// OpenDB creates a missing file; a mistyped path must not list an
		// empty inbox.
		path, _, _ := strings.Cut(dsn, "?")
		if _, err := os.Stat(path); err != nil {
			return nil, nil, c.failf("no inbox database: %w", err)
		}
	}
	db, d, err := inbox.OpenDB(dsn)
	if err != nil {
		return nil, nil, c.failf("open the inbox database: %w", err)
	}
	ib, err = inbox.New(db, d, opts...)
	if err != nil {
		_ = db.Close()
		return nil, nil, c.fail(err)
	}
	return ib, func() { _ = db.Close() }, nil
}

// notMigratedHint follows errors of queries that may have failed because the
// schema is missing.
const notMigratedHint = " (is --db the receiver's inbox, and was it migrated with inbox.Migrate?)"

const inboxListUsage = `Usage:
  pmshooks inbox list --db DSN [--state STATE] [--provider PROVIDER] [--limit N] [--after ID] [--json]

List prints the stored deliveries, oldest first, with their state, attempts,
next attempt (or when they finished) and last error, then the counts of each
state. STATE is pending, in_flight, done, coalesced or dead. --limit N caps the
deliveries listed, as it does everywhere in pmshooks (bodies are capped by
--max-body). When a page is full, it prints the command that lists the next
one (--after).
`

func (a *app) inboxList(ctx context.Context, args []string) error {
	c, dsn := inboxCLI("list", inboxListUsage)
	state := c.String("state", "", "only deliveries in this `state`: pending, in_flight, done, coalesced or dead")
	provider := c.String("provider", "", "only deliveries of this `provider`")
	limit := c.Int("limit", inbox.DefaultListLimit, fmt.Sprintf("list at most `N` deliveries (up to %d)", inbox.MaxListLimit))
	after := c.Int64("after", 0, "only deliveries whose inbox `ID` is greater: the next page")
	asJSON := c.Bool("json", false, "print the deliveries as JSON, bodies and headers included")
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return c.usagef("unexpected argument %q", pos[0])
	}
	switch s := inbox.State(*state); s {
	case "", inbox.StatePending, inbox.StateInFlight, inbox.StateDone, inbox.StateCoalesced, inbox.StateDead:
	default:
		return c.usagef("--state %q: want pending, in_flight, done, coalesced or dead", *state)
	}
	if *provider != "" {
		p, err := lookupProvider(c, *provider)
		if err != nil {
			return err
		}
		*provider = string(p.Name)
	}
	ib, closeDB, err := openInbox(c, *dsn, a.getenv)
	if err != nil {
		return err
	}
	defer closeDB()

	f := inbox.Filter{State: inbox.State(*state), Provider: event.Provider(*provider), After: *after, Limit: *limit}
	ds, err := ib.List(ctx, f)
	if err != nil {
		return c.failf("%w%s", err, notMigratedHint)
	}
	if *asJSON {
		return writeDeliveriesJSON(a.stdout, ds)
	}
	stats, err := ib.Stats(ctx)
	if err != nil {
		return c.failf("%w%s", err, notMigratedHint)
	}
	writeDeliveries(a.stdout, ds)
	fmt.Fprintf(a.stdout, "\npending %d, in flight %d, dead %d, done %d", stats.Pending, stats.InFlight, stats.Dead, stats.Done)
	if stats.Coalesced > 0 {
		fmt.Fprintf(a.stdout, ", coalesced %d", stats.Coalesced)
	}
	if !stats.OldestPending.IsZero() {
		fmt.Fprintf(a.stdout, "; oldest not done received %s", formatTime(stats.OldestPending))
	}
	fmt.Fprintln(a.stdout)
	page := *limit
	if page <= 0 {
		page = inbox.DefaultListLimit
	}
	if n := len(ds); n > 0 && n >= min(page, inbox.MaxListLimit) {
		args := []string{"inbox", "list"}
		var note string
		switch {
		case *dsn == "": // from PMSHOOKS_DB, which the next command reads too
		case hasPassword(*dsn):
			args = append(args, "--db", "$"+dbEnv)
			note = fmt.Sprintf(" (with %s set to your DSN: its password is not printed)", dbEnv)
		default:
			args = append(args, "--db", *dsn)
		}
		if *state != "" {
			args = append(args, "--state", *state)
		}
		if *provider != "" {
			args = append(args, "--provider", *provider)
		}
		if *limit != inbox.DefaultListLimit {
			args = append(args, "--limit", strconv.Itoa(*limit))
		}
		args = append(args, "--after", strconv.FormatInt(ds[n-1].ID, 10))
		line := a.commandLine(args...)
		if note != "" {
			line = strings.Replace(line, "'$"+dbEnv+"'", `"$`+dbEnv+`"`, 1) + note
		}
		fmt.Fprintf(a.stdout, "more may follow; the next page:\n  %s\n", line)
	}
	return nil
}

// hasPassword reports whether the DSN holds a password: a URL's, or a
// key=value password.
func hasPassword(dsn string) bool {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return true
		}
	}
	return strings.Contains(dsn, "password=")
}

func writeDeliveries(w io.Writer, ds []inbox.Delivery) {
	if len(ds) == 0 {
		fmt.Fprintln(w, "no deliveries")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tPROVIDER\tEVENT\tTYPE\tSUBJECT\tATTEMPTS\tRECEIVED\tNEXT/FINISHED\tLAST ERROR")
	for _, d := range ds {
		when := d.NextAttemptAt
		if d.State == inbox.StateDone || d.State == inbox.StateCoalesced || d.State == inbox.StateDead {
			when = d.FinishedAt
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n",
			d.ID, d.State, d.Provider, d.Name, d.Type, orDash(d.Subject.String()), d.Attempts,
			formatTime(d.ReceivedAt), formatTime(when), orDash(oneLine(d.LastError, 80)))
	}
	_ = tw.Flush()
}

// deliveryView is a Delivery as list --json prints it: snake_case keys, as
// every --json output of the command; the body as JSON when it is JSON, else
// as text; secret headers redacted.
type deliveryView struct {
	ID            int64          `json:"id"`
	Provider      event.Provider `json:"provider"`
	EventID       string         `json:"event_id"`
	Type          event.Type     `json:"type"`
	Name          string         `json:"name"`
	Account       string         `json:"account,omitempty"`
	Subject       *event.Subject `json:"subject,omitempty"`
	Time          time.Time      `json:"time,omitzero"`
	ReceivedAt    time.Time      `json:"received_at"`
	State         inbox.State    `json:"state"`
	Attempts      int            `json:"attempts"`
	NextAttemptAt time.Time      `json:"next_attempt_at,omitzero"`
	LastError     string         `json:"last_error,omitempty"`
	FinishedAt    time.Time      `json:"finished_at,omitzero"`
	CoalescedInto int64          `json:"coalesced_into,omitempty"`
	Header        http.Header    `json:"header"`
	Body          any            `json:"body"`
}

func newDeliveryView(d inbox.Delivery) deliveryView {
	var body any = string(d.Body)
	if json.Valid(d.Body) {
		body = json.RawMessage(d.Body)
	}
	v := deliveryView{
		ID: d.ID, Provider: d.Provider, EventID: d.EventID, Type: d.Type, Name: d.Name, Account: d.Account,
		Time: d.Time, ReceivedAt: d.ReceivedAt, State: d.State, Attempts: d.Attempts,
		NextAttemptAt: d.NextAttemptAt, LastError: d.LastError, FinishedAt: d.FinishedAt,
		CoalescedInto: d.CoalescedInto, Header: redactHeader(d.Header), Body: body,
	}
	if !d.Subject.IsZero() {
		v.Subject = &d.Subject
	}
	return v
}

func writeDeliveriesJSON(w io.Writer, ds []inbox.Delivery) error {
	views := make([]deliveryView, 0, len(ds))
	for _, d := range ds {
		views = append(views, newDeliveryView(d))
	}
	return writeJSON(w, views)
}

const inboxRetryUsage = `Usage:
  pmshooks inbox retry --db DSN ID...

Retry makes the dead deliveries ID (the inbox ids that list prints) pending
again, due now, with a fresh count of attempts: the receiver's workers handle
them again. It fails for an id that is not stored or not dead.
`

func (a *app) inboxRetry(ctx context.Context, args []string) error {
	c, dsn := inboxCLI("retry", inboxRetryUsage)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return c.usagef("missing ID (the inbox ids that 'pmshooks inbox list --state dead' prints)")
	}
	ids := make([]int64, 0, len(pos))
	for _, s := range pos {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return c.usagef("ID %q is not an inbox id", s)
		}
		ids = append(ids, id)
	}
	ib, closeDB, err := openInbox(c, *dsn, a.getenv)
	if err != nil {
		return err
	}
	defer closeDB()
	var errs []error
	for _, id := range ids {
		switch err := ib.Retry(ctx, id); {
		case err == nil:
			fmt.Fprintf(a.stdout, "%d: pending again\n", id)
		case errors.Is(err, inbox.ErrNotFound), errors.Is(err, inbox.ErrNotDead):
			errs = append(errs, fmt.Errorf("%d: %w", id, err))
		default:
			errs = append(errs, fmt.Errorf("%d: %w%s", id, err, notMigratedHint))
		}
	}
	if len(errs) > 0 {
		return c.fail(errors.Join(errs...))
	}
	return nil
}

const inboxPurgeUsage = `Usage:
  pmshooks inbox purge --db DSN [--older-than DURATION]

Purge deletes the deliveries that were handled (done) more than DURATION ago.
Pending, in-flight and dead deliveries are never purged. A provider's copy of a
purged delivery is stored and handled again, so keep done deliveries longer than
the providers retry: a day is plenty.
`

func (a *app) inboxPurge(ctx context.Context, args []string) error {
	c, dsn := inboxCLI("purge", inboxPurgeUsage)
	olderThan := c.Duration("older-than", 24*time.Hour, "purge what was done more than this `duration` ago")
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return c.usagef("unexpected argument %q", pos[0])
	}
	if *olderThan < 0 {
		return c.usagef("--older-than %s is negative", *olderThan)
	}
	ib, closeDB, err := openInbox(c, *dsn, a.getenv)
	if err != nil {
		return err
	}
	defer closeDB()
	n, err := ib.Purge(ctx, *olderThan)
	fmt.Fprintf(a.stdout, "purged %d deliveries done more than %s ago\n", n, *olderThan)
	if err != nil {
		return c.failf("%w%s", err, notMigratedHint)
	}
	return nil
}

// redactHeader hides the values of the headers whose names say they hold
// a secret. The inbox stores every header but Authorization and cookies by
// default, so a secret header, such as the token header of a Channex
// webhook, is stored unless the receiver drops it.
func redactHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "token") || strings.Contains(lk, "secret") || strings.Contains(lk, "password") ||
			strings.Contains(lk, "key") || strings.Contains(lk, "auth") {
			vs = []string{"(redacted)"}
		}
		out[k] = vs
	}
	return out
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine returns s on one line, cut to n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-3]) + "..."
	}
	return s
}
