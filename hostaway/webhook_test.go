package hostaway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/verify"
)

// TestParse_invalidData: a body that is not JSON only inside its data,
// which Parse leaves to the json.Unmarshal that decodes it, is still
// rejected as a body that is not JSON, at encoding/json's offset, whatever
// the event and whatever else is wrong with the envelope.
func TestParse_invalidData(t *testing.T) {
	t.Parallel()
	for _, template := range []string{
		`{"object":"reservation","event":"reservation.created","data":%s,"accountId":1}`,
		`{"data":%s,"event":"message.received"}`,
		`{"event":"unknown.event","data":%s}`,
		`{"data":%s}`,
		`{"event":7,"data":%s}`,
		`{"event":"reservation.updated","payload":{"data":%s}}`,
	} {
		for body, offset := range testutil.InvalidRecords(t, template, "data") {
			w, err := Parse([]byte(body))
			require.ErrorIs(t, err, event.ErrMalformed, body)
			assert.Nil(t, w)
			assert.Equal(t, fmt.Sprintf("hostaway: parse: envelope: invalid JSON at byte %d", offset), err.Error(), body)
		}
	}
}

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

// TestParse_sharesBody checks that Data is a sub-slice of the body, in
// both the flat and the payload.data shapes, and that envelope keys match
// as encoding/json matches them (case-insensitively, the last one winning).
func TestParse_sharesBody(t *testing.T) {
	t.Parallel()
	within := func(t *testing.T, body, part []byte) {
		t.Helper()
		require.NotEmpty(t, part)
		start, end := uintptr(unsafe.Pointer(&body[0])), uintptr(unsafe.Pointer(&body[len(body)-1]))
		p := uintptr(unsafe.Pointer(&part[0]))
		assert.True(t, p >= start && p <= end, "not a sub-slice of the body")
	}
	body := sample(t, EventReservationCreated)
	w, err := Parse(body)
	require.NoError(t, err)
	within(t, body, w.Data)

	body = testutil.Fixture(t, "reservation.updated.payload-data.json")
	w, err = Parse(body)
	require.NoError(t, err)
	within(t, body, w.Data)

	w, err = Parse([]byte(`{"EVENT":"reservation.created","ev\u0065nt":"reservation.updated","AccountID":7,"Data":{"id":1},"data":{"id":2}}`))
	require.NoError(t, err)
	assert.Equal(t, EventReservationUpdated, w.Event)
	assert.Equal(t, "7", w.AccountID)
	require.NotNil(t, w.Reservation)
	assert.Equal(t, int64(2), w.Reservation.ID.Value)
}

func TestParse_dataKeptRaw(t *testing.T) {
	t.Parallel()
	w, err := Parse(testutil.Fixture(t, "unknown.event.json"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":218666,"name":"Lakeside cabin","updatedOn":"2025-11-07 08:00:00"}`, string(w.Data))

	nested, err := Parse(testutil.Fixture(t, "reservation.updated.payload-data.json"))
	require.NoError(t, err)
	require.NotNil(t, nested.Reservation)
	assert.Equal(t, lenient.Int{Value: 49264388}, nested.Reservation.ID)
	var data map[string]any
	require.NoError(t, json.Unmarshal(nested.Data, &data))
	assert.Equal(t, "airbnbOfficial", data["channelName"])
}

// TestParse_malformed: only a body that is not Hostaway's envelope at all
// fails.
func TestParse_malformed(t *testing.T) {
	t.Parallel()
	const secretish = "GUEST-PHONE-5551212"
	tests := map[string]string{
		"empty":              ``,
		"not JSON":           `not json at all`,
		"truncated":          `{"event":"reservation.created","data":{"id":1`,
		"array":              `[{"event":"reservation.created"}]`,
		"string body":        `"reservation.created"`,
		"no event or object": `{"accountId":1,"data":{"id":1}}`,
		"empty object":       `{}`,
		"event is an object": `{"event":{"name":"` + secretish + `"},"data":{}}`,
		"event is a number":  `{"event":42,"data":{}}`,
		"object is an array": `{"object":["` + secretish + `"],"data":{}}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse([]byte(body))
			require.ErrorIs(t, err, event.ErrMalformed)
			assert.Nil(t, w)
			assert.Regexp(t, `^hostaway: parse: `, err.Error())
			assert.NotContains(t, err.Error(), secretish, "errors never quote the body")
		})
	}
}

// TestParse_toleratesValues: an authentic delivery is never rejected over a
// value inside its envelope (Hostaway does not retry a 4xx, so it would be
// lost): what cannot be read is kept, and flagged.
func TestParse_toleratesValues(t *testing.T) {
	t.Parallel()
	const secretish = "GUEST-PHONE-5551212"
	tests := []struct {
		name, body string
		check      func(t *testing.T, w *Webhook)
	}{
		{"id not an integer", `{"event":"reservation.updated","data":{"id":"` + secretish + `"}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Int{Unparsed: secretish}, w.Reservation.ID)
		}},
		{"bad date", `{"event":"reservation.updated","data":{"arrivalDate":"` + secretish + `"}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, event.Date{Unparsed: secretish}, w.Reservation.ArrivalDate)
		}},
		{"bad amount", `{"event":"reservation.updated","data":{"totalPrice":"` + secretish + `"}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Decimal{Unparsed: secretish}, w.Reservation.TotalPrice)
		}},
		{"status is a number", `{"event":"reservation.updated","data":{"status":3}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, ReservationStatus("3"), w.Reservation.Status)
		}},
		{"flag is an array", `{"event":"reservation.updated","data":{"isPaid":[1]}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Bool{Unparsed: "[1]"}, w.Reservation.IsPaid)
		}},
		{"object where text", `{"event":"message.received","data":{"body":{"text":"hi"}}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.String(`{"text":"hi"}`), w.Message.Body)
		}},
		{"attachments an object", `{"event":"message.received","data":{"id":7,"attachments":{"a":1}}}`, func(t *testing.T, w *Webhook) {
			require.ErrorIs(t, w.DataError, event.ErrMalformed)
			assert.Contains(t, w.DataError.Error(), "attachments")
			assert.Equal(t, lenient.Int{Value: 7}, w.Message.ID, "the rest is decoded")
			assert.Nil(t, w.Message.Attachments)
		}},
		{"policy a string", `{"event":"reservation.updated","data":{"id":7,"cancellationPolicyDetails":"` + secretish + `"}}`, func(t *testing.T, w *Webhook) {
			require.ErrorIs(t, w.DataError, event.ErrMalformed)
			assert.NotContains(t, w.DataError.Error(), secretish)
			assert.Equal(t, lenient.Int{Value: 7}, w.Reservation.ID)
		}},
		{"reservation data array", `{"event":"reservation.created","data":[1]}`, func(t *testing.T, w *Webhook) {
			require.ErrorIs(t, w.DataError, event.ErrMalformed)
			assert.Nil(t, w.Reservation)
			assert.Equal(t, `[1]`, string(w.Data))
		}},
		{"message data number", `{"event":"message.received","data":42}`, func(t *testing.T, w *Webhook) {
			require.ErrorIs(t, w.DataError, event.ErrMalformed)
			assert.Nil(t, w.Message)
		}},
		{"account id an object", `{"event":"reservation.updated","accountId":{"x":1},"data":{}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, `{"x":1}`, w.AccountID)
			assert.NoError(t, w.DataError)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse([]byte(tc.body))
			require.NoError(t, err)
			tc.check(t, w)
			e := normalize(w, time.UTC)
			assert.Equal(t, eventTypes[w.Event], e.Type())
		})
	}
}

