package ownerreztest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pmshooks/pmshooks/internal/fakeapi"
	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/ownerrez"
	"github.com/pmshooks/pmshooks/verify"
)

// The fixed credentials of the fake API. They authenticate only to it.
const (
	// Email and PersonalToken are the account's personal access token:
	// ownerrez.PersonalToken(Email, PersonalToken).
	Email         = "owner@example.com"
	PersonalToken = "pt_test-personal-token"

	// ClientID and ClientSecret are the OAuth app's:
	// ownerrez.NewOAuthClient(ClientID, ClientSecret, ...).
	ClientID     = "c_test-client"
	ClientSecret = "s_test-client-secret"

	// AuthorizationCode is the code the token endpoint exchanges for
	// AccessToken (and RefreshToken), as often as it is asked.
	AuthorizationCode = "tc_test-authorization-code"

	// AccessToken is valid from the start (Server.Client uses it) until
	// it is revoked.
	AccessToken = "at_test-access-token"

	// RefreshToken is what the token endpoint sends with AccessToken; the
	// refresh-token grant takes it for a new access token.
	RefreshToken = "rt_test-refresh-token"

	// UserID is the OwnerRez account of the fake: the user_id of its
	// token answers and deliveries.
	UserID int64 = 347482730

	// AppID is the OAuth app's id: the entity_id of webhook_test and
	// application_authorization_revoked deliveries.
	AppID int64 = 5001

	// WebhookUser and WebhookPassword are the User and Password of the
	// OAuth app's Webhooks section: Deliver authenticates every delivery
	// with them. See WebhookCredentials.
	WebhookUser     = "ownerrez-hooks"
	WebhookPassword = "test-webhook-password"
)

// WebhookCredentials returns WebhookUser and WebhookPassword, for
// ownerrez.NewVerifier on the receiving side of Deliver.
func WebhookCredentials() verify.Credentials {
	return verify.Credentials{User: WebhookUser, Password: WebhookPassword}
}

// Fault is one injected answer, queued with Server.Fail. Its fields:
// Status int, the HTTP status to answer, with OwnerRez's error body for it
// (the 429 body for 429, the v2 envelope otherwise) unless Body string is
// set; Header http.Header, added to the answer (such as Retry-After);
// Delay time.Duration, holding the answer back (alone it only slows a
// normal answer); Drop bool, closing the connection without an answer;
// Hang bool, answering nothing until the client gives up or the Server
// closes. Delay applies first, then one of Hang, Drop and Status.
type Fault = fakeapi.Fault

// ErrNoSubscription is returned by Deliver when no subscription (and, for
// a connection-level action, no app webhook URL) selects the delivery.
var ErrNoSubscription = errors.New("ownerreztest: no subscription selects the delivery")

// versionPath is the API root's path on the fake, as on OwnerRez's.
const versionPath = "/v2"

// defaultLimit and maxLimit are the fake's page sizes (OwnerRez documents
// neither; its Zapier app's mock list says 20).
const (
	defaultLimit = 20
	maxLimit     = 100
)

// Server is a fake OwnerRez API v2 with state, on loopback: see the
// package documentation for its routes and answers. Its methods are safe
// for concurrent use.
type Server struct {
	srv     *httptest.Server
	rec     *fakeapi.Recorder
	handler http.Handler
	hc      *http.Client

	mu          sync.Mutex
	now         func() time.Time
	records     map[ownerrez.EntityType]map[int64][]byte
	nextID      map[ownerrez.EntityType]int64
	tokens      map[string]bool
	tokenSerial int
	subs        map[int64]ownerrez.Subscription
	nextSub     int64
	appURL      string
}

// NewServer starts a fake OwnerRez API on loopback with no records and no
// subscriptions. Close it when done.
func NewServer() *Server {
	s := &Server{
		rec:     fakeapi.NewRecorder(versionPath),
		hc:      &http.Client{Timeout: 30 * time.Second},
		now:     time.Now,
		records: map[ownerrez.EntityType]map[int64][]byte{},
		nextID:  map[ownerrez.EntityType]int64{},
		tokens:  map[string]bool{AccessToken: true},
		subs:    map[int64]ownerrez.Subscription{},
		nextSub: 1,
	}
	s.handler = s.rec.Wrap(s.routes(), writeError)
	s.srv = httptest.NewServer(s.handler)
	return s
}

