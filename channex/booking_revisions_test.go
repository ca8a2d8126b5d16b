package channex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex/internal/fakechannex"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
)

// docRevision returns the attributes of the revision in Channex's
// bookings-collection pages.
func docRevision(t *testing.T) map[string]any {
	t.Helper()
	var attrs map[string]any
	require.NoError(t, json.Unmarshal(testutil.Fixture(t, "api/booking_revision.json"), &attrs))
	return attrs
}

func TestBookingRevisionsService_Get(t *testing.T) {
	t.Parallel()
	c, fake := setup(t)
	id := fake.AddRevision(docRevision(t))

	rev, resp, err := c.BookingRevisions.Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	want := BookingRevision{
		ID: "03dd7198-c5b7-493c-a889-74d0c2211de7", PropertyID: "716305c4-561a-4561-a187-7f5b8aeb5920",
		BookingID: "cfa33f3b-bd32-4b90-8ef9-bde2bfe986cd", UniqueID: "BDC-9996013801", SystemID: "12331233123",
		OTAReservationCode: "9996013801", OTAName: "Booking.com", Status: RevisionNew,
		Rooms: []BookingRoom{{
			Amount: lenient.Decimal{Value: "200.00"}, CheckinDate: date("2019-04-26"), CheckoutDate: date("2019-04-27"),
			RatePlanID: "445835fb-7956-42ac-9efc-3e6f331f0808", RoomTypeID: "994d1375-dbbd-4072-8724-b2ab32ce781b",
			OTAUniqueID: "49", Days: map[string]lenient.Decimal{"2019-04-26": lenient.Decimal{Value: "200.00"}},
			Occupancy: Occupancy{Adults: lenient.Int{Value: 2}},
		}},
		Services: []BookingService{{Type: "Breakfast", Name: "Breakfast", TotalPrice: lenient.Decimal{Value: "20.00"}, PricePerUnit: lenient.Decimal{Value: "10.00"},
			PriceMode: "Per person per night", Persons: lenient.Int{Value: 2}, Nights: lenient.Int{Value: 1}}},
		Customer: Customer{Zip: "2031 BE", Surname: "Channex", Phone: "1234567890", Name: "User", Mail: "user@channex.io",
			Language: "en", Country: "NL", City: "Haarlem", Address: "JW Lucasweg 35"},
		Occupancy:   Occupancy{Adults: lenient.Int{Value: 2}},
		ArrivalDate: date("2019-04-26"), DepartureDate: date("2019-04-27"), ArrivalHour: "10:00",
		Amount: lenient.Decimal{Value: "220.00"}, OTACommission: lenient.Decimal{Value: "10.00"}, Currency: "GBP",
		Notes:      "You have a booker that would like free parking. (based on availability)\nYou have a booker that would prefer a quiet room. (based on availability)",
		InsertedAt: lenient.Time{Time: time.Date(2019, 4, 23, 10, 3, 29, 335485000, time.UTC), Zoneless: true},
	}
	ignoreRaw := cmp.FilterPath(func(p cmp.Path) bool {
		switch p.Last().String() {
		case ".Raw", ".Guarantee", ".Company":
			return true
		}
		return false
	}, cmp.Ignore())
	if diff := cmp.Diff(want, *rev, cmpOpts, ignoreRaw); diff != "" {
		t.Errorf("revision mismatch (-want +got):\n%s", diff)
	}
	assert.JSONEq(t, `{"expiration_date":"10/2020","cvv":"***","cardholder_name":"Channex User","card_type":"visa","card_number":"411111******1111"}`, string(rev.Guarantee))
	assert.Contains(t, string(rev.Customer.Company), "Registration Number")
	assert.Contains(t, string(rev.Raw), `"ota_commission":"10.00"`)

	assert.Equal(t, event.Booking{
		ID: "cfa33f3b-bd32-4b90-8ef9-bde2bfe986cd", PropertyID: "716305c4-561a-4561-a187-7f5b8aeb5920",
		Status: event.StatusConfirmed, Arrival: date("2019-04-26"), Departure: date("2019-04-27"),
		Guest:  event.Guest{Name: "User Channex", Email: "user@channex.io", Phone: "1234567890"},
		Adults: 2, Channel: event.ChannelBookingCom, Total: event.Money{Amount: "220.00", Currency: "GBP"},
		UpdatedAt: time.Date(2019, 4, 23, 10, 3, 29, 335485000, time.UTC),
	}, rev.Booking())
}

