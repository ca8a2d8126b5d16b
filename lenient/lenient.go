package lenient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrType is wrapped by ParseTime's error for a text that is no timestamp.
// Decoding JSON never returns it: see the package doc.
var ErrType = errors.New("lenient: unexpected JSON value")

// MaxUnparsed is the most bytes of raw JSON text (an object, array or other
// value of an unexpected kind) a field keeps. The text of a JSON string is
// kept whole: it was already that long in the body.
const MaxUnparsed = 1 << 10

var null = []byte("null")

// String is text that may arrive as a JSON string, number or boolean; numbers
// keep their exact text (42, not 42.0). null is "". An object or array is
// kept as its raw JSON text, cut to MaxUnparsed bytes: String cannot flag it,
// but nothing fails and the text says what was sent.
type String string

// UnmarshalJSON implements json.Unmarshaler. It never returns an error.
func (s *String) UnmarshalJSON(b []byte) error {
	text, _ := scalarBytes(b)
	*s = String(text)
	return nil
}

// String returns s as a Go string.
func (s String) String() string { return string(s) }

// Int is an integer that may arrive as a JSON number (42, 42.0, 4.2e1) or a
// string holding one ("42"). null, "" and absence are the zero Int. Anything
// else (a fraction, a text, a boolean, an object) leaves Value 0 and is kept
// in Unparsed.
type Int struct {
	// Value is the integer; 0 when not given or unparsed.
	Value int64
	// Unparsed is the value as sent when it is no integer: the text of a
	// JSON string, or the raw JSON text of any other kind. "" otherwise.
	Unparsed string
}

// UnmarshalJSON implements json.Unmarshaler. It never returns an error.
func (n *Int) UnmarshalJSON(b []byte) error {
	text, k := scalarBytes(b)
	*n = Int{}
	if k == kindNull || k == kindString && len(bytes.TrimSpace(text)) == 0 {
		return nil
	}
	if k == kindString || k == kindNumber {
		if v, ok := parseInt(bytes.TrimSpace(text)); ok {
			n.Value = v
			return nil
		}
	}
	n.Unparsed = string(text)
	return nil
}

