package bookingsync_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
)

// TestWebhook_MarshalJSON checks that every parsed sample marshals under the
// wire's own keys (snake_case) and no others: never a Go field name, never the
// decoded data beside the raw. Parse reads the JSON back to the same event
// name and data.
func TestWebhook_MarshalJSON(t *testing.T) {
	t.Parallel()
	wire := []string{"account_id", "event", "resource"}
	bodies := map[string][]byte{}
	for _, name := range bookingsync.EventNames() {
		if b, ok := bookingsynctest.Sample(name); ok {
			bodies[name] = b
		}
	}
	for _, pattern := range []string{"*.json", "tolerated/*.json"} {
		paths, err := filepath.Glob(filepath.Join("testdata", pattern))
		require.NoError(t, err)
		for _, path := range paths {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			bodies[path] = b
		}
	}
	parsed := 0
	for name, body := range bodies {
		w, err := bookingsync.Parse(body)
		if err != nil {
			continue // a malformed fixture
		}
		parsed++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(w)
			require.NoError(t, err)
			var keys map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &keys))
			for k := range keys {
				require.True(t, slices.Contains(wire, k), "key %q is not a wire key: %s", k, b)
			}
			back, err := bookingsync.Parse(b)
			require.NoError(t, err, "%s", b)
			require.Equal(t, w.Name(), back.Name())
			require.NotEmpty(t, back.Name())
			if w.Data != nil {
				require.JSONEq(t, string(w.Data), string(back.Data))
			}
		})
	}
	require.Greater(t, parsed, 30)
}
