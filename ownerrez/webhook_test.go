package ownerrez

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
)

func TestParse_everyDelivery(t *testing.T) {
	t.Parallel()
	for _, d := range deliveries(t) {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse(d.body)
			require.NoError(t, err)
			require.NotEmpty(t, w.Raw)
			assert.Same(t, &d.body[0], &w.Raw[0], "Raw must be the body, not a copy")
			if d.event != "" {
				assert.Equal(t, d.event, w.Name())
			}
			// The typed field matches the entity type, and only it is set.
			typed := map[EntityType]bool{
				EntityBooking:        w.Booking != nil,
				EntityGuest:          w.Guest != nil,
				EntityProperty:       w.Property != nil,
				EntityInquiry:        w.Inquiry != nil,
				EntityQuote:          w.Quote != nil,
				EntityThreadMessage:  w.ThreadMessage != nil,
				EntityAPIApplication: w.APIApplication != nil,
			}
			for et, set := range typed {
				want := et == w.EntityType && w.Data != nil
				assert.Equal(t, want, set, "typed field of %s", et)
			}
		})
	}
}

func TestParse_envelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body []byte
		want *Webhook
	}{
		{
			name: "real capture, block created",
			body: sample(t, "booking.entity_create"),
			want: &Webhook{
				ID: "17e9b27d-2d93-42ef-835c-1201c28ebe90", UserID: lenient.Int{Value: 347482730},
				Action: ActionEntityCreate, EntityType: EntityBooking, EntityID: lenient.Int{Value: 16879744},
			},
		},
		{
			name: "real capture, update with categories",
			body: sample(t, "booking.entity_update"),
			want: &Webhook{
				ID: "47af00f8-44c9-42ba-ae66-0e4b4cc658eb", UserID: lenient.Int{Value: 347482730},
				Action: ActionEntityUpdate, EntityType: EntityBooking, EntityID: lenient.Int{Value: 16879744},
				Categories: []string{"availability", "charge", "financial"},
			},
		},
		{
			name: "legacy integer id, no entity",
			body: []byte(`{ "id": 12345, "user_id": 56789, "action": "entity_update", "entity_type": "booking", "entity_id": 6703607 }`),
			want: &Webhook{ID: "12345", UserID: lenient.Int{Value: 56789}, Action: ActionEntityUpdate, EntityType: EntityBooking, EntityID: lenient.Int{Value: 6703607}},
		},
		{
			name: "test ping without user",
			body: []byte(`{"id":"x-1","action":"webhook_test","entity_type":"api_application","entity_id":7}`),
			want: &Webhook{ID: "x-1", Action: ActionWebhookTest, EntityType: EntityAPIApplication, EntityID: lenient.Int{Value: 7}},
		},
		{
			name: "ids as strings, entity null",
			body: []byte(`{"id":"9","user_id":"56789","action":"entity_delete","entity_type":"guest","entity_id":"31","entity":null}`),
			want: &Webhook{ID: "9", UserID: lenient.Int{Value: 56789}, Action: ActionEntityDelete, EntityType: EntityGuest, EntityID: lenient.Int{Value: 31}},
		},
		{
			name: "unknown keys ignored",
			body: []byte(`{"id":"9","action":"entity_update","entity_type":"guest","timestamp":"2026-01-01T00:00:00Z","data":{}}`),
			want: &Webhook{ID: "9", Action: ActionEntityUpdate, EntityType: EntityGuest},
		},
	}
	ignore := cmpIgnoreEntity()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.body)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got, ignore); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpIgnoreEntity compares envelopes only.
func cmpIgnoreEntity() cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		switch p.Last().String() {
		case ".Raw", ".Data", ".Booking", ".Guest", ".Property", ".Inquiry", ".Quote", ".ThreadMessage", ".APIApplication":
			return true
		}
		return false
	}, cmp.Ignore())
}

