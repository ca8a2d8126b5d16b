package fakechannex

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// insertedLayout is how Channex writes inserted_at: UTC without a zone.
const insertedLayout = "2006-01-02T15:04:05.000000"

// message is one stored guest message.
type message struct {
	id, bookingID, threadID string
	attrs                   map[string]any // message, attachments, sender, inserted_at, updated_at
}

func (s *Server) now() time.Time {
	if f := s.clock.Load(); f != nil {
		return (*f)()
	}
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// SetNow sets the fake's clock, safely while it serves; nil means
// time.Now. It replaces Now.
func (s *Server) SetNow(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.clock.Store(&now)
}

// NonAckedAfter is how long a revision may stay unacknowledged before
// Channex sends non_acked_booking: 30 minutes after it first received it.
const NonAckedAfter = 30 * time.Minute

// CheckNonAcked does what Channex does at the 30-minute mark: for every
// revision stored at least NonAckedAfter ago by the fake's clock, not
// acknowledged and not reported yet, it delivers non_acked_booking (the
// live-feed summary of that revision) to the webhooks that select it, as
// Deliver does, and marks it reported. It returns the ids of the revisions
// it reported, oldest first, and the first transport error; a revision
// whose delivery failed is reported again on the next call.
func (s *Server) CheckNonAcked(ctx context.Context) ([]string, error) {
	now := s.now()
	type due struct {
		rev      *revision
		property string
		payload  map[string]any
	}
	s.mu.Lock()
	var overdue []due
	for _, r := range s.revisions {
		if r.acked || r.warned || now.Sub(r.added) < NonAckedAfter {
			continue
		}
		r.warned = true // claimed, so that concurrent checks send it once
		property, p := s.liveFeedLocked(r)
		overdue = append(overdue, due{rev: r, property: property, payload: p})
	}
	s.mu.Unlock()
	var ids []string
	for i, d := range overdue {
		if _, err := s.Deliver(ctx, "non_acked_booking", d.property, d.payload); err != nil {
			s.mu.Lock()
			for _, u := range overdue[i:] {
				u.rev.warned = false
			}
			s.mu.Unlock()
			return ids, err
		}
		ids = append(ids, d.rev.id)
	}
	return ids, nil
}

// PutBooking stores a new revision of a booking, not yet acknowledged, and
// returns the booking's id and the revision's. attrs are the revision's
// attributes, as Channex's booking revision object has them; missing ones
// are filled: booking_id (a new booking), id (a new revision), status ("new"
// for a booking's first revision, "modified" after), inserted_at (now,
// UTC, without zone). A deleted booking id comes back to life.
func (s *Server) PutBooking(attrs map[string]any) (bookingID, revisionID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := maps.Clone(attrs)
	if a == nil {
		a = map[string]any{}
	}
	bookingID, _ = a["booking_id"].(string)
	if bookingID == "" {
		bookingID = s.newIDLocked()
		a["booking_id"] = bookingID
	}
	if st, _ := a["status"].(string); st == "" {
		a["status"] = "new"
		if s.latestLocked(bookingID) != nil {
			a["status"] = "modified"
		}
	}
	if at, _ := a["inserted_at"].(string); at == "" {
		a["inserted_at"] = s.now().UTC().Format(insertedLayout)
	}
	delete(s.deleted, bookingID)
	return bookingID, s.addRevisionLocked(a)
}

// DeleteBooking removes the booking id, its revisions and its messages:
// every call about it answers 404 from now on. It reports whether the
// booking existed.
func (s *Server) DeleteBooking(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.latestLocked(id) == nil {
		return false
	}
	s.revisions = slices.DeleteFunc(s.revisions, func(r *revision) bool { return r.attrs["booking_id"] == id })
	s.messages = slices.DeleteFunc(s.messages, func(m *message) bool { return m.bookingID == id })
	delete(s.threads, id)
	s.deleted[id] = true
	return true
}

// Booking returns the booking id as GET /bookings/{id} has it, and false
// when there is none.
func (s *Server) Booking(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.bookingLocked(id)
	return b, b != nil
}

// AddMessage stores a message of the booking bookingID's conversation and
// returns its id and the conversation's. attrs are the message's
// attributes (message, sender, attachments); missing ones are filled: id,
// sender ("guest"), attachments ([]), inserted_at and updated_at (now). It
// fails when the booking does not exist.
func (s *Server) AddMessage(bookingID string, attrs map[string]any) (id, threadID string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.latestLocked(bookingID) == nil {
		return "", "", fmt.Errorf("fakechannex: no booking %q", bookingID)
	}
	a := maps.Clone(attrs)
	if a == nil {
		a = map[string]any{}
	}
	id, _ = a["id"].(string)
	if id == "" {
		id = s.newIDLocked()
	}
	delete(a, "id")
	if v, _ := a["sender"].(string); v == "" {
		a["sender"] = "guest"
	}
	if a["attachments"] == nil {
		a["attachments"] = []any{}
	}
	if _, ok := a["message"]; !ok {
		a["message"] = ""
	}
	now := s.now().UTC().Format(insertedLayout)
	for _, k := range []string{"inserted_at", "updated_at"} {
		if v, _ := a[k].(string); v == "" {
			a[k] = now
		}
	}
	threadID = s.threads[bookingID]
	if threadID == "" {
		threadID = s.newIDLocked()
		s.threads[bookingID] = threadID
	}
	s.messages = append(s.messages, &message{id: id, bookingID: bookingID, threadID: threadID, attrs: a})
	return id, threadID, nil
}

// Message returns the attributes of the message id as the Messages API
// shows them, and false when there is none.
func (s *Server) Message(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.messages {
		if m.id == id {
			return maps.Clone(m.attrs), true
		}
	}
	return nil, false
}

// DeliverAbout sends the event name about a stored record, as Deliver does:
// for the booking events, id is a booking and the payload is built from its
// latest revision as Channex builds it (booking: booking_id, property_id,
// revision_id; booking_unmapped_room and booking_unmapped_rate: booking_id,
// booking_revision_id; booking_new, booking_modification,
// booking_cancellation and non_acked_booking: the live-feed summary); for
// message, id is a message. Webhooks with send_data false get no payload.
func (s *Server) DeliverAbout(ctx context.Context, name, id string) ([]int, error) {
	property, payload, err := s.payloadOf(name, id)
	if err != nil {
		return nil, err
	}
	return s.Deliver(ctx, name, property, payload)
}

// payloadOf builds the payload of the event name about id, and names its
// property.
func (s *Server) payloadOf(name, id string) (string, map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "message" {
		for _, m := range s.messages {
			if m.id != id {
				continue
			}
			rev := s.latestLocked(m.bookingID)
			property, _ := rev.attrs["property_id"].(string)
			atts, _ := m.attrs["attachments"].([]any)
			return property, map[string]any{
				"id": m.id, "message": m.attrs["message"], "meta": nil, "sender": m.attrs["sender"],
				"property_id": property, "booking_id": m.bookingID, "message_thread_id": m.threadID,
				"live_feed_event_id": s.newIDLocked(), "attachments": m.attrs["attachments"],
				"have_attachment": len(atts) > 0, "ota_message_id": s.newIDLocked(),
			}, nil
		}
		return "", nil, fmt.Errorf("fakechannex: no message %q", id)
	}
	rev := s.latestLocked(id)
	if rev == nil {
		return "", nil, fmt.Errorf("fakechannex: no booking %q", id)
	}
	a := rev.attrs
	property, _ := a["property_id"].(string)
	switch name {
	case "booking":
		return property, map[string]any{"booking_id": id, "property_id": property, "revision_id": rev.id}, nil
	case "booking_unmapped_room", "booking_unmapped_rate":
		return property, map[string]any{"booking_id": id, "booking_revision_id": rev.id}, nil
	case "booking_new", "booking_modification", "booking_cancellation", "non_acked_booking":
		property, p := s.liveFeedLocked(rev)
		return property, p, nil
	}
	return "", nil, fmt.Errorf("fakechannex: no payload of %q about a booking", name)
}

// liveFeedLocked builds the live-feed summary of the revision rev, the
// payload of booking_new and its siblings and of non_acked_booking, and
// names its property. s.mu must be held.
func (s *Server) liveFeedLocked(rev *revision) (string, map[string]any) {
	a := rev.attrs
	property, _ := a["property_id"].(string)
	return property, map[string]any{
		"amount": a["amount"], "arrival_date": a["arrival_date"], "booking_id": a["booking_id"],
		"booking_revision_id": rev.id, "booking_unique_id": a["unique_id"], "channel_id": a["channel_id"],
		"count_of_nights": nights(a), "count_of_rooms": len(asSlice(a["rooms"])), "currency": a["currency"],
		"customer_name": customerName(a), "live_feed_event_id": s.newIDLocked(),
		"ota_code": a["ota_reservation_code"], "property_id": property,
	}
}

// nights is the length of the stay of revision attributes a.
func nights(a map[string]any) int {
	arr, _ := a["arrival_date"].(string)
	dep, _ := a["departure_date"].(string)
	from, err1 := time.Parse(time.DateOnly, arr)
	to, err2 := time.Parse(time.DateOnly, dep)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(to.Sub(from).Hours() / 24)
}

// customerName is "name surname" of revision attributes a.
func customerName(a map[string]any) string {
	c, _ := a["customer"].(map[string]any)
	name, _ := c["name"].(string)
	surname, _ := c["surname"].(string)
	return strings.TrimSpace(name + " " + surname)
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// latestLocked returns the latest revision of the booking id, or nil.
func (s *Server) latestLocked(id string) *revision {
	for _, r := range slices.Backward(s.revisions) {
		if r.attrs["booking_id"] == id {
			return r
		}
	}
	return nil
}

// bookingLocked returns the booking id as Channex shows it: its latest
// revision's attributes, with id the booking's, revision_id the revision's,
// and inserted_at the first revision's (as in Channex's examples); nil when
// there is no such booking.
func (s *Server) bookingLocked(id string) map[string]any {
	rev := s.latestLocked(id)
	if rev == nil {
		return nil
	}
	b := maps.Clone(rev.attrs)
	delete(b, "booking_id")
	b["id"] = id
	b["revision_id"] = rev.id
	for _, r := range s.revisions {
		if r.attrs["booking_id"] == id {
			if at, ok := r.attrs["inserted_at"]; ok {
				b["inserted_at"] = at
			}
			break
		}
	}
	return b
}

// filter is one filter[field][op]=value of a request.
type filter struct{ field, op, value string }

// filters reads the filter[...] parameters of r.
func filters(r *http.Request) []filter {
	var out []filter
	for k, vs := range r.URL.Query() {
		rest, ok := strings.CutPrefix(k, "filter[")
		if !ok || len(vs) == 0 {
			continue
		}
		field, op, _ := strings.Cut(rest, "]")
		op = strings.TrimSuffix(strings.TrimPrefix(op, "["), "]")
		out = append(out, filter{field: field, op: op, value: vs[0]})
	}
	return out
}

// matches reports whether attrs passes every filter. Values compare as
// text, except inserted_at, which compares as a time; a list (a,b) means
// any of them.
func matches(attrs map[string]any, fs []filter) bool {
	for _, f := range fs {
		v := fmt.Sprint(attrs[f.field])
		if attrs[f.field] == nil {
			v = ""
		}
		want := f.value
		if f.field == "inserted_at" {
			v, want = normTime(v), normTime(want)
		}
		switch f.op {
		case "", "eq":
			if !slices.Contains(strings.Split(f.value, ","), v) {
				return false
			}
		case "not":
			if v == want {
				return false
			}
		case "gte":
			if v < want {
				return false
			}
		case "gt":
			if v <= want {
				return false
			}
		case "lte":
			if v > want {
				return false
			}
		case "lt":
			if v >= want {
				return false
			}
		}
	}
	return true
}

// normTime writes a zoneless timestamp with six fractional digits, so that
// timestamps compare as text.
func normTime(s string) string {
	t, err := time.Parse("2006-01-02T15:04:05.999999", s)
	if err != nil {
		return s
	}
	return t.Format(insertedLayout)
}

// orderDesc reports whether r asks for order[inserted_at]=desc, or leaves
// the order out (def is then the answer).
func orderDesc(r *http.Request, def bool) bool {
	switch r.URL.Query().Get("order[inserted_at]") {
	case "asc":
		return false
	case "desc":
		return true
	}
	return def
}

// writePage answers a page of items with Channex's meta.
func writePage(w http.ResponseWriter, r *http.Request, items []map[string]any, extra map[string]any) {
	pageNo, limit := page(r)
	data := []any{}
	for _, it := range slicePage(items, pageNo, limit) {
		data = append(data, it)
	}
	meta := map[string]any{"page": pageNo, "limit": limit, "total": len(items)}
	maps.Copy(meta, extra)
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": meta})
}

func revisionResource(rev *revision) map[string]any {
	return map[string]any{"type": "booking_revision", "id": rev.id, "attributes": rev.attrs}
}

func (s *Server) listRevisions(w http.ResponseWriter, r *http.Request) {
	fs := filters(r)
	s.mu.Lock()
	var items []map[string]any
	for _, rev := range s.revisions {
		if matches(rev.attrs, fs) {
			items = append(items, revisionResource(rev))
		}
	}
	s.mu.Unlock()
	// The reference documents no order for this list; like the feed, the
	// fake serves newest first unless asked otherwise.
	if orderDesc(r, true) {
		slices.Reverse(items)
	}
	writePage(w, r, items, nil)
}

func (s *Server) resend(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rev := s.findRevisionLocked(w, r.PathValue("id"))
	if rev == nil {
		return
	}
	rev.acked = false
	writeJSON(w, http.StatusOK, success)
}

func (s *Server) listBookings(w http.ResponseWriter, r *http.Request) {
	fs := filters(r)
	s.mu.Lock()
	var items []map[string]any
	seen := map[string]bool{}
	for _, rev := range s.revisions {
		id, _ := rev.attrs["booking_id"].(string)
		if seen[id] {
			continue
		}
		seen[id] = true
		if b := s.bookingLocked(id); matches(b, fs) {
			items = append(items, map[string]any{"type": "booking", "id": id, "attributes": b})
		}
	}
	s.mu.Unlock()
	writePage(w, r, items, nil)
}

// notFound is Channex's 404 of the bookings pages.
func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "not_found", "Resouce Not Found", nil)
}

