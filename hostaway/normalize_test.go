package hostaway

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
)

// decode normalizes body as a Receiver with default options would.
func decode(t testing.TB, body []byte) event.Event {
	t.Helper()
	w, err := Parse(body)
	require.NoError(t, err)
	return normalize(w, time.UTC)
}

// TestEventTypes_walkedBothWays checks the one name-to-type table against the
// samples: every name has a sample and a known type other than unknown, and
// every sample has a name in the table and normalizes to that type.
func TestEventTypes_walkedBothWays(t *testing.T) {
	t.Parallel()
	for _, name := range EventNames() {
		typ := eventTypes[name]
		assert.NotEqual(t, event.TypeUnknown, typ, name)
		assert.True(t, typ.Known(), name)
		_, ok := sampleBody(name)
		assert.True(t, ok, "no sample for %s", name)
	}
	for _, name := range sampleNames() {
		typ, ok := eventTypes[name]
		require.True(t, ok, "sample %s has no entry in the table", name)
		e := decode(t, sample(t, name))
		assert.Equal(t, name, e.Name())
		assert.Equal(t, typ, e.Type(), name)
	}
}

// TestEventTypes_fixtures checks that every fixture either has a name in the
// table or is one of the unknown-event fixtures, which normalize to unknown.
func TestEventTypes_fixtures(t *testing.T) {
	t.Parallel()
	fixtures := testutil.Fixtures(t, "*.json")
	require.NotEmpty(t, fixtures)
	for _, f := range fixtures {
		e := decode(t, testutil.Fixture(t, f))
		if strings.HasPrefix(f, "unknown.") {
			assert.Equal(t, event.TypeUnknown, e.Type(), f)
			continue
		}
		_, ok := eventTypes[e.Name()]
		assert.True(t, ok, "fixture %s has event %q, not in the table", f, e.Name())
		assert.True(t, strings.HasPrefix(f, e.Name()+"."), "fixture %s is named after its event %s", f, e.Name())
	}
}

// statusRows is every documented reservation status, with its normalized
// status and the type of a reservation.created and a reservation.updated
// delivery carrying it.
var statusRows = []struct {
	status  ReservationStatus
	booking event.BookingStatus
	created event.Type
	updated event.Type
}{
	{StatusNew, event.StatusConfirmed, event.BookingCreated, event.BookingUpdated},
	{StatusModified, event.StatusConfirmed, event.BookingCreated, event.BookingUpdated},
	{StatusCancelled, event.StatusCancelled, event.BookingCancelled, event.BookingCancelled},
	{StatusOwnerStay, event.StatusBlocked, event.BookingCreated, event.BookingUpdated},
	{StatusPending, event.StatusTentative, event.BookingCreated, event.BookingUpdated},
	{StatusAwaitingPayment, event.StatusTentative, event.BookingCreated, event.BookingUpdated},
	{StatusDeclined, event.StatusCancelled, event.BookingCancelled, event.BookingCancelled},
	{StatusExpired, event.StatusCancelled, event.BookingCancelled, event.BookingCancelled},
	{StatusUnconfirmed, event.StatusTentative, event.BookingCreated, event.BookingUpdated},
	{StatusAwaitingGuestVerification, event.StatusTentative, event.BookingCreated, event.BookingUpdated},
	{StatusInquiry, event.StatusInquiry, event.InquiryCreated, event.InquiryUpdated},
	{StatusInquiryPreapproved, event.StatusInquiry, event.InquiryCreated, event.InquiryUpdated},
	{StatusInquiryDenied, event.StatusInquiry, event.InquiryCreated, event.InquiryUpdated},
	{StatusInquiryTimedout, event.StatusInquiry, event.InquiryCreated, event.InquiryUpdated},
	{StatusInquiryNotPossible, event.StatusInquiry, event.InquiryCreated, event.InquiryUpdated},
	{StatusUnknown, event.StatusInquiry, event.InquiryCreated, event.InquiryUpdated},
	// Not documented: unknown status, booking types unrefined.
	{"noShow", event.StatusUnknown, event.BookingCreated, event.BookingUpdated},
	{"", event.StatusUnknown, event.BookingCreated, event.BookingUpdated},
}

