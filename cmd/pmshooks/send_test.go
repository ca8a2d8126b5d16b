package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/internal/registry"
)

// receiverServer serves p's receiver, verifying with values, and records
// the events it handled.
func receiverServer(t *testing.T, p registry.Provider, values map[string]string) (*httptest.Server, *eventtest.Recorder) {
	t.Helper()
	v, err := p.NewVerifier(values)
	require.NoError(t, err)
	rc, err := p.NewReceiver(v)
	require.NoError(t, err)
	rec := &eventtest.Recorder{}
	srv := httptest.NewServer(event.NewHTTPHandler(rc, rec, event.WithoutDedupe()))
	t.Cleanup(srv.Close)
	return srv, rec
}

// credentialArgs returns the credential flags that give values.
func credentialArgs(p registry.Provider, values map[string]string) []string {
	var args []string
	for _, c := range p.Credentials {
		args = append(args, "--"+credFlagName(p, c.Env), values[c.Env])
	}
	return args
}

func TestSend_everySample(t *testing.T) {
	t.Parallel()
	for _, p := range registry.All() {
		t.Run(string(p.Name), func(t *testing.T) {
			t.Parallel()
			values := p.DevCredentials()
			srv, rec := receiverServer(t, p, values)
			for _, name := range p.Events() {
				args := append([]string{"send", string(p.Name), name, "--url", srv.URL}, credentialArgs(p, values)...)
				r := runCmd(t, args...)
				require.Equal(t, exitOK, r.code, "%s: %s", name, r.stderr)
				assert.Contains(t, r.stdout, "200 OK", name)
				assert.Contains(t, r.stdout, "signed", name)
			}
			// Every delivery passed the receiver's verification: the handler
			// got each, as the provider's own event.
			got := rec.Events()
			require.Len(t, got, len(p.Events()))
			for i, e := range got {
				assert.Equal(t, p.Name, e.Provider())
				assert.Equal(t, p.Events()[i], e.Name())
			}
		})
	}
}

func TestSend_credentialsFromEnvironment(t *testing.T) {
	t.Parallel()
	p, err := registry.Lookup("hostaway")
	require.NoError(t, err)
	values := map[string]string{"HOSTAWAY_WEBHOOK_LOGIN": "acme", "HOSTAWAY_WEBHOOK_PASSWORD": "from-env-0123"}
	srv, rec := receiverServer(t, p, values)

	r := cmdTest{env: values}.run(t, "send", "hostaway", "reservation.created", "--url", srv.URL)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, 1, rec.Len())

	// A flag wins over the environment.
	r = cmdTest{env: values}.run(t, "send", "--webhook-password", "wrong", "hostaway", "reservation.created", "--url", srv.URL)
	assert.Equal(t, exitFailure, r.code)
	assert.Equal(t, 1, rec.Len())
}

func TestSend_refused(t *testing.T) {
	t.Parallel()
	for _, p := range registry.All() {
		t.Run(string(p.Name), func(t *testing.T) {
			t.Parallel()
			srv, rec := receiverServer(t, p, p.DevCredentials())
			name := p.DemoEvents()[0]

			// Other credentials than the receiver's: it answers 401, which
			// send reports and fails on.
			r := runCmd(t, append([]string{"send", string(p.Name), name, "--url", srv.URL}, credentialArgs(p, p.DevCredentials())...)...)
			assert.Equal(t, exitFailure, r.code)
			assert.Contains(t, r.stdout, "401 Unauthorized")
			assert.Contains(t, r.stderr, "pmshooks send: the receiver answered 401 Unauthorized")

			r = runCmd(t, "send", string(p.Name), name, "--url", srv.URL, "--unsigned")
			assert.Equal(t, exitFailure, r.code)
			assert.Contains(t, r.stdout, "unsigned")
			assert.Contains(t, r.stdout, "401 Unauthorized")
			assert.Zero(t, rec.Len())
		})
	}
}

func TestSend_missingCredentials(t *testing.T) {
	t.Parallel()
	r := runCmd(t, "send", "channex", "booking_new", "--url", "http://127.0.0.1:1/")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "missing channex credentials: set CHANNEX_WEBHOOK_TOKEN (or --webhook-token)")
	assert.Empty(t, r.stdout, "nothing is sent")
}

func TestSend_unknownEvent(t *testing.T) {
	t.Parallel()
	r := runCmd(t, "send", "hostaway", "reservation.exploded", "--webhook-password", "x")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, `hostaway has no event "reservation.exploded"; its events: message.received, reservation.created, reservation.updated, test`)
}

func TestSend_list(t *testing.T) {
	t.Parallel()
	for _, p := range registry.All() {
		t.Run(string(p.Name), func(t *testing.T) {
			t.Parallel()
			r := runCmd(t, "send", string(p.Name), "--list")
			require.Equal(t, exitOK, r.code, r.stderr)
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			require.Len(t, lines, len(p.Events()))
			for i, line := range lines {
				f := strings.Fields(line)
				require.Len(t, f, 2, line)
				assert.Equal(t, p.Events()[i], f[0])
				assert.NotEqual(t, "?", f[1], "%s decodes", f[0])
			}
		})
	}
}

func TestSend_headersAndVerbose(t *testing.T) {
	t.Parallel()
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte("queued"))
	}))
	t.Cleanup(srv.Close)

	r := runCmd(t, "send", "propexo", "DATA_NEW", "--url", srv.URL, "--webhook-secret", "0123456789abcdef",
		"-H", "X-Trace: abc", "-H", "User-Agent: tester", "-v")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "abc", got.Get("X-Trace"))
	assert.Equal(t, "tester", got.Get("User-Agent"))
	assert.NotEmpty(t, got.Get("Propexo-Signature"))
	assert.Contains(t, r.stdout, "POST / HTTP/1.1", "the request is dumped")
	assert.Contains(t, r.stdout, "202 Accepted")
	assert.Contains(t, r.stdout, "queued", "the response body is printed")
}

func TestSend_unreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	r := runCmd(t, "send", "propexo", "DATA_NEW", "--url", url, "--webhook-secret", "0123456789abcdef")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "pmshooks send: ")
	assert.Contains(t, r.stderr, "connection refused")
}
