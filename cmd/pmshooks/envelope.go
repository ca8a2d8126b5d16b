package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/propexo"
)

// envelope describes the top level of a provider's delivery body, as far as
// it tells the providers apart. The provider packages parse leniently, so
// that an authentic delivery is never lost: any JSON object naming an event
// parses. That is right for a receiver, whose verifier has already said
// whose body it is, and wrong for inspect, which is given a file.
type envelope struct {
	// parse is the provider's Parse, reduced to its verdict.
	parse func(body []byte) error
	// names are the members that can hold the event name, first found wins;
	// none means the provider's Parse requires no name.
	names []string
	// name matches the provider's event names, known or future.
	name *regexp.Regexp
	// members are the envelope's other members, one at least of which
	// every delivery has; nil means the name suffices.
	members []string
	// shape is the documented envelope, for the error message.
	shape string
}

var (
	lowerSnake = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	upperSnake = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	// dotted matches Hostaway's object.action names, and "test".
	dotted = regexp.MustCompile(`^([a-z][a-zA-Z0-9_]*\.[a-zA-Z0-9_.]+|test)$`)
)

// envelopeOf returns the envelope of provider p.
func envelopeOf(p event.Provider) (envelope, bool) {
	switch p {
	case bookingsync.Provider:
		return envelope{
			parse: func(b []byte) error { _, err := bookingsync.Parse(b); return err },
			names: []string{"event"}, name: lowerSnake,
			members: []string{"resource", "account_id"},
			shape:   `{"account_id", "event": "booking_created", "resource"}`,
		}, true
	case channex.Provider:
		return envelope{
			parse: func(b []byte) error { _, err := channex.Parse(b); return err },
			names: []string{"event"}, name: lowerSnake,
			members: []string{"property_id", "user_id", "timestamp", "payload"},
			shape:   `{"event": "booking_new", "property_id", "user_id", "timestamp", "payload"}`,
		}, true
	case hostaway.Provider:
		return envelope{
			parse: func(b []byte) error { _, err := hostaway.Parse(b); return err },
			names: []string{"event"}, name: dotted,
			members: []string{"object", "accountId", "data", "payload"},
			shape:   `{"object", "event": "reservation.created", "accountId", "data"}`,
		}, true
	case ownerrez.Provider:
		return envelope{
			parse: func(b []byte) error { _, err := ownerrez.Parse(b); return err },
			names: []string{"action"}, name: lowerSnake,
			members: []string{"id", "user_id", "entity_type", "entity_id", "entity"},
			shape:   `{"id", "user_id", "action": "entity_update", "entity_type", "entity_id", "entity"}`,
		}, true
	case propexo.Provider:
		return envelope{
			parse: func(b []byte) error { _, err := propexo.Parse(b); return err },
			names: []string{"trigger", "event"}, name: upperSnake,
			shape: `{"trigger": "DATA_NEW", "data", "meta"}, or the data's members with "event": "DATA_NEW"`,
		}, true
	}
	return envelope{}, false
}

// checkEnvelope returns an error unless body is a delivery body of provider
// p: one its Parse accepts, whose event name has the form of p's names and
// that has a member of p's envelope besides the name. The error wraps
// event.ErrMalformed and never quotes the body.
func checkEnvelope(p event.Provider, body []byte) error {
	env, ok := envelopeOf(p)
	if !ok {
		return fmt.Errorf("no envelope known for %s", p)
	}
	if err := env.parse(body); err != nil {
		return err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil { // Parse accepted it: cannot happen
		return fmt.Errorf("%w: %w", event.ErrMalformed, err)
	}
	for _, member := range env.names {
		raw, ok := top[member]
		if !ok {
			continue
		}
		var name string
		if json.Unmarshal(raw, &name) != nil || !env.name.MatchString(name) {
			// The name is not quoted: error text never holds body bytes.
			return fmt.Errorf("its %q is not a %s event name (want %s): %w", member, p, env.shape, event.ErrMalformed)
		}
		break
	}
	if len(env.members) == 0 {
		return nil
	}
	for _, member := range env.members {
		if _, ok := top[member]; ok {
			return nil
		}
	}
	return fmt.Errorf("it has none of %s (want %s): %w", strings.Join(env.members, ", "), env.shape, event.ErrMalformed)
}

// aDelivery is "a <p> delivery", with the article the name takes.
func aDelivery(p event.Provider) string {
	if strings.ContainsRune("aeiou", rune(string(p)[0])) {
		return "an " + string(p) + " delivery"
	}
	return "a " + string(p) + " delivery"
}
