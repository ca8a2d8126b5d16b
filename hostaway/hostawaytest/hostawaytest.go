// Package hostawaytest holds one canonical sample delivery for each Hostaway
// unified-webhook event, for tests, examples and local tools: the bodies are
// those the hostaway package documents, and NewRequest authenticates them the
// way Hostaway does, with the Basic credentials set on the unified webhook.
//
//	v, _ := hostaway.NewVerifier(verify.Credentials{User: "login", Password: "password"})
//	req, _ := hostawaytest.NewRequest(srv.URL+"/hooks/hostaway", "reservation.created", v)
//	resp, _ := http.DefaultClient.Do(req)
//
// Hostaway does not publish delivery samples. reservation.created,
// reservation.updated and message.received are the envelope
// {object, event, accountId, data} that live receivers observe, around the
// reservation and conversation-message objects of Hostaway's API reference;
// "test" is the body of a test delivery, whose data is the string "test".
package hostawaytest

import (
	"embed"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

//go:embed samples/*.json
var samplesFS embed.FS

// samples returns the embedded set. It is built on each call, which costs one
// directory read, so that the package holds no state beyond the embedded files.
func samples() *sampleset.Set { return sampleset.New(samplesFS, "samples") }

// Names returns the event names that have a sample, sorted. They are the
// names hostaway.EventNames returns.
func Names() []string { return samples().Names() }

// Sample returns a copy of the canonical sample body for the event name, and
// false when there is none.
func Sample(name string) ([]byte, bool) { return samples().Sample(name) }

// NewRequest returns a POST to url carrying the sample for the event name as
// application/json, authenticated by s (a *hostaway.Verifier sets the Basic
// credentials Hostaway would send). A nil s sends no credentials, as Hostaway
// does for a webhook without login and password. It fails when there is no
// sample for name.
func NewRequest(url, name string, s verify.Signer) (*http.Request, error) {
	r, err := samples().NewRequest(url, name, s)
	if err != nil {
		return nil, fmt.Errorf("hostawaytest: %w", err)
	}
	return r, nil
}
