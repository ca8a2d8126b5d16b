package registry_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/internal/catalog"
	"github.com/pmshooks/pmshooks/internal/registry"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/propexo"
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

// TestProvider_NewRequest_cancelledBooking sends each provider's
// cancelled-booking sample, a named variant that is not an event name.
func TestProvider_NewRequest_cancelledBooking(t *testing.T) {
	t.Parallel()
	for name, sample := range map[string]string{
		"channex": "booking_cancellation", "hostaway": "reservation.updated:cancelled",
		"ownerrez": "booking.entity_update:cancelled", "bookingsync": "booking_updated:cancelled",
	} {
		p, err := registry.Lookup(name)
		require.NoError(t, err)
		v, err := p.NewVerifier(p.DevCredentials())
		require.NoError(t, err)
		rc, err := p.NewReceiver(v)
		require.NoError(t, err)
		r, err := p.NewRequest("http://127.0.0.1/hooks", sample, v)
		require.NoError(t, err, name)
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		e, err := rc.Receive(r.Header, body)
		require.NoError(t, err, name)
		assert.Equal(t, event.BookingCancelled, e.Type(), name)
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

// eventNames is each provider's EventNames, the originals of the copies in
// internal/catalog.
var eventNames = map[event.Provider]func() []string{
	bookingsync.Provider: bookingsync.EventNames,
	channex.Provider:     channex.EventNames,
	hostaway.Provider:    hostaway.EventNames,
	ownerrez.Provider:    ownerrez.EventNames,
	propexo.Provider:     propexo.EventNames,
}

// TestCatalog_matchesEventNames keeps internal/catalog, which event.Mux
// checks OnName against, equal to each provider's EventNames: a name added
// to a provider and not to the catalog would make OnName reject it.
func TestCatalog_matchesEventNames(t *testing.T) {
	t.Parallel()
	require.Equal(t, registry.Names(), catalog.Providers())
	require.Len(t, eventNames, len(registry.Names()))
	for _, p := range registry.All() {
		t.Run(string(p.Name), func(t *testing.T) {
			t.Parallel()
			names, ok := eventNames[p.Name]
			require.True(t, ok, "eventNames lacks the provider")
			copied, ok := catalog.Names(string(p.Name))
			require.True(t, ok)
			if diff := cmp.Diff(names(), copied); diff != "" {
				t.Errorf("internal/catalog differs from %s.EventNames() (-want +got):\n%s", p.Name, diff)
			}
		})
	}
}

// TestMux_OnName_everyEventName registers every name of every provider's
// EventNames on one event.Mux, then posts every sample delivery through the
// provider's receiver and checks that the Mux routes it to the handler of
// its name: every name OnName accepts is one a receiver produces.
func TestMux_OnName_everyEventName(t *testing.T) {
	t.Parallel()
	var m event.Mux
	var got string
	for _, p := range registry.All() {
		for _, name := range eventNames[p.Name]() {
			require.NotPanics(t, func() {
				m.OnName(p.Name, name, event.HandlerFunc(func(context.Context, event.Event) error {
					got = string(p.Name) + " " + name
					return nil
				}))
			}, "%s %s", p.Name, name)
		}
	}
	for _, p := range registry.All() {
		v, err := p.NewVerifier(p.DevCredentials())
		require.NoError(t, err)
		rc, err := p.NewReceiver(v)
		require.NoError(t, err)
		for _, name := range p.Events() {
			r, err := p.NewRequest("http://127.0.0.1/hooks", name, v)
			require.NoError(t, err)
			body, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			e, err := rc.Receive(r.Header, body)
			require.NoError(t, err, name)
			got = ""
			require.NoError(t, m.HandleEvent(context.Background(), e))
			assert.Equal(t, string(p.Name)+" "+name, got)
		}
	}
}

// tripwire is a request body that records being read.
type tripwire struct{ read bool }

func (b *tripwire) Read([]byte) (int, error) { b.read = true; return 0, io.EOF }
func (b *tripwire) Close() error             { return nil }

// TestAll_unauthenticatedBodyNeverRead sends each provider's handler a
// request without credentials or signature that declares an almost 5 MiB
// body: it is refused from its headers, before a byte of the body is read,
// so such requests cost no memory whatever their number.
func TestAll_unauthenticatedBodyNeverRead(t *testing.T) {
	t.Parallel()
	for _, p := range registry.All() {
		t.Run(string(p.Name), func(t *testing.T) {
			t.Parallel()
			v, err := p.NewVerifier(p.DevCredentials())
			require.NoError(t, err)
			rc, err := p.NewReceiver(v)
			require.NoError(t, err)
			h := event.NewHTTPHandler(rc, event.HandlerFunc(func(context.Context, event.Event) error { return nil }))
			name := p.Events()[0]
			r, err := p.NewRequest("http://127.0.0.1/hooks", name, nil)
			require.NoError(t, err)
			body := &tripwire{}
			r.Body, r.ContentLength = body, 5<<20-1
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, http.StatusUnauthorized, w.Code)
			assert.False(t, body.read, "the body was read before the credentials were checked")
		})
	}
}
