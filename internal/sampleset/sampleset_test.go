package sampleset

import (
	"io"
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

func TestSet(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"samples/b.created.json": {Data: []byte(`{"b":1}`)},
		"samples/a_updated.json": {Data: []byte(`{"a":1}`)},
		"samples/README.md":      {Data: []byte(`not a sample`)},
	}
	s := New(fsys, "samples")
	assert.Equal(t, []string{"a_updated", "b.created"}, s.Names())

	b, ok := s.Sample("b.created")
	require.True(t, ok)
	assert.JSONEq(t, `{"b":1}`, string(b))
	_, ok = s.Sample("README")
	assert.False(t, ok)

	tok, err := verify.NewToken("X-Token", "secret")
	require.NoError(t, err)
	r, err := s.NewRequest("http://127.0.0.1/hooks", "a_updated", tok)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	body, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.NoError(t, tok.Verify(r.Header, body))

	_, err = s.NewRequest("http://127.0.0.1/hooks", "nope", tok)
	require.Error(t, err)
	assert.Panics(t, func() { New(fsys, "missing") })
}
