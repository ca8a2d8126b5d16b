package registry_test

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/registry"
)

// TestAll_everySampleReceives posts every sample of every provider, signed
// with development credentials, through the provider's receiver.
func TestAll_everySampleReceives(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"bookingsync", "channex", "hostaway", "ownerrez", "propexo"}, registry.Names())
	for _, p := range registry.All() {
		t.Run(string(p.Name), func(t *testing.T) {
			t.Parallel()
			v, err := p.NewVerifier(p.DevCredentials())
			require.NoError(t, err)
			rc, err := p.NewReceiver(v)
			require.NoError(t, err)
			require.Equal(t, p.Name, rc.Provider())
			require.NotEmpty(t, p.Events())
			for _, d := range p.DemoEvents() {
				assert.Contains(t, p.Events(), d, "demo event has a sample")
			}
			for _, name := range p.Events() {
				r, err := p.NewRequest("http://127.0.0.1/hooks", name, v)
				require.NoError(t, err)
				body, err := io.ReadAll(r.Body)
				require.NoError(t, err)
				e, err := rc.Receive(r.Header, body)
				require.NoError(t, err, name)
				assert.Equal(t, name, e.Name())
				assert.True(t, e.Type().Known(), name)

				unsigned, err := p.NewRequest("http://127.0.0.1/hooks", name, nil)
				require.NoError(t, err)
				_, err = rc.Receive(unsigned.Header, body)
				require.Error(t, err, name)
				require.NotErrorIs(t, err, event.ErrMalformed)
			}
			_, err = p.Sample("no-such-event")
			require.Error(t, err)
			_, err = p.NewRequest("http://127.0.0.1/hooks", "no-such-event", v)
			require.Error(t, err)
		})
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	p, err := registry.Lookup("Channex")
	require.NoError(t, err)
	assert.Equal(t, event.Provider("channex"), p.Name)
	_, err = registry.Lookup("airbnb")
	require.ErrorContains(t, err, "known: bookingsync, channex")
}

func TestProvider_FromEnv(t *testing.T) {
	t.Parallel()
	p, err := registry.Lookup("hostaway")
	require.NoError(t, err)
	values, missing := p.FromEnv(func(string) string { return "" })
	assert.Equal(t, []string{"HOSTAWAY_WEBHOOK_PASSWORD"}, missing)
	assert.Equal(t, "pmshooks", values["HOSTAWAY_WEBHOOK_LOGIN"])

	env := map[string]string{"HOSTAWAY_WEBHOOK_PASSWORD": "pw"}
	values, missing = p.FromEnv(func(k string) string { return env[k] })
	assert.Empty(t, missing)
	_, err = p.NewVerifier(values)
	require.NoError(t, err)

	// An empty secret fails closed, and no typed nil escapes.
	v, err := p.NewVerifier(map[string]string{"HOSTAWAY_WEBHOOK_LOGIN": "u"})
	require.Error(t, err)
	assert.Nil(t, v)
}

func TestProvider_DevCredentials(t *testing.T) {
	t.Parallel()
	p, err := registry.Lookup("channex")
	require.NoError(t, err)
	a, b := p.DevCredentials(), p.DevCredentials()
	assert.Equal(t, "X-Channex-Webhook-Secret", a["CHANNEX_WEBHOOK_HEADER"])
	assert.NotEqual(t, a["CHANNEX_WEBHOOK_TOKEN"], b["CHANNEX_WEBHOOK_TOKEN"], "secrets are random")
}
