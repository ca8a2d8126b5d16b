package channex

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
)

func ptr[T any](v T) *T { return &v }

func date(s string) event.Date {
	d, err := event.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// cmpOpts compares lenient.Time by instant and zonelessness, and ignores
// the raw copies.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b lenient.Time) bool {
		return a.Equal(b.Time) && a.Zoneless == b.Zoneless && a.Unparsed == b.Unparsed
	}),
	cmpopts.IgnoreFields(BookingRevision{}, "Raw"),
	cmpopts.EquateEmpty(),
}

func parseSample(t *testing.T, name string) *Webhook {
	t.Helper()
	w, err := Parse(sample(t, name))
	require.NoError(t, err)
	return w
}

func parseFixture(t *testing.T, file string) *Webhook {
	t.Helper()
	w, err := Parse(testutil.Fixture(t, file))
	require.NoError(t, err)
	return w
}

func TestARIChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		w    *Webhook
		want []ARIChange
	}{
		{
			name: "doc sample",
			w:    parseSample(t, EventARI),
			want: []ARIChange{{
				Date: date("2021-12-02"), RatePlanID: "04c607e4-644d-45ea-ab1a-da920ee36e50",
				RoomTypeID:   "27e24739-239c-4619-9c30-0dc390f5d7ac",
				Availability: ptr(lenient.Int{Value: 5}), Booked: ptr(lenient.Int{Value: 7}), StopSell: ptr(lenient.Bool{Value: false}),
			}},
		},
		{
			name: "legacy rate in minor units",
			w:    parseFixture(t, "ari--rate.json"),
			want: []ARIChange{
				{Date: date("2020-12-19"), Rate: ptr(lenient.Decimal{Value: "11100"}), RatePlanID: "14073af6-c13b-4ad9-90c4-6478fc243eda", RoomTypeID: "98509ae6-8586-4fc1-85f9-ec5221120def"},
				{Date: date("2020-12-19"), Rate: ptr(lenient.Decimal{Value: "12100"}), RatePlanID: "7f2c0154-c096-4871-94da-86da34d6ae4b", RoomTypeID: "98509ae6-8586-4fc1-85f9-ec5221120def"},
			},
		},
		{
			name: "restrictions as strings",
			w:    parseFixture(t, "ari--restrictions.json"),
			want: []ARIChange{{
				Date: date("2025-02-01"), RoomTypeID: "5a7c9e1b-3d5f-4b7d-9f1b-6e8a0c2e4a68", RatePlanID: "7c9e1b3d-5f7b-4d9f-b1d3-8a0c2e4a6c80",
				StopSellManual: ptr(lenient.Bool{Value: true}), StopSell: ptr(lenient.Bool{Value: true}),
				MinStayArrival: ptr(lenient.Int{Value: 2}), MaxStay: ptr(lenient.Int{Value: 14}),
				ClosedToArrival: ptr(lenient.Bool{Value: false}), ClosedToDeparture: ptr(lenient.Bool{Value: false}),
				Availability: ptr(lenient.Int{Value: 3}), Rate: ptr(lenient.Decimal{Value: "149.00"}),
			}},
		},
		{
			name: "a single record object, null rate plan",
			w:    parseFixture(t, "ari--object.json"),
			want: []ARIChange{{Date: date("2021-12-02"), Availability: ptr(lenient.Int{Value: 0}), RoomTypeID: "27e24739-239c-4619-9c30-0dc390f5d7ac"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.w.ARI, cmpOpts); diff != "" {
				t.Errorf("ARI mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParse_ariEmptyArray(t *testing.T) {
	t.Parallel()
	w, err := Parse([]byte(`{"event":"ari","payload":[]}`))
	require.NoError(t, err)
	assert.NotNil(t, w.ARI)
	assert.Empty(t, w.ARI)
}

func TestBookingPayload(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		w        *Webhook
		want     BookingPayload
		revision string
	}{
		{
			name: "generic booking names the revision",
			w:    parseSample(t, EventBooking),
			want: BookingPayload{
				BookingID: "e10de9d1-3e2c-431c-b88c-ffca9ed5db5d", PropertyID: "90958ec0-9713-1196-873e-4add0d834670",
				RevisionID: "80b3b60c-5e24-35c5-ad1b-da67cd704093",
			},
			revision: "80b3b60c-5e24-35c5-ad1b-da67cd704093",
		},
		{
			name: "live feed form",
			w:    parseSample(t, EventBookingNew),
			want: BookingPayload{
				Amount: lenient.Decimal{Value: "1240000"}, ArrivalDate: date("2023-05-17"), BookingID: "4e390174-75a9-4989-bd43-b96fac279e8e",
				BookingRevisionID: "0d5b5c8e-6a4e-4a4c-9f1e-6a3a3b8c2e11", BookingUniqueID: "BDC-3611227021",
				ChannelID: "4f152895-b5c3-4c27-bc02-a99dc0f01072", CountOfNights: lenient.Int{Value: 2}, CountOfRooms: lenient.Int{Value: 1}, Currency: "VND",
				CustomerName: "Test Test", LiveFeedEventID: "cbadb500-151b-45a6-a44b-9b685e8bd802", OTACode: "3611227021",
				PropertyID: "6f6c2ab4-2d1e-4a4a-9e0b-6b7d0f1f3c21",
			},
			revision: "0d5b5c8e-6a4e-4a4c-9f1e-6a3a3b8c2e11",
		},
		{
			name:     "unmapped room",
			w:        parseSample(t, EventBookingUnmappedRoom),
			want:     BookingPayload{BookingID: "4995a8d5-552b-4d6c-acc5-cc8ca45bd32a", BookingRevisionID: "8a5c7299-611e-4b57-a703-7e146b538750"},
			revision: "8a5c7299-611e-4b57-a703-7e146b538750",
		},
		{
			name: "booking_new with revision_id, numbers as strings and the reverse",
			w:    parseFixture(t, "booking_new--revision-id.json"),
			want: BookingPayload{
				BookingID: "2b8f5d1e-7c3a-4e9b-a6d2-0f4c8e1b3a57", RevisionID: "0e2c4a6e-8c0a-4e2c-a6e8-1f3b5d7f9b42",
				Amount: lenient.Decimal{Value: "312.5"}, Currency: "usd", CountOfNights: lenient.Int{Value: 3}, CountOfRooms: lenient.Int{Value: 1}, ArrivalDate: date("2024-04-10"),
				BookingUniqueID: "ABB-HM3X9QK2", CustomerName: " Ann Lee ",
			},
			revision: "0e2c4a6e-8c0a-4e2c-a6e8-1f3b5d7f9b42",
		},
		{
			name: "field extras",
			w:    parseFixture(t, "booking_modification--extended.json"),
			want: BookingPayload{
				Amount: lenient.Decimal{Value: "455.00"}, ArrivalDate: date("2025-06-01"), DepartureDate: date("2025-06-05"),
				BookingID: "5f1d3b7e-9a2c-4e8f-b0d4-6c8a2e4f1b93", BookingRevisionID: "7a9c1e3b-5d7f-4b9d-8f1b-3e5a7c9e1d08",
				BookingUniqueID: "EXP-1695093244", ChannelID: "0c2e4a6c-8e0a-4c2e-a4c6-9b1d3f5b7d21",
				CountOfNights: lenient.Int{Value: 4}, CountOfRooms: lenient.Int{Value: 1}, Currency: "GBP", CustomerName: "Sam Carter",
				CustomerEmail: "sam.carter@example.com", CustomerPhone: "447700900123", OTAName: "Expedia",
				OTACode: "1695093244", Status: RevisionModified, Notes: "Late arrival",
				LiveFeedEventID: "4b6d8f0b-2d4f-4b6d-8f0b-5c7e9a1c3e65", PropertyID: "1a3c5e7a-9c1e-4a3c-8e5a-0b2d4f6b8d13",
			},
			revision: "7a9c1e3b-5d7f-4b9d-8f1b-3e5a7c9e1d08",
		},
		{
			name:     "both ids: booking_revision_id wins",
			w:        mustParse(t, `{"event":"booking","payload":{"revision_id":"r-old","booking_revision_id":"r-new"}}`),
			want:     BookingPayload{RevisionID: "r-old", BookingRevisionID: "r-new"},
			revision: "r-new",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotNil(t, tt.w.Booking)
			if diff := cmp.Diff(tt.want, *tt.w.Booking, cmpOpts); diff != "" {
				t.Errorf("BookingPayload mismatch (-want +got):\n%s", diff)
			}
			assert.Equal(t, tt.revision, tt.w.Booking.Revision())
		})
	}
}

func mustParse(t *testing.T, body string) *Webhook {
	t.Helper()
	w, err := Parse([]byte(body))
	require.NoError(t, err)
	return w
}

func TestMessagePayload(t *testing.T) {
	t.Parallel()
	w := parseSample(t, EventMessage)
	want := MessagePayload{
		ID: "e10b1d2d-ac82-46f3-810f-a18514eca3e1", Message: "Thanks a lot.", Sender: "guest",
		PropertyID: "680585d7-af7f-4880-8e91-25fca1508b55", BookingID: "c680428a-573a-4969-bcd8-c92d16cff54a",
		MessageThreadID: "bb737f04-c418-4c35-b821-4cf1a58ce626", LiveFeedEventID: "fb3365e5-3460-4a57-6747-828bf871fcf3",
		OTAMessageID: "0d8aadb0-a2e8-11f0-be32-995226a481d7", Meta: json.RawMessage("null"),
	}
	if diff := cmp.Diff(want, *w.Message, cmpOpts, cmpopts.IgnoreFields(MessagePayload{}, "Meta")); diff != "" {
		t.Errorf("MessagePayload mismatch (-want +got):\n%s", diff)
	}
	assert.True(t, w.Message.FromGuest())

	p := parseFixture(t, "message--property.json").Message
	assert.False(t, p.FromGuest())
	assert.Equal(t, []lenient.String{"messages/attachments/a1.jpg", "42"}, p.Attachments)
	assert.True(t, p.HaveAttachment.Value)
	assert.Empty(t, p.BookingID)
	assert.JSONEq(t, `{"source":"api"}`, string(p.Meta))

	assert.False(t, parseFixture(t, "message--old.json").Message.FromGuest(), "no sender: not known to be the guest")
	assert.True(t, (&MessagePayload{Sender: " Guest "}).FromGuest())
}

func TestReservationRequestPayload(t *testing.T) {
	t.Parallel()
	p := parseSample(t, EventReservationRequest).ReservationRequest
	require.NotNil(t, p.BMS)
	assert.False(t, p.Resolved.Value)
	assert.Equal(t, lenient.String("4d53d79c-4412-47a4-9381-2e0000b7d02d"), p.MessageThreadID)
	b := p.BMS
	assert.Equal(t, lenient.String("7d3e9b1c-5a2f-4e6d-8c0b-1f4a6e8d2c55"), b.BookingID)
	assert.EqualValues(t, "AirBNB", b.OTAName)
	assert.Equal(t, lenient.Decimal{Value: "640.00"}, b.Amount)
	assert.EqualValues(t, "Maria Keller", b.Customer.FullName())
	assert.Equal(t, lenient.Int{Value: 2}, b.Occupancy.Adults)
	require.Len(t, b.Rooms, 1)
	assert.Equal(t, []lenient.Int{lenient.Int{Value: 7}}, b.Rooms[0].Occupancy.Ages)
	assert.Equal(t, lenient.Decimal{Value: "160.00"}, b.Rooms[0].Days["2026-09-16"])
	assert.JSONEq(t, `{"listing_id":"53241775"}`, string(b.Meta))
	assert.Nil(t, b.Guarantee, "null guarantee")
	assert.True(t, b.InsertedAt.Zoneless)
	assert.Contains(t, string(b.Raw), `"raw_message"`, "Raw keeps what the struct does not model")

	for _, name := range []string{EventAlterationRequest, EventAcceptedReservation, EventDeclinedReservation} {
		w := parseSample(t, name)
		require.NotNil(t, w.ReservationRequest.BMS, name)
	}
}

func TestInquiryPayload(t *testing.T) {
	t.Parallel()
	p := parseSample(t, EventInquiry).Inquiry
	want := InquiryPayload{
		Status: "active", PropertyID: "528175ae-0078-418b-b7f6-7bff7e24b0ae",
		MessageThreadID: "4d53d79c-4412-47a4-9381-2e0000b7d02d", LiveFeedEventID: "5e5adf3a-f368-4f5b-be26-e9196b36d1d0",
		BookingDetails: &InquiryDetails{
			Currency: "EUR", PropertyID: "528175ae-0078-418b-b7f6-7bff7e24b0ae", ListingID: "LISTING_ID",
			RoomTypeID: "d49a2cb3-736c-4a0b-a001-9a166909bf26", Nights: lenient.Int{Value: 6},
			CheckoutDate: date("2026-09-02"), CheckinDate: date("2026-08-27"),
			NumberOfAdults: lenient.Int{Value: 2}, GuestName: "Guest Name", NumberOfGuests: lenient.Int{Value: 2}, PayoutAmount: lenient.Decimal{Value: "559.21"},
			ListingName: "Listing Name", NonResponseAt: lenient.Time{Time: time.Date(2026, 8, 4, 13, 23, 11, 385e6, time.UTC)},
		},
	}
	if diff := cmp.Diff(want, *p, cmpOpts); diff != "" {
		t.Errorf("InquiryPayload mismatch (-want +got):\n%s", diff)
	}
}

func TestReviewPayload(t *testing.T) {
	t.Parallel()
	p := parseSample(t, EventReview).Review
	assert.Equal(t, lenient.String("8b5e56bf-515c-4981-8c2a-8d19f6073c23"), p.ID)
	assert.Equal(t, lenient.Decimal{Value: "10.0"}, p.OverallScore)
	require.Len(t, p.Scores, 6)
	assert.Equal(t, ReviewScore{Category: "comfort", Score: lenient.Decimal{Value: "7.5"}}, p.Scores[3])
	assert.Len(t, p.OTAScores, 6)
	assert.Empty(t, p.Content)
	assert.Empty(t, p.Reply)
	assert.Nil(t, p.RawContent)
	assert.True(t, p.ReceivedAt.Zoneless)
	assert.Equal(t, time.Date(2024, 8, 5, 7, 35, 21, 0, time.UTC), p.ReceivedAt.In(time.UTC))
	assert.True(t, p.OTAInsertedAt.IsZero())

	u := parseSample(t, EventUpdatedReview).Review
	assert.True(t, u.IsReplied.Value)
	assert.NotEmpty(t, u.Reply)
	assert.NotEmpty(t, u.Content)
}

func TestSmallPayloads(t *testing.T) {
	t.Parallel()
	sync := parseSample(t, EventSyncError).SyncError
	assert.Equal(t, SyncErrorPayload{
		Channel: "Agoda", ChannelEventID: "e7883431-3df6-412f-8c07-0d5e1d983e0f", ChannelID: "d691462b-45d1-4655-9076-072210f2ceca",
		ChannelName: "Agoda", ErrorType: "general_error", PropertyName: "Hotel Name",
	}, *sync)

	ch := parseSample(t, EventActivateChannel).Channel
	assert.Equal(t, ChannelPayload{ChannelID: "99f25e27-3152-41bc-884c-be13f98e7bbc", Title: "Test Channel", OTAName: "Klook"}, *ch)

	cw := parseSample(t, EventChannelRemovalWarning).ChannelRemovalWarning
	assert.Equal(t, ChannelRemovalWarningPayload{
		LiveFeedEventID: "f3391b47-4a90-4b3e-a057-3a2b0e5bfa19", PropertyID: "716305c4-561a-4561-a187-7f5b8aeb5920",
		ChannelID: "b2637a9c-2b8f-4b65-a05c-51830c21c0b4", ChannelName: "My Booking.com Channel", Channel: "BookingCom",
		DaysLeft: lenient.Int{Value: 7}, RemovalDate: date("2026-08-12"),
	}, *cw)

	pw := parseSample(t, EventPropertyRemovalWarning).PropertyRemovalWarning
	assert.Equal(t, PropertyRemovalWarningPayload{
		LiveFeedEventID: "9d1f9262-3260-4f96-9b58-1a4e0e6e3c5d", PropertyID: "716305c4-561a-4561-a187-7f5b8aeb5920",
		PropertyName: "Demo Hotel", DaysLeft: lenient.Int{Value: 30}, RemovalDate: date("2026-09-04"),
	}, *pw)

	ta := parseSample(t, EventMessageThreadBookingAssigned).ThreadBookingAssigned
	assert.Equal(t, ThreadBookingAssignedPayload{
		BookingID: "9d1f9262-3260-4f96-9b58-1a4e0e6e3c5d", MessageThreadID: "716305c4-561a-4561-a187-7f5b8aeb5920",
	}, *ta)
}
