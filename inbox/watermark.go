package inbox

import (
	"context"
	"fmt"
	"time"
)

// Watermark is a cheap summary of an inbox's deliveries, for a live view
// that polls it: two Watermarks read at different times differ (!=) when,
// in between, a delivery was stored, claimed, retried, released, finished
// (done, coalesced or dead), or brought back by Retry or Replay, and
// usually when deliveries were purged. Its zero value is the summary of no
// read. A change that the next change undoes within one poll may go
// unseen, as may a purge that deletes neither the oldest delivery nor the
// latest done one.
type Watermark struct {
	newest, oldest            int64 // ids
	lastDone, lastDead        int64 // finished_at, Unix microseconds
	dead                      int64
	pending, leased, attempts int64 // over pending rows
	lastStarted               int64 // started_at of pending rows, Unix microseconds
}

// String returns the Watermark as an opaque text that changes whenever the
// Watermark does: a page rendered with one can ask the console's event
// stream whether anything changed since.
func (w Watermark) String() string {
	return fmt.Sprintf("%d.%d.%d.%d.%d.%d.%d.%d.%d", w.newest, w.oldest, w.lastDone, w.lastDead, w.dead,
		w.pending, w.leased, w.attempts, w.lastStarted)
}

// Watermark reads the inbox's Watermark with one query. Its cost does not
// grow with the deliveries kept: the newest and oldest ids, the latest done
// and dead, and the number of dead ones are read from indexes; the pending
// deliveries (the backlog, usually few) are read row by row through their
// partial indexes. Polling it once a second is cheap; a console handler
// shares one poll among its open pages.
func (ib *Inbox) Watermark(ctx context.Context) (Watermark, error) {
	var (
		w                             Watermark
		lastDone, lastDead, lastStart time.Time
	)
	err := ib.db.QueryRowContext(ctx, ib.q.watermark).Scan(&w.newest, &w.oldest, dbTime{&lastDone}, dbTime{&lastDead},
		&w.dead, &w.pending, &w.leased, &w.attempts, dbTime{&lastStart})
	if err != nil {
		return Watermark{}, fmt.Errorf("inbox: watermark: %w", err)
	}
	w.lastDone, w.lastDead, w.lastStarted = micros(lastDone), micros(lastDead), micros(lastStart)
	return w, nil
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// watermarkQuery is the query of Watermark. Each part is written so that
// the planner can use an index: "state <> 'pending'" repeats the predicate
// of pmshooks_inbox_finished, and the pending rows are those of the partial
// indexes pmshooks_inbox_subject (with a subject) and pmshooks_inbox_ready
// (without one, always a head).
func watermarkQuery(d Dialect) string {
	head := "head = 1"
	if d == PostgreSQL {
		head = "head"
	}
	return `SELECT
			(SELECT COALESCE(MAX(id), 0) FROM pmshooks_inbox),
			(SELECT COALESCE(MIN(id), 0) FROM pmshooks_inbox),
			(SELECT MAX(finished_at) FROM pmshooks_inbox WHERE state = 'done' AND state <> 'pending'),
			(SELECT MAX(finished_at) FROM pmshooks_inbox WHERE state = 'dead' AND state <> 'pending'),
			(SELECT COUNT(*) FROM pmshooks_inbox WHERE state = 'dead' AND state <> 'pending'),
			p.n, p.leased, p.attempts, p.started
		FROM (SELECT COUNT(*) AS n, COUNT(lease_token) AS leased, COALESCE(SUM(attempts), 0) AS attempts,
				MAX(started_at) AS started
			FROM (SELECT lease_token, attempts, started_at FROM pmshooks_inbox
					WHERE state = 'pending' AND subject_key IS NOT NULL
				UNION ALL
				SELECT lease_token, attempts, started_at FROM pmshooks_inbox
					WHERE ` + head + ` AND state = 'pending' AND subject_key IS NULL) AS pending) AS p`
}
