package hostaway

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
)

// clock is a zoneless Hostaway timestamp, as lenient.Time decodes one.
func clock(y int, mo time.Month, d, h, mi, s int) lenient.Time {
	return lenient.Time{Time: time.Date(y, mo, d, h, mi, s, 0, time.UTC), Zoneless: true}
}

func date(y int, mo time.Month, d int) event.Date { return event.Date{Year: y, Month: mo, Day: d} }

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, ok := hostawaytest.Sample(name)
	require.True(t, ok, "no sample %q", name)
	return b
}

// wantSampleReservation is the data of the reservation.created sample, which
// is the reference's reservation object with every documented field.
func wantSampleReservation() *Reservation {
	return &Reservation{
		ID:                            13,
		ListingMapID:                  40160,
		ListingName:                   "Sunny loft near Zilker Park",
		ChannelID:                     2001,
		Source:                        "homeawayApi",
		ChannelName:                   "airbnb",
		ReservationID:                 "10450-40160-thread313906227-9586017324",
		HostawayReservationID:         "13",
		ChannelReservationID:          "10450-40160-thread313906227-9586017324",
		AssigneeUserID:                1,
		IsProcessed:                   true,
		ReservationDate:               clock(2017, 6, 10, 10, 41, 10),
		GuestName:                     "Andrew Peterson",
		GuestFirstName:                "Andrew",
		GuestLastName:                 "Peterson",
		GuestExternalAccountID:        "84497323",
		GuestZipCode:                  "TX 78705",
		GuestAddress:                  "3411 Cedar St",
		GuestCity:                     "Austin",
		GuestCountry:                  "US",
		GuestEmail:                    "mail@test.com",
		GuestPicture:                  "https://a0.muscache.com/im/pictures/3c4d82ed-196d-493a-a43b-07fcc70d5ccd.jpg?aki_policy=profile_small",
		GuestRecommendations:          5,
		GuestTrips:                    10,
		GuestWork:                     "The company name",
		IsGuestIdentityVerified:       true,
		IsGuestVerifiedByEmail:        true,
		IsGuestVerifiedByWorkEmail:    true,
		IsGuestVerifiedByFacebook:     true,
		IsGuestVerifiedByGovernmentID: true,
		IsGuestVerifiedByPhone:        true,
		IsGuestVerifiedByReviews:      true,
		NumberOfGuests:                1,
		Adults:                        1,
		ArrivalDate:                   date(2017, 7, 15),
		DepartureDate:                 date(2017, 7, 16),
		Nights:                        1,
		Phone:                         "+75125551212",
		TotalPrice:                    "267",
		Currency:                      "USD",
		Status:                        StatusNew,
		DoorCode:                      "12345",
		DoorCodeVendor:                "vendor",
		DoorCodeInstruction:           "instruction",
		ConfirmationCode:              "HMP2KQ4B44",

		AirbnbExpectedPayoutAmount:            "111.12",
		AirbnbListingBasePrice:                "110",
		AirbnbListingCancellationHostFee:      "12.02",
		AirbnbListingCancellationPayout:       "122",
		AirbnbListingCleaningFee:              "1",
		AirbnbListingHostFee:                  "43",
		AirbnbListingSecurityPrice:            "12",
		AirbnbOccupancyTaxAmountPaidToHost:    "332",
		AirbnbTotalPaidAmount:                 "12",
		AirbnbTransientOccupancyTaxPaidAmount: "0",
		AirbnbCancellationPolicy:              "moderate",

		RentalAgreementFileURL: "https://a0.muscache.com/im/pictures/3c4d82ed-196d-493a-a43b-07fcc70d5ccd.pdf",
		ReservationAgreement:   "signed",
		RemainingBalance:       "4563.54",
		InsuranceStatus:        "insured",
		ClaimStatus:            "claim_started",
		InsurancePolicyID:      6,
		CancellationPolicyID:   9,
		CancellationPolicy:     "moderate",
		CancellationPolicyDetails: &CancellationPolicyDetails{
			Name:                "Moderate",
			ChannelID:           2001,
			ChannelSpecificCode: "moderate",
			LongTerm:            false,
			CancellationPolicyItem: []CancellationPolicyItem{{
				RefundAmount: "100",
				RefundType:   "percentage",
				RefundField:  "totalPrice",
				TimeDelta:    -1209600,
				Event:        "arrival",
			}},
		},
		HostProxyEmail: "c-123124124124@host.hostaway.info",
		BookingcomSpecialRequests: &BookingcomSpecialRequests{
			Remarks:        "Late check-in, please.",
			GeniusFreebies: []GeniusFreebie{{Code: "GF_8", Text: "Free WiFi"}},
		},
		BookingcomIsGeniusMember:   true,
		BookingcomBookerName:       "Marco Rossi",
		BookingcomBookerCompany:    "Acme Travel Agency",
		BookingcomNoShowReportedAt: clock(2026, 7, 3, 14, 22, 7),
		CustomFieldValues: []CustomFieldValue{
			{CustomFieldID: 167, Value: "Custom field value one"},
			{CustomFieldID: 243, Value: "Custom field value two"},
		},
		FinanceField: []FinanceField{
			{
				ID: 1, Units: 1, Type: "fee", Name: "checkinFee", Title: "Checkin fee", Value: "1000",
				IsIncludedInTotalPrice: true, IsOverriddenByUser: true, Total: "69",
			},
			{
				ID: 2, Units: 1, Type: "price", Name: "totalPriceFromChannel", Title: "Total price from channel", Value: "1000",
				IsIncludedInTotalPrice: true, IsOverriddenByUser: true, Total: "42",
			},
		},
		PaymentStatus:    "Unpaid",
		InsertedOn:       clock(2017, 6, 10, 10, 41, 12),
		UpdatedOn:        clock(2017, 6, 10, 10, 41, 12),
		LatestActivityOn: clock(2017, 6, 10, 10, 41, 12),
	}
}

