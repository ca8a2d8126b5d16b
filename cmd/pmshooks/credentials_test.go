package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/registry"
)

func TestCredFlagName(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"BOOKINGSYNC_CLIENT_SECRET": "client-secret",
		"CHANNEX_WEBHOOK_HEADER":    "webhook-header",
		"CHANNEX_WEBHOOK_TOKEN":     "webhook-token",
		"HOSTAWAY_WEBHOOK_LOGIN":    "webhook-login",
		"HOSTAWAY_WEBHOOK_PASSWORD": "webhook-password",
		"OWNERREZ_WEBHOOK_USER":     "webhook-user",
		"OWNERREZ_WEBHOOK_PASSWORD": "webhook-password",
		"PROPEXO_WEBHOOK_SECRET":    "webhook-secret",
	}
	got := map[string]string{}
	for _, p := range registry.All() {
		for _, c := range p.Credentials {
			got[c.Env] = credFlagName(p, c.Env)
		}
	}
	assert.Equal(t, want, got, "a renamed variable renames a flag: update the docs")
}

func TestCredFlags_resolve(t *testing.T) {
	t.Parallel()
	p, err := registry.Lookup("hostaway")
	require.NoError(t, err)
	env := map[string]string{"HOSTAWAY_WEBHOOK_LOGIN": "env-login", "HOSTAWAY_WEBHOOK_PASSWORD": "env-password"}
	tests := map[string]struct {
		args []string
		env  map[string]string
		want map[string]string
	}{
		"environment":      {nil, env, env},
		"flag wins":        {[]string{"--webhook-password", "flag-password"}, env, map[string]string{"HOSTAWAY_WEBHOOK_LOGIN": "env-login", "HOSTAWAY_WEBHOOK_PASSWORD": "flag-password"}},
		"default login":    {[]string{"--webhook-password", "pw"}, nil, map[string]string{"HOSTAWAY_WEBHOOK_LOGIN": "pmshooks", "HOSTAWAY_WEBHOOK_PASSWORD": "pw"}},
		"empty flag stays": {[]string{"--webhook-login", "", "--webhook-password", "pw"}, env, map[string]string{"HOSTAWAY_WEBHOOK_LOGIN": "pmshooks", "HOSTAWAY_WEBHOOK_PASSWORD": "pw"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newCLI("pmshooks test", "")
			cf := addCredentialFlags(c)
			_, err := c.parse(&bytes.Buffer{}, tt.args)
			require.NoError(t, err)
			got, err := cf.resolve(p, func(k string) string { return tt.env[k] })
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
