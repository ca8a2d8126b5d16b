package verify_test

import (
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

func basicHeader(user, password string) http.Header {
	return header("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+password)))
}

// TestBasic_Verify also covers VerifyHeader, which must agree with Verify.
func TestBasic_Verify(t *testing.T) {
	t.Parallel()
	creds := []verify.Credentials{{User: "hooks", Password: "s3cret-new"}, {User: "hooks", Password: "s3cret-old"}}
	tests := []struct {
		name    string
		header  http.Header
		wantErr error
	}{
		{"first pair", basicHeader("hooks", "s3cret-new"), nil},
		{"rotation: second pair", basicHeader("hooks", "s3cret-old"), nil},
		{"scheme is case-insensitive", header("Authorization", "basic "+base64.StdEncoding.EncodeToString([]byte("hooks:s3cret-new"))), nil},
		{"wrong password of equal length", basicHeader("hooks", "s3cret-NEW"), verify.ErrUnauthorized},
		{"wrong user", basicHeader("hook", "s3cret-new"), verify.ErrUnauthorized},
		{"user and password swapped across pairs", basicHeader("s3cret-new", "hooks"), verify.ErrUnauthorized},
		{"empty password", basicHeader("hooks", ""), verify.ErrUnauthorized},
		{"missing header", http.Header{}, verify.ErrUnauthorized},
		{"bearer scheme", header("Authorization", "Bearer s3cret-new"), verify.ErrUnauthorized},
		{"not base64", header("Authorization", "Basic !!!"), verify.ErrUnauthorized},
		{"no colon", header("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("hooks"))), verify.ErrUnauthorized},
	}
	b, err := verify.NewBasic(creds...)
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := b.Verify(tc.header, []byte("body-bytes-here"))
			headerErr := b.VerifyHeader(tc.header)
			if tc.wantErr == nil {
				require.NoError(t, err)
				require.NoError(t, headerErr)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assertNoLeak(t, err, "s3cret-new", "s3cret-old", "s3cret-NEW", "body-bytes-here", tc.header.Get("Authorization"))
			// Basic is all in the header: VerifyHeader is the full check.
			require.ErrorIs(t, headerErr, tc.wantErr)
			assertNoLeak(t, headerErr, "s3cret-new", "s3cret-old", "s3cret-NEW", tc.header.Get("Authorization"))
		})
	}
}

func TestNewBasic_failsClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		creds   []verify.Credentials
		wantErr error
	}{
		{"none", nil, verify.ErrNoSecret},
		{"empty user", []verify.Credentials{{Password: "p"}}, verify.ErrNoSecret},
		{"empty password", []verify.Credentials{{User: "u"}}, verify.ErrNoSecret},
		{"one empty among several", []verify.Credentials{{User: "u", Password: "p"}, {User: "u"}}, verify.ErrNoSecret},
		{"colon in user", []verify.Credentials{{User: "u:x", Password: "p"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := verify.NewBasic(tc.creds...)
			require.Error(t, err)
			require.Nil(t, b)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			}
		})
	}
}

func TestBasic_Sign(t *testing.T) {
	t.Parallel()
	b, err := verify.NewBasic(verify.Credentials{User: "u", Password: "p:with:colons"}, verify.Credentials{User: "old", Password: "x"})
	require.NoError(t, err)
	h := http.Header{}
	b.Sign(h, nil)
	r := &http.Request{Header: h}
	user, password, ok := r.BasicAuth()
	require.True(t, ok)
	assert.Equal(t, "u", user)
	assert.Equal(t, "p:with:colons", password)
	require.NoError(t, b.Verify(h, nil))
}

func TestNewBasic_secretRule(t *testing.T) {
	t.Parallel()
	for _, tc := range secretRule {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, creds := range [][]verify.Credentials{
				{{User: "hooks", Password: tc.secret}},
				{{User: tc.secret, Password: "s3cret-pass"}},
				{{User: "hooks", Password: "s3cret-pass"}, {User: "hooks", Password: tc.secret}},
			} {
				b, err := verify.NewBasic(creds...)
				checkSecretRule(t, err, tc.secret, tc.wantErr)
				if tc.wantErr != nil {
					require.Nil(t, b)
				}
			}
		})
	}
}
