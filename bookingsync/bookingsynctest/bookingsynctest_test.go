package bookingsynctest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
)

func TestNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, bookingsync.EventNames(), bookingsynctest.Names(), "one sample per event name")
}

func TestSample(t *testing.T) {
	t.Parallel()
	for _, name := range bookingsynctest.Names() {
		body, ok := bookingsynctest.Sample(name)
		require.True(t, ok, name)
		var env struct {
			AccountID json.Number     `json:"account_id"`
			Event     string          `json:"event"`
			Resource  json.RawMessage `json:"resource"`
		}
		require.NoError(t, json.Unmarshal(body, &env), name)
		assert.Equal(t, name, env.Event)
		assert.NotEmpty(t, env.AccountID, name)
		assert.NotEmpty(t, env.Resource, name)
	}
	_, ok := bookingsynctest.Sample("booking_archived")
	assert.False(t, ok)

	a, _ := bookingsynctest.Sample("booking_created")
	a[0] = 'X'
	b, _ := bookingsynctest.Sample("booking_created")
	assert.Equal(t, byte('{'), b[0], "Sample returns a copy")
}

func TestNewRequest(t *testing.T) {
	t.Parallel()
	v, err := bookingsync.NewVerifier("client-secret")
	require.NoError(t, err)
	req, err := bookingsynctest.NewRequest("http://127.0.0.1:8080/hooks", "payment_created", v)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, bookingsync.UserAgent, req.Header.Get("User-Agent"))
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	want, _ := bookingsynctest.Sample("payment_created")
	assert.Equal(t, want, body)
	require.NoError(t, v.Verify(req.Header, body))

	req, err = bookingsynctest.NewRequest("http://127.0.0.1:8080/hooks", "payment_created", nil)
	require.NoError(t, err)
	assert.Empty(t, req.Header.Get(bookingsync.SignatureHeader))

	_, err = bookingsynctest.NewRequest("http://127.0.0.1:8080/hooks", "payment_archived", v)
	require.ErrorContains(t, err, "bookingsynctest: ")
}
