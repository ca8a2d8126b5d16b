package inbox

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/pmshooks/pmshooks/event"
)

// Defaults of reconciliation.
const (
	// DefaultReconcileSince is how far back the first poll of a source
	// looks, when the source has no checkpoint yet.
	DefaultReconcileSince = 24 * time.Hour
	// maxPages bounds one pass, so that a source that always says More
	// cannot keep a pass going for ever.
	maxPages = 10000
)

// ErrSourceBusy is returned, wrapped, by Reconcile when another replica (or
// another Reconcile of this process) holds the lease of the source.
var ErrSourceBusy = errors.New("inbox: the source is being polled by another replica")

// WithReconciler makes Run poll each source every interval (plus up to a
// tenth, so that replicas drift apart) and store the changes it finds as
// deliveries, handled by the workers like webhooks: reconciliation, for the
// changes whose webhooks never came. Each source's first poll looks back
// DefaultReconcileSince; every later one resumes from the checkpoint the
// last stored, which is kept in the same database. One replica at a time
// polls a given source (a lease in the database), whichever replicas run.
//
// A change is stored keyed by its Change.ID and, when its event reports a
// version (event.VersionOf), by its record's subject and version, as a
// webhook of the same change is: a webhook and a poll of one change are
// stored, and handled, once, whichever arrives first. Polled events report
// event.OriginPoll and carry what the listing held (event.RecordOf); with
// WithHydrators they are hydrated like webhooks, since a listing may hold
// less than the record (Propexo lists data diffs) or an older state of it.
//
// It also registers each source as the decoder of the changes it stored
// (see Delivery.Source), so that a replica that only runs workers needs the
// option too. An interval of zero or less, or a nil source, is ignored.
func WithReconciler(interval time.Duration, sources ...event.Source) Option {
	return func(c *config) {
		for _, s := range sources {
			if s == nil {
				continue
			}
			c.sources[s.Name()] = s
			if interval > 0 {
				c.pollers = append(c.pollers, poller{src: s, every: interval})
			}
		}
	}
}

// poller is one source polled on a schedule.
type poller struct {
	src   event.Source
	every time.Duration
}

// ReconcileOptions configures one pass of Reconcile.
type ReconcileOptions struct {
	// Since makes the pass list the changes made after it, whatever the
	// source's checkpoint: a backfill after an outage. Zero resumes from
	// the checkpoint, or looks back DefaultReconcileSince when the source
	// has none.
	Since time.Time
	// Progress, when set, is called after each page is stored.
	Progress func(ReconcileProgress)
}

// ReconcileProgress counts what a pass did so far; Reconcile returns the
// final count.
type ReconcileProgress struct {
	// Source is the Name of the source.
	Source string
	// Pages is how many pages were listed and stored.
	Pages int
	// Changes is how many changes the pages held.
	Changes int
	// Stored is how many of them were stored as new deliveries.
	Stored int
	// Duplicates is how many were stored before: by an earlier poll, or as
	// the webhook of the same change.
	Duplicates int
	// Checkpoint is the checkpoint saved after the last page.
	Checkpoint string
}

