package channex

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
)

// TestParse_invalidPayload: a body that is not JSON only inside its
// payload, which Parse leaves to the json.Unmarshal that decodes it, is
// still rejected as a body that is not JSON, at encoding/json's offset,
// whatever the event and whatever else is wrong with the envelope.
// TestKnownEvent: every event name this package knows is read without a
// copy, and nothing else is.
func TestKnownEvent(t *testing.T) {
	t.Parallel()
	for _, name := range EventNames() {
		got, ok := knownEvent([]byte(`"` + name + `"`))
		assert.True(t, ok, name)
		assert.Equal(t, name, got)
	}
	for _, raw := range []string{`"booking_newer"`, `"Booking_new"`, `"booking\u005fnew"`, `""`, `7`, `"`} {
		_, ok := knownEvent([]byte(raw))
		assert.False(t, ok, raw)
	}
}

func TestParse_invalidPayload(t *testing.T) {
	t.Parallel()
	for _, template := range []string{
		`{"event":"booking_new","payload":%s,"property_id":"p"}`,
		`{"payload":%s,"event":"message"}`,
		`{"event":"ari","payload":[%s]}`,
		`{"event":"unknown_event","payload":%s}`,
		`{"payload":%s}`,
		`{"event":7,"payload":%s}`,
	} {
		for body, offset := range testutil.InvalidRecords(t, template, "payload") {
			w, err := Parse([]byte(body))
			require.ErrorIs(t, err, event.ErrMalformed, body)
			assert.Nil(t, w)
			assert.Equal(t, fmt.Sprintf("channex: parse: envelope: invalid JSON at byte %d", offset), err.Error(), body)
		}
	}
}

func TestParse_everyDelivery(t *testing.T) {
	t.Parallel()
	for _, d := range deliveries(t) {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse(d.body)
			require.NoError(t, err)
			assert.Same(t, &d.body[0], &w.Raw[0], "Raw must be the body, not a copy")
			if d.event != "" {
				assert.Equal(t, d.event, w.Event)
			}
			typed := w.typedFields()
			switch {
			case w.Data == nil:
				assert.Empty(t, typed, "no payload, no typed field")
			case w.DataError != nil:
				assert.Empty(t, typed, "a payload that failed to decode sets no typed field")
				assert.ErrorIs(t, w.DataError, event.ErrMalformed)
			case d.event == "":
				assert.Empty(t, typed, "unknown events keep the payload raw")
			default:
				assert.Len(t, typed, 1, "exactly one typed field for a known event with data")
			}
		})
	}
}

// typedFields names the typed payload fields that are set.
func (w *Webhook) typedFields() []string {
	var set []string
	for name, ok := range map[string]bool{
		"ARI": w.ARI != nil, "Booking": w.Booking != nil, "Message": w.Message != nil,
		"SyncError": w.SyncError != nil, "ReservationRequest": w.ReservationRequest != nil,
		"Inquiry": w.Inquiry != nil, "Review": w.Review != nil, "Channel": w.Channel != nil,
		"ChannelRemovalWarning":  w.ChannelRemovalWarning != nil,
		"PropertyRemovalWarning": w.PropertyRemovalWarning != nil,
		"ThreadBookingAssigned":  w.ThreadBookingAssigned != nil,
	} {
		if ok {
			set = append(set, name)
		}
	}
	slices.Sort(set)
	return set
}

// TestParse_typedField checks which field each event name decodes into.
func TestParse_typedField(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		EventARI: "ARI", EventBooking: "Booking", EventBookingNew: "Booking",
		EventBookingModification: "Booking", EventBookingCancellation: "Booking",
		EventBookingUnmappedRoom: "Booking", EventBookingUnmappedRate: "Booking",
		EventNonAckedBooking: "Booking", EventMessage: "Message",
		EventSyncError: "SyncError", EventSyncWarning: "SyncError", EventRateError: "SyncError",
		EventReservationRequest: "ReservationRequest", EventAlterationRequest: "ReservationRequest",
		EventAcceptedReservation: "ReservationRequest", EventDeclinedReservation: "ReservationRequest",
		EventInquiry: "Inquiry", EventReview: "Review", EventUpdatedReview: "Review",
		EventNewChannel: "Channel", EventUpdatedChannel: "Channel", EventDisconnectChannel: "Channel",
		EventDisconnectedChannel: "Channel", EventDisconnectListing: "Channel",
		EventActivateChannel: "Channel", EventDeactivateChannel: "Channel",
		EventChannelRemovalWarning: "ChannelRemovalWarning", EventPropertyRemovalWarning: "PropertyRemovalWarning",
		EventMessageThreadBookingAssigned: "ThreadBookingAssigned",
	}
	assert.ElementsMatch(t, EventNames(), slices.Collect(maps.Keys(want)), "the table above covers every event name")
	for _, name := range EventNames() {
		w, err := Parse(sample(t, name))
		require.NoError(t, err, name)
		require.NoError(t, w.DataError, name)
		assert.Equal(t, []string{want[name]}, w.typedFields(), name)
	}
}

