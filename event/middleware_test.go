package event_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
)

func TestMiddleware(t *testing.T) {
	t.Parallel()
	var gotEvent event.Event
	var gotBody string
	hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, ok := event.FromContext(r.Context())
		require.True(t, ok)
		gotEvent = e
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		gotBody = string(b)
		w.WriteHeader(http.StatusAccepted)
	})
	// A handler chain: a logging-like wrapper outside, the middleware inside.
	var outer int
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { outer++; next.ServeHTTP(w, r) })
	}
	mux := http.NewServeMux()
	mux.Handle("POST /hooks/test", wrap(event.Middleware(testReceiver(t), event.WithBodyLimit(64))(hook)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })

	tests := []struct {
		name string
		req  *http.Request
		want int
	}{
		{"authentic", post("booking.created|m-1", true), http.StatusAccepted},
		{"unauthenticated", post("booking.created|m-1", false), http.StatusUnauthorized},
		{"malformed", post("garbage", true), http.StatusBadRequest},
		{"too large", post("booking.created|"+string(make([]byte, 100)), true), http.StatusRequestEntityTooLarge},
		{"other route untouched", httptest.NewRequest(http.MethodGet, "/healthz", nil), http.StatusNoContent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gotEvent = nil
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, tc.req)
			assert.Equal(t, tc.want, w.Code)
			if tc.want == http.StatusAccepted {
				require.NotNil(t, gotEvent)
				assert.Equal(t, "m-1", gotEvent.ID())
				assert.Equal(t, "booking.created|m-1", gotBody, "the exact body is restored for next")
			} else {
				assert.Nil(t, gotEvent)
			}
		})
	}
	assert.Equal(t, 4, outer)

	// Without the middleware there is no event.
	_, ok := event.FromContext(t.Context())
	assert.False(t, ok)
	assert.Panics(t, func() { event.Middleware(nil) })
}