// Reconcile runs one pass of src: it lists the changes after the source's
// checkpoint, page after page, stores each page's changes as deliveries (as
// WithReconciler describes), then saves the page's checkpoint, then, for an
// event.Acker, acknowledges the page. A crash at any point loses nothing: a
// page whose checkpoint was not saved is listed again, and its changes,
// stored already, are not stored again.
//
// It holds the source's lease while it runs and fails with an error wrapping
// ErrSourceBusy when another replica holds it. It registers src as the
// decoder of its stored changes in this process.
func (ib *Inbox) Reconcile(ctx context.Context, src event.Source, opts ReconcileOptions) (ReconcileProgress, error) {
	if src == nil {
		return ReconcileProgress{}, errors.New("inbox: Reconcile with a nil Source")
	}
	name := src.Name()
	p := ReconcileProgress{Source: name}
	if err := ib.checkSchema(ctx); err != nil {
		return p, err
	}
	ib.addSource(src)
	owner := crand.Text()
	checkpoint, err := ib.leaseSource(ctx, name, owner)
	if err != nil {
		return p, fmt.Errorf("inbox: reconcile %s: %w", name, err)
	}
	defer ib.releaseSource(context.WithoutCancel(ctx), name, owner)

	cur := event.Cursor{Checkpoint: checkpoint, Since: opts.Since}
	if !opts.Since.IsZero() {
		cur.Checkpoint = ""
	} else if checkpoint == "" {
		cur.Since = ib.now().Add(-DefaultReconcileSince)
	}
	p.Checkpoint = checkpoint
	for range maxPages {
		page, err := src.Changes(ctx, cur)
		if err != nil {
			return p, fmt.Errorf("inbox: reconcile %s: list changes: %w", name, err)
		}
		if page == nil {
			page = &event.ChangePage{Checkpoint: cur.Checkpoint}
		}
		stored, dups, err := ib.storeChanges(ctx, src, page.Changes)
		p.Stored += stored
		p.Duplicates += dups
		if err != nil {
			return p, fmt.Errorf("inbox: reconcile %s: %w", name, err)
		}
		if ib.afterStore != nil {
			if err := ib.afterStore(); err != nil {
				return p, err
			}
		}
		if err := ib.saveCheckpoint(ctx, name, owner, page.Checkpoint); err != nil {
			return p, fmt.Errorf("inbox: reconcile %s: %w", name, err)
		}
		p.Pages++
		p.Changes += len(page.Changes)
		p.Checkpoint = page.Checkpoint
		if a, ok := src.(event.Acker); ok && len(page.Changes) > 0 {
			if err := a.Ack(ctx, page); err != nil {
				// Safe: the changes are stored, and listed again next time
				// they are found as copies.
				ib.log.WarnContext(ctx, "inbox: acknowledging polled changes failed; they will be listed again",
					"source", name, "err", err)
			}
		}
		if opts.Progress != nil {
			opts.Progress(p)
		}
		if !page.More {
			return p, nil
		}
		cur = event.Cursor{Checkpoint: page.Checkpoint}
	}
	return p, nil
}

// storeChanges stores the changes of one page and counts the new ones and
// the copies.
func (ib *Inbox) storeChanges(ctx context.Context, src event.Source, changes []event.Change) (stored, dups int, err error) {
	name, provider := src.Name(), src.Provider()
	for _, c := range changes {
		headers, err := encodeHeaders(c.Header, storedHeaders(ib.cfg.headers, nil))
		if err != nil {
			return stored, dups, fmt.Errorf("change %q: headers: %w", c.ID, err)
		}
		d := newDelivery{provider: provider, eventID: c.ID, headers: headers, body: c.Body, source: name}
		if d.eventID == "" {
			d.eventID = event.HashID(c.Body)
		}
		if e, derr := src.Decode(c.Header, c.Body); derr != nil {
			// The source's own bug: keep the change, dead, until Retry.
			d.typ, d.dead = event.TypeUnknown, true
			d.lastError = "inbox: polled change not decodable; fix the source, then retry: " + errorText(derr)
		} else {
			d.typ, d.name, d.account, d.subject, d.time = e.Type(), e.Name(), e.Account(), e.Subject(), e.Time()
			d.version = event.VersionOf(e)
		}
		_, ok, err := ib.insert(ctx, d, 0, ib.now())
		if err != nil {
			return stored, dups, fmt.Errorf("store change %q: %w", c.ID, err)
		}
		if ok {
			stored++
		} else {
			dups++
		}
	}
	return stored, dups, nil
}

