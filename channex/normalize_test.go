package channex

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/verify"
)

// unmappedOnPurpose are the event names the table maps to TypeUnknown, as
// the eventTypes comment documents.
var unmappedOnPurpose = []string{EventChannelRemovalWarning, EventPropertyRemovalWarning}

// TestEventTypes_complete walks the table both ways: every event name has a
// sample and a type other than unknown unless documented, and every sample
// and fixture is of a listed event name.
func TestEventTypes_complete(t *testing.T) {
	t.Parallel()
	samples := samples().Names()
	for name, typ := range eventTypes {
		assert.Contains(t, samples, name, "event %q has no sample", name)
		assert.True(t, typ.Known(), "event %q maps to %q, not a normalized type", name, typ)
		if slices.Contains(unmappedOnPurpose, name) {
			assert.Equal(t, event.TypeUnknown, typ, name)
		} else {
			assert.NotEqual(t, event.TypeUnknown, typ, "event %q is unmapped", name)
		}
	}
	for _, d := range deliveries(t) {
		if d.event == "" {
			continue
		}
		_, ok := eventTypes[d.event]
		assert.True(t, ok, "delivery %s is of event %q, missing from the table", d.name, d.event)
	}
	assert.Len(t, eventTypes, len(EventNames()))
}

// TestNormalize_types receives every sample and checks the table is what
// the Event reports.
func TestNormalize_types(t *testing.T) {
	t.Parallel()
	r := newTestReceiver(t)
	for _, name := range EventNames() {
		e, err := r.Decode(nil, sample(t, name))
		require.NoError(t, err, name)
		assert.Equal(t, eventTypes[name], e.Type(), name)
		assert.Equal(t, name, e.Name())
		assert.Equal(t, Provider, e.Provider())
	}
}

func newTestReceiver(t testing.TB, opts ...Option) *Receiver {
	t.Helper()
	r, err := NewReceiver(verify.Unverified(), opts...)
	require.NoError(t, err)
	return r
}

// goldenEvent is the normalized view of a delivery kept in testdata/*.golden.
type goldenEvent struct {
	Provider  event.Provider `json:"provider"`
	Type      event.Type     `json:"type"`
	Name      string         `json:"name"`
	ID        string         `json:"id"`
	Account   string         `json:"account"`
	Subject   event.Subject  `json:"subject"`
	Version   string         `json:"version,omitempty"`
	Time      time.Time      `json:"time,omitzero"`
	Booking   *event.Booking `json:"booking,omitempty"`
	Message   *event.Message `json:"message,omitempty"`
	DataError string         `json:"data_error,omitempty"`
}

func goldenOf(e event.Event) goldenEvent {
	g := goldenEvent{
		Provider: e.Provider(), Type: e.Type(), Name: e.Name(), ID: e.ID(),
		Account: e.Account(), Subject: e.Subject(), Version: event.VersionOf(e), Time: e.Time(),
	}
	if b, ok := event.BookingOf(e); ok {
		g.Booking = &b
	}
	if m, ok := event.MessageOf(e); ok {
		g.Message = &m
	}
	if w := e.Data().(*Webhook); w.DataError != nil {
		g.DataError = w.DataError.Error()
	}
	return g
}

// TestNormalize_golden compares every delivery's normalized event with
// testdata/<name>.golden (go test ./channex/... -update rewrites them).
func TestNormalize_golden(t *testing.T) {
	t.Parallel()
	r := newTestReceiver(t)
	for _, d := range deliveries(t) {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Decode(nil, d.body)
			require.NoError(t, err)
			testutil.Golden(t, d.name+".golden", goldenOf(e))
		})
	}
}

// TestNormalize_goldenComplete: every golden file belongs to a delivery.
func TestNormalize_goldenComplete(t *testing.T) {
	t.Parallel()
	var names []string
	for _, d := range deliveries(t) {
		names = append(names, d.name+".golden")
	}
	for _, g := range testutil.Fixtures(t, "*.golden") {
		assert.Contains(t, names, g, "stale golden file")
	}
}