func wantSampleMessage() *ConversationMessage {
	return &ConversationMessage{
		ID:                     326,
		AccountID:              10450,
		ListingMapID:           40160,
		ReservationID:          13,
		ChannelID:              2001,
		ConversationID:         1406,
		ChannelThreadMessageID: "9586017324-412",
		Body:                   "Hi! Is early check-in at 1pm possible?",
		CommunicationType:      "channel",
		Status:                 "sent",
		IsIncoming:             true,
		Hash:                   "299855b5f40bd4e65fd83e5382a571e2",
		ListingTimeZoneName:    "America/Chicago",
		MessageSource:          "airbnbOfficial",
		Date:                   clock(2018, 7, 16, 10, 12, 52),
		Attachments: []Attachment{{
			ID: 6, AccountID: 10450, ReservationID: 13, ConversationMessageID: 326,
			Name: "download.jpeg", URL: "https://www.image.com/img.jpeg", Extension: "jpeg",
			MimeType: "image/jpeg", IsPublic: true,
		}},
		InsertedOn: clock(2018, 7, 16, 10, 12, 52),
		UpdatedOn:  clock(2018, 7, 16, 10, 12, 52),
	}
}

func TestParse_reservationSampleDecodesEveryField(t *testing.T) {
	t.Parallel()
	w, err := Parse(sample(t, EventReservationCreated))
	require.NoError(t, err)
	require.NotNil(t, w.Reservation)
	got := *w.Reservation
	for _, f := range []*json.RawMessage{&got.BookingCancellationPolicy, &got.VrboCancellationPolicy, &got.MarriottCancellationPolicy} {
		assert.Equal(t, "null", string(*f))
		*f = nil
	}
	if diff := cmp.Diff(wantSampleReservation(), &got); diff != "" {
		t.Errorf("Reservation mismatch (-want +got):\n%s", diff)
	}
}

func TestParse_messageSampleDecodesEveryField(t *testing.T) {
	t.Parallel()
	w, err := Parse(sample(t, EventMessageReceived))
	require.NoError(t, err)
	require.NotNil(t, w.Message)
	got := *w.Message
	assert.Equal(t, "null", string(got.ImagesURLs))
	got.ImagesURLs = nil
	if diff := cmp.Diff(wantSampleMessage(), &got); diff != "" {
		t.Errorf("ConversationMessage mismatch (-want +got):\n%s", diff)
	}
}

