package event_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/verify"
)

// exampleReceiver stands in for a provider package's Receiver: it checks a
// shared token and reads the booking id from the body.
func exampleReceiver() event.Receiver {
	v, err := verify.NewToken("X-Token", "s3cret")
	if err != nil {
		panic(err)
	}
	return &eventtest.Receiver{
		Name:     "demo",
		Verifier: v,
		DecodeFunc: func(body []byte) (event.Event, error) {
			id := strings.TrimSpace(string(body))
			return eventtest.New(event.Fields{
				Provider: "demo", Name: "booking_cancelled", Type: event.BookingCancelled, ID: "d-" + id, Raw: body,
				Booking: &event.Booking{ID: id, Status: event.StatusCancelled},
			}), nil
		},
	}
}

func Example() {
	mux := event.NewMux()
	mux.On(event.BookingCancelled, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println("release the dates of booking", b.ID)
		return nil
	}))
	h := event.NewHTTPHandler(exampleReceiver(), mux)

	for range 2 { // the provider retries: the handler runs once
		r := httptest.NewRequest(http.MethodPost, "/hooks/demo", strings.NewReader("B-42"))
		r.Header.Set("X-Token", "s3cret")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// release the dates of booking B-42
	// 200
	// 200
}

func ExampleMux_On() {
	mux := event.NewMux()
	mux.On(event.BookingCreated, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println("new booking from", e.Provider())
		return nil
	}))
	mux.Default(event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println("ignored", e.Name())
		return nil
	}))
	_ = mux.HandleEvent(context.Background(), eventtest.New(event.Fields{Provider: "hostaway", Type: event.BookingCreated}))
	_ = mux.HandleEvent(context.Background(), eventtest.New(event.Fields{Provider: "hostaway", Name: "listing.updated"}))
	// Output:
	// new booking from hostaway
	// ignored listing.updated
}

// A registration that no delivery can match is a typo, and panics at
// start-up rather than losing events in production.
func ExampleMux_OnName() {
	mux := event.NewMux()
	mux.OnName("hostaway", "reservation.created", event.HandlerFunc(func(context.Context, event.Event) error {
		return nil
	}))
	defer func() { fmt.Println(recover()) }()
	mux.OnName("hostway", "reservation.updated", event.HandlerFunc(func(context.Context, event.Event) error {
		return nil
	}))
	// Output:
	// event: unknown provider "hostway" (did you mean "hostaway"?); for a provider of your own, declare its event names with event.WithEventNames
}

// Types and names that no built-in provider package knows are declared on
// the Mux: here those of a Receiver of your own for a sixth system, and a
// name Hostaway might start sending.
func ExampleNewMux() {
	const invoicePaid event.Type = "invoice.paid"
	mux := event.NewMux(
		event.WithTypes(invoicePaid),
		event.WithEventNames("acme", "stay.booked", "invoice.settled"),
		event.WithEventNames("hostaway", "reservation.cancelled"),
	)
	mux.OnFunc(invoicePaid, func(_ context.Context, e event.Event) error {
		fmt.Println("paid:", e.Provider(), e.Name())
		return nil
	})
	mux.OnName("acme", "stay.booked", event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println("booked:", e.Provider(), e.Name())
		return nil
	}))
	mux.OnName("hostaway", "reservation.cancelled", event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println("cancelled:", e.Provider(), e.Name())
		return nil
	}))

	ctx := context.Background()
	_ = mux.HandleEvent(ctx, eventtest.New(event.Fields{Provider: "acme", Name: "stay.booked", Type: event.BookingCreated}))
	_ = mux.HandleEvent(ctx, eventtest.New(event.Fields{Provider: "acme", Name: "invoice.settled", Type: invoicePaid}))
	_ = mux.HandleEvent(ctx, eventtest.New(event.Fields{Provider: "hostaway", Name: "reservation.cancelled", Type: event.BookingCancelled}))
	// Output:
	// booked: acme stay.booked
	// paid: acme invoice.settled
	// cancelled: hostaway reservation.cancelled
}

func ExampleMiddleware() {
	hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, _ := event.FromContext(r.Context())
		fmt.Println(e.Type(), e.Subject())
	})
	mux := http.NewServeMux()
	mux.Handle("POST /hooks/demo", event.Middleware(exampleReceiver())(hook))

	r := httptest.NewRequest(http.MethodPost, "/hooks/demo", strings.NewReader("B-7"))
	r.Header.Set("X-Token", "s3cret")
	mux.ServeHTTP(httptest.NewRecorder(), r)
	// Output: booking.cancelled booking/B-7
}

func ExampleParseDate() {
	d, err := event.ParseDate("2026-12-30")
	if err != nil {
		panic(err)
	}
	end, _ := event.ParseDate("2027-01-03")
	fmt.Println(d, d.DaysUntil(end), "nights")
	// Output: 2026-12-30 4 nights
}
