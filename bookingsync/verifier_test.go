package bookingsync

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/verify"
)

// referenceSecret is the application secret of BookingSync's own receiver
// spec (bookingsync_application, spec/controllers/webhooks/bookingsync_controller_spec.rb).
const referenceSecret = "36ed189dd28fd9576d7745c74fac7d4c1bfa03da37d6e5d7a667b67f6e8d16ed"

func signed(sig string) http.Header {
	h := http.Header{}
	h.Set(SignatureHeader, sig)
	return h
}

// TestVerifier_Verify_referenceVectors runs the vectors of the provider
// reference: the three of BookingSync's own receiver spec, then the ones the
// reference computed (re-checked with Ruby 3.1's Base64 and OpenSSL).
func TestVerifier_Verify_referenceVectors(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(referenceSecret)
	require.NoError(t, err)

	const ruby = "Now is the time for all good coders\nto learn Ruby"
	const envelope = `{"account_id":1,"event":"booking_created","resource":{"links":{},"booking":{"id":1}}}`
	tests := []struct {
		name    string
		body    string
		sig     string
		wantErr error
	}{
		{"spec old signature (encode64)", "foo", "9141f44bfaa6a41812e4e9655ffd02d3c927ac5e", nil},
		{"spec new signature (strict_encode64)", "foo", "2ef33a9deaefe9a6ad0226c8c9db272ca126f10b", nil},
		{"spec none signature match", "foo", "e42951a4561cf14ffc97def80429542daba31ea6", verify.ErrInvalidSignature},
		{"empty body", "", "55276a7519c9d2a3746e01efbc9cca872c34b616", nil},
		{"ruby doc example, encode64", ruby, "55ced73ec3474c42c38881f772f600dc87223055", nil},
		{"ruby doc example, strict", ruby, "4f0839e1d6207d201b5795d03e7f5976d203a7ad", nil},
		{"envelope, encode64", envelope, "1768dbd48708529084e717f02c8a138bddf956bc", nil},
		{"envelope, strict", envelope, "b143339a0ff0aafed662360201206413d642312c", nil},
		{"upper-case hex", "foo", "9141F44BFAA6A41812E4E9655FFD02D3C927AC5E", nil},
		{"surrounding space", "foo", " 9141f44bfaa6a41812e4e9655ffd02d3c927ac5e ", nil},
		{"signature of another body", "fooo", "9141f44bfaa6a41812e4e9655ffd02d3c927ac5e", verify.ErrInvalidSignature},
		{"truncated", "foo", "9141f44bfaa6a41812e4e9655ffd02d3c927ac5", verify.ErrInvalidSignature},
		{"not hex", "foo", "zz41f44bfaa6a41812e4e9655ffd02d3c927ac5e", verify.ErrInvalidSignature},
		{"sha256 length", "foo", strings.Repeat("ab", 32), verify.ErrInvalidSignature},
		{"missing", "foo", "", verify.ErrMissingSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := v.Verify(signed(tt.sig), []byte(tt.body))
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.True(t, strings.HasPrefix(err.Error(), "bookingsync: "), err.Error())
			assert.NotContains(t, err.Error(), referenceSecret)
			if tt.sig != "" {
				assert.NotContains(t, err.Error(), strings.TrimSpace(tt.sig))
			}
		})
	}
}

// TestEncode64_referenceText checks the Base64 text itself against Ruby's
// documentation example (apidock, Base64.encode64).
func TestEncode64_referenceText(t *testing.T) {
	t.Parallel()
	got := encode64([]byte("Now is the time for all good coders\nto learn Ruby"))
	assert.EqualValues(t, "Tm93IGlzIHRoZSB0aW1lIGZvciBhbGwgZ29vZCBjb2RlcnMKdG8gbGVhcm4g\nUnVieQ==\n", string(got))
	assert.EqualValues(t, "Zm9v\n", string(encode64([]byte("foo"))))
	assert.EqualValues(t, "Zm9v", string(strictEncode64([]byte("foo"))))
	assert.Empty(t, encode64(nil))
	assert.Empty(t, strictEncode64(nil))
}

