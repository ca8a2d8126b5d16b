package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
)

func TestCopyWithoutRaw(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`{"a":1,"Raw":"eyJ9","b":[{"Raw":null,"c":"<x>"}],"raw":"kept"}`: `{"a":1,"b":[{"c":"<x>"}],"raw":"kept"}`,
		`[1,2.50,true,null,"s"]`: `[1,2.50,true,null,"s"]`,
		`{"Raw":{"deep":[1]}}`:   `{}`,
		`"text"`:                 `"text"`,
		`12345678901234567890`:   `12345678901234567890`,
	}
	for in, want := range tests {
		var out bytes.Buffer
		dec := json.NewDecoder(strings.NewReader(in))
		dec.UseNumber()
		require.NoError(t, copyWithoutRaw(dec, &out), in)
		assert.Equal(t, want, out.String(), in)
	}
}

func TestWriteEventJSON(t *testing.T) {
	t.Parallel()
	type payload struct {
		Kind string
		Raw  []byte
	}
	e := eventtest.New(event.Fields{
		Provider: "test",
		Type:     event.BookingCreated,
		Name:     "booking_new",
		ID:       "d-1",
		Account:  "acct",
		Time:     time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Raw:      []byte(`{"kind":"booking"}`),
		Data:     &payload{Kind: "booking", Raw: []byte(`{"kind":"booking"}`)},
		Booking:  &event.Booking{ID: "b-1", Status: event.StatusConfirmed},
	})
	var out bytes.Buffer
	require.NoError(t, writeEventJSON(&out, e, true))
	assert.JSONEq(t, `{
		"provider": "test", "name": "booking_new", "type": "booking.created", "id": "d-1", "account": "acct",
		"subject": {"kind": "booking", "id": "b-1"}, "time": "2025-01-02T03:04:05Z", "verified": true,
		"booking": {"id": "b-1", "status": "confirmed", "arrival": null, "departure": null, "guest": {}, "total": {}},
		"payload_type": "*main.payload", "payload": {"Kind": "booking"}
	}`, out.String())

	// A payload that does not marshal shows the body.
	e = eventtest.New(event.Fields{Provider: "test", Raw: []byte(`{"x":1}`), Data: func() {}})
	out.Reset()
	require.NoError(t, writeEventJSON(&out, e, false))
	assert.Contains(t, out.String(), `"payload": {`+"\n"+`    "x": 1`)
}
