package bookingsync_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/bookingsync"
	"github.com/pmshooks/pmshooks/bookingsync/bookingsynctest"
	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/verify"
)

const testSecret = "test-client-secret"

// setup returns a Verifier and a Receiver built on it.
func setup(t testing.TB, opts ...bookingsync.Option) (*bookingsync.Verifier, *bookingsync.Receiver) {
	t.Helper()
	v, err := bookingsync.NewVerifier(testSecret)
	require.NoError(t, err)
	r, err := bookingsync.NewReceiver(v, opts...)
	require.NoError(t, err)
	return v, r
}

func signedHeader(s verify.Signer, body []byte) http.Header {
	h := http.Header{}
	s.Sign(h, body)
	return h
}

func TestNewReceiver(t *testing.T) {
	t.Parallel()
	v, err := bookingsync.NewVerifier(testSecret)
	require.NoError(t, err)
	tests := []struct {
		name    string
		v       verify.Verifier
		opts    []bookingsync.Option
		wantErr string
	}{
		{"nil verifier", nil, nil, "nil verifier"},
		{"nil *Verifier", (*bookingsync.Verifier)(nil), nil, "nil *Verifier"},
		{"unknown type", v, []bookingsync.Option{bookingsync.WithEventType("host_review_created", "review.published")}, "not a normalized type"},
		{"nil option", v, []bookingsync.Option{nil}, ""},
		{"any verifier", verify.Unverified(), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := bookingsync.NewReceiver(tt.v, tt.opts...)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, bookingsync.Provider, r.Provider())
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			assert.True(t, strings.HasPrefix(err.Error(), "bookingsync: "), err.Error())
			assert.Nil(t, r)
		})
	}
}

func TestReceiver_interfaces(t *testing.T) {
	t.Parallel()
	_, r := setup(t)
	var _ event.Receiver = r
	var _ event.Decoder = r
	var v any = &bookingsync.Verifier{}
	_, ok := v.(interface {
		verify.Verifier
		verify.Signer
	})
	assert.True(t, ok)
}

func TestReceiver_Receive(t *testing.T) {
	t.Parallel()
	v, r := setup(t)
	other, err := bookingsync.NewVerifier("another-secret")
	require.NoError(t, err)
	body := sample(t, "booking_created")
	strict := http.Header{}
	strictV, err := verify.NewHMAC(verify.HMACConfig{Header: bookingsync.SignatureHeader, Hash: sha1.New, Secrets: []string{testSecret},
		Message: func(b []byte) []byte { return []byte(base64.StdEncoding.EncodeToString(b)) }})
	require.NoError(t, err)
	strictV.Sign(strict, body)
	malformed := []byte(`{"account_id":1,"event":42,"resource":{"booking":{"id":1}}}`) // not the envelope

	tests := []struct {
		name       string
		h          http.Header
		body       []byte
		wantErr    error
		malformed  bool
		wantType   event.Type
		wantSubjID string
	}{
		{name: "signed as BookingSync does", h: signedHeader(v, body), body: body, wantType: event.BookingCreated, wantSubjID: "80"},
		{name: "strict Base64 signature", h: strict, body: body, wantType: event.BookingCreated, wantSubjID: "80"},
		{name: "unsigned", h: http.Header{}, body: body, wantErr: verify.ErrMissingSignature},
		{name: "another secret", h: signedHeader(other, body), body: body, wantErr: verify.ErrInvalidSignature},
		{name: "body changed after signing", h: signedHeader(v, body), body: append([]byte(" "), body...), wantErr: verify.ErrInvalidSignature},
		{name: "authentic but malformed", h: signedHeader(v, malformed), body: malformed, wantErr: event.ErrMalformed, malformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Receive(tt.h, tt.body)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, e)
				if !tt.malformed {
					assert.NotErrorIs(t, err, event.ErrMalformed, "an authentication failure is not a malformed delivery")
				}
				assert.True(t, strings.HasPrefix(err.Error(), "bookingsync: "), err.Error())
				assert.NotContains(t, err.Error(), testSecret)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantType, e.Type())
			assert.Equal(t, tt.wantSubjID, e.Subject().ID)
		})
	}
}

