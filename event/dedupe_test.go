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
