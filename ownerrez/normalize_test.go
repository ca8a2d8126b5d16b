package ownerrez

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
)

// TestEventTypes_walk walks the table both ways: every event name has a
// canonical sample and a known type other than unknown, every sample and
// every testdata variant names a known event (or is an unlisted case on
// purpose), and the table covers every documented (entity type, action)
// pair.
func TestEventTypes_walk(t *testing.T) {
	t.Parallel()
	names := EventNames()
	for _, name := range names {
		typ := eventTypes[name]
		assert.True(t, typ.Known(), "%s maps to %q, not a normalized type", name, typ)
		assert.NotEqual(t, event.TypeUnknown, typ, name)
		_, ok := samples().Sample(name)
		assert.True(t, ok, "event %s has no sample in ownerreztest/samples", name)
	}
	for _, name := range samples().Names() {
		assert.Contains(t, names, name, "sample %s names no known event", name)
	}
	for _, file := range testutil.Fixtures(t, "*.json") {
		ev, _, _ := strings.Cut(testutil.TrimExt(file), "--")
		if ev+"--" == unlistedPrefix {
			continue
		}
		assert.Contains(t, names, ev, "fixture %s names no known event", file)
	}

	documented := []EntityType{EntityBooking, EntityGuest, EntityProperty, EntityInquiry, EntityQuote, EntityThreadMessage}
	for _, et := range documented {
		for _, a := range []Action{ActionEntityCreate, ActionEntityUpdate, ActionEntityDelete} {
			assert.Contains(t, names, EventName(a, et))
		}
	}
	assert.Contains(t, names, EventName(ActionWebhookTest, EntityAPIApplication))
	assert.Contains(t, names, EventName(ActionApplicationAuthorizationRevoked, EntityAPIApplication))
}

// TestNormalize_everyPair receives the sample of every (entity type,
// action) pair and checks its normalized type and subject.
func TestNormalize_everyPair(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		typ     event.Type
		subject event.Subject
	}{
		{"booking.entity_create", event.BookingCreated, event.Subject{Kind: "booking", ID: "16879744"}},
		{"booking.entity_update", event.BookingUpdated, event.Subject{Kind: "booking", ID: "16879744"}},
		{"booking.entity_delete", event.BookingDeleted, event.Subject{Kind: "booking", ID: "16879744"}},
		{"guest.entity_create", event.GuestCreated, event.Subject{Kind: "guest", ID: "613782149"}},
		{"guest.entity_update", event.GuestUpdated, event.Subject{Kind: "guest", ID: "613782149"}},
		{"guest.entity_delete", event.GuestDeleted, event.Subject{Kind: "guest", ID: "613782149"}},
		{"property.entity_create", event.PropertyCreated, event.Subject{Kind: "property", ID: "474841"}},
		{"property.entity_update", event.PropertyUpdated, event.Subject{Kind: "property", ID: "474841"}},
		{"property.entity_delete", event.PropertyDeleted, event.Subject{Kind: "property", ID: "474841"}},
		{"inquiry.entity_create", event.InquiryCreated, event.Subject{Kind: "inquiry", ID: "3390217"}},
		{"inquiry.entity_update", event.InquiryUpdated, event.Subject{Kind: "inquiry", ID: "3390217"}},
		{"inquiry.entity_delete", event.RecordDeleted, event.Subject{Kind: "inquiry", ID: "3390217"}},
		{"quote.entity_create", event.RecordCreated, event.Subject{Kind: "quote", ID: "1184520"}},
		{"quote.entity_update", event.RecordUpdated, event.Subject{Kind: "quote", ID: "1184520"}},
		{"quote.entity_delete", event.RecordDeleted, event.Subject{Kind: "quote", ID: "1184520"}},
		{"thread_message.entity_create", event.MessageReceived, event.Subject{Kind: "message", ID: "88412037"}},
		{"thread_message.entity_update", event.RecordUpdated, event.Subject{Kind: "message", ID: "88412051"}},
		{"thread_message.entity_delete", event.RecordDeleted, event.Subject{Kind: "message", ID: "88412051"}},
		{"webhook_test", event.Ping, event.Subject{Kind: "api_application", ID: "40817"}},
		{"application_authorization_revoked", event.AccessRevoked, event.Subject{Kind: "api_application", ID: "40817"}},
	}
	var covered []string
	for _, tt := range tests {
		covered = append(covered, tt.name)
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := normalizeBody(sample(t, tt.name))
			require.NoError(t, err)
			assert.Equal(t, Provider, e.Provider())
			assert.Equal(t, tt.name, e.Name())
			assert.Equal(t, tt.typ, e.Type())
			assert.Equal(t, tt.subject, e.Subject())
			assert.EqualValues(t, "347482730", e.Account())
			w, ok := e.Data().(*Webhook)
			require.True(t, ok)
			assert.Equal(t, string(w.ID), e.ID())
			assert.NotEmpty(t, e.ID())
		})
	}
	slices.Sort(covered)
	assert.Equal(t, EventNames(), covered, "the table above must walk every event name")
}

