package otel_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	_ "modernc.org/sqlite"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/inbox"
	pmsotel "github.com/pmshooks/pmshooks/otel"
	"github.com/pmshooks/pmshooks/verify"
)

const testToken = "tok-0123456789"

// setup returns a Telemetry recording into memory: spans into the
// recorder, metrics read by the reader.
func setup(t *testing.T) (*pmsotel.Telemetry, *tracetest.SpanRecorder, *sdkmetric.ManualReader) {
	t.Helper()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	tel, err := pmsotel.New(pmsotel.WithTracerProvider(tp), pmsotel.WithMeterProvider(mp), nil)
	require.NoError(t, err)
	return tel, spans, reader
}

// receiver authenticates with a token and decodes "type|id" bodies.
func receiver(t testing.TB) *eventtest.Receiver {
	t.Helper()
	v, err := verify.NewToken("X-Token", testToken)
	require.NoError(t, err)
	return &eventtest.Receiver{Name: "test", Verifier: v, DecodeFunc: func(b []byte) (event.Event, error) {
		typ, id, ok := strings.Cut(string(b), "|")
		if !ok {
			return nil, fmt.Errorf("test: %w", event.ErrMalformed)
		}
		return eventtest.New(event.Fields{Provider: "test", Type: event.Type(typ), ID: id, Raw: b}), nil
	}}
}

func post(t testing.TB, h http.Handler, body string, signed bool) int {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/hooks/test", strings.NewReader(body))
	if signed {
		r.Header.Set("X-Token", testToken)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

// point is one data point of a metric: its attributes as "k=v" sorted, and
// its value (a sum, or a histogram's count).
type point struct {
	attrs string
	value int64
}

// collect returns the data points of every metric, by name.
func collect(t *testing.T, r *sdkmetric.ManualReader) map[string][]point {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(context.Background(), &rm))
	out := map[string][]point{}
	for _, sm := range rm.ScopeMetrics {
		assert.Equal(t, pmsotel.ScopeName, sm.Scope.Name)
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[m.Name] = append(out[m.Name], point{attrString(p.Attributes), p.Value})
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[m.Name] = append(out[m.Name], point{attrString(p.Attributes), int64(p.Count)})
				}
			default:
				t.Fatalf("metric %s: unexpected data %T", m.Name, m.Data)
			}
		}
	}
	for _, ps := range out {
		sort.Slice(ps, func(i, j int) bool { return ps[i].attrs < ps[j].attrs })
	}
	return out
}

// attrString writes a set's attributes as sorted "k=v", leaving out the
// ones every metric has.
func attrString(s attribute.Set) string {
	var parts []string
	for _, kv := range s.ToSlice() {
		if kv.Key == "messaging.system" {
			if kv.Value.AsString() != pmsotel.System {
				parts = append(parts, "BAD messaging.system")
			}
			continue
		}
		parts = append(parts, string(kv.Key)+"="+kv.Value.String())
	}
	return strings.Join(parts, " ")
}

func spanAttr(s sdktrace.ReadOnlySpan, k attribute.Key) string {
	for _, kv := range s.Attributes() {
		if kv.Key == k {
			return kv.Value.String()
		}
	}
	return ""
}

