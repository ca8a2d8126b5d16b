package bookingsync

import (
	"bytes"
	"encoding/json"
)

// The functions in this file walk the members of a JSON object without
// decoding or copying them, so that Parse can hand out sub-slices of the body
// (Webhook.Data, Record.Raw) and decode each part once, straight into
// its typed destination. They expect input that json.Valid accepted; on
// anything else they stop early and report false, and they never panic.

// eachMember calls fn with the key (unescaped) and the exact value bytes of
// every member of the JSON object b, in order, until fn returns false. It
// reports false when b is not a well-formed object.
func eachMember(b []byte, fn func(key, value []byte) bool) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return true
	}
	for i < len(b) {
		if b[i] != '"' {
			return false
		}
		keyEnd := stringEnd(b, i)
		if keyEnd < 0 {
			return false
		}
		key, ok := unquoteKey(b[i:keyEnd])
		if !ok {
			return false
		}
		i = skipSpace(b, keyEnd)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		end := valueEnd(b, i)
		if end < 0 {
			return false
		}
		if !fn(key, b[i:end]) {
			return true
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case '}':
			return true
		case ',':
			i = skipSpace(b, i+1)
		default:
			return false
		}
	}
	return false
}

// firstElement returns the first element of the JSON array b, and false when
// b is empty or not a well-formed array.
func firstElement(b []byte) ([]byte, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, false
	}
	i = skipSpace(b, i+1)
	if i >= len(b) || b[i] == ']' {
		return nil, false
	}
	end := valueEnd(b, i)
	if end < 0 {
		return nil, false
	}
	return b[i:end], true
}

// jsonKind returns the first byte of the JSON value b ('{', '[', '"', 'n' for
// null, 't'/'f' for booleans, or a digit or '-' for numbers), or 0 when b is
// empty.
func jsonKind(b []byte) byte {
	i := skipSpace(b, 0)
	if i >= len(b) {
		return 0
	}
	return b[i]
}

func isNull(b []byte) bool {
	return bytes.Equal(bytes.TrimSpace(b), []byte("null"))
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

// stringEnd returns the index just past the JSON string that starts at b[i],
// or -1 when it is not terminated.
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// valueEnd returns the index just past the JSON value that starts at b[i], or
// -1 when there is none.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end := stringEnd(b, i)
				if end < 0 {
					return -1
				}
				i = end
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
		return -1
	case ',', ':', '}', ']':
		return -1
	default: // number, true, false, null
		start := i
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		if i == start {
			return -1
		}
		return i
	}
}

// unquoteKey returns the text of the JSON string s (quotes included). Keys
// without escapes are returned as a sub-slice, without allocating.
func unquoteKey(s []byte) ([]byte, bool) {
	if len(s) < 2 {
		return nil, false
	}
	inner := s[1 : len(s)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, true
	}
	var k string
	if err := json.Unmarshal(s, &k); err != nil {
		return nil, false
	}
	return []byte(k), true
}
