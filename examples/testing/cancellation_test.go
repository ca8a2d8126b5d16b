package testing_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/verify"
)

// TestCancellation is the README's example, as written there.
func TestCancellation(t *testing.T) {
	hv, _ := hostaway.NewVerifier(verify.Credentials{User: "login", Password: "password"})
	hrc, _ := hostaway.NewReceiver(hv)
	ov, _ := ownerrez.NewVerifier(verify.Credentials{User: "hooks", Password: "s3cret"})
	orc, _ := ownerrez.NewReceiver(ov)

	var got []string
	mux := event.NewMux()
	mux.On(event.BookingCancelled, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
		b, _ := event.BookingOf(e)
		got = append(got, fmt.Sprint(e.Provider(), " ", e.Type(), " ", b.ID))
		return nil
	}))
	srv := http.NewServeMux()
	srv.Handle("POST /hooks/hostaway", event.NewHTTPHandler(hrc, mux))
	srv.Handle("POST /hooks/ownerrez", event.NewHTTPHandler(orc, mux))
	post := func(req *http.Request, err error) {
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
	}

	post(hostawaytest.NewSampleRequest(t.Context(), "/hooks/hostaway", hostawaytest.CancelledBooking, nil, hv))
	post(ownerreztest.NewSampleRequest(t.Context(), "/hooks/ownerrez", ownerreztest.CancelledBooking,
		map[string]any{"entity.id": 42, "entity_id": 42}, ov))

	require.Equal(t, []string{"hostaway booking.cancelled 48213377", "ownerrez booking.cancelled 42"}, got)
}

// TestCancellation_twice posts the same cancellation twice: each
// NewSampleRequest is a new delivery, so deduplication lets both through,
// while the canonical Sample posted twice is a delivery and its retry.
func TestCancellation_twice(t *testing.T) {
	t.Parallel()
	v, err := ownerrez.NewVerifier(verify.Credentials{User: "hooks", Password: "s3cret"})
	require.NoError(t, err)
	rc, err := ownerrez.NewReceiver(v)
	require.NoError(t, err)
	var n int
	h := event.NewHTTPHandler(rc, event.HandlerFunc(func(context.Context, event.Event) error { n++; return nil }))
	post := func(req *http.Request, err error) {
		t.Helper()
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
	}
	for range 2 {
		post(ownerreztest.NewSampleRequest(t.Context(), "/hooks/ownerrez", ownerreztest.CancelledBooking, nil, v))
	}
	require.Equal(t, 2, n, "two new deliveries")

	body, ok := ownerreztest.Sample(ownerreztest.CancelledBooking)
	require.True(t, ok)
	for range 2 {
		post(ownerreztest.NewRequest(t.Context(), "/hooks/ownerrez", body, v))
	}
	require.Equal(t, 3, n, "the same body twice: the second is a retry")
}
