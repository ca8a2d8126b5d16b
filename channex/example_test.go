package channex_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
)

// propertyID is the property the fake API lets its test key use.
const propertyID = channextest.PropertyID

// Example is the whole setup: mount a receiver that checks a secret header,
// create the webhook that sends that header, and have Channex test it.
func Example() {
	ctx := context.Background()
	// A stand-in for Channex's API, so that the example runs offline; in
	// production the client's default base URL is channex.BaseURL.
	api := channextest.NewServer()
	defer api.Close()

	// 1. The receiver. Channex signs nothing, so the webhook carries a
	// secret header and the Verifier checks it.
	const secret = "8c1f0e5d9b7a4c2e8f6d1a3b5c7e9f0a"
	v, err := channex.NewVerifier(channex.SuggestedHeader, secret)
	if err != nil {
		panic(err)
	}
	rc, err := channex.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	mux := event.NewMux()
	mux.Default(event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println("received", e.Name(), e.Type())
		return nil
	}))
	// In production: http.Handle("POST /hooks/channex", event.NewHTTPHandler(rc, mux)).
	hooks := httptest.NewServer(event.NewHTTPHandler(rc, mux))
	defer hooks.Close()

	// 2. The webhook, created with that header through the client.
	client, err := api.Client() // channex.NewClient(channex.APIKey(key)) in production
	if err != nil {
		panic(err)
	}
	params := &channex.SubscriptionParams{
		PropertyID: propertyID,
		URL:        hooks.URL + "/hooks/channex",
		Events:     []string{"booking_new", "booking_modification", "booking_cancellation", "message"},
		Headers:    map[string]string{channex.SuggestedHeader: secret},
		Enabled:    true,
		SendData:   true,
	}
	sub, _, err := client.Webhooks.Create(ctx, params)
	if err != nil {
		panic(err)
	}
	fmt.Println("created", sub.ID, "active:", sub.Enabled)

	// 3. Channex calls the callback once and reports the answer.
	res, _, err := client.Webhooks.Test(ctx, params)
	if err != nil {
		panic(err)
	}
	fmt.Println("test answered", res.StatusCode)
	// Output:
	// created 00000000-0000-4000-8000-000000000001 active: true
	// received test unknown
	// test answered 200
}

// ExampleNewReceiver receives a booking_new delivery and reads its
// normalized booking.
func ExampleNewReceiver() {
	v, err := channex.NewVerifier(channex.SuggestedHeader, "s3cret")
	if err != nil {
		panic(err)
	}
	rc, err := channex.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	mux := event.NewMux()
	mux.On(event.BookingCreated, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println(e.Type(), e.Subject())
		fmt.Println(b.Status, b.Arrival, "to", b.Departure, b.Channel, b.Total)
		w := e.Data().(*channex.Webhook)
		fmt.Println("revision to pull:", w.Booking.Revision())
		return nil
	}))
	handler := event.NewHTTPHandler(rc, mux)

	req, err := channextest.NewSampleRequest(context.Background(), "https://pms.example.com/hooks/channex", channex.EventBookingNew, nil, v)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// booking.created booking/4e390174-75a9-4989-bd43-b96fac279e8e
	// confirmed 2023-05-17 to 2023-05-19 booking.com 1240000 VND
	// revision to pull: 0d5b5c8e-6a4e-4a4c-9f1e-6a3a3b8c2e11
	// 200
}

