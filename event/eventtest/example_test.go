package eventtest_test

import (
	"context"
	"fmt"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
)

// Test a provider-agnostic handler with an event of any provider, without
// a provider package or a signed request.
func Example() {
	rec := &eventtest.Recorder{}
	mux := event.NewMux()
	mux.On(event.BookingCancelled, rec)

	e := eventtest.New(event.Fields{
		Provider: "hostaway",
		Type:     event.BookingCancelled,
		Booking:  &event.Booking{ID: "B-7", Status: event.StatusCancelled},
	})
	_ = mux.HandleEvent(context.Background(), e)
	_ = mux.HandleEvent(context.Background(), eventtest.New(event.Fields{Type: event.Ping}))

	fmt.Println(rec.Len(), rec.Events()[0].Subject())
	// Output: 1 booking/B-7
}