// URL returns the API root, version path included, such as
// "http://127.0.0.1:41234/v2": the value for ownerrez.WithBaseURL. The
// OAuth token endpoint is beside it, at /oauth/access_token.
func (s *Server) URL() string { return s.srv.URL + versionPath }

// Handler returns the fake API as an http.Handler, to serve on an address
// of one's own; it shares the Server's state. The URLs it returns
// (next_page_url) are root-relative, so they do not depend on the address.
func (s *Server) Handler() http.Handler { return s.handler }

// Close shuts the server down, releasing requests held by a Hang fault.
func (s *Server) Close() {
	s.rec.Close()
	s.srv.Close()
}

// Client returns an ownerrez.Client for the fake, authenticated with
// AccessToken. opts come after the base URL, so they may override it.
func (s *Server) Client(opts ...ownerrez.ClientOption) (*ownerrez.Client, error) {
	return ownerrez.NewClient(ownerrez.AccessToken(AccessToken), append([]ownerrez.ClientOption{ownerrez.WithBaseURL(s.URL())}, opts...)...)
}

// OAuthClient returns an ownerrez.OAuthClient for the fake's OAuth app
// (ClientID, ClientSecret), whose token endpoint is the fake's.
func (s *Server) OAuthClient(opts ...ownerrez.ClientOption) (*ownerrez.OAuthClient, error) {
	return ownerrez.NewOAuthClient(ClientID, ClientSecret, append([]ownerrez.ClientOption{ownerrez.WithBaseURL(s.URL())}, opts...)...)
}

// Fail queues faults for the route method path, path relative to URL():
// exact ("/bookings/7") or a pattern of the package documentation
// ("/bookings/{id}"); the token endpoint is "/oauth/access_token". Each
// request takes the next fault; then the route answers normally again.
func (s *Server) Fail(method, path string, faults ...Fault) { s.rec.Fail(method, path, faults...) }

// Requests returns how many requests reached the route method path (exact
// or pattern, as for Fail), faulted ones included.
func (s *Server) Requests(method, path string) int { return s.rec.Requests(method, path) }

// SetAppWebhookURL sets the Webhook URL of the OAuth app, where Deliver
// sends webhook_test and application_authorization_revoked. "" (the
// start) means none.
func (s *Server) SetAppWebhookURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appURL = u
}

// PutBooking stores b, replacing the booking of its id, and returns it as
// stored. A zero ID gets a new one; a zero CreatedUTC or UpdatedUTC is set
// to now (the since_utc filter reads UpdatedUTC, else CreatedUTC).
func (s *Server) PutBooking(b ownerrez.Booking) ownerrez.Booking {
	s.mu.Lock()
	defer s.mu.Unlock()
	b.ID = s.assign(ownerrez.EntityBooking, b.ID)
	now := lenient.Time{Time: s.now().UTC().Truncate(time.Second)}
	if b.CreatedUTC.IsZero() {
		b.CreatedUTC = now
	}
	if b.UpdatedUTC.IsZero() {
		b.UpdatedUTC = now
	}
	s.store(ownerrez.EntityBooking, b.ID.Int64(), b)
	return b
}

// UpdateBooking changes the stored booking of id as OwnerRez does when a
// host edits it, without sending any webhook: change edits it, then its
// UpdatedUTC is set to the Server's clock (SetClock), to the second, so
// that the booking is listed again by since_utc. It returns the booking as
// stored, and false (calling nothing) when there is none of that id.
func (s *Server) UpdateBooking(id int64, change func(*ownerrez.Booking)) (ownerrez.Booking, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b ownerrez.Booking
	raw, ok := s.records[ownerrez.EntityBooking][id]
	if !ok || json.Unmarshal(raw, &b) != nil {
		return ownerrez.Booking{}, false
	}
	if change != nil {
		change(&b)
	}
	b.ID = lenient.Int{Value: id}
	b.UpdatedUTC = lenient.Time{Time: s.now().UTC().Truncate(time.Second)}
	s.store(ownerrez.EntityBooking, id, b)
	return b, true
}

// SetClock sets the Server's clock, which dates records put without
// timestamps and bookings changed by UpdateBooking; nil restores
// time.Now.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// PutGuest stores g, replacing the guest of its id, and returns it as
// stored; a zero ID gets a new one.
func (s *Server) PutGuest(g ownerrez.Guest) ownerrez.Guest {
	s.mu.Lock()
	defer s.mu.Unlock()
	g.ID = s.assign(ownerrez.EntityGuest, g.ID)
	s.store(ownerrez.EntityGuest, g.ID.Int64(), g)
	return g
}

