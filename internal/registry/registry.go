// Package registry describes the five providers uniformly, for the programs
// that serve or exercise all of them at once: the examples and the pmshooks
// command. Library users never need it; they import the provider packages.
package registry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/ownerrez/ownerreztest"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
	"github.com/pmshooks/pmshooks/verify"
)

// Verifier is what every provider's NewVerifier returns.
type Verifier interface {
	verify.Verifier
	verify.Signer
}

// Receiver is what every provider's NewReceiver returns.
type Receiver interface {
	event.Receiver
	event.Decoder
}

// Credential is one value a provider's verifier needs, read from an
// environment variable.
type Credential struct {
	Env      string // environment variable, such as "HOSTAWAY_WEBHOOK_PASSWORD"
	Usage    string // what it is, for help texts
	Default  string // used when the variable is unset; "" means required
	Generate bool   // development mode makes a random value (a secret)
}

// Provider is one provider, described uniformly.
type Provider struct {
	Name event.Provider
	// Credentials lists the values Verifier needs, keyed by Env.
	Credentials []Credential
	// Demo lists the event names the receiver's demo posts, main ones first.
	Demo []string

	newVerifier func(values map[string]string) (Verifier, error)
	newReceiver func(v verify.Verifier) (Receiver, error)
	names       func() []string
	sample      func(name string) ([]byte, bool)
	newRequest  func(ctx context.Context, url string, body []byte, s verify.Signer) (*http.Request, error)
}

// All returns the five providers, sorted by name.
func All() []Provider {
	return []Provider{
		{
			Name: bookingsync.Provider,
			Credentials: []Credential{
				{Env: "BOOKINGSYNC_CLIENT_SECRET", Usage: "the OAuth application's client secret, which keys X-Content-Signature", Generate: true},
			},
			Demo: []string{"booking_created", "booking_updated", "inbox_message_created"},
			newVerifier: func(v map[string]string) (Verifier, error) {
				return verifier(bookingsync.NewVerifier(v["BOOKINGSYNC_CLIENT_SECRET"]))
			},
			newReceiver: func(v verify.Verifier) (Receiver, error) { return receiver(bookingsync.NewReceiver(v)) },
			names:       bookingsynctest.Names, sample: bookingsynctest.Sample, newRequest: bookingsynctest.NewRequest,
		},
		{
			Name: channex.Provider,
			Credentials: []Credential{
				{Env: "CHANNEX_WEBHOOK_HEADER", Usage: "the secret header set in the webhook's headers", Default: channex.SuggestedHeader},
				{Env: "CHANNEX_WEBHOOK_TOKEN", Usage: "the value of that header", Generate: true},
			},
			Demo: []string{"booking_new", "booking_modification", "booking_cancellation", "message"},
			newVerifier: func(v map[string]string) (Verifier, error) {
				return verifier(channex.NewVerifier(v["CHANNEX_WEBHOOK_HEADER"], v["CHANNEX_WEBHOOK_TOKEN"]))
			},
			newReceiver: func(v verify.Verifier) (Receiver, error) { return receiver(channex.NewReceiver(v)) },
			names:       channextest.Names, sample: channextest.Sample, newRequest: channextest.NewRequest,
		},
		{
			Name: hostaway.Provider,
			Credentials: []Credential{
				{Env: "HOSTAWAY_WEBHOOK_LOGIN", Usage: "the login set on the unified webhook", Default: "pmshooks"},
				{Env: "HOSTAWAY_WEBHOOK_PASSWORD", Usage: "the password set on the unified webhook", Generate: true},
			},
			Demo: []string{"reservation.created", "reservation.updated", "message.received"},
			newVerifier: func(v map[string]string) (Verifier, error) {
				return verifier(hostaway.NewVerifier(verify.Credentials{User: v["HOSTAWAY_WEBHOOK_LOGIN"], Password: v["HOSTAWAY_WEBHOOK_PASSWORD"]}))
			},
			newReceiver: func(v verify.Verifier) (Receiver, error) { return receiver(hostaway.NewReceiver(v)) },
			names:       hostawaytest.Names, sample: hostawaytest.Sample, newRequest: hostawaytest.NewRequest,
		},
		{
			Name: ownerrez.Provider,
			Credentials: []Credential{
				{Env: "OWNERREZ_WEBHOOK_USER", Usage: "the webhook User set on the OAuth app", Default: "pmshooks"},
				{Env: "OWNERREZ_WEBHOOK_PASSWORD", Usage: "the webhook Password set on the OAuth app", Generate: true},
			},
			Demo: []string{"booking.entity_create", "booking.entity_update", "thread_message.entity_create"},
			newVerifier: func(v map[string]string) (Verifier, error) {
				return verifier(ownerrez.NewVerifier(verify.Credentials{User: v["OWNERREZ_WEBHOOK_USER"], Password: v["OWNERREZ_WEBHOOK_PASSWORD"]}))
			},
			newReceiver: func(v verify.Verifier) (Receiver, error) { return receiver(ownerrez.NewReceiver(v)) },
			names:       ownerreztest.Names, sample: ownerreztest.Sample, newRequest: ownerreztest.NewRequest,
		},
		{
			Name: propexo.Provider,
			Credentials: []Credential{
				{Env: "PROPEXO_WEBHOOK_SECRET", Usage: "the webhook's secret, which keys propexo-signature", Generate: true},
			},
			Demo: []string{"DATA_NEW", "DATA_UPDATE", "SYNC_COMPLETE"},
			newVerifier: func(v map[string]string) (Verifier, error) {
				return verifier(propexo.NewVerifier(v["PROPEXO_WEBHOOK_SECRET"]))
			},
			newReceiver: func(v verify.Verifier) (Receiver, error) { return receiver(propexo.NewReceiver(v)) },
			names:       propexotest.Names, sample: propexotest.Sample, newRequest: propexotest.NewRequest,
		},
	}
}

