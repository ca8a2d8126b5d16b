package main

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
)

// startMock runs mock for provider on a free loopback port until the test
// ends, and returns the base URL it printed.
func startMock(t *testing.T, provider string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- report(errOut, cmdTest{}.app(out, errOut).run(ctx, []string{"mock", provider, "--addr", "127.0.0.1:0"}))
	}()
	t.Cleanup(func() {
		cancel()
		assert.Equal(t, exitOK, <-done, "stderr: %s", errOut.String())
		assert.Contains(t, out.String(), "pmshooks mock: stopped")
	})
	re := regexp.MustCompile(`the fake \S+ API is at (http://127\.0\.0\.1:\d+\S*)`)
	var base string
	require.Eventually(t, func() bool {
		m := re.FindStringSubmatch(out.String())
		if m != nil {
			base = m[1]
		}
		return m != nil && strings.Contains(out.String(), "Ctrl-C stops")
	}, 5*time.Second, 5*time.Millisecond, "banner; stderr: %s", errOut.String())
	return base, out
}

// TestMock_everyProvider: each provider's fake answers on the printed base
// URL, and refuses a request without credentials as the provider does.
func TestMock_everyProvider(t *testing.T) {
	for name, p := range mockProviders() {
		t.Run(name, func(t *testing.T) {
			base, out := startMock(t, name)
			for _, cr := range p.creds {
				assert.Contains(t, out.String(), cr[1], "the banner prints the credentials")
			}
			resp, err := http.Get(base + "/no-such-route")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
		})
	}
}

// TestMock_ownerrezClient: the README's use: a client pointed at the mock
// with the printed credentials calls it like the real API.
func TestMock_ownerrezClient(t *testing.T) {
	base, _ := startMock(t, "ownerrez")
	c, err := ownerrez.NewClient(ownerrez.PersonalToken(ownerreztest.Email, ownerreztest.PersonalToken),
		ownerrez.WithBaseURL(base), ownerrez.WithRetryMax(-1))
	require.NoError(t, err)
	_, _, err = c.Bookings.Get(t.Context(), 404404)
	var apiErr *ownerrez.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
}

func TestMock_usage(t *testing.T) {
	for _, args := range [][]string{
		{"mock"},
		{"mock", "nosuch"},
		{"mock", "ownerrez", "extra"},
		{"mock", "--addr", ":0"},
	} {
		r := runCmd(t, args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
	}
}