// PutProperty stores p, replacing the property of its id, and returns it
// as stored; a zero ID gets a new one.
func (s *Server) PutProperty(p ownerrez.Property) ownerrez.Property {
	s.mu.Lock()
	defer s.mu.Unlock()
	p.ID = s.assign(ownerrez.EntityProperty, p.ID)
	s.store(ownerrez.EntityProperty, p.ID.Int64(), p)
	return p
}

// PutInquiry stores q, replacing the inquiry of its id, and returns it as
// stored; a zero ID gets a new one.
func (s *Server) PutInquiry(q ownerrez.Inquiry) ownerrez.Inquiry {
	s.mu.Lock()
	defer s.mu.Unlock()
	q.ID = s.assign(ownerrez.EntityInquiry, q.ID)
	s.store(ownerrez.EntityInquiry, q.ID.Int64(), q)
	return q
}

// PutMessage stores m, replacing the message of its id, and returns it as
// stored; a zero ID gets a new one.
func (s *Server) PutMessage(m ownerrez.ThreadMessage) ownerrez.ThreadMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.ID = s.assign(ownerrez.EntityThreadMessage, m.ID)
	s.store(ownerrez.EntityThreadMessage, m.ID.Int64(), m)
	return m
}

// DeleteBooking removes the booking of id and reports whether there was
// one; GET /v2/bookings/{id} then answers 404.
func (s *Server) DeleteBooking(id int64) bool { return s.delete(ownerrez.EntityBooking, id) }

// DeleteGuest removes the guest of id and reports whether there was one.
func (s *Server) DeleteGuest(id int64) bool { return s.delete(ownerrez.EntityGuest, id) }

// DeleteProperty removes the property of id and reports whether there was
// one.
func (s *Server) DeleteProperty(id int64) bool { return s.delete(ownerrez.EntityProperty, id) }

// DeleteInquiry removes the inquiry of id and reports whether there was
// one.
func (s *Server) DeleteInquiry(id int64) bool { return s.delete(ownerrez.EntityInquiry, id) }

// DeleteMessage removes the message of id and reports whether there was
// one.
func (s *Server) DeleteMessage(id int64) bool { return s.delete(ownerrez.EntityThreadMessage, id) }

// assign returns id, or the next id of kind when id is zero, and keeps
// the next id of kind past it. Ids of each kind start at 1001.
func (s *Server) assign(kind ownerrez.EntityType, id lenient.Int) lenient.Int {
	next := max(s.nextID[kind], 1001)
	if id.Value == 0 {
		id = lenient.Int{Value: next}
	}
	s.nextID[kind] = max(next, id.Value+1)
	return id
}

// store keeps the JSON of v as the record id of kind.
func (s *Server) store(kind ownerrez.EntityType, id int64, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("ownerreztest: marshal %s: %v", kind, err)) // the ownerrez types always marshal
	}
	if s.records[kind] == nil {
		s.records[kind] = map[int64][]byte{}
	}
	s.records[kind][id] = b
}

func (s *Server) delete(kind ownerrez.EntityType, id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.records[kind][id]
	delete(s.records[kind], id)
	return ok
}

// record returns the JSON of the record id of kind.
func (s *Server) record(kind ownerrez.EntityType, id int64) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.records[kind][id]
	return b, ok
}

// Delivery is what Deliver sends: OwnerRez's envelope about one record.
type Delivery struct {
	// Action is the change, such as ownerrez.ActionEntityUpdate, or a
	// connection-level action (ownerrez.ActionWebhookTest,
	// ownerrez.ActionApplicationAuthorizationRevoked), which needs no
	// EntityType or EntityID.
	Action ownerrez.Action
	// EntityType and EntityID name the record.
	EntityType ownerrez.EntityType
	EntityID   int64
	// Categories is sent as categories when not empty, and selects
	// subscriptions restricted to a category.
	Categories []string
	// Thin leaves the entity out, as older deliveries did:
	// {id, user_id, action, entity_type, entity_id}. An entity_delete
	// delivery never carries the entity.
	Thin bool
}

