package inbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// listQuery is the query of List for f, and its parameters.
func (q *queries) listQuery(f Filter, now time.Time) (string, []any, error) {
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = DefaultListLimit
	case limit > MaxListLimit:
		limit = MaxListLimit
	}
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.State {
	case "":
	case StateDead:
		where = append(where, "state = 'dead'")
	case StateDone:
		where = append(where, "state = 'done'", "coalesced_into IS NULL")
	case StateCoalesced:
		where = append(where, "state = 'done'", "coalesced_into IS NOT NULL")
	case StatePending:
		where = append(where, "state = 'pending'", "(lease_token IS NULL OR next_attempt_at <= "+arg(q.timeArg(now))+")")
	case StateInFlight:
		where = append(where, "state = 'pending'", "lease_token IS NOT NULL", "next_attempt_at > "+arg(q.timeArg(now)))
	default:
		return "", nil, fmt.Errorf("unknown state %q", f.State)
	}
	if f.Provider != "" {
		where = append(where, "provider = "+arg(string(f.Provider)))
	}
	if f.Type != "" {
		where = append(where, "type = "+arg(string(f.Type)))
	}
	if f.Subject.Kind != "" {
		where = append(where, "subject_kind = "+arg(f.Subject.Kind))
	}
	if f.Subject.ID != "" {
		where = append(where, "subject_id = "+arg(f.Subject.ID))
	}
	if !f.ReceivedFrom.IsZero() {
		where = append(where, "received_at >= "+arg(q.timeArg(f.ReceivedFrom)))
	}
	if !f.ReceivedBefore.IsZero() {
		where = append(where, "received_at < "+arg(q.timeArg(f.ReceivedBefore)))
	}
	if f.After > 0 {
		where = append(where, "id > "+arg(f.After))
	}
	if f.Before > 0 {
		where = append(where, "id < "+arg(f.Before))
	}
	cols := historyColumns
	if f.WithoutBody {
		empty := "X''"
		if q.dialect == PostgreSQL {
			empty = "'\\x'::BYTEA"
		}
		cols = strings.Replace(cols, "headers, body,", "headers, "+empty+",", 1)
	}
	var b strings.Builder
	b.WriteString("SELECT " + cols + " FROM pmshooks_inbox")
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString(" ORDER BY id")
	if f.NewestFirst {
		b.WriteString(" DESC")
	}
	b.WriteString(" LIMIT " + arg(limit))
	return q.rebind(b.String()), args, nil
}
