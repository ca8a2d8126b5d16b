package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/lenient"
)

// Date is a calendar date with no time of day and no time zone, such as the
// arrival day of a booking. Providers send these as "YYYY-MM-DD" in the
// property's local calendar, and converting them to an instant would invent a
// zone, so Date keeps the three numbers.
//
// The zero Date means "not given". A Date with Unparsed set means "given, but
// not a date": the provider sent something else (such as "forged" or
// "30/12/2026"), the three numbers are zero, and Unparsed keeps what was
// sent, so that one odd field never loses a delivery and nothing is invented.
// Check IsUnparsed before using such a Date as a day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
	// Unparsed is the value as sent when it is not a YYYY-MM-DD date: the
	// text of a JSON string, or the raw JSON text of any other kind (cut to
	// lenient.MaxUnparsed bytes). "" for a real or a zero Date.
	Unparsed string
}

// ErrInvalidDate is returned by ParseDate when a text is not a valid
// YYYY-MM-DD date. Decoding a Date never returns it: see Date.
var ErrInvalidDate = errors.New("event: invalid date")

// ParseDate parses a "YYYY-MM-DD" text. It rejects any other layout and
// impossible dates such as 2025-02-30 with an error wrapping ErrInvalidDate.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: not a YYYY-MM-DD calendar date", ErrInvalidDate)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is the zero Date: not given. An unparsed Date is
// not zero.
func (d Date) IsZero() bool { return d == Date{} }

// IsUnparsed reports whether d was given but is not a date; Unparsed then
// holds what was sent and the three numbers are zero.
func (d Date) IsUnparsed() bool { return d.Unparsed != "" }

// String returns d as "YYYY-MM-DD", "" for the zero Date, and the Unparsed
// text as sent for an unparsed Date (so that printing it, and MarshalText,
// lose nothing; it is then not a YYYY-MM-DD text).
func (d Date) String() string {
	switch {
	case d.Unparsed != "":
		return d.Unparsed
	case d.IsZero():
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// In returns midnight at the start of d in loc, for callers that know the
// property's time zone. It is the zero time.Time for an unparsed Date.
func (d Date) In(loc *time.Location) time.Time {
	if d.IsUnparsed() {
		return time.Time{}
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is before e; false when either is unparsed, as it
// has no place in the calendar.
func (d Date) Before(e Date) bool {
	if d.IsUnparsed() || e.IsUnparsed() {
		return false
	}
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// DaysUntil returns the number of days from d to e, such as the nights of a
// stay from arrival to departure; negative when e is before d, and 0 when
// either is unparsed.
func (d Date) DaysUntil(e Date) int {
	if d.IsUnparsed() || e.IsUnparsed() {
		return 0
	}
	return int(e.In(time.UTC).Sub(d.In(time.UTC)).Hours() / 24)
}

// MarshalText returns the String form: for an unparsed Date, the text as
// sent.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses "YYYY-MM-DD", around which white space is ignored. An
// empty or blank text, and the "0000-00-00" that some MySQL-backed systems
// send for "no date", are the zero Date. Any other text is kept in Unparsed.
// It never returns an error.
func (d *Date) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" || s == "0000-00-00" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		*d = Date{Unparsed: strings.ToValidUTF8(string(b), "\uFFFD")}
		return nil
	}
	*d = v
	return nil
}

// MarshalJSON returns the date as a JSON string, the Unparsed text as a JSON
// string for an unparsed Date, or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	switch {
	case d.Unparsed != "":
		return json.Marshal(d.Unparsed)
	case d.IsZero():
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON accepts a "YYYY-MM-DD" string; null and "" give the zero
// Date. Any other value (another text, a number, an object) is kept in
// Unparsed, as UnmarshalText does. It never returns an error.
func (d *Date) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*d = Date{}
		return nil
	}
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		if bytes.IndexByte(b[1:len(b)-1], '\\') < 0 {
			return d.UnmarshalText(b[1 : len(b)-1])
		}
		var s string
		if json.Unmarshal(b, &s) == nil {
			return d.UnmarshalText([]byte(s))
		}
	}
	*d = Date{Unparsed: lenient.UnparsedText(b)}
	return nil
}
