package propexo_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/internal/testutil"
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
	"github.com/pmshooks/pmshooks/verify"
)

var (
	_ event.Receiver = (*propexo.Receiver)(nil)
	_ event.Decoder  = (*propexo.Receiver)(nil)
)

const testSecret = "receiver-test-secret"

func newReceiver(t testing.TB) (*propexo.Receiver, *propexo.Verifier) {
	t.Helper()
	v, err := propexo.NewVerifier(testSecret)
	require.NoError(t, err)
	r, err := propexo.NewReceiver(v)
	require.NoError(t, err)
	return r, v
}

func TestNewReceiver_nilVerifier(t *testing.T) {
	t.Parallel()
	r, err := propexo.NewReceiver(nil)
	require.Error(t, err)
	assert.Nil(t, r)
	assert.True(t, strings.HasPrefix(err.Error(), "propexo: "), err.Error())
}

func TestReceiver_Provider(t *testing.T) {
	t.Parallel()
	r, _ := newReceiver(t)
	assert.Equal(t, event.Provider("propexo"), r.Provider())
}

func TestReceiver_Receive(t *testing.T) {
	t.Parallel()
	r, v := newReceiver(t)
	good := sample(t, "DATA_NEW")
	sign := func(body []byte) http.Header {
		h := http.Header{}
		v.Sign(h, body)
		return h
	}
	other, err := propexo.NewVerifier("some-other-secret")
	require.NoError(t, err)
	signedByOther := http.Header{}
	other.Sign(signedByOther, good)

	tests := map[string]struct {
		header        http.Header
		body          []byte
		wantErr       error
		wantMalformed bool
	}{
		"signed sample":           {header: sign(good), body: good},
		"no signature":            {header: http.Header{}, body: good, wantErr: verify.ErrMissingSignature},
		"other secret":            {header: signedByOther, body: good, wantErr: verify.ErrInvalidSignature},
		"body changed after sign": {header: sign(good), body: bytes.Replace(good, []byte("Email"), []byte("email"), 1), wantErr: verify.ErrInvalidSignature},
		"signed but malformed":    {header: sign([]byte(`{"data":[]}`)), body: []byte(`{"data":[]}`), wantErr: event.ErrMalformed, wantMalformed: true},
		"signed, no trigger":      {header: sign([]byte(`{}`)), body: []byte(`{}`), wantErr: event.ErrMalformed, wantMalformed: true},
		"malformed and unsigned":  {header: http.Header{}, body: []byte(`not json`), wantErr: verify.ErrMissingSignature},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Receive(tc.header, tc.body)
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, event.RecordCreated, e.Type())
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assert.Nil(t, e)
			assert.Equal(t, tc.wantMalformed, errors.Is(err, event.ErrMalformed), "only an authentic undecodable body is malformed")
			assert.NotContains(t, err.Error(), testSecret)
			assert.Equal(t, 1, strings.Count(err.Error(), "propexo: "), "one prefix: %s", err)
		})
	}
}

func TestReceiver_Receive_otherVerifier(t *testing.T) {
	t.Parallel()
	tok, err := verify.NewToken("X-Webhook-Token", "custom-header-token")
	require.NoError(t, err)
	r, err := propexo.NewReceiver(tok)
	require.NoError(t, err)
	body := sample(t, "JOB_FAILURE")

	_, err = r.Receive(http.Header{}, body)
	require.ErrorIs(t, err, verify.ErrUnauthorized)
	assert.NotErrorIs(t, err, event.ErrMalformed)
	assert.True(t, strings.HasPrefix(err.Error(), "propexo: verify: "), err.Error())

	h := http.Header{}
	tok.Sign(h, body)
	e, err := r.Receive(h, body)
	require.NoError(t, err)
	assert.Equal(t, event.SyncFailed, e.Type())
}

func TestReceiver_Decode(t *testing.T) {
	t.Parallel()
	r, _ := newReceiver(t)
	body := sample(t, "SYNC_COMPLETE")
	e, err := r.Decode(nil, body)
	require.NoError(t, err, "Decode does not verify")
	assert.Equal(t, event.SyncCompleted, e.Type())

	_, err = r.Decode(nil, []byte(`[]`))
	require.ErrorIs(t, err, event.ErrMalformed)
}

