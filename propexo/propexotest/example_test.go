package propexotest_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

// Example posts the DATA_NEW sample, signed, to a receiver.
func Example() {
	v, err := propexo.NewVerifier("example-webhook-secret")
	if err != nil {
		panic(err)
	}
	r, err := propexo.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	h := event.NewHTTPHandler(r, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println(e.Name(), e.Type(), e.Subject())
		return nil
	}))

	fmt.Println(propexotest.Names())
	req, err := propexotest.NewSampleRequest(context.Background(), "http://example.test/hooks/propexo", "DATA_NEW", nil, v)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// [DATA_NEW DATA_UPDATE FIRST_SYNC_COMPLETE JOB_FAILURE JOB_SUCCESS SYNC_COMPLETE WRITE_OPERATION_FAILURE]
	// DATA_NEW record.created event/cm2kq8a4b000608l4hx2m3n9p
	// 200
}

// Example_derive tests a handler with one call per delivery. Each
// NewSampleRequest is a new delivery (a fresh Event.ID), so the handler's
// deduplication lets the same sample through twice; changes set the
// record's fields. Propexo has no bookings, hence no cancellation sample.
func Example_derive() {
	v, _ := propexo.NewVerifier("example-webhook-secret")
	rc, _ := propexo.NewReceiver(v)
	h := event.NewHTTPHandler(rc, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println(e.Name(), "->", e.Type(), e.Subject().ID)
		return nil
	}))

	ctx := context.Background()
	for _, changes := range []map[string]any{nil, nil, {"data.record_id": "lease-90001"}} {
		req, err := propexotest.NewSampleRequest(ctx, "http://127.0.0.1/hooks/propexo", "DATA_UPDATE", changes, v)
		if err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// DATA_UPDATE -> record.updated clx9m2v4t000508jq1b7c3d8e
	// 200
	// DATA_UPDATE -> record.updated clx9m2v4t000508jq1b7c3d8e
	// 200
	// DATA_UPDATE -> record.updated lease-90001
	// 200
}

// ExampleNewServer subscribes a receiver to the fake API, stores a lease,
// and has the fake deliver a signed DATA_NEW about it, which the receiver
// hydrates from the fake.
func ExampleNewServer() {
	ctx := context.Background()
	s := propexotest.NewServer()
	defer s.Close()
	c, err := s.Client()
	if err != nil {
		panic(err)
	}

	const secret = "whsec-example-secret"
	v, _ := propexo.NewVerifier(secret)
	r, _ := propexo.NewReceiver(v)
	handler := event.HandlerFunc(func(_ context.Context, e event.Event) error {
		rec, _ := event.RecordOf(e)
		var lease struct {
			StatusRaw string `json:"status_raw"`
		}
		if err := rec.Data.(*propexo.Record).Decode(&lease); err != nil {
			return err
		}
		fmt.Println(e.Name(), e.Subject(), lease.StatusRaw)
		return nil
	})
	hooks := httptest.NewServer(event.NewHTTPHandler(r, event.Hydrate(handler, propexo.NewHydrator(c))))
	defer hooks.Close()

	if _, _, err := c.Webhooks.Create(ctx, &propexo.SubscriptionParams{
		URL: hooks.URL, Secret: secret, Enabled: true,
		Events: []propexo.Trigger{propexo.TriggerDataNew}, Model: propexo.ModelLeases,
	}); err != nil {
		panic(err)
	}
	if err := s.PutRecord(propexo.ModelLeases, "lease-1", map[string]any{"status_raw": "Current"}); err != nil {
		panic(err)
	}
	n, err := s.Deliver(ctx, propexo.TriggerDataNew, propexo.ModelLeases, "lease-1")
	fmt.Println(n, err)
	// Output:
	// DATA_NEW lease/lease-1 Current
	// 1 <nil>
}
