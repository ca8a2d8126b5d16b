package ownerreztest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/verify"
)

// Example sends a signed sample through the handler a service mounts, as a
// test of that service would.
func Example() {
	v, err := ownerrez.NewVerifier(verify.Credentials{User: "hooks", Password: "s3cret"})
	if err != nil {
		panic(err)
	}
	rc, err := ownerrez.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	handler := event.NewHTTPHandler(rc, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println(e.Type(), b.ID, b.Status, b.Total)
		return nil
	}))

	req, err := ownerreztest.NewSampleRequest(context.Background(), "http://127.0.0.1/hooks/ownerrez", "booking.entity_update", nil, v)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// booking.updated 16879744 confirmed 830.00 SAR
	// 200
}

// ExampleNames lists the connection-level samples.
func ExampleNames() {
	for _, name := range ownerreztest.Names() {
		if _, ok := ownerreztest.Sample(name); ok && !strings.Contains(name, ".") {
			fmt.Println(name)
		}
	}
	// Output:
	// application_authorization_revoked
	// webhook_test
}

// Example_cancellation tests a handler's cancellation path with one call per
// delivery. Each NewSampleRequest is a new delivery (a fresh Event.ID), so
// the handler's deduplication lets the same sample through twice; changes
// set the booking's fields.
func Example_cancellation() {
	v, _ := ownerrez.NewVerifier(verify.Credentials{User: "hooks", Password: "s3cret"})
	rc, _ := ownerrez.NewReceiver(v)
	mux := event.NewMux()
	mux.On(event.BookingCancelled, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println(e.Name(), "->", e.Type(), b.ID, b.Status)
		return nil
	}))
	h := event.NewHTTPHandler(rc, mux)

	ctx := context.Background()
	for _, changes := range []map[string]any{nil, nil, {"entity.id": 90001, "entity_id": 90001}} {
		req, err := ownerreztest.NewSampleRequest(ctx, "http://127.0.0.1/hooks/ownerrez", ownerreztest.CancelledBooking, changes, v)
		if err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// booking.entity_update -> booking.cancelled 16879744 cancelled
	// 200
	// booking.entity_update -> booking.cancelled 16879744 cancelled
	// 200
	// booking.entity_update -> booking.cancelled 90001 cancelled
	// 200
}
