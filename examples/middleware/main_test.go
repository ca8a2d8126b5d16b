package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/verify"
)

func TestService_routes(t *testing.T) {
	t.Parallel()
	creds := verify.Credentials{User: "pmshooks", Password: "pw"}
	s, err := newService(creds, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	h := s.routes()
	signer, err := hostaway.NewVerifier(creds)
	require.NoError(t, err)

	send := func(r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	r, err := hostawaytest.NewSampleRequest(t.Context(), "/webhooks/hostaway", "reservation.created", nil, signer)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, send(r).Code)

	r, err = hostawaytest.NewSampleRequest(t.Context(), "/webhooks/hostaway", "reservation.created", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, send(r).Code)

	bad := httptest.NewRequest(http.MethodPost, "/webhooks/hostaway", strings.NewReader("{not json"))
	signer.Sign(bad.Header, nil)
	assert.Equal(t, http.StatusBadRequest, send(bad).Code)

	w := send(httptest.NewRequest(http.MethodGet, "/api/bookings", nil))
	require.Equal(t, http.StatusOK, w.Code)
	var got map[string]event.Booking
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	assert.Len(t, got, 1, "the signed delivery was stored, the others were not")

	assert.Equal(t, http.StatusNoContent, send(httptest.NewRequest(http.MethodGet, "/healthz", nil)).Code)
}
