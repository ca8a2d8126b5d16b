package bookingsync_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/lenient"
)

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, ok := bookingsynctest.Sample(name)
	require.True(t, ok, "no sample for %s", name)
	return b
}

// within reports whether part is a sub-slice of whole (shares its memory).
func within(part, whole []byte) bool {
	if len(part) == 0 || len(whole) == 0 {
		return false
	}
	p, w := uintptr(unsafe.Pointer(unsafe.SliceData(part))), uintptr(unsafe.Pointer(unsafe.SliceData(whole)))
	return p >= w && p+uintptr(len(part)) <= w+uintptr(len(whole))
}

// resourceTypes is which typed record each resource kind decodes into.
var resourceTypes = map[string]any{
	"account":                     &bookingsync.Account{},
	"accounts_application":        &bookingsync.Record{},
	"accounts_user":               &bookingsync.Record{},
	"amenity":                     &bookingsync.Amenity{},
	"availability":                &bookingsync.Availability{},
	"booking_comment":             &bookingsync.BookingComment{},
	"booking":                     &bookingsync.Booking{},
	"booking_discount_code":       &bookingsync.DiscountCode{},
	"booking_discount_code_usage": &bookingsync.DiscountCodeUsage{},
	"bookings_fee":                &bookingsync.BookingsFee{},
	"bookings_tags_item":          &bookingsync.Record{},
	"client":                      &bookingsync.Guest{},
	"fee":                         &bookingsync.Fee{},
	"host_review":                 &bookingsync.HostReview{},
	"inbox_conversation":          &bookingsync.InboxConversation{},
	"inbox_message":               &bookingsync.InboxMessage{},
	"inquiry":                     &bookingsync.Inquiry{},
	"payment":                     &bookingsync.Payment{},
	"photo":                       &bookingsync.Photo{},
	"rental":                      &bookingsync.Rental{},
	"rental_exposure_exception":   &bookingsync.Record{},
	"rentals_amenity":             &bookingsync.RentalsAmenity{},
	"review":                      &bookingsync.Review{},
	"review_reply":                &bookingsync.ReviewReply{},
	"user":                        &bookingsync.Record{},
}

func kindOf(name string) string {
	for _, a := range []string{"_created", "_updated", "_destroyed"} {
		if k, ok := strings.CutSuffix(name, a); ok {
			return k
		}
	}
	return name
}

// TestParse_samples parses the canonical sample of every event name.
// TestParse_invalidRecord: a body that is not JSON only inside its record,
// which Parse leaves to the json.Unmarshal that decodes it, is still
// rejected as a body that is not JSON, at encoding/json's offset, wherever
// the record sits and whatever else is wrong with the envelope.
func TestParse_invalidRecord(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ template, key string }{
		{`{"event":"booking_created","resource":{"links":{"a":"b"},"booking":%s}}`, "booking"},
		{`{"event":"booking_created","resource":{"bookings":[%s]}}`, "bookings"},
		{`{"event":"booking_created","resource":%s}`, "resource"},
		{`{"event":"rental_updated","resource":{"other":%s}}`, "other"},
		{`{"event":"unknown_thing","resource":{"x":%s}}`, "x"},
		{`{"resource":{"booking":%s}}`, "booking"},
		{`{"event":7,"resource":{"booking":%s}}`, "booking"},
	} {
		for body, offset := range testutil.InvalidRecords(t, tc.template, tc.key) {
			w, err := bookingsync.Parse([]byte(body))
			require.ErrorIs(t, err, event.ErrMalformed, body)
			assert.Nil(t, w)
			assert.Equal(t, fmt.Sprintf("bookingsync: parse: body: invalid JSON at byte %d", offset), err.Error(), body)
		}
	}
}

func TestParse_samples(t *testing.T) {
	t.Parallel()
	for _, name := range bookingsync.EventNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body := sample(t, name)
			w, err := bookingsync.Parse(body)
			require.NoError(t, err)

			assert.Equal(t, name, w.Event)
			assert.EqualValues(t, "1059638630", w.AccountID)
			assert.Same(t, unsafe.SliceData(body), unsafe.SliceData(w.Raw), "Raw is the body, not a copy")
			assert.True(t, within(w.Data, body), "Data is a part of the body")
			want, ok := resourceTypes[kindOf(name)]
			require.True(t, ok, "no expected type for kind %q", kindOf(name))
			require.IsType(t, want, w.Resource)
			raw := reflect.ValueOf(w.Resource).Elem().FieldByName("Raw").Bytes()
			assert.True(t, within(raw, body), "Record.Raw is a part of the body")
			assert.True(t, json.Valid(raw))
			links := reflect.ValueOf(w.Resource).Elem().FieldByName("Links").Interface().(bookingsync.Links)
			if len(links) > 0 {
				assert.NotEmpty(t, w.Links, "a record with links comes with their URL templates")
			}
		})
	}
}

