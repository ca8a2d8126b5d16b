package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors returned (wrapped) by the client. Match them with errors.Is.
var (
	// ErrForeignURL is returned when a request or a redirect would leave the
	// scheme and host of the client's base URL. Credentials are only ever sent
	// to the base URL's origin, so an absolute next-page URL or a redirect to
	// another host is refused rather than followed.
	ErrForeignURL = errors.New("api: URL is not on the base URL's scheme and host")

	// ErrTooManyRedirects is returned when a request is redirected more than
	// ten times within the base URL's origin.
	ErrTooManyRedirects = errors.New("api: too many redirects")

	// ErrBodyTooLarge is returned when a response body exceeds the client's
	// read limit (10 MiB). The body is not decoded.
	ErrBodyTooLarge = errors.New("api: response body too large")

	// ErrNoCredential is returned by an Authenticator built with an empty
	// token, key or user name: the client fails closed rather than sending an
	// unauthenticated request.
	ErrNoCredential = errors.New("api: empty credential")
)

// Error is an API error: the server answered with a status other than 2xx.
// Client.Do returns it (possibly wrapped) for every such answer, so
// errors.As(err, new(*Error)) always works; provider packages re-export it as
// APIError and fill Code, Message and Details from their error envelope.
//
// Error's text names the method, the URL path, the status and the provider's
// code and message. It never contains the response body or the query
// string, which stay in the fields for the caller to inspect. No field
// holds a credential of the client's Authenticator or a Request.Redact
// value, even when the server echoed one: Client.Do replaces each with
// "REDACTED" in Code, Message, DocURL, Details, Body, the Header values and
// the text of Err (see Request.Redact).
type Error struct {
	// StatusCode is the HTTP status code of the response, for example 422.
	StatusCode int

	// Code is the provider's machine-readable error code, for example
	// "validation_error" (Channex). It is empty when the provider sent none
	// or the body could not be decoded.
	Code string

	// Message is the provider's human-readable error message, for example a
	// Channex "title" or a Hostaway "message". It is empty when the provider
	// sent none; Error() then falls back to the HTTP status text.
	Message string

	// Details holds the provider's structured error details as sent, but
	// redacted as Body is: a JSON object (for example Channex's
	// field-to-messages map) or a JSON array, depending on the provider and
	// endpoint. It is nil when absent.
	Details json.RawMessage

	// DocURL links to the provider's documentation of the error, such as
	// the doc_url of OwnerRez's error envelope. It is empty when the
	// provider sent none; a provider's ErrorDecoder fills it. Error() does
	// not show it.
	DocURL string

	// Body is the raw response body, at most 10 MiB, with every credential
	// and Request.Redact value the provider echoed replaced by "REDACTED".
	// It may still hold other data the provider echoes back, such as
	// personal data, so log it with care.
	Body []byte

	// Header holds the response headers, for example Retry-After or a
	// provider's rate-limit headers.
	Header http.Header

	// Method is the HTTP method of the request, for example "POST".
	Method string

	// URL is the request URL without its query string and user information,
	// and with every Request.Redact value replaced by "REDACTED", so that
	// tokens passed as query parameters or path segments never appear in
	// errors.
	URL string

	// Attempts is how many times the request was sent, counting retries and
	// a re-authenticated retry; 1 when it was sent once.
	Attempts int

	// Err is the underlying cause when there is one besides the status: the
	// response body could not be read in full, or the provider's error
	// envelope could not be decoded. It is nil otherwise. Unwrap returns it.
	Err error
}

