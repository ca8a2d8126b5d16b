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

	req, err := channextest.NewRequest("http://127.0.0.1/hooks/channex", "booking_new", v)
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
