package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
)

// benchBackends are the dialects to measure: SQLite always, PostgreSQL when
// PMSHOOKS_TEST_POSTGRES_DSN is set.
func benchBackends() []func(testing.TB) backend {
	bs := []func(testing.TB) backend{func(testing.TB) backend { return sqliteBackend() }}
	if os.Getenv(postgresEnv) != "" {
		bs = append(bs, postgresBackend)
	}
	return bs
}

// BenchmarkHTTPHandler measures receive-and-commit: authenticate, decode and
// store one delivery, answered 200 after the commit. "serial" is one request
// at a time, the latency a provider sees; "parallel" is GOMAXPROCS×4
// concurrent requests, where PostgreSQL commits several at once.
func BenchmarkHTTPHandler(b *testing.B) {
	raw := body(payload{ID: "ev-000000000", Subject: "b-1", Time: "2026-02-27T10:00:00Z"})
	for _, backendOf := range benchBackends() {
		be := backendOf(b)
		b.Run(be.name+"/serial", func(b *testing.B) {
			f := setup(b, be)
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			b.ResetTimer()
			for i := range b.N {
				if code := post(b, f.handler, f.signer, body(payload{ID: fmt.Sprintf("ev-%09d", i), Subject: "b-1", Time: "2026-02-27T10:00:00Z"})); code != http.StatusOK {
					b.Fatalf("status %d", code)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
		})
		b.Run(be.name+"/parallel", func(b *testing.B) {
			f := setup(b, be)
			var next atomic.Int64
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					if code := post(b, f.handler, f.signer, body(payload{ID: fmt.Sprintf("ev-%09d", i), Subject: fmt.Sprintf("b-%d", i%100), Time: "2026-02-27T10:00:00Z"})); code != http.StatusOK {
						b.Errorf("status %d", code)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}

// BenchmarkRun measures processing: claim, decode, handle (a no-op) and
// record, with DefaultWorkers workers, over deliveries stored beforehand in
// 100 subjects.
func BenchmarkRun(b *testing.B) {
	for _, backendOf := range benchBackends() {
		be := backendOf(b)
		b.Run(be.name, func(b *testing.B) {
			f := setup(b, be, inbox.WithWorkers(inbox.DefaultWorkers))
			for i := range b.N {
				f.postOK(b, payload{ID: fmt.Sprintf("ev-%09d", i), Subject: fmt.Sprintf("b-%d", i%100)})
			}
			var done atomic.Int64
			h := event.HandlerFunc(func(context.Context, event.Event) error { done.Add(1); return nil })
			b.ReportAllocs()
			b.ResetTimer()
			stop := run(b, f.ib, h)
			eventually(b, 10*time.Minute, func() bool { return done.Load() == int64(b.N) }, "all handled")
			b.StopTimer()
			stop()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}
