package propexotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

func TestNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, propexo.EventNames(), propexotest.Names(), "one sample per known trigger")
}

func TestSample(t *testing.T) {
	t.Parallel()
	for _, name := range propexotest.Names() {
		b, ok := propexotest.Sample(name)
		require.True(t, ok, name)
		var env struct {
			Trigger string `json:"trigger"`
			Data    struct {
				Event string `json:"event"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(b, &env), name)
		assert.Equal(t, name, env.Trigger, "the enveloped shape names its trigger")
		assert.Equal(t, name, env.Data.Event)

		b[0] = 'x'
		again, _ := propexotest.Sample(name)
		assert.Equal(t, byte('{'), again[0], "Sample returns a copy")
	}
	_, ok := propexotest.Sample("DATA_DELETE")
	assert.False(t, ok)
}

func TestNewRequest(t *testing.T) {
	t.Parallel()
	v, err := propexo.NewVerifier("propexotest-secret")
	require.NoError(t, err)
	req, err := propexotest.NewRequest("http://127.0.0.1/hooks", "WRITE_OPERATION_FAILURE", v)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	want, _ := propexotest.Sample("WRITE_OPERATION_FAILURE")
	assert.Equal(t, want, body)
	require.NoError(t, v.Verify(req.Header, body))

	unsigned, err := propexotest.NewRequest("http://127.0.0.1/hooks", "DATA_NEW", nil)
	require.NoError(t, err)
	assert.Empty(t, unsigned.Header.Get(propexo.SignatureHeader))

	_, err = propexotest.NewRequest("http://127.0.0.1/hooks", "NOT_A_TRIGGER", v)
	assert.ErrorContains(t, err, "propexotest: ")
	_, err = propexotest.NewRequest("://bad url", "DATA_NEW", v)
	assert.Error(t, err)
}