func TestReservationStatus_BookingStatus(t *testing.T) {
	t.Parallel()
	documented := 0
	for _, row := range statusRows {
		t.Run(string(row.status), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, row.booking, row.status.BookingStatus())
		})
		if _, ok := reservationStatuses[row.status]; ok {
			documented++
		}
	}
	assert.Equal(t, 16, len(reservationStatuses), "Hostaway documents 16 statuses")
	assert.Equal(t, len(reservationStatuses), documented, "every status of the table has a row here")
}

func TestTypeOf_reservationStatus(t *testing.T) {
	t.Parallel()
	for _, row := range statusRows {
		for _, ev := range []struct {
			name string
			want event.Type
		}{{EventReservationCreated, row.created}, {EventReservationUpdated, row.updated}} {
			t.Run(ev.name+"/"+string(row.status), func(t *testing.T) {
				t.Parallel()
				body := fmt.Sprintf(`{"object":"reservation","event":%q,"accountId":1,"data":{"id":7,"status":%q}}`, ev.name, row.status)
				e := decode(t, []byte(body))
				assert.Equal(t, ev.want, e.Type())
				b, ok := event.BookingOf(e)
				require.True(t, ok)
				assert.Equal(t, row.booking, b.Status)
			})
		}
	}
}

func TestChannelOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		id   int64
		want event.Channel
	}{
		// Every documented channel id, without a channelName.
		{"", 2000, event.ChannelDirect},
		{"", 2001, event.ChannelAirbnb},
		{"", 2002, event.ChannelVrbo},
		{"", 2005, event.ChannelBookingCom},
		{"", 2007, event.ChannelExpedia},
		{"", 2009, event.ChannelVrbo},
		{"", 2010, event.ChannelVrbo},
		{"", 2013, "direct"},
		{"", 2015, "customical"},
		{"", 2016, event.ChannelTripAdvisor},
		{"", 2017, "direct"},
		{"", 2018, event.ChannelAirbnb},
		{"", 2019, "marriott"},
		{"", 2020, "partner"},
		{"", 2021, "gds"},
		{"", 2022, event.ChannelGoogle},
		// The names, which win over the id.
		{"airbnbOfficial", 2018, event.ChannelAirbnb},
		{"airbnb", 2001, event.ChannelAirbnb},
		{"homeaway", 2002, event.ChannelVrbo},
		{"bookingcom", 2005, event.ChannelBookingCom},
		{"vrboical", 0, event.ChannelVrbo},
		{" direct ", 0, event.ChannelDirect},
		{"NewChannel", 2099, "newchannel"},
		// Neither known.
		{"", 2099, ""},
		{"", 0, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.name, tt.id), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, channelOf(lenient.String(tt.name), lenient.Int{Value: tt.id}))
		})
	}
	for id := range channelNames {
		assert.True(t, slices.ContainsFunc(tests, func(tt struct {
			name string
			id   int64
			want event.Channel
		}) bool {
			return tt.name == "" && tt.id == id
		}), "channel %d has no row", id)
	}
}

