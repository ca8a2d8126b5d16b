package otel

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// PrometheusHandler is the simplest setup, with no collector: it returns a
// MeterProvider whose metrics are served, in the Prometheus exposition
// format, by the http.Handler it returns, for a scrape of /metrics. Give the
// MeterProvider to New (WithMeterProvider), mount the handler, and call the
// provider's Shutdown when the program stops.
//
// The metrics go to a registry of their own, not to Prometheus's global
// DefaultRegisterer, so two calls do not collide; names follow the
// exporter's translation (messaging.process.duration is served as
// messaging_process_duration_seconds). Use OpenTelemetry's own exporters
// for a collector instead.
func PrometheusHandler() (http.Handler, *sdkmetric.MeterProvider, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, nil, err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), mp, nil
}
