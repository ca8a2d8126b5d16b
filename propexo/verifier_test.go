package propexo_test

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/verify"
)

var (
	_ verify.Verifier = (*propexo.Verifier)(nil)
	_ verify.Signer   = (*propexo.Verifier)(nil)
)

// vector is one known answer of testdata/signatures.json, computed by
// testdata/signatures.js with Node's crypto and openssl, not by Go.
type vector struct {
	Name      string `json:"name"`
	Secret    string `json:"secret"`
	Body      string `json:"body"`
	Signature string `json:"signature"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	var f struct {
		Vectors []vector `json:"vectors"`
	}
	require.NoError(t, json.Unmarshal(testutil.Fixture(t, "signatures.json"), &f))
	require.NotEmpty(t, f.Vectors)
	return f.Vectors
}

func signed(sig string) http.Header {
	h := http.Header{}
	h.Set(propexo.SignatureHeader, sig)
	return h
}

func TestVerifier_Verify_knownAnswers(t *testing.T) {
	t.Parallel()
	for _, vec := range loadVectors(t) {
		t.Run(vec.Name, func(t *testing.T) {
			t.Parallel()
			require.Len(t, vec.Signature, 64)
			v, err := propexo.NewVerifier(vec.Secret)
			require.NoError(t, err)
			body := []byte(vec.Body)

			for name, sig := range map[string]string{
				"lowercase":  vec.Signature,
				"uppercase":  strings.ToUpper(vec.Signature),
				"whitespace": " \t" + vec.Signature + " ",
			} {
				assert.NoError(t, v.Verify(signed(sig), body), name)
			}

			h := http.Header{}
			v.Sign(h, body)
			assert.Equal(t, vec.Signature, h.Get("Propexo-Signature"), "Sign must write what Propexo sends")

			rotated, err := propexo.NewVerifier("the-new-secret-0001", vec.Secret)
			require.NoError(t, err)
			assert.NoError(t, rotated.Verify(signed(vec.Signature), body), "the previous secret still verifies")

			changed := append([]byte(vec.Body), ' ')
			assert.ErrorIs(t, v.Verify(signed(vec.Signature), changed), verify.ErrInvalidSignature)
		})
	}
}

func TestVerifier_Verify_rejects(t *testing.T) {
	t.Parallel()
	vecs := loadVectors(t)
	vec, other := vecs[1], vecs[2]
	mac, err := hex.DecodeString(vec.Signature)
	require.NoError(t, err)
	body := []byte(vec.Body)

	tests := map[string]struct {
		header http.Header
		body   []byte
		secret string
		want   error
	}{
		"no header":            {header: http.Header{}, want: verify.ErrMissingSignature},
		"empty header":         {header: signed(""), want: verify.ErrMissingSignature},
		"blank header":         {header: signed("   "), want: verify.ErrMissingSignature},
		"legacy propify":       {header: http.Header{"Propify-Signature": {vec.Signature}}, want: verify.ErrMissingSignature},
		"sha256= prefix":       {header: signed("sha256=" + vec.Signature), want: verify.ErrInvalidSignature},
		"t= v1= form":          {header: signed("t=1700000000,v1=" + vec.Signature), want: verify.ErrInvalidSignature},
		"truncated":            {header: signed(vec.Signature[:63]), want: verify.ErrInvalidSignature},
		"one digit more":       {header: signed(vec.Signature + "0"), want: verify.ErrInvalidSignature},
		"not hex":              {header: signed("g" + vec.Signature[1:]), want: verify.ErrInvalidSignature},
		"base64 of the MAC":    {header: signed(base64.StdEncoding.EncodeToString(mac)), want: verify.ErrInvalidSignature},
		"another body's MAC":   {header: signed(other.Signature), want: verify.ErrInvalidSignature},
		"wrong secret":         {header: signed(vec.Signature), secret: "not-the-secret", want: verify.ErrInvalidSignature},
		"one byte changed":     {header: signed(vec.Signature), body: []byte(strings.Replace(vec.Body, "49", "48", 1)), want: verify.ErrInvalidSignature},
		"empty body, old MAC":  {header: signed(vec.Signature), body: []byte{}, want: verify.ErrInvalidSignature},
		"two header values":    {header: http.Header{"Propexo-Signature": {other.Signature, vec.Signature}}, want: verify.ErrInvalidSignature},
		"signature in a comma": {header: signed(vec.Signature + "," + vec.Signature), want: verify.ErrInvalidSignature},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			secret := vec.Secret
			if tc.secret != "" {
				secret = tc.secret
			}
			v, err := propexo.NewVerifier(secret)
			require.NoError(t, err)
			b := body
			if tc.body != nil {
				b = tc.body
			}
			err = v.Verify(tc.header, b)
			require.ErrorIs(t, err, tc.want)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "propexo: verify: "), msg)
			assert.NotContains(t, msg, secret)
			assert.NotContains(t, msg, vec.Signature)
			assert.NotContains(t, msg, "SYNC_COMPLETE", "no body bytes")
		})
	}
}

func TestNewVerifier_failsClosed(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"no secret":          nil,
		"empty secret":       {""},
		"one empty of two":   {"a-good-secret", ""},
		"empty slice passed": {},
	}
	for name, secrets := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, err := propexo.NewVerifier(secrets...)
			require.ErrorIs(t, err, verify.ErrNoSecret)
			assert.Nil(t, v)
			assert.True(t, strings.HasPrefix(err.Error(), "propexo: new verifier: "), err.Error())
		})
	}
}

func TestVerifier_Sign_firstSecret(t *testing.T) {
	t.Parallel()
	body := []byte(`{"trigger":"JOB_FAILURE","data":{}}`)
	both, err := propexo.NewVerifier("current-secret-1", "previous-secret-0")
	require.NoError(t, err)
	current, err := propexo.NewVerifier("current-secret-1")
	require.NoError(t, err)
	previous, err := propexo.NewVerifier("previous-secret-0")
	require.NoError(t, err)

	h := http.Header{}
	both.Sign(h, body)
	assert.NoError(t, current.Verify(h, body))
	assert.ErrorIs(t, previous.Verify(h, body), verify.ErrInvalidSignature)
	assert.Equal(t, strings.ToLower(h.Get(propexo.SignatureHeader)), h.Get(propexo.SignatureHeader), "lowercase hex")
}