func TestNormalize_booking(t *testing.T) {
	t.Parallel()
	r := newTestReceiver(t)
	stamp := time.Date(2023, 5, 15, 19, 42, 35, 858695000, time.UTC)
	tests := []struct {
		name string
		body []byte
		want event.Booking
	}{
		{
			name: "booking_new: departure from nights, channel from the BDC code",
			body: sample(t, EventBookingNew),
			want: event.Booking{
				ID: "4e390174-75a9-4989-bd43-b96fac279e8e", PropertyID: "6f6c2ab4-2d1e-4a4a-9e0b-6b7d0f1f3c21",
				Status: event.StatusConfirmed, Arrival: date("2023-05-17"), Departure: date("2023-05-19"),
				Guest: event.Guest{Name: "Test Test"}, Channel: event.ChannelBookingCom,
				Total: event.Money{Amount: "1240000", Currency: "VND"}, UpdatedAt: stamp,
			},
		},
		{
			name: "booking_cancellation is cancelled",
			body: sample(t, EventBookingCancellation),
			want: event.Booking{
				ID: "4e390174-75a9-4989-bd43-b96fac279e8e", PropertyID: "6f6c2ab4-2d1e-4a4a-9e0b-6b7d0f1f3c21",
				Status: event.StatusCancelled, Arrival: date("2023-05-17"), Departure: date("2023-05-20"),
				Guest: event.Guest{Name: "Test Test"}, Channel: event.ChannelBookingCom,
				Total:     event.Money{Amount: "1480000", Currency: "VND"},
				UpdatedAt: time.Date(2023, 5, 16, 21, 17, 48, 930002000, time.UTC),
			},
		},
		{
			name: "non_acked_booking without a status is unknown",
			body: sample(t, EventNonAckedBooking),
			want: event.Booking{
				ID: "a9148a2e-2434-488f-9849-74fa27eb0c77", PropertyID: "a92c01bb-4fc1-4c9e-9579-7d4e1ec607b8",
				Status: event.StatusUnknown, Arrival: date("2026-08-11"), Departure: date("2026-08-13"),
				Guest: event.Guest{Name: "Customer Name"}, Channel: event.ChannelBookingCom,
				Total:     event.Money{Amount: "210.60", Currency: "EUR"},
				UpdatedAt: time.Date(2026, 1, 26, 14, 40, 54, 310491000, time.UTC),
			},
		},
		{
			name: "field extras: departure, contact, OTA name",
			body: testutil.Fixture(t, "booking_modification--extended.json"),
			want: event.Booking{
				ID: "5f1d3b7e-9a2c-4e8f-b0d4-6c8a2e4f1b93", PropertyID: "1a3c5e7a-9c1e-4a3c-8e5a-0b2d4f6b8d13",
				Status: event.StatusConfirmed, Arrival: date("2025-06-01"), Departure: date("2025-06-05"),
				Guest:   event.Guest{Name: "Sam Carter", Email: "sam.carter@example.com", Phone: "447700900123"},
				Channel: event.ChannelExpedia, Total: event.Money{Amount: "455.00", Currency: "GBP"},
				UpdatedAt: time.Date(2025, 5, 20, 12, 0, 1, 100000000, time.UTC),
			},
		},
		{
			name: "unknown OTA code, lower-case currency, envelope property",
			body: testutil.Fixture(t, "booking_new--revision-id.json"),
			want: event.Booking{
				ID: "2b8f5d1e-7c3a-4e9b-a6d2-0f4c8e1b3a57", PropertyID: "e4a6c8e0-1b3d-4f5a-9c7e-2d4f6a8c0e19",
				Status: event.StatusConfirmed, Arrival: date("2024-04-10"), Departure: date("2024-04-13"),
				Guest: event.Guest{Name: "Ann Lee"}, Total: event.Money{Amount: "312.5", Currency: "USD"},
				UpdatedAt: time.Date(2024, 2, 20, 7, 15, 0, 500000000, time.UTC),
			},
		},
		{
			name: "reservation_request: tentative Airbnb booking from the bms",
			body: sample(t, EventReservationRequest),
			want: event.Booking{
				ID: "7d3e9b1c-5a2f-4e6d-8c0b-1f4a6e8d2c55", PropertyID: "4b70ec18-9ec1-4f77-8408-628b6477e824",
				Status: event.StatusTentative, Arrival: date("2026-09-14"), Departure: date("2026-09-18"),
				Guest: event.Guest{Name: "Maria Keller"}, Adults: 2, Children: 1, Channel: event.ChannelAirbnb,
				Total:     event.Money{Amount: "640.00", Currency: "EUR"},
				UpdatedAt: time.Date(2026, 8, 30, 9, 12, 44, 118903000, time.UTC),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Decode(nil, tt.body)
			require.NoError(t, err)
			got, ok := event.BookingOf(e)
			require.True(t, ok)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Booking mismatch (-want +got):\n%s", diff)
			}
			assert.Equal(t, event.Subject{Kind: "booking", ID: tt.want.ID}, e.Subject())
		})
	}
}

