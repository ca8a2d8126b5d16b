package bookingsync

import (
	"bytes"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/verify"
)

// seedBodies returns every sample, variant and malformed fixture.
func seedBodies(f *testing.F) [][]byte {
	f.Helper()
	var bodies [][]byte
	for _, name := range testSamples().Names() {
		b, _ := testSamples().Sample(name)
		bodies = append(bodies, b)
	}
	for _, name := range testutil.Fixtures(f, "*.json") {
		bodies = append(bodies, testutil.Fixture(f, name))
	}
	for _, name := range testutil.Fixtures(f, "malformed/*.json") {
		bodies = append(bodies, testutil.Fixture(f, "malformed/"+name))
	}
	return append(bodies, nil, []byte("{}"), []byte(`{"event":"booking_created","resource":1}`))
}

// FuzzParse checks that Parse never panics, that it fails only with
// event.ErrMalformed, and that what it accepts has an event name and the
// body as Raw.
func FuzzParse(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := Parse(body)
		if err != nil {
			if !errors.Is(err, event.ErrMalformed) {
				t.Fatalf("Parse error does not wrap event.ErrMalformed: %v", err)
			}
			if isEnvelope(body) {
				t.Fatalf("Parse rejected an envelope: %v", err)
			}
			return
		}
		if w.Event == "" {
			t.Fatal("Parse accepted a delivery without an event name")
		}
		if !json.Valid(body) {
			t.Fatal("Parse accepted a body that is not JSON")
		}
		if len(body) == 0 || &w.Raw[0] != &body[0] {
			t.Fatal("Raw is not the body")
		}
		_ = normalize(w, nil)
	})
}

// isEnvelope is FuzzParse's oracle for what Parse must accept: a JSON
// object whose event is a JSON string that is not blank. Bodies with
// escapes are left out, as the oracle reads member names unescaped.
func isEnvelope(body []byte) bool {
	var env map[string]json.RawMessage
	if bytes.IndexByte(body, '\\') >= 0 || json.Unmarshal(body, &env) != nil {
		return false
	}
	var name string
	return json.Unmarshal(env["event"], &name) == nil && strings.TrimSpace(name) != ""
}

// FuzzVerify checks that a body signed by Sign verifies, in the newline and
// the strict form, and that changing one byte of the body or of the
// signature makes verification fail.
func FuzzVerify(f *testing.F) {
	for i, b := range seedBodies(f) {
		f.Add(b, uint(i), "client-secret")
	}
	f.Fuzz(func(t *testing.T, body []byte, pos uint, secret string) {
		v, err := NewVerifier(secret)
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
		h := http.Header{}
		v.Sign(h, body)
		if err := v.Verify(h, body); err != nil {
			t.Fatalf("signed body does not verify: %v", err)
		}
		if err := v.VerifyHeader(h); err != nil {
			t.Fatalf("signed header does not pass VerifyHeader: %v", err)
		}

		strict, err := verify.NewHMAC(verify.HMACConfig{
			Header: SignatureHeader, Hash: sha1.New, Message: strictEncode64, Secrets: []string{secret},
		})
		if err != nil {
			t.Fatal(err)
		}
		hs := http.Header{}
		strict.Sign(hs, body)
		if err := v.Verify(hs, body); err != nil {
			t.Fatalf("strict-form signature does not verify: %v", err)
		}

		if len(body) > 0 {
			changed := bytes.Clone(body)
			changed[pos%uint(len(body))] ^= 0x20
			if err := v.Verify(h, changed); !errors.Is(err, verify.ErrInvalidSignature) {
				t.Fatalf("a changed body verifies: %v", err)
			}
		}
		sig := []byte(h.Get(SignatureHeader))
		i := pos % uint(len(sig))
		sig[i] = "0123456789abcdef"[(hexValue(sig[i])+1)%16]
		h.Set(SignatureHeader, string(sig))
		if err := v.Verify(h, body); !errors.Is(err, verify.ErrInvalidSignature) {
			t.Fatalf("a changed signature verifies: %v", err)
		}
	})
}

func hexValue(c byte) int {
	if c >= 'a' {
		return int(c-'a') + 10
	}
	return int(c - '0')
}

// FuzzReceive checks that a signed body is either received or rejected as
// malformed, never as unauthenticated, and that an unsigned one is rejected
// without being parsed.
func FuzzReceive(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	v, err := NewVerifier("client-secret")
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
		switch {
		case err == nil:
			if e.Name() == "" || e.ID() != event.HashID(body) {
				t.Fatalf("bad event %v", e)
			}
		case !errors.Is(err, event.ErrMalformed):
			t.Fatalf("signed body rejected: %v", err)
		}
		if _, err := r.Receive(http.Header{}, body); !errors.Is(err, verify.ErrMissingSignature) || errors.Is(err, event.ErrMalformed) {
			t.Fatalf("unsigned body: %v", err)
		}
	})
}

// FuzzRecordRank: recordRank agrees with the list of record keys it
// replaces, built with strings (referenceRecordKeys), for the kinds of every
// event and any key.
func FuzzRecordRank(f *testing.F) {
	for _, k := range []string{"booking", "bookings", "inquiries", "inquirys", "conversation", "conversations", "messages", "discount_code_usages", "", "s", "ies"} {
		f.Add(k)
	}
	var kinds []string
	for _, name := range EventNames() {
		kind, _ := splitName(name)
		kinds = append(kinds, kind)
	}
	kinds = append(kinds, "y", "ay", "by", "key", "copy")
	f.Fuzz(func(t *testing.T, key string) {
		for _, kind := range append(kinds, key, key+"s", strings.TrimSuffix(key, "ies")+"y") {
			for _, k := range []string{key, kind, kind + "s", strings.TrimSuffix(kind, "y") + "ies"} {
				if got, want := recordRank(kind, k), slices.Index(referenceRecordKeys(kind), k); got != want {
					t.Fatalf("recordRank(%q, %q) = %d, want %d", kind, k, got, want)
				}
			}
		}
	})
}

// referenceRecordKeys is the list recordRank ranks, as first written.
func referenceRecordKeys(kind string) []string {
	plural := func(kind string) string {
		if n := len(kind); n > 1 && kind[n-1] == 'y' && !strings.ContainsRune("aeiou", rune(kind[n-2])) {
			return kind[:n-1] + "ies"
		}
		return kind + "s"
	}
	keys := []string{kind, plural(kind)}
	switch kind {
	case "inbox_conversation":
		keys = append(keys, "conversation", "conversations")
	case "inbox_message":
		keys = append(keys, "message", "messages")
	case "booking_discount_code":
		keys = append(keys, "discount_code", "discount_codes")
	case "booking_discount_code_usage":
		keys = append(keys, "discount_code_usage", "discount_code_usages")
	}
	return keys
}
