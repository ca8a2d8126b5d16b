package inbox

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultHeaderFilter(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie", "Connection", "Transfer-Encoding", "Content-Length"} {
		assert.False(t, DefaultHeaderFilter(h), h)
	}
	for _, h := range []string{"Content-Type", "User-Agent", "X-Content-Signature", "Propexo-Signature", "X-Request-Id"} {
		assert.True(t, DefaultHeaderFilter(h), h)
	}
}

func TestDropHeaders(t *testing.T) {
	t.Parallel()
	f := DropHeaders("x-channex-token", "X-Other")
	assert.False(t, f("X-Channex-Token"))
	assert.False(t, f("X-Other"))
	assert.False(t, f("Authorization"), "the defaults still apply")
	assert.True(t, f("Content-Type"))
}

func TestEncodeHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Basic x"}, "X-Multi": {"a", "b"}}
	h["x-lower"] = []string{"raw"} // not canonical, as a hand-built Header may be
	s, err := encodeHeaders(h, DefaultHeaderFilter)
	require.NoError(t, err)
	assert.NotContains(t, s, "Basic")
	got, err := decodeHeaders(s)
	require.NoError(t, err)
	assert.Equal(t, http.Header{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}, "X-Lower": {"raw"}}, got)

	empty, err := decodeHeaders("")
	require.NoError(t, err)
	assert.Empty(t, empty)
	_, err = decodeHeaders("{")
	require.Error(t, err)
}
