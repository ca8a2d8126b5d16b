package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/registry"
	"github.com/pmshooks/pmshooks/verify"
)

// inspected is the part of inspect's output the tests check.
type inspected struct {
	Provider    string          `json:"provider"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	ID          string          `json:"id"`
	Verified    bool            `json:"verified"`
	Booking     json.RawMessage `json:"booking"`
	Message     json.RawMessage `json:"message"`
	PayloadType string          `json:"payload_type"`
	Payload     json.RawMessage `json:"payload"`
}

func decodeInspected(t *testing.T, out string) inspected {
	t.Helper()
	var got inspected
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	return got
}

// signedSample returns the body of p's sample name and the headers the
// provider sends with it, signed with values.
func signedSample(t *testing.T, p registry.Provider, name string, values map[string]string) ([]byte, []string) {
	t.Helper()
	var s verify.Signer
	if values != nil {
		v, err := p.NewVerifier(values)
		require.NoError(t, err)
		s = v
	}
	req, err := p.NewRequest("http://localhost/", name, s)
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	var hs []string
	for k, vs := range req.Header {
		for _, v := range vs {
			hs = append(hs, "-H", k+": "+v)
		}
	}
	return body, hs
}

func TestInspect_everySample(t *testing.T) {
	t.Parallel()
	for _, p := range registry.All() {
		t.Run(string(p.Name), func(t *testing.T) {
			t.Parallel()
			rc, err := p.NewReceiver(verify.Unverified())
			require.NoError(t, err)
			dir := t.TempDir()
			for _, name := range p.Events() {
				want, err := decodeSample(p, rc, name)
				require.NoError(t, err)
				body, headers := signedSample(t, p, name, nil)
				file := filepath.Join(dir, name+".json")
				require.NoError(t, os.WriteFile(file, body, 0o600))

				for how, r := range map[string]result{
					"file":  runCmd(t, append([]string{"inspect", string(p.Name), file}, headers...)...),
					"stdin": cmdTest{stdin: strings.NewReader(string(body))}.run(t, append([]string{"inspect", string(p.Name), "-"}, headers...)...),
				} {
					require.Equal(t, exitOK, r.code, "%s from %s: %s", name, how, r.stderr)
					got := decodeInspected(t, r.stdout)
					assert.Equal(t, string(p.Name), got.Provider, name)
					assert.Equal(t, name, got.Name, name)
					assert.Equal(t, string(want.Type()), got.Type, name)
					assert.Equal(t, want.ID(), got.ID, name)
					assert.False(t, got.Verified, name)
					assert.Equal(t, fmt.Sprintf("%T", want.Data()), got.PayloadType, name)
					assert.NotEqual(t, "null", string(got.Payload), name)
					assert.NotContains(t, string(got.Payload), `"Raw"`, "%s: the body is not repeated in base64", name)
				}
			}
		})
	}
}

func TestInspect_stdinByDefault(t *testing.T) {
	t.Parallel()
	p, err := registry.Lookup("hostaway")
	require.NoError(t, err)
	body, _ := signedSample(t, p, "reservation.created", nil)
	r := cmdTest{stdin: strings.NewReader(string(body))}.run(t, "inspect", "hostaway")
	require.Equal(t, exitOK, r.code, r.stderr)
	got := decodeInspected(t, r.stdout)
	assert.Equal(t, "booking.created", got.Type)
	assert.Contains(t, string(got.Booking), `"status": "confirmed"`)
}

func TestInspect_verify(t *testing.T) {
	t.Parallel()
	for _, p := range registry.All() {
		t.Run(string(p.Name), func(t *testing.T) {
			t.Parallel()
			values := p.DevCredentials()
			name := p.DemoEvents()[0]
			body, headers := signedSample(t, p, name, values)
			file := filepath.Join(t.TempDir(), "body.json")
			require.NoError(t, os.WriteFile(file, body, 0o600))

			// Credentials by flag.
			r := runCmd(t, append(append([]string{"inspect", string(p.Name), file}, headers...), credentialArgs(p, values)...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.True(t, decodeInspected(t, r.stdout).Verified)

			// Credentials from the environment, with --verify.
			r = cmdTest{env: values}.run(t, append([]string{"inspect", string(p.Name), file, "--verify"}, headers...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.True(t, decodeInspected(t, r.stdout).Verified)

			// Other credentials.
			r = runCmd(t, append(append([]string{"inspect", string(p.Name), file}, headers...), credentialArgs(p, p.DevCredentials())...)...)
			assert.Equal(t, exitFailure, r.code)
			assert.Contains(t, r.stderr, "pmshooks inspect: verification failed: ")
			assert.Empty(t, r.stdout)

			// No header at all.
			r = runCmd(t, append([]string{"inspect", string(p.Name), file}, credentialArgs(p, values)...)...)
			assert.Equal(t, exitFailure, r.code)
			assert.Contains(t, r.stderr, "verification failed")

			// --verify with nothing in the environment.
			r = runCmd(t, "inspect", string(p.Name), file, "--verify")
			assert.Equal(t, exitFailure, r.code)
			assert.Contains(t, r.stderr, "missing "+string(p.Name)+" credentials")
		})
	}
}

func TestInspect_failures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(big, []byte(`{"event":"x","padding":"`+strings.Repeat("a", 100)+`"}`), 0o600))
	tests := map[string]struct {
		args  []string
		stdin string
		want  string
	}{
		"not JSON":     {[]string{"inspect", "ownerrez", "-"}, "this is not json", "pmshooks inspect: not an ownerrez delivery: ownerrez: parse: envelope: invalid JSON at byte 2"},
		"missing file": {[]string{"inspect", "ownerrez", filepath.Join(dir, "nope.json")}, "", "no such file"},
		"too large":    {[]string{"inspect", "ownerrez", big, "--max-body", "50"}, "", "larger than 50 bytes"},
		"foreign cred": {[]string{"inspect", "ownerrez", big, "--client-secret", "x"}, "", "not a credential of ownerrez"},
		"not decodable, verified": {
			[]string{"inspect", "propexo", "-", "--webhook-secret", "0123456789abcdef", "-H", "propexo-signature: " + propexoSignature("0123456789abcdef", "[1,2]")},
			"[1,2]", "authentic, but not a propexo delivery"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := cmdTest{stdin: strings.NewReader(tt.stdin)}.run(t, tt.args...)
			wantCode := exitFailure
			if name == "foreign cred" {
				wantCode = exitUsage
			}
			assert.Equal(t, wantCode, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
		})
	}
}

// propexoSignature signs body as Propexo does, with the verifier itself.
func propexoSignature(secret, body string) string {
	p, _ := registry.Lookup("propexo")
	v, err := p.NewVerifier(map[string]string{"PROPEXO_WEBHOOK_SECRET": secret})
	if err != nil {
		panic(err)
	}
	h := http.Header{}
	v.Sign(h, []byte(body))
	return h.Get("Propexo-Signature")
}

func TestInspect_foreignBody(t *testing.T) {
	t.Parallel()
	// Every provider refuses the others' bodies, though its receiver
	// decodes some of them (any object naming an event), unverified and
	// verified alike.
	for _, p := range registry.All() {
		for _, src := range registry.All() {
			if src.Name == p.Name {
				continue
			}
			t.Run(string(src.Name)+" to "+string(p.Name), func(t *testing.T) {
				t.Parallel()
				body, _ := signedSample(t, src, src.DemoEvents()[0], nil)
				r := cmdTest{stdin: strings.NewReader(string(body))}.run(t, "inspect", string(p.Name), "-")
				assert.Equal(t, exitFailure, r.code)
				assert.Contains(t, r.stderr, "pmshooks inspect: not "+aDelivery(p.Name)+": ")
				assert.Empty(t, r.stdout)

				// Signed with p's credentials, as a misrouted delivery is.
				values := p.DevCredentials()
				v, err := p.NewVerifier(values)
				require.NoError(t, err)
				h := http.Header{}
				v.Sign(h, body)
				args := []string{"inspect", string(p.Name), "-"}
				for k := range h {
					args = append(args, "-H", k+": "+h.Get(k))
				}
				r = cmdTest{stdin: strings.NewReader(string(body))}.run(t, append(args, credentialArgs(p, values)...)...)
				assert.Equal(t, exitFailure, r.code)
				assert.Contains(t, r.stderr, "pmshooks inspect: authentic, but not "+aDelivery(p.Name)+": ")
				assert.Empty(t, r.stdout)
			})
		}
	}
}

func TestCheckEnvelope(t *testing.T) {
	t.Parallel()
	// Every sample is its provider's envelope and no other's.
	for _, src := range registry.All() {
		t.Run(string(src.Name), func(t *testing.T) {
			t.Parallel()
			for _, name := range src.Events() {
				body, err := src.Sample(name)
				require.NoError(t, err)
				for _, p := range registry.All() {
					err := checkEnvelope(p.Name, body)
					if p.Name == src.Name {
						assert.NoError(t, err, name)
						continue
					}
					require.Error(t, err, "%s sample %s as %s", src.Name, name, p.Name)
					assert.ErrorIs(t, err, event.ErrMalformed)
				}
			}
		})
	}
}

func TestCheckEnvelope_bodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		provider event.Provider
		body     string
		ok       bool
	}{
		{"bookingsync", `{"account_id":1,"event":"booking_created","resource":{}}`, true},
		{"bookingsync", `{"event":"booking_new","property_id":"p","payload":{}}`, false},
		{"bookingsync", `{"event":"future_thing_happened","account_id":1}`, true},
		{"channex", `{"event":"booking_new","property_id":"p","user_id":null}`, true},
		{"channex", `{"account_id":1,"event":"booking_updated","resource":{}}`, false},
		{"channex", `{"event":"reservation.created","payload":{"data":{}}}`, false},
		{"hostaway", `{"object":"reservation","event":"reservation.created","accountId":1,"data":{}}`, true},
		{"hostaway", `{"event":"reservation.created","payload":{"data":{}}}`, true},
		{"hostaway", `{"data":"test"}`, true},
		{"hostaway", `{"event":"booking_new","property_id":"p","payload":{}}`, false},
		{"ownerrez", `{"id":"u","action":"entity_update","entity_type":"booking","entity_id":1}`, true},
		{"ownerrez", `{"action":"entity_update"}`, false},
		{"propexo", `{"trigger":"DATA_NEW","data":{},"meta":{}}`, true},
		{"propexo", `{"event":"SYNC_COMPLETE","integration_id":"i"}`, true},
		{"propexo", `{"event":"booking_updated","account_id":1,"resource":{}}`, false},
		{"channex", `{"event":"s3cr3t.v4lue","property_id":"p"}`, false},
		{"ownerrez", `{"action":"S3CR3T_V4LUE","entity_id":1}`, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.provider)+" "+tt.body, func(t *testing.T) {
			t.Parallel()
			err := checkEnvelope(tt.provider, []byte(tt.body))
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, event.ErrMalformed)
				assert.NotContains(t, strings.ToLower(err.Error()), "v4lue", "the body is never quoted")
			}
		})
	}
}
