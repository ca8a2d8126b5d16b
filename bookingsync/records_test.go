package bookingsync

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDecodeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, code, message string
		details                   bool
	}{
		{name: "validation", body: `{"errors":[{"code":"validation_failed","field":"name","title":"is too short (minimum is 3 characters)"}]}`,
			code: "validation_failed", message: "name is too short (minimum is 3 characters)", details: true},
		{name: "unauthorized", body: `{"errors":[{"code":"unauthorized"}]}`, code: "unauthorized", details: true},
		{name: "field object", body: `{"errors":{"name":["can't be blank"]}}`, details: true},
		{name: "oauth", body: `{"error":"invalid_grant","error_description":"The provided authorization grant is invalid"}`,
			code: "invalid_grant", message: "The provided authorization grant is invalid"},
		{name: "2014 sentence", body: `{"error":"Not authorized"}`, message: "Not authorized"},
		{name: "plain text", body: "API v3 rate limit exceeded."},
		{name: "empty", body: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := decodeError(&http.Response{StatusCode: 422, Header: http.Header{}}, []byte(tt.body))
			e, ok := err.(*APIError)
			if !assert.True(t, ok) {
				return
			}
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.message, e.Message)
			assert.Equal(t, tt.details, e.Details != nil)
			assert.Equal(t, tt.body, string(e.Body))
		})
	}
}

func TestNextPage(t *testing.T) {
	t.Parallel()
	const docs = `<https://www.bookingsync.com/api/v3/accounts?page=1>; rel="first", <https://www.bookingsync.com/api/v3/accounts?page=2>; rel="next", <https://www.bookingsync.com/api/v3/accounts?page=3>; rel="last"`
	tests := []struct {
		name    string
		header  http.Header
		current int
		want    int
	}{
		{name: "reference example", header: http.Header{"Link": {docs}}, current: 1, want: 2},
		{name: "last page", header: http.Header{"Link": {`<https://x/api/v3/bookings?page=1>; rel="first", <https://x/api/v3/bookings?page=3>; rel="prev", <https://x/api/v3/bookings?page=3>; rel="last"`}}, current: 3, want: 0},
		{name: "next without page", header: http.Header{"Link": {`<https://x/next>; rel=next`}}, current: 4, want: 5},
		{name: "no link, total pages", header: http.Header{"X-Total-Pages": {"3"}}, current: 2, want: 3},
		{name: "no link, last", header: http.Header{"X-Total-Pages": {"2"}}, current: 2, want: 0},
		{name: "nothing", header: http.Header{}, current: 1, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, nextPage(tt.header, tt.current))
		})
	}
}

func TestTokenURL(t *testing.T) {
	t.Parallel()
	for base, want := range map[string]string{
		BaseURL:                            TokenURL,
		"http://127.0.0.1:8080/api/v3/":    "http://127.0.0.1:8080/oauth/token",
		"http://127.0.0.1:8080/other/v9":   "http://127.0.0.1:8080/oauth/token",
		"https://staging.example/x/api/v3": "https://staging.example/x/oauth/token",
	} {
		assert.Equal(t, want, tokenURL(base), base)
	}
}