func TestParse_unknownEntityKeptRaw(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"u","action":"entity_update","entity_type":"owner","entity_id":5,"entity":{"id":5,"name":"Owner LLC","new":[1,2]}}`)
	w, err := Parse(body)
	require.NoError(t, err)
	assert.Equal(t, EntityType("owner"), w.EntityType)
	assert.JSONEq(t, `{"id":5,"name":"Owner LLC","new":[1,2]}`, string(w.Data))
	assert.Nil(t, w.Booking)
	assert.Equal(t, "owner.entity_update", w.Name())

	// The entity of an unknown type is kept raw whatever its shape.
	w, err = Parse([]byte(`{"action":"entity_create","entity_type":"listing","entity":[1,"a"]}`))
	require.NoError(t, err)
	assert.JSONEq(t, `[1,"a"]`, string(w.Data))
}

// TestParse_malformed: only a body that is not OwnerRez's envelope at all
// fails.
func TestParse_malformed(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"empty":                    ``,
		"not json":                 `guest Dana Whitfield`,
		"truncated":                `{"action":"entity_create","entity_type":"guest","entity":{"first_name":"Dana"`,
		"array":                    `[{"action":"entity_create"}]`,
		"string":                   `"entity_create"`,
		"null":                     `null`,
		"no action":                `{"id":"1","entity_type":"booking","entity_id":1}`,
		"action not a string":      `{"action":7,"entity_type":"booking"}`,
		"action an object":         `{"action":{"a":"secret-dana"},"entity_type":"booking"}`,
		"entity type not a string": `{"action":"entity_update","entity_type":["secret-dana"]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse([]byte(body))
			require.Error(t, err)
			assert.Nil(t, w)
			require.ErrorIs(t, err, event.ErrMalformed)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "ownerrez: parse: "), msg)
			for _, leak := range []string{"secret-dana", "Dana", "123456789", "12.5"} {
				assert.NotContains(t, msg, leak, "error text must not quote the body")
			}
		})
	}
}

// TestParse_invalidEntity: a body that is not JSON only inside its entity,
// which Parse leaves to the json.Unmarshal that decodes it, is still
// rejected as a body that is not JSON, at encoding/json's offset, whatever
// the entity type and whatever else is wrong with the envelope.
func TestParse_invalidEntity(t *testing.T) {
	t.Parallel()
	for _, template := range []string{
		`{"action":"entity_update","entity_type":"booking","entity":%s,"id":"x"}`,
		`{"action":"entity_update","entity":%s,"entity_type":"quote"}`,
		`{"action":"entity_update","entity_type":"unknown_kind","entity":%s}`,
		`{"entity_type":"booking","entity":%s}`,
		`{"action":7,"entity_type":"booking","entity":%s}`,
	} {
		for body, offset := range testutil.InvalidRecords(t, template, "entity") {
			w, err := Parse([]byte(body))
			require.ErrorIs(t, err, event.ErrMalformed, body)
			assert.Nil(t, w)
			assert.Equal(t, fmt.Sprintf("ownerrez: parse: envelope: invalid JSON at byte %d", offset), err.Error(), body)
		}
	}
}

// TestParse_categories: the categories decode as json.Unmarshal decodes
// them into a []string, whatever their shape; a shape it refuses sets
// DataError and keeps the delivery.
func TestParse_categories(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{`null`, `[]`, `["availability", null, "charge"]`, `["\u0061b", "c\"d"]`, `["a", 1, "b"]`, `"availability"`, `{"a": 1}`, `[["a"]]`} {
		var want []string
		wantErr := json.Unmarshal([]byte(raw), &want)
		w, err := Parse([]byte(`{"action":"entity_update","entity_type":"booking","categories":` + raw + `}`))
		require.NoError(t, err, raw)
		assert.Equal(t, want, w.Categories, raw)
		assert.Equal(t, wantErr != nil, w.DataError != nil, raw)
	}
}

