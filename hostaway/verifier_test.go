package hostaway

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/verify"
)

// Known answers: Authorization values computed independently of the package
// (Python: "Basic " + base64.b64encode(b"login:password")), as Hostaway sends
// them for the login and password set on the unified webhook.
const (
	authMyLogin  = "Basic bXlfbG9naW46czNjcmV0"         // my_login:s3cret
	authUnicode  = "Basic cG1zaG9va3M6cEBzczp3b3JkIMOp" // pmshooks:p@ss:word é
	authOldLogin = "Basic b2xkLWxvZ2luOm9sZC1wYXNz"     // old-login:old-pass
)

func TestVerifier_Verify(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(
		verify.Credentials{User: "my_login", Password: "s3cret"},
		verify.Credentials{User: "pmshooks", Password: "p@ss:word é"},
	)
	require.NoError(t, err)
	body := sample(t, EventReservationCreated)

	tests := []struct {
		name   string
		header []string // Authorization values; nil sends none
		ok     bool
	}{
		{"first pair", []string{authMyLogin}, true},
		{"second pair, colon and UTF-8 in the password", []string{authUnicode}, true},
		{"scheme in lower case", []string{"basic bXlfbG9naW46czNjcmV0"}, true},
		{"pair not configured", []string{authOldLogin}, false},
		{"no header", nil, false},
		{"empty header", []string{""}, false},
		{"bearer scheme", []string{"Bearer bXlfbG9naW46czNjcmV0"}, false},
		{"not base64", []string{"Basic !!!"}, false},
		{"no colon", []string{"Basic bXlfbG9naW4="}, false}, // my_login
		{"login of one pair, password of the other", []string{"Basic bXlfbG9naW46cEBzczp3b3JkIMOp"}, false},
		{"password with a trailing space", []string{"Basic bXlfbG9naW46czNjcmV0IA=="}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for _, a := range tt.header {
				h.Add("Authorization", a)
			}
			err := v.Verify(h, body)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, verify.ErrUnauthorized)
			assert.Regexp(t, `^hostaway: `, err.Error())
			assert.NotContains(t, err.Error(), "s3cret")
		})
	}
}

func TestVerifier_Sign(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(
		verify.Credentials{User: "my_login", Password: "s3cret"},
		verify.Credentials{User: "old-login", Password: "old-pass"},
	)
	require.NoError(t, err)
	h := http.Header{}
	v.Sign(h, nil)
	assert.Equal(t, authMyLogin, h.Get("Authorization"), "signs with the first pair")
	require.NoError(t, v.Verify(h, []byte("any body: Basic auth does not cover it")))
}

func TestNewVerifier_failsClosed(t *testing.T) {
	t.Parallel()
	tests := map[string][]verify.Credentials{
		"no pair":        nil,
		"empty login":    {{User: "", Password: "p"}},
		"empty password": {{User: "u", Password: ""}},
		"one bad pair":   {{User: "u", Password: "p"}, {User: "v"}},
	}
	for name, creds := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, err := NewVerifier(creds...)
			require.ErrorIs(t, err, verify.ErrNoSecret)
			assert.Nil(t, v)
		})
	}
	_, err := NewVerifier(verify.Credentials{User: "a:b", Password: "p"})
	require.Error(t, err, "a login with a colon cannot be sent")
}

func TestVerifier_zeroValueRejects(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("Authorization", authMyLogin)
	for name, v := range map[string]*Verifier{"nil": nil, "zero": {}} {
		require.ErrorIs(t, v.Verify(h, nil), verify.ErrUnauthorized, name)
		v.Sign(http.Header{}, nil) // does nothing, does not panic
	}
}

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
				{{User: "my_login", Password: tt.value}},
				{{User: tt.value, Password: "pass-word"}},
				{{User: "my_login", Password: "pass-word"}, {User: "my_login", Password: tt.value}},
			} {
				v, err := NewVerifier(creds...)
				if tt.wantErr == nil {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, tt.wantErr)
				require.Nil(t, v)
				assert.Contains(t, err.Error(), "hostaway: new verifier")
				assert.NotContains(t, err.Error(), "s3cret")
			}
		})
	}
}

// TestVerifier_VerifyHeader: Basic credentials are all in the header, so
// VerifyHeader is the full check and fails exactly as Verify does.
func TestVerifier_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(verify.Credentials{User: "my_login", Password: "s3cret-pass"})
	require.NoError(t, err)
	right := http.Header{}
	v.Sign(right, nil)
	tests := []struct {
		name   string
		header http.Header
		ok     bool
	}{
		{"right credentials", right, true},
		{"wrong password", basicAuth("my_login", "s3cret-pasS"), false},
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
			assert.Contains(t, err.Error(), "hostaway: verify: ")
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
