package ownerrez_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/verify"
)

// Example receives OwnerRez deliveries with the normalized router: a
// cancelled booking frees its dates, a revoked authorization disconnects
// the account.
func Example() {
	v, err := ownerrez.NewVerifier(verify.Credentials{User: "orez-hooks", Password: "app-webhook-password"})
	if err != nil {
		panic(err)
	}
	rc, err := ownerrez.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	mux := event.NewMux()
	mux.On(event.BookingCreated, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Printf("%s %s: %s %s to %s via %s\n", e.Type(), b.ID, b.Status, b.Arrival, b.Departure, b.Channel)
		return nil
	}))
	mux.On(event.AccessRevoked, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println("disconnect OwnerRez account", e.Account())
		return nil
	}))
	handler := event.NewHTTPHandler(rc, mux)

	for _, name := range []string{"booking.entity_create", "application_authorization_revoked"} {
		req, err := ownerreztest.NewSampleRequest(context.Background(), "http://127.0.0.1/hooks/ownerrez", name, nil, v)
		if err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// booking.created 16879744: blocked 2026-03-12 to 2026-03-16 via airbnb
	// 200
	// disconnect OwnerRez account 347482730
	// 200
}

// ExampleParse reads the typed envelope and entity of a delivery, without
// authentication.
func ExampleParse() {
	body, _ := ownerreztest.Sample("booking.entity_update")
	w, err := ownerrez.Parse(body)
	if err != nil {
		panic(err)
	}
	fmt.Println(w.Name(), w.ID, w.Categories)
	b := w.Booking
	fmt.Println(b.Status, b.Guest.Name(), b.TotalAmount, b.CurrencyCode)
	// Output:
	// booking.entity_update 47af00f8-44c9-42ba-ae66-0e4b4cc658eb [availability charge financial]
	// active Layla Haddad 830.00 SAR
}

// ExampleNewReceiver_keyRotation accepts both the old and the new webhook
// password while the OAuth app's settings change.
func ExampleNewReceiver_keyRotation() {
	v, err := ownerrez.NewVerifier(
		verify.Credentials{User: "orez-hooks", Password: "old-password"},
		verify.Credentials{User: "orez-hooks", Password: "new-password"},
	)
	if err != nil {
		panic(err)
	}
	rc, err := ownerrez.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	body, _ := ownerreztest.Sample("webhook_test")
	for _, password := range []string{"new-password", "guessed"} {
		req := httptest.NewRequest(http.MethodPost, "/hooks/ownerrez", nil)
		req.SetBasicAuth("orez-hooks", password)
		e, err := rc.Receive(req.Header, body)
		fmt.Println(e != nil && e.Type() == event.Ping, err != nil)
	}
	// Output:
	// true false
	// false true
}

// ExampleOAuthClient_AuthorizeURL builds the link that asks a user to
// connect their OwnerRez account.
func ExampleOAuthClient_AuthorizeURL() {
	oc, err := ownerrez.NewOAuthClient("c_app123", "s_secret", ownerrez.WithUserAgent("acme-sync/1.0"))
	if err != nil {
		panic(err)
	}
	fmt.Println(oc.AuthorizeURL("https://acme.example/oauth/ownerrez", "a1b2c3"))
	// Output:
	// https://app.ownerrez.com/oauth/authorize?client_id=c_app123&redirect_uri=https%3A%2F%2Facme.example%2Foauth%2Fownerrez&response_type=code&state=a1b2c3
}

// ExampleWebhooksService_All lists every subscription of a connection,
// here against a stand-in for the OwnerRez API.
func ExampleWebhooksService_All() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("offset") == "" {
			fmt.Fprint(w, `{"items":[{"id":1,"type":"booking","action":"entity_create","webhook_url":"https://acme.example/h"}],
				"next_page_url":"v2/webhooksubscriptions?offset=1"}`)
			return
		}
		fmt.Fprint(w, `{"items":[{"id":2,"type":"message","action":"entity_create","webhook_url":"https://acme.example/h"}],
			"next_page_url":null}`)
	}))
	defer api.Close()

	c, err := ownerrez.NewClient(ownerrez.AccessToken("at_token"), ownerrez.WithBaseURL(api.URL+"/v2"), ownerrez.WithUserAgent("acme-sync/1.0"))
	if err != nil {
		panic(err)
	}
	for sub, err := range c.Webhooks.All(context.Background(), nil) {
		if err != nil {
			panic(err)
		}
		fmt.Println(sub.ID, sub.Type, sub.Action)
	}
	// Output:
	// 1 booking entity_create
	// 2 message entity_create
}

