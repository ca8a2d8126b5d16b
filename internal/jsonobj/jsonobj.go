// Package jsonobj walks the members of a JSON object that is already known
// to be valid JSON, without decoding or re-validating its values, and
// matches member keys as encoding/json matches them against struct fields.
//
// It lets a parser validate a body once (Valid) and then pick the members
// it needs in one cheap pass, instead of json.Unmarshal into
// json.RawMessage fields, which validates the input and then scans every
// value again, and copies each one; or do both in one pass (Scan), leaving
// the one value it hands to json.Unmarshal for that to validate, so that no
// byte is validated twice. The values it yields are sub-slices of the
// input, not copies.
package jsonobj

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Members calls fn with the raw key (the bytes between its quotes, escapes
// not decoded) and the exact value bytes (no surrounding white space) of
// each member of obj, in order; duplicates are all reported, so the last
// one wins for a caller that assigns. It reports false, without calling fn,
// when obj is not a JSON object after leading white space.
//
// obj must be valid JSON (json.Valid reports true); on other input it does
// not panic but its result is meaningless.
func Members(obj []byte, fn func(key, value []byte)) bool {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return false
	}
	i++
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] == '}' {
			return true
		}
		if obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
		if i >= len(obj) || obj[i] != '"' {
			return true
		}
		kEnd := skipString(obj, i)
		key := obj[min(i+1, kEnd):max(i+1, kEnd-1)]
		i = skipSpace(obj, kEnd)
		if i < len(obj) && obj[i] == ':' {
			i++
		}
		i = skipSpace(obj, i)
		vEnd := skipValue(obj, i)
		fn(key, obj[i:vEnd])
		i = vEnd
	}
}

// Elements calls fn with the exact bytes of each element of arr (no
// surrounding white space), in order. It reports false, without calling fn,
// when arr is not a JSON array after leading white space.
//
// arr must be valid JSON (json.Valid reports true); on other input it does
// not panic but its result is meaningless.
func Elements(arr []byte, fn func(value []byte)) bool {
	i := skipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return false
	}
	i++
	for {
		i = skipSpace(arr, i)
		if i >= len(arr) || arr[i] == ']' {
			return true
		}
		if arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
		end := skipValue(arr, i)
		if end <= i {
			return true // not valid JSON: stop rather than loop
		}
		fn(arr[i:end])
		i = end
	}
}

// IsNull reports whether raw is absent (empty) or the JSON literal null.
func IsNull(raw []byte) bool {
	return len(raw) == 0 || len(raw) == 4 && string(raw) == "null"
}

// Key returns rawKey, a key as Members yields it, folded the way
// encoding/json matches keys against ASCII field names, appended to buf:
// escapes decoded, ASCII letters in lower case, and the two non-ASCII
// letters that fold to ASCII ones (U+017F to s, U+212A to k) replaced by
// them. A key equals a lower-case ASCII field name after Key exactly when
// encoding/json would decode its value into that field. Keys of plain ASCII
// without escapes, the common case, do not allocate when buf has room.
func Key(rawKey, buf []byte) []byte {
	plain := true
	for _, c := range rawKey {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	text := rawKey
	if !plain {
		var s string
		quoted := make([]byte, 0, len(rawKey)+2)
		quoted = append(append(append(quoted, '"'), rawKey...), '"')
		if json.Unmarshal(quoted, &s) != nil {
			return append(buf, rawKey...)
		}
		text = []byte(s)
	}
	for len(text) > 0 {
		c := text[0]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			text = text[1:]
			continue
		}
		r, n := utf8.DecodeRune(text)
		switch r {
		case '\u017F': // U+017F LATIN SMALL LETTER LONG S
			buf = append(buf, 's')
		case '\u212A': // U+212A KELVIN SIGN
			buf = append(buf, 'k')
		default:
			buf = append(buf, text[:n]...)
		}
		text = text[n:]
	}
	return buf
}

// Unquote returns rawKey, a key as Members yields it, decoded as
// encoding/json decodes a map key (escapes decoded, bytes that are not UTF-8
// replaced by U+FFFD) and nothing else changed, for a caller that matches keys exactly
// rather than as encoding/json does (see Key). A key without escapes, the
// common case, is returned as is, without allocating.
func Unquote(rawKey []byte) []byte {
	plain := utf8.Valid(rawKey)
	for _, c := range rawKey {
		if c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		return rawKey
	}
	// Escapes, or bytes that are not UTF-8, which encoding/json replaces
	// with U+FFFD: let it decode the key.
	quoted := make([]byte, 0, len(rawKey)+2)
	quoted = append(append(append(quoted, '"'), rawKey...), '"')
	var s string
	if json.Unmarshal(quoted, &s) != nil {
		return rawKey
	}
	return []byte(s)
}

// Kind returns the first byte of the JSON value raw after leading white
// space: '{', '[', '"', 'n' for null, 't' or 'f' for a boolean, or a digit
// or '-' for a number; 0 when raw is empty.
func Kind(raw []byte) byte {
	i := skipSpace(raw, 0)
	if i >= len(raw) {
		return 0
	}
	return raw[i]
}

// First returns the first element of arr, a valid JSON array, and true;
// false when arr is empty or not an array.
func First(arr []byte) ([]byte, bool) {
	i := skipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return nil, false
	}
	i = skipSpace(arr, i+1)
	if i >= len(arr) || arr[i] == ']' {
		return nil, false
	}
	return arr[i:skipValue(arr, i)], true
}

