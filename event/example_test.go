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