// TestReceiver_Receive_foreignVerifier checks that errors of a verifier
// other than the package's own are wrapped with the package's prefix.
func TestReceiver_Receive_foreignVerifier(t *testing.T) {
	t.Parallel()
	tok, err := verify.NewToken("X-Pmshooks-Token", "token")
	require.NoError(t, err)
	r, err := bookingsync.NewReceiver(tok)
	require.NoError(t, err)
	_, err = r.Receive(http.Header{}, sample(t, "booking_created"))
	require.ErrorIs(t, err, verify.ErrUnauthorized)
	assert.True(t, strings.HasPrefix(err.Error(), "bookingsync: verify: "), err.Error())
}

// TestReceiver_Decode checks that Decode gives what Receive gives, without a
// signature.
func TestReceiver_Decode(t *testing.T) {
	t.Parallel()
	v, r := setup(t)
	for _, name := range bookingsynctest.Names() {
		body := sample(t, name)
		received, err := r.Receive(signedHeader(v, body), body)
		require.NoError(t, err, name)
		decoded, err := r.Decode(nil, body)
		require.NoError(t, err, name)
		for _, pair := range [][2]any{
			{received.Type(), decoded.Type()}, {received.ID(), decoded.ID()}, {received.Subject(), decoded.Subject()},
			{received.Account(), decoded.Account()}, {received.Name(), decoded.Name()},
		} {
			assert.Equal(t, pair[0], pair[1], name)
		}
		assert.True(t, received.Time().Equal(decoded.Time()), name)
	}
	_, err := r.Decode(nil, []byte("{"))
	require.ErrorIs(t, err, event.ErrMalformed)
}

func TestReceiver_ID(t *testing.T) {
	t.Parallel()
	_, r := setup(t)
	body := sample(t, "booking_updated")
	a, err := r.Decode(nil, body)
	require.NoError(t, err)
	b, err := r.Decode(nil, bytes.Clone(body))
	require.NoError(t, err)
	assert.Equal(t, a.ID(), b.ID(), "a retry has the same id")
	c, err := r.Decode(nil, bytes.Replace(body, []byte(`"2700.0"`), []byte(`"2800.0"`), 1))
	require.NoError(t, err)
	assert.NotEqual(t, a.ID(), c.ID(), "another delivery has another id")
}

func TestWithEventType(t *testing.T) {
	t.Parallel()
	_, r := setup(t,
		bookingsync.WithEventType("host_review_created", event.BookingCreated),
		bookingsync.WithEventType("host_review_created", event.ReviewCreated), // last wins
		bookingsync.WithEventType("accounts_application_destroyed", event.AccessRevoked),
		bookingsync.WithEventType("bookings_tag_created", event.RecordCreated),
	)
	tests := []struct {
		body     []byte
		wantType event.Type
		wantSubj event.Subject
	}{
		{sample(t, "host_review_created"), event.ReviewCreated, event.Subject{Kind: "host_review", ID: "04356dc9-1349-4e05-b818-09ccdac8d5dd"}},
		{sample(t, "accounts_application_destroyed"), event.AccessRevoked, event.Subject{Kind: "accounts_application"}},
		{testutil.Fixture(t, "unknown_event.json"), event.RecordCreated, event.Subject{Kind: "bookings_tag"}},
		{sample(t, "host_review_updated"), event.RecordUpdated, event.Subject{Kind: "host_review", ID: "04356dc9-1349-4e05-b818-09ccdac8d5dd"}},
	}
	for _, tt := range tests {
		e, err := r.Decode(nil, tt.body)
		require.NoError(t, err)
		assert.Equal(t, tt.wantType, e.Type(), e.Name())
		if diff := cmp.Diff(tt.wantSubj, e.Subject()); diff != "" {
			t.Errorf("%s: Subject (-want +got):\n%s", e.Name(), diff)
		}
	}
}