func TestNormalize_booking(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body []byte
		want event.Booking
	}{
		{"reservation.created sample", sample(t, EventReservationCreated), event.Booking{
			ID: "13", PropertyID: "40160", Status: event.StatusConfirmed,
			Arrival: date(2017, 7, 15), Departure: date(2017, 7, 16),
			Guest:  event.Guest{Name: "Andrew Peterson", Email: "mail@test.com", Phone: "+75125551212"},
			Adults: 1, Channel: event.ChannelAirbnb,
			Total:     event.Money{Amount: "267", Currency: "USD"},
			UpdatedAt: time.Date(2017, 6, 10, 10, 41, 12, 0, time.UTC),
		}},
		{"reservation.updated sample", sample(t, EventReservationUpdated), event.Booking{
			ID: "48213377", PropertyID: "40160", Status: event.StatusConfirmed,
			Arrival: date(2025, 10, 10), Departure: date(2025, 10, 14),
			Guest:  event.Guest{Name: "Marco Rossi", Email: "mrossi.123456@guest.booking.com", Phone: "+39 02 1234 5678"},
			Adults: 2, Children: 1, Channel: event.ChannelBookingCom,
			Total:     event.Money{Amount: "1240.50", Currency: "EUR"},
			UpdatedAt: time.Date(2025, 9, 20, 7, 31, 44, 0, time.UTC),
		}},
		{"cancelled, string amount, lowercase currency", testutil.Fixture(t, "reservation.updated.cancelled.json"), event.Booking{
			ID: "43970841", PropertyID: "218666", Status: event.StatusCancelled,
			Arrival: date(2025, 12, 27), Departure: date(2026, 1, 2),
			Guest:  event.Guest{Name: "Priya Natarajan", Email: "priya.n@example.com", Phone: "+1 512 555 0199"},
			Adults: 2, Children: 2, Channel: event.ChannelVrbo,
			Total:     event.Money{Amount: "2310.00", Currency: "USD"},
			UpdatedAt: time.Date(2025, 10, 3, 9, 12, 41, 0, time.UTC),
		}},
		{"loose types, name from first and last", testutil.Fixture(t, "reservation.updated.loose.json"), event.Booking{
			ID: "51000002", PropertyID: "301122", Status: event.StatusConfirmed,
			Arrival: date(2025, 8, 1), Departure: date(2025, 8, 5),
			Guest:  event.Guest{Name: "Ana Souza", Phone: "5125551212"},
			Adults: 2, Channel: event.ChannelDirect,
			Total:     event.Money{Amount: "1234.50", Currency: "EUR"},
			UpdatedAt: time.Date(2025, 7, 2, 10, 15, 0, 0, time.UTC),
		}},
		{"trimmed payload, no currency", testutil.Fixture(t, "reservation.created.sync.json"), event.Booking{
			ID: "49264388", PropertyID: "218666", Status: event.StatusTentative,
			Arrival: date(2025, 11, 21), Departure: date(2025, 11, 23),
			Guest:   event.Guest{Name: "Jamie"},
			Channel: event.ChannelAirbnb,
			Total:   event.Money{Amount: "696.67"},
		}},
		{"channel from id only", testutil.Fixture(t, "reservation.updated.nochannelname.json"), event.Booking{
			ID: "49300100", PropertyID: "218666", Status: event.StatusTentative,
			Arrival: date(2026, 4, 1), Departure: date(2026, 4, 3),
			Guest:     event.Guest{Name: "Lena Vogel"},
			Channel:   "direct",
			Total:     event.Money{Amount: "300", Currency: "EUR"},
			UpdatedAt: time.Date(2025, 11, 6, 12, 0, 0, 0, time.UTC),
		}},
		{"id from hostawayReservationId", []byte(`{"event":"reservation.updated","data":{"hostawayReservationId":"77","status":"new"}}`), event.Booking{
			ID: "77", Status: event.StatusConfirmed,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := decode(t, tt.body)
			b, ok := event.BookingOf(e)
			require.True(t, ok)
			if diff := cmp.Diff(tt.want, b); diff != "" {
				t.Errorf("Booking mismatch (-want +got):\n%s", diff)
			}
			assert.Equal(t, event.Subject{Kind: "booking", ID: tt.want.ID}, e.Subject())
			_, ok = event.MessageOf(e)
			assert.False(t, ok)
		})
	}
}

