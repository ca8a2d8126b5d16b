package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of listen.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// cmdTest runs the command with a fake environment and standard input.
type cmdTest struct {
	env   map[string]string
	stdin io.Reader
	db    string // listen's --db; "" for a fresh file
}

func (ct cmdTest) app(stdout, stderr io.Writer) *app {
	env := ct.env
	return &app{
		stdin:  ct.stdin,
		stdout: stdout,
		stderr: stderr,
		getenv: func(k string) string { return env[k] },
	}
}

func (ct cmdTest) run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut syncBuffer
	a := ct.app(&out, &errOut)
	a.cacheDir = t.TempDir() // never the user's own cache
	code := report(&errOut, a.run(t.Context(), args))
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// runCmd runs the command with an empty environment.
func runCmd(t *testing.T, args ...string) result {
	t.Helper()
	return cmdTest{}.run(t, args...)
}

func TestRun_realStreams(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"--help"}, &out, &errOut)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "Commands:")
	assert.Empty(t, errOut.String())
}

func TestRun_help(t *testing.T) {
	t.Parallel()
	// Every command and subcommand answers -h and --help on stdout with
	// exit status 0.
	paths := [][]string{
		{}, {"help"},
		{"send"}, {"listen"}, {"inspect"},
		{"webhooks"}, {"webhooks", "bookingsync"},
		{"inbox"}, {"inbox", "list"}, {"inbox", "retry"}, {"inbox", "purge"}, {"bench"}, {"mock"}, {"reconcile"}, {"reconcile", "ownerrez"}, {"reconcile", "bookingsync"},
	}
	for _, s := range (&app{}).subscriptions() {
		paths = append(paths, []string{"webhooks", s.provider})
		for _, act := range s.actions {
			paths = append(paths, []string{"webhooks", s.provider, act.name})
		}
	}
	for _, path := range paths {
		for _, flag := range []string{"-h", "--help"} {
			args := append(append([]string{}, path...), flag)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				t.Parallel()
				r := runCmd(t, args...)
				require.Equal(t, exitOK, r.code, r.stderr)
				assert.Empty(t, r.stderr)
				assert.Contains(t, r.stdout, "Usage")
			})
		}
	}
}

func TestRun_helpCommand(t *testing.T) {
	t.Parallel()
	r := runCmd(t, "help", "send")
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "pmshooks send PROVIDER EVENT")
	assert.Contains(t, r.stdout, "HOSTAWAY_WEBHOOK_PASSWORD")

	r = runCmd(t, "help", "webhooks", "channex", "create")
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "--events")
}

func TestRun_usageErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args []string
		want string
	}{
		"no command":            {nil, "Commands:"},
		"unknown command":       {[]string{"frobnicate"}, `unknown command "frobnicate"`},
		"send bad flag":         {[]string{"send", "hostaway", "test", "--bogus"}, "flag provided but not defined: -bogus"},
		"send bad duration":     {[]string{"send", "hostaway", "test", "--timeout", "soon"}, "invalid value"},
		"send no provider":      {[]string{"send"}, "missing PROVIDER"},
		"send no event":         {[]string{"send", "hostaway"}, "missing EVENT: 'pmshooks send hostaway --list' lists hostaway's events"},
		"send too many":         {[]string{"send", "hostaway", "test", "extra"}, "want PROVIDER EVENT"},
		"send list and event":   {[]string{"send", "hostaway", "test", "--list"}, "--list takes no EVENT"},
		"send foreign cred":     {[]string{"send", "hostaway", "test", "--webhook-secret", "x"}, "--webhook-secret is not a credential of hostaway"},
		"send unsigned+cred":    {[]string{"send", "hostaway", "test", "--unsigned", "--webhook-password", "x"}, "exclude each other"},
		"send bad header":       {[]string{"send", "hostaway", "test", "-H", "no colon"}, "want 'Name: value'"},
		"listen argument":       {[]string{"listen", "now"}, `unexpected argument "now"`},
		"listen bad flag":       {[]string{"listen", "--port", "1"}, "flag provided but not defined"},
		"inspect no provider":   {[]string{"inspect"}, "missing PROVIDER"},
		"inspect too many":      {[]string{"inspect", "ownerrez", "a", "b"}, "want PROVIDER [FILE|-]"},
		"webhooks no provider":  {[]string{"webhooks"}, "missing PROVIDER (bookingsync, channex"},
		"webhooks no action":    {[]string{"webhooks", "channex"}, "missing ACTION (list, create, delete, test)"},
		"webhooks bad action":   {[]string{"webhooks", "channex", "update"}, `unknown action "update"`},
		"webhooks flag first":   {[]string{"webhooks", "--json", "channex"}, "flag provided but not defined"},
		"webhooks no url":       {[]string{"webhooks", "channex", "create"}, "missing --url"},
		"webhooks delete no id": {[]string{"webhooks", "propexo", "delete"}, "missing ID"},
		"webhooks bad id":       {[]string{"webhooks", "hostaway", "delete", "abc"}, "not a Hostaway webhook id"},
		"inbox no action":       {[]string{"inbox"}, "missing ACTION (list, retry, purge, replay, ui)"},
		"inbox bad action":      {[]string{"inbox", "vacuum"}, `unknown action "vacuum"`},
		"inbox no db":           {[]string{"inbox", "list"}, "missing --db"},
		"inbox bad state":       {[]string{"inbox", "list", "--db", "x", "--state", "lost"}, `--state "lost"`},
		"inbox retry no id":     {[]string{"inbox", "retry", "--db", "x"}, "missing ID"},
		"inbox retry bad id":    {[]string{"inbox", "retry", "--db", "x", "seven"}, `ID "seven"`},
		"inbox purge negative":  {[]string{"inbox", "purge", "--db", "x", "--older-than", "-1h"}, "negative"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := runCmd(t, tt.args...)
			assert.Equal(t, exitUsage, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
		})
	}
}

