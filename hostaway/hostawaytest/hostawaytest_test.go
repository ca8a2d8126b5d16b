package hostawaytest

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

func TestNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"message.received", "reservation.created", "reservation.updated", "test"}, Names())
}

func TestSample(t *testing.T) {
	t.Parallel()
	for _, name := range Names() {
		b, ok := Sample(name)
		require.True(t, ok, name)
		var env struct {
			Event string          `json:"event"`
			Data  json.RawMessage `json:"data"`
		}
		require.NoError(t, json.Unmarshal(b, &env), name)
		require.NotEmpty(t, env.Data, name)
		if name != "test" {
			assert.Equal(t, name, env.Event, "a sample is named after its event")
		}
	}
	b, _ := Sample("test")
	assert.JSONEq(t, `{"data":"test"}`, string(b))

	b[0] = 'x'
	again, _ := Sample("test")
	assert.Equal(t, byte('{'), again[0], "Sample returns a copy")

	_, ok := Sample("reservation.deleted")
	assert.False(t, ok)
}

func TestNewRequest(t *testing.T) {
	t.Parallel()
	v, err := verify.NewBasic(verify.Credentials{User: "login", Password: "password"})
	require.NoError(t, err)
	r, err := NewRequest("http://127.0.0.1/hooks", "reservation.created", v)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	body, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	want, _ := Sample("reservation.created")
	assert.Equal(t, want, body)
	require.NoError(t, v.Verify(r.Header, body))

	unsigned, err := NewRequest("http://127.0.0.1/hooks", "test", nil)
	require.NoError(t, err)
	assert.Empty(t, unsigned.Header.Get("Authorization"))

	_, err = NewRequest("http://127.0.0.1/hooks", "nope", v)
	require.ErrorContains(t, err, "hostawaytest: ")
}
