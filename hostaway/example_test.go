package hostaway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/verify"
)

// Receive Hostaway's unified webhook: set a login and password on the webhook
// (Hostaway sends them as Basic auth), route the normalized events, and
// answer with the status codes Hostaway's retries expect.
func Example() {
	v, err := hostaway.NewVerifier(verify.Credentials{User: "pmshooks", Password: "long-random-password"})
	if err != nil {
		panic(err)
	}
	r, err := hostaway.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	mux := event.NewMux()
	mux.On(event.BookingCreated, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		fmt.Printf("booking %s on listing %s from %s: %s to %s, %s, %s\n",
			b.ID, b.PropertyID, b.Channel, b.Arrival, b.Departure, b.Guest.Name, b.Total)
		return nil
	}))
	mux.On(event.MessageReceived, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		m, _ := event.MessageOf(e)
		fmt.Printf("message from the guest: %t, %q\n", m.Incoming, m.Body)
		return nil
	}))
	h := event.NewHTTPHandler(r, mux)

	for _, name := range []string{"reservation.created", "message.received", "test"} {
		req, err := hostawaytest.NewSampleRequest(context.Background(), "https://example.com/hooks/hostaway", name, nil, v)
		if err != nil {
			panic(err)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		fmt.Println(name, w.Code)
	}
	// Output:
	// booking 13 on listing 40160 from airbnb: 2017-07-15 to 2017-07-16, Andrew Peterson, 267 USD
	// reservation.created 200
	// message from the guest: true, "Hi! Is early check-in at 1pm possible?"
	// message.received 200
	// test 200
}

// Hostaway has no cancellation event: a cancelled reservation arrives as
// reservation.updated, which the Receiver normalizes to booking.cancelled.
func ExampleReceiver_Receive() {
	v, _ := hostaway.NewVerifier(verify.Credentials{User: "pmshooks", Password: "long-random-password"})
	r, _ := hostaway.NewReceiver(v)

	body := []byte(`{"object":"reservation","event":"reservation.updated","accountId":59808,
		"data":{"id":43970841,"listingMapId":218666,"status":"cancelled","totalPrice":"2310.00","currency":"USD"}}`)
	h := http.Header{}
	v.Sign(h, body) // what Hostaway sends
	e, err := r.Receive(h, body)
	if err != nil {
		panic(err)
	}
	b, _ := event.BookingOf(e)
	fmt.Println(e.Name(), "->", e.Type(), e.Subject(), b.Status, b.Total)

	_, err = r.Receive(http.Header{}, body)
	fmt.Println(errors.Is(err, verify.ErrUnauthorized))
	// Output:
	// reservation.updated -> booking.cancelled booking/43970841 cancelled 2310.00 USD
	// true
}

func ExampleParse() {
	body, _ := hostawaytest.Sample("reservation.updated")
	w, err := hostaway.Parse(body)
	if err != nil {
		panic(err)
	}
	r := w.Reservation
	fmt.Println(w.Event, w.AccountID, r.ID, r.Status, r.ChannelName)
	fmt.Println("moved from", r.PreviousArrivalDate, "to", r.ArrivalDate)
	fmt.Println("total", r.TotalPrice, r.Currency)
	fmt.Println("updated", r.UpdatedOn.Format("2006-01-02 15:04:05"), "zoneless:", r.UpdatedOn.Zoneless)
	// Output:
	// reservation.updated 10450 48213377 modified bookingcom
	// moved from 2025-10-09 to 2025-10-10
	// total 1240.50 EUR
	// updated 2025-09-20 07:31:44 zoneless: true
}

// Change the webhook's password without losing deliveries: accept both pairs
// while Hostaway switches over, then drop the old one.
func ExampleNewVerifier_passwordRotation() {
	v, err := hostaway.NewVerifier(
		verify.Credentials{User: "pmshooks", Password: "new-password"},
		verify.Credentials{User: "pmshooks", Password: "old-password"},
	)
	if err != nil {
		panic(err)
	}
	old, _ := hostaway.NewVerifier(verify.Credentials{User: "pmshooks", Password: "old-password"})
	h := http.Header{}
	old.Sign(h, nil)
	fmt.Println(v.Verify(h, nil))

	_, err = hostaway.NewVerifier()
	fmt.Println(errors.Is(err, verify.ErrNoSecret))
	// Output:
	// <nil>
	// true
}

