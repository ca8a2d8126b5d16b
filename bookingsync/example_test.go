package bookingsync_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/verify"
)

// Example serves BookingSync deliveries with a provider-agnostic handler.
func Example() {
	v, err := bookingsync.NewVerifier("client-secret")
	if err != nil {
		panic(err)
	}
	rcv, err := bookingsync.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	mux := event.NewMux()
	mux.On(event.BookingCreated, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Println(e.Type(), b.ID, b.Status, b.Arrival, b.Departure, b.Total)
		return nil
	}))
	h := event.NewHTTPHandler(rcv, mux)

	// A delivery as BookingSync sends it, signed with the same secret.
	body, _ := bookingsynctest.Sample("booking_created")
	req, err := bookingsynctest.NewRequest(context.Background(), "http://127.0.0.1/hooks/bookingsync", body, v)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)

	// The same delivery without its signature.
	req, _ = bookingsynctest.NewRequest(context.Background(), "http://127.0.0.1/hooks/bookingsync", body, nil)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// booking.created 80 confirmed 2025-07-12 2025-07-19 2700.0 USD
	// 200
	// 401
}

// ExampleNewVerifier signs a body as BookingSync does and verifies it, with
// the previous secret still accepted during a rotation.
func ExampleNewVerifier() {
	v, err := bookingsync.NewVerifier("new-client-secret", "old-client-secret")
	if err != nil {
		panic(err)
	}
	old, _ := bookingsync.NewVerifier("old-client-secret")

	body := []byte(`{"account_id":1,"event":"booking_created","resource":{"booking":{"id":1}}}`)
	h := http.Header{}
	old.Sign(h, body)
	fmt.Println(h.Get(bookingsync.SignatureHeader))
	fmt.Println(v.Verify(h, body))
	fmt.Println(v.Verify(h, append(body, ' ')))
	// Output:
	// a26ed06a4234776c8979fc8cec60c39ff25f75f1
	// <nil>
	// bookingsync: verify: invalid signature: header X-Content-Signature matches no configured secret
}

// ExampleParse reads BookingSync's own fields from a delivery by switching
// on the type of its record.
func ExampleParse() {
	body, _ := bookingsynctest.Sample("inbox_message_created")
	w, err := bookingsync.Parse(body)
	if err != nil {
		panic(err)
	}
	switch r := w.Resource.(type) {
	case *bookingsync.Booking:
		fmt.Println("booking", r.ID, r.Status)
	case *bookingsync.InboxMessage:
		fmt.Printf("message %s in conversation %s via %s: %q\n", r.ID, r.Links.ID("conversation"), r.Origin, r.Content)
	}
	// Output:
	// message 5 in conversation 11 via airbnb_message: "Hi! Could we check in a bit earlier, around 2 pm?"
}

// ExampleWithEventType routes the host's reviews of guests as reviews.
func ExampleWithEventType() {
	v, _ := bookingsync.NewVerifier("client-secret")
	rcv, err := bookingsync.NewReceiver(v,
		bookingsync.WithEventType("host_review_created", event.ReviewCreated),
		bookingsync.WithEventType("host_review_updated", event.ReviewUpdated),
	)
	if err != nil {
		panic(err)
	}
	body, _ := bookingsynctest.Sample("host_review_created")
	e, err := rcv.Decode(nil, body)
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Type(), e.Subject())
	// Output:
	// review.created host_review/04356dc9-1349-4e05-b818-09ccdac8d5dd
}

// ExampleNewHydrator turns a delivery that carries only a booking's id into
// the booking as BookingSync has it now, fetched from a fake API.
func ExampleNewHydrator() {
	srv := bookingsynctest.NewServer() // holds booking 80 of the samples
	defer srv.Close()
	client, err := srv.Client() // in production: bookingsync.NewClient(bookingsync.ClientCredentials(id, secret))
	if err != nil {
		panic(err)
	}

	rcv, _ := bookingsync.NewReceiver(verify.Unverified()) // in production: a Verifier
	thin, _ := rcv.Decode(nil, []byte(`{"account_id":1059638630,"event":"booking_updated","resource":{"booking":{"id":80}}}`))
	before, _ := event.BookingOf(thin)
	fmt.Println("delivered:", before.ID, before.Status)

	e, err := bookingsync.NewHydrator(client).Hydrate(context.Background(), thin)
	if err != nil {
		panic(err)
	}
	b, _ := event.BookingOf(e)
	fmt.Println("hydrated:", b.ID, b.Status, b.Arrival, b.Departure, b.Total.Amount, b.Total.Currency)
	// Output:
	// delivered: 80 unknown
	// hydrated: 80 confirmed 2025-07-12 2025-07-19 2700.0 USD
}

// ExampleNewSource polls the bookings of an account that changed since a
// time, as an inbox does to find the deliveries that never came: a
// booking changed on the fake API without a webhook is found, with the
// version its webhook would carry.
func ExampleNewSource() {
	srv := bookingsynctest.NewServer()
	defer srv.Close()
	srv.SetClock(func() time.Time { return time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC) })
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	srv.PutBooking(&bookingsync.Booking{
		Record: bookingsync.Record{
			ID:        "4711",
			CreatedAt: lenient.Time{Time: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
			UpdatedAt: lenient.Time{Time: time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)},
		},
		Status:  "Canceled",
		StartAt: lenient.Time{Time: time.Date(2026, 7, 1, 16, 0, 0, 0, time.UTC)},
		EndAt:   lenient.Time{Time: time.Date(2026, 7, 8, 10, 0, 0, 0, time.UTC)},
	})

	src, err := bookingsync.NewSource(c, bookingsynctest.AccountID)
	if err != nil {
		panic(err)
	}
	page, err := src.Changes(context.Background(), event.Cursor{Since: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	for _, ch := range page.Changes {
		e, err := src.Decode(ch.Header, ch.Body)
		if err != nil {
			panic(err)
		}
		fmt.Println(e.ID(), e.Type(), e.Subject().ID, event.VersionOf(e), event.OriginOf(e))
	}
	fmt.Println(src.Name(), page.Checkpoint, page.More)
	// Output:
	// poll:booking:4711:2026-03-02T10:30:00Z booking.cancelled 4711 2026-03-02T10:30:00Z poll
	// bookingsync/bookings/1059638630 v1;2026-03-02T11:59:59Z;; false
}
