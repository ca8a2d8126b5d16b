package otel

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"strconv"
	"time"

	gootel "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
)

// ScopeName is the instrumentation scope of the meter and the tracer.
const ScopeName = "github.com/pmshooks/pmshooks/otel"

// System is the value of messaging.system on every span and metric.
const System = "pmshooks"

// The attributes this package adds to OpenTelemetry's semantic conventions.
// Those that metrics carry take a bounded set of values.
const (
	ProviderKey     = attribute.Key("pmshooks.provider")      // the provider: channex, hostaway, ...
	EventTypeKey    = attribute.Key("pmshooks.event.type")    // the normalized type: booking.created, ...
	OutcomeKey      = attribute.Key("pmshooks.outcome")       // how a receive, store or attempt ended
	DeliveryIDKey   = attribute.Key("pmshooks.delivery.id")   // spans only: the inbox's id
	AttemptKey      = attribute.Key("pmshooks.attempt")       // spans only: the attempt's number
	RejectReasonKey = attribute.Key("pmshooks.reject.reason") // an event.RejectReason
)

// The metric names: two of OpenTelemetry's messaging conventions and three
// of pmshooks'.
const (
	ConsumedMessagesName = "messaging.client.consumed.messages"
	ProcessDurationName  = "messaging.process.duration"
	RejectedName         = "pmshooks.receive.rejected"
	StoredName           = "pmshooks.inbox.stored"
	DeadName             = "pmshooks.inbox.dead"
)

// processBuckets are the bucket boundaries, in seconds, that the messaging
// conventions advise for messaging.process.duration.
var processBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// Option configures New.
type Option func(*config)

type config struct {
	mp metric.MeterProvider
	tp trace.TracerProvider
}

// WithMeterProvider records the metrics with mp instead of OpenTelemetry's
// global MeterProvider. A nil mp is ignored.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	}
}

// WithTracerProvider starts the spans with tp instead of OpenTelemetry's
// global TracerProvider. A nil tp is ignored.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	}
}

// Telemetry turns pmshooks' hooks into OpenTelemetry metrics and spans. Give
// EventHooks to event.NewHTTPHandler, event.Middleware or inbox's
// HTTPHandler (event.WithHooks), and InboxHooks to inbox.New
// (inbox.WithHooks). It is safe for concurrent use.
type Telemetry struct {
	tracer trace.Tracer

	consumed metric.Int64Counter
	process  metric.Float64Histogram
	rejected metric.Int64Counter
	stored   metric.Int64Counter
	dead     metric.Int64Counter
}

// New returns a Telemetry that records with the global MeterProvider and
// TracerProvider of OpenTelemetry unless WithMeterProvider and
// WithTracerProvider say otherwise. It fails when an instrument cannot be
// created.
func New(opts ...Option) (*Telemetry, error) {
	c := config{mp: gootel.GetMeterProvider(), tp: gootel.GetTracerProvider()}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	meter := c.mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	t := &Telemetry{tracer: c.tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL))}
	var err error
	if t.consumed, err = meter.Int64Counter(ConsumedMessagesName, metric.WithUnit("{message}"),
		metric.WithDescription("Deliveries received (operation receive) and attempts of stored deliveries (operation process).")); err != nil {
		return nil, err
	}
	if t.process, err = meter.Float64Histogram(ProcessDurationName, metric.WithUnit("s"),
		metric.WithDescription("Duration of a handler call, hydration included."),
		metric.WithExplicitBucketBoundaries(processBuckets...)); err != nil {
		return nil, err
	}
	if t.rejected, err = meter.Int64Counter(RejectedName, metric.WithUnit("{request}"),
		metric.WithDescription("Requests refused before they became an event: not authentic, too large, ...")); err != nil {
		return nil, err
	}
	if t.stored, err = meter.Int64Counter(StoredName, metric.WithUnit("{message}"),
		metric.WithDescription("Deliveries the inbox was given, by outcome: stored, stored_dead, duplicate, failed.")); err != nil {
		return nil, err
	}
	if t.dead, err = meter.Int64Counter(DeadName, metric.WithUnit("{message}"),
		metric.WithDescription("Deliveries that became dead: kept until retried.")); err != nil {
		return nil, err
	}
	return t, nil
}