func TestTelemetry_EventHooks(t *testing.T) {
	tel, spans, reader := setup(t)
	var handlerSpan trace.SpanContext
	h := event.NewHTTPHandler(receiver(t), event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		handlerSpan = trace.SpanContextFromContext(ctx)
		switch e.ID() {
		case "fails":
			return errors.New("database down")
		case "panics":
			panic("boom")
		}
		return nil
	}), event.WithHooks(tel.EventHooks()))

	require.Equal(t, 200, post(t, h, "booking.created|b-1", true))
	require.Equal(t, 200, post(t, h, "booking.created|b-1", true)) // a copy
	require.Equal(t, 500, post(t, h, "booking.cancelled|fails", true))
	require.Equal(t, 500, post(t, h, "booking.cancelled|panics", true))
	require.Equal(t, 401, post(t, h, "booking.created|b-2", false))
	require.Equal(t, 400, post(t, h, "garbage", true))

	recv := "messaging.operation.name=receive messaging.operation.type=receive "
	proc := "messaging.operation.name=process messaging.operation.type=process "
	want := map[string][]point{
		pmsotel.ConsumedMessagesName: {
			{recv + "pmshooks.event.type=booking.cancelled pmshooks.outcome=failed pmshooks.provider=test", 2},
			{recv + "pmshooks.event.type=booking.created pmshooks.outcome=accepted pmshooks.provider=test", 1},
			{recv + "pmshooks.event.type=booking.created pmshooks.outcome=duplicate pmshooks.provider=test", 1},
		},
		pmsotel.ProcessDurationName: {
			{"error.type=_OTHER " + proc + "pmshooks.event.type=booking.cancelled pmshooks.outcome=failure pmshooks.provider=test", 1},
			{"error.type=panic " + proc + "pmshooks.event.type=booking.cancelled pmshooks.outcome=failure pmshooks.provider=test", 1},
			{proc + "pmshooks.event.type=booking.created pmshooks.outcome=success pmshooks.provider=test", 1},
		},
		pmsotel.RejectedName: {
			{"http.response.status_code=400 pmshooks.provider=test pmshooks.reject.reason=malformed", 1},
			{"http.response.status_code=401 pmshooks.provider=test pmshooks.reject.reason=unauthenticated", 1},
		},
	}
	got := collect(t, reader)
	// error.type of the failed receives is the status; fold it in.
	for i, p := range got[pmsotel.ConsumedMessagesName] {
		got[pmsotel.ConsumedMessagesName][i].attrs = strings.Replace(p.attrs, "error.type=500 ", "", 1)
	}
	assert.Equal(t, want, got)

	ended := spans.Ended()
	require.Len(t, ended, 6)
	b1 := pmsotel.DeliverySpanContext("test", "b-1")
	for i, s := range ended[:2] {
		assert.Equal(t, "receive test", s.Name(), "span %d", i)
		assert.Equal(t, trace.SpanKindConsumer, s.SpanKind())
		assert.Equal(t, b1.TraceID(), s.SpanContext().TraceID(), "in the delivery's trace")
		assert.Equal(t, b1.SpanID(), s.Parent().SpanID())
		assert.Equal(t, "b-1", spanAttr(s, "messaging.message.id"))
		assert.Equal(t, "200", spanAttr(s, "http.response.status_code"))
	}
	assert.Equal(t, "accepted", spanAttr(ended[0], pmsotel.OutcomeKey))
	assert.Equal(t, "duplicate", spanAttr(ended[1], pmsotel.OutcomeKey))
	require.Len(t, ended[1].Events(), 1)
	assert.Equal(t, "duplicate", ended[1].Events()[0].Name)
	assert.Equal(t, codes.Error, ended[2].Status().Code)
	assert.Equal(t, ended[3].SpanContext().SpanID(), handlerSpan.SpanID(), "the handler runs in the receive span")
	assert.Equal(t, "unauthenticated", spanAttr(ended[4], "error.type"))
	assert.Equal(t, codes.Error, ended[4].Status().Code)
	assert.Equal(t, "malformed", spanAttr(ended[5], pmsotel.RejectReasonKey))
}

// TestTelemetry_EventHooks_linksRequestSpan: a span the request already
// has (otelhttp's) is linked, not the parent.
func TestTelemetry_EventHooks_linksRequestSpan(t *testing.T) {
	tel, spans, _ := setup(t)
	h := event.Middleware(receiver(t), event.WithHooks(tel.EventHooks()))(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	}))
	outer := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled,
	})
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("message.received|m-1"))
	r.Header.Set("X-Token", testToken)
	r = r.WithContext(trace.ContextWithSpanContext(r.Context(), outer))
	h.ServeHTTP(httptest.NewRecorder(), r)

	ended := spans.Ended()
	require.Len(t, ended, 1)
	assert.Equal(t, pmsotel.DeliverySpanContext("test", "m-1").TraceID(), ended[0].SpanContext().TraceID())
	require.Len(t, ended[0].Links(), 1)
	assert.Equal(t, outer, ended[0].Links()[0].SpanContext)
	assert.Equal(t, "202", spanAttr(ended[0], "http.response.status_code"))
}