// String returns the text of raw, a JSON string value, and true; false when
// raw is not a JSON string. A string without escapes, the common case, is
// converted without running the JSON decoder.
func String(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	simple := utf8.Valid(inner)
	for _, c := range inner {
		if c == '\\' || c == '"' || c < 0x20 {
			simple = false
			break
		}
	}
	if simple {
		return string(inner), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string that starts at b[i] ('"').
// It jumps from quote to quote with bytes.IndexByte, so that long strings,
// which make most of a large body, cost little: a quote ends the string
// unless an odd run of backslashes precedes it. Each backslash is counted
// at most once, so the walk stays linear.
func skipString(b []byte, i int) int {
	start := i
	for i++; i < len(b); i++ {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return len(b)
		}
		i += q
		n := 0
		for j := i - 1; j > start && b[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index after the value that starts at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b)
	default: // number or literal
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// Scan checks obj as Valid does and walks its members as Members does, in
// one pass: it calls fn with the raw key and the exact value bytes of each
// member of obj, a JSON object with optional white space around it, in
// order. It reports false when obj is not a JSON object or not valid JSON.
//
// A member whose raw key deferred reports true (deferred may be nil) is
// only delimited, not validated: its nesting still counts against
// encoding/json's limit, but what it holds is left to the caller, who must
// check that value (with json.Unmarshal, which validates its input first,
// or with Valid) before trusting obj. Scan and that check together cost one
// validation of every byte, instead of Valid followed by json.Unmarshal of
// the value, which validates the value twice. depth is how deeply obj is
// nested in the document it was cut from (0 for a whole body), so that the
// nesting limit applies to the whole document.
//
// fn may have been called when Scan reports false; what it was given is
// then meaningless.
func Scan(obj []byte, depth int, deferred func(rawKey []byte) bool, fn func(key, value []byte)) bool {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' || depth+1 > maxDepth {
		return false
	}
	depth++
	i = skipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return skipSpace(obj, i+1) == len(obj)
	}
	for {
		if i >= len(obj) || obj[i] != '"' {
			return false
		}
		kEnd, ok := validString(obj, i)
		if !ok {
			return false
		}
		key := obj[i+1 : kEnd-1]
		i = skipSpace(obj, kEnd)
		if i >= len(obj) || obj[i] != ':' {
			return false
		}
		i = skipSpace(obj, i+1)
		var vEnd int
		if deferred != nil && deferred(key) {
			vEnd, ok = skipNested(obj, i, depth)
		} else {
			vEnd, ok = validValue(obj, i, depth)
		}
		if !ok || vEnd > len(obj) {
			return false
		}
		fn(key, obj[i:vEnd])
		i = skipSpace(obj, vEnd)
		if i >= len(obj) {
			return false
		}
		switch obj[i] {
		case ',':
			i = skipSpace(obj, i+1)
		case '}':
			return skipSpace(obj, i+1) == len(obj)
		default:
			return false
		}
	}
}

// skipNested delimits the value that starts at b[i], nested depth deep, as
// skipValue does, and reports false when it is empty, unterminated or
// nested beyond maxDepth. It does not validate the value.
func skipNested(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '{', '[':
		level := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				if level++; depth+level > maxDepth {
					return i, false
				}
			case '}', ']':
				if level--; level == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return len(b), false
	default: // a string, number or literal
		end := skipValue(b, i)
		return end, end > i
	}
}

// maxDepth is encoding/json's limit on nesting; deeper input is invalid.
const maxDepth = 10000

// Valid reports whether b is one valid JSON value with optional white space
// around it, exactly as json.Valid does (including its nesting limit), but
// with a tight loop per byte instead of a state machine, so that a large
// body costs a fraction of json.Valid. Like json.Valid it does not check
// that strings are valid UTF-8.
func Valid(b []byte) bool {
	i, ok := validValue(b, skipSpace(b, 0), 0)
	return ok && skipSpace(b, i) == len(b)
}

// validValue checks the value that starts at b[i] and returns the index
// after it.
func validValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return validString(b, i)
	case c == '{':
		if depth++; depth > maxDepth {
			return i, false
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == '}' {
			return i + 1, true
		}
		for {
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			var ok bool
			if i, ok = validString(b, i); !ok {
				return i, false
			}
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				return i, false
			}
			if i, ok = validValue(b, skipSpace(b, i+1), depth); !ok {
				return i, false
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
			case '}':
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == '[':
		if depth++; depth > maxDepth {
			return i, false
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			if i, ok = validValue(b, i, depth); !ok {
				return i, false
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
			case ']':
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == 't':
		return i + 4, len(b) >= i+4 && string(b[i:i+4]) == "true"
	case c == 'f':
		return i + 5, len(b) >= i+5 && string(b[i:i+5]) == "false"
	case c == 'n':
		return i + 4, len(b) >= i+4 && string(b[i:i+4]) == "null"
	case c == '-' || '0' <= c && c <= '9':
		return validNumber(b, i)
	}
	return i, false
}

// validString checks the string that starts at b[i] ('"').
func validString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		c := b[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		switch c {
		case '"':
			return i + 1, true
		case '\\':
			i++
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return i, false
				}
				for _, h := range b[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return i, false
					}
				}
				i += 4
			default:
				return i, false
			}
		default: // a control character
			return i, false
		}
	}
	return i, false
}

// validNumber checks the number that starts at b[i] (RFC 8259 section 6).
func validNumber(b []byte, i int) (int, bool) {
	digits := func() bool {
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > start
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		digits()
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return i, false
		}
	}
	return i, true
}
