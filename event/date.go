package event

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// Date is a calendar date with no time of day and no time zone, such as the
// arrival day of a booking. Providers send these as "YYYY-MM-DD" in the
// property's local calendar, and converting them to an instant would invent a
// zone, so Date keeps the three numbers. The zero Date means "not given".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ErrInvalidDate is returned when a text is not a valid YYYY-MM-DD date.
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

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String returns d as "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// In returns midnight at the start of d in loc, for callers that know the
// property's time zone.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// DaysUntil returns the number of days from d to e, such as the nights of a
// stay from arrival to departure; negative when e is before d.
func (d Date) DaysUntil(e Date) int {
	return int(e.In(time.UTC).Sub(d.In(time.UTC)).Hours() / 24)
}

// MarshalText returns the String form.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses "YYYY-MM-DD". An empty text, and the "0000-00-00"
// that some MySQL-backed systems send for "no date", are the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 || string(b) == "0000-00-00" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON returns the date as a JSON string, or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON accepts a "YYYY-MM-DD" string; null and "" give the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("%w: not a JSON string", ErrInvalidDate)
	}
	return d.UnmarshalText(b[1 : len(b)-1])
}
