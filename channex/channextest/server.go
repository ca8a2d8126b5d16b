package channextest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/internal/fakechannex"
	"github.com/pmshooks/pmshooks/internal/fakeapi"
	"github.com/pmshooks/pmshooks/lenient"
)

// The test credentials and names of a Server.
const (
	// APIKey is the only API key a Server accepts (header user-api-key).
	APIKey = "test-api-key"
	// PropertyID is the property APIKey may use from the start; PutBooking
	// puts bookings without a property there.
	PropertyID = "716305c4-561a-4561-a187-7f5b8aeb5920"
	// OrganizationID is the organization every webhook belongs to.
	OrganizationID = fakechannex.OrganizationID
)

// Fault is one injected answer to one request. Its fields:
//   - Status int: the HTTP status to answer, with Channex's error envelope
//     for it ({"errors": {"code", "title"}}), or plain text for 5xx as a
//     proxy's would be, unless Body is set.
//   - Header http.Header: added to the answer, such as Retry-After.
//   - Body string: replaces the default body; sent as JSON.
//   - Delay time.Duration: holds the answer back this long; a Fault with
//     only a Delay answers normally, late.
//   - Drop bool: closes the connection after reading the request, without
//     an answer (the request may have taken effect).
//   - Hang bool: answers nothing until the client gives up or the server
//     closes.
//
// Delay applies first, then exactly one of Hang, Drop and Status.
type Fault = fakeapi.Fault

// Server is a fake Channex API on loopback: webhooks, booking revisions,
// bookings and messages, with state, faults on request, and deliveries
// about its records to the webhooks created through it. See the package
// documentation for what it serves. Its methods are safe for concurrent
// use.
type Server struct {
	fake *fakechannex.Server
}

// NewServer starts a fake Channex API that accepts APIKey and lets it use
// PropertyID. Close it when done.
func NewServer() *Server {
	return &Server{fake: fakechannex.New(APIKey, PropertyID)}
}

// URL returns the API root, version path included, such as
// "http://127.0.0.1:12345/api/v1": what channex.WithBaseURL takes.
func (s *Server) URL() string { return s.fake.URL() }

// Client returns a channex.Client for the server, authenticated with
// APIKey. opts apply after the base URL, so that a test may set retries,
// an HTTP client or a logger.
func (s *Server) Client(opts ...channex.ClientOption) (*channex.Client, error) {
	all := append([]channex.ClientOption{channex.WithBaseURL(s.URL())}, opts...)
	return channex.NewClient(channex.APIKey(APIKey), all...)
}

// Handler returns the same API as an http.Handler, its routes under
// "/api/v1", to serve on a listener of your own (pmshooks mock does). It
// shares the server's state and faults; its answers hold no URL.
func (s *Server) Handler() http.Handler { return s.fake.Handler() }

// Close stops the server, releasing hung requests first.
func (s *Server) Close() { s.fake.Close() }

// Fail queues faults for the route "METHOD path", path relative to URL():
// exact ("/bookings/b-1") or the pattern the route is served under
// ("/bookings/{id}"). Each request to the route takes the next fault,
// faults on the exact path first; once they are used up the route answers
// normally.
func (s *Server) Fail(method, path string, faults ...Fault) { s.fake.Fail(method, path, faults...) }

// Requests returns how many requests reached the route "METHOD path"
// (exact or pattern, as in Fail), faulted ones included.
func (s *Server) Requests(method, path string) int { return s.fake.Requests(method, path) }

// AddProperty lets APIKey use the property id (create webhooks for it).
func (s *Server) AddProperty(id string) { s.fake.AddProperty(id) }

// PutBooking stores rev as a new revision of its booking, not yet
// acknowledged, and returns the booking as GET /bookings/{id} now shows it
// (its Revision().ID is the new revision). A zero rev.BookingID starts a new
// booking; a zero rev.ID, Status, InsertedAt or PropertyID is filled: a new
// id, "new" for a booking's first revision and "modified" after, now, and
// PropertyID. To cancel a booking, put a revision with Status
// channex.RevisionCancelled. It panics when rev cannot be encoded, which
// only a hand-made invalid json.RawMessage causes.
func (s *Server) PutBooking(rev channex.BookingRevision) *channex.Booking {
	if rev.PropertyID == "" {
		rev.PropertyID = PropertyID
	}
	bookingID, _ := s.fake.PutBooking(attributes(rev))
	b, _ := s.Booking(bookingID)
	return b
}

// Booking returns the booking id as GET /bookings/{id} shows it, and false
// when there is none.
func (s *Server) Booking(id string) (*channex.Booking, bool) {
	attrs, ok := s.fake.Booking(id)
	if !ok {
		return nil, false
	}
	var b channex.Booking
	decode(attrs, &b)
	return &b, true
}

