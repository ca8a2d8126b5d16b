// Command middleware shows pmshooks inside a service that already has a
// router: the webhook routes are ordinary routes wrapped by
// event.Middleware, next to the service's own API.
//
// Run it from the repository root:
//
//	HOSTAWAY_WEBHOOK_PASSWORD=s3cret go run ./examples/middleware -addr 127.0.0.1:8081
//
// and send it a signed sample from another terminal:
//
//	HOSTAWAY_WEBHOOK_PASSWORD=s3cret go run ./cmd/pmshooks send hostaway reservation.created --url http://127.0.0.1:8081/webhooks/hostaway
//	curl http://127.0.0.1:8081/api/bookings
//
// The middleware authenticates, bounds and parses each delivery and answers
// 401, 400 and 413 itself; the service's handler gets the normalized event
// from the request context (event.FromContext) and decides the answer. With
// HOSTAWAY_WEBHOOK_PASSWORD unset it makes up a password and prints it.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/verify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("middleware", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	login, password := getenv("HOSTAWAY_WEBHOOK_LOGIN"), getenv("HOSTAWAY_WEBHOOK_PASSWORD")
	if login == "" {
		login = "pmshooks"
	}
	if password == "" {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		password = "dev-" + hex.EncodeToString(b)
		fmt.Fprintf(stdout, "DEVELOPMENT MODE: HOSTAWAY_WEBHOOK_LOGIN=%s HOSTAWAY_WEBHOOK_PASSWORD=%s\n", login, password)
	}
	svc, err := newService(verify.Credentials{User: login, Password: password}, logger)
	if err != nil {
		fmt.Fprintln(stderr, "middleware:", err)
		return 1
	}
	srv := &http.Server{
		Addr:              *addr,
		Handler:           svc.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
	}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	logger.Info("listening", "addr", *addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "middleware:", err)
		return 1
	}
	return 0
}

// service is an existing application: it keeps bookings and has its own API.
type service struct {
	webhooks func(http.Handler) http.Handler
	logger   *slog.Logger

	mu       sync.Mutex
	bookings map[string]event.Booking
}

func newService(creds verify.Credentials, logger *slog.Logger) (*service, error) {
	v, err := hostaway.NewVerifier(creds)
	if err != nil {
		return nil, err
	}
	rc, err := hostaway.NewReceiver(v)
	if err != nil {
		return nil, err
	}
	return &service{
		webhooks: event.Middleware(rc, event.WithLogger(logger), event.WithBodyLimit(1<<20)),
		logger:   logger,
		bookings: map[string]event.Booking{},
	}, nil
}

// routes is the service's router: its own API, and the webhook route wrapped
// by the middleware like any other.
func (s *service) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /api/bookings", s.listBookings)
	mux.Handle("POST /webhooks/hostaway", s.webhooks(http.HandlerFunc(s.hostawayHook)))
	return requestLog(s.logger, mux)
}

// hostawayHook runs after the middleware accepted the delivery.
func (s *service) hostawayHook(w http.ResponseWriter, r *http.Request) {
	e, ok := event.FromContext(r.Context())
	if !ok { // cannot happen behind the middleware
		http.Error(w, "no event", http.StatusInternalServerError)
		return
	}
	if b, ok := event.BookingOf(e); ok {
		s.mu.Lock()
		s.bookings[b.ID] = b
		s.mu.Unlock()
	}
	s.logger.Info("webhook", "event", e.Name(), "type", e.Type(), "subject", e.Subject().String())
	w.WriteHeader(http.StatusOK)
}

func (s *service) listBookings(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.bookings)
}

// requestLog is a middleware the service already had.
func requestLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		logger.Debug("request", "method", r.Method, "path", r.URL.Path, "took", time.Since(start))
	})
}