func (s *Server) getBooking(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	b := s.bookingLocked(id)
	s.mu.Unlock()
	if b == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"type": "booking", "id": id, "attributes": b}})
}

// messageResource is a message as the Messages API returns it.
func messageResource(m *message) map[string]any {
	return map[string]any{
		"type": "message", "id": m.id, "attributes": m.attrs,
		"relationships": map[string]any{
			"message_thread": map[string]any{"data": map[string]any{"type": "message_thread", "id": m.threadID}},
		},
	}
}

// messageMeta is the extra meta of the message lists.
var messageMeta = map[string]any{"order_by": "inserted_at", "order_direction": "desc"}

func (s *Server) bookingMessages(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	if s.latestLocked(id) == nil {
		s.mu.Unlock()
		notFound(w)
		return
	}
	var items []map[string]any
	for _, m := range slices.Backward(s.messages) {
		if m.bookingID == id {
			items = append(items, messageResource(m))
		}
	}
	s.mu.Unlock()
	writePage(w, r, items, messageMeta)
}

func (s *Server) threadMessages(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	known := slices.Contains(slices.Collect(maps.Values(s.threads)), id)
	var items []map[string]any
	for _, m := range slices.Backward(s.messages) {
		if m.threadID == id {
			items = append(items, messageResource(m))
		}
	}
	s.mu.Unlock()
	if !known {
		notFound(w)
		return
	}
	writePage(w, r, items, messageMeta)
}
