package verify_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReadBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     io.Reader
		declared int64 // Content-Length; -1 unknown
		limit    int64
		want     string
		wantErr  error
	}{
		{"small", strings.NewReader("hello"), 5, 10, "hello", nil},
		{"exactly the limit", strings.NewReader("0123456789"), 10, 10, "0123456789", nil},
		{"one byte over", strings.NewReader("0123456789A"), 11, 10, "", verify.ErrBodyTooLarge},
		{"over without Content-Length", strings.NewReader(strings.Repeat("x", 4096)), -1, 1000, "", verify.ErrBodyTooLarge},
		{"unknown length within limit", strings.NewReader(strings.Repeat("y", 3000)), -1, 5000, strings.Repeat("y", 3000), nil},
		{"declared larger than sent", strings.NewReader("abc"), 3, 10, "abc", nil},
		{"lying Content-Length", strings.NewReader(strings.Repeat("z", 50)), 5, 10, "", verify.ErrBodyTooLarge},
		{"empty", strings.NewReader(""), 0, 10, "", nil},
		{"zero limit means default", strings.NewReader("abc"), 3, 0, "abc", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/", tc.body)
			r.ContentLength = tc.declared
			got, err := verify.ReadBody(r, tc.limit)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
		})
	}
}

func TestReadBody_nilBody(t *testing.T) {
	t.Parallel()
	got, err := verify.ReadBody(&http.Request{}, 10)
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestReadBody_readError(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/", errReader{})
	_, err := verify.ReadBody(r, 10)
	require.Error(t, err)
	require.NotErrorIs(t, err, verify.ErrBodyTooLarge)
}

func TestReadBody_defaultLimit(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(make([]byte, verify.DefaultBodyLimit+1)))
	r.ContentLength = -1
	_, err := verify.ReadBody(r, 0)
	require.ErrorIs(t, err, verify.ErrBodyTooLarge)
}
