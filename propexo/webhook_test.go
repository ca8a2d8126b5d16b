package propexo_test

import (
	"encoding/json"
	"path/filepath"
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
	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
	"github.com/pmshooks/pmshooks/verify"
)

// sample returns the canonical sample of a trigger.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, ok := propexotest.Sample(name)
	require.True(t, ok, "no sample for %s", name)
	return b
}

// typedFields names the typed payload fields of w that are set.
func typedFields(w *propexo.Webhook) []string {
	var set []string
	for name, isSet := range map[string]bool{
		"DATA_NEW":                w.DataNew != nil,
		"DATA_UPDATE":             w.DataUpdate != nil,
		"SYNC_COMPLETE":           w.SyncComplete != nil,
		"FIRST_SYNC_COMPLETE":     w.FirstSyncComplete != nil,
		"JOB_FAILURE":             w.JobFailure != nil,
		"JOB_SUCCESS":             w.JobSuccess != nil,
		"WRITE_OPERATION_FAILURE": w.WriteOperationFailure != nil,
	} {
		if isSet {
			set = append(set, name)
		}
	}
	slices.Sort(set)
	return set
}

func TestParse_bothShapes(t *testing.T) {
	t.Parallel()
	for _, name := range propexo.EventNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			enveloped := sample(t, name)
			w, err := propexo.Parse(enveloped)
			require.NoError(t, err)
			assert.Equal(t, propexo.Trigger(name), w.Trigger)
			assert.False(t, w.Flat)
			assert.Equal(t, []string{name}, typedFields(w))
			assert.Same(t, unsafe.SliceData(enveloped), unsafe.SliceData(w.Raw), "Raw is the body, not a copy")
			var env struct{ Data json.RawMessage }
			require.NoError(t, json.Unmarshal(enveloped, &env))
			assert.Equal(t, string(env.Data), string(w.Data), "Data is the data member as sent")
			assert.NotEmpty(t, w.IntegrationID)
			assert.NotEmpty(t, w.Vendor)

			flat := testutil.Fixture(t, filepath.Join("flat", name+".json"))
			fw, err := propexo.Parse(flat)
			require.NoError(t, err)
			assert.Equal(t, propexo.Trigger(name), fw.Trigger)
			assert.True(t, fw.Flat)
			assert.Equal(t, []string{name}, typedFields(fw))
			assert.Same(t, unsafe.SliceData(flat), unsafe.SliceData(fw.Data), "the flat data is the whole body")
			assert.Len(t, fw.Data, len(flat))
			assert.NotEmpty(t, fw.IntegrationID)
		})
	}
}