// TestReceiver_HTTPHandler serves the Receiver through event.NewHTTPHandler
// and checks the status codes BookingSync sees.
func TestReceiver_HTTPHandler(t *testing.T) {
	t.Parallel()
	v, r := setup(t)
	var got []event.Event
	mux := event.NewMux()
	mux.Default(event.HandlerFunc(func(_ context.Context, e event.Event) error {
		got = append(got, e)
		return nil
	}))
	h := event.NewHTTPHandler(r, mux)
	malformed := []byte(`{"event":["booking_created"],"resource":{"booking":{"id":1}}}`) // not the envelope

	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"signed sample", func() *http.Request {
			req, err := bookingsynctest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", "inbox_message_created", nil, v)
			require.NoError(t, err)
			return req
		}, http.StatusOK},
		{"unsigned sample", func() *http.Request {
			req, err := bookingsynctest.NewSampleRequest(t.Context(), "http://127.0.0.1/hooks", "inbox_message_created", nil, nil)
			require.NoError(t, err)
			return req
		}, http.StatusUnauthorized},
		{"authentic but malformed", func() *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/hooks", bytes.NewReader(malformed))
			v.Sign(req.Header, malformed)
			return req
		}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, tt.req())
		assert.Equal(t, tt.status, rec.Code, tt.name)
	}
	require.Len(t, got, 1)
	m, ok := event.MessageOf(got[0])
	require.True(t, ok)
	assert.True(t, m.Incoming)
}

// benchBody returns body grown to exactly size bytes by a longer notes
// field in its booking.
func benchBody(b testing.TB, body []byte, size int) []byte {
	b.Helper()
	var env map[string]any
	require.NoError(b, json.Unmarshal(body, &env))
	booking := env["resource"].(map[string]any)["booking"].(map[string]any)
	booking["notes"] = ""
	base, err := json.Marshal(env)
	require.NoError(b, err)
	require.Less(b, len(base), size)
	booking["notes"] = strings.Repeat("Guests arrive late. ", size)[:size-len(base)]
	grown, err := json.Marshal(env)
	require.NoError(b, err)
	require.Len(b, grown, size)
	return grown
}