func TestNormalize_message(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    []byte
		account string
		want    event.Message
	}{
		{"sample, from the guest", sample(t, EventMessageReceived), "10450", event.Message{
			ID: "326", ConversationID: "1406", BookingID: "13", PropertyID: "40160",
			Body: "Hi! Is early check-in at 1pm possible?", Incoming: true,
			SentAt: time.Date(2018, 7, 16, 10, 12, 52, 0, time.UTC),
		}},
		{"from the host, account in data only", testutil.Fixture(t, "message.received.outgoing.json"), "10450", event.Message{
			ID: "327", ConversationID: "1406", BookingID: "2", PropertyID: "40160",
			Body: "hello guest", Incoming: false,
			SentAt: time.Date(2018, 7, 16, 10, 13, 52, 0, time.UTC),
		}},
		{"trimmed payload", testutil.Fixture(t, "message.received.sync.json"), "59808", event.Message{
			ID: "340127415", ConversationID: "35460020", BookingID: "49264388", PropertyID: "218666",
			Body: "Hi, is there parking at the cabin?", Incoming: true,
			SentAt: time.Date(2025, 10, 25, 15, 30, 19, 0, time.UTC),
		}},
		{"no reservation, sentToChannelDate first", []byte(`{"event":"message.received","accountId":3,"data":{"id":"9","conversationId":4,"body":"x","isIncoming":"1","date":"2025-01-01 10:00:00","sentToChannelDate":"2025-01-01 10:00:05"}}`), "3", event.Message{
			ID: "9", ConversationID: "4", Body: "x", Incoming: true,
			SentAt: time.Date(2025, 1, 1, 10, 0, 5, 0, time.UTC),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := decode(t, tt.body)
			assert.Equal(t, event.MessageReceived, e.Type())
			assert.Equal(t, tt.account, e.Account())
			m, ok := event.MessageOf(e)
			require.True(t, ok)
			if diff := cmp.Diff(tt.want, m); diff != "" {
				t.Errorf("Message mismatch (-want +got):\n%s", diff)
			}
			assert.Equal(t, event.Subject{Kind: "message", ID: tt.want.ID}, e.Subject())
			_, ok = event.BookingOf(e)
			assert.False(t, ok)
		})
	}
}

func TestNormalize_envelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    []byte
		typ     event.Type
		subject event.Subject
		account string
		time    time.Time
	}{
		{"created: time is insertedOn", sample(t, EventReservationCreated), event.BookingCreated,
			event.Subject{Kind: "booking", ID: "13"}, "10450", time.Date(2017, 6, 10, 10, 41, 12, 0, time.UTC)},
		{"created without insertedOn: reservationDate", []byte(`{"event":"reservation.created","data":{"id":1,"status":"new","reservationDate":"2025-01-02 03:04:05","updatedOn":"2025-02-02 00:00:00"}}`),
			event.BookingCreated, event.Subject{Kind: "booking", ID: "1"}, "", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"updated: time is updatedOn", sample(t, EventReservationUpdated), event.BookingUpdated,
			event.Subject{Kind: "booking", ID: "48213377"}, "10450", time.Date(2025, 9, 20, 7, 31, 44, 0, time.UTC)},
		{"updated with a zoned time", []byte(`{"event":"reservation.updated","data":{"id":1,"status":"new","updatedOn":"2025-01-02T03:04:05+02:00"}}`),
			event.BookingUpdated, event.Subject{Kind: "booking", ID: "1"}, "", time.Date(2025, 1, 2, 1, 4, 5, 0, time.UTC)},
		{"message: time is insertedOn", sample(t, EventMessageReceived), event.MessageReceived,
			event.Subject{Kind: "message", ID: "326"}, "10450", time.Date(2018, 7, 16, 10, 12, 52, 0, time.UTC)},
		{"test delivery", sample(t, EventTest), event.Ping, event.Subject{}, "", time.Time{}},
		{"unknown event", testutil.Fixture(t, "unknown.event.json"), event.TypeUnknown,
			event.Subject{Kind: "listing", ID: "218666"}, "59808", time.Time{}},
		{"unknown event without object", testutil.Fixture(t, "unknown.noobject.json"), event.TypeUnknown,
			event.Subject{Kind: "task", ID: "T-9001"}, "59808", time.Time{}},
		{"object only", []byte(`{"object":"conversationMessage","accountId":5,"data":{"id":1}}`), event.TypeUnknown,
			event.Subject{Kind: "message", ID: "1"}, "5", time.Time{}},
		{"reservation event without data", []byte(`{"object":"reservation","event":"reservation.updated","accountId":5}`), event.BookingUpdated,
			event.Subject{Kind: "booking"}, "5", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := decode(t, tt.body)
			assert.Equal(t, Provider, e.Provider())
			assert.Equal(t, tt.typ, e.Type())
			assert.Equal(t, tt.subject, e.Subject())
			assert.Equal(t, tt.account, e.Account())
			assert.True(t, tt.time.Equal(e.Time()), "Time() = %v, want %v", e.Time(), tt.time)
			assert.Equal(t, event.HashID(tt.body), e.ID())
			assert.Equal(t, tt.body, e.Raw())
			w, ok := e.Data().(*Webhook)
			require.True(t, ok)
			assert.Equal(t, tt.body, w.Raw)
		})
	}
}

