package api

import (
	"encoding/json"
	"errors"
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
// code and message. It never contains the response body, the query string or
// any credential: those stay in the fields for the caller to inspect.
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

	// Details holds the provider's structured error details exactly as sent:
	// a JSON object (for example Channex's field-to-messages map) or a JSON
	// array, depending on the provider and endpoint. It is nil when absent.
	Details json.RawMessage

	// Body is the raw response body, at most 10 MiB. It may contain data the
	// provider echoes back, so log it with care.
	Body []byte

	// Header holds the response headers, for example Retry-After or a
	// provider's rate-limit headers.
	Header http.Header

	// Method is the HTTP method of the request, for example "POST".
	Method string

	// URL is the request URL without its query string and user information,
	// so that tokens passed as query parameters never appear in errors.
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
	b.WriteString("api: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
	}
	if p := e.path(); p != "" {
		b.WriteString(p)
	}
	if e.Method != "" || e.URL != "" {
		b.WriteString(": ")
	}
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

// path returns the path of e.URL, or e.URL itself when it does not parse.
func (e *Error) path() string {
	if e.URL == "" {
		return ""
	}
	u, err := url.Parse(e.URL)
	if err != nil || u.Path == "" {
		return e.URL
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