// TestParse_toleratesValues: values inside the envelope never fail an
// authentic delivery; what cannot be read is kept and flagged.
func TestParse_toleratesValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		check      func(t *testing.T, w *Webhook)
	}{
		{"categories not strings", `{"action":"entity_update","entity_type":"booking","categories":[{"a":"secret-dana"}]}`, func(t *testing.T, w *Webhook) {
			require.ErrorIs(t, w.DataError, event.ErrMalformed, "flagged, not rejected")
			assert.NotContains(t, w.DataError.Error(), "secret-dana")
		}},
		{"categories an object", `{"action":"entity_update","entity_type":"booking","categories":{"a":"secret-dana"}}`, func(t *testing.T, w *Webhook) {
			require.ErrorIs(t, w.DataError, event.ErrMalformed)
			assert.NotContains(t, w.DataError.Error(), "secret-dana")
			assert.Nil(t, w.Categories)
		}},
		{"booking entity not object", `{"action":"entity_update","entity_type":"booking","entity":"secret-dana"}`, func(t *testing.T, w *Webhook) {
			require.ErrorIs(t, w.DataError, event.ErrMalformed)
			assert.NotContains(t, w.DataError.Error(), "secret-dana")
			assert.Nil(t, w.Booking)
			assert.Equal(t, `"secret-dana"`, string(w.Data))
		}},
		{"bad booking date", `{"action":"entity_update","entity_type":"booking","entity":{"arrival":"secret-dana"}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, event.Date{Unparsed: "secret-dana"}, w.Booking.Arrival)
		}},
		{"bad booking amount", `{"action":"entity_update","entity_type":"booking","entity":{"total_amount":"secret-dana"}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Decimal{Unparsed: "secret-dana"}, w.Booking.TotalAmount)
		}},
		{"adults a word", `{"action":"entity_update","entity_type":"booking","entity":{"adults":"two"}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Int{Unparsed: "two"}, w.Booking.Adults)
		}},
		{"booking status a number", `{"action":"entity_update","entity_type":"booking","entity":{"status":3}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, BookingStatus("3"), w.Booking.Status)
		}},
		{"bad guest id", `{"action":"entity_update","entity_type":"guest","entity":{"id":"secret-dana"}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Int{Unparsed: "secret-dana"}, w.Guest.ID)
		}},
		{"guest name a number", `{"action":"entity_update","entity_type":"guest","entity":{"first_name":123456789}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.String("123456789"), w.Guest.FirstName)
		}},
		{"bad property flag", `{"action":"entity_create","entity_type":"property","entity":{"active":"secret-dana"}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Bool{Unparsed: "secret-dana"}, w.Property.Active)
		}},
		{"bad inquiry", `{"action":"entity_create","entity_type":"inquiry","entity":{"arrival":12}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, event.Date{Unparsed: "12"}, w.Inquiry.Arrival)
		}},
		{"bad quote", `{"action":"entity_create","entity_type":"quote","entity":{"total_amount":[1]}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Decimal{Unparsed: "[1]"}, w.Quote.TotalAmount)
		}},
		{"bad application", `{"action":"webhook_test","entity_type":"api_application","entity":{"id":{}}}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Int{Unparsed: "{}"}, w.APIApplication.ID)
		}},
		{"user id with fraction", `{"action":"webhook_test","user_id":12.5}`, func(t *testing.T, w *Webhook) {
			assert.Equal(t, lenient.Int{Unparsed: "12.5"}, w.UserID)
		}},
		{"guest ref a string", `{"action":"entity_update","entity_type":"booking","entity":{"id":5,"guest":"secret-dana"}}`, func(t *testing.T, w *Webhook) {
			require.ErrorIs(t, w.DataError, event.ErrMalformed)
			assert.Contains(t, w.DataError.Error(), "guest")
			assert.NotContains(t, w.DataError.Error(), "secret-dana")
			assert.Equal(t, lenient.Int{Value: 5}, w.Booking.ID)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse([]byte(tc.body))
			require.NoError(t, err)
			tc.check(t, w)
		})
	}
}

func TestParse_malformedKeepsCause(t *testing.T) {
	t.Parallel()
	w, err := Parse([]byte(`{"action":"entity_update","entity_type":"guest","entity":{"phones":1}}`))
	require.NoError(t, err)
	var typeErr *json.UnmarshalTypeError
	require.ErrorAs(t, w.DataError, &typeErr)
	assert.Contains(t, w.DataError.Error(), "guest entity")

	_, err = Parse([]byte(`{"action":`))
	var syntaxErr *json.SyntaxError
	require.ErrorAs(t, err, &syntaxErr)
	assert.Contains(t, err.Error(), "invalid JSON at byte")
}

