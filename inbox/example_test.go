package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/inbox"
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
	dir, err := os.MkdirTemp("", "inbox-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	db, dialect, err := inbox.OpenDB(filepath.Join(dir, "inbox.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	ib, err := inbox.New(db, dialect, inbox.WithHeaderFilter(inbox.AllowHeaders("X-Request-Id")))
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := ib.Migrate(ctx); err != nil {
		panic(err)
	}

	// Receive: the provider sends the delivery twice; it is stored once.
	h := ib.HTTPHandler(exampleReceiver())
	for range 2 {
		r := httptest.NewRequest(http.MethodPost, "/hooks/demo", strings.NewReader("B-42"))
		r.Header.Set("X-Token", "s3cret")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println("answered", w.Code)
	}

	// Process: the workers hand the stored delivery to the handler.
	mux := event.NewMux()
	mux.On(event.BookingCancelled, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println("release the dates of booking", b.ID)
		cancel() // stop the example once it is handled
		return nil
	}))
	if err := ib.Run(ctx, mux); err != nil {
		panic(err)
	}

	s, err := ib.Stats(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Printf("done %d, pending %d, dead %d\n", s.Done, s.Pending, s.Dead)
	// Output:
	// answered 200
	// answered 200
	// release the dates of booking B-42
	// done 1, pending 0, dead 0
}

func ExampleAllowHeaders() {
	keep := inbox.AllowHeaders("X-Event-Hint")
	for _, h := range []string{"Content-Type", "X-Event-Hint", "X-Channex-Webhook-Secret"} {
		fmt.Println(h, keep(h))
	}
	// Output:
	// Content-Type true
	// X-Event-Hint true
	// X-Channex-Webhook-Secret false
}
