package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Exit statuses of the command.
const (
	exitOK      = 0 // success, and --help
	exitFailure = 1 // the command ran and failed
	exitUsage   = 2 // bad flags or arguments
)

// app is one run of the command: its streams and environment. Tests build
// their own, so that nothing reads the real environment or standard input.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// getenv reads an environment variable; "" means unset.
	getenv func(string) string
	// self is how a user runs this command again, such as "pmshooks" or
	// "go run ./cmd/pmshooks": the start of every command line it prints
	// for the user to paste. "" means "pmshooks".
	self string
	// cacheDir is where listen keeps its inbox by default; "" means
	// os.UserCacheDir.
	cacheDir string
}

// run runs the command with args (without the program name). It returns
// nil on success and for --help; otherwise an error that report prints and
// turns into the exit status (a *usageError: 2; anything else: 1).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a := &app{stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, self: selfCommand(os.Args[0])}
	return a.run(ctx, args)
}

// command is one subcommand of pmshooks.
type command struct {
	name    string
	summary string
	run     func(a *app, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"send", "post a signed sample delivery to a URL", (*app).send},
		{"listen", "receive deliveries of all five providers and print them", (*app).listen},
		{"inspect", "parse a captured delivery and print it as JSON", (*app).inspect},
		{"webhooks", "list, create, delete and test webhook subscriptions", (*app).webhooks},
		{"inbox", "list, retry, replay and purge stored deliveries; serve the inbox console", (*app).inbox},
		{"bench", "measure an inbox's receive and work throughput and latency", (*app).bench},
		{"mock", "serve a provider's fake API, for trying clients and hydration offline", (*app).mock},
		{"reconcile", "list a provider's changes since a time and store them in an inbox (a backfill)", (*app).reconcile},
	}
}

const topUsage = `pmshooks is the developer command of pmshooks, the Go SDK for the webhooks of
property-management systems: send signed sample deliveries, receive and print
them, inspect captured bodies, manage webhook subscriptions and the inbox.

Usage:
  pmshooks COMMAND [ARGUMENTS] [FLAGS]

Commands:
`

const topTrailer = `
Providers: %s

Try it in two terminals:
  pmshooks listen                 # prints credentials and a send command per provider
  pmshooks send hostaway reservation.created --webhook-password ...

Run 'pmshooks COMMAND --help' for the details of a command.
Exit status: 0 success, 1 failure, 2 usage error.
`

func (a *app) writeTopHelp(w io.Writer) {
	fmt.Fprint(w, topUsage)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-9s %s\n", "help", "show the help of a command")
	fmt.Fprintf(w, topTrailer, strings.Join(providerNames(), ", "))
}

func (a *app) run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		a.writeTopHelp(a.stderr)
		return &usageError{cmd: "pmshooks", msg: "missing COMMAND", helped: true}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		a.writeTopHelp(a.stdout)
		return nil
	case "help":
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			a.writeTopHelp(a.stdout)
			return nil
		}
		// "pmshooks help webhooks channex" shows "pmshooks webhooks channex --help".
		name, rest = rest[0], append(rest[1:len(rest):len(rest)], "--help")
	}
	for _, c := range commands() {
		if c.name == name {
			return a.hinted(c.run(a, ctx, rest))
		}
	}
	return a.hinted(usagef("pmshooks", "unknown command %q (commands: %s)", name, strings.Join(commandNames(), ", ")))
}

func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// report prints err on w, as run's caller does, and returns the exit status
// it means.
func report(w io.Writer, err error) int {
	var ue *usageError
	var fe *failure
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp): // the help was printed
		return exitOK
	case errors.As(err, &ue) && ue.helped:
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintf(w, "%s: %s\nRun '%s --help' for usage.\n", ue.cmd, ue.msg, ue.hint())
		return exitUsage
	case errors.As(err, &fe):
		fmt.Fprintf(w, "%s: %v\n", fe.cmd, fe.err)
		return exitFailure
	default:
		fmt.Fprintf(w, "pmshooks: %v\n", err)
		return exitFailure
	}
}

// usageError is a mistake in the command line of cmd: exit status 2.
type usageError struct {
	cmd string // such as "pmshooks send"
	msg string
	// self, when set, replaces "pmshooks" at the start of cmd in the hint
	// to run --help: how the user runs the command (see app.self).
	self string
	// helped is set when the help was printed instead of a message.
	helped bool
}

// hinted returns err with the usage hint of a usage error pointing at the
// command as the user runs it.
func (a *app) hinted(err error) error {
	var ue *usageError
	if errors.As(err, &ue) {
		ue.self = a.self
	}
	return err
}

// hint is the command line whose --help the usage error points to.
func (e *usageError) hint() string {
	if e.self == "" {
		return e.cmd
	}
	return e.self + strings.TrimPrefix(e.cmd, "pmshooks")
}

func (e *usageError) Error() string { return e.cmd + ": " + e.msg }

func usagef(cmd, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// failure is an error of the command cmd: exit status 1.
type failure struct {
	cmd string
	err error
}

func (e *failure) Error() string { return e.cmd + ": " + e.err.Error() }
func (e *failure) Unwrap() error { return e.err }

func failf(cmd, format string, args ...any) error {
	return &failure{cmd: cmd, err: fmt.Errorf(format, args...)}
}

// selfCommand returns how the user runs this program, judged from arg0
// (os.Args[0]): "go run ./cmd/pmshooks" for a binary that go run built in a
// temporary directory, the path as given (quoted for a shell) for one run by
// path that is not the pmshooks found in PATH, else "pmshooks".
func selfCommand(arg0 string) string {
	if strings.Contains(filepath.ToSlash(arg0), "/go-build") {
		return "go run ./cmd/pmshooks"
	}
	if !strings.ContainsRune(arg0, filepath.Separator) && !strings.ContainsRune(arg0, '/') {
		return "pmshooks"
	}
	if found, err := exec.LookPath("pmshooks"); err == nil && sameFile(found, arg0) {
		return "pmshooks"
	}
	return shellQuote(arg0)
}

// sameFile reports whether the paths a and b name the same existing file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// selfName is a.self, or "pmshooks" when unset.
func (a *app) selfName() string {
	if a.self == "" {
		return "pmshooks"
	}
	return a.self
}

// commandLine is a command line the user can paste into a POSIX shell: the
// command as they run it (a.self), then args, each quoted as it needs.
func (a *app) commandLine(args ...string) string {
	var b strings.Builder
	b.WriteString(a.selfName())
	for _, arg := range args {
		b.WriteByte(' ')
		b.WriteString(shellQuote(arg))
	}
	return b.String()
}
