package hostawaytest

import (
	"bytes"
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/pmshooks/pmshooks/event"
)

// template returns the data of the sample of name: the object a new record
// starts from.
func template(name string) map[string]any {
	b, _ := Sample(name)
	env, _ := decodeObject(bytes.NewReader(b))
	data, _ := env["data"].(map[string]any)
	return data
}

// put stores fields as a record of kind in store: laid over the stored
// record of the same "id" when there is one, else over a copy of base, with
// a new id when fields has none. Timestamps the fields do not set are set
// to now: updatedOn and the extra stamps always, insertedOn on creation.
// The caller holds s.mu.
func (s *Server) put(kind string, store map[int64]*record, base map[string]any, fields map[string]any, stamps ...string) int64 {
	id, ok := intOf(fields["id"])
	if !ok || id <= 0 {
		id = s.nextID[kind]
	}
	s.nextID[kind] = max(s.nextID[kind], id+1)
	obj := base
	old, exists := store[id]
	if exists {
		obj = old.obj
	}
	obj = clone(obj)
	for k, v := range fields {
		obj[k] = v
	}
	obj["id"] = id
	now := timestamp(s.now())
	for _, k := range append([]string{"updatedOn"}, stamps...) {
		if _, given := fields[k]; !given {
			obj[k] = now
		}
	}
	if _, given := fields["insertedOn"]; !exists && !given {
		obj["insertedOn"] = now
	}
	store[id] = &record{obj: clone(obj)}
	return id
}

// PutReservation stores a reservation and returns its id. fields are
// members of Hostaway's reservation object, laid over the stored
// reservation whose id fields["id"] names, or, when there is none, over
// the reservation of the reservation.created sample; without an "id" the
// reservation gets a new one (from 1000 on). hostawayReservationId follows
// the id unless fields set it; updatedOn and latestActivityOn are set to
// now unless fields set them, and so is insertedOn on creation. Values are
// marshalled by encoding/json: Hostaway's booleans are 0 or 1.
//
//	id := srv.PutReservation(map[string]any{"status": "new", "guestName": "Ada Lovelace"})
//	srv.PutReservation(map[string]any{"id": id, "status": "cancelled"})
func (s *Server) PutReservation(fields map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.put("reservation", s.reservations, template("reservation.created"), fields, "latestActivityOn")
	if _, given := fields["hostawayReservationId"]; !given {
		s.reservations[id].obj["hostawayReservationId"] = id
	}
	return id
}

// DeleteReservation removes the reservation id, so that the API answers
// 404 for it, and reports whether there was one.
func (s *Server) DeleteReservation(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.reservations[id]
	delete(s.reservations, id)
	return ok
}

// PutMessage stores a conversation message and returns its id. fields are
// members of Hostaway's conversation message object, laid over the stored
// message whose id fields["id"] names, or, when there is none, over the
// message of the message.received sample (conversation 1406, reservation
// 13); without an "id" the message gets a new one (from 5000 on).
// updatedOn is set to now unless fields set it, and so is insertedOn on
// creation.
//
//	id := srv.PutMessage(map[string]any{"conversationId": 77, "reservationId": rid, "body": "Hello"})
func (s *Server) PutMessage(fields map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.put("message", s.messages, template("message.received"), fields)
}

// DeleteMessage removes the message id, so that the API answers 404 for
// it, and reports whether there was one.
func (s *Server) DeleteMessage(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.messages[id]
	delete(s.messages, id)
	return ok
}

func (s *Server) getReservation(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "Reservation")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.reservations[id]
	if !ok {
		fail(w, http.StatusNotFound, "Reservation not found.")
		return
	}
	success(w, rec.obj, nil)
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) {
	conv, ok := pathID(w, r, "conversationId", "Conversation")
	if !ok {
		return
	}
	id, ok := pathID(w, r, "id", "Conversation message")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.messages[id]
	if c, _ := intOf(rec.objOrNil()["conversationId"]); !ok || c != conv {
		fail(w, http.StatusNotFound, "Conversation message not found.")
		return
	}
	success(w, rec.obj, nil)
}

// objOrNil returns r's object, nil for a nil r.
func (r *record) objOrNil() map[string]any {
	if r == nil {
		return nil
	}
	return r.obj
}

// The members the reservations list leaves out unless includeResources=1
// or includeCancellationPolicy=1 asks for them.
func resourceMembers() []string {
	return []string{"customFieldValues", "reservationFees", "reservationUnit", "hostProxyEmail"}
}

func cancellationPolicyMembers() []string {
	return []string{"cancellationPolicyDetails", "bookingCancellationPolicy", "vrboCancellationPolicy", "marriottCancellationPolicy"}
}

// sortKey returns the member a sortOrder orders by and whether it is
// descending; ok is false for a sortOrder Hostaway does not document.
func sortKey(order string) (member string, desc, ok bool) {
	switch order {
	case "":
		return "updatedOn", true, true
	case "updatedOn":
		return "updatedOn", false, true
	case "arrivalDate", "arrivalDateDesc":
		return "arrivalDate", order == "arrivalDateDesc", true
	case "latestActivity", "latestActivityDesc":
		return "latestActivityOn", order == "latestActivityDesc", true
	case "lastConversationMessageSent", "lastConversationMessageSentDesc",
		"lastConversationMessageReceived", "lastConversationMessageReceivedDesc":
		// The fake keeps no conversation times: these order as the default.
		return "updatedOn", true, true
	}
	return "", false, false
}

