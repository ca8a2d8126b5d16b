package ownerreztest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/verify"
)

func TestNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, ownerrez.EventNames(), ownerreztest.Names(), "one sample per known event name")
}

func TestSample(t *testing.T) {
	t.Parallel()
	for _, name := range ownerreztest.Names() {
		b, ok := ownerreztest.Sample(name)
		require.True(t, ok, name)
		var env struct {
			Action     ownerrez.Action     `json:"action"`
			EntityType ownerrez.EntityType `json:"entity_type"`
			ID         string              `json:"id"`
		}
		require.NoError(t, json.Unmarshal(b, &env), name)
		assert.Equal(t, name, ownerrez.EventName(env.Action, env.EntityType), "sample %s is named for its content", name)
		assert.NotEmpty(t, env.ID, "canonical samples carry a delivery id")
	}
	b, _ := ownerreztest.Sample("webhook_test")
	b[0] = 'X'
	again, _ := ownerreztest.Sample("webhook_test")
	assert.Equal(t, byte('{'), again[0], "Sample returns a copy")
	_, ok := ownerreztest.Sample("booking.entity_archive")
	assert.False(t, ok)
}

func TestNewRequest(t *testing.T) {
	t.Parallel()
	v, err := ownerrez.NewVerifier(verify.Credentials{User: "u", Password: "p"})
	require.NoError(t, err)
	r, err := ownerreztest.NewRequest("http://127.0.0.1/hooks", "guest.entity_create", v)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	body, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	want, _ := ownerreztest.Sample("guest.entity_create")
	assert.Equal(t, want, body)
	require.NoError(t, v.Verify(r.Header, body))

	r, err = ownerreztest.NewRequest("http://127.0.0.1/hooks", "webhook_test", nil)
	require.NoError(t, err)
	assert.Empty(t, r.Header.Get("Authorization"))

	_, err = ownerreztest.NewRequest("http://127.0.0.1/hooks", "nope", v)
	require.ErrorContains(t, err, "ownerreztest: ")
}
