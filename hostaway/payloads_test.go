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
	b, ok := sampleBody(name)
	require.True(t, ok, "no sample %q", name)
	return b
}

// wantSampleReservation is the data of the reservation.created sample, which
// is the reference's reservation object with every documented field.
func wantSampleReservation() *Reservation {
	return &Reservation{
		ID:                            lenient.Int{Value: 13},
		ListingMapID:                  lenient.Int{Value: 40160},
		ListingName:                   "Sunny loft near Zilker Park",
		ChannelID:                     lenient.Int{Value: 2001},
		Source:                        "homeawayApi",
		ChannelName:                   "airbnb",
		ReservationID:                 "10450-40160-thread313906227-9586017324",
		HostawayReservationID:         "13",
		ChannelReservationID:          "10450-40160-thread313906227-9586017324",
		AssigneeUserID:                lenient.Int{Value: 1},
		IsProcessed:                   lenient.Bool{Value: true},
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
		GuestRecommendations:          lenient.Int{Value: 5},
		GuestTrips:                    lenient.Int{Value: 10},
		GuestWork:                     "The company name",
		IsGuestIdentityVerified:       lenient.Bool{Value: true},
		IsGuestVerifiedByEmail:        lenient.Bool{Value: true},
		IsGuestVerifiedByWorkEmail:    lenient.Bool{Value: true},
		IsGuestVerifiedByFacebook:     lenient.Bool{Value: true},
		IsGuestVerifiedByGovernmentID: lenient.Bool{Value: true},
		IsGuestVerifiedByPhone:        lenient.Bool{Value: true},
		IsGuestVerifiedByReviews:      lenient.Bool{Value: true},
		NumberOfGuests:                lenient.Int{Value: 1},
		Adults:                        lenient.Int{Value: 1},
		ArrivalDate:                   date(2017, 7, 15),
		DepartureDate:                 date(2017, 7, 16),
		Nights:                        lenient.Int{Value: 1},
		Phone:                         "+75125551212",
		TotalPrice:                    lenient.Decimal{Value: "267"},
		Currency:                      "USD",
		Status:                        StatusNew,
		DoorCode:                      "12345",
		DoorCodeVendor:                "vendor",
		DoorCodeInstruction:           "instruction",
		ConfirmationCode:              "HMP2KQ4B44",

		AirbnbExpectedPayoutAmount:            lenient.Decimal{Value: "111.12"},
		AirbnbListingBasePrice:                lenient.Decimal{Value: "110"},
		AirbnbListingCancellationHostFee:      lenient.Decimal{Value: "12.02"},
		AirbnbListingCancellationPayout:       lenient.Decimal{Value: "122"},
		AirbnbListingCleaningFee:              lenient.Decimal{Value: "1"},
		AirbnbListingHostFee:                  lenient.Decimal{Value: "43"},
		AirbnbListingSecurityPrice:            lenient.Decimal{Value: "12"},
		AirbnbOccupancyTaxAmountPaidToHost:    lenient.Decimal{Value: "332"},
		AirbnbTotalPaidAmount:                 lenient.Decimal{Value: "12"},
		AirbnbTransientOccupancyTaxPaidAmount: lenient.Decimal{Value: "0"},
		AirbnbCancellationPolicy:              "moderate",

		RentalAgreementFileURL: "https://a0.muscache.com/im/pictures/3c4d82ed-196d-493a-a43b-07fcc70d5ccd.pdf",
		ReservationAgreement:   "signed",
		RemainingBalance:       lenient.Decimal{Value: "4563.54"},
		InsuranceStatus:        "insured",
		ClaimStatus:            "claim_started",
		InsurancePolicyID:      lenient.Int{Value: 6},
		CancellationPolicyID:   lenient.Int{Value: 9},
		CancellationPolicy:     "moderate",
		CancellationPolicyDetails: &CancellationPolicyDetails{
			Name:                "Moderate",
			ChannelID:           lenient.Int{Value: 2001},
			ChannelSpecificCode: "moderate",
			LongTerm:            lenient.Bool{Value: false},
			CancellationPolicyItem: []CancellationPolicyItem{{
				RefundAmount: lenient.Decimal{Value: "100"},
				RefundType:   "percentage",
				RefundField:  "totalPrice",
				TimeDelta:    lenient.Int{Value: -1209600},
				Event:        "arrival",
			}},
		},
		HostProxyEmail: "c-123124124124@host.hostaway.info",
		BookingcomSpecialRequests: &BookingcomSpecialRequests{
			Remarks:        "Late check-in, please.",
			GeniusFreebies: []GeniusFreebie{{Code: "GF_8", Text: "Free WiFi"}},
		},
		BookingcomIsGeniusMember:   lenient.Bool{Value: true},
		BookingcomBookerName:       "Marco Rossi",
		BookingcomBookerCompany:    "Acme Travel Agency",
		BookingcomNoShowReportedAt: clock(2026, 7, 3, 14, 22, 7),
		CustomFieldValues: []CustomFieldValue{
			{CustomFieldID: lenient.Int{Value: 167}, Value: "Custom field value one"},
			{CustomFieldID: lenient.Int{Value: 243}, Value: "Custom field value two"},
		},
		FinanceField: []FinanceField{
			{
				ID: lenient.Int{Value: 1}, Units: lenient.Int{Value: 1}, Type: "fee", Name: "checkinFee", Title: "Checkin fee", Value: lenient.Decimal{Value: "1000"},
				IsIncludedInTotalPrice: lenient.Bool{Value: true}, IsOverriddenByUser: lenient.Bool{Value: true}, Total: lenient.Decimal{Value: "69"},
			},
			{
				ID: lenient.Int{Value: 2}, Units: lenient.Int{Value: 1}, Type: "price", Name: "totalPriceFromChannel", Title: "Total price from channel", Value: lenient.Decimal{Value: "1000"},
				IsIncludedInTotalPrice: lenient.Bool{Value: true}, IsOverriddenByUser: lenient.Bool{Value: true}, Total: lenient.Decimal{Value: "42"},
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
		ID:                     lenient.Int{Value: 326},
		AccountID:              lenient.Int{Value: 10450},
		ListingMapID:           lenient.Int{Value: 40160},
		ReservationID:          lenient.Int{Value: 13},
		ChannelID:              lenient.Int{Value: 2001},
		ConversationID:         lenient.Int{Value: 1406},
		ChannelThreadMessageID: "9586017324-412",
		Body:                   "Hi! Is early check-in at 1pm possible?",
		CommunicationType:      "channel",
		Status:                 "sent",
		IsIncoming:             lenient.Bool{Value: true},
		Hash:                   "299855b5f40bd4e65fd83e5382a571e2",
		ListingTimeZoneName:    "America/Chicago",
		MessageSource:          "airbnbOfficial",
		Date:                   clock(2018, 7, 16, 10, 12, 52),
		Attachments: []Attachment{{
			ID: lenient.Int{Value: 6}, AccountID: lenient.Int{Value: 10450}, ReservationID: lenient.Int{Value: 13}, ConversationMessageID: lenient.Int{Value: 326},
			Name: "download.jpeg", URL: "https://www.image.com/img.jpeg", Extension: "jpeg",
			MimeType: "image/jpeg", IsPublic: lenient.Bool{Value: true},
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
	assert.Equal(t, lenient.Int{Value: 51000002}, r.ID, "id as a string")
	assert.Equal(t, lenient.Int{Value: 2000}, r.ChannelID)
	assert.Equal(t, lenient.String("1089253764"), r.ReservationID, "text field as a number")
	assert.Equal(t, lenient.String("78705"), r.GuestZipCode)
	assert.Equal(t, lenient.String("5125551212"), r.Phone)
	assert.Equal(t, lenient.String("4821"), r.DoorCode)
	assert.True(t, r.IsProcessed.Value, `"1"`)
	assert.True(t, r.IsInitial.Value, "true")
	assert.False(t, r.IsManuallyChecked.Value, `"0"`)
	assert.False(t, r.HasPullError.Value, "null")
	assert.True(t, r.IsPaid.Value, `"true"`)
	assert.True(t, r.BookingcomIsGeniusMember.Value)
	assert.True(t, r.PendingExpireDate.IsZero(), `""`)
	assert.True(t, r.PreviousArrivalDate.IsZero(), `""`)
	assert.Equal(t, lenient.Int{Value: 15}, r.CheckInTime, `"15"`)
	assert.Equal(t, lenient.Int{Value: 11}, r.CheckOutTime, "11.0")
	assert.Equal(t, lenient.Int{Value: 2}, r.Adults)
	assert.Equal(t, lenient.Decimal{Value: "1234.50"}, r.TotalPrice, "exact text of a string amount")
	assert.Equal(t, lenient.Decimal{Value: "120.00"}, r.CleaningFee, "exact text of a number amount")
	assert.Equal(t, lenient.Decimal{Value: "0.00"}, r.TaxAmount)
	assert.Equal(t, []CustomFieldValue{{CustomFieldID: lenient.Int{Value: 167}, Value: "42"}}, r.CustomFieldValues)
	assert.Equal(t, []FinanceField{{ID: lenient.Int{Value: 3}, Units: lenient.Int{Value: 2}, Value: lenient.Decimal{Value: "50.5"}, Total: lenient.Decimal{Value: "101.00"}, IsIncludedInTotalPrice: lenient.Bool{Value: true}}}, r.FinanceField)
	assert.Nil(t, r.CancellationPolicyDetails)
	assert.Nil(t, r.BookingcomSpecialRequests)
	assert.Equal(t, clock(2025, 7, 2, 10, 15, 0), r.UpdatedOn)
	assert.True(t, r.UpdatedOn.Zoneless, "no zone invented")
}