// A receiver that serves one Hostaway account refuses deliveries of others.
func ExampleWithAccounts() {
	v, _ := hostaway.NewVerifier(verify.Credentials{User: "pmshooks", Password: "long-random-password"})
	r, _ := hostaway.NewReceiver(v, hostaway.WithAccounts("10450"))

	for _, body := range []string{
		`{"object":"reservation","event":"reservation.created","accountId":10450,"data":{"id":1,"status":"new"}}`,
		`{"object":"reservation","event":"reservation.created","accountId":99999,"data":{"id":1,"status":"new"}}`,
	} {
		h := http.Header{}
		v.Sign(h, []byte(body))
		_, err := r.Receive(h, []byte(body))
		fmt.Println(strings.Contains(body, "10450"), errors.Is(err, hostaway.ErrForeignAccount))
	}
	// Output:
	// true false
	// false true
}

// Register the endpoint with Hostaway: a unified webhook whose login and
// password are the pair the Verifier checks. The client fetches the OAuth
// token itself (here from a stand-in for api.hostaway.com).
func ExampleNewClient() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /v1/accessTokens":
			fmt.Fprint(w, `{"token_type":"Bearer","expires_in":63072000,"access_token":"eyJ0eXAiOiJKV1Qi"}`)
		case "POST /v1/webhooks/unifiedWebhooks":
			fmt.Fprint(w, `{"status":"success","result":{"id":2,"isEnabled":1,"url":"https://example.com/hooks/hostaway","login":"pmshooks","password":"****","alertingEmailAddress":null}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"status":"fail","result":"Not found"}`)
		}
	}))
	defer srv.Close()

	c, err := hostaway.NewClient(hostaway.ClientCredentials("10450", "client-secret"), hostaway.WithBaseURL(srv.URL+"/v1"))
	if err != nil {
		panic(err)
	}
	creds := verify.Credentials{User: "pmshooks", Password: "long-random-password"}
	hook, _, err := c.Webhooks.Create(context.Background(), &hostaway.SubscriptionParams{
		Enabled:  true,
		URL:      "https://example.com/hooks/hostaway",
		Login:    creds.User,
		Password: creds.Password,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(hook.ID, hook.Enabled, hook.URL)

	_, _, err = c.Webhooks.Get(context.Background(), 3)
	var apiErr *hostaway.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message)
	}
	// Output:
	// 2 true https://example.com/hooks/hostaway
	// 404 Not found
}

// Reuse the token of an earlier run, as Hostaway asks: start with the saved
// token, and save Client.Token again before the run ends, since the client
// replaces a token that expired or that Hostaway refused.
func ExampleWithToken() {
	tokenRequests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /v1/accessTokens":
			tokenRequests++
			fmt.Fprint(w, `{"token_type":"Bearer","expires_in":63072000,"access_token":"eyJ0eXAiOiJKV1Qi"}`)
		default:
			fmt.Fprint(w, `{"status":"success","result":[]}`)
		}
	}))
	defer srv.Close()

	// Read from where the last run stored it: a file, a secret store...
	saved := hostaway.Token{AccessToken: "eyJhbGciOiJSUzI1NiJ9", Expiry: time.Now().AddDate(1, 6, 0)}

	c, err := hostaway.NewClient(hostaway.ClientCredentials("10450", "client-secret"), hostaway.WithBaseURL(srv.URL+"/v1"), hostaway.WithToken(saved))
	if err != nil {
		panic(err)
	}
	if _, _, err := c.Webhooks.List(context.Background(), nil); err != nil {
		panic(err)
	}

	tok, err := c.Token(context.Background())
	if err != nil {
		panic(err)
	}
	unchanged := tok.AccessToken == saved.AccessToken && tok.Expiry.Equal(saved.Expiry)
	fmt.Println("unchanged:", unchanged, "token requests:", tokenRequests)
	fmt.Printf("%v\n", hostaway.Token{AccessToken: tok.AccessToken})
	// Output:
	// unchanged: true token requests: 0
	// hostaway.Token{AccessToken: redacted}
}

