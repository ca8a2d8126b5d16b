// Package otel records what pmshooks receives, stores and processes as
// OpenTelemetry metrics and traces, following OpenTelemetry's messaging
// semantic conventions. It fills the hooks of the core module (event.Hooks,
// inbox.Hooks), which has no OpenTelemetry dependency itself: this package is
// a module of its own, github.com/pmshooks/pmshooks/otel.
//
//	tel, err := otel.New() // the global MeterProvider and TracerProvider
//	ib, err := inbox.New(db, dialect, inbox.WithHooks(tel.InboxHooks()))
//	http.Handle("POST /hooks/channex", ib.HTTPHandler(channexReceiver, event.WithHooks(tel.EventHooks())))
//
// Without the inbox, give EventHooks to event.NewHTTPHandler or
// event.Middleware the same way.
//
// # Metrics
//
// Every metric has messaging.system = "pmshooks" and pmshooks.provider (the
// provider: channex, hostaway, ...); the provider is the messaging system's
// "destination" here, but a metric attribute of its own is easier to query.
// Attribute values are bounded: provider, normalized type
// (pmshooks.event.type), outcome (pmshooks.outcome), error class
// (error.type); never an id, a body or an error's text.
//
//	metric                               unit       attributes besides provider
//	messaging.client.consumed.messages   {message}  messaging.operation.type receive: per delivery received,
//	                                                outcome accepted, duplicate or failed (error.type: the status);
//	                                                process: per attempt, outcome an inbox.Outcome
//	messaging.process.duration           s          per handler call (event.NewHTTPHandler: success or failure)
//	                                                or attempt (inbox: an inbox.Outcome); error.type panic,
//	                                                rate_limited or _OTHER
//	pmshooks.receive.rejected            {request}  pmshooks.reject.reason, http.response.status_code
//	pmshooks.inbox.stored                {message}  pmshooks.event.type, outcome stored, stored_dead, duplicate, failed
//	pmshooks.inbox.dead                  {message}  pmshooks.event.type
//
// # Traces
//
// Each delivery received gets a span "receive <provider>", from the
// request's arrival to its answer, and each attempt of a stored delivery a
// span "process <provider>", from the claim to the write of its outcome
// (for a success, the group commit of "done"). The handler's own spans are
// children of these.
//
// A receive and the attempts that follow it happen in different requests
// and goroutines, often on different replicas, hours apart, and the inbox
// stores no span context (that would take a schema change). They are tied
// by the delivery's identity instead: both are children of the same remote
// span context, DeliverySpanContext(provider, event id), whose trace id is
// derived from the provider and the event id. Every copy received, every
// attempt and a delivery buried dead land in one trace per delivery, which a
// trace viewer shows as one timeline, without a lookup; the parent span
// itself is never recorded. The span of the request (otelhttp's, say) or of
// Run's context, when there is one, is linked rather than being the parent.
// The delivery's parent is marked sampled: with OpenTelemetry's default
// ParentBased sampler, deliveries are always traced; sample them with a
// sampler of your own.
//
// Spans may carry ids as attributes (messaging.message.id: the event id;
// pmshooks.delivery.id, pmshooks.attempt); metrics never do.
//
// # Prometheus
//
// With no collector, PrometheusHandler returns a MeterProvider and the
// handler that serves its metrics for a Prometheus scrape:
//
//	metrics, mp, err := otel.PrometheusHandler()
//	defer mp.Shutdown(ctx)
//	tel, err := otel.New(otel.WithMeterProvider(mp))
//	http.Handle("GET /metrics", metrics)
//
// # Versions
//
// This module is versioned apart from the core (tags otel/vX.Y.Z); its
// go.mod requires the lowest core version it needs, and its CHANGELOG.md
// names it.
package otel