// rubyVectors is testdata/signature/vectors.json, made by
// testdata/signature/vectors.rb with Ruby's Base64 and OpenSSL.
type rubyVectors struct {
	Secret  string `json:"secret"`
	Vectors []struct {
		Length          int     `json:"length"`
		Encode64        *string `json:"encode64"`
		Encode64SHA256  string  `json:"encode64_sha256"`
		Encode64Length  int     `json:"encode64_length"`
		Signature       string  `json:"signature"`
		StrictSignature string  `json:"strict_signature"`
	} `json:"vectors"`
}

// vectorBody rebuilds a vector's body: byte i is (31*i + 7) mod 256.
func vectorBody(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((31*i + 7) % 256)
	}
	return b
}

func TestVerifier_Verify_rubyVectors(t *testing.T) {
	t.Parallel()
	var vs rubyVectors
	require.NoError(t, json.Unmarshal(testutil.Fixture(t, "signature/vectors.json"), &vs))
	lengths := map[int]bool{}
	for _, vec := range vs.Vectors {
		lengths[vec.Length] = true
	}
	for _, n := range []int{0, 1, 44, 45, 46, 89, 90, 91} {
		require.True(t, lengths[n], "no vector for a body of %d bytes", n)
	}
	require.True(t, lengths[6000], "no multi-kilobyte vector")

	v, err := NewVerifier(vs.Secret)
	require.NoError(t, err)
	for _, vec := range vs.Vectors {
		t.Run(fmt.Sprint(vec.Length), func(t *testing.T) {
			t.Parallel()
			body := vectorBody(vec.Length)

			text := encode64(body)
			assert.Len(t, text, vec.Encode64Length)
			sum := sha256.Sum256(text)
			assert.Equal(t, vec.Encode64SHA256, hex.EncodeToString(sum[:]), "SHA-256 of the encode64 text")
			if vec.Encode64 != nil {
				assert.Equal(t, *vec.Encode64, string(text))
			}

			require.NoError(t, v.Verify(signed(vec.Signature), body), "encode64 signature")
			require.NoError(t, v.Verify(signed(vec.StrictSignature), body), "strict_encode64 signature")

			h := http.Header{}
			v.Sign(h, body)
			assert.Equal(t, vec.Signature, h.Get(SignatureHeader), "Sign uses the newline form")

			if len(body) > 0 {
				tampered := append([]byte(nil), body...)
				tampered[len(tampered)/2] ^= 0x01
				require.ErrorIs(t, v.Verify(signed(vec.Signature), tampered), verify.ErrInvalidSignature)
			}
		})
	}
}

// TestEncode64_lines checks the line structure for every length up to a few
// lines against the standard library's encoder, line by line.
func TestEncode64_lines(t *testing.T) {
	t.Parallel()
	for n := 0; n <= 4*lineBytes+1; n++ {
		body := vectorBody(n)
		text := string(encode64(body))
		strict := base64.StdEncoding.EncodeToString(body)
		if n == 0 {
			require.Empty(t, text)
			continue
		}
		require.True(t, strings.HasSuffix(text, "\n"), "length %d: no final newline", n)
		lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		for i, line := range lines[:len(lines)-1] {
			require.Len(t, line, 60, "length %d: line %d", n, i)
		}
		require.Equal(t, strict, strings.Join(lines, ""), "length %d", n)
	}
}

// TestEncode64_allocs checks that the Base64 text is built with one
// allocation of exactly its size.
func TestEncode64_allocs(t *testing.T) {
	for _, n := range []int{1, 44, 45, 46, 90, 91, 64 << 10} {
		body := vectorBody(n)
		text := encode64(body)
		assert.Equal(t, len(text), cap(text), "length %d: capacity", n)
		allocs := testing.AllocsPerRun(20, func() { _ = encode64(body) })
		assert.Equal(t, 1.0, allocs, "length %d: allocations", n)
	}
}

