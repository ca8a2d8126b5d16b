package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
)

// cli is the command line of one (sub)command: its flags and help text.
type cli struct {
	*flag.FlagSet
	path  string // such as "pmshooks send"
	usage string // synopsis and description, printed before the flags
	// extra, when set, is printed after the flags (credential tables,
	// examples).
	extra func(w io.Writer)
	// hidden names the flags that extra documents instead.
	hidden map[string]bool
}

func newCLI(path, usage string) *cli {
	fs := flag.NewFlagSet(path, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are reported by parse
	fs.Usage = func() {}
	return &cli{FlagSet: fs, path: path, usage: usage, hidden: map[string]bool{}}
}

// parse parses args, flags and positional arguments in any order ("--" ends
// the flags). On -h or --help it prints the help on stdout and returns
// flag.ErrHelp; a bad flag is a *usageError.
func (c *cli) parse(stdout io.Writer, args []string) ([]string, error) {
	var pos []string
	for {
		if err := c.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.writeHelp(stdout)
				return nil, flag.ErrHelp
			}
			return nil, &usageError{cmd: c.path, msg: err.Error()}
		}
		rest := c.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// word splits off the first argument of a command whose first argument
// selects what follows: an ACTION or a PROVIDER (what), one of choices. Help
// flags before it print c's help.
func (c *cli) word(stdout io.Writer, args []string, what, choices string) (string, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		pos, err := c.parse(stdout, args)
		if err != nil {
			return "", nil, err
		}
		if len(pos) == 0 {
			return "", nil, c.usagef("missing %s (%s)", what, choices)
		}
		return "", nil, c.usagef("flags go after the %s (%s)", what, choices)
	}
	return args[0], args[1:], nil
}

// usagef returns a usage error of this command.
func (c *cli) usagef(format string, args ...any) error { return usagef(c.path, format, args...) }

// failf returns a failure of this command.
func (c *cli) failf(format string, args ...any) error { return failf(c.path, format, args...) }

// fail wraps err as a failure of this command.
func (c *cli) fail(err error) error { return &failure{cmd: c.path, err: err} }

func (c *cli) writeHelp(w io.Writer) {
	fmt.Fprint(w, strings.TrimLeft(c.usage, "\n"))
	fmt.Fprintln(w, "\nFlags:")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	c.VisitAll(func(f *flag.Flag) {
		if c.hidden[f.Name] {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		if name != "" {
			name = " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s%s%s\t%s\n", dash, f.Name, name, usage)
	})
	fmt.Fprintf(tw, "  -h, --help\tshow this help\n")
	_ = tw.Flush()
	if c.extra != nil {
		fmt.Fprintln(w)
		c.extra(w)
	}
}

// headerFlag collects repeated -H 'Name: value' flags.
type headerFlag struct{ h http.Header }

func (f *headerFlag) String() string { return "" }

func (f *headerFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("want 'Name: value', got %q", s)
	}
	if f.h == nil {
		f.h = http.Header{}
	}
	f.h.Add(name, strings.TrimSpace(value))
	return nil
}

// header returns the collected headers; never nil.
func (f *headerFlag) header() http.Header {
	if f.h == nil {
		return http.Header{}
	}
	return f.h.Clone()
}
