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
	req, err := propexotest.NewRequest("http://example.test/hooks/propexo", "DATA_NEW", v)
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
