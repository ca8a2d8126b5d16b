package bookingsync_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
)

func TestLinks(t *testing.T) {
	t.Parallel()
	var l bookingsync.Links
	require.NoError(t, json.Unmarshal([]byte(`{
		"n": 16, "s": "16", "null": null, "arr": [1, "2", null], "empty": [],
		"poly": {"id": 5, "type": "Host"}, "bad": true, "nested": [[1]]}`), &l))
	tests := []struct {
		name string
		id   string
		ids  []string
	}{
		{"n", "16", []string{"16"}},
		{"s", "16", []string{"16"}},
		{"null", "", nil},
		{"missing", "", nil},
		{"arr", "", []string{"1", "2"}},
		{"empty", "", nil},
		{"poly", "5", []string{"5"}},
		{"bad", "true", []string{"true"}},
		{"nested", "", nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.id, l.ID(tt.name), "ID(%q)", tt.name)
		assert.Equal(t, tt.ids, l.IDs(tt.name), "IDs(%q)", tt.name)
	}
}

// TestRecord_embeddedFields checks that typed records decode the shared fields.
func TestRecord_embeddedFields(t *testing.T) {
	t.Parallel()
	w, err := bookingsync.Parse(sample(t, "photo_updated"))
	require.NoError(t, err)
	p := w.Resource.(*bookingsync.Photo)
	want := bookingsync.Translations{"en": "Wonderful living room", "fr": "Superbe salon"}
	if diff := cmp.Diff(want, p.Description); diff != "" {
		t.Errorf("Description (-want +got):\n%s", diff)
	}
	assert.EqualValues(t, "2", p.ID.String())
	assert.EqualValues(t, "16", p.Links.ID("rental"))
	assert.False(t, p.CreatedAt.IsZero())
	assert.True(t, p.UpdatedAt.After(p.CreatedAt.Time))
}

// TestRecords spot-checks the typed records of the other documented kinds
// against their samples.
func TestRecords(t *testing.T) {
	t.Parallel()
	parse := func(t *testing.T, name string) any {
		t.Helper()
		w, err := bookingsync.Parse(sample(t, name))
		require.NoError(t, err)
		return w.Resource
	}
	t.Run("rental", func(t *testing.T) {
		t.Parallel()
		r := parse(t, "rental_updated").(*bookingsync.Rental)
		assert.EqualValues(t, "Cottage 2", r.Name)
		assert.Equal(t, lenient.Int{Value: 16}, r.CheckinTime)
		assert.Equal(t, lenient.Decimal{Value: "45.02"}, r.Lat)
		assert.Equal(t, lenient.Decimal{Value: "750.0"}, r.BaseRate)
		assert.Equal(t, bookingsync.Translations{"en": ""}, r.PricePublicNotes, "a null translation")
		assert.EqualValues(t, "05100", r.Zip.String())
	})
	t.Run("payment", func(t *testing.T) {
		t.Parallel()
		p := parse(t, "payment_created").(*bookingsync.Payment)
		assert.Equal(t, lenient.Int{Value: 270000}, p.AmountInCents)
		assert.EqualValues(t, "cash", p.Kind)
		assert.Equal(t, []string{"80"}, p.Links.IDs("bookings"))
	})
	t.Run("inquiry phone as a number", func(t *testing.T) {
		t.Parallel()
		i := parse(t, "inquiry_created").(*bookingsync.Inquiry)
		assert.EqualValues(t, "7273647616", i.Phone.String())
		assert.Equal(t, lenient.Int{Value: 2}, i.Children)
	})
	t.Run("availability", func(t *testing.T) {
		t.Parallel()
		a := parse(t, "availability_updated").(*bookingsync.Availability)
		assert.Len(t, a.Map, 1096)
		assert.Equal(t, event.Date{Year: 2025, Month: time.May, Day: 1}, a.StartDate)
	})
	t.Run("review criteria", func(t *testing.T) {
		t.Parallel()
		r := parse(t, "review_created").(*bookingsync.Review)
		assert.Equal(t, lenient.Decimal{Value: "5"}, r.Rating)
		require.Contains(t, r.Criteria, "checkin")
		assert.Nil(t, r.Criteria["checkin"], "not rated")
		assert.Equal(t, &bookingsync.ReviewCriterion{Rating: lenient.Decimal{Value: "4.0"}, Comment: "A bit too expansive"}, r.Criteria["value_for_money"])
	})
	t.Run("host review with a UUID", func(t *testing.T) {
		t.Parallel()
		r := parse(t, "host_review_updated").(*bookingsync.HostReview)
		assert.EqualValues(t, "04356dc9-1349-4e05-b818-09ccdac8d5dd", r.ID.String())
		assert.True(t, r.IsGuestRecommended.Value)
		assert.False(t, r.SubmittedAt.IsZero())
	})
	t.Run("discount code", func(t *testing.T) {
		t.Parallel()
		d := parse(t, "booking_discount_code_created").(*bookingsync.DiscountCode)
		assert.EqualValues(t, "PROMO123", d.Code)
		assert.Equal(t, lenient.Decimal{Value: "100.00"}, d.FixedAmount)
		assert.EqualValues(t, "2025-09-19", d.StartDate.String())
	})
	t.Run("conversation", func(t *testing.T) {
		t.Parallel()
		c := parse(t, "inbox_conversation_created").(*bookingsync.InboxConversation)
		assert.EqualValues(t, "Reservation 0000EG at Cottage 2", c.Subject)
		assert.Equal(t, []string{"80"}, c.Links.IDs("bookings"))
	})
	t.Run("undocumented kind", func(t *testing.T) {
		t.Parallel()
		r := parse(t, "accounts_application_created").(*bookingsync.Record)
		assert.Empty(t, r.ID, "BookingSync's sample of this record has no id")
		assert.JSONEq(t, `{"links":{"account":1059638630},"partnership_invoice_recipient":"account"}`, string(r.Raw))
	})
}
