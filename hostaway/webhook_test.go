package hostaway

import (
	"encoding/json"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/hostaway/hostawaytest"
	"github.com/pmshooks/pmshooks/internal/testutil"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		body        []byte
		object      string
		event       string
		account     string
		wantName    string
		reservation bool
		message     bool
		test        bool
	}{
		{"reservation.created sample", sample(t, "reservation.created"), ObjectReservation, EventReservationCreated, "10450", EventReservationCreated, true, false, false},
		{"reservation.updated sample", sample(t, "reservation.updated"), ObjectReservation, EventReservationUpdated, "10450", EventReservationUpdated, true, false, false},
		{"message.received sample", sample(t, "message.received"), ObjectConversationMessage, EventMessageReceived, "10450", EventMessageReceived, false, true, false},
		{"test sample", sample(t, "test"), "", "", "", EventTest, false, false, true},
		{"test with event", []byte(`{"object":"reservation","event":"reservation.created","accountId":1,"data":"test"}`), ObjectReservation, EventReservationCreated, "1", EventTest, false, false, true},
		{"payload.data nesting", testutil.Fixture(t, "reservation.updated.payload-data.json"), ObjectReservation, EventReservationUpdated, "59808", EventReservationUpdated, true, false, false},
		{"unknown event", testutil.Fixture(t, "unknown.event.json"), "listing", "listing.updated", "59808", "listing.updated", false, false, false},
		{"no event, object only", []byte(`{"object":"conversationMessage","accountId":5,"data":{"id":1}}`), ObjectConversationMessage, "", "5", ObjectConversationMessage, false, false, false},
		{"reservation without data", []byte(`{"object":"reservation","event":"reservation.updated","accountId":5}`), ObjectReservation, EventReservationUpdated, "5", EventReservationUpdated, false, false, false},
		{"null data", []byte(`{"event":"message.received","data":null}`), "", EventMessageReceived, "", EventMessageReceived, false, false, false},
		{"payload not an object", []byte(`{"event":"listing.deleted","payload":"x","data":{"id":1}}`), "", "listing.deleted", "", "listing.deleted", false, false, false},
		{"unknown event with array data", []byte(`{"event":"listing.deleted","data":[1,2]}`), "", "listing.deleted", "", "listing.deleted", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse(tt.body)
			require.NoError(t, err)
			assert.Equal(t, tt.object, w.Object)
			assert.Equal(t, tt.event, w.Event)
			assert.Equal(t, tt.account, w.AccountID)
			assert.Equal(t, tt.wantName, w.Name())
			assert.Equal(t, tt.reservation, w.Reservation != nil, "Reservation")
			assert.Equal(t, tt.message, w.Message != nil, "Message")
			assert.Equal(t, tt.test, w.IsTest(), "IsTest")
			assert.Equal(t, tt.body, w.Raw)
		})
	}
}

func TestParse_keepsBodyWithoutCopy(t *testing.T) {
	t.Parallel()
	body := sample(t, EventReservationUpdated)
	w, err := Parse(body)
	require.NoError(t, err)
	require.Len(t, w.Raw, len(body))
	assert.Equal(t, unsafe.SliceData(body), unsafe.SliceData(w.Raw), "Raw must be the body itself")
}

func TestParse_dataKeptRaw(t *testing.T) {
	t.Parallel()
	w, err := Parse(testutil.Fixture(t, "unknown.event.json"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":218666,"name":"Lakeside cabin","updatedOn":"2025-11-07 08:00:00"}`, string(w.Data))

	nested, err := Parse(testutil.Fixture(t, "reservation.updated.payload-data.json"))
	require.NoError(t, err)
	require.NotNil(t, nested.Reservation)
	assert.EqualValues(t, 49264388, nested.Reservation.ID)
	var data map[string]any
	require.NoError(t, json.Unmarshal(nested.Data, &data))
	assert.Equal(t, "airbnbOfficial", data["channelName"])
}

func TestParse_malformed(t *testing.T) {
	t.Parallel()
	const secretish = "GUEST-PHONE-5551212"
	tests := map[string]string{
		"empty":                  ``,
		"not JSON":               `not json at all`,
		"truncated":              `{"event":"reservation.created","data":{"id":1`,
		"array":                  `[{"event":"reservation.created"}]`,
		"string body":            `"reservation.created"`,
		"no event or object":     `{"accountId":1,"data":{"id":1}}`,
		"empty object":           `{}`,
		"event is an object":     `{"event":{"name":"x"},"data":{}}`,
		"reservation data array": `{"event":"reservation.created","data":[1]}`,
		"message data number":    `{"event":"message.received","data":42}`,
		"id not an integer":      `{"event":"reservation.updated","data":{"id":"` + secretish + `"}}`,
		"bad date":               `{"event":"reservation.updated","data":{"arrivalDate":"` + secretish + `"}}`,
		"bad amount":             `{"event":"reservation.updated","data":{"totalPrice":"` + secretish + `"}}`,
		"status is a number":     `{"event":"reservation.updated","data":{"status":3}}`,
		"object where text":      `{"event":"message.received","data":{"body":{"text":"` + secretish + `"}}}`,
		"attachments an object":  `{"event":"message.received","data":{"attachments":{"a":1}}}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse([]byte(body))
			require.ErrorIs(t, err, event.ErrMalformed)
			assert.Nil(t, w)
			assert.Regexp(t, `^hostaway: parse `, err.Error())
			assert.NotContains(t, err.Error(), secretish, "errors never quote the body")
		})
	}
}

func TestEventNames(t *testing.T) {
	t.Parallel()
	want := []string{EventMessageReceived, EventReservationCreated, EventReservationUpdated, EventTest}
	assert.Equal(t, want, EventNames())
	assert.IsNonDecreasing(t, EventNames())
	assert.Equal(t, hostawaytest.Names(), EventNames(), "one sample per event name")

	names := EventNames()
	names[0] = "changed"
	assert.Equal(t, want, EventNames(), "a new slice on each call")
}