// DeleteBooking removes the booking id with its revisions and messages:
// every call about it answers 404 from now on. It reports whether the
// booking existed.
func (s *Server) DeleteBooking(id string) bool { return s.fake.DeleteBooking(id) }

// Acked reports whether the booking revision id was acknowledged.
func (s *Server) Acked(revisionID string) bool { return s.fake.Acked(revisionID) }

// NonAckedAfter is how long a revision may stay unacknowledged before
// Channex sends non_acked_booking (30 minutes); see CheckNonAcked.
const NonAckedAfter = fakechannex.NonAckedAfter

// SetNow sets the server's clock: the timestamp of deliveries, the
// inserted_at PutBooking fills, and the time CheckNonAcked counts from.
// It may be called at any time; nil means time.Now, the default.
func (s *Server) SetNow(now func() time.Time) { s.fake.SetNow(now) }

// CheckNonAcked does what Channex does 30 minutes after it received a
// revision that is still not acknowledged: for every revision put
// NonAckedAfter or longer ago by the server's clock (SetNow), not
// acknowledged and not reported before, it delivers non_acked_booking with
// that revision's live-feed summary to the webhooks that select it, as
// Deliver does. It returns the ids of the revisions it reported, oldest
// first, and the first transport error (the revisions not delivered are
// reported on the next call). A revision acknowledged in time never
// fires; each fires once.
func (s *Server) CheckNonAcked(ctx context.Context) ([]string, error) {
	ids, err := s.fake.CheckNonAcked(ctx)
	if err != nil {
		return ids, fmt.Errorf("channextest: check non-acked: %w", err)
	}
	return ids, nil
}

// PutMessage stores m as a new message in the conversation of the booking
// bookingID, and returns it as the Messages API shows it. A zero m.ID,
// Sender, InsertedAt or UpdatedAt is filled: a new id, "guest", now. The
// booking's conversation is created with its first message. It fails when
// the booking does not exist.
func (s *Server) PutMessage(bookingID string, m channex.Message) (*channex.Message, error) {
	attrs := attributes(m)
	attrs["id"] = string(m.ID)
	id, thread, err := s.fake.AddMessage(bookingID, attrs)
	if err != nil {
		return nil, fmt.Errorf("channextest: put message: %w", err)
	}
	attrs, _ = s.fake.Message(id)
	var out channex.Message
	decode(attrs, &out)
	out.ID, out.MessageThreadID, out.BookingID = lenient.String(id), thread, bookingID
	return &out, nil
}

// Deliver sends the Channex event name about a stored record to every
// active webhook created through the API whose event mask selects it, as
// Channex does: a property's webhooks, or when it has none the global ones;
// a POST with the webhook's headers (such as the secret header a
// channex.Verifier checks) and request parameters; the payload only when
// the webhook's send_data is true. For the booking events (booking,
// booking_new, booking_modification, booking_cancellation,
// non_acked_booking, booking_unmapped_room, booking_unmapped_rate), id is a
// booking and the payload is built from its latest revision; for message, id
// is a message. It returns the status each callback answered, in webhook
// order, and fails on another event name, an unknown id or the first
// transport error.
func (s *Server) Deliver(ctx context.Context, name, id string) ([]int, error) {
	codes, err := s.fake.DeliverAbout(ctx, name, id)
	if err != nil {
		return codes, fmt.Errorf("channextest: deliver %s: %w", name, err)
	}
	return codes, nil
}

// DeliverPayload sends the event name with payload (any value encoding/json
// takes; nil for none) for the property propertyID, as Deliver does, for
// events Deliver does not build.
func (s *Server) DeliverPayload(ctx context.Context, name, propertyID string, payload any) ([]int, error) {
	codes, err := s.fake.Deliver(ctx, name, propertyID, payload)
	if err != nil {
		return codes, fmt.Errorf("channextest: deliver %s: %w", name, err)
	}
	return codes, nil
}

// attributes encodes v as the JSON object of its attributes, dropping the
// top-level members that are null or "" (zero fields: Channex would send
// null, and the fake fills some of them). Amounts become JSON numbers with the digits they
// had (Channex sends them as strings; package channex reads both).
func attributes(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic("channextest: " + err.Error())
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // amounts keep their digits ("200.00")
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		panic("channextest: " + err.Error())
	}
	for k, v := range m {
		if v == nil || v == "" {
			delete(m, k)
		}
	}
	return m
}

// decode fills v from the attributes m, which came from the fake and are
// always valid JSON.
func decode(m map[string]any, v any) {
	b, _ := json.Marshal(m)
	_ = json.Unmarshal(b, v)
}
