// Package fakeapi is what the fake provider APIs of the <provider>test
// packages share: faults injected per route (an error status with
// Retry-After, a slow answer, a dropped connection, a hung request),
// request counts and the last body of each route.
package fakeapi

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault is one injected answer to one request. Delay applies first; then
// exactly one of Hang, Drop and Status, in that order; a Fault with only a
// Delay answers normally, late.
type Fault struct {
	// Status is the HTTP status to answer, with the provider's error body
	// for it unless Body is set.
	Status int
	// Header is added to the answer, such as Retry-After.
	Header http.Header
	// Body replaces the default error body; it is sent as JSON.
	Body string
	// Delay holds the answer back this long (or until the request ends).
	Delay time.Duration
	// Drop closes the connection after reading the request, without any
	// answer: the request may have taken effect.
	Drop bool
	// Hang answers nothing until the client gives up or the server closes.
	Hang bool
}

// ErrorWriter writes the provider's error answer for status.
type ErrorWriter func(w http.ResponseWriter, status int)

// Recorder counts requests per route and answers them with queued faults.
// Routes are "METHOD path", path relative to the API root: either the exact
// path ("/bookings/7") or the pattern it matched ("/bookings/{id}"). Its
// methods are safe for concurrent use.
type Recorder struct {
	prefix  string
	closing chan struct{}
	once    sync.Once

	mu     sync.Mutex
	faults map[string][]Fault
	counts map[string]int
	bodies map[string][]byte
}

// NewRecorder returns a Recorder for an API whose root is at prefix (such
// as "/v2"; "" for the host's root).
func NewRecorder(prefix string) *Recorder {
	return &Recorder{
		prefix:  strings.TrimSuffix(prefix, "/"),
		closing: make(chan struct{}),
		faults:  map[string][]Fault{},
		counts:  map[string]int{},
		bodies:  map[string][]byte{},
	}
}

// Close releases the requests that hang on a Hang fault.
func (r *Recorder) Close() { r.once.Do(func() { close(r.closing) }) }

// Fail queues faults for the route "METHOD path". Each request to the route
// takes the next fault; once they are used up the route answers normally.
// Faults queued on the exact path are taken before those on its pattern.
func (r *Recorder) Fail(method, path string, faults ...Fault) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := method + " " + path
	r.faults[key] = append(r.faults[key], faults...)
}

// Requests returns how many requests reached the route "METHOD path" (an
// exact path or a pattern), faulted ones included.
func (r *Recorder) Requests(method, path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[method+" "+path]
}

// LastBody returns the body of the last request to the route.
func (r *Recorder) LastBody(method, path string) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.bodies[method+" "+path])
}

// Wrap returns a handler that records each request, answers it with the
// next fault queued for its route (errors written by werr), and otherwise
// passes it to mux. The request body is read into memory and left readable.
func (r *Recorder) Wrap(mux *http.ServeMux, werr ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(req.Body, 10<<20))
		req.Body = io.NopCloser(bytes.NewReader(body))
		exact := req.Method + " " + strings.TrimPrefix(req.URL.Path, r.prefix)
		keys := []string{exact}
		if _, pattern := mux.Handler(req); pattern != "" {
			_, p, _ := strings.Cut(pattern, " ")
			if p = strings.TrimPrefix(p, r.prefix); p != "" && req.Method+" "+p != exact {
				keys = append(keys, req.Method+" "+p)
			}
		}

		var fault *Fault
		r.mu.Lock()
		for _, k := range keys {
			r.counts[k]++
			r.bodies[k] = body
		}
		for _, k := range keys {
			if q := r.faults[k]; len(q) > 0 {
				fault = &q[0]
				r.faults[k] = q[1:]
				break
			}
		}
		r.mu.Unlock()

		if fault != nil && r.fail(w, req, *fault, werr) {
			return
		}
		mux.ServeHTTP(w, req)
	})
}

// fail answers req with f and reports whether it did; false means that f
// was only a delay and the request goes on.
func (r *Recorder) fail(w http.ResponseWriter, req *http.Request, f Fault, werr ErrorWriter) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-req.Context().Done():
			t.Stop()
			return true
		case <-r.closing:
			t.Stop()
			return true
		}
	}
	switch {
	case f.Hang:
		select {
		case <-req.Context().Done():
		case <-r.closing:
		}
		return true
	case f.Drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case f.Status == 0:
		return false
	}
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		io.WriteString(w, f.Body)
		return true
	}
	werr(w, f.Status)
	return true
}
