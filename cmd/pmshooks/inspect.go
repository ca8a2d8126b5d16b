package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/verify"
)

const inspectUsage = `Usage:
  pmshooks inspect PROVIDER [FILE|-] [-H 'Name: value']... [CREDENTIAL FLAGS] [--verify]

Inspect parses a captured delivery body (from FILE, or standard input when FILE
is "-" or missing) the way the provider's receiver does, and prints the
normalized event (provider, name, type, id, account, subject, time, booking or
message) and the provider's typed payload as indented JSON.

It verifies nothing unless credentials are given: with a credential flag, or
with --verify to read them from the environment, it authenticates the body as
the receiver would, against the headers given with -H, and fails when that
fails.
`

const inspectExamples = `Examples:
  pmshooks inspect ownerrez booking.json
  curl -s https://capture.example/last | pmshooks inspect channex -
  pmshooks inspect propexo body.json --webhook-secret s3cr3t -H 'propexo-signature: 5d41...'
`

func (a *app) inspect(_ context.Context, args []string) error {
	c := newCLI("pmshooks inspect", inspectUsage)
	c.extra = func(w io.Writer) { fmt.Fprint(w, inspectExamples) }
	var headers headerFlag
	c.Var(&headers, "H", "a request header `'Name: value'` of the delivery (repeatable)")
	verifyEnv := c.Bool("verify", false, "verify with the credentials of the environment (implied by a credential flag)")
	limit := c.Int64("limit", event.DefaultBodyLimit, "the largest body read, in `bytes`")
	creds := addCredentialFlags(c)
	pos, err := c.parse(a.stdout, args)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		return c.usagef("missing PROVIDER (one of %s)", strings.Join(providerNames(), ", "))
	case 1, 2:
	default:
		return c.usagef("want PROVIDER [FILE|-], got %d arguments", len(pos))
	}
	p, err := lookupProvider(c, pos[0])
	if err != nil {
		return err
	}
	if err := creds.check(p); err != nil {
		return err
	}
	file := "-"
	if len(pos) == 2 {
		file = pos[1]
	}
	body, err := a.readBody(file, *limit)
	if err != nil {
		return c.fail(err)
	}

	verified := *verifyEnv || len(creds.given()) > 0
	var e event.Event
	if verified {
		values, err := creds.resolve(p, a.getenv)
		if err != nil {
			return err
		}
		v, err := p.NewVerifier(values)
		if err != nil {
			return c.failf("%s credentials: %w", p.Name, err)
		}
		rc, err := p.NewReceiver(v)
		if err != nil {
			return c.fail(err)
		}
		e, err = rc.Receive(headers.header(), body)
		switch {
		case errors.Is(err, event.ErrMalformed):
			return c.failf("authentic, but not %s delivery: %w", withArticle(string(p.Name)), err)
		case err != nil:
			return c.failf("verification failed: %w", err)
		}
	} else {
		rc, err := p.NewReceiver(verify.Unverified())
		if err != nil {
			return c.fail(err)
		}
		if e, err = rc.Decode(headers.header(), body); err != nil {
			return c.failf("not %s delivery: %w", withArticle(string(p.Name)), err)
		}
	}
	return writeEventJSON(a.stdout, e, verified)
}

// readBody reads the file name, or standard input for "-", up to limit
// bytes.
func (a *app) readBody(name string, limit int64) ([]byte, error) {
	r := a.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	} else if r == nil {
		return nil, errors.New("no standard input")
	}
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%s: body larger than %d bytes (see --limit)", name, limit)
	}
	return body, nil
}

// withArticle returns name after its indefinite article: "an ownerrez",
// "a hostaway". Provider names are pronounced as written, so a vowel-initial
// name takes "an".
func withArticle(name string) string {
	if name != "" && strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}