// Deliver sends d, as OwnerRez does, to the webhook_url of every
// subscription that selects it (its type is d's entity type, its action
// d's action, and its category empty or one of d.Categories; type and
// action compared as OwnerRez accepts them, case and underscores aside), or
// for a connection-level action to the app's webhook URL
// (SetAppWebhookURL). Each is a POST of the JSON envelope with a new
// delivery id, authenticated with HTTP Basic WebhookUser:WebhookPassword
// by the package's NewRequest and an *ownerrez.Verifier. Unless d is Thin
// or a delete, the entity is the stored record, the body of its GET.
//
// It returns how many endpoints answered 2xx. It fails with
// ErrNoSubscription when nothing selects d, when a record to carry is not
// stored, and with the errors of the endpoints that failed (joined).
func (s *Server) Deliver(ctx context.Context, d Delivery) (int, error) {
	env := struct {
		ID         string          `json:"id"`
		UserID     int64           `json:"user_id"`
		Action     ownerrez.Action `json:"action"`
		EntityType string          `json:"entity_type"`
		EntityID   int64           `json:"entity_id"`
		Categories []string        `json:"categories,omitempty"`
		Entity     json.RawMessage `json:"entity,omitempty"`
	}{UserID: UserID, Action: d.Action, EntityType: string(d.EntityType), EntityID: d.EntityID, Categories: d.Categories}

	var urls []string
	switch d.Action {
	case ownerrez.ActionWebhookTest, ownerrez.ActionApplicationAuthorizationRevoked:
		env.EntityType, env.EntityID = string(ownerrez.EntityAPIApplication), AppID
		s.mu.Lock()
		if s.appURL != "" {
			urls = append(urls, s.appURL)
		}
		s.mu.Unlock()
	default:
		if !d.Thin && d.Action != ownerrez.ActionEntityDelete {
			rec, ok := s.record(d.EntityType, d.EntityID)
			if !ok {
				return 0, fmt.Errorf("ownerreztest: deliver: no %s %d stored", d.EntityType, d.EntityID)
			}
			env.Entity = rec
		}
		urls = s.subscribers(d)
	}
	if len(urls) == 0 {
		return 0, ErrNoSubscription
	}
	v, err := ownerrez.NewVerifier(WebhookCredentials())
	if err != nil {
		return 0, fmt.Errorf("ownerreztest: deliver: %w", err)
	}
	sent := 0
	var errs []error
	for i, u := range urls {
		env.ID = newUUID()
		body, err := json.Marshal(env)
		if err != nil {
			return sent, fmt.Errorf("ownerreztest: deliver: %w", err)
		}
		if err := s.post(ctx, u, body, v); err != nil {
			errs = append(errs, fmt.Errorf("ownerreztest: deliver to endpoint %d of %d: %w", i+1, len(urls), err))
			continue
		}
		sent++
	}
	return sent, errors.Join(errs...)
}

// post sends one delivery and checks for a 2xx answer.
func (s *Server) post(ctx context.Context, u string, body []byte, v verify.Signer) error {
	req, err := NewRequest(ctx, u, body, v)
	if err != nil {
		return err
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("answered %d", resp.StatusCode)
	}
	return nil
}

// subscribers returns the URLs of the subscriptions that select d, in
// order of their ids.
func (s *Server) subscribers(d Delivery) []string {
	typ := subscriptionType(d.EntityType)
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(s.subs))
	for id := range s.subs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var urls []string
	for _, id := range ids {
		sub := s.subs[id]
		if fold(string(sub.Type)) != typ || fold(string(sub.Action)) != fold(string(d.Action)) {
			continue
		}
		if sub.Category != "" && !slices.ContainsFunc(d.Categories, func(c string) bool { return strings.EqualFold(c, sub.Category) }) {
			continue
		}
		urls = append(urls, sub.URL)
	}
	return urls
}

// subscriptionType is the folded subscription type of an entity type: a
// "message" subscription brings thread_message deliveries.
func subscriptionType(t ownerrez.EntityType) string {
	if t == ownerrez.EntityThreadMessage {
		return string(ownerrez.SubscriptionMessage)
	}
	return fold(string(t))
}

// fold is how the fake compares subscription types and actions:
// "EntityUpdate", "entity_update" and "ENTITY_UPDATE" are one.
func fold(s string) string { return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "")) }

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// atoi64 parses a positive decimal id.
func atoi64(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// validWebhookURL reports whether u is one OwnerRez takes: https, or http
// on loopback.
func validWebhookURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return false
	}
	return p.Scheme == "https" || p.Scheme == "http" && isLoopback(p.Hostname())
}