func TestNormalize_requestStatuses(t *testing.T) {
	t.Parallel()
	r := newTestReceiver(t)
	for name, want := range map[string]event.BookingStatus{
		EventReservationRequest:  event.StatusTentative,
		EventAlterationRequest:   event.StatusTentative,
		EventAcceptedReservation: event.StatusConfirmed,
		EventDeclinedReservation: event.StatusCancelled,
	} {
		e, err := r.Decode(nil, sample(t, name))
		require.NoError(t, err)
		b, ok := event.BookingOf(e)
		require.True(t, ok, name)
		assert.Equal(t, want, b.Status, name)
	}
}

// TestNormalize_noBooking: deliveries that name a booking but carry none.
func TestNormalize_noBooking(t *testing.T) {
	t.Parallel()
	r := newTestReceiver(t)
	for _, body := range [][]byte{
		sample(t, EventBooking), sample(t, EventBookingUnmappedRoom), sample(t, EventBookingUnmappedRate),
		sample(t, EventInquiry), sample(t, EventMessage),
		testutil.Fixture(t, "booking_new--no-data.json"),
	} {
		e, err := r.Decode(nil, body)
		require.NoError(t, err)
		_, ok := event.BookingOf(e)
		assert.False(t, ok, e.Name())
	}
}

func TestNormalize_message(t *testing.T) {
	t.Parallel()
	r := newTestReceiver(t)
	e, err := r.Decode(nil, sample(t, EventMessage))
	require.NoError(t, err)
	m, ok := event.MessageOf(e)
	require.True(t, ok)
	want := event.Message{
		ID: "e10b1d2d-ac82-46f3-810f-a18514eca3e1", ConversationID: "bb737f04-c418-4c35-b821-4cf1a58ce626",
		BookingID: "c680428a-573a-4969-bcd8-c92d16cff54a", PropertyID: "680585d7-af7f-4880-8e91-25fca1508b55",
		Body: "Thanks a lot.", Incoming: true, SentAt: time.Date(2021, 12, 24, 0, 0, 0, 0, time.UTC),
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("Message mismatch (-want +got):\n%s", diff)
	}
	assert.Equal(t, event.Subject{Kind: "message", ID: want.ID}, e.Subject())

	e, err = r.Decode(nil, testutil.Fixture(t, "message--property.json"))
	require.NoError(t, err)
	m, _ = event.MessageOf(e)
	assert.False(t, m.Incoming, "the property wrote it")
	assert.Empty(t, m.BookingID)
}

