package bookingsynctest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/event"
)

// Example posts a signed sample delivery to a handler under test.
func Example() {
	v, _ := bookingsync.NewVerifier("client-secret")
	rcv, _ := bookingsync.NewReceiver(v)
	handler := event.NewHTTPHandler(rcv, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println("handled", e.Name(), e.Type(), e.Subject())
		return nil
	}))

	req, err := bookingsynctest.NewSampleRequest(context.Background(), "http://127.0.0.1/hooks/bookingsync", "client_created", nil, v)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code, http.StatusText(rec.Code))
	fmt.Println(len(bookingsynctest.Names()), "samples")
	// Output:
	// handled client_created guest.created guest/995923932
	// 200 OK
	// 64 samples
}

// Example_cancellation tests a handler's cancellation path with one call per
// delivery. Each NewSampleRequest is a new delivery (a fresh Event.ID), so
// the handler's deduplication lets the same sample through twice; changes
// set the booking's fields.
func Example_cancellation() {
	v, _ := bookingsync.NewVerifier("client-secret")
	rc, _ := bookingsync.NewReceiver(v)
	mux := event.NewMux()
	mux.On(event.BookingCancelled, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println(e.Name(), "->", e.Type(), b.ID, b.Status)
		return nil
	}))
	h := event.NewHTTPHandler(rc, mux)

	ctx := context.Background()
	for _, changes := range []map[string]any{nil, nil, {"resource.booking.id": 90001}} {
		req, err := bookingsynctest.NewSampleRequest(ctx, "http://127.0.0.1/hooks/bookingsync", bookingsynctest.CancelledBooking, changes, v)
		if err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// booking_updated -> booking.cancelled 80 cancelled
	// 200
	// booking_updated -> booking.cancelled 80 cancelled
	// 200
	// booking_updated -> booking.cancelled 90001 cancelled
	// 200
}
