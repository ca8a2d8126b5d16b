package propexo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

// Example receives Propexo deliveries over HTTP and routes lease updates.
func Example() {
	v, err := propexo.NewVerifier("webhook-secret-from-propexo")
	if err != nil {
		panic(err)
	}
	r, err := propexo.NewReceiver(v)
	if err != nil {
		panic(err)
	}
	mux := event.NewMux()
	mux.On(event.RecordUpdated, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		w := e.Data().(*propexo.Webhook)
		changed, err := w.DataUpdate.Diff.Changed()
		if err != nil {
			return err
		}
		fmt.Println(e.Subject(), "changed", changed, "in integration", e.Account())
		return nil
	}))
	mux.On(event.SyncCompleted, event.HandlerFunc(func(_ context.Context, e event.Event) error {
		fmt.Println(e.Name(), "for", e.Subject())
		return nil
	}))
	// The receiver's DedupeWindow keeps the default deduper's memory a little
	// longer than Propexo's retries, and not as long as a sync interval.
	h := event.NewHTTPHandler(r, mux)

	for _, name := range []string{"DATA_UPDATE", "SYNC_COMPLETE", "DATA_UPDATE"} {
		body, _ := propexotest.Sample(name) // the canonical body: the second DATA_UPDATE is a retry
		req, err := propexotest.NewRequest(context.Background(), "http://example.test/hooks/propexo", body, v)
		if err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// lease/clx9m2v4t000508jq1b7c3d8e changed [last_seen status] in integration cly301lrc000009jvbp6vaz7i
	// 200
	// SYNC_COMPLETE for integration/cly301lrc000009jvbp6vaz7i
	// 200
	// 200
}

// ExampleParse reads both shapes Propexo documents.
func ExampleParse() {
	enveloped := []byte(`{"trigger":"JOB_FAILURE","data":{"event":"JOB_FAILURE","integration_id":"INTEGRATION_ID_002","job_id":"JOB_ID_002","job_type":"READ_RESIDENT_TRANSACTIONS","root_job_id":"ROOT_JOB_ID_002","vendor":"RESMAN"}}`)
	flat := []byte(`{"event":"DATA_NEW","object":"residents-to-leases","record_id":"cm2p0a5c6000g08lb5e6f7g8h","meta":{"integration_id":"cly301lrc000009jvbp6vaz7i","object":"residents-to-leases"}}`)
	for _, body := range [][]byte{enveloped, flat} {
		w, err := propexo.Parse(body)
		if err != nil {
			panic(err)
		}
		switch {
		case w.JobFailure != nil:
			fmt.Println(w.Trigger, w.Flat, w.JobFailure.JobType, w.JobFailure.JobID)
		case w.DataNew != nil:
			fmt.Println(w.Trigger, w.Flat, w.DataNew.Object, w.DataNew.Object == propexo.ModelResidentsToLeases, w.IntegrationID)
		}
	}
	// Output:
	// JOB_FAILURE false READ_RESIDENT_TRANSACTIONS JOB_ID_002
	// DATA_NEW true residents_to_leases true cly301lrc000009jvbp6vaz7i
}

// Example_keyRotation accepts deliveries signed with the new secret and, while
// Propexo switches over, with the previous one.
func Example_keyRotation() {
	body, _ := propexotest.Sample("SYNC_COMPLETE")
	previous, _ := propexo.NewVerifier("previous-secret-01")
	h := http.Header{}
	previous.Sign(h, body) // what Propexo sent before the update

	v, err := propexo.NewVerifier("new-secret-0123456", "previous-secret-01")
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Verify(h, body))
	// Output:
	// <nil>
}

// ExampleModel_Object converts between the two spellings of a model.
func ExampleModel_Object() {
	m := propexo.NormalizeModel("residents-to-leases") // as a delivery spells it
	fmt.Println(m, m.Object(), m == propexo.ModelResidentsToLeases, m.Known())
	// Output:
	// residents_to_leases residents-to-leases true true
}

