package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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
}

// run runs the command with args (without the program name) and returns its
// exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
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
		{"inbox", "list, retry and purge the deliveries stored by an inbox", (*app).inbox},
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

func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		a.writeTopHelp(a.stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		a.writeTopHelp(a.stdout)
		return exitOK
	case "help":
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			a.writeTopHelp(a.stdout)
			return exitOK
		}
		// "pmshooks help webhooks channex" shows "pmshooks webhooks channex --help".
		name, rest = rest[0], append(rest[1:len(rest):len(rest)], "--help")
	}
	for _, c := range commands() {
		if c.name == name {
			return a.exit(c.run(a, ctx, rest))
		}
	}
	return a.exit(usagef("pmshooks", "unknown command %q (commands: %s)", name, strings.Join(commandNames(), ", ")))
}

func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// exit reports err on stderr and returns the exit status it means.
func (a *app) exit(err error) int {
	var ue *usageError
	var fe *failure
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp): // the help was printed
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(a.stderr, "%s: %s\nRun '%s --help' for usage.\n", ue.cmd, ue.msg, ue.cmd)
		return exitUsage
	case errors.As(err, &fe):
		fmt.Fprintf(a.stderr, "%s: %v\n", fe.cmd, fe.err)
		return exitFailure
	default:
		fmt.Fprintf(a.stderr, "pmshooks: %v\n", err)
		return exitFailure
	}
}

// usageError is a mistake in the command line of cmd: exit status 2.
type usageError struct {
	cmd string // such as "pmshooks send"
	msg string
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
