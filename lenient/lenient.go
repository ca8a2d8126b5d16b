package lenient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrType is wrapped by every decoding error of this package: the JSON value
// has a kind the field cannot hold.
var ErrType = errors.New("lenient: unexpected JSON value")

var null = []byte("null")

// String is text that may arrive as a JSON string, number or boolean; numbers
// keep their exact text (42, not 42.0). null is "".
type String string

// UnmarshalJSON implements json.Unmarshaler.
func (s *String) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, null):
		*s = ""
	case len(b) > 0 && b[0] == '"':
		v, err := unquote(b)
		if err != nil {
			return err
		}
		*s = String(v)
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")), isNumber(b):
		*s = String(b)
	default:
		return fmt.Errorf("%w: %s where text or a number belongs", ErrType, kind(b))
	}
	return nil
}

// String returns s as a Go string.
func (s String) String() string { return string(s) }

// Int is an integer that may arrive as a JSON number (42, 42.0, 4.2e1) or a
// string holding one ("42"). null and "" are 0. A number with a fraction is an
// error: it is not an integer.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	text, ok, err := scalar(b)
	if err != nil {
		return err
	}
	if !ok || strings.TrimSpace(text) == "" {
		*n = 0
		return nil
	}
	text = strings.TrimSpace(text)
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		*n = Int(i)
		return nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != float64(int64(f)) {
		return fmt.Errorf("%w: a number with a fraction or a non-numeric text where an integer belongs", ErrType)
	}
	*n = Int(int64(f))
	return nil
}

// Int returns n as an int.
func (n Int) Int() int { return int(n) }

// Bool is a flag that may arrive as true/false, 1/0, or a string holding any
// of those ("true", "1", "yes", "no", case-insensitive). null and "" are false.
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *Bool) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch string(b) {
	case "true":
		*v = true
		return nil
	case "false", "null":
		*v = false
		return nil
	}
	text, _, err := scalar(b)
	if err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "1", "true", "yes", "y", "t", "on":
		*v = true
	case "0", "false", "no", "n", "f", "off", "", "0.0":
		*v = false
	default:
		return fmt.Errorf("%w: a text that is not a boolean", ErrType)
	}
	return nil
}

// Decimal is an exact decimal amount, such as money, that may arrive as a JSON
// number (830.00) or a string ("830.00"). It keeps the text exactly as sent,
// trimmed; it never passes through float64. null and "" are "" (no amount). A
// string that is not a decimal number is an error.
type Decimal string

// UnmarshalJSON implements json.Unmarshaler.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	text, ok, err := scalar(b)
	if err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	if !ok || text == "" {
		*d = ""
		return nil
	}
	if !isNumber([]byte(text)) {
		return fmt.Errorf("%w: a text that is not a decimal number", ErrType)
	}
	*d = Decimal(text)
	return nil
}

// MarshalJSON writes the decimal as a JSON number, or null when empty.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return null, nil
	}
	return []byte(d), nil
}

// String returns the exact decimal text.
func (d Decimal) String() string { return string(d) }

// IsZero reports whether d holds no amount.
func (d Decimal) IsZero() bool { return d == "" }

// Time is a timestamp that may arrive in RFC 3339 with or without fractional
// seconds, with a space instead of the T, without a zone, or as Unix seconds.
// null and "" are the zero Time. A string in no known layout is not an
// error: the Time is zero and Unparsed keeps the text.
//
// A timestamp without a zone is not an instant: the provider meant a clock
// reading in some zone it did not name. Time keeps that reading in the
// embedded time.Time, in UTC only as a placeholder, and sets Zoneless:
// check Zoneless before comparing such a Time with a real instant, and use
// In to place it in the zone you know.
type Time struct {
	time.Time
	// Unparsed holds the text as sent when it is a string that is no
	// timestamp this type knows (such as MySQL's "0000-00-00 00:00:00"): the
	// Time is then zero, and the delivery is not lost over one field.
	Unparsed string
	// Zoneless is true when the text had no zone: the clock fields are as sent,
	// and the location is not known.
	Zoneless bool
}

// layouts are the timestamp spellings Time accepts, zoned ones first.
var zonedLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -0700 MST",
	"2006-01-02 15:04:05 MST",
	time.RFC1123Z,
	time.RFC1123,
}

var localLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
}

// ParseTime parses any of the spellings Time accepts.
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Time{Time: t}, nil
		}
	}
	for _, l := range localLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Time{Time: t, Zoneless: true}, nil
		}
	}
	return Time{}, fmt.Errorf("%w: a text that is not a timestamp", ErrType)
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, null) {
		*t = Time{}
		return nil
	}
	if isNumber(b) {
		secs, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return fmt.Errorf("%w: a number that is not Unix seconds", ErrType)
		}
		whole := int64(secs)
		*t = Time{Time: time.Unix(whole, int64((secs-float64(whole))*1e9)).UTC()}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: %s where a timestamp belongs", ErrType, kind(b))
	}
	if strings.TrimSpace(s) == "" {
		*t = Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		*t = Time{Unparsed: s}
		return nil
	}
	*t = v
	return nil
}

// MarshalJSON writes RFC 3339, without a zone when Zoneless; the Unparsed
// text when there is one; or null when zero.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() && t.Unparsed != "" {
		return json.Marshal(t.Unparsed)
	}
	if t.IsZero() {
		return null, nil
	}
	if t.Zoneless {
		return []byte(`"` + t.Time.Format("2006-01-02T15:04:05.999999999") + `"`), nil
	}
	return []byte(`"` + t.Time.Format(time.RFC3339Nano) + `"`), nil
}

// In returns the instant t names: itself when it has a zone, otherwise its
// clock reading placed in loc.
func (t Time) In(loc *time.Location) time.Time {
	if !t.Zoneless || t.IsZero() {
		return t.Time.In(loc)
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), loc)
}

// Instant returns t.Time when t has a zone, and the zero time.Time when it is
// Zoneless: a clock reading without a zone names no instant.
func (t Time) Instant() time.Time {
	if t.Zoneless {
		return time.Time{}
	}
	return t.Time
}

// scalar returns the text of a JSON string or number, false for null, and an
// error for objects, arrays and booleans.
func scalar(b []byte) (string, bool, error) {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, null):
		return "", false, nil
	case len(b) > 0 && b[0] == '"':
		s, err := unquote(b)
		if err != nil {
			return "", false, err
		}
		return s, true, nil
	case isNumber(b):
		return string(b), true, nil
	}
	return "", false, fmt.Errorf("%w: %s where a number belongs", ErrType, kind(b))
}

// unquote returns the text of the JSON string b. Strings without escapes,
// the common case, are sliced without running the JSON decoder.
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 && utf8.Valid(b) {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", fmt.Errorf("%w: an invalid JSON string", ErrType)
	}
	return s, nil
}

// isNumber reports whether b is a JSON number (RFC 8259 section 6).
func isNumber(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	i := 0
	if b[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - start
	}
	lead := i
	if n := digits(); n == 0 || (n > 1 && b[lead] == '0') {
		return false // JSON allows no leading zero
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// kind names the JSON kind of b for error messages, without quoting it.
func kind(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "an invalid value"
}
