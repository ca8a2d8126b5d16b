package ownerrez

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
)

func utc(s string) lenient.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return lenient.Time{Time: t}
}

func date(y int, m time.Month, d int) event.Date { return event.Date{Year: y, Month: m, Day: d} }

func TestBooking_decode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body []byte
		want *Booking
	}{
		{
			name: "real capture, block",
			body: sample(t, "booking.entity_create"),
			want: &Booking{
				ID: lenient.Int{Value: 16879744}, Type: BookingTypeBlock, Status: BookingPending, IsBlock: lenient.Bool{Value: true},
				PropertyID: lenient.Int{Value: 474841}, Property: &PropertyRef{ID: lenient.Int{Value: 474841}, Name: "S402"},
				Arrival: date(2026, time.March, 12), Departure: date(2026, time.March, 16),
				CheckIn: "16:00", CheckOut: "11:00",
				BookedUTC: utc("2026-03-08T17:54:44Z"), CreatedUTC: utc("2026-03-08T17:54:44Z"),
				CurrencyCode: "SAR", ListingSite: "Airbnb", PlatformReservationNumber: "HMCFDR58EZ",
				Title: "Hold for HMCFDR58EZ",
			},
		},
		{
			name: "real capture, booking, money keeps its text",
			body: sample(t, "booking.entity_update"),
			want: &Booking{
				ID: lenient.Int{Value: 16879744}, Type: BookingTypeBooking, Status: BookingActive,
				PropertyID: lenient.Int{Value: 474841}, Property: &PropertyRef{ID: lenient.Int{Value: 474841}, Name: "S402"},
				GuestID: lenient.Int{Value: 620763955}, Guest: &GuestRef{ID: lenient.Int{Value: 620763955}, FirstName: "Layla", LastName: "Haddad"},
				Arrival: date(2026, time.March, 12), Departure: date(2026, time.March, 16),
				CheckIn: "15:00", CheckOut: "12:00", Adults: lenient.Int{Value: 2},
				BookedUTC: utc("2026-03-08T17:54:45Z"), CreatedUTC: utc("2026-03-08T17:54:44Z"), UpdatedUTC: utc("2026-03-08T17:56:10Z"),
				CurrencyCode: "SAR", TotalAmount: lenient.Decimal{Value: "830.00"}, TotalOwed: lenient.Decimal{Value: "830.00"},
				ListingSite: "Airbnb", PlatformReservationNumber: "HMCFDR58EZ",
			},
		},
		{
			name: "official Zapier sample with charges",
			body: testutil.Fixture(t, "booking.entity_create--zapier.json"),
			want: &Booking{
				ID: lenient.Int{Value: 273491}, Type: BookingTypeBooking, Status: BookingActive,
				PropertyID: lenient.Int{Value: 182918563}, GuestID: lenient.Int{Value: 34013}, Adults: lenient.Int{Value: 1},
				Arrival: date(2022, time.April, 28), Departure: date(2022, time.May, 4),
				Charges: []Charge{{
					Type: "rent", Description: "5 nights (4/28, 5/1 - 5/4) during Spring at £190.00 per night",
					Amount: lenient.Decimal{Value: "950"}, Rate: lenient.Decimal{Value: "950"}, CommissionAmount: lenient.Decimal{Value: "190"}, OwnerAmount: lenient.Decimal{Value: "760"}, OwnerCommissionPercent: lenient.Decimal{Value: "20"},
				}},
			},
		},
		{
			name: "lenient drift",
			body: testutil.Fixture(t, "booking.entity_update--lenient.json"),
			want: &Booking{
				ID: lenient.Int{Value: 16880002}, Type: BookingTypeBooking, Status: "Active",
				PropertyID: lenient.Int{Value: 182918563}, Guest: &GuestRef{ID: lenient.Int{Value: 620770001}, FirstName: "Ana"},
				Arrival: date(2026, time.May, 1), Departure: date(2026, time.May, 4),
				Adults: lenient.Int{Value: 3}, Children: lenient.Int{Value: 1}, CurrencyCode: "usd", TotalAmount: lenient.Decimal{Value: "1250.10"},
				UpdatedUTC: utc("2026-04-20T10:15:00Z"), ListingSite: "Vrbo",
				DoorCodes: []DoorCode{{Code: "4821", LockNames: "Front door, Garage"}},
				Fields:    []FieldValue{{Code: "PARK", Value: "true"}, {Code: "BAYS", Value: "2"}},
				Tags:      []lenient.String{"vip"},
				ThreadIDs: []lenient.Int{lenient.Int{Value: 9021999}, lenient.Int{Value: 9022000}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse(tt.body)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, w.Booking); diff != "" {
				t.Errorf("Booking mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGuest_decode(t *testing.T) {
	t.Parallel()
	w, err := Parse(testutil.Fixture(t, "guest.entity_update--recorded.json"))
	require.NoError(t, err)
	want := &Guest{
		ID: lenient.Int{Value: 613782149}, FirstName: "<first>", LastName: "<last>",
		Addresses: []Address{{
			ID: lenient.Int{Value: 693080488}, City: "<city>", Country: "UNITED STATES", PostalCode: "<zip>",
			State: "Minnesota", Street1: "<street>", Type: "home",
		}},
		EmailAddresses: []EmailAddress{{ID: lenient.Int{Value: 523846959}, Address: "<email>"}},
		Phones:         []Phone{{ID: lenient.Int{Value: 297536370}, Number: "<phone>"}},
	}
	if diff := cmp.Diff(want, w.Guest); diff != "" {
		t.Errorf("Guest mismatch (-want +got):\n%s", diff)
	}
	assert.EqualValues(t, "<first> <last>", w.Guest.Name())
}

func TestProperty_decode(t *testing.T) {
	t.Parallel()
	w, err := Parse(sample(t, "property.entity_create"))
	require.NoError(t, err)
	p := w.Property
	require.NotNil(t, p)
	assert.Equal(t, lenient.Int{Value: 474841}, p.ID)
	assert.True(t, p.Active.Value)
	assert.Equal(t, lenient.Decimal{Value: "24.7136"}, p.Latitude)
	assert.Equal(t, lenient.Decimal{Value: "46.6753"}, p.Longitude)
	assert.Equal(t, lenient.Decimal{Value: "2"}, p.Bathrooms)
	require.NotNil(t, p.Address)
	assert.EqualValues(t, "Riyadh", p.Address.City)
	assert.EqualValues(t, "5b1f0c9e-2d47-4a86-9e3b-7c6a1f2d8e04", p.Key)

	w, err = Parse([]byte(`{"action":"entity_update","entity_type":"property","entity":{"id":1,"bathrooms":1.5}}`))
	require.NoError(t, err)
	assert.Equal(t, lenient.Decimal{Value: "1.5"}, w.Property.Bathrooms, "half bathrooms are not an error")
}

func TestThreadMessage_decode(t *testing.T) {
	t.Parallel()
	w, err := Parse(sample(t, "thread_message.entity_create"))
	require.NoError(t, err)
	want := &ThreadMessage{
		ID: lenient.Int{Value: 88412037}, Body: "Hi! Is early check-in at 1pm possible on the 12th?",
		DateUTC: utc("2026-03-09T14:02:17Z"), FromContactID: lenient.Int{Value: 620763955}, FromRole: "guest",
		Thread: &Thread{ID: lenient.Int{Value: 9021456}, BookingID: lenient.Int{Value: 16879744}, PropertyID: lenient.Int{Value: 474841}, Channel: "airbnb", Type: "booking"},
	}
	if diff := cmp.Diff(want, w.ThreadMessage); diff != "" {
		t.Errorf("ThreadMessage mismatch (-want +got):\n%s", diff)
	}
}

func TestInquiryAndQuote_decode(t *testing.T) {
	t.Parallel()
	w, err := Parse(sample(t, "inquiry.entity_update"))
	require.NoError(t, err)
	require.NotNil(t, w.Inquiry)
	assert.Equal(t, lenient.Int{Value: 3390217}, w.Inquiry.ID)
	assert.Equal(t, date(2026, time.April, 2), w.Inquiry.Arrival)
	assert.EqualValues(t, "Marco Bellini", w.Inquiry.Guest.Name())

	w, err = Parse(sample(t, "quote.entity_update"))
	require.NoError(t, err)
	require.NotNil(t, w.Quote)
	assert.Equal(t, lenient.Decimal{Value: "1390.50"}, w.Quote.TotalAmount)
	assert.EqualValues(t, "SAR", w.Quote.CurrencyCode)
}

func TestGuestRef_Name(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref  *GuestRef
		want string
	}{
		{nil, ""},
		{&GuestRef{}, ""},
		{&GuestRef{FirstName: "Layla", LastName: "Haddad"}, "Layla Haddad"},
		{&GuestRef{FirstName: " Layla "}, "Layla"},
		{&GuestRef{LastName: "Haddad"}, "Haddad"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.ref.Name())
	}
}

func TestThreadMessage_FromGuest(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"guest": true, "Guest": true, "cotraveler": true, "third_party_booker": true,
		"owner": false, "co_host": false, "bot": false, "": false, "property_manager": false,
	}
	for role, want := range tests {
		m := &ThreadMessage{FromRole: lenient.String(role)}
		assert.Equal(t, want, m.FromGuest(), role)
	}
}