// DeliverySpanContext is the span context that every span of one delivery
// descends from: the receive span of each copy received and the span of each
// attempt, on any replica, hours apart. Its trace id and span id are derived
// from the provider and the event id (SHA-256), so the spans of a delivery
// form one trace without storing anything; no span of that id is ever
// recorded. It is remote and sampled.
func DeliverySpanContext(p event.Provider, eventID string) trace.SpanContext {
	// The provider's length first, so that no two (provider, id) pairs
	// hash the same text.
	sum := sha256.Sum256([]byte("pmshooks/" + strconv.Itoa(len(p)) + "/" + string(p) + "/" + eventID))
	var (
		tid trace.TraceID
		sid trace.SpanID
	)
	copy(tid[:], sum[:16])
	copy(sid[:], sum[16:24])
	if !tid.IsValid() { // all zero: one chance in 2^128
		tid[15] = 1
	}
	if !sid.IsValid() {
		sid[7] = 1
	}
	return trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled, Remote: true,
	})
}

// startDeliverySpan starts a span of the delivery (p, eventID) as a child of
// DeliverySpanContext, linked to the span ctx carries, if any.
func (t *Telemetry) startDeliverySpan(ctx context.Context, name string, p event.Provider, eventID string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: sc}))
	}
	opts = append(opts, trace.WithSpanKind(trace.SpanKindConsumer))
	parent := trace.ContextWithRemoteSpanContext(ctx, DeliverySpanContext(p, eventID))
	return t.tracer.Start(parent, name, opts...)
}

// receiveState is what the hooks of one request share through its context.
type receiveState struct {
	duplicate bool
}

type receiveStateKey struct{}

