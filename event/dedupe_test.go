package event

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryDeduper(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := NewMemoryDeduper(0, 0)

	require.NoError(t, d.Begin(ctx, "a"))
	require.ErrorIs(t, d.Begin(ctx, "a"), ErrInFlight)
	require.NoError(t, d.End(ctx, "a", true))
	require.ErrorIs(t, d.Begin(ctx, "a"), ErrDuplicate)

	// A failure forgets the key: the retry runs.
	require.NoError(t, d.Begin(ctx, "b"))
	require.NoError(t, d.End(ctx, "b", false))
	require.NoError(t, d.Begin(ctx, "b"))

	// End without Begin, or twice, is harmless.
	require.NoError(t, d.End(ctx, "never", true))
	require.NoError(t, d.End(ctx, "a", false))
	require.ErrorIs(t, d.Begin(ctx, "a"), ErrDuplicate)
}

func TestMemoryDeduper_boundedInEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := NewMemoryDeduper(3, time.Hour)
	for i := range 5 {
		key := fmt.Sprint(i)
		require.NoError(t, d.Begin(ctx, key))
		require.NoError(t, d.End(ctx, key, true))
	}
	assert.Equal(t, 3, d.Len())
	require.NoError(t, d.Begin(ctx, "0"), "the oldest key was evicted")
	require.ErrorIs(t, d.Begin(ctx, "4"), ErrDuplicate)
}

func TestMemoryDeduper_boundedInAge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := NewMemoryDeduper(100, time.Hour)
	d.now = func() time.Time { return now }

	require.NoError(t, d.Begin(ctx, "old"))
	require.NoError(t, d.End(ctx, "old", true))
	now = now.Add(59 * time.Minute)
	require.ErrorIs(t, d.Begin(ctx, "old"), ErrDuplicate)
	now = now.Add(2 * time.Minute)
	require.NoError(t, d.Begin(ctx, "old"), "past the age limit the key is forgotten")
}

func TestMemoryDeduper_inFlightNeverEvicted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := NewMemoryDeduper(1, time.Hour)
	require.NoError(t, d.Begin(ctx, "slow"))
	for i := range 10 {
		key := fmt.Sprint(i)
		require.NoError(t, d.Begin(ctx, key))
		require.NoError(t, d.End(ctx, key, true))
	}
	require.ErrorIs(t, d.Begin(ctx, "slow"), ErrInFlight)
}

// TestMemoryDeduper_ring: past many wraps of its ring the deduper still
// holds exactly the newest maxEntries handled keys, with failures and
// in-flight keys mixed in.
func TestMemoryDeduper_ring(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const maxEntries = 20
	d := NewMemoryDeduper(maxEntries, time.Hour)
	require.NoError(t, d.Begin(ctx, "slow"))
	for i := range 1000 {
		key := fmt.Sprint(i)
		require.NoError(t, d.Begin(ctx, key))
		require.NoError(t, d.End(ctx, key, i%3 != 0)) // every third fails
		require.LessOrEqual(t, d.Len(), maxEntries+1)
	}
	kept := 0
	for i := 999; i >= 0 && kept < maxEntries; i-- {
		if i%3 == 0 {
			continue
		}
		require.ErrorIs(t, d.Begin(ctx, fmt.Sprint(i)), ErrDuplicate, i)
		kept++
	}
	require.NoError(t, d.Begin(ctx, "0"), "a failed key was forgotten")
	require.NoError(t, d.Begin(ctx, "1"), "an old handled key was evicted")
	require.ErrorIs(t, d.Begin(ctx, "slow"), ErrInFlight)
}

// TestMemoryDeduper_noAllocations: in steady state Begin and End allocate
// nothing per delivery (the map and ring are reused), so the deduper adds
// no garbage to the receive path.
func TestMemoryDeduper_noAllocations(t *testing.T) {
	ctx := context.Background()
	d := NewMemoryDeduper(64, time.Hour)
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprint("provider/", i)
	}
	i := 0
	cycle := func() {
		k := keys[i%len(keys)]
		i++
		if d.Begin(ctx, k) == nil {
			_ = d.End(ctx, k, true)
		}
	}
	for range 1000 {
		cycle() // fill the map and the ring
	}
	assert.Less(t, testing.AllocsPerRun(1000, cycle), 1.0)
}
