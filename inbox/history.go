package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/pmshooks/pmshooks/event"
)

// Outcome is how an attempt ended, or the mark that Retry or Replay left in
// a delivery's History. The values are bounded, fit for a metric attribute
// (see Hooks), and are those of the log's "outcome" attribute.
type Outcome string

// The outcomes of an attempt, and the marks.
const (
	// OutcomeDone is an attempt whose handler returned nil.
	OutcomeDone Outcome = "done"
	// OutcomeCoalesced is an attempt whose handler call handled a later
	// delivery of the subject instead (see WithCoalescing).
	OutcomeCoalesced Outcome = "coalesced"
	// OutcomeRetry is a failed attempt, retried after the Backoff.
	OutcomeRetry Outcome = "retry"
	// OutcomeDead is a failed attempt that was the last allowed.
	OutcomeDead Outcome = "dead"
	// OutcomeReleased is an attempt given back because the workers were
	// stopping; it is not counted.
	OutcomeReleased Outcome = "released"
	// OutcomeRateLimited is an attempt deferred for the provider's rate
	// limit; it is not counted.
	OutcomeRateLimited Outcome = "rate_limited"
	// OutcomeLeaseLost is an attempt that never recorded an outcome: its
	// worker died or outlived the lease.
	OutcomeLeaseLost Outcome = "lease_lost"
	// OutcomeNotRecorded is an attempt whose outcome could not be written
	// (Hooks only): the lease runs out and the delivery is attempted again.
	OutcomeNotRecorded Outcome = "not_recorded"
	// OutcomeRunning is the attempt a worker holds right now.
	OutcomeRunning Outcome = "running"
	// OutcomeRetried marks a Retry: the attempts counted since start again
	// at 1.
	OutcomeRetried Outcome = "retried"
	// OutcomeReplayed marks a Replay: the attempts counted since start
	// again at 1.
	OutcomeReplayed Outcome = "replayed"
)

// Attempt is one entry of Delivery.History: an attempt, or a mark that
// Retry or Replay left (Number 0, StartedAt zero, FinishedAt when).
type Attempt struct {
	// Number counts the attempts since the delivery was stored, retried or
	// replayed, from 1; an attempt that was not counted (released,
	// rate-limited) shares its number with the next.
	Number int
	// StartedAt is when the attempt started; FinishedAt when it ended,
	// zero while it runs.
	StartedAt, FinishedAt time.Time
	Outcome               Outcome
	// Error is the attempt's error, cut to 1,024 bytes; "" when it did not
	// fail.
	Error string
}

// Duration is how long the attempt ran; zero while it runs and for a mark.
func (a Attempt) Duration() time.Duration {
	if a.StartedAt.IsZero() || a.FinishedAt.IsZero() {
		return 0
	}
	return a.FinishedAt.Sub(a.StartedAt)
}

// logRecord is one entry of attempt_log as the SQL writes it.
type logRecord struct {
	Attempt    int     `json:"attempt"`
	StartedAt  *string `json:"started_at"`
	FinishedAt *string `json:"finished_at"`
	Outcome    string  `json:"outcome"`
	Error      *string `json:"error"`
}

// historyOf is d's History: the entries of its attempt log, then the
// latest attempt when the log does not hold it (it succeeded, or it runs).
func historyOf(d *Delivery, log string, leased bool) ([]Attempt, error) {
	var recs []logRecord
	if log != "" {
		if err := json.Unmarshal([]byte(log), &recs); err != nil {
			return nil, err
		}
	}
	h := make([]Attempt, 0, len(recs)+1)
	for _, r := range recs {
		a := Attempt{Number: r.Attempt, Outcome: Outcome(r.Outcome)}
		if r.Error != nil {
			a.Error = *r.Error
		}
		var err error
		if a.StartedAt, err = logTime(r.StartedAt); err != nil {
			return nil, err
		}
		if a.FinishedAt, err = logTime(r.FinishedAt); err != nil {
			return nil, err
		}
		h = append(h, a)
	}
	if d.StartedAt.IsZero() {
		return nilIfEmpty(h), nil
	}
	last := Attempt{Number: d.Attempts, StartedAt: d.StartedAt}
	switch {
	case d.State == StateDone:
		last.Outcome, last.FinishedAt = OutcomeDone, d.FinishedAt
	case d.State == StateCoalesced:
		last.Outcome, last.FinishedAt = OutcomeCoalesced, d.FinishedAt
	case d.State == StateInFlight:
		last.Outcome = OutcomeRunning
	case d.State == StatePending && leased:
		// The lease ended without an outcome; the next claim logs it.
		last.Outcome = OutcomeLeaseLost
	default:
		return nilIfEmpty(h), nil // logged by the statement that ended it
	}
	return append(h, last), nil
}

func nilIfEmpty(h []Attempt) []Attempt {
	if len(h) == 0 {
		return nil
	}
	return h
}

func logTime(s *string) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, nil
	}
	var t time.Time
	err := dbTime{&t}.parse(*s)
	return t, err
}

// Replay makes the finished delivery id (done, coalesced or dead) pending
// again, due now, so that a worker runs the handler for it again. It keeps
// its id and takes its place in its subject's order as Retry does: when
// nothing of its subject is pending it runs at once; otherwise after the
// delivery now at the head of its subject and before the later ones.
//
// Its count of attempts starts again at 0, its History keeps every earlier
// attempt followed by an OutcomeReplayed mark, and its LastError is kept
// until an attempt replaces it. A replayed delivery is handled again, so the
// handler sees its event id a second time: that is what a replay is for.
// It returns an error wrapping ErrNotFound when there is no such delivery
// and ErrNotFinished when it is pending or in flight.
func (ib *Inbox) Replay(ctx context.Context, id int64) error {
	return ib.makePending(ctx, ib.q.replay, id, "replay", "delivery replayed", ErrNotFinished)
}

// Decode rebuilds the event of the stored delivery d with the decoder of
// its provider (see WithDecoder; HTTPHandler registers its Receiver), as a
// worker does before it calls the handler, without hydration. It returns an
// error wrapping ErrNoDecoder when the inbox has no decoder for d's
// provider.
func (ib *Inbox) Decode(d Delivery) (event.Event, error) {
	dec := ib.decoder(d.Provider)
	if dec == nil {
		return nil, fmt.Errorf("%w %q", ErrNoDecoder, d.Provider)
	}
	e, err := dec.Decode(d.Header, d.Body)
	if err != nil {
		return nil, fmt.Errorf("inbox: decoding delivery %d: %w", d.ID, err)
	}
	return e, nil
}
