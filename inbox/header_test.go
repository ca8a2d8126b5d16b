package inbox

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefaultHeaderFilter checks that the default is an allow-list: a
// header nobody told the inbox about, such as a secret token header, is not
// stored.
func TestDefaultHeaderFilter(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie", "Connection", "Transfer-Encoding",
		"Content-Length", "X-Channex-Webhook-Secret", "X-Api-Key", "X-Anything-New"} {
		assert.False(t, DefaultHeaderFilter(h), h)
	}
	for _, h := range []string{"Content-Type", "User-Agent", "X-Content-Signature", "Propexo-Signature", "X-Request-Id"} {
		assert.True(t, DefaultHeaderFilter(h), h)
	}
}

func TestAllowHeaders(t *testing.T) {
	t.Parallel()
	f := AllowHeaders("x-event-hint", "X-Other")
	assert.True(t, f("X-Event-Hint"))
	assert.True(t, f("X-Other"))
	assert.True(t, f("Content-Type"), "the defaults still apply")
	assert.False(t, f("X-Channex-Webhook-Secret"))
}

// TestStoredHeaders checks that no filter stores credentials or a header
// the receiver names as secret.
func TestStoredHeaders(t *testing.T) {
	t.Parallel()
	everything := func(string) bool { return true }
	f := storedHeaders(everything, []string{"x-hook-secret"})
	for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Hook-Secret"} {
		assert.False(t, f(h), h)
	}
	assert.True(t, f("X-Anything"), "the filter decides the rest")
}

func TestEncodeHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Basic x"}, "X-Multi": {"a", "b"}}
	h["x-lower"] = []string{"raw"} // not canonical, as a hand-built Header may be
	s, err := encodeHeaders(h, storedHeaders(AllowHeaders("X-Multi", "X-Lower"), nil))
	require.NoError(t, err)
	assert.NotContains(t, s, "Basic")
	got, err := decodeHeaders(s)
	require.NoError(t, err)
	assert.Equal(t, http.Header{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}, "X-Lower": {"raw"}}, got)
	s, err = encodeHeaders(h, DefaultHeaderFilter)
	require.NoError(t, err)
	got, err = decodeHeaders(s)
	require.NoError(t, err)
	assert.Equal(t, http.Header{"Content-Type": {"application/json"}}, got)

	empty, err := decodeHeaders("")
	require.NoError(t, err)
	assert.Empty(t, empty)
	_, err = decodeHeaders("{")
	require.Error(t, err)
}
