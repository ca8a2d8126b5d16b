package channex

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/verify"
)

// seed adds every sample and testdata variant to f.
func seed(f *testing.F) {
	for _, d := range deliveries(f) {
		f.Add(d.body)
	}
	f.Add([]byte(`{"event":"ari","payload":{}}`))
	f.Add([]byte(`{"event":"booking","payload":null}`))
	f.Add([]byte(`{}`))
}

// FuzzParse: Parse never panics; it either fails with ErrMalformed or
// returns a Webhook holding the body that normalizes without panicking.
// isEnvelope is FuzzParse's oracle for what Parse must accept: a JSON
// object whose event is a non-empty JSON string.
func isEnvelope(body []byte) bool {
	var env struct {
		Event json.RawMessage `json:"event"`
	}
	if json.Unmarshal(body, &env) != nil {
		return false
	}
	var name string
	return json.Unmarshal(env.Event, &name) == nil && name != ""
}

func FuzzParse(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := Parse(body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("Parse error does not wrap ErrMalformed: %v", err)
			}
			if w != nil {
				t.Fatal("Parse returned a Webhook with an error")
			}
			if isEnvelope(body) {
				t.Fatalf("Parse rejected an envelope: %v", err)
			}
			return
		}
		if w.Event == "" {
			t.Fatal("Parse accepted a body without event")
		}
		if !json.Valid(body) {
			t.Fatal("Parse accepted a body that is not JSON")
		}
		if len(body) > 0 && &w.Raw[0] != &body[0] {
			t.Fatal("Raw is not the body")
		}
		e := normalize(w, event.RecordCreated)
		if e.Name() != w.Event || e.Provider() != Provider || !e.Type().Known() {
			t.Fatalf("bad event %v", e)
		}
		event.BookingOf(e)
		event.MessageOf(e)
	})
}

// FuzzVerify: a header the Verifier signed verifies for any body, and a
// one-byte change of the token fails, in Verify and in VerifyHeader.
func FuzzVerify(f *testing.F) {
	seed(f)
	v, err := NewVerifier(SuggestedHeader, "s3cret-token", "older-token")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		h := http.Header{}
		v.Sign(h, body)
		if err := v.Verify(h, body); err != nil {
			t.Fatalf("signed delivery rejected: %v", err)
		}
		if err := v.VerifyHeader(h); err != nil {
			t.Fatalf("signed header rejected: %v", err)
		}
		token := []byte(h.Get(SuggestedHeader))
		i := len(body) % len(token)
		token[i] ^= 0x01
		h.Set(SuggestedHeader, string(token))
		if err := v.Verify(h, body); !errors.Is(err, verify.ErrUnauthorized) {
			t.Fatalf("altered token accepted: %v", err)
		}
		if err := v.VerifyHeader(h); !errors.Is(err, verify.ErrUnauthorized) {
			t.Fatalf("altered token passed VerifyHeader: %v", err)
		}
	})
}

// FuzzReceive: Receive never panics, authenticates before parsing, and
// never classifies an authentication failure as malformed.
func FuzzReceive(f *testing.F) {
	seed(f)
	v, err := NewVerifier(SuggestedHeader, "s3cret-token")
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
		if err != nil && !errors.Is(err, event.ErrMalformed) {
			t.Fatalf("authentic delivery failed other than malformed: %v", err)
		}
		if err == nil && e.Provider() != Provider {
			t.Fatal("wrong provider")
		}
		_, err = r.Receive(http.Header{SuggestedHeader: {"s3cret-tokem"}}, body)
		if !errors.Is(err, verify.ErrUnauthorized) || errors.Is(err, event.ErrMalformed) {
			t.Fatalf("forged delivery: %v", err)
		}
	})
}

// FuzzDecode: a Source's Decode is a parser; it never panics, fails only
// with ErrMalformed, and an event it returns is a booking event of the
// change, with the same id as the Change its body came from.
func FuzzDecode(f *testing.F) {
	rev := []byte(`{"id":"r-1","booking_id":"b-1","property_id":"p-1","status":"new","inserted_at":"2030-01-01T00:00:00.000000","amount":"10.00","currency":"EUR"}`)
	var r BookingRevision
	if err := json.Unmarshal(rev, &r); err != nil {
		f.Fatal(err)
	}
	c, err := changeOf(&r, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(c.Body)
	f.Add([]byte(`{"type":"booking_revision","id":"r-1","attributes":{"booking_id":"b-1","status":"cancelled","rooms":[{}]}}`))
	f.Add([]byte(`{"id":"r-1","attributes":null,"listed_at":"x"}`))
	f.Add([]byte(`{}`))
	s := &Source{}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := s.Decode(nil, body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("Decode error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		if e.Subject().Kind != event.KindBooking || e.Subject().ID == "" || event.VersionOf(e) == "" {
			t.Fatalf("event without booking or version: %v", e)
		}
		if want := changeID(e.Subject().ID, event.VersionOf(e)); e.ID() != want {
			t.Fatalf("ID %q, want %q", e.ID(), want)
		}
		if _, ok := event.RecordOf(e); !ok {
			t.Fatal("no record")
		}
	})
}