// TestParse_booking checks every field that normalization relies on, and a
// few more, against the booking_created sample.
func TestParse_booking(t *testing.T) {
	t.Parallel()
	w, err := bookingsync.Parse(sample(t, "booking_created"))
	require.NoError(t, err)
	b, ok := w.Resource.(*bookingsync.Booking)
	require.True(t, ok)

	assert.Equal(t, lenient.String("80"), b.ID)
	assert.EqualValues(t, "16", b.Links.ID("rental"))
	assert.EqualValues(t, "37", b.Links.ID("client"))
	assert.Empty(t, b.Links.ID("source"), "null link")
	assert.Equal(t, []string{"1", "2"}, b.Links.IDs("bookings_tags"))
	assert.Equal(t, []string{"11"}, b.Links.IDs("conversations"))
	assert.Nil(t, b.Links.IDs("payments"), "empty array")
	assert.Equal(t, []string{"12"}, b.Links.IDs("discount_code_usage"), "single id")
	assert.EqualValues(t, "Booked", b.Status)
	assert.True(t, b.Booked.Value)
	assert.EqualValues(t, "2025-07-12T16:00:00Z", b.StartAt.Format("2006-01-02T15:04:05Z07:00"))
	assert.EqualValues(t, "2025-07-19T10:00:00Z", b.EndAt.Format("2006-01-02T15:04:05Z07:00"))
	assert.Equal(t, lenient.Int{Value: 5}, b.Adults)
	assert.Equal(t, lenient.Int{Value: 0}, b.Children, "null")
	assert.Equal(t, lenient.Decimal{Value: "2700.0"}, b.FinalPrice)
	assert.Equal(t, lenient.Decimal{Value: ""}, b.ChannelPrice, "null")
	assert.Equal(t, lenient.String("10%"), b.Discount)
	assert.EqualValues(t, "USD", b.Currency)
	assert.EqualValues(t, "14:45", b.ExpectedCheckinTime)
	assert.EqualValues(t, "https://www.bookingsync.com/api/v3/rentals/{bookings.rental}", w.Links["bookings.rental"])
}

// TestParse_client checks the published client_created example.
func TestParse_client(t *testing.T) {
	t.Parallel()
	w, err := bookingsync.Parse(sample(t, "client_created"))
	require.NoError(t, err)
	c, ok := w.Resource.(*bookingsync.Guest)
	require.True(t, ok)
	assert.EqualValues(t, "995923932", c.ID.String())
	assert.EqualValues(t, "Robt Braun", c.Fullname)
	assert.Equal(t, []bookingsync.GuestEmail{{Label: "default", Email: "client_5@example.com"}}, c.Emails)
	assert.Empty(t, c.Phones)
	assert.Empty(t, c.Notes, "null")
	assert.EqualValues(t, "1059638630", c.Links.ID("account"))
}

