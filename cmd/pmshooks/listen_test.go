package main

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/registry"
	"github.com/pmshooks/pmshooks/verify"
)

// listening is a listen command running in the background.
type listening struct {
	out, errOut *syncBuffer
	base        string // http://127.0.0.1:port
	done        chan int
}

// startListen runs listen on a free loopback port until the test ends, and
// waits for its banner.
func startListen(t *testing.T, ct cmdTest, args ...string) (*listening, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	l := &listening{out: &syncBuffer{}, errOut: &syncBuffer{}, done: make(chan int, 1)}
	a := ct.app(l.out, l.errOut)
	go func() {
		l.done <- report(l.errOut, a.run(ctx, append([]string{"listen", "--addr", "127.0.0.1:0"}, args...)))
	}()
	t.Cleanup(func() {
		cancel()
		<-l.done
	})
	re := regexp.MustCompile(`receiving webhooks on (http://127\.0\.0\.1:\d+)/hooks/\{provider\}`)
	require.Eventually(t, func() bool {
		m := re.FindStringSubmatch(l.out.String())
		if m != nil {
			l.base = m[1]
		}
		return m != nil && strings.Contains(l.out.String(), "Waiting for deliveries")
	}, 5*time.Second, 5*time.Millisecond, "banner; stderr: %s", l.errOut.String())
	return l, cancel
}

// tryCommand returns the arguments of the send command the banner printed
// for provider.
func (l *listening) tryCommand(t *testing.T, provider string) []string {
	t.Helper()
	for _, line := range strings.Split(l.out.String(), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "try: pmshooks send "+provider+" "); ok {
			return append([]string{"send", provider}, strings.Fields(rest)...)
		}
	}
	t.Fatalf("no send command for %s in:\n%s", provider, l.out.String())
	return nil
}

// waitLine waits for a printed line that matches re.
func (l *listening) waitLine(t *testing.T, re string) string {
	t.Helper()
	rx := regexp.MustCompile(`(?m)^` + re + `$`)
	var line string
	require.Eventually(t, func() bool {
		line = rx.FindString(l.out.String())
		return line != ""
	}, 5*time.Second, 5*time.Millisecond, "want a line matching %s in:\n%s", re, l.out.String())
	return line
}

