package hostaway

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/verify"
)

func testVerifier(t testing.TB) *Verifier {
	t.Helper()
	v, err := NewVerifier(verify.Credentials{User: "my_login", Password: "s3cret"})
	require.NoError(t, err)
	return v
}

func signed(v verify.Signer, body []byte) http.Header {
	h := http.Header{}
	v.Sign(h, body)
	return h
}

func TestNewReceiver(t *testing.T) {
	t.Parallel()
	v := testVerifier(t)
	tests := []struct {
		name string
		v    verify.Verifier
		opts []Option
		ok   bool
	}{
		{"verifier", v, nil, true},
		{"nil verifier", nil, nil, false},
		{"nil option ignored", v, []Option{nil, WithLocation(nil)}, true},
		{"accounts", v, []Option{WithAccounts("10450", " 59808 ")}, true},
		{"no account", v, []Option{WithAccounts()}, false},
		{"empty account", v, []Option{WithAccounts("10450", " ")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := NewReceiver(tt.v, tt.opts...)
			if !tt.ok {
				require.Error(t, err)
				assert.Nil(t, r)
				assert.Regexp(t, `^hostaway: `, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Provider, r.Provider())
		})
	}
}

func TestReceiver_Receive(t *testing.T) {
	t.Parallel()
	v := testVerifier(t)
	other, err := NewVerifier(verify.Credentials{User: "my_login", Password: "wrong"})
	require.NoError(t, err)
	r, err := NewReceiver(v)
	require.NoError(t, err)

	good := sample(t, EventReservationUpdated)
	bad := []byte(`{"event":{"name":"reservation.updated"},"data":{}}`) // not the envelope
	tests := []struct {
		name      string
		h         http.Header
		body      []byte
		typ       event.Type
		malformed bool
		unauth    bool
	}{
		{"authentic", signed(v, good), good, event.BookingUpdated, false, false},
		{"cancellation", signed(v, testutil.Fixture(t, "reservation.updated.cancelled.json")), testutil.Fixture(t, "reservation.updated.cancelled.json"), event.BookingCancelled, false, false},
		{"unknown event", signed(v, testutil.Fixture(t, "unknown.event.json")), testutil.Fixture(t, "unknown.event.json"), event.TypeUnknown, false, false},
		{"test delivery", signed(v, sample(t, EventTest)), sample(t, EventTest), event.Ping, false, false},
		{"no credentials", http.Header{}, good, "", false, true},
		{"wrong password", signed(other, good), good, "", false, true},
		{"authentic but malformed", signed(v, bad), bad, "", true, false},
		{"malformed and unauthenticated: authentication first", http.Header{}, bad, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Receive(tt.h, tt.body)
			switch {
			case tt.unauth:
				require.ErrorIs(t, err, verify.ErrUnauthorized)
				assert.NotErrorIs(t, err, event.ErrMalformed, "an authentication failure is not malformed")
				assert.Nil(t, e)
			case tt.malformed:
				require.ErrorIs(t, err, event.ErrMalformed)
				assert.Nil(t, e)
			default:
				require.NoError(t, err)
				assert.Equal(t, tt.typ, e.Type())
				assert.Equal(t, tt.body, e.Raw())
			}
		})
	}
}