func TestParse_variants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		event    string
		resource any    // nil: no record
		id       string // the record's id
		check    func(t *testing.T, w *bookingsync.Webhook)
	}{
		{file: "booking_created_plural.json", event: "booking_created", resource: &bookingsync.Booking{}, id: "80",
			check: func(t *testing.T, w *bookingsync.Webhook) {
				assert.EqualValues(t, "2700.0", w.Resource.(*bookingsync.Booking).FinalPrice.String())
				assert.NotEmpty(t, w.Links)
			}},
		{file: "booking_created_public_scope.json", event: "booking_created", resource: &bookingsync.Booking{}, id: "80",
			check: func(t *testing.T, w *bookingsync.Webhook) {
				b := w.Resource.(*bookingsync.Booking)
				assert.EqualValues(t, "Tentative", b.Status)
				assert.True(t, b.FinalPrice.IsZero())
			}},
		{file: "booking_updated_loose.json", event: "booking_updated", resource: &bookingsync.Booking{}, id: "80",
			check: func(t *testing.T, w *bookingsync.Webhook) {
				b := w.Resource.(*bookingsync.Booking)
				assert.EqualValues(t, "1059638630", w.AccountID)
				assert.Equal(t, lenient.Int{Value: 2}, b.Adults)
				assert.Equal(t, lenient.Int{Value: 1}, b.Children)
				assert.Equal(t, lenient.Decimal{Value: "2700.5"}, b.FinalPrice)
				assert.Equal(t, lenient.Decimal{Value: "0"}, b.PaidAmount)
				assert.True(t, b.Booked.Value)
				assert.True(t, b.StartAt.Zoneless)
				assert.EqualValues(t, "16", b.Links.ID("rental"))
			}},
		{file: "booking_destroyed_id_only.json", event: "booking_destroyed", resource: &bookingsync.Booking{}, id: "80"},
		{file: "booking_destroyed_bare_resource.json", event: "booking_destroyed", resource: &bookingsync.Booking{}, id: "80",
			check: func(t *testing.T, w *bookingsync.Webhook) {
				assert.Nil(t, w.Links, "a record's own links are not URL templates")
			}},
		{file: "booking_destroyed_bare_id.json", event: "booking_destroyed", resource: &bookingsync.Booking{}, id: "80",
			check: func(t *testing.T, w *bookingsync.Webhook) {
				assert.EqualValues(t, "80", string(w.Resource.(*bookingsync.Booking).Raw))
			}},
		{file: "rental_destroyed_resource_id.json", event: "rental_destroyed", resource: &bookingsync.Rental{}, id: "16"},
		{file: "booking_destroyed_no_resource.json", event: "booking_destroyed",
			check: func(t *testing.T, w *bookingsync.Webhook) { assert.Nil(t, w.Data) }},
		{file: "booking_destroyed_empty_plural.json", event: "booking_destroyed",
			check: func(t *testing.T, w *bookingsync.Webhook) { assert.NotNil(t, w.Data) }},
		{file: "rental_updated_other_key.json", event: "rental_updated", resource: &bookingsync.Rental{}, id: "16",
			check: func(t *testing.T, w *bookingsync.Webhook) {
				assert.EqualValues(t, "Cottage 2", w.Resource.(*bookingsync.Rental).Name)
			}},
		{file: "inbox_message_created_inbox_key.json", event: "inbox_message_created", resource: &bookingsync.InboxMessage{}, id: "5"},
		{file: "unknown_event.json", event: "bookings_tag_created",
			check: func(t *testing.T, w *bookingsync.Webhook) {
				assert.Nil(t, w.Links, "unknown events keep the resource raw")
				assert.Contains(t, string(w.Data), `"bookings_tag"`)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			w, err := bookingsync.Parse(testutil.Fixture(t, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.event, w.Event)
			if tt.resource == nil {
				assert.Nil(t, w.Resource)
			} else {
				require.IsType(t, tt.resource, w.Resource)
				id := reflect.ValueOf(w.Resource).Elem().FieldByName("ID").Interface().(lenient.String)
				assert.Equal(t, tt.id, id.String())
			}
			if tt.check != nil {
				tt.check(t, w)
			}
		})
	}
}

// TestParse_inline covers shapes too small for a fixture file.
func TestParse_inline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		wantID     string // "" and wantNil: no record
		wantNil    bool
	}{
		{"string account id and string record id", `{"account_id":"7","event":"payment_created","resource":{"payment":{"id":"23"}}}`, "23", false},
		{"null resource", `{"account_id":7,"event":"payment_created","resource":null}`, "", true},
		{"null record", `{"account_id":7,"event":"payment_created","resource":{"payment":null}}`, "", true},
		{"singular key preferred over plural", `{"event":"payment_created","resource":{"payments":[{"id":1}],"payment":{"id":2}}}`, "2", false},
		{"last duplicate wins", `{"event":"payment_created","resource":{"payment":{"id":1},"payment":{"id":2}}}`, "2", false},
		{"two unexpected keys: no record", `{"event":"payment_created","resource":{"a":{"id":1},"b":{"id":2}}}`, "", true},
		{"meta is not a record", `{"event":"payment_created","resource":{"meta":{"id":1}}}`, "", true},
		{"top-level array resource", `{"event":"payment_created","resource":[{"id":5}]}`, "5", false},
		{"plural of a y-kind", `{"event":"inquiry_created","resource":{"inquiries":[{"id":9}]}}`, "9", false},
		{"namespaced plural", `{"event":"inbox_conversation_updated","resource":{"conversations":[{"id":11}]}}`, "11", false},
		{"no account id", `{"event":"payment_created","resource":{"payment":{"id":3}}}`, "3", false},
		{"links that are not templates are dropped", `{"event":"payment_created","resource":{"links":{"payments.account":42},"payment":{"id":4}}}`, "4", false},
		{"unknown fields everywhere", `{"x":1,"event":"payment_created","resource":{"y":null,"payment":{"id":3,"z":[{}]}}}`, "3", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := bookingsync.Parse([]byte(tt.body))
			require.NoError(t, err)
			if tt.wantNil {
				assert.Nil(t, w.Resource)
				return
			}
			require.NotNil(t, w.Resource)
			id := reflect.ValueOf(w.Resource).Elem().FieldByName("ID").Interface().(lenient.String)
			assert.Equal(t, tt.wantID, id.String())
		})
	}
}