func normalizeBody(body []byte) (event.Event, error) {
	w, err := Parse(body)
	if err != nil {
		return nil, err
	}
	return normalize(w, event.MessageReceived), nil
}

// goldenEvent is what a golden file holds: the normalized event.
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
}

func golden(e event.Event) goldenEvent {
	g := goldenEvent{
		Provider: e.Provider(), Type: e.Type(), Name: e.Name(), ID: e.ID(),
		Account: e.Account(), Subject: e.Subject(), Time: e.Time(),
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
// variant with testdata/<name>.golden (go test -update rewrites them).
func TestNormalize_golden(t *testing.T) {
	t.Parallel()
	for _, d := range deliveries(t) {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			e, err := normalizeBody(d.body)
			require.NoError(t, err)
			testutil.Golden(t, d.name+".golden", golden(e))
		})
	}
}

func TestNormalize_cases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    []byte
		typ     event.Type
		id      string
		subject event.Subject
		account string
	}{
		{
			name: "update to canceled is booking.cancelled",
			body: testutil.Fixture(t, "booking.entity_update--canceled.json"),
			typ:  event.BookingCancelled, id: "a1f4c7e2-5b8d-4e39-9c60-2d7f1b4e8a35",
			subject: event.Subject{Kind: "booking", ID: "16879744"}, account: "347482730",
		},
		{
			name: "canceled spelled in capitals",
			body: []byte(`{"id":"c","action":"entity_update","entity_type":"booking","entity_id":4,"entity":{"id":4,"status":"CANCELED"}}`),
			typ:  event.BookingCancelled, id: "c", subject: event.Subject{Kind: "booking", ID: "4"},
		},
		{
			name: "create of a canceled booking stays created",
			body: []byte(`{"id":"c","action":"entity_create","entity_type":"booking","entity_id":4,"entity":{"id":4,"status":"canceled"}}`),
			typ:  event.BookingCreated, id: "c", subject: event.Subject{Kind: "booking", ID: "4"},
		},
		{
			name: "update without entity stays updated",
			body: testutil.Fixture(t, "booking.entity_update--legacy.json"),
			typ:  event.BookingUpdated, id: "12345", subject: event.Subject{Kind: "booking", ID: "6703607"}, account: "56789",
		},
		{
			name: "no delivery id hashes the body",
			body: testutil.Fixture(t, "booking.entity_delete--no-id.json"),
			typ:  event.BookingDeleted, id: event.HashID(testutil.Fixture(t, "booking.entity_delete--no-id.json")),
			subject: event.Subject{Kind: "booking", ID: "9001"}, account: "56789",
		},
		{
			name: "string id kept as text",
			body: testutil.Fixture(t, "application_authorization_revoked--string-id.json"),
			typ:  event.AccessRevoked, id: "abc", subject: event.Subject{Kind: "api_application", ID: "12345"}, account: "56789",
		},
		{
			name: "unknown entity type is a record",
			body: testutil.Fixture(t, "unlisted--owner.json"),
			typ:  event.RecordUpdated, id: "b7e4f1a8-2c9d-4b36-8e05-7d3a6c1f9b42",
			subject: event.Subject{Kind: "owner", ID: "55120"}, account: "347482730",
		},
		{
			name: "unknown action is unknown",
			body: testutil.Fixture(t, "unlisted--action.json"),
			typ:  event.TypeUnknown, id: "0e5c8b2f-9a4d-4f71-b6e3-2c8f1a7d4b90",
			subject: event.Subject{Kind: "api_application", ID: "40817"}, account: "347482730",
		},
		{
			name: "entity action without entity type is unknown",
			body: []byte(`{"id":"n","action":"entity_update"}`),
			typ:  event.TypeUnknown, id: "n",
		},
		{
			name: "entity id taken from the entity when the envelope has none",
			body: []byte(`{"id":"g","action":"entity_create","entity_type":"guest","entity":{"id":77,"first_name":"A"}}`),
			typ:  event.GuestCreated, id: "g", subject: event.Subject{Kind: "guest", ID: "77"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := normalizeBody(tt.body)
			require.NoError(t, err)
			assert.Equal(t, tt.typ, e.Type())
			assert.Equal(t, tt.id, e.ID())
			assert.Equal(t, tt.subject, e.Subject())
			assert.Equal(t, tt.account, e.Account())
		})
	}
}

