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

// TestNewVerifier_secretRule: a secret read with the trailing newline of a
// secrets file, or only white space, is refused up front instead of making
// a Verifier whose every check fails.
func TestNewVerifier_secretRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		secret  string
		wantErr error
	}{
		{"trailing newline", "s3cret-value\n", verify.ErrSecretWhitespace},
		{"trailing CRLF", "s3cret-value\r\n", verify.ErrSecretWhitespace},
		{"leading space", " s3cret-value", verify.ErrSecretWhitespace},
		{"tab around", "\ts3cret-value\t", verify.ErrSecretWhitespace},
		{"spaces only", "   ", verify.ErrNoSecret},
		{"tab only", "\t", verify.ErrNoSecret},
		{"newline only", "\n", verify.ErrNoSecret},
		{"empty", "", verify.ErrNoSecret},
		{"space inside", "s3cret value", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, secrets := range [][]string{{tt.secret}, {"current-secret", tt.secret}} {
				v, err := propexo.NewVerifier(secrets...)
				if tt.wantErr == nil {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, tt.wantErr)
				require.Nil(t, v)
				assert.True(t, strings.HasPrefix(err.Error(), "propexo: new verifier: "), err.Error())
				assert.NotContains(t, err.Error(), "s3cret")
			}
		})
	}
}

// TestVerifier_VerifyHeader: before the body is read, only a present and
// well-formed signature can be checked; a well-formed wrong one passes and
// is left to Verify.
func TestVerifier_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := propexo.NewVerifier("s3cret-value", "older-secret")
	require.NoError(t, err)
	body := []byte(`{"event":"x"}`)
	right := http.Header{}
	v.Sign(right, body)
	tests := []struct {
		name    string
		header  http.Header
		wantErr error
	}{
		{"signed", right, nil},
		{"upper-case hex", signed(strings.ToUpper(right.Get(propexo.SignatureHeader))), nil},
		{"well-formed, wrong MAC", signed(strings.Repeat("ab", 32)), nil},
		{"missing", http.Header{}, verify.ErrMissingSignature},
		{"blank", signed("  "), verify.ErrMissingSignature},
		{"SHA-1 length", signed(strings.Repeat("ab", 20)), verify.ErrInvalidSignature},
		{"not hex", signed(strings.Repeat("zz", len(strings.Repeat("ab", 32))/2)), verify.ErrInvalidSignature},
		{"with a prefix", signed("sha1=" + strings.Repeat("ab", 32)), verify.ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := v.VerifyHeader(tt.header)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.True(t, strings.HasPrefix(err.Error(), "propexo: verify: "), err.Error())
			assert.NotContains(t, err.Error(), "s3cret-value")
			// Verify fails the same way, whatever the body.
			assert.Equal(t, err.Error(), v.Verify(tt.header, body).Error())
		})
	}
	var zero propexo.Verifier
	require.ErrorIs(t, zero.VerifyHeader(right), verify.ErrNoSecret)
	var none *propexo.Verifier
	require.ErrorIs(t, none.VerifyHeader(right), verify.ErrNoSecret)
}

// TestVerifier_zeroValue: a Verifier not made by NewVerifier rejects every
// delivery instead of panicking, and signs nothing.
func TestVerifier_zeroValue(t *testing.T) {
	t.Parallel()
	for name, v := range map[string]*propexo.Verifier{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			v.Sign(h, []byte("{}"))
			assert.Empty(t, h)
			require.ErrorIs(t, v.Verify(signed(strings.Repeat("ab", 32)), []byte("{}")), verify.ErrNoSecret)
		})
	}
}
