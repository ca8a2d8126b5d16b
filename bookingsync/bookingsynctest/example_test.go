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

	req, err := bookingsynctest.NewRequest("http://127.0.0.1/hooks/bookingsync", "client_created", v)
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