// ExampleWebhooksService_Create subscribes to lease changes, against a
// stand-in for the Propexo API.
func ExampleWebhooksService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		fmt.Println(r.Method, r.URL.Path, body["model"], body["active"])
		w.Header().Set("x-ratelimit-limit", "150")
		w.Header().Set("x-ratelimit-remaining", "149")
		_, _ = fmt.Fprintf(w, `{"result":{"id":"wh-1","url":%q,"active":true,"secret":"generated-secret-xyz","system":"SANDBOX",
			"created_at":"2025-08-18T13:00:00Z","updated_at":"2025-08-18T13:00:00Z","headers":null,
			"triggers":[{"id":"t-1","trigger":"DATA_NEW","model":"leases"},{"id":"t-2","trigger":"DATA_UPDATE","model":"leases"}]}}`, body["url"])
	}))
	defer srv.Close()

	// propexo.StagingURL or the default propexo.BaseURL in real use.
	c, err := propexo.NewClient(propexo.APIKey("api-token"), propexo.WithBaseURL(srv.URL+"/v1"))
	if err != nil {
		panic(err)
	}
	wh, resp, err := c.Webhooks.Create(context.Background(), &propexo.SubscriptionParams{
		URL:     "https://example.test/hooks/propexo",
		Events:  []propexo.Trigger{propexo.TriggerDataNew, propexo.TriggerDataUpdate},
		Model:   propexo.ModelLeases,
		Enabled: true,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(wh)
	fmt.Println("requests left this minute:", resp.Rate.Remaining, "of", resp.Rate.Limit)
	// Keep wh.Secret for propexo.NewVerifier.
	fmt.Println(strings.HasPrefix(wh.Secret, "generated"))
	// Output:
	// POST /v1/webhooks/ leases true
	// propexo.Subscription{ID:"wh-1" URL:"https://example.test/hooks/propexo" Enabled:true System:SANDBOX Events:[DATA_NEW(leases) DATA_UPDATE(leases)] Headers:[] Secret:redacted}
	// requests left this minute: 149 of 150
	// true
}

// ExampleDataDiffsService_All recovers the changes of an outage longer than
// Propexo's retries, against a stand-in for the Propexo API.
func ExampleDataDiffsService_All() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		fmt.Printf("GET %s integration_id=%s after=%s offset=%q limit=%s\n", r.URL.Path, q.Get("integration_id"), q.Get("after"), q.Get("offset"), q.Get("limit"))
		if q.Get("offset") == "" {
			_, _ = fmt.Fprint(w, `{"meta":{"offset":0,"limit":2,"hasMore":true},"results":[
				{"id":"dd-1","model":"leases","model_record_id":"l-1","event_type":"UPDATE","data_diff":{},"created_at":"2025-08-18T14:00:00Z","integration_id":"i-1","integration_vendor":"ENTRATA"},
				{"id":"dd-2","model":"leases","model_record_id":"l-2","event_type":"UPDATE","data_diff":{},"created_at":"2025-08-18T14:30:00Z","integration_id":"i-1","integration_vendor":"ENTRATA"}]}`)
			return
		}
		_, _ = fmt.Fprint(w, `{"meta":{"offset":2,"limit":2,"hasMore":false},"results":[
			{"id":"dd-3","model":"residents","model_record_id":"r-7","event_type":"NEW","data_diff":{},"created_at":"2025-08-18T15:00:00Z","integration_id":"i-1","integration_vendor":"ENTRATA"}]}`)
	}))
	defer srv.Close()

	c, err := propexo.NewClient(propexo.APIKey("api-token"), propexo.WithBaseURL(srv.URL+"/v1"))
	if err != nil {
		panic(err)
	}
	outage := time.Date(2025, 8, 18, 12, 0, 0, 0, time.UTC)
	opts := &propexo.DataDiffListOptions{
		ListOptions:   propexo.ListOptions{PerPage: 2}, // MaxPerPage (250) when 0
		IntegrationID: "i-1",
		After:         outage,
	}
	for d, err := range c.DataDiffs.All(context.Background(), opts) {
		if err != nil {
			panic(err)
		}
		fmt.Println(d.EventType.Trigger(), d.Model, d.ModelRecordID)
	}
	// Output:
	// GET /v1/admin/data-diffs/ integration_id=i-1 after=2025-08-18T12:00:00Z offset="" limit=2
	// DATA_UPDATE leases l-1
	// DATA_UPDATE leases l-2
	// GET /v1/admin/data-diffs/ integration_id=i-1 after=2025-08-18T12:00:00Z offset="2" limit=2
	// DATA_NEW residents r-7
}

