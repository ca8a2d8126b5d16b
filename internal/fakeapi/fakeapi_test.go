package fakeapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newServer(t *testing.T) (*Recorder, *httptest.Server) {
	t.Helper()
	rec := NewRecorder("/v1")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/bookings/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"id":"`+r.PathValue("id")+`"}`)
	})
	mux.HandleFunc("POST /v1/bookings", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	})
	srv := httptest.NewServer(rec.Wrap(mux, func(w http.ResponseWriter, status int) {
		w.WriteHeader(status)
		io.WriteString(w, `{"error":"fake"}`)
	}))
	t.Cleanup(func() { rec.Close(); srv.Close() })
	return rec, srv
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestRecorder(t *testing.T) {
	rec, srv := newServer(t)
	rec.Fail("GET", "/bookings/{id}",
		Fault{Status: 429, Header: http.Header{"Retry-After": {"7"}}},
		Fault{Status: 503, Body: `{"custom":1}`},
		Fault{Delay: 20 * time.Millisecond},
	)
	rec.Fail("GET", "/bookings/9", Fault{Status: 404})

	code, _, body := get(t, srv.URL+"/v1/bookings/9")
	assert.Equal(t, 404, code, "the exact path's fault comes first")
	assert.Equal(t, `{"error":"fake"}`, body)

	code, h, _ := get(t, srv.URL+"/v1/bookings/1")
	assert.Equal(t, 429, code)
	assert.Equal(t, "7", h.Get("Retry-After"))

	code, _, body = get(t, srv.URL+"/v1/bookings/2")
	assert.Equal(t, 503, code)
	assert.Equal(t, `{"custom":1}`, body)

	start := time.Now()
	code, _, body = get(t, srv.URL+"/v1/bookings/3")
	assert.Equal(t, 200, code)
	assert.Equal(t, `{"id":"3"}`, body)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)

	code, _, _ = get(t, srv.URL+"/v1/bookings/4")
	assert.Equal(t, 200, code, "faults used up")

	assert.Equal(t, 5, rec.Requests("GET", "/bookings/{id}"))
	assert.Equal(t, 1, rec.Requests("GET", "/bookings/9"))
	assert.Equal(t, 0, rec.Requests("GET", "/bookings/5"))

	resp, err := http.Post(srv.URL+"/v1/bookings", "application/json", strings.NewReader(`{"a":1}`))
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, `{"a":1}`, string(b), "the handler still reads the body")
	assert.Equal(t, `{"a":1}`, string(rec.LastBody("POST", "/bookings")))
}

func TestRecorder_dropAndHang(t *testing.T) {
	rec, srv := newServer(t)
	rec.Fail("GET", "/bookings/{id}", Fault{Drop: true}, Fault{Hang: true})
	_, err := http.Get(srv.URL + "/v1/bookings/1")
	require.Error(t, err)

	c := &http.Client{Timeout: 50 * time.Millisecond}
	_, err = c.Get(srv.URL + "/v1/bookings/1")
	require.Error(t, err)
	code, _, _ := get(t, srv.URL+"/v1/bookings/1")
	assert.Equal(t, 200, code)
}