// ExampleWebhooksService_Create creates a global webhook, one that covers
// every property of the account.
func ExampleWebhooksService_Create() {
	api := channextest.NewServer()
	defer api.Close()
	client, err := api.Client() // channex.NewClient(channex.APIKey(key)) in production
	if err != nil {
		panic(err)
	}

	sub, _, err := client.Webhooks.Create(context.Background(), &channex.SubscriptionParams{
		Global:   true, // and PropertyID "": sent as property_id null
		URL:      "https://pms.example.com/hooks/channex",
		Events:   []string{"*"},
		Headers:  map[string]string{"X-Pmshooks-Token": "8c1f0e5d9b7a4c2e"},
		Enabled:  true,
		SendData: true,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sub.ID, sub.Global, sub.PropertyID == "", sub.Events)
	// Output:
	// 00000000-0000-4000-8000-000000000001 true true [*]
}

// ExampleFieldErrors reads the per-field messages of a 422.
func ExampleFieldErrors() {
	api := channextest.NewServer()
	defer api.Close()
	client, err := api.Client() // channex.NewClient(channex.APIKey(key)) in production
	if err != nil {
		panic(err)
	}

	_, _, err = client.Webhooks.Create(context.Background(), &channex.SubscriptionParams{PropertyID: propertyID, Events: []string{"*"}})
	fmt.Println(err)
	fmt.Println(channex.FieldErrors(err))
	// Output:
	// channex: create webhook: api: POST /api/v1/webhooks: 422 validation_error: Validation Error
	// map[callback_url:[can't be blank]]
}

// ExampleBookingRevisionsService_Feed drains the feed of unacknowledged
// revisions: store and acknowledge the first page, then ask again.
func ExampleBookingRevisionsService_Feed() {
	api := channextest.NewServer()
	defer api.Close()
	api.PutBooking(channex.BookingRevision{BookingID: "b-1", Status: channex.RevisionNew, Amount: lenient.Decimal{Value: "220.00"}, Currency: "GBP"})
	api.PutBooking(channex.BookingRevision{BookingID: "b-1", Status: channex.RevisionCancelled, Amount: lenient.Decimal{Value: "0.00"}, Currency: "GBP"})
	client, err := api.Client() // channex.NewClient(channex.APIKey(key)) in production
	if err != nil {
		panic(err)
	}

	ctx := context.Background()
	for {
		page, _, err := client.BookingRevisions.Feed(ctx, &channex.FeedOptions{PropertyID: propertyID})
		if err != nil {
			panic(err)
		}
		if len(page.Items) == 0 {
			break
		}
		for _, rev := range page.Items {
			b := rev.Booking() // store it, then acknowledge
			fmt.Println(b.ID, b.Status, b.Total)
			if _, err := client.BookingRevisions.Ack(ctx, string(rev.ID)); err != nil {
				panic(err)
			}
		}
	}
	// Output:
	// b-1 confirmed 220.00 GBP
	// b-1 cancelled 0.00 GBP
}

// ExampleNewHydrator turns deliveries without data (a webhook with
// send_data false) into the booking as Channex has it now. The fake API of
// channextest stands in for Channex: it stores the booking and delivers the
// webhook.
func ExampleNewHydrator() {
	ctx := context.Background()
	api := channextest.NewServer()
	defer api.Close()
	client, err := api.Client()
	if err != nil {
		panic(err)
	}

	const secret = "8c1f0e5d9b7a4c2e8f6d1a3b5c7e9f0a"
	v, err := channex.NewVerifier(channex.SuggestedHeader, secret)
	if err != nil {
		panic(err)
	}
	rc, err := channex.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	handler := event.Hydrate(event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println(e.Name(), "->", b.ID, b.Status, b.Guest.Name, b.Arrival, b.Departure, b.Total)
		return nil
	}), channex.NewHydrator(client))
	callback := httptest.NewServer(event.NewHTTPHandler(rc, handler))
	defer callback.Close()

	_, _, err = client.Webhooks.Create(ctx, &channex.SubscriptionParams{
		PropertyID: propertyID,
		URL:        callback.URL,
		Events:     []string{channex.EventBookingNew, channex.EventBookingCancellation},
		Headers:    map[string]string{channex.SuggestedHeader: secret},
		Enabled:    true,
		SendData:   true, // deliveries name their booking; the Hydrator fetches its current state
	})
	if err != nil {
		panic(err)
	}

	rev := channex.BookingRevision{
		Customer:      channex.Customer{Name: "Ada", Surname: "Lovelace"},
		ArrivalDate:   event.DateOf(time.Date(2030, 5, 1, 0, 0, 0, 0, time.UTC)),
		DepartureDate: event.DateOf(time.Date(2030, 5, 4, 0, 0, 0, 0, time.UTC)),
		Amount:        lenient.Decimal{Value: "330.00"},
		Currency:      "EUR",
	}
	b := api.PutBooking(rev)
	if _, err := api.Deliver(ctx, channex.EventBookingNew, string(b.ID)); err != nil {
		panic(err)
	}
	rev.BookingID, rev.Status = b.ID, channex.RevisionCancelled
	api.PutBooking(rev)
	if _, err := api.Deliver(ctx, channex.EventBookingCancellation, string(b.ID)); err != nil {
		panic(err)
	}
	// Output:
	// booking_new -> 00000000-0000-4000-8000-000000000002 confirmed Ada Lovelace 2030-05-01 2030-05-04 330.00 EUR
	// booking_cancellation -> 00000000-0000-4000-8000-000000000002 cancelled Ada Lovelace 2030-05-01 2030-05-04 330.00 EUR
}

// ExampleNewSource polls a property's booking revision feed as an inbox
// does (inbox.WithReconciler): store every change of a page, save the
// checkpoint, then acknowledge the page, so that Channex drops the
// revisions from the feed and never raises non_acked_booking for them.
func ExampleNewSource() {
	ctx := context.Background()
	api := channextest.NewServer()
	defer api.Close()
	client, err := api.Client() // channex.NewClient(channex.APIKey(key)) in production
	if err != nil {
		panic(err)
	}
	// Two revisions whose webhooks never came.
	api.PutBooking(channex.BookingRevision{BookingID: "b-1", Status: channex.RevisionNew, Amount: lenient.Decimal{Value: "220.00"}, Currency: "GBP"})
	api.PutBooking(channex.BookingRevision{BookingID: "b-1", Status: channex.RevisionCancelled, Amount: lenient.Decimal{Value: "0.00"}, Currency: "GBP"})

	src, err := channex.NewSource(client, propertyID)
	if err != nil {
		panic(err)
	}
	fmt.Println(src.Name())
	cursor := event.Cursor{}
	for {
		page, err := src.Changes(ctx, cursor)
		if err != nil {
			panic(err)
		}
		for _, c := range page.Changes {
			e, err := src.Decode(c.Header, c.Body) // what the inbox's workers do
			if err != nil {
				panic(err)
			}
			b, _ := event.BookingOf(e)
			fmt.Println(e.Type(), e.Subject(), event.OriginOf(e), b.Total)
		}
		cursor.Checkpoint = page.Checkpoint // stored with the changes
		if err := src.Ack(ctx, page); err != nil {
			panic(err)
		}
		if !page.More {
			break
		}
	}

	api.SetNow(func() time.Time { return time.Now().Add(channextest.NonAckedAfter) })
	overdue, err := api.CheckNonAcked(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("not acknowledged after 30 minutes:", len(overdue))
	// Output:
	// channex/booking_revisions/716305c4-561a-4561-a187-7f5b8aeb5920
	// booking.created booking/b-1 poll 220.00 GBP
	// booking.cancelled booking/b-1 poll 0.00 GBP
	// not acknowledged after 30 minutes: 0
}
