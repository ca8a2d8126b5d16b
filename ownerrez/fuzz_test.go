package ownerrez

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/verify"
)

// seed adds every canonical sample and testdata variant to f.
func seed(f *testing.F) {
	for _, d := range deliveries(f) {
		f.Add(d.body)
	}
	f.Add([]byte(`{"action":"entity_update","entity_type":"booking","entity":{"total_amount":1e400,"arrival":""}}`))
	f.Add([]byte(`{"action":"entity_update","entity":null,"id":null,"user_id":"7"}`))
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
		if w.Action == "" {
			t.Fatal("Parse accepted a delivery without action")
		}
		if !json.Valid(body) {
			t.Fatal("Parse accepted a body that is not JSON")
		}
		e := normalize(w, event.MessageReceived)
		if e.ID() == "" || e.Name() == "" || e.Type() == "" {
			t.Fatalf("incomplete event: id %q name %q type %q", e.ID(), e.Name(), e.Type())
		}
		event.BookingOf(e)
		event.MessageOf(e)
	})
}

// isEnvelope is FuzzParse's oracle for what Parse must accept: a JSON
// object whose action is a non-empty JSON string and whose entity_type is
// absent, null or a JSON string.
func isEnvelope(body []byte) bool {
	var env struct {
		Action     json.RawMessage `json:"action"`
		EntityType json.RawMessage `json:"entity_type"`
	}
	if json.Unmarshal(body, &env) != nil {
		return false
	}
	var action string
	if json.Unmarshal(env.Action, &action) != nil || action == "" {
		return false
	}
	var kind *string
	return len(env.EntityType) == 0 || json.Unmarshal(env.EntityType, &kind) == nil
}

func FuzzVerify(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := NewVerifier(verify.Credentials{User: "orez", Password: "hook-pass"})
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		v.Sign(h, body)
		if err := v.Verify(h, body); err != nil {
			t.Fatalf("signed delivery rejected: %v", err)
		}
		if err := v.VerifyHeader(h); err != nil {
			t.Fatalf("signed header rejected: %v", err)
		}
		// Basic auth does not cover the body, so a one-byte change is caught
		// in the credential, not the body.
		auth := []byte(h.Get("Authorization"))
		for i := len("Basic "); i < len(auth); i++ {
			changed := append([]byte(nil), auth...)
			changed[i] ^= 0x01
			bad := http.Header{"Authorization": {string(changed)}}
			if err := v.Verify(bad, body); err == nil {
				t.Fatalf("credential changed at byte %d accepted", i)
			}
			if err := v.VerifyHeader(bad); err == nil {
				t.Fatalf("credential changed at byte %d passed VerifyHeader", i)
			}
		}
	})
}

func FuzzReceive(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		r, v := newTestReceiver(t)
		h := http.Header{}
		v.Sign(h, body)
		e, err := r.Receive(h, body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("signed delivery failed authentication: %v", err)
			}
		} else if e.Provider() != Provider {
			t.Fatalf("provider %q", e.Provider())
		}
		if _, err := r.Receive(http.Header{}, body); err == nil || errors.Is(err, event.ErrMalformed) {
			t.Fatalf("unsigned delivery: got %v, want an authentication error", err)
		}
	})
}

// FuzzDecode feeds the Source's Decode arbitrary bodies, seeded with a
// polled change of every sample's booking: it never panics, a failure
// wraps event.ErrMalformed, and a decoded change is a booking of the
// account the body names.
func FuzzDecode(f *testing.F) {
	for _, d := range deliveries(f) {
		if w, err := Parse(d.body); err == nil && w.Booking != nil && len(w.Data) > 0 {
			body, _ := json.Marshal(polled{UserID: 347482730, Entity: w.Data})
			f.Add(body)
		}
	}
	f.Add([]byte(`{"user_id":1,"listed_utc":"2026-03-01T00:00:00Z","entity":{"id":7,"updated_utc":"2026-03-08T17:56:10Z","status":"canceled"}}`))
	f.Add([]byte(`{"user_id":1,"entity":{"id":"7","created_utc":"x","updated_utc":1}}`))
	s := &Source{userID: 1}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := s.Decode(nil, body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("Decode error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		if e.Subject().Kind != event.KindBooking || e.Subject().ID == "" || e.Account() == "" {
			t.Fatalf("decoded %+v", e.Subject())
		}
		if event.OriginOf(e) != event.OriginPoll {
			t.Fatal("a polled change is not OriginPoll")
		}
		if _, ok := event.RecordOf(e); !ok {
			t.Fatal("a polled change has no record")
		}
	})
}