func TestReceiver_Receive_idIsStable(t *testing.T) {
	t.Parallel()
	r, v := newReceiver(t)
	receive := func(body []byte) string {
		h := http.Header{}
		v.Sign(h, body)
		e, err := r.Receive(h, body)
		require.NoError(t, err)
		return e.ID()
	}
	body := sample(t, "DATA_UPDATE")
	first := receive(body)
	assert.Equal(t, first, receive(bytes.Clone(body)), "a retry has the same body, so the same id")
	assert.True(t, strings.HasPrefix(first, "sha256:"))
	assert.NotEqual(t, first, receive(sample(t, "DATA_NEW")))
	assert.NotEqual(t, first, receive(append(bytes.Clone(body), '\n')), "the id is of the exact bytes")
}

// TestReceiver_httpHandler serves the receiver through event.NewHTTPHandler:
// the status codes Propexo's retry rules need, and a retry deduplicated.
func TestReceiver_httpHandler(t *testing.T) {
	t.Parallel()
	r, v := newReceiver(t)
	var calls atomic.Int32
	h := event.NewHTTPHandler(r, event.HandlerFunc(func(context.Context, event.Event) error {
		calls.Add(1)
		return nil
	}))
	post := func(req *http.Request) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}

	body, _ := propexotest.Sample("DATA_NEW") // the same body twice: the second is a retry
	req, err := propexotest.NewRequest(t.Context(), "http://example.test/hooks", body, v)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, post(req))
	req, err = propexotest.NewRequest(t.Context(), "http://example.test/hooks", body, v)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, post(req), "Propexo's retry is acknowledged")
	assert.Equal(t, int32(1), calls.Load(), "and not handled twice")

	req, err = propexotest.NewSampleRequest(t.Context(), "http://example.test/hooks", "SYNC_COMPLETE", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, post(req))

	bad := []byte(`{"trigger":"DATA_NEW","data":"x"}`)
	req = httptest.NewRequest(http.MethodPost, "/hooks", bytes.NewReader(bad))
	v.Sign(req.Header, bad)
	assert.Equal(t, http.StatusBadRequest, post(req))
	assert.Equal(t, int32(1), calls.Load())
}

