package verify_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
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

// shortReader yields n bytes, then end, the way a client that declared a large
// Content-Length and sent little or nothing ends.
type shortReader struct {
	n   int
	end error
}

func (s *shortReader) Read(p []byte) (int, error) {
	if s.n == 0 {
		return 0, s.end
	}
	k := copy(p, bytes.Repeat([]byte("a"), min(s.n, len(p))))
	s.n -= k
	return k, nil
}

// TestReadBody_declaredLengthNotReserved is the unauthenticated-load defect: a
// Content-Length just under the limit reserved its whole buffer before any
// byte arrived, so 200 such connections took a gigabyte.
func TestReadBody_declaredLengthNotReserved(t *testing.T) {
	// Not parallel: it measures the bytes the process allocates.
	const declared = verify.DefaultBodyLimit - 1
	for _, tc := range []struct {
		name    string
		end     error
		wantErr bool
	}{
		{"EOF after 10 bytes", io.EOF, false},
		{"error after 10 bytes", errors.New("connection reset"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const runs = 20
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range runs {
				r := &http.Request{Body: io.NopCloser(&shortReader{n: 10, end: tc.end}), ContentLength: declared}
				got, err := verify.ReadBody(r, 0)
				if tc.wantErr {
					require.Error(t, err)
					require.NotErrorIs(t, err, verify.ErrBodyTooLarge)
					continue
				}
				require.NoError(t, err)
				require.Equal(t, "aaaaaaaaaa", string(got))
			}
			runtime.ReadMemStats(&after)
			perRun := (after.TotalAlloc - before.TotalAlloc) / runs
			assert.Less(t, perRun, uint64(256<<10), "ReadBody allocated %d bytes for a 10-byte body", perRun)
		})
	}
}

// TestReadBody_oneAllocation keeps the common case cheap: a small body with a
// right Content-Length is read into one buffer of its size.
func TestReadBody_oneAllocation(t *testing.T) {
	for _, size := range []int{1, 1 << 10, 64 << 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			body := bytes.Repeat([]byte("b"), size)
			rd := bytes.NewReader(body)
			r := &http.Request{Body: io.NopCloser(rd), ContentLength: int64(size)}
			allocs := testing.AllocsPerRun(50, func() {
				rd.Reset(body)
				got, err := verify.ReadBody(r, 0)
				if err != nil || len(got) != size || cap(got) != size+1 {
					t.Fatalf("ReadBody = %d bytes (cap %d), %v", len(got), cap(got), err)
				}
			})
			assert.Equal(t, 1.0, allocs)
		})
	}
}

// TestReadBody_grows reads bodies longer than what is reserved up front, with a
// right, a low and no Content-Length, byte for byte.
func TestReadBody_grows(t *testing.T) {
	t.Parallel()
	body := make([]byte, 300<<10+7)
	for i := range body {
		body[i] = byte(i * 7)
	}
	for _, declared := range []int64{int64(len(body)), 100, -1} {
		t.Run(fmt.Sprint(declared), func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.ContentLength = declared
			got, err := verify.ReadBody(r, int64(len(body)))
			require.NoError(t, err)
			require.True(t, bytes.Equal(body, got))

			r = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.ContentLength = declared
			_, err = verify.ReadBody(r, int64(len(body)-1))
			require.ErrorIs(t, err, verify.ErrBodyTooLarge)
		})
	}
}

func TestReadBody_maxLimit(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("abc"))
	got, err := verify.ReadBody(r, math.MaxInt64)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(got))
}
