package hostaway

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/verify"
)

// seedBodies returns every sample and every testdata fixture.
func seedBodies(f *testing.F) [][]byte {
	f.Helper()
	var bodies [][]byte
	for _, name := range sampleNames() {
		bodies = append(bodies, sample(f, name))
	}
	for _, name := range testutil.Fixtures(f, "*.json") {
		bodies = append(bodies, testutil.Fixture(f, name))
	}
	return bodies
}

func FuzzParse(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := Parse(body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("Parse error does not wrap ErrMalformed: %v", err)
			}
			if isEnvelope(body) {
				t.Fatalf("Parse rejected an envelope: %v", err)
			}
			return
		}
		if string(w.Raw) != string(body) {
			t.Fatal("Raw differs from the body")
		}
		if !json.Valid(body) {
			t.Fatal("Parse accepted a body that is not JSON")
		}
		e := normalize(w, time.UTC)
		if !e.Type().Known() {
			t.Fatalf("type %q is not a normalized type", e.Type())
		}
		if e.ID() == "" {
			t.Fatal("empty ID")
		}
	})
}

// isEnvelope is FuzzParse's oracle for what Parse must accept: a JSON
// object whose event and object members are strings when present, and name
// the delivery. (A body without names that Parse accepts is a test
// delivery, which the oracle does not model.)
func isEnvelope(body []byte) bool {
	var env struct {
		Event  json.RawMessage `json:"event"`
		Object json.RawMessage `json:"object"`
	}
	if json.Unmarshal(body, &env) != nil {
		return false
	}
	named := false
	for _, raw := range []json.RawMessage{env.Event, env.Object} {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return false
		}
		named = named || s != ""
	}
	return named
}

func FuzzVerify(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add("my_login", "s3cret", b)
	}
	f.Add("pmshooks", "p@ss:word é", []byte{})
	f.Fuzz(func(t *testing.T, user, password string, body []byte) {
		v, err := NewVerifier(verify.Credentials{User: user, Password: password})
		if err != nil {
			return // blank, white-space-padded or colon-bearing logins are refused up front
		}
		h := http.Header{}
		v.Sign(h, body)
		if err := v.Verify(h, body); err != nil {
			t.Fatalf("signed delivery rejected: %v", err)
		}
		if err := v.VerifyHeader(h); err != nil {
			t.Fatalf("signed header rejected: %v", err)
		}
		// Basic auth does not cover the body: a changed body still passes.
		if len(body) > 0 {
			changed := append([]byte(nil), body...)
			changed[0] ^= 1
			if err := v.Verify(h, changed); err != nil {
				t.Fatalf("Basic auth must not depend on the body: %v", err)
			}
		}
		// A one-byte change of the password fails.
		p := []byte(password)
		p[len(p)-1] ^= 1
		forged, err := NewVerifier(verify.Credentials{User: user, Password: string(p)})
		if err != nil {
			return
		}
		fh := http.Header{}
		forged.Sign(fh, body)
		if err := v.Verify(fh, body); !errors.Is(err, verify.ErrUnauthorized) {
			t.Fatalf("changed password accepted: %v", err)
		}
		// So does a one-byte change of the login.
		u := []byte(user)
		u[0] ^= 1
		if forged, err = NewVerifier(verify.Credentials{User: string(u), Password: password}); err == nil {
			fh = http.Header{}
			forged.Sign(fh, body)
			if err := v.Verify(fh, body); !errors.Is(err, verify.ErrUnauthorized) {
				t.Fatalf("changed login accepted: %v", err)
			}
		}
	})
}

func FuzzReceive(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	v, err := NewVerifier(verify.Credentials{User: "my_login", Password: "s3cret"})
	if err != nil {
		f.Fatal(err)
	}
	r, err := NewReceiver(v)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		h := http.Header{}
		v.Sign(h, body)
		e, err := r.Receive(h, body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("authentic delivery failed other than malformed: %v", err)
			}
			return
		}
		if e.Provider() != Provider || !e.Type().Known() || string(e.Raw()) != string(body) {
			t.Fatalf("bad event %v", e)
		}
		if _, err := r.Receive(http.Header{}, body); !errors.Is(err, verify.ErrUnauthorized) {
			t.Fatalf("unauthenticated delivery accepted: %v", err)
		}
	})
}

// FuzzDecode checks that a Source's Decode, a parser, never panics, fails
// only with event.ErrMalformed, and otherwise gives a polled event with a
// version.
func FuzzDecode(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"object":"reservation","event":"reservation.updated","accountId":"10450","listedAt":"2026-01-01T00:00:00Z","data":{"id":5,"updatedOn":"2026-01-01 00:00:00","insertedOn":"2025-12-01 00:00:00","status":"cancelled"}}`))
	f.Add([]byte(`{"object":"reservation","event":"reservation.created","data":{"id":"5","updatedOn":"2026-01-01T00:00:00+02:00"}}`))
	s := &Source{account: "10450"}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := s.Decode(nil, body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("Decode error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		if event.OriginOf(e) != event.OriginPoll || event.VersionOf(e) == "" {
			t.Fatalf("origin %q, version %q", event.OriginOf(e), event.VersionOf(e))
		}
		if _, ok := event.RecordOf(e); !ok {
			t.Fatal("no record")
		}
	})
}
