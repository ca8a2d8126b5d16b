package channextest_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/event"
)

// Example sends a sample through the handler a service mounts, with the
// secret header set, as a test of that service would.
func Example() {
	v, err := channex.NewVerifier(channex.SuggestedHeader, "s3cret")
	if err != nil {
		panic(err)
	}
	rc, err := channex.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	handler := event.NewHTTPHandler(rc, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println(e.Type(), b.ID, b.Status, b.Arrival, b.Departure, b.Total)
		return nil
	}))

	req, err := channextest.NewSampleRequest(context.Background(), "http://127.0.0.1/hooks/channex", "booking_new", nil, v)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// booking.created 4e390174-75a9-4989-bd43-b96fac279e8e confirmed 2023-05-17 2023-05-19 1240000 VND
	// 200
}

// ExampleNames lists the booking events that have a sample.
func ExampleNames() {
	for _, name := range channextest.Names() {
		if len(name) > 8 && name[:8] == "booking_" {
			fmt.Println(name)
		}
	}
	// Output:
	// booking_cancellation
	// booking_modification
	// booking_new
	// booking_unmapped_rate
	// booking_unmapped_room
}

// Example_cancellation tests a handler's cancellation path with one call per
// delivery. Each NewSampleRequest is a new delivery (a fresh Event.ID), so
// the handler's deduplication lets the same sample through twice; changes
// set the booking's fields.
func Example_cancellation() {
	v, _ := channex.NewVerifier(channex.SuggestedHeader, "s3cret")
	rc, _ := channex.NewReceiver(v)
	mux := event.NewMux()
	mux.On(event.BookingCancelled, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println(e.Name(), "->", e.Type(), b.ID, b.Status)
		return nil
	}))
	h := event.NewHTTPHandler(rc, mux)

	ctx := context.Background()
	for _, changes := range []map[string]any{nil, nil, {"payload.booking_id": "b-90001"}} {
		req, err := channextest.NewSampleRequest(ctx, "http://127.0.0.1/hooks/channex", channextest.CancelledBooking, changes, v)
		if err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// booking_cancellation -> booking.cancelled 4e390174-75a9-4989-bd43-b96fac279e8e cancelled
	// 200
	// booking_cancellation -> booking.cancelled 4e390174-75a9-4989-bd43-b96fac279e8e cancelled
	// 200
	// booking_cancellation -> booking.cancelled b-90001 cancelled
	// 200
}
