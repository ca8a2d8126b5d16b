package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/pmshooks/pmshooks/internal/registry"
)

func providerNames() []string { return registry.Names() }

// lookupProvider returns the provider called name, or a usage error that
// lists the known ones: a provider name is part of the command line, as an
// action is.
func lookupProvider(c *cli, name string) (registry.Provider, error) {
	p, err := registry.Lookup(name)
	if err != nil {
		return p, c.usagef("%v", err)
	}
	return p, nil
}

// unknownEvent is the failure for an event name p has no sample of.
func unknownEvent(c *cli, p registry.Provider, name string) error {
	return c.failf("%s has no event %q; its events: %s", p.Name, name, strings.Join(p.Events(), ", "))
}

// credFlagName is the flag of a provider's credential: its environment
// variable without the provider prefix, lowercase, with dashes
// (HOSTAWAY_WEBHOOK_PASSWORD gives webhook-password).
func credFlagName(p registry.Provider, env string) string {
	n := strings.TrimPrefix(env, strings.ToUpper(string(p.Name))+"_")
	return strings.ToLower(strings.ReplaceAll(n, "_", "-"))
}

// credFlags are the credential flags of every provider. Providers share a
// flag when their variables end alike (--webhook-password is Hostaway's or
// OwnerRez's, by the provider named on the command line).
type credFlags struct {
	cli    *cli
	values map[string]*string // by flag name
}

// addCredentialFlags defines the credential flags on c and documents them
// in a table after c's other flags.
func addCredentialFlags(c *cli) *credFlags {
	cf := &credFlags{cli: c, values: map[string]*string{}}
	for _, p := range registry.All() {
		for _, cr := range p.Credentials {
			n := credFlagName(p, cr.Env)
			if _, ok := cf.values[n]; !ok {
				cf.values[n] = c.String(n, "", "a credential: see Credentials")
				c.hidden[n] = true
			}
		}
	}
	extra := c.extra
	c.extra = func(w io.Writer) {
		writeCredentialHelp(w)
		if extra != nil {
			fmt.Fprintln(w)
			extra(w)
		}
	}
	return cf
}

func writeCredentialHelp(w io.Writer) {
	fmt.Fprintln(w, "Credentials (a flag, else its environment variable, else the default):")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, p := range registry.All() {
		for _, cr := range p.Credentials {
			usage := cr.Usage
			if cr.Default != "" {
				usage += " (default " + cr.Default + ")"
			}
			fmt.Fprintf(tw, "  %s\t--%s\t%s\t%s\n", p.Name, credFlagName(p, cr.Env), cr.Env, usage)
		}
	}
	_ = tw.Flush()
}

// given returns the credential flags set on the command line, sorted.
func (cf *credFlags) given() []string {
	var names []string
	cf.cli.Visit(func(f *flag.Flag) {
		if _, ok := cf.values[f.Name]; ok {
			names = append(names, f.Name)
		}
	})
	slices.Sort(names)
	return names
}

// check fails with a usage error when a credential flag of another
// provider than p was given.
func (cf *credFlags) check(p registry.Provider) error {
	var own []string
	for _, cr := range p.Credentials {
		own = append(own, credFlagName(p, cr.Env))
	}
	for _, n := range cf.given() {
		if !slices.Contains(own, n) {
			return cf.cli.usagef("--%s is not a credential of %s (its credentials: --%s)", n, p.Name, strings.Join(own, ", --"))
		}
	}
	return nil
}

// resolve returns p's credential values, keyed by environment variable: the
// flag, else the variable read with getenv, else the default. It fails,
// naming the variable and the flag, when a required one is missing.
func (cf *credFlags) resolve(p registry.Provider, getenv func(string) string) (map[string]string, error) {
	if err := cf.check(p); err != nil {
		return nil, err
	}
	given := cf.given()
	values, missing := p.FromEnv(func(env string) string {
		if n := credFlagName(p, env); slices.Contains(given, n) {
			return *cf.values[n]
		}
		return getenv(env)
	})
	if len(missing) > 0 {
		var what []string
		for _, env := range missing {
			what = append(what, fmt.Sprintf("%s (or --%s)", env, credFlagName(p, env)))
		}
		return nil, cf.cli.failf("missing %s credentials: set %s; 'pmshooks listen' prints development credentials",
			p.Name, strings.Join(what, " and "))
	}
	return values, nil
}