func TestEventNames(t *testing.T) {
	t.Parallel()
	want := []string{EventMessageReceived, EventReservationCreated, EventReservationUpdated, EventTest}
	assert.Equal(t, want, EventNames())
	assert.IsNonDecreasing(t, EventNames())
	assert.Equal(t, sampleNames(), EventNames(), "one sample per event name")

	names := EventNames()
	names[0] = "changed"
	assert.Equal(t, want, EventNames(), "a new slice on each call")
}

// TestReceiver_Receive_unparsedDate is the lost delivery of the hardening
// issue: an authentic reservation with "departureDate": "forged" used to be
// rejected with 400, which Hostaway never retries. It is received, and the
// value is kept and flagged rather than invented.
func TestReceiver_Receive_unparsedDate(t *testing.T) {
	t.Parallel()
	body := testutil.Fixture(t, "reservation.updated.forged.json")
	w, err := Parse(body)
	require.NoError(t, err)
	require.NoError(t, w.DataError)
	r := w.Reservation
	require.NotNil(t, r)
	assert.Equal(t, event.Date{Unparsed: "forged"}, r.DepartureDate)
	assert.Equal(t, lenient.Int{Unparsed: "three"}, r.Nights)
	assert.Equal(t, lenient.Bool{Unparsed: "maybe"}, r.IsPaid)
	assert.Equal(t, lenient.Decimal{Unparsed: "1.234,50"}, r.TotalPrice)
	assert.Equal(t, "not a time", r.InsertedOn.Unparsed)

	e := normalize(w, nil)
	assert.Equal(t, event.BookingUpdated, e.Type())
	b, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, "forged", b.Departure.Unparsed)
	assert.True(t, b.Departure.IsUnparsed())
	assert.Equal(t, event.Date{Year: 2026, Month: time.May, Day: 10}, b.Arrival)
	assert.Zero(t, b.Nights(), "no stay length is invented")
	assert.True(t, b.Total.IsZero(), "an unreadable amount is no Money")

	v, err := NewVerifier(verify.Credentials{User: "my_login", Password: "s3cret"})
	require.NoError(t, err)
	rc, err := NewReceiver(v)
	require.NoError(t, err)
	h := http.Header{}
	v.Sign(h, body)
	got, err := rc.Receive(h, body)
	require.NoError(t, err)
	assert.Equal(t, event.BookingUpdated, got.Type())
}

// TestParse_garbageValues replaces every scalar value of every sample and
// fixture, in turn, by a value of every other JSON kind: Parse never fails,
// and the event keeps its name and type. Exempt are the envelope's naming
// members (event, object, and the string data of a test delivery), whose
// change makes another delivery, and a reservation's status, which refines
// the type by design.
func TestParse_garbageValues(t *testing.T) {
	t.Parallel()
	bodies := map[string][]byte{}
	for _, name := range sampleNames() {
		bodies[name] = sample(t, name)
	}
	for _, f := range testutil.Fixtures(t, "*.json") {
		bodies[f] = testutil.Fixture(t, f)
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse(body)
			require.NoError(t, err)
			want := normalize(w, time.UTC)
			for _, m := range testutil.Mutations(t, body) {
				if m.Depth == 1 && (m.Key == "event" || m.Key == "object" || m.Key == "data") {
					continue
				}
				w, err := Parse(m.Body)
				require.NoError(t, err, "%s = %s", m.Path, m.Value)
				got := normalize(w, time.UTC)
				require.Equal(t, want.Name(), got.Name(), "%s = %s", m.Path, m.Value)
				if m.Key != "status" {
					require.Equal(t, want.Type(), got.Type(), "%s = %s", m.Path, m.Value)
				}
			}
		})
	}
}