// Names returns the provider names, sorted.
func Names() []string {
	var ns []string
	for _, p := range All() {
		ns = append(ns, string(p.Name))
	}
	return ns
}

// Lookup returns the provider called name, case-insensitively.
func Lookup(name string) (Provider, error) {
	for _, p := range All() {
		if strings.EqualFold(string(p.Name), name) {
			return p, nil
		}
	}
	return Provider{}, fmt.Errorf("unknown provider %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Events returns the event names that have a sample delivery, sorted.
func (p Provider) Events() []string { return p.names() }

// Sample returns the canonical sample body of name: an event name of Events,
// or a named variant such as the provider's <provider>test.CancelledBooking.
func (p Provider) Sample(name string) ([]byte, error) {
	b, ok := p.sample(name)
	if !ok {
		return nil, fmt.Errorf("%s has no event %q (see the list of events)", p.Name, name)
	}
	return b, nil
}

// NewRequest returns a POST of the canonical sample of name (an event name,
// or a named variant such as the provider's <provider>test.CancelledBooking)
// to url, signed by s (nil: unsigned), with the provider's headers. The
// request's context is context.Background; set another with WithContext.
func (p Provider) NewRequest(url, name string, s verify.Signer) (*http.Request, error) {
	body, err := p.Sample(name)
	if err != nil {
		return nil, err
	}
	return p.newRequest(context.Background(), url, body, s)
}

// NewRequestBody returns a POST of body to url, signed by s (nil: unsigned),
// with the provider's headers, as NewRequest does for a sample: for
// re-sending a stored delivery.
func (p Provider) NewRequestBody(ctx context.Context, url string, body []byte, s verify.Signer) (*http.Request, error) {
	return p.newRequest(ctx, url, body, s)
}

// NewVerifier builds the provider's verifier from credential values keyed by
// environment variable name.
func (p Provider) NewVerifier(values map[string]string) (Verifier, error) {
	return p.newVerifier(values)
}

// NewReceiver builds the provider's receiver around v.
func (p Provider) NewReceiver(v verify.Verifier) (Receiver, error) { return p.newReceiver(v) }

// DemoEvents returns Demo, or every event with a sample when Demo is empty.
func (p Provider) DemoEvents() []string {
	if len(p.Demo) > 0 {
		return p.Demo
	}
	return p.Events()
}

// FromEnv reads the provider's credentials with getenv, applying defaults.
// It returns the names of the required variables that are unset.
func (p Provider) FromEnv(getenv func(string) string) (values map[string]string, missing []string) {
	values = make(map[string]string, len(p.Credentials))
	for _, c := range p.Credentials {
		v := getenv(c.Env)
		if v == "" {
			v = c.Default
		}
		if v == "" {
			missing = append(missing, c.Env)
		}
		values[c.Env] = v
	}
	return values, missing
}

// verifier returns v as a Verifier, or a nil interface with err: a typed
// nil pointer in a non-nil interface must never escape.
func verifier[T Verifier](v T, err error) (Verifier, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}

// receiver is verifier for receivers.
func receiver[T Receiver](r T, err error) (Receiver, error) {
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DevCredentials returns credentials for development mode: defaults where
// there are any, random secrets for the rest.
func (p Provider) DevCredentials() map[string]string {
	values := make(map[string]string, len(p.Credentials))
	for _, c := range p.Credentials {
		v := c.Default
		if c.Generate || v == "" {
			v = "dev-" + randomHex(12)
		}
		values[c.Env] = v
	}
	return values
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
