package propexo_test

import (
	"net/http"
	"path/filepath"
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

// wantTypes is the normalization table as the issue and the package
// documentation state it, written out independently of normalize.go.
var wantTypes = map[string]event.Type{
	"DATA_NEW":                event.RecordCreated,
	"DATA_UPDATE":             event.RecordUpdated,
	"SYNC_COMPLETE":           event.SyncCompleted,
	"FIRST_SYNC_COMPLETE":     event.SyncCompleted,
	"JOB_FAILURE":             event.SyncFailed,
	"JOB_SUCCESS":             event.SyncCompleted,
	"WRITE_OPERATION_FAILURE": event.SyncFailed,
}

func unverified(t testing.TB, opts ...propexo.Option) *propexo.Receiver {
	t.Helper()
	r, err := propexo.NewReceiver(verify.Unverified(), opts...)
	require.NoError(t, err)
	return r
}

// TestNormalize_table walks the table both ways: every trigger has a
// sample and a flat fixture and a type other than unknown, and every sample
// and flat fixture is named after a trigger of the table.
func TestNormalize_table(t *testing.T) {
	t.Parallel()
	r := unverified(t)
	names := propexo.EventNames()
	require.Len(t, names, len(wantTypes))
	for _, name := range names {
		want, ok := wantTypes[name]
		require.True(t, ok, "trigger %s is not in the expected table", name)
		for shape, body := range map[string][]byte{
			"sample": sample(t, name),
			"flat":   testutil.Fixture(t, filepath.Join("flat", name+".json")),
		} {
			e, err := r.Decode(nil, body)
			require.NoError(t, err, "%s %s", shape, name)
			assert.Equal(t, want, e.Type(), "%s %s", shape, name)
			assert.NotEqual(t, event.TypeUnknown, e.Type())
			assert.Equal(t, name, e.Name())
		}
	}
	for _, name := range propexotest.Names() {
		assert.Contains(t, names, name, "sample %s names no known trigger", name)
	}
	for _, file := range testutil.Fixtures(t, "flat/*.json") {
		assert.Contains(t, names, testutil.TrimExt(file), "flat fixture %s names no known trigger", file)
	}
}

func TestNormalize_fields(t *testing.T) {
	t.Parallel()
	r := unverified(t)
	tests := map[string]struct {
		body    []byte
		typ     event.Type
		account string
		subject event.Subject
	}{
		"DATA_NEW": {
			body: sample(t, "DATA_NEW"), typ: event.RecordCreated, account: "cly301lrc000009jvbp6vaz7i",
			subject: event.Subject{Kind: "event", ID: "cm2kq8a4b000608l4hx2m3n9p"},
		},
		"DATA_UPDATE": {
			body: sample(t, "DATA_UPDATE"), typ: event.RecordUpdated, account: "cly301lrc000009jvbp6vaz7i",
			subject: event.Subject{Kind: "lease", ID: "clx9m2v4t000508jq1b7c3d8e"},
		},
		"kebab object becomes the snake_case kind": {
			body: testutil.Fixture(t, "variants/data-new-residents-to-leases.json"), typ: event.RecordCreated,
			account: "cly301lrc000009jvbp6vaz7i",
			subject: event.Subject{Kind: "resident_to_lease", ID: "cm2p0a5c6000g08lb5e6f7g8h"},
		},
		"kind from meta when data has no object": {
			body: testutil.Fixture(t, "variants/meta-only-integration.json"), typ: event.RecordUpdated,
			account: "cly301lrc000009jvbp6vaz7i",
			subject: event.Subject{Kind: "lease", ID: "cm2kq8a4b000608l4hx2m3n9p"},
		},
		"SYNC_COMPLETE": {
			body: sample(t, "SYNC_COMPLETE"), typ: event.SyncCompleted, account: "cly301lrc000009jvbp6vaz7i",
			subject: event.Subject{Kind: event.KindIntegration, ID: "cly301lrc000009jvbp6vaz7i"},
		},
		"FIRST_SYNC_COMPLETE flat": {
			body: testutil.Fixture(t, "flat/FIRST_SYNC_COMPLETE.json"), typ: event.SyncCompleted, account: "INTEGRATION_ID_003",
			subject: event.Subject{Kind: event.KindIntegration, ID: "INTEGRATION_ID_003"},
		},
		"JOB_FAILURE": {
			body: sample(t, "JOB_FAILURE"), typ: event.SyncFailed, account: "cly301lrc000009jvbp6vaz7i",
			subject: event.Subject{Kind: event.KindJob, ID: "cm2n4k8w1000c08ld5y9a2b3c"},
		},
		"JOB_SUCCESS": {
			body: sample(t, "JOB_SUCCESS"), typ: event.SyncCompleted, account: "cly301lrc000009jvbp6vaz7i",
			subject: event.Subject{Kind: event.KindJob, ID: "cm2n4m1q2000e08ld9c4d5e6f"},
		},
		"WRITE_OPERATION_FAILURE": {
			body: sample(t, "WRITE_OPERATION_FAILURE"), typ: event.SyncFailed, account: "INTEGRATION_ID_002",
			subject: event.Subject{Kind: event.KindJob, ID: "ROOT_OPERATION_ID_002"},
		},
		"unknown trigger": {
			body: testutil.Fixture(t, "variants/unknown-trigger.json"), typ: event.TypeUnknown,
			account: "cly301lrc000009jvbp6vaz7i",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, err := r.Decode(nil, tc.body)
			require.NoError(t, err)
			assert.Equal(t, propexo.Provider, e.Provider())
			assert.Equal(t, tc.typ, e.Type())
			assert.Equal(t, tc.account, e.Account())
			assert.Equal(t, tc.subject, e.Subject())
			assert.Equal(t, event.HashID(tc.body), e.ID())
			assert.True(t, e.Time().IsZero(), "Propexo sends no timestamp")
			assert.Equal(t, string(tc.body), string(e.Raw()))
			w, ok := e.Data().(*propexo.Webhook)
			require.True(t, ok)
			assert.Equal(t, e.Name(), string(w.Trigger))
			_, isBooking := event.BookingOf(e)
			_, isMessage := event.MessageOf(e)
			assert.False(t, isBooking || isMessage)
		})
	}
}