// EventHooks returns the event.Hooks that record receiving:
//
//   - a span "receive <provider>" per delivery received (kind consumer,
//     from the request's arrival to its answer), a child of the delivery's
//     DeliverySpanContext and linked to the request's own span when there is
//     one (otelhttp's, say); the handler's spans are its children;
//   - a span per rejected request, a child of the request's span;
//   - messaging.client.consumed.messages (operation receive) per delivery
//     received, with outcome accepted, duplicate or failed;
//   - messaging.process.duration per handler call of event.NewHTTPHandler;
//   - pmshooks.receive.rejected per rejected request, with its reason.
func (t *Telemetry) EventHooks() *event.Hooks {
	return &event.Hooks{
		Received: func(ctx context.Context, r event.Receipt) context.Context {
			ctx, _ = t.startDeliverySpan(ctx, "receive "+string(r.Provider), r.Provider, r.Event.ID(),
				trace.WithTimestamp(r.Start),
				trace.WithAttributes(
					semconv.MessagingSystemKey.String(System),
					semconv.MessagingOperationTypeReceive,
					semconv.MessagingOperationName("receive"),
					semconv.MessagingMessageID(r.Event.ID()),
					ProviderKey.String(string(r.Provider)),
					EventTypeKey.String(string(r.Event.Type())),
				))
			return context.WithValue(ctx, receiveStateKey{}, &receiveState{})
		},
		Rejected: func(ctx context.Context, r event.Rejection) {
			_, span := t.tracer.Start(ctx, "receive "+string(r.Provider), trace.WithTimestamp(r.Start),
				trace.WithSpanKind(trace.SpanKindConsumer),
				trace.WithAttributes(
					semconv.MessagingSystemKey.String(System),
					semconv.MessagingOperationTypeReceive,
					semconv.MessagingOperationName("receive"),
					ProviderKey.String(string(r.Provider)),
					RejectReasonKey.String(string(r.Reason)),
					semconv.ErrorTypeKey.String(string(r.Reason)),
					semconv.HTTPResponseStatusCode(r.Status),
				))
			span.SetStatus(codes.Error, "rejected: "+string(r.Reason))
			span.End()
			t.rejected.Add(ctx, 1, metric.WithAttributes(
				semconv.MessagingSystemKey.String(System),
				ProviderKey.String(string(r.Provider)),
				RejectReasonKey.String(string(r.Reason)),
				semconv.HTTPResponseStatusCode(r.Status),
			))
		},
		Duplicate: func(ctx context.Context, d event.Duplication) {
			if s, ok := ctx.Value(receiveStateKey{}).(*receiveState); ok {
				s.duplicate = true
			}
			trace.SpanFromContext(ctx).AddEvent("duplicate", trace.WithAttributes(attribute.Bool("in_flight", d.InFlight)))
		},
		Handled: func(ctx context.Context, h event.Handling) {
			outcome := "success"
			if h.Err != nil {
				outcome = "failure"
				span := trace.SpanFromContext(ctx)
				span.RecordError(h.Err)
				span.SetStatus(codes.Error, "handler failed")
			}
			t.process.Record(ctx, h.Duration.Seconds(), metric.WithAttributes(
				processAttrs(h.Provider, h.Event.Type(), outcome, h.Err)...))
		},
		Answered: func(ctx context.Context, a event.Answer) {
			outcome := "accepted"
			if s, ok := ctx.Value(receiveStateKey{}).(*receiveState); ok && s.duplicate {
				outcome = "duplicate"
			}
			attrs := []attribute.KeyValue{
				semconv.MessagingSystemKey.String(System),
				semconv.MessagingOperationTypeReceive,
				semconv.MessagingOperationName("receive"),
				ProviderKey.String(string(a.Provider)),
				EventTypeKey.String(string(a.Event.Type())),
			}
			if a.Status >= http.StatusMultipleChoices {
				outcome = "failed"
				attrs = append(attrs, semconv.ErrorTypeKey.String(strconv.Itoa(a.Status)))
			}
			attrs = append(attrs, OutcomeKey.String(outcome))
			t.consumed.Add(ctx, 1, metric.WithAttributes(attrs...))

			span := trace.SpanFromContext(ctx)
			span.SetAttributes(semconv.HTTPResponseStatusCode(a.Status), OutcomeKey.String(outcome))
			if a.Status >= http.StatusInternalServerError {
				span.SetStatus(codes.Error, "answered "+strconv.Itoa(a.Status))
			}
			span.End()
		},
	}
}

// processAttrs are the attributes of messaging.process.duration and of the
// consumed messages of operation process.
func processAttrs(p event.Provider, typ event.Type, outcome string, err error) []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		semconv.MessagingSystemKey.String(System),
		semconv.MessagingOperationTypeProcess,
		semconv.MessagingOperationName("process"),
		ProviderKey.String(string(p)),
		EventTypeKey.String(string(typ)),
		OutcomeKey.String(outcome),
	}
	if err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(err)))
	}
	return attrs
}

// errorType is the bounded error.type of a handler's error: "panic",
// "rate_limited", or "_OTHER" as the conventions say when no better class
// is known; never the error's text, which may hold ids.
func errorType(err error) string {
	var p *event.PanicError
	var rl *event.RateLimitError
	switch {
	case errors.As(err, &p):
		return "panic"
	case errors.As(err, &rl):
		return "rate_limited"
	}
	return semconv.ErrorTypeOther.Value.AsString()
}