// filter is one documented filter of the reservations list.
type filter func(obj map[string]any) bool

// reservationFilters returns the filters of the query, or an error for a
// value that is not what the parameter takes.
func reservationFilters(q map[string][]string) ([]filter, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var fs []filter
	for param, member := range map[string]string{
		"channelId": "channelId", "listingId": "listingMapId", "assigneeUserId": "assigneeUserId",
		"isStarred": "isStarred", "isArchived": "isArchived", "isPinned": "isPinned",
	} {
		if v := get(param); v != "" {
			want, ok := intOf(v)
			if !ok {
				return nil, errors.New(`the "` + param + `" parameter must be an integer`)
			}
			fs = append(fs, func(obj map[string]any) bool {
				got, _ := intOf(obj[member])
				return got == want
			})
		}
	}
	for param, member := range map[string]string{
		"guestEmail": "guestEmail", "customerUserId": "customerUserId", "reservationAgreement": "reservationAgreement",
	} {
		if v := get(param); v != "" {
			fs = append(fs, func(obj map[string]any) bool { return strings.EqualFold(textOf(obj[member]), v) })
		}
	}
	if v := get("match"); v != "" {
		fs = append(fs, func(obj map[string]any) bool {
			return strings.Contains(strings.ToLower(textOf(obj["guestName"])), strings.ToLower(v))
		})
	}
	for _, d := range []struct{ param, member string }{
		{"arrivalStartDate", "arrivalDate"}, {"departureStartDate", "departureDate"}, {"latestActivityStart", "latestActivityOn"},
		{"arrivalEndDate", "arrivalDate"}, {"departureEndDate", "departureDate"}, {"latestActivityEnd", "latestActivityOn"},
	} {
		v := get(d.param)
		if v == "" {
			continue
		}
		if _, err := event.ParseDate(v); err != nil {
			return nil, errors.New(`the "` + d.param + `" parameter must be a YYYY-MM-DD date`)
		}
		start := strings.HasSuffix(d.param, "Start") || strings.HasSuffix(d.param, "StartDate")
		member := d.member
		fs = append(fs, func(obj map[string]any) bool {
			day, _, _ := strings.Cut(textOf(obj[member]), " ")
			if day == "" {
				return false
			}
			if start {
				return day >= v
			}
			return day <= v
		})
	}
	return fs, nil
}

// listReservations serves GET /v1/reservations with its documented
// filters, sort orders and both paginations (limit and offset, or
// afterId).
func (s *Server) listReservations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	member, desc, ok := sortKey(q.Get("sortOrder"))
	if !ok {
		fail(w, http.StatusBadRequest, `The "sortOrder" parameter is invalid.`)
		return
	}
	filters, err := reservationFilters(q)
	limit, err2 := queryInt(q, "limit", 100)
	if err == nil && limit == 0 {
		limit = 100
	}
	offset, err3 := queryInt(q, "offset", 0)
	afterID, err4 := queryInt(q, "afterId", 0)
	if err = errors.Join(err, err2, err3, err4); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	compare := func(a, b *record) int {
		// Ties are ordered by id, as Hostaway documents for its default
		// order ("updatedOn DESC, id DESC").
		ida, _ := intOf(a.obj["id"])
		idb, _ := intOf(b.obj["id"])
		c := cmp.Or(cmp.Compare(textOf(a.obj[member]), textOf(b.obj[member])), cmp.Compare(ida, idb))
		if desc {
			return -c
		}
		return c
	}
	var match []*record
next:
	for _, rec := range s.reservations {
		for _, f := range filters {
			if !f(rec.obj) {
				continue next
			}
		}
		match = append(match, rec)
	}
	slices.SortFunc(match, compare)
	count := len(match)
	if afterID > 0 {
		offset = 0
		after, ok := s.reservations[int64(afterID)]
		if !ok {
			match = nil // the fake's choice: an unknown cursor ends the list
		}
		i := 0
		for i < len(match) && compare(match[i], after) <= 0 {
			i++
		}
		match = match[i:]
	}
	items := make([]map[string]any, 0, limit)
	for _, rec := range match[min(offset, len(match)):] {
		if len(items) == limit {
			break
		}
		obj := clone(rec.obj)
		if q.Get("includeResources") != "1" {
			for _, k := range resourceMembers() {
				delete(obj, k)
			}
		}
		if q.Get("includeCancellationPolicy") != "1" {
			for _, k := range cancellationPolicyMembers() {
				delete(obj, k)
			}
		}
		items = append(items, obj)
	}
	// Hostaway's reservations list was seen to send count, limit and
	// offset but neither page nor totalPages.
	success(w, items, map[string]any{"count": count, "limit": limit, "offset": offset})
}
