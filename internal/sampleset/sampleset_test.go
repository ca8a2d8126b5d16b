package sampleset

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"samples/b.created.json": {Data: []byte(`{"id":"d-1","b":{"status":"new","n":1240.50,"big":12345678901234567890,"tags":["x","y"]}}`)},
		"samples/a_updated.json": {Data: []byte(`{"a":1}`)},
		"samples/README.md":      {Data: []byte(`not a sample`)},
	}
}

func TestSet(t *testing.T) {
	t.Parallel()
	fsys := testFS()
	s := New(fsys, Spec{Dir: "samples", Variants: []Variant{{Name: "b.created:gone", Event: "b.created", Changes: map[string]any{"b.status": "gone", "b.added": true}}}})
	assert.Equal(t, []string{"a_updated", "b.created"}, s.Names(), "variants are not event names")
	assert.Equal(t, []string{"b.created:gone"}, s.Variants())

	b, ok := s.Sample("a_updated")
	require.True(t, ok)
	assert.JSONEq(t, `{"a":1}`, string(b))
	_, ok = s.Sample("README")
	assert.False(t, ok)

	v, ok := s.Sample("b.created:gone")
	require.True(t, ok)
	assert.JSONEq(t, `{"id":"d-1","b":{"status":"gone","added":true,"n":1240.50,"big":12345678901234567890,"tags":["x","y"]}}`, string(v))
	again, _ := s.Sample("b.created:gone")
	assert.Equal(t, v, again, "a variant is canonical: the same on every call")

	assert.Panics(t, func() { New(fsys, Spec{Dir: "missing"}) })
	assert.Panics(t, func() { New(fsys, Spec{Dir: "samples", Variants: []Variant{{Name: "x", Event: "nope"}}}) })
}

func TestSet_Derive(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		spec    Spec
		name    string
		changes map[string]any
		want    string // JSON, without the fresh member
		fresh   string // the member made fresh
		err     string
	}{
		"delivery id made fresh": {
			spec: Spec{Dir: "samples", DeliveryID: "id"}, name: "b.created",
			changes: map[string]any{"b.status": "cancelled", "b.tags.1": nil},
			want:    `{"b":{"status":"cancelled","n":1240.50,"big":12345678901234567890,"tags":["x",null]}}`,
			fresh:   "id",
		},
		"delivery id set by the changes": {
			spec: Spec{Dir: "samples", DeliveryID: "id"}, name: "b.created",
			changes: map[string]any{"id": "mine"},
			want:    `{"id":"mine","b":{"status":"new","n":1240.50,"big":12345678901234567890,"tags":["x","y"]}}`,
		},
		"nonce without a delivery id": {
			spec: Spec{Dir: "samples"}, name: "a_updated",
			changes: map[string]any{"a": map[string]any{"whole": "object"}},
			want:    `{"a":{"whole":"object"}}`,
			fresh:   NonceMember,
		},
		"no sample":          {spec: Spec{Dir: "samples"}, name: "nope", err: `no sample for "nope"`},
		"misspelt member":    {spec: Spec{Dir: "samples"}, name: "b.created", changes: map[string]any{"b.stauts": "x"}, err: `change "b.stauts": no member "b.stauts"`},
		"missing parent":     {spec: Spec{Dir: "samples"}, name: "b.created", changes: map[string]any{"c.d": 1}, err: `no member "c"`},
		"index out of range": {spec: Spec{Dir: "samples"}, name: "b.created", changes: map[string]any{"b.tags.2": "z"}, err: `no element "b.tags.2"`},
		"index not a number": {spec: Spec{Dir: "samples"}, name: "b.created", changes: map[string]any{"b.tags.x": "z"}, err: `no element "b.tags.x"`},
		"through a scalar":   {spec: Spec{Dir: "samples"}, name: "b.created", changes: map[string]any{"b.status.x": "z"}, err: `"b.status" is neither an object nor an array`},
		"empty member":       {spec: Spec{Dir: "samples"}, name: "b.created", changes: map[string]any{"b..status": "z"}, err: "empty member name"},
		"value not JSON":     {spec: Spec{Dir: "samples"}, name: "a_updated", changes: map[string]any{"a": func() {}}, err: "encode the changes"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := New(testFS(), tc.spec)
			b1, err := s.Derive(tc.name, tc.changes)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			b2, err := s.Derive(tc.name, tc.changes)
			require.NoError(t, err)
			if tc.fresh == "" {
				assert.Equal(t, b1, b2, "the changes set the id: the same delivery")
				assert.JSONEq(t, tc.want, string(b1))
				return
			}
			assert.NotEqual(t, b1, b2, "two derivations are two deliveries")
			var d1, d2 map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b1, &d1))
			require.NoError(t, json.Unmarshal(b2, &d2))
			assert.NotEqual(t, d1[tc.fresh], d2[tc.fresh])
			if tc.fresh == "id" {
				assert.Regexp(t, `^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$`, string(d1["id"]))
			}
			delete(d1, tc.fresh)
			rest, err := json.Marshal(d1)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(rest))
		})
	}
}

func TestSet_Derive_keepsHTML(t *testing.T) {
	t.Parallel()
	s := New(testFS(), Spec{Dir: "samples"})
	b, err := s.Derive("a_updated", map[string]any{"a": "<b>&</b>"})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"<b>&</b>"`, "no HTML escaping: bodies read as a provider writes them")
}

// ctxKey keys the context value that tells the request's context apart.
type ctxKey struct{}

func TestNewRequest(t *testing.T) {
	t.Parallel()
	tok, err := verify.NewToken("X-Token", "secret")
	require.NoError(t, err)
	body := []byte(`{"any":"body"}`)
	ctx := context.WithValue(t.Context(), ctxKey{}, "mine")
	r, err := NewRequest(ctx, "http://127.0.0.1/hooks", body, tok)
	require.NoError(t, err)
	assert.Same(t, ctx, r.Context())
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	body[0] = 'x' // the request keeps its own copy
	got, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Equal(t, `{"any":"body"}`, string(got))
	require.NoError(t, tok.Verify(r.Header, got))

	unsigned, err := NewRequest(t.Context(), "http://127.0.0.1/hooks", got, nil)
	require.NoError(t, err)
	assert.Error(t, tok.Verify(unsigned.Header, got))

	//lint:ignore SA1012 a nil context is refused
	_, err = NewRequest(nil, "http://127.0.0.1/hooks", got, tok)
	require.Error(t, err)
	_, err = NewRequest(t.Context(), "://bad", got, tok)
	require.Error(t, err)
}