func TestListen(t *testing.T) {
	t.Parallel()
	l, cancel := startListen(t, cmdTest{})
	assert.Contains(t, l.out.String(), "DEVELOPMENT MODE")

	for _, p := range registry.All() {
		name := string(p.Name)
		// The banner's own command posts a signed sample that verifies.
		args := l.tryCommand(t, name)
		assert.Contains(t, args, l.base+"/hooks/"+name)
		r := runCmd(t, args...)
		require.Equal(t, exitOK, r.code, "%v: %s", args, r.stderr)

		e, err := decodeSample(p, mustReceiver(t, p), args[2])
		require.NoError(t, err)
		want := `\d\d:\d\d:\d\d 200 ` + regexp.QuoteMeta(name+" "+e.Name()+" -> "+string(e.Type()))
		if s := e.Subject().String(); s != "" {
			want += " " + regexp.QuoteMeta(s)
		}
		l.waitLine(t, want+` \(verified, id [^)]+\)`)

		// The same delivery again is acknowledged, not handled again.
		r = runCmd(t, args...)
		require.Equal(t, exitOK, r.code, r.stderr)
		l.waitLine(t, `\d\d:\d\d:\d\d 200 `+regexp.QuoteMeta(name+" "+e.Name())+` duplicate delivery acknowledged \(id [^)]+\)`)

		// Without credentials: refused, and why is printed.
		r = runCmd(t, "send", name, args[2], "--url", l.base+"/hooks/"+name, "--unsigned")
		assert.Equal(t, exitFailure, r.code)
		l.waitLine(t, `\d\d:\d\d:\d\d 401 `+name+` delivery rejected: authentication failed: .+`)
	}

	// A provider nobody knows.
	resp, err := http.Post(l.base+"/hooks/airbnb", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	l.waitLine(t, `\d\d:\d\d:\d\d 404 "airbnb": unknown provider \(known: bookingsync, channex, hostaway, ownerrez, propexo\)`)

	// Only POST.
	resp, err = http.Get(l.base + "/hooks/hostaway")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	cancel()
	select {
	case code := <-l.done:
		l.done <- code // for the cleanup
		assert.Equal(t, exitOK, code, l.errOut.String())
	case <-time.After(5 * time.Second):
		t.Fatal("listen did not stop")
	}
	assert.Contains(t, l.out.String(), "pmshooks listen: stopped")
	_, err = http.Post(l.base+"/hooks/hostaway", "application/json", strings.NewReader("{}"))
	assert.Error(t, err, "the port is closed")
}

func TestListen_credentialsFromEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PROPEXO_WEBHOOK_SECRET": "from-the-environment", "HOSTAWAY_WEBHOOK_LOGIN": "acme"}
	l, _ := startListen(t, cmdTest{env: env}, "-v")
	out := l.out.String()
	assert.Contains(t, out, "PROPEXO_WEBHOOK_SECRET  (from the environment)")
	assert.NotContains(t, out, "from-the-environment", "a secret of the environment is never printed")
	assert.Contains(t, out, "HOSTAWAY_WEBHOOK_LOGIN", "hostaway has no password: development mode")
	assert.Regexp(t, `HOSTAWAY_WEBHOOK_PASSWORD=dev-[0-9a-f]+ +\(generated\)`, out)

	args := l.tryCommand(t, "propexo")
	assert.NotContains(t, args, "--webhook-secret", "send reads the same environment")
	r := cmdTest{env: env}.run(t, args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	l.waitLine(t, `\d\d:\d\d:\d\d 200 propexo .*\(verified, id [^)]+\)`)
	// -v prints the event as JSON too.
	l.waitLine(t, `  "payload_type": "\*propexo.Webhook",`)

	// The hostaway login of the environment is used with the generated
	// password: the send command carries only the password.
	args = l.tryCommand(t, "hostaway")
	r = cmdTest{env: env}.run(t, args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	l.waitLine(t, `\d\d:\d\d:\d\d 200 hostaway reservation.created -> booking.created booking/\d+ \(verified, id [^)]+\)`)
	l.waitLine(t, ` +booking \d+ confirmed \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d .*`)
}

func TestListen_addressInUse(t *testing.T) {
	t.Parallel()
	l, _ := startListen(t, cmdTest{})
	r := runCmd(t, "listen", "--addr", strings.TrimPrefix(l.base, "http://"))
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "address already in use")
}

func TestListen_badCredentials(t *testing.T) {
	t.Parallel()
	// A login with a colon cannot be sent by Basic auth.
	r := cmdTest{env: map[string]string{"HOSTAWAY_WEBHOOK_LOGIN": "a:b", "HOSTAWAY_WEBHOOK_PASSWORD": "pw"}}.run(t, "listen", "--addr", "127.0.0.1:0")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "pmshooks listen: hostaway credentials: ")
}

func TestNote_report(t *testing.T) {
	t.Parallel()
	n := &note{msg: "delivery rejected: body too large"}
	assert.Equal(t, "12:00:00 413 ownerrez delivery rejected: body too large\n", n.report("12:00:00", 413, "ownerrez", false))
	n = &note{}
	assert.Equal(t, "12:00:00 503 ownerrez Service Unavailable\n", n.report("12:00:00", 503, "ownerrez", false))
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"dev-0123":                 "dev-0123",
		"X-Channex-Webhook-Secret": "X-Channex-Webhook-Secret",
		"":                         "''",
		"two words":                "'two words'",
		"it's":                     `'it'\''s'`,
		"$HOME":                    "'$HOME'",
	} {
		assert.Equal(t, want, shellQuote(in), in)
	}
}

func mustReceiver(t *testing.T, p registry.Provider) registry.Receiver {
	t.Helper()
	rc, err := p.NewReceiver(verify.Unverified())
	require.NoError(t, err)
	return rc
}