// ExampleNewHydrator hydrates a delivery from the fake API: the handler
// gets the whole lease, where the DATA_UPDATE carried one changed field.
func ExampleNewHydrator() {
	ctx := context.Background()
	s := propexotest.NewServer()
	defer s.Close()
	c, err := s.Client()
	if err != nil {
		panic(err)
	}
	// The lease as Propexo's cache holds it now; the delivery carries one
	// changed field.
	if err := s.PutRecord(propexo.ModelLeases, "clx9m2v4t000508jq1b7c3d8e", map[string]any{
		"status": "approved", "rent_amount_in_cents": 150000,
	}); err != nil {
		panic(err)
	}

	v, _ := propexo.NewVerifier("whsec-example-secret")
	r, _ := propexo.NewReceiver(v)
	handler := event.HandlerFunc(func(_ context.Context, e event.Event) error {
		rec, ok := event.RecordOf(e)
		if !ok || rec.Deleted {
			return nil
		}
		var lease struct {
			Status      string `json:"status"`
			RentInCents int    `json:"rent_amount_in_cents"`
		}
		if err := rec.Data.(*propexo.Record).Decode(&lease); err != nil {
			return err
		}
		fmt.Println(e.Name(), e.Subject(), lease.Status, lease.RentInCents)
		return nil
	})
	hooks := event.NewHTTPHandler(r, event.Hydrate(handler, propexo.NewHydrator(c)))

	req, _ := propexotest.NewSampleRequest(ctx, "http://example.test/hooks/propexo", "DATA_UPDATE", nil, v)
	w := httptest.NewRecorder()
	hooks.ServeHTTP(w, req)
	fmt.Println(w.Code)
	// Output:
	// DATA_UPDATE lease/clx9m2v4t000508jq1b7c3d8e approved 150000
	// 200
}

// ExampleNewSource finds, in Propexo's data diffs, changes whose webhooks
// never came: records changed on the fake API without a delivery.
func ExampleNewSource() {
	s := propexotest.NewServer()
	defer s.Close()
	c, err := s.Client()
	if err != nil {
		panic(err)
	}
	// Two changes of a lease, and no webhook sent.
	if err := s.PutRecord(propexo.ModelLeases, "lease-1", map[string]any{"status_raw": "Pending"}); err != nil {
		panic(err)
	}
	time.Sleep(2 * time.Millisecond)
	if err := s.PutRecord(propexo.ModelLeases, "lease-1", map[string]any{"status_raw": "Current"}); err != nil {
		panic(err)
	}

	src, err := propexo.NewSource(c, propexotest.IntegrationID)
	if err != nil {
		panic(err)
	}
	fmt.Println(src.Name())
	cursor := event.Cursor{Since: time.Now().Add(-time.Hour)}
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
			d := e.Data().(*propexo.DataDiff)
			fmt.Println(e.Name(), e.Type(), e.Subject(), event.OriginOf(e), event.VersionOf(e) == "DATA_"+string(d.EventType)+":"+d.JobID)
		}
		cursor.Checkpoint = page.Checkpoint // store it with the changes
		if !page.More {
			break
		}
	}
	// Output:
	// propexo/data-diffs/clfakeintegration00000001
	// DATA_NEW record.created lease/lease-1 poll true
	// DATA_UPDATE record.updated lease/lease-1 poll true
}
