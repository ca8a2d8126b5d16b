package hostawaytest_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/verify"
)

// Test a handler with the deliveries Hostaway would send, authenticated with
// the webhook's login and password.
func Example() {
	v, _ := hostaway.NewVerifier(verify.Credentials{User: "login", Password: "password"})
	r, _ := hostaway.NewReceiver(v)
	h := event.NewHTTPHandler(r, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println(e.Name(), "->", e.Type())
		return nil
	}))

	for _, name := range hostawaytest.Names() {
		req, err := hostawaytest.NewSampleRequest(context.Background(), "https://example.com/hooks/hostaway", name, nil, v)
		if err != nil {
			panic(err)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
	}
	// Output:
	// message.received -> message.received
	// reservation.created -> booking.created
	// reservation.updated -> booking.updated
	// test -> ping
}

// Example_cancellation tests a handler's cancellation path with one call per
// delivery. Each NewSampleRequest is a new delivery (a fresh Event.ID), so
// the handler's deduplication lets the same sample through twice; changes
// set the booking's fields.
func Example_cancellation() {
	v, _ := hostaway.NewVerifier(verify.Credentials{User: "login", Password: "password"})
	rc, _ := hostaway.NewReceiver(v)
	mux := event.NewMux()
	mux.On(event.BookingCancelled, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println(e.Name(), "->", e.Type(), b.ID, b.Status)
		return nil
	}))
	h := event.NewHTTPHandler(rc, mux)

	ctx := context.Background()
	for _, changes := range []map[string]any{nil, nil, {"data.id": 90001}} {
		req, err := hostawaytest.NewSampleRequest(ctx, "http://127.0.0.1/hooks/hostaway", hostawaytest.CancelledBooking, changes, v)
		if err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// reservation.updated -> booking.cancelled 48213377 cancelled
	// 200
	// reservation.updated -> booking.cancelled 48213377 cancelled
	// 200
	// reservation.updated -> booking.cancelled 90001 cancelled
	// 200
}