// parseInt parses an integer, also in float notation (42.0, 4.2e1) when it
// has no fraction and fits in an int64.
func parseInt(b []byte) (int64, bool) {
	if v, ok := parseDigits(b); ok {
		return v, true
	}
	text := string(b)
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return i, true
	}
	if !isNumber(b) {
		return 0, false // ParseFloat also reads "Inf", "0x1p3" and "1_000"
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// parseDigits parses the common integer, an optional minus and at most 18
// decimal digits, without the copy to a string that strconv needs; it
// reports false for anything else, which parseInt hands to strconv.
func parseDigits(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// MarshalJSON writes the integer as a JSON number, or Unparsed as a JSON
// string when there is one.
func (n Int) MarshalJSON() ([]byte, error) {
	if n.Unparsed != "" {
		return json.Marshal(n.Unparsed)
	}
	return strconv.AppendInt(nil, n.Value, 10), nil
}

// Int returns the integer as an int; 0 when not given or unparsed.
func (n Int) Int() int { return int(n.Value) }

// Int64 returns the integer; 0 when not given or unparsed.
func (n Int) Int64() int64 { return n.Value }

// String returns the integer in decimal, or the Unparsed text when there is
// one: check IsUnparsed before reading it as a number.
func (n Int) String() string {
	if n.Unparsed != "" {
		return n.Unparsed
	}
	return strconv.FormatInt(n.Value, 10)
}

// IsZero reports whether n is the zero Int: 0, or not given. An unparsed Int
// is not zero.
func (n Int) IsZero() bool { return n == Int{} }

// IsUnparsed reports whether n was given but is no integer; Unparsed then
// holds what was sent.
func (n Int) IsUnparsed() bool { return n.Unparsed != "" }

// Bool is a flag that may arrive as true/false, 1/0, or a string holding any
// of those ("true", "1", "yes", "no", case-insensitive). null, "" and absence
// are false. Anything else (2, "maybe", an object) leaves Value false and is
// kept in Unparsed.
type Bool struct {
	// Value is the flag; false when not given or unparsed.
	Value bool
	// Unparsed is the value as sent when it is no flag: the text of a JSON
	// string, or the raw JSON text of any other kind. "" otherwise.
	Unparsed string
}

// UnmarshalJSON implements json.Unmarshaler. It never returns an error.
func (v *Bool) UnmarshalJSON(b []byte) error {
	text, k := scalarBytes(b)
	*v = Bool{}
	switch k {
	case kindNull:
		return nil
	case kindBool, kindNumber, kindString:
		// The words below are ASCII, so only an ASCII text can match:
		// lowering ASCII letters is strings.ToLower for them.
		var buf [5]byte
		t := bytes.TrimSpace(text)
		if len(t) <= len(buf) {
			for i, c := range t {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf[i] = c
			}
			switch string(buf[:len(t)]) {
			case "1", "true", "yes", "y", "t", "on":
				v.Value = true
				return nil
			case "0", "false", "no", "n", "f", "off", "", "0.0":
				return nil
			}
		}
	}
	v.Unparsed = string(text)
	return nil
}

// MarshalJSON writes true or false, or Unparsed as a JSON string when there
// is one.
func (v Bool) MarshalJSON() ([]byte, error) {
	if v.Unparsed != "" {
		return json.Marshal(v.Unparsed)
	}
	return strconv.AppendBool(nil, v.Value), nil
}

// Bool returns the flag; false when not given or unparsed.
func (v Bool) Bool() bool { return v.Value }

// String returns "true" or "false", or the Unparsed text when there is one.
func (v Bool) String() string {
	if v.Unparsed != "" {
		return v.Unparsed
	}
	return strconv.FormatBool(v.Value)
}

// IsZero reports whether v is the zero Bool: false, or not given. An
// unparsed Bool is not zero.
func (v Bool) IsZero() bool { return v == Bool{} }

// IsUnparsed reports whether v was given but is no flag; Unparsed then holds
// what was sent.
func (v Bool) IsUnparsed() bool { return v.Unparsed != "" }

// Decimal is an exact decimal amount, such as money, that may arrive as a JSON
// number (830.00) or a string ("830.00"). It keeps the text exactly as sent,
// trimmed; it never passes through float64. null, "" and absence are the zero
// Decimal (no amount). Anything else ("12,50", true, an object) leaves Value
// "" and is kept in Unparsed.
type Decimal struct {
	// Value is the exact decimal text, a JSON number such as "830.00"; ""
	// when not given or unparsed.
	Value string
	// Unparsed is the value as sent when it is no decimal number: the text
	// of a JSON string, or the raw JSON text of any other kind. "" otherwise.
	Unparsed string
}

// UnmarshalJSON implements json.Unmarshaler. It never returns an error.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	text, k := scalarBytes(b)
	*d = Decimal{}
	switch k {
	case kindNull:
		return nil
	case kindNumber:
		d.Value = string(text)
		return nil
	case kindString:
		t := bytes.TrimSpace(text)
		if len(t) == 0 {
			return nil
		}
		if isNumber(t) {
			d.Value = string(t)
			return nil
		}
	}
	d.Unparsed = string(text)
	return nil
}

// MarshalJSON writes the decimal as a JSON number, Unparsed as a JSON string
// when there is one, or null when zero. A Value that is not a JSON number
// (only a hand-built Decimal has one) is written as a JSON string.
func (d Decimal) MarshalJSON() ([]byte, error) {
	switch {
	case d.Unparsed != "":
		return json.Marshal(d.Unparsed)
	case d.Value == "":
		return null, nil
	case !isNumber([]byte(d.Value)):
		return json.Marshal(d.Value)
	}
	return []byte(d.Value), nil
}

// String returns the exact decimal text, or the Unparsed text when there is
// one: check IsUnparsed before reading it as an amount, or use Value.
func (d Decimal) String() string {
	if d.Unparsed != "" {
		return d.Unparsed
	}
	return d.Value
}

// IsZero reports whether d is the zero Decimal: no amount was given. An
// unparsed Decimal is not zero.
func (d Decimal) IsZero() bool { return d == Decimal{} }

// IsUnparsed reports whether d was given but is no decimal number; Unparsed
// then holds what was sent.
func (d Decimal) IsUnparsed() bool { return d.Unparsed != "" }

// Time is a timestamp that may arrive in RFC 3339 with or without fractional
// seconds, with a space instead of the T, without a zone, or as Unix seconds.
// null, "" and absence are the zero Time. Anything else (a text in no known
// layout, an object) leaves the embedded time.Time zero and is kept in
// Unparsed.
//
// A timestamp without a zone is not an instant: the provider meant a clock
// reading in some zone it did not name. Time keeps that reading in the
// embedded time.Time, in UTC only as a placeholder, and sets Zoneless:
// check Zoneless before comparing such a Time with a real instant, and use
// In to place it in the zone you know.
type Time struct {
	time.Time
	// Unparsed holds the value as sent when it is no timestamp this type
	// knows (such as MySQL's "0000-00-00 00:00:00"): the text of a JSON
	// string, or the raw JSON text of any other kind. The time.Time is then
	// zero, and the delivery is not lost over one field.
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

// ParseTime parses any of the spellings Time accepts. A text in none of them
// is an error wrapping ErrType, whose message does not quote the text.
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	if localSecondShaped(s) {
		// Hostaway's spelling. No zoned layout reads it, so the first
		// local one would; try it first rather than fail ten times.
		if t, err := time.Parse(localSecond, s); err == nil {
			return Time{Time: t, Zoneless: true}, nil
		}
	}
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

// maxUnixSeconds bounds the Unix seconds Time accepts (about the year
// 292277026596, where time.Unix stops being exact): beyond it the number is
// kept in Unparsed.
const maxUnixSeconds = 1 << 53

// UnmarshalJSON implements json.Unmarshaler. It never returns an error.
func (t *Time) UnmarshalJSON(b []byte) error {
	raw, k := scalarBytes(b)
	*t = Time{}
	if k == kindString && localSecondShaped(raw) {
		// As in ParseTime, without copying the text to the heap.
		if v, err := time.Parse(localSecond, string(raw)); err == nil {
			*t = Time{Time: v, Zoneless: true}
			return nil
		}
	}
	if k == kindString && rfc3339Shaped(raw) {
		// The common spelling, read without copying the text:
		// time.Time's own decoder parses RFC 3339 exactly as ParseTime's
		// first layout does, and more strictly.
		var v time.Time
		if v.UnmarshalJSON(bytes.TrimSpace(b)) == nil {
			t.Time = v
			return nil
		}
	}
	if k == kindNumber {
		if secs, ok := parseFloat(raw); ok && math.Abs(secs) < maxUnixSeconds {
			whole := math.Trunc(secs)
			*t = Time{Time: time.Unix(int64(whole), int64((secs-whole)*1e9)).UTC()}
			return nil
		}
	}
	text := string(raw)
	switch k {
	case kindNull:
		return nil
	case kindString:
		if strings.TrimSpace(text) == "" {
			return nil
		}
		if v, err := ParseTime(text); err == nil {
			*t = v
			return nil
		}
	}
	t.Unparsed = text
	return nil
}

// MarshalJSON writes RFC 3339, without a zone when Zoneless; the Unparsed
// text as a JSON string when there is one; or null when zero.
func (t Time) MarshalJSON() ([]byte, error) {
	switch {
	case t.Unparsed != "":
		return json.Marshal(t.Unparsed)
	case t.Time.IsZero():
		return null, nil
	case t.Zoneless:
		return []byte(`"` + t.Time.Format("2006-01-02T15:04:05.999999999") + `"`), nil
	}
	return []byte(`"` + t.Time.Format(time.RFC3339Nano) + `"`), nil
}

// IsZero reports whether t is the zero Time: no timestamp was given. An
// unparsed Time is not zero, though its time.Time is; t.Time.IsZero reports
// whether there is a timestamp to read.
func (t Time) IsZero() bool { return t.Time.IsZero() && t.Unparsed == "" }

// IsUnparsed reports whether t was given but is no timestamp; Unparsed then
// holds what was sent and the time.Time is zero.
func (t Time) IsUnparsed() bool { return t.Unparsed != "" }

// In returns the instant t names: itself when it has a zone, otherwise its
// clock reading placed in loc. It is the zero time.Time when t holds no
// timestamp.
func (t Time) In(loc *time.Location) time.Time {
	if t.Time.IsZero() {
		return time.Time{}
	}
	if !t.Zoneless {
		return t.Time.In(loc)
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), loc)
}

// Instant returns t.Time when t has a zone, and the zero time.Time when it is
// Zoneless or holds no timestamp: a clock reading without a zone names no
// instant.
func (t Time) Instant() time.Time {
	if t.Zoneless {
		return time.Time{}
	}
	return t.Time
}

// parseFloat is strconv.ParseFloat of a short number without copying it to
// the heap first (the conversion of up to 32 bytes stays on the stack).
func parseFloat(b []byte) (float64, bool) {
	if len(b) > 32 {
		f, err := strconv.ParseFloat(string(b), 64)
		return f, err == nil
	}
	var buf [32]byte
	n := copy(buf[:], b)
	f, err := strconv.ParseFloat(string(buf[:n]), 64)
	return f, err == nil
}

// localSecond is the zoneless spelling "2006-01-02 15:04:05", which the
// local layouts read (localLayouts[1] with no fraction).
const localSecond = "2006-01-02 15:04:05"

// localSecondShaped reports whether text has exactly the shape of
// localSecond: digits, with "-", " " and ":" where it has them.
func localSecondShaped[T string | []byte](text T) bool {
	if len(text) != len(localSecond) {
		return false
	}
	for i := 0; i < len(text); i++ {
		c, l := text[i], localSecond[i]
		if '0' <= l && l <= '9' {
			if c < '0' || c > '9' {
				return false
			}
		} else if c != l {
			return false
		}
	}
	return true
}

// rfc3339Shaped reports whether text, the text of a JSON string, looks like
// an RFC 3339 timestamp ("2006-01-02T15:04:05" and a zone), so that trying
// time.Time's decoder on it is likely to pay off.
func rfc3339Shaped(text []byte) bool {
	return len(text) >= 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':'
}

// jsonKind is the kind of a JSON value as scalarBytes sees it.
type jsonKind uint8

const (
	kindNull jsonKind = iota
	kindString
	kindNumber
	kindBool
	kindOther // object, array, or not JSON at all
)

// scalarBytes returns the kind of the JSON value b and its text: the
// unquoted text of a string, the literal of a number or boolean, nil for
// null, and the raw text, cut to MaxUnparsed bytes, of anything else. The
// text of a number, a boolean or a string without escapes is a sub-slice of
// b, not a copy, so that a caller that only reads it allocates nothing.
func scalarBytes(b []byte) ([]byte, jsonKind) {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, null):
		return nil, kindNull
	case len(b) > 0 && b[0] == '"':
		if s, ok := unquoteBytes(b); ok {
			return s, kindString
		}
	case string(b) == "true" || string(b) == "false":
		return b, kindBool
	case isNumber(b):
		return b, kindNumber
	}
	return []byte(UnparsedText(b)), kindOther
}

// UnparsedText returns b, a JSON value of a kind its field cannot hold, as the text
// an Unparsed field keeps: trimmed, cut to at most MaxUnparsed bytes on a
// character boundary, and with invalid UTF-8 replaced, so that it survives
// being written back as a JSON string.
func UnparsedText(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > MaxUnparsed {
		cut := MaxUnparsed
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
		b = b[:cut]
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// unquoteBytes returns the text of the JSON string b, and false when b is
// not a valid JSON string. Strings without escapes, the common case, are
// sliced, not copied, without running the JSON decoder.
func unquoteBytes(b []byte) ([]byte, bool) {
	if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 && utf8.Valid(b) {
		return b[1 : len(b)-1], true
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, false
	}
	return []byte(s), true
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