func TestNormalize_envelope(t *testing.T) {
	t.Parallel()
	r := newTestReceiver(t)
	tests := []struct {
		name    string
		body    []byte
		account string
		subject event.Subject
		time    time.Time
	}{
		{
			name: "ari names the property", body: sample(t, EventARI),
			account: "90958ec0-9713-1196-873e-4add0d834670",
			subject: event.Subject{Kind: "property", ID: "90958ec0-9713-1196-873e-4add0d834670"},
			time:    time.Date(2021, 12, 24, 0, 0, 0, 0, time.UTC),
		},
		{
			name: "generic booking names the revision", body: sample(t, EventBooking),
			account: "90958ec0-9713-1396-873e-4add0d834670",
			subject: event.Subject{Kind: "booking_revision", ID: "80b3b60c-5e24-35c5-ad1b-da67cd704093"},
			time:    time.Date(2021, 12, 24, 0, 0, 0, 0, time.UTC),
		},
		{
			name: "zoneless timestamp read as UTC", body: testutil.Fixture(t, "booking--zoneless.json"),
			account: "90958ec0-9713-1196-873e-4add0d834670",
			subject: event.Subject{Kind: "booking_revision", ID: "80b3b60c-5e24-35c5-ad1b-da67cd704093"},
			time:    time.Date(2021, 12, 24, 10, 11, 12, 123456000, time.UTC),
		},
		{
			name: "no timestamp", body: testutil.Fixture(t, "ari--rate.json"),
			account: "PROPERTY_ID", subject: event.Subject{Kind: "property", ID: "PROPERTY_ID"},
		},
		{
			name: "no data: the kind without an id", body: testutil.Fixture(t, "booking_new--no-data.json"),
			account: "90958ec0-9214-4796-873e-4add0d834670", subject: event.Subject{Kind: "booking"},
			time: time.Date(2021, 12, 24, 0, 0, 0, 0, time.UTC),
		},
		{
			name: "inquiry is its conversation", body: sample(t, EventInquiry),
			account: "a92c01bb-4fc1-4c9e-9579-7d4e1ec607b8",
			subject: event.Subject{Kind: "inquiry", ID: "4d53d79c-4412-47a4-9381-2e0000b7d02d"},
			time:    time.Date(2026, 1, 26, 14, 40, 54, 310491000, time.UTC),
		},
		{
			name: "sync error names the channel", body: sample(t, EventSyncError),
			account: "d69a591e-9be3-4822-cc95-7374ed13a673",
			subject: event.Subject{Kind: "channel", ID: "d691462b-45d1-4655-9076-072210f2ceca"},
			time:    time.Date(2021, 12, 24, 0, 0, 0, 0, time.UTC),
		},
		{
			name: "unknown event: zero subject", body: testutil.Fixture(t, "unlisted--future-event.json"),
			account: "4b70ec18-9ec1-4f77-8408-628b6477e824",
			time:    time.Date(2026, 9, 1, 0, 0, 0, 1000, time.UTC),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Decode(nil, tt.body)
			require.NoError(t, err)
			assert.Equal(t, tt.account, e.Account())
			assert.Equal(t, tt.subject, e.Subject())
			assert.True(t, tt.time.Equal(e.Time()), "time %v, want %v", e.Time(), tt.time)
			assert.Equal(t, event.HashID(tt.body), e.ID(), "no delivery id: the body hash")
			assert.Same(t, &tt.body[0], &e.Raw()[0])
		})
	}
}

func TestNormalize_accountFromPayload(t *testing.T) {
	t.Parallel()
	r := newTestReceiver(t)
	e, err := r.Decode(nil, []byte(`{"event":"message","payload":{"id":"m","property_id":"p-from-payload","message":"hi"}}`))
	require.NoError(t, err)
	assert.EqualValues(t, "p-from-payload", e.Account())
	m, _ := event.MessageOf(e)
	assert.EqualValues(t, "p-from-payload", m.PropertyID)
}

func TestWithGenericBookingType(t *testing.T) {
	t.Parallel()
	body := sample(t, EventBooking)
	tests := []struct {
		name    string
		opts    []Option
		typ     event.Type
		subject event.Subject
	}{
		{"default", nil, event.RecordCreated, event.Subject{Kind: "booking_revision", ID: "80b3b60c-5e24-35c5-ad1b-da67cd704093"}},
		{"booking.updated names the booking", []Option{WithGenericBookingType(event.BookingUpdated)},
			event.BookingUpdated, event.Subject{Kind: "booking", ID: "e10de9d1-3e2c-431c-b88c-ffca9ed5db5d"}},
		{"record.updated", []Option{WithGenericBookingType(event.RecordUpdated)},
			event.RecordUpdated, event.Subject{Kind: "booking_revision", ID: "80b3b60c-5e24-35c5-ad1b-da67cd704093"}},
		{"empty resets", []Option{WithGenericBookingType(event.BookingUpdated), WithGenericBookingType("")},
			event.RecordCreated, event.Subject{Kind: "booking_revision", ID: "80b3b60c-5e24-35c5-ad1b-da67cd704093"}},
		{"nil ignored, last wins", []Option{nil, WithGenericBookingType(event.RecordUpdated), nil, WithGenericBookingType(event.BookingCreated)},
			event.BookingCreated, event.Subject{Kind: "booking", ID: "e10de9d1-3e2c-431c-b88c-ffca9ed5db5d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := newTestReceiver(t, tt.opts...).Decode(nil, body)
			require.NoError(t, err)
			assert.Equal(t, tt.typ, e.Type())
			assert.Equal(t, tt.subject, e.Subject())
			_, ok := event.BookingOf(e)
			assert.False(t, ok, "the generic event carries no booking")
		})
	}
	// Only the generic event is affected.
	e, err := newTestReceiver(t, WithGenericBookingType(event.BookingUpdated)).Decode(nil, sample(t, EventBookingNew))
	require.NoError(t, err)
	assert.Equal(t, event.BookingCreated, e.Type())
}