func TestEventName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action Action
		entity EntityType
		want   string
	}{
		{ActionEntityCreate, EntityBooking, "booking.entity_create"},
		{ActionEntityUpdate, EntityThreadMessage, "thread_message.entity_update"},
		{ActionEntityDelete, "owner", "owner.entity_delete"},
		{"entity_restore", EntityGuest, "guest.entity_restore"},
		{ActionEntityUpdate, "", "entity_update"},
		{ActionWebhookTest, EntityAPIApplication, "webhook_test"},
		{ActionApplicationAuthorizationRevoked, EntityAPIApplication, "application_authorization_revoked"},
		{ActionWebhookTest, "", "webhook_test"},
		{"", "", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, EventName(tt.action, tt.entity), "%s on %s", tt.action, tt.entity)
	}
}

func TestEventNames(t *testing.T) {
	t.Parallel()
	names := EventNames()
	require.True(t, slices.IsSorted(names))
	assert.Equal(t, len(names), len(slices.Compact(slices.Clone(names))))
	// 6 entity types × 3 entity actions, plus the 2 connection-level ones.
	assert.Len(t, names, 6*3+2)
	names[0] = "changed"
	assert.NotEqual(t, "changed", EventNames()[0], "EventNames must return a new slice")

	// Every name is what EventName gives for its own parts.
	for _, name := range EventNames() {
		entity, action, ok := strings.Cut(name, ".")
		if !ok {
			assert.Equal(t, name, EventName(Action(name), EntityAPIApplication))
			continue
		}
		assert.Equal(t, name, EventName(Action(action), EntityType(entity)))
	}
}

// TestParse_garbageValues replaces every scalar value of every sample and
// fixture, in turn, by a value of every other JSON kind: Parse never fails,
// and the event keeps its name and type. Exempt are the envelope's naming
// members (action, entity_type), whose change makes another delivery, and
// the members that refine the type by design (a booking's status, a
// message's is_draft).
func TestParse_garbageValues(t *testing.T) {
	t.Parallel()
	for _, d := range deliveries(t) {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			w, err := Parse(d.body)
			require.NoError(t, err)
			want := normalize(w, event.MessageReceived)
			for _, m := range testutil.Mutations(t, d.body) {
				if m.Depth == 1 && (m.Key == "action" || m.Key == "entity_type") {
					continue
				}
				w, err := Parse(m.Body)
				require.NoError(t, err, "%s = %s", m.Path, m.Value)
				got := normalize(w, event.MessageReceived)
				require.Equal(t, want.Name(), got.Name(), "%s = %s", m.Path, m.Value)
				if m.Key != "status" && m.Key != "is_draft" {
					require.Equal(t, want.Type(), got.Type(), "%s = %s", m.Path, m.Value)
				}
			}
		})
	}
}

// TestParse_sharesBody checks that Data is a sub-slice of the body, and
// that envelope keys match as encoding/json matches them
// (case-insensitively, the last one winning).
func TestParse_sharesBody(t *testing.T) {
	t.Parallel()
	body := sample(t, "booking.entity_update")
	w, err := Parse(body)
	require.NoError(t, err)
	require.NotEmpty(t, w.Data)
	start, end := uintptr(unsafe.Pointer(&body[0])), uintptr(unsafe.Pointer(&body[len(body)-1]))
	p := uintptr(unsafe.Pointer(&w.Data[0]))
	assert.True(t, p >= start && p <= end, "Data is not a sub-slice of the body")

	w, err = Parse([]byte(`{"ACTION":"entity_create","act\u0069on":"entity_update","Entity_Type":"guest","CATEGORIES":["a"],"entity":{"id":1},"Entity":{"id":2}}`))
	require.NoError(t, err)
	assert.Equal(t, ActionEntityUpdate, w.Action)
	assert.Equal(t, EntityGuest, w.EntityType)
	assert.Equal(t, []string{"a"}, w.Categories)
	require.NotNil(t, w.Guest)
	assert.Equal(t, int64(2), w.Guest.ID.Value)
}