func TestParse_values(t *testing.T) {
	t.Parallel()
	ptr := func(s string) *lenient.String { v := lenient.String(s); return &v }
	tests := map[string]struct {
		body []byte
		want *propexo.Webhook // Raw and Data are not compared
	}{
		"DATA_NEW sample": {
			body: sample(t, "DATA_NEW"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerDataNew,
				IntegrationID: "cly301lrc000009jvbp6vaz7i",
				Vendor:        propexo.VendorEntrata,
				Meta:          &propexo.Meta{Object: propexo.ModelEvents, IntegrationID: "cly301lrc000009jvbp6vaz7i"},
				DataNew: &propexo.DataNew{
					Event:         propexo.TriggerDataNew,
					IntegrationID: "cly301lrc000009jvbp6vaz7i",
					Vendor:        propexo.VendorEntrata,
					JobID:         "cm2kq7r1x000308l4g3hd9w2a",
					RootJobID:     "cm2kq7qzm000208l4c0b1f5e7",
					JobType:       propexo.JobTypeReadLeadEvents,
					RecordID:      "cm2kq8a4b000608l4hx2m3n9p",
					Object:        propexo.ModelEvents,
					Payload:       json.RawMessage(`{"created_at": "2025-08-18T13:01:43.525Z", "event_name": "Email Opt-In", "notes": "Event Scheduler Email", "reasons_for_event": "Prospect opted in to email updates"}`),
					Context:       json.RawMessage(`{"property_id": "clwktsp9v000008l31iv218hn"}`),
				},
			},
		},
		"DATA_UPDATE sample": {
			body: sample(t, "DATA_UPDATE"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerDataUpdate,
				IntegrationID: "cly301lrc000009jvbp6vaz7i",
				Vendor:        propexo.VendorEntrata,
				Meta:          &propexo.Meta{Object: propexo.ModelLeases, IntegrationID: "cly301lrc000009jvbp6vaz7i"},
				DataUpdate: &propexo.DataUpdate{
					Event:         propexo.TriggerDataUpdate,
					IntegrationID: "cly301lrc000009jvbp6vaz7i",
					Vendor:        propexo.VendorEntrata,
					JobID:         "cm2lz0c7d000a08mb2kx4f1qe",
					RootJobID:     "cm2lz0b9p000908mb7r3s6h2d",
					JobType:       "READ_LEASES",
					RecordID:      "clx9m2v4t000508jq1b7c3d8e",
					Object:        propexo.ModelLeases,
					Diff: propexo.Diff{
						New:      json.RawMessage(`{"status": "approved", "last_seen": "2025-08-18T13:06:56.283Z"}`),
						Previous: json.RawMessage(`{"status": "pending", "last_seen": "2025-08-18T01:04:12.910Z"}`),
					},
					Context: json.RawMessage(`{"property_id": "clwktsp9v000008l31iv218hn"}`),
				},
			},
		},
		"SYNC_COMPLETE sample": {
			body: sample(t, "SYNC_COMPLETE"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerSyncComplete,
				IntegrationID: "cly301lrc000009jvbp6vaz7i",
				Vendor:        propexo.VendorYardi,
				SyncComplete: &propexo.SyncComplete{
					Event:              propexo.TriggerSyncComplete,
					IntegrationID:      "cly301lrc000009jvbp6vaz7i",
					Vendor:             propexo.VendorYardi,
					SuccessfulJobCount: lenient.Int{Value: 49},
					IsSyncFinished:     lenient.Bool{Value: true},
					JobScheduleID:      ptr("cm0ab12cd000108l2e3f4g5h6"),
					ModelsSynced:       []propexo.Model{propexo.ModelResidents, propexo.ModelLeases},
				},
			},
		},
		"manual backsync: doubles, null schedule, kebab models": {
			body: testutil.Fixture(t, "variants/sync-complete-manual.json"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerSyncComplete,
				IntegrationID: "cly301lrc000009jvbp6vaz7i",
				Vendor:        propexo.VendorEntrata,
				SyncComplete: &propexo.SyncComplete{
					Event:              propexo.TriggerSyncComplete,
					IntegrationID:      "cly301lrc000009jvbp6vaz7i",
					Vendor:             propexo.VendorEntrata,
					SuccessfulJobCount: lenient.Int{Value: 47},
					FailedJobCount:     lenient.Int{Value: 2},
					IsBacksync:         lenient.Bool{Value: true},
					ModelsSynced:       []propexo.Model{propexo.ModelResidentsToLeases, propexo.ModelLeases, propexo.ModelServiceRequests},
				},
			},
		},
		"FIRST_SYNC_COMPLETE flat": {
			body: testutil.Fixture(t, "flat/FIRST_SYNC_COMPLETE.json"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerFirstSyncComplete,
				Flat:          true,
				IntegrationID: "INTEGRATION_ID_003",
				Vendor:        propexo.VendorYardi,
				FirstSyncComplete: &propexo.FirstSyncComplete{
					Event:              propexo.TriggerFirstSyncComplete,
					IntegrationID:      "INTEGRATION_ID_003",
					Vendor:             propexo.VendorYardi,
					SuccessfulJobCount: lenient.Int{Value: 49},
					IsSyncFinished:     lenient.Bool{Value: true},
					JobScheduleID:      ptr("JOB_SCHEDULE_ID_001"),
				},
			},
		},
		"JOB_FAILURE flat": {
			body: testutil.Fixture(t, "flat/JOB_FAILURE.json"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerJobFailure,
				Flat:          true,
				IntegrationID: "INTEGRATION_ID_002",
				Vendor:        propexo.VendorResMan,
				JobFailure: &propexo.JobFailure{
					Event:         propexo.TriggerJobFailure,
					IntegrationID: "INTEGRATION_ID_002",
					Vendor:        propexo.VendorResMan,
					JobID:         "JOB_ID_002",
					RootJobID:     "ROOT_JOB_ID_002",
					JobType:       propexo.JobTypeReadResidentTransactions,
				},
			},
		},
		"JOB_SUCCESS sample": {
			body: sample(t, "JOB_SUCCESS"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerJobSuccess,
				IntegrationID: "cly301lrc000009jvbp6vaz7i",
				Vendor:        propexo.VendorEntrata,
				JobSuccess: &propexo.JobSuccess{
					Event:         propexo.TriggerJobSuccess,
					IntegrationID: "cly301lrc000009jvbp6vaz7i",
					Vendor:        propexo.VendorEntrata,
					JobID:         "cm2n4m1q2000e08ld9c4d5e6f",
					RootJobID:     "cm2n4k7t0000b08ld3x8z1a2b",
					JobType:       propexo.JobTypeReadLeadEvents,
				},
			},
		},
		"WRITE_OPERATION_FAILURE sample": {
			body: sample(t, "WRITE_OPERATION_FAILURE"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerWriteOperationFailure,
				IntegrationID: "INTEGRATION_ID_002",
				Vendor:        propexo.VendorResMan,
				WriteOperationFailure: &propexo.WriteOperationFailure{
					Event:         propexo.TriggerWriteOperationFailure,
					IntegrationID: "INTEGRATION_ID_002",
					Vendor:        propexo.VendorResMan,
					RootJobID:     "ROOT_OPERATION_ID_002",
					WriteStatus:   propexo.WriteStatusPartialSuccess,
					Errors:        []lenient.String{"Failed to write resident transaction: Duplicate transaction ID"},
				},
			},
		},
		"numeric ids": {
			body: testutil.Fixture(t, "variants/numeric-ids.json"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerJobFailure,
				IntegrationID: "1042",
				Vendor:        propexo.VendorRentManager,
				JobFailure: &propexo.JobFailure{
					Event:         propexo.TriggerJobFailure,
					IntegrationID: "1042",
					Vendor:        propexo.VendorRentManager,
					JobID:         "88123",
					RootJobID:     "88120",
					JobType:       propexo.JobTypeReadResidentTransactions,
				},
			},
		},
		"data wrapper without trigger (System Overview)": {
			body: testutil.Fixture(t, "variants/data-wrapper-without-trigger.json"),
			want: &propexo.Webhook{
				Trigger: propexo.TriggerDataUpdate,
				DataUpdate: &propexo.DataUpdate{
					Event:    propexo.TriggerDataUpdate,
					RecordID: "cly301zs1000109jv26hx7hii",
					Object:   propexo.ModelResidents,
					Diff: propexo.Diff{
						New:      json.RawMessage(`{ "first_name": "Mary" }`),
						Previous: json.RawMessage(`{ "first_name": "Sarah" }`),
					},
				},
			},
		},
		"integration id from meta only": {
			body: testutil.Fixture(t, "variants/meta-only-integration.json"),
			want: &propexo.Webhook{
				Trigger:       propexo.TriggerDataUpdate,
				IntegrationID: "cly301lrc000009jvbp6vaz7i",
				Meta:          &propexo.Meta{Object: propexo.ModelLeases, IntegrationID: "cly301lrc000009jvbp6vaz7i"},
				DataUpdate: &propexo.DataUpdate{
					Event:    propexo.TriggerDataUpdate,
					RecordID: "cm2kq8a4b000608l4hx2m3n9p",
					Diff: propexo.Diff{
						New:      json.RawMessage(`{ "status": "current" }`),
						Previous: json.RawMessage(`{ "status": "future" }`),
					},
				},
			},
		},
		"unknown trigger keeps data raw, ignores odd fields": {
			body: testutil.Fixture(t, "variants/unknown-trigger.json"),
			want: &propexo.Webhook{
				Trigger:       "DATA_DELETE",
				IntegrationID: "cly301lrc000009jvbp6vaz7i",
				Vendor:        propexo.VendorEntrata,
			},
		},
		"trigger wins over data.event": {
			body: []byte(`{"trigger":"JOB_FAILURE","data":{"event":"JOB_SUCCESS","job_id":"j1"}}`),
			want: &propexo.Webhook{
				Trigger:    propexo.TriggerJobFailure,
				JobFailure: &propexo.JobFailure{Event: propexo.TriggerJobSuccess, JobID: "j1"},
			},
		},
		"nulls are zero": {
			body: []byte(`{"trigger":"DATA_NEW","data":{"event":"DATA_NEW","record_id":null,"object":null,"payload":null,"context":null,"vendor":null},"meta":null}`),
			want: &propexo.Webhook{
				Trigger: propexo.TriggerDataNew,
				DataNew: &propexo.DataNew{Event: propexo.TriggerDataNew},
			},
		},
		"data null means flat": {
			body: []byte(`{"data":null,"event":"JOB_SUCCESS","job_id":"j2"}`),
			want: &propexo.Webhook{
				Trigger:    propexo.TriggerJobSuccess,
				Flat:       true,
				JobSuccess: &propexo.JobSuccess{Event: propexo.TriggerJobSuccess, JobID: "j2"},
			},
		},
		"unknown trigger with odd meta": {
			body: []byte(`{"trigger":"SOMETHING_NEW","data":{"integration_id":{"nested":true}},"meta":"text"}`),
			want: &propexo.Webhook{Trigger: "SOMETHING_NEW", IntegrationID: `{"nested":true}`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := propexo.Parse(tc.body)
			require.NoError(t, err)
			assert.Equal(t, string(tc.body), string(got.Raw))
			require.NotEmpty(t, got.Data)
			got.Raw, got.Data = nil, nil
			if diff := cmp.Diff(tc.want, got, rawJSONEqual); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// rawJSONEqual compares raw JSON by content, not by spacing.
var rawJSONEqual = cmp.Comparer(func(a, b json.RawMessage) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && cmp.Equal(x, y)
})

func TestParse_malformed(t *testing.T) {
	t.Parallel()
	const marker = "SECRET-MARKER-123456789"
	tests := map[string][]byte{
		"empty":                   []byte(``),
		"not JSON":                []byte(`trigger=DATA_NEW`),
		"null":                    []byte(`null`),
		"array":                   []byte(`[{"trigger":"DATA_NEW"}]`),
		"string":                  []byte(`"` + marker + `"`),
		"number":                  []byte(`123456789`),
		"truncated":               []byte(`{"trigger":"DATA_NEW","data":{"event":"DA`),
		"empty object":            []byte(`{}`),
		"empty trigger, no event": []byte(`{"trigger":"","data":{}}`),
		"trigger is a number":     []byte(`{"trigger":123456789,"data":{}}`),
		"event is an object":      []byte(`{"event":{"name":"` + marker + `"}}`),
		"data is an array":        []byte(`{"trigger":"DATA_NEW","data":["` + marker + `"]}`),
		"data is a string":        []byte(`{"trigger":"DATA_NEW","data":"` + marker + `"}`),
		"trigger is an object":    []byte(`{"trigger":{"v":"` + marker + `"},"data":{}}`),
	}
	for _, name := range testutil.Fixtures(t, "malformed/*.json") {
		tests["fixture "+name] = testutil.Fixture(t, filepath.Join("malformed", name))
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := propexo.Parse(body)
			require.ErrorIs(t, err, event.ErrMalformed)
			assert.Nil(t, w)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "propexo: parse: "), msg)
			assert.NotContains(t, msg, marker, "the error must not quote the body")
			assert.NotContains(t, msg, "123456789", "the error must not quote the body")
		})
	}
}