// leaseSource takes the lease of the source name for owner, creating its
// row on first use, and returns its checkpoint. It fails with ErrSourceBusy
// while another owner's lease runs.
func (ib *Inbox) leaseSource(ctx context.Context, name, owner string) (string, error) {
	if _, err := ib.db.ExecContext(ctx, ib.q.sourceCreate, name); err != nil {
		return "", err
	}
	now := ib.now()
	var checkpoint string
	err := ib.db.QueryRowContext(ctx, ib.q.sourceLease, name, owner, ib.q.timeArg(now.Add(ib.cfg.lease)),
		ib.q.timeArg(now)).Scan(&checkpoint)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrSourceBusy
	}
	return checkpoint, err
}

// saveCheckpoint stores checkpoint for the source name and renews owner's
// lease; it fails with ErrSourceBusy when the lease was lost.
func (ib *Inbox) saveCheckpoint(ctx context.Context, name, owner, checkpoint string) error {
	now := ib.now()
	res, err := ib.db.ExecContext(ctx, ib.q.sourceSave, name, owner, checkpoint, ib.q.timeArg(now),
		ib.q.timeArg(now.Add(ib.cfg.lease)))
	if err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("save checkpoint: lease lost: %w", ErrSourceBusy)
	}
	return nil
}

// releaseSource gives owner's lease of the source name up.
func (ib *Inbox) releaseSource(ctx context.Context, name, owner string) {
	if _, err := ib.db.ExecContext(ctx, ib.q.sourceRelease, name, owner); err != nil {
		ib.log.WarnContext(ctx, "inbox: releasing a source's lease failed; it runs out by itself",
			"source", name, "err", err)
	}
}

// addSource registers src as the decoder of the changes it stores.
func (ib *Inbox) addSource(src event.Source) {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	if _, ok := ib.sources[src.Name()]; !ok {
		ib.sources[src.Name()] = src
	}
}

// decoderOf returns the decoder of d: its source's for a polled change, its
// provider's for a webhook; nil when there is none.
func (ib *Inbox) decoderOf(d *Delivery) (event.Decoder, error) {
	if d.Source == "" {
		if dec := ib.decoder(d.Provider); dec != nil {
			return dec, nil
		}
		return nil, fmt.Errorf("%w %q", ErrNoDecoder, d.Provider)
	}
	ib.mu.RLock()
	defer ib.mu.RUnlock()
	if src, ok := ib.sources[d.Source]; ok {
		return src, nil
	}
	return nil, fmt.Errorf("%w: no source %q (see WithReconciler)", ErrNoDecoder, d.Source)
}

// reconcileLoop polls p.src until ctx ends.
func (ib *Inbox) reconcileLoop(ctx context.Context, p poller) {
	log := ib.log.With("source", p.src.Name())
	for ctx.Err() == nil {
		start := time.Now()
		res, err := ib.Reconcile(ctx, p.src, ReconcileOptions{})
		wait := p.every
		var rl *event.RateLimitError
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, ErrSourceBusy):
			log.DebugContext(ctx, "source polled by another replica")
		case errors.As(err, &rl):
			wait = max(wait, rl.RetryAfter)
			log.WarnContext(ctx, "reconcile: rate limited; waiting", "retry_after", rl.RetryAfter, "err", err)
		case err != nil:
			log.ErrorContext(ctx, "reconcile failed; retrying at the next interval", "err", err,
				"pages", res.Pages, "stored", res.Stored)
		default:
			log.InfoContext(ctx, "reconciled", "pages", res.Pages, "changes", res.Changes, "stored", res.Stored,
				"duplicates", res.Duplicates, "duration", time.Since(start))
		}
		t := time.NewTimer(wait + rand.N(wait/10+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// runReconcilers starts the pollers of WithReconciler; the returned
// function waits for them after ctx ended.
func (ib *Inbox) runReconcilers(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for _, p := range ib.cfg.pollers {
		wg.Go(func() { ib.reconcileLoop(ctx, p) })
	}
	return wg.Wait
}
