package event_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/verify"
)

// headerCheckingReceiver is a Receiver whose credential is in the headers
// alone, as Basic and token schemes are: it implements VerifyHeader.
type headerCheckingReceiver struct {
	event.Receiver
	verifyHeaderCalls atomic.Int32
}

func (r *headerCheckingReceiver) VerifyHeader(h http.Header) error {
	r.verifyHeaderCalls.Add(1)
	if h.Get("X-Token") != testToken {
		return verify.ErrUnauthorized
	}
	return nil
}

// tripwireBody fails the test when anything reads it.
type tripwireBody struct {
	t    *testing.T
	read atomic.Bool
}

func (b *tripwireBody) Read([]byte) (int, error) {
	b.read.Store(true)
	return 0, errors.New("tripwire: the body was read")
}

func (b *tripwireBody) Close() error { return nil }

// TestHTTPHandler_headerCredentialsCheckedBeforeBody sends an unauthenticated
// request that declares an almost 5 MiB body: it is refused from its headers,
// and the body is never read, so it costs no memory.
func TestHTTPHandler_headerCredentialsCheckedBeforeBody(t *testing.T) {
	t.Parallel()
	ok := event.HandlerFunc(func(context.Context, event.Event) error { return nil })
	for name, h := range map[string]func(*headerCheckingReceiver) http.Handler{
		"NewHTTPHandler": func(rc *headerCheckingReceiver) http.Handler { return event.NewHTTPHandler(rc, ok) },
		"Middleware": func(rc *headerCheckingReceiver) http.Handler {
			return event.Middleware(rc)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		},
	} {
		t.Run(name, func(t *testing.T) {
			rc := &headerCheckingReceiver{Receiver: testReceiver(t)}
			body := &tripwireBody{t: t}
			r := httptest.NewRequest(http.MethodPost, "/hooks/test", nil)
			r.Body, r.ContentLength = body, 5<<20-1
			r.Header.Set("X-Token", "wrong")
			w := serve(h(rc), r)
			assert.Equal(t, http.StatusUnauthorized, w.Code)
			assert.False(t, body.read.Load(), "the body of an unauthenticated request is not read")
			assert.Equal(t, int32(1), rc.verifyHeaderCalls.Load())

			// With the right credential the delivery goes through.
			w = serve(h(rc), post("booking.created|ev-1", true))
			assert.Equal(t, http.StatusOK, w.Code)
		})
	}
}

// slowBody yields nothing until release is closed.
type slowBody struct {
	release chan struct{}
	r       io.Reader
}

func (b *slowBody) Read(p []byte) (int, error) {
	<-b.release
	return b.r.Read(p)
}

func (b *slowBody) Close() error { return nil }

// TestHTTPHandler_maxConcurrentReads holds every read slot with slow bodies:
// the next request waits, then is answered 503 with Retry-After, and once a
// slot is free deliveries go through again.
func TestHTTPHandler_maxConcurrentReads(t *testing.T) {
	t.Parallel()
	h := event.NewHTTPHandler(testReceiver(t), event.HandlerFunc(func(context.Context, event.Event) error { return nil }),
		event.WithMaxConcurrentReads(2))
	release := make(chan struct{})
	done := make(chan int, 2)
	for i := range 2 {
		r := post("", true)
		r.Body = &slowBody{release: release, r: strings.NewReader("booking.created|slow-" + string(rune('a'+i)))}
		go func() { done <- serve(h, r).Code }()
	}
	// Wait until both slow requests hold their slots: a third request is
	// then refused after the one-second wait.
	deadline := time.Now().Add(5 * time.Second)
	var w *httptest.ResponseRecorder
	for {
		start := time.Now()
		w = serve(h, post("booking.created|ev-3", true))
		if w.Code == http.StatusServiceUnavailable {
			assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "it waited for a slot first")
			break
		}
		require.True(t, time.Now().Before(deadline), "the slow bodies never held the slots")
	}
	assert.Equal(t, "5", w.Header().Get("Retry-After"))

	close(release)
	assert.Equal(t, http.StatusOK, <-done)
	assert.Equal(t, http.StatusOK, <-done)
	assert.Equal(t, http.StatusOK, serve(h, post("booking.created|ev-4", true)).Code, "slots are given back")
}

// TestWithMalformed hands an authenticated but undecodable delivery, with
// its exact body and the Receiver's error, to the configured function; an
// unauthenticated one never reaches it.
func TestWithMalformed(t *testing.T) {
	t.Parallel()
	var (
		gotBody []byte
		gotErr  error
		calls   int
	)
	f := func(w http.ResponseWriter, _ *http.Request, body []byte, err error) {
		calls++
		gotBody, gotErr = body, err
		w.WriteHeader(http.StatusAccepted)
	}
	h := event.NewHTTPHandler(testReceiver(t), event.HandlerFunc(func(context.Context, event.Event) error { return nil }),
		event.WithMalformed(f))
	assert.Equal(t, http.StatusAccepted, serve(h, post("no separator", true)).Code)
	assert.Equal(t, "no separator", string(gotBody))
	require.ErrorIs(t, gotErr, event.ErrMalformed)
	assert.Equal(t, http.StatusUnauthorized, serve(h, post("no separator", false)).Code)
	assert.Equal(t, 1, calls, "only authenticated deliveries reach it")

	// The default answers 400.
	h = event.NewHTTPHandler(testReceiver(t), event.HandlerFunc(func(context.Context, event.Event) error { return nil }),
		event.WithMalformed(nil))
	assert.Equal(t, http.StatusBadRequest, serve(h, post("no separator", true)).Code)
}

// wrappedWindowReceiver declares a dedupe window and a secret header.
type wrappedWindowReceiver struct{ *eventtest.Receiver }

func (wrappedWindowReceiver) DedupeWindow() time.Duration { return time.Hour }
func (wrappedWindowReceiver) SecretHeaders() []string     { return []string{"X-Token"} }

// unwrapping wraps a Receiver the right way: it forwards nothing but says
// what it wraps.
type unwrapping struct{ event.Receiver }

func (u unwrapping) Unwrap() event.Receiver { return u.Receiver }

// selfish claims to wrap itself.
type selfish struct{ event.Receiver }

func (s *selfish) Unwrap() event.Receiver { return s }

// embedding wraps a Receiver by embedding the interface, which hides every
// optional method.
type embedding struct{ event.Receiver }

// TestAs follows Unwrap chains to the optional methods of a wrapped
// Receiver, and stops on a chain that loops.
func TestAs(t *testing.T) {
	t.Parallel()
	inner := wrappedWindowReceiver{testReceiver(t)}
	tests := []struct {
		name       string
		r          event.Receiver
		wantWindow time.Duration
		wantSecret []string
	}{
		{"the receiver itself", inner, time.Hour, []string{"X-Token"}},
		{"one Unwrap", unwrapping{inner}, time.Hour, []string{"X-Token"}},
		{"two Unwraps", unwrapping{unwrapping{inner}}, time.Hour, []string{"X-Token"}},
		{"embedding hides them", embedding{inner}, 0, nil},
		{"a loop ends", &selfish{inner}, 0, nil},
		{"nil", nil, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.wantWindow, event.DedupeWindowOf(tc.r))
			assert.Equal(t, tc.wantSecret, event.SecretHeadersOf(tc.r))
			_, ok := event.As[event.Decoder](tc.r)
			assert.Equal(t, tc.wantWindow != 0, ok, "the test receiver is a Decoder")
		})
	}
}