func TestWithModelTypes(t *testing.T) {
	t.Parallel()
	leaseNew := testutil.Fixture(t, "variants/data-new-residents-to-leases.json")
	tests := map[string]struct {
		opts              []propexo.Option
		created, updated  event.Type
		otherModelCreated event.Type
	}{
		"default": {
			created: event.RecordCreated, updated: event.RecordUpdated, otherModelCreated: event.RecordCreated,
		},
		"leases to bookings": {
			opts:    []propexo.Option{propexo.WithModelTypes(propexo.ModelLeases, event.BookingCreated, event.BookingUpdated)},
			created: event.BookingCreated, updated: event.BookingUpdated, otherModelCreated: event.RecordCreated,
		},
		"kebab spelling, created only": {
			opts:    []propexo.Option{propexo.WithModelTypes("leases", event.BookingCreated, "")},
			created: event.BookingCreated, updated: event.RecordUpdated, otherModelCreated: event.RecordCreated,
		},
		"last wins, nil ignored": {
			opts: []propexo.Option{
				propexo.WithModelTypes(propexo.ModelLeases, event.BookingCreated, event.BookingUpdated),
				nil,
				propexo.WithModelTypes(propexo.ModelLeases, event.PropertyCreated, ""),
			},
			created: event.PropertyCreated, updated: event.RecordUpdated, otherModelCreated: event.RecordCreated,
		},
		"reset to default": {
			opts: []propexo.Option{
				propexo.WithModelTypes(propexo.ModelLeases, event.BookingCreated, event.BookingUpdated),
				propexo.WithModelTypes(propexo.ModelLeases, "", ""),
			},
			created: event.RecordCreated, updated: event.RecordUpdated, otherModelCreated: event.RecordCreated,
		},
		"relation model": {
			opts:    []propexo.Option{propexo.WithModelTypes("residents-to-leases", event.GuestCreated, event.GuestUpdated)},
			created: event.RecordCreated, updated: event.RecordUpdated, otherModelCreated: event.GuestCreated,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := unverified(t, tc.opts...)
			created, err := r.Decode(nil, []byte(`{"trigger":"DATA_NEW","data":{"object":"leases","record_id":"l-1"}}`))
			require.NoError(t, err)
			assert.Equal(t, tc.created, created.Type())
			assert.Equal(t, event.Subject{Kind: "lease", ID: "l-1"}, created.Subject())
			updated, err := r.Decode(nil, sample(t, "DATA_UPDATE"))
			require.NoError(t, err)
			assert.Equal(t, tc.updated, updated.Type())
			other, err := r.Decode(nil, leaseNew)
			require.NoError(t, err)
			assert.Equal(t, tc.otherModelCreated, other.Type())
			sync, err := r.Decode(nil, sample(t, "SYNC_COMPLETE"))
			require.NoError(t, err)
			assert.Equal(t, event.SyncCompleted, sync.Type(), "only DATA_* follow the option")
		})
	}
}