// TestTelemetry_InboxHooks calls each inbox hook as the inbox does and
// checks the spans and metrics.
func TestTelemetry_InboxHooks(t *testing.T) {
	tel, spans, reader := setup(t)
	hooks := tel.InboxHooks()
	ctx := context.Background()
	st := inbox.Storing{Provider: "test", Type: event.BookingCreated, EventID: "e-1", ID: 7, Duration: time.Millisecond}
	hooks.Stored(ctx, st)
	hooks.Duplicate(ctx, inbox.Storing{Provider: "test", Type: event.BookingCreated, EventID: "e-1"})
	hooks.StoreFailed(ctx, inbox.Storing{Provider: "test", Type: event.BookingCreated, EventID: "e-2", Err: errors.New("db down")})
	hooks.Stored(ctx, inbox.Storing{Provider: "test", Type: event.TypeUnknown, EventID: "h", ID: 8, Dead: true})

	a := inbox.AttemptInfo{ID: 7, Provider: "test", EventID: "e-1", Type: event.BookingCreated, Number: 1}
	outcomes := []struct {
		out inbox.Outcome
		err error
	}{
		{inbox.OutcomeRetry, errors.New("boom")},
		{inbox.OutcomeRateLimited, &event.RateLimitError{Provider: "test"}},
		{inbox.OutcomeDead, &event.PanicError{Value: "boom"}},
		{inbox.OutcomeDone, nil},
		{inbox.OutcomeCoalesced, nil},
	}
	for _, o := range outcomes {
		actx := hooks.AttemptStarted(ctx, a)
		require.True(t, trace.SpanFromContext(actx).IsRecording())
		r := inbox.AttemptResult{AttemptInfo: a, Outcome: o.out, Err: o.err, Duration: 20 * time.Millisecond}
		if o.out == inbox.OutcomeCoalesced {
			r.HandledID, r.Coalesced = 9, 2
		}
		hooks.AttemptFinished(actx, r)
		if o.out == inbox.OutcomeDead {
			hooks.Dead(actx, r)
		}
	}
	// Buried by a claim: no attempt span.
	hooks.Dead(ctx, inbox.AttemptResult{AttemptInfo: inbox.AttemptInfo{ID: 10, Provider: "test", EventID: "e-3", Type: event.BookingCreated},
		Outcome: inbox.OutcomeDead, Err: errors.New("no attempt left")})

	proc := "messaging.operation.name=process messaging.operation.type=process pmshooks.event.type=booking.created "
	attempts := []point{
		{"error.type=_OTHER " + proc + "pmshooks.outcome=retry pmshooks.provider=test", 1},
		{"error.type=panic " + proc + "pmshooks.outcome=dead pmshooks.provider=test", 1},
		{"error.type=rate_limited " + proc + "pmshooks.outcome=rate_limited pmshooks.provider=test", 1},
		{proc + "pmshooks.outcome=coalesced pmshooks.provider=test", 1},
		{proc + "pmshooks.outcome=done pmshooks.provider=test", 1},
	}
	want := map[string][]point{
		pmsotel.ConsumedMessagesName: attempts,
		pmsotel.ProcessDurationName:  attempts,
		pmsotel.StoredName: {
			{"pmshooks.event.type=booking.created pmshooks.outcome=duplicate pmshooks.provider=test", 1},
			{"pmshooks.event.type=booking.created pmshooks.outcome=failed pmshooks.provider=test", 1},
			{"pmshooks.event.type=booking.created pmshooks.outcome=stored pmshooks.provider=test", 1},
			{"pmshooks.event.type=unknown pmshooks.outcome=stored_dead pmshooks.provider=test", 1},
		},
		pmsotel.DeadName: {{"pmshooks.event.type=booking.created pmshooks.provider=test", 2}},
	}
	assert.Equal(t, want, collect(t, reader))

	ended := spans.Ended()
	require.Len(t, ended, 6, "five attempts and one burial")
	e1 := pmsotel.DeliverySpanContext("test", "e-1")
	for _, s := range ended[:5] {
		assert.Equal(t, "process test", s.Name())
		assert.Equal(t, e1.TraceID(), s.SpanContext().TraceID())
		assert.Equal(t, "7", spanAttr(s, pmsotel.DeliveryIDKey))
		assert.Equal(t, "1", spanAttr(s, pmsotel.AttemptKey))
	}
	assert.Equal(t, codes.Error, ended[0].Status().Code)
	assert.Equal(t, "done", spanAttr(ended[3], pmsotel.OutcomeKey))
	assert.Equal(t, codes.Unset, ended[3].Status().Code)
	assert.Equal(t, "9", spanAttr(ended[4], "pmshooks.handled.delivery.id"))
	assert.Equal(t, "dead test", ended[5].Name())
	assert.Equal(t, pmsotel.DeliverySpanContext("test", "e-3").TraceID(), ended[5].SpanContext().TraceID())
}