func BenchmarkReceive(b *testing.B) {
	r, v := newReceiver(b)
	for _, name := range propexo.EventNames() {
		body := sample(b, name)
		h := http.Header{}
		v.Sign(h, body)
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

// sizedBody returns a signed DATA_NEW delivery whose payload is padded
// with realistic fields to about size bytes.
func sizedBody(b *testing.B, size int) []byte {
	b.Helper()
	payload := map[string]any{"created_at": "2025-08-18T13:01:43.525Z"}
	for i := 0; ; i++ {
		body, err := propexotest.Derive("DATA_NEW", map[string]any{"data.payload": payload})
		require.NoError(b, err)
		if len(body) >= size {
			return body
		}
		payload[fmt.Sprintf("field_%05d", i)] = "Prospect opted in to email updates"
	}
}

// handwrittenEnvelope is what a hand-written Propexo receiver decodes: the
// envelope and the record's fields, the payload kept raw.
type handwrittenEnvelope struct {
	Trigger string `json:"trigger"`
	Data    struct {
		Event         string          `json:"event"`
		IntegrationID string          `json:"integration_id"`
		Vendor        string          `json:"vendor"`
		JobID         string          `json:"job_id"`
		RootJobID     string          `json:"root_job_id"`
		JobType       string          `json:"job_type"`
		RecordID      string          `json:"record_id"`
		Object        string          `json:"object"`
		Payload       json.RawMessage `json:"payload"`
		Context       json.RawMessage `json:"context"`
	} `json:"data"`
	Meta struct {
		Object        string `json:"object"`
		IntegrationID string `json:"integration_id"`
	} `json:"meta"`
}

// handwrittenReceive is the anchor of BenchmarkReceive: the HMAC check and
// one json.Unmarshal, written by hand.
func handwrittenReceive(h http.Header, body []byte) (*handwrittenEnvelope, error) {
	got, err := hex.DecodeString(h.Get(propexo.SignatureHeader))
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return nil, errors.New("bad signature")
	}
	env := new(handwrittenEnvelope)
	if err := json.Unmarshal(body, env); err != nil {
		return nil, err
	}
	return env, nil
}

// BenchmarkReceive_size compares one receive (verify, parse, normalize) of
// a DATA_NEW delivery of 1 KiB and 64 KiB with the hand-written HMAC check
// plus one json.Unmarshal. Run the two in one process to compare them.
func BenchmarkReceive_size(b *testing.B) {
	r, v := newReceiver(b)
	for _, size := range []int{1 << 10, 64 << 10} {
		body := sizedBody(b, size)
		h := http.Header{}
		v.Sign(h, body)
		testutil.BenchReceivePair(b, fmt.Sprintf("propexo-%dKiB", size>>10), body,
			func() error { _, err := r.Receive(h, body); return err },
			func() error { _, err := handwrittenReceive(h, body); return err })
	}
}

// TestReceiver_Receive_allocations: a receive allocates no more often than
// the hand-written anchor of BenchmarkReceive_size.
func TestReceiver_Receive_allocations(t *testing.T) {
	r, v := newReceiver(t)
	body, err := propexotest.Derive("DATA_NEW", nil)
	require.NoError(t, err)
	h := http.Header{}
	v.Sign(h, body)
	testutil.ReceiveAllocsAtMost(t,
		func() error { _, err := r.Receive(h, body); return err },
		func() error { _, err := handwrittenReceive(h, body); return err })
}

func TestReceiver_DedupeWindow(t *testing.T) {
	t.Parallel()
	v, err := propexo.NewVerifier("secret")
	require.NoError(t, err)
	r, err := propexo.NewReceiver(v)
	require.NoError(t, err)
	w := r.DedupeWindow()
	assert.Greater(t, w, propexo.RetryPeriod, "a retry must still be a duplicate")
	assert.Less(t, w, 12*time.Hour, "the next sync's identical body must be a new event")
}

// TestReceiver_VerifyHeader: the Receiver checks what its verifier can check
// before the body is read, with the errors Receive gives for the same header.
func TestReceiver_VerifyHeader(t *testing.T) {
	t.Parallel()
	v, err := propexo.NewVerifier("s3cret-webhook-secret")
	require.NoError(t, err)
	newReceiver := func(v verify.Verifier) (testutil.HeaderReceiver, error) { return propexo.NewReceiver(v) }
	own, err := newReceiver(v)
	require.NoError(t, err)
	right := http.Header{}
	v.Sign(right, []byte(`{}`))
	var nilReceiver *propexo.Receiver
	cases := append([]testutil.VerifyHeaderCase{
		{Name: "right credentials", R: own, Header: right},
		{Name: "well-formed wrong signature: only Receive can tell", R: own, Header: signed(strings.Repeat("ab", 32))},
		{Name: "missing", R: own, Header: http.Header{}, WantErr: verify.ErrMissingSignature},
		{Name: "malformed signature", R: own, Header: signed("not-hex"), WantErr: verify.ErrInvalidSignature},
		{Name: "SHA-1 length", R: own, Header: signed(strings.Repeat("ab", 20)), WantErr: verify.ErrInvalidSignature},
	}, testutil.SharedVerifyHeaderCases(t, "propexo", newReceiver, right, &propexo.Receiver{}, nilReceiver)...)
	body, ok := propexotest.Sample(propexotest.Names()[0])
	require.True(t, ok)
	testutil.RunVerifyHeader(t, cases, body, "s3cret")
}

// TestReceiver_VerifyHeader_impliedByReceive: every signed sample the
// Receiver authenticates passes VerifyHeader too, so checking the header
// first never refuses a real delivery.
func TestReceiver_VerifyHeader_impliedByReceive(t *testing.T) {
	t.Parallel()
	v, err := propexo.NewVerifier("s3cret-webhook-secret")
	require.NoError(t, err)
	r, err := propexo.NewReceiver(v)
	require.NoError(t, err)
	testutil.VerifyHeaderImpliedByReceive(t, r, v, propexotest.Names(), propexotest.Sample)
}