// goldenEvent is the normalized event as the golden files show it.
type goldenEvent struct {
	Provider event.Provider `json:"provider"`
	Type     event.Type     `json:"type"`
	Name     string         `json:"name"`
	ID       string         `json:"id"`
	Account  string         `json:"account"`
	Subject  event.Subject  `json:"subject"`
	Time     time.Time      `json:"time"`
	Webhook  goldenWebhook  `json:"webhook"`
}

type goldenWebhook struct {
	Trigger       propexo.Trigger `json:"trigger"`
	Flat          bool            `json:"flat"`
	IntegrationID string          `json:"integration_id"`
	Vendor        propexo.Vendor  `json:"vendor"`
	Meta          *propexo.Meta   `json:"meta"`
	Typed         any             `json:"typed"`
}

func golden(e event.Event) goldenEvent {
	w := e.Data().(*propexo.Webhook)
	var typed any
	switch {
	case w.DataNew != nil:
		typed = w.DataNew
	case w.DataUpdate != nil:
		typed = w.DataUpdate
	case w.SyncComplete != nil:
		typed = w.SyncComplete
	case w.FirstSyncComplete != nil:
		typed = w.FirstSyncComplete
	case w.JobFailure != nil:
		typed = w.JobFailure
	case w.JobSuccess != nil:
		typed = w.JobSuccess
	case w.WriteOperationFailure != nil:
		typed = w.WriteOperationFailure
	}
	return goldenEvent{
		Provider: e.Provider(), Type: e.Type(), Name: e.Name(), ID: e.ID(), Account: e.Account(),
		Subject: e.Subject(), Time: e.Time(),
		Webhook: goldenWebhook{
			Trigger: w.Trigger, Flat: w.Flat, IntegrationID: string(w.IntegrationID), Vendor: w.Vendor,
			Meta: w.Meta, Typed: typed,
		},
	}
}

// TestReceiver_Receive_golden compares the event of every sample and
// fixture with testdata/golden/; go test -update rewrites them.
func TestReceiver_Receive_golden(t *testing.T) {
	t.Parallel()
	v, err := propexo.NewVerifier("golden-test-secret")
	require.NoError(t, err)
	r, err := propexo.NewReceiver(v)
	require.NoError(t, err)

	cases := map[string][]byte{}
	for _, name := range propexotest.Names() {
		cases[name] = sample(t, name)
	}
	for _, dir := range []string{"flat", "variants"} {
		for _, file := range testutil.Fixtures(t, dir+"/*.json") {
			cases[dir+"/"+testutil.TrimExt(file)] = testutil.Fixture(t, filepath.Join(dir, file))
		}
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			v.Sign(h, body)
			e, err := r.Receive(h, body)
			require.NoError(t, err)
			testutil.Golden(t, filepath.Join("golden", name+".golden"), golden(e))
		})
	}
}
