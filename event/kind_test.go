package event_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
)

// TestKinds checks that every Kind constant is a singular, lowercase,
// snake_case noun and that no two share a value.
func TestKinds(t *testing.T) {
	t.Parallel()
	kinds := []string{
		event.KindBooking, event.KindGuest, event.KindProperty, event.KindMessage,
		event.KindConversation, event.KindReview, event.KindPayment, event.KindInquiry,
		event.KindAvailability, event.KindChannel, event.KindBookingRevision,
		event.KindIntegration, event.KindJob,
	}
	seen := map[string]bool{}
	for _, k := range kinds {
		require.Regexp(t, `^[a-z]+(_[a-z]+)*$`, k)
		require.NotRegexp(t, `s$`, k, "singular")
		require.False(t, seen[k], "%s twice", k)
		seen[k] = true
	}
}