// Error returns a one-line description such as
// "api: POST /webhooks: 422 validation_error: Validation failed".
// It never includes the response body, the query string or credentials.
func (e *Error) Error() string {
	var b strings.Builder
	writeRequest(&b, e.Method, e.URL)
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteByte(' ')
		b.WriteString(e.Code)
	}
	msg := e.Message
	if msg == "" && e.Code == "" {
		msg = http.StatusText(e.StatusCode)
	}
	if msg != "" {
		if e.Code != "" {
			b.WriteString(": ")
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(msg)
	}
	if e.Attempts > 1 {
		b.WriteString(" (after ")
		b.WriteString(strconv.Itoa(e.Attempts))
		b.WriteString(" attempts)")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// writeRequest writes "api: ", then "METHOD /path: " for the parts of
// method and rawURL that are not empty.
func writeRequest(b *strings.Builder, method, rawURL string) {
	b.WriteString("api: ")
	if method != "" {
		b.WriteString(method)
		b.WriteByte(' ')
	}
	b.WriteString(urlPath(rawURL))
	if method != "" || rawURL != "" {
		b.WriteString(": ")
	}
}

// urlPath returns the path of rawURL, or rawURL itself when it does not
// parse or has no path.
func urlPath(rawURL string) string {
	if rawURL == "" {
		return ""
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Path == "" {
		return rawURL
	}
	return u.Path
}

// Unwrap returns e.Err, the underlying cause, which may be nil.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the status says the same request may succeed if
// sent again later: 408, 425, 429, 500, 502, 503 and 504. It does not say
// whether resending is safe; a POST that got a 500 may have taken effect.
func (e *Error) Temporary() bool {
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// RetryAfter returns how long the server asked the client to wait, from the
// Retry-After header in seconds or as an HTTP date (measured from now). The
// boolean is false when the header is absent or malformed. A date in the past
// yields zero and true.
func (e *Error) RetryAfter() (time.Duration, bool) {
	return parseRetryAfter(e.Header, time.Now())
}

// ErrorDecoder turns a non-2xx response into an error. body is the response
// body, already read (at most 10 MiB); resp.Body must not be read again.
// A provider's decoder fills Code, Message and Details from its error
// envelope and returns an *Error; Client.Do then sets Method, URL, Attempts
// and, when left empty, StatusCode, Header and Body. A decoder that returns
// another error type, or nil, gets it wrapped in an *Error as Err, so callers
// can always match *Error with errors.As.
type ErrorDecoder func(resp *http.Response, body []byte) error

// DefaultDecodeError is the ErrorDecoder used when Config.DecodeError is nil.
// It knows no envelope: it returns an *Error holding the status code, the
// response headers and the raw body, with Code, Message and Details empty.
func DefaultDecodeError(resp *http.Response, body []byte) error {
	return &Error{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
}

// parseRetryAfter reads a Retry-After header given in seconds or as an HTTP
// date relative to now. It returns false when the header is absent or
// malformed, and zero for a date in the past.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Clamp before multiplying so an absurd value cannot overflow.
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		if secs > maxSecs {
			secs = maxSecs
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}

// DecodeError is returned (possibly wrapped) by Client.Do when a 2xx
// response body does not decode into out. Its text names the request and
// says where and why decoding failed, such as
//
//	api: GET /webhooks/1: decode response: field "is_active" of type bool cannot hold a JSON string (at byte 17)
//
// but never quotes the body: the messages of encoding/json quote the byte
// or number they stopped at, and a body may hold a token or personal data.
//
// Unwrap returns the encoding/json error, so errors.As finds a
// *json.SyntaxError or *json.UnmarshalTypeError; its own text may quote the
// body, so log the DecodeError, not that error.
type DecodeError struct {
	// Method is the HTTP method of the request, for example "GET".
	Method string

	// URL is the request URL, redacted as Error.URL is.
	URL string

	// Offset is how many bytes of the body were read when decoding failed,
	// or -1 when encoding/json did not say (an UnmarshalJSON method
	// failed).
	Offset int64

	// Value is the kind of JSON value that out could not hold: "object",
	// "array", "string", "number" or "bool". It is empty unless Err is a
	// *json.UnmarshalTypeError.
	Value string

	// Field is the dotted path, by JSON name, of the struct field that
	// could not hold Value, such as "data.is_active"; empty when the value
	// is not in a struct field.
	Field string

	// Type is the Go type that could not hold Value, such as "bool"; empty
	// unless Err is a *json.UnmarshalTypeError.
	Type string

	// Err is the error of encoding/json, or of an UnmarshalJSON method of
	// out. Unwrap returns it.
	Err error
}

// newDecodeError describes err, an error of json.Unmarshal, for the request
// method and shown URL.
func newDecodeError(method, shownURL string, err error) *DecodeError {
	e := &DecodeError{Method: method, URL: shownURL, Offset: -1, Err: err}
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntaxErr):
		e.Offset = syntaxErr.Offset
	case errors.As(err, &typeErr):
		e.Offset = typeErr.Offset
		// Value is "string", "array" or "number 12.5": keep the kind only.
		e.Value, _, _ = strings.Cut(typeErr.Value, " ")
		e.Field = typeErr.Field
		if typeErr.Type != nil {
			e.Type = typeErr.Type.String()
		}
	}
	return e
}

// Error returns a one-line description that never quotes the body.
func (e *DecodeError) Error() string {
	var b strings.Builder
	writeRequest(&b, e.Method, e.URL)
	b.WriteString("decode response: ")
	var invalid *json.InvalidUnmarshalError
	switch {
	case errors.As(e.Err, &invalid):
		// A bug of the caller, not of the body: its text names out's type.
		b.WriteString(invalid.Error())
	case e.Value != "" && e.Field != "":
		fmt.Fprintf(&b, "field %q of type %s cannot hold a JSON %s", e.Field, e.Type, e.Value)
	case e.Value != "":
		fmt.Fprintf(&b, "a JSON %s cannot be decoded into %s", e.Value, e.Type)
	case e.Offset >= 0:
		b.WriteString("invalid JSON")
	default:
		b.WriteString("a JSON value is not valid for its Go type")
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " (at byte %d)", e.Offset)
	}
	return b.String()
}

// Unwrap returns e.Err, the encoding/json error.
func (e *DecodeError) Unwrap() error { return e.Err }
