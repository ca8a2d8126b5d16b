package inbox

import "strconv"

// The SQL of the attempt log (schema version 5). Each finished attempt that
// did not end in "done" is appended to attempt_log, a JSON array, by the
// statement that records its outcome; the latest attempt's start is
// started_at, written by the claim. See Delivery.History.

// maxLogEntries bounds attempt_log: the oldest entries are dropped.
const maxLogEntries = 32

// maxLogError bounds the error text of one entry of attempt_log, in bytes
// (PostgreSQL: characters).
const maxLogError = 1024

// logEntry is the SQL of one attempt's entry: the attempt number n, started
// at started_at, finished at fin, with the outcome and error expressions.
// Parameters are cast for PostgreSQL, which cannot infer them inside
// jsonb_build_object.
func logEntry(d Dialect, n, fin, outcome, errText string) string {
	if d == PostgreSQL {
		return `jsonb_build_object('attempt', ` + n + `, 'started_at', started_at, 'finished_at', ` + fin +
			`::TIMESTAMPTZ, 'outcome', ` + outcome + `::TEXT, 'error', left(` + errText + `::TEXT, ` + strconv.Itoa(maxLogError) + `))`
	}
	return `json_object('attempt', ` + n + `, 'started_at', started_at, 'finished_at', ` + fin +
		`, 'outcome', ` + outcome + `, 'error', substr(` + errText + `, 1, ` + strconv.Itoa(maxLogError) + `))`
}

// logMarker is the SQL of an entry that marks a Retry or Replay at fin.
func logMarker(d Dialect, outcome, fin string) string {
	if d == PostgreSQL {
		return `jsonb_build_object('outcome', ` + outcome + `::TEXT, 'finished_at', ` + fin + `::TIMESTAMPTZ)`
	}
	return `json_object('outcome', ` + outcome + `, 'finished_at', ` + fin + `)`
}

// logAppend is the SQL of the JSON array base with entry appended, less its
// first entry when it holds maxLogEntries already.
func logAppend(d Dialect, base, entry string) string {
	if d == PostgreSQL {
		b := `COALESCE(` + base + `, '[]'::JSONB)`
		return `(CASE WHEN jsonb_array_length(` + b + `) >= ` + strconv.Itoa(maxLogEntries) + ` THEN ` + b + ` - 0 ELSE ` + b +
			` END) || jsonb_build_array(` + entry + `)`
	}
	b := `COALESCE(` + base + `, '[]')`
	return `json_insert(CASE WHEN json_array_length(` + b + `) >= ` + strconv.Itoa(maxLogEntries) + ` THEN json_remove(` + b +
		`, '$[0]') ELSE ` + b + ` END, '$[#]', ` + entry + `)`
}

// claimHistory is the SET clause of the claim for the attempt log: the
// attempt starts at $1; a delivery whose lease was still set was attempted
// by a worker that never recorded an outcome (it died, or outlived its
// lease), and that attempt is logged as lease_lost. A claim of a delivery
// not leased writes started_at alone.
func claimHistory(d Dialect) string {
	const lost = `'the lease ended before the attempt recorded an outcome: the process died or the handler outlived its lease'`
	return `started_at = $1, attempt_log = CASE WHEN lease_token IS NULL THEN attempt_log ELSE ` +
		logAppend(d, "attempt_log", logEntry(d, "attempts", "$1", "'lease_lost'", lost)) + ` END`
}

// replaySet is the SET clause of Replay ($1 the id, $2 now): pending, due
// now, a fresh count of attempts; the attempt that made a delivery done is
// logged (the log holds the others already), then a replayed marker.
func replaySet(d Dialect) string {
	outcome := `CASE WHEN coalesced_into IS NULL THEN 'done' ELSE 'coalesced' END`
	done := logAppend(d, "attempt_log", logEntry(d, "attempts", "finished_at", outcome, "NULL"))
	withDone := `CASE WHEN state = 'done' AND started_at IS NOT NULL THEN ` + done + ` ELSE attempt_log END`
	return `state = 'pending', attempts = 0, next_attempt_at = $2, lease_token = NULL, finished_at = NULL,
				coalesced_into = NULL, started_at = NULL,
				attempt_log = ` + logAppend(d, withDone, logMarker(d, "'replayed'", "$2"))
}