func TestRun_unknownProvider(t *testing.T) {
	t.Parallel()
	// An unknown provider is a usage error, as an unknown action is: exit
	// status 2, the known names and the hint to --help.
	tests := []struct {
		args []string
		hint string
	}{
		{[]string{"send", "airbnb", "booking"}, "pmshooks send"},
		{[]string{"send", "airbnb", "--list"}, "pmshooks send"},
		{[]string{"inspect", "airbnb", "-"}, "pmshooks inspect"},
		{[]string{"webhooks", "airbnb", "list"}, "pmshooks webhooks"},
		{[]string{"inbox", "list", "--db", "x", "--provider", "airbnb"}, "pmshooks inbox list"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := cmdTest{stdin: strings.NewReader("{}")}.run(t, tt.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, `unknown provider "airbnb" (known: bookingsync, channex, hostaway, ownerrez, propexo)`)
			assert.Contains(t, r.stderr, "Run '"+tt.hint+" --help' for usage.")
			assert.Empty(t, r.stdout)
		})
	}
}

func TestRun_unknownAction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args       []string
		want, hint string
	}{
		{[]string{"webhooks", "channex", "update"}, `unknown action "update" (actions: list, create, delete, test)`, "pmshooks webhooks channex"},
		{[]string{"webhooks", "hostaway", "test"}, "hostaway has no test call", "pmshooks webhooks hostaway"},
		{[]string{"inbox", "vacuum"}, `unknown action "vacuum" (actions: list, retry, purge, replay, ui)`, "pmshooks inbox"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`, "pmshooks"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCmd(t, tt.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tt.want)
			assert.Contains(t, r.stderr, "Run '"+tt.hint+" --help' for usage.")
		})
	}
}

func TestRun_usageHintSelf(t *testing.T) {
	t.Parallel()
	// The hint names the command as the user runs it.
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }, self: "go run ./cmd/pmshooks"}
	code := report(&errOut, a.run(t.Context(), []string{"send", "hostaway"}))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut.String(), "'go run ./cmd/pmshooks send hostaway --list'")
	assert.Contains(t, errOut.String(), "Run 'go run ./cmd/pmshooks send --help' for usage.")
}

func TestSelfCommand(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ arg0, want string }{
		"in PATH":  {"pmshooks", "pmshooks"},
		"go run":   {"/tmp/go-build1234/b001/exe/pmshooks", "go run ./cmd/pmshooks"},
		"by path":  {"./bin/pmshooks", "./bin/pmshooks"},
		"odd path": {"/home/me/my tools/pmshooks", "'/home/me/my tools/pmshooks'"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, selfCommand(tt.arg0))
		})
	}
}

// shellWords splits a command line as a POSIX shell does, for the quoting
// shellQuote and commandLine produce: single quotes, double quotes without
// expansions, backslash escapes. It fails on what it does not know.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			require.GreaterOrEqual(t, j, 0, "unterminated quote in %s", line)
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			j := strings.IndexByte(line[i+1:], '"')
			require.GreaterOrEqual(t, j, 0, "unterminated quote in %s", line)
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '\\' && i+1 < len(line):
			cur.WriteByte(line[i+1])
			i++
			inWord = true
		default:
			require.False(t, strings.ContainsRune("|&;<>()`*?[]{}#~", rune(c)), "unquoted %q in %s", c, line)
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// pasted checks that line is a pmshooks command line and returns its
// arguments, as the shell would give them.
func pasted(t *testing.T, line string) []string {
	t.Helper()
	words := shellWords(t, strings.TrimSpace(line))
	require.NotEmpty(t, words)
	require.Equal(t, "pmshooks", words[0], line)
	return words[1:]
}

func TestShellQuote_roundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"plain", "", "with space", "it's", "a'b'c", "$HOME", "x;y", "http://[::1]:8080/hooks/x", "*"} {
		words := shellWords(t, "cmd "+shellQuote(s))
		assert.Equal(t, []string{"cmd", s}, words, s)
	}
}