func TestNormalize_location(t *testing.T) {
	t.Parallel()
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	w, err := Parse(sample(t, EventReservationUpdated))
	require.NoError(t, err)
	e := normalize(w, chicago)
	want := time.Date(2025, 9, 20, 7, 31, 44, 0, chicago)
	assert.True(t, want.Equal(e.Time()), "clock reading placed in the location, got %v", e.Time())
	b, _ := event.BookingOf(e)
	assert.True(t, want.Equal(b.UpdatedAt))
	assert.Equal(t, clock(2025, 9, 20, 7, 31, 44), w.Reservation.UpdatedOn, "the payload keeps the reading as sent")
}

// goldenEvent is what the golden files hold: the normalized event without
// its raw body and typed payload.
type goldenEvent struct {
	Provider event.Provider `json:"provider"`
	Type     event.Type     `json:"type"`
	Name     string         `json:"name"`
	ID       string         `json:"id"`
	Account  string         `json:"account,omitempty"`
	Subject  event.Subject  `json:"subject"`
	Time     time.Time      `json:"time,omitzero"`
	Booking  *event.Booking `json:"booking,omitempty"`
	Message  *event.Message `json:"message,omitempty"`
	Version  string         `json:"version,omitempty"`
	Origin   event.Origin   `json:"origin"`
}

func golden(e event.Event) goldenEvent {
	g := goldenEvent{
		Provider: e.Provider(), Type: e.Type(), Name: e.Name(), ID: e.ID(),
		Account: e.Account(), Subject: e.Subject(), Time: e.Time(),
		Version: event.VersionOf(e), Origin: event.OriginOf(e),
	}
	if b, ok := event.BookingOf(e); ok {
		g.Booking = &b
	}
	if m, ok := event.MessageOf(e); ok {
		g.Message = &m
	}
	return g
}

// TestNormalize_golden compares the normalized event of every sample and
// fixture with testdata/<name>.golden (go test -update rewrites them).
func TestNormalize_golden(t *testing.T) {
	t.Parallel()
	bodies := map[string][]byte{}
	for _, name := range sampleNames() {
		bodies[name] = sample(t, name)
	}
	for _, f := range testutil.Fixtures(t, "*.json") {
		bodies[testutil.TrimExt(f)] = testutil.Fixture(t, f)
	}
	for _, name := range slices.Sorted(maps.Keys(bodies)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testutil.Golden(t, name+".golden", golden(decode(t, bodies[name])))
		})
	}
	goldens := testutil.Fixtures(t, "*.golden")
	for _, g := range goldens {
		_, ok := bodies[testutil.TrimExt(g)]
		assert.True(t, ok, "golden file %s has no sample or fixture", g)
	}
}

// TestNormalize_unknownObjectKind checks that the Subject kind of an object
// the package has no type for is snake_case, as every Subject.Kind is.
func TestNormalize_unknownObjectKind(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		body string
		want event.Subject
	}{
		"camelCase object": {`{"object":"listingUnit","event":"listingUnit.created","data":{"id":5}}`, event.Subject{Kind: "listing_unit", ID: "5"}},
		"no object":        {`{"event":"guestReview.created","data":{"id":"r1"}}`, event.Subject{Kind: "guest_review", ID: "r1"}},
		"reservation":      {`{"object":"reservation","event":"reservation.deleted","data":{"id":7}}`, event.Subject{Kind: event.KindBooking, ID: "7"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse([]byte(tt.body))
			require.NoError(t, err)
			require.Equal(t, tt.want, normalize(w, time.UTC).Subject())
		})
	}
}
