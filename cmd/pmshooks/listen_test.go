package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
	db          string // the inbox file
	done        chan int
}

// startListen runs listen on a free loopback port until the test ends, and
// waits for its banner.
func startListen(t *testing.T, ct cmdTest, args ...string) (*listening, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	l := &listening{out: &syncBuffer{}, errOut: &syncBuffer{}, done: make(chan int, 1), db: ct.db}
	if l.db == "" {
		l.db = filepath.Join(t.TempDir(), "listen.db")
	}
	a := ct.app(l.out, l.errOut)
	a.cacheDir = t.TempDir() // never the user's own cache
	go func() {
		l.done <- report(l.errOut, a.run(ctx, append([]string{"listen", "--addr", "127.0.0.1:0", "--db", l.db}, args...)))
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
// for provider, split as the shell would split them.
func (l *listening) tryCommand(t *testing.T, provider string) []string {
	t.Helper()
	for _, line := range strings.Split(l.out.String(), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "try: "); ok && strings.HasPrefix(rest, "pmshooks send "+provider+" ") {
			return pasted(t, rest)
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

func TestListen_save(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "captured dir") // a space: the printed command quotes it
	l, _ := startListen(t, cmdTest{}, "--save", dir)
	for _, p := range registry.All() {
		name := string(p.Name)
		r := runCmd(t, l.tryCommand(t, name)...)
		require.Equal(t, exitOK, r.code, r.stderr)
		line := l.waitLine(t, `         saved: pmshooks inspect `+name+` .*`)

		// The printed command inspects the saved body.
		args := pasted(t, strings.TrimPrefix(line, "         saved: "))
		require.Len(t, args, 3, line)
		assert.Equal(t, dir, filepath.Dir(args[2]))
		assert.Regexp(t, `^`+name+`-\d{8}T\d{6}\.\d{3}Z-[A-Za-z0-9-]{1,12}\.json$`, filepath.Base(args[2]))
		r = runCmd(t, args...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, name, decodeInspected(t, r.stdout).Provider)
		info, err := os.Stat(args[2])
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	}

	// A refused delivery is not saved.
	r := runCmd(t, "send", "hostaway", "reservation.created", "--url", l.base+"/hooks/hostaway", "--unsigned")
	assert.Equal(t, exitFailure, r.code)
	l.waitLine(t, `\d\d:\d\d:\d\d 401 hostaway .*`)
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, files, len(registry.All()))
}

func TestSavedName(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 12, 30, 45, 123e6, time.UTC)
	tests := map[string]struct{ id, want string }{
		"hash":  {"sha256:667e157179bd0123456789", "hostaway-20260301T123045.123Z-667e157179bd.json"},
		"uuid":  {"0f8fad5b-d9cb-469f-a165-70867728950e", "hostaway-20260301T123045.123Z-0f8fad5b-d9c.json"},
		"slash": {"../../etc/x", "hostaway-20260301T123045.123Z-------etc-x.json"},
		"empty": {"", "hostaway-20260301T123045.123Z-noid.json"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, savedName("hostaway", at, tt.id))
		})
	}
}

func TestBanner_pasteable(t *testing.T) {
	t.Parallel()
	// Values that need quoting are quoted; the command is the one the user
	// runs.
	p, err := registry.Lookup("hostaway")
	require.NoError(t, err)
	s := listenSetup{p: p,
		values: map[string]string{"HOSTAWAY_WEBHOOK_LOGIN": "pmshooks", "HOSTAWAY_WEBHOOK_PASSWORD": "it's a $ecret"},
		origin: map[string]string{"HOSTAWAY_WEBHOOK_LOGIN": "default", "HOSTAWAY_WEBHOOK_PASSWORD": "generated"}}
	a := &app{self: "go run ./cmd/pmshooks"}
	out := banner("http://[::1]:8080", []listenSetup{s}, a.commandLine)
	_, line, ok := strings.Cut(out, "try: ")
	require.True(t, ok, out)
	line, _, _ = strings.Cut(line, "\n")
	words := shellWords(t, line)
	require.Equal(t, []string{"go", "run", "./cmd/pmshooks"}, words[:3])
	assert.Equal(t, []string{"send", "hostaway", "reservation.created", "--url", "http://[::1]:8080/hooks/hostaway",
		"--webhook-password", "it's a $ecret"}, words[3:])

	// The send command's own flag parsing reads them back.
	c := newCLI("pmshooks send", sendUsage)
	url := c.String("url", "", "")
	creds := addCredentialFlags(c)
	pos, err := c.parse(io.Discard, words[4:])
	require.NoError(t, err)
	assert.Equal(t, []string{"hostaway", "reservation.created"}, pos)
	assert.Equal(t, "http://[::1]:8080/hooks/hostaway", *url)
	values, err := creds.resolve(p, func(string) string { return "" })
	require.NoError(t, err)
	assert.Equal(t, "it's a $ecret", values["HOSTAWAY_WEBHOOK_PASSWORD"])
}