// TestParse_toleratesValues: values and members inside the envelope never
// fail an authentic delivery; what cannot be read is kept, and flagged.
func TestParse_toleratesValues(t *testing.T) {
	t.Parallel()
	const marker = "SECRET-MARKER-123456789"
	tests := map[string]struct {
		body      []byte
		dataError bool
	}{
		"model is a number":         {[]byte(`{"trigger":"DATA_NEW","data":{"object":123456789}}`), false},
		"record id is an object":    {[]byte(`{"trigger":"DATA_NEW","data":{"record_id":{"v":"` + marker + `"}}}`), false},
		"count is text":             {[]byte(`{"trigger":"SYNC_COMPLETE","data":{"successful_job_count":"` + marker + `"}}`), false},
		"count has a fraction":      {[]byte(`{"trigger":"SYNC_COMPLETE","data":{"failed_job_count":123456789.5}}`), false},
		"flag is text":              {[]byte(`{"trigger":"FIRST_SYNC_COMPLETE","data":{"is_sync_finished":"` + marker + `"}}`), false},
		"errors holds numbers":      {[]byte(`{"trigger":"WRITE_OPERATION_FAILURE","data":{"errors":[123456789]}}`), false},
		"vendor is an array":        {[]byte(`{"trigger":"JOB_FAILURE","data":{"vendor":["` + marker + `"]}}`), false},
		"models synced is a string": {[]byte(`{"trigger":"SYNC_COMPLETE","data":{"models_synced":"` + marker + `"}}`), true},
		"diff is a string":          {[]byte(`{"trigger":"DATA_UPDATE","data":{"diff":"` + marker + `"}}`), true},
		"meta is a string":          {[]byte(`{"trigger":"DATA_NEW","data":{},"meta":"` + marker + `"}`), true},
		"fixture errors-not-list":   {testutil.Fixture(t, "tolerated/errors-not-list.json"), true},
		"fixture fractional-count":  {testutil.Fixture(t, "tolerated/fractional-count.json"), false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := propexo.Parse(tc.body)
			require.NoError(t, err)
			if !tc.dataError {
				assert.NoError(t, w.DataError)
				return
			}
			require.ErrorIs(t, w.DataError, event.ErrMalformed)
			assert.NotContains(t, w.DataError.Error(), marker)
		})
	}
	w, err := propexo.Parse(testutil.Fixture(t, "tolerated/fractional-count.json"))
	require.NoError(t, err)
	assert.Equal(t, lenient.Int{Unparsed: "48.5"}, w.SyncComplete.SuccessfulJobCount)
	assert.True(t, w.SyncComplete.IsSyncFinished.Value, "the other members are decoded")
}