// See what Hostaway got back from the endpoint for each delivery.
func ExampleWebhookLogsService_All() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status":"success","result":[
			{"id":1,"event":"reservation.created","object":"reservation","objectId":13,"responseStatus":200,"responseBody":""},
			{"id":2,"event":"message.received","object":"conversationMessage","objectId":326,"responseStatus":401,"responseBody":""}
		],"limit":100,"offset":0,"count":2}`)
	}))
	defer srv.Close()

	c, err := hostaway.NewClient(hostaway.AccessToken("eyJ0eXAiOiJKV1Qi"), hostaway.WithBaseURL(srv.URL+"/v1"))
	if err != nil {
		panic(err)
	}
	for l, err := range c.WebhookLogs.All(context.Background(), &hostaway.WebhookLogListOptions{UnifiedWebhookID: 2}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(l.Event, l.Object, l.ObjectID, "->", l.ResponseStatus)
	}
	// Output:
	// reservation.created reservation 13 -> 200
	// message.received conversationMessage 326 -> 401
}

// Hydrate a thin delivery: the Hydrator fetches the reservation as it is now
// (GET /v1/reservations/{id}), here from the fake API of hostawaytest, so
// the handler sees the full, current booking while the delivery stays as
// received.
func ExampleNewHydrator() {
	srv := hostawaytest.NewServer()
	defer srv.Close()
	id := srv.PutReservation(map[string]any{
		"id": 4711, "guestName": "Ada Lovelace", "status": "cancelled",
		"arrivalDate": "2026-08-01", "departureDate": "2026-08-05",
	})
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}

	v, _ := hostaway.NewVerifier(verify.Credentials{User: "pmshooks", Password: "long-random-password"})
	r, _ := hostaway.NewReceiver(v)
	thin := fmt.Sprintf(`{"object":"reservation","event":"reservation.updated","accountId":10450,"data":{"id":%d}}`, id)
	e, err := r.Decode(nil, []byte(thin))
	if err != nil {
		panic(err)
	}

	h := event.Hydrate(event.HandlerFunc(func(_ context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		_, fetched := event.RecordOf(e)
		fmt.Println(e.Type(), b.ID, b.Status, b.Guest.Name, b.Arrival, b.Nights(), "nights, fetched:", fetched)
		return nil
	}), hostaway.NewHydrator(c))
	if err := h.HandleEvent(context.Background(), e); err != nil {
		panic(err)
	}
	// Output:
	// booking.updated 4711 cancelled Ada Lovelace 2026-08-01 4 nights, fetched: true
}

// ExampleNewSource polls the reservations of an account changed since a
// time, as an inbox's reconciler does, and decodes each change into the
// event a delivery of the same reservation state gives.
func ExampleNewSource() {
	srv := hostawaytest.NewServer() // a fake Hostaway API
	defer srv.Close()
	c, _ := srv.Client()
	// Changes made without any webhook.
	id := srv.PutReservation(map[string]any{"status": "new", "insertedOn": "2026-03-01 09:00:00", "updatedOn": "2026-03-01 09:00:00"})
	srv.PutReservation(map[string]any{"status": "modified", "insertedOn": "2026-02-01 09:00:00", "updatedOn": "2026-03-01 10:00:00"})
	srv.PutReservation(map[string]any{"id": id, "status": "cancelled", "updatedOn": "2026-03-02 08:30:00"})

	src, err := hostaway.NewSource(c, hostawaytest.AccountID)
	if err != nil {
		panic(err)
	}
	cursor := event.Cursor{Since: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
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
		cursor.Checkpoint = page.Checkpoint // store it with the changes
		if !page.More {
			break
		}
	}
	fmt.Println(src.Name())
	// Output:
	// booking.updated 1001 2026-03-01T10:00:00Z poll
	// booking.cancelled 1000 2026-03-02T08:30:00Z poll
	// hostaway/reservations/10450
}