// jsonNames returns the json names of the fields of struct type t.
func jsonNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// objectKeys returns the keys of the JSON object at path (a list of keys) in
// body, sorted.
func objectKeys(t *testing.T, body []byte, path ...string) []string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(body, &v))
	for _, p := range path {
		m, ok := v.(map[string]any)
		require.True(t, ok, "no object at %v", path)
		v = m[p]
	}
	var keys []string
	switch v := v.(type) {
	case map[string]any:
		keys = append(keys, slices.Collect(maps.Keys(v))...)
	case []any:
		for _, it := range v {
			if m, ok := it.(map[string]any); ok {
				keys = append(keys, slices.Collect(maps.Keys(m))...)
			}
		}
	default:
		t.Fatalf("no object or array at %v", path)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// TestPayloads_everySampleKeyHasAField proves that no documented key is left
// out of the types: every key of the samples' data objects, which hold the
// reference's full objects, is a field, and every field is in a sample.
func TestPayloads_everySampleKeyHasAField(t *testing.T) {
	t.Parallel()
	created := sample(t, EventReservationCreated)
	msg := sample(t, EventMessageReceived)
	// Fields the reference names but whose documented example lacks them.
	notInSamples := map[string][]string{
		"Reservation":         {"reservationFees", "reservationUnit"},
		"ConversationMessage": nil,
	}
	tests := []struct {
		name string
		typ  reflect.Type
		body []byte
		path []string
	}{
		{"Reservation", reflect.TypeFor[Reservation](), created, []string{"data"}},
		{"CancellationPolicyDetails", reflect.TypeFor[CancellationPolicyDetails](), created, []string{"data", "cancellationPolicyDetails"}},
		{"CancellationPolicyItem", reflect.TypeFor[CancellationPolicyItem](), created, []string{"data", "cancellationPolicyDetails", "cancellationPolicyItem"}},
		{"BookingcomSpecialRequests", reflect.TypeFor[BookingcomSpecialRequests](), created, []string{"data", "bookingcomSpecialRequests"}},
		{"GeniusFreebie", reflect.TypeFor[GeniusFreebie](), created, []string{"data", "bookingcomSpecialRequests", "geniusFreebies"}},
		{"CustomFieldValue", reflect.TypeFor[CustomFieldValue](), created, []string{"data", "customFieldValues"}},
		{"FinanceField", reflect.TypeFor[FinanceField](), created, []string{"data", "financeField"}},
		{"ConversationMessage", reflect.TypeFor[ConversationMessage](), msg, []string{"data"}},
		{"Attachment", reflect.TypeFor[Attachment](), msg, []string{"data", "attachments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keys := objectKeys(t, tt.body, tt.path...)
			fields := jsonNames(tt.typ)
			fields = slices.DeleteFunc(fields, func(f string) bool { return slices.Contains(notInSamples[tt.name], f) })
			assert.Equal(t, keys, fields)
		})
	}
}

func TestParse_looseTypes(t *testing.T) {
	t.Parallel()
	w, err := Parse(testutil.Fixture(t, "reservation.updated.loose.json"))
	require.NoError(t, err)
	r := w.Reservation
	require.NotNil(t, r)
	assert.Equal(t, "37874", w.AccountID, "accountId as a string")
	assert.Equal(t, lenient.Int(51000002), r.ID, "id as a string")
	assert.Equal(t, lenient.Int(2000), r.ChannelID)
	assert.Equal(t, lenient.String("1089253764"), r.ReservationID, "text field as a number")
	assert.Equal(t, lenient.String("78705"), r.GuestZipCode)
	assert.Equal(t, lenient.String("5125551212"), r.Phone)
	assert.Equal(t, lenient.String("4821"), r.DoorCode)
	assert.True(t, bool(r.IsProcessed), `"1"`)
	assert.True(t, bool(r.IsInitial), "true")
	assert.False(t, bool(r.IsManuallyChecked), `"0"`)
	assert.False(t, bool(r.HasPullError), "null")
	assert.True(t, bool(r.IsPaid), `"true"`)
	assert.True(t, bool(r.BookingcomIsGeniusMember))
	assert.True(t, r.PendingExpireDate.IsZero(), `""`)
	assert.True(t, r.PreviousArrivalDate.IsZero(), `""`)
	assert.Equal(t, lenient.Int(15), r.CheckInTime, `"15"`)
	assert.Equal(t, lenient.Int(11), r.CheckOutTime, "11.0")
	assert.Equal(t, lenient.Int(2), r.Adults)
	assert.Equal(t, lenient.Decimal("1234.50"), r.TotalPrice, "exact text of a string amount")
	assert.Equal(t, lenient.Decimal("120.00"), r.CleaningFee, "exact text of a number amount")
	assert.Equal(t, lenient.Decimal("0.00"), r.TaxAmount)
	assert.Equal(t, []CustomFieldValue{{CustomFieldID: 167, Value: "42"}}, r.CustomFieldValues)
	assert.Equal(t, []FinanceField{{ID: 3, Units: 2, Value: "50.5", Total: "101.00", IsIncludedInTotalPrice: true}}, r.FinanceField)
	assert.Nil(t, r.CancellationPolicyDetails)
	assert.Nil(t, r.BookingcomSpecialRequests)
	assert.Equal(t, clock(2025, 7, 2, 10, 15, 0), r.UpdatedOn)
	assert.True(t, r.UpdatedOn.Zoneless, "no zone invented")
}