// TestParse_malformed checks that bodies that are not the envelope fail with
// event.ErrMalformed and that the error quotes nothing of the body.
func TestParse_malformed(t *testing.T) {
	t.Parallel()
	files := testutil.Fixtures(t, "malformed/*.json")
	require.NotEmpty(t, files)
	inline := map[string]string{
		"empty":           ``,
		"not JSON":        `{"event": booking_created}`,
		"empty event":     `{"event":" ","resource":{}}`,
		"null event":      `{"event":null}`,
		"event an object": `{"event":{"v":"SECRETVALUE"},"resource":{}}`,
	}
	cases := map[string][]byte{}
	for _, f := range files {
		cases[f] = testutil.Fixture(t, "malformed/"+f)
	}
	for name, body := range inline {
		cases[name] = []byte(body)
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := bookingsync.Parse(body)
			require.ErrorIs(t, err, event.ErrMalformed)
			assert.Nil(t, w)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "bookingsync: parse: "), msg)
			for _, leak := range []string{"five", "2700", "SECRETVALUE", "booking_created}", "Robt"} {
				assert.NotContains(t, msg, leak, "the error quotes the body")
			}
		})
	}
}

// TestParse_malformedCause checks that the decoding error stays reachable.
func TestParse_malformedCause(t *testing.T) {
	t.Parallel()
	_, err := bookingsync.Parse(testutil.Fixture(t, "malformed/client_created_published.json"))
	var syntax *json.SyntaxError
	require.ErrorAs(t, err, &syntax)
	assert.Contains(t, err.Error(), fmt.Sprintf("byte %d", syntax.Offset))

	w, err := bookingsync.Parse(testutil.Fixture(t, "tolerated/booking_price_object.json"))
	require.NoError(t, err)
	assert.Equal(t, lenient.Decimal{Unparsed: `{"amount":"2700.0"}`}, w.Resource.(*bookingsync.Booking).FinalPrice)
	w, err = bookingsync.Parse([]byte(`{"event":"client_created","resource":{"client":{"id":3,"emails":{}}}}`))
	require.NoError(t, err)
	var typ *json.UnmarshalTypeError
	require.ErrorAs(t, w.DataError, &typ)
	assert.Contains(t, w.DataError.Error(), "client record")
}

func TestEventNames(t *testing.T) {
	t.Parallel()
	names := bookingsync.EventNames()
	assert.Len(t, names, 64, "BookingSync documents 64 event names")
	assert.True(t, slices.IsSorted(names))
	assert.Equal(t, len(names), len(slices.Compact(slices.Clone(names))), "duplicates")
	names[0] = "changed"
	assert.NotEqual(t, "changed", bookingsync.EventNames()[0], "the slice is new on each call")
}

