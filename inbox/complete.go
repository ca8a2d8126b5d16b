package inbox

import (
	"context"
	"log/slog"
	"time"
)

// completion is a delivery whose handler returned nil: its "done" is still
// to be written.
type completion struct {
	id    int64
	token string
	keys  []int64 // its subject's key; empty without a subject
	log   *slog.Logger
	attrs []any

	// For the hooks: the delivery, the context AttemptStarted returned and
	// how long the attempt ran.
	d   *Delivery
	ctx context.Context
	dur time.Duration
}

// completer writes the "done" of handled deliveries in batches, as a group
// commit: while one batch is being written, the completions of the workers
// queue up and go in the next statement. Under load that is one write for
// many deliveries; alone, a completion is written at once. Workers do not
// wait for it: a delivery shows as in flight, and holds back the next
// delivery of its subject, until its batch is written, a few milliseconds.
// On PostgreSQL the write does not wait for the disk either (synchronous
// commit off). A crash or power loss before the write reaches the disk
// loses only the "done": the lease ends and the handler runs again, the
// at-least-once the inbox promises in any case.
type completer struct {
	ib      *Inbox
	ch      chan completion
	stopped chan struct{}
}

// newCompleter starts a completer; close stops it after writing what it
// was given.
func (ib *Inbox) newCompleter() *completer {
	c := &completer{ib: ib, ch: make(chan completion, maxBatch), stopped: make(chan struct{})}
	go c.run()
	return c
}

// complete queues x for the next batch. It blocks only while maxBatch
// completions wait to be written.
func (c *completer) complete(x completion) { c.ch <- x }

// close writes the queued completions and stops; no add may follow.
func (c *completer) close() {
	close(c.ch)
	<-c.stopped
}

func (c *completer) run() {
	defer close(c.stopped)
	batch := make([]completion, 0, maxBatch)
	for x := range c.ch {
		batch = append(batch[:0], x)
	more:
		for len(batch) < maxBatch {
			select {
			case y, ok := <-c.ch:
				if !ok {
					break more
				}
				batch = append(batch, y)
			default:
				break more
			}
		}
		c.flush(batch)
	}
}

// flush writes batch in one statement and logs each outcome. It runs even
// after Run's context ended: that is what makes a shutdown lose nothing.
func (c *completer) flush(batch []completion) {
	ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
	defer cancel()
	ids := make([]int64, len(batch))
	tokens := make([]string, len(batch))
	keys := make([]int64, 0, len(batch))
	for i, x := range batch {
		ids[i], tokens[i] = x.id, x.token
		keys = append(keys, x.keys...)
	}
	held, promoted, err := c.ib.completeBatch(ctx, ids, tokens, keys, c.ib.now())
	for _, x := range batch {
		out := OutcomeDone
		switch {
		case err != nil:
			// The lease runs out and the delivery is attempted again.
			out = OutcomeNotRecorded
			x.log.ErrorContext(ctx, "inbox: recording the outcome failed; the delivery will be attempted again",
				"outcome", "done", "err", err)
		case !held[x.id]:
			out = OutcomeLeaseLost
			x.log.WarnContext(ctx, "lease lost: another worker took the delivery over; this outcome is discarded",
				append(x.attrs, "outcome", "lease_lost", "discarded", "done")...)
		default:
			x.log.InfoContext(ctx, "delivery handled", append(x.attrs, "outcome", "done")...)
		}
		if x.ctx != nil { // hooks are set
			c.ib.reportAttempt(x.ctx, x.d, out, nil, x.dur, 0, 0)
		}
	}
	if err == nil && promoted > 0 {
		// The next deliveries of these subjects are claimable. Only then:
		// a wake-up with nothing to claim would send the dispatcher into a
		// claim that finds nothing, and a delivery stored meanwhile would
		// wait for it.
		c.ib.notify()
	}
}
