package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeaderRate(t *testing.T) {
	t.Parallel()
	read := HeaderRate("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
	tests := []struct {
		name   string
		header http.Header
		want   Rate
	}{
		{"none", http.Header{}, Rate{}},
		{"all", http.Header{"X-Ratelimit-Limit": {"150"}, "X-Ratelimit-Remaining": {"149"}, "X-Ratelimit-Reset": {"1700000000"}},
			Rate{Limit: 150, Remaining: 149, Reset: time.Unix(1700000000, 0).UTC()}},
		{"spaces", http.Header{"X-Ratelimit-Limit": {" 10 "}}, Rate{Limit: 10}},
		{"garbage", http.Header{"X-Ratelimit-Limit": {"ten"}, "X-Ratelimit-Remaining": {"-1"}, "X-Ratelimit-Reset": {"soon"}}, Rate{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, read(tt.header))
		})
	}
	assert.Equal(t, Rate{}, HeaderRate("", "", "")(http.Header{"": {"1"}}))
}

func TestClient_Do_response(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want Response
	}{
		{"no config", Config{}, Response{StatusCode: 200, Attempts: 1}},
		{"request id and rate", Config{RequestIDHeader: "X-Request-Id", RateLimit: HeaderRate("X-Ratelimit-Limit", "X-Ratelimit-Remaining", "")},
			Response{StatusCode: 200, RequestID: "req-1", Rate: Rate{Limit: 150, Remaining: 7}, Attempts: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := setup(t, tt.cfg, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req-1")
				w.Header().Set("X-Ratelimit-Limit", "150")
				w.Header().Set("X-Ratelimit-Remaining", "7")
				_, _ = w.Write([]byte(`{}`))
			}))
			raw, err := c.Do(context.Background(), Request{Path: "/x"}, nil)
			require.NoError(t, err)
			got := raw.Response()
			require.NotNil(t, got)
			assert.Equal(t, "req-1", got.Header.Get("X-Request-Id"))
			got.Header = nil
			assert.Equal(t, tt.want, *got)
		})
	}
	var nilRaw *Raw
	assert.Nil(t, nilRaw.Response())
}

// listOf serves pages of ints by 1-based page number and records the
// options it was called with.
func listOf(pages [][]int, failAt int) (ListFunc[int], *[]ListOptions) {
	var calls []ListOptions
	return func(ctx context.Context, o ListOptions) (*Page[int], *Response, error) {
		calls = append(calls, o)
		n := max(o.Page, 1)
		if n == failAt {
			return nil, nil, errors.New("page failed")
		}
		if n > len(pages) {
			return nil, nil, fmt.Errorf("bad page %d", n)
		}
		p := &Page[int]{Total: -1}
		for _, v := range pages[n-1] {
			p.Items = append(p.Items, &v)
		}
		if n < len(pages) {
			p.NextPage = n + 1
		}
		return p, &Response{StatusCode: 200}, nil
	}, &calls
}

func TestAll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		pages     [][]int
		opts      ListOptions
		failAt    int
		limit     int
		want      []int
		wantCalls []ListOptions
		wantErr   string
	}{
		{name: "three pages", pages: [][]int{{1, 2}, {3, 4}, {5}}, opts: ListOptions{PerPage: 2},
			want: []int{1, 2, 3, 4, 5}, wantCalls: []ListOptions{{PerPage: 2}, {Page: 2, PerPage: 2}, {Page: 3, PerPage: 2}}},
		{name: "from page two", pages: [][]int{{1}, {2}, {3}}, opts: ListOptions{Page: 2},
			want: []int{2, 3}, wantCalls: []ListOptions{{Page: 2}, {Page: 3}}},
		{name: "empty page ends", pages: [][]int{{1}, {}, {3}}, want: []int{1}, wantCalls: []ListOptions{{}, {Page: 2}}},
		{name: "error", pages: [][]int{{1}, {2}}, failAt: 2, want: []int{1}, wantCalls: []ListOptions{{}, {Page: 2}}, wantErr: "page failed"},
		{name: "break stops fetching", pages: [][]int{{1, 2}, {3}}, limit: 1, want: []int{1}, wantCalls: []ListOptions{{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			list, calls := listOf(tt.pages, tt.failAt)
			var got []int
			var gotErr error
			for v, err := range All(context.Background(), tt.opts, list) {
				if err != nil {
					require.Nil(t, v)
					gotErr = err
					continue
				}
				got = append(got, *v)
				if tt.limit > 0 && len(got) == tt.limit {
					break
				}
			}
			assert.Empty(t, cmp.Diff(tt.want, got))
			assert.Empty(t, cmp.Diff(tt.wantCalls, *calls))
			if tt.wantErr != "" {
				require.ErrorContains(t, gotErr, tt.wantErr)
			} else {
				require.NoError(t, gotErr)
			}
		})
	}
}

func TestAll_repeatedPage(t *testing.T) {
	t.Parallel()
	one := 1
	list := func(ctx context.Context, o ListOptions) (*Page[int], *Response, error) {
		return &Page[int]{Items: []*int{&one}, NextPage: 1}, nil, nil
	}
	var errs []error
	for _, err := range All(context.Background(), ListOptions{}, list) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], ErrCursorRepeated)
}

func TestAll_cancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	list, calls := listOf([][]int{{1}}, 0)
	for _, err := range All(ctx, ListOptions{}, list) {
		require.ErrorIs(t, err, context.Canceled)
	}
	assert.Empty(t, *calls)
}

func TestOptions(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	var c Config
	for _, o := range []Option{WithBaseURL("https://x/v1"), WithBaseURL(""), WithHTTPClient(hc), WithHTTPClient(nil),
		WithUserAgent("ua"), WithRetryMax(2), WithRetryWait(time.Second, 2*time.Second), WithRetryAfterMax(3 * time.Second), WithLogger(nil)} {
		o(&c)
	}
	assert.Equal(t, Config{BaseURL: "https://x/v1", HTTPClient: hc, UserAgent: "ua", RetryMax: 2,
		RetryWaitMin: time.Second, RetryWaitMax: 2 * time.Second, RetryAfterMax: 3 * time.Second}, c)
}