// TestParse_toleratesValues checks that values inside the envelope never
// fail an authentic delivery: what cannot be read is kept, and flagged.
func TestParse_toleratesValues(t *testing.T) {
	t.Parallel()
	cases := map[string][]byte{
		"boolean resource":    []byte(`{"event":"booking_created","resource":true}`),
		"boolean record":      []byte(`{"event":"booking_created","resource":{"booking":false}}`),
		"array of arrays":     []byte(`{"event":"booking_created","resource":{"bookings":[[1]]}}`),
		"record id an object": []byte(`{"event":"booking_created","resource":{"booking":{"id":{"v":"SECRETVALUE"}}}}`),
		"nested wrong kind":   []byte(`{"event":"client_created","resource":{"client":{"id":3,"emails":"SECRETVALUE"}}}`),
	}
	for _, f := range testutil.Fixtures(t, "tolerated/*.json") {
		cases[f] = testutil.Fixture(t, "tolerated/"+f)
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := bookingsync.Parse(body)
			require.NoError(t, err)
			if w.DataError != nil {
				require.ErrorIs(t, w.DataError, event.ErrMalformed)
				assert.NotContains(t, w.DataError.Error(), "SECRETVALUE")
			}
		})
	}
	w, err := bookingsync.Parse(testutil.Fixture(t, "tolerated/booking_adults_not_a_number.json"))
	require.NoError(t, err)
	b := w.Resource.(*bookingsync.Booking)
	assert.Equal(t, lenient.Int{Unparsed: "five"}, b.Adults)
	assert.Equal(t, lenient.Decimal{Value: "2700.0"}, b.FinalPrice)
	w, err = bookingsync.Parse(testutil.Fixture(t, "tolerated/availability_bad_date.json"))
	require.NoError(t, err)
	assert.NoError(t, w.DataError)
	e, err := (&bookingsync.Receiver{}).Decode(nil, []byte(`{"event":"booking_created","resource":{"booking":{"id":4,"start_at":"soon","end_at":"2026-05-03T10:00:00Z","final_price":{"a":1}}}}`))
	require.NoError(t, err)
	bk, ok := event.BookingOf(e)
	require.True(t, ok)
	assert.Equal(t, event.Date{Unparsed: "soon"}, bk.Arrival, "no date invented")
	assert.Equal(t, event.Date{Year: 2026, Month: 5, Day: 3}, bk.Departure)
	assert.True(t, bk.Total.IsZero())
}

// TestParse_garbageValues replaces every scalar value of every sample and
// fixture, in turn, by a value of every other JSON kind: Parse never fails,
// and the event keeps its name and type. Exempt are the envelope's event
// name, whose change makes another delivery, and the booking members from
// which the status, and so booking.cancelled, is derived by design.
func TestParse_garbageValues(t *testing.T) {
	t.Parallel()
	bodies := map[string][]byte{}
	for _, name := range bookingsynctest.Names() {
		bodies[name] = sample(t, name)
	}
	for _, f := range testutil.Fixtures(t, "*.json") {
		bodies[f] = testutil.Fixture(t, f)
	}
	statusKeys := map[string]bool{"status": true, "canceled_at": true, "booked": true, "unavailable": true, "tentative_expires_at": true}
	rcv := &bookingsync.Receiver{}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := rcv.Decode(nil, body)
			require.NoError(t, err)
			for _, m := range testutil.Mutations(t, body) {
				if m.Depth == 1 && m.Key == "event" {
					continue
				}
				got, err := rcv.Decode(nil, m.Body)
				require.NoError(t, err, "%s = %s", m.Path, m.Value)
				require.Equal(t, want.Name(), got.Name(), "%s = %s", m.Path, m.Value)
				if !statusKeys[m.Key] {
					require.Equal(t, want.Type(), got.Type(), "%s = %s", m.Path, m.Value)
				}
			}
		})
	}
}

// TestParse_sharesBody checks the single pass over the body: the envelope
// members are read from it in place (Data a part of it, an escaped event
// decoded, account_id as text), and a body is accepted exactly when
// json.Valid accepts it, up to encoding/json's nesting limit.
func TestParse_sharesBody(t *testing.T) {
	t.Parallel()
	nested := func(depth int) []byte {
		return []byte(`{"event":"booking_created","account_id":"7","resource":{"x":` +
			strings.Repeat("[", depth-2) + strings.Repeat("]", depth-2) + `}}`)
	}
	tests := map[string]struct {
		body    []byte
		wantErr bool
	}{
		"escaped event":        {body: []byte(`{"event":"\u0062ooking_created","account_id":7,"resource":{"booking":{"id":1}}}`)},
		"invalid UTF-8 kept":   {body: []byte("{\"event\":\"booking_created\",\"account_id\":\"\xff\",\"resource\":{\"booking\":{\"id\":1}}}")},
		"nesting at the limit": {body: nested(10000)},
		"nesting too deep":     {body: nested(10001), wantErr: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, !tt.wantErr, json.Valid(tt.body), "the case is not what it says")
			w, err := bookingsync.Parse(tt.body)
			if tt.wantErr {
				require.ErrorIs(t, err, event.ErrMalformed)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "booking_created", w.Event)
			assert.True(t, within(w.Data, tt.body), "Data is a part of the body")
			assert.NotEmpty(t, w.AccountID)
		})
	}
}