// ExampleNewHydrator hydrates a thin OwnerRez delivery, {action,
// entity_type, entity_id} only, into the full booking, against the fake
// API of package ownerreztest.
func ExampleNewHydrator() {
	ctx := context.Background()
	api := ownerreztest.NewServer()
	defer api.Close()
	b := api.PutBooking(ownerrez.Booking{
		Status: ownerrez.BookingActive, PropertyID: lenient.Int{Value: 474841},
		Guest:   &ownerrez.GuestRef{FirstName: "Ada", LastName: "Lovelace"},
		Arrival: event.Date{Year: 2026, Month: 3, Day: 12}, Departure: event.Date{Year: 2026, Month: 3, Day: 16},
	})
	c, err := api.Client()
	if err != nil {
		panic(err)
	}

	// The handler gets the booking as it is now, whatever the delivery carried.
	h := event.Hydrate(event.HandlerFunc(func(_ context.Context, e event.Event) error {
		bk, _ := event.BookingOf(e)
		rec, _ := event.RecordOf(e)
		fmt.Printf("%s %s: %s, %s to %s, guest %s (fetched: %t)\n",
			e.Name(), bk.ID, bk.Status, bk.Arrival, bk.Departure, bk.Guest.Name, !rec.FetchedAt.IsZero())
		return nil
	}), ownerrez.NewHydrator(c))

	rc, err := ownerrez.NewReceiver(verify.Unverified())
	if err != nil {
		panic(err)
	}
	thin := fmt.Sprintf(`{"id":"d-1","user_id":%d,"action":"entity_update","entity_type":"booking","entity_id":%d}`,
		ownerreztest.UserID, b.ID.Int64())
	e, err := rc.Decode(nil, []byte(thin))
	if err != nil {
		panic(err)
	}
	if err := h.HandleEvent(ctx, e); err != nil {
		panic(err)
	}
	// Output:
	// booking.entity_update 1001: confirmed, 2026-03-12 to 2026-03-16, guest Ada Lovelace (fetched: true)
}

// ExampleNewSource polls the bookings changed since a time, as an inbox's
// reconciler does: page after page while More, keeping the checkpoint.
func ExampleNewSource() {
	srv := ownerreztest.NewServer()
	defer srv.Close()
	srv.PutBooking(ownerrez.Booking{ID: lenient.Int{Value: 16879744}, Status: ownerrez.BookingActive,
		CreatedUTC: lenient.Time{Time: time.Date(2026, 3, 8, 17, 54, 44, 0, time.UTC)},
		UpdatedUTC: lenient.Time{Time: time.Date(2026, 3, 8, 17, 56, 10, 0, time.UTC)}})
	srv.PutBooking(ownerrez.Booking{ID: lenient.Int{Value: 16879745}, Status: ownerrez.BookingCanceled,
		CreatedUTC: lenient.Time{Time: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		UpdatedUTC: lenient.Time{Time: time.Date(2026, 3, 8, 18, 0, 0, 0, time.UTC)}})
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	src, err := ownerrez.NewSource(c, ownerreztest.UserID)
	if err != nil {
		panic(err)
	}
	fmt.Println(src.Name())

	cursor := event.Cursor{Since: time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)}
	for {
		page, err := src.Changes(context.Background(), cursor)
		if err != nil {
			panic(err)
		}
		for _, ch := range page.Changes {
			e, err := src.Decode(ch.Header, ch.Body)
			if err != nil {
				panic(err)
			}
			fmt.Println(e.Type(), e.Subject().ID, event.VersionOf(e), event.OriginOf(e))
		}
		cursor.Checkpoint = page.Checkpoint
		if !page.More {
			break
		}
	}
	fmt.Println(cursor.Checkpoint)
	// Output:
	// ownerrez/bookings/347482730
	// booking.updated 16879744 2026-03-08T17:56:10Z poll
	// booking.cancelled 16879745 2026-03-08T18:00:00Z poll
	// v1;2026-03-08T18:00:00Z;16879745
}
