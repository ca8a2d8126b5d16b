// Package bookingsynctest serves sample BookingSync deliveries for tests,
// examples and local tools: one canonical body per event name of
// bookingsync.EventNames, and signed requests that carry them.
//
// client_created is the example of BookingSync's webhook guide (its braces
// repaired); the other samples follow the same envelope, with records taken
// from the API v3 reference's sample responses (kinds without a documented
// shape carry an id, links and timestamps).
//
//	v, _ := bookingsync.NewVerifier("client-secret")
//	req, err := bookingsynctest.NewRequest(srv.URL+"/hooks/bookingsync", "booking_created", v)
package bookingsynctest

import (
	"embed"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

//go:embed samples/*.json
var samples embed.FS

// userAgent is the User-Agent BookingSync documents for its deliveries
// (bookingsync.UserAgent, which this package cannot import: the bookingsync
// package's own tests use this one).
const userAgent = "BookingSync Webhook Delivery"

func set() *sampleset.Set { return sampleset.New(samples, "samples") }

// Names returns the event names that have a sample, sorted.
func Names() []string { return set().Names() }

// Sample returns a copy of the canonical sample body for the event name, and
// false when there is none.
func Sample(name string) ([]byte, bool) { return set().Sample(name) }

// NewRequest returns a POST to url carrying the sample for the event name, as
// BookingSync sends it (Content-Type application/json, User-Agent
// "BookingSync Webhook Delivery"), signed by s: a *bookingsync.Verifier signs
// it as BookingSync does. A nil s leaves it unsigned.
func NewRequest(url, name string, s verify.Signer) (*http.Request, error) {
	r, err := set().NewRequest(url, name, s)
	if err != nil {
		return nil, fmt.Errorf("bookingsynctest: %w", err)
	}
	r.Header.Set("User-Agent", userAgent)
	return r, nil
}