// BenchmarkReceive measures verify + parse + normalize of a 1 KiB delivery
// (a booking with the fields of the public scope) and a 64 KiB one (a
// booking with every field and long notes).
func BenchmarkReceive(b *testing.B) {
	v, r := setup(b)
	for _, bc := range []struct {
		name string
		body []byte
		size int
	}{
		{"booking_created/1KiB", testutil.Fixture(b, "booking_created_public_scope.json"), 1 << 10},
		{"booking_updated/64KiB", sample(b, "booking_updated"), 64 << 10},
	} {
		body := benchBody(b, bc.body, bc.size)
		h := signedHeader(v, body)
		b.Run(bc.name, func(b *testing.B) {
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

// handwrittenWebhook is what a hand-written BookingSync receiver decodes:
// the envelope and the booking, in one json.Unmarshal.
type handwrittenWebhook struct {
	AccountID int64  `json:"account_id"`
	Event     string `json:"event"`
	Resource  struct {
		Links   map[string]string   `json:"links"`
		Booking bookingsync.Booking `json:"booking"`
	} `json:"resource"`
}

// handwrittenVerify is the hand-written BookingSync signature check: the hex
// HMAC-SHA1 of Ruby's Base64.encode64 of the body (lines of 60 characters).
func handwrittenVerify(h http.Header, body []byte) error {
	got, err := hex.DecodeString(h.Get(bookingsync.SignatureHeader))
	if err != nil {
		return err
	}
	enc := base64.StdEncoding.EncodeToString(body)
	var msg strings.Builder
	msg.Grow(len(enc) + len(enc)/60 + 1)
	for len(enc) > 60 {
		msg.WriteString(enc[:60])
		msg.WriteByte('\n')
		enc = enc[60:]
	}
	if enc != "" {
		msg.WriteString(enc)
		msg.WriteByte('\n')
	}
	mac := hmac.New(sha1.New, []byte(testSecret))
	mac.Write([]byte(msg.String()))
	if !hmac.Equal(got, mac.Sum(nil)) {
		return errors.New("bad signature")
	}
	return nil
}

// BenchmarkReceive_size compares one receive (verify, parse, normalize) of
// the booking deliveries of BenchmarkReceive with the hand-written anchor:
// the HMAC check and one json.Unmarshal into a typed struct.
func BenchmarkReceive_size(b *testing.B) {
	v, r := setup(b)
	for _, bc := range []struct {
		label string
		body  []byte
		size  int
	}{
		{"bookingsync-1KiB", testutil.Fixture(b, "booking_created_public_scope.json"), 1 << 10},
		{"bookingsync-64KiB", sample(b, "booking_updated"), 64 << 10},
	} {
		body := benchBody(b, bc.body, bc.size)
		h := signedHeader(v, body)
		require.NoError(b, handwrittenVerify(h, body))
		testutil.BenchReceivePair(b, bc.label, body,
			func() error { _, err := r.Receive(h, body); return err },
			func() error {
				if err := handwrittenVerify(h, body); err != nil {
					return err
				}
				var w handwrittenWebhook
				return json.Unmarshal(body, &w)
			})
	}
}

// TestReceiver_Receive_allocations: a receive allocates no more often than
// the hand-written anchor of BenchmarkReceive_size, for each of its bodies.
func TestReceiver_Receive_allocations(t *testing.T) {
	v, r := setup(t)
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"sample", sample(t, "booking_updated")},
		{"1KiB", benchBody(t, testutil.Fixture(t, "booking_created_public_scope.json"), 1<<10)},
		{"64KiB", benchBody(t, sample(t, "booking_updated"), 64<<10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := signedHeader(v, tc.body)
			testutil.ReceiveAllocsAtMost(t,
				func() error { _, err := r.Receive(h, tc.body); return err },
				func() error {
					if err := handwrittenVerify(h, tc.body); err != nil {
						return err
					}
					var w handwrittenWebhook
					return json.Unmarshal(tc.body, &w)
				})
		})
	}
}

// TestReceiver_VerifyHeader: the Receiver checks what its verifier can check
// before the body is read, with the errors Receive gives for the same header.
func TestReceiver_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := bookingsync.NewVerifier("s3cret-client-secret")
	require.NoError(t, err)
	newReceiver := func(v verify.Verifier) (testutil.HeaderReceiver, error) { return bookingsync.NewReceiver(v) }
	own, err := newReceiver(v)
	require.NoError(t, err)
	right := http.Header{}
	v.Sign(right, []byte(`{}`))
	var nilReceiver *bookingsync.Receiver
	cases := append([]testutil.VerifyHeaderCase{
		{Name: "right credentials", R: own, Header: right},
		{Name: "well-formed wrong signature: only Receive can tell", R: own, Header: http.Header{bookingsync.SignatureHeader: {strings.Repeat("ab", 20)}}},
		{Name: "missing", R: own, Header: http.Header{}, WantErr: verify.ErrMissingSignature},
		{Name: "malformed signature", R: own, Header: http.Header{bookingsync.SignatureHeader: {"not-hex"}}, WantErr: verify.ErrInvalidSignature},
		{Name: "SHA-256 length", R: own, Header: http.Header{bookingsync.SignatureHeader: {strings.Repeat("ab", 32)}}, WantErr: verify.ErrInvalidSignature},
	}, testutil.SharedVerifyHeaderCases(t, "bookingsync", newReceiver, right, &bookingsync.Receiver{}, nilReceiver)...)
	body, ok := bookingsynctest.Sample(bookingsynctest.Names()[0])
	require.True(t, ok)
	testutil.RunVerifyHeader(t, cases, body, "s3cret")
}

// TestReceiver_VerifyHeader_impliedByReceive: every signed sample the
// Receiver authenticates passes VerifyHeader too, so checking the header
// first never refuses a real delivery.
func TestReceiver_VerifyHeader_impliedByReceive(t *testing.T) {
	t.Parallel()
	v, err := bookingsync.NewVerifier("s3cret-client-secret")
	require.NoError(t, err)
	r, err := bookingsync.NewReceiver(v)
	require.NoError(t, err)
	testutil.VerifyHeaderImpliedByReceive(t, r, v, bookingsynctest.Names(), bookingsynctest.Sample)
}