func TestEventNames(t *testing.T) {
	t.Parallel()
	want := []string{
		"DATA_NEW", "DATA_UPDATE", "FIRST_SYNC_COMPLETE", "JOB_FAILURE",
		"JOB_SUCCESS", "SYNC_COMPLETE", "WRITE_OPERATION_FAILURE",
	}
	got := propexo.EventNames()
	assert.Equal(t, want, got)
	got[0] = "changed"
	assert.Equal(t, want, propexo.EventNames(), "a new slice on each call")
}

// TestParse_garbageValues replaces every scalar value of every sample and
// fixture, in turn, by a value of every other JSON kind: Parse never fails,
// and the event keeps its name and type. Exempt are the members that name
// the trigger ("trigger", and the data's "event", which names it when
// there is no "trigger"), whose change makes another delivery.
func TestParse_garbageValues(t *testing.T) {
	t.Parallel()
	r, err := propexo.NewReceiver(verify.Unverified())
	require.NoError(t, err)
	bodies := map[string][]byte{}
	for _, name := range propexotest.Names() {
		b, ok := propexotest.Sample(name)
		require.True(t, ok)
		bodies[name] = b
	}
	for _, dir := range []string{"flat", "variants", "tolerated"} {
		for _, f := range testutil.Fixtures(t, dir+"/*.json") {
			bodies[dir+"/"+f] = testutil.Fixture(t, filepath.Join(dir, f))
		}
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := r.Decode(nil, body)
			require.NoError(t, err)
			for _, m := range testutil.Mutations(t, body) {
				if m.Key == "trigger" || m.Key == "event" && m.Depth <= 2 {
					continue
				}
				got, err := r.Decode(nil, m.Body)
				require.NoError(t, err, "%s = %s", m.Path, m.Value)
				require.Equal(t, want.Name(), got.Name(), "%s = %s", m.Path, m.Value)
				require.Equal(t, want.Type(), got.Type(), "%s = %s", m.Path, m.Value)
			}
		})
	}
}

