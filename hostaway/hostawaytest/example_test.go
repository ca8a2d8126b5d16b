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
		req, err := hostawaytest.NewRequest("https://example.com/hooks/hostaway", name, v)
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