// TestParse_withoutData parses every event name in its send_data false
// form, with the payload absent and with it null.
func TestParse_withoutData(t *testing.T) {
	t.Parallel()
	for _, name := range EventNames() {
		for _, payload := range []string{``, `"payload": null,`} {
			body := []byte(`{"event": "` + name + `", ` + payload + ` "property_id": "p-1", "user_id": null, "timestamp": "2021-12-24T00:00:00.0000Z"}`)
			w, err := Parse(body)
			require.NoError(t, err, "%s %q", name, payload)
			assert.Nil(t, w.Data)
			assert.Empty(t, w.typedFields(), name)
			assert.Equal(t, lenient.String("p-1"), w.PropertyID)
		}
	}
}

func TestParse_envelope(t *testing.T) {
	t.Parallel()
	zoned := time.Date(2021, 12, 24, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		body string
		want Webhook
	}{
		{
			name: "doc sample, four fraction digits",
			body: `{"event":"booking","property_id":"p","user_id":null,"timestamp":"2021-12-24T00:00:00.0000Z"}`,
			want: Webhook{Event: "booking", PropertyID: "p", Timestamp: lenient.Time{Time: zoned}},
		},
		{
			name: "no fraction",
			body: `{"event":"booking","property_id":"p","timestamp":"2021-12-24T00:00:00Z"}`,
			want: Webhook{Event: "booking", PropertyID: "p", Timestamp: lenient.Time{Time: zoned}},
		},
		{
			name: "microseconds and a zone offset",
			body: `{"event":"ari","property_id":"p","timestamp":"2021-12-24T01:00:00.000001+01:00"}`,
			want: Webhook{Event: "ari", PropertyID: "p", Timestamp: lenient.Time{Time: time.Date(2021, 12, 24, 1, 0, 0, 1000, time.FixedZone("", 3600))}},
		},
		{
			name: "no zone",
			body: `{"event":"ari","property_id":"p","timestamp":"2021-12-24T00:00:00.310491"}`,
			want: Webhook{Event: "ari", PropertyID: "p", Timestamp: lenient.Time{Time: time.Date(2021, 12, 24, 0, 0, 0, 310491000, time.UTC), Zoneless: true}},
		},
		{
			name: "no timestamp, user, numeric property",
			body: `{"event":"ari","property_id":42,"user_id":"u-1"}`,
			want: Webhook{Event: "ari", PropertyID: "42", UserID: "u-1"},
		},
		{
			name: "a timestamp in no known layout does not lose the delivery",
			body: `{"event":"ari","property_id":"p","timestamp":"yesterday"}`,
			want: Webhook{Event: "ari", PropertyID: "p", Timestamp: lenient.Time{Unparsed: "yesterday"}},
		},
		{
			name: "unknown keys ignored",
			body: `{"event":"ari","property_id":"p","delivery":{"attempt":3},"extra":[1,2]}`,
			want: Webhook{Event: "ari", PropertyID: "p"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse([]byte(tt.body))
			require.NoError(t, err)
			got := *w
			got.Raw, got.Data = nil, nil
			opts := cmp.Comparer(func(a, b lenient.Time) bool {
				return a.Equal(b.Time) && a.Zoneless == b.Zoneless && a.Unparsed == b.Unparsed
			})
			if diff := cmp.Diff(tt.want, got, opts); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParse_malformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
	}{
		{"empty", ``},
		{"not JSON", `event=booking`},
		{"truncated", `{"event":"booking","payload":{`},
		{"array", `[{"event":"booking"}]`},
		{"null", `null`},
		{"no event", `{"property_id":"p","payload":{}}`},
		{"empty event", `{"event":"","property_id":"p"}`},
		{"event not a string", `{"event":7}`},
		{"event an object", `{"event":{"name":"secret guest data"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse([]byte(tt.body))
			require.Error(t, err)
			assert.Nil(t, w)
			assert.ErrorIs(t, err, event.ErrMalformed)
			assert.True(t, strings.HasPrefix(err.Error(), "channex: parse: "), err.Error())
			for _, secret := range []string{"secret guest data", "about 200", "great", "soon", "a week", "hi"} {
				assert.NotContains(t, err.Error(), secret, "error text quotes the body")
			}
		})
	}
}

// TestParse_toleratesValues: values and payloads inside the envelope never
// fail an authentic delivery; what cannot be read is kept, and flagged.
func TestParse_toleratesValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		payloadErr bool
	}{
		{"ari payload a string", `{"event":"ari","payload":"secret guest data"}`, true},
		{"ari record with a bad date", `{"event":"ari","payload":[{"date":"02/12/2021"}]}`, false},
		{"ari availability not a number", `{"event":"ari","payload":[{"date":"2021-12-02","availability":"many"}]}`, false},
		{"booking payload an array", `{"event":"booking","payload":["x"]}`, true},
		{"message text an object", `{"event":"message","payload":{"message":{"text":"hi"}}}`, false},
		{"inquiry dates wrong", `{"event":"inquiry","payload":{"booking_details":{"checkin_date":"soon"}}}`, false},
		{"review score not a number", `{"event":"review","payload":{"scores":[{"category":"clean","score":"great"}]}}`, false},
		{"non_acked amount not a decimal", `{"event":"non_acked_booking","payload":{"amount":"about 200"}}`, false},
		{"warning days not a number", `{"event":"channel_removal_warning","payload":{"days_left":"a week"}}`, false},
		{"reservation request bms an array", `{"event":"reservation_request","payload":{"bms":[1]}}`, true},
		{"review scores an object", `{"event":"review","payload":{"scores":{"secret guest data":1}}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse([]byte(tt.body))
			require.NoError(t, err)
			if !tt.payloadErr {
				assert.NoError(t, w.DataError)
				return
			}
			require.ErrorIs(t, w.DataError, event.ErrMalformed)
			assert.NotContains(t, w.DataError.Error(), "secret guest data")
		})
	}
}

func TestParse_malformedKeepsCause(t *testing.T) {
	t.Parallel()
	w, err := Parse([]byte(`{"event":"ari","payload":[{"date":"2021-12-02","availability":"many"},{"date":[]},"x"]}`))
	require.NoError(t, err)
	require.Len(t, w.ARI, 3)
	assert.Equal(t, &lenient.Int{Unparsed: "many"}, w.ARI[0].Availability)
	assert.Equal(t, event.Date{Unparsed: "[]"}, w.ARI[1].Date)
	var typ *json.UnmarshalTypeError
	require.ErrorAs(t, w.DataError, &typ, "the record of the wrong kind is flagged")
	assert.ErrorIs(t, w.DataError, event.ErrMalformed)

	_, err = Parse([]byte(`{"event":`))
	var syn *json.SyntaxError
	require.ErrorAs(t, err, &syn)
}

// TestParse_assumedShapes: payloads whose shape Channex does not document
// never fail the delivery; they set DataError.
func TestParse_assumedShapes(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		EventBookingNew, EventBookingModification, EventBookingCancellation,
		EventSyncWarning, EventRateError,
		EventAlterationRequest, EventAcceptedReservation, EventDeclinedReservation,
		EventUpdatedReview,
		EventNewChannel, EventUpdatedChannel, EventDisconnectChannel, EventDisconnectedChannel, EventDisconnectListing,
	} {
		w, err := Parse([]byte(`{"event":"` + name + `","payload":"guest name here","property_id":"p"}`))
		require.NoError(t, err, name)
		require.Error(t, w.DataError, name)
		assert.ErrorIs(t, w.DataError, event.ErrMalformed)
		assert.NotContains(t, w.DataError.Error(), "guest name here")
		assert.Contains(t, w.DataError.Error(), "shape assumed")
		assert.Empty(t, w.typedFields())
		assert.JSONEq(t, `"guest name here"`, string(w.Data))
	}
	// A documented shape of the wrong kind sets DataError too: the
	// delivery is authentic, and rejecting it would lose it.
	for _, name := range []string{EventBooking, EventNonAckedBooking, EventSyncError, EventReservationRequest,
		EventReview, EventActivateChannel, EventMessageThreadBookingAssigned} {
		w, err := Parse([]byte(`{"event":"` + name + `","payload":"x"}`))
		require.NoError(t, err, name)
		require.ErrorIs(t, w.DataError, event.ErrMalformed, name)
		assert.NotContains(t, w.DataError.Error(), "shape assumed")
		assert.Empty(t, w.typedFields())
	}
}

func TestParse_unknownEvent(t *testing.T) {
	t.Parallel()
	body := []byte(`{"event":"booking_request_expired","payload":{"booking_id":"b"},"property_id":"p"}`)
	w, err := Parse(body)
	require.NoError(t, err)
	assert.EqualValues(t, "booking_request_expired", w.Event)
	assert.JSONEq(t, `{"booking_id":"b"}`, string(w.Data))
	assert.Empty(t, w.typedFields())
	assert.NoError(t, w.DataError)
}

func TestEventNames(t *testing.T) {
	t.Parallel()
	names := EventNames()
	assert.True(t, slices.IsSorted(names))
	assert.Len(t, names, 29)
	assert.Contains(t, names, EventDisconnectChannel)
	assert.Contains(t, names, EventDisconnectedChannel)
	names[0] = "changed"
	assert.NotEqual(t, "changed", EventNames()[0], "a new slice on each call")
}

func TestParseError_unwrap(t *testing.T) {
	t.Parallel()
	err := malformed("x", nil)
	assert.ErrorIs(t, err, event.ErrMalformed)
	assert.EqualValues(t, "channex: parse: x", err.Error())
	cause := errors.New("boom")
	err = malformed("y", cause)
	assert.ErrorIs(t, err, cause)
	assert.EqualValues(t, "channex: parse: y: does not decode", err.Error())
}

// TestParse_garbageValues replaces every scalar value of every sample and
// fixture, in turn, by a value of every other JSON kind: Parse never fails,
// and the event keeps its name and type. Exempt is the envelope's event
// name, whose change makes another delivery.
func TestParse_garbageValues(t *testing.T) {
	t.Parallel()
	for _, d := range deliveries(t) {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse(d.body)
			require.NoError(t, err)
			want := normalize(w, event.RecordCreated)
			for _, m := range testutil.Mutations(t, d.body) {
				if m.Depth == 1 && m.Key == "event" {
					continue
				}
				w, err := Parse(m.Body)
				require.NoError(t, err, "%s = %s", m.Path, m.Value)
				got := normalize(w, event.RecordCreated)
				require.Equal(t, want.Name(), got.Name(), "%s = %s", m.Path, m.Value)
				require.Equal(t, want.Type(), got.Type(), "%s = %s", m.Path, m.Value)
			}
		})
	}
}

// TestParse_sharesBody checks that Data is a sub-slice of the body, and
// that envelope keys match as encoding/json matches them
// (case-insensitively, the last one winning).
func TestParse_sharesBody(t *testing.T) {
	t.Parallel()
	body := sample(t, EventBookingNew)
	w, err := Parse(body)
	require.NoError(t, err)
	require.NotEmpty(t, w.Data)
	start, end := uintptr(unsafe.Pointer(&body[0])), uintptr(unsafe.Pointer(&body[len(body)-1]))
	p := uintptr(unsafe.Pointer(&w.Data[0]))
	assert.True(t, p >= start && p <= end, "Data is not a sub-slice of the body")

	w, err = Parse([]byte(`{"EVENT":"message","ev\u0065nt":"booking","Property_ID":7,"payload":{"revision_id":"a"},"PAYLOAD":{"revision_id":"b"}}`))
	require.NoError(t, err)
	assert.Equal(t, EventBooking, w.Event)
	assert.Equal(t, lenient.String("7"), w.PropertyID)
	require.NotNil(t, w.Booking)
	assert.Equal(t, lenient.String("b"), w.Booking.RevisionID)
}
