package propexo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
	"github.com/pmshooks/pmshooks/verify"
)

// seedBodies returns every sample and every JSON file under testdata/.
func seedBodies(f *testing.F) [][]byte {
	f.Helper()
	var bodies [][]byte
	for _, name := range propexotest.Names() {
		b, _ := propexotest.Sample(name)
		bodies = append(bodies, b)
	}
	for _, pattern := range []string{"testdata/*/*.json"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			bodies = append(bodies, b)
		}
	}
	return bodies
}

// isEnvelope is FuzzParse's oracle for what Parse must accept: a JSON
// object whose data is an object or absent, and whose trigger (else its
// data's event) is a non-empty JSON string.
func isEnvelope(body []byte) bool {
	var env struct {
		Trigger json.RawMessage `json:"trigger"`
		Event   json.RawMessage `json:"event"`
		Data    json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &env) != nil {
		return false
	}
	event := env.Event
	if d := bytes.TrimSpace(env.Data); len(d) > 0 && string(d) != "null" {
		var inner struct {
			Event json.RawMessage `json:"event"`
		}
		if d[0] != '{' || json.Unmarshal(d, &inner) != nil {
			return false
		}
		event = inner.Event
	}
	var name *string
	if len(env.Trigger) > 0 {
		if json.Unmarshal(env.Trigger, &name) != nil {
			return false
		}
		if name != nil && *name != "" {
			return true
		}
	}
	name = nil
	return json.Unmarshal(event, &name) == nil && name != nil && *name != ""
}

func FuzzParse(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := propexo.Parse(body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("error does not wrap event.ErrMalformed: %v", err)
			}
			if w != nil {
				t.Fatal("a Webhook with an error")
			}
			if isEnvelope(body) {
				t.Fatalf("Parse rejected an envelope: %v", err)
			}
			return
		}
		if !bytes.Equal(w.Raw, body) || w.Trigger == "" || w.Data == nil {
			t.Fatalf("incomplete Webhook: trigger %q", w.Trigger)
		}
		if n := len(typedFields(w)); n > 1 {
			t.Fatalf("%d typed fields set", n)
		}
	})
}