func TestReceiver_Receive_accounts(t *testing.T) {
	t.Parallel()
	v := testVerifier(t)
	r, err := NewReceiver(v, WithAccounts("0"), WithAccounts("10450", "59808")) // the last wins
	require.NoError(t, err)
	tests := []struct {
		name string
		body []byte
		ok   bool
	}{
		{"listed account", sample(t, EventReservationCreated), true},
		{"second listed account", testutil.Fixture(t, "reservation.created.sync.json"), true},
		{"account in the message only", testutil.Fixture(t, "message.received.outgoing.json"), true},
		{"test delivery without account", sample(t, EventTest), true},
		{"other account", []byte(`{"event":"reservation.updated","accountId":37874,"data":{"id":1,"status":"new"}}`), false},
		{"first option's account", []byte(`{"event":"reservation.updated","accountId":0,"data":{"id":1,"status":"new"}}`), false},
		{"no account", []byte(`{"event":"reservation.updated","data":{"id":1,"status":"new"}}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Receive(signed(v, tt.body), tt.body)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrForeignAccount)
			assert.NotErrorIs(t, err, event.ErrMalformed)
			assert.Nil(t, e)

			e, err = r.Decode(nil, tt.body)
			require.NoError(t, err, "Decode does not check the account")
			assert.NotNil(t, e)
		})
	}
}

func TestReceiver_Decode(t *testing.T) {
	t.Parallel()
	v := testVerifier(t)
	r, err := NewReceiver(v)
	require.NoError(t, err)
	var _ event.Decoder = r
	for _, name := range sampleNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body := sample(t, name)
			received, err := r.Receive(signed(v, body), body)
			require.NoError(t, err)
			decoded, err := r.Decode(http.Header{}, body) // no credentials needed
			require.NoError(t, err)
			assert.Equal(t, golden(received), golden(decoded))
		})
	}
	_, err = r.Decode(nil, []byte(`{`))
	require.ErrorIs(t, err, event.ErrMalformed)
}

func TestReceiver_zeroValueRejects(t *testing.T) {
	t.Parallel()
	body := sample(t, EventTest)
	h := signed(testVerifier(t), body)
	for name, r := range map[string]*Receiver{"nil": nil, "zero": {}} {
		_, err := r.Receive(h, body)
		require.ErrorIs(t, err, verify.ErrUnauthorized, name)
		e, err := r.Decode(h, body)
		require.NoError(t, err, name)
		assert.Equal(t, event.Ping, e.Type())
	}
}

// TestReceiver_httpHandler serves deliveries through event.NewHTTPHandler, as
// a user would, and checks the status codes Hostaway's retry rules need.
func TestReceiver_httpHandler(t *testing.T) {
	t.Parallel()
	v := testVerifier(t)
	r, err := NewReceiver(v)
	require.NoError(t, err)

	var mu sync.Mutex
	var got []event.Type
	record := event.HandlerFunc(func(_ context.Context, e event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, e.Type())
		return nil
	})
	mux := event.NewMux()
	mux.On(event.BookingCreated, record)
	mux.On(event.BookingUpdated, record)
	mux.On(event.MessageReceived, record)
	h := event.NewHTTPHandler(r, mux, event.WithoutDedupe())

	post := func(body []byte, s verify.Signer) int {
		req := httptest.NewRequest(http.MethodPost, "/hooks/hostaway", bytes.NewReader(body))
		if s != nil {
			s.Sign(req.Header, body)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	for _, name := range sampleNames() {
		req, err := newSampleRequest(t.Context(), "http://127.0.0.1/hooks/hostaway", name, v)
		require.NoError(t, err)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		assert.Equal(t, http.StatusOK, w.Code, name)
	}
	assert.Equal(t, []event.Type{event.MessageReceived, event.BookingCreated, event.BookingUpdated}, got)

	assert.Equal(t, http.StatusUnauthorized, post(sample(t, EventReservationCreated), nil))
	assert.Equal(t, http.StatusBadRequest, post([]byte(`[{"event":"reservation.created"}]`), v), "not the envelope")
	assert.Equal(t, http.StatusOK, post([]byte(`{"event":"reservation.created","data":[]}`), v), "data of the wrong kind is flagged, not rejected")
	assert.Equal(t, http.StatusOK, post(testutil.Fixture(t, "unknown.event.json"), v), "unknown events are acknowledged")
}

func BenchmarkReceive(b *testing.B) {
	v := testVerifier(b)
	r, err := NewReceiver(v)
	require.NoError(b, err)
	for _, name := range sampleNames() {
		body := sample(b, name)
		h := signed(v, body)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := r.Receive(h, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// handwrittenWebhook is what a hand-written Hostaway receiver decodes: the
// envelope and the record of type T, in one json.Unmarshal.
type handwrittenWebhook[T any] struct {
	Object    string `json:"object"`
	Event     string `json:"event"`
	AccountID int64  `json:"accountId"`
	Data      T      `json:"data"`
}

// BenchmarkReceive_size compares one receive (verify, parse, normalize)
// with the hand-written anchor, a Basic authentication check and one
// json.Unmarshal into a typed struct: a message.received delivery as
// sampled (1.5 KiB), a reservation.created one as sampled (5.3 KiB) and
// padded to 64 KiB (its comment).
func BenchmarkReceive_size(b *testing.B) {
	v := testVerifier(b)
	r, err := NewReceiver(v)
	require.NoError(b, err)
	message, reservation := sample(b, EventMessageReceived), sample(b, EventReservationCreated)
	for _, bc := range []struct {
		label string
		body  []byte
		typed func([]byte) error
	}{
		{"hostaway-message-1.5KiB", message, unmarshalInto[ConversationMessage]},
		{"hostaway-reservation-5KiB", reservation, unmarshalInto[Reservation]},
		{"hostaway-reservation-64KiB", testutil.PadBody(b, reservation, 64<<10, "data", "comment"), unmarshalInto[Reservation]},
	} {
		h := signed(v, bc.body)
		testutil.BenchReceivePair(b, bc.label, bc.body,
			func() error { _, err := r.Receive(h, bc.body); return err },
			func() error {
				if err := testutil.HandwrittenBasic(h, "my_login", "s3cret"); err != nil {
					return err
				}
				return bc.typed(bc.body)
			})
	}
}

// TestReceiver_Receive_allocations: a receive allocates no more often than
// the hand-written anchor of BenchmarkReceive_size, for each of its bodies.
func TestReceiver_Receive_allocations(t *testing.T) {
	v := testVerifier(t)
	r, err := NewReceiver(v)
	require.NoError(t, err)
	message, reservation := sample(t, EventMessageReceived), sample(t, EventReservationCreated)
	for _, tc := range []struct {
		name  string
		body  []byte
		typed func([]byte) error
	}{
		{"message", message, unmarshalInto[ConversationMessage]},
		{"reservation", reservation, unmarshalInto[Reservation]},
		{"reservation 64KiB", testutil.PadBody(t, reservation, 64<<10, "data", "comment"), unmarshalInto[Reservation]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := signed(v, tc.body)
			testutil.ReceiveAllocsAtMost(t,
				func() error { _, err := r.Receive(h, tc.body); return err },
				func() error {
					if err := testutil.HandwrittenBasic(h, "my_login", "s3cret"); err != nil {
						return err
					}
					return tc.typed(tc.body)
				})
		})
	}
}

// unmarshalInto decodes body into a handwrittenWebhook[T].
func unmarshalInto[T any](body []byte) error {
	var w handwrittenWebhook[T]
	return json.Unmarshal(body, &w)
}

// BenchmarkParse measures Parse alone, for comparison with Receive.
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{EventReservationCreated, EventMessageReceived} {
		body := sample(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := Parse(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The types the package promises, checked at compile time.
var (
	_ interface {
		event.Receiver
		event.Decoder
	} = (*Receiver)(nil)
	_ interface {
		verify.Verifier
		verify.Signer
	} = (*Verifier)(nil)
)

// TestReceiver_VerifyHeader: the Receiver checks what its verifier can check
// before the body is read, with the errors Receive gives for the same header.
func TestReceiver_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(verify.Credentials{User: "my_login", Password: "s3cret-pass"})
	require.NoError(t, err)
	newReceiver := func(v verify.Verifier) (testutil.HeaderReceiver, error) { return NewReceiver(v) }
	own, err := newReceiver(v)
	require.NoError(t, err)
	right := http.Header{}
	v.Sign(right, []byte(`{}`))
	var nilReceiver *Receiver
	cases := append([]testutil.VerifyHeaderCase{
		{Name: "right credentials", R: own, Header: right},
		{Name: "wrong credentials", R: own, Header: basicAuth("my_login", "wrong-pass"), WantErr: verify.ErrUnauthorized},
		{Name: "missing", R: own, Header: http.Header{}, WantErr: verify.ErrUnauthorized},
	}, testutil.SharedVerifyHeaderCases(t, "hostaway", newReceiver, right, &Receiver{}, nilReceiver)...)
	body, ok := sampleBody(sampleNames()[0])
	require.True(t, ok)
	testutil.RunVerifyHeader(t, cases, body, "s3cret")
}

// TestReceiver_VerifyHeader_impliedByReceive: every signed sample the
// Receiver authenticates passes VerifyHeader too, so checking the header
// first never refuses a real delivery.
func TestReceiver_VerifyHeader_impliedByReceive(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(verify.Credentials{User: "my_login", Password: "s3cret-pass"})
	require.NoError(t, err)
	r, err := NewReceiver(v)
	require.NoError(t, err)
	testutil.VerifyHeaderImpliedByReceive(t, r, v, sampleNames(), sampleBody)
}
