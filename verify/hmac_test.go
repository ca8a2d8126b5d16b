package verify_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

const sigHeader = "X-Signature"

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// hmacVectors are the published known answers of RFC 2202 (HMAC-SHA1) and
// RFC 4231 (HMAC-SHA256). The truncated-output cases (RFC 4231 test 5) are
// left out: a truncated MAC is exactly what the verifier must reject.
var hmacVectors = []struct {
	name string
	hash func() hash.Hash
	key  []byte
	data []byte
	mac  string
}{
	{"RFC2202/1", sha1.New, bytes.Repeat([]byte{0x0b}, 20), []byte("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"},
	{"RFC2202/2", sha1.New, []byte("Jefe"), []byte("what do ya want for nothing?"), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
	{"RFC2202/3", sha1.New, bytes.Repeat([]byte{0xaa}, 20), bytes.Repeat([]byte{0xdd}, 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
	{"RFC2202/4", sha1.New, seq(1, 25), bytes.Repeat([]byte{0xcd}, 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
	{"RFC2202/5", sha1.New, bytes.Repeat([]byte{0x0c}, 20), []byte("Test With Truncation"), "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
	{"RFC2202/6", sha1.New, bytes.Repeat([]byte{0xaa}, 80), []byte("Test Using Larger Than Block-Size Key - Hash Key First"), "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
	{"RFC2202/7", sha1.New, bytes.Repeat([]byte{0xaa}, 80), []byte("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"), "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
	{"RFC4231/1", sha256.New, bytes.Repeat([]byte{0x0b}, 20), []byte("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
	{"RFC4231/2", sha256.New, []byte("Jefe"), []byte("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	{"RFC4231/3", sha256.New, bytes.Repeat([]byte{0xaa}, 20), bytes.Repeat([]byte{0xdd}, 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
	{"RFC4231/4", sha256.New, seq(1, 25), bytes.Repeat([]byte{0xcd}, 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
	{"RFC4231/6", sha256.New, bytes.Repeat([]byte{0xaa}, 131), []byte("Test Using Larger Than Block-Size Key - Hash Key First"), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
	{"RFC4231/7", sha256.New, bytes.Repeat([]byte{0xaa}, 131), []byte("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
}

func seq(from, to byte) []byte {
	var b []byte
	for i := from; i <= to; i++ {
		b = append(b, i)
	}
	return b
}

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestHMAC_Verify_knownAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range hmacVectors {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, enc := range []verify.Encoding{verify.Hex, verify.Base64} {
				v, err := verify.NewHMAC(verify.HMACConfig{Header: sigHeader, Hash: tc.hash, Encoding: enc, Secrets: []string{string(tc.key)}})
				require.NoError(t, err)
				mac := unhex(t, tc.mac)
				sig := tc.mac
				if enc == verify.Base64 {
					sig = base64.StdEncoding.EncodeToString(mac)
				}
				require.NoError(t, v.Verify(header(sigHeader, sig), tc.data), enc.String())

				// The signer produces exactly the published MAC.
				h := http.Header{}
				v.Sign(h, tc.data)
				assert.Equal(t, sig, h.Get(sigHeader), enc.String())
			}
		})
	}
}

func TestHMAC_Verify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"event":"booking_created","id":42}`)
	sign := func(secret string, msg []byte) string {
		m := hmacSHA256(secret, msg)
		return hex.EncodeToString(m)
	}
	good := sign("new-secret", body)
	tests := []struct {
		name    string
		cfg     verify.HMACConfig
		header  http.Header
		body    []byte
		wantErr error
	}{
		{"valid", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, good), body, nil},
		{"rotation: old secret still accepted", verify.HMACConfig{Secrets: []string{"new-secret", "old-secret"}}, header(sigHeader, sign("old-secret", body)), body, nil},
		{"rotation: new secret accepted", verify.HMACConfig{Secrets: []string{"old-secret", "new-secret"}}, header(sigHeader, good), body, nil},
		{"upper-case hex", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, strings.ToUpper(good)), body, nil},
		{"surrounding white space", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, "  "+good+"\t"), body, nil},
		{"prefix", verify.HMACConfig{Prefix: "sha256=", Secrets: []string{"new-secret"}}, header(sigHeader, "sha256="+good), body, nil},
		{"prefix missing", verify.HMACConfig{Prefix: "sha256=", Secrets: []string{"new-secret"}}, header(sigHeader, good), body, verify.ErrInvalidSignature},
		{"message derived from body", verify.HMACConfig{Message: upper, Secrets: []string{"new-secret"}}, header(sigHeader, sign("new-secret", bytes.ToUpper(body))), body, nil},
		{"alternative derivation accepted", verify.HMACConfig{Message: upper, AlsoAccept: []verify.MessageFunc{nil, identity}, Secrets: []string{"new-secret"}}, header(sigHeader, good), body, nil},
		{"alternative derivation not configured", verify.HMACConfig{Message: upper, Secrets: []string{"new-secret"}}, header(sigHeader, good), body, verify.ErrInvalidSignature},
		{"missing header", verify.HMACConfig{Secrets: []string{"new-secret"}}, http.Header{}, body, verify.ErrMissingSignature},
		{"empty header", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, "  "), body, verify.ErrMissingSignature},
		{"tampered body", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, good), append([]byte(nil), append(body, ' ')...), verify.ErrInvalidSignature},
		{"truncated signature", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, good[:len(good)-2]), body, verify.ErrInvalidSignature},
		{"signature too long", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, good+"00"), body, verify.ErrInvalidSignature},
		{"not hex", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, strings.Repeat("z", len(good))), body, verify.ErrInvalidSignature},
		{"wrong secret of equal length", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, sign("NEW-SECRET", body)), body, verify.ErrInvalidSignature},
		{"base64 of a hex config", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, base64.StdEncoding.EncodeToString(hmacSHA256("new-secret", body))), body, verify.ErrInvalidSignature},
		{"base64", verify.HMACConfig{Encoding: verify.Base64, Secrets: []string{"new-secret"}}, header(sigHeader, base64.StdEncoding.EncodeToString(hmacSHA256("new-secret", body))), body, nil},
		{"base64 without padding", verify.HMACConfig{Encoding: verify.Base64, Secrets: []string{"new-secret"}}, header(sigHeader, base64.RawStdEncoding.EncodeToString(hmacSHA256("new-secret", body))), body, verify.ErrInvalidSignature},
		{"empty body signed", verify.HMACConfig{Secrets: []string{"new-secret"}}, header(sigHeader, sign("new-secret", nil)), nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.Header = sigHeader
			v, err := verify.NewHMAC(tc.cfg)
			require.NoError(t, err)
			err = v.Verify(tc.header, tc.body)
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assertNoLeak(t, err, tc.header.Get(sigHeader), good, "new-secret", "old-secret", string(tc.body))
		})
	}
}

func TestNewHMAC_failsClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     verify.HMACConfig
		wantErr error
	}{
		{"no secrets", verify.HMACConfig{Header: sigHeader}, verify.ErrNoSecret},
		{"empty secret", verify.HMACConfig{Header: sigHeader, Secrets: []string{""}}, verify.ErrNoSecret},
		{"one empty among several", verify.HMACConfig{Header: sigHeader, Secrets: []string{"a", ""}}, verify.ErrNoSecret},
		{"no header", verify.HMACConfig{Secrets: []string{"a"}}, nil},
		{"unknown encoding", verify.HMACConfig{Header: sigHeader, Encoding: 7, Secrets: []string{"a"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := verify.NewHMAC(tc.cfg)
			require.Error(t, err)
			require.Nil(t, v)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			}
		})
	}
}

func TestHMAC_Sign_usesFirstSecretAndPrefix(t *testing.T) {
	t.Parallel()
	v, err := verify.NewHMAC(verify.HMACConfig{Header: "x-sig", Prefix: "v1=", Hash: sha1.New, Secrets: []string{"k1", "k2"}})
	require.NoError(t, err)
	assert.Equal(t, "X-Sig", v.Header())
	h := http.Header{}
	v.Sign(h, []byte("body"))
	m := hmacHash(sha1.New, "k1", []byte("body"))
	assert.Equal(t, "v1="+hex.EncodeToString(m), h.Get("X-Sig"))
	require.NoError(t, v.Verify(h, []byte("body")))
}

func TestEncoding_String(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "hex", verify.Hex.String())
	assert.Equal(t, "base64", verify.Base64.String())
	assert.Equal(t, "Encoding(9)", verify.Encoding(9).String())
}

func upper(b []byte) []byte    { return bytes.ToUpper(b) }
func identity(b []byte) []byte { return b }

func hmacSHA256(secret string, msg []byte) []byte { return hmacHash(sha256.New, secret, msg) }

// assertNoLeak fails when err's text contains any of the secrets, MACs or body
// given. Empty and very short strings are skipped: they occur in any text.
func assertNoLeak(t *testing.T, err error, secrets ...string) {
	t.Helper()
	msg := err.Error()
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if len(s) < 6 {
			continue
		}
		assert.NotContains(t, msg, s, fmt.Sprintf("error text leaks %q", s))
	}
}

func TestNewHMAC_secretRule(t *testing.T) {
	t.Parallel()
	for _, tc := range secretRule {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, secrets := range [][]string{{tc.secret}, {"s3cret-current", tc.secret}} {
				v, err := verify.NewHMAC(verify.HMACConfig{Header: sigHeader, Secrets: secrets})
				checkSecretRule(t, err, tc.secret, tc.wantErr)
				if tc.wantErr != nil {
					require.Nil(t, v)
				}
			}
		})
	}
}

// TestHMAC_VerifyHeader checks what can be told before the body is read: a
// signature is present and well formed. A well-formed wrong MAC passes, since
// only Verify can judge it against the body.
func TestHMAC_VerifyHeader(t *testing.T) {
	t.Parallel()
	mac := hmacSHA256("new-secret", []byte("body"))
	good := hex.EncodeToString(mac)
	tests := []struct {
		name    string
		cfg     verify.HMACConfig
		header  http.Header
		wantErr error
	}{
		{"valid", verify.HMACConfig{}, header(sigHeader, good), nil},
		{"well formed, any MAC", verify.HMACConfig{}, header(sigHeader, strings.Repeat("0", len(good))), nil},
		{"upper-case hex", verify.HMACConfig{}, header(sigHeader, strings.ToUpper(good)), nil},
		{"surrounding white space", verify.HMACConfig{}, header(sigHeader, " "+good+"\t"), nil},
		{"prefix", verify.HMACConfig{Prefix: "sha256="}, header(sigHeader, "sha256="+good), nil},
		{"base64", verify.HMACConfig{Encoding: verify.Base64}, header(sigHeader, base64.StdEncoding.EncodeToString(mac)), nil},
		{"missing header", verify.HMACConfig{}, http.Header{}, verify.ErrMissingSignature},
		{"empty header", verify.HMACConfig{}, header(sigHeader, " "), verify.ErrMissingSignature},
		{"other header", verify.HMACConfig{}, header("X-Other", good), verify.ErrMissingSignature},
		{"prefix missing", verify.HMACConfig{Prefix: "sha256="}, header(sigHeader, good), verify.ErrInvalidSignature},
		{"truncated", verify.HMACConfig{}, header(sigHeader, good[:len(good)-2]), verify.ErrInvalidSignature},
		{"too long", verify.HMACConfig{}, header(sigHeader, good+"00"), verify.ErrInvalidSignature},
		{"not hex", verify.HMACConfig{}, header(sigHeader, strings.Repeat("z", len(good))), verify.ErrInvalidSignature},
		{"SHA-1 length for SHA-256", verify.HMACConfig{}, header(sigHeader, good[:40]), verify.ErrInvalidSignature},
		{"hex for base64", verify.HMACConfig{Encoding: verify.Base64}, header(sigHeader, good), verify.ErrInvalidSignature},
		{"base64 without padding", verify.HMACConfig{Encoding: verify.Base64}, header(sigHeader, base64.RawStdEncoding.EncodeToString(mac)), verify.ErrInvalidSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.Header = sigHeader
			tc.cfg.Secrets = []string{"new-secret"}
			v, err := verify.NewHMAC(tc.cfg)
			require.NoError(t, err)
			err = v.VerifyHeader(tc.header)
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assertNoLeak(t, err, tc.header.Get(sigHeader), good, "new-secret")
			// Verify fails the same way whatever the body.
			require.ErrorIs(t, v.Verify(tc.header, []byte("body")), tc.wantErr)
		})
	}
}