func TestBookingRevision_Booking_status(t *testing.T) {
	t.Parallel()
	for status, want := range map[RevisionStatus]event.BookingStatus{
		RevisionNew: event.StatusConfirmed, RevisionModified: event.StatusConfirmed,
		RevisionCancelled: event.StatusCancelled, "Cancelled": event.StatusCancelled,
		"pending": event.StatusUnknown, "": event.StatusUnknown,
	} {
		r := BookingRevision{Status: status}
		assert.Equal(t, want, r.Booking().Status, string(status))
	}
}

func TestBookingRevision_UnmarshalJSON(t *testing.T) {
	t.Parallel()
	var r BookingRevision
	require.NoError(t, json.Unmarshal([]byte(`null`), &r))
	assert.Nil(t, r.Raw)

	require.NoError(t, json.Unmarshal([]byte(`{"id":7,"guarantee":null,"meta":null,"customer":{"company":null},"rooms":[{"meta":null,"guests":null}]}`), &r))
	assert.Equal(t, lenient.String("7"), r.ID)
	assert.Nil(t, r.Guarantee)
	assert.Nil(t, r.Meta)
	assert.Nil(t, r.Customer.Company)
	assert.Nil(t, r.Rooms[0].Meta)

	require.NoError(t, json.Unmarshal([]byte(`{"arrival_date":"26/04/2019"}`), &r))
	assert.Equal(t, event.Date{Unparsed: "26/04/2019"}, r.ArrivalDate, "kept, flagged, not rejected")
}

func TestBookingRevisionsService_Feed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, fake := setup(t)
	for i := range 5 {
		property := testProperty
		if i%2 == 1 {
			property = "other-property"
		}
		fake.AddRevision(map[string]any{"property_id": property, "booking_id": fmt.Sprint("b-", i), "status": "new"})
	}

	page, resp, err := c.BookingRevisions.Feed(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Len(t, page.Items, 5)
	assert.Equal(t, 5, page.Total)
	assert.Zero(t, page.NextPage)
	assert.Equal(t, lenient.String("b-0"), page.Items[0].BookingID, "oldest first")
	assert.NotEmpty(t, page.Items[0].ID)

	page, _, err = c.BookingRevisions.Feed(ctx, &FeedOptions{PropertyID: testProperty, ListOptions: ListOptions{PerPage: 2, Page: 2}})
	require.NoError(t, err)
	assert.Equal(t, 3, page.Total)
	assert.Zero(t, page.NextPage)
	require.Len(t, page.Items, 1)
	assert.Equal(t, lenient.String("b-4"), page.Items[0].BookingID)

	var all []string
	for rev, err := range c.BookingRevisions.All(ctx, &FeedOptions{ListOptions: ListOptions{PerPage: 2}}) {
		require.NoError(t, err)
		all = append(all, string(rev.BookingID))
	}
	assert.Equal(t, []string{"b-0", "b-1", "b-2", "b-3", "b-4"}, all, "All walks every page, oldest first")
}

