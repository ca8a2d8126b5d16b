package ownerrez

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

// TestVerifier_Verify runs known-answer vectors: Authorization values
// computed by hand (base64 of "user:password", RFC 7617), not by Sign.
func TestVerifier_Verify(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(
		verify.Credentials{User: "Aladdin", Password: "open sesame"},
		verify.Credentials{User: "orez-hooks", Password: "n3w-p@ss:word"},
	)
	require.NoError(t, err)
	body := []byte(`{"action":"webhook_test"}`)

	tests := []struct {
		name   string
		header string // Authorization; "" means absent
		ok     bool
	}{
		{"rfc7617 vector", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", true},
		{"scheme is case-insensitive", "basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", true},
		{"second pair, colon in password", "Basic b3Jlei1ob29rczpuM3ctcEBzczp3b3Jk", true},
		{"missing header", "", false},
		{"password one byte short", "Basic QWxhZGRpbjpvcGVuIHNlc2Ft", false}, // Aladdin:open sesam
		{"wrong password", "Basic QWxhZGRpbjpjbG9zZSBzZXNhbWU=", false},      // Aladdin:close sesame
		{"unpadded base64", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ", false},
		{"users swapped across pairs", "Basic b3Jlei1ob29rczpvcGVuIHNlc2FtZQ==", false}, // orez-hooks:open sesame
		{"bearer scheme", "Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==", false},
		{"no colon", "Basic QWxhZGRpbg==", false}, // Aladdin
		{"not base64", "Basic !!!", false},
		{"empty credentials", "Basic Og==", false}, // ":"
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.header != "" {
				h.Set("Authorization", tt.header)
			}
			err := v.Verify(h, body)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, verify.ErrUnauthorized)
			assert.True(t, strings.HasPrefix(err.Error(), "ownerrez: "), err.Error())
			assert.NotContains(t, err.Error(), "sesame")
			assert.NotContains(t, err.Error(), "Aladdin")
		})
	}
}

func TestNewVerifier_failsClosed(t *testing.T) {
	t.Parallel()
	tests := map[string][]verify.Credentials{
		"no credentials": nil,
		"empty user":     {{User: "", Password: "p"}},
		"empty password": {{User: "u", Password: ""}},
		"one pair empty": {{User: "u", Password: "p"}, {}},
		"colon in user":  {{User: "a:b", Password: "p"}},
		"zero pair":      {{}},
	}
	for name, creds := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, err := NewVerifier(creds...)
			require.Error(t, err)
			assert.Nil(t, v)
			assert.True(t, strings.HasPrefix(err.Error(), "ownerrez: "), err.Error())
		})
	}
	_, err := NewVerifier()
	require.ErrorIs(t, err, verify.ErrNoSecret)
}

func TestVerifier_Sign(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(
		verify.Credentials{User: "Aladdin", Password: "open sesame"},
		verify.Credentials{User: "other", Password: "pair"},
	)
	require.NoError(t, err)
	h := http.Header{}
	v.Sign(h, nil)
	// Sign uses the first pair: the RFC 7617 vector.
	assert.Equal(t, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", h.Get("Authorization"))
	require.NoError(t, v.Verify(h, nil))

	other, err := NewVerifier(verify.Credentials{User: "other", Password: "pair!"})
	require.NoError(t, err)
	require.ErrorIs(t, other.Verify(h, nil), verify.ErrUnauthorized)
}

func TestVerifier_zeroValue(t *testing.T) {
	t.Parallel()
	var zero Verifier
	h := http.Header{}
	zero.Sign(h, nil)
	assert.Empty(t, h.Get("Authorization"))
	h.Set("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
	require.ErrorIs(t, zero.Verify(h, nil), verify.ErrUnauthorized)
	var nilV *Verifier
	require.ErrorIs(t, nilV.Verify(h, nil), verify.ErrUnauthorized)
}

var (
	_ verify.Verifier = (*Verifier)(nil)
	_ verify.Signer   = (*Verifier)(nil)
)

// TestNewVerifier_secretRule: a user or password read with the trailing
// newline of a secrets file, or only white space, is refused up front
// instead of making a Verifier that never matches.
func TestNewVerifier_secretRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		value   string
		wantErr error
	}{
		{"trailing newline", "s3cret-pass\n", verify.ErrSecretWhitespace},
		{"trailing CRLF", "s3cret-pass\r\n", verify.ErrSecretWhitespace},
		{"leading space", " s3cret-pass", verify.ErrSecretWhitespace},
		{"tab around", "\ts3cret-pass\t", verify.ErrSecretWhitespace},
		{"spaces only", "   ", verify.ErrNoSecret},
		{"tab only", "\t", verify.ErrNoSecret},
		{"newline only", "\n", verify.ErrNoSecret},
		{"empty", "", verify.ErrNoSecret},
		{"space inside", "s3cret pass", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, creds := range [][]verify.Credentials{
				{{User: "orez-hooks", Password: tt.value}},
				{{User: tt.value, Password: "pass-word"}},
				{{User: "orez-hooks", Password: "pass-word"}, {User: "orez-hooks", Password: tt.value}},
			} {
				v, err := NewVerifier(creds...)
				if tt.wantErr == nil {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, tt.wantErr)
				require.Nil(t, v)
				assert.Contains(t, err.Error(), "ownerrez: new verifier")
				assert.NotContains(t, err.Error(), "s3cret")
			}
		})
	}
}

// TestVerifier_VerifyHeader: Basic credentials are all in the header, so
// VerifyHeader is the full check and fails exactly as Verify does.
func TestVerifier_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(verify.Credentials{User: "orez-hooks", Password: "s3cret-pass"})
	require.NoError(t, err)
	right := http.Header{}
	v.Sign(right, nil)
	tests := []struct {
		name   string
		header http.Header
		ok     bool
	}{
		{"right credentials", right, true},
		{"wrong password", basicAuth("orez-hooks", "s3cret-pasS"), false},
		{"wrong user", basicAuth("someone", "s3cret-pass"), false},
		{"not Basic", http.Header{"Authorization": {"Bearer s3cret-pass"}}, false},
		{"missing", http.Header{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := v.VerifyHeader(tt.header)
			if tt.ok {
				require.NoError(t, err)
				require.NoError(t, v.Verify(tt.header, []byte("body")))
				return
			}
			require.ErrorIs(t, err, verify.ErrUnauthorized)
			assert.Equal(t, v.Verify(tt.header, []byte("body")).Error(), err.Error())
			assert.Contains(t, err.Error(), "ownerrez: verify: ")
			assert.NotContains(t, err.Error(), "s3cret-pass")
		})
	}
	for name, zero := range map[string]*Verifier{"zero": {}, "nil": nil} {
		require.ErrorIs(t, zero.VerifyHeader(right), verify.ErrUnauthorized, name)
	}
}

func basicAuth(user, password string) http.Header {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, password)
	return r.Header
}