func FuzzVerify(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add("s3cr3tK3yForSigning", b, "")
	}
	f.Add("Jefe", []byte("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
	f.Add("", []byte("{}"), "00")
	f.Fuzz(func(t *testing.T, secret string, body []byte, header string) {
		v, err := propexo.NewVerifier(secret)
		switch trimmed := strings.Trim(secret, " \t\r\n"); {
		case trimmed == "":
			if !errors.Is(err, verify.ErrNoSecret) {
				t.Fatalf("blank secret: %v", err)
			}
			return
		case trimmed != secret:
			if !errors.Is(err, verify.ErrSecretWhitespace) {
				t.Fatalf("secret with surrounding white space: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		// Any header value: no panic, and an error wraps a sentinel; whenever
		// Verify accepts it, so does VerifyHeader.
		anyHeader := http.Header{"Propexo-Signature": {header}}
		verr := v.Verify(anyHeader, body)
		if verr != nil &&
			!errors.Is(verr, verify.ErrMissingSignature) && !errors.Is(verr, verify.ErrInvalidSignature) {
			t.Fatalf("unexpected error: %v", verr)
		}
		herr := v.VerifyHeader(anyHeader)
		if herr != nil &&
			!errors.Is(herr, verify.ErrMissingSignature) && !errors.Is(herr, verify.ErrInvalidSignature) {
			t.Fatalf("unexpected VerifyHeader error: %v", herr)
		}
		if verr == nil && herr != nil {
			t.Fatalf("Verify accepts a header VerifyHeader refuses: %v", herr)
		}

		h := http.Header{}
		v.Sign(h, body)
		if err := v.Verify(h, body); err != nil {
			t.Fatalf("a signed body does not verify: %v", err)
		}
		if err := v.VerifyHeader(h); err != nil {
			t.Fatalf("a signed header does not pass VerifyHeader: %v", err)
		}
		if len(body) > 0 {
			changed := bytes.Clone(body)
			changed[len(changed)/2] ^= 0x01
			if err := v.Verify(h, changed); !errors.Is(err, verify.ErrInvalidSignature) {
				t.Fatalf("a one-byte change verifies: %v", err)
			}
		}
		sig := []byte(h.Get(propexo.SignatureHeader))
		sig[0] = map[bool]byte{true: '1', false: '0'}[sig[0] == '0']
		if err := v.Verify(http.Header{"Propexo-Signature": {string(sig)}}, body); !errors.Is(err, verify.ErrInvalidSignature) {
			t.Fatalf("a one-digit change of the signature verifies: %v", err)
		}
	})
}

func FuzzReceive(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	v, err := propexo.NewVerifier("fuzz-receive-secret")
	if err != nil {
		f.Fatal(err)
	}
	r, err := propexo.NewReceiver(v)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := r.Receive(http.Header{}, body); err == nil || errors.Is(err, event.ErrMalformed) {
			t.Fatalf("an unsigned delivery: %v", err)
		}
		h := http.Header{}
		v.Sign(h, body)
		e, err := r.Receive(h, body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("a signed delivery fails other than malformed: %v", err)
			}
			return
		}
		if e.ID() != event.HashID(body) || e.Provider() != propexo.Provider || !e.Type().Known() {
			t.Fatalf("bad event %v", e)
		}
		if len(body) > 0 {
			changed := bytes.Clone(body)
			changed[0] ^= 0x20
			if _, err := r.Receive(h, changed); !errors.Is(err, verify.ErrInvalidSignature) {
				t.Fatalf("a one-byte change is received: %v", err)
			}
		}
	})
}

// FuzzRecord decodes any body, and every payload of the seeds, as a
// propexo.Record: it never panics, fails only on what is not a JSON object,
// and keeps the object as sent.
func FuzzRecord(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
		if w, err := propexo.Parse(b); err == nil && w.DataNew != nil {
			f.Add([]byte(w.DataNew.Payload))
		}
	}
	f.Add([]byte(`{"id":1,"created_at":"x","last_seen":null,"integration_vendor":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r propexo.Record
		err := json.Unmarshal(b, &r)
		if !json.Valid(b) {
			return
		}
		trimmed := bytes.TrimSpace(b)
		if trimmed[0] != '{' {
			if err == nil {
				t.Fatal("a record that is not an object decoded")
			}
			return
		}
		if err != nil {
			t.Fatalf("an object did not decode: %v", err)
		}
		if !bytes.Equal(r.Raw, trimmed) {
			t.Fatal("Raw is not the object as sent")
		}
	})
}

// FuzzSource_Decode decodes any body as a polled change: Decode never
// panics, fails only with event.ErrMalformed, and an event it returns is a
// poll of the body with its record.
func FuzzSource_Decode(f *testing.F) {
	f.Add([]byte(`{"id":"d1","model":"leases","model_record_id":"l1","event_type":"NEW","data_diff":{"status":"a"},` +
		`"created_at":"2026-03-01T12:00:00.000Z","job_id":"j1","integration_id":"i1","integration_vendor":"SAMPLE1"}`))
	f.Add([]byte(`{"id":"d2","model":"residents-to-leases","model_record_id":"r1","event_type":"UPDATE",` +
		`"data_diff":{"new":{"a":1},"previous":{"a":0}},"created_at":"2026-03-01T12:00:00Z","job_id":null}`))
	f.Add([]byte(`{"id":1,"model_record_id":2}`))
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	c, err := propexo.NewClient(propexo.APIKey("fuzz"))
	require.NoError(f, err)
	src, err := propexo.NewSource(c, "")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := src.Decode(http.Header{propexo.ListedAtHeader: {"2026-03-01T12:00:00Z"}}, body)
		if err != nil {
			require.ErrorIs(t, err, event.ErrMalformed)
			return
		}
		require.True(t, strings.HasPrefix(e.ID(), "poll:diff:"))
		require.NotEmpty(t, e.Subject().ID)
		require.Equal(t, event.OriginPoll, event.OriginOf(e))
		require.Equal(t, body, e.Raw())
		rec, ok := event.RecordOf(e)
		require.True(t, ok)
		require.Equal(t, e.Data(), rec.Data)
	})
}