func TestNewVerifier_noSecret(t *testing.T) {
	t.Parallel()
	for name, secrets := range map[string][]string{
		"none":          nil,
		"empty":         {""},
		"one empty too": {"s3cr3t", ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, err := NewVerifier(secrets...)
			require.ErrorIs(t, err, verify.ErrNoSecret)
			assert.Nil(t, v)
			assert.True(t, strings.HasPrefix(err.Error(), "bookingsync: "), err.Error())
		})
	}
}

func TestVerifier_Verify_rotation(t *testing.T) {
	t.Parallel()
	body := []byte(`{"account_id":1,"event":"booking_created","resource":{}}`)
	oldV, err := NewVerifier("old-secret")
	require.NoError(t, err)
	newV, err := NewVerifier("new-secret")
	require.NoError(t, err)
	both, err := NewVerifier("new-secret", "old-secret")
	require.NoError(t, err)

	for name, signer := range map[string]*Verifier{"old": oldV, "new": newV} {
		h := http.Header{}
		signer.Sign(h, body)
		require.NoError(t, both.Verify(h, body), "signed with the %s secret", name)
	}
	h := http.Header{}
	oldV.Sign(h, body)
	require.ErrorIs(t, newV.Verify(h, body), verify.ErrInvalidSignature)

	// Sign uses the first secret.
	hb, hn := http.Header{}, http.Header{}
	both.Sign(hb, body)
	newV.Sign(hn, body)
	assert.Equal(t, hn.Get(SignatureHeader), hb.Get(SignatureHeader))
}

func TestVerifier_zeroValue(t *testing.T) {
	t.Parallel()
	var zero Verifier
	h := http.Header{}
	zero.Sign(h, []byte("foo"))
	assert.Empty(t, h.Get(SignatureHeader))
	require.ErrorIs(t, zero.Verify(signed("9141f44bfaa6a41812e4e9655ffd02d3c927ac5e"), []byte("foo")), verify.ErrNoSecret)
}

func TestVerifier_implementsInterfaces(t *testing.T) {
	t.Parallel()
	var v any = &Verifier{}
	_, isVerifier := v.(verify.Verifier)
	_, isSigner := v.(verify.Signer)
	assert.True(t, isVerifier)
	assert.True(t, isSigner)
}

func BenchmarkEncode64(b *testing.B) {
	for _, n := range []int{1 << 10, 64 << 10} {
		body := vectorBody(n)
		b.Run(fmt.Sprintf("%dKiB", n>>10), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(n))
			for b.Loop() {
				_ = encode64(body)
			}
		})
	}
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
				v, err := NewVerifier(secrets...)
				if tt.wantErr == nil {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, tt.wantErr)
				require.Nil(t, v)
				assert.True(t, strings.HasPrefix(err.Error(), "bookingsync: new verifier: "), err.Error())
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
	v, err := NewVerifier("s3cret-value", "older-secret")
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
		{"upper-case hex", signed(strings.ToUpper(right.Get(SignatureHeader))), nil},
		{"well-formed, wrong MAC", signed(strings.Repeat("ab", 20)), nil},
		{"missing", http.Header{}, verify.ErrMissingSignature},
		{"blank", signed("  "), verify.ErrMissingSignature},
		{"SHA-256 length", signed(strings.Repeat("ab", 32)), verify.ErrInvalidSignature},
		{"not hex", signed(strings.Repeat("zz", len(strings.Repeat("ab", 20))/2)), verify.ErrInvalidSignature},
		{"with a prefix", signed("sha1=" + strings.Repeat("ab", 20)), verify.ErrInvalidSignature},
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
			assert.True(t, strings.HasPrefix(err.Error(), "bookingsync: verify: "), err.Error())
			assert.NotContains(t, err.Error(), "s3cret-value")
			// Verify fails the same way, whatever the body.
			assert.Equal(t, err.Error(), v.Verify(tt.header, body).Error())
		})
	}
	var zero Verifier
	require.ErrorIs(t, zero.VerifyHeader(right), verify.ErrNoSecret)
	var none *Verifier
	require.ErrorIs(t, none.VerifyHeader(right), verify.ErrNoSecret)
}
