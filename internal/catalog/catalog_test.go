package catalog_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/catalog"
)

// TestNames_sortedAndUnique guards Has, which searches the lists by
// bisection. That each list equals its provider's EventNames is checked in
// internal/registry, which imports the providers.
func TestNames_sortedAndUnique(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"bookingsync", "channex", "hostaway", "ownerrez", "propexo"}, catalog.Providers())
	for _, p := range catalog.Providers() {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			names, ok := catalog.Names(p)
			require.True(t, ok)
			require.NotEmpty(t, names)
			assert.True(t, slices.IsSorted(names), "sorted")
			assert.Equal(t, len(names), len(slices.Compact(slices.Clone(names))), "unique")
			for _, n := range names {
				assert.True(t, catalog.Has(p, n), n)
			}
		})
	}
}

func TestHas(t *testing.T) {
	t.Parallel()
	tests := []struct {
		provider, name string
		want           bool
	}{
		{"hostaway", "reservation.created", true},
		{"hostaway", "reservation.canceled", false},
		{"hostaway", "booking_created", false}, // another provider's name
		{"propexo", "DATA_NEW", true},
		{"propexo", "data_new", false}, // names are case-sensitive
		{"ownerrez", "booking.entity_cancel", false},
		{"hostway", "reservation.created", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.provider+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, catalog.Has(tc.provider, tc.name))
		})
	}
}

func TestNames_unknownProvider(t *testing.T) {
	t.Parallel()
	names, ok := catalog.Names("airbnb")
	assert.False(t, ok)
	assert.Empty(t, names)
}

func TestNames_returnsACopy(t *testing.T) {
	t.Parallel()
	names, _ := catalog.Names("hostaway")
	names[0] = "changed"
	assert.True(t, catalog.Has("hostaway", "message.received"))
}
