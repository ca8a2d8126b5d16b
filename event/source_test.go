package event_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pmshooks/pmshooks/event"
)

func TestOriginOfVersionOf(t *testing.T) {
	polled := event.New(event.Fields{Provider: "p", ID: "1", Origin: event.OriginPoll, Version: "v2"})
	plain := event.New(event.Fields{Provider: "p", ID: "2"})
	tests := []struct {
		name    string
		e       event.Event
		origin  event.Origin
		version string
	}{
		{"polled", polled, event.OriginPoll, "v2"},
		{"polled, hydrated", event.WithRecord(polled, event.Record{}), event.OriginPoll, "v2"},
		{"webhook without version", plain, event.OriginWebhook, ""},
		{"hydrated webhook", event.WithRecord(plain, event.Record{}), event.OriginWebhook, ""},
		{"nil", nil, event.OriginWebhook, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.origin, event.OriginOf(tt.e))
			assert.Equal(t, tt.version, event.VersionOf(tt.e))
		})
	}
}
