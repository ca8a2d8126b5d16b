// Package channextest holds one canonical sample delivery for every Channex
// event name that package channex knows, for tests, examples and local
// tools.
//
// Samples come from Channex's webhook documentation where it shows the
// event (ari, booking, booking_unmapped_room, non_acked_booking, message,
// sync_error, reservation_request, inquiry, review, activate_channel,
// channel_removal_warning, property_removal_warning,
// message_thread_booking_assigned, ...). booking_new, booking_modification
// and booking_cancellation follow payloads captured in the field, since
// Channex's pages show none. The events whose payload Channex does not
// document (sync_warning, rate_error, alteration_request,
// accepted_reservation, declined_reservation, updated_review, new_channel,
// updated_channel, disconnect_channel, disconnected_channel,
// disconnect_listing) carry the payload shape package channex assumes for
// them.
//
// A sample is named by its event name, such as "booking_new". NewRequest
// builds the POST Channex would send, carrying the secret header of any
// verify.Signer, such as a *channex.Verifier:
//
//	v, _ := channex.NewVerifier(channex.SuggestedHeader, "s3cret")
//	req, _ := channextest.NewRequest("http://127.0.0.1/hooks/channex", "booking_new", v)
//	handler.ServeHTTP(recorder, req)
package channextest

import (
	"embed"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/internal/sampleset"
	"github.com/pmshooks/pmshooks/verify"
)

//go:embed samples/*.json
var files embed.FS

func set() *sampleset.Set { return sampleset.New(files, "samples") }

// Names returns the event names that have a sample, sorted. The slice is
// new on each call.
func Names() []string { return set().Names() }

// Sample returns a copy of the canonical sample body for the event name,
// and false when there is none.
func Sample(name string) ([]byte, bool) { return set().Sample(name) }

// NewRequest returns a POST request to url carrying the sample for name as
// application/json, authenticated by s as Channex would authenticate it (s
// sets the secret header). A nil s leaves the request unauthenticated. It
// fails when there is no sample for name or url is not valid.
func NewRequest(url, name string, s verify.Signer) (*http.Request, error) {
	r, err := set().NewRequest(url, name, s)
	if err != nil {
		return nil, fmt.Errorf("channextest: %w", err)
	}
	return r, nil
}