func TestNormalize_booking(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body []byte
		want event.Booking
	}{
		{
			name: "real capture, Airbnb hold is a block",
			body: sample(t, "booking.entity_create"),
			want: event.Booking{
				ID: "16879744", PropertyID: "474841", Status: event.StatusBlocked,
				Arrival: event.Date{Year: 2026, Month: time.March, Day: 12}, Departure: event.Date{Year: 2026, Month: time.March, Day: 16},
				Channel: event.ChannelAirbnb, Total: event.Money{Currency: "SAR"},
			},
		},
		{
			name: "real capture, confirmed booking",
			body: sample(t, "booking.entity_update"),
			want: event.Booking{
				ID: "16879744", PropertyID: "474841", Status: event.StatusConfirmed,
				Arrival: event.Date{Year: 2026, Month: time.March, Day: 12}, Departure: event.Date{Year: 2026, Month: time.March, Day: 16},
				Guest: event.Guest{Name: "Layla Haddad"}, Adults: 2,
				Channel: event.ChannelAirbnb, Total: event.Money{Amount: "830.00", Currency: "SAR"},
				UpdatedAt: time.Date(2026, time.March, 8, 17, 56, 10, 0, time.UTC),
			},
		},
		{
			name: "canceled",
			body: testutil.Fixture(t, "booking.entity_update--canceled.json"),
			want: event.Booking{
				ID: "16879744", PropertyID: "474841", Status: event.StatusCancelled,
				Arrival: event.Date{Year: 2026, Month: time.March, Day: 12}, Departure: event.Date{Year: 2026, Month: time.March, Day: 16},
				Guest: event.Guest{Name: "Layla Haddad"}, Adults: 2,
				Channel: event.ChannelAirbnb, Total: event.Money{Amount: "0.00", Currency: "SAR"},
				UpdatedAt: time.Date(2026, time.March, 10, 6, 31, 9, 0, time.UTC),
			},
		},
		{
			name: "lenient drift",
			body: testutil.Fixture(t, "booking.entity_update--lenient.json"),
			want: event.Booking{
				ID: "16880002", PropertyID: "182918563", Status: event.StatusConfirmed,
				Arrival: event.Date{Year: 2026, Month: time.May, Day: 1}, Departure: event.Date{Year: 2026, Month: time.May, Day: 4},
				Guest: event.Guest{Name: "Ana"}, Adults: 3, Children: 1,
				Channel: event.ChannelVrbo, Total: event.Money{Amount: "1250.10", Currency: "USD"},
				UpdatedAt: time.Date(2026, time.April, 20, 10, 15, 0, 0, time.UTC),
			},
		},
		{
			name: "pending booking is tentative, property from the nested ref",
			body: []byte(`{"action":"entity_create","entity_type":"booking","entity_id":3,"entity":{"status":"pending","type":"booking","property":{"id":8}}}`),
			want: event.Booking{ID: "3", PropertyID: "8", Status: event.StatusTentative},
		},
		{
			name: "type block without is_block",
			body: []byte(`{"action":"entity_create","entity_type":"booking","entity":{"id":3,"status":"active","type":"block"}}`),
			want: event.Booking{ID: "3", Status: event.StatusBlocked},
		},
		{
			name: "canceled block is cancelled",
			body: []byte(`{"action":"entity_update","entity_type":"booking","entity":{"id":3,"status":"canceled","is_block":true}}`),
			want: event.Booking{ID: "3", Status: event.StatusCancelled},
		},
		{
			name: "unknown status",
			body: []byte(`{"action":"entity_update","entity_type":"booking","entity":{"id":3,"status":"quote_hold","listing_site":"OwnerRez"}}`),
			want: event.Booking{ID: "3", Status: event.StatusUnknown, Channel: event.ChannelDirect},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := normalizeBody(tt.body)
			require.NoError(t, err)
			got, ok := event.BookingOf(e)
			require.True(t, ok)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("BookingOf mismatch (-want +got):\n%s", diff)
			}
			_, ok = event.MessageOf(e)
			assert.False(t, ok)
		})
	}
}