// TestTelemetry_inbox follows one delivery through a real inbox: its
// receive span and its attempt span share the delivery's trace, and the
// attempt span ends once "done" is committed.
func TestTelemetry_inbox(t *testing.T) {
	tel, spans, reader := setup(t)
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "inbox.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ib, err := inbox.New(db, inbox.SQLite, inbox.WithHooks(tel.InboxHooks()), inbox.WithPollInterval(10*time.Millisecond))
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(t.Context()))
	h := ib.HTTPHandler(receiver(t), event.WithHooks(tel.EventHooks()))
	require.Equal(t, 200, post(t, h, "booking.created|b-1", true))

	ctx, cancel := context.WithCancel(t.Context())
	handled := make(chan trace.SpanContext, 1)
	done := make(chan error, 1)
	go func() {
		done <- ib.Run(ctx, event.HandlerFunc(func(ctx context.Context, _ event.Event) error {
			handled <- trace.SpanContextFromContext(ctx)
			return nil
		}))
	}()
	inHandler := <-handled
	require.Eventually(t, func() bool { return len(spans.Ended()) == 2 }, 10*time.Second, 5*time.Millisecond)
	cancel()
	require.NoError(t, <-done)

	ended := spans.Ended()
	b1 := pmsotel.DeliverySpanContext("test", "b-1").TraceID()
	assert.Equal(t, "receive test", ended[0].Name())
	assert.Equal(t, "process test", ended[1].Name())
	for _, s := range ended {
		assert.Equal(t, b1, s.SpanContext().TraceID(), "%s in the delivery's trace", s.Name())
	}
	assert.Equal(t, ended[1].SpanContext().SpanID(), inHandler.SpanID(), "the handler runs in the attempt span")
	assert.Equal(t, "done", spanAttr(ended[1], pmsotel.OutcomeKey))
	require.NotEmpty(t, ended[0].Events())
	assert.Equal(t, "stored", ended[0].Events()[0].Name, "the store is an event of the receive span")

	got := collect(t, reader)
	assert.Len(t, got[pmsotel.StoredName], 1)
	assert.Len(t, got[pmsotel.ProcessDurationName], 1)
	assert.Len(t, got[pmsotel.ConsumedMessagesName], 2, "one receive, one process")
}

// TestTelemetry_metricsBounded: no metric attribute holds an id.
func TestTelemetry_metricsBounded(t *testing.T) {
	tel, _, reader := setup(t)
	h := event.NewHTTPHandler(receiver(t), event.HandlerFunc(func(context.Context, event.Event) error { return nil }),
		event.WithHooks(tel.EventHooks()))
	for i := range 20 {
		require.Equal(t, 200, post(t, h, fmt.Sprintf("booking.created|id-%d", i), true))
	}
	hooks := tel.InboxHooks()
	for i := range 20 {
		a := inbox.AttemptInfo{ID: int64(i + 1), Provider: "test", EventID: fmt.Sprintf("id-%d", i), Type: event.BookingCreated, Number: i}
		hooks.AttemptFinished(hooks.AttemptStarted(context.Background(), a), inbox.AttemptResult{AttemptInfo: a, Outcome: inbox.OutcomeDone})
	}
	for name, ps := range collect(t, reader) {
		for _, p := range ps {
			assert.NotContains(t, p.attrs, "id-", "%s", name)
			assert.NotContains(t, p.attrs, "delivery.id", "%s", name)
			assert.NotContains(t, p.attrs, "attempt=", "%s", name)
		}
	}
}

func TestDeliverySpanContext(t *testing.T) {
	a := pmsotel.DeliverySpanContext("channex", "e-1")
	assert.True(t, a.IsValid())
	assert.True(t, a.IsRemote())
	assert.True(t, a.IsSampled())
	assert.Equal(t, a, pmsotel.DeliverySpanContext("channex", "e-1"), "deterministic")
	assert.NotEqual(t, a.TraceID(), pmsotel.DeliverySpanContext("hostaway", "e-1").TraceID())
	assert.NotEqual(t, a.TraceID(), pmsotel.DeliverySpanContext("channex", "e-2").TraceID())
	assert.NotEqual(t, pmsotel.DeliverySpanContext("a", "b\x00c"), pmsotel.DeliverySpanContext("a\x00b", "c"),
		"provider and id are separated")
}

func TestPrometheusHandler(t *testing.T) {
	metrics, mp, err := pmsotel.PrometheusHandler()
	require.NoError(t, err)
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	tel, err := pmsotel.New(pmsotel.WithMeterProvider(mp), pmsotel.WithTracerProvider(noop.NewTracerProvider()))
	require.NoError(t, err)
	h := event.NewHTTPHandler(receiver(t), event.HandlerFunc(func(context.Context, event.Event) error { return nil }),
		event.WithHooks(tel.EventHooks()))
	require.Equal(t, 200, post(t, h, "booking.created|b-1", true))
	require.Equal(t, 401, post(t, h, "booking.created|b-2", false))

	w := httptest.NewRecorder()
	metrics.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, w.Code)
	b, err := io.ReadAll(w.Body)
	require.NoError(t, err)
	text := string(b)
	for _, want := range []string{
		"# TYPE messaging_process_duration_seconds histogram",
		"# TYPE messaging_client_consumed_messages_total counter",
		"# TYPE pmshooks_receive_rejected_total counter",
		`pmshooks_provider="test"`,
		`pmshooks_reject_reason="unauthenticated"`,
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "b-1", "no id in the metrics")
	assert.NotContains(t, text, "go_goroutines", "a registry of its own, not the default one")
}
