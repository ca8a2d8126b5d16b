package channextest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
)

func TestNames_matchEventNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, channex.EventNames(), channextest.Names(), "one sample per event name, no more")
}

func TestSample(t *testing.T) {
	t.Parallel()
	body, ok := channextest.Sample("message")
	require.True(t, ok)
	assert.Contains(t, string(body), `"event": "message"`)

	body[0] = 'X' // a copy: changing it changes nothing for the next caller
	again, _ := channextest.Sample("message")
	assert.Equal(t, byte('{'), again[0])

	_, ok = channextest.Sample("no_such_event")
	assert.False(t, ok)
}

func TestNewRequest(t *testing.T) {
	t.Parallel()
	v, err := channex.NewVerifier("X-Hook-Token", "tok")
	require.NoError(t, err)

	req, err := channextest.NewRequest("http://127.0.0.1/hooks", "ari", v)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, "tok", req.Header.Get("X-Hook-Token"))

	unsigned, err := channextest.NewRequest("http://127.0.0.1/hooks", "ari", nil)
	require.NoError(t, err)
	assert.Empty(t, unsigned.Header.Get("X-Hook-Token"))

	_, err = channextest.NewRequest("http://127.0.0.1/hooks", "no_such_event", v)
	require.ErrorContains(t, err, "channextest:")
	_, err = channextest.NewRequest("://bad", "ari", v)
	require.Error(t, err)
}
