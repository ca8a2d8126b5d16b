package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestError_Error(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		err  *Error
		want string
	}{
		"code and message": {
			err:  &Error{StatusCode: 422, Code: "validation_error", Message: "Validation Error", Method: "POST", URL: "https://h/api/v1/webhooks"},
			want: "api: POST /api/v1/webhooks: 422 validation_error: Validation Error",
		},
		"message only": {
			err:  &Error{StatusCode: 403, Message: "access denied", Method: "GET", URL: "https://h/v1/listings"},
			want: "api: GET /v1/listings: 403 access denied",
		},
		"code only": {
			err:  &Error{StatusCode: 401, Code: "unauthorized", Method: "GET", URL: "https://h/x"},
			want: "api: GET /x: 401 unauthorized",
		},
		"status text fallback": {
			err:  &Error{StatusCode: 404, Method: "DELETE", URL: "https://h/webhooks/1"},
			want: "api: DELETE /webhooks/1: 404 Not Found",
		},
		"attempts": {
			err:  &Error{StatusCode: 503, Method: "GET", URL: "https://h/x", Attempts: 5},
			want: "api: GET /x: 503 Service Unavailable (after 5 attempts)",
		},
		"cause": {
			err:  &Error{StatusCode: 502, Method: "GET", URL: "https://h/x", Err: errors.New("bad envelope")},
			want: "api: GET /x: 502 Bad Gateway: bad envelope",
		},
		"bare": {
			err:  &Error{StatusCode: 500},
			want: "api: 500 Internal Server Error",
		},
		"body never shown": {
			err:  &Error{StatusCode: 400, Body: []byte(`{"password":"hunter2"}`), Method: "POST", URL: "https://h/x"},
			want: "api: POST /x: 400 Bad Request",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestError_Unwrap(t *testing.T) {
	t.Parallel()
	cause := io.ErrUnexpectedEOF
	var err error = &Error{StatusCode: 500, Err: cause}
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.NoError(t, (&Error{}).Unwrap())

	wrapped := errors.Join(errors.New("context"), err)
	var apiErr *Error
	require.ErrorAs(t, wrapped, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
}

func TestError_Temporary(t *testing.T) {
	t.Parallel()
	tests := map[int]bool{
		400: false, 401: false, 403: false, 404: false, 408: true, 409: false, 422: false,
		425: true, 429: true, 500: true, 501: false, 502: true, 503: true, 504: true, 505: false,
	}
	for status, want := range tests {
		assert.Equal(t, want, (&Error{StatusCode: status}).Temporary(), "status %d", status)
	}
}

func TestError_RetryAfter(t *testing.T) {
	t.Parallel()
	e := &Error{StatusCode: 429, Header: http.Header{"Retry-After": {"30"}}}
	d, ok := e.RetryAfter()
	assert.True(t, ok)
	assert.Equal(t, 30*time.Second, d)

	_, ok = (&Error{StatusCode: 429}).RetryAfter()
	assert.False(t, ok, "no header")

	future := &Error{Header: http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}}
	d, ok = future.RetryAfter()
	assert.True(t, ok)
	assert.InDelta(t, float64(time.Hour), float64(d), float64(5*time.Second))
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		value  string
		want   time.Duration
		wantOK bool
	}{
		"absent":        {"", 0, false},
		"seconds":       {"120", 2 * time.Minute, true},
		"spaces":        {" 5 ", 5 * time.Second, true},
		"zero":          {"0", 0, true},
		"negative":      {"-1", 0, false},
		"fraction":      {"1.5", 0, false},
		"garbage":       {"later", 0, false},
		"huge":          {"99999999999999999", time.Duration(1<<63-1) / time.Second * time.Second, true},
		"IMF date":      {"Sun, 01 Mar 2026 12:01:00 GMT", time.Minute, true},
		"RFC 850 date":  {"Sunday, 01-Mar-26 12:00:10 GMT", 10 * time.Second, true},
		"ANSI C date":   {"Sun Mar  1 12:00:03 2026", 3 * time.Second, true},
		"past date":     {"Sun, 01 Mar 2026 11:00:00 GMT", 0, true},
		"date mismatch": {"2026-03-01T12:01:00Z", 0, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			got, ok := parseRetryAfter(h, now)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDefaultDecodeError(t *testing.T) {
	t.Parallel()
	resp := &http.Response{StatusCode: 409, Header: http.Header{"X-Id": {"1"}}}
	err := DefaultDecodeError(resp, []byte(`{"status":"fail","result":"duplicate"}`))
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	want := &Error{StatusCode: 409, Header: http.Header{"X-Id": {"1"}}, Body: []byte(`{"status":"fail","result":"duplicate"}`)}
	if diff := cmp.Diff(want, apiErr); diff != "" {
		t.Errorf("DefaultDecodeError mismatch (-want +got):\n%s", diff)
	}
	assert.Empty(t, apiErr.Code)
	assert.Nil(t, apiErr.Details)
}

func TestError_detailsShapes(t *testing.T) {
	t.Parallel()
	for _, details := range []string{`{"url":["is invalid"]}`, `["url is invalid"]`} {
		e := &Error{StatusCode: 422, Details: json.RawMessage(details)}
		b, err := json.Marshal(e.Details)
		require.NoError(t, err)
		assert.JSONEq(t, details, string(b))
	}
}

func TestDecodeError_Unwrap(t *testing.T) {
	t.Parallel()
	var v struct{ N int }
	for _, body := range []string{`{"N":`, `{"N":"x"}`} {
		jsonErr := json.Unmarshal([]byte(body), &v)
		require.Error(t, jsonErr)
		err := newDecodeError("GET", "https://h/x?q=1", jsonErr)
		require.ErrorIs(t, err, jsonErr)
		var syntaxErr *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		assert.True(t, errors.As(err, &syntaxErr) || errors.As(err, &typeErr), "errors.As finds the encoding/json error of %s", body)
		assert.True(t, strings.HasPrefix(err.Error(), "api: GET /x: decode response: "), err.Error())
	}
	assert.Equal(t, "api: decode response: invalid JSON (at byte 3)", (&DecodeError{Offset: 3}).Error())
}