// InboxHooks returns the inbox.Hooks that record storing and processing:
//
//   - a span "process <provider>" per attempt (kind consumer), a child of
//     the delivery's DeliverySpanContext, in the same trace as its receive
//     spans, linked to the span of Run's context when there is one; the
//     Hydrator's and the handler's spans are its children; it ends when the
//     outcome is written (for done, at the group commit);
//   - messaging.process.duration and messaging.client.consumed.messages
//     (operation process) per attempt, with its outcome;
//   - pmshooks.inbox.stored per delivery given to the store, with outcome
//     stored, stored_dead, duplicate or failed, and an event "stored" on the
//     receive span when EventHooks are set on the HTTPHandler too;
//   - pmshooks.inbox.dead per delivery that became dead.
func (t *Telemetry) InboxHooks() *inbox.Hooks {
	store := func(outcome string) func(context.Context, inbox.Storing) {
		return func(ctx context.Context, s inbox.Storing) {
			o := outcome
			if o == "stored" && s.Dead {
				o = "stored_dead"
			}
			t.stored.Add(ctx, 1, metric.WithAttributes(
				semconv.MessagingSystemKey.String(System),
				ProviderKey.String(string(s.Provider)),
				EventTypeKey.String(string(s.Type)),
				OutcomeKey.String(o),
			))
			span := trace.SpanFromContext(ctx)
			attrs := []attribute.KeyValue{OutcomeKey.String(o)}
			if s.ID != 0 {
				attrs = append(attrs, DeliveryIDKey.Int64(s.ID))
			}
			span.AddEvent("stored", trace.WithAttributes(attrs...))
			if s.Err != nil {
				span.RecordError(s.Err)
			}
		}
	}
	return &inbox.Hooks{
		Stored:      store("stored"),
		Duplicate:   store("duplicate"),
		StoreFailed: store("failed"),
		AttemptStarted: func(ctx context.Context, a inbox.AttemptInfo) context.Context {
			ctx, _ = t.startDeliverySpan(ctx, "process "+string(a.Provider), a.Provider, a.EventID,
				trace.WithAttributes(
					semconv.MessagingSystemKey.String(System),
					semconv.MessagingOperationTypeProcess,
					semconv.MessagingOperationName("process"),
					semconv.MessagingMessageID(a.EventID),
					ProviderKey.String(string(a.Provider)),
					EventTypeKey.String(string(a.Type)),
					DeliveryIDKey.Int64(a.ID),
					AttemptKey.Int(a.Number),
				))
			return ctx
		},
		AttemptFinished: func(ctx context.Context, r inbox.AttemptResult) {
			attrs := processAttrs(r.Provider, r.Type, string(r.Outcome), r.Err)
			set := metric.WithAttributes(attrs...)
			t.process.Record(ctx, r.Duration.Seconds(), set)
			t.consumed.Add(ctx, 1, set)

			span := trace.SpanFromContext(ctx)
			span.SetAttributes(OutcomeKey.String(string(r.Outcome)))
			if r.Outcome == inbox.OutcomeCoalesced {
				span.SetAttributes(attribute.Int64("pmshooks.handled.delivery.id", r.HandledID),
					attribute.Int("pmshooks.coalesced", r.Coalesced))
			}
			if r.Err != nil {
				span.RecordError(r.Err)
				span.SetStatus(codes.Error, "attempt failed: "+string(r.Outcome))
			}
			span.End()
		},
		Dead: func(ctx context.Context, r inbox.AttemptResult) {
			t.dead.Add(ctx, 1, metric.WithAttributes(
				semconv.MessagingSystemKey.String(System),
				ProviderKey.String(string(r.Provider)),
				EventTypeKey.String(string(r.Type)),
			))
			dsc := DeliverySpanContext(r.Provider, r.EventID)
			if trace.SpanContextFromContext(ctx).TraceID() == dsc.TraceID() {
				return // the attempt's span, ended, says outcome dead
			}
			// Buried by a claim: no attempt span; a span of its own marks
			// it in the delivery's trace.
			_, span := t.startDeliverySpan(ctx, "dead "+string(r.Provider), r.Provider, r.EventID,
				trace.WithTimestamp(time.Now()),
				trace.WithAttributes(
					semconv.MessagingSystemKey.String(System),
					semconv.MessagingMessageID(r.EventID),
					ProviderKey.String(string(r.Provider)),
					DeliveryIDKey.Int64(r.ID),
				))
			if r.Err != nil {
				span.RecordError(r.Err)
			}
			span.SetStatus(codes.Error, "dead")
			span.End()
		},
	}
}
