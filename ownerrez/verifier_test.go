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
