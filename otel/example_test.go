package otel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"go.opentelemetry.io/otel/trace/noop"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/otel"
	"github.com/pmshooks/pmshooks/verify"
)

// Example serves the metrics of an event.NewHTTPHandler to Prometheus, with
// no collector.
func Example() {
	metrics, mp, err := otel.PrometheusHandler()
	if err != nil {
		panic(err)
	}
	defer func() { _ = mp.Shutdown(context.Background()) }()
	tel, err := otel.New(otel.WithMeterProvider(mp), otel.WithTracerProvider(noop.NewTracerProvider()))
	if err != nil {
		panic(err)
	}

	token, _ := verify.NewToken("X-Token", "tok-0123456789")
	receiver := &eventtest.Receiver{Name: "demo", Verifier: token}
	handler := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	mux := http.NewServeMux()
	mux.Handle("POST /hooks/demo", event.NewHTTPHandler(receiver, handler, event.WithHooks(tel.EventHooks())))
	mux.Handle("GET /metrics", metrics)

	for _, tok := range []string{"tok-0123456789", "forged"} {
		r := httptest.NewRequest(http.MethodPost, "/hooks/demo", strings.NewReader(`{"hello":"world"}`))
		r.Header.Set("X-Token", tok)
		mux.ServeHTTP(httptest.NewRecorder(), r)
	}

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for line := range strings.Lines(w.Body.String()) {
		if strings.HasPrefix(line, "messaging_client_consumed_messages_total") ||
			strings.HasPrefix(line, "pmshooks_receive_rejected_total") {
			fmt.Println(shorten(line))
		}
	}
	// Output:
	// messaging_client_consumed_messages_total{messaging_operation_name="receive",messaging_operation_type="receive",messaging_system="pmshooks",pmshooks_event_type="unknown",pmshooks_outcome="accepted",pmshooks_provider="demo"} 1
	// pmshooks_receive_rejected_total{http_response_status_code="401",messaging_system="pmshooks",pmshooks_provider="demo",pmshooks_reject_reason="unauthenticated"} 1
}

// shorten drops the otel_scope_* labels the exporter adds to every series.
func shorten(line string) string {
	line = strings.TrimSpace(line)
	open, end := strings.Index(line, "{"), strings.LastIndex(line, "}")
	if open < 0 || end < open {
		return line
	}
	var keep []string
	for l := range strings.SplitSeq(line[open+1:end], ",") {
		if !strings.HasPrefix(l, "otel_scope_") {
			keep = append(keep, l)
		}
	}
	return line[:open+1] + strings.Join(keep, ",") + line[end:]
}