func TestNormalize_noBookingWithoutEntity(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"booking.entity_delete", "guest.entity_update", "webhook_test"} {
		e, err := normalizeBody(sample(t, name))
		require.NoError(t, err)
		_, ok := event.BookingOf(e)
		assert.False(t, ok, name)
	}
}

func TestNormalize_message(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body []byte
		typ  event.Type
		want event.Message
	}{
		{
			name: "guest message",
			body: sample(t, "thread_message.entity_create"),
			typ:  event.MessageReceived,
			want: event.Message{
				ID: "88412037", ConversationID: "9021456", BookingID: "16879744", PropertyID: "474841",
				Body: "Hi! Is early check-in at 1pm possible on the 12th?", Incoming: true,
				SentAt: time.Date(2026, time.March, 9, 14, 2, 17, 0, time.UTC),
			},
		},
		{
			name: "host message update",
			body: sample(t, "thread_message.entity_update"),
			typ:  event.RecordUpdated,
			want: event.Message{
				ID: "88412051", ConversationID: "9021456", BookingID: "16879744", PropertyID: "474841",
				Body:   "Yes, 1pm works. The door code will be sent the morning of arrival.",
				SentAt: time.Date(2026, time.March, 9, 14, 20, 48, 0, time.UTC),
			},
		},
		{
			name: "draft is never incoming",
			body: []byte(`{"id":"d","action":"entity_create","entity_type":"thread_message","entity":{"id":5,"body":"hi","from_role":"guest","is_draft":true}}`),
			typ:  event.MessageReceived,
			want: event.Message{ID: "5", Body: "hi"},
		},
		{
			name: "cotraveler without thread",
			body: []byte(`{"id":"d","action":"entity_create","entity_type":"thread_message","entity":{"id":5,"body":"hi","from_role":"cotraveler"}}`),
			typ:  event.MessageReceived,
			want: event.Message{ID: "5", Body: "hi", Incoming: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := normalizeBody(tt.body)
			require.NoError(t, err)
			assert.Equal(t, tt.typ, e.Type())
			got, ok := event.MessageOf(e)
			require.True(t, ok)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("MessageOf mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalize_time(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body []byte
		want time.Time
	}{
		{"booking created_utc when not updated", sample(t, "booking.entity_create"), time.Date(2026, 3, 8, 17, 54, 44, 0, time.UTC)},
		{"booking updated_utc", sample(t, "booking.entity_update"), time.Date(2026, 3, 8, 17, 56, 10, 0, time.UTC)},
		{"inquiry created_utc", sample(t, "inquiry.entity_create"), time.Date(2026, 3, 10, 8, 12, 31, 0, time.UTC)},
		{"inquiry updated_utc", sample(t, "inquiry.entity_update"), time.Date(2026, 3, 10, 9, 40, 2, 0, time.UTC)},
		{"quote updated_utc", sample(t, "quote.entity_update"), time.Date(2026, 3, 10, 10, 5, 13, 0, time.UTC)},
		{"message date_utc", sample(t, "thread_message.entity_create"), time.Date(2026, 3, 9, 14, 2, 17, 0, time.UTC)},
		{"guest has no time", sample(t, "guest.entity_update"), time.Time{}},
		{"property has no time", sample(t, "property.entity_update"), time.Time{}},
		{"delete has no time", sample(t, "booking.entity_delete"), time.Time{}},
		{"ping has no time", sample(t, "webhook_test"), time.Time{}},
		{"zoneless time is no instant", []byte(`{"action":"entity_update","entity_type":"booking","entity":{"updated_utc":"2026-03-08T17:56:10"}}`), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := normalizeBody(tt.body)
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(e.Time()), "got %v", e.Time())
		})
	}
}