func TestBookingRevisionsService_Feed_query(t *testing.T) {
	t.Parallel()
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.EqualValues(t, "/booking_revisions/feed", r.URL.Path)
		got = r.URL.Query()
		fmt.Fprint(w, `{"meta":{"total":0,"page":1,"limit":10},"data":[]}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(APIKey(testKey), WithBaseURL(srv.URL))
	require.NoError(t, err)
	tests := []struct {
		name string
		opts *FeedOptions
		want url.Values
	}{
		{"nil", nil, url.Values{"order[inserted_at]": {"asc"}}},
		{"filter and page", &FeedOptions{PropertyID: "p-1", ListOptions: ListOptions{Page: 3, PerPage: 50}},
			url.Values{"order[inserted_at]": {"asc"}, "filter[property_id]": {"p-1"}, "pagination[page]": {"3"}, "pagination[limit]": {"50"}}},
		{"per page capped at 100", &FeedOptions{ListOptions: ListOptions{PerPage: 500}},
			url.Values{"order[inserted_at]": {"asc"}, "pagination[limit]": {"100"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, _, err := c.BookingRevisions.Feed(context.Background(), tt.opts)
			require.NoError(t, err)
			assert.Empty(t, page.Items)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestBookingRevisionsService_drain drains the feed as Feed's documentation
// says: acknowledge the first page, ask for the first page again.
func TestBookingRevisionsService_drain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, fake := setup(t)
	var ids []string
	for i := range 23 {
		ids = append(ids, fake.AddRevision(map[string]any{"property_id": testProperty, "booking_id": fmt.Sprint("b-", i)}))
	}
	var stored []string
	for {
		page, _, err := c.BookingRevisions.Feed(ctx, &FeedOptions{ListOptions: ListOptions{PerPage: 10}})
		require.NoError(t, err)
		if len(page.Items) == 0 {
			break
		}
		for _, r := range page.Items {
			stored = append(stored, string(r.ID))
			_, err := c.BookingRevisions.Ack(ctx, string(r.ID))
			require.NoError(t, err)
		}
	}
	assert.Equal(t, ids, stored, "every revision once, in order")
	for _, id := range ids {
		assert.True(t, fake.Acked(id))
	}
	assert.Equal(t, 4, fake.Requests(http.MethodGet, "/booking_revisions/feed"))
}

func TestBookingRevisionsService_Ack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, fake := setup(t)
	id := fake.AddRevision(docRevision(t))
	resp, err := c.BookingRevisions.Ack(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, fake.Acked(id))
	assert.Empty(t, fake.LastBody(http.MethodPost, "/booking_revisions/"+id+"/ack"), "no body needed")

	page, _, err := c.BookingRevisions.Feed(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, page.Items, "acknowledged revisions leave the feed")

	_, resp, err = c.BookingRevisions.Get(ctx, "missing")
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.EqualValues(t, "not_found", apiErr.Code)
}

// TestBookingFlow runs the flow booking webhooks exist for, end to end over
// HTTP: Channex delivers booking_new to the receiver; the handler pulls the
// revision the payload names, stores it and acknowledges it.
func TestBookingFlow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, fake := setup(t)
	attrs := docRevision(t)
	revID := fake.AddRevision(attrs)

	v, err := NewVerifier(SuggestedHeader, "s3cret")
	require.NoError(t, err)
	rc, err := NewReceiver(v)
	require.NoError(t, err)
	stored := map[string]event.Booking{}
	mux := event.NewMux()
	pull := event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		w := e.Data().(*Webhook)
		if w.Booking == nil {
			return errors.New("webhook sends no data")
		}
		rev, _, err := c.BookingRevisions.Get(ctx, w.Booking.Revision())
		if err != nil {
			return err
		}
		stored[string(rev.ID)] = rev.Booking()
		_, err = c.BookingRevisions.Ack(ctx, string(rev.ID))
		return err
	})
	mux.On(event.BookingCreated, pull)
	mux.OnName(Provider, EventBooking, pull)
	hooks := httptest.NewServer(event.NewHTTPHandler(rc, mux))
	t.Cleanup(hooks.Close)

	_, _, err = c.Webhooks.Create(ctx, &SubscriptionParams{
		PropertyID: testProperty, URL: hooks.URL, Events: []string{EventBookingNew},
		Headers: map[string]string{SuggestedHeader: "s3cret"}, Enabled: true, SendData: true,
	})
	require.NoError(t, err)
	// A global webhook is skipped: the property has its own.
	_, _, err = c.Webhooks.Create(ctx, &SubscriptionParams{Global: true, URL: hooks.URL + "/global", Events: []string{"*"}, Enabled: true, SendData: true})
	require.NoError(t, err)

	codes, err := fake.Deliver(ctx, EventBookingNew, testProperty, map[string]any{
		"booking_id": attrs["booking_id"], "booking_revision_id": revID, "property_id": testProperty,
		"arrival_date": "2019-04-26", "count_of_nights": 1, "amount": "220.00", "currency": "GBP",
	})
	require.NoError(t, err)
	assert.Equal(t, []int{http.StatusOK}, codes)
	assert.True(t, fake.Acked(revID))
	require.Contains(t, stored, revID)
	assert.EqualValues(t, "User Channex", stored[revID].Guest.Name)

	// The mask selects booking_new only.
	codes, err = fake.Deliver(ctx, EventBooking, testProperty, map[string]any{"revision_id": revID})
	require.NoError(t, err)
	assert.Equal(t, []int{http.StatusUnauthorized}, codes, "only the global webhook matches, and it sends no secret header")
}

// TestFake checks the fake's own rules that the tests above rely on.
func TestFake(t *testing.T) {
	t.Parallel()
	fake := fakechannex.New(testKey)
	t.Cleanup(fake.Close)
	resp, err := http.Get(fake.URL() + "/webhooks")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the API key is required")

	req, err := http.NewRequest(http.MethodPost, fake.URL()+"/webhooks", nil)
	require.NoError(t, err)
	req.Header.Set("user-api-key", testKey)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	var body struct {
		Errors struct {
			Code    string
			Details []string
		}
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, []string{"webhook is required"}, body.Errors.Details, "array details")
}