// TestParse_sharesBody: Data, the payload and the diff are the bytes of the
// body itself, not copies, so a large delivery is not copied again by
// Parse; and keys still match as encoding/json matches them.
func TestParse_sharesBody(t *testing.T) {
	t.Parallel()
	within := func(t *testing.T, body, part []byte) {
		t.Helper()
		require.NotEmpty(t, part)
		start := &body[0]
		end := &body[len(body)-1]
		p := &part[0]
		assert.True(t, uintptr(unsafe.Pointer(p)) >= uintptr(unsafe.Pointer(start)) &&
			uintptr(unsafe.Pointer(p)) <= uintptr(unsafe.Pointer(end)), "not a sub-slice of the body")
	}
	body := sample(t, "DATA_UPDATE")
	w, err := propexo.Parse(body)
	require.NoError(t, err)
	within(t, body, w.Data)
	within(t, body, w.DataUpdate.Diff.New)
	within(t, body, w.DataUpdate.Diff.Previous)

	body = sample(t, "DATA_NEW")
	w, err = propexo.Parse(body)
	require.NoError(t, err)
	within(t, body, w.DataNew.Payload)

	w, err = propexo.Parse([]byte(`{"TRIGGER":"DATA_NEW","D\u0061ta":{"Record_ID":7,"object":"x","record_id":"last wins"},"META":{"Object":"leases"}}`))
	require.NoError(t, err)
	assert.Equal(t, propexo.TriggerDataNew, w.Trigger)
	assert.Equal(t, "last wins", string(w.DataNew.RecordID))
	assert.Equal(t, propexo.Model("leases"), w.Meta.Object)
}
